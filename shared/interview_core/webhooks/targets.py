"""Where a webhook may be delivered: an https URL whose host resolves only to public addresses. Checked when
the endpoint is registered and again at every delivery, against the addresses just resolved, and the
delivery connects to one of those very addresses, so a name that later resolves elsewhere (DNS rebinding)
reaches nothing private. Loopback is allowed only by a setting, for local stacks and tests."""

import ipaddress
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from interview_core.errors import InvalidRequest

MAX_URL_CHARS = 2_000
Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], Sequence[str]]


@dataclass(frozen=True)
class Target:
    url: str
    scheme: str
    host: str  # as written (for the Host header and TLS), lowercased
    port: int
    path: str  # with the query
    addresses: tuple[str, ...]  # resolved and checked: a delivery connects to the first


def resolve(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def refused_address(address: Address, allow_loopback: bool) -> str | None:
    """Why a delivery may not go to `address`, or None."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped  # ::ffff:127.0.0.1 is 127.0.0.1
    if address.is_loopback:
        return None if allow_loopback else "a loopback address"
    if address.is_link_local:  # 169.254.169.254, the instance metadata service, among them
        return "a link-local address"
    if address.is_multicast:
        return "a multicast address"
    if not address.is_global:  # private, shared (100.64/10), reserved, unspecified, documentation
        return "a private or reserved address"
    return None


def check(url: str, allow_loopback: bool = False, resolver: Resolver = resolve) -> Target:
    """The URL as a delivery target, or InvalidRequest saying why not."""
    if len(url) > MAX_URL_CHARS:
        raise InvalidRequest(f"url: at most {MAX_URL_CHARS} characters")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as err:
        raise InvalidRequest(f"url: not a valid URL ({err})") from err
    scheme, host = parts.scheme.lower(), (parts.hostname or "").lower()
    if scheme not in ("https", "http") or not host:
        raise InvalidRequest("url: must be an https URL with a host")
    if parts.username is not None or parts.password is not None:
        raise InvalidRequest("url: must not carry a user name or password")
    if parts.fragment:
        raise InvalidRequest("url: must not have a fragment")
    port = port or (443 if scheme == "https" else 80)
    try:
        literal: Address | None = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    try:
        addresses = [str(literal)] if literal else list(resolver(host, port))
    except (OSError, UnicodeError) as err:
        raise InvalidRequest(f"url: {host} does not resolve") from err
    if not addresses:
        raise InvalidRequest(f"url: {host} does not resolve")
    for a in addresses:
        why = refused_address(ipaddress.ip_address(a.split("%")[0]), allow_loopback)
        if why:
            raise InvalidRequest(f"url: {host} resolves to {why}, where webhooks are not delivered")
    local = all(ipaddress.ip_address(a.split("%")[0]).is_loopback for a in addresses)
    if scheme == "http" and not (allow_loopback and local):
        raise InvalidRequest("url: must be https")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(url, scheme, host, port, path, tuple(addresses))
