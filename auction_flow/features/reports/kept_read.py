"""PostgreSQL: a reporting year's report from the kept rows (:mod:`kept`) and the live tail.

The report of a reporting year, by office or by officer, and its stages: the kept rows of the year
and the actor's scope (the country's own rows, office '*', for an administrator: its totals need
no merging of the offices' histograms; a province's few offices merged here), plus the tail: the
rows past each chain's mark, read per chain through (chain, log_seq), with the same per-row SQL
(:mod:`pg_pass`). The tail's rows of the year are added part by part; its pricing rows count an
asset only when no folded row of the year priced it in the same group; its sales, and the kept
sales not cancelled of every asset the tail touches (whatever the tail row's date), are classified
live (next sale or voiding step, the asset's prices now), the kept ones first taken back. The
statistics are those :func:`pg_pass.run` gives, from the merged histograms (``_median``): every
value is a whole number of days, so the medians are ``percentile_cont``'s.

Any other period by office, and its stages (:func:`months_statistics`): the kept calendar months
wholly inside it (``report_months``), the tail's rows dated in those months (its kept sales of
those months taken back and classified live, as above), the rows of the ragged edge days read
live with the fold's own grouped statement (``kept.edge_statement``: all of them, folded or not,
so the tail's rows dated there are not counted twice). Priced, distinct per office and period:
the kept months' assets whose previous month of pricing in the office is before the period's
first whole month (each such asset once), plus the assets the edges (read live) and the tail's
rows dated in the months price, when no folded row of those months priced them in the office. By
officer such a period reads the log (no officer grain per month).
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict

from sqlalchemy import bindparam, text

from auction_flow.features.reports.kept import COUNTRY, edge_statement, value_key
from auction_flow.features.reports.pg_pass import DELAY, LEFT, STAGE_DAYS

_KEPT = text("SELECT grain, office, officer, part, sub, packed FROM report_years WHERE year = :year "
             "AND grain = ANY(:grains) AND (office = ANY(:offices) OR :every) AND (part = 'stage' OR NOT :stages)")
_KEPT_MONTHS = text("SELECT grain, office, officer, part, sub, packed FROM report_months WHERE month = ANY(:months) "
                    "AND grain = ANY(:grains) AND (office = ANY(:offices) OR :every) "
                    "AND (part = 'stage' OR NOT :stages)")
_TAIL = text(f"""SELECT a.id, a.asset_id, a.trigger, a.business_date BETWEEN :start AND :end AS inside,
       COALESCE(a.office, '-') AS office, COALESCE(a.officer_id, 0) AS officer,
       CASE WHEN {LEFT} THEN a.from_state END AS stage, CASE WHEN {LEFT} THEN {STAGE_DAYS} END AS days,
       CASE WHEN a.trigger = ANY(:counted) THEN {DELAY} END AS delay
FROM (SELECT h.chain, COALESCE(m.log_seq, 0) AS mark FROM audit_heads h LEFT JOIN report_marks m ON m.chain = h.chain
      WHERE h.log_seq > COALESCE(m.log_seq, 0)) h
CROSS JOIN LATERAL (SELECT * FROM audit_log x WHERE x.chain = h.chain AND x.log_seq > h.mark OFFSET 0) a""")
_FOLDED_PRICED = text("SELECT p.asset_id, COALESCE(p.office, '-'), COALESCE(p.officer_id, 0) FROM audit_log p "
                      "WHERE p.asset_id = ANY(:assets) AND p.trigger = ANY(:priced) AND p.business_date BETWEEN "
                      ":start AND :end AND p.log_seq <= COALESCE((SELECT m.log_seq FROM report_marks m "
                      "WHERE m.chain = p.chain), 0)")
_KEPT_SALES = text("SELECT sale_id, office, officer, realised, appraised FROM report_sales WHERE year = :year "
                   "AND asset_id = ANY(:assets)")
_KEPT_SALES_MONTHS = text("SELECT r.sale_id, r.office, r.officer, r.realised, r.appraised FROM report_sales r "
                          "JOIN audit_log s ON s.id = r.sale_id WHERE r.asset_id = ANY(:assets) "
                          "AND s.business_date BETWEEN :start AND :end")
# the assets priced in a ragged edge, per office (through (trigger, business_date))
_EDGE_PRICED = "SELECT DISTINCT COALESCE(a.office, '-'), a.asset_id FROM audit_log a WHERE a.trigger = ANY(:priced) " \
               "AND a.business_date BETWEEN :start AND :end{scope}"
_LIVE_SALES = text("""SELECT a.id, COALESCE(a.office, '-'), COALESCE(a.officer_id, 0),
       CASE WHEN (SELECT n.trigger FROM audit_log n WHERE n.asset_id = a.asset_id AND n.seq > a.seq
                  AND n.trigger = ANY(:after_sale) ORDER BY n.seq LIMIT 1) = ANY(:voiding) THEN 'c' ELSE 'k' END,
       COALESCE(t.sale_price, 0), COALESCE(t.appraised_price, 0)
