"""The PostgreSQL cursor that keeps each statement's described result columns per connection."""

from sqlalchemy import text


def _describe(conn, sql: str):
    result = conn.execute(text(sql))
    return [(c.name, c.type_code) for c in result.cursor.description]


def test_repeated_statement_describes_the_same_columns_and_reuses_them(pg_db):
    with pg_db.connect() as conn:
        first = _describe(conn, "select 1 as a, 'x'::text as b")
        again = [_describe(conn, "select 1 as a, 'x'::text as b") for _ in range(7)]  # prepared after 5
        assert first == [("a", 23), ("b", 25)] and all(d == first for d in again)
        assert _describe(conn, "select 'x'::text as b") == [("b", 25)]
        cached = conn.connection.driver_connection.__dict__["_ogi_described"]
        assert sum(1 for key in cached if key[0] == "select 1 as a, 'x'::text as b") == 1
        # Nothing shared between cursors can be changed through an answer.
        conn.execute(text("select 1 as a, 'x'::text as b")).cursor.description.clear()
        assert _describe(conn, "select 1 as a, 'x'::text as b") == first


def test_same_text_with_other_column_types_is_described_anew(pg_db):
    with pg_db.connect() as conn:
        conn.execute(text("create temporary table t_desc (v integer)"))
        assert _describe(conn, "select v from t_desc") == [("v", 23)]
        conn.execute(text("drop table t_desc"))
        conn.execute(text("create temporary table t_desc (v text)"))
        assert _describe(conn, "select v from t_desc") == [("v", 25)]
        conn.rollback()


def test_statements_without_rows_have_no_description(pg_db):
    with pg_db.connect() as conn:
        cursor = conn.connection.driver_connection.cursor()
        cursor.execute("create temporary table t_none (v integer)")
        cursor.execute("insert into t_none values (1)")
        assert cursor.description is None
        cursor.execute("select v from t_none")
        assert [c.name for c in cursor.description] == ["v"] and cursor.fetchall() == [(1,)]
        conn.rollback()
