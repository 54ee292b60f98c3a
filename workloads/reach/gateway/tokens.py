"""Bearer tokens: verification with PyJWT under one pinned algorithm, and issuing the tokens of
new sessions. Pure apart from fetching a JWKS URL (PyJWKClient caches the keys).

A token names a session (`sid`), its partner (`pid`) and user (`sub`); whether the session still
exists and what the partner may see is decided later, by `reach.gateway.auth`. Every refusal is a
`Refusal` with a stable code, so the client, the metrics and the tests all see the same reason.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jwt
from jwt import PyJWKClient, PyJWKSet

from reach.gateway.settings import GatewaySettings

REQUIRED_CLAIMS = ("exp", "iat", "nbf", "iss", "aud", "sub", "sid", "pid")


class Refusal(Exception):
    """A request the gateway refuses: HTTP status, stable code, message for the client."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def unauthenticated(code: str, message: str) -> Refusal:
    return Refusal(401, code, message)


@dataclass(frozen=True)
class Claims:
    session_id: str
    partner_id: int
    user_id: str
    expires_at: float


# PyJWT's exceptions, most specific first (several derive from DecodeError or each other).
_REASONS: tuple[tuple[type[Exception], str, str], ...] = (
    (jwt.ExpiredSignatureError, "TOKEN_EXPIRED", "the token has expired"),
    (jwt.ImmatureSignatureError, "TOKEN_NOT_YET_VALID", "the token is not valid yet"),
    (jwt.InvalidAudienceError, "WRONG_AUDIENCE", "the token is for another audience"),
    (jwt.InvalidIssuerError, "WRONG_ISSUER", "the token is from an unknown issuer"),
    (jwt.MissingRequiredClaimError, "MISSING_CLAIM", "the token lacks a required claim"),
    (jwt.InvalidAlgorithmError, "ALGORITHM_NOT_ALLOWED", "the token's algorithm is not allowed"),
    (jwt.InvalidSignatureError, "BAD_SIGNATURE", "the token's signature does not verify"),
    (jwt.PyJWKClientError, "UNKNOWN_KEY", "the token is signed with an unknown key"),
    (jwt.InvalidIssuedAtError, "INVALID_CLAIM", "the token's iat claim is invalid"),
    (jwt.DecodeError, "MALFORMED_TOKEN", "the token is not a well-formed JWT"),
    (jwt.InvalidTokenError, "INVALID_TOKEN", "the token is invalid"),
)


def _refusal(exc: Exception) -> Refusal:
    for kind, code, message in _REASONS:
        if isinstance(exc, kind):
            detail = str(exc)
            return unauthenticated(code, f"{message}: {detail}" if detail else message)
    raise exc


class Verifier:
    """Checks a token's signature and claims; `blocking` tells whether `verify` may do network
    I/O (an RS256 JWKS URL), so the caller runs it off the event loop."""

    def __init__(self, settings: GatewaySettings) -> None:
        self._algorithm = settings.gateway_jwt_algorithm
        self._issuer = settings.gateway_jwt_issuer
        self._audience = settings.gateway_jwt_audience
        self._leeway = settings.gateway_jwt_leeway_seconds
        self._max_bytes = settings.gateway_max_token_bytes
        self._secret: str | None = None
        self._keys: PyJWKSet | None = None
        self._client: PyJWKClient | None = None
        if self._algorithm == "HS256":
            assert settings.gateway_jwt_secret is not None  # the settings validator made sure
            self._secret = settings.gateway_jwt_secret.get_secret_value()
        else:
            source = settings.gateway_jwks or ""
            if source.startswith(("https://", "http://")):
                self._client = PyJWKClient(source, cache_keys=True, lifespan=300)
            else:
                self._keys = PyJWKSet.from_dict(json.loads(Path(source).read_text()))
        self.blocking = self._client is not None

    def _key(self, token: str) -> Any:
        if self._secret is not None:
            return self._secret
        if self._client is not None:
            return self._client.get_signing_key_from_jwt(token).key
        assert self._keys is not None
        kid = jwt.get_unverified_header(token).get("kid")
        candidates = [k for k in self._keys.keys if kid is None or k.key_id == kid]
        if not candidates:
            raise jwt.PyJWKClientError(f"no key with kid {kid!r}")
        return candidates[0].key

    def verify(self, token: str) -> Claims:
        """The token's claims, or a `Refusal` saying why not."""
        if len(token) > self._max_bytes:
            raise unauthenticated(
                "TOKEN_TOO_LARGE", f"the token is longer than {self._max_bytes} bytes"
            )
        try:
            payload = jwt.decode(
                token,
                self._key(token),
                algorithms=[self._algorithm],
                audience=self._audience,
                issuer=self._issuer,
                leeway=self._leeway,
                options={"require": list(REQUIRED_CLAIMS)},
            )
        except (jwt.InvalidTokenError, jwt.PyJWKClientError) as exc:
            raise _refusal(exc) from None
        return _claims(payload)


def _claims(payload: dict[str, Any]) -> Claims:
    sid, pid, sub, exp = payload["sid"], payload["pid"], payload["sub"], payload["exp"]
    if not isinstance(sid, str) or not 8 <= len(sid) <= 64:
        raise unauthenticated("INVALID_CLAIM", "the token's sid claim is not a session id")
    if isinstance(pid, bool) or not isinstance(pid, int) or not 0 < pid < 2**63:
        raise unauthenticated("INVALID_CLAIM", "the token's pid claim is not a partner id")
    if not isinstance(sub, str) or not 0 < len(sub) <= 256:
        raise unauthenticated("INVALID_CLAIM", "the token's sub claim is not a user id")
    return Claims(session_id=sid, partner_id=pid, user_id=sub, expires_at=float(exp))


def issue(
    settings: GatewaySettings, *, session_id: str, partner_id: int, user_id: str, ttl: int
) -> str:
    """A token for a new session, signed as the gateway will verify it."""
    now = int(time.time())
    payload = {
        "iss": settings.gateway_jwt_issuer,
        "aud": settings.gateway_jwt_audience,
        "sub": user_id,
        "sid": session_id,
        "pid": partner_id,
        "iat": now,
        "nbf": now,
        "exp": now + ttl,
    }
    if settings.gateway_jwt_algorithm == "HS256":
        assert settings.gateway_jwt_secret is not None
        return jwt.encode(payload, settings.gateway_jwt_secret.get_secret_value(), "HS256")
    if settings.gateway_jwt_private_key_file is None:
        raise ValueError(
            "RS256 tokens are issued by your identity provider; set "
            "REACH_GATEWAY_JWT_PRIVATE_KEY_FILE to issue them here"
        )
    key = settings.gateway_jwt_private_key_file.read_text()
    kid = _local_kid(settings)
    return jwt.encode(payload, key, "RS256", headers={"kid": kid} if kid else None)


def _local_kid(settings: GatewaySettings) -> str | None:
    """The `kid` of the first key of a local JWKS file, so issued tokens name their key."""
    source = settings.gateway_jwks or ""
    if source.startswith(("https://", "http://")):
        return None
    keys: list[dict[str, Any]] = json.loads(Path(source).read_text()).get("keys", [])
    kid = keys[0].get("kid") if keys else None
    return kid if isinstance(kid, str) else None
