"""Inspection signals: patterns in the audit log an inspection would ask about, with evidence rows.

Each signal names its subject (an asset, a buyer, an officer), the value found, the threshold
it passed and the audit rows that show it. Thresholds are configuration: the defaults below,
overridden by the ``signals:`` mapping of a YAML file (``--config FILE`` or
``$AUCTION_FLOW_CONFIG``), overridden by ``--threshold NAME=N`` on the command line.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections import defaultdict
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml
from sqlalchemy import select

from auction_flow.common.config import TZ_NAME
from auction_flow.common.errors import InvalidInput, UsageError
from auction_flow.common.words import message, term
from auction_flow.core import workflow as workflow_mod
from auction_flow.core.fields import BIGINT_MAX, shown
from auction_flow.storage.schema import audit_log, complaints

ROLES = ("supervisor", "procurator", "admin")

DEFAULTS = {
    "backdated_days": 10,       # a step recorded more than N days after its business date
    "low_sale_percent": 70,     # a sale below N % of the appraised price
    "buyer_wins": 2,            # one buyer winning more than N auctions in the period
    "officer_cancellations": 2,  # one user cancelling more than N auction results in the period
    "price_reductions": 2,      # one asset with more than N price reductions in the period
}
SIGNALS = ("backdated", "outside_office", "low_sale", "buyer_wins", "officer_cancellations",
           "price_reductions", "handover_open_complaint")
STEP_EVENTS = ("asset_created", "transition")

def _check(name, value) -> int:
    if name not in DEFAULTS:
        raise InvalidInput("bad_threshold", name=name, value=value, names=", ".join(DEFAULTS))
    text = str(value).strip()
    if not (text.isascii() and text.isdigit()) or int(text) > BIGINT_MAX:  # whole numbers >= 0, digits 0-9
        raise UsageError("bad_threshold", name=name, value=shown(value), names=", ".join(DEFAULTS))
    return int(text)


def thresholds(config: str | None = None, overrides=None) -> dict[str, int]:
    """Defaults <- the config file's ``signals:`` mapping <- ``NAME=N`` overrides."""
    out = dict(DEFAULTS)
    path = config or os.environ.get("AUCTION_FLOW_CONFIG")
    if path:
        try:
            data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise InvalidInput("bad_signals_config", path=path, fault=str(exc).splitlines()[0]) from None
        section = data.get("signals", {}) if isinstance(data, dict) else None
        if not isinstance(section, dict):
            raise InvalidInput("bad_signals_config", path=path, fault="`signals:` must be a mapping")
        for name, value in section.items():
            out[name] = _check(name, value)
    for item in overrides or ():
        name, sep, value = str(item).partition("=") if not isinstance(item, tuple) else (item[0], "=", item[1])
        if not sep:
            raise InvalidInput("bad_threshold", name=item, value="", names=", ".join(DEFAULTS))
        out[name.strip()] = _check(name.strip(), value)
    return out


def sentence(s: dict, lang: str = "en") -> str:
    """One signal as a sentence: "[low_sale] asset 39 (HG-PH) sold at 65.6% of its appraised
    price (threshold 70%)"; the signal's name is its label in Vietnamese, its code in English."""
    subject = s["subject"]
    if subject.startswith("asset "):
        subject = message("sup.sig.asset", lang, asset=subject[len("asset "):])
    first = s["evidence"][0] if s["evidence"] else {}
    value = ", ".join(map(str, s["value"])) if isinstance(s["value"], list) else s["value"]
    name = term("signal", s["signal"], lang) if lang == "vi" else s["signal"]
    return f"[{name}] " + message(f"sup.s.{s['signal']}", lang, subject=subject, office=s["office"], value=value,
                                  threshold=s["threshold"], actor=first.get("actor"),
                                  actor_office=first.get("actor_office") or "-")


def _evidence(r) -> dict:
    return {"id": r.id, "asset": r.asset_id, "seq": r.seq, "trigger": r.trigger, "actor": r.actor,
            "actor_office": r.actor_office, "office": r.office, "business_date": r.business_date,
            "recorded_at": r.recorded_at, "changes": json.loads(r.changes)}


def _offices(rows) -> str:
    return ", ".join(sorted({r.office for r in rows if r.office}))


def _recorded_day(value: dt.datetime) -> dt.date:
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone(ZoneInfo(TZ_NAME)).date()


def _ordinary_triggers() -> set[str]:
    """Triggers an officer may fire (steps of the office's own work), plus the seizure."""
    wf = workflow_mod.get()
    return {t.name for t in wf.triggers.values() if "officer" in t.roles} | {"seize"}


def _appraised_before(conn, asset_id: int, seq: int):
    q = (select(audit_log.c.changes).where(audit_log.c.asset_id == asset_id, audit_log.c.seq < seq)
         .order_by(audit_log.c.seq.desc()))
    for (changes,) in conn.execute(q):
        value = json.loads(changes).get("appraised_price")
        if value is not None and value[1] is not None:
            return value[1]
    return None


