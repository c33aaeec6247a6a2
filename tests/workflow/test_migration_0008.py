"""Migration 0008 on a database created at 0006 with an applicant shared by two agencies: one applicant
record per agency, the details as given per application (from the register events), the audit trail's
identity numbers and phones masked — on SQLite and PostgreSQL — and no drift from the models after."""

from __future__ import annotations

import os
from datetime import date, datetime, timezone

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

import engine.models  # noqa: F401
from engine.db import make_engine, normalise_url
from engine.migrate import upgrade

FULL_ID, FULL_PHONE = "110101199003071234", "13800138000"
GIVEN = {"kind": "natural", "subtype": None, "name": "张三", "id_type": "resident_id", "id_number": FULL_ID,
         "phone": FULL_PHONE, "email": "", "address": "东城区某路1号", "postcode": ""}
IMPOSTOR = {**GIVEN, "name": "冒名者", "phone": "13999999999", "address": "别处路9号"}  # overwrote the row in 0006


@pytest.fixture(params=["sqlite", "postgres"])
def url_at_0006(request, tmp_path):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'old.db'}"
        upgrade(url, "0006")
        yield url
        return
    from tests.conftest import _with_schema, pg_base_url, pg_reachable

    base = normalise_url(pg_base_url())
    if not pg_reachable(base):
        pytest.skip("PostgreSQL not reachable")
    schema = f"ogi_mig0008_{os.getpid()}"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
    url = _with_schema(base, schema)
    upgrade(url, "0006")
    yield url
    with admin.connect() as conn:
        conn.exec_driver_sql(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
    admin.dispose()


def _filled(table: sa.Table, values: dict) -> dict:
    """``values`` plus a plain value for every other NOT NULL column (the old schema's full rows)."""
    out = dict(values)
    for column in table.columns:
        if column.name in out or column.nullable or column.primary_key:
            continue
        kind = column.type
        out[column.name] = (
            {} if isinstance(kind, sa.JSON) else False if isinstance(kind, sa.Boolean)
            else datetime(2026, 3, 2, tzinfo=timezone.utc) if isinstance(kind, sa.DateTime)
            else date(2026, 3, 2) if isinstance(kind, sa.Date)
            else 1 if isinstance(kind, sa.Integer) else "")
    return out


def _seed(url: str) -> dict:
    eng = make_engine(url)
    meta = sa.MetaData()
    meta.reflect(eng)
    t = meta.tables
    ids = {}
    with eng.begin() as c:
        def add(table_name, /, **values):
            return c.execute(t[table_name].insert().values(_filled(t[table_name], values))).inserted_primary_key[0]

        ids["demo"] = add("agencies", code="DEMO", name="交通局", settings={})
        ids["other"] = add("agencies", code="OTHER", name="环境局", settings={})
        user = add("users", username="u", display_name="u")
        # The 0006 row as the bug left it: DEMO's applicant overwritten by OTHER's registration.
        shared = add("applicants", **{k: v for k, v in IMPOSTOR.items()})
        ids["orphan"] = add("applicants", kind="natural", name="无申请", id_type="passport", id_number="E1")
        ids["shared"] = shared

        def app(number, agency, parent=None):
            return add("applications", agency_id=ids[agency], number=number, applicant_id=shared, parent_id=parent,
                       channel="email", status="registered", form_wanted="paper", delivery_wanted="post",
                       registered_by_id=user, request_text="请公开", version=1)

        def event(app_id, agency, seq, name, inputs, changes=None):
            add("events", application_id=app_id, agency_id=ids[agency], seq=seq, name=name, to_state="registered",
                actor_id=user, actor_name="u", role="clerk", inputs=inputs, changes=changes or {})

        ids["a1"] = app("DEMO-1", "demo")
        event(ids["a1"], "demo", 1, "register", {"applicant": GIVEN, "channel": "email"},
              {"_related": {"note": {"phone": FULL_PHONE}}})
        ids["a2"] = app("OTHER-1", "other")
        event(ids["a2"], "other", 1, "register", {"applicant": IMPOSTOR})
        ids["a3"] = app("DEMO-2", "demo", parent=ids["a1"])  # a split sibling: no register event
        event(ids["a3"], "demo", 1, "split", {"split_from": "DEMO-1", "request_text": "请公开"})
        ids["a4"] = app("DEMO-3", "demo")  # registered before events carried inputs: the row's details
        for agency in ("demo", "other"):
            add("access_log", user_id=user, agency_id=ids[agency], applicant_id=shared, what="id_number,phone",
                reason="核对")
    eng.dispose()
    return ids


def test_0008_splits_shared_applicants_backfills_details_and_masks_the_trail(url_at_0006):
    ids = _seed(url_at_0006)
    upgrade(url_at_0006)
    eng = make_engine(url_at_0006)
    with eng.connect() as c:
        applicants = c.exec_driver_sql("SELECT id, agency_id, id_number FROM applicants ORDER BY id").all()
        assert [(a.agency_id, a.id_number) for a in applicants] == [(ids["demo"], FULL_ID), (ids["other"], FULL_ID)]
        assert applicants[0].id == ids["shared"]  # the agency of the earliest application keeps the record
        other_record = applicants[1].id
        pointed = dict(c.exec_driver_sql("SELECT id, applicant_id FROM applications").all())
        assert pointed == {ids["a1"]: ids["shared"], ids["a2"]: other_record, ids["a3"]: ids["shared"],
                           ids["a4"]: ids["shared"]}
        details = {r.application_id: r for r in c.exec_driver_sql(
            "SELECT application_id, name, phone, address, kind, subtype FROM applicant_details").all()}
        assert (details[ids["a1"]].name, details[ids["a1"]].phone) == ("张三", FULL_PHONE)  # as given, restored
        assert details[ids["a3"]].name == "张三"  # the split sibling takes its origin's
        assert (details[ids["a2"]].name, details[ids["a2"]].phone) == ("冒名者", "13999999999")
        assert details[ids["a4"]].name == "冒名者"  # no register inputs: the row as it was
        logs = c.exec_driver_sql("SELECT agency_id, applicant_id FROM access_log ORDER BY id").all()
        assert [tuple(x) for x in logs] == [(ids["demo"], ids["shared"]), (ids["other"], other_record)]
        trail = " ".join(str(r) for r in c.exec_driver_sql("SELECT inputs, changes FROM events").all())
        assert FULL_ID not in trail and FULL_PHONE not in trail and "13999999999" not in trail
        assert "110***********1234" in trail and "138****8000" in trail
        diff = compare_metadata(MigrationContext.configure(c, opts={"compare_type": True}), SQLModel.metadata)
    eng.dispose()
    assert diff == []


def test_0008_downgrades_to_one_record_per_document_and_upgrades_again(url_at_0006):
    from alembic import command

    from engine.migrate import alembic_config

    _seed(url_at_0006)
    upgrade(url_at_0006)
    command.downgrade(alembic_config(url_at_0006), "0006")
    eng = make_engine(url_at_0006)
    with eng.connect() as c:
        assert c.exec_driver_sql("SELECT count(*) FROM applicants").scalar() == 1
        assert c.exec_driver_sql("SELECT count(DISTINCT applicant_id) FROM applications").scalar() == 1
    eng.dispose()
    upgrade(url_at_0006)
