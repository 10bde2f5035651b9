"""Issue 16, by officer over a period other than a reporting year: a probe of kept officer units
packed as number arrays (not JSON) and merged with numpy (docs/performance-notes.md "Stop 26").

``build`` writes ``probe_units`` (kind 'm' month YYYYMM, 's' ten-day span YYYYMMD, 'd' day YYYYMMDD;
office; ``keys`` and ``counts``: big-endian int64 arrays) from the whole log, each entry one
(officer, part, value) -> count: a state left and its days, a counted trigger and its delay, the
sales ('c' n; 'k' n, realised, appraised as counts), the pricing entries (an asset priced by an
officer on a day) by the day the same officer last priced the asset before (as kept.py keeps them
per office). ``measure`` reads a period as its plan's months and spans (kept_periods.plan), its
edge days either read live (grouped by officer) or from the kept days, merges with numpy, and
compares every figure with pg_pass.run by officer (a difference is printed as DIFFERS); timed,
interleaved, against the bare GROUP BY of the period's rows. ``rows`` writes ``probe_rows``, the
per-row values the live statement computes as narrow columns by date, and ``measure`` times the
live statement's grouping over them too. Nothing is maintained by a fold: the tables are the log's
at build time (the bench's database with --only none), dropped with the database.

    python bench/probe_officer_units.py --name af_x build    # probe_units (~2.5 min at scale 1)
    python bench/probe_officer_units.py --name af_x rows     # probe_rows (~45 s)
    python bench/probe_officer_units.py --name af_x measure  # the bench's periods, the country
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics as st
import sys
import time
from collections import defaultdict

import numpy as np
import psycopg
from sqlalchemy import create_engine, text

sys.path.insert(0, "bench")
from auction_flow.features.reports import kept, kept_periods, pg_pass  # noqa: E402
from auction_flow.features.reports import service as reports  # noqa: E402

PERIODS = (("a month", "2026-06-01", "2026-06-30"), ("a quarter", "2026-04-01", "2026-06-30"),
           ("Oct 1 .. a month end", "2025-10-01", "2026-08-31"), ("a ragged period", "2026-04-15", "2026-07-20"),
           ("ragged, 10 edge days live", "2026-04-06", "2026-07-26"))
TRIG, SALE_C, SALE_KN, SALE_KX, SALE_KY, PRICED = 100, 200, 201, 202, 203, 210
NULL = -(2 ** 31)
DELAY = pg_pass.DELAY.replace("%", "%%")
P = kept.params(reports.COUNTED, reports.PRICED, reports.voiding_triggers())


def key_sql(officer, code, value):
    return (f"(((({officer})::bigint + 1) << 40) | (({code})::bigint << 32) | "
            f"(COALESCE(({value})::bigint, {NULL}) + {2 ** 31}))")


def build(conninfo):
    with psycopg.connect(conninfo, autocommit=True) as c:
        c.execute("SET work_mem = '256MB'")
        states = [r[0] for r in c.execute("SELECT DISTINCT from_state FROM audit_log WHERE from_state <> to_state "
                                          "ORDER BY 1")]
        trigs = sorted(reports.COUNTED)
        c.execute("DROP TABLE IF EXISTS probe_codes, probe_day, probe_units")
        c.execute("CREATE TABLE probe_codes (name text, code int)")
        c.cursor().executemany("INSERT INTO probe_codes VALUES (%s, %s)", [(s, i + 1) for i, s in enumerate(states)]
                      + [("t:" + t, TRIG + i) for i, t in enumerate(trigs)])
        t0 = time.perf_counter()
        b = (f"SELECT a.business_date AS d, COALESCE(a.office, '-') AS office, COALESCE(a.officer_id, 0) AS officer, "
             f"a.id, a.asset_id, a.seq, a.trigger, CASE WHEN {pg_pass.LEFT} THEN a.from_state END AS stage, "
             f"CASE WHEN {pg_pass.LEFT} THEN {pg_pass.STAGE_DAYS} END AS days, "
             f"CASE WHEN a.trigger = ANY(%(counted)s) THEN {DELAY} END AS delay FROM audit_log a "
             f"WHERE {pg_pass.LEFT} OR a.trigger = ANY(%(wanted)s)")
        c.execute(f"""CREATE UNLOGGED TABLE probe_day AS WITH b AS MATERIALIZED ({b}),
