"""Importing assets already in progress from a CSV file (docs/import.md)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from auction_flow.common.config import today
from auction_flow.common.errors import InvalidInput, PermissionDenied
from auction_flow.core import authz, bulk
from auction_flow.core import engine as eng
from auction_flow.core import workflow as workflow_mod
from auction_flow.features.imports import check as importer
from auction_flow.storage import db


IMPORTERS = ("admin", "supervisor")


def _importer(conn, actor: str | None) -> dict:
    user = eng.load_actor(conn, actor)
    if user["role"] not in IMPORTERS:
        raise PermissionDenied("import_actor", user=user["username"], role=user["role"])
    return user


def may_import(engine, actor: str | None) -> dict:
    """The user, when they may import at all (an administrator or a supervisor: the web desk's form);
    else the refusal is an ``access_log`` row and raised."""
    with db.reading(engine) as conn:
        try:
            return _importer(conn, actor)
        except PermissionDenied as exc:
            user, denied = eng.load_actor(conn, actor), exc
    authz.record_denial(engine, user, "import", None, user.get("office_code"), str(denied))
    raise denied


def import_assets(engine, path: str, actor: str | None, dry_run: bool = False) -> dict:
    """Check the whole file, then write every row in one transaction, or nothing.

    Returns {"file", "rows", "by_state", "dry_run", "ids": [first, last] or None}.
    """
    name = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise InvalidInput("import_unreadable", file=name, why=exc.strerror or str(exc)) from None
    return import_data(engine, data, name, actor, dry_run)


def import_data(engine, data: bytes, name: str, actor: str | None, dry_run: bool = False) -> dict:
    """:func:`import_assets` of a file's bytes already read (``name``: what messages call it; the
    web desk's upload)."""
    text = importer.decode(data, name)
    wf = workflow_mod.get()
    denied, office = None, None
    with db.reading(engine) as conn:
        try:
            user = _importer(conn, actor)
        except PermissionDenied as exc:
            user, denied = eng.load_actor(conn, actor), exc
            office = user.get("office_code")  # the refused user's own office
        if denied is None:
            try:
                checked = importer.check(conn, text, wf, today())
            except InvalidInput as exc:
                if exc.key == "import_empty":
                    raise InvalidInput("import_empty", file=name) from None
                raise
            if user["role"] == "supervisor":
                for code, office_id in sorted(checked.offices.items()):
                    if not authz.in_scope(conn, user, office_id):
                        denied = PermissionDenied("office_denied", user=user["username"], action="import",
                                                  user_office=user.get("office_code") or "-", office=code)
                        office = code  # the office refused: its supervisors read the row too
                        break
    if denied is not None:
        authz.record_denial(engine, user, "import", None, office, str(denied))
        raise denied
    if checked.errors:
        bad_lines = {ln for ln, _, _ in checked.errors}
        raise InvalidInput("import_rejected", file=name, count=len(bad_lines),
                           errors=importer.ErrorList(checked.errors))
    by_state = dict(sorted(Counter(r["steps"][-1]["to"] for r in checked.records).items()))
    ids = None
    if not dry_run and checked.records:
        new = bulk.import_assets(engine, checked.records, user, wf)
        ids = [new[0], new[-1]]
    return {"file": name, "rows": len(checked.records), "by_state": by_state, "dry_run": dry_run, "ids": ids}
