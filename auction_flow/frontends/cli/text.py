"""What a person reads from the supervision commands (vi or en): tables, CSV, a timeline."""

from __future__ import annotations

import csv
import io
import json

from auction_flow.common.render import money, table
from auction_flow.common.words import MESSAGES, message, term
from auction_flow.features.supervision.signals import sentence
from auction_flow.features.supervision.verify import scope_lines



def w(key: str, lang: str = "en", **params) -> str:
    """A supervision sentence (``sup.*``) of the vocabulary; column headers are :func:`_cols`'s."""
    return message(f"sup.{key}", lang, **params)


def verify_text(res: dict, lang: str = "en") -> str:
    counts = {k: res.get(k, 0) for k in ("rows", "assets", "chains", "roots")}
    since = res.get("since_last")
    if res.get("scope") is not None:
        head = w("scope_intact", lang, **counts) if res["ok"] else w("broken", lang, **counts) + "\n" + "\n".join(
            f"  - {message(p['key'], lang, **{k: v for k, v in p.items() if k not in ('key', 'message')})}"
            for p in res["problems"])
        return "\n".join([head, *scope_lines(res, lang)])
    if res["ok"]:
        text = w("intact", lang, **counts)
        if since is not None:
            text += "\n" + (w("since_last", lang, n=since["anchors"], last=since["last"]) if since["anchors"]
                            else w("no_anchors", lang))
        if res.get("anchors_checked"):
            text += "\n" + w("anchors_ok", lang, n=res["anchors_checked"])
        if res.get("anchor"):
            text += "\n" + w("anchor", lang, anchor=res["anchor"])
        return text
    params = ({k: v for k, v in p.items() if k not in ("key", "message")} for p in res["problems"])
    return w("broken", lang, **counts) + "\n" + "\n".join(
        f"  - {message(p['key'], lang, **q)}" for p, q in zip(res["problems"], params))


def root_text(res: dict, lang: str = "en") -> str:
    return w("root", lang, seq=res["root"], hash=res["hash"]) + "\n" + w("anchor", lang, anchor=res["anchor"])


def anchors_table(rows: list[dict], lang: str = "en") -> str:
    view = [{**r, "taken_at": r["taken_at"].strftime("%Y-%m-%d %H:%M:%S") if r["taken_at"] else None} for r in rows]
    return table(view, _cols([("taken_at", "anchor_at"), ("source", "anchor_source"), ("anchor", "anchor"),
                              ("by", "by")], lang)) or w("no_anchors", lang)


def _code(kind: str, value, lang: str):
    """A code as a person reads it: its label in Vietnamese, the code itself in English."""
    return term(kind, value, lang) if lang == "vi" and value is not None else value


def _cols(pairs, lang):
    """Column headers (``h.*``): a header and a sentence may share a name (``anchor``)."""
    return [(k, message(f"h.{h}", lang)) for k, h in pairs]


def log_table(rows: list[dict], lang: str = "en") -> str:
    view = [{**r, "recorded_at": r["recorded_at"].strftime("%Y-%m-%d %H:%M") if r["recorded_at"] else None,
             "role": _code("role", r["role"], lang), "event": _code("event", r["event"], lang),
             "trigger": _code("trigger", r["trigger"], lang), "from": _code("state", r["from"], lang),
             "to": _code("state", r["to"], lang)} for r in rows]
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
    view = [{**r, "at": r["at"].strftime("%Y-%m-%d %H:%M:%S"), "role": _code("role", r["role"], lang)} for r in rows]
    return table(view, _cols([("id", "id"), ("at", "at"), ("actor", "by"), ("role", "role"), ("action", "tried"),
                              ("asset", "asset"), ("office", "office"), ("reason", "why")], lang)) or w("none", lang)


def _noun(kind: str, lang: str) -> str:
    """What a register entry is called: in English always "complaint"; in Vietnamese by its kind."""
    return w(f"noun.{kind}" if f"sup.noun.{kind}" in MESSAGES else "noun.complaint", lang)


