"""The law's checks on the web desk's step forms, in-process over a real database on each backend:
a refusal comes back beside the field it is about (the auction day's window), in the reader's
language, and nothing is written."""

from __future__ import annotations

import datetime as dt

from test_api import page_session
from webkit import client, engine, province  # noqa: F401 (the fixtures this module uses)

from auction_flow.core.calendar import WorkCalendar
from auction_flow.features.assets import service as assets_svc
from auction_flow.storage import db


def test_an_auction_day_outside_the_window_is_said_beside_the_date(client, engine, province):
    asset, today = province["fresh"], dt.date.today()
    assets_svc.advance(engine, asset, "agree_price", "cv_an", (today - dt.timedelta(days=1)).isoformat(),
                       ["price=500000000"])
    with db.reading(engine) as conn:
        cal = WorkCalendar.from_db(conn)
    earliest = cal.add_working_days(today, 7)  # a movable: 7 working days .. 30 days
    latest = cal.next_working_day(today + dt.timedelta(days=30))
    csrf = page_session(client, "cv_an")
    form = {"csrftoken": csrf, "trigger": "contract_auction", "on": today.isoformat(),
            "f_auction_org": "Công ty Đấu giá Hợp danh", "f_auction_date": (today + dt.timedelta(days=3)).isoformat()}
    wrong = client.post(f"/assets/{asset}/advance", data=form)
    assert wrong.status_code == 422
    beside = wrong.text.split('id="contract_auction-auction_date-error"')[1].split("</p>")[0]
    assert f"sớm nhất {earliest}, muộn nhất {latest}" in beside and "Điều 35" in beside, beside
    assert assets_svc.show(engine, asset, "cv_an")["state"] == "priced"
    done = client.post(f"/assets/{asset}/advance", data={**form, "f_auction_date": earliest.isoformat()},
                       follow_redirects=False)
    assert done.status_code == 303, done.text
    assert str(assets_svc.show(engine, asset, "cv_an")["auction_date"]) == earliest.isoformat()


def test_a_cancellation_asks_the_laws_ground_and_its_document_and_refuses_a_later_document(client, engine, province):
    asset, today = province["fresh"], dt.date.today()
    ago = lambda days: (today - dt.timedelta(days=days)).isoformat()  # noqa: E731
    assets_svc.advance(engine, asset, "agree_price", "cv_an", ago(2), ["price=500000000"])
    assets_svc.advance(engine, asset, "contract_auction", "cv_an", ago(2),
                       ["auction_org=Công ty Đấu giá Hợp danh", f"auction_date={ago(-12)}"])
    csrf = page_session(client, "ld_binh")
    page = client.get(f"/assets/{asset}").text
    assert 'id="step-cancel_result"' not in page  # not sold yet
    assets_svc.advance(engine, asset, "record_sale", "cv_an", ago(0),
                       ["sale_price=500000000", "buyer=Công ty TNHH Minh Phát", "deposit=50000000"])
    form = client.get(f"/assets/{asset}").text.split('id="step-cancel_result"')[1].split("</form>")[0]
    for name in ("f_ground", "f_document_no", "f_document_on", "f_issued_by"):
        assert f'name="{name}"' in form, name
    assert "Tòa án tuyên bố hợp đồng vô hiệu" in form and "buyer_default" not in form
    data = {"csrftoken": csrf, "trigger": "cancel_result", "on": today.isoformat(), "reason": "Tòa án tuyên vô hiệu",
            "f_ground": "court_void", "f_document_no": "21/2026/QĐ-TA", "f_issued_by": "Tòa án nhân dân tỉnh Hậu Giang",
            "f_document_on": (today + dt.timedelta(days=1)).isoformat()}
    wrong = client.post(f"/assets/{asset}/advance", data=data)
    assert wrong.status_code == 422
    beside = wrong.text.split('id="cancel_result-document_on-error"')[1].split("</p>")[0]
    assert "Điều 72 khoản 2" in beside, beside
    assert assets_svc.show(engine, asset, "cv_an")["state"] == "sold"
    done = client.post(f"/assets/{asset}/advance", data={**data, "f_document_on": today.isoformat()},
                       follow_redirects=False)
    assert done.status_code == 303, done.text
    assert assets_svc.show(engine, asset, "cv_an")["state"] == "auction_cancelled"
