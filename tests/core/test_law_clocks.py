"""Issue 13: the clocks and checks the texts set, each with golden dates, and refusals that name
what the law allows instead. Every number comes from workflows/asset_auction.yaml."""

from __future__ import annotations

import json

import pytest
from assetwalk import PRICE, D, asset_row, audit_rows, days, step, walk

from auction_flow.common.errors import InvalidInput, TriggerNotAllowed
from auction_flow.core import workflow as workflow_mod
from auction_flow.features.reports import service as reports


def _sold_on(engine, sale_day: str, kind="movable") -> int:
    """An asset sold at auction on ``sale_day`` (seized 30 days before)."""
    start = days(sale_day, -30)
    aid = walk(engine, "auction_contracted", start, kind)
    assert asset_row(engine, aid)["auction_date"] == D(sale_day)
    step(engine, aid, "record_sale", sale_day, sale_price=PRICE, buyer="B", deposit=PRICE // 10)
    return aid


def test_the_payment_clock_is_chosen_by_the_day_of_the_sale():
    wf = workflow_mod.get()
    assert wf.clock_rule("sold", D("2020-04-30")).periods[0].days == 15
    assert wf.clock_rule("sold", D("2020-05-01")).periods[0].days == 30
    assert "33/2020" in wf.clock_rule("sold", D("2020-05-01")).basis


def test_a_sale_on_30_april_2020_gets_15_days_and_on_1_may_30(world):
    before = _sold_on(world, "2020-04-30")
    # 15 days from 2020-04-30: Fri 2020-05-15
    assert (asset_row(world, before)["deadline"], asset_row(world, before)["deadline_regime"]) == \
        (D("2020-05-15"), "law2014")
    assert "bản ban hành" in asset_row(world, before)["deadline_basis"]
    after = _sold_on(world, "2020-05-01")
    # 30 days from 2020-05-01: Sun 2020-05-31 -> Mon 2020-06-01
    assert asset_row(world, after)["deadline"] == D("2020-06-01")
    assert "33/2020" in asset_row(world, after)["deadline_basis"]


def test_payment_after_the_deadline_is_refused_naming_the_deadline_and_record_default(world):
    aid = _sold_on(world, "2020-04-30")
    with pytest.raises(TriggerNotAllowed) as info:
        step(world, aid, "record_payment", "2020-05-18")
    text = str(info.value)
    assert "2020-05-15" in text and "record_default" in text, text
    vi = info.value.render("vi")
    assert "2020-05-15" in vi and "record_default" in vi


def test_default_is_refused_until_the_day_after_the_deadline_naming_record_payment(world):
    aid = _sold_on(world, "2020-05-01")
    with pytest.raises(TriggerNotAllowed) as info:
        step(world, aid, "record_default", "2020-06-01")
    assert "2020-06-02" in str(info.value) and "record_payment" in str(info.value)
    step(world, aid, "record_default", "2020-06-02")
    row = asset_row(world, aid)
    assert (row["state"], row["sale_price"], row["buyer"], row["facts"]) == ("priced", None, None, None)
    # a new auction service contract within 10 days (Art. 101(2)), counted from the default
    assert row["deadline"] == D("2020-06-12")
    last = audit_rows(world, aid)[-1]
    assert last["trigger"] == "record_default"
    assert last["changes"]["deposit"] == [PRICE // 10, None]  # forfeited: its amount is on the record


def test_payment_on_the_last_day_is_accepted(world):
    aid = _sold_on(world, "2020-04-30")
    step(world, aid, "record_payment", "2020-05-15")
    assert asset_row(world, aid)["state"] == "paid"


@pytest.mark.parametrize("deposit, ok", [(PRICE * 5 // 100, True), (PRICE * 20 // 100, True),
                                         (PRICE * 5 // 100 - 1, False), (PRICE * 20 // 100 + 1, False)])
def test_the_deposit_is_5_to_20_percent_of_the_starting_price(world, deposit, ok):
    aid = walk(world, "auction_contracted", "2026-03-02")
    sale_day = asset_row(world, aid)["auction_date"]
    if ok:
        step(world, aid, "record_sale", sale_day, sale_price=PRICE + 5_000_000, buyer="B", deposit=deposit)
        assert json.loads(asset_row(world, aid)["facts"]) == {"deposit": deposit}
        return
    with pytest.raises(TriggerNotAllowed) as info:
        step(world, aid, "record_sale", sale_day, sale_price=PRICE + 5_000_000, buyer="B", deposit=deposit)
    assert "5000000" in str(info.value) and "20000000" in str(info.value) and "Art. 39" in str(info.value)


def test_a_default_counts_as_a_failed_sale_in_the_reports(world):
    aid = _sold_on(world, "2026-03-02")
    deadline = asset_row(world, aid)["deadline"]
    step(world, aid, "record_default", days(deadline, 1))
    assert "record_default" in reports.voiding_triggers()
    total = reports.summary(world, "ld_binh", start="2026-01-01", end="2026-12-31", by="office")["total"]
    assert (total["sold"], total["cancelled"]) == (1, 1)


def test_forced_handover_only_after_the_notified_day_and_the_deadline_keeps_running(world):
    aid = walk(world, "paid", "2026-03-02")  # paid on 2026-04-11: handover by 2026-05-11 (law2014 after 2025: 60)
    deadline = asset_row(world, aid)["deadline"]
    step(world, aid, "notify_handover", "2026-04-13", handover_on="2026-04-20")
    assert (asset_row(world, aid)["state"], asset_row(world, aid)["deadline"]) == ("paid", deadline)
    coerce = dict(actor="ld_binh", decision="7/QĐ-CCTHADS", plan_on="2026-04-28", procuracy_invited_on="2026-04-20")
    with pytest.raises(TriggerNotAllowed) as info:
        step(world, aid, "order_coercion", "2026-04-20", **coerce)
    assert "2026-04-21" in str(info.value) and "notify_handover, hand_over" in str(info.value)
    step(world, aid, "order_coercion", "2026-04-21", **coerce)
    row = asset_row(world, aid)
    assert (row["state"], row["deadline"]) == ("handover_coercion", deadline)  # the same clock runs on
    step(world, aid, "hand_over", "2026-04-28")
    assert asset_row(world, aid)["state"] == "handed_over"


def test_coercion_without_a_notified_day_is_refused_naming_notify_handover(world):
    aid = walk(world, "paid", "2026-03-02")
    with pytest.raises(TriggerNotAllowed) as info:
        step(world, aid, "order_coercion", "2026-04-21", actor="ld_binh", decision="7/QĐ", plan_on="2026-04-28",
             procuracy_invited_on="2026-04-20")
    assert "handover_on" in str(info.value) and "notify_handover" in str(info.value)


def test_show_sources_lists_what_is_unconfirmed_and_why_and_no_basis_says_unverified():
    from click.testing import CliRunner

    from cli import main

    r = CliRunner().invoke(main, ["workflow", "show", "--sources", "--json"])
    assert r.exit_code == 0, r.output
    rows = json.loads(r.output)
    unconfirmed = [x for x in rows if not x["confirmed"]]
    assert unconfirmed and all(x["why"] for x in unconfirmed)
    assert any(x["entry"] == "states.sold.clock.law2025" for x in unconfirmed)
    assert any(x["entry"] == "states.sold.clock.law2014 (since 2020-05-01)" and x["confirmed"] for x in rows)
    for x in rows:  # what officers read is the basis alone
        assert "unverified" not in x["basis"].lower() and "chưa xác minh" not in x["basis"]


# cancelling a sale on the law's grounds (version 3): tests/core/test_cancellation_grounds.py


def test_return_to_debtor_needs_costs_above_the_reduced_price_and_the_creditor_declining_art_104(world):
    aid = walk(world, "auction_failed", "2026-03-02")  # starting price PRICE; one reduction at most 10%
    on = days(asset_row(world, aid)["last_event_on"].isoformat(), 1)
    with pytest.raises(TriggerNotAllowed) as info:
        step(world, aid, "return_to_debtor", on, costs=PRICE * 9 // 10 - 1, creditor_declined="yes")
    en, vi = str(info.value), info.value.render("vi")
    assert "costs" in en and "90%" in en and "Art. 104" in en and "reduce_price, accept_by_creditor" in en, en
    assert "Điều 104" in vi and "reduce_price, accept_by_creditor" in vi, vi
    with pytest.raises(InvalidInput) as info:  # the creditor's refusal of the asset is a required fact
        step(world, aid, "return_to_debtor", on, costs=PRICE)
    assert "creditor_declined" in str(info.value), info.value
    with pytest.raises(InvalidInput) as info:
        step(world, aid, "return_to_debtor", on, costs=PRICE, creditor_declined="no")
    assert "yes" in str(info.value), info.value
    assert asset_row(world, aid)["state"] == "auction_failed"
    step(world, aid, "return_to_debtor", on, costs=PRICE * 9 // 10, creditor_declined="yes")
    assert asset_row(world, aid)["state"] == "returned_to_debtor"
