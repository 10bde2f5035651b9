"""The command line's root: the one place errors become user messages, the options every
command shares, and the command tree, loaded group by group.

A group's module is imported only when that group runs (click's documented lazy-loading
pattern), so ``auction-flow --help`` and a single command start without importing the rest;
the root's help lists each group with the short help kept in :data:`GROUPS` (a test checks it
against the group itself).
"""

from __future__ import annotations

import contextvars
import importlib
import os

import click

from auction_flow.common.config import default_lang
from auction_flow.common.errors import AuctionFlowError, UsageError
from auction_flow.common.words import Msg, message
from auction_flow.frontends.cli import usage
from auction_flow.frontends.cli.help import HelpGroup

EXIT_REFUSED = 1
_LANGS = ("vi", "en")

_SETUP = "auction_flow.frontends.cli.commands.setup"
# group name -> (module, attribute, short help)
GROUPS: dict[str, tuple[str, str, str]] = {
    "init": (_SETUP, "init", "Create the schema and the first administrator on an empty database."),
    "db": (_SETUP, "db", "The database: where it is and its schema."),
    "office": (_SETUP, "office", "Enforcement offices (Cục, Chi cục)."),
    "user": (_SETUP, "user", "Users: officers, supervisors, procurators, administrators."),
    "holiday": (_SETUP, "holiday", "Days off and make-up working days beyond the holiday library."),
    "workflow": (_SETUP, "workflow", "Workflow definitions (workflows/*.yaml)."),
    "demo": (_SETUP, "demo", "Build a whole demo province on a fresh SQLite file (or an empty --db) and show it."),
    "login": ("auction_flow.frontends.cli.commands.identity", "login",
              "Sign in to this database; the session is kept in your config folder."),
    "logout": ("auction_flow.frontends.cli.commands.identity", "logout", "End a session held here."),
    "whoami": ("auction_flow.frontends.cli.commands.identity", "whoami", "Who the next command acts as."),
    "token": ("auction_flow.frontends.cli.commands.identity", "token", "Bearer tokens for scripts."),
    "asset": ("auction_flow.frontends.cli.commands.assets", "asset", "Seized assets: seize, advance, show, list."),
    "import": ("auction_flow.frontends.cli.commands.reports", "import_group", "Import assets already in progress."),
    "report": ("auction_flow.frontends.cli.commands.reports", "report", "Figures for supervisors: summary and stages."),
    "alerts": ("auction_flow.frontends.cli.commands.alerts", "alerts",
               "Alerts: slow handovers, complaint risk, stalled stages."),
    "scheduler": ("auction_flow.frontends.cli.commands.alerts", "scheduler",
                  "The long-running scheduler of alert scans and digests."),
    "audit": ("auction_flow.frontends.cli.commands.supervision", "audit",
              "Supervision: the audit trail, refusals, signals."),
    "complaint": ("auction_flow.frontends.cli.commands.supervision", "complaint",
                  "Complaints and denunciations with their statutory clocks."),
    "procuracy": ("auction_flow.frontends.cli.commands.procuracy", "procuracy",
                  "The procuracy: decisions sent to it, its recommendations and protests."),
    "party": ("auction_flow.frontends.cli.commands.casefile", "party",
              "Parties: debtors, creditors, buyers and bidders, linked to assets in their roles."),
    "doc": ("auction_flow.frontends.cli.commands.casefile", "doc",
            "Papers the steps issue: list, get, verify; templates."),
    "serve": ("auction_flow.frontends.cli.commands.serve", "serve",
              "Run the web desk (pages and the JSON API under /api/)."),
}


