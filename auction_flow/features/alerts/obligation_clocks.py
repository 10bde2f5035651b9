"""Overdue obligations (the side clocks of the workflow's ``obligations:``) as alerts.

The alert scan (auction_flow.features.alerts.scan) calls :func:`raise_overdue` per workflow that has
a ``stalled`` rule and obligations, and :func:`resolve_done` once. An open obligation past its due
day raises rule ``obligation`` (its ``state`` is the obligation's name, ``entered_on`` the day its
clock counts from, ``deadline`` its due day), ``overdue`` 1..N days late and ``escalated`` more
than N days late, N being the stalled rule's ``escalate_after_days``: an overdue obligation is
escalated as a stalled stage is. Set-based, as the state clocks' rules: ``INSERT ... SELECT`` over
the open rows, exactly once by the alerts' UNIQUE constraint. An alert whose obligation is no
longer open (the step that closes it was recorded) is resolved ``fulfilled``.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import and_, exists, literal, select, update

from auction_flow.core.workflow import alerts_section as alert_rules
from auction_flow.features.alerts import raising
from auction_flow.storage.schema import TS, alerts, asset_obligations, assets

RULE = "obligation"
UNRESOLVED = ("open", "acknowledged", "snoozed")
ONE_DAY = dt.timedelta(days=1)


def raise_overdue(conn, wf, stalled: alert_rules.StalledRule, on: dt.date, stamp, counts: dict, escalated: list):
    """The ``obligation`` alerts of ``wf``'s assets as of ``on`` (levels by how late, as a stalled stage's)."""
    ob = asset_obligations
    e = stalled.escalate_after_days
    for level, low, high in (("overdue", on - dt.timedelta(days=e), on - ONE_DAY),
                             ("escalated", None, on - dt.timedelta(days=e + 1))):
        sel = (select(ob.c.asset_id, literal(RULE), literal(level), ob.c.name, ob.c.starts_on, ob.c.due, ob.c.basis,
                      ob.c.regime, assets.c.office_id, assets.c.officer_id, literal(on), literal(stamp, TS),
                      literal("open"))
               .join(assets, assets.c.id == ob.c.asset_id)
               .where(ob.c.closed_seq.is_(None), ob.c.due <= high,
                      assets.c.workflow == wf.name, assets.c.workflow_version == wf.version))
        if low is not None:
            sel = sel.where(ob.c.due >= low)
        raising.raise_selected(conn, sel, RULE, level, counts, escalated)


def resolve_done(conn, on: dt.date) -> int:
    """Resolve the ``obligation`` alerts whose obligation is no longer open."""
    ob = asset_obligations
    still_open = exists().where(and_(ob.c.asset_id == alerts.c.asset_id, ob.c.name == alerts.c.state,
                                     ob.c.starts_on == alerts.c.entered_on, ob.c.due == alerts.c.deadline,
                                     ob.c.closed_seq.is_(None)))
    return conn.execute(update(alerts).where(alerts.c.rule == RULE, alerts.c.status.in_(UNRESOLVED), ~still_open)
                        .values(status="resolved", resolution="fulfilled", resolved_on=on)
                        .execution_options(preserve_rowcount=True)).rowcount
