"""The fold in batches (issue 16, PostgreSQL; auction_flow/features/reports/kept_batches.py): a first
fold cut into many small batches, each its own transaction, keeps exactly the rows one fold keeps,
and a fold killed between two batches (a real process, SIGKILL) goes on from its last committed
batch to the same kept rows. The province of tests/reports/test_kept.py, its fixtures imported."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import textwrap

import province_walk
import pytest
from conftest import Cli, _pg_url, drop_pg, fresh_pg
from sqlalchemy import text
from test_kept import (YEARS, _assert_same, _legacy, _priced_before, _reports, _tail,  # noqa: F401 - fixtures
                       built, copy)

from auction_flow.features.reports import kept_batches
from auction_flow.features.reports import service as reports
from auction_flow.storage import db

SMALL = 97  # audit rows per batch: the province's chains are cut in pieces, several chains per batch too


@pytest.fixture
def twin(request, built):
    """A second copy of the province, folded in one batch: what every batched fold must keep."""
    admin_engine = request.getfixturevalue("pg_admin")
    name = fresh_pg(admin_engine, built)
    url = _pg_url(name)
    yield url, db.open_db(url)
    drop_pg(admin_engine, name)


# the organisations' codes (report_codes' names of organisations, report_org_codes) are numbered in the order the
# batches meet them, so the organisation units' keys differ by batches: compared by --check and the reports only
BY_CODE = {"report_codes", "report_org_codes", "report_org_units"}


def _kept(engine) -> dict:
    """Every kept table (report_*) but :data:`BY_CODE`, its rows sorted."""
    with engine.connect() as conn:
        tables = [t for (t,) in conn.execute(kept_batches._KEPT_TABLES) if t not in BY_CODE]
        out = {}
        for t in tables:
            rows = conn.execute(text(f'SELECT * FROM "{t}"')).all()
            out[t] = sorted((tuple(bytes(v) if isinstance(v, memoryview) else v for v in r) for r in rows), key=repr)
    assert {"report_years", "report_marks", "report_sales", "report_officer_units", "report_org_years"} <= set(out)
    return out


def _org_units(engine) -> list:
    """The organisation units kept (grouping, kind, unit, office) and how many entries each has (their keys
    depend on the codes' order, their number does not)."""
    with engine.connect() as conn:
        return conn.execute(text("SELECT grouping, kind, unit, office, length(keys) / 8 FROM report_org_units "
                                 "ORDER BY 1, 2, 3, 4")).all()


def _pending(engine) -> list:
    with engine.connect() as conn:
        return conn.execute(kept_batches._PENDING).all()


def test_plan_cuts_whole_chains_and_long_chains_in_pieces():
    assert kept_batches.plan([("a", 0, 3), ("b", 5, 9), ("c", 0, 12), ("d", 2, 3)], 5) == [
        {"a": 3}, {"b": 9}, {"c": 5}, {"c": 10}, {"c": 12, "d": 3}]
    assert kept_batches.plan([("a", 0, 3), ("b", 0, 2)], 5) == [{"a": 3, "b": 2}]
    assert kept_batches.plan([], 5) == []


def test_a_first_fold_in_batches_keeps_what_one_fold_keeps(copy, twin):
    url, engine = copy
    priced_before = _priced_before(engine)
    _priced_before(twin[1])
    pending = _pending(engine)
    total = sum(h - m for _, m, h in pending)
    assert max(h - m for _, m, h in pending) > SMALL  # some chain is cut in pieces
    one = reports.fold_now(twin[1], batch_rows=10 ** 9)
    assert one["batches"] == 1 and one["rows"] == total
    steps = []
    many = reports.fold_now(engine, progress=steps.append, batch_rows=SMALL)
    assert many["batches"] == len(steps) == len(kept_batches.plan(pending, SMALL)) > 3
    assert many["rows"] == total and many["marks"] == one["marks"]
    assert [s["batch"] for s in steps] == list(range(1, len(steps) + 1)) and steps[-1]["rows"] == total
    assert all(s["code"] == "rollup_batch" and s["of"] == total for s in steps)
    assert _kept(engine) == _kept(twin[1])
    assert _org_units(engine) == _org_units(twin[1])  # no unit left empty by a batch (kept by one fold: none)
    assert reports.rollup_check(engine, "admin") == {"kept": True, "differs": None}
    _assert_same(_reports(engine), _legacy(engine))
    # a tail (a folded sale cancelled, an asset priced again, back-dated rows), folded in batches and in one
    for e in (engine, twin[1]):
        _tail(e, priced_before)
    assert _pending(engine) == _pending(twin[1])
    assert reports.fold_now(twin[1], batch_rows=10 ** 9)["batches"] == 1
    assert reports.fold_now(engine, batch_rows=SMALL)["batches"] > 1
    assert _kept(engine) == _kept(twin[1])
    assert _org_units(engine) == _org_units(twin[1])
    assert reports.rollup_check(engine, "admin") == {"kept": True, "differs": None}
    _assert_same(_reports(engine, YEARS), _legacy(engine, YEARS))


_KILLED = textwrap.dedent("""
    import sys, time
    from auction_flow.features.reports import service as reports
    from auction_flow.storage import db

    def told(step):
        print(step["batch"], flush=True)
        if step["batch"] == 3:
            time.sleep(600)  # killed here: three batches committed, the fourth not begun

    reports.fold_now(db.open_db(sys.argv[1]), progress=told, batch_rows=int(sys.argv[2]))
""")


def test_a_fold_killed_between_batches_goes_on_to_the_same_kept_rows(copy, twin):
    url, engine = copy
    total = sum(h - m for _, m, h in _pending(engine))
    proc = subprocess.Popen([sys.executable, "-c", _KILLED, url, str(SMALL)], stdout=subprocess.PIPE, text=True,
                            env={**os.environ})
    try:
        said = [proc.stdout.readline().strip() for _ in range(3)]
        assert said == ["1", "2", "3"], said
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    left = sum(h - m for _, m, h in _pending(engine))
    assert 0 < left < total  # what three batches folded is kept, the rest is past the marks
    province_walk.walk(engine, random.Random(3), 5)  # written meanwhile
    province_walk.walk(twin[1], random.Random(3), 5)
    r = Cli(url)("report", "rollup", "--lang", "en", actor="admin")  # goes on, in one batch now
    assert r.exit_code == 0 and r.output.startswith("folded "), r.output
    reports.fold_now(twin[1])
    assert _kept(engine) == _kept(twin[1])
    assert reports.rollup_check(engine, "admin") == {"kept": True, "differs": None}
    _assert_same(_reports(engine, YEARS), _legacy(engine, YEARS))


def test_the_command_tells_each_batch_in_both_languages_and_as_codes(copy, monkeypatch):
    url, engine = copy
    monkeypatch.setattr(kept_batches, "BATCH_ROWS", 400)
    cli = Cli(url)
    r = cli("report", "rollup", "--json", actor="admin")
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    assert json.loads(lines[0])["code"] == "rollup_batch" and json.loads(lines[0])["batch"] == 1, lines[0]
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM report_marks"))
        for (t,) in conn.execute(kept_batches._KEPT_TABLES).all():
            conn.execute(text(f'DELETE FROM "{t}"'))
    r = cli("report", "rollup", "--lang", "vi", actor="admin")
    assert r.exit_code == 0 and r.output.startswith("lô 1/"), r.output
    with engine.begin() as conn:
        for (t,) in conn.execute(kept_batches._KEPT_TABLES).all():
            conn.execute(text(f'DELETE FROM "{t}"'))
    r = cli("report", "rollup", "--lang", "en", actor="admin")
    assert r.exit_code == 0 and r.output.startswith("batch 1/") and "folded " in r.output.splitlines()[-1], r.output
