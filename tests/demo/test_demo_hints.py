"""Every command the demo suggests works pasted as printed (issue 15, bug 2 and "from the demo to
the README"): the real `auction-flow demo` runs as a subprocess in a temporary home, and every
line of its "go on from here" block is then run exactly as printed, as a subprocess too.

The block is whatever the demo prints between its heading and the next blank line (the demo
keeps its hints in one list, auction_flow.demo.service.hints); an ``export NAME=VALUE`` line
sets the environment of the lines after it, as a shell would, and a line that asks for a password
(signing another demo user in) is typed the password the demo printed."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

from auction_flow.demo.service import PASSWORD  # the password every demo user has, as the demo prints it

EXE = Path(sys.executable).with_name("auction-flow")


def _env(home: Path) -> dict:
    keep = {k: v for k, v in os.environ.items() if not k.startswith("AUCTION_FLOW_")}
    return {**keep, "HOME": str(home), "XDG_DATA_HOME": str(home / "data"),
            "PATH": f"{EXE.parent}{os.pathsep}{keep.get('PATH', '')}"}


def _block(out: str, heading: str) -> list[str]:
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(heading))
    block = []
    for line in lines[start + 1:]:
        if not line.strip():
            break
        assert line.startswith("  "), line
        block.append(line.strip())
    return block


_DEMO_OUT: dict[str, str] = {}


def _run_hints(home: Path, lang: str) -> tuple[list[str], list[subprocess.CompletedProcess]]:
    env = _env(home)
    demo = subprocess.run([str(EXE), "demo", "--lang", lang], cwd=home, env=env, capture_output=True, text=True,
                          timeout=300, stdin=subprocess.DEVNULL)
    assert demo.returncode == 0, demo.stdout + demo.stderr
    heading = "Xem tiếp từ đây" if lang == "vi" else "Go on from here"
    _DEMO_OUT[lang] = demo.stdout
    hints = _block(demo.stdout, heading)
    assert len(hints) >= 5
    assert "auction-flow alerts list" not in demo.stdout.replace("--as ld_tinh alerts list", "")  # no bare hint
    done = []
    for line in hints:
        argv = shlex.split(line)
        if argv[0] == "export":
            key, _, value = argv[1].partition("=")
            env[key] = value
            continue
        r = subprocess.run(argv, cwd=home, env=env, capture_output=True, text=True, timeout=120,
                           input=PASSWORD + "\n")
        assert r.returncode == 0, (line, r.stdout, r.stderr)
        assert "Traceback" not in r.stderr and "error:" not in r.stderr, (line, r.stderr)
        done.append(r)
    return hints, done


def test_every_hint_the_demo_prints_works_as_printed(tmp_path):
    hints, done = _run_hints(tmp_path, "en")
    assert hints[0] == f"export AUCTION_FLOW_DB={tmp_path / 'data' / 'auction-flow' / 'demo.db'}"
    assert all(h.startswith(("export ", "auction-flow ")) for h in hints)
    assert all("--as " in h or " login " in h for h in hints[1:])  # each with one of the demo's own users
    assert f"Every demo user's password: {PASSWORD}" in _DEMO_OUT["en"]
    alerts_list = done[0]
    assert "escalated" in alerts_list.stdout
    # reads on the demo database are as of its day, and say so in one line
    assert all(r.stderr in ("", "(as of 2020-09-30, the demo's day)\n") for r in done
               if "login" not in r.args)  # (a password prompt writes to the terminal)
    assert alerts_list.stderr == "(as of 2020-09-30, the demo's day)\n"
    late = [int(n) for n in re.findall(r"(\d+) days late", alerts_list.stdout)]
    assert late and max(late) < 366  # the demo does not age: counted from 2020-09-30, not from today
    # nothing was written under the real default database
    assert sorted(p.name for p in (tmp_path / "data" / "auction-flow").iterdir()) == \
        sorted(p for p in ("demo.db", "demo.db-wal", "demo.db-shm") if (tmp_path / "data" / "auction-flow" / p).exists())


def test_the_vietnamese_demo_hints_work_too(tmp_path):
    hints, done = _run_hints(tmp_path, "vi")
    assert all("--lang vi" in h for h in hints[1:])
    assert done[0].stderr == "(tính đến ngày 2020-09-30, ngày của bản demo)\n"
    assert "báo lãnh đạo" in done[0].stdout and "escalated" not in done[0].stdout
