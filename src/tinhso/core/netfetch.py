"""One safe HTTP client for everything that fetches a URL given by a user or a remote portal
(catalogue harvests, DataStore URL resources).

* Only ``http``/``https`` URLs, for the first request and every redirect.
* Private, loopback, link-local, multicast, reserved, unspecified and other non-global
  addresses (IPv4, IPv6 and IPv4-mapped IPv6) are refused unless the caller allows them:
  the host name is resolved and *every* address is checked with :mod:`ipaddress`.
* The check is made when the connection is opened, and the socket connects to an address
  that passed it: the name is resolved once per connection, so a DNS answer that changes
  between check and connect (DNS rebinding) cannot reach an internal address. The name
  still serves the ``Host`` header, TLS SNI and certificate verification.
* At most ``MAX_REDIRECTS`` redirects, each target checked again.
* The body is streamed and the transfer stops above ``max_bytes``.
* ``timeout`` seconds for connecting, for each read and for the whole transfer
  (redirects included).
* No proxy from the environment (it would bypass the address check).

Errors are :class:`NetFetchError` subclasses carrying the details (host, address, status…)
and a Vietnamese message; a caller with messages of its own maps them by class.
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import ssl
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO, Self
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx
from django.utils.translation import gettext as _

from tinhso.core.services import DomainError

MAX_REDIRECTS = 5

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class NetFetchError(DomainError):
    """A remote document could not be fetched (message in Vietnamese)."""


class UnsupportedURL(NetFetchError):
    def __init__(self, url: str) -> None:
        super().__init__(_("Chỉ hỗ trợ địa chỉ http:// hoặc https:// ({url}).").format(url=url))
        self.url = url


class HostNotResolved(NetFetchError):
    def __init__(self, host: str) -> None:
        super().__init__(_("Không phân giải được tên máy chủ {host}.").format(host=host))
        self.host = host


class AddressNotAllowed(NetFetchError):
    """The URL points to a private, loopback, link-local or reserved address."""

    def __init__(self, host: str, address: IPAddress) -> None:
        super().__init__(
            _(
                "Địa chỉ {host} ({address}) là địa chỉ nội bộ hoặc dành riêng: bị từ chối."
                " Chỉ cho phép khi nguồn được đánh dấu là mạng nội bộ tin cậy."
            ).format(host=host, address=address)
        )
        self.host = host
        self.address = address


class RedirectWithoutLocation(NetFetchError):
    def __init__(self, url: str) -> None:
        super().__init__(_("Chuyển hướng không có địa chỉ đích ({url}).").format(url=url))
        self.url = url


class TooManyRedirects(NetFetchError):
    def __init__(self, url: str) -> None:
        super().__init__(
            _("Quá nhiều lần chuyển hướng (tối đa {n}) từ {url}.").format(n=MAX_REDIRECTS, url=url)
        )
        self.url = url


class HTTPStatusError(NetFetchError):
    def __init__(self, url: str, status: int) -> None:
        super().__init__(
            _("Máy chủ trả lỗi HTTP {status} cho {url}.").format(status=status, url=url)
        )
        self.url = url
        self.status = status


class TooLarge(NetFetchError):
    def __init__(self, url: str, limit: int) -> None:
        super().__init__(
            _("Nội dung tại {url} vượt quá giới hạn {limit} byte.").format(url=url, limit=limit)
        )
        self.url = url
        self.limit = limit


class TimedOut(NetFetchError):
    def __init__(self, url: str) -> None:
        super().__init__(_("Hết thời gian chờ khi tải {url}.").format(url=url))
        self.url = url


class TransferFailed(NetFetchError):
    """A network or protocol error (connection refused, TLS failure, broken response…)."""

    def __init__(self, url: str, error: str, detail: str = "") -> None:
        super().__init__(_("Không tải được {url}: {error}").format(url=url, error=error))
        self.url = url
        self.error = error
        self.detail = detail or error  # the library's own words, for logs and publishers


def address_is_public(address: IPAddress) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return not (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or not address.is_global
    )


def resolve(host: str, port: int) -> list[IPAddress]:
    """Every address ``host`` resolves to (one DNS lookup), in the resolver's order."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise HostNotResolved(host) from None
    addresses: list[IPAddress] = []
    for _family, _type, _proto, _canon, sockaddr in infos:
        address = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if address not in addresses:
            addresses.append(address)
    return addresses


def check_host(host: str, port: int, *, allow_private: bool) -> list[IPAddress]:
    """Resolve ``host`` once and refuse it if any address is not public (unless allowed);
    returns the addresses that passed, to connect to."""
    addresses = resolve(host, port)
    if not addresses:
        raise HostNotResolved(host)
    if not allow_private:
        for address in addresses:
            if not address_is_public(address):
                raise AddressNotAllowed(host, address)
    return addresses


def check_scheme(url: str) -> tuple[str, int]:
    """Refuse URLs that are not http(s) with a host; returns (host, port)."""
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        raise UnsupportedURL(url) from None
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise UnsupportedURL(url)
    return parts.hostname, port or (443 if parts.scheme == "https" else 80)


