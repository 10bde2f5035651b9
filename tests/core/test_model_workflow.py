"""Model-based test: hypothesis fires random triggers with random valid and invalid data at the
engine, and after every step compares the engine with a plain-Python model of the default
workflow (domain.md) and its deadlines, written here independently of workflows/*.yaml."""

from __future__ import annotations

import datetime as dt
import math
import shutil
import uuid

import holidays
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from auction_flow.common.errors import AuctionFlowError
from auction_flow.features.admin import service as admin
from auction_flow.features.assets import service as svc
from auction_flow.storage import db

pytestmark = pytest.mark.reliability

# --- the model -------------------------------------------------------------------------------
REGIMES = [(dt.date(2015, 7, 1), "law2014"), (dt.date(2025, 1, 1), "decree2024"), (dt.date(2026, 7, 1), "law2025")]
WD, CAL = "wd", "cal"
CLOCKS = {  # state -> regime -> [(n, unit), ...] ; n may be {movable, real_estate}
    "seized": {"law2014": [(5, WD)]},
    "priced": {"law2014": [(10, CAL)]},
    "auction_contracted": {"law2014": [({"movable": 30, "real_estate": 45}, CAL)]},
    "auction_failed": {"law2014": [(5, WD), (10, CAL)]},
    "sold": {"law2014": [(30, CAL)]},
    "paid": {"law2014": [(30, CAL)], "decree2024": [(60, CAL)]},
    "creditor_accepted": {"law2014": [(10, CAL)]},  # the debtor notified within 10 days
    "debtor_notified": {"law2014": [(30, CAL)]},  # the debtor's 30 days to pay and keep the asset
    "creditor_handover": {"law2014": [(30, CAL)], "decree2024": [(60, CAL)]},
    "handed_over": {"law2014": [(10, CAL)]},
}
FINAL = {"closed", "released", "returned_to_debtor"}
MOVES = {
    "contract_appraisal": ({"seized"}, "appraising"), "agree_price": ({"seized"}, "priced"),
    "record_appraisal": ({"appraising"}, "priced"), "request_reappraisal": ({"priced"}, "appraising"),
    "contract_auction": ({"priced"}, "auction_contracted"),
    "record_auction_failed": ({"auction_contracted"}, "auction_failed"),
    "reduce_price": ({"auction_failed"}, "priced"), "accept_by_creditor": ({"auction_failed"}, "creditor_accepted"),
    "return_to_debtor": ({"auction_failed"}, "returned_to_debtor"), "record_sale": ({"auction_contracted"}, "sold"),
    "record_payment": ({"sold"}, "paid"), "record_default": ({"sold"}, "priced"), "cancel_result": ({"sold", "paid"}, "auction_cancelled"),
    "notify_debtor": ({"creditor_accepted"}, "debtor_notified"),
    "debtor_pays": ({"creditor_accepted", "debtor_notified"}, "released"),
    "award_to_creditor": ({"debtor_notified"}, "creditor_handover"),
    "reauction": ({"auction_cancelled"}, "priced"), "hand_over": ({"paid", "creditor_handover"}, "handed_over"),
    "close": ({"handed_over"}, "closed"),
    "redeem": ({"seized", "appraising", "priced", "auction_contracted", "auction_failed", "auction_cancelled"},
               "released"),
    "release": ({"seized", "appraising", "priced", "auction_contracted", "auction_failed", "sold",
                 "auction_cancelled", "suspended"}, "released"),
    "suspend": ({"seized", "appraising", "priced", "auction_contracted", "auction_failed", "sold", "paid",
                 "handed_over", "auction_cancelled", "creditor_accepted", "debtor_notified", "creditor_handover"},
                "suspended"),
    "resume": ({"suspended"}, None), "extend_handover": ({"paid", "creditor_handover"}, None),
    "extend_payment": ({"sold"}, "sold"),
}
_VN = holidays.country_holidays("VN", years=range(2024, 2028))


