"""click's own usage errors in the reader's language: one line naming what was wrong and the help to
read, exit 2, nothing of click's English (its "Usage:", "Try ... --help" and "Error:" lines)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parents[2]
CASES = [  # (command line, Vietnamese, English)
    (["asset", "show", "--foo"], "không có tùy chọn --foo (có phải ý bạn là --now?); xem `auction-flow asset show --help`",
     "no such option --foo (did you mean --now?); see `auction-flow asset show --help`"),
    (["asset", "advance"], "thiếu đối số ID; xem `auction-flow asset advance --help`",
     "missing argument ID; see `auction-flow asset advance --help`"),
    (["asset", "sieze", "1"], "không có lệnh 'sieze' (có phải ý bạn là seize?); xem `auction-flow asset --help`",
     "no such command 'sieze' (did you mean seize?); see `auction-flow asset --help`"),
    (["asset", "show", "1", "2", "3"], "thừa đối số: 2 3; xem `auction-flow asset show --help`",
     "unexpected extra arguments: 2 3; see `auction-flow asset show --help`"),
    (["report", "summary", "--by", "province"],
     "--by: phải là một trong office, officer, auction-org, appraisal-org; xem `auction-flow report summary --help`",
     "--by: must be one of office, officer, auction-org, appraisal-org; see `auction-flow report summary --help`"),
    (["asset", "seize", "--case", "1"], "thiếu tùy chọn --office; xem `auction-flow asset seize --help`",
     "missing option --office; see `auction-flow asset seize --help`"),
    (["--bogus"], "không có tùy chọn --bogus; xem `auction-flow --help`", "no such option --bogus; see `auction-flow --help`"),
    # click's parser raises this one without its command: the command is named all the same
    (["asset", "list", "--as"], "tùy chọn --as cần một giá trị; xem `auction-flow asset list --help`",
     "option --as needs a value; see `auction-flow asset list --help`"),
    (["--as"], "tùy chọn --as cần một giá trị; xem `auction-flow --help`",
     "option --as needs a value; see `auction-flow --help`"),
]


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("args,vi,en", CASES, ids=lambda v: " ".join(v) if isinstance(v, list) else "")
def test_a_usage_error_is_one_line_in_the_readers_language(args, vi, en, lang, tmp_path):
    from cli import main

    result = CliRunner().invoke(main, args, prog_name="auction-flow", env={"AUCTION_FLOW_LANG": lang, "AUCTION_FLOW_DB": str(tmp_path / "x.db")},
                                catch_exceptions=False)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == ["error: " + (vi if lang == "vi" else en)]
    assert result.stdout == "" and not (tmp_path / "x.db").exists()


def test_lang_on_the_line_wins_and_a_group_without_a_command_still_shows_its_help(tmp_path):
    from cli import main

    said = CliRunner().invoke(main, ["asset", "show", "--foo", "--lang", "vi"], env={"AUCTION_FLOW_LANG": "en"})
    assert said.exit_code == 2 and said.stderr.startswith("error: không có tùy chọn --foo")
    helped = CliRunner().invoke(main, ["asset"])
    assert helped.exit_code == 2 and "seize" in helped.output and "error:" not in helped.output


def test_the_installed_command_says_it_on_stderr(tmp_path):
    """A real process, as typed: stderr holds the one line, stdout nothing."""
    exe = Path(sys.executable).parent / "auction-flow"
    command = [str(exe)] if exe.exists() else [sys.executable, str(ROOT / "cli.py")]
    run = subprocess.run(command + ["--lang", "vi", "asset", "advance", "7"], capture_output=True, text=True,
                         cwd=tmp_path, env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}, timeout=60)
    assert run.returncode == 2 and run.stdout == ""
    assert run.stderr == "error: thiếu đối số TRIGGER; xem `auction-flow asset advance --help`\n"
