"""Reports and the audit log: the summary table with its XLSX and CSV downloads, the stages chart as
an image, and the audit log and refusals with the command line's filters (``report summary``,
``report stages``, ``audit log``, ``audit denied``: the same services, the same scope)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from auction_flow.features.reports import render as rep
from auction_flow.features.reports import service as reports_svc
from auction_flow.features.supervision import service as supervision_svc
from auction_flow.frontends.web.pages.desk import blank
from auction_flow.frontends.web.sessions import Identity, engine_of, page_user
from auction_flow.frontends.web.views import lang_of, page

router = APIRouter(include_in_schema=False)
AUDIT_ROWS = 500  # rows on one page of the audit log unless the reader asks for fewer


def _period(year: str | None, date_from: str | None, date_to: str | None) -> dict:
    year = blank(year)
    return {"year": int(year) if year and year.isdigit() else None, "start": blank(date_from), "end": blank(date_to)}


def _summary(request: Request, who: Identity, year, date_from, date_to, by) -> dict:
    p = _period(year, date_from, date_to)
    return reports_svc.summary(engine_of(request), who.username, p["start"], p["end"], p["year"], blank(by) or "office")


def _download(body: bytes, media: str, name: str) -> Response:
    return Response(body, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/reports")
def reports(request: Request, who: Identity = Depends(page_user), year: str | None = None,
            date_from: str | None = None, date_to: str | None = None, by: str | None = None):
    lang = lang_of(request)
    data = _summary(request, who, year, date_from, date_to, by)
    p = _period(year, date_from, date_to)
    stages = reports_svc.stages(engine_of(request), who.username, p["start"], p["end"], p["year"])
    header, rows = rep.records(data, lang)
    # figures down, groups across (a branch per column), as the command line's table reads
    groups = [r[0] for r in rows]
    figures = [(header[i], [r[i] for r in rows]) for i in range(1, len(header))]
    return page(request, "reports.html", data=data, corner=header[0], groups=groups, figures=figures,
                stages=stages["rows"],
                query_string=request.url.query, by_choices=reports_svc.BY,
                filters={"year": blank(year) or "", "date_from": blank(date_from) or "",
                         "date_to": blank(date_to) or "", "by": data["by"]})


@router.get("/reports/summary.csv")
def summary_csv(request: Request, who: Identity = Depends(page_user), year: str | None = None,
                date_from: str | None = None, date_to: str | None = None, by: str | None = None):
    data = _summary(request, who, year, date_from, date_to, by)
    body = rep.to_csv(data, lang_of(request)).encode("utf-8-sig")  # the BOM: spreadsheet programs read UTF-8
    return _download(body, "text/csv; charset=utf-8", f"summary-{data['from']}-{data['to']}.csv")


@router.get("/reports/summary.xlsx")
def summary_xlsx(request: Request, who: Identity = Depends(page_user), year: str | None = None,
                 date_from: str | None = None, date_to: str | None = None, by: str | None = None):
    data = _summary(request, who, year, date_from, date_to, by)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "summary.xlsx"
        rep.to_xlsx(data, lang_of(request), str(path))
        body = path.read_bytes()
    return _download(body, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                     f"summary-{data['from']}-{data['to']}.xlsx")


@router.get("/reports/stages.png")
def stages_png(request: Request, who: Identity = Depends(page_user), year: str | None = None,
               date_from: str | None = None, date_to: str | None = None):
    p = _period(year, date_from, date_to)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "stages.png"
        reports_svc.stages(engine_of(request), who.username, p["start"], p["end"], p["year"], str(path),
                           lang_of(request))
        body = path.read_bytes()
    return Response(body, media_type="image/png")


@router.get("/audit")
def audit_log(request: Request, who: Identity = Depends(page_user), asset: str | None = None,
              actor: str | None = None, office: str | None = None, date_from: str | None = None,
              date_to: str | None = None, trigger: str | None = None, limit: int = AUDIT_ROWS):
    limit = max(1, min(limit, 10 * AUDIT_ROWS))
    filters = {"asset": blank(asset), "actor": blank(actor), "office": blank(office), "date_from": blank(date_from),
               "date_to": blank(date_to), "trigger": blank(trigger)}
    rows = supervision_svc.log(engine_of(request), who.username, filters["asset"], filters["actor"],
                               filters["office"], filters["date_from"], filters["date_to"], filters["trigger"],
                               limit)
    return page(request, "audit.html", rows=rows, limit=limit, full=len(rows) >= limit,
                filters={k: v or "" for k, v in filters.items()})


@router.get("/audit/denied")
def audit_denied(request: Request, who: Identity = Depends(page_user), limit: int = AUDIT_ROWS):
    rows = supervision_svc.denied(engine_of(request), who.username, max(1, min(limit, 10 * AUDIT_ROWS)))
    return page(request, "denied.html", rows=rows)
