"""The JSON API: tokens, who am I, and assets (list, show, history, seize, advance, reassign,
correct). Every answer is the object the command line prints with ``--json`` (codes, not labels;
ISO dates); every refusal is ``{"error": "<the one-line message>"}`` with its status code."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from typing import Literal

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from auction_flow.common.errors import UsageError
from auction_flow.common.render import to_json
from auction_flow.features.assets import service as assets_svc
from auction_flow.features.casefile import parties as parties_svc
from auction_flow.features.supervision import service as supervision_svc
from auction_flow.frontends.web import sessions
from auction_flow.frontends.web.sessions import Identity, api_user, engine_of
from auction_flow.frontends.web.views import lang_of

ERRORS = {status: {"description": what, "content": {"application/json": {"example": {"error": "..."}}}}
          for status, what in ((401, "No credentials, or a token unknown, expired, revoked or idle"),
                               (403, "The role or the office does not allow it (an access_log row is written)"),
                               (404, "No such asset, alert, office or user"),
                               (409, "The asset changed since it was read"),
                               (422, "Invalid input, or a step the workflow refuses now"),
                               (429, "Too many lookups by identity number of no party lately: another office's "
                                     "parties are not looked up by number until the window has passed (an "
                                     "access_log row is written)"))}
router = APIRouter(prefix="/api", tags=["assets"], responses=ERRORS)


def json_of(data) -> Response:
    """``data`` exactly as ``--json`` prints it."""
    return Response(to_json(data), media_type="application/json")


def sets_of(values: dict) -> list[str]:
    """A JSON ``set`` object as the ``FIELD=VALUE`` items the service takes (as ``--set`` gives them)."""
    return [f"{k}={v}" for k, v in values.items()]


class Token(BaseModel):
    token: str = Field(description="The secret: send it as `Authorization: Bearer TOKEN`. Shown once.")
    expires_at: dt.datetime


class Advance(BaseModel):
    trigger: str = Field(description="A trigger allowed from the asset's state (see `allowed_triggers`).")
    on: str | None = Field(None, description="Business date of the step, YYYY-MM-DD (default: today).")
    fields: dict[str, str | int] = Field(default_factory=dict, alias="set",
                                         description="The trigger's fields, e.g. {\"price\": 850000000}.")
    reason: str | None = None
    expect_version: int | None = Field(None, description="Refuse with 409 unless the asset is at this version.")
    buyer: int | None = Field(None, description="The id of the party who bought (a step that records a buyer), one "
                                                "the caller may see.")
    buyer_id_number: str | None = Field(None, description="The party who bought, by its full identity number "
                                                          "(instead of `buyer`): how another office's party is named.")


class Seize(BaseModel):
    case_number: str
    office: str
    kind: Literal["movable", "real_estate"]
    description: str
    officer: str | None = Field(None, description="The officer assigned (default: the caller).")
    on: str | None = None
    debtors: list[int] = Field(default_factory=list, description="Party ids of the debtors (parties the caller may see).")
    creditors: list[int] = Field(default_factory=list, description="Party ids of the creditors (parties the caller may "
                                                                   "see).")
    debtor_id_numbers: list[str] = Field(default_factory=list, description="Debtors by their full identity numbers: "
                                                                           "how another office's parties are named.")
    creditor_id_numbers: list[str] = Field(default_factory=list, description="Creditors by their full identity numbers.")


class Reassign(BaseModel):
    to: str
    reason: str
    on: str | None = None


class Correct(BaseModel):
    fields: dict[str, str] = Field(alias="set")
    reason: str
    on: str | None = None


@router.post("/token", tags=["identity"], response_model=Token, responses={429: {"description": "Wait"}})
def create_token(request: Request, username: str = Form(...), password: str = Form(...)):
    """Sign in with a user name and password; the answer's token authorises every other call."""
    signed = sessions.sign_in(request, username.strip(), password, sessions.API_CHANNEL)
    return json_of({"token": signed.token, "expires_at": signed.expires_at})


@router.delete("/token", tags=["identity"])
def revoke_token(request: Request, who: Identity = Depends(api_user)):
    """End the session this call's token opened (POST /api/token), or revoke its bearer token."""
    sessions.revoke(request, who, request.headers.get("authorization", "").partition(" ")[2].strip())
    return json_of({"signed_out": who.username, "via": who.via})


@router.get("/me", tags=["identity"])
def whoami(who: Identity = Depends(api_user)):
    """Who the token belongs to (as `auction-flow whoami --json`)."""
    return json_of({"username": who.username, "role": who.role, "office": who.office})


@router.get("/assets")
def list_assets(request: Request, who: Identity = Depends(api_user), state: str | None = None,
                office: str | None = None, overdue: bool = False, officer: str | None = None,
                limit: int | None = None):
    """The assets the caller may see, nearest deadline first (`asset list --json`)."""
    return json_of(assets_svc.list_assets(engine_of(request), who.username, state, office, overdue,
                                          lang_of(request), limit, officer=officer))


@router.post("/assets", status_code=201)
def seize(request: Request, body: Seize, who: Identity = Depends(api_user)):
    """Record a seizure, its debtors and creditors linked, its decision issued (`asset seize --json`)."""
    debtors = [*body.debtors, *map(parties_svc.ByNumber, body.debtor_id_numbers)]
    creditors = [*body.creditors, *map(parties_svc.ByNumber, body.creditor_id_numbers)]
    new_id = assets_svc.seize(engine_of(request), who.username, body.case_number, body.office, body.kind,
                              body.description, body.officer, body.on, debtors, creditors)
    return Response(to_json({"id": new_id}), status_code=201, media_type="application/json")


@router.get("/assets/{asset_id}")
def show_asset(request: Request, asset_id: str, who: Identity = Depends(api_user)):
    """Where the asset stands, its deadline and basis, what it may do next, its history (`asset show --json`)."""
    return json_of(assets_svc.show(engine_of(request), asset_id, who.username, lang_of(request)))


@router.get("/assets/{asset_id}/history")
def asset_history(request: Request, asset_id: str, who: Identity = Depends(api_user), on: str | None = None):
    """The asset's timeline: days in each state, each deadline met or missed (`asset history --json`)."""
    return json_of(supervision_svc.history(engine_of(request), asset_id, who.username, on))


@router.post("/assets/{asset_id}/advance")
def advance(request: Request, asset_id: str, body: Advance, who: Identity = Depends(api_user)):
    """Fire a trigger; the paper the step issues is numbered and stored with it (`asset advance --json`)."""
    if body.buyer is not None and body.buyer_id_number is not None:
        raise UsageError("cf.buyer_twice")
    buyer = parties_svc.ByNumber(body.buyer_id_number) if body.buyer_id_number is not None else body.buyer
    res = assets_svc.advance(engine_of(request), asset_id, body.trigger, who.username, body.on,
                             sets_of(body.fields), body.reason, body.expect_version, buyer)
    return json_of(asdict(res))


@router.post("/assets/{asset_id}/reassign")
def reassign(request: Request, asset_id: str, body: Reassign, who: Identity = Depends(api_user)):
    """Give the asset to another officer (`asset reassign --json`)."""
    return json_of(assets_svc.reassign(engine_of(request), asset_id, who.username, body.to, body.reason, body.on))


@router.post("/assets/{asset_id}/correct")
def correct(request: Request, asset_id: str, body: Correct, who: Identity = Depends(api_user)):
    """Correct descriptive fields of the asset (`asset correct --json`)."""
    return json_of(assets_svc.correct(engine_of(request), asset_id, who.username, sets_of(body.fields),
                                      body.reason, body.on))
