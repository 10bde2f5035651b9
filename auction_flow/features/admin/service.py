"""Administration: the first admin, offices, users, days off. Every change is audited."""

from __future__ import annotations

import re

from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError

from auction_flow.common.config import now_utc
from auction_flow.common.errors import InvalidInput, NotFound, PermissionDenied
from auction_flow.core import admin_events
from auction_flow.core.authz import office_chain, visible_offices
from auction_flow.core.calendar import WorkCalendar
from auction_flow.core.engine import load_actor, require_role
from auction_flow.core.fields import check_values, parse_date, parse_year
from auction_flow.storage import db
from auction_flow.storage.schema import calendar_days, offices, users

ROLES = ("officer", "supervisor", "procurator", "admin")


def _audit(conn, actor: dict, event: str, changes: dict, reason: str | None = None, office: str | None = None):
    admin_events.record(conn, actor, event, changes, reason, office)


def users_page(engine, actor: str | None) -> dict:
    """What the web desk's users page shows an administrator: every user and every office; anyone
    else is refused (an ``access_log`` row)."""
    _require_admin(engine, actor, "user list")
    return {"users": list_users(engine), "offices": list_offices(engine)}


def user_for_admin(engine, actor: str | None, username: str, action: str) -> dict:
    """One user's row as :func:`list_users` gives it, for an administrator about to act on it (the
    users page's question before a reset or a deactivation); anyone else is refused with an
    ``access_log`` row naming ``action``; an unknown name is :class:`NotFound`."""
    _require_admin(engine, actor, action)
    with db.reading(engine) as conn:
        row = conn.execute(_USERS.where(users.c.username == username)).first()
    if row is None:
        raise NotFound("user_not_found", user=username)
    return dict(row._mapping)


USERNAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def _username(value: str | None, field: str) -> str:
    """A new user's name as typed, if it is one: ASCII letters, digits and ``. _ -`` (it is typed after
    ``--as``, read in every audit row and sits in the web desk's addresses); else refused naming ``field``."""
    name = (value or "").strip()
    if not name:
        raise InvalidInput("empty_text", field=field)
    if not USERNAME.fullmatch(name):
        raise InvalidInput("bad_username", field=field, value=name)
    return name


def _require_admin(engine, actor: str | None, action: str) -> None:
    """Refuse anyone but an administrator before anything is read or checked: the refusal is an
    ``access_log`` row (in a transaction of its own), as every refusal for role or scope."""
    require_role(engine, actor, ("admin",), action)


def _admin(conn, actor: str | None) -> dict:
    user = load_actor(conn, actor)
    if user["role"] != "admin":
        raise PermissionDenied("role_denied", user=user["username"], role=user["role"],
                               action="administer", allowed_roles="admin")
    return user


def init(url: str, admin: str, name: str | None = None, password_hash: str | None = None) -> dict:
    """Create the schema if needed and the first administrator, only on an empty database.

    ``password_hash``: the administrator's password as ``features.identity`` hashes it (the
    front end hashes it; no password reaches this module)."""
    admin = _username(admin, "--admin")
    check_values(users, {"username": admin, "name": (name or admin).strip()},
                 {"username": "--admin", "name": "--name"})
    db.prepare(url)
    engine = db.get_engine(url)
    if db.current_revision(engine) is not None:  # refuse before touching the schema
        with engine.connect() as conn:
            if conn.execute(select(func.count()).select_from(users)).scalar():
                raise InvalidInput("not_empty")
    db.upgrade(url)
    engine = db.open_db(url)
    with db.writing(engine) as conn:
        if conn.execute(select(func.count()).select_from(users)).scalar():
            raise InvalidInput("not_empty")
        conn.execute(insert(users).values(username=admin, name=name or admin, role="admin",
                                          office_id=None, active=True, created_at=now_utc(),
                                          password_hash=password_hash, must_change_password=False,
                                          password_changed_at=now_utc() if password_hash else None))
        _audit(conn, {"username": admin, "role": "admin"}, "user_added",
               {"username": (None, admin), "role": (None, "admin"), "office": (None, None)})
    return {"username": admin, "role": "admin", "database": url}


