"""Fixtures: a fresh real database per test, on SQLite always and on PostgreSQL when
AUCTION_FLOW_TEST_PG names a server. Every test that takes ``db_url`` runs on both."""

from __future__ import annotations

import os
import shutil
import uuid

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, text

PG = os.environ.get("AUCTION_FLOW_TEST_PG")
BACKENDS = ["sqlite"] + (["postgresql"] if PG else [])
# Settings a developer may have exported; no test may depend on them (or send mail through them).
_AMBIENT = ("AUCTION_FLOW_DB", "AUCTION_FLOW_USER", "AUCTION_FLOW_LANG", "AUCTION_FLOW_CONFIG",
            "AUCTION_FLOW_DIGEST_HOUR", "AUCTION_FLOW_SMTP_HOST", "AUCTION_FLOW_SMTP_PORT",
            "AUCTION_FLOW_SMTP_USER", "AUCTION_FLOW_SMTP_PASSWORD", "AUCTION_FLOW_SMTP_SENDER",
            "AUCTION_FLOW_SMTP_STARTTLS", "AUCTION_FLOW_TOKEN", "AUCTION_FLOW_CONFIG_DIR")
# Every user the fixtures make signs in with this password (the Cli helper signs actors in with it).
PASSWORD = "thads-test-Pass-2026"


@pytest.fixture(autouse=True)
def _no_ambient_settings(monkeypatch):
    for name in _AMBIENT:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(autouse=True)
def _own_config_dir(monkeypatch, tmp_path_factory):
    """Each test keeps the sessions it signs in (the command line's token file) in a folder of its
    own; subprocesses started with os.environ inherit it."""
    folder = tmp_path_factory.mktemp("config")
    monkeypatch.setenv("AUCTION_FLOW_CONFIG_DIR", str(folder))
    return folder


_HASHES: list[str] = []


def password_hash() -> str:
    """The argon2id hash of PASSWORD, made once per test run (a real hash at the real cost)."""
    from auction_flow.features.identity import service as identity

    if not _HASHES:
        _HASHES.append(identity.hash_password(PASSWORD))
    return _HASHES[0]


def sign_in(url: str, username: str) -> bool:
    """Sign ``username`` in to ``url`` through the identity service, as `auction-flow login` does,
    into the test's config folder. A user of the fixtures without a password is given PASSWORD
    first; a user that does not exist or is deactivated is left signed out (False)."""
    from sqlalchemy import select, update

    from auction_flow.common.config import db_url
    from auction_flow.features.identity import local
    from auction_flow.features.identity import service as identity
    from auction_flow.storage import db
    from auction_flow.storage.schema import users

    url = db_url(url)
    try:
        engine = db.open_db(url)
        with engine.begin() as conn:
            row = conn.execute(select(users.c.id, users.c.active, users.c.password_hash)
                               .where(users.c.username == username)).first()
            if row is None or not row.active:
                return False
            if row.password_hash is None:
                conn.execute(update(users).where(users.c.id == row.id).values(password_hash=password_hash()))
    except Exception:  # noqa: BLE001 - no usable database: the command itself will say so
        return False
    signed = identity.sign_in(engine, username, PASSWORD, channel="cli", client="tests")
    local.remember(url, signed.username, signed.token, signed.session_id, signed.expires_at)
    return True


def _pg_url(database: str) -> str:
    from sqlalchemy.engine import make_url

    from auction_flow.common.config import db_url

    return make_url(db_url(PG)).set(database=database).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    from auction_flow.storage import db

    path = tmp_path_factory.mktemp("template") / "template.db"
    db.upgrade(f"sqlite:///{path}")
    db.get_engine(f"sqlite:///{path}").dispose()
    return path


@pytest.fixture(scope="session")
def pg_admin():
    if not PG:
        pytest.skip("AUCTION_FLOW_TEST_PG is not set")
    engine = create_engine(_pg_url(_pg_maintenance_db()), isolation_level="AUTOCOMMIT")
    yield engine
    engine.dispose()


def _pg_maintenance_db() -> str:
    from sqlalchemy.engine import make_url

    from auction_flow.common.config import db_url

    return make_url(db_url(PG)).database or "postgres"


@pytest.fixture(scope="session")
def pg_template(pg_admin):
    from auction_flow.storage import db

    name = f"af_tmpl_{os.getpid()}"
    with pg_admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = _pg_url(name)
    db.upgrade(url)
    db.get_engine(url).dispose()
    yield name
    with pg_admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def fresh_pg(pg_admin, template: str | None) -> str:
    name = f"af_t_{uuid.uuid4().hex[:12]}"
    with pg_admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")))
    return name


def drop_pg(pg_admin, name: str):
    from auction_flow.storage import db

    db.get_engine(_pg_url(name)).dispose()
    with pg_admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(params=BACKENDS)
