"""A national database on PostgreSQL for bench/bench_national.py, written through COPY.

63 provinces of 10 or 11 branches (700 offices), 4 officers and a supervisor per branch, a
supervisor per province; at --scale 1, 5,000,000 assets seized evenly over ten years and about
50,000,000 audit rows (10 per asset). Each asset follows one of the usual paths (sold and handed
over, failed and re-auctioned after price cuts, cancelled and resold, suspended, taken by the
creditor); the paths of assets seized lately stop at TODAY, so live assets carry clocks and some
are overdue. Rows are written in business-date order, as a live system writes them, so the
audit log's heap is in time order.

Every audit row is built by ``auction_flow.core.audit`` (``make_row``: the asset chain's hash;
the log's links with the functions of whatever chain design the code has), so ``audit verify``
checks real hashes. The indexes and constraints of ``assets`` and ``audit_log`` are dropped for
the load and built again afterwards (the fast bulk path); the append-only trigger is disabled
for the load only.
"""

from __future__ import annotations

import datetime as dt
import random
import time

from auction_flow.core import audit
from auction_flow.storage.schema import assets, audit_log

TODAY = dt.date(2026, 11, 20)
START = dt.date(2016, 12, 1)
PROVINCES = 63
BRANCHES = 637  # + 63 provincial departments = 700 offices
OFFICERS = 4
PATHS = [  # (weight, triggers): about 10 rows per asset on average
    (45, ["seize", "agree_price", "contract_auction", "record_sale", "record_payment", "hand_over", "close"]),
    (20, ["seize", "contract_appraisal", "record_appraisal", "contract_auction", "record_auction_failed",
          "reduce_price", "contract_auction", "record_auction_failed", "reduce_price", "contract_auction",
          "record_sale", "record_payment", "hand_over", "close"]),
    (10, ["seize", "agree_price", "contract_auction", "record_sale", "cancel_result", "reauction",
          "contract_auction", "record_sale", "record_payment", "hand_over", "close"]),
    (10, ["seize", "agree_price", "suspend", "resume", "contract_auction", "record_auction_failed",
          "reduce_price", "contract_auction", "record_auction_failed", "reduce_price", "contract_auction",
          "record_auction_failed", "accept_by_creditor", "hand_over", "close"]),
    (15, ["seize", "agree_price", "contract_auction", "record_auction_failed", "reduce_price", "contract_auction",
          "record_sale", "record_payment", "hand_over", "close"]),
]
TO = {"seize": "seized", "agree_price": "priced", "contract_appraisal": "appraising", "record_appraisal": "priced",
      "contract_auction": "auction_contracted", "record_auction_failed": "auction_failed", "reduce_price": "priced",
      "record_sale": "sold", "record_payment": "paid", "hand_over": "handed_over", "close": "closed",
      "cancel_result": "auction_cancelled", "reauction": "priced", "suspend": "suspended",
      "accept_by_creditor": "creditor_accepted"}
GAP = {"agree_price": (1, 12), "contract_appraisal": (1, 8), "record_appraisal": (10, 40),
       "contract_auction": (3, 14), "record_sale": (20, 45), "record_auction_failed": (20, 45),
       "record_payment": (5, 35), "hand_over": (10, 80), "close": (3, 20), "cancel_result": (5, 30),
       "reauction": (1, 10), "reduce_price": (2, 10), "suspend": (5, 30), "resume": (20, 120),
       "accept_by_creditor": (5, 20)}
CLOCK = {"seized": 7, "appraising": 30, "priced": 10, "auction_contracted": 30, "auction_failed": 7, "sold": 30,
         "paid": 30, "creditor_accepted": 30, "handed_over": 10}


def offices(provinces: int = PROVINCES) -> list[tuple[str, str | None]]:
    """(code, parent code) of every office of the first ``provinces`` provinces: their departments
    first, then their branches (P01 .. P07 have 11 branches, the others 10)."""
    out = [(f"P{p:02d}", None) for p in range(1, provinces + 1)]
    for b in range(BRANCHES):
        p = b % PROVINCES + 1
        if p <= provinces:
            out.append((f"P{p:02d}-{b // PROVINCES + 1:02d}", f"P{p:02d}"))
    return out


def _clock(state: str, day: dt.date) -> dt.date | None:
    days = CLOCK.get(state)
    if days is None or (state == "handed_over" and day >= dt.date(2025, 1, 1)):
        return None
    if state in ("paid", "creditor_accepted") and day >= dt.date(2025, 1, 1):
        days = 60
    return day + dt.timedelta(days=days)


_ESCAPE = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _esc(v) -> str:
    """A value in COPY's text format."""
    t = type(v)
    if t is str:
        return v.translate(_ESCAPE) if "\\" in v or "\t" in v or "\n" in v or "\r" in v else v
    if v is None:
        return "\\N"
    if t is bool:
        return "t" if v else "f"
    return str(v)


