"""Bench: `audit verify` throughput and peak memory over a large audit log.

Builds a database (SQLite file by default, or --db URL of an EMPTY database) with --rows valid,
chained audit rows spread over --assets assets (bulk-inserted directly, hashed exactly as
auction_flow.audit does), then runs the verification in a fresh child process and prints rows/s
and that process's peak resident memory. The same is then done over a tenth of the rows (a
second temporary file, or --small-db) so that the peak memory is a ratio: flat is ~1.
With --json the last line is ``RESULTS [...]`` (bench/common.py, bench/run_all.py).

    .venv/bin/python bench/bench_audit_verify.py                 # 1,000,000 rows on SQLite
    .venv/bin/python bench/bench_audit_verify.py --rows 200000 --db postgresql://postgres@127.0.0.1/bench
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import emit, result  # noqa: E402

STATES = ["seized", "priced", "auction_contracted", "auction_failed"]
CHAIN = "office:HG-VT"


def build(url: str, rows: int, n_assets: int, batch: int = 20000) -> None:
    from sqlalchemy import insert, update

    from auction_flow.common.config import now_utc
    from auction_flow.core import audit
    from auction_flow.storage import db
    from auction_flow.storage.schema import assets, audit_heads, audit_log, offices, users

    db.upgrade(url)
    engine = db.get_engine(url)
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("ALTER TABLE audit_log DISABLE TRIGGER USER")
        conn.execute(insert(offices).values(id=1, code="HG-VT", name="Chi cục", created_at=now_utc()))
        conn.execute(insert(users).values(id=1, username="cv_an", name="An", role="officer", office_id=1,
                                          active=True, created_at=now_utc()))
        base = dict(case_number="x", description="bench", kind="movable", office_id=1, officer_id=1,
                    workflow="asset_auction", workflow_version=1, state="seized",
                    state_entered_on=dt.date(2026, 1, 5), last_event_on=dt.date(2026, 1, 5),
                    clock_extended=False, reduction_count=0, reappraisal_count=0, cancellation_count=0,
                    version=1, last_hash=audit.GENESIS, created_at=now_utc())
        for start in range(1, n_assets + 1, batch):
            conn.execute(insert(assets), [dict(base, id=i) for i in range(start, min(start + batch, n_assets + 1))])
    last = {}  # asset id -> (seq, hash)
    log_seq, log_prev = 0, audit.GENESIS
    t0 = time.perf_counter()
    day0 = dt.datetime(2026, 1, 5, 2, tzinfo=dt.timezone.utc)
    buf = []
    for i in range(rows):
        asset_id = i % n_assets + 1
        seq, prev = last.get(asset_id, (0, audit.GENESIS))
        at = day0 + dt.timedelta(seconds=i)
        row = audit.make_row(prev, asset_id=asset_id, seq=seq + 1, event="transition", trigger="step",
                             from_state=STATES[seq % 4], to_state=STATES[(seq + 1) % 4], actor="cv_an",
                             role="officer", office="HG-VT", business_date=at.date(), recorded_at=at,
                             reason=None, changes=json.dumps({"n": [seq, seq + 1]}), imported=False)
        log_seq += 1
        row.update(actor_office="HG-VT", chain=CHAIN, log_seq=log_seq, log_prev_hash=log_prev)
        row["log_hash"] = log_prev = audit.link(CHAIN, log_prev, log_seq, row["hash"], "HG-VT")
        last[asset_id] = (seq + 1, row["hash"])
        buf.append(row)
        if len(buf) >= batch:
            with engine.begin() as conn:
                conn.execute(insert(audit_log), buf)
            buf = []
    with engine.begin() as conn:
        if buf:
            conn.execute(insert(audit_log), buf)
        from sqlalchemy import bindparam
        stmt = update(assets).where(assets.c.id == bindparam("aid")).values(last_hash=bindparam("h"),
                                                                           version=bindparam("v"))
        items = [{"aid": a, "h": h, "v": s} for a, (s, h) in last.items()]
        for start in range(0, len(items), batch):
            conn.execute(stmt, items[start:start + batch])
        conn.execute(insert(audit_heads).values(chain=CHAIN, log_seq=log_seq, log_hash=log_prev))
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("ALTER TABLE audit_log ENABLE TRIGGER USER")
    print(f"built {rows:,} rows over {n_assets:,} assets in {time.perf_counter() - t0:.1f} s", flush=True)


CHILD = """
import json, resource, sys, time
sys.path.insert(0, {root!r})
from auction_flow.storage import db
from auction_flow.features.supervision import verify
engine = db.open_db({url!r})
with engine.connect() as conn:
    conn.exec_driver_sql("SELECT 1")
