"""The sign-in throttle: after 5 failed sign-ins in 15 minutes a name waits before it may try
again, 1 minute the first time; each failure after a lockout (until a successful sign-in, or a
day without failures) locks it again for twice as long, up to an hour.

The state is kept per name as typed, whether or not such a user exists, so the throttle does not
tell which names exist. Rows untouched for a day are pruned when a failure is written.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from auction_flow.storage.schema import sign_in_throttle

FAILURES = 5
WINDOW = dt.timedelta(minutes=15)
FIRST_DELAY = dt.timedelta(minutes=1)
MAX_DELAY = dt.timedelta(hours=1)
FORGET = dt.timedelta(days=1)  # a lockout streak ends after a day without failures


def utc(value: dt.datetime | None) -> dt.datetime | None:
    """A stored timestamp as an aware UTC datetime (SQLite gives it back naive)."""
    if value is not None and value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value


def delay(lockouts: int) -> dt.timedelta:
    return min(MAX_DELAY, FIRST_DELAY * 2 ** max(0, lockouts - 1))


def locked_until(conn, name: str, now: dt.datetime) -> dt.datetime | None:
    """When the name may try again, if it is locked out now."""
    until = utc(conn.execute(select(sign_in_throttle.c.locked_until)
                             .where(sign_in_throttle.c.username == name)).scalar())
    return until if until is not None and until > now else None


def fail(conn, name: str, now: dt.datetime) -> dt.datetime | None:
    """Count one failure of ``name`` (in the caller's write transaction); return the end of the
    lockout it started, if it started one."""
    conn.execute(delete(sign_in_throttle).where(sign_in_throttle.c.updated_at < now - FORGET,
                                                sign_in_throttle.c.username != name))
    q = select(sign_in_throttle).where(sign_in_throttle.c.username == name)
    if conn.dialect.name == "postgresql":
        q = q.with_for_update()
    row = conn.execute(q).mappings().first()
    if row is None:
        try:
            with conn.begin_nested():
                conn.execute(insert(sign_in_throttle).values(username=name, failures=1, window_started_at=now,
                                                             locked_until=None, lockouts=0, updated_at=now))
            return None
        except IntegrityError:  # a concurrent first failure of the same name: count on its row
            row = conn.execute(q).mappings().one()
    lockouts = row["lockouts"] if utc(row["updated_at"]) > now - FORGET else 0
    window = utc(row["window_started_at"])
    if lockouts:  # after a lockout every failure locks again, for longer
        failures, window = FAILURES, now
    elif window is None or now - window > WINDOW:
        failures, window = 1, now
    else:
        failures = row["failures"] + 1
    until = None
    if failures >= FAILURES:
        lockouts += 1
        until = now + delay(lockouts)
        failures, window = 0, None
    conn.execute(update(sign_in_throttle).where(sign_in_throttle.c.username == name).values(
        failures=failures, window_started_at=window, locked_until=until, lockouts=lockouts, updated_at=now))
    return until


def clear(conn, name: str) -> None:
    """A successful sign-in (or an administrator's password reset) ends the name's streak."""
    conn.execute(delete(sign_in_throttle).where(sign_in_throttle.c.username == name))
