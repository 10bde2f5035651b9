"""click's own usage errors (an unknown option or command, a missing argument, a value click's types
refuse) as one line in the reader's language, the command's help named beside it, exit 2.

click words these in English (through gettext, with no Vietnamese catalogue) and prints three lines:
the usage, a "Try --help" line and the error. Here each kind of error click raises is said from its
own attributes (the option's name, the close matches click found, the parameter's hint and its
choices), so nothing of click's English wording is shown; an error of a kind not known here is shown
as click words it, inside the reader's frame."""

from __future__ import annotations

import re

import click

from auction_flow.common.words import message

EXIT_USAGE = 2
_NO_SUCH_COMMAND = getattr(click.exceptions, "NoSuchCommand", None)  # click >= 8.4
# click's wording of the two usage errors it raises without a class of their own (core.py, parser.py)
_EXTRA = re.compile(r"Got unexpected extra arguments? \((?P<args>.*)\)$", re.S)
_NEEDS = re.compile(r"Option '(?P<name>[^']+)' requires")
_NO_VALUE = re.compile(r"Option '(?P<name>[^']+)' does not take a value")


def _maybe(possibilities, lang: str) -> str:
    if not possibilities:
        return ""
    return message("cli.usage.maybe", lang, names=", ".join(sorted(possibilities)))


def _hint(exc: click.BadParameter) -> str:
    if exc.param_hint:
        hint = exc.param_hint
        return " / ".join(hint) if isinstance(hint, (list, tuple)) else str(hint)
    if exc.param is not None:
        return exc.param.get_error_hint(exc.ctx).replace("'", "")
    return "?"


def explain(exc: click.UsageError, lang: str) -> str:
    """The error, one line, in ``lang``."""
    if isinstance(exc, click.NoSuchOption):
        return message("cli.usage.no_such_option", lang, name=exc.option_name) + _maybe(exc.possibilities, lang)
    if _NO_SUCH_COMMAND is not None and isinstance(exc, _NO_SUCH_COMMAND):
        return message("cli.usage.no_such_command", lang, name=exc.command_name) + _maybe(exc.possibilities, lang)
    if isinstance(exc, click.MissingParameter):
        kind = "argument" if isinstance(exc.param, click.Argument) else "option"
        return message(f"cli.usage.missing_{kind}", lang, name=_hint(exc))
    if isinstance(exc, click.BadParameter):
        if exc.param is not None and isinstance(exc.param.type, click.Choice):
            return message("cli.usage.not_a_choice", lang, name=_hint(exc),
                           choices=", ".join(map(str, exc.param.type.choices)))
        return message("cli.usage.bad_value", lang, name=_hint(exc), why=exc.message)
    text = exc.format_message()
    for pattern, key in ((_EXTRA, "cli.usage.extra"), (_NEEDS, "cli.usage.needs_value"),
                         (_NO_VALUE, "cli.usage.takes_no_value")):
        found = pattern.search(text)
        if found:
            return message(key, lang, **found.groupdict())
    return message("cli.usage.other", lang, why=text)


def report(exc: click.UsageError, lang: str) -> None:
    """Print the error and where the help is; exit 2 (a malformed command line)."""
    path = exc.ctx.command_path if exc.ctx is not None else "auction-flow"
    line = "error: " + explain(exc, lang) + message("cli.usage.help", lang, command=path)
    # an option typed with bytes that are not UTF-8 (surrogate escapes) or a NUL is named, not written raw
    click.echo(line.replace("\x00", "\\x00").encode("utf-8", "backslashreplace").decode("utf-8"), err=True)
    raise click.exceptions.Exit(EXIT_USAGE)
