"""Delimited text files: encoding detection, NFC decoding, delimiter sniffing."""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from charset_normalizer import from_bytes
from django.utils.translation import gettext as _

from tinhso.datastore.ingest.errors import LoadError

SAMPLE_BYTES = 256 * 1024
DELIMITERS = (",", ";", "\t", "|")
# Precomposed Vietnamese letters (NFC) that carry a diacritic, plus đ/Đ.
_VI_LOWER = "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ"
VIETNAMESE_LETTERS = frozenset(_VI_LOWER + _VI_LOWER.upper())
# The TCVN3 (ABC) and VNI legacy font encodings have no Python codec; we recognise them
# cheaply and refuse with a clear message (docs/datastore.md).
# VNI writes a letter as its base and one or two mark bytes: "Tie\xe2n" for "Tiên",
# "a\xf9" for "á", "\xf1" for "đ". These pairs never occur in Windows-1258 Vietnamese
# (where a vowel is followed by a combining tone byte \xcc \xec \xde \xd2 \xf2, and
# "uâ", "uê", "iê", "yê" are real, so those are left out).
_VNI_PAIR = re.compile(rb"[aeiouyAEIOUY][\xf8\xf9\xfb\xef]|[aeoAEO]\xe2|[aA]\xea|[\xf1\xd1]")
# TCVN3 puts ă â ê ô ơ ư đ (and their capitals) and the tones of "a" at \xa1-\xbf, which
# Windows-1258 (and -1252) use only for symbols (¡ ª ® ° ¸ …).
_TCVN3_BYTES = re.compile(rb"[\xa1-\xbf]")
_NON_ASCII = re.compile(rb"[\x80-\xff]")


def _legacy_font_encoding(sample: bytes) -> str | None:
    """ "VNI" or "TCVN3" when the (non-UTF-8) sample looks written in that font encoding."""
    non_ascii = len(_NON_ASCII.findall(sample))
    if non_ascii < 3:
        return None
    vni = len(_VNI_PAIR.findall(sample))
    if vni >= 3 and vni * 4 >= non_ascii:
        return "VNI"
    tcvn3 = len(_TCVN3_BYTES.findall(sample))
    if tcvn3 >= 3 and tcvn3 * 4 >= non_ascii:
        return "TCVN3"
    return None


@dataclass
class TextInfo:
    encoding: str
    delimiter: str
    quotechar: str = '"'


def _looks_binary(sample: bytes) -> bool:
    if not sample:
        return False
    if b"\x00" in sample:
        return True
    control = sum(1 for b in sample[:8192] if b < 32 and b not in (9, 10, 12, 13))
    return control > len(sample[:8192]) * 0.02


def _refuse_stray_nul(sample: bytes) -> None:
    """A text file with a few NUL bytes (a damaged export) is refused naming the byte and
    its line, rather than called binary; text columns cannot hold NUL on PostgreSQL."""
    nul = sample.find(b"\x00")
    if nul < 0 or sample.count(b"\x00") > 16:
        return
    rest = sample.replace(b"\x00", b"")
    if _looks_binary(rest):
        return
    _refuse_nul_at(None, nul, sample)


def _refuse_nul_at(path: Path | None, offset: int, sample: bytes = b"") -> None:
    line = sample.count(b"\n", 0, offset) + 1 if path is None else _line_at(path, offset)
    raise LoadError(
        _(
            "Dòng %(line)d có ký tự NUL (byte 0), không được phép trong văn bản. "
            "Hãy xoá ký tự này (tệp có thể bị hỏng khi xuất) rồi tải lại."
        )
        % {"line": line},
        line=line,
    )


def _utf16_without_bom(sample: bytes) -> str | None:
    head = sample[:4096]
    if len(head) < 4:
        return None
    even_zero = head[0::2].count(0)
    odd_zero = head[1::2].count(0)
    half = len(head) // 2
    if odd_zero > half * 0.4 and even_zero < half * 0.05:
        return "utf-16-le"
    if even_zero > half * 0.4 and odd_zero < half * 0.05:
        return "utf-16-be"
    return None


def _vietnamese_score(text: str) -> float:
    """Share of non-ASCII letters that are Vietnamese letters once NFC-normalised."""
    text = unicodedata.normalize("NFC", text)
    non_ascii = [ch for ch in text if ord(ch) > 127]
    if not non_ascii:
        return 0.0
    good = sum(1 for ch in non_ascii if ch in VIETNAMESE_LETTERS)
    return good / len(non_ascii)


