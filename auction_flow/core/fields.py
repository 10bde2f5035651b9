"""The values a step is given: dates, numbers, ids, texts and trigger fields, parsed and checked
before any write, with the same limits on every database.

Two kinds of fault (auction_flow.common.errors): a value that cannot be read as what it must be
(not YYYY-MM-DD, not a date of the calendar's years, digits other than 0-9, text that is not
UTF-8 or holds a NUL byte, an integer beyond BIGINT) is a :class:`UsageError` (exit 2); a value
that was read but is refused (too long for its column, not positive, in the future) is an
:class:`InvalidInput` (exit 1). Text lengths come from the columns' own definitions in
auction_flow.storage.schema, never from constants repeated here.
"""

from __future__ import annotations

import calendar as month_days
import datetime as dt
import functools
import re
from typing import Any

from auction_flow.common.config import today as today_vn
from auction_flow.common.errors import InvalidInput, UsageError
from auction_flow.core.calendar import FIRST_YEAR, LAST_YEAR
from auction_flow.core.workflow import Field
from auction_flow.storage.schema import assets

BIGINT_MAX = 2**63 - 1  # the largest integer either database stores (BIGINT; SQLite's INTEGER)
_MONEY = re.compile(r"-?([0-9]+|[0-9]{1,3}([.,_][0-9]{3})+)")
_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_DIGITS = re.compile(r"[0-9]+")


def shown(value) -> str:
    """``value`` as a person can read it on one line: bytes that were not UTF-8 as \\xNN, control
    characters (a line break, NUL) as \\uNNNN."""
    return "".join(f"\\x{ord(c) - 0xdc00:02x}" if "\udc80" <= c <= "\udcff" else
                   f"\\u{ord(c):04x}" if "\ud800" <= c <= "\udfff" or not c.isprintable() else c
                   for c in str(value))


def text_fault(value: str) -> str | None:
    """Why ``value`` cannot be stored as text (a NUL byte, bytes that were not UTF-8), or None."""
    if "\x00" in value:
        return "nul"
    if not value.isascii():  # a lone surrogate (a byte that was not UTF-8) is what UTF-8 cannot encode
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return "not_utf8"
    return None


def check_text(value, name: str, column=None) -> str:
    """``value`` as text that either database stores, no longer than ``column`` allows."""
    text = str(value)
    fault = text_fault(text)
    if fault:
        raise UsageError(f"text_{fault}", field=name, value=shown(text))
    limit = getattr(getattr(column, "type", None), "length", None)
    if limit is not None and len(text) > limit:
        raise InvalidInput("too_long", field=name, n=len(text), limit=limit)
    return text


def check_values(table, values: dict, names: dict[str, str] | None = None) -> dict:
    """Every text of a row about to be written to ``table``, checked against its column."""
    for key, value in values.items():
        if isinstance(value, str) and key in table.c:
            check_text(value, (names or {}).get(key, key), table.c[key])
    return values


def _foreign_digits(name: str, text: str):
    if text.isascii():  # the only ASCII digits are 0-9
        return
    other = "".join(sorted({c for c in text if c.isdigit() and not "0" <= c <= "9"}))
    if other:
        raise UsageError("foreign_digits", field=name, value=shown(text), digits=other)


def parse_int(value, name: str, low: int = 0, high: int = BIGINT_MAX) -> int:
    """A whole number typed with the digits 0-9, from ``low`` to ``high``."""
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    else:
        text = check_text(str(value).strip(), name)
        _foreign_digits(name, text)
        body = text[1:] if text.startswith("-") and low < 0 else text
        if not _DIGITS.fullmatch(body):
            raise UsageError("bad_number", field=name, value=shown(value), low=low, high=high)
        number = int(text)
    if not low <= number <= high:
        raise UsageError("bad_number", field=name, value=number, low=low, high=high)
    return number


