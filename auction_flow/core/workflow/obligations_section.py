"""The ``obligations:`` section of a workflow file: side clocks that run beside the state's clock.

An asset has one state and one running state clock (``assets.deadline``); the law also sets
duties that run beside it, started by one step and ended by another whatever state the asset is
in meanwhile (the losing bidders' deposits refunded within 3 working days of the auction, the
buyer refunded after a cancellation). Each is declared once, checked when the workflow is loaded:

    obligations:
      deposit_refunds:
        labels: {vi: "...", en: "..."}
        opened_by: [record_sale, {trigger: cancel_result, from: [paid]}]  # from: only from these states
        starts: auction_date      # the day the clock counts from: this date (a field of the step, a
                                  # kept fact or an asset column) when known and not after the step,
                                  # else the step's day
        closed_by: [record_refunds]
        done_on: refunded_on      # the closing step's date field: the day the duty was done
                                  # (default: the step's day)
        suspension: {runs: true, basis: "...", confirmed: false, why: "..."}
        clock:                    # as a state's clock: per regime, days, unit, basis, confirmed/why
          law2014: {days: 3, unit: working, basis: "..."}

The engine (auction_flow.core.obligations) opens and closes them in the step's own transaction,
and the step's audit row records what it opened and closed.

``suspension.runs``: whether the clock runs through a postponement or suspension of enforcement.
Only ``true`` is accepted today (each obligation of the default workflow is a duty to a person
outside the enforcement whose money is held: a suspension of enforcement does not suspend it);
a clock that stops would need the remaining days kept, as the state clock keeps them.
"""

from __future__ import annotations

import functools

from dataclasses import dataclass

from auction_flow.core.workflow.model import ClockRule, Source

KEYS = ("labels", "opened_by", "starts", "closed_by", "done_on", "suspension", "clock")


@dataclass(frozen=True)
class Opener:
    """A trigger that opens an obligation, from any of its sources or only from ``states``."""

    trigger: str
    states: tuple[str, ...] = ()

    def opens(self, trigger: str, state: str) -> bool:
        return trigger == self.trigger and (not self.states or state in self.states)


@dataclass(frozen=True)
class Obligation:
    name: str
    labels: dict[str, str]
    opened_by: tuple[Opener, ...]
    closed_by: tuple[str, ...]
    clock: tuple[ClockRule, ...]  # one per regime that changes it, in regime order
    starts: str | None = None  # the date its clock counts from (else the opening step's day)
    done_on: str | None = None  # the closing trigger's date field (else the closing step's day)
    suspension: Source | None = None  # why it runs through a suspension


@dataclass(frozen=True)
class Obligations:
    by_name: dict[str, Obligation]

    @functools.cached_property
    def _opened(self) -> dict[tuple[str, str], tuple[Obligation, ...]]:
        return {}  # (trigger, state) -> the obligations it opens, filled as the steps ask

    @functools.cached_property
    def _closers(self) -> dict[str, Obligation]:
        closers: dict[str, Obligation] = {}
        for o in self.by_name.values():
            for t in o.closed_by:
                closers.setdefault(t, o)
        return closers

    def opened_by(self, trigger: str, state: str) -> list[Obligation]:
        """The obligations a step of ``trigger`` from ``state`` opens (asked at every step: kept)."""
        found = self._opened.get((trigger, state))
        if found is None:
            found = self._opened[trigger, state] = tuple(o for o in self.by_name.values()
                                                         if any(op.opens(trigger, state) for op in o.opened_by))
        return list(found)

    def closed_by(self, trigger: str) -> Obligation | None:
        """The obligation ``trigger`` closes (a trigger closes at most one), if any."""
        return self._closers.get(trigger)

    def sources(self) -> list[dict]:
        """Every basis of the section (clocks, the suspension rule), as ``workflow show --sources`` lists them."""
        out = []
        for o in self.by_name.values():
            for c in o.clock:
                entry = f"obligations.{o.name}.clock.{c.regime}" + (f" (since {c.since})" if c.since else "")
                out.append({"entry": entry, "basis": c.basis, "confirmed": c.confirmed, "why": c.why})
            if o.suspension is not None:
                out.append({"entry": f"obligations.{o.name}.suspension", "basis": o.suspension.basis,
                            "confirmed": o.suspension.confirmed, "why": o.suspension.why})
        return out


NONE = Obligations({})


