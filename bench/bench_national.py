"""A country on one PostgreSQL (issue 16): build a national database, then measure what reads it.

    .venv/bin/python bench/bench_national.py --scale 0.05          # 250,000 assets, ~2.5 M audit rows
    .venv/bin/python bench/bench_national.py --scale 1              # 5 M assets, ~50 M audit rows
    .venv/bin/python bench/bench_national.py --scale 0.05 --reuse   # measure again, no rebuild
    .venv/bin/python bench/bench_national.py --scale 0.01 --reuse --skip scan,reports,latency   # verify only
    .venv/bin/python bench/bench_national.py --scale 0.01 --roots 1000 --only verify   # with a root history
    .venv/bin/python bench/bench_national.py --scale 1 --provinces 2 --only verify   # 2 provinces at full size

The database (bench/national_data.py: 63 provinces, 700 offices, rows in time order, real
hashes, loaded through COPY; with ``--provinces N`` only the first N provinces, each as dense as
in the whole country, so "the whole log" is then theirs only) is ``af_national`` on the server
of AUCTION_FLOW_TEST_PG (default postgresql://postgres@127.0.0.1:5432/test); it is kept for
--reuse (drop it with --drop).
Each figure is a ratio against a bare baseline measured in the same run on the same rows:

* the alert scan as of TODAY against one bare INSERT ... SELECT of the due assets;
* ``report summary`` (by office, by officer) and ``report stages`` for the reporting year 2026, of
  one province (its supervisor) and of the country (an administrator), against a bare
  ``SELECT office, trigger, count(*) ... GROUP BY office, trigger`` over the same rows: first with
  nothing folded (the one statement over the year's rows), then ``report rollup`` folds the whole
  log (timed) into the kept yearly answers, a hundred steps make a small tail, and the same reports
  read the kept rows and that tail (each compared, once, with the live statement's answer);
* ``audit verify`` of one office, of one province and of the whole log, each against a bare verify
  of the same rows through psycopg (the same hashes recomputed, stdlib only), each in a fresh child
  process whose own peak RSS (VmHWM) is read at its end;
* a step's latency (``asset advance``) alone, then while the scan and the country's report run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))
from common import emit, result  # noqa: E402

PG = os.environ.get("AUCTION_FLOW_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
DB = "af_national"
YEAR = 2026  # 2025-10-01 .. 2026-09-30
PROVINCE = "P01"


def urls(name: str | None = None) -> tuple[str, str, str]:
    """(admin URL, the bench database's SQLAlchemy URL, its libpq conninfo)."""
    name = name or DB
    from sqlalchemy.engine import make_url

    from auction_flow.common.config import db_url

    base = make_url(db_url(PG))
    url = base.set(database=name)
    return (base.render_as_string(hide_password=False), url.render_as_string(hide_password=False),
            url.set(drivername="postgresql").render_as_string(hide_password=False))


def psql(conninfo: str):
    import psycopg

    return psycopg.connect(conninfo, autocommit=True)


def _droppable(cur, tables) -> tuple[list, list]:
    """The UNIQUE and FOREIGN KEY constraints and the plain indexes of ``tables`` (not the keys)."""
    cur.execute("SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid::regclass::text = ANY(%s) AND contype IN ('u', 'f')", (list(tables),))
    cons = cur.fetchall()
    cur.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) AND indexname NOT IN "
                "(SELECT conname FROM pg_constraint WHERE contype IN ('p', 'u'))", (list(tables),))
    return cons, cur.fetchall()


def _people(url: str, nd, provinces: int) -> tuple[dict, dict]:
    """The 700 offices, 4 officers and a supervisor per branch, a supervisor per province, added
    through the administration's service (audited: ``audit verify`` checks the offices and users
    against their rows). Returns {office code: id} and {username: id}."""
    from sqlalchemy import select

    from auction_flow.features.admin import service as admin
    from auction_flow.storage import db
    from auction_flow.storage.schema import offices, users

    engine = db.open_db(url)
    for code, parent in nd.offices(provinces):
        admin.add_office(engine, "admin", code, f"THADS {code}", parent)
        if parent is None:
            admin.add_user(engine, "admin", f"ld_{code}", "supervisor", code)
            continue
        for k in range(nd.OFFICERS):
            admin.add_user(engine, "admin", f"cv_{code}_{k}", "officer", code)
        admin.add_user(engine, "admin", f"ld_{code}", "supervisor", code)
    with engine.connect() as conn:
        ids = dict(conn.execute(select(offices.c.code, offices.c.id)).all())
        people = dict(conn.execute(select(users.c.username, users.c.id)).all())
    engine.dispose()
    return ids, people


