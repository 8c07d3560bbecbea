"""A small structural accessibility check on rendered HTML (standard library only).

It does not replace a browser-based checker (see ``test_axe.py``); it always runs, is
fast, and catches the mistakes templates make most often: a missing or wrong
``<html lang>``, zero or several ``<h1>``, a skip link to nowhere, an unlabelled form
control, an image without ``alt``, a broken ``aria-*`` reference, duplicate ids, a table
without header cells, or an asset loaded from another site.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
    "track", "wbr",
}  # fmt: skip
UNLABELLED_INPUT_TYPES = {"hidden", "submit", "button", "reset", "image"}
NON_ASSET_LINK_RELS = {"alternate", "canonical", "next", "prev", "author", "license", "help"}


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    parent: Node | None = None
    children: list[Node] = field(default_factory=list)
    text: list[str] = field(default_factory=list)

    def iter(self) -> list[Node]:
        found: list[Node] = []
        stack = list(reversed(self.children))
        while stack:
            node = stack.pop()
            found.append(node)
            stack.extend(reversed(node.children))
        return found

    def ancestors(self) -> list[Node]:
        result: list[Node] = []
        node = self.parent
        while node is not None:
            result.append(node)
            node = node.parent
        return result

    def text_content(self) -> str:
        parts = list(self.text)
        for child in self.children:
            parts.append(child.text_content())
        return " ".join(p.strip() for p in parts if p.strip())


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.current = self.root

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: (v or "") for k, v in attrs}, parent=self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: (v or "") for k, v in attrs}, parent=self.current)
        self.current.children.append(node)

    def handle_endtag(self, tag: str) -> None:
        node: Node | None = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data: str) -> None:
        self.current.text.append(data)


def parse(html: str) -> Node:
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


def _is_external(url: str) -> bool:
    url = url.strip().lower()
    return url.startswith(("http://", "https://", "//"))


def _accessible_text(node: Node) -> str:
    if node.attrs.get("aria-label", "").strip():
        return node.attrs["aria-label"].strip()
    if node.attrs.get("aria-labelledby", "").strip():
        return node.attrs["aria-labelledby"].strip()  # resolved separately
    alts = [n.attrs.get("alt", "") for n in node.iter() if n.tag == "img"]
    return " ".join([node.text_content(), *alts]).strip()


def check(html: str, *, lang: str) -> list[str]:
    """Problems found in ``html``, which should be a page in language ``lang``."""
    root = parse(html)
    nodes = root.iter()
    problems: list[str] = []
    ids: dict[str, int] = {}
    for n in nodes:
        if "id" in n.attrs:
            ids[n.attrs["id"]] = ids.get(n.attrs["id"], 0) + 1

    html_nodes = [n for n in nodes if n.tag == "html"]
    page_lang = html_nodes[0].attrs.get("lang", "") if html_nodes else ""
    if not page_lang:
        problems.append("<html> has no lang attribute")
    elif page_lang.split("-")[0].lower() != lang:
        problems.append(f'<html lang="{page_lang}"> does not match the page language {lang!r}')

    titles = [n for n in nodes if n.tag == "title"]
    if not titles or not titles[0].text_content():
        problems.append("the page has no <title>")

    h1s = [n for n in nodes if n.tag == "h1"]
    if len(h1s) != 1:
        problems.append(f"expected exactly one <h1>, found {len(h1s)}")
    elif not h1s[0].text_content():
        problems.append("the <h1> is empty")

    mains = [n for n in nodes if n.tag == "main"]
    if len(mains) != 1:
        problems.append(f"expected exactly one <main>, found {len(mains)}")

    body = next((n for n in nodes if n.tag == "body"), None)
    first_link = next((n for n in body.iter() if n.tag == "a"), None) if body else None
    if first_link is None or not first_link.attrs.get("href", "").startswith("#"):
        problems.append("the first link of the page is not a skip link (href=#…)")
    elif first_link.attrs["href"][1:] not in ids:
        problems.append(f"skip link target {first_link.attrs['href']!r} does not exist")

    for name, count in ids.items():
        if count > 1:
            problems.append(f"id {name!r} is used {count} times")

    label_for = {n.attrs.get("for", "") for n in nodes if n.tag == "label"}
    for n in nodes:
        if n.tag in {"input", "select", "textarea"}:
            if n.tag == "input" and n.attrs.get("type", "text").lower() in UNLABELLED_INPUT_TYPES:
                continue
            labelled = (
                (n.attrs.get("id") and n.attrs["id"] in label_for)
                or any(a.tag == "label" for a in n.ancestors())
                or n.attrs.get("aria-label", "").strip()
                or n.attrs.get("aria-labelledby", "").strip()
            )
            if not labelled:
                problems.append(f"<{n.tag} name={n.attrs.get('name', '')!r}> has no label")
        if n.tag == "img" and "alt" not in n.attrs:
            problems.append(f"<img src={n.attrs.get('src', '')!r}> has no alt attribute")
        for attr in ("aria-describedby", "aria-labelledby", "aria-controls"):
            for ref in n.attrs.get(attr, "").split():
                if ref not in ids:
                    problems.append(f"<{n.tag}> {attr} refers to missing id {ref!r}")
        if n.tag == "a" and "href" in n.attrs and not _accessible_text(n):
            problems.append(f"link to {n.attrs['href']!r} has no text")
        if n.tag == "button" and not _accessible_text(n):
            problems.append("a <button> has no text")
        if n.tag == "table" and not any(c.tag == "th" for c in n.iter()):
            problems.append("a <table> has no header cells (<th>)")
        if n.tag == "script" and _is_external(n.attrs.get("src", "")):
            problems.append(f"external script {n.attrs['src']!r}")
        if n.tag == "img" and _is_external(n.attrs.get("src", "")):
            problems.append(f"external image {n.attrs['src']!r}")
        if n.tag == "link" and _is_external(n.attrs.get("href", "")):
            rels = set(n.attrs.get("rel", "").lower().split())
            if not rels or not rels <= NON_ASSET_LINK_RELS:
                problems.append(f"external asset {n.attrs['href']!r} (rel={n.attrs.get('rel')!r})")
    return problems
