"""The working calendar and the legal deadlines: Tết, make-up Saturdays, days an administrator
records, the regime changes of 2025-01-01 and 2026-07-01, extensions, suspend and resume."""

from __future__ import annotations

import datetime as dt

import pytest
from assetwalk import PRICE, D, asset_row, days, seize, step, walk

from auction_flow.common.errors import InvalidInput, PermissionDenied, TriggerNotAllowed
from auction_flow.core import deadlines
from auction_flow.core import workflow as workflow_mod
from auction_flow.core.calendar import WorkCalendar
from auction_flow.features.admin import service as admin
from auction_flow.features.assets import service as svc
from auction_flow.features.casefile import parties

WF = workflow_mod.get()
CAL = WorkCalendar()


# --- the calendar alone ----------------------------------------------------------------------

def test_tet_2025_and_2026_are_days_off():
    for day in ["2025-01-27", "2025-01-28", "2025-01-29", "2025-01-30", "2025-01-31", "2025-02-01",
                "2026-02-16", "2026-02-17", "2026-02-18", "2026-02-19", "2026-02-20"]:
        assert not CAL.is_working_day(D(day)), day
    assert CAL.is_working_day(D("2025-01-24")) and CAL.is_working_day(D("2025-02-03"))
    assert CAL.is_working_day(D("2026-02-13")) and CAL.is_working_day(D("2026-02-23"))


def test_make_up_saturday_2025_04_26_is_a_working_day():
    assert CAL.is_working_day(D("2025-04-26"))
    assert not CAL.is_working_day(D("2025-04-19"))  # an ordinary Saturday
    assert not CAL.is_working_day(D("2025-05-02"))  # the day off it pays for
    assert ("2025-04-26", "workday") in [(d.isoformat(), k) for d, k, _ in CAL.days_off(2025)]


def test_working_days_count_from_the_day_after():
    assert CAL.add_working_days(D("2026-03-02"), 1) == D("2026-03-03")  # Mon -> Tue
    assert CAL.add_working_days(D("2026-03-06"), 1) == D("2026-03-09")  # Fri -> Mon
    assert CAL.add_working_days(D("2025-01-24"), 5) == D("2025-02-07")  # across Tết 2025
    assert CAL.add_working_days(D("2026-02-13"), 5) == D("2026-02-27")  # across Tết 2026
    assert CAL.add_working_days(D("2025-04-24"), 5) == D("2025-05-05")  # make-up Sat counts
    assert CAL.previous_working_day(D("2026-03-30")) == D("2026-03-27")
    assert CAL.working_days_between(D("2026-03-04"), D("2026-03-09")) == 3


def test_a_deadline_on_a_day_off_moves_to_the_next_working_day():
    def due(state, start, kind="movable"):
        return deadlines.compute(WF, state, D(start), kind, CAL).due

    assert due("priced", "2026-03-02") == D("2026-03-12")  # 10 days, a Thursday
    assert due("priced", "2026-03-04") == D("2026-03-16")  # Sat 03-14 -> Mon
    assert due("priced", "2026-04-20") == D("2026-05-04")  # 30/4, 1/5 and a weekend
    assert due("priced", "2025-01-18") == D("2025-02-03")  # 28/1 in Tết 2025 -> first day after
    assert due("priced", "2026-02-08") == D("2026-02-23")  # 18/2 in Tết 2026


def test_working_day_clocks_across_tet():
    assert deadlines.compute(WF, "seized", D("2025-01-24"), "movable", CAL).due == D("2025-02-07")
    assert deadlines.compute(WF, "seized", D("2026-02-13"), "movable", CAL).due == D("2026-02-27")
    # 5 WD across the 2025-04-26 make-up Saturday and the 30/4-2/5 days off
    assert deadlines.compute(WF, "seized", D("2025-04-24"), "movable", CAL).due == D("2025-05-05")


