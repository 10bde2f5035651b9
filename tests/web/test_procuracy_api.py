"""The procuracy's JSON API through the ASGI application (httpx via Starlette's TestClient) over a
real database on each backend: a send, a recommendation and a protest registered by a procurator, an
answer by a supervisor, the list in the caller's scope, each as `procuracy ... --json` prints it; a
refusal for role or office is a 403 with its access_log row, bad input a 422 naming the field."""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import select
from test_api import client, province, token  # noqa: F401 (the fixtures this module uses)

from auction_flow.storage import db
from auction_flow.storage.schema import access_log


def _refusals(db_url, action):
    engine = db.open_db(db_url)
    try:
        with engine.connect() as conn:
            return [(r.actor, r.action, r.via.split(":")[0]) for r in conn.execute(
                select(access_log.c.actor, access_log.c.action, access_log.c.via)
                .where(access_log.c.action == action).order_by(access_log.c.id))]
    finally:
        engine.dispose()


def test_the_schema_names_the_procuracy_routes(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    assert {"/api/procuracy", "/api/procuracy/sends", "/api/procuracy/recommendations", "/api/procuracy/protests",
            "/api/procuracy/items/{item_id}/answer"} <= set(paths)
    assert "procurator" in paths["/api/procuracy/protests"]["post"]["description"]


def test_send_register_answer_and_list_as_the_command_line_prints_them(client, cli, province):
    asset, today = province["fresh"], dt.date.today().isoformat()
    sent = client.post("/api/procuracy/sends", headers=token(client, "cv_an"),
                       json={"asset": asset, "step": 1, "on": today, "reference": "12/CV-THA"})
    assert sent.status_code == 201, sent.text
    assert (sent.json()["trigger"], sent.json()["clock"], sent.json()["reference"]) == ("seize", "met", "12/CV-THA")
    again = client.post("/api/procuracy/sends?lang=en", headers=token(client, "cv_an"),
                        json={"asset": asset, "step": 1})
    assert again.status_code == 422 and "already" in again.json()["error"], again.text

    ksv = token(client, "ksv")
    rec = client.post("/api/procuracy/recommendations", headers=ksv,
                      json={"asset": asset, "number": "02/KN-VKS", "received": today, "about": "Chậm gửi"})
    pro = client.post("/api/procuracy/protests", headers=ksv,
                      json={"asset": asset, "number": "05/QĐ-VKS", "received": today, "about": "Sai", "step": 1})
    assert rec.status_code == pro.status_code == 201, (rec.text, pro.text)
    assert (rec.json()["kind"], pro.json()["kind"], pro.json()["step"]) == ("recommendation", "protest", 1)
    assert pro.json()["status"] == "open" and "106/2025" in pro.json()["answer_basis"]  # today: the 2026 regime

    done = client.post(f"/api/procuracy/items/{pro.json()['id']}/answer", headers=token(client, "ld_binh"),
                       json={"on": today, "text": "Đã thu hồi quyết định"})
    assert done.status_code == 200, done.text
    assert (done.json()["status"], done.json()["answered_by"], done.json()["clock"]) == ("answered", "ld_binh", "met")
    twice = client.post(f"/api/procuracy/items/{pro.json()['id']}/answer?lang=en", headers=token(client, "ld_binh"),
                        json={"text": "x"})
    assert twice.status_code in (409, 422) and "answered" in twice.json()["error"]

    for who in ("ksv", "ld_binh", "cv_an"):
        printed = cli("procuracy", "list", "--now", today, "--json", actor=who)
        assert printed.exit_code == 0, printed.output
        answered = client.get(f"/api/procuracy?on={today}", headers=token(client, who))
        assert answered.status_code == 200 and answered.json() == json.loads(printed.output), who
    listed = client.get(f"/api/procuracy?asset={asset}&items_only=true", headers=token(client, "ksv")).json()
    assert [i["number"] for i in listed["items"]] == ["02/KN-VKS", "05/QĐ-VKS"] and listed["decisions"] == []
    # another office's officer sees none of it
    other = client.get("/api/procuracy", headers=token(client, "cv_dung")).json()
    assert other["items"] == [] and all(d["office"] == "HG-NB" for d in other["decisions"])


def test_each_write_is_refused_to_the_wrong_role_or_office_and_logged(client, db_url, province):
    asset, today = province["fresh"], dt.date.today().isoformat()
    body = {"asset": asset, "number": "1/KN", "received": today, "about": "x"}
    officer = client.post("/api/procuracy/recommendations?lang=en", headers=token(client, "cv_an"), json=body)
    assert officer.status_code == 403 and "procurator" in officer.json()["error"], officer.text
    assert _refusals(db_url, "procuracy recommendation") == [("cv_an", "procuracy recommendation", "session")]  # the token of POST /api/token

    item = client.post("/api/procuracy/protests", headers=token(client, "ksv"), json=body).json()
    for who, why in (("ksv", "supervisor"), ("cv_an", "supervisor")):
        r = client.post(f"/api/procuracy/items/{item['id']}/answer?lang=en", headers=token(client, who),
                        json={"text": "x"})
        assert r.status_code == 403 and why in r.json()["error"], r.text
    sent = client.post("/api/procuracy/sends", headers=token(client, "ksv"), json={"asset": asset, "step": 1})
    assert sent.status_code == 403
    outside = client.post("/api/procuracy/sends?lang=en", headers=token(client, "cv_dung"),
                          json={"asset": asset, "step": 1})
    assert outside.status_code == 403 and "HG-VT" in outside.json()["error"]
    assert [a for a, _, _ in _refusals(db_url, "procuracy answer")] == ["ksv", "cv_an"]
    assert [a for a, _, _ in _refusals(db_url, "procuracy send")] == ["ksv", "cv_dung"]


def test_bad_input_is_a_422_naming_what_was_wrong_and_writes_nothing(client, province):
    ksv, asset = token(client, "ksv"), province["fresh"]
    r = client.post("/api/procuracy/protests?lang=en", headers=ksv,
                    json={"asset": asset, "number": "1/KN", "received": "2026-13-40", "about": "x"})
    assert r.status_code == 422 and "2026-13-40" in r.json()["error"], r.text
    r = client.post("/api/procuracy/protests?lang=en", headers=ksv,
                    json={"asset": asset, "number": " ", "received": "2026-03-02", "about": "x"})
    assert r.status_code == 422 and "--number" in r.json()["error"], r.text
    r = client.post("/api/procuracy/protests", headers=ksv, json={"asset": asset})
    assert r.status_code == 422 and set(r.json()) == {"error"}
    r = client.post("/api/procuracy/sends?lang=en", headers=token(client, "cv_an"), json={"asset": asset, "step": 99})
    assert r.status_code == 404 and "99" in r.json()["error"]
    assert client.get("/api/procuracy", headers=ksv).json()["items"] == []
