"""Numbered query arguments (`$1`, `$2`, ...) collected while a repository writes its SQL; the
posts, profiles and leaderboard queries build their WHERE clauses with it."""

from __future__ import annotations

from typing import Any


class Arguments(list[Any]):
    """The arguments of a query being written: `args(value)` adds `value` and returns the
    placeholder that stands for it."""

    def __call__(self, value: Any) -> str:
        self.append(value)
        return f"${len(self)}"
