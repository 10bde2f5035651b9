"""The kept yearly answers by auction and by appraisal organisation (issue 16, PostgreSQL): a reporting
year's report by organisation reads ``report_org_years`` and the rows past the marks, and gives
exactly what reading the log gives (``tests/reports/legacy_reports.py``), for the country, a province
and a branch, whatever changed an asset's organisation (a step, ``asset correct``), before or after
a fold, and whatever the tail holds.
"""

from __future__ import annotations

import datetime as dt
import random

import province_walk
import pytest
from conftest import Cli
from legacy_reports import summary as legacy_summary
from sqlalchemy import text
from test_kept import (MONTHS, _count, _price_again, _priced_before, _priced_in_two_months, _tail, _try,  # noqa: F401
                       built, copy, spy_on)  # built and copy: the same province, a copy per test

from auction_flow.features.assets import service as svc
from auction_flow.features.reports import kept_org, kept_org_periods
from auction_flow.features.reports import service as reports

ACTORS = ("admin", "ld_tinh", "ld_1")  # the country, a province, a branch
BY = ("auction-org", "appraisal-org")
YEARS = (2024, 2025, 2026, 2027)
NEW_AUCTIONEER, NEW_APPRAISER = "Công ty Đấu giá Mới", "Công ty Thẩm định giá Mới"


@pytest.fixture
def spied(monkeypatch):
    """How many reports read the kept answers by organisation."""
    return spy_on(monkeypatch, kept_org, "statistics")


@pytest.fixture
def spied_periods(monkeypatch):
    """How many reports by organisation over a period other than a reporting year read the kept units."""
    return spy_on(monkeypatch, kept_org_periods, "statistics")


def _same_periods(engine, periods=MONTHS):
    """Every report by organisation over ``periods`` (not reporting years) against the log's."""
    for by in BY:
        for actor in ACTORS:
            for period in periods:
                got, want = reports.summary(engine, actor, by=by, **period), legacy_summary(engine, actor, by=by,
                                                                                            **period)
                if got != want:
                    diff = [(w["key"], {f: (g.get(f), v) for f, v in w.items() if g.get(f) != v})
                            for g, w in zip(got["groups"] + [got["total"]], want["groups"] + [want["total"]]) if g != w]
                    assert got == want, (by, actor, period, [g["key"] for g in got["groups"]],
                                         [g["key"] for g in want["groups"]], diff)


def _same(engine):
    """Every report by organisation, kept (or live before a fold) against the log's."""
    for by in BY:
        for actor in ACTORS:
            for year in YEARS:
                got, want = reports.summary(engine, actor, by=by, year=year), legacy_summary(engine, actor, by=by,
                                                                                             year=year)
                if got != want:
                    diff = [(w["key"], {f: (g.get(f), v) for f, v in w.items() if g.get(f) != v})
                            for g, w in zip(got["groups"] + [got["total"]], want["groups"] + [want["total"]]) if g != w]
                    assert got == want, (by, actor, year, [g["key"] for g in got["groups"]],
                                         [g["key"] for g in want["groups"]], diff)


def _one(engine, sql: str, **params):
    with engine.connect() as conn:
        return conn.execute(text(sql), params).first()


def _correct(engine, aid: int, field: str, value: str) -> None:
    svc.correct(engine, aid, "ld_tinh", [f"{field}={value}"], "Ghi sai tên tổ chức")


def _folded_with(engine, column: str, state: str) -> int:
    """An asset of HG in ``state`` with an organisation in ``column`` and rows folded."""
    return _one(engine, f"SELECT a.id FROM assets a JOIN offices o ON o.id = a.office_id WHERE a.state = :s "
                        f"AND a.{column} IS NOT NULL AND o.code LIKE 'HG-%' ORDER BY a.id LIMIT 1", s=state)[0]