def _names(c, value, entry) -> list:
    value = [value] if isinstance(value, (str, dict)) else value
    if not isinstance(value, list) or not value:
        c.fail(entry, f"expected a list of triggers, got {value!r}")
    return value


def _date_field(c, trig, name: str, entry: str, required: bool):
    field = next((f for f in trig.fields if f.name == name), None)
    if field is None and required:
        c.fail(entry, f"{name!r} is not a field of trigger {trig.name!r}")
    if field is not None and field.type != "date":
        c.fail(entry, f"{name!r} of trigger {trig.name!r} is a {field.type} field, not a date")


def _one(c, name: str, spec, states, triggers, parse_clock, source) -> Obligation:
    e = f"obligations.{name}"
    spec = c.mapping(spec, e)
    for key in spec:
        if key not in KEYS:
            c.fail(f"{e}.{key}", f"unknown setting; expected one of {', '.join(KEYS)}")
    openers = []
    for n, item in enumerate(_names(c, spec.get("opened_by"), f"{e}.opened_by")):
        sub = f"{e}.opened_by[{n}]"
        item = {"trigger": item} if isinstance(item, str) else c.mapping(item, sub)
        if set(item) - {"trigger", "from"}:
            c.fail(sub, "takes trigger and from only")
        trig = triggers.get(item.get("trigger"))
        if trig is None:
            c.fail(f"{sub}.trigger", f"unknown trigger {item.get('trigger')!r}")
        froms = item.get("from") or ()
        froms = (froms,) if isinstance(froms, str) else tuple(froms)
        for s in froms:
            if s not in trig.sources:
                c.fail(f"{sub}.from", f"trigger {trig.name!r} does not fire from {s!r}")
        openers.append(Opener(trig.name, froms))
    closers = tuple(_names(c, spec.get("closed_by"), f"{e}.closed_by"))
    for t in closers:
        if not isinstance(t, str) or t not in triggers:
            c.fail(f"{e}.closed_by", f"unknown trigger {t!r}")
        if any(op.trigger == t for op in openers):
            c.fail(f"{e}.closed_by", f"trigger {t!r} both opens and closes it")
    starts = spec.get("starts")
    if starts is not None:
        if not isinstance(starts, str) or not starts.strip():
            c.fail(f"{e}.starts", f"expected the name of a date, got {starts!r}")
        for op in openers:
            _date_field(c, triggers[op.trigger], starts, f"{e}.starts", required=False)
    done_on = spec.get("done_on")
    if done_on is not None:
        for t in closers:
            _date_field(c, triggers[t], done_on, f"{e}.done_on", required=True)
    suspension = None
    if "suspension" in spec:
        sus = c.mapping(spec["suspension"], f"{e}.suspension")
        if set(sus) - {"runs", "basis", "confirmed", "why"}:
            c.fail(f"{e}.suspension", "takes runs, basis, confirmed and why")
        if sus.get("runs") is not True:
            c.fail(f"{e}.suspension.runs", "only true is supported (the clock runs through a suspension)")
        suspension = source(c, sus, f"{e}.suspension")
    clock = parse_clock(e, spec.get("clock"))
    if not clock:
        c.fail(f"{e}.clock", "an obligation needs a clock")
    return Obligation(name, c.labels(spec.get("labels"), f"{e}.labels"), tuple(openers), closers, clock,
                      starts, done_on, suspension)


def parse(c, value, states, triggers, parse_clock, source) -> Obligations:
    """Validate a workflow's ``obligations:`` mapping (none: no obligation); ``parse_clock(owner, spec)``
    and ``source(checker, spec, entry)`` are the loader's, so a side clock is written as a state's."""
    if value is None:
        return NONE
    out: dict[str, Obligation] = {}
    closing: dict[str, str] = {}
    for name, spec in c.mapping(value, "obligations").items():
        if not isinstance(name, str) or not name.isidentifier() or len(name) > 32:
            c.fail(f"obligations.{name}", "a name is a code of at most 32 letters, digits and _")
        if name in states:
            c.fail(f"obligations.{name}", "the name of a state: an obligation needs its own")
        ob = _one(c, name, spec, states, triggers, parse_clock, source)
        for t in ob.closed_by:
            if t in closing:
                c.fail(f"obligations.{name}.closed_by", f"trigger {t!r} already closes {closing[t]!r}")
            closing[t] = name
        out[name] = ob
    return Obligations(out)


def for_workflow(wf) -> Obligations:
    """The workflow's obligations (none when its file has no ``obligations:`` section)."""
    return wf.sections.get("obligations") or NONE
