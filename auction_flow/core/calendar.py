"""Working days in Vietnam: the `holidays` library's calendar (Tết, substituted days off and
make-up Saturdays included) plus the days an administrator records later."""

from __future__ import annotations

import datetime as dt
import functools
import types

from auction_flow.common.words import message
from auction_flow.storage import driver
from auction_flow.storage.schema import calendar_days

ONE_DAY = dt.timedelta(days=1)
# The years the working calendar covers, defined once: the `holidays` library knows Vietnam's
# days off up to 2100 (so a deadline that starts in LAST_YEAR still ends on a known calendar),
# and no enforcement record this program holds is older than FIRST_YEAR. A date outside is
# refused wherever it is given (auction_flow.core.fields).
FIRST_YEAR, LAST_YEAR = 2000, 2099


def _days_q(dialect):
    return driver.Statement(dialect, "SELECT day, kind, name FROM calendar_days",
                            results=[calendar_days.c.day, calendar_days.c.kind, calendar_days.c.name])


@functools.lru_cache(maxsize=64)
def _library_year(year: int):
    import holidays  # lazy on purpose: the library's country tables load only when a year is asked for

    return holidays.country_holidays("VN", years=year)


@functools.lru_cache(maxsize=64)
def _library_days(year: int) -> tuple[frozenset, frozenset]:
    """The library's days off in ``year`` and its make-up Saturdays, as plain sets of dates (a
    deadline asks about several days a step; the library's own lookup converts each key first)."""
    lib = _library_year(year)
    return frozenset(lib), frozenset(getattr(lib, "weekend_workdays", ()))


@functools.lru_cache(maxsize=64)
def _library_names(year: int, lang: str):
    import holidays  # lazy on purpose, as above

    return holidays.country_holidays("VN", years=year, language="vi" if lang == "vi" else "en_US")


_KEPT: dict[str, "WorkCalendar"] = {}  # calendar_stamp's value -> the calendar built for it (WorkCalendar.kept)


class WorkCalendar:
    """Mon-Fri minus public holidays; ``extra_holidays`` and ``extra_workdays`` override."""

    def __init__(self, extra_holidays: dict[dt.date, str] | None = None,
                 extra_workdays: dict[dt.date, str] | None = None):
        # read-only: a calendar is shared by the steps that find its stamp (kept), and its walks remembered
        self.extra_holidays = types.MappingProxyType(dict(extra_holidays or {}))
        self.extra_workdays = types.MappingProxyType(dict(extra_workdays or {}))
        self._walks: dict[tuple, object] = {}  # (walk, its arguments) -> its answer

    def _known(self, key: tuple, answer):
        """Remember a walk's ``answer`` (a kept calendar answers the same few walks step after step)."""
        if len(self._walks) >= 4096:
            self._walks.clear()
        self._walks[key] = answer
        return answer

    @classmethod
    def from_db(cls, conn) -> "WorkCalendar":
        hol, work = {}, {}
        stmt = driver.statement(conn, "calendar_days", _days_q)  # read on every step: the driver's path
        for row in driver.execute(driver.cursor(conn), stmt, {}).fetchall():
            day, kind, name = stmt.convert(row).values()
            (hol if kind == "holiday" else work)[day] = name
        return cls(hol, work)

    @classmethod
    def kept(cls, conn, stamp: str | None) -> "WorkCalendar":
        """The calendar as of ``stamp``, the value of ``calendar_stamp`` read in the caller's
        transaction: the one this process built for that stamp, else read now (:meth:`from_db`) and
        kept. Every change to ``calendar_days`` replaces the stamp (database triggers, migration
        0025), so a calendar kept for a stamp is never older than the days that stamp stands for
        (read after the stamp, in the same transaction, it may only be newer: the next step sees a
        new stamp and reads it again). No stamp (its row gone): read now, kept for nobody.
        The calendar kept is shared by the steps that find its stamp: nothing may change it."""
        if stamp is None:
            return cls.from_db(conn)
        cal = _KEPT.get(stamp)
        if cal is None:
            cal = cls.from_db(conn)
            if len(_KEPT) >= 16:  # a process that serves many databases (tests) keeps a few
                _KEPT.clear()
            _KEPT[stamp] = cal
        return cal

    def holiday_name(self, day: dt.date) -> str | None:
        if day in self.extra_holidays:
            return self.extra_holidays[day]
        return _library_year(day.year).get(day)

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.extra_workdays:
            return True
        if day in self.extra_holidays:
            return False
        days_off, weekend_workdays = _library_days(day.year)
        if day in weekend_workdays:
            return True
        return day.weekday() < 5 and day not in days_off

    def next_working_day(self, day: dt.date) -> dt.date:
        """``day`` itself if it is a working day, else the first working day after it."""
        key = ("next", day)
        found = self._walks.get(key)
        if found is not None:
            return found
        while not self.is_working_day(day):
            day += ONE_DAY
        return self._known(key, day)

    def add_working_days(self, start: dt.date, n: int) -> dt.date:
        """The n-th working day after ``start`` (counting from the next day)."""
        key = ("add", start, n)
        found = self._walks.get(key)
        if found is not None:
            return found
        day = start
        while n > 0:
            day += ONE_DAY
            if self.is_working_day(day):
                n -= 1
        return self._known(key, day)

    def previous_working_day(self, day: dt.date, n: int = 1) -> dt.date:
        """The n-th working day before ``day``."""
        key = ("previous", day, n)
        found = self._walks.get(key)
        if found is not None:
            return found
        while n > 0:
            day -= ONE_DAY
            if self.is_working_day(day):
                n -= 1
        return self._known(key, day)

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days in (start, end]."""
        key = ("between", start, end)
        found = self._walks.get(key)
        if found is not None:
            return found
        count, day = 0, start
        while day < end:
            day += ONE_DAY
            if self.is_working_day(day):
                count += 1
        return self._known(key, count)

    def days_off(self, year: int, lang: str = "en") -> list[tuple[dt.date, str, str]]:
        """(date, kind, name) for every public holiday, recorded day off and make-up workday; the
        library's names in ``lang`` (Vietnamese or English), recorded days as they were named."""
        lib = _library_names(year, lang)
        out = {d: ("holiday", n) for d, n in lib.items() if d.year == year}
        for d in getattr(lib, "weekend_workdays", ()):
            if d.year == year:
                out[d] = ("workday", message("calendar.makeup", lang))
        for d, n in self.extra_holidays.items():
            if d.year == year:
                out[d] = ("holiday", n)
        for d, n in self.extra_workdays.items():
            if d.year == year:
                out[d] = ("workday", n)
        return [(d, k, n) for d, (k, n) in sorted(out.items())]
