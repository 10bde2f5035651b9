"""Migration 0015 (issue 16): the indexes that keep a report proportional to what it reads.

A province's report reads its offices' rows of one period: (office, business_date) reaches them
without the rest of the country's period. On an empty PostgreSQL table the planner's choice says
nothing, so there the check is that the index serves the query at all: the sequential scan priced
out and the business-date indexes dropped inside a transaction that is rolled back
(bench/bench_national.py measures the choice on a national database)."""

from __future__ import annotations

from sqlalchemy import inspect, text

from auction_flow.storage import db

INDEXES = {"audit_log": ("ix_audit_log_office_business_date", ["office", "business_date"]),
           "alerts": ("ix_alerts_office_id_raised_on", ["office_id", "raised_on"]),
           "complaints": ("ix_complaints_office_id_received_on", ["office_id", "received_on"])}


def test_the_indexes_are_there_and_go_with_a_downgrade(db_url):
    engine = db.get_engine(db_url)
    with engine.connect() as conn:
        for table, (name, cols) in INDEXES.items():
            found = {ix["name"]: ix["column_names"] for ix in inspect(conn).get_indexes(table)}
            assert found.get(name) == cols, (table, found)
    assert db.downgrade(db_url, "0012") == "0012"
    with engine.connect() as conn:
        for table, (name, _) in INDEXES.items():
            assert name not in {ix["name"] for ix in inspect(conn).get_indexes(table)}
    assert db.upgrade(db_url) == db.SCHEMA_HEAD


def test_a_provinces_period_is_read_through_the_office_index(db_url):
    engine = db.get_engine(db_url)
    with engine.connect() as conn, conn.begin() as tx:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SET LOCAL enable_seqscan = off"))
            conn.execute(text("DROP INDEX ix_audit_log_business_date, ix_audit_log_trigger_business_date"))
            plan = conn.execute(text("EXPLAIN SELECT office, trigger, count(*) FROM audit_log WHERE office IN "
                                     "('HG-VT', 'HG-NB') AND business_date BETWEEN '2025-10-01' AND '2026-09-30' "
                                     "GROUP BY office, trigger")).scalars().all()
        else:
            plan = [r[-1] for r in conn.execute(text(
                "EXPLAIN QUERY PLAN SELECT office, trigger, count(*) FROM audit_log WHERE office IN ('HG-VT', 'HG-NB') "
                "AND business_date BETWEEN '2025-10-01' AND '2026-09-30' GROUP BY office, trigger"))]
        tx.rollback()
    assert any("ix_audit_log_office_business_date" in line for line in plan), plan
