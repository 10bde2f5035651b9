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


# The step's statements go to the driver (auction_flow.driver): Core's cost per statement was
# several times SQLite's own work on them (bench/bench_transitions.py).
def _with_office_code(table, join: str, key: str):
    """SELECT every column of ``table`` and its office's code, by one key (built per dialect)."""
    def build(dialect):
        from . import driver

        alias = table.name[0]
        sql = (f"SELECT {', '.join(f'{alias}.' + driver.quote(dialect, c.name) for c in table.c)}, o.code "
               f"FROM {table.name} {alias} {join} offices o ON o.id = {alias}.office_id "
               f"WHERE {alias}.{key} = :{key}")
        return driver.Statement(dialect, sql, results=list(table.c) + [offices.c.code.label("office_code")])
    return build


_actor_q = _with_office_code(users, "LEFT JOIN", "username")  # a user may have no office (admin)
_asset_q = _with_office_code(assets, "JOIN", "id")


def _asset_update(columns: tuple):
    """UPDATE of ``columns``; the WHERE is the optimistic lock."""
    def build(dialect):
        from . import driver

        sets = ", ".join(f"{driver.quote(dialect, c)} = :{c}" for c in columns)
        return driver.Statement(dialect, f"UPDATE assets SET {sets} WHERE id = :_id AND version = :_seen",
                                {c: assets.c[c] for c in columns})
    return build


def load_actor(conn, username: str | None) -> dict:
    from . import driver

    if not username:
        raise InvalidInput("no_actor")
    row = driver.one(driver.cursor(conn), driver.statement(conn, "actor", _actor_q), {"username": username})
    if row is None or not row["active"]:
        raise NotFound("user_not_found", user=username)
    return row


def load_asset(conn, asset_id) -> dict:
    from . import driver

    try:
        asset_id = int(asset_id)
    except (TypeError, ValueError):
        raise NotFound("asset_not_found", asset=asset_id) from None
    if not -2**63 <= asset_id < 2**63:  # beyond any id (and any driver's integer)
        raise NotFound("asset_not_found", asset=asset_id)
    row = driver.one(driver.cursor(conn), driver.statement(conn, "asset", _asset_q), {"id": asset_id})
    if row is None:
        raise NotFound("asset_not_found", asset=asset_id)
    return row


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
         reason: str | None = None, expected_version: int | None = None) -> AssetTransitioned:
    """Fire ``trigger`` on one asset as ``actor``; everything or nothing is written.

    The step reads and writes in ONE write transaction (on SQLite, BEGIN IMMEDIATE: the asset
    cannot change between the checks and the write); the UPDATE is still guarded by the version
    read, which is what stops a concurrent writer on PostgreSQL. ``expected_version`` is the
    version the caller saw: if the asset changed since, the step is refused as a conflict
    instead of being judged against a state the caller never saw. A refusal on permission is
    written to access_log after the step's transaction is rolled back.
    """
    who: dict = {}
    try:
        with writing(engine) as conn:
            return _fire(conn, who, asset_id, trigger, actor, on, fields, reason, expected_version)
    except PermissionDenied as exc:
        if who:
            authz.record_denial(engine, who["user"], trigger, who["asset"]["id"], who["asset"]["office_code"],
                                str(exc))
        raise


