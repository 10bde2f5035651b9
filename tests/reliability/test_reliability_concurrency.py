"""Concurrent officers: 8 processes x 500 transitions on 50 shared assets, on every backend.

After the run every asset's state is its last audit row's, its version is its number of audit
rows, no two rows claim one step, every chain verifies, and every attempt was either applied
or reported to its caller as a conflict (none silently lost).
"""

import pytest
from harness import check_record, run_workers, scale, seed_pool

pytestmark = pytest.mark.reliability


def test_eight_officers_on_fifty_assets(world, db_url, tmp_path):
    pool = seed_pool(world, 50)
    procs, attempts = 8, scale(500)
    results = run_workers(db_url, procs, attempts, tmp_path)

    others = [o for r in results for o in r["other"]]
    assert others == [], others[:5]
    ok = sum(r["ok"] for r in results)
    conflicts = sum(r["conflict"] for r in results)
    skipped = sum(r["skipped"] for r in results)
    assert ok + conflicts + skipped == procs * attempts  # every attempt has exactly one outcome
    assert conflicts > 0, "the pool is small enough that some steps must collide"

    record = check_record(world)
    assert record["problems"] == []
    # each applied step is one version and one audit row beyond the seizure
    assert record["versions"] == len(pool) + ok
    assert record["audit_rows"] == len(pool) + ok
    print(f"\n{db_url.split(':')[0]}: {ok} transitions, {conflicts} conflicts, {skipped} skipped")
