"""Shared helpers of the benchmark scripts: machine description and the result protocol.

Every bench script prints human-readable lines and, with --json, a last line
``RESULTS <json list>`` of {"name", "value", "unit", "baseline", "ratio", "goal", "note"}
that bench/run_all.py gathers into docs/performance.md.
"""

from __future__ import annotations

import json
import os
import platform
import sys


def machine() -> str:
    try:
        with open("/proc/cpuinfo") as fh:
            model = next((ln.split(":", 1)[1].strip() for ln in fh if ln.startswith("model name")), "?")
    except OSError:
        model = platform.processor() or "?"
    mem = ""
    try:
        with open("/proc/meminfo") as fh:
            kb = int(next(ln for ln in fh if ln.startswith("MemTotal")).split()[1])
            mem = f", {kb / 1024 / 1024:.0f} GiB"
    except (OSError, StopIteration):
        pass
    return f"{model}, {os.cpu_count()} cores{mem}, Python {platform.python_version()}, {platform.system()}"


def result(name, value, unit, baseline=None, ratio=None, goal=None, note=""):
    return {"name": name, "value": value, "unit": unit, "baseline": baseline, "ratio": ratio, "goal": goal,
            "note": note}


def emit(results: list[dict]):
    for r in results:
        ratio = f"  ratio {r['ratio']:.2f}" if r.get("ratio") is not None else ""
        base = f" (baseline {r['baseline']:.4g} {r['unit']})" if r.get("baseline") is not None else ""
        goal = f"  goal {r['goal']}" if r.get("goal") else ""
        print(f"{r['name']}: {r['value']:.4g} {r['unit']}{base}{ratio}{goal}")
    if "--json" in sys.argv:
        print("RESULTS " + json.dumps(results))
