"""The alert scan's complaint-risk queries as they were before the open set (issue 16), kept to
check that the scan raises and closes exactly what they did (tests/alerts/test_open_risks.py):
they read every cancellation ever made, the scan now reads the open ones."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import String, and_, case, cast, exists, func, literal, select, update

from auction_flow.core.workflow import alerts_section as alert_rules
from auction_flow.features.alerts.scan import CLOSED, TS, _insert
from auction_flow.storage.schema import alerts, assets, audit_log, complaints


def _plus_days(day, n: int, dialect: str):
    """``day`` + ``n`` days in SQL."""
    return func.date(day, f"+{n} days") if dialect == "sqlite" else day + n


def _close_quiet_windows(conn, wf, r: alert_rules.ComplaintRiskRule, on, stamp) -> int:
    """Close, in two statements, the risk of every cancellation whose window is over, that was
    followed up, and about which no complaint came in the window: what :func:`_close_stage`
    does for each one ("window_closed"), for all of them at once.

    A scan after a long time (the first after an upgrade, or over a country's years of history)
    meets hundreds of thousands of them; one by one that took four statements each. The
    cancellations left (window open, not followed up, or a complaint filed) go one by one.
    """
    dialect = conn.dialect.name
    c, follow, twin = audit_log.alias("c"), audit_log.alias("follow"), audit_log.alias("twin")
    window_end = _plus_days(c.c.business_date, r.window_days, dialect)
    closed = exists().where(alerts.c.asset_id == c.c.asset_id, alerts.c.rule == "complaint_risk",
                            alerts.c.entered_on == c.c.business_date, alerts.c.resolution.in_(CLOSED))
    quiet = and_(
        c.c.trigger == r.trigger, c.c.business_date < on - dt.timedelta(days=r.window_days),
        exists().where(follow.c.asset_id == c.c.asset_id, follow.c.seq > c.c.seq,
                       follow.c.trigger.in_(r.follow_up_triggers), follow.c.business_date <= on),
        ~exists().where(complaints.c.asset_id == c.c.asset_id, complaints.c.received_on >= c.c.business_date,
                        complaints.c.received_on <= window_end),
        # one closing row per asset and day, as one by one: the first cancellation's
        ~exists().where(twin.c.asset_id == c.c.asset_id, twin.c.trigger == r.trigger,
                        twin.c.business_date == c.c.business_date, twin.c.seq < c.c.seq),
        assets.c.id == c.c.asset_id, assets.c.workflow == wf.name, assets.c.workflow_version == wf.version)
    # the alerts of those cancellations still unresolved are resolved ...
    target = alerts.alias("t")
    mine = (select(literal(1)).select_from(c).join(assets, assets.c.id == c.c.asset_id)
            .where(c.c.asset_id == target.c.asset_id, c.c.business_date == target.c.entered_on, quiet,
                   ~closed).exists())
    done = conn.execute(update(target).where(target.c.rule == "complaint_risk", target.c.resolution.is_(None), mine)
                        .values(status="resolved", resolution="window_closed", resolved_on=on)
                        .execution_options(preserve_rowcount=True)).rowcount
    # ... and those with none get one closed row, so they are not looked at again
    paid = c.c.from_state.in_(r.paid_states)
    factors = case((paid, literal('{"factors": ["paid_in_full"], "cancel_seq": ')),
                   else_=literal('{"factors": [], "cancel_seq": ')) + cast(c.c.seq, String) + literal("}")
    sel = (select(c.c.asset_id, literal("complaint_risk"),
                  case((paid, literal(r.level(["paid_in_full"]))), else_=literal(r.level([]))), literal(r.state),
                  c.c.business_date, _plus_days(c.c.business_date, r.follow_up_days, dialect), literal(r.basis),
                  assets.c.office_id, assets.c.officer_id, literal(on), literal(stamp, TS), factors,
                  literal("resolved"), literal("window_closed"), literal(on))
           .select_from(c).join(assets, assets.c.id == c.c.asset_id).where(quiet, ~closed))
    cols = ["asset_id", "rule", "level", "state", "entered_on", "deadline", "basis", "office_id", "officer_id",
            "raised_on", "raised_at", "factors", "status", "resolution", "resolved_on"]
    conn.execute(_insert(conn).from_select(cols, sel).on_conflict_do_nothing())
    return done


def _cancellations(conn, wf, r: alert_rules.ComplaintRiskRule, on):
    """Cancellations of ``wf`` on or before ``on`` whose risk window is not yet closed."""
    c, earlier, follow = audit_log.alias("c"), audit_log.alias("earlier"), audit_log.alias("follow")
    # OFFSET 0 keeps the closed check a per-cancellation probe of the alerts' unique index (a
    # SubPlan on PostgreSQL): as an anti-join its plan depends on the alerts' statistics, and
    # with them stale (a scan that just closed thousands of windows) PostgreSQL compared every
    # cancellation with every closed row: 7 s of an 8 s scan at a twentieth of the country.
    closed = (select(alerts.c.id).where(alerts.c.asset_id == c.c.asset_id, alerts.c.rule == "complaint_risk",
                                        alerts.c.entered_on == c.c.business_date,
                                        alerts.c.resolution.in_(CLOSED)).offset(0))
    before = exists().where(earlier.c.asset_id == c.c.asset_id, earlier.c.trigger == r.trigger,
                            earlier.c.seq < c.c.seq)
    follow_on = (select(func.min(follow.c.business_date))
                 .where(follow.c.asset_id == c.c.asset_id, follow.c.seq > c.c.seq,
                        follow.c.trigger.in_(r.follow_up_triggers), follow.c.business_date <= on)
                 .scalar_subquery())
    q = (select(c.c.asset_id, c.c.seq, c.c.business_date, c.c.from_state, assets.c.office_id,
                assets.c.officer_id, before.label("before"), follow_on.label("follow_on"))
         .join(assets, assets.c.id == c.c.asset_id)
         .where(c.c.trigger == r.trigger, c.c.business_date <= on, ~exists(closed),
                assets.c.workflow == wf.name, assets.c.workflow_version == wf.version))
    return list(conn.execute(q))


