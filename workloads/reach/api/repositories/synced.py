"""One row of a mart a daily sync replaces in PostgreSQL, by its key, as the API model of its
columns: what the synced marts' readers (account summaries, post locations) look up."""

from __future__ import annotations

from typing import Generic, TypeVar

import asyncpg
from pydantic import BaseModel

M = TypeVar("M", bound=BaseModel)


class SyncedRows(Generic[M]):
    """The rows of `table`, each read as `model` (whose fields name the columns) by `key`."""

    def __init__(self, pool: asyncpg.Pool, table: str, model: type[M], key: str) -> None:
        self.pool = pool
        self.model = model
        self._one = f"SELECT {', '.join(model.model_fields)} FROM {table} WHERE {key} = $1"

    async def one(self, value: str) -> M | None:
        row = await self.pool.fetchrow(self._one, value)
        return None if row is None else self.model.model_validate(dict(row))
