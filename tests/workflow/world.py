"""A small agency world for workflow tests: one agency, its competent department, a user per role."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session

from engine import admin, workflow
from engine.actors import Actor, load_actor
from engine.models import Application, Event

D = date.fromisoformat


class FakeLetters:
    """The engine's letter port without WeasyPrint: a passing audit and a stand-in PDF."""

    def audit(self, case, letter, registry):
        return [{"check": "fields", "severity": "blocking", "ok": True, "message": ""}]

    def render(self, agency, letter):
        body = f"{letter.type}|{letter.number}|{letter.data.get('decision', {}).get('outcome')}".encode()
        return b"%PDF-1.7 test " + hashlib.sha256(body).hexdigest().encode(), "test-1"


LETTERS = FakeLetters()

APPLICANT = {
    "kind": "natural", "name": "张三", "id_type": "resident_id", "id_number": "110101199003091234",
    "phone": "13800138000", "address": "北京市东城区某路1号",
}


def register_inputs(**overrides) -> dict:
    data = {
        "applicant": dict(APPLICANT),
        "channel": "email",
        "channel_facts": {"mail_received": "2026-03-02"},
        "request_text": "请公开2025年本局行政许可事项办理情况统计",
        "form_wanted": "electronic",
        "delivery_wanted": "email",
    }
    data.update(overrides)
    return data


@dataclass
class World:
    engine: object
    registry: object
    users: dict[str, int] = field(default_factory=dict)
    agency_id: int = 0
    other_agency_id: int = 0

    def session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    def actor(self, name: str) -> Actor:
        with self.session() as s:
            return load_actor(s, self.users[name])

    def register(self, today: str = "2026-03-02", actor: str = "clerk", **overrides) -> int:
        with self.session() as s:
            app, _ = workflow.register(s, self.actor(actor), self.agency_id, register_inputs(**overrides),
                                       today=D(today), registry=self.registry)
            return app.id

    def fire(self, actor: str, app_id: int, event: str, inputs: dict | None = None, today: str = "2026-03-03",
             **kw):
        with self.session() as s:
            kw.setdefault("letters", LETTERS)
            result = workflow.fire(s, self.actor(actor), app_id, event, inputs or {}, today=D(today),
                                   registry=self.registry, **kw)
            return result.application

    def grant(self, user: str, *roles: str) -> None:
        """Give a world user further roles in the agency (e.g. a clerk who also heads the office)."""
        from engine.models import Agency, User

        with self.session() as s:
            for role in roles:
                admin.grant(s, s.get(User, self.users[user]), s.get(Agency, self.agency_id), role)
            s.commit()

    def app(self, app_id: int) -> Application:
        with self.session() as s:
            return s.get(Application, app_id)

    def events(self, app_id: int) -> list[Event]:
        from sqlmodel import select

        with self.session() as s:
            return list(s.exec(select(Event).where(Event.application_id == app_id).order_by(Event.seq)).all())


def build_world(engine, registry, **agency_settings) -> World:
    w = World(engine, registry)
    with Session(engine) as s:
        gov = admin.create_agency(s, code="GOV", name="示例市人民政府办公室")
        ag = admin.create_agency(s, code="DEMO", name="示例市交通运输局", competent_department="GOV",
                                 review_body="示例市人民政府", court="示例市某区人民法院",
                                 address="示例市人民路1号", contact="010-12345678", settings=agency_settings)
        other = admin.create_agency(s, code="OTHER", name="示例市生态环境局", competent_department="GOV")
        for name, agency, role in [
            ("clerk", ag, "clerk"), ("clerk2", ag, "clerk"), ("head", ag, "head"), ("head2", ag, "head"),
            ("secrecy", ag, "secrecy_reviewer"), ("legal", ag, "legal"), ("supervisor", gov, "supervisor"),
            ("other_clerk", other, "clerk"), ("other_head", other, "head"),
        ]:
            user = admin.create_user(s, username=name, display_name=name, password=None)
            admin.grant(s, user, agency, role)
            w.users[name] = user.id
        s.commit()
        w.agency_id, w.other_agency_id = ag.id, other.id
    return w
