"""The web desk in a real browser (Debian's Chromium, driven by Playwright) against a real
``auction-flow serve`` on 127.0.0.1 over a real database: one server for the module."""

from __future__ import annotations

import datetime as dt
import hashlib
import re

from webkit import PASSWORD, browser, page_of, served  # noqa: F401 (the fixtures this module uses)

from auction_flow.features.alerts import service as alerts_svc
from auction_flow.features.assets import service as assets_svc
from auction_flow.features.casefile import attachments as attachments_svc
from auction_flow.features.casefile import documents as documents_svc
from auction_flow.features.casefile import parties as parties_svc
from auction_flow.features.supervision import service as supervision_svc


def test_an_officer_signs_in_to_a_desk_of_their_assets_overdue_first_and_signing_out_ends_the_session(
        page_of, served):
    page = page_of("cv_an")
    assert page.url.endswith("/desk")
    rows = page.locator("#assets tbody tr")
    assert rows.count() == 4  # cv_an's four assets; not cv_dung's
    first = rows.nth(0)
    assert first.get_attribute("id") == f"asset-{served.ids['late']}"
    assert re.search(r"trễ \d+ ngày", first.locator("td.days").inner_text())
    first.locator("summary").click()  # the legal basis, one click away
    assert "Điều 82" in first.locator("details").inner_text()  # a seizure under Law 106/2025 (Art. 82)
    cookie = next(c for c in page.context.cookies() if c["name"] == "af_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax" and not cookie["secure"]

    page.click("header form[action='/logout'] button")
    assert "/login" in page.url
    # the old session is over on the server: replaying its cookie gets the sign-in form
    other = page_of(None)
    other.context.add_cookies([{**cookie}])
    other.goto("/desk")
    assert "/login" in other.url


def test_an_officer_advances_an_asset_through_its_form(page_of, served):
    asset = served.ids["fresh"]
    page = page_of("cv_an")
    page.goto(f"/assets/{asset}")
    step = page.locator("#step-agree_price")
    step.locator("summary").click()
    assert step.locator("input[name=f_price]").count() == 1  # exactly that trigger's field
    assert step.locator("input[name^=f_]").count() == 1
    step.locator("input[name=f_price]").fill("850.000.000")
    step.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert "Đã ghi nhận: Thỏa thuận được giá" in page.locator("#done").inner_text()
    assert "Đã xác định giá" in page.locator("#state").inner_text()
    assert "Thỏa thuận được giá" in page.locator("#timeline li").first.inner_text()
    shown = assets_svc.show(served.engine, asset, "cv_an")
    assert shown["state"] == "priced" and shown["price"] == 850_000_000
    # the next form asks for its own two fields: an organisation and a date
    contract = page.locator("#step-contract_auction")
    assert contract.locator("input[name=f_auction_org][type=text]").count() == 1
    assert contract.locator("input[name=f_auction_date][type=date]").count() == 1


def test_a_refusal_shows_beside_the_field_in_the_readers_language(page_of, served):
    asset = served.ids["refused"]
    page = page_of("cv_an")
    page.goto(f"/assets/{asset}")
    step = page.locator("#step-agree_price")
    step.locator("summary").click()
    step.locator("input[name=f_price]").fill("mười triệu")
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        step.locator("button[type=submit]").click()
    assert answer.value.status == 422
    field = page.locator("#step-agree_price .field.invalid")
    assert field.locator("input[name=f_price]").input_value() == "mười triệu"  # kept as typed
    assert "số tiền phải là số nguyên VND dương" in field.locator(".field-error").inner_text()
    assert assets_svc.show(served.engine, asset, "cv_an")["state"] == "seized"  # nothing written

    page.click("a.lang")  # English
    step = page.locator("#step-agree_price")
    step.locator("summary").click()
    step.locator("input[name=f_price]").fill("0")
    step.locator("button[type=submit]").click()
    assert "money must be a positive whole number of VND" in page.locator(
        "#step-agree_price .field.invalid .field-error").inner_text()


def test_a_supervisor_acknowledges_an_alert(page_of, served):
    alert = next(a for a in alerts_svc.list_alerts(served.engine, "ld_binh") if a["asset_id"] == served.ids["late"])
    page = page_of("ld_binh")
    assert page.url.endswith("/supervision")
    row = page.locator(f"#alert-{alert['id']}")
    assert row.count() == 1
    assert served.ids["late"] in [int(x) for x in page.locator("#stalled tbody td:first-child").all_inner_texts()]
    row.locator("form.ack input[name=reason]").fill("Đã làm việc với chấp hành viên")
    row.locator("form.ack button").click()
    row = page.locator(f"#alert-{alert['id']}")
    row.locator(".status", has_text="đã tiếp nhận").wait_for()
    assert "Đã làm việc với chấp hành viên" in row.inner_text()
    assert alerts_svc.show(served.engine, alert["id"], "ld_binh")["status"] == "acknowledged"
    page.locator("#chain-status").wait_for()  # the chain's status, loaded after the page
    assert re.search(r"\d+:[0-9a-f]{16,}", page.locator("#anchor").inner_text())


def test_a_procurator_reads_everything_in_scope_and_gets_no_form(page_of, served):
    page = page_of("ksv")
    page.goto(f"/assets/{served.ids['nb']}")  # another branch, under the procurator's province
    assert page.locator("#steps form").count() == 0
    assert "Chỉ xem" in page.locator("#steps").inner_text()
    page.goto("/supervision")
    assert page.locator("#alerts tbody tr").count() >= 1
    assert page.locator("form.ack, form.snooze").count() == 0
    assert page.locator("#signals").count() == 1
    page.goto("/desk")
    assert page.locator("#assets tbody tr").count() == len(served.ids)


def test_a_post_without_the_csrf_token_is_refused(page_of, served):
    asset = served.ids["forged"]
    page = page_of("cv_an")
    page.goto(f"/assets/{asset}")
    step = page.locator("#step-agree_price")
    step.locator("summary").click()
    step.locator("input[name=f_price]").fill("500000000")
    step.locator("input[name=csrftoken]").evaluate("input => input.remove()")
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        step.locator("button[type=submit]").click()
    assert answer.value.status == 403
    assert "CSRF" in page.locator(".error").inner_text()
    assert assets_svc.show(served.engine, asset, "cv_an")["state"] == "seized"


def test_a_locked_account_waits(page_of, served):
    page = page_of(None)
    for _ in range(5):
        page.goto("/login")
        page.fill("#username", "cv_khoa")
        page.fill("#password", "not-the-password")
        page.click("form[action='/login'] button")
        assert page.locator("#login-error").count() == 1
    page.goto("/login")
    page.fill("#username", "cv_khoa")
    page.fill("#password", PASSWORD)  # even the right password now waits
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.click("form[action='/login'] button")
    assert answer.value.status == 429
    assert re.search(r"\d+", page.locator("#login-error").inner_text())
    assert "/login" in page.url
    assert not [c for c in page.context.cookies() if c["name"] == "af_session"]
    refused = [d for d in supervision_svc.denied(served.engine, "admin") if d["actor"] == "cv_khoa"]
    assert len(refused) == 6 and all(d["action"] == "sign_in" for d in refused)


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 40


def test_an_officer_advances_an_asset_and_downloads_the_paper_the_step_issued(page_of, served, tmp_path):
    on = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    asset = assets_svc.seize(served.engine, "cv_an", "88/2026/QĐ", "HG-VT", "movable", "Máy phát điện", on=on)
    page = page_of("cv_an")
    page.goto(f"/assets/{asset}")
    step = page.locator("#step-agree_price")
    step.locator("summary").click()
    step.locator("input[name=f_price]").fill("120.000.000")
    step.locator("button[type=submit]").click()
    page.wait_for_load_state()
    paper = documents_svc.list_documents(served.engine, "cv_an", asset)[-1]
    assert paper["kind"] == "price_agreement_record"
    assert paper["number"] in page.locator("#done").inner_text()  # said with the step
    row = page.locator(f"#document-{paper['id']}")
    assert paper["number"] in row.inner_text()
    with page.expect_download() as download:
        row.locator("a.download").click()
    saved = tmp_path / "paper.docx"
    download.value.save_as(saved)
    [verified] = documents_svc.verify(served.engine, "cv_an", paper["id"])  # what `doc verify` checks
    assert hashlib.sha256(saved.read_bytes()).hexdigest() == verified["found"] == verified["chain"]
    row.locator("a.verify").click()
    assert paper["sha256"] in page.locator("#found").inner_text()


def test_an_officer_attaches_a_scan_and_finds_a_party_without_diacritics(page_of, served):
    asset = served.ids["fresh"]
    page = page_of("cv_an")
    page.goto(f"/assets/{asset}")
    page.locator("#upload summary").click()
    page.select_option("#upload-kind", "receipt")
    page.set_input_files("#upload-file", files=[{"name": "biên lai.png", "mimeType": "image/png", "buffer": PNG}])
    page.locator("#upload button[type=submit]").click()
    page.wait_for_load_state()
    assert "biên lai.png" in page.locator("#attached").inner_text()
    assert "biên lai.png" in page.locator("#attachments table").inner_text()
    assert [a["filename"] for a in attachments_svc.list_attachments(served.engine, "cv_an", asset)] == ["biên lai.png"]

    page.fill("header input[name=q]", "nguyen van an")
    page.press("header input[name=q]", "Enter")
    page.wait_for_load_state()
    result = page.locator(f"#result-{asset}")
    assert "Nguyễn Văn An" in result.inner_text()
    result.locator("a", has_text="Nguyễn Văn An").click()
    assert str(asset) in page.locator("#linked").inner_text()


def test_an_officer_records_a_seizure_from_the_desk(page_of, served):
    """The desk's link to the seizure form; the debtor found by a name typed without diacritics (Enter
    in the search box) and ticked; a refusal beside its input with what was typed and ticked kept;
    then the new asset's page."""
    debtor = parties_svc.asset_parties_view(served.engine, "cv_an", served.ids["fresh"])[0]["party_id"]
    page = page_of("cv_an")
    page.click("#seize-link")
    assert page.url.endswith("/assets/new")
    assert page.locator("#seize-office").input_value() == "HG-VT"
    assert page.locator("#seize-officer").input_value() == "cv_an"
    page.select_option("#seize-kind", "real_estate")
    page.fill("#seize-case_number", "91/2026/QĐ-CCTHADS")
    page.fill("#seize-find_debtors", "nguyen van an")
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.press("#seize-find_debtors", "Enter")  # a search, not the seizure
    assert answer.value.status == 200
    found = page.locator("#seize-debtors-picks")
    assert "Nguyễn Văn An" in found.inner_text() and "Trần Thị Bình" not in found.inner_text()
    assert page.locator("#seize-case_number").input_value() == "91/2026/QĐ-CCTHADS"  # kept as typed
    page.check(f"#pick-debtors-{debtor}")
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.click("#seize-submit")  # the description left empty
    assert answer.value.status == 422
    assert "bắt buộc nhập" in page.locator("#seize-description-error").inner_text()
    assert page.locator("#seize-case_number").input_value() == "91/2026/QĐ-CCTHADS"  # kept as typed
    assert page.locator("#seize-kind").input_value() == "real_estate"
    assert page.is_checked(f"#pick-debtors-{debtor}")  # and kept ticked
    page.fill("#seize-description", "Nhà và đất tại số 12 đường Trần Hưng Đạo")
    page.click("#seize-submit")
    page.wait_for_load_state()
    new_id = int(re.search(r"/assets/(\d+)", page.url).group(1))
    assert "Kê biên" in page.locator("#done").inner_text()
    shown = assets_svc.show(served.engine, new_id, "cv_an")
    assert (shown["state"], shown["kind"], shown["case_number"]) == ("seized", "real_estate", "91/2026/QĐ-CCTHADS")
    assert [p["party_id"] for p in parties_svc.asset_parties_view(served.engine, "cv_an", new_id)] == [debtor]


def test_a_supervisor_imports_a_file_from_the_menu(page_of, served):
    """The menu's Import; a bad file's rows listed, then the file checked (nothing written) and
    imported from the answer's button without choosing it again; the new asset's page from the ids
    the page gives."""
    day = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    header = "case_number,office,kind,description,officer,state,seized_on"
    good = f"{header}\n71/2026/QĐ,HG-VT,movable,Xe ô tô tải Isuzu 95C-711.71,cv_khoa,seized,{day}\n".encode()
    bad = good + b"72/2026/QD,HG-VT,movable,Xe may,cv_khoa,sold," + day.encode() + b"\n"
    page = page_of("ld_binh")
    page.click("#import-link")
    assert page.url.endswith("/import")

    def upload(data: bytes, button: str):
        page.set_input_files("#import-file", files=[{"name": "tài sản.csv", "mimeType": "text/csv", "buffer": data}])
        with page.expect_response(lambda r: r.request.method == "POST") as answer:
            page.click(button)
        page.wait_for_load_state()
        return answer.value.status

    assert upload(bad, "#import-go") == 422
    assert "không nhập tài sản nào" in page.locator("#import-error").inner_text()
    assert "dòng 3, cột" in page.locator("#import-lines").inner_text()
    khoas = lambda: assets_svc.list_assets(served.engine, "ld_binh", officer="cv_khoa")  # noqa: E731
    before = len(khoas())
    assert upload(good, "#import-check") == 200
    assert "chưa ghi gì" in page.locator("#import-result").inner_text()
    assert len(khoas()) == before
    with page.expect_response(lambda r: r.request.method == "POST") as answer:  # the checked file, not chosen again
        page.click("#import-staged")
    page.wait_for_load_state()
    assert answer.value.status == 200
    assert "đã nhập 1 tài sản" in page.locator("#import-result").inner_text()
    assert len(khoas()) == before + 1
    assert page.locator("#import-ids a").count() == 1  # one asset: one id, not "77 .. 77"
    page.locator("#import-ids a").first.click()
    page.wait_for_load_state()
    assert "Isuzu 95C-711.71" in page.content() and "71/2026/QĐ" in page.content()


def test_an_administrator_adds_a_user_who_signs_in_with_the_one_time_password(page_of, served):
    """The menu's Users; the form; the one-time password shown once; the new officer's first
    sign-in goes to the change of password, then to their desk; a deactivation asked first, its
    way out changing nothing, then done, ending the newcomer's session."""
    page = page_of("admin")
    page.click("#users-link")
    assert page.url.endswith("/admin/users")
    page.locator("#user-add summary").click()
    page.fill("#user-username", "cv_web")
    page.fill("#user-name", "Trần Văn Web")
    page.select_option("#user-role", "officer")
    page.select_option("#user-office", "HG-NB")
    page.click("#user-add-submit")
    page.wait_for_load_state()
    assert "cv_web" in page.locator("#users-done").inner_text()
    one_time = page.locator("#one-time-password").inner_text().strip()
    assert len(one_time) == 14
    assert "HG-NB" in page.locator("#user-cv_web").inner_text()

    newcomer = page_of(None)
    newcomer.goto("/login")
    newcomer.fill("#username", "cv_web")
    newcomer.fill("#password", one_time)
    newcomer.click("form[action='/login'] button[type=submit]")
    newcomer.wait_for_load_state()
    assert newcomer.url.endswith("/password")
    newcomer.fill("#pw-old", one_time)
    newcomer.fill("#pw-new", "Mat-khau-rieng-cua-Web")
    newcomer.fill("#pw-repeat", "Mat-khau-rieng-cua-Web")
    newcomer.locator("form[action='/password'] button[type=submit]").click()
    newcomer.wait_for_load_state()
    assert newcomer.url.endswith("/desk")
    assert "cv_web" in newcomer.locator("header .me").inner_text()

    page.goto("/admin/users")  # the administrator deactivates cv_web: asked first, then done
    page.locator("#user-cv_web button.deactivate").click()
    page.wait_for_load_state()
    assert "cv_web (Trần Văn Web)" in page.locator("#users-confirm h1").inner_text()
    page.click("#users-confirm-cancel")  # the way out changes nothing
    page.wait_for_load_state()
    assert page.url.endswith("/admin/users")
    newcomer.reload()
    assert newcomer.url.endswith("/desk")  # still signed in
    page.locator("#user-cv_web button.deactivate").click()
    page.wait_for_load_state()
    page.click("#users-confirm-yes")
    page.wait_for_load_state()
    assert "cv_web" in page.locator("#users-done").inner_text()
    newcomer.reload()
    assert "/login" in newcomer.url  # their session ended