def parse_id(value, name: str) -> int | None:
    """An id typed with the digits 0-9; None if it is beyond any id either database holds."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value if 0 < value <= BIGINT_MAX else None
    text = check_text(str(value).strip(), name)
    _foreign_digits(name, text)
    if not _DIGITS.fullmatch(text):
        raise UsageError("bad_id", field=name, value=shown(value))
    number = int(text)
    return number if 0 < number <= BIGINT_MAX else None


def check_year(year: int, name: str, value=None) -> int:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise UsageError("year_out_of_range", field=name, value=value if value is not None else year,
                         first=FIRST_YEAR, last=LAST_YEAR)
    return year


def parse_year(value, name: str = "--year") -> int:
    """A year of four digits within the years the working calendar covers."""
    if isinstance(value, int) and not isinstance(value, bool):
        return check_year(value, name)
    text = check_text(str(value).strip(), name)
    _foreign_digits(name, text)
    if not re.fullmatch(r"[0-9]{4}", text):
        raise UsageError("bad_year", field=name, value=shown(value), first=FIRST_YEAR, last=LAST_YEAR)
    return check_year(int(text), name, text)


def parse_date(value, name: str) -> dt.date:
    """A day written YYYY-MM-DD that exists, in the years the working calendar covers."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        check_year(value.year, name, value)
        return value
    return _date_text(str(value), name)


@functools.lru_cache(maxsize=256)
def _date_text(value: str, name: str) -> dt.date:
    """parse_date of a text: every step reads its --on, mostly the same few days (a refusal is
    raised each time, never kept)."""
    text = check_text(value.strip(), name)
    _foreign_digits(name, text)
    form = _DATE.fullmatch(text)
    if not form:
        raise UsageError("bad_date", field=name, value=shown(value))
    year, month, day = map(int, form.groups())
    if not 1 <= month <= 12:
        raise UsageError("no_such_month", field=name, value=text, month=month)
    check_year(year, name, text)
    last = month_days.monthrange(year, month)[1]
    if not 1 <= day <= last:
        raise UsageError("no_such_day", field=name, value=text, last=last, month=f"{year}-{month:02d}")
    return dt.date(year, month, day)


def parse_field(spec: Field, value) -> Any:
    if spec.type == "money":
        if isinstance(value, bool):
            raise UsageError("bad_money", field=spec.name, value=value)
        if isinstance(value, int):
            number = value
        else:
            text = check_text(str(value).strip(), spec.name)
            _foreign_digits(spec.name, text)
            if not _MONEY.fullmatch(text):
                raise UsageError("bad_money", field=spec.name, value=shown(value))
            number = int(re.sub(r"[.,_]", "", text))
        if number <= 0:
            raise InvalidInput("bad_money", field=spec.name, value=value)
        if number > BIGINT_MAX:
            raise InvalidInput("too_large", field=spec.name, value=value, limit=f"{BIGINT_MAX:,}".replace(",", "."))
        return number
    if spec.type == "date":
        return parse_date(value, spec.name)
    if spec.type == "count":
        return parse_int(value, spec.name)
    text = check_text(str(value).strip(), spec.name, _ASSET_COLUMNS.get(spec.name))
    if spec.type == "choice" and text not in spec.choices:
        raise InvalidInput("bad_choice", field=spec.name, choices=", ".join(spec.choices), value=value)
    if not text:
        raise InvalidInput("empty_text", field=spec.name)
    return text


_ASSET_COLUMNS = dict(assets.c.items())  # assets.c.get, without its Python method on every field of every step


def parse_fields(trig, given: dict[str, Any]) -> dict[str, Any]:
    specs = {f.name: f for f in trig.fields}
    for name in given:
        if name not in specs:
            raise InvalidInput("unknown_field", trigger=trig.name, field=shown(name),
                               accepted=", ".join(specs) or "-")
    out = {}
    for name, spec in specs.items():
        if given.get(name) in (None, ""):
            if name in trig.optional:  # left out: the step has no such value (its guards say when it is needed)
                continue
            raise InvalidInput("missing_field", trigger=trig.name, field=name)
        out[name] = parse_field(spec, given[name])
    return out


def check_date(on, last: dt.date | None, asset_id, today: dt.date | None = None) -> dt.date:
    today = today or today_vn()  # the clock read once
    on = today if on is None else parse_date(on, "--on")
    if on > today:
        raise InvalidInput("future_date", on=on, today=today)
    if last is not None and on < last:
        raise InvalidInput("date_before_last", on=on, asset=asset_id, last=last)
    return on


def parse_sets(sets) -> dict[str, str]:
    """``FIELD=VALUE`` strings, as given on the command line, as a dict (a malformed one is refused)."""
    fields = {}
    for item in sets or ():
        name, sep, value = str(item).partition("=")
        if not sep or not name.strip():
            raise InvalidInput("bad_set", value=item)
        fields[name.strip()] = value
    return fields
