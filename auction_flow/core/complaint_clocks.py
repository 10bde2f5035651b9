"""The statutory clocks of complaints and denunciations, as data (workflows/complaints.yaml).

Acceptance: N working days from receipt. Resolution: calendar days from acceptance, by kind
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

    def due(self, start: dt.date, cal: WorkCalendar) -> dt.date:
        day = cal.add_working_days(start, self.days) if self.unit == "working" else start + dt.timedelta(days=self.days)
        return cal.next_working_day(day)


@dataclass(frozen=True)
class ComplaintRules:
    acceptance: dict[str, Clock]  # by kind
    resolution: dict[str, Clock]  # first, second, coercion_first, coercion_second, ordinary, complex
    complex_extra: int
    warning_days: int = 2
    escalate_after_days: int = 5

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


def _clock(path, entry, spec, unit_default="calendar") -> Clock:
    if not isinstance(spec, dict):
        _fail(path, entry, "must be a mapping with days and basis")
    unknown = set(spec) - {"days", "unit", "basis"}
    if unknown:
        _fail(path, entry, f"unknown key(s) {', '.join(sorted(unknown))}")
    days, unit, basis = spec.get("days"), spec.get("unit", unit_default), spec.get("basis")
    if not isinstance(days, int) or isinstance(days, bool) or days <= 0:
        _fail(path, f"{entry}.days", f"must be a positive whole number, got {days!r}")
    if unit not in UNITS:
        _fail(path, f"{entry}.unit", f"must be one of {', '.join(UNITS)}, got {unit!r}")
    if not isinstance(basis, str) or not basis.strip():
        _fail(path, f"{entry}.basis", "the legal basis is required")
    return Clock(days, unit, basis.strip())


def parse(text: str, path: str = "<complaints>") -> ComplaintRules:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        _fail(path, "-", f"not valid YAML ({exc})")
    if not isinstance(data, dict) or not {"acceptance", "resolution"} <= set(data) <= {
            "acceptance", "resolution", "alerts"}:
        _fail(path, "-", "needs the sections acceptance and resolution (and optionally alerts)")
    acc = data["acceptance"]
    if not isinstance(acc, dict) or set(acc) != set(KINDS):
        _fail(path, "acceptance", f"needs exactly {', '.join(KINDS)}")
    acceptance = {k: _clock(path, f"acceptance.{k}", acc[k]) for k in KINDS}
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
    resolution = {k: _clock(path, f"resolution.complaint.{k}", comp[k]) for k in sorted(want - {"complex_extra"})}
    resolution.update({k: _clock(path, f"resolution.denunciation.{k}", den[k]) for k in ("ordinary", "complex")})
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
    return ComplaintRules(acceptance, resolution, extra, **numbers)


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
