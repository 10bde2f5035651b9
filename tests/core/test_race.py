"""A race: several OS processes advance the same asset at once, on a SQLite file and on
PostgreSQL. Exactly one wins each step; the others are refused (a conflict, or the trigger is
no longer allowed) with exit 1 and one line; the audit count equals the version equals the
number of state changes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from assetwalk import asset_row, audit_rows, seize, step
from conftest import sign_in

ROOT = Path(__file__).resolve().parents[2]
AF = ROOT / ".venv" / "bin" / "auction-flow"
PROCS = 3

# Each worker process plays one officer through every step: at each step it waits at a barrier
# (the step's "go" file) so that all workers read the asset at about the same moment, fires the
# step through the service layer, and writes its outcome (exit code and the CLI's one line).
WORKER = r"""
import json, os, sys, time
url, aid, workdir, me = sys.argv[1:5]
steps = json.loads(sys.argv[5])
from auction_flow.storage.db import open_db
from auction_flow.common.errors import AuctionFlowError
from auction_flow.features.assets import service as assets
engine = open_db(url)
for n, (trigger, on, sets) in enumerate(steps):
    open(os.path.join(workdir, f"ready{n}_{me}"), "w").close()
    while not os.path.exists(os.path.join(workdir, f"go{n}")):
        time.sleep(0.002)
    try:
        assets.advance(engine, aid, trigger, "cv_an", on, sets)
        code, line = 0, "ok"
    except AuctionFlowError as exc:
        code, line = exc.exit_code, "error: " + str(exc)
    with open(os.path.join(workdir, f"out{n}_{me}.tmp"), "w") as f:
        json.dump([code, line], f)
    os.replace(os.path.join(workdir, f"out{n}_{me}.tmp"), os.path.join(workdir, f"out{n}_{me}"))
"""

STEPS = [("agree_price", "2026-03-04", ["price=100000000"]),
         ("contract_auction", "2026-03-06", ["auction_org=ĐG Cần Thơ", "auction_date=2026-04-01"]),
         ("record_sale", "2026-04-01", ["sale_price=101000000", "buyer=Lê Văn Tám", "deposit=10000000"]),
         ("record_payment", "2026-04-10", []),
         ("hand_over", "2026-04-20", []),
         ("close", "2026-04-25", [])]


def _env():
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env.pop("AUCTION_FLOW_USER", None)
    return env


def _check_outcomes(results, trigger):
    winners = [r for r in results if r.returncode == 0]
    losers = [r for r in results if r.returncode != 0]
    assert len(winners) == 1, (trigger, [(r.returncode, r.stderr) for r in results])
    for r in losers:
        assert r.returncode == 1, (trigger, r.returncode, r.stderr)
        lines = r.stderr.strip().splitlines()
        assert len(lines) == 1, r.stderr
        assert "Traceback" not in r.stderr
        assert ("changed since it was read" in lines[0] or "not allowed now" in lines[0]), lines[0]
    return sum("changed since it was read" in r.stderr for r in losers)


def _wait_for(paths, procs, what):
    deadline = time.monotonic() + 120
    while not all(p.exists() for p in paths):
        assert time.monotonic() < deadline, f"workers never reached {what}"
        dead = [p for p in procs if p.poll() is not None and p.returncode != 0]
        assert not dead, dead[0].communicate()
        time.sleep(0.005)


def _race_workers(url, aid, tmp_path):
    procs = [subprocess.Popen([sys.executable, "-c", WORKER, url, str(aid), str(tmp_path), str(i), json.dumps(STEPS)],
                              env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for i in range(PROCS)]
    conflicts = 0
    try:
        for n, (trigger, _, _) in enumerate(STEPS):
            _wait_for([tmp_path / f"ready{n}_{i}" for i in range(PROCS)], procs, f"step {n}")
            (tmp_path / f"go{n}").touch()
            outs = [tmp_path / f"out{n}_{i}" for i in range(PROCS)]
            _wait_for(outs, procs, f"the end of step {n}")
            results = []
            for path in outs:
                code, line = json.loads(path.read_text(encoding="utf-8"))
                results.append(subprocess.CompletedProcess([], code, "", line + "\n" if code else ""))
            conflicts += _check_outcomes(results, trigger)
    finally:
        for p in procs:
            p.communicate(timeout=120)
    assert all(p.returncode == 0 for p in procs)
    return conflicts


def _check_record(engine, aid):
    row = asset_row(engine, aid)
    rows = audit_rows(engine, aid)
    assert row["state"] == "closed"
    assert row["version"] == len(rows) == len(STEPS) + 1
    assert [r["trigger"] for r in rows] == ["seize"] + [s[0] for s in STEPS]
    assert [r["seq"] for r in rows] == list(range(1, len(rows) + 1))
    changes = [r for r in rows if r["from_state"] != r["to_state"]]
    assert len(changes) == len(rows)  # every audit row is one state change, none lost, none doubled
    assert all(p["hash"] == r["prev_hash"] for p, r in zip(rows, rows[1:]))


def test_processes_race_through_the_services(world, db_url, tmp_path):
    aid = seize(world, "2026-03-02")
    conflicts = _race_workers(db_url, aid, tmp_path)
    print(f"\n{db_url.split(':')[0]}: {conflicts} optimistic-lock conflicts in {len(STEPS)} racing steps")
    _check_record(world, aid)


def test_processes_race_through_the_cli(world, db_url, tmp_path):
    aid = seize(world, "2026-03-02")
    assert sign_in(db_url, "cv_an")  # into the test's config folder, which the processes inherit
    for n, (trigger, on, sets) in enumerate(STEPS):
        if n >= 2:  # the last steps sequentially: each racing CLI step costs PROCS process starts
            step(world, aid, trigger, on, **dict(x.split("=", 1) for x in sets))
            continue
        argv = [str(AF), "--db", db_url, "--as", "cv_an", "asset", "advance", str(aid), trigger, "--on", on]
        for s in sets:
            argv += ["--set", s]
        procs = [subprocess.Popen(argv, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for _ in range(PROCS)]
        results = []
        for p in procs:
            out, err = p.communicate(timeout=120)
            results.append(subprocess.CompletedProcess(p.args, p.returncode, out, err))
        _check_outcomes(results, trigger)
        winner = next(r for r in results if r.returncode == 0)
        assert f"asset {aid}: " in winner.stdout
    _check_record(world, aid)
