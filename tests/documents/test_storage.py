"""The content-addressed blob store, the same contract for the local directory and the S3 backend."""

from __future__ import annotations

import hashlib
import io
import os

import pytest

from engine.documents.storage import (BlobIntegrityError, BlobMissing, LocalBlobStore, StorageUnavailable,
                                      blob_store)
from engine.errors import InputError


@pytest.fixture(params=["local", "s3"])
def store(request, tmp_path):
    if request.param == "local":
        return LocalBlobStore(tmp_path / "blobs")
    from engine.documents.s3 import S3BlobStore

    client, bucket = request.getfixturevalue("s3_bucket")
    return S3BlobStore(client, bucket, "blobs/")


def corrupt(store, sha: str, data: bytes) -> None:
    """Rewrite a stored blob behind the store's back (what a bad disk or an intruder does)."""
    if isinstance(store, LocalBlobStore):
        path = store.path(sha)
        os.chmod(path, 0o600)
        path.write_bytes(data)
    else:
        store.client.put_object(Bucket=store.bucket, Key=store.key(sha), Body=data)


def test_put_returns_the_sha256_and_get_gives_the_bytes_back(store):
    data = "申请材料".encode() * 1000
    sha = store.put(data)
    assert sha == hashlib.sha256(data).hexdigest()
    assert store.exists(sha)
    assert store.get(sha) == data
    assert b"".join(store.stream(sha)) == data
    store.verify(sha)


def test_the_same_content_is_stored_once(store):
    a = store.put(b"same")
    b = store.put_stream(io.BytesIO(b"same"))
    assert a == b.sha256 and b.size == 4
    assert list(store) == [a]


def test_iterate_lists_every_blob(store):
    shas = {store.put(bytes([i]) * 10) for i in range(5)}
    assert set(store) == shas


def test_a_changed_blob_is_refused_on_read_with_a_chinese_message(store):
    sha = store.put(b"original content")
    corrupt(store, sha, b"tampered content")
    for read in (store.get, lambda s: list(store.stream(s)), store.verify):
        with pytest.raises(BlobIntegrityError) as err:
            read(sha)
        assert "不符" in err.value.message and "篡改" in err.value.message


def test_a_damaged_blob_is_refused_before_any_chunk_is_given_out(store):
    sha = store.put(b"x" * (3 * 1024 * 1024))
    corrupt(store, sha, b"y" * (3 * 1024 * 1024))
    with pytest.raises(BlobIntegrityError):
        store.stream(sha)  # raised on the call, not after the first chunk was sent


def test_a_missing_blob_is_a_clear_error(store):
    sha = hashlib.sha256(b"never stored").hexdigest()
    assert not store.exists(sha)
    with pytest.raises(BlobMissing) as err:
        store.get(sha)
    assert "不存在" in err.value.message


def test_a_name_that_is_not_a_sha256_is_refused(store):
    for bad in ("../../etc/passwd", "ABC", "a" * 63, "A" * 64):
        with pytest.raises(InputError):
            store.get(bad)


def test_over_the_size_limit_nothing_is_stored(store, tmp_path):
    with pytest.raises(InputError) as err:
        store.put_stream(io.BytesIO(b"z" * 2048), max_size=1024)
    assert "大小上限" in err.value.message
    assert list(store) == []


def test_local_store_writes_read_only_files_and_leaves_no_temporary_file(tmp_path):
    store = LocalBlobStore(tmp_path / "blobs")
    sha = store.put(b"content")
    path = store.path(sha)
    assert path == tmp_path / "blobs" / sha[:2] / sha[2:4] / sha
    assert not os.access(path, os.W_OK) or os.geteuid() == 0
    assert oct(path.stat().st_mode & 0o777) == "0o440"
    assert list((tmp_path / "blobs" / "tmp").iterdir()) == []


def test_local_store_ignores_stray_files_when_listing(tmp_path):
    store = LocalBlobStore(tmp_path / "blobs")
    sha = store.put(b"content")
    (tmp_path / "blobs" / "README").write_text("operator's note")
    (tmp_path / "blobs" / sha[:2] / sha[2:4] / "partial").write_text("x")
    assert list(store) == [sha]


def test_the_store_follows_the_configuration(isolated_settings, monkeypatch, tmp_path):
    from engine import settings

    store = blob_store()
    assert isinstance(store, LocalBlobStore) and store.root == tmp_path / "var" / "blobs"
    monkeypatch.setenv("OGI_BLOB_DIR", str(tmp_path / "elsewhere"))
    settings.get_settings.cache_clear()
    assert blob_store().root == tmp_path / "elsewhere"
    monkeypatch.setenv("OGI_BLOB_STORE", "s3")
    settings.get_settings.cache_clear()
    with pytest.raises(StorageUnavailable) as err:
        blob_store()
    assert "OGI_S3_BUCKET" in err.value.message


def test_s3_store_from_the_environment(isolated_settings, monkeypatch, s3_bucket, s3_endpoint):
    from engine import settings
    from engine.documents import s3

    _, bucket = s3_bucket
    monkeypatch.setenv("OGI_BLOB_STORE", "s3")
    monkeypatch.setenv("OGI_S3_ENDPOINT", s3_endpoint)
    monkeypatch.setenv("OGI_S3_BUCKET", bucket)
    monkeypatch.setenv("OGI_S3_PREFIX", "ogi/")
    settings.get_settings.cache_clear()
    s3._client.cache_clear()
    store = blob_store()
    sha = store.put(b"via settings")
    assert store.get(sha) == b"via settings"
    keys = [o["Key"] for o in store.client.list_objects_v2(Bucket=bucket)["Contents"]]
    assert keys == [f"ogi/{sha}"]


def test_s3_store_unreachable_is_a_503_with_nothing_half_done(s3_env):
    import boto3
    from botocore.config import Config

    from engine.documents.s3 import S3BlobStore
    from tests.documents.conftest import free_port

    client = boto3.client("s3", endpoint_url=f"http://127.0.0.1:{free_port()}", region_name="us-east-1",
                          config=Config(retries={"max_attempts": 1}, connect_timeout=1))
    store = S3BlobStore(client, "nowhere")
    with pytest.raises(StorageUnavailable) as err:
        store.put(b"data")
    assert err.value.status == 503 and "暂不可用" in err.value.message
