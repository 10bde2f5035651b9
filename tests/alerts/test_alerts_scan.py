"""The alert scan on real databases: each rule on its day (not a day early or late), across Tết
and the regime changes; exactly once under repetition and concurrency; auto-resolution;
the escalation ladder; acknowledging and snoozing through the CLI."""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections import Counter

from alert_walk import D, levels, rows, seize, step, to_paid, to_sold
from sqlalchemy import select

from auction_flow.common.config import today
from auction_flow.features.alerts import scan as scanner
from auction_flow.storage.schema import audit_log

DAY = dt.timedelta(days=1)


def scan(engine, day):
    return scanner.scan(engine, D(day) if isinstance(day, str) else day)


def test_stalled_seizure_across_tet_is_late_the_day_after_its_deadline(world):
    aid = seize(world, "2026-02-12")  # 5 working days; Tết 16-20 Feb 2026 is off
    deadline = rows_asset_deadline(world, aid)
    assert deadline == D("2026-02-26")
    for day in ("2026-02-19", "2026-02-20", "2026-02-26"):  # without Tết it would be late from the 20th
        scan(world, day)
        assert levels(world, aid) == [], day
    scan(world, "2026-02-27")
    [alert] = rows(world, asset_id=aid)
    assert (alert["rule"], alert["level"], alert["state"], alert["deadline"]) == (
        "stalled", "overdue", "seized", D("2026-02-26"))
    assert "Điều 98" in alert["basis"] and alert["regime"] == "decree2024"


def rows_asset_deadline(engine, aid):
    from auction_flow.storage.schema import assets

    with engine.connect() as conn:
        return conn.execute(select(assets.c.deadline).where(assets.c.id == aid)).scalar()


def test_handover_ladder_under_the_2014_rules_day_by_day(world):
    aid = to_paid(world, D("2024-12-20"))  # 30 days -> 2025-01-19, a Sunday -> Monday 20th
    due = D("2025-01-20")
    assert rows_asset_deadline(world, aid) == due
    expected = [(-8, []), (-7, ["warning"]), (0, ["warning"]), (1, ["overdue"]), (15, ["overdue"]),
                (16, ["escalated"]), (30, ["escalated"]), (31, ["escalated_province"])]
    for offset, want in expected:
        scan(world, due + offset * DAY)
        assert levels(world, aid, "handover") == want, offset
    everything = rows(world, asset_id=aid)
    assert [r["level"] for r in everything] == ["warning", "overdue", "escalated", "escalated_province"]
    assert [r["resolution"] for r in everything] == ["superseded"] * 3 + [None]
    with world.connect() as conn:
        audited = conn.execute(select(audit_log.c.changes).where(audit_log.c.event == "alert_escalated")).all()
    assert sorted(json.loads(c)["level"][1] for (c,) in audited) == ["escalated", "escalated_province"]


def test_handover_under_decree_2024_uses_60_days(world):
    aid = to_paid(world, D("2025-01-02"))  # 30 days would end 2025-02-03; 60 days end 2025-03-03
    scan(world, "2025-02-04")
    assert levels(world, aid) == []
    scan(world, "2025-03-03")
    assert levels(world, aid) == ["warning"]
    scan(world, "2025-03-04")
    assert levels(world, aid) == ["overdue"]


def test_warning_starts_exactly_warning_days_before(world):
    aid = to_paid(world, D("2025-01-02"))
    scan(world, "2025-02-23")  # 8 days before 2025-03-03
    assert levels(world, aid) == []
    scan(world, "2025-02-24")  # 7 days before
    assert levels(world, aid) == ["warning"]


def test_across_the_2026_regime_change_the_clock_keeps_the_regime_of_its_start(world):
    before = to_paid(world, D("2026-06-30"))
    after = to_paid(world, D("2026-07-01"))
    for aid in (before, after):
        assert rows_asset_deadline(world, aid) == D("2026-09-03")
    scan(world, "2026-09-03")
    assert levels(world, before) == ["warning"] and levels(world, after) == ["warning"]
    scan(world, "2026-09-04")
    regimes = {r["asset_id"]: r["regime"] for r in rows(world, level="overdue")}
    assert regimes == {before: "decree2024", after: "law2025"}
    assert "152/2026" in rows(world, asset_id=after, level="overdue")[0]["basis"]


