"""A step whose connection cannot be checked out (``db.step_writing``, performance-notes stop 22).

The step checks its connection out with ``engine.raw_connection()``, which raises the driver's own
error. What the user and every caller see must be what Core's ``engine.connect()`` raises for the
same database (``sqlalchemy.exc.OperationalError``, its message, its one line on the command line),
after the same number of connection attempts, with nothing written. Real databases only: a
SQLite file whose folder has gone, and a PostgreSQL address where a real socket hangs up.
"""

from __future__ import annotations

import datetime as dt
import shutil
import socket
import sqlite3
import threading

import pytest
from sqlalchemy import func, make_url, select
from sqlalchemy.exc import IntegrityError, OperationalError

from auction_flow.common.errors import TriggerNotAllowed
from auction_flow.common.words import message
from auction_flow.core import engine as eng
from auction_flow.storage import db
from auction_flow.storage.schema import assets, audit_log

SEIZED = dt.date(2026, 3, 2)


def _world(url: str):
    from auction_flow.features.admin import service as admin
    from auction_flow.features.assets import service as svc

    engine = db.open_db(url)
    admin.init(url, "admin")
    admin.add_office(engine, "admin", "HG", "Cục THADS tỉnh Hậu Giang")
    admin.add_office(engine, "admin", "HG-VT", "Chi cục THADS TP Vị Thanh", "HG")
    admin.add_user(engine, "admin", "cv_an", "officer", "HG-VT")
    return engine, svc.seize(engine, "cv_an", "7/2026/THA", "HG-VT", "movable", "Xe ô tô", on=SEIZED)


def _written(engine, aid) -> tuple:
    with engine.connect() as conn:
        version = conn.execute(select(assets.c.version, assets.c.state).where(assets.c.id == aid)).one()
        return tuple(version), conn.execute(select(func.count()).select_from(audit_log)).scalar()


def _step(engine, aid):
    return eng.fire(engine, aid, "agree_price", "cv_an", on=SEIZED + dt.timedelta(days=1),
                    fields={"price": "100000000"})


def _core_error(engine) -> OperationalError:
    with pytest.raises(OperationalError) as core:
        with db.writing(engine):
            pass
    return core.value


def _as_user_reads_it(exc) -> str:
    """The one line the command line prints for it (frontends/cli/app.py)."""
    first = (str(exc).strip().splitlines() or [""])[0][:300]
    return message("cli.db_unusable", "en", first=first)


def test_sqlite_step_whose_file_cannot_be_opened_is_refused_as_core_refuses_it(tmp_path, sqlite_template):
    folder = tmp_path / "office"
    folder.mkdir()
    shutil.copy(sqlite_template, folder / "af.db")
    url = f"sqlite:///{folder / 'af.db'}"
    engine, aid = _world(url)
    before = _written(engine, aid)
    engine.dispose()  # the pool's connections closed: the next step must open the file again
    folder.rename(tmp_path / "moved")  # the database's folder is gone (a share unmounted, a move)
    try:
        with pytest.raises(OperationalError) as step:
            _step(engine, aid)
        core = _core_error(engine)
    finally:
        engine.dispose()
        (tmp_path / "moved").rename(folder)
    assert type(step.value) is type(core) and str(step.value) == str(core)
    assert "unable to open database file" in str(step.value)
    assert _as_user_reads_it(step.value) == (
        "the database could not be used: (sqlite3.OperationalError) unable to open database file")
    assert _written(engine, aid) == before  # nothing written
    _step(engine, aid)  # the folder back: the same engine steps again
    assert _written(engine, aid)[0] == (2, "priced")


class _HangUp:
    """A real TCP listener that accepts each connection and closes it at once, counting them."""

    def __init__(self):
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.accepted = 0
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.accepted += 1
            conn.close()

    def close(self):
        self.sock.close()
        self.thread.join(5)


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_postgresql_step_whose_server_hangs_up_is_refused_as_core_refuses_it(db_url):
    real, aid = _world(db_url)
    before = _written(real, aid)
    listener = _HangUp()
    try:
        url = make_url(db_url).set(host="127.0.0.1", port=listener.port).render_as_string(hide_password=False)
        engine = db.get_engine(url)
        with pytest.raises(OperationalError) as step:
            _step(engine, aid)
        by_step, listener.accepted = listener.accepted, 0
        core = _core_error(engine)
        by_core = listener.accepted
        engine.dispose()
    finally:
        listener.close()
    assert type(step.value) is type(core) and str(step.value) == str(core)
    assert _as_user_reads_it(step.value).startswith("the database could not be used: (psycopg.OperationalError)")
    # as many connection attempts as Core makes: a server that does not answer is waited for once
    assert by_core >= 1 and by_step == by_core
    assert _written(real, aid) == before  # nothing written


