"""``audit verify``, the record itself: every asset row must be what replaying its chain gives.

The chains (:mod:`auction_flow.features.supervision.verify`) prove the audit rows were not
changed; this pass proves the ``assets`` table was not changed beside them. Each asset's audit
rows are replayed in ``seq`` order (their ``changes`` are ``{column: [before, after]}``):

* each row's ``from_state`` must be the previous row's ``to_state`` (a state set by SQL and
  then stepped on from shows as a jump);
* each row's ``before`` of a column must be what the rows before it left there (a column set by
  SQL and then overwritten by a step shows);
* each row's ``officer_id`` (not hashed: migration 0020) must be the officer the chain names at
  that row (the seizure or import names one, each reassignment the next);
* at the end, the asset's state, the columns the steps set, its deadline, its office and officer,
  its version (the last ``seq``) and its ``last_hash`` must be what the chain says;
* and its rows of ``asset_obligations`` (the side clocks its steps opened and closed) must be
  what the chain says (:mod:`obligations`), none missing and none more.

A column the chain never set keeps the value the seizure gives every asset (no price, no
buyer, counts at 0); a column the seizure does not record (the deadline's legal basis and
regime, on the first row only) is checked from the first row that sets it.

Streaming: ``assets`` in ``id`` order, the audit rows in ``(asset_id, seq)`` order and the
obligations in ``(asset_id, id)`` order, merged, one keyset page at a time; memory holds one
asset's replay and the office and user names.
"""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import select, tuple_

from auction_flow.common.errors import AuctionFlowError
from auction_flow.features.supervision import obligations
from auction_flow.features.supervision.chains import PAGE, stream
from auction_flow.storage import driver
from auction_flow.storage.schema import assets, offices, users

LIMIT = 20  # problems named per check; the rest are counted

# What a seizure gives every asset beside what its first audit row records.
SEIZED = dict(clock_extended=False, appraised_price=None, price=None, sale_price=None, buyer=None,
              appraisal_org=None, auction_org=None, auction_date=None, sold_by=None, reduction_count=0,
              reappraisal_count=0, cancellation_count=0, resume_state=None, resume_remaining=None,
              resume_unit=None, resume_basis=None, resume_regime=None, resume_entered_on=None,
              suspended_days=0, facts=None)
# The columns a step of the workflow may change ("state and everything below it" in the schema).
STEPPED = ("state", "state_entered_on", "last_event_on", "deadline", "deadline_basis", "deadline_regime",
           *SEIZED)
# The columns each amendment may change (auction_flow.core.amend), by its event.
AMENDED = {"corrected": ("case_number", "description", "buyer", "appraisal_org", "auction_org"),
           "workflow_migrated": ("workflow_version",), "reassigned": ("officer_id",)}
FIRST = ("asset_created", "asset_imported")
SKIPPED = ("id", "created_at", "version", "last_hash")  # compared apart (version, last_hash) or not kept


class RecordTampered(AuctionFlowError):
    """A table row that does not match what its audit chain says."""


