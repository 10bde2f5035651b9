"""What the web desk's tests share: a province with people and assets on a real database, a real
``auction-flow serve`` process on 127.0.0.1 over it (one per test module and database), and
Debian's Chromium driven by Playwright (one per module). The test modules import the fixtures
they use (a second conftest.py would shadow the suite's own, which tests import by name)."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import socket
import subprocess
import sys
import time
import warnings
from pathlib import Path

import httpx
import pytest
from conftest import BACKENDS, PASSWORD, password_hash  # noqa: F401 (the suite's user password)

with warnings.catch_warnings():  # this Starlette would rather have httpx's successor; httpx is what we have
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

CHROMIUM = "/usr/bin/chromium"
PEOPLE = [("cv_an", "officer", "HG-VT"), ("cv_ba", "officer", "HG-VT"), ("cv_dung", "officer", "HG-NB"),
          ("cv_khoa", "officer", "HG-VT"), ("ld_binh", "supervisor", "HG-VT"), ("ld_tinh", "supervisor", "HG"),
          ("ksv", "procurator", "HG")]


def build_province(url: str) -> dict[str, int]:
    """Offices HG over HG-VT and HG-NB, the people above, and a few assets (ids by name):

    ``late``: seized 40 days ago, past its deadline (the scan raises a stalled alert on it);
    ``fresh``, ``refused``, ``forged``: seized 2 days ago by cv_an; ``nb``: cv_dung's, of HG-NB.
    Each seizure issued its decision; ``fresh``'s debtor is Nguyễn Văn An (registered by cv_an),
    ``nb``'s is Trần Thị Bình (registered by cv_dung)."""
    from auction_flow.features.admin import service as admin
    from auction_flow.features.alerts import service as alerts_svc
    from auction_flow.features.assets import service as assets_svc
    from auction_flow.features.casefile import parties
    from auction_flow.storage import db

    admin.init(url, "admin", password_hash=password_hash())
    engine = db.open_db(url)
    admin.add_office(engine, "admin", "HG", "Cục THADS tỉnh Hậu Giang")
    admin.add_office(engine, "admin", "HG-VT", "Chi cục THADS TP Vị Thanh", "HG")
    admin.add_office(engine, "admin", "HG-NB", "Chi cục THADS TX Ngã Bảy", "HG")
    for username, role, office in PEOPLE:
        admin.add_user(engine, "admin", username, role, office, email=f"{username}@thads.test",
                       password_hash=password_hash())
    today = dt.date.today()
    ago = lambda days: (today - dt.timedelta(days=days)).isoformat()  # noqa: E731
    debtors = {"fresh": parties.add(engine, "cv_an", "Nguyễn Văn An", "093085001234", "person", "Phường 5, Vị Thanh"),
               "nb": parties.add(engine, "cv_dung", "Trần Thị Bình", "079088004321", "person")}
    ids = {}
    for name, office, officer, days, what in [
            ("late", "HG-VT", "cv_an", 40, "Xe ô tô Toyota 95A-123.45"),
            ("fresh", "HG-VT", "cv_an", 2, "Thửa đất 120 m²"),
            ("refused", "HG-VT", "cv_an", 2, "Máy xúc Komatsu"), ("forged", "HG-VT", "cv_an", 2, "Nhà phố <b>5</b>"),
            ("nb", "HG-NB", "cv_dung", 2, "Xe máy")]:
        debtor = [debtors[name]["id"]] if name in debtors else []
        ids[name] = assets_svc.seize(engine, officer, f"{len(ids) + 1}/2026/QĐ", office, "movable", what, on=ago(days),
                                     debtors=debtor)
    alerts_svc.scan(engine)
    return ids


@pytest.fixture
def province(db_url):
    """:func:`build_province` on the test's database: the ids of its assets by name."""
    return build_province(db_url)


@pytest.fixture
def client(db_url, province):
    """The desk's ASGI application in-process (Starlette's TestClient) over the province."""
    from auction_flow.frontends.web.app import create_app

    with TestClient(create_app(db_url), base_url="http://127.0.0.1") as c:
        yield c


@pytest.fixture
def engine(db_url, province):
    """An engine on the province's database (the suite's own ``engine`` fixture, once it is built)."""
    from auction_flow.storage import db

    e = db.open_db(db_url)
    yield e
    e.dispose()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def auction_flow_command() -> list[str]:
    found = shutil.which("auction-flow", path=str(Path(sys.executable).parent))
    return [found] if found else [sys.executable, "-c", "import sys; from cli import main; sys.exit(main())"]


class Served:
    """A real ``auction-flow serve`` on 127.0.0.1 over a real database."""

    def __init__(self, url: str, ids: dict[str, int]):
        from auction_flow.storage import db

        self.url, self.ids, self.port = url, ids, free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.engine = db.open_db(url)
        env = {**os.environ, "AUCTION_FLOW_WEB_LOG": "warning"}
        self.proc = subprocess.Popen(auction_flow_command() + ["--db", url, "serve", "--port", str(self.port)],
                                     env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(self.base + "/login", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("auction-flow serve did not start:\n" + (self.proc.stdout.read() or ""))
            time.sleep(0.2)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()


@pytest.fixture(scope="module", params=BACKENDS)
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
