"""Both asset stores behind the one interface: the local folder for real, S3 against moto's
S3 server (a fake S3 speaking the real wire protocol)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from aiobotocore.session import get_session  # type: ignore[import-untyped]
from moto.server import ThreadedMotoServer

from reach.scraper.settings import ScraperSettings
from reach.scraper.storage import AssetStore, BadKey, LocalFolderStore, S3Store, open_store

pytestmark = pytest.mark.service

KEY = "media/instagram/123/profile_pic/abc.png"


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
async def s3_store(s3_endpoint: str) -> AsyncIterator[S3Store]:
    async with get_session().create_client(
        "s3",
        region_name="us-east-1",
        endpoint_url=s3_endpoint,
        aws_access_key_id="test",
        aws_secret_access_key="test",
    ) as admin:
        await admin.create_bucket(Bucket="reach-assets-test")
    store = await S3Store.open(
        "reach-assets-test",
        region="us-east-1",
        endpoint_url=s3_endpoint,
        access_key_id="test",
        secret_access_key="test",
    )
    yield store
    await store.close()


async def roundtrip(store: AssetStore) -> str:
    url = await store.put(KEY, b"first", "image/png")
    assert await store.get(KEY) == b"first"
    assert await store.put(KEY, b"second", "image/png") == url
    assert await store.get(KEY) == b"second"
    return url


async def test_local_folder(tmp_path: Path) -> None:
    store = LocalFolderStore(tmp_path / "assets")
    url = await roundtrip(store)
    assert url == (tmp_path / "assets" / KEY).as_uri()
    assert not [p for p in (tmp_path / "assets").rglob(".upload-*")]


async def test_s3(s3_store: S3Store) -> None:
    assert await roundtrip(s3_store) == f"s3://reach-assets-test/{KEY}"
    head = await s3_store.client.head_object(Bucket="reach-assets-test", Key=KEY)
    assert head["ContentType"] == "image/png"


@pytest.mark.parametrize("key", ["", "/etc/passwd", "media/../../x", "a//b"])
async def test_keys_stay_inside_the_store(tmp_path: Path, key: str) -> None:
    with pytest.raises(BadKey):
        await LocalFolderStore(tmp_path).put(key, b"x", "image/png")


async def test_settings_choose_the_store(tmp_path: Path, s3_endpoint: str) -> None:
    local = await open_store(ScraperSettings(data_dir=tmp_path))
    assert isinstance(local, LocalFolderStore) and local.root == (tmp_path / "assets").resolve()
    s3 = await open_store(
        ScraperSettings(asset_storage="s3", s3_endpoint_url=s3_endpoint, s3_bucket="b-x")
    )
    try:
        assert isinstance(s3, S3Store) and s3.bucket == "b-x"
    finally:
        await s3.close()
