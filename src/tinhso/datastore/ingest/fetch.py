"""Get a resource's bytes into a local file: the upload, or the URL fetched with size and
time limits and no private/loopback addresses unless allowed (core safe client)."""

from __future__ import annotations

import contextlib
import shutil
import tempfile
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

from django.utils.translation import gettext as _

from tinhso.catalog.models import Resource
from tinhso.core import netfetch
from tinhso.datastore import conf
from tinhso.datastore.ingest.errors import LoadError
from tinhso.datastore.ingest.readers import TABULAR_FORMATS

USER_AGENT = "tinhso-datastore/1"


def declared_format(resource: Resource) -> str:
    fmt = (resource.format or "").strip().lower().lstrip(".")
    if fmt in TABULAR_FORMATS:
        return fmt
    name = (
        resource.upload.name if resource.upload else urllib.parse.urlparse(resource.url or "").path
    )
    suffix = Path(name or "").suffix.lower().lstrip(".")
    return suffix or fmt


def fetch_url(url: str, dest: Path) -> None:
    """Download ``url`` into ``dest`` with the core safe client (:mod:`tinhso.core.netfetch`:
    http(s) only, private/loopback/link-local addresses refused unless
    ``DATASTORE_FETCH_ALLOW_PRIVATE``, connection pinned to the checked address, redirects
    re-checked) and the DataStore size and time limits; errors become :class:`LoadError`."""
    max_bytes = conf.get("FETCH_MAX_BYTES")
    timeout = conf.get("FETCH_TIMEOUT_SECONDS")
    try:
        with (
            netfetch.SafeClient(
                allow_private=bool(conf.get("FETCH_ALLOW_PRIVATE")),
                max_bytes=max_bytes,
                timeout=float(timeout),
                user_agent=USER_AGENT,
            ) as client,
            dest.open("wb") as out,
        ):
            client.download(url, out)
    except netfetch.NetFetchError as exc:
        raise _load_error(exc, max_bytes=max_bytes, timeout=timeout) from exc
    except OSError as exc:  # writing the local copy
        raise LoadError(_("Không tải được tệp: %(err)s") % {"err": str(exc)[:200]}) from exc


def _load_error(exc: netfetch.NetFetchError, *, max_bytes: int, timeout: float) -> LoadError:
    """The DataStore's own wording of a fetch refusal."""
    if isinstance(exc, netfetch.UnsupportedURL):
        return LoadError(_("Chỉ tải được địa chỉ http(s)."))
    if isinstance(exc, netfetch.HostNotResolved):
        return LoadError(_("Không phân giải được tên máy chủ %(host)s.") % {"host": exc.host})
    if isinstance(exc, netfetch.AddressNotAllowed):
        return LoadError(
            _("Địa chỉ %(host)s trỏ vào mạng nội bộ (%(ip)s): không được phép tải.")
            % {"host": exc.host, "ip": exc.address}
        )
    if isinstance(exc, netfetch.TooLarge):
        return LoadError(
            _("Tệp tại địa chỉ nguồn lớn hơn %(mb)d MB.") % {"mb": max_bytes // 1_000_000}
        )
    if isinstance(exc, netfetch.TimedOut):
        return LoadError(_("Tải tệp quá %(s)d giây, đã dừng.") % {"s": timeout})
    if isinstance(exc, netfetch.HTTPStatusError):
        return LoadError(_("Máy chủ nguồn trả lỗi HTTP %(code)d.") % {"code": exc.status})
    detail = exc.detail if isinstance(exc, netfetch.TransferFailed) else exc.message
    return LoadError(_("Không tải được tệp: %(err)s") % {"err": detail[:200]})


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
