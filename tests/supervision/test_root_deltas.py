"""A root stores only the heads that moved since the root before it (issue 16): its hash is still
over every chain's head, so a verify replays the roots; a head a root carried from an earlier one
still catches a back-dated append, a chain deleted whole is still reported dropped, and a
database written when every root stored every head verifies as it did."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, insert, select, update

from auction_flow.common.config import now_utc
from auction_flow.core import audit, roots
from auction_flow.features.assets import service as svc
from auction_flow.features.supervision import verify as verify_mod
from auction_flow.storage import db
from auction_flow.storage.schema import audit_heads, audit_root_heads, audit_roots
from tests.supervision.test_audit_chain import history, tamper  # noqa: F401 - history: the fixture
from tests.supervision.test_chains_and_roots import forge_append


def stored(engine, root: int | None = None) -> list[tuple]:
    """The rows roots store, (root, chain, log_seq, log_hash), of one root or of all."""
    q = select(audit_root_heads.c.root_seq, audit_root_heads.c.chain, audit_root_heads.c.log_seq,
               audit_root_heads.c.log_hash).order_by(audit_root_heads.c.root_seq, audit_root_heads.c.chain)
    if root is not None:
        q = q.where(audit_root_heads.c.root_seq == root)
    with db.reading(engine) as conn:
        return [tuple(r) for r in conn.execute(q)]


def heads_now(engine) -> dict:
    with db.reading(engine) as conn:
        return {c: (s, h) for c, s, h in conn.execute(select(audit_heads))}


def seize(engine, office: str, case: str) -> None:
    officer = {"HG-VT": "cv_an", "HG-NB": "cv_dung"}[office]
    svc.seize(engine, officer, case, office, "movable", "Xe máy", on="2026-03-09")


def take_at(engine, at: dt.datetime, force: bool = False) -> tuple[int, str]:
    with db.writing(engine) as conn:
        return roots.write(conn, "command", taken_at=at, force=force)


def test_many_roots_store_only_the_heads_that_moved(history):
    engine = history[0]
    first, _ = roots.take(engine, "command")
    chains = heads_now(engine)
    assert len(stored(engine, first)) == len(chains) >= 3  # the first root: every chain
    for i in range(6):  # one office moves between roots: each root stores its head, nothing else
        seize(engine, "HG-VT", f"d/{i}")
        seq, _ = roots.take(engine, "command")
        assert stored(engine, seq) == [(seq, "office:HG-VT", *heads_now(engine)["office:HG-VT"])]
    assert roots.take(engine, "command")[0] == seq  # nothing moved: no root written
    forced, _ = roots.take(engine, "command", force=True)
    assert forced == seq + 1
    with db.reading(engine) as conn:
        assert roots.state(conn) == heads_now(engine)
        total = conn.execute(select(func.count()).select_from(audit_root_heads)).scalar()
    assert stored(engine, forced) == []  # forced with nothing moved: a root with no rows of its own
    assert total == len(chains) + 6  # not 8 roots x every chain
    report = verify_mod.verify(engine)
    assert report.ok and report.roots == 8 and report.root[0] == forced, report.as_dict()
    # a root's stored head rewritten: the replayed hash no longer matches
    tamper(engine, update(audit_root_heads).where(audit_root_heads.c.root_seq == 4).values(log_seq=1))
    assert [p.key for p in verify_mod.verify(engine).problems][-1] == "audit_root_changed"


def test_a_back_dated_append_is_caught_against_a_root_that_carried_the_head(history):
    """HG-VT's head is stored in root 1 only; roots 2 and 3 carry it (only HG-NB moved). A row
    forged into HG-VT dated after root 1 but before root 3 was not there at root 3."""
    engine = history[0]
    now = now_utc()  # the roots dated in the past (the rows HG-NB adds are in the roots after them)
    take_at(engine, now - dt.timedelta(hours=3))
    seize(engine, "HG-NB", "n/1")
    take_at(engine, now - dt.timedelta(hours=2))
    seize(engine, "HG-NB", "n/2")
    take_at(engine, now - dt.timedelta(hours=1))
    assert [c for _r, c, _s, _h in stored(engine, 2) + stored(engine, 3)] == ["office:HG-NB", "office:HG-NB"]
    assert verify_mod.verify(engine).ok
    forged = now - dt.timedelta(hours=1, minutes=30)  # after root 1: root 1 alone could not tell
    row = forge_append(engine, history[1][0], forged)
    report = verify_mod.verify(engine)
    assert [p.key for p in report.problems][:1] == ["audit_after_root"], report.as_dict()
    params = report.problems[0].params
    assert (params["chain"], params["pos"]) == ("office:HG-VT", row["log_seq"])
    taken = (now - dt.timedelta(hours=1)).replace(tzinfo=None).isoformat(timespec="seconds")
    assert params["taken"] == taken  # root 3's time: the last root HG-VT's stored head was in force


def test_a_row_after_the_last_root_that_stored_its_chain_is_not_taken_for_a_forgery(history):
    engine = history[0]
    now = now_utc()
    take_at(engine, now - dt.timedelta(hours=2))
    seize(engine, "HG-NB", "n/1")
    take_at(engine, now - dt.timedelta(hours=1))
    seize(engine, "HG-VT", "v/1")  # recorded now: after both roots
    assert verify_mod.verify(engine).ok


def test_a_chain_deleted_whole_is_still_reported_dropped(history):
    engine = history[0]
    first, _ = roots.take(engine, "command")
    pos = heads_now(engine)["office:HG-NB"][0]
    tamper(engine, "DELETE FROM audit_log WHERE chain = 'office:HG-NB'",
           "DELETE FROM audit_heads WHERE chain = 'office:HG-NB'")
    second, _ = roots.take(engine, "command")  # the next root: a tombstone for the chain gone
    assert stored(engine, second) == [(second, "office:HG-NB", 0, roots.GONE)]
    assert roots.take(engine, "command")[0] == second  # gone stays gone: nothing moved, no new tombstone
    report = verify_mod.verify(engine)
    keys = [p.key for p in report.problems]
    assert keys[:2] == ["audit_chain_deleted", "audit_chain_dropped"], report.as_dict()
    assert report.problems[1].params == {"chain": "office:HG-NB", "root": second, "pos": pos}
    # the tombstone removed as well: the replayed root no longer matches its hash
    tamper(engine, audit_root_heads.delete().where(audit_root_heads.c.root_seq == second))
    assert [p.key for p in verify_mod.verify(engine).problems][1] == "audit_root_changed"


def write_full(engine, at: dt.datetime | None = None) -> int:
    """A root as the code before issue 16 wrote it: a row for every chain's head."""
    with db.writing(engine) as conn:
        last = roots.latest(conn)
        prev_seq, prev_hash = last or (0, audit.GENESIS)
        heads = [tuple(r) for r in conn.execute(select(audit_heads.c.chain, audit_heads.c.log_seq,
                                                       audit_heads.c.log_hash))]
        at = at or now_utc()
        seq = prev_seq + 1
        conn.execute(insert(audit_roots).values(
            seq=seq, taken_at=at, source="command", taken_by=None, prev_hash=prev_hash,
            hash=roots.root_hash(prev_hash, seq, audit.timestamp_text(at), heads)))
        if heads:
            conn.execute(insert(audit_root_heads), [{"root_seq": seq, "chain": c, "log_seq": s, "log_hash": h}
                                                    for c, s, h in heads])
    return seq