def history_roots(conninfo: str, n: int, before: dt.datetime) -> dict:
    """``n`` roots spread evenly over the history's business days, as a daily root would have left
    them: each over every chain's last row of a business day up to its own, dated at that day's end
    (or just before the build started: every row is recorded after, so none looks back-dated), and
    stored as roots.write stores them, only the heads that moved (``roots.moved``, ``root_hash``)."""
    from auction_flow.core import audit, roots

    t0 = time.perf_counter()
    with psql(conninfo) as conn:
        per_day = conn.execute("SELECT business_date, chain, max(log_seq) FROM audit_log "
                               "GROUP BY business_date, chain ORDER BY business_date").fetchall()
        days = sorted({d for d, _c, _s in per_day})
        chosen = sorted({days[round(i * (len(days) - 1) / max(n - 1, 1))] for i in range(n)})
        pos, states, it = {}, [], iter(per_day)
        row = next(it, None)
        for day in chosen:  # each chosen day: the positions that moved since the one before
            moved = {}
            while row is not None and row[0] <= day:
                if row[2] > pos.get(row[1], 0):
                    pos[row[1]] = moved[row[1]] = row[2]
                row = next(it, None)
            states.append((day, moved))
        pairs = sorted({(c, s) for _d, moved in states for c, s in moved.items()})
        links = {(c, s): h for c, s, h in conn.execute(
            "SELECT l.chain, l.log_seq, l.log_hash FROM unnest(%s::text[], %s::int[]) AS u(chain, log_seq) "
            "JOIN audit_log l ON l.chain = u.chain AND l.log_seq = u.log_seq",
            ([c for c, _s in pairs], [s for _c, s in pairs])).fetchall()}
        last = conn.execute("SELECT seq, hash FROM audit_roots ORDER BY seq DESC LIMIT 1").fetchone()
        seq, prev = last or (0, audit.GENESIS)
        heads, stored = {}, 0
        with conn.transaction(), conn.cursor() as cur:
            for i, (day, moved) in enumerate(states):
                taken = min(dt.datetime.combine(day, dt.time(23, 59, 59), dt.timezone.utc),
                            before - dt.timedelta(milliseconds=len(states) - i))
                now = {**heads, **{c: (s, links[c, s]) for c, s in moved.items()}}
                rows = roots.moved(heads, now)
                seq, prev_ = seq + 1, prev
                prev = roots.root_hash(prev_, seq, audit.timestamp_text(taken), [(c, s, h) for c, (s, h) in now.items()])
                cur.execute("INSERT INTO audit_roots (seq, taken_at, source, taken_by, prev_hash, hash) "
                            "VALUES (%s, %s, 'command', NULL, %s, %s)", (seq, taken, prev_, prev))
                cur.executemany("INSERT INTO audit_root_heads (root_seq, chain, log_seq, log_hash) "
                                "VALUES (%s, %s, %s, %s)", [(seq, r["chain"], r["log_seq"], r["log_hash"])
                                                            for r in rows])
                heads, stored = now, stored + len(rows)
    print(f"{len(states):,} roots over {len(days):,} business days ({chosen[0]} .. {chosen[-1]}), {stored:,} heads "
          f"stored (every head at every root: {len(heads) * len(states):,} at most) in "
          f"{time.perf_counter() - t0:.0f} s", flush=True)
    return {"roots": len(states), "stored": stored}


def build(scale: float, admin_url: str, url: str, conninfo: str, n_roots: int = 0, since=None,
          provinces: int | None = None) -> dict:
    import national_data as nd
    from sqlalchemy import create_engine, text

    from auction_flow.features.admin import service as admin
    from auction_flow.storage import db

    started = dt.datetime.now(dt.timezone.utc)
    eng = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with eng.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{DB}"'))
    eng.dispose()
    admin.init(url, "admin")
    db.get_engine(url).dispose()
    t0 = time.perf_counter()
    provinces = provinces or nd.PROVINCES
    office_ids, user_ids = _people(url, nd, provinces)
    print(f"{len(office_ids):,} offices and {len(user_ids):,} users added in {time.perf_counter() - t0:.0f} s",
          flush=True)
    with psql(conninfo) as conn, conn.cursor() as cur:
        cons, idx = _droppable(cur, ("assets", "audit_log"))
        for table, name, _ in cons:
            cur.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _ in idx:
            cur.execute(f'DROP INDEX "{name}"')
        cur.execute("ALTER TABLE audit_log DISABLE TRIGGER USER")
    print(f"database made; {len(idx)} indexes and {len(cons)} constraints dropped for the load", flush=True)
    a_conn, l_conn = psql(conninfo), psql(conninfo)
    for c in (a_conn, l_conn):
        c.autocommit = False
        c.execute("SET synchronous_commit = off")
    loaded = nd.load(a_conn, l_conn, scale, office_ids, user_ids, since=since or nd.START, provinces=provinces)
    a_conn.commit()
    l_conn.commit()
    a_conn.close()
    l_conn.close()
    print(f"loaded {loaded['assets']:,} assets and {loaded['rows']:,} audit rows in {loaded['seconds']:.0f} s",
          flush=True)
    t1 = time.perf_counter()
    with psql(conninfo) as conn, conn.cursor() as cur:
        cur.execute("SET maintenance_work_mem = '1GB'")
        for name, ddl in idx:
            cur.execute(ddl)
        for table, name, ddl in cons:
            cur.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {ddl}')
        cur.execute("ALTER TABLE audit_log ENABLE TRIGGER USER")
        if loaded["chained"]:
            cur.executemany("INSERT INTO audit_heads (chain, log_seq, log_hash) VALUES (%s, %s, %s) ON CONFLICT "
                            "(chain) DO UPDATE SET log_seq = excluded.log_seq, log_hash = excluded.log_hash",
                            [(c, s, h) for c, (s, h) in loaded["heads"].items()])
        else:
            s, h = loaded["heads"][""]
            cur.execute("UPDATE audit_head SET log_seq = %s, log_hash = %s WHERE id = 1", (s, h))
        for table in ("assets", "audit_log"):
            cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        if loaded["chained"]:  # a root over every chain's head, as the scheduler takes them
            from auction_flow.core import roots

            if n_roots:  # ... after a history of them
                history_roots(conninfo, n_roots, started)
            roots.take(db.get_engine(url), "command")
        cur.execute("VACUUM ANALYZE")
        cur.execute("SELECT pg_database_size(current_database())")
        size = cur.fetchone()[0]
    print(f"indexes, constraints and VACUUM ANALYZE in {time.perf_counter() - t1:.0f} s; "
          f"database {size / 2**30:.2f} GiB; built in {time.perf_counter() - t0:.0f} s", flush=True)
    return {**loaded, "size": size, "seconds": time.perf_counter() - t0}


