"""Alerts: scan, list (most urgent first), show, acknowledge, snooze; every handling audited."""

from __future__ import annotations

import datetime as dt
import json
from zoneinfo import ZoneInfo

from sqlalchemy import select, update

from auction_flow.common.config import TZ_NAME, now_utc, today
from auction_flow.common.context import current_via
from auction_flow.common.errors import InvalidInput, NotFound, PermissionDenied
from auction_flow.common.words import Msg
from auction_flow.core import audit, authz
from auction_flow.core.engine import load_actor
from auction_flow.core.fields import check_text, parse_date, parse_id
from auction_flow.features.alerts import digest as notify
from auction_flow.features.alerts import jobs as scheduler
from auction_flow.features.alerts import scan as scanner
from auction_flow.features.alerts.view import alert_query, describe, rank_of
from auction_flow.storage import db
from auction_flow.storage.schema import alerts, audit_log, offices

RULES = ("handover", "complaint_risk", "stalled", "complaint", "procuracy", "procuracy_send", "obligation")
LEVELS = ("warning", "overdue", "escalated", "escalated_province", "low", "medium", "high")
HANDLERS = ("officer", "supervisor")


def scan(engine, on=None) -> dict:
    """Run one alert scan as of ``on`` (a date or ISO text; default today)."""
    return scanner.scan(engine, parse_date(on, "--now") if on else None).summary()


def list_alerts(engine, actor, office=None, rule=None, level=None, show_all=False, on=None) -> list[dict]:
    """Alerts the actor may see, most urgent first (highest level, then most days late)."""
    for name, value, choices in (("--rule", rule, RULES), ("--level", level, LEVELS)):
        if value and value not in choices:
            raise InvalidInput("bad_alert_filter", field=name, value=value, choices=", ".join(choices))
    on = parse_date(on, "--now") if on else today()
    with db.reading(engine) as conn:
        user = load_actor(conn, actor)
        q = alert_query().order_by(rank_of(alerts.c.level).desc(), alerts.c.deadline, alerts.c.id)
        scope = authz.visible_offices(conn, user)
        if office:
            office_id = conn.execute(select(offices.c.id).where(offices.c.code == office)).scalar()
            if office_id is None:
                raise NotFound("office_not_found", office=office)
            wanted = authz.offices_under(conn, office_id)
            scope = wanted if scope is None else [o for o in wanted if o in scope]
        if scope is not None:
            q = q.where(alerts.c.office_id.in_(list(scope)))
        if not show_all:
            q = q.where(alerts.c.status != "resolved")
        if rule:
            q = q.where(alerts.c.rule == rule)
        if level:
            q = q.where(alerts.c.level == level)
        return [describe(r, on) for r in conn.execute(q).mappings()]


def _load(conn, alert_id) -> dict:
    number = parse_id(alert_id, "ID")
    if number is None:
        raise NotFound("alert_not_found", alert=alert_id)
    alert_id = number
    row = conn.execute(alert_query().where(alerts.c.id == alert_id)).mappings().first()
    if row is None:
        raise NotFound("alert_not_found", alert=alert_id)
    return dict(row)


def _history(conn, alert_id: int) -> list[dict]:
    pattern = f'%"alert":[null,{alert_id}]%'
    rows = conn.execute(select(audit_log).where(audit_log.c.asset_id.is_(None),
                                                audit_log.c.event.like("alert_%"),
                                                audit_log.c.changes.like(pattern)).order_by(audit_log.c.id))
    return [{"event": r.event, "on": r.business_date, "actor": r.actor, "reason": r.reason,
             "recorded_at": r.recorded_at, "changes": json.loads(r.changes)} for r in rows]


def _refuse(engine, user, action, row, exc: PermissionDenied):
    """Record the refusal in access_log (as the engine does), then raise it."""
    authz.record_denial(engine, user, action, row["asset_id"], row["office_code"], str(exc))
    raise exc


