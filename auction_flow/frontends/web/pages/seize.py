"""The seizure form: what ``asset seize`` records, from a browser. The officer picks the office (one of
theirs), the officer in charge (themselves by default), the kind, the case and the description,
the day, and the debtors and creditors already registered as parties (their ids, as the party pages
show them). The same service as the command line: the decision is issued and the parties linked in
the seizure's own transaction. A refusal comes back as the same form with what was typed, the
message beside the field it is about (422); a second seizure of the same thing in the same case is
refused with a link to the first, and recorded only when the officer ticks that it is a second one.
A role that may not record seizures gets the refusal page (403) and an ``access_log`` row."""

from __future__ import annotations

import re

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse

from auction_flow.common.config import today
from auction_flow.common.errors import AuctionFlowError, InvalidInput, PermissionDenied
from auction_flow.common.words import message
from auction_flow.features.assets import service as assets_svc
from auction_flow.frontends.web.errors import status_of
from auction_flow.frontends.web.sessions import Identity, engine_of, page_user
from auction_flow.frontends.web.views import form_data, lang_of, page

router = APIRouter(include_in_schema=False)
INPUTS = ("office", "officer", "kind", "case_number", "description", "on", "debtors", "creditors", "allow_duplicate")
# the form's input a refusal is about: by the option the service names, else by the message's key
BY_OPTION = {"--case": "case_number", "--description": "description", "--on": "on"}
ABOUT = {"bad_kind": "kind", "office_not_found": "office", "officer_not_in_office": "officer",
         "user_not_found": "officer", "future_date": "on"}
PARTY_KEYS = ("cf.party_not_found", "cf.already_linked")


class Refused(Exception):
    """A refusal about one input, said beside it."""

    def __init__(self, field: str, exc: AuctionFlowError):
        super().__init__(field)
        self.field, self.exc = field, exc


def _items(typed: str) -> list[str]:
    return [x for x in re.split(r"[,;\s]+", typed or "") if x]


def party_ids(typed: str, field: str) -> list[int]:
    """The party ids typed in one box, separated by commas or spaces; anything else is no such party."""
    ids = []
    for item in _items(typed):
        if not (item.isascii() and item.isdigit()):
            raise Refused(field, InvalidInput("cf.party_not_found", party=item))
        ids.append(int(item))
    return ids


def _about(exc: AuctionFlowError, values: dict) -> str | None:
    if exc.params.get("field") in BY_OPTION:
        return BY_OPTION[exc.params["field"]]
    if exc.key in PARTY_KEYS:  # the box it was typed in (the debtors' when it is in both)
        party = str(exc.params.get("party", ""))
        return "debtors" if party in _items(values.get("debtors", "")) or party not in _items(
            values.get("creditors", "")) else "creditors"
    return ABOUT.get(exc.key)


def _beside(exc: AuctionFlowError, field: str, lang: str) -> str:
    """The message beside the input: "required" for an empty one; the option the command line names
    (``--case``) is the input's label here."""
    if exc.key == "empty_text":
        return message("web.required", lang)
    if exc.params.get("field") in BY_OPTION:
        return message(exc.key, lang, **{**exc.params, "field": message(f"web.seize.{field}", lang)})
    return exc.render(lang)


def seize_page(request: Request, who: Identity, values: dict | None = None, status: int = 200,
               error: str | None = None, field: str | None = None, duplicate: int | None = None):
    lang = lang_of(request)
    choices = assets_svc.seizure_choices(engine_of(request), who.username)
    values = {"office": choices["office"] or "", "officer": who.username, "kind": "movable",
              "on": today().isoformat(), **(values or {})}
    return page(request, "seize.html", status=status, choices=choices, values=values, error=error, field=field,
                duplicate=duplicate, title=message("web.seize.title", lang))


@router.get("/assets/new")
def seize_form(request: Request, who: Identity = Depends(page_user)):
    return seize_page(request, who)


@router.post("/assets/new")
def seize(request: Request, who: Identity = Depends(page_user), data: dict = Depends(form_data)):
    values = {k: str(data.get(k, "")).strip() if k != "description" else str(data.get(k, ""))
              for k in INPUTS}
    lang = lang_of(request)
    try:
        debtors, creditors = party_ids(values["debtors"], "debtors"), party_ids(values["creditors"], "creditors")
        res = assets_svc.seize_asset(engine_of(request), who.username, values["case_number"], values["office"],
                                     values["kind"], values["description"], values["officer"] or None,
                                     values["on"] or None, allow_duplicate=bool(values["allow_duplicate"]),
                                     debtors=debtors, creditors=creditors)
    except Refused as r:
        return seize_page(request, who, values, 422, _beside(r.exc, r.field, lang), r.field)
    except PermissionDenied:
        raise  # the refusal page, and its access_log row (written by the engine)
    except AuctionFlowError as exc:
        if exc.key == "duplicate_seizure":
            return seize_page(request, who, values, 422, message("web.seize.duplicate", lang, **exc.params),
                              duplicate=exc.params["asset"])
        field = _about(exc, values)
        return seize_page(request, who, values, 422 if field else status_of(exc),
                          _beside(exc, field, lang) if field else exc.render(lang), field)
    return RedirectResponse(f"/assets/{res['id']}?done=seize", status_code=303)
