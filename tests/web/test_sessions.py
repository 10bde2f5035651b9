"""Sessions of the web desk over the identity feature, through the ASGI application in-process on
a real database: idle and absolute ends, a forced change of password first, the session or
token every written row records, and what the database keeps (hashes, never a secret)."""

from __future__ import annotations

import datetime as dt
import hashlib
import re

from sqlalchemy import select, update
from webkit import PASSWORD, TestClient, client, province  # noqa: F401 (the fixtures this module uses)

from auction_flow.features.identity import service as identity
from auction_flow.storage import db
from auction_flow.storage.schema import access_log, audit_log, sessions, users


def csrf_of(html: str) -> str:
    return re.search(r'name="csrftoken" value="([^"]+)"', html).group(1)


def sign_in(client, username: str, password: str = PASSWORD):
    form = client.get("/login")
    return client.post("/login", data={"username": username, "password": password, "csrftoken": csrf_of(form.text)},
                       follow_redirects=False)


def session_row(engine, token: str):
    with engine.connect() as conn:
        return conn.execute(select(sessions).where(
            sessions.c.token_hash == hashlib.sha256(token.encode()).hexdigest())).mappings().one()


def test_the_database_keeps_hashes_never_a_secret(client, db_url):
    engine = db.open_db(db_url)
    assert sign_in(client, "cv_an").status_code == 303
    cookie = client.cookies.get("af_session")
    api = client.post("/api/token", data={"username": "cv_an", "password": PASSWORD}).json()["token"]
    with engine.connect() as conn:
        stored = [dict(r) for r in conn.execute(select(sessions)).mappings()]
        hashed = conn.execute(select(users.c.password_hash).where(users.c.username == "cv_an")).scalar()
    assert hashed.startswith("$argon2id$") and PASSWORD not in hashed
    assert {r["channel"] for r in stored} == {"web", "api"}
    for secret in (cookie, api):
        assert session_row(engine, secret)["token_hash"] == hashlib.sha256(secret.encode()).hexdigest()
        assert not [r for r in stored if secret in str(r.values())]


def test_an_idle_session_and_an_old_one_end(client, db_url):
    engine = db.open_db(db_url)
    sign_in(client, "cv_an")
    token = client.cookies.get("af_session")
    assert client.get("/desk").status_code == 200
    row = session_row(engine, token)
    assert row["expires_at"].replace(tzinfo=None) - row["created_at"].replace(tzinfo=None) == dt.timedelta(hours=12)
    with engine.begin() as conn:  # 31 minutes without a request
        conn.execute(update(sessions).where(sessions.c.id == row["id"]).values(
            last_used_at=row["last_used_at"] - dt.timedelta(minutes=31)))
    r = client.get("/desk", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
    assert session_row(engine, token)["ended_reason"] == "idle"

    sign_in(client, "cv_an")
    token = client.cookies.get("af_session")
    row = session_row(engine, token)
    with engine.begin() as conn:  # 12 hours after the sign-in, however busy
        conn.execute(update(sessions).where(sessions.c.id == row["id"]).values(
            expires_at=row["created_at"] - dt.timedelta(seconds=1)))
    assert client.get("/desk", follow_redirects=False).status_code == 303


def test_a_password_reset_by_an_administrator_is_changed_first(client, db_url):
    engine = db.open_db(db_url)
    identity.reset_password(engine, "admin", "cv_ba", "Tam-thoi-2026-xyz")
    r = sign_in(client, "cv_ba", "Tam-thoi-2026-xyz")
    assert r.status_code == 303 and r.headers["location"] == "/password"
    for path in ("/desk", "/assets/1", "/reports"):
        assert client.get(path, follow_redirects=False).headers["location"] == "/password"
    api = client.post("/api/token", data={"username": "cv_ba", "password": "Tam-thoi-2026-xyz"}).json()["token"]
    assert client.get("/api/assets", headers={"Authorization": f"Bearer {api}"}).status_code == 403

    form = client.get("/password")
    assert form.status_code == 200 and "Bạn cần đổi mật khẩu" in form.text
    wrong = client.post("/password", data={"csrftoken": csrf_of(form.text), "old": "nope-nope-nope",
                                           "new": "Mat-khau-moi-2026", "repeat": "Mat-khau-moi-2026"})
    assert wrong.status_code == 422 and 'id="pw-old-error"' in wrong.text
    with engine.connect() as conn:  # a wrong current password counts as a failed sign-in, on the web
        logged = conn.execute(select(access_log.c.reason).where(access_log.c.actor == "cv_ba")
                              .order_by(access_log.c.id.desc())).scalar()
    assert "(web" in logged
    weak = client.post("/password", data={"csrftoken": csrf_of(form.text), "old": "Tam-thoi-2026-xyz",
                                          "new": "short", "repeat": "short"})
    assert weak.status_code == 422 and 'id="pw-new-error"' in weak.text
    done = client.post("/password", data={"csrftoken": csrf_of(form.text), "old": "Tam-thoi-2026-xyz",
                                          "new": "Mat-khau-moi-2026", "repeat": "Mat-khau-moi-2026"},
                       follow_redirects=False)
    assert done.status_code == 303
    assert client.get("/desk").status_code == 200  # this session goes on
    assert client.get("/api/assets", headers={"Authorization": f"Bearer {api}"}).status_code == 401  # others end


def test_every_row_written_through_the_desk_records_its_session_or_token(client, db_url, province):
    engine = db.open_db(db_url)
    sign_in(client, "cv_an")
    via = f"session:{session_row(engine, client.cookies.get('af_session'))['id']}"
    page = client.get(f"/assets/{province['fresh']}")
    r = client.post(f"/assets/{province['fresh']}/advance", data={
        "csrftoken": csrf_of(page.text), "trigger": "agree_price", "f_price": "700000000"}, follow_redirects=False)
    assert r.status_code == 303
    tid, secret = identity.create_token(engine, "cv_an", "script", 30)
    bearer = {"Authorization": f"Bearer {secret}"}
    assert client.post(f"/api/assets/{province['refused']}/advance", headers=bearer,
                       json={"trigger": "agree_price", "set": {"price": 1}}).status_code == 200
    assert client.get(f"/api/assets/{province['nb']}", headers=bearer).status_code == 403
    with engine.connect() as conn:
        steps = dict(conn.execute(select(audit_log.c.asset_id, audit_log.c.via)
                                  .where(audit_log.c.event == "transition")).all())
        refusal = conn.execute(select(access_log.c.via).order_by(access_log.c.id.desc())).scalar()
    assert steps == {province["fresh"]: via, province["refused"]: f"token:{tid}"}
    assert refusal == f"token:{tid}"
    assert client.request("DELETE", "/api/token", headers=bearer).json()["via"] == f"token:{tid}"
    assert client.get("/api/me", headers=bearer).status_code == 401  # revoked


def test_failed_sign_ins_are_logged_and_a_locked_name_waits(client, db_url):
    engine = db.open_db(db_url)
    answers = [client.post("/api/token", data={"username": "cv_khoa", "password": "wrong-wrong-wrong"})
               for _ in range(6)]
    assert answers[0].status_code == 401 and answers[-1].status_code == 429
    assert int(answers[-1].headers["Retry-After"]) > 0
    with engine.connect() as conn:
        rows = conn.execute(select(access_log.c.action).where(access_log.c.actor == "cv_khoa")).scalars().all()
    assert len(rows) == 6 and set(rows) == {"sign_in"}
    page = sign_in(client, "cv_khoa")
    assert page.status_code == 429 and "login-error" in page.text and int(page.headers["Retry-After"]) > 0
