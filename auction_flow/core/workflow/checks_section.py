"""The ``checks:`` of a trigger, ``keep:`` and ``forget:``: parsed and validated once, when the
workflow is loaded (auction_flow.core.checks evaluates them on each step).

A check is one mapping whose first key names its kind:

    deadline: met | passed        the step's day is on/before, or after, the asset's running deadline
    field: F, percent_of: X, min: A, max: B     field F is between A% and B% of X (no max: at least A%)
    field: F, at_least: PERIOD    date field F is no earlier than the step's day + PERIOD
    field: F, at_most: PERIOD     date field F is no later than the step's day + PERIOD
    field: F, at_least: P, at_most: Q     both in one check: a window, whose refusal names both ends
    field: F, equals: V           a fact the law requires (e.g. the creditor declined: yes)
    field: F, not_in: [V, ...]    a value the law forbids here
    field: F, not_after: step     date field F is no later than the step's day (a document relied on)
    date: D, not_after: X         the date D is no later than the date X (each a field, a kept fact or a
                                  column; either unknown: no check), e.g. the auction day and the
                                  appraisal certificate's validity
    after: X                      the step's day is after the date X (a field, a kept fact or a column)

with optional ``kind:`` (only assets of that kind), ``state:`` (only from those states),
``history: false`` (a rule about planning a step ahead, such as the auction day's window: not
replayed on an imported history, where the step happened as it happened),
``when: {FIELD: VALUE or [VALUES]}`` (only when the step's choice field has one of those values:
a rule of one ground among several, each ground citing its own article),
``since:`` (only for steps on or after that day: a rule whose law came into force inside a regime,
so that older history, e.g. an imported sale, follows the rule of its day), ``regime:`` (only
under those regimes, the one in force on the step's day: a rule that changed with a new law is
written once per regime), a regime's id (``law2025: {basis, confirmed, why}``: the same rule cited
from that regime's law for steps under it, and under later regimes without their own),
``otherwise:`` (the triggers the law allows instead, named in the refusal) and the ``basis``
(``confirmed: false`` + ``why:`` when the text could not be confirmed). PERIOD is
``{days: N or {movable: N, real_estate: M}, unit: working|calendar}``.
"""

from __future__ import annotations

import datetime as dt

from auction_flow.core.workflow.model import KINDS, Check, Field, Period

KINDS_OF_CHECK = ("deadline", "percent_of", "at_least", "at_most", "equals", "not_in", "not_after", "after")
COMMON = {"kind", "state", "regime", "since", "otherwise", "basis", "confirmed", "why"}  # "when" is kept in spec
WINDOW = ("at_least", "at_most")  # a check with both is a window (kind ``window``)


def _kind(spec: dict) -> str | None:
    if "deadline" in spec:
        return "deadline"
    if "after" in spec and "field" not in spec:
        return "after"
    found = [k for k in KINDS_OF_CHECK if k in spec and k not in ("deadline", "after")]
    if found == list(WINDOW):
        return "window"
    return found[0] if len(found) == 1 else None


def _otherwise(c, entry: str, text: str, trigger_names, fields_of) -> None:
    """One trigger the law allows instead: its name, then any FIELD=VALUE it must be given (as the
    command line takes them: ``request_reappraisal ground=certificate_expired``)."""
    name, *sets = text.split()
    if name not in trigger_names:
        c.fail(entry, f"unknown trigger {name!r}")
    specs = {f.name: f for f in fields_of(name)} if fields_of else {}
    for item in sets:
        fname, sep, value = item.partition("=")
        if not sep or fname not in specs:
            c.fail(entry, f"{item!r}: expected FIELD=VALUE of a field of {name!r}")
        if specs[fname].type == "choice" and value not in specs[fname].choices:
            c.fail(entry, f"{value!r} is not a choice of {name}.{fname}")


def _when(c, entry: str, spec, by_name: dict) -> dict[str, tuple]:
    """``when: {FIELD: VALUE or [VALUES]}``: choice fields of the trigger and values among their choices."""
    spec = c.mapping(spec, entry)
    out = {}
    for fname, values in spec.items():
        values = tuple(values) if isinstance(values, list) else (values,)
        if fname not in by_name or by_name[fname].type != "choice":
            c.fail(f"{entry}.{fname}", "expected a choice field of the trigger")
        for v in values:
            if v not in by_name[fname].choices:
                c.fail(f"{entry}.{fname}", f"{v!r} is not a choice of {fname!r}")
        out[fname] = values
    return out


