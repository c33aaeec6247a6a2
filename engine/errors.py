"""Domain errors. Each carries a Chinese message a clerk can act on; front ends map them to 4xx/exit 2."""

from __future__ import annotations


class DomainError(Exception):
    status = 400
    title = "请求无法处理"
    current: object = None  # what the client should see with the refusal (a conflict: the current state)
    retry_after: int | None = None  # seconds, for a refusal that ends on its own (HTTP Retry-After)

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class InputError(DomainError):
    """The input itself is wrong (a bad date, a negative number, an unknown region…)."""

    status = 422
    title = "输入有误"


class NotFound(DomainError):
    status = 404
    title = "未找到"


class Refused(DomainError):
    """A rule of the procedure refuses the action (wrong state, wrong role, a guard)."""

    status = 409
    title = "不允许的操作"


class Forbidden(DomainError):
    status = 403
    title = "无权操作"


class Conflict(DomainError):
    """Someone else changed the record first (stale version)."""

    status = 409
    title = "数据已被他人修改"


class Unconfirmed(InputError):
    """Possible but unusual input (a receipt more than a year back, a search date after today): done
    only when the request says ``confirm``; the message says what to check."""

    title = "请确认"
