"""keyword collections: beside their CRUD (`routes.resources`), the posts matching a
collection's keywords; 202 with a retry hint while the scraper searches for keywords nothing
matched yet."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response

from reach.api.envelope import ERROR_RESPONSES, Envelope
from reach.api.models import KeywordPosts
from reach.api.resources import KEYWORD_COLLECTIONS
from reach.api.routes.deps import PagingDep, PostOrderDep, ServicesDep
from reach.api.tenancy import CurrentTenant

router = APIRouter(
    prefix=KEYWORD_COLLECTIONS.prefix, tags=[KEYWORD_COLLECTIONS.tag], responses=ERROR_RESPONSES
)


@router.get(
    "/{collection_id}/posts",
    response_model=Envelope[KeywordPosts],
    responses={202: {"model": Envelope[KeywordPosts], "description": "Being searched."}},
)
async def posts(
    collection_id: Annotated[int, Path(ge=1, lt=2**63)],
    tenant: CurrentTenant,
    services: ServicesDep,
    paging: PagingDep,
    response: Response,
    ordering: PostOrderDep,
) -> Envelope[KeywordPosts]:
    found = await services.keywords.posts_of(
        tenant.partner_id, collection_id, ordering.sort, ordering.order, paging.offset, paging.size
    )
    if found.refreshes:
        response.status_code = 202
        response.headers["Retry-After"] = str(found.refreshes[0].retry_after_seconds)
        return Envelope(data=found, status="ACCEPTED")
    return Envelope(data=found)
