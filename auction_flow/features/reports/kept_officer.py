"""PostgreSQL: a period other than a reporting year by officer, from kept officer units packed as
number arrays (issue 16; docs/performance-notes.md "Stop 26: officer periods").

``report_officer_units`` keeps, per day (kind 'd', YYYYMMDD), ten-day span ('s', YYYYMMD) and month
('m', YYYYMM) of the rows' business date and per office, the folded rows' *entries*: (officer, part,
value) -> count, packed as two big-endian int64 arrays sorted by key, ``key = (officer + 1) << 40 |
code << 32 | (value + 2^31)`` (a NULL value as -2^31). A code (``report_codes``, which only grows)
names a state left ('s:' + state; the value its days) or a counted trigger ('t:' + trigger; the
value its delay); :data:`SALE_C` .. :data:`PRICED` are fixed: the sales cancelled (n), the sales not
cancelled (n, realised, appraised: three codes whose count is the sum, as ``report_sales`` keeps
them) and the pricing entries: an asset priced by an officer on a day, by the day the same officer
last priced the same asset before (the value YYYYMMDD, 0 none): a period starting on day D counts
those whose value is before D, each (officer, asset) once, exactly as the live statement's distinct
(officer, asset). :data:`PRICED_O` (officer -1, so its keys come first) is the office's own: an
asset priced in the office on a day, by the day it was last priced in the office by any officer
(as ``kept`` keys the months' and spans' priced): the office grain's days read it
(:mod:`kept_days`; revision 0033 emptied the units so the next fold keeps it).

An entry depends on its own row and on earlier or later rows of its asset only, so a fold
recomputes, from the rows folded after it, the days of every office-day where an asset its batch
touches has a row, and each month and span of those days as the sum of its days.

A report (:func:`statistics`) reads its period as :func:`kept_periods.plan` writes it, each live day
range as its kept days, for the actor's offices (the country: every office, merged by officer: an
asset's rows all carry its office), plus the tail by officer as :mod:`kept_periods` reads it by
office; the entries merged with numpy (one sort) and the medians found by cumulative sums.
"""

from __future__ import annotations

import datetime as dt
from itertools import groupby

import numpy as np
from sqlalchemy import text

from auction_flow.features.reports import kept_periods, kept_refill
from auction_flow.features.reports.kept_read import LIVE_SALES, TAIL
from auction_flow.features.reports.pg_pass import DELAY, LEFT, STAGE_DAYS

SALE_C, SALE_KN, SALE_KX, SALE_KY, PRICED, PRICED_O = 250, 251, 252, 253, 254, 255
NULL = -(2 ** 31)
_LOW = 2 ** 32 - 1
_DAY = dt.timedelta(days=1)


def _key(officer, code, value):
    return ((int(officer) + 1) << 40) | (code << 32) | ((NULL if value is None else int(value)) + 2 ** 31)


def _sql_key(officer: str, code: str, value: str) -> str:
    return (f"(((({officer})::bigint + 1) << 40) | (({code})::bigint << 32) | "
            f"(COALESCE(({value})::bigint, {NULL}) + {2 ** 31}))")


# the rows folded once this fold's marks move (the batch's heads; else the marks)
_FOLDED = ("LEFT JOIN report_marks m ON m.chain = {a}.chain LEFT JOIN unnest(CAST(:chains AS text[]), "
           "CAST(:heads AS int[])) AS n{a}(chain, head) ON n{a}.chain = {a}.chain")
_IS_FOLDED = "{a}.log_seq <= COALESCE(n{a}.head, m.log_seq, 0)"
# the office-days whose entries a batch changes: every day an asset it touches has a row on
_TOUCHED = text("""SELECT DISTINCT COALESCE(x.office, '-'), x.business_date FROM audit_log x WHERE x.asset_id IN (
    SELECT a.asset_id FROM unnest(CAST(:chains AS text[]), CAST(:marks AS int[]), CAST(:heads AS int[]))
    AS h(chain, mark, head) CROSS JOIN LATERAL (SELECT y.asset_id FROM audit_log y WHERE y.chain = h.chain
    AND y.log_seq > h.mark AND y.log_seq <= h.head OFFSET 0) a)""")


