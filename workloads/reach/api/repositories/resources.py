"""Partner-owned tables (profile and post collections, their items, collection groups, keyword
collections) behind one generic repository each for owners and for items. Every statement
carries the partner, so another partner's rows are never read or changed.

The SQL is derived from the models: the stored model names the columns read, the create and
patch models the columns written. A table is described once, as a `Table` or `ItemTable`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import asyncpg
from pydantic import BaseModel

S = TypeVar("S", bound=BaseModel)
I = TypeVar("I", bound=BaseModel)  # noqa: E741 - the item type, beside S for the stored owner


def _select_list(model: type[BaseModel], alias: str, computed: Mapping[str, str]) -> str:
    return ", ".join(
        f"{computed[name]} AS {name}" if name in computed else f"{alias}.{name}"
        for name in model.model_fields
    )


@dataclass(frozen=True)
class Table(Generic[S]):
    """A table of rows a partner owns (`partner_id`), with `id`, `created_at`, `updated_at`."""

    name: str
    stored: type[S]
    # Read expressions (over alias `t`) of stored fields that are not plain columns.
    computed: Mapping[str, str] = field(default_factory=dict)
    # Columns filled by the API on insert, e.g. a new share id.
    generated: Mapping[str, Callable[[], Any]] = field(default_factory=dict)
    sorts: tuple[str, ...] = ("created_at", "updated_at", "name")


class PartnerRows(Generic[S]):
    def __init__(self, pool: asyncpg.Pool, table: Table[S]) -> None:
        self.pool = pool
        self.table = table
        self._select = (
            f"SELECT {_select_list(table.stored, 't', table.computed)} FROM {table.name} t"
        )

    def _row(self, row: asyncpg.Record) -> S:
        return self.table.stored.model_validate(dict(row))

    async def create(self, partner_id: int, body: BaseModel) -> S:
        values = {**body.model_dump(), **{k: make() for k, make in self.table.generated.items()}}
        params = ", ".join(f"${i}" for i in range(2, len(values) + 2))
        new_id = await self.pool.fetchval(
            f"INSERT INTO {self.table.name} (partner_id, {', '.join(values)})"
            f" VALUES ($1, {params}) RETURNING id",
            partner_id,
            *values.values(),
        )
        created = await self.get(partner_id, new_id)
        assert created is not None
        return created

    async def get(self, partner_id: int, row_id: int) -> S | None:
        row = await self.pool.fetchrow(
            f"{self._select} WHERE t.partner_id = $1 AND t.id = $2", partner_id, row_id
        )
        return None if row is None else self._row(row)

    async def find(self, column: str, value: Any) -> S | None:
        """A row by a unique column, whoever owns it (what a public share link needs)."""
        row = await self.pool.fetchrow(f"{self._select} WHERE t.{column} = $1", value)
        return None if row is None else self._row(row)

    async def page(
        self, partner_id: int, sort: str, order: str, offset: int, size: int
    ) -> tuple[list[S], int]:
        if sort not in self.table.sorts:
            raise ValueError(f"{self.table.name} cannot be sorted by {sort}")
        direction = "DESC" if order == "desc" else "ASC"
        rows = await self.pool.fetch(
            f"{self._select} WHERE t.partner_id = $1"
            f" ORDER BY t.{sort} {direction}, t.id {direction} OFFSET $2 LIMIT $3",
            partner_id,
            offset,
            size,
        )
        total = await self.pool.fetchval(
            f"SELECT count(*) FROM {self.table.name} WHERE partner_id = $1", partner_id
        )
        return [self._row(r) for r in rows], int(total)

    async def update(self, partner_id: int, row_id: int, patch: BaseModel) -> S | None:
        changes = patch.model_dump(exclude_unset=True)
        sets = "".join(f"{name} = ${i}, " for i, name in enumerate(changes, start=3))
        done = await self.pool.fetchval(
            f"UPDATE {self.table.name} SET {sets}updated_at = now()"
            " WHERE partner_id = $1 AND id = $2 RETURNING id",
            partner_id,
            row_id,
            *changes.values(),
        )
        return None if done is None else await self.get(partner_id, row_id)

    async def delete(self, partner_id: int, row_id: int) -> bool:
        done = await self.pool.fetchval(
            f"DELETE FROM {self.table.name} WHERE partner_id = $1 AND id = $2 RETURNING id",
            partner_id,
            row_id,
        )
        return done is not None

    async def owned(self, partner_id: int, ids: list[int]) -> set[int]:
        """Which of `ids` are the partner's."""
        rows = await self.pool.fetch(
            f"SELECT id FROM {self.table.name} WHERE partner_id = $1 AND id = ANY($2::bigint[])",
            partner_id,
            ids,
        )
        return {r["id"] for r in rows}


