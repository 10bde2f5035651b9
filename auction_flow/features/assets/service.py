"""Assets: seize, advance, and see where each stands, what it may do next and its deadline.

:func:`seize` and :func:`advance` are the one way every front end records a step: each hands the
engine the case file's ``issue`` callable (auction_flow.features.casefile.steps), so the step's
parties are linked and its paper issued in the step's own transaction."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict

from sqlalchemy import select

from auction_flow.common.config import today
from auction_flow.common.errors import InvalidInput, NotFound, PermissionDenied, UsageError
from auction_flow.common.words import term
from auction_flow.core import amend, authz, checks, obligations, receipts
from auction_flow.core import engine as eng
from auction_flow.core import workflow as workflow_mod
from auction_flow.core.calendar import WorkCalendar
from auction_flow.core.fields import check_text, parse_date, shown
from auction_flow.features.casefile import steps as casefile_steps
from auction_flow.storage import db
from auction_flow.storage.schema import assets, audit_log, offices, users


def seize(engine, actor, case_number, office, kind, description, officer=None, on=None, debtors=(),
          creditors=()) -> int:
    """Record a seizure, its debtors and creditors linked (party ids the actor may see, or their full
    identity numbers as ``parties.ByNumber``), its decision issued; the new id."""
    papers = casefile_steps.seizure_papers(engine, actor, debtors, creditors)
    return eng.create(engine, actor, case_number, office, kind, description, officer, on, issue=papers).asset_id


def refuse_duplicate(engine, office, case_number, description) -> None:
    """A second seizure of the same thing (same office, case number and description) is refused
    with the first asset's id (``asset seize --allow-duplicate`` records it all the same)."""
    if not (case_number or "").strip() or not (description or "").strip():
        return  # refused as empty by the engine
    with db.reading(engine) as conn:
        first = conn.execute(
            select(assets.c.id).join(offices, offices.c.id == assets.c.office_id)
            .where(offices.c.code == office, assets.c.case_number == case_number.strip(),
                   assets.c.description == description.strip()).order_by(assets.c.id).limit(1)).scalar()
    if first is not None:
        raise InvalidInput("duplicate_seizure", asset=first, case=case_number.strip(), office=office)


def may_seize(role: str) -> bool:
    """Whether the workflow lets ``role`` record a seizure (its ``initial_roles``)."""
    return role in workflow_mod.get().initial_roles


def seizure_choices(engine, actor) -> dict:
    """What a seizure form offers ``actor``: the offices they may record a seizure in (code, name),
    the officers and supervisors who may be put in charge there (username, name, office code), and
    the kinds. A role the workflow does not let record seizures is refused (an ``access_log`` row),
    as the seizure itself would be."""
    user = eng.require_role(engine, actor, workflow_mod.get().initial_roles, "seize")
    with db.reading(engine) as conn:
        visible = authz.visible_offices(conn, user)
        q = select(offices.c.id, offices.c.code, offices.c.name).order_by(offices.c.code)
        if visible is not None:
            q = q.where(offices.c.id.in_(list(visible)))
        found = conn.execute(q).all()
        people = conn.execute(select(users.c.username, users.c.name, offices.c.code)
                              .join(offices, offices.c.id == users.c.office_id)
                              .where(users.c.office_id.in_([o.id for o in found]), users.c.active.is_(True),
                                     users.c.role.in_(("officer", "supervisor")))
                              .order_by(offices.c.code, users.c.username)).all()
    return {"offices": [(o.code, o.name) for o in found], "officers": [tuple(p) for p in people],
            "kinds": eng.KINDS, "office": user.get("office_code")}


def seized(engine, asset_id: int) -> dict:
    """What a new seizure says: its id, state, day and deadline."""
    with db.reading(engine) as conn:
        row = conn.execute(select(assets.c.id, assets.c.state, assets.c.state_entered_on, assets.c.deadline)
                           .where(assets.c.id == asset_id)).one()
    return {"id": row.id, "state": row.state, "on": row.state_entered_on, "deadline": row.deadline}


def seize_asset(engine, actor, case_number, office, kind, description, officer=None, on=None,
                allow_duplicate: bool = False, debtors=(), creditors=()) -> dict:
    """Record a seizure (a duplicate refused unless ``allow_duplicate``); what :func:`seized` says."""
    if not allow_duplicate:
        refuse_duplicate(engine, office, case_number, description)
    return seized(engine, seize(engine, actor, case_number, office, kind, description, officer, on, debtors,
                                creditors))


