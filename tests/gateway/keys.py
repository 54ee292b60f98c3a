"""Keys and token forgers shared by the gateway's tests: an RSA key pair with its JWKS file,
and `forge` to sign arbitrary claims with any key and algorithm, as an attacker would."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

SECRET = "s" * 40
ISSUER, AUDIENCE = "reach", "reach-gateway"


def claims(**overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    base: dict[str, Any] = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": "user-1",
        "sid": "session-0001",
        "pid": 7,
        "iat": now,
        "nbf": now,
        "exp": now + 3600,
    }
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


def forge(payload: dict[str, Any], key: Any = SECRET, algorithm: str = "HS256", **kw: Any) -> str:
    return jwt.encode(payload, key, algorithm, **kw)


def rsa_keys(folder: Path) -> tuple[Path, Path, bytes]:
    """(private key PEM file, JWKS file, public key PEM) of a new RSA key with kid `k1`."""
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    public_pem = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    jwk = json.loads(RSAAlgorithm.to_jwk(private.public_key()))
    jwk.update({"kid": "k1", "use": "sig", "alg": "RS256"})
    key_file, jwks_file = folder / "key.pem", folder / "jwks.json"
    key_file.write_bytes(pem)
    jwks_file.write_text(json.dumps({"keys": [jwk]}))
    return key_file, jwks_file, public_pem
