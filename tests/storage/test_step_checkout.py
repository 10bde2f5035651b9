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
import threading

import pytest
from sqlalchemy import func, make_url, select
from sqlalchemy.exc import OperationalError

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
