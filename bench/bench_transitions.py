#!/usr/bin/env python3
"""Benchmark of the engine's audited transitions (issue 2, "Speed"). A script, not a test.

Prints:

1. audited transitions per second on SQLite, one transaction each, as a ratio to the SAME SQL
   statements issued through the stdlib ``sqlite3`` module in one process with the same pragmas
   (WAL, synchronous=FULL, foreign_keys). The statements are recorded from the engine itself
   (every statement, with its parameters and transaction boundaries, of a recording run) and
   replayed on an identical copy of the database, so the two sides do exactly the same SQL;
   the difference is what the engine costs above the database. Goal: ratio >= 0.4.
2. the cost of firing a trigger as the number of assets grows 1k -> 10k -> 100k (flat: the
   workflow's one transitions Machine keeps no asset bound to it).
3. the memory of 100k transitions in one process (flat: no growth per asset or per step).

Usage:  .venv/bin/python bench/bench_transitions.py [--quick] [--dir DIR] [--profile]

``--dir`` is where the SQLite files go (default: a temp dir on the disk, so that
synchronous=FULL really syncs). Parts 2 and 3 run on /dev/shm when it exists (they measure the
engine's cost as the data grows, not the disk's fsync). ``--profile`` prints the engine's
hottest functions (cProfile) for part 1.
"""

from __future__ import annotations

import argparse
import gc
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import event, insert, select, text  # noqa: E402

from auction_flow.core import engine as eng  # noqa: E402
from auction_flow.features.admin import service as admin  # noqa: E402
from auction_flow.storage import db
from auction_flow.storage.schema import assets  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import emit, result  # noqa: E402

RESULTS: list[dict] = []

ON = "2026-03-02"
OFFICER = "cv_an"


def _url(path: Path) -> str:
    return f"sqlite:///{path}"


def _remove(path: Path):
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)


def _copy(src: Path, dst: Path):
    """Copy a SQLite database (after its engine was disposed, so the WAL is checkpointed)."""
    _remove(dst)
    shutil.copy(src, dst)


def make_template(path: Path, n_assets: int, via_engine: int | None = None) -> Path:
    """A database with one office, one officer and ``n_assets`` seized assets.

    The first ``via_engine`` assets (all of them by default) are created through the engine; the
    rest are copies of the first asset's row inserted in bulk (a set-up shortcut so that 100k
    assets take seconds, not an hour; they have no creation audit row)."""
    _remove(path)
    url = _url(path)
    admin.init(url, "admin")
    engine = db.open_db(url)
    admin.add_office(engine, "admin", "HG-VT", "Chi cục THADS TP Vị Thanh")
    admin.add_user(engine, "admin", OFFICER, "officer", "HG-VT")
    k = n_assets if via_engine is None else min(via_engine, n_assets)
    for i in range(k):
        eng.create(engine, OFFICER, f"{i}/2026", "HG-VT", "movable", "Xe máy", on=ON)
    if n_assets > k:
        with engine.begin() as conn:
            row = dict(conn.execute(select(assets).where(assets.c.id == 1)).mappings().one())
            row.pop("id")
            batch = []
            for i in range(k, n_assets):
                batch.append({**row, "case_number": f"{i}/2026"})
                if len(batch) == 5000:
                    conn.execute(insert(assets), batch)
                    batch = []
            if batch:
                conn.execute(insert(assets), batch)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    db.get_engine.cache_clear()
    return path


def workload(n_assets: int, count: int, seed: int = 7):
    """(asset id, trigger, fields) steps: suspend and resume, alternately per asset."""
    rng = random.Random(seed)
    suspended: set[int] = set()
    for _ in range(count):
        aid = rng.randint(1, n_assets)
        if aid in suspended:
            suspended.discard(aid)
            yield aid, "resume", {}
        else:
            suspended.add(aid)
            yield aid, "suspend", {"kind": "postpone"}


class _Recorder:
    """Every statement the driver receives, with its parameters and the transaction ends.

    Installed as the sqlite3 connection factory (SQLAlchemy's ``do_connect`` event), so it sees
    what reaches SQLite whichever layer sent it: Core, exec_driver_sql or auction_flow.driver."""

    def __init__(self, record: list):
        rec = record

        class Cursor(sqlite3.Cursor):
            def execute(self, sql, params=()):
                rec.append((sql, params))
                return super().execute(sql, params)

            def executemany(self, sql, seq):
                seq = list(seq)
                rec.extend((sql, p) for p in seq)
                return super().executemany(sql, seq)

        class Connection(sqlite3.Connection):
            def cursor(self, factory=Cursor):
                return super().cursor(factory)

            def execute(self, sql, params=()):
                return self.cursor().execute(sql, params)

            def commit(self):
                rec.append(("COMMIT", ()))
                return super().commit()

            def rollback(self):
                rec.append(("ROLLBACK", ()))
                return super().rollback()

        self.factory = Connection


