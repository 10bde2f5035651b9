"""The web desk's fixtures: a real ``auction-flow serve`` per test module (and per database) and
Debian's Chromium driven by Playwright (one browser per module)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from webkit import CHROMIUM, PASSWORD, Served, build_province


@pytest.fixture(scope="module", params=["sqlite", "postgresql"] if os.environ.get("AUCTION_FLOW_TEST_PG")
                else ["sqlite"])
def served(request, new_database):
    """One server per test module (and per database), with the province built."""
    url = new_database(request.param)
    server = Served(url, build_province(url))
    yield server
    server.stop()
    server.engine.dispose()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium (.ci/run does it)")
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield chromium
        chromium.close()


@pytest.fixture
def page_of(browser, served):
    """``page_of(username)``: a fresh browser (its own cookies) signed in as ``username``."""
    contexts = []

    def open_as(username: str | None, lang: str | None = None):
        context = browser.new_context(base_url=served.base, locale="vi-VN")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10000)
        if lang:
            page.goto(f"/lang/{lang}?next=/login")
        if username:
            page.goto("/login")
            page.fill("#username", username)
            page.fill("#password", PASSWORD)
            page.click("form[action='/login'] button[type=submit]")
            page.wait_for_load_state()
        return page

    yield open_as
    for context in contexts:
        context.close()
