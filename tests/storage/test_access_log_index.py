"""Migration 0028: a user's refusals of one kind in a window are read through an index.

The identity-number guard counts the user's misses on every lookup outside the user's scope; with
only its primary key, ``access_log`` was read whole each time. The statement checked is the one
the guard sends (captured as it runs), explained on the database it ran on; on an empty PostgreSQL
table the planner's choice says nothing, so there the sequential scan is priced out first."""

from __future__ import annotations

from sqlalchemy import event, inspect, text

from auction_flow.features.casefile import number_guard
from auction_flow.storage import db

NAME = "ix_access_log_actor_action_at"


def _indexes(engine) -> dict:
    with engine.connect() as conn:
        return {ix["name"]: ix["column_names"] for ix in inspect(conn).get_indexes("access_log")}


def test_the_index_is_there_and_goes_with_a_downgrade(db_url):
    engine = db.get_engine(db_url)
    assert _indexes(engine).get(NAME) == ["actor", "action", "at"]
    before = db.REVISIONS[db.REVISIONS.index("0028") - 1]
    assert db.downgrade(db_url, before) == before
    assert NAME not in _indexes(engine)
    assert db.upgrade(db_url) == db.SCHEMA_HEAD
    assert NAME in _indexes(engine)


def test_the_guards_count_of_misses_is_read_through_the_index(db_url):
    engine = db.get_engine(db_url)
    sent = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        if "access_log" in statement and "count(" in statement.lower():
            sent.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", capture)
    try:
        assert number_guard.misses(engine, "nobody") == 0
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    assert len(sent) == 1, sent
    statement, parameters = sent[0]
    with engine.connect() as conn:
        raw = conn.connection.dbapi_connection.cursor()
        if conn.dialect.name == "postgresql":
            raw.execute("BEGIN")
            raw.execute("SET LOCAL enable_seqscan = off")
            raw.execute("EXPLAIN " + statement, parameters)
            plan = [r[0] for r in raw.fetchall()]
            raw.execute("ROLLBACK")
        else:
            raw.execute("EXPLAIN QUERY PLAN " + statement, parameters)
            plan = [r[-1] for r in raw.fetchall()]
        raw.close()
    assert any(NAME in line for line in plan), plan
