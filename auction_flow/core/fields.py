"""The values a step is given: dates and trigger fields, parsed and checked before any write."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from auction_flow.common.config import today as today_vn
from auction_flow.common.errors import InvalidInput
from auction_flow.core.workflow import Field

_MONEY = re.compile(r"^(\d+|\d{1,3}([.,_]\d{3})+)$")


def parse_date(value, name: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise InvalidInput("bad_date", field=name, value=value) from None


def parse_field(spec: Field, value) -> Any:
    if spec.type == "money":
        if isinstance(value, bool):
            raise InvalidInput("bad_money", field=spec.name, value=value)
        if isinstance(value, int):
            number = value
        else:
            text = str(value).strip()
            if not _MONEY.match(text):
                raise InvalidInput("bad_money", field=spec.name, value=value)
            number = int(re.sub(r"[.,_]", "", text))
        if number <= 0:
            raise InvalidInput("bad_money", field=spec.name, value=value)
        return number
    if spec.type == "date":
        return parse_date(value, spec.name)
    text = str(value).strip()
    if spec.type == "choice" and text not in spec.choices:
        raise InvalidInput("bad_choice", field=spec.name, choices=", ".join(spec.choices), value=value)
    if not text:
        raise InvalidInput("empty_text", field=spec.name)
    return text


def parse_fields(trig, given: dict[str, Any]) -> dict[str, Any]:
    specs = {f.name: f for f in trig.fields}
    for name in given:
        if name not in specs:
            raise InvalidInput("unknown_field", trigger=trig.name, field=name,
                               accepted=", ".join(specs) or "-")
    out = {}
    for name, spec in specs.items():
        if given.get(name) in (None, ""):
            raise InvalidInput("missing_field", trigger=trig.name, field=name)
        out[name] = parse_field(spec, given[name])
    return out


def check_date(on, last: dt.date | None, asset_id, today: dt.date | None = None) -> dt.date:
    on = today_vn() if on is None else parse_date(on, "--on")
    today = today or today_vn()
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
