"""Token verification refuses each forgery of the security corpus with its own reason, under
HS256 and RS256 alike, and accepts what `issue` signs."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from pathlib import Path

import pytest

from reach.gateway.settings import GatewaySettings
from reach.gateway.tokens import Refusal, Verifier, issue

from .keys import SECRET, claims, forge, rsa_keys

pytestmark = pytest.mark.unit


def hs256() -> GatewaySettings:
    return GatewaySettings(gateway_jwt_secret=SECRET)


def refused(verifier: Verifier, token: str) -> str:
    with pytest.raises(Refusal) as caught:
        verifier.verify(token)
    assert caught.value.status == 401
    return caught.value.code


def test_an_issued_token_verifies_to_its_session() -> None:
    settings = hs256()
    token = issue(settings, session_id="session-0001", partner_id=7, user_id="u", ttl=60)
    found = Verifier(settings).verify(token)
    assert (found.session_id, found.partner_id, found.user_id) == ("session-0001", 7, "u")
    assert found.expires_at == pytest.approx(time.time() + 60, abs=5)


@pytest.mark.parametrize(
    ("token", "code"),
    [
        (forge(claims(), "another-secret-of-at-least-32-bytes!!"), "BAD_SIGNATURE"),
        (forge(claims(exp=int(time.time()) - 3600)), "TOKEN_EXPIRED"),
        (forge(claims(nbf=int(time.time()) + 3600)), "TOKEN_NOT_YET_VALID"),
        (forge(claims(iss="someone-else")), "WRONG_ISSUER"),
        (forge(claims(aud="another-service")), "WRONG_AUDIENCE"),
        (forge(claims(sid=None)), "MISSING_CLAIM"),
        (forge(claims(exp=None)), "MISSING_CLAIM"),
        (forge(claims(pid="7")), "INVALID_CLAIM"),
        (forge(claims(pid=True)), "INVALID_CLAIM"),
        (forge(claims(sid="x")), "INVALID_CLAIM"),
        (forge(claims(iat="yesterday")), "INVALID_CLAIM"),
        (forge(claims(), "k" * 64, algorithm="HS512"), "ALGORITHM_NOT_ALLOWED"),
        ("not-a-jwt", "MALFORMED_TOKEN"),
        ("a.b.c", "MALFORMED_TOKEN"),
        ("", "MALFORMED_TOKEN"),
        ("x" * 5000, "TOKEN_TOO_LARGE"),
    ],
)
def test_hs256_corpus(token: str, code: str) -> None:
    assert refused(Verifier(hs256()), token) == code


def _unsigned(payload: dict[str, object], alg: str = "none") -> str:
    def part(value: object) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    return f"{part({'alg': alg, 'typ': 'JWT'})}.{part(payload)}."


def test_alg_none_is_refused() -> None:
    assert refused(Verifier(hs256()), _unsigned(claims())) == "ALGORITHM_NOT_ALLOWED"


def test_rs256_accepts_its_keys_and_refuses_key_confusion(tmp_path: Path) -> None:
    key_file, jwks_file, public_pem = rsa_keys(tmp_path)
    settings = GatewaySettings(
        gateway_jwt_algorithm="RS256",
        gateway_jwks=str(jwks_file),
        gateway_jwt_private_key_file=key_file,
    )
    verifier = Verifier(settings)
    token = issue(settings, session_id="session-0001", partner_id=7, user_id="u", ttl=60)
    assert verifier.verify(token).partner_id == 7
    # The classic confusion: HS256 "signed" with the public key, which the attacker has.
    assert refused(verifier, _hmac_with(public_pem)) == "ALGORITHM_NOT_ALLOWED"
    assert refused(verifier, _unsigned(claims())) == "ALGORITHM_NOT_ALLOWED"
    (tmp_path / "other").mkdir()
    other_key, _, _ = rsa_keys(tmp_path / "other")
    wrong_key = forge(claims(), other_key.read_bytes(), "RS256", headers={"kid": "k1"})
    assert refused(verifier, wrong_key) == "BAD_SIGNATURE"
    unknown_kid = forge(claims(), key_file.read_bytes(), "RS256", headers={"kid": "k9"})
    assert refused(verifier, unknown_kid) == "UNKNOWN_KEY"


def _hmac_with(public_pem: bytes) -> str:
    """PyJWT refuses to HMAC with a PEM key, so the forgery is made by hand."""
    header = base64.urlsafe_b64encode(b'{"alg":"HS256","typ":"JWT"}').rstrip(b"=")
    body = base64.urlsafe_b64encode(json.dumps(claims()).encode()).rstrip(b"=")
    signed = header + b"." + body
    mac = hmac.new(public_pem, signed, hashlib.sha256).digest()
    return (signed + b"." + base64.urlsafe_b64encode(mac).rstrip(b"=")).decode()


def test_hs256_refuses_rs256_tokens(tmp_path: Path) -> None:
    key_file, _, _ = rsa_keys(tmp_path)
    token = forge(claims(), key_file.read_bytes(), "RS256")
    assert refused(Verifier(hs256()), token) == "ALGORITHM_NOT_ALLOWED"


def test_settings_refuse_weak_or_missing_keys() -> None:
    with pytest.raises(ValueError, match="at least 32 bytes"):
        GatewaySettings(gateway_jwt_secret="short")
    with pytest.raises(ValueError, match="needs gateway_jwt_secret"):
        GatewaySettings()
    with pytest.raises(ValueError, match="needs gateway_jwks"):
        GatewaySettings(gateway_jwt_algorithm="RS256")
    with pytest.raises(ValueError, match="production needs gateway_signing_secret"):
        GatewaySettings(gateway_jwt_secret=SECRET, gateway_environment="production")
