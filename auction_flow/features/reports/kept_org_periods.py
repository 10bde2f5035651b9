"""PostgreSQL: a period other than a reporting year by auction or appraisal organisation, from kept
units packed as number arrays (issue 16; docs/performance-notes.md "Stop 27: organisation periods").

``report_org_units`` keeps, per grouping ('a' the auction organisation, 'p' the appraisal
organisation), day ('d' YYYYMMDD), ten-day span ('s' YYYYMMD) and month ('m' YYYYMM) of the rows'
business date and per office, the folded rows' entries in :mod:`kept_officer`'s packed form, the
officer's place in the key taken by the organisation's number (``report_org_codes``, which only
grows): (organisation, part, value) -> count. The organisation is the one the asset's folded rows
are counted under (``report_org_assets``, kept by :mod:`kept_org`: the asset's organisation now).
The parts are :mod:`kept_officer`'s: a state left and its days, a counted trigger and its delay, the
sales cancelled and not cancelled (as ``report_sales`` keeps them) and the pricing entries: an asset
priced in an office on a day, by the day the asset was last priced in that office before (a period
starting on day D counts those before D, so an asset once, as the live statement's distinct
(organisation, asset); an asset's rows all carry its office).

* :func:`fold`, from :func:`kept.fold`'s ``also`` after :func:`kept_org.fold` (same transaction and
  batch, before the marks move; the batch's assets' organisations are then those they have now):
  every office-day where an asset of the batch has a row is computed again from the rows folded
  after it, then each span and month of those days as the sum of its days. An asset whose
  organisation changed has a row in the batch (every such change writes one), so its folded rows
  move to its new organisation with their days. The first fold, and the next fold of a database
  folded before revision 0034, compute every day.
* :func:`statistics`: the units of the period as :func:`kept_periods.plan` writes it (each live
  day range as its kept days), in the actor's scope, plus the tail: the assets with rows past the
  marks have their folded entries taken back and every row of theirs counted again live (under
  their organisation now, each sale classified by the steps after it, the asset's prices now).
* :func:`check`: every day recomputed from the folded rows, every span and month their sum.
"""

from __future__ import annotations

import datetime as dt
from itertools import groupby

import numpy as np
from sqlalchemy import text

from auction_flow.features.reports.kept_officer import (BATCH_ROWS, CODES, FOLDED, IS_FOLDED, PRICED, SALE_C,
                                                        SALE_KN, SALE_KX, SALE_KY, TOUCHED, answer, arrays, by_place,
                                                        pack_entries, plan_units, span_of, summed, weight)
from auction_flow.features.reports import kept_refill
from auction_flow.features.reports.kept_org import KINDS
from auction_flow.features.reports.pg_pass import DELAY, LEFT, STAGE_DAYS

NULL = -(2 ** 31)
# the rows folded once this fold's marks move (the batch's heads; else the marks)
_FOLDED, _IS_FOLDED, _BATCH_ROWS = FOLDED, IS_FOLDED, BATCH_ROWS  # the officer units' (kept_officer)
_DAYS_ROWS = ("unnest(CAST(:offices AS text[]), CAST(:days AS date[])) AS t(office, day) CROSS JOIN LATERAL "
              "(SELECT * FROM audit_log x WHERE x.office = t.office AND x.business_date = t.day UNION ALL "
              "SELECT * FROM audit_log x WHERE t.office = '-' AND x.office IS NULL AND x.business_date = t.day) a")
_TOUCHED = TOUCHED
_BOTH = "CROSS JOIN LATERAL (VALUES ('a', {e}.ga), ('p', {e}.gp)) AS g(grouping, org)"
# a sale not cancelled, as the live statement classifies it: the asset's next sale or voiding step is not a voiding one
_LIVE_SALE = """LEFT JOIN LATERAL (SELECT f.id AS sale_id, s.sale_price AS realised, s.appraised_price AS appraised
    FROM assets s WHERE s.id = f.asset_id AND NOT COALESCE((SELECT n.trigger FROM audit_log n WHERE n.asset_id = f.asset_id
    AND n.seq > f.seq AND n.trigger = ANY(:after_sale) ORDER BY n.seq LIMIT 1) = ANY(:voiding), false)) r ON true"""