def test_auction_clock_depends_on_the_kind():
    movable = deadlines.compute(WF, "auction_contracted", D("2026-03-02"), "movable", CAL)
    land = deadlines.compute(WF, "auction_contracted", D("2026-03-02"), "real_estate", CAL)
    assert (movable.due, land.due) == (D("2026-04-01"), D("2026-04-16"))
    assert "101" in movable.basis


def test_failed_auction_clock_is_five_working_days_then_ten_days():
    dl = deadlines.compute(WF, "auction_failed", D("2026-03-02"), "movable", CAL)
    assert dl.due == D("2026-03-19")  # 5 WD -> 03-09, + 10 days
    assert "104" in dl.basis
    # across Tết 2026: 5 WD from Fri 02-13 -> 02-27, + 10 days -> Mon 03-09
    assert deadlines.compute(WF, "auction_failed", D("2026-02-13"), "movable", CAL).due == D("2026-03-09")


def test_regime_in_force_on_the_start_day_governs():
    assert WF.regime_on(D("2024-12-31")).id == "law2014"
    assert WF.regime_on(D("2025-01-01")).id == "decree2024"
    assert WF.regime_on(D("2026-06-30")).id == "decree2024"
    assert WF.regime_on(D("2026-07-01")).id == "law2025"
    old = deadlines.compute(WF, "paid", D("2024-12-31"), "movable", CAL)
    new = deadlines.compute(WF, "paid", D("2025-01-01"), "movable", CAL)
    assert (old.regime, old.due) == ("law2014", D("2025-02-03"))  # 30 days -> 01-30, Tết -> 02-03
    assert (new.regime, new.due) == ("decree2024", D("2025-03-03"))  # 60 days -> Sun 03-02 -> Mon
    assert deadlines.compute(WF, "paid", D("2026-07-01"), "movable", CAL).regime == "law2025"


# --- through the engine ------------------------------------------------------------------------

def test_seizure_deadline_is_stored_with_its_basis(world):
    engine = world
    aid = seize(engine, "2026-03-02")
    row = asset_row(engine, aid)
    assert row["deadline"] == D("2026-03-09")
    assert "98" in row["deadline_basis"] and row["deadline_regime"] == "decree2024"
    shown = svc.show(engine, aid, "cv_an")
    assert (shown["deadline"], shown["regime"]) == (D("2026-03-09"), "decree2024")
    assert shown["deadline_basis"] == row["deadline_basis"]


def test_tet_through_the_engine(world):
    engine = world
    assert asset_row(engine, seize(engine, "2025-01-24"))["deadline"] == D("2025-02-07")
    assert asset_row(engine, seize(engine, "2026-02-13"))["deadline"] == D("2026-02-27")
    assert asset_row(engine, seize(engine, "2025-04-24"))["deadline"] == D("2025-05-05")


def test_recorded_days_off_and_workdays_change_deadlines(world):
    engine = world
    before = seize(engine, "2026-03-02")
    assert asset_row(engine, before)["deadline"] == D("2026-03-09")
    admin.add_day(engine, "admin", "2026-03-05", "Nghỉ đột xuất", "holiday")
    assert not admin.is_working_day(engine, "2026-03-05")
    assert asset_row(engine, seize(engine, "2026-03-02"))["deadline"] == D("2026-03-10")
    admin.add_day(engine, "admin", "2026-03-07", "Làm bù thứ Bảy", "workday")
    assert admin.is_working_day(engine, "2026-03-07")
    assert asset_row(engine, seize(engine, "2026-03-02"))["deadline"] == D("2026-03-09")
    # a deadline falling on a recorded day off moves on: priced 2026-03-02 -> 10 days = Thu 03-12
    admin.add_day(engine, "admin", "2026-03-12", "Nghỉ bù", "holiday")
    aid = walk(engine, "seized")
    step(engine, aid, "agree_price", "2026-03-02", price=PRICE)
    assert asset_row(engine, aid)["deadline"] == D("2026-03-13")
    # the deadline stored before the day off was recorded is not recomputed on read
    assert asset_row(engine, before)["deadline"] == D("2026-03-09")
    listed = {(d["day"].isoformat(), d["kind"]) for d in admin.list_days(engine, 2026)}
    assert {("2026-03-05", "holiday"), ("2026-03-07", "workday"), ("2026-02-17", "holiday")} <= listed
    with pytest.raises(PermissionDenied):
        admin.add_day(engine, "cv_an", "2026-03-20", "x", "holiday")
    with pytest.raises(InvalidInput, match="already recorded"):
        admin.add_day(engine, "admin", "2026-03-05", "again", "holiday")