FROM audit_log a JOIN assets t ON t.id = a.asset_id WHERE a.id = ANY(:ids)""").bindparams(
    bindparam("after_sale"), bindparam("voiding"))


class _Sums:
    """The merged histograms of one report (plain dicts, merged key by key): per (group, part, sub)
    and, for the totals' medians, per (part, sub) over every group."""

    def __init__(self, name_of, scope_set):
        self.groups: dict = {}
        self.totals: dict = {}
        self.name_of, self.scope = name_of, scope_set

    @staticmethod
    def _merge(into: dict, key, hist: dict, sign: int) -> None:
        have = into.get(key)
        if have is None:
            into[key] = dict(hist) if sign == 1 else {k: -v for k, v in hist.items()}
            return
        for k, v in hist.items():
            have[k] = have.get(k, 0) + sign * v

    def add(self, office, officer, part, sub, hist, sign=1, totals=True):
        self._merge(self.groups, (self.name_of(office, officer), part, sub), hist, sign)
        if totals:
            self._merge(self.totals, (part, sub), hist, sign)

    def inside(self, office) -> bool:
        return self.scope is None or office in self.scope


def _names(conn, by: str):
    if by == "office":
        return lambda office, officer: office
    users = dict(conn.execute(text("SELECT id, username FROM users")).all())
    return lambda office, officer: users.get(officer, "-")


def _kept(conn, sums: _Sums, by: str, which: tuple, scope, stages_only: bool) -> None:
    """The kept rows ``which`` names ((_KEPT, {"year": year}) or (_KEPT_MONTHS, {"months": [...]})),
    of the actor's scope, merged into ``sums``. A month's priced entries count when the asset's
    previous month of pricing in the office is before the period's first month (``kept``)."""
    first = which[1]["months"][0] if "months" in which[1] else None
    grain = "o" if by == "office" else "u"
    country = scope is None
    sql, period = which
    params = {**period, "grains": [grain] + (["o"] if country and grain == "u" else []),
              "offices": [COUNTRY] if country else list(scope), "every": country and grain == "o",
              "stages": stages_only}
    for g, office, officer, part, sub, packed in conn.execute(sql, params).all():
        hist = json.loads(packed)
        if first is not None and part == "priced":
            hist = {"n": sum(v for k, v in hist.items() if int(k) < first)}
        if country:  # the groups from the offices' (by office) or the country's officers' rows; totals from '*'
            if g == "o" and office == COUNTRY:
                if part in ("stage", "trig"):
                    sums._merge(sums.totals, (part, sub), hist, 1)
                continue
            if g != grain:
                continue
            sums.add(office, officer, part, sub, hist, totals=False)
        else:
            sums.add(office, officer, part, sub, hist)


