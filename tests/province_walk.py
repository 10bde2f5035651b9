"""Test helper: a generated province, walked at random through the real engine.

Not a test module. Three branches under HG, two officers and a supervisor each; random walks
over three reporting years: failed auctions, price cuts, cancellations and resales,
suspensions, extensions, steps on the deadline day itself and on the same day as the last.
Used by tests/reports/test_report_equality.py and tests/alerts/test_scan_bulk_close.py.
"""

from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import select

from auction_flow.common.errors import AuctionFlowError
from auction_flow.features.admin import service as admin
from auction_flow.features.assets import service as svc
from auction_flow.storage.schema import assets

M = 1_000_000
BRANCHES = ("HG-VT", "HG-NB", "HG-LM")
ORGS = ("Công ty Đấu giá Hợp danh Cần Thơ", "Trung tâm Dịch vụ đấu giá tài sản tỉnh Hậu Giang")
APPRAISERS = ("Công ty Thẩm định giá Miền Nam", "Công ty Thẩm định giá Cửu Long")
# triggers tried from each state, most likely first (a guard may refuse one: the walk tries the next)
NEXT = {
    "seized": ["agree_price", "agree_price", "contract_appraisal", "suspend", "redeem", "release"],
    "appraising": ["record_appraisal", "record_appraisal", "suspend", "release"],
    "priced": ["contract_auction", "contract_auction", "contract_auction", "request_reappraisal", "suspend",
               "redeem"],
    "auction_contracted": ["record_sale", "record_sale", "record_auction_failed", "suspend", "redeem"],
    "auction_failed": ["reduce_price", "reduce_price", "accept_by_creditor", "return_to_debtor", "release"],
    "sold": ["record_payment", "record_payment", "record_payment", "cancel_result", "extend_payment", "suspend"],
    "paid": ["hand_over", "hand_over", "hand_over", "extend_handover", "cancel_result", "suspend"],
    "creditor_accepted": ["notify_debtor", "notify_debtor", "debtor_pays", "suspend"],
    "debtor_notified": ["award_to_creditor", "award_to_creditor", "debtor_pays", "suspend"],
    "creditor_handover": ["hand_over", "hand_over", "extend_handover", "suspend"],
    "auction_cancelled": ["reauction", "reauction", "release", "suspend"],
    "suspended": ["resume", "resume", "release"],
    "handed_over": ["close", "close", "suspend"],
}
SUPERVISOR = ("cancel_result", "release", "extend_handover")
TODAY = dt.date(2026, 11, 20)


def _fields(rnd, trig, row, on):
    price = row["price"] or 100 * M
    return {
        "agree_price": lambda: {"price": rnd.randrange(50, 900) * M},
        "record_appraisal": lambda: {"price": rnd.randrange(50, 900) * M},
        "contract_appraisal": lambda: {"appraisal_org": rnd.choice(APPRAISERS)},
        "contract_auction": lambda: {"auction_org": rnd.choice(ORGS),
                                     "auction_date": on + dt.timedelta(days=rnd.randrange(16, 30))},
        "record_sale": lambda: {"sale_price": price + rnd.randrange(0, 30) * M, "buyer": "Lê Văn Tám",
                                "deposit": price // 10},
        "reduce_price": lambda: {"price": price * rnd.choice((90, 95, 99)) // 100},
        "cancel_result": lambda: {"ground": rnd.choice(("court_void", "winner_violation", "agreement")),
                                  "document_no": "7/2025/QĐ", "document_on": on, "issued_by": "Tòa án nhân dân tỉnh"},
        "suspend": lambda: {"kind": rnd.choice(("postpone", "suspend"))},
        "return_to_debtor": lambda: {"costs": price, "creditor_declined": "yes"},
        "extend_payment": lambda: {"until": on + dt.timedelta(days=rnd.randrange(31, 60))},
        "debtor_pays": lambda: {"amount": price},
    }.get(trig, dict)()


def walk(engine, rnd, n_assets: int):
    for i in range(n_assets):
        branch = rnd.randrange(len(BRANCHES))
        officer, chief = f"cv_{branch}_{rnd.randrange(2)}", f"ld_{branch}"
        on = dt.date(2023, 9, 1) + dt.timedelta(days=rnd.randrange(1100))
        aid = svc.seize(engine, officer, f"{i}/2024/QĐ", BRANCHES[branch], rnd.choice(("movable", "real_estate")),
                        "Xe ô tô", on=on)
        for _ in range(rnd.randrange(1, 14)):
            with engine.connect() as conn:
                row = conn.execute(select(assets).where(assets.c.id == aid)).mappings().one()
            on = on + dt.timedelta(days=rnd.choice((0, 0, 1, 3, 7, 15, 25, 40, 70)))
            if row["deadline"] is not None and row["deadline"] >= row["last_event_on"] and rnd.random() < 0.3:
                on = row["deadline"]  # on the deadline day itself: on time, by 0 days
            elif row["state"] == "paid" and row["deadline"] and rnd.random() < 0.5:
                # under law2014 a handover starts a 10-day clock: handed over 10 days before the
                # deadline, the new clock ends on the old day and the step records no deadline
                on = max(on, row["deadline"] - dt.timedelta(days=10))
            if row["state"] not in NEXT or on > TODAY:
                break
            tries = NEXT[row["state"]]
            for trig in sorted(dict.fromkeys(tries), key=lambda t: -tries.count(t) * rnd.random()):
                actor = chief if trig in SUPERVISOR else officer
                sets = [f"{k}={v}" for k, v in _fields(rnd, trig, row, on).items()]
                try:
                    svc.advance(engine, aid, trig, actor, str(on), sets, "Theo quyết định" if trig in SUPERVISOR
                                or trig == "release" else None)
                    break
                except AuctionFlowError:
                    continue


def build(engine, url: str, n_assets: int = 160, seed: int = 16) -> None:
    """Offices, users and ``n_assets`` walked assets in the database at ``url``."""
    admin.init(url, "admin")
    admin.add_office(engine, "admin", "HG", "Cục THADS tỉnh Hậu Giang")
    admin.add_user(engine, "admin", "ld_tinh", "supervisor", "HG")
    for b, code in enumerate(BRANCHES):
        admin.add_office(engine, "admin", code, f"Chi cục THADS số {b}", "HG")
        admin.add_user(engine, "admin", f"ld_{b}", "supervisor", code)
        for k in range(2):
            admin.add_user(engine, "admin", f"cv_{b}_{k}", "officer", code)
    walk(engine, random.Random(seed), n_assets)
