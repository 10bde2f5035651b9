"""Identity service: sign in, authenticate a session or bearer token, sign out, passwords,
tokens, deactivation. The front ends call it; the other services keep taking a username and
trust their caller (the front end that authenticated it).

Secrets: a session token is ``afs_`` and a bearer token ``aft_`` followed by 256 random bits
(``secrets.token_urlsafe(32)``), returned once. The database keeps only the SHA-256 of the
token: with 256 bits of randomness nobody can search the hash for the token, so a slow
password hash would add nothing, and a fast one lets every request find its row through a
unique index. Passwords are argon2id (``passwords``); failed sign-ins are throttled
(``throttle``) and every one is an ``access_log`` row.

Lifetimes: a web or API session lasts 12 hours at most (the web desk also passes ``idle`` of 30
minutes to :func:`authenticate`); a command-line session lasts 7 days and the command line ends
one unused for 24 hours (``CLI_IDLE``): an officer signs in about once a working week on the
machine whose user directory holds the token. Bearer tokens expire when their creator says
(at most a year).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import secrets
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select, update

from auction_flow.common.config import TZ_NAME, now_utc, today
from auction_flow.common.errors import AuctionFlowError, InvalidInput, NotFound, PermissionDenied
from auction_flow.common.words import Msg
from auction_flow.core import admin_events, authz
from auction_flow.core.engine import load_actor, require_role
from auction_flow.core.fields import parse_date
from auction_flow.features.identity import passwords, throttle
from auction_flow.storage import db
from auction_flow.storage.schema import api_tokens, offices, sessions, users

CHANNELS = ("cli", "web", "api")
LIFETIME = {"cli": dt.timedelta(days=7), "web": dt.timedelta(hours=12), "api": dt.timedelta(hours=12)}
WEB_IDLE = dt.timedelta(minutes=30)
CLI_IDLE = dt.timedelta(hours=24)
TOUCH = dt.timedelta(seconds=60)  # last use is written at most once a minute per session or token
MAX_TOKEN_DAYS = 366
SESSION_PREFIX, TOKEN_PREFIX = "afs_", "aft_"


class SignInRefused(AuctionFlowError):
    """Wrong username or password (the message never says which)."""

    def __init__(self):
        super().__init__("sign_in_refused")


class LockedOut(AuctionFlowError):
    """Too many failed sign-ins: the name waits until ``until`` (``wait_seconds`` from now)."""

    def __init__(self, user: str, until: dt.datetime, now: dt.datetime):
        self.until, self.wait_seconds = until, max(1, math.ceil((until - now).total_seconds()))
        wait = (Msg("wait_minutes", n=math.ceil(self.wait_seconds / 60)) if self.wait_seconds >= 60
                else Msg("wait_seconds", n=self.wait_seconds))
        local = until.astimezone(ZoneInfo(TZ_NAME)).strftime("%H:%M:%S")
        super().__init__("locked_out", user=user, wait=wait, until=local)


class NotSignedIn(AuctionFlowError):
    """An unknown, expired, ended or revoked session or token, an idle session, or a deactivated user."""

    def __init__(self, key: str = "session_ended", **params):
        super().__init__(key, **params)


@dataclass(frozen=True)
class SignedIn:
    """A session just opened. ``token`` is the secret: returned this once, stored nowhere here."""

    session_id: int
    token: str = field(repr=False)
    username: str
    role: str
    office: str | None
    expires_at: dt.datetime
    must_change_password: bool


@dataclass(frozen=True)
class Identity:
    """Who a request comes from, proven by a session or a bearer token (``via``: "session:12",
    "token:3"; the front end hands it to ``common.context``)."""

    username: str
    role: str
    office: str | None
    via: str
    session_id: int | None
    token_id: int | None
    must_change_password: bool


def digest(token: str) -> str:
    """What the database keeps of a token: its SHA-256, hex."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _channel(channel: str) -> str:
    if channel not in CHANNELS:
        raise InvalidInput("bad_channel", value=channel, choices=", ".join(CHANNELS))
    return channel