def add_office(engine, actor: str | None, code: str, name: str, parent: str | None = None) -> dict:
    _require_admin(engine, actor, "office add")
    code, name = (code or "").strip(), (name or "").strip()
    if not code or not name:
        raise InvalidInput("empty_text", field="CODE" if not code else "NAME")
    check_values(offices, {"code": code, "name": name}, {"code": "CODE", "name": "NAME"})
    with db.writing(engine) as conn:
        user = _admin(conn, actor)
        parent_id = None
        if parent:
            parent_id = conn.execute(select(offices.c.id).where(offices.c.code == parent)).scalar()
            if parent_id is None:
                raise NotFound("office_not_found", office=parent)
        if conn.execute(select(offices.c.id).where(offices.c.code == code)).scalar() is not None:
            raise InvalidInput("duplicate", what="office", value=code)
        conn.execute(insert(offices).values(code=code, name=name, parent_id=parent_id, created_at=now_utc()))
        _audit(conn, user, "office_added", {"code": (None, code), "name": (None, name),
                                            "parent": (None, parent)}, office=code)
    return {"code": code, "name": name, "parent": parent}


def list_offices(engine) -> list[dict]:
    parent = offices.alias("parent")
    with db.reading(engine) as conn:
        rows = conn.execute(select(offices.c.code, offices.c.name, parent.c.code.label("parent"))
                            .outerjoin(parent, parent.c.id == offices.c.parent_id).order_by(offices.c.code))
        return [dict(r._mapping) for r in rows]


def add_user(engine, actor: str | None, username: str, role: str, office: str | None,
             name: str | None = None, email: str | None = None, password_hash: str | None = None,
             must_change_password: bool = False) -> dict:
    """Add a user. ``password_hash`` as ``features.identity`` hashes it (none: the user cannot
    sign in until an administrator sets a password); ``must_change_password``: the user must
    choose a new one at the first sign-in."""
    _require_admin(engine, actor, "user add")
    username = _username(username, "USERNAME")
    if role not in ROLES:
        raise InvalidInput("bad_role", roles=", ".join(ROLES), value=role)
    check_values(users, {"username": username, "name": (name or username).strip(), "email": email},
                 {"username": "USERNAME", "name": "--name", "email": "--email"})
    with db.writing(engine) as conn:
        user = _admin(conn, actor)
        office_id = None
        if office:
            office_id = conn.execute(select(offices.c.id).where(offices.c.code == office)).scalar()
            if office_id is None:
                raise NotFound("office_not_found", office=office)
        elif role != "admin":
            raise InvalidInput("no_office", role=role)
        if conn.execute(select(users.c.id).where(users.c.username == username)).scalar() is not None:
            raise InvalidInput("duplicate", what="user", value=username)
        conn.execute(insert(users).values(username=username, name=(name or username).strip(), role=role,
                                          office_id=office_id, email=email, active=True, created_at=now_utc(),
                                          password_hash=password_hash,
                                          must_change_password=bool(must_change_password and password_hash),
                                          password_changed_at=now_utc() if password_hash else None))
        changes = {"username": (None, username), "role": (None, role), "office": (None, office),
                   "email": (None, email)}
        if must_change_password and password_hash:
            changes["must_change_password"] = (None, True)
        _audit(conn, user, "user_added", changes, office=office)
    return {"username": username, "role": role, "office": office, "name": name or username, "email": email}


def change_user(engine, actor: str | None, username: str, role: str | None = None,
                office: str | None = None) -> dict:
    """Change a user's role or office (administrators), audited as ``user_changed``: who may do
    what follows from these two, so every change of either is in the chain."""
    _require_admin(engine, actor, "user change")
    if role is not None and role not in ROLES:
        raise InvalidInput("bad_role", roles=", ".join(ROLES), value=role)
    with db.writing(engine) as conn:
        user = _admin(conn, actor)
        row = conn.execute(select(users.c.id, users.c.username, users.c.role, offices.c.code.label("office"))
                           .outerjoin(offices, offices.c.id == users.c.office_id)
                           .where(users.c.username == (username or "").strip())).mappings().first()
        if row is None:
            raise NotFound("user_not_found", user=username)
        new_role = role or row["role"]
        new_office = row["office"] if office is None else (office or None)
        office_id = None
        if new_office:
            office_id = conn.execute(select(offices.c.id).where(offices.c.code == new_office)).scalar()
            if office_id is None:
                raise NotFound("office_not_found", office=new_office)
        elif new_role != "admin":
            raise InvalidInput("no_office", role=new_role)
        changes = {k: (row[k], v) for k, v in (("role", new_role), ("office", new_office)) if row[k] != v}
        if not changes:
            raise InvalidInput("nothing_to_change", user=row["username"])
        conn.execute(update(users).where(users.c.id == row["id"]).values(role=new_role, office_id=office_id))
        _audit(conn, user, "user_changed", {"username": (row["username"], row["username"]), **changes},
               office=new_office)
    return {"username": row["username"], "role": new_role, "office": new_office}


