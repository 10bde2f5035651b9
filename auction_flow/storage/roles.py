"""PostgreSQL roles: an owner role that owns the schema (migrations run as it) and an
application role that the server and the command line connect as.

The application role reads and writes rows, but cannot change the schema (it owns nothing and
may not CREATE in the schema) and cannot UPDATE, DELETE or TRUNCATE the audit tables: the audit
log and the refusal log take INSERT only, the roots and anchors INSERT only, and the chains' heads INSERT and UPDATE
(every audited step moves its chain's head); the reports' kept yearly answers INSERT and UPDATE (each fold adds
to the histograms it touches), their marks INSERT and UPDATE, the officer and organisation units also DELETE (a unit left with no entry goes), their kept sales in full (a sale cancelled since is taken out). ``auction-flow db roles`` applies :func:`statements` as a
superuser; run it again after every ``db upgrade`` (it is idempotent).
"""

from __future__ import annotations

import re

from sqlalchemy import text
from sqlalchemy.engine import make_url

from auction_flow.common.errors import InvalidInput
from auction_flow.storage.schema import SEARCH_FUNCTIONS, metadata

# table -> the only privileges the application role gets on it (every other table: rows in full)
LIMITED = {
    "audit_log": ("SELECT", "INSERT"),
    "access_log": ("SELECT", "INSERT"),
    "audit_heads": ("SELECT", "INSERT", "UPDATE"),  # a chain's first row makes its head; each row moves it
    "audit_roots": ("SELECT", "INSERT"),
    "audit_root_heads": ("SELECT", "INSERT"),
    "anchors": ("SELECT", "INSERT"),
    # the reports' kept yearly answers: a fold adds to the packed rows it touches and moves the marks;
    # never deleted (answers to rebuild are emptied by the owner, then folded again)
    "report_years": ("SELECT", "INSERT", "UPDATE"),
    "report_months": ("SELECT", "INSERT", "UPDATE"),
    "report_spans": ("SELECT", "INSERT", "UPDATE"),
    # a unit a fold leaves with no entry is deleted (kept_officer, kept_org_periods)
    "report_officer_units": ("SELECT", "INSERT", "UPDATE", "DELETE"),
    "report_codes": ("SELECT", "INSERT"),
    "report_org_units": ("SELECT", "INSERT", "UPDATE", "DELETE"),
    "report_org_codes": ("SELECT", "INSERT"),
    "report_sales": ("SELECT", "INSERT", "UPDATE", "DELETE"),  # a kept sale cancelled, or its prices changed
    "report_marks": ("SELECT", "INSERT", "UPDATE"),
    "alembic_version": ("SELECT",),
    "calendar_stamp": ("SELECT", "UPDATE"),  # one row, replaced by calendar_days' triggers (0025)
}
ROWS = ("SELECT", "INSERT", "UPDATE", "DELETE")
_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def check_names(owner: str, app: str) -> None:
    for name in (owner, app):
        if not _NAME.match(name or ""):
            raise InvalidInput("bad_role_name", value=name)
    if owner == app:
        raise InvalidInput("same_roles")


def tables() -> list[str]:
    return sorted(set(metadata.tables) | {"alembic_version"})


def statements(database: str, owner: str, app: str) -> list[str]:
    """The SQL that gives the database to ``owner`` and its rows, within limits, to ``app``."""
    check_names(owner, app)
    db, o, a = _q(database), _q(owner), _q(app)
    out = [f"REVOKE ALL ON DATABASE {db} FROM PUBLIC",
           f"GRANT CONNECT, TEMPORARY ON DATABASE {db} TO {o}, {a}",
           "REVOKE CREATE ON SCHEMA public FROM PUBLIC",
           f"GRANT USAGE, CREATE ON SCHEMA public TO {o}",
           f"GRANT USAGE ON SCHEMA public TO {a}",
           f"REVOKE CREATE ON SCHEMA public FROM {a}"]
    out += [f"ALTER TABLE {_q(t)} OWNER TO {o}" for t in tables()]  # its serial sequences follow
    # so its migrations may replace or drop them (append_only: the roots' and anchors' triggers, 0012;
    # calendar_changed: calendar_days' trigger, 0025)
    out += [f"ALTER FUNCTION {f} OWNER TO {o}" for f in SEARCH_FUNCTIONS + ("append_only()", "calendar_changed()")]
    out.append(f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {a}")
    for t in tables():
        out.append(f"GRANT {', '.join(LIMITED.get(t, ROWS))} ON TABLE {_q(t)} TO {a}")
    out += [f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {a}",
            # tables a later migration creates: rows for the application until db roles runs again
            f"ALTER DEFAULT PRIVILEGES FOR ROLE {o} IN SCHEMA public GRANT {', '.join(ROWS)} ON TABLES TO {a}",
            f"ALTER DEFAULT PRIVILEGES FOR ROLE {o} IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {a}"]
    return out


def script(url: str, owner: str, app: str) -> str:
    """The statements as a psql script, for a database administrator to read and run."""
    database = make_url(url).database or "postgres"
    head = [f"-- auction-flow: roles for database {database} (run as a superuser; again after each db upgrade)",
            f"-- first: CREATE ROLE {owner} LOGIN PASSWORD '...'; CREATE ROLE {app} LOGIN PASSWORD '...';"]
    return "\n".join(head + ["BEGIN;"] + [s + ";" for s in statements(database, owner, app)] + ["COMMIT;"]) + "\n"


def apply(engine, owner: str, app: str) -> list[str]:
    """Run :func:`statements` on ``engine`` (PostgreSQL, as a superuser) in one transaction."""
    if engine.dialect.name != "postgresql":
        raise InvalidInput("roles_need_postgresql", dialect=engine.dialect.name)
    check_names(owner, app)
    with engine.begin() as conn:
        for role in (owner, app):
            if conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}).scalar() is None:
                raise InvalidInput("role_missing", role=role)
        done = statements(conn.execute(text("SELECT current_database()")).scalar(), owner, app)
        for sql in done:
            conn.execute(text(sql))
    return done
