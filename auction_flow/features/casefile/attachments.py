"""Scans attached to an asset (a signed decision, a receipt, a photo): stored content-addressed, their
hash on the asset's audit chain (an ``attachment_added`` row).

Limits: at most ``AUCTION_FLOW_ATTACH_MAX_MB`` megabytes (20 by default), and only PDF, JPEG, PNG or
TIFF, judged by the file's first bytes (puremagic), which must also agree with its extension. A
refused file changes nothing.
"""

from __future__ import annotations

import os
from pathlib import Path

import puremagic
from sqlalchemy import insert, select

from auction_flow.common.config import now_utc
from auction_flow.common.errors import InvalidInput, NotFound
from auction_flow.core import amend
from auction_flow.features.casefile import blobs, documents
from auction_flow.storage import db
from auction_flow.storage.schema import attachments

KINDS = ("signed_decision", "receipt", "photo", "other")
TYPES = {".pdf": "application/pdf", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png",
         ".tif": "image/tiff", ".tiff": "image/tiff"}
WRITERS = ("officer", "supervisor")


def max_bytes() -> int:
    return int(float(os.environ.get("AUCTION_FLOW_ATTACH_MAX_MB") or 20) * 1024 * 1024)


def sniff(data: bytes, filename: str) -> str:
    """The media type of ``data`` if it is an accepted scan whose bytes match its extension."""
    ext = Path(filename).suffix.lower()
    wanted = TYPES.get(ext)
    if wanted is None:
        raise InvalidInput("cf.attach_type", file=filename, types=", ".join(sorted(TYPES)))
    try:
        found = {m.mime_type for m in puremagic.magic_string(data)}
    except puremagic.PureError:
        found = set()
    if wanted not in found:
        raise InvalidInput("cf.attach_content", file=filename, ext=ext)
    return wanted


def attach(engine, actor, asset_id, data: bytes, filename: str, kind: str, on=None) -> dict:
    """Attach a scan to an asset; everything is checked before anything is written."""
    if kind not in KINDS:
        raise InvalidInput("bad_choice", field="--kind", choices=", ".join(KINDS), value=kind)
    filename = Path(filename).name
    if not data:
        raise InvalidInput("cf.attach_empty", file=filename)
    if len(data) > max_bytes():
        raise InvalidInput("cf.attach_size", file=filename, size=len(data), limit=max_bytes())
    media = sniff(data, filename)
    made = {}

    def write(conn, user, asset, day):
        key = blobs.put(conn, data, media)
        made["id"] = conn.execute(insert(attachments).values(
            asset_id=asset["id"], seq=asset["version"] + 1, kind=kind, filename=filename, media_type=media,
            size=len(data), sha256=key, attached_on=day, created_by=user["username"],
            created_at=now_utc())).inserted_primary_key[0]
        return {"attachment": (None, {"id": made["id"], "kind": kind, "filename": filename, "media_type": media,
                                      "size": len(data), "sha256": key})}

    res = amend.annotate(engine, asset_id, actor, "attach", WRITERS, "attachment_added", write, on=on)
    return {"id": made["id"], "asset_id": res.asset_id, "kind": kind, "filename": filename, "media_type": media,
            "size": len(data), "sha256": res.changes["attachment"][1]["sha256"], "version": res.version}


def _public(r: dict) -> dict:
    return {"id": r["id"], "asset_id": r["asset_id"], "kind": r["kind"], "filename": r["filename"],
            "media_type": r["media_type"], "size": r["size"], "sha256": r["sha256"], "attached_on": r["attached_on"],
            "created_by": r["created_by"]}


def list_attachments(engine, actor, asset_id) -> list[dict]:
    _, asset = documents.readable_asset(engine, actor, asset_id)
    with db.reading(engine) as conn:
        rows = conn.execute(select(attachments).where(attachments.c.asset_id == asset["id"])
                            .order_by(attachments.c.id)).mappings()
        return [_public(dict(r)) for r in rows]


def get(engine, actor, attachment_id) -> tuple[dict, bytes]:
    try:
        aid = int(str(attachment_id).strip())
    except ValueError:
        raise NotFound("cf.attachment_not_found", id=attachment_id) from None
    with db.reading(engine) as conn:
        row = conn.execute(select(attachments).where(attachments.c.id == aid)).mappings().first() \
            if 0 < aid < 2**63 else None
    if row is None:
        raise NotFound("cf.attachment_not_found", id=attachment_id)
    documents.readable_asset(engine, actor, row["asset_id"])
    with db.reading(engine) as conn:
        data = blobs.get(conn, row["sha256"])
    return _public(dict(row)), data or b""