def _entries_sql(some) -> str:
    """(day YYYYMMDD, office, key, n) of the folded rows, of some office-days (``:offices``,
    ``:days``), of the rows ``some`` names (a str: :data:`kept_refill.OFFICE_ROWS`) or of all."""
    rows = (some if isinstance(some, str) else "audit_log a" if not some else
            "unnest(CAST(:offices AS text[]), CAST(:days AS date[])) AS t(office, day) CROSS JOIN LATERAL "
            "(SELECT * FROM audit_log x WHERE x.office = t.office AND x.business_date = t.day UNION ALL "
            "SELECT * FROM audit_log x WHERE t.office = '-' AND x.office IS NULL AND x.business_date = t.day) a")
    return f"""WITH f AS MATERIALIZED (
    SELECT to_char(a.business_date, 'YYYYMMDD')::int AS day, a.business_date AS d, COALESCE(a.office, '-') AS office,
           COALESCE(a.officer_id, 0) AS officer, a.id, a.asset_id, a.trigger,
           CASE WHEN {LEFT} THEN 's:' || a.from_state END AS stage, CASE WHEN {LEFT} THEN {STAGE_DAYS} END AS days,
           CASE WHEN a.trigger = ANY(:counted) THEN {DELAY} END AS delay
    FROM {rows} {_FOLDED.format(a="a")}
    WHERE {_IS_FOLDED.format(a="a")} AND ({LEFT} OR a.trigger = ANY(:wanted))),
e AS (SELECT DISTINCT day, d, office, officer, asset_id FROM f WHERE trigger = ANY(:priced)),
o AS (SELECT DISTINCT day, d, office, asset_id FROM f WHERE trigger = ANY(:priced))
SELECT day, office, {_sql_key("officer", "c.code", "days")}, count(*) FROM f JOIN report_codes c ON c.name = f.stage
GROUP BY 1, 2, 3
UNION ALL
SELECT day, office, {_sql_key("officer", "c.code", "delay")}, count(*) FROM f JOIN report_codes c
ON c.name = 't:' || f.trigger WHERE f.trigger = ANY(:counted) GROUP BY 1, 2, 3
UNION ALL
SELECT f.day, f.office, {_sql_key("f.officer", "x.code", "0")},
       CASE WHEN r.sale_id IS NULL THEN count(*) WHEN x.code = {SALE_KN} THEN count(*)
            WHEN x.code = {SALE_KX} THEN sum(COALESCE(r.realised, 0)) ELSE sum(COALESCE(r.appraised, 0)) END
FROM f LEFT JOIN report_sales r ON r.sale_id = f.id
JOIN (VALUES ({SALE_C}), ({SALE_KN}), ({SALE_KX}), ({SALE_KY})) AS x(code)
  ON (r.sale_id IS NULL) = (x.code = {SALE_C})
WHERE f.trigger = 'record_sale' GROUP BY 1, 2, 3, r.sale_id IS NULL, x.code
UNION ALL
SELECT e.day, e.office, {_sql_key("e.officer", str(PRICED), "COALESCE(to_char(b.d, 'YYYYMMDD')::int, 0)")}, count(*)
FROM e LEFT JOIN LATERAL (SELECT max(q.business_date) AS d FROM audit_log q {_FOLDED.format(a="q")}
    WHERE q.asset_id = e.asset_id AND q.trigger = ANY(:priced) AND COALESCE(q.officer_id, 0) = e.officer
    AND q.business_date < e.d AND {_IS_FOLDED.format(a="q")}) b ON true
GROUP BY 1, 2, 3
UNION ALL
SELECT o.day, o.office, {_sql_key("-1", str(PRICED_O), "COALESCE(to_char(b.d, 'YYYYMMDD')::int, 0)")}, count(*)
FROM o LEFT JOIN LATERAL (SELECT max(q.business_date) AS d FROM audit_log q {_FOLDED.format(a="q")}
    WHERE q.asset_id = o.asset_id AND q.trigger = ANY(:priced) AND COALESCE(q.office, '-') = o.office
    AND q.business_date < o.d AND {_IS_FOLDED.format(a="q")}) b ON true
GROUP BY 1, 2, 3"""


