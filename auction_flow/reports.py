"""Writing the summary report as a table, JSON, CSV or XLSX (Vietnamese or English headers)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from . import i18n
from .errors import InvalidInput
from .render import money, table, to_json

i18n.register({
    "report_xlsx_output": {"vi": "định dạng xlsx cần --output TỆP.xlsx",
                           "en": "the xlsx format needs --output FILE.xlsx"},
})

KEY_LABELS = {
    "office": {"vi": "Đơn vị", "en": "Office"},
    "officer": {"vi": "Chấp hành viên", "en": "Officer"},
    "auction-org": {"vi": "Tổ chức đấu giá", "en": "Auction organisation"},
    "appraisal-org": {"vi": "Tổ chức thẩm định giá", "en": "Appraisal organisation"},
}
FIGURES = [
    ("seized", "Tài sản kê biên", "Assets seized"),
    ("priced", "Tài sản đã định giá", "Assets priced"),
    ("auctioned", "Cuộc đấu giá đã tổ chức", "Auctions held"),
    ("sold", "Đấu giá thành", "Sold at auction"),
    ("cancelled", "Bị hủy kết quả", "Results cancelled"),
    ("cancellation_rate", "Tỷ lệ hủy", "Cancellation rate"),
    ("cancellations_recorded", "Quyết định hủy trong kỳ", "Cancellations recorded in the period"),
    ("handed_over", "Đã giao tài sản", "Handed over"),
    ("handed_over_on_time", "Giao đúng hạn", "Handed over on time"),
    ("handed_over_late", "Giao trễ hạn", "Handed over late"),
    ("delay_median_days", "Số ngày trễ (trung vị)", "Median delay (days)"),
    ("delay_worst_days", "Số ngày trễ (nhiều nhất)", "Worst delay (days)"),
    ("realised", "Tiền bán được (VND)", "Money realised (VND)"),
    ("appraised", "Giá thẩm định (VND)", "Appraised value (VND)"),
    ("realised_pct", "Bán được / thẩm định (%)", "Realised / appraised (%)"),
    ("alerts_raised", "Cảnh báo phát sinh", "Alerts raised"),
    ("alerts_acknowledged", "Cảnh báo đã tiếp nhận", "Alerts acknowledged"),
    ("alerts_resolved", "Cảnh báo đã xử lý xong", "Alerts resolved"),
    ("complaints_received", "Khiếu nại, tố cáo nhận được", "Complaints received"),
    ("complaints_resolved", "Khiếu nại đã giải quyết", "Complaints resolved"),
    ("complaints_resolved_on_time", "Khiếu nại giải quyết đúng hạn", "Complaints resolved on time"),
]
TEXTS = {
    "title": {"vi": "Báo cáo tổng hợp từ {start} đến {end}", "en": "Summary report, {start} to {end}"},
    "stages": {"vi": "Số ngày ở mỗi giai đoạn (trung vị)", "en": "Days in each stage (median)"},
    "stage": {"vi": "Giai đoạn", "en": "Stage"},
    "total": {"vi": "TỔNG", "en": "TOTAL"},
    "na": {"vi": "không có dữ liệu (cơ sở dữ liệu chưa có bảng {table})",
           "en": "not available (this database has no {table} table)"},
    "of": {"vi": "{c} trên {s}", "en": "{c} of {s}"},
    "days_in": {"vi": "Số ngày: {stage}", "en": "Days: {stage}"},
    "period": {"vi": "Kỳ báo cáo", "en": "Period"},
    "sheet": {"vi": "Tổng hợp", "en": "Summary"},
    "notes": {"vi": "Ghi chú", "en": "Notes"},
    "median": {"vi": "Trung vị (ngày)", "en": "Median (days)"},
    "count": {"vi": "Số lượt", "en": "Count"},
    "worst": {"vi": "Lâu nhất (ngày)", "en": "Longest (days)"},
    "chart": {"vi": "biểu đồ: {file}", "en": "chart: {file}"},
}


def _t(key: str, lang: str, **params) -> str:
    return TEXTS[key][lang].format(**params)


def _state_label(state: str, lang: str) -> str:
    from .workflow import get

    st = get().states.get(state)
    return st.labels[lang] if st else state


def _stage_order(states) -> list[str]:
    from .workflow import get

    order = list(get().states)
    return sorted(states, key=lambda s: (order.index(s) if s in order else len(order), s))


def rate(row: dict, lang: str) -> str:
    c, s = row["cancelled"], row["sold"]
    text = _t("of", lang, c=c, s=s)
    if not s:
        return text
    pct = f"{100 * c / s:.1f}"
    return f"{text}, {pct.replace('.', ',') if lang == 'vi' else pct}%"


def _value(row: dict, key: str, lang: str, data: dict, for_text: bool):
    if key == "cancellation_rate":
        return rate(row, lang)
    value = row.get(key)
    if key.startswith(("alerts", "complaints")) and value is None:
        table_name = "alerts" if key.startswith("alerts") else "complaints"
        return _t("na", lang, table=table_name) if not for_text else "n/a"
    if for_text and key in ("realised", "appraised"):
        return money(value)
    return value


def records(data: dict, lang: str) -> tuple[list[str], list[list]]:
    """Header and one row per group (then the total), with the stage medians as columns."""
    stages = _stage_order({st for g in data["groups"] + [data["total"]] for st in g["stage_median_days"]})
    header = [KEY_LABELS[data["by"]][lang]] + [vi if lang == "vi" else en for _, vi, en in FIGURES]
    header += [_t("days_in", lang, stage=_state_label(st, lang)) for st in stages]
    rows = []
    for g in data["groups"] + [data["total"]]:
        key = _t("total", lang) if g is data["total"] else g["key"]
        rows.append([key] + [_value(g, k, lang, data, False) for k, _, _ in FIGURES]
                    + [g["stage_median_days"].get(st) for st in stages])
    return header, rows


def text(data: dict, lang: str) -> str:
    """Figures down, groups across (a branch per column), then the stage medians."""
    groups = data["groups"] + [data["total"]]
    names = [g["key"] for g in data["groups"]] + [_t("total", lang)]
    cols = [("figure", KEY_LABELS[data["by"]][lang])] + [(f"g{i}", n) for i, n in enumerate(names)]
    rows = []
    for key, vi, en in FIGURES:
        if key.startswith(("alerts", "complaints")) and data["total"][key] is None:
            continue
        rows.append({"figure": vi if lang == "vi" else en,
                     **{f"g{i}": _value(g, key, lang, data, True) for i, g in enumerate(groups)}})
    parts = [_t("title", lang, start=data["from"], end=data["to"]), table(rows, cols)]
    stages = _stage_order({st for g in groups for st in g["stage_median_days"]})
    if stages:
        srows = [{"figure": _state_label(st, lang),
                  **{f"g{i}": g["stage_median_days"].get(st) for i, g in enumerate(groups)}} for st in stages]
        parts += [_t("stages", lang), table(srows, [("figure", _t("stage", lang))] + cols[1:])]
    for t_name, ok in data["available"].items():
        if not ok:
            parts.append(f"{t_name}: {_t('na', lang, table=t_name)}")
    return "\n\n".join(parts)


def to_csv(data: dict, lang: str) -> str:
    header, rows = records(data, lang)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue()


def to_xlsx(data: dict, lang: str, path: str) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    header, rows = records(data, lang)
    wb = Workbook()
    ws = wb.active
    ws.title = _t("sheet", lang)
    ws.append([_t("title", lang, start=data["from"], end=data["to"])])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append([])
    ws.append(header)
    for cell in ws[3]:
        cell.font = Font(bold=True)
    for r in rows:
        ws.append(r)
    for i, _ in enumerate(header, 1):
        letter = ws.cell(row=3, column=i).column_letter
        width = max(len(str(ws.cell(row=r, column=i).value or "")) for r in range(3, ws.max_row + 1))
        ws.column_dimensions[letter].width = min(max(10, width + 2), 45)
    for row in ws.iter_rows(min_row=4):
        for cell in row:
            if isinstance(cell.value, int) and cell.value >= 100000:
                cell.number_format = "#,##0"
    ws.freeze_panes = "B4"
    notes = wb.create_sheet(_t("notes", lang))
    notes.append([_t("period", lang), str(data["from"]), str(data["to"])])
    for t_name, ok in data["available"].items():
        if not ok:
            notes.append([t_name, _t("na", lang, table=t_name)])
    wb.save(path)


def emit(data: dict, fmt: str, output: str | None, lang: str) -> str | None:
    """The report in ``fmt``; written to ``output`` (then None is returned) or returned as text."""
    if fmt == "xlsx":
        if not output:
            raise InvalidInput("report_xlsx_output")
        to_xlsx(data, lang, output)
        return None
    body = {"json": lambda: to_json(data), "csv": lambda: to_csv(data, lang),
            "table": lambda: text(data, lang)}[fmt]()
    if output:
        Path(output).write_text(body if body.endswith("\n") else body + "\n",
                                encoding="utf-8-sig" if fmt == "csv" else "utf-8")
        return None
    return body.rstrip("\n")


def stages_text(data: dict, lang: str) -> str:
    rows = [{**r, "stage": _state_label(r["stage"], lang)} for r in data["rows"]]
    head = _t("stages", lang) + f" ({data['from']} .. {data['to']})"
    body = table(rows, [("office", KEY_LABELS["office"][lang]), ("stage", _t("stage", lang)),
                        ("median_days", _t("median", lang)), ("count", _t("count", lang)),
                        ("worst_days", _t("worst", lang))]) or "(-)"
    tail = "\n" + _t("chart", lang, file=data["chart"]) if data.get("chart") else ""
    return f"{head}\n{body}{tail}"
