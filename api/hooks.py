"""The letter-side steps the engine receives as parameters (wired here, by the front end)."""

from __future__ import annotations

from functools import lru_cache

from engine.settings import get_settings


@lru_cache(maxsize=1)
def engine_hooks() -> dict:
    from letters.hooks import make_hooks

    return make_hooks(get_settings().letter_template_dir)
