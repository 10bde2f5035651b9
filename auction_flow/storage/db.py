"""Opening the database: engines with the project's pragmas, write transactions, schema checks."""

from __future__ import annotations

import contextlib
import contextvars
import functools
from pathlib import Path

from sqlalchemy import create_engine, event, inspect, make_url, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError, InvalidatePoolError

from auction_flow.common.config import migrations_dir
from auction_flow.common.errors import NotFound, SchemaError
from auction_flow.storage import driver, parked

# Alembic revisions in order; the last one is what this code expects. A test checks this
# against migrations/ so the two cannot drift.
REVISIONS = ("0001", "0002", "0003", "0004", "0005", "0006", "0009", "0011", "0016", "0012", "0015", "0014", "0020",
             "0019", "0017", "0023", "0022", "0024", "0025", "0026", "0027", "0028", "0032", "0029", "0031", "0033",
             "0034")
SCHEMA_HEAD = REVISIONS[-1]


def is_sqlite(engine: Engine | Connection) -> bool:
    return engine.dialect.name == "sqlite"


def _sqlite_pragmas(dbapi_conn, _record):
    # Let SQLAlchemy's "begin" event emit BEGIN itself (pysqlite's own is unreliable).
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=FULL")  # a recorded step survives a power cut
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


def _sqlite_begin(conn):
    # A write transaction takes the write lock up front, so two writers queue on the
    # busy timeout instead of failing on a stale snapshot half-way through.
    # Sent to the driver itself: every step opens a transaction, and Core's execution path
    # cost more than the BEGIN (see auction_flow.driver).
    dbapi = conn.connection.dbapi_connection
    if dbapi.in_transaction:  # a step's transaction (step_writing), already begun on the driver: Core joins it
        return
    dbapi.execute("BEGIN IMMEDIATE" if conn.get_execution_options().get("write") else "BEGIN")


