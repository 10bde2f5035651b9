"""PostgreSQL: the reports' answers kept per reporting year, each histogram packed in one row (issue 16).

A country's year is ~5 M audit rows at full size; its report needs, per group, a handful of
histograms (days spent in each state left, the handovers' delays), counts, the assets priced and
the sales. ``report_years`` keeps exactly those per reporting year (Oct 1 .. Sep 30), at the grain
of an office ('o'), of an office and an officer ('u'), and of the whole country (office '*'),
each histogram in ONE row (JSON ``{value: count}``): a year is tens of thousands of rows whatever
the number of audit rows. Every part merges by adding key by key.

* :func:`fold` (``report rollup``, and the scheduler hourly) takes a transaction-level advisory lock
  (two folds queue, never count a row twice), reads each chain's committed head from
  ``audit_heads`` (READ COMMITTED: every row at or below a committed head is committed), groups
  the rows between each chain's mark and its head (read per chain through (chain, log_seq)) with
  the very per-row SQL of :mod:`pg_pass`, adds the groups to the kept rows of the keys they touch
  (read, add, write back) and moves the marks, in one transaction. A row is folded exactly when
  ``log_seq <= mark``, whatever its business date: a back-dated row lands past the marks and is
  folded, later, into its own year.
* Priced counts distinct assets per group and year: a batch's pricing row counts when no row of the
  same asset, year and group was folded before. A sale is cancelled ('c') when the asset's next sale
  or voiding step after it is a voiding one, which no later row can change; a sale not cancelled
  ('k') depends on later rows and on the asset's current prices, so each one is kept in
  ``report_sales`` with the prices it was counted with, and a report replaces it by the live
  classification when its asset has rows past the marks (:mod:`kept_read`). Every change to an
  asset's prices is a step with its audit row (engine, ``amend``): no price moves without a row.
* :func:`check` recomputes every kept row from the folded rows of the log and names the first
  difference.

* ``report_months`` and ``report_spans`` keep the same per calendar month (YYYYMM) and per ten-day
  span of a month (YYYYMMD: D 1 the days 1-10, 2 the 11th-20th, 3 the 21st to the end) of the rows'
  business date, folded by the same statement (grouped by span; the month is span // 10) in the same
  transaction, at the grains of :data:`MONTH_GRAINS` (an office, the country): stages, counted
  triggers and sales add up and take away ('c' permanent; 'k' as ``report_sales`` keeps them, a
  sale's unit is its row's business date). Priced cannot be summed (an asset priced twice in a
  period counts once): each unit keeps, per office, its entries (an asset priced on a day) by the
  day the asset was last priced in the office before (:func:`_priced_units`; the fold recomputes
  those of the assets its batch prices, back-dated rows included), so a period starting on day D
  counts each asset once, exactly, whichever units it adds and takes away (:mod:`kept_periods`). A
  database folded before the spans existed (0027 empties its months) has both filled from its
  folded rows by its next fold (:func:`folded_units`).

What is not kept here: periods other than a reporting year by officer (an officer grain per month in
JSON would be several times the office grain's rows: :mod:`kept_officer` keeps them packed as number
arrays, folded from the same batch), the groupings by auction or appraisal organisation (the
asset's current column: :mod:`kept_org`, folded from the same batch, per year only), SQLite
(one office, small): they read the log.
"""

from __future__ import annotations

import json

from sqlalchemy import bindparam, text

from auction_flow.features.reports.pg_pass import DELAY, LEFT, STAGE_DAYS

LOCK = 0x16_0F02  # pg_advisory_xact_lock key of the fold (issue 16's yearly fold)
COUNTRY = "*"
YEAR_OF = "extract(year FROM {a}.business_date + interval '3 months')::int"  # Oct 1 .. Sep 30 is one year
# a ten-day span of a month (YYYYMMD: D 1 the days 1-10, 2 the 11th-20th, 3 the 21st to the month's end) of a date
SPAN_OF = ("(extract(year FROM {d})::int * 1000 + extract(month FROM {d})::int * 10 "
           "+ least((extract(day FROM {d})::int - 1) / 10, 2) + 1)")
