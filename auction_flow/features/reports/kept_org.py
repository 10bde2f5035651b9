"""PostgreSQL: the reports by auction and by appraisal organisation kept per reporting year (issue 16).

These groupings use the asset's organisation as it is NOW (``assets.auction_org``,
``appraisal_org``): every row of an asset's history counts for the organisation it has today.
``report_org_years`` keeps, per reporting year, grouping (kind 'a' auction, 'p' appraisal), office
(and the country, office '*') and organisation, the parts of :mod:`kept`: the days per state left,
the counted triggers with each handover's delay, the assets priced (once per asset, year and
office), and the sales recorded ('sold'; which of them were not cancelled, with their prices, is
read from :mod:`kept`'s ``report_sales``). ``report_org_assets`` keeps the organisations each
folded asset's rows are counted under.

* :func:`fold`, inside :func:`kept.fold` (same transaction, lock and batch, before the marks
  move): the batch's assets' organisations now are read from ``assets``; an asset whose
  organisations differ from those kept has its folded rows (every year) grouped again with the
  per-row SQL and moved from the old organisation's groups to the new one's; the batch's rows are
  then grouped under the kept organisations. Every change of an asset's organisation writes an audit
  row on its chain (a step's field: core/engine.py ``COLUMNS``; ``asset correct``: core/amend.py; an
  import creates the asset with its rows: core/bulk.py), so an asset whose organisation changed
  since it was folded has a row past the marks: the fold meets it, and so does a report's tail.
* :func:`statistics`: the kept rows of the year in the actor's scope, the kept sales not cancelled
  (``report_sales``) under their asset's kept organisation, and the tail past the marks under each
  asset's organisation now; a tail asset whose organisation changed has its folded rows of the
  year moved in memory, and its kept sales classified live (as :mod:`kept_read` does).
* :func:`check`: every kept row recomputed from the folded rows under the kept organisations, and
  every asset with no row past the marks kept under the organisations it has now.
"""

from __future__ import annotations

import json

from sqlalchemy import bindparam, text

from auction_flow.features.reports.kept import add_hist
from auction_flow.features.reports.pg_pass import DELAY, LEFT, STAGE_DAYS

KINDS = {"auction-org": "a", "appraisal-org": "p"}
COUNTRY = "*"
_YEAR = "extract(year FROM a.business_date + interval '3 months')::int"  # as kept.YEAR_OF: Oct 1 .. Sep 30
_FOLDED = "a.log_seq <= COALESCE((SELECT m.log_seq FROM report_marks m WHERE m.chain = a.chain), 0)"
_UNNEST = "unnest(CAST(:chains AS text[]), CAST(:marks AS int[]), CAST(:heads AS int[])) AS h(chain, mark, head)"
_BATCH = (f"{_UNNEST} CROSS JOIN LATERAL (SELECT * FROM audit_log x WHERE x.chain = h.chain AND x.log_seq > h.mark "
          "AND x.log_seq <= h.head OFFSET 0) a")
_NAMES = ("counted", "wanted", "priced")


