"""PostgreSQL: every figure of the audit trail in ONE statement, over ONE pass of the period's rows.

The period's rows (in the actor's scope) are read once, narrowed to what the figures need, and
kept (a MATERIALIZED CTE); the figures are then grouped from that narrow set, each kind apart,
and sent back together (a UNION ALL, one round trip):

* ``stage``: for each (group, state left), how many, the worst and the median of the days spent
  (``percentile_cont``); ``days``: a histogram (state, days) -> how many over every group, whose
  middle Python finds (the total's medians: a second sort of every row cost more);
* ``count``: the counted triggers per group, and the handovers on time and late;
* ``late``: the median and worst delay of the late handovers, per group and over every group;
* ``priced``: how many assets were priced; ``sale``: the sales, cancelled or not, with the asset's
  prices read by its key for the sales not cancelled only (each grouped by hashing, not sorted).

Groups are sorted by an integer first (the office's or the officer's id; the name the report
shows only breaks ties, which are equal strings): sorting the rows by their text under the
database's collation cost more than the medians themselves.

The definitions are those of :mod:`auction_flow.features.reports.service`, and so are the
look-ups they need beyond the row itself. A sale is cancelled when the asset's next sale or
voiding step after it is a voiding one: the pairs are found from their voiding end (one look-up
per cancellation since the period began, not one per sale). A handover whose row does not record
the deadline it replaced takes the one the latest earlier row set. The dates are read from
``changes`` as text (canonical JSON: ``"key":["YYYY-MM-DD"`` can only be the key), with
``split_part``, which finds the key by bytes.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from sqlalchemy import bindparam, text

# each grouping: an integer the rows are grouped by first (sorting text by the database's collation
# cost more than the medians), and the name the report shows, which the integer determines
KEYS = {"office": ("o.id", "a.office", "LEFT JOIN offices o ON o.code = a.office"),
        "officer": ("a.officer_id", "u.username", "LEFT JOIN users u ON u.id = a.officer_id"),
        "auction-org": ("NULL::int", "s.auction_org", "JOIN assets s ON s.id = a.asset_id"),
        "appraisal-org": ("NULL::int", "s.appraisal_org", "JOIN assets s ON s.id = a.asset_id")}


def _first_date(key: str) -> str:
    """``changes.<key>[0]`` when it is a date, as a date; NULL when the key is absent."""
    return f"""NULLIF(left(split_part(a.changes, '"{key}":["', 2), 10), '')::date"""


# the per-row values the figures are made of (also what :mod:`kept` folds and reads in its tail): a
# state left, the days spent in it; a handover's delay after the deadline in force
LEFT = "a.from_state <> a.to_state"
STAGE_DAYS = f"a.business_date - COALESCE({_first_date('state_entered_on')}, a.business_date)"
_EARLIER = ("(SELECT p.changes::jsonb -> 'deadline' ->> 1 FROM audit_log p WHERE p.asset_id = a.asset_id "
            "AND p.seq < a.seq AND p.changes LIKE '%\"deadline\":%' ORDER BY p.seq DESC LIMIT 1)::date")
DELAY = (f"CASE WHEN a.trigger = 'hand_over' THEN a.business_date - COALESCE({_first_date('deadline')}, "
         f"{_EARLIER}) END")


def _rows(by: str, scoped: bool, stages_only: bool) -> str:
    kid, key, join = KEYS[by]
    cols = [f"{kid} AS kid", f"COALESCE({key}, '-') AS key",
            f'CASE WHEN {LEFT} THEN a.from_state COLLATE "C" END AS stage',
            f"CASE WHEN {LEFT} THEN {STAGE_DAYS} END AS days"]
    where = LEFT
    if not stages_only:
        cols += ['a.trigger COLLATE "C" AS trig', "a.asset_id", "a.seq", f"{DELAY} AS delay",
                 "CASE WHEN a.trigger = 'record_sale' THEN a.id END AS sale_id"]
        where = f"({LEFT} OR a.trigger = ANY(:wanted))"
    scope = " AND a.office = ANY(:scope)" if scoped else ""
    return (f"SELECT {', '.join(cols)} FROM audit_log a {join} "
            f"WHERE a.business_date BETWEEN :start AND :end{scope} AND {where}")


def _voided(scoped: bool) -> str:
    """The sales cancelled by the voiding steps from the period's start on: for each voiding step,
    the asset's latest sale or voiding step before it, when that is a sale. (A sale is cancelled
    when the asset's next sale or voiding step after it is a voiding one: each such pair is found
    from its voiding end, one look-up per cancellation instead of one per sale.) The voiding steps
    of the period are among its rows already; those after it are read through (trigger,
    business_date). An asset's rows all carry its office, so the scope applies to them too."""
    def sale_before(v: str) -> str:
        return ("(SELECT CASE WHEN p.trigger = 'record_sale' THEN p.id END FROM audit_log p "
                f"WHERE p.asset_id = {v}.asset_id AND p.seq < {v}.seq AND p.trigger = ANY(:after_sale) "
                "ORDER BY p.seq DESC LIMIT 1)")

    scope = " AND v.office = ANY(:scope)" if scoped else ""
    return (f"SELECT {sale_before('r')} AS sale_id FROM r WHERE r.trig = ANY(:voiding) UNION ALL "
            f"SELECT {sale_before('v')} FROM audit_log v WHERE v.trigger = ANY(:voiding) AND v.business_date > :end"
            f"{scope}")


