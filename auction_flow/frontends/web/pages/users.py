"""The administrator's users page (``/admin/users``): the command line's ``user add``, ``user
change``, ``user passwd USER`` (the reset), ``user deactivate`` and ``user activate`` for an
administrator who works in a browser. Anyone else gets the 403 page and an ``access_log`` row
naming the command they tried (the services refuse before anything is read or written).

A user added here, or whose password is reset here, gets a one-time password drawn by the program
and shown once, on the answer to that form only (never stored in clear, logged or sent anywhere):
the administrator hands it over, and the user must choose their own at the first sign-in. Every
change is the same audited event as on the command line.

A reset and a deactivation end the user's sessions at once, so the row's button asks first: its
form (without ``confirm=yes``) answers a page naming the user and what will happen, whose own form
(with it) acts, and whose other way out goes back to the list. No script is needed (the desk's
content security policy allows none inline).
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse

from auction_flow.common.errors import InvalidInput, NotFound
from auction_flow.features.admin import service as admin_svc
from auction_flow.features.identity import service as identity_svc
from auction_flow.frontends.web.errors import status_of
from auction_flow.frontends.web.sessions import Identity, engine_of, page_user
from auction_flow.frontends.web.views import form_data, lang_of, page, text

router = APIRouter(include_in_schema=False)
ROLES = admin_svc.ROLES
ADD_INPUTS = ("username", "name", "role", "office", "email")


def _page(request: Request, who: Identity, status: int = 200, **context):
    shown = admin_svc.users_page(engine_of(request), who.username)
    return page(request, "users.html", status=status, users=shown["users"], offices=shown["offices"], roles=ROLES,
                title=text(lang_of(request), "users.title"),
                **{"values": {}, "error": None, "failed": None, "done": None, "one_time": None, **context})


@router.get("/admin/users")
def users(request: Request, who: Identity = Depends(page_user), done: str | None = None, user: str | None = None):
    said = text(lang_of(request), f"users.{done}", user=user) if done in DONE and user else None
    return _page(request, who, done=said)


DONE = ("changed", "deactivated", "activated")  # what a redirect after a row's form says (?done=)


@router.post("/admin/users")
def add(request: Request, who: Identity = Depends(page_user), data: dict = Depends(form_data)):
    """Add a user with a one-time password, shown on this answer only."""
    lang, engine = lang_of(request), engine_of(request)
    values = {k: (data.get(k) or "").strip() for k in ADD_INPUTS}
    try:
        one_time = identity_svc.one_time_password(values["username"])
        added = admin_svc.add_user(engine, who.username, values["username"], values["role"], values["office"] or None,
                                   values["name"] or None, values["email"] or None,
                                   password_hash=identity_svc.hash_password(one_time, values["username"]),
                                   must_change_password=True)
    except (InvalidInput, NotFound) as exc:
        return _page(request, who, status=status_of(exc), values=values, error=exc.render(lang), failed="add")
    return _page(request, who, done=text(lang, "users.added", user=added["username"]),
                 one_time={"user": added["username"], "password": one_time})


def _act(request: Request, who: Identity, username: str, action: str, do):
    """One action on one user's row; a refusal is said on the page, beside that row."""
    lang = lang_of(request)
    try:
        do()
    except (InvalidInput, NotFound) as exc:
        return _page(request, who, status=status_of(exc), error=exc.render(lang), failed=username)
    return RedirectResponse(f"/admin/users?done={action}&user={quote(username)}", status_code=303)


COMMAND = {"reset": "user passwd", "deactivate": "user deactivate"}  # what a refusal of the question names


def _confirm(request: Request, who: Identity, username: str, action: str, button: str):
    """The page asking the administrator to confirm ``action`` on ``username`` (refused to anyone
    else, with an ``access_log`` row naming the command, as the action itself is)."""
    lang = lang_of(request)
    try:
        user = admin_svc.user_for_admin(engine_of(request), who.username, username, COMMAND[action])
    except NotFound as exc:
        return _page(request, who, status=status_of(exc), error=exc.render(lang), failed=username)
    name = user.get("name") or "-"
    return page(request, "users_confirm.html", user=user, action=action, button=text(lang, button),
                question=text(lang, f"users.confirm_{action}", user=username, name=name),
                why=text(lang, f"users.confirm_{action}_why"), title=text(lang, "users.title"))


@router.post("/admin/users/{username}/reset")
def reset(request: Request, username: str, who: Identity = Depends(page_user), data: dict = Depends(form_data)):
    """A new one-time password, shown on this answer only; the user's sessions end. Asked first."""
    if data.get("confirm") != "yes":
        return _confirm(request, who, username, "reset", "users.reset_button")
    lang, engine = lang_of(request), engine_of(request)
    one_time = identity_svc.one_time_password(username)
    try:
        identity_svc.reset_password(engine, who.username, username, one_time)
    except (InvalidInput, NotFound) as exc:
        return _page(request, who, status=status_of(exc), error=exc.render(lang), failed=username)
    return _page(request, who, done=text(lang, "users.reset", user=username),
                 one_time={"user": username, "password": one_time})


@router.post("/admin/users/{username}/change")
def change(request: Request, username: str, who: Identity = Depends(page_user), data: dict = Depends(form_data)):
    """A new role or office (an administrator has none: the office left empty)."""
    return _act(request, who, username, "changed", lambda: admin_svc.change_user(
        engine_of(request), who.username, username, data.get("role") or None, (data.get("office") or "").strip()))


@router.post("/admin/users/{username}/deactivate")
def deactivate(request: Request, username: str, who: Identity = Depends(page_user), data: dict = Depends(form_data)):
    """The user can no longer sign in; their sessions and tokens end. Asked first."""
    if data.get("confirm") != "yes":
        return _confirm(request, who, username, "deactivate", "users.deactivate")
    return _act(request, who, username, "deactivated",
                lambda: identity_svc.deactivate(engine_of(request), who.username, username))


@router.post("/admin/users/{username}/activate")
def activate(request: Request, username: str, who: Identity = Depends(page_user)):
    return _act(request, who, username, "activated",
                lambda: identity_svc.activate(engine_of(request), who.username, username))
