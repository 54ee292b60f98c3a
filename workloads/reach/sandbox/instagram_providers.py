"""Sandbox RapidAPI-style Instagram providers after the first (`reach.sandbox.instagram` serves
that one), each under `/rapidapi/<provider>` in its documented shape, behind RapidAPI's key
check, each its own upstream for faults and call counts:

- `/rapidapi/rocketapi` (RocketAPI): POSTs of a JSON body to `/instagram/user/get_info`
  (`username`), `/instagram/user/get_media`, `/get_followers`, `/get_following` (`id`,
  `count`, `max_id`), `/instagram/user/get_stories` (`ids`: the accounts' reels by id), each
  answered inside RocketAPI's envelope (`status`, `response.status_code|content_type|body`),
  an unknown account Instagram's 404 inside a 200;
- `/rapidapi/looter` (Instagram Looter): `/profile?username=` (the web user object itself,
  `"status": true`; `false` for an unknown account), `/user-feeds?id=&count=&end_cursor=` (the
  mobile feed, `next_max_id`), `/reels?id=&count=&max_id=` (`items[].media`, `paging_info`);
- `/rapidapi/instagram28` (Instagram28): `/user_info?user_name=` (`data.user`, null when
  unknown), `/medias?user_id=&batch_size=&next_cursor=` (the user's timeline edges, `page_info`),
  `/media_likers?short_code=&batch_size=&next_cursor=` (`shortcode_media.edge_liked_by`);
- `/rapidapi/bulkprofile` (Instagram Bulk Profile Scrapper):
  `/clients/api/ig/ig_profile?ig=&response_type=feeds` (a list of mobile user objects with
  `feed.data`; `{"name": "INVALID_USERNAME"}` for an unknown account);
- `/rapidapi/igstats` (Instagram Statistics API): `/community?url=` (`meta` and the account's
  statistics in `data`; an unknown account `meta.code` 404 in a 200).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from reach.sandbox.instagram import (
    Slice,
    cdn,
    live_stories,
    mobile_media,
    offset_of,
    rapid_key,
    rapid_user,
    take,
    web_node,
)
from reach.sandbox.instagram import web_user as web_user_of
from reach.sandbox.routing import UpstreamRoutes
from reach.sandbox.state import SandboxState, Upstream
from reach.sandbox.universe import Creator, Person, Post

# The providers' upstreams, each served under /rapidapi/<upstream>.
PROVIDERS: tuple[Upstream, ...] = ("rocketapi", "looter", "instagram28", "bulkprofile", "igstats")
PAGE = 12
X = TypeVar("X")
ACCOUNTS_PAGE = 50
_INSTAGRAM = "https://www.instagram.com/"


def mobile_user(p: Person) -> dict[str, Any]:
    return {
        "pk": int(p.profile_id),
        "pk_id": p.profile_id,
        "username": p.handle,
        "full_name": p.full_name,
        "is_private": False,
    }


def routes(state: SandboxState) -> list[Route]:
    u = state.universe

    def provider(upstream: Upstream) -> UpstreamRoutes:
        return UpstreamRoutes(state, upstream, f"/rapidapi/{upstream}", rapid_key(state))

    rocket, looter, i28, bulk, stats = (provider(name) for name in PROVIDERS)

    def size(request: Request, name: str, default: int) -> int:
        try:
            return max(1, min(int(request.query_params.get(name, default)), 50))
        except ValueError:
            return default

    # RocketAPI: Instagram's answer inside the envelope.
    def envelope(body: Any, status: int = 200) -> Response:
        response = {"status_code": status, "content_type": "application/json", "body": body}
        return JSONResponse({"status": "done", "response": response})

    async def asked(request: Request) -> dict[str, Any]:
        try:
            body = json.loads(await request.body())
        except ValueError:
            return {}
        return body if isinstance(body, dict) else {}

    @rocket.serve("/instagram/user/get_info", "POST")
    async def rocket_info(request: Request) -> Response:
        creator = u.by_handle(str((await asked(request)).get("username", "")))
        if creator is None:
            return envelope({"message": "User not found", "status": "fail"}, 404)
        return envelope({"data": {"user": web_user_of(request, u, creator)}, "status": "ok"})

    def rocket_listing(
        path: str, key: str, answer: Callable[[Request, Creator, int, int], Slice]
    ) -> None:
        """Declares a RocketAPI listing of an account's (by `id`), its items under `key`:
        `answer(request, account, start, count)`."""

        @rocket.serve(path, "POST")
        async def listing(request: Request) -> Response:
            body = await asked(request)
            creator = u.by_profile_id(str(body.get("id", "")))
            if creator is None:
                return envelope({"message": "Not found", "status": "fail"}, 404)
            count = body.get("count")
            per = count if isinstance(count, int) else PAGE
            items, after = answer(request, creator, offset_of(body.get("max_id")), per)
            return envelope(
                {
                    key: items,
                    "next_max_id": after,
                    "more_available": after is not None,
                    "status": "ok",
                }
            )

    def media(request: Request, creator: Creator, start: int, per: int) -> Slice:
        return take(
            u.post_count(creator), start, per, lambda i: _media(request, u.post(creator, i))
        )

    def followers(_: Request, c: Creator, start: int, per: int) -> Slice:
        return take(u.follower_count(c), start, per, lambda i: mobile_user(u.follower(c, i)))

    def following(_: Request, c: Creator, start: int, per: int) -> Slice:
        return take(u.following_count(c), start, per, lambda i: mobile_user(u.followed(c, i)))

    @rocket.serve("/instagram/user/get_stories", "POST")
    async def rocket_stories(request: Request) -> Response:
        ids = (await asked(request)).get("ids")
        reels: dict[str, Any] = {}
        for creator in (u.by_profile_id(str(i)) for i in (ids if isinstance(ids, list) else [])):
            if creator is not None and (items := live_stories(request, u, creator)):
                owner = {"pk": int(creator.profile_id), "username": creator.handle}
                reels[creator.profile_id] = {
                    "id": creator.profile_id,
                    "user": owner,
                    "items": items,
                }
        return envelope({"reels": reels, "reels_media": list(reels.values()), "status": "ok"})

    rocket_listing("/instagram/user/get_media", "items", media)
    rocket_listing("/instagram/user/get_followers", "users", followers)
    rocket_listing("/instagram/user/get_following", "users", following)

    # Instagram Looter.
    @looter.serve("/profile")
    async def looter_profile(request: Request) -> Response:
        creator = u.by_handle(request.query_params.get("username", ""))
        if creator is None:
            return JSONResponse({"status": False})
        return JSONResponse({**web_user_of(request, u, creator), "status": True})

    def looter_listing(
        path: str,
        cursor_param: str,
        count: Callable[[Creator], int],
        item: Callable[[Request, Creator, int], dict[str, Any] | None],
        answer: Callable[[list[Any], str | None], dict[str, Any]],
    ) -> None:
        """Declares a Looter listing of the account `id` names: `count(account)` items, the
        page `cursor_param` points at as `answer(items, next cursor)`."""

        @looter.serve(path)
        async def listing(request: Request) -> Response:
            creator = u.by_profile_id(request.query_params.get("id", ""))
            if creator is None:
                return JSONResponse({"message": "Not found"}, 404)
            start = offset_of(request.query_params.get(cursor_param))
            per = size(request, "count", PAGE)
            items, after = take(count(creator), start, per, lambda i: item(request, creator, i))
            return JSONResponse(answer(items, after))

    def feed(items: list[Any], after: str | None) -> dict[str, Any]:
        more = after is not None
        return {"items": items, "more_available": more, "next_max_id": after, "status": "ok"}

    def clips(items: list[Any], after: str | None) -> dict[str, Any]:
        paging = {"max_id": after, "more_available": after is not None}
        return {"items": items, "paging_info": paging, "status": "ok"}

    looter_listing(
        "/user-feeds", "end_cursor", u.post_count, lambda r, c, i: _media(r, u.post(c, i)), feed
    )
    looter_listing("/reels", "max_id", u.reel_count, lambda r, c, i: _clip(r, u.reel(c, i)), clips)

    # Instagram28: the web app's GraphQL.
    def edges(nodes: list[Any], after: str | None, total: int) -> dict[str, Any]:
        page_info = {"has_next_page": after is not None, "end_cursor": after}
        return {"count": total, "page_info": page_info, "edges": [{"node": n} for n in nodes]}

    @i28.serve("/user_info")
    async def i28_user(request: Request) -> Response:
        creator = u.by_handle(request.query_params.get("user_name", ""))
        user = None if creator is None else web_user_of(request, u, creator)
        return JSONResponse({"data": {"user": user}, "status": "ok"})

    def i28_edges(
        path: str,
        param: str,
        found: tuple[str, Callable[[str], X | None]],
        count: Callable[[X], int],
        node: Callable[[Request, X, int], dict[str, Any] | None],
        edge: str,
        page: int,
    ) -> None:
        """Declares an Instagram28 listing of the `edge` of what the `param` names (`found`
        under `data` by its key and lookup, null when none): `count(owner)` nodes, paged by
        `batch_size` and `next_cursor`."""
        key, find = found

        @i28.serve(path)
        async def listing(request: Request) -> Response:
            owner = find(request.query_params.get(param, ""))
            if owner is None:
                return JSONResponse({"data": {key: None}, "status": "ok"})
            total = count(owner)
            start = offset_of(request.query_params.get("next_cursor"))
            per = size(request, "batch_size", page)
            nodes, after = take(total, start, per, lambda i: node(request, owner, i))
            return JSONResponse({"data": {key: {edge: edges(nodes, after, total)}}, "status": "ok"})

    i28_edges(
        "/medias",
        "user_id",
        ("user", u.by_profile_id),
        u.post_count,
        lambda request, c, i: _node(request, u.post(c, i)),
        "edge_owner_to_timeline_media",
        PAGE,
    )
    i28_edges(
        "/media_likers",
        "short_code",
        ("shortcode_media", u.by_shortcode),
        u.liker_count,
        lambda _, post, i: _liker(u.liker(post, i)),
        "edge_liked_by",
        ACCOUNTS_PAGE,
    )

    # Instagram Bulk Profile Scrapper: a list, one entry per account asked for.
    @bulk.serve("/clients/api/ig/ig_profile")
    async def bulk_profile(request: Request) -> Response:
        handle = request.query_params.get("ig", "")
        creator = u.by_handle(handle)
        if creator is None:
            return JSONResponse([{"name": "INVALID_USERNAME", "username": handle}])
        # The mobile app's user: the first provider's, its id a number under `pk`.
        user = {
            k: v for k, v in rapid_user(request, creator).items() if k not in ("id", "external_url")
        }
        entry: dict[str, Any] = {"pk": int(creator.profile_id), **user}
        if request.query_params.get("response_type") == "feeds":
            items, _ = media(request, creator, 0, PAGE)
            entry["feed"] = {"data": items}
        return JSONResponse([entry])

    # Instagram Statistics API: its own statistics of an account.
    @stats.serve("/community")
    async def stats_community(request: Request) -> Response:
        url = request.query_params.get("url", "")
        creator = (
            u.by_handle(url.removeprefix(_INSTAGRAM).strip("/"))
            if url.startswith(_INSTAGRAM)
            else None
        )
        if creator is None:
            return JSONResponse({"meta": {"code": 404, "message": "Account not found"}})
        data = {
            "cid": f"INST:{creator.profile_id}",
            "socialType": "INST",
            "screenName": creator.handle,
            "name": creator.full_name,
            "description": creator.biography,
            "image": cdn(request, "instagram", "profile", creator.profile_id),
            "url": f"{_INSTAGRAM}{creator.handle}/",
            "usersCount": creator.followers,
            "verified": creator.is_verified,
        }
        return JSONResponse({"meta": {"code": 200, "message": "OK"}, "data": data})

    return [*rocket.routes, *looter.routes, *i28.routes, *bulk.routes, *stats.routes]


def _media(request: Request, post: Post | None) -> dict[str, Any] | None:
    return None if post is None else mobile_media(request, post)


def _clip(request: Request, post: Post | None) -> dict[str, Any] | None:
    return None if post is None else {"media": mobile_media(request, post)}


def _node(request: Request, post: Post | None) -> dict[str, Any] | None:
    return None if post is None else web_node(request, post)


def _liker(p: Person) -> dict[str, Any]:
    return {"id": p.profile_id, "username": p.handle, "full_name": p.full_name, "is_private": False}