class AppGroup(HelpGroup):
    """The command tree. Its ``invoke`` is the one place errors become user messages: a refusal
    (:class:`AuctionFlowError`) is one line and its exit code; anything else is one line too,
    never a traceback (unless AUCTION_FLOW_DEBUG is set). Its help, like every command's, is in
    the reader's language (:mod:`auction_flow.frontends.cli.help`)."""

    def list_commands(self, ctx):
        return sorted(set(super().list_commands(ctx)) | set(GROUPS))

    def get_command(self, ctx, name):
        if name in GROUPS and name not in self.commands:
            module, attr, _ = GROUPS[name]
            self.add_command(getattr(importlib.import_module(module), attr), name)
        return super().get_command(ctx, name)

    def listed(self, ctx):
        # a group not loaded yet is listed with its short help from GROUPS, without importing it
        return [(name, lambda _limit, short=GROUPS[name][2]: short) if name in GROUPS and name not in self.commands
                else (name, self.get_command(ctx, name).get_short_help_str) for name in self.list_commands(ctx)]

    def short_help_limit(self, formatter, names):
        return formatter.width

    def parse_args(self, ctx, args):
        # Before anything is parsed: the language asked for anywhere on the line (a value refused
        # while the line is read is then told in it), and the first argument that is not text
        # (click hands bytes that are not UTF-8 on as surrogate escapes; NUL comes only from callers).
        ctx.meta["lang_asked"] = next((args[i + 1] for i, a in enumerate(args[:-1])
                                       if a == "--lang" and args[i + 1] in _LANGS),
                                      next((a[7:] for a in args if a in ("--lang=vi", "--lang=en")), None))
        ctx.meta["bad_arg"] = next(((i, a) for i, a in enumerate(args, 1)
                                    if "\x00" in a or any("\ud800" <= c <= "\udfff" for c in a)), None)
        try:
            return super().parse_args(ctx, args)
        except click.exceptions.NoArgsIsHelpError:
            raise
        except click.UsageError as exc:
            usage.report(exc, _lang(ctx))

    def invoke(self, ctx):
        try:
            bad = ctx.meta.get("bad_arg")
            if bad:
                position, arg = bad
                raise UsageError("bad_argv", position=position, arg=_shown(arg),
                                 what=Msg("argv_nul" if "\x00" in arg else "argv_not_utf8"))
            # in a context of its own: the session a command authenticated (common.context) ends with it
            return contextvars.copy_context().run(super().invoke, ctx)
        except click.exceptions.NoArgsIsHelpError:
            raise
        except click.UsageError as exc:  # click's own (an unknown option, a missing argument): in the reader's words
            usage.report(exc, _lang(ctx))
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except Exception as exc:  # noqa: BLE001 - the one place errors become messages
            lang = _lang(ctx)
            if isinstance(exc, AuctionFlowError):
                click.echo(f"error: {exc.render(lang)}", err=True)
                ctx.exit(exc.exit_code)
            if os.environ.get("AUCTION_FLOW_DEBUG"):
                raise
            name = type(exc).__name__
            first = (str(exc).strip().splitlines() or [""])[0][:300]
            if name in ("OperationalError", "DatabaseError"):  # unreachable, locked, or not a database at all
                click.echo("error: " + message("cli.db_unusable", lang, first=first), err=True)
            else:
                click.echo("error: " + message("cli.internal_error", lang, name=name, first=first), err=True)
            ctx.exit(EXIT_REFUSED)


def _lang(ctx) -> str:
    return (ctx.obj or {}).get("lang") or ctx.meta.get("lang_asked") or default_lang()


def _shown(arg: str) -> str:
    """An argument as it can be printed: bytes that were not UTF-8 as \\xNN, a NUL as \\x00."""
    return "".join(f"\\x{ord(c) - 0xdc00:02x}" if "\udc80" <= c <= "\udcff" else
                   f"\\u{ord(c):04x}" if "\ud800" <= c <= "\udfff" or not c.isprintable() else c for c in arg)


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
                      help="Which of the sessions signed in here acts (default: $AUCTION_FLOW_USER, or "
                           "the only one; see `auction-flow login`).")(fn)
    fn = click.option("--db", metavar="URL", expose_value=False, callback=_store("db"),
                      help="Database URL or SQLite file (default: $AUCTION_FLOW_DB, else the user data dir).")(fn)
    return fn


@click.group(cls=AppGroup)
@common
@click.version_option(package_name="auction-flow")
def main():
    """Seized assets from seizure to handover: workflow, deadlines, audit.

    \b
    Example:
      auction-flow demo
      auction-flow --as cv_an asset show 1
    """