def _tail(conn, sums: _Sums, kept_sales: tuple, start, end, stages_only: bool, p: dict,
          priced: dict | None = None) -> None:
    """The rows past the marks dated ``start`` .. ``end`` (the kept rows' dates); ``kept_sales``
    (statement, parameters) reads the kept sales not cancelled of those dates for some assets;
    ``priced`` ({asset: {(office, officer)}}): other assets priced in the period (its ragged
    edges), counted with the tail's as they are, when no folded row of those dates priced them."""
    assets, priced, sales = set(), {} if priced is None else priced, []
    for row in conn.execute(_TAIL, {"start": start, "end": end, "counted": p["counted"]}):
        assets.add(row.asset_id)
        if not row.inside or not sums.inside(row.office):
            continue
        if row.stage is not None:
            sums.add(row.office, row.officer, "stage", row.stage, {str(row.days): 1})
        if stages_only:
            continue
        if row.trigger in p["counted"]:
            sums.add(row.office, row.officer, "trig", row.trigger, {value_key(row.delay): 1})
        if row.trigger in p["priced"]:
            priced.setdefault(row.asset_id, set()).add((row.office, row.officer))
        if row.trigger == "record_sale":
            sales.append(row.id)
    if stages_only:
        return
    if priced:  # an asset counts once per group and year: not when a folded row priced it there
        before = defaultdict(set)
        for asset, office, officer in conn.execute(_FOLDED_PRICED, {"assets": sorted(priced), "priced": p["priced"],
                                                                    "start": start, "end": end}):
            before[asset].add(sums.name_of(office, officer))
        for asset, groups in priced.items():
            for key in {sums.name_of(o, u): (o, u) for o, u in groups}.items():
                if key[0] not in before[asset]:
                    sums.add(*key[1], "priced", "", {"n": 1})
                    before[asset].add(key[0])
    # the kept sales not cancelled of the tail's assets: taken back, then classified live with the new ones
    if assets:
        for sale_id, office, officer, x, y in conn.execute(kept_sales[0], {**kept_sales[1], "assets": sorted(assets)}):
            if sums.inside(office):
                sums.add(office, officer, "sale", "k", {"n": 1, "x": x, "y": y}, sign=-1)
                sales.append(sale_id)
    if sales:
        for _, office, officer, kind, x, y in conn.execute(_LIVE_SALES, {"ids": sales, "after_sale": p["after_sale"],
                                                                         "voiding": p["voiding"]}):
            sums.add(office, officer, "sale", kind, {"n": 1} if kind == "c" else {"n": 1, "x": int(x), "y": int(y)})


def _hist(h: dict) -> dict:
    """A histogram's values as numbers (its keys are JSON's text), without the emptied ones."""
    return {int(k): v for k, v in h.items() if v}


def statistics(conn, by: str, year: int, start, end, scope, *, counted: dict, p: dict, out: dict, median_of,
               stages_only: bool = False):
    """As :func:`pg_pass.run`, for the reporting year ``year`` (``start`` .. ``end``): fill ``out``
    and return (late, late_total, per_stage, stage_total)."""
    sums = _Sums(_names(conn, by), None if scope is None else set(scope))
    _kept(conn, sums, by, (_KEPT, {"year": year}), scope, stages_only)
    _tail(conn, sums, (_KEPT_SALES, {"year": year}), start, end, stages_only, p)
    return _answer(sums, counted, out, median_of)


