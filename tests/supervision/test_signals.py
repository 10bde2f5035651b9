"""Inspection signals: each raised by a seeded pattern and not by an innocent one, with evidence rows."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from auction_flow.common.config import today
from auction_flow.common.errors import PermissionDenied
from auction_flow.features.assets import service as svc
from auction_flow.features.complaints import service as comp
from auction_flow.features.supervision import service as audit_svc

NO_BACKDATING = ["backdated_days=100000"]


class Walk:
    """Drives one asset through the engine with increasing business dates."""

    def __init__(self, engine, who, office, case, start=dt.date(2026, 2, 2)):
        self.engine, self.who, self.day = engine, who, start
        self.id = svc.seize(engine, who, case, office, "movable", "Xe", on=self.day)

    def step(self, trigger, *sets, who=None, days=2, reason=None):
        self.day += dt.timedelta(days=days)
        return svc.advance(self.engine, self.id, trigger, who or self.who, on=self.day, sets=list(sets),
                           reason=reason)

    def sell(self, appraised, reductions, buyer, who=None):
        price = appraised
        self.step("agree_price", f"price={appraised}")
        for _ in range(reductions):
            self.step("contract_auction", "auction_org=ĐG", f"auction_date={self.day + dt.timedelta(days=20)}")
            self.step("record_auction_failed", days=20)
            price = price * 9 // 10 + 1
            self.step("reduce_price", f"price={price}")
        self.step("contract_auction", "auction_org=ĐG", f"auction_date={self.day + dt.timedelta(days=20)}")
        self.step("record_sale", f"sale_price={price}", f"buyer={buyer}", f"deposit={price // 10}", who=who, days=20)
        return self


def found(engine, actor="ld_tinh", thresholds=NO_BACKDATING, **kw):
    res = audit_svc.signals(engine, actor, thresholds=thresholds, **kw)
    return res["signals"]


def by(signals, name):
    return [s for s in signals if s["signal"] == name]


def test_each_signal_raised_by_its_pattern_only(world):
    # low sale and repeated price cuts: 4 reductions -> 65.6 % of the appraisal; innocent: 1 reduction
    cheap = Walk(world, "cv_an", "HG-VT", "1").sell(100_000_000, 4, "Phạm Thị Mai")
    fair = Walk(world, "cv_an", "HG-VT", "2").sell(100_000_000, 1, "Phạm Thị Mai")
    # one buyer winning 3 auctions (names written differently); another winning 2
    wins = [Walk(world, "cv_an", "HG-VT", f"w{i}").sell(50_000_000, 0, name)
            for i, name in enumerate(["Lê Văn Tám", "lê văn  tám", "LÊ VĂN TÁM "])]
    for i in range(2):
        Walk(world, "cv_dung", "HG-NB", f"n{i}").sell(50_000_000, 0, "Đỗ Hùng")
    # one supervisor cancelling 3 results; another cancelling 1
    for w in wins:
        w.step("cancel_result", "ground=winner_violation", "document_no=15/KL-CSĐT", "document_on=2024-01-02", "issued_by=Cơ quan Cảnh sát điều tra", who="ld_binh", reason="thông đồng")
    fair.step("cancel_result", "ground=agreement", "document_no=3/TT", "document_on=2026-02-02", "issued_by=các bên", who="ld_tinh", reason="thỏa thuận")
    # steps by a supervisor of the province on a branch asset (ordinary steps), and by the branch officer
    outside = Walk(world, "cv_an", "HG-VT", "o")
    outside.step("agree_price", "price=70000000", who="ld_tinh")
    outside.step("release", who="ld_tinh", reason="giải tỏa")  # a supervisor's own decision: not a signal
    # a handover while a complaint is open; innocent: the complaint was resolved before the handover
    open_c = Walk(world, "cv_dung", "HG-NB", "h1").sell(60_000_000, 0, "Võ Văn Hai")
    closed_c = Walk(world, "cv_dung", "HG-NB", "h2").sell(60_000_000, 0, "Võ Văn Ba")
    for w in (open_c, closed_c):
        w.step("record_payment")
        c = comp.add(world, "cv_dung", w.id, "complaint", w.day, "Nguyễn Văn C", "giao tài sản")
        comp.accept(world, "ld_tinh", c["id"], on=w.day + dt.timedelta(days=1))
        if w is closed_c:
            comp.resolve(world, "ld_tinh", c["id"], on=w.day + dt.timedelta(days=3))
        w.step("hand_over", days=5)

    sig = found(world)
    low = by(sig, "low_sale")
    assert [s["subject"] for s in low] == [f"asset {cheap.id}"] and low[0]["value"] == 65.6
    assert low[0]["evidence"][0]["trigger"] == "record_sale"
    cuts = by(sig, "price_reductions")
    assert [s["subject"] for s in cuts] == [f"asset {cheap.id}"] and cuts[0]["value"] == 4
    assert [e["trigger"] for e in cuts[0]["evidence"]] == ["reduce_price"] * 4
    buyers = by(sig, "buyer_wins")
    assert [(s["subject"], s["value"]) for s in buyers] == [("Lê Văn Tám", 3)]
    assert {e["asset"] for e in buyers[0]["evidence"]} == {w.id for w in wins}
    cancels = by(sig, "officer_cancellations")
    assert [(s["subject"], s["value"]) for s in cancels] == [("ld_binh", 3)]
    out = by(sig, "outside_office")
    assert [(s["evidence"][0]["asset"], s["evidence"][0]["trigger"], s["evidence"][0]["actor"]) for s in out] == [
        (outside.id, "agree_price", "ld_tinh")]
    hand = by(sig, "handover_open_complaint")
    assert [s["subject"] for s in hand] == [f"asset {open_c.id}"]
    assert hand[0]["evidence"][0]["trigger"] == "hand_over" and len(hand[0]["complaints"]) == 1
    assert by(sig, "backdated") == []

    # thresholds are configuration: raising them silences the signals
    quiet = found(world, thresholds=NO_BACKDATING + ["low_sale_percent=60", "buyer_wins=3",
                                                     "officer_cancellations=3", "price_reductions=4"])
    assert {s["signal"] for s in quiet} == {"outside_office", "handover_open_complaint"}
    # the office and period filters
    nb = found(world, office="HG-NB")
    assert {s["signal"] for s in nb} == {"handover_open_complaint"}
    assert found(world, start="2026-12-01") == []
    assert found(world, end="2026-02-01") == []


def test_backdating(world, cli, tmp_path):
    on = today()
    late = Walk(world, "cv_an", "HG-VT", "late", start=on - dt.timedelta(days=20))
    Walk(world, "cv_an", "HG-VT", "now", start=on)
    sig = by(found(world, thresholds=[]), "backdated")
    assert [(s["evidence"][0]["asset"], s["value"]) for s in sig] == [(late.id, 20)]
    # the same threshold from a config file's `signals:` mapping, and from the command line
    config = tmp_path / "af.yaml"
    config.write_text("signals:\n  backdated_days: 25\n", encoding="utf-8")
    assert by(found(world, thresholds=[], config=str(config)), "backdated") == []
    r = cli("audit", "signals", "--config", config, "--threshold", "backdated_days=19", "--json", actor="ksv")
    data = json.loads(r.output)
    assert data["thresholds"]["backdated_days"] == 19
    assert [s["signal"] for s in data["signals"]] == ["backdated"]
    r = cli("audit", "signals", actor="ld_binh")
    assert r.exit_code == 0 and "[backdated] asset" in r.output and f"row " in r.output
    assert cli("audit", "signals", "--threshold", "nonsense=1", actor="ld_binh").exit_code == 1


def test_officers_do_not_read_signals_and_scope_applies(world, cli):
    Walk(world, "cv_dung", "HG-NB", "x").step("agree_price", "price=1000000", who="ld_tinh")
    with pytest.raises(PermissionDenied):
        audit_svc.signals(world, "cv_dung")
    assert by(found(world, "ld_binh"), "outside_office") == []  # HG-NB is not in HG-VT's scope
    assert len(by(found(world, "ksv"), "outside_office")) == 1
