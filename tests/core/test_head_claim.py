"""Two writers of one chain queue at its head. On PostgreSQL an existing head is locked with
``SELECT ... FOR UPDATE`` (the no-op upsert only makes a chain's first head; performance-notes,
stop 25), on SQLite the step's BEGIN IMMEDIATE holds the write lock: a step whose office's chain is
held by another transaction waits for it, then links its row after the row that transaction wrote.
A chain whose head is missing (deleted by hand) has it made again by the upsert, at position 0, as
before: the row's position is then taken, and the step is refused by the database."""

from __future__ import annotations

import threading
import time

import pytest
from assetwalk import D
from sqlalchemy import select, text

from auction_flow.core import audit
from auction_flow.core import engine as eng
from auction_flow.storage import db
from auction_flow.storage.schema import audit_heads, audit_log

CHAIN = "office:HG-VT"


def _seize(engine) -> int:
    return eng.create(engine, "cv_an", "1/2026", "HG-VT", "movable", "Xe máy", on="2026-03-02").asset_id


def _head(engine, chain=CHAIN):
    with db.reading(engine) as conn:
        return tuple(conn.execute(select(audit_heads.c.log_seq, audit_heads.c.log_hash)
                                  .where(audit_heads.c.chain == chain)).one())


def test_a_step_waits_for_the_writer_holding_its_chain_then_links_after_its_row(world):
    engine = world
    aid = _seize(engine)
    before = _head(engine)
    done: list = []

    with db.writing(engine) as conn:  # another writer of the office's chain, its transaction open
        held = audit.append(conn, audit.GENESIS, asset_id=None, seq=None, event="access_denied", trigger=None,
                            from_state=None, to_state=None, actor="cv_ba", role="officer", office="HG-VT",
                            business_date=D("2026-03-02"), recorded_at=eng.now_utc(), reason=None,
                            changes=audit.changes_json({}), imported=False)
        assert held["log_seq"] == before[0] + 1
        worker = threading.Thread(target=lambda: done.append(
            eng.fire(engine, aid, "suspend", "cv_an", on="2026-03-02", fields={"kind": "postpone"})))
        worker.start()
        time.sleep(1.0)
        assert not done, "the step did not wait for the chain's head"
    worker.join(60)
    assert done and done[0].version == 2
    with db.reading(engine) as conn:
        row = conn.execute(select(audit_log.c.log_seq, audit_log.c.log_prev_hash, audit_log.c.log_hash)
                           .where(audit_log.c.asset_id == aid, audit_log.c.seq == 2)).one()
    assert row.log_seq == held["log_seq"] + 1 and row.log_prev_hash == held["log_hash"]
    assert _head(engine) == (row.log_seq, row.log_hash)


def test_a_step_on_a_chain_whose_head_was_deleted_is_refused_by_the_database(world):
    engine = world
    aid = _seize(engine)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_heads WHERE chain = :c"), {"c": CHAIN})
    with pytest.raises(engine.dialect.loaded_dbapi.IntegrityError):  # (chain, log_seq) 1 is the seizure's
        eng.fire(engine, aid, "suspend", "cv_an", on="2026-03-02", fields={"kind": "postpone"})
    with db.reading(engine) as conn:
        assert conn.execute(select(audit_heads).where(audit_heads.c.chain == CHAIN)).first() is None
    assert eng.load_asset(engine.connect(), aid)["version"] == 1
