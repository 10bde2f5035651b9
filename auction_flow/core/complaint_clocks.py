"""The statutory clocks of complaints and denunciations, as data (workflows/complaints.yaml).

Limitation: calendar days from the day the complainant received the decision (or learnt of the
act), by the kind of step attacked; a complaint filed after it is out of time. Acceptance: N
working days from receipt. Resolution: calendar days from acceptance, by kind
(complaint / denunciation), level (first / second decision), coercion, and complexity. Like
every clock (auction_flow.deadlines), a clock counts from the day after its start and a
deadline on a day off moves to the next working day.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from pathlib import Path

import yaml

from auction_flow.common.config import workflows_dir
from auction_flow.common.errors import WorkflowDefinitionError
from auction_flow.core.calendar import WorkCalendar

KINDS = ("complaint", "denunciation")
LEVELS = ("first", "second")
UNITS = ("working", "calendar")


@dataclass(frozen=True)
class Clock:
    days: int
    unit: str
    basis: str
    confirmed: bool = True  # False: the article or its days could not be read in a text
    why: str | None = None  # ... and why (listed by `workflow show --sources`)

    def due(self, start: dt.date, cal: WorkCalendar) -> dt.date:
        day = cal.add_working_days(start, self.days) if self.unit == "working" else start + dt.timedelta(days=self.days)
        return cal.next_working_day(day)


LIMITATIONS = ("before_measures", "coercion", "after_coercion", "second")


@dataclass(frozen=True)
class Limitation:
    """The filing windows (thời hiệu khiếu nại) of the ``limitation:`` section."""

    clocks: dict[str, Clock]  # by LIMITATIONS
    later: dict[str, tuple[dt.date, Clock]]  # a later regime's clock: (in force from, clock)
    coercion_triggers: tuple[str, ...]

    def kind_for(self, level: str, trigger: str | None) -> str:
        """Which window applies: a second complaint, one about a coercive step, about a later
        step of the seized asset, or about no step."""
        if level == "second":
            return "second"
        if trigger is None:
            return "before_measures"
        return "coercion" if trigger in self.coercion_triggers else "after_coercion"

    def clock(self, kind: str, received: dt.date) -> Clock:
        """The window of ``kind`` for a decision received on ``received`` (the regime of that day)."""
        later = self.later.get(kind)
        return later[1] if later and received >= later[0] else self.clocks[kind]


@dataclass(frozen=True)
class ComplaintRules:
    acceptance: dict[str, Clock]  # by kind
    resolution: dict[str, Clock]  # first, second, coercion_first, coercion_second, ordinary, complex
    complex_extra: int
    warning_days: int = 2
    escalate_after_days: int = 5
    limitation: Limitation | None = None

    def unconfirmed(self) -> list[tuple[str, str, str]]:
        """(entry, basis, why) of every clock marked ``confirmed: false``."""
        out = [(f"acceptance.{k}", c.basis, c.why or "") for k, c in self.acceptance.items() if not c.confirmed]
        out += [(f"resolution.{k}", c.basis, c.why or "") for k, c in self.resolution.items() if not c.confirmed]
        if self.limitation:
            out += [(f"limitation.{k}", c.basis, c.why or "") for k, c in self.limitation.clocks.items()
                    if not c.confirmed]
            out += [(f"limitation.{k}.later", c.basis, c.why or "") for k, (_, c) in self.limitation.later.items()
                    if not c.confirmed]
        return out

    def accept_clock(self, kind: str) -> Clock:
        return self.acceptance[kind]

    def resolve_clock(self, kind: str, level: str, coercion: bool, complex_: bool) -> Clock:
        if kind == "denunciation":
            return self.resolution["complex" if complex_ else "ordinary"]
        base = self.resolution[("coercion_" if coercion else "") + level]
        if not complex_:
            return base
        return Clock(base.days + self.complex_extra, base.unit,
                     f"{base.basis}; +{self.complex_extra} (complex / phức tạp)")


def _fail(path, entry, fault):
    raise WorkflowDefinitionError(f"{path}: {entry}: {fault}")


def parse_clock(path, entry, spec, unit_default="calendar", extra=()) -> Clock:
    """A clock of a data file: days, unit, basis, and `confirmed: false` with `why:` when unconfirmed."""
    if not isinstance(spec, dict):
        _fail(path, entry, "must be a mapping with days and basis")
    unknown = set(spec) - {"days", "unit", "basis", "confirmed", "why", *extra}
    if unknown:
        _fail(path, entry, f"unknown key(s) {', '.join(sorted(unknown))}")
    confirmed, why = spec.get("confirmed", True), spec.get("why")
    if not isinstance(confirmed, bool):
        _fail(path, f"{entry}.confirmed", f"must be true or false, got {confirmed!r}")
    if not confirmed and (not isinstance(why, str) or not why.strip()):
        _fail(path, f"{entry}.why", "an unconfirmed basis must say why")
    days, unit, basis = spec.get("days"), spec.get("unit", unit_default), spec.get("basis")
    if not isinstance(days, int) or isinstance(days, bool) or days <= 0:
        _fail(path, f"{entry}.days", f"must be a positive whole number, got {days!r}")
    if unit not in UNITS:
        _fail(path, f"{entry}.unit", f"must be one of {', '.join(UNITS)}, got {unit!r}")
    if not isinstance(basis, str) or not basis.strip():
        _fail(path, f"{entry}.basis", "the legal basis is required")
    return Clock(days, unit, basis.strip(), confirmed, why.strip() if isinstance(why, str) else None)


def _limitation(path, spec) -> Limitation:
    entry = "limitation"
    if not isinstance(spec, dict) or not set(LIMITATIONS) <= set(spec) <= {
            *LIMITATIONS, "regimes", "coercion_triggers"}:
        _fail(path, entry, f"needs exactly {', '.join(LIMITATIONS)} (and optionally regimes, coercion_triggers)")
    regimes = spec.get("regimes") or {}
    if not isinstance(regimes, dict) or not all(isinstance(d, dt.date) for d in regimes.values()):
        _fail(path, f"{entry}.regimes", "must map a regime name to the day it comes into force (YYYY-MM-DD)")
    triggers = spec.get("coercion_triggers") or []
    if not isinstance(triggers, list) or not all(isinstance(t, str) and t.strip() for t in triggers):
        _fail(path, f"{entry}.coercion_triggers", "must be a list of trigger names")
    clocks, later = {}, {}
    for kind in LIMITATIONS:
        body = spec[kind]
        clocks[kind] = parse_clock(path, f"{entry}.{kind}", body, extra=tuple(regimes))
        for regime, since in regimes.items():
            if regime in body:
                later[kind] = (since, parse_clock(path, f"{entry}.{kind}.{regime}", body[regime]))
    return Limitation(clocks, later, tuple(triggers))


def parse(text: str, path: str = "<complaints>") -> ComplaintRules:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        _fail(path, "-", f"not valid YAML ({exc})")
    if not isinstance(data, dict) or not {"acceptance", "resolution"} <= set(data) <= {
            "acceptance", "resolution", "alerts", "limitation"}:
        _fail(path, "-", "needs the sections acceptance and resolution (and optionally limitation, alerts)")
    acc = data["acceptance"]
    if not isinstance(acc, dict) or set(acc) != set(KINDS):
        _fail(path, "acceptance", f"needs exactly {', '.join(KINDS)}")
    acceptance = {k: parse_clock(path, f"acceptance.{k}", acc[k]) for k in KINDS}
    res = data["resolution"]
    if not isinstance(res, dict) or set(res) != set(KINDS):
        _fail(path, "resolution", f"needs exactly {', '.join(KINDS)}")
    comp, den = res["complaint"], res["denunciation"]
    want = {"first", "second", "coercion_first", "coercion_second", "complex_extra"}
    if not isinstance(comp, dict) or set(comp) != want:
        _fail(path, "resolution.complaint", f"needs exactly {', '.join(sorted(want))}")
    if not isinstance(den, dict) or set(den) != {"ordinary", "complex"}:
        _fail(path, "resolution.denunciation", "needs exactly ordinary, complex")
    extra = comp["complex_extra"]
    if not isinstance(extra, int) or isinstance(extra, bool) or extra < 0:
        _fail(path, "resolution.complaint.complex_extra", f"must be a whole number >= 0, got {extra!r}")
    resolution = {k: parse_clock(path, f"resolution.complaint.{k}", comp[k]) for k in sorted(want - {"complex_extra"})}
    resolution.update({k: parse_clock(path, f"resolution.denunciation.{k}", den[k]) for k in ("ordinary", "complex")})
    if resolution["complex"].days < resolution["ordinary"].days:
        _fail(path, "resolution.denunciation.complex", "must not be shorter than ordinary")
    alerts = data.get("alerts") or {}
    if not isinstance(alerts, dict) or set(alerts) - {"warning_days", "escalate_after_days"}:
        _fail(path, "alerts", "takes only warning_days and escalate_after_days")
    numbers = {}
    for key, default in (("warning_days", 2), ("escalate_after_days", 5)):
        value = alerts.get(key, default)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            _fail(path, f"alerts.{key}", f"must be a whole number >= 0, got {value!r}")
        numbers[key] = value
    limitation = _limitation(path, data["limitation"]) if "limitation" in data else None
    return ComplaintRules(acceptance, resolution, extra, **numbers, limitation=limitation)


@functools.lru_cache(maxsize=None)
def _load_cached(path: str, mtime: float) -> ComplaintRules:
    return parse(Path(path).read_text(encoding="utf-8"), path)


def rules(path: str | Path | None = None) -> ComplaintRules:
    """The rules of workflows/complaints.yaml (loaded and validated once per file version)."""
    path = Path(path) if path else workflows_dir() / "complaints.yaml"
    if not path.is_file():
        _fail(str(path), "-", "file not found")
    return _load_cached(str(path), path.stat().st_mtime)


def clock_status(due: dt.date | None, done: dt.date | None, on: dt.date) -> str | None:
    """met / missed (done), running / overdue (not done yet), None (no clock)."""
    if due is None:
        return None
    if done is not None:
        return "met" if done <= due else "missed"
    return "running" if on <= due else "overdue"
