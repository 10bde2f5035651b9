"""Statements issued straight to the database driver, for the paths that run per step or per row.

SQLAlchemy Core costs about 40 µs per statement above the driver (building an execution
context, events, result set-up), several times what SQLite itself spends on the engine's
small statements. The engine's step (read the actor, the asset and the calendar's stamp in one
statement, the calendar itself only when its stamp changed; update the asset; link and insert the
audit row) and the import's bulk inserts therefore go to the
DBAPI cursor of the SQLAlchemy connection, inside the transaction ``db.writing`` opened (or,
for the engine's step, ``db.step_writing``: the same transaction begun and ended on the driver).

Values cross with the columns' own SQLAlchemy type processors (the same functions Core
uses), so what is stored and what is read back is exactly what Core would store and read:
dates and timestamps as SQLAlchemy's text on SQLite, native types on PostgreSQL.
tests/test_driver.py holds the two paths to that.

SQL is written with ``:name`` parameters; for a ``pyformat`` driver (psycopg) they become
``%(name)s`` once, when the statement is built.
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
import re

_PARAM = re.compile(r"(?<![:\w]):(\w+)")


class Statement:
    """One SQL text in the driver's paramstyle, with its bind and result processors."""

    __slots__ = ("sql", "binds", "results", "names", "converts")

    def __init__(self, dialect, sql: str, params: dict | None = None, results: list | None = None):
        """``params``: parameter name -> SQLAlchemy column (or None) whose type converts it;
        ``results``: the selected columns in order, for their result processors."""
        if dialect.paramstyle in ("pyformat", "format"):  # a literal % is doubled first
            sql = _PARAM.sub(r"%(\1)s", sql.replace("%", "%%"))
        self.sql = sql
        self.binds = [(name, p) for name, p in ((name, _bind(dialect, col)) for name, col in (params or {}).items())
                      if p is not None]
        self.results = [_result(dialect, col) for col in (results or [])]
        self.names = [col.name for col in (results or [])]
        self.converts = tuple((i, proc) for i, proc in enumerate(self.results) if proc is not None)  # by position

    def params(self, values: dict) -> dict:
        if not self.binds:
            return values
        values = dict(values)
        for name, proc in self.binds:
            if name in values:
                values[name] = proc(values[name])
        return values

    def convert(self, row) -> dict:
        if self.converts:  # only the columns whose type converts (dates on SQLite), by position in the row
            row = list(row)
            for i, proc in self.converts:
                value = row[i]
                if value is not None:
                    row[i] = proc(value)
        return dict(zip(self.names, row))


def _bind(dialect, col):
    if col is None:
        return None
    impl = col.type.dialect_impl(dialect)
    proc = impl.bind_processor(dialect)
    if proc is not None and dialect.name == "sqlite" and not getattr(impl, "_reg", True):
        # SQLite's DATE and DATETIME in their default text: the same text as SQLAlchemy's
        # processor (which formats the fields with %), built by isoformat for the types the
        # step binds (a step binds several a statement); anything else goes to SQLAlchemy's
        from sqlalchemy.dialects.sqlite import DATE, DATETIME

        kind = "DATE" if isinstance(impl, DATE) else "DATETIME" if isinstance(impl, DATETIME) else None
        fast = _FAST_DATES.get((kind, impl._storage_format))
        if fast is not None:
            return functools.partial(fast, proc)
    return proc


@functools.lru_cache(maxsize=1024)
def date_text(day: dt.date) -> str:
    """``day.isoformat()``, kept: a step formats the same few days several times (its day, the
    deadlines), and ``isoformat`` goes through C's printf each time."""
    return day.isoformat()


def _sqlite_date(proc, value):
    return date_text(value) if type(value) is dt.date else proc(value)


def _sqlite_datetime(proc, value):
    if type(value) is dt.datetime:  # SQLAlchemy's text drops the offset: the fields as they stand
        tz = value.tzinfo
        if tz is None:
            return value.isoformat(" ", "microseconds")
        if tz is _UTC:  # the step's timestamps
            return utc_text(value)
        return value.replace(tzinfo=None).isoformat(" ", "microseconds")
    return proc(value)


_UTC = dt.timezone.utc
_LAST_UTC: tuple = (None, "")  # the last timestamp utc_text wrote, and its text
_SECONDS: dict[tuple, str] = {}  # (year, month, day, hour, minute, second) -> "YYYY-MM-DD HH:MM:SS", a few kept


