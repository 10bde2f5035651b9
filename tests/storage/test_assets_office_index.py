"""Migration 0031: one office's assets in id order through an index on (office_id, id).

``audit verify --office`` pages through the office's assets by id; without this index PostgreSQL
walked the primary key of the whole country's assets and dropped the other offices'. The plan's
gain is measured in docs/performance-notes.md (Stop 26); here, that the index is made and goes
with a downgrade (the verify's own tests run on a database that has it)."""

from __future__ import annotations

from sqlalchemy import inspect

from auction_flow.storage import db

NAME = "ix_assets_office_id_id"


def _indexes(engine) -> dict:
    with engine.connect() as conn:
        return {ix["name"]: ix["column_names"] for ix in inspect(conn).get_indexes("assets")}


def test_the_index_is_there_and_goes_with_a_downgrade(db_url):
    engine = db.get_engine(db_url)
    assert _indexes(engine).get(NAME) == ["office_id", "id"]
    before = db.REVISIONS[db.REVISIONS.index("0031") - 1]
    assert db.downgrade(db_url, before) == before
    assert NAME not in _indexes(engine)
    assert db.upgrade(db_url) == db.SCHEMA_HEAD
    assert _indexes(engine).get(NAME) == ["office_id", "id"]
