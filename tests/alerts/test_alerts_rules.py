"""The workflow's ``alerts:`` section: defaults, tuning, and refusal of bad entries at load time."""

from __future__ import annotations

import copy
import dataclasses

import pytest
import yaml

from auction_flow.common.config import workflows_dir
from auction_flow.common.errors import WorkflowDefinitionError
from auction_flow.core import workflow as workflow_mod
from auction_flow.core.workflow import alerts_section as alert_rules

DOC = yaml.safe_load((workflows_dir() / "asset_auction.yaml").read_text(encoding="utf-8"))


def parse(alerts):
    doc = copy.deepcopy(DOC)
    if alerts is None:
        doc.pop("alerts", None)
    else:
        doc["alerts"] = alerts
    return workflow_mod.parse(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), "test.yaml")


def test_the_shipped_workflow_defines_the_three_rules():
    rules = alert_rules.for_workflow(workflow_mod.get())
    assert rules.handover.states == ("paid", "creditor_handover", "handover_coercion")
    assert (rules.handover.warning_days, rules.handover.escalate_after_days,
            rules.handover.escalate_province_after_days) == (7, 15, 30)
    assert rules.complaint_risk.trigger == "cancel_result" and rules.complaint_risk.state == "auction_cancelled"
    assert (rules.complaint_risk.follow_up_days, rules.complaint_risk.window_days) == (10, 30)
    # domain.md: the risk is higher when no re-auction, no refund and no release follows
    assert set(rules.complaint_risk.follow_up_triggers) == {"reauction", "release", "redeem", "refund_buyer"}
    # every clocked state the handover rule does not watch is watched for stalling
    clocked = {s for s, st in workflow_mod.get().states.items() if st.clock} - set(rules.handover.states)
    assert set(rules.stalled.states) == clocked
    assert {"seized", "priced", "auction_contracted", "auction_failed", "sold", "handed_over"} <= clocked


def test_rules_are_frozen():
    rules = alert_rules.for_workflow(workflow_mod.get())
    with pytest.raises(dataclasses.FrozenInstanceError):
        rules.handover.warning_days = 1


def test_defaults_fill_what_is_left_out_and_tuning_is_read():
    rules = alert_rules.for_workflow(parse({"handover": {"warning_days": 3}, "stalled": {"states": ["sold"]}}))
    assert rules.handover.warning_days == 3 and rules.handover.escalate_after_days == 15
    assert rules.stalled.states == ("sold",) and rules.complaint_risk is None


def test_a_workflow_without_the_section_raises_no_alerts():
    rules = alert_rules.for_workflow(parse(None))
    assert rules == alert_rules.AlertRules(None, None, None)


def test_complaint_risk_level_from_weights():
    r = alert_rules.for_workflow(workflow_mod.get()).complaint_risk
    assert r.level([]) == "low"
    assert r.level(["paid_in_full"]) == "medium"
    assert r.level(["paid_in_full", "no_follow_up"]) == "high"
    assert r.level(["paid_in_full", "cancelled_before", "no_follow_up"]) == "high"
    heavy = alert_rules.for_workflow(parse({"complaint_risk": {
        "factors": {"paid_in_full": 2, "cancelled_before": 1, "no_follow_up": 1}}})).complaint_risk
    assert heavy.level(["paid_in_full"]) == "high"


@pytest.mark.parametrize("alerts, entry, fault", [
    ({"handover": {"states": ["nowhere"]}}, "alerts.handover.states", "unknown state 'nowhere'"),
    ({"handover": {"states": ["appraising"]}}, "alerts.handover.states", "no clock"),
    ({"handover": {"warning_days": 0}}, "alerts.handover.warning_days", "positive whole number"),
    ({"handover": {"warning_days": "7"}}, "alerts.handover.warning_days", "positive whole number"),
    ({"handover": {"escalate_after_days": 30, "escalate_province_after_days": 30}},
     "alerts.handover.escalate_province_after_days", "later than"),
    ({"handover": {"lead": 3}}, "alerts.handover.lead", "unknown setting"),
    ({"slow": {}}, "alerts.slow", "unknown setting"),
    ({"complaint_risk": {"trigger": "cancel"}}, "alerts.complaint_risk.trigger", "unknown trigger 'cancel'"),
    ({"complaint_risk": {"follow_up_triggers": ["reauction", "fly"]}}, "alerts.complaint_risk.follow_up_triggers",
     "unknown trigger 'fly'"),
    ({"complaint_risk": {"factors": {"rain": 1}}}, "alerts.complaint_risk.factors.rain", "unknown factor"),
    ({"complaint_risk": {"factors": {"paid_in_full": -1}}}, "alerts.complaint_risk.factors.paid_in_full",
     "weight"),
    ({"complaint_risk": {"levels": {"low": 0, "high": 2, "medium": 1}}}, "alerts.complaint_risk.levels",
     "in that order"),
    ({"complaint_risk": {"levels": {"low": 1, "medium": 2, "high": 3}}}, "alerts.complaint_risk.levels",
     "start at 0"),
    ({"complaint_risk": {"window_days": 5}}, "alerts.complaint_risk.window_days", "before the follow-up"),
    ({"handover": {}, "stalled": {"states": ["paid"]}}, "alerts.stalled.states", "already watched by the handover rule"),
    ({"stalled": {"escalate_after_days": -2}}, "alerts.stalled.escalate_after_days", "positive"),
    (["handover"], "alerts", "expected a mapping"),
])
def test_bad_entries_are_refused_naming_the_entry(alerts, entry, fault):
    with pytest.raises(WorkflowDefinitionError) as exc:
        parse(alerts)
    assert f"test.yaml: {entry}: " in str(exc.value)
    assert fault in str(exc.value)


def test_workflow_validate_command_refuses_a_bad_alerts_section(tmp_path, cli):
    doc = copy.deepcopy(DOC)
    doc["alerts"]["handover"]["states"] = ["sold", "nowhere"]
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    r = cli("workflow", "validate", str(path))
    assert r.exit_code == 1
    assert "alerts.handover.states" in r.output and "nowhere" in r.output