def _statement(src: str, where: str = "", per_asset: bool = False, new_only: bool = False, names=()):
    """The rows of ``src`` (audit rows ``a``) grouped by (part, g1, g2, year, office, sub, value): n.
    (g1, g2): the kept auction and appraisal organisations (``report_org_assets``), or with
    ``per_asset`` the asset's id and NULL. ``new_only``: a pricing counts when no folded row priced
    the asset in the same year and office."""
    b = f"""b AS MATERIALIZED (
    SELECT a.asset_id, {_YEAR} AS year, COALESCE(a.office, '-') AS office,
           CASE WHEN {LEFT} THEN a.from_state COLLATE "C" END AS stage, CASE WHEN {LEFT} THEN {STAGE_DAYS} END AS days,
           a.trigger COLLATE "C" AS trigger, CASE WHEN a.trigger = ANY(:counted) THEN {DELAY} END AS delay
    FROM {src} WHERE a.asset_id IS NOT NULL AND ({LEFT} OR a.trigger = ANY(:wanted)){where})"""
    if per_asset:
        g, join = "x.asset_id AS g1, NULL::text AS g2", ""
    else:
        g, join = "r.auction_org AS g1, r.appraisal_org AS g2", " JOIN report_org_assets r ON r.asset_id = x.asset_id"
    new = (" WHERE NOT EXISTS (SELECT 1 FROM audit_log a WHERE a.asset_id = x.asset_id AND a.trigger = ANY(:priced) "
           f"AND {_YEAR} = x.year AND COALESCE(a.office, '-') = x.office AND {_FOLDED})") if new_only else ""
    sql = f"""WITH {b}
SELECT 'stage' AS part, {g}, x.year, x.office, x.stage AS sub, x.days AS value, count(*) FROM b x{join}
WHERE x.stage IS NOT NULL GROUP BY 2, 3, 4, 5, 6, 7
UNION ALL
SELECT 'trig', {g}, x.year, x.office, x.trigger, x.delay, count(*) FROM b x{join}
WHERE x.trigger = ANY(:counted) GROUP BY 2, 3, 4, 5, 6, 7
UNION ALL
SELECT 'sold', {g}, x.year, x.office, '', NULL, count(*) FROM b x{join} WHERE x.trigger = 'record_sale' GROUP BY 2, 3, 4, 5
UNION ALL
SELECT 'priced', {g}, x.year, x.office, '', NULL, count(*)
FROM (SELECT DISTINCT asset_id, year, office FROM b WHERE trigger = ANY(:priced)) x{join}{new} GROUP BY 2, 3, 4, 5"""
    return text(sql).bindparams(*(bindparam(n) for n in _NAMES + tuple(names)))


def _value(v) -> str:
    return "" if v is None else str(int(v))


def _hist(part: str, value, n: int) -> dict:
    return {"n": n} if part in ("sold", "priced") else {_value(value): n}


def _spread(kept: dict, orgs, year, office, part, sub, hist: dict, sign: int = 1) -> None:
    """Add ``hist`` under the (auction, appraisal) organisations ``orgs``, for the office and the country."""
    for kind, org in zip("ap", orgs):
        for where in (office, COUNTRY):
            add_hist(kept, (year, kind, where, org, part, sub), hist, sign)


def pack(rows, kept: dict | None = None) -> dict:
    """The grouped rows of :func:`_statement` (kept organisations) as kept rows
    {(year, kind, office, org, part, sub): {value: count}}."""
    kept = {} if kept is None else kept
    for part, g1, g2, year, office, sub, value, n in rows:  # plain dicts, inline: the first fold packs millions
        k = "n" if part in ("sold", "priced") else ("" if value is None else str(value))
        for key in ((year, "a", office, g1, part, sub), (year, "a", COUNTRY, g1, part, sub),
                    (year, "p", office, g2, part, sub), (year, "p", COUNTRY, g2, part, sub)):
            h = kept.get(key)
            if h is None:
                kept[key] = {k: n}
            else:
                h[k] = h.get(k, 0) + n
    return kept


def move(rows, orgs: dict, kept: dict) -> None:
    """Per-asset grouped rows (:func:`_statement` ``per_asset``): each taken from the asset's old
    organisations and added to its new ones; ``orgs`` {asset: (old (a, p), new (a, p))}."""
    for part, asset, _, year, office, sub, value, n in rows:
        old, new = orgs[asset]
        hist = _hist(part, value, int(n))
        _spread(kept, old, year, office, part, sub, hist, sign=-1)
        _spread(kept, new, year, office, part, sub, hist)