def db_url(request, tmp_path, sqlite_template):
    """A URL of a fresh database at the newest schema, on each backend."""
    from auction_flow.storage import db

    if request.param == "sqlite":
        path = tmp_path / "af.db"
        shutil.copy(sqlite_template, path)
        url = f"sqlite:///{path}"
        yield url
        db.get_engine(url).dispose()
    else:
        admin = request.getfixturevalue("pg_admin")
        name = fresh_pg(admin, request.getfixturevalue("pg_template"))
        yield _pg_url(name)
        drop_pg(admin, name)


@pytest.fixture(scope="session")
def new_database(request, tmp_path_factory, sqlite_template):
    """``new_database(backend)``: the URL of a fresh database at the newest schema on ``backend``
    ("sqlite" or "postgresql"), for fixtures wider than one test (a web server per module). The
    PostgreSQL ones are dropped when the session ends."""
    from auction_flow.storage import db

    made: list[tuple[str, str | None]] = []
    admin = []  # pg_admin, kept here: asked for after this fixture, it is torn down before it

    def make(backend: str) -> str:
        if backend == "sqlite":
            path = tmp_path_factory.mktemp("db") / "af.db"
            shutil.copy(sqlite_template, path)
            made.append((f"sqlite:///{path}", None))
        else:
            admin[:] = [request.getfixturevalue("pg_admin")]
            name = fresh_pg(admin[0], request.getfixturevalue("pg_template"))
            made.append((_pg_url(name), name))
        return made[-1][0]

    yield make
    for url, name in made:
        db.get_engine(url).dispose()
        if name:
            drop_pg(admin[0], name)  # a disposed engine opens a new connection when asked


@pytest.fixture(params=BACKENDS)
def empty_db_url(request, tmp_path):
    """A URL of an empty database (no schema), on each backend."""
    from auction_flow.storage import db

    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'empty.db'}"
        yield url
        db.get_engine(url).dispose()
    else:
        admin = request.getfixturevalue("pg_admin")
        name = fresh_pg(admin, None)
        yield _pg_url(name)
        drop_pg(admin, name)


@pytest.fixture
def engine(db_url):
    from auction_flow.storage import db

    return db.open_db(db_url)


@pytest.fixture
def world(db_url, engine):
    """A province (HG) over two branches (HG-VT, HG-NB) with their people.

    admin: administrator; cv_an, cv_ba: officers of HG-VT; cv_dung: officer of HG-NB;
    ld_binh: supervisor of HG-VT; ld_tinh: supervisor of the province; ksv: procurator of HG.
    """
    from auction_flow.features.admin import service as admin

    admin.init(db_url, "admin", password_hash=password_hash())
    admin.add_office(engine, "admin", "HG", "Cục THADS tỉnh Hậu Giang")
    admin.add_office(engine, "admin", "HG-VT", "Chi cục THADS TP Vị Thanh", "HG")
    admin.add_office(engine, "admin", "HG-NB", "Chi cục THADS TX Ngã Bảy", "HG")
    for username, role, office in [("cv_an", "officer", "HG-VT"), ("cv_ba", "officer", "HG-VT"),
                                   ("cv_dung", "officer", "HG-NB"), ("ld_binh", "supervisor", "HG-VT"),
                                   ("ld_tinh", "supervisor", "HG"), ("ksv", "procurator", "HG")]:
        admin.add_user(engine, "admin", username, role, office, email=f"{username}@thads.test",
                       password_hash=password_hash())
    return engine


class Cli:
    """Runs the real click command tree against one database, as a user would type it.

    ``actor``: the user is signed in first (once per helper, through the identity service, as
    `auction-flow login` does) and chosen with --as. A password prompt (init, user add) is
    answered with PASSWORD unless ``input`` is given."""

    def __init__(self, url: str):
        self.url = url
        self.runner = CliRunner()
        self.signed_in: set[str] = set()

    def login(self, actor: str) -> None:
        if actor not in self.signed_in and sign_in(self.url, actor):
            self.signed_in.add(actor)

    def __call__(self, *args, actor: str | None = None, input: str | None = None):
        from cli import main

        chosen = [str(b) for a, b in zip(args, args[1:]) if a == "--as"]
        for name in ([actor] if actor else []) + chosen:
            self.login(name)
        argv = ["--db", self.url] + (["--as", actor] if actor else []) + [str(a) for a in args]
        return self.runner.invoke(main, argv, input=f"{PASSWORD}\n{PASSWORD}\n" if input is None else input,
                                  catch_exceptions=False)


def lines(result) -> list[str]:
    """The lines a successful command printed."""
    assert result.exit_code == 0, result.output
    return result.output.splitlines()


def one_line(result) -> str:
    """The one line a successful command printed."""
    [line] = lines(result)
    return line


@pytest.fixture
def cli(db_url):
    return Cli(db_url)
