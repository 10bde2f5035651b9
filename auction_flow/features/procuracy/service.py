"""The procuracy (Viện kiểm sát): decisions sent to it, its recommendations and protests.

* ``send``: an officer or supervisor of the asset's office records that the decision of one of
  the asset's steps (listed in workflows/procuracy.yaml) was sent, and on which day; the day it
  was due follows from the decision's day and the law's days.
* ``register``: a procurator registers a recommendation (kiến nghị) or protest (kháng nghị)
  about an asset of an office it supervises; its answer clock starts from the day the office
  received it. This is the only write a procurator may make.
* ``answer``: a supervisor of the asset's office (or above) records the office's answer.

Every write is one audit row (outside the asset's chain, chained in the whole log); a refusal
for role or scope is an ``access_log`` row.
"""

from __future__ import annotations

from sqlalchemy import func, insert, select, update

from auction_flow.common.config import now_utc, today
from auction_flow.common.context import current_via
from auction_flow.common.errors import InvalidInput, NotFound, PermissionDenied, TriggerNotAllowed
from auction_flow.core import audit, authz
from auction_flow.core.calendar import WorkCalendar
from auction_flow.core.complaint_clocks import clock_status
from auction_flow.core.engine import load_actor, load_asset
from auction_flow.core.fields import check_date, check_text, check_values, parse_date, parse_id
from auction_flow.core.workflow import procuracy_section
from auction_flow.storage import db
from auction_flow.storage.schema import assets, audit_log, offices, procuracy_items, procuracy_sends

SEND_ROLES = ("officer", "supervisor")
REGISTER_ROLES = ("procurator",)  # the procurator's only write
ANSWER_ROLES = ("supervisor",)
KINDS = procuracy_section.ITEM_KINDS
EVENTS = {"recommendation": "procuracy_recommended", "protest": "procuracy_protested"}  # audit_log.event <= 32
# the columns a send's or a registration's audit row carries (with the asset, and the send's step or the
# item's id; its actor, office and via are the row's own): `audit verify` replays the tables from them
SEND_CONTENT = ("trigger", "decided_on", "send_due", "send_basis", "sent_on", "reference")
ITEM_CONTENT = ("kind", "number", "received_on", "about", "target_seq", "status", "answer_due", "answer_basis")


def _audit(conn, user, event, office, changes: dict, on):
    audit.append(conn, audit.GENESIS, asset_id=None, seq=None, event=event, trigger=None, from_state=None,
                 to_state=None, actor=user["username"], role=user["role"], office=office, business_date=on,
                 recorded_at=now_utc(), reason=None, changes=audit.changes_json(changes), imported=False)


def _guarded(engine, action, work):
    """Run ``work(conn)`` in one write transaction; a refusal for role or scope is logged after it
    rolled back, then raised. ``work`` returns (result, denial or None, asset id, office code)."""
    with db.writing(engine) as conn:
        result, denied, user, asset_id, office = work(conn)
    if denied is not None:
        authz.record_denial(engine, user, action, asset_id, office, str(denied))
        raise denied
    return result


def _check(conn, user, action, roles, office_id, office_code):
    try:
        authz.check(conn, user, action, roles, office_id, office_code)
    except PermissionDenied as exc:
        return exc
    return None


def _step(conn, asset_id: int, step) -> dict:
    seq = parse_id(step, "STEP")
    row = conn.execute(select(audit_log.c.seq, audit_log.c.trigger, audit_log.c.business_date)
                       .where(audit_log.c.asset_id == asset_id, audit_log.c.seq == seq)).mappings().first()
    if row is None or row["trigger"] is None:
        raise NotFound("procuracy_step_not_found", asset=asset_id, step=step)
    return dict(row)