def working(day):
    return day in getattr(_VN, "weekend_workdays", ()) or (day.weekday() < 5 and day not in _VN)


def add_wd(day, n):
    while n:
        day += dt.timedelta(days=1)
        n -= working(day)
    return day


def roll(day):
    while not working(day):
        day += dt.timedelta(days=1)
    return day


def regime(day):
    return [r for eff, r in REGIMES if eff <= day][-1]


def clock(state, start, kind):
    rules = CLOCKS.get(state)
    if not rules:
        return None, None
    names = [r for _, r in REGIMES]
    reg = regime(start)
    rule = [rules[r] for r in names[:names.index(reg) + 1] if r in rules][-1]
    day = start
    for n, unit in rule:
        n = n[kind] if isinstance(n, dict) else n
        day = add_wd(day, n) if unit == WD else day + dt.timedelta(days=n)
    return roll(day), reg


FIELDS = {"contract_appraisal": ["appraisal_org"], "agree_price": ["price"], "record_appraisal": ["price"],
          "reduce_price": ["price"], "contract_auction": ["auction_org", "auction_date"],
          "record_sale": ["sale_price", "buyer", "deposit"], "request_reappraisal": ["ground"], "cancel_result": ["ground", "document_no", "document_on", "issued_by"],
          "return_to_debtor": ["costs", "creditor_declined"], "suspend": ["kind"],
          "extend_payment": ["until"], "debtor_pays": ["amount"]}
NEEDS_REASON = {"release", "cancel_result", "extend_handover"}
SUPERVISOR_ONLY = {"cancel_result", "release", "extend_handover"}


