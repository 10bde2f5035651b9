"""The limit on lookups by full identity number (``number_guard``) on the web desk: the seizure form's
exact-number search of a number of no party is a miss (logged masked); past the limit, the search of
another office's party by its number comes back as the form with the message beside the box (422, an
access_log row, the party not shown), and so does the asset page's link form; the JSON API answers 429;
the officer's own parties are still found by number."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select
from test_api import token
from test_seize_web import client, count, engine, offered, page_session, post, province  # noqa: F401

from auction_flow.features.assets import service as assets_svc
from auction_flow.features.casefile import number_guard
from auction_flow.features.casefile import parties as parties_svc
from auction_flow.storage.schema import access_log, asset_parties, assets

BINH = "079088004321"  # Trần Thị Bình, registered by cv_dung of HG-NB (build_province)
NOBODY = ("093085999001", "093085999002")


@pytest.fixture
def limit(monkeypatch):
    monkeypatch.setenv(number_guard.MISSES_ENV, "2")
    monkeypatch.setenv(number_guard.WINDOW_ENV, "30")


def actions(engine, action: str) -> list[dict]:
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(select(access_log).where(access_log.c.action == action)).mappings()]


def test_past_the_limit_the_forms_and_the_api_refuse_lookups_by_number(client, engine, province, limit):
    binh = next(x for x in parties_svc.list_parties(engine, "cv_dung") if x["name"] == "Trần Thị Bình")["id"]
    mine = parties_svc.add(engine, "cv_an", "Nguyễn Văn Anh", "093085007777", "person")["id"]
    asset = assets_svc.seize(engine, "cv_an", "95/2026", "HG-VT", "movable", "Máy xúc", on=dt.date.today())
    csrf = page_session(client, "cv_an")
    r = post(client, csrf, find="debtors", find_debtors=BINH)  # another office's, found: not a miss
    assert r.status_code == 200 and offered(r.text, "debtors") == {binh: False}
    for number in NOBODY:
        r = post(client, csrf, find="debtors", find_debtors=number)
        assert r.status_code == 200 and offered(r.text, "debtors") == {}
    missed = actions(engine, number_guard.MISS)
    assert [(m["actor"], m["reason"]) for m in missed] == \
        [("cv_an", "no party has the identity number 093********* (12 digits)")] * 2
    before, links = count(engine, assets), count(engine, asset_parties)
    # the seizure form's search: the form kept, the message beside the box, the party not shown
    r = post(client, csrf, find="debtors", find_debtors=BINH, case_number="98/2026/QĐ")
    assert r.status_code == 422
    said = re.search(r'id="seize-find_debtors-error">([^<]*)<', r.text)
    assert said and "cv_an đã tra 2 số giấy tờ không có đương sự nào trong 30 phút qua" in said.group(1)
    assert 'value="98/2026/QĐ"' in r.text and "Trần Thị Bình" not in r.text
    # a tick carried with its number from before is refused too
    r = post(client, csrf, pick_debtors=[str(binh)], known=[BINH], case_number="98/2026/QĐ")
    assert r.status_code == 422 and re.search(r'id="seize-pick_debtors-error">[^<]*30 phút', r.text)
    # the asset page's link form
    r = client.post(f"/assets/{asset}/parties", data={"csrftoken": csrf, "role": "debtor", "id_number": BINH},
                    follow_redirects=False)
    assert r.status_code == 422 and "đã tra 2 số giấy tờ" in r.text and "Trần Thị Bình" not in r.text
    # the JSON API: 429 (what a client waits on), one line
    r = client.post("/api/assets", headers=token(client, "cv_an"),
                    json={"case_number": "99/2026", "office": "HG-VT", "kind": "movable", "description": "Ghe",
                          "debtor_id_numbers": [BINH]})
    assert r.status_code == 429 and "đã tra 2 số giấy tờ" in r.json()["error"]
    r = client.post(f"/api/assets/{asset}/advance", headers=token(client, "cv_an"),
                    json={"trigger": "record_sale", "fields": {"sale_price": 1}, "buyer_id_number": NOBODY[0]})
    assert r.status_code == 429
    assert count(engine, assets) == before and count(engine, asset_parties) == links
    refusals = actions(engine, number_guard.REFUSED)
    assert len(refusals) >= 5 and {x["actor"] for x in refusals} == {"cv_an"}
    assert len(actions(engine, number_guard.MISS)) == 2
    # the officer's own party is still found by its number, and linked by it
    r = post(client, csrf, find="debtors", find_debtors="093085007777")
    assert r.status_code == 200 and offered(r.text, "debtors") == {mine: False}
    r = client.post(f"/assets/{asset}/parties", data={"csrftoken": csrf, "role": "debtor", "id_number": "093085007777"},
                    follow_redirects=False)
    assert r.status_code == 303 and count(engine, asset_parties) == links + 1


def test_the_sale_form_takes_another_offices_buyer_by_full_number_within_the_limit(client, engine, province, limit):
    binh = next(x for x in parties_svc.list_parties(engine, "cv_dung") if x["name"] == "Trần Thị Bình")["id"]
    today = dt.date.today()
    ago = lambda days: (today - dt.timedelta(days=days)).isoformat()  # noqa: E731
    sold, other = (assets_svc.seize(engine, "cv_an", f"9{i}/2026", "HG-VT", "movable", "Máy xúc", on=ago(40))
                   for i in (6, 7))
    for asset in (sold, other):
        assets_svc.advance(engine, asset, "agree_price", "cv_an", ago(30), ["price=500000000"])
        assets_svc.advance(engine, asset, "contract_auction", "cv_an", ago(29),
                           ["auction_org=Công ty Đấu giá Hợp danh", f"auction_date={ago(2)}"])
    csrf = page_session(client, "cv_an")
    sale = {"csrftoken": csrf, "trigger": "record_sale", "f_sale_price": "500000000", "f_buyer": "",
            "f_deposit": "50000000"}
    # a number of no party: said beside the box, a miss, nothing written
    r = client.post(f"/assets/{sold}/advance", data={**sale, "buyer_party": NOBODY[0]})
    assert r.status_code == 422
    beside = r.text.split('id="record_sale-buyer_party-error"')[1].split("</p>")[0]
    assert NOBODY[0] in beside and assets_svc.show(engine, sold, "cv_an")["state"] == "auction_contracted"
    assert len(actions(engine, number_guard.MISS)) == 1
    # another office's party by its full number, typed with spaces: bought, linked, named on the asset
    r = client.post(f"/assets/{sold}/advance", data={**sale, "buyer_party": "079 088 004 321"},
                    follow_redirects=False)
    assert r.status_code == 303, r.text
    assert [(p["party_id"], p["role"]) for p in parties_svc.asset_parties_view(engine, "cv_an", sold)] == \
        [(binh, "buyer")]
    assert assets_svc.show(engine, sold, "cv_an")["buyer"] == "Trần Thị Bình"
    # past the limit, the same box is refused beside it (an access_log row), the step not taken
    r = client.post(f"/assets/{other}/advance", data={**sale, "buyer_party": NOBODY[1]})
    assert r.status_code == 422 and len(actions(engine, number_guard.MISS)) == 2
    # (Bình is now a party of an asset of cv_an's office, so found as ever: another of HG-NB's)
    parties_svc.add(engine, "cv_dung", "Phạm Văn Cường", "079088005555", "person")
    r = client.post(f"/assets/{other}/advance", data={**sale, "buyer_party": "079088005555"})
    assert r.status_code == 422
    beside = r.text.split('id="record_sale-buyer_party-error"')[1].split("</p>")[0]
    assert "đã tra 2 số giấy tờ" in beside and "Phạm Văn Cường" not in r.text
    assert assets_svc.show(engine, other, "cv_an")["state"] == "auction_contracted"
    assert actions(engine, number_guard.REFUSED)[-1]["actor"] == "cv_an"
