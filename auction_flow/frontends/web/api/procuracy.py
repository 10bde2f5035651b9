"""The JSON API of the procuracy (Viện kiểm sát): the decisions owed to it and sent, its
recommendations and protests with their answer clocks, in the caller's offices; a send recorded
(officers, supervisors), a recommendation or protest registered (procurators: their only write), an
answer recorded (supervisors). Every answer is what the command line prints with ``--json``
(``procuracy list``, ``send``, ``recommend``, ``protest``, ``answer``), through the same service; a
refusal for role or office is a 403 and an ``access_log`` row, as on the command line and the pages."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field

from auction_flow.core.reading_day import reading_day
from auction_flow.features.procuracy import service as procuracy_svc
from auction_flow.frontends.web.api.assets import ERRORS, json_of
from auction_flow.frontends.web.api.casefile import created
from auction_flow.frontends.web.sessions import Identity, api_user, engine_of

router = APIRouter(prefix="/api/procuracy", tags=["procuracy"], responses=ERRORS)


class Send(BaseModel):
    asset: int
    step: int = Field(description="The decision's step: its position in the asset's audit trail (`seq`).")
    on: str | None = Field(None, description="The day it was sent, YYYY-MM-DD (default: today).")
    reference: str | None = Field(None, description="The dispatch's number in the office's book.")


class Register(BaseModel):
    asset: int
    number: str = Field(description="The procuracy's document number.")
    received: str = Field(description="The day the office received it, YYYY-MM-DD (the answer clock counts from it).")
    about: str = Field(description="What it asks or objects to.")
    step: int | None = Field(None, description="The step it is about (its `seq`), if one.")


class Answer(BaseModel):
    on: str | None = Field(None, description="The day of the answer, YYYY-MM-DD (default: today).")
    text: str = Field(description="The answer in a few words.")


@router.get("")
def list_all(request: Request, who: Identity = Depends(api_user), asset: str | None = None,
             on: str | None = Query(None, description="The day the clocks are read on, YYYY-MM-DD (default: "
                                                      "today, or a demo database's day, as `--now`)."),
             items_only: bool = False):
    """The recommendations and protests, and the decisions owed to or sent to the procuracy, of the
    offices the caller may read, each with its clock (`procuracy list --json`; `items_only`: no decisions)."""
    engine = engine_of(request)
    day = reading_day(engine, on, "on")[0]
    return json_of(procuracy_svc.list_all(engine, who.username, day, asset, items_only))


@router.post("/sends", status_code=201)
def send(request: Request, body: Send, who: Identity = Depends(api_user)):
    """Record that the decision of an asset's step was sent to the procuracy (`procuracy send --json`;
    officers and supervisors of the asset's office)."""
    return created(procuracy_svc.send(engine_of(request), who.username, body.asset, body.step, body.on,
                                      body.reference))


def _register(request: Request, kind: str, body: Register, who: Identity):
    return created(procuracy_svc.register(engine_of(request), who.username, kind, body.asset, body.number,
                                          body.received, body.about, body.step))


@router.post("/recommendations", status_code=201)
def recommend(request: Request, body: Register, who: Identity = Depends(api_user)):
    """Register the procuracy's recommendation (kiến nghị) about an asset; its answer clock starts
    (`procuracy recommend --json`; procurators of an office over the asset's)."""
    return _register(request, "recommendation", body, who)


@router.post("/protests", status_code=201)
def protest(request: Request, body: Register, who: Identity = Depends(api_user)):
    """Register the procuracy's protest (kháng nghị) about an asset; its answer clock starts
    (`procuracy protest --json`; procurators of an office over the asset's)."""
    return _register(request, "protest", body, who)


@router.post("/items/{item_id}/answer")
def answer(request: Request, item_id: str, body: Answer, who: Identity = Depends(api_user)):
    """Record the office's answer to a recommendation or protest (`procuracy answer --json`;
    supervisors of the asset's office or above)."""
    return json_of(procuracy_svc.answer(engine_of(request), who.username, item_id, body.on, body.text))
