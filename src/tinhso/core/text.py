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


# Vietnamese alphabetical order (a ă â b c d đ e ê … o ô ơ … u ư …; f j w z in their Latin
# places), then the tones: none, huyền, hỏi, ngã, sắc, nặng.
_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_LETTER_RANK = {ch: chr(0x100 + i) for i, ch in enumerate(_ALPHABET)}
_TONES = ("\u0300", "\u0309", "\u0303", "\u0301", "\u0323")


def sort_key_vi(text: str) -> tuple[str, tuple[int, ...], str]:
    """Key sorting Vietnamese text in dictionary order ("Hà Long" before "Hoằng Hóa",
    "Đào" after every "D…"), where code-point order puts "Hà" after "Ho" and "Đ" after "T"."""
    letters: list[str] = []
    tones: list[int] = []
    for ch in nfc(text).casefold():
        parts = unicodedata.normalize("NFD", ch)
        tone = next((i + 1 for i, mark in enumerate(_TONES) if mark in parts), 0)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in _TONES))
        letters.append(_LETTER_RANK.get(base, base))
        tones.append(tone)
    return "".join(letters), tuple(tones), text


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