DAY_OF = "to_char({d}, 'YYYYMMDD')::int"  # a date as YYYYMMDD
# the grains kept per month: an office and the country's own rows (office '*'). Not an office and
# an officer: at a country's size those rows are several times the office grain's (measured, see
# docs/performance-notes.md "Stop 24: kept months"), so a period other than a year by officer reads the log.
MONTH_GRAINS = ("o",)

# the rows a fold reads: those ``h`` (chain, mark, head) selects, read per chain through (chain, log_seq)
_CHAINS = """{h} CROSS JOIN LATERAL (SELECT * FROM audit_log x WHERE x.chain = h.chain AND x.log_seq > h.mark
                                 AND x.log_seq <= h.head OFFSET 0) a"""
_BATCH = """b AS MATERIALIZED (
    SELECT a.id, a.asset_id, a.seq, a.trigger COLLATE "C" AS trigger, {year} AS year, {span} AS span,
           COALESCE(a.office, '-') AS office, {officer} AS officer,
           CASE WHEN {left} THEN a.from_state COLLATE "C" END AS stage, CASE WHEN {left} THEN {days} END AS days,
           CASE WHEN a.trigger = ANY(:counted) THEN {delay} END AS delay
    FROM {source}
    WHERE ({left} OR a.trigger = ANY(:wanted)){where})"""
# the rows a report reads live: those of some business dates (a period's ragged edge), through
# (office, business_date) when scoped
EDGE = "audit_log a", " AND a.business_date BETWEEN :start AND :end"
EDGE_SCOPED = "audit_log a", " AND a.business_date BETWEEN :start AND :end AND a.office = ANY(:scope)"


_UNNEST = "unnest(CAST(:chains AS text[]), CAST(:marks AS int[]), CAST(:heads AS int[])) AS h(chain, mark, head)"


def _folded(p: str) -> str:
    """``p`` (an audit row) was folded before this fold (the marks are moved at its end)."""
    return f"{p}.log_seq <= COALESCE((SELECT m.log_seq FROM report_marks m WHERE m.chain = {p}.chain), 0)"


def _priced(grain: str, first: bool) -> str:
    """The batch's (asset, year, group) priced, less those priced in a row folded before."""
    cols = "asset_id, year, office" + (", officer" if grain == "u" else ", 0 AS officer")
    same = "" if grain == "o" else " AND COALESCE(p.officer_id, 0) = d.officer"
    new = "" if first else (
        f" WHERE NOT EXISTS (SELECT 1 FROM audit_log p WHERE p.asset_id = d.asset_id AND p.trigger = ANY(:priced) "
        f"AND {YEAR_OF.format(a='p')} = d.year AND COALESCE(p.office, '-') = d.office{same} AND {_folded('p')})")
    return (f"SELECT 'priced_{grain}', year, NULL::int, office, officer, '', NULL::int, count(*), NULL::numeric, "
            f"NULL::numeric "
            f"FROM (SELECT DISTINCT {cols} FROM b WHERE trigger = ANY(:priced)) d{new} GROUP BY 2, 4, 5")


