"""The driver path (auction_flow.driver) stores and reads exactly what SQLAlchemy Core would.

The engine's step and the import write through the DBAPI cursor; every other reader (reports,
alerts, audit verify) reads through Core. If the two disagreed on how a date, a timestamp or
a flag is stored, a report would miss rows or a hash would not verify, so this compares them
value by value on both databases.
"""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest
from sqlalchemy import insert, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError

from auction_flow.core import engine as eng
from auction_flow.storage import driver
from auction_flow.storage.db import reading, step_writing, writing
from auction_flow.storage.schema import assets, audit_log

ROW = dict(case_number="7/2026", description="Xe ô tô", kind="movable", office_id=None, officer_id=None,
           workflow="asset_auction", workflow_version=1, state="priced",
           state_entered_on=dt.date(2026, 2, 27), last_event_on=dt.date(2026, 3, 2),
           deadline=dt.date(2026, 12, 31), deadline_basis="Điều 101", deadline_regime="2014",
           clock_extended=True, appraised_price=1_250_000_000, price=9_007_199_254_740_993, sale_price=None,
           buyer=None, appraisal_org=None, auction_org=None, auction_date=dt.date(2026, 4, 1), sold_by=None,
           reduction_count=2, reappraisal_count=1, cancellation_count=0, resume_state=None,
           resume_remaining=None, resume_unit=None, resume_basis=None, resume_regime=None, version=3,
           last_hash="a" * 64,
           created_at=dt.datetime(2026, 3, 2, 1, 2, 3, 4005, tzinfo=dt.timezone.utc))


def _stored(conn, table, row_id) -> dict:
    """The row as the database holds it (text on SQLite), not converted by any type."""
    cols = ", ".join(f"CAST({c.name} AS TEXT)" if conn.dialect.name == "sqlite" else f"{c.name}::text"
                     for c in table.c if c.name != "id")
    values = conn.execute(text(f"SELECT {cols} FROM {table.name} WHERE id = :id"), {"id": row_id}).one()
    return dict(zip([c.name for c in table.c if c.name != "id"], values))


def test_driver_insert_stores_what_core_stores(world):
    with reading(world) as conn:
        office_id = conn.execute(text("SELECT id FROM offices WHERE code = 'HG-VT'")).scalar()
    row = {**ROW, "office_id": office_id}
    with writing(world) as conn:
        core_id = conn.execute(insert(assets).values(**row)).inserted_primary_key[0]
        driver.insert(conn, assets, {**row, "case_number": "8/2026"})
        driver_id = conn.execute(text("SELECT id FROM assets WHERE case_number = '8/2026'")).scalar()
    with reading(world) as conn:
        by_core, by_driver = _stored(conn, assets, core_id), _stored(conn, assets, driver_id)
        assert by_driver == {**by_core, "case_number": "8/2026"}
        # and the driver reads back what Core reads back
        core_read = dict(conn.execute(select(assets).where(assets.c.id == driver_id)).mappings().one())
        driver_read = eng.load_asset(conn, driver_id)
    assert driver_read.pop("office_code") == "HG-VT"
    assert driver_read == core_read
    assert driver_read["clock_extended"] is True and driver_read["deadline"] == dt.date(2026, 12, 31)
    assert driver_read["price"] == 9_007_199_254_740_993  # whole VND beyond a double's precision


def test_engine_step_reads_back_through_core(world):
    """A step written through the driver is read by Core with the same dates, flags and time."""
    aid = eng.create(world, "cv_an", "9/2026", "HG-VT", "movable", "Xe máy", on="2026-03-02").asset_id
    step = eng.fire(world, aid, "suspend", "cv_an", on="2026-03-03", fields={"kind": "postpone"})
    with reading(world) as conn:
        row = conn.execute(select(assets).where(assets.c.id == aid)).mappings().one()
        audit = conn.execute(select(audit_log).where(audit_log.c.asset_id == aid, audit_log.c.seq == 2)
                             ).mappings().one()
    assert (row["state"], row["last_event_on"], row["version"]) == ("suspended", dt.date(2026, 3, 3), step.version)
    assert audit["business_date"] == dt.date(2026, 3, 3) and audit["imported"] is False
    assert abs(audit["recorded_at"].replace(tzinfo=None) - dt.datetime.utcnow()) < dt.timedelta(minutes=5)