# the batch's assets: their organisations now kept, those that changed returned with the old ones. (The
# first fold keeps every asset's: reading the batch's distinct assets cost more than its grouping, and an
# asset with no row folded yet is kept under its organisations with nothing counted under them.)
_RECORD = """WITH t AS ({assets}),
c AS (SELECT t.asset_id, COALESCE(s.auction_org, '-') AS na, COALESCE(s.appraisal_org, '-') AS np,
             r.auction_org AS oa, r.appraisal_org AS op
      FROM t JOIN assets s ON s.id = t.asset_id LEFT JOIN report_org_assets r ON r.asset_id = t.asset_id),
up AS (INSERT INTO report_org_assets (asset_id, auction_org, appraisal_org)
       SELECT asset_id, na, np FROM c WHERE oa IS NULL OR oa <> na OR op <> np
       ON CONFLICT (asset_id) DO UPDATE SET auction_org = EXCLUDED.auction_org, appraisal_org = EXCLUDED.appraisal_org)
SELECT asset_id, oa, op, na, np FROM c WHERE oa IS NOT NULL AND (oa <> na OR op <> np)"""
_BATCH_ASSETS = f"SELECT DISTINCT a.asset_id FROM {_BATCH} WHERE a.asset_id IS NOT NULL"
_KEYS = ("unnest(CAST(:y AS int[]), CAST(:k AS text[]), CAST(:o AS text[]), CAST(:g AS text[]), CAST(:p AS text[]), "
         "CAST(:s AS text[])")
_READ = text(f"SELECT r.year, r.kind, r.office, r.org, r.part, r.sub, r.packed FROM report_org_years r "
             f"JOIN {_KEYS}) AS k(year, kind, office, org, part, sub) USING (year, kind, office, org, part, sub)")
_WRITE = text(f"INSERT INTO report_org_years (year, kind, office, org, part, sub, packed) "
              f"SELECT * FROM {_KEYS}, CAST(:packed AS text[])) "
              "ON CONFLICT ON CONSTRAINT pk_report_org_years DO UPDATE SET packed = EXCLUDED.packed")
_COPY = "COPY report_org_years (year, kind, office, org, part, sub, packed) FROM STDIN"


def _dumps(hist: dict) -> str:
    return json.dumps({k: v for k, v in sorted(hist.items()) if v}, separators=(",", ":"))


def _columns(keys) -> dict:
    return dict(zip("ykogps", (list(c) for c in zip(*keys)))) if keys else dict.fromkeys("ykogps", [])


def wanted(p: dict) -> dict:
    return {n: p[n] for n in _NAMES}


def fold(conn, batch: dict, p: dict, first: bool) -> int:
    """Fold the batch of :func:`kept.fold` (``batch``: chains, marks, heads; ``p``: :func:`kept.params`)
    before its marks move; returns how many kept rows were written."""
    kept: dict = {}
    record = text(_RECORD.format(assets="SELECT id AS asset_id FROM assets" if first else _BATCH_ASSETS))
    moved = {a: ((oa, op), (na, np)) for a, oa, op, na, np in conn.execute(record, {} if first else batch)}
    if moved:  # their folded rows, every year, from the old organisations to the new ones
        move(conn.execute(_statement("audit_log a", f" AND a.asset_id = ANY(:assets) AND {_FOLDED}", per_asset=True,
                                     names=("assets",)), {**wanted(p), "assets": sorted(moved)}), moved, kept)
    pack(conn.execute(_statement(_BATCH, new_only=not first, names=("chains", "marks", "heads")),
                      {**wanted(p), **batch}), kept)
    keys = sorted(kept)
    empty = conn.execute(text("SELECT NOT EXISTS (SELECT 1 FROM report_org_years)")).scalar()
    if keys and empty:
        with conn.connection.driver_connection.cursor() as cur, cur.copy(_COPY) as copy:
            for k in keys:
                copy.write_row((*k, _dumps(kept[k])))
        conn.execute(text("ANALYZE report_org_years"))
        conn.execute(text("ANALYZE report_org_assets"))
    elif keys:
        for y, k, o, g, p_, s, packed in conn.execute(_READ, _columns(keys)).all():
            add_hist(kept, (y, k, o, g, p_, s), json.loads(packed))
        conn.execute(_WRITE, {**_columns(keys), "packed": [_dumps(kept[k]) for k in keys]})
    return len(keys)


