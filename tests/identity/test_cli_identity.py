"""The command line acts only as someone signed in here: login, logout, whoami, --as among the
sessions held, bearer tokens, passwords, deactivation; and every row says which session or
token it came through, never the secret."""

from __future__ import annotations

import json
import os
import stat

from click.testing import CliRunner
from conftest import PASSWORD
from sqlalchemy import select, text

from cli import main

from auction_flow.features.identity import local
from auction_flow.storage.schema import access_log, alerts, audit_log, complaints, sessions

SEIZE = ["asset", "seize", "--case", "1/2026", "--office", "HG-VT", "--kind", "movable", "--description", "Xe",
         "--on", "2026-03-02"]


class Cli:
    """The command tree as typed: unlike conftest's helper, it signs nobody in by itself."""

    def __init__(self, url: str):
        self.url = url

    def __call__(self, *args, input: str | None = None):
        return CliRunner().invoke(main, ["--db", self.url, *map(str, args)], input=input, catch_exceptions=False)


def _login(cli, name, password=PASSWORD):
    return cli("login", name, "--password-stdin", input=password + "\n")


def _err(result) -> str:
    assert result.exit_code == 1, result.output
    [line] = result.stderr.splitlines()
    return line


def _secrets_nowhere(engine, *secrets):
    """No password, password hash or token appears in any row of any text column we write."""
    with engine.connect() as conn:
        rows = [repr(tuple(r)) for t in ("audit_log", "access_log", "alerts", "complaints")
                for r in conn.execute(text(f"SELECT * FROM {t}"))]
    blob = "\n".join(rows)
    for secret in secrets:
        assert secret not in blob
    assert "$argon2" not in blob and "afs_" not in blob and "aft_" not in blob