def whole_months(start: dt.date, end: dt.date) -> tuple[list[int], tuple | None, list[tuple]]:
    """The calendar months (YYYYMM) wholly inside ``start`` .. ``end``, their (first day, last day)
    (None when no month is whole), and the ragged edges around them [(first day, last day)] (the
    whole period when no month is whole)."""
    first = start if start.day == 1 else (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    after = (end.replace(day=28) + dt.timedelta(days=4)).replace(day=1)  # the month after end's
    last = end if after - dt.timedelta(days=1) == end else end.replace(day=1) - dt.timedelta(days=1)
    if first > last:
        return [], None, [(start, end)]
    months, m = [], first
    while m <= last:
        months.append(m.year * 100 + m.month)
        m = (m.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    edges = ([(start, first - dt.timedelta(days=1))] if start < first else []) + (
        [(last + dt.timedelta(days=1), end)] if last < end else [])
    return months, (first, last), edges


def _edges(conn, sums: _Sums, edges: list, scope, stages_only: bool, p: dict) -> None:
    """The rows of the ragged edges, read live (all of them, folded or not), grouped by office as a
    fold groups them, the sales classified live (by office only: the months keep no officer grain)."""
    stmt = edge_statement(scope is not None, stages_only)
    args = {k: p[k] for k in ("counted", "wanted") + (() if stages_only else ("after_sale", "voiding"))}
    if scope is not None:
        args["scope"] = list(scope)
    hists: dict = {}  # (office, part, sub) -> histogram, merged once each (a country's edge: ~70,000 rows)
    for start, end in edges:
        for part, _, _, office, _, sub, value, n, x, y in conn.execute(stmt, {**args, "start": start, "end": end}):
            h = hists.get((office, part, sub))
            if h is None:
                h = hists[(office, part, sub)] = {}
            if part == "sale":
                for k, v in (("n", n), ("x", x), ("y", y)) if sub == "k" else (("n", n),):
                    h[k] = h.get(k, 0) + int(v)
            else:
                k = value_key(value)
                h[k] = h.get(k, 0) + int(n)
    for (office, part, sub), h in hists.items():
        sums.add(office, 0, part, sub, h)


def _edge_priced(conn, edges: list, scope, p: dict) -> dict:
    """{asset: {(office, 0)}}: the assets priced in the ragged edges (folded or not), per office."""
    sql = text(_EDGE_PRICED.format(scope="" if scope is None else " AND a.office = ANY(:scope)"))
    args = {"priced": list(p["priced"])}
    if scope is not None:
        args["scope"] = list(scope)
    priced: dict = {}
    for start, end in edges:
        for office, asset in conn.execute(sql, {**args, "start": start, "end": end}):
            priced.setdefault(asset, set()).add((office, 0))
    return priced


def months_statistics(conn, by: str, start, end, scope, *, counted: dict, p: dict, out: dict, median_of,
                      stages_only: bool = False):
    """As :func:`statistics`, for a period other than a reporting year, by office (the months keep no
    officer grain): the kept months wholly inside the period (``report_months``) and the rows past
    the marks dated in them, the rows of its ragged edge days read live (:func:`_edges`, and their
    assets priced: :func:`_edge_priced`), merged as the module's docstring says."""
    sums = _Sums(_names(conn, by), None if scope is None else set(scope))
    months, kept_days, edges = whole_months(start, end)
    priced = {} if stages_only else _edge_priced(conn, edges, scope, p)
    if months:
        k_start, k_end = kept_days
        _kept(conn, sums, by, (_KEPT_MONTHS, {"months": months}), scope, stages_only)
        _tail(conn, sums, (_KEPT_SALES_MONTHS, {"start": k_start, "end": k_end}), k_start, k_end, stages_only, p,
              priced)
    else:  # no kept month: every asset priced in the period once per office
        for office in (o for groups in priced.values() for o, _ in groups):
            sums.add(office, 0, "priced", "", {"n": 1}, totals=False)
    _edges(conn, sums, edges, scope, stages_only, p)
    return _answer(sums, counted, out, median_of)


def _answer(sums: _Sums, counted: dict, out: dict, median_of):
    """Fill ``out`` from the merged histograms; the statistics :func:`pg_pass.run` returns."""
    late, per_stage = {}, {}
    for (key, part, sub), h in sums.groups.items():
        if not any(h.values()):
            continue
        if part == "stage":
            h = _hist(h)
            per_stage[(key, sub)] = (median_of(h), sum(h.values()), max(h))
            continue
        g = out[key]
        if part == "trig":
            for k in counted[sub]:
                g[k] = g.get(k, 0) + sum(h.values())
            if sub == "hand_over":
                delays = _hist({k: v for k, v in h.items() if k != ""})
                g["handed_over_on_time"] = sum(v for d, v in delays.items() if d <= 0)
                g["handed_over_late"] = sum(v for d, v in delays.items() if d > 0)
                over = {d: v for d, v in delays.items() if d > 0}
                if over:
                    late[key] = (median_of(over), max(over))
            continue
        for k in ("priced", "sold", "cancelled", "realised", "appraised"):
            g.setdefault(k, 0)
        if part == "priced":
            g["priced"] = h.get("n", 0)
        else:
            g["sold"] += h.get("n", 0)
            if sub == "c":
                g["cancelled"] += h.get("n", 0)
            else:
                g["realised"] += h.get("x", 0)
                g["appraised"] += h.get("y", 0)
    handed = _hist({k: v for k, v in sums.totals.get(("trig", "hand_over"), {}).items() if k != ""})
    over = {d: v for d, v in handed.items() if d > 0}
    late_total = (median_of(over), max(over)) if over else (None, None)
    stage_total = {sub: median_of(_hist(h)) for (part, sub), h in sums.totals.items() if part == "stage" and any(
        h.values())}
    return late, late_total, per_stage, stage_total