def _changes(engine) -> dict:
    """Organisations changed by ``asset correct`` (auction, appraisal, an asset with none before) and by
    steps (a sale cancelled and auctioned again by another organisation; an auction failed,
    the price reduced and the auction contracted with another organisation). Returns the assets changed."""
    changed = {}
    changed["corrected"] = _folded_with(engine, "auction_org", "paid")
    _correct(engine, changed["corrected"], "auction_org", NEW_AUCTIONEER)
    changed["appraiser"] = _folded_with(engine, "appraisal_org", "priced")
    _correct(engine, changed["appraiser"], "appraisal_org", NEW_APPRAISER)
    none = _one(engine, "SELECT a.id FROM assets a JOIN offices o ON o.id = a.office_id WHERE a.auction_org IS NULL "
                        "AND a.appraisal_org IS NULL AND o.code LIKE 'HG-%' AND EXISTS (SELECT 1 FROM audit_log l "
                        "WHERE l.asset_id = a.id AND l.trigger = 'agree_price') ORDER BY a.id LIMIT 1")[0]
    _correct(engine, none, "auction_org", NEW_AUCTIONEER)
    changed["none"] = none

    def again(last, price):
        day = last + dt.timedelta(days=1)
        cancel = {"ground": "court_void", "document_no": "8/2025/QĐ", "issued_by": "Tòa án nhân dân tỉnh",
                  "document_on": day}
        return [("cancel_result", day, cancel), ("reauction", day, {}), ("contract_auction", day + dt.timedelta(days=2),
                                         {"auction_org": NEW_AUCTIONEER, "auction_date": day + dt.timedelta(days=20)}),
                ("record_sale", day + dt.timedelta(days=22), {"sale_price": price + 3_000_000, "buyer": "Trần Văn Chín",
                                                              "deposit": price // 10})]
    changed["reauctioned"] = _try(engine, "paid", again)

    def repriced(last, price):
        day = last + dt.timedelta(days=1)
        return [("record_auction_failed", day, {}), ("reduce_price", day + dt.timedelta(days=3),
                                                      {"price": price * 9 // 10}),
                ("contract_auction", day + dt.timedelta(days=5), {"auction_org": NEW_AUCTIONEER,
                                                                  "auction_date": day + dt.timedelta(days=25)})]
    changed["repriced"] = _try(engine, "auction_contracted", repriced)
    return changed


def test_by_organisation_the_same_unfolded_folded_with_changes_in_the_tail_and_folded_again(copy, spied):
    url, engine = copy
    _same(engine)
    assert not spied  # nothing folded: the live statement
    reports.rollup_fold(engine, "admin")
    _same(engine)
    assert len(spied) == len(BY) * len(ACTORS) * len(YEARS)
    changed = _changes(engine)
    # the tail holds the changes of organisation of assets whose rows were folded under the old one
    for aid in changed.values():
        was, now = _one(engine, "SELECT r.auction_org || '|' || r.appraisal_org, COALESCE(s.auction_org, '-') || '|' "
                                "|| COALESCE(s.appraisal_org, '-') FROM report_org_assets r JOIN assets s "
                                "ON s.id = r.asset_id WHERE r.asset_id = :a", a=aid)
        assert was != now, aid
    spied.clear()
    _same(engine)
    assert len(spied) == len(BY) * len(ACTORS) * len(YEARS)
    reports.rollup_fold(engine, "admin")
    assert _one(engine, "SELECT count(*) FROM report_org_assets r JOIN assets s ON s.id = r.asset_id "
                        "WHERE r.auction_org <> COALESCE(s.auction_org, '-') "
                        "OR r.appraisal_org <> COALESCE(s.appraisal_org, '-')")[0] == 0  # moved by the fold
    _same(engine)
    assert reports.rollup_check(engine, "admin") == {"kept": True, "differs": None}
    # changed back after the fold, and a walk of new assets: the tail, then folded again
    _correct(engine, changed["corrected"], "auction_org", province_walk.ORGS[0])
    _correct(engine, changed["appraiser"], "appraisal_org", province_walk.APPRAISERS[1])
    province_walk.walk(engine, random.Random(41), 20)
    _same(engine)
    reports.rollup_fold(engine, "admin")
    _same(engine)
    assert reports.rollup_check(engine, "admin") == {"kept": True, "differs": None}


def test_changed_before_the_first_fold_and_the_check_finds_an_unaudited_change(copy):
    url, engine = copy
    changed = _changes(engine)
    reports.rollup_fold(engine, "admin")
    _same(engine)
    cli = Cli(url)
    assert cli("report", "rollup", "--check", actor="admin").exit_code == 0
    with engine.begin() as conn:  # not through a step: no audit row, so no fold can know
        conn.execute(text("UPDATE assets SET auction_org = 'Ai đó' WHERE id = :a"), {"a": changed["corrected"]})
    assert reports.rollup_check(engine, "admin")["differs"] == (None, "a", None, changed["corrected"], "asset",
                                                                "Ai đó")
    r = cli("report", "rollup", "--check", "--lang", "en", actor="admin")
    assert r.exit_code == 1
    [line] = r.output.splitlines()
    assert f"asset {changed['corrected']} " in line and "Ai đó" in line, line


def test_a_kept_row_altered_is_found(copy):
    url, engine = copy
    reports.rollup_fold(engine, "admin")
    with engine.begin() as conn:
        conn.execute(text("UPDATE report_org_years SET packed = :p WHERE part = 'sold' AND kind = 'p' "
                          "AND office = '*' AND (year, org) = (SELECT year, org FROM report_org_years WHERE "
                          "part = 'sold' AND kind = 'p' AND office = '*' ORDER BY 1, 2 LIMIT 1)"), {"p": '{"n":999}'})
    differs = reports.rollup_check(engine, "admin")["differs"]
    assert differs is not None and differs[1:3] == ("p", "*") and differs[4] == "sold"
    r = Cli(url)("report", "rollup", "--check", "--lang", "en", actor="admin")
    assert r.exit_code == 1
    [line] = r.output.splitlines()
    assert f"organisation {differs[3]}, sold" in line and f"year {differs[0]}" in line, line


def test_periods_by_organisation_read_the_kept_units_and_equal_the_log(copy, spied_periods):
    """A period other than a reporting year by organisation (a month, a quarter, Oct 1 to a month end, ragged
    edges, one day, across reporting years; the country, a province, a branch) reads the kept organisation units
    after a fold and gives what reading the log gives: before a fold, after it, with a tail (organisations
    changed after the fold by a correction and by steps, back-dated rows, a folded sale cancelled, an asset priced
    again in the next month), after the next fold moved them, after the units are emptied (as a database folded
    before revision 0034: the log) and filled by the next fold; and the check finds nothing."""
    url, engine = copy
    _price_again(engine, _priced_in_two_months(engine, True))
    again = _priced_in_two_months(engine, False)
    priced_before = _priced_before(engine)
    _same_periods(engine)
    assert not spied_periods  # nothing folded: the live statement
    reports.rollup_fold(engine, "admin")
    assert _count(engine, "SELECT count(*) FROM report_org_units WHERE kind = 'd'") > 0
    _same_periods(engine)
    assert sorted(set(spied_periods)) == sorted(BY) and len(spied_periods) == len(BY) * len(ACTORS) * len(MONTHS)
    changed = _changes(engine)  # organisations changed after the fold: the tail moves the assets' folded rows
    _tail(engine, priced_before)
    _price_again(engine, again)
    with engine.connect() as conn:  # the month of a folded sale the tail cancels, and a ragged period around it
        sold, voided = conn.execute(text(
            "SELECT p.business_date, a.business_date FROM audit_log a JOIN report_marks m ON m.chain = a.chain "
            "JOIN report_sales s ON true JOIN audit_log p ON p.id = s.sale_id AND p.asset_id = a.asset_id "
            "WHERE a.log_seq > m.log_seq AND a.trigger = 'cancel_result' LIMIT 1")).one()
        moved = conn.execute(text("SELECT min(business_date), max(business_date) FROM audit_log "
                                  "WHERE asset_id = :a"), {"a": changed["corrected"]}).one()
    month = sold.replace(day=1)
    periods = MONTHS + [{"start": str(month), "end": str((month + dt.timedelta(days=32)).replace(day=1)
                                                         - dt.timedelta(days=1))},
                        {"start": str(sold), "end": str(voided)}, {"start": str(moved[0]), "end": str(moved[1])}]
    spied_periods.clear()
    _same_periods(engine, periods)
    assert len(spied_periods) == len(BY) * len(ACTORS) * len(periods)
    reports.rollup_fold(engine, "admin")  # moves the changed assets' days to their new organisations
    _same_periods(engine, periods)
    assert reports.rollup_check(engine, "admin") == {"kept": True, "differs": None}
    _correct(engine, changed["corrected"], "auction_org", province_walk.ORGS[0])  # changed back: the tail
    _same_periods(engine, periods)
    reports.rollup_fold(engine, "admin")  # the change folded: nothing past the marks
    with engine.begin() as conn:  # as a database folded before revision 0034
        conn.execute(text("DELETE FROM report_org_units"))
    spied_periods.clear()
    _same_periods(engine, periods[:4])
    assert not spied_periods  # not kept yet: the log
    assert reports.rollup_fold(engine, "admin")["rows"] == 0  # nothing to fold: the units refilled all the same
    _same_periods(engine, periods[:4])
    assert len(spied_periods) == len(BY) * len(ACTORS) * 4
    assert reports.rollup_check(engine, "admin") == {"kept": True, "differs": None}
    with engine.begin() as conn:  # emptied again: refilled by the next fold that folds rows too
        conn.execute(text("DELETE FROM report_org_units"))
    spied_periods.clear()
    province_walk.walk(engine, random.Random(23), 10)
    reports.rollup_fold(engine, "admin")  # fills the units from the rows folded before, then folds the tail
    _same_periods(engine, periods)
    assert len(spied_periods) == len(BY) * len(ACTORS) * len(periods)
    assert reports.rollup_check(engine, "admin") == {"kept": True, "differs": None}


def test_check_finds_an_altered_kept_organisation_day(copy):
    url, engine = copy
    reports.rollup_fold(engine, "admin")
    assert reports.rollup_check(engine, "admin")["differs"] is None
    with engine.begin() as conn:
        day, counts = conn.execute(text(
            "SELECT unit, counts FROM report_org_units WHERE grouping = 'p' AND kind = 'd' AND office = 'HG-NB' "
            "AND length(counts) > 0 ORDER BY unit DESC LIMIT 1")).one()
        altered = (int.from_bytes(counts[:8], "big") + 1).to_bytes(8, "big") + counts[8:]
        conn.execute(text("UPDATE report_org_units SET counts = :c WHERE grouping = 'p' AND kind = 'd' AND unit = :d "
                          "AND office = 'HG-NB'"), {"c": altered, "d": day})
    assert reports.rollup_check(engine, "admin")["differs"] == (day // 100 * 10 + min((day % 100 - 1) // 10, 2) + 1,
                                                                "u", "HG-NB", 0, "appraisal-org", "")
    r = Cli(url)("report", "rollup", "--check", "--lang", "en", actor="admin")
    assert r.exit_code == 1
    first = 1 + 10 * min((day % 100 - 1) // 10, 2)
    assert f"days {day // 10000}-{day // 100 % 100:02d}-{first:02d}.." in r.output, r.output
    assert ", office HG-NB" in r.output, r.output


def test_the_keys_the_statement_packs_are_those_packed_row_by_row(copy):
    """The fold and the check pack each entry's key in SQL (Stop 28): the same keys, summed the same, as
    the organisation's and the name's numbers packed one row at a time in Python (the read's tail)."""
    url, engine = copy
    _price_again(engine, _priced_in_two_months(engine, True))
    reports.rollup_fold(engine, "admin")
    p = reports.kept.params(reports.COUNTED, reports.PRICED, reports.voiding_triggers())
    with engine.connect() as conn:
        codes = kept_org_periods._Codes(conn)
        by_row: dict = {}
        for g, day, office, org, name, value, n in conn.execute(
                text(kept_org_periods._entries_sql("audit_log a")), kept_org_periods._params(p)):
            into = by_row.setdefault((g, day, office), {})
            key = codes.key(org, name, value)
            into[key] = into.get(key, 0) + int(n)
        keyed = kept_org_periods._grouped(conn.execute(
            text(kept_org_periods._entries_sql("audit_log a", keyed=True)), kept_org_periods._params(p)).all())
    want = {g: {k: n for k, n in sorted(d.items()) if n} for g, d in by_row.items()}
    assert {g: dict(zip(k.tolist(), c.tolist())) for g, (k, c) in keyed.items()} == {g: d for g, d in want.items() if d}
    assert len(keyed) > 100 and not any(0 in k.tolist() for k, _ in keyed.values())
