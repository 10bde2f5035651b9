"""Reading the record: verify the chains, the audit log, refusals, an asset's timeline, signals.

Every reader sees the offices in its scope (auction_flow.authz): an officer its own office,
a supervisor or procurator its office and those under it, an administrator everything.
"""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import or_, select

from auction_flow.common.config import today
from auction_flow.common.errors import InvalidInput, NotFound, PermissionDenied
from auction_flow.core import authz, roots
from auction_flow.core.engine import load_actor, load_asset
from auction_flow.core.fields import parse_date
from auction_flow.features.supervision import signals as sig
from auction_flow.features.supervision import verify as verify_mod
from auction_flow.storage import db
from auction_flow.storage.schema import access_log, audit_log, offices

VERIFY_ROLES = ("supervisor", "procurator", "admin")


def period(start, end) -> tuple[dt.date | None, dt.date | None]:
    start = parse_date(start, "--from") if start else None
    end = parse_date(end, "--to") if end else None
    if start and end and start > end:
        raise InvalidInput("bad_period", start=start, end=end)
    return start, end


def _may_verify(engine, actor: str | None, action: str) -> dict:
    with db.reading(engine) as conn:
        user = load_actor(conn, actor)
    if user["role"] not in VERIFY_ROLES:
        exc = PermissionDenied("verify_denied", user=user["username"], role=user["role"])
        authz.record_denial(engine, user, action, None, user.get("office_code"), str(exc))
        raise exc
    return user


def verify(engine, actor: str | None, anchors=(), since_last: bool = False, office: str | None = None,
           province: str | None = None) -> dict:
    """Check every chain of the audit log and its roots (streaming); the report names the first broken row.

    First a root is taken over every chain as it stands; an intact log's root is recorded as an
    anchor (``anchors``), which ``audit anchors`` exports. ``anchors``: ``ROOT:HASH`` texts an
    earlier verify or a digest printed and someone kept outside the system; each must still be in
    place. ``since_last``: also every anchor recorded in the database.

    ``office`` or ``province`` (a code): only the chains of that office, or of the province's
    offices (its own and every branch under it), within the actor's scope; the roots are checked
    whole. The report's ``scope`` gives each chain's head beside the last root's, ``not_checked``
    what was left out. Such a verify records no anchor (the other chains were not read)."""
    wanted = dict(verify_mod.parse_anchor(a) for a in anchors)
    user = _may_verify(engine, actor, "audit_verify")
    chosen = _chosen(engine, user, office, province) if office or province else None
    recorded = roots.list_anchors(engine) if since_last else []
    for a in recorded:
        wanted.setdefault(a["root_seq"], a["root_hash"])
    roots.take(engine, "verify", user["username"])
    report = verify_mod.verify(engine, wanted, chosen)
    out = report.as_dict()
    if chosen is not None:  # the root is not an anchor to keep: the other chains were not read
        out["scope_of"] = {"office": office} if office else {"province": province}
        out["anchor"] = None
    if since_last:
        out["since_last"] = {"anchors": len(recorded), "last": recorded[-1]["root_seq"] if recorded else None}
    if report.ok and report.root and chosen is None:
        roots.record_anchor(engine, "verify", report.root, user["username"])
    out["errors"] = report.problems
    return out


def _chosen(engine, user: dict, office: str | None, province: str | None) -> dict[int, str]:
    """{id: code} of the offices an office's or a province's verify reads; refused (and recorded)
    when one is outside the actor's scope."""
    if office and province:
        raise InvalidInput("verify_one_scope")
    code = office or province
    with db.reading(engine) as conn:
        found = conn.execute(select(offices.c.id, offices.c.parent_id).where(offices.c.code == code)).first()
        if found is None:
            raise NotFound("office_not_found", office=code)
        if province and found.parent_id is not None:
            parent = conn.execute(select(offices.c.code).where(offices.c.id == found.parent_id)).scalar()
            raise InvalidInput("verify_not_province", office=code, province=parent)
        chosen = authz.subtree(conn, code) if province else {found.id: code}
        seen = authz.visible_offices(conn, user)
    if seen is None or set(chosen) <= set(seen):
        return chosen
    exc = PermissionDenied("verify_scope_denied", user=user["username"], office=code,
                           allowed=", ".join(sorted(seen.values())) or "-")
    authz.record_denial(engine, user, "audit_verify", None, code, str(exc))
    raise exc


