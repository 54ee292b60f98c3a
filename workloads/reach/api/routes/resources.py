"""CRUD routes of a partner-owned resource (see `reach.api.resources`), its items and its public
share link, built from the resource's declaration: one router per resource, the same routes for
each, typed with that resource's own models so the OpenAPI spec is exact."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Depends, Path

from reach.api.envelope import ERROR_RESPONSES, Envelope, existing
from reach.api.models import Batch, PageOf, Shared
from reach.api.resources import Resource
from reach.api.routes.deps import Ordering, PagingDep, ServicesDep, order_by
from reach.api.tenancy import CurrentTenant

Id = Annotated[int, Path(ge=1, lt=2**63)]
# What a share link shows at most: a shortlist, not a data export.
SHARED_ITEMS = 500


def _typed(func: Callable[..., Any], **annotations: Any) -> Callable[..., Any]:
    # The body and response types differ per resource, and this module's annotations are
    # strings that cannot name a local, so the resource's own types are set here.
    func.__annotations__.update(annotations)
    return func


@dataclass(frozen=True)
class _Route:
    method: str
    path: str
    endpoint: Callable[..., Any]
    response_model: Any
    name: str
    summary: str | None = None


def _add(router: APIRouter, *routes: _Route) -> None:
    for route in routes:
        router.add_api_route(
            route.path,
            route.endpoint,
            methods=[route.method],
            # A POST here creates: a collection, or items of one.
            status_code=201 if route.method == "POST" else 200,
            response_model=route.response_model,
            name=route.name,
            summary=route.summary,
        )


def _ordering(resource: Resource) -> Any:
    by = order_by(Literal[resource.table.sorts], "created_at")
    return Annotated[Ordering[Any], Depends(by)]


def resource_router(resource: Resource) -> APIRouter:
    name = resource.table.name
    stored = resource.table.stored
    router = APIRouter(prefix=resource.prefix, tags=[resource.tag], responses=ERROR_RESPONSES)

    async def create(body: Any, tenant: CurrentTenant, services: ServicesDep) -> Any:
        return Envelope(data=await services.resources[name].create(tenant.partner_id, body))

    async def listing(
        tenant: CurrentTenant,
        services: ServicesDep,
        paging: PagingDep,
        ordering: Any,
    ) -> Any:
        found, total = await services.resources[name].page(
            tenant.partner_id, ordering.sort, ordering.order, paging.offset, paging.size
        )
        return Envelope(data=paging.results(found, total))

    async def get(row_id: Id, tenant: CurrentTenant, services: ServicesDep) -> Any:
        return Envelope(data=await services.resources[name].get(tenant.partner_id, row_id))

    async def update(row_id: Id, patch: Any, tenant: CurrentTenant, services: ServicesDep) -> Any:
        service = services.resources[name]
        return Envelope(data=await service.update(tenant.partner_id, row_id, patch))

    async def delete(row_id: Id, tenant: CurrentTenant, services: ServicesDep) -> Envelope[None]:
        await services.resources[name].delete(tenant.partner_id, row_id)
        return Envelope()

    one = Envelope[stored]  # type: ignore[valid-type]
    if resource.shared and resource.items is not None:
        _add_shared(router, resource)
    _add(
        router,
        _Route(
            "POST",
            "",
            _typed(create, body=Annotated[resource.create, Body()]),
            one,
            f"create_{name}",
            f"Create a {resource.title}",
        ),
        _Route(
            "GET",
            "",
            _typed(listing, ordering=_ordering(resource)),
            Envelope[PageOf[stored]],  # type: ignore[valid-type]
            f"list_{name}",
            f"The partner's {resource.title}s, sorted and paged",
        ),
        _Route("GET", "/{row_id}", get, one, f"get_{name}"),
        _Route(
            "PATCH",
            "/{row_id}",
            _typed(update, patch=Annotated[resource.patch, Body()]),
            one,
            f"update_{name}",
        ),
        _Route("DELETE", "/{row_id}", delete, Envelope[None], f"delete_{name}"),
    )
    if resource.items is not None:
        _add_items(router, resource)
    return router


def _add_items(router: APIRouter, resource: Resource) -> None:
    assert resource.items is not None
    name = resource.items.table.name
    stored = resource.items.table.stored

    async def add(row_id: Id, body: Any, tenant: CurrentTenant, services: ServicesDep) -> Any:
        added = await services.items[name].add(tenant.partner_id, row_id, body.items)
        return Envelope(data=added)

    async def listing(
        row_id: Id, tenant: CurrentTenant, services: ServicesDep, paging: PagingDep
    ) -> Any:
        found, total = await services.items[name].page(
            tenant.partner_id, row_id, paging.offset, paging.size
        )
        return Envelope(data=paging.results(found, total))

    async def update(
        row_id: Id, item_id: Id, patch: Any, tenant: CurrentTenant, services: ServicesDep
    ) -> Any:
        item = await services.items[name].update(tenant.partner_id, row_id, item_id, patch)
        return Envelope(data=item)

    async def remove(
        row_id: Id, item_id: Id, tenant: CurrentTenant, services: ServicesDep
    ) -> Envelope[None]:
        await services.items[name].remove(tenant.partner_id, row_id, item_id)
        return Envelope()

    _add(
        router,
        _Route(
            "POST",
            "/{row_id}/items",
            _typed(add, body=Annotated[Batch[resource.items.create], Body()]),  # type: ignore[name-defined]
            Envelope[list[stored]],  # type: ignore[valid-type]
            f"add_{name}s",
        ),
        _Route(
            "GET",
            "/{row_id}/items",
            listing,
            Envelope[PageOf[stored]],  # type: ignore[valid-type]
            f"list_{name}s",
        ),
        _Route(
            "PATCH",
            "/{row_id}/items/{item_id}",
            _typed(update, patch=Annotated[resource.items.patch, Body()]),
            Envelope[stored],  # type: ignore[valid-type]
            f"update_{name}",
        ),
        _Route("DELETE", "/{row_id}/items/{item_id}", remove, Envelope[None], f"remove_{name}"),
    )


def _add_shared(router: APIRouter, resource: Resource) -> None:
    assert resource.items is not None
    name, items = resource.table.name, resource.items.table.name
    shared_model = Shared[resource.table.stored, resource.items.table.stored]  # type: ignore[name-defined]

    async def shared(
        share_id: Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{8,64}$")],
        services: ServicesDep,
    ) -> Any:
        # No tenant: whoever holds the link may read the collection, and nothing else.
        collection = existing(
            await services.resources[name].rows.find("share_id", share_id),
            f"shared {resource.title}",
        )
        found = await services.items[items].items.page(collection.id, 0, SHARED_ITEMS)
        return Envelope(data=shared_model(collection=collection, items=found))

    _add(
        router,
        _Route(
            "GET",
            "/shared/{share_id}",
            shared,
            Envelope[shared_model],
            f"shared_{name}",
            f"A shared {resource.title} (public: no tenant headers)",
        ),
    )
