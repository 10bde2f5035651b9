"""The command line's help in the reader's language: the one place click's help is localised.

Every command of the tree is a :class:`HelpCommand` or a :class:`HelpGroup` (a group's
``command`` and ``group`` decorators make their children of the same classes, so only a
top-level ``@click.group`` or ``@click.command`` names ``cls=``; a test walks the tree). In
English they are click's own classes untouched: the English texts stay where they are written,
in each command's docstring and ``help=``. In Vietnamese (``--lang vi`` anywhere on the line, as
the root records in ``ctx.meta["lang_asked"]`` before parsing, else ``AUCTION_FLOW_LANG``), the
description, the short help in command lists, each option's help and click's own headings come
from ``auction_flow.common.words.cli_help*`` and ``cli_options``, keyed by the command path
(``"asset advance"``; the root is ``""``) and the option's name (``"asset advance --set"``; an
option every command shares, such as ``--json``, by its name alone).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from gettext import gettext

import click

from auction_flow.common.config import default_lang
from auction_flow.common.words import cli_help, cli_help_assets, cli_help_supervision, cli_options

# the Vietnamese descriptions, by command path, from the vocabulary's modules of them
DESCRIPTIONS: dict[str, str] = {}
for _area in (cli_help, cli_help_assets, cli_help_supervision):
    for _path, _text in _area.HELP.items():
        if _path in DESCRIPTIONS:
            raise ValueError(f"the help of {_path!r} is written twice ({_area.__name__})")
        DESCRIPTIONS[_path] = _text


def help_lang(ctx: click.Context) -> str:
    """The language help is shown in: --lang anywhere on the line, else AUCTION_FLOW_LANG."""
    asked = ctx.meta.get("lang_asked") or (ctx.find_root().obj or {}).get("lang") or default_lang()
    return "vi" if asked == "vi" else "en"


def command_path(ctx: click.Context) -> str:
    """The path of ``ctx``'s command as typed after the program's name: ``"asset advance"``."""
    names = []
    while ctx.parent is not None:
        names.append(ctx.info_name)
        ctx = ctx.parent
    return " ".join(reversed(names))


def param_key(param: click.Parameter) -> str:
    """An option by its longest flag (``--set``, ``--quiet``), an argument by its name."""
    return max(param.opts, key=len) if isinstance(param, click.Option) else param.human_readable_name


def vi_description(path: str) -> str | None:
    text = DESCRIPTIONS.get(path)
    return inspect.cleandoc(text) if text is not None else None


def vi_param_help(path: str, param: click.Parameter) -> str | None:
    key = param_key(param)
    return cli_options.OPTIONS.get(f"{path} {key}".strip(), cli_options.SHARED.get(key))


def vi_short(path: str) -> str | None:
    """The first sentence of the Vietnamese description, as click finds a docstring's, kept whole:
    the Vietnamese runs longer than the English, and a sentence cut at click's limit loses its
    point (the list wraps it instead)."""
    text = vi_description(path)
    if text is None:
        return None
    words = text.partition("\n\n")[0].split()
    words = words[1:] if words[:1] == ["\b"] else words
    for i, word in enumerate(words):
        if word.endswith(".") and (i == len(words) - 1 or not words[i + 1][0].islower()):
            return " ".join(words[:i + 1])
    return " ".join(words)


def _vi_extras(english_help: str, record_help: str) -> str:
    """What click adds after an option's help (``[default: 50; required]``), in Vietnamese."""
    extra = record_help[len(english_help):].strip() if record_help.startswith(english_help) else ""
    if not (extra.startswith("[") and extra.endswith("]")):
        return ""
    items = []
    for item in extra[1:-1].split("; "):
        for english, vietnamese in cli_help.CLICK_EXTRAS.items():
            if item == english or item.startswith(english + ":"):
                item = vietnamese + item[len(english):]
                break
        items.append(item)
    return "[" + "; ".join(items) + "]"


class Localized:
    """Click's help methods, in Vietnamese when that is asked for; click's own in English."""

    def parse_args(self, ctx, args):
        try:
            return super().parse_args(ctx, args)
        except click.UsageError as exc:  # click's parser raises some (an option without its value) without
            if exc.ctx is None:  # the command they are about: the line then names this command's help
                exc.ctx = ctx
            raise

    def format_usage(self, ctx, formatter):
        if help_lang(ctx) != "vi":
            return super().format_usage(ctx, formatter)
        pieces = [cli_help.CLICK.get(p, p) for p in self.collect_usage_pieces(ctx)]
        formatter.write_usage(ctx.command_path, " ".join(pieces), prefix=cli_help.CLICK["Usage:"] + " ")

    def format_help_text(self, ctx, formatter):
        text = vi_description(command_path(ctx)) if help_lang(ctx) == "vi" else None
        if text is None:
            return super().format_help_text(ctx, formatter)
        formatter.write_paragraph()
        with formatter.indentation():
            formatter.write_text(text)

    def _rows(self, ctx, arguments: bool):
        path, rows = command_path(ctx), []
        for param in self.get_params(ctx):
            if isinstance(param, click.Argument) != arguments:
                continue
            record = param.get_help_record(ctx)
            if record is None:
                continue
            english = param.help or ""
            vietnamese = vi_param_help(path, param) if english else ""
            if vietnamese is None:
                rows.append(record)
                continue
            extras = _vi_extras(english, record[1])
            rows.append((record[0], f"{vietnamese}  {extras}" if vietnamese and extras else vietnamese or extras))
        return rows

    def format_arguments(self, ctx, formatter):  # click >= 8.5: arguments with help have a section
        if help_lang(ctx) != "vi":
            return super().format_arguments(ctx, formatter)
        if any(getattr(p, "help", None) for p in self.get_params(ctx) if isinstance(p, click.Argument)):
            with formatter.section(cli_help.CLICK["Positional arguments"]):
                formatter.write_dl(self._rows(ctx, arguments=True))

    def format_options(self, ctx, formatter):
        if help_lang(ctx) != "vi":
            return super().format_options(ctx, formatter)
        rows = self._rows(ctx, arguments=False)
        if rows:
            with formatter.section(cli_help.CLICK["Options"]):
                formatter.write_dl(rows)
        if isinstance(self, click.Group):
            self.format_commands(ctx, formatter)


class HelpCommand(Localized, click.Command):
    """A command whose help follows the reader's language."""


class HelpGroup(Localized, click.Group):
    """A group whose help, and whose children's, follow the reader's language."""

    command_class = HelpCommand
    group_class = type  # subgroups made with @group.group() are HelpGroups too

    def listed(self, ctx) -> list[tuple[str, Callable[[int], str]]]:
        """Each command the group lists, with what gives its English short help within a limit."""
        rows = []
        for name in self.list_commands(ctx):
            cmd = self.get_command(ctx, name)
            if cmd is not None and not cmd.hidden:
                rows.append((name, cmd.get_short_help_str))
        return rows

    def short_help_limit(self, formatter, names: list[str]) -> int:
        return formatter.width - 6 - max(map(len, names))  # click's: three times the default spacing

    def format_commands(self, ctx, formatter):
        listed = self.listed(ctx)
        if not listed:
            return
        limit = self.short_help_limit(formatter, [name for name, _short in listed])
        vi, path = help_lang(ctx) == "vi", command_path(ctx)
        rows = [(name, vi and vi_short(f"{path} {name}".strip()) or short(limit)) for name, short in listed]
        with formatter.section(cli_help.CLICK["Commands"] if vi else gettext("Commands")):
            formatter.write_dl(rows)
