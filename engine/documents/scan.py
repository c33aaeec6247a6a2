"""Malware scan of uploads through ClamAV's ``clamd`` (Debian: ``clamav-daemon``), off unless
``OGI_CLAMD`` names it: ``tcp://host:3310``, ``unix:///run/clamav/clamd.ctl`` or a socket path.

The INSTREAM command sends the file in length-prefixed chunks, so clamd needs no access to our files
(it may run on another host). The verdict is returned for the document row (``scan_verdict``); an
infected file is refused, and when a configured clamd does not answer the upload is refused too
(fail closed: the deployment asked for scanning).
"""

from __future__ import annotations

import socket
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from ..errors import DomainError, InputError

_CHUNK = 64 * 1024


class ScannerUnavailable(DomainError):
    status = 503
    title = "病毒扫描服务暂不可用"
    retry_after = 60


@dataclass(frozen=True)
class Verdict:
    status: str  # clean | infected | not_scanned | error
    detail: str = ""  # the signature found, or clamd's error

    @property
    def record(self) -> str:
        """What the document row keeps, e.g. ``clean``, ``infected: Eicar-Test-Signature``."""
        return f"{self.status}: {self.detail}" if self.detail else self.status

    def require_clean(self) -> None:
        """Refuse an infected file, and any file when the configured scanner failed."""
        if self.status == "infected":
            raise InputError(f"文件含有恶意代码（{self.detail}），已拒收", field="file")
        if self.status == "error":
            raise ScannerUnavailable(f"病毒扫描服务暂不可用，文件未保存，请稍后重试（{self.detail}）")


NOT_SCANNED = Verdict("not_scanned")


def _connect(address: str, timeout: float) -> socket.socket:
    if address.startswith("tcp://"):
        hostport = address.removeprefix("tcp://").rstrip("/")
        host, _, port = hostport.rpartition(":")
        return socket.create_connection((host.strip("[]") or "127.0.0.1", int(port or 3310)), timeout=timeout)
    path = address.removeprefix("unix://")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(timeout)
    try:
        sock.connect(path)
    except OSError:
        sock.close()
        raise
    return sock


def instream(address: str, stream: BinaryIO, timeout: float = 60.0) -> Verdict:
    """Send ``stream`` to clamd with INSTREAM and read its one-line answer."""
    try:
        with _connect(address, timeout) as sock:
            sock.sendall(b"zINSTREAM\0")
            while chunk := stream.read(_CHUNK):
                sock.sendall(struct.pack("!L", len(chunk)) + chunk)
            sock.sendall(struct.pack("!L", 0))
            reply = b""
            while not reply.endswith(b"\0"):
                part = sock.recv(4096)
                if not part:
                    break
                reply += part
    except (OSError, ValueError) as exc:  # refused, timed out, reset (clamd closes on StreamMaxLength)
        return Verdict("error", f"{type(exc).__name__}: {exc}"[:200])
    return parse_reply(reply.rstrip(b"\0").decode("utf-8", "replace").strip())


def parse_reply(text: str) -> Verdict:
    """``stream: OK`` / ``stream: Eicar-Signature FOUND`` / ``… ERROR``."""
    body = text.split(":", 1)[1].strip() if ":" in text else text
    if body == "OK":
        return Verdict("clean")
    if body.endswith(" FOUND"):
        return Verdict("infected", body.removesuffix(" FOUND").strip())
    return Verdict("error", (body or "clamd 无应答")[:200])


def scan_file(path: Path, settings=None) -> Verdict:
    """The verdict for a file, or ``not_scanned`` when no clamd is configured."""
    from ..settings import get_settings

    s = settings or get_settings()
    if not s.clamd:
        return NOT_SCANNED
    with open(path, "rb") as f:
        return instream(s.clamd, f, s.clamd_timeout)
