"""The asset page shows its open side clocks (the losing bidders' deposits to refund and their due
day) and, while one is open, the form of the step that closes it; recording it there closes it."""

from __future__ import annotations

import datetime as dt
import re

from test_api import TestClient, page_session
from webkit import province  # noqa: F401 (the fixtures this module uses)

from auction_flow.features.assets import service as assets_svc
from auction_flow.frontends.web.app import create_app
from auction_flow.storage import db


def test_the_asset_page_shows_the_refund_due_and_records_it(db_url, province):
    engine = db.open_db(db_url)
    aid, today = province["late"], dt.date.today()  # seized 40 days ago
    ago = lambda n: (today - dt.timedelta(days=n)).isoformat()  # noqa: E731
    assets_svc.advance(engine, aid, "agree_price", "cv_an", ago(30), ["price=50000000"])
    assets_svc.advance(engine, aid, "contract_auction", "cv_an", ago(20),  # the posting period before the auction
                       ["auction_org=ĐG Cần Thơ", f"auction_date={today}"])
    assets_svc.advance(engine, aid, "record_sale", "cv_an", today.isoformat(),
                       ["sale_price=60000000", "buyer=B", "deposit=5000000"])
    [due] = [o["due"] for o in assets_svc.show(engine, aid, "cv_an")["obligations"]]
    with TestClient(create_app(db_url), base_url="http://127.0.0.1") as client:
        csrf = page_session(client, "cv_an")
        page = client.get(f"/assets/{aid}").text
        shown = re.search(r'<dd class="obligation"[^>]*>(.*?)</dd>', page, re.S).group(1)
        assert "Trả lại tiền đặt trước cho người không trúng đấu giá" in shown and str(due) in shown
        assert 'id="step-record_refunds"' in page and 'name="f_bidders"' in page and 'name="f_refunded_on"' in page
        r = client.post(f"/assets/{aid}/advance", data={
            "trigger": "record_refunds", "f_refunded_on": today.isoformat(), "f_bidders": "3", "on": today.isoformat(),
            "reason": "", "version": str(assets_svc.show(engine, aid, "cv_an")["version"]), "csrftoken": csrf},
            follow_redirects=False)
        assert r.status_code == 303, r.text
        page = client.get(f"/assets/{aid}").text
        assert 'class="obligation"' not in page and 'id="step-record_refunds"' not in page
    assert assets_svc.show(engine, aid, "cv_an")["obligations"] == []
    engine.dispose()
