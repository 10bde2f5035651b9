"""The appraisal's certificate, a party's receipt of its notice and the re-appraisal from receipt, on the
web desk's step forms (issue 13): the forms ask the definition's fields (an optional one may be left
empty), a refusal is said beside the field it is about, and the asset page shows each receipt with the
end of the window it opens."""

from __future__ import annotations

import datetime as dt

from test_api import page_session
from webkit import client, engine, province  # noqa: F401 (the fixtures this module uses)

from auction_flow.core.calendar import WorkCalendar
from auction_flow.features.assets import service as assets_svc
from auction_flow.features.casefile import parties as parties_svc


def form_of(client, asset: int, trigger: str) -> str:
    return client.get(f"/assets/{asset}").text.split(f'id="step-{trigger}"')[1].split("</form>")[0]


def test_receipt_and_reappraisal_on_the_asset_page(client, engine, province):
    asset, today = province["fresh"], dt.date.today()
    debtor = parties_svc.asset_parties_view(engine, "admin", asset)[0]["party_id"]
    assets_svc.advance(engine, asset, "contract_appraisal", "cv_an", (today - dt.timedelta(days=2)).isoformat(),
                       ["appraisal_org=TĐG Miền Nam"])
    csrf = page_session(client, "cv_an")
    assert 'name="f_valid_until"' in form_of(client, asset, "record_appraisal")
    valid = (today + dt.timedelta(days=180)).isoformat()
    done = client.post(f"/assets/{asset}/advance", follow_redirects=False, data={
        "csrftoken": csrf, "trigger": "record_appraisal", "f_price": "500000000", "f_valid_until": valid,
        "on": (today - dt.timedelta(days=1)).isoformat()})
    assert done.status_code == 303, done.text
    page = client.get(f"/assets/{asset}").text
    assert f'id="valid-until">{valid}<' in page and 'id="notice"' in page
    assert 'name="f_party"' in form_of(client, asset, "record_receipt")

    receipt = {"csrftoken": csrf, "trigger": "record_receipt", "f_received_on": today.isoformat(),
               "on": today.isoformat()}
    wrong = client.post(f"/assets/{asset}/advance", data={**receipt, "f_party": "99999"})
    assert wrong.status_code == 422
    beside = wrong.text.split('id="record_receipt-party-error"')[1].split("</p>")[0]
    assert "99999" in beside and f"{debtor} Nguyễn Văn An (debtor)" in beside  # the parties it may name
    done = client.post(f"/assets/{asset}/advance", data={**receipt, "f_party": str(debtor)}, follow_redirects=False)
    assert done.status_code == 303, done.text
    ends = WorkCalendar.from_db(engine.connect()).add_working_days(today, 5)
    notice = client.get(f"/assets/{asset}").text.split('id="notice"')[1].split("</dd>")[0]
    assert f"{debtor} Nguyễn Văn An" in notice and today.isoformat() in notice and ends.isoformat() in notice

    request = {"csrftoken": csrf, "trigger": "request_reappraisal", "f_ground": "party_request",
               "on": today.isoformat()}
    missing = client.post(f"/assets/{asset}/advance", data={**request, "f_party": ""})
    assert missing.status_code == 422
    assert "--set party=" in missing.text.split('id="request_reappraisal-party-error"')[1].split("</p>")[0]
    done = client.post(f"/assets/{asset}/advance", data={**request, "f_party": str(debtor)}, follow_redirects=False)
    assert done.status_code == 303, done.text
    assert assets_svc.show(engine, asset, "cv_an")["state"] == "appraising"
