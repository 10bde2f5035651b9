"""Sign-in, sessions and the throttle, through the identity service, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from conftest import PASSWORD
from sqlalchemy import select

from auction_flow.common.config import now_utc, simulated_now
from auction_flow.features.identity import service as identity
from auction_flow.features.identity.service import LockedOut, NotSignedIn, SignInRefused
from auction_flow.storage.schema import access_log, sessions, users


def _stored(engine, table, **where):
    with engine.connect() as conn:
        q = select(table)
        for k, v in where.items():
            q = q.where(table.c[k] == v)
        return [dict(r) for r in conn.execute(q).mappings()]


def test_the_stored_password_is_an_argon2id_hash_with_owasps_parameters(world):
    [admin] = _stored(world, users, username="admin")
    assert admin["password_hash"].startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert PASSWORD not in admin["password_hash"]


def test_a_session_is_stored_as_the_sha256_of_its_token_only(world):
    signed = identity.sign_in(world, "cv_an", PASSWORD, channel="web", client="127.0.0.1 test")
    assert signed.token.startswith("afs_") and len(signed.token) >= 4 + 43  # 256 random bits
    assert signed.token not in repr(signed)
    [row] = _stored(world, sessions, id=signed.session_id)
    assert row["token_hash"] == hashlib.sha256(signed.token.encode()).hexdigest()
    assert signed.token not in repr(row)
    assert (signed.username, signed.role, signed.office, signed.must_change_password) == \
        ("cv_an", "officer", "HG-VT", False)
    assert dt.timedelta(hours=11, minutes=59) < signed.expires_at - now_utc() <= dt.timedelta(hours=12)
    me = identity.authenticate(world, signed.token, channel="web", idle=identity.WEB_IDLE)
    assert (me.username, me.role, me.office, me.via, me.session_id, me.token_id) == \
        ("cv_an", "officer", "HG-VT", f"session:{signed.session_id}", signed.session_id, None)


def test_wrong_name_and_wrong_password_read_the_same_and_are_logged(world):
    messages = []
    for name, pw in (("cv_an", "not-the-password"), ("nobody", PASSWORD), ("", "")):
        with pytest.raises(SignInRefused) as info:
            identity.sign_in(world, name, pw, channel="cli")
        messages.append(str(info.value))
    assert messages == ["sign-in refused: wrong username or password"] * 3
    rows = _stored(world, access_log, action="sign_in")
    assert [(r["actor"], r["office"]) for r in rows] == [("cv_an", "HG-VT"), ("nobody", None), ("?", None)]
    assert all(PASSWORD not in r["reason"] for r in rows)


def test_five_failures_in_fifteen_minutes_lock_the_name_and_the_delay_grows(world):
    start = now_utc()
    for i in range(4):
        with simulated_now(start + dt.timedelta(minutes=i)), pytest.raises(SignInRefused):
            identity.sign_in(world, "cv_an", "wrong-password-1", channel="cli")
    with simulated_now(start + dt.timedelta(minutes=4)), pytest.raises(LockedOut) as fifth:
        identity.sign_in(world, "cv_an", "wrong-password-1", channel="cli")
    assert "wait 1 minute(s)" in str(fifth.value) and fifth.value.wait_seconds == 60
    with simulated_now(start + dt.timedelta(minutes=4, seconds=30)), pytest.raises(LockedOut) as locked:
        identity.sign_in(world, "cv_an", PASSWORD, channel="cli")  # even the right password waits
    assert "wait 30 second(s)" in str(locked.value)
    with simulated_now(start + dt.timedelta(minutes=5, seconds=1)), pytest.raises(LockedOut) as again:
        identity.sign_in(world, "cv_an", "wrong-password-1", channel="cli")  # after a lockout: one try
    assert "wait 2 minute(s)" in str(again.value)
    with simulated_now(start + dt.timedelta(minutes=7, seconds=2)):
        assert identity.sign_in(world, "cv_an", PASSWORD, channel="cli").username == "cv_an"
    reasons = [r["reason"] for r in _stored(world, access_log, actor="cv_an")]
    assert len(reasons) == 7 and sum("locked out until" in r for r in reasons) == 3, reasons
    with simulated_now(start + dt.timedelta(minutes=8)), pytest.raises(SignInRefused):  # the streak ended
        identity.sign_in(world, "cv_an", "wrong-password-1", channel="cli")


def test_failures_spread_over_more_than_fifteen_minutes_do_not_lock(world):
    start = now_utc()
    for i in range(8):
        with simulated_now(start + dt.timedelta(minutes=4 * i)), pytest.raises(SignInRefused):
            identity.sign_in(world, "ld_binh", "wrong-password-1", channel="web")


def test_an_unknown_name_locks_like_a_known_one(world):
    for _ in range(4):
        with pytest.raises(SignInRefused):
            identity.sign_in(world, "ghost", "wrong-password-1", channel="api")
    with pytest.raises(LockedOut):
        identity.sign_in(world, "ghost", "wrong-password-1", channel="api")


def test_authenticate_refuses_what_it_should(world):
    web = identity.sign_in(world, "cv_an", PASSWORD, channel="web")
    cli = identity.sign_in(world, "cv_an", PASSWORD, channel="cli")
    for bad in ("", "afs_nothing", "aft_nothing", cli.token + "x", None):
        with pytest.raises(NotSignedIn):
            identity.authenticate(world, bad, channel="cli")
    with pytest.raises(NotSignedIn):  # a session works on the channel it was opened on only
        identity.authenticate(world, web.token, channel="cli")
    later = now_utc() + dt.timedelta(minutes=31)
    with simulated_now(later), pytest.raises(NotSignedIn):  # idle for longer than the web allows
        identity.authenticate(world, web.token, channel="web", idle=identity.WEB_IDLE)
    with pytest.raises(NotSignedIn):  # and it stays ended
        identity.authenticate(world, web.token, channel="web", idle=identity.WEB_IDLE)
    assert identity.authenticate(world, cli.token, channel="cli").username == "cv_an"
    with simulated_now(now_utc() + dt.timedelta(days=7, minutes=1)), pytest.raises(NotSignedIn):
        identity.authenticate(world, cli.token, channel="cli")  # past its absolute lifetime
    identity.sign_out(world, cli.token)
    with pytest.raises(NotSignedIn):
        identity.authenticate(world, cli.token, channel="cli")
    [row] = _stored(world, sessions, id=cli.session_id)
    assert row["ended_reason"] == "signed_out"


def test_a_web_session_lasts_twelve_hours_at_most(world):
    web = identity.sign_in(world, "ksv", PASSWORD, channel="web")
    moment = now_utc()
    for hours in range(0, 12):  # used every 20 minutes: never idle
        for minutes in (0, 20, 40):
            with simulated_now(moment + dt.timedelta(hours=hours, minutes=minutes)):
                identity.authenticate(world, web.token, channel="web", idle=identity.WEB_IDLE)
    with simulated_now(moment + dt.timedelta(hours=12, seconds=1)), pytest.raises(NotSignedIn):
        identity.authenticate(world, web.token, channel="web", idle=identity.WEB_IDLE)


def test_deactivation_ends_sessions_and_tokens_and_keeps_the_name(world):
    session = identity.sign_in(world, "cv_ba", PASSWORD, channel="web")
    tid, token = identity.create_token(world, "cv_ba", "nightly", 30)
    assert identity.authenticate(world, token, channel="api").via == f"token:{tid}"
    with pytest.raises(NotSignedIn):  # bearer tokens are for scripts, not the web desk
        identity.authenticate(world, token, channel="web")
    assert identity.deactivate(world, "admin", "cv_ba") == {"username": "cv_ba", "sessions": 1, "tokens": 1}
    for tok, channel in ((session.token, "web"), (token, "api")):
        with pytest.raises(NotSignedIn):
            identity.authenticate(world, tok, channel=channel)
    with pytest.raises(SignInRefused):
        identity.sign_in(world, "cv_ba", PASSWORD, channel="web")
    identity.activate(world, "admin", "cv_ba")
    with pytest.raises(NotSignedIn):  # old sessions stay ended
        identity.authenticate(world, session.token, channel="web")
    assert identity.sign_in(world, "cv_ba", PASSWORD, channel="web").username == "cv_ba"
    [user] = _stored(world, users, username="cv_ba")
    assert user["active"]