def _user_q():
    return (select(users.c.id, users.c.username, users.c.role, users.c.active, users.c.password_hash,
                   users.c.must_change_password, users.c.password_changed_at, offices.c.code.label("office"))
            .outerjoin(offices, offices.c.id == users.c.office_id))


def _user(conn, username: str) -> dict | None:
    row = conn.execute(_user_q().where(users.c.username == username)).mappings().first()
    return dict(row) if row else None


def _deny(conn, name: str, user: dict | None, action: str, why: str, channel: str, client: str | None):
    """One access_log row for a failed sign-in (or a wrong current password), in ``conn``."""
    authz.log_refusal(conn, (name or "?")[:64], user and user["role"], action, None, user and user["office"],
                      f"{why} ({channel}{', ' + client if client else ''})"[:2000])


def _refuse(engine, name, user, action, channel, client, now) -> None:
    """A wrong password (or no such user): count it, log it, and raise SignInRefused or LockedOut."""
    why = ("unknown user" if user is None else "deactivated user" if not user["active"]
           else "no password set" if not user["password_hash"] else "wrong password")
    with db.writing(engine) as conn:
        until = throttle.fail(conn, name, now)
        _deny(conn, name, user, action, f"sign-in refused: {why}" + (
            f"; locked out until {until.isoformat(timespec='seconds')}" if until else ""), channel, client)
    if until is not None:
        raise LockedOut(name, until, now)


def _check_lock(engine, name, user, action, channel, client, now) -> None:
    with db.reading(engine) as conn:
        until = throttle.locked_until(conn, name, now)
    if until is not None:
        with db.writing(engine) as conn:
            _deny(conn, name, user, action, f"locked out until {until.isoformat(timespec='seconds')}", channel,
                  client)
        raise LockedOut(name, until, now)


def sign_in(engine, username: str, password: str, *, channel: str, client: str | None = None) -> SignedIn:
    """Check the password and open a session on ``channel`` ("cli", "web" or "api").

    Refused with :class:`SignInRefused` (same message whether the name or the password was
    wrong) or :class:`LockedOut` (says how long to wait); every refusal is an access_log row."""
    _channel(channel)
    name = (username or "").strip()[:64]
    client = (client or "")[:200] or None
    now = now_utc()
    with db.reading(engine) as conn:
        user = _user(conn, name) if name else None
    _check_lock(engine, name, user, "sign_in", channel, client, now)
    live = user if user and user["active"] else None
    ok, rehash = passwords.verify(password or "", live and live["password_hash"])
    if not ok:
        _refuse(engine, name, user, "sign_in", channel, client, now)
        raise SignInRefused()
    token = SESSION_PREFIX + secrets.token_urlsafe(32)
    expires = now + LIFETIME[channel]
    with db.writing(engine) as conn:
        throttle.clear(conn, name)
        if rehash:  # stored with other argon2 parameters: upgraded while the password is at hand
            conn.execute(update(users).where(users.c.id == user["id"]).values(password_hash=rehash))
        sid = conn.execute(insert(sessions).values(
            user_id=user["id"], token_hash=digest(token), channel=channel, client=client, created_at=now,
            expires_at=expires, last_used_at=now)).inserted_primary_key[0]
    return SignedIn(sid, token, user["username"], user["role"], user["office"], expires,
                    bool(user["must_change_password"]))


