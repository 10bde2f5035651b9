"""What every command uses: the database, the actor and the language it was asked for, the
words of the vocabulary in that language, and the output helper (text or ``--json``).

The actor is proven, not claimed: :func:`identity` authenticates the session this machine holds
for the database (``features.identity.local``), the one ``--as`` / ``AUCTION_FLOW_USER`` names
or the only one held, or the bearer token in ``AUCTION_FLOW_TOKEN``; and hands the session or
token id to ``common.context`` for the audit rows the command writes."""

from __future__ import annotations

import os
import sys

import click

from auction_flow.common.config import db_url, default_lang
from auction_flow.common.context import set_via
from auction_flow.common.errors import InvalidInput, UsageError
from auction_flow.common.render import to_json
from auction_flow.common.words import message, term
from auction_flow.core.fields import shown, text_fault
from auction_flow.core.reading_day import reading_day
from auction_flow.features.identity import local
from auction_flow.features.identity import service as identity_svc
from auction_flow.features.identity.service import Identity, NotSignedIn
from auction_flow.frontends.cli import params
from auction_flow.frontends.cli.app import common  # noqa: F401  (re-exported for the command modules)
from auction_flow.storage.db import open_db


def json_option(fn):
    return click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")(fn)


def obj() -> dict:
    return click.get_current_context().ensure_object(dict)


def _env(name: str) -> str | None:
    value = os.environ.get(name)
    if value and text_fault(value):
        raise UsageError("env_not_utf8", name=name, value=shown(value))
    return value


def url() -> str:
    _env("AUCTION_FLOW_DB")
    return db_url(obj().get("db"))


def engine():
    """The database of this command, its schema checked once per command."""
    o = obj()
    if "engine" not in o:
        o["engine"] = open_db(url())
    return o["engine"]


def wanted() -> str | None:
    """The user ``--as`` or ``AUCTION_FLOW_USER`` names (a choice among the sessions held here)."""
    return obj().get("actor") or _env("AUCTION_FLOW_USER")


def _authenticate() -> Identity:
    eng, name = engine(), wanted()
    token = os.environ.get("AUCTION_FLOW_TOKEN")
    if token:
        ident = identity_svc.authenticate(eng, token.strip(), channel="cli")
        if name and name != ident.username:
            raise NotSignedIn("token_not_user", owner=ident.username, user=name)
        return ident
    here = local.held(url())
    if name:
        entry = here.get(name)
        if entry is None:
            raise NotSignedIn("not_signed_in", user=name)
    elif len(here) == 1:
        entry = next(iter(here.values()))
    elif here:
        raise NotSignedIn("several_sessions", users=", ".join(sorted(here)))
    else:
        raise NotSignedIn("not_signed_in_anyone", db=local.db_key(url()))
    try:
        return identity_svc.authenticate(eng, entry["token"], channel="cli", idle=identity_svc.CLI_IDLE)
    except NotSignedIn:
        local.forget(url(), entry["username"])  # ended, expired or idle: no use keeping it
        raise NotSignedIn("not_signed_in", user=entry["username"]) from None


def identity(allow_must_change: bool = False) -> Identity:
    """Who runs this command, authenticated once per command; the session or token goes to
    ``common.context`` for the rows the command writes. A user whose password must change may
    only change it (``allow_must_change`` for those commands)."""
    o = obj()
    ident = o.get("identity")
    if ident is None:
        ident = o["identity"] = _authenticate()
        set_via(ident.via)  # the root group runs each command in a context of its own
    if ident.must_change_password and not allow_must_change:
        raise NotSignedIn("must_change_password", user=ident.username)
    return ident


def actor() -> str:
    """The authenticated user's name, for the services (which trust the front end)."""
    return identity().username


def password(password_stdin: bool, prompt: str = "prompt_password", confirm: bool = False) -> str:
    """One password: the first line of standard input (``--password-stdin``), else asked for
    without echo (twice when ``confirm``)."""
    if password_stdin:
        return stdin_lines(1)[0]
    return click.prompt(t(prompt), hide_input=True, confirmation_prompt=t("prompt_repeat") if confirm else False,
                        prompt_suffix=": ")


def stdin_lines(n: int) -> list[str]:
    """The first ``n`` lines of standard input, each without its line end."""
    lines = sys.stdin.read().splitlines()
    if len(lines) < n or not all(lines[:n]):
        raise InvalidInput("password_stdin_empty")
    return lines[:n]


def lang() -> str:
    return obj().get("lang") or default_lang()


def out(data, as_json: bool, text=None):
    if as_json:
        click.echo(to_json(data))
    elif text is not None:
        click.echo(text(data) if callable(text) else text)


def t(key: str, **params) -> str:
    """The command line's sentence ``key`` (``cli.<key>`` in the vocabulary) in the command's language."""
    return message(f"cli.{key}", lang(), **params)


def cols(*pairs: tuple[str, str]) -> list[tuple[str, str]]:
    """Table columns as (row key, header key) pairs, the headers in the command's language."""
    lg = lang()
    return [(key, message(f"h.{head}", lg)) for key, head in pairs]


def weekday(day, english: str) -> str:
    """The day of the week of ``day`` as a calendar in the command's language writes it."""
    return term("weekday", english, lang())


def day_kind(kind: str) -> str:
    return code("day_kind", kind)


def code(kind: str, value) -> str:
    """A code as a person reads it: its label in Vietnamese; in English the code itself, the
    word one types in a filter (``--state priced``). ``--json`` always keeps the code."""
    if value is None:
        return "-"
    return term(kind, value, "vi") if lang() == "vi" else str(value)


def due(days_left: int) -> str:
    """How far a deadline is, in words: "11 days late", "due today", "3 days left"."""
    if days_left < 0:
        return t("day_late") if days_left == -1 else t("days_late", n=-days_left)
    if days_left == 0:
        return t("due_today")
    return t("day_left") if days_left == 1 else t("days_left", n=days_left)


def now_option(fn):
    """``--now DATE``: read as of that day (default: today, or a demo database's own day)."""
    return click.option("--now", "now", type=params.DAY, metavar="DATE",
                        help="Read as of this day (default: today; on a demo database, the demo's day).")(fn)


def as_of(eng, now=None):
    """The day a read is made as of; on a demo database without --now, one line on stderr says so."""
    day, source = reading_day(eng, now)
    if source == "demo":
        click.echo(t("as_of_demo", day=day), err=True)
    return day
