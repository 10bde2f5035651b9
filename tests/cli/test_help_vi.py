"""The command line's help in Vietnamese: ``--lang vi`` anywhere on the line, or
AUCTION_FLOW_LANG=vi, shows every command's description, the short helps in command lists, every
option's help and click's own headings in Vietnamese; without them the help is English as before.

The walk over the click tree is what keeps it whole: a command or option added without its
Vietnamese (auction_flow/common/words/cli_help*.py, cli_options.py) fails here, and so does a
Vietnamese text left for a command or option that no longer exists, or one written for an English
text that has changed since (help_vi_translated.json records the English each was written from)."""

from __future__ import annotations

import inspect
import json
import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from auction_flow.common.words import cli_help, cli_options
from auction_flow.frontends.cli import help as localized
from cli import main


def _walk(group: click.Group, path=()):
    ctx = click.Context(group)
    for name in group.list_commands(ctx):  # through click's API: the root loads its groups lazily
        cmd = group.get_command(ctx, name)
        yield path + (name,), cmd
        if isinstance(cmd, click.Group):
            yield from _walk(cmd, path + (name,))


TREE = {" ".join(p): cmd for p, cmd in [((), main), *_walk(main)]}


def _params(cmd: click.Command) -> list[click.Parameter]:
    """Every parameter the help shows, click's --help among them."""
    return [p for p in cmd.get_params(click.Context(cmd)) if getattr(p, "help", None)]


def _help(*argv, env=None) -> str:
    r = CliRunner(env=env).invoke(main, list(argv), prog_name="auction-flow", catch_exceptions=False)
    assert r.exit_code == 0, r.output
    return r.output


def _flat(text: str) -> str:
    """Text without its whitespace: what a wrapped help still contains word for word."""
    return "".join(text.split())


def _first_paragraph(text: str) -> str:
    return text.partition("\n\n")[0]


def test_the_tree_is_walked():
    assert len(TREE) > 90 and {"", "asset", "asset advance", "doc template set", "audit verify"} <= set(TREE)


@pytest.mark.parametrize("path", sorted(TREE), ids=lambda p: p or "main")
def test_every_command_and_option_has_its_vietnamese(path):
    cmd = TREE[path]
    assert isinstance(cmd, localized.Localized), \
        f"{path!r} is a plain click {type(cmd).__name__}: declare it with cls=HelpCommand / HelpGroup"
    assert localized.vi_description(path), f"no Vietnamese help for {path!r} in common/words/cli_help*.py"
    missing = [localized.param_key(p) for p in _params(cmd) if localized.vi_param_help(path, p) is None]
    assert not missing, f"{path!r}: no Vietnamese help for {missing} in common/words/cli_options.py"


def test_no_vietnamese_text_is_left_for_what_does_not_exist():
    options = {f"{path} {localized.param_key(p)}".strip(): p.help for path, cmd in TREE.items() for p in _params(cmd)}
    assert set(localized.DESCRIPTIONS) - set(TREE) == set()
    assert set(cli_options.OPTIONS) - set(options) == set()
    shared_used = {key.rsplit(" ", 1)[-1] for key in options}
    assert set(cli_options.SHARED) - shared_used == set()


TRANSLATED = Path(__file__).with_name("help_vi_translated.json")


def _entry(path: str, param: click.Parameter) -> str:
    """The entry of the vocabulary that translates ``param``'s help: its own, else the shared one."""
    key = localized.param_key(param)
    own = f"{path} {key}".strip()
    return key if own not in cli_options.OPTIONS and key in cli_options.SHARED else own


def _english_by_entry() -> dict[str, set[str]]:
    texts: dict[str, set[str]] = {}
    for path, cmd in TREE.items():
        texts[path] = {inspect.cleandoc(cmd.help or "")}
        for p in _params(cmd):
            texts.setdefault(_entry(path, p), set()).add(p.help)
    return texts


def test_each_vietnamese_text_was_written_for_the_english_it_stands_for():
    """help_vi_translated.json records the English each Vietnamese text was written from. An
    English help changed since (or a shared entry such as ``--on`` now answering an option whose
    English says something else) fails here until its Vietnamese is looked at again."""
    recorded = json.loads(TRANSLATED.read_text(encoding="utf-8"))
    now = _english_by_entry()
    changed = {key: sorted(texts) for key, texts in now.items() if texts != {recorded.get(key)}}
    stale = sorted(set(recorded) - set(now))
    assert not changed and not stale, (
        "the English help of these changed, or is new, since its Vietnamese was written: check the Vietnamese "
        "(common/words/cli_help*.py, cli_options.py; an option of a shared name whose English differs needs its "
        f"own entry), then record the English in {TRANSLATED.name}:\n"
        + json.dumps({k: v[0] if len(v) == 1 else v for k, v in changed.items()}, ensure_ascii=False, indent=1)
        + (f"\nand remove {stale}" if stale else ""))


_TOKENS = re.compile(r"(?<![\w-])--[a-z][a-z0-9-]*|\bAUCTION_FLOW_[A-Z_]+")


def _examples(text: str, word: str) -> list[str]:
    """The examples of a help: what follows each ``Example:`` (``Ví dụ:``) to its paragraph's end."""
    return [" ".join(part.partition("\n\n")[0].split()) for part in text.split(word)[1:]]


