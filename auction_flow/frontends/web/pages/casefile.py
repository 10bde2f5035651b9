"""The case file on the web desk: an asset's papers (download, verify the hash) and scans (upload,
download), the party pages and the party form, and the search in the desk's header. The same
services and the same scope as the command line's ``doc``, ``party``, ``asset attach|attachments``
and ``asset list --q``: another office's paper or scan is a 403 and an ``access_log`` row, an id
that names nothing a 404.

The upload is a multipart form: asgi-csrf reads its token from the body before the application
sees it, so the hidden ``csrftoken`` input comes first in the form, before the file.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse

from auction_flow.common.errors import InvalidInput, PermissionDenied
from auction_flow.features.casefile import attachments as attachments_svc
from auction_flow.features.casefile import documents as documents_svc
from auction_flow.features.casefile import parties as parties_svc
from auction_flow.features.casefile import search as search_svc
from auction_flow.frontends.web.errors import status_of
from auction_flow.frontends.web.pages.asset import asset_page
from auction_flow.frontends.web.sessions import Identity, engine_of, page_user
from auction_flow.frontends.web.views import DOCX, download, lang_of, page, text

router = APIRouter(include_in_schema=False)
PARTY_INPUTS = ("name", "id_number", "kind", "address")
# which input of the party form a refusal is about
PARTY_FIELDS = {"empty_text": "name", "cf.bad_citizen_id": "id_number", "cf.bad_enterprise_code": "id_number",
                "cf.party_exists": "id_number"}


def read_upload(upload: UploadFile | None) -> tuple[bytes, str]:
    """The uploaded file's bytes (at most one more than the limit: the service refuses what is over
    it) and its name; no file chosen is refused as such."""
    if upload is None or not upload.filename:
        raise InvalidInput("web.cf.no_file")
    return upload.file.read(attachments_svc.max_bytes() + 1), upload.filename


# --- papers and scans ------------------------------------------------------------------------

@router.get("/documents/{doc_id}")
def document_download(request: Request, doc_id: str, who: Identity = Depends(page_user)):
    meta, data = documents_svc.get(engine_of(request), who.username, doc_id, lang_of(request))
    return download(data, f"{meta['number']}.docx", DOCX)


@router.get("/documents/{doc_id}/verify")
def document_verify(request: Request, doc_id: str, who: Identity = Depends(page_user)):
    found = documents_svc.verify(engine_of(request), who.username, doc_id)
    return page(request, "verify.html", found=found, asset_id=found[0]["asset_id"])


@router.get("/assets/{asset_id}/verify")
def asset_verify(request: Request, asset_id: str, who: Identity = Depends(page_user)):
    found = documents_svc.verify(engine_of(request), who.username, asset_id=asset_id)
    return page(request, "verify.html", found=found, asset_id=asset_id)


@router.get("/attachments/{attachment_id}")
def attachment_download(request: Request, attachment_id: str, who: Identity = Depends(page_user)):
    meta, data = attachments_svc.get(engine_of(request), who.username, attachment_id)
    return download(data, meta["filename"], meta["media_type"])


@router.post("/assets/{asset_id}/attachments")
def attach(request: Request, asset_id: str, who: Identity = Depends(page_user), kind: str = Form(""),
           on: str = Form(""), file: UploadFile | None = File(None)):
    """Attach a scan; a refused file (size, type, content) changes nothing and is said beside the form."""
    try:
        data, name = read_upload(file)
        res = attachments_svc.attach(engine_of(request), who.username, asset_id, data, name, kind, on or None)
    except InvalidInput as exc:
        return asset_page(request, who, asset_id, status=status_of(exc),
                          upload_error=exc.render(lang_of(request)))
    return RedirectResponse(f"/assets/{res['asset_id']}?attached={res['id']}#attachments", status_code=303)


# --- parties ---------------------------------------------------------------------------------

@router.get("/parties/new")
def party_form(request: Request, who: Identity = Depends(page_user)):
    return page(request, "party_new.html", values={}, error=None, field=None)


@router.post("/parties")
def party_add(request: Request, who: Identity = Depends(page_user), name: str = Form(""),
              id_number: str = Form(""), kind: str = Form("person"), address: str = Form("")):
    values = {"name": name, "id_number": id_number, "kind": kind, "address": address}
    try:
        if kind not in ("person", "enterprise"):
            raise InvalidInput("bad_choice", field="kind", choices="person, enterprise", value=kind)
        res = parties_svc.add(engine_of(request), who.username, name, id_number, kind, address or None)
    except (InvalidInput, PermissionDenied) as exc:
        return page(request, "party_new.html", status=status_of(exc), values=values,
                    error=exc.render(lang_of(request)), field=PARTY_FIELDS.get(exc.key))
    return RedirectResponse(f"/parties/{res['id']}?added=1", status_code=303)


@router.get("/parties/{party_id}")
def party_show(request: Request, party_id: str, who: Identity = Depends(page_user), added: bool = False):
    p = parties_svc.show(engine_of(request), who.username, party_id)
    return page(request, "party.html", p=p, added=added)


# --- search ----------------------------------------------------------------------------------

def blank(value: str | None) -> str | None:
    return (value or "").strip() or None


@router.get("/search")
def search(request: Request, who: Identity = Depends(page_user), q: str | None = None, case: str | None = None,
           party: str | None = None):
    """``asset list --q/--case/--party``: ranked, diacritics and case ignored, within the reader's offices."""
    asked = {"q": blank(q), "case": blank(case), "party": blank(party)}
    rows, error = None, None
    if any(asked.values()):
        try:
            rows = search_svc.search(engine_of(request), who.username, asked["q"], asked["case"], asked["party"],
                                     lang=lang_of(request))
        except InvalidInput as exc:
            return page(request, "search.html", status=status_of(exc), asked=asked, rows=None,
                        error=exc.render(lang_of(request)), title=text(lang_of(request), "cf.search"))
    return page(request, "search.html", asked=asked, rows=rows, error=error, title=text(lang_of(request), "cf.search"))