def move_office(engine, actor: str | None, code: str, parent: str | None) -> dict:
    """Put an office under another one (or at the top: ``parent`` None), audited as
    ``office_moved``: supervisors and procurators reach the offices under theirs."""
    _require_admin(engine, actor, "office move")
    with db.writing(engine) as conn:
        user = _admin(conn, actor)
        row = conn.execute(select(offices.c.id, offices.c.code, offices.c.parent_id)
                           .where(offices.c.code == (code or "").strip())).mappings().first()
        if row is None:
            raise NotFound("office_not_found", office=code)
        parent_id = None
        if parent:
            parent_id = conn.execute(select(offices.c.id).where(offices.c.code == parent)).scalar()
            if parent_id is None:
                raise NotFound("office_not_found", office=parent)
            if row["id"] in office_chain(conn, parent_id):
                raise InvalidInput("office_cycle", office=row["code"], parent=parent)
        old = conn.execute(select(offices.c.code).where(offices.c.id == row["parent_id"])).scalar()
        if old == (parent or None):
            raise InvalidInput("nothing_to_change", user=row["code"])
        conn.execute(update(offices).where(offices.c.id == row["id"]).values(parent_id=parent_id))
        _audit(conn, user, "office_moved", {"code": (row["code"], row["code"]), "parent": (old, parent or None)},
               office=row["code"])
    return {"code": row["code"], "parent": parent or None}


_USERS = (select(users.c.username, users.c.name, users.c.role, offices.c.code.label("office"), users.c.email,
                 users.c.active).outerjoin(offices, offices.c.id == users.c.office_id))


def list_users(engine, actor: str | None = None) -> list[dict]:
    """Every user (the administrator's page), or, for ``actor`` (``user list``), the users of the
    offices whose records the actor may read: an administrator every user; a supervisor or a
    procurator those of their office and the offices under it; an officer their own office's. A
    user's e-mail address and the other offices' staff are not every signed-in user's to read."""
    with db.reading(engine) as conn:
        query = _USERS.order_by(users.c.username)
        if actor is not None:
            seen = visible_offices(conn, load_actor(conn, actor))
            if seen is not None:
                query = query.where(users.c.office_id.in_(list(seen)))
        return [dict(r._mapping) for r in conn.execute(query)]


def add_day(engine, actor: str | None, day, name: str, kind: str) -> dict:
    """Record a day off the government declared (kind=holiday) or a make-up working day."""
    _require_admin(engine, actor, "holiday add" if kind == "holiday" else "holiday workday")
    day = parse_date(day, "DATE")
    if not (name or "").strip():
        raise InvalidInput("empty_text", field="NAME")
    check_values(calendar_days, {"name": name.strip()}, {"name": "NAME"})
    with db.writing(engine) as conn:
        user = _admin(conn, actor)
        try:
            with conn.begin_nested():
                conn.execute(insert(calendar_days).values(day=day, kind=kind, name=name.strip(),
                                                          created_by=user["username"], created_at=now_utc()))
        except IntegrityError:
            existing = conn.execute(select(calendar_days.c.name).where(calendar_days.c.day == day)).scalar()
            raise InvalidInput("holiday_exists", day=day, name=existing) from None
        _audit(conn, user, "holiday_added" if kind == "holiday" else "workday_added",
               {"day": (None, day), "name": (None, name.strip())})
    return {"day": day, "kind": kind, "name": name.strip()}


def list_days(engine, year: int, lang: str = "en") -> list[dict]:
    year = parse_year(year)
    with db.reading(engine) as conn:
        cal = WorkCalendar.from_db(conn)
    return [{"day": d, "kind": k, "name": n, "weekday": d.strftime("%a")} for d, k, n in cal.days_off(year, lang)]


def is_working_day(engine, day) -> bool:
    with db.reading(engine) as conn:
        return WorkCalendar.from_db(conn).is_working_day(parse_date(day, "DATE"))
