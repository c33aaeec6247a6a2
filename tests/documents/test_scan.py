"""The malware-scan hook speaks clamd's INSTREAM protocol; tested against a fake clamd written here
(over TCP and a unix socket). Off by default; an infected file is refused; a configured clamd that does
not answer refuses the upload (fail closed)."""

from __future__ import annotations

import socket
import socketserver
import struct
import threading
from types import SimpleNamespace

import pytest

from engine.documents.scan import NOT_SCANNED, ScannerUnavailable, Verdict, instream, parse_reply, scan_file
from engine.errors import InputError

EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


class FakeClamd(socketserver.BaseRequestHandler):
    """Reads ``zINSTREAM\\0`` and length-prefixed chunks up to a zero length, like clamd; answers FOUND for
    the EICAR test string. Keeps what it received for the assertions."""

    received: list[bytes] = []

    def handle(self) -> None:
        f = self.request.makefile("rb")
        command = b""
        while not command.endswith(b"\0"):
            command += f.read(1)
        assert command == b"zINSTREAM\0"
        data = b""
        while True:
            (length,) = struct.unpack("!L", f.read(4))
            if length == 0:
                break
            data += f.read(length)
        type(self).received.append(data)
        reply = b"stream: Eicar-Test-Signature FOUND\0" if EICAR in data else b"stream: OK\0"
        self.request.sendall(reply)


@pytest.fixture
def tcp_clamd():
    FakeClamd.received = []
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), FakeClamd)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"tcp://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def unix_clamd(tmp_path):
    FakeClamd.received = []
    path = str(tmp_path / "clamd.ctl")
    server = socketserver.ThreadingUnixStreamServer(path, FakeClamd)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield path
    server.shutdown()
    server.server_close()


def settings(clamd: str) -> SimpleNamespace:
    return SimpleNamespace(clamd=clamd, clamd_timeout=5.0)


def test_clean_file_over_tcp_sent_whole_in_chunks(tcp_clamd, tmp_path):
    data = bytes(range(256)) * 1000  # several INSTREAM chunks
    path = tmp_path / "f.pdf"
    path.write_bytes(data)
    verdict = scan_file(path, settings(tcp_clamd))
    assert verdict == Verdict("clean") and verdict.record == "clean"
    assert FakeClamd.received == [data]
    verdict.require_clean()


@pytest.mark.parametrize("prefix", ["unix://", ""])
def test_infected_file_over_a_unix_socket_is_refused_and_named(unix_clamd, tmp_path, prefix):
    path = tmp_path / "f.doc"
    path.write_bytes(b"header " + EICAR + b" trailer")
    verdict = scan_file(path, settings(prefix + unix_clamd))
    assert verdict.status == "infected" and verdict.record == "infected: Eicar-Test-Signature"
    with pytest.raises(InputError) as err:
        verdict.require_clean()
    assert "恶意代码" in err.value.message and "Eicar-Test-Signature" in err.value.message


def test_no_clamd_configured_means_not_scanned(tmp_path):
    path = tmp_path / "f.pdf"
    path.write_bytes(b"%PDF")
    assert scan_file(path, settings("")) is NOT_SCANNED
    NOT_SCANNED.require_clean()
    assert NOT_SCANNED.record == "not_scanned"


def test_off_by_default(isolated_settings):
    assert isolated_settings.clamd == ""


def test_configured_clamd_not_answering_refuses_the_upload(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    path = tmp_path / "f.pdf"
    path.write_bytes(b"%PDF")
    verdict = scan_file(path, settings(f"tcp://127.0.0.1:{port}"))
    assert verdict.status == "error"
    with pytest.raises(ScannerUnavailable) as err:
        verdict.require_clean()
    assert err.value.status == 503 and "病毒扫描服务暂不可用" in err.value.message


@pytest.mark.parametrize("reply, expected", [
    ("stream: OK", Verdict("clean")),
    ("stream: Win.Test.EICAR_HDB-1 FOUND", Verdict("infected", "Win.Test.EICAR_HDB-1")),
    ("INSTREAM size limit exceeded. ERROR", Verdict("error", "INSTREAM size limit exceeded. ERROR")),
    ("", Verdict("error", "clamd 无应答")),
])
def test_clamd_replies(reply, expected):
    assert parse_reply(reply) == expected


def test_instream_reads_a_stream(tcp_clamd):
    import io

    assert instream(tcp_clamd, io.BytesIO(EICAR)).status == "infected"
