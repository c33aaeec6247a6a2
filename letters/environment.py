"""Jinja environments for letter templates.

Built-in templates live in ``letters/templates``; an agency may override any of them from a
configured folder. Overrides run in a *sandboxed* environment and are checked when loaded: a syntax
error, or an expression reaching for Python internals (``__class__``, ``mro`` …), is refused with its
line. Everything is autoescaped, so a clerk's text is printed literally — never interpreted.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, TemplateSyntaxError, nodes, select_autoescape
from jinja2.sandbox import ImmutableSandboxedEnvironment

from .formatting import cn_date, yuan

BUILTIN = Path(__file__).parent / "templates"
FORBIDDEN_ATTRS = {"mro", "gi_frame", "gi_code", "f_globals", "f_locals", "f_builtins", "func_globals",
                   "func_code", "co_code", "tb_frame", "cr_frame", "ag_frame", "im_func", "format_map"}


class TemplateOverrideError(Exception):
    def __init__(self, path: str, line: int | None, message: str) -> None:
        self.path, self.line = path, line
        where = f"第{line}行" if line else ""
        super().__init__(f"模板 {path} {where}：{message}")


def _template_name(letter_type: str, outcome: str | None) -> str:
    return f"reply/{outcome}.html" if letter_type == "reply" else f"{letter_type}.html"


def _check_override(env: Environment, path: Path, name: str) -> None:
    source = path.read_text(encoding="utf-8")
    try:
        tree = env.parse(source, name, str(path))
    except TemplateSyntaxError as exc:
        raise TemplateOverrideError(name, exc.lineno, f"语法错误：{exc.message}") from None
    for node in tree.find_all((nodes.Getattr, nodes.Getitem, nodes.Name)):
        attr = None
        if isinstance(node, nodes.Getattr):
            attr = node.attr
        elif isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
            attr = node.arg.value
        elif isinstance(node, nodes.Name):
            attr = node.name
        if attr and (attr.startswith("_") or attr in FORBIDDEN_ATTRS):
            raise TemplateOverrideError(name, node.lineno, f"不允许访问内部属性“{attr}”")


def _globals(env: Environment) -> Environment:
    env.globals.update(cn_date=cn_date, yuan=yuan)
    return env


@dataclass(frozen=True)
class LetterTemplates:
    env: Environment
    version: str  # recorded with every issued letter
    override_dir: Path | None

    def template_for(self, letter_type: str, outcome: str | None):
        return self.env.get_template(_template_name(letter_type, outcome))


def _digest(folders: list[Path]) -> str:
    h = hashlib.sha256()
    for folder in folders:
        for path in sorted(folder.rglob("*.html")):
            h.update(str(path.relative_to(folder)).encode())
            h.update(path.read_bytes())
    return h.hexdigest()[:12]


@lru_cache(maxsize=8)
def load_templates(override_dir: str | None = None) -> LetterTemplates:
    """The built-in templates, or the agency overrides over them (validated, sandboxed)."""
    if not override_dir:
        env = Environment(loader=FileSystemLoader(BUILTIN), autoescape=select_autoescape(["html"]),
                          trim_blocks=True, lstrip_blocks=True)
        return LetterTemplates(_globals(env), f"builtin-{_digest([BUILTIN])}", None)
    folder = Path(override_dir)
    env = ImmutableSandboxedEnvironment(loader=ChoiceLoader([FileSystemLoader(folder), FileSystemLoader(BUILTIN)]),
                               autoescape=select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True)
    for path in sorted(folder.rglob("*.html")):
        _check_override(env, path, str(path.relative_to(folder)))
    return LetterTemplates(_globals(env), f"override-{_digest([folder, BUILTIN])}", folder)
