"""The complaints and denunciations register: add, accept, resolve, list. Every change is audited.

Officers and supervisors of the asset's office (or above it) record a complaint; a supervisor
accepts and resolves it; a procurator reads. The clocks come from workflows/complaints.yaml.
"""

from __future__ import annotations

import dataclasses

from sqlalchemy import insert, select, update

from auction_flow.common.config import now_utc, today
from auction_flow.common.context import current_via
from auction_flow.common.errors import InvalidInput, NotFound, PermissionDenied, TriggerNotAllowed
from auction_flow.common.words import LANGS, message
from auction_flow.core import audit, authz, receipts
from auction_flow.core import complaint_clocks as rules_mod
from auction_flow.core.calendar import WorkCalendar
from auction_flow.core.engine import load_actor, load_asset
from auction_flow.core.fields import check_date, check_text, check_values, parse_date, parse_id
from auction_flow.features.alerts import complaint_clocks as complaint_alerts
from auction_flow.storage import db
from auction_flow.storage.schema import assets, audit_log, complaints, offices

ADD_ROLES = ("officer", "supervisor")
EVENTS = {"accept": "complaint_accepted", "resolve": "complaint_resolved"}
DECIDE_ROLES = ("supervisor",)


def _check(engine, conn, user, action, roles, asset):
    try:
        authz.check(conn, user, action, roles, asset["office_id"], asset["office_code"])
    except PermissionDenied as exc:
        return exc
    return None


def _audit(conn, user, event, row: dict, changes: dict, on, reason=None):
    audit.append(conn, audit.GENESIS, asset_id=None, seq=None, event=event, trigger=None, from_state=None,
                 to_state=None, actor=user["username"], role=user["role"], office=row["office"],
                 business_date=on, recorded_at=now_utc(), reason=reason,
                 changes=audit.changes_json({"complaint": (None, row["id"]), "asset": (None, row["asset_id"]),
                                             **changes}), imported=False)


def _target(conn, asset_id: int, step) -> dict | None:
    """The asset's audit row of the step a complaint attacks (by its position in the asset's chain)."""
    if step is None:
        return None
    seq = parse_id(step, "--step")
    row = conn.execute(select(audit_log.c.seq, audit_log.c.trigger, audit_log.c.business_date)
                       .where(audit_log.c.asset_id == asset_id, audit_log.c.seq == seq)).mappings().first()
    if row is None or row["trigger"] is None:
        raise NotFound("complaint_step_not_found", asset=asset_id, step=step)
    return dict(row)


def _limitation(rules, kind, level, target, decision_received, received, cal, obstacle_days: int = 0) -> dict:
    """The filing window of the complaint: which, and its last day. ``obstacle_days``: days the
    complainant could not complain for an objective obstacle or force majeure, which do not count
    (Art. 140(2)); they lengthen the window and are named in its basis."""
    if kind != "complaint" or rules.limitation is None or decision_received is None:
        return {}
    if decision_received > received:
        raise InvalidInput("complaint_receipt_order", received=received, decision_received=decision_received)
    if target is not None and decision_received < target["business_date"]:
        raise InvalidInput("complaint_receipt_before_step", step=target["seq"], trigger=target["trigger"],
                           decided=target["business_date"], decision_received=decision_received)
    which = rules.limitation.kind_for(level, target and target["trigger"])
    clock = rules.limitation.clock(which, decision_received)
    if obstacle_days:
        clock = dataclasses.replace(clock, days=clock.days + obstacle_days, basis="; ".join((
            clock.basis, " / ".join(message("complaint_obstacle_days", lg, n=obstacle_days) for lg in LANGS))))
    return {"limitation": which, "limitation_due": clock.due(decision_received, cal), "limitation_basis": clock.basis}


