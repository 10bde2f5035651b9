"""What every command uses: the database, the actor and the language it was asked for, the
words of the vocabulary in that language, and the output helper (text or ``--json``)."""

from __future__ import annotations

import os

import click

from auction_flow.common.config import db_url, default_lang
from auction_flow.common.render import to_json
from auction_flow.common.words import message, term
from auction_flow.frontends.cli.app import common  # noqa: F401  (re-exported for the command modules)
from auction_flow.storage.db import open_db


def json_option(fn):
    return click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")(fn)


def obj() -> dict:
    return click.get_current_context().ensure_object(dict)


def url() -> str:
    return db_url(obj().get("db"))


def engine():
    return open_db(url())


def actor() -> str | None:
    return obj().get("actor") or os.environ.get("AUCTION_FLOW_USER")


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
    return term("day_kind", kind, lang()) if lang() == "vi" else kind
