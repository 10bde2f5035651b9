"""Named guards and effects that workflow files refer to (``guards:`` / ``effects:``).

A guard raises to refuse a step; an effect adds column updates or sets the deadline. Their
numbers (10 %, 2 reductions, 5 working days...) come from the trigger's entry in the YAML.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any, Callable

from . import deadlines
from .calendar import WorkCalendar
from .errors import InvalidInput, PermissionDenied, TriggerNotAllowed
from .i18n import Msg
from .workflow import Trigger, Workflow


@dataclass
class Step:
    """Everything one firing knows; effects fill ``updates`` and may set ``deadline``."""

    wf: Workflow
    trig: Trigger
    asset: dict
    actor: dict
    on: dt.date
    fields: dict[str, Any]
    cal: WorkCalendar
    allowed: list[str]
    updates: dict[str, Any] = field(default_factory=dict)
    deadline: deadlines.Deadline | None = None
    deadline_set: bool = False

    def refuse(self, key: str, **params):
        raise TriggerNotAllowed("guard_refused", asset=self.asset["id"], state=self.asset["state"],
                                trigger=self.trig.name, why=Msg(key, **params),
                                allowed=", ".join(self.allowed) or "-")

    def set_deadline(self, due: dt.date | None, basis: str | None = None, regime: str | None = None,
                     unit: str = "calendar"):
        self.deadline = deadlines.Deadline(due, basis, regime, unit) if due else None
        self.deadline_set = True


GUARDS: dict[str, Callable[[Step], None]] = {}
EFFECTS: dict[str, Callable[[Step], None]] = {}


def guard(fn):
    GUARDS[fn.__name__] = fn
    return fn


def effect(fn):
    EFFECTS[fn.__name__] = fn
    return fn


@guard
def reappraisal_once(s: Step):
    if s.asset["reappraisal_count"] >= 1:
        s.refuse("g_reappraisal_once")


def clock_start(a: dict) -> dt.date:
    """The day the windows of the asset's state count from: the day it entered the state, moved
    on by the days it has spent suspended since (while suspended, clocks stop)."""
    return a["state_entered_on"] + dt.timedelta(days=a.get("suspended_days") or 0)


@guard
def reappraisal_window(s: Step):
    spec = s.trig.params["reappraisal_window"]
    end = s.cal.add_working_days(clock_start(s.asset), spec["days"])
    if s.on > end:
        s.refuse("g_reappraisal_window", deadline=end, basis=spec["basis"])


@guard
def auction_date_after_contract(s: Step):
    if s.fields["auction_date"] <= s.on:
        s.refuse("g_auction_date", auction_date=s.fields["auction_date"], on=s.on)


@guard
def reduction_limit(s: Step):
    previous, price = s.asset["price"], s.fields["price"]
    pct = s.trig.params["max_reduction_percent"]
    floor = math.ceil(previous * (100 - pct) / 100)
    if price >= previous:
        s.refuse("g_reduction_not_lower", price=price, previous=previous)
    if price < floor:
        s.refuse("g_reduction_limit", price=price, floor=floor, pct=100 - pct, previous=previous)


@guard
def after_second_reduction(s: Step):
    n = s.trig.params["min_reductions"]
    if s.asset["reduction_count"] < n:
        s.refuse("g_after_reductions", n=n, count=s.asset["reduction_count"])


@guard
def sale_at_least_start(s: Step):
    if s.fields["sale_price"] < s.asset["price"]:
        s.refuse("g_sale_price", sale_price=s.fields["sale_price"], price=s.asset["price"])


@guard
def before_redemption_cutoff(s: Step):
    auction = s.asset["auction_date"]
    if s.asset["state"] != "auction_contracted" or auction is None:
        return
    spec = s.trig.params["redemption_cutoff"]
    cutoff = s.cal.previous_working_day(auction, spec["days"])
    if s.on >= cutoff:
        s.refuse("g_redemption_cutoff", cutoff=cutoff, auction_date=auction, basis=spec["basis"])


@guard
def not_after_payment(s: Step):
    if s.asset["state"] == "suspended" and s.asset["resume_state"] in (
            "paid", "creditor_accepted", "handed_over"):
        s.refuse("g_not_after_payment")


@guard
def not_the_seller(s: Step):
    if s.asset["sold_by"] and s.asset["sold_by"] == s.actor["username"]:
        raise PermissionDenied("separation_of_duties", user=s.actor["username"], asset=s.asset["id"])


def _regime_guard(regime: str):
    def check(s: Step):
        if s.asset["deadline_regime"] != regime:
            s.refuse("g_regime", regime=regime, current=s.asset["deadline_regime"] or "-")
    check.__name__ = f"regime_{regime}"
    return guard(check)


for _regime in ("law2014", "decree2024", "law2025"):
    _regime_guard(_regime)


@guard
def not_extended(s: Step):
    if s.asset["clock_extended"]:
        s.refuse("g_not_extended")


@effect
def set_appraised_price(s: Step):
    s.updates["appraised_price"] = s.fields["price"]


@effect
def count_reappraisal(s: Step):
    s.updates["reappraisal_count"] = s.asset["reappraisal_count"] + 1


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