def _recorded_receipt(conn, asset_id: int, target: dict | None, party, decision_received):
    """With ``party`` (the complainant's id in the case file), the day it received the notice of the
    attacked step when a ``record_receipt`` recorded it: the limitation counts from that day; a
    different ``decision_received`` is refused naming the recorded day."""
    if party is None:
        return decision_received
    pid = parse_id(party, "--party")
    if target is None:
        raise InvalidInput("complaint_party_needs_step", party=party)
    recorded = receipts.receipt_of(conn, asset_id, target["seq"], pid)
    if recorded is None:
        if decision_received is None:
            raise InvalidInput("complaint_needs_receipt", step=target["seq"])
        return decision_received
    if decision_received is not None and decision_received != recorded:
        raise InvalidInput("complaint_receipt_mismatch", party=pid, step=target["seq"], trigger=target["trigger"],
                           recorded=recorded, given=decision_received)
    return recorded


def add(engine, actor, asset_id, kind, received, by, about, level="first", coercion=False,
        complex_=False, step=None, decision_received=None, obstacle_days: int = 0, party=None) -> dict:
    """Register a complaint (or denunciation) about an asset; compute its acceptance deadline.

    ``step`` names the asset's audit row (its position in the asset's chain) the complaint
    attacks, ``decision_received`` the day the complainant received that decision or learnt of
    the act: the limitation period (workflows/complaints.yaml) counts from it. ``party``: the
    complainant's id in the case file; where a ``record_receipt`` recorded the day that party
    received the attacked step's notice, that day is the one the period counts from (a different
    ``decision_received`` is refused). A complaint received after the period is registered
    ``out_of_time`` and starts no clock."""
    if kind not in rules_mod.KINDS:
        raise InvalidInput("bad_complaint_kind", value=kind)
    if level not in rules_mod.LEVELS:
        raise InvalidInput("bad_complaint_level", value=level)
    for name, value in (("--by", by), ("--about", about)):
        if not (value or "").strip():
            raise InvalidInput("empty_text", field=name)
    if received is None:
        raise InvalidInput("empty_text", field="--received")
    received = check_date(received, None, None)
    if step is not None and decision_received is None and party is None:
        raise InvalidInput("complaint_needs_receipt", step=step)
    obstacle_days = obstacle_days or 0
    if not isinstance(obstacle_days, int) or isinstance(obstacle_days, bool) or not 0 <= obstacle_days <= 3660:
        raise InvalidInput("complaint_obstacle_range", value=obstacle_days)
    decision_received = None if decision_received is None else check_date(decision_received, None, None)
    check_values(complaints, {"complainant": by.strip(), "about": about}, {"complainant": "--by", "about": "--about"})
    rules = rules_mod.rules()
    clock = rules.accept_clock(kind)
    with db.writing(engine) as conn:
        user = load_actor(conn, actor)
        asset = load_asset(conn, asset_id)
        denied = _check(engine, conn, user, "complaint add", ADD_ROLES, asset)
        if denied is None:
            cal = WorkCalendar.from_db(conn)
            target = _target(conn, asset["id"], step)
            decision_received = _recorded_receipt(conn, asset["id"], target, party, decision_received)
            window = _limitation(rules, kind, level, target, decision_received, received, cal, obstacle_days)
            late = bool(window) and received > window["limitation_due"]
            if target is not None and target["trigger"] in (rules.limitation.coercion_triggers
                                                            if rules.limitation else ()):
                coercion = True  # a complaint about a coercive step takes the coercion clocks
            values = dict(asset_id=asset["id"], office_id=asset["office_id"], kind=kind, level=level,
                          coercion=bool(coercion), complex=bool(complex_), received_on=received,
                          complainant=by.strip(), about=about.strip(), asset_state=asset["state"],
                          after_cancellation=asset["state"] == "auction_cancelled" or asset["cancellation_count"] > 0,
                          status="out_of_time" if late else "received", accept_due=clock.due(received, cal),
                          accept_basis=clock.basis, created_by=user["username"], created_at=now_utc(),
                          created_via=current_via(), target_seq=target and target["seq"],
                          target_trigger=target and target["trigger"], decision_received_on=decision_received,
                          **window)
            new_id = conn.execute(insert(complaints).values(**values)).inserted_primary_key[0]
            row = {**values, "id": new_id, "office": asset["office_code"]}
            closed = complaint_alerts.close_risk(conn, asset["id"], received)
            # the whole row, so that `audit verify` can replay it (auction_flow.features.supervision.registers)
            changes = {k: (None, values[k]) for k in ("kind", "level", "received_on", "complainant", "about",
                                                      "coercion", "complex", "asset_state", "after_cancellation",
                                                      "status", "accept_due", "accept_basis")}
            if party is not None:
                changes["party"] = (None, parse_id(party, "--party"))
            if window:
                changes.update({"step": (None, row["target_seq"]), "decision_received_on": (None, decision_received),
                                **{k: (None, row[k]) for k in ("target_seq", "target_trigger", "limitation",
                                                               "limitation_due", "limitation_basis")}})
            if closed:
                changes["closed_alerts"] = (None, closed)
            _audit(conn, user, "complaint_received", row, changes, received)
            row["closed_alerts"] = closed
    if denied is not None:
        authz.record_denial(engine, user, "complaint add", asset["id"], asset["office_code"], str(denied))
        raise denied
    return _describe(row, today())


