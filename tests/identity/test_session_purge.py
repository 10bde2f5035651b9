"""Old sign-in sessions are removed after the retention (features/identity/purge.py): live and
recently ended ones stay, and so does any session the audit log names; failed sign-ins stay in
access_log. The administrators' command and its refusal; the scheduler's job is tested with the
scheduler process (tests/alerts/test_scheduler.py)."""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner
from conftest import PASSWORD, sign_in
from sqlalchemy import func, insert, select, update

from cli import main

from auction_flow.common.config import now_utc
from auction_flow.common.context import acting_via
from auction_flow.common.errors import InvalidInput
from auction_flow.features.admin import service as admin
from auction_flow.features.identity import purge
from auction_flow.features.identity import service as identity
from auction_flow.features.supervision import verify as audit_verify
from auction_flow.storage.schema import access_log, audit_heads, audit_log, session_marks, sessions, users

DAY = dt.timedelta(days=1)
_tokens = itertools.count()


def _session(engine, username, *, created, expires, ended=None, reason=None) -> int:
    """A session row as sign_in leaves it, dated in the past (what ``now - N days`` looks like)."""
    token = f"afs_test{next(_tokens)}"
    with engine.begin() as conn:
        uid = conn.execute(select(users.c.id).where(users.c.username == username)).scalar_one()
        return conn.execute(insert(sessions).values(
            user_id=uid, token_hash=hashlib.sha256(token.encode()).hexdigest(), channel="web", client="10.0.0.7",
            created_at=created, expires_at=expires, last_used_at=created, ended_at=ended,
            ended_reason=reason)).inserted_primary_key[0]


def _ids(engine) -> set[int]:
    with engine.connect() as conn:
        return set(conn.execute(select(sessions.c.id)).scalars())


def _count(engine, table) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar()


@pytest.fixture
def aged(world):
    """Sessions of every age: {name: id}."""
    now = now_utc()
    s = {
        "live": _session(world, "cv_an", created=now - DAY / 24, expires=now + DAY / 2),
        "expired_lately": _session(world, "cv_an", created=now - 10 * DAY, expires=now - 10 * DAY + DAY / 2),
        "ended_lately": _session(world, "cv_ba", created=now - 5 * DAY, expires=now - 5 * DAY + DAY / 2,
                                 ended=now - 5 * DAY + DAY / 24, reason="signed_out"),
        "expired_long_ago": _session(world, "cv_an", created=now - 200 * DAY, expires=now - 200 * DAY + DAY / 2),
        "ended_long_ago": _session(world, "cv_ba", created=now - 95 * DAY, expires=now - 80 * DAY,
                                   ended=now - 94 * DAY, reason="deactivated"),
        "named_long_ago": _session(world, "ld_binh", created=now - 300 * DAY, expires=now - 300 * DAY + DAY / 2),
    }
    # a step through the old session: the audit row names it (docs/integrity.md looks it up)
    with acting_via(f"session:{s['named_long_ago']}"):
        admin.add_office(world, "admin", "HG-LM", "Chi cục THADS huyện Long Mỹ", "HG")
    return s


def test_sessions_past_the_retention_go_and_the_rest_stay(world, aged):
    # a failed sign-in: an access_log row (and its audit row), which no purge touches
    with pytest.raises(identity.SignInRefused):
        identity.sign_in(world, "cv_an", "wrong-password-1", channel="web", client="10.0.0.7")
    signed = identity.sign_in(world, "cv_an", PASSWORD, channel="web")
    logs = (_count(world, access_log), _count(world, audit_log))

    res = purge.purge_sessions(world)
    assert (res.days, res.removed, res.kept) == (90, 2, 1)
    assert _ids(world) == {aged["live"], aged["expired_lately"], aged["ended_lately"], aged["named_long_ago"],
                           signed.session_id}
    # no refusal is touched; the purge itself is one audit row (the scheduler's, as it removed some)
    assert (_count(world, access_log), _count(world, audit_log)) == (logs[0], logs[1] + 1)
    assert identity.authenticate(world, signed.token, channel="web").username == "cv_an"  # still signed in

    res = purge.purge_sessions(world)  # nothing more to do, and the scheduler's empty purge writes no row
    assert (res.removed, res.kept) == (0, 1) and _count(world, audit_log) == logs[1] + 1


