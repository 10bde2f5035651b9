"""Windows that start on receipt (issue 13): the appraisal result notice, the day each party received
it (record_receipt), the party's re-appraisal request counted from its own receipt (Art. 99(1)(b)),
the other grounds of a re-appraisal, and the appraisal certificate's validity against the auction day.

Golden dates: a notice received on Friday 2026-08-28 opens a window of 5 working days that skips the
weekend and the National Day holidays (Mon 31 August to Wed 2 September 2026): it ends on Wednesday
2026-09-09.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from assetwalk import asset_row, audit_rows, dump, step
from sqlalchemy import text

from auction_flow.common.errors import InvalidInput, TriggerNotAllowed
from auction_flow.features.assets import service as svc
from auction_flow.features.casefile import parties
from auction_flow.features.complaints import service as complaints


@pytest.fixture
def appraised(world):
    """An asset of HG-VT appraised on 2026-08-20 (certificate valid until 2026-12-31), its debtor and
    creditor linked at the seizure, a bystander registered but not linked."""
    e = world
    debtor = parties.add(e, "cv_an", "Nguyễn Văn Đức", "093085001234", "person")["id"]
    bank = parties.add(e, "cv_an", "Ngân hàng TMCP Đầu tư và Phát triển", "0100233488", "enterprise")["id"]
    other = parties.add(e, "cv_an", "Trần Thị Bình", "093190000111", "person")["id"]
    aid = svc.seize(e, "cv_an", "40/2026/QĐ", "HG-VT", "movable", "Xe tải", on="2026-08-03",
                    debtors=[debtor], creditors=[bank])
    step(e, aid, "contract_appraisal", "2026-08-05", appraisal_org="TĐG Miền Nam")
    step(e, aid, "record_appraisal", "2026-08-20", price=500_000_000, valid_until="2026-12-31")
    return e, aid, debtor, bank, other


def test_window_counts_from_each_partys_receipt_across_the_holiday(appraised):
    e, aid, debtor, bank, _ = appraised
    step(e, aid, "record_receipt", "2026-08-31", party=debtor, received_on="2026-08-28")
    step(e, aid, "record_receipt", "2026-09-07", party=bank, received_on="2026-09-04")
    facts = json.loads(asset_row(e, aid)["facts"])
    assert facts["notice"]["received"] == {str(debtor): "2026-08-28", str(bank): "2026-09-04"}
    assert facts["valid_until"] == "2026-12-31"
    before = dump(e)
    with pytest.raises(TriggerNotAllowed) as refused:  # the debtor's window closed on Wed 2026-09-09
        step(e, aid, "request_reappraisal", "2026-09-10", ground="party_request", party=debtor)
    text = str(refused.value)
    assert "2026-09-09" in text and "2026-08-28" in text
    assert "Law 106/2025" in text and "Art. 99" not in text  # a 2026 receipt: the 2026 regime's entry
    assert "allowed now: " in text and "contract_auction" in text and "request_reappraisal" in text
    assert dump(e) == before
    # the creditor received it a week later: its own window (to Fri 2026-09-11) is still open
    res = step(e, aid, "request_reappraisal", "2026-09-10", ground="party_request", party=bank)
    assert res.to_state == "appraising"
    row = audit_rows(e, aid)[-1]
    assert row["changes"]["ground"] == [None, "party_request"] and row["changes"]["party"] == [None, str(bank)]
    assert asset_row(e, aid)["reappraisal_count"] == 1


def test_last_day_of_the_window_is_allowed(appraised):
    e, aid, debtor, _, _ = appraised
    step(e, aid, "record_receipt", "2026-08-31", party=debtor, received_on="2026-08-28")
    assert step(e, aid, "request_reappraisal", "2026-09-09", ground="party_request",
                party=debtor).to_state == "appraising"


def test_shown_with_the_window(appraised):
    e, aid, debtor, _, _ = appraised
    step(e, aid, "record_receipt", "2026-08-31", party=debtor, received_on="2026-08-28")
    shown = svc.show(e, aid, "cv_an", on=dt.date(2026, 9, 1))
    assert shown["valid_until"].isoformat() == "2026-12-31"
    [receipt] = shown["notice"]["receipts"]
    assert (receipt["party"], receipt["name"], receipt["received_on"].isoformat(),
            receipt["window_ends"].isoformat()) == (debtor, "Nguyễn Văn Đức", "2026-08-28", "2026-09-09")
    assert shown["notice"]["trigger"] == "record_appraisal" and shown["notice"]["on"].isoformat() == "2026-08-20"


def test_a_suspension_between_the_receipt_and_its_record_stops_the_window(appraised):
    """The debtor received the notice on Fri 2026-09-04 (window: to Fri 2026-09-11); the asset was
    suspended from Tue 8 to Mon 14 September and the receipt recorded only on the 15th: the 6 days
    after the receipt move the window's start to the 10th, its end to Thu 2026-09-17."""
    e, aid, debtor, _, _ = appraised
    step(e, aid, "suspend", "2026-09-08", kind="postpone")
    step(e, aid, "resume", "2026-09-14")
    step(e, aid, "record_receipt", "2026-09-15", party=debtor, received_on="2026-09-04")
    [receipt] = svc.show(e, aid, "cv_an", on=dt.date(2026, 9, 15))["notice"]["receipts"]
    assert receipt["window_ends"] == dt.date(2026, 9, 17)
    assert step(e, aid, "request_reappraisal", "2026-09-17", ground="party_request",
                party=debtor).to_state == "appraising"


