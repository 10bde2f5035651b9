"""8 and 32 processes of transitions on PostgreSQL, each in an office of its own: the engine
against a minimal step written by hand through psycopg with no shared lock, in the same run.

Each process is an officer of its own office and cycles its own assets through suspend/resume
(real, audited transitions with deadline bookkeeping), so there are no conflicts on assets and,
since the audit log is chained per office (auction_flow.core.audit), no lock shared between
processes: the engine claims its office's chain head, the minimal step claims nothing. Each
process times its own loop from a common start signal, after importing, connecting and one
untimed cycle of its steps (every asset suspended and resumed, which leaves them as they were);
the slowest one is the wall time of the run. The untimed cycle is the same for both sides: a
process's first steps pay what it does once (the engine's first deadline imports the `holidays`
library, about 55-80 ms; psycopg prepares a statement on its fifth run), and charged to the timed
loop that once-only cost weighed four times more at 32 processes (125 steps each with
``--transitions 500``) than at 8 (500 each), which is not what the goal compares (performance-notes,
stop 28). Goals (issue 16): at 8 processes the engine at least
0.8 of the minimal step; at 32 no worse per process, against the minimal step, than at 8.
Run: python bench/bench_pg_concurrency.py [--transitions N] [--procs 8,32] [--offices K] [--json]
Needs AUCTION_FLOW_TEST_PG (default postgresql://postgres@127.0.0.1:5432/test); the database it
makes and drops is AUCTION_FLOW_BENCH_PG_DB (default af_bench_pg).

Two minimal steps are measured: the issue's baseline reads the whole calendar every step, as the
engine did until revision 0025; the second ("stamp") reads instead the calendar's one-row stamp
in its asset SELECT, as the engine does now (it keeps the calendar until the stamp changes), so
the engine is also compared with a minimal step that does no more reading than it does.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import multiprocessing as mp
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import emit, result  # noqa: E402

PG = os.environ.get("AUCTION_FLOW_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
DB = os.environ.get("AUCTION_FLOW_BENCH_PG_DB", "af_bench_pg")  # a database of its own per person benchmarking
WARM = 2  # untimed steps before the start, per asset: one suspend and one resume each (module docstring)


def arg(name, default):
    return sys.argv[sys.argv.index(name) + 1] if name in sys.argv else default


def urls():
    from sqlalchemy.engine import make_url

    from auction_flow.common.config import db_url

    base = make_url(db_url(PG))
    return base.render_as_string(hide_password=False), base.set(database=DB).render_as_string(hide_password=False)


def setup(procs: int, per: int, offices: int | None = None) -> list[tuple[str, list[int]]]:
    """An officer per process, in an office of its own (or all in ``offices`` offices)."""
    from sqlalchemy import create_engine, text

    from auction_flow.features.admin import service as admin
    from auction_flow.features.assets import service as assets
    from auction_flow.storage import db

    admin_url, url = urls()
    eng = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with eng.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{DB}"'))
    admin.init(url, "admin")
    e = db.open_db(url)
    groups = []
    for p in range(procs):  # an office and its officer per process
        office = f"O{p % (offices or procs)}"
        if p < (offices or procs):
            admin.add_office(e, "admin", office, f"Office {office}")
        admin.add_user(e, "admin", f"cv{p}", "officer", office)
        groups.append((f"cv{p}", [assets.seize(e, f"cv{p}", f"{p}-{i}", office, "movable", "x", on="2026-08-03")
                                  for i in range(per)]))
    db.get_engine(url).dispose()
    return groups


def engine_worker(group, n, start_q, done_q):
    from auction_flow.core.engine import fire
    from auction_flow.storage import db

    _, url = urls()
    e = db.open_db(url)
    on = dt.date(2026, 8, 3)
    from auction_flow.core import (
        engine,
        workflow,  # warm: the imports, the workflow file, a pooled connection
    )

    officer, ids = group
    workflow.get()
    with db.reading(e) as conn:
        engine.load_actor(conn, officer)

    def steps(n):
        for i in range(n):
            aid = ids[i % len(ids)]
            # the engine's step itself (the papers a step may issue are the case file's, not measured here)
            fire(e, aid, "suspend" if (i // len(ids)) % 2 == 0 else "resume", officer, on=on,
                 fields={"kind": "postpone"} if (i // len(ids)) % 2 == 0 else {})

    steps(WARM * len(ids))  # untimed: the process's once-only costs (module docstring)
    done_q.put("ready")
    start_q.get()  # start together
    start = time.perf_counter()
    steps(n)
    done_q.put(time.perf_counter() - start)


def psycopg_worker(group, n, start_q, done_q, stamp=False):
    """The minimal step, written by hand (no ORM, no Core), with no lock shared with anyone.

    One transaction per step, as the engine's: the pool's liveness ping, read the actor, the
    asset and the calendar; update the asset under its version; insert the audit row (in the
    office's chain, no position: no head claimed at all). No validation, no deadline, a
    stand-in hash. ``stamp``: the calendar's stamp read in the asset's SELECT instead of the
    whole calendar."""
    officer, ids = group
    import psycopg

    _, url = urls()
    from psycopg.rows import dict_row

    # autocommit: the ping runs outside any transaction (SQLAlchemy's ping switches to autocommit
    # for it) and conn.transaction() is a real BEGIN ... COMMIT, not a savepoint in a transaction
    # the ping would have opened and nothing would ever commit
    conn = psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), row_factory=dict_row,
                           autocommit=True)
    on = dt.date(2026, 8, 3)
    steps(conn, officer, ids, on, WARM * len(ids), stamp)  # untimed, as the engine's (module docstring)
    done_q.put("ready")
    start_q.get()
    start = time.perf_counter()
    steps(conn, officer, ids, on, n, stamp)
    done_q.put(time.perf_counter() - start)


def steps(conn, officer, ids, on, n, stamp):
    """``n`` minimal steps on ``conn`` (:func:`psycopg_worker`)."""
    for i in range(n):
        aid = ids[i % len(ids)]
        suspend = (i // len(ids)) % 2 == 0
        conn.execute("SELECT 1").fetchone()  # SQLAlchemy's pool_pre_ping on checkout
        with conn.transaction():
            conn.execute("SELECT u.*, o.code FROM users u LEFT JOIN offices o ON o.id = u.office_id "
                         "WHERE u.username = %(username)s", {"username": officer}).fetchone()
            if stamp:
                a = conn.execute("SELECT a.*, o.code, (SELECT stamp FROM calendar_stamp WHERE id = 1) AS cal "
                                 "FROM assets a JOIN offices o ON o.id = a.office_id WHERE a.id = %(asset_id)s",
                                 {"asset_id": aid}).fetchone()
            else:
                a = conn.execute("SELECT a.*, o.code FROM assets a JOIN offices o ON o.id = a.office_id "
                                 "WHERE a.id = %(asset_id)s", {"asset_id": aid}).fetchone()
                conn.execute("SELECT day, kind, name FROM calendar_days").fetchall()
            version = a["version"]
            h = hashlib.sha256(f"{aid}{version}".encode()).hexdigest()
            cur = conn.execute("UPDATE assets SET state = %(state)s, last_event_on = %(on)s, deadline = NULL, "
                               "version = %(version)s, last_hash = %(hash)s WHERE id = %(id)s AND version = %(seen)s",
                               {"state": "suspended" if suspend else "seized", "on": on, "version": version + 1,
                                "hash": h, "id": aid, "seen": version})
            assert cur.rowcount == 1
            conn.execute("INSERT INTO audit_log (asset_id, seq, event, trigger, from_state, to_state, actor, role, "
                         "office, business_date, recorded_at, reason, changes, imported, prev_hash, hash, "
                         "actor_office, chain, log_seq, log_prev_hash, log_hash) VALUES (%(a)s, %(s)s, 'transition', "
                         "%(t)s, %(f)s, %(to)s, %(u)s, 'officer', %(o)s, %(on)s, now(), NULL, '{}', false, %(p)s, "
                         "%(h)s, %(o)s, %(c)s, NULL, %(p)s, %(h)s)",
                         {"a": aid, "s": version + 1, "t": "suspend" if suspend else "resume", "f": "x", "to": "y",
                          "u": officer, "o": a["code"], "c": "office:" + a["code"], "on": on, "p": a["last_hash"],
                          "h": h})


def psycopg_stamp_worker(group, n, start_q, done_q):
    psycopg_worker(group, n, start_q, done_q, stamp=True)


def run(worker, groups, n) -> float:
    """Transitions per second of all the processes together: every process times its own
    loop (from the common start signal to its last commit); the slowest one is the wall."""
    ctx = mp.get_context("spawn")
    start, done = ctx.Queue(), ctx.Queue()
    procs = [ctx.Process(target=worker, args=(g, n, start, done)) for g in groups]
    for p in procs:
        p.start()
    for _ in procs:  # every process has imported and connected
        done.get()
    for _ in procs:
        start.put("go")
    elapsed = [done.get() for _ in procs]
    for p in procs:
        p.join()
    return len(groups) * n / max(elapsed)


def committed() -> int:
    """Audit rows committed so far, seen from a connection of its own."""
    import psycopg

    _, url = urls()
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        return conn.execute("SELECT count(*) FROM audit_log").fetchone()[0]


def measure(procs: int, n: int, offices: int | None = None) -> dict:
    groups = setup(procs, 10, offices)
    rates = {}
    for name, worker in (("engine", engine_worker), ("psycopg", psycopg_worker), ("stamp", psycopg_stamp_worker)):
        before = committed()
        rates[name] = run(worker, groups, n)
        # each side must have committed every step it timed, one audit row each
        steps = procs * n + WARM * sum(len(ids) for _, ids in groups)  # the timed ones and the untimed cycle
        assert committed() - before == steps, f"{name}: {committed() - before} rows for {steps} steps"
    return rates


def main():
    counts = [int(p) for p in str(arg("--procs", "8,32")).split(",")]
    n = int(arg("--transitions", 1000))
    # --offices K: the processes share K offices' chains (1: every step queues on one chain's head, as
    # every step did on the single whole-log head before revision 0012), to compare
    offices = int(arg("--offices", 0)) or None
    out, ratios = [], {}
    for procs in counts:
        per = max(20, n * counts[0] // procs)  # the same number of steps in every run
        rates = measure(procs, per, offices)
        ours, bare, lean = rates["engine"], rates["psycopg"], rates["stamp"]
        ratios[procs] = ours / bare
        print(f"{procs} processes x {per} steps: engine {ours:,.0f}/s ({ours / procs:,.1f} per process), "
              f"minimal psycopg step {bare:,.0f}/s ({bare / procs:,.1f} per process), ratio {ours / bare:.2f}; "
              f"the minimal step reading the calendar's stamp {lean:,.0f}/s, ratio {ours / lean:.2f}", flush=True)
        where = f"in {offices} office(s)" if offices else "across offices"
        out.append(result(f"PostgreSQL, {procs} processes {where}: audited transitions", ours,
                          "transitions/s", bare, ours / bare, ">= 0.8" if procs == counts[0] else None,
                          f"baseline: the minimal step through psycopg, no shared lock; {ours / procs:,.1f} vs "
                          f"{bare / procs:,.1f} per process"))
        out.append(result(f"PostgreSQL, {procs} processes {where}: audited transitions, against the minimal step "
                          "reading the calendar's stamp", ours, "transitions/s", lean, ours / lean, None,
                          "baseline: the minimal step reading the calendar's one-row stamp in its asset SELECT "
                          "instead of the whole calendar"))
    if len(counts) > 1:
        first, last = counts[0], counts[-1]
        out.append(result(f"PostgreSQL, {last} against {first} processes: the ratio per process", ratios[last],
                          "ratio", ratios[first], ratios[last] / ratios[first], ">= 1 (no worse)",
                          f"the engine's ratio to the minimal step at {last} processes over the same at {first}"))
    emit(out)


if __name__ == "__main__":
    main()
