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
    index: dict = {}  # office -> its index, in place of the officer in the keys
    offices, signs, key_bytes, count_bytes = [], [], [], []
    for office, kind, unit, k, c in conn.execute(_UNITS, {"kinds": [k for k, _ in units],
                                                          "units": [u for _, u in units],
                                                          "offices": [] if country else list(scope), "every": country}):
        offices.append(index.setdefault(office, len(index)))
        signs.append(units[(kind, unit)])
        key_bytes.append(k)
        count_bytes.append(c)
    if not key_bytes:
        return
    # every unit's arrays at once (one buffer each), the office's index and the unit's sign repeated per entry
    lengths = np.array([len(k) // 8 for k in key_bytes], np.int64)
    keys, counts = arrays(b"".join(key_bytes), b"".join(count_bytes))
    keys = (keys & _LOW) | (np.repeat(np.array(offices, np.int64), lengths) << 40)
    counts = counts * np.repeat(np.array(signs, np.int64), lengths)
    part = np.zeros(256, np.int8)  # by code: 1 a state left, 2 a counted trigger, 3 a sale, 4 the office's priced
    for c, n in names.items():
        part[c] = 1 if n.startswith("s:") else 2 if n.startswith("t:") else 0
    part[list(_SALES)], part[PRICED_O] = 3, 4
    p = part[(keys >> 32) & 0xFF]
    want = (p == 1) if stages_only else ((p > 0) & (p < 4)) | ((p == 4) & ((keys & 0xFFFFFFFF) - 2 ** 31 < first))
    keys, counts = summed(keys[want], counts[want])
    if not len(keys):
        return
    by_office = list(index)
    for g, hist in _hists(keys, counts, names):  # each (office, part, sub) once: sums is merged as it comes
        office, c = by_office[g >> 8], g & 0xFF
        if c == PRICED_O:
            sums._merge(sums.groups, (sums.name_of(office, 0), "priced", ""), hist, 1)
        elif c in _SALES:
            sums._merge(sums.groups, (sums.name_of(office, 0), "sale", _SALES[c][0]), hist, 1)
        else:
            sums._merge(sums.groups, (sums.name_of(office, 0), "stage" if names[c][0] == "s" else
                                      "trig", names[c][2:]), hist, 1)
    # the totals' histograms (the stages' and the counted triggers' medians) summed over the offices
    mine = part[(keys >> 32) & 0xFF]
    mine = (mine == 1) | (mine == 2)
    k2, c2 = summed(keys[mine] & _LOW, counts[mine])
    for c, hist in _hists(k2, c2, names):
        sums._merge(sums.totals, ("stage" if names[c][0] == "s" else "trig", names[c][2:]), hist, 1)


def _hists(keys, counts, names: dict):
    """Entries sorted by key (office index << 40 | code << 32 | value): (office index << 8 | code, its
    histogram as :class:`kept_read.Sums` keeps it) per group."""
    groups = keys >> 32
    starts = np.flatnonzero(np.r_[True, groups[1:] != groups[:-1]])
    ends = np.r_[starts[1:], len(keys)]
    values = ((keys & 0xFFFFFFFF) - 2 ** 31).tolist()
    counts = counts.tolist()
    for g, a, b in zip(groups[starts].tolist(), starts.tolist(), ends.tolist()):
        c = g & 0xFF
        if c == PRICED_O:
            yield g, {"n": sum(counts[a:b])}
        elif c in _SALES:
            yield g, {_SALES[c][1]: sum(counts[a:b])}
        else:
            yield g, {("" if v == NULL else str(v)): n for v, n in zip(values[a:b], counts[a:b])}
