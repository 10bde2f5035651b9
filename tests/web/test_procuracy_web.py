"""The procuracy's desk in a real browser (Debian's Chromium, driven by Playwright) against a real
``auction-flow serve``: a procurator's one form registers a protest, a supervisor answers it, the
supervisor's view shows it open; everyone else gets no form, and a forged post is refused."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from webkit import browser, page_of, served  # noqa: F401 (the fixtures this module uses)

from auction_flow.features.procuracy import service as procuracy_svc
from auction_flow.storage.schema import access_log


def test_a_procurator_registers_a_protest_and_a_supervisor_answers_it(page_of, served):
    asset, today = served.ids["fresh"], dt.date.today().isoformat()
    page = page_of("ksv")
    page.goto("/procuracy")
    form = page.locator("#register form")
    assert page.locator("form[action$='/answer']").count() == 0  # a procurator does not answer
    # a refusal comes back beside its field, what was typed kept
    form.locator("select[name=kind]").select_option("protest")
    form.locator("input[name=asset]").fill("999999")
    form.locator("input[name=number]").fill("05/QĐ-VKS")
    form.locator("input[name=received]").fill(today)
    form.locator("textarea[name=about]").fill("Kê biên không đúng")
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        form.locator("button[type=submit]").click()
    assert answer.value.status == 404
    assert "999999" in page.locator("#register .field.invalid .field-error").inner_text()
    assert page.locator("#register textarea[name=about]").input_value() == "Kê biên không đúng"
    page.locator("#register input[name=asset]").fill(str(asset))
    page.locator("#register button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("#saved").count() == 1
    [item] = [i for i in procuracy_svc.list_all(served.engine, "ksv")["items"] if i["number"] == "05/QĐ-VKS"]
    row = page.locator(f"#item-{item['id']}")
    assert "kháng nghị" in row.inner_text() and "106/2025" in row.inner_text()  # today: the 2026 regime
    assert item["kind"] == "protest" and item["status"] == "open" and item["created_by"] == "ksv"

    boss = page_of("ld_binh")
    boss.goto("/supervision")
    assert "05/QĐ-VKS" in boss.locator(f"#sup-item-{item['id']}").inner_text()
    boss.goto("/procuracy")
    assert boss.locator("#register").count() == 0  # the register form is the procurator's
    reply = boss.locator(f"#answer-{item['id']}")
    reply.locator("input[name=on]").fill(today)
    reply.locator("input[name=text]").fill("Đã thu hồi quyết định")
    reply.locator("button[type=submit]").click()
    boss.wait_for_load_state()
    assert "đã trả lời" in boss.locator(f"#item-{item['id']}").inner_text()
    [done] = [i for i in procuracy_svc.list_all(served.engine, "ksv")["items"] if i["id"] == item["id"]]
    assert done["status"] == "answered" and done["answered_by"] == "ld_binh" and done["clock"] == "met"


def test_an_officer_gets_no_form_and_a_forged_post_is_refused_and_logged(page_of, served):
    page = page_of("cv_an")
    page.goto("/procuracy")
    assert page.locator("#register").count() == 0 and page.locator("form[action$='/answer']").count() == 0
    token = page.locator("header form[action='/logout'] input[name=csrftoken]").input_value()
    answer = page.request.post("/procuracy", form={
        "csrftoken": token, "kind": "recommendation", "asset": str(served.ids["fresh"]), "number": "1/KN",
        "received": dt.date.today().isoformat(), "about": "x"})
    assert answer.status == 403
    no_token = page.request.post("/procuracy", form={"kind": "recommendation"})
    assert no_token.status == 403  # the CSRF check, before the application
    with served.engine.connect() as conn:
        refused = conn.execute(select(access_log.c.actor, access_log.c.action, access_log.c.via)
                               .where(access_log.c.action == "procuracy recommendation")).all()
    assert [(r.actor, r.action) for r in refused] == [("cv_an", "procuracy recommendation")]
    assert refused[0].via.startswith("session:")
