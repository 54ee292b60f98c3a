"""RS256 with the keys at a JWKS URL (as identity providers publish them): fetched over HTTP,
cached, and a key the URL does not list is refused."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from reach.gateway.settings import GatewaySettings
from reach.gateway.tokens import Refusal, Verifier, issue

from .keys import claims, forge, rsa_keys

pytestmark = pytest.mark.service


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        """Requests are not worth a line in the test output."""


@pytest.fixture
def jwks_site(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    key_file, _, _ = rsa_keys(tmp_path)
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(tmp_path)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/jwks.json", key_file
    finally:
        server.shutdown()
        server.server_close()


def test_tokens_verify_against_keys_fetched_from_a_jwks_url(
    jwks_site: tuple[str, Path], tmp_path: Path
) -> None:
    url, key_file = jwks_site
    settings = GatewaySettings(gateway_jwt_algorithm="RS256", gateway_jwks=url)
    verifier = Verifier(settings)
    assert verifier.blocking
    signer = GatewaySettings(
        gateway_jwt_algorithm="RS256",
        gateway_jwks=str(tmp_path / "jwks.json"),
        gateway_jwt_private_key_file=key_file,
    )
    token = issue(signer, session_id="session-0001", partner_id=3, user_id="u", ttl=60)
    assert verifier.verify(token).partner_id == 3
    with pytest.raises(Refusal) as caught:
        verifier.verify(forge(claims(), key_file.read_bytes(), "RS256", headers={"kid": "k7"}))
    assert caught.value.code == "UNKNOWN_KEY"
