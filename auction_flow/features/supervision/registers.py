"""``audit verify``, the registers: who may do what, the calendar, refusals, complaints, alerts.

Each of these tables is written together with a chained audit row that carries its content
(``changes = {column: [before, after]}``), so the table can be checked against the chain both
ways, as :mod:`auction_flow.features.supervision.records` checks the assets:

* ``users``, ``offices``, ``calendar_days``: replaying ``user_added`` / ``user_changed`` /
  ``user_deactivated`` / ``user_activated``, ``office_added`` / ``office_moved`` and
  ``holiday_added`` / ``workday_added`` gives every row; a row no event gave, a row the events
  gave that is gone, and a column that differs are named. (A table is checked once the log holds
  one event of it: a database whose tables were filled before they were audited is not.)
* ``access_log``: every refusal is an ``access_denied`` row carrying it, written in the same
  transaction (after the refused one rolled back); rows from before that (ids below the first
  one an event names) are not checked.
* ``complaints``: ``complaint_received`` / ``_accepted`` / ``_resolved`` replayed.
* ``procuracy_sends``, ``procuracy_items``: ``procuracy_decision_sent`` (a send, by its asset and
  step), ``procuracy_recommended`` / ``procuracy_protested`` (the whole item) and
  ``procuracy_answered`` replayed, as the complaints are.
* ``alerts``: the handling (acknowledged, snoozed: who, why, when, through what) and the
  escalations must be on the rows they name; each scan records how many alerts there were up to
  the newest id (``alerts_scanned``), so a deleted alert shows.

These registers are small beside the assets and their audit rows: the events are read in one
streaming pass (keyset pages) into one dict per register, then each table is streamed against it.
"""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import exists, func, select

from auction_flow.features.supervision.records import LIMIT, Problems, pages, plain, shown
from auction_flow.storage.schema import (access_log, alerts, audit_log, calendar_days, complaints, offices,
                                         procuracy_items, procuracy_sends, users)

USER_EVENTS = ("user_added", "user_changed", "user_deactivated", "user_activated")
OFFICE_EVENTS = ("office_added", "office_moved")
DAY_EVENTS = {"holiday_added": "holiday", "workday_added": "workday"}
COMPLAINT_EVENTS = ("complaint_received", "complaint_accepted", "complaint_resolved")
HANDLED = ("alert_acknowledged", "alert_snoozed")
ITEM_EVENTS = {"procuracy_recommended": "recommendation", "procuracy_protested": "protest"}
PROCURACY_EVENTS = ("procuracy_decision_sent", *ITEM_EVENTS, "procuracy_answered")
EVENTS = (*USER_EVENTS, *OFFICE_EVENTS, *DAY_EVENTS, *COMPLAINT_EVENTS, *HANDLED, "alert_escalated",
          "alerts_scanned", "access_denied", *PROCURACY_EVENTS)
# complaint columns an event may carry, by their name in ``changes``
COMPLAINT_COLUMNS = {c.name for c in complaints.c} - {"id"} | {"asset"}
# the procuracy's: a send is named by its asset and step (the decision's audit row), an item by its id
SEND_COLUMNS = {c.name for c in procuracy_sends.c} - {"id", "asset_id", "seq"}
ITEM_COLUMNS = {c.name for c in procuracy_items.c} - {"id"} | {"asset"}


def moment(value) -> str | None:
    """A timestamp as UTC text to the microsecond (SQLite hands it back without its zone)."""
    if value is None:
        return None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if value.tzinfo is not None:
        value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return value.isoformat(timespec="microseconds")


def _after(changes: dict, key: str, default=None):
    pair = changes.get(key)
    return pair[1] if isinstance(pair, list) and len(pair) == 2 else default