s AS MATERIALIZED (SELECT b.*, CASE WHEN (SELECT n.trigger FROM audit_log n WHERE n.asset_id = b.asset_id
    AND n.seq > b.seq AND n.trigger = ANY(%(after_sale)s) ORDER BY n.seq LIMIT 1) = ANY(%(voiding)s) THEN 'c'
    ELSE 'k' END AS kind FROM b WHERE b.trigger = 'record_sale'),
e AS (SELECT DISTINCT d, office, officer, asset_id FROM b WHERE trigger = ANY(%(priced)s))
SELECT d, office, {key_sql('officer', 'c.code', 'days')} AS key, count(*)::bigint AS n FROM b
JOIN probe_codes c ON c.name = b.stage GROUP BY 1, 2, 3
UNION ALL
SELECT d, office, {key_sql('officer', 'c.code', 'delay')}, count(*) FROM b JOIN probe_codes c
ON c.name = 't:' || b.trigger GROUP BY 1, 2, 3
UNION ALL
SELECT d, office, {key_sql('officer', SALE_C, 0)}, count(*) FROM s WHERE kind = 'c' GROUP BY 1, 2, 3
UNION ALL
SELECT s.d, s.office, {key_sql('s.officer', 'x.code', 0)}, CASE x.code WHEN {SALE_KN} THEN count(*)
    WHEN {SALE_KX} THEN sum(COALESCE(t.sale_price, 0)) ELSE sum(COALESCE(t.appraised_price, 0)) END::bigint
FROM s JOIN assets t ON t.id = s.asset_id CROSS JOIN (VALUES ({SALE_KN}), ({SALE_KX}), ({SALE_KY})) x(code)
WHERE s.kind = 'k' GROUP BY 1, 2, 3, x.code
UNION ALL
SELECT d, office, {key_sql('officer', PRICED, 'prev')}, count(*) FROM (SELECT d, office, officer,
    lag({kept.DAY_OF.format(d='d')}, 1, 0) OVER (PARTITION BY asset_id, officer ORDER BY d) AS prev FROM e) e
GROUP BY 1, 2, 3""", P)
        t1 = time.perf_counter()
        span = kept.SPAN_OF.format(d="d")
        c.execute(f"""CREATE TABLE probe_units AS
SELECT kind, unit, office, string_agg(int8send(key), ''::bytea ORDER BY key) AS keys,
       string_agg(int8send(n), ''::bytea ORDER BY key) AS counts
FROM (SELECT 'd' AS kind, {kept.DAY_OF.format(d='d')} AS unit, office, key, sum(n)::bigint AS n FROM probe_day
      GROUP BY 1, 2, 3, 4
      UNION ALL SELECT 's', {span}, office, key, sum(n)::bigint FROM probe_day GROUP BY 1, 2, 3, 4
      UNION ALL SELECT 'm', {span} / 10, office, key, sum(n)::bigint FROM probe_day GROUP BY 1, 2, 3, 4) u
