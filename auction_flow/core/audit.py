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
import hashlib
import json

from auction_flow.common.context import current_via
from auction_flow.storage import driver
from auction_flow.storage.schema import audit_log, offices

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


# One encoder, built once: json.dumps with these arguments builds the same encoder on every call.
_CANONICAL = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=_plain).encode


def canonical(value) -> str:
    return _CANONICAL(value)


def changes_json(changes: dict) -> str:
    """{field: [before, after]} as canonical JSON.

    Dates and times inside are converted by the encoder's ``default`` (:func:`_plain`), which
    it calls for exactly the values JSON cannot hold itself: the same text as converting first.
    """
    return _CANONICAL({k: [a, b] for k, (a, b) in changes.items()})


_SORTED = tuple(sorted(HASHED))
_N = len(_SORTED)
_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def row_hash(prev_hash: str, row: dict) -> str:
    """SHA-256 over the previous hash and the row's canonical JSON (the per-asset chain link)."""
    return row_hash_sorted(prev_hash, [row.get(k) for k in _SORTED], via=row.get("via"))


def row_hash_sorted(prev_hash: str, values, via: str | None = None) -> str:
    """row_hash for ``values`` given in ``sorted(HASHED)`` order (audit verify reads them so).

    A dict built in sorted key order encodes like ``sort_keys=True``; only the date and time
    columns need converting. This is the one implementation of the hash.

    ``via`` (the session or token the row came through) is hashed only when present: rows
    written before it existed, and rows with none, hash exactly as they always did.
    """
    body = dict(zip(_SORTED, values))
    if len(body) == _N:  # replacing a value keeps the key's place, so the order stays sorted
        body["business_date"] = _plain(body["business_date"])
        body["imported"] = bool(body["imported"])
        body["recorded_at"] = _plain(body["recorded_at"])
    else:  # fewer values than columns: the keys they reach
        for key in ("business_date", "recorded_at"):
            if key in body:
                body[key] = _plain(body[key])
        if "imported" in body:
            body["imported"] = bool(body["imported"])
    if via is not None:  # "via" sorts after every HASHED name: the body stays in sorted order
        body["via"] = via
    return hashlib.sha256((prev_hash + _ENCODE(body)).encode("utf-8")).hexdigest()


def log_hash(log_prev_hash: str, log_seq: int, row_hash_: str, actor_office: str | None) -> str:
    """The whole-log link: the previous link, this row's position, its own hash, the actor's office."""
    text = f"{log_prev_hash}|{log_seq}|{row_hash_}|{actor_office or ''}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def make_row(prev_hash: str, **fields) -> dict:
    """A complete audit_log row with its hash over ``prev_hash`` and its own content.

    ``via`` defaults to the session or token the front end authenticated
    (:func:`auction_flow.common.context.current_via`)."""
    row = dict.fromkeys(HASHED)
    row.update(fields)
    if "via" not in fields:
        row["via"] = current_via()
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
    row = driver.one(driver.cursor(conn), driver.statement(conn, "actor_office", _office_q), {"username": username})
    return row and row["code"]


# The statements run on every audited step, so they go straight to the driver
# (auction_flow.storage.driver); each is built once per dialect.
def _office_q(dialect):
    return driver.Statement(dialect, "SELECT o.code FROM offices o JOIN users u ON u.office_id = o.id "
                                     "WHERE u.username = :username", results=[offices.c.code])


def _claim_q(dialect):
    return driver.Statement(dialect, "UPDATE audit_head SET claims = claims + 1 WHERE id = 1 "
                                     "RETURNING log_seq, log_hash")


def _move_q(dialect):
    return driver.Statement(dialect, "UPDATE audit_head SET log_seq = :log_seq, log_hash = :log_hash WHERE id = 1")


def head(conn) -> tuple[int, str]:
    """The head of the whole-log chain as it stands (read, not locked): (log_seq, log_hash)."""
    row = driver.execute(driver.cursor(conn), driver.statement(conn, "head", _head_q), {}).fetchone()
    return (row[0], row[1]) if row else (0, GENESIS)


def _head_q(dialect):
    return driver.Statement(dialect, "SELECT log_seq, log_hash FROM audit_head WHERE id = 1")


def claim_head(conn) -> tuple[int, str]:
    """Lock the head of the whole-log chain for this transaction; return (last log_seq, last hash)."""
    # One UPDATE ... RETURNING: it takes the row lock (PostgreSQL) or the write lock (SQLite)
    # and reads the head under it, so a concurrent writer waits here and then sees the new head.
    head = driver.execute(driver.cursor(conn), driver.statement(conn, "claim", _claim_q), {}).fetchone()
    if head is None:  # a database migrated before any row existed always has the head row
        raise RuntimeError("audit_head is missing its row; run `auction-flow db upgrade`")
    return head[0], head[1]


def insert(conn, row: dict) -> dict:
    """INSERT a row built by make_row (inside the caller's write transaction).

    Adds the actor's office and the whole-log link, and moves the log head.
    """
    row = dict(row)
    if "actor_office" not in row:
        row["actor_office"] = _actor_office(conn, row.get("actor"))
    seq, prev = claim_head(conn)  # the lock is held from here to the commit: nothing slow after it
    row["log_seq"] = seq + 1
    row["log_prev_hash"] = prev
    row["log_hash"] = log_hash(prev, seq + 1, row["hash"], row["actor_office"])
    driver.insert(conn, audit_log, row)
    driver.execute(driver.cursor(conn), driver.statement(conn, "move", _move_q),
                   {"log_seq": row["log_seq"], "log_hash": row["log_hash"]})
    return row
