"""The engine: the only code that changes an asset's state.

``fire`` checks the actor's role and office, the trigger, the fields, the date and the
guards; moves the state through the workflow's one transitions Machine (``Workflow.fire``: the
asset is bound to nothing, the event is called on a throw-away proxy and its answer kept);
computes the new deadline; and writes the asset and its audit row in ONE transaction, guarded
by the version the asset was read with (``UPDATE ... WHERE id = :id AND version = :seen``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import insert, select, update

from auction_flow.common.config import day_of, now_utc
from auction_flow.common.errors import ConflictError, InvalidInput, NotFound, PermissionDenied, TriggerNotAllowed
from auction_flow.common.words import Msg
from auction_flow.core import audit, authz, checks, deadlines, effects, guards, obligations
from auction_flow.core import workflow as workflow_mod
from auction_flow.core.calendar import WorkCalendar
from auction_flow.core.fields import check_date, check_text, check_values, parse_fields, parse_id
from auction_flow.core.issue import Decided, IssueFn
from auction_flow.core.step import Step
from auction_flow.core.workflow import Workflow
from auction_flow.storage import driver
from auction_flow.storage.db import reading, step_writing, writing
from auction_flow.storage.schema import assets, offices, users

KINDS = ("movable", "real_estate")
COLUMNS = {"price", "sale_price", "buyer", "appraisal_org", "auction_org", "auction_date"}


@dataclass(frozen=True)
class AssetCreated:
    asset_id: int
    state: str
    on: dt.date
    deadline: dt.date | None


@dataclass(frozen=True, init=False)
class AssetTransitioned:
    asset_id: int
    trigger: str
    from_state: str
    to_state: str
    on: dt.date
    deadline: dt.date | None
    version: int
    opened: tuple[tuple[str, dt.date], ...] = ()  # obligations opened: (name, due)
    closed: tuple[tuple[str, dt.date], ...] = ()  # obligations closed: (name, the day it was done)

    def __init__(self, asset_id: int, trigger: str, from_state: str, to_state: str, on: dt.date,
                 deadline: dt.date | None, version: int, opened: tuple = (), closed: tuple = ()):
        # The fields the frozen dataclass's own __init__ would set, written to the instance's dict:
        # that one sets each through object.__setattr__ (16,000 instructions against 5,000 here,
        # once a step; performance-notes, stop 23). Equality, hash, repr and frozenness stay the dataclass's.
        d = self.__dict__
        d["asset_id"], d["trigger"], d["from_state"], d["to_state"] = asset_id, trigger, from_state, to_state
        d["on"], d["deadline"], d["version"], d["opened"], d["closed"] = on, deadline, version, opened, closed


# The step's statements go to the driver (auction_flow.driver): Core's cost per statement was
# several times SQLite's own work on them (bench/bench_transitions.py).
def _with_office_code(table, join: str, key: str):
    """SELECT every column of ``table`` and its office's code, by one key (built per dialect)."""
    def build(dialect):
        alias = table.name[0]
        sql = (f"SELECT {', '.join(f'{alias}.' + driver.quote(dialect, c.name) for c in table.c)}, o.code "
               f"FROM {table.name} {alias} {join} offices o ON o.id = {alias}.office_id "
               f"WHERE {alias}.{key} = :{key}")
        return driver.Statement(dialect, sql, results=list(table.c) + [offices.c.code.label("office_code")])
    return build


_actor_q = _with_office_code(users, "LEFT JOIN", "username")  # a user may have no office (admin)
_asset_q = _with_office_code(assets, "JOIN", "id")


def _step_q(dialect):
    """The asset and its office's code, the actor and theirs, and the calendar's stamp, in one
    statement: the columns of ``_asset_q`` then of ``_actor_q`` (each converts its part), then the stamp."""
    def cols(table, alias):
        return ", ".join(f"{alias}." + driver.quote(dialect, c.name) for c in table.c)
    return driver.Statement(
        dialect, f"SELECT {cols(assets, 'a')}, o.code, {cols(users, 'u')}, uo.code, "
                 "(SELECT stamp FROM calendar_stamp WHERE id = 1) "
                 "FROM assets a JOIN offices o ON o.id = a.office_id JOIN users u ON u.username = :username "
                 "LEFT JOIN offices uo ON uo.id = u.office_id WHERE a.id = :id")


