"""The workflow definition's ``checks:`` (and ``keep:`` / ``forget:``) on the steps of an imported row.

An imported asset's steps are replayed, step after step, as the engine would have met them: the
asset in the state the step leaves, with the columns earlier steps set, the facts they kept and the
running deadline of its state (from ``deadlines.compute``, as the import writes it). Every check of
the trigger that applies on the step's day (:func:`auction_flow.core.checks.applicable`: its kind,
state, regime and ``since:``) is evaluated by the engine's own code, so a refusal carries the
engine's message, basis and what the law allows instead; historical data is held to the rule of its
day. The facts a step keeps are what the engine would store (``checks.kept_facts``).
"""

from __future__ import annotations

from auction_flow.common.errors import TriggerNotAllowed
from auction_flow.core import checks, deadlines
from auction_flow.core.step import Step
from auction_flow.core.workflow import Workflow


class Replay:
    """The checks of one workflow version over the rows of one file (deadlines computed once per
    state, day and kind)."""

    def __init__(self, wf: Workflow, cal):
        self.wf, self.cal = wf, cal
        self.memo: dict = {}

    def _deadline(self, state: str, on, kind: str):
        key = (state, on, kind)
        if key not in self.memo:
            dl = None if self.wf.states[state].stops_clock else deadlines.compute(self.wf, state, on, kind, self.cal)
            self.memo[key] = (dl.due, dl.basis) if dl else (None, None)
        return self.memo[key]

    def missing_fields(self, trigger: str, given) -> list[str]:
        """The trigger's fields (in this workflow version) that the import has no column for."""
        trig = self.wf.triggers.get(trigger)
        if trig is None:
            return []
        return [f.name for f in trig.fields if f.name not in given and f.name not in trig.optional]

    def run(self, kind: str, steps: list[dict], column_of, bad) -> None:
        """Replay ``steps`` (the import's step records, the seizure first); each unmet check is
        reported by ``bad(column, key, **params)`` on the column ``column_of(step, check)`` names.
        The facts each step keeps are set on it (``set["facts"]``), as the engine stores them."""
        asset = {"id": None, "kind": kind, "state": None, "facts": None, "deadline": None, "deadline_basis": None}
        for st in steps:
            trig = self.wf.triggers.get(st["trigger"])
            if trig is not None and (trig.checks or trig.keep or trig.forget):
                given = {**st["set"], **st["fields"]}
                fields = {f.name: given[f.name] for f in trig.fields if f.name in given}  # an optional one: out
                step = Step(self.wf, trig, dict(asset), {}, st["on"], fields, self.cal, [])
                for check in checks.applicable(step):
                    if check.spec.get("history") is False:
                        continue  # a rule about planning ahead: the history happened as recorded
                    try:
                        checks.KINDS[check.kind](step, check)
                    except TriggerNotAllowed as exc:
                        bad(column_of(st, check), "ie_check", trigger=st["trigger"], why=exc.params["why"])
                if trig.keep or trig.forget:
                    st["set"]["facts"] = checks.kept_facts(step)[0]
            asset.update(st["set"])
            asset["state"] = st["to"]
            if st["trigger"] != "suspend" and not st.get("side"):  # a side step leaves the clock running  # a suspension stops the clock (the engine's effect, run on writing)
                asset["deadline"], asset["deadline_basis"] = self._deadline(st["to"], st["on"], kind)

