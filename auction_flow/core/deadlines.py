"""Legal deadlines: computed from the workflow's clock rules and the working calendar only.

A clock starts on the business date of the event that entered the state, under the regime
in force that day, counts from the next day, and a deadline that falls on a non-working
day moves to the next working day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from auction_flow.core.calendar import WorkCalendar

if TYPE_CHECKING:  # annotations only: the workflow package loads the guards, which compute deadlines
    from auction_flow.core.workflow.model import ClockRule, Workflow


@dataclass(frozen=True)
class Deadline:
    due: dt.date
    basis: str
    regime: str
    unit: str  # working when every period counts working days, else calendar


def due_date(rule: ClockRule, start: dt.date, kind: str, cal: WorkCalendar) -> dt.date:
    return periods_end(rule.periods, start, kind, cal)


def periods_end(periods, start: dt.date, kind: str, cal: WorkCalendar) -> dt.date:
    """The last day of ``periods`` counted one after another from the day after ``start``, moved
    to the next working day."""
    day = start
    for period in periods:
        n = period.length(kind)
        day = cal.add_working_days(day, n) if period.unit == "working" else day + dt.timedelta(days=n)
    return cal.next_working_day(day)


def compute(wf: Workflow, state: str, start: dt.date, kind: str, cal: WorkCalendar) -> Deadline | None:
    """The deadline of ``state`` entered on ``start``; None if the state has no clock."""
    return of_rules(wf, wf.states[state].clock, start, kind, cal)


def of_rules(wf: Workflow, rules, start: dt.date, kind: str, cal: WorkCalendar) -> Deadline | None:
    """The deadline of a clock of ``rules`` (a state's, or an obligation's) started on ``start``."""
    rule = wf.rule_in_force(rules, start)
    if rule is None:
        return None
    unit = "working" if all(p.unit == "working" for p in rule.periods) else "calendar"
    # the regime in force on the start day (a regime that kept the previous rule still governs)
    in_force = wf.regime_on(start)
    return Deadline(due_date(rule, start, kind, cal), rule.basis, in_force.id if in_force else rule.regime, unit)


def extended(wf: Workflow, state: str, start: dt.date, cal: WorkCalendar,
             regime: str | None = None) -> dt.date | None:
    """The longest deadline an extension may give the clock started on ``start``.

    ``regime`` is the regime the clock runs under (the asset's ``deadline_regime``): a clock
    restored on resume keeps the regime it started under even if the resume day is later."""
    effective = {r.id: r.effective for r in wf.regimes}
    rule = wf.clock_rule(state, effective[regime] if regime in effective else start)
    if rule is None or rule.extension is None:
        return None
    return cal.next_working_day(start + dt.timedelta(days=rule.extension))


def remaining(on: dt.date, due: dt.date, unit: str, cal: WorkCalendar) -> tuple[int, str]:
    """What is left of a clock stopped on ``on``: (count, unit). Overdue clocks keep their lateness."""
    if unit == "working" and due > on:
        return cal.working_days_between(on, due), "working"
    return (due - on).days, "calendar"


def restored(on: dt.date, count: int, unit: str, cal: WorkCalendar) -> dt.date:
    """The deadline of a clock restarted on ``on`` with ``count`` ``unit`` days left."""
    if unit == "working":
        return cal.next_working_day(cal.add_working_days(on, count))
    day = on + dt.timedelta(days=count)
    return cal.next_working_day(day) if count > 0 else day
