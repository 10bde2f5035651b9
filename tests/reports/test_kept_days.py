"""A period by office other than a reporting year (and its stages) reads its months, ten-day spans and
edge days from the kept officer units summed per office (issue 16, PostgreSQL; ``kept_days``), no JSON
month or span and no day live, and gives
exactly what reading the log gives (``tests/reports/legacy_reports.py``): ragged periods, ten edge
days, a single day, a month, for the country, a province and a branch; with a tail, a back-dated
row, an asset priced twice in a period by two officers of one office; and on a database folded
before revision 0033 (its units emptied: the JSON months and spans and live edges until its next fold
fills them).
"""

from __future__ import annotations

import datetime as dt
import random

import province_walk
import pytest
from legacy_reports import stages as legacy_stages
from legacy_reports import summary as legacy_summary
from sqlalchemy import text
from test_kept import (  # noqa: F401 - built and copy: the same province, a copy per test
    ACTORS,
    MONTHS,
    _assert_same,
    _count,
    _price_again,
    _priced_before,
    _priced_in_two_months,
    _tail,
    built,
    copy,
    spy_on,
)

from auction_flow.features.assets import service as svc
from auction_flow.features.reports import kept_days, kept_periods
from auction_flow.features.reports import service as reports
from auction_flow.storage import db

# ten edge days (2025-04-06..10 and 07-21..26 outside the kept spans), one day, a month less a span
# and some days, the months of the asset priced by two officers (2025-11, 2025-12) with ragged edges
PERIODS = MONTHS + [{"start": "2025-04-06", "end": "2025-07-26"}, {"start": "2025-11-05", "end": "2025-11-05"},
                    {"start": "2025-11-04", "end": "2025-11-26"}, {"start": "2025-11-06", "end": "2025-12-14"},
                    {"start": "2024-03-02", "end": "2024-03-24"}]


def _reports(engine, periods=PERIODS) -> dict:
    return {(kind, actor, str(period)): (reports.stages(engine, actor, **period) if kind == "stages"
                                         else reports.summary(engine, actor, by="office", **period))
            for kind in ("office", "stages") for actor in ACTORS for period in periods}


def _legacy(engine, periods=PERIODS) -> dict:
    return {(kind, actor, str(period)): (legacy_stages(engine, actor, **period) if kind == "stages"
                                         else legacy_summary(engine, actor, by="office", **period))
            for kind in ("office", "stages") for actor in ACTORS for period in periods}


@pytest.fixture
def spied(monkeypatch):
    """The kept units each call of the kept units' reader read ({(kind, unit): sign}), the calls of the
    live edges' statement and of the JSON months' and spans' reader, and the periods' reports."""
    units, live, json_units = [], [], []
    real_units, real_edge, real_kept = kept_days.read_units, kept_periods.edge_statement, kept_periods._kept

    def read_units(conn, offices, the_units, *args):
        units.append(dict(the_units))
        return real_units(conn, offices, the_units, *args)

    def edge_statement(*args, **kwargs):
        live.append(args)
        return real_edge(*args, **kwargs)

    def _kept(*args, **kwargs):
        json_units.append(args)
        return real_kept(*args, **kwargs)

    monkeypatch.setattr(kept_days, "read_units", read_units)
    monkeypatch.setattr(kept_periods, "edge_statement", edge_statement)
    monkeypatch.setattr(kept_periods, "_kept", _kept)
    return units, live, json_units, spy_on(monkeypatch, kept_periods, "statistics")


def _kinds(units: list) -> set:
    return {kind for u in units for kind, _ in u}


def _two_officers(engine, on: dt.date, seq: int) -> int:
    """An asset of HG-NB priced by cv_1_0 on ``on``, given to cv_1_1 and priced again by cv_1_1 a week later."""
    aid = svc.seize(engine, "cv_1_0", f"93/{seq}/2025/QĐ", "HG-NB", "movable", "Xe ô tô", on=on - dt.timedelta(days=3))
    svc.advance(engine, aid, "agree_price", "cv_1_0", str(on), ["price=70000000"], None)
    svc.reassign(engine, aid, "ld_1", "cv_1_1", "Điều chuyển", on=on + dt.timedelta(days=2))
    svc.advance(engine, aid, "request_reappraisal", "cv_1_1", str(on + dt.timedelta(days=5)),
                ["ground=officer_error"], "Sai quy trình")
    svc.advance(engine, aid, "record_appraisal", "cv_1_1", str(on + dt.timedelta(days=7)), ["price=90000000"], None)
    return aid


def _officers_of(engine, aid: int) -> set:
    with engine.connect() as conn:
        return set(conn.execute(text("SELECT DISTINCT officer_id FROM audit_log WHERE asset_id = :a AND trigger IN "
                                     "('agree_price', 'record_appraisal')"), {"a": aid}).scalars())


