"""Fixtures for the documents library: an S3-compatible server of our own (moto) and file builders."""

from __future__ import annotations

import socket
import time

import pytest

from tests.conftest import in_ci


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def s3_endpoint():
    """moto's S3 server on a free local port, started by the tests themselves. Skipped only when moto
    is not installed (``pip install -r requirements.lock`` installs it); in CI that is a failure."""
    try:
        from moto.server import ThreadedMotoServer
    except ImportError:
        if in_ci():
            pytest.fail("moto[server] is not installed (CI=true): the S3 blob store cannot be tested")
        pytest.skip("moto[server] 未安装（开发依赖）：跳过对象存储测试")
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    yield endpoint
    server.stop()


@pytest.fixture
def s3_env(monkeypatch):
    """Credentials as boto3 reads them from the environment (moto accepts any)."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
        monkeypatch.delenv(name, raising=False)


_bucket_counter = iter(range(1_000_000))


@pytest.fixture
def s3_bucket(s3_endpoint, s3_env):
    """A fresh bucket on the test server; yields (client, bucket name)."""
    import boto3

    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1")
    name = f"ogi-test-{next(_bucket_counter)}"
    client.create_bucket(Bucket=name)
    return client, name
