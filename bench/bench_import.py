"""How long `import assets` takes for N rows on SQLite, against a bare executemany of the
same rows (the assets and audit rows the import wrote, inserted again with nothing else).

    .venv/bin/python bench/bench_import.py --rows 100000
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import emit, result  # noqa: E402

HEADER = ("case_number,office,kind,description,officer,state,seized_on,appraisal_contracted_on,appraisal_org,"
          "priced_on,price,auction_contracted_on,auction_org,auction_date,sold_on,sale_price,buyer,deposit,paid_on,"
          "handed_over_on")
STATES = ("seized", "appraising", "priced", "auction_contracted", "sold", "paid", "handed_over")


def make_csv(path: Path, n: int, seed: int = 5) -> None:
    rnd = random.Random(seed)
    base = dt.date(2024, 1, 1)
    lines = [HEADER]
    for i in range(n):
        state = STATES[i % len(STATES)]
        depth = STATES.index(state)
        office, officer = rnd.choice((("HG-VT", "cv_an"), ("HG-NB", "cv_dung")))
        day = base + dt.timedelta(days=rnd.randrange(600))
        dates = []
        for _ in range(7):
            dates.append(day)
            day += dt.timedelta(days=rnd.randrange(1, 20))
        d = [x.isoformat() for x in dates]
        price = rnd.randrange(50, 5000) * 1_000_000
        cols = [f"{i + 1}/2025/QĐ", office, rnd.choice(("movable", "real_estate")),
                f"Tài sản số {i + 1}", officer, state, d[0]]
        cols += [d[1], "Công ty Thẩm định giá Miền Nam"] if depth >= 1 else ["", ""]
        cols += [d[2], str(price)] if depth >= 2 else ["", ""]
        cols += [d[3], "Công ty Đấu giá Cần Thơ", (dates[3] + dt.timedelta(days=30)).isoformat()] \
            if depth >= 3 else ["", "", ""]
        sold_on = (dates[3] + dt.timedelta(days=30)).isoformat()
        cols += [sold_on, str(price + 1_000_000), "Nguyễn Văn Tám", str(price // 10)] if depth >= 4 else [""] * 4
        paid = dates[3] + dt.timedelta(days=40)
        cols += [paid.isoformat()] if depth >= 5 else [""]
        cols += [(paid + dt.timedelta(days=rnd.randrange(10, 80))).isoformat()] if depth >= 6 else [""]
        lines.append(",".join(cols))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def world(url: str) -> None:
    from auction_flow.features.admin import service as admin
    from auction_flow.storage import db

    admin.init(url, "admin")
    engine = db.open_db(url)
    admin.add_office(engine, "admin", "HG", "Cục THADS tỉnh Hậu Giang")
    admin.add_office(engine, "admin", "HG-VT", "Chi cục THADS TP Vị Thanh", "HG")
    admin.add_office(engine, "admin", "HG-NB", "Chi cục THADS TX Ngã Bảy", "HG")
    admin.add_user(engine, "admin", "cv_an", "officer", "HG-VT")
    admin.add_user(engine, "admin", "cv_dung", "officer", "HG-NB")
    admin.add_user(engine, "admin", "ld_tinh", "supervisor", "HG")


def bare(src: Path, dst: Path) -> tuple[float, int]:
    """Copy the imported rows into an empty copy of the schema with one executemany per table."""
    with sqlite3.connect(src) as s:
        tables = {t: s.execute(f"SELECT * FROM {t}" + (" WHERE asset_id IS NOT NULL" if t == "audit_log" else "")).fetchall()
                  for t in ("assets", "audit_log")}
        cols = {t: len(s.execute(f"SELECT * FROM {t} LIMIT 1").description) for t in tables}
    con = sqlite3.connect(dst, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=FULL")
    con.execute("PRAGMA cache_size=-131072")  # as the import's write transaction
    t0 = time.perf_counter()
    con.execute("BEGIN IMMEDIATE")
    for t, rows in tables.items():
        con.executemany(f"INSERT INTO {t} VALUES ({','.join('?' * cols[t])})",
                        rows)
    con.execute("COMMIT")
    elapsed = time.perf_counter() - t0
    con.close()
    return elapsed, sum(len(r) for r in tables.values())


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--rows", type=int, default=100_000)
    p.add_argument("--keep", action="store_true", help="keep the CSV and the databases")
    p.add_argument("--json", action="store_true", help="end with a RESULTS line (bench/run_all.py)")
    args = p.parse_args()
    from auction_flow.features.imports import service as imports
    from auction_flow.storage import db

    tmp = Path(tempfile.mkdtemp(prefix="af-bench-import-"))
    csv_path = tmp / "assets.csv"
    make_csv(csv_path, args.rows)
    url = f"sqlite:///{tmp / 'import.db'}"
    world(url)
    db.get_engine(url).dispose()  # checkpoints the WAL into the file
    import shutil
    shutil.copy(tmp / "import.db", tmp / "bare.db")
    engine = db.open_db(url)
    t0 = time.perf_counter()
    res = imports.import_assets(engine, str(csv_path), "ld_tinh")
    elapsed = time.perf_counter() - t0
    engine.dispose()
    base, rows = bare(tmp / "import.db", tmp / "bare.db")
    print(f"import: {res['rows']} assets ({rows} asset + audit rows) in {elapsed:.2f} s "
          f"({res['rows'] / elapsed:,.0f} rows/s)")
    print(f"bare executemany of the same rows: {base:.2f} s; ratio {elapsed / base:.1f}x")
    print()
    emit([result(f"import assets, {res['rows']:,} CSV rows on SQLite (vs bare executemany of the same rows)",
                 elapsed, "s", base, elapsed / base, "well under 60 s",
                 f"{rows:,} asset + audit rows; {res['rows'] / elapsed:,.0f} rows/s")])
    if args.keep:
        print(f"files in {tmp}")
    else:
        shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
