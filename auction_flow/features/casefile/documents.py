"""The papers of an asset: list, get, verify; and the templates an administrator may replace.

``verify`` hashes the stored bytes again and compares them with the hash the asset's audit chain
holds for the step that issued the paper (its row's ``changes.document.sha256``); the audit row itself
must still hash to its own ``hash`` (otherwise `audit verify` tells more). A template change is an
audited event (``template_set``); papers already issued keep their bytes and the template hash they
were made from.
"""

from __future__ import annotations

import io
import json
import zipfile

from jinja2 import TemplateError
from sqlalchemy import insert, select

from auction_flow.common.config import now_utc, today
from auction_flow.common.errors import InvalidInput, NotFound, PermissionDenied
from auction_flow.core import audit, authz
from auction_flow.core.engine import load_actor, load_asset, require_role
from auction_flow.core.workflow import documents_section
from auction_flow.features.casefile import blobs, papers
from auction_flow.storage import db
from auction_flow.storage.schema import attachments, audit_log, document_templates, documents

TEMPLATE_VARS = {
    "parent_office", "office", "number", "day", "month", "year", "case_number", "asset_id", "asset_description",
    "asset_kind", "basis", "regime", "signer_title", "signer_name", "amount", "amount_words", "amount_label",
    "debtors", "creditors", "buyers", "appraisal_org", "auction_org", "auction_date", "ground", "suspension",
    "reason", "step", "document_no", "document_on", "issued_by"}
MAX_TEMPLATE = 5 * 1024 * 1024


def readable_asset(engine, actor, asset_id) -> tuple[dict, dict]:
    with db.reading(engine) as conn:
        user = load_actor(conn, actor)
        asset = load_asset(conn, asset_id)
        seen = authz.visible_offices(conn, user)
    if seen is not None and asset["office_id"] not in seen:
        exc = PermissionDenied("office_denied", user=user["username"], action="read",
                               user_office=user.get("office_code") or "-", office=asset["office_code"])
        authz.record_denial(engine, user, "read", asset["id"], asset["office_code"], str(exc))
        raise exc
    return user, asset


def _public(r: dict, lang: str) -> dict:
    kind = documents_section.kinds().get(r["kind"])
    return {"id": r["id"], "asset_id": r["asset_id"], "number": r["number"], "kind": r["kind"],
            "kind_label": kind.labels[lang] if kind else r["kind"], "trigger": r["trigger"], "seq": r["seq"],
            "issued_on": r["issued_on"], "sha256": r["sha256"], "template_sha256": r["template_sha256"],
            "created_by": r["created_by"]}


def list_documents(engine, actor, asset_id, lang: str = "en") -> list[dict]:
    """The papers issued for an asset, in the order of its steps."""
    _, asset = readable_asset(engine, actor, asset_id)
    with db.reading(engine) as conn:
        rows = conn.execute(select(documents).where(documents.c.asset_id == asset["id"]).order_by(documents.c.seq))
        return [_public(dict(r), lang) for r in rows.mappings()]


def _document(engine, doc_id) -> dict:
    try:
        did = int(str(doc_id).strip())
    except ValueError:
        raise NotFound("cf.document_not_found", id=doc_id) from None
    with db.reading(engine) as conn:
        row = conn.execute(select(documents).where(documents.c.id == did)).mappings().first() \
            if 0 < did < 2**63 else None
    if row is None:
        raise NotFound("cf.document_not_found", id=doc_id)
    return dict(row)


def get(engine, actor, doc_id, lang: str = "en") -> tuple[dict, bytes]:
    """A paper and its stored bytes."""
    row = _document(engine, doc_id)
    readable_asset(engine, actor, row["asset_id"])
    with db.reading(engine) as conn:
        data = blobs.get(conn, row["sha256"])
    if data is None:
        raise InvalidInput("cf.document_tampered", number=row["number"], id=row["id"], asset=row["asset_id"],
                           found="-", chain=row["sha256"])
    return _public(row, lang), data


def _chain_row(conn, asset_id: int, seq: int):
    return conn.execute(select(audit_log).where(audit_log.c.asset_id == asset_id, audit_log.c.seq == seq)).mappings().first()


def check(conn, kind: str, row: dict, key: str) -> dict:
    """Hash a paper's (or a scan's) stored bytes against its audit row; the finding, ok or not."""
    held = _chain_row(conn, row["asset_id"], row["seq"])
    chain = None
    if held is not None and audit.row_hash(held["prev_hash"], dict(held)) == held["hash"]:
        chain = (json.loads(held["changes"]).get(key) or [None, {}])[1].get("sha256")
    data = blobs.get(conn, row["sha256"])
    found = blobs.sha256(data) if data is not None else None
    return {"what": kind, "id": row["id"], "asset_id": row["asset_id"], "name": row.get("number") or row["filename"],
            "chain": chain, "found": found, "ok": chain is not None and found == chain == row["sha256"]}


