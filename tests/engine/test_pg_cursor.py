"""The PostgreSQL cursor that keeps each result shape's described columns per connection."""

from sqlalchemy import text

from engine.pg_cursor import DESCRIBED


def _describe(conn, sql: str):
    result = conn.execute(text(sql))
    return [(c.name, c.type_code) for c in result.cursor.description]


def _shapes(conn) -> dict:
    return DESCRIBED[conn.connection.driver_connection]


def test_repeated_statement_describes_the_same_columns_and_reuses_them(pg_db):
    with pg_db.connect() as conn:
        first = _describe(conn, "select 1 as a, 'x'::text as b")
        again = [_describe(conn, "select 1 as a, 'x'::text as b") for _ in range(7)]  # prepared after 5
        assert first == [("a", 23), ("b", 25)] and all(d == first for d in again)
        assert _describe(conn, "select 'x'::text as b") == [("b", 25)]
        assert sum(1 for names, _types, _mods in _shapes(conn) if names == (b"a", b"b")) == 1
        # Nothing shared between cursors can be changed through an answer.
        conn.execute(text("select 1 as a, 'x'::text as b")).cursor.description.clear()
        assert _describe(conn, "select 1 as a, 'x'::text as b") == first


def test_another_statement_with_the_same_shape_shares_the_columns_and_other_names_do_not(pg_db):
    with pg_db.connect() as conn:
        assert _describe(conn, "select 1 as a") == [("a", 23)]
        assert _describe(conn, "select 2 + 3 as a") == [("a", 23)]
        assert _describe(conn, "select 1 as c") == [("c", 23)]  # same type, another name
        assert _describe(conn, "select 1::bigint as a") == [("a", 20)]  # same name, another type
        assert {names for names, _types, _mods in _shapes(conn)} >= {(b"a",), (b"c",)}


def test_same_text_with_other_column_types_is_described_anew(pg_db):
    with pg_db.connect() as conn:
        conn.execute(text("create temporary table t_desc (v integer)"))
        assert _describe(conn, "select v from t_desc") == [("v", 23)]
        conn.execute(text("drop table t_desc"))
        conn.execute(text("create temporary table t_desc (v text)"))
        assert _describe(conn, "select v from t_desc") == [("v", 25)]
        conn.rollback()


def test_same_type_with_another_modifier_is_described_anew(pg_db):
    with pg_db.connect() as conn:
        sizes = []
        for length in (5, 9):
            conn.execute(text(f"create temporary table t_mod (v varchar({length}))"))
            sizes.append([(c.name, c.display_size) for c in conn.execute(text("select v from t_mod")).cursor.description])
            conn.execute(text("drop table t_mod"))
        assert sizes == [[("v", 5)], [("v", 9)]]
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


def test_a_connection_that_goes_takes_its_descriptions_with_it(pg_db):
    import gc
    import weakref

    with pg_db.connect() as conn:
        _describe(conn, "select 1 as a")
        driver = weakref.ref(conn.connection.driver_connection)
        assert driver() in DESCRIBED
    pg_db.dispose()  # closes the pooled connection and lets it go
    del conn
    gc.collect()
    assert driver() is None  # and with it its entry (the cache holds connections weakly)