@pytest.mark.parametrize("path", sorted(TREE), ids=lambda p: p or "main")
def test_the_vietnamese_names_the_same_options_variables_and_example(path):
    """What a reader types is the same in both languages: a Vietnamese text that lost an option,
    an environment variable or its example (or kept an old one) is out of date."""
    cmd = TREE[path]
    english, vietnamese = inspect.cleandoc(cmd.help or ""), localized.vi_description(path)
    assert set(_TOKENS.findall(vietnamese)) == set(_TOKENS.findall(english)), path
    assert _examples(vietnamese, "Ví dụ:") == _examples(english, "Example:"), path
    for p in _params(cmd):
        assert set(_TOKENS.findall(localized.vi_param_help(path, p))) == set(_TOKENS.findall(p.help)), \
            (path, localized.param_key(p))


def test_asset_advance_help_in_vietnamese():
    for argv in (["--lang", "vi", "asset", "advance", "--help"], ["asset", "advance", "--help", "--lang", "vi"],
                 ["asset", "advance", "--lang=vi", "--help"]):
        shown = _help(*argv)
        lines = shown.splitlines()
        assert lines[0] == "Cách dùng: auction-flow asset advance [TÙY CHỌN] ID TRIGGER"
        assert "  Thực hiện một thao tác trên tài sản; văn bản mà bước đó ban hành được đánh số" in shown
        assert _flat("Ví dụ: auction-flow --as cv_an asset advance 1 agree_price --set price=850000000") in _flat(shown)
        assert "Tùy chọn:" in lines
        assert any(re.fullmatch(r"  --set FIELD=VALUE +Một trường thông tin mà thao tác cần\.", l) for l in lines)
        assert any(re.fullmatch(r"  --on DATE +Ngày nghiệp vụ của bước \(mặc định: hôm nay\)\.", l) for l in lines)
        assert any(re.fullmatch(r"  --help +Hiện hướng dẫn này rồi thoát\.", l) for l in lines)
        for english in ("Usage:", "Options:", "Show this message", "Fire a trigger", "A field the trigger needs",
                        "Example:", "[OPTIONS]"):
            assert english not in shown, (argv, english)


def test_the_language_of_help_may_come_from_the_environment():
    shown = _help("asset", "advance", "--help", env={"AUCTION_FLOW_LANG": "vi"})
    assert shown.startswith("Cách dùng: auction-flow asset advance") and "Tùy chọn:" in shown
    assert _help("--lang", "en", "asset", "advance", "--help", env={"AUCTION_FLOW_LANG": "vi"}) == \
        _help("asset", "advance", "--help")


def test_english_help_is_unchanged_by_default():
    shown = _help("asset", "advance", "--help")
    lines = shown.splitlines()
    assert lines[0] == "Usage: auction-flow asset advance [OPTIONS] ID TRIGGER"
    assert "  Fire a trigger on an asset; the paper the step issues is numbered and stored" in lines
    assert "Options:" in lines
    assert any(re.fullmatch(r"  --set FIELD=VALUE +A field the trigger needs\.", l) for l in lines)
    assert any(re.fullmatch(r"  --help +Show this message and exit\.", l) for l in lines)
    assert "Cách dùng" not in shown and "Tùy chọn" not in shown and "Thực hiện" not in shown
    assert _help("--lang", "en", "asset", "advance", "--help") == shown


def test_click_words_after_an_option_in_vietnamese():
    seize = _help("--lang", "vi", "asset", "seize", "--help")
    assert re.search(r"--case TEXT +Số vụ việc thi hành án\.  \[bắt buộc\]", seize)
    assert "[required]" not in seize
    assert re.search(r"--limit INTEGER +Số kết quả tìm kiếm tối đa\.  \[mặc định: 50\]",
                     _help("--lang", "vi", "asset", "list", "--help"))


def test_the_root_lists_each_group_with_its_vietnamese_short_help():
    shown = _help("--lang", "vi", "--help")
    assert shown.startswith("Cách dùng: auction-flow [TÙY CHỌN] LỆNH [THAM SỐ]...")
    assert "Lệnh:" in shown.splitlines() and "Commands:" not in shown
    assert re.search(r"\n  asset +Tài sản kê biên: kê biên, chuyển bước, xem, liệt kê\.\n", shown)
    assert re.search(r"\n  --version +Hiện số phiên bản rồi thoát\.\n", shown)
    group = _help("--lang", "vi", "doc", "template", "--help")
    assert re.search(r"\n  set +Đưa một tệp DOCX vào áp dụng làm mẫu của một loại văn bản", group)


@pytest.mark.parametrize("path", sorted(TREE), ids=lambda p: p or "main")
def test_no_help_text_is_left_out(path):
    """Each command's help shows all its texts in the language asked, and none of the other's
    headings: the description's first paragraph, every option's help, every subcommand's short help."""
    cmd = TREE[path]
    argv = path.split() + ["--help"]
    vi, en = _flat(_help("--lang", "vi", *argv)), _flat(_help(*argv))
    assert _flat(_first_paragraph(localized.vi_description(path))) in vi
    assert _flat(_first_paragraph(inspect.cleandoc(cmd.help))) in en
    for p in _params(cmd):
        assert _flat(localized.vi_param_help(path, p)) in vi, (path, localized.param_key(p))
        assert _flat(p.help) in en, (path, localized.param_key(p))
    if isinstance(cmd, click.Group):
        for name in cmd.list_commands(click.Context(cmd)):
            assert _flat(localized.vi_short(f"{path} {name}".strip())) in vi, (path, name)
    for english in ("Usage:", "Options:", "Commands:", "Showthismessageandexit."):
        assert _flat(english) not in vi, (path, english)
    for vietnamese in (cli_help.CLICK["Usage:"], cli_help.CLICK["Options"] + ":", "Hiệnhướngdẫnnày"):
        assert _flat(vietnamese) not in en, (path, vietnamese)
