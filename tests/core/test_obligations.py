"""Side clocks (the workflow's ``obligations:``): the losing bidders' deposits refunded within 3
working days of the auction (Property Auction Law 2016 Art. 39(4)), opened and closed by steps,
with golden dates, and refusals that name what is open. Every number comes from the YAML."""

from __future__ import annotations

import json

import pytest
from assetwalk import PRICE, D, asset_row, audit_rows, days, step, walk
from sqlalchemy import select

from auction_flow.common.errors import PermissionDenied, TriggerNotAllowed
from auction_flow.core import workflow as workflow_mod
from auction_flow.core.workflow.obligations_section import for_workflow
from auction_flow.features.assets import service as svc
from auction_flow.storage.schema import asset_obligations


def rows(engine, aid) -> list[dict]:
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(select(asset_obligations).where(asset_obligations.c.asset_id == aid)
                                              .order_by(asset_obligations.c.id)).mappings()]


def contracted(engine, auction_day: str, kind="movable") -> int:
    """An asset whose auction service contract names ``auction_day`` as the auction day."""
    start = days(auction_day, -30)
    aid = walk(engine, "auction_contracted", start, kind)
    assert asset_row(engine, aid)["auction_date"] == D(auction_day)
    return aid


def sold(engine, auction_day: str, on: str | None = None) -> int:
    aid = contracted(engine, auction_day)
    step(engine, aid, "record_sale", on or auction_day, sale_price=PRICE, buyer="B", deposit=PRICE // 10)
    return aid


def test_the_section_is_read_from_the_workflow():
    rules = for_workflow(workflow_mod.get())
    o = rules.by_name["deposit_refunds"]
    assert [op.trigger for op in o.opened_by] == ["record_sale", "record_auction_failed"]
    assert o.closed_by == ("record_refunds",) and o.done_on == "refunded_on" and o.starts == "auction_date"
    assert o.clock[0].periods[0].days == 3 and o.clock[0].periods[0].unit == "working"
    assert "Điều 39 khoản 4" in o.clock[0].basis
    assert rules.closed_by("record_refunds") is o and rules.opened_by("record_sale", "auction_contracted") == [o]


def test_a_sale_on_a_friday_is_refunded_by_the_wednesday(world):
    aid = sold(world, "2026-03-06")  # Fri: Mon 9, Tue 10, Wed 11
    [row] = rows(world, aid)
    assert (row["name"], row["starts_on"], row["due"], row["closed_seq"]) == \
        ("deposit_refunds", D("2026-03-06"), D("2026-03-11"), None)
    assert "Điều 39 khoản 4" in row["basis"] and row["regime"] == "decree2024"
    last = audit_rows(world, aid)[-1]
    assert row["opened_seq"] == last["seq"] and last["trigger"] == "record_sale"
    assert last["changes"]["obligation.deposit_refunds"] == [None, {
        "starts_on": "2026-03-06", "due": "2026-03-11", "basis": row["basis"], "regime": "decree2024"}]
    assert asset_row(world, aid)["state"] == "sold"  # the state's own clock is untouched
    assert asset_row(world, aid)["deadline"] == D("2026-04-06")


def test_the_holidays_of_30_april_and_1_may_are_not_counted(world):
    # Fri 2026-04-24: Mon 27 (Hùng Kings, moved), Tue 28 (1), Wed 29 (2), Thu 30 and Fri 1 May off, Mon 4 (3)
    aid = sold(world, "2026-04-24")
    assert rows(world, aid)[0]["due"] == D("2026-05-04")


def test_the_clock_counts_from_the_auction_day_not_the_day_it_was_recorded(world):
    aid = sold(world, "2026-03-06", on="2026-03-10")
    [row] = rows(world, aid)
    assert (row["starts_on"], row["due"]) == (D("2026-03-06"), D("2026-03-11"))


def test_a_failed_auction_opens_it_too(world):
    aid = contracted(world, "2026-03-06")
    step(world, aid, "record_auction_failed", "2026-03-06")
    assert [(r["name"], r["due"]) for r in rows(world, aid)] == [("deposit_refunds", D("2026-03-11"))]


def test_record_refunds_closes_it_and_the_audit_row_says_so(world):
    aid = sold(world, "2026-03-06")
    shown = svc.show(world, aid, "cv_an", on=D("2026-03-09"))
    assert [(d["name"], d["due"], d["days_left"]) for d in shown["obligations"]] == \
        [("deposit_refunds", D("2026-03-11"), 2)]
    assert "record_refunds" in shown["allowed_triggers"]
    step(world, aid, "record_refunds", "2026-03-12", refunded_on="2026-03-10", bidders="3")
    [row] = rows(world, aid)
    last = audit_rows(world, aid)[-1]
    assert (row["closed_seq"], row["done_on"]) == (last["seq"], D("2026-03-10"))
    assert last["from_state"] == last["to_state"] == "sold"
    assert last["changes"]["obligation.deposit_refunds"] == [
        {"opened_seq": row["opened_seq"], "due": "2026-03-11"}, {"done_on": "2026-03-10"}]
    assert last["changes"]["bidders"] == [None, 3]
    shown = svc.show(world, aid, "cv_an", on=D("2026-03-12"))
    assert shown["obligations"] == [] and "record_refunds" not in shown["allowed_triggers"]


def test_closing_what_is_not_open_is_refused_naming_what_is_open(world):
    aid = walk(world, "priced")
    with pytest.raises(TriggerNotAllowed) as info:
        step(world, aid, "record_refunds", "2026-03-05", refunded_on="2026-03-05", bidders="1")
    text = str(info.value)
    assert "deposit_refunds" in text and "open now: -" in text, text
    assert "Refund the losing bidders' deposits" in text
    vi = info.value.render("vi")
    assert "đang mở: -" in vi and "Trả lại tiền đặt trước" in vi, vi
    # closed once, it cannot be closed again
    aid = sold(world, "2026-03-06")
    step(world, aid, "record_refunds", "2026-03-09", refunded_on="2026-03-09", bidders="2")
    before = len(audit_rows(world, aid))
    with pytest.raises(TriggerNotAllowed, match="open now: -"):
        step(world, aid, "record_refunds", "2026-03-10", refunded_on="2026-03-10", bidders="2")
    assert len(audit_rows(world, aid)) == before


def test_a_second_auction_opens_a_second_one_and_the_oldest_closes_first(world):
    aid = sold(world, "2026-03-06")
    step(world, aid, "record_default", "2026-04-07")  # the buyer never paid: back to priced
    step(world, aid, "contract_auction", "2026-04-08", auction_org="ĐG", auction_date="2026-05-08")
    step(world, aid, "record_sale", "2026-05-08", sale_price=PRICE, buyer="C", deposit=PRICE // 10)
    assert [r["due"] for r in rows(world, aid)] == [D("2026-03-11"), D("2026-05-13")]
    with pytest.raises(TriggerNotAllowed) as info:  # named open, both
        step(world, aid, "hand_over", "2026-05-09")
    step(world, aid, "record_refunds", "2026-05-11", refunded_on="2026-05-11", bidders="1")
    assert [r["closed_seq"] is not None for r in rows(world, aid)] == [True, False]
    assert "allowed now" in str(info.value)


def test_the_day_it_was_done_must_be_between_the_auction_and_the_step(world):
    aid = sold(world, "2026-03-06")
    with pytest.raises(TriggerNotAllowed) as info:
        step(world, aid, "record_refunds", "2026-03-09", refunded_on="2026-03-05", bidders="2")
    assert "2026-03-05" in str(info.value) and "2026-03-06" in str(info.value)
    with pytest.raises(TriggerNotAllowed) as info:
        step(world, aid, "record_refunds", "2026-03-09", refunded_on="2026-03-10", bidders="2")
    assert "Art. 39(4)" in str(info.value)
    assert rows(world, aid)[0]["closed_seq"] is None


def test_a_suspension_does_not_stop_it_and_it_closes_from_any_state(world):
    aid = sold(world, "2026-03-06")
    step(world, aid, "suspend", "2026-03-09", kind="postpone")
    assert rows(world, aid)[0]["due"] == D("2026-03-11")  # the duty runs through a suspension
    step(world, aid, "record_refunds", "2026-03-10", refunded_on="2026-03-10", bidders="1")
    assert asset_row(world, aid)["state"] == "suspended"
    other = sold(world, "2026-03-06")
    step(world, other, "release", "2026-03-09", actor="ld_binh", reason="bản án bị hủy")
    step(world, other, "record_refunds", "2026-03-10", refunded_on="2026-03-10", bidders="1")  # from a final state
    assert asset_row(world, other)["state"] == "released" and rows(world, other)[0]["closed_seq"] is not None


def test_only_officers_and_supervisors_record_refunds(world):
    aid = sold(world, "2026-03-06")
    with pytest.raises(PermissionDenied):
        step(world, aid, "record_refunds", "2026-03-09", actor="ksv", refunded_on="2026-03-09", bidders="1")
    with pytest.raises(Exception, match="bidders"):
        step(world, aid, "record_refunds", "2026-03-09", refunded_on="2026-03-09", bidders="-1")


def test_asset_show_lists_the_open_ones_in_text_and_json(world, cli):
    aid = sold(world, "2026-03-06")
    r = cli("asset", "show", aid, "--now", "2026-03-12", actor="cv_an")
    assert r.exit_code == 0, r.output
    [line] = [ln for ln in r.output.splitlines() if ln.startswith("Open obligations:")]
    assert "deposit_refunds (Refund the losing bidders' deposits): due 2026-03-11 (1 day late)  [OVERDUE]" in line
    assert "record_refunds" in r.output
    r = cli("--lang", "vi", "asset", "show", aid, "--now", "2026-03-10", actor="cv_an")
    assert "Nghĩa vụ đang mở: Trả lại tiền đặt trước cho người không trúng đấu giá: hạn 2026-03-11" in r.output
    r = cli("asset", "show", aid, "--json", "--now", "2026-03-10", actor="cv_an")
    [o] = json.loads(r.output)["obligations"]
    assert (o["name"], o["due"], o["days_left"], o["overdue"]) == ("deposit_refunds", "2026-03-11", 1, False)
    r = cli("asset", "advance", aid, "record_refunds", "--on", "2026-03-10", "--set", "refunded_on=2026-03-10",
            "--set", "bidders=x", actor="cv_an")
    assert r.exit_code == 2 and "bidders" in r.stderr and "Traceback" not in r.stderr, r.stderr
    r = cli("asset", "advance", aid, "record_refunds", "--on", "2026-03-10", "--set", "refunded_on=2026-03-10",
            "--set", "bidders=2", actor="cv_an")
    assert r.exit_code == 0 and "closed deposit_refunds (done on 2026-03-10)" in r.output, r.output
    r = cli("asset", "advance", aid, "record_refunds", "--on", "2026-03-10", "--set", "refunded_on=2026-03-10",
            "--set", "bidders=2", actor="cv_an")
    assert r.exit_code == 1 and "open now: -" in r.stderr and "Traceback" not in r.stderr, r.stderr


AGREED = {"ground": "agreement", "document_no": "01/TT-HĐ", "document_on": "2026-03-02", "issued_by": "các bên"}
COLLUDED = {"ground": "winner_violation", "document_no": "02/KL", "document_on": "2026-03-09", "issued_by": "Sở Tư pháp"}


def paid(engine, auction_day: str = "2026-03-06") -> int:
    aid = sold(engine, auction_day)
    step(engine, aid, "record_refunds", auction_day, refunded_on=auction_day, bidders="2")
    step(engine, aid, "record_payment", days(auction_day, 10))
    return aid


def test_a_cancellation_from_paid_opens_the_buyer_refund_with_its_basis_unconfirmed(world):
    aid = paid(world)  # paid on 2026-03-16
    step(world, aid, "cancel_result", "2026-03-20", actor="ld_binh", reason="thỏa thuận", **AGREED)
    [_, row] = rows(world, aid)
    # 10 days from Fri 2026-03-20: Mon 2026-03-30
    assert (row["name"], row["starts_on"], row["due"], row["closed_seq"]) == \
        ("buyer_refund", D("2026-03-20"), D("2026-03-30"), None)
    rule = for_workflow(workflow_mod.get()).by_name["buyer_refund"].clock[0]
    assert "Điều 47" in row["basis"] and not rule.confirmed and "analogy" in rule.why
    assert audit_rows(world, aid)[-1]["changes"]["obligation.buyer_refund"][1]["due"] == "2026-03-30"


def test_the_buyer_refund_ending_on_a_weekend_or_holiday_moves_to_the_next_working_day(world):
    aid = paid(world, "2026-04-06")  # paid on 2026-04-16
    step(world, aid, "cancel_result", "2026-04-20", actor="ld_binh", reason="thỏa thuận", **AGREED)
    # 10 days from Mon 2026-04-20: Thu 30 April, a holiday; Fri 1 May too; then the weekend: Mon 2026-05-04
    assert rows(world, aid)[-1]["due"] == D("2026-05-04")


def test_a_cancellation_before_payment_opens_no_buyer_refund(world):
    aid = sold(world, "2026-03-06")
    step(world, aid, "cancel_result", "2026-03-10", actor="ld_binh", reason="thông đồng dìm giá", **COLLUDED)
    assert [r["name"] for r in rows(world, aid)] == ["deposit_refunds"]
    with pytest.raises(TriggerNotAllowed) as info:  # named with what is open: the deposits
        step(world, aid, "refund_buyer", "2026-03-11", refunded_on="2026-03-11", refunded_amount=str(PRICE))
    assert "buyer_refund" in str(info.value) and "open now: deposit_refunds (2026-03-11)" in str(info.value)


def test_refund_buyer_closes_it_after_a_re_auction_too(world):
    aid = paid(world)
    step(world, aid, "cancel_result", "2026-03-20", actor="ld_binh", reason="thỏa thuận", **AGREED)
    step(world, aid, "reauction", "2026-03-23")
    shown = svc.show(world, aid, "cv_an", on=D("2026-03-23"))
    assert [o["name"] for o in shown["obligations"]] == ["buyer_refund"] and "refund_buyer" in shown["allowed_triggers"]
    step(world, aid, "refund_buyer", "2026-03-25", refunded_on="2026-03-24", refunded_amount=str(PRICE))
    row = rows(world, aid)[-1]
    assert (row["name"], row["done_on"]) == ("buyer_refund", D("2026-03-24")) and row["closed_seq"] is not None
    assert asset_row(world, aid)["state"] == "priced"
    assert audit_rows(world, aid)[-1]["changes"]["refunded_amount"] == [None, PRICE]