def test_holiday_commands(world, cli):
    r = cli("holiday", "add", "2026-12-31", "Nghỉ bù", actor="admin")
    assert r.exit_code == 0, r.output
    r = cli("holiday", "workday", "2027-01-09", "Làm bù", actor="admin")
    assert r.exit_code == 0, r.output
    r = cli("holiday", "list", "--year", "2026", "--json", actor="admin")
    import json
    rows = json.loads(r.output)
    assert {"day": "2026-12-31", "kind": "holiday", "name": "Nghỉ bù", "weekday": "Thu"} in rows
    r = cli("holiday", "add", "2026-12-31", "again", actor="admin")
    assert r.exit_code == 1 and r.stderr.count("\n") == 1


def test_paid_on_the_last_day_of_2024_gets_30_days_and_on_new_year_60(world):
    engine = world
    old = walk(engine, "sold", "2024-11-01")
    step(engine, old, "record_payment", "2024-12-31")
    row = asset_row(engine, old)
    assert (row["deadline"], row["deadline_regime"]) == (D("2025-02-03"), "law2014")
    new = walk(engine, "sold", "2024-11-03")  # sold 2024-12-03: pays by 2025-01-02
    step(engine, new, "record_payment", "2025-01-01")
    row = asset_row(engine, new)
    assert (row["deadline"], row["deadline_regime"]) == (D("2025-03-03"), "decree2024")
    assert "152/2024" in row["deadline_basis"]


def test_extend_handover_only_under_the_2014_law(world):
    engine = world
    aid = walk(engine, "sold", "2024-11-01")
    step(engine, aid, "record_payment", "2024-12-31")  # law2014: 30 days -> 2025-02-03
    with pytest.raises(PermissionDenied, match="only supervisor"):
        step(engine, aid, "extend_handover", "2025-01-10", actor="cv_an", reason="phức tạp")
    with pytest.raises(InvalidInput, match="reason"):
        step(engine, aid, "extend_handover", "2025-01-10", actor="ld_binh")
    step(engine, aid, "extend_handover", "2025-01-10", actor="ld_binh", reason="tài sản phức tạp")
    row = asset_row(engine, aid)
    # 60 days from 2024-12-31 = Sat 2025-03-01 -> Mon 2025-03-03
    assert (row["state"], row["deadline"], row["clock_extended"]) == ("paid", D("2025-03-03"), True)
    with pytest.raises(TriggerNotAllowed, match="already extended"):
        step(engine, aid, "extend_handover", "2025-01-11", actor="ld_binh", reason="lần nữa")
    new = walk(engine, "sold", "2024-11-03")  # sold 2024-12-03: pays by 2025-01-02
    step(engine, new, "record_payment", "2025-01-01")
    with pytest.raises(TriggerNotAllowed, match="law2014"):
        step(engine, new, "extend_handover", "2025-01-10", actor="ld_binh", reason="x")
    assert asset_row(engine, new)["deadline"] == D("2025-03-03")


