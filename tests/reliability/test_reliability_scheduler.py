"""The scheduler under faults: two scheduler processes on one PostgreSQL database, one of them
killed with SIGKILL and restarted several times while they scan every second. Afterwards:
no duplicate alert, no missed escalation (a clean scan finds nothing left to raise), and no
two scans ever ran at the same time."""

from __future__ import annotations

import datetime as dt
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from auction_flow.common.config import today
from auction_flow.features.alerts import scan as scanner
from auction_flow.features.assets import service as assets
from auction_flow.storage.schema import alerts, scheduler_history

pytestmark = pytest.mark.reliability
EXE = Path(sys.executable).with_name("auction-flow")


def _paid(engine, paid_on: dt.date, n: int):
    aid = assets.seize(engine, "cv_an", f"P{n}", "HG-VT", "movable", "xe", on=paid_on - dt.timedelta(days=40))
    for trig, sets, days in [("agree_price", ["price=100000000"], 38),
                             ("contract_auction", ["auction_org=ĐG", f"auction_date={paid_on - dt.timedelta(days=10)}"],
                              35),
                             ("record_sale", ["sale_price=100000000", "buyer=B", "deposit=10000000"], 10), ("record_payment", [], 0)]:
        assets.advance(engine, aid, trig, "cv_an", paid_on - dt.timedelta(days=days), sets)


def _start(url, log):
    env = {k: v for k, v in os.environ.items() if not k.startswith("AUCTION_FLOW_SMTP")}
    return subprocess.Popen([str(EXE), "--db", url, "scheduler", "run", "--interval", "0.02"],
                            stdout=log, stderr=subprocess.STDOUT, env=env)


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_two_schedulers_one_killed_repeatedly(world, db_url, tmp_path):
    now = today()
    for n, days_ago in enumerate([120, 80, 62, 55, 20, 3]):  # every level of the handover ladder
        _paid(world, now - dt.timedelta(days=days_ago), n)
    for n in range(3):  # stalled seizures
        assets.seize(world, "cv_an", f"S{n}", "HG-VT", "real_estate", "đất", on=now - dt.timedelta(days=10 + 9 * n))

    rng = random.Random(3)
    logs = [open(tmp_path / f"s{i}.log", "w") for i in range(2)]
    steady, victim = _start(db_url, logs[0]), _start(db_url, logs[1])
    kills = 0
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            time.sleep(rng.uniform(3.0, 6.0))
            victim.send_signal(signal.SIGKILL)
            victim.wait(timeout=30)
            kills += 1
            victim = _start(db_url, logs[1])
            assert steady.poll() is None, (tmp_path / "s0.log").read_text()[-2000:]
        time.sleep(3)
    finally:
        for proc in (steady, victim):
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=30)
        for log in logs:
            log.close()

    with world.connect() as conn:
        runs = conn.execute(select(scheduler_history.c.started_at, scheduler_history.c.finished_at,
                                   scheduler_history.c.holder)
                            .where(scheduler_history.c.job == "scan", scheduler_history.c.outcome == "ok")
                            .order_by(scheduler_history.c.started_at)).all()
        holders = {r[0] for r in conn.execute(select(scheduler_history.c.holder))}
        failed = conn.execute(select(func.count()).select_from(scheduler_history)
                              .where(scheduler_history.c.outcome == "failed")).scalar()
        dupes = conn.execute(select(alerts.c.asset_id, alerts.c.rule, alerts.c.level, alerts.c.entered_on,
                                    func.count()).group_by(alerts.c.asset_id, alerts.c.rule, alerts.c.level,
                                                           alerts.c.entered_on).having(func.count() > 1)).all()
        levels = {r[0] for r in conn.execute(select(alerts.c.level).where(alerts.c.rule == "handover"))}
    assert kills >= 4
    assert len(runs) >= 5, f"only {len(runs)} scans ran"
    assert len(holders) >= 3, f"the restarted scheduler should have come up and tried to scan: {holders}"
    for earlier, later in zip(runs, runs[1:]):
        assert later.started_at >= earlier.finished_at, f"two scans overlapped: {earlier} and {later}"
    assert failed == 0
    assert dupes == []
    assert {"warning", "overdue", "escalated", "escalated_province"} <= levels
    # nothing was missed: a scan now finds nothing new to raise
    assert scanner.scan(world).summary()["raised"] == 0
