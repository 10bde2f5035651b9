"""The alert scan: set-based SQL that raises, escalates and resolves alerts for one day.

Each (rule, level) is one ``INSERT INTO alerts ... SELECT ... FROM assets WHERE state IN (...)
AND deadline BETWEEN :low AND :high ... ON CONFLICT DO NOTHING`` over the (state, deadline)
index: due assets are found and written by the database, never loaded into Python (only
escalations come back, to be audited). The UNIQUE constraint on (asset, rule, state,
entered_on, deadline, level) makes it exactly-once: a second scan, or a second scanner at the
same moment, inserts nothing. The level follows from how late the deadline is today, so a
scan after a long outage raises the level the asset has reached (catch-up), and a higher
level supersedes the lower ones of the same clock. The whole scan is one write transaction.

Complaint risk starts from the audit rows of cancellations (``trigger = cancel_result``),
the still-open ones only (one row per cancellation, not per asset); their factors come from
SQL and their level from the workflow's weights. The complaints register's own clocks are
raised by auction_flow.complaint_alerts, the procuracy's (answers to its recommendations and
protests, decisions sent to it) by procuracy_clocks, and the overdue side clocks of the workflow's
``obligations:`` by obligation_clocks, all called from here.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from dataclasses import dataclass, field

from sqlalchemy import String, and_, case, cast, exists, func, literal, or_, select, update

from auction_flow.common.config import now_utc, today
from auction_flow.common.errors import WorkflowDefinitionError
from auction_flow.core import audit
from auction_flow.core import workflow as workflow_mod
from auction_flow.core.workflow import alerts_section as alert_rules
from auction_flow.features.alerts import complaint_clocks as complaint_alerts
from auction_flow.features.alerts import obligation_clocks as obligation_alerts
from auction_flow.features.alerts import open_risks
from auction_flow.features.alerts import procuracy_clocks as procuracy_alerts
from auction_flow.features.alerts import raising
from auction_flow.features.alerts.view import rank_of
from auction_flow.storage.db import dialect_insert, writing
from auction_flow.storage.schema import TS, alerts, assets, audit_log, complaint_risk_open, complaints, offices

log = logging.getLogger("auction_flow.scanner")
ONE_DAY = dt.timedelta(days=1)
UNRESOLVED = ("open", "acknowledged", "snoozed")
SYSTEM_ACTOR = "scheduler"
# A complaint-risk window is over when it passed quietly, or when a complaint was filed in it
# (auction_flow.complaint_alerts resolves the risk then, and the complaint's own clocks take over).
CLOSED = open_risks.CLOSED


@dataclass(frozen=True)
class AlertRaised:
    alert_id: int
    asset_id: int
    rule: str
    level: str


@dataclass(frozen=True)
class ScanFinished:
    """What one scan did (events named in the past tense, as APScheduler names its own).

    ``counts``: alerts raised per (rule, level); ``escalated``: the escalations among them.
    """

    on: dt.date
    counts: dict = field(default_factory=dict)
    escalated: tuple[AlertRaised, ...] = ()
    resolved: int = 0
    superseded: int = 0
    reopened: int = 0

    @property
    def raised(self) -> int:
        return sum(self.counts.values())

    def summary(self) -> dict:
        return {"on": self.on, "raised": self.raised,
                "by_rule_level": {f"{r}/{lv}": n for (r, lv), n in sorted(self.counts.items()) if n},
                "escalated": len(self.escalated), "resolved": self.resolved, "superseded": self.superseded,
                "reopened": self.reopened}


def _insert(conn):
    return dialect_insert(conn, alerts)


def workflows() -> list:
    """Every workflow definition in the workflows folder (an invalid file is skipped and logged)."""
    found = []
    for path in workflow_mod.definition_files():
        try:
            wf = workflow_mod.load_cached(str(path), path.stat().st_mtime)
        except WorkflowDefinitionError as exc:
            log.error("alert scan skips %s: %s", path, exc)
            continue
        found.append(wf)
    return found


def _raise_level(conn, wf, rule: str, level: str, states, low: dt.date | None, high: dt.date, on, stamp,
                 counts: dict, escalated: list):
    """INSERT ... SELECT the assets of ``wf`` in ``states`` whose deadline is in [low, high] as
    ``level`` alerts; existing ones are skipped by the UNIQUE constraint (ON CONFLICT DO NOTHING).
    Only escalations come back to Python (RETURNING), to be audited; the rest is just counted."""
    sel = (select(assets.c.id, literal(rule), literal(level), assets.c.state, assets.c.state_entered_on,
                  assets.c.deadline, assets.c.deadline_basis, assets.c.deadline_regime, assets.c.office_id,
                  assets.c.officer_id, literal(on), literal(stamp, TS), literal("open"))
           .where(assets.c.state.in_(states), assets.c.deadline <= high,
                  assets.c.workflow == wf.name, assets.c.workflow_version == wf.version))
    if low is not None:
        sel = sel.where(assets.c.deadline >= low)
    raising.raise_selected(conn, sel, rule, level, counts, escalated)


def _handover(conn, wf, r: alert_rules.HandoverRule, on, stamp, counts, escalated):
    """Levels by deadline: warning in [on, on+w]; overdue 1..e days late; escalated e+1..p; province > p."""
    day = lambda n: on - dt.timedelta(days=n)  # noqa: E731 - the deadline of an asset n days late today
    e, p = r.escalate_after_days, r.escalate_province_after_days
    for level, low, high in (("warning", on, on + dt.timedelta(days=r.warning_days)), ("overdue", day(e), day(1)),
                             ("escalated", day(p), day(e + 1)), ("escalated_province", None, day(p + 1))):
        _raise_level(conn, wf, "handover", level, r.states, low, high, on, stamp, counts, escalated)


def _stalled(conn, wf, r: alert_rules.StalledRule, on, stamp, counts, escalated):
    e = r.escalate_after_days
    for level, low, high in (("overdue", on - dt.timedelta(days=e), on - ONE_DAY),
                             ("escalated", None, on - dt.timedelta(days=e + 1))):
        _raise_level(conn, wf, "stalled", level, r.states, low, high, on, stamp, counts, escalated)


def _complaint_filed(conn, asset_id, since: dt.date, until: dt.date) -> bool:
    """A complaint about the asset was received in the risk window: the risk came true."""
    table = complaints
    q = (select(func.count()).select_from(table)
         .where(table.c.asset_id == asset_id, table.c.received_on >= since, table.c.received_on <= until))
    return bool(conn.execute(q).scalar())


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
    o = complaint_risk_open
    window_end = _plus_days(c.c.business_date, r.window_days, dialect)
    shut = alerts.alias("shut")  # not correlated with the UPDATE's alerts below
    closed = exists().where(shut.c.asset_id == c.c.asset_id, shut.c.rule == "complaint_risk",
                            shut.c.entered_on == c.c.business_date, shut.c.resolution.in_(CLOSED))
    # the open set's own columns are filtered (o.trigger, o.business_date: the cancellation's), so the
    # query is driven by the open set and reaches the cancellation's row by (asset_id, seq)
    quiet = and_(
        o.c.trigger == r.trigger, o.c.business_date < on - dt.timedelta(days=r.window_days),
        exists().where(follow.c.asset_id == c.c.asset_id, follow.c.seq > c.c.seq,
                       follow.c.trigger.in_(r.follow_up_triggers), follow.c.business_date <= on),
        ~exists().where(complaints.c.asset_id == c.c.asset_id, complaints.c.received_on >= c.c.business_date,
                        complaints.c.received_on <= window_end),
        # one closing row per asset and day, as one by one: the first cancellation's
        ~exists().where(twin.c.asset_id == c.c.asset_id, twin.c.trigger == r.trigger,
                        twin.c.business_date == c.c.business_date, twin.c.seq < c.c.seq),
        assets.c.id == c.c.asset_id, assets.c.workflow == wf.name, assets.c.workflow_version == wf.version)
    # the alerts of those cancellations still unresolved are resolved ...
    target = alerts.alias("t")  # reached from the open set through (asset_id, ...), not by reading every alert
    mine = (select(target.c.id).select_from(o).join(c, _open_row(o, c)).join(assets, assets.c.id == c.c.asset_id)
            .join(target, and_(target.c.asset_id == c.c.asset_id, target.c.entered_on == c.c.business_date))
            .where(target.c.rule == "complaint_risk", target.c.resolution.is_(None), quiet, ~closed))
    done = conn.execute(update(alerts).where(alerts.c.id.in_(mine))
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
           .select_from(o).join(c, _open_row(o, c)).join(assets, assets.c.id == c.c.asset_id).where(quiet, ~closed))
    cols = ["asset_id", "rule", "level", "state", "entered_on", "deadline", "basis", "office_id", "officer_id",
            "raised_on", "raised_at", "factors", "status", "resolution", "resolved_on"]
    conn.execute(_insert(conn).from_select(cols, sel).on_conflict_do_nothing())
    return done


def _open_row(o, c):
    """The cancellation's audit row of an open-set row (through the (asset_id, seq) unique index)."""
    return and_(c.c.asset_id == o.c.asset_id, c.c.seq == o.c.seq)