def test_periods_by_office_are_kept_officer_units_and_equal_the_log(copy, spied):
    """The months, spans and edge days of every period by office and its stages are the kept officer
    units summed per office (no JSON month or span read, no day read live), equal to the log."""
    days, live, json_units, periods = spied
    url, engine = copy
    _price_again(engine, _priced_in_two_months(engine, True))
    twice = _two_officers(engine, dt.date(2025, 11, 6), 1)
    assert len(_officers_of(engine, twice)) == 2  # priced by two officers of HG-NB: counted once in the office
    priced_before = _priced_before(engine)
    reports.rollup_fold(engine, "admin")
    # the offices' own priced entries (code 255, officer -1: the key's top bits 0) are kept per day
    assert _count(engine, "SELECT count(*) FROM report_officer_units WHERE kind = 'd' AND "
                          "substring(keys FROM 1 FOR 4) = '\\x000000ff'::bytea") > 0
    _assert_same(_reports(engine), _legacy(engine))
    assert len(periods) == len(ACTORS) * 2 * len(PERIODS) and days and not live and not json_units
    assert _kinds(days) == {"m", "s", "d"}  # months, spans and days, all from the officer units
    assert any(sum(k == "d" for k, _ in d) == 10 for d in days)  # the ten edge days, kept
    assert any(-1 in d.values() for d in days)  # a unit taken away (a month less a span)
    # a tail: a folded sale cancelled, a new sale, an asset priced before the marks priced again, a
    # back-dated seizure and pricing (2024-03), walks; an asset priced by two officers in the tail
    _tail(engine, priced_before)
    _two_officers(engine, dt.date(2025, 11, 6), 2)
    days.clear()
    periods.clear()
    want = _legacy(engine)
    _assert_same(_reports(engine), want)
    assert len(periods) == len(ACTORS) * 2 * len(PERIODS) and days and not live and not json_units
    reports.rollup_fold(engine, "admin")
    _assert_same(_reports(engine), want)
    assert reports.rollup_check(engine, "admin") == {"kept": True, "differs": None}


def test_a_database_folded_before_0033_reads_json_months_and_live_edges_until_its_next_fold(copy, spied):
    """0033 empties the officer units (kept without the offices' priced entries): the periods by
    office read the JSON months and spans and their edges live, equal to the log; the next fold,
    even with no row to fold, fills the units from every folded row, and the periods are kept
    officer units again, as after a fold that folds rows."""
    days, live, json_units, periods = spied
    url, engine = copy
    _two_officers(engine, dt.date(2025, 11, 6), 1)
    reports.rollup_fold(engine, "admin")
    want = _legacy(engine)
    engine.dispose()
    assert db.downgrade(url, "0031") == "0031"
    assert db.upgrade(url) == db.SCHEMA_HEAD
    engine = db.open_db(url)
    assert _count(engine, "SELECT count(*) FROM report_officer_units") == 0
    assert _count(engine, "SELECT count(*) FROM report_spans") > 0
    _assert_same(_reports(engine), want)
    # JSON months and spans, live edges
    assert len(periods) == len(ACTORS) * 2 * len(PERIODS) and live and json_units and not days
    assert reports.rollup_fold(engine, "admin")["rows"] == 0  # a quiet database: nothing to fold, units refilled
    assert _count(engine, "SELECT count(*) FROM report_officer_units") > 0
    live.clear()
    json_units.clear()
    _assert_same(_reports(engine), want)
    assert days and not live and not json_units
    assert reports.rollup_check(engine, "admin") == {"kept": True, "differs": None}
    province_walk.walk(engine, random.Random(23), 10)
    reports.rollup_fold(engine, "admin")
    assert _count(engine, "SELECT count(*) FROM report_officer_units") > 0
    want = _legacy(engine)
    live.clear()
    _assert_same(_reports(engine), want)
    assert days and not live and not json_units
    assert reports.rollup_check(engine, "admin") == {"kept": True, "differs": None}


def test_kept_days_replace_every_live_day_of_a_plan():
    for start, end in ((dt.date(2026, 4, 6), dt.date(2026, 7, 26)), (dt.date(2025, 5, 12), dt.date(2025, 5, 12)),
                       (dt.date(2026, 4, 15), dt.date(2026, 7, 20)), (dt.date(2026, 2, 3), dt.date(2026, 2, 27))):
        the = kept_periods.plan(start, end)
        live = {d for a, b, s in the.live for d in (a + dt.timedelta(days=i) for i in range((b - a).days + 1))}
        weights = {d: the.weight(d) for d in live}
        the.keep_days()
        assert not the.live and len(the.days) == len(live) <= 12
        assert all(the.weight(d) == weights[d] + the.days[kept_periods._day(d)] for d in live)
        d = start - dt.timedelta(days=40)
        while d <= end + dt.timedelta(days=40):  # every day of the period once, no other day
            assert the.weight(d) == (1 if start <= d <= end else 0), (start, end, d)
            d += dt.timedelta(days=1)
