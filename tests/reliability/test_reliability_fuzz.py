"""Bad input, fuzzed: hypothesis drives the CLI with arbitrary arguments, field values and dates.

The program never prints a traceback; a refused command exits non-zero with a one-line
reason (click's own usage errors: exit 2 with an "Error:" line) and leaves every table as it
was but access_log (and the sessions the actors were signed in with)."""

from __future__ import annotations

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
junk = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)
dates = st.one_of(st.dates().map(str), st.sampled_from(["2026-02-30", "2026-13-01", "tomorrow", "2099-01-01",
                                                         "2026-08-01", "1900-01-01"]), junk)
values = st.one_of(st.integers(-10**12, 10**13).map(str), dates, junk,
                   st.sampled_from(["0", "-5", "1.000.000", "1,5", "buyer_default", "postpone", "1e9"]))
sets = st.lists(st.builds(lambda f, v: f"{f}={v}", st.sampled_from(FIELDS), values) | junk, max_size=3)
actors = st.sampled_from(["cv_an", "cv_dung", "ld_binh", "ksv", "admin", "nobody", ""])


def dump(engine) -> dict:
    out = {}
    with engine.connect() as conn:
        for table in metadata.sorted_tables:
            if table.name not in ("access_log", "sessions"):  # the Cli helper signs the actor in first
                out[table.name] = sorted(map(repr, conn.execute(select(table)).all()))
    return out


def advance_args(draw):
    args = ["asset", "advance", draw(st.sampled_from(["1", "2", "999", "x", "-1", ""])),
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


@st.composite
def commands(draw):
    return draw(st.sampled_from([advance_args, seize_args, admin_args]))(draw)


@pytest.fixture
def fuzz_db(world, db_url, cli):
    from auction_flow.features.assets import service as assets

    for i in range(2):
        aid = assets.seize(world, "cv_an", f"{i}/2026", "HG-VT", "movable", "xe", on="2026-08-03")
        assets.advance(world, aid, "agree_price", "cv_an", "2026-08-04", ["price=100000000"])
    return db_url


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_cli_refuses_garbage_cleanly(fuzz_db, cli):
    engine = db.open_db(fuzz_db)
    tried = {"n": 0, "refused": 0}

    @settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
    @given(args=commands(), actor=actors)
    def run(args, actor):
        before = dump(engine)
        result = cli(*args, actor=actor or None)
        tried["n"] += 1
        assert "Traceback" not in result.output + result.stderr
        if result.exit_code == 0:
            return
        tried["refused"] += 1
        assert result.exit_code in (1, 2), (args, result.exit_code, result.output, result.stderr)
        lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
        if result.exit_code == 1:
            assert len(lines) == 1 and lines[0].startswith("error: "), (args, result.stderr)
            assert "internal error" not in lines[0], (args, lines[0])
        else:
            assert any(ln.startswith("Error:") for ln in lines), (args, result.stderr)
        assert dump(engine) == before, f"refused command changed the data: {args}"

    run()
    assert tried["refused"] > tried["n"] // 2


COLUMNS = ["case_number", "office", "kind", "description", "officer", "state", "seized_on", "priced_on", "price",
           "auction_contracted_on", "auction_org", "auction_date", "sold_on", "sale_price", "buyer", "paid_on"]
cells = st.one_of(junk, dates, values, st.sampled_from(["HG-VT", "cv_an", "movable", "real_estate", "seized",
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


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_import_refuses_garbage_files_cleanly(fuzz_db, cli, tmp_path):
    engine = db.open_db(fuzz_db)
    path = tmp_path / "fuzz.csv"
    tried = {"n": 0, "refused": 0}

    @settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
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
