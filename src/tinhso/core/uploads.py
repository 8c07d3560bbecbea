"""Upload checks shared by every module that accepts files (catalogue resources, dossier
attachments, assessment evidence): size limit, type detected from the content.

The file's extension (or, without a known extension, the declared format) says what the
file claims to be; the bytes must agree. Binary types are recognised by their signature
(``filetype`` plus our own checks of ZIP/OLE containers for office files); text types
(CSV, TSV, TXT, JSON, XML…) must decode as text, must not be HTML or script, and JSON must
parse. Executables are always refused. A refused file raises :class:`UploadRejected`
(Vietnamese message) before anything is stored; each module turns it into its own domain
error and may narrow the accepted formats (``FileKind.format``).

Conventions other modules rely on:

* ``format`` is upper case, CKAN style: ``CSV``, ``XLSX``, ``JSON``, ``GEOJSON``, ``PDF``…
  (:func:`normalize_format` maps extensions, media types and spellings to it);
* ``hash`` is the SHA-256 of the file as 64 lower-case hex digits, no prefix;
* ``size`` is in bytes; ``mimetype`` is the IANA media type of the detected format.
"""

from __future__ import annotations

import codecs
import hashlib
import json
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import IO, Any

import filetype
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from tinhso.core.text import slugify_vi

HEAD_BYTES = 64 * 1024


@dataclass(frozen=True)
class FileKind:
    format: str
    mimetype: str
    check: str  # how the content is verified


_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"

# Extension → what the content must be.
EXTENSIONS: dict[str, FileKind] = {
    "csv": FileKind("CSV", "text/csv", "text"),
    "tsv": FileKind("TSV", "text/tab-separated-values", "text"),
    "txt": FileKind("TXT", "text/plain", "text"),
    "md": FileKind("MD", "text/markdown", "text"),
    "ttl": FileKind("TTL", "text/turtle", "text"),
    "json": FileKind("JSON", "application/json", "json"),
    "geojson": FileKind("GEOJSON", "application/geo+json", "json"),
    "jsonld": FileKind("JSON-LD", "application/ld+json", "json"),
    "xml": FileKind("XML", "application/xml", "xml"),
    "rdf": FileKind("RDF", "application/rdf+xml", "xml"),
    "kml": FileKind("KML", "application/vnd.google-earth.kml+xml", "xml"),
    "gml": FileKind("GML", "application/gml+xml", "xml"),
    "xlsx": FileKind("XLSX", _XLSX, "xlsx"),
    "docx": FileKind("DOCX", _DOCX, "docx"),
    "pptx": FileKind("PPTX", _PPTX, "pptx"),
    "ods": FileKind("ODS", "application/vnd.oasis.opendocument.spreadsheet", "ods"),
    "odt": FileKind("ODT", "application/vnd.oasis.opendocument.text", "odt"),
    "xls": FileKind("XLS", "application/vnd.ms-excel", "ole"),
    "doc": FileKind("DOC", "application/msword", "ole"),
    "pdf": FileKind("PDF", "application/pdf", "pdf"),
    "zip": FileKind("ZIP", "application/zip", "zip"),
    "gz": FileKind("GZ", "application/gzip", "gz"),
    "parquet": FileKind("PARQUET", "application/vnd.apache.parquet", "parquet"),
    "gpkg": FileKind("GPKG", "application/geopackage+sqlite3", "sqlite"),
    "png": FileKind("PNG", "image/png", "image:png"),
    "jpg": FileKind("JPEG", "image/jpeg", "image:jpg"),
    "jpeg": FileKind("JPEG", "image/jpeg", "image:jpg"),
    "gif": FileKind("GIF", "image/gif", "image:gif"),
    "webp": FileKind("WEBP", "image/webp", "image:webp"),
    "tif": FileKind("TIFF", "image/tiff", "image:tif"),
    "tiff": FileKind("TIFF", "image/tiff", "image:tif"),
}
FORMATS: dict[str, FileKind] = {}
for _kind in EXTENSIONS.values():
    FORMATS.setdefault(_kind.format, _kind)

