"""Changes to an asset that are not steps of its workflow: reassignment, field corrections, and
moving a live asset to a newer version of its workflow.

They change columns above the state (``officer_id``, descriptive text), never the state, its
dates, prices or deadlines (those go through a trigger of the engine). Like a step they are
written in one transaction guarded by the asset's version, with an audit row on the asset's
chain (``seq`` = the new version), so ``asset history`` and ``audit verify`` see them.

Reassignment is a supervisor's decision (of the asset's office or above it); a correction may
be made by an officer or supervisor of the office. Both need a reason. Refusals for role or
scope go to ``access_log``.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update

from auction_flow.common.config import now_utc
from auction_flow.common.errors import ConflictError, InvalidInput, PermissionDenied, UsageError
from auction_flow.core import audit, authz
from auction_flow.core import workflow as workflow_mod
from auction_flow.core.engine import load_actor, load_asset
from auction_flow.core.fields import check_date, check_text, check_values, shown
from auction_flow.storage.db import reading, writing
from auction_flow.storage.schema import assets, users

REASSIGN_ROLES = ("supervisor",)
MIGRATE_ROLES = ("supervisor",)
CORRECT_ROLES = ("officer", "supervisor")
CORRECTABLE = ("case_number", "description", "buyer", "appraisal_org", "auction_org")

@dataclass(frozen=True)
class AssetAmended:
    asset_id: int
    event: str
    changes: dict
    version: int


def _write(engine, asset: dict, user: dict, event: str, trigger: str, on, reason: str, updates: dict,
           changes: dict) -> AssetAmended:
    seen = asset["version"]
    row = audit.make_row(asset["last_hash"], asset_id=asset["id"], seq=seen + 1, event=event, trigger=trigger,
                         from_state=asset["state"], to_state=asset["state"], actor=user["username"],
                         role=user["role"], office=asset["office_code"], business_date=on, recorded_at=now_utc(),
                         reason=reason, changes=audit.changes_json(changes), imported=False)
    row["officer_id"] = updates.get("officer_id", asset["officer_id"])  # after the row: a reassignment's new officer
    with writing(engine) as conn:
        done = conn.execute(update(assets).where(assets.c.id == asset["id"], assets.c.version == seen)
                            .values(**updates, version=seen + 1, last_hash=row["hash"]))
        if done.rowcount != 1:
            raise ConflictError("conflict", asset=asset["id"], seen=seen)
        audit.insert(conn, row)
    return AssetAmended(asset["id"], event, {k: list(v) for k, v in changes.items()}, seen + 1)


def load_checked(engine, asset_id, actor, action, roles):
    """The actor and the asset, if the actor may do ``action`` on it; else refused and logged."""
    with reading(engine) as conn:
        user = load_actor(conn, actor)
        asset = load_asset(conn, asset_id)
        try:
            authz.check(conn, user, action, roles, asset["office_id"], asset["office_code"])
        except PermissionDenied as exc:
            denied = exc
        else:
            denied = None
    if denied is not None:
        authz.record_denial(engine, user, action, asset["id"], asset["office_code"], str(denied))
        raise denied
    return user, asset


def require_reason(reason) -> str:
    """The reason given, stripped; none is refused (every amendment says why)."""
    reason = check_text((reason or "").strip(), "--reason")
    if not reason:
        raise InvalidInput("amend_reason_required")
    return reason


def reassign(engine, asset_id, actor, to_user: str, reason: str | None, on=None) -> AssetAmended:
    """Give the asset to another officer (a supervisor's decision), audited on the asset's chain."""
    reason = require_reason(reason)
    user, asset = load_checked(engine, asset_id, actor, "reassign", REASSIGN_ROLES)
    on = check_date(on, asset["last_event_on"], asset["id"])
    with reading(engine) as conn:
        target = load_actor(conn, to_user)
        fits = target["role"] in ("officer", "supervisor") and authz.in_scope(
            conn, {**target, "role": "supervisor"}, asset["office_id"])
        old = conn.execute(select(users.c.username).where(users.c.id == asset["officer_id"])).scalar()
    if not fits:
        raise InvalidInput("officer_not_in_office", user=target["username"], office=asset["office_code"])
    if target["id"] == asset["officer_id"]:
        raise InvalidInput("same_officer", asset=asset["id"], user=target["username"])
    return _write(engine, asset, user, "reassigned", "reassign", on, reason, {"officer_id": target["id"]},
                  {"officer": (old, target["username"])})


def correct(engine, asset_id, actor, sets, reason: str | None, on=None) -> AssetAmended:
    """Correct descriptive fields (``FIELD=VALUE`` strings), audited on the asset's chain."""
    reason = require_reason(reason)
    values = {}
    for item in sets or ():
        name, sep, value = str(item).partition("=")
        name = name.strip()
        if not sep or not name:
            raise UsageError("bad_set", value=shown(item))
        if name not in CORRECTABLE:
            raise InvalidInput("not_correctable", field=name, fields=", ".join(CORRECTABLE))
        if not value.strip():
            raise InvalidInput("empty_text", field=name)
        values[name] = value.strip()
    check_values(assets, values)
    user, asset = load_checked(engine, asset_id, actor, "correct", CORRECT_ROLES)
    on = check_date(on, asset["last_event_on"], asset["id"])
    changes = {k: (asset[k], v) for k, v in values.items() if asset[k] != v}
    if not changes:
        raise InvalidInput("nothing_to_correct")
    return _write(engine, asset, user, "corrected", "correct", on, reason, {k: v for k, (_, v) in changes.items()},
                  changes)


def check_migration(asset: dict, to_version: int):
    """The target workflow if ``asset`` can move to ``to_version`` of its workflow; else refused.

    The asset keeps its state and its running deadline (a clock runs under the rules it started
    with, as across a change of legal regime); only its next steps follow the new version."""
    target = workflow_mod.get(asset["workflow"], int(to_version))
    if target.version <= asset["workflow_version"]:
        raise InvalidInput("workflow_not_newer", asset=asset["id"], name=asset["workflow"],
                           current=asset["workflow_version"], to=target.version)
    for state in (asset["state"], asset["resume_state"]):
        if state is not None and state not in target.states:
            raise InvalidInput("workflow_state_missing", asset=asset["id"], state=state, name=target.name,
                               to=target.version)
    return target


@dataclass(frozen=True)
class Migration:
    """An asset checked to move: who moves it, the asset as read, the target version, the day."""
    user: dict
    asset: dict
    to_version: int
    on: object


def plan_migration(engine, asset_id, actor, to_version: int, on=None) -> Migration:
    """Everything that can refuse a move, checked without writing (role and scope, the new
    version, the asset's state in it, the business date)."""
    user, asset = load_checked(engine, asset_id, actor, "migrate_workflow", MIGRATE_ROLES)
    target = check_migration(asset, to_version)
    return Migration(user, asset, target.version, check_date(on, asset["last_event_on"], asset["id"]))


def apply_migration(engine, plan: Migration, reason: str) -> AssetAmended:
    """Write a planned move, guarded by the version the asset was read with."""
    a = plan.asset
    return _write(engine, a, plan.user, "workflow_migrated", "migrate_workflow", plan.on, reason,
                  {"workflow_version": plan.to_version}, {"workflow_version": (a["workflow_version"], plan.to_version)})


def migrate_workflow(engine, asset_id, actor, to_version: int, reason: str | None, on=None) -> AssetAmended:
    """Move a live asset to a newer version of its workflow (a supervisor's decision), audited."""
    reason = require_reason(reason)
    return apply_migration(engine, plan_migration(engine, asset_id, actor, to_version, on), reason)


def annotate(engine, asset_id, actor, action: str, roles, event: str, write, on=None,
             reason: str | None = None) -> AssetAmended:
    """Record on the asset's chain what its case file gained without any column of the asset changing
    (a party linked to it, a scan attached): one audit row ``event`` (trigger ``action``), written in one
    transaction guarded by the version read, like any amendment.

    ``write(conn, user, asset, on)`` writes the caller's own rows with the step's connection (they commit
    or roll back with the audit row; ``on`` is the business date, checked) and returns the row's
    changes, ``{key: (before, after)}``.
    """
    user, asset = load_checked(engine, asset_id, actor, action, roles)
    on = check_date(on, asset["last_event_on"], asset["id"])
    seen = asset["version"]
    with writing(engine) as conn:
        changes = write(conn, user, asset, on)
        row = audit.make_row(asset["last_hash"], asset_id=asset["id"], seq=seen + 1, event=event, trigger=action,
                             from_state=asset["state"], to_state=asset["state"], actor=user["username"],
                             role=user["role"], office=asset["office_code"], business_date=on,
                             recorded_at=now_utc(), reason=(reason or "").strip() or None,
                             changes=audit.changes_json(changes), imported=False)
        row["officer_id"] = asset["officer_id"]
        done = conn.execute(update(assets).where(assets.c.id == asset["id"], assets.c.version == seen)
                            .values(version=seen + 1, last_hash=row["hash"]))
        if done.rowcount != 1:
            raise ConflictError("conflict", asset=asset["id"], seen=seen)
        audit.insert(conn, row)
    return AssetAmended(asset["id"], event, {k: list(v) for k, v in changes.items()}, seen + 1)