def _entries_sql(rows: str, where: str = "", live: bool = False, keyed: bool = False) -> str:
    """(grouping, day YYYYMMDD, office, organisation, name, value, n) of the rows of ``rows`` (``a``):
    the folded ones under their kept organisations and sales (``report_org_assets``, ``report_sales``),
    or with ``live`` every one under the asset's organisations now, its sales classified live. The
    name is 's:' a state left, 't:' a counted trigger, or '#' and a fixed code. With ``keyed``,
    (grouping, day, office, key, n): the key packed by the statement from the codes kept
    (``report_org_codes``, ``report_codes``; 0 for a name or organisation with none) instead of row
    by row in Python (Stop 27: ~10 minutes of a first fold at scale 1)."""
    if live:
        orgs = ("COALESCE(s.auction_org, '-')", "COALESCE(s.appraisal_org, '-')")
        join, folded, folded_q, is_folded, is_folded_q = "JOIN assets s ON s.id = a.asset_id", "", "", "", ""
        sales = _LIVE_SALE
    else:
        orgs, join = ("r.auction_org", "r.appraisal_org"), "JOIN report_org_assets r ON r.asset_id = a.asset_id"
        folded, folded_q = _FOLDED.format(a="a"), _FOLDED.format(a="q")
        is_folded, is_folded_q = _IS_FOLDED.format(a="a") + " AND ", " AND " + _IS_FOLDED.format(a="q")
        sales = "LEFT JOIN report_sales r ON r.sale_id = f.id"
    sql = f"""WITH f AS MATERIALIZED (
    SELECT to_char(a.business_date, 'YYYYMMDD')::int AS day, a.business_date AS d, COALESCE(a.office, '-') AS office,
           {orgs[0]} AS ga, {orgs[1]} AS gp, a.id, a.asset_id, a.seq, a.trigger,
           CASE WHEN {LEFT} THEN 's:' || a.from_state END AS stage, CASE WHEN {LEFT} THEN {STAGE_DAYS} END AS days,
           CASE WHEN a.trigger = ANY(:counted) THEN {DELAY} END AS delay
    FROM {rows} {join} {folded}
    WHERE {is_folded}a.asset_id IS NOT NULL AND ({LEFT} OR a.trigger = ANY(:wanted)){where})
SELECT g.grouping, f.day, f.office, g.org, f.stage, f.days, count(*) FROM f {_BOTH.format(e="f")}
WHERE f.stage IS NOT NULL GROUP BY 1, 2, 3, 4, 5, 6
UNION ALL
SELECT g.grouping, f.day, f.office, g.org, 't:' || f.trigger, f.delay, count(*) FROM f {_BOTH.format(e="f")}
WHERE f.trigger = ANY(:counted) GROUP BY 1, 2, 3, 4, 5, 6
UNION ALL
SELECT g.grouping, f.day, f.office, g.org, '#' || x.code, 0,
       CASE WHEN r.sale_id IS NULL THEN count(*) WHEN x.code = {SALE_KN} THEN count(*)
            WHEN x.code = {SALE_KX} THEN sum(COALESCE(r.realised, 0)) ELSE sum(COALESCE(r.appraised, 0)) END
FROM f {_BOTH.format(e="f")} {sales}
JOIN (VALUES ({SALE_C}), ({SALE_KN}), ({SALE_KX}), ({SALE_KY})) AS x(code) ON (r.sale_id IS NULL) = (x.code = {SALE_C})
WHERE f.trigger = 'record_sale' GROUP BY 1, 2, 3, 4, 5, r.sale_id IS NULL, x.code
UNION ALL
SELECT g.grouping, e.day, e.office, g.org, '#{PRICED}', COALESCE(to_char(b.d, 'YYYYMMDD')::int, 0), count(*)
FROM (SELECT DISTINCT day, d, office, asset_id, ga, gp FROM f WHERE trigger = ANY(:priced)) e
LEFT JOIN LATERAL (SELECT max(q.business_date) AS d FROM audit_log q {folded_q}
    WHERE q.asset_id = e.asset_id AND q.trigger = ANY(:priced) AND COALESCE(q.office, '-') = e.office
    AND q.business_date < e.d{is_folded_q}) b ON true {_BOTH.format(e="e")}
GROUP BY 1, 2, 3, 4, 5, 6"""
    if not keyed:
        return sql
    head, entries = sql.split("\nSELECT g.grouping", 1)
    return f"""{head},
e(grouping, day, office, org, name, value, n) AS (SELECT g.grouping{entries})
SELECT e.grouping, e.day, e.office, COALESCE(((o.code::bigint + 1) << 40)
       | ((CASE WHEN left(e.name, 1) = '#' THEN substr(e.name, 2)::int ELSE c.code END)::bigint << 32)
       | (COALESCE(e.value::bigint, {NULL}) + {2 ** 31}), 0), e.n
FROM e LEFT JOIN report_org_codes o ON o.org = e.org LEFT JOIN report_codes c ON c.name = e.name"""