class Model:
    def __init__(self, kind, on):
        self.kind, self.state, self.entered, self.last = kind, "seized", on, on
        self.deadline, self.regime = clock("seized", on, kind)
        self.price = self.sold_by = self.auction_date = self.resume = None
        self.reductions = self.reappraisals = 0
        self.extended = False
        self.remaining = None
        # a stint in a state goes on across a suspension: its entry day, and the days away not counted
        self.away, self.resume_entered, self.suspended_on = 0, None, None

    def start(self):
        """The day the windows of the current stint count from."""
        return self.entered + dt.timedelta(days=self.away)

    def expect(self, trig, on, values, actor, reason):
        """The new (state, deadline) if the step must succeed, else None."""
        sources, dest = MOVES[trig]
        if self.state not in sources or on < self.last:
            return None
        if any(values.get(f) is None for f in FIELDS.get(trig, [])) or (trig in NEEDS_REASON and not reason):
            return None
        if trig in SUPERVISOR_ONLY and actor != "ld_binh":
            return None
        p = values.get("price")
        # version 3: the walk asks a re-appraisal for the officer's error (Art. 99(1)(a)): not limited in
        # number or time; a party's request (once, from its receipt) is tests/core/test_receipts.py's

        if trig == "contract_auction":  # the posting period, then 30 / 45 days (PAL Art. 35; Art. 101(2))
            earliest = add_wd(on, 7) if self.kind == "movable" else roll(on + dt.timedelta(days=15))
            latest = roll(on + dt.timedelta(days=30 if self.kind == "movable" else 45))
            if not earliest <= values["auction_date"] <= latest:
                return None
        if trig == "reduce_price" and not (math.ceil(self.price * 9 / 10) <= p < self.price):
            return None
        if trig == "accept_by_creditor" and self.reductions < 2:
            return None
        if trig == "return_to_debtor" and values["costs"] < math.ceil(self.price * 90 / 100):
            return None  # Art. 104: the reduced price (>= 90%) must fall below the costs
        if trig == "record_sale" and values["sale_price"] < self.price:
            return None
        if trig == "record_sale" and not math.ceil(self.price * 5 / 100) <= values["deposit"] <= self.price * 20 // 100:
            return None  # the deposit: 5% to 20% of the starting price
        if trig == "record_payment" and self.deadline is not None and on > self.deadline:
            return None  # late: only record_default
        if trig == "record_default" and (self.deadline is None or on <= self.deadline):
            return None
        if trig == "debtor_pays" and self.state == "debtor_notified" and on > self.deadline:
            return None  # the debtor's 30 days are over: only award_to_creditor
        if trig == "award_to_creditor" and on <= self.deadline:
            return None  # the debtor's 30 days still run
        if trig == "redeem" and self.state == "auction_contracted":
            cutoff = self.auction_date - dt.timedelta(days=1)
            while not working(cutoff):
                cutoff -= dt.timedelta(days=1)
            if on >= cutoff:
                return None
        if trig == "release" and self.state == "suspended" and self.resume in ("paid", "creditor_accepted",
                                                                              "creditor_handover", "handed_over"):
            return None
        if trig == "cancel_result" and self.sold_by == actor:
            return None
        if trig == "cancel_result" and values["ground"] == "buyer_default":
            return None  # not a ground of the law (record_default is the procedure; Art. 103)
        if trig == "cancel_result" and values["document_on"] > on:
            return None  # the document relied on is dated after the step (PAL Art. 72)
        if trig in ("extend_handover", "extend_payment") and self.extended:
            return None
        if trig == "extend_handover":
            return None if self.regime != "law2014" else (self.state, roll(self.start() + dt.timedelta(days=60)))
        if trig == "extend_payment":
            limit = roll(self.start() + dt.timedelta(days=60))
            if self.regime != "law2025" or not (self.deadline < values["until"] <= limit):
                return None
            return "sold", roll(values["until"])
        if trig == "suspend":
            return "suspended", None
        if trig == "resume":
            if self.remaining is None:
                return self.resume, None
            n, unit = self.remaining
            if unit == WD:
                return self.resume, roll(add_wd(on, n))
            return self.resume, (roll(on + dt.timedelta(days=n)) if n > 0 else on + dt.timedelta(days=n))
        return dest, clock(dest, on, self.kind)[0]

    def apply(self, trig, on, values, actor, result):
        state, deadline = result
        old_state = self.state
        if trig == "suspend":
            self.resume = old_state
            if self.deadline is None:
                self.remaining = None
            elif self.deadline > on and all(u == WD for _, u in CLOCKS[old_state][self._rule_regime(old_state)]):
                self.remaining = (sum(working(on + dt.timedelta(days=i)) for i in
                                      range(1, (self.deadline - on).days + 1)), WD)
            else:
                self.remaining = ((self.deadline - on).days, CAL)
        if trig == "resume":
            self.resume = self.remaining = None
        if trig == "suspend":  # the stint is kept aside; an extension used stays used
            self.resume_entered, self.suspended_on, self.entered = self.entered, on, on
        elif trig == "resume":  # back in the stint, the days away not counted
            self.entered, self.away = self.resume_entered, self.away + (on - self.suspended_on).days
        elif state != old_state:
            self.entered, self.extended, self.away = on, False, 0
            self.regime = clock(state, on, self.kind)[1]
        if trig in ("extend_handover", "extend_payment"):
            self.extended = True
        self.state, self.deadline, self.last = state, deadline, on
        if trig in ("agree_price", "record_appraisal", "reduce_price"):
            self.price = values["price"]
        self.reductions += trig == "reduce_price"
        self.reappraisals += trig == "request_reappraisal" and values.get("ground") == "party_request"
        if trig == "contract_auction":
            self.auction_date = values["auction_date"]
        if trig == "record_sale":
            self.sold_by = actor
        if trig in ("reauction", "record_default"):
            self.sold_by = self.auction_date = None

    def _rule_regime(self, state):
        names = [r for _, r in REGIMES]
        reg = regime(self.entered)
        return [r for r in names[:names.index(reg) + 1] if r in CLOCKS[state]][-1]


