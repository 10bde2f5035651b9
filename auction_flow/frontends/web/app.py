"""The web desk's ASGI application: pages for officers, supervisors and procurators, and the JSON
API under ``/api/`` (OpenAPI schema at ``/api/openapi.json``), over the same services the command
line calls.

``auction-flow serve`` runs it under uvicorn; a deployment may also run
``uvicorn --factory auction_flow.frontends.web.app:create_app`` with ``AUCTION_FLOW_DB`` set.

Around the application, from the outside in:

* the security headers of every response: a Content-Security-Policy with no inline script and no
  framing (``frame-ancestors 'none'``, and ``X-Frame-Options: DENY`` for older browsers),
  ``nosniff``, a same-origin referrer, and ``Cache-Control: no-store`` on everything but the
  static files;
* CSRF protection by asgi-csrf (Simon Willison's ASGI middleware, the OWASP double-submit cookie
  pattern with a signed token): every POST of a page must carry the ``csrftoken`` form field (or
  ``X-CSRFToken`` header) matching its cookie, including the sign-in form; a multipart form (the
  attachment upload) carries it as its first field, read by ``csrf.py``. The API under
  ``/api/`` is exempt: it accepts only bearer tokens, which a browser never sends on its own.
  The signing secret is ``AUCTION_FLOW_WEB_SECRET`` (set it when several server processes serve
  one desk), else a random one per process.
"""

from __future__ import annotations

import os
import secrets

from asgi_csrf import asgi_csrf
from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.responses import HTMLResponse

from auction_flow.common.config import db_url
from auction_flow.features.admin import workflows as workflows_svc
from auction_flow.frontends.web import errors
from auction_flow.frontends.web.csrf import multipart_token
from auction_flow.frontends.web.api import assets as api_assets
from auction_flow.frontends.web.api import casefile as api_casefile
from auction_flow.frontends.web.api import procuracy as api_procuracy
from auction_flow.frontends.web.api import reads as api_reads
from auction_flow.frontends.web.pages import (account, asset, casefile, desk, imports, procuracy, reports, seize,
                                             supervision, users)
from auction_flow.frontends.web.views import DEFAULT_LANG, LANG_COOKIE, render_text, text
from auction_flow.storage.db import open_db

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
       "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'")
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()), (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"same-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
]
STATIC = os.path.join(os.path.dirname(__file__), "static")


def security_headers(app):
    """Add the security headers to every response (also the CSRF refusal, which is not the app's)."""
    async def wrapped(scope, receive, send):
        if scope["type"] != "http":
            return await app(scope, receive, send)
        cacheable = scope["path"].startswith("/static/")

        async def send_with_headers(event):
            if event["type"] == "http.response.start":
                headers = [(k, v) for k, v in event.get("headers", []) if k.lower() != b"cache-control" or cacheable]
                headers += SECURITY_HEADERS
                if not cacheable:
                    headers.append((b"cache-control", b"no-store"))
                event = {**event, "headers": headers}
            await send(event)
        await app(scope, receive, send_with_headers)
    return wrapped


def _lang_of_scope(scope) -> str:
    for raw in dict(scope.get("headers") or []).get(b"cookie", b"").decode("latin-1").split(";"):
        name, _, value = raw.strip().partition("=")
        if name == LANG_COOKIE and value in ("vi", "en"):
            return value
    return DEFAULT_LANG


async def csrf_refused(scope, send, _reason):
    """The CSRF refusal as a page in the reader's language (403)."""
    lang = _lang_of_scope(scope)
    body = render_text("error.html", lang, message=text(lang, "csrf_refused"), title=text(lang, "refused"))
    response = HTMLResponse(body, status_code=403)

    async def no_body():
        return {"type": "http.request", "body": b"", "more_body": False}
    await response(scope, no_body, send)


def with_csrf(app, secret: str):
    """asgi-csrf around ``app``: its cookie is Secure when the request came over https."""
    def skip(scope) -> bool:
        return scope["path"].startswith("/api/")
    options = dict(signing_secret=secret, always_protect={"/login"}, send_csrf_failed=csrf_refused, skip_if_scope=skip)
    plain, secure = asgi_csrf(app, cookie_secure=False, **options), asgi_csrf(app, cookie_secure=True, **options)

    async def wrapped(scope, receive, send):
        await (secure if scope.get("scheme") == "https" else plain)(scope, receive, send)
    return multipart_token(wrapped, secret, csrf_refused, skip)


def create_app(url: str | None = None, secret: str | None = None):
    """The whole desk over the database ``url`` (default: ``AUCTION_FLOW_DB``, as the command line)."""
    engine = open_db(db_url(url))
    workflows_svc.validate()  # load (and check) the definitions once: their labels join the vocabulary
    api = FastAPI(title="auction-flow", summary="The web desk's JSON API: the same objects as the command "
                  "line's --json.", docs_url=None, redoc_url=None, openapi_url="/api/openapi.json")
    api.state.engine = engine
    errors.install(api)
    for module in (account, desk, seize, asset, casefile,  # seize's /assets/new before /assets/{id}
                   supervision, procuracy, reports, imports, users, api_assets, api_casefile,
                   api_reads, api_procuracy):
        api.include_router(module.router)
    api.mount("/static", StaticFiles(directory=STATIC), name="static")
    secret = secret or os.environ.get("AUCTION_FLOW_WEB_SECRET") or secrets.token_urlsafe(32)
    return security_headers(with_csrf(api, secret))
