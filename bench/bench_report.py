"""How long the summary report takes over N audit rows (synthetic, bulk-inserted directly).

    .venv/bin/python bench/bench_report.py --rows 1000000
    .venv/bin/python bench/bench_report.py --rows 200000 --db postgresql://postgres@127.0.0.1/bench

Builds a province (a Cục and 8 branches, 4 officers each), then assets whose audit chains
follow the usual paths (sold and handed over, failed then re-auctioned, cancelled then resold,
still being priced) over three reporting years, and times `report summary --year 2020` by
office and by officer, and `report stages`. The rows are not hash-chained: only the figures'
queries are measured.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import emit, result  # noqa: E402

PATHS = [
    (60, ["seize", "agree_price", "contract_auction", "record_sale", "record_payment", "hand_over", "close"]),
    (15, ["seize", "contract_appraisal", "record_appraisal", "contract_auction", "record_auction_failed",
          "reduce_price", "contract_auction", "record_sale", "record_payment", "hand_over"]),
    (10, ["seize", "agree_price", "contract_auction", "record_sale", "cancel_result", "reauction",
          "contract_auction", "record_sale", "record_payment"]),
    (15, ["seize", "agree_price"]),
]
TO = {"seize": "seized", "agree_price": "priced", "contract_appraisal": "appraising", "record_appraisal": "priced",
      "contract_auction": "auction_contracted", "record_auction_failed": "auction_failed", "reduce_price": "priced",
      "record_sale": "sold", "record_payment": "paid", "hand_over": "handed_over", "close": "closed",
      "cancel_result": "auction_cancelled", "reauction": "priced"}
GAP = {"record_payment": (1, 30), "hand_over": (5, 90), "contract_auction": (3, 15), "record_sale": (20, 45)}


def build(url: str, rows: int, seed: int = 1) -> int:
    from sqlalchemy import insert

    from auction_flow.features.admin import service as admin
    from auction_flow.storage import db
    from auction_flow.storage.schema import assets, audit_log, offices, users

    admin.init(url, "admin")
    engine = db.open_db(url)
    now = dt.datetime(2021, 1, 1, tzinfo=dt.timezone.utc)
    rnd = random.Random(seed)
    with db.writing(engine) as conn:
        conn.execute(insert(offices), [{"id": 1000 + i, "code": "HG" if i == 0 else f"HG-{i:02d}",
                                        "name": f"Chi cục THADS số {i}", "parent_id": None if i == 0 else 1000,
                                        "created_at": now} for i in range(9)])
        conn.execute(insert(users), [{"id": 1000 + b * 10 + k, "username": f"cv_{b}_{k}", "name": f"Cán bộ {b}.{k}",
                                      "role": "officer", "office_id": 1000 + b, "active": True, "created_at": now}
                                     for b in range(1, 9) for k in range(4)])
        conn.execute(insert(users).values(username="ld_tinh", name="Lãnh đạo Cục", role="supervisor",
                                          office_id=1000, active=True, created_at=now))
    asset_cols = [c.name for c in assets.columns]
    log_cols = [c.name for c in audit_log.columns if c.name != "id"]
    sqlite = db.is_sqlite(engine)
    mark = "?" if sqlite else "%s"
    a_sql = f"INSERT INTO assets ({', '.join(asset_cols)}) VALUES ({', '.join([mark] * len(asset_cols))})"
    l_sql = f"INSERT INTO audit_log ({', '.join(log_cols)}) VALUES ({', '.join([mark] * len(log_cols))})"

    def val(v):
        if sqlite and isinstance(v, dt.datetime):
            return v.strftime("%Y-%m-%d %H:%M:%S.%f")
        if sqlite and isinstance(v, dt.date):
            return v.isoformat()
        return v

    weights = [w for w, _ in PATHS]
    with engine.connect() as conn:
        log_seq = conn.exec_driver_sql("SELECT COALESCE(MAX(log_seq), 0) FROM audit_log").scalar()
    written, asset_id = 0, 0
    a_batch, l_batch = [], []
    with db.writing(engine) as conn:
        while written < rows:
            asset_id += 1
            path = rnd.choices([p for _, p in PATHS], weights)[0]
            branch = rnd.randrange(1, 9)
            office = f"HG-{branch:02d}"
            day = dt.date(2017, 10, 1) + dt.timedelta(days=rnd.randrange(1000))
            price = rnd.randrange(50, 3000) * 1_000_000
            officer_id = 1000 + branch * 10 + rnd.randrange(4)  # on the asset and on each of its rows (0020)
            deadline, state, entered = None, None, day
            for seq, trig in enumerate(path, 1):
                lo, hi = GAP.get(trig, (1, 10))
                if seq > 1:
                    day += dt.timedelta(days=rnd.randrange(lo, hi))
                new_deadline = day + dt.timedelta(days=30 if trig == "record_payment" else 10)
                before = f'"{deadline}"' if deadline else "null"
                since = f'"state_entered_on":["{entered}","{day}"],' if seq > 1 and entered != day else ""
                changes = (f'{{"deadline":[{before},"{new_deadline}"],"last_event_on":["x","{day}"],'
                           f'"state":["{state}","{TO[trig]}"],{since}"x":1}}')
                log_seq += 1
                row = {"asset_id": asset_id, "seq": seq, "event": "asset_created" if seq == 1 else "transition",
                       "trigger": trig, "from_state": state, "to_state": TO[trig], "actor": f"cv_{branch}_0",
                       "role": "officer", "office": office, "business_date": day, "recorded_at": now,
                       "reason": None, "changes": changes, "imported": False, "prev_hash": "0" * 64,
                       "hash": "1" * 64, "actor_office": office, "chain": f"office:{office}",
                       "log_seq": log_seq, "log_prev_hash": "0" * 64,
                       "log_hash": "1" * 64, "officer_id": officer_id}
                l_batch.append(tuple(val(row.get(c)) for c in log_cols))
                state, deadline, entered = TO[trig], new_deadline, day
            written += len(path)
            sold = "record_sale" in path
            asset = {c: None for c in asset_cols}
            asset.update(id=asset_id, case_number=f"{asset_id}/2019/QĐ", description="Tài sản", kind="movable",
                         office_id=1000 + branch, officer_id=officer_id,
                         workflow="asset_auction", workflow_version=1, state=state, state_entered_on=entered,
                         last_event_on=day, deadline=deadline, clock_extended=False, appraised_price=price,
                         price=price, sale_price=price + rnd.randrange(0, 50) * 1_000_000 if sold else None,
                         buyer="Nguyễn Văn A" if sold else None, auction_org=f"Công ty Đấu giá {branch % 3}",
                         appraisal_org=f"Công ty Thẩm định giá {branch % 2}", reduction_count=0,
                         reappraisal_count=0, cancellation_count=0, suspended_days=0, version=len(path),
                         last_hash="1" * 64, created_at=now)
            a_batch.append(tuple(val(asset[c]) for c in asset_cols))
            if len(l_batch) >= 50_000:
                conn.exec_driver_sql(a_sql, a_batch)
                conn.exec_driver_sql(l_sql, l_batch)
                a_batch, l_batch = [], []
        if l_batch:
            conn.exec_driver_sql(a_sql, a_batch)
            conn.exec_driver_sql(l_sql, l_batch)
        if not sqlite:
            conn.exec_driver_sql("SELECT setval(pg_get_serial_sequence('assets', 'id'), %s)", (asset_id,))
            conn.exec_driver_sql("ANALYZE")
    return written


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rows", type=int, default=1_000_000, help="audit rows to create (default 1,000,000)")
    p.add_argument("--db", help="an EMPTY database URL (default: a new SQLite file, removed afterwards)")
    p.add_argument("--keep", action="store_true", help="keep the SQLite file")
    p.add_argument("--json", action="store_true", help="end with a RESULTS line (bench/run_all.py)")
    args = p.parse_args()
    from auction_flow.common.config import db_url
    from auction_flow.features.reports import service as reports
    from auction_flow.storage import db

    tmp = None if args.db else Path(tempfile.mkdtemp(prefix="af-bench-report-"))
    url = db_url(args.db) if args.db else f"sqlite:///{tmp / 'r.db'}"
    t0 = time.perf_counter()
    n = build(url, args.rows)
    print(f"built {n:,} audit rows in {time.perf_counter() - t0:.1f} s ({url})")
    engine = db.open_db(url)
    dialect = engine.dialect.name
    results = []
    for by in ("office", "officer"):
        t0 = time.perf_counter()
        data = reports.summary(engine, "ld_tinh", year=2020, by=by)
        elapsed = time.perf_counter() - t0
        total = data["total"]
        print(f"report summary --year 2020 --by {by}: {elapsed:.2f} s  ({len(data['groups'])} groups; "
              f"sold {total['sold']:,}, cancelled {total['cancellation_rate']}, "
              f"handed over late {total['handed_over_late']:,})")
        results.append(result(f"report summary --year 2020 --by {by}, {n:,} audit rows", elapsed, "s",
                              goal="seconds, not minutes", note=f"{dialect}; {len(data['groups'])} groups"))
    t0 = time.perf_counter()
    reports.stages(engine, "ld_tinh", year=2020)
    elapsed = time.perf_counter() - t0
    print(f"report stages --year 2020: {elapsed:.2f} s")
    results.append(result(f"report stages --year 2020, {n:,} audit rows", elapsed, "s", goal="seconds, not minutes",
                          note=dialect))
    print()
    emit(results)
    engine.dispose()
    if tmp is not None and not args.keep:
        import shutil

        shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
