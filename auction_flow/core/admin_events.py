"""Audit rows of administration: offices, users, days off, credentials.

One row per change, outside any asset's chain (``asset_id`` NULL, chained in the whole log by
:func:`auction_flow.core.audit.insert`), with ``changes = {column: [before, after]}``. A change to
an existing user names it as ``"username": [name, name]``. Never a password, a password hash
or a token in it.
"""

from __future__ import annotations

from auction_flow.common.config import now_utc, today
from auction_flow.core import audit


def record(conn, actor: dict, event: str, changes: dict, reason: str | None = None, office: str | None = None):
    """Append one administrative audit row in the caller's transaction; ``actor`` has username and role."""
    return audit.append(conn, audit.GENESIS, asset_id=None, seq=None, event=event, trigger=None, from_state=None,
                        to_state=None, actor=actor["username"], role=actor["role"], office=office,
                        business_date=today(), recorded_at=now_utc(), reason=reason,
                        changes=audit.changes_json(changes), imported=False)
