"""Named guards that workflow files refer to (``guards:``): each refuses a step by raising.

Their numbers (10 %, 2 reductions, 5 working days...) come from the trigger's entry in the
YAML, never from this code.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Callable

from auction_flow.common.errors import PermissionDenied
from auction_flow.core import checks, receipts
from auction_flow.core.step import Step, clock_start

GUARDS: dict[str, Callable[[Step], None]] = {}


def guard(fn):
    GUARDS[fn.__name__] = fn
    return fn


@guard
def reappraisal_once(s: Step):
    if s.asset["reappraisal_count"] >= 1:
        s.refuse("g_reappraisal_once")


@guard
def reappraisal_window(s: Step):
    spec = s.trig.params["reappraisal_window"]
    end = s.cal.add_working_days(clock_start(s.asset), spec["days"])
    if s.on > end:
        s.refuse("g_reappraisal_window", deadline=end, basis=spec["basis"])


def _party(s: Step, roles=None) -> dict:
    """The party the step names (field ``party``), linked to the asset in one of ``roles`` (else the
    trigger's ``parties``); else refused naming the parties it may name."""
    roles = roles or s.trig.params["parties"]
    linked = receipts.parties_in(s.conn, s.asset["id"], roles)
    pid = receipts.party_id(s.fields.get("party"))
    found = next((p for p in linked if p["id"] == pid), None)
    if found is None:
        s.refuse("g_party_not_of_asset", party=s.fields.get("party") or "-", asset=s.asset["id"],
                 roles=", ".join(roles), parties=receipts.shown_parties(linked))
    return found


@guard
def notice_receipt(s: Step):
    """record_receipt: a party of the asset received the notice it was last sent, not before the
    notice's day, once."""
    notice = receipts.notice_of(s.asset)
    if notice is None:
        s.refuse("g_no_notice", notifying=", ".join(s.trig.params["notices"]))
    party = _party(s, receipts.notice_to(s.wf, notice))  # the creditor's acceptance goes to the debtor alone
    notice_on = dt.date.fromisoformat(notice["on"])
    if s.fields["received_on"] < notice_on:
        s.refuse("g_receipt_before_notice", received=s.fields["received_on"], notice=notice["trigger"],
                 notice_on=notice_on)
    held = receipts.received_on(notice, party["id"])
    if held is not None:
        s.refuse("g_receipt_twice", party=party["id"], name=party["name"], received=held)


@guard
def notice_received(s: Step):
    """award_to_creditor: every party the notice went to (the debtors the case file names) received
    it, recorded with record_receipt: their window counts from their receipt, not from the notice's
    day. A notice issued before receipts were kept for it (no notice of ``receipt_of`` among the
    facts), or an asset whose case file names no such party, counts from the notice's day, as before."""
    notice = receipts.notice_of(s.asset)
    if notice is None or notice["trigger"] != s.trig.params["receipt_of"]:
        return
    linked = receipts.parties_in(s.conn, s.asset["id"], receipts.notice_to(s.wf, notice))
    missing = [p for p in linked if receipts.received_on(notice, p["id"]) is None]
    if missing:
        s.refuse("g_notice_not_received", notice=notice["trigger"], notice_on=notice["on"],
                 parties=receipts.shown_parties(missing))


@guard
def reappraisal_ground(s: Step):
    """request_reappraisal by its ground: a party's request once, within its window from that party's
    receipt of the notice (Art. 99(1)(b)); an officer's serious error, not limited (Art. 99(1)(a));
    an appraisal certificate that expires before the auction, when a validity was recorded."""
    ground = s.fields["ground"]
    if ground == "certificate_expired" and checks.value_of(s, "valid_until") is None:
        s.refuse("g_no_certificate")
    if ground != "party_request":
        return
    if s.asset["reappraisal_count"] >= 1:
        s.refuse("g_reappraisal_once")
    notice = receipts.notice_of(s.asset)
    if notice is None:  # an agreed price, or the auction announced (contract_auction forgets the notice)
        s.refuse("g_no_notice", notifying=", ".join(s.trig.params.get("notices") or ("-",)))
    if s.fields.get("party") is None:
        linked = receipts.parties_in(s.conn, s.asset["id"], s.trig.params["parties"])
        s.refuse("g_party_needed", parties=receipts.shown_parties(linked))
    party = _party(s)
    received = receipts.received_on(notice, party["id"])
    if received is None:
        s.refuse("g_no_receipt", party=party["id"], name=party["name"])
    spec = receipts.in_force(s.trig.params["reappraisal_window"], s.wf, received)
    end = receipts.party_window_end(s.conn, s.wf, spec, notice, party["id"], s.asset, s.cal)
    if s.on > end:
        s.refuse("g_reappraisal_window_receipt", party=party["id"], name=party["name"], received=received,
                 days=spec["days"], deadline=end, basis=spec["basis"])


@guard
def auction_date_after_contract(s: Step):
    if s.fields["auction_date"] <= s.on:
        s.refuse("g_auction_date", auction_date=s.fields["auction_date"], on=s.on)


@guard
def reduction_limit(s: Step):
    previous, price = s.asset["price"], s.fields["price"]
    pct = s.trig.params["max_reduction_percent"]
    floor = math.ceil(previous * (100 - pct) / 100)
    if price >= previous:
        s.refuse("g_reduction_not_lower", price=price, previous=previous)
    if price < floor:
        s.refuse("g_reduction_limit", price=price, floor=floor, pct=100 - pct, previous=previous)


@guard
def after_second_reduction(s: Step):
    n = s.trig.params["min_reductions"]
    if s.asset["reduction_count"] < n:
        s.refuse("g_after_reductions", n=n, count=s.asset["reduction_count"])


@guard
def sale_at_least_start(s: Step):
    if s.fields["sale_price"] < s.asset["price"]:
        s.refuse("g_sale_price", sale_price=s.fields["sale_price"], price=s.asset["price"])


@guard
def before_redemption_cutoff(s: Step):
    auction = s.asset["auction_date"]
    if s.asset["state"] != "auction_contracted" or auction is None:
        return
    spec = receipts.in_force(s.trig.params["redemption_cutoff"], s.wf, s.on)  # a 2026 step cites the 2026 law
    cutoff = s.cal.previous_working_day(auction, spec["days"])
    if s.on >= cutoff:
        s.refuse("g_redemption_cutoff", cutoff=cutoff, days=spec["days"], auction_date=auction, basis=spec["basis"])


@guard
def not_after_payment(s: Step):
    if s.asset["state"] == "suspended" and s.asset["resume_state"] in (
            "paid", "creditor_accepted", "creditor_handover", "handed_over"):
        s.refuse("g_not_after_payment")


@guard
def not_the_seller(s: Step):
    if s.asset["sold_by"] and s.asset["sold_by"] == s.actor["username"]:
        raise PermissionDenied("separation_of_duties", user=s.actor["username"], asset=s.asset["id"])


def _regime_guard(regime: str):
    def check(s: Step):
        if s.asset["deadline_regime"] != regime:
            s.refuse("g_regime", regime=regime, current=s.asset["deadline_regime"] or "-")
    check.__name__ = f"regime_{regime}"
    return guard(check)


for _regime in ("law2014", "decree2024", "law2025"):
    _regime_guard(_regime)


@guard
def not_extended(s: Step):
    if s.asset["clock_extended"]:
        s.refuse("g_not_extended")