@functools.lru_cache(maxsize=16)
def get_engine(url: str) -> Engine:
    """One engine per URL per process."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
    else:
        # The pool's pre-ping (``pool_pre_ping=True``) as a checkout listener, which the engine's
        # step skips: its own first statement is its ping (:func:`step_writing`).
        engine = create_engine(url)
        event.listen(engine, "connect", _fresh)
        event.listen(engine, "checkout", functools.partial(_ping, engine.dialect))
    return engine


_SKIP_PING = contextvars.ContextVar("af_skip_ping", default=False)
_PG_IDLE = 0  # psycopg.pq.TransactionStatus.IDLE (libpq's PQTRANS_IDLE), without importing psycopg here


def _fresh(_dbapi_conn, record):
    record.info["af_fresh"] = True  # a connection just made needs no ping (as pool_pre_ping)


def _ping(dialect, dbapi_conn, record, _proxy):
    """SQLAlchemy's ``pool_pre_ping``, written with its public parts: a connection checked out
    again is pinged first; when the ping finds it lost, every connection the pool held until now
    is invalidated and the checkout goes on with a new one (``InvalidatePoolError``). Skipped for a
    new connection, and for the checkout of :func:`step_writing` on PostgreSQL."""
    if record.info.pop("af_fresh", False) or _SKIP_PING.get():
        return
    try:
        dialect.do_ping(dbapi_conn)  # what pool_pre_ping sends (Dialect.do_ping)
    except dialect.loaded_dbapi.Error as err:
        if dialect.is_disconnect(err, dbapi_conn, None):
            raise InvalidatePoolError() from err
        raise


@contextlib.contextmanager
def writing(engine: Engine):
    """A write transaction: BEGIN IMMEDIATE on SQLite, an ordinary one elsewhere."""
    with engine.connect() as conn:
        conn.execution_options(write=True)
        with conn.begin():
            yield conn


class StepConnection:
    """The connection :func:`step_writing` yields: the pool's connection, on which the driver
    works (``dialect``, ``info``, ``connection``, as a Core connection has them), and Core's
    :class:`~sqlalchemy.engine.Connection` over that same connection, made only when a statement
    goes through Core (a guard, an effect, a paper): every other attribute is that Connection's.
    Making a Connection (its events joined to the engine's) and closing it cost a twentieth of a
    step's instructions, for a step that mostly never uses it (bench_engine_cpu.py)."""

    __slots__ = ("engine", "dialect", "connection", "info", "_core")

    def __init__(self, engine: Engine, pooled, core: Connection | None = None):
        self.engine = engine
        self.dialect = engine.dialect
        self.connection = pooled  # the pool's proxied connection, as Connection.connection
        self.info = pooled.info
        self._core = core

    @property
    def core(self) -> Connection:
        """Core's Connection on the step's connection (made on first use)."""
        if self._core is None:
            self._core = Connection(self.engine, connection=self.connection)
        return self._core

    def __getattr__(self, name):  # execute, scalar, begin_nested, ...: Core's
        return getattr(self.core, name)

    def _in_core_transaction(self) -> bool:
        return self._core is not None and self._core.in_transaction()

    def _close(self) -> None:
        if self._core is not None:
            self._core.close()  # returns the pool's connection, as a Core connection's close does
        else:
            self.connection.close()


def step_writing(engine: Engine) -> "_StepTransaction":
    """:func:`writing`'s transaction for the engine's step, begun and ended on the driver.

    The same transaction (on SQLite BEGIN IMMEDIATE, so the write lock is taken before the step
    reads anything; on PostgreSQL the driver's own, begun by the first statement), committed when
    the block ends and rolled back when it raises; only SQLAlchemy's transaction bookkeeping
    around BEGIN and COMMIT is skipped (about a tenth of a step's CPU, bench_engine_cpu.py). A
    statement sent through Core inside the block (a guard, an effect, a paper) joins it: Core's
    own begin finds it open (:func:`_sqlite_begin`), and the commit then goes through Core. The
    connection is the one the same thread's last clean step parked (:mod:`auction_flow.storage.parked`:
    one per engine, for one thread, closed by ``engine.dispose()``), else checked out of the engine's
    pool as Core's would be (reset at check-in); on PostgreSQL its BEGIN is its ping
    (:meth:`_StepTransaction._enter_postgresql`). Core's Connection over it is made only if used
    (:class:`StepConnection`), and a step that used it, raised or failed to commit is not parked.
    Used as ``with step_writing(engine) as conn:``.
    """
    return _StepTransaction(engine)


class _StepTransaction:
    """The context manager :func:`step_writing` returns: a class rather than a generator made into
    one by ``contextlib.contextmanager``, whose generator and wrapper cost a step about 1%
    (bench_engine_cpu.py). The connection is checked out on entering, as the generator did."""

    __slots__ = ("engine", "conn", "dbapi", "began", "slot")

    def __init__(self, engine: Engine):
        self.engine = engine
        self.began = False  # PostgreSQL: BEGIN sent in autocommit (_enter_postgresql)

    def __enter__(self) -> StepConnection:
        engine = self.engine
        self.slot = parked.slot(engine)  # before the check-out: a dispose after it parks nothing
        if engine.dialect.name == "postgresql":
            return self._enter_postgresql(engine)
        conn = self.conn = parked.take(self.slot) or self._checkout(engine)
        try:
            dbapi = self.dbapi = conn.connection.dbapi_connection
            if engine.dialect.name == "sqlite":  # the connection's, not the driver's kept cursor (performance-notes, stop 22)
                dbapi.execute("BEGIN IMMEDIATE")  # its error raised as it stands, as from writing()'s begin
        except BaseException:
            conn._close()
            raise
        return conn

    @staticmethod
    def _checkout(engine: Engine) -> StepConnection:
        try:
            return StepConnection(engine, engine.raw_connection())
        except engine.dialect.loaded_dbapi.Error as err:
            # raised as engine.connect() raises it, after one attempt as Core makes (no second connect:
            # a server that does not answer is waited for once; tests/storage/test_step_checkout.py)
            raise _core_error(engine, err) from err

    def _enter_postgresql(self, engine: Engine) -> StepConnection:
        """PostgreSQL: the step's BEGIN is its connection's ping. The pool's ping (:func:`_ping`) is
        skipped at the checkout and BEGIN is sent in autocommit (psycopg would send its own BEGIN
        as a round trip of its own before the first statement); when BEGIN finds the connection
        lost, it is invalidated and the step checks out another, pinged as every checkout is, as
        ``pool_pre_ping`` did. One round trip a step less (performance-notes, stop 26). Until the
        step ends its transaction psycopg's connection is in autocommit: it sends no BEGIN of its
        own, and its ``commit`` and ``rollback`` (the step's, or Core's) send COMMIT and ROLLBACK
        while a transaction is open; it is set back before the check-in (a connection parked for the
        thread's next step stays in it: that step's BEGIN is sent in it again, with no ping)."""
        conn = parked.take(self.slot)  # the thread's last step's connection, not pinged either
        kept = conn is not None  # parked still in the autocommit its step's BEGIN set
        if not kept:
            skip = _SKIP_PING.set(True)
            try:
                conn = self._checkout(engine)
            finally:
                _SKIP_PING.reset(skip)
        for pinged in (False, True):
            try:
                self._begin(engine, conn, kept)
                return conn
            except engine.dialect.loaded_dbapi.Error as err:
                dbapi = conn.connection.dbapi_connection
                lost = dbapi is not None and engine.dialect.is_disconnect(err, dbapi, None)
                if lost:
                    conn.connection.invalidate(err)
                else:
                    _end_autocommit(conn, dbapi)
                conn._close()
                if pinged or not lost:
                    raise _core_error(engine, err) from err
            except BaseException:
                _end_autocommit(conn, conn.connection.dbapi_connection)
                conn._close()
                raise
            conn, kept = self._checkout(engine), False  # pinged: pool_pre_ping's second connection
        raise AssertionError("not reached")

    def _begin(self, engine: Engine, conn: StepConnection, kept: bool) -> None:
        dbapi = self.dbapi = conn.connection.dbapi_connection
        self.conn = conn
        if kept:  # parked by this thread's last step, still in autocommit: only this step's BEGIN to send
            self.began = True
            driver.cursor(conn).execute("BEGIN")
        elif dbapi.isolation_level is None and dbapi.read_only is None and dbapi.deferrable is None:
            dbapi.autocommit = True  # psycopg's own BEGIN would be this plain one
            self.began = True
            driver.cursor(conn).execute("BEGIN")
        else:  # psycopg begins with its own options: pinged, as at any other checkout
            engine.dialect.do_ping(dbapi)

    def __exit__(self, exc_type, exc, tb) -> None:
        conn = self.conn
        committed = False
        try:
            if exc_type is not None:  # rolled back, and the block's exception goes on (None returned)
                if conn._in_core_transaction():
                    conn.core.rollback()
                else:
                    self.dbapi.rollback()
            elif conn._in_core_transaction():
                conn.core.commit()
            else:
                _as_core(self.engine, self.dbapi.commit)
                committed = True  # by the driver, Core never used: the one case parked
        finally:
            # parked for the thread's next step only when it ended clean: committed by the driver,
            # still valid (not invalidated), no transaction open; on PostgreSQL left in the autocommit
            # its BEGIN set (the next step sends BEGIN again). Else back to the pool, which rolls it
            # back, out of autocommit (parked.py)
            if not (committed and conn._core is None and conn.connection.dbapi_connection is self.dbapi
                    and self._idle() and parked.park(self.slot, conn)):
                if self.began:  # PostgreSQL: after the step's BEGIN (_enter_postgresql)
                    _end_autocommit(conn, self.dbapi)
                conn._close()

    def _idle(self) -> bool:
        """No transaction open on the step's connection (after its COMMIT)."""
        if self.began:  # psycopg, in autocommit since the step's BEGIN
            return self.dbapi.info.transaction_status == _PG_IDLE
        return self.engine.dialect.name == "sqlite" and not self.dbapi.in_transaction


def _end_autocommit(conn: StepConnection, dbapi) -> None:
    """psycopg's connection out of the autocommit the step's BEGIN set (before it goes back to the
    pool); one that cannot be (lost, or still in a transaction) is invalidated, not pooled."""
    if dbapi is None or not dbapi.autocommit:
        return
    try:
        dbapi.autocommit = False
    except Exception as err:  # noqa: BLE001 - whatever refused it, the connection is not pooled
        conn.connection.invalidate(err)


def _as_core(engine: Engine, call, *args):
    """``call(*args)`` on the driver, its error raised as Core's commit raised it (SQLAlchemy's
    class and text around the driver's)."""
    try:
        call(*args)
    except engine.dialect.loaded_dbapi.Error as err:
        raise _core_error(engine, err) from err


def _core_error(engine: Engine, err: Exception) -> DBAPIError:
    """The driver's ``err`` as Core raises it: SQLAlchemy's class (``OperationalError``, which the
    front ends turn into their one line) and text around the driver's, marked as a lost connection
    when the dialect says it is one. The project registers no ``handle_error`` listener, the only
    other thing Core's own wrapping would do."""
    return DBAPIError.instance(None, None, err, engine.dialect.loaded_dbapi.Error,
                               hide_parameters=engine.hide_parameters,
                               connection_invalidated=engine.dialect.is_disconnect(err, None, None),
                               dialect=engine.dialect)


@contextlib.contextmanager
def reading(engine: Engine):
    with engine.connect() as conn:
        with conn.begin():
            yield conn


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def check_schema(engine: Engine) -> None:
    """Refuse to work on a database whose schema is not the one this code was written for."""
    rev = current_revision(engine)
    where = engine.url.render_as_string(hide_password=True)
    if rev is None:
        raise SchemaError("schema_missing", where=where)
    if rev == SCHEMA_HEAD:
        return
    if rev in REVISIONS:
        raise SchemaError("schema_older", rev=rev, head=SCHEMA_HEAD)
    raise SchemaError("schema_newer", rev=rev, head=SCHEMA_HEAD)


def alembic_config(url: str):
    from alembic.config import Config  # lazy on purpose: Alembic is for schema changes, not every command

    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir()))
    cfg.attributes["url"] = url
    return cfg


