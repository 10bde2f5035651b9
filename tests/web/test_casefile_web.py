"""The case file on the web desk and in the JSON API, in-process over a real database on each backend:
the same objects as the command line's --json, its scope (403 and an access_log row, 404), the
upload's limits (a refused file changes nothing), the CSRF token of a multipart form, and the one
seize/advance path (a step taken on the web issues the paper the command line's would)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re

from sqlalchemy import func, select
from test_api import page_session, token
from webkit import client, engine, province  # noqa: F401 (the fixtures this module uses)

from auction_flow.features.assets import service as assets_svc
from auction_flow.features.casefile import documents as documents_svc
from auction_flow.features.casefile import parties as parties_svc
from auction_flow.features.supervision import service as supervision_svc
from auction_flow.storage import db
from auction_flow.storage.schema import attachments, audit_log, blobs

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 40
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def debtor_of(engine, asset_id: int) -> int:
    return parties_svc.asset_parties_view(engine, "admin", asset_id)[0]["party_id"]


def counts(engine, asset_id: int) -> tuple:
    """What an upload would change: the asset's scans, its chain, the stored blobs."""
    with db.reading(engine) as conn:
        return (conn.execute(select(func.count()).select_from(attachments).where(attachments.c.asset_id == asset_id))
                .scalar(), conn.execute(select(func.count()).select_from(audit_log)).scalar(),
                conn.execute(select(func.count()).select_from(blobs)).scalar())


def test_the_case_file_api_answers_what_json_prints_on_the_command_line(client, cli, engine, province):
    asset = province["fresh"]
    auth = token(client, "cv_an")
    up = client.post(f"/api/assets/{asset}/attachments", headers=auth, data={"kind": "photo"},
                     files={"file": ("anh chụp.png", PNG, "image/png")})
    assert up.status_code == 201, up.text
    assert up.json()["sha256"] == hashlib.sha256(PNG).hexdigest() and up.json()["filename"] == "anh chụp.png"
    doc = client.get(f"/api/assets/{asset}/documents", headers=auth).json()[0]
    party = debtor_of(engine, asset)
    for args, path in [(["asset", "parties", asset], f"/api/assets/{asset}/parties"),
                       (["doc", "list", asset], f"/api/assets/{asset}/documents"),
                       (["doc", "verify", doc["id"]], f"/api/documents/{doc['id']}/verify"),
                       (["asset", "attachments", asset], f"/api/assets/{asset}/attachments"),
                       (["party", "show", party], f"/api/parties/{party}"),
                       (["asset", "list", "--q", "nguyen van an"], "/api/search?q=nguyen%20van%20an"),
                       (["asset", "list", "--party", "TRAN THI"], "/api/search?party=TRAN%20THI")]:
        printed = cli(*args, "--json", "--lang", "vi", actor="ld_tinh")
        assert printed.exit_code == 0, printed.output
        answered = client.get(path, headers=token(client, "ld_tinh"))
        assert answered.status_code == 200, (path, answered.text)
        assert answered.json() == json.loads(printed.output), path
    found = client.get("/api/search?q=nguyen%20van%20an", headers=auth).json()
    assert [r["id"] for r in found] == [asset] and found[0]["party_names"] == "Nguyễn Văn An"

    paper = client.get(f"/api/documents/{doc['id']}", headers=auth)
    assert paper.status_code == 200 and paper.content[:2] == b"PK"
    assert hashlib.sha256(paper.content).hexdigest() == doc["sha256"]
    assert "attachment" in paper.headers["content-disposition"] and paper.headers["cache-control"] == "no-store"
    scan = client.get(f"/api/attachments/{up.json()['id']}", headers=auth)
    assert scan.content == PNG and scan.headers["content-type"] == "image/png"

    schema = client.get("/api/openapi.json").json()["paths"]
    for path in ("/api/assets/{asset_id}/parties", "/api/assets/{asset_id}/documents", "/api/documents/{doc_id}",
                 "/api/assets/{asset_id}/attachments", "/api/attachments/{attachment_id}", "/api/parties/{party_id}",
                 "/api/search"):
        assert "get" in schema[path], path
    assert "multipart/form-data" in schema["/api/assets/{asset_id}/attachments"]["post"]["requestBody"]["content"]


