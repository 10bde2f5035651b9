"""Alembic migrations: the code's revision list matches migrations/, upgrade and downgrade work on
every backend, and a database at another revision is refused with a clear message."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import inspect, text

from auction_flow.common.errors import SchemaError
from auction_flow.storage import db
from auction_flow.storage.schema import metadata


def _script():
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(db.alembic_config("sqlite://"))


def _tables(url) -> set[str]:
    with db.get_engine(url).connect() as conn:
        return set(inspect(conn).get_table_names())


def test_revisions_match_the_migrations_folder():
    script = _script()
    order = [rev.revision for rev in reversed(list(script.walk_revisions("base", "heads")))]
    assert tuple(order) == db.REVISIONS
    assert script.get_heads() == [db.SCHEMA_HEAD] == [db.REVISIONS[-1]]
    for rev in script.walk_revisions():
        assert rev.doc, f"revision {rev.revision} has no description"


def test_upgrade_downgrade_upgrade(empty_db_url):
    url = empty_db_url
    assert db.current_revision(db.get_engine(url)) is None
    assert db.upgrade(url) == db.SCHEMA_HEAD
    assert set(metadata.tables) | {"alembic_version"} <= _tables(url)
    db.check_schema(db.get_engine(url))
    assert db.downgrade(url, "base") is None
    assert _tables(url) - {"alembic_version"} == set()
    for rev in db.REVISIONS:  # one step at a time
        assert db.upgrade(url, rev) == rev
    assert set(metadata.tables) <= _tables(url)
    db.check_schema(db.get_engine(url))


def _modelled(name, type_, parent_names) -> bool:
    """The search objects (FTS5 tables, trigram indexes) are the migration's, not Core tables."""
    from auction_flow.storage.schema import unmodelled

    return not unmodelled(name)


def test_head_schema_matches_the_tables_in_code(empty_db_url):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    db.upgrade(empty_db_url)
    with db.get_engine(empty_db_url).connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": False, "include_name": _modelled})
        diff = compare_metadata(ctx, metadata)
    assert diff == [], diff


def test_cli_db_upgrade(empty_db_url):
    from cli import main

    r = CliRunner().invoke(main, ["--db", empty_db_url, "db", "upgrade"], catch_exceptions=False)
    assert r.exit_code == 0 and r.stdout.strip() == f"schema at revision {db.SCHEMA_HEAD}"
    r = CliRunner().invoke(main, ["--db", empty_db_url, "db", "where"], catch_exceptions=False)
    assert r.exit_code == 0 and r.stdout.strip() == empty_db_url.replace("postgresql://", "postgresql+psycopg://")


def test_an_empty_database_is_refused(empty_db_url):
    from cli import main

    if empty_db_url.startswith("sqlite"):  # an empty file is an empty database (none is refused as missing)
        Path(db.sqlite_file(empty_db_url)).touch()
    with pytest.raises(SchemaError, match="init --admin"):
        db.open_db(empty_db_url)
    r = CliRunner().invoke(main, ["--db", empty_db_url, "--as", "x", "asset", "list"], catch_exceptions=False)
    assert r.exit_code == 1 and r.stderr.count("\n") == 1 and "auction-flow init" in r.stderr


def test_an_older_revision_is_refused_until_upgraded(empty_db_url):
    from cli import main

    url = empty_db_url
    old = db.REVISIONS[-2]
    db.upgrade(url, old)
    with pytest.raises(SchemaError, match="auction-flow db upgrade") as info:
        db.open_db(url)
    assert old in str(info.value) and db.SCHEMA_HEAD in str(info.value)
    r = CliRunner().invoke(main, ["--db", url, "--as", "admin", "office", "list"], catch_exceptions=False)
    assert r.exit_code == 1 and r.stderr.count("\n") == 1
    assert "older" in r.stderr and "auction-flow db upgrade" in r.stderr and "Traceback" not in r.stderr
    r = CliRunner().invoke(main, ["--db", url, "db", "upgrade"], catch_exceptions=False)
    assert r.exit_code == 0
    db.open_db(url)
    r = CliRunner().invoke(main, ["--db", url, "init", "--admin", "admin", "--password-stdin"],
                           input="thads-test-Pass-2026\n", catch_exceptions=False)
    assert r.exit_code == 0, r.output


def test_an_unknown_newer_revision_is_refused(empty_db_url):
    from cli import main

    url = empty_db_url
    db.upgrade(url)
    with db.get_engine(url).begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999_future'"))
    with pytest.raises(SchemaError, match="newer"):
        db.open_db(url)
    r = CliRunner().invoke(main, ["--db", url, "--as", "admin", "user", "list"], catch_exceptions=False)
    assert r.exit_code == 1 and r.stderr.count("\n") == 1 and "9999_future" in r.stderr


def test_sqlite_pragmas(tmp_path):
    url = f"sqlite:///{tmp_path / 'p.db'}"
    try:
        with db.get_engine(url).connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    finally:
        db.get_engine(url).dispose()


def test_the_suspension_days_migration_keeps_the_data_both_ways(empty_db_url):
    """0005 adds two columns to assets, which audit_log and alerts point at: on SQLite it must not
    rebuild the table (the foreign keys would refuse to drop it), up or down, with rows in it."""
    from auction_flow.features.admin import service as admin
    from auction_flow.features.assets import service as svc

    url = empty_db_url
    admin.init(url, "admin")
    engine = db.open_db(url)
    admin.add_office(engine, "admin", "HG", "Cục THADS Hậu Giang")
    admin.add_user(engine, "admin", "cv", "officer", "HG")
    aid = svc.seize(engine, "cv", "1/2026", "HG", "movable", "Xe máy", on="2026-03-02")
    svc.advance(engine, aid, "suspend", "cv", "2026-03-03", ["kind=postpone"])
    svc.advance(engine, aid, "resume", "cv", "2026-03-10")
    count = "SELECT count(*) FROM audit_log"
    with engine.connect() as conn:
        before = conn.execute(text(count)).scalar()
        assert conn.execute(text("SELECT suspended_days FROM assets")).scalar() == 7
    assert db.downgrade(url, "0004") == "0004"
    with engine.connect() as conn:
        assert conn.execute(text(count)).scalar() == before
        assert conn.execute(text("SELECT state FROM assets")).scalar() == "seized"
    assert db.upgrade(url) == db.SCHEMA_HEAD
    with engine.connect() as conn:
        assert conn.execute(text("SELECT suspended_days, resume_entered_on FROM assets")).one() == (0, None)
    engine.dispose()
