"""The reports' kept yearly answers (issue 16, PostgreSQL): a reporting year's report reads the kept
rows of its year and the rows past the marks, and gives exactly what reading the log gives, whenever
the folds ran and whatever the tail holds.

A generated province (tests/province_walk.py) and a second province of a few assets are built once;
each test works on a copy. Every report is compared with ``tests/reports/legacy_reports.py`` (the
implementation before issue 16, reading the log), for the country (the administrator), a province
and a branch, by office, by officer and for the stages, for three reporting years (the kept path)
and two other periods (the live statement).
"""

from __future__ import annotations

import datetime as dt
import json
import random
import re
import threading

import province_walk
import pytest
from conftest import Cli, _pg_url, drop_pg, fresh_pg
from legacy_reports import stages as legacy_stages
from legacy_reports import summary as legacy_summary
from sqlalchemy import text

from auction_flow.common.errors import AuctionFlowError
from auction_flow.features.admin import service as admin
from auction_flow.features.assets import service as svc
from auction_flow.features.reports import kept, kept_officer, kept_periods, kept_read
from auction_flow.features.reports import service as reports
from auction_flow.frontends import scheduler
from auction_flow.storage import db

ACTORS = ("admin", "ld_tinh", "ld_1")  # the country, a province, a branch
YEARS = [{"year": 2024}, {"year": 2025}, {"year": 2026}]
PERIODS = YEARS + [{"start": "2024-11-15", "end": "2025-02-10"}, {"start": "2023-01-01", "end": "2026-12-31"}]
# periods other than a reporting year (the kept months and ten-day spans, a few edge days read live): a month,
# a quarter, Oct 1 to a month end, ragged edges, one day, inside one month, across two reporting years, the
# months of the back-dated rows (2024-03) and of the assets priced in two months (2025-11, 2025-12); months
# less some days at both ends, a month less a span, an edge in the days the tail prices again (2025-12-03..10)
MONTHS = [{"start": "2025-03-01", "end": "2025-03-31"}, {"start": "2025-01-01", "end": "2025-03-31"},
          {"start": "2025-10-01", "end": "2026-02-28"}, {"start": "2024-11-15", "end": "2025-02-10"},
          {"start": "2025-05-12", "end": "2025-05-12"}, {"start": "2025-11-03", "end": "2025-11-20"},
          {"start": "2024-08-01", "end": "2024-11-30"}, {"start": "2024-02-10", "end": "2024-04-15"},
          {"start": "2024-03-01", "end": "2024-03-31"}, {"start": "2025-11-01", "end": "2025-12-31"},
          {"start": "2025-11-06", "end": "2025-12-31"}, {"start": "2025-12-01", "end": "2025-12-31"},
          {"start": "2023-01-01", "end": "2026-12-31"}, {"start": "2025-01-04", "end": "2025-03-27"},
          {"start": "2025-03-03", "end": "2025-05-20"}, {"start": "2025-11-04", "end": "2025-12-08"}]


def _second_province(engine):
    """CT and its branch CT-NK: a few assets seized and priced, so the country is more than HG."""
    admin.add_office(engine, "admin", "CT", "Cục THADS TP Cần Thơ")
    admin.add_office(engine, "admin", "CT-NK", "Chi cục THADS quận Ninh Kiều", "CT")
    admin.add_user(engine, "admin", "cv_ct", "officer", "CT-NK")
    rnd = random.Random(7)
    for i in range(8):
        on = dt.date(2024, 1, 10) + dt.timedelta(days=rnd.randrange(700))
        aid = svc.seize(engine, "cv_ct", f"ct{i}/2024/QĐ", "CT-NK", "movable", "Xe máy", on=on)
        svc.advance(engine, aid, "agree_price", "cv_ct", str(on + dt.timedelta(days=rnd.randrange(1, 40))),
                    [f"price={rnd.randrange(10, 90) * 1_000_000}"], None)


@pytest.fixture(scope="module")
def built(request):
    admin_engine = request.getfixturevalue("pg_admin")
    name = fresh_pg(admin_engine, request.getfixturevalue("pg_template"))
    url = _pg_url(name)
    engine = db.open_db(url)
    province_walk.build(engine, url, n_assets=120)
    _second_province(engine)
    engine.dispose()
    db.get_engine(url).dispose()
    yield name
    drop_pg(admin_engine, name)


