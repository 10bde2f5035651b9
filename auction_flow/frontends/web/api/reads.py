"""The JSON API for alerts, the audit trail, reports and complaints: the command line's reads and
steps with its filters, answering what its ``--json`` prints."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from auction_flow.common.render import to_json
from auction_flow.features.alerts import service as alerts_svc
from auction_flow.features.complaints import service as complaints_svc
from auction_flow.features.reports import service as reports_svc
from auction_flow.features.supervision import service as supervision_svc
from auction_flow.frontends.web.api.assets import ERRORS, json_of
from auction_flow.frontends.web.sessions import Identity, api_user, engine_of

router = APIRouter(prefix="/api", responses=ERRORS)


class Reason(BaseModel):
    reason: str


class Snooze(BaseModel):
    until: str = Field(description="The day the alert comes back, YYYY-MM-DD.")
    reason: str


class NewComplaint(BaseModel):
    asset: int
    kind: Literal["complaint", "denunciation"]
    received: str
    by: str
    about: str
    level: Literal["first", "second"] = "first"
    coercion: bool = False
    complex: bool = False


class Accept(BaseModel):
    on: str | None = None
    complex: bool | None = None


class Resolve(BaseModel):
    on: str | None = None
    outcome: str | None = None


# --- alerts -------------------------------------------------------------------------------

@router.get("/alerts", tags=["alerts"])
def list_alerts(request: Request, who: Identity = Depends(api_user), office: str | None = None,
                rule: str | None = None, level: str | None = None, all: bool = False, now: str | None = None):
    """The alerts the caller may see, most urgent first (`alerts list --json`; `all` for `--all`)."""
    return json_of(alerts_svc.list_alerts(engine_of(request), who.username, office, rule, level, all, now))


@router.get("/alerts/{alert_id}", tags=["alerts"])
def show_alert(request: Request, alert_id: str, who: Identity = Depends(api_user)):
    """One alert and who handled it (`alerts show --json`)."""
    return json_of(alerts_svc.show(engine_of(request), alert_id, who.username))


@router.post("/alerts/{alert_id}/ack", tags=["alerts"])
def ack_alert(request: Request, alert_id: str, body: Reason, who: Identity = Depends(api_user)):
    """Acknowledge an alert, with what is being done about it (`alerts ack --json`)."""
    return json_of(alerts_svc.ack(engine_of(request), alert_id, who.username, body.reason))


@router.post("/alerts/{alert_id}/snooze", tags=["alerts"])
def snooze_alert(request: Request, alert_id: str, body: Snooze, who: Identity = Depends(api_user)):
    """Snooze an alert until a day (`alerts snooze --json`)."""
    return json_of(alerts_svc.snooze(engine_of(request), alert_id, who.username, body.until, body.reason))


# --- the audit trail ------------------------------------------------------------------------

@router.get("/audit/log", tags=["audit"])
def audit_log(request: Request, who: Identity = Depends(api_user), asset: str | None = None,
              actor: str | None = None, office: str | None = None, date_from: str | None = Query(None, alias="from"),
              date_to: str | None = Query(None, alias="to"), trigger: str | None = None, limit: int | None = None):
    """Audit rows of the offices the caller may read, oldest first (`audit log --json`)."""
    return json_of(supervision_svc.log(engine_of(request), who.username, asset, actor, office, date_from, date_to,
                                       trigger, limit))


@router.get("/audit/denied", tags=["audit"])
def audit_denied(request: Request, who: Identity = Depends(api_user), limit: int | None = None):
    """Refusals for lack of permission or scope (`audit denied --json`)."""
    return json_of(supervision_svc.denied(engine_of(request), who.username, limit))


@router.get("/audit/signals", tags=["audit"])
def audit_signals(request: Request, who: Identity = Depends(api_user), office: str | None = None,
                  date_from: str | None = Query(None, alias="from"), date_to: str | None = Query(None, alias="to"),
                  threshold: list[str] = Query(default=[])):
    """Inspection signals with their evidence rows (`audit signals --json`; `threshold=NAME=N`, repeatable)."""
    return json_of(supervision_svc.signals(engine_of(request), who.username, office, date_from, date_to,
                                           threshold))


@router.get("/audit/verify", tags=["audit"])
def audit_verify(request: Request, who: Identity = Depends(api_user), anchor: list[str] = Query(default=[]),
                 office: str | None = None, province: str | None = None):
    """Check every chain of the audit log; an intact log gives its anchor (`audit verify --json`);
    ``office`` or ``province``: only those offices' chains (`audit verify --office/--province --json`)."""
    res = supervision_svc.verify(engine_of(request), who.username, anchor, office=office or None,
                                 province=province or None)
    res.pop("errors")
    return json_of(res)


# --- reports --------------------------------------------------------------------------------

@router.get("/reports/summary", tags=["reports"])
def report_summary(request: Request, who: Identity = Depends(api_user), year: int | None = None,
                   date_from: str | None = Query(None, alias="from"), date_to: str | None = Query(None, alias="to"),
                   by: str = "office"):
    """The figures per office, officer, auction or appraisal organisation (`report summary --json`)."""
    return json_of(reports_svc.summary(engine_of(request), who.username, date_from, date_to, year, by))


@router.get("/reports/stages", tags=["reports"])
def report_stages(request: Request, who: Identity = Depends(api_user), year: int | None = None,
                  date_from: str | None = Query(None, alias="from"), date_to: str | None = Query(None, alias="to")):
    """Median days in each stage per office (`report stages --json`)."""
    return json_of(reports_svc.stages(engine_of(request), who.username, date_from, date_to, year))


# --- complaints -----------------------------------------------------------------------------

@router.get("/complaints", tags=["complaints"])
def list_complaints(request: Request, who: Identity = Depends(api_user), status: str | None = None,
                    asset: str | None = None):
    """Complaints of the offices the caller may read, with their clocks (`complaint list --json`)."""
    return json_of(complaints_svc.list_complaints(engine_of(request), who.username, status, asset))


@router.post("/complaints", tags=["complaints"], status_code=201)
def add_complaint(request: Request, body: NewComplaint, who: Identity = Depends(api_user)):
    """Register a complaint or denunciation (`complaint add --json`)."""
    res = complaints_svc.add(engine_of(request), who.username, body.asset, body.kind, body.received, body.by,
                             body.about, body.level, body.coercion, body.complex)
    return Response(to_json(res), status_code=201, media_type="application/json")


@router.post("/complaints/{complaint_id}/accept", tags=["complaints"])
def accept_complaint(request: Request, complaint_id: str, body: Accept, who: Identity = Depends(api_user)):
    """Accept a complaint; its resolution clock starts (`complaint accept --json`)."""
    return json_of(complaints_svc.accept(engine_of(request), who.username, complaint_id, body.on, body.complex))


@router.post("/complaints/{complaint_id}/resolve", tags=["complaints"])
def resolve_complaint(request: Request, complaint_id: str, body: Resolve, who: Identity = Depends(api_user)):
    """Record the decision on an accepted complaint (`complaint resolve --json`)."""
    return json_of(complaints_svc.resolve(engine_of(request), who.username, complaint_id, body.on, body.outcome))
