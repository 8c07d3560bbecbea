"""Docs are part of the change: every setting, command and endpoint must be documented."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tinhso.config import SETTINGS

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
DOCS = ROOT / "docs"
DEPLOYMENT = DOCS / "deployment.md"
API = DOCS / "api.md"
COMMANDS = sorted(
    p.stem
    for p in (ROOT / "src" / "tinhso").glob("*/management/commands/*.py")
    if not p.stem.startswith("_")
)


def all_docs_text() -> str:
    files = [README, *sorted(DOCS.rglob("*.md"))]
    return "\n".join(f.read_text(encoding="utf-8") for f in files)


def setting_rows() -> dict[str, str]:
    rows: dict[str, str] = {}
    for line in DEPLOYMENT.read_text(encoding="utf-8").splitlines():
        match = re.match(r"\|\s*`([A-Z0-9_]+)`\s*\|", line)
        if match:
            rows[match.group(1)] = line
    return rows


@pytest.mark.parametrize("name", sorted(SETTINGS))
def test_every_setting_is_documented_in_deployment_md(name: str) -> None:
    rows = setting_rows()
    assert name in rows, f"docs/deployment.md has no table row for the setting {name}"
    default = SETTINGS[name].default
    cells = [c.strip() for c in rows[name].strip("|").split("|")]
    assert len(cells) >= 3 and cells[2], f"{name}: the row needs a default and a meaning"
    expected = f"`{default}`" if default else "*(empty)*"
    assert cells[1] == expected, f"{name}: documented default {cells[1]!r}, actual {expected!r}"


def test_commands_are_found() -> None:
    # Guards the test below against a glob that silently matches nothing.
    assert {"demo", "serve", "worker", "token", "audit", "load_admin_units"} <= set(COMMANDS)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_management_command_is_documented(command: str) -> None:
    assert f"tinhso {command}" in all_docs_text(), (
        f"management command {command!r} is not documented as `tinhso {command}` "
        "in README.md or docs/"
    )


def test_readme_opens_with_the_two_commands() -> None:
    lines = README.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("# ")
    body = [line for line in lines[1:] if line.strip()]
    assert not body[0].startswith(("```", "#")), "one sentence must follow the title"
    assert body[1:5] == ["```sh", "make demo", "make test", "```"]


@pytest.mark.django_db
def test_every_native_api_endpoint_is_documented_in_api_md() -> None:
    from tinhso.api import api

    text = API.read_text(encoding="utf-8")
    paths = list(api.get_openapi_schema()["paths"])
    assert paths
    for path in paths:
        assert f"`GET {path}`" in text or f"{path}`" in text, f"{path} is missing from docs/api.md"


def test_relative_links_in_docs_resolve() -> None:
    for doc in [README, *sorted(DOCS.rglob("*.md"))]:
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", doc.read_text(encoding="utf-8")):
            if re.match(r"^[a-z]+:", target):
                continue
            assert (doc.parent / target).exists(), f"{doc.relative_to(ROOT)}: broken link {target}"
