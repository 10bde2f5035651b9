"""PostgreSQL: the reports' kept rollup, so a report costs the days of its period, not its rows (issue 16).

``report_days`` holds, per business day, office and officer, the histograms the figures of the
audit trail are made of: for each state left, how many rows spent how many days in it ('stage');
for each counted trigger, how many rows, by the handover's delay ('trig'). ``report_marks`` holds,
per chain of the log, the last position folded.

* :func:`fold` (``report rollup``, and the scheduler hourly) takes a transaction-level advisory
  lock (two folds queue, never count a row twice), reads each chain's committed head from
  ``audit_heads`` (READ COMMITTED: every row at or below a committed head is committed, since a
  chain's writers hold its head's row lock until they commit), inserts the GROUP BY of the rows
  between its mark and its head, read per chain through (chain, log_seq), and moves the marks.
  A row is folded exactly when ``log_seq <= mark``, whatever its business date (imports and
  back-dated steps included): a later fold adds it to its own day.
* :func:`histograms` is what a report reads instead of the period's rows: the rollup rows of the
  period and offices, summed, plus the live tail (the rows past their chain's mark, read per chain
  from the mark), in ONE statement (one snapshot: a fold committing meanwhile is seen whole or not
  at all). The per-row values are :data:`pg_pass.STAGE_DAYS` and :data:`pg_pass.DELAY`, the very
  SQL the one-pass statement groups, and days and delays are whole numbers: the medians from the
  summed histograms are exact, equal to ``percentile_cont``'s.
* :func:`check` recomputes the histograms of every folded row from the log and compares them with
  the sums kept (an altered, added or deleted rollup row shows).

What does not roll up stays a look-up: the assets priced (distinct assets), the sales and their
later cancellation, and the prices (the asset's current ones); the groupings by auction or
appraisal organisation (the asset's current column). SQLite (one office, small) reads the log.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from sqlalchemy import bindparam, text

from auction_flow.features.reports.pg_pass import DELAY, LEFT, STAGE_DAYS

LOCK = 0x16_0F01D  # pg_advisory_xact_lock key of the fold (issue 16's fold)
ANALYZE_AFTER = 10_000  # rollup rows added by one fold past which the fold refreshes the table's statistics

# per audit row ``a``: one ('stage', state left, days) and one ('trig', counted trigger, delay); the
# one that does not apply has a NULL sub and is dropped
_PARTS = (f"CROSS JOIN LATERAL (VALUES ('stage', CASE WHEN {LEFT} THEN a.from_state END, {STAGE_DAYS}), "
          f"('trig', CASE WHEN a.trigger = ANY(:counted) THEN a.trigger END, {DELAY})) v(part, sub, value)")
_WANTED = f"({LEFT} OR a.trigger = ANY(:counted))"


def _folded_rows(rows_of: str) -> str:
    """The GROUP BY (day, office, officer, part, sub, value) of the rows ``rows_of`` selects (from
    ``h``: chain, mark, head)."""
    return (f"SELECT a.business_date AS day, a.office, a.officer_id, v.part, v.sub, v.value, count(*) AS n "
            f"FROM {rows_of} CROSS JOIN LATERAL (SELECT * FROM audit_log a WHERE a.chain = h.chain "
            f"AND a.log_seq > h.mark AND a.log_seq <= h.head AND {_WANTED}) a {_PARTS} "
            "WHERE v.sub IS NOT NULL GROUP BY 1, 2, 3, 4, 5, 6")


_FOLD = text("INSERT INTO report_days (day, office, officer_id, part, sub, value, n) "
             + _folded_rows("unnest(CAST(:chains AS text[]), CAST(:marks AS int[]), CAST(:heads AS int[])) "
                            "AS h(chain, mark, head)")).bindparams(bindparam("counted"))
_MOVE = text("INSERT INTO report_marks (chain, log_seq) SELECT * FROM unnest(CAST(:chains AS text[]), "
             "CAST(:heads AS int[])) ON CONFLICT (chain) DO UPDATE SET log_seq = EXCLUDED.log_seq")
_PENDING = text("SELECT h.chain, COALESCE(m.log_seq, 0), h.log_seq FROM audit_heads h "
                "LEFT JOIN report_marks m ON m.chain = h.chain WHERE h.log_seq > COALESCE(m.log_seq, 0) ORDER BY 1")


def fold(conn, counted, until: dict | None = None) -> dict:
    """Fold every committed row past the marks, in ``conn``'s transaction (the caller commits).
    ``until`` ({chain: position}): fold those chains only, up to there at most (the benchmark's
    tail). Returns {"rows": audit rows folded, "added": rollup rows inserted, "marks": {chain: position}}."""
    conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": LOCK})
    pending = conn.execute(_PENDING).all()
    if until is not None:
        pending = [(c, m, min(h, until[c])) for c, m, h in pending if c in until and until[c] > m]
    if not pending:
        return {"rows": 0, "added": 0, "marks": {}}
    chains, marks, heads = ([r[i] for r in pending] for i in range(3))
    added = conn.execute(_FOLD, {"chains": chains, "marks": marks, "heads": heads,
                                 "counted": sorted(counted)}).rowcount
    conn.execute(_MOVE, {"chains": chains, "heads": heads})
    if added > ANALYZE_AFTER:  # a first fold or a long pause: without statistics the report's planner
        conn.execute(text("ANALYZE report_days"))  # expected a few rows and sorted 650,000 (0.1)
    return {"rows": sum(h - m for _, m, h in pending), "added": added, "marks": dict(zip(chains, heads))}


# The most rows past the marks a report reads as its live tail. Read row by row, per chain, a tail
# costs ~2.5x what the one-pass statement costs per row of the period (bench_national.py at 0.1:
# the whole year as the tail, 9.3 s against 3.5 s); an hourly fold leaves an hour's steps (a
# country writes ~600 an hour at full size). When the folds have stopped, the report reads the
# period's rows as before instead of a growing tail.
TAIL_LIMIT = 100_000

_STATE = text("SELECT count(m.chain), COALESCE(sum(h.log_seq - COALESCE(m.log_seq, 0)), 0) FROM audit_heads h "
              "LEFT JOIN report_marks m ON m.chain = h.chain")


def usable(conn) -> bool:
    """Whether a report reads the rollup and its tail: some chain was folded (else the reports read
    the log as before) and the rows past the marks are at most :data:`TAIL_LIMIT`."""
    marks, pending = conn.execute(_STATE).one()
    return marks > 0 and pending <= TAIL_LIMIT


# the folded rows recomputed from the log, against the rollup's sums: the first difference
_CHECK = text(f"""
WITH log AS ({_folded_rows("(SELECT chain, 0 AS mark, log_seq AS head FROM report_marks) h")}),
kept AS (SELECT day, office, officer_id, part, sub, value, sum(n) AS n FROM report_days GROUP BY 1, 2, 3, 4, 5, 6),
diff AS ((SELECT * FROM kept EXCEPT ALL SELECT * FROM log) UNION ALL (SELECT * FROM log EXCEPT ALL SELECT * FROM kept))
SELECT day, office, part, sub FROM diff ORDER BY day, office, part, sub LIMIT 1""").bindparams(bindparam("counted"))


def check(conn, counted):
    """None when the rollup is the log's folded rows exactly; else the first (day, office, part,
    sub) that differs."""
    row = conn.execute(_CHECK, {"counted": sorted(counted)}).first()
    return None if row is None else tuple(row)


# the grouping a report reads the rollup by: what the rows are summed by, and the name shown
_BY = {"office": ("office", "COALESCE(r.grp, '-')", ""),
       "officer": ("officer_id", "COALESCE(u.username, '-')", "LEFT JOIN users u ON u.id = r.grp")}

# From the histograms ``h`` (grp, part, sub, value, n), each figure's statistics: per group the
# states' and the late handovers' count, worst and the two middle values (the median is their
# mean: the positions (n-1)//2 and n//2 of the sorted values, found by the running sum), the
# counted triggers, and the histograms over every group (the totals' medians, found in Python).
_STATS = """
, s AS (SELECT grp, part, sub, value, sum(n) OVER (PARTITION BY grp, part, sub ORDER BY value) AS cum,
               sum(n) OVER (PARTITION BY grp, part, sub) AS tot
        FROM h WHERE part = 'stage' OR (sub = 'hand_over' AND value > 0))
