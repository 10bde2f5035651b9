"""Parties: debtors, creditors, buyers and bidders, each with an identity number, linked to assets in
their roles (and so to the assets' cases).

A party is registered once, nationally unique by its identity number (a second registration is
refused and names the party already there, so an officer links that one instead): the same person
is the same party in every office, which is what lets "one buyer winning many auctions" count people,
not spellings of a name. Registering and linking are an officer's or supervisor's work; linking is an
audit row on the asset's chain. A party is visible to a user who may read its office's records or
those of an asset it is linked to.

Every step that links a party (``party link``, a seizure's debtors and creditors, a sale's buyer)
names it by :func:`resolve`: a party id must be one the actor may see (else refused before anything
is written, and an ``access_log`` row), so nobody links, and so comes to see, a party of another
office by guessing ids. The same person may be a party in two offices (a debtor with assets in two
provinces): an officer links a party registered by another office by giving its full identity
number exactly (:class:`ByNumber`), knowing it being the proof; never by a partial number or a name.
Such lookups that reach outside the actor's scope are limited per user (:mod:`number_guard`): the
misses (numbers of no party) are logged, and too many of them in a while refuse further lookups.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, exists, func, insert, or_, select
from sqlalchemy.exc import IntegrityError

from auction_flow.common.config import now_utc, today
from auction_flow.common.errors import InvalidInput, NotFound, PermissionDenied
from auction_flow.core import amend, authz
from auction_flow.core.engine import load_actor, load_asset
from auction_flow.features.casefile import identity, number_guard
from auction_flow.storage import db
from auction_flow.storage.schema import asset_parties, assets, offices, parties

ROLES = ("debtor", "creditor", "buyer", "bidder")
WRITERS = ("officer", "supervisor")


@dataclass(frozen=True)
class ByNumber:
    """A party named by its full identity number (as registered; spaces and dashes aside), not by its
    id: what lets an officer link a party that another office registered."""

    number: str

    def __str__(self) -> str:
        return self.number


def full_number(typed) -> str:
    """An identity number as typed, without the spaces and dashes it may be written with."""
    return "".join(ch for ch in str(typed or "") if not ch.isspace() and ch != "-")


def _int(value, key: str, **params) -> int:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise NotFound(key, **params) from None
    if not 0 < number < 2**63:
        raise NotFound(key, **params)
    return number


def _row(conn, party_id) -> dict:
    pid = _int(party_id, "cf.party_not_found", party=party_id)
    row = conn.execute(select(parties, offices.c.code.label("office")).join(offices, offices.c.id == parties.c.office_id)
                       .where(parties.c.id == pid)).mappings().first()
    if row is None:
        raise NotFound("cf.party_not_found", party=party_id)
    return dict(row)


def visible(conn, user: dict, party: dict, seen=...) -> bool:
    """Whether ``user`` may see ``party`` (``seen``: the user's visible offices, when already read)."""
    if seen is ...:
        seen = authz.visible_offices(conn, user)
    if seen is None or party["office_id"] in seen:
        return True
    if not seen:
        return False
    linked = (select(asset_parties.c.id).join(assets, assets.c.id == asset_parties.c.asset_id)
              .where(asset_parties.c.party_id == party["id"], assets.c.office_id.in_(list(seen))).limit(1))
    return conn.execute(linked).first() is not None


def public(party: dict) -> dict:
    return {"id": party["id"], "kind": party["kind"], "name": party["name"], "id_number": party["id_number"],
            "address": party["address"], "office": party.get("office")}


def _refuse(engine, user, action, office_code, exc):
    authz.record_denial(engine, user, action, None, office_code, str(exc))
    raise exc


def add(engine, actor, name: str, id_number: str, kind: str = "person", address: str | None = None) -> dict:
    """Register a party in the actor's office; return it (with its id)."""
    name = " ".join((name or "").split())
    if not name:
        raise InvalidInput("empty_text", field="NAME")
    number = identity.check(kind, id_number, today())
    address = " ".join((address or "").split()) or None
    with db.reading(engine) as conn:
        user = load_actor(conn, actor)
    if user["role"] not in WRITERS or user["office_id"] is None:
        _refuse(engine, user, "party_add", user.get("office_code"), PermissionDenied(
            "role_denied", user=user["username"], role=user["role"], action="party_add",
            allowed_roles=", ".join(WRITERS)))
    try:
        with db.writing(engine) as conn:
            held = conn.execute(select(parties.c.id, parties.c.name).where(parties.c.id_number == number)).first()
            if held is not None:
                raise InvalidInput("cf.party_exists", number=number, id=held.id)
            new_id = conn.execute(insert(parties).values(
                kind=kind, name=name, id_number=number, address=address, office_id=user["office_id"],
                created_by=user["username"], created_at=now_utc())).inserted_primary_key[0]
    except IntegrityError:  # registered by someone else a moment ago
        with db.reading(engine) as conn:
            held = conn.execute(select(parties.c.id).where(parties.c.id_number == number)).scalar()
        raise InvalidInput("cf.party_exists", number=number, id=held) from None
    return {"id": new_id, "kind": kind, "name": name, "id_number": number, "address": address,
            "office": user["office_code"]}


def load_visible(engine, actor, party_id) -> tuple[dict, dict]:
    """(the user, the party) if the user may see the party; else refused (and logged)."""
    with db.reading(engine) as conn:
        user = load_actor(conn, actor)
        party = _row(conn, party_id)
        ok = visible(conn, user, party)
    if not ok:
        _refuse(engine, user, "party_read", party["office"], PermissionDenied(
            "cf.party_denied", user=user["username"], party=party["id"]))
    return user, party


def links_of_party(conn, party_id: int, seen) -> list[dict]:
    q = (select(asset_parties.c.asset_id, asset_parties.c.role, asset_parties.c.linked_on, assets.c.case_number,
                assets.c.description, assets.c.state, offices.c.code.label("office"))
         .join(assets, assets.c.id == asset_parties.c.asset_id).join(offices, offices.c.id == assets.c.office_id)
         .where(asset_parties.c.party_id == party_id).order_by(assets.c.case_number, asset_parties.c.asset_id))
    if seen is not None:
        q = q.where(assets.c.office_id.in_(list(seen)))
    return [dict(r) for r in conn.execute(q).mappings()]


def show(engine, actor, party_id) -> dict:
    """A party and the assets (with their cases) it is linked to, in the roles it has there."""
    user, party = load_visible(engine, actor, party_id)
    with db.reading(engine) as conn:
        out = public(party)
        out["assets"] = links_of_party(conn, party["id"], authz.visible_offices(conn, user))
    out["cases"] = sorted({a["case_number"] for a in out["assets"]})
    return out


def list_parties(engine, actor, role: str | None = None, limit: int | None = 200) -> list[dict]:
    """The parties the actor may see, by name (``role``: only those linked in that role)."""
    if role is not None and role not in ROLES:
        raise InvalidInput("bad_choice", field="--role", choices=", ".join(ROLES), value=role)
    with db.reading(engine) as conn:
        user = load_actor(conn, actor)
        seen = authz.visible_offices(conn, user)
        q = select(parties, offices.c.code.label("office")).join(offices, offices.c.id == parties.c.office_id)
        link = (select(asset_parties.c.id).join(assets, assets.c.id == asset_parties.c.asset_id)
                .where(asset_parties.c.party_id == parties.c.id))
        if role:
            link = link.where(asset_parties.c.role == role)
        if seen is not None:
            ids = list(seen)
            mine = exists(link.where(assets.c.office_id.in_(ids)))
            q = q.where(and_(mine) if role else or_(parties.c.office_id.in_(ids), mine))
        elif role:
            q = q.where(exists(link))
        q = q.order_by(func.lower(parties.c.name), parties.c.id)
        if limit:
            q = q.limit(limit)
        return [public(dict(r)) for r in conn.execute(q).mappings()]


def of_asset(conn, asset_id: int) -> list[dict]:
    """The parties linked to an asset, by role then name."""
    order = {r: i for i, r in enumerate(ROLES)}
    q = (select(parties, asset_parties.c.role, asset_parties.c.linked_on)
         .join(asset_parties, asset_parties.c.party_id == parties.c.id).where(asset_parties.c.asset_id == asset_id))
    rows = [dict(r) for r in conn.execute(q).mappings()]
    rows.sort(key=lambda r: (order.get(r["role"], 9), r["name"], r["id"]))
    return [{"party_id": r["id"], "role": r["role"], "name": r["name"], "kind": r["kind"],
             "id_number": r["id_number"], "address": r["address"], "linked_on": r["linked_on"]} for r in rows]


def asset_parties_view(engine, actor, asset_id) -> list[dict]:
    """``asset parties ID``: the asset's parties in their roles (readers of the asset's office)."""
    with db.reading(engine) as conn:
        user = load_actor(conn, actor)
        asset = load_asset(conn, asset_id)
        seen = authz.visible_offices(conn, user)
        ok = seen is None or asset["office_id"] in seen
        rows = of_asset(conn, asset["id"]) if ok else None
    if rows is None:
        exc = PermissionDenied("office_denied", user=user["username"], action="read",
                               user_office=user.get("office_code") or "-", office=asset["office_code"])
        authz.record_denial(engine, user, "read", asset["id"], asset["office_code"], str(exc))
        raise exc
    return rows


def insert_link(conn, asset_id: int, party: dict, role: str, on, username: str) -> dict:
    """One party linked to an asset in a role, inside the caller's transaction (a link held already
    is refused)."""
    held = conn.execute(select(asset_parties.c.id).where(
        asset_parties.c.asset_id == asset_id, asset_parties.c.party_id == party["id"],
        asset_parties.c.role == role)).first()
    if held is not None:
        raise InvalidInput("cf.already_linked", party=party["id"], asset=asset_id, role=role)
    conn.execute(insert(asset_parties).values(asset_id=asset_id, party_id=party["id"], role=role, linked_on=on,
                                              created_by=username, created_at=now_utc()))
    return {"id": party["id"], "role": role, "name": party["name"]}


def by_number(conn, number) -> dict | None:
    """The party registered with exactly this full identity number, if any."""
    full = full_number(number)
    if not (full.isascii() and full.isdigit()):
        return None
    row = conn.execute(select(parties, offices.c.code.label("office")).join(offices, offices.c.id == parties.c.office_id)
                       .where(parties.c.id_number == full)).mappings().first()
    return dict(row) if row is not None else None


def by_number_checked(engine, user: dict, number) -> dict | None:
    """The party with this full identity number, if any, looked up within the limit of
    :mod:`number_guard`: a party ``user`` may see is found as ever; otherwise (another office's party,
    or no party) the lookup is refused if the user has had too many misses lately, and one that finds
    no party is a miss. A number not of a full number's length is no party's, found without looking."""
    full = full_number(number)
    if not number_guard.full_shaped(full):
        return None
    with db.reading(engine) as conn:
        party = by_number(conn, full)
        if party is not None and visible(conn, user, party):
            return party
    return number_guard.looked_up(engine, user, full, lambda conn: by_number(conn, full))


def by_numbers(engine, actor, numbers, at_most: int = 50) -> dict[int, dict]:
    """The parties registered with these full identity numbers (those that are some party's), by id;
    each looked up as :func:`by_number_checked`."""
    with db.reading(engine) as conn:
        user = load_actor(conn, actor)
    found = [by_number_checked(engine, user, n) for n in list(numbers)[:at_most]]
    return {p["id"]: p for p in found if p is not None}


def resolve(engine, actor, refs, action: str = "party_link") -> list[dict]:
    """The parties a step links, in the order given: each a party id the actor may see, or a
    :class:`ByNumber` (any office's party, its full number being the proof, within the limit of
    :func:`by_number_checked`). An id of a party the actor may not see is refused
    (``cf.party_link_denied``, an ``access_log`` row for ``action``), an id or number of no party is
    not found; either before anything is written."""
    found: dict[int, tuple[dict, bool] | NotFound] = {}  # each id's (party, visible) or why none: one transaction
    with db.reading(engine) as conn:
        user = load_actor(conn, actor)
        seen = authz.visible_offices(conn, user)
        for i, ref in enumerate(refs):
            if not isinstance(ref, ByNumber):
                try:
                    party = _row(conn, ref)
                except NotFound as exc:
                    found[i] = exc
                else:
                    found[i] = (party, visible(conn, user, party, seen))
    out = []
    for i, ref in enumerate(refs):  # refused in the order given, numbers (which may write a miss) among them
        if isinstance(ref, ByNumber):
            party = by_number_checked(engine, user, ref.number)
            if party is None:
                raise NotFound("cf.party_number_not_found", number=ref.number)
        else:
            if isinstance(found[i], NotFound):
                raise found[i]
            party, ok = found[i]
            if not ok:
                _refuse(engine, user, action, party["office"], PermissionDenied(
                    "cf.party_link_denied", user=user["username"], party=party["id"]))
        out.append(party)
    return out


def link(engine, actor, party_id, asset_id, role: str, on=None) -> dict:
    """Link a party to an asset in a role: an audit row (``party_linked``) on the asset's chain.
    ``party_id``: an id of a party the actor may see, or a :class:`ByNumber` (see :func:`resolve`)."""
    if role not in ROLES:
        raise InvalidInput("bad_choice", field="--role", choices=", ".join(ROLES), value=role)
    [party] = resolve(engine, actor, [party_id])

    def write(conn, user, asset, day):
        return {"party": (None, insert_link(conn, asset["id"], party, role, day, user["username"]))}

    res = amend.annotate(engine, asset_id, actor, "party_link", WRITERS, "party_linked", write, on=on)
    return {"asset_id": res.asset_id, "party_id": party["id"], "role": role, "name": party["name"],
            "version": res.version}