_FORMAT_ALIASES = {
    "JPG": "JPEG",
    "TIF": "TIFF",
    "TEXT": "TXT",
    "PLAIN": "TXT",
    "GEO+JSON": "GEOJSON",
    "LD+JSON": "JSON-LD",
    "JSONLD": "JSON-LD",
    "TURTLE": "TTL",
    "EXCEL": "XLSX",
    "RDF+XML": "RDF",
    "MARKDOWN": "MD",
    "GZIP": "GZ",
    "SHAPEFILE": "SHP",
    "WEB PAGE": "HTML",
}
_MEDIA_TYPES = {k.mimetype: k.format for k in EXTENSIONS.values()} | {
    "text/html": "HTML",
    "application/xhtml+xml": "HTML",
    "application/x-zip-compressed": "ZIP",
    "text/xml": "XML",
    "application/vnd.geo+json": "GEOJSON",
    "application/x-gzip": "GZ",
    "text/comma-separated-values": "CSV",
    "application/csv": "CSV",
}

_EXECUTABLE_SIGNATURES = (
    b"MZ",
    b"\x7fELF",
    b"\xfe\xed\xfa\xce",
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",
    b"#!",
)
_MARKUP_STARTS = (
    "<!doctype html",
    "<html",
    "<head",
    "<body",
    "<script",
    "<?php",
    "<svg",
    "<iframe",
    "<object",
    "<embed",
    "<meta",
    "<link",
    "<style",
    "<a ",
    "<img",
    "<div",
)
_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass(frozen=True)
class UploadInfo:
    filename: str  # safe ASCII file name to store under
    format: str
    mimetype: str
    size: int
    hash: str  # SHA-256, 64 lower-case hex digits
    encoding: str = ""  # text files: the detected encoding


class UploadRejected(Exception):
    """Refused upload; ``message`` is for the user (Vietnamese)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def max_upload_bytes() -> int:
    return int(getattr(settings, "CATALOG_MAX_UPLOAD_BYTES", 50 * 1024 * 1024))


def normalize_format(value: str) -> str:
    """CKAN-style upper-case format from a format name, extension or media type.

    ``".csv"``, ``"csv"``, ``"text/csv"`` → ``"CSV"``; ``"jpg"`` → ``"JPEG"``; unknown values
    are upper-cased as given (``"Shapefile"`` → ``"SHP"``, ``"wms"`` → ``"WMS"``).
    """
    text = (value or "").strip()
    if not text:
        return ""
    lowered = text.lower().split(";")[0].strip()
    if lowered in _MEDIA_TYPES:
        return _MEDIA_TYPES[lowered]
    upper = text.lstrip(".").upper()
    if "/" in upper:
        upper = upper.rsplit("/", 1)[1].removeprefix("X-").removeprefix("VND.")
    upper = _FORMAT_ALIASES.get(upper, upper)
    ext_kind = EXTENSIONS.get(upper.lower())
    return ext_kind.format if ext_kind else upper[:50]


def format_from_url(url: str) -> str:
    """Guess a format from a URL's path extension ("" if unknown)."""
    from urllib.parse import urlsplit

    suffix = PurePosixPath(urlsplit(url).path).suffix.lower().lstrip(".")
    kind = EXTENSIONS.get(suffix)
    return kind.format if kind else ""


def safe_filename(name: str) -> str:
    path = PurePosixPath((name or "").replace("\\", "/")).name
    suffix = PurePosixPath(path).suffix.lower()
    stem = slugify_vi(path[: -len(suffix)] if suffix else path, max_length=80) or "tep"
    ext = slugify_vi(suffix.lstrip("."), max_length=10)
    return f"{stem}.{ext}" if ext else stem