def signals_text(res: dict, lang: str = "en") -> str:
    lines = [w("thresholds", lang) + ": " + ", ".join(f"{k}={v}" for k, v in res["thresholds"].items())]
    if not res["signals"]:
        return "\n".join(lines + [w("no_signals", lang)])
    for s in res["signals"]:
        lines.append("\n" + sentence(s, lang))
        if s["signal"] == "low_sale":
            lines.append(w("sig.low_sale", lang, sale=money(s["sale_price"]), appraised=money(s["appraised_price"])))
        for c in s.get("complaints", []):
            lines.append(w("sig.open", lang, noun=_noun(c["kind"], lang), kind=c["kind"], id=c["id"],
                           received_on=c["received_on"], by=c["by"]))
        for e in s["evidence"]:
            lines.append(w("sig.row", lang, id=e["id"], asset=e["asset"], trigger=_code("trigger", e["trigger"], lang),
                           on=e["business_date"], actor=e["actor"], office=e["actor_office"] or "-",
                           at=e["recorded_at"].strftime("%Y-%m-%d %H:%M")))
    return "\n".join(lines)


def history_text(res: dict, lang: str = "en") -> str:
    lines = [w("timeline", lang, asset=res["asset"], case=res["case_number"], state=_code("state", res["state"], lang),
               on=res["on"])]
    rows = []
    for s in res["stages"]:
        outcome = w(f"outcome.{s['outcome']}", lang) if s["outcome"] else "-"
        if s["late_days"]:
            outcome = w("late_by", lang, outcome=outcome, days=s["late_days"])
        rows.append({"state": _code("state", s["state"], lang), "from": s["entered_on"], "to": s["left_on"] or w("now", lang),
                     "by": f"{_code('trigger', s['entered_by'], lang)} ({s['actor']})", "days": s["days"],
                     "deadline": s["deadline"], "outcome": outcome,
                     "notes": "; ".join(f"{_code('trigger', x['trigger'], lang)} {x['on']}" for x in s["steps"])})
    lines.append(table(rows, _cols([("state", "state"), ("from", "entered"), ("to", "left"), ("days", "days"),
                                    ("by", "by"), ("deadline", "deadline"), ("outcome", "met"), ("notes", "also")],
                                   lang)))
    return "\n".join(lines)


def complaint_text(c: dict, lang: str = "en") -> str:
    flags = (w("c.coercion", lang) if c["coercion"] else "") + (w("c.complex", lang) if c["complex"] else "")
    out = w("c.line", lang, noun=_noun(c["kind"], lang), id=c["id"], kind=_code("complaint_kind", c["kind"], lang),
            level=_code("complaint_level", c["level"], lang), flags=flags, asset=c["asset"],
            status=_code("complaint_status", c["status"], lang), accept_due=c["accept_due"],
            accept_clock=_code("clock", c["accept_clock"], lang))
    if c.get("limitation_due"):
        out += w("c.limitation", lang, step=c["step"] or "-", received=c["decision_received_on"],
                 due=c["limitation_due"], which=_code("limitation", c["limitation"], lang))
    if c["resolve_due"]:
        out += w("c.resolve", lang, resolve_due=c["resolve_due"], resolve_clock=_code("clock", c["resolve_clock"], lang))
    return out


def complaints_table(rows: list[dict], lang: str = "en") -> str:
    rows = [{**r, "kind": _code("complaint_kind", r["kind"], lang), "status": _code("complaint_status", r["status"], lang),
             "accept_clock": _code("clock", r["accept_clock"], lang),
             "resolve_clock": _code("clock", r["resolve_clock"], lang)} for r in rows]
    return table(rows, _cols([("id", "id"), ("asset", "asset"), ("office", "office"), ("kind", "kind"),
                              ("status", "status"), ("received_on", "received"), ("accept_due", "accept_by"),
                              ("accept_clock", "accept"), ("resolve_due", "resolve_by"),
                              ("resolve_clock", "resolve"), ("by", "filer")], lang)) or w("none", lang)
