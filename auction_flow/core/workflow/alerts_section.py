"""The ``alerts:`` section of a workflow file: which assets the scanner raises alerts on.

Rules live with the workflow so that an administrator can tune lead times and ladders; the
scanner (auction_flow.scanner) reads them from here and hard-codes no number. The section is
checked when the workflow is loaded (workflow.SECTIONS) and frozen into :class:`AlertRules`.

    alerts:
      handover:        {states: [paid, creditor_accepted], warning_days: 7,
                        escalate_after_days: 15, escalate_province_after_days: 30}
      complaint_risk:  {trigger: cancel_result, paid_states: [paid], follow_up_days: 10,
                        follow_up_triggers: [reauction, release, redeem], window_days: 30,
                        factors: {paid_in_full: 1, cancelled_before: 1, no_follow_up: 1},
                        levels: {low: 0, medium: 1, high: 2}}
      stalled:         {states: all, escalate_after_days: 15}

Levels (a public contract): handover warning < overdue < escalated < escalated_province;
complaint_risk low < medium < high; stalled overdue < escalated. "N days late" counts from
the day after the deadline: escalated means more than ``escalate_after_days`` days late.
"""

from __future__ import annotations

from dataclasses import dataclass

LEVELS = {
    "handover": ("warning", "overdue", "escalated", "escalated_province"),
    "complaint_risk": ("low", "medium", "high"),
    "stalled": ("overdue", "escalated"),
}
# Levels recorded in the audit log as escalations, and sent to supervisors above the office.
# ("complaint": the complaints register's clocks, raised by auction_flow.complaint_alerts.)
# ("procuracy", "procuracy_send": the procuracy's answer and sending clocks, procuracy_clocks.)
# ("obligation": an overdue side clock of the obligations: section, obligation_clocks; escalated
# after the stalled rule's escalate_after_days.)
ESCALATIONS = {"handover": ("escalated", "escalated_province"), "complaint_risk": ("high",),
               "stalled": ("escalated",), "complaint": ("escalated",), "procuracy": ("escalated",),
               "procuracy_send": ("escalated",), "obligation": ("escalated",)}
PROVINCE_LEVELS = {"handover": ("escalated_province",), "complaint_risk": ("high",), "stalled": ("escalated",),
                   "complaint": ("escalated",), "procuracy": ("escalated",), "procuracy_send": ("escalated",),
                   "obligation": ("escalated",)}
FACTORS = ("paid_in_full", "cancelled_before", "no_follow_up")


@dataclass(frozen=True)
class HandoverRule:
    states: tuple[str, ...]
    warning_days: int
    escalate_after_days: int
    escalate_province_after_days: int


@dataclass(frozen=True)
class ComplaintRiskRule:
    trigger: str
    state: str  # the state the cancellation leads to
    paid_states: tuple[str, ...]
    follow_up_days: int
    follow_up_triggers: tuple[str, ...]
    window_days: int
    factors: tuple[tuple[str, int], ...]  # (factor, weight)
    levels: tuple[tuple[str, int], ...]  # (level, lowest score), ascending
    basis: str | None = None  # the law behind the window, shown with the alert

    def level(self, factors) -> str:
        weights = dict(self.factors)
        score = sum(weights[f] for f in factors)
        chosen = self.levels[0][0]
        for name, floor in self.levels:
            if score >= floor:
                chosen = name
        return chosen


@dataclass(frozen=True)
class StalledRule:
    states: tuple[str, ...]
    escalate_after_days: int


@dataclass(frozen=True)
class AlertRules:
    handover: HandoverRule | None
    complaint_risk: ComplaintRiskRule | None
    stalled: StalledRule | None


DEFAULT = {
    "handover": {"states": ["paid", "creditor_accepted"], "warning_days": 7, "escalate_after_days": 15,
                 "escalate_province_after_days": 30},
    "complaint_risk": {"trigger": "cancel_result", "paid_states": ["paid"], "follow_up_days": 10,
                       "follow_up_triggers": ["reauction", "release", "redeem"], "window_days": 30,
                       "factors": {"paid_in_full": 1, "cancelled_before": 1, "no_follow_up": 1},
                       "levels": {"low": 0, "medium": 1, "high": 2}},
    "stalled": {"states": "all", "escalate_after_days": 15},
}


def _keys(checker, spec, entry, allowed):
    spec = checker.mapping(spec, entry)
    for key in spec:
        if key not in allowed:
            checker.fail(f"{entry}.{key}", f"unknown setting; expected one of {', '.join(allowed)}")
    return spec


def _int(checker, spec, key, entry, default):
    value = spec.get(key, default)
    return checker.positive_int(value, f"{entry}.{key}")


def _states(checker, value, entry, states, clocked=True) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value:
        checker.fail(entry, f"expected a list of states, got {value!r}")
    for s in value:
        if s not in states:
            checker.fail(entry, f"unknown state {s!r}")
        if clocked and not states[s].clock:
            checker.fail(entry, f"state {s!r} has no clock to watch")
    return tuple(value)


