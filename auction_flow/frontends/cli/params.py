"""The types of the command line's values, read before any database is opened.

Each type reads its value with the core's own parser (auction_flow.core.fields), so the command
line, the web desk and the services share one set of limits. A value that cannot be read as its
type is a :class:`~auction_flow.common.errors.UsageError`: the one error handler
(``frontends/cli/app.py``) prints it as one line in the reader's language, exit code 2.
"""

from __future__ import annotations

import re

import click

from auction_flow.common.errors import UsageError
from auction_flow.core import fields
from auction_flow.core.fields import shown


def _name(param) -> str:
    if param is None:
        return "VALUE"
    if isinstance(param, click.Argument):
        return param.human_readable_name
    return max(param.opts, key=len)


class _Typed(click.ParamType):
    def convert(self, value, param, ctx):
        if not isinstance(value, str):
            return value
        return self.read(value, _name(param))

    def read(self, value: str, name: str):
        raise NotImplementedError


class IdType(_Typed):
    """An id: a positive whole number written with 0-9 (one beyond any id is left to be not found)."""

    name = "id"

    def read(self, value, name):
        number = fields.parse_id(value, name)
        return number if number is not None else value.strip()


class DayType(_Typed):
    """A day: YYYY-MM-DD, a day that exists, within the years the working calendar covers."""

    name = "date"

    def read(self, value, name):
        return fields.parse_date(value, name)


class YearType(_Typed):
    """A year: four digits within the years the working calendar covers."""

    name = "year"

    def read(self, value, name):
        return fields.parse_year(value, name)


class CountType(_Typed):
    """A whole number from ``low`` to ``high`` written with 0-9."""

    name = "integer"

    def __init__(self, low: int = 0, high: int = fields.BIGINT_MAX):
        self.low, self.high = low, high

    def read(self, value, name):
        return fields.parse_int(value, name, self.low, self.high)


class MinutesType(_Typed):
    """A positive number of minutes (decimals allowed), written with 0-9."""

    name = "minutes"

    def read(self, value, name):
        text = fields.check_text(value.strip(), name)
        if not re.fullmatch(r"[0-9]{1,6}(\.[0-9]+)?", text) or float(text) <= 0:
            raise UsageError("bad_number", field=name, value=shown(value), low="0.1", high=999999)
        return float(text)


class FieldValueType(_Typed):
    """FIELD=VALUE (the value may be empty; the field may not)."""

    name = "field=value"

    def read(self, value, name):
        fields.check_text(value, name)
        field, sep, _ = value.partition("=")
        if not sep or not field.strip():
            raise UsageError("bad_set", value=shown(value))
        return value


ID = IdType()
DAY = DayType()
YEAR = YearType()
COUNT = CountType()
FIELD_VALUE = FieldValueType()
MINUTES = MinutesType()
