"""Commands: import assets, report summary and stages."""

from __future__ import annotations

import json

import click

from auction_flow.common.errors import AuctionFlowError, UsageError

from auction_flow.features.imports import service as imports_svc
from auction_flow.features.reports import render as rep
from auction_flow.features.reports import service as reports_svc
from auction_flow.frontends.cli import params
from auction_flow.frontends.cli.app import common
from auction_flow.frontends.cli.help import HelpGroup
from auction_flow.frontends.cli.kit import actor, as_of, engine, json_option, lang, out, t

# --- import and reports (issue 5) ---------------------------------------------------------

@click.group("import", cls=HelpGroup)
def import_group():
    """Bring in assets already in progress (CSV; see docs/import.md)."""


@import_group.command("assets")
@common
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Check the whole file and report; write nothing.")
@json_option
def import_assets(file, dry_run, as_json):
    """Import one asset per CSV row with a back-filled history marked imported; any bad row imports nothing.

    Example: auction-flow --as ld_binh import assets assets.csv --dry-run
    """

    res = imports_svc.import_assets(engine(), file, actor(), dry_run)
    states = ", ".join(f"{k} {v}" for k, v in res["by_state"].items()) or "-"
    if res["dry_run"]:
        text = t("import_dry", file=res["file"], rows=res["rows"], states=states)
    else:
        ids = t("import_ids", first=res["ids"][0], last=res["ids"][1]) if res["ids"] else ""
        text = t("imported", file=res["file"], rows=res["rows"], states=states, ids=ids)
    out(res, as_json, text)


def _period_options(fn):
    fn = click.option("--now", "now", type=params.DAY, metavar="DATE",
                      help="Without --year/--from/--to: report the reporting year of this day (default: today; "
                           "on a demo database, the demo's day).")(fn)
    fn = click.option("--year", type=params.YEAR, help="Reporting year Y: (Y-1)-10-01 .. Y-09-30.")(fn)
    fn = click.option("--to", "date_to", type=params.DAY, metavar="DATE", help="Last day of the period (inclusive).")(fn)
    fn = click.option("--from", "date_from", type=params.DAY, metavar="DATE", help="First day of the period.")(fn)
    return fn


@click.group(cls=HelpGroup)
def report():
    """The figures supervisors report, computed over the audit trail."""


@report.command("summary")
@common
@_period_options
@click.option("--by", type=click.Choice(["office", "officer", "auction-org", "appraisal-org"]), default="office",
              show_default=True, help="One line per branch, officer, auction or appraisal organisation.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv", "xlsx"]), default="table",
              show_default=True)
@click.option("--output", type=click.Path(dir_okay=False), help="Write to this file (required for xlsx).")
@json_option
def report_summary(date_from, date_to, year, now, by, fmt, output, as_json):
    """Seized, priced, auctioned, sold, cancelled (rate), handovers on time/late, days per stage, money.

    Example: auction-flow --as ld_tinh report summary --year 2020 --by office --format xlsx --output hg-2020.xlsx
    """

    fmt = "json" if as_json else fmt
    if fmt == "xlsx" and not output:  # a malformed command line: said before the database is opened
        raise UsageError("report_xlsx_output")
    eng = engine()
    if year is None and date_from is None and date_to is None:
        now = as_of(eng, now)
    data = reports_svc.summary(eng, actor(), date_from, date_to, year, by, on=now)
    written = rep.emit(data, fmt, output, lang())
    click.echo(written if isinstance(written, str) else t("written", path=output))


@report.command("stages")
@common
@_period_options
@click.option("--chart", type=click.Path(dir_okay=False), help="Draw the chart to FILE.svg or FILE.png.")
@json_option
def report_stages(date_from, date_to, year, now, chart, as_json):
    """Median days spent in each stage per office; optionally drawn as a chart.

    Example: auction-flow --as ld_tinh report stages --year 2020 --chart stages.png
    """

    if chart and not str(chart).lower().endswith((".svg", ".png")):
        raise UsageError("report_chart", file=chart)
    eng = engine()
    if year is None and date_from is None and date_to is None:
        now = as_of(eng, now)
    data = reports_svc.stages(eng, actor(), date_from, date_to, year, chart, lang(), on=now)
    out(data, as_json, lambda d: rep.stages_text(d, lang()))


@report.command("rollup")
@common
@click.option("--check", is_flag=True, help="Recompute every kept row from the audit log and compare; exit 1 when "
              "they differ.")
@json_option
def report_rollup(check, as_json):
    """Fold the audit rows written since the last fold into the reports' kept yearly and monthly answers
    (PostgreSQL; administrators), so a country's reporting year, or its months, read kept rows, not every
    audit row; with --check, recompute every kept row from the log and compare (exit 1 when they differ). The
    scheduler folds every hour.

    Example: auction-flow --as admin report rollup --check
    """
    if check:
        res = reports_svc.rollup_check(engine(), actor())
        differs = res["differs"]
        if differs is None or as_json:
            out(res, as_json, t("rollup_check_ok") if res["kept"] else t("rollup_sqlite"))
        if differs is not None:
            year, grain, office, who, part, sub = differs
            if part == "asset":  # an asset kept under organisations it no longer has, with no audit row saying so
                raise AuctionFlowError("rollup_org_asset_differs", asset=who, org=sub)
            if year > 999999:  # a kept ten-day span, YYYYMMD
                first = 1 + 10 * (year % 10 - 1)
                raise AuctionFlowError("rollup_differs_span", days=f"{year // 1000}-{year // 10 % 100:02d}-{first:02d}"
                                       f"..{first + 9 if year % 10 < 3 else 'end'}", office=office, officer=who,
                                       part=part, sub=sub)
            if year > 9999:  # a kept month, YYYYMM
                raise AuctionFlowError("rollup_differs_month", month=f"{year // 100}-{year % 100:02d}", office=office,
                                       officer=who, part=part, sub=sub)
            if grain in ("a", "p"):  # the kept answers by auction (a) or appraisal (p) organisation
                raise AuctionFlowError("rollup_org_differs", year=year, office=office, org=who, part=part, sub=sub)
            raise AuctionFlowError("rollup_differs", year=year, office=office, officer=who, part=part, sub=sub)
        return
    def progress(step: dict) -> None:  # each committed batch of a fold in several, on stderr (stdout: the answer)
        click.echo(json.dumps(step) if as_json else t(step["code"], **step), err=True)

    res = reports_svc.rollup_fold(engine(), actor(), progress)
    if not res["kept"]:
        text = t("rollup_sqlite")
    elif not res["marks"]:  # nothing past the marks; a database folded before 0027 has its months and spans made
        text = t("rollup_filled", added=res["added"]) if res["added"] else t("rollup_nothing")
    else:
        chain, position = max(res["marks"].items(), key=lambda kv: (kv[1], kv[0]))
        text = t("rollup_folded", rows=res["rows"], added=res["added"], chains=len(res["marks"]), chain=chain,
                 position=position)
    out(res, as_json, text)