def _load(conn, complaint_id) -> dict:
    number = parse_id(complaint_id, "ID")
    if number is None:
        raise NotFound("complaint_not_found", id=complaint_id)
    complaint_id = number
    row = conn.execute(select(complaints, offices.c.code.label("office"), assets.c.state.label("state_now"))
                       .join(offices, offices.c.id == complaints.c.office_id)
                       .join(assets, assets.c.id == complaints.c.asset_id)
                       .where(complaints.c.id == complaint_id)).mappings().first()
    if row is None:
        raise NotFound("complaint_not_found", id=complaint_id)
    return dict(row)


def _decide(engine, actor, complaint_id, action, on, mutate):
    with db.writing(engine) as conn:
        user = load_actor(conn, actor)
        row = _load(conn, complaint_id)
        denied = _check(engine, conn, user, f"complaint {action}", DECIDE_ROLES,
                        {"office_id": row["office_id"], "office_code": row["office"]})
        if denied is None:
            cal = WorkCalendar.from_db(conn)
            values, changes, day = mutate(row, cal, on)
            values["decided_via"] = current_via()
            conn.execute(update(complaints).where(complaints.c.id == row["id"]).values(**values))
            row.update(values)
            _audit(conn, user, EVENTS[action], row, changes, day)
    if denied is not None:
        authz.record_denial(engine, user, f"complaint {action}", row["asset_id"], row["office"], str(denied))
        raise denied
    return _describe(row, today())


def accept(engine, actor, complaint_id, on=None, complex_: bool | None = None) -> dict:
    """Accept (thụ lý) a received complaint; its resolution clock starts."""
    def mutate(row, cal, on):
        if row["status"] == "out_of_time":
            raise TriggerNotAllowed("complaint_out_of_time", id=row["id"], received=row["received_on"],
                                    due=row["limitation_due"], basis=row["limitation_basis"])
        if row["status"] != "received":
            raise TriggerNotAllowed("complaint_status", id=row["id"], status=row["status"], action="accept")
        day = check_date(on, None, None)
        if day < row["received_on"]:
            raise InvalidInput("complaint_date_order", id=row["id"], on=day, what="received",
                               before=row["received_on"])
        cx = row["complex"] if complex_ is None else bool(complex_)
        clock = rules_mod.rules().resolve_clock(row["kind"], row["level"], row["coercion"], cx)
        due = clock.due(day, cal)
        return ({"status": "accepted", "accepted_on": day, "complex": cx, "resolve_due": due,
                 "resolve_basis": clock.basis},
                {"status": ("received", "accepted"), "accepted_on": (None, day), "complex": (row["complex"], cx),
                 "resolve_due": (None, due), "resolve_basis": (None, clock.basis)}, day)
    return _decide(engine, actor, complaint_id, "accept", on, mutate)


