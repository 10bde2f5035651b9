"""``audit verify``, the side clocks: every ``asset_obligations`` row must be what the asset's audit
chain says it opened and closed (auction_flow.core.obligations writes both in the step's own
transaction).

Each step that opens an obligation says ``"obligation.NAME": [null, {starts_on, due, basis,
regime}]`` (the row's ``opened_seq`` is the step's ``seq``); each that closes one says
``[{opened_seq, due}, {done_on}]`` (``closed_seq`` is the closing step's ``seq``). The replay of
:mod:`records` hands every row of one asset to :class:`Expected` and then the table's rows of that
asset: a row changed, deleted or added by SQL is named.
"""

from __future__ import annotations

import datetime as dt
import json

from auction_flow.features.supervision.chains import PAGE
from auction_flow.storage import driver

PREFIX = "obligation."
COLUMNS = ("starts_on", "due", "basis", "regime", "closed_seq", "done_on")
# the table's rows in (asset_id, id) order, streamed beside the audit rows
FIELDS = ("asset_id", "id", "name", "opened_seq", *COLUMNS)


def _plain(value):
    return value.isoformat() if isinstance(value, dt.date) else value


def _shown(value) -> str:
    return "-" if value is None else json.dumps(_plain(value), ensure_ascii=False)


def rows_q(dialect, first: bool, one: bool = False):
    """The table's rows in (asset_id, id) order (``one``: of the assets of the office ``:one``)."""
    cols = ", ".join(f"o.{c}" for c in FIELDS)
    after = [] if first else ["(o.asset_id, o.id) > (:asset, :id)"]
    if one:  # the keyset on the office's asset (see records._rows_q)
        after = [] if first else ["a.id >= :asset AND (a.id > :asset OR o.id > :id)"]
        return driver.Statement(dialect, f"SELECT {cols} FROM asset_obligations o JOIN assets a ON a.id = o.asset_id "
                                         f"WHERE {' AND '.join(['a.office_id = :one'] + after)} "
                                         f"ORDER BY o.asset_id, o.id LIMIT {PAGE}")
    where = f"WHERE {after[0]} " if after else ""
    return driver.Statement(dialect, f"SELECT {cols} FROM asset_obligations o {where}ORDER BY o.asset_id, o.id "
                                     f"LIMIT {PAGE}")


class Expected:
    """One asset's obligations as its chain says, by (name, opened_seq)."""

    def __init__(self):
        self.rows: dict[tuple[str, int], dict] = {}

    def step(self, seq: int, changes: dict) -> None:
        for key, pair in changes.items():
            if not key.startswith(PREFIX) or type(pair) is not list or len(pair) != 2:
                continue
            name, (before, after) = key[len(PREFIX):], pair
            if before is None and isinstance(after, dict):
                self.rows[name, seq] = {**{c: after.get(c) for c in COLUMNS[:4]}, "closed_seq": None, "done_on": None}
            elif isinstance(before, dict) and isinstance(after, dict) and (name, before.get("opened_seq")) in self.rows:
                self.rows[name, before["opened_seq"]].update(closed_seq=seq, done_on=after.get("done_on"))

    def compare(self, asset_id: int, table: list, problems) -> None:
        """The table's rows of the asset (tuples of FIELDS) against the chain's."""
        found = {(r[2], r[3]): r for r in table}
        for (name, seq), want in self.rows.items():
            row = found.pop((name, seq), None)
            if row is None:
                problems.add("record_obligation_missing", asset=asset_id, name=name, seq=seq)
                continue
            have = dict(zip(FIELDS, row))
            for column in COLUMNS:
                if _plain(have[column]) != _plain(want[column]):
                    problems.add("record_obligation_mismatch", asset=asset_id, id=have["id"], name=name,
                                 column=column, chain=_shown(want[column]), table=_shown(have[column]))
        for (name, seq), row in found.items():
            problems.add("record_obligation_extra", asset=asset_id, id=row[1], name=name, seq=seq)
