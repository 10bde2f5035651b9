"""The procuracy's clocks as alerts, for the office's supervisors (workflows/procuracy.yaml).

The alert scan (auction_flow.features.alerts.scan) calls :func:`scan` once per run, in its own
write transaction:

* rule ``procuracy``: every recommendation or protest not yet answered raises ``warning`` in the
  last ``warning_days`` before its answer is due, ``overdue`` after, ``escalated`` more than
  ``escalate_after_days`` days after (state ``procuracy_recommendation`` / ``procuracy_protest``);
* rule ``procuracy_send``: every decision of the listed triggers not sent to the procuracy by its
  due day is ``overdue``, then ``escalated`` (state ``procuracy_send``). An office is watched
  from the day of the first decision it recorded as sent (its dispatch book in auction-flow
  starts there); imported history is never watched.

Decisions of one asset with the same day and due day share one alert (their steps are in
``factors``). An alert whose clock is gone (answered, sent) is resolved ``moved_on``.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict

from sqlalchemy import and_, exists, func, select, update

from auction_flow.core.calendar import WorkCalendar
from auction_flow.core.workflow import procuracy_section
from auction_flow.storage.db import dialect_insert
from auction_flow.storage.schema import alerts, assets, audit_log, procuracy_items, procuracy_sends

RULES = ("procuracy", "procuracy_send")
UNRESOLVED = ("open", "acknowledged", "snoozed")


def _level(on: dt.date, due: dt.date, rules, warn: bool) -> str | None:
    if on > due + dt.timedelta(days=rules.escalate_after_days):
        return "escalated"
    if on > due:
        return "overdue"
    if warn and on >= due - dt.timedelta(days=rules.warning_days):
        return "warning"
    return None


def _answers(conn, rules, on, stamp, live, rows, ids):
    q = (select(procuracy_items, assets.c.officer_id).join(assets, assets.c.id == procuracy_items.c.asset_id)
         .where(procuracy_items.c.status == "open", procuracy_items.c.received_on <= on))
    for it in conn.execute(q).mappings():
        state = f"procuracy_{it['kind']}"
        key = (it["asset_id"], "procuracy", state, it["received_on"], it["answer_due"])
        live.add(key)
        level = _level(on, it["answer_due"], rules, warn=True)
        if level is None:
            continue
        ids[key].append(it["id"])
        rows[key] = dict(asset_id=it["asset_id"], rule="procuracy", level=level, state=state,
                         entered_on=it["received_on"], deadline=it["answer_due"], basis=it["answer_basis"],
                         regime=None, office_id=it["office_id"], officer_id=it["officer_id"], raised_on=on,
                         raised_at=stamp, status="open")


def _unsent(conn, rules, on, stamp, live, rows, ids):
    book = (select(procuracy_sends.c.office_id, func.min(procuracy_sends.c.decided_on).label("since"))
            .group_by(procuracy_sends.c.office_id).subquery())
    sent = exists().where(procuracy_sends.c.asset_id == audit_log.c.asset_id, procuracy_sends.c.seq == audit_log.c.seq)
    q = (select(audit_log.c.asset_id, audit_log.c.seq, audit_log.c.trigger, audit_log.c.business_date,
                assets.c.office_id, assets.c.officer_id)
         .join(assets, assets.c.id == audit_log.c.asset_id)
         .join(book, and_(book.c.office_id == assets.c.office_id, audit_log.c.business_date >= book.c.since))
         .where(audit_log.c.trigger.in_(rules.decisions), audit_log.c.imported.is_(False),
                audit_log.c.business_date < on, ~sent))
    cal = None
    for d in conn.execute(q).mappings():
        cal = cal or WorkCalendar.from_db(conn)
        clock = rules.send.on(d["business_date"])
        due = clock.due(d["business_date"], cal)
        key = (d["asset_id"], "procuracy_send", "procuracy_send", d["business_date"], due)
        live.add(key)
        level = _level(on, due, rules, warn=False)
        if level is None:
            continue
        ids[key].append(d["seq"])
        rows[key] = dict(asset_id=d["asset_id"], rule="procuracy_send", level=level, state="procuracy_send",
                         entered_on=d["business_date"], deadline=due, basis=clock.basis, regime=None,
                         office_id=d["office_id"], officer_id=d["officer_id"], raised_on=on, raised_at=stamp,
                         status="open")


def scan(conn, on: dt.date, stamp) -> tuple[list, int]:
    """Raise and resolve the procuracy's alerts as of ``on``; return (raised rows, resolved count)."""
    rules = procuracy_section.rules()
    live: set = set()
    rows: dict[tuple, dict] = {}
    ids: dict[tuple, list[int]] = defaultdict(list)
    _answers(conn, rules, on, stamp, live, rows, ids)
    _unsent(conn, rules, on, stamp, live, rows, ids)
    values = [dict(v, factors=json.dumps({"items" if v["rule"] == "procuracy" else "steps": ids[k]}))
              for k, v in rows.items()]
    raised = []
    if values:
        insert = dialect_insert(conn, alerts)
        raised = list(conn.execute(insert.values(values).on_conflict_do_nothing().returning(
            alerts.c.id, alerts.c.asset_id, alerts.c.rule, alerts.c.level, alerts.c.office_id)))
    resolved = 0
    for a in conn.execute(select(alerts.c.id, alerts.c.asset_id, alerts.c.rule, alerts.c.state, alerts.c.entered_on,
                                 alerts.c.deadline).where(alerts.c.rule.in_(RULES),
                                                          alerts.c.status.in_(UNRESOLVED))).all():
        if (a.asset_id, a.rule, a.state, a.entered_on, a.deadline) not in live:
            resolved += conn.execute(update(alerts).where(alerts.c.id == a.id).values(
                status="resolved", resolution="moved_on", resolved_on=on)).rowcount
    return raised, resolved