@pytest.fixture
def copy(request, built):
    admin_engine = request.getfixturevalue("pg_admin")
    name = fresh_pg(admin_engine, built)
    url = _pg_url(name)
    yield url, db.open_db(url)
    drop_pg(admin_engine, name)


def spy_on(monkeypatch, module, name: str) -> list:
    """The calls to ``module.name`` from now on, each by its second argument (the grouping)."""
    calls = []
    real = getattr(module, name)

    def spy(*args, **kwargs):
        calls.append(args[1])
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, spy)
    return calls


@pytest.fixture
def spied(monkeypatch):
    """How many reports read the kept answers."""
    return spy_on(monkeypatch, kept_read, "statistics")


@pytest.fixture
def spied_months(monkeypatch):
    """How many reports read the kept months and spans."""
    return spy_on(monkeypatch, kept_periods, "statistics")


@pytest.fixture
def spied_officer(monkeypatch):
    """How many reports by officer read the kept officer units."""
    return spy_on(monkeypatch, kept_officer, "statistics")


def _reports(engine, periods=PERIODS) -> dict:
    return {(kind, actor, str(period)): (reports.stages(engine, actor, **period) if kind == "stages"
                                         else reports.summary(engine, actor, by=kind, **period))
            for kind in ("office", "officer", "stages") for actor in ACTORS for period in periods}


def _legacy(engine, periods=PERIODS) -> dict:
    return {(kind, actor, str(period)): (legacy_stages(engine, actor, **period) if kind == "stages"
                                         else legacy_summary(engine, actor, by=kind, **period))
            for kind in ("office", "officer", "stages") for actor in ACTORS for period in periods}


def _assert_same(got: dict, want: dict):
    assert got.keys() == want.keys()
    for k in want:
        if got[k] != want[k] and "groups" in want[k]:
            rows = [(g, w) for g, w in zip(got[k]["groups"] + [got[k]["total"]], want[k]["groups"] + [want[k]["total"]])
                    if g != w]
            assert got[k] == want[k], (k, [(w["key"], {f: (g.get(f), v) for f, v in w.items() if g.get(f) != v})
                                           for g, w in rows])
        assert got[k] == want[k], k


def _count(engine, sql: str) -> int:
    with engine.connect() as conn:
        return conn.execute(text(sql)).scalar()


def _assets(engine, state: str) -> list:
    with engine.connect() as conn:
        return conn.execute(text(
            "SELECT a.id, GREATEST(a.last_event_on, a.auction_date), o.code, u.username, a.price FROM assets a "
            "JOIN offices o ON o.id = a.office_id JOIN users u ON u.id = a.officer_id "
            "WHERE a.state = :s AND o.code LIKE 'HG-%' ORDER BY a.id"), {"s": state}).all()


def _try(engine, state: str, steps) -> int:
    """The first asset in ``state`` on which every step of ``steps(last_event_on)`` (trigger, day,
    fields) is taken; its id."""
    said = []
    for aid, last, code, officer, price in _assets(engine, state):
        b = province_walk.BRANCHES.index(code)
        try:
            for trig, on, sets in steps(last, price):
                actor = f"ld_{b}" if trig in province_walk.SUPERVISOR else officer
                svc.advance(engine, aid, trig, actor, str(on), [f"{k}={v}" for k, v in sets.items()],
                            "Theo quyết định")
            return aid
        except AuctionFlowError as exc:
            said.append(str(exc))
    raise AssertionError(f"no asset in {state} took the steps: {said[:3]}")


def _priced_before(engine) -> int:
    """An asset priced in 2025-11 (reporting year 2026), before the fold."""
    aid = svc.seize(engine, "cv_1_0", "97/2025/QĐ", "HG-NB", "movable", "Xe ô tô", on=dt.date(2025, 11, 1))
    svc.advance(engine, aid, "agree_price", "cv_1_0", "2025-11-05", ["price=60000000"], None)
    return aid


