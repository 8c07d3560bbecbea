"""Fetching remote documents for harvesting, with safety limits.

* Only ``http``/``https`` URLs.
* Private, loopback, link-local, multicast, reserved and unspecified addresses are refused
  unless the source explicitly allows them: the host name is resolved and *every* address
  is checked with :mod:`ipaddress`. The check is made again when the connection is opened
  (the socket connects to an address that passed the check, so a DNS answer that changes
  between check and connect cannot slip through) and after every redirect.
* At most ``MAX_REDIRECTS`` redirects.
* The body is streamed and the download stops above ``settings.HARVEST_MAX_BYTES``.
* Each request has ``settings.HARVEST_TIMEOUT_SECONDS`` for connecting, each read, and the
  whole transfer.
* No proxy from the environment (it would bypass the address check).
"""

from __future__ import annotations

import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx
from django.conf import settings
from django.utils.translation import gettext as _

from tinhso.core.services import DomainError

MAX_REDIRECTS = 5
USER_AGENT = "tinhso-harvester/1.0 (+https://github.com/tinhso)"

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class FetchError(DomainError):
    """A remote document could not be fetched (message in Vietnamese)."""


class AddressNotAllowed(FetchError):
    """The URL points to a private, loopback, link-local or reserved address."""


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
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror:
        raise FetchError(_("Không phân giải được tên máy chủ {host}.").format(host=host)) from None
    addresses: list[IPAddress] = []
    for _family, _type, _proto, _canon, sockaddr in infos:
        address = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if address not in addresses:
            addresses.append(address)
    return addresses


def check_host(host: str, port: int, *, allow_private: bool) -> list[IPAddress]:
    """Resolve ``host`` and refuse it if any address is not public (unless allowed)."""
    addresses = resolve(host, port)
    if not addresses:
        raise FetchError(_("Không phân giải được tên máy chủ {host}.").format(host=host))
    if not allow_private:
        for address in addresses:
            if not address_is_public(address):
                raise AddressNotAllowed(
                    _(
                        "Địa chỉ {host} ({address}) là địa chỉ nội bộ hoặc dành riêng: bị từ chối."
                        " Chỉ cho phép khi nguồn được đánh dấu là mạng nội bộ tin cậy."
                    ).format(host=host, address=address)
                )
    return addresses


def check_url(url: str, *, allow_private: bool) -> None:
    """Refuse URLs that are not http(s) or whose host resolves to a forbidden address."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise FetchError(_("Chỉ hỗ trợ địa chỉ http:// hoặc https:// ({url}).").format(url=url))
    port = parts.port or (443 if parts.scheme == "https" else 80)
    check_host(parts.hostname, port, allow_private=allow_private)


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


class Fetcher:
    """An HTTP client for one harvest job; use as a context manager."""

    def __init__(
        self,
        *,
        allow_private: bool,
        max_bytes: int | None = None,
        timeout: float | None = None,
    ) -> None:
        self.allow_private = allow_private
        self.max_bytes = max_bytes if max_bytes is not None else settings.HARVEST_MAX_BYTES
        self.timeout = timeout if timeout is not None else float(settings.HARVEST_TIMEOUT_SECONDS)
        self.client = httpx.Client(
            transport=_GuardedTransport(allow_private=allow_private),
            follow_redirects=False,
            timeout=httpx.Timeout(self.timeout),
            headers={"User-Agent": USER_AGENT},
            trust_env=False,
        )

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.client.close()

    def get(self, url: str, *, accept: str = "*/*") -> Fetched:
        """GET ``url`` following at most MAX_REDIRECTS redirects; raise FetchError on any
        refusal, network error, HTTP error status, oversize or time-out."""
        current = url
        for _hop in range(MAX_REDIRECTS + 1):
            check_url(current, allow_private=self.allow_private)
            deadline = time.monotonic() + self.timeout
            try:
                with self.client.stream("GET", current, headers={"Accept": accept}) as response:
                    if response.is_redirect:
                        location = response.headers.get("Location", "")
                        if not location:
                            raise FetchError(
                                _("Chuyển hướng không có địa chỉ đích ({url}).").format(url=current)
                            )
                        current = urljoin(current, location)
                        continue
                    if response.status_code >= 400:
                        raise FetchError(
                            _("Máy chủ trả lỗi HTTP {status} cho {url}.").format(
                                status=response.status_code, url=current
                            )
                        )
                    body = self._read(response, current, deadline)
                    return Fetched(
                        url=current,
                        status=response.status_code,
                        content_type=response.headers.get("Content-Type", ""),
                        body=body,
                    )
            except FetchError:
                raise
            except httpx.TimeoutException:
                raise FetchError(
                    _("Hết thời gian chờ khi tải {url}.").format(url=current)
                ) from None
            except httpx.HTTPError as exc:
                raise FetchError(
                    _("Không tải được {url}: {error}").format(
                        url=current, error=exc.__class__.__name__
                    )
                ) from None
        raise FetchError(
            _("Quá nhiều lần chuyển hướng (tối đa {n}) từ {url}.").format(n=MAX_REDIRECTS, url=url)
        )

    def _read(self, response: httpx.Response, url: str, deadline: float) -> bytes:
        too_big = FetchError(
            _("Nội dung tại {url} vượt quá giới hạn {limit} byte.").format(
                url=url, limit=self.max_bytes
            )
        )
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise too_big
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > self.max_bytes:
                raise too_big
            if time.monotonic() > deadline:
                raise FetchError(_("Hết thời gian chờ khi tải {url}.").format(url=url))
            chunks.append(chunk)
        return b"".join(chunks)
