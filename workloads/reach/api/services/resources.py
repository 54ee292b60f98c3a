"""Partner-owned resources and their items: the repository's partner-scoped changes, each
announced on coffee.dx once committed as `<table>.<action>`, and a 404 for anything that is not
the partner's. One service class serves every such table (collections, groups, keywords)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Generic, TypeVar

from pydantic import BaseModel

from reach.api.envelope import existing, invalid, not_found
from reach.api.events import CollectionEvents
from reach.api.repositories.resources import Items, PartnerRows

S = TypeVar("S", bound=BaseModel)
I = TypeVar("I", bound=BaseModel)  # noqa: E741 - the item type, as in the repository

# Refuses (raises ApiError) a create or patch body the partner may not write, e.g. a group
# naming another partner's collection.
Check = Callable[[int, BaseModel], Awaitable[None]]


class ResourceService(Generic[S]):
    def __init__(
        self,
        rows: PartnerRows[S],
        events: CollectionEvents,
        *,
        title: str,
        check: Check | None = None,
    ) -> None:
        self.rows = rows
        self.events = events
        self.title = title
        self._check = check
        self._name = rows.table.name

    async def create(self, partner_id: int, body: BaseModel) -> S:
        if self._check is not None:
            await self._check(partner_id, body)
        created = await self.rows.create(partner_id, body)
        await self.events.publish(f"{self._name}.created", partner_id, _data(created))
        return created

    async def get(self, partner_id: int, row_id: int) -> S:
        return existing(await self.rows.get(partner_id, row_id), f"{self.title} {row_id}")

    async def page(
        self, partner_id: int, sort: str, order: str, offset: int, size: int
    ) -> tuple[list[S], int]:
        return await self.rows.page(partner_id, sort, order, offset, size)

    async def update(self, partner_id: int, row_id: int, patch: BaseModel) -> S:
        if self._check is not None:
            await self._check(partner_id, patch)
        updated = existing(
            await self.rows.update(partner_id, row_id, patch), f"{self.title} {row_id}"
        )
        await self.events.publish(f"{self._name}.updated", partner_id, _data(updated))
        return updated

    async def delete(self, partner_id: int, row_id: int) -> None:
        if not await self.rows.delete(partner_id, row_id):
            raise not_found(f"{self.title} {row_id}")
        await self.events.publish(f"{self._name}.deleted", partner_id, {"id": row_id})


class ItemService(Generic[I]):
    """The items of one resource (a collection's profiles or posts)."""

    def __init__(
        self, items: Items[I], owner: ResourceService[Any], events: CollectionEvents
    ) -> None:
        self.items = items
        self.owner = owner
        self.events = events
        self._name = items.table.name

    async def add(self, partner_id: int, owner_id: int, items: list[BaseModel]) -> list[I]:
        added = existing(
            await self.items.add(partner_id, owner_id, items), f"{self.owner.title} {owner_id}"
        )
        await self.events.publish(
            f"{self._name}.added",
            partner_id,
            {"collection_id": owner_id, "items": [_data(i) for i in added]},
        )
        return added

    async def page(
        self, partner_id: int, owner_id: int, offset: int, size: int
    ) -> tuple[list[I], int]:
        # The owner's row settles ownership (404 otherwise) and carries the item count.
        owner = await self.owner.get(partner_id, owner_id)
        return await self.items.page(owner_id, offset, size), int(owner.items)

    async def update(self, partner_id: int, owner_id: int, item_id: int, patch: BaseModel) -> I:
        item = existing(
            await self.items.update(partner_id, owner_id, item_id, patch),
            f"item {item_id} of {self.owner.title} {owner_id}",
        )
        await self._announce("updated", partner_id, owner_id, item)
        return item

    async def remove(self, partner_id: int, owner_id: int, item_id: int) -> None:
        item = existing(
            await self.items.remove(partner_id, owner_id, item_id),
            f"item {item_id} of {self.owner.title} {owner_id}",
        )
        await self._announce("removed", partner_id, owner_id, item)

    async def _announce(self, action: str, partner_id: int, owner_id: int, item: I) -> None:
        await self.events.publish(
            f"{self._name}.{action}", partner_id, {"collection_id": owner_id, "item": _data(item)}
        )


def _data(model: BaseModel) -> dict[str, object]:
    return model.model_dump(mode="json")


def owned_ids(field: str, owner: PartnerRows[Any], what: str) -> Check:
    """A check that every id in the body's `field` is a row of `owner` the partner owns."""

    async def check(partner_id: int, body: BaseModel) -> None:
        ids: list[int] | None = getattr(body, field, None)
        if ids:
            missing = set(ids) - await owner.owned(partner_id, ids)
            if missing:
                raise invalid(f"body.{field}", f"not the partner's {what}: {sorted(missing)}")

    return check