# --- the machine under test ------------------------------------------------------------------------
TEMPLATE: dict = {}
REACHED: set = set()
FORWARD = {"seized": ["agree_price", "contract_appraisal"], "appraising": ["record_appraisal"],
           "priced": ["contract_auction"], "auction_contracted": ["record_sale", "record_sale", "record_auction_failed"],
           "auction_failed": ["reduce_price", "accept_by_creditor"], "sold": ["record_payment", "record_payment", "extend_payment", "record_default"],
           "paid": ["hand_over", "extend_handover", "suspend"], "creditor_accepted": ["notify_debtor", "debtor_pays"],
           "debtor_notified": ["award_to_creditor", "award_to_creditor", "debtor_pays"],
           "creditor_handover": ["hand_over", "extend_handover"],
           "handed_over": ["close"], "auction_cancelled": ["reauction"], "suspended": ["resume"]}


# The days an asset may be seized on, from before the 2024 decree to after the 2025 law, in two
# spans the machine's seizures take in turn, so that its walks pay under both (decree2024, law2025)
# whatever the draws. (One st.dates over the whole span left law2025 to one stream of draws, and the
# stream changes with the constants hypothesis takes from whatever modules happen to be imported.)
SEIZE_SPANS = [(dt.date(2024, 12, 1), dt.date(2026, 3, 31)), (dt.date(2026, 4, 1), dt.date(2026, 10, 1))]


@pytest.fixture(autouse=True)
def _template(sqlite_template, tmp_path):
    TEMPLATE["path"], TEMPLATE["dir"] = sqlite_template, tmp_path


