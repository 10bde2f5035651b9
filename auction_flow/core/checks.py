"""The checks a workflow file writes on its triggers (``checks:``; parsed by
auction_flow.core.workflow.checks_section), evaluated on one step, and the asset's kept facts.

Every number, date and article comes from the YAML; this module only knows how to compare. A
refusal names the rule, its basis and what the law allows instead (the check's ``otherwise``),
then, as every refusal, the triggers allowed now.
"""

from __future__ import annotations

import datetime as dt
import json
import math

from auction_flow.core import deadlines
from auction_flow.core.step import Step
from auction_flow.core.workflow.model import Check, Period


def facts_of(asset: dict) -> dict:
    """The facts earlier steps kept on the asset (``keep:``), by field name, as stored (JSON)."""
    raw = asset.get("facts")
    return json.loads(raw) if raw else {}


def _stored(value):
    return value.isoformat() if isinstance(value, dt.date) else value


def value_of(s: Step, name: str):
    """A field of this step, else a fact kept by an earlier one, else a column of the asset."""
    if name in s.fields:
        return s.fields[name]
    facts = facts_of(s.asset)
    if name in facts:
        v = facts[name]
        if isinstance(v, str) and len(v) == 10 and v[4] == "-" and v[7] == "-":
            return dt.date.fromisoformat(v)
        return v
    return s.asset.get(name)


def _end(s: Step, period: Period) -> dt.date:
    return deadlines.periods_end((period,), s.on, s.asset["kind"], s.cal)


def _refuse(s: Step, check: Check, key: str, **params):
    in_force = [r.id for r in s.wf.regimes if r.effective <= s.on]
    s.refuse(key, basis=check.source_on(in_force).basis, otherwise=", ".join(check.otherwise) or "-", **params)


def _deadline(s: Step, c: Check):
    due = s.asset["deadline"]
    if due is None:
        return
    if c.spec["deadline"] == "met" and s.on > due:
        _refuse(s, c, "c_deadline_met", deadline=due, clock=s.asset["deadline_basis"] or "-")
    if c.spec["deadline"] == "passed" and s.on <= due:
        _refuse(s, c, "c_deadline_passed", deadline=due, first=due + dt.timedelta(days=1),
                clock=s.asset["deadline_basis"] or "-")


def _percent_of(s: Step, c: Check):
    f, of = c.spec["field"], c.spec["percent_of"]
    base = value_of(s, of)
    if base is None:
        return
    low = math.ceil(base * c.spec["min"] / 100)
    if "max" not in c.spec:  # only a floor (e.g. the costs against the price, Art. 104)
        if s.fields[f] < low:
            _refuse(s, c, "c_percent_at_least", field=f, value=s.fields[f], of=of, base=base,
                    min=c.spec["min"], low=low)
        return
    high = math.floor(base * c.spec["max"] / 100)
    if not low <= s.fields[f] <= high:
        _refuse(s, c, "c_percent", field=f, value=s.fields[f], of=of, base=base, min=c.spec["min"],
                max=c.spec["max"], low=low, high=high)


def _at_least(s: Step, c: Check):
    f = c.spec["field"]
    earliest = _end(s, c.spec["at_least"])
    if s.fields[f] < earliest:
        _refuse(s, c, "c_at_least", field=f, value=s.fields[f], earliest=earliest, on=s.on)


def _at_most(s: Step, c: Check):
    f = c.spec["field"]
    latest = _end(s, c.spec["at_most"])
    if s.fields[f] > latest:
        _refuse(s, c, "c_at_most", field=f, value=s.fields[f], latest=latest, on=s.on)


def _window(s: Step, c: Check):
    """Both ends named, whichever is missed: the officer sees the whole window at once."""
    f = c.spec["field"]
    earliest, latest = _end(s, c.spec["at_least"]), _end(s, c.spec["at_most"])
    if not earliest <= s.fields[f] <= latest:
        _refuse(s, c, "c_window", field=f, value=s.fields[f], earliest=earliest, latest=latest, on=s.on)


def _equals(s: Step, c: Check):
    f = c.spec["field"]
    if s.fields[f] != c.spec["equals"]:
        _refuse(s, c, "c_equals", field=f, value=s.fields[f], needed=c.spec["equals"])


def _not_in(s: Step, c: Check):
    f = c.spec["field"]
    if s.fields[f] in c.spec["not_in"]:
        _refuse(s, c, "c_not_in", field=f, value=s.fields[f], state=s.asset["state"])


def _not_after(s: Step, c: Check):
    if "date" in c.spec:  # a date (field, kept fact or column) no later than another one, when both are known
        day, limit = value_of(s, c.spec["date"]), value_of(s, c.spec["not_after"])
        if day is not None and limit is not None and day > limit:
            _refuse(s, c, "c_date_not_after", date=c.spec["date"], day=day, limit=c.spec["not_after"], until=limit)
        return
    f = c.spec["field"]
    if s.fields[f] > s.on:
        _refuse(s, c, "c_not_after", field=f, value=s.fields[f], on=s.on)


def _after(s: Step, c: Check):
    name = c.spec["after"]
    day = value_of(s, name)
    if day is None:
        _refuse(s, c, "c_after_missing", fact=name)
    if s.on <= day:
        _refuse(s, c, "c_after", fact=name, day=day, first=day + dt.timedelta(days=1))


KINDS = {"deadline": _deadline, "percent_of": _percent_of, "at_least": _at_least, "at_most": _at_most,
         "window": _window, "equals": _equals, "not_in": _not_in, "not_after": _not_after, "after": _after}


def applicable(s: Step):
    """The checks of the step's trigger that apply to this asset on the step's day (its kind, its
    state, the regime in force, the day the rule's law came into force)."""
    for check in s.trig.checks:
        if check.when_kind and check.when_kind != s.asset["kind"]:
            continue
        if check.when_state and s.asset["state"] not in check.when_state:
            continue
        if check.when_regime and getattr(s.wf.regime_on(s.on), "id", None) not in check.when_regime:
            continue
        if any(s.fields.get(f) not in values for f, values in check.spec.get("when", {}).items()):
            continue  # a rule of another ground
        if check.spec.get("field") in s.trig.optional and check.spec["field"] not in s.fields:
            continue  # an optional field left out: nothing to check
        if check.since is not None and s.on < check.since:
            continue
        yield check


def run(s: Step) -> None:
    """Every check that applies to the step (:func:`applicable`); the first unmet one refuses."""
    for check in applicable(s):
        KINDS[check.kind](s, check)


def kept_facts(s: Step) -> tuple[str | None, dict]:
    """The asset's facts after this step (``keep:`` added, ``forget:`` removed), as stored (None
    when none), and the audit changes of the facts forgotten (their last value, then none)."""
    facts = facts_of(s.asset)
    gone = {}
    for name in s.trig.forget:
        if name in facts:
            last = facts.pop(name)
            if name not in s.facts and not (name in s.trig.keep and name in s.fields):
                gone[name] = (last, None)  # ended, not replaced by this step
    for name in s.trig.keep:
        if name in s.fields:  # an optional field left out keeps nothing
            facts[name] = _stored(s.fields[name])
    facts.update(s.facts)  # kept by an effect (a notice and its receipts)
    return (json.dumps(facts, sort_keys=True, ensure_ascii=False) if facts else None), gone
