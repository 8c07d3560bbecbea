"""The English catalogue is complete and its compiled .mo matches the .po."""

from __future__ import annotations

import ast
import gettext
from pathlib import Path

LOCALE = Path(__file__).resolve().parent.parent / "src" / "tinhso" / "locale" / "en" / "LC_MESSAGES"


def parse_po(text: str) -> list[dict[str, object]]:
    """Entries of a .po file: msgctxt, msgid, msgid_plural, msgstr / msgstr[n], flags."""
    entries: list[dict[str, object]] = []
    entry: dict[str, object] = {}
    key = ""
    for line in [*text.splitlines(), ""]:
        line = line.strip()
        if not line:
            if "msgid" in entry:
                entries.append(entry)
            entry, key = {}, ""
        elif line.startswith("#,"):
            entry["flags"] = {f.strip() for f in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            entry[key] = str(entry[key]) + ast.literal_eval(line)
        else:
            key, _, value = line.partition(" ")
            entry[key] = ast.literal_eval(value)
    return entries


def test_every_message_has_an_english_translation() -> None:
    entries = parse_po((LOCALE / "django.po").read_text(encoding="utf-8"))
    assert len(entries) > 100
    untranslated = [
        e["msgid"]
        for e in entries
        if e["msgid"]
        and (
            "fuzzy" in e.get("flags", set())
            or not all(v for k, v in e.items() if k.startswith("msgstr"))
        )  # type: ignore[operator]
    ]
    assert untranslated == [], f"{len(untranslated)} untranslated, e.g. {untranslated[:5]}"


def test_compiled_catalogue_matches_the_po_file() -> None:
    with (LOCALE / "django.mo").open("rb") as f:
        catalogue = gettext.GNUTranslations(f)
    for e in parse_po((LOCALE / "django.po").read_text(encoding="utf-8")):
        msgid = str(e["msgid"])
        if not msgid or "msgid_plural" in e:
            continue
        if "msgctxt" in e:
            got = catalogue.pgettext(str(e["msgctxt"]), msgid)
        else:
            got = catalogue.gettext(msgid)
        assert got == e["msgstr"], f"django.mo is stale for {msgid!r}: run `make messages`"


def test_parser_reads_multiline_and_plural_entries() -> None:
    sample = (
        'msgid ""\nmsgstr ""\n"Language: en\\n"\n\n'
        '#, python-format\nmsgid "Một "\n"hai"\nmsgstr "One "\n"two"\n\n'
        'msgid "%(n)s cái"\nmsgid_plural "%(n)s cái"\nmsgstr[0] "%(n)s thing"\nmsgstr[1] ""\n'
    )
    entries = parse_po(sample)
    assert entries[1] == {"flags": {"python-format"}, "msgid": "Một hai", "msgstr": "One two"}
    assert entries[2]["msgstr[1]"] == ""
