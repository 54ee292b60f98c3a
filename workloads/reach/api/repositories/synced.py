"""Rows of a mart a daily sync replaces in PostgreSQL, by their key, as the API model of their
columns: what the synced marts' readers (account summaries and months, post locations, GPT
audiences, trending posts, creators' orders) look up."""

from __future__ import annotations

from typing import Generic, TypeVar

import asyncpg
from pydantic import BaseModel

M = TypeVar("M", bound=BaseModel)


def columns(model: type[BaseModel]) -> str:
    """The select list of `model`: its fields, each the column of the same name."""
    return ", ".join(model.model_fields)


class SyncedRows(Generic[M]):
    """The rows of `table`, each read as `model` by its `key` columns (in order)."""

    def __init__(self, pool: asyncpg.Pool, table: str, model: type[M], *key: str) -> None:
        self.pool = pool
        self.model = model
        where = " AND ".join(f"{column} = ${n}" for n, column in enumerate(key, 1))
        self._one = f"SELECT {columns(model)} FROM {table} WHERE {where}"
        self._exists = f"SELECT EXISTS (SELECT 1 FROM {table} WHERE {where})"

    async def one(self, *value: str) -> M | None:
        row = await self.pool.fetchrow(self._one, *value)
        return None if row is None else self.model.model_validate(dict(row))

    async def exists(self, *value: str) -> bool:
        found: bool = await self.pool.fetchval(self._exists, *value)
        return found
