"""Audit rows: building them and chaining their hashes.

Two chains run through ``audit_log``:

* one per asset: ``prev_hash``/``hash`` over the row's content (the engine builds these with
  :func:`make_row`; the asset's ``last_hash`` is the head of its chain);
* one over the whole log: ``log_seq``/``log_prev_hash``/``log_hash``, added by :func:`insert`
  to every row whatever its writer, so that a deleted asset chain (or any deleted row) shows.

The head of the whole-log chain is the one row of ``audit_head``. :func:`insert` updates it
first thing in the caller's write transaction (a row lock on PostgreSQL, the write lock on
SQLite), so two writers at once queue there and can never both claim the same predecessor;
``log_seq`` is also UNIQUE in the database.
"""

from __future__ import annotations

import datetime as dt
import functools
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


_SORTED = tuple(sorted(HASHED))
_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def row_hash(prev_hash: str, row: dict) -> str:
    """SHA-256 over the previous hash and the row's canonical JSON (the per-asset chain link)."""
    return row_hash_sorted(prev_hash, [row.get(k) for k in _SORTED])


def row_hash_sorted(prev_hash: str, values) -> str:
    """row_hash for ``values`` given in ``sorted(HASHED)`` order (audit verify reads them so).

    A dict built in sorted key order encodes like ``sort_keys=True``; only the date and time
    columns need converting. This is the one implementation of the hash.
    """
    body = {}
    for key, value in zip(_SORTED, values):
        if key in ("recorded_at", "business_date"):
            value = _plain(value)
        elif key == "imported":
            value = bool(value)
        body[key] = value
    return hashlib.sha256((prev_hash + _ENCODE(body)).encode("utf-8")).hexdigest()


def log_hash(log_prev_hash: str, log_seq: int, row_hash_: str, actor_office: str | None) -> str:
    """The whole-log link: the previous link, this row's position, its own hash, the actor's office."""
    text = f"{log_prev_hash}|{log_seq}|{row_hash_}|{actor_office or ''}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


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


def _actor_office(conn, username: str | None) -> str | None:
    return conn.execute(_stmts()["office"], {"username": username}).scalar()


@functools.lru_cache(maxsize=1)
def _stmts() -> dict:
    """The statements of the hot path, built once (building them per call cost more than the
    database work: bench/bench_transitions.py). Same SQL as before."""
    from sqlalchemy import bindparam, insert as sql_insert, select, update

    from .schema import audit_log, offices, users
    from .tables_supervision import audit_head

    return {
        "claim": update(audit_head).where(audit_head.c.id == 1).values(claims=audit_head.c.claims + 1)
        .returning(audit_head.c.log_seq, audit_head.c.log_hash),
        "office": select(offices.c.code).join(users, users.c.office_id == offices.c.id)
        .where(users.c.username == bindparam("username")),
        "insert": sql_insert(audit_log),
        "move": update(audit_head).where(audit_head.c.id == 1)
        .values(log_seq=bindparam("_seq"), log_hash=bindparam("_hash")),
    }


def claim_head(conn) -> tuple[int, str]:
    """Lock the head of the whole-log chain for this transaction; return (last log_seq, last hash)."""
    # One UPDATE ... RETURNING: it takes the row lock (PostgreSQL) or the write lock (SQLite)
    # and reads the head under it, so a concurrent writer waits here and then sees the new head.
    head = conn.execute(_stmts()["claim"]).first()
    if head is None:  # a database migrated before any row existed always has the head row
        raise RuntimeError("audit_head is missing its row; run `auction-flow db upgrade`")
    return head.log_seq, head.log_hash


def insert(conn, row: dict) -> dict:
    """INSERT a row built by make_row (inside the caller's write transaction).

    Adds the actor's office and the whole-log link, and moves the log head.
    """
    seq, prev = claim_head(conn)
    row = dict(row)
    if "actor_office" not in row:
        row["actor_office"] = _actor_office(conn, row.get("actor"))
    row["log_seq"] = seq + 1
    row["log_prev_hash"] = prev
    row["log_hash"] = log_hash(prev, seq + 1, row["hash"], row["actor_office"])
    conn.execute(_stmts()["insert"], row)
    conn.execute(_stmts()["move"], {"_seq": row["log_seq"], "_hash": row["log_hash"]})
    return row
