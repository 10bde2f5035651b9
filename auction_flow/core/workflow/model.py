"""Workflow definitions as frozen data: regimes, states with their clocks, triggers and fields.

A :class:`Workflow` is built once by :mod:`auction_flow.core.workflow.loader` from a
``workflows/*.yaml`` file and never changes (a changed definition is a new version).
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from transitions import Machine

UNITS = ("working", "calendar")
KINDS = ("movable", "real_estate")
FIELD_TYPES = ("text", "money", "date", "count")  # count: a whole number >= 0 (bidders refunded)
PREVIOUS = "$previous"
SAME = "$same"  # a step that records without moving: the state it fires from
@dataclass(frozen=True)
class Regime:
    id: str
    effective: dt.date
    labels: dict[str, str]


@dataclass(frozen=True)
class Period:
    """``days`` of ``unit`` (working or calendar); ``days`` may differ by asset kind."""

    days: int | dict[str, int]
    unit: str

    def length(self, kind: str) -> int:
        return self.days[kind] if isinstance(self.days, dict) else self.days


@dataclass(frozen=True)
class Source:
    """Where a number or rule of the definition comes from, and whether its text was confirmed
    (``confirmed: false`` and ``why:`` beside a ``basis`` in the YAML). Officers read ``basis``
    only; ``workflow show --sources`` lists what is unconfirmed and why."""

    basis: str
    confirmed: bool = True
    why: str = ""


@dataclass(frozen=True)
class ClockRule:
    """The time a state allows under one regime, and the law that sets it. Within a regime a rule
    may apply only to clocks starting ``since`` a day (a decree that changed one clock)."""

    regime: str
    periods: tuple[Period, ...]
    basis: str
    extension: int | None = None  # longest total in calendar days, when an extension trigger may stretch it
    since: dt.date | None = None
    confirmed: bool = True
    why: str = ""


@dataclass(frozen=True)
class Check:
    """A rule a step must meet, written in the YAML (``checks:``) and evaluated by
    :mod:`auction_flow.core.checks`: its ``kind``, the values it compares, what the law allows
    instead (``otherwise``: triggers to name in the refusal) and its source."""

    kind: str
    spec: dict[str, Any]
    source: Source
    otherwise: tuple[str, ...] = ()
    when_kind: str | None = None  # only for assets of this kind
    when_state: tuple[str, ...] = ()  # only from these states
    when_regime: tuple[str, ...] = ()  # only under these regimes (in force on the step's day)
    since: dt.date | None = None  # only for steps on or after this day (the day its law came into force)
    # the basis a later regime cites for the same rule (``law2025: {basis: ...}`` beside the 2014
    # text), by regime id: a step under that regime (or a later one without its own) cites it
    regime_sources: tuple[tuple[str, Source], ...] = ()

    def source_on(self, regime_ids: list[str]) -> Source:
        """The source a step cites when ``regime_ids`` are the regimes in force so far (oldest first)."""
        own = dict(self.regime_sources)
        return next((own[r] for r in reversed(regime_ids) if r in own), self.source)


@dataclass(frozen=True)
class State:
    name: str
    labels: dict[str, str]
    final: bool = False
    stops_clock: bool = False
    clock: tuple[ClockRule, ...] = ()  # one per regime that changes it, in regime order


@dataclass(frozen=True)
class Field:
    name: str
    type: str  # text | money | date | choice
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class Trigger:
    name: str
    labels: dict[str, str]
    sources: tuple[str, ...]
    dest: str  # a state name, "$previous" or "$same"
    roles: tuple[str, ...]
    fields: tuple[Field, ...] = ()
    reason_required: bool = False
    guards: tuple[str, ...] = ()
    effects: tuple[str, ...] = ()
    params: dict[str, Any] = field(default_factory=dict)
    checks: tuple[Check, ...] = ()
    keep: tuple[str, ...] = ()  # fields kept among the asset's facts (for later checks and papers)
    forget: tuple[str, ...] = ()  # facts this step clears (a sale voided forgets its deposit)
    optional: tuple[str, ...] = ()  # fields that may be left out (a re-appraisal's party, by its ground)


@dataclass(frozen=True)
class Workflow:
    name: str
    version: int
    labels: dict[str, str]
    roles: tuple[str, ...]
    regimes: tuple[Regime, ...]  # sorted by effective date
    initial: str
    states: dict[str, State]
    triggers: dict[str, Trigger]
    initial_roles: tuple[str, ...] = ()  # who may create an asset (record a seizure)
    path: str = ""
    sections: dict[str, Any] = field(default_factory=dict)  # e.g. "alerts": parsed by its own module

    def regime_on(self, day: dt.date) -> Regime | None:
        """The regime in force on ``day`` (None before the first one)."""
        current = None
        for regime in self.regimes:
            if regime.effective <= day:
                current = regime
        return current

    def clock_rule(self, state: str, day: dt.date) -> ClockRule | None:
        """The clock of ``state`` for a clock starting on ``day``; None if the state has none. A
        loaded workflow is fixed, so the answer for a (state, day) is kept (a step asks it; 4,096 at most)."""
        key = (state, day)
        kept = self._clock_rules
        if key in kept:
            return kept[key]
        rule = self.rule_in_force(self.states[state].clock, day)
        if len(kept) < 4096:
            kept[key] = rule
        return rule

    @functools.cached_property
    def _clock_rules(self) -> dict[tuple, ClockRule | None]:
        return {}

    def rule_in_force(self, rules: tuple[ClockRule, ...], day: dt.date) -> ClockRule | None:
        """Of a clock's ``rules`` (a state's, or an obligation's), the one for a clock starting on ``day``."""
        if not rules:
            return None
        regime = self.regime_on(day)
        if regime is None:
            return rules[0]
        order = [r.id for r in self.regimes]
        chosen = None
        for rule in rules:  # in regime order, and within a regime by ``since``
            if order.index(rule.regime) <= order.index(regime.id) and (rule.since is None or rule.since <= day):
                chosen = rule
        return chosen

    def triggers_from(self, state: str, open_obligations=()) -> list[str]:
        """The triggers that fire from ``state``; one that closes an obligation (the ``obligations:``
        section) only when an obligation of its kind is among ``open_obligations`` (names)."""
        if not open_obligations:  # the engine's question on every step: answered once per state
            found = self._triggers_from.get(state)
            if found is None:
                found = self._triggers_from[state] = tuple(self._triggers_from_open(state, ()))
            return list(found)
        return self._triggers_from_open(state, open_obligations)

    def _triggers_from_open(self, state: str, open_obligations) -> list[str]:
        side = self.closers
        return [t.name for t in self.triggers.values()
                if state in t.sources and (t.name not in side or side[t.name] in open_obligations)]

    @functools.cached_property
    def _triggers_from(self) -> dict[str, tuple[str, ...]]:
        return {}

    def fire(self, trigger: str, state: str, resume_state: str | None) -> str:
        """The state ``trigger`` moves an asset in ``state`` (suspended from ``resume_state``) to,
        through :attr:`machine`. The machine has no callbacks and its conditions read only the
        resume state, so its answer for the same three is kept (a step asks it once)."""
        key = (trigger, state, resume_state)
        dest = self._destinations.get(key)
        if dest is None:
            proxy = SimpleNamespace(state=state, resume_state=resume_state)
            self.machine.events[trigger].trigger(proxy)
            dest = self._destinations[key] = proxy.state
        return dest

    @functools.cached_property
    def _destinations(self) -> dict[tuple, str]:
        return {}

    @functools.cached_property
    def closers(self) -> dict[str, str]:
        """Trigger -> the obligation it closes."""
        section = self.sections.get("obligations")
        return {t: o.name for o in (section.by_name.values() if section else ()) for t in o.closed_by}

    @functools.cached_property
    def machine(self):
        """One transitions Machine per workflow version, with no model bound to it."""
        machine = Machine(model=None, states=list(self.states), initial=self.initial,
                          auto_transitions=False, send_event=True, ignore_invalid_triggers=False)
        for trig in self.triggers.values():
            for source in trig.sources:
                if trig.dest == SAME:
                    machine.add_transition(trig.name, source, source)
                elif trig.dest == PREVIOUS:
                    for target in self.states:
                        machine.add_transition(trig.name, source, target, conditions=[
                            functools.partial(_resumes_to, target)])
                else:
                    machine.add_transition(trig.name, source, trig.dest)
        return machine


def _resumes_to(target: str, event) -> bool:
    return event.model.resume_state == target
