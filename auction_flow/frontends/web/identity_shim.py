"""TEMPORARY SHIM: delete when the identity feature (``auction_flow/features/identity``, issue 11)
is on main, and import that feature instead (the one import is in ``frontends/web/sessions.py``).

Just enough of its API for the web desk to be built and tested before it lands: sessions kept in
this process's memory, one password for every user (``AUCTION_FLOW_SHIM_PASSWORD``), and a wait
after 5 failed sign-ins in 15 minutes. Nothing here is stored and nothing here is for production.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import threading
from dataclasses import dataclass

from auction_flow.common.errors import AuctionFlowError, NotFound
from auction_flow.core.engine import load_actor
from auction_flow.storage.db import reading

LIFETIME = dt.timedelta(hours=12)


class SignInRefused(AuctionFlowError):
    def __init__(self):
        super().__init__("literal", text="sign-in refused: wrong user name or password")


class LockedOut(AuctionFlowError):
    def __init__(self, seconds: int):
        super().__init__("literal", text=f"too many failed sign-ins: try again in {seconds} seconds")


class NotSignedIn(AuctionFlowError):
    def __init__(self):
        super().__init__("literal", text="not signed in, or the session has ended")


@dataclass(frozen=True)
class SignedIn:
    session_id: int
    token: str
    username: str
    role: str
    office: str | None
    expires_at: dt.datetime
    must_change_password: bool = False


@dataclass(frozen=True)
class Identity:
    username: str
    role: str
    office: str | None
    via: str
    session_id: int | None
    token_id: int | None
    must_change_password: bool = False


_lock = threading.Lock()
_sessions: dict[str, dict] = {}
_failures: dict[str, list[dt.datetime]] = {}


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def sign_in(engine, username, password, *, channel: str, client: str | None = None) -> SignedIn:
    now = _now()
    with _lock:
        recent = [t for t in _failures.get(username, []) if now - t < dt.timedelta(minutes=15)]
        _failures[username] = recent
        if len(recent) >= 5:
            raise LockedOut(60)
    try:
        with reading(engine) as conn:
            user = load_actor(conn, username)
    except NotFound:
        user = None
    expected = os.environ.get("AUCTION_FLOW_SHIM_PASSWORD")
    if user is None or not expected or not secrets.compare_digest(str(password), expected):
        with _lock:
            _failures.setdefault(username, []).append(now)
        raise SignInRefused()
    token = secrets.token_urlsafe(32)
    with _lock:
        sid = len(_sessions) + 1
        _sessions[token] = {"id": sid, "username": user["username"], "seen": now, "expires": now + LIFETIME}
    return SignedIn(sid, token, user["username"], user["role"], user["office_code"], now + LIFETIME)


def authenticate(engine, token: str, *, channel: str, idle: dt.timedelta | None = None) -> Identity:
    now = _now()
    with _lock:
        held = _sessions.get(token or "")
        if held is None or now > held["expires"] or (idle is not None and now - held["seen"] > idle):
            _sessions.pop(token or "", None)
            raise NotSignedIn()
        held["seen"] = now
    try:
        with reading(engine) as conn:
            user = load_actor(conn, held["username"])
    except NotFound:
        raise NotSignedIn() from None
    return Identity(user["username"], user["role"], user["office_code"], f"session:{held['id']}", held["id"], None)


def sign_out(engine, token) -> None:
    with _lock:
        _sessions.pop(token or "", None)


def change_password(engine, username, old, new) -> None:
    raise SignInRefused()
