"""Building asset histories for the alert tests: through the engine, with past business dates."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from auction_flow.features.assets import service as svc
from auction_flow.storage.schema import alerts

D = dt.date.fromisoformat


def seize(engine, on, kind="movable", office="HG-VT", actor="cv_an") -> int:
    return svc.seize(engine, actor, f"{on}/THA", office, kind, f"asset seized {on}", on=on)


def step(engine, aid, trigger, on, actor="cv_an", reason=None, **fields):
    return svc.advance(engine, aid, trigger, actor, on=on, sets=[f"{k}={v}" for k, v in fields.items()],
                       reason=reason)


def to_sold(engine, seized_on: dt.date, sold_on: dt.date, kind="movable", office="HG-VT", actor="cv_an") -> int:
    """An asset seized, priced, contracted and sold (its auction held on ``sold_on``)."""
    aid = seize(engine, seized_on, kind, office, actor)
    step(engine, aid, "agree_price", seized_on + dt.timedelta(days=1), actor, price=100_000_000)
    step(engine, aid, "contract_auction", seized_on + dt.timedelta(days=2), actor,
         auction_org="Công ty ĐG Hậu Giang", auction_date=sold_on.isoformat())
    step(engine, aid, "record_sale", sold_on, actor, sale_price=100_000_000, buyer="Trần Văn Mua",
         deposit=10_000_000)
    # the losing bidders refunded the same day: their side clock raises no alert of its own here
    step(engine, aid, "record_refunds", sold_on, actor, refunded_on=sold_on.isoformat(), bidders=2)
    return aid


def to_paid(engine, paid_on: dt.date, kind="movable", office="HG-VT", actor="cv_an") -> int:
    sold_on = paid_on - dt.timedelta(days=5)
    aid = to_sold(engine, sold_on - dt.timedelta(days=20), sold_on, kind, office, actor)
    step(engine, aid, "record_payment", paid_on, actor)
    return aid


def rows(engine, **where) -> list[dict]:
    q = select(alerts).order_by(alerts.c.id)
    for k, v in where.items():
        q = q.where(alerts.c[k] == v)
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(q).mappings()]


def count(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(alerts)).scalar()


def levels(engine, aid, rule=None, unresolved=True) -> list[str]:
    return [r["level"] for r in rows(engine, asset_id=aid) if (rule is None or r["rule"] == rule)
            and (not unresolved or r["status"] != "resolved")]