def upgrade(url: str, revision: str = "head") -> str:
    """Bring the schema to ``revision``; return the revision it is at afterwards."""
    from alembic import command

    prepare(url)
    command.upgrade(alembic_config(url), revision)
    return current_revision(get_engine(url))


def downgrade(url: str, revision: str) -> str | None:
    from alembic import command

    command.downgrade(alembic_config(url), revision)
    return current_revision(get_engine(url))


def sqlite_file(url: str) -> Path | None:
    """The file of a SQLite URL (None for another database, or one in memory)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def prepare(url: str) -> None:
    """Make the folder of a SQLite file that is about to be created (init, db upgrade, demo only)."""
    path = sqlite_file(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)


def open_db(url: str, check: bool = True) -> Engine:
    """The engine of an existing database. Reading never creates one: a SQLite file that is not
    there is refused (SQLite would otherwise make an empty file at the path)."""
    path = sqlite_file(url)
    if path is not None and not path.exists():
        raise NotFound("db_missing", path=path)
    engine = get_engine(url)
    if check:
        check_schema(engine)
    return engine


def dialect_insert(conn, table):
    """An INSERT of ``table`` in the connection's dialect (PostgreSQL or SQLite), so that their
    ``on_conflict_do_nothing()`` / ``on_conflict_do_update()`` can follow it."""
    return (postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert)(table)
