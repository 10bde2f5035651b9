"""Where things are: the database URL, the workflows and migrations folders, today's date."""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import functools
import os
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

from auction_flow.common.errors import UsageError

TZ_NAME = "Asia/Ho_Chi_Minh"
_ROOT = Path(__file__).resolve().parents[2]  # the checkout: auction_flow/common/config.py


def _find(folder: str, env: str) -> Path:
    return _found(folder, os.environ.get(env) or None)


@functools.lru_cache(maxsize=32)
def _found(folder: str, given: str | None) -> Path:
    # Asked on every engine step (the workflow's folder): answered once per setting.
    if given:
        return Path(given)
    for base in (_ROOT, Path(sys.prefix) / "share" / "auction-flow"):
        if (base / folder).is_dir():
            return base / folder
    return _ROOT / folder


def default_lang() -> str:
    """The language of what users read when no --lang is given: AUCTION_FLOW_LANG, else English."""
    return os.environ.get("AUCTION_FLOW_LANG") or "en"


def workflows_dir() -> Path:
    return _find("workflows", "AUCTION_FLOW_WORKFLOWS")


def shipped_workflows_dir() -> Path:
    """The workflows folder this program came with (whatever AUCTION_FLOW_WORKFLOWS says)."""
    return _found("workflows", None)


def migrations_dir() -> Path:
    return _find("migrations", "AUCTION_FLOW_MIGRATIONS")


def default_db_path() -> Path:
    from platformdirs import user_data_dir  # lazy on purpose: only the default database's path needs it

    return Path(user_data_dir("auction-flow", appauthor=False)) / "auction-flow.db"


def config_dir() -> Path:
    """The user's configuration folder (the sessions this machine holds live there):
    ``AUCTION_FLOW_CONFIG_DIR``, else the platform's user config dir for auction-flow."""
    given = os.environ.get("AUCTION_FLOW_CONFIG_DIR")
    if given:
        return Path(given).expanduser()
    from platformdirs import user_config_dir  # lazy on purpose, as above

    return Path(user_config_dir("auction-flow", appauthor=False))


def db_url(explicit: str | None = None) -> str:
    """``--db``, else ``AUCTION_FLOW_DB``, else a SQLite file in the user's data directory.

    A bare file path is accepted and turned into a sqlite URL.
    """
    url = explicit or os.environ.get("AUCTION_FLOW_DB")
    if not url:  # the folder is made by what may create a database (init, db upgrade, demo), not here
        return f"sqlite:///{default_db_path()}"
    if "://" not in url:
        return f"sqlite:///{Path(url).expanduser().resolve()}"
    scheme = url.split("://", 1)[0]
    if scheme not in SCHEMES:
        raise UsageError("db_scheme", url=url, scheme=scheme)
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


# The database URLs this program speaks: SQLite and PostgreSQL (through psycopg 3).
SCHEMES = ("sqlite", "postgresql", "postgresql+psycopg")


# A simulated "now" (UTC) for the demo and for replaying a day; None means the real clock.
_simulated: contextvars.ContextVar[dt.datetime | None] = contextvars.ContextVar("simulated_now", default=None)


@contextlib.contextmanager
def simulated_now(moment: dt.datetime | dt.date):
    """Run the block as if the clock read ``moment`` (a date means 10:00 that day in Vietnam)."""
    if not isinstance(moment, dt.datetime):
        moment = dt.datetime.combine(moment, dt.time(10, 0), ZoneInfo(TZ_NAME))
    token = _simulated.set(moment.astimezone(dt.timezone.utc))
    try:
        yield
    finally:
        _simulated.reset(token)


def now_utc() -> dt.datetime:
    return _simulated.get() or dt.datetime.now(dt.timezone.utc)


def today() -> dt.date:
    """Today's calendar date in Asia/Ho_Chi_Minh."""
    return day_of(now_utc())


def day_of(moment: dt.datetime) -> dt.date:
    """The calendar date in Asia/Ho_Chi_Minh at ``moment`` (an aware timestamp). The day asked last
    is kept with the two instants that bound it, so the same day (every step asks for today) is
    answered by two comparisons instead of a conversion to Vietnam's time (performance-notes, stop 27)."""
    global _DAY
    start, end, day = _DAY
    if start <= moment < end:
        return day
    day = moment.astimezone(_VN).date()
    start = dt.datetime.combine(day, dt.time(), _VN).astimezone(dt.timezone.utc)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), _VN).astimezone(dt.timezone.utc)
    if start <= moment < end:  # (a day whose midnight the zone skips is not kept)
        _DAY = (start, end, day)
    return day


_VN = ZoneInfo(TZ_NAME)  # ZoneInfo(key) answers this same instance from its cache: looked up once
_NO_DAY = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
_DAY: tuple[dt.datetime, dt.datetime, dt.date] = (_NO_DAY, _NO_DAY, dt.date(1970, 1, 1))  # [start, end) in UTC, its day
