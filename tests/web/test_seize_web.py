"""The seizure form of the web desk (``/assets/new``): what ``asset seize`` records, from a browser, over
the same service, on each backend. The form offers the reader's own offices and officers; a seizure
issues its decision and links its parties; a refusal comes back beside the input it is about with what
was typed and writes nothing; a second seizure of the same thing is refused with a link to the first
until the officer ticks that it is a second one; a procurator is refused (403, an access_log row); a
post without the CSRF token is refused."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import func, select
from test_api import page_session
from webkit import client, engine, province  # noqa: F401 (the fixtures this module uses)

from auction_flow.features.assets import service as assets_svc
from auction_flow.features.casefile import parties as parties_svc
from auction_flow.storage.schema import access_log, assets


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


# --- choosing the parties by name or identity number (the case file's party search, inside the form) ---


def register(engine):
    """Two debtors and a creditor of cv_an's office (HG-VT); Trần Thị Bình is HG-NB's (build_province)."""
    return {"anh": parties_svc.add(engine, "cv_an", "Nguyễn Văn Anh", "093085007777", "person")["id"],
            "hoa": parties_svc.add(engine, "cv_an", "Đặng Thị Hoa", "093085008888", "person")["id"],
            "hb": parties_svc.add(engine, "cv_an", "Công ty TNHH Hòa Bình", "0100233488", "enterprise")["id"]}


def offered(page: str, role: str) -> dict[int, bool]:
    """The parties the form offers in a role: id -> ticked."""
    return {int(m.group(2)): bool(m.group(3)) for m in re.finditer(
        rf'<input type="checkbox" name="pick_{role}" value="(\d+)" id="pick-{role}-(\d+)"( checked)?>', page)}


def test_an_officer_finds_parties_by_name_without_diacritics_and_seizes_with_exactly_those(client, engine, province):
    csrf = page_session(client, "cv_an")
    p = register(engine)
    r = post(client, csrf, find="debtors", find_debtors="nguyen van anh", case_number="90/2026/QĐ")
    assert r.status_code == 200, r.text
    assert offered(r.text, "debtors") == {p["anh"]: False}  # "Nguyễn Văn An" is no match for "anh"
    assert "Nguyễn Văn Anh" in r.text and 'value="90/2026/QĐ"' in r.text  # what was typed, kept
    assert 'name="searched_debtors" value="nguyen van anh"' in r.text
    # a second debtor, by a prefix of a name typed without diacritics, the first kept ticked
    r = post(client, csrf, find="debtors", find_debtors="dang hoa", pick_debtors=[str(p["anh"])])
    assert offered(r.text, "debtors") == {p["anh"]: True, p["hoa"]: False}
    # the creditor by its identity number
    r = post(client, csrf, find="creditors", find_creditors="0100233488", pick_debtors=[str(p["anh"]), str(p["hoa"])])
    assert r.status_code == 200 and offered(r.text, "creditors") == {p["hb"]: False}
    assert offered(r.text, "debtors") == {p["anh"]: True, p["hoa"]: True}
    before = count(engine, assets)
    r = post(client, csrf, find_creditors="0100233488", searched_creditors="0100233488",
             pick_debtors=[str(p["anh"]), str(p["hoa"])], pick_creditors=[str(p["hb"])])
    assert r.status_code == 303, r.text
    assert count(engine, assets) == before + 1
    new_id = int(re.search(r"/assets/(\d+)", r.headers["location"]).group(1))
    linked = sorted((x["party_id"], x["role"]) for x in parties_svc.asset_parties_view(engine, "cv_an", new_id))
    assert linked == sorted([(p["anh"], "debtor"), (p["hoa"], "debtor"), (p["hb"], "creditor")])


def test_enter_in_a_search_box_searches_rather_than_seizing(client, engine, province):
    csrf = page_session(client, "cv_an")
    p = register(engine)
    before = count(engine, assets)
    r = post(client, csrf, find_creditors="hoa binh")  # the default button, with a box not yet searched
    assert r.status_code == 200 and offered(r.text, "creditors") == {p["hb"]: False}
    assert count(engine, assets) == before
    r = post(client, csrf, find="debtors", find_debtors="  ")  # Find with nothing to find
    block = re.search(r'<div class="field invalid">\s*<label for="seize-find_debtors".*?</p>', r.text, re.S)
    assert r.status_code == 422 and block and "bắt buộc nhập" in block.group(0)
    r = post(client, csrf, find="debtors", find_debtors="...")
    assert r.status_code == 422 and "không có chữ hay số nào để tìm" in r.text and "--party" not in r.text
    assert count(engine, assets) == before


def test_a_party_outside_the_officers_scope_is_neither_offered_nor_accepted(client, engine, province):
    binh = next(x for x in parties_svc.list_parties(engine, "cv_dung") if x["name"] == "Trần Thị Bình")["id"]
    csrf = page_session(client, "cv_an")
    r = post(client, csrf, find="debtors", find_debtors="tran thi binh")
    assert r.status_code == 200 and offered(r.text, "debtors") == {}
    assert "Không tìm thấy đương sự nào khớp với &#39;tran thi binh&#39;" in r.text
    r = post(client, csrf, find="debtors", find_debtors="07908800")  # nor by a part of its number
    assert offered(r.text, "debtors") == {}  # (its full number does: test_seize_party_scope_web.py)
    before, denied = count(engine, assets), count(engine, access_log)
    r = post(client, csrf, case_number="92/2026/QĐ", pick_debtors=[str(binh)])  # a forged tick
    assert r.status_code == 422
    said = re.search(r'id="seize-pick_debtors-error">([^<]*)<', r.text)
    assert said and f"không được xem đương sự số {binh}" in said.group(1)
    assert 'value="92/2026/QĐ"' in r.text and "Trần Thị Bình" not in r.text
    assert count(engine, assets) == before and count(engine, access_log) == denied + 1  # logged
    # the officer of that office finds it (the search is scoped, not blind)
    client.cookies.clear()
    csrf = page_session(client, "cv_dung")
    r = post(client, csrf, office="HG-NB", officer="cv_dung", find="debtors", find_debtors="tran thi binh")
    assert offered(r.text, "debtors") == {binh: False}


def test_a_refusal_keeps_what_was_typed_and_ticked(client, engine, province):
    csrf = page_session(client, "cv_an")
    p = register(engine)
    before = count(engine, assets)
    r = post(client, csrf, description="", find_creditors="hoa", searched_creditors="hoa",
             pick_debtors=[str(p["anh"])], pick_creditors=[str(p["hb"])])
    assert r.status_code == 422
    assert "bắt buộc nhập" in re.search(r'id="seize-description-error">([^<]*)<', r.text).group(1)
    assert offered(r.text, "debtors") == {p["anh"]: True} and offered(r.text, "creditors") == {p["hb"]: True}
    assert 'id="seize-find_creditors" name="find_creditors" type="search" value="hoa"' in r.text
    r = post(client, csrf, pick_debtors=[str(p["anh"])], creditors="999999")  # a typed id that is no party
    said = re.search(r'id="seize-creditors-error">([^<]*)<', r.text)
    assert r.status_code == 422 and said and "999999" in said.group(1)
    assert offered(r.text, "debtors") == {p["anh"]: True} and 'value="999999"' in r.text
    r = post(client, csrf, pick_debtors=[str(p["anh"])], creditors=str(p["hb"]))  # both ways: the ids box too
    assert r.status_code == 303
    new_id = int(re.search(r"/assets/(\d+)", r.headers["location"]).group(1))
    linked = sorted((x["party_id"], x["role"]) for x in parties_svc.asset_parties_view(engine, "cv_an", new_id))
    assert linked == sorted([(p["anh"], "debtor"), (p["hb"], "creditor")])
    assert count(engine, assets) == before + 1


def test_the_party_search_in_english_and_escaped(client, engine, province):
    csrf = page_session(client, "cv_an")
    client.get("/lang/en?next=/assets/new")
    page = form(client)
    assert "Find a registered party by name or identity-document number" in page
    assert 'name="csrftoken"' in page
    r = post(client, csrf, find="debtors", find_debtors="<script>x</script>")
    assert r.status_code == 200 and "<script>x</script>" not in r.text
    assert "No party you may see matches &#39;&lt;script&gt;x&lt;/script&gt;&#39;" in r.text
    r = post(client, "", find="debtors", find_debtors="an")  # the search step is a post: CSRF too
    assert r.status_code == 403