def plain(value):
    """A value as the audit rows' JSON holds it (dates as text)."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def shown(value) -> str:
    return "-" if value is None else json.dumps(plain(value), ensure_ascii=False)


def pages(conn, query, key_cols, key_of, size: int = PAGE):
    """Rows of ``query`` in ``key_cols`` order, one keyset page at a time."""
    last = None
    while True:
        q = query
        if last is not None:
            q = q.where(key_cols[0] > last[0] if len(key_cols) == 1 else tuple_(*key_cols) > tuple_(*last))
        page = conn.execute(q.order_by(*key_cols).limit(size)).all()
        if not page:
            return
        yield from page
        last = key_of(page[-1])


class Problems:
    """The problems of one check: the first LIMIT named, the others counted."""

    def __init__(self, out: list):
        self.out, self.named, self.more = out, 0, 0

    def add(self, message: str, /, **params):
        if self.named < LIMIT:
            self.out.append(RecordTampered(message, **params))
            self.named += 1
        else:
            self.more += 1

    def close(self):
        if self.more:
            self.out.append(RecordTampered("record_more", n=self.more))
            self.more = 0


# The replay reads straight from the driver (auction_flow.storage.driver), as the chain passes do:
# the asset's audit rows in (asset_id, seq) order and the assets in id order, page by page.
_ASSET, _SEQ, _ID, _EVENT, _FROM, _TO, _DAY, _CHANGES, _HASH, _OFFICER, _PREV, _CHAIN = range(12)
_AT = (_ID, _SEQ, _PREV, _HASH, _CHAIN)  # what asset_chains reads of a row
COMPARED = tuple(c for c in assets.c.keys() if c not in ("id", "created_at"))
_LAST_HASH, _OFFICE = 1 + COMPARED.index("last_hash"), 1 + COMPARED.index("office_id")  # in an assets row


def _rows_q(dialect, first: bool, one: bool = False):
    if first:
        where = ""
    elif one:  # the same rows as the ROW bound below, but the probe of (asset_id, seq) is asset_id = a.id alone:
        # as a ROW bound it started at the page's asset and read the country's rows up to each of the office's
        where = "AND a.id >= :asset AND (a.id > :asset OR l.seq > :seq) "
    else:
        where = "AND (l.asset_id, l.seq) > (:asset, :seq) "
    cols = ("l.asset_id, l.seq, l.id, l.event, l.from_state, l.to_state, l.business_date, l.changes, l.hash, "
            "l.officer_id, l.prev_hash")  # prev_hash: the asset's chain (asset_chains), from the same read
    if one:  # the assets of one office (:one); the rows' chain for the office's own (asset_chains.strangers)
        return driver.Statement(dialect, f"SELECT {cols}, l.chain FROM assets a JOIN audit_log l ON l.asset_id = a.id "
                                         f"WHERE a.office_id = :one {where}ORDER BY l.asset_id, l.seq LIMIT {PAGE}")
    return driver.Statement(dialect, f"SELECT {cols} FROM audit_log l WHERE l.asset_id IS NOT NULL {where}"
                                     f"ORDER BY l.asset_id, l.seq LIMIT {PAGE}")


def _assets_q(dialect, first: bool, one: bool = False):
    where = " AND ".join((["office_id = :one"] if one else []) + ([] if first else ["id > :asset"]))
    cols = ", ".join(driver.quote(dialect, c) for c in COMPARED)
    return driver.Statement(dialect, f"SELECT id, {cols} FROM assets {'WHERE ' + where if where else ''} "
                                     f"ORDER BY id LIMIT {PAGE}")


_UNKNOWN = object()
_SCAN = json.JSONDecoder().scan_once
_NAMED = {"office": "office_id", "officer": "officer_id"}  # the audit rows name them by code and username
_IDS = frozenset(_NAMED.values())
_STEPPED = frozenset(STEPPED)
_AMENDED = {event: frozenset(columns) for event, columns in AMENDED.items()}
_CREATED = frozenset(assets.c.keys()) - frozenset(SKIPPED)


class _Replay:
    """One asset's chain, replayed row by row."""

    def __init__(self, asset_id: int, problems: Problems, office_ids: dict, user_ids: dict):
        self.asset_id, self.problems = asset_id, problems
        self.office_ids, self.user_ids = office_ids, user_ids
        self.known: dict = {}
        self.state = None
        self.seq = 0
        self.hash = None
        self.broken = False
        self.duties = obligations.Expected()  # its side clocks, as the chain opened and closed them

    def _value(self, column: str, after):
        if column == "office_id":
            return self.office_ids.get(after, ("?", after))
        if column == "officer_id":
            return self.user_ids.get(after, ("?", after)) if after is not None else None
        return after

    def _apply(self, row, changes: dict, columns):
        for key, pair in changes.items():
            column = _NAMED.get(key, key)
            if column not in columns or type(pair) is not list or len(pair) != 2:
                continue
            before, after = pair
            if column in _IDS:
                before, after = self._value(column, before), self._value(column, after)
            known = self.known.get(column, _UNKNOWN)
            if (known is not _UNKNOWN and before != known and column != "state" and row[_SEQ] > 1
                    and plain(before) != plain(known)):
                self.problems.add("record_before", asset=self.asset_id, seq=row[_SEQ], id=row[_ID], column=key,
                                  chain=shown(self._shown(column, self.known[column])),
                                  row_says=shown(pair[0]))
            self.known[column] = after

    def _shown(self, column, value):
        if column == "office_id":
            return next((c for c, i in self.office_ids.items() if i == value), value)
        if column == "officer_id":
            return next((u for u, i in self.user_ids.items() if i == value), value)
        return value

    def step(self, row):
        try:
            changes = _SCAN(row[_CHANGES], 0)[0]  # the C scanner itself: the rows are canonical JSON
        except (StopIteration, TypeError, ValueError):
            changes = {}
        if not isinstance(changes, dict):
            changes = {}
        event, seq = row[_EVENT], row[_SEQ]
        if self.seq == 0:
            if event not in FIRST or seq != 1:
                self.problems.add("record_no_start", asset=self.asset_id, id=row[_ID], event=event)
                self.broken = True
            if event == "asset_created":
                self.known.update(SEIZED)
                day = plain(row[_DAY])
                self.known.update(state_entered_on=day, last_event_on=day)
            self._apply(row, changes, _CREATED)
        else:
            if row[_FROM] != self.state:
                self.problems.add("record_jump", asset=self.asset_id, seq=seq, id=row[_ID],
                                  found=row[_FROM] or "-", expected=self.state or "-")
            if seq != self.seq + 1:
                self.problems.add("record_seq", asset=self.asset_id, id=row[_ID], seq=seq, expected=self.seq + 1)
            if event == "transition":
                self._apply(row, changes, _STEPPED)
                self.duties.step(seq, changes)
            elif event in _AMENDED:
                self._apply(row, changes, _AMENDED[event])
        self.state = self.known["state"] = row[_TO]
        self.seq, self.hash = seq, row[_HASH]
        officer = self.known.get("officer_id", _UNKNOWN)
        if officer is not _UNKNOWN and row[_OFFICER] != officer:
            self.problems.add("record_row_officer", asset=self.asset_id, seq=seq, id=row[_ID],
                              row_says=shown(self._shown("officer_id", row[_OFFICER])),
                              chain=shown(self._shown("officer_id", officer)))

    def finish(self, asset):
        """Compare the asset row with the replay."""
        if self.broken:
            return
        expected = dict(self.known, version=self.seq, last_hash=self.hash)
        for column, value in expected.items():
            have = asset[column]
            if have != value and plain(have) != plain(value):
                self.problems.add("record_mismatch", asset=self.asset_id, column=column,
                                  chain=shown(self._shown(column, value)), table=shown(self._shown(column, have)))


