"""What a person reads from the supervision commands (vi or en): tables, CSV, a timeline."""

from __future__ import annotations

import csv
import io
import json

from .render import cell, money, table

WORDS = {
    "intact": ("nhật ký nguyên vẹn: {rows} dòng trong chuỗi toàn nhật ký, đã kiểm {assets} chuỗi tài sản",
               "audit log intact: {rows} rows in the whole-log chain, {assets} asset chains checked"),
    "anchors_ok": ("{n} mốc ghi bên ngoài vẫn đúng chỗ", "{n} anchor(s) recorded outside still in place"),
    "anchor": ("mốc hiện tại: {anchor}\n  (ghi lại bên ngoài hệ thống, ví dụ vào biên bản kiểm sát: sau này "
               "`audit verify --anchor` với mốc này chứng minh nhật ký đến đó không bị viết lại)",
               "anchor now: {anchor}\n  (write it down outside the system, e.g. in the inspection minutes: a later "
               "`audit verify --anchor` with it shows the log up to there was not rewritten)"),
    "broken": ("đã kiểm {rows} dòng, {assets} chuỗi tài sản; phát hiện sai lệch:",
               "audit log checked: {rows} rows, {assets} asset chains; problems found:"),
    "id": ("Số", "ID"), "date": ("NGÀY", "DATE"), "recorded": ("GHI LÚC", "RECORDED"), "by": ("NGƯỜI", "BY"),
    "role": ("VAI TRÒ", "ROLE"), "office": ("ĐƠN VỊ", "OFFICE"), "asset": ("TÀI SẢN", "ASSET"),
    "event": ("SỰ KIỆN", "EVENT"), "trigger": ("THAO TÁC", "TRIGGER"), "from": ("TỪ", "FROM"), "to": ("ĐẾN", "TO"),
    "reason": ("LÝ DO", "REASON"), "at": ("LÚC (UTC)", "AT (UTC)"), "tried": ("ĐÃ THỬ", "TRIED"),
    "why": ("VÌ SAO", "WHY"), "none": ("(không có)", "(none)"),
    "state": ("TRẠNG THÁI", "STATE"), "entered": ("VÀO", "ENTERED"), "left": ("RA", "LEFT"),
    "days": ("SỐ NGÀY", "DAYS"),
    "deadline": ("THỜI HẠN", "DEADLINE"), "met": ("ĐÚNG HẠN?", "DEADLINE MET?"), "also": ("KHÁC", "ALSO"),
    "now": ("(hiện tại)", "(now)"),
    "timeline": ("tài sản {asset} ({case}): hiện {state} — diễn biến tính đến {on}",
                 "asset {asset} ({case}): now {state} — timeline as of {on}"),
    "outcome.met": ("đúng hạn", "met"), "outcome.missed": ("trễ hạn", "missed"),
    "outcome.running": ("đang chạy", "running"), "outcome.overdue": ("quá hạn", "overdue"),
    "late_by": ("{outcome} {days} ngày", "{outcome} by {days} d"),
    "kind": ("LOẠI", "KIND"), "status": ("TÌNH TRẠNG", "STATUS"), "received": ("NHẬN", "RECEIVED"),
    "accept_by": ("HẠN THỤ LÝ", "ACCEPT BY"), "accept": ("THỤ LÝ", "ACCEPT"),
    "resolve_by": ("HẠN GIẢI QUYẾT", "RESOLVE BY"),
    "resolve": ("GIẢI QUYẾT", "RESOLVE"), "filer": ("NGƯỜI GỬI", "FROM"),
    "thresholds": ("ngưỡng", "thresholds"), "no_signals": ("không có dấu hiệu nào", "no signals"),
}


def w(key: str, lang: str = "en", **params) -> str:
    vi, en = WORDS[key]
    return (vi if lang == "vi" else en).format(**params)


def verify_text(res: dict, lang: str = "en") -> str:
    from .i18n import message

    if res["ok"]:
        text = w("intact", lang, rows=res["rows"], assets=res["assets"])
        if res.get("anchors_checked"):
            text += "\n" + w("anchors_ok", lang, n=res["anchors_checked"])
        if res.get("anchor"):
            text += "\n" + w("anchor", lang, anchor=res["anchor"])
        return text
    params = ({k: v for k, v in p.items() if k not in ("key", "message")} for p in res["problems"])
    return w("broken", lang, rows=res["rows"], assets=res["assets"]) + "\n" + "\n".join(
        f"  - {message(p['key'], lang, **q)}" for p, q in zip(res["problems"], params))


def _cols(pairs, lang):
    return [(k, w(h, lang)) for k, h in pairs]


