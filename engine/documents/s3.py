"""Blobs in an S3-compatible object store (AWS S3, MinIO, Ceph RGW, and the S3 interfaces of the
domestic clouds), for deployments with several API hosts. Through boto3, the reference S3 client
(Apache-2.0); credentials come from its standard sources (``AWS_ACCESS_KEY_ID`` /
``AWS_SECRET_ACCESS_KEY``, a profile, an instance role), never from our settings.

An upload is spooled to a local temporary file while it is hashed (the object key is the hash, known
only at the end), then sent with boto3's managed transfer (multipart for large files). Reads download
and re-hash before anything is handed out.
"""

from __future__ import annotations

import hashlib
import io
import tempfile
from collections.abc import Iterator
from functools import lru_cache
from typing import BinaryIO

from .storage import CHUNK, BlobStore, StorageUnavailable, StoredBlob, check_sha256, mismatch, missing, spooled


def _unavailable(exc: Exception) -> StorageUnavailable:
    return StorageUnavailable(f"文件存储（对象存储）暂不可用，请稍后重试：{type(exc).__name__}")


class S3BlobStore(BlobStore):
    def __init__(self, client, bucket: str, prefix: str = "blobs/") -> None:
        self.client, self.bucket, self.prefix = client, bucket, prefix

    def __repr__(self) -> str:
        return f"S3BlobStore(bucket={self.bucket!r}, prefix={self.prefix!r})"

    @classmethod
    def from_settings(cls, s) -> "S3BlobStore":
        if not s.s3_bucket:
            raise StorageUnavailable("已选择对象存储（OGI_BLOB_STORE=s3），但未设置存储桶（OGI_S3_BUCKET）")
        return cls(_client(s.s3_endpoint or None, s.s3_region or None), s.s3_bucket, s.s3_prefix)

    def key(self, sha256: str) -> str:
        return self.prefix + check_sha256(sha256)

    def put_stream(self, stream: BinaryIO, max_size: int | None = None) -> StoredBlob:
        from botocore.exceptions import BotoCoreError, ClientError

        with spooled(stream, None, max_size) as (tmp, blob):
            if self.exists(blob.sha256):
                return blob
            try:
                self.client.upload_file(str(tmp), self.bucket, self.key(blob.sha256),
                                        ExtraArgs={"Metadata": {"sha256": blob.sha256}})
            except (BotoCoreError, ClientError) as exc:
                raise _unavailable(exc) from exc
        return blob

    def exists(self, sha256: str) -> bool:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=self.key(sha256))
            return True
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return False
            raise _unavailable(exc) from exc
        except BotoCoreError as exc:
            raise _unavailable(exc) from exc

    def _download(self, sha256: str, out: BinaryIO) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            body = self.client.get_object(Bucket=self.bucket, Key=self.key(sha256))["Body"]
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                raise missing(sha256) from exc
            raise _unavailable(exc) from exc
        except BotoCoreError as exc:
            raise _unavailable(exc) from exc
        digest = hashlib.sha256()
        try:
            for chunk in body.iter_chunks(CHUNK):
                digest.update(chunk)
                out.write(chunk)
        except BotoCoreError as exc:
            raise _unavailable(exc) from exc
        actual = digest.hexdigest()
        if actual != sha256:
            raise mismatch(sha256, actual)

    def get(self, sha256: str) -> bytes:
        buf = io.BytesIO()
        self._download(sha256, buf)
        return buf.getvalue()

    def stream(self, sha256: str) -> Iterator[bytes]:
        # Spooled: kept in memory up to 8 MB, on disk beyond, so a large file is verified whole before
        # its first byte is sent without holding it in memory.
        tmp = tempfile.SpooledTemporaryFile(max_size=8 * CHUNK)
        try:
            self._download(sha256, tmp)
        except BaseException:
            tmp.close()
            raise
        tmp.seek(0)

        def chunks() -> Iterator[bytes]:
            with tmp:
                while chunk := tmp.read(CHUNK):
                    yield chunk

        return chunks()

    def verify(self, sha256: str) -> None:
        class _Discard:
            def write(self, _chunk: bytes) -> None:
                pass

        self._download(sha256, _Discard())  # type: ignore[arg-type]

    def __iter__(self) -> Iterator[str]:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            for page in self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=self.prefix):
                for item in page.get("Contents", []):
                    name = item["Key"][len(self.prefix):]
                    if len(name) == 64 and all(c in "0123456789abcdef" for c in name):
                        yield name
        except (BotoCoreError, ClientError) as exc:
            raise _unavailable(exc) from exc


@lru_cache(maxsize=8)
def _client(endpoint: str | None, region: str | None):
    """One client per endpoint and region (creating one costs tens of milliseconds; clients are
    thread-safe)."""
    import boto3
    from botocore.config import Config

    config = Config(retries={"max_attempts": 3, "mode": "standard"}, connect_timeout=5, read_timeout=60,
                    s3={"addressing_style": "path"} if endpoint else None)
    return boto3.client("s3", endpoint_url=endpoint, region_name=region, config=config)