class WorkflowMachine(RuleBasedStateMachine):
    @initialize()
    def open_db(self):
        path = TEMPLATE["dir"] / f"{uuid.uuid4().hex}.db"
        shutil.copy(TEMPLATE["path"], path)
        self.url = f"sqlite:///{path}"
        admin.init(self.url, "admin")
        self.engine = db.open_db(self.url)
        admin.add_office(self.engine, "admin", "HG", "Hậu Giang")
        admin.add_user(self.engine, "admin", "cv_an", "officer", "HG")
        admin.add_user(self.engine, "admin", "ld_binh", "supervisor", "HG")
        self.models: dict[int, Model] = {}

    def teardown(self):
        if hasattr(self, "url"):
            db.get_engine(self.url).dispose()

    # at most three assets in play at a time: one that ends (released, closed) makes room for another,
    # so a walk is not left firing at three finished assets
    @precondition(lambda self: sum(m.state not in FINAL for m in getattr(self, "models", {}).values()) < 3)
    @rule(kind=st.sampled_from(["movable", "real_estate"]), data=st.data())
    def seize(self, kind, data):
        on = data.draw(st.dates(*SEIZE_SPANS[len(self.models) % 2]), "on")
        aid = svc.seize(self.engine, "cv_an", "1/2026", "HG", kind, "tài sản", on=on)
        self.models[aid] = Model(kind, on)

    @precondition(lambda self: getattr(self, "models", None))
    @rule(data=st.data())
    def fire(self, data):
        aid = data.draw(st.sampled_from(sorted(self.models)))
        m = self.models[aid]
        possible = [t for t, (src, _) in MOVES.items() if m.state in src]
        forward = FORWARD.get(m.state, [])
        pick = data.draw(st.integers(0, 9), "kind of trigger")
        pool = forward if pick < 6 and forward else possible if pick < 9 and possible else sorted(MOVES)
        trig = data.draw(st.sampled_from(pool), "trigger")
        on = min(m.last + dt.timedelta(days=data.draw(st.integers(-1, 45), "days")), dt.date(2026, 11, 20))
        price = m.price or 1_000_000_000
        values = {}
        for f in FIELDS.get(trig, []):
            if data.draw(st.integers(0, 19), f"drop {f}") == 0:
                continue
            if f == "ground" and trig == "cancel_result":  # drawn only here, so the other triggers' draws stay as they were
                values[f] = data.draw(st.sampled_from(["agreement", "winner_violation", "buyer_default"]), "ground")
                continue
            if f == "document_on":  # the day before the step (no draw: the other draws stay as they were;
                values[f] = on - dt.timedelta(days=1)  # a document dated later: test_cancellation_grounds)
                continue
            if f in ("costs", "creditor_declined"):
                values[f] = "yes" if f == "creditor_declined" else data.draw(
                    st.sampled_from([price, -(-price * 9 // 10), -(-price * 9 // 10) - 1]), "costs")
                continue
            values[f] = {
                "price": data.draw(st.sampled_from([price, -(-price * 9 // 10), price * 8 // 10, price - 1,
                                                    900_000_000]), "price"),
                "sale_price": data.draw(st.sampled_from([price, price + 1, price - 1]), "sale"),
                "deposit": data.draw(st.sampled_from([price // 10, price // 25, price // 4, price // 5]), "deposit"),
                "auction_date": on + dt.timedelta(days=data.draw(st.integers(6, 32), "auction")),
                "until": on + dt.timedelta(days=data.draw(st.integers(0, 70), "until")),
                "kind": "postpone", "buyer": "B", "appraisal_org": "TĐG", "amount": price,
                "auction_org": "ĐG", "document_no": "15/KL", "issued_by": "CQĐT", "ground": "officer_error"}[f]
        actor = data.draw(st.sampled_from(["cv_an", "ld_binh"]), "actor")
        reason = data.draw(st.sampled_from([None, "lý do"]), "reason")
        expected = m.expect(trig, on, values, actor, reason)
        sets = [f"{k}={v}" for k, v in values.items()]
        try:
            res = svc.advance(self.engine, aid, trig, actor, on, sets, reason)
        except AuctionFlowError as exc:
            assert expected is None, f"engine refused {trig} on {m.state} ({exc}); the model expected {expected}"
            return
        assert expected is not None, f"engine allowed {trig} from {m.state} on {on}; the model refuses it"
        assert (res.to_state, res.deadline) == expected, (trig, m.state, on)
        m.apply(trig, on, values, actor, expected)
        REACHED.add((res.to_state, regime(on)))

    @invariant()
    def engine_matches_model(self):
        if not getattr(self, "models", None):
            return
        from sqlalchemy import select

        from auction_flow.storage.schema import assets
        with self.engine.connect() as conn:
            rows = {r.id: r for r in conn.execute(select(assets.c.id, assets.c.state, assets.c.deadline,
                                                         assets.c.state_entered_on, assets.c.suspended_days))}
        for aid, m in self.models.items():
            r = rows[aid]
            assert (r.state, r.deadline, r.state_entered_on, r.suspended_days) == \
                (m.state, m.deadline, m.entered, m.away), aid


def _covered() -> bool:
    states = {s for s, _ in REACHED}
    return {"priced", "sold", "paid", "handed_over", "suspended", "auction_failed"} <= states and \
        {("paid", "decree2024"), ("paid", "law2025")} <= REACHED


def test_engine_follows_the_model():
    from hypothesis import seed
    from hypothesis.stateful import run_state_machine_as_test

    REACHED.clear()
    # The walk is derandomized, but its draws are not one fixed stream: hypothesis also draws the
    # constants of whatever local modules are imported at the time (tests collected before this one, a
    # string added to the product), so which states one run covers is luck. A run that leaves the
    # coverage short is followed by at most two more on fixed seeds, each adding what it reaches.
    for extra in range(3):
        machine = WorkflowMachine if not extra else seed(extra)(type(f"Walk{extra}", (WorkflowMachine,), {}))
        run_state_machine_as_test(machine, settings=settings(
            max_examples=20, stateful_step_count=60, deadline=None, derandomize=True,
            suppress_health_check=list(HealthCheck)))
        if _covered():
            break
    states = {s for s, _ in REACHED}
    # the walk must have covered the lifecycle, or agreeing with the model proves little
    assert {"priced", "sold", "paid", "handed_over", "suspended", "auction_failed"} <= states, states
    assert {("paid", "decree2024"), ("paid", "law2025")} <= REACHED, sorted(REACHED)
