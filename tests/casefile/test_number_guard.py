"""Lookups by full identity number outside one's scope are limited (``number_guard``): a number of no
party is a miss, an ``access_log`` row naming the number masked, never in clear; after the limit's
misses within its window, a lookup by number of another office's party (or of nobody) is refused, one
line, exit 1, an ``access_log`` row, on every path (``party link --id-number``, ``asset seize
--debtor-id-number/--creditor-id-number``, ``asset advance --buyer-id-number``, the party search);
the actor's own parties are found as ever; the window passing lets lookups again."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import time

import pytest
from casefile_people import DUC, duc, nb_asset  # noqa: F401 - the fixtures
from sqlalchemy import select

from auction_flow.common.config import now_utc, simulated_now
from auction_flow.common.errors import InvalidInput, NotFound, Throttled
from auction_flow.features.casefile import number_guard, parties, search
from auction_flow.storage.schema import access_log, asset_parties

NOBODY = ["093085999001", "093085999002", "093085999003", "093085999004"]  # numbers of no party


@pytest.fixture
def limit(monkeypatch):
    monkeypatch.setenv(number_guard.MISSES_ENV, "3")
    monkeypatch.setenv(number_guard.WINDOW_ENV, "60")


def rows(engine, action: str) -> list[dict]:
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(select(access_log).where(access_log.c.action == action)
                                               .order_by(access_log.c.id)).mappings()]


def links(engine) -> int:
    with engine.connect() as conn:
        return len(conn.execute(select(asset_parties.c.id)).all())


def refused(r) -> None:
    assert r.exit_code == 1, r.output
    assert r.stderr.count("\n") == 1 and "cv_dung looked up 3 identity numbers of no party in the last 60 minutes" \
        in r.stderr and "try again later" in r.stderr, r.stderr


def test_misses_are_logged_masked_and_then_lookups_by_number_are_refused(world, cli, limit, duc, nb_asset):
    for number in NOBODY[:3]:
        r = cli("party", "link", "--id-number", number, nb_asset, "--role", "debtor", actor="cv_dung")
        assert r.exit_code == 1 and f"no party has the identity number {number}" in r.stderr
    missed = rows(world, number_guard.MISS)
    assert [(m["actor"], m["office"]) for m in missed] == [("cv_dung", "HG-NB")] * 3
    assert all(m["reason"] == "no party has the identity number 093********* (12 digits)" for m in missed)
    with world.connect() as conn:  # no log holds a number typed, in clear
        logged = " ".join(str(v) for r in conn.execute(select(access_log)).all() for v in r)
    assert not any(n in logged for n in NOBODY)
    before = links(world)
    # the fourth lookup, of a real party of another office, is refused on every path, and logged
    refused(cli("party", "link", "--id-number", DUC, nb_asset, "--role", "debtor", actor="cv_dung"))
    refused(cli("asset", "seize", "-q", "--case", "41/2026", "--office", "HG-NB", "--kind", "movable",
                "--description", "Xe tải", "--on", "2026-11-02", "--creditor-id-number", DUC, actor="cv_dung"))
    refused(cli("asset", "advance", nb_asset, "record_sale", "--set", "sale_price=100000000",
                "--buyer-id-number", DUC, actor="cv_dung"))
    refused(cli("party", "link", "--id-number", NOBODY[3], nb_asset, "--role", "debtor", actor="cv_dung"))
    r = cli("--lang", "vi", "party", "link", "--id-number", DUC, nb_asset, "--role", "debtor", actor="cv_dung")
    assert r.exit_code == 1 and r.stderr.count("\n") == 1 and "hãy thử lại sau" in r.stderr
    throttled = rows(world, number_guard.REFUSED)
    assert len(throttled) == 5 and {(t["actor"], t["office"]) for t in throttled} == {("cv_dung", "HG-NB")}
    assert links(world) == before and len(rows(world, number_guard.MISS)) == 3  # a refusal is not a miss
    assert "Nguyễn Văn Đức" not in r.stderr
    # the actor's own parties, by number or id, are found as ever; other users are not limited
    mine = parties.add(world, "cv_dung", "Lê Văn Mười", "093085002222", "person")["id"]
    r = cli("party", "link", "--id-number", "093085002222", nb_asset, "--role", "creditor", actor="cv_dung")
    assert r.exit_code == 0, r.output
    assert cli("party", "link", mine, nb_asset, "--role", "bidder", actor="cv_dung").exit_code == 0
    r = cli("party", "link", "--id-number", DUC, nb_asset, "--role", "debtor", actor="ld_tinh")
    assert r.exit_code == 0, r.output


def test_the_window_passing_lets_lookups_again(world, limit, duc, nb_asset):
    with simulated_now(now_utc() - dt.timedelta(minutes=61)):
        for number in NOBODY[:3]:
            with pytest.raises(NotFound):
                parties.resolve(world, "cv_dung", [parties.ByNumber(number)])
    assert number_guard.misses(world, "cv_dung") == 0
    assert parties.link(world, "cv_dung", parties.ByNumber(DUC), nb_asset, "debtor")["party_id"] == duc
    # the same misses within the window refuse it
    with simulated_now(now_utc() - dt.timedelta(minutes=59)):
        for number in NOBODY[:3]:
            with pytest.raises(NotFound):
                parties.resolve(world, "cv_ba", [parties.ByNumber(number)])
    assert number_guard.misses(world, "cv_ba") == 3
    bank = parties.add(world, "cv_dung", "Ngân hàng Nông nghiệp", "0100686174", "enterprise")
    with pytest.raises(Throttled) as caught:
        parties.resolve(world, "cv_ba", [parties.ByNumber("0100686174")])
    assert caught.value.key == "cf.party_number_throttled"
    with simulated_now(now_utc() + dt.timedelta(minutes=2)):
        assert [p["id"] for p in parties.resolve(world, "cv_ba", [parties.ByNumber("0100686174")])] == [bank["id"]]


def test_the_party_search_counts_full_numbers_only_and_is_refused_outside_the_scope(world, limit, duc):
    for q in ("nguyen van", "0930850", DUC[:-1], "093085 999"):  # a name, parts of numbers: not counted
        assert search.find_parties(world, "cv_dung", q) == []
    assert number_guard.misses(world, "cv_dung") == 0
    assert [p["id"] for p in search.find_parties(world, "cv_dung", DUC)] == [duc]  # another office's: no miss
    assert number_guard.misses(world, "cv_dung") == 0
    for number in NOBODY[:3]:
        assert search.find_parties(world, "cv_dung", number) == []
    assert number_guard.misses(world, "cv_dung") == 3
    with pytest.raises(Throttled):
        search.find_parties(world, "cv_dung", DUC)
    with pytest.raises(Throttled):
        search.find_parties(world, "cv_dung", NOBODY[3])
    assert len(rows(world, number_guard.REFUSED)) == 2
    # names, parts, and the actor's own parties by number are still found
    mine = parties.add(world, "cv_dung", "Lê Văn Mười", "093085002222", "person")["id"]
    assert [p["id"] for p in search.find_parties(world, "cv_dung", "093085002222")] == [mine]
    assert [p["id"] for p in search.find_parties(world, "cv_dung", "le van muoi")] == [mine]
    assert search.find_parties(world, "cv_an", DUC)[0]["id"] == duc  # cv_an's own


def test_the_settings_are_read_and_checked(monkeypatch):
    monkeypatch.delenv(number_guard.MISSES_ENV, raising=False)
    monkeypatch.delenv(number_guard.WINDOW_ENV, raising=False)
    assert number_guard.most_misses() == 20 and number_guard.window() == dt.timedelta(hours=1)
    monkeypatch.setenv(number_guard.WINDOW_ENV, "1440")
    assert number_guard.window() == dt.timedelta(days=1)
    for bad in ("0", "-1", "many", "10001"):
        monkeypatch.setenv(number_guard.MISSES_ENV, bad)
        with pytest.raises(InvalidInput) as caught:
            number_guard.most_misses()
        assert number_guard.MISSES_ENV in str(caught.value)
    assert number_guard.masked("0100233488001") == "010**********"


RACER = """
import os, sys, time
from auction_flow.common.errors import Throttled
from auction_flow.features.casefile import search
from auction_flow.storage import db
url, number, go = sys.argv[1:4]
engine = db.open_db(url)
open(go + "." + number, "w").close()
while not os.path.exists(go):  # every racer has imported and opened the database: start together
    time.sleep(0.005)
try:
    print("found" if search.find_parties(engine, "cv_dung", number) else "missed")
except Throttled:
    print("refused")
"""


def test_racing_lookups_cannot_pass_the_limit_together(world, db_url, limit, tmp_path):
    # six processes look up six numbers of no party at the same moment, against a limit of 3: the
    # count, the lookup and the miss's row are one transaction per user, taken in turn, so exactly 3
    # are misses and 3 refused (counted before each other's rows, all six passed)
    go = tmp_path / "go"
    numbers = [f"0930859990{i:02d}" for i in range(10, 16)]
    procs = [subprocess.Popen([sys.executable, "-c", RACER, db_url, n, str(go)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for n in numbers]
    deadline = time.monotonic() + 120
    while not all((tmp_path / f"go.{n}").exists() for n in numbers) and time.monotonic() < deadline:
        time.sleep(0.01)
    go.touch()
    outcomes = []
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err[-2000:]
        outcomes.append(out.strip())
    assert sorted(outcomes) == ["missed"] * 3 + ["refused"] * 3
    assert len(rows(world, number_guard.MISS)) == 3 and len(rows(world, number_guard.REFUSED)) == 3