def _cancellations(conn, wf, r: alert_rules.ComplaintRiskRule, on):
    """Cancellations of ``wf`` on or before ``on`` whose risk window is not yet closed: those of the
    open set (:mod:`open_risks`), not every cancellation ever made."""
    c, earlier, follow = audit_log.alias("c"), audit_log.alias("earlier"), audit_log.alias("follow")
    o = complaint_risk_open
    # OFFSET 0 keeps the closed check a per-cancellation probe of the alerts' unique index (a
    # SubPlan on PostgreSQL): as an anti-join its plan depends on the alerts' statistics, and
    # with them stale (a scan that just closed thousands of windows) PostgreSQL compared every
    # cancellation with every closed row: 7 s of an 8 s scan at a twentieth of the country.
    closed = (select(alerts.c.id).where(alerts.c.asset_id == c.c.asset_id, alerts.c.rule == "complaint_risk",
                                        alerts.c.entered_on == c.c.business_date,
                                        alerts.c.resolution.in_(CLOSED)).offset(0))
    before = exists().where(earlier.c.asset_id == c.c.asset_id, earlier.c.trigger == r.trigger,
                            earlier.c.seq < c.c.seq)
    # the asset's rows after the cancellation, through (asset_id, seq): with the trigger compared as
    # an expression, SQLite cannot take the (trigger, business_date) index instead, which reads every
    # follow-up of the country's history for each open cancellation (2.4 s of a 2.8 s scan at 20,000)
    follow_on = (select(func.min(follow.c.business_date))
                 .where(follow.c.asset_id == c.c.asset_id, follow.c.seq > c.c.seq,
                        (follow.c.trigger + literal("")).in_(r.follow_up_triggers), follow.c.business_date <= on)
                 .scalar_subquery())
    q = (select(c.c.asset_id, c.c.seq, c.c.business_date, c.c.from_state, assets.c.office_id,
                assets.c.officer_id, before.label("before"), follow_on.label("follow_on"))
         .select_from(o).join(c, _open_row(o, c)).join(assets, assets.c.id == c.c.asset_id)
         .where(o.c.trigger == r.trigger, o.c.business_date <= on, ~exists(closed),
                assets.c.workflow == wf.name, assets.c.workflow_version == wf.version))
    return list(conn.execute(q))


