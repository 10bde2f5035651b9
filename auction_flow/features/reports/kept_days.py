"""PostgreSQL: a period by office (its months, ten-day spans and edge days) from the kept officer
units (:mod:`kept_officer`) summed per office, instead of the JSON months and spans of :mod:`kept`
and the log (issue 16; docs/performance-notes.md "Stop 27: edge days", "Stop 28: by-office periods").

A kept unit of an office (a day 'd', a span 's', a month 'm') holds its folded rows' entries
(officer, code, value) -> count: summed over the officers they are the office's stages, counted
triggers and sales, exactly as the fold keeps them per month and span (:mod:`kept`; a sale as
``report_sales`` keeps it). Priced is not a sum over officers (an asset priced by two officers of an
office counts once): the units keep the office's own entries too (:data:`kept_officer.PRICED_O`,
officer -1: an asset priced in the office on a day, by the day it was last priced there before),
which count, as the JSON months' and spans' do, when that day is before the period's first day. So
the units add and take away as :func:`kept_periods.plan` writes the period, and :mod:`kept_periods`
reads neither the JSON rows nor any day live: one statement, one numpy sort.
"""

from __future__ import annotations

import numpy as np
from sqlalchemy import text

from auction_flow.features.reports.kept_officer import (
    NULL,
    PRICED_O,
    SALE_C,
    SALE_KN,
    SALE_KX,
    SALE_KY,
    arrays,
    summed,
    usable,
)

_UNITS = text("SELECT u.office, u.kind, u.unit, u.keys, u.counts FROM report_officer_units u "
              "JOIN unnest(CAST(:kinds AS text[]), CAST(:units AS int[])) AS w(kind, unit) "
              "ON u.kind = w.kind AND u.unit = w.unit WHERE u.office = ANY(:offices) OR :every")
_LOW = 2 ** 40 - 1  # a key without its officer: code << 32 | value + 2^31
_SALES = {SALE_C: ("c", "n"), SALE_KN: ("k", "n"), SALE_KX: ("k", "x"), SALE_KY: ("k", "y")}

__all__ = ["add_units", "usable"]


def add_units(conn, sums, units: dict, scope, first: int, stages_only: bool) -> None:
    """Add to ``sums`` (:class:`kept_read.Sums`) the kept units ``units`` ({(kind, unit): sign}: 'm'
    YYYYMM, 's' YYYYMMD, 'd' YYYYMMDD) of the offices of ``scope`` (None: every office), by office:
    each (office, part, sub) once, its histogram summed over the office's officers and the units;
    priced the office's entries whose previous day is before ``first`` (YYYYMMDD)."""
    if not units:
        return
    names = {c: n for n, c in conn.execute(text("SELECT name, code FROM report_codes")).all()}
    country = scope is None
    offices, keys, counts = [], [], []
    for office, kind, unit, k, c in conn.execute(_UNITS, {"kinds": [k for k, _ in units],
                                                          "units": [u for _, u in units],
                                                          "offices": [] if country else list(scope), "every": country}):
        ka, ca = arrays(k, c, units[(kind, unit)])
        keys.append((ka & _LOW) | (len(offices) << 40))  # the office's index in place of the officer
        counts.append(ca)
        offices.append(office)
    if not keys:
        return
    keys, counts = np.concatenate(keys), np.concatenate(counts)
    code = (keys >> 32) & 0xFF
    value = (keys & 0xFFFFFFFF) - 2 ** 31
    stage = np.isin(code, [c for c, n in names.items() if n.startswith("s:")])
    want = stage if stages_only else (
        stage | np.isin(code, [c for c, n in names.items() if n.startswith("t:")])
        | np.isin(code, list(_SALES)) | ((code == PRICED_O) & (value < first)))
    # the same office under two indexes (two units): one index per office
    index = {o: i for i, o in enumerate(dict.fromkeys(offices))}
    remap = np.array([index[o] for o in offices], np.int64)
    keys = (keys[want] & _LOW) | (remap[keys[want] >> 40] << 40)
    keys, counts = summed(keys, counts[want])
    if not len(keys):
        return
    by_office = list(index)
    groups = keys >> 32  # office index << 8 | code
    starts = np.flatnonzero(np.r_[True, groups[1:] != groups[:-1]])
    ends = np.r_[starts[1:], len(keys)]
    values = ((keys & 0xFFFFFFFF) - 2 ** 31).tolist()
    counts = counts.tolist()
    for g, a, b in zip(groups[starts].tolist(), starts.tolist(), ends.tolist()):
        office, c = by_office[g >> 8], g & 0xFF
        if c == PRICED_O:
            sums.add(office, 0, "priced", "", {"n": sum(counts[a:b])})
        elif c in _SALES:
            kind, field = _SALES[c]
            sums.add(office, 0, "sale", kind, {field: sum(counts[a:b])})
        else:
            name = names[c]
            sums.add(office, 0, "stage" if name.startswith("s:") else "trig", name[2:],
                     {("" if v == NULL else str(v)): n for v, n in zip(values[a:b], counts[a:b])})