def _fire(conn, who, asset_id, trigger, actor, on, fields, reason, expected_version) -> AssetTransitioned:
    from . import driver

    user = load_actor(conn, actor)
    asset = load_asset(conn, asset_id)
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
            from .i18n import Msg  # in scope: name the asset, its state and what is allowed now
            raise PermissionDenied("guard_refused", asset=asset["id"], state=asset["state"], trigger=trigger,
                                   why=Msg(exc.key, **exc.params), allowed=", ".join(allowed) or "-") from None
        raise
    if asset["state"] not in trig.sources:
        raise TriggerNotAllowed("not_allowed_now", asset=asset["id"], state=asset["state"], trigger=trigger,
                                allowed=", ".join(allowed) or "-")
    try:
        on = check_date(on, asset["last_event_on"], asset["id"])
        values = parse_fields(trig, dict(fields or {}))
        reason = (reason or "").strip() or None
        if trig.reason_required and not reason:
            raise InvalidInput("reason_required", trigger=trigger)
    except InvalidInput as exc:  # name the asset, its state and what is allowed now (issue 2, part 6)
        from .i18n import Msg
        raise InvalidInput("guard_refused", asset=asset["id"], state=asset["state"], trigger=trigger,
                           why=Msg(exc.key, **exc.params), allowed=", ".join(allowed) or "-") from None

    cal = WorkCalendar.from_db(conn)
    step = rules.Step(wf, trig, asset, user, on, values, cal, allowed)
    for name in trig.guards:
        rules.GUARDS[name](step)
    proxy = SimpleNamespace(state=asset["state"], resume_state=asset["resume_state"])
    wf.machine.events[trigger].trigger(proxy)
    new_state = proxy.state

    updates = {k: v for k, v in values.items() if k in COLUMNS}
    for name in trig.effects:
        rules.EFFECTS[name](step)
    updates.update(step.updates)
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

    changes = {k: (asset.get(k), v) for k, v in updates.items() if asset.get(k) != v}
    changes.update({k: (None, v) for k, v in values.items() if k not in COLUMNS})
    seen = asset["version"]
    row = audit.make_row(
        asset["last_hash"], asset_id=asset["id"], seq=seen + 1, event="transition", trigger=trigger,
        from_state=asset["state"], to_state=new_state, actor=user["username"], role=user["role"],
        office=asset["office_code"], business_date=on, recorded_at=now_utc(), reason=reason,
        changes=audit.changes_json(changes), imported=False)
    row["actor_office"] = user["office_code"]  # known here: spares audit.insert a lookup
    updates.update(version=seen + 1, last_hash=row["hash"])
    stmt = driver.statement(conn, ("asset_update", tuple(updates)), _asset_update(tuple(updates)))
    if driver.execute(driver.cursor(conn), stmt, {**updates, "_id": asset["id"], "_seen": seen}).rowcount != 1:
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
                  reduction_count=0, reappraisal_count=0, cancellation_count=0, suspended_days=0, version=1,
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


