"""The letters side the engine receives as a port (wired here, by the front end)."""

from __future__ import annotations

from functools import lru_cache

from engine.settings import get_settings


@lru_cache(maxsize=1)
def letter_desk():
    from letters.hooks import LetterDesk

    return LetterDesk(override_root=get_settings().letter_template_dir)
