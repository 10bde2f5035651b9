"""The scheduler as a real process against a SQLite file: killed with SIGKILL, restarted, catching
up; its job in the database; the scan lock (lease row on SQLite, advisory lock on PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from alert_walk import rows, seize
from sqlalchemy import insert, select, text, update

from auction_flow.common.config import today
from auction_flow.features.alerts import jobs as scheduler
from auction_flow.features.imports import staged
from auction_flow.storage import db
from auction_flow.storage.schema import import_staged, scheduler_leases, sessions, users

EXE = Path(sys.executable).with_name("auction-flow")


def _world(url):
    from auction_flow.features.admin import service as admin

    engine = db.open_db(url)
    admin.init(url, "admin")
    admin.add_office(engine, "admin", "HG", "Cục THADS tỉnh Hậu Giang")
    admin.add_office(engine, "admin", "HG-VT", "Chi cục THADS TP Vị Thanh", "HG")
    admin.add_user(engine, "admin", "cv_an", "officer", "HG-VT")
    return engine


@pytest.fixture
def file_db(tmp_path, sqlite_template):
    path = tmp_path / "sched.db"
    shutil.copy(sqlite_template, path)
    url = f"sqlite:///{path}"
    engine = _world(url)
    yield url, engine
    db.get_engine(url).dispose()


def _start(url, tmp_path, name):
    env = {k: v for k, v in os.environ.items() if not k.startswith("AUCTION_FLOW_SMTP")}
    log = open(tmp_path / f"{name}.log", "w")
    return subprocess.Popen([str(EXE), "--db", url, "scheduler", "run", "--interval", "60"],
                            stdout=log, stderr=subprocess.STDOUT, env=env), log


def _wait_for(predicate, proc, seconds=60.0):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if predicate():
            return True
        assert proc.poll() is None, "the scheduler exited"
        time.sleep(0.2)
    return predicate()


def _job_rows(engine):
    with engine.connect() as conn:
        # the scan's job (the audit root's job, "root", runs beside it)
        return conn.execute(text("SELECT id, next_run_time FROM apscheduler_jobs WHERE id = 'scan'")).all()


def _scheduled_ahead(engine) -> bool:
    """The scan's next run, as the database holds it, is at least half an hour away."""
    return any(next_run > time.time() + 30 * 60 for _, next_run in _job_rows(engine))


def test_killed_scheduler_loses_nothing_and_catches_up(file_db, tmp_path):
    url, engine = file_db
    late = today() - dt.timedelta(days=12)
    first = seize(engine, late)
    proc, log = _start(url, tmp_path, "first")
    try:
        # APScheduler hands the job to its thread pool before it writes the next run time to the
        # store: wait for both (a kill between the two only means the scan runs again on restart)
        assert _wait_for(lambda: rows(engine, asset_id=first) and _scheduled_ahead(engine), proc), \
            (tmp_path / "first.log").read_text()
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        log.close()
    [(job_id, next_run)] = _job_rows(engine)
    assert job_id == "scan" and next_run > time.time() + 30 * 60  # the next run is kept in the database

    # The machine stays down past the due run: the job's next run time is now in the past.
    with engine.begin() as conn:
        conn.execute(text("UPDATE apscheduler_jobs SET next_run_time = :t"), {"t": time.time() - 1800})
    second = seize(engine, late)
    proc, log = _start(url, tmp_path, "second")

    def scan_recorded() -> bool:  # the scan's run is recorded after its alerts, in a transaction of its own
        return any(x["job"] == "scan" and x["holder"].endswith(f":{proc.pid}")
                   for x in scheduler.status(engine)["last_runs"])
    try:
        assert _wait_for(lambda: rows(engine, asset_id=second) and _scheduled_ahead(engine) and scan_recorded(),
                         proc), (tmp_path / "second.log").read_text()
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        log.close()
    assert [(r["asset_id"], r["level"]) for r in rows(engine)] == [(first, "overdue"), (second, "overdue")]
    [(job_id, next_run)] = _job_rows(engine)
    assert next_run > time.time() + 30 * 60

    r = subprocess.run([str(EXE), "--db", url, "scheduler", "status", "--json"], capture_output=True, text=True)
    status = json.loads(r.stdout)
    # the digests: a job of their own; old sign-in sessions: a daily job
    assert sorted(j["id"] for j in status["jobs"]) == ["digest", "rollup", "root", "scan", "sessions"]
    [run] = [x for x in status["last_runs"] if x["job"] == "scan"]
    assert run["outcome"] == "ok" and "raised 1" in run["detail"] and run["holder"].endswith(f":{proc.pid}")


