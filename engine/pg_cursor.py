"""A psycopg cursor that describes each distinct result shape once per connection.

SQLAlchemy reads ``cursor.description`` after every statement, and psycopg builds it anew each time:
one ``Column`` per result column, each with a decode and a type-registry lookup. The event's locking
load returns 68 columns, and building them was a sixth of the service layer's instructions per event
(callgrind, benchmarks/README.md). A ``Column`` is made only of what the result reports for it (name,
type, type modifier) and of the connection (name encoding, type registry), so the described columns
are kept per connection under the result's names, types and modifiers — read through the public
``pgresult``, with no need to know which statement produced them.
"""

from __future__ import annotations

import weakref
from typing import Any

import psycopg
from psycopg.pq import ExecStatus

_LIMIT = 512  # distinct result shapes kept per connection; the application has far fewer
_ROWS = (ExecStatus.TUPLES_OK, ExecStatus.SINGLE_TUPLE, ExecStatus.TUPLES_CHUNK)
# {connection: {shape: [Column, …]}}, held weakly: an entry goes with its connection. Kept here rather
# than as an attribute set on psycopg's connection object.
DESCRIBED: weakref.WeakKeyDictionary[psycopg.Connection, dict[Any, list[psycopg.Column]]] = \
    weakref.WeakKeyDictionary()


class DescribedOnceCursor(psycopg.Cursor):
    @property
    def description(self) -> list[psycopg.Column] | None:
        res = self.pgresult
        if not res or not (res.nfields or res.status in _ROWS):
            return None
        fields = range(res.nfields)
        # Everything a Column reads from the result (fsize follows from the type). Two statements with
        # the same shape share the columns; the same text after a migration with other types does not.
        key = (tuple(map(res.fname, fields)), tuple(map(res.ftype, fields)), tuple(map(res.fmod, fields)))
        connection = self.connection
        cache = DESCRIBED.get(connection)
        if cache is None:
            cache = DESCRIBED[connection] = {}
        columns = cache.get(key)
        if columns is None:
            if len(cache) >= _LIMIT:
                cache.clear()
            columns = cache[key] = [psycopg.Column(self, i) for i in fields]
        return list(columns)