WHERE n <> 0 GROUP BY 1, 2, 3""")
        c.execute("ALTER TABLE probe_units ADD PRIMARY KEY (kind, unit, office)")
        c.execute("ANALYZE probe_units")
        t2 = time.perf_counter()
        print(f"built: day entries {t1 - t0:.1f} s, units {t2 - t1:.1f} s", flush=True)
        for kind, rows, entries, size in c.execute(
                "SELECT kind, count(*), sum(length(keys)) / 8, pg_size_pretty(sum(pg_column_size(keys) + "
                "pg_column_size(counts))) FROM probe_units GROUP BY 1 ORDER BY 1"):
            print(f"  kind {kind}: {rows:,} rows, {entries:,} entries, {size} (packed, as stored)")
        print("  probe_units on disk:", c.execute("SELECT pg_size_pretty(pg_total_relation_size('probe_units')), "
                                                  "(SELECT count(*) FROM audit_log)").fetchone())


def build_rows(conninfo):
    """``probe_rows``: the per-row values the live statement computes (a state left and its days, a
    counted trigger and its delay, a sale's kind and prices as classified now), one narrow row per
    audit row that has any, by business date: what 'the live statement reads columns' would read."""
    with psycopg.connect(conninfo, autocommit=True) as c:
        c.execute("SET work_mem = '256MB'")
        b = (f"SELECT a.business_date AS d, COALESCE(a.officer_id, 0) AS officer, a.asset_id, a.seq, a.trigger, "
             f"CASE WHEN {pg_pass.LEFT} THEN a.from_state END AS stage, "
             f"CASE WHEN {pg_pass.LEFT} THEN {pg_pass.STAGE_DAYS} END AS days, "
             f"CASE WHEN a.trigger = ANY(%(counted)s) THEN {DELAY} END AS delay FROM audit_log a "
             f"WHERE {pg_pass.LEFT} OR a.trigger = ANY(%(wanted)s)")
        t0 = time.perf_counter()
        c.execute("DROP TABLE IF EXISTS probe_rows")
        c.execute(f"""CREATE TABLE probe_rows AS WITH b AS MATERIALIZED ({b})
SELECT b.d, b.officer, sc.code::smallint AS stage, b.days::int AS days, tc.code::smallint AS trig,
       b.delay::int AS delay,
       CASE WHEN b.trigger = ANY(%(priced)s) THEN b.asset_id END AS priced,
       CASE WHEN b.trigger = 'record_sale' THEN CASE WHEN (SELECT n.trigger FROM audit_log n
    WHERE n.asset_id = b.asset_id AND n.seq > b.seq AND n.trigger = ANY(%(after_sale)s) ORDER BY n.seq LIMIT 1)
    = ANY(%(voiding)s) THEN 'c' ELSE 'k' END END AS sale,
       CASE WHEN b.trigger = 'record_sale' THEN (SELECT t.sale_price FROM assets t WHERE t.id = b.asset_id)
       END AS x,
       CASE WHEN b.trigger = 'record_sale' THEN (SELECT t.appraised_price FROM assets t WHERE t.id = b.asset_id)
       END AS y
FROM b LEFT JOIN probe_codes sc ON sc.name = b.stage LEFT JOIN probe_codes tc ON tc.name = 't:' || b.trigger
ORDER BY b.d""", P)
        c.execute("CREATE INDEX ON probe_rows (d)")
        c.execute("ANALYZE probe_rows")
        print(f"probe_rows built in {time.perf_counter() - t0:.1f} s:", c.execute(
            "SELECT count(*), pg_size_pretty(pg_total_relation_size('probe_rows')) FROM probe_rows").fetchone())


ROWS_SQL = """WITH r AS MATERIALIZED (SELECT * FROM probe_rows WHERE d BETWEEN %(s)s AND %(e)s)
SELECT 'stage', officer, stage, count(*), max(days), percentile_cont(0.5) WITHIN GROUP (ORDER BY days), NULL::numeric
FROM r WHERE stage IS NOT NULL GROUP BY officer, stage
UNION ALL SELECT 'days', stage, days, count(*), NULL, NULL, NULL FROM r WHERE stage IS NOT NULL GROUP BY stage, days
UNION ALL SELECT 'count', officer, trig, count(*), count(*) FILTER (WHERE delay <= 0),
    count(*) FILTER (WHERE delay > 0), NULL FROM r WHERE trig IS NOT NULL GROUP BY officer, trig
UNION ALL SELECT 'late', officer, NULL, count(*), max(delay), percentile_cont(0.5) WITHIN GROUP (ORDER BY delay), NULL
    FROM r WHERE trig = %(ho)s AND delay > 0 GROUP BY GROUPING SETS ((officer), ())
UNION ALL SELECT 'priced', officer, NULL, count(*), NULL, NULL, NULL FROM (SELECT DISTINCT officer, priced FROM r
    WHERE priced IS NOT NULL) p GROUP BY officer
UNION ALL SELECT 'sale', officer, NULL, count(*), NULL, sum(x), sum(y) FROM r WHERE sale IS NOT NULL
    GROUP BY officer, sale"""


# ---- the read

def _entries(rows):
    ks, cs = [], []
    for sign, k, c in rows:
        ks.append(np.frombuffer(k, ">i8").astype(np.int64))
        cs.append(np.frombuffer(c, ">i8").astype(np.int64) * sign)
    return ks, cs


def _reduce(keys, counts):
    order = np.argsort(keys, kind="stable")
    keys, counts = keys[order], counts[order]
    if not len(keys):
        return keys, counts
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    keys, counts = keys[starts], np.add.reduceat(counts, starts)
    nz = counts != 0
    return keys[nz], counts[nz]


def _medians(groups, values, counts):
    """Sorted by (group, value), counts > 0: per group (group, median, n, worst)."""
    if not len(groups):
        return []
    starts = np.flatnonzero(np.r_[True, groups[1:] != groups[:-1]])
    ends = np.r_[starts[1:], len(groups)]
    cum = np.cumsum(counts)
    before = cum[starts] - counts[starts]
    n = cum[ends - 1] - before
    lo = np.searchsorted(cum, before + (n - 1) // 2, side="right")
    hi = np.searchsorted(cum, before + n // 2, side="right")
    med = (values[lo] + values[hi]) / 2
    return zip(groups[starts].tolist(), med.tolist(), n.tolist(), values[ends - 1].tolist())


def _sums(groups, counts):
    """Sorted groups: [(group, sum of its counts)]."""
    if not len(groups):
        return []
    starts = np.flatnonzero(np.r_[True, groups[1:] != groups[:-1]])
    return zip(groups[starts].tolist(), np.add.reduceat(counts, starts).tolist())


def _num(v):
    return int(v) if float(v).is_integer() else v


def answer(keys, counts, users, codes, first_day):
    """pg_pass.run's (out, late, late_total, per_stage, stage_total) from the merged entries."""
    keys, counts = _reduce(keys, counts)
    name = {i: users.get(i - 1, "-") for i in np.unique(keys >> 40).tolist()}
    code = (keys >> 32) & 0xFF
    value = (keys & 0xFFFFFFFF) - 2 ** 31
    out, late, per_stage = defaultdict(dict), {}, {}
    stage = code < TRIG
    for g, med, n, worst in _medians(keys[stage] >> 32, value[stage], counts[stage]):
        per_stage[(name[g >> 8], codes[g & 0xFF])] = (_num(med), n, worst)
    # the totals' medians: the same entries without the officer
    k2, c2 = _reduce(keys[stage] & (2 ** 40 - 1), counts[stage])
    stage_total = {codes[g]: _num(m) for g, m, _, _ in _medians(k2 >> 32, (k2 & 0xFFFFFFFF) - 2 ** 31, c2)}
    trig = (code >= TRIG) & (code < SALE_C)
    tg = keys[trig] >> 32
    tv, tc = value[trig], counts[trig]
    starts = np.flatnonzero(np.r_[True, tg[1:] != tg[:-1]]) if len(tg) else np.array([], int)
    sums = np.add.reduceat(tc, starts) if len(tg) else []
    for g, n in zip(tg[starts].tolist(), np.asarray(sums).tolist()):
        grp = out[name[g >> 8]]
        trigger = codes[g & 0xFF][2:]
        for k in reports.COUNTED[trigger]:
            grp[k] = grp.get(k, 0) + n
    ho = codes_inv["t:hand_over"]
    h = (code == ho) & (value != NULL)
    for mask, field in ((h & (value <= 0), "handed_over_on_time"), (h & (value > 0), "handed_over_late")):
        for o, n in _sums(keys[mask] >> 40, counts[mask]):
            out[name[o]][field] = n
    for o in np.unique(keys[h] >> 40).tolist():
        for field in ("handed_over_on_time", "handed_over_late"):
            out[name[o]].setdefault(field, 0)
    lt = h & (value > 0)
    for g, med, n, worst in _medians(keys[lt] >> 40, value[lt], counts[lt]):
        late[name[g]] = (_num(med), worst)
    k3, c3 = _reduce(keys[lt] & (2 ** 40 - 1), counts[lt])
    lt_tot = list(_medians(np.zeros(len(k3), np.int64), (k3 & 0xFFFFFFFF) - 2 ** 31, c3))
    late_total = (_num(lt_tot[0][1]), lt_tot[0][3]) if lt_tot else (None, None)
    money = code >= SALE_C
    for o in np.unique(keys[money] >> 40).tolist():
        grp = out[name[o]]
        for k in ("priced", "sold", "cancelled", "realised", "appraised"):
            grp.setdefault(k, 0)
    for mask, fields in (((code == PRICED) & (value < first_day), ("priced",)), (code == SALE_C, ("sold", "cancelled")),
                         (code == SALE_KN, ("sold",)), (code == SALE_KX, ("realised",)),
                         (code == SALE_KY, ("appraised",))):
        for o, n in _sums(keys[mask] >> 40, counts[mask]):
            grp = out[name[o]]
            for f in fields:
                grp[f] += n
    return out, late, late_total, per_stage, stage_total


codes_inv: dict = {}

_UNITS = text("SELECT u.kind, u.unit, u.keys, u.counts FROM probe_units u JOIN unnest(CAST(:kinds AS text[]), "
              "CAST(:units AS int[])) AS w(kind, unit) USING (kind, unit)")
_EDGE_PRICED = """SELECT e.officer, e.d, count(*) FROM (SELECT DISTINCT COALESCE(a.officer_id, 0) AS officer,
    a.asset_id, a.business_date AS d FROM audit_log a WHERE a.trigger = ANY(:priced)
    AND a.business_date BETWEEN :start AND :end) e
WHERE NOT EXISTS (SELECT 1 FROM audit_log q WHERE q.asset_id = e.asset_id AND q.trigger = ANY(:priced)
                  AND COALESCE(q.officer_id, 0) = e.officer AND q.business_date >= :first AND q.business_date < e.d)
GROUP BY 1, 2"""


def _edge_sql():
    sql = str(kept.edge_statement(False).compile(compile_kwargs={}))
    sql = sql.replace(" 0 AS officer", " COALESCE(a.officer_id, 0) AS officer")
    return text(sql)


def read(conn, start, end, users, codes, days_kept: bool, timing: dict):
    the = kept_periods.plan(start, end)
    units = [("m", m, s) for m, s in the.months.items()] + [("s", u, s) for u, s in the.spans.items()]
    live = list(the.live)
    if days_kept:
        for a, b, s in live:
            d = a
            while d <= b:
                units.append(("d", kept_periods._day(d), s))
                d += dt.timedelta(days=1)
        live = []
    sign = {(k, u): s for k, u, s in units}
    t0 = time.perf_counter()
    rows = conn.execute(_UNITS, {"kinds": [u[0] for u in units], "units": [u[1] for u in units]}).all()
    ks, cs = _entries((sign[(k, u)], keys, counts) for k, u, keys, counts in rows)
    t1 = time.perf_counter()
    first = kept_periods._day(start)
    for a, b, s in live:
        ek, ec = [], []
        for part, _, _, office, officer, sub, value, n, x, y in conn.execute(_EDGE, {
                **{k: P[k] for k in ("counted", "wanted", "after_sale", "voiding")}, "start": a, "end": b}):
            if part == "stage":
                ek.append(((officer + 1) << 40) | (codes_inv[sub] << 32) | (int(value) + 2 ** 31)); ec.append(int(n))
            elif part == "trig":
                v = NULL if value is None else int(value)
                ek.append(((officer + 1) << 40) | (codes_inv["t:" + sub] << 32) | (v + 2 ** 31)); ec.append(int(n))
            elif sub == "c":
                ek.append(((officer + 1) << 40) | (SALE_C << 32) | 2 ** 31); ec.append(int(n))
            else:
                for cd, v in ((SALE_KN, n), (SALE_KX, x), (SALE_KY, y)):
                    ek.append(((officer + 1) << 40) | (cd << 32) | 2 ** 31); ec.append(int(v))
        for officer, d, n in conn.execute(text(_EDGE_PRICED), {"priced": P["priced"], "start": a, "end": b,
                                                                "first": start}):
            ek.append(((officer + 1) << 40) | (PRICED << 32) | (0 + 2 ** 31)); ec.append(int(n))
        ks.append(np.array(ek, np.int64)); cs.append(np.array(ec, np.int64) * s)
    t2 = time.perf_counter()
    res = answer(np.concatenate(ks), np.concatenate(cs), users, codes, first)
    t3 = time.perf_counter()
    timing.update(units=len(rows), fetch=t1 - t0, live=t2 - t1, merge=t3 - t2,
                  entries=sum(len(k) for k in ks))
    return res


_EDGE = None


def measure(conninfo, url, rounds):
    global _EDGE
    eng = create_engine(url)
    _EDGE = _edge_sql()
    with eng.connect() as conn:
        users = dict(conn.execute(text("SELECT id, username FROM users")).all())
        codes = dict((c, n) for n, c in conn.execute(text("SELECT name, code FROM probe_codes")).all())
        codes_inv.update({n: c for c, n in codes.items()})
        print("probe_units:", conn.execute(text("SELECT pg_size_pretty(pg_total_relation_size('probe_units'))"))
              .scalar(), flush=True)
    for what, a, b in PERIODS:
        start, end = dt.date.fromisoformat(a), dt.date.fromisoformat(b)

        def bare():
            with psycopg.connect(conninfo) as c:
                c.execute("SELECT office, trigger, count(*) FROM audit_log WHERE business_date BETWEEN %s AND %s "
                          "GROUP BY office, trigger", (start, end)).fetchall()

        def live():
            out = defaultdict(dict)
            with eng.connect() as conn:
                conn.exec_driver_sql("SELECT set_config('jit', 'off', false), set_config('work_mem', '64MB', false)")
                r = pg_pass.run(conn, "officer", start, end, None, counted=reports.COUNTED, priced=reports.PRICED,
                                voiding=tuple(P["voiding"]), out=out, median_of=reports._median)
            return (out, *r)

        def probe(days_kept, timing):
            with eng.connect() as conn:
                conn.exec_driver_sql("SELECT set_config('jit', 'off', false), set_config('work_mem', '64MB', false)")
                return read(conn, start, end, users, codes, days_kept, timing)

        def norm(r):
            out, late, late_total, per_stage, stage_total = r
            return ({k: {f: v for f, v in g.items() if v} for k, g in out.items() if any(g.values())}, late,
                    late_total, per_stage, stage_total)

        t0 = time.perf_counter(); ref = norm(live()); t_live = time.perf_counter() - t0
        for days_kept in (False, True):
            got = norm(probe(days_kept, {}))
            if got != ref:
                for i, (x, y) in enumerate(zip(got, ref)):
                    if x != y:
                        if isinstance(x, dict):
                            diff = [(k, x.get(k), y.get(k)) for k in set(x) | set(y) if x.get(k) != y.get(k)][:3]
                        else:
                            diff = (x, y)
                        print(f"  DIFFERS part {i}: {diff}")
        def rows_read():
            with psycopg.connect(conninfo) as c:
                c.execute("SET jit = off; SET work_mem = '64MB'")
                c.execute(ROWS_SQL, {"s": start, "e": end, "ho": codes_inv["t:hand_over"]}).fetchall()

        times = {"bare": [], "edges live": [], "days kept": [], "rows": []}
        tims = {}
        for _ in range(rounds):  # interleaved
            for label, fn in (("bare", bare), ("edges live", lambda: probe(False, tims.setdefault("l", {}))),
                              ("days kept", lambda: probe(True, tims.setdefault("d", {}))), ("rows", rows_read)):
                t = time.perf_counter(); fn(); times[label].append(time.perf_counter() - t)
        m = {k: st.median(v) for k, v in times.items()}
        with psycopg.connect(conninfo) as c:
            rows = c.execute("SELECT count(*) FROM audit_log WHERE business_date BETWEEN %s AND %s",
                             (start, end)).fetchone()[0]
        print(f"{what} {a}..{b} ({rows:,} rows): bare {m['bare']:.2f} s; edges live {m['edges live']:.2f} s "
              f"{m['edges live'] / m['bare']:.2f}x {tims['l']}; days kept {m['days kept']:.2f} s "
              f"{m['days kept'] / m['bare']:.2f}x {tims['d']}; live statement {t_live:.2f} s "
              f"{t_live / m['bare']:.2f}x; narrow per-row table {m['rows']:.2f} s {m['rows'] / m['bare']:.2f}x",
              flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--name", required=True)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("what", choices=("build", "rows", "measure"))
    a = ap.parse_args()
    conninfo = f"host=127.0.0.1 user=postgres dbname={a.name}"
    url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{a.name}"
    {"build": build, "rows": build_rows}[a.what](conninfo) if a.what != "measure" else measure(conninfo, url, a.rounds)


if __name__ == "__main__":
    main()
