"""PostgreSQL: a period by office other than a reporting year, and its stages, from the kept officer
units (:mod:`kept_officer`) summed per office, instead of the JSON months and spans of :mod:`kept`
and the log (issue 16; docs/performance-notes.md "Stop 27: edge days", "Stop 28: by-office periods").

A kept unit of an office (a day 'd', a span 's', a month 'm') holds its folded rows' entries
(officer, code, value) -> count: summed over the officers they are the office's stages, counted
triggers and sales, exactly as the fold keeps them per month and span (:mod:`kept`; a sale as
``report_sales`` keeps it). Priced is not a sum over officers (an asset priced by two officers of an
office counts once): the units keep the office's own entries too (:data:`kept_officer.PRICED_O`,
officer -1: an asset priced in the office on a day, by the day it was last priced there before),
which count, as the JSON months' and spans' do, when that day is before the period's first day. So
the units add and take away as :func:`kept_periods.plan` writes the period (its live days as kept
days): one statement, one numpy sort. The rows past the marks are added as :mod:`kept_periods` adds
them, as entries of the same form, and the answer is :func:`kept_officer.answer`'s with the office
in place of the officer (no Python histogram per office and part: a single day's report by office
was mostly that).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
from sqlalchemy import text

from auction_flow.features.reports.kept_officer import (
    NULL,
    PRICED,
    PRICED_O,
    SALE_C,
    SALE_KN,
    SALE_KX,
    SALE_KY,
    answer,
    arrays,
    plan_units,
    summed,
    tail,
    usable,
)

_UNITS = text("SELECT u.office, u.kind, u.unit, u.keys, u.counts FROM report_officer_units u "
              "JOIN unnest(CAST(:kinds AS text[]), CAST(:units AS int[])) AS w(kind, unit) "
              "ON u.kind = w.kind AND u.unit = w.unit WHERE u.office = ANY(:offices) OR :every")
_LOW = 2 ** 40 - 1  # a key without its officer: code << 32 | value + 2^31
_SALES = (SALE_C, SALE_KN, SALE_KX, SALE_KY)
_NO_VALUE = 2 ** 31  # a value 0, as a key holds it

__all__ = ["read_units", "statistics", "usable"]


class _Offices:
    """The offices of one report, each by its index + 1 in the keys' officer part (0 is the offices'
    own priced entries' part, which :func:`kept_officer.answer` leaves out)."""

    def __init__(self):
        self.index: dict = {}
        self.names: list = []

    def slot(self, office: str) -> int:
        i = self.index.get(office)
        if i is None:
            i = self.index[office] = len(self.names)
            self.names.append(office)
        return i + 1

    def name_of(self, i: int) -> str:
        return self.names[i]


def read_units(conn, offices: _Offices, units: dict, scope, first: int, stages_only: bool, codes: dict):
    """The entries (keys, counts) of the kept units ``units`` ({(kind, unit): sign}: 'm' YYYYMM, 's'
    YYYYMMD, 'd' YYYYMMDD) of the offices of ``scope`` (None: every office), by office: each key's
    officer part the office's slot, its count summed over the office's officers and the units with
    their signs; priced the office's entries whose previous day is before ``first`` (YYYYMMDD), as
    :data:`kept_officer.PRICED` entries of value 0 (each an asset priced in the office)."""
    if not units:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    country = scope is None
    slots, signs, key_bytes, count_bytes = [], [], [], []
    for office, kind, unit, k, c in conn.execute(_UNITS, {"kinds": [k for k, _ in units],
                                                          "units": [u for _, u in units],
                                                          "offices": [] if country else list(scope), "every": country}):
        slots.append(offices.slot(office))
        signs.append(units[(kind, unit)])
        key_bytes.append(k)
        count_bytes.append(c)
    if not key_bytes:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    # every unit's arrays at once (one buffer each), the office's slot and the unit's sign repeated per entry
    lengths = np.array([len(k) // 8 for k in key_bytes], np.int64)
    keys, counts = arrays(b"".join(key_bytes), b"".join(count_bytes))
    keys = (keys & _LOW) | (np.repeat(np.array(slots, np.int64), lengths) << 40)
    counts = counts * np.repeat(np.array(signs, np.int64), lengths)
    part = np.zeros(256, np.int8)  # by code: 1 a state left, 2 a counted trigger, 3 a sale, 4 the office's priced
    for name, c in codes.items():
        part[c] = 1 if name.startswith("s:") else 2 if name.startswith("t:") else 0
    part[list(_SALES)], part[PRICED_O] = 3, 4
    p = part[(keys >> 32) & 0xFF]
    if stages_only:
        want = p == 1
    else:
        priced = (p == 4) & ((keys & 0xFFFFFFFF) - 2 ** 31 < first)
        keys = np.where(priced, (keys >> 40 << 40) | (PRICED << 32) | _NO_VALUE, keys)
        want = ((p > 0) & (p < 4)) | priced
    return summed(keys[want], counts[want])


def statistics(conn, by: str, start: dt.date, end: dt.date, scope, *, counted: dict, p: dict, out: dict,
               median_of=None, stages_only: bool = False):
    """As :func:`kept_periods.statistics`, from the kept officer units summed per office and the tail."""
    units, first_day, last_day = plan_units(start, end)
    first = start.year * 10000 + start.month * 100 + start.day
    codes = dict(conn.execute(text("SELECT name, code FROM report_codes")).all())
    offices = _Offices()
    keys, counts = read_units(conn, offices, units, scope, first, stages_only, codes)
    more_k, more_c = [], []

    def add(office, name_or_code, value, n) -> None:
        code = name_or_code
        if isinstance(code, str):
            if code not in codes:  # a state no fold has met yet: a code for this report only
                codes[code] = max([c for c in codes.values() if c < SALE_C], default=0) + 1
            code = codes[code]
        more_k.append((offices.slot(office) << 40) | (code << 32) | ((NULL if value is None else int(value))
                                                                      + 2 ** 31))
        more_c.append(int(n))

    tail(conn, add, units, (first_day, last_day), start, scope, p, by_office=True, stages_only=stages_only)
    keys = np.concatenate([keys, np.array(more_k, np.int64)])
    counts = np.concatenate([counts, np.array(more_c, np.int64)])
    return answer(keys, counts, offices.name_of, {c: n for n, c in codes.items()}, counted, first, out)
