"""What a person reads from the supervision commands (vi or en): tables, CSV, a timeline."""

from __future__ import annotations

import csv
import io
import json

from auction_flow.common.render import cell, money, table
from auction_flow.common.words import MESSAGES, message

# Signals whose subject is an asset, written "asset N" by auction_flow.signals (and kept so in JSON).
_ASSET_SUBJECTS = ("backdated", "low_sale", "price_reductions", "handover_open_complaint")


def w(key: str, lang: str = "en", **params) -> str:
    """A supervision sentence (``sup.*``) or a column header (``h.*``) of the vocabulary."""
    return message(f"h.{key}" if f"h.{key}" in MESSAGES else f"sup.{key}", lang, **params)


def verify_text(res: dict, lang: str = "en") -> str:
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
            "event", "trigger", "from", "to", "reason", "changes", "imported", "via"]
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


def _subject(s: dict, lang: str) -> str:
    subject = s["subject"]
    if s["signal"] in _ASSET_SUBJECTS and subject.startswith("asset "):
        return w("sig.asset", lang, asset=subject[len("asset "):])
    return subject


def _noun(kind: str, lang: str) -> str:
    """What a register entry is called: in English always "complaint"; in Vietnamese by its kind."""
    return w(f"noun.{kind}" if f"sup.noun.{kind}" in MESSAGES else "noun.complaint", lang)


def signals_text(res: dict, lang: str = "en") -> str:
    lines = [w("thresholds", lang) + ": " + ", ".join(f"{k}={v}" for k, v in res["thresholds"].items())]
    if not res["signals"]:
        return "\n".join(lines + [w("no_signals", lang)])
    for s in res["signals"]:
        limit = "" if s["threshold"] is None else w("sig.limit", lang, threshold=s["threshold"])
        lines.append("\n" + w("sig.head", lang, signal=s["signal"], subject=_subject(s, lang), office=s["office"],
                              value=cell(s["value"]), limit=limit))
        if s["signal"] == "low_sale":
            lines.append(w("sig.low_sale", lang, sale=money(s["sale_price"]), appraised=money(s["appraised_price"])))
        for c in s.get("complaints", []):
            lines.append(w("sig.open", lang, noun=_noun(c["kind"], lang), kind=c["kind"], id=c["id"],
                           received_on=c["received_on"], by=c["by"]))
        for e in s["evidence"]:
            lines.append(w("sig.row", lang, id=e["id"], asset=e["asset"], trigger=e["trigger"],
                           on=e["business_date"], actor=e["actor"], office=e["actor_office"] or "-",
                           at=e["recorded_at"].strftime("%Y-%m-%d %H:%M")))
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
    flags = (w("c.coercion", lang) if c["coercion"] else "") + (w("c.complex", lang) if c["complex"] else "")
    out = w("c.line", lang, noun=_noun(c["kind"], lang), id=c["id"], kind=c["kind"], level=c["level"], flags=flags,
            asset=c["asset"], status=c["status"], accept_due=c["accept_due"], accept_clock=c["accept_clock"])
    if c["resolve_due"]:
        out += w("c.resolve", lang, resolve_due=c["resolve_due"], resolve_clock=c["resolve_clock"])
    return out


def complaints_table(rows: list[dict], lang: str = "en") -> str:
    return table(rows, _cols([("id", "id"), ("asset", "asset"), ("office", "office"), ("kind", "kind"),
                              ("status", "status"), ("received_on", "received"), ("accept_due", "accept_by"),
                              ("accept_clock", "accept"), ("resolve_due", "resolve_by"),
                              ("resolve_clock", "resolve"), ("by", "filer")], lang)) or w("none", lang)