def scan(conn, office_codes: list[str] | None, start: dt.date | None, end: dt.date | None,
         limits: dict[str, int]) -> list[dict]:
    """Every signal in the period and offices, strongest evidence first within each kind."""
    q = select(audit_log).where(audit_log.c.event.in_(STEP_EVENTS), audit_log.c.asset_id.is_not(None))
    if office_codes is not None:
        q = q.where(audit_log.c.office.in_(office_codes))
    if start:
        q = q.where(audit_log.c.business_date >= start)
    if end:
        q = q.where(audit_log.c.business_date <= end)
    ordinary = _ordinary_triggers()
    found: list[dict] = []
    sales, cancels, reductions, handovers = defaultdict(list), defaultdict(list), defaultdict(list), []
    sale_rows = []
    for r in conn.execute(q.order_by(audit_log.c.id).execution_options(yield_per=2000)):  # streamed
        if not r.imported:
            late = (_recorded_day(r.recorded_at) - r.business_date).days
            if late > limits["backdated_days"]:
                found.append({"signal": "backdated", "subject": f"asset {r.asset_id}", "office": r.office,
                              "value": late, "threshold": limits["backdated_days"], "evidence": [_evidence(r)]})
        if r.actor_office and r.office and r.actor_office != r.office and r.trigger in ordinary:
            found.append({"signal": "outside_office", "subject": f"{r.actor} ({r.actor_office})", "office": r.office,
                          "value": r.actor_office, "threshold": None, "evidence": [_evidence(r)]})
        if r.trigger == "record_sale":
            changes = json.loads(r.changes)
            buyer = (changes.get("buyer", [None, None])[1] or "").strip()
            party = (changes.get("buyer_party") or [None, None])[1]
            if party is not None:  # the buyer is a registered party: the same person however spelt
                sales[("party", party)].append(r)
            elif buyer:
                sales[("name", " ".join(buyer.casefold().split()))].append(r)
            sale_rows.append(r)
        elif r.trigger == "cancel_result":
            cancels[r.actor].append(r)
        elif r.trigger == "reduce_price":
            reductions[r.asset_id].append(r)
        elif r.trigger == "hand_over":
            handovers.append(r)
    for r in sale_rows:
        price = (json.loads(r.changes).get("sale_price") or [None, None])[1]
        appraised = _appraised_before(conn, r.asset_id, r.seq)
        if price and appraised and price * 100 < appraised * limits["low_sale_percent"]:
            pct = round(price * 100 / appraised, 1)
            found.append({"signal": "low_sale", "subject": f"asset {r.asset_id}", "office": r.office, "value": pct,
                          "threshold": limits["low_sale_percent"], "appraised_price": appraised,
                          "sale_price": price, "evidence": [_evidence(r)]})
    for (how, buyer), rows in sales.items():
        if len(rows) > limits["buyer_wins"]:
            name = (json.loads(rows[0].changes)["buyer"][1]).strip()
            found.append({"signal": "buyer_wins", "subject": f"{name} (party {buyer})" if how == "party" else name,
                          "office": _offices(rows), "value": len(rows), "threshold": limits["buyer_wins"],
                          "evidence": [_evidence(r) for r in rows]})
    for who, rows in cancels.items():
        if len(rows) > limits["officer_cancellations"]:
            found.append({"signal": "officer_cancellations", "subject": who, "office": _offices(rows),
                          "value": len(rows), "threshold": limits["officer_cancellations"],
                          "evidence": [_evidence(r) for r in rows]})
    for asset_id, rows in reductions.items():
        if len(rows) > limits["price_reductions"]:
            found.append({"signal": "price_reductions", "subject": f"asset {asset_id}", "office": rows[0].office,
                          "value": len(rows), "threshold": limits["price_reductions"],
                          "evidence": [_evidence(r) for r in rows]})
    for r in handovers:
        q = select(complaints).where(complaints.c.asset_id == r.asset_id, complaints.c.received_on <= r.business_date)
        open_ = [c for c in conn.execute(q).mappings()
                 if c["resolved_on"] is None or c["resolved_on"] > r.business_date]
        if open_:
            found.append({"signal": "handover_open_complaint", "subject": f"asset {r.asset_id}", "office": r.office,
                          "value": [c["id"] for c in open_], "threshold": None,
                          "evidence": [_evidence(r)], "complaints": [
                              {"id": c["id"], "kind": c["kind"], "received_on": c["received_on"],
                               "by": c["complainant"]} for c in open_]})
    order = {name: i for i, name in enumerate(SIGNALS)}
    found.sort(key=lambda s: (order[s["signal"]], s["evidence"][0]["id"]))
    return found
