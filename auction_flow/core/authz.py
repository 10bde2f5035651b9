"""Who may do what where: roles from the workflow, office scope from the office tree.

Officer: its own office. Supervisor: its office and the offices under it. Procurator:
reads the offices it supervises, changes nothing. Administrator: fires no asset trigger.
Every refusal is written to ``access_log`` (never to the asset or its audit chain), with the
chained ``access_denied`` audit row that carries it.
"""

from __future__ import annotations

from sqlalchemy import insert, select

from auction_flow.common.config import now_utc, today
from auction_flow.common.context import current_via
from auction_flow.common.errors import NotFound, PermissionDenied
from auction_flow.core import audit
from auction_flow.storage.db import writing
from auction_flow.storage.schema import access_log, offices

SCOPED_DOWN = ("supervisor", "procurator")  # reach the offices under their own


def office_chain(conn, office_id: int | None) -> list[int]:
    """The office and its ancestors, nearest first."""
    chain = []
    while office_id is not None and office_id not in chain:
        chain.append(office_id)
        office_id = conn.execute(select(offices.c.parent_id).where(offices.c.id == office_id)).scalar()
    return chain


def offices_under(conn, office_id: int) -> list[int]:
    """The office and every office below it (the reach of its supervisors and procurators)."""
    children: dict[int | None, list[int]] = {}
    for oid, parent in conn.execute(select(offices.c.id, offices.c.parent_id)):
        children.setdefault(parent, []).append(oid)
    out, todo = [], [office_id]
    while todo:
        oid = todo.pop()
        if oid not in out:
            out.append(oid)
            todo.extend(children.get(oid, ()))
    return out


def in_scope(conn, actor: dict, office_id: int) -> bool:
    if actor["office_id"] is None:
        return False
    if actor["office_id"] == office_id:
        return True
    return actor["role"] in SCOPED_DOWN and actor["office_id"] in office_chain(conn, office_id)


def visible_offices(conn, user: dict) -> dict[int, str] | None:
    """{office id: code} of the offices whose records ``user`` may read; None means every office
    (administrators). Officers read their own office; supervisors and procurators theirs and
    every office under it."""
    if user["role"] == "admin":
        return None
    if user["office_id"] is None:
        return {}
    reach = offices_under(conn, user["office_id"]) if user["role"] in SCOPED_DOWN else [user["office_id"]]
    codes = dict(conn.execute(select(offices.c.id, offices.c.code).where(offices.c.id.in_(reach))).all())
    return {oid: codes[oid] for oid in reach if oid in codes}


def subtree(conn, code: str) -> dict[int, str]:
    """The office ``code`` and every office under it, {id: code}."""
    root = conn.execute(select(offices.c.id).where(offices.c.code == code)).scalar()
    if root is None:
        raise NotFound("office_not_found", office=code)
    under = offices_under(conn, root)
    codes = dict(conn.execute(select(offices.c.id, offices.c.code).where(offices.c.id.in_(under))).all())
    return {oid: codes[oid] for oid in under}


def office_codes(conn, user: dict, office: str | None) -> list[str] | None:
    """The office codes a query of ``user`` is limited to, narrowed to ``office`` and the offices
    under it when given (None: no limit)."""
    seen = visible_offices(conn, user)
    if office:
        wanted = subtree(conn, office)
        return [c for oid, c in wanted.items() if seen is None or oid in seen]
    return None if seen is None else list(seen.values())


def check(conn, actor: dict, action: str, roles: tuple[str, ...], office_id: int, office_code: str):
    """Raise PermissionDenied unless ``actor`` may do ``action`` on an asset of ``office_id``."""
    if actor["role"] not in roles:
        raise PermissionDenied("role_denied", user=actor["username"], role=actor["role"], action=action,
                               allowed_roles=", ".join(roles))
    if not in_scope(conn, actor, office_id):
        raise PermissionDenied("office_denied", user=actor["username"], action=action,
                               user_office=actor.get("office_code") or "-", office=office_code)


def record_denial(engine, actor: dict | None, action: str, asset_id, office: str | None, reason: str):
    """Write one access_log row in a transaction of its own (the refused one has rolled back)."""
    with writing(engine) as conn:
        log_refusal(conn, (actor or {}).get("username", "?"), (actor or {}).get("role"), action, asset_id, office,
                    reason, current_via())


def log_refusal(conn, actor: str, role: str | None, action: str, asset_id, office: str | None, reason: str,
                via: str | None = None) -> int:
    """One access_log row and the chained ``access_denied`` audit row that carries it, in ``conn``:
    ``audit verify`` matches the two both ways, so a refusal deleted or altered shows."""
    at = now_utc()
    values = dict(at=at, actor=actor, role=role, action=action, asset_id=asset_id, office=office, reason=reason,
                  via=via)
    new_id = conn.execute(insert(access_log).values(**values)).inserted_primary_key[0]
    changes = {"access": (None, new_id), **{("asset" if k == "asset_id" else k): (None, v) for k, v in values.items()}}
    audit.append(conn, audit.GENESIS, asset_id=None, seq=None, event="access_denied", trigger=None, from_state=None,
                 to_state=None, actor=actor, role=role or "-", office=office, business_date=today(),
                 recorded_at=at, reason=None, changes=audit.changes_json(changes), imported=False, via=via)
    return new_id
