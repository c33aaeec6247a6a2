"""A database error is logged (api/problems.py) with its statement, never with its parameters: those
are the names, phones and identity numbers being registered or searched for."""

import pytest
from sqlalchemy import text

from engine.db import make_engine


def test_database_errors_do_not_carry_their_parameters(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    with engine.connect() as conn, pytest.raises(Exception) as exc:
        conn.execute(text("SELECT * FROM no_such_table WHERE phone = :phone"), {"phone": "13800138000"})
    assert "13800138000" not in str(exc.value) and "hidden" in str(exc.value)
    engine.dispose()