def test_days_off_inside_a_suspension_do_not_move_a_working_day_window(appraised):
    """The debtor received the notice on Thu 2026-10-08; the asset was suspended from Sat 10 to Mon 12
    October (the weekend: no working day stopped). Five working days from the receipt: Fri 9, Mon 12,
    Tue 13, Wed 14, Thu 15. Moving the start by the two days suspended would have ended the window a
    day late, on Fri 16."""
    e, aid, debtor, _, _ = appraised
    step(e, aid, "record_receipt", "2026-10-08", party=debtor, received_on="2026-10-08")
    step(e, aid, "suspend", "2026-10-10", kind="postpone")
    step(e, aid, "resume", "2026-10-12")
    [receipt] = svc.show(e, aid, "cv_an", on=dt.date(2026, 10, 13))["notice"]["receipts"]
    assert receipt["window_ends"] == dt.date(2026, 10, 15)
    before = dump(e)
    with pytest.raises(TriggerNotAllowed) as refused:
        step(e, aid, "request_reappraisal", "2026-10-16", ground="party_request", party=debtor)
    assert "2026-10-15" in str(refused.value)
    assert dump(e) == before
    assert step(e, aid, "request_reappraisal", "2026-10-15", ground="party_request",
                party=debtor).to_state == "appraising"


def test_working_days_inside_a_suspension_after_the_receipt_do_not_count(appraised):
    """Received Mon 2026-10-05; suspended Wed 7 to Wed 14 (Wed 7 - Tue 13: five working days stopped).
    Counted: Tue 6, Wed 14, Thu 15, Fri 16, Mon 19."""
    e, aid, debtor, _, _ = appraised
    step(e, aid, "record_receipt", "2026-10-05", party=debtor, received_on="2026-10-05")
    step(e, aid, "suspend", "2026-10-07", kind="postpone")
    step(e, aid, "resume", "2026-10-14")
    [receipt] = svc.show(e, aid, "cv_an", on=dt.date(2026, 10, 14))["notice"]["receipts"]
    assert receipt["window_ends"] == dt.date(2026, 10, 19)
    with pytest.raises(TriggerNotAllowed):
        step(e, aid, "request_reappraisal", "2026-10-20", ground="party_request", party=debtor)
    assert step(e, aid, "request_reappraisal", "2026-10-19", ground="party_request",
                party=debtor).to_state == "appraising"


def test_request_before_the_receipt_is_recorded_names_record_receipt(appraised):
    e, aid, debtor, _, _ = appraised
    with pytest.raises(TriggerNotAllowed, match=f"first: record_receipt --set party={debtor}"):
        step(e, aid, "request_reappraisal", "2026-08-21", ground="party_request", party=debtor)


