"""The procuracy's desk (``/procuracy``): its recommendations and protests with their answer
clocks, and the decisions owed to it. A procurator's one form registers a recommendation or a
protest (its only write); a supervisor answers an open one. The service checks the role and the
office again, and logs a refusal."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse

from auction_flow.common.errors import InvalidInput, NotFound, PermissionDenied, TriggerNotAllowed
from auction_flow.features.procuracy import service as procuracy_svc
from auction_flow.frontends.web.errors import status_of
from auction_flow.frontends.web.sessions import Identity, engine_of, page_user
from auction_flow.frontends.web.views import form_data, lang_of, page

router = APIRouter(include_in_schema=False)
FIELDS = ("kind", "asset", "number", "received", "about", "step")
# which input of the register form a refusal is about
FIELD_OF = {"procuracy_bad_kind": "kind", "asset_not_found": "asset", "bad_id": "asset", "bad_date": "received",
            "date_in_future": "received", "procuracy_step_not_found": "step"}


def _desk(request: Request, who: Identity, status: int = 200, values=None, error=None, field=None,
          answer_error=None, saved=None):
    data = procuracy_svc.list_all(engine_of(request), who.username)
    return page(request, "procuracy.html", status=status, items=data["items"],
                decisions=[d for d in data["decisions"] if d["clock"] in ("overdue", "missed", "running")],
                can_register=who.role in procuracy_svc.REGISTER_ROLES,
                can_answer=who.role in procuracy_svc.ANSWER_ROLES, values=values or {}, error=error, field=field,
                answer_error=answer_error, saved=saved)


@router.get("/procuracy")
def desk(request: Request, who: Identity = Depends(page_user), saved: str | None = None):
    return _desk(request, who, saved=saved)


@router.post("/procuracy")
def register(request: Request, who: Identity = Depends(page_user), data: dict = Depends(form_data)):
    values = {k: (data.get(k) or "").strip() for k in FIELDS}
    try:
        res = procuracy_svc.register(engine_of(request), who.username, values["kind"], values["asset"] or None,
                                     values["number"], values["received"] or None, values["about"],
                                     values["step"] or None)
    except (InvalidInput, PermissionDenied, NotFound) as exc:
        field = FIELD_OF.get(exc.key) or next((f for f in FIELDS if f"--{f}" in str(exc.params.get("field"))), None)
        return _desk(request, who, status=status_of(exc), values=values, error=exc.render(lang_of(request)),
                     field=field)
    return RedirectResponse(f"/procuracy?saved={res['id']}#item-{res['id']}", status_code=303)


@router.post("/procuracy/{item_id}/answer")
def answer(request: Request, item_id: str, who: Identity = Depends(page_user), data: dict = Depends(form_data)):
    try:
        res = procuracy_svc.answer(engine_of(request), who.username, item_id, data.get("on") or None,
                                   data.get("text"))
    except (InvalidInput, PermissionDenied, TriggerNotAllowed) as exc:
        return _desk(request, who, status=status_of(exc),
                     answer_error={"id": str(item_id), "message": exc.render(lang_of(request))})
    return RedirectResponse(f"/procuracy?saved={res['id']}#item-{res['id']}", status_code=303)