def authenticate(engine, token: str, *, channel: str, idle: dt.timedelta | None = None) -> Identity:
    """The identity behind a session token (opened on ``channel``) or a bearer token (accepted on
    "cli" and "api"). Raises :class:`NotSignedIn` for an unknown, expired, ended or revoked one,
    a session unused for longer than ``idle``, or a deactivated user. Records the last use."""
    _channel(channel)
    if not isinstance(token, str) or not token.startswith((SESSION_PREFIX, TOKEN_PREFIX)):
        raise NotSignedIn()
    bearer = token.startswith(TOKEN_PREFIX)
    table = api_tokens if bearer else sessions
    now = now_utc()
    q = (select(table, users.c.username, users.c.role, users.c.active, users.c.must_change_password,
                offices.c.code.label("office"))
         .join(users, users.c.id == table.c.user_id).outerjoin(offices, offices.c.id == users.c.office_id)
         .where(table.c.token_hash == digest(token)))
    with db.reading(engine) as conn:
        row = conn.execute(q).mappings().first()
    if row is None or not row["active"] or throttle.utc(row["expires_at"]) <= now:
        raise NotSignedIn()
    last = throttle.utc(row["last_used_at"])
    if bearer:
        if row["revoked_at"] is not None or channel == "web":
            raise NotSignedIn()
    else:
        if row["ended_at"] is not None or row["channel"] != channel:
            raise NotSignedIn()
        if idle is not None and last + idle <= now:
            with db.writing(engine) as conn:
                _end(conn, sessions.c.id == row["id"], "idle", now)
            raise NotSignedIn()
    if last is None or now - last >= TOUCH:
        with db.writing(engine) as conn:
            conn.execute(update(table).where(table.c.id == row["id"]).values(last_used_at=now))
    kind = "token" if bearer else "session"
    return Identity(row["username"], row["role"], row["office"], f"{kind}:{row['id']}",
                    None if bearer else row["id"], row["id"] if bearer else None, bool(row["must_change_password"]))


def _end(conn, where, reason: str, now) -> int:
    """End the sessions ``where`` selects that are still open; how many."""
    return conn.execute(update(sessions).where(where, sessions.c.ended_at.is_(None))
                        .values(ended_at=now, ended_reason=reason)).rowcount


def sign_out(engine, token: str) -> None:
    """End the session of ``token`` on the server (nothing happens for an unknown one)."""
    if isinstance(token, str) and token.startswith(SESSION_PREFIX):
        with db.writing(engine) as conn:
            _end(conn, sessions.c.token_hash == digest(token), "signed_out", now_utc())


def one_time_password(username: str | None = None) -> str:
    """A password for an administrator to hand over once (see :func:`passwords.one_time`)."""
    return passwords.one_time(username)


def hash_password(password: str, username: str | None = None) -> str:
    """The argon2id hash of a new password that meets the policy (for ``init`` and ``user add``)."""
    return passwords.hash_password(password, username)


def change_password(engine, username: str, old: str, new: str, *, keep_session: int | None = None,
                    channel: str = "cli") -> None:
    """Change one's own password: the current one is required (a wrong one counts as a failed
    sign-in on ``channel``). Clears a forced change; ends the user's other sessions (all but
    ``keep_session``)."""
    _channel(channel)
    now = now_utc()
    with db.reading(engine) as conn:
        user = _user(conn, (username or "").strip())
    if user is None or not user["active"]:
        raise NotFound("user_not_found", user=username)
    _check_lock(engine, user["username"], user, "password_change", channel, None, now)
    ok, _ = passwords.verify(old or "", user["password_hash"])
    if not ok:
        _refuse(engine, user["username"], user, "password_change", channel, None, now)
        raise InvalidInput("wrong_old_password")
    pw = passwords.check(new, user["username"])
    if passwords.verify(pw, user["password_hash"])[0]:
        raise InvalidInput("password_same")
    new_hash = passwords.hash_password(pw, user["username"])
    with db.writing(engine) as conn:
        conn.execute(update(users).where(users.c.id == user["id"]).values(
            password_hash=new_hash, must_change_password=False, password_changed_at=now))
        others = sessions.c.user_id == user["id"]
        if keep_session is not None:
            others = others & (sessions.c.id != keep_session)
        _end(conn, others, "password_changed", now)
        throttle.clear(conn, user["username"])
        changes = {"username": (user["username"], user["username"]),
                   "password_changed_at": (user["password_changed_at"], now)}
        if user["must_change_password"]:
            changes["must_change_password"] = (True, False)
        admin_events.record(conn, user, "password_changed", changes, office=user["office"])