def utc_text(moment: dt.datetime) -> str:
    """A timestamp in UTC (its tzinfo ``datetime.timezone.utc``) as ``YYYY-MM-DD HH:MM:SS.ffffff``,
    without the offset. The last one is kept (by identity): a step's ``recorded_at`` is written out
    twice, for its row's hash and for its column. The text up to the second is written once per
    second (``isoformat`` goes through C's printf-like formatting: about 13,000 instructions a
    call, against about 6,000 for the lookup and the microseconds; performance-notes, stop 27)."""
    global _LAST_UTC
    last = _LAST_UTC
    if last[0] is moment:
        return last[1]
    key = (moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second)
    head = _SECONDS.get(key)
    if head is None:
        if len(_SECONDS) >= 64:
            _SECONDS.clear()
        head = _SECONDS[key] = moment.isoformat(" ", "seconds")[:-6]  # isoformat writes UTC's "+00:00": left out
    text = f"{head}.{moment.microsecond:06d}"
    _LAST_UTC = (moment, text)
    return text


_FAST_DATES = {("DATE", "%(year)04d-%(month)02d-%(day)02d"): _sqlite_date,
               ("DATETIME", "%(year)04d-%(month)02d-%(day)02d %(hour)02d:%(minute)02d:%(second)02d.%(microsecond)06d"):
               _sqlite_datetime}


def _result(dialect, col):
    return col.type.dialect_impl(dialect).result_processor(dialect, None)


def cursor(conn):
    """The DBAPI cursor of a SQLAlchemy connection, in the transaction the connection opened.

    One per DBAPI connection, kept in its ``info`` (which lives and dies with it): a step runs
    several statements one after another, each fetched before the next."""
    info = conn.info
    cur = info.get("driver_cursor")
    if cur is None:
        cur = info["driver_cursor"] = conn.connection.cursor()
    return cur


def execute(cur, stmt: Statement, values: dict):
    cur.execute(stmt.sql, stmt.params(values))
    return cur


def one(cur, stmt: Statement, values: dict) -> dict | None:
    row = execute(cur, stmt, values).fetchone()
    return None if row is None else stmt.convert(row)


_STATEMENTS: dict[tuple, dict] = {}  # (dialect, driver) -> {key: Statement}
_BY_DIALECT: dict = {}  # a dialect object -> its (dialect, driver)'s dict of _STATEMENTS


def statement(conn, key, build) -> Statement:
    """The statement ``key`` of this connection's dialect, built by ``build(dialect)`` once."""
    dialect = conn.dialect
    cache = _BY_DIALECT.get(dialect)  # by the object (one per engine): no key tuple made and hashed per statement
    if cache is None:
        if len(_BY_DIALECT) >= 64:  # engines made and dropped (tests): their dialects are not kept for ever
            _BY_DIALECT.clear()
        cache = _BY_DIALECT[dialect] = _STATEMENTS.setdefault((dialect.name, dialect.driver), {})
    stmt = cache.get(key)
    if stmt is None:
        stmt = cache[key] = build(dialect)
    return stmt


def quote(dialect, name: str) -> str:
    return dialect.identifier_preparer.quote(name)


def insert_statement(dialect, table, cols) -> Statement:
    q = functools.partial(quote, dialect)
    sql = (f"INSERT INTO {q(table.name)} ({', '.join(q(c) for c in cols)}) "
           f"VALUES ({', '.join(':' + c for c in cols)})")
    return Statement(dialect, sql, {c: table.c[c] for c in cols})


def insert(conn, table, row: dict) -> None:
    """INSERT one row (its keys are the columns)."""
    cols = tuple(row)
    stmt = statement(conn, ("insert", table.name, cols), lambda d: insert_statement(d, table, cols))
    execute(cursor(conn), stmt, row)


def insert_many(conn, table, rows: list[dict]) -> None:
    """One executemany of ``rows`` (all with the first row's keys), positional for speed."""
    if not rows:
        return
    dialect = conn.dialect
    cols = list(rows[0])
    procs = [(i, p) for i, p in enumerate(_bind(dialect, table.c[c]) for c in cols) if p is not None]
    mark = "?" if dialect.paramstyle == "qmark" else "%s"
    sql = (f"INSERT INTO {quote(dialect, table.name)} ({', '.join(quote(dialect, c) for c in cols)}) "
           f"VALUES ({', '.join([mark] * len(cols))})")
    get = operator.itemgetter(*cols)

    def params(r):
        values = list(get(r))
        for i, p in procs:
            values[i] = p(values[i])
        return values

    cursor(conn).executemany(sql, [params(r) for r in rows])
