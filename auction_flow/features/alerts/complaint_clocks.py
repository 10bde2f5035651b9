"""Complaint clocks as alerts (rule ``complaint``), and closing the loop on complaint risk.

The alert scan (auction_flow.scanner) calls :func:`scan` once per run, in its own write
transaction: every complaint still waiting for acceptance (state ``complaint_received``,
deadline ``accept_due``) or for its decision (state ``complaint_accepted``, deadline
``resolve_due``) raises ``warning`` in the last ``warning_days`` before the deadline,
``overdue`` after it, ``escalated`` more than ``escalate_after_days`` days after it (numbers from
workflows/complaints.yaml). The alert is about the asset's clock, so two complaints on one asset
with the same clock share it (their ids are in ``factors``). An alert whose clock is gone (the
complaint was accepted or resolved) is resolved ``moved_on``.

:func:`close_risk` is called when a complaint is registered: the asset's open complaint-risk
alerts are resolved ``complaint_filed`` (the risk came true and the register now tracks it).
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict

from sqlalchemy import select, update

from auction_flow.core import complaint_clocks as rules_mod
from auction_flow.storage.db import dialect_insert
from auction_flow.storage.schema import alerts, assets, complaints

RULE = "complaint"
UNRESOLVED = ("open", "acknowledged", "snoozed")
CLOCKS = {"received": ("complaint_received", "received_on", "accept_due", "accept_basis"),
          "accepted": ("complaint_accepted", "accepted_on", "resolve_due", "resolve_basis")}


def _level(on: dt.date, due: dt.date, rules) -> str | None:
    if on > due + dt.timedelta(days=rules.escalate_after_days):
        return "escalated"
    if on > due:
        return "overdue"
    if on >= due - dt.timedelta(days=rules.warning_days):
        return "warning"
    return None


def scan(conn, on: dt.date, stamp) -> tuple[list, int]:
    """Raise and resolve complaint alerts as of ``on``; return (raised rows, resolved count)."""
    rules = rules_mod.rules()
    bound = on + dt.timedelta(days=rules.warning_days)
    q = (select(complaints, assets.c.officer_id).join(assets, assets.c.id == complaints.c.asset_id)
         .where(complaints.c.status.in_(tuple(CLOCKS))))
    clocks: dict[tuple, dict] = {}
    ids: dict[tuple, list[int]] = defaultdict(list)
    live = set()
    for c in conn.execute(q).mappings():
        state, start_col, due_col, basis_col = CLOCKS[c["status"]]
        key = (c["asset_id"], state, c[start_col], c[due_col])
        live.add(key)
        if c[due_col] is None or c[due_col] > bound:
            continue
        level = _level(on, c[due_col], rules)
        if level is None:
            continue
        ids[key].append(c["id"])
        clocks[key] = dict(asset_id=c["asset_id"], rule=RULE, level=level, state=state,
                           entered_on=c[start_col], deadline=c[due_col], basis=c[basis_col], regime=None,
                           office_id=c["office_id"], officer_id=c["officer_id"], raised_on=on, raised_at=stamp,
                           status="open")
    rows = [dict(v, factors=json.dumps({"complaints": ids[k], "kind": "accept" if v["state"] == "complaint_received"
                                        else "resolve"})) for k, v in clocks.items()]
    raised = []
    if rows:
        insert = dialect_insert(conn, alerts)
        raised = list(conn.execute(insert.values(rows).on_conflict_do_nothing().returning(
            alerts.c.id, alerts.c.asset_id, alerts.c.rule, alerts.c.level, alerts.c.office_id)))
    resolved = 0
    for a in conn.execute(select(alerts.c.id, alerts.c.asset_id, alerts.c.state, alerts.c.entered_on,
                                 alerts.c.deadline).where(alerts.c.rule == RULE,
                                                          alerts.c.status.in_(UNRESOLVED))).all():
        if (a.asset_id, a.state, a.entered_on, a.deadline) not in live:
            resolved += conn.execute(update(alerts).where(alerts.c.id == a.id).values(
                status="resolved", resolution="moved_on", resolved_on=on)).rowcount
    return raised, resolved


def close_risk(conn, asset_id: int, on: dt.date) -> list[int]:
    """Resolve the asset's unresolved complaint-risk alerts: a complaint was filed. Return their ids."""
    found = [r.id for r in conn.execute(select(alerts.c.id).where(
        alerts.c.asset_id == asset_id, alerts.c.rule == "complaint_risk", alerts.c.resolution.is_(None)))]
    if found:
        conn.execute(update(alerts).where(alerts.c.id.in_(found)).values(
            status="resolved", resolution="complaint_filed", resolved_on=on))
    return found
