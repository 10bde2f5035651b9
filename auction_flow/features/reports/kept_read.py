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

Any other period by office, and its stages: :mod:`kept_periods`, which uses this module's helpers.
"""

from __future__ import annotations

import json
from collections import defaultdict

from sqlalchemy import bindparam, text

from auction_flow.features.reports.kept import COUNTRY, value_key
from auction_flow.features.reports.pg_pass import DELAY, LEFT, STAGE_DAYS

_KEPT = text("SELECT grain, office, officer, part, sub, packed FROM report_years WHERE year = :year "
             "AND grain = ANY(:grains) AND (office = ANY(:offices) OR :every) AND (part = 'stage' OR NOT :stages)")
TAIL = text(f"""SELECT a.id, a.asset_id, a.trigger, a.business_date BETWEEN :start AND :end AS inside,
       a.business_date AS day,
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
LIVE_SALES = text("""SELECT a.id, COALESCE(a.office, '-'), COALESCE(a.officer_id, 0),
       CASE WHEN (SELECT n.trigger FROM audit_log n WHERE n.asset_id = a.asset_id AND n.seq > a.seq
                  AND n.trigger = ANY(:after_sale) ORDER BY n.seq LIMIT 1) = ANY(:voiding) THEN 'c' ELSE 'k' END,
       COALESCE(t.sale_price, 0), COALESCE(t.appraised_price, 0)
FROM audit_log a JOIN assets t ON t.id = a.asset_id WHERE a.id = ANY(:ids)""").bindparams(
    bindparam("after_sale"), bindparam("voiding"))


class Sums:
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


def names(conn, by: str):
    if by == "office":
        return lambda office, officer: office
    users = dict(conn.execute(text("SELECT id, username FROM users")).all())
    return lambda office, officer: users.get(officer, "-")


def _kept(conn, sums: Sums, by: str, which: tuple, scope, stages_only: bool) -> None:
    """The kept rows ``which`` names ((_KEPT, {"year": year})), of the actor's scope, merged into ``sums``."""
    grain = "o" if by == "office" else "u"
    country = scope is None
    sql, period = which
    params = {**period, "grains": [grain] + (["o"] if country and grain == "u" else []),
              "offices": [COUNTRY] if country else list(scope), "every": country and grain == "o",
              "stages": stages_only}
    for g, office, officer, part, sub, packed in conn.execute(sql, params).all():
        hist = json.loads(packed)
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


def _tail(conn, sums: Sums, kept_sales: tuple, start, end, stages_only: bool, p: dict) -> None:
    """The rows past the marks dated ``start`` .. ``end`` (the kept rows' dates); ``kept_sales``
    (statement, parameters) reads the kept sales not cancelled of those dates for some assets."""
    assets, priced, sales = set(), {}, []
    for row in conn.execute(TAIL, {"start": start, "end": end, "counted": p["counted"]}):
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
        for _, office, officer, kind, x, y in conn.execute(LIVE_SALES, {"ids": sales, "after_sale": p["after_sale"],
                                                                         "voiding": p["voiding"]}):
            sums.add(office, officer, "sale", kind, {"n": 1} if kind == "c" else {"n": 1, "x": int(x), "y": int(y)})


def _hist(h: dict) -> dict:
    """A histogram's values as numbers (its keys are JSON's text), without the emptied ones."""
    return {int(k): v for k, v in h.items() if v}


def statistics(conn, by: str, year: int, start, end, scope, *, counted: dict, p: dict, out: dict, median_of,
               stages_only: bool = False):
    """As :func:`pg_pass.run`, for the reporting year ``year`` (``start`` .. ``end``): fill ``out``
    and return (late, late_total, per_stage, stage_total)."""
    sums = Sums(names(conn, by), None if scope is None else set(scope))
    _kept(conn, sums, by, (_KEPT, {"year": year}), scope, stages_only)
    _tail(conn, sums, (_KEPT_SALES, {"year": year}), start, end, stages_only, p)
    return answer(sums, counted, out, median_of)


def answer(sums: Sums, counted: dict, out: dict, median_of):
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