def log_table(rows: list[dict], lang: str = "en") -> str:
    view = [{**r, "recorded_at": r["recorded_at"].strftime("%Y-%m-%d %H:%M") if r["recorded_at"] else None}
            for r in rows]
    return table(view, _cols([("id", "id"), ("business_date", "date"), ("recorded_at", "recorded"),
                              ("actor", "by"), ("role", "role"), ("office", "office"), ("asset", "asset"),
                              ("event", "event"), ("trigger", "trigger"), ("from", "from"), ("to", "to"),
                              ("reason", "reason")], lang)) or w("none", lang)


def log_csv(rows: list[dict], lang: str = "en") -> str:
    buf = io.StringIO()
    keys = ["id", "business_date", "recorded_at", "actor", "role", "actor_office", "office", "asset", "seq",
            "event", "trigger", "from", "to", "reason", "changes", "imported"]
    out = csv.writer(buf, lineterminator="\n")
    out.writerow(keys)
    for r in rows:
        out.writerow(["" if r[k] is None else json.dumps(r[k], ensure_ascii=False, sort_keys=True) if k == "changes"
                      else r[k].isoformat() if hasattr(r[k], "isoformat") else r[k] for k in keys])
    return buf.getvalue().rstrip("\n")


def denied_table(rows: list[dict], lang: str = "en") -> str:
    view = [{**r, "at": r["at"].strftime("%Y-%m-%d %H:%M:%S")} for r in rows]
    return table(view, _cols([("id", "id"), ("at", "at"), ("actor", "by"), ("role", "role"), ("action", "tried"),
                              ("asset", "asset"), ("office", "office"), ("reason", "why")], lang)) or w("none", lang)


def signals_text(res: dict, lang: str = "en") -> str:
    lines = [w("thresholds", lang) + ": " + ", ".join(f"{k}={v}" for k, v in res["thresholds"].items())]
    if not res["signals"]:
        return "\n".join(lines + [w("no_signals", lang)])
    for s in res["signals"]:
        limit = "" if s["threshold"] is None else f" (threshold {s['threshold']})"
        lines.append(f"\n[{s['signal']}] {s['subject']} — office {s['office']}: {cell(s['value'])}{limit}")
        if s["signal"] == "low_sale":
            lines.append(f"  sold {money(s['sale_price'])} against appraised {money(s['appraised_price'])}")
        for c in s.get("complaints", []):
            lines.append(f"  open {c['kind']} #{c['id']} received {c['received_on']} from {c['by']}")
        for e in s["evidence"]:
            lines.append(f"  row {e['id']}: asset {e['asset']} {e['trigger']} on {e['business_date']} by "
                         f"{e['actor']} ({e['actor_office'] or '-'}), recorded "
                         f"{e['recorded_at'].strftime('%Y-%m-%d %H:%M')}")
    return "\n".join(lines)


def history_text(res: dict, lang: str = "en") -> str:
    lines = [w("timeline", lang, asset=res["asset"], case=res["case_number"], state=res["state"], on=res["on"])]
    rows = []
    for s in res["stages"]:
        outcome = w(f"outcome.{s['outcome']}", lang) if s["outcome"] else "-"
        if s["late_days"]:
            outcome = w("late_by", lang, outcome=outcome, days=s["late_days"])
        rows.append({"state": s["state"], "from": s["entered_on"], "to": s["left_on"] or w("now", lang),
                     "by": f"{s['entered_by']} ({s['actor']})", "days": s["days"],
                     "deadline": s["deadline"], "outcome": outcome,
                     "notes": "; ".join(f"{x['trigger']} {x['on']}" for x in s["steps"])})
    lines.append(table(rows, _cols([("state", "state"), ("from", "entered"), ("to", "left"), ("days", "days"),
                                    ("by", "by"), ("deadline", "deadline"), ("outcome", "met"), ("notes", "also")],
                                   lang)))
    return "\n".join(lines)


def complaint_text(c: dict, lang: str = "en") -> str:
    out = (f"complaint {c['id']} ({c['kind']}, {c['level']}{', coercion' if c['coercion'] else ''}"
           f"{', complex' if c['complex'] else ''}) on asset {c['asset']}: {c['status']}; "
           f"accept by {c['accept_due']} [{c['accept_clock']}]")
    if c["resolve_due"]:
        out += f"; resolve by {c['resolve_due']} [{c['resolve_clock']}]"
    return out


def complaints_table(rows: list[dict], lang: str = "en") -> str:
    return table(rows, _cols([("id", "id"), ("asset", "asset"), ("office", "office"), ("kind", "kind"),
                              ("status", "status"), ("received_on", "received"), ("accept_due", "accept_by"),
                              ("accept_clock", "accept"), ("resolve_due", "resolve_by"),
                              ("resolve_clock", "resolve"), ("by", "filer")], lang)) or w("none", lang)
