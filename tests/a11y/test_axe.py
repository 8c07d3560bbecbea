"""axe-core in headless Chromium over the main pages, served by a live server.

Runs when Chromium is installed (``/usr/bin/chromium``, or the path in
``TINHSO_CHROMIUM``); otherwise the tests are skipped with the reason. Every page is
checked at a phone width and a desktop width against WCAG 2.0/2.1 A and AA plus axe's
best practices; violations of impact "serious" or "critical" fail the test, milder
ones are printed.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from tests.a11y.chromium import Browser, find_chromium
from tests.a11y.pages import Page, pages, seed

AXE_JS = Path(__file__).with_name("vendor") / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
FAILING_IMPACTS = {"serious", "critical"}
VIEWPORTS = {"phone": (390, 844), "desktop": (1280, 900)}
PAGES = pages()

RUN_AXE = """
axe.run(document, {runOnly: {type: "tag", values: %s}, resultTypes: ["violations"]})
  .then(r => JSON.stringify(r.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => n.target.join(" ") + " — " + (n.failureSummary || "").replace(/\\s+/g, " "))
  }))))
"""

SUBMIT_FORM = """
(() => {
  const form = document.querySelector("main form[method=post]");
  const data = %s;
  for (const [name, value] of Object.entries(data)) form.elements[name].value = value;
  window.__tinhsoLoaded = false;
  form.submit();
  return true;
})()
"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    executable = find_chromium()
    if executable is None:
        pytest.skip(
            "axe check skipped: Chromium not found (install the Debian package 'chromium' "
            "or set TINHSO_CHROMIUM); the structural check in test_structure.py still ran"
        )
    chromium = Browser(executable)
    try:
        yield chromium
    finally:
        chromium.close()


def violations(browser: Browser) -> list[dict[str, Any]]:
    if not browser.evaluate("typeof window.axe !== 'undefined'"):
        browser.evaluate(AXE_JS.read_text(encoding="utf-8"))
    result = browser.evaluate(RUN_AXE % json.dumps(TAGS), await_promise=True)
    found: list[dict[str, Any]] = json.loads(result)
    return found


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_page_has_no_serious_axe_violations(
    browser: Browser, live_server: Any, agency_tree: Any, page: Page
) -> None:
    base = live_server.url
    names = seed(agency_tree)
    browser.clear_cookies()
    if page.user != "anonymous":
        client = Client()
        client.force_login(getattr(agency_tree, page.user))
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        browser.set_cookie(url=base, name=settings.SESSION_COOKIE_NAME, value=session)
    report: list[str] = []
    failures: list[str] = []
    for viewport, (width, height) in VIEWPORTS.items():
        browser.page(
            "Emulation.setDeviceMetricsOverride",
            {
                "width": width,
                "height": height,
                "deviceScaleFactor": 1,
                "mobile": viewport == "phone",
            },
        )
        browser.open(base + page.url(agency_tree.commune_a.code, **names))
        if page.post:
            browser.evaluate(SUBMIT_FORM % json.dumps(page.post))
            browser.wait_for(
                "window.__tinhsoLoaded === undefined && document.readyState === 'complete'"
            )
            assert browser.evaluate("document.querySelector('.error-summary') !== null"), (
                "no error state"
            )
        assert browser.evaluate("document.documentElement.lang") == page.lang
        for v in violations(browser):
            line = f"[{viewport}] {v['impact']}: {v['id']} ({v['help']}): " + " | ".join(
                v["nodes"][:5]
            )
            (failures if v["impact"] in FAILING_IMPACTS else report).append(line)
    for line in report:
        print(f"{page.name}: {line}")
    assert failures == [], f"{page.name}:\n" + "\n".join(failures)


def test_axe_harness_reports_a_known_violation(browser: Browser) -> None:
    # Guards against a harness that silently checks nothing (e.g. axe not injected).
    browser.open(
        'data:text/html,<html lang="vi"><title>x</title><main><h1>x</h1><img src="a.png"></main>'
    )
    assert "image-alt" in {v["id"] for v in violations(browser)}
