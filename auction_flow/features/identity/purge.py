"""Removing old sign-in sessions, so that ``sessions`` does not grow without bound.

A session that ended (signed out, idle, replaced, ended by a password change, a reset or a
deactivation) or expired more than the retention ago is deleted: the scheduler does it once a day
(``frontends.scheduler.sessions_job``) and an administrator may do it at once (``user
purge-sessions``). The retention is ``AUCTION_FLOW_SESSION_RETENTION_DAYS`` (default 90 days), or
what the command is given.

Kept whatever its age: a session that an audit row names (``audit_log.via`` = ``session:<id>``).
The audit log refers to the session a step, an administrative change or a refusal came through,
and ``docs/integrity.md`` has a suspicious row's session looked up in ``sessions``; deleting it
would cut that evidence. (Every ``access_log`` refusal has its chained audit row with the same
``via``; a failed sign-in is an ``access_log`` row of its own and no session.) What goes is the
sessions that wrote nothing: their token hash, their client and their times. Bearer tokens
(``api_tokens``) are not purged: each was created and revoked by an audited act.

Which sessions the log names is read once per audit row, not at every purge: each purge reads the
rows written since the one before, chain by chain through (chain, log_seq) up to each chain's
committed head (every row at or below a committed head is committed: the head moves in the row's
own transaction), marks the sessions they name (``sessions.audit_named``) and moves its marks
(``session_marks``), in the transaction that deletes. The first purge of a database reads the
whole log once; a day's purge then reads a day's rows, whatever the size of the log.

A purge is itself an audit row (``sessions_purged``: the retention, the cut-off, how many went and how
many stayed), in the transaction that deletes: an administrator's always, the scheduler's when it
removed any, so who deleted records, when and under which retention is in the log like any other
administrative act.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass

from sqlalchemy import and_, bindparam, delete, func, insert, or_, select, text, update

from auction_flow.common.config import now_utc
from auction_flow.common.errors import InvalidInput
from auction_flow.core import admin_events
from auction_flow.core.engine import require_role
from auction_flow.storage import db
from auction_flow.storage.schema import audit_heads, audit_log, session_marks, sessions

ENV = "AUCTION_FLOW_SESSION_RETENTION_DAYS"
DEFAULT_DAYS = 90
MAX_DAYS = 3650
LOCK = 0x5E55_10A5  # pg_advisory_xact_lock key of the purge: two at once would both insert the same marks


@dataclass(frozen=True)
class SessionsPurged:
    """What a purge did: sessions ended or expired before ``before`` (``days`` ago) were
    ``removed``; ``kept`` of them stay because an audit row names them."""

    days: int
    before: dt.datetime
    removed: int
    kept: int


def retention_days(days: int | None = None) -> int:
    """``days`` if given, else ``AUCTION_FLOW_SESSION_RETENTION_DAYS``, else 90; 1 to 3650."""
    given = os.environ.get(ENV, "").strip() if days is None else str(days)
    if not given:
        return DEFAULT_DAYS
    if not given.isdigit() or not 1 <= int(given) <= MAX_DAYS:
        raise InvalidInput("bad_retention", value=given, env=ENV, max=MAX_DAYS)
    return int(given)


def _mark_named(conn) -> None:
    """Read the audit rows written since the last purge (per chain, up to its committed head), mark
    the sessions they name, and move the marks."""
    pending = conn.execute(select(audit_heads.c.chain, session_marks.c.log_seq, audit_heads.c.log_seq)
                           .outerjoin(session_marks, session_marks.c.chain == audit_heads.c.chain)
                           .where(audit_heads.c.log_seq > func.coalesce(session_marks.c.log_seq, 0))).all()
    named: set[int] = set()
    for chain, seen, head in pending:
        vias = conn.execute(select(audit_log.c.via).distinct().where(
            audit_log.c.chain == chain, audit_log.c.log_seq > (seen or 0), audit_log.c.log_seq <= head,
            audit_log.c.via.like("session:%"))).scalars()
        named.update(int(v[8:]) for v in vias if v[8:].isdigit())
    ids = sorted(named)
    for i in range(0, len(ids), 10_000):  # the first purge of a large log names many
        conn.execute(update(sessions).where(sessions.c.id.in_(ids[i:i + 10_000]), sessions.c.audit_named.is_(False))
                     .values(audit_named=True))
    moved = [{"c": chain, "h": head} for chain, seen, head in pending if seen is not None]
    if moved:
        conn.execute(update(session_marks).where(session_marks.c.chain == bindparam("c"))
                     .values(log_seq=bindparam("h")), moved)
    new = [{"chain": chain, "log_seq": head} for chain, seen, head in pending if seen is None]
    if new:
        conn.execute(insert(session_marks), new)


SCHEDULER = {"username": "scheduler", "role": "system"}  # who the scheduler's purge is recorded as


def purge_sessions(engine, days: int | None = None, now: dt.datetime | None = None,
                   actor: dict | None = None) -> SessionsPurged:
    """Delete the sessions that ended or expired more than the retention before ``now`` and that
    no audit row names (the scheduler's job; an administrator's command is :func:`purge_as`, with
    ``actor`` the administrator). Recorded as a ``sessions_purged`` audit row when ``actor`` is given
    or when any session went."""
    days = retention_days(days)
    before = (now or now_utc()) - dt.timedelta(days=days)
    old = or_(sessions.c.expires_at < before, sessions.c.ended_at < before)
    with db.writing(engine) as conn:
        if not db.is_sqlite(conn):  # two purges at once (two schedulers starting) queue; SQLite's write lock does it
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": LOCK})
        _mark_named(conn)
        kept = conn.execute(select(func.count()).select_from(sessions)
                            .where(and_(old, sessions.c.audit_named.is_(True)))).scalar()
        removed = conn.execute(delete(sessions).where(old, sessions.c.audit_named.is_(False))).rowcount
        if actor is not None or removed:
            admin_events.record(conn, actor or SCHEDULER, "sessions_purged", {
                "retention_days": (None, days), "before": (None, before.isoformat(timespec="seconds")),
                "removed": (None, removed), "kept": (None, kept)}, office=(actor or {}).get("office_code"))
    return SessionsPurged(days, before, removed, kept)


def purge_as(engine, actor: str | None, days: int | None = None) -> SessionsPurged:
    """:func:`purge_sessions` for an administrator (anyone else is refused, and the refusal
    written to access_log)."""
    admin = require_role(engine, actor, ("admin",), "user purge-sessions")
    return purge_sessions(engine, days, actor=admin)