@dataclass(frozen=True)
class ItemTable(Generic[I]):
    """The items of an owner table (`collection_id` -> owner `id`), unique per `key`."""

    name: str
    owner: str
    stored: type[I]
    key: tuple[str, ...]
    # PostgreSQL type of each column an item is created with.
    types: Mapping[str, str]


class Items(Generic[I]):
    def __init__(self, pool: asyncpg.Pool, table: ItemTable[I]) -> None:
        self.pool = pool
        self.table = table
        self._columns = _select_list(table.stored, "i", {})

    def _row(self, row: asyncpg.Record) -> I:
        return self.table.stored.model_validate(dict(row))

    async def add(self, partner_id: int, owner_id: int, items: list[BaseModel]) -> list[I] | None:
        """Adds `items`, or updates those whose key exists (the last of a key in `items` wins);
        None if the owner is not the partner's."""
        table = self.table
        unique = {tuple(getattr(i, k) for k in table.key): i.model_dump(mode="json") for i in items}
        columns = ", ".join(table.types)
        record = ", ".join(f"{name} {typ}" for name, typ in table.types.items())
        updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in table.types if c not in table.key)
        async with self.pool.acquire() as conn, conn.transaction():
            owned = await conn.fetchval(
                f"UPDATE {table.owner} SET updated_at = now()"
                " WHERE partner_id = $1 AND id = $2 RETURNING id",
                partner_id,
                owner_id,
            )
            if owned is None:
                return None
            rows = await conn.fetch(
                f"INSERT INTO {table.name} AS i (collection_id, {columns})"
                f" SELECT $1, {columns} FROM jsonb_to_recordset($2::jsonb) AS x({record})"
                f" ON CONFLICT (collection_id, {', '.join(table.key)})"
                f" DO UPDATE SET {updates}, updated_at = now() RETURNING {self._columns}",
                owner_id,
                list(unique.values()),
            )
        return [self._row(r) for r in rows]

    def _owned(self, first_param: int) -> str:
        return (
            f"i.collection_id = (SELECT id FROM {self.table.owner}"
            f" WHERE partner_id = ${first_param} AND id = ${first_param + 1})"
        )

    async def page(self, owner_id: int, offset: int, size: int) -> list[I]:
        """A page of an owner's items, whoever owns it: callers settle ownership first (the
        partner's own collection, or a public share link)."""
        rows = await self.pool.fetch(
            f"SELECT {self._columns} FROM {self.table.name} i WHERE i.collection_id = $1"
            " ORDER BY i.id OFFSET $2 LIMIT $3",
            owner_id,
            offset,
            size,
        )
        return [self._row(r) for r in rows]

    async def update(
        self, partner_id: int, owner_id: int, item_id: int, patch: BaseModel
    ) -> I | None:
        changes = patch.model_dump(exclude_unset=True)
        sets = "".join(f"{name} = ${i}, " for i, name in enumerate(changes, start=4))
        row = await self.pool.fetchrow(
            f"UPDATE {self.table.name} i SET {sets}updated_at = now()"
            f" WHERE i.id = $3 AND {self._owned(1)} RETURNING {self._columns}",
            partner_id,
            owner_id,
            item_id,
            *changes.values(),
        )
        return None if row is None else self._row(row)

    async def remove(self, partner_id: int, owner_id: int, item_id: int) -> I | None:
        row = await self.pool.fetchrow(
            f"DELETE FROM {self.table.name} i WHERE i.id = $3 AND {self._owned(1)}"
            f" RETURNING {self._columns}",
            partner_id,
            owner_id,
            item_id,
        )
        return None if row is None else self._row(row)