def test_stalled_buyer_not_paid_and_escalation(world):
    aid = to_sold(world, D("2026-05-20"), D("2026-06-15"))  # buyer has 30 days: 2026-07-15
    scan(world, "2026-07-15")
    assert levels(world, aid) == []
    scan(world, "2026-07-16")
    assert levels(world, aid) == ["overdue"] and rows(world, asset_id=aid)[0]["state"] == "sold"
    scan(world, "2026-07-30")  # 15 days late: still overdue
    assert levels(world, aid) == ["overdue"]
    scan(world, "2026-07-31")
    assert levels(world, aid) == ["escalated"]


def test_a_scan_after_an_outage_raises_the_level_reached_today_once(world):
    aid = to_paid(world, D("2024-12-20"))
    scan(world, "2025-03-01")  # 40 days late, nobody scanned before
    assert [(r["level"], r["status"]) for r in rows(world, asset_id=aid)] == [("escalated_province", "open")]


def test_no_duplicates_after_100_scans(world):
    a = to_paid(world, D("2024-12-20"))
    b = seize(world, "2026-02-12")
    c = to_sold(world, D("2026-05-20"), D("2026-06-15"))
    scan(world, "2026-08-01")
    first = rows(world)
    for _ in range(100):
        res = scan(world, "2026-08-01")
        assert res.raised == 0 and res.escalated == ()
    assert rows(world) == first
    assert {r["asset_id"] for r in first} == {a, b, c}


def test_two_scanners_at_once_raise_each_alert_once(world):
    ids = [to_paid(world, D("2024-12-20")), seize(world, "2026-02-12"), to_paid(world, D("2025-01-02"))]
    errors, raised = [], []

    def worker():
        try:
            for _ in range(5):
                raised.append(scan(world, "2026-08-01").raised)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    keys = Counter((r["asset_id"], r["rule"], r["state"], r["entered_on"], r["deadline"], r["level"])
                   for r in rows(world))
    assert set(keys.values()) == {1}
    assert {k[0] for k in keys} == set(ids)
    assert sum(raised) == len(keys)  # every alert was raised by exactly one of the scanners


def test_alert_resolves_when_the_asset_moves_on(world):
    aid = to_paid(world, D("2024-12-20"))
    scan(world, "2025-01-25")
    assert levels(world, aid) == ["overdue"]
    step(world, aid, "hand_over", "2025-01-26")
    scan(world, "2025-01-27")
    [alert] = rows(world, asset_id=aid)
    assert (alert["status"], alert["resolution"], alert["resolved_on"]) == ("resolved", "moved_on", D("2025-01-27"))


def test_suspension_resolves_and_resumption_restarts_the_stints_clock(world):
    aid = seize(world, "2026-02-12")
    scan(world, "2026-03-02")
    assert levels(world, aid) == ["overdue"]
    step(world, aid, "suspend", "2026-03-03", kind="suspend")
    scan(world, "2026-03-04")
    assert levels(world, aid) == []
    step(world, aid, "resume", "2026-04-01")  # it was late already: it stays late
    scan(world, "2026-04-02")
    open_ = [r for r in rows(world, asset_id=aid) if r["status"] == "open"]
    # the same stint in "seized" (entered 12 Feb), with the deadline the resume gave back
    assert [(r["level"], r["entered_on"]) for r in open_] == [("overdue", D("2026-02-12"))]
    assert open_[0]["deadline"] != rows(world, asset_id=aid)[0]["deadline"]