class Log:
    """The log's links as the code in this checkout makes them: one chain per office when
    ``auction_flow.core.audit`` has them (``chain_of``/``link``), else the one whole-log chain."""

    def __init__(self, heads: dict[str, tuple[int, str]]):
        self.chained = hasattr(audit, "chain_of") and "chain" in audit_log.c
        self.heads = dict(heads)
        self.cols = (["chain"] if self.chained else []) + ["log_seq", "log_prev_hash", "log_hash"]

    def link(self, row: dict) -> list:
        chain = audit.chain_of(row) if self.chained else ""
        seq, prev = self.heads.get(chain, (0, audit.GENESIS))
        if self.chained:
            h = audit.link(chain, prev, seq + 1, row["hash"], row["actor_office"])
        else:
            h = audit.log_hash(prev, seq + 1, row["hash"], row["actor_office"])
        self.heads[chain] = (seq + 1, h)
        return ([chain] if self.chained else []) + [seq + 1, prev, h]


SEIZED = dict(clock_extended=False, appraised_price=None, price=None, sale_price=None, buyer=None,
              appraisal_org=None, auction_org=None, auction_date=None, sold_by=None, reduction_count=0,
              reappraisal_count=0, cancellation_count=0, resume_state=None, resume_remaining=None,
              resume_unit=None, resume_basis=None, resume_regime=None, resume_entered_on=None, suspended_days=0)


