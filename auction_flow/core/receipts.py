"""Notices to the parties and the day each party received one: the windows that count from receipt.

A step that notifies the parties (``record_appraisal``: the appraisal result notice) keeps, among
the asset's facts, the notice it issued: ``facts["notice"] = {"seq", "trigger", "on", "received"}``
where ``received`` maps each party's id (as text) to the day that party received the notice. A
``record_receipt`` step (to ``$same``) adds one party's day; its audit row names the notice (the
``seq`` of the step that issued it), the party and the day, so ``audit verify`` replays the facts
and the complaints register finds the receipt of the step a complaint attacks.

A window that counts from receipt (the party's re-appraisal request, Art. 99) reads the party's
day here; its length and article come from the trigger's entry in the workflow file.
"""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import select

from auction_flow.core.calendar import WorkCalendar
from auction_flow.storage.schema import asset_parties, audit_log, parties


def notice_of(asset: dict) -> dict | None:
    """The notice the asset's parties were last sent (see the module's text), or None."""
    raw = asset.get("facts")
    notice = json.loads(raw).get("notice") if raw else None
    return notice if isinstance(notice, dict) else None


def received_on(notice: dict | None, party_id: int) -> dt.date | None:
    """The day ``party_id`` received ``notice``, if recorded."""
    day = ((notice or {}).get("received") or {}).get(str(party_id))
    return dt.date.fromisoformat(day) if day else None


def counted_from(notice: dict | None, party_id: int, asset: dict) -> dt.date | None:
    """The day a window of ``party_id`` counts from: its receipt, moved on by the days the asset spent
    suspended after the receipt (while suspended, clocks stop). ``notice["suspended"]`` keeps, per
    party, the days of the stint's suspensions that came before the party's day of receipt
    (:func:`suspended_before`; a receipt recorded before that rule kept the days suspended when it was
    recorded, which is the same for a receipt recorded on its day)."""
    day = received_on(notice, party_id)
    if day is None:
        return None
    at = ((notice or {}).get("suspended") or {}).get(str(party_id), 0)
    return day + dt.timedelta(days=max(0, (asset.get("suspended_days") or 0) - at))


def suspensions(conn, wf, asset: dict, notice: dict) -> list[tuple[dt.date, dt.date]]:
    """The asset's suspensions ended since its ``notice`` was issued, each (the day of the step that
    stopped the clock, the day of the step that restarted it): the days from the first up to, not
    including, the second are suspended, as the engine counts ``suspended_days``. Read from the
    asset's chain only when it has been suspended in the stint at all."""
    if not asset.get("suspended_days"):
        return []
    stops = {t.name for t in wf.triggers.values() if "stop_clock" in t.effects}
    starts = {t.name for t in wf.triggers.values() if "restart_clock" in t.effects}
    q = (select(audit_log.c.trigger, audit_log.c.business_date)
         .where(audit_log.c.asset_id == asset["id"], audit_log.c.seq > notice["seq"],
                audit_log.c.trigger.in_(sorted(stops | starts)))
         .order_by(audit_log.c.seq))
    out, since = [], None
    for trigger, on in conn.execute(q):
        if trigger in stops:
            since = on
        elif since is not None:
            out.append((since, on))
            since = None
    return out


def suspended_before(conn, wf, asset: dict, notice: dict, day: dt.date) -> int:
    """The days the asset spent suspended, in the stint its ``notice`` began, before ``day``."""
    return sum(max(0, (min(end, day) - start).days) for start, end in suspensions(conn, wf, asset, notice))


def notice_to(wf, notice: dict) -> tuple[str, ...]:
    """The roles a notice went to: its step's ``notice_to`` (the creditor's acceptance: the debtor),
    else the parties of ``record_receipt``."""
    issuer = wf.triggers.get(notice["trigger"])
    to = issuer.params.get("notice_to") if issuer is not None else None
    return tuple(to or wf.triggers["record_receipt"].params["parties"])


def clock_from_receipts(wf, notice: dict, asset: dict) -> dt.date | None:
    """The day the state's clock counts from when its notice's step says ``clock_from_receipt``
    (the debtor's 30 days: from the debtor's receipt of the creditor's acceptance) and the asset is
    still in the state that step led to: the last receipt recorded, moved on by the days the asset
    spent suspended in this state after it (while suspended, clocks stop); else None."""
    issuer = wf.triggers.get(notice["trigger"])
    if issuer is None or not issuer.params.get("clock_from_receipt") or asset["state"] != issuer.dest:
        return None
    days = [counted_from(notice, int(pid), asset) for pid in (notice.get("received") or {})]
    return max(days) if days else None