def test_extending_the_handover_clock_replaces_its_alerts(world):
    aid = to_paid(world, D("2024-12-20"))  # 2014 rules: extendable to 60 days
    scan(world, "2025-01-21")
    assert levels(world, aid) == ["overdue"]
    step(world, aid, "extend_handover", "2025-01-22", actor="ld_binh", reason="tài sản phức tạp")
    scan(world, "2025-01-23")
    assert levels(world, aid) == []
    new_due = rows_asset_deadline(world, aid)
    scan(world, new_due + DAY)
    assert levels(world, aid) == ["overdue"]


def _cancel(engine, aid, on, actor="ld_binh"):
    step(engine, aid, "cancel_result", on, actor=actor, reason="người mua vi phạm", ground="winner_violation",
         document_no="15/KL", document_on=on, issued_by="CQĐT")


def test_complaint_risk_levels_and_factors(world):
    paid = to_paid(world, D("2026-03-02"))
    _cancel(world, paid, "2026-03-10")  # after payment in full
    unpaid = to_sold(world, D("2026-02-02"), D("2026-03-01"))
    _cancel(world, unpaid, "2026-03-10")
    scan(world, "2026-03-10")
    got = {r["asset_id"]: r for r in rows(world, rule="complaint_risk")}
    assert got[paid]["level"] == "medium" and json.loads(got[paid]["factors"])["factors"] == ["paid_in_full"]
    assert got[unpaid]["level"] == "low" and json.loads(got[unpaid]["factors"])["factors"] == []
    step(world, unpaid, "reauction", "2026-03-15")  # followed up within 10 days
    scan(world, "2026-03-20")  # day 10: nothing is missing yet
    assert levels(world, paid, "complaint_risk") == ["medium"]
    scan(world, "2026-03-21")  # day 11: no follow-up for the paid one
    assert levels(world, paid, "complaint_risk") == ["high"]
    assert levels(world, unpaid, "complaint_risk") == ["low"]
    high = [r for r in rows(world, asset_id=paid) if r["level"] == "high"][0]
    assert json.loads(high["factors"])["factors"] == ["paid_in_full", "no_follow_up"]
    assert json.loads(high["factors"])["window_ends"] == "2026-04-09"


def test_complaint_risk_cancelled_before_and_resolution_after_the_window(world):
    aid = to_sold(world, D("2026-01-05"), D("2026-02-02"))
    _cancel(world, aid, "2026-02-05")
    step(world, aid, "reauction", "2026-02-06")
    step(world, aid, "contract_auction", "2026-02-09", auction_org="ĐG", auction_date="2026-03-02")
    step(world, aid, "record_sale", "2026-03-02", sale_price=100_000_000, buyer="Người mua hai",
         deposit=10_000_000)
    step(world, aid, "record_refunds", "2026-03-02", refunded_on="2026-03-02", bidders=2)
    _cancel(world, aid, "2026-03-05")
    scan(world, "2026-03-05")
    second = [r for r in rows(world, asset_id=aid) if r["entered_on"] == D("2026-03-05")]
    assert [json.loads(r["factors"])["factors"] for r in second] == [["cancelled_before"]]
    step(world, aid, "release", "2026-03-09", actor="ld_binh", reason="giải tỏa")
    scan(world, "2026-04-04")  # window of the second ends 2026-04-04: still open
    assert levels(world, aid, "complaint_risk") == ["medium"]
    scan(world, "2026-04-05")
    assert levels(world, aid, "complaint_risk") == []
    assert {r["resolution"] for r in rows(world, asset_id=aid)} == {"window_closed"}


def test_complaint_risk_stays_open_without_follow_up_or_with_a_complaint(world):
    from auction_flow.features.complaints import service as complaints

    quiet = to_sold(world, D("2026-01-05"), D("2026-02-02"))
    _cancel(world, quiet, "2026-02-05")  # never followed up
    complained = to_sold(world, D("2026-01-05"), D("2026-02-02"))
    _cancel(world, complained, "2026-02-05")
    step(world, complained, "reauction", "2026-02-06")
    complaints.add(world, "cv_an", complained, "complaint", "2026-02-20", "Trần Văn Mua", "hủy kết quả")
    scan(world, "2026-05-01")
    assert levels(world, quiet, "complaint_risk") == ["medium"]  # no_follow_up
    # the risk came true before any scan: closed, never raised as open
    assert [(r["status"], r["resolution"]) for r in rows(world, asset_id=complained, rule="complaint_risk")] == [
        ("resolved", "complaint_filed")]


