"""`db roles`: on a real PostgreSQL, the application role works the workflow but cannot rewrite
the audit tables or change the schema; the owner role runs migrations."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from click.testing import CliRunner
from conftest import PASSWORD, drop_pg, sign_in
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ProgrammingError

from auction_flow.common.config import now_utc
from auction_flow.features.assets import service as assets
from auction_flow.features.identity import purge
from auction_flow.storage import db
from cli import main


def _run(*args, input=None):
    return CliRunner().invoke(main, [str(a) for a in args], input=input, catch_exceptions=False)


def test_print_shows_the_grants_without_connecting():
    r = _run("--db", "postgresql://postgres@db.invalid/thads", "db", "roles", "--owner", "thads_owner",
             "--app", "thads_app", "--print")
    assert r.exit_code == 0, r.output
    sql = r.output
    assert 'GRANT SELECT, INSERT ON TABLE "audit_log" TO "thads_app";' in sql
    assert 'GRANT SELECT, INSERT ON TABLE "access_log" TO "thads_app";' in sql
    assert 'GRANT SELECT, INSERT, UPDATE ON TABLE "audit_heads" TO "thads_app";' in sql
    for table in ("audit_roots", "audit_root_heads", "anchors"):
        assert f'GRANT SELECT, INSERT ON TABLE "{table}" TO "thads_app";' in sql
    assert 'GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE "assets" TO "thads_app";' in sql
    assert 'ALTER TABLE "assets" OWNER TO "thads_owner";' in sql and "TRUNCATE" not in sql
    assert 'REVOKE ALL ON DATABASE "thads" FROM PUBLIC;' in sql
    for bad in (["--owner", "x", "--app", "x"], ["--owner", "Robert'); DROP", "--app", "a"]):
        r = _run("--db", "postgresql://postgres@db.invalid/thads", "db", "roles", *bad, "--print")
        assert r.exit_code == 1 and r.stderr.count("\n") == 1, r.output


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_roles_need_postgresql(world, db_url):
    r = _run("--db", db_url, "db", "roles", "--owner", "o", "--app", "a")
    assert r.exit_code == 1 and r.stderr.strip() == "error: db roles is for PostgreSQL only (this database is sqlite)"


@pytest.fixture
def pg_roles(pg_admin):
    suffix = uuid.uuid4().hex[:8]
    owner, app = f"af_owner_{suffix}", f"af_app_{suffix}"
    with pg_admin.connect() as conn:
        for role in (owner, app):
            conn.execute(text(f'CREATE ROLE "{role}" LOGIN'))
    yield owner, app
    with pg_admin.connect() as conn:
        for role in (owner, app):
            conn.execute(text(f'DROP ROLE IF EXISTS "{role}"'))


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_the_app_role_cannot_rewrite_the_audit_or_the_schema(world, db_url, pg_roles, pg_admin):
    owner, app = pg_roles
    assert _run("--db", db_url, "db", "roles", "--owner", owner, "--app", app).exit_code == 0
    app_url = make_url(db_url).set(username=app).render_as_string(hide_password=False)
    owner_url = make_url(db_url).set(username=owner).render_as_string(hide_password=False)
    try:
        raw = create_engine(app_url)
        for sql in ("UPDATE audit_log SET actor = 'someone'", "DELETE FROM audit_log", "TRUNCATE audit_log",
                    "DELETE FROM access_log", "UPDATE access_log SET reason = 'x'", "DELETE FROM audit_heads",
                    "TRUNCATE audit_heads", "DELETE FROM audit_roots", "UPDATE audit_root_heads SET log_seq = 0",
                    "DELETE FROM anchors", "CREATE TABLE sneaky (id int)", "ALTER TABLE assets ADD COLUMN x int",
                    "DROP TABLE alerts", "ALTER TABLE audit_log DISABLE TRIGGER ALL",
                    "DELETE FROM report_years", "DELETE FROM report_marks"):
            with raw.connect() as conn, pytest.raises(ProgrammingError, match="permission denied|must be owner"):
                conn.execute(text(sql))
        with raw.begin() as conn:  # a fold deletes the units it leaves with no entry
            for table in ("report_officer_units", "report_org_units"):
                conn.execute(text(f"DELETE FROM {table} WHERE false"))
        raw.dispose()
        # the workflow, signed in, as the app role: a step and its audit row
        aid = assets.seize(db.open_db(db_url), "cv_an", "1/2026", "HG-VT", "movable", "Xe", on="2026-03-02")
        assert sign_in(app_url, "cv_an")
        r = _run("--db", app_url, "--as", "cv_an", "asset", "advance", aid, "agree_price", "--set", "price=100000000",
                 "--on", "2026-03-04")
        assert r.exit_code == 0, r.output
        r = _run("--db", app_url, "--as", "cv_an", "asset", "show", aid, "--json")
        assert '"state": "priced"' in r.output
        r = _run("--db", app_url, "login", "ld_binh", "--password-stdin", input=PASSWORD + "\n")
        assert r.exit_code == 0, r.output
        assert _run("--db", app_url, "--as", "ld_binh", "audit", "verify").exit_code == 0
        # the scheduler's purge of old sessions runs as the app role (sessions are not audit rows)
        assert purge.purge_sessions(db.open_db(app_url), days=1, now=now_utc() + dt.timedelta(days=30)).removed >= 1
        assert sign_in(app_url, "admin")  # the kept answers fold and check as the app role
        for args in (("report", "rollup"), ("report", "rollup", "--check")):
            r = _run("--db", app_url, "--as", "admin", *args)
            assert r.exit_code == 0, r.output
        # migrations run as the owner
        assert db.downgrade(owner_url, db.REVISIONS[-2]) == db.REVISIONS[-2]
        assert db.upgrade(owner_url) == db.SCHEMA_HEAD
    finally:
        for url in (app_url, owner_url, db_url):
            db.get_engine(url).dispose()
        drop_pg(pg_admin, make_url(db_url).database)  # before the roles that own its objects go
