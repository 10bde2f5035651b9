"""Benchmark of the alert scan: time over N assets with D due, against the bare SQL, and peak memory.

    .venv/bin/python bench/bench_scan.py                       # 1,000,000 assets, 20,000 due, SQLite
    .venv/bin/python bench/bench_scan.py --assets 200000       # smaller
    .venv/bin/python bench/bench_scan.py --db postgresql://postgres@127.0.0.1/bench   # an EMPTY database

Synthetic asset rows are bulk-inserted directly (this measures the scanner, not the engine).
The baseline, measured in the same run on the same data: the bare indexed SELECT of the due
rows plus a bare INSERT of one alert row per due asset. Then those rows are deleted and the
real scan (``scanner.scan``) runs. Ratio = scan / baseline (goal: at most 2). Peak Python
memory of the scan (tracemalloc) is measured at two database sizes with the same number of due
assets: it should not grow with the number of assets.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import delete, func, insert, select, text  # noqa: E402

from auction_flow.common.config import now_utc  # noqa: E402
from auction_flow.core import workflow as workflow_mod  # noqa: E402
from auction_flow.core.audit import GENESIS  # noqa: E402
from auction_flow.core.workflow import alerts_section as alert_rules
from auction_flow.features.alerts import scan as scanner  # noqa: E402
from auction_flow.storage import db
from auction_flow.storage.schema import (  # noqa: E402
    alerts,  # noqa: E402
    assets,
    offices,
    users,
)

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import emit, result  # noqa: E402

NOW = dt.date(2026, 11, 27)
CHUNK = 20_000


def build(url: str, n: int, due: int, seed: int = 7) -> None:
    db.upgrade(url)
    engine = db.open_db(url)
    wf = workflow_mod.get()
    rules = alert_rules.for_workflow(wf)
    stalled = rules.stalled.states
    rnd = random.Random(seed)
    stamp = now_utc()
    with db.writing(engine) as conn:
        conn.execute(insert(offices).values(id=1, code="HG-VT", name="bench", created_at=stamp))
        conn.execute(insert(users).values(id=1, username="cv_bench", name="bench", role="officer", office_id=1,
                                          active=True, created_at=stamp))
    base = dict(case_number="B", description="bench asset", kind="movable", office_id=1, officer_id=1,
                workflow=wf.name, workflow_version=wf.version, clock_extended=False, reduction_count=0,
                reappraisal_count=0, cancellation_count=0, version=1, last_hash=GENESIS, created_at=stamp,
                deadline_basis="bench basis", deadline_regime="law2025")
    clocked = list(stalled) + list(rules.handover.states)
    done = 0
    while done < n:
        batch = []
        for i in range(done, min(n, done + CHUNK)):
            row = dict(base)
            if i < due // 2:  # overdue handovers
                row.update(state="paid", deadline=NOW - dt.timedelta(days=rnd.randint(1, 15)))
            elif i < due:  # stalled stages, overdue
                row.update(state=rnd.choice(stalled), deadline=NOW - dt.timedelta(days=rnd.randint(1, 15)))
            elif rnd.random() < 0.5:  # finished: no clock
                row.update(state=rnd.choice(["closed", "released", "returned_to_debtor"]), deadline=None)
            else:  # running clocks, not due yet
                row.update(state=rnd.choice(clocked), deadline=NOW + dt.timedelta(days=rnd.randint(8, 300)))
            row["state_entered_on"] = row["last_event_on"] = (row["deadline"] or NOW) - dt.timedelta(days=30)
            batch.append(row)
        with db.writing(engine) as conn:
            conn.execute(insert(assets), batch)
        done += len(batch)
    if not db.is_sqlite(engine):
        with engine.connect() as conn:
            conn.execute(text("ANALYZE"))
            conn.commit()
    else:
        with engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE")


def baseline(engine) -> tuple[float, int]:
    """The bare indexed SELECT of the due rows plus a bare INSERT of one alert per row."""
    wf = workflow_mod.get()
    rules = alert_rules.for_workflow(wf)
    cols = (assets.c.id, assets.c.state, assets.c.state_entered_on, assets.c.deadline, assets.c.deadline_basis,
            assets.c.deadline_regime, assets.c.office_id, assets.c.officer_id)
    t0 = time.perf_counter()
    with db.writing(engine) as conn:
        found = []
        for states, bound in ((rules.handover.states, NOW + dt.timedelta(days=rules.handover.warning_days)),
                              (rules.stalled.states, NOW - dt.timedelta(days=1))):
            found += conn.execute(select(*cols).where(assets.c.state.in_(states), assets.c.deadline <= bound)).all()
        stamp = now_utc()
        conn.execute(insert(alerts), [
            dict(asset_id=r.id, rule="x", level="overdue", state=r.state, entered_on=r.state_entered_on,
                 deadline=r.deadline, basis=r.deadline_basis, regime=r.deadline_regime, office_id=r.office_id,
                 officer_id=r.officer_id, raised_on=NOW, raised_at=stamp, status="open") for r in found])
    return time.perf_counter() - t0, len(found)


def baseline_sql(engine) -> tuple[float, int]:
    """Stricter: the same SELECT fed straight into one plain INSERT ... SELECT (no level, no conflict
    handling, nothing returned), so no row travels through Python at all."""
    from sqlalchemy import literal

    wf = workflow_mod.get()
    rules = alert_rules.for_workflow(wf)
    cols = ["asset_id", "rule", "level", "state", "entered_on", "deadline", "basis", "regime", "office_id",
            "officer_id", "raised_on", "raised_at", "status"]
    t0 = time.perf_counter()
    count = 0
    with db.writing(engine) as conn:
        stamp = now_utc()
        for states, bound in ((rules.handover.states, NOW + dt.timedelta(days=rules.handover.warning_days)),
                              (rules.stalled.states, NOW - dt.timedelta(days=1))):
            sel = select(assets.c.id, literal("x"), literal("overdue"), assets.c.state, assets.c.state_entered_on,
                         assets.c.deadline, assets.c.deadline_basis, assets.c.deadline_regime, assets.c.office_id,
                         assets.c.officer_id, literal(NOW), literal(stamp, alerts.c.raised_at.type),
                         literal("open")).where(assets.c.state.in_(states), assets.c.deadline <= bound)
            stmt = insert(alerts).from_select(cols, sel).execution_options(preserve_rowcount=True)
            count += conn.execute(stmt).rowcount
    return time.perf_counter() - t0, count


def clear(engine):
    with db.writing(engine) as conn:
        conn.execute(delete(alerts))


def timed_scan(engine) -> tuple[float, int]:
    t0 = time.perf_counter()
    res = scanner.scan(engine, NOW)
    return time.perf_counter() - t0, res.raised


def peak_memory(engine) -> int:
    clear(engine)
    tracemalloc.start()
    scanner.scan(engine, NOW)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def measure(url: str, rounds: int) -> dict:
    engine = db.open_db(url)
    with engine.connect() as conn:
        n = conn.execute(select(func.count()).select_from(assets)).scalar()
    bare, bare_sql, scans = [], [], []
    for _ in range(rounds):
        clear(engine)
        t, due = baseline(engine)
        bare.append(t)
        clear(engine)
        t, _ = baseline_sql(engine)
        bare_sql.append(t)
        clear(engine)
        t, raised = timed_scan(engine)
        scans.append(t)
        assert raised == due, (raised, due)
    repeat, again = timed_scan(engine)  # everything exists already: nothing raised
    assert again == 0
    return {"assets": n, "due": due, "bare_s": statistics.median(bare), "bare_sql_s": statistics.median(bare_sql),
            "scan_s": statistics.median(scans),
            "rescan_s": repeat, "peak_bytes": peak_memory(engine)}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--assets", type=int, default=1_000_000)
    ap.add_argument("--due", type=int, default=20_000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--db", help="an EMPTY database URL (default: a temporary SQLite file)")
    ap.add_argument("--small-db", help="an EMPTY database URL for the small size (memory comparison)")
    ap.add_argument("--keep", action="store_true", help="keep the temporary SQLite files")
    ap.add_argument("--json", action="store_true", help="end with a RESULTS line (bench/run_all.py)")
    args = ap.parse_args(argv)
    tmp = tempfile.mkdtemp(prefix="af-bench-")
    big_url = db_url(args.db) if args.db else f"sqlite:///{os.path.join(tmp, 'big.db')}"
    small_url = db_url(args.small_db) if args.small_db else f"sqlite:///{os.path.join(tmp, 'small.db')}"
    small_n = max(args.due * 2, args.assets // 10)
    results = []
    for url, n in ((small_url, small_n), (big_url, args.assets)):
        t0 = time.perf_counter()
        build(url, n, args.due)
        print(f"built {n:,} assets in {time.perf_counter() - t0:.1f} s ({db.get_engine(url).dialect.name})",
              flush=True)
        results.append(measure(url, args.rounds))
    for r in results:
        print(f"{r['assets']:>10,} assets, {r['due']:,} due: bare SELECT+INSERT {r['bare_s']:.3f} s, "
              f"bare INSERT...SELECT {r['bare_sql_s']:.3f} s, scan {r['scan_s']:.3f} s, "
              f"ratio {r['scan_s'] / r['bare_s']:.2f}x / {r['scan_s'] / r['bare_sql_s']:.2f}x; repeated scan (nothing new) "
              f"{r['rescan_s']:.3f} s; scan peak Python memory {r['peak_bytes'] / 1e6:.1f} MB")
    small, big = results
    print(f"peak memory ratio big/small: {big['peak_bytes'] / small['peak_bytes']:.2f} "
          f"for {big['assets'] / small['assets']:.0f}x the assets")
    print()
    emit([result(f"alert scan, {big['assets']:,} assets, {big['due']:,} due (vs bare indexed SELECT + bare INSERT)",
                 big["scan_s"], "s", big["bare_s"], big["scan_s"] / big["bare_s"], "<= 2",
                 f"{db.get_engine(big_url).dialect.name}; median of {args.rounds} rounds"),
          result(f"alert scan, {big['assets']:,} assets (vs one bare INSERT ... SELECT, stricter)",
                 big["scan_s"], "s", big["bare_sql_s"], big["scan_s"] / big["bare_sql_s"], None,
                 "no row travels through Python in this baseline; for information"),
          result(f"alert scan, {small['assets']:,} assets, {small['due']:,} due (vs bare SELECT + INSERT)",
                 small["scan_s"], "s", small["bare_s"], small["scan_s"] / small["bare_s"], "<= 2"),
          result(f"alert scan peak Python memory, {big['assets']:,} vs {small['assets']:,} assets (same due)",
                 big["peak_bytes"] / 1e6, "MB", small["peak_bytes"] / 1e6, big["peak_bytes"] / small["peak_bytes"],
                 "flat (~1)", f"tracemalloc; {big['assets'] / small['assets']:.0f}x the assets")])
    for url in (small_url, big_url):
        db.get_engine(url).dispose()
    if not args.keep:
        import shutil

        shutil.rmtree(tmp, ignore_errors=True)


def db_url(value):
    from auction_flow.common.config import db_url as resolve

    return resolve(value)


if __name__ == "__main__":
    main()
