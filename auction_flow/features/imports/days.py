"""The dates of an imported row: how a day is written in the file, and a step's day checked."""

from __future__ import annotations

import datetime as dt

from auction_flow.core.calendar import FIRST_YEAR, LAST_YEAR


def parse_day(text: str) -> dt.date | None:
    """``YYYY-MM-DD`` or ``DD/MM/YYYY``, a day that exists within the years the calendar covers; else None."""
    text = text.strip()
    try:
        if "/" in text:
            d, m, y = text.split("/")
            day = dt.date(int(y), int(m), int(d))
        else:
            day = dt.date.fromisoformat(text)
    except ValueError:
        return None
    return day if text.isascii() and FIRST_YEAR <= day.year <= LAST_YEAR else None


def step_day(given: str, column: str, today: dt.date, bad, after: tuple[str, dt.date] | None) -> dt.date | None:
    """The day of a step given in ``column``: None (reported) when it is no date; reported, and still
    returned, when it is in the future or before ``after`` (the column and day of the step before it)."""
    on = parse_day(given)
    if on is None:
        bad(column, "ie_bad_date", first=FIRST_YEAR, last=LAST_YEAR, value=given)
        return None
    if on > today:
        bad(column, "ie_future", value=on, today=today)
    if after is not None and on < after[1]:
        bad(column, "ie_order", value=on, prev_col=after[0], prev=after[1])
    return on
