#!/usr/bin/env python3
"""The engine's CPU per step against a bare replay of the same SQL, both on a RAM disk (issue 16).

    .venv/bin/python bench/bench_engine_cpu.py                  # 2,000 steps, 3 rounds, CPU time
    .venv/bin/python bench/bench_engine_cpu.py --callgrind      # also instructions under valgrind
    .venv/bin/python bench/bench_engine_cpu.py --profile        # the engine's hottest functions

N steps (suspend and resume, alternately per asset, on 200 seized assets) go through the engine
(``engine.fire``) on a SQLite file in /dev/shm; the statements the engine sent to the driver are
recorded (bench_transitions.py's recorder: every statement with its parameters and the commits)
and replayed with the stdlib ``sqlite3`` on a copy of the same file in /dev/shm, with the
project's pragmas. On a RAM disk the commit's fsync costs next to nothing, so what is left is CPU:
the ratio is the engine's CPU time over the replay's (``time.process_time``; goal: at most 2).
Both sides leave the same assets (checked). ``--callgrind`` counts the instructions each side
executes under ``valgrind --tool=callgrind`` (a fresh process each, its start-up included on both
sides, so the count is taken over the steps only by subtracting a run of no steps): instruction
counts do not move with the machine's load, as CPU seconds do on a shared machine.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))
import bench_transitions as bt  # noqa: E402
from common import emit, result  # noqa: E402

N_ASSETS = 200


def engine_cpu(path: Path, steps, record: list | None = None, profile: bool = False) -> float:
    """Fire ``steps`` through the engine on the SQLite file ``path``; the CPU seconds they took."""
    from sqlalchemy import event

    from auction_flow.core import engine as eng
    from auction_flow.core import workflow
    from auction_flow.storage import db

    engine = db.open_db(bt._url(path))
    if record is not None:
        factory = bt._Recorder(record).factory

        @event.listens_for(engine, "do_connect")
        def _connect(dialect, conn_rec, cargs, cparams):
            cparams["factory"] = factory

        engine.dispose()
    workflow.get()
    with engine.connect():
        pass
    prof = None
    if profile:
        import cProfile

        prof = cProfile.Profile()
        prof.enable()
    c0 = time.process_time()
    for aid, trigger, fields in steps:
        eng.fire(engine, aid, trigger, bt.OFFICER, on=bt.ON, fields=fields)
    cpu = time.process_time() - c0
    if prof is not None:
        import pstats

        prof.disable()
        pstats.Stats(prof).sort_stats("tottime").print_stats(25)
    engine.dispose()
    db.get_engine.cache_clear()
    return cpu


def replay_cpu(path: Path, statements: list) -> float:
    """The recorded statements through the stdlib sqlite3 (bench_transitions.run_stdlib), CPU seconds."""
    c0 = time.process_time()
    bt.run_stdlib(path, statements)
    return time.process_time() - c0


def same(a: Path, b: Path) -> bool:
    import sqlite3

    q = "SELECT id, state, version, deadline, resume_remaining FROM assets ORDER BY id"
    with sqlite3.connect(str(a)) as ca, sqlite3.connect(str(b)) as cb:
        return ca.execute(q).fetchall() == cb.execute(q).fetchall()


CHILD = """
import json, pickle, sys
sys.path.insert(0, {root!r}); sys.path.insert(0, {here!r})
import bench_engine_cpu as b
from pathlib import Path
side, path, data = sys.argv[1], Path(sys.argv[2]), pickle.load(open(sys.argv[3], "rb"))
if side == "engine":
    b.engine_cpu(path, data)
else:
    b.replay_cpu(path, data)