SELECT r.part, {key} AS key, r.sub, r.n, r.a, r.b, r.c FROM (
    SELECT CASE part WHEN 'stage' THEN 'stage' ELSE 'late' END AS part, grp, sub, tot AS n, max(value) AS a,
           min(value) FILTER (WHERE cum > (tot - 1) / 2) AS b, min(value) FILTER (WHERE cum > tot / 2) AS c
    FROM s GROUP BY grp, part, sub, tot
    UNION ALL
    SELECT 'count', grp, sub, sum(n), sum(n) FILTER (WHERE value <= 0), sum(n) FILTER (WHERE value > 0), NULL
    FROM h WHERE part = 'trig' GROUP BY grp, sub
    UNION ALL
    SELECT 'days', NULL, sub, sum(n), value, NULL, NULL FROM h WHERE part = 'stage' GROUP BY sub, value
    UNION ALL
    SELECT 'delay', NULL, NULL, sum(n), value, NULL, NULL FROM h WHERE sub = 'hand_over' AND value > 0 GROUP BY value
) r {join}"""


def _statement(by: str, scoped: bool, stages_only: bool):
    """The rollup of the period and the tail, summed by (group, part, sub, value) in one grouping,
    then the statistics of each group (:data:`_STATS`): what is sent back is one row per group and
    figure, not the histograms. The tail is read per chain from its mark, through (chain, log_seq)
    only (OFFSET 0: the subquery is not flattened, and the period's conditions stay outside it, so
    it is never a scan of the period's rows)."""
    col, key, join = _BY[by]
    scope_d = " AND d.office = ANY(:scope)" if scoped else ""
    scope_a = " AND a.office = ANY(:scope)" if scoped else ""
    part = " AND d.part = 'stage'" if stages_only else ""
    tail_part = " AND v.part = 'stage'" if stages_only else ""
    sql = f"""
WITH h AS MATERIALIZED (SELECT grp, part, sub, value, sum(n) AS n FROM (
    SELECT d.{col} AS grp, d.part, d.sub, d.value, d.n FROM report_days d
    WHERE d.day BETWEEN :start AND :end{scope_d}{part}
    UNION ALL
    SELECT a.{col}, v.part, v.sub, v.value, 1 FROM audit_heads h
    LEFT JOIN report_marks m ON m.chain = h.chain
    CROSS JOIN LATERAL (SELECT * FROM audit_log a WHERE a.chain = h.chain AND a.log_seq > COALESCE(m.log_seq, 0)
                        OFFSET 0) a
    {_PARTS}
    WHERE a.business_date BETWEEN :start AND :end{scope_a} AND {_WANTED} AND v.sub IS NOT NULL{tail_part}
) u GROUP BY 1, 2, 3, 4)""" + _STATS.format(key=key, join=join)
    return text(sql).bindparams(*(bindparam(n) for n in ["start", "end", "counted"] + (["scope"] if scoped else [])))


def _middle(low, high):
    mid = (int(low) + int(high)) / 2
    return int(mid) if mid == int(mid) else mid


def statistics(conn, by: str, start, end, scope, *, counted: dict, out: dict, median_of, stages_only: bool = False):
    """The rollup of the period plus the live tail: fills ``out`` ({key: {figure: n}}) with the
    counted triggers and the handovers on time and late; returns what :func:`pg_pass.run` returns:
    ({key: (median delay, worst)}, (median, worst) over every key, {(key, stage): (median, count,
    worst)}, {stage: median over every key})."""
    params = {"start": start, "end": end, "counted": sorted(counted)}
    if scope is not None:
        params["scope"] = list(scope)
    late, per_stage = {}, {}
    every: dict = defaultdict(Counter)
    delays: Counter = Counter()
    for part, key, sub, n, a, b, c in conn.execute(_statement(by, scope is not None, stages_only), params):
        if part == "stage":
            per_stage[(key, sub)] = (_middle(b, c), int(n), int(a))
        elif part == "late":
            late[key] = (_middle(b, c), int(a))
        elif part == "days":
            every[sub][int(a)] += int(n)
        elif part == "delay":
            delays[int(a)] += int(n)
        else:
            g = out[key]
            for k in counted[sub]:
                g[k] = g.get(k, 0) + int(n)
            if sub == "hand_over":
                g["handed_over_on_time"], g["handed_over_late"] = int(a or 0), int(b or 0)
    late_total = (median_of(delays), max(delays)) if delays else (None, None)
    return late, late_total, per_stage, {stage: median_of(hist) for stage, hist in every.items()}
