"""CLI start-up time: `auction-flow --help` and `asset show` against `python -c pass`.

Goal: well under half a second (imports are lazy: cli.py imports a service only inside the
command that needs it). Run: python bench/bench_startup.py [--runs N] [--json]
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import emit, result  # noqa: E402

BIN = Path(sys.executable).with_name("auction-flow")


PASSWORD = "bench-Pass-2026"


def timed(cmd, runs, env=None) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, env=env)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main():
    runs = int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv else 15
    base = timed([sys.executable, "-c", "pass"], runs)
    helptime = timed([str(BIN), "--help"], runs)
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "AUCTION_FLOW_DB": f"{tmp}/b.db", "AUCTION_FLOW_USER": "cv",
               "AUCTION_FLOW_CONFIG_DIR": f"{tmp}/config"}  # the sessions signed in below
        for cmd in (["init", "--admin", "admin", "--password-stdin"], ["login", "admin", "--password-stdin"],
                    ["--as", "admin", "office", "add", "O", "Office"],
                    ["--as", "admin", "user", "add", "cv", "--role", "officer", "--office", "O", "--password-stdin"],
                    ["login", "cv", "--password-stdin"],
                    ["asset", "seize", "--case", "1", "--office", "O", "--kind", "movable",
                     "--description", "x", "--on", "2026-08-03"]):
            subprocess.run([str(BIN)] + cmd, check=True, stdout=subprocess.DEVNULL, env=env, input=PASSWORD + "\n",
                           text=True)
        show = timed([str(BIN), "asset", "show", "1"], runs, env)
    emit([result("startup: python -c pass", base, "s"),
          result("startup: auction-flow --help", helptime, "s", base, helptime / base, "< 0.5 s"),
          result("startup: auction-flow asset show", show, "s", base, show / base, "< 0.5 s")])


if __name__ == "__main__":
    main()
