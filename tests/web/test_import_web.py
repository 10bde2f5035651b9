"""Importing assets on the web desk (``/import``), in-process over a real database on each backend:
the command line's ``import assets`` for administrators and supervisors (an officer: 403 and an
``access_log`` row), a check that writes nothing, an import in one transaction, a refused file
listed line by line (escaped) and changing nothing, another office's row refused by scope, and the
multipart form's CSRF token."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import func, select, update
from test_api import page_session
from webkit import client, engine, province  # noqa: F401 (the fixtures this module uses)

from auction_flow.common.config import now_utc
from auction_flow.features.assets import service as assets_svc
from auction_flow.features.imports import staged
from auction_flow.features.supervision import service as supervision_svc
from auction_flow.storage import db
from auction_flow.storage.schema import assets, audit_log, import_staged

HEADER = "case_number,office,kind,description,officer,state,seized_on,priced_on,price"
GOOD = ["31/2026/QĐ,HG-VT,movable,Xe tải Hino 95C-111.22,cv_an,seized,2026-10-05,,",
        "32/2026/QĐ,HG-VT,real_estate,Thửa đất số 45 tờ bản đồ 7,cv_an,priced,2026-09-01,2026-09-20,850.000.000"]
BAD = "33/2026/QĐ,HG-VT,movable,Máy cày <b>Kubota</b>,cv_an,priced,2026-09-01,2026-09-20,<b>nhiều</b>"


def csv(*rows: str) -> bytes:
    return ("\n".join((HEADER, *rows)) + "\n").encode()


def counts(engine) -> tuple[int, int]:
    with db.reading(engine) as conn:
        return (conn.execute(select(func.count()).select_from(assets)).scalar(),
                conn.execute(select(func.count()).select_from(audit_log)).scalar())


def send(client, csrf, data: bytes, action: str, name="tài sản.csv", lang="en"):
    return client.post(f"/import?lang={lang}", data={"csrftoken": csrf, "action": action},
                       files={"file": (name, data, "text/csv")})


def test_a_supervisor_checks_then_imports_and_a_bad_file_changes_nothing(client, engine):
    csrf = page_session(client, "ld_binh")
    form = client.get("/import")
    assert form.status_code == 200 and 'id="import-link"' in form.text  # in the supervisor's menu
    inner = re.search(r'<form method="post" action="/import" enctype="multipart/form-data" id="import-form">(.*?)</form>',
                      form.text, re.S).group(1)
    assert inner.lstrip().startswith('<input type="hidden" name="csrftoken"')  # before the file
    before = counts(engine)

    bad = send(client, csrf, csv(*GOOD, BAD), "import")
    assert bad.status_code == 422, bad.text
    error = bad.text.split('id="import-error"')[1].split("</div>")[0]
    assert "tài sản.csv: 1 bad row(s); nothing was imported:" in error
    [line] = re.findall(r"<li>(.*?)</li>", error, re.S)
    assert line.startswith("line 4, column price: ") and "&lt;b&gt;nhiều&lt;/b&gt;" in line, line
    assert "<b>nhiều</b>" not in bad.text  # escaped
    assert counts(engine) == before

    checked = send(client, csrf, csv(*GOOD), "check")
    assert checked.status_code == 200, checked.text
    said = checked.text.split('id="import-result"')[1].split("</p>")[0]
    assert "2 rows are good; nothing written" in said, said
    states = checked.text.split('id="import-states"')[1].split("</table>")[0]
    assert "Seized" in states and "Priced" in states
    assert counts(engine) == before

    done = send(client, csrf, csv(*GOOD), "import", lang="vi")
    assert done.status_code == 200, done.text
    assert "tài sản.csv: đã nhập 2 tài sản." in done.text.split('id="import-result"')[1].split("</p>")[0]
    first, last = map(int, re.search(r'id="import-ids">.*?/assets/(\d+)".*?/assets/(\d+)"', done.text, re.S).groups())
    assert last == first + 1
    shown = [assets_svc.show(engine, aid, "ld_binh") for aid in (first, last)]
    assert [(a["case_number"], a["state"]) for a in shown] == [("31/2026/QĐ", "seized"), ("32/2026/QĐ", "priced")]
    assert counts(engine)[0] == before[0] + 2
    again = send(client, csrf, csv(*GOOD), "import")  # the same rows again: duplicates, refused
    assert again.status_code == 422 and "column case_number" in again.text
    assert counts(engine)[0] == before[0] + 2


def test_an_officer_may_not_import_and_each_refusal_is_an_access_log_row(client, engine):
    csrf = page_session(client, "cv_an")
    assert 'id="import-link"' not in client.get("/desk").text
    before, rows = counts(engine), len(supervision_svc.denied(engine, "admin"))
    assert client.get("/import").status_code == 403
    assert send(client, csrf, csv(*GOOD), "import").status_code == 403
    denied = supervision_svc.denied(engine, "admin")[rows:]
    assert [(d["actor"], d["action"]) for d in denied] == [("cv_an", "import")] * 2
    assert counts(engine)[0] == before[0]  # no asset (each refusal is chained in the audit log, as every refusal)


def test_a_branch_supervisor_may_not_import_another_branchs_assets(client, engine):
    csrf = page_session(client, "ld_binh")  # HG-VT's
    before, rows = counts(engine), len(supervision_svc.denied(engine, "admin"))
    r = send(client, csrf, csv(GOOD[0].replace("HG-VT,", "HG-NB,").replace("cv_an", "cv_dung")), "import")
    assert r.status_code == 403, r.text
    assert "HG-NB" in r.text
    assert [(d["actor"], d["action"], d["office"]) for d in supervision_svc.denied(engine, "admin")[rows:]] == \
        [("ld_binh", "import", "HG-NB")]  # the office refused, whose supervisors read the row
    assert counts(engine)[0] == before[0]


def test_the_import_form_checks_its_csrf_token_and_asks_for_a_file(client, engine):
    csrf = page_session(client, "ld_tinh")
    before = counts(engine)
    no_token = client.post("/import", data={"action": "import"}, files={"file": ("a.csv", csv(*GOOD), "text/csv")})
    assert no_token.status_code == 403 and "CSRF" in no_token.text
    wrong = send(client, csrf[:-2] + "xx", csv(*GOOD), "import")
    assert wrong.status_code == 403
    nothing = client.post("/import?lang=en", data={"csrftoken": csrf, "action": "import"})
    assert nothing.status_code == 422 and "no file chosen" in nothing.text
    empty = send(client, csrf, b"", "check")
    assert empty.status_code == 422 and "the file is empty" in empty.text
    assert counts(engine) == before


def _staged_token(page: str) -> str:
    form = page.split('id="import-staged-form"')[1].split("</form>")[0]
    return re.search(r'name="staged" value="([^"]+)"', form).group(1)


def post_staged(client, csrf, token: str, lang="en"):
    return client.post(f"/import?lang={lang}", data={"csrftoken": csrf, "action": "import", "staged": token})


def test_a_checked_file_is_imported_without_choosing_it_again_once_and_only_by_its_checker(client, engine):
    csrf = page_session(client, "ld_binh")
    before = counts(engine)
    checked = send(client, csrf, csv(*GOOD), "check")
    assert checked.status_code == 200, checked.text
    button = checked.text.split('id="import-staged"')[1].split("</button>")[0]
    assert "Import the checked file (tài sản.csv, 2 rows)" in button
    token = _staged_token(checked.text)
    with db.reading(engine) as conn:  # kept as its hash only, for the user who checked it
        kept = conn.execute(select(import_staged.c.token_hash, import_staged.c.username,
                                   import_staged.c.content)).all()
    assert [(k.username, bytes(k.content)) for k in kept] == [("ld_binh", csv(*GOOD))]
    assert token not in kept[0].token_hash and len(kept[0].token_hash) == 64
    assert counts(engine) == before  # a check writes no asset

    other = page_session(client, "ld_tinh")  # another supervisor: the token is not theirs
    refused = post_staged(client, other, token)
    assert refused.status_code == 422 and "choose the file again" in refused.text
    assert counts(engine) == before

    csrf = page_session(client, "ld_binh")
    done = post_staged(client, csrf, token, lang="vi")
    assert done.status_code == 200, done.text
    assert "tài sản.csv: đã nhập 2 tài sản." in done.text.split('id="import-result"')[1].split("</p>")[0]
    assert counts(engine)[0] == before[0] + 2
    again = post_staged(client, csrf, token)  # imported once: the token names nothing now
    assert again.status_code == 422 and "no longer kept" in again.text
    assert counts(engine)[0] == before[0] + 2
    with db.reading(engine) as conn:
        assert conn.execute(select(func.count()).select_from(import_staged)).scalar() == 0


def test_a_checked_file_waits_an_hour_at_most_and_a_new_check_replaces_it(client, engine):
    csrf = page_session(client, "ld_binh")
    before = counts(engine)
    first = _staged_token(send(client, csrf, csv(GOOD[0]), "check").text)
    second = _staged_token(send(client, csrf, csv(GOOD[1]), "check").text)
    replaced = post_staged(client, csrf, first)  # the user's earlier check is dropped by the next
    assert replaced.status_code == 422 and "no longer kept" in replaced.text
    with db.writing(engine) as conn:  # the second check was made 61 minutes ago
        conn.execute(update(import_staged).values(staged_at=now_utc() - staged.KEPT_FOR - dt.timedelta(minutes=1)))
    late = post_staged(client, csrf, second)
    assert late.status_code == 422 and "over 60 minutes old" in late.text
    assert counts(engine) == before
    # a refused file is not kept: nothing to import
    bad = send(client, csrf, csv(*GOOD, BAD), "check")
    assert bad.status_code == 422 and 'id="import-staged-form"' not in bad.text
