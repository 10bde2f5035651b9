"""Benchmark of the Vietnamese search (`asset list --q/--party/--case`) over N assets.

    .venv/bin/python bench/bench_search.py                    # 1,000,000 assets, SQLite
    .venv/bin/python bench/bench_search.py --assets 20000     # smaller (run_all --quick)
    .venv/bin/python bench/bench_search.py --db postgresql://postgres@127.0.0.1/bench   # an EMPTY database

Synthetic assets (case numbers, Vietnamese descriptions) and parties (Vietnamese names with their
diacritics, one debtor per asset) are bulk-inserted (on SQLite the FTS5 triggers index them as they
go; on PostgreSQL the trigram indexes are built by migration 0009 and kept by every insert). The
searches are typed without diacritics. For each, the baseline measured in the same run on the same
data is the bare indexed query: the full-text MATCH (SQLite) or the af_fold(...) ~ word conditions
(PostgreSQL) of the same words, ranked and limited to 50, for assets and for parties, with nothing
else. Ours is the whole service (features.casefile.search.search): scope to a provincial supervisor's
offices, both matches merged and ranked, the assets and their parties read. Ratio = ours / baseline,
median over the searches and rounds.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, text  # noqa: E402

from auction_flow.common.config import now_utc  # noqa: E402
from auction_flow.core import workflow as workflow_mod  # noqa: E402
from auction_flow.core.audit import GENESIS  # noqa: E402
from auction_flow.demo.data import ESTATES, GIVEN, MOVABLES, PLACES, SURNAMES  # noqa: E402
from auction_flow.features.casefile import search  # noqa: E402
from auction_flow.storage import db  # noqa: E402
from auction_flow.storage.schema import asset_parties, assets, offices, parties, users  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import emit, result  # noqa: E402

CHUNK = 20_000
SEARCHES = [("q", "nguyen van an"), ("party", "tran thi binh"), ("q", "toyota vios"), ("case", "4711/2016"),
            ("q", "dat o thi tran mot ngan"), ("party", "vo thanh tam")]


def build(url: str, n: int, seed: int = 11) -> None:
    db.upgrade(url)
    engine = db.open_db(url)
    wf = workflow_mod.get()
    rnd = random.Random(seed)
    stamp = now_utc()
    with db.writing(engine) as conn:
        conn.execute(insert(offices).values(id=1, code="HG", name="Cục", created_at=stamp))
        for i in range(2, 10):
            conn.execute(insert(offices).values(id=i, code=f"HG-{i}", name=f"Chi cục {i}", parent_id=1,
                                                created_at=stamp))
        conn.execute(insert(users).values(id=1, username="ld_tinh", name="bench", role="supervisor", office_id=1,
                                          active=True, created_at=stamp))
    base = dict(kind="movable", officer_id=1, workflow=wf.name, workflow_version=wf.version, state="seized",
                state_entered_on=stamp.date(), last_event_on=stamp.date(), clock_extended=False, reduction_count=0,
                reappraisal_count=0, cancellation_count=0, version=1, last_hash=GENESIS, created_at=stamp)
    done = 0
    while done < n:
        rows, people, links = [], [], []
        for i in range(done + 1, min(n, done + CHUNK) + 1):
            if rnd.random() < 0.5:
                desc = f"{rnd.choice(MOVABLES)} ({rnd.randint(2008, 2019)})"
            else:
                desc = rnd.choice(ESTATES).format(rnd.randint(80, 3000), rnd.choice(PLACES))
            rows.append({**base, "id": i, "case_number": f"{i}/{2015 + i % 10}/QĐ-CCTHADS", "description": desc,
                         "office_id": 2 + i % 8})
            people.append({"id": i, "kind": "person", "name": f"{rnd.choice(SURNAMES)} {rnd.choice(GIVEN)}",
                           "id_number": f"093{i:09d}", "office_id": 2 + i % 8, "created_by": "bench",
                           "created_at": stamp})
            links.append({"asset_id": i, "party_id": i, "role": "debtor", "linked_on": stamp.date(),
                          "created_by": "bench", "created_at": stamp})
        with db.writing(engine) as conn:
            conn.execute(insert(assets), rows)
            conn.execute(insert(parties), people)
            conn.execute(insert(asset_parties), links)
        done += len(rows)
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("ANALYZE"))
            conn.commit()


def bare(conn, option: str, value: str) -> int:
    ws = search.words(value, option)
    if conn.dialect.name == "sqlite":
        q = " AND ".join(f'"{w}"*' for w in ws)
        found = 0
        if option in ("q", "case"):
            found += len(conn.execute(text("SELECT rowid FROM asset_fts WHERE asset_fts MATCH :q "
                                           "ORDER BY bm25(asset_fts) LIMIT 50"),
                                      {"q": f"case_number : ({q})" if option == "case" else q}).all())
        if option in ("q", "party"):
            found += len(conn.execute(text("SELECT rowid FROM party_fts WHERE party_fts MATCH :q "
                                           "ORDER BY bm25(party_fts) LIMIT 50"), {"q": q}).all())
        return found
    params = {f"w{i}": "\\m" + w for i, w in enumerate(ws)}
    params["q"] = " ".join(ws)

    def cond(col):
        return " AND ".join(f"af_fold({col}) ~ :w{i}" for i in range(len(ws)))
    found = 0
    if option in ("q", "case"):
        col = "case_number" if option == "case" else "case_number || ' ' || description"
        found += len(conn.execute(text(f"SELECT id FROM assets WHERE {cond(col)} "
                                       f"ORDER BY word_similarity(:q, af_fold({col})) DESC LIMIT 50"), params).all())
    if option in ("q", "party"):
        col = "name || ' ' || id_number"
        found += len(conn.execute(text(f"SELECT id FROM parties WHERE {cond(col)} "
                                       f"ORDER BY word_similarity(:q, af_fold({col})) DESC LIMIT 50"), params).all())
    return found


def measure(url: str, rounds: int) -> tuple[list[float], list[float], list[int]]:
    engine = db.open_db(url)
    ours, base, hits = [], [], []
    for _ in range(rounds):
        for option, value in SEARCHES:
            start = time.perf_counter()
            with engine.connect() as conn:
                bare(conn, option, value)
            base.append(time.perf_counter() - start)
            start = time.perf_counter()
            rows = search.search(engine, "ld_tinh", **{option: value}, limit=50)
            ours.append(time.perf_counter() - start)
            hits.append(len(rows))
    return ours, base, hits


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--assets", type=int, default=1_000_000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--db", help="an EMPTY database URL (default: a temporary SQLite file)")
    ap.add_argument("--json", action="store_true", help="end with a RESULTS line (bench/run_all.py)")
    args = ap.parse_args(argv)
    url = args.db or f"sqlite:///{tempfile.mkdtemp(prefix='af-bench-')}/search.db"
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    start = time.perf_counter()
    build(url, args.assets)
    built = time.perf_counter() - start
    ours, base, hits = measure(url, args.rounds)
    dialect = url.split(":")[0].split("+")[0]
    mine, bare_ = statistics.median(ours), statistics.median(base)
    emit([result(f"search over {args.assets:,} assets (asset list --q/--party/--case, vs the bare indexed query)",
                 mine * 1000, "ms", bare_ * 1000, mine / bare_, "ranked results in well under a second",
                 f"{dialect}; median of {len(ours)} searches; worst {max(ours) * 1000:.0f} ms; "
                 f"results per search {min(hits)}-{max(hits)}; data built in {built:.0f} s")])


if __name__ == "__main__":
    main()