def timed(fn, rounds: int = 3) -> float:
    """The median of ``rounds`` timings."""
    times = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def _scope_of(engine, actor: str) -> list[str] | None:
    from auction_flow.core import authz
    from auction_flow.core.engine import load_actor
    from auction_flow.storage import db

    with db.reading(engine) as conn:
        visible = authz.visible_offices(conn, load_actor(conn, actor))
    return None if visible is None else sorted(visible.values())


def bare_group_by(conninfo: str, start, end, scope, rounds: int) -> tuple[int, float]:
    """The period's audit rows in ``scope`` (None: the country), and the median time of the bare
    ``GROUP BY office, trigger`` over them that every report is measured against."""
    where = "business_date BETWEEN %s AND %s" + ("" if scope is None else " AND office = ANY(%s)")
    args = [start, end] + ([] if scope is None else [scope])
    with psql(conninfo) as conn:
        rows = conn.execute(f"SELECT count(*) FROM audit_log WHERE {where}", args).fetchone()[0]

    def bare():
        with psql(conninfo) as conn:
            conn.execute(f"SELECT office, trigger, count(*) FROM audit_log WHERE {where} GROUP BY office, trigger",
                         args).fetchall()

    return rows, timed(bare, rounds)


def measure_reports(engine, conninfo: str, rounds: int, what: str = "") -> list:
    from auction_flow.features.reports import service as reports

    start, end = reports.period(year=YEAR)
    out = []
    for label, actor, goal in ((f"province {PROVINCE}", f"ld_{PROVINCE}", "<= 3x; <= 1 s"),
                               ("country", "admin", "<= 3x; <= 5 s")):
        rows, base = bare_group_by(conninfo, start, end, _scope_of(engine, actor), rounds)
        for name, fn in (("report summary --by office", lambda: reports.summary(engine, actor, year=YEAR)),
                         ("report summary --by officer",
                          lambda: reports.summary(engine, actor, year=YEAR, by="officer")),
                         ("report stages", lambda: reports.stages(engine, actor, year=YEAR)),
                         ("report summary --by auction-org",
                          lambda: reports.summary(engine, actor, year=YEAR, by="auction-org")),
                         ("report summary --by appraisal-org",
                          lambda: reports.summary(engine, actor, year=YEAR, by="appraisal-org"))):
            t = timed(fn, rounds)
            print(f"{name} --year {YEAR}, {label}{what and ', ' + what} ({rows:,} rows in the year): {t:.2f} s; "
                  f"bare GROUP BY {base:.2f} s; ratio {t / base:.2f}", flush=True)
            out.append(result(f"{name} --year {YEAR}, {label}{what and ', ' + what} ({rows:,} audit rows in the year)",
                              t, "s", base,
                              t / base, goal, f"vs a bare GROUP BY office, trigger over the same rows; median of "
                              f"{rounds}"))
    return out


def _fold(url: str) -> dict:
    """One fold of the kept yearly answers (auction_flow.features.reports.kept), timed."""
    from auction_flow.features.reports import service as reports
    from auction_flow.storage import db

    t0 = time.perf_counter()
    res = reports.fold_now(db.open_db(url))
    return {**res, "seconds": time.perf_counter() - t0}


def measure_kept(engine, url: str, conninfo: str, rounds: int) -> list:
    """The reports with nothing folded (the live statement), a first fold of the whole log (timed),
    a hundred steps (the tail), the reports on the kept answers and that tail, each checked once
    against the live statement's answer, then the fold of the tail (timed)."""
    from auction_flow.features.reports import kept
    from auction_flow.features.reports import service as reports

    start, end = reports.period(year=YEAR)
    with psql(conninfo) as conn:  # measured from nothing folded (a reused database may have been folded)
        conn.execute("TRUNCATE report_years, report_months, report_spans, report_sales, report_marks, report_org_years, "
                     "report_org_assets, report_officer_units, report_org_units")
        conn.commit()
        rows = conn.execute("SELECT count(*) FROM audit_log WHERE business_date BETWEEN %s AND %s",
                            [start, end]).fetchone()[0]
    out = measure_reports(engine, conninfo, rounds, "live statement, nothing folded")
    first = _fold(url)
    with psql(conninfo) as conn:
        n_kept, year_kept = conn.execute("SELECT count(*), count(*) FILTER (WHERE year = %s) FROM report_years",
                                         [YEAR]).fetchone()
        sales = conn.execute("SELECT count(*) FROM report_sales").fetchone()[0]
    print(f"first fold: {first['rows']:,} audit rows -> {first['added']:,} kept rows in {first['seconds']:.1f} s; "
          f"report_years {n_kept:,} rows ({year_kept:,} for {YEAR}, whose audit rows are {rows:,}); "
          f"report_sales {sales:,}", flush=True)
    out.append(result(f"report rollup: first fold ({first['rows']:,} audit rows)", first["seconds"], "s", None, None,
                      "minutes at full size", f"{first['added']:,} kept rows; {year_kept:,} for {YEAR} against "
                      f"{rows:,} audit rows in the year; report_sales {sales:,}"))
    _, url_, _ = urls()
    n = len(steps(url_, 100))
    real = kept.TAIL_LIMIT  # each report once on each path: the same answer
    for actor in (f"ld_{PROVINCE}", "admin"):
        for name, fn in (("office", lambda: reports.summary(engine, actor, year=YEAR)),
                         ("officer", lambda: reports.summary(engine, actor, year=YEAR, by="officer")),
                         ("stages", lambda: reports.stages(engine, actor, year=YEAR)),
                         ("auction-org", lambda: reports.summary(engine, actor, year=YEAR, by="auction-org")),
                         ("appraisal-org", lambda: reports.summary(engine, actor, year=YEAR, by="appraisal-org"))):
            got = fn()
            kept.TAIL_LIMIT = -1
            live = fn()
            kept.TAIL_LIMIT = real
            print(f"{name}, {actor}: kept {'==' if got == live else '!='} live", flush=True)
            if got != live:
                raise SystemExit(f"the kept answer differs from the live one: {name}, {actor}")
    out += measure_reports(engine, conninfo, rounds, f"kept answers + a tail of {n} steps")
    out += measure_periods(engine, conninfo, rounds)
    second = _fold(url)
    print(f"fold of the tail: {second['rows']:,} audit rows -> {second['added']:,} kept rows in "
          f"{second['seconds']:.2f} s", flush=True)
    out.append(result(f"report rollup: fold of a tail ({second['rows']:,} audit rows)", second["seconds"], "s", None,
                      None, "-", f"{second['added']:,} kept rows rewritten"))
    return out