# an asset with no row past the marks is kept under the organisations it has now (else one changed unaudited)
_STALE = text("""SELECT r.asset_id, r.auction_org, COALESCE(s.auction_org, '-'), r.appraisal_org,
       COALESCE(s.appraisal_org, '-') FROM report_org_assets r JOIN assets s ON s.id = r.asset_id
WHERE (r.auction_org <> COALESCE(s.auction_org, '-') OR r.appraisal_org <> COALESCE(s.appraisal_org, '-'))
  AND NOT EXISTS (SELECT 1 FROM audit_log a LEFT JOIN report_marks m ON m.chain = a.chain
                  WHERE a.asset_id = r.asset_id AND a.log_seq > COALESCE(m.log_seq, 0))
ORDER BY 1 LIMIT 1""")
_UNKEPT = text(f"""SELECT a.asset_id FROM audit_log a WHERE a.asset_id IS NOT NULL AND {_FOLDED}
AND NOT EXISTS (SELECT 1 FROM report_org_assets r WHERE r.asset_id = a.asset_id) LIMIT 1""")


def check(conn, p: dict):
    """None when the kept rows are the folded rows grouped again under the kept organisations and
    every asset is kept under the organisations it has (or has a row past the marks); else the
    first (year, kind, office, org, part, sub) that differs, or (None, kind, None, asset, 'asset', org)."""
    stale = conn.execute(_STALE).first()
    if stale is not None:
        asset, oa, na, op, np = stale
        return (None, "a", None, asset, "asset", na) if oa != na else (None, "p", None, asset, "asset", np)
    unkept = conn.execute(_UNKEPT).scalar()
    if unkept is not None:
        return None, "a", None, unkept, "asset", "?"
    log = pack(conn.execute(_statement("audit_log a", f" AND {_FOLDED}"), wanted(p)))
    kept = {tuple(r[:6]): json.loads(r[6]) for r in conn.execute(text(
        "SELECT year, kind, office, org, part, sub, packed FROM report_org_years"))}
    for key in sorted(set(log) | set(kept), key=lambda k: tuple(map(str, k))):
        if {k: v for k, v in log.get(key, {}).items() if v} != {k: v for k, v in kept.get(key, {}).items() if v}:
            return key
    return None


# --- a reporting year's report by organisation: the kept rows, the kept sales, the tail ---------------------------

_KEPT = text("SELECT org, part, sub, packed FROM report_org_years WHERE year = :year AND kind = :kind "
             "AND office = ANY(:offices)")
_COLUMN = {"a": "auction_org", "p": "appraisal_org"}


def _sql(kind: str, sql: str):
    return text(sql.replace("{org}", _COLUMN[kind]))


# the kept sales not cancelled of the year, under their asset's kept organisation
_KEPT_SALES = """SELECT r.{org}, count(*), sum(s.realised), sum(s.appraised) FROM report_sales s
JOIN report_org_assets r ON r.asset_id = s.asset_id WHERE s.year = :year AND (s.office = ANY(:scope) OR :every)
GROUP BY 1"""
_TAKEN = """SELECT s.sale_id, r.{org}, s.realised, s.appraised FROM report_sales s
JOIN report_org_assets r ON r.asset_id = s.asset_id WHERE s.year = :year AND s.asset_id = ANY(:assets)
AND (s.office = ANY(:scope) OR :every)"""
_TAIL = f"""SELECT a.id, a.asset_id, a.trigger, a.business_date BETWEEN :start AND :end AS inside,
       COALESCE(a.office, '-') AS office, COALESCE(s.{{org}}, '-') AS org, r.{{org}} AS was,
       CASE WHEN {LEFT} THEN a.from_state END AS stage, CASE WHEN {LEFT} THEN {STAGE_DAYS} END AS days,
       CASE WHEN a.trigger = ANY(:counted) THEN {DELAY} END AS delay
FROM (SELECT h.chain, COALESCE(m.log_seq, 0) AS mark FROM audit_heads h LEFT JOIN report_marks m ON m.chain = h.chain
      WHERE h.log_seq > COALESCE(m.log_seq, 0)) h
CROSS JOIN LATERAL (SELECT * FROM audit_log x WHERE x.chain = h.chain AND x.log_seq > h.mark OFFSET 0) a
JOIN assets s ON s.id = a.asset_id LEFT JOIN report_org_assets r ON r.asset_id = a.asset_id"""
_FOLDED_PRICED = text(f"SELECT DISTINCT a.asset_id, COALESCE(a.office, '-') FROM audit_log a WHERE a.asset_id = "
                      f"ANY(:assets) AND a.trigger = ANY(:priced) AND a.business_date BETWEEN :start AND :end AND {_FOLDED}")