def _session(engine, token, expires, ended=None) -> int:
    with engine.begin() as conn:
        uid = conn.execute(select(users.c.id).where(users.c.username == "cv_an")).scalar_one()
        return conn.execute(insert(sessions).values(
            user_id=uid, token_hash=hashlib.sha256(token.encode()).hexdigest(), channel="cli", client="an@pc",
            created_at=expires - dt.timedelta(days=7), expires_at=expires, last_used_at=expires - dt.timedelta(days=7),
            ended_at=ended, ended_reason=ended and "signed_out")).inserted_primary_key[0]


def test_scheduler_removes_old_sessions_at_start_and_keeps_the_rest(file_db, tmp_path):
    url, engine = file_db
    now = dt.datetime.now(dt.timezone.utc)
    old = _session(engine, "afs_old", now - dt.timedelta(days=120))
    signed_out = _session(engine, "afs_out", now + dt.timedelta(days=3), ended=now - dt.timedelta(days=100))
    recent = _session(engine, "afs_recent", now - dt.timedelta(days=20))
    live = _session(engine, "afs_live", now + dt.timedelta(days=6))
    staged.keep(engine, "ld_binh", "a.csv", b"old")  # a checked import file nobody came back for
    staged.keep(engine, "ld_tinh", "b.csv", b"new")  # one checked a moment ago: kept
    with engine.begin() as conn:
        conn.execute(update(import_staged).where(import_staged.c.file_name == "a.csv")
                     .values(staged_at=now - staged.KEPT_FOR - dt.timedelta(minutes=5)))

    def ids():
        with engine.connect() as conn:
            return set(conn.execute(select(sessions.c.id)).scalars())

    def next_run():
        with engine.connect() as conn:
            return conn.execute(text("SELECT next_run_time FROM apscheduler_jobs WHERE id = 'sessions'")).scalar()

    def purged():  # and the job's next run stored: APScheduler writes it beside the run, which can end first
        runs = {r["job"]: r for r in scheduler.status(engine)["last_runs"]}
        return "sessions" in runs and ids() == {recent, live} and (next_run() or 0) > time.time() + 23 * 3600

    proc, log = _start(url, tmp_path, "sessions")
    try:
        assert _wait_for(purged, proc), (tmp_path / "sessions.log").read_text()
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        log.close()
    assert old not in ids() and signed_out not in ids()
    [run] = [r for r in scheduler.status(engine)["last_runs"] if r["job"] == "sessions"]
    assert run["outcome"] == "ok" and run["detail"].startswith("removed 2 session(s) ended or expired over 90 day(s)")
    assert run["detail"].endswith("removed 1 checked import file(s) kept over 60 minutes"), run["detail"]
    with engine.connect() as conn:
        assert [r.file_name for r in conn.execute(select(import_staged.c.file_name))] == ["b.csv"]
    assert next_run() > time.time() + 23 * 3600  # then once a day


def test_sqlite_lease_keeps_a_second_scheduler_out(file_db):
    url, engine = file_db
    seize(engine, today() - dt.timedelta(days=12))
    with scheduler.scan_lock(engine, "otherhost:1") as got:
        assert got
        with scheduler.scan_lock(engine, "thirdhost:2") as second:
            assert not second
        scheduler.scan_job(url)  # this process: refused while the lease is held
        assert rows(engine) == []
        assert {r["job"]: r["outcome"] for r in scheduler.status(engine)["last_runs"]} == {"scan_skipped": "skipped"}
    scheduler.scan_job(url)
    assert len(rows(engine)) == 1
    assert {r["job"]: r["outcome"] for r in scheduler.status(engine)["last_runs"]} == {
        "scan": "ok", "scan_skipped": "skipped"}


def test_sqlite_lease_of_a_dead_local_process_or_expired_is_taken_over(file_db):
    _, engine = file_db
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    with scheduler.scan_lock(engine, f"{scheduler.socket.gethostname()}:{dead.pid}"):
        pass
    with engine.begin() as conn:  # a crash leaves the lease behind
        conn.execute(update(scheduler_leases).values(holder=f"{scheduler.socket.gethostname()}:{dead.pid}",
                                                     expires_at=dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=1)))
    with scheduler.scan_lock(engine) as got:
        assert got
    with engine.begin() as conn:
        conn.execute(update(scheduler_leases).values(holder="farhost:1",
                                                     expires_at=dt.datetime.now(dt.timezone.utc) - dt.timedelta(1)))
    with scheduler.scan_lock(engine) as got:
        assert got
    with engine.connect() as conn:
        assert conn.execute(select(scheduler_leases.c.holder)).scalar() is None  # released


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_postgresql_advisory_lock_admits_one_scanner(db_url, engine):
    with scheduler.scan_lock(engine, "a") as got:
        assert got
        with scheduler.scan_lock(engine, "b") as second:
            assert not second
    with scheduler.scan_lock(engine, "c") as got:
        assert got