def test_the_retention_is_a_setting(world, aged, monkeypatch):
    monkeypatch.setenv(purge.ENV, "7")
    res = purge.purge_sessions(world)
    assert (res.days, res.removed) == (7, 3)  # the one expired 10 days ago goes too
    assert _ids(world) == {aged["live"], aged["ended_lately"], aged["named_long_ago"]}
    assert purge.purge_sessions(world, days=1).removed == 1  # the one signed out 5 days ago
    assert _ids(world) == {aged["live"], aged["named_long_ago"]}
    monkeypatch.setenv(purge.ENV, "zero")
    with pytest.raises(InvalidInput, match="AUCTION_FLOW_SESSION_RETENTION_DAYS"):
        purge.purge_sessions(world)


def _run(url, *args):
    return CliRunner().invoke(main, ["--db", url, *map(str, args)])


def test_administrators_purge_now_and_a_refusal_is_logged(world, db_url, aged, monkeypatch):
    assert sign_in(db_url, "admin") and sign_in(db_url, "ld_binh")
    before = _count(world, access_log)
    r = _run(db_url, "--as", "ld_binh", "user", "purge-sessions")
    assert r.exit_code == 1 and r.stdout == ""
    assert r.stderr.strip() == "error: ld_binh (role supervisor) may not user purge-sessions (only admin may)"
    with world.connect() as conn:
        denied = conn.execute(select(access_log.c.actor, access_log.c.action, access_log.c.via)
                              .order_by(access_log.c.id.desc())).first()
    assert _count(world, access_log) == before + 1
    assert denied.actor == "ld_binh" and denied.action == "user purge-sessions" and denied.via.startswith("session:")
    assert aged["expired_long_ago"] in _ids(world)  # nothing removed

    assert _run(db_url, "--as", "admin", "user", "purge-sessions", "--older-than", "0").exit_code == 2
    monkeypatch.setenv(purge.ENV, "-3")
    r = _run(db_url, "--as", "admin", "user", "purge-sessions")
    assert r.exit_code == 1 and r.stderr.strip() == (
        "error: AUCTION_FLOW_SESSION_RETENTION_DAYS: how long ended sessions are kept must be a number of days "
        "from 1 to 3650, got '-3'")
    monkeypatch.delenv(purge.ENV)

    r = _run(db_url, "--as", "admin", "user", "purge-sessions", "--older-than", "30")
    assert r.exit_code == 0, r.output
    r_first_before = r.stdout.split("before ")[1].split(" (over")[0]
    assert r.stdout.startswith("removed 2 session(s) ended or expired before ")
    assert r.stdout.strip().endswith("(over 30 days ago); kept 1 that the audit log names")
    r = _run(db_url, "--lang", "vi", "--as", "admin", "user", "purge-sessions", "--json")
    assert r.exit_code == 0 and '"removed": 0' in r.stdout and '"kept": 1' in r.stdout
    assert aged["named_long_ago"] in _ids(world) and aged["expired_long_ago"] not in _ids(world)
    # each administrator's purge is an audit row (the one that removed nothing too); who, the cut-off, counts
    with world.connect() as conn:
        purges = conn.execute(select(audit_log.c.actor, audit_log.c.role, audit_log.c.changes, audit_log.c.via)
                              .where(audit_log.c.event == "sessions_purged").order_by(audit_log.c.id)).all()
    assert [(p.actor, p.role) for p in purges] == [("admin", "admin")] * 2
    first = json.loads(purges[0].changes)
    assert first["retention_days"] == [None, 30] and first["removed"] == [None, 2] and first["kept"] == [None, 1]
    cut = dt.datetime.fromisoformat(first["before"][1]).astimezone(ZoneInfo("Asia/Ho_Chi_Minh"))
    assert cut.strftime("%Y-%m-%d %H:%M") == r_first_before and purges[0].via.startswith("session:")
    assert json.loads(purges[1].changes)["removed"] == [None, 0]
    report = audit_verify.verify(world)  # the purge rows chain like every administrative row
    assert report.ok, report


