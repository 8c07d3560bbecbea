"""Markdown → sanitised HTML for dataset, organization and group descriptions.

Publishers write Markdown; re-users read HTML. The HTML produced by ``markdown`` is passed
through ``nh3`` (the Rust ``ammonia`` sanitiser) with an allow-list: no ``<script>``, no
``on*`` handlers, no ``style``, no ``javascript:``/``data:`` URLs; links get
``rel="nofollow noopener"`` so user-written links pass no reputation and no ``window.opener``.
"""

from __future__ import annotations

import html as html_lib

import markdown as md
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS: frozenset[str] = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "dl", "dt", "em",
        "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "li", "ol", "p", "pre", "s",
        "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {
    "a": {"href", "title", "hreflang"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "ol": {"start"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "align", "scope"},
}
URL_SCHEMES: frozenset[str] = frozenset({"http", "https", "mailto"})
# Tags whose content must disappear with them (not only the tag).
CLEAN_CONTENT_TAGS: frozenset[str] = frozenset({"script", "style", "iframe", "object", "template"})
MARKDOWN_EXTENSIONS = ("extra", "sane_lists")


def sanitize_html(html: str) -> str:
    """Clean an HTML fragment with the catalog's allow-list."""
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(CLEAN_CONTENT_TAGS),
        attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel="nofollow noopener",
        strip_comments=True,
    )


def render_markdown(text: str) -> SafeString:
    """Render user Markdown to HTML that is safe to insert into a page.

    Raw HTML inside the Markdown is allowed by the Markdown parser but then goes through
    the same sanitiser, so only the allow-listed tags and attributes survive.
    Headings start at ``<h2>``: the page title is the only ``<h1>``.
    """
    if not text or not text.strip():
        return mark_safe("")
    html = md.markdown(text, extensions=list(MARKDOWN_EXTENSIONS), output_format="html")
    html = html.replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    return mark_safe(sanitize_html(html))  # noqa: S308 - sanitised by nh3 above


def markdown_excerpt(text: str, *, length: int = 240) -> str:
    """Plain-text excerpt of Markdown for result lists and feeds (no HTML at all)."""
    html = md.markdown(text or "", extensions=list(MARKDOWN_EXTENSIONS))
    plain = nh3.clean(html, tags=set(), clean_content_tags=set(CLEAN_CONTENT_TAGS))
    plain = " ".join(html_lib.unescape(plain).split())
    if len(plain) <= length:
        return plain
    cut = plain[:length].rsplit(" ", 1)[0]
    return cut + "…"
