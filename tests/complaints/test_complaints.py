"""The complaints register and its statutory clocks, across Tết 2026 (days off 2026-02-16..20)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from auction_flow.common.errors import PermissionDenied, TriggerNotAllowed, WorkflowDefinitionError
from auction_flow.core import complaint_clocks as rules_mod
from auction_flow.core.calendar import WorkCalendar
from auction_flow.features.assets import service as svc
from auction_flow.features.complaints import service as comp

D = dt.date.fromisoformat


@pytest.fixture
def asset(world):
    return svc.seize(world, "cv_an", "1/2025", "HG-VT", "real_estate", "Nhà đất", on="2025-11-03")


def test_acceptance_counts_working_days_across_tet(world, asset, cli):
    r = cli("complaint", "add", "--asset", asset, "--kind", "complaint", "--received", "2026-02-12",
            "--by", "Trần Văn B", "--about", "Giá khởi điểm quá thấp", "--json", actor="cv_an")
    assert r.exit_code == 0, r.output
    c = json.loads(r.output)
    # Fri 13 is day 1; Tết Mon 16 - Fri 20 is off; 23, 24, 25, 26 are days 2-5
    assert c["accept_due"] == "2026-02-26" and c["status"] == "received"
    assert "Art. 146" in c["accept_basis"]


@pytest.mark.parametrize("kind,level,coercion,complex_,accepted,due", [
    ("complaint", "first", False, False, "2026-02-02", "2026-02-23"),   # 15 days -> Tue 17 (Tết) -> Mon 23
    ("complaint", "first", False, False, "2026-01-26", "2026-02-10"),   # 15 days, no holiday in the way
    ("complaint", "second", False, False, "2026-01-18", "2026-02-23"),  # 30 days -> Tue 17 -> Mon 23
    ("complaint", "first", True, False, "2026-01-20", "2026-02-23"),    # coercion 30 -> Thu 19 -> Mon 23
    ("complaint", "second", True, False, "2026-01-05", "2026-02-23"),   # coercion 45 -> Thu 19 -> Mon 23
    ("complaint", "first", False, True, "2026-01-05", "2026-02-23"),    # 15 + 30 complex -> Thu 19 -> Mon 23
    ("complaint", "first", True, True, "2025-12-21", "2026-02-23"),     # 30 + 30 -> Thu 19 -> Mon 23
    ("denunciation", "first", False, False, "2025-12-19", "2026-02-23"),  # 60 -> Tue 17 -> Mon 23
    ("denunciation", "first", False, True, "2025-11-19", "2026-02-23"),   # 90 -> Tue 17 -> Mon 23
    ("denunciation", "first", False, False, "2025-12-01", "2026-01-30"),  # 60, an ordinary Friday
])
def test_resolution_deadline(kind, level, coercion, complex_, accepted, due):
    clock = rules_mod.rules().resolve_clock(kind, level, coercion, complex_)
    assert clock.due(D(accepted), WorkCalendar()) == D(due), clock.basis


def test_resolution_deadline_through_the_register(world, asset):
    c = comp.add(world, "cv_an", asset, "denunciation", "2025-12-17", "B", "về việc kê biên", complex_=True)
    c = comp.accept(world, "ld_binh", c["id"], on="2025-12-19")
    assert c["resolve_due"] == D("2026-03-19")  # 90 days
    c = comp.add(world, "cv_an", asset, "complaint", "2026-01-30", "B", "x", "second", coercion=True)
    c = comp.accept(world, "ld_binh", c["id"], on="2026-02-02")
    assert c["resolve_due"] == D("2026-03-19") and "45 days" in c["resolve_basis"]
    assert c["status"] == "accepted" and c["accept_clock"] == "met"


def test_clock_met_missed_and_overdue(world, asset, cli):
    c = comp.add(world, "cv_an", asset, "complaint", "2026-02-12", "B", "x")
    c = comp.accept(world, "ld_binh", c["id"], on="2026-02-27")  # due 26: accepted late
    assert c["accept_clock"] == "missed" and c["resolve_due"] == D("2026-03-16")  # 15 days -> Sat 14 -> Mon 16
    c = comp.resolve(world, "ld_tinh", c["id"], on="2026-03-16", outcome="Không có căn cứ")
    assert c["resolve_clock"] == "met" and c["status"] == "resolved"
    other = comp.add(world, "cv_an", asset, "denunciation", "2026-01-05", "C", "y")
    listed = {x["id"]: x for x in json.loads(cli("complaint", "list", "--json", actor="ksv").output)}
    assert listed[other["id"]]["accept_clock"] == "overdue"  # never accepted, today is long after
    with pytest.raises(TriggerNotAllowed):
        comp.resolve(world, "ld_binh", other["id"], on="2026-02-01")  # not accepted yet


def test_complex_flag_on_acceptance(world, asset, cli):
    c = comp.add(world, "cv_an", asset, "complaint", "2026-03-02", "B", "x")
    r = cli("complaint", "accept", c["id"], "--on", "2026-03-03", "--complex", "--json", actor="ld_binh")
    data = json.loads(r.output)
    assert data["complex"] and data["resolve_due"] == "2026-04-17"  # 45 days after 3 March
    r = cli("complaint", "resolve", data["id"], "--on", "2026-04-20", "--json", actor="ld_binh")
    assert json.loads(r.output)["resolve_clock"] == "missed"


def test_who_may_record_accept_and_resolve(world, asset, cli):
    with pytest.raises(PermissionDenied):
        comp.add(world, "ksv", asset, "complaint", "2026-03-02", "B", "x")  # procurator reads only
    with pytest.raises(PermissionDenied):
        comp.add(world, "cv_dung", asset, "complaint", "2026-03-02", "B", "x")  # other branch
    c = comp.add(world, "cv_an", asset, "complaint", "2026-03-02", "B", "x")
    r = cli("complaint", "accept", c["id"], "--on", "2026-03-03", actor="cv_an")  # officers do not decide
    assert r.exit_code == 1 and "supervisor" in r.output
    denied = json.loads(cli("audit", "denied", "--json", actor="admin").output)
    assert [d["action"] for d in denied] == ["complaint add", "complaint add", "complaint accept"]
    assert json.loads(cli("complaint", "list", "--json", actor="cv_dung").output) == []
    assert len(json.loads(cli("complaint", "list", "--json", actor="ksv").output)) == 1


def test_every_change_is_audited_and_chained(world, asset, cli):
    c = comp.add(world, "cv_an", asset, "complaint", "2026-03-02", "B", "x")
    comp.accept(world, "ld_binh", c["id"], on="2026-03-03")
    comp.resolve(world, "ld_binh", c["id"], on="2026-03-10")
    rows = json.loads(cli("audit", "log", "--office", "HG-VT", "--json", actor="ld_binh").output)
    events = [r["event"] for r in rows if r["event"].startswith("complaint")]
    assert events == ["complaint_received", "complaint_accepted", "complaint_resolved"]
    assert all(r["changes"]["complaint"] == [None, c["id"]] for r in rows if r["event"].startswith("complaint"))
    assert cli("audit", "verify", actor="ld_tinh").exit_code == 0


def test_legal_numbers_are_data(tmp_path):
    text = (rules_mod.workflows_dir() / "complaints.yaml").read_text(encoding="utf-8")
    longer = tmp_path / "c.yaml"
    longer.write_text(text.replace("first:    {days: 15", "first:    {days: 20"), encoding="utf-8")
    r = rules_mod.rules(longer).resolve_clock("complaint", "first", False, False)
    assert r.days == 20
    bad = tmp_path / "bad.yaml"
    bad.write_text(text.replace("days: 60", "days: -60"), encoding="utf-8")
    with pytest.raises(WorkflowDefinitionError, match="resolution.denunciation.ordinary.days"):
        rules_mod.rules(bad)


def _sold_and_cancelled(world, seller="cv_an"):
    aid = svc.seize(world, seller, "7/2026", "HG-VT", "movable", "Ô tô", on="2026-01-05")
    svc.advance(world, aid, "agree_price", seller, on="2026-01-06", sets=["price=100000000"])
    svc.advance(world, aid, "contract_auction", seller, on="2026-01-07",
                sets=["auction_org=ĐG", "auction_date=2026-02-02"])
    svc.advance(world, aid, "record_sale", seller, on="2026-02-02", sets=["sale_price=100000000", "buyer=M", "deposit=10000000"])
    svc.advance(world, aid, "cancel_result", "ld_binh", on="2026-02-05", sets=["ground=sanction_decision", "document_no=3/QĐ-XPHC",
                "document_on=2026-02-04", "issued_by=Chánh Thanh tra Sở Tư pháp"],
                reason="vi phạm thủ tục")
    return aid


def _alerts(world, aid, rule):
    from sqlalchemy import select

    from auction_flow.storage.schema import alerts

    with world.connect() as conn:
        return [dict(r) for r in conn.execute(select(alerts).where(alerts.c.asset_id == aid, alerts.c.rule == rule)
                                              .order_by(alerts.c.id)).mappings()]


def test_complaint_clocks_raise_alerts_and_close_the_complaint_risk_loop(world, cli):
    from auction_flow.features.alerts import scan as scanner

    aid = _sold_and_cancelled(world)
    scanner.scan(world, D("2026-02-06"))
    risk = _alerts(world, aid, "complaint_risk")
    assert [r["status"] for r in risk] == ["open"]
    c = comp.add(world, "cv_an", aid, "complaint", "2026-02-12", "M", "hủy kết quả đấu giá")
    assert c["after_cancellation"] and c["closed_alerts"] == [risk[0]["id"]]
    risk = _alerts(world, aid, "complaint_risk")
    assert [(r["status"], r["resolution"]) for r in risk] == [("resolved", "complaint_filed")]
    # acceptance due Thu 26 Feb (Tết in between): warning 2 days before, overdue the day after
    scanner.scan(world, D("2026-02-23"))
    assert _alerts(world, aid, "complaint") == []
    scanner.scan(world, D("2026-02-24"))
    assert [(a["level"], a["deadline"], a["state"]) for a in _alerts(world, aid, "complaint")] == [
        ("warning", D("2026-02-26"), "complaint_received")]
    scanner.scan(world, D("2026-02-27"))
    open_ = [a for a in _alerts(world, aid, "complaint") if a["status"] != "resolved"]
    assert [a["level"] for a in open_] == ["overdue"]
    # the risk alert is not raised again by later scans (its loop is closed)
    scanner.scan(world, D("2026-03-01"))
    assert [r["status"] for r in _alerts(world, aid, "complaint_risk")] == ["resolved"]
    # accepting it ends the acceptance clock's alerts; the resolution clock (15 days -> 16 March) starts
    comp.accept(world, "ld_binh", c["id"], on="2026-03-01")
    scanner.scan(world, D("2026-03-02"))
    assert [a for a in _alerts(world, aid, "complaint") if a["status"] != "resolved"] == []
    scanner.scan(world, D("2026-03-17"))
    open_ = [a for a in _alerts(world, aid, "complaint") if a["status"] != "resolved"]
    assert [(a["level"], a["state"], a["deadline"]) for a in open_] == [
        ("overdue", "complaint_accepted", D("2026-03-16"))]
    listed = json.loads(cli("alerts", "list", "--json", "--rule", "complaint", "--now", "2026-03-17",
                            actor="ld_binh").output)
    assert [a["asset_id"] for a in listed] == [aid]


def test_an_assets_audit_log_lists_its_complaints(world, asset, cli):
    """A procurator reading one asset's record sees the complaints about it beside its steps,
    and not those about another asset whose id starts with the same digits."""
    others = [svc.seize(world, "cv_an", f"{n}/2025", "HG-VT", "movable", "Xe", on="2025-11-03") for n in range(2, 12)]
    other = next(o for o in others if str(o).startswith(str(asset)) and o != asset)  # e.g. 1 and 10
    c = comp.add(world, "cv_an", asset, "complaint", "2026-03-02", "B", "x")
    comp.accept(world, "ld_binh", c["id"], on="2026-03-03")
    comp.add(world, "cv_an", other, "complaint", "2026-03-02", "C", "y")
    rows = json.loads(cli("audit", "log", "--asset", asset, "--json", actor="ksv").output)
    assert [(r["event"], r["asset"]) for r in rows] == [
        ("asset_created", asset), ("complaint_received", None), ("complaint_accepted", None)]
    assert all(r["changes"]["asset"] == [None, asset] for r in rows[1:])
    rows = json.loads(cli("audit", "log", "--asset", other, "--json", actor="ksv").output)
    assert [r["event"] for r in rows] == ["asset_created", "complaint_received"]
