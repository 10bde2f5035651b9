"""The limit on looking parties up by full identity number outside one's own scope.

A party of another office is linked by its full identity number (``parties.ByNumber``, the seizure
form's exact-number search), knowing it being the proof. A citizen number's random part is only 6
digits, so without a limit a script could walk through it and read the name, number and address of
every office's parties. So, per user:

* a lookup by a full number that finds no party at all is a *miss*, recorded as an ``access_log`` row
  (action ``party_number_miss``, so a supervisor sees probing in ``audit access``). Its reason names
  the number masked, its first three digits (a citizen number's province, an enterprise code's
  region) and a star for each other digit: identity numbers are personal data and are not copied
  into logs in clear;
* once a user has ``AUCTION_FLOW_PARTY_NUMBER_MISSES`` misses (default 20) within the last
  ``AUCTION_FLOW_PARTY_NUMBER_WINDOW_MINUTES`` (default 60), every lookup by number that would reach
  outside the user's scope (another office's party, or no party) is refused until the oldest of them
  leaves the window (:class:`~auction_flow.common.errors.Throttled`, an ``access_log`` row, action
  ``party_number_throttled``). The refusal is the same whether the number is some office's party or
  nobody's, so it tells nothing; refusals are not misses and do not prolong it.

A number of a party the user may see is never counted nor refused, and a search by a name or a part
of a number never reaches outside the scope (only a number of a full number's length does: 10, 12 or
13 digits), so ordinary work is not hurt: an officer who searches a new person's number before
registering them makes a miss or two a day. 20 an hour is far above that and, for a walk through a
million random parts, a crawl of 480 a day.

The misses are counted from ``access_log`` (the user's rows of that action in the window): nothing
is added to the schema. A user's lookups by number outside the scope are taken one at a time (the
count, the lookup and the miss's row in one write transaction: SQLite's write lock, and on PostgreSQL
an advisory lock per user), so lookups racing from many windows or scripts cannot pass the limit
together.
"""

from __future__ import annotations

import datetime as dt
import os

from sqlalchemy import func, select, text

from auction_flow.common.config import now_utc
from auction_flow.common.context import current_via
from auction_flow.common.errors import InvalidInput, Throttled
from auction_flow.common.words import message
from auction_flow.core import authz
from auction_flow.storage import db
from auction_flow.storage.schema import access_log

MISSES_ENV = "AUCTION_FLOW_PARTY_NUMBER_MISSES"
WINDOW_ENV = "AUCTION_FLOW_PARTY_NUMBER_WINDOW_MINUTES"
DEFAULT_MISSES = 20
DEFAULT_MINUTES = 60
MAX_MISSES = 10_000
MAX_MINUTES = 7 * 24 * 60
MISS = "party_number_miss"
REFUSED = "party_number_throttled"
LOCK = 0x0F_9A27  # pg_advisory_xact_lock(LOCK, hashtext(username)): one user's lookups by number, one at a time
FULL_LENGTHS = (10, 12, 13)  # an enterprise code, a citizen number, an enterprise branch's code


def _setting(env: str, default: int, most: int) -> int:
    given = os.environ.get(env, "").strip()
    if not given:
        return default
    if not given.isdigit() or not 1 <= int(given) <= most:
        raise InvalidInput("cf.bad_number_setting", env=env, value=given, max=most)
    return int(given)


def most_misses() -> int:
    """``AUCTION_FLOW_PARTY_NUMBER_MISSES``, else 20; 1 to 10000."""
    return _setting(MISSES_ENV, DEFAULT_MISSES, MAX_MISSES)


def window() -> dt.timedelta:
    """``AUCTION_FLOW_PARTY_NUMBER_WINDOW_MINUTES``, else 60; 1 minute to a week."""
    return dt.timedelta(minutes=_setting(WINDOW_ENV, DEFAULT_MINUTES, MAX_MINUTES))


def full_shaped(number: str) -> bool:
    """Whether a number (spaces and dashes removed) has a full identity number's length: only such a
    number is looked up outside the user's scope."""
    return number.isascii() and number.isdigit() and len(number) in FULL_LENGTHS


def masked(number: str) -> str:
    """``093*********``: what a log may say of an identity number."""
    return number[:3] + "*" * (len(number) - 3)


def _count(conn, username: str) -> int:
    since = now_utc() - window()
    return conn.execute(select(func.count()).select_from(access_log).where(
        access_log.c.actor == username, access_log.c.action == MISS, access_log.c.at > since)).scalar()


def misses(engine, username: str) -> int:
    """The user's misses within the window, to now."""
    with db.reading(engine) as conn:
        return _count(conn, username)


def looked_up(engine, user: dict, number: str, lookup):
    """``lookup(conn)`` (the party with the full ``number``, or None) for a number that reaches
    outside ``user``'s scope, within the limit: refused (:class:`Throttled`, an ``access_log`` row)
    once the user has had too many misses; a lookup that finds no party is a miss (an ``access_log``
    row naming the number masked). The count, the lookup and the row are one write transaction, and
    one user's such transactions take turns, so two at once cannot both pass the limit."""
    most = most_misses()
    minutes = int(window().total_seconds() // 60)
    refused = None
    with db.writing(engine) as conn:
        if conn.dialect.name == "postgresql":  # SQLite: the write transaction already holds the file's lock
            conn.execute(text("SELECT pg_advisory_xact_lock(:k, hashtext(:u))"), {"k": LOCK, "u": user["username"]})
        if _count(conn, user["username"]) >= most:
            refused = Throttled("cf.party_number_throttled", user=user["username"], misses=most, minutes=minutes)
            _log(conn, user, REFUSED, str(refused))
            party = None
        else:
            party = lookup(conn)
            if party is None:
                _log(conn, user, MISS, message("cf.party_number_miss", "en", number=masked(number),
                                               digits=len(number)))
    if refused is not None:  # raised once its row is committed
        raise refused
    return party


def _log(conn, user: dict, action: str, reason: str) -> None:
    authz.log_refusal(conn, user["username"], user.get("role"), action, None, user.get("office_code"), reason,
                      current_via())