def test_complaint_filed_after_the_risk_was_raised_closes_it_for_good(world):
    from auction_flow.features.complaints import service as complaints

    aid = to_paid(world, D("2026-01-20"))
    _cancel(world, aid, "2026-02-05")
    scan(world, "2026-02-06")
    assert levels(world, aid, "complaint_risk") == ["medium"]
    complaints.add(world, "cv_an", aid, "complaint", "2026-02-10", "Trần Văn Mua", "hủy kết quả")
    scan(world, "2026-02-20")  # no follow-up by the 15th: would be high, but the loop is closed
    assert [(r["level"], r["resolution"]) for r in rows(world, asset_id=aid, rule="complaint_risk")] == [
        ("medium", "complaint_filed")]


def test_alerts_list_json_contract_and_order(world, cli):
    a = to_paid(world, D("2024-12-20"))
    seize(world, "2026-02-12", office="HG-NB", actor="cv_dung")
    r = cli("alerts", "scan", "--now", "2025-02-10", actor="cv_an")
    assert r.exit_code == 0, r.output
    r = cli("alerts", "list", "--json", "--now", "2025-02-10", actor="ld_tinh")
    data = json.loads(r.output)
    assert [(d["asset_id"], d["rule"], d["level"], d["days_late"]) for d in data] == [(a, "handover", "escalated", 21)]
    for key in ("id", "asset_id", "rule", "level", "state", "deadline", "days_late", "status", "office", "officer",
                "basis"):
        assert key in data[0]
    assert data[0]["office"] == "HG-VT" and data[0]["officer"] == "cv_an" and data[0]["deadline"] == "2025-01-20"
    cli("alerts", "scan", "--now", "2026-03-01", actor="cv_an")
    data = json.loads(cli("alerts", "list", "--json", actor="ld_tinh").output)
    assert [d["level"] for d in data] == ["escalated_province", "overdue"]  # most urgent first
    assert json.loads(cli("alerts", "list", "--json", actor="cv_dung").output)[0]["office"] == "HG-NB"
    assert len(json.loads(cli("alerts", "list", "--json", actor="cv_dung").output)) == 1
    assert len(json.loads(cli("alerts", "list", "--json", "--all", actor="ld_tinh").output)) == 3
    assert json.loads(cli("alerts", "list", "--json", "--rule", "stalled", actor="ld_tinh").output)[0]["state"] == "seized"


def test_ack_and_snooze_are_audited_and_scoped(world, cli):
    aid = seize(world, today() - dt.timedelta(days=12))
    cli("alerts", "scan")
    [alert] = rows(world, asset_id=aid)
    assert alert["level"] == "overdue"
    r = cli("alerts", "ack", alert["id"], "--reason", "hẹn giao", actor="cv_dung")
    assert r.exit_code == 1 and "HG-NB" in r.output
    r = cli("alerts", "ack", alert["id"], "--reason", "xem", actor="ksv")
    assert r.exit_code == 1
    from auction_flow.storage.schema import access_log
    with world.connect() as conn:
        denials = conn.execute(select(access_log.c.actor, access_log.c.action, access_log.c.asset_id)).all()
    assert [tuple(d) for d in denials] == [("cv_dung", "alert_acknowledged", aid), ("ksv", "alert_acknowledged", aid)]
    r = cli("alerts", "ack", alert["id"], "--reason", "hẹn giao ngày 25", actor="cv_an")
    assert r.exit_code == 0, r.output
    until = today() + dt.timedelta(days=3)
    r = cli("alerts", "snooze", alert["id"], "--until", until, "--reason", "người mua ở nước ngoài", actor="ld_tinh")
    assert r.exit_code == 0, r.output
    r = cli("alerts", "snooze", alert["id"], "--until", today(), "--reason", "x", actor="ld_tinh")
    assert r.exit_code == 1
    shown = json.loads(cli("alerts", "show", alert["id"], "--json", actor="cv_an").output)
    assert shown["status"] == "snoozed" and shown["snoozed_until"] == until.isoformat()
    assert [h["event"] for h in shown["history"]] == ["alert_acknowledged", "alert_snoozed"]
    assert [h["actor"] for h in shown["history"]] == ["cv_an", "ld_tinh"]
    scan(world, until - DAY)
    assert rows(world, asset_id=aid)[0]["status"] == "snoozed"
    scan(world, until)
    assert rows(world, asset_id=aid)[0]["status"] == "open"


