"""Benchmark of the alert scan's complaint-risk rule: scan time at two sizes of history, same open set.

    .venv/bin/python bench/bench_open_risks.py                     # 20,000 and 200,000 past cancellations
    .venv/bin/python bench/bench_open_risks.py --history 5000 --pg # smaller, and on PostgreSQL too

Each database holds H past cancellations whose complaint-risk window a scan closed long ago (their
audit row, a follow-up re-auction row and the closed alert row a scan leaves), and the same OPEN
recent cancellations (inside their 30-day window, not followed up). The scan (``scanner.scan``) is
timed on the small history and on ten times that history. The rule reads the open set
(``complaint_risk_open``, issue 16), so a day's scan should take the same time on both: the ratio
big / small is the figure (goal: flat, ~1). The first scans after the load read every
cancellation once (the open set is empty, then the mark lags a scan: see
``features/alerts/open_risks.py``), as every scan did before the open set: their time is printed
beside, for the contrast.

Synthetic rows are written directly (this measures the scan, not the engine): hashed audit rows
with their chain links, as ``bench_audit_verify.py`` builds them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import emit, result  # noqa: E402

NOW = dt.date(2026, 11, 27)
CHAIN = "office:HG-VT"
PG = os.environ.get("AUCTION_FLOW_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")


def build(url: str, history: int, open_: int, batch: int = 20_000) -> None:
    from sqlalchemy import insert, text

    from auction_flow.common.config import now_utc
    from auction_flow.core import audit
    from auction_flow.core import workflow as workflow_mod
    from auction_flow.core.workflow import alerts_section as alert_rules
    from auction_flow.storage import db
    from auction_flow.storage.schema import alerts, assets, audit_heads, audit_log, offices, users

    db.upgrade(url)
    engine = db.get_engine(url)
    wf = workflow_mod.get()
    r = alert_rules.for_workflow(wf).complaint_risk
    stamp = now_utc()
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("ALTER TABLE audit_log DISABLE TRIGGER USER")
        conn.execute(insert(offices).values(id=1, code="HG-VT", name="bench", created_at=stamp))
        conn.execute(insert(users).values(id=1, username="ld_bench", name="bench", role="supervisor", office_id=1,
                                          active=True, created_at=stamp))
    base = dict(case_number="B", description="bench asset", kind="movable", office_id=1, officer_id=1,
                workflow=wf.name, workflow_version=wf.version, clock_extended=False, reduction_count=0,
                reappraisal_count=0, cancellation_count=1, version=2, last_hash=audit.GENESIS, created_at=stamp,
                deadline=None)
    log_seq, log_prev = 0, audit.GENESIS
    n = history + open_
    for start in range(1, n + 1, batch):
        ids = range(start, min(start + batch, n + 1))
        rows, asset_rows, closed = [], [], []
        for i in ids:
            past = i <= history  # past: cancelled years ago, re-auctioned, window closed by a scan
            day = (NOW - dt.timedelta(days=60 + (i % 3000))) if past else (NOW - dt.timedelta(days=1 + i % 20))
            steps = [("cancel_result", "paid", "auction_cancelled")]
            if past:
                steps.append((r.follow_up_triggers[0], "auction_cancelled", "auction_contracted"))
            prev = audit.GENESIS
            for seq, (trig, before, after) in enumerate(steps, start=1):
                at = dt.datetime.combine(day + dt.timedelta(days=seq - 1), dt.time(3), tzinfo=dt.timezone.utc)
                row = audit.make_row(prev, asset_id=i, seq=seq, event="transition", trigger=trig, from_state=before,
                                     to_state=after, actor="ld_bench", role="supervisor", office="HG-VT",
                                     business_date=at.date(), recorded_at=at, reason="bench",
                                     changes=json.dumps({"state": [before, after]}), imported=False, via=None)
                log_seq += 1
                row.update(actor_office="HG-VT", chain=CHAIN, log_seq=log_seq, log_prev_hash=log_prev)
                row["log_hash"] = log_prev = audit.link(CHAIN, log_prev, log_seq, row["hash"], "HG-VT")
                prev = row["hash"]
                rows.append(row)
            asset_rows.append(dict(base, id=i, state=steps[-1][2], state_entered_on=day, last_event_on=day,
                                   version=len(steps), last_hash=prev))
            if past:
                closed.append(dict(asset_id=i, rule="complaint_risk", level=r.level([]), state=r.state,
                                   entered_on=day, deadline=day + dt.timedelta(days=r.follow_up_days), basis=r.basis,
                                   office_id=1, officer_id=1, raised_on=day + dt.timedelta(days=31),
                                   raised_at=stamp, factors='{"factors": []}', status="resolved",
                                   resolution="window_closed", resolved_on=day + dt.timedelta(days=31)))
        with engine.begin() as conn:
            conn.execute(insert(assets), asset_rows)
            conn.execute(insert(audit_log), rows)
            if closed:
                conn.execute(insert(alerts), closed)
    with engine.begin() as conn:
        conn.execute(insert(audit_heads).values(chain=CHAIN, log_seq=log_seq, log_hash=log_prev))
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("ALTER TABLE audit_log ENABLE TRIGGER USER")
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("ANALYZE"))


def scans(url: str, rounds: int) -> dict:
    from auction_flow.features.alerts import scan as scanner
    from auction_flow.storage import db

    engine = db.open_db(url)
    first = []
    for _ in range(2):  # the open set filled: every cancellation read (the mark lags one scan)
        t0 = time.perf_counter()
        done = scanner.scan(engine, NOW)
        first.append(time.perf_counter() - t0)
    raised = done.summary()["by_rule_level"]
    times = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        scanner.scan(engine, NOW)
        times.append(time.perf_counter() - t0)
    from sqlalchemy import func, select

    from auction_flow.storage.schema import complaint_risk_open

    with engine.connect() as conn:
        kept = conn.execute(select(func.count()).select_from(complaint_risk_open)).scalar()
    engine.dispose()
    return {"first": first[0], "second": first[1], "scan": statistics.median(times), "open": kept,
            "raised": raised}


def _pg_url(name: str) -> str:
    from sqlalchemy.engine import make_url

    from auction_flow.common.config import db_url

    return make_url(db_url(PG)).set(database=name).render_as_string(hide_password=False)


def _pg_db(name: str, drop: bool = False) -> str:
    from sqlalchemy import create_engine, text

    admin = create_engine(_pg_url("postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        if not drop:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return _pg_url(name)


def run(backend: str, history: int, open_: int, rounds: int, tmp: str) -> list:
    out = {}
    for label, h in (("small", history), ("big", history * 10)):
        url = (f"sqlite:///{tmp}/{label}.db" if backend == "sqlite" else _pg_db(f"af_open_risks_{label}"))
        t0 = time.perf_counter()
        build(url, h, open_)
        built = time.perf_counter() - t0
        out[label] = dict(scans(url, rounds), history=h, built=built)
        o = out[label]
        print(f"{backend}: {h:,} past cancellations + {open_:,} open (built in {built:.0f} s): first scans "
              f"{o['first']:.3f} s and {o['second']:.3f} s (every cancellation read); then a scan {o['scan']:.3f} s "
              f"(median of {rounds}); open set {o['open']:,}; raised {o['raised']}", flush=True)
        if backend == "postgresql":
            from auction_flow.storage import db

            db.get_engine(url).dispose()
            _pg_db(f"af_open_risks_{label}", drop=True)
    s, b = out["small"], out["big"]
    assert s["open"] == b["open"] == open_, (s["open"], b["open"])
    return [result(f"alert scan, {b['history']:,} vs {s['history']:,} past cancellations, the same {open_:,} open "
                   f"({backend})", b["scan"], "s", s["scan"], b["scan"] / s["scan"], "flat (~1)",
                   f"median of {rounds} scans after the first two; 10x the history"),
            result(f"alert scan reading every cancellation (the first after the load), {b['history']:,} vs "
                   f"{s['history']:,} past ({backend})", b["first"], "s", s["first"], b["first"] / s["first"], None,
                   "what every scan read before the open set; for the contrast")]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--history", type=int, default=20_000, help="past cancellations of the small database")
    ap.add_argument("--open", type=int, default=500, help="cancellations still open, in both")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--pg", action="store_true", help="also on PostgreSQL (AUCTION_FLOW_TEST_PG's server)")
    ap.add_argument("--json", action="store_true", help="end with a RESULTS line (bench/run_all.py)")
    args = ap.parse_args(argv)
    tmp = tempfile.mkdtemp(prefix="af-open-risks-")
    try:
        results = run("sqlite", args.history, args.open, args.rounds, tmp)
        if args.pg:
            results += run("postgresql", args.history, args.open, args.rounds, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print()
    emit(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