def _streams(conn, only: dict | None):
    """(the audit rows, the assets, the obligations), each in id order: every asset, or the assets of
    ``only``'s offices, office after office."""
    row_key, asset_key = (lambda r: {"asset": r[_ASSET], "seq": r[_SEQ]}), (lambda r: {"asset": r[0]})
    duty_key = lambda r: {"asset": r[0], "id": r[1]}  # noqa: E731
    if only is None:
        return (stream(conn, "records_rows", _rows_q, row_key), stream(conn, "records_assets", _assets_q, asset_key),
                stream(conn, "records_obligations", obligations.rows_q, duty_key))

    def each(key, build, key_of):
        for oid in sorted(only):
            yield from stream(conn, key, build, key_of, {"one": oid})
    return (each("records_rows", _rows_q, row_key), each("records_assets", _assets_q, asset_key),
            each("records_obligations", obligations.rows_q, duty_key))


def check_assets(conn, out: list, only: dict | None = None, chains=None) -> None:
    """Replay every asset's audit rows and compare the asset row (see the module's text);
    ``only``: {office id: code}, the assets of those offices. ``chains``: an
    :class:`~auction_flow.features.supervision.asset_chains.AssetChains` handed every asset with its
    rows (and every row of no asset), so that pass 3 of ``audit verify`` reads the rows once with
    the replay."""
    problems = Problems(out)
    office_ids = {code: oid for oid, code in conn.execute(select(offices.c.id, offices.c.code))}
    user_ids = {name: uid for uid, name in conn.execute(select(users.c.id, users.c.username))}
    rows, asset_rows, duties = _streams(conn, only)
    row, duty = next(rows, None), next(duties, None)
    for values in asset_rows:
        asset_id = values[0]
        while row is not None and row[_ASSET] < asset_id:
            if chains is not None:  # rows of no asset: the chain pass names them
                chains.orphan(row[_ID], row[_ASSET])
            row = next(rows, None)
        mine = []  # the asset's side clocks in the table
        while duty is not None and duty[0] <= asset_id:
            if duty[0] == asset_id:
                mine.append(duty)
            duty = next(duties, None)
        own = []  # the asset's rows (memory holds one asset)
        while row is not None and row[_ASSET] == asset_id:
            own.append(row)
            row = next(rows, None)
        if chains is not None:
            chains.asset(asset_id, values[_LAST_HASH], values[_OFFICE], own, _AT)
        if not own:
            continue  # an asset without rows: the chain pass names it
        replay = _Replay(asset_id, problems, office_ids, user_ids)
        for r in own:
            replay.step(r)
        replay.finish(dict(zip(COMPARED, values[1:])))
        if not replay.broken:
            replay.duties.compare(asset_id, mine, problems)
    if row is not None and chains is not None:  # rows after the last asset
        chains.orphan(row[_ID], row[_ASSET])
    problems.close()
