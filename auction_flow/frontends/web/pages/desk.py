"""The officer's desk: my assets, overdue first, the days left or late, the legal basis a click away.

Supervisors, procurators and administrators see every asset in their scope here (an officer
too, with "all of my office"); the filters are the command line's (``asset list --state
--office --overdue``), and so is the service it calls.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from auction_flow.features.admin import workflows as workflows_svc
from auction_flow.features.assets import service as assets_svc
from auction_flow.frontends.web.sessions import Identity, engine_of, page_user
from auction_flow.frontends.web.views import lang_of, page

router = APIRouter(include_in_schema=False)


def blank(value: str | None) -> str | None:
    """A filter left empty in a form is no filter."""
    return (value or "").strip() or None


@router.get("/desk")
def desk(request: Request, who: Identity = Depends(page_user), all: bool = False, state: str | None = None,
         office: str | None = None, overdue: bool = False):
    lang = lang_of(request)
    mine = who.role == "officer" and not all
    rows = assets_svc.list_assets(engine_of(request), who.username, blank(state), blank(office), overdue, lang,
                                  officer=who.username if mine else None)
    return page(request, "desk.html", rows=rows, mine=mine, may_seize=assets_svc.may_seize(who.role),
                states=workflows_svc.show(lang=lang)["states"],
                filters={"state": blank(state) or "", "office": blank(office) or "", "overdue": overdue, "all": all})
