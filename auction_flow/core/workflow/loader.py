"""Loading a workflow file: parse the YAML, validate every entry once, freeze the result.

A bad file is refused when it is loaded, with a message naming the file, the entry and the
fault (python-statemachine's habit: definition errors surface at definition time).
"""

from __future__ import annotations

import datetime as dt
from collections import deque
from pathlib import Path

import yaml

from auction_flow.common.errors import WorkflowDefinitionError
from auction_flow.core import effects, guards
from auction_flow.core.workflow import alerts_section, checks_section, documents_section, obligations_section
from auction_flow.core.workflow.model import (
    FIELD_TYPES,
    KINDS,
    PREVIOUS,
    SAME,
    UNITS,
    ClockRule,
    Field,
    Period,
    Regime,
    Source,
    State,
    Trigger,
    Workflow,
)

# Optional top-level sections and the function ``parse_section(checker, value, states, triggers)``
# that validates each one at load time (the checker's ``fail(entry, fault)`` refuses).
SECTIONS = {"alerts": alerts_section.parse_section}


class _UniqueKeyLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """safe_load, but a key given twice in one mapping is an error, not silently the last."""


def _construct_mapping(loader, node, deep=False):
    seen = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise WorkflowDefinitionError(
                f"line {key_node.start_mark.line + 1}: duplicate key {key!r}")
        seen.add(key)
    return yaml.SafeLoader.construct_mapping(loader, node, deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


class _Checker:
    def __init__(self, path: str):
        self.path = path

    def fail(self, entry: str, fault: str):
        raise WorkflowDefinitionError(f"{self.path}: {entry}: {fault}")

    def mapping(self, value, entry) -> dict:
        if not isinstance(value, dict):
            self.fail(entry, f"expected a mapping, got {type(value).__name__}")
        return value

    def labels(self, value, entry) -> dict[str, str]:
        value = self.mapping(value, entry)
        for lang in ("vi", "en"):
            if not isinstance(value.get(lang), str) or not value[lang].strip():
                self.fail(entry, f"missing the {lang} label")
        return {"vi": value["vi"], "en": value["en"]}

    def positive_int(self, value, entry) -> int:
        if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
            self.fail(entry, f"expected a positive whole number, got {value!r}")
        return value


def parse(text: str, path: str = "<workflow>") -> Workflow:
    """Parse and validate a workflow document; raise WorkflowDefinitionError on any fault."""
    c = _Checker(path)
    try:
        doc = yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass
    except WorkflowDefinitionError as exc:
        c.fail("document", str(exc))
    except yaml.YAMLError as exc:
        c.fail("document", f"not valid YAML ({str(exc).splitlines()[0]})")
    doc = c.mapping(doc, "document")
    for key in ("name", "version", "labels", "roles", "regimes", "initial", "states", "triggers"):
        if key not in doc:
            c.fail(key, "missing")
    roles = tuple(doc["roles"] or ())
    regimes = []
    for rid, spec in c.mapping(doc["regimes"], "regimes").items():
        spec = c.mapping(spec, f"regimes.{rid}")
        eff = spec.get("effective")
        if not isinstance(eff, dt.date):
            c.fail(f"regimes.{rid}.effective", f"expected a date, got {eff!r}")
        regimes.append(Regime(rid, eff, c.labels(spec.get("labels"), f"regimes.{rid}.labels")))
    if not regimes:
        c.fail("regimes", "at least one regime is needed")
    regimes.sort(key=lambda r: r.effective)
    regime_ids = [r.id for r in regimes]

    states: dict[str, State] = {}
    for name, spec in c.mapping(doc["states"], "states").items():
        spec = c.mapping(spec, f"states.{name}")
        clock = parse_clock(c, f"states.{name}", spec.get("clock"), regime_ids)
        states[name] = State(name, c.labels(spec.get("labels"), f"states.{name}.labels"),
                             final=bool(spec.get("final", False)),
                             stops_clock=bool(spec.get("stops_clock", False)), clock=clock)
    if doc["initial"] not in states:
        c.fail("initial", f"unknown state {doc['initial']!r}")

    triggers: dict[str, Trigger] = {}
    known = {"labels", "from", "to", "roles", "fields", "reason", "guards", "effects", "checks", "keep", "forget",
             "optional"}
    trigger_names = set(c.mapping(doc["triggers"], "triggers"))
    for name, spec in c.mapping(doc["triggers"], "triggers").items():
        entry = f"triggers.{name}"
        spec = c.mapping(spec, entry)
        sources = spec.get("from")
        sources = [sources] if isinstance(sources, str) else list(sources or [])
        if not sources:
            c.fail(f"{entry}.from", "no source state")
        for s in sources:
            if s not in states:
                c.fail(f"{entry}.from", f"unknown state {s!r}")
            if sources.count(s) > 1:
                c.fail(f"{entry}.from", f"duplicate trigger from one source: {s!r} is listed twice")
        dest = spec.get("to")
        if dest not in (PREVIOUS, SAME) and dest not in states:
            c.fail(f"{entry}.to", f"unknown state {dest!r}")
        t_roles = tuple(spec.get("roles") or ())
        if not t_roles:
            c.fail(f"{entry}.roles", "no role may fire it")
        for r in t_roles:
            if r not in roles:
                c.fail(f"{entry}.roles", f"unknown role {r!r}")
        fields = _fields(c, entry, spec)
        for kind, registry in (("guards", guards.GUARDS), ("effects", effects.EFFECTS)):
            for item in spec.get(kind) or ():
                if item not in registry:
                    c.fail(f"{entry}.{kind}", f"unknown {kind[:-1]} {item!r}")
        reason = spec.get("reason", "optional")
        if reason not in ("required", "optional"):
            c.fail(f"{entry}.reason", f"expected 'required' or 'optional', got {reason!r}")
        params = {k: v for k, v in spec.items() if k not in known}
        optional = tuple(spec.get("optional") or ())
        for f in optional:
            if f not in {x.name for x in fields}:
                c.fail(f"{entry}.optional", f"not a field of the trigger: {f!r}")
        checks, keep, forget = checks_section.parse(
            c, name, spec, fields, states, trigger_names, _period, source, regime_ids,
            lambda other: _fields(c, f"triggers.{other}", c.mapping(doc["triggers"][other], f"triggers.{other}")))
        triggers[name] = Trigger(name, c.labels(spec.get("labels"), f"{entry}.labels"), tuple(sources),
                                 dest, t_roles, tuple(fields), reason == "required",
                                 tuple(spec.get("guards") or ()), tuple(spec.get("effects") or ()), params,
                                 checks, keep, forget, optional)

    _check_graph(c, doc["initial"], states, triggers)
    version = doc["version"]
    c.positive_int(version, "version")
    initial_roles = tuple(doc.get("initial_roles") or ())
    if not initial_roles:
        c.fail("initial_roles", "no role may create an asset")
    for r in initial_roles:
        if r not in roles:
            c.fail("initial_roles", f"unknown role {r!r}")
    sections = {}
    for name, parse_section in SECTIONS.items():
        if name in doc:
            sections[name] = parse_section(c, doc[name], states, triggers)
    sections["documents"] = documents_section.parse(c, doc.get("initial_document"), triggers)  # the papers
    sections["obligations"] = obligations_section.parse(  # the side clocks beside the state's
        c, doc.get("obligations"), states, triggers,
        lambda owner, spec: parse_clock(c, owner, spec, regime_ids), source)
    return Workflow(str(doc["name"]), version, c.labels(doc["labels"], "labels"), roles, tuple(regimes),
                    doc["initial"], states, triggers, initial_roles, path, sections)


def _fields(c: _Checker, entry: str, spec: dict) -> list[Field]:
    """A trigger's fields: text, money, date, or a list of choices."""
    fields = []
    for fname, ftype in c.mapping(spec.get("fields") or {}, f"{entry}.fields").items():
        if isinstance(ftype, list) and ftype and all(isinstance(x, str) for x in ftype):
            fields.append(Field(fname, "choice", tuple(ftype)))
        elif ftype in FIELD_TYPES:
            fields.append(Field(fname, ftype))
        else:
            c.fail(f"{entry}.fields.{fname}", f"unknown field type {ftype!r}")
    return fields


def source(c: _Checker, spec: dict, entry: str) -> Source:
    """The ``basis`` of an entry and whether its text was confirmed (``confirmed: false`` needs a ``why``)."""
    basis = spec.get("basis")
    if not isinstance(basis, str) or not basis.strip():
        c.fail(f"{entry}.basis", "missing the legal basis")
    confirmed = spec.get("confirmed", True)
    if not isinstance(confirmed, bool):
        c.fail(f"{entry}.confirmed", f"expected true or false, got {confirmed!r}")
    why = spec.get("why", "")
    if not confirmed and (not isinstance(why, str) or not why.strip()):
        c.fail(f"{entry}.why", "an unconfirmed basis must say why it could not be confirmed")
    return Source(basis, confirmed, why or "")


def _periods(c: _Checker, rule: dict, entry: str) -> tuple[Period, ...]:
    periods = []
    part, depth = rule, 0
    while part is not None:
        sub = entry + ".then" * depth
        part = c.mapping(part, sub)
        days = part.get("days")
        if isinstance(days, dict):
            if set(days) != set(KINDS):
                c.fail(f"{sub}.days", f"per-kind days must name exactly {', '.join(KINDS)}")
            days = {k: c.positive_int(v, f"{sub}.days.{k}") for k, v in days.items()}
        else:
            days = c.positive_int(days, f"{sub}.days")
        if part.get("unit") not in UNITS:
            c.fail(f"{sub}.unit", f"expected one of {', '.join(UNITS)}, got {part.get('unit')!r}")
        periods.append(Period(days, part["unit"]))
        part, depth = part.get("then"), depth + 1
    return tuple(periods)


def _period(c: _Checker, spec, entry: str) -> Period:
    """One period (``days``, ``unit``; days may be per kind), as a check's window uses."""
    spec = c.mapping(spec, entry)
    if "then" in spec:
        c.fail(f"{entry}.then", "a check's period is one period")
    return _periods(c, spec, entry)[0]


def parse_clock(c: _Checker, owner: str, spec, regime_ids: list[str]) -> tuple[ClockRule, ...]:
    """The clock of ``owner`` (``states.NAME``, ``obligations.NAME``): per regime one rule, or a list
    of rules each applying to clocks that start ``since`` a day (the first without ``since``), e.g.
    a decree that changed one clock mid-regime."""
    if spec is None:
        return ()
    spec = c.mapping(spec, f"{owner}.clock")
    out = []
    for rid, rules in spec.items():
        entry = f"{owner}.clock.{rid}"
        if rid not in regime_ids:
            c.fail(entry, f"clock without a regime in force: unknown regime {rid!r}")
        listed = isinstance(rules, list)
        previous = None
        for n, rule in enumerate(rules if listed else [rules]):
            sub = f"{entry}[{n}]" if listed else entry
            rule = c.mapping(rule, sub)
            since = rule.get("since")
            if n == 0 and since is not None:
                c.fail(f"{sub}.since", "the first rule of a regime applies from the regime's start (no since)")
            if n > 0 and (not isinstance(since, dt.date) or since <= previous):
                c.fail(f"{sub}.since", f"expected a date after the previous rule's, got {since!r}")
            previous = since or dt.date.min
            src = source(c, rule, sub)
            ext = rule.get("extension")
            if ext is not None:
                c.positive_int(ext, f"{sub}.extension")
            out.append(ClockRule(rid, _periods(c, rule, sub), src.basis, ext, since, src.confirmed, src.why))
    out.sort(key=lambda r: (regime_ids.index(r.regime), r.since or dt.date.min))
    if out and out[0].regime != regime_ids[0]:
        c.fail(f"{owner}.clock", f"clock without a regime in force between {regime_ids[0]!r} "
               f"and {out[0].regime!r}")
    return tuple(out)


def _check_graph(c: _Checker, initial: str, states: dict[str, State], triggers: dict[str, Trigger]):
    edges: dict[str, set[str]] = {s: set() for s in states}
    into_stopping = set()
    for t in triggers.values():
        if t.dest not in (PREVIOUS, SAME) and states[t.dest].stops_clock:
            into_stopping.update(t.sources)
    for t in triggers.values():
        for s in t.sources:
            if states[s].final and t.dest != SAME:  # a step that records without moving is no way out
                c.fail(f"triggers.{t.name}.from", f"final state {s!r} cannot have a way out")
            targets = into_stopping if t.dest == PREVIOUS else {s} if t.dest == SAME else {t.dest}
            edges[s].update(targets)
    seen, todo = {initial}, deque([initial])
    while todo:
        for nxt in edges[todo.popleft()]:
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    for name, st in states.items():
        if name not in seen:
            c.fail(f"states.{name}", "unreachable state: no trigger leads to it from the initial state")
        if not st.final and not edges[name]:
            c.fail(f"states.{name}", "non-final state with no way out")


def load(path: str | Path) -> Workflow:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise WorkflowDefinitionError(f"{path}: cannot read ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise WorkflowDefinitionError(f"{path}: not UTF-8 text") from None
    return parse(text, str(path))
