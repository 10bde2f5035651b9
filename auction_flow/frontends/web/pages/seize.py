"""The seizure form: what ``asset seize`` records, from a browser. The officer picks the office (one of
theirs), the officer in charge (themselves by default), the kind, the case and the description,
the day, and the debtors and creditors already registered as parties: found by name or identity
number with the case file's party search (diacritics ignored; only the parties the officer may see),
ticked in the list it shows, or typed as ids. A party registered by another office is found by its
full identity number, exactly (a part of it or a name finds only the officer's own): the page keeps
that number beside the tick, and the seizure links the party by it (``parties.ByNumber``), knowing it
being the proof. The search is a step of the form itself, so it works
without JavaScript: its button (or Enter in its box) posts the form, which comes back (200) with what
was typed and ticked and the parties found; a box whose text was not yet searched is searched rather
than the seizure recorded. A ticked party the officer may not see is refused beside the list (an
``access_log`` row, as the party pages do), and so is an id typed of a party the officer may not see
(the service refuses it, ``parties.resolve``). The same service as the command line: the decision is
issued and the parties linked in the seizure's own transaction. A refusal comes back as the same
form with what was typed and ticked, the message beside the field it is about (422); a second
seizure of the same thing in the same case is refused with a link to the first, and recorded only
when the officer ticks that it is a second one. A role that may not record seizures gets the
refusal page (403) and an ``access_log`` row."""

from __future__ import annotations

import re

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse

from auction_flow.common.config import today
from auction_flow.common.errors import AuctionFlowError, InvalidInput, NotFound, PermissionDenied, Throttled
from auction_flow.common.words import message
from auction_flow.features.assets import service as assets_svc
from auction_flow.features.casefile import parties as parties_svc
from auction_flow.features.casefile import search as search_svc
from auction_flow.frontends.web.errors import status_of
from auction_flow.frontends.web.sessions import Identity, engine_of, page_user
from auction_flow.frontends.web.views import form_data, form_lists, lang_of, page

router = APIRouter(include_in_schema=False)
ROLES = ("debtors", "creditors")
INPUTS = ("office", "officer", "kind", "case_number", "description", "on", "debtors", "creditors", "allow_duplicate",
          "find_debtors", "find_creditors", "searched_debtors", "searched_creditors")
# the form's input a refusal is about: by the option the service names, else by the message's key
BY_OPTION = {"--case": "case_number", "--description": "description", "--on": "on"}
ABOUT = {"bad_kind": "kind", "office_not_found": "office", "officer_not_in_office": "officer",
         "user_not_found": "officer", "future_date": "on"}
PARTY_KEYS = ("cf.party_not_found", "cf.already_linked", "cf.party_link_denied", "cf.party_number_throttled")


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


def _about(exc: AuctionFlowError, given: dict[str, list[int]]) -> str | None:
    if exc.params.get("field") in BY_OPTION:
        return BY_OPTION[exc.params["field"]]
    if exc.key in PARTY_KEYS:  # the role it was given in (the debtors' when it is in both)
        party = str(exc.params.get("party", ""))
        return "creditors" if party in map(str, given["creditors"]) and party not in map(
            str, given["debtors"]) else "debtors"
    return ABOUT.get(exc.key)


def chosen_parties(request: Request, who: Identity, lists: dict) -> tuple[dict[str, list[dict]], Refused | None]:
    """The parties ticked for each role, each one the officer may see or one whose full identity number
    the page carries (``known``: found by it, ``by_number``); else the first refusal, logged."""
    chosen: dict[str, list[dict]] = {role: [] for role in ROLES}
    refused = None
    try:
        proven = parties_svc.by_numbers(engine_of(request), who.username, lists.get("known", []))
    except Throttled as exc:  # too many numbers of no party lately (logged by the service)
        proven, refused = {}, Refused("pick_debtors", exc)
    for role in ROLES:
        for item in lists.get(f"pick_{role}", []):
            party = proven.get(int(item)) if item.isascii() and item.isdigit() else None
            by_number = party is not None
            if party is None:
                try:
                    _, party = parties_svc.load_visible(engine_of(request), who.username, item)
                except (NotFound, PermissionDenied) as exc:
                    refused = refused or Refused(f"pick_{role}", exc)
                    continue
            if all(p["id"] != party["id"] for p in chosen[role]):
                chosen[role].append({**parties_svc.public(party), "by_number": by_number})
    return chosen, refused


def _wanted(values: dict, asked: str) -> dict[str, str]:
    """The searches this post asks for: the role whose Find button was pressed, and any box whose
    text differs from what was last searched (Enter in it; or the officer typed and did not search)."""
    out = {}
    for role in ROLES:
        q = values[f"find_{role}"]
        if asked == role or (q and q != values[f"searched_{role}"]):
            out[role] = q
    return out