def test_alert_audit_rows_keep_the_audit_log_verifiable(world):
    from auction_flow.features.supervision import verify

    aid = to_paid(world, D("2024-12-20"))
    scan(world, "2025-03-01")  # escalated to the province: audited
    from auction_flow.features.alerts import service as svc

    svc.ack(world, rows(world, asset_id=aid)[0]["id"], "ld_binh", "đã nhắc chấp hành viên")
    report = verify.verify(world)
    assert report.problems == [], report
    with world.connect() as conn:
        events = [e for (e,) in conn.execute(select(audit_log.c.event).where(audit_log.c.asset_id.is_(None),
                                                                             audit_log.c.event.like("alert_%")))]
    assert events == ["alert_escalated", "alerts_scanned", "alert_acknowledged"]  # the scan counts its alerts


def test_migration_0002_upgrades_and_downgrades(empty_db_url):
    from sqlalchemy import inspect

    from auction_flow.storage import db

    assert db.upgrade(empty_db_url, "0002") == "0002"
    engine = db.get_engine(empty_db_url)
    tables = set(inspect(engine).get_table_names())
    assert {"alerts", "alert_digests", "scheduler_leases", "scheduler_runs"} <= tables
    uniques = inspect(engine).get_unique_constraints("alerts")
    assert [u["column_names"] for u in uniques] == [["asset_id", "rule", "state", "entered_on", "deadline", "level"]]
    engine.dispose()
    assert db.downgrade(empty_db_url, "0001") == "0001"
    engine = db.get_engine(empty_db_url)
    assert not {"alerts", "alert_digests", "scheduler_leases", "scheduler_runs"} & set(inspect(engine).get_table_names())
    engine.dispose()
    assert db.upgrade(empty_db_url, "0002") == "0002"


def test_the_scan_reads_only_workflow_files_and_names_a_broken_one(world, tmp_path, monkeypatch, caplog):
    """The complaints clocks share the workflows folder: the scan must not take them for a broken
    workflow (an ERROR in the scheduler's log every run), and must still name a broken workflow."""
    import logging
    import shutil

    from auction_flow.common.config import workflows_dir

    caplog.set_level(logging.ERROR, logger="auction_flow.scanner")
    # the current version and versions 1 and 2, kept for the assets still on them
    assert sorted((wf.name, wf.version) for wf in scanner.workflows()) == \
        [("asset_auction", 1), ("asset_auction", 2), ("asset_auction", 3)]
    scan(world, "2026-03-02")
    assert not caplog.records, caplog.text
    for name in ("asset_auction.yaml", "complaints.yaml"):
        shutil.copy(workflows_dir() / name, tmp_path / name)
    (tmp_path / "broken.yaml").write_text("name: broken\nversion: 1\nstates: {}\n", encoding="utf-8")
    monkeypatch.setenv("AUCTION_FLOW_WORKFLOWS", str(tmp_path))
    assert [wf.name for wf in scanner.workflows()] == ["asset_auction"]
    assert [r.getMessage().split(":")[0] for r in caplog.records] == [f"alert scan skips {tmp_path / 'broken.yaml'}"]
