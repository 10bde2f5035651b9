"""The administrator's users page (``/admin/users``), in-process over a real database on each
backend: a user added with a one-time password shown once (never stored or logged in clear) who
must choose their own at the first sign-in; a reset ending the user's sessions; a change of role
or office, a deactivation and an activation, each the command line's audited event; a refusal
said on the page; and anyone but an administrator refused (403 and an ``access_log`` row)."""

from __future__ import annotations

import html
import json
import re

from sqlalchemy import select, text
from test_api import TestClient, page_session
from webkit import PASSWORD, client, engine, province  # noqa: F401 (the fixtures this module uses)

from auction_flow.features.supervision import service as supervision_svc
from auction_flow.frontends.web.app import create_app
from auction_flow.storage.schema import audit_log, users


def csrf_of(html: str) -> str:
    return re.search(r'name="csrftoken" value="([^"]+)"', html).group(1)


def sign_in(db_url, username: str, password: str):
    """A browser of its own: (its client, the answer to the sign-in form)."""
    c = TestClient(create_app(db_url), base_url="http://127.0.0.1")
    r = c.post("/login", data={"username": username, "password": password, "csrftoken": csrf_of(c.get("/login").text)},
               follow_redirects=False)
    return c, r


def events(engine, *names) -> list[tuple[str, dict]]:
    with engine.connect() as conn:
        rows = conn.execute(select(audit_log.c.event, audit_log.c.changes).where(audit_log.c.event.in_(names))
                            .order_by(audit_log.c.id)).all()
    return [(e, json.loads(c)) for e, c in rows]


def everything_written(engine) -> str:
    with engine.connect() as conn:
        return "\n".join(repr(tuple(r)) for t in ("audit_log", "access_log", "users", "sessions")
                         for r in conn.execute(text(f"SELECT * FROM {t}")))


def test_an_administrator_adds_a_user_whose_one_time_password_works_once_and_must_be_changed(client, engine, db_url):
    csrf = page_session(client, "admin")
    assert 'id="users-link"' in client.get("/desk").text
    r = client.post("/admin/users?lang=en", data={"csrftoken": csrf, "username": "cv_moi", "name": "Lê <b>Mới</b>",
                                                  "role": "officer", "office": "HG-NB", "email": "moi@thads.test"})
    assert r.status_code == 200, r.text
    assert "User cv_moi added." in r.text
    one_time = re.search(r'<code id="one-time-password">([^<]+)</code>', r.text).group(1)
    assert re.fullmatch(r"[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}", one_time)
    assert "Lê &lt;b&gt;Mới&lt;/b&gt;" in r.text and "<b>Mới</b>" not in r.text  # escaped
    assert one_time not in client.get("/admin/users").text  # shown once, on that answer only
    assert one_time not in everything_written(engine)
    with engine.connect() as conn:
        row = conn.execute(select(users.c.role, users.c.must_change_password, users.c.password_hash)
                           .where(users.c.username == "cv_moi")).one()
    assert row[0] == "officer" and row[1] is True and row[2].startswith("$argon2id$")
    assert events(engine, "user_added")[-1][1]["must_change_password"] == [None, True]

    browser, signed = sign_in(db_url, "cv_moi", one_time)
    with browser:
        assert signed.status_code == 303 and signed.headers["location"] == "/password"  # their own first
        assert browser.get("/desk", follow_redirects=False).headers["location"].startswith("/password")
        csrf_new = csrf_of(browser.get("/password").text)
        done = browser.post("/password", data={"csrftoken": csrf_new, "old": one_time, "new": "Mat-khau-cua-toi-2026",
                                               "repeat": "Mat-khau-cua-toi-2026"}, follow_redirects=False)
        assert done.status_code == 303
    assert sign_in(db_url, "cv_moi", one_time)[1].status_code == 401  # the one-time password is gone
    assert sign_in(db_url, "cv_moi", "Mat-khau-cua-toi-2026")[1].headers["location"] == "/"


def test_a_reset_ends_the_users_sessions_and_gives_a_new_one_time_password(client, engine, db_url):
    csrf = page_session(client, "admin")
    officer, signed = sign_in(db_url, "cv_an", PASSWORD)
    with officer:
        assert officer.get("/desk").status_code == 200
        r = client.post("/admin/users/cv_an/reset?lang=en", data={"csrftoken": csrf, "confirm": "yes"})
        assert r.status_code == 200 and "cv_an's password was reset" in html.unescape(r.text)
        one_time = re.search(r'<code id="one-time-password">([^<]+)</code>', r.text).group(1)
        assert officer.get("/desk", follow_redirects=False).headers["location"].startswith("/login")  # session ended
    assert sign_in(db_url, "cv_an", PASSWORD)[1].status_code == 401
    assert sign_in(db_url, "cv_an", one_time)[1].headers["location"] == "/password"
    assert [e for e, _ in events(engine, "password_reset")] == ["password_reset"]
    assert one_time not in everything_written(engine)


