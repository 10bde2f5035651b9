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
@json_option
def asset_advance(asset_id, trigger, on, reason, sets, as_json):
    """Fire a trigger on an asset.

    Example: auction-flow --as cv_an asset advance 1 agree_price --set price=850000000 --on 2026-11-05
    """
    from dataclasses import asdict

    from auction_flow.services import assets as svc

    res = svc.advance(engine(), asset_id, trigger, actor(), on, sets, reason)
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
def demo(seed):
    """Build a demo database on SQLite (or --db), walk assets through the lifecycle, print it.

    Example: auction-flow demo --lang vi
    """
    from auction_flow.services import demo as svc

    click.echo(svc.run(_obj().get("db"), seed, lang()))


# @@ more command groups are added above this line @@

if __name__ == "__main__":
    sys.exit(main())
