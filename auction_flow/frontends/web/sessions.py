"""Who is asking: the session cookie of the pages, the bearer token of the API. The identity feature
checks both (hashes, expiry, idle time, deactivated users); this module only carries them.

The pages know a person by an HttpOnly, SameSite=Lax cookie (Secure over https) holding the
session's token; the API only by ``Authorization: Bearer TOKEN`` (so a browser's cookie never
authorises an API call, and the API needs no CSRF token). A session idle for 30 minutes ends; the
identity feature ends every session 12 hours after its sign-in.
"""

from __future__ import annotations

import datetime as dt

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from auction_flow.common.context import set_via
from auction_flow.features.identity import service as identity
from auction_flow.frontends.web.errors import MustChangePassword, SignInFirst

Identity = identity.Identity
SignedIn = identity.SignedIn
SignInRefused = identity.SignInRefused
LockedOut = identity.LockedOut
NotSignedIn = identity.NotSignedIn

COOKIE = "af_session"
IDLE = dt.timedelta(minutes=30)
ABSOLUTE = dt.timedelta(hours=12)
PAGE_CHANNEL, API_CHANNEL = "web", "api"
# pages a person whose password must change may still open
PASSWORD_FREE = ("/password", "/logout", "/lang")

bearer = HTTPBearer(auto_error=False, description="A token from POST /api/token (or `auction-flow token create`).")


def engine_of(request: Request):
    return request.app.state.engine


def client_of(request: Request) -> str | None:
    return request.client.host if request.client else None


def sign_in(request: Request, username: str, password: str, channel: str) -> SignedIn:
    return identity.sign_in(engine_of(request), username, password, channel=channel, client=client_of(request))


def sign_out(request: Request, token: str | None) -> None:
    """End the session of ``token`` on the server (an unknown or ended one: nothing to do)."""
    if token:
        identity.sign_out(engine_of(request), token)


def revoke(request: Request, who: Identity, token: str) -> None:
    """End what the API caller came with: its session, or its bearer token (revoked)."""
    if who.token_id is not None:
        identity.revoke_token(engine_of(request), who.username, who.token_id)
    else:
        identity.sign_out(engine_of(request), token)


def change_password(request: Request, who: Identity, old: str, new: str) -> None:
    """Change the reader's own password; their other sessions end, this one goes on."""
    identity.change_password(engine_of(request), who.username, old, new, keep_session=who.session_id,
                             channel=PAGE_CHANNEL)


def _known(request: Request, token: str | None, channel: str) -> Identity:
    if not token:
        raise SignInFirst()
    return identity.authenticate(engine_of(request), token, channel=channel, idle=IDLE)


def _acting(request: Request, who: Identity) -> Identity:
    """Remember who asks for this request: the pages show it, and the audit rows and refusals the
    services write record the session or token it came through (``common.context``). Called in the
    request's own context (an async dependency), so the route's thread sees it too."""
    request.state.who = who
    set_via(who.via)
    return who


async def page_user(request: Request) -> Identity:
    """The person behind the session cookie (pages); one whose password must change goes there first."""
    who = _acting(request, await run_in_threadpool(_known, request, request.cookies.get(COOKIE), PAGE_CHANNEL))
    if who.must_change_password and not request.url.path.startswith(PASSWORD_FREE):
        raise MustChangePassword()
    return who


async def api_user(request: Request,
                   creds: HTTPAuthorizationCredentials | None = Depends(bearer)) -> Identity:
    """The holder of the bearer token (API)."""
    token = creds.credentials if creds and creds.scheme.lower() == "bearer" else None
    who = _acting(request, await run_in_threadpool(_known, request, token, API_CHANNEL))
    if who.must_change_password:
        raise MustChangePassword()
    return who


def set_cookie(request: Request, response, signed: SignedIn) -> None:
    response.set_cookie(COOKIE, signed.token, max_age=int(ABSOLUTE.total_seconds()), path="/", httponly=True,
                        samesite="lax", secure=request.url.scheme == "https")


def clear_cookie(request: Request, response) -> None:
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="lax", secure=request.url.scheme == "https")