def _terminate_others(engine) -> int:
    """The server closes every other connection to the engine's database (an administrator's
    pg_terminate_backend, a server restart as the pooled connections see it)."""
    import psycopg

    url = engine.url
    with psycopg.connect(host=url.host, port=url.port, user=url.username, password=url.password,
                         dbname=url.database, autocommit=True) as admin:
        return admin.execute("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                             "WHERE datname = current_database() AND pid <> pg_backend_pid()").fetchone()[0]


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_postgresql_step_on_a_connection_the_server_closed_is_written_once_on_a_new_one(db_url):
    # the step's checkout is not pinged: its BEGIN is the ping, and a lost connection is replaced
    engine, aid = _world(db_url)
    _step(engine, aid)  # the pool now holds the step's connection
    rows = _written(engine, aid)[1]
    assert _terminate_others(engine) >= 1
    later = eng.fire(engine, aid, "suspend", "cv_an", on=SEIZED + dt.timedelta(days=2), fields={"kind": "postpone"})
    assert later.version == 3
    assert _written(engine, aid) == ((3, "suspended"), rows + 1)  # the step's row, once
    assert _terminate_others(engine) >= 1
    assert _written(engine, aid)[0][0] == 3  # Core's checkout is pinged (as pool_pre_ping): it reads on
    engine.dispose()


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_postgresql_step_returns_its_connection_out_of_autocommit(db_url):
    engine, aid = _world(db_url)
    _step(engine, aid)
    with pytest.raises(TriggerNotAllowed):
        _step(engine, aid)  # refused (agree_price again, from priced): rolled back
    pooled = engine.raw_connection()
    try:
        assert pooled.dbapi_connection.autocommit is False
    finally:
        pooled.close()
    with engine.connect() as conn:  # Core's transaction is the driver's own again: rolled back, nothing kept
        conn.execute(assets.update().where(assets.c.id == aid).values(description="changed"))
        conn.rollback()
    assert _written(engine, aid)[0] == (2, "priced")
    engine.dispose()


def _driver_connection(engine):
    """The DBAPI connection the next step of this thread will work on (looked at inside a step)."""
    with db.step_writing(engine) as conn:
        return conn.connection.dbapi_connection


def _is_closed(engine, dbapi) -> bool:
    if engine.dialect.name == "sqlite":
        try:
            dbapi.execute("SELECT 1")
        except sqlite3.ProgrammingError:  # "Cannot operate on a closed database."
            return True
        return False
    return dbapi.closed


@pytest.mark.parametrize("db_url", ["sqlite", "postgresql"], indirect=True)
def test_a_clean_step_parks_its_connection_for_the_thread_and_dispose_closes_it(db_url):
    """storage/parked.py: a step that committed on the driver keeps its connection for the same
    thread's next step (no pool check-out and check-in); another thread's step never gets it; a
    refused step's connection goes back to the pool with no transaction open; dispose closes the
    parked connection as it closes the pool's."""
    engine, aid = _world(db_url)
    engine.dispose()
    first = _driver_connection(engine)
    assert _driver_connection(engine) is first and engine.pool.checkedout() == 1  # parked, taken again
    _step(engine, aid)
    assert _driver_connection(engine) is first
    seen = []
    other = threading.Thread(target=lambda: seen.append(_driver_connection(engine)))
    other.start()
    other.join()
    assert seen[0] is not first  # another thread's step checked out its own, and returned it to the pool
    assert engine.pool.checkedout() == 1 and _driver_connection(engine) is first
    with pytest.raises(TriggerNotAllowed):
        _step(engine, aid)  # refused (agree_price again, from priced): rolled back, not parked
    assert engine.pool.checkedout() == 0  # the refused step's connection is in the pool, with nothing open
    if engine.dialect.name == "sqlite":
        assert not first.in_transaction
    else:
        assert first.info.transaction_status == first.info.transaction_status.IDLE and not first.autocommit
    kept = _driver_connection(engine)  # the next clean step parks its connection again
    assert engine.pool.checkedout() == 1 and _driver_connection(engine) is kept
    engine.dispose()
    assert engine.pool.checkedout() == 0 and _is_closed(engine, kept) and _is_closed(engine, first)
    assert _driver_connection(engine) is not first  # a new pool's connection, parked in its turn
    engine.dispose()


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_step_that_fails_at_commit_is_not_parked(db_url):
    """A COMMIT the database refuses (a deferred foreign key) leaves the connection to the pool,
    which rolls it back: nothing is parked with its transaction open."""
    engine, aid = _world(db_url)
    engine.dispose()
    with pytest.raises(IntegrityError):
        with db.step_writing(engine) as conn:
            raw = conn.connection.dbapi_connection
            raw.execute("PRAGMA defer_foreign_keys=ON")
            raw.execute("UPDATE assets SET office_id = 999999 WHERE id = ?", (aid,))
    assert engine.pool.checkedout() == 0 and not raw.in_transaction
    assert _written(engine, aid)[0] == (1, "seized")
    engine.dispose()
