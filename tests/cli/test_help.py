"""Every command has help with an example, and the README's commands work as written."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from cli import main

README = Path(__file__).resolve().parents[2] / "README.md"


def _walk(group: click.Group, path=()):
    ctx = click.Context(group)
    for name in group.list_commands(ctx):  # through click's API: the root loads its groups lazily
        cmd = group.get_command(ctx, name)
        yield path + (name,), cmd
        if isinstance(cmd, click.Group):
            yield from _walk(cmd, path + (name,))


COMMANDS = list(_walk(main))


def test_the_tree_has_the_issue_commands():
    names = {" ".join(p) for p, _ in COMMANDS}
    assert {"init", "db upgrade", "db where", "office add", "office list", "user add", "user list",
            "asset seize", "asset advance", "asset show", "asset list", "holiday add", "holiday workday",
            "holiday list", "workflow validate", "workflow show", "workflow diagram", "demo"} <= names


@pytest.mark.parametrize("path", [p for p, _ in COMMANDS] + [()], ids=lambda p: " ".join(p) or "main")
def test_every_command_has_help(path):
    r = CliRunner().invoke(main, list(path) + ["--help"], catch_exceptions=False)
    assert r.exit_code == 0
    cmd = main
    for name in path:
        cmd = cmd.get_command(click.Context(cmd), name)
    assert (cmd.help or "").strip(), f"{' '.join(path)} has no help text"
    assert "Usage:" in r.stdout
    if not isinstance(cmd, click.Group) or not path:
        assert "Example:" in (cmd.help or ""), f"{' '.join(path)}: help has no example"
        assert "Example:" in r.stdout


def test_read_commands_have_json():
    for path, cmd in COMMANDS:
        if path[-1] in ("list", "show") and not isinstance(cmd, click.Group):
            assert any(p.name == "as_json" for p in cmd.params), " ".join(path)


def _code_blocks(section: str) -> list[str]:
    text = README.read_text(encoding="utf-8")
    part = text.split(section, 1)[1]
    part = re.split(r"\n## ", part, maxsplit=1)[0]
    return [line.strip() for line in part.splitlines() if line.startswith("    ") and line.strip()]


def test_readme_starts_with_the_install_and_test_commands():
    lines = [l.strip() for l in README.read_text(encoding="utf-8").splitlines()[:20] if l.startswith("    ")]
    assert len(lines) >= 2
    demo, tests = lines[0], lines[1]
    assert "pip install -e ." in demo and demo.endswith("auction-flow demo")
    assert "python3 -m venv" in demo and "python3 -m venv" in tests
    assert "'.[test]'" in tests and "pytest" in tests


def test_readme_first_session_runs(tmp_path, monkeypatch):
    commands = _code_blocks("## A first session")
    assert commands and commands[0].startswith("export AUCTION_FLOW_DB=")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("AUCTION_FLOW_USER", raising=False)
    env = {}
    ran = 0
    monkeypatch.setenv("AUCTION_FLOW_CONFIG_DIR", str(tmp_path / "config"))  # the sessions it signs in
    for line in commands:
        argv, stdin = shlex.split(line), None
        if argv[0] == "export":
            key, _, value = argv[1].partition("=")
            env[key] = value
            continue
        if argv[0] == "echo":  # echo 'SECRET' | auction-flow ... --password-stdin
            assert argv[2] == "|", line
            stdin, argv = argv[1] + "\n", argv[3:]
        assert argv[0] == "auction-flow", line
        r = CliRunner(env=env).invoke(main, argv[1:], input=stdin, catch_exceptions=False)
        assert r.exit_code == 0, (line, r.output)
        ran += 1
    assert ran >= 5
    assert (tmp_path / "office.db").exists()
    from auction_flow.storage import db
    db.get_engine(f"sqlite:///{tmp_path / 'office.db'}").dispose()
