"""Issue 15: what a new user tripped on in the first hour, one test per bug and friction item
(the demo's printed hints are run in tests/demo/test_demo_hints.py; seizure output and duplicate
seizures in tests/cli/test_cli_errors.py; malformed arguments of every command in
tests/cli/test_exit_codes.py)."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import Cli, lines

from auction_flow.features.assets import service as svc

ROOT = Path(__file__).resolve().parents[2]


def _run(*args, env=None, input=None):
    from cli import main

    return CliRunner(env=env).invoke(main, [str(a) for a in args], input=input, catch_exceptions=False)


def _seized(world, case="12/2026", on="2026-03-02", description="Xe ô tô", office="HG-VT"):
    return svc.seize(world, "cv_dung" if office == "HG-NB" else "cv_an", case, office, "movable", description, on=on)


# --- bug 1: reading never creates a database ----------------------------------------------

def test_reading_never_creates_a_database(tmp_path, monkeypatch):
    missing = tmp_path / "x" / "nope.db"
    for args in (["asset", "list"], ["alerts", "list"], ["report", "summary"], ["office", "list"]):
        r = _run("--db", missing, "--as", "cv_an", *args)
        assert r.exit_code == 1, r.output
        assert r.stderr.startswith(f"error: there is no database at {missing}") and "init --admin" in r.stderr
        assert r.stderr.count("\n") == 1
    assert not missing.exists() and not missing.parent.exists()
    here = tmp_path / "here.db"
    assert _run("--db", here, "--as", "cv_an", "asset", "list").exit_code == 1 and not here.exists()
    # the default database, under the user data directory: neither it nor its folder appears
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert _run("--as", "cv_an", "asset", "list").exit_code == 1
    assert _run("db", "where").exit_code == 0
    assert not (tmp_path / "data").exists()
    # init, db upgrade and demo may create one (init here, on the default path)
    r = _run("init", "--admin", "admin", "--password-stdin", input="quan-tri-Hau-Giang-2026\n")
    assert r.exit_code == 0, r.output
    assert (tmp_path / "data" / "auction-flow" / "auction-flow.db").is_file()
    assert _run("--db", tmp_path / "y" / "up.db", "db", "upgrade").exit_code == 0
    assert (tmp_path / "y" / "up.db").is_file()


# --- bug 3: a year is four digits within the calendar's years -----------------------------

@pytest.mark.parametrize("year", ["27", "0", "-5", "10000", "1999", "2100", "２０２７", "20 27"])
def test_a_year_outside_the_calendar_is_a_usage_error(tmp_path, year):
    r = _run("--db", tmp_path / "none.db", "--as", "ld_tinh", "report", "summary", "--year", year)
    assert r.exit_code == 2, (year, r.output)
    assert "--year" in r.stderr and (("2000" in r.stderr and "2099" in r.stderr) or "0-9" in r.stderr), r.stderr


def test_a_year_inside_is_read(world, cli):
    r = cli("report", "summary", "--year", "2027", "--json", actor="ld_tinh")
    assert r.exit_code == 0 and json.loads(r.stdout)["from"] == "2026-10-01"


# --- bug 4: an alert is acknowledged once --------------------------------------------------

def test_a_second_acknowledgement_is_refused_with_who_and_when(world, cli):
    _seized(world)
    assert cli("alerts", "scan", "--now", "2026-03-20").exit_code == 0
    [alert] = json.loads(cli("alerts", "list", "--json", actor="cv_an").stdout)
    assert cli("alerts", "ack", alert["id"], "--reason", "đang liên hệ", actor="cv_an").exit_code == 0
    r = cli("alerts", "ack", alert["id"], "--reason", "ghi đè", actor="ld_binh")
    assert r.exit_code == 1 and r.stderr.count("\n") == 1
    assert "already acknowledged by cv_an at 2026-" in r.stderr and "đang liên hệ" in r.stderr
    shown = json.loads(cli("alerts", "show", alert["id"], "--json", actor="cv_an").stdout)
    assert (shown["handled_by"], shown["handled_reason"]) == ("cv_an", "đang liên hệ")  # not overwritten
    # once resolved (the asset moved on), an ack says when, and who acknowledged it
    svc.advance(world, alert["asset_id"], "agree_price", "cv_an", "2026-03-21", ["price=100000000"])
    cli("alerts", "scan", "--now", "2026-03-22")
    r = cli("alerts", "ack", alert["id"], "--reason", "x", actor="cv_an")
    assert r.exit_code == 1 and "resolved (the asset moved on) on 2026-03-22" in r.stderr
    assert "cv_an acknowledged it at 2026-" in r.stderr


# --- bug 5: every shipped definition validates ---------------------------------------------

@pytest.mark.parametrize("path", sorted((ROOT / "workflows").glob("*.yaml")), ids=lambda p: p.name)
def test_every_shipped_definition_validates(path):
    r = _run("workflow", "validate", f"workflows/{path.name}")
    assert r.exit_code == 0, r.output
    assert r.stdout.startswith(f"workflows/{path.name}: valid (")


def test_a_broken_complaint_clocks_file_names_the_entry(tmp_path):
    bad = tmp_path / "complaints.yaml"
    bad.write_text((ROOT / "workflows" / "complaints.yaml").read_text().replace("days: 15", "days: -1"))
    r = _run("workflow", "validate", bad)
    assert r.exit_code == 1 and "resolution.complaint.first.days" in r.stderr


# --- bug 6: a day that does not exist ------------------------------------------------------

def test_a_day_that_does_not_exist_is_named_so(world, cli):
    aid = _seized(world)
    for day, words in (("2026-02-30", "2026-02 has 28 days"), ("2026-04-31", "2026-04 has 30 days"),
                       ("2026-13-01", "there is no month 13")):
        r = cli("asset", "advance", aid, "agree_price", "--set", "price=5", "--on", day, actor="cv_an")
        assert r.exit_code == 2 and f"{day} is not a day of the calendar: {words}" in r.stderr, r.stderr
    r = cli("--lang", "vi", "asset", "advance", aid, "agree_price", "--on", "2026-02-30", actor="cv_an")
    assert "không phải là ngày có thật: tháng 2026-02 chỉ có 28 ngày" in r.stderr


# --- bug 7: every history line says what happened ------------------------------------------

def test_an_escalation_says_to_which_level_and_how_late(world, cli):
    _seized(world)  # deadline 2026-03-09
    cli("alerts", "scan", "--now", "2026-03-12")
    cli("alerts", "scan", "--now", "2026-04-30")
    [alert] = json.loads(cli("alerts", "list", "--json", actor="ld_binh").stdout)
    assert alert["level"] == "escalated"
    cli("alerts", "ack", alert["id"], "--reason", "đã nhắc", actor="ld_binh")
    shown = lines(cli("alerts", "show", alert["id"], actor="ld_binh"))
    assert "  2026-04-30 escalated to escalated (52 days late) by scheduler" in shown
    assert any(x.startswith("  2026-") and x.endswith(" acknowledged by ld_binh: đã nhắc") for x in shown)
    assert not [x for x in shown if x.rstrip().endswith(":")]
    vi = lines(cli("--lang", "vi", "alerts", "show", alert["id"], actor="ld_binh"))
    assert "  2026-04-30 tăng lên mức báo lãnh đạo đơn vị (trễ 52 ngày), do scheduler" in vi


# --- bug 8: malformed command lines exit 2 -------------------------------------------------

def test_the_issues_malformed_lines_exit_2(world, cli):
    aid = _seized(world)
    for args in (["asset", "advance", aid, "contract_auction", "--set", "auction_org"],
                 ["asset", "advance", "abc", "agree_price"],
                 ["report", "summary", "--format", "xlsx"]):
        r = cli(*args, actor="ld_binh")
        assert r.exit_code == 2, (args, r.output)
        assert r.stderr.startswith("error: ") and r.stderr.count("\n") == 1, r.stderr


# --- the demo ages: --now, and a demo database's own day -----------------------------------

READS = [["asset", "list"], ["asset", "show", "1"], ["asset", "history", "1"], ["alerts", "list"],
         ["alerts", "show", "1"], ["report", "summary"], ["report", "stages"], ["audit", "signals"],
         ["complaint", "list"]]


def test_every_read_that_depends_on_the_day_takes_now(world, cli):
    _seized(world)  # deadline 2026-03-09
    cli("alerts", "scan", "--now", "2026-03-12")
    for args in READS:
        r = cli(*args, "--now", "2026-03-12", "--json", actor="ld_tinh")
        assert r.exit_code == 0, (args, r.output)
    [row] = json.loads(cli("asset", "list", "--now", "2026-03-12", "--json", actor="ld_tinh").stdout)
    assert row["days_left"] == -3
    assert json.loads(cli("asset", "show", "1", "--now", "2026-03-05", "--json", actor="ld_tinh").stdout)[
        "days_left"] == 4
    assert json.loads(cli("alerts", "list", "--now", "2026-03-20", "--json", actor="ld_tinh").stdout)[0][
        "days_late"] == 11
    summary = json.loads(cli("report", "summary", "--now", "2020-09-30", "--json", actor="ld_tinh").stdout)
    assert (summary["from"], summary["to"]) == ("2019-10-01", "2020-09-30")


def test_a_demo_database_reads_as_of_its_day_and_says_so(world, cli):
    _seized(world, on="2020-09-01")  # deadline 2020-09-09
    cli("alerts", "scan", "--now", "2020-09-30")
    from auction_flow.core.reading_day import record_demo_day  # (issue 15: not on main before it)

    record_demo_day(world, __import__("datetime").date(2020, 9, 30))
    r = cli("asset", "list", "--json", actor="ld_tinh")
    assert json.loads(r.stdout)[0]["days_left"] == -21
    assert r.stderr == "(as of 2020-09-30, the demo's day)\n"
    for args in READS:
        r = cli(*args, actor="ld_tinh")
        assert r.exit_code == 0, (args, r.output)
        assert r.stderr == "(as of 2020-09-30, the demo's day)\n", args
    assert "21 days late" in cli("asset", "show", "1", actor="ld_tinh").stdout
    r = cli("asset", "list", "--now", "2020-09-10", "--json", actor="ld_tinh")
    assert r.stderr == "" and json.loads(r.stdout)[0]["days_left"] == -1
    assert cli("--lang", "vi", "alerts", "list", actor="ld_tinh").stderr == \
        "(tính đến ngày 2020-09-30, ngày của bản demo)\n"


# --- half-Vietnamese ------------------------------------------------------------------------

CODES = re.compile(r"\b(seized|priced|overdue|escalated|escalated_province|stalled|handover|open|acknowledged|"
                   r"agree_price|asset_created|supervisor|officer|received|running)\b")


def test_with_lang_vi_table_cells_show_labels(world, cli):
    aid = _seized(world)
    svc.advance(world, aid, "agree_price", "cv_an", "2026-03-04", ["price=100000000"])
    cli("alerts", "scan", "--now", "2026-04-30")
    from auction_flow.features.complaints import service as comp
    comp.add(world, "cv_an", aid, "complaint", "2026-03-05", "Lê C", "giá thấp")
    for args in (["asset", "list"], ["asset", "show", aid], ["asset", "history", aid], ["alerts", "list"],
                 ["alerts", "show", "1"], ["audit", "log"], ["user", "list"], ["complaint", "list"]):
        out = cli("--lang", "vi", *args, "--now", "2026-04-30", actor="ld_tinh") if args[0] != "user" and \
            args[:2] not in (["audit", "log"],) else cli("--lang", "vi", *args, actor="ld_tinh")
        assert out.exit_code == 0, (args, out.output)
        body = "\n".join(x for x in out.stdout.splitlines() if "Thao tác được phép" not in x)
        assert not CODES.findall(body), (args, CODES.findall(body), out.stdout)
    assert "Đã xác định giá" in cli("--lang", "vi", "asset", "list", actor="ld_tinh").stdout
    # codes stay in --json
    assert json.loads(cli("--lang", "vi", "asset", "list", "--json", actor="ld_tinh").stdout)[0]["state"] == "priced"


def test_holiday_names_in_vietnamese(world, cli):
    vi = cli("--lang", "vi", "holiday", "list", "--year", "2026").stdout
    assert "Tết Nguyên Đán" in vi and "Tết Dương lịch" in vi and "New Year" not in vi
    assert "New Year's Day" in cli("holiday", "list", "--year", "2026").stdout


# --- numbers that read wrong ----------------------------------------------------------------

def test_days_late_and_left_read_as_words(world, cli):
    aid = _seized(world)  # deadline 2026-03-09
    assert "(11 days late)" in cli("asset", "show", aid, "--now", "2026-03-20", actor="cv_an").stdout
    assert "(1 day left)" in cli("asset", "show", aid, "--now", "2026-03-08", actor="cv_an").stdout
    assert "(due today)" in cli("asset", "show", aid, "--now", "2026-03-09", actor="cv_an").stdout
    assert "(trễ 11 ngày)" in cli("--lang", "vi", "asset", "show", aid, "--now", "2026-03-20",
                                  actor="cv_an").stdout
    assert "11 days late" in cli("asset", "list", "--now", "2026-03-20", actor="cv_an").stdout
    assert "Days left: -" not in cli("asset", "show", aid, "--now", "2026-03-20", actor="cv_an").stdout


def test_report_figures_say_what_they_count(world, cli):
    text = cli("report", "summary", "--year", "2026", actor="ld_tinh").stdout
    assert "Appraised value of those same assets (VND)" in text
    assert "Money realised (sales of the period not cancelled, VND)" in text
    assert "Sales of the period later cancelled" in text
    assert "Cancellation decisions dated in the period (whenever sold)" in text
    assert "Results cancelled" not in text


# --- finding an asset -----------------------------------------------------------------------

def test_asset_list_by_case_number(world, cli):
    _seized(world, case="12/2026/QĐ-CCTHADS")
    _seized(world, case="13/2026/QĐ-CCTHADS", description="Nhà")
    _seized(world, case="12/2025", office="HG-NB")
    rows = json.loads(cli("asset", "list", "--case", "12/", "--json", actor="ld_tinh").stdout)
    assert sorted(r["case_number"] for r in rows) == ["12/2025", "12/2026/QĐ-CCTHADS"]  # (the case file ranks them)
    assert sorted(r["id"] for r in json.loads(cli("asset", "list", "--case", "ccthads", "--json",
                                                   actor="cv_an").stdout)) == [1, 2]
    assert json.loads(cli("asset", "list", "--case", "12/2025", "--json", actor="cv_an").stdout) == []  # scoped
    r = cli("asset", "list", "--case", "%", "--json", actor="ld_tinh")  # not a pattern: nothing to search for
    assert r.exit_code == 1 and r.stderr.count("\n") == 1 and "%" in r.stderr


def test_asset_show_by_case_number(world, cli):
    _seized(world, case="12/2026")
    _seized(world, case="14/2026", description="Nhà")
    _seized(world, case="14/2026", description="Đất")
    assert json.loads(cli("asset", "show", "12/2026", "--json", actor="cv_an").stdout)["id"] == 1
    r = cli("asset", "show", "14/2026", actor="cv_an")
    assert r.exit_code == 1 and r.stderr.count("\n") == 1
    assert "case number '14/2026' names 2 assets: 2 (HG-VT, seized, Nhà); 3 (HG-VT, seized, Đất)" in r.stderr
    r = cli("asset", "show", "99/2026", actor="cv_an")
    assert r.exit_code == 1 and "no asset you may see has the case number '99/2026'" in r.stderr
    assert cli("asset", "show", "12/2026", actor="cv_dung").exit_code == 1  # out of scope: not found


# --- defaults that show nothing; signals as sentences ---------------------------------------

def test_report_stages_chart_defaults_to_the_reporting_year_and_says_which(world, cli, tmp_path):
    aid = _seized(world, on="2020-09-01")
    svc.advance(world, aid, "agree_price", "cv_an", "2020-09-04", ["price=100000000"])
    from auction_flow.core.reading_day import record_demo_day  # (issue 15: not on main before it)

    record_demo_day(world, __import__("datetime").date(2020, 9, 30))
    chart = tmp_path / "stages.svg"
    r = cli("report", "stages", "--chart", chart, actor="ld_tinh")
    assert r.exit_code == 0, r.output
    assert r.stdout.splitlines()[:2] == [
        "Days in each stage (median) (2019-10-01 .. 2020-09-30)",
        "(reporting year 2020, the one of the day read; give --year YEAR for another)"]
    assert "HG-VT" in r.stdout and b"HG-VT" in chart.read_bytes()
    r = cli("report", "stages", "--now", "2026-11-27", actor="ld_tinh")
    assert "(reporting year 2027, the one of the day read" in r.stdout and "no stage was left" in r.stdout


def test_a_signal_reads_as_a_sentence(world, cli):
    aid = _seized(world, on="2026-03-02")
    svc.advance(world, aid, "agree_price", "ld_tinh", "2026-03-04", ["price=100000000"])
    text = cli("audit", "signals", actor="ld_tinh").stdout
    assert "[outside_office] ld_tinh of HG recorded a step on an asset of HG-VT, outside its own office" in text
    vi = cli("--lang", "vi", "audit", "signals", actor="ld_tinh").stdout
    assert "[thao tác ngoài đơn vị] ld_tinh thuộc HG ghi một bước trên tài sản của HG-VT, ngoài đơn vị mình" in vi


# --- README's PostgreSQL section: init --admin first ----------------------------------------

@pytest.mark.parametrize("empty_db_url", ["postgresql"], indirect=True)
def test_the_readme_postgresql_section_runs(empty_db_url, pg_admin, monkeypatch, tmp_path):
    """The section exactly as printed, on a real PostgreSQL: its host, database and role names are
    the test server's and fresh ones; `echo SECRET |` lines feed --password-stdin."""
    import uuid

    from sqlalchemy import text as sql
    from sqlalchemy.engine import make_url

    text = (ROOT / "README.md").read_text(encoding="utf-8").split("## Running on PostgreSQL", 1)[1]
    block = [x.strip() for x in text.split("\n## ", 1)[0].splitlines() if x.startswith("    ") and x.strip()]
    assert "init --admin" in block[0]
    url = make_url(empty_db_url)
    suffix = uuid.uuid4().hex[:8]
    owner, app = f"af_owner_{suffix}", f"af_app_{suffix}"
    with pg_admin.connect() as conn:
        for role in (owner, app):
            conn.execute(sql(f'CREATE ROLE "{role}" LOGIN'))
        conn.execute(sql(f'ALTER DATABASE "{url.database}" OWNER TO "{owner}"'))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("AUCTION_FLOW_CONFIG_DIR", str(tmp_path / "config"))
    env = {}
    try:
        for line in block:
            line = (line.replace("thads_owner", owner).replace("thads_app", app)
                    .replace("@host/thads", f"@{url.host}:{url.port or 5432}/{url.database}"))
            argv, stdin = shlex.split(line), None
            if argv[0] == "export":
                key, _, value = argv[1].partition("=")
                env[key] = value
                continue
            if argv[0] == "echo":
                stdin, argv = argv[1] + "\n", argv[3:]
            from cli import main

            r = CliRunner(env=env).invoke(main, argv[1:], input=stdin, catch_exceptions=False)
            assert r.exit_code == 0, (line, r.output)
    finally:
        from auction_flow.storage import db

        for user in (owner, app, "postgres"):
            db.get_engine(url.set(username=user, drivername="postgresql+psycopg")
                          .render_as_string(hide_password=False)).dispose()
        with pg_admin.connect() as conn:
            conn.execute(sql(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
            for role in (owner, app):
                conn.execute(sql(f'DROP ROLE IF EXISTS "{role}"'))