def show(engine, alert_id, actor, on=None) -> dict:
    with db.reading(engine) as conn:
        user = load_actor(conn, actor)
        row = _load(conn, alert_id)
        scope = authz.visible_offices(conn, user)
        denied = None
        if scope is not None and row["office_id"] not in scope:
            denied = PermissionDenied("office_denied", user=user["username"], action="read",
                                      user_office=user.get("office_code") or "-", office=row["office_code"])
        else:
            out = describe(row, parse_date(on, "--now") if on is not None else today())
            out["history"] = _history(conn, row["id"])
    if denied is not None:
        _refuse(engine, user, "alert read", row, denied)
    return out


def _handle(engine, alert_id, actor, reason, event, values: dict) -> dict:
    reason = check_text((reason or "").strip(), "--reason")
    if not reason:
        raise InvalidInput("alert_reason_required")
    with db.reading(engine) as conn:
        user = load_actor(conn, actor)
        row = _load(conn, alert_id)
        denied = None
        if user["role"] not in HANDLERS:
            denied = PermissionDenied("role_denied", user=user["username"], role=user["role"], action=event,
                                      allowed_roles=", ".join(HANDLERS))
        elif not authz.in_scope(conn, user, row["office_id"]):
            denied = PermissionDenied("office_denied", user=user["username"], action=event,
                                      user_office=user.get("office_code") or "-", office=row["office_code"])
    if denied is not None:
        _refuse(engine, user, event, row, denied)
    with db.writing(engine) as conn:
        row = _load(conn, alert_id)
        handled = (Msg("alert_handled_by", user=row["handled_by"], at=_local(row["handled_at"]))
                   if row["handled_by"] else "")
        if row["status"] == "resolved":
            raise InvalidInput("alert_resolved", alert=row["id"],
                               resolution=Msg(f"resolution.{row['resolution']}") if row["resolution"] else "-",
                               on=row["resolved_on"], handled=handled)
        if event == "alert_acknowledged" and row["status"] == "acknowledged":  # the first handler's word stands
            raise InvalidInput("alert_acked_already", alert=row["id"], user=row["handled_by"],
                               at=_local(row["handled_at"]), reason=row["handled_reason"] or "-")
        stamp = now_utc()
        values = dict(values, handled_by=user["username"], handled_reason=reason, handled_at=stamp,
                      handled_via=current_via())
        conn.execute(update(alerts).where(alerts.c.id == row["id"]).values(**values))
        changes = {"alert": (None, row["id"]), "asset": (None, row["asset_id"]),
                   "status": (row["status"], values["status"])}
        if "snoozed_until" in values:
            changes["snoozed_until"] = (row["snoozed_until"], values["snoozed_until"])
        audit.append(conn, audit.GENESIS, asset_id=None, seq=None, event=event, trigger=None, from_state=None,
                     to_state=None, actor=user["username"], role=user["role"], office=row["office_code"],
                     business_date=today(), recorded_at=stamp, reason=reason,
                     changes=audit.changes_json(changes), imported=False)
        row.update(values)
    return describe(row, today())


def _local(moment) -> str:
    """A moment as Vietnam's clocks showed it (SQLite hands back UTC without its zone)."""
    if moment is None:
        return "-"
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return moment.astimezone(ZoneInfo(TZ_NAME)).strftime("%Y-%m-%d %H:%M")


def ack(engine, alert_id, actor, reason) -> dict:
    """Acknowledge an alert (officers of the asset's office, supervisors above), with a reason."""
    return _handle(engine, alert_id, actor, reason, "alert_acknowledged", {"status": "acknowledged"})


def snooze(engine, alert_id, actor, until, reason) -> dict:
    """Hide an alert until ``until`` (it reopens on that day unless it resolved meanwhile)."""
    until = parse_date(until, "--until")
    if until <= today():
        raise InvalidInput("snooze_not_future", until=until, today=today())
    return _handle(engine, alert_id, actor, reason, "alert_snoozed", {"status": "snoozed", "snoozed_until": until})


def status(engine) -> dict:
    """The scheduler's jobs, next runs, last runs and outcomes."""
    return scheduler.status(engine)


def digest(engine, on=None, smtp=None, lang: str | None = None) -> dict:
    """Send the digests due today (one per recipient per day); failures are kept for the next run."""
    return notify.send_digests(engine, parse_date(on, "--now") if on else None, smtp, lang).summary()