def _statement(h: str | None, first: bool, keep_sales: bool, edge: tuple | None = None, stages_only: bool = False):
    """Every part of the rows of ``h`` (or, with ``edge``, of :data:`EDGE`'s), grouped by (part, year,
    span, office, officer, sub, value): n, and for the sales x (realised) and y (appraised); priced
    by year only (span NULL). An edge groups by office only (year, span NULL, officer 0: what a
    report by office adds) and has no priced (a report reads it live); with ``stages_only``, the
    stages only. With ``keep_sales`` the sales not cancelled are written to ``report_sales`` in the
    same statement."""
    source, where = (_CHAINS.format(h=h), "") if edge is None else edge
    year, span, officer = (YEAR_OF.format(a="a"), SPAN_OF.format(d="a.business_date"), "COALESCE(a.officer_id, 0)") \
        if edge is None else ("NULL::int", "NULL::int", "0")
    batch = _BATCH.format(year=year, span=span, officer=officer, left=LEFT, days=STAGE_DAYS, delay=DELAY,
                          source=source, where=where)
    if stages_only:
        return text(f"""WITH {batch}
SELECT 'stage', year, span, office, officer, stage, days, count(*), NULL::numeric, NULL::numeric FROM b
WHERE stage IS NOT NULL GROUP BY 2, 3, 4, 5, 6, 7""").bindparams(bindparam("counted"), bindparam("wanted"))
    sales = """, s AS MATERIALIZED (
    SELECT b.id, b.asset_id, b.year, b.span, b.office, b.officer,
           CASE WHEN (SELECT n.trigger FROM audit_log n WHERE n.asset_id = b.asset_id AND n.seq > b.seq
                      AND n.trigger = ANY(:after_sale) ORDER BY n.seq LIMIT 1) = ANY(:voiding) THEN 'c' ELSE 'k' END
           AS kind
    FROM b WHERE b.trigger = 'record_sale'),
k AS MATERIALIZED (
    SELECT s.id, s.asset_id, s.year, s.span, s.office, s.officer, COALESCE(t.sale_price, 0) AS x,
           COALESCE(t.appraised_price, 0) AS y
    FROM s LEFT JOIN LATERAL (SELECT t.sale_price, t.appraised_price FROM assets t WHERE t.id = s.asset_id LIMIT 1) t
    ON true WHERE s.kind = 'k')"""
    if keep_sales:
        sales += """, kept AS (INSERT INTO report_sales (sale_id, asset_id, year, office, officer, realised, appraised)
    SELECT id, asset_id, year, office, officer, x, y FROM k)"""
    priced = "" if edge else f"""
UNION ALL {_priced('u', first)}
UNION ALL {_priced('o', first)}"""
    sql = f"""WITH {batch}{sales}
SELECT 'stage', year, span, office, officer, stage, days, count(*), NULL::numeric, NULL::numeric FROM b
WHERE stage IS NOT NULL GROUP BY 2, 3, 4, 5, 6, 7
UNION ALL
SELECT 'trig', year, span, office, officer, trigger, delay, count(*), NULL, NULL FROM b
WHERE trigger = ANY(:counted) GROUP BY 2, 3, 4, 5, 6, 7{priced}
UNION ALL
SELECT 'sale', year, span, office, officer, 'c', NULL, count(*), NULL, NULL FROM s WHERE kind = 'c' GROUP BY 2, 3, 4, 5
UNION ALL
SELECT 'sale', year, span, office, officer, 'k', NULL, count(*), sum(x), sum(y) FROM k GROUP BY 2, 3, 4, 5"""
    names = ("counted", "wanted", "after_sale", "voiding") + (() if edge else ("priced",))
    return text(sql).bindparams(*(bindparam(n) for n in names))


def edge_statement(scoped: bool, stages_only: bool = False):
    """The parts of the rows of some business dates (``:start`` .. ``:end``, in ``:scope`` when
    ``scoped``) grouped by office as a fold groups them, the sales classified live: what a report
    by office adds for the ragged edges of its period (:mod:`kept_read`)."""
    return _statement(None, True, keep_sales=False, edge=EDGE_SCOPED if scoped else EDGE, stages_only=stages_only)


def params(counted, priced, voiding) -> dict:
    return {"counted": sorted(counted), "wanted": sorted(set(counted) | set(priced) | {"record_sale"}),
            "priced": list(priced), "after_sale": ["record_sale", *voiding], "voiding": list(voiding)}


def value_key(v) -> str:
    return "" if v is None else str(int(v))


def add_hist(kept: dict, key, add: dict, sign: int = 1) -> None:
    """Add ``add`` (a histogram) to ``kept[key]``, key by key (plain dicts: the first fold adds
    millions of grouped rows)."""
    h = kept.get(key)
    if h is None:
        kept[key] = {k: sign * v for k, v in add.items()}
        return
    for k, v in add.items():
        h[k] = h.get(k, 0) + sign * v