def take_root(engine, actor: str | None) -> dict:
    """``audit root``: a root over every chain now, recorded as an anchor to keep outside."""
    user = _may_verify(engine, actor, "audit_root")
    root = roots.take(engine, "command", user["username"], force=True)
    anchor = roots.record_anchor(engine, "command", root, user["username"])
    return {"root": root[0], "hash": root[1], "anchor": roots.anchor_text(root), "taken_at": anchor["taken_at"]}


def anchors_list(engine, actor: str | None, limit: int | None = None) -> list[dict]:
    """``audit anchors``: the roots verify runs, digests and ``audit root`` recorded, oldest first."""
    _may_verify(engine, actor, "audit_anchors")
    return [{"id": a["id"], "taken_at": a["taken_at"], "source": a["source"], "root": a["root_seq"],
             "hash": a["root_hash"], "anchor": roots.anchor_text((a["root_seq"], a["root_hash"])),
             "by": a["taken_by"]} for a in roots.list_anchors(engine, limit)]


def _row(r) -> dict:
    return {"id": r.id, "recorded_at": r.recorded_at, "business_date": r.business_date, "actor": r.actor,
            "role": r.role, "actor_office": r.actor_office, "office": r.office, "asset": r.asset_id,
            "seq": r.seq, "event": r.event, "trigger": r.trigger, "from": r.from_state, "to": r.to_state,
            "reason": r.reason, "changes": json.loads(r.changes), "imported": bool(r.imported), "via": r.via}


def log(engine, actor: str | None, asset=None, who=None, office=None, start=None, end=None, trigger=None,
        limit: int | None = None) -> list[dict]:
    """Audit rows the actor may read, oldest first, filtered. Asking for an asset out of scope is refused."""
    start, end = period(start, end)
    denied_exc = None
    with db.reading(engine) as conn:
        user = load_actor(conn, actor)
        try:
            target = readable_asset(engine, conn, user, asset, "read the audit log of") if asset is not None else None
        except PermissionDenied as exc:
            denied_exc = exc
        else:
            return _log_rows(conn, user, target, who, office, start, end, trigger, limit)
    a = denied_exc.asset
    authz.record_denial(engine, user, "audit log", a["id"], a["office_code"], str(denied_exc))
    raise denied_exc


def about_asset(asset_id: int):
    """The rows about an asset outside its own chain: its complaints' rows (received, accepted,
    resolved). They name the asset in their hashed ``changes``, in canonical JSON, so the
    match is on text the chain protects: ``"asset":[null,ID]``."""
    return (audit_log.c.asset_id.is_(None) & audit_log.c.event.like("complaint%")
            & audit_log.c.changes.contains(f'"asset":[null,{int(asset_id)}]', autoescape=True))


def _log_rows(conn, user, asset, who, office, start, end, trigger, limit) -> list[dict]:
    codes = authz.office_codes(conn, user, office)
    q = select(audit_log).order_by(audit_log.c.id)
    if codes is not None:
        q = q.where(audit_log.c.office.in_(codes))
    if asset is not None:
        q = q.where(or_(audit_log.c.asset_id == asset["id"], about_asset(asset["id"])))
    if who:
        q = q.where(audit_log.c.actor == who)
    if trigger:
        q = q.where(audit_log.c.trigger == trigger)
    if start:
        q = q.where(audit_log.c.business_date >= start)
    if end:
        q = q.where(audit_log.c.business_date <= end)
    if limit:
        q = q.limit(limit)
    return [_row(r) for r in conn.execute(q)]


def denied(engine, actor: str | None, limit: int | None = None) -> list[dict]:
    """Refusals (access_log): everything for administrators, the offices in scope (and one's own) else."""
    with db.reading(engine) as conn:
        user = load_actor(conn, actor)
        q = select(access_log).order_by(access_log.c.id)
        if user["role"] == "officer":
            q = q.where(access_log.c.actor == user["username"])
        elif user["role"] != "admin":
            codes = list(authz.visible_offices(conn, user).values())
            q = q.where(access_log.c.office.in_(codes) | (access_log.c.actor == user["username"]))
        if limit:
            q = q.limit(limit)
        return [{"id": r.id, "at": r.at, "actor": r.actor, "role": r.role, "action": r.action,
                 "asset": r.asset_id, "office": r.office, "reason": r.reason, "via": r.via} for r in conn.execute(q)]


