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
    day0 = dt.datetime(2026, 1, 5, 2, tzinfo=dt.timezone.utc)
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
        first_day = lambda i: (day0 + dt.timedelta(seconds=i - 1)).date()  # noqa: E731 - its first row's day
        for start in range(1, n_assets + 1, batch):
            conn.execute(insert(assets), [dict(base, id=i, state_entered_on=first_day(i), last_event_on=first_day(i))
                                          for i in range(start, min(start + batch, n_assets + 1))])
    last = {}  # asset id -> (seq, hash)
    log_seq, log_prev = 0, audit.GENESIS
    t0 = time.perf_counter()
    buf = []
    for i in range(rows):
        asset_id = i % n_assets + 1
        seq, prev = last.get(asset_id, (0, audit.GENESIS))
        at = day0 + dt.timedelta(seconds=i)
        # a seizure, then steps round the states: the asset row is what replaying them gives (audit verify
        # checks that too)
        if seq == 0:
            event, before, after, changes = "asset_created", None, STATES[0], {
                "state": [None, STATES[0]], "office": [None, "HG-VT"], "officer": [None, "cv_an"]}
        else:
            event, before, after = "transition", STATES[(seq - 1) % 4], STATES[seq % 4]
            changes = {"state": [before, after]}
        row = audit.make_row(prev, asset_id=asset_id, seq=seq + 1, event=event, trigger="step",
                             from_state=before, to_state=after, actor="cv_an",
                             role="officer", office="HG-VT", business_date=at.date(), recorded_at=at,
                             reason=None, changes=json.dumps(changes), imported=False)
        log_seq += 1
        # officer_id: the officer in charge at the row (migration 0020), which the records' replay checks
        row.update(actor_office="HG-VT", chain=CHAIN, log_seq=log_seq, log_prev_hash=log_prev, officer_id=1)
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
                                                                           version=bindparam("v"),
                                                                           state=bindparam("st"))
        items = [{"aid": a, "h": h, "v": s, "st": STATES[(s - 1) % 4]} for a, (s, h) in last.items()]
        for start in range(0, len(items), batch):
            conn.execute(stmt, items[start:start + batch])
        conn.execute(insert(audit_heads).values(chain=CHAIN, log_seq=log_seq, log_hash=log_prev))
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("ALTER TABLE audit_log ENABLE TRIGGER USER")
    if engine.dialect.name == "postgresql":  # as autovacuum would after a load this size: the planner's statistics
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("ANALYZE")
    print(f"built {rows:,} rows over {n_assets:,} assets in {time.perf_counter() - t0:.1f} s", flush=True)


PEAK = """
def peak_mb():
    # VmHWM: this process's own peak resident set (ru_maxrss would carry the parent's over exec)
    return next(int(ln.split()[1]) for ln in open("/proc/self/status") if ln.startswith("VmHWM:")) / 1024
def rss_mb():
    return next(int(ln.split()[1]) for ln in open("/proc/self/status") if ln.startswith("VmRSS:")) / 1024
"""

CHILD = PEAK + """
import json, sys, time
sys.path.insert(0, {root!r})
from auction_flow.storage import db
from auction_flow.features.supervision import verify
engine = db.open_db({url!r})
with engine.connect() as conn:
    conn.exec_driver_sql("SELECT 1")
start = rss_mb()
t0 = time.perf_counter()
report = verify.verify(engine)
elapsed = time.perf_counter() - t0
print(json.dumps({{"ok": report.ok, "rows": report.rows, "assets": report.assets, "seconds": elapsed,
                   "peak_rss_mb": peak_mb(), "start_rss_mb": start, "problems": [str(p) for p in report.problems]}}))
"""

