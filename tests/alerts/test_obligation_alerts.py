"""An overdue side clock (the losing bidders' deposits, due 3 working days after the auction)
raises an `obligation` alert, escalated as a stalled stage, resolved once the refunds are recorded."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from auction_flow.features.alerts import scan as scanner
from auction_flow.features.alerts import service as alerts_svc
from auction_flow.features.assets import service as svc
from auction_flow.storage.schema import alerts, audit_log

D = dt.date.fromisoformat


def sold(engine) -> int:
    aid = svc.seize(engine, "cv_an", "1/2026", "HG-VT", "movable", "Xe máy", on="2026-02-02")
    svc.advance(engine, aid, "agree_price", "cv_an", on="2026-02-03", sets=["price=50000000"])
    svc.advance(engine, aid, "contract_auction", "cv_an", on="2026-02-04",
                sets=["auction_org=ĐG Cần Thơ", "auction_date=2026-03-06"])
    svc.advance(engine, aid, "record_sale", "cv_an", on="2026-03-06",
                sets=["sale_price=60000000", "buyer=B", "deposit=5000000"])
    return aid


def mine(engine, aid) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(
            select(alerts.c.level, alerts.c.state, alerts.c.entered_on, alerts.c.deadline, alerts.c.status,
                   alerts.c.resolution).where(alerts.c.asset_id == aid, alerts.c.rule == "obligation")
            .order_by(alerts.c.id))]


def test_an_overdue_refund_alerts_escalates_and_resolves(world, cli):
    aid = sold(world)
    scanner.scan(world, D("2026-03-11"))  # the due day itself: not late
    assert mine(world, aid) == []
    done = scanner.scan(world, D("2026-03-12"))
    assert done.counts[("obligation", "overdue")] == 1
    assert mine(world, aid) == [("overdue", "deposit_refunds", D("2026-03-06"), D("2026-03-11"), "open", None)]
    scanner.scan(world, D("2026-03-26"))  # 15 days late: still overdue
    assert [a[0] for a in mine(world, aid)] == ["overdue"]
    done = scanner.scan(world, D("2026-03-27"))  # more than 15 days late, as a stalled stage: escalated
    assert [a.level for a in done.escalated if a.asset_id == aid] == ["escalated"]
    assert [(a[0], a[4], a[5]) for a in mine(world, aid)] == [("overdue", "resolved", "superseded"),
                                                             ("escalated", "open", None)]
    with world.connect() as conn:  # escalations are audited, as every escalation
        assert conn.execute(select(audit_log.c.id).where(audit_log.c.event == "alert_escalated")).first()
    listed = alerts_svc.list_alerts(world, "ld_binh", rule="obligation", on="2026-03-27")
    assert [(a["asset_id"], a["level"], a["days_late"]) for a in listed] == [(aid, "escalated", 16)]
    r = cli("alerts", "list", "--rule", "obligation", actor="ld_binh")
    assert r.exit_code == 0 and "deposit_refunds" in r.output and "Art. 39(4)" in r.output, r.output
    r = cli("--lang", "vi", "alerts", "list", "--rule", "obligation", actor="ld_binh")
    assert "Trả lại tiền đặt trước" in r.output and "quá hạn nghĩa vụ" in r.output, r.output
    svc.advance(world, aid, "record_refunds", "cv_an", on="2026-03-27", sets=["refunded_on=2026-03-20", "bidders=4"])
    scanner.scan(world, D("2026-03-28"))
    assert [(a[0], a[4], a[5]) for a in mine(world, aid)][-1] == ("escalated", "resolved", "fulfilled")
    scanner.scan(world, D("2026-03-29"))  # closed: nothing raised again
    assert len(mine(world, aid)) == 2


def test_refunds_in_time_raise_nothing(world):
    aid = sold(world)
    svc.advance(world, aid, "record_refunds", "cv_an", on="2026-03-10", sets=["refunded_on=2026-03-10", "bidders=1"])
    scanner.scan(world, D("2026-04-01"))
    assert mine(world, aid) == []
