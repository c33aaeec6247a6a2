"""Atomic counters for tracking numbers and 文号, inside the caller's transaction.

The increment is one ``UPDATE … SET last = last + 1 … RETURNING last``: the row lock it takes makes
concurrent allocations queue, and a transaction that fails rolls its number back — no duplicates and
no gaps caused by failed requests.
"""

from __future__ import annotations

from sqlalchemy import insert, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from .models import NumberSeries


def next_number(session: Session, agency_id: int, series: str, year: int) -> int:
    table = NumberSeries.__table__
    stmt = (
        update(table)
        .where(table.c.agency_id == agency_id, table.c.series == series, table.c.year == year)
        .values(last=table.c.last + 1)
        .returning(table.c.last)
    )
    value = session.execute(stmt).scalar()
    if value is not None:
        return value
    try:
        with session.begin_nested():
            session.execute(insert(table).values(agency_id=agency_id, series=series, year=year, last=0))
    except IntegrityError:
        pass  # created concurrently; the update below takes its turn
    return session.execute(stmt).scalar_one()


def tracking_number(fmt: str, code: str, year: int, n: int) -> str:
    return fmt.format(code=code, year=year, n=n)
