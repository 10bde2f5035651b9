"""Sign-in commands: login, logout, whoami, and bearer tokens for scripts."""

from __future__ import annotations

import getpass
import socket
from zoneinfo import ZoneInfo

import click

from auction_flow.common.config import TZ_NAME

from auction_flow.common.render import table
from auction_flow.common.words import term
from auction_flow.features.identity import local
from auction_flow.features.identity import service as identity_svc
from auction_flow.features.identity.service import NotSignedIn
from auction_flow.frontends.cli import params
from auction_flow.frontends.cli.app import common
from auction_flow.frontends.cli.help import HelpCommand, HelpGroup
from auction_flow.frontends.cli.kit import (
                                            cols,
                                            engine,
                                            identity,
                                            json_option,
                                            lang,
                                            out,
                                            password,
                                            t,
                                            url,
                                            wanted,
)


def _client() -> str:
    try:
        who = getpass.getuser()
    except (KeyError, OSError):
        who = "?"
    return f"{who}@{socket.gethostname()}"


def _office(office: str | None) -> str:
    return f", {office}" if office else ""


def _local(moment) -> str:
    """A moment as a clock in Vietnam reads it."""
    return moment.astimezone(ZoneInfo(TZ_NAME)).strftime("%Y-%m-%d %H:%M") if moment else "-"


@click.command(cls=HelpCommand)
@common
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of standard input.")
def login(username, password_stdin):
    """Sign in to this database; the session is kept in your config folder.

    The password is asked for without echo (or read with --password-stdin). The session token
    is kept, mode 0600, in the user's configuration folder ($AUCTION_FLOW_CONFIG_DIR, else the
    platform's), for this database and this user; the database keeps only its hash. A command
    line session lasts 7 days, and ends after 24 hours unused. Several users may be signed in
    to one database at once: --as NAME chooses.

    Example: auction-flow --db office.db login cv_an
    """
    secret = password(password_stdin)
    eng = engine()
    signed = identity_svc.sign_in(eng, username, secret, channel="cli", client=_client())
    old = local.remember(url(), signed.username, signed.token, signed.session_id, signed.expires_at)
    if old:  # signing in again replaces the session held here; the old one ends on the server too
        identity_svc.sign_out(eng, old["token"])
    click.echo(t("signed_in", user=signed.username, role=term("role", signed.role, lang()),
                 office=_office(signed.office), db=local.db_key(url()), session=signed.session_id,
                 until=_local(signed.expires_at)))
    if signed.must_change_password:
        click.echo(t("signed_in_must_change"))


@click.command(cls=HelpCommand)
@common
@click.argument("username", required=False)
def logout(username):
    """End a session held here.

    USERNAME defaults to the one --as names, or the only session held. The session ends on the
    server too and its token is removed from your config folder.

    Example: auction-flow logout cv_an
    """
    name = username or wanted()
    if not name:
        here = local.held(url())
        if len(here) != 1:
            raise (NotSignedIn("several_sessions", users=", ".join(sorted(here))) if here
                   else NotSignedIn("not_signed_in_anyone", db=local.db_key(url())))
        name = next(iter(here))
    entry = local.forget(url(), name)
    if entry is None:
        raise NotSignedIn("not_signed_in", user=name)
    identity_svc.sign_out(engine(), entry["token"])
    click.echo(t("signed_out", user=name, db=local.db_key(url())))


@click.command(cls=HelpCommand)
@common
@json_option
def whoami(as_json):
    """Who the next command acts as.

    The user, role and office, and the session or token (``via``) the next command would use.

    Example: auction-flow whoami --json
    """
    me = identity(allow_must_change=True)
    data = {"username": me.username, "role": me.role, "office": me.office, "via": me.via,
            "must_change_password": me.must_change_password}
    out(data, as_json, t("whoami", user=me.username, role=term("role", me.role, lang()), office=_office(me.office),
                         via=me.via))


@click.group(cls=HelpGroup)
def token():
    """Bearer tokens for scripts."""


@token.command("create")
@common
@click.option("--name", required=True, help="What the token is for (a script, a machine).")
@click.option("--expires", required=True, metavar="DATE|DAYS",
              help="The last day it works (YYYY-MM-DD) or a number of days (at most 366).")
@json_option
def token_create(name, expires, as_json):
    """Create a bearer token for your scripts: shown once, stored hashed.

    A script sets AUCTION_FLOW_TOKEN to it and acts as you, on this database, until it expires
    or is revoked (or you are deactivated).

    Example: auction-flow token create --name "báo cáo đêm" --expires 90
    """
    me = identity()
    if me.token_id is not None:
        raise NotSignedIn("token_by_token")
    token_id, secret = identity_svc.create_token(engine(), me.username, name, expires)
    row = next(r for r in identity_svc.list_tokens(engine(), me.username) if r["id"] == token_id)
    if as_json:
        out({**row, "token": secret}, True)
    else:
        click.echo(t("token_created", id=token_id, name=row["name"], user=me.username,
                     until=_local(row["expires_at"])))
        click.echo(secret)


@token.command("revoke")
@common
@click.argument("token_id", metavar="ID", type=params.ID)
def token_revoke(token_id):
    """Revoke a token (yours; an administrator: anyone's).

    Example: auction-flow token revoke 3
    """
    res = identity_svc.revoke_token(engine(), identity().username, token_id)
    click.echo(t("token_revoked", id=res["id"]))


@token.command("list")
@common
@click.option("--all", "everyone", is_flag=True, help="Every user's tokens (administrators).")
@json_option
def token_list(everyone, as_json):
    """List your tokens (never their secrets).

    Example: auction-flow token list --json
    """
    rows = identity_svc.list_tokens(engine(), identity().username, everyone)

    def text(rows):
        view = [{**r, "expires_at": _local(r["expires_at"]), "last_used_at": _local(r["last_used_at"]),
                 "status": term("token_status", r["status"], lang())} for r in rows]
        return table(view, cols(("id", "id"), ("name", "name"), ("user", "username"), ("status", "status"),
                                ("expires_at", "expires"), ("last_used_at", "last_used"))) or t("no_tokens")
    out(rows, as_json, text)
