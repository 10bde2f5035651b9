"""The side steps an imported row may record beside its states: what was done about the side clocks
(the workflow's ``obligations:``) that its steps opened.

An imported sale or failed auction opens the deposits' refund (``deposit_refunds``), and a paid sale
imported as cancelled opens the buyer's refund (``buyer_refund``), exactly as the engine opens them
(:mod:`auction_flow.core.bulk`). An asset imported long after its auction would then come in with
its refunds overdue, though they were made: these columns record them.

* ``refunds_on``, ``bidders``: the losing bidders' deposits returned (``record_refunds``, how many
  bidders; 0 when none had registered);
* ``buyer_refunded_on``, ``buyer_refunded_amount``: the buyer who had paid refunded, and how much
  (``refund_buyer``).

Each is one more step of the back-filled history, dated, placed among the steps by its date (after
those of the same day), after the step that opened what it closes; like the engine's ``to: $same``
it leaves the asset's state and its clock as they were, and the workflow's checks run on it as on
any imported step. Left empty, the side clock stays open as the engine would have left it, and the
alert scan raises it once overdue.
"""

from __future__ import annotations

from dataclasses import dataclass

from auction_flow.common.errors import InvalidInput
from auction_flow.core.fields import parse_field
from auction_flow.core.workflow import Workflow
from auction_flow.features.imports.days import step_day


@dataclass(frozen=True)
class Side:
    """One side step: its name in a record, its date column, trigger and fields, and the steps (any
    of them) that open what it closes."""

    name: str
    date_col: str
    trigger: str
    opened_by: tuple[str, ...]
    fields: tuple[tuple[str, str], ...]  # (column, the trigger's field)
    paid: bool = False  # only after a payment (a cancelled sale's buyer who had paid)
    needs: str = ""  # the date columns that open it, as a refusal names them


SIDES = (
    Side("refunds", "refunds_on", "record_refunds", ("sold", "auction_failed"), (("bidders", "bidders"),),
         needs="sold_on | auction_failed_on"),
    Side("buyer_refunded", "buyer_refunded_on", "refund_buyer", ("cancelled",),
         (("buyer_refunded_amount", "refunded_amount"),), paid=True, needs="paid_on + cancelled_on"),
)
BY_NAME = {s.name: s for s in SIDES}
COLUMNS = tuple(c for s in SIDES for c in (s.date_col, *(col for col, _ in s.fields)))


def add(wf: Workflow, get, steps: list[dict], today, bad, date_col_of) -> None:
    """Add the row's side steps to ``steps`` (the row's state steps, in date order), each refusal
    reported by ``bad(column, key, **params)``; ``date_col_of(step)`` names a step's date column."""
    for side in SIDES:
        given = get(side.date_col, "")
        if not given:
            for col, _ in side.fields:
                if get(col, ""):
                    bad(col, "ie_field_without_step", date_col=side.date_col)
            continue
        opener = next((s for s in reversed(steps) if s["step"] in side.opened_by), None)
        if opener is not None and side.paid and not any(s["step"] == "paid" for s in steps):
            opener = None
        if opener is None:
            bad(side.date_col, "ie_side_unopened", trigger=side.trigger, needs=side.needs)
            continue
        on = step_day(given, side.date_col, today, bad, (date_col_of(opener), opener["on"]))
        if on is None or on < opener["on"]:
            continue
        trig = wf.triggers.get(side.trigger)
        asked = {f.name: f for f in trig.fields} if trig is not None else {}
        if not {"refunded_on", *(name for _, name in side.fields)} <= set(asked):
            bad(side.date_col, "ie_side_version", trigger=side.trigger, version=wf.version)
            continue  # an older workflow version: no such step, or not with these fields
        fields = {"refunded_on": on}
        for col, name in side.fields:
            text = get(col, "")
            if not text:
                bad(col, "ie_side_missing", date_col=side.date_col)
                continue
            try:
                fields[name] = parse_field(asked[name], text)
            except InvalidInput as exc:
                bad(col, exc.key, **exc.params)
        at = next((i for i in range(len(steps), 0, -1) if steps[i - 1]["on"] <= on), 0)
        state = steps[at - 1]["to"]
        if state not in trig.sources:
            bad(side.date_col, "ie_side_state", trigger=side.trigger, state=state)
            continue
        steps.insert(at, {"step": side.name, "trigger": side.trigger, "to": state, "on": on, "set": {},
                          "fields": fields, "reason": None, "side": True})
