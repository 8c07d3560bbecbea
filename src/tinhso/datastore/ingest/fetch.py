"""Get a resource's bytes into a local file: the upload, or the URL fetched with size and
time limits and no private/loopback addresses unless allowed."""

from __future__ import annotations

import contextlib
import http.client
import ipaddress
import shutil
import socket
import ssl
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from tinhso.catalog.models import Resource
from tinhso.datastore import conf
from tinhso.datastore.ingest.errors import LoadError
from tinhso.datastore.ingest.readers import TABULAR_FORMATS


def declared_format(resource: Resource) -> str:
    fmt = (resource.format or "").strip().lower().lstrip(".")
    if fmt in TABULAR_FORMATS:
        return fmt
    name = (
        resource.upload.name if resource.upload else urllib.parse.urlparse(resource.url or "").path
    )
    suffix = Path(name or "").suffix.lower().lstrip(".")
    return suffix or fmt


def check_host(host: str, *, allow_private: bool, port: int | None = None) -> str:
    """Resolve ``host`` once and refuse it if any of its addresses is private, loopback
    or link-local (unless allowed); returns the address to connect to."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise LoadError(_("Không phân giải được tên máy chủ %(host)s.") % {"host": host}) from exc
    if not infos:
        raise LoadError(_("Không phân giải được tên máy chủ %(host)s.") % {"host": host})
    for info in infos:
        ip = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        if not allow_private and not ip.is_global:
            raise LoadError(
                _("Địa chỉ %(host)s trỏ vào mạng nội bộ (%(ip)s): không được phép tải.")
                % {"host": host, "ip": ip}
            )
    return str(infos[0][4][0])


def _pinned(cls: type[http.client.HTTPConnection], allow_private: bool) -> Any:
    """A connection class whose socket goes to the address that ``check_host`` checked
    (not to a second DNS answer: no DNS rebinding between check and connect). The host
    name is still used for the Host header, TLS SNI and certificate verification."""

    def make(host: str, **kwargs: Any) -> http.client.HTTPConnection:
        conn = cls(host, **kwargs)
        address = check_host(conn.host, allow_private=allow_private, port=conn.port)

        def create_connection(
            target: tuple[str, int], timeout: Any = None, source_address: Any = None
        ) -> socket.socket:
            return socket.create_connection((address, target[1]), timeout, source_address)

        conn._create_connection = create_connection  # type: ignore[attr-defined]
        return conn

    return make


class _PinnedHTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, allow_private: bool) -> None:
        super().__init__()
        self.allow_private = allow_private

    def http_open(self, req: Any) -> Any:
        return self.do_open(_pinned(http.client.HTTPConnection, self.allow_private), req)


class _PinnedHTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, allow_private: bool) -> None:
        super().__init__(context=ssl.create_default_context())
        self.allow_private = allow_private

    def https_open(self, req: Any) -> Any:
        return self.do_open(
            _pinned(http.client.HTTPSConnection, self.allow_private),
            req,
            context=self._context,  # type: ignore[attr-defined]
        )


class _CheckedRedirect(urllib.request.HTTPRedirectHandler):
    """Redirects only to http(s); the new host is checked when its connection opens."""

    def redirect_request(
        self, req: Any, fp: Any, code: int, msg: str, headers: Any, newurl: str
    ) -> Any:
        _check_scheme(newurl)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _check_scheme(url: str) -> None:
    parts = urllib.parse.urlparse(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise LoadError(_("Chỉ tải được địa chỉ http(s)."))


def fetch_url(url: str, dest: Path) -> None:
    allow_private = conf.get("FETCH_ALLOW_PRIVATE")
    _check_scheme(url)
    max_bytes = conf.get("FETCH_MAX_BYTES")
    timeout = conf.get("FETCH_TIMEOUT_SECONDS")
    # No proxies from the environment: the checked address is the one connected to.
    opener = urllib.request.build_opener(
        urllib.request.ProxyHandler({}),
        _PinnedHTTPHandler(allow_private),
        _PinnedHTTPSHandler(allow_private),
        _CheckedRedirect(),
    )
    deadline = time.monotonic() + timeout
    request = urllib.request.Request(url, headers={"User-Agent": "tinhso-datastore/1"})  # noqa: S310
    try:
        with opener.open(request, timeout=timeout) as response, dest.open("wb") as out:
            total = 0
            while chunk := response.read(1024 * 1024):
                total += len(chunk)
                if total > max_bytes:
                    raise LoadError(
                        _("Tệp tại địa chỉ nguồn lớn hơn %(mb)d MB.")
                        % {"mb": max_bytes // 1_000_000}
                    )
                if time.monotonic() > deadline:
                    raise LoadError(_("Tải tệp quá %(s)d giây, đã dừng.") % {"s": timeout})
                out.write(chunk)
    except LoadError:
        raise
    except urllib.error.HTTPError as exc:
        raise LoadError(_("Máy chủ nguồn trả lỗi HTTP %(code)d.") % {"code": exc.code}) from exc
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, LoadError):
            raise exc.reason from exc
        raise LoadError(_("Không tải được tệp: %(err)s") % {"err": str(exc)[:200]}) from exc
    except OSError as exc:
        raise LoadError(_("Không tải được tệp: %(err)s") % {"err": str(exc)[:200]}) from exc


@contextlib.contextmanager
def local_copy(resource: Resource) -> Iterator[Path]:
    """A local path for the resource's data, removed afterwards if it was a temporary copy."""
    if resource.upload:
        try:
            local: Path | None = Path(resource.upload.path)
        except NotImplementedError:  # remote storage: copy to a temporary file
            local = None
        if local is not None:
            if not local.exists():
                raise LoadError(_("Không tìm thấy tệp đã tải lên trên máy chủ."))
            yield local
            return
        with tempfile.NamedTemporaryFile(prefix="tinhso-ds-", delete=False) as tmp:
            with resource.upload.open("rb") as src:
                shutil.copyfileobj(src, tmp, 1024 * 1024)
            path = Path(tmp.name)
    elif resource.url:
        with tempfile.NamedTemporaryFile(prefix="tinhso-ds-", delete=False) as tmp:
            path = Path(tmp.name)
        try:
            fetch_url(resource.url, path)
        except BaseException:
            path.unlink(missing_ok=True)
            raise
    else:
        raise LoadError(_("Tài nguyên không có tệp tải lên hay đường dẫn."))
    try:
        yield path
    finally:
        path.unlink(missing_ok=True)
