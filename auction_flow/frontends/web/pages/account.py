"""Signing in and out, the change of password, the language switch, and the way home."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse

from auction_flow.common.errors import AuctionFlowError, InvalidInput
from auction_flow.frontends.web import sessions
from auction_flow.frontends.web.errors import status_of
from auction_flow.frontends.web.sessions import COOKIE, Identity, page_user
from auction_flow.frontends.web.views import LANG_COOKIE, LANGS, lang_of, page, text

router = APIRouter(include_in_schema=False)
CSRF_COOKIE = "csrftoken"


def safe_next(target: str | None) -> str:
    """Only a path of this site (never ``//elsewhere`` or a full URL): no open redirect."""
    target = (target or "").strip()
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def home_of(who: Identity) -> str:
    return "/desk" if who.role == "officer" else "/supervision"


@router.get("/")
def home(who: Identity = Depends(page_user)):
    return RedirectResponse(home_of(who), status_code=303)


@router.get("/login")
def login_form(request: Request, next: str = ""):
    return page(request, "login.html", next=safe_next(next) if next else "", username="", error=None)


@router.post("/login")
def login(request: Request, username: str = Form(""), password: str = Form(""), next: str = Form("")):
    try:
        signed = sessions.sign_in(request, username.strip(), password, sessions.PAGE_CHANNEL)
    except (sessions.SignInRefused, sessions.LockedOut) as exc:
        response = page(request, "login.html", status=status_of(exc), next=safe_next(next) if next else "",
                        username=username, error=exc.render(lang_of(request)))
        if isinstance(exc, sessions.LockedOut):
            response.headers["Retry-After"] = str(exc.wait_seconds)
        return response
    sessions.sign_out(request, request.cookies.get(COOKIE))  # a session this browser held before ends here
    target = "/password" if signed.must_change_password else safe_next(next)
    response = RedirectResponse(target, status_code=303)
    sessions.set_cookie(request, response, signed)
    response.delete_cookie(CSRF_COOKIE, path="/")  # a new CSRF token with the new session
    return response


@router.post("/logout")
def logout(request: Request):
    sessions.sign_out(request, request.cookies.get(COOKIE))
    response = RedirectResponse("/login", status_code=303)
    sessions.clear_cookie(request, response)
    response.delete_cookie(CSRF_COOKIE, path="/")
    return response


@router.get("/password")
def password_form(request: Request, who: Identity = Depends(page_user)):
    return page(request, "password.html", error=None, field=None)


@router.post("/password")
def change_password(request: Request, who: Identity = Depends(page_user), old: str = Form(""),
                    new: str = Form(""), repeat: str = Form("")):
    lang = lang_of(request)
    if new != repeat:
        return page(request, "password.html", status=422, error=text(lang, "password_mismatch"), field="repeat")
    try:
        sessions.change_password(request, who, old, new)
    except AuctionFlowError as exc:
        field = "old" if exc.key == "wrong_old_password" else "new" if isinstance(exc, InvalidInput) else None
        return page(request, "password.html", status=status_of(exc), error=exc.render(lang), field=field)
    return RedirectResponse("/", status_code=303)


@router.get("/lang/{code}")
def switch_language(request: Request, code: str, next: str = "/"):
    response = RedirectResponse(safe_next(next), status_code=303)
    if code in LANGS:
        response.set_cookie(LANG_COOKIE, code, max_age=365 * 86400, path="/", httponly=True, samesite="lax",
                            secure=request.url.scheme == "https")
    return response
