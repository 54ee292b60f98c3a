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
from reach.scraper.sources.errors import Malformed, Refused, SourceError
from reach.scraper.sources.http import parse, request_json, rest_on_refusal, take_credential

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


class OpenAiChat:
    name = NAME

    def __init__(
        self, client: httpx.AsyncClient, base_url: str, model: str, credentials: CredentialStore
    ) -> None:
        self.client = client
        self.base_url = base_url.rstrip("/")
        self.model = model
        self.credentials = credentials

    async def answer(self, system: str, user: str, schema_name: str, model: type[M]) -> M:
        credential = await take_credential(self.credentials, NAME)
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
        try:
            body = await request_json(
                self.client,
                NAME,
                "POST",
                f"{self.base_url}/chat/completions",
                headers={"authorization": f"Bearer {credential.secret('api_key')}"},
                json=request,
            )
        except SourceError as exc:
            await rest_on_refusal(self.credentials, credential, exc)
            raise
        return answer_of(NAME, body, model)

    async def check_credential(self, secrets: dict[str, Any]) -> None:
        await request_json(
            self.client,
            NAME,
            "GET",
            f"{self.base_url}/models",
            headers={"authorization": f"Bearer {secrets.get('api_key', '')}"},
        )
