"""The procuracy (Viện kiểm sát): decisions sent to it within the law's days, its recommendations
and protests with their answer clocks, alerts to the supervisors; who may do what. Golden dates
across Tết 2026 (days off 2026-02-16..20)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select

from auction_flow.common.errors import InvalidInput, PermissionDenied, TriggerNotAllowed, WorkflowDefinitionError
from auction_flow.core.workflow import procuracy_section
from auction_flow.features.alerts import scan as scanner
from auction_flow.features.assets import service as svc
from auction_flow.features.procuracy import service as pk
from auction_flow.storage.schema import access_log, alerts

D = dt.date.fromisoformat


def _alerts(world, aid, rule):
    with world.connect() as conn:
        return [dict(r) for r in conn.execute(select(alerts).where(alerts.c.asset_id == aid, alerts.c.rule == rule)
                                              .order_by(alerts.c.id)).mappings()]


def _open(world, aid, rule):
    return [a["level"] for a in _alerts(world, aid, rule) if a["status"] != "resolved"]


@pytest.fixture
def asset(world):
    return svc.seize(world, "cv_an", "3/2026", "HG-VT", "movable", "Ô tô", on="2026-02-12")  # step 1


def test_send_clock_golden_dates_met_and_missed(world, asset):
    sent = pk.send(world, "cv_an", asset, 1, on="2026-02-24", reference="15/CV-THA")
    # Thu 12 decided; Fri 13 is day 1; Tết 16-20 off; Mon 23, Tue 24 are days 2 and 3
    assert (sent["send_due"], sent["clock"], sent["trigger"]) == (D("2026-02-24"), "met", "seize")
    assert "Điều 38" in sent["send_basis"]
    svc.advance(world, asset, "suspend", "cv_an", on="2026-03-02", sets=["kind=postpone"])  # step 2: Mon
    for day, want in (("2026-03-05", []), ("2026-03-06", ["overdue"]), ("2026-03-10", ["overdue"]),
                      ("2026-03-11", ["escalated"])):
        scanner.scan(world, D(day))
        assert _open(world, asset, "procuracy_send") == want, day
    [alert] = [a for a in _alerts(world, asset, "procuracy_send") if a["status"] != "resolved"]
    assert alert["deadline"] == D("2026-03-05") and json.loads(alert["factors"]) == {"steps": [2]}
    late = pk.send(world, "ld_binh", asset, 2, on="2026-03-12")
    assert late["clock"] == "missed"
    scanner.scan(world, D("2026-03-12"))
    assert _open(world, asset, "procuracy_send") == []


def test_the_2026_regime_cites_law_106_unconfirmed(world):
    aid = svc.seize(world, "cv_an", "8/2026", "HG-VT", "movable", "Xe", on="2026-07-06")
    sent = pk.send(world, "cv_an", aid, 1, on="2026-07-09")
    assert sent["send_due"] == D("2026-07-09") and "106/2025" in sent["send_basis"]
    entries = [e for e, _b, _w in procuracy_section.rules().unconfirmed()]
    assert "send" in entries and "answer.protest" in entries


def test_an_office_is_watched_from_its_first_recorded_send(world, asset):
    other = svc.seize(world, "cv_dung", "4/2026", "HG-NB", "movable", "Máy", on="2026-02-12")
    earlier = svc.seize(world, "cv_an", "5/2026", "HG-VT", "movable", "Tàu", on="2026-02-02")
    scanner.scan(world, D("2026-04-01"))
    assert _alerts(world, asset, "procuracy_send") == []  # HG-VT keeps no book here yet
    pk.send(world, "cv_an", asset, 1, on="2026-02-13")
    svc.advance(world, asset, "suspend", "cv_an", on="2026-03-02", sets=["kind=suspend"])
    scanner.scan(world, D("2026-04-02"))
    assert _open(world, asset, "procuracy_send") == ["escalated"]
    assert _alerts(world, other, "procuracy_send") == []  # HG-NB: no send recorded
    assert _alerts(world, earlier, "procuracy_send") == []  # decided before HG-VT's first recorded send


@pytest.mark.parametrize("kind,received,due", [
    ("recommendation", "2026-05-18", "2026-06-02"),  # 15 days: an ordinary Tuesday
    ("protest", "2026-02-05", "2026-02-23"),         # 15 days -> Fri 20 (Tết) -> Mon 23
])
def test_answer_clock_golden_dates_and_alerts(world, asset, cli, kind, received, due):
    r = cli("procuracy", "recommend" if kind == "recommendation" else "protest", "--asset", asset,
            "--number", "02/KN-VKS", "--received", received, "--about", "Chậm gửi quyết định", "--step", "1",
            "--json", actor="ksv")
    assert r.exit_code == 0, r.output
    item = json.loads(r.output)
    assert (item["kind"], item["answer_due"], item["status"], item["step"]) == (kind, due, "open", 1)
    assert ("161" in item["answer_basis"]) == (kind == "protest")
    due = D(due)
    for offset, want in ((-3, []), (-2, ["warning"]), (0, ["warning"]), (1, ["overdue"]), (5, ["overdue"]),
                         (6, ["escalated"])):
        scanner.scan(world, due + dt.timedelta(days=offset))
        assert _open(world, asset, "procuracy") == want, offset
    r = cli("procuracy", "answer", item["id"], "--on", (due + dt.timedelta(days=7)).isoformat(),
            "--text", "Đã chấn chỉnh", "--json", actor="ld_binh")
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["clock"] == "missed"
    scanner.scan(world, due + dt.timedelta(days=8))
    assert _open(world, asset, "procuracy") == []
    escalated = json.loads(cli("alerts", "list", "--json", "--all", "--rule", "procuracy", actor="ld_tinh").output)
    assert [a["level"] for a in escalated if a["resolution"] != "superseded"] == ["escalated"]


def test_registering_is_the_procurators_only_write_and_refusals_are_logged(world, asset, cli):
    for who in ("cv_an", "ld_binh"):  # officers and supervisors do not register the procuracy's papers
        with pytest.raises(PermissionDenied, match="procurator"):
            pk.register(world, who, "recommendation", asset, "1/KN", "2026-03-02", "x")
    item = pk.register(world, "ksv", "protest", asset, "5/QĐ-VKS", "2026-03-02", "Kê biên sai")
    with pytest.raises(PermissionDenied):
        pk.answer(world, "ksv", item["id"], on="2026-03-05", text="x")  # the procurator does not answer
    with pytest.raises(PermissionDenied):
        pk.answer(world, "cv_an", item["id"], on="2026-03-05", text="x")  # officers do not answer
    with pytest.raises(PermissionDenied):
        pk.send(world, "ksv", asset, 1, on="2026-02-13")  # nor send
    with pytest.raises(PermissionDenied, match="HG-VT"):
        pk.send(world, "cv_dung", asset, 1, on="2026-02-13")  # another branch's asset
    r = cli("asset", "advance", asset, "contract_appraisal", "--set", "appraisal_org=X", actor="ksv")
    assert r.exit_code == 1  # nor any step of an asset
    with world.connect() as conn:
        actions = [tuple(x) for x in conn.execute(select(access_log.c.actor, access_log.c.action)
                                                  .order_by(access_log.c.id))]
    assert actions[:6] == [("cv_an", "procuracy recommendation"), ("ld_binh", "procuracy recommendation"),
                           ("ksv", "procuracy answer"), ("cv_an", "procuracy answer"), ("ksv", "procuracy send"),
                           ("cv_dung", "procuracy send")]


def test_refusals_name_what_is_allowed(world, asset):
    svc.advance(world, asset, "agree_price", "cv_an", on="2026-02-13", sets=["price=100000000"])  # step 2
    with pytest.raises(InvalidInput, match="not a decision sent to the procuracy; those are: seize, reduce_price"):
        pk.send(world, "cv_an", asset, 2, on="2026-02-13")
    with pytest.raises(InvalidInput, match="before step 1 was decided on 2026-02-12"):
        pk.send(world, "cv_an", asset, 1, on="2026-02-11")
    pk.send(world, "cv_an", asset, 1, on="2026-02-13")
    with pytest.raises(TriggerNotAllowed, match="already sent to the procuracy on 2026-02-13"):
        pk.send(world, "cv_an", asset, 1, on="2026-02-14")
    item = pk.register(world, "ksv", "recommendation", asset, "2/KN", "2026-03-02", "x")
    with pytest.raises(InvalidInput, match="before it was received on 2026-03-02"):
        pk.answer(world, "ld_binh", item["id"], on="2026-03-01", text="x")
    with pytest.raises(InvalidInput, match="--text"):
        pk.answer(world, "ld_binh", item["id"], on="2026-03-03", text=" ")
    pk.answer(world, "ld_tinh", item["id"], on="2026-03-03", text="Đã tiếp thu")  # the province's supervisor too
    with pytest.raises(TriggerNotAllowed, match="already answered on 2026-03-03"):
        pk.answer(world, "ld_binh", item["id"], on="2026-03-04", text="x")
    with pytest.raises(InvalidInput, match="recommendation or protest"):
        pk.register(world, "ksv", "request", asset, "3/KN", "2026-03-02", "x")


def test_every_write_is_audited_chained_and_listed(world, asset, cli):
    pk.send(world, "cv_an", asset, 1, on="2026-02-13")
    item = pk.register(world, "ksv", "recommendation", asset, "2/KN", "2026-03-02", "x")
    pk.answer(world, "ld_binh", item["id"], on="2026-03-03", text="Đã tiếp thu")
    rows = json.loads(cli("audit", "log", "--office", "HG-VT", "--json", actor="ld_binh").output)
    assert [r["event"] for r in rows if r["event"].startswith("procuracy")] == [
        "procuracy_decision_sent", "procuracy_recommended", "procuracy_answered"]
    assert cli("audit", "verify", actor="ld_tinh").exit_code == 0
    listed = json.loads(cli("procuracy", "list", "--json", "--now", "2026-03-04", actor="ksv").output)
    assert [(i["id"], i["status"], i["clock"]) for i in listed["items"]] == [(item["id"], "answered", "met")]
    assert [(d["asset"], d["step"], d["clock"]) for d in listed["decisions"]] == [(asset, 1, "met")]
    assert json.loads(cli("procuracy", "list", "--json", actor="cv_dung").output) == {"items": [], "decisions": []}
    text = cli("--lang", "vi", "procuracy", "list", "--now", "2026-03-04", actor="ld_binh").output
    assert "kiến nghị" in text and "đã trả lời" in text


def test_the_decisions_are_data_checked_against_the_workflow(tmp_path):
    text = (procuracy_section.workflows_dir() / "procuracy.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "p.yaml"
    bad.write_text(text.replace("    resume: {}", "    resumee: {}"), encoding="utf-8")
    with pytest.raises(WorkflowDefinitionError, match="send.decisions.resumee: not a trigger"):
        procuracy_section.rules(bad)
    rules = procuracy_section.rules()
    assert "order_coercion" not in rules.decisions or "order_coercion" in procuracy_section.get().triggers
    longer = tmp_path / "l.yaml"
    longer.write_text(text.replace("  protest:\n    days: 15", "  protest:\n    days: 20"), encoding="utf-8")
    assert procuracy_section.rules(longer).answers["protest"].clock.days == 20
    unconfirmed = tmp_path / "u.yaml"
    unconfirmed.write_text(text.replace('    why: "Art. 160', '    whyy: "Art. 160'), encoding="utf-8")
    with pytest.raises(WorkflowDefinitionError, match="answer.protest"):
        procuracy_section.rules(unconfirmed)


def test_every_step_that_issues_a_decision_is_sent_to_the_procuracy():
    """Art. 38: decisions on enforcement go to the procuracy. A trigger of the current workflow whose
    paper is of the decision series (QĐ) must be listed; record_default (the buyer's default decision)
    is one, and a trigger issuing a notice, record or contract is not a decision."""
    from auction_flow.core.workflow import documents_section, registry

    wf = registry.get("asset_auction")
    papers = documents_section.for_workflow(wf)
    series = documents_section.kinds()
    decisions = {t for t, kind in papers.items() if series[kind].series == "QĐ"}
    listed = set(procuracy_section.rules().decisions)
    assert "record_default" in decisions and "record_default" in listed
    assert decisions <= listed, sorted(decisions - listed)
    assert not {t for t, kind in papers.items() if series[kind].series != "QĐ"} & listed
    assert listed - decisions <= {"resume"}  # its decision to go on issues no paper in this workflow