class Chain:
    """What the administrative and register events say, read in one pass of the log."""

    def __init__(self):
        self.users: dict[str, dict] = {}
        self.offices: dict[str, dict] = {}
        self.days: dict[str, dict] = {}
        self.access: dict[int, dict] = {}
        self.complaints: dict[int, dict] = {}
        self.handled: dict[int, dict] = {}
        self.sends: dict[str, dict] = {}  # "asset A, step S" -> the send
        self.items: dict[int, dict] = {}
        self.escalated: dict[int, dict] = {}
        self.scanned: dict | None = None
        self.seen = set()  # the kinds of event met

    def read(self, conn) -> "Chain":
        cols = [audit_log.c.id, audit_log.c.event, audit_log.c.actor, audit_log.c.role, audit_log.c.office,
                audit_log.c.reason, audit_log.c.recorded_at, audit_log.c.via, audit_log.c.changes]
        q = select(*cols).where(audit_log.c.asset_id.is_(None), audit_log.c.event.in_(EVENTS))
        for row in pages(conn, q, [audit_log.c.id], lambda r: (r.id,)):
            try:
                changes = json.loads(row.changes)
            except ValueError:
                continue
            if isinstance(changes, dict) and self._one(row, changes) is not False:
                self.seen.add(row.event)
        return self

    def _one(self, row, ch: dict):
        ev = row.event
        if ev in USER_EVENTS:
            name = _after(ch, "username")
            if name is None:
                return False
            user = self.users.setdefault(name, {"active": True})
            for key in ("role", "office", "email", "active"):
                if key in ch:
                    user[key] = _after(ch, key)
        elif ev in OFFICE_EVENTS:
            code = _after(ch, "code")
            if code is None:
                return False
            office = self.offices.setdefault(code, {})
            office.update({k: _after(ch, k) for k in ("name", "parent") if k in ch})
        elif ev in DAY_EVENTS:
            day = _after(ch, "day")
            if day is None:
                return False
            self.days[day] = {"kind": DAY_EVENTS[ev], "name": _after(ch, "name")}
        elif ev == "access_denied":
            self.access[_after(ch, "access")] = {k: _after(ch, k) for k in ch if k != "access"}
        elif ev in COMPLAINT_EVENTS:
            cid = _after(ch, "complaint")
            if cid is not None:
                known = self.complaints.setdefault(cid, {})
                known.update({k: _after(ch, k) for k in ch if k in COMPLAINT_COLUMNS})
                known["office"] = row.office
                if ev == "complaint_received":
                    known.update(created_by=row.actor, created_via=row.via)
                else:
                    known["decided_via"] = row.via
        elif ev in PROCURACY_EVENTS:
            return self._procuracy(row, ch)
        elif ev in HANDLED:
            aid = _after(ch, "alert")
            self.handled[aid] = {"_event": ev, "handled_by": row.actor, "handled_reason": row.reason, "handled_via": row.via,
                                 "handled_at": moment(row.recorded_at),
                                 **({"snoozed_until": _after(ch, "snoozed_until")} if "snoozed_until" in ch else {})}
        elif ev == "alert_escalated":
            self.escalated[_after(ch, "alert")] = {k: _after(ch, k) for k in ("asset", "rule", "level")}
        elif ev == "alerts_scanned":
            self.scanned = {"id": row.id, "count": _after(ch, "alerts"), "max_id": _after(ch, "max_alert_id")}


    def _procuracy(self, row, ch: dict):
        if row.event == "procuracy_decision_sent":
            asset, step = _after(ch, "asset"), _after(ch, "step")
            if asset is None or step is None:
                return False
            self.sends[send_key(asset, step)] = {
                **{k: _after(ch, k) for k in ch if k in SEND_COLUMNS}, "office": row.office,
                "created_by": row.actor, "created_via": row.via}
            return None
        iid = _after(ch, "procuracy_item")
        if iid is None:
            return False
        known = self.items.setdefault(iid, {})
        known.update({k: _after(ch, k) for k in ch if k in ITEM_COLUMNS})
        known["office"] = row.office
        if row.event in ITEM_EVENTS:
            known.update(kind=ITEM_EVENTS[row.event], created_by=row.actor, created_via=row.via)
        else:
            known.update(answered_by=row.actor, answered_via=row.via)
        return None


