"""Bad input, fuzzed: hypothesis drives the CLI with arbitrary arguments, field values and dates,
on SQLite and on PostgreSQL.

The program never prints a traceback nor an "internal error"; a refused command exits 1 with a
one-line reason, a malformed one 2 (our one line "error: ...", click's own usage errors included,
said by auction_flow.frontends.cli.usage), and leaves every table as it was but access_log and the chained audit rows that carry
its refusals (and the sessions the actors were signed in with). The strategies reach the classes of issue 12: long texts and bytes that
are not UTF-8 (as click hands them on: surrogate escapes), NUL bytes, integers beyond BIGINT,
dates at the edges of the calendar and not written YYYY-MM-DD, digits other than 0-9, and every
command that takes --now, --year or --output. AUCTION_FLOW_FUZZ_EXAMPLES sizes the runs
(default 200 command lines, 100 files per database)."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from auction_flow.storage import db
from auction_flow.storage.schema import metadata

pytestmark = pytest.mark.reliability

TRIGGERS = ["agree_price", "contract_appraisal", "record_appraisal", "contract_auction", "record_sale",
            "record_payment", "cancel_result", "hand_over", "suspend", "resume", "reduce_price", "redeem",
            "release", "extend_payment", "extend_handover", "no_such_trigger", ""]
FIELDS = ["price", "sale_price", "buyer", "auction_org", "auction_date", "ground", "kind", "until",
          "appraisal_org", "bogus", ""]
EXAMPLES = int(os.environ.get("AUCTION_FLOW_FUZZ_EXAMPLES", "200"))
short = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)
not_utf8 = st.binary(min_size=1, max_size=8).map(lambda b: b.decode("utf-8", "surrogateescape"))
junk = st.one_of(short, short, not_utf8, st.text(max_size=300).filter(lambda t: len(t) > 60),
                 st.sampled_from(["a\x00b", "C" * 65, "O" * 40, "u" * 65, "٣", "５００", "\udcff"]))
dates = st.one_of(st.dates().map(str), st.sampled_from(
    ["2026-02-30", "2026-13-01", "tomorrow", "2099-01-01", "2026-08-01", "1900-01-01", "0001-01-01", "9999-12-31",
     "1999-12-31", "2000-01-01", "2099-12-31", "2100-01-01", "2026-W48-4", "20261126", "２０２６-08-01"]), junk)
values = st.one_of(st.integers(-10**12, 10**13).map(str), st.integers(-10**25, 10**25).map(str), dates, junk,
                   st.sampled_from(["0", "-5", "1.000.000", "1,5", "buyer_default", "postpone", "1e9",
                                    "9223372036854775807", "9223372036854775808"]))
years = st.one_of(st.integers(-20, 12000).map(str), st.sampled_from(["2020", "2026", "27", "２０２７"]), junk)
ids = st.one_of(st.sampled_from(["1", "2", "999", "x", "-1", "", "٣", "99999999999999999999999"]), junk)
sets = st.lists(st.builds(lambda f, v: f"{f}={v}", st.sampled_from(FIELDS), values) | junk, max_size=3)
actors = st.sampled_from(["cv_an", "cv_dung", "ld_binh", "ksv", "admin", "nobody", "", "cv_\udcff", "u" * 65])


def dump(engine) -> dict:
    """Every table but the refusals: access_log, the chained audit rows that carry them
    (``access_denied``) and the heads they move (the legacy head and each chain's), and the
    sessions (the Cli helper signs the actor in first)."""
    out = {}
    with engine.connect() as conn:
        for table in metadata.sorted_tables:
            if table.name not in ("access_log", "sessions", "audit_head", "audit_heads"):
                q = select(table)
                if table.name == "audit_log":
                    q = q.where(table.c.event != "access_denied")
                out[table.name] = sorted(map(repr, conn.execute(q).all()))
    return out


def advance_args(draw):
    args = ["asset", "advance", draw(ids),
            draw(st.sampled_from(TRIGGERS) | junk)]
    for s in draw(sets):
        args += ["--set", s]
    if draw(st.booleans()):
        args += ["--on", draw(dates)]
    if draw(st.booleans()):
        args += ["--reason", draw(junk)]
    return args


def seize_args(draw):
    args = ["asset", "seize"]
    for opt, strat in [("--case", junk), ("--office", st.sampled_from(["HG-VT", "HG-NB", "XX", ""])),
                       ("--kind", st.sampled_from(["movable", "real_estate", "boat"])), ("--description", junk),
                       ("--on", dates), ("--officer", actors)]:
        if draw(st.integers(0, 5)):
            args += [opt, draw(strat)]
    return args


def admin_args(draw):
    return draw(st.sampled_from([
        ["office", "add", draw(junk), draw(junk)] + (["--parent", draw(junk)] if draw(st.booleans()) else []),
        ["user", "add", draw(junk), "--role", draw(st.sampled_from(["officer", "boss", "admin"])),
         "--office", draw(st.sampled_from(["HG", "ZZ", ""]))],
        ["holiday", "add", draw(dates), draw(junk)],
        ["asset", "show", draw(st.sampled_from(["1", "abc", "99999"]))],
    ]))


def day_args(draw):
    """Every command that takes --now, --year or --output, with one of those (or two) drawn."""
    out = draw(st.one_of(st.sampled_from(["{tmp}/r.csv", "{tmp}/r.xlsx", "/nonexistent/x.csv", "/dev/full",
                                          "{tmp}/c.svg", "{tmp}/c.pdf"]), junk))
    cmd = draw(st.sampled_from([
        ["asset", "list"], ["asset", "show", draw(ids)], ["asset", "history", draw(ids)], ["alerts", "scan"],
        ["alerts", "list"], ["alerts", "show", draw(ids)], ["complaint", "list"], ["audit", "signals"],
        ["report", "summary"], ["report", "stages"], ["holiday", "list"], ["alerts", "digest"]]))
    if cmd[0] == "holiday" or (cmd[0] == "report" and draw(st.booleans())):
        cmd += ["--year", draw(years)]
    elif cmd[0] != "holiday":
        cmd += ["--now", draw(dates)]
    if cmd[:2] == ["report", "summary"] and draw(st.booleans()):
        cmd += ["--format", draw(st.sampled_from(["csv", "xlsx", "json", "table"])), "--output", out]
    if cmd[:2] == ["report", "stages"] and draw(st.booleans()):
        cmd += ["--chart", out]
    return cmd


@st.composite
def commands(draw):
    return draw(st.sampled_from([advance_args, seize_args, admin_args, day_args]))(draw)


@pytest.fixture
def fuzz_db(world, db_url, cli):
    from auction_flow.features.assets import service as assets

    for i in range(2):
        aid = assets.seize(world, "cv_an", f"{i}/2026", "HG-VT", "movable", "xe", on="2026-08-03")
        assets.advance(world, aid, "agree_price", "cv_an", "2026-08-04", ["price=100000000"])
    return db_url


def test_cli_refuses_garbage_cleanly(fuzz_db, cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # an --output drawn as a bare name is written here, not into the checkout
    engine = db.open_db(fuzz_db)
    tried = {"n": 0, "refused": 0}

    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
    @given(args=commands(), actor=actors)
    def run(args, actor):
        args = [a.replace("{tmp}", str(tmp_path)) for a in args]
        before = dump(engine)
        result = cli(*args, actor=actor or None)
        tried["n"] += 1
        assert "Traceback" not in result.output + result.stderr
        if result.exit_code == 0:
            return
        tried["refused"] += 1
        assert result.exit_code in (1, 2), (args, result.exit_code, result.output, result.stderr)
        lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
        if lines and lines[0].startswith("error: "):  # ours: one line, whatever the exit code
            assert len(lines) == 1, (args, result.stderr)
            assert "internal error" not in lines[0] and "could not be used" not in lines[0], (args, lines[0])
        else:  # a group given no command prints its help (click's no_args_is_help)
            assert result.exit_code == 2 and lines and lines[0].startswith("Usage:"), (args, result.stderr)
        assert dump(engine) == before, f"refused command changed the data: {args}"

    run()
    assert tried["refused"] > tried["n"] // 2


COLUMNS = ["case_number", "office", "kind", "description", "officer", "state", "seized_on", "priced_on", "price",
           "auction_contracted_on", "auction_org", "auction_date", "sold_on", "sale_price", "buyer", "deposit",
           "paid_on"]
cells = st.one_of(junk, dates, values, st.just("x" * 131_073), st.sampled_from(["HG-VT", "cv_an", "movable", "real_estate", "seized",
                                                        "priced", "sold", "paid", "2026-08-03", "100000000"]))


@st.composite
def csv_files(draw) -> bytes:
    import csv
    import io

    header = draw(st.one_of(st.just(COLUMNS), st.permutations(COLUMNS),
                            st.lists(st.sampled_from(COLUMNS + ["bogus"]), max_size=8)))
    rows = draw(st.lists(st.lists(cells, min_size=len(header), max_size=len(header) + 1), max_size=4))
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(header)
    writer.writerows(rows)
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1258", "latin-1"]))
    return buf.getvalue().encode(encoding, errors="replace")


def test_import_refuses_garbage_files_cleanly(fuzz_db, cli, tmp_path):
    engine = db.open_db(fuzz_db)
    path = tmp_path / "fuzz.csv"
    tried = {"n": 0, "refused": 0}

    @settings(max_examples=EXAMPLES // 2, deadline=None, suppress_health_check=list(HealthCheck))
    @given(data=csv_files(), dry=st.booleans())
    def run(data, dry):
        path.write_bytes(data)
        before = dump(engine)
        result = cli("import", "assets", str(path), *(["--dry-run"] if dry else []), actor="admin")
        tried["n"] += 1
        assert "Traceback" not in result.output + result.stderr
        if result.exit_code == 0:
            return
        tried["refused"] += 1
        assert result.exit_code == 1, (result.exit_code, result.stderr)
        lines = result.stderr.splitlines()
        # one line gives the reason; an import also lists every bad row under it, indented
        assert lines[0].startswith("error: ") and "internal error" not in lines[0], result.stderr
        assert all(ln.startswith("  ") for ln in lines[1:]), result.stderr
        assert dump(engine) == before, "a refused import changed the data"

    run()
    assert tried["refused"] > tried["n"] // 2