def test_login_keeps_the_token_in_a_private_file_and_acting_needs_it(world, db_url, tmp_path):
    cli = Cli(db_url)
    assert _err(cli(*SEIZE, "--as", "cv_an")) == "error: not signed in as cv_an: run auction-flow login cv_an"
    assert _err(cli(*SEIZE)).startswith("error: not signed in to ")
    assert _err(_login(cli, "cv_an", "wrong-password-1")) == "error: sign-in refused: wrong username or password"
    r = _login(cli, "cv_an")
    assert r.exit_code == 0 and r.output.startswith("signed in as cv_an (officer, HG-VT) to "), r.output
    folder = local.path().parent
    assert stat.S_IMODE(os.stat(local.path()).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700
    held = json.loads(local.path().read_text())["sessions"]
    assert [(e["db"], e["username"]) for e in held] == [(local.db_key(db_url), "cv_an")]
    assert local.db_key("postgresql+psycopg://app:s3cret@db.hg/thads") == "postgresql+psycopg://app@db.hg/thads"
    r = cli(*SEIZE)  # one session held: used without --as
    assert r.exit_code == 0, r.output
    me = json.loads(cli("whoami", "--json").output)
    assert {k: me[k] for k in ("username", "role", "office")} == {"username": "cv_an", "role": "officer",
                                                                  "office": "HG-VT"}
    assert me["via"].startswith("session:")
    assert _login(cli, "ld_binh").exit_code == 0
    assert _err(cli("whoami")) == ("error: several sessions are held here for this database (cv_an, ld_binh): "
                                   "choose one with --as USERNAME")
    assert cli("whoami", "--as", "ld_binh").output.startswith("ld_binh (supervisor, HG-VT) via session:")
    os.environ["AUCTION_FLOW_USER"] = "ld_binh"
    try:
        assert cli("whoami").output.startswith("ld_binh ")
    finally:
        del os.environ["AUCTION_FLOW_USER"]
    assert cli("logout", "cv_an").exit_code == 0
    assert _err(cli("whoami", "--as", "cv_an")) == "error: not signed in as cv_an: run auction-flow login cv_an"
    with world.connect() as conn:
        ended = conn.execute(select(sessions.c.ended_reason).where(sessions.c.client.like("%@%"))
                             .order_by(sessions.c.id)).scalars().all()
    assert ended == ["signed_out", None]


def test_every_row_names_its_session_and_never_the_secret(world, db_url):
    cli = Cli(db_url)
    for name in ("cv_an", "ld_binh", "cv_dung"):
        assert _login(cli, name).exit_code == 0
    held = local.held(db_url)
    sid = {name: f"session:{e['session']}" for name, e in held.items()}
    assert cli(*SEIZE, "--as", "cv_an").exit_code == 0
    assert cli("asset", "advance", "1", "agree_price", "--set", "price=100000000", "--on", "2026-03-04",
               "--as", "cv_an").exit_code == 0
    assert cli("asset", "show", "1", "--as", "cv_dung").exit_code == 1  # another office: refused, logged
    assert cli("complaint", "add", "--asset", "1", "--kind", "complaint", "--received", "2026-03-05", "--by", "Bà A",
               "--about", "giá thấp", "--as", "cv_an").exit_code == 0
    assert cli("complaint", "accept", "1", "--on", "2026-03-06", "--as", "ld_binh").exit_code == 0
    assert cli("alerts", "scan", "--now", "2026-05-30").exit_code == 0
    with world.connect() as conn:
        alert_id = conn.execute(select(alerts.c.id)).scalars().first()
    assert cli("alerts", "ack", alert_id, "--reason", "đã xem", "--as", "ld_binh").exit_code == 0
    with world.connect() as conn:
        vias = dict(conn.execute(select(audit_log.c.event, audit_log.c.via).where(audit_log.c.via.is_not(None))).all())
        denied = conn.execute(select(access_log.c.actor, access_log.c.via)).all()
        handled = conn.execute(select(alerts.c.handled_via).where(alerts.c.id == alert_id)).scalar()
        complaint = conn.execute(select(complaints.c.created_via, complaints.c.decided_via)).one()
    assert vias == {"asset_created": sid["cv_an"], "transition": sid["cv_an"], "complaint_received": sid["cv_an"],
                    "complaint_accepted": sid["ld_binh"], "alert_acknowledged": sid["ld_binh"],
                    "access_denied": sid["cv_dung"]}  # the refusal is chained too (issue 12)
    assert denied == [("cv_dung", sid["cv_dung"])]
    assert handled == sid["ld_binh"] and tuple(complaint) == (sid["cv_an"], sid["ld_binh"])
    r = cli("audit", "verify", "--as", "ld_binh")
    assert r.exit_code == 0, r.output
    _secrets_nowhere(world, PASSWORD, *(e["token"] for e in held.values()))


def test_bearer_tokens_for_scripts(world, db_url, monkeypatch):
    cli = Cli(db_url)
    assert _login(cli, "cv_an").exit_code == 0
    made = json.loads(cli("token", "create", "--name", "báo cáo đêm", "--expires", "30", "--json").output)
    secret = made.pop("token")
    assert secret.startswith("aft_") and made["status"] == "active" and made["user"] == "cv_an"
    assert secret not in cli("token", "list").output and "báo cáo đêm" in cli("token", "list").output
    cli("logout")
    monkeypatch.setenv("AUCTION_FLOW_TOKEN", secret)
    r = cli(*SEIZE)
    assert r.exit_code == 0, r.output
    assert json.loads(cli("whoami", "--json").output)["via"] == f"token:{made['id']}"
    assert _err(cli("whoami", "--as", "ld_binh")) == "error: the token in AUCTION_FLOW_TOKEN is cv_an's, not ld_binh's"
    assert _err(cli("token", "create", "--name", "x", "--expires", "2")) == \
        "error: creating a token needs a signed-in session, not a token"
    with world.connect() as conn:
        assert conn.execute(select(audit_log.c.via).where(audit_log.c.event == "asset_created")).scalar() == \
            f"token:{made['id']}"
    assert cli("token", "revoke", made["id"]).exit_code == 0
    assert _err(cli("whoami")).startswith("error: the session or token is not valid")
    monkeypatch.delenv("AUCTION_FLOW_TOKEN")
    assert _login(cli, "cv_dung").exit_code == 0
    assert "may not revoke token" in _err(cli("token", "revoke", made["id"], "--as", "cv_dung"))
    for bad in ("0", "367", "2020-01-01", "soon"):
        assert "--expires must be" in _err(cli("token", "create", "--name", "x", "--expires", bad, "--as", "cv_dung"))
    _secrets_nowhere(world, secret)


def test_passwords_change_and_reset(world, db_url):
    cli = Cli(db_url)
    assert _login(cli, "cv_an").exit_code == 0
    other = _login(Cli(db_url), "cv_an")  # a second session of cv_an (replaces the first here)
    assert other.exit_code == 0
    new = "mat-khau-moi-2026"
    for old_new, needle in (((PASSWORD, "short"), "at least 10 characters"),
                            ((PASSWORD, "password123"), "among the most common passwords"),
                            ((PASSWORD, "xx-cv_an-2026"), "must not contain the username"),
                            ((PASSWORD, "aaaaaaaaaaaa"), "at least 5 different characters"),
                            (("wrong-password-1", new), "the current password is wrong")):
        assert needle in _err(cli("user", "passwd", "--password-stdin", input="\n".join(old_new) + "\n"))
    assert cli("user", "passwd", "--password-stdin", input=f"{PASSWORD}\n{new}\n").exit_code == 0
    assert cli("whoami").exit_code == 0  # this session is kept
    assert _err(_login(Cli(db_url), "cv_an", PASSWORD)).startswith("error: sign-in refused")
    # an administrator resets it: every session of cv_an ends; the next sign-in must change it
    assert _login(cli, "admin").exit_code == 0
    r = cli("user", "passwd", "cv_an", "--password-stdin", "--as", "admin", input="tam-thoi-2026-xyz\n")
    assert r.exit_code == 0 and "must be changed at the next sign-in" in r.output
    assert _err(cli("whoami", "--as", "cv_an")).startswith("error: not signed in as cv_an")
    r = _login(cli, "cv_an", "tam-thoi-2026-xyz")
    assert r.exit_code == 0 and "choose a new one now with auction-flow user passwd" in r.output
    assert _err(cli(*SEIZE, "--as", "cv_an")) == ("error: cv_an must change the password before anything else: "
                                                  "run auction-flow user passwd")
    assert cli("whoami", "--as", "cv_an", "--json").exit_code == 0
    assert cli("user", "passwd", "--as", "cv_an", "--password-stdin",
               input="tam-thoi-2026-xyz\nmat-khau-rieng-2026\n").exit_code == 0
    assert cli(*SEIZE, "--as", "cv_an").exit_code == 0
    assert "may not user passwd" in _err(cli("user", "passwd", "cv_ba", "--password-stdin", "--as", "cv_an",
                                             input="whatever-pass-1\n"))
    with world.connect() as conn:
        events = conn.execute(select(audit_log.c.event, audit_log.c.actor, audit_log.c.changes)
                              .where(audit_log.c.event.like("password_%")).order_by(audit_log.c.id)).all()
    assert [(e, a) for e, a, _ in events] == [("password_changed", "cv_an"), ("password_reset", "admin"),
                                              ("password_changed", "cv_an")]
    assert json.loads(events[1][2])["must_change_password"] == [False, True]
    assert json.loads(events[2][2])["must_change_password"] == [True, False]
    _secrets_nowhere(world, PASSWORD, new, "tam-thoi-2026-xyz", "mat-khau-rieng-2026")


def test_deactivate_and_activate_from_the_command_line(world, db_url):
    cli = Cli(db_url)
    for name in ("admin", "cv_an", "ld_binh"):
        assert _login(cli, name).exit_code == 0
    assert "may not user deactivate" in _err(cli("user", "deactivate", "cv_an", "--as", "ld_binh"))
    r = cli("user", "deactivate", "cv_an", "--as", "admin")
    assert r.output.strip() == "user cv_an deactivated; 1 session(s) and 0 token(s) ended"
    assert _err(cli("whoami", "--as", "cv_an")).startswith("error: not signed in as cv_an")
    assert _err(_login(cli, "cv_an")) == "error: sign-in refused: wrong username or password"
    assert "already deactivated" in _err(cli("user", "deactivate", "cv_an", "--as", "admin"))
    assert "your own account" in _err(cli("user", "deactivate", "admin", "--as", "admin"))
    users = json.loads(cli("user", "list", "--json", "--as", "admin").output)
    assert [u["active"] for u in users if u["username"] == "cv_an"] == [False]
    assert cli("user", "activate", "cv_an", "--as", "admin").output.strip() == "user cv_an activated"
    assert _login(cli, "cv_an").exit_code == 0
    denied = json.loads(cli("audit", "denied", "--json", "--as", "admin").output)
    assert [(d["actor"], d["action"]) for d in denied] == [("ld_binh", "user deactivate"), ("cv_an", "sign_in")]
    with world.connect() as conn:
        rows = conn.execute(select(audit_log.c.event, audit_log.c.changes)
                            .where(audit_log.c.event.in_(["user_deactivated", "user_activated"]))
                            .order_by(audit_log.c.id)).all()
    assert [(e, json.loads(c)) for e, c in rows] == [
        ("user_deactivated", {"username": ["cv_an", "cv_an"], "active": [True, False]}),
        ("user_activated", {"username": ["cv_an", "cv_an"], "active": [False, True]})]


def test_init_and_user_add_refuse_weak_passwords_and_change_nothing(empty_db_url):
    cli = Cli(empty_db_url)
    assert "at least 10" in _err(cli("init", "--admin", "admin", "--password-stdin", input="short\n"))
    err = _err(cli("office", "list"))  # nothing was made: no schema (PostgreSQL), no file at all (SQLite)
    assert "no auction-flow schema" in err or "there is no database at" in err
    r = cli("init", "--admin", "admin", input="quan-tri-2026-x\nsomething-else-1\nquan-tri-2026-x\nquan-tri-2026-x\n")
    assert r.exit_code == 0 and "do not match" in r.output  # asked again, hidden, until both agree
    assert _login(cli, "admin", "quan-tri-2026-x").exit_code == 0
    assert cli("office", "add", "HG", "Cục").exit_code == 0
    assert "most common" in _err(cli("user", "add", "u1", "--role", "admin", "--password-stdin",
                                     input="qwertyuiop\n"))
    assert json.loads(cli("user", "list", "--json").output)[0]["username"] == "admin"
    r = cli("user", "add", "u1", "--role", "admin", "--must-change", "--password-stdin", input="tam-thoi-2026-u1\n")
    assert r.exit_code == 0, r.output
    r = _login(cli, "u1", "tam-thoi-2026-u1")
    assert r.exit_code == 0 and "choose a new one now" in r.output
    assert "must change the password" in _err(cli("office", "add", "X", "x", "--as", "u1"))


def test_every_administration_command_refused_to_a_supervisor_is_an_access_log_row(world, db_url):
    """Offices, users and days off: an administrator's; anyone else is refused in one line, an
    ``access_log`` row (``audit denied`` shows it) and nothing else changed."""
    cli = Cli(db_url)
    assert _login(cli, "ld_tinh").exit_code == 0
    commands = {"office add": ("office", "add", "HG-XX", "Chi cục mới"),
                "office move": ("office", "move", "HG-NB", "--parent", "HG-VT"),
                "user add": ("user", "add", "cv_moi", "--role", "officer", "--office", "HG-VT", "--password-stdin"),
                "user change": ("user", "change", "cv_an", "--role", "supervisor"),
                "holiday add": ("holiday", "add", "2026-12-24", "Nghỉ"),
                "holiday workday": ("holiday", "workday", "2026-12-26", "Làm bù")}
    with world.connect() as conn:
        before = [conn.execute(text(f"SELECT count(*) FROM {t}")).scalar() for t in ("offices", "users", "calendar_days")]
    for action, args in commands.items():
        line = _err(cli(*args, "--as", "ld_tinh", input="Mat-khau-moi-2026\n"))
        assert line == f"error: ld_tinh (role supervisor) may not {action} (only admin may)", line
    denied = json.loads(cli("audit", "denied", "--json", "--as", "ld_tinh").output)
    assert [(d["actor"], d["action"]) for d in denied] == [("ld_tinh", a) for a in commands]
    with world.connect() as conn:
        after = [conn.execute(text(f"SELECT count(*) FROM {t}")).scalar() for t in ("offices", "users", "calendar_days")]
        cv_an = conn.execute(text("SELECT role FROM users WHERE username = 'cv_an'")).scalar()
    assert after == before and cv_an == "officer"
    # a branch officer's try is read by the branch's supervisor too (the row names the officer's office)
    assert _login(cli, "cv_an").exit_code == 0 and _login(cli, "ld_binh").exit_code == 0
    assert "may not user add" in _err(cli(*commands["user add"], "--as", "cv_an", input="Mat-khau-moi-2026\n"))
    seen = json.loads(cli("audit", "denied", "--json", "--as", "ld_binh").output)
    assert [(d["actor"], d["action"], d["office"]) for d in seen] == [("cv_an", "user add", "HG-VT")]


def test_user_list_shows_the_users_of_the_offices_one_may_read(world, db_url):
    cli = Cli(db_url)
    names = {}
    for who in ("admin", "ld_tinh", "ld_binh", "cv_dung", "ksv"):
        assert _login(cli, who).exit_code == 0
        r = cli("user", "list", "--json", "--as", who)
        assert r.exit_code == 0, r.output
        names[who] = [u["username"] for u in json.loads(r.output)]
    everyone = ["admin", "cv_an", "cv_ba", "cv_dung", "ksv", "ld_binh", "ld_tinh"]
    assert names["admin"] == everyone
    assert names["ld_tinh"] == names["ksv"] == ["cv_an", "cv_ba", "cv_dung", "ksv", "ld_binh", "ld_tinh"]  # HG and under
    assert names["ld_binh"] == ["cv_an", "cv_ba", "ld_binh"]  # HG-VT only
    assert names["cv_dung"] == ["cv_dung"]  # HG-NB's only officer
    shown = cli("user", "list", "--as", "cv_dung").output
    assert "cv_an@thads.test" not in shown and "cv_dung@thads.test" in shown