def send(engine, actor, asset_id, step, on=None, reference: str | None = None) -> dict:
    """Record that the decision of the asset's ``step`` was sent to the procuracy on ``on``."""
    rules = procuracy_section.rules()
    reference = check_text(reference.strip(), "--reference") if reference and reference.strip() else None

    def work(conn):
        user, asset = load_actor(conn, actor), load_asset(conn, asset_id)
        denied = _check(conn, user, "procuracy send", SEND_ROLES, asset["office_id"], asset["office_code"])
        if denied is not None:
            return None, denied, user, asset["id"], asset["office_code"]
        row = _step(conn, asset["id"], step)
        if row["trigger"] not in rules.decisions:
            raise InvalidInput("procuracy_not_a_decision", asset=asset["id"], step=row["seq"], trigger=row["trigger"],
                               decisions=", ".join(rules.decisions))
        day = check_date(on, None, None)
        if day < row["business_date"]:
            raise InvalidInput("procuracy_sent_before_decision", step=row["seq"], on=day, decided=row["business_date"])
        done = conn.execute(select(procuracy_sends.c.sent_on).where(procuracy_sends.c.asset_id == asset["id"],
                                                                    procuracy_sends.c.seq == row["seq"])).scalar()
        if done is not None:
            raise TriggerNotAllowed("procuracy_already_sent", asset=asset["id"], step=row["seq"], on=done)
        clock = rules.send.on(row["business_date"])
        values = dict(asset_id=asset["id"], seq=row["seq"], trigger=row["trigger"], office_id=asset["office_id"],
                      decided_on=row["business_date"], send_due=clock.due(row["business_date"],
                                                                          WorkCalendar.from_db(conn)),
                      send_basis=clock.basis, sent_on=day, reference=reference, created_by=user["username"],
                      created_at=now_utc(), created_via=current_via())
        check_values(procuracy_sends, values, {"reference": "--reference"})
        new_id = conn.execute(insert(procuracy_sends).values(**values)).inserted_primary_key[0]
        # the whole row, so that `audit verify` can replay it (features/supervision/registers.py)
        _audit(conn, user, "procuracy_decision_sent", asset["office_code"],
               {"asset": (None, asset["id"]), "step": (None, row["seq"]),
                **{k: (None, values[k]) for k in SEND_CONTENT}}, day)
        return _sent({**values, "id": new_id, "office": asset["office_code"]}, today()), None, user, asset["id"], None
    return _guarded(engine, "procuracy send", work)


def _sent(row: dict, on) -> dict:
    return {"asset": row["asset_id"], "step": row["seq"], "trigger": row["trigger"], "office": row.get("office"),
            "decided_on": row["decided_on"], "send_due": row["send_due"], "send_basis": row["send_basis"],
            "sent_on": row.get("sent_on"), "reference": row.get("reference"),
            "clock": clock_status(row["send_due"], row.get("sent_on"), on)}


def register(engine, actor, kind, asset_id, number, received, about, step=None) -> dict:
    """Register the procuracy's recommendation or protest about an asset; its answer clock starts."""
    if kind not in KINDS:
        raise InvalidInput("procuracy_bad_kind", value=kind)
    for name, value in (("--number", number), ("--about", about)):
        if not (value or "").strip():
            raise InvalidInput("empty_text", field=name)
    if received is None:
        raise InvalidInput("empty_text", field="--received")
    received = check_date(received, None, None)
    check_values(procuracy_items, {"number": number.strip(), "about": about.strip()},
                 {"number": "--number", "about": "--about"})
    rules = procuracy_section.rules()

    def work(conn):
        user, asset = load_actor(conn, actor), load_asset(conn, asset_id)
        denied = _check(conn, user, f"procuracy {kind}", REGISTER_ROLES, asset["office_id"], asset["office_code"])
        if denied is not None:
            return None, denied, user, asset["id"], asset["office_code"]
        target = _step(conn, asset["id"], step)["seq"] if step is not None else None
        clock = rules.answers[kind].on(received)
        values = dict(asset_id=asset["id"], office_id=asset["office_id"], kind=kind, number=number.strip(),
                      received_on=received, about=about.strip(), target_seq=target, status="open",
                      answer_due=clock.due(received, WorkCalendar.from_db(conn)), answer_basis=clock.basis,
                      created_by=user["username"], created_at=now_utc(), created_via=current_via())
        new_id = conn.execute(insert(procuracy_items).values(**values)).inserted_primary_key[0]
        _audit(conn, user, EVENTS[kind], asset["office_code"],  # the whole row, as a send's
               {"procuracy_item": (None, new_id), "asset": (None, asset["id"]),
                **{k: (None, values[k]) for k in ITEM_CONTENT}}, received)
        return _item({**values, "id": new_id, "office": asset["office_code"]}, today()), None, user, asset["id"], None
    return _guarded(engine, f"procuracy {kind}", work)


def _load_item(conn, item_id) -> dict:
    number = parse_id(item_id, "ID")
    row = None if number is None else conn.execute(
        select(procuracy_items, offices.c.code.label("office")).join(offices, offices.c.id == procuracy_items.c.office_id)
        .where(procuracy_items.c.id == number)).mappings().first()
    if row is None:
        raise NotFound("procuracy_item_not_found", id=item_id)
    return dict(row)


