"""The partner-owned resources, declared once: table, models, route prefix and items. The app
builds one `ResourceService` (and `ItemService`) per entry and `routes.resources` one router, so
profile collections, post collections, collection groups and keyword collections share every
line of their CRUD."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any, Final

from pydantic import BaseModel

from reach.api import models as m
from reach.api.repositories.resources import ItemTable, Table


def new_share_id() -> str:
    return secrets.token_urlsafe(12)


@dataclass(frozen=True)
class ItemResource:
    table: ItemTable[Any]
    create: type[BaseModel]
    patch: type[BaseModel]


@dataclass(frozen=True)
class Resource:
    """A resource named by its table (`collection_group`): its title in messages ("collection
    group"), its OpenAPI tag ("collection groups") and its routes' prefix (the service named
    after it, then its last word: `/collection-group-service/api/group`)."""

    table: Table[Any]
    create: type[BaseModel]
    patch: type[BaseModel]
    items: ItemResource | None = None
    # Resources with a public read-only link by `share_id`.
    shared: bool = False

    @property
    def title(self) -> str:
        return self.table.name.replace("_", " ")

    @property
    def tag(self) -> str:
        return f"{self.title}s"

    @property
    def prefix(self) -> str:
        name = self.table.name
        return f"/{name.replace('_', '-')}-service/api/{name.rsplit('_', 1)[-1]}"


# A resource's stored, create and patch models.
Models = tuple[type[BaseModel], type[BaseModel], type[BaseModel]]

# PostgreSQL type of each JSON type an item's create model takes.
_PG_TYPES: Final = {
    "string": "text",
    "boolean": "boolean",
    "integer": "bigint",
    "number": "double precision",
    "object": "jsonb",
}


def _pg_types(create: type[BaseModel]) -> dict[str, str]:
    """The PostgreSQL type of each field an item is created with, from its JSON type."""
    properties = create.model_json_schema()["properties"]
    return {name: _PG_TYPES[field["type"]] for name, field in properties.items()}


def _collection(noun: str, models: Models, item_models: Models, key: tuple[str, ...]) -> Resource:
    """A collection of profiles or posts: its items (unique per `key`), their count, and a
    public share link."""
    name, items = f"{noun}_collection", f"{noun}_collection_item"
    stored, create, patch = models
    item, item_create, item_patch = item_models
    count = f"(SELECT count(*) FROM {items} c WHERE c.collection_id = t.id)"
    return Resource(
        Table(name, stored, computed={"items": count}, generated={"share_id": new_share_id}),
        create,
        patch,
        items=ItemResource(
            ItemTable(items, name, item, key=key, types=_pg_types(item_create)),
            item_create,
            item_patch,
        ),
        shared=True,
    )


PROFILE_COLLECTIONS: Final = _collection(
    "profile",
    (m.ProfileCollection, m.ProfileCollectionIn, m.ProfileCollectionPatch),
    (m.ProfileItem, m.ProfileItemIn, m.ProfileItemPatch),
    key=("platform", "platform_profile_id"),
)
POST_COLLECTIONS: Final = _collection(
    "post",
    (m.PostCollection, m.PostCollectionIn, m.PostCollectionPatch),
    (m.PostItem, m.PostItemIn, m.PostItemPatch),
    key=("platform", "post_shortcode"),
)
COLLECTION_GROUPS: Final = Resource(
    Table("collection_group", m.CollectionGroup), m.CollectionGroupIn, m.CollectionGroupPatch
)
KEYWORD_COLLECTIONS: Final = Resource(
    Table("keyword_collection", m.KeywordCollection),
    m.KeywordCollectionIn,
    m.KeywordCollectionPatch,
)
RESOURCES: Final = (PROFILE_COLLECTIONS, POST_COLLECTIONS, COLLECTION_GROUPS, KEYWORD_COLLECTIONS)
