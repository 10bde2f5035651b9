"""Raising alerts from a SELECT, shared by the scan's rules and the side clocks' rule: one
INSERT ... SELECT that skips alerts already raised; only escalations come back to Python
(RETURNING), to be audited and notified, the rest is just counted."""

from __future__ import annotations

from auction_flow.core.workflow import alerts_section as alert_rules
from auction_flow.storage.db import dialect_insert
from auction_flow.storage.schema import alerts

# the columns a rule's SELECT gives, in this order
COLUMNS = ["asset_id", "rule", "level", "state", "entered_on", "deadline", "basis", "regime", "office_id",
           "officer_id", "raised_on", "raised_at", "status"]


def raise_selected(conn, sel, rule: str, level: str, counts: dict, escalated: list) -> None:
    """Insert the alerts ``sel`` selects (COLUMNS) at ``level`` of ``rule``; add them to ``counts``
    and, when the level escalates, their rows to ``escalated``."""
    stmt = dialect_insert(conn, alerts).from_select(COLUMNS, sel).on_conflict_do_nothing()
    if level in alert_rules.ESCALATIONS.get(rule, ()):
        rows = list(conn.execute(stmt.returning(alerts.c.id, alerts.c.asset_id, alerts.c.rule, alerts.c.level,
                                                alerts.c.office_id)))
        escalated += rows
        n = len(rows)
    else:
        n = conn.execute(stmt.execution_options(preserve_rowcount=True)).rowcount
    counts[(rule, level)] = counts.get((rule, level), 0) + n