_ASSET_WIDTH, _ACTIVE_AT = len(assets.c) + 1, len(assets.c) + 1 + list(users.c.keys()).index("active")


_GUARDS: dict[tuple, tuple[str, dict]] = {}  # (dialect, columns) -> (SQL, types)


def _asset_update(conn, updates: dict, asset_id: int, seen: int) -> audit.Guard:
    """UPDATE of ``updates``' columns; the WHERE is the optimistic lock (the audit row is written
    under it: :class:`auction_flow.core.audit.Guard`)."""
    columns = tuple(updates)
    key = (conn.dialect.name, columns)
    built = _GUARDS.get(key)
    if built is None:
        sets = ", ".join(f"{driver.quote(conn.dialect, c)} = :{c}" for c in columns)
        built = _GUARDS[key] = (f"UPDATE assets SET {sets} WHERE id = :_id AND version = :_seen",
                                {c: assets.c[c] for c in columns})
    return audit.Guard(("asset_update", columns), built[0], built[1], {**updates, "_id": asset_id, "_seen": seen})


def load_actor(conn, username: str | None) -> dict:
    if not username:
        raise InvalidInput("no_actor")
    check_text(username, "--as")
    row = driver.one(driver.cursor(conn), driver.statement(conn, "actor", _actor_q), {"username": username})
    if row is None or not row["active"]:
        raise NotFound("user_not_found", user=username)
    return row


def load_step(conn, username: str | None, asset_id) -> tuple[dict, dict, str | None]:
    """The actor, the asset and the calendar's stamp (None: not read), read in one statement;
    when a row is missing (or the user is inactive, or the id is not one), the separate reads of
    :func:`load_actor` then :func:`load_asset` give their refusals as before."""
    if not username:
        raise InvalidInput("no_actor")
    check_text(username, "--as")
    try:
        number = parse_id(asset_id, "ID")
    except InvalidInput:
        number = None  # refused below, after the actor (as before)
    if number is not None:
        row = driver.execute(driver.cursor(conn), driver.statement(conn, "step", _step_q),
                             {"username": username, "id": number}).fetchone()
        if row is not None and row[_ACTIVE_AT]:
            asset = driver.statement(conn, "asset", _asset_q).convert(row[:_ASSET_WIDTH])
            user = driver.statement(conn, "actor", _actor_q).convert(row[_ASSET_WIDTH:-1])
            return user, asset, row[-1]
    return load_actor(conn, username), load_asset(conn, asset_id), None


def require_role(engine, actor: str | None, roles: tuple[str, ...], action: str) -> dict:
    """The actor, when their role is one of ``roles``; else the refusal, written to access_log
    (in a transaction of its own) before it is raised."""
    with reading(engine) as conn:
        user = load_actor(conn, actor)
    if user["role"] not in roles:
        exc = PermissionDenied("role_denied", user=user["username"], role=user["role"], action=action,
                               allowed_roles=", ".join(roles))
        # the refused user's own office: its supervisors read the row (audit denied) as the administrators do
        authz.record_denial(engine, user, action, None, user.get("office_code"), str(exc))
        raise exc
    return user


def load_asset(conn, asset_id) -> dict:
    number = parse_id(asset_id, "ID")  # digits 0-9 only (a malformed id is a usage error)
    if number is None:  # beyond any id (and any driver's integer)
        raise NotFound("asset_not_found", asset=asset_id)
    asset_id = number
    row = driver.one(driver.cursor(conn), driver.statement(conn, "asset", _asset_q), {"id": asset_id})
    if row is None:
        raise NotFound("asset_not_found", asset=asset_id)
    return row


def allowed_triggers(wf: Workflow, asset: dict, role: str | None = None, open_obligations=()) -> list[str]:
    """Triggers whose source is the asset's state (and, given a role, that the role may fire); a
    trigger that closes an obligation only when one of its kind is in ``open_obligations`` (names)."""
    found = wf.triggers_from(asset["state"], open_obligations)  # a list of its own
    return found if role is None else [t for t in found if role in wf.triggers[t].roles]


def _denied(engine, actor, action, asset_id, office, exc: PermissionDenied):
    authz.record_denial(engine, actor, action, asset_id, office, str(exc))
    raise exc


