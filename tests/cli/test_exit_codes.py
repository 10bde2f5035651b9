"""Exit codes everywhere (issue 15, bug 8; issue 12): a malformed command line exits 2 with one
line saying what was wrong, before any database is opened; a refusal exits 1.

The test walks every command of the tree and, for each of its typed parameters, gives one
malformed value of that type (everything else well formed) against a database that does not
exist: a value that slipped through would reach the database and exit 1 ("there is no database")
or run, so only a refusal of the value itself passes. Every command also gets bytes that are not
UTF-8 (as a shell passes them: click hands them on as surrogate escapes)."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from cli import main


def _walk(group: click.Group, path=()):
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        cmd = group.get_command(ctx, name)
        if isinstance(cmd, click.Group):
            yield from _walk(cmd, path + (name,))
        else:
            yield path + (name,), cmd


LEAVES = list(_walk(main))
COMMON = {"lang", "actor", "db", "as_json", "help"}

# Parameters by what they take (read from the tree itself: names and metavars), a well-formed
# value of each (to fill the required ones) and malformed values (each must exit 2).
GOOD = {"id": "1", "date": "2026-01-05", "year": "2026", "count": "1", "minutes": "1", "set": "price=1"}
BAD = {"id": ["abc", "٣", "1.5", "0x1"],
       "date": ["2026-W48-4", "20261126", "2026-02-30", "0001-01-01", "9999-12-31", "２０２６-01-05"],
       "year": ["27", "0", "-5", "10000", "２０２７"],
       "count": ["abc", "５", "1e3", "99999999999999999999999"],
       "minutes": ["abc", "0"],
       "set": ["price", "=5"],
       "choice": ["no-such-choice"]}
COUNTS = {"limit", "expect_version", "to_version", "seed", "digest_hour", "smtp_port", "port"}


def _kind(param) -> str | None:
    if isinstance(param.type, click.Choice):
        return "choice"
    if param.metavar in ("ID", "PARTY_ID", "ASSET_ID", "DOC_ID", "ATTACHMENT_ID") or param.name in ("asset_ids",):
        return "id"
    if param.metavar == "DATE":
        return "date"
    if param.metavar == "FIELD=VALUE":
        return "set"
    if param.name == "year":
        return "year"
    if param.name in COUNTS:
        return "count"
    if param.name == "interval":
        return "minutes"
    return None


def _good(param) -> str:
    if isinstance(param.type, click.Choice):
        return str(param.type.choices[0])
    return GOOD.get(_kind(param), "x")


def _line(path, cmd, bad_param=None, bad_value=None) -> list[str]:
    argv = list(path)
    for p in cmd.params:
        if p.name in COMMON or getattr(p, "is_flag", False):
            continue
        if p is bad_param:
            value = bad_value
        elif p.required:
            value = _good(p)
        else:
            continue
        argv += [value] if isinstance(p, click.Argument) else [max(p.opts, key=len), value]
    return argv


CASES = [(path, cmd, p, value) for path, cmd in LEAVES for p in cmd.params
         if p.name not in COMMON and not getattr(p, "is_flag", False) for value in BAD.get(_kind(p), [])]


def test_every_typed_parameter_of_the_tree_is_covered():
    typed = {(" ".join(path), p.name) for path, cmd, p, _ in CASES}
    assert ("asset advance", "asset_id") in typed and ("report summary", "year") in typed
    assert ("alerts scan", "now") in typed and ("asset advance", "sets") in typed
    untyped = [(" ".join(path), p.name) for path, cmd in LEAVES for p in cmd.params
               if p.name not in COMMON and isinstance(p.type, (click.types.IntParamType, click.types.FloatParamType))]
    assert not untyped, f"numbers read by click's own INT/FLOAT accept other digits: {untyped}"


@pytest.mark.parametrize("path,cmd,param,value", CASES,
                         ids=[f"{' '.join(c[0])}:{c[2].name}={c[3]}" for c in CASES])
def test_a_malformed_value_exits_2_before_the_database(tmp_path, path, cmd, param, value):
    missing = tmp_path / "no.db"
    r = CliRunner().invoke(main, ["--db", str(missing), "--as", "ld_tinh"] + _line(path, cmd, param, value))
    assert r.exit_code == 2, (r.exit_code, r.output)
    assert "Traceback" not in r.output and r.exception is None or isinstance(r.exception, SystemExit)
    assert not missing.exists()
    if not isinstance(param.type, click.Choice):  # ours: one line in the reader's language
        assert r.stderr.startswith("error: ") and r.stderr.count("\n") == 1, r.stderr


@pytest.mark.parametrize("path,cmd", LEAVES, ids=[" ".join(p) for p, _ in LEAVES])
def test_bytes_that_are_not_utf8_exit_2_on_every_command(tmp_path, path, cmd):
    missing = tmp_path / "no.db"
    r = CliRunner().invoke(main, ["--db", str(missing), "--as", "cv_\udcff\udcfe"] + _line(path, cmd))
    assert r.exit_code == 2, (r.exit_code, r.output)
    assert r.stderr == "error: the command line holds bytes that are not UTF-8 text in argument 4 " \
                       "(cv_\\xff\\xfe); type it again in UTF-8\n"
    assert not missing.exists()