def _close_stage(conn, r, ev, resolution: str, on, stamp) -> int:
    """Resolve the cancellation's risk alerts; with none raised yet, record one closed row so the
    cancellation is not looked at again."""
    where = (alerts.c.asset_id == ev.asset_id, alerts.c.rule == "complaint_risk",
             alerts.c.entered_on == ev.business_date)
    done = conn.execute(update(alerts).where(*where, alerts.c.resolution.is_(None))
                        .values(status="resolved", resolution=resolution, resolved_on=on)).rowcount
    if not done and not conn.execute(select(alerts.c.id).where(*where, alerts.c.resolution.in_(CLOSED))).first():
        factors = ["paid_in_full"] if ev.from_state in r.paid_states else []
        conn.execute(_insert(conn).values(
            asset_id=ev.asset_id, rule="complaint_risk", level=r.level(factors), state=r.state,
            entered_on=ev.business_date, deadline=ev.business_date + dt.timedelta(days=r.follow_up_days),
            basis=r.basis, office_id=ev.office_id, officer_id=ev.officer_id, raised_on=on, raised_at=stamp,
            factors=json.dumps({"factors": factors, "cancel_seq": ev.seq}), status="resolved",
            resolution=resolution, resolved_on=on).on_conflict_do_nothing())
    return done