def _triggers(checker, value, entry, triggers) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value:
        checker.fail(entry, f"expected a list of triggers, got {value!r}")
    for t in value:
        if t not in triggers:
            checker.fail(entry, f"unknown trigger {t!r}")
    return tuple(value)


def _handover(c, spec, states) -> HandoverRule:
    e = "alerts.handover"
    spec = _keys(c, spec, e, ("states", "warning_days", "escalate_after_days", "escalate_province_after_days"))
    d = DEFAULT["handover"]
    rule = HandoverRule(_states(c, spec.get("states", d["states"]), f"{e}.states", states),
                        _int(c, spec, "warning_days", e, d["warning_days"]),
                        _int(c, spec, "escalate_after_days", e, d["escalate_after_days"]),
                        _int(c, spec, "escalate_province_after_days", e, d["escalate_province_after_days"]))
    if rule.escalate_province_after_days <= rule.escalate_after_days:
        c.fail(f"{e}.escalate_province_after_days", "must be later than escalate_after_days")
    return rule


def _complaint(c, spec, states, triggers) -> ComplaintRiskRule:
    e = "alerts.complaint_risk"
    spec = _keys(c, spec, e, ("trigger", "paid_states", "follow_up_days", "follow_up_triggers", "window_days",
                              "factors", "levels", "basis"))
    d = DEFAULT["complaint_risk"]
    trigger = _triggers(c, spec.get("trigger", d["trigger"]), f"{e}.trigger", triggers)
    if len(trigger) != 1:
        c.fail(f"{e}.trigger", "name exactly one trigger")
    dest = triggers[trigger[0]].dest
    if dest not in states:
        c.fail(f"{e}.trigger", f"trigger {trigger[0]!r} must lead to a fixed state")
    paid = _states(c, spec.get("paid_states", d["paid_states"]), f"{e}.paid_states", states, clocked=False)
    follow = _triggers(c, spec.get("follow_up_triggers", d["follow_up_triggers"]), f"{e}.follow_up_triggers",
                       triggers)
    factors = c.mapping(spec.get("factors", d["factors"]), f"{e}.factors")
    for name, weight in factors.items():
        if name not in FACTORS:
            c.fail(f"{e}.factors.{name}", f"unknown factor; expected one of {', '.join(FACTORS)}")
        if not isinstance(weight, int) or isinstance(weight, bool) or weight < 0:
            c.fail(f"{e}.factors.{name}", f"expected a whole weight >= 0, got {weight!r}")
    levels = c.mapping(spec.get("levels", d["levels"]), f"{e}.levels")
    if list(levels) != list(LEVELS["complaint_risk"]):
        c.fail(f"{e}.levels", f"expected the levels {', '.join(LEVELS['complaint_risk'])} in that order")
    floors = list(levels.values())
    for name, floor in levels.items():
        if not isinstance(floor, int) or isinstance(floor, bool) or floor < 0:
            c.fail(f"{e}.levels.{name}", f"expected a whole score >= 0, got {floor!r}")
    if floors[0] != 0 or floors != sorted(set(floors)):
        c.fail(f"{e}.levels", "scores must start at 0 and rise strictly")
    rule = ComplaintRiskRule(trigger[0], dest, paid, _int(c, spec, "follow_up_days", e, d["follow_up_days"]),
                             follow, _int(c, spec, "window_days", e, d["window_days"]),
                             tuple(factors.items()), tuple(levels.items()), spec.get("basis"))
    if rule.basis is not None and (not isinstance(rule.basis, str) or not rule.basis.strip()):
        c.fail(f"{e}.basis", "expected the legal basis as text")
    if rule.window_days < rule.follow_up_days:
        c.fail(f"{e}.window_days", "the risk window cannot end before the follow-up deadline")
    return rule


def _stalled(c, spec, states, exclude) -> StalledRule:
    e = "alerts.stalled"
    spec = _keys(c, spec, e, ("states", "escalate_after_days"))
    d = DEFAULT["stalled"]
    value = spec.get("states", d["states"])
    if value == "all":
        chosen = tuple(s for s, st in states.items() if st.clock and s not in exclude)
    else:
        chosen = _states(c, value, f"{e}.states", states)
        for s in chosen:
            if s in exclude:
                c.fail(f"{e}.states", f"state {s!r} is already watched by the handover rule")
    return StalledRule(chosen, _int(c, spec, "escalate_after_days", e, d["escalate_after_days"]))


def parse_section(checker, value, states, triggers) -> AlertRules:
    """Validate a workflow's ``alerts:`` mapping; refuse a bad entry with checker.fail."""
    spec = _keys(checker, value if value is not None else {}, "alerts", tuple(LEVELS))
    handover = _handover(checker, spec["handover"], states) if "handover" in spec else None
    complaint = _complaint(checker, spec["complaint_risk"], states, triggers) if "complaint_risk" in spec else None
    stalled = (_stalled(checker, spec["stalled"], states, handover.states if handover else ())
               if "stalled" in spec else None)
    return AlertRules(handover, complaint, stalled)


def for_workflow(wf) -> AlertRules:
    """The workflow's alert rules (none when its file has no ``alerts:`` section)."""
    return wf.sections.get("alerts") or AlertRules(None, None, None)