# The same checks written bare against the driver (sqlite3 or psycopg), no SQLAlchemy, no project
# code: every row's hash over its canonical JSON and its chain link, in (chain, log_seq) order; then
# every asset chain's prev_hash in (asset_id, seq) order. Pages of 5000 by keyset, as verify reads.
BARE = PEAK + """
import hashlib, json, sys, time
url = {url!r}
KEYS = sorted(("asset_id", "seq", "event", "trigger", "from_state", "to_state", "actor", "role", "office",
               "business_date", "recorded_at", "reason", "changes", "imported"))
if url.startswith("sqlite"):
    import sqlite3
    conn = sqlite3.connect(url.split("///", 1)[1])
    mark, text = "?", {{"business_date": "business_date", "recorded_at": "replace(recorded_at, ' ', 'T')"}}
else:
    import psycopg
    conn = psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"))
    conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
    mark = "%s"
    text = {{"business_date": "to_char(business_date, 'YYYY-MM-DD')",
             "recorded_at": "to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') || 'T' || "
                            "to_char(recorded_at AT TIME ZONE 'UTC', 'HH24:MI:SS.US')"}}
cols = ", ".join(text.get(k, k) for k in KEYS) + ", prev_hash, hash, via, chain, log_seq, log_prev_hash, log_hash, actor_office"
start = rss_mb()
t0 = time.perf_counter()
enc = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
sha = hashlib.sha256
rows = bad = 0
links = {{}}
last = None
while True:
    if last is None:
        page = conn.execute(f"SELECT {{cols}} FROM audit_log ORDER BY chain, log_seq LIMIT 5000").fetchall()
    else:
        page = conn.execute(f"SELECT {{cols}} FROM audit_log WHERE (chain, log_seq) > ({{mark}}, {{mark}}) "
                            f"ORDER BY chain, log_seq LIMIT 5000", last).fetchall()
    for r in page:
        rows += 1
        body = dict(zip(KEYS, r[:14]))
        body["imported"] = bool(body["imported"])
        if r[16] is not None:
            body["via"] = r[16]
        h = sha((r[14] + enc(body)).encode()).hexdigest()
        chain, seq, lprev, lhash = r[17], r[18], r[19], r[20]
        link = sha(f"{{chain}}|{{lprev}}|{{seq}}|{{h}}|{{r[21] or ''}}".encode()).hexdigest()
        if h != r[15] or link != lhash or lprev != links.get(chain, "0" * 64):
            bad += 1
        links[chain] = lhash
    if len(page) < 5000:
        break
    last = (page[-1][17], page[-1][18])
last, prev = None, {{}}
while True:
    if last is None:
        page = conn.execute("SELECT asset_id, seq, prev_hash, hash FROM audit_log WHERE asset_id IS NOT NULL "
                            "ORDER BY asset_id, seq LIMIT 5000").fetchall()
    else:
        page = conn.execute(f"SELECT asset_id, seq, prev_hash, hash FROM audit_log WHERE asset_id IS NOT NULL "
                            f"AND (asset_id, seq) > ({{mark}}, {{mark}}) ORDER BY asset_id, seq LIMIT 5000", last).fetchall()
    current, link = None, None
    for a, s, p, h in page:
        if a != current:
            current, link = a, prev.pop(a, "0" * 64)
        if p != link:
            bad += 1
        link = h
    if page:
        prev[current] = link  # an asset that goes on in the next page
    if len(page) < 5000:
        break
    last = (page[-1][0], page[-1][1])
elapsed = time.perf_counter() - t0
print(json.dumps({{"ok": bad == 0, "rows": rows, "seconds": elapsed, "peak_rss_mb": peak_mb(), "start_rss_mb": start}}))
"""


def run_child(url: str, script: str = CHILD) -> dict:
    out = subprocess.run([sys.executable, "-c", script.format(root=str(ROOT), url=url)], capture_output=True,
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
    # the machine is shared: each side three times, interleaved, the best of each
    runs = [(run_child(url, BARE), run_child(url)) for _ in range(3)]
    bare = min((b for b, _ in runs), key=lambda r: r["seconds"])
    res = min((r for _, r in runs), key=lambda r: r["seconds"])
    print(f"audit verify: {res['rows']:,} rows, {res['assets']:,} asset chains, ok={res['ok']}")
    print(f"  time {res['seconds']:.1f} s  ->  {res['rows'] / res['seconds']:,.0f} rows/s; bare driver verify "
          f"{bare['seconds']:.1f} s -> {bare['rows'] / bare['seconds']:,.0f} rows/s (ok={bare['ok']})")
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
    ours, base = res["rows"] / res["seconds"], bare["rows"] / bare["seconds"]
    results = [result(f"audit verify throughput, {res['rows']:,} rows", ours, "rows/s", base, ours / base, ">= 0.7",
                      f"{dialect}; baseline: the same hashes and links checked bare through the driver; "
                      f"{res['assets']:,} asset chains; ok={res['ok']}; {res['seconds']:.1f} s")]
    if small:
        results.append(result(f"audit verify peak memory, {res['rows']:,} vs {small['rows']:,} rows",
                              res["peak_rss_mb"], "MB", small["peak_rss_mb"], res["peak_rss_mb"] / small["peak_rss_mb"],
                              "flat (~1)", f"child process max RSS; {res['start_rss_mb']:.0f} MB of it before "
                              f"verifying (imports, connection)"))
    else:
        results.append(result(f"audit verify peak memory, {res['rows']:,} rows", res["peak_rss_mb"], "MB",
                              note="child process max RSS"))
    emit(results)
    ok = res["ok"] and bare["ok"] and (small is None or small["ok"])
    if tmp and not args.keep:
        for f in Path(tmp).iterdir():
            f.unlink()
        os.rmdir(tmp)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