# the codes of the states left in some rows (every row's on a fill; else the batch's) and of the counted triggers
_BATCH_ROWS = ("unnest(CAST(:chains AS text[]), CAST(:marks AS int[]), CAST(:heads AS int[])) AS h(chain, mark, head) "
               "CROSS JOIN LATERAL (SELECT * FROM audit_log y WHERE y.chain = h.chain AND y.log_seq > h.mark "
               "AND y.log_seq <= h.head OFFSET 0) a")
_CODES = """INSERT INTO report_codes (name, code)
SELECT n, (SELECT COALESCE(max(code), 0) FROM report_codes) + row_number() OVER (ORDER BY n)
FROM (SELECT DISTINCT 's:' || a.from_state AS n FROM {rows} WHERE a.from_state <> a.to_state
      UNION SELECT 't:' || t FROM unnest(CAST(:counted AS text[])) AS t) x
WHERE n NOT IN (SELECT name FROM report_codes)"""
_WRITE = text("INSERT INTO report_officer_units (kind, unit, office, keys, counts) SELECT * FROM "
              "unnest(CAST(:kinds AS text[]), CAST(:units AS int[]), CAST(:offices AS text[]), CAST(:keys AS bytea[]), "
              "CAST(:counts AS bytea[])) ON CONFLICT ON CONSTRAINT pk_report_officer_units DO UPDATE "
              "SET keys = EXCLUDED.keys, counts = EXCLUDED.counts")
_DROP = text("DELETE FROM report_officer_units u USING unnest(CAST(:kinds AS text[]), CAST(:units AS int[]), "
             "CAST(:offices AS text[])) AS w(kind, unit, office) "
             "WHERE u.kind = w.kind AND u.unit = w.unit AND u.office = w.office")
_DAYS_OF = text("SELECT u.unit, u.office, u.keys, u.counts FROM report_officer_units u "
                "JOIN unnest(CAST(:offices AS text[]), CAST(:months AS int[])) AS w(office, month) "
                "ON u.office = w.office AND u.kind = 'd' AND u.unit / 100 = w.month")


def summed(keys, counts):
    """Entries summed by key, sorted, without the zeros."""
    if not len(keys):
        return keys, counts
    order = np.argsort(keys, kind="stable")
    keys, counts = keys[order], counts[order]
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    keys, counts = keys[starts], np.add.reduceat(counts, starts)
    nz = counts != 0
    return keys[nz], counts[nz]


def _by_day(got: list) -> dict:
    """The entries (day, office, key, n) as {(day, office): (keys, counts)}, each summed by key, sorted,
    without the zeros: one sort of numpy arrays (a first batch's ~1.5 entries per audit row grouped by
    Python's sort and groupby cost more than their statement)."""
    if not got:
        return {}
    names: dict = {}
    office = np.fromiter((names.setdefault(r[1], len(names)) for r in got), np.int64, len(got))
    day = np.fromiter((r[0] for r in got), np.int64, len(got))
    keys = np.fromiter((r[2] for r in got), np.int64, len(got))
    counts = np.fromiter((int(r[3]) for r in got), np.int64, len(got))
    return _by_place(day, office, list(names), keys, counts)


