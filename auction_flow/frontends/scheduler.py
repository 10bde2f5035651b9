"""The scheduler process: APScheduler 3.x running the alert scan and the digests on an interval,
and the audit log's root over every chain (:func:`root_job`); the digests are a job of their own
(a hung mail server never delays a scan). Once a day it removes old sign-in sessions
(:func:`sessions_job`). Every hour it folds the new audit rows into the reports' kept yearly
answers (:func:`rollup_job`, PostgreSQL).

Its job store is in the project's database (``apscheduler_jobs``): a killed scheduler loses
nothing, and a start finds a run that fell due while it was down and runs it at once
(coalesced into one). The work itself, and the lock that keeps two schedulers from scanning
at once, is :mod:`auction_flow.features.alerts.jobs`.
"""

from __future__ import annotations

import datetime as dt
import logging
from zoneinfo import ZoneInfo

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import inspect, text
from sqlalchemy.exc import DBAPIError

from auction_flow.common.config import TZ_NAME, now_utc
from auction_flow.core import roots
from auction_flow.features.alerts.jobs import JOB_TABLE, MISFIRE_GRACE, digest_job, holder_id, record_run, scan_job
from auction_flow.features.identity import purge
from auction_flow.features.imports import staged
from auction_flow.features.reports import service as reports
from auction_flow.storage.db import get_engine, open_db

log = logging.getLogger("auction_flow.scheduler")


def _stored_next_run(engine, job_id: str) -> dt.datetime | None:
    with engine.connect() as conn:
        if not inspect(conn).has_table(JOB_TABLE):
            return None
        ts = conn.execute(text(f"SELECT next_run_time FROM {JOB_TABLE} WHERE id = :id"), {"id": job_id}).scalar()
    return None if ts is None else dt.datetime.fromtimestamp(ts, dt.timezone.utc)


def _create_job_table(engine, table) -> None:
    """APScheduler's job table, created before its store starts. Two schedulers started at the
    same moment on a new PostgreSQL database both find it missing and both create it; the
    second CREATE fails on the catalog's unique index. That one finds the table made, and goes on."""
    try:
        table.create(engine, checkfirst=True)
    except DBAPIError:
        with engine.connect() as conn:
            if not inspect(conn).has_table(table.name):
                raise


def root_job(url: str) -> None:
    """One scheduled root over every chain of the audit log (auction_flow.core.roots): rows appended
    later and dated before it are then caught by audit verify. Takes only the URL."""
    engine = open_db(url)
    started = now_utc()
    try:
        seq, digest = roots.take(engine, "scheduler")
    except Exception as exc:  # noqa: BLE001 - recorded for `scheduler status`, taken again next run
        log.exception("root failed")
        record_run(engine, "root", "failed", f"{type(exc).__name__}: {exc}", started, holder_id())
    else:
        record_run(engine, "root", "ok", f"root {seq}: {digest[:16]}", started, holder_id())


def sessions_job(url: str) -> None:
    """Remove the sign-in sessions ended or expired longer ago than the retention
    (``AUCTION_FLOW_SESSION_RETENTION_DAYS``, default 90 days) that no audit row names
    (auction_flow.features.identity.purge), and the import page's checked files nobody imported
    within the hour (auction_flow.features.imports.staged). Takes only the URL."""
    engine = open_db(url)
    started = now_utc()
    try:
        res = purge.purge_sessions(engine)
        files = staged.expire(engine)
    except Exception as exc:  # noqa: BLE001 - recorded for `scheduler status`, tried again next run
        log.exception("session purge failed")
        record_run(engine, "sessions", "failed", f"{type(exc).__name__}: {exc}", started, holder_id())
    else:
        record_run(engine, "sessions", "ok", f"removed {res.removed} session(s) ended or expired over {res.days} "
                   f"day(s) ago; kept {res.kept} named by the audit log; removed {files} checked import file(s) "
                   f"kept over {int(staged.KEPT_FOR.total_seconds() // 60)} minutes", started, holder_id())


def rollup_job(url: str) -> None:
    """One fold of the audit rows written since the last into the reports' kept yearly answers
    (auction_flow.features.reports.kept): a country's reporting year then reads the kept rows and only
    the rows since this fold. On SQLite nothing is kept (its reports read the log)."""
    engine = open_db(url)
    started = now_utc()
    try:
        res = reports.fold_now(engine)
    except Exception as exc:  # noqa: BLE001 - recorded for `scheduler status`, folded next run
        log.exception("rollup failed")
        record_run(engine, "rollup", "failed", f"{type(exc).__name__}: {exc}", started, holder_id())
    else:
        detail = (f"{res['rows']} audit rows folded ({res['added']} kept rows written, {len(res['marks'])} chains)"
                  if res["kept"] else "SQLite: nothing kept")
        record_run(engine, "rollup", "ok", detail, started, holder_id())


def build(url: str, interval_minutes: float):
    """A BlockingScheduler with the scan job in the database job store (not started)."""
    engine = open_db(url)
    tz = ZoneInfo(TZ_NAME)
    store = SQLAlchemyJobStore(engine=get_engine(url), tablename=JOB_TABLE)
    _create_job_table(engine, store.jobs_t)
    sched = BlockingScheduler(
        jobstores={"default": store},
        job_defaults={"coalesce": True, "misfire_grace_time": MISFIRE_GRACE, "max_instances": 1},
        timezone=tz)
    stored = _stored_next_run(engine, "scan")
    now = now_utc()
    # A run that fell due while no scheduler was up happens now (once); a future one keeps its time.
    first = stored if stored is not None and stored > now else now
    every = IntervalTrigger(seconds=max(1, round(interval_minutes * 60)), timezone=tz)
    sched.add_job(scan_job, every, args=[url], id="scan", name="alert scan", replace_existing=True,
                  next_run_time=first)
    sched.add_job(root_job, every, args=[url], id="root", name="audit root over every chain", replace_existing=True)
    # the digests are a job of their own (their own thread): a mail server that never answers
    # never delays a scan
    sched.add_job(digest_job, every, args=[url], id="digest", name="alert digests", replace_existing=True,
                  next_run_time=now)
    # old sign-in sessions: once a day, and once at each start
    sched.add_job(sessions_job, IntervalTrigger(hours=24, timezone=tz), args=[url], id="sessions",
                  name="old sign-in sessions removed", replace_existing=True, next_run_time=now)
    # every hour whatever the scan's interval: a report reads the rows since the last fold live
    sched.add_job(rollup_job, IntervalTrigger(hours=1, timezone=tz), args=[url], id="rollup",
                  name="report rollup", replace_existing=True)
    return sched


def run(url: str, interval_minutes: float = 60) -> None:
    """Run the scheduler in the foreground until interrupted."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    sched = build(url, interval_minutes)
    log.info("scheduler %s: scan every %s minute(s)", holder_id(), interval_minutes)
    try:
        sched.start()
    except (KeyboardInterrupt, SystemExit):
        pass