def run_engine(url: str, steps, record: list | None = None) -> float:
    """Fire every step through the engine; return the elapsed wall time."""
    engine = db.open_db(url)
    if record is not None:
        factory = _Recorder(record).factory

        @event.listens_for(engine, "do_connect")
        def _connect(dialect, conn_rec, cargs, cparams):
            cparams["factory"] = factory

        engine.dispose()  # the schema check's connection was made before the recorder
    steps = list(steps)
    from auction_flow.core import workflow  # as the stdlib side, start timing once connected and loaded

    workflow.get()
    with engine.connect():
        pass
    t0 = time.perf_counter()
    for aid, trigger, fields in steps:
        eng.fire(engine, aid, trigger, OFFICER, on=ON, fields=fields)
    elapsed = time.perf_counter() - t0
    engine.dispose()
    db.get_engine.cache_clear()
    return elapsed


def run_stdlib(path: Path, statements: list) -> float:
    """Replay recorded statements with the stdlib sqlite3 module and the project's pragmas."""
    conn = sqlite3.connect(str(path), isolation_level=None, timeout=30)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA busy_timeout=30000")
    t0 = time.perf_counter()
    for sql, params in statements:
        if sql == "COMMIT":
            if conn.in_transaction:
                conn.execute("COMMIT")
        elif sql == "ROLLBACK":
            if conn.in_transaction:
                conn.execute("ROLLBACK")
        else:
            cur = conn.execute(sql, params)
            if cur.description is not None:
                cur.fetchall()
    elapsed = time.perf_counter() - t0
    conn.close()
    return elapsed


def part1(workdir: Path, n_assets: int, count: int, rounds: int, profile: bool):
    print(f"\n1. Audited transitions per second on SQLite (WAL, synchronous=FULL, foreign_keys), "
          f"one transaction each; {count} transitions on {n_assets} assets, {rounds} rounds, in {workdir}")
    template = make_template(workdir / "t1.db", n_assets)
    steps = list(workload(n_assets, count))
    # record the engine's statements once, on a copy
    rec_db = workdir / "rec.db"
    _copy(template, rec_db)
    statements: list = []
    run_engine(_url(rec_db), steps, statements)
    writes = sum(1 for s, _ in statements if s.startswith("BEGIN IMMEDIATE"))
    print(f"   the engine issued {len(statements)} statements for {count} transitions "
          f"({len(statements) / count:.1f} each, {writes} write transactions)")
    engine_rates, stdlib_rates = [], []
    for r in range(rounds):
        a, b = workdir / "a.db", workdir / "b.db"
        _copy(template, b)
        stdlib_rates.append(count / run_stdlib(b, statements))
        _copy(template, a)
        engine_rates.append(count / run_engine(_url(a), steps))
        # the replay must have done exactly what the engine did
        with sqlite3.connect(str(a)) as ca, sqlite3.connect(str(b)) as cb:
            q = "SELECT id, state, version, deadline, resume_remaining FROM assets ORDER BY id"  # hashes hold the time
            assert ca.execute(q).fetchall() == cb.execute(q).fetchall(), "replay diverged"
        print(f"   round {r + 1}: engine {engine_rates[-1]:7.1f}/s   stdlib sqlite3 {stdlib_rates[-1]:7.1f}/s"
              f"   ratio {engine_rates[-1] / stdlib_rates[-1]:.2f}")
    e, s = statistics.median(engine_rates), statistics.median(stdlib_rates)
    ratio = statistics.median(x / y for x, y in zip(engine_rates, stdlib_rates))
    print(f"   median: engine {e:.1f} transitions/s, stdlib {s:.1f}/s; median ratio of the rounds "
          f"RATIO {ratio:.2f} (goal >= 0.40)")
    RESULTS.append(result("SQLite audited transitions, one transaction each (vs the same statements via "
                          "stdlib sqlite3)", e, "transitions/s", s, ratio, ">= 0.4",
                          f"WAL, synchronous=FULL; {count} transitions x {rounds} rounds, median"))
    if profile:
        import cProfile
        import pstats

        a = workdir / "a.db"
        _copy(template, a)
        prof = cProfile.Profile()
        prof.enable()
        run_engine(_url(a), steps)
        prof.disable()
        pstats.Stats(prof).sort_stats("cumulative").print_stats(30)
        pstats.Stats(prof).sort_stats("tottime").print_stats(20)
    return ratio