def answer(engine, actor, item_id, on=None, text: str | None = None) -> dict:
    """Record the office's answer to a recommendation or protest (supervisors)."""
    def work(conn):
        user, row = load_actor(conn, actor), _load_item(conn, item_id)
        denied = _check(conn, user, "procuracy answer", ANSWER_ROLES, row["office_id"], row["office"])
        if denied is not None:
            return None, denied, user, row["asset_id"], row["office"]
        if row["status"] != "open":
            raise TriggerNotAllowed("procuracy_already_answered", id=row["id"], on=row["answered_on"])
        day = check_date(on, None, None)
        if day < row["received_on"]:
            raise InvalidInput("procuracy_answer_before_receipt", id=row["id"], on=day, received=row["received_on"])
        body = check_text((text or "").strip(), "--text")
        if not body:
            raise InvalidInput("empty_text", field="--text")
        values = {"status": "answered", "answered_on": day, "answer": body, "answered_by": user["username"],
                  "answered_via": current_via()}
        conn.execute(update(procuracy_items).where(procuracy_items.c.id == row["id"]).values(**values))
        row.update(values)
        _audit(conn, user, "procuracy_answered", row["office"],
               {"procuracy_item": (None, row["id"]), "asset": (None, row["asset_id"]), "status": ("open", "answered"),
                "answered_on": (None, day), "answer": (None, body)}, day)
        return _item(row, today()), None, user, row["asset_id"], None
    return _guarded(engine, "procuracy answer", work)


def _item(row: dict, on) -> dict:
    return {"id": row["id"], "kind": row["kind"], "asset": row["asset_id"], "office": row["office"],
            "number": row["number"], "received_on": row["received_on"], "about": row["about"],
            "step": row.get("target_seq"), "status": row["status"], "answer_due": row["answer_due"],
            "answer_basis": row["answer_basis"], "answered_on": row.get("answered_on"), "answer": row.get("answer"),
            "answered_by": row.get("answered_by"), "created_by": row["created_by"],
            "clock": clock_status(row["answer_due"], row.get("answered_on"), on)}


def list_all(engine, actor, on=None, asset=None, items_only: bool = False) -> dict:
    """The recommendations and protests, and the decisions owed to or sent to the procuracy, of the
    offices the actor may read, with the state of each clock on ``on`` (``items_only``: no decisions)."""
    on = parse_date(on, "--on") if on else today()
    rules = procuracy_section.rules()
    asset_id = None if asset is None else (parse_id(asset, "--asset") or 0)
    with db.reading(engine) as conn:
        user = load_actor(conn, actor)
        seen = authz.visible_offices(conn, user)
        q = (select(procuracy_items, offices.c.code.label("office"))
             .join(offices, offices.c.id == procuracy_items.c.office_id).order_by(procuracy_items.c.id))
        if seen is not None:
            q = q.where(procuracy_items.c.office_id.in_(list(seen)))
        if asset_id is not None:
            q = q.where(procuracy_items.c.asset_id == asset_id)
        items = [_item(dict(r), on) for r in conn.execute(q).mappings()]
        decisions = [] if items_only else _decisions(conn, rules, seen, asset_id, on)
    return {"items": items, "decisions": decisions}


def _decisions(conn, rules, seen, asset_id, on) -> list[dict]:
    """Every decision of the listed triggers (not imported history) with its send, as of ``on``."""
    q = (select(audit_log.c.asset_id, audit_log.c.seq, audit_log.c.trigger, audit_log.c.business_date,
                offices.c.code.label("office"), procuracy_sends.c.sent_on, procuracy_sends.c.send_due,
                procuracy_sends.c.send_basis, procuracy_sends.c.reference)
         .join(assets, assets.c.id == audit_log.c.asset_id).join(offices, offices.c.id == assets.c.office_id)
         .outerjoin(procuracy_sends, (procuracy_sends.c.asset_id == audit_log.c.asset_id)
                    & (procuracy_sends.c.seq == audit_log.c.seq))
         .where(audit_log.c.trigger.in_(rules.decisions), audit_log.c.imported.is_(False),
                audit_log.c.business_date <= on)
         .order_by(audit_log.c.asset_id, audit_log.c.seq))
    if seen is not None:
        q = q.where(assets.c.office_id.in_(list(seen)))
    if asset_id is not None:
        q = q.where(audit_log.c.asset_id == asset_id)
    cal, out = WorkCalendar.from_db(conn), []
    for r in conn.execute(q).mappings():
        clock = rules.send.on(r["business_date"])
        due = r["send_due"] or clock.due(r["business_date"], cal)
        out.append(_sent({"asset_id": r["asset_id"], "seq": r["seq"], "trigger": r["trigger"], "office": r["office"],
                          "decided_on": r["business_date"], "send_due": due,
                          "send_basis": r["send_basis"] or clock.basis, "sent_on": r["sent_on"],
                          "reference": r["reference"]}, on))
    return out


def counts(engine) -> dict:
    """How many recommendations and protests are open and answered (for reports and the demo)."""
    with db.reading(engine) as conn:
        rows = conn.execute(select(procuracy_items.c.kind, procuracy_items.c.status, func.count())
                            .group_by(procuracy_items.c.kind, procuracy_items.c.status)).all()
    return {f"{k}/{s}": n for k, s, n in rows}
