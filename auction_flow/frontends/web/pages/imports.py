"""Importing assets already in progress on the web desk: the command line's ``import assets`` for
the people who work in a browser (administrators and supervisors; anyone else gets the 403 page and
an ``access_log`` row, as the command line's refusal).

One form: the CSV file and two buttons, *check* (``--dry-run``: the whole file checked, nothing
written) and *import* (every row in one transaction, or nothing). A file that passes the check is
kept for its user (:mod:`auction_flow.features.imports.staged`), and the answer offers *Import the
checked file*: a second form holding only the token that names it, so the file need not be chosen
again (a browser clears a file input) and what is imported is what was checked. A refused file is
listed line by line with the column each refusal is about, as the command line lists it, and
changes nothing. The upload is a multipart form, so its ``csrftoken`` input comes first (see
``frontends/web/csrf.py``).
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile

from auction_flow.common.errors import InvalidInput
from auction_flow.common.words import message
from auction_flow.features.imports import check as import_check
from auction_flow.features.imports import service as imports_svc
from auction_flow.features.imports import staged
from auction_flow.frontends.web.errors import status_of
from auction_flow.frontends.web.sessions import Identity, engine_of, page_user
from auction_flow.frontends.web.views import lang_of, page, text

router = APIRouter(include_in_schema=False)
MAX_MB = 64  # a province's whole register is a few MB (100,000 rows: about 20 MB)


def _form(request: Request, status: int = 200, **context):
    lang = lang_of(request)
    return page(request, "import.html", status=status, columns=import_check.COLUMNS, max_mb=MAX_MB,
                title=text(lang, "import.title"), **{"result": None, "error": None, "lines": [], "staged": None,
                                                     **context})


@router.get("/import")
def import_form(request: Request, who: Identity = Depends(page_user)):
    imports_svc.may_import(engine_of(request), who.username)
    return _form(request)


@router.post("/import")
def import_file(request: Request, who: Identity = Depends(page_user), action: str = Form("check"),
                file: UploadFile | None = File(None), staged_token: str = Form("", alias="staged")):
    """Check (``action=check``) or import the uploaded file, or import the file checked before
    (``staged``: its token); a refusal changes nothing and is listed."""
    lang = lang_of(request)
    engine = engine_of(request)
    try:
        if staged_token and action == "import":
            name, data = staged.take(engine, who.username, staged_token)
        elif file is None or not file.filename:
            raise InvalidInput("web.cf.no_file")
        else:
            name, data = file.filename, file.file.read(MAX_MB * 2**20 + 1)
        if len(data) > MAX_MB * 2**20:
            raise InvalidInput("web.import.too_big", mb=MAX_MB)
        res = imports_svc.import_data(engine, data, name, who.username, dry_run=action != "import")
    except InvalidInput as exc:
        rows = exc.params.get("errors")
        if isinstance(rows, import_check.ErrorList):  # the bad rows, one a line
            lines = [message("ie_line", lang, line=ln, column=col, why=why.render(lang)) for ln, col, why in rows.errors]
            error = text(lang, "import.rejected", file=exc.params["file"], count=exc.params["count"])
            return _form(request, status=status_of(exc), error=error, lines=lines)
        return _form(request, status=status_of(exc), error=exc.render(lang))
    if res["dry_run"] and res["rows"]:  # good: kept for its import
        return _form(request, result=res, staged=staged.keep(engine, who.username, name, data))
    if staged_token:
        staged.drop(engine, who.username, staged_token)
    return _form(request, result=res)