_LIVE_SALES = """SELECT COALESCE(t.{org}, '-'),
       CASE WHEN (SELECT n.trigger FROM audit_log n WHERE n.asset_id = a.asset_id AND n.seq > a.seq
                  AND n.trigger = ANY(:after_sale) ORDER BY n.seq LIMIT 1) = ANY(:voiding) THEN 'c' ELSE 'k' END,
       COALESCE(t.sale_price, 0), COALESCE(t.appraised_price, 0)
FROM audit_log a JOIN assets t ON t.id = a.asset_id WHERE a.id = ANY(:ids)"""


class _Groups(dict):
    """{(org, part, sub): histogram}, merged key by key."""

    def add(self, org, part, sub, hist: dict, sign: int = 1) -> None:
        add_hist(self, (org, part, sub), hist, sign)


def _median_stats(h: dict, median_of):
    h = {int(k): v for k, v in h.items() if v}
    return median_of(h), sum(h.values()), max(h)


def _tail(conn, groups: _Groups, kind: str, year: int, start, end, scope, p: dict) -> None:
    """The rows past the marks under each asset's organisation now; the tail's assets whose
    organisation changed: their folded rows of the year moved; their kept sales classified live."""
    inside = (lambda office: True) if scope is None else set(scope).__contains__
    now, moved, priced, sales = {}, {}, {}, []
    for row in conn.execute(_sql(kind, _TAIL).bindparams(bindparam("counted")),
                            {"start": start, "end": end, "counted": p["counted"]}):
        now[row.asset_id] = row.org
        if row.was is not None and row.was != row.org:
            moved[row.asset_id] = row.was
        if not row.inside or not inside(row.office):
            continue
        if row.stage is not None:
            groups.add(row.org, "stage", row.stage, {str(row.days): 1})
        if row.trigger in p["counted"]:
            groups.add(row.org, "trig", row.trigger, {_value(row.delay): 1})
        if row.trigger in p["priced"]:
            priced.setdefault(row.asset_id, set()).add(row.office)
        if row.trigger == "record_sale":
            groups.add(row.org, "sold", "", {"n": 1})
            sales.append(row.id)
    everything = scope is None
    if moved:  # the year's folded rows of the assets whose organisation changed, in scope, moved
        office = "" if everything else " AND a.office = ANY(:scope)"
        rows = conn.execute(_statement("audit_log a", f" AND a.asset_id = ANY(:assets) AND a.business_date BETWEEN "
                                                      f":start AND :end{office} AND {_FOLDED}", per_asset=True,
                                       names=("assets", "start", "end") + (() if everything else ("scope",))),
                            {**wanted(p), "assets": sorted(moved), "start": start, "end": end,
                             **({} if everything else {"scope": list(scope)})})
        for part, asset, _, _, _, sub, value, n in rows:
            groups.add(moved[asset], part, sub, _hist(part, value, int(n)), sign=-1)
            groups.add(now[asset], part, sub, _hist(part, value, int(n)))
    if priced:  # an asset counts once per office and year: not when a folded row priced it there
        before = set(conn.execute(_FOLDED_PRICED, {"assets": sorted(priced), "priced": p["priced"], "start": start,
                                                   "end": end}).all())
        for asset, offices in priced.items():
            for office in offices:
                if (asset, office) not in before:
                    groups.add(now[asset], "priced", "", {"n": 1})
    if now:  # the kept sales not cancelled of the tail's assets: taken back, then classified live
        for sale_id, org, x, y in conn.execute(_sql(kind, _TAKEN), {"year": year, "assets": sorted(now),
                                                                     "scope": list(scope or ()), "every": everything}):
            groups.add(org, "k", "", {"n": 1, "x": x, "y": y}, sign=-1)
            sales.append(sale_id)
    if sales:
        for org, sold_as, x, y in conn.execute(_sql(kind, _LIVE_SALES).bindparams(
                bindparam("after_sale"), bindparam("voiding")),
                {"ids": sales, "after_sale": p["after_sale"], "voiding": p["voiding"]}):
            if sold_as == "k":
                groups.add(org, "k", "", {"n": 1, "x": int(x), "y": int(y)})