def test_extend_payment_only_under_the_2025_law(world):
    engine = world
    aid = walk(engine, "sold", "2026-07-01")  # sold 2026-07-31 under law2025
    row = asset_row(engine, aid)
    # 30 days -> Sun 08-30; 31/8 (substituted), 1/9 and 2/9 are days off -> Thu 09-03
    assert (row["deadline"], row["deadline_regime"]) == (D("2026-09-03"), "law2025")
    with pytest.raises(InvalidInput, match="not after 2026-09-29"):
        step(engine, aid, "extend_payment", "2026-08-05", until="2026-10-05")
    with pytest.raises(InvalidInput, match="must be after"):
        step(engine, aid, "extend_payment", "2026-08-05", until="2026-09-01")
    step(engine, aid, "extend_payment", "2026-08-05", until="2026-09-29")
    assert asset_row(engine, aid)["deadline"] == D("2026-09-29")
    with pytest.raises(TriggerNotAllowed, match="already extended"):
        step(engine, aid, "extend_payment", "2026-08-06", until="2026-09-28")
    early = walk(engine, "sold", "2026-03-02")  # sold 2026-04-01, before the 2025 law took effect
    with pytest.raises(TriggerNotAllowed, match="law2025"):
        step(engine, early, "extend_payment", "2026-04-05", until="2026-05-20")


def test_contract_to_auction_clock_by_kind_through_the_engine(world):
    engine = world
    movable = walk(engine, "auction_contracted", "2026-02-26", kind="movable")  # contract 2026-03-02
    land = walk(engine, "auction_contracted", "2026-02-26", kind="real_estate")
    assert asset_row(engine, movable)["deadline"] == D("2026-04-01")
    assert asset_row(engine, land)["deadline"] == D("2026-04-16")


def test_failed_auction_clock_through_the_engine(world):
    engine = world
    aid = walk(engine, "auction_contracted")
    step(engine, aid, "record_auction_failed", "2026-03-30")  # Mon: 5 WD -> 04-06, +10 -> Thu 04-16
    assert asset_row(engine, aid)["deadline"] == D("2026-04-16")


def test_suspend_stops_a_working_day_clock_and_resume_restores_it(world):
    engine = world
    aid = seize(engine, "2026-03-02")  # 5 WD -> 2026-03-09
    step(engine, aid, "suspend", "2026-03-04", kind="postpone")  # 3 WD left (5, 6, 9)
    row = asset_row(engine, aid)
    assert (row["state"], row["deadline"], row["resume_remaining"], row["resume_unit"]) == (
        "suspended", None, 3, "working")
    assert svc.show(engine, aid, "cv_an")["deadline"] is None
    step(engine, aid, "resume", "2026-03-16")
    row = asset_row(engine, aid)
    assert (row["state"], row["deadline"]) == ("seized", D("2026-03-19"))
    assert "98" in row["deadline_basis"]
    # across Tết: 3 WD left, resumed Fri 2026-02-13 -> 23, 24, 25
    aid = seize(engine, "2026-01-05")  # 5 WD -> 2026-01-12
    step(engine, aid, "suspend", "2026-01-07", kind="suspend")
    step(engine, aid, "resume", "2026-02-13")
    assert asset_row(engine, aid)["deadline"] == D("2026-02-25")


def test_suspend_stops_a_calendar_clock_and_resume_restores_it(world):
    engine = world
    aid = walk(engine, "priced", "2026-02-28")  # priced Mon 2026-03-02 -> 10 days -> 03-12
    assert asset_row(engine, aid)["deadline"] == D("2026-03-12")
    step(engine, aid, "suspend", "2026-03-05", kind="suspend")  # 7 days left
    assert asset_row(engine, aid)["resume_remaining"] == 7
    step(engine, aid, "resume", "2026-03-20")  # + 7 -> Fri 03-27
    row = asset_row(engine, aid)
    assert (row["state"], row["deadline"]) == ("priced", D("2026-03-27"))
    # restored onto a day off: resume Thu 2026-04-23 + 7 = Thu 04-30 -> Mon 05-04
    aid = walk(engine, "priced", "2026-02-28")
    step(engine, aid, "suspend", "2026-03-05", kind="postpone")
    step(engine, aid, "resume", "2026-04-23")
    assert asset_row(engine, aid)["deadline"] == D("2026-05-04")


