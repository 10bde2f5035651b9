"""The asset page: its state, its deadline and the law behind it, its case file (parties, the papers
its steps issued, the scans attached), its history as a timeline, and a form for each step the
reader may take now. A refused step comes back as the same page with the
refusal beside the field it is about (422), or above the form when it is about the asset (409
when the asset changed meanwhile); nothing was written."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse

from auction_flow.common.config import today
from auction_flow.common.errors import ConflictError, InvalidInput, NotFound, PermissionDenied, TriggerNotAllowed
from auction_flow.common.words import message
from auction_flow.features.assets import service as assets_svc
from auction_flow.features.casefile import attachments as attachments_svc
from auction_flow.features.casefile import documents as documents_svc
from auction_flow.features.casefile import parties as parties_svc
from auction_flow.frontends.web import forms as forms_mod
from auction_flow.frontends.web.errors import status_of
from auction_flow.frontends.web.sessions import Identity, engine_of, page_user
from auction_flow.frontends.web.views import form_data, lang_of, page

router = APIRouter(include_in_schema=False)
OWN_INPUTS = ("trigger", "on", "reason", "version", "csrftoken", forms_mod.BUYER_PARTY)


def casefile(engine, username: str, asset_id: int, lang: str) -> dict:
    """The asset's case file as the command line's ``asset casefile`` reads it (the same services)."""
    return {"parties": parties_svc.asset_parties_view(engine, username, asset_id),
            "documents": documents_svc.list_documents(engine, username, asset_id, lang),
            "attachments": attachments_svc.list_attachments(engine, username, asset_id)}


def asset_page(request: Request, who: Identity, asset_id, failed: forms_mod.Failed | None = None,
               status: int = 200, done: str | None = None, **extra):
    """The page of one asset; ``extra``: what a case file form says (``upload_error``, ``attached``)."""
    lang = lang_of(request)
    engine = engine_of(request)
    a = assets_svc.show(engine, asset_id, who.username, lang, forms=True)
    return page(request, "asset.html", status=status, a=a, forms=forms_mod.forms(a["forms"], lang),
                failed=failed, done=done, today=today().isoformat(), here=f"/assets/{a['id']}",
                timeline=list(reversed(a["history"])), cf=casefile(engine, who.username, a["id"], lang),
                attachment_kinds=attachments_svc.KINDS, writer=who.role in attachments_svc.WRITERS,
                party_roles=parties_svc.ROLES,
                max_mb=attachments_svc.max_bytes() // (1024 * 1024), **{"upload_error": None, "attached": None, "link_error": None, **extra})


@router.get("/assets/{asset_id}")
def show(request: Request, asset_id: str, who: Identity = Depends(page_user), done: str | None = None,
         attached: str | None = None):
    return asset_page(request, who, asset_id, done=done, attached=attached)


@router.post("/assets/{asset_id}/advance")
def advance(request: Request, asset_id: str, who: Identity = Depends(page_user), data: dict = Depends(form_data)):
    trigger = data.get("trigger", "")
    sets = [f"{k[len(forms_mod.PREFIX):]}={v}" for k, v in data.items()
            if k.startswith(forms_mod.PREFIX) and k not in OWN_INPUTS]
    version = data.get("version", "")
    try:
        buyer = forms_mod.buyer_party(data)
        res = assets_svc.advance(engine_of(request), asset_id, trigger, who.username, data.get("on") or None, sets,
                                 data.get("reason"), int(version) if version.isdigit() else None, buyer)
    except (InvalidInput, TriggerNotAllowed, ConflictError, NotFound, PermissionDenied) as exc:
        failed = forms_mod.failed(trigger, data, exc, lang_of(request))
        if isinstance(exc, (NotFound, PermissionDenied)) and failed.field != forms_mod.BUYER_PARTY:
            raise  # the asset itself (a refusal: its page, the access_log row written by the service)
        return asset_page(request, who, asset_id, failed=failed, status=422 if failed.field else status_of(exc))
    return RedirectResponse(f"/assets/{res.asset_id}?done={res.trigger}", status_code=303)


@router.post("/assets/{asset_id}/parties")
def link_party(request: Request, asset_id: str, who: Identity = Depends(page_user), data: dict = Depends(form_data)):
    """Link a registered party to the asset in a role (``party link``): by its id (a party the officer may
    see) or by its full identity number (``party link --id-number``); a refusal is said beside the form."""
    try:
        party, number = data.get("party", "").strip(), data.get("id_number", "").strip()
        if party and number:
            return asset_page(request, who, asset_id, status=422,
                              link_error=message("web.cf.link_one", lang_of(request)))
        if number:
            party = parties_svc.ByNumber(number)
        elif not party.isdigit():
            raise InvalidInput("cf.party_not_found", party=party or "-")
        parties_svc.link(engine_of(request), who.username, party, asset_id, data.get("role", ""), data.get("on") or None)
    except PermissionDenied as exc:
        if exc.key not in ("cf.party_link_denied", "cf.party_number_throttled"):
            raise  # the asset's own scope: the refusal page
        return asset_page(request, who, asset_id, status=422, link_error=exc.render(lang_of(request)))
    except (InvalidInput, NotFound) as exc:
        return asset_page(request, who, asset_id, status=422, link_error=exc.render(lang_of(request)))
    return RedirectResponse(f"/assets/{asset_id}#parties", status_code=303)
