"""Writing the summary report as a table, JSON, CSV or XLSX (Vietnamese or English headers)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from auction_flow.common import words as i18n
from auction_flow.common.errors import UsageError
from auction_flow.common.render import money, output_file, table, to_json
from auction_flow.core.workflow import get

# the figures of the summary, in the order they are shown (labels: "report.fig.<figure>" in the vocabulary)
FIGURES = ("seized", "priced", "auctioned", "sold", "cancelled", "cancellation_rate", "cancellations_recorded",
           "handed_over", "handed_over_on_time", "handed_over_late", "delay_median_days", "delay_worst_days",
           "realised", "appraised", "realised_pct", "alerts_raised", "alerts_acknowledged", "alerts_resolved",
           "complaints_received", "complaints_resolved", "complaints_resolved_on_time")


def _t(key: str, lang: str, **params) -> str:
    return i18n.message(f"report.{key}", lang, **params)


def _by(by: str, lang: str) -> str:
    return i18n.message(f"report.by.{by}", lang)


def _figure(key: str, lang: str) -> str:
    return i18n.message(f"report.fig.{key}", lang)


def _state_label(state: str, lang: str) -> str:
    st = get().states.get(state)
    return st.labels[lang] if st else state


def _stage_order(states) -> list[str]:
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
    header = [_by(data["by"], lang)] + [_figure(k, lang) for k in FIGURES]
    header += [_t("days_in", lang, stage=_state_label(st, lang)) for st in stages]
    rows = []
    for g in data["groups"] + [data["total"]]:
        key = _t("total", lang) if g is data["total"] else g["key"]
        rows.append([key] + [_value(g, k, lang, data, False) for k in FIGURES]
                    + [g["stage_median_days"].get(st) for st in stages])
    return header, rows


def text(data: dict, lang: str) -> str:
    """Figures down, groups across (a branch per column), then the stage medians."""
    groups = data["groups"] + [data["total"]]
    names = [g["key"] for g in data["groups"]] + [_t("total", lang)]
    cols = [("figure", _by(data["by"], lang))] + [(f"g{i}", n) for i, n in enumerate(names)]
    rows = []
    for key in FIGURES:
        if key.startswith(("alerts", "complaints")) and data["total"][key] is None:
            continue
        rows.append({"figure": _figure(key, lang),
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
    from openpyxl import Workbook  # lazy on purpose: only an XLSX report needs openpyxl
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
            raise UsageError("report_xlsx_output")
        with output_file(output):
            to_xlsx(data, lang, output)
        return None
    body = {"json": lambda: to_json(data), "csv": lambda: to_csv(data, lang),
            "table": lambda: text(data, lang)}[fmt]()
    if output:
        with output_file(output):
            Path(output).write_text(body if body.endswith("\n") else body + "\n",
                                    encoding="utf-8-sig" if fmt == "csv" else "utf-8")
        return None
    return body.rstrip("\n")


def stages_text(data: dict, lang: str) -> str:
    rows = [{**r, "stage": _state_label(r["stage"], lang)} for r in data["rows"]]
    head = _t("stages", lang) + f" ({data['from']} .. {data['to']})"
    if data.get("default_year"):
        head += "\n" + _t("default_year", lang, year=data["default_year"])
    if not rows:
        head += "\n" + _t("stages_empty", lang)
    body = table(rows, [("office", _by("office", lang)), ("stage", _t("stage", lang)),
                        ("median_days", _t("median", lang)), ("count", _t("count", lang)),
                        ("worst_days", _t("worst", lang))]) or "(-)"
    tail = "\n" + _t("chart", lang, file=data["chart"]) if data.get("chart") else ""
    return f"{head}\n{body}{tail}"
