"""The English catalogue is complete and its compiled .mo matches the .po."""

from __future__ import annotations

import ast
import gettext
import re
from pathlib import Path

import pytest
from django.test import Client

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


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "heading"),
    [
        ("/en/du-lieu/", "Open data"),
        ("/en/thu-tuc/", "Administrative procedures"),
        ("/en/ho-so/", "One-stop dossiers"),
        ("/en/ho-so/tra-cuu/", "Track a dossier"),
        ("/en/chi-so/", "digital transformation indicators"),
        ("/en/danh-gia/", "Digital transformation assessment"),
        ("/en/tai-khoan/dang-ky/", "Citizen account registration"),
    ],
)
def test_module_pages_under_en_are_in_english(client: Client, path: str, heading: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    h1 = re.search(r"<h1[^>]*>(.*?)</h1>", response.content.decode(), re.S)
    assert h1 is not None and heading in h1.group(1)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "detail"),
    [("en", "There is no procedure with code 0.000000."), ("vi", "Không có thủ tục mã 0.000000.")],
)
def test_api_errors_follow_accept_language(client: Client, language: str, detail: str) -> None:
    response = client.get("/api/v1/procedures/0.000000", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 404
    assert response.json() == {"detail": detail}


@pytest.mark.django_db
def test_ckan_api_errors_follow_accept_language(client: Client) -> None:
    response = client.get(
        "/api/3/action/package_show", {"id": "khong-co"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 404
    assert response.json()["error"]["message"] == "Not found: Dataset “khong-co” not found."