def _by_place(day, office, name_of: list, keys, counts) -> dict:
    """:func:`_by_day` over arrays: ``office`` the index of a place in ``name_of`` (an office, or
    anything hashable: :mod:`kept_org_periods` a grouping and an office)."""
    order = np.lexsort((keys, office, day))
    day, office, keys, counts = day[order], office[order], keys[order], counts[order]
    new = np.r_[True, (day[1:] != day[:-1]) | (office[1:] != office[:-1]) | (keys[1:] != keys[:-1])]
    starts = np.flatnonzero(new)
    day, office, keys, counts = day[starts], office[starts], keys[starts], np.add.reduceat(counts, starts)
    nz = counts != 0
    day, office, keys, counts = day[nz], office[nz], keys[nz], counts[nz]
    if not len(day):
        return {}
    groups = np.flatnonzero(np.r_[True, (day[1:] != day[:-1]) | (office[1:] != office[:-1])])
    ends = np.r_[groups[1:], len(day)]
    return {(int(day[a]), name_of[office[a]]): (keys[a:b], counts[a:b]) for a, b in zip(groups.tolist(), ends.tolist())}


def _span(day: int) -> int:
    """The ten-day span (YYYYMMD) of a day (YYYYMMDD)."""
    return day // 100 * 10 + min((day % 100 - 1) // 10, 2) + 1


def _blob(keys, counts) -> tuple[bytes, bytes]:
    return keys.astype(">i8").tobytes(), counts.astype(">i8").tobytes()


def arrays(keys: bytes, counts: bytes, sign: int = 1):
    return np.frombuffer(keys, ">i8").astype(np.int64), np.frombuffer(counts, ">i8").astype(np.int64) * sign


def _write(conn, rows: list) -> None:
    """Write the units ``rows`` (kind, unit, office, keys, counts); one with no entry left is deleted
    (a fold in one batch never writes it: the same kept rows whatever the batches)."""
    empty = [r[:3] for r in rows if not r[3]]
    rows = [r for r in rows if r[3]]
    for i in range(0, len(rows), 5000):
        part = rows[i:i + 5000]
        conn.execute(_WRITE, dict(zip(("kinds", "units", "offices", "keys", "counts"), (list(c) for c in zip(*part)))))
    for i in range(0, len(empty), 5000):
        part = empty[i:i + 5000]
        conn.execute(_DROP, dict(zip(("kinds", "units", "offices"), (list(c) for c in zip(*part)))))


UNITS = kept_refill.Units("report_officer_units", ("r",))


def _args(p: dict, batch: dict) -> dict:
    return {**{k: p[k] for k in ("counted", "wanted", "priced")}, "chains": batch["chains"], "heads": batch["heads"]}


def fold(conn, batch: dict, p: dict, first: bool) -> int:
    """Inside :func:`kept.fold`, before the marks move: the office-days the batch changes (all on
    the first fold) recomputed from the rows folded after it, and the spans and months of those
    days summed from their days; the offices not made yet when a revision emptied the units (or a
    refill stopped) made (:func:`kept_refill.rest`). How many rows were written."""
    conn.execute(text(_CODES.format(rows="audit_log a" if first else _BATCH_ROWS)),
                 {"counted": p["counted"], **({} if first else batch)})
    if first:
        return _put(conn, conn.execute(text(_entries_sql(False)), _args(p, batch)).all(), None, True)
    pairs = sorted(conn.execute(_TOUCHED, batch).all())
    n = _put(conn, conn.execute(text(_entries_sql(True)), {**_args(p, batch), "offices": [o for o, _ in pairs],
                                                          "days": [d for _, d in pairs]}).all(), pairs) if pairs else 0
    return n + kept_refill.rest(conn, UNITS, fill, p, batch)


def fill(conn, p: dict, offices: list, batch: dict, first_part: bool) -> int:
    """Every day of ``offices`` computed from the rows folded (and the batch's), their spans and months
    summed (:mod:`kept_refill`: a part of the units a revision emptied). How many rows were written."""
    conn.execute(text(_CODES.format(rows="audit_log a" if first_part else kept_refill.OFFICE_ROWS)),
                 {"counted": p["counted"], **({} if first_part else {"offices": offices})})
    return _put(conn, conn.execute(text(_entries_sql(kept_refill.OFFICE_ROWS)),
                                   {**_args(p, batch), "offices": offices}).all(), None)


