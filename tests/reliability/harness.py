"""Shared pieces of the reliability tests: seeding a pool, running workers, checking the record."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select

from auction_flow.core import audit
from auction_flow.storage.schema import assets, audit_log

WORKER = Path(__file__).with_name("worker.py")
SEIZED_ON = dt.date(2026, 8, 3)


def scale(default: int) -> int:
    """Soak sizes can be scaled with AUCTION_FLOW_SOAK_SCALE (e.g. 0.2 on a slow machine)."""
    return max(1, int(default * float(os.environ.get("AUCTION_FLOW_SOAK_SCALE", "1"))))


def seed_pool(engine, n: int) -> list[int]:
    from auction_flow.features.assets.service import seize

    return [seize(engine, "cv_an", f"{i}/2026", "HG-VT", "movable" if i % 2 else "real_estate",
                  f"Tài sản {i}", on=SEIZED_ON) for i in range(n)]


def worker_cmd(url: str, seed: int, attempts: int, out: str | None = None) -> list[str]:
    return [sys.executable, str(WORKER), url, str(seed), str(attempts)] + ([out] if out else [])


def run_workers(url: str, n: int, attempts: int, tmp: Path) -> list[dict]:
    procs = []
    for i in range(n):
        out = tmp / f"worker{i}.json"
        procs.append((subprocess.Popen(worker_cmd(url, 1000 + i, attempts, str(out)),
                                       stdout=subprocess.PIPE, stderr=subprocess.PIPE), out))
    results = []
    for proc, out in procs:
        _, err = proc.communicate(timeout=900)
        assert proc.returncode == 0, err.decode()[-2000:]
        results.append(json.loads(out.read_text()))
    return results


def check_record(engine) -> dict:
    """Every asset's state, version and hash chain agree with its audit rows. Returns totals.

    Read in one snapshot: on PostgreSQL a killed worker's last COMMIT, sent before the kill, can
    still land while the check reads (the server finishes it after the client is gone), and a
    check reading each statement's latest rows then counts the versions after it and the audit
    rows before it (a whole step seen half, not a step written half)."""
    problems, rows_seen = [], 0
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            conn.execution_options(isolation_level="REPEATABLE READ")
        for a in conn.execute(select(assets.c.id, assets.c.state, assets.c.version, assets.c.last_hash)
                              .order_by(assets.c.id)):
            rows = conn.execute(select(audit_log).where(audit_log.c.asset_id == a.id)
                                .order_by(audit_log.c.seq)).mappings().all()
            rows_seen += len(rows)
            if [r["seq"] for r in rows] != list(range(1, a.version + 1)):
                problems.append(f"asset {a.id}: version {a.version} but audit seqs {[r['seq'] for r in rows]}")
                continue
            if rows[-1]["to_state"] != a.state:
                problems.append(f"asset {a.id}: state {a.state} but last audit row says {rows[-1]['to_state']}")
            prev = audit.GENESIS
            for r in rows:
                if r["prev_hash"] != prev or audit.row_hash(prev, dict(r)) != r["hash"]:
                    problems.append(f"asset {a.id}: audit row seq {r['seq']} breaks the chain")
                    break
                prev = r["hash"]
            if prev != a.last_hash:
                problems.append(f"asset {a.id}: last_hash does not match its last audit row")
        dupes = conn.execute(select(audit_log.c.asset_id, audit_log.c.seq, func.count())
                             .where(audit_log.c.asset_id.is_not(None))
                             .group_by(audit_log.c.asset_id, audit_log.c.seq).having(func.count() > 1)).all()
        problems += [f"asset {d[0]}: {d[2]} audit rows claim step {d[1]}" for d in dupes]
        versions = conn.execute(select(func.sum(assets.c.version))).scalar() or 0
    return {"problems": problems, "audit_rows": rows_seen, "versions": versions}
