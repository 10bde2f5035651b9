"""The figures supervisors report (domain.md, last section), computed in SQL over the audit trail.

Definitions (a period is a range of business dates, both ends included):

* seized: seizures (created or imported) in the period; priced: assets priced (agreed or
  appraised) in the period; auctioned: auctions held (sold or failed); sold: sales recorded;
* cancelled: of the sales recorded in the period, those whose result was later cancelled
  (a ``cancel_result``, or another trigger the workflow marks ``voids_sale``, such as the
  buyer's default, after the sale with no new sale in between), whenever: so the rate reads
  as in the province's review, "5 of 45 successful auctions were cancelled";
  cancellations_recorded: ``cancel_result`` steps dated in the period, whatever the sale's date;
* handovers: ``hand_over`` steps in the period. The deadline in force is the one the asset
  carried when it was handed over, which the engine records in that step's audit row
  (``changes.deadline[0]``): it includes an extension and a restart after suspension, under the
  regime that governed the clock. On time: handover date <= that deadline; delay: days after it;
* days in each stage: for each state left in the period, the days from the step that entered
  it to the step that left it (steps that keep the state, such as an extension, do not count);
* money realised: the sale prices of the sales in the period that were not cancelled, against
  the appraised value of those same assets;
* alerts: raised in the period (``raised_on``), of which acknowledged (a person handled it:
  ``handled_by`` set) and resolved (``status`` resolved); complaints: received in the period,
  of which resolved, and resolved on time (``resolved_on`` <= ``resolve_due``). Both come from
  their own tables; a database without them reports them as not available (None).

Where they are computed: SQLite reads the period's rows (:func:`_sales`, :func:`_pass`). PostgreSQL,
for a reporting year (by office, officer, auction or appraisal organisation, and its stages), once
``report rollup`` has folded the log and while the rows past its marks are few
(``kept.TAIL_LIMIT``), reads the year's kept answers and the rows past the marks (:mod:`kept`,
:mod:`kept_read`; by organisation :mod:`kept_org`); any other period by office and its stages
reads kept calendar months, ten-day spans and at most six edge days an edge added and taken away,
from the kept officer units summed per office (:mod:`kept_days`; before those are kept, the JSON
months and spans and the edges live), and the rows past the marks (``kept_periods.statistics``); by officer, kept officer units
(months, spans, days) and the rows past the marks (``kept_officer.statistics``); by organisation,
kept organisation units the same way (``kept_org_periods.statistics``); before any fold, it runs
the one statement of :mod:`pg_pass` over the period's rows.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

from sqlalchemy import Date, Integer, and_, bindparam, case, cast, func, literal, or_, select, text
from sqlalchemy.dialects.postgresql import JSONB

from auction_flow.common.config import today
from auction_flow.common.errors import InvalidInput, UsageError
from auction_flow.core import authz
from auction_flow.core import engine as eng
from auction_flow.core import workflow as workflow_mod
from auction_flow.core.fields import parse_date, parse_year
from auction_flow.features.reports import (kept, kept_batches, kept_days, kept_officer, kept_org, kept_org_periods,
                                           kept_periods, kept_read, kept_refill, pg_pass)
from auction_flow.features.reports.charts import stages_chart
from auction_flow.storage import db
from auction_flow.storage.schema import assets, audit_log, metadata, offices, users

BY = ("office", "officer", "auction-org", "appraisal-org")
COUNTS = ("seized", "priced", "auctioned", "sold", "cancelled", "cancellations_recorded", "handed_over", "handed_over_on_time",
          "handed_over_late", "realised", "appraised")
EXTRA = ("alerts_raised", "alerts_acknowledged", "alerts_resolved", "complaints_received",
         "complaints_resolved", "complaints_resolved_on_time")
NONE_KEY = "-"

def reporting_year(day: dt.date) -> int:
    """The reporting year a day falls in: Y runs from (Y-1)-10-01 to Y-09-30."""
    return day.year + 1 if day.month >= 10 else day.year


def period(start=None, end=None, year: int | None = None, on=None) -> tuple[dt.date, dt.date]:
    """--year Y is (Y-1)-10-01 .. Y-09-30; else --from/--to; else the reporting year of ``on``
    (default today)."""
    if year is not None:
        year = parse_year(year)
        return dt.date(year - 1, 10, 1), dt.date(year, 9, 30)
    if start is None and end is None:
        y = reporting_year(parse_date(on, "--now") if on is not None else today())
        return dt.date(y - 1, 10, 1), dt.date(y, 9, 30)
    if start is None or end is None:
        raise InvalidInput("report_period", start=start or "?", end=end or "?")
    a, b = parse_date(start, "--from"), parse_date(end, "--to")
    if a > b:
        raise InvalidInput("report_period", start=a, end=b)
    return a, b


def _scope(conn, user: dict) -> list[str] | None:
    """Office codes the actor may report on; None for all (administrators)."""
    visible = authz.visible_offices(conn, user)
    return None if visible is None else sorted(visible.values())


def _days(later, earlier, sqlite: bool):
    if sqlite:
        return cast(func.julianday(later) - func.julianday(earlier), Integer)
    return later - earlier


def _json_at(col, key: str, index: int, sqlite: bool):
    if sqlite:
        return func.json_extract(col, f"$.{key}[{index}]")
    return func.jsonb_extract_path_text(cast(col, JSONB), key, str(index))


def _first_date(col, key: str, sqlite: bool):
    """``changes.<key>[0]`` when it is a date, read as text, not parsed as JSON: NULL when absent or null.

    ``changes`` is canonical JSON (auction_flow.core.audit): the key is written ``"key":[`` and a
    date as ``"YYYY-MM-DD"``; inside a string value a quote is always escaped, so the pattern can
    only be the key itself. Parsing each row's JSON cost more than the rest of the report.
    """
    pattern = f'"{key}":["'
    at = func.nullif((func.instr if sqlite else func.strpos)(col, pattern), 0)
    text = func.substr(col, at + len(pattern), 10)
    return text if sqlite else cast(text, Date)


ORGS = ("auction-org", "appraisal-org")  # groupings by a column of the asset (as it is now)


def _key(by: str, a, s, u):
    return {"office": a.c.office, "officer": u.c.username, "auction-org": s.c.auction_org,
            "appraisal-org": s.c.appraisal_org}[by]


class _Query:
    """The audit rows of the period in the actor's scope, joined to their assets where a figure or the
    grouping needs them (the office and the officer in charge are on the row itself)."""

    def __init__(self, conn, by: str, start: dt.date, end: dt.date, scope: list[str] | None):
        self.sqlite = db.is_sqlite(conn)
        self.a, self.s, self.u = audit_log.alias("a"), assets.alias("s"), users.alias("u")
        self.key = func.coalesce(_key(by, self.a, self.s, self.u), literal(NONE_KEY)).label("key")
        self.start, self.end, self.scope, self.by = start, end, scope, by

    def rows(self, *cols, triggers=None, assets_needed=True):
        a, s, u = self.a, self.s, self.u
        frm = a.join(s, s.c.id == a.c.asset_id) if assets_needed or self.by in ORGS else a
        if self.by == "officer":
            frm = frm.outerjoin(u, u.c.id == a.c.officer_id)
        q = select(self.key, *cols).select_from(frm).where(a.c.business_date.between(self.start, self.end))
        if triggers:
            q = q.where(a.c.trigger.in_(triggers))
        if self.scope is not None:
            q = q.where(a.c.office.in_(self.scope))
        return q


PRICED = ("agree_price", "record_appraisal")
# the triggers counted as such (seized, auctioned, cancellations recorded, handovers)
COUNTED = {"seize": ("seized",), "record_sale": ("auctioned",), "record_auction_failed": ("auctioned",),
           "cancel_result": ("cancellations_recorded",), "hand_over": ("handed_over",)}


def voiding_triggers() -> tuple[str, ...]:
    """The triggers after which a sale counts as failed: ``cancel_result`` and those the workflow
    marks ``voids_sale: true`` (the buyer's default)."""
    wf = workflow_mod.get()
    return tuple(sorted({"cancel_result"} | {t.name for t in wf.triggers.values() if t.params.get("voids_sale")}))


def _sales(conn, q: _Query, out):
    """SQLite (PostgreSQL: :mod:`pg_pass`): priced, sold, cancelled, realised and appraised, one pass
    over the period's pricing and sale rows.

    A sale was cancelled when the asset's next sale or cancellation after it is a cancellation
    (the same as: a later ``cancel_result`` with no ``record_sale`` in between); the next one is
    found through the (asset_id, seq) index, once per sale.
    """
    a, s = q.a, q.s
    n = audit_log.alias("n")
    following = (select(n.c.trigger).where(n.c.asset_id == a.c.asset_id, n.c.seq > a.c.seq,
                                           n.c.trigger.in_(("record_sale",) + voiding_triggers()))
                 .order_by(n.c.seq).limit(1).correlate(a).scalar_subquery())
    # one group per (key, kind): "p" the pricing rows; "c" the sales later cancelled; "k" the others
    kind = case((a.c.trigger != "record_sale", literal("p")), (following.in_(voiding_triggers()), literal("c")),
                else_=literal("k")).label("kind")
    stmt = q.rows(kind, func.count().label("n"), func.count(func.distinct(a.c.asset_id)).label("assets"),
                  func.sum(s.c.sale_price).label("realised"), func.sum(s.c.appraised_price).label("appraised"),
                  triggers=PRICED + ("record_sale",)).group_by(q.key, kind)
    for r in conn.execute(stmt).mappings():
        g = out[r["key"]]
        for k in ("priced", "sold", "cancelled", "realised", "appraised"):
            g.setdefault(k, 0)
        if r["kind"] == "p":
            g["priced"] = int(r["assets"])
            continue
        g["sold"] += int(r["n"])
        if r["kind"] == "c":
            g["cancelled"] += int(r["n"])
        else:
            g["realised"] += int(r["realised"] or 0)
            g["appraised"] += int(r["appraised"] or 0)


def _pass(conn, q: _Query, out, delays, stage_days, stages_only: bool = False):
    """SQLite (PostgreSQL: :mod:`pg_pass`): one pass over the period's audit rows: the counts by
    trigger, the days spent in each state left (a histogram), and the handovers on time and late
    (a histogram of the delays).

    Days in a stage: a step that changes the state records the day the state it leaves was
    entered (``changes.state_entered_on[0]``); the key is absent when both are the same day.
    Handovers: the step records the deadline it replaced (``changes.deadline[0]``); when the new
    clock happens to end on the same day the key is absent, and the deadline in force is the
    one the latest earlier step set (looked up for those handovers only).
    """
    a = q.a
    left = and_(a.c.from_state.isnot(None), a.c.from_state != a.c.to_state)
    entered = func.coalesce(_first_date(a.c.changes, "state_entered_on", q.sqlite), a.c.business_date)
    stage = case((left, a.c.from_state)).label("stage")
    days = case((left, _days(a.c.business_date, entered, q.sqlite))).label("days")
    cols, where = [stage, days], left
    if not stages_only:
        p = audit_log.alias("p")
        earlier = (select(_json_at(p.c.changes, "deadline", 1, q.sqlite))
                   .where(p.c.asset_id == a.c.asset_id, p.c.seq < a.c.seq, p.c.changes.like('%"deadline":%'))
                   .order_by(p.c.seq.desc()).limit(1).correlate(a).scalar_subquery())
        recorded = _first_date(a.c.changes, "deadline", q.sqlite)
        due = func.coalesce(recorded, earlier if q.sqlite else cast(earlier, Date))
        # per handover: the days after its deadline (<= 0 on time), NULL when it had none
        delay = case((a.c.trigger == "hand_over", _days(a.c.business_date, due, q.sqlite))).label("delay")
        trig = case((a.c.trigger.in_(tuple(COUNTED)), a.c.trigger)).label("trig")
        cols += [trig, delay]
        where = or_(left, a.c.trigger.in_(tuple(COUNTED)))
    stmt = q.rows(*cols, func.count().label("n"), assets_needed=False).where(where).group_by(q.key, *cols)
    for r in conn.execute(stmt).mappings():
        key, n = r["key"], int(r["n"])
        if r["stage"] is not None:
            stage_days[(key, r["stage"])][int(r["days"])] += n
        if stages_only or r["trig"] is None:
            continue
        g = out[key]
        for k in COUNTED[r["trig"]]:
            g[k] = g.get(k, 0) + n
        if r["trig"] == "hand_over" and r["delay"] is not None:
            late = int(r["delay"]) > 0
            g["handed_over_late" if late else "handed_over_on_time"] = (
                g.get("handed_over_late" if late else "handed_over_on_time", 0) + n)
            if late:
                delays[key][int(r["delay"])] += n


def _tune(conn) -> None:
    """PostgreSQL, for this report's transaction only: no JIT compilation (its planner prices the
    correlated look-ups high enough to compile, and compiling took longer than the whole query
    at a country's size) and room to group in memory (the histograms have many groups)."""
    if not db.is_sqlite(conn):  # one snapshot for every statement of the report (a fold committing meanwhile is
        # seen whole or not at all); then one round trip (SET LOCAL is set_config(..., true))
        conn.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        conn.exec_driver_sql("SELECT set_config('jit', 'off', true), set_config('work_mem', '64MB', true)")


def _kept_year(conn, by: str, start, end) -> bool:
    """PostgreSQL: whether this report reads the kept answers of a reporting year (:mod:`kept`)."""
    return (by in BY and (start, end) == period(year=end.year) and not db.is_sqlite(conn)
            and kept.usable(conn))


def _kept_months(conn, by: str) -> bool:
    """PostgreSQL: whether this report (a period other than a reporting year) reads the kept months
    and ten-day spans, a few edge days (kept or live) and the tail (:func:`kept_periods.statistics`)."""
    return by in kept.MONTH_BY and not db.is_sqlite(conn) and kept.usable_months(conn)


def _kept_units(conn):
    """The report from the kept officer units summed by office (:func:`kept_days.statistics`: the
    period's months, spans and edge days, and the tail) when they are kept; None on a database whose officer units are not
    kept yet (folded before revision 0033): the JSON months and spans, and the edges read live."""
    return kept_days.statistics if kept_days.usable(conn) else None


def _kept_officer(conn, by: str) -> bool:
    """PostgreSQL: whether this report by officer (a period other than a reporting year) reads the
    kept officer units and the tail (:func:`kept_officer.statistics`)."""
    return by == "officer" and not db.is_sqlite(conn) and kept.usable(conn) and kept_officer.usable(conn)


def _kept_org_periods(conn, by: str) -> bool:
    """PostgreSQL: whether this report by organisation (a period other than a reporting year) reads
    the kept organisation units and the tail (:func:`kept_org_periods.statistics`)."""
    return by in ORGS and not db.is_sqlite(conn) and kept.usable(conn) and kept_org_periods.usable(conn)


def _present(conn, names) -> dict[str, bool]:
    """Which of ``names`` the database has: one small look at the catalogue for all of them (the
    inspector's has_table or get_table_names cost a statement each, or a heavier one)."""
    if db.is_sqlite(conn):
        found = conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'table' AND name IN :names")
                             .bindparams(bindparam("names", expanding=True)), {"names": list(names)}).scalars()
    else:
        found = conn.execute(text("SELECT c.relname FROM pg_class c WHERE c.relname = ANY(:names) AND c.relkind "
                                  "IN ('r', 'p') AND pg_table_is_visible(c.oid)"), {"names": list(names)}).scalars()
    tables = set(found)
    return {name: name in metadata.tables and name in tables for name in names}


def _alerts_complaints(conn, q: _Query, out) -> dict[str, bool]:
    """Alerts raised in the period (and how many were acknowledged, resolved), complaints
    received in the period (and resolved, resolved by their deadline)."""
    avail = _present(conn, ("alerts", "complaints"))
    s, u, o = q.s, q.u, offices.alias("o")
    for name in ("alerts", "complaints"):
        if not avail[name]:
            continue
        t = metadata.tables[name]
        # by office the asset is not needed: asset_id is NOT NULL with a foreign key, so the
        # join to the asset kept every row
        frm = t.join(o, o.c.id == t.c.office_id)
        if q.by in ORGS or (q.by == "officer" and name == "complaints"):
            frm = frm.join(s, s.c.id == t.c.asset_id)
        if q.by == "officer":  # an alert names the officer it was raised for; a complaint, the asset's officer now
            frm = frm.outerjoin(u, u.c.id == (t.c.officer_id if name == "alerts" else s.c.officer_id))
        key = func.coalesce({"office": o.c.code, "officer": u.c.username, "auction-org": s.c.auction_org,
                             "appraisal-org": s.c.appraisal_org}[q.by], literal(NONE_KEY)).label("key")
        if name == "alerts":
            cols = [func.count().label("alerts_raised"),
                    func.sum(case((t.c.handled_by.isnot(None), 1), else_=0)).label("alerts_acknowledged"),
                    func.sum(case((t.c.status == "resolved", 1), else_=0)).label("alerts_resolved")]
            day = t.c.raised_on
        else:
            done = t.c.resolved_on.isnot(None)
            cols = [func.count().label("complaints_received"),
                    func.sum(case((done, 1), else_=0)).label("complaints_resolved"),
                    func.sum(case((and_(done, t.c.resolve_due.isnot(None), t.c.resolved_on <= t.c.resolve_due), 1),
                                  else_=0)).label("complaints_resolved_on_time")]
            day = t.c.received_on
        stmt = select(key, *cols).select_from(frm).where(day.between(q.start, q.end)).group_by(key)
        if q.scope is not None:
            stmt = stmt.where(o.c.code.in_(q.scope))
        for r in conn.execute(stmt).mappings():
            for k, v in r.items():
                if k != "key":
                    out[r["key"]][k] = int(v or 0)
    return avail


def rate_text(cancelled: int, sold: int) -> str:
    return f"{cancelled} of {sold}, {100 * cancelled / sold:.1f}%" if sold else f"{cancelled} of 0"


def _median(hist: Counter):
    """The median of a histogram {value: how many} (the mean of the two middle values if even)."""
    n = sum(hist.values())
    if not n:
        return None
    middle, seen, low = ((n - 1) // 2, n // 2), 0, None
    for value in sorted(hist):
        seen += hist[value]
        if low is None and seen > middle[0]:
            low = value
        if seen > middle[1]:
            mid = (low + value) / 2
            return int(mid) if mid == int(mid) else mid
    return None


def _finish(key, g: dict, delay: tuple, stages: dict, avail: dict) -> dict:
    """``delay``: (median, worst) of the late handovers; ``stages``: {stage: median days}."""
    row = {"key": key, **{k: g.get(k, 0) for k in COUNTS}}
    row["cancellation_rate"] = rate_text(row["cancelled"], row["sold"])
    row["cancellation_pct"] = round(100 * row["cancelled"] / row["sold"], 1) if row["sold"] else None
    row["delay_median_days"], row["delay_worst_days"] = delay
    row["stage_median_days"] = dict(sorted(stages.items()))
    row["realised_pct"] = round(100 * row["realised"] / row["appraised"], 1) if row["appraised"] else None
    for k in EXTRA:
        table = "alerts" if k.startswith("alerts") else "complaints"
        row[k] = g.get(k, 0) if avail[table] else None
    return row


def _hist_stats(delays: dict, stage_days: dict) -> tuple[dict, tuple, dict, dict]:
    """The histograms of :func:`_pass` (SQLite) as the statistics :func:`_finish` takes."""
    late = {k: (_median(h), max(h)) for k, h in delays.items() if h}
    every: Counter = Counter()  # updated in place: sum() of the Counters copied the running total once per group
    for h in delays.values():
        every.update(h)
    per = {ks: (_median(h), sum(h.values()), max(h)) for ks, h in stage_days.items()}
    merged: dict = defaultdict(Counter)
    for (_, st), h in stage_days.items():
        merged[st].update(h)
    return late, ((_median(every), max(every)) if every else (None, None)), per, {st: _median(h) for st, h
                                                                                in merged.items()}


def summary(engine, actor: str | None, start=None, end=None, year: int | None = None, by: str = "office",
            on=None) -> dict:
    """One row per ``by`` group and a total; see the module's docstring for each figure."""
    if by not in BY:
        raise InvalidInput("report_by", choices=", ".join(BY))
    start, end = period(start, end, year, on)
    with db.reading(engine) as conn:
        _tune(conn)
        user = eng.load_actor(conn, actor)
        q = _Query(conn, by, start, end, _scope(conn, user))
        out: dict = defaultdict(dict)
        if q.sqlite:
            _sales(conn, q, out)
            delays: dict = defaultdict(Counter)
            stage_days: dict = defaultdict(Counter)
            _pass(conn, q, out, delays, stage_days)
            late, late_total, per_stage, stage_total = _hist_stats(delays, stage_days)
        elif _kept_year(conn, by, start, end):  # the year's kept answers and the rows past the marks
            late, late_total, per_stage, stage_total = (kept_org if by in ORGS else kept_read).statistics(
                conn, by, end.year, start, end, q.scope, counted=COUNTED, p=kept.params(COUNTED, PRICED,
                                                                                        voiding_triggers()),
                out=out, median_of=_median)
        elif _kept_months(conn, by):  # kept months and spans added and taken away, a few edge days, the tail
            late, late_total, per_stage, stage_total = kept_periods.statistics(
                conn, by, start, end, q.scope, counted=COUNTED, p=kept.params(COUNTED, PRICED, voiding_triggers()),
                out=out, median_of=_median, units=_kept_units(conn))
        elif _kept_officer(conn, by):  # kept officer units (months, spans, days) and the tail
            late, late_total, per_stage, stage_total = kept_officer.statistics(
                conn, by, start, end, q.scope, counted=COUNTED, p=kept.params(COUNTED, PRICED, voiding_triggers()),
                out=out)
        elif _kept_org_periods(conn, by):  # kept organisation units (months, spans, days) and the tail
            late, late_total, per_stage, stage_total = kept_org_periods.statistics(
                conn, by, start, end, q.scope, counted=COUNTED, p=kept.params(COUNTED, PRICED, voiding_triggers()),
                out=out)
        else:  # one statement, one pass over the period's rows
            late, late_total, per_stage, stage_total = pg_pass.run(
                conn, by, start, end, q.scope, counted=COUNTED, priced=PRICED, voiding=voiding_triggers(), out=out,
                median_of=_median)
        avail = _alerts_complaints(conn, q, out)
    keys = sorted(set(out) | {k for k, _ in per_stage}, key=lambda k: (k == NONE_KEY, k))
    by_key: dict = defaultdict(dict)
    for (k, st), (median, _, _) in per_stage.items():
        by_key[k][st] = median
    groups = [_finish(k, out[k], late.get(k, (None, None)), by_key[k], avail) for k in keys]
    total_counts = {k: sum(out[g].get(k, 0) for g in keys) for k in COUNTS + EXTRA}
    total = _finish("TOTAL", total_counts, late_total, stage_total, avail)
    notes = [f"{t} not available in this database" for t, ok in avail.items() if not ok]
    return {"from": start, "to": end, "by": by, "groups": groups, "total": total, "available": avail,
            "notes": notes}


def stages(engine, actor: str | None, start=None, end=None, year: int | None = None, chart: str | None = None,
           lang: str = "en", on=None) -> dict:
    """Median days in each stage per office; with ``chart``, drawn to an SVG or PNG file. Without a
    period, the reporting year of ``on`` (``default_year`` then names it)."""
    if chart and not str(chart).lower().endswith((".svg", ".png")):
        raise UsageError("report_chart", file=chart)
    defaulted = year is None and start is None and end is None
    start, end = period(start, end, year, on)
    with db.reading(engine) as conn:
        _tune(conn)
        user = eng.load_actor(conn, actor)
        q = _Query(conn, "office", start, end, _scope(conn, user))
        if q.sqlite:
            stage_days: dict = defaultdict(Counter)
            _pass(conn, q, {}, {}, stage_days, stages_only=True)
            per_stage = _hist_stats({}, stage_days)[2]
        elif _kept_year(conn, "office", start, end):
            per_stage = kept_read.statistics(conn, "office", end.year, start, end, q.scope, counted=COUNTED,
                                             p=kept.params(COUNTED, PRICED, ()), out={}, median_of=_median,
                                             stages_only=True)[2]
        elif _kept_months(conn, "office"):
            per_stage = kept_periods.statistics(conn, "office", start, end, q.scope, counted=COUNTED,
                                                    p=kept.params(COUNTED, PRICED, voiding_triggers()), out={},
                                                    median_of=_median, units=_kept_units(conn),
                                                    stages_only=True)[2]
        else:
            per_stage = pg_pass.run(conn, "office", start, end, q.scope, counted=COUNTED, priced=PRICED, voiding=(),
                                    out={}, median_of=_median, stages_only=True, totals=False)[2]
    order = {name: i for i, name in enumerate(workflow_mod.get().states)}
    rows = [{"office": k, "stage": st, "median_days": median, "count": n, "worst_days": worst}
            for (k, st), (median, n, worst) in sorted(per_stage.items(),
                                                      key=lambda kv: (kv[0][0], order.get(kv[0][1], 99)))]
    data = {"from": start, "to": end, "rows": rows, "chart": None,
            "default_year": end.year if defaulted else None}
    if chart:
        data["chart"] = stages_chart(rows, chart, start, end, lang)
    return data


def rollup_fold(engine, actor: str | None, progress=None) -> dict:
    """``report rollup``: fold the audit rows written since the last fold into the kept yearly
    answers (:mod:`kept`), in batches (:mod:`kept_batches`; ``progress`` is told of each). SQLite
    keeps nothing (its reports read the log): nothing is folded."""
    eng.require_role(engine, actor, ("admin",), "report rollup")
    return fold_now(engine, progress=progress)


def fold_now(engine, until: dict | None = None, progress=None, batch_rows: int | None = None) -> dict:
    """The fold itself, for ``report rollup``, the scheduler's hourly job (no actor) and the benchmark:
    at most ``batch_rows`` audit rows (:data:`kept_batches.BATCH_ROWS`) per transaction."""
    if db.is_sqlite(engine):
        return {"kept": False, "rows": 0, "added": 0, "marks": {}, "batches": 0}

    def fold_one(upto: dict | None) -> dict:
        with db.writing(engine) as conn:
            conn.exec_driver_sql("SELECT set_config('jit', 'off', true), set_config('work_mem', '256MB', true)")
            return kept.fold(conn, COUNTED, PRICED, voiding_triggers(), upto, also=_also, refill=_refill)

    # the units a revision emptied, made again office by office, each part committed (kept_refill)
    made = kept_refill.run(engine, [(m.UNITS, m.fill) for m in (kept_officer, kept_org_periods)],
                           kept.params(COUNTED, PRICED, voiding_triggers()), progress, batch_rows)
    out = kept_batches.run(engine, fold_one, until, progress, batch_rows)
    return {"kept": True, **out, "added": out["added"] + made}


def _also(conn, batch: dict, p: dict, first: bool) -> None:
    """The kept answers folded from :func:`kept.fold`'s batch beside its own: by organisation, by officer per day,
    by organisation per day (after :func:`kept_org.fold`, which keeps the batch's assets' organisations now)."""
    kept_org.fold(conn, batch, p, first)
    kept_officer.fold(conn, batch, p, first)
    kept_org_periods.fold(conn, batch, p, first)


_NOTHING = {"chains": [], "marks": [], "heads": []}


def _refill(conn, p: dict) -> int:
    """With no row past the marks: the officer or organisation units a revision emptied (0033, 0034)
    filled from the folded rows (each module's fold fills when its table is empty)."""
    return sum(module.fold(conn, _NOTHING, p, False) or 0
               for module in (kept_officer, kept_org_periods) if not module.usable(conn))


def rollup_check(engine, actor: str | None) -> dict:
    """``report rollup --check``: every kept row recomputed from the folded rows of the log;
    ``differs`` is the first (year, grain, office, officer, part, sub) that differs, or None."""
    eng.require_role(engine, actor, ("admin",), "report rollup")
    if db.is_sqlite(engine):
        return {"kept": False, "differs": None}
    with db.reading(engine) as conn:
        _tune(conn)
        p = kept.params(COUNTED, PRICED, voiding_triggers())
        return {"kept": True, "differs": kept.check(conn, COUNTED, PRICED, voiding_triggers())
                or kept_org.check(conn, p) or kept_officer.check(conn, p)
                                          or kept_org_periods.check(conn, p)}