start_kb = next(int(ln.split()[1]) for ln in open("/proc/self/status") if ln.startswith("VmRSS:"))
t0 = time.perf_counter()
report = verify.verify(engine)
elapsed = time.perf_counter() - t0
peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({{"ok": report.ok, "rows": report.rows, "assets": report.assets, "seconds": elapsed,
                   "peak_rss_mb": peak_kb / 1024, "start_rss_mb": start_kb / 1024, "problems": [str(p) for p in report.problems]}}))
"""


def run_child(url: str) -> dict:
    out = subprocess.run([sys.executable, "-c", CHILD.format(root=str(ROOT), url=url)], capture_output=True,
                         text=True, check=True)
    return json.loads(out.stdout)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rows", type=int, default=1_000_000)
    p.add_argument("--assets", type=int, default=None, help="default: rows / 10")
    p.add_argument("--db", help="URL of an empty database (default: a temporary SQLite file)")
    p.add_argument("--small-db", help="URL of a second empty database for the memory comparison at rows / 10")
    p.add_argument("--keep", action="store_true", help="keep the temporary SQLite file")
    p.add_argument("--json", action="store_true", help="end with a RESULTS line (bench/run_all.py)")
    args = p.parse_args(argv)
    n_assets = args.assets or max(1, args.rows // 10)
    tmp = None
    if args.db:
        from auction_flow.common.config import db_url
        url = db_url(args.db)
    else:
        tmp = tempfile.mkdtemp(prefix="af-verify-bench-")
        url = f"sqlite:///{tmp}/bench.db"
    build(url, args.rows, n_assets)
    res = run_child(url)
    print(f"audit verify: {res['rows']:,} rows, {res['assets']:,} asset chains, ok={res['ok']}")
    print(f"  time {res['seconds']:.1f} s  ->  {res['rows'] / res['seconds']:,.0f} rows/s")
    print(f"  peak memory (child process max RSS) {res['peak_rss_mb']:.0f} MB "
          f"(RSS {res['start_rss_mb']:.0f} MB after imports and connecting)")
    if res["problems"]:
        print("  problems:", *res["problems"], sep="\n    ")
    # the same verification over a tenth of the rows: peak memory should not grow with the rows
    small_url = None
    if args.small_db:
        from auction_flow.common.config import db_url
        small_url = db_url(args.small_db)
    elif tmp:
        small_url = f"sqlite:///{tmp}/small.db"
    small = None
    if small_url and args.rows >= 10:
        build(small_url, args.rows // 10, max(1, n_assets // 10))
        small = run_child(small_url)
        print(f"  over {small['rows']:,} rows: peak memory {small['peak_rss_mb']:.0f} MB; "
              f"ratio {res['rows'] / small['rows']:.0f}x rows -> x{res['peak_rss_mb'] / small['peak_rss_mb']:.2f} memory")
    from auction_flow.storage import db
    dialect = db.get_engine(url).dialect.name
    print()
    results = [result(f"audit verify throughput, {res['rows']:,} rows", res["rows"] / res["seconds"], "rows/s",
                      note=f"{dialect}; {res['assets']:,} asset chains; ok={res['ok']}; {res['seconds']:.1f} s")]
    if small:
        results.append(result(f"audit verify peak memory, {res['rows']:,} vs {small['rows']:,} rows",
                              res["peak_rss_mb"], "MB", small["peak_rss_mb"], res["peak_rss_mb"] / small["peak_rss_mb"],
                              "flat (~1)", f"child process max RSS; {res['start_rss_mb']:.0f} MB of it before "
                              f"verifying (imports, connection)"))
    else:
        results.append(result(f"audit verify peak memory, {res['rows']:,} rows", res["peak_rss_mb"], "MB",
                              note="child process max RSS"))
    emit(results)
    ok = res["ok"] and (small is None or small["ok"])
    if tmp and not args.keep:
        for f in Path(tmp).iterdir():
            f.unlink()
        os.rmdir(tmp)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
