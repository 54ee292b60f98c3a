"""A sandbox OpenAI-compatible API under `/openai/v1`: `POST /chat/completions` and
`GET /models`, with Bearer keys.

It is no model: it answers the two strict JSON schemas the scraper asks for, by name, from the
user message. `profile_enrichment` reads the creator brief (name, bio, captions) and derives
gender from known first names, city and country from known cities, language from the script,
topics from hashtags; `comment_sentiment` scores each comment from word lists. Any other
request gets OpenAI's error shape. Answers are deterministic, so tests can rely on them.
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
        + [str(p) for p in brief.get("recent_posts", [])]
    )
    first = name.split(" ")[0] if name else ""
    gender = "female" if first in FIRST_FEMALE else "male" if first in FIRST_MALE else "unknown"
    city, country = next(((c, k) for c, k in CITIES if c.lower() in text.lower()), (None, None))
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


def answer_for(schema_name: str, user: str) -> dict[str, Any] | None:
    try:
        asked = json.loads(user)
    except ValueError:
        return None
    if schema_name == "profile_enrichment" and isinstance(asked, dict):
        return enrichment(asked)
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
        answer = answer_for(str(schema.get("name")), user)
        if answer is None:
            return openai_error(400, f"the sandbox cannot answer schema {schema.get('name')!r}")
        content = json.dumps(answer)
        return JSONResponse(
            {
                "id": f"chatcmpl-{uuid.uuid4().hex[:24]}",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": body.get("model", "sandbox"),
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": content, "refusal": None},
                        "finish_reason": "stop",
                    }
                ],
                "usage": {
                    "prompt_tokens": len(user) // 4,
                    "completion_tokens": len(content) // 4,
                    "total_tokens": (len(user) + len(content)) // 4,
                },
            }
        )

    @api.serve("/models")
    async def models(request: Request) -> Response:
        return JSONResponse(
            {"object": "list", "data": [{"id": "sandbox", "object": "model", "owned_by": "reach"}]}
        )

    return api.routes