def _put(conn, got: list, pairs, analyze: bool = False) -> int:
    """Write the days of the entries ``got`` (and, with ``pairs``, delete those of its office-days with none)
    and their spans and months summed from the days kept."""
    days = _by_day(got)
    del got
    for office, d in pairs or ():  # an office-day with no entry left: its row deleted
        days.setdefault((d.year * 10000 + d.month * 100 + d.day, office), (np.zeros(0, np.int64),) * 2)
    out = [("d", day, office, *_blob(*kc)) for (day, office), kc in days.items()]
    _write(conn, out)
    months = sorted({(office, day // 100) for day, office in days})
    sums: dict = {}
    for day, office in days:  # a span or month of the days changed with no day left: its row deleted
        for unit in (("s", _span(day)), ("m", day // 100)):
            sums.setdefault((*unit, office), [(np.zeros(0, np.int64),) * 2])
    for i in range(0, len(months), 2000):
        part = months[i:i + 2000]
        for day, office, k, c in conn.execute(_DAYS_OF, {"offices": [o for o, _ in part],
                                                         "months": [m for _, m in part]}):
            span = _span(day)
            ka, ca = arrays(k, c)
            for unit in (("s", span), ("m", day // 100)):
                sums.setdefault((*unit, office), []).append((ka, ca))
    rows = [(kind, unit, office, *_blob(*summed(np.concatenate([k for k, _ in kc]),
                                                 np.concatenate([c for _, c in kc]))))
            for (kind, unit, office), kc in sums.items()]
    _write(conn, rows)
    if analyze:
        conn.execute(text("ANALYZE report_officer_units"))
    return len(out) + len(rows)


def usable(conn) -> bool:
    """Whether officer units are kept (a database folded before revision 0029 or 0033 has none until its
    next fold has made them all: :mod:`kept_refill`)."""
    return conn.execute(text(f"SELECT (EXISTS (SELECT 1 FROM report_officer_units) AND NOT {UNITS.pending()}) "
                             "OR NOT EXISTS (SELECT 1 FROM report_years)")).scalar()


def check(conn, p: dict):
    """None when every kept day is its entries recomputed from the folded rows and every span and
    month the sum of its days; else the first that differs, named as :func:`kept.check` names a
    month or a ten-day span (a day by its span), officer 0 and part 'officer'."""
    args = {**{k: p[k] for k in ("counted", "wanted", "priced")}, "chains": [], "heads": []}
    log: dict = {}
    for day, office, k, n in conn.execute(text(_entries_sql(False)), args):
        for unit in (("d", day), ("s", _span(day)), ("m", day // 100)):
            log.setdefault((*unit, office), {}).setdefault(k, 0)
            log[(*unit, office)][k] += n
    kept = {}
    for kind, unit, office, k, c in conn.execute(text("SELECT kind, unit, office, keys, counts FROM "
                                                      "report_officer_units WHERE kind <> 'r'")):
        ka, ca = arrays(k, c)
        kept[(kind, unit, office)] = dict(zip(ka.tolist(), ca.tolist()))
    for kind, unit, office in sorted(set(log) | set(kept)):
        if {k: v for k, v in log.get((kind, unit, office), {}).items() if v} != kept.get((kind, unit, office), {}):
            # as kept.check names a month or a span (a day by its span): (unit, grain, office, officer, part, sub)
            return (_span(unit) if kind == "d" else unit), "u", office, 0, "officer", ""
    return None


# --- the read ---------------------------------------------------------------------------------------------------

_UNITS = text("SELECT u.kind, u.unit, u.keys, u.counts FROM report_officer_units u JOIN unnest(CAST(:kinds AS text[]), "
              "CAST(:units AS int[])) AS w(kind, unit) ON u.kind = w.kind AND u.unit = w.unit "
              "WHERE u.office = ANY(:offices) OR :every")
_KEPT_SALES = text("SELECT r.sale_id, r.office, r.officer, r.realised, r.appraised, s.business_date "
                   "FROM report_sales r JOIN audit_log s ON s.id = r.sale_id WHERE r.asset_id = ANY(:assets) "
                   "AND s.business_date BETWEEN :start AND :end")
_PRICINGS = text("SELECT p.asset_id, COALESCE(p.office, '-'), COALESCE(p.officer_id, 0), p.business_date, "
                 "bool_or(p.log_seq <= COALESCE(m.log_seq, 0)) FROM audit_log p "
                 "LEFT JOIN report_marks m ON m.chain = p.chain WHERE p.asset_id = ANY(:assets) "
                 "AND p.trigger = ANY(:priced) GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4")


def _units(start: dt.date, end: dt.date) -> tuple[dict, dt.date, dt.date]:
    """The plan's months, spans and live days (kept days here), each with its sign: {(kind, unit): sign};
    and the first and last day they cover."""
    the = kept_periods.plan(start, end)
    units = {("m", m): s for m, s in the.months.items() if s}
    units.update({("s", u): s for u, s in the.spans.items() if s})
    for a, b, s in the.live:
        d = a
        while d <= b:
            k = ("d", d.year * 10000 + d.month * 100 + d.day)
            units[k] = units.get(k, 0) + s
            d += _DAY
    firsts, lasts = [start], [end]
    for (kind, u) in units:
        if kind == "m":
            m = dt.date(u // 100, u % 100, 1)
            firsts.append(m)
            lasts.append((m.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - _DAY)
        elif kind == "s":
            _, a, b = kept_periods.spans_of(dt.date(u // 1000, u // 10 % 100, 1))[u % 10 - 1]
            firsts.append(a)
            lasts.append(b)
    return units, min(firsts), max(lasts)


def _weight(units: dict, day: dt.date) -> int:
    span = day.year * 1000 + day.month * 10 + min((day.day - 1) // 10, 2) + 1
    return (units.get(("m", span // 10), 0) + units.get(("s", span), 0)
            + units.get(("d", day.year * 10000 + day.month * 100 + day.day), 0))


class _Entries:
    def __init__(self, codes: dict):
        self.keys, self.counts, self.codes = [], [], codes
        self.more_k, self.more_c = [], []

    def code(self, name: str) -> int:
        if name not in self.codes:  # a state no fold has met yet: a code for this report only
            self.codes[name] = max([c for c in self.codes.values() if c < SALE_C], default=0) + 1
        return self.codes[name]

    def add(self, officer, name_or_code, value, n) -> None:
        code = self.code(name_or_code) if isinstance(name_or_code, str) else name_or_code
        self.more_k.append(_key(officer, code, value))
        self.more_c.append(int(n))


def _tail(conn, add, units: dict, bounds: tuple, start: dt.date, scope, p: dict, *, by_office: bool = False,
          stages_only: bool = False) -> None:
    """As :func:`kept_periods._tail`, as entries ``add(place, name or code, value, n)`` by officer, or
    by office (:mod:`kept_days`): the rows past the marks, each with the weight its date has in the
    kept units; the kept sales not cancelled of the assets they touch taken back and classified live;
    the priced entries of the assets they price as the folded rows give them taken back, as every row
    gives them added (each asset once per officer, or once per office)."""
    inside = (lambda office: True) if scope is None else set(scope).__contains__
    place = (lambda office, officer: office) if by_office else (lambda office, officer: officer)
    assets, priced, sales = set(), set(), {}
    for row in conn.execute(TAIL, {"start": start, "end": start, "counted": p["counted"]}):
        assets.add(row.asset_id)
        if row.trigger in p["priced"]:
            priced.add(row.asset_id)
        n = _weight(units, row.day)
        if not n or not inside(row.office):
            continue
        if row.stage is not None:
            add(place(row.office, row.officer), "s:" + row.stage, row.days, n)
        if not stages_only and row.trigger in p["counted"]:
            add(place(row.office, row.officer), "t:" + row.trigger, row.delay, n)
        if not stages_only and row.trigger == "record_sale":
            sales[row.id] = n
    if stages_only:
        return
    if assets:
        for sale_id, office, officer, x, y, day in conn.execute(_KEPT_SALES, {"assets": sorted(assets),
                                                                              "start": bounds[0], "end": bounds[1]}):
            n = _weight(units, day)
            if n and inside(office):
                for code, v in ((SALE_KN, 1), (SALE_KX, x or 0), (SALE_KY, y or 0)):
                    add(place(office, officer), code, 0, -n * v)
                sales[sale_id] = n
    if sales:
        for sale_id, office, officer, kind, x, y in conn.execute(LIVE_SALES, {"ids": list(sales), "after_sale":
                                                                              p["after_sale"], "voiding": p["voiding"]}):
            n = sales[sale_id]
            for code, v in ((SALE_C, 1),) if kind == "c" else ((SALE_KN, 1), (SALE_KX, x), (SALE_KY, y)):
                add(place(office, officer), code, 0, n * int(v))
    if priced:
        # each asset's pricing days once per office (kept_periods.PRICINGS) or once per officer
        pricings = kept_periods.PRICINGS if by_office else _PRICINGS
        rows = conn.execute(pricings, {"assets": sorted(priced), "priced": list(p["priced"])}).all()
        for who, days in groupby(rows, key=lambda r: r[:-2]):
            if not inside(who[1]):
                continue
            days = [(r[-2], r[-1]) for r in days]
            for sign, seen in ((-1, [d for d, folded in days if folded]), (1, [d for d, _ in days])):
                before = None
                for d in seen:
                    n = _weight(units, d)
                    if n and (before is None or before < start):
                        add(who[1] if by_office else who[2], PRICED, 0, sign * n)
                    before = d


def _starts(groups):
    return np.flatnonzero(np.r_[True, groups[1:] != groups[:-1]])


def _medians(groups, values, counts):
    """Entries sorted by (group, value), counts > 0: [(group, median, n, worst)] (the median as
    percentile_cont's: the mean of the two middle values)."""
    if not len(groups):
        return []
    starts = _starts(groups)
    ends = np.r_[starts[1:], len(groups)]
    cum = np.cumsum(counts)
    before = cum[starts] - counts[starts]
    n = cum[ends - 1] - before
    lo = np.searchsorted(cum, before + (n - 1) // 2, side="right")
    hi = np.searchsorted(cum, before + n // 2, side="right")
    return zip(groups[starts].tolist(), ((values[lo] + values[hi]) / 2).tolist(), n.tolist(),
               values[ends - 1].tolist())


def _sums(groups, counts):
    if not len(groups):
        return []
    starts = _starts(groups)
    return zip(groups[starts].tolist(), np.add.reduceat(counts, starts).tolist())


def _num(v):
    return int(v) if float(v).is_integer() else v


def _answer(keys, counts, name_of, names: dict, counted: dict, first: int, out: dict):
    """pg_pass.run's statistics from the merged entries (``names``: code -> name)."""
    keys, counts = summed(keys, counts)
    mine = keys >> 40 > 0  # not the offices' own priced entries (PRICED_O, officer -1)
    keys, counts = keys[mine], counts[mine]
    name = {i: name_of(i - 1) for i in np.unique(keys >> 40).tolist()}
    code = (keys >> 32) & 0xFF
    value = (keys & _LOW) - 2 ** 31
    stage = np.isin(code, [c for c, n in names.items() if n.startswith("s:")])
    per_stage = {}
    for g, med, n, worst in _medians(keys[stage] >> 32, value[stage], counts[stage]):
        per_stage[(name[g >> 8], names[g & 0xFF][2:])] = (_num(med), n, worst)
    k2, c2 = summed(keys[stage] & (2 ** 40 - 1), counts[stage])  # over every officer
    stage_total = {names[g][2:]: _num(m) for g, m, _, _ in _medians(k2 >> 32, (k2 & _LOW) - 2 ** 31, c2)}
    trig = np.isin(code, [c for c, n in names.items() if n.startswith("t:")])
    for g, n in _sums(keys[trig] >> 32, counts[trig]):
        grp = out[name[g >> 8]]
        for k in counted[names[g & 0xFF][2:]]:
            grp[k] = grp.get(k, 0) + n
    handed = (code == next((c for c, n in names.items() if n == "t:hand_over"), -1)) & (value != NULL)
    for o in np.unique(keys[handed] >> 40).tolist():
        out[name[o]].update(handed_over_on_time=0, handed_over_late=0)
    for mask, field in ((handed & (value <= 0), "handed_over_on_time"), (handed & (value > 0), "handed_over_late")):
        for o, n in _sums(keys[mask] >> 40, counts[mask]):
            out[name[o]][field] = n
    late_mask = handed & (value > 0)
    late = {name[g]: (_num(m), worst) for g, m, _, worst in _medians(keys[late_mask] >> 40, value[late_mask],
                                                                     counts[late_mask])}
    k3, c3 = summed(keys[late_mask] & (2 ** 40 - 1), counts[late_mask])
    every = list(_medians(np.zeros(len(k3), np.int64), (k3 & _LOW) - 2 ** 31, c3))
    late_total = (_num(every[0][1]), every[0][3]) if every else (None, None)
    for o in np.unique(keys[code >= SALE_C] >> 40).tolist():
        grp = out[name[o]]
        for k in ("priced", "sold", "cancelled", "realised", "appraised"):
            grp.setdefault(k, 0)
    for mask, fields in (((code == PRICED) & (value < first), ("priced",)), (code == SALE_C, ("sold", "cancelled")),
                         (code == SALE_KN, ("sold",)), (code == SALE_KX, ("realised",)),
                         (code == SALE_KY, ("appraised",))):
        for o, n in _sums(keys[mask] >> 40, counts[mask]):
            for f in fields:
                out[name[o]][f] += n
    return late, late_total, per_stage, stage_total


def statistics(conn, by: str, start, end, scope, *, counted: dict, p: dict, out: dict, median_of=None):
    """As :func:`pg_pass.run` by officer, for a period other than a reporting year: the kept units of
    its plan (its live days as kept days), in the actor's scope, and the tail."""
    units, first_day, last_day = _units(start, end)
    codes = dict(conn.execute(text("SELECT name, code FROM report_codes")).all())
    ent = _Entries(codes)
    if units:
        country = scope is None
        for kind, unit, k, c in conn.execute(_UNITS, {"kinds": [k for k, _ in units], "units": [u for _, u in units],
                                                      "offices": [] if country else list(scope), "every": country}):
            ka, ca = arrays(k, c, units[(kind, unit)])
            ent.keys.append(ka)
            ent.counts.append(ca)
    _tail(conn, ent.add, units, (first_day, last_day), start, scope, p)
    ent.keys.append(np.array(ent.more_k, np.int64))
    ent.counts.append(np.array(ent.more_c, np.int64))
    users = dict(conn.execute(text("SELECT id, username FROM users")).all())
    return _answer(np.concatenate(ent.keys), np.concatenate(ent.counts), lambda i: users.get(i, "-"),
                   {c: n for n, c in ent.codes.items()}, counted, start.year * 10000 + start.month * 100 + start.day,
                   out)


# the same packed form grouped by organisation (:mod:`kept_org_periods`) reads and writes through these
pack_entries, span_of, plan_units, weight, answer, tail = _blob, _span, _units, _weight, _answer, _tail
FOLDED, IS_FOLDED, BATCH_ROWS, TOUCHED, CODES, by_place = _FOLDED, _IS_FOLDED, _BATCH_ROWS, _TOUCHED, _CODES, _by_place