def _plan(rnd, aid: int, day: dt.date, branch: int, codes: list[str], weights, paths,
          loaded_at: dt.datetime, ids: tuple[dict, dict]) -> tuple[list, list]:
    """One asset: its audit rows (dicts from audit.make_row, in order) and its row in ``assets``.

    Each step records ``{column: [before, after]}`` of what it changed, as the engine does, so that
    ``audit verify`` replaying the chain finds the asset row it ends in."""
    office = codes[branch]
    officer = rnd.randrange(OFFICERS)
    actor = f"cv_{office}_{officer}"
    path = rnd.choices(paths, weights)[0]
    price = rnd.randrange(50, 3000) * 1_000_000
    a = {c.name: None for c in assets.columns}
    a.update(id=aid, case_number=f"{aid}/{day.year}/QĐ-CCTHADS", description="Tài sản kê biên", kind="movable",
             office_id=ids[0][office], officer_id=ids[1][actor],
             workflow="asset_auction", workflow_version=1,
             created_at=dt.datetime(day.year, day.month, day.day, 2, tzinfo=dt.timezone.utc))
    cur = dict(SEIZED)
    rows, prev = [], audit.GENESIS
    for seq, trig in enumerate(path, 1):
        if seq > 1:
            lo, hi = GAP.get(trig, (1, 10))
            day = day + dt.timedelta(days=rnd.randrange(lo, hi))
            if day > TODAY:
                break
        state = cur.get("state")
        to = cur["resume_state"] if trig == "resume" else TO[trig]
        up: dict = {}
        if trig in ("agree_price", "record_appraisal"):
            up.update(price=price, appraised_price=price)
        elif trig == "reduce_price":
            up.update(price=cur["price"] * 9 // 10, reduction_count=cur["reduction_count"] + 1)
        elif trig == "record_sale":
            up.update(sale_price=cur["price"] + rnd.randrange(0, 50) * 1_000_000, buyer="Nguyễn Văn A",
                      sold_by=actor)
        elif trig == "contract_auction":
            up.update(auction_org=f"Công ty Đấu giá {branch % 5}", auction_date=day + dt.timedelta(days=30))
        elif trig == "contract_appraisal":
            up["appraisal_org"] = f"Công ty Thẩm định giá {branch % 3}"
        elif trig == "cancel_result":
            up["cancellation_count"] = cur["cancellation_count"] + 1
        elif trig == "suspend":
            up["resume_state"] = state
        elif trig == "resume":
            up["resume_state"] = None
        if to != state:
            up.update(state=to, state_entered_on=day, deadline=_clock(to, day))
        up["last_event_on"] = day
        if seq == 1:
            changes = {"case_number": (None, a["case_number"]), "description": (None, a["description"]),
                       "kind": (None, "movable"), "state": (None, to), "deadline": (None, up["deadline"]),
                       "office": (None, office), "officer": (None, actor)}
        else:
            changes = {k: (cur[k], v) for k, v in up.items() if cur[k] != v}
        cur.update(up)
        chief = trig == "cancel_result"
        row = audit.make_row(prev, asset_id=aid, seq=seq, event="asset_created" if seq == 1 else "transition",
                             trigger=trig, from_state=state, to_state=to, actor=f"ld_{office}" if chief else actor,
                             role="supervisor" if chief else "officer", office=office, business_date=day,
                             recorded_at=loaded_at + dt.timedelta(microseconds=aid * 20 + seq),
                             reason="Người mua không nộp đủ tiền" if chief else None,
                             changes=audit.changes_json(changes), imported=False, via=None)
        row["actor_office"] = office
        row["officer_id"] = a["officer_id"]  # the officer in charge (migration 0020)
        rows.append(row)
        prev = row["hash"]
    a.update(cur)
    a.update(deadline_basis="bench" if a["deadline"] else None, deadline_regime="law2014" if a["deadline"] else None,
             version=len(rows), last_hash=prev)
    return rows, a


def heads(cur) -> tuple[int, dict[str, tuple[int, str]]]:
    """The last audit row's id and the log's heads as they stand (the rows ``init`` wrote)."""
    cur.execute("SELECT coalesce(max(id), 0) FROM audit_log")
    last_id = cur.fetchone()[0]
    if hasattr(audit, "chain_of") and "chain" in audit_log.c:
        cur.execute("SELECT chain, log_seq, log_hash FROM audit_heads")
        return last_id, {c: (s, h) for c, s, h in cur.fetchall()}
    cur.execute("SELECT log_seq, log_hash FROM audit_head WHERE id = 1")
    return last_id, {"": tuple(cur.fetchone())}


def load(conn_assets, conn_log, scale: float, office_ids: dict, user_ids: dict, seed: int = 16, say=print,
         since: dt.date = START, provinces: int = PROVINCES) -> dict:
    """Generate and COPY; ``conn_assets`` and ``conn_log`` are two psycopg connections (two COPYs
    stream at once). Returns counts and the time taken. ``since``: the history starts that day
    instead of ``START``, at the density of ``scale`` (as many seizures a day as the ten years
    would have), so the last years of a country can be built without the first ones.
    ``provinces``: only the first N provinces' branches seize, each as many assets as at
    ``scale`` in the whole country (the country's assets times their share of the branches), so a
    province is as dense as in the whole country without building the others; the whole log is
    then those provinces only. All 63 draw the same random numbers as before the option."""
    with conn_log.cursor() as cur:
        log_id, start = heads(cur)
    rnd = random.Random(seed)
    codes = [c for c, parent in offices() if parent is not None]  # by branch number, all 637
    mine = [b for b in range(BRANCHES) if b % PROVINCES < provinces]  # the branches that seize
    n_days = (TODAY - since).days + 1
    n_assets = max(1, int(5_000_000 * scale * n_days / ((TODAY - START).days + 1) * len(mine) / BRANCHES))
    weights, paths = [w for w, _ in PATHS], [p for _, p in PATHS]
    log = Log(start)
    # The rows are recorded now, as a migration of the past years would record them (their business
    # dates are the past): a root taken before the load (the one 0012 writes) came before them all.
    loaded_at = dt.datetime.now(dt.timezone.utc).replace(microsecond=0) + dt.timedelta(seconds=1)
    a_cols = [c.name for c in assets.columns]
    l_cols = [c.name for c in audit_log.columns if c.name not in ("id", *log.cols)]
    t0 = time.perf_counter()
    buckets: dict[dt.date, list] = {}
    rows_written, aid = 0, 0
    with conn_assets.cursor().copy(f"COPY assets ({', '.join(a_cols)}) FROM STDIN") as ca, \
            conn_log.cursor().copy(f"COPY audit_log (id, {', '.join(l_cols + log.cols)}) FROM STDIN") as cl:
        for d in range(n_days):
            day = since + dt.timedelta(days=d)
            due = n_assets * (d + 1) // n_days - aid  # seizures spread evenly over the days
            lines = []
            for _ in range(due):
                aid += 1
                rows, a = _plan(rnd, aid, day, mine[rnd.randrange(len(mine))], codes, weights, paths, loaded_at,
                                (office_ids, user_ids))
                lines.append("\t".join(_esc(a[c]) for c in a_cols))
                for row in rows:
                    buckets.setdefault(row["business_date"], []).append(row)
            if lines:
                ca.write("\n".join(lines) + "\n")
            out = []
            for row in buckets.pop(day, ()):
                log_id += 1
                out.append("\t".join([str(log_id), *(_esc(row[c]) for c in l_cols), *map(_esc, log.link(row))]))
            if out:
                cl.write("\n".join(out) + "\n")
                rows_written += len(out)
            if d % 365 == 364:
                say(f"  {day}: {aid:,} assets, {rows_written:,} audit rows, {time.perf_counter() - t0:.0f} s",
                    flush=True)
    return {"assets": aid, "rows": rows_written, "seconds": time.perf_counter() - t0, "heads": log.heads,
            "chained": log.chained}