def send_key(asset, step) -> str:
    return f"(asset {asset}, step {step})"


def _compare(problems: Problems, what: str, item, expected: dict, row: dict):
    for column, value in expected.items():
        if column in row and plain(row[column]) != plain(value):
            problems.add("record_register_mismatch", table=what, item=item, column=column, chain=shown(value),
                         table_says=shown(row[column]))


def _leftover(problems: Problems, what: str, items):
    for item in items:
        problems.add("record_register_missing", table=what, item=item)


def _match(problems: Problems, table: str, rows, expected: dict, key: str, actual) -> None:
    """Each row of ``table`` against what the chain left for its ``key``, both ways."""
    left = dict(expected)
    for r in rows:
        want = left.pop(r[key], None)
        if want is None:
            problems.add("record_register_unknown", table=table, item=r[key])
            continue
        _compare(problems, table, r[key], want, actual(r))
    _leftover(problems, table, left)


def check_people(conn, chain: Chain, problems: Problems):
    codes = dict(conn.execute(select(offices.c.id, offices.c.code)).all())
    if chain.seen & set(OFFICE_EVENTS):
        _match(problems, "offices", conn.execute(select(offices).order_by(offices.c.id)).mappings(), chain.offices,
               "code", lambda r: {"name": r["name"], "parent": codes.get(r["parent_id"])})
    if chain.seen & set(USER_EVENTS):
        _match(problems, "users", conn.execute(select(users).order_by(users.c.id)).mappings(), chain.users,
               "username", lambda r: {"role": r["role"], "office": codes.get(r["office_id"]), "email": r["email"],
                                      "active": bool(r["active"])})
    if chain.seen & set(DAY_EVENTS):
        left = dict(chain.days)
        for r in conn.execute(select(calendar_days).order_by(calendar_days.c.day)).mappings():
            day = plain(r["day"])
            want = left.pop(day, None)
            if want is None:
                problems.add("record_register_unknown", table="calendar_days", item=day)
                continue
            _compare(problems, "calendar_days", day, want, {"kind": r["kind"], "name": r["name"]})
        _leftover(problems, "calendar_days", left)


def access_content(r) -> dict:
    """An access_log row as its ``access_denied`` event carries it."""
    return {"at": moment(r["at"]), "actor": r["actor"], "role": r["role"], "action": r["action"],
            "asset": r["asset_id"], "office": r["office"], "reason": r["reason"], "via": r["via"]}


def check_access(conn, chain: Chain, problems: Problems):
    if not chain.access:
        return
    first = min(chain.access)  # rows before the first chained refusal were written unchained
    left = dict(chain.access)
    q = select(access_log).where(access_log.c.id >= first)
    for r in pages(conn, q, [access_log.c.id], lambda r: (r.id,)):
        r = r._mapping
        want = left.pop(r["id"], None)
        if want is None:
            problems.add("record_register_unknown", table="access_log", item=r["id"])
            continue
        _compare(problems, "access_log", r["id"], want, access_content(r))
    _leftover(problems, "access_log", left)


def check_complaints(conn, chain: Chain, problems: Problems):
    codes = dict(conn.execute(select(offices.c.id, offices.c.code)).all())
    left = dict(chain.complaints)
    for r in pages(conn, select(complaints), [complaints.c.id], lambda r: (r.id,)):
        r = r._mapping
        want = left.pop(r["id"], None)
        if want is None:
            problems.add("record_register_unknown", table="complaints", item=r["id"])
            continue
        row = {**r, "asset": r["asset_id"], "office": codes.get(r["office_id"]),
               "coercion": bool(r["coercion"]), "complex": bool(r["complex"]),
               "after_cancellation": bool(r["after_cancellation"])}
        _compare(problems, "complaints", r["id"], want, row)
    _leftover(problems, "complaints", left)


