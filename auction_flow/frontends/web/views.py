"""Pages rendered on the server: the Jinja2 environment (autoescape on for every template), the
reader's language (Vietnamese first, English by the switch), and the helpers templates use to
turn codes into labels of the one vocabulary."""

from __future__ import annotations

import datetime as dt
import functools

from urllib.parse import quote

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, PackageLoader, StrictUndefined

from auction_flow.common.render import money
from auction_flow.common.words import LANGS, has_term, label, message, term
from auction_flow.features.admin import workflows as workflows_svc

DEFAULT_LANG = "vi"
LANG_COOKIE = "lang"

ENV = Environment(loader=PackageLoader("auction_flow.frontends.web", "templates"), autoescape=True,
                  undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
TEMPLATES = Jinja2Templates(env=ENV)


def lang_of(request: Request) -> str:
    """``?lang=`` if given, else the switch's cookie, else Vietnamese."""
    for value in (request.query_params.get("lang"), request.cookies.get(LANG_COOKIE)):
        if value in LANGS:
            return value
    return DEFAULT_LANG


def text(lang: str, key: str, **params) -> str:
    """A sentence of the web desk (``web.<key>`` in the vocabulary)."""
    return message(f"web.{key}", lang, **params)


def days_text(lang: str, days_left: int | None) -> str:
    """"3 days left", "due today" or "5 days late" for a deadline."""
    if days_left is None:
        return "-"
    if days_left > 0:
        return text(lang, "days_left", n=days_left)
    if days_left == 0:
        return text(lang, "due_today")
    return text(lang, "days_late", n=-days_left)


def when(value) -> str:
    """A moment as the desk shows it (minutes, no seconds); a date as it is."""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return "-" if value is None else str(value)


def step_label(lang: str, trigger: str | None, event: str | None = None) -> str:
    """What an audit row records, as a person says it: the trigger's label, else the event's (a
    seizure's row names the trigger ``seize``, which no workflow defines: it is the asset's creation)."""
    if trigger and has_term("trigger", trigger):
        return term("trigger", trigger, lang)
    if trigger == "seize" and event in (None, "asset_created"):
        return term("event", "asset_created", lang)
    if event and event != "transition":
        return term("event", event, lang)
    return trigger or "-"


def number(value) -> str:
    """A figure of a table: thousands grouped as Vietnamese write them (1.234.567)."""
    if value is None:
        return "-"
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10000:
        return f"{value:,}".replace(",", ".")
    return str(value)


@functools.lru_cache(maxsize=4)
def regimes(lang: str) -> dict[str, str]:
    """The legal regimes' labels, by id (``law2014`` -> "Luật THADS 2008 sửa đổi 2014 ...")."""
    return {r["id"]: r["label"] for r in workflows_svc.show(lang=lang)["regimes"]}


def helpers(lang: str) -> dict:
    return {"lang": lang, "t": functools.partial(text, lang), "term": lambda kind, code: term(kind, code, lang),
            "label": lambda key: label(key, lang), "word": lambda key, **p: message(key, lang, **p),
            "money": money, "days": functools.partial(days_text, lang), "when": when, "number": number,
            "step": functools.partial(step_label, lang),
            "regimes": regimes(lang)}


async def form_data(request: Request) -> dict:
    """The submitted form as plain text values (read once; a sync route takes it as a dependency)."""
    return {k: v for k, v in (await request.form()).items() if isinstance(v, str)}


async def form_lists(request: Request) -> dict[str, list[str]]:
    """The submitted form's inputs that may come more than once (checkboxes of one name), as lists."""
    form = await request.form()
    return {k: [v for v in form.getlist(k) if isinstance(v, str)] for k in form.keys()}


def page(request: Request, template: str, status: int = 200, **context) -> HTMLResponse:
    """Render ``template`` for this request: never stored by a cache (the desk shows personal data)."""
    lang = lang_of(request)
    csrf = request.scope.get("csrftoken") or (lambda: "")
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    ctx = {"who": getattr(request.state, "who", None), "here": here, "csrftoken": csrf, **helpers(lang), **context}
    return TEMPLATES.TemplateResponse(request, template, ctx, status_code=status,
                                      headers={"Cache-Control": "no-store"})


def render_text(template: str, lang: str, **context) -> str:
    """A template rendered outside a request (the CSRF refusal, which comes before the application)."""
    return ENV.get_template(template).render(who=None, here="/", csrftoken=lambda: "", request=None,
                                             **helpers(lang), **context)


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def download(data: bytes, filename: str, media_type: str) -> Response:
    """A stored file (a paper, a scan) as a download: never shown inline, never cached, its name kept
    (UTF-8, RFC 6266) with every character outside letters, digits, ``.-_`` made safe."""
    safe = "".join(c if c.isalnum() or c in ".-_" else "-" for c in filename) or "file"
    ascii_name = safe.encode("ascii", "replace").decode().replace("?", "_")
    disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(safe, safe='')}"
    return Response(data, media_type=media_type, headers={"Content-Disposition": disposition,
                                                          "Cache-Control": "no-store"})
