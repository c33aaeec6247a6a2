"""Which webhook addresses an agency may save: http(s) to a public address only.

An admin who could point the alert webhook at 127.0.0.1, the metadata service (169.254.169.254) or an
internal host would make the server send requests into its own network (SSRF). Checked when the
setting is saved (engine.admin.validated_settings), not when stored settings are read — and again at
each delivery, where the host name is resolved: a name can point inside the network, or be re-pointed
after it was saved. (Between that check and the connection a name could still change: deployments that
must rule this out send webhooks through an egress proxy or firewall, docs/deployment.md.)
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from .errors import InputError

LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"}


def _literal_ip(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host.split("%", 1)[0])  # an IPv6 zone id ("fe80::1%eth0")
    except ValueError:
        pass
    try:  # the forms inet_aton accepts and browsers resolve: "2130706433", "0x7f.1", "127.1"
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except (OSError, ValueError):
        return None


def _not_public(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    mapped = getattr(ip, "ipv4_mapped", None) or getattr(ip, "sixtofour", None)
    if mapped is not None:
        return _not_public(mapped)
    return (ip.is_loopback or ip.is_link_local or ip.is_private or ip.is_multicast or ip.is_reserved
            or ip.is_unspecified or getattr(ip, "is_site_local", False) or not ip.is_global)


def check_webhook_url(url: str) -> None:
    """Refuse (422, Chinese) a webhook address that is not http(s) or names a non-public host.
    The empty string (no webhook) is allowed."""
    if not url:
        return
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").rstrip(".").lower()
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        raise InputError("推送地址（webhook）格式不对", field="webhook_url") from None
    if parts.scheme not in ("http", "https"):
        raise InputError("推送地址（webhook）只能使用 http 或 https", field="webhook_url")
    if not host:
        raise InputError("推送地址（webhook）缺少主机名", field="webhook_url")
    if parts.username or parts.password:
        raise InputError("推送地址（webhook）不能包含用户名或密码，请使用签名密钥", field="webhook_url")
    ip = _literal_ip(host)
    if host in LOCAL_NAMES or host.endswith(".localhost") or (ip is not None and _not_public(ip)):
        raise InputError("推送地址（webhook）不能指向本机、内网、链路本地、组播或保留地址", field="webhook_url")


class WebhookRefused(Exception):
    """A delivery the address policy refuses: given up, never retried."""


def check_delivery_target(url: str) -> None:
    """Before sending: the saving rule again (for URLs stored before it), then every address the host
    name resolves to must be public. A name that does not resolve is an ordinary, retried failure."""
    try:
        check_webhook_url(url)
    except InputError as exc:
        raise WebhookRefused(exc.message) from None
    parts = urlsplit(url)
    host = parts.hostname or ""
    if _literal_ip(host) is not None:
        return  # a literal address: checked above
    port = parts.port or (443 if parts.scheme == "https" else 80)
    for *_, sockaddr in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM):
        ip = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if _not_public(ip):
            raise WebhookRefused(f"推送地址（webhook）的主机名 {host} 解析到本机或内网地址 {ip}，已拒绝发送")