def test_a_state_without_a_clock_has_no_deadline(world):
    engine = world
    aid = walk(engine, "appraising")
    row = asset_row(engine, aid)
    assert row["deadline"] is None and row["deadline_basis"] is None
    aid = walk(engine, "closed")
    assert asset_row(engine, aid)["deadline"] is None


def test_an_extension_survives_suspend_and_resume(world):
    engine = world
    aid = walk(engine, "sold", "2024-10-01")
    step(engine, aid, "record_payment", "2024-11-10")
    step(engine, aid, "extend_handover", "2024-11-12", actor="ld_binh", reason="phức tạp")
    step(engine, aid, "suspend", "2024-11-15", kind="postpone")
    step(engine, aid, "resume", "2024-11-20")
    with pytest.raises(TriggerNotAllowed, match="already extended"):
        step(engine, aid, "extend_handover", "2024-11-21", actor="ld_binh", reason="lần hai")


def test_stored_deadline_is_indexed():
    from auction_flow.storage.schema import assets
    indexed = {tuple(c.name for c in ix.columns) for ix in assets.indexes}
    assert ("deadline",) in indexed
    assert days("2026-01-01", 1) == D("2026-01-02")


def test_a_clock_restored_on_resume_keeps_its_regime_for_an_extension(world):
    engine = world
    aid = walk(engine, "sold", "2024-10-01")
    step(engine, aid, "record_payment", "2024-11-10")  # law2014: 30 days -> 2024-12-10
    step(engine, aid, "suspend", "2024-11-15", kind="suspend")  # 25 days left
    step(engine, aid, "resume", "2025-01-10")  # Decree 152/2024 is in force by now
    row = asset_row(engine, aid)
    assert (row["deadline"], row["deadline_regime"]) == (D("2025-02-04"), "law2014")
    # still the stint that began with the payment, 56 days suspended in between
    assert (row["state_entered_on"], row["suspended_days"]) == (D("2024-11-10"), 56)
    step(engine, aid, "extend_handover", "2025-01-13", actor="ld_binh", reason="phức tạp")
    row = asset_row(engine, aid)
    # 60 days from the payment, not counting the 56 suspended: 2024-11-10 + 56 + 60 = 2025-03-06
    assert row["clock_extended"] and row["deadline"] == D("2025-03-06")


def test_the_reappraisal_window_does_not_count_the_days_suspended(world):
    """Appraised on Wednesday 4 March 2026, the debtor received the notice the same day (5 working
    days to ask for a re-appraisal, from receipt), suspended on Friday 6 March, resumed on Friday 3
    April: the 28 days away do not count, so the window runs as if received on 1 April and closes on
    Wednesday 8 April (not 10 April, 5 working days after the resume, nor 11 March)."""
    engine = world
    debtor = parties.add(engine, "cv_an", "Nguyễn Văn Đức", "093085001234", "person")["id"]
    aid = svc.seize(engine, "cv_an", "12/2026/QĐ", "HG-VT", "movable", "Xe", on="2026-03-02", debtors=[debtor])
    step(engine, aid, "contract_appraisal", "2026-03-03", appraisal_org="TĐG Miền Nam")
    step(engine, aid, "record_appraisal", "2026-03-04", price=PRICE)
    step(engine, aid, "record_receipt", "2026-03-04", party=debtor, received_on="2026-03-04")
    step(engine, aid, "suspend", "2026-03-06", kind="postpone")
    step(engine, aid, "resume", "2026-04-03")
    row = asset_row(engine, aid)
    assert (row["state"], row["state_entered_on"], row["suspended_days"]) == ("priced", D("2026-03-04"), 28)
    with pytest.raises(TriggerNotAllowed, match="window of party .* closed on 2026-04-08 .*Art. 99\\(1\\)\\(b\\)"):
        step(engine, aid, "request_reappraisal", "2026-04-09", ground="party_request", party=debtor)
    step(engine, aid, "request_reappraisal", "2026-04-08", ground="party_request", party=debtor)
    assert asset_row(engine, aid)["state"] == "appraising"