_ORG_CODES = """INSERT INTO report_org_codes (org, code)
SELECT o, (SELECT COALESCE(max(code), 0) FROM report_org_codes) + row_number() OVER (ORDER BY o)
FROM (SELECT r.auction_org AS o FROM report_org_assets r{where} UNION SELECT r.appraisal_org FROM report_org_assets r{where}) x
WHERE o NOT IN (SELECT org FROM report_org_codes)"""
_WRITE = text("INSERT INTO report_org_units (grouping, kind, unit, office, keys, counts) SELECT * FROM "
              "unnest(CAST(:groupings AS text[]), CAST(:kinds AS text[]), CAST(:units AS int[]), "
              "CAST(:offices AS text[]), CAST(:keys AS bytea[]), CAST(:counts AS bytea[])) "
              "ON CONFLICT ON CONSTRAINT pk_report_org_units DO UPDATE SET keys = EXCLUDED.keys, counts = EXCLUDED.counts")
_DROP = text("DELETE FROM report_org_units u USING unnest(CAST(:groupings AS text[]), CAST(:kinds AS text[]), "
             "CAST(:units AS int[]), CAST(:offices AS text[])) AS w(grouping, kind, unit, office) "
             "WHERE u.grouping = w.grouping AND u.kind = w.kind AND u.unit = w.unit AND u.office = w.office")
_DAYS_OF = text("SELECT u.grouping, u.unit, u.office, u.keys, u.counts FROM report_org_units u "
                "JOIN unnest(CAST(:offices AS text[]), CAST(:months AS int[])) AS w(office, month) "
                "ON u.office = w.office AND u.kind = 'd' AND u.unit / 100 = w.month")


class _Codes:
    """The numbers of the names (``report_codes``) and organisations (``report_org_codes``); a name or an
    organisation no fold has met yet (a report's tail) gets a number for this report only."""

    def __init__(self, conn):
        self.names = dict(conn.execute(text("SELECT name, code FROM report_codes")).all())
        self.orgs = dict(conn.execute(text("SELECT org, code FROM report_org_codes")).all())

    def name(self, name: str) -> int:
        if name[0] == "#":
            return int(name[1:])
        if name not in self.names:
            self.names[name] = max([c for c in self.names.values() if c < SALE_C], default=0) + 1
        return self.names[name]

    def org(self, org: str) -> int:
        if org not in self.orgs:
            self.orgs[org] = max(self.orgs.values(), default=0) + 1
        return self.orgs[org]

    def key(self, org: str, name: str, value) -> int:
        return ((self.org(org) + 1) << 40) | (self.name(name) << 32) | ((NULL if value is None else int(value)) + 2 ** 31)


def _grouped(got: list) -> dict:
    """{(grouping, day, office): (keys, counts)} of :func:`_entries_sql`'s keyed rows, summed by key,
    sorted, without the zeros: numpy over the fetched columns (:func:`kept_officer.by_place`)."""
    if not got:
        return {}
    places: dict = {}
    place = np.fromiter((places.setdefault((r[0], r[2]), len(places)) for r in got), np.int64, len(got))
    day = np.fromiter((r[1] for r in got), np.int64, len(got))
    keys = np.fromiter((r[3] for r in got), np.int64, len(got))
    counts = np.fromiter((int(r[4]) for r in got), np.int64, len(got))
    return {(grouping, day, office): kc
            for (day, (grouping, office)), kc in by_place(day, place, list(places), keys, counts).items()}


def _write(conn, rows: list) -> None:
    """Write the units ``rows`` (grouping, kind, unit, office, keys, counts); one with no entry left is
    deleted, as :mod:`kept_officer` deletes its own (the same kept rows whatever the batches)."""
    empty = [r[:4] for r in rows if not r[4]]
    rows = [r for r in rows if r[4]]
    for i in range(0, len(rows), 5000):
        part = rows[i:i + 5000]
        conn.execute(_WRITE, dict(zip(("groupings", "kinds", "units", "offices", "keys", "counts"),
                                      (list(c) for c in zip(*part)))))
    for i in range(0, len(empty), 5000):
        part = empty[i:i + 5000]
        conn.execute(_DROP, dict(zip(("groupings", "kinds", "units", "offices"), (list(c) for c in zip(*part)))))


def _params(p: dict, chains=(), heads=()) -> dict:
    return {**{k: p[k] for k in ("counted", "wanted", "priced")}, "chains": list(chains), "heads": list(heads)}


UNITS = kept_refill.Units("report_org_units", ("r", "r"))