def _target(conn, username: str) -> dict:
    user = _user(conn, (username or "").strip())
    if user is None:
        raise NotFound("user_not_found", user=username)
    return user


def reset_password(engine, actor: str | None, username: str, new: str) -> None:
    """An administrator sets another user's password; the user must change it at the next
    sign-in, and every session of theirs ends (tokens stay: revoke them if they leaked)."""
    admin = require_role(engine, actor, ("admin",), "user passwd")
    now = now_utc()
    new_hash = passwords.hash_password(new, (username or "").strip())
    with db.writing(engine) as conn:
        user = _target(conn, username)
        conn.execute(update(users).where(users.c.id == user["id"]).values(
            password_hash=new_hash, must_change_password=True, password_changed_at=now))
        _end(conn, sessions.c.user_id == user["id"], "password_reset", now)
        throttle.clear(conn, user["username"])
        changes = {"username": (user["username"], user["username"]),
                   "password_changed_at": (user["password_changed_at"], now)}
        if not user["must_change_password"]:
            changes["must_change_password"] = (False, True)
        admin_events.record(conn, admin, "password_reset", changes, office=user["office"])


def deactivate(engine, actor: str | None, username: str) -> dict:
    """An administrator deactivates a user: every session ends and every token is revoked; the
    name stays in the history. Returns how many sessions and tokens ended."""
    admin = require_role(engine, actor, ("admin",), "user deactivate")
    now = now_utc()
    with db.writing(engine) as conn:
        user = _target(conn, username)
        if user["username"] == admin["username"]:
            raise InvalidInput("cannot_deactivate_self")
        if not user["active"]:
            raise InvalidInput("already_inactive", user=user["username"])
        conn.execute(update(users).where(users.c.id == user["id"]).values(active=False))
        ended = _end(conn, sessions.c.user_id == user["id"], "deactivated", now)
        revoked = conn.execute(update(api_tokens).where(api_tokens.c.user_id == user["id"],
                                                        api_tokens.c.revoked_at.is_(None))
                               .values(revoked_at=now, revoked_by=admin["username"])).rowcount
        admin_events.record(conn, admin, "user_deactivated", {"username": (user["username"], user["username"]),
                                                              "active": (True, False)}, office=user["office"])
    return {"username": user["username"], "sessions": ended, "tokens": revoked}


def activate(engine, actor: str | None, username: str) -> dict:
    """An administrator lets a deactivated user sign in again (old sessions and tokens stay ended)."""
    admin = require_role(engine, actor, ("admin",), "user activate")
    with db.writing(engine) as conn:
        user = _target(conn, username)
        if user["active"]:
            raise InvalidInput("already_active", user=user["username"])
        conn.execute(update(users).where(users.c.id == user["id"]).values(active=True))
        admin_events.record(conn, admin, "user_activated", {"username": (user["username"], user["username"]),
                                                            "active": (False, True)}, office=user["office"])
    return {"username": user["username"]}


def token_expiry(expires, now: dt.datetime | None = None) -> dt.datetime:
    """``expires`` as an aware UTC moment: a number of days (1..366) from now, or a date after
    today (the token lasts to the end of that day in Vietnam), or an aware datetime."""
    now = now or now_utc()
    if isinstance(expires, dt.datetime):
        moment = expires if expires.tzinfo else expires.replace(tzinfo=dt.timezone.utc)
    elif isinstance(expires, int) or (isinstance(expires, str) and expires.strip().isdigit()):
        days = int(expires)
        if not 1 <= days <= MAX_TOKEN_DAYS:
            raise InvalidInput("bad_expiry", value=str(expires), max=MAX_TOKEN_DAYS)
        moment = now + dt.timedelta(days=days)
    else:
        try:
            day = parse_date(expires, "--expires")
        except InvalidInput:
            raise InvalidInput("bad_expiry", value=str(expires), max=MAX_TOKEN_DAYS) from None
        moment = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), ZoneInfo(TZ_NAME))
    moment = moment.astimezone(dt.timezone.utc)
    if moment <= now or moment > now + dt.timedelta(days=MAX_TOKEN_DAYS) or (
            not isinstance(expires, dt.datetime) and moment.date() < today()):
        raise InvalidInput("bad_expiry", value=str(expires), max=MAX_TOKEN_DAYS)
    return moment


