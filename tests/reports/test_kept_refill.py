"""The officer and organisation units a revision empties (0029, 0033, 0034), made again by the next fold
office by office in parts, each its own transaction (issue 16, PostgreSQL; kept_refill): the same units one
fold made, a refill killed between parts goes on (its units not read meanwhile), a fold of new rows during
a refill makes the rest inside its transaction; and a database folded at revision 0028 upgraded to head and
folded again reads every report family as the log gives it. The province of tests/reports/test_kept.py."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap

import province_walk
from conftest import Cli
from legacy_reports import stages as legacy_stages
from legacy_reports import summary as legacy_summary
from sqlalchemy import text
from test_kept import ACTORS, MONTHS, YEARS, _assert_same, _priced_before, _tail
from test_kept import built, copy  # noqa: F401 - fixtures
from test_kept_batches import SMALL, _org_units, twin  # noqa: F401 - twin: a fixture

from auction_flow.features.reports import kept_officer, kept_org_periods, kept_refill
from auction_flow.features.reports import service as reports
from auction_flow.storage import db

EMPTIED = ("report_officer_units", "report_org_units", "report_org_codes")  # as 0033 and 0034 leave them
KINDS = ("office", "officer", "auction-org", "appraisal-org", "stages")
# a reporting year, a month, a quarter, ragged edges, one day, across two reporting years
SOME = YEARS + [MONTHS[i] for i in (0, 1, 3, 4, 12)]


def _all(engine, periods=SOME, legacy=False) -> dict:
    summary, stages = (legacy_summary, legacy_stages) if legacy else (reports.summary, reports.stages)
    return {(kind, actor, str(period)): (stages(engine, actor, **period) if kind == "stages"
                                         else summary(engine, actor, by=kind, **period))
            for kind in KINDS for actor in ACTORS for period in periods}


def _units(engine) -> dict:
    with engine.connect() as conn:
        return {t: sorted(conn.execute(text(f"SELECT * FROM {t}")).all())
                for t in ("report_officer_units", "report_org_units", "report_org_codes")}


def _empty(engine) -> None:
    with engine.begin() as conn:
        for t in EMPTIED:
            conn.execute(text(f"DELETE FROM {t}"))


def _usable(engine) -> tuple:
    with engine.connect() as conn:
        return kept_officer.usable(conn), kept_org_periods.usable(conn)


def test_a_refill_in_parts_makes_the_units_one_fold_made(copy):
    url, engine = copy
    assert reports.fold_now(engine, batch_rows=10 ** 9)["batches"] == 1
    before = _units(engine)
    assert all(before.values())
    _empty(engine)
    assert _usable(engine) == (False, False)
    steps = []
    out = reports.fold_now(engine, progress=steps.append, batch_rows=SMALL)
    assert out["rows"] == 0 and out["added"] >= len(before["report_officer_units"]) + len(before["report_org_units"])
    assert len(steps) > 3 and {s["code"] for s in steps} == {"rollup_refill"}
    assert [s["part"] for s in steps] == list(range(1, len(steps) + 1)) and steps[-1]["rows"] == steps[-1]["of"]
    assert _units(engine) == before  # every unit, byte for byte, and the organisations' numbers
    assert _usable(engine) == (True, True)
    assert reports.rollup_check(engine, "admin") == {"kept": True, "differs": None}
    assert reports.fold_now(engine)["added"] == 0  # made once


_KILLED = textwrap.dedent("""
    import sys, time
    from auction_flow.features.reports import service as reports
    from auction_flow.storage import db

    def told(step):
        print(step["code"], step["part"], flush=True)
        if step["part"] == 2:
            time.sleep(600)  # killed here: two parts committed, the third not begun

    reports.fold_now(db.open_db(sys.argv[1]), progress=told, batch_rows=int(sys.argv[2]))
