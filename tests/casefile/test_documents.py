"""The papers each step issues: every kind opened with python-docx and read; numbers per office,
series and year, drawn in the step's transaction (no duplicate, no gap); the hash on the chain;
a changed stored file named by `doc verify`; templates replaced by an administrator."""

from __future__ import annotations

import datetime as dt
import io
import json
import threading

import pytest
from docx import Document
from sqlalchemy import select, text, update

from auction_flow.common.errors import AuctionFlowError, InvalidInput
from auction_flow.core import workflow as workflow_mod
from auction_flow.core.workflow import documents_section
from auction_flow.features.assets import service as assets_svc
from auction_flow.features.casefile import documents, numwords
from casefile_people import people  # noqa: F401 - the fixture
from auction_flow.features.supervision import verify as audit_verify
from auction_flow.storage.schema import audit_log, blobs, document_counters
from auction_flow.storage.schema import documents as documents_t


def read(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def walk(e, p) -> dict[str, int]:
    """Assets taken through every step that issues a paper; name -> asset id."""
    a = assets_svc.seize(e, "cv_an", "12/2026/QĐ-CCTHADS", "HG-VT", "real_estate", "Nhà và đất 120 m², phường 5",
                    on="2026-07-06", debtors=[p["debtor"]["id"]], creditors=[p["bank"]["id"]])
    go = lambda asset, trig, on, *sets, who="cv_an", **kw: assets_svc.advance(e, asset, trig, who, on, sets, **kw)  # noqa: E731
    go(a, "contract_appraisal", "2026-07-07", "appraisal_org=Công ty Thẩm định giá Miền Nam")
    go(a, "record_appraisal", "2026-07-20", "price=1250000000")
    go(a, "contract_auction", "2026-07-22", "auction_org=Trung tâm Dịch vụ đấu giá", "auction_date=2026-08-20")
    go(a, "record_auction_failed", "2026-08-20")
    go(a, "reduce_price", "2026-08-24", "price=1125000000")
    go(a, "contract_auction", "2026-08-25", "auction_org=Trung tâm Dịch vụ đấu giá", "auction_date=2026-09-25")
    go(a, "record_sale", "2026-09-25", "sale_price=1200000000", "deposit=100000000", buyer=p["buyer"]["id"])
    go(a, "cancel_result", "2026-10-01", "ground=sanction_decision", "document_no=3/QĐ-XPHC", "document_on=2026-09-30",
       "issued_by=Chánh Thanh tra Sở Tư pháp", who="ld_binh", reason="Vi phạm thủ tục niêm yết")
    go(a, "reauction", "2026-10-05")
    go(a, "contract_auction", "2026-10-06", "auction_org=Trung tâm Dịch vụ đấu giá", "auction_date=2026-11-06")
    go(a, "record_sale", "2026-11-06", "sale_price=1250000000", "deposit=100000000", buyer=p["namesake"]["id"])
    go(a, "record_payment", "2026-11-10")
    go(a, "hand_over", "2026-11-20")
    b = assets_svc.seize(e, "cv_an", "7/2025/QĐ-CCTHADS", "HG-VT", "movable", "Xe ô tô Toyota Vios", on="2025-03-03",
                    debtors=[p["debtor"]["id"]])
    go(b, "agree_price", "2025-03-05", "price=420000000")
    go(b, "suspend", "2025-03-10", "kind=postpone", reason="Đương sự đề nghị hoãn")
    go(b, "resume", "2025-03-20")
    go(b, "release", "2025-03-25", who="ld_binh", reason="Bản án bị hủy")
    c = assets_svc.seize(e, "cv_an", "8/2026", "HG-VT", "movable", "Máy cày Kubota", on="2026-09-01",
                    debtors=[p["debtor"]["id"]], creditors=[p["bank"]["id"]])
    go(c, "agree_price", "2026-09-02", "price=85000000")
    go(c, "redeem", "2026-09-03")
    d, k = (assets_svc.seize(e, "cv_an", case, "HG-VT", "movable", "Xe máy Honda SH", on="2026-06-01",
                             debtors=[p["debtor"]["id"]], creditors=[p["bank"]["id"]]) for case in ("9/2026", "13/2026"))
    for x in (d, k):
        go(x, "agree_price", "2026-06-02", "price=60000000")
        for n, (contract, auction) in enumerate([("2026-06-03", "2026-06-20"), ("2026-06-25", "2026-07-10"),
                                                 ("2026-07-15", "2026-07-30")]):
            go(x, "contract_auction", contract, "auction_org=Công ty Đấu giá", f"auction_date={auction}")
            go(x, "record_auction_failed", auction)
            if n < 2:
                go(x, "reduce_price", auction, f"price={[54000000, 48600000][n]}")
        go(x, "accept_by_creditor", "2026-08-03")
        go(x, "notify_debtor", "2026-08-05")  # received that day: the debtor's 30 days end on 2026-09-04
    go(d, "record_receipt", "2026-08-05", f"party={p['debtor']['id']}", "received_on=2026-08-05")
    go(d, "award_to_creditor", "2026-09-07")
    go(k, "debtor_pays", "2026-08-28", "amount=50000000")
    f = assets_svc.seize(e, "cv_an", "10/2026", "HG-VT", "movable", "Ghe composite 12 m", on="2026-09-01")
    go(f, "agree_price", "2026-09-02", "price=30000000")
    go(f, "contract_auction", "2026-09-03", "auction_org=Công ty Đấu giá", "auction_date=2026-09-20")
    go(f, "record_auction_failed", "2026-09-20")
    go(f, "return_to_debtor", "2026-09-25", "costs=28000000", "creditor_declined=yes")
    g = assets_svc.seize(e, "cv_an", "11/2026", "HG-VT", "movable", "Xe tải Hyundai", on="2026-09-01",
                    debtors=[p["debtor"]["id"]])
    go(g, "agree_price", "2026-09-02", "price=50000000")
    go(g, "contract_auction", "2026-09-03", "auction_org=Công ty Đấu giá", "auction_date=2026-09-21")
    go(g, "record_sale", "2026-09-21", "sale_price=50000000", "deposit=5000000", buyer=p["buyer"]["id"])
    go(g, "record_default", "2026-10-22")  # 30 days from 2026-09-21 ended on 2026-10-21
    h = assets_svc.seize(e, "cv_an", "12/2026", "HG-VT", "movable", "Xe ô tô Kia Morning", on="2026-09-01",
                         debtors=[p["debtor"]["id"]])
    go(h, "agree_price", "2026-09-02", "price=50000000")
    go(h, "contract_auction", "2026-09-03", "auction_org=Công ty Đấu giá", "auction_date=2026-09-21")
    go(h, "record_sale", "2026-09-21", "sale_price=50000000", "deposit=5000000", buyer=p["buyer"]["id"])
    go(h, "record_payment", "2026-10-01")
    go(h, "notify_handover", "2026-10-05", "handover_on=2026-10-12")
    go(h, "order_coercion", "2026-10-13", "decision=9/QĐ-CCTHADS", "plan_on=2026-10-20",
       "procuracy_invited_on=2026-10-13", who="ld_binh")
    go(h, "hand_over", "2026-10-20")
    return {"a": a, "b": b, "c": c, "d": d, "f": f, "g": g, "h": h, "k": k}


def test_every_paper_names_its_number_parties_amount_and_basis(world, people):
    e = world
    ids = walk(e, people)
    wf = workflow_mod.get()
    order = [r.id for r in wf.regimes]
    kinds = documents_section.kinds()
    seen_kinds = set()
    with e.connect() as conn:
        for asset_id in ids.values():
            listed = documents.list_documents(e, "ld_binh", asset_id)
            assert listed and [d["seq"] for d in listed] == sorted(d["seq"] for d in listed)
            for d in listed:
                meta, data = documents.get(e, "ld_binh", d["id"])
                body = read(data)
                kind = kinds[d["kind"]]
                seen_kinds.add(d["kind"])
                row = conn.execute(select(audit_log).where(audit_log.c.asset_id == asset_id,
                                                           audit_log.c.seq == d["seq"])).mappings().one()
                on = row["business_date"]
                regime = wf.regime_on(on).id
                assert f"Số: {d['number']}" in body
                assert d["number"].endswith(f"/{kind.series}-CCTHADS")
                assert kind.basis_for(regime, order) in body, (d["kind"], regime)
                assert f"ngày {on.day:02d} tháng {on.month:02d} năm {on.year}" in body
                assert "CHI CỤC THADS TP VỊ THANH" in body and "CỤC THADS TỈNH HẬU GIANG" in body
                for p in conn.execute(text("SELECT p.name, p.id_number FROM parties p JOIN asset_parties ap "
                                           "ON ap.party_id = p.id WHERE ap.asset_id = :a AND ap.linked_on <= :on"),
                                      {"a": asset_id, "on": on}):
                    assert p.name in body and p.id_number in body, (d["kind"], p.name)
                if kind.amount != "none":
                    changes = json.loads(row["changes"])
                    amount = (changes.get(kind.amount) or [None, None])[1] or _before(conn, asset_id, d["seq"],
                                                                                      kind.amount)
                    if amount:
                        assert numwords.dong(amount) in body and numwords.figures(amount) in body, d["kind"]
                document = json.loads(row["changes"])["document"][1]
                assert document == {"kind": d["kind"], "number": d["number"], "sha256": d["sha256"]}
                assert meta["sha256"] == d["sha256"]
                if d["kind"] == "cancellation_decision":  # the ground and the document it rests on (v3)
                    assert "Căn cứ hủy: quyết định của người có thẩm quyền xử phạt" in body, body
                    assert "văn bản số 3/QĐ-XPHC ngày 2026-09-30 do Chánh Thanh tra Sở Tư pháp ban hành" in body, body
    assert seen_kinds == set(kinds)  # every kind of paper was issued and read
    assert audit_verify.verify(e).ok


def _before(conn, asset_id, seq, column):
    """The column's last value set on the asset's chain before step ``seq``."""
    for (changes,) in conn.execute(select(audit_log.c.changes).where(audit_log.c.asset_id == asset_id,
                                                                     audit_log.c.seq < seq)
                                   .order_by(audit_log.c.seq.desc())):
        value = json.loads(changes).get(column)
        if value is not None and value[1] is not None:
            return value[1]
    return None


def test_numbers_run_per_office_series_and_year(world, people):
    e = world
    ids = walk(e, people)
    with e.connect() as conn:
        rows = conn.execute(select(documents_t.c.series, documents_t.c.year, documents_t.c.serial,
                                   documents_t.c.number)).all()
    by = {}
    for series, year, serial, number in rows:
        by.setdefault((series, year), []).append(serial)
        assert number == f"{serial}/{series}-CCTHADS"
    for key, serials in by.items():
        assert sorted(serials) == list(range(1, len(serials) + 1)), key  # no gap, no duplicate
    assert by[("QĐ", 2025)] == [1, 2, 3]  # 2025: seizure, suspension, release of asset b
    assert ("QĐ", 2026) in by and 1 in by[("QĐ", 2026)]  # a new year starts again at 1
    assert ids


def test_a_changed_stored_paper_is_named_by_doc_verify(world, people, cli):
    e = world
    a = assets_svc.seize(e, "cv_an", "12/2026", "HG-VT", "movable", "Xe ô tô", on="2026-11-02",
                    debtors=[people["debtor"]["id"]])
    assets_svc.advance(e, a, "agree_price", "cv_an", "2026-11-05", ["price=420000000"])
    docs = documents.list_documents(e, "cv_an", a)
    assert cli("doc", "verify", docs[1]["id"], actor="ld_binh").exit_code == 0
    with e.begin() as conn:
        conn.execute(update(blobs).where(blobs.c.sha256 == docs[1]["sha256"]).values(content=b"PK forged"))
    r = cli("doc", "verify", docs[1]["id"], actor="ld_binh")
    assert r.exit_code == 1 and r.stderr.count("\n") == 1
    assert docs[1]["number"] in r.stderr and f"id {docs[1]['id']}" in r.stderr and docs[1]["sha256"] in r.stderr
    r = cli("doc", "verify", "--asset", a, actor="ld_binh")
    assert r.exit_code == 1 and docs[1]["number"] in r.stderr
    assert cli("doc", "verify", docs[0]["id"], actor="ld_binh").exit_code == 0  # the other one is intact


def test_doc_commands_keep_their_contract(world, people, cli, tmp_path):
    r = cli("asset", "seize", "-q", "--case", "12/2026", "--office", "HG-VT", "--kind", "movable", "--description",
            "Xe ô tô", "--on", "2026-11-02", "--debtor", people["debtor"]["id"], "--creditor", people["bank"]["id"],
            actor="cv_an")
    assert r.exit_code == 0, r.output
    asset = int(r.stdout)
    assert cli("asset", "advance", asset, "agree_price", "--set", "price=1250000000", "--on", "2026-11-05",
               actor="cv_an").exit_code == 0
    listed = json.loads(cli("doc", "list", asset, "--json", actor="cv_an").stdout)
    assert [d["kind"] for d in listed] == ["seizure_decision", "price_agreement_record"]
    for d in listed:
        assert {"id", "number", "kind", "sha256", "issued_on"} <= set(d)
    target = tmp_path / "bb.docx"
    r = cli("doc", "get", listed[1]["id"], "--output", target, actor="cv_an")
    assert r.exit_code == 0 and listed[1]["number"] in r.stdout
    body = read(target.read_bytes())
    assert "Một tỷ hai trăm năm mươi triệu đồng" in body and "1.250.000.000 đồng" in body
    assert "Nguyễn Văn Đức" in body and "Ngân hàng TMCP Đầu tư và Phát triển" in body
    assert cli("doc", "get", 999, "--output", tmp_path / "x.docx", actor="cv_an").exit_code == 1
    assert cli("doc", "get", listed[0]["id"], actor="cv_an").exit_code == 2  # --output missing
    assert cli("doc", "list", asset, actor="cv_dung").exit_code == 1  # another branch's asset


def _serials(e, series="BB"):
    with e.connect() as conn:
        return sorted(conn.execute(select(documents_t.c.serial).where(documents_t.c.series == series)).scalars())


def test_numbers_are_drawn_once_each_under_concurrency(world):
    e = world
    assets = [assets_svc.seize(e, "cv_an", f"{n}/2026", "HG-VT", "movable", f"Tài sản {n}", on="2026-11-02")
              for n in range(12)]
    errors = []

    def worker(chunk):
        for asset in chunk:
            try:
                assets_svc.advance(e, asset, "agree_price", "cv_an" if asset % 2 else "cv_ba", "2026-11-05",
                              ["price=100000000"])
            except Exception as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

    threads = [threading.Thread(target=worker, args=(assets[i::4],)) for i in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not errors
    assert _serials(e) == list(range(1, 13))


def test_a_step_refused_after_drawing_its_number_gives_it_back(world, tmp_path):
    e = world
    asset = assets_svc.seize(e, "cv_an", "1/2026", "HG-VT", "movable", "Xe ô tô", on="2026-11-02")
    shipped = documents.template_bytes(e, "admin", "price_agreement_record")
    broken = Document(io.BytesIO(shipped))
    broken.add_paragraph("{{ asset_id // 0 }}")  # fails only when filled
    buf = io.BytesIO()
    broken.save(buf)
    documents.set_template(e, "admin", "price_agreement_record", buf.getvalue(), "broken.docx")
    with pytest.raises(AuctionFlowError, match="price_agreement_record"):
        assets_svc.advance(e, asset, "agree_price", "cv_an", "2026-11-05", ["price=100000000"])
    with e.connect() as conn:
        assert conn.execute(select(document_counters.c.last).where(document_counters.c.series == "BB")).first() is None
        assert conn.execute(text("SELECT state, version FROM assets WHERE id = :a"), {"a": asset}).one() == ("seized", 1)
    documents.set_template(e, "admin", "price_agreement_record", shipped, "price_agreement_record.docx")
    assets_svc.advance(e, asset, "agree_price", "cv_an", "2026-11-05", ["price=100000000"])
    assert _serials(e) == [1]


def test_an_administrator_replaces_a_template_issued_papers_stay(world, people, cli, tmp_path):
    e = world
    asset = assets_svc.seize(e, "cv_an", "1/2026", "HG-VT", "movable", "Xe ô tô", on="2026-11-02",
                        debtors=[people["debtor"]["id"]])
    before = documents.list_documents(e, "cv_an", asset)[0]
    _, old_bytes = documents.get(e, "cv_an", before["id"])
    mine = tmp_path / "mau.docx"
    assert cli("doc", "template", "get", "seizure_decision", "--output", mine, actor="admin").exit_code == 0
    doc = Document(str(mine))
    doc.add_paragraph("Mẫu của Chi cục: {{ number }} — {{ case_number }}")
    doc.save(str(mine))
    r = cli("doc", "template", "set", "seizure_decision", mine, actor="cv_an")
    assert r.exit_code == 1  # administrators only
    r = cli("doc", "template", "set", "seizure_decision", mine, actor="admin")
    assert r.exit_code == 0, r.output
    with e.connect() as conn:
        row = conn.execute(select(audit_log).where(audit_log.c.event == "template_set")).mappings().one()
    assert json.loads(row["changes"])["kind"] == [None, "seizure_decision"] and row["actor"] == "admin"
    _, still = documents.get(e, "cv_an", before["id"])
    assert still == old_bytes  # issued papers do not change
    other = assets_svc.seize(e, "cv_an", "2/2026", "HG-VT", "movable", "Xe máy", on="2026-11-03")
    new = documents.list_documents(e, "cv_an", other)[0]
    assert new["template_sha256"] != before["template_sha256"]
    assert f"Mẫu của Chi cục: {new['number']} — 2/2026" in read(documents.get(e, "cv_an", new["id"])[1])
    bad = tmp_path / "bad.docx"
    doc.add_paragraph("{{ secret_field }}")
    doc.save(str(bad))
    r = cli("doc", "template", "set", "seizure_decision", bad, actor="admin")
    assert r.exit_code == 1 and "secret_field" in r.stderr
    (tmp_path / "plain.docx").write_bytes(b"not a zip")
    r = cli("doc", "template", "set", "seizure_decision", tmp_path / "plain.docx", actor="admin")
    assert r.exit_code == 1 and "DOCX" in r.stderr
    assert audit_verify.verify(e).ok


def test_the_workflow_loader_checks_the_documents_section(tmp_path):
    from auction_flow.common.errors import WorkflowDefinitionError
    from auction_flow.common.config import workflows_dir

    source = (workflows_dir() / "asset_auction.yaml").read_text(encoding="utf-8")
    with pytest.raises(WorkflowDefinitionError, match="triggers.record_sale.document: unknown document kind 'nope'"):
        workflow_mod.parse(source.replace("document: sale_result_notice", "document: nope"),
                           str(workflows_dir() / "x.yaml"))
    with pytest.raises(WorkflowDefinitionError, match="initial_document: unknown document kind 'fly'"):
        workflow_mod.parse(source.replace("initial_document: seizure_decision", "initial_document: fly"),
                           str(workflows_dir() / "x.yaml"))
    assert workflow_mod.parse(source, str(workflows_dir() / "x.yaml")).sections["documents"]["seize"] == \
        "seizure_decision"
    assert isinstance(InvalidInput, type) and dt.date.today()