def resolve(engine, actor, complaint_id, on=None, outcome: str | None = None) -> dict:
    """Record the decision on an accepted complaint."""
    def mutate(row, cal, on):
        if row["status"] != "accepted":
            raise TriggerNotAllowed("complaint_status", id=row["id"], status=row["status"], action="resolve")
        day = check_date(on, None, None)
        if day < row["accepted_on"]:
            raise InvalidInput("complaint_date_order", id=row["id"], on=day, what="accepted",
                               before=row["accepted_on"])
        text = check_text((outcome or "").strip(), "--outcome") or None
        return ({"status": "resolved", "resolved_on": day, "outcome": text},
                {"status": ("accepted", "resolved"), "resolved_on": (None, day), "outcome": (None, text)}, day)
    return _decide(engine, actor, complaint_id, "resolve", on, mutate)


def _describe(row: dict, on) -> dict:
    return {
        "id": row["id"], "asset": row["asset_id"], "office": row["office"], "kind": row["kind"],
        "level": row["level"], "coercion": bool(row["coercion"]), "complex": bool(row["complex"]),
        "received_on": row["received_on"], "by": row["complainant"], "about": row["about"],
        "status": row["status"], "after_cancellation": bool(row["after_cancellation"]),
        "accept_due": row["accept_due"], "accepted_on": row.get("accepted_on"),
        "accept_clock": rules_mod.clock_status(row["accept_due"], row.get("accepted_on"), on),
        "accept_basis": row["accept_basis"],
        "resolve_due": row.get("resolve_due"), "resolved_on": row.get("resolved_on"),
        "resolve_clock": rules_mod.clock_status(row.get("resolve_due"), row.get("resolved_on"), on),
        "resolve_basis": row.get("resolve_basis"), "outcome": row.get("outcome"),
        "created_via": row.get("created_via"), "decided_via": row.get("decided_via"),
        "step": row.get("target_seq"), "step_trigger": row.get("target_trigger"),
        "decision_received_on": row.get("decision_received_on"), "limitation": row.get("limitation"),
        "limitation_due": row.get("limitation_due"), "limitation_basis": row.get("limitation_basis"),
        "in_time": None if row.get("limitation_due") is None else row["status"] != "out_of_time",
        **({"closed_alerts": row["closed_alerts"]} if "closed_alerts" in row else {}),
    }


def list_complaints(engine, actor, status=None, asset=None, on=None) -> list[dict]:
    """Complaints of the offices the actor may read, with the state of each clock on ``on``."""
    on = parse_date(on, "--on") if on else today()
    with db.reading(engine) as conn:
        user = load_actor(conn, actor)
        seen = authz.visible_offices(conn, user)
        q = (select(complaints, offices.c.code.label("office")).join(offices, offices.c.id == complaints.c.office_id)
             .order_by(complaints.c.id))
        if seen is not None:
            q = q.where(complaints.c.office_id.in_(list(seen)))
        if status:
            q = q.where(complaints.c.status == status)
        if asset is not None:
            q = q.where(complaints.c.asset_id == (parse_id(asset, "--asset") or 0))
        return [_describe(dict(r), on) for r in conn.execute(q).mappings()]


def open_on(conn, asset_id: int, day) -> list[dict]:
    """Complaints on ``asset_id`` received by ``day`` and not resolved by then."""
    q = select(complaints).where(complaints.c.asset_id == asset_id, complaints.c.received_on <= day)
    return [dict(r) for r in conn.execute(q).mappings() if r["resolved_on"] is None or r["resolved_on"] > day]
