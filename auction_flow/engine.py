"""The engine: the only code that changes an asset's state.

``fire`` checks the actor's role and office, the trigger, the fields, the date and the
guards; moves the state through the workflow's one transitions Machine (the asset is bound
to nothing: the event is called directly on a throw-away proxy); computes the new deadline;
and writes the asset and its audit row in ONE transaction, guarded by the version the asset
was read with (``UPDATE ... WHERE id = :id AND version = :seen``).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from sqlalchemy import insert, select, update

from . import audit, authz, deadlines, rules
from . import workflow as workflow_mod
from .calendar import WorkCalendar
from .config import now_utc, today as today_vn
from .db import reading, writing
from .errors import ConflictError, InvalidInput, NotFound, PermissionDenied, TriggerNotAllowed
from .schema import assets, offices, users
from .workflow import Field, Workflow

KINDS = ("movable", "real_estate")
COLUMNS = {"price", "sale_price", "buyer", "appraisal_org", "auction_org", "auction_date"}
_MONEY = re.compile(r"^(\d+|\d{1,3}([.,_]\d{3})+)$")


@dataclass(frozen=True)
class AssetCreated:
    asset_id: int
    state: str
    on: dt.date
    deadline: dt.date | None


@dataclass(frozen=True)
class AssetTransitioned:
    asset_id: int
    trigger: str
    from_state: str
    to_state: str
    on: dt.date
    deadline: dt.date | None
    version: int


def load_actor(conn, username: str | None) -> dict:
    if not username:
        raise InvalidInput("no_actor")
    row = conn.execute(select(users, offices.c.code.label("office_code"))
                       .outerjoin(offices, offices.c.id == users.c.office_id)
                       .where(users.c.username == username)).mappings().first()
    if row is None or not row["active"]:
        raise NotFound("user_not_found", user=username)
    return dict(row)


def load_asset(conn, asset_id) -> dict:
    try:
        asset_id = int(asset_id)
    except (TypeError, ValueError):
        raise NotFound("asset_not_found", asset=asset_id) from None
    row = conn.execute(select(assets, offices.c.code.label("office_code"))
                       .join(offices, offices.c.id == assets.c.office_id)
                       .where(assets.c.id == asset_id)).mappings().first()
    if row is None:
        raise NotFound("asset_not_found", asset=asset_id)
    return dict(row)


def allowed_triggers(wf: Workflow, asset: dict, role: str | None = None) -> list[str]:
    """Triggers whose source is the asset's state (and, given a role, that the role may fire)."""
    return [t for t in wf.triggers_from(asset["state"]) if role is None or role in wf.triggers[t].roles]


