"""Build the DOCX templates of the papers the steps issue (run once; the .docx files are committed).

    .venv/bin/python workflows/templates/make_templates.py

Each KIND.docx is a Vietnamese administrative paper laid out with python-docx (the header table of
the office and the national motto, the number and date, the title, the legal basis, the parties, the
asset, the amount in figures and in words, the signature) whose variable parts are Jinja tags that
auction_flow.features.casefile fills with docxtpl. The kinds, their series, signer and legal basis
are in documents.yaml beside this script. Variables a template may use:

    parent_office, office, number, day, month, year, case_number, asset_id, asset_description,
    asset_kind, basis, regime, signer_title, signer_name, amount, amount_words, amount_label,
    debtors / creditors / buyers (each: name, id_label, id_number, address), appraisal_org,
    auction_org, auction_date, ground, suspension, reason, step; a cancellation's document_no,
    document_on, issued_by (version 3: the document the cancellation rests on)
"""

from __future__ import annotations

from pathlib import Path

import yaml
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

HERE = Path(__file__).resolve().parent

# kind -> (title, subject, the paper's own lines). "{{ ... }}" are docxtpl variables.
PAPERS = {
    "seizure_decision": ("QUYẾT ĐỊNH", "Về việc cưỡng chế kê biên, xử lý tài sản", [
        "Điều 1. Cưỡng chế kê biên, xử lý tài sản sau đây của người phải thi hành án để bảo đảm thi hành án: "
        "{{ asset_description }} ({{ asset_kind }}).",
        "Điều 2. Việc kê biên được tiến hành ngày {{ day }} tháng {{ month }} năm {{ year }} và lập biên bản "
        "theo quy định của pháp luật.",
        "Điều 3. Người phải thi hành án, người được thi hành án và cơ quan, tổ chức, cá nhân có liên quan "
        "chịu trách nhiệm thi hành Quyết định này."]),
    "price_agreement_record": ("BIÊN BẢN", "Về việc thỏa thuận giá tài sản kê biên", [
        "Hôm nay, ngày {{ day }} tháng {{ month }} năm {{ year }}, các đương sự đã thỏa thuận được giá của tài "
        "sản kê biên: {{ asset_description }} ({{ asset_kind }}).",
        "Giá tài sản do đương sự thỏa thuận là giá khởi điểm để bán đấu giá."]),
    "appraisal_result_notice": ("THÔNG BÁO", "Về kết quả thẩm định giá tài sản kê biên", [
        "Tổ chức thẩm định giá {{ appraisal_org or '' }} đã có kết quả thẩm định giá tài sản kê biên: "
        "{{ asset_description }} ({{ asset_kind }}).",
        "Đương sự có quyền yêu cầu định giá lại trong thời hạn theo quy định của pháp luật kể từ ngày nhận "
        "được thông báo này."]),
    "auction_contract": ("HỢP ĐỒNG", "Dịch vụ đấu giá tài sản", [
        "Cơ quan thi hành án dân sự và {{ auction_org }} thỏa thuận ký hợp đồng dịch vụ đấu giá tài sản kê "
        "biên: {{ asset_description }} ({{ asset_kind }}).",
        "Thời gian dự kiến tổ chức cuộc đấu giá: ngày {{ auction_date }}."]),
    "failed_auction_notice": ("THÔNG BÁO", "Về việc bán đấu giá tài sản không thành", [
        "Cuộc đấu giá tài sản {{ asset_description }} ({{ asset_kind }}) ngày {{ day }} tháng {{ month }} năm "
        "{{ year }} không thành.",
        "Đề nghị các đương sự thỏa thuận về mức giảm giá tài sản trong thời hạn theo quy định của pháp luật."]),
    "price_reduction_decision": ("QUYẾT ĐỊNH", "Về việc giảm giá tài sản kê biên", [
        "Điều 1. Giảm giá tài sản kê biên: {{ asset_description }} ({{ asset_kind }}) để tiếp tục bán đấu giá.",
        "Điều 2. Mức giảm mỗi lần không quá mười phần trăm giá khởi điểm của lần bán đấu giá liền kề trước đó.",
        "Điều 3. Các đương sự và tổ chức đấu giá tài sản chịu trách nhiệm thi hành Quyết định này."]),
    "creditor_acceptance_record": ("BIÊN BẢN", "Về việc người được thi hành án nhận tài sản để thi hành án", [
        "Người được thi hành án đồng ý nhận tài sản {{ asset_description }} ({{ asset_kind }}) để trừ vào số "
        "tiền được thi hành án."]),
    "creditor_acceptance_notice": ("THÔNG BÁO", "Về việc người được thi hành án nhận tài sản để thi hành án", [
        "Tài sản {{ asset_description }} ({{ asset_kind }}) đã được giảm giá hai lần mà vẫn bán đấu giá không "
        "thành; người được thi hành án đồng ý nhận tài sản theo giá đã giảm để trừ vào số tiền được thi hành án.",
        "Trong thời hạn 30 ngày theo quy định của pháp luật, người phải thi hành án có quyền nộp đủ tiền thi hành "
        "án và chi phí thi hành án để giữ lại tài sản; hết thời hạn trên mà không nộp đủ tiền thì tài sản được "
        "giao cho người được thi hành án."]),
    "debtor_payment_release_decision": ("QUYẾT ĐỊNH", "Về việc giải tỏa kê biên tài sản", [
        "Điều 1. Người phải thi hành án đã nộp đủ tiền thi hành án và chi phí thi hành án trong thời hạn được "
        "thông báo để giữ lại tài sản. Giải tỏa kê biên tài sản {{ asset_description }} ({{ asset_kind }}).",
        "Điều 2. Các đương sự chịu trách nhiệm thi hành Quyết định này."]),
    "creditor_handover_decision": ("QUYẾT ĐỊNH", "Về việc giao tài sản cho người được thi hành án", [
        "Điều 1. Hết thời hạn được thông báo mà người phải thi hành án không nộp đủ tiền thi hành án. Giao tài "
        "sản {{ asset_description }} ({{ asset_kind }}) cho người được thi hành án theo giá đã giảm để trừ vào "
        "số tiền được thi hành án.",
        "Điều 2. Các đương sự và cơ quan, tổ chức, cá nhân có liên quan chịu trách nhiệm thi hành Quyết định "
        "này."]),
    "return_decision": ("QUYẾT ĐỊNH", "Về việc trả lại tài sản cho người phải thi hành án", [
        "Điều 1. Trả lại tài sản {{ asset_description }} ({{ asset_kind }}) cho người phải thi hành án quản lý, "
        "sử dụng.",
        "Điều 2. Các đương sự chịu trách nhiệm thi hành Quyết định này."]),
    "sale_result_notice": ("THÔNG BÁO", "Về kết quả bán đấu giá tài sản", [
        "Tài sản {{ asset_description }} ({{ asset_kind }}) đã được bán đấu giá thành ngày {{ day }} tháng "
        "{{ month }} năm {{ year }}.",
        "Người mua được tài sản phải nộp đủ tiền vào tài khoản của cơ quan thi hành án dân sự trong thời hạn "
        "theo quy định của pháp luật."]),
    "cancellation_decision": ("QUYẾT ĐỊNH", "Về việc hủy kết quả bán đấu giá tài sản", [
        "Điều 1. Hủy kết quả bán đấu giá tài sản {{ asset_description }} ({{ asset_kind }}).",
        "Căn cứ hủy: {{ ground }}{% if document_no %}; văn bản số {{ document_no }} ngày {{ document_on }} "
        "do {{ issued_by }} ban hành{% endif %}.",
        "Lý do: {{ reason or '' }}",
        "Điều 2. Các đương sự, người mua được tài sản và tổ chức đấu giá tài sản chịu trách nhiệm thi hành "
        "Quyết định này."]),
    "handover_record": ("BIÊN BẢN", "Về việc giao tài sản", [
        "Hôm nay, ngày {{ day }} tháng {{ month }} năm {{ year }}, cơ quan thi hành án dân sự tổ chức giao tài "
        "sản {{ asset_description }} ({{ asset_kind }}) cho người nhận tài sản.",
        "Người nhận tài sản đã kiểm tra hiện trạng tài sản và nhận đủ."]),
    "redemption_release_decision": ("QUYẾT ĐỊNH", "Về việc giải tỏa kê biên tài sản", [
        "Điều 1. Người phải thi hành án đã nộp đủ tiền thi hành án và chi phí để chuộc lại tài sản. Giải tỏa "
        "kê biên tài sản {{ asset_description }} ({{ asset_kind }}).",
        "Điều 2. Các đương sự chịu trách nhiệm thi hành Quyết định này."]),
    "release_decision": ("QUYẾT ĐỊNH", "Về việc giải tỏa kê biên tài sản", [
        "Điều 1. Giải tỏa kê biên tài sản {{ asset_description }} ({{ asset_kind }}).",
        "Lý do: {{ reason or '' }}",
        "Điều 2. Các đương sự chịu trách nhiệm thi hành Quyết định này."]),
    "suspension_decision": ("QUYẾT ĐỊNH", "Về việc {{ suspension }} thi hành án", [
        "Điều 1. {{ suspension | capitalize }} thi hành án đối với việc xử lý tài sản {{ asset_description }} "
        "({{ asset_kind }}).",
        "Lý do: {{ reason or '' }}",
        "Điều 2. Các đương sự chịu trách nhiệm thi hành Quyết định này."]),
    "default_decision": ("QUYẾT ĐỊNH", "Về việc người mua được tài sản không nộp đủ tiền mua tài sản", [
        "Điều 1. Người mua được tài sản {{ asset_description }} ({{ asset_kind }}) đã không nộp đủ tiền mua tài "
        "sản trong thời hạn theo quy định của pháp luật. Việc bán tài sản không còn hiệu lực; khoản tiền đặt "
        "trước của người mua không được trả lại và được xử lý theo quy định của pháp luật.",
        "Điều 2. Tài sản được tiếp tục bán đấu giá theo quy định của pháp luật.",
        "Điều 3. Các đương sự, người mua được tài sản và tổ chức đấu giá tài sản chịu trách nhiệm thi hành "
        "Quyết định này."]),
    "handover_notice": ("THÔNG BÁO", "Về thời gian giao tài sản cho người mua được tài sản", [
        "Cơ quan thi hành án dân sự thông báo: tài sản {{ asset_description }} ({{ asset_kind }}) sẽ được giao "
        "cho người nhận tài sản vào ngày {{ handover_on }}.",
        "Đề nghị người đang quản lý, sử dụng tài sản tự nguyện giao tài sản; quá thời hạn trên mà không tự "
        "nguyện giao thì bị cưỡng chế theo quy định của pháp luật."]),
    "coercion_decision": ("QUYẾT ĐỊNH", "Về việc cưỡng chế giao tài sản", [
        "Điều 1. Cưỡng chế giao tài sản {{ asset_description }} ({{ asset_kind }}) cho người nhận tài sản, do "
        "người đang quản lý, sử dụng tài sản không tự nguyện giao vào ngày {{ handover_on }} đã được thông báo.",
        "Điều 2. Việc cưỡng chế được thực hiện theo kế hoạch cưỡng chế; Viện kiểm sát nhân dân cùng cấp được "
        "mời tham gia.",
        "Điều 3. Các đương sự và cơ quan, tổ chức, cá nhân có liên quan chịu trách nhiệm thi hành Quyết định này."]),
}


