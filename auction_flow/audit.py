"""Audit rows: building them and chaining their hashes (one chain per asset)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

GENESIS = "0" * 64
HASHED = ("asset_id", "seq", "event", "trigger", "from_state", "to_state", "actor", "role", "office",
          "business_date", "recorded_at", "reason", "changes", "imported")


def _plain(value):
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
        return value.isoformat(timespec="microseconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def canonical(value) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=_plain)


def changes_json(changes: dict) -> str:
    """{field: [before, after]} as canonical JSON."""
    return canonical({k: [_plain(a), _plain(b)] for k, (a, b) in changes.items()})


def row_hash(prev_hash: str, row: dict) -> str:
    body = {k: _plain(row.get(k)) for k in HASHED}
    body["imported"] = bool(body["imported"])
    return hashlib.sha256((prev_hash + canonical(body)).encode("utf-8")).hexdigest()


def make_row(prev_hash: str, **fields) -> dict:
    """A complete audit_log row with its hash over ``prev_hash`` and its own content."""
    row = {k: None for k in HASHED}
    row.update(fields)
    row["imported"] = bool(row["imported"])
    row["prev_hash"] = prev_hash
    row["hash"] = row_hash(prev_hash, row)
    return row


def append(conn, prev_hash: str, **fields) -> dict:
    """Build and INSERT one audit row (inside the caller's transaction); return it.

    Every writer of audit rows goes through here, so chaining rules live in one place.
    """
    return insert(conn, make_row(prev_hash, **fields))


def insert(conn, row: dict) -> dict:
    """INSERT a row built by make_row (inside the caller's transaction)."""
    from sqlalchemy import insert as sql_insert

    from .schema import audit_log

    conn.execute(sql_insert(audit_log).values(**row))
    return row
