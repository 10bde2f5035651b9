"""workflows/procuracy.yaml: the decisions sent to the procuracy and the answer clocks of its
recommendations and protests, loaded and validated once.

The decisions are keyed by the asset workflow's triggers (``seize`` for its first step); a key
that is not a trigger of that workflow is refused, unless marked ``optional: true`` (a trigger a
later version of the workflow brings). Clocks take ``days``, ``unit``, ``basis`` and, when the
basis could not be read in a text, ``confirmed: false`` with ``why:``; a regime named under
``regimes:`` may replace a clock from the day it comes into force.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from pathlib import Path

import yaml

from auction_flow.common.config import workflows_dir
from auction_flow.common.errors import WorkflowDefinitionError
from auction_flow.core.complaint_clocks import Clock, parse_clock
from auction_flow.core.workflow.registry import get

ITEM_KINDS = ("recommendation", "protest")
FILE = "procuracy.yaml"


@dataclass(frozen=True)
class Timed:
    """A clock and the clocks of later regimes, chosen by the day the clock starts."""

    clock: Clock
    later: tuple[tuple[dt.date, Clock], ...] = ()

    def on(self, day: dt.date) -> Clock:
        chosen = self.clock
        for since, clock in self.later:
            if day >= since:
                chosen = clock
        return chosen

    def all(self) -> list[Clock]:
        return [self.clock, *(c for _, c in self.later)]


@dataclass(frozen=True)
class ProcuracyRules:
    workflow: str
    send: Timed
    decisions: tuple[str, ...]  # triggers whose decision is sent (the optional ones the workflow has)
    answers: dict[str, Timed]  # by ITEM_KINDS
    warning_days: int = 2
    escalate_after_days: int = 5

    def unconfirmed(self) -> list[tuple[str, str, str]]:
        """(entry, basis, why) of every clock marked ``confirmed: false``."""
        named = [("send", self.send)] + [(f"answer.{k}", t) for k, t in self.answers.items()]
        return [(entry, c.basis, c.why or "") for entry, timed in named for c in timed.all() if not c.confirmed]


def _fail(path, entry, fault):
    raise WorkflowDefinitionError(f"{path}: {entry}: {fault}")


def _timed(path, entry, spec, regimes) -> Timed:
    if not isinstance(spec, dict):
        _fail(path, entry, "must be a mapping with days and basis")
    clock = parse_clock(path, entry, spec, extra=tuple(regimes))
    later = tuple((since, parse_clock(path, f"{entry}.{name}", spec[name]))
                  for name, since in sorted(regimes.items(), key=lambda kv: kv[1]) if name in spec)
    return Timed(clock, later)


def _count(path, entry, value, default) -> int:
    value = default if value is None else value
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        _fail(path, entry, f"must be a whole number >= 0, got {value!r}")
    return value


def parse(text: str, path: str = "<procuracy>", triggers=None) -> ProcuracyRules:
    """Parse and check procuracy.yaml; ``triggers``: the asset workflow's trigger names (read from
    the workflows folder when not given)."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        _fail(path, "-", f"not valid YAML ({exc})")
    allowed = {"workflow", "regimes", "send", "answer", "alerts"}
    if not isinstance(data, dict) or not {"workflow", "send", "answer"} <= set(data) <= allowed:
        _fail(path, "-", "needs the sections workflow, send and answer (and optionally regimes, alerts)")
    regimes = data.get("regimes") or {}
    if not isinstance(regimes, dict) or not all(isinstance(d, dt.date) for d in regimes.values()):
        _fail(path, "regimes", "must map a regime name to the day it comes into force (YYYY-MM-DD)")
    name = data["workflow"]
    if triggers is None:
        wf = get(name)
        triggers = {*wf.triggers, "seize"}
    send = data["send"]
    if not isinstance(send, dict) or set(send) != {"clock", "decisions"}:
        _fail(path, "send", "needs exactly clock and decisions")
    decisions = send["decisions"]
    if not isinstance(decisions, dict) or not decisions:
        _fail(path, "send.decisions", "must map the triggers whose decision is sent to their settings")
    chosen = []
    for trigger, spec in decisions.items():
        spec = spec or {}
        if not isinstance(spec, dict) or set(spec) - {"optional"} or not isinstance(spec.get("optional", False), bool):
            _fail(path, f"send.decisions.{trigger}", "takes only optional: true|false")
        if trigger in triggers:
            chosen.append(trigger)
        elif not spec.get("optional"):
            _fail(path, f"send.decisions.{trigger}", f"not a trigger of workflow {name!r} (mark it optional: true "
                                                     "if a later version brings it)")
    answer = data["answer"]
    if not isinstance(answer, dict) or set(answer) != set(ITEM_KINDS):
        _fail(path, "answer", f"needs exactly {', '.join(ITEM_KINDS)}")
    answers = {k: _timed(path, f"answer.{k}", answer[k], regimes) for k in ITEM_KINDS}
    alerts = data.get("alerts") or {}
    if not isinstance(alerts, dict) or set(alerts) - {"warning_days", "escalate_after_days"}:
        _fail(path, "alerts", "takes only warning_days and escalate_after_days")
    return ProcuracyRules(name, _timed(path, "send.clock", send["clock"], regimes), tuple(chosen), answers,
                          _count(path, "alerts.warning_days", alerts.get("warning_days"), 2),
                          _count(path, "alerts.escalate_after_days", alerts.get("escalate_after_days"), 5))


@functools.lru_cache(maxsize=None)
def _load_cached(path: str, mtime: float) -> ProcuracyRules:
    return parse(Path(path).read_text(encoding="utf-8"), path)


def rules(path: str | Path | None = None) -> ProcuracyRules:
    """The rules of workflows/procuracy.yaml (loaded and validated once per file version)."""
    path = Path(path) if path else workflows_dir() / FILE
    if not path.is_file():
        _fail(str(path), "-", "file not found")
    return _load_cached(str(path), path.stat().st_mtime)
