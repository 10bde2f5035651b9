"""One firing of a trigger, as guards and effects see it (see auction_flow.core.engine)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from auction_flow.common.errors import TriggerNotAllowed
from auction_flow.common.words import Msg
from auction_flow.core import deadlines
from auction_flow.core.calendar import WorkCalendar

if TYPE_CHECKING:  # annotations only: the workflow package imports the guards and effects built on Step
    from auction_flow.core.workflow.model import Trigger, Workflow


@dataclass
class Step:
    """Everything one firing knows; effects fill ``updates`` and may set ``deadline``."""

    wf: Workflow
    trig: Trigger
    asset: dict
    actor: dict
    on: dt.date
    fields: dict[str, Any]
    cal: WorkCalendar
    allowed: list[str]
    updates: dict[str, Any] = field(default_factory=dict)
    deadline: deadlines.Deadline | None = None
    deadline_set: bool = False
    conn: Any = None  # the step's connection, for a guard that reads the case file (the asset's parties)
    facts: dict[str, Any] = field(default_factory=dict)  # facts an effect keeps (beside ``keep:``)

    def refuse(self, key: str, **params):
        raise TriggerNotAllowed("guard_refused", asset=self.asset["id"], state=self.asset["state"],
                                trigger=self.trig.name, why=Msg(key, **params),
                                allowed=", ".join(self.allowed) or "-")

    def set_deadline(self, due: dt.date | None, basis: str | None = None, regime: str | None = None,
                     unit: str = "calendar"):
        self.deadline = deadlines.Deadline(due, basis, regime, unit) if due else None
        self.deadline_set = True


def clock_start(a: dict) -> dt.date:
    """The day the windows of the asset's state count from: the day it entered the state, moved
    on by the days it has spent suspended since (while suspended, clocks stop)."""
    return a["state_entered_on"] + dt.timedelta(days=a.get("suspended_days") or 0)
