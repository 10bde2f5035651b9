"""The one place the web desk turns the exception tree into HTTP responses: a status code, and
either the API's ``{"error": "<the one-line message>"}`` or a page in the reader's language
(``frontends/cli/app.py`` is its twin for the command line).

401 no or bad credentials (a page goes to the sign-in form instead), 403 role or scope (the
services have written the ``access_log`` row already), 404 not found, 409 the asset changed,
422 invalid input or a step the workflow refuses, 429 an account that must wait or a user who looked
up too many identity numbers of no party (``Throttled``, its ``access_log`` row written), 503 a database
whose schema does not match the program. Anything else is a 500 whose body is one line; the
traceback goes to the server's log, never to the reader.
"""

from __future__ import annotations

import logging
from urllib.parse import quote

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from auction_flow.common.errors import (
    AuctionFlowError,
    ConflictError,
    InvalidInput,
    NotFound,
    PermissionDenied,
    SchemaError,
    Throttled,
    TriggerNotAllowed,
)
from auction_flow.features.identity import service as identity
from auction_flow.frontends.web.views import lang_of, page, text

log = logging.getLogger("auction_flow.web")


class SignInFirst(AuctionFlowError):
    """No credentials at all: no session cookie, no bearer token."""

    def __init__(self):
        super().__init__("web.sign_in_first")


class MustChangePassword(AuctionFlowError):
    """The user's password must change before anything else (an administrator reset it)."""

    def __init__(self):
        super().__init__("web.must_change_password")


STATUS: tuple[tuple[type[AuctionFlowError], int], ...] = (
    (SignInFirst, 401), (identity.NotSignedIn, 401), (identity.SignInRefused, 401), (identity.LockedOut, 429),
    (Throttled, 429), (MustChangePassword, 403), (PermissionDenied, 403), (NotFound, 404), (ConflictError, 409),
    (InvalidInput, 422), (TriggerNotAllowed, 422), (SchemaError, 503),
)


def status_of(exc: AuctionFlowError) -> int:
    for kind, status in STATUS:
        if isinstance(exc, kind):
            return status
    return 400


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _error_json(message: str, status: int) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status, headers={"Cache-Control": "no-store"})


def to_login(request: Request) -> Response:
    """Send a reader without a session to the sign-in form, then back to where they were going."""
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    where = "/login" + (f"?next={quote(target, safe='')}" if request.method == "GET" and target != "/" else "")
    if request.headers.get("hx-request"):  # htmx: a redirect of the whole page, not of the fragment
        return Response(status_code=401, headers={"HX-Redirect": where})
    return RedirectResponse(where, status_code=303)


async def on_refusal(request: Request, exc: AuctionFlowError) -> Response:
    status = status_of(exc)
    lang = lang_of(request)
    message = exc.render(lang)
    if is_api(request):
        response = _error_json(message, status)
        if isinstance(exc, identity.LockedOut):
            response.headers["Retry-After"] = str(exc.wait_seconds)
        return response
    if status == 401:
        return to_login(request)
    if isinstance(exc, MustChangePassword):
        return RedirectResponse("/password", status_code=303)
    return page(request, "error.html", status=status, message=message)


async def on_bad_request(request: Request, exc: RequestValidationError) -> Response:
    """A body or parameter that is not what the route declares (wrong JSON, a missing field)."""
    problems = exc.errors()
    first = problems[0] if problems else {}
    where = ".".join(str(p) for p in first.get("loc", ()) if p not in ("body", "query", "path")) or "-"
    message = text(lang_of(request), "bad_request", field=where, problem=first.get("msg", "?"))
    if is_api(request):
        return _error_json(message, 422)
    return page(request, "error.html", status=422, message=message)


async def on_http(request: Request, exc: StarletteHTTPException) -> Response:
    """Routing's own answers: no such page (404), a method a route does not take (405)."""
    lang = lang_of(request)
    message = text(lang, "not_found") if exc.status_code == 404 else text(lang, "http_error", status=exc.status_code)
    if is_api(request):
        return _error_json(message, exc.status_code)
    return page(request, "error.html", status=exc.status_code, message=message)


async def on_crash(request: Request, exc: Exception) -> Response:
    log.exception("unexpected error on %s %s", request.method, request.url.path)
    name = type(exc).__name__
    lang = lang_of(request)
    if name in ("OperationalError", "DatabaseError"):
        message = text(lang, "db_unusable")
    else:
        message = text(lang, "internal_error", name=name)
    if is_api(request):
        return _error_json(message, 500)
    return page(request, "error.html", status=500, message=message)


def install(app) -> None:
    app.add_exception_handler(AuctionFlowError, on_refusal)
    app.add_exception_handler(RequestValidationError, on_bad_request)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(Exception, on_crash)