def _complaint_risk(conn, wf, r: alert_rules.ComplaintRiskRule, on, stamp, counts, escalated) -> int:
    rows, resolved = [], _close_quiet_windows(conn, wf, r, on, stamp)
    for ev in _cancellations(conn, wf, r, on):
        follow_by = ev.business_date + dt.timedelta(days=r.follow_up_days)
        window_end = ev.business_date + dt.timedelta(days=r.window_days)
        followed = ev.follow_on is not None
        if _complaint_filed(conn, ev.asset_id, ev.business_date, min(on, window_end)):
            resolved += _close_stage(conn, r, ev, "complaint_filed", on, stamp)
            continue
        if followed and on > window_end:
            resolved += _close_stage(conn, r, ev, "window_closed", on, stamp)
            continue
        factors = []
        if ev.from_state in r.paid_states:
            factors.append("paid_in_full")
        if ev.before:
            factors.append("cancelled_before")
        if on > follow_by and (not followed or ev.follow_on > follow_by):
            factors.append("no_follow_up")
        weights = dict(r.factors)
        factors = [f for f in factors if f in weights]
        rows.append(dict(asset_id=ev.asset_id, rule="complaint_risk", level=r.level(factors), state=r.state,
                         entered_on=ev.business_date, deadline=follow_by, basis=r.basis, regime=None,
                         office_id=ev.office_id, officer_id=ev.officer_id,
                         factors=json.dumps({"factors": factors, "window_ends": window_end.isoformat(),
                                             "cancel_seq": ev.seq}),
                         raised_on=on, raised_at=stamp, status="open"))
    if rows:
        stmt = (_insert(conn).values(rows).on_conflict_do_nothing()
                .returning(alerts.c.id, alerts.c.asset_id, alerts.c.rule, alerts.c.level, alerts.c.office_id))
        for a in conn.execute(stmt):
            counts[(a.rule, a.level)] = counts.get((a.rule, a.level), 0) + 1
            if a.level in alert_rules.ESCALATIONS["complaint_risk"]:
                escalated.append(a)
    return resolved


def _register_clocks(conn, on, stamp, counts, escalated) -> int:
    """The clocks of the complaints register and of the procuracy (complaint_clocks, procuracy_clocks)."""
    raised, resolved = complaint_alerts.scan(conn, on, stamp)
    more, resolved_more = procuracy_alerts.scan(conn, on, stamp)
    raised, resolved = raised + more, resolved + resolved_more
    for a in raised:
        counts[(a.rule, a.level)] = counts.get((a.rule, a.level), 0) + 1
        if a.level in alert_rules.ESCALATIONS.get(a.rule, ()):
            escalated.append(a)
    return resolved


def _resolve_moved_on(conn, on) -> int:
    """Resolve handover and stalled alerts whose clock is gone: the asset left the state, or its
    deadline moved (extension, restart after suspension)."""
    same_clock = exists().where(assets.c.id == alerts.c.asset_id, assets.c.state == alerts.c.state,
                                assets.c.state_entered_on == alerts.c.entered_on,
                                assets.c.deadline == alerts.c.deadline)
    return conn.execute(update(alerts).where(alerts.c.status.in_(UNRESOLVED),
                                             alerts.c.rule.in_(("handover", "stalled")), ~same_clock)
                        .values(status="resolved", resolution="moved_on", resolved_on=on)).rowcount