def verify(engine, actor, doc_id=None, asset_id=None) -> list[dict]:
    """Check one paper (``doc_id``) or every paper and scan of an asset; refuse (exit 1) naming the
    first whose stored bytes no longer hash to what the audit chain holds."""
    if doc_id is None and asset_id is None:
        raise InvalidInput("cf.verify_what")
    rows = []
    if doc_id is not None:
        row = _document(engine, doc_id)
        readable_asset(engine, actor, row["asset_id"])
        rows.append(("document", row))
    else:
        _, asset = readable_asset(engine, actor, asset_id)
        with db.reading(engine) as conn:
            rows += [("document", dict(r)) for r in conn.execute(
                select(documents).where(documents.c.asset_id == asset["id"]).order_by(documents.c.seq)).mappings()]
            rows += [("attachment", dict(r)) for r in conn.execute(
                select(attachments).where(attachments.c.asset_id == asset["id"]).order_by(attachments.c.seq)).mappings()]
    with db.reading(engine) as conn:
        found = [check(conn, what, row, "document" if what == "document" else "attachment") for what, row in rows]
    for f in found:
        if not f["ok"]:
            key = "cf.document_tampered" if f["what"] == "document" else "cf.attachment_tampered"
            raise InvalidInput(key, number=f["name"], id=f["id"], asset=f["asset_id"], found=f["found"] or "-",
                               chain=f["chain"] or "-")
    return found


# --- templates ----------------------------------------------------------------------------------


def _kind(kind: str) -> documents_section.DocumentKind:
    known = documents_section.kinds()
    if kind not in known:
        raise InvalidInput("bad_choice", field="KIND", choices=", ".join(sorted(known)), value=kind)
    return known[kind]


def check_template(data: bytes, name: str) -> None:
    """Refuse a file that is not a DOCX template docxtpl can fill with the variables papers have."""
    if len(data) > MAX_TEMPLATE:
        raise InvalidInput("cf.bad_template", file=name, why=f"larger than {MAX_TEMPLATE // 1024 // 1024} MB")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            if "word/document.xml" not in z.namelist():
                raise InvalidInput("cf.bad_template", file=name, why="not a DOCX file (no word/document.xml)")
        # docxtpl (python-docx, lxml) is imported when a paper is made, not at start-up: it is a
        # third of `asset show`'s start-up time, and every command that reads an asset imports this.
        from docxtpl import DocxTemplate

        tpl = DocxTemplate(io.BytesIO(data))
        unknown = tpl.get_undeclared_template_variables() - TEMPLATE_VARS
    except zipfile.BadZipFile:
        raise InvalidInput("cf.bad_template", file=name, why="not a DOCX file") from None
    except TemplateError as exc:
        raise InvalidInput("cf.bad_template", file=name, why=f"template error: {exc}") from None
    if unknown:
        raise InvalidInput("cf.bad_template", file=name, why="unknown variables: " + ", ".join(sorted(unknown)))


def set_template(engine, actor, kind: str, data: bytes, name: str) -> dict:
    """Put ``data`` in force as the template of ``kind`` (administrators): an audited event."""
    user = require_role(engine, actor, ("admin",), "doc_template")
    _kind(kind)
    check_template(data, name)
    with db.writing(engine) as conn:
        _, before = papers.template(conn, kind)
        key = blobs.put(conn, data, blobs.DOCX)
        if key == before:
            raise InvalidInput("nothing_to_correct")
        conn.execute(insert(document_templates).values(kind=kind, sha256=key, set_by=user["username"],
                                                       set_at=now_utc()))
        audit.append(conn, audit.GENESIS, asset_id=None, seq=None, event="template_set", trigger=None,
                     from_state=None, to_state=None, actor=user["username"], role=user["role"], office=None,
                     business_date=today(), recorded_at=now_utc(), reason=None, imported=False,
                     changes=audit.changes_json({"kind": (None, kind), "template": (before, key), "file": (None, name)}))
    return {"kind": kind, "sha256": key, "before": before}


def templates(engine, actor, lang: str = "en") -> list[dict]:
    """Every paper kind, the template in force and where it comes from."""
    with db.reading(engine) as conn:
        load_actor(conn, actor)
        out = []
        for name, spec in sorted(documents_section.kinds().items()):
            row = conn.execute(select(document_templates).where(document_templates.c.kind == name)
                               .order_by(document_templates.c.id.desc()).limit(1)).mappings().first()
            _, sha = papers.template(conn, name)
            out.append({"kind": name, "label": spec.labels[lang], "series": spec.series, "sha256": sha,
                        "set_by": row["set_by"] if row else None, "set_at": row["set_at"] if row else None})
        return out


def template_bytes(engine, actor, kind: str) -> bytes:
    with db.reading(engine) as conn:
        load_actor(conn, actor)
        _kind(kind)
        return papers.template(conn, kind)[0]