def test_named_parameters_follow_the_driver_style(engine):
    stmt = driver.Statement(engine.dialect, "SELECT a FROM t WHERE b = :b AND c = :c_1 AND d = '10:30'")
    if engine.dialect.paramstyle == "pyformat":
        assert stmt.sql == "SELECT a FROM t WHERE b = %(b)s AND c = %(c_1)s AND d = '10:30'"
    else:
        assert stmt.sql == "SELECT a FROM t WHERE b = :b AND c = :c_1 AND d = '10:30'"
    # and a literal percent sign reaches the database as one, whatever the driver's style
    stmt = driver.Statement(engine.dialect, "SELECT '100%' || :x AS v", results=[])
    with engine.connect() as conn:
        assert driver.execute(driver.cursor(conn), stmt, {"x": "!"}).fetchone()[0] == "100%!"


def test_step_writing_is_one_transaction_that_core_joins(world):
    """The engine's step transaction, begun and ended on the driver (db.step_writing): on SQLite
    it holds the write lock from its start; a Core statement inside joins it; an error rolls back
    what the driver and Core wrote, the end commits both."""
    with reading(world) as conn:
        office_id = conn.execute(text("SELECT id FROM offices WHERE code = 'HG-VT'")).scalar()
    row = {**ROW, "office_id": office_id}
    with pytest.raises(RuntimeError):
        with step_writing(world) as conn:
            driver.insert(conn, assets, {**row, "case_number": "S1/2026"})
            conn.execute(insert(assets).values(**{**row, "case_number": "S2/2026"}))
            raise RuntimeError("refused half-way")
    with step_writing(world) as conn:
        if world.dialect.name == "sqlite":  # BEGIN IMMEDIATE: a second writer cannot start
            other = sqlite3.connect(world.url.database, timeout=0, isolation_level=None)
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
            other.close()
        driver.insert(conn, assets, {**row, "case_number": "S3/2026"})
        conn.execute(insert(assets).values(**{**row, "case_number": "S4/2026"}))
    with step_writing(world) as conn:  # the driver alone
        driver.insert(conn, assets, {**row, "case_number": "S5/2026"})
    # the driver-only step's connection is parked for this thread's next step (storage/parked.py): the
    # one connection out of the pool; the refused step's and the Core-joined step's went back to it
    assert world.pool.checkedout() == 1
    kept = conn.connection.dbapi_connection
    world.dispose()  # closes the parked one too, as the pool's
    assert world.pool.checkedout() == 0
    with pytest.raises(world.dialect.loaded_dbapi.Error):  # closed: sqlite3's ProgrammingError, psycopg's OperationalError
        kept.cursor().execute("SELECT 1")
    with reading(world) as conn:
        kept = set(conn.execute(text("SELECT case_number FROM assets WHERE case_number LIKE 'S_/2026'")).scalars())
    assert kept == {"S3/2026", "S4/2026", "S5/2026"}


def test_step_writing_commit_error_reads_as_cores(world):
    """A COMMIT the database refuses is raised by the step's transaction as by writing()'s Core
    commit: SQLAlchemy's class and text (here a check the database makes only at the commit: on
    SQLite a foreign key deferred on request, on PostgreSQL a deferred unique constraint)."""
    sqlite = world.dialect.name == "sqlite"
    with reading(world) as conn:
        office, officer = conn.execute(text("SELECT office_id, id FROM users WHERE office_id IS NOT NULL")).first()
    seen = []
    for transaction in (writing, step_writing):
        with pytest.raises(DBAPIError) as caught:
            with transaction(world) as conn:
                raw = conn.connection.dbapi_connection
                if sqlite:
                    raw.execute("PRAGMA defer_foreign_keys=ON")
                else:
                    raw.execute("CREATE TEMP TABLE checked_at_commit (x int, UNIQUE (x) DEFERRABLE INITIALLY DEFERRED) "
                                "ON COMMIT DROP")
                    raw.execute("INSERT INTO checked_at_commit VALUES (1), (1)")
                driver.insert(conn, assets, {**ROW, "office_id": 999_999 if sqlite else office, "officer_id": officer,
                                             "case_number": "F/2026"})
        seen.append((type(caught.value), str(caught.value).splitlines()[0]))
    assert seen[0] == seen[1] and seen[0][0] is IntegrityError
    with reading(world) as conn:  # and neither kept the row
        assert conn.execute(text("SELECT count(*) FROM assets WHERE case_number = 'F/2026'")).scalar() == 0