# periods other than a reporting year (the kept units: months, ten-day spans and days): a month, a quarter,
# Oct 1 to a month end (the cumulative statistics), a ragged period (4 edge days), one with about the most
# edge days (10), a single day (the report's fixed cost against a bare count of a few milliseconds)
PERIODS = (("a month", "2026-06-01", "2026-06-30"), ("a quarter", "2026-04-01", "2026-06-30"),
           ("Oct 1 .. a month end", "2025-10-01", "2026-08-31"), ("a ragged period", "2026-04-15", "2026-07-20"),
           ("ragged, 10 edge days", "2026-04-06", "2026-07-26"), ("a single day", "2026-05-12", "2026-05-12"))


def measure_periods(engine, conninfo: str, rounds: int, groupings=None) -> list:
    """The reports of :data:`PERIODS` on the kept units (by office, its stages and by officer the officer
    units, by organisation the organisation units; and the tail), and on the live statement (once: its
    answer is compared with the kept one), each against the bare GROUP BY of the period's rows; and how
    many rows an officer grain per month would keep (it is not kept). ``groupings``: the reports
    measured (office, officer, stages, auction-org, appraisal-org; default all)."""
    from auction_flow.features.reports import kept
    from auction_flow.features.reports import service as reports

    out = []
    with psql(conninfo) as conn:
        months, spans, audit = conn.execute("SELECT (SELECT count(*) FROM report_months), (SELECT count(*) FROM "
                                            "report_spans), (SELECT count(*) FROM audit_log)").fetchone()
        officer = conn.execute(
            "SELECT count(*) FROM (SELECT DISTINCT date_trunc('month', business_date), office, officer_id, from_state "
            "FROM audit_log WHERE from_state <> to_state UNION ALL SELECT DISTINCT date_trunc('month', "
            "business_date), office, officer_id, trigger FROM audit_log WHERE trigger IN ('seize', 'record_sale', "
            "'record_auction_failed', 'cancel_result', 'hand_over')) x").fetchone()[0]
    print(f"report_months: {months:,} rows, report_spans: {spans:,} (office and country grains) for {audit:,} audit "
          f"rows; an officer grain per month would add about {2 * officer:,} (stages and triggers, office and "
          f"country-wide officers)", flush=True)
    out.append(result("report_months rows", months, "rows", None, None, "-",
                      f"{audit:,} audit rows; an officer grain per month would add ~{2 * officer:,}"))
    out.append(result("report_spans rows", spans, "rows", None, None, "-", f"{audit:,} audit rows"))
    with psql(conninfo) as conn:
        for table in ("report_officer_units", "report_org_units"):
            n, size = conn.execute(f"SELECT count(*), pg_total_relation_size('{table}') FROM {table}").fetchone()
            print(f"{table}: {n:,} rows, {size / 2**20:.1f} MB with its key (TOAST included)", flush=True)
            out.append(result(f"{table} size", size / 2**20, "MB", None, None, "-", f"{n:,} rows; {audit:,} audit rows"))
    real = kept.TAIL_LIMIT
    for label, actor in ((f"province {PROVINCE}", f"ld_{PROVINCE}"), ("country", "admin")):
        scope = _scope_of(engine, actor)
        for what, start, end in PERIODS:
            rows, base = bare_group_by(conninfo, start, end, scope, rounds)
            for name, fn in (("summary --by office", lambda: reports.summary(engine, actor, start, end)),
                             ("summary --by officer", lambda: reports.summary(engine, actor, start, end, by="officer")),
                             ("stages", lambda: reports.stages(engine, actor, start, end)),
                             ("summary --by auction-org",
                              lambda: reports.summary(engine, actor, start, end, by="auction-org")),
                             ("summary --by appraisal-org",
                              lambda: reports.summary(engine, actor, start, end, by="appraisal-org"))):
                if groupings and name.split()[-1] not in groupings:
                    continue
                kept.TAIL_LIMIT = -1
                t0 = time.perf_counter()
                live = fn()
                t_live = time.perf_counter() - t0
                kept.TAIL_LIMIT = real
                got = fn()
                if got != live:
                    raise SystemExit(f"the kept answer differs from the live one: {name}, {actor}, {start}..{end}")
                t = timed(fn, rounds)
                served = "kept organisation units" if "org" in name else "kept officer units"
                print(f"{name} {start}..{end} ({what}), {label} ({rows:,} rows): {served} {t:.2f} s, {t / base:.2f}x; "
                      f"live {t_live:.2f} s, {t_live / base:.2f}x; bare GROUP BY {base:.2f} s; kept == live",
                      flush=True)
                out.append(result(f"report {name} {start}..{end} ({what}), {label} ({rows:,} audit rows)", t, "s",
                                  base, t / base, "<= 3x", f"{served}; live statement {t_live:.2f} s "
                                  f"({t_live / base:.2f}x, once); median of {rounds}; answers equal"))
    return out