def readable_asset(engine, conn, user: dict, asset_id, action: str = "read") -> dict:
    """The asset, if ``user`` may read it; else the refusal is recorded and raised (after the caller's
    transaction: the caller must not hold a write lock)."""
    asset = load_asset(conn, asset_id)
    if user["role"] == "admin" or authz.in_scope(conn, user, asset["office_id"]):
        return asset
    exc = PermissionDenied("office_denied", user=user["username"], action=action,
                           user_office=user.get("office_code") or "-", office=asset["office_code"])
    exc.asset = asset
    raise exc


def history(engine, asset_id, actor: str | None, on=None) -> dict:
    """The asset's timeline: each state, the days spent in it, its deadline met or missed."""
    on = parse_date(on, "--on") if on else today()
    with db.reading(engine) as conn:
        user = load_actor(conn, actor)
        try:
            asset = readable_asset(engine, conn, user, asset_id)
        except PermissionDenied as exc:
            denied_exc = exc
        else:
            denied_exc = None
            rows = conn.execute(select(audit_log).where(audit_log.c.asset_id == asset["id"])
                                .order_by(audit_log.c.seq)).all()
    if denied_exc is not None:
        a = denied_exc.asset
        authz.record_denial(engine, user, "read", a["id"], a["office_code"], str(denied_exc))
        raise denied_exc
    return {"asset": asset["id"], "case_number": asset["case_number"], "state": asset["state"], "on": on,
            "stages": timeline(rows, on)}


def timeline(rows, on: dt.date) -> list[dict]:
    """Stages from an asset's audit rows (in seq order)."""
    stages: list[dict] = []
    deadline, basis = None, None
    for r in rows:
        changes = json.loads(r.changes)
        if "deadline" in changes:
            deadline = changes["deadline"][1]
        if "deadline_basis" in changes:
            basis = changes["deadline_basis"][1]
        step = {"seq": r.seq, "on": r.business_date, "trigger": r.trigger, "actor": r.actor, "reason": r.reason}
        if stages and r.from_state == r.to_state:
            cur = stages[-1]
            cur["steps"].append(step)
            cur["deadline"], cur["basis"] = deadline, basis
            continue
        if stages:
            stages[-1]["left_on"] = r.business_date
            stages[-1]["left_by"] = r.trigger
        stages.append({"state": r.to_state, "entered_on": r.business_date, "entered_by": r.trigger,
                       "actor": r.actor, "left_on": None, "left_by": None, "deadline": deadline,
                       "basis": basis, "steps": []})
    for s in stages:
        end = s["left_on"] or on
        s["days"] = (end - s["entered_on"]).days
        due = dt.date.fromisoformat(s["deadline"]) if s["deadline"] else None
        s["deadline"] = due
        if due is None:
            s["outcome"], s["late_days"] = None, 0
        elif s["left_on"] is not None:
            s["outcome"] = "met" if s["left_on"] <= due else "missed"
            s["late_days"] = max(0, (s["left_on"] - due).days)
        else:
            s["outcome"] = "running" if on <= due else "overdue"
            s["late_days"] = max(0, (on - due).days)
    return stages


def signals(engine, actor: str | None, office=None, start=None, end=None, thresholds=None,
            config: str | None = None) -> dict:
    """Inspection signals with their evidence rows (auction_flow.signals)."""
    start, end = period(start, end)
    limits = sig.thresholds(config, thresholds)
    with db.reading(engine) as conn:
        user = load_actor(conn, actor)
        if user["role"] not in sig.ROLES:
            exc = PermissionDenied("role_denied", user=user["username"], role=user["role"],
                                   action="audit signals", allowed_roles=", ".join(sig.ROLES))
        else:
            exc = None
            codes = authz.office_codes(conn, user, office)
            found = sig.scan(conn, codes, start, end, limits)
    if exc is not None:
        authz.record_denial(engine, user, "audit_signals", None, user.get("office_code"), str(exc))
        raise exc
    return {"from": start, "to": end, "thresholds": limits, "signals": found}