def _unit_keys(span, office, officer, part, sub) -> tuple:
    """The keys of (office, officer)'s rows of a ten-day span and of its month (span // 10), at
    :data:`MONTH_GRAINS`."""
    keys = ((span, "o", office, 0, part, sub), (span, "o", COUNTRY, 0, part, sub))
    if "u" in MONTH_GRAINS:
        keys += ((span, "u", office, officer, part, sub), (span, "u", COUNTRY, officer, part, sub))
    return keys


def _add_units(units: tuple, span, office, officer, part, sub, add: dict, sign: int = 1) -> None:
    if span is None:  # the kept sales read back per year (check)
        return
    months, spans = units
    for key in _unit_keys(span, office, officer, part, sub):
        add_hist(spans, key, add, sign)
        add_hist(months, (key[0] // 10, *key[1:]), add, sign)


def _spread(kept: dict, units: tuple, year, span, office, officer, part, sub, add: dict, sign: int = 1) -> None:
    """Add ``add`` to the kept rows of (office, officer) at the three grains of its year and the
    grains of its ten-day span and month (``units``: (months, spans))."""
    for key in ((year, "u", office, officer, part, sub), (year, "o", office, 0, part, sub),
                (year, "u", COUNTRY, officer, part, sub), (year, "o", COUNTRY, 0, part, sub)):
        add_hist(kept, key, add, sign)
    _add_units(units, span, office, officer, part, sub, add, sign)


def pack(rows) -> tuple[dict, tuple[dict, dict]]:
    """The grouped rows of :func:`_statement` as kept rows {(year, grain, office, officer, part, sub):
    {value: count}}, at the three grains (an office and an officer; an office; the country), and
    the same per month {(month, grain, ...): ...} and per ten-day span {(span, grain, ...): ...}
    at :data:`MONTH_GRAINS` (not priced)."""
    kept: dict = {}
    months: dict = {}
    spans: dict = {}
    for part, year, span, office, officer, sub, value, n, x, y in rows:
        n = int(n)
        if part.startswith("priced"):
            grain = part[-1]
            add_hist(kept, (year, grain, office, officer, "priced", ""), {"n": n})
            add_hist(kept, (year, grain, COUNTRY, officer, "priced", ""), {"n": n})
        elif part == "sale":
            _spread(kept, (months, spans), year, span, office, officer, part, sub,
                    {"n": n} if sub == "c" else {"n": n, "x": int(x), "y": int(y)})
        else:
            vk = value_key(value)
            unit_keys = _unit_keys(span, office, officer, part, sub)
            for into, keys in ((kept, ((year, "u", office, officer, part, sub), (year, "o", office, 0, part, sub),
                                       (year, "u", COUNTRY, officer, part, sub), (year, "o", COUNTRY, 0, part, sub))),
                               (spans, unit_keys), (months, ((k[0] // 10, *k[1:]) for k in unit_keys))):
                for key in keys:
                    h = into.get(key)
                    if h is None:
                        into[key] = {vk: n}
                    else:
                        h[vk] = h.get(vk, 0) + n
    return kept, (months, spans)


# The kept sales not cancelled of the assets the batch touches, classified again (the next sale or
# voiding step, the asset's prices now): a voiding step or a price's change past the old marks
# is folded into the sale it concerns, which the report then trusts again.
_AGAIN = text(f"""WITH t AS (SELECT DISTINCT a.asset_id FROM {_UNNEST} CROSS JOIN LATERAL (SELECT x.asset_id
    FROM audit_log x WHERE x.chain = h.chain AND x.log_seq > h.mark AND x.log_seq <= h.head OFFSET 0) a)
SELECT r.sale_id, r.year, {SPAN_OF.format(d="s.business_date")}, r.office, r.officer, r.realised, r.appraised,
       CASE WHEN (SELECT n.trigger FROM audit_log n WHERE n.asset_id = s.asset_id AND n.seq > s.seq
                  AND n.trigger = ANY(:after_sale) ORDER BY n.seq LIMIT 1) = ANY(:voiding) THEN 'c' ELSE 'k' END,
       COALESCE(p.sale_price, 0), COALESCE(p.appraised_price, 0)
FROM t JOIN report_sales r ON r.asset_id = t.asset_id JOIN audit_log s ON s.id = r.sale_id
JOIN assets p ON p.id = r.asset_id""").bindparams(bindparam("after_sale"), bindparam("voiding"))
_GONE = text("DELETE FROM report_sales WHERE sale_id = ANY(:ids)")
_MOVED = text("UPDATE report_sales r SET realised = v.x, appraised = v.y FROM unnest(CAST(:ids AS bigint[]), "
              "CAST(:x AS bigint[]), CAST(:y AS bigint[])) AS v(id, x, y) WHERE r.sale_id = v.id")


def _again(conn, kept: dict, units: tuple, batch: dict, p: dict) -> None:
    gone, moved = [], []
    for sale_id, year, span, office, officer, x0, y0, kind, x, y in conn.execute(_AGAIN, {**batch, **p}):
        if kind == "k" and (x0, y0) == (x, y):
            continue
        _spread(kept, units, year, span, office, officer, "sale", "k", {"n": 1, "x": x0, "y": y0}, sign=-1)
        _spread(kept, units, year, span, office, officer, "sale", kind,
                {"n": 1} if kind == "c" else {"n": 1, "x": x, "y": y})
        (gone.append(sale_id) if kind == "c" else moved.append((sale_id, x, y)))
    if gone:
        conn.execute(_GONE, {"ids": gone})
    if moved:
        conn.execute(_MOVED, dict(zip(("ids", "x", "y"), (list(c) for c in zip(*moved)))))


_PENDING = text("SELECT h.chain, COALESCE(m.log_seq, 0), h.log_seq FROM audit_heads h "
                "LEFT JOIN report_marks m ON m.chain = h.chain WHERE h.log_seq > COALESCE(m.log_seq, 0) ORDER BY 1")
_MOVE = text("INSERT INTO report_marks (chain, log_seq) SELECT * FROM unnest(CAST(:chains AS text[]), "
             "CAST(:heads AS int[])) ON CONFLICT (chain) DO UPDATE SET log_seq = EXCLUDED.log_seq")
_KEYS = ("unnest(CAST(:y AS int[]), CAST(:g AS text[]), CAST(:o AS text[]), CAST(:u AS int[]), CAST(:p AS text[]), "
         "CAST(:s AS text[])")


def _sql(table: str, period: str) -> tuple:
    """The read, the write and the COPY of the kept rows of ``table`` (keyed by ``period``)."""
    cols = f"{period}, grain, office, officer, part, sub"
    return (text(f"SELECT r.{period}, r.grain, r.office, r.officer, r.part, r.sub, r.packed FROM {table} r "
                 f"JOIN {_KEYS}) AS k({cols}) USING ({cols})"),
            text(f"INSERT INTO {table} ({cols}, packed) SELECT * FROM {_KEYS}, CAST(:packed AS text[])) "
                 f"ON CONFLICT ON CONSTRAINT pk_{table} DO UPDATE SET packed = EXCLUDED.packed"),
            f"COPY {table} ({cols}, packed) FROM STDIN")


TABLES = {"report_years": _sql("report_years", "year"), "report_months": _sql("report_months", "month"),
          "report_spans": _sql("report_spans", "span")}

# the sales of the folded rows per ten-day span, as a fold keeps them: not cancelled ('k') with the prices
# ``report_sales`` keeps, cancelled ('c') the folded sales not in it (a fold never keeps a cancelled one)
_FOLDED_SALES = text(f"""SELECT 'sale', r.year, {SPAN_OF.format(d="s.business_date")}, r.office, r.officer, 'k', NULL,
       count(*),
       sum(r.realised), sum(r.appraised)
FROM report_sales r JOIN audit_log s ON s.id = r.sale_id GROUP BY 2, 3, 4, 5
UNION ALL
SELECT 'sale', {YEAR_OF.format(a="a")}, {SPAN_OF.format(d="a.business_date")}, COALESCE(a.office, '-'),
       COALESCE(a.officer_id, 0), 'c', NULL, count(*), NULL, NULL
FROM audit_log a WHERE a.trigger = 'record_sale' AND {_folded('a')}
AND NOT EXISTS (SELECT 1 FROM report_sales r WHERE r.sale_id = a.id) GROUP BY 2, 3, 4, 5""")
_FOLDED = "(SELECT chain, 0 AS mark, log_seq AS head FROM report_marks) h"


# Priced per month and ten-day span: an asset counts once per office and period, which units summed
# cannot tell; so each unit keeps, per office, its entries (an asset priced in the office on a day) by
# the day the same asset was last priced in the same office before (YYYYMMDD, 0: never). A period
# starting on day D counts the entries of its days whose previous day is before D: each asset once, at
# its first day inside the period. Entries are per day, so a unit's are its days' (a month's, its
# spans'), and a period can add and take away units (kept_periods).
_PRICED_BY = f"lag({DAY_OF.format(d='d')}, 1, 0) OVER (PARTITION BY asset_id, office ORDER BY d)"
# the assets the batch prices: their entries before the fold (-1) and after it (+1), the difference kept
_PRICED_BATCH = f"""WITH t AS (SELECT DISTINCT a.asset_id FROM {_UNNEST} CROSS JOIN LATERAL (SELECT x.asset_id
    FROM audit_log x WHERE x.chain = h.chain AND x.log_seq > h.mark AND x.log_seq <= h.head
    AND x.trigger = ANY(:priced) OFFSET 0) a),
r AS (SELECT p.asset_id, COALESCE(p.office, '-') AS office, p.business_date AS d,
             bool_or(p.log_seq <= COALESCE(m.log_seq, 0)) AS before
      FROM t JOIN audit_log p ON p.asset_id = t.asset_id AND p.trigger = ANY(:priced)
      LEFT JOIN report_marks m ON m.chain = p.chain LEFT JOIN {_UNNEST.replace(" h(", " n(")} ON n.chain = p.chain
      WHERE p.log_seq <= COALESCE(n.head, m.log_seq, 0) GROUP BY 1, 2, 3)
SELECT {SPAN_OF.format(d="d")}, office, prev, sum(sign) FROM (SELECT d, office, {_PRICED_BY} AS prev, 1 AS sign FROM r
    UNION ALL SELECT d, office, {_PRICED_BY}, -1 FROM r WHERE before) d GROUP BY 1, 2, 3 HAVING sum(sign) <> 0"""
# every folded row's (a database folded before the spans were kept; the check)
_PRICED_FOLDED = f"""WITH r AS (SELECT p.asset_id, COALESCE(p.office, '-') AS office, p.business_date AS d
    FROM audit_log p WHERE p.trigger = ANY(:priced) AND {_folded('p')} GROUP BY 1, 2, 3)
SELECT {SPAN_OF.format(d="d")}, office, prev, count(*) FROM (SELECT d, office, {_PRICED_BY} AS prev FROM r) d
GROUP BY 1, 2, 3"""


def _priced_units(conn, units: tuple, p: dict, batch: dict | None) -> None:
    """Add to ``units`` (months, spans) the priced entries the batch changes (``batch``: chains,
    marks, heads), or, without one, those of every folded row."""
    sql = text(_PRICED_FOLDED if batch is None else _PRICED_BATCH).bindparams(bindparam("priced"))
    months, spans = units
    for span, office, prev, n in conn.execute(sql, {"priced": list(p["priced"]), **(batch or {})}):
        add_hist(spans, (span, "o", office, 0, "priced", ""), {str(prev): int(n)})
        add_hist(months, (span // 10, "o", office, 0, "priced", ""), {str(prev): int(n)})


def folded_units(conn, p: dict) -> tuple[dict, dict]:
    """The kept months and ten-day spans of every folded row, from the log: their stages and
    triggers grouped again, their assets priced (:func:`_priced_units`), their sales as the fold
    keeps them (:data:`_FOLDED_SALES`). A fold fills ``report_months`` and ``report_spans`` with it
    once on a database folded before the spans were kept; ``check`` compares with it."""
    rows = conn.execute(_statement(_FOLDED, True, keep_sales=False), p)
    units = pack(r for r in rows if r[0] in ("stage", "trig"))[1]
    for into, got in zip(units, pack(conn.execute(_FOLDED_SALES))[1]):
        for key, h in got.items():
            add_hist(into, key, h)
    _priced_units(conn, units, p, None)
    return units


def _columns(keys) -> dict:
    return dict(zip("ygoups", (list(c) for c in zip(*keys)))) if keys else dict.fromkeys("ygoups", [])


def dumps(hist: dict) -> str:
    return json.dumps({k: v for k, v in sorted(hist.items()) if v}, separators=(",", ":"))


def _write(conn, table: str, kept: dict, empty: bool) -> int:
    """Add ``kept`` to the rows of ``table`` (read, add, write back); COPY into an empty table
    (binding a million keys as arrays cost more than the grouping). How many rows were written."""
    read, write, copy_sql = TABLES[table]
    keys = sorted(kept)
    if keys and empty:
        with conn.connection.driver_connection.cursor() as cur, cur.copy(copy_sql) as copy:
            for k in keys:
                copy.write_row((*k, dumps(kept[k])))
    elif keys:
        for y, g, o, u, p_, s, packed in conn.execute(read, _columns(keys)).all():
            add_hist(kept, (y, g, o, u, p_, s), json.loads(packed))
        conn.execute(write, {**_columns(keys), "packed": [dumps(kept[k]) for k in keys]})
    return len(keys)


def fold(conn, counted, priced, voiding, until: dict | None = None, also=None, refill=None) -> dict:
    """Fold every committed row past the marks, in ``conn``'s transaction (the caller commits).
    ``until`` ({chain: position}): those chains only, up to there at most (the benchmark's tail).
    ``also(conn, batch, params, first)``: other kept answers folded from the same batch before the
    marks move (:mod:`kept_org`). ``refill(conn, params)``, when no row is past the marks: those
    answers a revision emptied filled from the folded rows (else a quiet database, which writes no
    row, would read them live for ever); it returns how many kept rows it wrote.
    A database folded before ``report_spans`` existed has its folded rows' months and spans kept
    first (:func:`folded_units`; its months are kept again: revision 0027 emptied them, their priced
    entries being keyed by month then), under the same lock. Returns {"rows": audit rows past the
    marks folded, "added": kept rows written (years, months and spans), "marks": {chain: position}}."""
    conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": LOCK})
    first, empty, no_spans = conn.execute(text(
        "SELECT NOT EXISTS (SELECT 1 FROM report_marks), NOT EXISTS (SELECT 1 FROM report_years), "
        "NOT EXISTS (SELECT 1 FROM report_spans) AND NOT EXISTS (SELECT 1 FROM report_months)")).one()
    pending = conn.execute(_PENDING).all()
    if until is not None:
        pending = [(c, m, min(h, until[c])) for c, m, h in pending if c in until and until[c] > m]
    fill = no_spans and not first  # folded before the spans were kept: its months and spans from the log
    if not pending and not fill:
        added = refill(conn, params(counted, priced, voiding)) if refill is not None and not first else 0
        return {"rows": 0, "added": added, "marks": {}}
    chains, marks, heads = ([r[i] for r in pending] for i in range(3))
    batch, p = {"chains": chains, "marks": marks, "heads": heads}, params(counted, priced, voiding)
    before = folded_units(conn, p) if fill else None
    kept, units = pack(conn.execute(_statement(_UNNEST, first, keep_sales=True), {**p, **batch}))
    for into, got in zip(units, before or ()):
        for key, h in got.items():
            add_hist(into, key, h)
    _priced_units(conn, units, p, batch)
    if not first:
        _again(conn, kept, units, batch, {"after_sale": p["after_sale"], "voiding": p["voiding"]})
    added = (_write(conn, "report_years", kept, empty) + _write(conn, "report_months", units[0], no_spans)
             + _write(conn, "report_spans", units[1], no_spans))
    if also is not None:
        also(conn, batch, p, first)
    conn.execute(_MOVE, {"chains": chains, "heads": heads})
    if (first or no_spans) and added:  # the planner's statistics for the reports' first reads
        for table in ("report_years", "report_months", "report_spans", "report_sales"):
            conn.execute(text(f"ANALYZE {table}"))
    return {"rows": sum(h - m for _, m, h in pending), "added": added, "marks": dict(zip(chains, heads))}


# The most rows past the marks a report reads as its live tail: an hourly fold leaves an hour's
# steps (a country writes ~600 an hour at full size). When the folds have stopped, the report
# reads the period's rows as before instead of a growing tail.
TAIL_LIMIT = 100_000

_STATE = text("SELECT count(m.chain), COALESCE(sum(h.log_seq - COALESCE(m.log_seq, 0)), 0) FROM audit_heads h "
              "LEFT JOIN report_marks m ON m.chain = h.chain")


def usable(conn) -> bool:
    """Whether a report reads the kept rows and the tail: some chain was folded (else the reports
    read the log as before) and the rows past the marks are at most :data:`TAIL_LIMIT`."""
    marks, pending = conn.execute(_STATE).one()
    return marks > 0 and pending <= TAIL_LIMIT


# the groupings a period other than a reporting year reads from the kept months and spans
MONTH_BY = ("office",) + (("officer",) if "u" in MONTH_GRAINS else ())
_MONTHS_KEPT = text("SELECT EXISTS (SELECT 1 FROM report_spans) OR NOT EXISTS (SELECT 1 FROM report_years)")


def usable_months(conn) -> bool:
    """As :func:`usable`, for the kept months and spans: and they were kept (a database folded
    before ``report_spans`` existed has none until its next fold fills them)."""
    return usable(conn) and conn.execute(_MONTHS_KEPT).scalar()


_KEPT_SALES = text("SELECT year, office, officer, count(*), sum(realised), sum(appraised) FROM report_sales "
                   "GROUP BY 1, 2, 3")


def check(conn, counted, priced, voiding):
    """None when the kept rows are the folded rows of the log, grouped again; else the first
    (year, grain, office, officer, part, sub) that differs, or (month, ...) of ``report_months``
    (a month is YYYYMM), or (span, ...) of ``report_spans`` (YYYYMMD). The sales are checked by how
    many there are per group (whether one was cancelled may have changed with rows past the marks),
    and the kept sales not cancelled against ``report_sales``; per month and span, both kinds as
    :data:`_FOLDED_SALES` gives them too."""
    p = params(counted, priced, voiding)
    log, log_units = pack(conn.execute(_statement(_FOLDED, True, keep_sales=False), p))
    kept = {tuple(r[:6]): json.loads(r[6]) for r in conn.execute(text(
        "SELECT year, grain, office, officer, part, sub, packed FROM report_years"))}
    frozen = pack(("sale", y, None, o, u, "k", None, n, x, yy) for y, o, u, n, x, yy in conn.execute(_KEPT_SALES))[0]
    def nz(d: dict, key) -> dict:
        return {k: v for k, v in d.get(key, {}).items() if v}

    def sold(d: dict, key) -> int:
        return sum(d.get((*key[:5], kind), {}).get("n", 0) for kind in ("c", "k"))

    for key in sorted(set(log) | set(kept), key=lambda k: tuple(map(str, k))):
        if key[4] == "sale":
            if (key[5] == "k" and nz(kept, key) != nz(frozen, key)) or sold(log, key) != sold(kept, key):
                return key
        elif nz(log, key) != nz(kept, key):
            return key
    for table, unit, log_units, units in zip(("report_months", "report_spans"), ("month", "span"), log_units,
                                             folded_units(conn, p)):
        kept = {tuple(r[:6]): json.loads(r[6]) for r in conn.execute(text(
            f"SELECT {unit}, grain, office, officer, part, sub, packed FROM {table}"))}
        for key in sorted(set(log_units) | set(units) | set(kept), key=lambda k: tuple(map(str, k))):
            if nz(units, key) != nz(kept, key) or (key[4] == "sale" and sold(log_units, key) != sold(kept, key)):
                return key
    return None
