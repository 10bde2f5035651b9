"""PostgreSQL: a period other than a reporting year, by office, and its stages, from the kept months
and ten-day spans, a few edge days and the rows past the marks (issue 16): the months, spans and
days from the kept officer units summed per office (:mod:`kept_days`); on a database whose officer
units are not kept yet, the JSON months and spans (:mod:`kept`) and the edge days read live.

A period is written as kept units added and taken away, and day ranges read live (:func:`plan`):
each calendar month wholly inside it is its kept month; a month the period cuts is either its spans
inside the period or the month less its spans outside, whichever reads fewer units and days (the
month on a tie), where a span the edge cuts is either its days inside read live or the span less its
days outside read live (at most six days an edge, half an 11-day span). 2026-04-15 .. 07-20 reads
the months 04 to 07 less the spans 04-01..10 and 07-21..31 and less the days 04-11..14. When the
units are kept (:func:`statistics`' ``units``), each live day is its kept day instead (:meth:`Plan.keep_days`).

Every part adds up and takes away: the stages, the counted triggers, the sales (as the fold keeps
them) and priced, whose kept entries are an asset priced in an office on a day, by the day it was
last priced there before: a period starting on day D counts its entries whose previous day is before
D, each asset once, in a kept unit as in the live days (:data:`_LIVE_PRICED`) or kept days. The kept units hold
the folded rows; the rows past the marks (the tail) count with the weight their date has in the kept
units (+1, -1 or 0: the live days read every row, folded or not); the kept sales not cancelled of the
assets the tail touches are taken back with that weight and classified live; the priced entries of
the assets the tail prices are taken back as the folded rows give them and added as every row gives
them.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from itertools import groupby

from sqlalchemy import bindparam, text

from auction_flow.features.reports.kept import COUNTRY, edge_statement, value_key
from auction_flow.features.reports.kept_read import LIVE_SALES, TAIL, Sums, answer, names

_DAY = dt.timedelta(days=1)


def _next_month(d: dt.date) -> dt.date:
    return (d.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def spans_of(month: dt.date) -> list[tuple[int, dt.date, dt.date]]:
    """The ten-day spans of the month of ``month`` (its first day): [(YYYYMMD, first day, last day)]."""
    key = month.year * 1000 + month.month * 10
    return [(key + 1, month, month.replace(day=10)), (key + 2, month.replace(day=11), month.replace(day=20)),
            (key + 3, month.replace(day=21), _next_month(month) - _DAY)]


@dataclass
class Plan:
    """A period as kept units and live day ranges, each with its sign."""
    months: dict  # YYYYMM -> +1 / -1
    spans: dict  # YYYYMMD -> +1 / -1
    live: list  # [(first day, last day, +1 / -1)]
    days: dict = field(default_factory=dict)  # YYYYMMDD -> +1 / -1: kept days (:meth:`keep_days`)

    def keep_days(self) -> None:
        """Each live day as its kept day (with its sign), none read live."""
        for first, last, sign in self.live:
            d = first
            while d <= last:
                k = _day(d)
                self.days[k] = self.days.get(k, 0) + sign
                d += _DAY
        self.days = {k: s for k, s in self.days.items() if s}
        self.live = []

    def units(self) -> dict:
        """The kept units, each with its sign: {('m', YYYYMM) | ('s', YYYYMMD) | ('d', YYYYMMDD): sign}."""
        return {(kind, u): s for kind, signs in (("m", self.months), ("s", self.spans), ("d", self.days))
                for u, s in signs.items() if s}

    def weight(self, day: dt.date) -> int:
        """How many times the kept units count a row dated ``day``."""
        span = day.year * 1000 + day.month * 10 + min((day.day - 1) // 10, 2) + 1
        return self.months.get(span // 10, 0) + self.spans.get(span, 0) + self.days.get(_day(day), 0)

    def bounds(self) -> tuple | None:
        """The first and last day of the kept units (None: no kept unit)."""
        ranges = [(dt.date(m // 100, m % 100, 1), _next_month(dt.date(m // 100, m % 100, 1)) - _DAY)
                  for m in self.months]
        ranges += [spans_of(dt.date(s // 1000, s // 10 % 100, 1))[s % 10 - 1][1:] for s in self.spans]
        ranges += [(d, d) for d in (dt.date(k // 10000, k // 100 % 100, k % 100) for k in self.days)]
        return (min(r[0] for r in ranges), max(r[1] for r in ranges)) if ranges else None


def _minus(outer: tuple, inner: tuple | None) -> list:
    """The day ranges of ``outer`` not in ``inner`` (a range inside it, or None)."""
    if inner is None:
        return [outer]
    return [r for r in ((outer[0], inner[0] - _DAY), (inner[1] + _DAY, outer[1])) if r[0] <= r[1]]


def _days(ranges) -> int:
    return sum((b - a).days + 1 for a, b in ranges)


def _cover(span: tuple, want: list, sign: int) -> tuple[int, list]:
    """``sign`` times the days ``want`` (ranges inside ``span``): the span itself, the days live, or
    the span less its other days live, whichever reads least. (cost, [(kind, what, sign)])."""
    key, first, last = span
    if not want:
        return 0, []
    if want == [(first, last)]:
        return 1, [("s", key, sign)]
    whole = (first, last)
    rest = _minus(whole, want[0]) if len(want) == 1 else [whole]
    live = [("live", r, sign) for r in want]
    other = [("s", key, sign)] + [("live", r, -sign) for r in rest]
    return min((_days(want), live), (1 + _days(rest), other), key=lambda c: c[0])


def plan(start: dt.date, end: dt.date) -> Plan:
    """The kept months and spans (with their signs) and the live day ranges that make ``start`` .. ``end``."""
    out = Plan({}, {}, [])
    month = start.replace(day=1)
    while month <= end:
        last = _next_month(month) - _DAY
        inside = (max(start, month), min(end, last))
        if inside == (month, last):
            out.months[month.year * 100 + month.month] = 1
        else:
            direct, complement = (0, []), (1, [("m", month.year * 100 + month.month, 1)])
            for span in spans_of(month):
                ov = (max(inside[0], span[1]), min(inside[1], span[2]))
                ov = ov if ov[0] <= ov[1] else None
                d = _cover(span, [ov] if ov else [], 1)
                c = _cover(span, _minus((span[1], span[2]), ov), -1)
                direct, complement = (direct[0] + d[0], direct[1] + d[1]), (complement[0] + c[0],
                                                                            complement[1] + c[1])
            for kind, what, sign in min(complement, direct, key=lambda c: c[0])[1]:
                if kind == "m":
                    out.months[what] = out.months.get(what, 0) + sign
                elif kind == "s":
                    out.spans[what] = out.spans.get(what, 0) + sign
                elif out.live and out.live[-1][2] == sign and out.live[-1][1] + _DAY == what[0]:
                    out.live[-1] = (out.live[-1][0], what[1], sign)  # next to the last range of the same sign
                else:
                    out.live.append((*what, sign))
        month = _next_month(month)
    return out


_UNITS = """SELECT 'm', month, office, part, sub, packed FROM report_months WHERE month = ANY(:months) AND grain = 'o'
AND (office = ANY(:offices) OR :every) AND (part = 'stage' OR NOT :stages)
UNION ALL
SELECT 's', span, office, part, sub, packed FROM report_spans WHERE span = ANY(:spans) AND grain = 'o'
AND (office = ANY(:offices) OR :every) AND (part = 'stage' OR NOT :stages)"""
# the entries of some days (an asset priced in an office on a day) whose previous pricing day in the
# office is before the period's first day, per office
_LIVE_PRICED = """SELECT e.office, count(*) FROM (SELECT DISTINCT COALESCE(a.office, '-') AS office, a.asset_id,
    a.business_date AS d FROM audit_log a WHERE a.trigger = ANY(:priced) AND a.business_date BETWEEN :start AND :end
    {scope}) e
