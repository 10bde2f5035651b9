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
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass

from sqlalchemy import String, cast, delete, func, literal, or_, select

from auction_flow.common.config import now_utc
from auction_flow.common.errors import InvalidInput
from auction_flow.core.engine import require_role
from auction_flow.storage import db
from auction_flow.storage.schema import audit_log, sessions

ENV = "AUCTION_FLOW_SESSION_RETENTION_DAYS"
DEFAULT_DAYS = 90
MAX_DAYS = 3650


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


def _named():
    """The sessions the audit log names, as ``session:<id>`` texts."""
    return select(audit_log.c.via).where(audit_log.c.via.like("session:%"))


def purge_sessions(engine, days: int | None = None, now: dt.datetime | None = None) -> SessionsPurged:
    """Delete the sessions that ended or expired more than the retention before ``now`` and that
    no audit row names (the scheduler's job; an administrator's command is :func:`purge_as`)."""
    days = retention_days(days)
    before = (now or now_utc()) - dt.timedelta(days=days)
    old = or_(sessions.c.expires_at < before, sessions.c.ended_at < before)
    label = literal("session:", String) + cast(sessions.c.id, String)
    with db.writing(engine) as conn:
        kept = conn.execute(select(func.count()).select_from(sessions)
                            .where(old, label.in_(_named()))).scalar()
        removed = conn.execute(delete(sessions).where(old, label.not_in(_named()))).rowcount
    return SessionsPurged(days, before, removed, kept)


def purge_as(engine, actor: str | None, days: int | None = None) -> SessionsPurged:
    """:func:`purge_sessions` for an administrator (anyone else is refused, and the refusal
    written to access_log)."""
    require_role(engine, actor, ("admin",), "user purge-sessions")
    return purge_sessions(engine, days)
