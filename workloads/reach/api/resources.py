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
    table: Table[Any]
    title: str
    prefix: str
    tag: str
    create: type[BaseModel]
    patch: type[BaseModel]
    items: ItemResource | None = None
    # Resources with a public read-only link by `share_id`.
    shared: bool = False


def _item_count(item_table: str) -> dict[str, str]:
    return {"items": f"(SELECT count(*) FROM {item_table} c WHERE c.collection_id = t.id)"}


PROFILE_COLLECTIONS: Final = Resource(
    table=Table(
        "profile_collection",
        m.ProfileCollection,
        computed=_item_count("profile_collection_item"),
        generated={"share_id": new_share_id},
    ),
    title="profile collection",
    prefix="/profile-collection-service/api/collection",
    tag="profile collections",
    create=m.ProfileCollectionIn,
    patch=m.ProfileCollectionPatch,
    items=ItemResource(
        ItemTable(
            "profile_collection_item",
            "profile_collection",
            m.ProfileItem,
            key=("platform", "platform_profile_id"),
            types={"platform": "text", "platform_profile_id": "text", "custom_data": "jsonb"},
        ),
        m.ProfileItemIn,
        m.ProfileItemPatch,
    ),
    shared=True,
)
POST_COLLECTIONS: Final = Resource(
    table=Table(
        "post_collection",
        m.PostCollection,
        computed=_item_count("post_collection_item"),
        generated={"share_id": new_share_id},
    ),
    title="post collection",
    prefix="/post-collection-service/api/collection",
    tag="post collections",
    create=m.PostCollectionIn,
    patch=m.PostCollectionPatch,
    items=ItemResource(
        ItemTable(
            "post_collection_item",
            "post_collection",
            m.PostItem,
            key=("platform", "post_shortcode"),
            types={
                "platform": "text",
                "post_shortcode": "text",
                "show_in_report": "boolean",
                "custom_data": "jsonb",
            },
        ),
        m.PostItemIn,
        m.PostItemPatch,
    ),
    shared=True,
)
COLLECTION_GROUPS: Final = Resource(
    table=Table("collection_group", m.CollectionGroup),
    title="collection group",
    prefix="/collection-group-service/api/group",
    tag="collection groups",
    create=m.CollectionGroupIn,
    patch=m.CollectionGroupPatch,
)
KEYWORD_COLLECTIONS: Final = Resource(
    table=Table("keyword_collection", m.KeywordCollection),
    title="keyword collection",
    prefix="/keyword-collection-service/api/collection",
    tag="keyword collections",
    create=m.KeywordCollectionIn,
    patch=m.KeywordCollectionPatch,
)
RESOURCES: Final = (PROFILE_COLLECTIONS, POST_COLLECTIONS, COLLECTION_GROUPS, KEYWORD_COLLECTIONS)