def inspect_upload(
    upload: UploadedFile, *, declared_format: str = "", max_bytes: int | None = None
) -> UploadInfo:
    """Check an uploaded file and describe it; raise :class:`UploadRejected` if refused.

    ``max_bytes`` defaults to the catalogue limit (``CATALOG_MAX_UPLOAD_BYTES``). The file
    is read once (hash and size; the declared size is not trusted) and rewound.
    """
    limit = max_upload_bytes() if max_bytes is None else max_bytes
    original = PurePosixPath((upload.name or "").replace("\\", "/")).name
    if upload.size is not None and upload.size > limit:
        raise UploadRejected(_too_big(limit))
    suffix = PurePosixPath(original).suffix.lower().lstrip(".")
    declared = normalize_format(declared_format)
    kind = EXTENSIONS.get(suffix)
    if kind is None and declared:
        kind = FORMATS.get(declared)
    if kind is None:
        raise UploadRejected(
            _("Không hỗ trợ loại tệp “%(name)s”. Các loại được nhận: %(list)s.")
            % {"name": original or "?", "list": ", ".join(sorted(FORMATS))}
        )
    if declared and declared != kind.format and not _compatible(declared, kind.format):
        raise UploadRejected(
            _("Định dạng khai báo (%(declared)s) không khớp với tệp %(name)s (%(format)s).")
            % {"declared": declared, "name": original, "format": kind.format}
        )

    digest = hashlib.sha256()
    size = 0
    head = b""
    upload.seek(0)
    for chunk in upload.chunks():
        size += len(chunk)
        if size > limit:
            raise UploadRejected(_too_big(limit))
        digest.update(chunk)
        if len(head) < HEAD_BYTES:
            head += chunk[: HEAD_BYTES - len(head)]
    upload.seek(0)
    if size == 0:
        raise UploadRejected(_("Tệp rỗng (0 byte)."))

    encoding = _check_content(upload, head, kind, original, size)
    upload.seek(0)
    return UploadInfo(
        filename=safe_filename(original or f"tep.{kind.format.lower()}"),
        format=kind.format,
        mimetype=kind.mimetype,
        size=size,
        hash=digest.hexdigest(),
        encoding=encoding,
    )


def _compatible(declared: str, actual: str) -> bool:
    families = [{"JSON", "GEOJSON", "JSON-LD"}, {"XML", "RDF", "KML", "GML"}, {"CSV", "TSV"}]
    return any(declared in f and actual in f for f in families)


def _too_big(limit: int) -> str:
    return _("Tệp vượt quá dung lượng cho phép (%(mb)s MB).") % {
        "mb": f"{limit / (1024 * 1024):.0f}"
    }


def _describe(head: bytes) -> str:
    guess = filetype.guess(head)
    if guess is not None:
        return guess.extension.upper()
    if head.startswith(_OLE_SIGNATURE):
        return "OLE (DOC/XLS)"
    return _("nhị phân")


def _mismatch(original: str, kind: FileKind, actual: str) -> UploadRejected:
    return UploadRejected(
        _("Nội dung tệp “%(name)s” không phải %(format)s mà là %(actual)s; tệp bị từ chối.")
        % {"name": original, "format": kind.format, "actual": actual}
    )


def _check_content(
    upload: UploadedFile, head: bytes, kind: FileKind, original: str, size: int
) -> str:
    if head.startswith(_EXECUTABLE_SIGNATURES):
        raise UploadRejected(
            _("Tệp “%(name)s” chứa chương trình thực thi; không được tải lên.") % {"name": original}
        )
    guess = filetype.guess(head)
    if guess is not None and guess.extension in {"exe", "elf", "swf", "crx", "deb", "rpm", "wasm"}:
        raise UploadRejected(
            _("Tệp “%(name)s” chứa chương trình thực thi; không được tải lên.") % {"name": original}
        )
    check = kind.check
    if check in {"text", "json", "xml"}:
        return _check_text(upload, head, kind, original, size)
    if check == "pdf":
        if not head.startswith(b"%PDF-"):
            raise _mismatch(original, kind, _describe(head))
    elif check in {"xlsx", "docx", "pptx", "ods", "odt", "zip"}:
        _check_zip(upload, head, kind, original)
    elif check == "ole":
        if not head.startswith(_OLE_SIGNATURE):
            raise _mismatch(original, kind, _describe(head))
    elif check == "gz":
        if not head.startswith(b"\x1f\x8b"):
            raise _mismatch(original, kind, _describe(head))
    elif check == "parquet":
        if not head.startswith(b"PAR1"):
            raise _mismatch(original, kind, _describe(head))
    elif check == "sqlite":
        if not head.startswith(b"SQLite format 3\x00"):
            raise _mismatch(original, kind, _describe(head))
    elif check.startswith("image:") and (
        guess is None or guess.extension != check.split(":", 1)[1]
    ):
        raise _mismatch(original, kind, _describe(head))
    return ""


_ZIP_MEMBERS = {
    "xlsx": "xl/workbook.xml",
    "docx": "word/document.xml",
    "pptx": "ppt/presentation.xml",
}
_ODF_MIMETYPES = {
    "ods": b"application/vnd.oasis.opendocument.spreadsheet",
    "odt": b"application/vnd.oasis.opendocument.text",
}


