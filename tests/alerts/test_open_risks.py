"""The complaint-risk rule reads the open set of cancellations, not every cancellation ever made
(issue 16), and raises and closes exactly what it did when it read them all.

Two copies of a generated province (tests/province_walk.py), with complaints about some cancelled
assets, are scanned on the same days: one as the scan is, one with the queries of before the open
set (tests/alerts/legacy_scan.py). Between the scans more assets are walked, so cancellations are
written after the scans' mark (some dated before the days already scanned). The alerts tables and
the scans' results stay the same, row for row; the open set ends up holding exactly the
cancellations whose window is not closed.
"""

from __future__ import annotations

import datetime as dt
import random

import legacy_scan
import province_walk
import pytest
from conftest import BACKENDS
from sqlalchemy import select
from test_scan_bulk_close import _alerts, _province

from auction_flow.features.alerts import scan as scanner
from auction_flow.features.complaints import service as complaints
from auction_flow.storage import db
from auction_flow.storage.schema import alerts, audit_log, complaint_risk_open, scan_marks

DAYS = ("2024-06-03", "2025-01-06", "2025-03-03")
LATER = ("2025-11-03", "2025-12-01", "2026-06-01")


def _complain(engine, since_id: int = 0):
    """A complaint about every third cancelled asset (cancelled after audit row ``since_id``), in its window."""
    with engine.connect() as conn:
        cancelled = conn.execute(select(audit_log.c.asset_id, audit_log.c.business_date)
                                 .where(audit_log.c.trigger == "cancel_result", audit_log.c.id > since_id)
                                 .order_by(audit_log.c.id)).all()
    for i, (aid, day) in enumerate(cancelled):
        if i % 3 == 0:
            complaints.add(engine, "ld_tinh", aid, "complaint", str(day + dt.timedelta(days=i % 20)),
                           "Trần Văn Mua", "hủy kết quả")
    return len(cancelled)


@pytest.fixture(params=BACKENDS)
def twins(request, tmp_path_factory, sqlite_template):
    made = []
    for _ in range(2):
        url, name = _province(request, tmp_path_factory, sqlite_template)
        engine = db.open_db(url)
        province_walk.build(engine, url, n_assets=90, seed=7)
        assert _complain(engine) >= 3
        made.append((engine, name))
    yield made[0][0], made[1][0]
    from conftest import drop_pg

    for engine, name in made:
        engine.dispose()
        if name is not None:
            drop_pg(request.getfixturevalue("pg_admin"), name)


def _unclosed(engine) -> set[tuple]:
    """(asset, seq) of every cancellation whose risk window no alert row closes."""
    with engine.connect() as conn:
        closed = {(a, d) for a, d in conn.execute(select(alerts.c.asset_id, alerts.c.entered_on).where(
            alerts.c.rule == "complaint_risk", alerts.c.resolution.in_(scanner.CLOSED)))}
        return {(a, s) for a, s, d in conn.execute(select(audit_log.c.asset_id, audit_log.c.seq,
                                                          audit_log.c.business_date)
                                                   .where(audit_log.c.trigger == "cancel_result"))
                if (a, d) not in closed}


def test_the_open_set_raises_and_closes_what_reading_every_cancellation_did(twins, monkeypatch):
    ours, before = twins

    def scan_both(day):
        on = dt.date.fromisoformat(day)
        with monkeypatch.context() as m:
            m.setattr(scanner, "_cancellations", legacy_scan._cancellations)
            m.setattr(scanner, "_close_quiet_windows", legacy_scan._close_quiet_windows)
            old = scanner.scan(before, on)
        new = scanner.scan(ours, on)
        assert new.summary() == old.summary(), day
        assert _alerts(ours) == _alerts(before), day

    for day in DAYS:
        scan_both(day)
    with ours.connect() as conn:
        mark = conn.execute(select(scan_marks.c.low, scan_marks.c.high)).one()
        top = conn.execute(select(audit_log.c.id).order_by(audit_log.c.id.desc()).limit(1)).scalar()
    assert 0 < mark.low <= mark.high <= top  # the third scan read from the first one's newest row
    for engine in (ours, before):  # more assets walked after the mark: their cancellations are new
        province_walk.walk(engine, random.Random(11), 50)
        _complain(engine, top)
    with ours.connect() as conn:
        assert conn.execute(select(audit_log.c.id).where(audit_log.c.trigger == "cancel_result",
                                                         audit_log.c.id > top)).first() is not None
    for day in LATER:
        scan_both(day)
        with ours.connect() as conn:
            kept = set(conn.execute(select(complaint_risk_open.c.asset_id, complaint_risk_open.c.seq)).all())
        assert kept == _unclosed(ours), day  # the open set is exactly what is not closed
    with ours.connect() as conn:
        total = conn.execute(select(audit_log.c.id).where(audit_log.c.trigger == "cancel_result")).all()
    assert len(kept) < len(total)  # most windows closed: the scan no longer reads them
