"""Run every benchmark in one command and write docs/performance.md.

    python bench/run_all.py            # the sizes the issues name (takes a while)
    python bench/run_all.py --quick    # small sizes, to check the scripts still run

Each bench_*.py prints human lines and, given --json, a last line ``RESULTS [...]``
(see bench/common.py). Figures are ratios against a bare baseline measured in the same run.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from common import machine  # noqa: E402

QUICK_ARGS = {  # sizes for --quick; the scripts' own defaults are the issues' sizes
    "bench_transitions.py": ["--quick"], "bench_scan.py": ["--assets", "50000", "--due", "2000"],
    "bench_audit_verify.py": ["--rows", "50000"], "bench_import.py": ["--rows", "5000"],
    "bench_report.py": ["--rows", "50000"], "bench_startup.py": ["--runs", "5"],
    "bench_pg_concurrency.py": ["--transitions", "100"], "bench_search.py": ["--assets", "20000"],
    "bench_web.py": ["--requests", "300", "--seconds", "10"],
    "bench_national.py": ["--scale", "0.001", "--rounds", "1", "--steps", "20", "--name", "af_national_run_all",
                          "--drop"],
    "bench_engine_cpu.py": ["--steps", "300", "--rounds", "1"],
    "bench_open_risks.py": ["--history", "1000", "--open", "50", "--rounds", "1"],
}
# Sizes for the full run where a script's own default is beyond one run of the record: the national
# database at --scale 1 (5 M assets, 50 M audit rows) takes hours to build; its figures at larger
# scales are in docs/performance-notes.md ("A country on one PostgreSQL").
# bench_open_risks: 5,000 and 50,000 past cancellations on both databases (about two minutes);
# bench_engine_cpu's instruction counts (--callgrind) take minutes more: run by hand.
FULL_ARGS = {"bench_national.py": ["--scale", "0.01", "--name", "af_national_run_all", "--drop"],
             "bench_open_risks.py": ["--history", "5000", "--pg"]}


def main():
    quick = "--quick" in sys.argv
    rows, failures = [], []
    for script in sorted(HERE.glob("bench_*.py")):
        args = QUICK_ARGS.get(script.name, []) if quick else FULL_ARGS.get(script.name, [])
        print(f"== {script.name} {' '.join(args)}", flush=True)
        start = time.perf_counter()
        proc = subprocess.run([sys.executable, str(script), *args, "--json"], capture_output=True, text=True)
        took = time.perf_counter() - start
        print(proc.stdout.rstrip())
        if proc.returncode != 0:
            failures.append(script.name)
            print(proc.stderr[-3000:], file=sys.stderr)
            continue
        line = next((ln for ln in reversed(proc.stdout.splitlines()) if ln.startswith("RESULTS ")), None)
        if line is None:
            failures.append(f"{script.name} (no RESULTS line)")
            continue
        for r in json.loads(line[len("RESULTS "):]):
            rows.append((script.name, r, took))
    write(rows, failures, quick)
    if failures:
        sys.exit(f"failed: {', '.join(failures)}")


def fmt(value):
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.3g}" if abs(value) < 1000 else f"{value:,.0f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def write(rows, failures, quick):
    out = HERE.parent / "docs" / "performance.md"
    lines = ["# Performance record", "",
             f"Written by `python bench/run_all.py{' --quick' if quick else ''}` on "
             f"{dt.datetime.now().strftime('%Y-%m-%d %H:%M')} UTC, on: {machine()}.",
             "", "Each figure is measured against a bare baseline in the same run (ratio = ours / baseline "
             "for times, ours / baseline for throughputs as stated by each script); absolute numbers "
             "are for this machine only. The machines are shared: compare ratios, not seconds.", "",
             "| script | figure | value | unit | baseline | ratio | goal | note |",
             "|---|---|---|---|---|---|---|---|"]
    for script, r, _ in rows:
        lines.append(f"| {script} | {r['name']} | {fmt(r['value'])} | {r['unit']} | {fmt(r.get('baseline'))} | "
                     f"{fmt(r.get('ratio'))} | {r.get('goal') or '-'} | {r.get('note') or ''} |")
    if failures:
        lines += ["", "Scripts that failed in this run: " + ", ".join(failures)]
    notes = HERE.parent / "docs" / "performance-notes.md"
    if notes.exists():
        lines += ["", notes.read_text().strip()]
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