WHERE NOT EXISTS (SELECT 1 FROM audit_log q WHERE q.asset_id = e.asset_id AND q.trigger = ANY(:priced)
                  AND COALESCE(q.office, '-') = e.office AND q.business_date >= :first AND q.business_date < e.d)
GROUP BY 1"""
_KEPT_SALES = text("SELECT r.sale_id, r.office, r.realised, r.appraised, s.business_date FROM report_sales r "
                   "JOIN audit_log s ON s.id = r.sale_id WHERE r.asset_id = ANY(:assets) "
                   "AND s.business_date BETWEEN :start AND :end")
# every pricing day of some assets per office, and whether a folded row priced it
_PRICINGS = text("SELECT p.asset_id, COALESCE(p.office, '-'), p.business_date, "
                 "bool_or(p.log_seq <= COALESCE(m.log_seq, 0)) FROM audit_log p "
                 "LEFT JOIN report_marks m ON m.chain = p.chain WHERE p.asset_id = ANY(:assets) "
                 "AND p.trigger = ANY(:priced) GROUP BY 1, 2, 3 ORDER BY 1, 2, 3")


def _day(d: dt.date) -> int:
    return d.year * 10000 + d.month * 100 + d.day


def _kept(conn, sums: Sums, the: Plan, start: dt.date, scope, stages_only: bool) -> None:
    """The kept months and spans of ``the`` plan in the actor's scope, each with its sign; a unit's
    priced entries count when their previous day is before ``start``."""
    if not the.months and not the.spans:
        return
    country, first = scope is None, _day(start)
    signs = {"m": the.months, "s": the.spans}
    rows = conn.execute(text(_UNITS), {"months": list(the.months), "spans": list(the.spans),
                                       "offices": [COUNTRY] if country else list(scope), "every": country,
                                       "stages": stages_only})
    for kind, unit, office, part, sub, packed in rows:
        sign, hist = signs[kind][unit], json.loads(packed)
        if part == "priced":
            hist = {"n": sum(v for k, v in hist.items() if int(k) < first)}
        if not country:
            sums.add(office, 0, part, sub, hist, sign)
        elif office != COUNTRY:  # the groups from the offices' rows; the totals from the country's ('*')
            sums.add(office, 0, part, sub, hist, sign, totals=False)
        elif part in ("stage", "trig"):
            sums._merge(sums.totals, (part, sub), hist, sign)


def _live(conn, sums: Sums, the: Plan, start: dt.date, scope, stages_only: bool, p: dict) -> None:
    """The live day ranges of ``the`` plan, each with its sign: every row of those days (folded or
    not), grouped by office as a fold groups them, the sales classified live; the entries priced
    on those days whose previous pricing day in the office is before ``start``."""
    if not the.live:
        return
    stmt = edge_statement(scope is not None, stages_only)
    args = {k: p[k] for k in ("counted", "wanted") + (() if stages_only else ("after_sale", "voiding"))}
    if scope is not None:
        args["scope"] = list(scope)
    priced = text(_LIVE_PRICED.format(scope="" if scope is None else "AND a.office = ANY(:scope)")).bindparams(
        bindparam("priced"))
    for first, last, sign in the.live:
        hists: dict = {}  # (office, part, sub) -> histogram, merged once each
        for part, _, _, office, _, sub, value, n, x, y in conn.execute(stmt, {**args, "start": first, "end": last}):
            h = hists.get((office, part, sub))
            if h is None:
                h = hists[(office, part, sub)] = {}
            if part == "sale":
                for k, v in (("n", n), ("x", x), ("y", y)) if sub == "k" else (("n", n),):
                    h[k] = h.get(k, 0) + int(v)
            else:
                k = value_key(value)
                h[k] = h.get(k, 0) + int(n)
        if not stages_only:
            scoped = {} if scope is None else {"scope": list(scope)}
            for office, n in conn.execute(priced, {"priced": list(p["priced"]), "start": first, "end": last,
                                                   "first": start, **scoped}):
                hists[(office, "priced", "")] = {"n": int(n)}
        for (office, part, sub), h in hists.items():
            sums.add(office, 0, part, sub, h, sign)


def _tail(conn, sums: Sums, the: Plan, start: dt.date, stages_only: bool, p: dict) -> None:
    """The rows past the marks, each with the weight its date has in the kept units; the kept sales
    not cancelled of the assets they touch taken back and classified live; the priced entries of the
    assets they price as the folded rows give them taken back, as every row gives them added."""
    assets, priced, sales = set(), set(), {}
    for row in conn.execute(TAIL, {"start": start, "end": start, "counted": p["counted"]}):
        assets.add(row.asset_id)
        if row.trigger in p["priced"]:
            priced.add(row.asset_id)
        n = the.weight(row.day)
        if not n or not sums.inside(row.office):
            continue
        if row.stage is not None:
            sums.add(row.office, 0, "stage", row.stage, {str(row.days): 1}, n)
        if stages_only:
            continue
        if row.trigger in p["counted"]:
            sums.add(row.office, 0, "trig", row.trigger, {value_key(row.delay): 1}, n)
        if row.trigger == "record_sale":
            sales[row.id] = n
    bounds = the.bounds()
    if stages_only or bounds is None:
        return
    if assets:
        for sale_id, office, x, y, day in conn.execute(_KEPT_SALES, {"assets": sorted(assets), "start": bounds[0],
                                                                     "end": bounds[1]}):
            n = the.weight(day)
            if n and sums.inside(office):
                sums.add(office, 0, "sale", "k", {"n": 1, "x": x, "y": y}, -n)
                sales[sale_id] = n
    if sales:
        for sale_id, office, _, kind, x, y in conn.execute(LIVE_SALES, {"ids": list(sales), "after_sale":
                                                                         p["after_sale"], "voiding": p["voiding"]}):
            sums.add(office, 0, "sale", kind, {"n": 1} if kind == "c" else {"n": 1, "x": int(x), "y": int(y)},
                     sales[sale_id])
    if priced:
        rows = conn.execute(_PRICINGS, {"assets": sorted(priced), "priced": list(p["priced"])}).all()
        for (_, office), days in groupby(rows, key=lambda r: (r[0], r[1])):
            if not sums.inside(office):
                continue
            days = [(d, folded) for _, _, d, folded in days]
            for sign, seen in ((-1, [d for d, folded in days if folded]), (1, [d for d, _ in days])):
                before = None
                for d in seen:
                    n = the.weight(d)
                    if n and (before is None or before < start):
                        sums.add(office, 0, "priced", "", {"n": sign * n})
                    before = d


def statistics(conn, by: str, start, end, scope, *, counted: dict, p: dict, out: dict, median_of,
               stages_only: bool = False, units=None):
    """As :func:`kept_read.statistics`, for a period other than a reporting year, by office. With
    ``units`` (:func:`kept_days.statistics`) the kept officer units summed per office and the tail;
    else (a database whose officer units are not kept yet) the JSON months and spans of its
    :func:`plan`, its edge days read live and the tail, merged as the module's docstring says."""
    if units is not None:
        return units(conn, by, start, end, scope, counted=counted, p=p, out=out, median_of=median_of,
                     stages_only=stages_only)
    sums = Sums(names(conn, by), None if scope is None else set(scope))
    the = plan(start, end)
    _kept(conn, sums, the, start, scope, stages_only)
    _live(conn, sums, the, start, scope, stages_only, p)
    _tail(conn, sums, the, start, stages_only, p)
    return answer(sums, counted, out, median_of)


# the tail's statements, which :mod:`kept_days` reads too
KEPT_SALES, PRICINGS = _KEPT_SALES, _PRICINGS
