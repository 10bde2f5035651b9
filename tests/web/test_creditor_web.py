"""The creditor's procedure on the web desk (workflow version 3), as an officer would click it: the
asset page offers the debtor's notice, then the award refused inside the debtor's 30 days beside its
date field with the day it becomes allowed, then accepted; the JSON API says the same."""

from __future__ import annotations

import re
import warnings

from assetwalk import D, asset_row, walk
from test_api import page_session, token
from webkit import build_province

from auction_flow.frontends.web.app import create_app
from auction_flow.storage import db

with warnings.catch_warnings():  # as in test_api
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient


def test_the_debtor_is_notified_and_the_award_waits_for_the_30_days(db_url):
    build_province(db_url)
    engine = db.open_db(db_url)
    aid = walk(engine, "creditor_accepted", "2026-03-02")  # accepted on 2026-05-17
    with TestClient(create_app(db_url), base_url="http://127.0.0.1") as client:
        client.get("/lang/en")
        csrf = page_session(client, "cv_an")
        page = client.get(f"/assets/{aid}").text
        assert 'value="notify_debtor"' in page and 'value="debtor_pays"' in page
        assert 'value="hand_over"' not in page  # nothing is handed to the creditor before the debtor's days

        def post(trigger, on, **fields):
            version = re.search(r'name="version" value="(\d+)"', client.get(f"/assets/{aid}").text).group(1)
            data = {"csrftoken": csrf, "trigger": trigger, "version": version, "on": on}
            data.update({f"f_{k}": v for k, v in fields.items()})
            return client.post(f"/assets/{aid}/advance", data=data, follow_redirects=False)

        done = post("notify_debtor", "2026-05-21")
        assert done.status_code == 303 and done.headers["location"] == f"/assets/{aid}?done=notify_debtor"
        assert asset_row(engine, aid)["deadline"] == D("2026-06-22")  # 30 days: Sat 20 June -> Mon 22
        early = post("award_to_creditor", "2026-06-22")
        assert early.status_code == 422, early.text
        assert "allowed from 2026-06-23" in early.text and "debtor_pays" in early.text
        assert asset_row(engine, aid)["state"] == "debtor_notified"
        api = client.post(f"/api/assets/{aid}/advance?lang=en", headers=token(client, "cv_an"),
                          json={"trigger": "award_to_creditor", "on": "2026-06-22"})
        assert api.status_code == 422 and "allowed from 2026-06-23" in api.text, api.text
        assert post("award_to_creditor", "2026-06-23").status_code == 303
        row = asset_row(engine, aid)
        # 60 days (Decree 152/2024): Saturday 22 August 2026, a working day (made up for 1 September)
        assert (row["state"], row["deadline"]) == ("creditor_handover", D("2026-08-22"))
        assert 'value="hand_over"' in client.get(f"/assets/{aid}").text
