"""Issue 13: the creditor's acceptance procedure (workflow version 3). The creditor takes the asset
after the second reduction (accept_by_creditor -> creditor_accepted: 10 days to notify the debtor);
notify_debtor (the notice's day) -> debtor_notified: the debtor's 30 days to pay and keep the asset
(debtor_pays -> released); award_to_creditor only after them -> creditor_handover, whose handover
clock is the buyer's of each regime. Golden dates for every clock; refusals name what is allowed."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest
from alert_walk import levels
from assetwalk import PRICE, D, asset_row, audit_rows, step, walk

from auction_flow.common.config import workflows_dir
from auction_flow.common.errors import TriggerNotAllowed
from auction_flow.core import workflow as workflow_mod
from auction_flow.features.alerts import scan as scanner
from auction_flow.features.casefile import parties
from auction_flow.features.supervision.verify import verify

SHIPPED = workflows_dir()
ACCEPT_AFTER = 76  # the walk to creditor_accepted accepts on its start + 76 days (tests/assetwalk.py)


def accepted_on(engine, day: str, kind="movable") -> int:
    """An asset whose creditor accepted it on ``day`` (after two reductions)."""
    aid = walk(engine, "creditor_accepted", (D(day) - dt.timedelta(days=ACCEPT_AFTER)).isoformat(), kind)
    assert asset_row(engine, aid)["state_entered_on"] == D(day)
    return aid


def clock(engine, aid) -> tuple:
    row = asset_row(engine, aid)
    return row["state"], row["deadline"], row["deadline_regime"]


def test_the_procedure_under_the_2014_rules_day_by_day(world):
    aid = accepted_on(world, "2024-03-01")
    # 10 days from Fri 2024-03-01 to notify the debtor: Mon 2024-03-11
    assert clock(world, aid) == ("creditor_accepted", D("2024-03-11"), "law2014")
    assert "10 ngày" in asset_row(world, aid)["deadline_basis"]
    step(world, aid, "notify_debtor", "2024-04-01")  # late: allowed (the stalled alert says so), never refused
    # 30 days from 2024-04-01 end on 2024-05-01, a holiday: Thu 2024-05-02
    assert clock(world, aid) == ("debtor_notified", D("2024-05-02"), "law2014")
    doc = audit_rows(world, aid)[-1]["changes"]["document"][1]
    assert doc["kind"] == "creditor_acceptance_notice"
    with pytest.raises(TriggerNotAllowed) as info:  # the debtor's last day
        step(world, aid, "award_to_creditor", "2024-05-02")
    en, vi = str(info.value), info.value.render("vi")
    assert "2024-05-02" in en and "allowed from 2024-05-03" in en and "until then: debtor_pays" in en, en
    assert "allowed now: record_receipt, debtor_pays, award_to_creditor, suspend" in en, en
    assert "từ ngày 2024-05-03" in vi and "debtor_pays" in vi, vi
    step(world, aid, "award_to_creditor", "2024-05-03")
    # the handover to the creditor: 30 days from Fri 2024-05-03 end on Sunday 2024-06-02 -> Mon 2024-06-03
    assert clock(world, aid) == ("creditor_handover", D("2024-06-03"), "law2014")
    assert audit_rows(world, aid)[-1]["changes"]["document"][1]["kind"] == "creditor_handover_decision"
    step(world, aid, "hand_over", "2024-05-20")
    assert asset_row(world, aid)["state"] == "handed_over"


def test_the_debtors_30_days_count_from_the_debtors_receipt_and_the_award_waits_for_it(world):
    aid = accepted_on(world, "2024-03-01")
    debtor = parties.add(world, "cv_an", "Lê Văn Nợ", "093085007777", "person")["id"]
    creditor = parties.add(world, "cv_an", "Ngân hàng Sông Hậu", "0100233488", "enterprise")["id"]
    parties.link(world, "cv_an", debtor, aid, "debtor")
    parties.link(world, "cv_an", creditor, aid, "creditor")
    step(world, aid, "notify_debtor", "2024-03-05")
    assert clock(world, aid) == ("debtor_notified", D("2024-04-04"), "law2014")  # from the notice, until a receipt
    # the notice goes to the debtor: the creditor's receipt is not recorded for it
    with pytest.raises(TriggerNotAllowed) as info:
        step(world, aid, "record_receipt", "2024-03-08", party=creditor, received_on="2024-03-08")
    assert f"party {creditor} is not a debtor of asset {aid}" in str(info.value), str(info.value)
    # the 30 days from the notice are over, but the debtor's receipt is not recorded: no award
    with pytest.raises(TriggerNotAllowed) as info:
        step(world, aid, "award_to_creditor", "2024-04-05")
    en, vi = str(info.value), info.value.render("vi")
    assert "the notice of notify_debtor (2024-03-05) is not recorded as received by" in en and "Lê Văn Nợ" in en, en
    assert "chưa ghi nhận ngày nhận thông báo" in vi and "record_receipt" in vi, vi
    # recorded late: the debtor received it on Tue 2024-03-12, and the 30 days count from then: Thu 2024-04-11
    step(world, aid, "record_receipt", "2024-04-05", party=debtor, received_on="2024-03-12")
    assert clock(world, aid) == ("debtor_notified", D("2024-04-11"), "law2014")
    assert asset_row(world, aid)["state_entered_on"] == D("2024-03-05")  # the stint began with the notice
    with pytest.raises(TriggerNotAllowed) as info:  # the debtor's last day
        step(world, aid, "award_to_creditor", "2024-04-11")
    assert "allowed from 2024-04-12" in str(info.value), str(info.value)
    step(world, aid, "award_to_creditor", "2024-04-12")
    assert asset_row(world, aid)["state"] == "creditor_handover"
    assert verify(world).ok  # the receipt's facts and the moved clock replay from the chain


def test_the_procedure_under_law_106_2025_and_its_60_day_handover(world):
    aid = accepted_on(world, "2026-07-02")
    # 10 days from Thu 2026-07-02 end on Sunday 12 July -> Mon 2026-07-13, under Law 106/2025's regime
    assert clock(world, aid) == ("creditor_accepted", D("2026-07-13"), "law2025")
    assert "152/2026" in asset_row(world, aid)["deadline_basis"]
    step(world, aid, "notify_debtor", "2026-07-10")
    assert clock(world, aid) == ("debtor_notified", D("2026-08-10"), "law2025")  # Sun 9 Aug -> Mon 10
    with pytest.raises(TriggerNotAllowed) as info:
        step(world, aid, "award_to_creditor", "2026-08-10")
    assert "Decree 152/2026 Art. 66" in str(info.value) and "allowed from 2026-08-11" in str(info.value)
    step(world, aid, "award_to_creditor", "2026-08-11")
    # 60 days from 2026-08-11 end on Saturday 10 October -> Mon 2026-10-12
    assert clock(world, aid) == ("creditor_handover", D("2026-10-12"), "law2025")


def test_award_is_refused_inside_the_30_days_and_the_60_days_of_decree_2024(world):
    aid = accepted_on(world, "2025-01-20")
    step(world, aid, "notify_debtor", "2025-01-31")
    # 30 days from Fri 2025-01-31 end on Sunday 2 March -> Mon 2025-03-03
    assert clock(world, aid) == ("debtor_notified", D("2025-03-03"), "decree2024")
    with pytest.raises(TriggerNotAllowed):
        step(world, aid, "award_to_creditor", "2025-02-28")
    step(world, aid, "award_to_creditor", "2025-03-04")
    # 60 days from Tue 2025-03-04 end on Saturday 3 May (30 April - 4 May 2025 off) -> Mon 2025-05-05
    assert clock(world, aid) == ("creditor_handover", D("2025-05-05"), "decree2024")


def test_the_debtor_pays_within_the_30_days_and_keeps_the_asset(world):
    aid = accepted_on(world, "2024-03-01")
    step(world, aid, "notify_debtor", "2024-03-05")
    assert clock(world, aid) == ("debtor_notified", D("2024-04-04"), "law2014")  # Thu 2024-04-04
    step(world, aid, "debtor_pays", "2024-04-04", amount=PRICE)  # the last day
    row = asset_row(world, aid)
    assert (row["state"], row["deadline"]) == ("released", None)
    last = audit_rows(world, aid)[-1]
    assert last["changes"]["amount"] == [None, PRICE]
    assert last["changes"]["document"][1]["kind"] == "debtor_payment_release_decision"


def test_a_payment_after_the_30_days_is_refused_naming_the_deadline_and_award_to_creditor(world):
    aid = accepted_on(world, "2024-03-01")
    step(world, aid, "notify_debtor", "2024-03-05")
    with pytest.raises(TriggerNotAllowed) as info:
        step(world, aid, "debtor_pays", "2024-04-05", amount=PRICE)
    en, vi = str(info.value), info.value.render("vi")
    assert "2024-04-04 has passed" in en and "after it the law allows: award_to_creditor" in en, en
    assert "2024-04-04" in vi and "award_to_creditor" in vi, vi
    assert asset_row(world, aid)["state"] == "debtor_notified"


def test_the_debtor_may_pay_before_the_notice(world):
    aid = accepted_on(world, "2024-03-01")
    step(world, aid, "debtor_pays", "2024-03-04", amount=PRICE)
    assert asset_row(world, aid)["state"] == "released"


@pytest.mark.parametrize("trigger", ["hand_over", "notify_handover", "order_coercion"])
def test_no_handover_step_before_the_award_names_what_is_allowed(world, trigger):
    aid = accepted_on(world, "2024-03-01")
    with pytest.raises(TriggerNotAllowed) as info:
        step(world, aid, trigger, "2024-03-04", actor="ld_binh", handover_on="2024-03-10", decision="1/QĐ",
             plan_on="2024-03-20", procuracy_invited_on="2024-03-04")
    assert "allowed now: notify_debtor, debtor_pays, suspend" in str(info.value), str(info.value)
    step(world, aid, "notify_debtor", "2024-03-05")
    with pytest.raises(TriggerNotAllowed) as info:
        step(world, aid, trigger, "2024-03-06", actor="ld_binh", handover_on="2024-03-10", decision="1/QĐ",
             plan_on="2024-03-20", procuracy_invited_on="2024-03-06")
    assert "allowed now: record_receipt, debtor_pays, award_to_creditor, suspend" in str(info.value), str(info.value)


def test_the_forced_handover_to_the_creditor_keeps_its_deadline(world):
    aid = accepted_on(world, "2024-03-01")
    step(world, aid, "notify_debtor", "2024-03-05")
    step(world, aid, "award_to_creditor", "2024-04-05")
    due = asset_row(world, aid)["deadline"]
    assert due == D("2024-05-06")  # 30 days from 2024-04-05: Sunday 5 May -> Mon 6 May
    step(world, aid, "notify_handover", "2024-04-08", handover_on="2024-04-15")
    step(world, aid, "order_coercion", "2024-04-16", actor="ld_binh", decision="7/QĐ-CCTHADS", plan_on="2024-04-25",
         procuracy_invited_on="2024-04-16")
    assert clock(world, aid) == ("handover_coercion", due, "law2014")
    step(world, aid, "hand_over", "2024-04-25")


def test_suspension_in_the_debtors_30_days_stops_and_restarts_them(world):
    aid = accepted_on(world, "2024-03-01")
    step(world, aid, "notify_debtor", "2024-03-05")  # 30 days: 2024-04-04
    step(world, aid, "suspend", "2024-03-15", kind="postpone")  # 20 days left
    step(world, aid, "resume", "2024-04-01")
    assert clock(world, aid)[:2] == ("debtor_notified", D("2024-04-22"))  # Sunday 21 April -> Mon 22
    with pytest.raises(TriggerNotAllowed):
        step(world, aid, "award_to_creditor", "2024-04-22")
    step(world, aid, "award_to_creditor", "2024-04-23")


def _debtor_of(world, aid) -> int:
    debtor = parties.add(world, "cv_an", "Lê Văn Nợ", "093085007777", "person")["id"]
    parties.link(world, "cv_an", debtor, aid, "debtor")
    return debtor


@pytest.mark.parametrize("suspended, received, due", [
    # suspended from 6 to 10 March, before the debtor's receipt on the 12th: those days do not move
    # the 30 days counted from the receipt (Thu 2024-04-11)
    (("2024-03-06", "2024-03-10"), "2024-03-12", "2024-04-11"),
    # suspended from 10 to 20 March, the receipt on the 15th: the 5 days after it stop the clock,
    # the 5 before it do not (from the 20th: Fri 2024-04-19)
    (("2024-03-10", "2024-03-20"), "2024-03-15", "2024-04-19"),
    # suspended from 22 to 25 March, after the receipt on the 12th, recorded on the 28th: 3 days
    # (Thu 2024-04-11 + 3 = Sun 14 -> Mon 2024-04-15)
    (("2024-03-22", "2024-03-25"), "2024-03-12", "2024-04-15"),
])
def test_the_debtors_30_days_stop_only_for_the_days_suspended_after_the_receipt(world, suspended, received, due):
    aid = accepted_on(world, "2024-03-01")
    debtor = _debtor_of(world, aid)
    step(world, aid, "notify_debtor", "2024-03-05")
    step(world, aid, "suspend", suspended[0], kind="postpone")
    step(world, aid, "resume", suspended[1])
    step(world, aid, "record_receipt", "2024-03-28", party=debtor, received_on=received)
    assert clock(world, aid)[:2] == ("debtor_notified", D(due))
    with pytest.raises(TriggerNotAllowed) as info:  # the debtor's last day
        step(world, aid, "award_to_creditor", due)
    assert f"allowed from {D(due) + dt.timedelta(days=1)}" in str(info.value), str(info.value)
    step(world, aid, "award_to_creditor", (D(due) + dt.timedelta(days=1)).isoformat())
    assert verify(world).ok


def test_the_alerts_watch_each_stage(world):
    aid = accepted_on(world, "2024-03-01")
    rules = ("stalled", "handover")
    scanner.scan(world, D("2024-03-11"))
    # the stages' rules (the auctions' deposit refunds, a side clock of their own, are not this test's)
    assert [lv for r in rules for lv in levels(world, aid, r)] == []
    scanner.scan(world, D("2024-03-12"))  # the debtor not notified within the 10 days
    assert levels(world, aid, "stalled") == ["overdue"]
    step(world, aid, "notify_debtor", "2024-03-12")
    scanner.scan(world, D("2024-03-13"))
    assert [lv for r in rules for lv in levels(world, aid, r)] == []  # a new stage: that alert resolved
    step(world, aid, "award_to_creditor", "2024-04-12")  # 30 days: 2024-04-11
    due = asset_row(world, aid)["deadline"]
    assert due == D("2024-05-13")  # 30 days from 12 April: Sunday 12 May -> Mon 13 May
    scanner.scan(world, due - dt.timedelta(days=7))
    assert levels(world, aid, "handover") == ["warning"]  # the handover to the creditor is watched
    scanner.scan(world, due + dt.timedelta(days=1))
    assert levels(world, aid, "handover") == ["overdue"]


def test_the_definition_cites_the_procedure_and_says_what_is_unconfirmed():
    wf = workflow_mod.get()
    assert wf.version >= 3
    for state in ("creditor_accepted", "debtor_notified", "creditor_handover"):
        for rule in wf.states[state].clock:
            assert rule.basis and (rule.confirmed or rule.why), (state, rule.regime)
    notify = wf.clock_rule("creditor_accepted", D("2024-03-01"))
    assert notify.periods[0].days == 10 and not notify.confirmed and "Vĩnh Phúc" in notify.why
    wait = wf.clock_rule("debtor_notified", D("2024-03-01"))
    assert wait.periods[0].days == 30 and "RECEIVED" in wait.why
    assert wf.clock_rule("creditor_handover", D("2026-07-01")).periods[0].days == 60
    assert wf.sections["alerts"].handover.states == ("paid", "creditor_handover", "handover_coercion")


@pytest.fixture
def on_version_2(tmp_path, monkeypatch):
    """A workflows folder whose current version is 2 (version 1 kept); ``publish()`` makes the shipped
    version 3 the current one and keeps version 2 as asset_auction.v2.yaml for the assets on it."""
    d = tmp_path / "workflows"
    d.mkdir()
    shutil.copy(SHIPPED / "asset_auction.v1.yaml", d / "asset_auction.v1.yaml")
    shutil.copy(SHIPPED / "asset_auction.v2.yaml", d / "asset_auction.yaml")
    shutil.copy(SHIPPED / "complaints.yaml", d / "complaints.yaml")
    monkeypatch.setenv("AUCTION_FLOW_WORKFLOWS", str(d))

    def publish():
        (d / "asset_auction.yaml").rename(d / "asset_auction.v2.yaml")
        shutil.copy(SHIPPED / "asset_auction.yaml", d / "asset_auction.yaml")
    return publish


def test_assets_taken_by_the_creditor_under_version_2_move_to_version_3(world, on_version_2, cli):
    waiting = walk(world, "creditor_accepted", "2026-03-02")  # accepted on 2026-05-17
    coerced = walk(world, "creditor_accepted", "2026-03-02")
    step(world, coerced, "notify_handover", "2026-05-18", handover_on="2026-05-25")  # version 2 allowed it
    step(world, coerced, "order_coercion", "2026-05-26", actor="ld_binh", decision="3/QĐ", plan_on="2026-06-01",
         procuracy_invited_on="2026-05-26")
    before = {a: asset_row(world, a) for a in (waiting, coerced)}
    assert {r["workflow_version"] for r in before.values()} == {2}
    on_version_2()
    r = cli("workflow", "migrate", "--to", "3", "--all", "--reason", "Thủ tục nhận tài sản", "--on", "2026-05-27",
            actor="ld_tinh")
    assert r.exit_code == 0, r.output + r.stderr
    for aid, then in before.items():  # the state name is kept, and the clock that was running
        now = asset_row(world, aid)
        assert (now["workflow_version"], now["state"], now["deadline"]) == (3, then["state"], then["deadline"])
    # version 3's rules from here: the debtor is notified before anything is handed to the creditor
    refused = cli("asset", "advance", waiting, "hand_over", "--on", "2026-05-28", actor="cv_an")
    assert refused.exit_code == 1 and "allowed now: notify_debtor, debtor_pays, suspend" in refused.stderr, \
        refused.stderr
    assert asset_row(world, waiting)["version"] == before[waiting]["version"] + 1  # the migration's row only
    assert cli("asset", "advance", waiting, "notify_debtor", "--on", "2026-05-28", actor="cv_an").exit_code == 0
    # 30 days from Thu 2026-05-28 end on Saturday 27 June -> Mon 2026-06-29
    assert clock(world, waiting) == ("debtor_notified", D("2026-06-29"), "decree2024")
    early = cli("--lang", "vi", "asset", "advance", waiting, "award_to_creditor", "--on", "2026-06-29", actor="cv_an")
    assert early.exit_code == 1 and "2026-06-30" in early.stderr and "debtor_pays" in early.stderr, early.stderr
    assert len(early.stderr.strip().splitlines()) == 1 and "Traceback" not in early.stderr
    assert cli("asset", "advance", waiting, "award_to_creditor", "--on", "2026-06-30", actor="cv_an").exit_code == 0
    # decided on 2026-06-30, the day before Law 106/2025: Decree 152/2024's 60 days end on Saturday 29 August;
    # 31 August - 2 September 2026 are off (National Day): Thu 2026-09-03
    assert clock(world, waiting) == ("creditor_handover", D("2026-09-03"), "decree2024")
    assert cli("asset", "advance", waiting, "hand_over", "--on", "2026-07-15", actor="cv_an").exit_code == 0
    # an asset already in the forced handover under version 2 finishes it under version 3
    assert cli("asset", "advance", coerced, "hand_over", "--on", "2026-06-01", actor="cv_an").exit_code == 0
    assert asset_row(world, coerced)["state"] == "handed_over"