def _marks(engine) -> dict:
    with engine.connect() as conn:
        return dict(conn.execute(select(session_marks.c.chain, session_marks.c.log_seq)).all())


def _heads(engine) -> dict:
    with engine.connect() as conn:
        return dict(conn.execute(select(audit_heads.c.chain, audit_heads.c.log_seq)).all())


def _past_own_row(engine) -> dict:
    """The heads, the administrative chain's one row back: the last purge's own ``sessions_purged``."""
    with engine.connect() as conn:
        last = conn.execute(select(audit_log.c.event).where(audit_log.c.chain == "admin")
                            .order_by(audit_log.c.log_seq.desc())).first()
    assert last.event == "sessions_purged"
    heads = _heads(engine)
    return {**heads, "admin": heads["admin"] - 1}


def test_each_purge_reads_only_the_audit_rows_written_since_the_last(world, aged):
    """A purge reads each chain past its mark only (a day's rows, not the whole log every day): the
    sessions the rows it read named stay marked, rows written since are read by the next purge."""
    now = now_utc()
    late = _session(world, "ld_binh", created=now - 200 * DAY, expires=now - 200 * DAY + DAY / 2)
    purge.purge_sessions(world)
    # every chain read up to its committed head, but for the purge's own row, written after (the next reads it)
    assert _marks(world) == _past_own_row(world)
    assert late not in _ids(world) and aged["named_long_ago"] in _ids(world)

    # a row written after that purge names a session: the next purge reads it and keeps the session
    quiet = _session(world, "cv_an", created=now - 300 * DAY, expires=now - 300 * DAY + DAY / 2)
    with acting_via(f"session:{quiet}"):
        admin.add_office(world, "admin", "HG-PH", "Chi cục THADS thị xã Phụng Hiệp", "HG")
    assert _marks(world) != _heads(world)
    res = purge.purge_sessions(world)
    assert quiet in _ids(world) and res.kept == 2 and _marks(world) == _heads(world)  # removed none: no row of its own

    # the rows below the marks are not read again: a session whose mark was lost from the row
    # (only possible by hand) is not found again by re-reading the whole log
    with world.begin() as conn:
        conn.execute(update(sessions).where(sessions.c.id == quiet).values(audit_named=False))
    purge.purge_sessions(world)
    assert quiet not in _ids(world)


def test_two_purges_at_once_queue_and_neither_fails(world):
    """Two schedulers start together and both purge: the second waits for the first (PostgreSQL:
    an advisory lock; SQLite: the write lock) and then reads the marks the first moved, rather than
    inserting the same marks again and failing on their key."""
    import threading

    from sqlalchemy import text

    with world.connect() as conn:
        heads = dict(conn.execute(select(audit_heads.c.chain, audit_heads.c.log_seq)).all())
    first = world.connect()  # the first purge, caught after reading the heads and writing its marks
    tx = first.begin()
    if world.dialect.name == "postgresql":
        first.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": purge.LOCK})
    else:
        first.exec_driver_sql("SELECT 1")  # (the test's own BEGIN is deferred: take the write lock)
        first.execute(update(sessions).where(sessions.c.id == -1).values(audit_named=True))
    first.execute(insert(session_marks), [{"chain": c, "log_seq": h} for c, h in heads.items()])
    done: list = []
    second = threading.Thread(target=lambda: done.append(purge.purge_sessions(world)))
    second.start()
    second.join(1.0)
    assert second.is_alive()  # waiting for the first
    tx.commit()
    first.close()
    second.join(30)
    assert len(done) == 1 and _marks(world) == heads
