"""auction-flow's command line: a thin click tree over auction_flow.services.

Each command opens the database, calls one service function and prints. Exactly one place
(``AppGroup.invoke``) turns an AuctionFlowError into a one-line message and exit code 1.
Imports stay inside the commands so that ``auction-flow --help`` starts fast.
"""

from __future__ import annotations

import os
import sys

import click

EXIT_REFUSED = 1


class AppGroup(click.Group):
    """The command tree; its ``invoke`` is the one place errors become user messages."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except Exception as exc:  # noqa: BLE001 - the one place errors become messages
            from auction_flow.errors import AuctionFlowError

            lang = (ctx.obj or {}).get("lang", "en")
            if isinstance(exc, AuctionFlowError):
                click.echo(f"error: {exc.render(lang)}", err=True)
                ctx.exit(exc.exit_code)
            if os.environ.get("AUCTION_FLOW_DEBUG"):
                raise
            name = type(exc).__name__
            first = (str(exc).strip().splitlines() or [""])[0][:300]
            if name == "OperationalError":
                click.echo(f"error: the database could not be used: {first}", err=True)
            else:
                click.echo(f"error: internal error ({name}: {first}); "
                           "set AUCTION_FLOW_DEBUG=1 for details", err=True)
            ctx.exit(EXIT_REFUSED)


def _store(key):
    def callback(ctx, _param, value):
        if value is not None:
            ctx.ensure_object(dict)[key] = value
        return value
    return callback


def common(fn):
    """--db, --as and --lang on every command (they may also come before the command)."""
    fn = click.option("--lang", type=click.Choice(["vi", "en"]), expose_value=False, callback=_store("lang"),
                      help="Language of labels and messages.")(fn)
    fn = click.option("--as", "actor", metavar="USERNAME", expose_value=False, callback=_store("actor"),
                      help="Who is acting (default: $AUCTION_FLOW_USER).")(fn)
    fn = click.option("--db", metavar="URL", expose_value=False, callback=_store("db"),
                      help="Database URL or SQLite file (default: $AUCTION_FLOW_DB, else the user data dir).")(fn)
    return fn


def json_option(fn):
    return click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")(fn)


def _obj() -> dict:
    return click.get_current_context().ensure_object(dict)


def url() -> str:
    from auction_flow.config import db_url

    return db_url(_obj().get("db"))


def engine():
    from auction_flow.db import open_db

    return open_db(url())


def actor() -> str | None:
    return _obj().get("actor") or os.environ.get("AUCTION_FLOW_USER")


def lang() -> str:
    return _obj().get("lang") or os.environ.get("AUCTION_FLOW_LANG", "en")


def out(data, as_json: bool, text=None):
    from auction_flow.render import to_json

    if as_json:
        click.echo(to_json(data))
    elif text is not None:
        click.echo(text(data) if callable(text) else text)


@click.group(cls=AppGroup)
@common
@click.version_option(package_name="auction-flow")
def main():
    """Seized assets from seizure to handover: workflow, deadlines, audit.

    \b
    Example:
      auction-flow demo
      auction-flow --as cv_an asset show 1
    """


# --- set-up ---------------------------------------------------------------------------

@main.command()
@common
@click.option("--admin", required=True, metavar="USERNAME", help="The first administrator's username.")
@click.option("--name", help="The administrator's full name.")
def init(admin, name):
    """Create the schema and the first administrator on an empty database.

    Example: auction-flow --db office.db init --admin admin
    """
    from auction_flow.services import admin as svc

    res = svc.init(url(), admin, name)
    click.echo(f"initialised {res['database']} with administrator {res['username']}")


@main.group()
def db():
    """The database: where it is and its schema."""


@db.command("upgrade")
@common
@click.option("--revision", default="head", show_default=True, help="Alembic revision to reach.")
def db_upgrade(revision):
    """Create or upgrade the schema (Alembic migrations).

    Example: auction-flow db upgrade --db postgresql://localhost/thads
    """
    from auction_flow import db as dbm

    click.echo(f"schema at revision {dbm.upgrade(url(), revision)}")


@db.command("where")
@common
def db_where():
    """Print the database URL in use.

    Example: auction-flow db where
    """
    click.echo(url())


# --- offices, users, days off ----------------------------------------------------------

@main.group()
def office():
    """Enforcement offices (Cục, Chi cục)."""


@office.command("add")
@common
@click.argument("code")
@click.argument("name")
@click.option("--parent", metavar="CODE", help="The office above this one.")
def office_add(code, name, parent):
    """Add an office (administrators only).

    Example: auction-flow --as admin office add HG-VT "Chi cục THADS Vị Thanh" --parent HG
    """
    from auction_flow.services import admin as svc

    res = svc.add_office(engine(), actor(), code, name, parent)
    click.echo(f"office {res['code']} added")


@office.command("list")
@common
@json_option
def office_list(as_json):
    """List offices.

    Example: auction-flow office list --json
    """
    from auction_flow.render import table
    from auction_flow.services import admin as svc

    out(svc.list_offices(engine()), as_json,
        lambda rows: table(rows, [("code", "CODE"), ("name", "NAME"), ("parent", "PARENT")]))


@main.group()
def user():
    """Users: officers, supervisors, procurators, administrators."""


@user.command("add")
@common
@click.argument("username")
@click.option("--role", required=True, type=click.Choice(["officer", "supervisor", "procurator", "admin"]))
@click.option("--office", "office_code", metavar="CODE", help="The user's office (all roles but admin).")
@click.option("--name", help="Full name.")
@click.option("--email", help="Where alert digests go.")
def user_add(username, role, office_code, name, email):
    """Add a user (administrators only).

    Example: auction-flow --as admin user add cv_an --role officer --office HG-VT --name "Nguyễn Văn An"
    """
    from auction_flow.services import admin as svc

    res = svc.add_user(engine(), actor(), username, role, office_code, name, email)
    click.echo(f"user {res['username']} ({res['role']}) added")


@user.command("list")
@common
@json_option
def user_list(as_json):
    """List users.

    Example: auction-flow user list
    """
    from auction_flow.render import table
    from auction_flow.services import admin as svc

    out(svc.list_users(engine()), as_json, lambda rows: table(rows, [
        ("username", "USERNAME"), ("name", "NAME"), ("role", "ROLE"), ("office", "OFFICE"), ("email", "EMAIL")]))


@main.group()
def holiday():
    """Days off and make-up working days beyond the holiday library."""


@holiday.command("add")
@common
@click.argument("day", metavar="DATE")
@click.argument("name")
def holiday_add(day, name):
    """Record a day off declared by the government (administrators only).

    Example: auction-flow --as admin holiday add 2026-12-31 "Nghỉ bù"
    """
    from auction_flow.services import admin as svc

    res = svc.add_day(engine(), actor(), day, name, "holiday")
    click.echo(f"{res['day']} recorded as a day off")


@holiday.command("workday")
@common
@click.argument("day", metavar="DATE")
@click.argument("name")
def holiday_workday(day, name):
    """Record a make-up working day (for example a Saturday).

    Example: auction-flow --as admin holiday workday 2027-01-09 "Làm bù"
    """
    from auction_flow.services import admin as svc

    res = svc.add_day(engine(), actor(), day, name, "workday")
    click.echo(f"{res['day']} recorded as a working day")


@holiday.command("list")
@common
@click.option("--year", type=int, required=True)
@json_option
def holiday_list(year, as_json):
    """List days off and make-up working days of a year.

    Example: auction-flow holiday list --year 2026
    """
    from auction_flow.render import table
    from auction_flow.services import admin as svc

    out(svc.list_days(engine(), year), as_json, lambda rows: table(rows, [
        ("day", "DATE"), ("weekday", "DAY"), ("kind", "KIND"), ("name", "NAME")]))


# --- workflow definitions --------------------------------------------------------------

@main.group()
def workflow():
    """Workflow definitions (workflows/*.yaml)."""


@workflow.command("validate")
@common
@click.argument("file", required=False, type=click.Path(dir_okay=False))
def workflow_validate(file):
    """Check a workflow file; name the entry and fault of the first error.

    Example: auction-flow workflow validate workflows/asset_auction.yaml
    """
    from auction_flow.services import workflows as svc

    res = svc.validate(file)
    click.echo(f"{res['file']}: valid ({res['name']} v{res['version']}, {res['states']} states, "
               f"{res['triggers']} triggers, regimes {', '.join(res['regimes'])})")


@workflow.command("show")
@common
@click.argument("file", required=False, type=click.Path(dir_okay=False))
@json_option
def workflow_show(file, as_json):
    """Show states, clocks and triggers.

    Example: auction-flow workflow show --lang vi
    """
    from auction_flow.render import table
    from auction_flow.services import workflows as svc

    def text(d):
        states = [{"name": s["name"], "label": s["label"], "clock": "; ".join(
            f"{c['regime']}: {c['time']} ({c['basis']})" for c in s["clock"]) or ("final" if s["final"] else "")}
            for s in d["states"]]
        trigs = [{**t, "from": ",".join(t["from"]), "fields": ", ".join(t["fields"])} for t in d["triggers"]]
        return "\n\n".join([f"{d['name']} v{d['version']}: {d['label']}",
                            table(states, [("name", "STATE"), ("label", "LABEL"), ("clock", "CLOCK")]),
                            table(trigs, [("name", "TRIGGER"), ("from", "FROM"), ("to", "TO"),
                                          ("roles", "ROLES"), ("fields", "FIELDS")])])
    out(svc.show(file, lang()), as_json, text)


@workflow.command("diagram")
@common
@click.option("--format", "fmt", type=click.Choice(["mermaid", "dot"]), default="mermaid", show_default=True)
@click.argument("file", required=False, type=click.Path(dir_okay=False))
def workflow_diagram(fmt, file):
    """Print the state diagram as Mermaid or Graphviz dot.

    Example: auction-flow workflow diagram --format dot | dot -Tsvg > workflow.svg
    """
    from auction_flow.services import workflows as svc

    click.echo(svc.diagram(fmt, file, lang()), nl=False)


# --- assets ------------------------------------------------------------------------------

@main.group()
def asset():
    """Seized assets: seize, advance, show, list."""


@asset.command("seize")
@common
@click.option("--case", "case_number", required=True, help="Enforcement case number.")
@click.option("--office", "office_code", required=True, metavar="CODE")
@click.option("--kind", required=True, type=click.Choice(["movable", "real_estate"]))
@click.option("--description", required=True)
@click.option("--officer", metavar="USERNAME", help="Assigned officer (default: the actor).")
@click.option("--on", "on", metavar="DATE", help="Business date of the seizure (default: today).")
@json_option
def asset_seize(case_number, office_code, kind, description, officer, on, as_json):
    """Record a seizure; print the new asset's id.

    Example: auction-flow --as cv_an asset seize --case 12/2026/QĐ-CCTHADS --office HG-VT
    --kind real_estate --description "Thửa đất 120 m², phường 5" --on 2026-11-02
    """
    from auction_flow.services import assets as svc

    new_id = svc.seize(engine(), actor(), case_number, office_code, kind, description, officer, on)
    out({"id": new_id}, as_json, str(new_id))


@asset.command("advance")
@common
@click.argument("asset_id", metavar="ID")
@click.argument("trigger")
@click.option("--on", "on", metavar="DATE", help="Business date of the step (default: today).")
@click.option("--reason", help="Grounds for the step (required by some triggers).")
@click.option("--set", "sets", multiple=True, metavar="FIELD=VALUE", help="A field the trigger needs.")
@click.option("--expect-version", type=int, metavar="N",
              help="Refuse (conflict) unless the asset is still at version N, as last seen.")
@json_option
def asset_advance(asset_id, trigger, on, reason, sets, expect_version, as_json):
    """Fire a trigger on an asset.

    Example: auction-flow --as cv_an asset advance 1 agree_price --set price=850000000 --on 2026-11-05
    """
    from dataclasses import asdict

    from auction_flow.services import assets as svc

    res = svc.advance(engine(), asset_id, trigger, actor(), on, sets, reason, expect_version)
    out(asdict(res), as_json, f"asset {res.asset_id}: {res.from_state} -> {res.to_state} on {res.on}"
        + (f", deadline {res.deadline}" if res.deadline else ""))


def _asset_text(a: dict) -> str:
    from auction_flow.i18n import label as L
    from auction_flow.render import money, table

    lg = lang()
    lines = [f"{L('id', lg)} {a['id']}  {a['case_number']}  {a['description']}",
             f"{L('kind', lg)}: {L(a['kind'], lg)}   {L('office', lg)}: {a['office']}   "
             f"{L('officer', lg)}: {a['officer'] or '-'}",
             f"{L('state', lg)}: {a['state']} ({a['state_label']})   {L('entered', lg)}: {a['state_entered_on']}"]
    if a["deadline"]:
        late = f"  [{L('overdue', lg)}]" if a["overdue"] else ""
        lines.append(f"{L('deadline', lg)}: {a['deadline']} ({L('days_left', lg)}: {a['days_left']}){late}")
        lines.append(f"{L('basis', lg)}: {a['deadline_basis']} [{a['regime']}]")
    else:
        lines.append(f"{L('deadline', lg)}: {L('none', lg)}")
    lines.append(f"{L('appraised', lg)}: {money(a['appraised_price'])}   {L('price', lg)}: {money(a['price'])}"
                 f"   {L('sale_price', lg)}: {money(a['sale_price'])}   {L('buyer', lg)}: {a['buyer'] or '-'}")
    lines.append(f"{L('allowed', lg)}: {', '.join(a['allowed_triggers']) or '-'}")
    if "history" in a:
        lines += ["", L("history", lg) + ":", table(a["history"], [
            ("seq", "#"), ("on", "DATE"), ("trigger", "TRIGGER"), ("from", "FROM"), ("to", "TO"),
            ("actor", "BY"), ("reason", "REASON")])]
    return "\n".join(lines)


@asset.command("show")
@common
@click.argument("asset_id", metavar="ID")
@json_option
def asset_show(asset_id, as_json):
    """Where an asset stands, its deadline and legal basis, what it may do next, its history.

    Example: auction-flow --as cv_an asset show 1 --lang vi
    """
    from auction_flow.services import assets as svc

    out(svc.show(engine(), asset_id, actor(), lang()), as_json, _asset_text)


@asset.command("list")
@common
@click.option("--state", help="Only assets in this state.")
@click.option("--office", "office_code", metavar="CODE", help="Only this office.")
@click.option("--overdue", is_flag=True, help="Only assets past their deadline.")
@json_option
def asset_list(state, office_code, overdue, as_json):
    """List the assets the actor may see, nearest deadline first.

    Example: auction-flow --as ld_binh asset list --overdue
    """
    from auction_flow.render import table
    from auction_flow.services import assets as svc

    rows = svc.list_assets(engine(), actor(), state, office_code, overdue, lang())
    out(rows, as_json, lambda r: table(r, [
        ("id", "ID"), ("case_number", "CASE"), ("office", "OFFICE"), ("officer", "OFFICER"), ("state", "STATE"),
        ("deadline", "DEADLINE"), ("days_left", "DAYS LEFT"), ("description", "DESCRIPTION")]) or "(none)")


# --- demo --------------------------------------------------------------------------------

@main.command()
@common
@click.option("--seed", type=int, default=2020, show_default=True, help="Random seed of the demo data.")
@click.option("--year", type=int, default=2020, show_default=True,
              help="Reporting year to play (1 October of the year before to 30 September).")
def demo(seed, year):
    """Build a whole demo province on a fresh SQLite file (or an empty --db) and show it.

    A provincial office, eight branches, their people, and a year of assets pushed through
    the real engine; then the alerts, the summary and the inspection signals as of the
    year's last day.

    Example: auction-flow demo --lang vi
    """
    from auction_flow.services import demo as svc

    click.echo(svc.run(_obj().get("db"), seed, lang(), year))


# --- import and reports (issue 5) ---------------------------------------------------------

@main.group("import")
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
    from auction_flow.services import imports as svc

    res = svc.import_assets(engine(), file, actor(), dry_run)
    states = ", ".join(f"{k} {v}" for k, v in res["by_state"].items()) or "-"
    if res["dry_run"]:
        text = f"{res['file']}: {res['rows']} rows are good ({states}); nothing written (--dry-run)"
    else:
        ids = f", ids {res['ids'][0]}..{res['ids'][1]}" if res["ids"] else ""
        text = f"{res['file']}: imported {res['rows']} assets ({states}){ids}"
    out(res, as_json, text)


def _period_options(fn):
    fn = click.option("--year", type=int, help="Reporting year Y: (Y-1)-10-01 .. Y-09-30.")(fn)
    fn = click.option("--to", "date_to", metavar="DATE", help="Last day of the period (inclusive).")(fn)
    fn = click.option("--from", "date_from", metavar="DATE", help="First day of the period.")(fn)
    return fn


@main.group()
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
def report_summary(date_from, date_to, year, by, fmt, output, as_json):
    """Seized, priced, auctioned, sold, cancelled (rate), handovers on time/late, days per stage, money.

    Example: auction-flow --as ld_tinh report summary --year 2020 --by office --format xlsx --output hg-2020.xlsx
    """
    from auction_flow import reports as rep
    from auction_flow.services import reports as svc

    fmt = "json" if as_json else fmt
    data = svc.summary(engine(), actor(), date_from, date_to, year, by)
    written = rep.emit(data, fmt, output, lang())
    click.echo(written if isinstance(written, str) else f"written {output}")


@report.command("stages")
@common
@_period_options
@click.option("--chart", type=click.Path(dir_okay=False), help="Draw the chart to FILE.svg or FILE.png.")
@json_option
def report_stages(date_from, date_to, year, chart, as_json):
    """Median days spent in each stage per office; optionally drawn as a chart.

    Example: auction-flow --as ld_tinh report stages --year 2020 --chart stages.png
    """
    from auction_flow import reports as rep
    from auction_flow.services import reports as svc

    data = svc.stages(engine(), actor(), date_from, date_to, year, chart, lang())
    out(data, as_json, lambda d: rep.stages_text(d, lang()))


# --- alerts and the scheduler ------------------------------------------------------------

def _smtp_options(fn):
    for name, kind, env in reversed([("host", str, "HOST"), ("port", int, "PORT"), ("user", str, "USER"),
                                     ("password", str, "PASSWORD"), ("sender", str, "SENDER")]):
        fn = click.option(f"--smtp-{name}", f"smtp_{name}", type=kind, metavar=env,
                          help=f"SMTP {name} (default: $AUCTION_FLOW_SMTP_{env}).")(fn)
    return fn


def _smtp_env(**opts):
    """Put --smtp-* options into the environment, where notify (and the scheduler's jobs) read them."""
    for key, value in opts.items():
        if value is not None:
            os.environ[f"AUCTION_FLOW_{key.upper()}"] = str(value)


def _alert_rows(rows):
    from auction_flow.render import table

    return table(rows, [("id", "ID"), ("level", "LEVEL"), ("rule", "RULE"), ("asset_id", "ASSET"),
                        ("office", "OFFICE"), ("officer", "OFFICER"), ("state", "STATE"),
                        ("deadline", "DEADLINE"), ("days_late", "DAYS LATE"), ("status", "STATUS"),
                        ("basis", "LEGAL BASIS")]) or "(no alerts)"


def _alert_text(a: dict) -> str:
    lines = [f"alert {a['id']}: {a['rule']}/{a['level']} [{a['status']}]",
             f"asset {a['asset_id']} ({a['case_number']}, {a['description']}) office {a['office']}, "
             f"officer {a['officer'] or '-'}",
             f"state {a['state']} entered {a['entered_on']}; deadline {a['deadline']} ({a['days_late']} days late)",
             f"legal basis: {a['basis'] or '-'} [{a['regime'] or '-'}]"]
    if a.get("factors") is not None:
        lines.append(f"factors: {', '.join(a['factors']) or '-'}; risk window ends {a.get('window_ends')}")
    if a["snoozed_until"]:
        lines.append(f"snoozed until {a['snoozed_until']}")
    if a["handled_by"]:
        lines.append(f"handled by {a['handled_by']}: {a['handled_reason']}")
    if a["resolution"]:
        lines.append(f"resolved on {a['resolved_on']} ({a['resolution']})")
    for h in a.get("history", []):
        lines.append(f"  {h['on']} {h['event']} by {h['actor']}: {h['reason'] or ''}")
    return "\n".join(lines)


@main.group()
def alerts():
    """Alerts on late handovers, complaint risks after cancellations and stalled stages."""


@alerts.command("scan")
@common
@click.option("--now", "now", metavar="DATE", help="Scan as of this day (default: today); replays a day.")
@json_option
def alerts_scan(now, as_json):
    """Run one alert scan (for cron and tests; the scheduler runs it on its own).

    Example: auction-flow alerts scan --now 2026-11-30
    """
    from auction_flow.services import alerts as svc

    res = svc.scan(engine(), now)
    out(res, as_json, f"scan of {res['on']}: raised {res['raised']}, resolved {res['resolved']}, "
        f"superseded {res['superseded']}, reopened {res['reopened']}")


@alerts.command("list")
@common
@click.option("--office", "office_code", metavar="CODE", help="Only this office (and the offices under it).")
@click.option("--rule", help="handover, complaint_risk or stalled.")
@click.option("--level", help="warning, overdue, escalated, escalated_province, low, medium or high.")
@click.option("--open/--all", "only_open", default=True, help="Unresolved alerts only (default), or all.")
@click.option("--now", "now", metavar="DATE", help="Count days late as of this day (default: today).")
@json_option
def alerts_list(office_code, rule, level, only_open, now, as_json):
    """List the alerts the actor may see, most urgent first.

    Example: auction-flow --as ld_binh alerts list --rule handover --json
    """
    from auction_flow.services import alerts as svc

    out(svc.list_alerts(engine(), actor(), office_code, rule, level, not only_open, now), as_json, _alert_rows)


@alerts.command("show")
@common
@click.argument("alert_id", metavar="ID")
@json_option
def alerts_show(alert_id, as_json):
    """One alert: its asset, deadline, legal basis, factors and who handled it.

    Example: auction-flow --as cv_an alerts show 3
    """
    from auction_flow.services import alerts as svc

    out(svc.show(engine(), alert_id, actor()), as_json, _alert_text)


@alerts.command("ack")
@common
@click.argument("alert_id", metavar="ID")
@click.option("--reason", required=True, help="What is being done about it.")
@json_option
def alerts_ack(alert_id, reason, as_json):
    """Acknowledge an alert (audited).

    Example: auction-flow --as cv_an alerts ack 3 --reason "handover set for 2 Dec"
    """
    from auction_flow.services import alerts as svc

    res = svc.ack(engine(), alert_id, actor(), reason)
    out(res, as_json, f"alert {res['id']} acknowledged")


@alerts.command("snooze")
@common
@click.argument("alert_id", metavar="ID")
@click.option("--until", "until", required=True, metavar="DATE", help="The day it comes back.")
@click.option("--reason", required=True, help="Why it can wait.")
@json_option
def alerts_snooze(alert_id, until, reason, as_json):
    """Snooze an alert until a day (audited); it resolves anyway if the asset moves on.

    Example: auction-flow --as cv_an alerts snooze 3 --until 2026-12-05 --reason "buyer abroad until 4 Dec"
    """
    from auction_flow.services import alerts as svc

    res = svc.snooze(engine(), alert_id, actor(), until, reason)
    out(res, as_json, f"alert {res['id']} snoozed until {res['snoozed_until']}")


@alerts.command("digest")
@common
@click.option("--now", "now", metavar="DATE", help="The digest day (default: today).")
@_smtp_options
@json_option
def alerts_digest(now, as_json, **smtp):
    """Send today's email digests that were not sent yet (one per recipient per day).

    Example: auction-flow alerts digest --smtp-host mail.thads.gov.vn --smtp-port 25
    """
    from auction_flow.services import alerts as svc

    _smtp_env(**smtp)
    res = svc.digest(engine(), now)
    out(res, as_json, f"digests of {res['on']}: sent {len(res['sent'])}, failed {len(res['failed'])}"
        + (f" ({', '.join(res['failed'])}: retried next run)" if res["failed"] else ""))


@main.group()
def scheduler():
    """The long-running scheduler that scans and sends digests."""


@scheduler.command("run")
@common
@click.option("--interval", type=float, default=60, show_default=True, metavar="MINUTES",
              help="Minutes between scans.")
@click.option("--digest-hour", type=int, metavar="HOUR",
              help="Send digests from this hour, Vietnam time (default: $AUCTION_FLOW_DIGEST_HOUR or 7).")
@_smtp_options
def scheduler_run(interval, digest_hour, **smtp):
    """Run the scheduler in the foreground (APScheduler; jobs kept in the database).

    Example: auction-flow --db postgresql://db/thads scheduler run --interval 30
    """
    from auction_flow import scheduler as svc

    _smtp_env(**smtp)
    if digest_hour is not None:
        os.environ["AUCTION_FLOW_DIGEST_HOUR"] = str(digest_hour)
    svc.run(url(), interval)


@scheduler.command("status")
@common
@json_option
def scheduler_status(as_json):
    """Jobs, their next run, the last run of each and its outcome.

    Example: auction-flow scheduler status --json
    """
    from auction_flow.services import alerts as svc

    def text(d):
        lines = [f"job {j['id']}: next run {j['next_run']}" for j in d["jobs"]] or ["no jobs (never started)"]
        lines += [f"last {r['job']}: {r['outcome']} at {r['finished_at']} ({r['detail']}) by {r['holder']}"
                  for r in d["last_runs"]]
        return "\n".join(lines)
    out(svc.status(engine()), as_json, text)


# --- supervision: audit trail, access log, signals, complaints (issue 4) -----------------

@asset.command("history")
@common
@click.argument("asset_id", metavar="ID")
@click.option("--on", "on", metavar="DATE", help="Measure open stages up to this day (default: today).")
@json_option
def asset_history(asset_id, on, as_json):
    """An asset's timeline: days spent in each state and each deadline met or missed.

    Example: auction-flow --as ld_binh asset history 1
    """
    from auction_flow.services import audit as svc
    from auction_flow.supervision_text import history_text

    out(svc.history(engine(), asset_id, actor(), on), as_json, lambda d: history_text(d, lang()))


@asset.command("reassign")
@common
@click.argument("asset_id", metavar="ID")
@click.option("--to", "to_user", required=True, metavar="USERNAME", help="The officer who takes the asset over.")
@click.option("--reason", required=True, help="Why (recorded in the audit trail).")
@click.option("--on", "on", metavar="DATE", help="Business date (default: today).")
@json_option
def asset_reassign(asset_id, to_user, reason, on, as_json):
    """Give an asset to another officer (supervisors of its office or above).

    Example: auction-flow --as ld_binh asset reassign 1 --to cv_ba --reason "cv_an nghỉ phép dài hạn"
    """
    from auction_flow.services import amend as svc

    res = svc.reassign(engine(), asset_id, actor(), to_user, reason, on)
    out(res, as_json, f"asset {res['asset_id']}: officer {res['changes']['officer'][0]} -> "
                      f"{res['changes']['officer'][1]}")


@asset.command("correct")
@common
@click.argument("asset_id", metavar="ID")
@click.option("--set", "sets", multiple=True, required=True, metavar="FIELD=VALUE",
              help="A descriptive field to correct (case_number, description, buyer, appraisal_org, auction_org).")
@click.option("--reason", required=True, help="Why (recorded in the audit trail).")
@click.option("--on", "on", metavar="DATE", help="Business date (default: today).")
@json_option
def asset_correct(asset_id, sets, reason, on, as_json):
    """Correct a descriptive field of an asset, audited with its before and after.

    Example: auction-flow --as cv_an asset correct 1 --set "buyer=Lê Văn Tám" --reason "sai chính tả"
    """
    from auction_flow.services import amend as svc

    res = svc.correct(engine(), asset_id, actor(), sets, reason, on)
    out(res, as_json, f"asset {res['asset_id']} corrected: " + ", ".join(
        f"{k}: {a!r} -> {b!r}" for k, (a, b) in res["changes"].items()))


@main.group()
def audit():
    """The audit trail: verify its chains, read it, refusals, inspection signals."""


@audit.command("verify")
@common
@json_option
def audit_verify(as_json):
    """Check every hash chain of the audit log; name the first row that does not match (exit 1).

    Example: auction-flow --as ld_tinh audit verify
    """
    from auction_flow.services import audit as svc
    from auction_flow.supervision_text import verify_text

    res = svc.verify(engine(), actor())
    errors = res.pop("errors")
    out(res, as_json, lambda d: verify_text(d, lang()))
    if errors:
        raise errors[0]


@audit.command("log")
@common
@click.option("--asset", "asset_id", metavar="ID", help="Only this asset.")
@click.option("--actor", "who", metavar="USERNAME", help="Only rows by this user.")
@click.option("--office", "office_code", metavar="CODE", help="Only this office and those under it.")
@click.option("--from", "date_from", metavar="DATE", help="Business dates from this day.")
@click.option("--to", "date_to", metavar="DATE", help="Business dates up to this day.")
@click.option("--trigger", help="Only this trigger.")
@click.option("--limit", type=int, help="At most this many rows.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@json_option
def audit_log(asset_id, who, office_code, date_from, date_to, trigger, limit, fmt, as_json):
    """Read the audit log (rows of the offices you may read), oldest first.

    Example: auction-flow --as ksv audit log --office HG-VT --from 2026-01-01 --format csv
    """
    from auction_flow.services import audit as svc
    from auction_flow.supervision_text import log_csv, log_table

    rows = svc.log(engine(), actor(), asset_id, who, office_code, date_from, date_to, trigger, limit)
    fmt = "json" if as_json else fmt
    out(rows, fmt == "json", lambda d: (log_csv if fmt == "csv" else log_table)(d, lang()))


@audit.command("denied")
@common
@click.option("--limit", type=int, help="At most this many rows.")
@json_option
def audit_denied(limit, as_json):
    """Refusals for lack of permission or scope (the access log).

    Example: auction-flow --as ld_tinh audit denied --json
    """
    from auction_flow.services import audit as svc
    from auction_flow.supervision_text import denied_table

    out(svc.denied(engine(), actor(), limit), as_json, lambda d: denied_table(d, lang()))


@audit.command("signals")
@common
@click.option("--office", "office_code", metavar="CODE", help="Only this office and those under it.")
@click.option("--from", "date_from", metavar="DATE", help="Business dates from this day.")
@click.option("--to", "date_to", metavar="DATE", help="Business dates up to this day.")
@click.option("--threshold", "thresholds", multiple=True, metavar="NAME=N",
              help="Override a threshold (backdated_days, low_sale_percent, buyer_wins, "
                   "officer_cancellations, price_reductions).")
@click.option("--config", type=click.Path(dir_okay=False), help="YAML file with a `signals:` mapping of "
              "thresholds (default: $AUCTION_FLOW_CONFIG).")
@json_option
def audit_signals(office_code, date_from, date_to, thresholds, config, as_json):
    """Inspection signals with their evidence rows (back-dating, out-of-office steps, low sales...).

    Example: auction-flow --as ld_tinh audit signals --office HG --from 2026-01-01 --threshold buyer_wins=3
    """
    from auction_flow.services import audit as svc
    from auction_flow.supervision_text import signals_text

    out(svc.signals(engine(), actor(), office_code, date_from, date_to, thresholds, config), as_json,
        lambda d: signals_text(d, lang()))


@main.group()
def complaint():
    """The complaints and denunciations register and its statutory clocks."""


@complaint.command("add")
@common
@click.option("--asset", "asset_id", required=True, metavar="ID", help="The asset it is about.")
@click.option("--kind", required=True, type=click.Choice(["complaint", "denunciation"]))
@click.option("--received", required=True, metavar="DATE", help="Day it was received.")
@click.option("--by", "by", required=True, metavar="NAME", help="Who filed it.")
@click.option("--about", required=True, metavar="TEXT", help="What it is about.")
@click.option("--level", type=click.Choice(["first", "second"]), default="first", show_default=True,
              help="First or second decision (complaints).")
@click.option("--coercion", is_flag=True, help="About a coercive measure (longer clock).")
@click.option("--complex", "complex_", is_flag=True, help="A complex case (longer clock).")
@json_option
def complaint_add(asset_id, kind, received, by, about, level, coercion, complex_, as_json):
    """Register a complaint or denunciation; print its acceptance deadline.

    Example: auction-flow --as cv_an complaint add --asset 3 --kind complaint --received 2026-02-12
    --by "Trần Văn B" --about "Hủy kết quả đấu giá"
    """
    from auction_flow.services import complaints as svc
    from auction_flow.supervision_text import complaint_text

    out(svc.add(engine(), actor(), asset_id, kind, received, by, about, level, coercion, complex_), as_json,
        complaint_text)


@complaint.command("accept")
@common
@click.argument("complaint_id", metavar="ID")
@click.option("--on", "on", metavar="DATE", help="Day of acceptance (default: today).")
@click.option("--complex", "complex_", is_flag=True, default=None, help="Mark the case complex.")
@json_option
def complaint_accept(complaint_id, on, complex_, as_json):
    """Accept (thụ lý) a complaint; its resolution clock starts (supervisors).

    Example: auction-flow --as ld_binh complaint accept 1 --on 2026-02-23
    """
    from auction_flow.services import complaints as svc
    from auction_flow.supervision_text import complaint_text

    out(svc.accept(engine(), actor(), complaint_id, on, complex_), as_json, complaint_text)


@complaint.command("resolve")
@common
@click.argument("complaint_id", metavar="ID")
@click.option("--on", "on", metavar="DATE", help="Day of the decision (default: today).")
@click.option("--outcome", metavar="TEXT", help="The decision in a few words.")
@json_option
def complaint_resolve(complaint_id, on, outcome, as_json):
    """Record the decision on an accepted complaint (supervisors).

    Example: auction-flow --as ld_binh complaint resolve 1 --on 2026-03-05 --outcome "Không có căn cứ"
    """
    from auction_flow.services import complaints as svc
    from auction_flow.supervision_text import complaint_text

    out(svc.resolve(engine(), actor(), complaint_id, on, outcome), as_json, complaint_text)


@complaint.command("list")
@common
@click.option("--status", type=click.Choice(["received", "accepted", "resolved"]))
@click.option("--asset", "asset_id", metavar="ID", help="Only this asset.")
@json_option
def complaint_list(status, asset_id, as_json):
    """List complaints of the offices you may read, with the state of each clock.

    Example: auction-flow --as ksv complaint list --json
    """
    from auction_flow.services import complaints as svc
    from auction_flow.supervision_text import complaints_table

    out(svc.list_complaints(engine(), actor(), status, asset_id), as_json,
        lambda d: complaints_table(d, lang()))


# @@ more command groups are added above this line @@

if __name__ == "__main__":
    sys.exit(main())
