"""The kept rollup of the reports (issue 16, PostgreSQL): a report reads the rollup of its period and
the rows past the marks, and gives exactly what reading the log gives, whenever the folds ran.

A generated province (tests/province_walk.py) and a second province of a few assets are built once;
each test works on a copy. Every report is compared with ``tests/reports/legacy_reports.py`` (the
implementation before issue 16, reading the log), for the country (the administrator) and a
province and a branch, by office, by officer and for the stages.
"""

from __future__ import annotations

import datetime as dt
import random
import threading

import province_walk
import pytest
from conftest import Cli, _pg_url, drop_pg, fresh_pg
from legacy_reports import stages as legacy_stages
from legacy_reports import summary as legacy_summary
from sqlalchemy import text

from auction_flow.features.admin import service as admin
from auction_flow.features.assets import service as svc
from auction_flow.features.reports import rollup
from auction_flow.features.reports import service as reports
from auction_flow.frontends import scheduler
from auction_flow.storage import db

ACTORS = ("admin", "ld_tinh", "ld_1")  # the country, a province, a branch
PERIODS = [{"year": 2024}, {"year": 2025}, {"start": "2024-11-15", "end": "2025-02-10"},
           {"start": "2023-01-01", "end": "2026-12-31"}]


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


def _reports(engine) -> dict:
    return {(kind, actor, str(period)): (reports.stages(engine, actor, **period) if kind == "stages"
                                         else reports.summary(engine, actor, by=kind, **period))
            for kind in ("office", "officer", "stages") for actor in ACTORS for period in PERIODS}


def _legacy(engine) -> dict:
    return {(kind, actor, str(period)): (legacy_stages(engine, actor, **period) if kind == "stages"
                                         else legacy_summary(engine, actor, by=kind, **period))
            for kind in ("office", "officer", "stages") for actor in ACTORS for period in PERIODS}


def _assert_same(got: dict, want: dict):
    assert got.keys() == want.keys()
    for k in want:
        assert got[k] == want[k], k


