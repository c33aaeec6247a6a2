"""A psycopg cursor that describes each statement's result columns once per connection.

SQLAlchemy reads ``cursor.description`` after every statement, and psycopg builds it anew each time:
one ``Column`` per result column, each with a decode and a type-registry lookup. The event's locking
load returns 68 columns, and building them was a sixth of the service layer's instructions per event
(callgrind, benchmarks/README.md). A statement's result columns are fixed by its text and the column
types PostgreSQL reports, so the described columns are kept per connection under that key.
"""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg.pq import ExecStatus

_DESCRIBED = "_ogi_described"  # attribute on the psycopg connection: {key: [Column, …]}
_LIMIT = 512  # distinct statements kept per connection; the application has far fewer
_ROWS = (ExecStatus.TUPLES_OK, ExecStatus.SINGLE_TUPLE, ExecStatus.TUPLES_CHUNK)


class DescribedOnceCursor(psycopg.Cursor):
    @property
    def description(self) -> list[psycopg.Column] | None:
        res = self.pgresult
        if not res or not (res.nfields or res.status in _ROWS):
            return None
        n = res.nfields
        query = self._last_query  # the text as given to execute() (also set for prepared statements)
        if not isinstance(query, (str, bytes)):
            return super().description
        # The types are part of the key: the same text after a migration may answer other columns.
        key = (query, tuple(res.ftype(i) for i in range(n)), tuple(res.fmod(i) for i in range(n)))
        cache: dict[Any, list[psycopg.Column]] = self._conn.__dict__.setdefault(_DESCRIBED, {})
        columns = cache.get(key)
        if columns is None:
            if len(cache) >= _LIMIT:
                cache.clear()
            columns = cache[key] = [psycopg.Column(self, i) for i in range(n)]
        return list(columns)
