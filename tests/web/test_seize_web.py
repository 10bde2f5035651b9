"""The seizure form of the web desk (``/assets/new``): what ``asset seize`` records, from a browser, over
the same service, on each backend. The form offers the reader's own offices and officers; a seizure
issues its decision and links its parties; a refusal comes back beside the input it is about with what
was typed and writes nothing; a second seizure of the same thing is refused with a link to the first
until the officer ticks that it is a second one; a procurator is refused (403, an access_log row); a
post without the CSRF token is refused."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import func, select
from test_api import TestClient, page_session
from webkit import build_province

from auction_flow.features.assets import service as assets_svc
from auction_flow.features.casefile import parties as parties_svc
from auction_flow.frontends.web.app import create_app
from auction_flow.storage import db
from auction_flow.storage.schema import access_log, assets


@pytest.fixture
def province(db_url):
    return build_province(db_url)


@pytest.fixture
def engine(db_url, province):
    e = db.open_db(db_url)
    yield e
    e.dispose()


@pytest.fixture
def client(db_url, province):
    with TestClient(create_app(db_url), base_url="http://127.0.0.1") as c:
        yield c


def count(engine, table) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar()


def form(client) -> str:
    page = client.get("/assets/new")
    assert page.status_code == 200, page.text
    return page.text


def post(client, csrf: str, **values):
    data = {"csrftoken": csrf, "office": "HG-VT", "officer": "cv_an", "kind": "movable",
            "case_number": "88/2026/QĐ-CCTHADS", "description": "Xe tải Hino 95C-456.78",
            "on": dt.date.today().isoformat(), "debtors": "", "creditors": "", **values}
    return client.post("/assets/new", data=data, follow_redirects=False)


def test_an_officer_records_a_seizure_with_its_parties_and_its_decision(client, engine, province):
    csrf = page_session(client, "cv_an")
    assert 'href="/assets/new"' in client.get("/desk").text  # the desk offers it
    page = form(client)
    offices = re.findall(r'<select id="seize-office".*?</select>', page, re.S)[0]
    assert 'value="HG-VT" selected' in offices and "HG-NB" not in offices  # only the officer's office
    officers = re.findall(r'<select id="seize-officer".*?</select>', page, re.S)[0]
    assert 'value="cv_an" selected' in officers and 'value="cv_ba"' in officers and "cv_dung" not in officers
    debtor = parties_svc.add(engine, "cv_an", "Lê Văn Cường", "093085009876", "person")["id"]
    creditor = parties_svc.add(engine, "cv_an", "Công ty TNHH Hòa Bình", "0100233488", "enterprise")["id"]
    day = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    r = post(client, csrf, officer="cv_ba", kind="real_estate", on=day, debtors=str(debtor), creditors=f" {creditor} ")
    assert r.status_code == 303, r.text
    new_id = int(re.fullmatch(r"/assets/(\d+)\?done=seize", r.headers["location"]).group(1))
    shown = assets_svc.show(engine, new_id, "cv_an")
    assert (shown["state"], shown["office"], shown["officer"], shown["kind"]) == ("seized", "HG-VT", "cv_ba",
                                                                                    "real_estate")
    assert str(shown["state_entered_on"]) == day and shown["deadline"] is not None  # the law's clock started
    linked = {(p["party_id"], p["role"]) for p in parties_svc.asset_parties_view(engine, "cv_an", new_id)}
    assert linked == {(debtor, "debtor"), (creditor, "creditor")}
    page = client.get(r.headers["location"]).text
    assert 'id="done"' in page and "Xe tải Hino" in page
    assert re.search(r'id="done"[^>]*>[^<]*Kê biên', page)  # the step recorded, in Vietnamese
    assert "/documents/" in page  # the seizure decision it issued, to download


def test_a_refusal_is_said_beside_its_input_and_nothing_is_written(client, engine, province):
    csrf = page_session(client, "cv_an")
    before = count(engine, assets)
    cases = [({"case_number": "  "}, "case_number", "bắt buộc nhập"),
             ({"description": ""}, "description", "bắt buộc nhập"),
             ({"on": (dt.date.today() + dt.timedelta(days=3)).isoformat()}, "on", "trong tương lai"),
             ({"on": "2026-02-30"}, "on", "2026-02"),
             ({"officer": "cv_dung"}, "officer", "không phải chấp hành viên của HG-VT"),
             ({"debtors": "12a"}, "debtors", "không có đương sự số 12a"),
             ({"creditors": "999999"}, "creditors", "không có đương sự số 999999"),
             ({"kind": "boat"}, "kind", "real_estate")]
    for values, field, said in cases:
        r = post(client, csrf, **values)
        assert r.status_code == 422, (values, r.status_code)
        block = re.search(rf'<div class="field invalid">\s*<label for="seize-{field}".*?</div>', r.text, re.S)
        assert block, (values, r.text[:2000])
        assert said in block.group(0), (values, block.group(0))
        typed = next(iter(values.values()))
        if field in ("debtors", "creditors", "on"):
            assert f'value="{typed}"' in block.group(0)  # kept as typed
    r = post(client, csrf, case_number="9" * 65)  # the column holds 64
    said = re.search(r'id="seize-case_number-error">([^<]*)<', r.text)
    assert r.status_code == 422 and said and "65" in said.group(1) and "64" in said.group(1)
    assert "Số vụ việc" in said.group(1) and "--case" not in r.text  # the input's label, not the option
    assert count(engine, assets) == before


def test_a_second_seizure_of_the_same_thing_needs_the_officer_to_say_so(client, engine, province):
    csrf = page_session(client, "cv_an")
    first = int(re.search(r"/assets/(\d+)", post(client, csrf).headers["location"]).group(1))
    again = post(client, csrf)
    assert again.status_code == 422
    assert f'href="/assets/{first}" id="first-asset"' in again.text and 'name="allow_duplicate"' in again.text
    before = count(engine, assets)
    second = post(client, csrf, allow_duplicate="1")
    assert second.status_code == 303 and count(engine, assets) == before + 1


def test_a_procurator_is_refused_and_the_refusal_is_logged(client, engine, province):
    page_session(client, "ksv")
    assert 'href="/assets/new"' not in client.get("/desk").text
    before = count(engine, access_log)
    r = client.get("/assets/new")
    assert r.status_code == 403 and "seize" in r.text
    assert count(engine, access_log) == before + 1


def test_a_post_without_the_csrf_token_writes_nothing(client, engine, province):
    page_session(client, "cv_an")
    before = count(engine, assets)
    r = post(client, "")
    assert r.status_code == 403 and count(engine, assets) == before


def test_the_form_in_english_and_escaped(client, engine, province):
    csrf = page_session(client, "cv_an")
    client.get("/lang/en?next=/assets/new")
    page = form(client)
    assert "Record a seizure" in page and "Officer in charge" in page
    r = post(client, csrf, case_number="<script>alert(1)</script>", description="")
    assert r.status_code == 422 and "<script>alert(1)</script>" not in r.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in r.text and "required" in r.text
