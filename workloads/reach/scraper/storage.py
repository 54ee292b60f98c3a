"""Object storage for media assets: one `AssetStore` interface, two stores. S3 (any S3 API:
AWS, MinIO, Ceph) in Kubernetes, a local folder in standalone mode. The asset upload flow puts
files under content-addressed keys, so a re-upload of the same bytes writes the same object.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import tempfile
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from types_aiobotocore_s3 import S3Client

from reach.scraper.settings import ScraperSettings


class AssetStore(Protocol):
    async def put(self, key: str, data: bytes, content_type: str) -> str:
        """Stores `data` at `key` (replacing it); returns the object's storage URL."""
        ...

    async def get(self, key: str) -> bytes: ...

    async def close(self) -> None: ...


class BadKey(ValueError):
    pass


def check_key(key: str) -> PurePosixPath:
    path = PurePosixPath(key)
    if not key or path.is_absolute() or ".." in path.parts or "" in key.split("/"):
        raise BadKey(f"asset key must be a relative path without '..': {key!r}")
    return path


class LocalFolderStore:
    """Files under `root`; written to a temporary file and renamed, so a reader never sees half
    a file and a crash leaves no partial one."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()

    def path(self, key: str) -> Path:
        return self.root.joinpath(*check_key(key).parts)

    async def put(self, key: str, data: bytes, content_type: str) -> str:
        target = self.path(key)
        await asyncio.to_thread(self._write, target, data)
        return target.as_uri()

    @staticmethod
    def _write(target: Path, data: bytes) -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.replace(tmp, target)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise

    async def get(self, key: str) -> bytes:
        return await asyncio.to_thread(self.path(key).read_bytes)

    async def close(self) -> None:
        return None


class S3Store:
    """A bucket through aiobotocore; one client per store, opened by `open`."""

    def __init__(self, client: S3Client, bucket: str, exit_stack: contextlib.AsyncExitStack):
        self.client = client
        self.bucket = bucket
        self._stack = exit_stack

    @classmethod
    async def open(
        cls,
        bucket: str,
        *,
        region: str,
        endpoint_url: str | None = None,
        access_key_id: str | None = None,
        secret_access_key: str | None = None,
    ) -> S3Store:
        # Imported here: aiobotocore takes ~40% of a worker's start-up, and only S3 storage
        # needs it (standalone mode starts thirteen workers on a local folder).
        from aiobotocore.session import get_session  # type: ignore[import-untyped]

        stack = contextlib.AsyncExitStack()
        client = await stack.enter_async_context(
            get_session().create_client(
                "s3",
                region_name=region,
                endpoint_url=endpoint_url,
                aws_access_key_id=access_key_id,
                aws_secret_access_key=secret_access_key,
            )
        )
        return cls(client, bucket, stack)

    async def put(self, key: str, data: bytes, content_type: str) -> str:
        check_key(key)
        await self.client.put_object(
            Bucket=self.bucket, Key=key, Body=data, ContentType=content_type
        )
        return f"s3://{self.bucket}/{key}"

    async def get(self, key: str) -> bytes:
        response = await self.client.get_object(Bucket=self.bucket, Key=check_key(key).as_posix())
        async with response["Body"] as body:
            data: bytes = await body.read()
        return data

    async def close(self) -> None:
        await self._stack.aclose()


async def open_store(settings: ScraperSettings) -> AssetStore:
    if settings.asset_storage == "s3":
        return await S3Store.open(
            settings.s3_bucket,
            region=settings.s3_region,
            endpoint_url=settings.s3_endpoint_url,
            access_key_id=(
                settings.s3_access_key_id.get_secret_value() if settings.s3_access_key_id else None
            ),
            secret_access_key=(
                settings.s3_secret_access_key.get_secret_value()
                if settings.s3_secret_access_key
                else None
            ),
        )
    return LocalFolderStore(settings.asset_folder)
