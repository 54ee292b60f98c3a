"""The seed's response envelope `{data, status, error}` and the error codes every route uses.

Errors are raised as `ApiError` (or come from FastAPI as validation errors and HTTP exceptions)
and rendered once, here, so every 4xx/5xx has the same shape: a stable `code`, a message, and
for validation errors the path of each offending field.
"""

from __future__ import annotations

import logging
from typing import Any, Generic, Literal, TypeVar

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from starlette.exceptions import HTTPException

log = logging.getLogger(__name__)
T = TypeVar("T")

Status = Literal["SUCCESS", "ACCEPTED", "ERROR"]

# HTTP status -> the code clients switch on when nothing more specific was raised.
_CODES = {
    400: "BAD_REQUEST",
    401: "UNAUTHENTICATED",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    409: "CONFLICT",
    422: "VALIDATION_FAILED",
    429: "LIMIT_EXCEEDED",
    503: "UNAVAILABLE",
}


class FieldError(BaseModel):
    field: str
    message: str


class Error(BaseModel):
    code: str
    message: str
    fields: list[FieldError] = []
    details: dict[str, Any] = {}


class Envelope(BaseModel, Generic[T]):
    data: T | None = None
    status: Status = "SUCCESS"
    error: Error | None = None


class ApiError(Exception):
    def __init__(
        self,
        status: int,
        message: str,
        *,
        code: str | None = None,
        details: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        fields: list[FieldError] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code or _CODES.get(status, "ERROR")
        self.message = message
        self.details = details or {}
        self.headers = headers
        self.fields = fields or []


def not_found(what: str) -> ApiError:
    return ApiError(404, f"{what} not found")


def existing(found: T | None, what: str) -> T:
    """What a lookup found; nothing found is a 404 naming `what` was looked for."""
    if found is None:
        raise not_found(what)
    return found


def render(
    envelope: Envelope[Any], status_code: int = 200, headers: dict[str, str] | None = None
) -> Response:
    """`envelope` as the JSON response, for the hot routes: FastAPI's response_model pass would
    dump the answer to dicts and validate it again. The route's response_model still documents
    the shape (and the tests check the answers against it)."""
    return Response(
        envelope.model_dump_json(),
        status_code=status_code,
        media_type="application/json",
        headers=headers,
    )


def invalid(field: str, message: str) -> ApiError:
    """A 422 for input that is well-formed but wrong with the rest of the request."""
    return ApiError(
        422,
        f"{field}: {message}",
        code="VALIDATION_FAILED",
        fields=[FieldError(field=field, message=message)],
    )


def _error(status: int, error: Error, headers: dict[str, str] | None = None) -> JSONResponse:
    body = Envelope[None](status="ERROR", error=error).model_dump(mode="json")
    return JSONResponse(body, status_code=status, headers=headers)


def _field_path(loc: tuple[Any, ...] | list[Any]) -> str:
    # ("body", "items", 0, "platform") -> "body.items[0].platform"
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


async def _on_api_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    error = Error(code=exc.code, message=exc.message, fields=exc.fields, details=exc.details)
    return _error(exc.status, error, exc.headers)


async def _on_validation(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    fields = [FieldError(field=_field_path(e["loc"]), message=e["msg"]) for e in exc.errors()]
    message = "; ".join(f"{f.field}: {f.message}" for f in fields)
    return _error(422, Error(code="VALIDATION_FAILED", message=message, fields=fields))


async def _on_http(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    code = _CODES.get(exc.status_code, "ERROR")
    headers = dict(exc.headers) if exc.headers else None
    return _error(exc.status_code, Error(code=code, message=str(exc.detail)), headers)


async def _on_unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error", extra={"path": request.url.path})
    return _error(500, Error(code="INTERNAL", message="internal error"))


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ApiError, _on_api_error)
    app.add_exception_handler(RequestValidationError, _on_validation)
    app.add_exception_handler(HTTPException, _on_http)
    app.add_exception_handler(Exception, _on_unexpected)


# The error answers every module's routes document (all in the envelope), so clients and
# schema-driven tests see the shapes they get.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": Envelope[None], "description": code}
    for status, code in _CODES.items()
    if status != 405
}
