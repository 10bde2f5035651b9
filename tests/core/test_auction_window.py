"""Issue 13: the auction day's window, golden dates. The auction must not come before the public
posting period ends (Property Auction Law 2016 Art. 35(1): at least 7 working days for a movable,
15 days for real estate) nor after 30 / 45 days from the contract (Art. 101(2)); every number comes
from workflows/asset_auction.yaml (triggers.contract_auction.checks). Counted from the contract's
day; an end on a day off moves to the next working day. Days off in 2026 around the cases:
Sun 04-26 and Mon 04-27 (Hùng Kings, compensatory), Thu 04-30 and Fri 05-01."""

from __future__ import annotations

import pytest
from assetwalk import D, asset_row, step, walk

from auction_flow.common.errors import TriggerNotAllowed
from auction_flow.core import workflow as workflow_mod


def _priced(engine, kind: str, contract_on: str) -> int:
    """An asset priced a few days before ``contract_on``."""
    return walk(engine, "priced", start=str(D(contract_on).replace(day=1)), kind=kind)


def _contract(engine, aid, on, auction_date):
    return step(engine, aid, "contract_auction", on, auction_org="ĐG Hậu Giang", auction_date=auction_date)


def _refused(engine, kind, on, auction_date) -> tuple[str, str]:
    aid = _priced(engine, kind, on)
    with pytest.raises(TriggerNotAllowed) as info:
        _contract(engine, aid, on, auction_date)
    assert asset_row(engine, aid)["state"] == "priced"  # nothing written
    return str(info.value), info.value.render("vi")


def test_the_window_is_the_definitions_and_the_old_guard_is_gone():
    trig = workflow_mod.get().triggers["contract_auction"]
    windows = {(c.when_kind, c.when_regime): c for c in trig.checks if c.kind == "window"}
    old, new = ("law2014", "decree2024"), ("law2025",)
    assert set(windows) == {(k, r) for k in ("movable", "real_estate") for r in (old, new)}
    assert "auction_date_after_contract" not in trig.guards
    assert "Art. 35(1)(a)" in windows["movable", old].source.basis and "101(2)" in windows["movable", old].source.basis
    assert "Art. 35(1)(b)" in windows["real_estate", old].source.basis
    assert "106/2025" in windows["movable", new].source.basis and not windows["movable", new].source.confirmed


def test_movable_first_and_last_day_across_the_april_days_off(world):
    # contract Wed 2026-04-22; 7 working days: 23, 24, (26-27 Hùng Kings off) 28, 29, (30 Apr, 1 May
    # off) 4, 5, 6 May -> earliest Wed 2026-05-06; 30 days: Fri 2026-05-22 -> latest 2026-05-22
    for day in ("2026-05-06", "2026-05-22"):
        aid = _priced(world, "movable", "2026-04-22")
        _contract(world, aid, "2026-04-22", day)
        row = asset_row(world, aid)
        assert (row["state"], row["auction_date"]) == ("auction_contracted", D(day))
    for day in ("2026-05-05", "2026-05-25"):  # the day before; the next working day after (Mon)
        en, vi = _refused(world, "movable", "2026-04-22", day)
        assert "from 2026-05-06 to 2026-05-22" in en and day in en, en
        assert "Property Auction Law 2016 Art. 35(1)(a)" in en and "Art. 101(2)" in en, en
        assert "sớm nhất 2026-05-06, muộn nhất 2026-05-22" in vi and "Điều 35 khoản 1 điểm a" in vi, vi
        assert "Điều 101 khoản 2" in vi, vi


def test_real_estate_first_day_moves_past_the_holidays_and_the_last_past_the_weekend(world):
    # contract Wed 2026-04-15; 15 days: Thu 04-30 (off), Fri 05-01 (off), weekend -> Mon 2026-05-04;
    # 45 days: Sat 2026-05-30 -> Mon 2026-06-01
    for day in ("2026-05-04", "2026-06-01"):
        aid = _priced(world, "real_estate", "2026-04-15")
        _contract(world, aid, "2026-04-15", day)
        assert asset_row(world, aid)["auction_date"] == D(day)
    for day in ("2026-04-30", "2026-05-03", "2026-06-02"):
        en, vi = _refused(world, "real_estate", "2026-04-15", day)
        assert "from 2026-05-04 to 2026-06-01" in en and "Art. 35(1)(b)" in en and "Art. 101(2)" in en, en
        assert "sớm nhất 2026-05-04, muộn nhất 2026-06-01" in vi and "Điều 35 khoản 1 điểm b" in vi, vi


def test_a_movables_window_is_not_a_real_estates(world):
    # contracted Wed 2026-04-15: a movable 2026-04-24 (7 WD) .. 2026-05-15 (30 days); real estate
    # 2026-05-04 .. 2026-06-01, so a movable's first day is refused for real estate and vice versa
    aid = _priced(world, "movable", "2026-04-15")
    _contract(world, aid, "2026-04-15", "2026-04-24")
    en, _ = _refused(world, "real_estate", "2026-04-15", "2026-04-24")
    assert "from 2026-05-04" in en
    en, _ = _refused(world, "movable", "2026-04-15", "2026-05-18")
    assert "from 2026-04-24 to 2026-05-15" in en