def _tail(engine, priced_before: int):
    """After a fold: a voiding of a folded sale, a new sale, a repeated pricing of an asset priced
    before the marks (same year), a back-dated seizure and pricing (an earlier year), and walks of
    new assets (handovers among them)."""
    cancel = {"ground": "court_void", "document_no": "7/2025/QĐ", "issued_by": "Tòa án nhân dân tỉnh"}
    _try(engine, "paid", lambda last, _: [("cancel_result", last + dt.timedelta(days=1),
                                        {**cancel, "document_on": last + dt.timedelta(days=1)})])
    _try(engine, "auction_contracted", lambda last, price: [("record_sale", last + dt.timedelta(days=1),
                                                             {"sale_price": price + 7_000_000, "buyer": "Lê Văn Tám",
                                                              "deposit": price // 10})])
    svc.advance(engine, priced_before, "request_reappraisal", "cv_1_0", "2025-11-10", ["ground=officer_error"],
                "Sai quy trình")
    svc.advance(engine, priced_before, "record_appraisal", "cv_1_0", "2025-11-12", ["price=123000000"], None)
    aid = svc.seize(engine, "cv_1_0", "99/2024/QĐ", "HG-NB", "movable", "Xe ô tô", on=dt.date(2024, 3, 1))
    svc.advance(engine, aid, "agree_price", "cv_1_0", "2024-03-20", ["price=50000000"], None)
    province_walk.walk(engine, random.Random(99), 30)


_PAST = ("FROM audit_log a LEFT JOIN report_marks m ON m.chain = a.chain WHERE a.log_seq > COALESCE(m.log_seq, 0)")


def test_reports_are_the_same_unfolded_folded_with_a_tail_and_folded_again(copy, spied):
    url, engine = copy
    priced_before = _priced_before(engine)
    unfolded = _reports(engine)
    _assert_same(unfolded, _legacy(engine))
    assert not spied  # nothing folded: the log, as before
    first = reports.rollup_fold(engine, "admin")
    total = _count(engine, "SELECT count(*) FROM audit_log")
    assert first["rows"] == total and first["added"] == _count(
        engine, "SELECT (SELECT count(*) FROM report_years) + (SELECT count(*) FROM report_months) "
                "+ (SELECT count(*) FROM report_spans)")
    _assert_same(_reports(engine), unfolded)
    assert len(spied) == len(ACTORS) * 3 * len(YEARS)  # every reporting year read the kept answers
    _tail(engine, priced_before)
    # the tail has what the kept answers cannot know alone
    assert _count(engine, f"SELECT count(*) {_PAST} AND a.trigger = 'cancel_result' AND EXISTS (SELECT 1 FROM "
                          "report_sales s JOIN audit_log p ON p.id = s.sale_id WHERE p.asset_id = a.asset_id)") >= 1
    assert _count(engine, f"SELECT count(*) {_PAST} AND a.trigger = 'record_sale'") >= 1
    assert _count(engine, f"SELECT count(*) {_PAST} AND a.trigger = 'record_appraisal' AND EXISTS (SELECT 1 FROM "
                          "audit_log p WHERE p.asset_id = a.asset_id AND p.trigger IN ('agree_price', "
                          "'record_appraisal') AND p.log_seq <= m.log_seq AND p.chain = a.chain)") >= 1
    assert _count(engine, f"SELECT count(*) {_PAST} AND a.trigger = 'hand_over' "
                          "AND a.changes NOT LIKE '%\"deadline\":%'") >= 1  # its deadline from an earlier row
    assert _count(engine, f"SELECT count(*) {_PAST} AND a.business_date < '2024-10-01'") >= 2  # back-dated
    spied.clear()
    with_tail = _reports(engine)
    assert with_tail != unfolded  # the new steps are counted ...
    _assert_same(with_tail, _legacy(engine))  # ... exactly as reading the log counts them
    assert len(spied) == len(ACTORS) * 3 * len(YEARS)
    second = reports.rollup_fold(engine, "admin")
    assert second["rows"] > 0
    _assert_same(_reports(engine), with_tail)
    assert reports.rollup_fold(engine, "admin")["rows"] == 0  # nothing new: nothing folded twice
    _assert_same(_reports(engine), with_tail)
    assert reports.rollup_check(engine, "admin") == {"kept": True, "differs": None}


def test_a_tail_past_the_limit_reads_the_log_as_before(copy, monkeypatch, spied):
    url, engine = copy
    reports.rollup_fold(engine, "admin")
    province_walk.walk(engine, random.Random(5), 10)
    want = _legacy(engine, YEARS)
    monkeypatch.setattr(kept, "TAIL_LIMIT", 0)
    _assert_same(_reports(engine, YEARS), want)
    assert not spied


def test_a_back_dated_step_after_a_fold_is_counted_in_its_year(copy):
    url, engine = copy
    reports.rollup_fold(engine, "admin")
    before = reports.summary(engine, "ld_tinh", year=2024)
    aid = svc.seize(engine, "cv_1_0", "98/2024/QĐ", "HG-NB", "movable", "Xe ô tô", on=dt.date(2024, 3, 1))
    svc.advance(engine, aid, "agree_price", "cv_1_0", "2024-03-20", ["price=50000000"], None)
    for folded in (False, True):
        if folded:
            reports.rollup_fold(engine, "admin")
        after = reports.summary(engine, "ld_tinh", year=2024)
        assert after["total"]["seized"] == before["total"]["seized"] + 1
        assert after["total"]["priced"] == before["total"]["priced"] + 1
        assert after == legacy_summary(engine, "ld_tinh", year=2024)
        assert reports.stages(engine, "admin", year=2024) == legacy_stages(engine, "admin", year=2024)


def test_two_folds_at_once_do_not_count_a_row_twice(copy):
    url, engine = copy
    want = _legacy(engine)
    results, errors = [], []
    start = threading.Barrier(2)

    def fold():
        try:
            start.wait()
            results.append(reports.rollup_fold(db.get_engine(url), "admin"))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=fold) for _ in range(2)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not errors
    assert sorted(r["rows"] for r in results)[0] == 0 and sum(r["rows"] for r in results) > 400
    _assert_same(_reports(engine), want)
    assert reports.rollup_check(engine, "admin")["differs"] is None


def test_check_finds_an_altered_kept_row(copy):
    url, engine = copy
    cli = Cli(url)
    r = cli("report", "rollup", "--json", actor="admin")
    assert r.exit_code == 0, r.output
    assert '"rows":' in r.output
    r = cli("report", "rollup", "--check", actor="admin")
    assert r.exit_code == 0, r.output
    with engine.begin() as conn:
        year, office, part, sub, packed = conn.execute(text(
            "SELECT year, office, part, sub, packed FROM report_years WHERE part = 'stage' AND grain = 'o' "
            "AND office = 'HG-NB' ORDER BY year DESC, sub LIMIT 1")).one()
        hist = json.loads(packed)
        hist[next(iter(hist))] += 1
        conn.execute(text("UPDATE report_years SET packed = :p WHERE year = :y AND grain = 'o' AND office = :o "
                          "AND part = :part AND sub = :sub"),
                     {"p": json.dumps(hist), "y": year, "o": office, "part": part, "sub": sub})
    r = cli("report", "rollup", "--check", actor="admin")
    assert r.exit_code == 1
    [line] = r.output.splitlines()
    for word in (str(year), office, part, sub):
        assert word in line, line
    assert reports.stages(engine, "ld_1", year=year) != legacy_stages(engine, "ld_1", year=year)  # it was read


def test_only_an_administrator_folds(copy):
    url, engine = copy
    cli = Cli(url)
    r = cli("report", "rollup", actor="ld_tinh")
    assert r.exit_code == 1 and len(r.output.splitlines()) == 1
    assert _count(engine, "SELECT count(*) FROM access_log WHERE action = 'report rollup' AND actor = 'ld_tinh'") == 1
    assert _count(engine, "SELECT count(*) FROM report_marks") == 0


def test_the_migration_from_0020_keeps_the_data_and_starts_unfolded(copy):
    url, engine = copy
    reports.rollup_fold(engine, "admin")
    want = _legacy(engine)
    engine.dispose()
    assert db.downgrade(url, "0020") == "0020"
    assert db.upgrade(url) == db.SCHEMA_HEAD
    engine = db.open_db(url)
    assert _count(engine, "SELECT count(*) FROM report_years") == 0
    _assert_same(_reports(engine), want)  # nothing folded: the log, as before
    assert reports.rollup_fold(engine, "admin")["rows"] > 400
    _assert_same(_reports(engine), want)


def test_the_migration_to_0027_empties_the_months_and_the_next_fold_fills_months_and_spans(copy, spied_months):
    """0027 empties the months (their priced entries were keyed by month); until the next fold the
    periods other than a year read the log; that fold, with no new row, fills months and spans from
    the folded rows; downgrading drops the spans and empties the months (0026's fold fills them)."""
    url, engine = copy
    reports.rollup_fold(engine, "admin")
    want = _legacy(engine, MONTHS)
    engine.dispose()
    assert db.downgrade(url, "0026") == "0026"
    engine = db.get_engine(url)
    with engine.begin() as conn:
        assert conn.execute(text("SELECT to_regclass('report_spans')")).scalar() is None
        assert conn.execute(text("SELECT count(*) FROM report_months")).scalar() == 0
        conn.execute(text("INSERT INTO report_months VALUES (202511, 'o', 'HG-NB', 0, 'priced', '', :p)"),
                     {"p": '{"0": 1}'})  # as 0026's fold keeps them (by the previous month)
    engine.dispose()
    assert db.upgrade(url) == db.SCHEMA_HEAD
    engine = db.open_db(url)
    assert _count(engine, "SELECT (SELECT count(*) FROM report_months) + (SELECT count(*) FROM report_spans)") == 0
    _assert_same(_reports(engine, MONTHS), want)
    assert not spied_months  # not kept yet: the log
    r = Cli(url)("report", "rollup", "--lang", "en", actor="admin")
    made = re.search(r"nothing new to fold; (\d+) kept rows \(by day, ten days or month\) that a database upgrade "
                     r"left empty were made again", r.output)
    assert r.exit_code == 0 and made, r.output
    refilled = _count(engine, "SELECT (SELECT count(*) FROM report_months) + (SELECT count(*) FROM report_spans)")
    assert _count(engine, "SELECT count(*) FROM report_spans") > 0 and 0 < refilled <= int(made.group(1))
    _assert_same(_reports(engine, MONTHS), want)
    assert len(spied_months) == len(ACTORS) * 2 * len(MONTHS)
    assert reports.rollup_check(engine, "admin") == {"kept": True, "differs": None}


def test_the_scheduler_folds_and_records_its_run(copy):
    url, engine = copy
    want = _legacy(engine, YEARS)
    scheduler.rollup_job(url)
    with engine.connect() as conn:
        outcome, detail = conn.execute(text("SELECT outcome, detail FROM scheduler_runs WHERE job = 'rollup'")).one()
    assert outcome == "ok" and "audit rows folded" in detail
    assert reports.rollup_fold(engine, "admin")["rows"] == 0
    _assert_same(_reports(engine, YEARS), want)


def test_the_command_folds_on_postgresql_and_says_sqlite_keeps_none(cli, world, db_url):
    """On SQLite (one office) the reports read the log and the command says so; on PostgreSQL it
    folds, then has nothing left to fold, and the check matches."""
    said = [cli(*args, "--lang", "en", actor="admin") for args in
            (("report", "rollup"), ("report", "rollup"), ("report", "rollup", "--check"))]
    assert all(r.exit_code == 0 for r in said), [r.output for r in said]
    if db_url.startswith("sqlite"):
        assert all("SQLite keeps nothing" in r.output for r in said), [r.output for r in said]
    else:
        assert said[0].output.startswith("folded ") and "nothing to fold" in said[1].output
        assert "match the audit rows they fold" in said[2].output


def _priced_in_two_months(engine, folded_too: bool) -> int:
    """An asset priced in 2025-11 and priced again in 2025-12 (with ``folded_too`` both before the
    fold; else the second pricing after it, in the tail)."""
    aid = svc.seize(engine, "cv_1_0", f"95/{int(folded_too)}/2025/QĐ", "HG-NB", "movable", "Xe ô tô",
                    on=dt.date(2025, 11, 1))
    svc.advance(engine, aid, "agree_price", "cv_1_0", "2025-11-05", ["price=70000000"], None)
    return aid


def _price_again(engine, aid: int):
    svc.advance(engine, aid, "request_reappraisal", "cv_1_0", "2025-12-03", ["ground=officer_error"], "Sai quy trình")
    svc.advance(engine, aid, "record_appraisal", "cv_1_0", "2025-12-10", ["price=90000000"], None)


def test_periods_other_than_a_year_read_the_kept_months_and_equal_the_log(copy, spied_months, spied_officer):
    """The kept months (by office and the stages; by officer the kept officer units), their ragged edges and the
    rows past the marks give what reading the log gives, before a fold, after it, with a tail
    (back-dated rows, a folded sale cancelled, an asset priced in two months of a period), after a
    database folded before the months were kept is folded again, and after a second fold."""
    url, engine = copy
    _price_again(engine, _priced_in_two_months(engine, True))
    again = _priced_in_two_months(engine, False)
    priced_before = _priced_before(engine)
    _assert_same(_reports(engine, MONTHS), _legacy(engine, MONTHS))
    assert not spied_months and not spied_officer  # nothing folded: the log
    reports.rollup_fold(engine, "admin")
    assert _count(engine, "SELECT count(*) FROM report_months") > 0
    # by officer, per day: an entry priced again by the same officer keeps the day it was priced before
    assert _count(engine, "SELECT count(*) FROM report_officer_units WHERE kind = 'd'") > 0
    # an asset priced in an earlier month of its office is kept by that month
    assert _count(engine, "SELECT count(*) FROM report_months WHERE part = 'priced' AND packed ~ '\"[1-9]'") > 0
    _assert_same(_reports(engine, MONTHS), _legacy(engine, MONTHS))
    assert sorted(set(spied_months)) == ["office"] and len(spied_months) == len(ACTORS) * 2 * len(MONTHS)
    assert sorted(set(spied_officer)) == ["officer"] and len(spied_officer) == len(ACTORS) * len(MONTHS)
    _tail(engine, priced_before)
    _price_again(engine, again)
    cancelled = _count(engine, f"SELECT count(*) {_PAST} AND a.trigger = 'cancel_result' AND EXISTS (SELECT 1 FROM "
                               "report_sales s JOIN audit_log p ON p.id = s.sale_id WHERE p.asset_id = a.asset_id)")
    assert cancelled >= 1
    with engine.connect() as conn:  # the month of the folded sale the tail cancels, and a ragged period around it
        sold, voided = conn.execute(text(
            "SELECT p.business_date, a.business_date FROM audit_log a JOIN report_marks m ON m.chain = a.chain "
            "JOIN report_sales s ON true JOIN audit_log p ON p.id = s.sale_id AND p.asset_id = a.asset_id "
            "WHERE a.log_seq > m.log_seq AND a.trigger = 'cancel_result' LIMIT 1")).one()
    month = sold.replace(day=1)
    periods = MONTHS + [{"start": str(month), "end": str((month + dt.timedelta(days=32)).replace(day=1)
                                                         - dt.timedelta(days=1))},
                        {"start": str(sold), "end": str(voided)}, {"start": str(month), "end": str(voided)}]
    spied_months.clear()
    spied_officer.clear()
    with_tail = _reports(engine, periods)
    _assert_same(with_tail, _legacy(engine, periods))
    assert len(spied_months) == len(ACTORS) * 2 * len(periods)
    assert len(spied_officer) == len(ACTORS) * len(periods)
    with engine.begin() as conn:  # as a database folded before the spans were kept (migration 0027 empties the months)
        conn.execute(text("DELETE FROM report_months"))  # and before the officer units were (0029 creates them empty)
        conn.execute(text("DELETE FROM report_spans"))
        conn.execute(text("DELETE FROM report_officer_units"))
    spied_months.clear()
    spied_officer.clear()
    _assert_same(_reports(engine, periods), with_tail)
    assert not spied_months and not spied_officer  # not kept yet: the log
    province_walk.walk(engine, random.Random(17), 10)
    reports.rollup_fold(engine, "admin")  # fills the months of the rows folded before, then folds the tail
    want = _legacy(engine, periods)
    _assert_same(_reports(engine, periods), want)
    assert reports.rollup_check(engine, "admin") == {"kept": True, "differs": None}
    assert len(spied_months) == len(ACTORS) * 2 * len(periods)
    assert len(spied_officer) == len(ACTORS) * len(periods)  # filled by the fold from the rows folded before
    reports.rollup_fold(engine, "admin")
    _assert_same(_reports(engine, periods), want)


def test_a_period_is_its_kept_units_and_live_days_each_day_once():
    """kept_periods.plan: the kept months and spans (with their signs) and the live days count every
    day of the period once and no other; at most six live days an edge (half an 11-day span); whole months
    read no span."""
    rnd = random.Random(3)
    for i in range(3000):
        start = dt.date(2024, 1, 1) + dt.timedelta(days=rnd.randrange(800))
        end = start + dt.timedelta(days=rnd.randrange(400 if i % 2 else 40))
        the = kept_periods.plan(start, end)
        live = {}
        for first, last, sign in the.live:
            for k in range((last - first).days + 1):
                live[first + dt.timedelta(days=k)] = live.get(first + dt.timedelta(days=k), 0) + sign
        for k in range(-70, (end - start).days + 71):
            day = start + dt.timedelta(days=k)
            assert the.weight(day) + live.get(day, 0) == int(start <= day <= end), (start, end, day, the)
        assert sum((last - first).days + 1 for first, last, _ in the.live) <= 12, (start, end, the)
    assert kept_periods.plan(dt.date(2026, 4, 1), dt.date(2026, 6, 30)).spans == {}
    assert kept_periods.plan(dt.date(2025, 3, 3), dt.date(2025, 5, 20)).spans == {2025053: -1}


@pytest.mark.parametrize("table, unit", [("report_months", "month"), ("report_spans", "span")])
def test_check_finds_an_altered_kept_month_or_span(copy, table, unit):
    url, engine = copy
    reports.rollup_fold(engine, "admin")
    assert reports.rollup_check(engine, "admin")["differs"] is None
    with engine.begin() as conn:
        at, packed = conn.execute(text(
            f"SELECT {unit}, packed FROM {table} WHERE part = 'stage' AND grain = 'o' AND office = 'HG-NB' "
            f"ORDER BY {unit} DESC, sub LIMIT 1")).one()
        hist = json.loads(packed)
        hist[next(iter(hist))] += 1
        conn.execute(text(f"UPDATE {table} SET packed = :p WHERE {unit} = :m AND grain = 'o' AND office = 'HG-NB' "
                          "AND packed = :old"), {"p": json.dumps(hist), "m": at, "old": packed})
    r = Cli(url)("report", "rollup", "--check", "--lang", "en", actor="admin")
    assert r.exit_code == 1
    if unit == "month":
        assert f"month {at // 100}-{at % 100:02d}, office HG-NB" in r.output, r.output
    else:
        first = 1 + 10 * (at % 10 - 1)
        assert f"days {at // 1000}-{at // 10 % 100:02d}-{first:02d}.." in r.output, r.output
        assert ", office HG-NB" in r.output and "ten-day" in r.output, r.output


def test_check_finds_an_altered_kept_officer_day(copy):
    url, engine = copy
    reports.rollup_fold(engine, "admin")
    assert reports.rollup_check(engine, "admin")["differs"] is None
    with engine.begin() as conn:
        day, counts = conn.execute(text(
            "SELECT unit, counts FROM report_officer_units WHERE kind = 'd' AND office = 'HG-NB' "
            "AND length(counts) > 0 ORDER BY unit DESC LIMIT 1")).one()
        altered = (int.from_bytes(counts[:8], "big") + 1).to_bytes(8, "big") + counts[8:]
        conn.execute(text("UPDATE report_officer_units SET counts = :c WHERE kind = 'd' AND unit = :d "
                          "AND office = 'HG-NB'"), {"c": altered, "d": day})
    r = Cli(url)("report", "rollup", "--check", "--lang", "en", actor="admin")
    assert r.exit_code == 1
    first = 1 + 10 * min((day % 100 - 1) // 10, 2)
    assert f"days {day // 10000}-{day // 100 % 100:02d}-{first:02d}.." in r.output, r.output
    assert ", office HG-NB" in r.output, r.output