"""


def callgrind(workdir: Path, template: Path, side: str, data) -> int:
    """Instructions (Ir) of a fresh process running ``side`` over ``data`` under callgrind."""
    import pickle

    db_file, blob, out = workdir / f"cg_{side}.db", workdir / f"cg_{side}.pickle", workdir / f"cg_{side}.out"
    bt._copy(template, db_file)
    blob.write_bytes(pickle.dumps(data))
    proc = subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", sys.executable, "-c",
                           CHILD.format(root=str(ROOT), here=str(HERE)), side, str(db_file), str(blob)],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"callgrind failed: {proc.stderr[-1500:]}")
    found = re.search(r"Collected\s*:\s*(\d+)", proc.stderr)
    for f in (db_file, blob, out):
        f.unlink(missing_ok=True)
    return int(found.group(1))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=2000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--callgrind", action="store_true", help="also count instructions under valgrind (slow)")
    ap.add_argument("--callgrind-steps", type=int, default=300)
    ap.add_argument("--profile", action="store_true", help="cProfile the engine's steps once")
    ap.add_argument("--json", action="store_true", help="end with a RESULTS line (bench/run_all.py)")
    args = ap.parse_args(argv)
    shm = Path("/dev/shm")
    if not shm.is_dir():
        raise SystemExit("no /dev/shm: this bench compares CPU on a RAM disk")
    work = Path(tempfile.mkdtemp(prefix="af-cpu-", dir=str(shm)))
    try:
        template = bt.make_template(work / "t.db", N_ASSETS)
        steps = list(bt.workload(N_ASSETS, args.steps))
        rec: list = []
        bt._copy(template, work / "rec.db")
        engine_cpu(work / "rec.db", steps, rec)
        print(f"{args.steps:,} steps on {N_ASSETS} assets, in {work} (RAM); the engine sent {len(rec):,} statements "
              f"({len(rec) / args.steps:.1f} a step); load average {os.getloadavg()[0]:.1f}", flush=True)
        ours, bare = [], []
        for r in range(args.rounds):
            a, b = work / "a.db", work / "b.db"
            bt._copy(template, b)
            bare.append(replay_cpu(b, rec))
            bt._copy(template, a)
            ours.append(engine_cpu(a, steps))
            assert same(a, b), "the replay diverged from the engine"
            print(f"  round {r + 1}: engine {1e6 * ours[-1] / args.steps:.0f} µs CPU a step, replay "
                  f"{1e6 * bare[-1] / args.steps:.0f} µs; ratio {ours[-1] / bare[-1]:.2f}", flush=True)
        ratio = statistics.median(o / b for o, b in zip(ours, bare))
        o_us, b_us = 1e6 * statistics.median(ours) / args.steps, 1e6 * statistics.median(bare) / args.steps
        print(f"median: engine {o_us:.0f} µs CPU a step, replay {b_us:.0f} µs; ratio {ratio:.2f} (goal <= 2)")
        results = [result("engine CPU per step on a RAM disk (vs a stdlib sqlite3 replay of the same statements)",
                          o_us, "µs/step", b_us, ratio, "<= 2",
                          f"time.process_time; {args.steps} steps x {args.rounds} rounds, median; /dev/shm; "
                          f"load average {os.getloadavg()[0]:.1f}")]
        if args.profile:
            a = work / "a.db"
            bt._copy(template, a)
            engine_cpu(a, steps, profile=True)
        if args.callgrind:
            k = min(args.callgrind_steps, args.steps)
            sub = steps[:k]
            sub_rec: list = []
            bt._copy(template, work / "rec2.db")
            engine_cpu(work / "rec2.db", sub, sub_rec)
            e0, r0 = callgrind(work, template, "engine", []), callgrind(work, template, "replay", [])
            e1, r1 = callgrind(work, template, "engine", sub), callgrind(work, template, "replay", sub_rec)
            ci = (e1 - e0) / max(1, r1 - r0)
            print(f"callgrind, {k} steps: engine {(e1 - e0) / k:,.0f} instructions a step, replay "
                  f"{(r1 - r0) / k:,.0f}; ratio {ci:.2f}")
            results.append(result("engine instructions per step (callgrind, vs the stdlib sqlite3 replay)",
                                  (e1 - e0) / k, "instructions/step", (r1 - r0) / k, ci, "<= 2",
                                  f"valgrind --tool=callgrind; {k} steps, start-up subtracted; robust to load"))
        print()
        emit(results)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