def check_url(url: str, *, allow_private: bool) -> None:
    """Refuse URLs that are not http(s) or whose host resolves to a forbidden address."""
    host, port = check_scheme(url)
    check_host(host, port, allow_private=allow_private)


class _GuardedBackend(httpcore.SyncBackend):
    """Opens TCP connections only to addresses that pass the check, and connects to the
    checked address itself (no second DNS lookup)."""

    def __init__(self, *, allow_private: bool) -> None:
        self.allow_private = allow_private

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> httpcore.NetworkStream:
        addresses = check_host(host, port, allow_private=self.allow_private)
        last_error: Exception | None = None
        for address in addresses:
            try:
                return super().connect_tcp(
                    str(address),
                    port,
                    timeout=timeout,
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except httpcore.ConnectError as exc:
                last_error = exc
        assert last_error is not None
        raise last_error


class _GuardedTransport(httpx.HTTPTransport):
    def __init__(self, *, allow_private: bool) -> None:
        super().__init__(trust_env=False)
        # httpx 0.28 builds its pool without a way to pass a network backend: replace it.
        self._pool = httpcore.ConnectionPool(
            ssl_context=ssl.create_default_context(),
            max_connections=4,
            network_backend=_GuardedBackend(allow_private=allow_private),
        )


@dataclass(frozen=True)
class Fetched:
    url: str  # final URL, after redirects
    status: int
    content_type: str
    body: bytes


@dataclass(frozen=True)
class Downloaded:
    url: str  # final URL, after redirects
    status: int
    content_type: str
    size: int


class SafeClient:
    """An HTTP client with the rules above; use as a context manager. One client may serve
    many requests (connections to the same host are reused)."""

    def __init__(
        self, *, allow_private: bool, max_bytes: int, timeout: float, user_agent: str
    ) -> None:
        self.allow_private = allow_private
        self.max_bytes = max_bytes
        self.timeout = timeout
        self.client = httpx.Client(
            transport=_GuardedTransport(allow_private=allow_private),
            follow_redirects=False,
            timeout=httpx.Timeout(timeout),
            headers={"User-Agent": user_agent},
            trust_env=False,
        )

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.client.close()

    def get(self, url: str, *, accept: str = "*/*") -> Fetched:
        """GET ``url`` into memory; raise NetFetchError on any refusal, network error, HTTP
        error status, oversize or time-out."""
        with self._open(url, accept) as (response, final_url, deadline):
            body = b"".join(self._chunks(response, final_url, deadline))
            return Fetched(
                url=final_url,
                status=response.status_code,
                content_type=response.headers.get("Content-Type", ""),
                body=body,
            )

    def download(self, url: str, out: BinaryIO, *, accept: str = "*/*") -> Downloaded:
        """GET ``url`` streaming the body into ``out`` (never all of it in memory); what was
        written before an error stays in ``out``: the caller discards it."""
        with self._open(url, accept) as (response, final_url, deadline):
            size = 0
            for chunk in self._chunks(response, final_url, deadline):
                out.write(chunk)
                size += len(chunk)
            return Downloaded(
                url=final_url,
                status=response.status_code,
                content_type=response.headers.get("Content-Type", ""),
                size=size,
            )

    @contextlib.contextmanager
    def _open(self, url: str, accept: str) -> Iterator[tuple[httpx.Response, str, float]]:
        """The first non-redirect response (status < 400), its URL and the deadline."""
        deadline = time.monotonic() + self.timeout
        current = url
        with self._translated(current_url=lambda: current):
            for _hop in range(MAX_REDIRECTS + 1):
                check_scheme(current)
                if time.monotonic() > deadline:
                    raise TimedOut(current)
                with self.client.stream("GET", current, headers={"Accept": accept}) as response:
                    if response.is_redirect:
                        location = response.headers.get("Location", "")
                        if not location:
                            raise RedirectWithoutLocation(current)
                        current = urljoin(current, location)
                        continue
                    if response.status_code >= 400:
                        raise HTTPStatusError(current, response.status_code)
                    yield response, current, deadline
                    return
        raise TooManyRedirects(url)

    @contextlib.contextmanager
    def _translated(self, *, current_url: Any) -> Iterator[None]:
        try:
            yield
        except NetFetchError:
            raise
        except httpx.TimeoutException:
            raise TimedOut(current_url()) from None
        except httpx.HTTPError as exc:
            name = exc.__class__.__name__
            detail = f"{name}: {exc}" if str(exc) else name
            raise TransferFailed(current_url(), name, detail) from None

    def _chunks(self, response: httpx.Response, url: str, deadline: float) -> Iterator[bytes]:
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise TooLarge(url, self.max_bytes)
        size = 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > self.max_bytes:
                raise TooLarge(url, self.max_bytes)
            if time.monotonic() > deadline:
                raise TimedOut(url)
            yield chunk