def test_another_offices_case_file_is_403_with_an_access_log_row_and_a_missing_one_404(client, engine, province):
    asset = province["fresh"]  # HG-VT's
    doc = documents_svc.list_documents(engine, "cv_an", asset)[0]["id"]
    party = debtor_of(engine, asset)
    auth = token(client, "cv_dung")  # HG-NB
    before = len(supervision_svc.denied(engine, "admin"))
    for path in (f"/api/assets/{asset}/parties", f"/api/assets/{asset}/documents", f"/api/assets/{asset}/attachments",
                 f"/api/documents/{doc}", f"/api/documents/{doc}/verify", f"/api/parties/{party}"):
        r = client.get(path, headers=auth)
        assert r.status_code == 403 and set(r.json()) == {"error"}, (path, r.text)
    r = client.post(f"/api/assets/{asset}/attachments", headers=auth, data={"kind": "photo"},
                    files={"file": ("a.png", PNG, "image/png")})
    assert r.status_code == 403
    rows = supervision_svc.denied(engine, "admin")[before:]
    assert len(rows) == 7 and {d["actor"] for d in rows} == {"cv_dung"}
    # the search keeps to the reader's offices: cv_dung does not find HG-VT's debtor
    assert client.get("/api/search?q=nguyen%20van%20an", headers=auth).json() == []

    mine = token(client, "cv_an")
    for path in ("/api/documents/99999", "/api/attachments/99999", "/api/parties/99999",
                 "/api/assets/99999/documents", "/api/documents/99999/verify"):
        r = client.get(path, headers=mine)
        assert r.status_code == 404 and r.json()["error"], path
    assert client.get("/api/search?q=%21%21", headers=mine).status_code == 422  # nothing to search for


def test_an_upload_over_the_limit_or_of_another_type_is_refused_and_changes_nothing(client, engine, province,
                                                                                    monkeypatch):
    asset = province["fresh"]
    auth = token(client, "cv_an")
    monkeypatch.setenv("AUCTION_FLOW_ATTACH_MAX_MB", "0.001")  # 1,048 bytes
    before = counts(engine, asset)
    for name, data, why in [("big.png", PNG + b"\x00" * 2000, "vượt giới hạn"), ("virus.exe", b"MZ\x90\x00", "PDF, JPEG"),
                            ("scan.pdf", PNG, "không phải .pdf"), ("empty.png", b"", "rỗng")]:
        r = client.post(f"/api/assets/{asset}/attachments", headers=auth, data={"kind": "receipt"},
                        files={"file": (name, data, "application/octet-stream")})
        assert r.status_code == 422 and why in r.json()["error"], (name, r.text)
    r = client.post(f"/api/assets/{asset}/attachments", headers=auth, data={"kind": "nonsense"},
                    files={"file": ("a.png", PNG, "image/png")})
    assert r.status_code == 422
    assert counts(engine, asset) == before
    ok = client.post(f"/api/assets/{asset}/attachments", headers=auth, data={"kind": "receipt"},
                     files={"file": ("bien-lai.pdf", PDF, "application/pdf")})
    assert ok.status_code == 201 and counts(engine, asset)[0] == before[0] + 1


def test_the_asset_page_shows_the_case_file_and_a_web_step_issues_the_clis_paper(client, cli, engine, province):
    csrf = page_session(client, "cv_an")
    asset = province["fresh"]
    page = client.get(f"/assets/{asset}")
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    parties = page.text.split('id="parties"')[1].split("</section>")[0]
    assert "Nguyễn Văn An" in parties and "người phải thi hành án" in parties and "093085001234" in parties
    papers = page.text.split('id="documents"')[1].split("</section>")[0]
    assert "Quyết định cưỡng chế kê biên" in papers and "/QĐ-CCTHADS" in papers  # the seizure's decision
    done = client.post(f"/assets/{asset}/advance", data={"csrftoken": csrf, "trigger": "agree_price",
                                                          "f_price": "850.000.000", "on": ""}, follow_redirects=False)
    assert done.status_code == 303
    notice = client.get(done.headers["location"]).text.split('id="done"')[1].split("</p>")[0]
    assert re.search(r"đã ban hành văn bản \d+/BB-CCTHADS <a href=\"/documents/\d+\" download>", notice), notice
    # the command line takes the same step on another asset
    other = province["refused"]
    assert cli("asset", "advance", other, "agree_price", "--set", "price=850000000", actor="cv_an").exit_code == 0
    web_docs = documents_svc.list_documents(engine, "cv_an", asset)
    cli_docs = documents_svc.list_documents(engine, "cv_an", other)
    assert [d["kind"] for d in web_docs] == [d["kind"] for d in cli_docs] == ["seizure_decision",
                                                                              "price_agreement_record"]
    paper = web_docs[-1]
    assert cli("doc", "verify", paper["id"], actor="cv_an").exit_code == 0
    page = client.get(f"/assets/{asset}").text
    row = page.split(f'id="document-{paper["id"]}"')[1].split("</tr>")[0]
    assert paper["number"] in row and f'href="/documents/{paper["id"]}"' in row
    assert f'<span class="paper">{paper["number"]}</span>' in page  # on the timeline too
    download = client.get(f"/documents/{paper['id']}")
    assert download.status_code == 200 and hashlib.sha256(download.content).hexdigest() == paper["sha256"]
    verified = client.get(f"/documents/{paper['id']}/verify")
    assert verified.status_code == 200 and paper["sha256"] in verified.text and 'id="verified"' in verified.text
    assert client.get(f"/assets/{asset}/verify").status_code == 200