def advance(engine, asset_id, trigger, actor, on=None, sets: list[str] | tuple = (), reason=None,
            expected_version: int | None = None, buyer=None):
    """Fire ``trigger`` with the paper the workflow gives it; ``sets`` are ``FIELD=VALUE`` strings as
    given on the command line.

    ``expected_version``: refuse as a conflict if the asset is no longer at that version.
    ``buyer``: the id of the party who bought, one the actor may see, or its full identity number as
    ``parties.ByNumber`` (a step that records a buyer: its ``buyer`` field is that party's name, and
    the party is linked as buyer).
    """
    fields = {}
    for item in sets:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise UsageError("bad_set", value=shown(item))
        fields[name.strip()] = value
    papers = casefile_steps.step_papers(engine, actor, asset_id, trigger, fields, buyer)
    return eng.fire(engine, asset_id, trigger, actor, on=on, fields=fields, reason=reason,
                    expected_version=expected_version, issue=papers)


def _visible(conn, user: dict, office_id: int) -> bool:
    return user["role"] == "admin" or authz.in_scope(conn, user, office_id)


def _describe(row: dict, lang: str, on) -> dict:
    wf = workflow_mod.get(row["workflow"], row["workflow_version"])
    deadline = row["deadline"]
    return {
        "id": row["id"], "case_number": row["case_number"], "description": row["description"],
        "kind": row["kind"], "office": row["office_code"], "officer": row["officer_username"],
        "state": row["state"], "state_label": wf.states[row["state"]].labels[lang],
        "state_entered_on": row["state_entered_on"], "suspended_days": row["suspended_days"], "deadline": deadline,
        "deadline_basis": row["deadline_basis"], "regime": row["deadline_regime"],
        "days_left": (deadline - on).days if deadline else None,
        "overdue": bool(deadline and on > deadline),
        "allowed_triggers": wf.triggers_from(row["state"]),
        "appraised_price": row["appraised_price"], "price": row["price"], "sale_price": row["sale_price"],
        "buyer": row["buyer"], "appraisal_org": row["appraisal_org"], "auction_org": row["auction_org"],
        "auction_date": row["auction_date"], "reductions": row["reduction_count"],
        "version": row["version"], "workflow": f"{row['workflow']} v{row['workflow_version']}",
    }


def notice_view(conn, row: dict) -> dict:
    """The appraisal certificate's validity, and the notice the parties were sent with each party's day
    of receipt and the end of the window it opens (``valid_until``, ``notice``; core.receipts)."""
    wf = workflow_mod.get(row["workflow"], row["workflow_version"])
    valid = checks.facts_of(row).get("valid_until")
    trig = wf.triggers.get("record_receipt")
    roles = trig.params.get("parties", ()) if trig else ()
    names = {p["id"]: p["name"] for p in receipts.parties_in(conn, row["id"], roles)} if roles else {}
    return {"valid_until": dt.date.fromisoformat(valid) if valid else None,
            "notice": receipts.windows(conn, wf, row, WorkCalendar.from_db(conn), names)}


def _query():
    return (select(assets, offices.c.code.label("office_code"), users.c.username.label("officer_username"))
            .join(offices, offices.c.id == assets.c.office_id)
            .outerjoin(users, users.c.id == assets.c.officer_id))


def history(conn, asset_id: int) -> list[dict]:
    rows = conn.execute(select(audit_log).where(audit_log.c.asset_id == asset_id).order_by(audit_log.c.seq))
    return [{"seq": r.seq, "event": r.event, "trigger": r.trigger, "from": r.from_state, "to": r.to_state,
             "on": r.business_date, "actor": r.actor, "role": r.role, "reason": r.reason, "recorded_at": r.recorded_at,
             "changes": json.loads(r.changes), "imported": r.imported} for r in rows]


def step_forms(row: dict, role: str, open_obligations=()) -> list[dict]:
    """The triggers ``role`` may fire now on the asset ``row`` (its state, workflow and version), each with
    the fields its definition asks for (``name``, ``type``: text, money, date, count or choice, ``choices``)
    and whether it needs a reason: what the web desk draws as forms. A step that closes an obligation
    is among them only while one of its kind is open (``open_obligations``: names)."""
    wf = workflow_mod.get(row["workflow"], row["workflow_version"])
    out = []
    for name in eng.allowed_triggers(wf, row, role, open_obligations):
        trig = wf.triggers[name]
        out.append({"trigger": name, "reason_required": trig.reason_required,
                    "fields": [{"name": f.name, "type": f.type, "choices": list(f.choices)} for f in trig.fields]})
    return out


def open_obligations(conn, asset_id: int, lang: str, on) -> list[dict]:
    """The asset's open obligations (its side clocks), nearest due first, as of ``on``: each with the
    step that closes it."""
    out = []
    for r in obligations.open_rows(conn, asset_id):
        out.append({"name": r["name"], "label": term("obligation", r["name"], lang), "starts_on": r["starts_on"],
                    "due": r["due"], "days_left": (r["due"] - on).days, "overdue": on > r["due"],
                    "basis": r["basis"], "regime": r["regime"], "opened_seq": r["opened_seq"]})
    return out