def measure_scan(engine, conninfo: str, rounds: int) -> list:
    import national_data as nd

    from auction_flow.core import workflow as workflow_mod
    from auction_flow.core.workflow import alerts_section as alert_rules
    from auction_flow.features.alerts import scan as scanner

    rules = alert_rules.for_workflow(workflow_mod.get())
    plan = ((list(rules.handover.states), nd.TODAY + dt.timedelta(days=rules.handover.warning_days)),
            (list(rules.stalled.states), nd.TODAY - dt.timedelta(days=1)))

    def clear(keep_risk: bool = False):
        with psql(conninfo) as conn:
            conn.execute("DELETE FROM alerts" + (" WHERE rule <> 'complaint_risk'" if keep_risk else ""))
            if not keep_risk:  # as after the load: the open set of cancellations and its mark start empty
                conn.execute("DELETE FROM complaint_risk_open")
                conn.execute("DELETE FROM scan_marks")

    def bare() -> int:
        with psql(conninfo) as conn, conn.transaction():
            return sum(conn.execute(
                "INSERT INTO alerts (asset_id, rule, level, state, entered_on, deadline, basis, regime, office_id, "
                "officer_id, raised_on, raised_at, status) SELECT id, 'x', 'overdue', state, state_entered_on, "
                "deadline, deadline_basis, deadline_regime, office_id, officer_id, %s, now(), 'open' FROM assets "
                "WHERE state = ANY(%s) AND deadline <= %s", (nd.TODAY, states, bound)).rowcount
                for states, bound in plan)

    clear()
    t0 = time.perf_counter()
    first = scanner.scan(engine, nd.TODAY)
    catch_up = time.perf_counter() - t0
    print(f"alert scan, the first after the load (every cancellation's complaint risk looked at once): "
          f"{catch_up:.2f} s, {first.raised:,} alerts, {first.resolved:,} resolved", flush=True)
    bares, scans, due, raised = [], [], 0, 0
    for _ in range(rounds):  # a day's scan: the complaint-risk rows of the first scan stay
        clear(keep_risk=True)
        t0 = time.perf_counter()
        due = bare()
        bares.append(time.perf_counter() - t0)
        clear(keep_risk=True)
        t0 = time.perf_counter()
        raised = scanner.scan(engine, nd.TODAY).raised
        scans.append(time.perf_counter() - t0)
    b, s = statistics.median(bares), statistics.median(scans)
    print(f"alert scan: {s:.2f} s, {raised:,} alerts ({due:,} due); bare INSERT ... SELECT {b:.2f} s; "
          f"ratio {s / b:.2f}", flush=True)
    return [result(f"alert scan as of {nd.TODAY}, {raised:,} alerts raised", s, "s", b, s / b, "<= 10 s",
                   f"vs one bare INSERT ... SELECT of the {due:,} due assets; median of {rounds}; the complaint "
                   "risks closed by a first scan kept"),
            result("alert scan, the first after the load", catch_up, "s", note=f"{first.raised:,} alerts raised; "
                   "every past cancellation's complaint risk looked at and closed, one by one")]


CHILD = """
import json, sys, time
sys.path.insert(0, {root!r}); sys.path.insert(0, {here!r})
import bench_national as bn
import psycopg  # both sides' imports before the clock: an office's verify is shorter than importing SQLAlchemy
from auction_flow.features.supervision import verify
from auction_flow.storage import db
t0 = time.perf_counter()
rows = bn.{fn}(*{arg!r})
seconds = time.perf_counter() - t0
hwm = next(int(ln.split()[1]) for ln in open("/proc/self/status") if ln.startswith("VmHWM:"))
print(json.dumps({{"rows": rows, "seconds": seconds, "peak_mb": hwm / 1024}}))
"""


