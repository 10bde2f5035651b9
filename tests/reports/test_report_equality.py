"""The one-pass report queries (issue 16) give exactly what the queries before them gave.

A generated province (three branches, random walks through the real engine over three reporting
years: failed auctions, price cuts, cancellations and resales, suspensions, extensions,
same-day steps) is reported on by both implementations, for every grouping, several periods and
actors of every scope; ``tests/reports/legacy_reports.py`` is the old implementation, unchanged.
"""

from __future__ import annotations

import datetime as dt
import random
import shutil

import pytest
from conftest import BACKENDS, _pg_url, drop_pg, fresh_pg
from legacy_reports import stages as legacy_stages
from legacy_reports import summary as legacy_summary
from sqlalchemy import select

from auction_flow.common.errors import AuctionFlowError
from auction_flow.features.admin import service as admin
from auction_flow.features.alerts import scan as scanner
from auction_flow.features.assets import service as svc
from auction_flow.features.reports import service as reports
from auction_flow.storage import db
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
    "creditor_accepted": ["hand_over", "suspend"],
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
                                     "auction_date": on + dt.timedelta(days=rnd.randrange(1, 45))},
        "record_sale": lambda: {"sale_price": price + rnd.randrange(0, 30) * M, "buyer": "Lê Văn Tám"},
        "reduce_price": lambda: {"price": price * rnd.choice((90, 95, 99)) // 100},
        "cancel_result": lambda: {"ground": rnd.choice(("buyer_default", "collusion", "agreement"))},
        "suspend": lambda: {"kind": rnd.choice(("postpone", "suspend"))},
        "extend_payment": lambda: {"until": on + dt.timedelta(days=rnd.randrange(31, 60))},
    }.get(trig, dict)()


def _walk(engine, rnd, n_assets: int):
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
            for trig in sorted(set(NEXT[row["state"]]), key=lambda t: -NEXT[row["state"]].count(t) * rnd.random()):
                actor = chief if trig in SUPERVISOR else officer
                sets = [f"{k}={v}" for k, v in _fields(rnd, trig, row, on).items()]
                try:
                    svc.advance(engine, aid, trig, actor, str(on), sets, "Theo quyết định" if trig in SUPERVISOR
                                or trig == "release" else None)
                    break
                except AuctionFlowError:
                    continue


@pytest.fixture(scope="module", params=BACKENDS)
def generated(request, tmp_path_factory, sqlite_template):
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("equality") / "generated.db"
        shutil.copy(sqlite_template, path)
        url, name = f"sqlite:///{path}", None
    else:
        name = fresh_pg(request.getfixturevalue("pg_admin"), request.getfixturevalue("pg_template"))
        url = _pg_url(name)
    engine = db.open_db(url)
    admin.init(url, "admin")
    admin.add_office(engine, "admin", "HG", "Cục THADS tỉnh Hậu Giang")
    admin.add_user(engine, "admin", "ld_tinh", "supervisor", "HG")
    for b, code in enumerate(BRANCHES):
        admin.add_office(engine, "admin", code, f"Chi cục THADS số {b}", "HG")
        admin.add_user(engine, "admin", f"ld_{b}", "supervisor", code)
        for k in range(2):
            admin.add_user(engine, "admin", f"cv_{b}_{k}", "officer", code)
    _walk(engine, random.Random(16), 160)
    for day in ("2024-06-03", "2025-03-03", "2025-11-03", "2026-06-01"):
        scanner.scan(engine, on=dt.date.fromisoformat(day))
    yield engine
    if name is None:
        engine.dispose()
    else:
        drop_pg(request.getfixturevalue("pg_admin"), name)


PERIODS = [{"year": 2024}, {"year": 2025}, {"year": 2026},
           {"start": "2024-11-15", "end": "2025-02-10"}, {"start": "2023-01-01", "end": "2026-12-31"}]


def test_the_data_set_reaches_every_figure(generated):
    """The comparison below means something only if the data has each kind of row."""
    total = reports.summary(generated, "admin", start="2023-01-01", end="2026-12-31")["total"]
    for k in ("seized", "priced", "auctioned", "sold", "cancelled", "cancellations_recorded", "handed_over",
              "handed_over_on_time", "handed_over_late", "realised", "alerts_raised"):
        assert total[k] > 0, k
    assert len(total["stage_median_days"]) >= 8


@pytest.mark.parametrize("by", reports.BY)
@pytest.mark.parametrize("actor", ["admin", "ld_tinh", "ld_1"])
def test_summary_is_identical_to_the_old_queries(generated, by, actor):
    for period in PERIODS:
        assert reports.summary(generated, actor, by=by, **period) == legacy_summary(generated, actor, by=by,
                                                                                    **period), period


@pytest.mark.parametrize("actor", ["admin", "ld_2"])
def test_stages_is_identical_to_the_old_queries(generated, actor):
    for period in PERIODS:
        assert reports.stages(generated, actor, **period) == legacy_stages(generated, actor, **period), period