def _beside(exc: AuctionFlowError, field: str, lang: str) -> str:
    """The message beside the input: "required" for an empty one; the option the command line names
    (``--case``) is the input's label here."""
    if exc.key == "empty_text":
        return message("web.required", lang)
    if exc.params.get("field") in BY_OPTION:
        return message(exc.key, lang, **{**exc.params, "field": message(f"web.seize.{field}", lang)})
    return exc.render(lang)


def seize_page(request: Request, who: Identity, values: dict | None = None, status: int = 200,
               error: str | None = None, field: str | None = None, duplicate: int | None = None,
               chosen: dict | None = None, found: dict | None = None, choices: dict | None = None):
    lang = lang_of(request)
    choices = choices or assets_svc.seizure_choices(engine_of(request), who.username)
    values = {"office": choices["office"] or "", "officer": who.username, "kind": "movable",
              "on": today().isoformat(), **(values or {})}
    return page(request, "seize.html", status=status, choices=choices, values=values, error=error, field=field,
                duplicate=duplicate, chosen=chosen or {role: [] for role in ROLES}, found=found or {},
                title=message("web.seize.title", lang))


def _search(request: Request, who: Identity, values: dict, chosen: dict, wanted: dict[str, str], choices: dict):
    """The form again with the parties found for each search asked (a search with nothing to search
    for is said beside its box)."""
    found, error, field = {}, None, None
    for role, q in wanted.items():
        try:
            found[role] = search_svc.find_parties(engine_of(request), who.username, q)
        except Throttled as exc:  # another office's party by number, after too many misses (logged)
            if field is None:
                error, field = exc.render(lang_of(request)), f"find_{role}"
            continue
        except InvalidInput as exc:  # nothing to search for: said beside the box, as the box's own
            if field is None:
                lang = lang_of(request)
                error = message("web.required", lang) if not q else message(
                    exc.key, lang, **{**exc.params, "option": message("web.seize.find_button", lang)})
                field = f"find_{role}"
            continue
        values[f"searched_{role}"] = q
    return seize_page(request, who, values, 422 if field else 200, error, field, chosen=chosen, found=found,
                      choices=choices)


@router.get("/assets/new")
def seize_form(request: Request, who: Identity = Depends(page_user)):
    return seize_page(request, who)


@router.post("/assets/new")
def seize(request: Request, who: Identity = Depends(page_user), data: dict = Depends(form_data),
          lists: dict = Depends(form_lists)):
    values = {k: str(data.get(k, "")).strip() if k != "description" else str(data.get(k, ""))
              for k in INPUTS}
    lang = lang_of(request)
    # a role that may not seize is refused first; what the form offers is read once for the page it shows
    choices = assets_svc.seizure_choices(engine_of(request), who.username)
    chosen, refused = chosen_parties(request, who, lists)
    wanted = _wanted(values, str(data.get("find", "")))
    if wanted:
        return _search(request, who, values, chosen, wanted, choices)
    given = {role: [p["id"] for p in chosen[role]] for role in ROLES}
    # a party found by its full identity number is linked by it (the proof), the others by id
    refs = {role: [parties_svc.ByNumber(p["id_number"]) if p["by_number"] else p["id"] for p in chosen[role]]
            for role in ROLES}
    try:
        if refused:
            raise refused
        for role in ROLES:
            typed = [i for i in party_ids(values[role], role) if i not in given[role]]
            given[role] += typed
            refs[role] += typed
        res = assets_svc.seize_asset(engine_of(request), who.username, values["case_number"], values["office"],
                                     values["kind"], values["description"], values["officer"] or None,
                                     values["on"] or None, allow_duplicate=bool(values["allow_duplicate"]),
                                     debtors=refs["debtors"], creditors=refs["creditors"])
    except Refused as r:
        return seize_page(request, who, values, 422, _beside(r.exc, r.field, lang), r.field, chosen=chosen,
                          choices=choices)
    except PermissionDenied as exc:
        if exc.key not in PARTY_KEYS:
            raise  # the refusal page, and its access_log row (written by the engine)
        field = _about(exc, given)  # a typed id of a party the officer may not see (logged by the service)
        return seize_page(request, who, values, 422, _beside(exc, field, lang), field, chosen=chosen,
                          choices=choices)
    except AuctionFlowError as exc:
        if exc.key == "duplicate_seizure":
            return seize_page(request, who, values, 422, message("web.seize.duplicate", lang, **exc.params),
                              duplicate=exc.params["asset"], chosen=chosen, choices=choices)
        field = _about(exc, given)
        return seize_page(request, who, values, 422 if field else status_of(exc),
                          _beside(exc, field, lang) if field else exc.render(lang), field, chosen=chosen,
                          choices=choices)
    return RedirectResponse(f"/assets/{res['id']}?done=seize", status_code=303)
