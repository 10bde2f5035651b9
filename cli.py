"""auction-flow's command line: a thin click tree over auction_flow.services.

Each command opens the database, calls one service function and prints. The one place that
turns an AuctionFlowError into a one-line message and exit 1 is AppGroup.invoke
(auction_flow/clikit.py). The set-up commands live here; the larger groups live in
auction_flow/commands/ and are added to the tree at the bottom of this file.
"""

from __future__ import annotations

import sys

import click

from auction_flow.clikit import AppGroup, actor, common, engine, json_option, lang, obj, out, url
from auction_flow.commands import alerts as alerts_cmds
from auction_flow.commands import assets as asset_cmds
from auction_flow.commands import reports as report_cmds
from auction_flow.commands import supervision as supervision_cmds


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
    from auction_flow.cli_text import t
    from auction_flow.services import admin as svc

    res = svc.init(url(), admin, name)
    click.echo(t("initialised", database=res["database"], username=res["username"]))


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
    from auction_flow.cli_text import t

    click.echo(t("schema_at", revision=dbm.upgrade(url(), revision)))


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
    from auction_flow.cli_text import t
    from auction_flow.services import admin as svc

    res = svc.add_office(engine(), actor(), code, name, parent)
    click.echo(t("office_added", code=res["code"]))


@office.command("list")
@common
@json_option
def office_list(as_json):
    """List offices.

    Example: auction-flow office list --json
    """
    from auction_flow.cli_text import cols
    from auction_flow.render import table
    from auction_flow.services import admin as svc

    out(svc.list_offices(engine()), as_json,
        lambda rows: table(rows, cols(("code", "code"), ("name", "name"), ("parent", "parent"))))


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
    from auction_flow.cli_text import t
    from auction_flow.services import admin as svc

    res = svc.add_user(engine(), actor(), username, role, office_code, name, email)
    click.echo(t("user_added", username=res["username"], role=res["role"]))


@user.command("list")
@common
@json_option
def user_list(as_json):
    """List users.

    Example: auction-flow user list
    """
    from auction_flow.cli_text import cols
    from auction_flow.render import table
    from auction_flow.services import admin as svc

    out(svc.list_users(engine()), as_json, lambda rows: table(rows, cols(
        ("username", "username"), ("name", "full_name"), ("role", "role"), ("office", "office"), ("email", "email"))))


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
    from auction_flow.cli_text import t
    from auction_flow.services import admin as svc

    res = svc.add_day(engine(), actor(), day, name, "holiday")
    click.echo(t("day_off", day=res["day"]))


@holiday.command("workday")
@common
@click.argument("day", metavar="DATE")
@click.argument("name")
def holiday_workday(day, name):
    """Record a make-up working day (for example a Saturday).

    Example: auction-flow --as admin holiday workday 2027-01-09 "Làm bù"
    """
    from auction_flow.cli_text import t
    from auction_flow.services import admin as svc

    res = svc.add_day(engine(), actor(), day, name, "workday")
    click.echo(t("workday", day=res["day"]))


@holiday.command("list")
@common
@click.option("--year", type=int, required=True)
@json_option
def holiday_list(year, as_json):
    """List days off and make-up working days of a year.

    Example: auction-flow holiday list --year 2026
    """
    from auction_flow.cli_text import cols, day_kind, weekday
    from auction_flow.render import table
    from auction_flow.services import admin as svc

    def text(rows):
        view = [{**r, "weekday": weekday(r["day"], r["weekday"]), "kind": day_kind(r["kind"])} for r in rows]
        return table(view, cols(("day", "date"), ("weekday", "weekday"), ("kind", "kind"), ("name", "day_name")))
    out(svc.list_days(engine(), year), as_json, text)


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
    from auction_flow.cli_text import t
    from auction_flow.services import workflows as svc

    res = svc.validate(file)
    click.echo(t("workflow_valid", file=res["file"], name=res["name"], version=res["version"],
                 states=res["states"], triggers=res["triggers"], regimes=", ".join(res["regimes"])))


@workflow.command("show")
@common
@click.argument("file", required=False, type=click.Path(dir_okay=False))
@json_option
def workflow_show(file, as_json):
    """Show states, clocks and triggers.

    Example: auction-flow workflow show --lang vi
    """
    from auction_flow.cli_text import cols, t
    from auction_flow.render import table
    from auction_flow.services import workflows as svc

    def text(d):
        states = [{"name": s["name"], "label": s["label"], "clock": "; ".join(
            f"{c['regime']}: {c['time']} ({c['basis']})" for c in s["clock"]) or (t("final") if s["final"] else "")}
            for s in d["states"]]
        trigs = [{**tr, "from": ",".join(tr["from"]), "fields": ", ".join(tr["fields"])} for tr in d["triggers"]]
        return "\n\n".join([f"{d['name']} v{d['version']}: {d['label']}",
                            table(states, cols(("name", "state"), ("label", "label"), ("clock", "clock"))),
                            table(trigs, cols(("name", "trigger"), ("from", "from"), ("to", "to"),
                                              ("roles", "roles"), ("fields", "fields")))])
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


@workflow.command("migrate")
@common
@click.option("--to", "to_version", type=int, required=True, help="The newer version of the workflow.")
@click.option("--asset", "asset_ids", multiple=True, metavar="ID", help="An asset to move (repeatable).")
@click.option("--all", "all_assets", is_flag=True, help="Every asset of your offices on an older version, "
              "not closed.")
@click.option("--reason", help="Why (required; it goes on each asset's audit row).")
@click.option("--on", metavar="DATE", help="Business date (default: today).")
@click.option("--dry-run", is_flag=True, help="Check and list the assets; change nothing.")
@json_option
def workflow_migrate(to_version, asset_ids, all_assets, reason, on, dry_run, as_json):
    """Move live assets to a newer version of their workflow (supervisors).

    Every asset is checked first; if any cannot move (its state is not in the new version),
    nothing changes and each is named. An asset keeps its state and running deadline and
    follows the new version from its next step; each move is an audit row on its chain.

    Example: auction-flow --as ld_tinh workflow migrate --to 2 --all --reason "Nghị định mới" --dry-run
    """
    from auction_flow.cli_text import t
    from auction_flow.services import workflows as svc

    res = svc.migrate(engine(), actor(), to_version, asset_ids, all_assets, reason, on, dry_run)
    ids = ", ".join(map(str, res["assets"])) or "-"
    out(res, as_json, t("migrate_dry_run" if dry_run else "migrated", count=len(res["assets"]), name=res["workflow"],
                        to=res["to"], ids=ids))


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

    click.echo(svc.run(obj().get("db"), seed, lang(), year))


# --- the larger groups ---------------------------------------------------------------------
for _group in (asset_cmds.asset, report_cmds.import_group, report_cmds.report, alerts_cmds.alerts,
               alerts_cmds.scheduler, supervision_cmds.audit, supervision_cmds.complaint):
    main.add_command(_group)

if __name__ == "__main__":
    sys.exit(main())