def fire(engine, asset_id, trigger: str, actor: str | None, on=None, fields: dict | None = None,
         reason: str | None = None, expected_version: int | None = None,
         issue: IssueFn | None = None) -> AssetTransitioned:
    """Fire ``trigger`` on one asset as ``actor``; everything or nothing is written.

    The step reads and writes in ONE write transaction (on SQLite, BEGIN IMMEDIATE: the asset
    cannot change between the checks and the write); the UPDATE is still guarded by the version
    read, which is what stops a concurrent writer on PostgreSQL. ``expected_version`` is the
    version the caller saw: if the asset changed since, the step is refused as a conflict
    instead of being judged against a state the caller never saw. A refusal on permission is
    written to access_log after the step's transaction is rolled back. ``issue``: what the step
    issues (its paper), called once inside the transaction once the step is decided (see
    :mod:`auction_flow.core.issue`).
    """
    who: dict = {}
    try:
        with step_writing(engine) as conn:
            return _fire(conn, who, asset_id, trigger, actor, on, fields, reason, expected_version, issue)
    except PermissionDenied as exc:
        if who:
            authz.record_denial(engine, who["user"], trigger, who["asset"]["id"], who["asset"]["office_code"],
                                str(exc))
        raise


def _fire(conn, who, asset_id, trigger, actor, on, fields, reason, expected_version, issue=None) -> AssetTransitioned:
    user, asset, stamp = load_step(conn, actor, asset_id)
    if expected_version is not None and asset["version"] != expected_version:
        raise ConflictError("conflict", asset=asset["id"], seen=expected_version)
    wf = workflow_mod.get(asset["workflow"], asset["workflow_version"])
    allowed = allowed_triggers(wf, asset)
    trig = wf.triggers.get(trigger)
    if trig is None:
        raise InvalidInput("unknown_trigger", asset=asset["id"], state=asset["state"], trigger=trigger,
                           allowed=", ".join(allowed) or "-")
    who.update(user=user, asset=asset)  # from here a permission refusal is logged
    try:
        authz.check(conn, user, trigger, trig.roles, asset["office_id"], asset["office_code"])
    except PermissionDenied as exc:
        if exc.key == "role_denied" and authz.in_scope(conn, user, asset["office_id"]):
            # in scope: name the asset, its state and what is allowed now
            raise PermissionDenied("guard_refused", asset=asset["id"], state=asset["state"], trigger=trigger,
                                   why=Msg(exc.key, **exc.params), allowed=", ".join(allowed) or "-") from None
        raise
    if asset["state"] not in trig.sources:
        raise TriggerNotAllowed("not_allowed_now", asset=asset["id"], state=asset["state"], trigger=trigger,
                                allowed=", ".join(allowed) or "-")
    open_duties = obligations.pending(conn, wf, asset, trigger, allowed)  # a close with none open: refused
    moment = now_utc()  # the step's clock, read once: today's date for the checks, and the row's recorded_at
    try:
        on = check_date(on, asset["last_event_on"], asset["id"], day_of(moment))
        values = parse_fields(trig, dict(fields or {}))
        reason = (check_text(reason.strip(), "--reason") or None) if reason else None  # none given: nothing to check
        if trig.reason_required and not reason:
            raise InvalidInput("reason_required", trigger=trigger)
    except InvalidInput as exc:  # name the asset, its state and what is allowed now (issue 2, part 6)
        raise type(exc)("guard_refused", asset=asset["id"], state=asset["state"], trigger=trigger,
                        why=Msg(exc.key, **exc.params), allowed=", ".join(allowed) or "-") from None

    cal = WorkCalendar.kept(conn, stamp)  # read again only when calendar_days changed
    step = Step(wf, trig, asset, user, on, values, cal, allowed, conn=conn)
    for name in trig.guards:
        guards.GUARDS[name](step)
    checks.run(step)
    duties = obligations.plan(step, open_duties)  # the side clocks it opens and closes
    new_state = wf.fire(trigger, asset["state"], asset["resume_state"])

    updates = {k: v for k, v in values.items() if k in COLUMNS}
    for name in trig.effects:
        effects.EFFECTS[name](step)
    updates.update(step.updates)
    forgotten = {}
    if trig.keep or trig.forget or step.facts:
        updates["facts"], forgotten = checks.kept_facts(step)
    if new_state != asset["state"]:  # a new stint in a state, unless an effect carries one on (resume)
        updates.update(state=new_state, state_entered_on=step.updates.get("state_entered_on", on),
                       suspended_days=step.updates.get("suspended_days", 0),
                       clock_extended=step.updates.get("clock_extended", False))
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

    changes = {k: (was, v) for k, v in updates.items() if (was := asset.get(k)) != v}
    changes.update({k: (None, v) for k, v in values.items() if k not in COLUMNS})
    changes.update(forgotten)  # a fact the step ends (a forfeited deposit): its last value, then none
    changes.update(duties.changes())
    seen = asset["version"]
    if issue is not None:  # the step's paper, numbered and stored in this transaction
        issued = issue(conn, Decided(asset, user, trigger, asset["state"], new_state, on, values, dict(updates),
                                     seen + 1, _regime(wf, on), reason))
        if issued is not None:
            changes.update(issued.changes())
    row = audit.make_row(
        asset["last_hash"], asset_id=asset["id"], seq=seen + 1, event="transition", trigger=trigger,
        from_state=asset["state"], to_state=new_state, actor=user["username"], role=user["role"],
        office=asset["office_code"], business_date=on, recorded_at=moment, reason=reason,
        changes=audit.changes_json(changes), imported=False)
    row["actor_office"] = user["office_code"]  # known here: spares audit.insert a lookup
    row["officer_id"] = asset["officer_id"]  # the officer in charge (not hashed: audit verify derives it)
    updates.update(version=seen + 1, last_hash=row["hash"])
    # the asset's UPDATE under the version read, then the row in its chain (on PostgreSQL, the
    # UPDATE and the head's claim are one statement): nothing written if the asset changed since
    if audit.insert(conn, row, guard=_asset_update(conn, updates, asset["id"], seen)) is None:
        raise ConflictError("conflict", asset=asset["id"], seen=seen)
    duties.write(conn, asset["id"], seen + 1)
    return AssetTransitioned(asset["id"], trigger, asset["state"], new_state, on,
                             updates.get("deadline", asset["deadline"]), seen + 1,
                             tuple([(o["name"], o["due"]) for o in duties.opened]) if duties.opened else (),
                             tuple([(c["name"], c["done_on"]) for c in duties.closed]) if duties.closed else ())