def child(fn: str, *arg) -> dict:
    """Run ``fn(*arg)`` of this module in a fresh interpreter; its time and its own peak RSS (VmHWM)."""
    out = subprocess.run([sys.executable, "-c", CHILD.format(root=str(ROOT), here=str(HERE), fn=fn, arg=arg)],
                         capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"{fn} failed: {out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def scope_of(conninfo: str, scope: str | None) -> dict | None:
    """{office id: code} of an office (``office:CODE``) or a province (``province:CODE``); None: all."""
    if scope is None:
        return None
    kind, code = scope.split(":")
    with psql(conninfo) as conn:
        if kind == "office":
            rows = conn.execute("SELECT id, code FROM offices WHERE code = %s", (code,)).fetchall()
        else:
            rows = conn.execute("SELECT id, code FROM offices WHERE code = %s OR parent_id = (SELECT id FROM offices "
                                "WHERE code = %s)", (code, code)).fetchall()
    return dict(rows)


def ours_verify(url: str, conninfo: str = "", scope: str | None = None) -> int:
    from auction_flow.features.supervision import verify
    from auction_flow.storage import db

    report = verify.verify(db.open_db(url), None, scope_of(conninfo, scope))
    if report.problems:
        raise SystemExit(f"audit verify found problems: {report.problems[:3]}")
    return report.rows


def bare_verify(conninfo: str, scope: str | None = None) -> int:
    """The hashes recomputed with psycopg, json and hashlib only: each row's hash over its content and
    the log's links in order; each asset's chain in (asset_id, seq) order against assets.last_hash;
    the roots' chain, each root's hash over every chain's head (as ours, whatever the scope).
    ``scope``: the same rows as ``audit verify --office/--province``: the offices' chains, their assets."""
    import hashlib

    import psycopg

    names = ("actor", "asset_id", "business_date", "changes", "event", "from_state", "imported", "office", "reason",
             "recorded_at", "role", "seq", "to_state", "trigger")
    enc = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    sha = hashlib.sha256
    n = 0
    with psycopg.connect(conninfo) as conn:
        chained = conn.execute("SELECT 1 FROM information_schema.columns WHERE table_name = 'audit_log' "
                               "AND column_name = 'chain'").fetchone() is not None
        chosen = scope_of(conninfo, scope)
        with conn.cursor(name="log") as cur:
            cur.itersize = 5000
            cur.execute(f"SELECT {', '.join(names)}, prev_hash, hash, via, actor_office, log_seq, log_prev_hash, "
                        f"log_hash{', chain' if chained else ''} FROM audit_log "
                        f"{'' if chosen is None else 'WHERE chain = ANY(%s) '}"
                        f"ORDER BY {'chain, log_seq' if chained else 'log_seq'}",
                        None if chosen is None else ([f"office:{c}" for c in chosen.values()],))
            heads: dict = {}
            for r in cur:
                body = dict(zip(names, r[:14]))
                body["business_date"] = body["business_date"].isoformat()
                at = body["recorded_at"].astimezone(dt.timezone.utc).replace(tzinfo=None)
                body["recorded_at"] = at.isoformat(timespec="microseconds")
                if r[16] is not None:
                    body["via"] = r[16]
                if sha((r[14] + enc(body)).encode()).hexdigest() != r[15]:
                    raise SystemExit(f"bare verify: row {r[1]}/{r[11]} changed")
                chain = r[21] if chained else ""
                seq, prev = heads.get(chain, (0, "0" * 64))
                if r[18] != seq + 1 or r[19] != prev:
                    raise SystemExit(f"bare verify: the log is broken at {chain} {r[18]}")
                text = f"{prev}|{r[18]}|{r[15]}|{r[17] or ''}"
                if chained and chain != "legacy":
                    text = f"{chain}|{text}"
                link = sha(text.encode()).hexdigest()
                if link != r[20]:
                    raise SystemExit(f"bare verify: the link of {chain} {r[18]} is wrong")
                heads[chain] = (r[18], link)
                n += 1
        with conn.cursor(name="chains") as cur, conn.cursor(name="assets") as assets:
            cur.itersize = assets.itersize = 5000
            if chosen is None:
                cur.execute("SELECT asset_id, seq, prev_hash, hash FROM audit_log WHERE asset_id IS NOT NULL "
                            "ORDER BY asset_id, seq")
                assets.execute("SELECT id, last_hash FROM assets ORDER BY id")
            else:
                cur.execute("SELECT l.asset_id, l.seq, l.prev_hash, l.hash FROM assets a JOIN audit_log l ON "
                            "l.asset_id = a.id WHERE a.office_id = ANY(%s) ORDER BY l.asset_id, l.seq", (list(chosen),))
                assets.execute("SELECT id, last_hash FROM assets WHERE office_id = ANY(%s) ORDER BY id",
                               (list(chosen),))
            heads_of = iter(assets)
            a_row = next(heads_of, None)

            def check(aid, last_hash):
                nonlocal a_row
                while a_row is not None and a_row[0] < aid:
                    a_row = next(heads_of, None)
                if a_row is None or a_row[0] != aid or a_row[1] != last_hash:
                    raise SystemExit(f"bare verify: the head of asset {aid} is not its last row")

            current, prev = None, None
            for aid, seq, prev_hash, h in cur:
                if aid != current:
                    if current is not None:
                        check(current, prev)
                    current, prev = aid, "0" * 64
                if prev_hash != prev:
                    raise SystemExit(f"bare verify: asset {aid} is broken at {seq}")
                prev = h
            if current is not None:
                check(current, prev)
        # the roots, as ``audit verify`` checks them whatever its scope (each root's hash is over every
        # chain's head): replayed in order, a root's stored heads over the state before it (a chain
        # that is gone is stored with position 0 and no link), each hash recomputed
        with conn.cursor(name="roots") as roots_cur, conn.cursor(name="root_heads") as heads_cur:
            roots_cur.itersize = heads_cur.itersize = 5000
            roots_cur.execute("SELECT seq, prev_hash, hash, taken_at FROM audit_roots ORDER BY seq")
            heads_cur.execute("SELECT root_seq, chain, log_seq, log_hash FROM audit_root_heads "
                              "ORDER BY root_seq, chain")
            stored = iter(heads_cur)
            entry, lines, prev = next(stored, None), {}, "0" * 64
            for seq, rprev, rhash, taken in roots_cur:
                while entry is not None and entry[0] == seq:
                    if entry[2] == 0 and entry[3] == "":
                        lines.pop(entry[1], None)
                    else:
                        lines[entry[1]] = f"{entry[1]}|{entry[2]}|{entry[3]}"
                    entry = next(stored, None)
                taken_text = taken.astimezone(dt.timezone.utc).replace(tzinfo=None).isoformat(timespec="microseconds")
                body = "\n".join(lines[c] for c in sorted(lines))
                if rprev != prev or sha(f"{rprev}|{seq}|{taken_text}|{body}".encode()).hexdigest() != rhash:
                    raise SystemExit(f"bare verify: root {seq} changed")
                prev = rhash
    return n


def measure_verify(rounds: int = 1, scopes=("office", "province", "log"), log_rounds: int = 1) -> list:
    """``audit verify`` of one office, of one province and of the whole log, each against a bare
    psycopg verify of the same rows, each side in a fresh child process (time, VmHWM). An office and
    a province: one untimed run first (the scope's rows then in the cache for both sides), then
    ``rounds`` pairs, the side that goes first alternating, their median times and highest peaks; the
    whole log once, or as the scopes with ``log_rounds`` pairs (more than 1)."""
    _, url, conninfo = urls()
    with psql(conninfo) as conn:  # the province's branch with the most audit rows
        office = conn.execute("SELECT o.code FROM offices o JOIN audit_heads h ON h.chain = 'office:' || o.code "
                              "WHERE o.parent_id = (SELECT id FROM offices WHERE code = %s) "
                              "ORDER BY h.log_seq DESC LIMIT 1", (PROVINCE,)).fetchone()[0]
    out = []
    for label, scope in [(label, scope) for label, scope, name in (
            (f"one office ({office})", f"office:{office}", "office"),
            (f"one province ({PROVINCE})", f"province:{PROVINCE}", "province"),
            ("the whole log", None, "log")) if name in scopes]:
        pairs = []
        n = rounds if scope is not None else log_rounds
        if scope is not None or n > 1:  # untimed: the first run after a build or another scope pays the cold cache
            child("bare_verify", conninfo, scope)
        for i in range(max(1, n)):
            if i % 2:
                bare = child("bare_verify", conninfo, scope)
                pairs.append((child("ours_verify", url, conninfo, scope), bare))
            else:
                pairs.append((child("ours_verify", url, conninfo, scope), child("bare_verify", conninfo, scope)))
        ours, bare = ({"rows": runs[0]["rows"], "seconds": statistics.median(r["seconds"] for r in runs),
                       "peak_mb": max(r["peak_mb"] for r in runs)} for runs in zip(*pairs))
        ratio = (ours["rows"] / ours["seconds"]) / (bare["rows"] / bare["seconds"])
        print(f"audit verify, {label}: {ours['rows']:,} rows in {ours['seconds']:.2f} s, peak RSS "
              f"{ours['peak_mb']:.0f} MB; bare psycopg verify {bare['seconds']:.2f} s, {bare['peak_mb']:.0f} MB; "
              f"throughput ratio {ratio:.2f}", flush=True)
        out += [result(f"audit verify, {label} ({ours['rows']:,} rows)", ours["rows"] / ours["seconds"], "rows/s",
                       bare["rows"] / bare["seconds"], ratio, ">= 0.7",
                       f"vs a bare psycopg verify of the same rows; {ours['seconds']:.2f} s against "
                       f"{bare['seconds']:.2f} s" + ("" if scope is None else f"; median of {len(pairs)}; ours "
                                                     "also checks every root and replays the offices' assets")
                       + (f"; median of {len(pairs)} alternated" if scope is None and len(pairs) > 1 else "")),
                result(f"audit verify, {label}: peak memory of the verifying process", ours["peak_mb"], "MB",
                       bare["peak_mb"], ours["peak_mb"] / bare["peak_mb"], "flat",
                       "VmHWM of a fresh child process; baseline: the bare verify's")]
    return out


def steps(url: str, n: int) -> list[float]:
    """Latencies of ``n`` steps (suspend, then resume) on live assets of one branch, in seconds."""
    import national_data as nd
    from sqlalchemy import text

    from auction_flow.features.assets import service as svc
    from auction_flow.storage import db

    engine = db.open_db(url)
    with engine.connect() as conn:  # live assets of the branch with the most of them, and their officers
        office = conn.execute(text(
            "SELECT o.code FROM assets a JOIN offices o ON o.id = a.office_id WHERE a.state IN ('priced', 'seized') "
            "GROUP BY o.code ORDER BY count(*) DESC LIMIT 1")).scalar()
        live = conn.execute(text(
            "SELECT a.id, u.username FROM assets a JOIN offices o ON o.id = a.office_id JOIN users u "
            "ON u.id = a.officer_id WHERE o.code = :c AND a.state IN ('priced', 'seized') ORDER BY a.id DESC "
            "LIMIT :n"), {"c": office, "n": max(1, n // 2)}).all()
    out = []
    for i in range(n):
        aid, actor = live[(i // 2) % len(live)]
        trig, sets = ("suspend", ["kind=postpone"]) if i % 2 == 0 else ("resume", [])
        t0 = time.perf_counter()
        svc.advance(engine, aid, trig, actor, str(nd.TODAY), sets)
        out.append(time.perf_counter() - t0)
    return out


def _loader(url: str):
    import national_data as nd

    from auction_flow.features.alerts import scan as scanner
    from auction_flow.features.reports import service as reports
    from auction_flow.storage import db

    engine = db.open_db(url)
    while True:
        scanner.scan(engine, nd.TODAY)
        reports.summary(engine, "admin", year=YEAR)


def measure_latency(n: int) -> list:
    import multiprocessing as mp

    _, url, _ = urls()
    alone = steps(url, n)
    load = mp.get_context("spawn").Process(target=_loader, args=(url,), daemon=True)
    load.start()
    time.sleep(3)
    busy = steps(url, n)
    load.terminate()
    load.join()
    a, b = statistics.median(alone), statistics.median(busy)
    p95 = lambda xs: sorted(xs)[int(0.95 * (len(xs) - 1))]  # noqa: E731
    print(f"a step: median {a * 1000:.1f} ms alone, {b * 1000:.1f} ms while a scan and a report run "
          f"(p95 {p95(alone) * 1000:.1f} -> {p95(busy) * 1000:.1f} ms)", flush=True)
    return [result("a step's latency while the scan and the country's report run (median)", b * 1000, "ms",
                   a * 1000, b / a, "-", f"{n} steps each; p95 {p95(alone) * 1000:.0f} -> {p95(busy) * 1000:.0f} ms")]


def per_row(results: list) -> list[str]:
    """Microseconds per row read, ours and the bare baseline's, of each figure that names its rows
    (verify: the rows checked; a report: the period's rows in its scope; the scan: the due assets).
    Compared between two scales, equal costs per row mean a figure grows with what it reads, not
    with the country."""
    import re

    lines = []
    for r in results:
        found = re.search(r"\(([\d,]+) (?:audit )?rows", r["name"]) or re.search(r"the ([\d,]+) due assets",
                                                                                   r["note"])
        if not found or r.get("baseline") is None or r["unit"] not in ("s", "rows/s"):
            continue
        n, what = int(found.group(1).replace(",", "")), "rows" if "rows" in found.group(0) else "due assets"
        ours, bare = ((1e6 / r["value"], 1e6 / r["baseline"]) if r["unit"] == "rows/s"
                      else (1e6 * r["value"] / n, 1e6 * r["baseline"] / n))
        lines.append(f"{r['name'].split(' (')[0]}: {n:,} {what}; {ours:.1f} us/row, bare {bare:.1f} us/row, "
                     f"ratio {ours / bare:.2f}")
    return lines


def main(argv=None) -> int:
    global DB
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--scale", type=float, default=1.0, help="1: 5 M assets, ~50 M audit rows")
    p.add_argument("--reuse", action="store_true", help="measure the database built before")
    p.add_argument("--drop", action="store_true", help="drop the database at the end")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--steps", type=int, default=200)
    p.add_argument("--skip", default="", help="comma-separated: scan,reports,verify,latency")
    p.add_argument("--verify-scopes", default="office,province,log",
                   help="comma-separated, what verify measures: office,province,log "
                        "(the whole log at full size: hours)")
    p.add_argument("--log-rounds", type=int, default=1,
                   help="verify: the whole log's pairs (default 1, not warmed; more: warmed and alternated "
                        "as an office's and a province's)")
    p.add_argument("--only", default="", help="comma-separated, the others skipped: --reuse --only reports")
    p.add_argument("--name", default=DB, help=f"the database's name (default {DB})")
    p.add_argument("--roots", type=int, default=0, help="build: N roots spread over the history's days before "
                                                         "the last (default: the last only)")
    p.add_argument("--since", type=dt.date.fromisoformat, default=None,
                   help="build: the history from this day on (YYYY-MM-DD), at the density of --scale: "
                        "--scale 1 --since 2025-04-01 builds a country's year 2026 at full size without "
                        "the eight years before it")
    p.add_argument("--provinces", type=int, default=None, choices=range(1, 64), metavar="N",
                   help="build: the first N provinces only (1-63), each with the offices, assets and audit rows "
                        "it has at --scale in the whole country: --scale 1 --provinces 2 puts P01's ~854,000 "
                        "rows in ~1.3 GiB instead of 38; 'the whole log' is then those provinces only")
    p.add_argument("--json", action="store_true", help="end with a RESULTS line (bench/run_all.py)")
    p.add_argument("--period-by", default="", help="with --only periods: the reports measured, comma-separated "
                                                   "(office,officer,stages,auction-org,appraisal-org; default all)")
    args = p.parse_args(argv)
    DB = args.name
    admin_url, url, conninfo = urls()
    if args.reuse:
        with psql(conninfo) as conn:
            n = conn.execute("SELECT count(*) FROM audit_log").fetchone()[0]
        built = f"reused, {n:,} audit rows"
    else:
        info = build(args.scale, admin_url, url, conninfo, args.roots, args.since, args.provinces)
        built = (f"{info['assets']:,} assets, {info['rows']:,} audit rows, {info['size'] / 2**30:.1f} GiB, "
                 f"built in {info['seconds']:.0f} s")
    with psql(conninfo) as conn:  # the roots a verify checks whole, whatever its scope
        n_roots, stored = conn.execute("SELECT (SELECT count(*) FROM audit_roots), "
                                       "(SELECT count(*) FROM audit_root_heads)").fetchone()
    built += f", {n_roots:,} roots ({stored:,} heads stored)"
    print(f"scale {args.scale}: {built}", flush=True)
    from auction_flow.storage import db

    engine = db.open_db(url)
    skip = set(args.skip.split(",")) | ({"scan", "reports", "verify", "latency"} - set(args.only.split(","))
                                        if args.only else set())
    results = []
    if "verify" not in skip:  # first: the scan's rounds delete alerts, which verify rightly reports
        results += measure_verify(args.rounds, set(args.verify_scopes.split(",")), args.log_rounds)
    if "scan" not in skip:
        results += measure_scan(engine, conninfo, args.rounds)
    if "reports" not in skip:  # the live statement, the first fold, the kept answers with a small tail
        results += measure_kept(engine, url, conninfo, args.rounds)
    if "periods" in args.only.split(","):  # the periods alone, on the database as folded (a first fold if none)
        fold = _fold(url)
        print(f"fold before the periods: {fold['rows']:,} audit rows -> {fold['added']:,} kept rows in "
              f"{fold['seconds']:.1f} s", flush=True)
        results += measure_periods(engine, conninfo, args.rounds, set(filter(None, args.period_by.split(","))))
    if "latency" not in skip:
        results += measure_latency(args.steps)
    for r in results:
        since = f" from {args.since}" if args.since else ""
        only = f", the first {args.provinces} provinces only" if args.provinces else ""
        r["note"] = f"scale {args.scale}{since}{only}; {built}; " + r["note"]
    print()
    emit(results)
    print("\nper row read (compare between scales):", *per_row(results), sep="\n  ")
    engine.dispose()
    if args.drop:
        from sqlalchemy import create_engine, text

        with create_engine(admin_url, isolation_level="AUTOCOMMIT").connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)'))
    return 0


if __name__ == "__main__":
    sys.exit(main())
