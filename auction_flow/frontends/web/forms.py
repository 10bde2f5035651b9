"""The asset page's forms: one per trigger allowed now, asking exactly that trigger's fields as the
workflow definition declares them (text, money, date or a choice), and the field a refusal is
about, so the page can show it beside that field in the reader's language."""

from __future__ import annotations

from dataclasses import dataclass

from auction_flow.common.errors import AuctionFlowError, InvalidInput
from auction_flow.common.words import Msg, has_term, message, term
from auction_flow.features.casefile import number_guard
from auction_flow.features.casefile import parties as parties_svc

PREFIX = "f_"  # form inputs of trigger fields: f_price, f_buyer... (apart from trigger, on, reason, version)
# beside a ``buyer`` field: the registered party who bought, by id (``--buyer``) or by full identity number
# (``--buyer-id-number``: another office's party)
BUYER_PARTY = "buyer_party"
# the term kind that labels a choice field's values, when it is not the field's own name
CHOICE_TERMS = {("suspend", "kind"): "suspension"}
INPUT = {"text": "text", "money": "text", "date": "date"}
# refusals about one field, by message key: the step's date, its reason, or a field its guard checks
ABOUT = {"future_date": "on", "date_before_last": "on", "reason_required": "reason", "g_auction_date": "auction_date",
         "g_reduction_limit": "price", "g_reduction_not_lower": "price", "g_sale_price": "sale_price",
         "cf.party_not_found": BUYER_PARTY, "cf.party_link_denied": BUYER_PARTY, "cf.buyer_mismatch": BUYER_PARTY, "cf.buyer_not_taken": BUYER_PARTY,
         "cf.party_number_not_found": BUYER_PARTY, "cf.party_number_throttled": BUYER_PARTY,
         "g_party_not_of_asset": "party", "g_party_needed": "party", "g_no_receipt": "party",
         "g_receipt_twice": "party", "g_receipt_before_notice": "received_on",
         "g_reappraisal_window_receipt": "party", "g_no_certificate": "ground", "c_date_not_after": "auction_date"}
FIELD_KEYS = ("missing_field", "unknown_field", "bad_money", "bad_date", "bad_choice", "empty_text")
# said differently beside a field than on a command line (which names the option to give)
BESIDE = {"missing_field": "web.required", "reason_required": "web.required"}


def buyer_party(data: dict) -> int | parties_svc.ByNumber | None:
    """The buyer typed beside a ``buyer`` field, if any: a full identity number (10, 12 or 13 digits,
    spaces and dashes aside) is the party of that number, any office's (``--buyer-id-number``, within
    the lookups' limit); other digits are a party id (``--buyer``); anything else no such party."""
    typed = (data.get(BUYER_PARTY) or "").strip()
    if not typed:
        return None
    full = parties_svc.full_number(typed)
    if number_guard.full_shaped(full):
        return parties_svc.ByNumber(full)
    if not (typed.isascii() and typed.isdigit()):
        raise InvalidInput("cf.party_not_found", party=typed)
    return int(typed)


def field_label(name: str, lang: str) -> str:
    key = f"web.field.{name}"
    text = message(key, lang)
    return name if text == key else text


def _choices(trigger: str, spec: dict, lang: str) -> list[tuple[str, str]]:
    kind = CHOICE_TERMS.get((trigger, spec["name"]), spec["name"])
    return [(c, term(kind, c, lang) if has_term(kind, c) else c) for c in spec["choices"]]


def forms(specs: list[dict], lang: str) -> list[dict]:
    """The forms of ``show(..., forms=True)["forms"]``, labelled in ``lang``."""
    return [{"trigger": f["trigger"], "label": term("trigger", f["trigger"], lang),
             "reason_required": f["reason_required"], "buyer": any(s["name"] == "buyer" for s in f["fields"]),
             "fields": [{"name": s["name"], "input": PREFIX + s["name"], "type": s["type"],
                         "html": INPUT.get(s["type"], "text"), "label": field_label(s["name"], lang),
                         "money": s["type"] == "money", "choices": _choices(f["trigger"], s, lang)}
                        for s in f["fields"]]} for f in specs]


@dataclass
class Failed:
    """A step refused: which form, what the person had typed, the message, and the field it is about."""

    trigger: str
    values: dict
    message: str
    field: str | None = None
    beside: str | None = None


def _inner(exc: AuctionFlowError) -> tuple[str, dict, Msg | AuctionFlowError]:
    """The engine wraps a field's refusal (``guard_refused``, ``why=...``) to name the asset and its
    state: the reason inside is what the field needs."""
    why = exc.params.get("why") if exc.key == "guard_refused" else None
    if isinstance(why, Msg):
        return why.key, why.params, why
    return exc.key, exc.params, exc


def headline(exc: AuctionFlowError, lang: str) -> str:
    """The refusal above the form, with the labels of the step and the state (the engine's own
    message names their codes, as the command line takes them)."""
    params = exc.params
    if exc.key == "guard_refused":
        why = params["why"].render(lang) if isinstance(params.get("why"), Msg) else str(params.get("why"))
        return message("web.step_refused", lang, step=term("trigger", params.get("trigger"), lang), why=why)
    if exc.key in ("not_allowed_now", "unknown_trigger"):
        return message("web.not_allowed_now", lang, step=term("trigger", params.get("trigger"), lang),
                       state=term("state", params.get("state"), lang))
    return exc.render(lang)


def failed(trigger: str, values: dict, exc: AuctionFlowError, lang: str) -> Failed:
    key, params, inner = _inner(exc)
    about = ABOUT.get(key)
    if key in FIELD_KEYS or (key.startswith("c_") and "field" in params):  # a definition's check on a field
        about = str(params.get("field", "")).lstrip("-") or None
    beside = message(BESIDE[key], lang) if key in BESIDE else inner.render(lang)
    return Failed(trigger, values, headline(exc, lang), about, beside if about else None)