def _by_case(conn, user: dict, text: str) -> int:
    """The id of the one asset the user may see whose case number is ``text``; several are listed
    and refused, none is not found."""
    rows = conn.execute(_query().where(assets.c.case_number == text).order_by(assets.c.id)).mappings().all()
    seen = [r for r in rows if _visible(conn, user, r["office_id"])]
    if not seen:
        raise NotFound("case_not_found", case=text)
    if len(seen) > 1:
        raise InvalidInput("case_several", case=text, n=len(seen), assets="; ".join(
            f"{r['id']} ({r['office_code']}, {r['state']}, {shown(r['description'][:40])})" for r in seen))
    return seen[0]["id"]


def show(engine, asset_id, actor, lang: str = "en", forms: bool = False, on=None) -> dict:
    """Where the asset stands and its history, as of ``on`` (default today); ``asset_id`` may be a
    case number that names exactly one asset the actor may see. With ``forms``, also the steps the
    actor may take now (:func:`step_forms`), under ``"forms"``."""
    with db.reading(engine) as conn:
        user = eng.load_actor(conn, actor)
        text = str(asset_id).strip()
        if not isinstance(asset_id, int) and not text.isdigit():  # (digits other than 0-9: refused as such)
            asset_id = _by_case(conn, user, check_text(text, "ID|CASE"))
        asset = eng.load_asset(conn, asset_id)
        if not _visible(conn, user, asset["office_id"]):
            denied = PermissionDenied("office_denied", user=user["username"], action="read",
                                      user_office=user.get("office_code") or "-", office=asset["office_code"])
        else:
            denied = None
            row = conn.execute(_query().where(assets.c.id == asset["id"])).mappings().one()
            out = _describe(dict(row), lang, on or today())
            out.update(notice_view(conn, dict(row)))
            duties = open_obligations(conn, asset["id"], lang, on or today())
            out["obligations"] = duties
            names = {d["name"] for d in duties}
            wf = workflow_mod.get(row["workflow"], row["workflow_version"])
            out["allowed_triggers"] = wf.triggers_from(row["state"], names)
            out["history"] = history(conn, asset["id"])
            if forms:
                out["forms"] = step_forms(dict(row), user["role"], names)
    if denied:
        authz.record_denial(engine, user, "read", asset["id"], asset["office_code"], str(denied))
        raise denied
    return out


def list_assets(engine, actor, state=None, office=None, overdue=False, lang="en", limit=None,
                officer: str | None = None, on=None) -> list[dict]:
    """The assets ``actor`` may see, nearest deadline first, as of ``on`` (default today);
    ``officer``: only those assigned to that user."""
    on = parse_date(on, "--now") if on is not None else today()
    with db.reading(engine) as conn:
        user = eng.load_actor(conn, actor)
        q = _query().order_by(assets.c.deadline.is_(None), assets.c.deadline, assets.c.id)
        scope = authz.visible_offices(conn, user)
        if scope is not None:  # the offices in reach, in the query (the rows are checked again below)
            q = q.where(assets.c.office_id.in_(list(scope)))
        if officer:
            q = q.where(users.c.username == officer)
        if state:
            known = set(workflow_mod.get().states)
            if state not in known:  # a typo must not read as "no asset in that state"
                raise InvalidInput("bad_choice", field="--state", choices=", ".join(sorted(known)), value=state)
            q = q.where(assets.c.state == state)
        if office:
            office_id = conn.execute(select(offices.c.id).where(offices.c.code == office)).scalar()
            if office_id is None:
                raise NotFound("office_not_found", office=office)
            q = q.where(assets.c.office_id == office_id)
        if overdue:
            q = q.where(assets.c.deadline < on)
        if limit:
            q = q.limit(limit)
        visible_cache: dict[int, bool] = {}
        out = []
        for row in conn.execute(q).mappings():
            oid = row["office_id"]
            if oid not in visible_cache:
                visible_cache[oid] = _visible(conn, user, oid)
            if visible_cache[oid]:
                out.append(_describe(dict(row), lang, on))
        return out


def reassign(engine, asset_id, actor, to_user, reason, on=None) -> dict:
    """Give an asset to another officer (supervisors of its office or above), audited."""
    return asdict(amend.reassign(engine, asset_id, actor, to_user, reason, on))


def correct(engine, asset_id, actor, sets, reason, on=None) -> dict:
    """Correct descriptive fields of an asset, audited with their before and after."""
    return asdict(amend.correct(engine, asset_id, actor, sets, reason, on))