def parse_date(value, name: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise InvalidInput("bad_date", field=name, value=value) from None


def parse_field(spec: Field, value) -> Any:
    if spec.type == "money":
        if isinstance(value, bool):
            raise InvalidInput("bad_money", field=spec.name, value=value)
        if isinstance(value, int):
            number = value
        else:
            text = str(value).strip()
            if not _MONEY.match(text):
                raise InvalidInput("bad_money", field=spec.name, value=value)
            number = int(re.sub(r"[.,_]", "", text))
        if number <= 0:
            raise InvalidInput("bad_money", field=spec.name, value=value)
        return number
    if spec.type == "date":
        return parse_date(value, spec.name)
    text = str(value).strip()
    if spec.type == "choice" and text not in spec.choices:
        raise InvalidInput("bad_choice", field=spec.name, choices=", ".join(spec.choices), value=value)
    if not text:
        raise InvalidInput("empty_text", field=spec.name)
    return text


def parse_fields(trig, given: dict[str, Any]) -> dict[str, Any]:
    specs = {f.name: f for f in trig.fields}
    for name in given:
        if name not in specs:
            raise InvalidInput("unknown_field", trigger=trig.name, field=name,
                               accepted=", ".join(specs) or "-")
    out = {}
    for name, spec in specs.items():
        if given.get(name) in (None, ""):
            raise InvalidInput("missing_field", trigger=trig.name, field=name)
        out[name] = parse_field(spec, given[name])
    return out


def check_date(on, last: dt.date | None, asset_id, today: dt.date | None = None) -> dt.date:
    on = today_vn() if on is None else parse_date(on, "--on")
    today = today or today_vn()
    if on > today:
        raise InvalidInput("future_date", on=on, today=today)
    if last is not None and on < last:
        raise InvalidInput("date_before_last", on=on, asset=asset_id, last=last)
    return on


def _denied(engine, actor, action, asset_id, office, exc: PermissionDenied):
    authz.record_denial(engine, actor, action, asset_id, office, str(exc))
    raise exc


def fire(engine, asset_id, trigger: str, actor: str | None, on=None, fields: dict | None = None,
         reason: str | None = None) -> AssetTransitioned:
    """Fire ``trigger`` on one asset as ``actor``; everything or nothing is written."""
    with reading(engine) as conn:
        user = load_actor(conn, actor)
        asset = load_asset(conn, asset_id)
        wf = workflow_mod.get(asset["workflow"], asset["workflow_version"])
        allowed = allowed_triggers(wf, asset)
        trig = wf.triggers.get(trigger)
        if trig is None:
            raise InvalidInput("unknown_trigger", asset=asset["id"], state=asset["state"], trigger=trigger,
                               allowed=", ".join(allowed) or "-")
        try:
            authz.check(conn, user, trigger, trig.roles, asset["office_id"], asset["office_code"])
        except PermissionDenied as exc:
            denied = exc
        else:
            denied = None
        cal = WorkCalendar.from_db(conn)
    if denied is not None:
        _denied(engine, user, trigger, asset["id"], asset["office_code"], denied)
    if asset["state"] not in trig.sources:
        raise TriggerNotAllowed("not_allowed_now", asset=asset["id"], state=asset["state"], trigger=trigger,
                                allowed=", ".join(allowed) or "-")
    on = check_date(on, asset["last_event_on"], asset["id"])
    values = parse_fields(trig, dict(fields or {}))
    reason = (reason or "").strip() or None
    if trig.reason_required and not reason:
        raise InvalidInput("reason_required", trigger=trigger)

    step = rules.Step(wf, trig, asset, user, on, values, cal, allowed)
    try:
        for name in trig.guards:
            rules.GUARDS[name](step)
    except PermissionDenied as exc:
        _denied(engine, user, trigger, asset["id"], asset["office_code"], exc)
    proxy = SimpleNamespace(state=asset["state"], resume_state=asset["resume_state"])
    wf.machine.events[trigger].trigger(proxy)
    new_state = proxy.state

    updates = {k: v for k, v in values.items() if k in COLUMNS}
    for name in trig.effects:
        rules.EFFECTS[name](step)
    updates.update(step.updates)
    if new_state != asset["state"]:
        updates.update(state=new_state, state_entered_on=on, clock_extended=step.updates.get(
            "clock_extended", False))
        if not step.deadline_set:
            step.set_deadline(None)
            dl = deadlines.compute(wf, new_state, on, asset["kind"], cal)
            if dl is not None and not wf.states[new_state].stops_clock:
                step.deadline = dl
    updates["last_event_on"] = on
    if step.deadline_set or new_state != asset["state"]:
        dl = step.deadline
        updates.update(deadline=dl.due if dl else None, deadline_basis=dl.basis if dl else None,
                       deadline_regime=dl.regime if dl else None)

    changes = {k: (asset.get(k), v) for k, v in updates.items() if asset.get(k) != v}
    changes.update({k: (None, v) for k, v in values.items() if k not in COLUMNS})
    seen = asset["version"]
    fields_row = dict(
        asset_id=asset["id"], seq=seen + 1, event="transition", trigger=trigger,
        from_state=asset["state"], to_state=new_state, actor=user["username"], role=user["role"],
        office=asset["office_code"], business_date=on, recorded_at=now_utc(), reason=reason,
        changes=audit.changes_json(changes), imported=False)
    row = audit.make_row(asset["last_hash"], **fields_row)
    with writing(engine) as conn:
        result = conn.execute(update(assets).where(assets.c.id == asset["id"], assets.c.version == seen)
                              .values(**updates, version=seen + 1, last_hash=row["hash"]))
        if result.rowcount != 1:
            raise ConflictError("conflict", asset=asset["id"], seen=seen)
        audit.insert(conn, row)
    return AssetTransitioned(asset["id"], trigger, asset["state"], new_state, on,
                             updates.get("deadline", asset["deadline"]), seen + 1)


def create(engine, actor: str | None, case_number: str, office: str, kind: str, description: str,
           officer: str | None = None, on=None, workflow_name: str = "asset_auction") -> AssetCreated:
    """Record a seizure: a new asset in the workflow's initial state, audited."""
    if kind not in KINDS:
        raise InvalidInput("bad_kind", value=kind)
    for name, value in (("--case", case_number), ("--description", description)):
        if not (value or "").strip():
            raise InvalidInput("empty_text", field=name)
    wf = workflow_mod.get(workflow_name)
    with reading(engine) as conn:
        user = load_actor(conn, actor)
        office_row = conn.execute(select(offices).where(offices.c.code == office)).mappings().first()
        if office_row is None:
            raise NotFound("office_not_found", office=office)
        officer_row = user if officer is None else load_actor(conn, officer)
        try:
            authz.check(conn, user, "seize", wf.initial_roles, office_row["id"], office)
        except PermissionDenied as exc:
            denied = exc
        else:
            denied = None
        if denied is None and (officer_row["role"] not in ("officer", "supervisor")
                               or not authz.in_scope(conn, {**officer_row, "role": "supervisor"},
                                                     office_row["id"])):
            raise InvalidInput("officer_not_in_office", user=officer_row["username"], office=office)
        cal = WorkCalendar.from_db(conn)
    if denied is not None:
        _denied(engine, user, "seize", None, office, denied)
    on = check_date(on, None, None)
    dl = deadlines.compute(wf, wf.initial, on, kind, cal)
    values = dict(case_number=case_number.strip(), description=description.strip(), kind=kind,
                  office_id=office_row["id"], officer_id=officer_row["id"], workflow=wf.name,
                  workflow_version=wf.version, state=wf.initial, state_entered_on=on, last_event_on=on,
                  deadline=dl.due if dl else None, deadline_basis=dl.basis if dl else None,
                  deadline_regime=dl.regime if dl else None, clock_extended=False,
                  reduction_count=0, reappraisal_count=0, cancellation_count=0, version=1,
                  last_hash=audit.GENESIS, created_at=now_utc())
    with writing(engine) as conn:
        asset_id = conn.execute(insert(assets).values(**values)).inserted_primary_key[0]
        changes = {k: (None, values[k]) for k in ("case_number", "description", "kind", "state", "deadline")}
        changes["office"] = (None, office)
        changes["officer"] = (None, officer_row["username"])
        row = audit.append(
            conn, audit.GENESIS, asset_id=asset_id, seq=1, event="asset_created", trigger="seize", from_state=None,
            to_state=wf.initial, actor=user["username"], role=user["role"], office=office, business_date=on,
            recorded_at=now_utc(), reason=None, changes=audit.changes_json(changes), imported=False)
        conn.execute(update(assets).where(assets.c.id == asset_id).values(last_hash=row["hash"]))
    return AssetCreated(asset_id, wf.initial, on, values["deadline"])