def test_the_request_names_a_party_of_the_asset(appraised):
    e, aid, debtor, bank, other = appraised
    with pytest.raises(TriggerNotAllowed, match=f"--set party=ID .*{debtor} Nguyễn Văn Đức \\(debtor\\)"):
        step(e, aid, "request_reappraisal", "2026-08-21", ground="party_request")
    with pytest.raises(TriggerNotAllowed, match=f"party {other} is not a debtor, creditor.*{bank} Ngân hàng"):
        step(e, aid, "request_reappraisal", "2026-08-21", ground="party_request", party=other)
    with pytest.raises(TriggerNotAllowed, match=f"party {other} is not a debtor, creditor"):
        step(e, aid, "record_receipt", "2026-08-21", party=other, received_on="2026-08-21")


def test_a_receipt_is_after_the_notice_not_after_the_step_and_once(appraised):
    e, aid, debtor, _, _ = appraised
    with pytest.raises(TriggerNotAllowed, match="before the notice of record_appraisal \\(2026-08-20\\)"):
        step(e, aid, "record_receipt", "2026-08-31", party=debtor, received_on="2026-08-19")
    with pytest.raises(TriggerNotAllowed, match="received_on 2026-09-01 is after the day of the step"):
        step(e, aid, "record_receipt", "2026-08-31", party=debtor, received_on="2026-09-01")
    step(e, aid, "record_receipt", "2026-08-31", party=debtor, received_on="2026-08-28")
    with pytest.raises(TriggerNotAllowed, match="already recorded as receiving the notice on 2026-08-28"):
        step(e, aid, "record_receipt", "2026-09-01", party=debtor, received_on="2026-08-29")


def test_an_agreed_price_sends_no_notice(world):
    e = world
    debtor = parties.add(e, "cv_an", "Nguyễn Văn Đức", "093085001234", "person")["id"]
    aid = svc.seize(e, "cv_an", "41/2026/QĐ", "HG-VT", "movable", "Xe", on="2026-08-03", debtors=[debtor])
    step(e, aid, "agree_price", "2026-08-04", price=100_000_000)
    with pytest.raises(TriggerNotAllowed, match="no notice to the parties .*record_appraisal"):
        step(e, aid, "record_receipt", "2026-08-05", party=debtor, received_on="2026-08-05")
    with pytest.raises(TriggerNotAllowed, match="no validity of an appraisal certificate"):
        step(e, aid, "request_reappraisal", "2026-08-05", ground="certificate_expired")


def test_officer_error_is_not_limited_and_leaves_the_partys_request(appraised):
    e, aid, debtor, _, _ = appraised
    step(e, aid, "request_reappraisal", "2026-10-20", ground="officer_error", reason="sai diện tích")
    assert asset_row(e, aid)["reappraisal_count"] == 0
    step(e, aid, "record_appraisal", "2026-10-30", price=450_000_000, valid_until="2027-04-30")
    facts = json.loads(asset_row(e, aid)["facts"])
    assert facts["notice"]["on"] == "2026-10-30" and facts["notice"]["received"] == {}  # a new notice
    assert facts["valid_until"] == "2027-04-30"
    step(e, aid, "record_receipt", "2026-11-02", party=debtor, received_on="2026-11-02")
    step(e, aid, "request_reappraisal", "2026-11-03", ground="party_request", party=debtor)
    step(e, aid, "record_appraisal", "2026-11-10", price=460_000_000)
    step(e, aid, "record_receipt", "2026-11-11", party=debtor, received_on="2026-11-11")
    with pytest.raises(TriggerNotAllowed, match="only once"):
        step(e, aid, "request_reappraisal", "2026-11-12", ground="party_request", party=debtor)


