"""The JSON API of the case file: an asset's parties, papers and scans, a party, the search; the
upload of a scan and the registration of a party. Every answer is what the command line prints
with ``--json`` (``asset parties``, ``doc list``, ``doc verify``, ``asset attachments``, ``asset
attach``, ``party show``, ``party add``, ``asset list --q/--case/--party``); a paper or a scan comes
back as its stored bytes."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, Field

from auction_flow.common.render import to_json
from auction_flow.common.words import term
from auction_flow.features.casefile import attachments as attachments_svc
from auction_flow.features.casefile import documents as documents_svc
from auction_flow.features.casefile import parties as parties_svc
from auction_flow.features.casefile import search as search_svc
from auction_flow.frontends.web.api.assets import ERRORS, json_of
from auction_flow.frontends.web.pages.casefile import read_upload
from auction_flow.frontends.web.sessions import Identity, api_user, engine_of
from auction_flow.frontends.web.views import DOCX, download, lang_of

router = APIRouter(prefix="/api", tags=["casefile"], responses=ERRORS)
FILES = {200: {"description": "The stored bytes", "content": {DOCX: {}, "application/pdf": {}, "image/jpeg": {},
                                                                  "image/png": {}, "image/tiff": {}}}}


class NewParty(BaseModel):
    name: str
    id_number: str = Field(description="Citizen ID (12 digits) or enterprise code (10 digits, 13 for a branch).")
    kind: Literal["person", "enterprise"] = "person"
    address: str | None = None


def with_roles(rows: list[dict], lang: str) -> list[dict]:
    """Each row with its role's label, as ``asset parties --json`` prints it."""
    return [{**r, "role_label": term("party_role", r["role"], lang)} for r in rows]


def created(data) -> Response:
    return Response(to_json(data), status_code=201, media_type="application/json")


@router.get("/assets/{asset_id}/parties")
def asset_parties(request: Request, asset_id: str, who: Identity = Depends(api_user)):
    """The asset's parties in their roles (`asset parties --json`)."""
    rows = parties_svc.asset_parties_view(engine_of(request), who.username, asset_id)
    return json_of(with_roles(rows, lang_of(request)))


@router.get("/assets/{asset_id}/documents")
def asset_documents(request: Request, asset_id: str, who: Identity = Depends(api_user)):
    """The papers the asset's steps issued: number, kind, date, SHA-256 (`doc list --json`)."""
    return json_of(documents_svc.list_documents(engine_of(request), who.username, asset_id, lang_of(request)))


@router.get("/documents/{doc_id}", responses=FILES)
def document(request: Request, doc_id: str, who: Identity = Depends(api_user)):
    """A paper's DOCX as stored (`doc get --output FILE`)."""
    meta, data = documents_svc.get(engine_of(request), who.username, doc_id, lang_of(request))
    return download(data, f"{meta['number']}.docx", DOCX)


@router.get("/documents/{doc_id}/verify")
def document_verify(request: Request, doc_id: str, who: Identity = Depends(api_user)):
    """Check that the stored paper still hashes to what the audit chain holds (`doc verify --json`);
    a changed one is a 422 naming it."""
    return json_of(documents_svc.verify(engine_of(request), who.username, doc_id))


@router.get("/assets/{asset_id}/attachments")
def asset_attachments(request: Request, asset_id: str, who: Identity = Depends(api_user)):
    """The scans attached to the asset (`asset attachments --json`)."""
    return json_of(attachments_svc.list_attachments(engine_of(request), who.username, asset_id))


@router.post("/assets/{asset_id}/attachments", status_code=201)
def attach(request: Request, asset_id: str, who: Identity = Depends(api_user),
           file: UploadFile = File(..., description="PDF, JPEG, PNG or TIFF; its bytes must match its extension."),
           kind: Literal["signed_decision", "receipt", "photo", "other"] = Form(...),
           on: str | None = Form(None, description="Business date, YYYY-MM-DD (default: today).")):
    """Attach a scan (`asset attach --json`); a file over the size limit or of another type is refused
    (422) and changes nothing."""
    data, name = read_upload(file)
    return created(attachments_svc.attach(engine_of(request), who.username, asset_id, data, name, kind, on))


@router.get("/attachments/{attachment_id}", responses=FILES)
def attachment(request: Request, attachment_id: str, who: Identity = Depends(api_user)):
    """An attached scan as stored (`asset attachment-get --output FILE`)."""
    meta, data = attachments_svc.get(engine_of(request), who.username, attachment_id)
    return download(data, meta["filename"], meta["media_type"])


@router.get("/parties/{party_id}")
def party(request: Request, party_id: str, who: Identity = Depends(api_user)):
    """A party and the assets and cases it is linked to, in its roles (`party show --json`)."""
    return json_of(parties_svc.show(engine_of(request), who.username, party_id))


@router.post("/parties", status_code=201)
def party_add(request: Request, body: NewParty, who: Identity = Depends(api_user)):
    """Register a party in the caller's office (`party add --json`)."""
    return created(parties_svc.add(engine_of(request), who.username, body.name, body.id_number, body.kind,
                                   body.address))


@router.get("/search")
def search(request: Request, who: Identity = Depends(api_user), q: str | None = None, case: str | None = None,
           party: str | None = None, state: str | None = None, office: str | None = None, overdue: bool = False,
           limit: int = Query(50, ge=1, le=1000)):
    """The assets matching every criterion, best first, diacritics and case ignored ("nguyen van an"
    finds "Nguyễn Văn An"), within the caller's offices (`asset list --q/--case/--party --json`)."""
    rows = search_svc.search(engine_of(request), who.username, q, case, party, state, office, overdue, limit,
                             lang_of(request))
    for r in rows:
        r["party_names"] = ", ".join(p["name"] for p in r["parties"])
    return json_of(rows)