def test_the_upload_form_carries_its_csrf_token_first_and_a_refused_file_is_said_beside_it(client, engine, province):
    csrf = page_session(client, "cv_an")
    asset = province["fresh"]
    before = counts(engine, asset)
    url = f"/assets/{asset}/attachments"
    no_token = client.post(url, data={"kind": "photo"}, files={"file": ("a.png", PNG, "image/png")})
    assert no_token.status_code == 403 and "CSRF" in no_token.text
    wrong = client.post(url, data={"csrftoken": csrf[:-2] + "xx", "kind": "photo"},
                        files={"file": ("a.png", PNG, "image/png")})
    assert wrong.status_code == 403
    # the file before the token: refused (the token must come first, as the page's form has it)
    body = (b"--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\n"
            + PNG + b"\r\n--b\r\nContent-Disposition: form-data; name=\"csrftoken\"\r\n\r\n" + csrf.encode()
            + b"\r\n--b--\r\n")
    late = client.post(url, content=body, headers={"Content-Type": "multipart/form-data; boundary=b"})
    assert late.status_code == 403
    refused = client.post(url, data={"csrftoken": csrf, "kind": "photo"},
                          files={"file": ("hop-dong.docx", b"PK\x03\x04", "application/octet-stream")})
    assert refused.status_code == 422
    assert "hop-dong.docx: chỉ nhận bản quét PDF, JPEG, PNG hoặc TIFF" in refused.text.split('id="upload-error"')[1]
    nothing = client.post(url, data={"csrftoken": csrf, "kind": "photo"})
    assert nothing.status_code == 422 and "chưa chọn tệp" in nothing.text
    assert counts(engine, asset) == before
    page = client.get(f"/assets/{asset}")
    form = re.search(r'<form method="post" action="/assets/\d+/attachments" enctype="multipart/form-data">(.*?)</form>',
                     page.text, re.S).group(1)
    assert form.lstrip().startswith('<input type="hidden" name="csrftoken"')
    ok = client.post(url, data={"csrftoken": csrf, "kind": "photo"}, files={"file": ("ảnh <1>.png", PNG, "image/png")},
                     follow_redirects=False)
    assert ok.status_code == 303 and "attached=" in ok.headers["location"]
    shown = client.get(ok.headers["location"]).text
    assert "ảnh &lt;1&gt;.png" in shown and "ảnh <1>.png" not in shown  # escaped
    att = re.search(r'href="/attachments/(\d+)"', shown).group(1)
    assert client.get(f"/attachments/{att}").content == PNG