def part2(workdir: Path, sizes: list[int], fires: int):
    print(f"\n2. Cost of firing a trigger as the number of assets grows ({fires} transitions at each size, "
          f"in {workdir})")
    results = []
    for n in sizes:
        path = make_template(workdir / f"scale{n}.db", n, via_engine=min(n, 200))
        steps = list(workload(n, fires, seed=n))
        engine = db.open_db(_url(path))
        eng.fire(engine, steps[0][0], steps[0][1], OFFICER, on=ON, fields=steps[0][2])  # warm caches
        gc.collect()
        c0, t0 = time.process_time(), time.perf_counter()
        for aid, trigger, fields in steps[1:]:
            eng.fire(engine, aid, trigger, OFFICER, on=ON, fields=fields)
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        with engine.connect() as conn:
            total = conn.execute(text("SELECT count(*) FROM assets")).scalar()
        engine.dispose()
        db.get_engine.cache_clear()
        _remove(path)
        per = 1000 * wall / (fires - 1)
        results.append(per)
        print(f"   {total:>7} assets: {per:6.2f} ms per transition (wall), {1000 * cpu / (fires - 1):6.2f} ms CPU")
    print(f"   growth 1st -> last size: x{results[-1] / results[0]:.2f} (flat is ~x1)")
    for n, per in zip(sizes, results):
        RESULTS.append(result(f"firing a trigger with {n} assets", per, "ms/transition", results[0],
                              per / results[0], "flat (~1)", f"vs {sizes[0]} assets; {fires} transitions"))
    return results


def _rss_kb() -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def part3(workdir: Path, n_assets: int, count: int):
    print(f"\n3. Memory of {count} transitions in one process ({n_assets} assets, in {workdir})")
    path = make_template(workdir / "mem.db", n_assets, via_engine=min(n_assets, 200))
    engine = db.open_db(_url(path))
    checkpoints = sorted({count // 10, count // 4, count // 2, count})
    marks, done = [], 0
    t0 = time.perf_counter()
    for i, (aid, trigger, fields) in enumerate(workload(n_assets, count, seed=3), 1):
        eng.fire(engine, aid, trigger, OFFICER, on=ON, fields=fields)
        if i in checkpoints:
            gc.collect()
            marks.append((i, _rss_kb()))
            print(f"   after {i:>7} transitions: RSS {marks[-1][1] / 1024:7.1f} MiB "
                  f"({i / (time.perf_counter() - t0):.0f}/s)")
        done = i
    engine.dispose()
    db.get_engine.cache_clear()
    _remove(path)
    first, last = marks[0], marks[-1]
    per = (last[1] - first[1]) * 1024 / max(1, last[0] - first[0])
    print(f"   growth from {first[0]} to {done} transitions: {(last[1] - first[1]) / 1024:.1f} MiB "
          f"({per:.1f} bytes per transition; flat is ~0)")
    RESULTS.append(result(f"RSS growth over {done} transitions in one process", per, "bytes/transition",
                          note=f"RSS {first[1] / 1024:.0f} MiB after {first[0]}, {last[1] / 1024:.0f} MiB after {done}"))
    return per


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="small sizes (a minute or two)")
    ap.add_argument("--dir", help="where the SQLite files of part 1 go (default: a temp dir on disk)")
    ap.add_argument("--profile", action="store_true", help="cProfile the engine in part 1")
    ap.add_argument("--only", choices=["1", "2", "3"], help="run one part only")
    ap.add_argument("--json", action="store_true", help="end with a RESULTS line (bench/run_all.py)")
    args = ap.parse_args(argv)
    if args.quick:
        p1 = dict(n_assets=50, count=200, rounds=3)
        sizes, fires, mem = [1_000, 10_000], 300, dict(n_assets=1_000, count=5_000)
    else:
        p1 = dict(n_assets=200, count=500, rounds=5)
        sizes, fires, mem = [1_000, 10_000, 100_000], 1_000, dict(n_assets=10_000, count=100_000)
    disk = Path(args.dir) if args.dir else Path(tempfile.mkdtemp(prefix="af-bench-", dir=str(ROOT / "bench")))
    disk.mkdir(parents=True, exist_ok=True)
    fast = Path(tempfile.mkdtemp(prefix="af-bench-", dir="/dev/shm")) if Path("/dev/shm").is_dir() else disk
    print(f"auction-flow benchmark ({'quick' if args.quick else 'full'}); python {sys.version.split()[0]}, "
          f"sqlite {sqlite3.sqlite_version}")
    try:
        if args.only in (None, "1"):
            part1(disk, profile=args.profile, **p1)
        if args.only in (None, "2"):
            part2(fast, sizes, fires)
        if args.only in (None, "3"):
            part3(fast, **mem)
        print()
        emit(RESULTS)
    finally:
        if not args.dir:
            shutil.rmtree(disk, ignore_errors=True)
        if fast != disk:
            shutil.rmtree(fast, ignore_errors=True)


if __name__ == "__main__":
    main()
