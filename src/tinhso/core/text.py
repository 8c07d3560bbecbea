"""Vietnamese text helpers: NFC normalisation, diacritics folding, slugs."""

from __future__ import annotations

import re
import unicodedata

_FOLD_EXTRA = str.maketrans({"đ": "d", "Đ": "D", "ð": "d", "Ð": "D"})
_NON_SLUG = re.compile(r"[^a-z0-9]+")
_SPACES = re.compile(r"\s+")


def nfc(text: str) -> str:
    """Return ``text`` in Unicode NFC, the form tinhso stores."""
    return unicodedata.normalize("NFC", text)


def clean_text(text: str) -> str:
    """NFC, trimmed, inner whitespace collapsed to one space."""
    return _SPACES.sub(" ", nfc(text)).strip()


def fold(text: str) -> str:
    """Search key: lower case, no diacritics, đ→d ("Đà Nẵng" → "da nang")."""
    decomposed = unicodedata.normalize("NFD", text.translate(_FOLD_EXTRA))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped.casefold()).strip()


def slugify_vi(text: str, *, max_length: int = 100) -> str:
    """ASCII slug of Vietnamese text ("Dân số Thanh Hóa" → "dan-so-thanh-hoa")."""
    slug = _NON_SLUG.sub("-", fold(text)).strip("-")
    return slug[:max_length].rstrip("-")


def code_is_plausible(code: str, *, max_length: int = 60) -> bool:
    """Whether ``code`` could be a record code (dossier, procedure…): printable, at most
    ``max_length`` characters, valid Unicode. Anything else (a NUL, a lone surrogate, a
    page of text) is not looked up: PostgreSQL would refuse the query."""
    text = (code or "").strip()
    if not 0 < len(text) <= max_length or not text.isprintable():
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
