"""An OpenAI-compatible chat completions API (`openai`) answering in a strict JSON schema:
profile enrichment (gender, location, category, topics) and comment sentiment.

A credential is `{"api_key": ...}`. The request's `response_format` is
`{"type": "json_schema", "json_schema": {"name", "strict": true, "schema"}}` with the schema
made from a pydantic model (every object closed, every property required, as strict mode
demands); the answer is the first choice's `message.content`, or its `refusal`.
"""

from __future__ import annotations

import json
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel

from reach.scraper.credentials import CredentialStore
from reach.scraper.sources.errors import Malformed, Refused
from reach.scraper.sources.http import CredentialedSource, parse

NAME = "openai"
M = TypeVar("M", bound=BaseModel)


def strict_schema(model: type[BaseModel]) -> dict[str, Any]:
    """`model`'s JSON schema as strict mode wants it: objects closed, all properties required."""
    schema = model.model_json_schema()

    def close(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "object" and "properties" in node:
                node["additionalProperties"] = False
                node["required"] = list(node["properties"])
            for value in node.values():
                close(value)
        elif isinstance(node, list):
            for value in node:
                close(value)

    close(schema)
    return schema


class _Message(BaseModel):
    content: str | None = None
    refusal: str | None = None


class _Choice(BaseModel):
    message: _Message
    finish_reason: str | None = None


class _Completion(BaseModel):
    choices: list[_Choice]


def answer_of(source: str, body: Any, model: type[M]) -> M:
    completion = parse(source, _Completion, body)
    if not completion.choices:
        raise Malformed(source, "no choices")
    choice = completion.choices[0]
    if choice.message.refusal:
        raise Refused(source, f"model refused: {choice.message.refusal[:200]}")
    if choice.finish_reason == "length" or not choice.message.content:
        raise Malformed(source, f"incomplete answer (finish_reason={choice.finish_reason})")
    try:
        content = json.loads(choice.message.content)
    except ValueError:
        raise Malformed(source, "answer is not JSON") from None
    return parse(source, model, content)


class OpenAiChat(CredentialedSource):
    name = NAME

    def __init__(
        self, client: httpx.AsyncClient, base_url: str, model: str, credentials: CredentialStore
    ) -> None:
        super().__init__(client, base_url, credentials)
        self.model = model

    async def _call(self, method: str, path: str, api_key: str, request: Any = None) -> Any:
        headers = {"authorization": f"Bearer {api_key}"}
        return await self.request(method, path, headers=headers, json=request)

    async def answer(self, system: str, user: str, schema_name: str, model: type[M]) -> M:
        request = {
            "model": self.model,
            "temperature": 0,
            "messages": [
                {"role": "system", "content": system},
                {"role": "user", "content": user},
            ],
            "response_format": {
                "type": "json_schema",
                "json_schema": {
                    "name": schema_name,
                    "strict": True,
                    "schema": strict_schema(model),
                },
            },
        }
        body = await self.with_credential(
            lambda c: self._call("POST", "/chat/completions", c.secret("api_key"), request)
        )
        return answer_of(NAME, body, model)

    async def check_credential(self, secrets: dict[str, Any]) -> None:
        await self._call("GET", "/models", str(secrets.get("api_key", "")))
