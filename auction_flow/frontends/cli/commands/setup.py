"""Set-up commands: init, the database, offices, users, days off, workflow definitions, the demo."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import click

from auction_flow.common.config import TZ_NAME
from auction_flow.common.render import table
from auction_flow.demo import service as demo_svc
from auction_flow.features.admin import service as admin_svc
from auction_flow.features.admin import workflows as workflows_svc
from auction_flow.features.identity import purge as purge_svc
from auction_flow.features.identity import service as identity_svc
from auction_flow.frontends.cli import params
from auction_flow.frontends.cli.app import common
from auction_flow.frontends.cli.help import HelpCommand, HelpGroup
from auction_flow.frontends.cli.kit import (
                                            actor,
                                            code,
                                            cols,
                                            day_kind,
                                            engine,
                                            identity,
                                            json_option,
                                            lang,
                                            obj,
                                            out,
                                            password,
                                            stdin_lines,
                                            t,
                                            url,
                                            weekday,
)
from auction_flow.storage import db as dbm
from auction_flow.storage import roles as roles_mod

PASSWORD_STDIN = click.option("--password-stdin", is_flag=True,
                              help="Read the password from the first line of standard input (else it is asked "
                                   "for twice, without echo).")

# --- set-up ---------------------------------------------------------------------------

@click.command(cls=HelpCommand)
@common
@click.option("--admin", required=True, metavar="USERNAME", help="The first administrator's username.")
@click.option("--name", help="The administrator's full name.")
@PASSWORD_STDIN
def init(admin, name, password_stdin):
    """Create the schema and the first administrator on an empty database.

    The administrator's password (at least 10 characters, not a common one) is asked for twice
    without echo, or read with --password-stdin; then sign in with `auction-flow login NAME`.

    Example: auction-flow --db office.db init --admin admin
    """

    hashed = identity_svc.hash_password(password(password_stdin, "prompt_new_password", confirm=True),
                                        (admin or "").strip())
    res = admin_svc.init(url(), admin, name, password_hash=hashed)
    click.echo(t("initialised", database=res["database"], username=res["username"]))


@click.group(cls=HelpGroup)
def db():
    """The database: where it is and its schema."""


@db.command("upgrade")
@common
@click.option("--revision", default="head", show_default=True, help="Alembic revision to reach.")
def db_upgrade(revision):
    """Create or upgrade the schema (Alembic migrations).

    Example: auction-flow db upgrade --db postgresql://localhost/thads
    """

    click.echo(t("schema_at", revision=dbm.upgrade(url(), revision)))


@db.command("roles")
@common
@click.option("--owner", required=True, metavar="ROLE", help="The role that owns the schema (migrations run as it).")
@click.option("--app", "app_role", required=True, metavar="ROLE",
              help="The role the server and the command line connect as.")
@click.option("--print", "print_only", is_flag=True, help="Print the SQL instead of running it.")
def db_roles(owner, app_role, print_only):
    """PostgreSQL: give the schema to an owner role and the rows, within limits, to an app role.

    The application role cannot UPDATE, DELETE or TRUNCATE the audit tables and cannot change
    the schema. Run it as a superuser, after creating both roles, and again after every
    `db upgrade` (run as the owner). See docs/deployment.md.

    Example: auction-flow --db postgresql://postgres@db/thads db roles --owner thads_owner --app thads_app --print
    """
    if print_only:
        click.echo(roles_mod.script(url(), owner, app_role), nl=False)
        return
    roles_mod.apply(engine(), owner, app_role)
    click.echo(t("roles_applied", owner=owner, app=app_role, db=url().rsplit("/", 1)[-1]))


@db.command("where")
@common
def db_where():
    """Print the database URL in use.

    Example: auction-flow db where
    """
    click.echo(url())


# --- offices, users, days off ----------------------------------------------------------

@click.group(cls=HelpGroup)
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

    res = admin_svc.add_office(engine(), actor(), code, name, parent)
    click.echo(t("office_added", code=res["code"]))


@office.command("move")
@common
@click.argument("code")
@click.option("--parent", metavar="CODE", help="The office it now comes under (none: a top office).")
def office_move(code, parent):
    """Put an office under another one (administrators); audited, as it changes who reaches it.

    Example: auction-flow --as admin office move HG-NB --parent HG
    """

    res = admin_svc.move_office(engine(), actor(), code, parent)
    click.echo(t("office_moved", code=res["code"], parent=res["parent"] or "-"))


@office.command("list")
@common
@json_option
def office_list(as_json):
    """List offices.

    Example: auction-flow office list --json
    """

    out(admin_svc.list_offices(engine()), as_json,
        lambda rows: table(rows, cols(("code", "code"), ("name", "name"), ("parent", "parent"))))


@click.group(cls=HelpGroup)
def user():
    """Users: officers, supervisors, procurators, administrators."""


@user.command("add")
@common
@click.argument("username")
@click.option("--role", required=True, type=click.Choice(["officer", "supervisor", "procurator", "admin"]))
@click.option("--office", "office_code", metavar="CODE", help="The user's office (all roles but admin).")
@click.option("--name", help="Full name.")
@click.option("--email", help="Where alert digests go.")
@click.option("--must-change", is_flag=True, help="The user must choose a new password at the first sign-in.")
@PASSWORD_STDIN
def user_add(username, role, office_code, name, email, must_change, password_stdin):
    """Add a user (administrators only), with a password.

    Example: auction-flow --as admin user add cv_an --role officer --office HG-VT --name "Nguyễn Văn An"
    """

    who = actor()
    hashed = identity_svc.hash_password(password(password_stdin, "prompt_new_password", confirm=True),
                                        (username or "").strip())
    res = admin_svc.add_user(engine(), who, username, role, office_code, name, email, password_hash=hashed,
                             must_change_password=must_change)
    click.echo(t("user_added", username=res["username"], role=res["role"]))


@user.command("change")
@common
@click.argument("username")
@click.option("--role", type=click.Choice(["officer", "supervisor", "procurator", "admin"]), help="The new role.")
@click.option("--office", "office_code", metavar="CODE", help="The new office.")
def user_change(username, role, office_code):
    """Change a user's role or office (administrators); audited, as it changes what they may do.

    Example: auction-flow --as admin user change cv_an --role supervisor
    """

    res = admin_svc.change_user(engine(), actor(), username, role, office_code)
    click.echo(t("user_changed", username=res["username"], role=res["role"], office=res["office"] or "-"))


@user.command("list")
@common
@json_option
def user_list(as_json):
    """List the users of the offices you may read (an administrator: every user).

    Example: auction-flow user list
    """

    out(admin_svc.list_users(engine(), actor()), as_json, lambda rows: table([{**r, "role": code("role", r["role"])} for r in rows], cols(
        ("username", "username"), ("name", "full_name"), ("role", "role"), ("office", "office"), ("email", "email"),
        ("active", "active"))))


@user.command("passwd")
@common
@click.argument("username", required=False)
@click.option("--password-stdin", is_flag=True,
              help="Read from standard input: your current password then the new one, a line each (an "
                   "administrator resetting another user's: the new one only).")
def user_passwd(username, password_stdin):
    """Change your password (the current one is required), or, as an administrator, reset
    another user's: they must change it at their next sign-in and their sessions end.

    Example: auction-flow user passwd
    """
    me = identity(allow_must_change=True)
    if username is None or username == me.username:
        if password_stdin:
            old, new = stdin_lines(2)
        else:
            old = password(False, "prompt_old_password")
            new = password(False, "prompt_new_password", confirm=True)
        identity_svc.change_password(engine(), me.username, old, new, keep_session=me.session_id)
        click.echo(t("password_changed", user=me.username))
        return
    new = password(password_stdin, "prompt_new_password", confirm=True)
    identity_svc.reset_password(engine(), actor(), username, new)
    click.echo(t("password_reset", user=username))


@user.command("deactivate")
@common
@click.argument("username")
def user_deactivate(username):
    """Deactivate a user (administrators): every session and token of theirs ends; their name
    stays in the history.

    Example: auction-flow --as admin user deactivate cv_an
    """
    res = identity_svc.deactivate(engine(), actor(), username)
    click.echo(t("deactivated", user=res["username"], sessions=res["sessions"], tokens=res["tokens"]))


@user.command("activate")
@common
@click.argument("username")
def user_activate(username):
    """Let a deactivated user sign in again (administrators).

    Example: auction-flow --as admin user activate cv_an
    """
    res = identity_svc.activate(engine(), actor(), username)
    click.echo(t("activated", user=res["username"]))


@user.command("purge-sessions")
@common
@click.option("--older-than", "days", type=params.CountType(1, 3650), metavar="DAYS",
              help="Remove sessions ended or expired more than DAYS ago (default: "
                   "$AUCTION_FLOW_SESSION_RETENTION_DAYS, else 90).")
@json_option
def user_purge_sessions(days, as_json):
    """Remove old sign-in sessions now (administrators); the scheduler does it once a day.

    A session ended or expired longer ago than the retention is deleted, unless an audit row
    names it (the session a step or a refusal came through): those are kept for the audit.
    Failed sign-ins stay in the access log.

    Example: auction-flow --as admin user purge-sessions --older-than 30
    """
    res = purge_svc.purge_as(engine(), actor(), days)
    data = {"days": res.days, "before": res.before, "removed": res.removed, "kept": res.kept}
    out(data, as_json, t("sessions_purged", removed=res.removed, kept=res.kept, days=res.days,
                         before=res.before.astimezone(ZoneInfo(TZ_NAME)).strftime("%Y-%m-%d %H:%M")))


@click.group(cls=HelpGroup)
def holiday():
    """Days off and make-up working days beyond the holiday library."""


@holiday.command("add")
@common
@click.argument("day", metavar="DATE", type=params.DAY)
@click.argument("name")
def holiday_add(day, name):
    """Record a day off declared by the government (administrators only).

    Example: auction-flow --as admin holiday add 2026-12-31 "Nghỉ bù"
    """

    res = admin_svc.add_day(engine(), actor(), day, name, "holiday")
    click.echo(t("day_off", day=res["day"]))


@holiday.command("workday")
@common
@click.argument("day", metavar="DATE", type=params.DAY)
@click.argument("name")
def holiday_workday(day, name):
    """Record a make-up working day (for example a Saturday).

    Example: auction-flow --as admin holiday workday 2027-01-09 "Làm bù"
    """

    res = admin_svc.add_day(engine(), actor(), day, name, "workday")
    click.echo(t("workday", day=res["day"]))


@holiday.command("list")
@common
@click.option("--year", type=params.YEAR, required=True)
@json_option
def holiday_list(year, as_json):
    """List days off and make-up working days of a year.

    Example: auction-flow holiday list --year 2026
    """

    def text(rows):
        view = [{**r, "weekday": weekday(r["day"], r["weekday"]), "kind": day_kind(r["kind"])} for r in rows]
        return table(view, cols(("day", "date"), ("weekday", "weekday"), ("kind", "kind"), ("name", "day_name")))
    out(admin_svc.list_days(engine(), year, lang()), as_json, text)


# --- workflow definitions --------------------------------------------------------------

@click.group(cls=HelpGroup)
def workflow():
    """Workflow definitions (workflows/*.yaml)."""


@workflow.command("validate")
@common
@click.argument("file", required=False, type=click.Path(dir_okay=False))
def workflow_validate(file):
    """Check a definition file (a workflow, the complaint clocks or the procuracy's); name the entry and fault of the first error.

    Example: auction-flow workflow validate workflows/asset_auction.yaml
    """

    res = workflows_svc.validate(file)
    if res["kind"] == "procuracy":
        click.echo(t("procuracy_valid", file=res["file"], decisions=res["decisions"], unconfirmed=res["unconfirmed"]))
        return
    if res["kind"] == "complaint_clocks":
        click.echo(t("clocks_valid", file=res["file"], acceptance=res["acceptance"], resolution=res["resolution"]))
        return
    click.echo(t("workflow_valid", file=res["file"], name=res["name"], version=res["version"],
                 states=res["states"], triggers=res["triggers"], regimes=", ".join(res["regimes"])))


@workflow.command("show")
@common
@click.argument("file", required=False, type=click.Path(dir_okay=False))
@click.option("--sources", "only_sources", is_flag=True,
              help="List every legal basis, and what could not be confirmed and why.")
@json_option
def workflow_show(file, only_sources, as_json):
    """Show states, clocks and triggers (--sources: the legal bases, the unconfirmed first).

    Example: auction-flow workflow show --sources
    """
    if only_sources:
        rows = sorted(workflows_svc.show(file, lang())["sources"], key=lambda r: r["confirmed"])
        out(rows, as_json, lambda rs: table([{**r, "confirmed": t("yes") if r["confirmed"] else t("no")}
                                             for r in rs], cols(("entry", "entry"), ("confirmed", "confirmed"),
                                                                ("why", "why"), ("basis", "basis"))))
        return

    def text(d):
        states = [{"name": s["name"], "label": s["label"], "clock": "; ".join(
            f"{c['regime']}: {c['time']} ({c['basis']})" for c in s["clock"]) or (t("final") if s["final"] else "")}
            for s in d["states"]]
        trigs = [{**tr, "from": ",".join(tr["from"]), "fields": ", ".join(tr["fields"])} for tr in d["triggers"]]
        return "\n\n".join([f"{d['name']} v{d['version']}: {d['label']}",
                            table(states, cols(("name", "state"), ("label", "label"), ("clock", "clock"))),
                            table(trigs, cols(("name", "trigger"), ("from", "from"), ("to", "to"),
                                              ("roles", "roles"), ("fields", "fields")))])
    out(workflows_svc.show(file, lang()), as_json, text)


@workflow.command("diagram")
@common
@click.option("--format", "fmt", type=click.Choice(["mermaid", "dot"]), default="mermaid", show_default=True)
@click.argument("file", required=False, type=click.Path(dir_okay=False))
def workflow_diagram(fmt, file):
    """Print the state diagram as Mermaid or Graphviz dot.

    Example: auction-flow workflow diagram --format dot | dot -Tsvg > workflow.svg
    """
    click.echo(workflows_svc.diagram(fmt, file, lang()), nl=False)


@workflow.command("migrate")
@common
@click.option("--to", "to_version", type=params.COUNT, required=True, help="The newer version of the workflow.")
@click.option("--asset", "asset_ids", multiple=True, type=params.ID, metavar="ID", help="An asset to move (repeatable).")
@click.option("--all", "all_assets", is_flag=True, help="Every asset of your offices on an older version, "
              "not closed.")
@click.option("--reason", help="Why (required; it goes on each asset's audit row).")
@click.option("--on", type=params.DAY, metavar="DATE", help="Business date (default: today).")
@click.option("--dry-run", is_flag=True, help="Check and list the assets; change nothing.")
@json_option
def workflow_migrate(to_version, asset_ids, all_assets, reason, on, dry_run, as_json):
    """Move live assets to a newer version of their workflow (supervisors).

    Every asset is checked first; if any cannot move (its state is not in the new version),
    nothing changes and each is named. An asset keeps its state and running deadline and
    follows the new version from its next step; each move is an audit row on its chain.

    Example: auction-flow --as ld_tinh workflow migrate --to 2 --all --reason "Nghị định mới" --dry-run
    """

    res = workflows_svc.migrate(engine(), actor(), to_version, asset_ids, all_assets, reason, on, dry_run)
    ids = ", ".join(map(str, res["assets"])) or "-"
    out(res, as_json, t("migrate_dry_run" if dry_run else "migrated", count=len(res["assets"]), name=res["workflow"],
                        to=res["to"], ids=ids))


# --- demo --------------------------------------------------------------------------------

@click.command(cls=HelpCommand)
@common
@click.option("--seed", type=params.COUNT, default=2020, show_default=True, help="Random seed of the demo data.")
@click.option("--year", type=params.YEAR, default=2020, show_default=True,
              help="Reporting year to play (1 October of the year before to 30 September).")
def demo(seed, year):
    """Build a whole demo province on a fresh SQLite file (or an empty --db) and show it.

    A provincial office, eight branches, their people, and a year of assets pushed through
    the real engine; then the alerts, the summary and the inspection signals as of the
    year's last day.

    Example: auction-flow demo --lang vi
    """
    click.echo(demo_svc.run(obj().get("db"), seed, lang(), year))