def test_party_pages_the_party_form_and_the_search_in_the_header(client, engine, province):
    csrf = page_session(client, "cv_an")
    desk = client.get("/desk").text
    assert 'action="/search"' in desk.split("</header>")[0]
    found = client.get("/search?q=nguyen+van+an")
    assert found.status_code == 200 and f'id="result-{province["fresh"]}"' in found.text
    assert "Nguyễn Văn An" in found.text
    assert client.get("/search?q=%21%21").status_code == 422

    bad = client.post("/parties", data={"csrftoken": csrf, "name": "Lê <i>Văn</i> Tám", "id_number": "12345",
                                        "kind": "person"})
    assert bad.status_code == 422 and 'aria-invalid="true"' in bad.text.split('id="party-id_number"')[1][:200]
    assert 'value="Lê &lt;i&gt;Văn&lt;/i&gt; Tám"' in bad.text
    added = client.post("/parties", data={"csrftoken": csrf, "name": "Lê <i>Văn</i> Tám", "id_number": "093190000111",
                                          "kind": "person", "address": "Ngã Bảy"}, follow_redirects=False)
    assert added.status_code == 303
    shown = client.get(added.headers["location"])
    assert shown.status_code == 200 and "Lê &lt;i&gt;Văn&lt;/i&gt; Tám" in shown.text and 'id="added"' in shown.text
    debtor = debtor_of(engine, province["fresh"])
    party = client.get(f"/parties/{debtor}").text
    assert f'href="/assets/{province["fresh"]}"' in party and "người phải thi hành án" in party

    page_session(client, "cv_dung")  # HG-NB: HG-VT's party is not theirs to read
    before = len(supervision_svc.denied(engine, "admin"))
    assert client.get(f"/parties/{debtor}").status_code == 403
    assert client.get(f"/documents/{documents_svc.list_documents(engine, 'cv_an', province['fresh'])[0]['id']}"
                      ).status_code == 403
    assert len(supervision_svc.denied(engine, "admin")) == before + 2
    assert client.get("/parties/99999").status_code == 404
    csrf = page_session(client, "ksv")
    refused = client.post("/parties", data={"csrftoken": csrf, "name": "X", "id_number": "093190000222"})
    assert refused.status_code == 403  # a procurator registers nothing


def test_a_sale_on_the_asset_page_links_its_buyer_and_a_party_is_linked_in_a_role(client, engine, province):
    asset = province["late"]
    today = dt.date.today()
    ago = lambda days: (today - dt.timedelta(days=days)).isoformat()  # noqa: E731
    assets_svc.advance(engine, asset, "agree_price", "cv_an", ago(30), ["price=500000000"])
    assets_svc.advance(engine, asset, "contract_auction", "cv_an", ago(29),
                       ["auction_org=Công ty Đấu giá Hợp danh", f"auction_date={ago(2)}"])
    buyer = parties_svc.add(engine, "cv_an", "Công ty TNHH Minh Phát", "0100233488", "enterprise")["id"]
    csrf = page_session(client, "cv_an")
    form = client.get(f"/assets/{asset}").text.split('id="step-record_sale"')[1].split("</form>")[0]
    assert 'name="buyer_party"' in form and 'name="f_buyer"' in form and 'name="f_deposit"' in form
    sale = {"csrftoken": csrf, "trigger": "record_sale", "f_sale_price": "500000000", "f_buyer": "",
            "f_deposit": "50000000"}
    wrong = client.post(f"/assets/{asset}/advance", data={**sale, "buyer_party": "99999"})
    assert wrong.status_code == 422
    beside = wrong.text.split('id="record_sale-buyer_party-error"')[1].split("</p>")[0]
    assert "không có đương sự số 99999" in beside
    done = client.post(f"/assets/{asset}/advance", data={**sale, "buyer_party": str(buyer)}, follow_redirects=False)
    assert done.status_code == 303, done.text
    roles = [(p["party_id"], p["role"]) for p in parties_svc.asset_parties_view(engine, "cv_an", asset)]
    assert roles == [(buyer, "buyer")]
    assert assets_svc.show(engine, asset, "cv_an")["buyer"] == "Công ty TNHH Minh Phát"
    assert documents_svc.list_documents(engine, "cv_an", asset)[-1]["kind"] == "sale_result_notice"

    debtor = debtor_of(engine, province["fresh"])
    refused = client.post(f"/assets/{asset}/parties", data={"csrftoken": csrf, "party": "x", "role": "debtor"})
    assert refused.status_code == 422 and 'id="link-error"' in refused.text
    linked = client.post(f"/assets/{asset}/parties", data={"csrftoken": csrf, "party": str(debtor), "role": "debtor"},
                         follow_redirects=False)
    assert linked.status_code == 303
    page = client.get(f"/assets/{asset}").text.split('id="parties"')[1].split("</table>")[0]
    assert f'id="party-{debtor}-debtor"' in page and f'id="party-{buyer}-buyer"' in page