def _supersede(conn, on) -> int:
    """A higher level of the same clock replaces the lower ones."""
    higher = alerts.alias("higher")
    newer = exists().where(higher.c.asset_id == alerts.c.asset_id, higher.c.rule == alerts.c.rule,
                           higher.c.state == alerts.c.state, higher.c.entered_on == alerts.c.entered_on,
                           higher.c.deadline == alerts.c.deadline, rank_of(higher.c.level) > rank_of(alerts.c.level),
                           or_(higher.c.resolution.is_(None), higher.c.resolution != "moved_on"))
    return conn.execute(update(alerts).where(alerts.c.status.in_(UNRESOLVED), newer)
                        .values(status="resolved", resolution="superseded", resolved_on=on)).rowcount


def _reopen_snoozed(conn, on) -> int:
    return conn.execute(update(alerts).where(alerts.c.status == "snoozed", alerts.c.snoozed_until <= on)
                        .values(status="open")).rowcount


def _audit_escalations(conn, escalated, on, codes):
    for a in escalated:
        audit.append(conn, audit.GENESIS, asset_id=None, seq=None, event="alert_escalated", trigger=None,
                     from_state=None, to_state=None, actor=SYSTEM_ACTOR, role="system",
                     office=codes.get(a.office_id), business_date=on, recorded_at=now_utc(), reason=None,
                     changes=audit.changes_json({"alert": (None, a.id), "asset": (None, a.asset_id),
                                                 "rule": (None, a.rule), "level": (None, a.level)}),
                     imported=False)


def _audit_count(conn, top_before, on):
    """When the scan added alerts: one chained row with how many there are up to the newest id
    (alerts are never deleted, so `audit verify` finds one that was)."""
    total, top = conn.execute(select(func.count(), func.max(alerts.c.id))).one()
    if top is not None and top != top_before:
        audit.append(conn, audit.GENESIS, asset_id=None, seq=None, event="alerts_scanned", trigger=None,
                     from_state=None, to_state=None, actor=SYSTEM_ACTOR, role="system", office=None,
                     business_date=on, recorded_at=now_utc(), reason=None,
                     changes=audit.changes_json({"alerts": (None, total), "max_alert_id": (None, top)}),
                     imported=False)


def scan(engine, on: dt.date | None = None) -> ScanFinished:
    """Raise, escalate, supersede and resolve alerts as of ``on`` (default: today in Vietnam).

    One write transaction: a scan is applied whole or not at all.
    """
    on = on or today()
    stamp = now_utc()
    counts, escalated, resolved = {}, [], 0
    with writing(engine) as conn:
        codes = dict(conn.execute(select(offices.c.id, offices.c.code)).all())
        top = conn.execute(select(func.max(alerts.c.id))).scalar()
        found = workflows()
        open_risks.take_new(conn, {alert_rules.for_workflow(wf).complaint_risk.trigger for wf in found
                                   if alert_rules.for_workflow(wf).complaint_risk})
        for wf in found:
            rules = alert_rules.for_workflow(wf)
            if rules.handover:
                _handover(conn, wf, rules.handover, on, stamp, counts, escalated)
            if rules.stalled:
                _stalled(conn, wf, rules.stalled, on, stamp, counts, escalated)
                if wf.sections["obligations"].by_name:  # side clocks: escalated as a stalled stage
                    obligation_alerts.raise_overdue(conn, wf, rules.stalled, on, stamp, counts, escalated)
            if rules.complaint_risk:
                resolved += _complaint_risk(conn, wf, rules.complaint_risk, on, stamp, counts, escalated)
        resolved += _register_clocks(conn, on, stamp, counts, escalated)
        open_risks.drop_closed(conn)
        _audit_escalations(conn, escalated, on, codes)
        resolved += _resolve_moved_on(conn, on)
        resolved += obligation_alerts.resolve_done(conn, on)
        superseded = _supersede(conn, on)
        reopened = _reopen_snoozed(conn, on)
        _audit_count(conn, top, on)
    out = ScanFinished(on, counts, tuple(AlertRaised(a.id, a.asset_id, a.rule, a.level) for a in escalated),
                       resolved, superseded, reopened)
    log.info("alert scan %s", out.summary())
    return out