def check_procuracy(conn, chain: Chain, problems: Problems):
    codes = dict(conn.execute(select(offices.c.id, offices.c.code)).all())
    left = dict(chain.sends)
    q = select(procuracy_sends)
    for r in pages(conn, q, [procuracy_sends.c.id], lambda r: (r.id,)):
        r = r._mapping
        key = send_key(r["asset_id"], r["seq"])
        want = left.pop(key, None)
        if want is None:
            problems.add("record_register_unknown", table="procuracy_sends", item=key)
            continue
        _compare(problems, "procuracy_sends", key, want, {**r, "office": codes.get(r["office_id"])})
    _leftover(problems, "procuracy_sends", left)
    left = dict(chain.items)
    for r in pages(conn, select(procuracy_items), [procuracy_items.c.id], lambda r: (r.id,)):
        r = r._mapping
        want = left.pop(r["id"], None)
        if want is None:
            problems.add("record_register_unknown", table="procuracy_items", item=r["id"])
            continue
        _compare(problems, "procuracy_items", r["id"], want,
                 {**r, "asset": r["asset_id"], "office": codes.get(r["office_id"])})
    _leftover(problems, "procuracy_items", left)


def check_alerts(conn, chain: Chain, problems: Problems):
    handled, escalated = dict(chain.handled), dict(chain.escalated)
    wanted = set(handled) | set(escalated)
    q = select(alerts.c.id, alerts.c.asset_id, alerts.c.rule, alerts.c.level, alerts.c.handled_by,
               alerts.c.handled_reason, alerts.c.handled_via, alerts.c.handled_at, alerts.c.snoozed_until,
               alerts.c.status, alerts.c.resolution)
    for r in pages(conn, q, [alerts.c.id], lambda r: (r.id,)):
        r = r._mapping
        wanted.discard(r["id"])
        want = handled.pop(r["id"], None)
        if want is not None:
            event = want.pop("_event")
            _compare(problems, "alerts", r["id"], want, {**r, "handled_at": moment(r["handled_at"])})
            if event == "alert_acknowledged" and r["status"] not in ("acknowledged", "resolved") or (
                    event == "alert_snoozed" and r["status"] == "acknowledged"):
                problems.add("record_alert_status", alert=r["id"], status=r["status"], event=event)
        elif r["handled_by"] is not None:
            problems.add("record_alert_handling", alert=r["id"], user=r["handled_by"])
        elif r["status"] in ("acknowledged", "snoozed"):
            problems.add("record_alert_status", alert=r["id"], status=r["status"], event="-")
        if r["status"] == "resolved" and r["resolution"] is None:
            problems.add("record_alert_status", alert=r["id"], status=r["status"], event="-")
        want = escalated.pop(r["id"], None)
        if want is not None:
            _compare(problems, "alerts", r["id"], want, {"asset": r["asset_id"], "rule": r["rule"],
                                                         "level": r["level"]})
    _leftover(problems, "alerts", sorted(wanted))
    # the scan supersedes an alert only by a higher level of the same clock: another row of that clock
    sibling = alerts.alias("sibling")
    clock = [sibling.c[c] == alerts.c[c] for c in ("asset_id", "rule", "state", "entered_on", "deadline")]
    lone = select(alerts.c.id).where(alerts.c.resolution == "superseded",
                                     ~exists().where(*clock, sibling.c.level != alerts.c.level))
    for (aid,) in conn.execute(lone.order_by(alerts.c.id).limit(LIMIT)):
        problems.add("record_alert_status", alert=aid, status="resolved (superseded)", event="-")
    scan = chain.scanned
    if scan and scan["count"] is not None and scan["max_id"] is not None:
        now = conn.execute(select(func.count()).select_from(alerts).where(alerts.c.id <= scan["max_id"])).scalar()
        if now < scan["count"]:
            problems.add("record_alerts_deleted", n=scan["count"] - now, row=scan["id"], count=scan["count"],
                         max_id=scan["max_id"])


def check_registers(conn, out: list) -> None:
    chain = Chain().read(conn)
    for fn in (check_people, check_access, check_complaints, check_procuracy, check_alerts):
        problems = Problems(out)
        fn(conn, chain, problems)
        problems.close()