""")


def test_a_refill_killed_between_parts_goes_on_and_a_fold_meanwhile_makes_the_rest(copy, twin):
    url, engine = copy
    priced_before = _priced_before(engine)
    assert _priced_before(twin[1]) == priced_before
    for e in (engine, twin[1]):
        reports.fold_now(e, batch_rows=10 ** 9)
    _empty(engine)
    proc = subprocess.Popen([sys.executable, "-c", _KILLED, url, str(SMALL)], stdout=subprocess.PIPE, text=True,
                            env={**os.environ})
    try:
        said = [proc.stdout.readline().strip() for _ in range(2)]
        assert said == ["rollup_refill 1", "rollup_refill 2"], said
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    with engine.connect() as conn:
        made = [conn.execute(text(f"SELECT office FROM {u.table} WHERE kind = 'r'")).scalar()
                for u in (kept_officer.UNITS, kept_org_periods.UNITS)]
        assert all(made) and conn.execute(text("SELECT count(*) FROM report_officer_units")).scalar() > 1
    assert _usable(engine) == (False, False)  # half made: not read
    want = _all(engine, legacy=True)
    _assert_same(_all(engine), want)  # read from the log meanwhile
    # rows written meanwhile (a folded sale cancelled, a pricing again, back-dated rows), folded by a fold that
    # does not run the refill first (the hourly job racing it): its batch's days, then the rest of the offices
    for e in (engine, twin[1]):
        _tail(e, priced_before)
        province_walk.walk(e, random.Random(5), 5)
    real = kept_refill.run
    kept_refill.run = lambda *args, **kwargs: 0
    try:
        got = reports.fold_now(engine, batch_rows=10 ** 9)
    finally:
        kept_refill.run = real
    assert got["rows"] > 0 and _usable(engine) == (True, True)
    reports.fold_now(twin[1], batch_rows=10 ** 9)
    ours, theirs = _units(engine), _units(twin[1])
    assert ours["report_officer_units"] == theirs["report_officer_units"]
    assert _org_units(engine) == _org_units(twin[1])  # the organisations may be numbered otherwise
    assert reports.rollup_check(engine, "admin") == {"kept": True, "differs": None}
    _assert_same(_all(engine), _all(engine, legacy=True))


def test_the_command_goes_on_with_a_refill_stopped_and_tells_each_part(copy, monkeypatch):
    url, engine = copy
    reports.fold_now(engine, batch_rows=10 ** 9)
    before = _units(engine)
    _empty(engine)
    proc = subprocess.Popen([sys.executable, "-c", _KILLED, url, str(SMALL)], stdout=subprocess.PIPE, text=True,
                            env={**os.environ})
    try:
        assert [proc.stdout.readline().strip() for _ in range(2)] == ["rollup_refill 1", "rollup_refill 2"]
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    monkeypatch.setattr(kept_refill, "PART_ROWS", SMALL)
    r = Cli(url)("report", "rollup", "--lang", "en", actor="admin")
    lines = r.output.splitlines()
    assert r.exit_code == 0 and lines[0].startswith("part 1/") and "made again" in lines[0], r.output
    assert lines[-1].startswith("nothing new to fold;"), r.output
    assert _units(engine) == before
    _empty(engine)
    r = Cli(url)("report", "rollup", "--lang", "vi", actor="admin")
    assert r.exit_code == 0 and r.output.startswith("phần 1/"), r.output
    assert _units(engine) == before


def test_a_database_folded_at_0028_upgraded_and_folded_again_reads_every_report_as_the_log(copy):
    """Folded, then downgraded to 0028 (what a fold kept then: years, months, spans, sales, organisations'
    years; no officer units, offices' priced days or organisation units) and upgraded to head: every report
    family equal to the log before the next fold (the units empty: read live), after it (the refill in parts:
    the units made), with a tail and after it is folded; --check clean."""
    url, engine = copy
    priced_before = _priced_before(engine)
    reports.fold_now(engine)
    want = _all(engine, legacy=True)
    engine.dispose()
    assert db.downgrade(url, "0028") == "0028"
    assert db.upgrade(url) == db.SCHEMA_HEAD
    engine = db.open_db(url)
    assert all(not rows for rows in _units(engine).values()) and _usable(engine) == (False, False)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM report_years")).scalar() > 0
    _assert_same(_all(engine), want)
    r = Cli(url)("report", "rollup", "--lang", "en", actor="admin")  # nothing new to fold: the refill
    lines = r.output.splitlines()
    assert r.exit_code == 0 and lines[-1].startswith("nothing new to fold;") and len(lines) == 1, r.output
    assert _usable(engine) == (True, True)
    _assert_same(_all(engine), want)
    r = Cli(url)("report", "rollup", "--check", actor="admin")
    assert r.exit_code == 0, r.output
    _tail(engine, priced_before)
    want = _all(engine, legacy=True)
    _assert_same(_all(engine), want)
    assert reports.fold_now(engine)["rows"] > 0
    _assert_same(_all(engine), want)
    r = Cli(url)("report", "rollup", "--check", actor="admin")
    assert r.exit_code == 0, r.output