def _para(doc, text, bold=False, center=False, italic=False, size=13):
    p = doc.add_paragraph()
    run = p.add_run(text)
    run.bold, run.italic = bold, italic
    run.font.size = Pt(size)
    if center:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return p


def _cell(cell, lines):
    cell.paragraphs[0].text = ""
    for i, (text, bold) in enumerate(lines):
        p = cell.paragraphs[0] if i == 0 else cell.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = p.add_run(text)
        run.bold = bold
        run.font.size = Pt(12)


def _parties(doc, var, heading):
    doc.add_paragraph(f"{{%p if {var} %}}")
    _para(doc, heading, bold=True)
    doc.add_paragraph(f"{{%p for p in {var} %}}")
    _para(doc, "- {{ p.name }}, {{ p.id_label }} {{ p.id_number }}{% if p.address %}, địa chỉ: "
               "{{ p.address }}{% endif %}.")
    doc.add_paragraph("{%p endfor %}")
    doc.add_paragraph("{%p endif %}")


def build(kind: str, spec: dict) -> Document:
    title, subject, lines = PAPERS[kind]
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(13)
    table = doc.add_table(rows=1, cols=2)
    _cell(table.rows[0].cells[0], [("{{ parent_office }}", False), ("{{ office }}", True),
                                   ("Số: {{ number }}", False)])
    _cell(table.rows[0].cells[1], [("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", True), ("Độc lập - Tự do - Hạnh phúc", True),
                                   ("ngày {{ day }} tháng {{ month }} năm {{ year }}", False)])
    _para(doc, "")
    _para(doc, title, bold=True, center=True, size=14)
    _para(doc, subject, bold=True, center=True)
    _para(doc, "{{ signer_title }}", bold=True, center=True)
    _para(doc, "Căn cứ {{ basis }};")
    _para(doc, "Căn cứ hồ sơ thi hành án số {{ case_number }} (tài sản số {{ asset_id }});")
    _parties(doc, "debtors", "Người phải thi hành án:")
    _parties(doc, "creditors", "Người được thi hành án:")
    _parties(doc, "buyers", "Người mua được tài sản:")
    for line in lines:
        _para(doc, line)
    if spec.get("amount", "none") != "none":
        doc.add_paragraph("{%p if amount %}")
        _para(doc, "{{ amount_label }}: {{ amount }} (bằng chữ: {{ amount_words }}).", bold=True)
        doc.add_paragraph("{%p endif %}")
    _para(doc, "")
    sign = doc.add_table(rows=1, cols=2)
    _cell(sign.rows[0].cells[0], [("Nơi nhận:", True), ("- Các đương sự;", False),
                                  ("- Viện kiểm sát nhân dân cùng cấp;", False), ("- Lưu: VT, hồ sơ thi hành án.", False)])
    _cell(sign.rows[0].cells[1], [("{{ signer_title }}", True), ("(Đã ký)", False), ("{{ signer_name }}", True)])
    return doc


def main():
    kinds = yaml.safe_load((HERE / "documents.yaml").read_text(encoding="utf-8"))["kinds"]
    missing = set(kinds) ^ set(PAPERS)
    if missing:
        raise SystemExit(f"documents.yaml and PAPERS differ: {sorted(missing)}")
    for kind, spec in kinds.items():
        path = HERE / f"{kind}.docx"
        build(kind, spec).save(path)
        print(f"wrote {path.relative_to(HERE.parent.parent)}")


if __name__ == "__main__":
    main()