def _first_invalid_utf8(path: Path) -> int | None:
    """Offset of the first byte that is not valid UTF-8, or None. A NUL byte met on the
    way (after the sample that :func:`_refuse_stray_nul` looked at) is refused."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset = 0
    with path.open("rb") as fh:
        try:
            while chunk := fh.read(4 * 1024 * 1024):
                nul = chunk.find(b"\x00")
                decoder.decode(chunk[:nul] if nul >= 0 else chunk)
                if nul >= 0:
                    _refuse_nul_at(path, offset + nul)
                offset += len(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError as exc:
            return max(0, offset + exc.start - len(decoder.getstate()[0]))
    return None


def refuse_nul(path: Path, encoding: str) -> None:
    """Refuse a NUL byte in a file read with an encoding the publisher chose (detection,
    which refuses them, did not run); UTF-16 and UTF-32 have NUL bytes by design."""
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        return
    if "16" not in name and "32" not in name:
        _first_nul(path)


def _first_nul(path: Path) -> None:
    """Refuse a NUL byte anywhere in a (legacy-encoded) text file."""
    offset = 0
    with path.open("rb") as fh:
        while chunk := fh.read(4 * 1024 * 1024):
            nul = chunk.find(b"\x00")
            if nul >= 0:
                _refuse_nul_at(path, offset + nul)
            offset += len(chunk)


def _mixed_in_sample(sample: bytes, *, full: bool) -> tuple[int, int] | None:
    """(first UTF-8 line, first line that is not UTF-8) when the sample has both: lines
    of Vietnamese written in UTF-8 next to lines in a legacy encoding."""
    lines = sample.split(b"\n")
    if full and len(lines) > 1:
        lines = lines[:-1]  # the last line may be cut
    first_utf8 = first_other = 0
    for n, raw in enumerate(lines, start=1):
        if raw.isascii():
            continue
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            first_other = first_other or n
        else:
            text = unicodedata.normalize("NFC", text)
            # Every non-ASCII character a Vietnamese letter: legacy bytes are almost
            # never valid UTF-8, and never all decode to Vietnamese letters.
            if _vietnamese_score(text) == 1.0:
                first_utf8 = first_utf8 or n
        if first_utf8 and first_other:
            return first_utf8, first_other
    return None


def _line_at(path: Path, offset: int) -> int:
    """Line number of the byte at ``offset`` (read a few MB at a time)."""
    lines = 1
    with path.open("rb") as fh:
        while offset > 0:
            chunk = fh.read(min(offset, 4 * 1024 * 1024))
            if not chunk:
                break
            lines += chunk.count(b"\n")
            offset -= len(chunk)
    return lines


def _refuse_mixed(utf8_line: int, other_line: int) -> None:
    raise LoadError(
        _(
            "Tệp lẫn bảng mã: dòng %(utf8)d viết bằng UTF-8 nhưng dòng %(other)d dùng "
            "bảng mã khác. Hãy lưu lại toàn bộ tệp bằng một bảng mã (UTF-8)."
        )
        % {"utf8": utf8_line, "other": other_line},
        line=max(utf8_line, other_line),
    )


# UTF-8 bytes of Vietnamese letters: ạ…ỹ (U+1EA0–U+1EF9), ă Ă đ Đ ĩ Ĩ ũ Ũ ơ Ơ ư Ư, and the
# Latin-1 vowels with an accent (à á â ã è é ê ì í ò ó ô õ ù ú ý and capitals). In a
# Windows-1258 (or -1252) file these byte pairs would be "á»", "Ă" or "Ä" followed by a
# symbol (€ ‚ ƒ curly quotes, NBSP…): Vietnamese text never has them (ă never ends a
# syllable; tone marks are bytes \xcc \xd2 \xde \xec \xf2), so they mean UTF-8 lines.
_UTF8_VIETNAMESE = re.compile(
    rb"\xe1[\xba\xbb][\x80-\xbf]"
    rb"|\xc3[\x80-\x83\x88-\x8a\x8c\x8d\x92-\x95\x99\x9a\x9d"
    rb"\xa0-\xa3\xa8-\xaa\xac\xad\xb2-\xb5\xb9\xba\xbd]"
    rb"|\xc4[\x82\x83\x90\x91\xa8\xa9]|\xc5[\xa8\xa9]|\xc6[\xa0\xa1\xaf\xb0]"
)
# Bytes one of them must hold, rare in Windows-1258 Vietnamese (Ă Ä Å Æ º »), found with
# bytes.find (memchr, many GB/s); the regular expression (about 200 MB/s) then runs from
# the first of them only ("á", \xe1, is common there, so it is not searched for).
_UTF8_VIETNAMESE_MARKS = (b"\xc3", b"\xc4", b"\xc5", b"\xc6", b"\xba", b"\xbb")
_GUARD_CARRY = 64 * 1024  # at most this much of a line is kept between two chunks


def single_byte_legacy(encoding: str) -> bool:
    """True for a one-byte-per-character legacy codec (Windows-1258, -1252, Latin-1…),
    where UTF-8 lines would decode silently into mojibake ("Huế" → "Huáº¿")."""
    try:
        info = codecs.lookup(encoding)
        if info.name.startswith("utf"):
            return False
        high = info.incrementaldecoder(errors="replace").decode(bytes(range(0x80, 0x100)))
    except (LookupError, UnicodeError):
        return False
    return len(high) == 128


class Utf8Guard:
    """Refuse, as *mixed encodings*, a file decoded with a single-byte legacy encoding
    that has lines of Vietnamese written in UTF-8 after the part that chose the encoding
    (two exports joined). Fed the raw bytes as they are read: one ``re.search`` per
    chunk; a hit is confirmed on its whole line (valid UTF-8, mostly Vietnamese letters)."""

    def __init__(self, path: Path, encoding: str) -> None:
        self.path = path
        self.encoding = encoding
        self.offset = 0  # file offset of ``carry``
        self.carry = b""  # the last, unfinished line of the previous chunk

    def feed(self, chunk: bytes | memoryview) -> None:
        if not chunk:
            self.finish()
            return
        data = self.carry + chunk if self.carry else bytes(chunk)
        end = max(data.rfind(b"\n"), data.rfind(b"\r")) + 1
        keep = end
        if len(data) - end > _GUARD_CARRY:  # a very long line: scan it as it is, and
            end = len(data)  # keep its end, scanned again with the next chunk
            keep = end - _GUARD_CARRY
        if end:
            self._scan(data, end)
        self.offset += keep
        self.carry = data[keep:]

    def finish(self) -> None:
        if self.carry:
            self._scan(self.carry, len(self.carry))
            self.offset += len(self.carry)
            self.carry = b""

    def _scan(self, data: bytes, end: int) -> None:
        m = self._search(data, 0, end)
        while m is not None:
            start = max(data.rfind(b"\n", 0, m.start()), data.rfind(b"\r", 0, m.start())) + 1
            stops = [i for eol in (b"\n", b"\r") if (i := data.find(eol, m.end(), end)) >= 0]
            stop = min(stops, default=end)
            if self._utf8_line(data[start:stop]):
                self._refuse(self.offset + m.start())
            m = self._search(data, stop, end)

    @staticmethod
    def _search(data: bytes, pos: int, end: int) -> re.Match[bytes] | None:
        found = [i for mark in _UTF8_VIETNAMESE_MARKS if (i := data.find(mark, pos, end)) >= 0]
        if not found:
            return None
        return _UTF8_VIETNAMESE.search(data, max(pos, min(found) - 1), end)

    @staticmethod
    def _utf8_line(raw: bytes) -> bool:
        try:
            # final=False: a line cut at the start of a kept tail may end mid-character
            text, _n = codecs.utf_8_decode(raw.lstrip(bytes(range(0x80, 0xC0))), "strict", False)
        except UnicodeDecodeError:
            return False
        return _vietnamese_score(text) >= 0.5

    def _refuse(self, offset: int) -> None:
        utf8_line = _line_at(self.path, offset)
        bad = _first_invalid_utf8(self.path)  # the first line in the legacy encoding
        if bad is None:  # all of it is UTF-8: the publisher chose the legacy encoding
            raise LoadError(
                _(
                    "Tệp viết bằng UTF-8 (dòng %(line)d) nhưng được đọc bằng bảng mã "
                    "%(enc)s: hãy chọn bảng mã UTF-8 hoặc để hệ thống tự nhận diện."
                )
                % {"line": utf8_line, "enc": self.encoding},
                line=utf8_line,
            )
        _refuse_mixed(utf8_line, _line_at(self.path, bad))


class _GuardedFile(io.RawIOBase):
    """A raw file whose bytes go through a :class:`Utf8Guard` as they are read."""

    def __init__(self, path: Path, encoding: str) -> None:
        self._fh = path.open("rb", buffering=0)
        self._guard = Utf8Guard(path, encoding)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        n = self._fh.readinto(buffer) or 0
        with memoryview(buffer) as view:
            self._guard.feed(view[:n])
        return n

    def close(self) -> None:
        self._fh.close()
        super().close()


def detect_encoding(path: Path) -> str:
    """Pick the codec for a text file (see docs/datastore.md for the order of checks)."""
    with path.open("rb") as fh:
        sample = fh.read(SAMPLE_BYTES)
    if not sample:
        raise LoadError(_("Tệp rỗng (0 byte): không có dữ liệu để nạp."))
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    utf16 = _utf16_without_bom(sample)
    if utf16:
        return utf16
    _refuse_stray_nul(sample)
    if _looks_binary(sample):
        raise LoadError(
            _(
                "Tệp không phải văn bản (có byte nhị phân): có thể là tệp Excel, ảnh hoặc tệp nén bị đặt tên .csv."
            )
        )
    try:
        sample.decode("utf-8")
        sample_is_utf8 = True
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the end of the sample is still UTF-8.
        sample_is_utf8 = exc.start >= len(sample) - 3 and exc.reason == "unexpected end of data"
    bad_offset = _first_invalid_utf8(path) if sample_is_utf8 else 0
    if sample_is_utf8 and bad_offset is None:
        return "utf-8"
    if sample_is_utf8 and bad_offset and not sample.isascii():
        line = _line_at(path, bad_offset)
        raise LoadError(
            _(
                "Tệp lẫn bảng mã: phần đầu là UTF-8 nhưng dòng %(line)d có byte không hợp lệ với UTF-8. "
                "Hãy lưu lại toàn bộ tệp bằng một bảng mã (UTF-8)."
            )
            % {"line": line},
            line=line,
        )
    start = 0
    if bad_offset:  # ASCII at the start: judge the legacy encoding where it begins
        start = max(0, bad_offset - 1024)
        with path.open("rb") as fh:
            fh.seek(start)
            sample = fh.read(SAMPLE_BYTES)
        _refuse_stray_nul(sample)
    mixed = _mixed_in_sample(sample, full=len(sample) >= SAMPLE_BYTES)
    if mixed:
        base = _line_at(path, start) - 1 if start else 0
        _refuse_mixed(mixed[0] + base, mixed[1] + base)
    _first_nul(path)
    font = _legacy_font_encoding(sample)
    if font:
        raise LoadError(
            _(
                "Tệp có vẻ dùng bảng mã %(font)s (phông chữ cũ), chưa được hỗ trợ. "
                "Hãy chuyển sang Unicode (UTF-8), ví dụ bằng Unikey → Công cụ chuyển mã."
            )
            % {"font": font}
        )
    # Legacy encodings: prefer the one that yields Vietnamese letters.
    candidates: dict[str, float] = {}
    for enc in ("cp1258", "cp1252"):
        try:
            candidates[enc] = _vietnamese_score(sample.decode(enc))
        except UnicodeDecodeError:
            continue
    guess = from_bytes(sample).best()
    if guess is not None and guess.encoding not in candidates:
        with contextlib.suppress(UnicodeDecodeError, LookupError):
            candidates[guess.encoding] = _vietnamese_score(sample.decode(guess.encoding))
    if not candidates:
        raise LoadError(_("Không nhận ra bảng mã của tệp. Hãy lưu lại tệp dưới dạng CSV UTF-8."))
    best = max(candidates, key=lambda k: candidates[k])
    if candidates[best] >= 0.5:
        return best
    if guess is not None:
        return guess.encoding
    return best


def open_text(path: Path, encoding: str, *, guard: bool = False) -> io.TextIOWrapper:
    """The file decoded strictly; with ``guard`` (a single-byte legacy encoding), UTF-8
    lines of Vietnamese met while reading are refused as mixed encodings."""
    if guard:
        buffer = io.BufferedReader(_GuardedFile(path, encoding), buffer_size=1 << 20)
        return io.TextIOWrapper(buffer, encoding=encoding, errors="strict", newline="")
    return io.TextIOWrapper(path.open("rb"), encoding=encoding, errors="strict", newline="")


def _clean_line(line: str) -> str:
    line = unicodedata.normalize("NFC", line)
    # A byte order mark inside the file (files joined together) is invisible noise.
    return line.replace("\ufeff", "") if "\ufeff" in line else line


def nfc_lines(fh: io.TextIOWrapper) -> Iterator[str]:
    """Lines in NFC (cp1258 decodes tone marks as combining characters), without byte
    order marks left inside the file."""
    return map(_clean_line, fh)


def sniff_delimiter(path: Path, encoding: str, *, prefer: str | None = None) -> str:
    """The delimiter that gives the most rows of the same width (> 1 column)."""
    with open_text(path, encoding) as fh:
        try:
            text = fh.read(SAMPLE_BYTES)
        except UnicodeDecodeError as exc:
            raise LoadError(
                _("Tệp có byte không hợp lệ với bảng mã %(enc)s.") % {"enc": encoding}
            ) from exc
    lines = text.splitlines()[:200]
    if len(text) >= SAMPLE_BYTES and len(lines) > 1:
        lines = lines[:-1]  # the last line may be cut
    best, best_score = prefer or ",", -1.0
    for delim in DELIMITERS:
        try:
            rows = list(csv.reader(lines, delimiter=delim))
        except csv.Error:
            continue
        widths = Counter(len(r) for r in rows if any(c.strip() for c in r))
        if not widths:
            continue
        width, count = widths.most_common(1)[0]
        if width < 2:
            continue
        score = count * (1 + min(width, 50) / 100) + (0.5 if delim == prefer else 0)
        if score > best_score:
            best, best_score = delim, score
    return best
