"""Structural accessibility check of the main pages (always runs, no browser needed)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.a11y.htmlcheck import check, parse
from tests.a11y.pages import Page, pages, seed

PAGES = pages()


def render(client: Client, page: Page, tree: Any) -> str:
    if page.user != "anonymous":
        client.force_login(getattr(tree, page.user))
    url = page.url(tree.commune_a.code, **seed(tree))
    response = client.post(url, page.post) if page.post else client.get(url)
    assert response.status_code == page.status, f"{url}: HTTP {response.status_code}"
    return response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_page_passes_structural_accessibility_check(
    client: Client, agency_tree, page: Page
) -> None:
    html = render(client, page, agency_tree)
    problems = check(html, lang=page.lang)
    assert problems == [], f"{page.name}: " + "; ".join(problems)


@pytest.mark.django_db
def test_form_errors_are_linked_to_their_fields(client: Client, agency_tree) -> None:
    page = next(p for p in PAGES if p.name == "password-reset-errors")
    root = parse(render(client, page, agency_tree))
    email = next(n for n in root.iter() if n.tag == "input" and n.attrs.get("name") == "email")
    assert email.attrs.get("aria-invalid") == "true"
    described = email.attrs.get("aria-describedby", "").split()
    error_id = f"{email.attrs['id']}_error"
    assert error_id in described
    error = next(n for n in root.iter() if n.attrs.get("id") == error_id)
    assert error.text_content()
    summary = next(n for n in root.iter() if "error-summary" in n.attrs.get("class", ""))
    assert any(
        a.attrs.get("href") == f"#{email.attrs['id']}" for a in summary.iter() if a.tag == "a"
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "target", "hreflang"),
    [
        ("/co-quan/?q=x", "/en/co-quan/?q=x", "en"),
        ("/en/co-quan/?q=x", "/co-quan/?q=x", "vi"),
        ("/en/", "/", "vi"),
    ],
)
def test_language_switch_is_a_plain_link_to_the_same_page(
    client: Client, path: str, target: str, hreflang: str
) -> None:
    root = parse(client.get(path).content.decode())
    switch = [n for n in root.iter() if n.tag == "a" and n.attrs.get("hreflang") == hreflang]
    assert [n.attrs["href"] for n in switch] == [target]
    assert switch[0].attrs.get("lang") == hreflang


@pytest.mark.django_db
def test_language_switch_never_links_off_site(client: Client) -> None:
    root = parse(client.get("/en//evil.example/").content.decode())
    hrefs = [
        n.attrs["href"] for n in root.iter() if n.tag == "a" and n.attrs.get("hreflang") == "vi"
    ]
    assert hrefs == ["/"]


@pytest.mark.django_db
def test_english_pages_are_in_english(client: Client) -> None:
    html = client.get("/en/").content.decode()
    assert '<html lang="en">' in html
    assert "Skip to main content" in html
    assert "Bỏ qua, đến nội dung chính" not in html


# The checker itself must catch each kind of mistake, or the tests above prove nothing.
GOOD = (
    '<!doctype html><html lang="vi"><head><title>T</title><link rel="stylesheet" href="/s.css"></head>'
    '<body><a href="#main">Bỏ qua</a><main id="main"><h1>Tiêu đề</h1>{extra}</main></body></html>'
)


def test_checker_accepts_a_good_page() -> None:
    assert check(GOOD.format(extra=""), lang="vi") == []


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        (GOOD.replace('lang="vi"', ""), "no lang attribute"),
        (GOOD, "does not match"),
        (GOOD.format(extra="<h1>Hai</h1>"), "exactly one <h1>"),
        (GOOD.replace("<h1>Tiêu đề</h1>", "{extra}"), "exactly one <h1>"),
        (GOOD.replace('href="#main"', 'href="#khong-co"'), "skip link target"),
        (GOOD.replace('<a href="#main">Bỏ qua</a>', ""), "not a skip link"),
        (GOOD.format(extra='<input name="q">'), "has no label"),
        (GOOD.format(extra='<select name="s"></select>'), "has no label"),
        (GOOD.format(extra='<img src="/a.png">'), "has no alt"),
        (
            GOOD.format(extra='<input id="q" aria-describedby="q-help" aria-label="Q">'),
            "missing id",
        ),
        (GOOD.format(extra='<p id="main">x</p>'), "used 2 times"),
        (GOOD.format(extra="<table><tr><td>1</td></tr></table>"), "no header cells"),
        (GOOD.format(extra='<script src="https://cdn.example/x.js"></script>'), "external script"),
        (GOOD.replace('href="/s.css"', 'href="//fonts.example/f.css"'), "external asset"),
        (GOOD.format(extra='<img src="http://cdn.example/a.png" alt="">'), "external image"),
        (GOOD.format(extra='<a href="/x"></a>'), "has no text"),
    ],
)
def test_checker_reports_each_problem(html: str, expected: str) -> None:
    lang = "en" if expected == "does not match" else "vi"
    problems = check(html.replace("{extra}", ""), lang=lang)
    assert any(expected in p for p in problems), problems