# An office file or archive whose members expand beyond this, or beyond 10 MB at more than
# this many times their stored size, is refused as a possible zip bomb (a real .docx or
# .xlsx expands about 5-20 times). The same bounds as the DataStore's defaults
# (datastore/conf.py), so a workbook it would load is not refused at upload.
ZIP_MAX_EXPANDED_BYTES = 1_000_000_000
ZIP_MAX_RATIO = 200


def _refuse_zip_bomb(archive: zipfile.ZipFile, original: str) -> None:
    members = archive.infolist()
    expanded = sum(m.file_size for m in members)
    stored = sum(m.compress_size for m in members) or 1
    if expanded > ZIP_MAX_EXPANDED_BYTES or (
        expanded > 10 * 1024 * 1024 and expanded / stored > ZIP_MAX_RATIO
    ):
        raise UploadRejected(
            _(
                "Tệp “%(name)s” khi giải nén ra tới %(mb)s MB (gấp %(ratio)s lần); "
                "có thể là tệp nén độc hại, tệp bị từ chối."
            )
            % {
                "name": original,
                "mb": f"{expanded / (1024 * 1024):.0f}",
                "ratio": f"{expanded / stored:.0f}",
            }
        )


def _check_zip(upload: UploadedFile, head: bytes, kind: FileKind, original: str) -> None:
    if not head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        raise _mismatch(original, kind, _describe(head))
    try:
        file: IO[Any] = upload.file  # type: ignore[assignment]
        file.seek(0)
        with zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
            _refuse_zip_bomb(archive, original)
            if kind.check in _ZIP_MEMBERS and _ZIP_MEMBERS[kind.check] not in names:
                raise _mismatch(original, kind, "ZIP")
            if kind.check in _ODF_MIMETYPES and (
                "mimetype" not in names
                or archive.read("mimetype").strip() != _ODF_MIMETYPES[kind.check]
            ):
                raise _mismatch(original, kind, "ZIP")
    except zipfile.BadZipFile:
        raise UploadRejected(
            _("Tệp “%(name)s” bị hỏng (không đọc được cấu trúc ZIP).") % {"name": original}
        ) from None
    finally:
        upload.seek(0)


def _decode_head(head: bytes) -> tuple[str, str] | None:
    """Decode the first bytes as text; (text, encoding) or None if they are not text."""
    for bom, name in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if head.startswith(bom):
            try:
                return codecs.getincrementaldecoder(name)().decode(head, final=False), name
            except UnicodeDecodeError:
                return None
    if b"\x00" in head:
        return None
    try:
        return codecs.getincrementaldecoder("utf-8")().decode(head, final=False), "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(head).best()
    if best is None or best.encoding is None:
        return None
    return str(best), best.encoding


def _check_text(upload: UploadedFile, head: bytes, kind: FileKind, original: str, size: int) -> str:
    if filetype.guess(head) is not None or head.startswith(_OLE_SIGNATURE):
        raise _mismatch(original, kind, _describe(head))
    decoded = _decode_head(head)
    if decoded is None:
        raise _mismatch(original, kind, _("tệp nhị phân"))
    text, encoding = decoded
    start = text.lstrip("\ufeff \t\r\n").lower()
    if start.startswith(_MARKUP_STARTS) or "<script" in text[:4096].lower():
        raise _mismatch(original, kind, "HTML")
    if kind.check == "xml" and not start.startswith("<"):
        raise _mismatch(original, kind, _("văn bản thường"))
    if kind.check == "json":
        upload.seek(0)
        raw = upload.read()
        try:
            json.loads(raw.decode(encoding if encoding != "utf-8" else "utf-8-sig"))
        except (UnicodeDecodeError, LookupError):
            raise _mismatch(original, kind, _("văn bản không đọc được")) from None
        except ValueError as exc:
            raise UploadRejected(
                _("Tệp “%(name)s” không phải JSON hợp lệ: %(error)s.")
                % {"name": original, "error": exc}
            ) from None
    elif kind.check == "text" and kind.format in {"CSV", "TSV"} and start.startswith(("{", "[")):
        # A JSON document named .csv is a disguise too.
        try:
            upload.seek(0)
            json.loads(upload.read().decode(encoding if encoding != "utf-8" else "utf-8-sig"))
        except (ValueError, UnicodeDecodeError, LookupError):
            pass
        else:
            raise _mismatch(original, kind, "JSON")
    return encoding
