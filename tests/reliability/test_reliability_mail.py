"""A mail server that accepts the connection and never answers (issue 12): the real scheduler
process scans every 1.2 s for 20 s while its digest job talks to it. Not one scan may be skipped
or late, and the digests stay failed/deferred for the next run; the figures are printed for
docs/reliability.md."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from auction_flow.common.config import today
from auction_flow.features.assets import service as assets
from auction_flow.storage.schema import alert_digests, scheduler_history

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "alerts"))
from test_digest import HungServer  # noqa: E402 - the hung server the digest tests use

pytestmark = pytest.mark.reliability
EXE = Path(sys.executable).with_name("auction-flow")
SECONDS = 20
INTERVAL_MINUTES = 0.02  # 1.2 s


def test_hung_mail_server_never_delays_a_scan(world, db_url, tmp_path):
    for n in range(3):  # stalled seizures: every officer and supervisor of HG-VT has a digest to send
        assets.seize(world, "cv_an", f"S{n}", "HG-VT", "movable", "xe", on=today() - dt.timedelta(days=12 + n))
    server = HungServer()
    env = {k: v for k, v in os.environ.items() if not k.startswith("AUCTION_FLOW_SMTP")}
    env.update(AUCTION_FLOW_SMTP_HOST="127.0.0.1", AUCTION_FLOW_SMTP_PORT=str(server.port),
               AUCTION_FLOW_DIGEST_HOUR="0", AUCTION_FLOW_SMTP_TIMEOUT="30")  # the timeout of the report
    log_path = tmp_path / "scheduler.log"
    with open(log_path, "w") as log:
        proc = subprocess.Popen([str(EXE), "--db", db_url, "scheduler", "run", "--interval", str(INTERVAL_MINUTES)],
                                stdout=log, stderr=subprocess.STDOUT, env=env)
        try:
            time.sleep(SECONDS)
            assert proc.poll() is None, log_path.read_text()[-2000:]
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=30)
            server.close()
    text = log_path.read_text()
    skipped = sum(1 for line in text.splitlines() if 'job "alert scan' in line and ("skipped" in line or "missed" in line))
    with world.connect() as conn:
        scans = conn.execute(select(func.count()).select_from(scheduler_history)
                             .where(scheduler_history.c.job == "scan", scheduler_history.c.outcome == "ok")).scalar()
        sent = conn.execute(select(func.count()).select_from(alert_digests)
                            .where(alert_digests.c.status == "sent")).scalar()
    print(f"\nhung mail server ({db_url.split(':')[0]}): {SECONDS} s, scan every {INTERVAL_MINUTES * 60:.1f} s: "
          f"scans run {scans}, scans skipped {skipped}, connections held {len(server.held)}, digests sent {sent}")
    assert skipped == 0, text[-3000:]
    assert scans >= SECONDS / (INTERVAL_MINUTES * 60) / 2  # the scans kept their pace (half the ideal, at least)
    assert len(server.held) >= 1 and sent == 0  # the digest job did talk to the hung server
