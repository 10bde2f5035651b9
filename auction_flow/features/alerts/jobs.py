"""The scheduled work: the alert scan and the digests, under a lock, with every run recorded.

The process that runs it is :mod:`auction_flow.frontends.scheduler` (APScheduler 3.x, its job
store in the project's database). Its two interval jobs are :func:`scan_job` and
:func:`digest_job`, module-level functions that take the database URL (the job store pickles a
reference to them, never an object). A scan run takes the scan lock, scans and records its
outcome in ``scheduler_runs``; a digest run sends the digests that are due (after the digest
hour) within its time budget. They are separate jobs, run by separate threads, so a mail server
that never answers never delays a scan.

The scan lock: ``pg_try_advisory_lock`` on PostgreSQL; on SQLite a lease row in
``scheduler_leases`` with an expiry (a holder on this machine whose process is gone loses
it at once). Two schedulers against one database never scan at the same time; and even if
they did, the alerts' UNIQUE constraint would keep every alert single.

A killed scheduler loses nothing: the job and its next run time are in the database
(``apscheduler_jobs``), a start finds a run that fell due while it was down and runs it at
once (coalesced into one), and the scan itself raises whatever level assets reached.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import socket
from zoneinfo import ZoneInfo

from sqlalchemy import insert, inspect, select, text, update
from sqlalchemy.dialects import sqlite

from auction_flow.common.config import TZ_NAME, now_utc
from auction_flow.features.alerts import digest as notify
from auction_flow.features.alerts import scan as scanner
from auction_flow.storage.db import dialect_insert, is_sqlite, open_db, writing
from auction_flow.storage.schema import scheduler_history, scheduler_leases, scheduler_runs

log = logging.getLogger("auction_flow.scheduler")
ADVISORY_KEY = 0x41465343  # "AFSC"
LEASE = dt.timedelta(minutes=30)
JOB_TABLE = "apscheduler_jobs"
MISFIRE_GRACE = 3600
DEFAULT_DIGEST_HOUR = 7


def holder_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _upsert(conn, table, key: str, values: dict):
    ins = dialect_insert(conn, table)
    conn.execute(ins.values(**values).on_conflict_do_update(
        index_elements=[key], set_={k: v for k, v in values.items() if k != key}))


def _dead_here(holder: str | None) -> bool:
    """True when ``holder`` is a process of this machine that no longer runs."""
    host, _, pid = (holder or "").rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def _utc(value):
    if value is not None and value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value


@contextlib.contextmanager
def scan_lock(engine, holder: str | None = None, name: str = "scan"):
    """Yield True if this process holds the scan lock for the block, else False."""
    holder = holder or holder_id()
    if not is_sqlite(engine):
        with engine.connect() as conn:
            got = conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": ADVISORY_KEY}).scalar()
            conn.commit()
            try:
                yield bool(got)
            finally:
                if got:
                    conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": ADVISORY_KEY})
                    conn.commit()
        return
    now = now_utc()
    with writing(engine) as conn:
        conn.execute(sqlite.insert(scheduler_leases).values(name=name).on_conflict_do_nothing())
        row = conn.execute(select(scheduler_leases).where(scheduler_leases.c.name == name)).mappings().one()
        free = (row["holder"] in (None, holder) or _utc(row["expires_at"]) is None
                or _utc(row["expires_at"]) < now or _dead_here(row["holder"]))
        if free:
            conn.execute(update(scheduler_leases).where(scheduler_leases.c.name == name)
                         .values(holder=holder, expires_at=now + LEASE))
    try:
        yield free
    finally:
        if free:
            with writing(engine) as conn:
                conn.execute(update(scheduler_leases).where(scheduler_leases.c.name == name,
                                                            scheduler_leases.c.holder == holder)
                             .values(holder=None, expires_at=None))


def record_run(engine, job: str, outcome: str, detail: str, started: dt.datetime, holder: str):
    values = dict(job=job, started_at=started, finished_at=now_utc(), outcome=outcome, detail=detail[:1000],
                  holder=holder)
    with writing(engine) as conn:
        _upsert(conn, scheduler_runs, "job", values)
        conn.execute(insert(scheduler_history).values(**values))


def _digest_hour() -> int:
    return int(os.environ.get("AUCTION_FLOW_DIGEST_HOUR") or DEFAULT_DIGEST_HOUR)


def scan_job(url: str) -> None:
    """One scheduled run: scan under the lock, then the due digests. Takes only the URL."""
    engine = open_db(url)
    holder, started = holder_id(), now_utc()
    with scan_lock(engine, holder) as got:
        if not got:
            # kept apart from "scan", whose row shows the last scan that really ran
            record_run(engine, "scan_skipped", "skipped", "another scheduler holds the scan lock", started, holder)
            log.info("scan skipped: another scheduler holds the lock")
            return
        started = now_utc()  # the scan itself starts once the lock is held
        try:
            result = scanner.scan(engine)
        except Exception as exc:  # noqa: BLE001 - recorded for `scheduler status`, retried next run
            log.exception("scan failed")
            record_run(engine, "scan", "failed", f"{type(exc).__name__}: {exc}", started, holder)
        else:
            s = result.summary()
            record_run(engine, "scan", "ok", f"on {s['on']}: raised {s['raised']}, resolved {s['resolved']}, "
                       f"superseded {s['superseded']}", started, holder)


def digest_job(url: str) -> None:
    """One scheduled digest run (a job of its own: it never delays a scan). Takes only the URL."""
    cfg = notify.SmtpConfig.from_env()
    if not cfg.host or now_utc().astimezone(ZoneInfo(TZ_NAME)).hour < _digest_hour():
        return
    engine = open_db(url)
    holder, started = holder_id(), now_utc()
    try:
        res = notify.send_digests(engine, smtp=cfg).summary()
    except Exception as exc:  # noqa: BLE001 - never blocks the next scan
        log.exception("digests failed")
        record_run(engine, "digest", "failed", f"{type(exc).__name__}: {exc}", started, holder)
    else:
        outcome = "failed" if res["failed"] else "ok"
        record_run(engine, "digest", outcome, f"sent {len(res['sent'])}, failed {len(res['failed'])} "
                   f"({', '.join(res['failed'])}), deferred {res['deferred']}", started, holder)


def status(engine) -> dict:
    """Jobs and their next run, and the last run of each job with its outcome."""
    with engine.connect() as conn:
        jobs = []
        if inspect(conn).has_table(JOB_TABLE):
            for job_id, ts in conn.execute(text(f"SELECT id, next_run_time FROM {JOB_TABLE} ORDER BY id")):
                jobs.append({"id": job_id, "next_run": None if ts is None else
                             dt.datetime.fromtimestamp(ts, dt.timezone.utc)})
        runs = [{"job": r.job, "started_at": _utc(r.started_at), "finished_at": _utc(r.finished_at),
                 "outcome": r.outcome, "detail": r.detail, "holder": r.holder}
                for r in conn.execute(select(scheduler_runs).order_by(scheduler_runs.c.job))]
        lease = conn.execute(select(scheduler_leases)).mappings().all()
    return {"jobs": jobs, "last_runs": runs,
            "lock": [{"name": r["name"], "holder": r["holder"], "expires_at": _utc(r["expires_at"])} for r in lease]}
