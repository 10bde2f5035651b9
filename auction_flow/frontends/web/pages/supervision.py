"""The supervisor's desk: alerts by urgency (acknowledge, snooze), stalled stages, the inspection
signals with their evidence rows, and the audit chain's status with its anchor. Officers have the
alerts list of their office (``/alerts``); procurators read everything here and get no form.

Acknowledge and snooze are plain forms (a POST, then back to the list); with htmx the row is
replaced in place.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse

from auction_flow.common.errors import InvalidInput
from auction_flow.features.alerts import service as alerts_svc
from auction_flow.features.assets import service as assets_svc
from auction_flow.features.complaints import service as complaints_svc
from auction_flow.features.procuracy import service as procuracy_svc
from auction_flow.features.supervision import service as supervision_svc
from auction_flow.features.supervision.verify import scope_lines
from auction_flow.frontends.web.errors import status_of
from auction_flow.frontends.web.pages.account import safe_next
from auction_flow.frontends.web.pages.desk import blank
from auction_flow.frontends.web.sessions import Identity, engine_of, page_user
from auction_flow.frontends.web.views import form_data, lang_of, page, text

router = APIRouter(include_in_schema=False)
HANDLERS = alerts_svc.HANDLERS  # who may acknowledge or snooze (the service checks it again)


def _alert_context(who: Identity) -> dict:
    return {"can_handle": who.role in HANDLERS}


@router.get("/supervision")
def desk(request: Request, who: Identity = Depends(page_user), office: str | None = None,
         date_from: str | None = None, date_to: str | None = None):
    engine, lang = engine_of(request), lang_of(request)
    office = blank(office)
    alerts = alerts_svc.list_alerts(engine, who.username, office)
    stalled = assets_svc.list_assets(engine, who.username, office=office, overdue=True, lang=lang)
    signals = None
    if who.role in supervision_svc.VERIFY_ROLES:
        signals = supervision_svc.signals(engine, who.username, office, blank(date_from), blank(date_to))
    open_items = [i for i in procuracy_svc.list_all(engine, who.username, items_only=True)["items"]
                  if i["status"] == "open"]
    out_of_time = complaints_svc.list_complaints(engine, who.username, status="out_of_time")
    return page(request, "supervision.html", alerts=alerts, stalled=stalled, signals=signals, back="/supervision",
                open_items=open_items, out_of_time=out_of_time,
                filters={"office": office or "", "date_from": blank(date_from) or "", "date_to": blank(date_to) or ""},
                failed=None, **_alert_context(who))


@router.get("/alerts")
def alerts_page(request: Request, who: Identity = Depends(page_user), show_all: bool = False):
    rows = alerts_svc.list_alerts(engine_of(request), who.username, show_all=show_all)
    return page(request, "alerts.html", alerts=rows, back="/alerts", failed=None, show_all=show_all,
                **_alert_context(who))


@router.get("/supervision/chain")
def chain(request: Request, who: Identity = Depends(page_user), office: str | None = None,
          province: str | None = None):
    """The whole log's verify; ``office`` or ``province``: only those chains (``audit verify --office``)."""
    res = supervision_svc.verify(engine_of(request), who.username, office=blank(office), province=blank(province))
    problems = [p.render(lang_of(request)) for p in res.pop("errors")]
    fragment = bool(request.headers.get("hx-request"))
    lines = scope_lines(res, lang_of(request)) if res.get("scope") is not None else []
    return page(request, "chain.html", res=res, problems=problems, fragment=fragment, scope_lines=lines)


def _handled(request: Request, who: Identity, alert_id: str, data: dict, handle):
    lang = lang_of(request)
    back = safe_next(data.get("back") or "/supervision")
    try:
        row = handle()
    except InvalidInput as exc:
        failed = {"id": str(alert_id), "message": exc.render(lang),
                  "field": "until" if exc.key in ("bad_date", "snooze_not_future") else "reason"}
        if request.headers.get("hx-request"):
            row = alerts_svc.show(engine_of(request), alert_id, who.username)
            return page(request, "alert_row.html", status=status_of(exc), a=row, back=back, failed=failed,
                        **_alert_context(who))
        rows = alerts_svc.list_alerts(engine_of(request), who.username)
        return page(request, "alerts.html", status=status_of(exc), alerts=rows, back="/alerts", failed=failed,
                    show_all=False, here="/alerts", **_alert_context(who))
    if request.headers.get("hx-request"):
        return page(request, "alert_row.html", a=row, back=back, failed=None, notice=text(lang, "saved"),
                    **_alert_context(who))
    return RedirectResponse(back, status_code=303)



@router.post("/alerts/{alert_id}/ack")
def acknowledge(request: Request, alert_id: str, who: Identity = Depends(page_user),
                data: dict = Depends(form_data)):
    return _handled(request, who, alert_id, data,
                    lambda: alerts_svc.ack(engine_of(request), alert_id, who.username, data.get("reason")))


@router.post("/alerts/{alert_id}/snooze")
def snooze(request: Request, alert_id: str, who: Identity = Depends(page_user), data: dict = Depends(form_data)):
    return _handled(request, who, alert_id, data,
                    lambda: alerts_svc.snooze(engine_of(request), alert_id, who.username, data.get("until") or "",
                                              data.get("reason")))