def test_certificate_validity_against_the_auction_day(appraised):
    e, aid, _, _, _ = appraised
    with pytest.raises(TriggerNotAllowed) as refused:
        step(e, aid, "contract_auction", "2026-11-20", auction_org="ĐG Hậu Giang", auction_date="2027-01-05")
    text = str(refused.value)
    assert "auction_date 2027-01-05 is after valid_until 2026-12-31" in text
    assert "instead: request_reappraisal ground=certificate_expired" in text and "Art. 32(3)" in text
    step(e, aid, "contract_auction", "2026-11-20", auction_org="ĐG Hậu Giang", auction_date="2026-12-21")
    assert json.loads(asset_row(e, aid)["facts"]).get("notice") is None  # announced: no more requests
    with pytest.raises(TriggerNotAllowed, match="no notice to the parties .*allowed now: request_reappraisal"):
        step(e, aid, "request_reappraisal", "2026-11-21", ground="party_request", party=1)
    with pytest.raises(TriggerNotAllowed, match="ground officer_error is not allowed from auction_contracted"
                                                ".*instead: request_reappraisal ground=certificate_expired"):
        step(e, aid, "request_reappraisal", "2026-11-21", ground="officer_error")
    res = step(e, aid, "request_reappraisal", "2026-11-21", ground="certificate_expired")
    assert (res.from_state, res.to_state) == ("auction_contracted", "appraising")


def test_a_certificate_valid_only_until_the_appraisal_day_is_refused(world):
    e = world
    aid = svc.seize(e, "cv_an", "42/2026/QĐ", "HG-VT", "movable", "Xe", on="2026-08-03")
    step(e, aid, "contract_appraisal", "2026-08-05", appraisal_org="TĐG Miền Nam")
    with pytest.raises(TriggerNotAllowed, match="valid_until 2026-08-20 is before the earliest day allowed"):
        step(e, aid, "record_appraisal", "2026-08-20", price=500_000_000, valid_until="2026-08-20")
    step(e, aid, "record_appraisal", "2026-08-20", price=500_000_000)  # the validity is optional
    with pytest.raises(InvalidInput, match="needs field 'ground'"):
        step(e, aid, "request_reappraisal", "2026-08-21")


def test_audit_verify_names_an_edited_receipt(appraised, cli):
    e, aid, debtor, _, _ = appraised
    step(e, aid, "record_receipt", "2026-08-31", party=debtor, received_on="2026-08-28")
    forged = asset_row(e, aid)["facts"].replace("2026-08-28", "2026-09-08")  # a later receipt reopens the window
    with e.begin() as conn:
        conn.execute(text("UPDATE assets SET facts = :f WHERE id = :id"), {"f": forged, "id": aid})
    r = cli("audit", "verify", "--json", actor="ld_tinh")
    assert r.exit_code == 1, r.output
    data = json.JSONDecoder().raw_decode(r.output)[0]
    assert any(f"asset {aid}, column facts" in p["message"] and "2026-09-08" in p["message"]
               for p in data["problems"]), data


def test_a_complaint_counts_from_the_recorded_receipt(appraised, cli):
    """The debtor complains about the appraisal (step 3): its receipt recorded on 2026-08-28 is the day
    the limitation counts from; another day is refused naming the recorded one."""
    e, aid, debtor, bank, _ = appraised
    step(e, aid, "record_receipt", "2026-08-31", party=debtor, received_on="2026-08-28")
    with pytest.raises(InvalidInput, match="received the notice of step 3 \\(record_appraisal\\) on 2026-08-28"):
        complaints.add(e, "cv_an", aid, "complaint", "2026-09-02", "Nguyễn Văn Đức", "Giá thấp", step=3,
                       decision_received="2026-08-30", party=debtor)
    with pytest.raises(InvalidInput, match="give --step"):
        complaints.add(e, "cv_an", aid, "complaint", "2026-09-02", "Nguyễn Văn Đức", "Giá thấp", party=debtor)
    with pytest.raises(InvalidInput, match="decision-received"):  # the bank's receipt is not recorded
        complaints.add(e, "cv_an", aid, "complaint", "2026-09-02", "Ngân hàng", "Giá cao", step=3, party=bank)
    r = cli("complaint", "add", "--asset", aid, "--kind", "complaint", "--received", "2026-09-02", "--by",
            "Nguyễn Văn Đức", "--about", "Giá thấp", "--step", "3", "--party", debtor, "--json", actor="cv_an")
    assert r.exit_code == 0, r.output
    made = json.loads(r.output)
    assert made["decision_received_on"] == "2026-08-28" and made["in_time"] is True
    assert made["limitation_due"] == "2026-09-28"  # 30 days after a coercive measure, from the receipt
