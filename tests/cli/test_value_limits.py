"""Issue 12, "No internal errors": every value has the same limits on SQLite and PostgreSQL,
checked before the database sees it, each refused with one line naming what was wrong (exit 2
for a value that cannot be read as what it must be, 1 for one that was read and refused), and
the data left as it was. Every test here runs on both databases."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from assetwalk import dump

from auction_flow.features.assets import service as svc

BIG = "9223372036854775808"  # one more than BIGINT holds
CSV_HEAD = "case_number,office,kind,description,officer,state,seized_on,priced_on,price"


@pytest.fixture
def asset(world):
    return svc.seize(world, "cv_an", "12/2026", "HG-VT", "movable", "Xe ô tô", on="2026-03-02")


def refused(world, cli, args, actor, *needles, code=1, lang=None, input=None):
    before = dump(world)
    r = cli(*(["--lang", lang] if lang else []), *args, actor=actor, input=input)
    assert r.exit_code == code, (args, r.exit_code, r.output)
    assert r.stdout == "" and "Traceback" not in r.output
    assert r.stderr.startswith("error: ") and r.stderr.count("\n") == 1, r.stderr
    assert "internal error" not in r.stderr and "could not be used" not in r.stderr, r.stderr
    for needle in needles:
        assert needle in r.stderr, (needle, r.stderr)
    assert dump(world) == before, f"a refused command changed the data: {args}"
    return r.stderr


# --- huge integers ---------------------------------------------------------------------------

def test_an_amount_beyond_bigint(world, cli, asset):
    refused(world, cli, ["asset", "advance", asset, "agree_price", "--set", f"price={BIG}", "--on", "2026-03-03"],
            "cv_an", "price", BIG, "too large", "9.223.372.036.854.775.807")
    assert cli("asset", "advance", asset, "agree_price", "--set", "price=9223372036854775807", "--on", "2026-03-03",
               actor="cv_an").exit_code == 0  # the largest one fits on both databases


def test_ids_beyond_any_id(world, cli, asset):
    refused(world, cli, ["alerts", "ack", "99999999999999999999999", "--reason", "x"], "cv_an",
            "no alert with id 99999999999999999999999")
    refused(world, cli, ["asset", "show", "99999999999999999999999"], "cv_an", "no asset with id")
    refused(world, cli, ["complaint", "accept", "9223372036854775808"], "ld_binh", "9223372036854775808")
    refused(world, cli, ["audit", "log", "--limit", "99999999999999999999"], "ld_binh", "--limit", code=2)


# --- strings: non-UTF-8 bytes, NUL, longer than their column ---------------------------------

@pytest.mark.parametrize("option", ["--as", "--case", "--description", "--reason"])
def test_bytes_that_are_not_utf8(world, cli, asset, option):
    args = {"--as": ["asset", "list"],
            "--case": ["asset", "seize", "--case", "1/\udcc3(", "--office", "HG-VT", "--kind", "movable",
                       "--description", "Xe"],
            "--description": ["asset", "seize", "--case", "1/2026", "--office", "HG-VT", "--kind", "movable",
                              "--description", "Xe \udcff"],
            "--reason": ["asset", "advance", asset, "release", "--reason", "sai \udce9"]}[option]
    actor = "cv_\udcff" if option == "--as" else "ld_binh"
    refused(world, cli, args, actor, "not UTF-8", "\\x", code=2)


def test_a_nul_byte_in_an_argument(world, cli, asset):
    refused(world, cli, ["asset", "advance", asset, "release", "--reason", "a\x00b"], "ld_binh", "NUL", code=2)


@pytest.mark.parametrize("what,args,actor,limit", [
    ("case number", ["asset", "seize", "--case", "C" * 65, "--office", "HG-VT", "--kind", "movable",
                     "--description", "Xe"], "cv_an", 64),
    ("office code", ["office", "add", "O" * 40, "Chi cục"], "admin", 32),
    ("username", ["user", "add", "u" * 65, "--role", "officer", "--office", "HG-VT", "--password-stdin"], "admin",
     64),
    ("office name", ["office", "add", "HG-X", "N" * 201], "admin", 200),
    ("complainant", ["complaint", "add", "--asset", "1", "--kind", "complaint", "--received", "2026-03-03",
                     "--by", "B" * 201, "--about", "x"], "cv_an", 200),
])
def test_text_longer_than_its_column(world, cli, asset, what, args, actor, limit):
    refused(world, cli, args, actor, f"at most {limit} fit", input="mat-khau-du-dai-2026\n")


def test_a_trigger_field_longer_than_its_column(world, cli, asset):
    svc.advance(world, asset, "agree_price", "cv_an", "2026-03-03", ["price=100000000"])
    refused(world, cli, ["asset", "advance", asset, "contract_auction", "--set", "auction_org=" + "A" * 201,
                         "--set", "auction_date=2026-04-01", "--on", "2026-03-04"], "cv_an", "auction_org",
            "at most 200 fit")


# --- digits users did not mean ---------------------------------------------------------------

def test_full_width_and_arabic_indic_digits(world, cli, asset):
    refused(world, cli, ["asset", "advance", asset, "agree_price", "--set", "price=５００", "--on", "2026-03-03"],
            "cv_an", "digits other than 0-9", code=2)
    refused(world, cli, ["asset", "show", "١"], "cv_an", "digits other than 0-9", code=2)
    refused(world, cli, ["asset", "advance", "١", "agree_price"], "cv_an", "digits other than 0-9", code=2)


# --- dates at the edges ----------------------------------------------------------------------

@pytest.mark.parametrize("args", [
    ["alerts", "scan", "--now", "0001-01-01"], ["alerts", "scan", "--now", "9999-12-31"],
    ["asset", "seize", "--case", "1", "--office", "HG-VT", "--kind", "movable", "--description", "x",
     "--on", "0001-01-01"],
    ["complaint", "add", "--asset", "1", "--kind", "complaint", "--received", "0001-01-01", "--by", "B",
     "--about", "x"],
    ["asset", "list", "--now", "1999-12-31"], ["report", "summary", "--from", "2100-01-01", "--to", "2100-02-01"],
])
def test_dates_outside_the_calendar_years(world, cli, asset, args):
    refused(world, cli, args, "cv_an", "outside the years the working calendar covers (2000..2099)", code=2)


def test_a_date_field_outside_the_calendar_years(world, cli, asset):
    svc.advance(world, asset, "agree_price", "cv_an", "2026-03-03", ["price=100000000"])
    refused(world, cli, ["asset", "advance", asset, "contract_auction", "--set", "auction_org=ĐG",
                         "--set", "auction_date=9999-12-31", "--on", "2026-03-04"], "cv_an",
            "auction_date", "2000..2099", code=2)


@pytest.mark.parametrize("day", ["2026-W48-4", "20261126", "2026-11-26T00:00", " 2026-1-5", "26-11-2026"])
def test_dates_not_written_yyyy_mm_dd(world, cli, asset, day):
    refused(world, cli, ["asset", "advance", asset, "agree_price", "--set", "price=5", "--on", day], "cv_an",
            "YYYY-MM-DD", code=2)


@pytest.mark.parametrize("year", ["0", "-5", "10000"])
def test_report_years_out_of_range(world, cli, year):
    refused(world, cli, ["report", "summary", "--year", year], "ld_tinh", "--year", code=2)


# --- files written and databases named ------------------------------------------------------

@pytest.mark.parametrize("output,needle", [("/nonexistent/x.xlsx", "there is no folder /nonexistent"),
                                           ("/dev/full", "cannot write /dev/full")])
def test_an_output_that_cannot_be_written(world, cli, output, needle):
    fmt = "xlsx" if output.endswith("xlsx") else "csv"
    refused(world, cli, ["report", "summary", "--year", "2026", "--format", fmt, "--output", output], "ld_tinh",
            needle)
    refused(world, cli, ["report", "stages", "--year", "2026", "--chart", "/nonexistent/x.svg"], "ld_tinh",
            "there is no folder /nonexistent")


@pytest.mark.parametrize("url", ["mysql://x/y", "bogus://x"])
def test_database_urls_of_another_kind(world, cli, url):
    from cli import main
    from click.testing import CliRunner

    r = CliRunner().invoke(main, ["--db", url, "--as", "admin", "office", "list"])
    assert r.exit_code == 2 and r.stderr.count("\n") == 1, r.output
    assert f"the URL scheme {url.split(':')[0]!r} is not supported" in r.stderr
    assert "sqlite:///FILE or postgresql://USER@HOST/DB" in r.stderr


# --- the CSV import --------------------------------------------------------------------------

def _import(world, cli, tmp_path, body: bytes, *needles):
    path = tmp_path / "assets.csv"
    path.write_bytes(body)
    before = dump(world)
    r = cli("import", "assets", path, actor="admin")
    assert r.exit_code == 1 and "internal error" not in r.stderr, r.output
    for needle in needles:
        assert needle in r.stderr, (needle, r.stderr)
    assert dump(world) == before
    return r.stderr


def test_csv_field_over_the_limit(world, cli, tmp_path):
    body = (CSV_HEAD + "\n1/2026,HG-VT,movable,Xe,cv_an,seized,2026-03-02,,\n"
            + "2/2026,HG-VT,movable," + "x" * 131_073 + ",cv_an,seized,2026-03-02,,\n").encode()
    _import(world, cli, tmp_path, body, "line 3", "131072")


def test_csv_nul_byte_and_values_beyond_their_limits(world, cli, tmp_path):
    body = (CSV_HEAD + "\n1/2026,HG-VT,movable,Xe\x00,cv_an,seized,2026-03-02,,\n"
            + f"2/2026,HG-VT,movable,Xe,cv_an,priced,2026-03-02,2026-03-03,{BIG}\n"
            + "C" * 65 + ",HG-VT,movable,Xe,cv_an,seized,2026-03-02,,\n"
            + "4/2026,HG-VT,movable,Xe,cv_an,seized,0001-01-01,,\n").encode()
    err = _import(world, cli, tmp_path, body)
    assert "line 2, column description: the value holds a NUL byte" in err
    assert f"line 3, column price: bad number '{BIG}'" in err
    assert "line 4, column case_number: 65 characters long, at most 64 fit" in err
    assert "line 5, column seized_on" in err


def test_the_limits_are_the_columns_own():
    """The limits come from the schema, not from constants repeated in code."""
    from auction_flow.core import fields
    from auction_flow.storage.schema import assets, offices, users

    assert (assets.c.case_number.type.length, offices.c.code.type.length, users.c.username.type.length) == \
        (64, 32, 64)
    source = Path(fields.__file__).read_text(encoding="utf-8")
    assert "64" not in source and "200" not in source
    assert json.dumps(fields.BIGINT_MAX) == "9223372036854775807"


@pytest.mark.parametrize("output,needle", [("/nonexistent/x.docx", "there is no folder /nonexistent"),
                                           ("/dev/full", "cannot write /dev/full")])
def test_a_paper_to_a_file_that_cannot_be_written(world, cli, output, needle):
    r = cli("asset", "seize", "-q", "--case", "9/2026", "--office", "HG-VT", "--kind", "movable",
            "--description", "Xe", "--on", "2026-03-02", actor="cv_an")
    assert r.exit_code == 0, r.output
    [doc] = json.loads(cli("doc", "list", r.stdout.strip(), "--json", actor="cv_an").stdout)[:1]
    refused(world, cli, ["doc", "get", doc["id"], "--output", output], "cv_an", needle)
