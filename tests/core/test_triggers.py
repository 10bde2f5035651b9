"""Every trigger of the default workflow, from each of its sources, and every guard.

Steps go through the service layer (auction_flow.services.assets), the same functions the
CLI calls; each test runs on SQLite and on PostgreSQL (``world`` depends on ``db_url``).
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from assetwalk import PRICE, D, asset_row, audit_rows, days, step, walk

from auction_flow.common.errors import InvalidInput, PermissionDenied, TriggerNotAllowed
from auction_flow.core import workflow as workflow_mod
from auction_flow.features.assets import service as svc
from auction_flow.features.casefile import parties

WF = workflow_mod.get()
ONE = dt.timedelta(days=1)

# trigger -> (fields, actor, reason, start date of the walk)
FIRE = {
    "contract_appraisal": ({"appraisal_org": "TĐG Miền Nam"}, "cv_an", None, "2026-03-02"),
    "agree_price": ({"price": 200_000_000}, "cv_an", None, "2026-03-02"),
    "record_appraisal": ({"price": 150_000_000}, "cv_an", None, "2026-03-02"),
    "request_reappraisal": ({"ground": "certificate_expired"}, "cv_an", "chứng thư hết hiệu lực", "2026-03-02"),
    "record_receipt": ({"received_on": "2026-03-03"}, "cv_an", None, "2026-03-02"),
    "contract_auction": ({"auction_org": "ĐG Hậu Giang", "auction_date": "2026-03-25"}, "cv_an", None,
                         "2026-03-02"),
    "record_auction_failed": ({}, "cv_an", None, "2026-03-02"),
    "reduce_price": ({"price": 95_000_000}, "cv_an", None, "2026-03-02"),
    "accept_by_creditor": ({}, "cv_an", None, "2026-03-02"),
    "notify_debtor": ({}, "cv_an", None, "2026-03-02"),
    "debtor_pays": ({"amount": 95_000_000}, "cv_an", None, "2026-03-02"),
    "award_to_creditor": ({}, "cv_an", None, "2026-03-02"),
    "return_to_debtor": ({"costs": 100_000_000, "creditor_declined": "yes"}, "cv_an", None, "2026-03-02"),
    "record_sale": ({"sale_price": 120_000_000, "buyer": "Võ Thị Hoa", "deposit": 12_000_000}, "cv_an", None, "2026-03-02"),
    "record_payment": ({}, "cv_an", None, "2026-03-02"),
    "record_default": ({}, "cv_an", None, "2026-03-02"),
    "cancel_result": ({"ground": "winner_violation", "document_no": "15/KL", "document_on": "2026-03-02",
                       "issued_by": "CQĐT"}, "ld_binh", "thông đồng dìm giá", "2026-03-02"),
    "reauction": ({}, "cv_an", None, "2026-03-02"),
    "hand_over": ({}, "cv_an", None, "2026-03-02"),
    "notify_handover": ({"handover_on": "2026-11-25"}, "cv_an", None, "2026-03-02"),
    "order_coercion": ({"decision": "5/QĐ-CCTHADS", "plan_on": "2026-12-20", "procuracy_invited_on": "2026-03-01"},
                       "ld_binh", None, "2026-03-02"),
    "close": ({}, "cv_an", None, "2026-03-02"),
    "redeem": ({}, "cv_an", "nộp đủ tiền", "2026-03-02"),
    "release": ({}, "ld_binh", "bản án bị hủy", "2026-03-02"),
    "suspend": ({"kind": "suspend"}, "cv_an", "kháng nghị", "2026-03-02"),
    "resume": ({}, "cv_an", None, "2026-03-02"),
    "extend_handover": ({}, "ld_binh", "tài sản phức tạp", "2024-06-01"),  # under the 2014 rules
    "extend_payment": ({"until": "2026-09-20"}, "cv_an", "hai bên thỏa thuận", "2026-07-01"),
    "record_refunds": ({"refunded_on": "2026-01-01", "bidders": 2}, "cv_an", None, "2026-03-02"),
    "refund_buyer": ({"refunded_on": "2026-01-01", "refunded_amount": 100_000_000}, "cv_an", None, "2026-03-02"),
}


def test_the_table_covers_every_trigger():
    assert set(FIRE) == set(WF.triggers)


def _fire_and_check(engine, aid, trigger, fields, actor, reason, expect_to):
    before = asset_row(engine, aid)
    on = before["last_event_on"] + ONE
    if any(c.kind == "deadline" and c.spec["deadline"] == "passed" for c in WF.triggers[trigger].checks):
        on = before["deadline"] + ONE  # allowed only once the deadline has passed
    for check in WF.triggers[trigger].checks:  # allowed only after a day an earlier step kept
        if check.kind == "after":
            on = max(on, D(json.loads(before["facts"])[check.spec["after"]]) + ONE)
    res = step(engine, aid, trigger, on, actor=actor, reason=reason, **fields)
    after = asset_row(engine, aid)
    assert (res.from_state, res.to_state) == (before["state"], expect_to)
    assert after["state"] == expect_to
    assert after["version"] == before["version"] + 1
    row = audit_rows(engine, aid)[-1]
    role = "supervisor" if actor.startswith("ld_") else "officer"
    assert (row["actor"], row["role"], row["office"], row["trigger"]) == (actor, role, "HG-VT", trigger)
    assert (row["from_state"], row["to_state"], row["business_date"]) == (before["state"], expect_to, on)
    assert row["reason"] == reason
    assert row["seq"] == after["version"]
    for name in fields:
        assert name in row["changes"], (name, row["changes"])
    if expect_to != before["state"]:
        assert row["changes"]["state"] == [before["state"], expect_to]
    return before, after, row


# a few groups rather than one test per trigger: each test costs a fresh database per backend
GROUPS = [tuple(sorted(WF.triggers))[i::4] for i in range(4)]


@pytest.mark.parametrize("group", GROUPS, ids=lambda g: "+".join(g)[:60])
def test_trigger_fires_from_each_source(world, group):
    for trigger in group:
        _fire_from_each_source(world, trigger)


def _fire_from_each_source(engine, trigger):
    trig = WF.triggers[trigger]
    fields, actor, reason, start = FIRE[trigger]
    for source in trig.sources:
        if trigger == "accept_by_creditor":
            aid = walk(engine, "auction_failed", start)
            step(engine, aid, "reduce_price", days(start, 32), price=PRICE * 9 // 10)
            step(engine, aid, "contract_auction", days(start, 33), auction_org="X", auction_date=days(start, 50))
            step(engine, aid, "record_auction_failed", days(start, 50))
            step(engine, aid, "reduce_price", days(start, 52), price=PRICE * 81 // 100)
            step(engine, aid, "contract_auction", days(start, 53), auction_org="X", auction_date=days(start, 70))
            step(engine, aid, "record_auction_failed", days(start, 70))
        elif trigger == "order_coercion":  # only after a notified handover day (at least a working day on)
            aid = walk(engine, source, start)
            last = asset_row(engine, aid)["last_event_on"]
            step(engine, aid, "notify_handover", last + ONE, handover_on=last + 4 * ONE)
        elif trigger == "hand_over" and source == "handover_coercion":
            aid = walk(engine, "paid", start)
            last = asset_row(engine, aid)["last_event_on"]
            step(engine, aid, "notify_handover", last + ONE, handover_on=last + 2 * ONE)
            step(engine, aid, "order_coercion", last + 3 * ONE, actor="ld_binh", decision="5/QĐ",
                 plan_on=last + 10 * ONE, procuracy_invited_on=last + 3 * ONE)
        elif trigger in ("request_reappraisal", "record_receipt"):  # after an appraisal (its notice, certificate)
            number = f"0930850012{trig.sources.index(source)}{len(trigger) % 10}"  # one person per asset
            debtor = parties.add(engine, "cv_an", "Nguyễn Văn Đức", number, "person")["id"]
            aid = svc.seize(engine, "cv_an", "7/2026/QĐ", "HG-VT", "movable", "Xe", on=start, debtors=[debtor])
            step(engine, aid, "contract_appraisal", days(start, 1), appraisal_org="TĐG Miền Nam")
            step(engine, aid, "record_appraisal", days(start, 1), price=PRICE, valid_until=days(start, 180))
            if source == "auction_contracted":
                step(engine, aid, "contract_auction", days(start, 1), auction_org="X", auction_date=days(start, 25))
            fields = {**fields, "party": debtor} if trigger == "record_receipt" else fields
        elif trigger == "resume":
            continue  # every way into suspended is checked in test_resume_returns_to_the_state_left
        elif source == "suspended":
            aid = walk(engine, "suspended:sold" if trigger in WF.closers else "suspended:priced", start)
        elif source == "released":  # a sale, then released: the losing bidders' deposits still to refund
            aid = walk(engine, "sold", start)
            step(engine, aid, "release", days(start, 31), actor="ld_binh", reason="bản án bị hủy")
        elif source == "returned_to_debtor":
            aid = walk(engine, "auction_failed", start)
            step(engine, aid, "return_to_debtor", days(start, 31), costs=PRICE, creditor_declined="yes")
        else:
            aid = walk(engine, source, start)
        if trigger in WF.closers:  # closes a side clock: refused, naming what is open, unless one of its kind is
            if WF.closers[trigger] not in {o["name"] for o in svc.show(engine, aid, "cv_an")["obligations"]}:
                with pytest.raises(TriggerNotAllowed, match="open now: "):
                    step(engine, aid, trigger, asset_row(engine, aid)["last_event_on"] + ONE, actor=actor, **fields)
                continue
            fields = {**fields, "refunded_on": asset_row(engine, aid)["last_event_on"] + ONE}
        expect_to = asset_row(engine, aid)["state"] if trig.dest == "$same" else trig.dest
        _fire_and_check(engine, aid, trigger, fields, actor, reason, expect_to)
        assert len(audit_rows(engine, aid)) == asset_row(engine, aid)["version"]


def test_resume_returns_to_the_state_left(world):
    assert set(WF.triggers["suspend"].sources) == set(SUSPENDABLE)
    for source in SUSPENDABLE:
        _suspend_and_resume(world, source)


SUSPENDABLE = ["seized", "appraising", "priced", "auction_contracted", "auction_failed", "sold", "paid",
               "handed_over", "auction_cancelled", "creditor_accepted", "debtor_notified", "creditor_handover",
               "handover_coercion"]


def _suspend_and_resume(engine, source):
    aid = walk(engine, "suspended:" + source)
    row = asset_row(engine, aid)
    assert row["state"] == "suspended" and row["resume_state"] == source
    assert row["deadline"] is None
    _fire_and_check(engine, aid, "resume", {}, "cv_an", None, source)
    row = asset_row(engine, aid)
    assert row["resume_state"] is None
    shown = svc.show(engine, aid, "cv_an")
    assert shown["allowed_triggers"] == WF.triggers_from(source, {o["name"] for o in shown["obligations"]})


def test_history_and_audit_count_equal_version(world):
    engine = world
    aid = walk(engine, "closed")
    shown = svc.show(engine, aid, "ld_binh")
    hist = shown["history"]
    assert [h["trigger"] for h in hist] == ["seize", "agree_price", "contract_auction", "record_sale",
                                            "record_payment", "hand_over", "close"]
    assert [h["to"] for h in hist] == ["seized", "priced", "auction_contracted", "sold", "paid",
                                       "handed_over", "closed"]
    assert [h["from"] for h in hist[1:]] == [h["to"] for h in hist[:-1]]
    assert len(hist) == shown["version"] == len(audit_rows(engine, aid))
    assert [h["seq"] for h in hist] == list(range(1, len(hist) + 1))
    # closed, and only the losing bidders' deposits of its auction still to record refunded
    assert shown["allowed_triggers"] == ["record_refunds"]
    assert [o["name"] for o in shown["obligations"]] == ["deposit_refunds"]
    rows = audit_rows(engine, aid)
    assert rows[0]["event"] == "asset_created" and rows[0]["to_state"] == "seized"
    assert all(r["prev_hash"] == p["hash"] for p, r in zip(rows, rows[1:]))


# --- guards --------------------------------------------------------------------------------

# the re-appraisal's guards (from each party's receipt, by ground): tests/core/test_receipts.py


def test_reduce_price_limits(world):
    engine = world
    aid = walk(engine, "auction_failed")  # starting price 100,000,000
    with pytest.raises(TriggerNotAllowed, match="below 90000000"):
        step(engine, aid, "reduce_price", "2026-04-02", price=89_999_999)
    with pytest.raises(TriggerNotAllowed, match="not below"):
        step(engine, aid, "reduce_price", "2026-04-02", price=PRICE)
    with pytest.raises(TriggerNotAllowed, match="not below"):
        step(engine, aid, "reduce_price", "2026-04-02", price=PRICE + 1)
    step(engine, aid, "reduce_price", "2026-04-02", price=90_000_000)
    row = asset_row(engine, aid)
    assert (row["state"], row["price"], row["reduction_count"]) == ("priced", 90_000_000, 1)
    assert row["appraised_price"] == PRICE  # a reduction is not a new appraisal
    # the next reduction is measured against the new starting price
    step(engine, aid, "contract_auction", "2026-04-03", auction_org="X", auction_date="2026-04-20")
    step(engine, aid, "record_auction_failed", "2026-04-20")
    with pytest.raises(TriggerNotAllowed, match="below 81000000"):
        step(engine, aid, "reduce_price", "2026-04-21", price=80_999_999)


def test_accept_by_creditor_only_after_the_second_reduction(world):
    engine = world
    aid = walk(engine, "auction_failed")
    with pytest.raises(TriggerNotAllowed, match="reduction 2"):
        step(engine, aid, "accept_by_creditor", "2026-04-01")
    step(engine, aid, "reduce_price", "2026-04-02", price=90_000_000)
    step(engine, aid, "contract_auction", "2026-04-03", auction_org="X", auction_date="2026-04-20")
    step(engine, aid, "record_auction_failed", "2026-04-20")
    with pytest.raises(TriggerNotAllowed, match=r"1 so far"):
        step(engine, aid, "accept_by_creditor", "2026-04-21")
    step(engine, aid, "reduce_price", "2026-04-22", price=81_000_000)
    step(engine, aid, "contract_auction", "2026-04-23", auction_org="X", auction_date="2026-05-11")
    step(engine, aid, "record_auction_failed", "2026-05-11")
    step(engine, aid, "accept_by_creditor", "2026-05-12")
    assert asset_row(engine, aid)["state"] == "creditor_accepted"


def test_record_sale_needs_the_starting_price_and_a_buyer(world):
    engine = world
    aid = walk(engine, "auction_contracted")
    with pytest.raises(TriggerNotAllowed, match="below the starting price"):
        step(engine, aid, "record_sale", "2026-03-31", sale_price=PRICE - 1, buyer="B", deposit=PRICE // 10)
    with pytest.raises(InvalidInput, match="buyer"):
        step(engine, aid, "record_sale", "2026-03-31", sale_price=PRICE, deposit=PRICE // 10)
    with pytest.raises(InvalidInput, match="buyer"):
        step(engine, aid, "record_sale", "2026-03-31", sale_price=PRICE, buyer="  ", deposit=PRICE // 10)
    step(engine, aid, "record_sale", "2026-03-31", sale_price=PRICE, buyer="B", deposit=PRICE // 10)
    row = asset_row(engine, aid)
    assert (row["state"], row["sale_price"], row["buyer"], row["sold_by"]) == ("sold", PRICE, "B", "cv_an")


def test_contract_auction_date_must_follow_the_contract(world):
    engine = world
    aid = walk(engine, "priced")  # the window's golden dates: tests/core/test_auction_window.py
    with pytest.raises(TriggerNotAllowed, match="outside the window allowed: from 2026-03-19 to 2026-04-09"):
        step(engine, aid, "contract_auction", "2026-03-10", auction_org="X", auction_date="2026-03-10")


def test_redeem_refused_from_one_working_day_before_the_auction(world):
    engine = world

    def contracted():
        aid = walk(engine, "priced")
        step(engine, aid, "contract_auction", "2026-03-06", auction_org="X", auction_date="2026-03-30")
        return aid  # auction Mon 2026-03-30: one working day before is Fri 2026-03-27

    for refused_on in ("2026-03-27", "2026-03-28", "2026-03-30"):
        aid = contracted()
        with pytest.raises(TriggerNotAllowed, match="2026-03-27"):
            step(engine, aid, "redeem", refused_on)
        assert asset_row(engine, aid)["state"] == "auction_contracted"
    aid = contracted()
    step(engine, aid, "redeem", "2026-03-26")
    assert asset_row(engine, aid)["state"] == "released"


def test_release_refused_after_payment(world):
    engine = world
    paid = walk(engine, "paid")
    with pytest.raises(TriggerNotAllowed, match="not allowed now"):
        step(engine, paid, "release", "2026-04-20", actor="ld_binh", reason="x")
    for before in ("paid", "creditor_accepted", "handed_over"):
        aid = walk(engine, "suspended:" + before)
        on = asset_row(engine, aid)["last_event_on"] + ONE
        with pytest.raises(TriggerNotAllowed, match="paid in full"):
            step(engine, aid, "release", on, actor="ld_binh", reason="x")
        assert asset_row(engine, aid)["state"] == "suspended"
    sold = walk(engine, "suspended:sold")
    step(engine, sold, "release", "2026-04-20", actor="ld_binh", reason="đình chỉ thi hành án")
    assert asset_row(engine, sold)["state"] == "released"
    # release needs a supervisor and a reason
    aid = walk(engine, "priced")
    with pytest.raises(PermissionDenied):
        step(engine, aid, "release", "2026-03-05", actor="cv_an", reason="x")
    with pytest.raises(InvalidInput, match="reason"):
        step(engine, aid, "release", "2026-03-05", actor="ld_binh")


DOC = {"document_no": "15/2026/QĐ-TA", "document_on": "2026-03-02", "issued_by": "Tòa án nhân dân tỉnh Hậu Giang"}


def test_cancel_result_needs_a_supervisor_a_ground_and_a_reason(world):
    engine = world
    aid = walk(engine, "sold")  # sold 2026-04-01
    with pytest.raises(PermissionDenied, match="only supervisor"):
        step(engine, aid, "cancel_result", "2026-04-05", actor="cv_ba", reason="x", ground="winner_violation", **DOC)
    with pytest.raises(InvalidInput, match="ground"):
        step(engine, aid, "cancel_result", "2026-04-05", actor="ld_binh", reason="x")
    with pytest.raises(InvalidInput, match="must be one of"):
        step(engine, aid, "cancel_result", "2026-04-05", actor="ld_binh", reason="x", ground="whim", **DOC)
    with pytest.raises(InvalidInput, match="reason"):
        step(engine, aid, "cancel_result", "2026-04-05", actor="ld_binh", ground="winner_violation", **DOC)
    assert asset_row(engine, aid)["version"] == 4
    step(engine, aid, "cancel_result", "2026-04-05", actor="ld_binh", reason="x", ground="court_void", **DOC)
    row = asset_row(engine, aid)
    assert (row["state"], row["cancellation_count"]) == ("auction_cancelled", 1)
    step(engine, aid, "reauction", "2026-04-06")
    row = asset_row(engine, aid)
    assert (row["state"], row["sale_price"], row["buyer"], row["sold_by"]) == ("priced", None, None, None)


def test_who_recorded_the_sale_cannot_approve_its_cancellation(world):
    engine = world
    aid = walk(engine, "auction_contracted")
    step(engine, aid, "record_sale", "2026-03-31", actor="ld_binh", sale_price=PRICE, buyer="B", deposit=PRICE // 10)
    with pytest.raises(PermissionDenied, match="recorded the sale"):
        step(engine, aid, "cancel_result", "2026-04-02", actor="ld_binh", reason="x", ground="agreement", **DOC)
    step(engine, aid, "record_payment", "2026-04-03")
    with pytest.raises(PermissionDenied, match="recorded the sale"):
        step(engine, aid, "cancel_result", "2026-04-04", actor="ld_binh", reason="x", ground="agreement", **DOC)
    # another supervisor (the province's) may
    step(engine, aid, "cancel_result", "2026-04-04", actor="ld_tinh", reason="x", ground="agreement", **DOC)
    assert asset_row(engine, aid)["state"] == "auction_cancelled"
    rows = audit_rows(engine, aid)
    assert rows[-1]["actor"] == "ld_tinh" and rows[-1]["office"] == "HG-VT"
    # the officer who recorded a sale is refused too (officers never approve a cancellation)
    aid = walk(engine, "sold")
    with pytest.raises(PermissionDenied):
        step(engine, aid, "cancel_result", "2026-04-02", actor="cv_an", reason="x", ground="agreement", **DOC)


def test_role_and_office_are_checked(world):
    engine = world
    aid = walk(engine, "seized")
    with pytest.raises(PermissionDenied, match="ksv"):
        step(engine, aid, "agree_price", "2026-03-03", actor="ksv", price=5)
    with pytest.raises(PermissionDenied, match="HG-NB"):
        step(engine, aid, "agree_price", "2026-03-03", actor="cv_dung", price=5)
    with pytest.raises(PermissionDenied):
        step(engine, aid, "agree_price", "2026-03-03", actor="admin", price=5)
    # a supervisor of the province reaches its branches
    step(engine, aid, "agree_price", "2026-03-03", actor="ld_tinh", price=5)
    assert asset_row(engine, aid)["version"] == 2


def test_seizure_is_audited(world):
    engine = world
    aid = svc.seize(engine, "cv_an", "7/2026", "HG-VT", "real_estate", "Nhà", officer="cv_ba", on="2026-03-02")
    rows = audit_rows(engine, aid)
    assert len(rows) == 1
    r = rows[0]
    assert (r["event"], r["trigger"], r["from_state"], r["to_state"]) == ("asset_created", "seize", None, "seized")
    assert (r["actor"], r["role"], r["office"], r["business_date"]) == ("cv_an", "officer", "HG-VT", D("2026-03-02"))
    assert r["changes"]["officer"] == [None, "cv_ba"] and r["changes"]["kind"] == [None, "real_estate"]
    shown = svc.show(engine, aid, "cv_ba")
    assert shown["officer"] == "cv_ba" and shown["deadline"] == D("2026-03-09")