def test_change_deactivate_and_activate_from_the_page(client, engine, db_url):
    csrf = page_session(client, "admin")
    r = client.post("/admin/users/cv_ba/change?lang=en", data={"csrftoken": csrf, "role": "supervisor",
                                                               "office": "HG-NB"}, follow_redirects=False)
    assert r.status_code == 303
    shown = client.get(r.headers["location"] + "&lang=en").text
    assert "cv_ba's role or office changed." in html.unescape(shown)
    assert events(engine, "user_changed")[-1][1] == {"username": ["cv_ba", "cv_ba"], "role": ["officer", "supervisor"],
                                                     "office": ["HG-VT", "HG-NB"]}
    same = client.post("/admin/users/cv_ba/change?lang=en", data={"csrftoken": csrf, "role": "supervisor",
                                                                  "office": "HG-NB"})
    assert same.status_code == 422 and "cv_ba: nothing to change" in same.text.split('id="users-error"')[1]
    client.post("/admin/users/cv_dung/deactivate", data={"csrftoken": csrf, "confirm": "yes"})
    assert sign_in(db_url, "cv_dung", PASSWORD)[1].status_code == 401
    again = client.post("/admin/users/cv_dung/deactivate?lang=en", data={"csrftoken": csrf, "confirm": "yes"})
    assert again.status_code == 422 and "already deactivated" in again.text
    client.post("/admin/users/cv_dung/activate", data={"csrftoken": csrf})
    assert sign_in(db_url, "cv_dung", PASSWORD)[1].status_code == 303
    assert [e for e, _ in events(engine, "user_deactivated", "user_activated")] == ["user_deactivated",
                                                                                   "user_activated"]
    nobody = client.post("/admin/users/nobody/deactivate?lang=en", data={"csrftoken": csrf, "confirm": "yes"})
    assert nobody.status_code == 404 and "nobody" in nobody.text
    asked = client.post("/admin/users/nobody/deactivate?lang=en", data={"csrftoken": csrf})  # the question too
    assert asked.status_code == 404 and "no user &#39;nobody&#39;" in asked.text


def test_a_reset_or_a_deactivation_asks_first_and_the_question_changes_nothing(client, engine, db_url):
    csrf = page_session(client, "admin")
    with engine.begin() as conn:
        conn.execute(text("UPDATE users SET name = 'Lê <b>Dũng</b>' WHERE username = 'cv_dung'"))
    officer, _ = sign_in(db_url, "cv_dung", PASSWORD)
    with officer:
        before = everything_written(engine)
        for action, question, button in (
                ("reset", "Reset the password of cv_dung (Lê &lt;b&gt;Dũng&lt;/b&gt;)?", "Reset the password"),
                ("deactivate", "Deactivate cv_dung (Lê &lt;b&gt;Dũng&lt;/b&gt;)?", "Deactivate")):
            asked = client.post(f"/admin/users/cv_dung/{action}?lang=en", data={"csrftoken": csrf})
            assert asked.status_code == 200, asked.text
            assert question in asked.text and "<b>Dũng</b>" not in asked.text  # escaped
            form = asked.text.split('id="users-confirm-form"')[1].split("</form>")[0]
            assert f'action="/admin/users/cv_dung/{action}"' in asked.text.split('id="users-confirm-form"')[0][-200:]
            assert 'name="confirm" value="yes"' in form and 'name="csrftoken"' in form and button in form
            assert 'href="/admin/users" id="users-confirm-cancel"' in form
            assert "one-time-password" not in asked.text
        assert officer.get("/desk").status_code == 200  # the question ended no session
        assert everything_written(engine) == before  # and wrote nothing
        vi = client.post("/admin/users/cv_dung/deactivate?lang=vi", data={"csrftoken": csrf})
        assert "Khóa cv_dung (Lê &lt;b&gt;Dũng&lt;/b&gt;)?" in vi.text and "Hủy, quay lại danh sách" in vi.text
        done = client.post("/admin/users/cv_dung/deactivate", data={"csrftoken": csrf, "confirm": "yes"},
                           follow_redirects=False)
        assert done.status_code == 303
        assert officer.get("/desk", follow_redirects=False).headers["location"].startswith("/login")
    assert [e for e, _ in events(engine, "user_deactivated")] == ["user_deactivated"]


def test_a_refused_addition_keeps_what_was_typed_and_adds_nobody(client, engine):
    csrf = page_session(client, "admin")
    with engine.connect() as conn:
        before = conn.execute(text("SELECT count(*) FROM users")).scalar()
    r = client.post("/admin/users?lang=en", data={"csrftoken": csrf, "username": "cv_an", "name": "Trùng tên",
                                                  "role": "officer", "office": "HG-VT"})
    assert r.status_code == 422 and "cv_an" in r.text.split('id="user-add-error"')[1].split("</p>")[0]
    assert 'value="Trùng tên"' in r.text and "one-time-password" not in r.text
    r = client.post("/admin/users?lang=en", data={"csrftoken": csrf, "username": "cv_khac", "role": "officer",
                                                  "office": ""})
    assert r.status_code == 422 and 'id="user-add-error"' in r.text
    for bad in ("cv/an", "cv an", "lê_văn", "-cv"):  # typed after --as and in the desk's addresses
        r = client.post("/admin/users?lang=en", data={"csrftoken": csrf, "username": bad, "role": "officer",
                                                      "office": "HG-VT"})
        assert r.status_code == 422 and "may hold only ASCII letters, digits and . _ -" in html.unescape(r.text), bad
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM users")).scalar() == before


def test_anyone_but_an_administrator_is_refused_and_each_refusal_is_an_access_log_row(client, engine):
    csrf = page_session(client, "ld_tinh")
    assert 'id="users-link"' not in client.get("/supervision").text
    rows = len(supervision_svc.denied(engine, "admin"))
    assert client.get("/admin/users").status_code == 403
    assert client.post("/admin/users", data={"csrftoken": csrf, "username": "x1", "role": "admin"}).status_code == 403
    for action in ("reset", "deactivate", "activate", "change"):
        assert client.post(f"/admin/users/cv_an/{action}", data={"csrftoken": csrf, "role": "admin"}).status_code == 403
    denied = supervision_svc.denied(engine, "admin")[rows:]
    assert [(d["actor"], d["action"]) for d in denied] == [("ld_tinh", a) for a in (
        "user list", "user add", "user passwd", "user deactivate", "user activate", "user change")]
    with engine.connect() as conn:
        assert conn.execute(text("SELECT role, active FROM users WHERE username = 'cv_an'")).one() == ("officer", True)