def fold(conn, batch: dict, p: dict, first: bool) -> int:
    """Inside :func:`kept.fold`, after :func:`kept_org.fold` and before the marks move: the office-days
    the batch changes (all on the first fold) computed again from the rows folded after it, and the
    spans and months of those days summed from their days; the offices not made yet when a revision
    emptied the units (or a refill stopped) made (:func:`kept_refill.rest`). How many rows were written."""
    rows = "audit_log a" if first else _BATCH_ROWS
    conn.execute(text(_ORG_CODES.format(where="" if first else f" WHERE r.asset_id IN (SELECT a.asset_id FROM {rows})")),
                 {} if first else batch)
    # the names of the states left and of the counted triggers, as kept_officer codes them (before this, in _also)
    conn.execute(text(CODES.format(rows=rows)), {"counted": p["counted"], **({} if first else batch)})
    args = _params(p, batch["chains"], batch["heads"])
    if first:
        return _put(conn, conn.execute(text(_entries_sql("audit_log a", keyed=True)), args).all(), None, True)
    pairs = sorted(conn.execute(_TOUCHED, batch).all())
    n = _put(conn, conn.execute(text(_entries_sql(_DAYS_ROWS, keyed=True)), {
        **args, "offices": [o for o, _ in pairs], "days": [d for _, d in pairs]}).all(), pairs) if pairs else 0
    return n + kept_refill.rest(conn, UNITS, fill, p, batch)


def fill(conn, p: dict, offices: list, batch: dict, first_part: bool) -> int:
    """Every day of ``offices`` computed from the rows folded (and the batch's), their spans and months
    summed (:mod:`kept_refill`: a part of the units a revision emptied). How many rows were written."""
    rows = "audit_log a" if first_part else kept_refill.OFFICE_ROWS
    some = {} if first_part else {"offices": offices}
    conn.execute(text(_ORG_CODES.format(where="" if first_part else
                                        f" WHERE r.asset_id IN (SELECT a.asset_id FROM {rows})")), some)
    conn.execute(text(CODES.format(rows=rows)), {"counted": p["counted"], **some})
    return _put(conn, conn.execute(text(_entries_sql(kept_refill.OFFICE_ROWS, keyed=True)), {
        **_params(p, batch["chains"], batch["heads"]), "offices": offices}).all(), None)