def create_token(engine, actor: str | None, name: str, expires) -> tuple[int, str]:
    """A bearer token for ``actor``'s scripts: (its id, the secret, shown once). ``expires``: see
    :func:`token_expiry`."""
    name = (name or "").strip()
    if not name:
        raise InvalidInput("empty_text", field="--name")
    now = now_utc()
    until = token_expiry(expires, now)
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with db.writing(engine) as conn:
        user = load_actor(conn, actor)
        tid = conn.execute(insert(api_tokens).values(
            user_id=user["id"], name=name[:100], token_hash=digest(token), created_by=user["username"],
            created_at=now, expires_at=until)).inserted_primary_key[0]
        admin_events.record(conn, user, "token_created", {"token": (None, tid), "name": (None, name[:100]),
                                                          "user": (None, user["username"]),
                                                          "expires_at": (None, until)}, office=user["office_code"])
    return tid, token


def revoke_token(engine, actor: str | None, token_id) -> dict:
    """Revoke a token: its owner, or an administrator."""
    try:
        token_id = int(token_id)
    except (TypeError, ValueError):
        raise NotFound("token_not_found", id=token_id) from None
    now = now_utc()
    q = (select(api_tokens, users.c.username).join(users, users.c.id == api_tokens.c.user_id)
         .where(api_tokens.c.id == token_id))
    with db.reading(engine) as conn:
        user = load_actor(conn, actor)
        row = conn.execute(q).mappings().first() if -2**31 < token_id < 2**31 else None
    if row is None:
        raise NotFound("token_not_found", id=token_id)
    if row["username"] != user["username"] and user["role"] != "admin":
        exc = PermissionDenied("token_not_yours", user=user["username"], id=token_id, owner=row["username"])
        authz.record_denial(engine, user, "token revoke", None, None, str(exc))
        raise exc
    with db.writing(engine) as conn:
        done = conn.execute(update(api_tokens).where(api_tokens.c.id == token_id, api_tokens.c.revoked_at.is_(None))
                            .values(revoked_at=now, revoked_by=user["username"])).rowcount
        if not done:
            raise InvalidInput("token_revoked_already", id=token_id)
        admin_events.record(conn, user, "token_revoked", {"token": (None, token_id), "user": (None, row["username"]),
                                                          "revoked_at": (None, now)}, office=user["office_code"])
    return {"id": token_id, "user": row["username"], "revoked_at": now}


def list_tokens(engine, actor: str | None, everyone: bool = False) -> list[dict]:
    """The actor's tokens (an administrator's ``everyone``: all), newest first; never a secret."""
    now = now_utc()
    with db.reading(engine) as conn:
        user = load_actor(conn, actor)
        q = (select(api_tokens, users.c.username).join(users, users.c.id == api_tokens.c.user_id)
             .order_by(api_tokens.c.id.desc()))
        if not (everyone and user["role"] == "admin"):
            q = q.where(api_tokens.c.user_id == user["id"])
        rows = conn.execute(q).mappings().all()
    out = []
    for r in rows:
        expires = throttle.utc(r["expires_at"])
        status = "revoked" if r["revoked_at"] else "expired" if expires <= now else "active"
        out.append({"id": r["id"], "name": r["name"], "user": r["username"], "created_at": throttle.utc(r["created_at"]),
                    "expires_at": expires, "last_used_at": throttle.utc(r["last_used_at"]), "status": status})
    return out
