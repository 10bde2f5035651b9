"""The day a read is made as of: the day asked for (``--now``), else the day a demo database
plays to (its ``demo_day`` setting), else today in Vietnam.

A demo plays a past reporting year under a simulated clock; read on the real today, its assets
would all look years late. The demo records its day, and reads on it default to that day.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, insert, inspect, select

from auction_flow.common.config import today
from auction_flow.core.fields import parse_date
from auction_flow.storage.db import reading, writing
from auction_flow.storage.schema import settings

DEMO_DAY = "demo_day"


def demo_day(engine) -> dt.date | None:
    """The day this database's demo plays to, or None for a database that is not a demo."""
    with reading(engine) as conn:
        if not inspect(conn).has_table("settings"):
            return None
        value = conn.execute(select(settings.c.value).where(settings.c.key == DEMO_DAY)).scalar()
    return dt.date.fromisoformat(value) if value else None


def record_demo_day(engine, day: dt.date) -> None:
    with writing(engine) as conn:
        conn.execute(delete(settings).where(settings.c.key == DEMO_DAY))
        conn.execute(insert(settings).values(key=DEMO_DAY, value=day.isoformat()))


def reading_day(engine, given=None, name: str = "--now") -> tuple[dt.date, str]:
    """(the day, where it came from: "given", "demo" or "today")."""
    if given is not None:
        return parse_date(given, name), "given"
    day = demo_day(engine)
    if day is not None:
        return day, "demo"
    return today(), "today"
