"""Password hashing (argon2id through argon2-cffi)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from .errors import InputError

_hasher = PasswordHasher()


MIN_LENGTH = 10
MAX_LENGTH = 256


def check_password_policy(password: str, username: str = "") -> None:
    """The minimum password policy (等保 identity authentication: complexity). The only place it is
    written: the admin API, the web admin page, ``ogi user`` and the demo all call this."""
    if len(password) < MIN_LENGTH:
        raise InputError(f"密码至少{MIN_LENGTH}位", field="password")
    if len(password) > MAX_LENGTH:
        raise InputError(f"密码不能超过{MAX_LENGTH}位", field="password")
    if len(set(password)) == 1:
        raise InputError("密码不能全部由同一个字符组成", field="password")
    if username and username.casefold() in password.casefold():
        raise InputError("密码不能包含用户名", field="password")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored: str, password: str) -> bool:
    if not stored:
        return False
    try:
        return _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False
