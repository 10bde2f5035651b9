"""Test helpers: walk an asset through the real services to a given state.

Not a test module. Every step goes through ``auction_flow.services.assets`` (so through the
engine); nothing is inserted around it.
"""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import select

from auction_flow.features.assets import service as svc
from auction_flow.storage.schema import assets as assets_t
from auction_flow.storage.schema import audit_log

D = dt.date.fromisoformat
PRICE = 100_000_000


def days(start, n: int) -> dt.date:
    return D(str(start)) + dt.timedelta(days=n)


def seize(engine, on="2026-03-02", kind="movable", actor="cv_an", office="HG-VT") -> int:
    return svc.seize(engine, actor, "12/2026/QĐ", office, kind, "Xe ô tô", on=on)


def step(engine, aid, trigger, on, actor="cv_an", reason=None, **fields):
    sets = [f"{k}={v}" for k, v in fields.items()]
    return svc.advance(engine, aid, trigger, actor, str(on), sets, reason)


def asset_row(engine, aid) -> dict:
    with engine.connect() as conn:
        return dict(conn.execute(select(assets_t).where(assets_t.c.id == aid)).mappings().one())


def audit_rows(engine, aid) -> list[dict]:
    with engine.connect() as conn:
        rows = conn.execute(select(audit_log).where(audit_log.c.asset_id == aid)
                            .order_by(audit_log.c.seq)).mappings().all()
    out = []
    for r in rows:
        r = dict(r)
        r["changes"] = json.loads(r["changes"])
        out.append(r)
    return out


# (trigger, offset in days from the start, fields, actor, reason) to reach each state from seized.
_TO_PRICED = [("agree_price", 2, {"price": PRICE})]
_TO_CONTRACTED = _TO_PRICED + [("contract_auction", 4, {"auction_org": "ĐG Cần Thơ",
                                                        "auction_date": "+30"})]
_TO_SOLD = _TO_CONTRACTED + [("record_sale", 30, {"sale_price": PRICE + 1_000_000, "buyer": "Lê Văn Tám",
                                                    "deposit": PRICE // 10})]
_TO_PAID = _TO_SOLD + [("record_payment", 40, {})]
_TO_FAILED = _TO_CONTRACTED + [("record_auction_failed", 30, {})]


def _reduce_and_fail(first: int, price: int):
    return [("reduce_price", first, {"price": price}),
            ("contract_auction", first + 2, {"auction_org": "ĐG Cần Thơ", "auction_date": f"+{first + 20}"}),
            ("record_auction_failed", first + 20, {})]


_TO_CREDITOR = _TO_FAILED + _reduce_and_fail(32, PRICE * 9 // 10) + _reduce_and_fail(54, PRICE * 81 // 100) \
    + [("accept_by_creditor", 76, {})]

PATHS = {
    "seized": [],
    "appraising": [("contract_appraisal", 2, {"appraisal_org": "TĐG Miền Nam"})],
    "priced": _TO_PRICED,
    "auction_contracted": _TO_CONTRACTED,
    "auction_failed": _TO_FAILED,
    "sold": _TO_SOLD,
    "paid": _TO_PAID,
    "handed_over": _TO_PAID + [("hand_over", 50, {})],
    "handover_coercion": _TO_PAID + [("notify_handover", 42, {"handover_on": "+45"}),
                                     ("order_coercion", 46, {"decision": "5/QĐ-CCTHADS", "plan_on": "+55",
                                                             "procuracy_invited_on": "+46"}, "ld_binh")],
    "closed": _TO_PAID + [("hand_over", 50, {}), ("close", 55, {})],
    "auction_cancelled": _TO_SOLD + [("cancel_result", 35, {"ground": "winner_violation", "document_no": "15/KL-CSĐT",
                                                           "document_on": "+34", "issued_by": "Cơ quan Cảnh sát điều tra"},
                                      "ld_binh", "thông đồng dìm giá")],
    "creditor_accepted": _TO_CREDITOR,
    "debtor_notified": _TO_CREDITOR + [("notify_debtor", 80, {})],
    # the debtor's 30 days from the notice (day 80) are over by day 115 whatever the weekday
    "creditor_handover": _TO_CREDITOR + [("notify_debtor", 80, {}), ("award_to_creditor", 115, {})],
    "suspended": [("suspend", 1, {"kind": "postpone"})],
}


def walk(engine, state: str, start="2026-03-02", kind="movable", before: str | None = None) -> int:
    """A new asset seized on ``start`` and walked to ``state``.

    ``state`` may be "suspended:<state>" for an asset suspended from <state> (``before``)."""
    if state.startswith("suspended:"):
        before = state.split(":", 1)[1]
        aid = walk(engine, before, start, kind)
        last = asset_row(engine, aid)["last_event_on"]
        step(engine, aid, "suspend", last + dt.timedelta(days=1), kind="postpone")
        return aid
    aid = seize(engine, start, kind)
    for item in PATHS[state]:
        trig, offset, fields = item[0], item[1], dict(item[2])
        actor = item[3] if len(item) > 3 else "cv_an"
        reason = item[4] if len(item) > 4 else None
        for k, v in fields.items():
            if isinstance(v, str) and v.startswith("+"):
                fields[k] = days(start, int(v[1:])).isoformat()
        step(engine, aid, trig, days(start, offset), actor=actor, reason=reason, **fields)
    assert asset_row(engine, aid)["state"] == (state if state != "suspended" else "suspended")
    return aid


def dump(engine) -> list:
    """Everything the engine writes about assets, but the refusal's own record: compared before/after a refused command."""
    with engine.connect() as conn:
        a = [tuple(r) for r in conn.execute(select(assets_t).order_by(assets_t.c.id))]
        # A refusal is recorded (access_log and its chained ``access_denied`` row): that is not a change
        b = [tuple(r) for r in conn.execute(select(audit_log).where(audit_log.c.event != "access_denied")
                                            .order_by(audit_log.c.id))]
    return [a, b]
