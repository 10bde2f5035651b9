"""The side clocks of one step: which obligations it opens and closes (the workflow's
``obligations:``, auction_flow.core.workflow.obligations_section), written beside the step.

The engine calls :func:`pending` once the step may fire from the asset's state (a closing step
with nothing of its kind open is refused there, naming what is open), :func:`plan` once the step's
checks passed, puts :meth:`Planned.changes` into the step's audit row and
calls :meth:`Planned.write` in the same transaction. The audit row says, per obligation,
``"obligation.NAME": [null, {starts_on, due, basis, regime}]`` when it opened one and
``[{opened_seq, due}, {done_on}]`` when it closed one: what ``audit verify`` replays the table from.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import insert, select, update

from auction_flow.common.errors import TriggerNotAllowed
from auction_flow.common.words import Msg
from auction_flow.core import deadlines
from auction_flow.core.checks import value_of
from auction_flow.core.step import Step
from auction_flow.core.workflow.obligations_section import for_workflow
from auction_flow.storage.schema import asset_obligations as ob

PREFIX = "obligation."


def open_rows(conn, asset_id: int) -> list[dict]:
    """The asset's open obligations, nearest due first."""
    q = (select(ob).where(ob.c.asset_id == asset_id, ob.c.closed_seq.is_(None))
         .order_by(ob.c.due, ob.c.opened_seq, ob.c.name))
    return [dict(r) for r in conn.execute(q).mappings()]


def listed(rows: list[dict]) -> str:
    """Open obligations as a refusal names them: code and due day (``-`` for none)."""
    return ", ".join(f"{r['name']} ({r['due']})" for r in rows) or "-"


@dataclass
class Planned:
    """What one step does to the asset's obligations."""

    opened: list[dict] = field(default_factory=list)  # name, starts_on, due, basis, regime
    closed: list[dict] = field(default_factory=list)  # the open row it closes, and done_on

    def changes(self) -> dict:
        out = {}
        for o in self.opened:
            out[PREFIX + o["name"]] = (None, {"starts_on": o["starts_on"], "due": o["due"], "basis": o["basis"],
                                              "regime": o["regime"]})
        for c in self.closed:
            out[PREFIX + c["name"]] = ({"opened_seq": c["opened_seq"], "due": c["due"]}, {"done_on": c["done_on"]})
        return out

    def write(self, conn, asset_id: int, seq: int) -> None:
        for c in self.closed:
            conn.execute(update(ob).where(ob.c.id == c["id"]).values(closed_seq=seq, done_on=c["done_on"]))
        for o in self.opened:
            conn.execute(insert(ob).values(asset_id=asset_id, opened_seq=seq, **o))


def _start(s: Step, name: str | None) -> dt.date:
    """The day the clock counts from: the named date when known and not after the step, else the step's day."""
    day = value_of(s, name) if name else None
    return day if isinstance(day, dt.date) and day <= s.on else s.on


def pending(conn, wf, asset: dict, trigger: str, allowed: list[str]) -> list[dict] | None:
    """For a step that closes an obligation, the asset's open ones (None for any other step);
    refused, naming what is open, when none of its kind is (before its fields are read: a step
    with nothing to close is refused as such, not for a field it would need)."""
    closing = for_workflow(wf).closed_by(trigger)
    if closing is None:
        return None
    rows = open_rows(conn, asset["id"])
    if not any(r["name"] == closing.name for r in rows):
        raise TriggerNotAllowed("guard_refused", asset=asset["id"], state=asset["state"], trigger=trigger,
                                why=Msg("o_not_open", obligation=Msg(f"obligation.{closing.name}"), code=closing.name,
                                        open=listed(rows)),
                                allowed=", ".join(allowed) or "-")
    return rows


def plan(s: Step, rows: list[dict] | None) -> Planned:
    """The obligations step ``s`` opens and closes (``rows``: what :func:`pending` found open)."""
    rules = for_workflow(s.wf)
    out = Planned()
    if not rules.by_name:
        return out
    closing = rules.closed_by(s.trig.name)
    if closing is not None:
        row = next(r for r in rows or () if r["name"] == closing.name)  # the nearest due first
        done = s.fields[closing.done_on] if closing.done_on else s.on
        if done < row["starts_on"]:
            s.refuse("o_done_before", obligation=Msg(f"obligation.{closing.name}"), done=done, start=row["starts_on"])
        out.closed.append({**row, "done_on": done})
    for o in rules.opened_by(s.trig.name, s.asset["state"]):
        start = _start(s, o.starts)
        dl = deadlines.of_rules(s.wf, o.clock, start, s.asset["kind"], s.cal)
        out.opened.append({"name": o.name, "starts_on": start, "due": dl.due, "basis": dl.basis, "regime": dl.regime})
    return out
