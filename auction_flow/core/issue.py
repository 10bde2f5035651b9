"""What a step issues beside its change of state: the interface between the engine and the feature
that writes the case file's papers (auction_flow.features.casefile).

The engine is the only code that changes an asset's state, and the core imports no feature. Yet the
audit row of a step must carry the number and SHA-256 of the paper the step issues (the decision,
notice or record the law makes of it), and that paper must be numbered and stored in the step's own
transaction, so that a refused or rolled-back step leaves no paper and no gap in the numbering.

So the caller hands the engine an ``issue`` callable (``engine.fire(..., issue=...)``,
``engine.create(..., issue=...)``). After every check has passed and the step is decided, the
engine calls ``issue(conn, decided)`` ONCE, inside the step's write transaction, before it writes
the asset and its audit row:

* ``conn`` is the step's connection: whatever the callable writes with it (the paper's number, its
  bytes, the parties a seizure names) commits or rolls back with the step;
* ``decided`` (:class:`Decided`) is the step as it will be written;
* it returns an :class:`Issued` or None (nothing issued). The engine puts ``document``
  (kind, number, sha256) and the ``notes`` into the audit row's ``changes``, so the asset's hash
  chain holds them.

An exception raised by the callable refuses the step like a guard: nothing is written.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Callable


@dataclass(frozen=True)
class Decided:
    """A step that passed every check, as the engine is about to write it."""

    asset: dict  # the asset row as read before the step (for a seizure: the new row, with its id)
    actor: dict  # the acting user's row, with its office_code
    trigger: str  # the trigger fired ("seize" for a seizure)
    from_state: str | None
    to_state: str
    on: dt.date  # the step's business date
    fields: dict[str, Any]  # the trigger's fields as parsed
    updates: dict[str, Any]  # the asset's columns as the step sets them
    seq: int  # the asset's version after the step: the audit row's seq
    regime: str | None  # the legal regime in force on ``on`` (auction_flow.core.workflow.Regime id)
    reason: str | None = None

    def value(self, column: str):
        """The asset's ``column`` as the step leaves it."""
        return self.updates[column] if column in self.updates else self.asset.get(column)


@dataclass(frozen=True)
class Issued:
    """What the step issued: the paper (recorded as ``changes.document``) and further notes.

    ``notes`` are ``{key: (before, after)}`` pairs added to the audit row's changes as they are
    (for example the parties a seizure names)."""

    kind: str | None = None
    number: str | None = None
    sha256: str | None = None
    notes: dict[str, tuple] = field(default_factory=dict)

    def changes(self) -> dict[str, tuple]:
        out = dict(self.notes)
        if self.kind:
            out["document"] = (None, {"kind": self.kind, "number": self.number, "sha256": self.sha256})
        return out


IssueFn = Callable[[Any, Decided], "Issued | None"]