def test_a_database_whose_roots_store_every_head_verifies_as_before(history):
    engine = history[0]
    write_full(engine)
    seize(engine, "HG-VT", "v/1")
    write_full(engine)
    seize(engine, "HG-NB", "n/1")
    third = write_full(engine)
    chains = len(heads_now(engine))
    assert len(stored(engine)) == 3 * chains
    report = verify_mod.verify(engine)
    assert report.ok and report.roots == 3, report.as_dict()
    # the new code goes on from the full rows: only what moved since the third root
    seize(engine, "HG-VT", "v/2")
    fourth, _ = roots.take(engine, "command")
    assert [c for _r, c, _s, _h in stored(engine, fourth)] == ["office:HG-VT"]
    report = verify_mod.verify(engine)
    assert report.ok and report.roots == 4, report.as_dict()
    # a head of an old root changed: caught as before
    tamper(engine, update(audit_root_heads).where(audit_root_heads.c.root_seq == third,
                                                  audit_root_heads.c.chain == "office:HG-NB")
           .values(log_hash="f" * 64))
    assert [p.key for p in verify_mod.verify(engine).problems][-1] == "audit_root_changed"


def test_an_old_root_without_a_chain_the_root_before_named_reports_it_dropped(history):
    engine = history[0]
    write_full(engine)
    tamper(engine, "DELETE FROM audit_heads WHERE chain = 'office:HG-NB'")
    second = write_full(engine)  # the old code wrote the heads it found: HG-NB missing
    report = verify_mod.verify(engine)
    dropped = [p for p in report.problems if p.key == "audit_chain_dropped"]
    assert dropped and dropped[0].params["chain"] == "office:HG-NB" and dropped[0].params["root"] == second, \
        report.as_dict()
