"""A file checked on the web desk, kept for its import (``import_staged``, migration 0032).

*Check* on the import page writes no asset; when the whole file is good, its bytes are kept here
under a random token the page holds in a hidden field (only the token's SHA-256 is stored), so that
*Import the checked file* writes exactly what was checked without the file being chosen again. A
kept file belongs to the user who checked it and lives :data:`KEPT_FOR` at most: each new check
drops that user's earlier ones and every expired one, a successful import drops its own, and the
scheduler's daily purge (:func:`expire`) drops those nobody came back for.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import delete, insert, or_, select

from auction_flow.common.config import now_utc
from auction_flow.common.errors import InvalidInput
from auction_flow.storage import db
from auction_flow.storage.schema import import_staged

KEPT_FOR = dt.timedelta(hours=1)  # how long a checked file waits for its import


def _digest(text: str | bytes) -> str:
    return hashlib.sha256(text.encode("utf-8") if isinstance(text, str) else text).hexdigest()


def _expired(at: dt.datetime):
    """The kept files older than :data:`KEPT_FOR` at ``at``."""
    return import_staged.c.staged_at < at - KEPT_FOR


def keep(engine, username: str, name: str, data: bytes) -> str:
    """Keep ``data`` (a file that passed the check) for ``username``; the token that names it."""
    token = secrets.token_urlsafe(32)
    at = now_utc()
    with db.writing(engine) as conn:
        conn.execute(delete(import_staged).where(or_(import_staged.c.username == username, _expired(at))))
        conn.execute(insert(import_staged).values(token_hash=_digest(token), username=username, file_name=name[:255],
                                                  sha256=_digest(data), content=data, staged_at=at))
    return token


def take(engine, username: str, token: str) -> tuple[str, bytes]:
    """The (name, bytes) kept under ``token`` for ``username``: refused when the token names no file
    of theirs, or one older than :data:`KEPT_FOR` (then the file must be chosen again)."""
    with db.reading(engine) as conn:
        row = conn.execute(select(import_staged.c.file_name, import_staged.c.content, import_staged.c.sha256,
                                  import_staged.c.staged_at)
                           .where(import_staged.c.token_hash == _digest(token or ""),
                                  import_staged.c.username == username)).first()
    at = None if row is None else row.staged_at if row.staged_at.tzinfo else row.staged_at.replace(tzinfo=dt.timezone.utc)
    if row is None or at < now_utc() - KEPT_FOR or _digest(row.content) != row.sha256:
        raise InvalidInput("web.import.stale", minutes=int(KEPT_FOR.total_seconds() // 60))
    return row.file_name, bytes(row.content)


def drop(engine, username: str, token: str) -> None:
    """Forget the file kept under ``token`` (imported)."""
    with db.writing(engine) as conn:
        conn.execute(delete(import_staged).where(import_staged.c.token_hash == _digest(token),
                                                 import_staged.c.username == username))


def expire(engine, now: dt.datetime | None = None) -> int:
    """Drop every file kept longer than :data:`KEPT_FOR` (the scheduler's daily purge: a checked file
    holds parties' names and identity numbers); how many."""
    with db.writing(engine) as conn:
        return conn.execute(delete(import_staged).where(_expired(now or now_utc()))).rowcount
