"""The demo: a fresh database, one province office and a branch, and assets walked through the
real engine (never inserted around it), then what a supervisor would look at."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from .. import db
from ..config import db_url, default_db_path
from ..errors import InvalidInput
from . import admin, assets

D = dt.date.fromisoformat


def _fresh_url(explicit: str | None) -> str:
    if explicit:
        return db_url(explicit)
    path = default_db_path().with_name("demo.db")
    path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    return f"sqlite:///{path}"


def run(explicit_url: str | None = None, seed: int = 2020, lang: str = "en") -> str:
    rng = random.Random(seed)
    url = _fresh_url(explicit_url)
    if db.current_revision(db.get_engine(url)) is not None:
        from sqlalchemy import func, select

        from ..schema import users
        with db.get_engine(url).connect() as conn:
            if conn.execute(select(func.count()).select_from(users)).scalar():
                raise InvalidInput("not_empty")
    admin.init(url, "admin", "Quản trị hệ thống")
    eng = db.open_db(url)
    admin.add_office(eng, "admin", "HG", "Cục THADS tỉnh Hậu Giang")
    admin.add_office(eng, "admin", "HG-VT", "Chi cục THADS thành phố Vị Thanh", "HG")
    admin.add_user(eng, "admin", "ld_binh", "supervisor", "HG-VT", "Trần Thị Bình")
    admin.add_user(eng, "admin", "cv_an", "officer", "HG-VT", "Nguyễn Văn An")
    admin.add_user(eng, "admin", "ksv_chau", "procurator", "HG", "Lê Minh Châu")

    def step(aid, trig, on, *sets, who="cv_an", reason=None):
        assets.advance(eng, aid, trig, who, on, sets, reason)

    price = rng.randrange(600, 1200) * 1_000_000
    # 1. A house sold under the 2014 rules, paid and handed over.
    a1 = assets.seize(eng, "cv_an", "45/2024/QĐ-CCTHADS", "HG-VT", "real_estate",
                      "Nhà và đất 150 m², phường 5, Vị Thanh", on=D("2024-10-14"))
    step(a1, "contract_appraisal", D("2024-10-17"), "appraisal_org=Công ty Thẩm định giá Miền Nam")
    step(a1, "record_appraisal", D("2024-11-04"), f"price={price}")
    step(a1, "contract_auction", D("2024-11-12"), "auction_org=Công ty Đấu giá Hợp danh Cần Thơ",
         "auction_date=2024-12-20")
    step(a1, "record_sale", D("2024-12-20"), f"sale_price={price + 45_000_000}", "buyer=Phạm Văn Dũng")
    step(a1, "record_payment", D("2025-01-15"))
    step(a1, "hand_over", D("2025-02-20"))
    # 2. A car: failed auction, two reductions, sold, paid, not yet handed over (late).
    car = 420_000_000
    a2 = assets.seize(eng, "cv_an", "12/2026/QĐ-CCTHADS", "HG-VT", "movable",
                      "Xe ô tô Toyota Vios 2019, biển 95A-123.45", on=D("2026-06-01"))
    step(a2, "agree_price", D("2026-06-04"), f"price={car}")
    step(a2, "contract_auction", D("2026-06-10"), "auction_org=Trung tâm Dịch vụ đấu giá tỉnh Hậu Giang",
         "auction_date=2026-07-08")
    step(a2, "record_auction_failed", D("2026-07-08"))
    step(a2, "reduce_price", D("2026-07-13"), f"price={car * 9 // 10}")
    step(a2, "contract_auction", D("2026-07-17"), "auction_org=Trung tâm Dịch vụ đấu giá tỉnh Hậu Giang",
         "auction_date=2026-08-14")
    step(a2, "record_sale", D("2026-08-14"), f"sale_price={car * 9 // 10 + 5_000_000}", "buyer=Võ Thị Hoa")
    step(a2, "record_payment", D("2026-09-10"))
    # 3. Land whose sale was cancelled because the buyer did not pay.
    a3 = assets.seize(eng, "cv_an", "30/2026/QĐ-CCTHADS", "HG-VT", "real_estate",
                      "Đất nông nghiệp 2.000 m², xã Tân Tiến", on=D("2026-08-03"))
    step(a3, "agree_price", D("2026-08-06"), "price=1250000000")
    step(a3, "contract_auction", D("2026-08-12"), "auction_org=Công ty Đấu giá Hợp danh Cần Thơ",
         "auction_date=2026-09-18")
    step(a3, "record_sale", D("2026-09-18"), "sale_price=1300000000", "buyer=Công ty TNHH Hưng Thịnh")
    step(a3, "cancel_result", D("2026-10-20"), "ground=buyer_default", who="ld_binh",
         reason="Người mua không nộp đủ tiền trong 30 ngày / buyer did not pay within 30 days")

    from ..render import table
    rows = assets.list_assets(eng, "ld_binh", lang=lang)
    head = ("Cơ sở dữ liệu demo" if lang == "vi" else "Demo database") + f": {url}"
    body = table(rows, [("id", "ID"), ("office", "OFFICE"), ("state", "STATE"), ("deadline", "DEADLINE"),
                        ("days_left", "DAYS LEFT"), ("deadline_basis", "BASIS")])
    hint = ("Xem tiếp" if lang == "vi" else "Explore") + \
        f": auction-flow --db {url} --as ld_binh asset show {a2}"
    return "\n".join([head, "", body, "", hint])
