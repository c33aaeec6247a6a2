"""No private attribute of a library on any path (issue 20): an upgrade of psycopg or SQLAlchemy may
rename or drop a ``_name`` without notice, and the product would break silently.

The source of engine/, api/, letters/ and calendars/ is read with ``ast``. An access ``obj._name``
(single underscore, not a dunder) is a finding when ``_name`` is one known to belong to a library, or
when the project itself defines no ``_name`` anywhere — then it can only be somebody else's.
"""

from __future__ import annotations

import ast
from pathlib import Path


ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("engine", "api", "letters", "calendars")
# Private attributes the project has used and must not use again, unless read as ``self._name`` in a
# class that defines it (``self._conn`` in a psycopg cursor subclass is psycopg's, not ours).
LIBRARY_PRIVATE = {"_commit_all", "_last_query", "_conn", "_pgconn", "_tx", "_sa_instance_state"}
# Underscored names that the standard library documents as public API.
DOCUMENTED = {"_exit", "_asdict", "_replace", "_fields", "_field_defaults", "_make", "_value_", "_name_",
              "_missing_", "_generate_next_value_", "_ignore_"}


def _sources() -> list[Path]:
    return sorted(p for package in PACKAGES for p in (ROOT / package).rglob("*.py"))


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def _defined_names(trees: list[ast.AST]) -> set[str]:
    """Every underscored name the project defines: functions, classes, assignments (``self._x = …``
    included), class fields, parameters, import aliases."""
    names: set[str] = set()
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(node.name)
            elif isinstance(node, ast.arg):
                names.add(node.arg)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names.add(node.id)
            elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
                names.add(node.attr)
            elif isinstance(node, ast.alias):
                names.add(node.asname or node.name.split(".")[0])
            elif isinstance(node, ast.keyword) and node.arg:  # dataclass(…)/model fields given by name
                names.add(node.arg)
    return {n for n in names if _private(n)}


def _accessed(tree: ast.AST) -> list[tuple[int, str, bool]]:
    """``obj._name`` and ``getattr(obj, "_name")`` (and its set/has relatives): (line, name, whether it
    is ``self._name``/``cls._name`` inside a class of this file that itself defines ``_name``)."""
    found = []

    def visit(node: ast.AST, own: set[str]) -> None:
        if isinstance(node, ast.ClassDef):
            own = _defined_names([node])
        if isinstance(node, ast.Attribute) and _private(node.attr):
            mine = isinstance(node.value, ast.Name) and node.value.id in {"self", "cls"} and node.attr in own
            found.append((node.lineno, node.attr, mine))
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
              and node.func.id in {"getattr", "setattr", "hasattr", "delattr"} and len(node.args) >= 2
              and isinstance(node.args[1], ast.Constant) and isinstance(node.args[1].value, str)
              and _private(node.args[1].value)):
            found.append((node.lineno, node.args[1].value, False))
        for child in ast.iter_child_nodes(node):
            visit(child, own)

    visit(tree, set())
    return found


def findings() -> set[tuple[str, str]]:
    """(file, attribute) for every private attribute of a library the project's source touches."""
    parsed = {path: ast.parse(path.read_text(encoding="utf-8"), str(path)) for path in _sources()}
    ours = _defined_names(list(parsed.values())) - LIBRARY_PRIVATE
    out = set()
    for path, tree in parsed.items():
        for _line, attr, mine in _accessed(tree):
            if mine:
                continue
            if attr in LIBRARY_PRIVATE or (attr not in ours and attr not in DOCUMENTED):
                out.add((path.relative_to(ROOT).as_posix(), attr))
    return out


def test_no_private_attribute_of_a_library_is_used():
    assert findings() == set()


def test_the_scan_finds_what_it_is_meant_to_find(tmp_path):
    code = ast.parse("cursor._last_query\nstate._commit_all()\nself._conn\ngetattr(r, '_mystery')\n"
                     "obj._ours\nx.__dict__\nos._exit(0)\n")
    accessed = {attr for _line, attr, _mine in _accessed(code)}
    assert accessed == {"_last_query", "_commit_all", "_conn", "_mystery", "_ours", "_exit"}
    ours = _defined_names([ast.parse("class A:\n    def __init__(self):\n        self._ours = 1\n")])
    assert "_ours" in ours and "_mystery" not in ours
    # A class's own ``self._conn`` is the project's; a subclass reading its library base's is not.
    own = ast.parse("class Lock:\n    def __init__(self):\n        self._conn = None\n    def f(self):\n"
                    "        return self._conn\n")
    assert {mine for _line, _attr, mine in _accessed(own)} == {True}
    borrowed = ast.parse("class C(psycopg.Cursor):\n    def f(self):\n        return self._conn\n")
    assert _accessed(borrowed) == [(3, "_conn", False)]