def import_assets(engine, records: list[dict], actor: dict, wf: Workflow | None = None) -> list[int]:
    """Write assets already in progress, checked by :mod:`auction_flow.importer`, all or nothing.

    Each record's ``steps`` (trigger, target state, business date, column values) are replayed
    as ``fire`` would leave them: state, state_entered_on and the deadline of each state from
    ``deadlines.compute``; one audit row per step, marked imported and hash-chained (seq 1..n,
    the first one ``asset_imported``). The rows are built before the write transaction, so the
    write lock is held only to link them into the whole-log chain and insert them (one
    executemany per table, through :func:`auction_flow.driver.insert_many`). Returns the new ids.

    Building the rows is the bulk of an import's time (four audit rows per asset on average),
    so the loop does per step only what differs per step: the deadline of each (state, day,
    kind) is computed once, the audit row is a dict literal hashed by :func:`audit.row_hash_sorted`,
    the timestamp's text is made once, and the cyclic garbage collector is paused while the
    hundreds of thousands of rows, none of them part of a cycle, are made.
    """
    import json
    import operator

    from sqlalchemy import func

    from . import driver
    from .schema import audit_log
    from .tables_supervision import audit_head

    if not records:
        return []
    cache_kib = -131072  # SQLite's page cache for the batch: 128 MiB
    wf = wf or workflow_mod.get()
    sqlite = engine.dialect.name == "sqlite"
    now = now_utc()
    now_text = json.loads(audit.canonical(now))  # the timestamp as the hash reads it, made once
    username, role = actor["username"], actor["role"]
    blank = dict.fromkeys(assets.c.keys())
    blank.update(workflow=wf.name, workflow_version=wf.version, clock_extended=False, reduction_count=0,
                 reappraisal_count=0, cancellation_count=0, suspended_days=0, created_at=now)
    memo: dict = {}  # (state, day, kind) -> (deadline, basis, regime)

    def next_ids(conn) -> list[int]:
        if sqlite:  # rowids follow the largest; checked again under the write lock
            start = conn.execute(select(func.coalesce(func.max(assets.c.id), 0))).scalar()
            return list(range(start + 1, start + 1 + len(records)))
        return [r[0] for r in conn.exec_driver_sql(  # sequence values are never handed out twice
            "SELECT nextval(pg_get_serial_sequence('assets', 'id')) FROM generate_series(1, %(n)s)",
            {"n": len(records)})]

    def deadline(to, on, kind, cal):
        dl = None if wf.states[to].stops_clock else deadlines.compute(wf, to, on, kind, cal)
        memo[to, on, kind] = found = (dl.due, dl.basis, dl.regime) if dl else (None, None, None)
        return found

    hashed = operator.itemgetter(*sorted(audit.HASHED))  # a row's values as audit.row_hash_sorted takes them

    def build(ids, cal):
        asset_rows, audit_rows = [], []
        changes_json, row_hash, genesis = audit.changes_json, audit.row_hash_sorted, audit.GENESIS
        for asset_id, rec in zip(ids, records):
            kind, office = rec["kind"], rec["office_code"]
            asset = blank.copy()
            asset.update(id=asset_id, case_number=rec["case_number"], description=rec["description"], kind=kind,
                         office_id=rec["office_id"], officer_id=rec["officer_id"])
            prev = genesis
            for seq, step in enumerate(rec["steps"], 1):
                on, to = step["on"], step["to"]
                due, basis, regime = memo.get((to, on, kind)) or deadline(to, on, kind, cal)
                updates = dict(step["set"], state=to, state_entered_on=on, last_event_on=on,
                               deadline=due, deadline_basis=basis, deadline_regime=regime)
                if step.get("effects"):  # a suspension: the trigger's own effects stop the clock, as fire's do
                    trig = wf.triggers[step["trigger"]]
                    done = rules.Step(wf, trig, asset, actor, on, step.get("fields", {}), cal, [])
                    for name in trig.effects:
                        rules.EFFECTS[name](done)
                    updates = {**done.updates, **updates}
                if seq == 1:
                    changes = {k: (None, updates.get(k, asset[k])) for k in
                               ("case_number", "description", "kind", "state", "deadline")}
                    changes.update(office=(None, office), officer=(None, rec["officer"]))
                    if counts := rec.get("counts"):  # earlier rounds' reductions, the re-appraisal
                        updates.update(counts)
                        changes.update({k: (None, v) for k, v in counts.items()})
                else:  # dates go in as dates: changes_json writes them as its encoder does
                    changes = {k: (asset.get(k), v) for k, v in updates.items() if asset.get(k) != v}
                    if fields := step.get("fields"):
                        changes.update({k: (None, v) for k, v in fields.items()})
                # audit.make_row's row (HASHED columns, prev_hash, hash), the timestamp hashed as its text
                row = {"asset_id": asset_id, "seq": seq, "event": "asset_imported" if seq == 1 else "transition",
                       "trigger": step["trigger"], "from_state": asset["state"], "to_state": to,
                       "actor": username, "role": role, "office": office, "business_date": on,
                       "recorded_at": now_text, "reason": step.get("reason"), "changes": changes_json(changes),
                       "imported": True, "prev_hash": prev}
                prev = row["hash"] = row_hash(prev, hashed(row))
                row["recorded_at"] = now
                asset.update(updates)
                audit_rows.append(row)
            asset.update(version=len(rec["steps"]), last_hash=prev)
            asset_rows.append(asset)
        return asset_rows, audit_rows

    from .importer import paused_gc

    with paused_gc():  # nothing built here is cyclic (see importer.paused_gc)
        with reading(engine) as conn:
            cal = WorkCalendar.from_db(conn)
            ids = next_ids(conn)
        asset_rows, audit_rows = build(ids, cal)
        with writing(engine) as conn:
            log_seq, log_prev = audit.claim_head(conn)  # first: the whole-log chain's lock
            if sqlite and next_ids(conn)[0] != ids[0]:  # someone seized an asset meanwhile: renumber
                ids = next_ids(conn)
                asset_rows, audit_rows = build(ids, cal)
            office = actor.get("office_code")
            log_hash = audit.log_hash
            for row in audit_rows:
                log_seq += 1
                row["actor_office"], row["log_seq"], row["log_prev_hash"] = office, log_seq, log_prev
                log_prev = row["log_hash"] = log_hash(log_prev, log_seq, row["hash"], office)
            if sqlite:  # room for the indexes of a big batch (the page cache is per connection: restored below)
                cache = conn.exec_driver_sql("PRAGMA cache_size").scalar()
                conn.exec_driver_sql(f"PRAGMA cache_size={cache_kib}")
            try:
                driver.insert_many(conn, assets, asset_rows)
                driver.insert_many(conn, audit_log, audit_rows)
            finally:
                if sqlite:
                    conn.exec_driver_sql(f"PRAGMA cache_size={int(cache)}")
            conn.execute(update(audit_head).where(audit_head.c.id == 1).values(log_seq=log_seq, log_hash=log_prev))
    return ids
