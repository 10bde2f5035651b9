"""Named effects that workflow files refer to (``effects:``): each adds column updates to the
step or sets its deadline."""

from __future__ import annotations

from typing import Callable

from auction_flow.common.errors import InvalidInput
from auction_flow.common.words import Msg
from auction_flow.core import deadlines, receipts
from auction_flow.core.step import Step, clock_start

EFFECTS: dict[str, Callable[[Step], None]] = {}


def effect(fn):
    EFFECTS[fn.__name__] = fn
    return fn


@effect
def set_appraised_price(s: Step):
    s.updates["appraised_price"] = s.fields["price"]


@effect
def count_reappraisal(s: Step):
    if s.fields.get("ground", "party_request") == "party_request":  # only a party's request is limited to one
        s.updates["reappraisal_count"] = s.asset["reappraisal_count"] + 1


@effect
def notify_parties(s: Step):
    """The step's paper is a notice to the parties: kept, for the days each receives it (core.receipts)."""
    s.facts["notice"] = {"seq": s.asset["version"] + 1, "trigger": s.trig.name, "on": s.on.isoformat(),
                         "received": {}}


@effect
def keep_receipt(s: Step):
    """One party's day of receipt of the notice (record_receipt; its guard checked party and day)."""
    notice = receipts.notice_of(s.asset)
    received = dict(notice.get("received") or {})
    pid = str(receipts.party_id(s.fields["party"]))
    received[pid] = s.fields["received_on"].isoformat()
    # the stint's days suspended before the party's receipt: those after it stop the party's window
    # (core.receipts.counted_from)
    before = receipts.suspended_before(s.conn, s.wf, s.asset, notice, s.fields["received_on"])
    suspended = {**(notice.get("suspended") or {}), pid: before}
    s.facts["notice"] = kept = {**notice, "received": received, "suspended": suspended}
    start = receipts.clock_from_receipts(s.wf, kept, s.asset)  # the debtor's 30 days: from the receipt
    if start is not None:
        dl = deadlines.compute(s.wf, s.asset["state"], start, s.asset["kind"], s.cal)
        if dl is not None:
            s.set_deadline(dl.due, dl.basis, dl.regime, dl.unit)


@effect
def count_reduction(s: Step):
    s.updates["reduction_count"] = s.asset["reduction_count"] + 1


@effect
def count_cancellation(s: Step):
    s.updates["cancellation_count"] = s.asset["cancellation_count"] + 1


@effect
def remember_seller(s: Step):
    s.updates["sold_by"] = s.actor["username"]


@effect
def clear_sale(s: Step):
    s.updates.update(sale_price=None, buyer=None, sold_by=None, auction_date=None)


@effect
def stop_clock(s: Step):
    a = s.asset
    s.updates["resume_state"] = a["state"]
    s.updates["clock_extended"] = a["clock_extended"]  # an extension used stays used
    # the stint in the state goes on after the suspension: its entry day and its days suspended so far
    s.updates["resume_entered_on"] = a["state_entered_on"]
    s.updates["suspended_days"] = a.get("suspended_days") or 0
    if a["deadline"] is not None:
        count, unit = deadlines.remaining(s.on, a["deadline"], _unit_of(s, a), s.cal)
        s.updates.update(resume_remaining=count, resume_unit=unit, resume_basis=a["deadline_basis"],
                         resume_regime=a["deadline_regime"])
    s.set_deadline(None)


def _unit_of(s: Step, a: dict) -> str:
    rule = s.wf.clock_rule(a["state"], a["state_entered_on"])
    if rule is None:
        return "calendar"
    return "working" if all(p.unit == "working" for p in rule.periods) else "calendar"


@effect
def restart_clock(s: Step):
    a = s.asset
    if a["resume_remaining"] is not None:
        due = deadlines.restored(s.on, a["resume_remaining"], a["resume_unit"], s.cal)
        s.set_deadline(due, a["resume_basis"], a["resume_regime"], a["resume_unit"])
    else:
        s.set_deadline(None)
    s.updates.update(resume_state=None, resume_remaining=None, resume_unit=None, resume_basis=None,
                     resume_regime=None, resume_entered_on=None, clock_extended=a["clock_extended"])
    if a.get("resume_entered_on") is not None:  # back in the state it entered then, the days away not counted
        s.updates["state_entered_on"] = a["resume_entered_on"]
        s.updates["suspended_days"] = (a.get("suspended_days") or 0) + (s.on - a["state_entered_on"]).days


@effect
def keep_deadline(s: Step):
    """The running deadline goes on in the next state (a forced handover: the handover deadline
    keeps running through the coercion)."""
    a = s.asset
    s.set_deadline(a["deadline"], a["deadline_basis"], a["deadline_regime"])


@effect
def extend_clock(s: Step):
    a = s.asset
    due = deadlines.extended(s.wf, a["state"], clock_start(a), s.cal, a["deadline_regime"])
    if due is None or (a["deadline"] and due <= a["deadline"]):
        s.refuse("g_not_extended")
    s.set_deadline(due, a["deadline_basis"], a["deadline_regime"])
    s.updates["clock_extended"] = True


@effect
def extend_clock_until(s: Step):
    a = s.asset
    limit = deadlines.extended(s.wf, a["state"], clock_start(a), s.cal, a["deadline_regime"])
    until = s.fields["until"]
    if limit is None:
        s.refuse("g_not_extended")
    if a["deadline"] is not None and until <= a["deadline"] or until > limit:
        raise InvalidInput("guard_refused", asset=a["id"], state=a["state"], trigger=s.trig.name,
                           why=Msg("g_until", until=until, deadline=a["deadline"], limit=limit),
                           allowed=", ".join(s.allowed) or "-")
    s.set_deadline(s.cal.next_working_day(until), a["deadline_basis"], a["deadline_regime"])
    s.updates["clock_extended"] = True