# every branch gives: part, key, sub, n, a, b, worst, median, x, y. (The LIMIT keeps the prices a look-up
# by key per sale kept: without it the planner hashes every asset of the country.)
_STAGES = """
SELECT 'stage', key, stage, count(*), NULL::bigint, NULL::bigint, max(days),
       percentile_cont(0.5) WITHIN GROUP (ORDER BY days), NULL::numeric, NULL::numeric
FROM r WHERE stage IS NOT NULL GROUP BY kid, key, stage"""
# the medians over every group: a histogram (state, days) -> how many, the middle found in Python
_TOTALS = """
UNION ALL
SELECT 'days', NULL, stage, count(*), days, NULL, NULL, NULL, NULL, NULL
FROM r WHERE stage IS NOT NULL GROUP BY stage, days"""
_OTHERS = """
UNION ALL
SELECT 'count', key, trig, count(*), count(*) FILTER (WHERE delay <= 0), count(*) FILTER (WHERE delay > 0),
       NULL, NULL, NULL, NULL
FROM r WHERE trig = ANY(:counted) GROUP BY kid, key, trig
UNION ALL
SELECT 'late', key, NULL, count(*), NULL, NULL, max(delay), percentile_cont(0.5) WITHIN GROUP (ORDER BY delay),
       NULL, NULL
FROM r WHERE trig = 'hand_over' AND delay > 0 GROUP BY GROUPING SETS ((kid, key), ())
UNION ALL
SELECT 'priced', key, NULL, count(*), NULL, NULL, NULL, NULL, NULL, NULL
FROM (SELECT DISTINCT kid, key, asset_id FROM r WHERE trig = ANY(:priced)) d GROUP BY kid, key
UNION ALL
SELECT 'sale', key, kind, count(*), NULL, NULL, NULL, NULL, sum(s.sale_price), sum(s.appraised_price)
FROM (SELECT kid, key, asset_id, CASE WHEN sale_id IN (SELECT sale_id FROM v) THEN 'c' ELSE 'k' END AS kind
      FROM r WHERE trig = 'record_sale' OFFSET 0) t
LEFT JOIN LATERAL (SELECT s.sale_price, s.appraised_price FROM assets s WHERE s.id = t.asset_id AND t.kind = 'k'
                   LIMIT 1) s ON true
GROUP BY kid, key, kind"""


def statement(by: str, scoped: bool, stages_only: bool = False, totals: bool = True):
    sql = (f"WITH r AS MATERIALIZED ({_rows(by, scoped, stages_only)})"
           + ("" if stages_only else f", v AS MATERIALIZED ({_voided(scoped)})") + _STAGES + (_TOTALS if totals else "")
           + ("" if stages_only else _OTHERS))
    names = ["start", "end"] + (["scope"] if scoped else [])
    if not stages_only:
        names += ["wanted", "after_sale", "counted", "voiding", "priced"]
    return text(sql).bindparams(*(bindparam(n) for n in names))


def _number(value):
    return None if value is None else (int(value) if float(value).is_integer() else float(value))


def run(conn, by: str, start, end, scope, *, counted: dict, priced: tuple, voiding: tuple, out: dict, median_of,
        stages_only: bool = False, totals: bool = True):
    """Fill ``out`` ({key: {figure: value}}) with the counts; return the statistics the report's
    ``_finish`` takes: ({key: (median delay, worst)}, (median, worst) over every key,
    {(key, stage): (median, count, worst)}, {stage: median over every key})."""
    params = {"start": start, "end": end}
    if scope is not None:
        params["scope"] = list(scope)
    if not stages_only:
        sales = tuple(priced) + ("record_sale",)
        params.update(wanted=sorted(set(counted) | set(sales) | set(voiding)), after_sale=["record_sale", *voiding],
                      counted=sorted(counted), voiding=list(voiding), priced=list(priced))
    stmt = statement(by, scope is not None, stages_only, totals)
    late, late_total, per_stage, every = {}, (None, None), {}, defaultdict(Counter)
    for part, key, sub, n, a, b, worst, median, x, y in conn.execute(stmt, params):
        if part == "stage":
            per_stage[(key, sub)] = (_number(median), int(n), int(worst))
        elif part == "days":
            every[sub][int(a)] += int(n)
        elif part == "count":
            g = out[key]
            for k in counted[sub]:
                g[k] = g.get(k, 0) + int(n)
            if sub == "hand_over":
                g["handed_over_on_time"], g["handed_over_late"] = int(a), int(b)
        elif part == "late":
            stat = (_number(median), None if worst is None else int(worst))  # () has a row even with none late
            if key is None:
                late_total = stat
            else:
                late[key] = stat
        else:  # priced, sale
            g = out[key]
            for k in ("priced", "sold", "cancelled", "realised", "appraised"):
                g.setdefault(k, 0)
            if part == "priced":
                g["priced"] = int(n)
                continue
            g["sold"] += int(n)
            if sub == "c":
                g["cancelled"] += int(n)
            else:
                g["realised"] += int(x or 0)
                g["appraised"] += int(y or 0)
    return late, late_total, per_stage, {stage: median_of(hist) for stage, hist in every.items()}
