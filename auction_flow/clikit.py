"""The command line's toolkit: the shared options, the output helper, and AppGroup, whose
``invoke`` is the one place an AuctionFlowError becomes a one-line message and exit code 1.

cli.py builds the command tree from it; auction_flow/commands/* hold the larger groups.
Imports stay inside the commands so that ``auction-flow --help`` starts fast.
"""


from __future__ import annotations

import os

import click

EXIT_REFUSED = 1


class AppGroup(click.Group):
    """The command tree; its ``invoke`` is the one place errors become user messages."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except Exception as exc:  # noqa: BLE001 - the one place errors become messages
            from auction_flow.config import default_lang
            from auction_flow.errors import AuctionFlowError

            lang = (ctx.obj or {}).get("lang") or default_lang()
            if isinstance(exc, AuctionFlowError):
                click.echo(f"error: {exc.render(lang)}", err=True)
                ctx.exit(exc.exit_code)
            if os.environ.get("AUCTION_FLOW_DEBUG"):
                raise
            from auction_flow.i18n import message

            import auction_flow.cli_text  # noqa: F401 - registers the words of these two lines
            name = type(exc).__name__
            first = (str(exc).strip().splitlines() or [""])[0][:300]
            if name in ("OperationalError", "DatabaseError"):  # unreachable, locked, or not a database at all
                click.echo("error: " + message("cli.db_unusable", lang, first=first), err=True)
            else:
                click.echo("error: " + message("cli.internal_error", lang, name=name, first=first), err=True)
            ctx.exit(EXIT_REFUSED)


def _store(key):
    def callback(ctx, _param, value):
        if value is not None:
            ctx.ensure_object(dict)[key] = value
        return value
    return callback


def common(fn):
    """--db, --as and --lang on every command (they may also come before the command)."""
    fn = click.option("--lang", type=click.Choice(["vi", "en"]), expose_value=False, callback=_store("lang"),
                      help="Language of labels and messages.")(fn)
    fn = click.option("--as", "actor", metavar="USERNAME", expose_value=False, callback=_store("actor"),
                      help="Who is acting (default: $AUCTION_FLOW_USER).")(fn)
    fn = click.option("--db", metavar="URL", expose_value=False, callback=_store("db"),
                      help="Database URL or SQLite file (default: $AUCTION_FLOW_DB, else the user data dir).")(fn)
    return fn


def json_option(fn):
    return click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")(fn)


def obj() -> dict:
    return click.get_current_context().ensure_object(dict)


def url() -> str:
    from auction_flow.config import db_url

    return db_url(obj().get("db"))


def engine():
    from auction_flow.db import open_db

    return open_db(url())


def actor() -> str | None:
    return obj().get("actor") or os.environ.get("AUCTION_FLOW_USER")


def lang() -> str:
    from auction_flow.config import default_lang

    return obj().get("lang") or default_lang()


def out(data, as_json: bool, text=None):
    from auction_flow.render import to_json

    if as_json:
        click.echo(to_json(data))
    elif text is not None:
        click.echo(text(data) if callable(text) else text)
