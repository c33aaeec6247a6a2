"""The base of every response body."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, create_model
from sqlmodel import SQLModel


class Answer(BaseModel):
    """Every key an answer carries is declared: an undeclared one is a validation error (a 500 the tests
    see), never a key that silently vanishes from the answer. A key the server sometimes leaves out has a
    default, and its route says ``response_model_exclude_unset=True`` so the answer stays as sent."""

    model_config = ConfigDict(extra="forbid")


class Done(Answer):
    status: Literal["ok"]


def record_answer(name: str, table: type[SQLModel], description: str) -> type[Answer]:
    """A database record as the API sends it (``model_dump(mode="json")``): its columns, declared once on
    the table model."""
    fields: dict[str, Any] = {name: (f.annotation, ...) for name, f in table.model_fields.items()}
    return create_model(name, __base__=Answer, __doc__=description, **fields)
