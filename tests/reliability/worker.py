"""A worker process for the reliability tests: fires random valid transitions at a shared pool
of assets, always saying which version it saw, and reports every outcome.

It drives the engine itself (``core.engine.fire``), the state machine's optimistic locking under
load, without the paper a step issues through ``features/assets/service.advance``: filling a DOCX
holds the write lock some 50 ms a step, and eight processes doing nothing else on SQLite then starve
one of them past the 30-second busy timeout on a loaded machine (the papers' own numbering under
concurrency is tested in tests/casefile).

Usage: python worker.py URL SEED ATTEMPTS [OUT.json]
An attempt ends in exactly one of: "ok", "conflict". Anything else is a bug and is
reported under "other" with its message.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import sys

from sqlalchemy import select

from auction_flow.common.errors import ConflictError
from auction_flow.core.engine import fire
from auction_flow.core.fields import parse_sets
from auction_flow.storage import db
from auction_flow.storage.schema import assets

OFFICER, SUPERVISOR = "cv_an", "ld_binh"
RARE = {"close", "redeem", "release", "return_to_debtor", "debtor_pays"}  # lead to final states


def choose(rng: random.Random, a: dict, on: dt.date):
    """A trigger and fields that are valid for the asset as seen (or None)."""
    state = a["state"]
    price = a["price"] or 1_000_000_000
    lower = -(-price * 9 // 10)  # the lowest price a 10 % reduction allows
    options = {
        "seized": [("agree_price", [f"price={1_000_000_000}"]), ("contract_appraisal", ["appraisal_org=TĐG"])],
        "appraising": [("record_appraisal", [f"price={1_000_000_000}"])],
        "priced": [("contract_auction", ["auction_org=ĐG", f"auction_date={on + dt.timedelta(days=30)}"])]
        + ([("request_reappraisal", ["ground=officer_error"])] if a["reappraisal_count"] == 0 else []),
        "auction_contracted": [("record_auction_failed", []), ("record_sale", [f"sale_price={price}", "buyer=B", f"deposit={price // 10}"])],
        "auction_failed": ([("reduce_price", [f"price={lower}"])] if lower < price else [])
        + ([("accept_by_creditor", [])] if a["reduction_count"] >= 2 else [])
        + [("return_to_debtor", [f"costs={price}", "creditor_declined=yes"])],
        "sold": [("record_payment", []), ("cancel_result", ["ground=winner_violation", "document_no=15/KL", f"document_on={on}", "issued_by=CQĐT"])],
        "paid": [("hand_over", []), ("cancel_result", ["ground=agreement", "document_no=3/TT", f"document_on={on}", "issued_by=các bên"])],
        "auction_cancelled": [("reauction", [])],
        "creditor_accepted": [("notify_debtor", [])],
        # the handover to the creditor waits for the debtor's 30 days: on the notice's day only the payment
        "debtor_notified": [("debtor_pays", [f"amount={price}"])],
        "creditor_handover": [("hand_over", [])],
        "handed_over": [("close", []), ("suspend", ["kind=postpone"])],
        "suspended": [("resume", [])],
    }.get(state, [])
    if state in ("seized", "priced", "auction_contracted", "auction_failed", "sold", "auction_cancelled"):
        options = options + [("suspend", ["kind=suspend"])]
    if state in ("seized", "appraising", "priced", "auction_failed", "auction_cancelled"):
        options = options + [("redeem", []), ("release", [])]
    common = [o for o in options if o[0] not in RARE]
    pool = options if (rng.random() < 0.03 or not common) else common
    return rng.choice(pool) if pool else None


def main(url: str, seed: int, attempts: int, out: str | None):
    rng = random.Random(seed)
    engine = db.open_db(url)
    with engine.connect() as conn:
        ids = [r[0] for r in conn.execute(select(assets.c.id))]
    if out is None:  # started: whoever waits for this line (the crash test) now knows steps are being fired
        print("started", flush=True)
    counts = {"ok": 0, "conflict": 0, "skipped": 0, "other": []}
    for _ in range(attempts):
        asset_id = rng.choice(ids)
        with engine.connect() as conn:
            a = dict(conn.execute(select(assets).where(assets.c.id == asset_id)).mappings().one())
        on = a["last_event_on"]
        choice = choose(rng, a, on)
        if choice is None:
            counts["skipped"] += 1
            continue
        trig, sets = choice
        who = SUPERVISOR if trig in ("cancel_result", "release") else OFFICER
        try:
            fire(engine, asset_id, trig, who, on=on, fields=parse_sets(sets),
                 reason="soak" if who == SUPERVISOR else None, expected_version=a["version"])
            counts["ok"] += 1
        except ConflictError:
            counts["conflict"] += 1
        except Exception as exc:  # noqa: BLE001 - every other outcome is a finding
            counts["other"].append(f"{trig} on {asset_id} ({a['state']} v{a['version']}): "
                                   f"{type(exc).__name__}: {exc}")
        sys.stdout.flush()
    if out:
        with open(out, "w") as fh:
            json.dump(counts, fh)
    else:
        print(json.dumps(counts))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4] if len(sys.argv) > 4 else None)