def parties_in(conn, asset_id: int, roles) -> list[dict]:
    """The asset's parties in ``roles`` (id, name, role), by id."""
    q = (select(parties.c.id, parties.c.name, asset_parties.c.role)
         .join(asset_parties, asset_parties.c.party_id == parties.c.id)
         .where(asset_parties.c.asset_id == asset_id, asset_parties.c.role.in_(list(roles)))
         .order_by(parties.c.id))
    return [dict(r) for r in conn.execute(q).mappings()]


def shown_parties(rows: list[dict]) -> str:
    return "; ".join(f"{r['id']} {r['name']} ({r['role']})" for r in rows) or "-"


def party_id(value) -> int | None:
    """A party id as typed (digits 0-9), else None."""
    text = str(value or "").strip()
    return int(text) if text.isascii() and text.isdigit() and 0 < int(text) < 2**63 else None


def in_force(spec: dict, wf, day: dt.date) -> dict:
    """A window's entry for a window starting on ``day``: its own entry for the regime then in force
    (``law2025: {...}`` beside the 2014 text) over the general one, as a clock's regime is the one in
    force on the day it starts."""
    regime = wf.regime_on(day)
    own = spec.get(regime.id) if regime else None
    return {**spec, **own} if isinstance(own, dict) else spec


def window_end(spec: dict, received: dt.date, cal: WorkCalendar) -> dt.date:
    """The last day of a window of ``spec`` (``days``, ``unit``) counted from the day after ``received``,
    moved to the next working day (as every clock of the workflow)."""
    if spec.get("unit") == "working":
        return cal.add_working_days(received, spec["days"])
    return cal.next_working_day(received + dt.timedelta(days=spec["days"]))


def party_window_end(conn, wf, spec: dict, notice: dict, party: int, asset: dict, cal: WorkCalendar,
                     stops: list | None = None) -> dt.date:
    """The last day of ``party``'s window of ``spec`` from its receipt of ``notice``, the time the
    asset spent suspended after the receipt not counted (the clock stops). Calendar days: the window
    moves on by the days suspended (:func:`counted_from`). Working days: the working days suspended
    are the ones that do not count; a weekend or a holiday inside a suspension would not have
    counted anyway, so moving the start by every day suspended would give a later end than the law's
    remaining days. ``stops``: the asset's :func:`suspensions`, when the caller has read them."""
    if spec.get("unit") != "working" or not asset.get("suspended_days"):
        return window_end(spec, counted_from(notice, party, asset), cal)
    received = received_on(notice, party)
    stops = suspensions(conn, wf, asset, notice) if stops is None else stops
    stopped = [(start, end) for start, end in stops if end > received]
    day, left = received, spec["days"]
    while left:
        day += dt.timedelta(days=1)
        if cal.is_working_day(day) and not any(start <= day < end for start, end in stopped):
            left -= 1
    return day


def windows(conn, wf, asset: dict, cal: WorkCalendar, names: dict[int, str] | None = None) -> dict | None:
    """What ``asset show`` says of the notice: its step, its day, and each receipt recorded with the
    end of the re-appraisal window it opens (None when the asset has no notice)."""
    notice = notice_of(asset)
    if notice is None:
        return None
    trig = wf.triggers.get("request_reappraisal")
    spec = trig.params.get("reappraisal_window") if trig else None
    rows, stops = [], suspensions(conn, wf, asset, notice)  # read once for every party
    for pid, day in sorted((notice.get("received") or {}).items(), key=lambda kv: (kv[1], kv[0])):
        start = counted_from(notice, int(pid), asset)
        rows.append({"party": int(pid), "name": (names or {}).get(int(pid)), "received_on": dt.date.fromisoformat(day),
                     "window_ends": party_window_end(conn, wf, in_force(spec, wf, start), notice, int(pid), asset, cal,
                                                    stops)
                     if spec and spec.get("from") == "receipt" else None})
    on = dt.date.fromisoformat(notice["on"]) if notice.get("on") else None
    return {"seq": notice.get("seq"), "trigger": notice.get("trigger"), "on": on, "receipts": rows,
            "basis": in_force(spec, wf, on).get("basis") if spec and on else None}


def receipt_of(conn, asset_id: int, seq: int, party: int) -> dt.date | None:
    """The day ``party`` received the notice of the asset's step ``seq``, as its ``record_receipt``
    row recorded it (the row names the party, the day and, in the facts it leaves, the notice's step);
    None when no such receipt was recorded."""
    q = (select(audit_log.c.changes).where(audit_log.c.asset_id == asset_id, audit_log.c.trigger == "record_receipt")
         .order_by(audit_log.c.seq))
    for raw in conn.execute(q).scalars():
        changes = json.loads(raw)
        named, day, facts = (changes.get(k) or [None, None] for k in ("party", "received_on", "facts"))
        if party_id(named[1]) != party or not day[1] or not facts[1]:
            continue
        if (json.loads(facts[1]).get("notice") or {}).get("seq") == seq:
            return dt.date.fromisoformat(day[1])
    return None
