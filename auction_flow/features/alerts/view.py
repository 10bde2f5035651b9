"""How an alert is read: the query joining it to its asset, office and officer, the dict every
front end shows, and the order of urgency."""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import case, select

from auction_flow.storage.schema import alerts, assets, offices, users

# levels from least to most urgent, for ordering and for "a higher level replaces a lower one"
RANK = {"warning": 0, "low": 0, "overdue": 1, "medium": 1, "escalated": 2, "high": 2, "escalated_province": 3}


def rank_of(col):
    """The urgency of the level in ``col``, as a SQL expression."""
    return case(RANK, value=col, else_=0)


def alert_query():
    officer = users.alias("officer")
    return (select(alerts, offices.c.code.label("office_code"), officer.c.username.label("officer_username"),
                   assets.c.case_number, assets.c.description, assets.c.state.label("asset_state"))
            .join(offices, offices.c.id == alerts.c.office_id)
            .join(assets, assets.c.id == alerts.c.asset_id)
            .outerjoin(officer, officer.c.id == alerts.c.officer_id))


def describe(row, on: dt.date) -> dict:
    extra = json.loads(row["factors"]) if row["factors"] else {}
    out = {
        "id": row["id"], "asset_id": row["asset_id"], "rule": row["rule"], "level": row["level"],
        "state": row["state"], "deadline": row["deadline"], "days_late": (on - row["deadline"]).days,
        "status": row["status"], "office": row["office_code"], "officer": row["officer_username"],
        "basis": row["basis"], "regime": row["regime"], "entered_on": row["entered_on"],
        "raised_on": row["raised_on"], "case_number": row["case_number"], "description": row["description"],
        "asset_state": row["asset_state"], "snoozed_until": row["snoozed_until"],
        "handled_by": row["handled_by"], "handled_reason": row["handled_reason"],
        "handled_via": row.get("handled_via"),
        "resolution": row["resolution"], "resolved_on": row["resolved_on"],
    }
    if row["rule"] == "complaint_risk":
        out["factors"] = extra.get("factors", [])
        out["window_ends"] = extra.get("window_ends")
    if row["rule"] == "procuracy":
        out["items"] = extra.get("items", [])  # the recommendations or protests waiting for an answer
    if row["rule"] == "procuracy_send":
        out["steps"] = extra.get("steps", [])  # the asset's decisions not yet sent
    return out