def parse(c, name: str, spec: dict, fields: list[Field], states: dict, trigger_names, parse_period,
          source, regime_ids=(), fields_of=None) -> tuple[tuple[Check, ...], tuple[str, ...], tuple[str, ...]]:
    """The checks, kept facts and forgotten facts of trigger ``name`` (``c.fail`` refuses a fault)."""
    entry = f"triggers.{name}"
    by_name = {f.name: f for f in fields}
    checks = []
    for n, item in enumerate(spec.get("checks") or ()):
        sub = f"{entry}.checks[{n}]"
        item = c.mapping(item, sub)
        kind = _kind(item)
        if kind is None:
            c.fail(sub, f"expected exactly one of {', '.join(KINDS_OF_CHECK)}")
        allowed = COMMON | set(regime_ids) | {kind, "field", "min", "max", "history", "when"} \
            | ({"date"} if kind == "not_after" else set()) \
            | (set(WINDOW) if kind == "window" else set())
        for key in item:
            if key not in allowed:
                c.fail(f"{sub}.{key}", "unknown key")
        if "history" in item and item["history"] is not False:
            c.fail(f"{sub}.history", "expected false (a check is replayed on imported history unless it says so)")
        if kind == "deadline" and item["deadline"] not in ("met", "passed"):
            c.fail(f"{sub}.deadline", f"expected met or passed, got {item['deadline']!r}")
        dated = kind == "not_after" and "date" in item
        if dated and ("field" in item or not isinstance(item["date"], str) or not isinstance(item["not_after"], str)):
            c.fail(sub, "date: D, not_after: X name two dates (fields, kept facts or columns), without field:")
        if kind not in ("deadline", "after") and not dated:
            f = item.get("field")
            if f not in by_name:
                c.fail(f"{sub}.field", f"not a field of the trigger: {f!r}")
            want = {"percent_of": ("money",), "at_least": ("date",), "at_most": ("date",),
                    "window": ("date",), "not_after": ("date",)}.get(kind)
            if want and by_name[f].type not in want:
                c.fail(f"{sub}.field", f"{kind} needs a {' or '.join(want)} field, {f!r} is {by_name[f].type}")
            if kind in ("equals", "not_in") and by_name[f].type == "choice":
                values = item[kind] if kind == "not_in" else [item[kind]]
                for v in values if isinstance(values, list) else [values]:
                    if v not in by_name[f].choices:
                        c.fail(f"{sub}.{kind}", f"{v!r} is not a choice of {f!r}")
        if kind == "percent_of":
            for k in ("min", "max") if "max" in item else ("min",):
                v = item.get(k)
                if not isinstance(v, (int, float)) or isinstance(v, bool) or not 0 <= v <= 100:
                    c.fail(f"{sub}.{k}", f"expected a percentage 0..100, got {v!r}")
            if "max" in item and item["min"] > item["max"]:
                c.fail(sub, "min is above max")
        for bound in WINDOW if kind == "window" else (kind,) if kind in WINDOW else ():
            item = {**item, bound: parse_period(c, item[bound], f"{sub}.{bound}")}
        if kind == "not_after" and not dated and item["not_after"] != "step":
            c.fail(f"{sub}.not_after", "expected step (the step's day)")
        if kind == "not_in" and not isinstance(item["not_in"], list):
            c.fail(f"{sub}.not_in", "expected a list")
        if "when" in item:
            item = {**item, "when": _when(c, f"{sub}.when", item["when"], by_name)}
        when_kind = item.get("kind")
        if when_kind is not None and when_kind not in KINDS:
            c.fail(f"{sub}.kind", f"expected one of {', '.join(KINDS)}, got {when_kind!r}")
        when_state = item.get("state") or ()
        when_state = (when_state,) if isinstance(when_state, str) else tuple(when_state)
        for s in when_state:
            if s not in states:
                c.fail(f"{sub}.state", f"unknown state {s!r}")
        when_regime = item.get("regime") or ()
        when_regime = (when_regime,) if isinstance(when_regime, str) else tuple(when_regime)
        for r in when_regime:
            if r not in regime_ids:
                c.fail(f"{sub}.regime", f"unknown regime {r!r}")
        since = item.get("since")
        if since is not None and (not isinstance(since, dt.date) or isinstance(since, dt.datetime)):
            c.fail(f"{sub}.since", f"expected a day YYYY-MM-DD, got {since!r}")
        otherwise = item.get("otherwise") or ()
        otherwise = (otherwise,) if isinstance(otherwise, str) else tuple(otherwise)
        for t in otherwise:
            _otherwise(c, f"{sub}.otherwise", str(t), trigger_names, fields_of)
        # a later regime's own basis for the same rule: {basis, confirmed, why} under its id
        own = tuple((r, source(c, c.mapping(item[r], f"{sub}.{r}"), f"{sub}.{r}")) for r in regime_ids if r in item)
        checks.append(Check(kind, {k: v for k, v in item.items() if k not in COMMON and k not in regime_ids},
                            source(c, item, sub), otherwise, when_kind, when_state, when_regime, since, own))
    keep = tuple(spec.get("keep") or ())
    for f in keep:
        if f not in by_name:
            c.fail(f"{entry}.keep", f"not a field of the trigger: {f!r}")
    forget = tuple(spec.get("forget") or ())
    for f in forget:
        if not isinstance(f, str):
            c.fail(f"{entry}.forget", f"expected fact names, got {f!r}")
    return tuple(checks), keep, forget


__all__ = ["parse", "Period"]
