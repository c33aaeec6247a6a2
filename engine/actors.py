"""Who is acting: a user's role grants per agency, or the system (lapses fired by the scheduler)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from .errors import Forbidden, NotFound
from .models import ROLE_ZH, Agency, RoleGrant, User


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    name: str
    grants: frozenset[tuple[int, str]]  # (agency_id, role)
    is_system: bool = False
    platform_admin: bool = False  # the deployment's administrator: agencies, calendar, users — not cases


    @classmethod
    def system(cls) -> "Actor":
        return cls(None, "系统", frozenset(), True)

    def roles_in(self, agency: Agency) -> set[str]:
        """Roles this actor holds for an agency; a supervisor of its competent department counts."""
        if self.is_system:
            return {"system"}
        roles = {role for agency_id, role in self.grants if agency_id == agency.id}
        if agency.competent_department_id and (agency.competent_department_id, "supervisor") in self.grants:
            roles.add("supervisor")
        return roles

    def can_see(self, agency: Agency) -> bool:
        return self.is_system or bool(self.roles_in(agency))

    def agencies(self) -> set[int]:
        return {agency_id for agency_id, _ in self.grants}

    def admin_of(self) -> set[int]:
        """The agencies this actor administers (holds ``admin`` in)."""
        return {agency_id for agency_id, role in self.grants if role == "admin"}

    def holds(self, role: str) -> bool:
        """Holds ``role`` somewhere; ``platform_admin`` is the deployment-wide flag, not a grant."""
        if role == "platform_admin":
            return self.platform_admin
        return any(r == role for _, r in self.grants)


def load_actor(session: Session, user_id: int) -> Actor:
    user = session.get(User, user_id)
    if user is None or not user.active:
        raise NotFound("用户不存在或已停用")
    grants = session.exec(select(RoleGrant).where(RoleGrant.user_id == user_id)).all()
    return Actor(user.id, user.display_name, frozenset((g.agency_id, g.role) for g in grants),
                 platform_admin=user.platform_admin)


ROLE_ORDER = ("system", "clerk", "head", "secrecy_reviewer", "legal", "supervisor", "admin")


def pick_role(actor: Actor, agency: Agency, allowed: frozenset[str], event_label: str) -> str:
    """The role an actor acts in for an event: the first of the event's roles the actor holds here."""
    held = actor.roles_in(agency)
    for role in ROLE_ORDER:
        if role in held and role in allowed:
            return role
    need = "或".join(ROLE_ZH.get(r, r) for r in sorted(allowed))
    raise Forbidden(f"“{event_label}”须由{need}办理，当前用户在本机关没有该角色")
