"""An OpenAI-compatible chat completions API (`openai`) answering in a strict JSON schema:
the GPT enrichments (`reach.scraper.flows.enrichment`) and comment sentiment.

A credential is `{"api_key": ...}`. The request's `response_format` is
`{"type": "json_schema", "json_schema": {"name", "strict": true, "schema"}}` with the schema
made from a pydantic model (every object closed, every property required, as strict mode
demands); the answer is the first choice's `message.content`, or its `refusal`. An answer that
is not JSON in the schema is asked again, up to `llm_answer_attempts` times; the `usage` token
counts of every attempt are summed and priced.
"""

from __future__ import annotations

import json
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel, ValidationError

from reach.scraper import metrics
from reach.scraper.credentials import CredentialStore
from reach.scraper.models import Answered, Usage
from reach.scraper.settings import ScraperSettings
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


class TokenCounts(BaseModel):
    prompt_tokens: int = 0
    completion_tokens: int = 0


class Completion(BaseModel):
    choices: list[_Choice]
    usage: TokenCounts = TokenCounts()


class InvalidAnswer(Malformed):
    """The model's answer is not JSON in the schema asked for, however often it was asked: the
    prompt or the schema needs a person, so the task fails rather than retries."""

    kind = "invalid_answer"
    retryable = False


def answer_of(source: str, completion: Completion, model: type[M]) -> M:
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
        raise InvalidAnswer(source, "answer is not JSON") from None
    try:
        return model.model_validate(content)
    except ValidationError as exc:
        raise InvalidAnswer(source, f"answer is not in the schema: {exc.errors()[:3]}") from None


class OpenAiChat(CredentialedSource):
    name = NAME

    def __init__(
        self, client: httpx.AsyncClient, settings: ScraperSettings, credentials: CredentialStore
    ) -> None:
        super().__init__(client, settings.llm_url, credentials)
        self.model = settings.llm_model
        self.attempts = settings.llm_answer_attempts
        self.prices = (
            settings.llm_usd_per_million_prompt_tokens / 1e6,
            settings.llm_usd_per_million_completion_tokens / 1e6,
        )

    def usage_of(self, completion: Completion) -> Usage:
        used = completion.usage
        prompt, output = self.prices
        return Usage(
            used.prompt_tokens,
            used.completion_tokens,
            1,
            used.prompt_tokens * prompt + used.completion_tokens * output,
        )

    async def _call(self, method: str, path: str, api_key: str, request: Any = None) -> Any:
        headers = {"authorization": f"Bearer {api_key}"}
        return await self.request(method, path, headers=headers, json=request)

    async def answer(self, system: str, user: str, schema_name: str, model: type[M]) -> Answered[M]:
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
        spent = Usage()
        for attempt in range(1, self.attempts + 1):
            body = await self.with_credential(
                lambda c: self._call("POST", "/chat/completions", c.secret("api_key"), request)
            )
            completion = parse(NAME, Completion, body)
            spent += self.usage_of(completion)
            metrics.LLM_TOKENS.labels(schema_name, "prompt").inc(completion.usage.prompt_tokens)
            metrics.LLM_TOKENS.labels(schema_name, "completion").inc(
                completion.usage.completion_tokens
            )
            try:
                return Answered(answer_of(NAME, completion, model), spent)
            except InvalidAnswer as exc:
                metrics.LLM_INVALID_ANSWERS.labels(schema_name).inc()
                if attempt == self.attempts:
                    raise InvalidAnswer(
                        NAME, f"{exc.detail} ({attempt} attempts, {spent.cost_usd:.6f} USD)"
                    ) from None
        raise AssertionError("llm_answer_attempts is positive")

    async def check_credential(self, secrets: dict[str, Any]) -> None:
        await self._call("GET", "/models", str(secrets.get("api_key", "")))