def statistics(conn, by: str, year: int, start, end, scope, *, counted: dict, p: dict, out: dict, median_of):
    """As :func:`pg_pass.run` for ``by`` an organisation: fill ``out`` and return
    (late, late_total, per_stage, stage_total)."""
    kind, groups = KINDS[by], _Groups()
    for org, part, sub, packed in conn.execute(_KEPT, {"year": year, "kind": kind,
                                                       "offices": [COUNTRY] if scope is None else list(scope)}):
        groups.add(org, part, sub, json.loads(packed))
    for org, n, x, y in conn.execute(_sql(kind, _KEPT_SALES), {"year": year, "scope": list(scope or ()),
                                                               "every": scope is None}):
        groups.add(org, "k", "", {"n": int(n), "x": int(x or 0), "y": int(y or 0)})
    _tail(conn, groups, kind, year, start, end, scope, p)
    late, per_stage, handed, stages = {}, {}, {}, {}
    for (org, part, sub), h in groups.items():
        if not any(h.values()):
            continue
        if part == "stage":
            per_stage[(org, sub)] = _median_stats(h, median_of)
            add_hist(stages, sub, h)
            continue
        g = out[org]
        if part == "trig":
            for k in counted[sub]:
                g[k] = g.get(k, 0) + sum(h.values())
            if sub == "hand_over":
                delays = {int(d): v for d, v in h.items() if d != "" and v}
                g["handed_over_on_time"] = sum(v for d, v in delays.items() if d <= 0)
                g["handed_over_late"] = sum(v for d, v in delays.items() if d > 0)
                over = {d: v for d, v in delays.items() if d > 0}
                if over:
                    late[org] = (median_of(over), max(over))
                    add_hist(handed, "over", over)
            continue
        for k in ("priced", "sold", "cancelled", "realised", "appraised"):
            g.setdefault(k, 0)
        if part == "priced":
            g["priced"] = h.get("n", 0)
        elif part == "sold":
            g["sold"] = h.get("n", 0)
        else:  # k: the sales not cancelled
            g["realised"], g["appraised"] = h.get("x", 0), h.get("y", 0)
            g["not_cancelled"] = h.get("n", 0)
    for g in out.values():
        if "not_cancelled" in g:
            g["cancelled"] = g.get("sold", 0) - g.pop("not_cancelled")
        elif "sold" in g:
            g["cancelled"] = g["sold"]
    over = {d: v for d, v in handed.get("over", {}).items() if v}
    late_total = (median_of(over), max(over)) if over else (None, None)
    stage_total = {sub: median_of({int(k): v for k, v in h.items() if v}) for sub, h in stages.items()
                   if any(h.values())}
    return late, late_total, per_stage, stage_total