def _regime(wf: Workflow, on: dt.date) -> str | None:
    regime = wf.regime_on(on)
    return regime.id if regime else None


def create(engine, actor: str | None, case_number: str, office: str, kind: str, description: str,
           officer: str | None = None, on=None, workflow_name: str = "asset_auction",
           issue: IssueFn | None = None) -> AssetCreated:
    """Record a seizure: a new asset in the workflow's initial state, audited (``issue``: what the
    seizure issues, as in :func:`fire`, with the trigger ``seize``)."""
    if kind not in KINDS:
        raise InvalidInput("bad_kind", value=kind)
    for name, value in (("--case", case_number), ("--description", description)):
        if not (value or "").strip():
            raise InvalidInput("empty_text", field=name)
    check_values(assets, {"case_number": case_number.strip(), "description": description},
                 {"case_number": "--case", "description": "--description"})
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
                  reduction_count=0, reappraisal_count=0, cancellation_count=0, suspended_days=0, version=1,
                  last_hash=audit.GENESIS, created_at=now_utc())
    with writing(engine) as conn:
        asset_id = conn.execute(insert(assets).values(**values)).inserted_primary_key[0]
        changes = {k: (None, values[k]) for k in ("case_number", "description", "kind", "state", "deadline")}
        changes["office"] = (None, office)
        changes["officer"] = (None, officer_row["username"])
        if issue is not None:
            issued = issue(conn, Decided({**values, "id": asset_id, "office_code": office}, user, "seize", None,
                                         wf.initial, on, {}, {}, 1, _regime(wf, on)))
            if issued is not None:
                changes.update(issued.changes())
        row = audit.append(
            conn, audit.GENESIS, asset_id=asset_id, seq=1, event="asset_created", trigger="seize", from_state=None,
            to_state=wf.initial, actor=user["username"], role=user["role"], office=office, business_date=on,
            recorded_at=now_utc(), reason=None, changes=audit.changes_json(changes), imported=False,
            officer_id=officer_row["id"])
        conn.execute(update(assets).where(assets.c.id == asset_id).values(last_hash=row["hash"]))
    return AssetCreated(asset_id, wf.initial, on, values["deadline"])


