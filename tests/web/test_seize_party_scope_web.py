"""The seizure form and another office's parties: an id typed in the fallback ids box is checked
against the officer's scope (refused beside the box, the form kept, 422, an access_log row, nothing
written); a party registered by another office is found by its full identity number, exactly, and
can then be ticked and recorded (the page carries the number, the proof, beside the tick); a part of
the number or a name finds only the officer's own. The asset page's link and buyer boxes, and the
JSON API, refuse another office's id the same way."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import select
from test_api import token
from test_seize_web import client, count, engine, offered, page_session, post, province  # noqa: F401

from auction_flow.features.assets import service as assets_svc
from auction_flow.features.casefile import parties as parties_svc
from auction_flow.storage.schema import access_log, asset_parties, assets

BINH = "079088004321"  # Trần Thị Bình, registered by cv_dung of HG-NB (build_province)


def binh_id(engine) -> int:
    return next(x for x in parties_svc.list_parties(engine, "cv_dung") if x["name"] == "Trần Thị Bình")["id"]


def known(page: str) -> list[str]:
    return re.findall(r'<input type="hidden" name="known" value="([^"]*)">', page)


def test_an_id_typed_of_another_offices_party_is_refused_with_the_form_kept(client, engine, province):
    binh = binh_id(engine)
    csrf = page_session(client, "cv_an")
    before, denied, links = count(engine, assets), count(engine, access_log), count(engine, asset_parties)
    r = post(client, csrf, case_number="93/2026/QĐ", debtors=str(binh))
    assert r.status_code == 422
    said = re.search(r'id="seize-debtors-error">([^<]*)<', r.text)
    assert said and f"cv_an không được xem đương sự số {binh}" in said.group(1)
    assert 'value="93/2026/QĐ"' in r.text and f'value="{binh}"' in r.text  # what was typed, kept
    assert "Trần Thị Bình" not in r.text and BINH not in r.text
    assert count(engine, assets) == before and count(engine, asset_parties) == links
    assert count(engine, access_log) == denied + 1
    with engine.connect() as conn:
        row = conn.execute(select(access_log).order_by(access_log.c.id.desc()).limit(1)).mappings().one()
    assert (row["actor"], row["action"], row["office"]) == ("cv_an", "party_link", "HG-NB")
    r = post(client, csrf, creditors=f"1, {binh}")  # in the creditors' box: said beside it
    assert r.status_code == 422 and re.search(r'id="seize-creditors-error">[^<]*' + str(binh), r.text)
    assert count(engine, assets) == before and count(engine, access_log) == denied + 2


def test_the_full_identity_number_finds_another_offices_party_which_can_be_ticked_and_recorded(client, engine,
                                                                                               province):
    binh = binh_id(engine)
    csrf = page_session(client, "cv_an")
    for part in ("07908800", "079088004", BINH[1:], "tran thi binh"):  # a part of it, or a name: nothing
        r = post(client, csrf, find="debtors", find_debtors=part)
        assert r.status_code == 200 and offered(r.text, "debtors") == {} and known(r.text) == [], part
    r = post(client, csrf, find="debtors", find_debtors=BINH, case_number="94/2026/QĐ")
    assert r.status_code == 200 and offered(r.text, "debtors") == {binh: False}
    assert "Trần Thị Bình" in r.text and known(r.text) == [BINH]
    assert "của đơn vị khác, tìm bằng đầy đủ số giấy tờ" in r.text
    # a search in the other box keeps the tick and the number with it
    r = post(client, csrf, find="creditors", find_creditors="nguyen van an", pick_debtors=[str(binh)], known=[BINH],
             searched_debtors=BINH, case_number="94/2026/QĐ")
    assert r.status_code == 200 and offered(r.text, "debtors") == {binh: True} and known(r.text) == [BINH]
    an = next(iter(offered(r.text, "creditors")))
    before, denied = count(engine, assets), count(engine, access_log)
    r = post(client, csrf, pick_debtors=[str(binh)], pick_creditors=[str(an)], known=[BINH],
             searched_creditors="nguyen van an", case_number="94/2026/QĐ")
    assert r.status_code == 303, r.text
    new_id = int(re.search(r"/assets/(\d+)", r.headers["location"]).group(1))
    linked = sorted((x["party_id"], x["role"]) for x in parties_svc.asset_parties_view(engine, "cv_an", new_id))
    assert linked == sorted([(binh, "debtor"), (an, "creditor")])
    assert count(engine, assets) == before + 1 and count(engine, access_log) == denied
    assert parties_svc.show(engine, "cv_an", binh)["id_number"] == BINH  # now the officer's to see


def test_a_tick_with_a_wrong_number_beside_it_is_still_refused(client, engine, province):
    binh = binh_id(engine)
    csrf = page_session(client, "cv_an")
    before, denied = count(engine, assets), count(engine, access_log)
    r = post(client, csrf, pick_debtors=[str(binh)], known=["093085001234", BINH[:-1]])  # An's number, a part
    assert r.status_code == 422 and re.search(rf'id="seize-pick_debtors-error">[^<]*số {binh}', r.text)
    assert "Trần Thị Bình" not in r.text
    assert count(engine, assets) == before and count(engine, access_log) == denied + 1
    r = post(client, "", pick_debtors=[str(binh)], known=[BINH])  # CSRF as ever
    assert r.status_code == 403 and count(engine, assets) == before


def test_the_number_search_in_english_and_escaped(client, engine, province):
    csrf = page_session(client, "cv_an")
    client.get("/lang/en?next=/assets/new")
    r = post(client, csrf, find="debtors", find_debtors=BINH)
    assert r.status_code == 200 and "another office&#39;s, found by its full identity number" in r.text
    assert "A party registered by another office: search its full identity number." in r.text
    r = post(client, csrf, find="debtors", find_debtors=f"{BINH}<b>")
    assert r.status_code == 200 and "<b>" not in r.text and known(r.text) == []


def test_the_asset_page_and_the_api_refuse_another_offices_id(client, engine, province):
    binh = binh_id(engine)
    mine = assets_svc.seize(engine, "cv_an", "95/2026", "HG-VT", "movable", "Máy xúc", on=dt.date.today())
    csrf = page_session(client, "cv_an")
    denied, links = count(engine, access_log), count(engine, asset_parties)
    r = client.post(f"/assets/{mine}/parties", data={"csrftoken": csrf, "party": str(binh), "role": "debtor"},
                    follow_redirects=False)
    assert r.status_code == 422 and f"cv_an không được xem đương sự số {binh}" in r.text
    assert "Trần Thị Bình" not in r.text
    r = client.post("/api/assets", headers=token(client, "cv_an"),
                    json={"case_number": "96/2026", "office": "HG-VT", "kind": "movable", "description": "Ghe",
                          "debtors": [binh]})
    assert r.status_code == 403 and str(binh) in r.text
    assert count(engine, access_log) == denied + 2 and count(engine, asset_parties) == links


def test_the_asset_page_and_the_api_link_another_offices_party_by_its_full_number(client, engine, province):
    binh = binh_id(engine)
    mine = assets_svc.seize(engine, "cv_an", "97/2026", "HG-VT", "movable", "Máy cày", on=dt.date.today())
    csrf = page_session(client, "cv_an")
    links = count(engine, asset_parties)
    page = client.get(f"/assets/{mine}").text
    assert 'name="id_number"' in page and "đơn vị khác" in page
    for typed, said in (({"id_number": BINH[:9]}, BINH[:9]), ({"id_number": BINH, "party": "1"}, "không nhập cả hai")):
        r = client.post(f"/assets/{mine}/parties", data={"csrftoken": csrf, "role": "debtor", **typed},
                        follow_redirects=False)
        assert r.status_code == 422 and said in r.text and "Trần Thị Bình" not in r.text
    assert count(engine, asset_parties) == links
    r = client.post(f"/assets/{mine}/parties", data={"csrftoken": csrf, "role": "debtor", "id_number": BINH},
                    follow_redirects=False)
    assert r.status_code == 303 and count(engine, asset_parties) == links + 1
    assert [(x["party_id"], x["role"]) for x in parties_svc.asset_parties_view(engine, "cv_an", mine)] == [(binh, "debtor")]
    r = client.post(f"/assets/{mine}/parties", data={"role": "creditor", "id_number": BINH}, follow_redirects=False)
    assert r.status_code == 403  # CSRF as ever
    # the API: by number, as asset seize --debtor-id-number
    auth = token(client, "cv_an")
    r = client.post("/api/assets", headers=auth, json={"case_number": "98/2026", "office": "HG-VT", "kind": "movable",
                                                       "description": "Ghe", "creditor_id_numbers": [BINH]})
    assert r.status_code == 201, r.text
    assert [(x["party_id"], x["role"]) for x in parties_svc.asset_parties_view(engine, "cv_an", r.json()["id"])] == \
        [(binh, "creditor")]
    r = client.post("/api/assets", headers=auth, json={"case_number": "99/2026", "office": "HG-VT", "kind": "movable",
                                                       "description": "Xuồng", "debtor_id_numbers": [BINH[:-2]]})
    assert r.status_code == 404 and BINH[:-2] in r.text