def _put(conn, got: list, pairs, analyze: bool = False) -> int:
    """Write the days of the entries ``got`` (and, with ``pairs``, delete those of its office-days with none)
    and their spans and months summed from the days kept."""
    days = _grouped(got)
    del got
    for office, d in pairs or ():  # an office-day with no entry left: its row deleted
        for grouping in KINDS.values():
            days.setdefault((grouping, d.year * 10000 + d.month * 100 + d.day, office), (np.zeros(0, np.int64),) * 2)
    out = [(grouping, "d", day, office, *pack_entries(*kc)) for (grouping, day, office), kc in days.items()]
    _write(conn, out)
    months = sorted({(office, day // 100) for _, day, office in days})
    sums: dict = {}
    for grouping, day, office in days:  # a span or month of the days changed with no day left: its row deleted
        for unit in (("s", span_of(day)), ("m", day // 100)):
            sums.setdefault((grouping, *unit, office), [(np.zeros(0, np.int64),) * 2])
    for i in range(0, len(months), 2000):
        part = months[i:i + 2000]
        for grouping, day, office, k, c in conn.execute(_DAYS_OF, {"offices": [o for o, _ in part],
                                                                   "months": [m for _, m in part]}):
            ka, ca = arrays(k, c)
            for unit in (("s", span_of(day)), ("m", day // 100)):
                sums.setdefault((grouping, *unit, office), []).append((ka, ca))
    rows = [(grouping, kind, unit, office, *pack_entries(*summed(np.concatenate([k for k, _ in kc]),
                                                                         np.concatenate([c for _, c in kc]))))
            for (grouping, kind, unit, office), kc in sums.items()]
    _write(conn, rows)
    if analyze:
        conn.execute(text("ANALYZE report_org_units"))
    return len(out) + len(rows)


def usable(conn) -> bool:
    """Whether organisation units are kept (a database folded before revision 0034 has none until its next
    fold has made them all: :mod:`kept_refill`)."""
    return conn.execute(text(f"SELECT (EXISTS (SELECT 1 FROM report_org_units) AND NOT {UNITS.pending()}) "
                             "OR NOT EXISTS (SELECT 1 FROM report_years)")).scalar()


def check(conn, p: dict):
    """None when every kept day is its entries recomputed from the folded rows and every span and
    month the sum of its days; else the first that differs, named as :func:`kept.check` names a
    month or a ten-day span (a day by its span), with the grouping as the part."""
    log: dict = {}
    for (grouping, day, office), (k, c) in _grouped(conn.execute(text(_entries_sql("audit_log a", keyed=True)),
                                                                 _params(p)).all()).items():
        for unit in (("d", day), ("s", span_of(day)), ("m", day // 100)):
            into = log.setdefault((grouping, *unit, office), {})
            for key, n in zip(k.tolist(), c.tolist()):
                into[key] = into.get(key, 0) + n
    kept = {}
    for grouping, kind, unit, office, k, c in conn.execute(text(
            "SELECT grouping, kind, unit, office, keys, counts FROM report_org_units WHERE kind <> 'r'")):
        ka, ca = arrays(k, c)
        kept[(grouping, kind, unit, office)] = dict(zip(ka.tolist(), ca.tolist()))
    by = {v: k for k, v in KINDS.items()}
    for grouping, kind, unit, office in sorted(set(log) | set(kept)):
        if {k: v for k, v in log.get((grouping, kind, unit, office), {}).items() if v} != \
                kept.get((grouping, kind, unit, office), {}):
            return (span_of(unit) if kind == "d" else unit), "u", office, 0, by[grouping], ""
    return None


# --- the read ---------------------------------------------------------------------------------------------------

_UNITS = text("SELECT u.kind, u.unit, u.keys, u.counts FROM report_org_units u JOIN unnest(CAST(:kinds AS text[]), "
              "CAST(:units AS int[])) AS w(kind, unit) ON u.kind = w.kind AND u.unit = w.unit "
              "WHERE u.grouping = :grouping AND (u.office = ANY(:offices) OR :every)")
_TAIL_ASSETS = text("""SELECT DISTINCT a.asset_id
FROM (SELECT h.chain, COALESCE(m.log_seq, 0) AS mark FROM audit_heads h LEFT JOIN report_marks m ON m.chain = h.chain
      WHERE h.log_seq > COALESCE(m.log_seq, 0)) h
CROSS JOIN LATERAL (SELECT x.asset_id FROM audit_log x WHERE x.chain = h.chain AND x.log_seq > h.mark OFFSET 0) a
WHERE a.asset_id IS NOT NULL""")


def _tail(conn, codes: _Codes, grouping: str, units: dict, scope, p: dict, keys: list, counts: list) -> None:
    """The assets with rows past the marks: the entries their folded rows are kept with taken back, and
    every row of theirs counted live, each with the weight its day has in the period's units."""
    assets = sorted(conn.execute(_TAIL_ASSETS).scalars())
    if not assets:
        return
    inside = (lambda office: True) if scope is None else set(scope).__contains__
    args = {**_params(p), "assets": assets, "after_sale": p["after_sale"], "voiding": p["voiding"]}
    k, c = [], []
    for sign, live in ((-1, False), (1, True)):
        sql = _entries_sql("audit_log a", " AND a.asset_id = ANY(:assets)", live=live)
        for g, day, office, org, name, value, n in conn.execute(text(sql), args):
            if g != grouping or not inside(office):
                continue
            w = weight(units, dt.date(day // 10000, day // 100 % 100, day % 100))
            if w:
                k.append(codes.key(org, name, value))
                c.append(sign * w * int(n))
    keys.append(np.array(k, np.int64))
    counts.append(np.array(c, np.int64))


def statistics(conn, by: str, start, end, scope, *, counted: dict, p: dict, out: dict, median_of=None):
    """As :func:`pg_pass.run` by an organisation, for a period other than a reporting year: the kept
    units of its plan (its live days as kept days), in the actor's scope, and the tail."""
    grouping = KINDS[by]
    units = plan_units(start, end)[0]
    codes = _Codes(conn)
    keys, counts = [np.zeros(0, np.int64)], [np.zeros(0, np.int64)]
    if units:
        country = scope is None
        for kind, unit, k, c in conn.execute(_UNITS, {"kinds": [k for k, _ in units], "units": [u for _, u in units],
                                                      "grouping": grouping, "offices": [] if country else list(scope),
                                                      "every": country}):
            ka, ca = arrays(k, c, units[(kind, unit)])
            keys.append(ka)
            counts.append(ca)
    _tail(conn, codes, grouping, units, scope, p, keys, counts)
    org_of = {c: o for o, c in codes.orgs.items()}
    return answer(np.concatenate(keys), np.concatenate(counts), org_of.__getitem__,
                  {c: n for n, c in codes.names.items()}, counted, start.year * 10000 + start.month * 100 + start.day,
                  out)