def _days(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(text("SELECT count(*) FROM report_days")).scalar()


def test_reports_are_the_same_unfolded_folded_with_a_tail_and_folded_again(copy):
    url, engine = copy
    unfolded = _reports(engine)
    _assert_same(unfolded, _legacy(engine))
    first = reports.rollup_fold(engine, "admin")
    assert first["rows"] > 400 and first["added"] > 100 and _days(engine) == first["added"]
    _assert_same(_reports(engine), unfolded)
    # more steps over every year (many dated before the fold's days): the live tail
    province_walk.walk(engine, random.Random(99), 25)
    with_tail = _reports(engine)
    assert with_tail != unfolded  # the new steps are counted ...
    _assert_same(with_tail, _legacy(engine))  # ... exactly as reading the log counts them
    second = reports.rollup_fold(engine, "admin")
    assert second["rows"] > 0 and set(second["marks"]) <= set(first["marks"]) | {"admin"}
    _assert_same(_reports(engine), with_tail)
    assert reports.rollup_fold(engine, "admin")["rows"] == 0  # nothing new: nothing folded twice
    _assert_same(_reports(engine), with_tail)
    assert reports.rollup_check(engine, "admin") == {"kept": True, "differs": None}


def test_a_tail_past_the_limit_reads_the_log_as_before(copy, monkeypatch):
    url, engine = copy
    reports.rollup_fold(engine, "admin")
    province_walk.walk(engine, random.Random(5), 10)
    want = _legacy(engine)
    with engine.connect() as conn:
        assert rollup.usable(conn)
        monkeypatch.setattr(rollup, "TAIL_LIMIT", 0)
        assert not rollup.usable(conn)
    _assert_same(_reports(engine), want)


def test_a_back_dated_step_after_a_fold_is_counted_on_its_day(copy):
    url, engine = copy
    reports.rollup_fold(engine, "admin")
    before = reports.summary(engine, "ld_tinh", year=2024)
    seized_left = sum(r["count"] for r in reports.stages(engine, "ld_tinh", year=2024)["rows"] if r["stage"] == "seized")
    aid = svc.seize(engine, "cv_1_0", "99/2024/QĐ", "HG-NB", "movable", "Xe ô tô", on=dt.date(2024, 3, 1))
    svc.advance(engine, aid, "agree_price", "cv_1_0", "2024-03-20", ["price=50000000"], None)
    for folded in (False, True):
        if folded:
            reports.rollup_fold(engine, "admin")
        after = reports.summary(engine, "ld_tinh", year=2024)
        assert after["total"]["seized"] == before["total"]["seized"] + 1
        assert after == legacy_summary(engine, "ld_tinh", year=2024)
        stages = reports.stages(engine, "ld_tinh", year=2024)
        assert stages == legacy_stages(engine, "ld_tinh", year=2024)
        assert sum(r["count"] for r in stages["rows"] if r["stage"] == "seized") == seized_left + 1


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


def test_check_finds_an_altered_rollup_row(copy):
    url, engine = copy
    cli = Cli(url)
    r = cli("report", "rollup", "--json", actor="admin")
    assert r.exit_code == 0, r.output
    assert '"rows":' in r.output
    r = cli("report", "rollup", "--check", actor="admin")
    assert r.exit_code == 0, r.output
    with engine.begin() as conn:
        day, office, part, sub = conn.execute(text(
            "UPDATE report_days SET n = n + 1 WHERE ctid = (SELECT ctid FROM report_days WHERE part = 'stage' "
            "ORDER BY day DESC LIMIT 1) RETURNING day, office, part, sub")).one()
    r = cli("report", "rollup", "--check", actor="admin")
    assert r.exit_code == 1
    [line] = r.output.splitlines()
    for word in (str(day), office, part, sub):
        assert word in line, line
    assert reports.stages(engine, "admin", start=str(day), end=str(day)) != legacy_stages(
        engine, "admin", start=str(day), end=str(day))  # the report did read the altered row


def test_only_an_administrator_folds(copy):
    url, engine = copy
    cli = Cli(url)
    r = cli("report", "rollup", actor="ld_tinh")
    assert r.exit_code == 1 and len(r.output.splitlines()) == 1
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM access_log WHERE action = 'report rollup' "
                                 "AND actor = 'ld_tinh'")).scalar() == 1
        assert conn.execute(text("SELECT count(*) FROM report_marks")).scalar() == 0


def test_the_migration_from_0020_keeps_the_data_and_starts_unfolded(copy):
    url, engine = copy
    reports.rollup_fold(engine, "admin")
    want = _legacy(engine)
    engine.dispose()
    assert db.downgrade(url, "0020") == "0020"
    assert db.upgrade(url) == db.SCHEMA_HEAD
    engine = db.open_db(url)
    assert _days(engine) == 0
    _assert_same(_reports(engine), want)  # nothing folded: the log, as before
    assert reports.rollup_fold(engine, "admin")["rows"] > 400
    _assert_same(_reports(engine), want)


def test_the_scheduler_folds_and_records_its_run(copy):
    url, engine = copy
    want = _legacy(engine)
    scheduler.rollup_job(url)
    with engine.connect() as conn:
        outcome, detail = conn.execute(text("SELECT outcome, detail FROM scheduler_runs WHERE job = 'rollup'")).one()
        assert conn.execute(text("SELECT count(*) FROM report_marks")).scalar() >= 4  # HG's, CT's, admin...
    assert outcome == "ok" and "audit rows folded" in detail
    assert reports.rollup_fold(engine, "admin")["rows"] == 0
    _assert_same(_reports(engine), want)


def test_the_command_folds_on_postgresql_and_says_sqlite_keeps_none(cli, world, db_url):
    """On SQLite (one office) the reports read the log and the command says so; on PostgreSQL it
    folds, then has nothing left to fold, and the check matches."""
    said = [cli(*args, "--lang", "en", actor="admin") for args in
            (("report", "rollup"), ("report", "rollup"), ("report", "rollup", "--check"))]
    assert all(r.exit_code == 0 for r in said), [r.output for r in said]
    if db_url.startswith("sqlite"):
        assert all("SQLite keeps no rollup" in r.output for r in said), [r.output for r in said]
    else:
        assert said[0].output.startswith("folded ") and "nothing to fold" in said[1].output
        assert "matches the audit rows it folded" in said[2].output
