"""A sandbox OpenAI-compatible API under `/openai/v1`: `POST /chat/completions` and
`GET /models`, with Bearer keys.

It is no model: it answers the strict JSON schemas the scraper asks for, by name, from the
user message. `profile_enrichment` reads the creator brief (name, bio, captions) and derives
gender from known first names, city and country from known cities, language from the script,
topics from hashtags; `creator_gender`, `creator_location`, `creator_category` and
`creator_topics` answer the parts of it their schema asks; `audience_profile` leans the
audience towards the creator's gender and country; `content_classification` classifies each
post from its words, #ad/#sponsored tags and @mentions; `comment_sentiment` scores each comment
from word lists. Any other request gets OpenAI's error shape. Answers are deterministic, so
tests can rely on them; the `invalid_answer` fault answers in the documented envelope with a
message that is not JSON, as a model ignoring its schema does.
"""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from reach.sandbox.routing import UpstreamRoutes
from reach.sandbox.state import SandboxState
from reach.sandbox.universe import CATEGORIES, CITIES, FIRST_FEMALE, FIRST_MALE, NEGATIVE, POSITIVE


def openai_error(status: int, message: str, kind: str = "invalid_request_error") -> Response:
    return JSONResponse(
        {"error": {"message": message, "type": kind, "param": None, "code": None}}, status
    )


def enrichment(brief: dict[str, Any]) -> dict[str, Any]:
    profile = brief.get("profile", {})
    name = str(profile.get("full_name") or profile.get("title") or "").lower()
    text = " ".join(
        [str(profile.get(k) or "") for k in ("biography", "description", "category", "title")]
        + [str(p.get("text") or "") for p in brief.get("recent_posts", [])]
    )
    first = name.split(" ")[0] if name else ""
    gender = "female" if first in FIRST_FEMALE else "male" if first in FIRST_MALE else "unknown"
    city, country = next(((c, k) for c, k, *_ in CITIES if c.lower() in text.lower()), (None, None))
    category = next((c for c in CATEGORIES if c in text.lower()), "lifestyle")
    topics = []
    for word in text.split():
        tag = word.strip(".,!?").lower()
        if tag.startswith("#") and tag[1:] not in topics:
            topics.append(tag[1:])
    devanagari = any("\u0900" <= ch <= "\u097f" for ch in text)
    return {
        "gender": gender,
        "country": country,
        "city": city,
        "language": "hi" if devanagari else "en",
        "category": category,
        "topics": topics[:5] or [category],
    }


def sentiment(text: str) -> dict[str, float]:
    lowered = text.lower()
    if any(p in lowered for p in POSITIVE):
        return {"positive": 0.85, "negative": 0.05, "neutral": 0.1}
    if any(n in lowered for n in NEGATIVE):
        return {"positive": 0.05, "negative": 0.8, "neutral": 0.15}
    return {"positive": 0.15, "negative": 0.1, "neutral": 0.75}


def audience(creator: dict[str, Any]) -> dict[str, Any]:
    """An audience leaning to the creator's own gender and country."""
    female = {"female": 0.7, "male": 0.3, "unknown": 0.5}[creator["gender"]]
    countries = [creator["country"] or "IN", "US", "GB"]
    return {
        "gender": [{"bucket": "female", "share": female}, {"bucket": "male", "share": 1 - female}],
        "age": [
            {"bucket": "18-24", "share": 0.45},
            {"bucket": "25-34", "share": 0.35},
            {"bucket": "35-44", "share": 0.2},
        ],
        "location": [
            {"bucket": c, "share": share}
            for c, share in zip(dict.fromkeys(countries), (0.6, 0.25, 0.15), strict=False)
        ],
        "interests": creator["topics"],
    }


def content(brief: dict[str, Any], category: str) -> dict[str, Any]:
    posts = []
    for post in brief.get("recent_posts", []):
        words = str(post.get("text") or "").lower().split()
        tags = {w.strip(".,!?") for w in words}
        posts.append(
            {
                "post_id": str(post.get("id")),
                "category": next((c for c in CATEGORIES if f"#{c}" in tags), category),
                "is_sponsored": bool(tags & {"#ad", "#sponsored", "#paidpartnership"}),
                "brands": sorted({t[1:] for t in tags if t.startswith("@") and len(t) > 1}),
            }
        )
    return {"posts": posts}


# The creator schemas answered with part of `enrichment`: the properties their schema asks.
PROFILE_SCHEMAS = (
    "profile_enrichment",
    "creator_gender",
    "creator_location",
    "creator_category",
    "creator_topics",
)


def answer_for(schema_name: str, schema: dict[str, Any], user: str) -> dict[str, Any] | None:
    try:
        asked = json.loads(user)
    except ValueError:
        return None
    if isinstance(asked, dict) and schema_name in (*PROFILE_SCHEMAS, "audience_profile"):
        creator = enrichment(asked)
        if schema_name == "audience_profile":
            return audience(creator)
        return {k: creator[k] for k in schema.get("properties", {}) if k in creator}
    if schema_name == "content_classification" and isinstance(asked, dict):
        return content(asked, enrichment(asked)["category"])
    if schema_name == "comment_sentiment" and isinstance(asked, list):
        return {
            "comments": [
                {"comment_id": str(c.get("id")), **sentiment(str(c.get("text", "")))}
                for c in asked
                if isinstance(c, dict)
            ]
        }
    return None


def routes(state: SandboxState) -> list[Route]:
    async def api_key(request: Request, path: str) -> Response | None:
        key = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
        if key not in state.tokens:
            return openai_error(401, "Incorrect API key provided.", "invalid_api_key")
        return None

    api = UpstreamRoutes(state, "openai", "/openai/v1", api_key)

    @api.serve("/chat/completions", "POST")
    async def completions(request: Request) -> Response:
        try:
            body = json.loads(await request.body())
            fmt = body["response_format"]
            schema = fmt["json_schema"]
            messages = body["messages"]
            user = next(m["content"] for m in reversed(messages) if m["role"] == "user")
        except (ValueError, KeyError, TypeError, StopIteration):
            return openai_error(400, "expected messages and a json_schema response_format")
        if fmt.get("type") != "json_schema" or schema.get("strict") is not True:
            return openai_error(400, "response_format must be a strict json_schema")
        answer = answer_for(str(schema.get("name")), schema.get("schema") or {}, user)
        if answer is None:
            return openai_error(400, f"the sandbox cannot answer schema {schema.get('name')!r}")
        message = json.dumps(answer)
        if state.take_fault("openai", "invalid_answer"):
            message = "Sure! Here is the JSON you asked for: {" + message[:20]
        return JSONResponse(
            {
                "id": f"chatcmpl-{uuid.uuid4().hex[:24]}",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": body.get("model", "sandbox"),
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": message, "refusal": None},
                        "finish_reason": "stop",
                    }
                ],
                "usage": {
                    "prompt_tokens": len(user) // 4,
                    "completion_tokens": len(message) // 4,
                    "total_tokens": (len(user) + len(message)) // 4,
                },
            }
        )

    @api.serve("/models")
    async def models(request: Request) -> Response:
        return JSONResponse(
            {"object": "list", "data": [{"id": "sandbox", "object": "model", "owned_by": "reach"}]}
        )

    return api.routes
