"""The demo province: Hậu Giang's enforcement offices and a reporting year of assets.

Every step is fired through the real engine under a simulated clock (the date it was
recorded), so deadlines, audit rows and alerts are exactly what the program would produce.
The year resembles the one in ../shared/domain.md: 45 successful auctions, 5 of them
cancelled, some late handovers, some stalled stages, and one suspicious pattern of each
inspection signal.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from auction_flow.core import deadlines
from auction_flow.core import workflow as workflow_mod

PROVINCE = ("HG", "Cục Thi hành án dân sự tỉnh Hậu Giang")
BRANCHES = [
    ("HG-VT", "Chi cục THADS thành phố Vị Thanh"), ("HG-NB", "Chi cục THADS thành phố Ngã Bảy"),
    ("HG-LMX", "Chi cục THADS thị xã Long Mỹ"), ("HG-LMH", "Chi cục THADS huyện Long Mỹ"),
    ("HG-CT", "Chi cục THADS huyện Châu Thành"), ("HG-CTA", "Chi cục THADS huyện Châu Thành A"),
    ("HG-PH", "Chi cục THADS huyện Phụng Hiệp"), ("HG-VTH", "Chi cục THADS huyện Vị Thủy"),
]
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương"]
GIVEN = ["Văn An", "Thị Bình", "Minh Châu", "Quốc Dũng", "Thị Hạnh", "Hoàng Long", "Thanh Tâm",
         "Ngọc Lan", "Văn Phúc", "Thị Thu", "Đức Trí", "Kim Yến", "Văn Khánh", "Thị Mai", "Tấn Lộc",
         "Bảo Ngọc", "Văn Sơn", "Thị Ánh", "Hữu Nghĩa", "Thị Diễm", "Công Minh", "Thị Hồng", "Văn Tài",
         "Thùy Dung", "Văn Hậu", "Thị Nga"]
APPRAISERS = ["Công ty CP Thẩm định giá Miền Nam", "Công ty TNHH Thẩm định giá Cửu Long"]
AUCTIONEERS = ["Trung tâm Dịch vụ đấu giá tài sản tỉnh Hậu Giang", "Công ty Đấu giá hợp danh Cần Thơ",
               "Công ty Đấu giá hợp danh Sài Gòn"]
FREQUENT_BUYER = "Công ty TNHH Đầu tư Phát Đạt"
MOVABLES = ["Xe ô tô Toyota Vios", "Xe ô tô Kia Morning", "Xe tải Hyundai 2,5 tấn", "Máy cày Kubota",
            "Xe máy Honda SH", "Ghe composite 12 m", "Dàn máy xay lúa"]
ESTATES = ["Nhà và đất {} m², phường {}", "Đất nông nghiệp {} m², xã {}", "Đất ở {} m², thị trấn {}"]
PLACES = ["Vị Tân", "Hỏa Lựu", "Tân Tiến", "Long Thạnh", "Cái Tắc", "Một Ngàn", "Búng Tàu", "Vĩnh Viễn"]
BANKS = ["Ngân hàng Nông nghiệp và Phát triển Nông thôn chi nhánh Hậu Giang", "Ngân hàng TMCP Công Thương chi nhánh Hậu Giang",
         "Ngân hàng TMCP Đầu tư và Phát triển chi nhánh Hậu Giang"]
# the document each cancellation ground rests on (PAL 2016 Art. 72): its number's series and who issued it
CANCELLATION_PAPERS = {"court_void": ("21/QĐ-TA", "Tòa án nhân dân tỉnh Hậu Giang"),
                       "winner_violation": ("08/KL-CSĐT", "Cơ quan Cảnh sát điều tra Công an tỉnh Hậu Giang"),
                       "sanction_decision": ("03/QĐ-XPHC", "Chánh Thanh tra Sở Tư pháp tỉnh Hậu Giang"),
                       "agreement": ("05/TT", "Các bên: Chi cục THADS, tổ chức đấu giá, người trúng đấu giá")}


class People:
    """The parties of the demo: names, valid citizen IDs (born in Hậu Giang, code 093) and enterprise
    codes (with their check digit), drawn from their own random stream."""

    def __init__(self, rng: random.Random, year: int):
        self.rng, self.year, self.serial = rng, year, 0

    def name(self) -> str:
        return f"{self.rng.choice(SURNAMES)} {self.rng.choice(GIVEN)}"

    def citizen_id(self) -> str:
        self.serial += 1
        born = self.rng.randint(1950, self.year - 20)
        sex = self.rng.randint(0, 1) + (2 if born >= 2000 else 0)
        return f"093{sex}{born % 100:02d}{self.serial:06d}"

    def enterprise_code(self) -> str:
        while True:
            self.serial += 1
            head = f"63{self.serial:07d}"
            total = sum(w * int(n) for w, n in zip((31, 29, 23, 19, 17, 13, 7, 5, 3), head))
            check = 10 - total % 11
            if check < 10:
                return head + str(check)

    def address(self) -> str:
        return f"Số {self.rng.randint(1, 200)}, {self.rng.choice(PLACES)}, tỉnh Hậu Giang"

    def creditor(self) -> tuple[str, str]:
        if self.rng.random() < 0.5:
            return self.rng.choice(BANKS), "enterprise"
        return self.name(), "person"


@dataclass
class Plan:
    """One asset's scripted life: the seizure and its steps (trigger, date, sets, actor, lag)."""

    key: int
    office: str
    officer: str
    kind: str
    description: str
    case: str
    seized_on: dt.date
    steps: list[tuple] = field(default_factory=list)
    # how its decisions reach the procuracy (Viện kiểm sát): on_time (the next working day),
    # late (after the law's days), or unsent (never: the supervisor's view shows the alert)
    procuracy: str = "on_time"


class Year:
    """Builds the plans of one reporting year (1 October .. 30 September)."""

    def __init__(self, year: int, rng: random.Random, cal):
        self.start, self.end = dt.date(year - 1, 10, 1), dt.date(year, 9, 30)
        self.rng, self.cal = rng, cal
        self.plans: list[Plan] = []
        self.people: dict[str, list[str]] = {}

    # --- people --------------------------------------------------------------------------
    def staff(self):
        names = iter(self.rng.sample([f"{s} {g}" for s in SURNAMES for g in GIVEN], 60))
        users = [("ld_tinh", "supervisor", PROVINCE[0], next(names)),
                 ("ksv_hau", "procurator", PROVINCE[0], next(names))]
        for n, (code, _) in enumerate(BRANCHES):
            short = code.split("-")[1].lower()
            users.append((f"ld_{short}", "supervisor", code, next(names)))
            users += [(f"cv_{short}{i}", "officer", code, next(names)) for i in (1, 2)]
            self.people[code] = [f"cv_{short}1", f"cv_{short}2", f"ld_{short}"]
        return users

    # --- dates ---------------------------------------------------------------------------
    def wd(self, day: dt.date, n: int) -> dt.date:
        return self.cal.add_working_days(day, n)

    def days(self, day: dt.date, lo: int, hi: int) -> dt.date:
        return self.cal.next_working_day(day + dt.timedelta(days=self.rng.randint(lo, hi)))

    # --- plans ---------------------------------------------------------------------------
    def new(self, seized_on: dt.date, kind: str | None = None, office: str | None = None) -> Plan:
        office = office or self.rng.choice(BRANCHES)[0]
        kind = kind or self.rng.choice(["movable", "real_estate"])
        if kind == "movable":
            desc = f"{self.rng.choice(MOVABLES)} ({self.rng.randint(2008, 2019)})"
        else:
            desc = self.rng.choice(ESTATES).format(self.rng.randint(80, 3000), self.rng.choice(PLACES))
        key = len(self.plans)
        plan = Plan(key, office, self.people[office][self.rng.randint(0, 1)], kind, desc,
                    f"{100 + key}/{seized_on.year}/QĐ-CCTHADS", self.cal.next_working_day(seized_on))
        self.plans.append(plan)
        return plan

    def step(self, plan: Plan, trig: str, on: dt.date, *sets: str, actor: str | None = None,
             reason: str | None = None, lag: int = 0):
        if on <= self.end:
            plan.steps.append((trig, on, sets, actor or plan.officer, reason, lag))
        return on

    def price_it(self, plan: Plan, day: dt.date, value: int) -> dt.date:
        if self.rng.random() < 0.5:
            day = self.step(plan, "agree_price", self.wd(day, self.rng.randint(1, 4)), f"price={value}")
        else:
            day = self.step(plan, "contract_appraisal", self.wd(day, self.rng.randint(1, 4)),
                            f"appraisal_org={self.rng.choice(APPRAISERS)}")
            day = self.step(plan, "record_appraisal", self.days(day, 10, 20), f"price={value}")
        return day

    def contract(self, plan: Plan, day: dt.date, org: str | None = None) -> tuple[dt.date, dt.date]:
        day = self.step(plan, "contract_auction", self.days(day, 2, 8),
                        f"auction_org={org or self.rng.choice(AUCTIONEERS)}", "auction_date=PLACEHOLDER")
        span = (24, 29) if plan.kind == "movable" else (34, 44)
        auction = self.days(day, *span)
        if plan.steps and plan.steps[-1][0] == "contract_auction":
            trig, on, sets, actor, reason, lag = plan.steps[-1]
            plan.steps[-1] = (trig, on, (sets[0], f"auction_date={auction}"), actor, reason, lag)
        return day, auction

    def refunds(self, plan: Plan, auction: dt.date, bidders: int, within: int = 1) -> dt.date:
        """The losing bidders' deposits returned ``within`` working days of the auction and recorded that
        day (Property Auction Law Art. 39(4) allows 3); no random draw, so the year's plan is unchanged."""
        on = self.wd(auction, within)
        return self.step(plan, "record_refunds", on, f"refunded_on={on}", f"bidders={bidders}")

    def pay_by(self, sold_on: dt.date) -> dt.date:
        """The buyer's payment deadline for a sale on ``sold_on``, from the workflow (15 days for a
        sale before 1 May 2020, 30 from then)."""
        rule = workflow_mod.get().clock_rule("sold", sold_on)
        return deadlines.due_date(rule, sold_on, "movable", self.cal)

    def payment(self, sold_on: dt.date, lo: int, hi: int) -> dt.date:
        """A day the buyer pays in full: ``lo``..``hi`` days after the sale, within the clock."""
        return min(self.days(sold_on, lo, hi), self.pay_by(sold_on))

    def debtor_window_end(self, received_on: dt.date) -> dt.date:
        """The last day of the debtor's days to pay and keep an asset the creditor takes, from the day the
        debtor received the notice, from the workflow."""
        rule = workflow_mod.get().clock_rule("debtor_notified", received_on)
        return deadlines.due_date(rule, received_on, "movable", self.cal)

    def value(self, plan: Plan) -> int:
        lo, hi = (30, 900) if plan.kind == "movable" else (300, 4000)
        return self.rng.randint(lo, hi) * 1_000_000


def build(year: int, rng: random.Random, cal) -> Year:
    """Script the year: which asset does what, when, and who records it."""
    y = Year(year, rng, cal)
    users = y.staff()
    y.users = users
    span = (y.end - y.start).days
    # four results cancelled, and one buyer who never paid (i = 5: record_default, a failed sale too)
    cancelled = {12: ("court_void", True), 19: ("winner_violation", False),
                 26: ("sanction_decision", True), 33: ("agreement", False)}
    defaulted = 5
    late, overdue_now, extended = {7, 14, 22, 29}, {40, 41}, 8
    for i in range(45):
        latest = 60 if 30 <= i <= 38 else (120 if i in overdue_now else span - 170)
        seized = y.start + dt.timedelta(days=rng.randint(0, latest))
        p = y.new(seized, office=BRANCHES[i % len(BRANCHES)][0])
        price = y.value(p)
        day = y.price_it(p, p.seized_on, price)
        rounds = 4 if i == 38 else (1 if 30 <= i < 37 else 0)
        for _ in range(rounds):
            day, auction = y.contract(p, day)
            y.step(p, "record_auction_failed", auction)
            y.refunds(p, auction, 1 + p.key % 3)
            price = price * 9 // 10
            day = y.step(p, "reduce_price", y.wd(auction, rng.randint(2, 5)), f"price={price}")
        day, auction = y.contract(p, day)
        buyer = FREQUENT_BUYER if i in (3, 9, 15, 21, 27) else f"{rng.choice(SURNAMES)} {rng.choice(GIVEN)}"
        bump = 0 if i == 38 else rng.randint(0, 20) * 5_000_000
        day = y.step(p, "record_sale", auction, f"sale_price={price + bump}", f"buyer={buyer}",
                     f"deposit={price // 10}")  # 10% of the starting price
        if i != 41:  # 41: the auction organisation never returns the losing bidders' deposits (an alert)
            y.refunds(p, auction, 2 + p.key % 4, within=1 + p.key % 3)
        supervisor = y.people[p.office][2]
        if i == defaulted:  # the buyer lets the deadline pass: the deposit is forfeited, a new contract
            day = y.step(p, "record_default", y.pay_by(day) + dt.timedelta(days=rng.randint(1, 4)))
            y.contract(p, day)
            continue
        if i in cancelled:
            ground, after_payment = cancelled[i]
            if after_payment:
                day = y.step(p, "record_payment", y.payment(day, 10, 25))
            who = "ld_tinh" if i in (12, 19, 33) else supervisor
            on = y.days(day, 31, 36)
            number, issuer = CANCELLATION_PAPERS[ground]
            day = y.step(p, "cancel_result", on, f"ground={ground}", f"document_no={number}/{on.year}",
                         f"document_on={on - dt.timedelta(days=2)}", f"issued_by={issuer}", actor=who,
                         reason="Hủy kết quả đấu giá / auction result cancelled")
            if after_payment:  # the buyer who had paid gets the money back within the 10 days
                back = y.cal.next_working_day(day + dt.timedelta(days=3))
                y.step(p, "refund_buyer", back, f"refunded_on={back}", f"refunded_amount={price + bump}")
            if i == 19:
                y.step(p, "reauction", y.days(day, 3, 8))
            if i == 26:  # the buyer complains 50 days after receiving the cancellation: out of time
                y.step(p, "complaint_add", day + dt.timedelta(days=50), "complaint", buyer,
                       "Khiếu nại quyết định hủy kết quả đấu giá / contests the cancellation",
                       "step=cancel_result", f"received={y.wd(day, 2)}")
            if i == 12:  # the buyer who had paid complains about the cancellation
                y.step(p, "complaint_add", day + dt.timedelta(days=6), "complaint", buyer,
                       "Khiếu nại quyết định hủy kết quả đấu giá / contests the cancellation")
                y.step(p, "complaint_accept", y.wd(day + dt.timedelta(days=6), 4), actor=supervisor)
                y.step(p, "complaint_resolve", y.days(day, 25, 30), actor=supervisor)
            continue
        payer = "ld_tinh" if i == 11 else None  # a step by someone outside the asset's office
        day = y.step(p, "record_payment", y.payment(day, 8, 28), actor=payer)
        if i in overdue_now:
            if i == 40:  # the procuracy recommends the handover; nobody has answered yet
                y.step(p, "procuracy_recommend", y.end - dt.timedelta(days=24), "12/KN-VKS",
                       "Chậm giao tài sản cho người mua / the buyer waits for the asset", actor="ksv_hau")
            continue
        if i == extended:
            y.step(p, "extend_handover", y.days(day, 20, 25), actor=supervisor,
                   reason="Tài sản có tranh chấp, cần cưỡng chế / difficult handover")
            day = y.step(p, "hand_over", y.days(day, 40, 50))
        elif i in late:
            if i == 22:  # the occupant will not leave: the handover day notified, then coercion (supervisor)
                notified = y.days(day, 5, 9)
                handover_on = notified + dt.timedelta(days=7)
                y.step(p, "notify_handover", notified, f"handover_on={handover_on}")
                coerce = y.wd(handover_on, 2)
                y.step(p, "order_coercion", coerce, f"decision={40 + i}/QĐ-CCTHADS",
                       f"plan_on={y.days(coerce, 10, 15)}", f"procuracy_invited_on={coerce}", actor=supervisor)
            if i == 14:  # the procuracy recommends the handover; the branch answers after its 15 days
                y.step(p, "procuracy_recommend", day + dt.timedelta(days=35), "07/KN-VKS",
                       "Chậm giao tài sản cho người mua / the buyer waits for the asset", actor="ksv_hau")
                y.step(p, "procuracy_answer", y.wd(day + dt.timedelta(days=35), 14), actor=supervisor)
            if i == 7:  # the debtor complains; the asset is handed over while it is still open
                y.step(p, "complaint_add", day + dt.timedelta(days=31), "complaint",
                       "Người phải thi hành án / the debtor", "Phản đối việc giao tài sản / objects to the handover")
                y.step(p, "complaint_accept", y.wd(day + dt.timedelta(days=31), 3), actor=supervisor)
            day = y.step(p, "hand_over", y.days(day, 38, 55))
        else:
            day = y.step(p, "hand_over", y.days(day, 3, 25), lag=40 if i == 2 else 0)
        if i != 2 and rng.random() < 0.93:
            y.step(p, "close", y.days(day, 2, 8))

    def failing(p: Plan, rounds: int):
        price = y.value(p)
        day = y.price_it(p, p.seized_on, price)
        for _ in range(rounds):
            day, auction = y.contract(p, day)
            day = y.step(p, "record_auction_failed", auction)
            y.refunds(p, auction, p.key % 3)  # 0: nobody had registered
            if _ < rounds - 1 or rounds < 3:
                price = price * 9 // 10
                day = y.step(p, "reduce_price", y.wd(auction, rng.randint(2, 5)), f"price={price}")
        return day, price

    for n in range(2):  # the creditor takes the asset after the second reduction
        p = y.new(y.start + dt.timedelta(days=rng.randint(0, 90)), "movable")
        day, price = failing(p, 2)
        day, auction = y.contract(p, day)
        day = y.step(p, "record_auction_failed", auction)
        y.refunds(p, auction, 2)
        day = y.step(p, "accept_by_creditor", y.wd(day, 3))
        notified = y.step(p, "notify_debtor", y.wd(day, 4))  # within the 10 days
        wait = y.days(notified, 10, 30) - notified  # drawn for both, so the year's later draws stay as they were
        received = y.wd(notified, 2)  # the debtor's 30 days count from the day the notice reached them
        y.step(p, "record_receipt", received, "party=DEBTOR", f"received_on={received}")
        if n == 1:  # the debtor pays in full within the 30 days and keeps the asset
            y.step(p, "debtor_pays", y.wd(notified, 15), f"amount={price}")
            continue
        # the debtor's 30 days are over: the asset goes to the creditor, and its handover clock starts
        awarded = y.step(p, "award_to_creditor", y.wd(y.debtor_window_end(received), 1))
        y.step(p, "hand_over", y.cal.next_working_day(awarded + wait))
    p = y.new(y.start + dt.timedelta(days=rng.randint(0, 60)), "movable")
    p.procuracy = "late"  # its decisions reach the procuracy after the law's days
    day, price = failing(p, 3)
    # the reduced price would fall below the costs of enforcement and the creditor declines (Art. 104)
    y.step(p, "return_to_debtor", y.days(day, 5, 9), f"costs={price}", "creditor_declined=yes")
    for _ in range(2):  # redeemed by the debtor before the auction
        p = y.new(y.start + dt.timedelta(days=rng.randint(0, 200)))
        day = y.price_it(p, p.seized_on, y.value(p))
        y.step(p, "redeem", y.days(day, 2, 6))
    p = y.new(y.start + dt.timedelta(days=rng.randint(0, 200)))
    y.step(p, "release", y.wd(p.seized_on, 2), actor=y.people[p.office][2],
           reason="Bản án bị hủy / the judgment was set aside")
    for resumed in (True, False):  # postponed enforcement
        p = y.new(y.end - dt.timedelta(days=rng.randint(40, 80)))
        day = y.price_it(p, p.seized_on, y.value(p))
        day = y.step(p, "suspend", y.days(day, 2, 4), "kind=postpone")
        if resumed:
            y.step(p, "resume", y.days(day, 10, 20))
        else:
            p.procuracy = "unsent"  # the postponement never went to the procuracy
    for _ in range(3):  # stalled: no price 5 working days after the seizure
        y.new(y.end - dt.timedelta(days=rng.randint(12, 30)))
    for _ in range(2):  # stalled: priced, no auction contract within 10 days
        p = y.new(y.end - dt.timedelta(days=rng.randint(40, 60)))
        y.price_it(p, p.seized_on, y.value(p))
    p = y.new(y.end - dt.timedelta(days=110), "movable")  # stalled: the auction never reported
    day = y.price_it(p, p.seized_on, y.value(p))
    y.contract(p, day)
    for _ in range(16):  # ordinary assets in flight at the end of the year
        p = y.new(y.end - dt.timedelta(days=rng.randint(1, 25)))
        if rng.random() < 0.5:
            y.step(p, "contract_appraisal", y.wd(p.seized_on, rng.randint(1, 3)),
                   f"appraisal_org={rng.choice(APPRAISERS)}")
    # the debtor received the appraisal result notice two working days after it and asked for a
    # re-appraisal on the last day of its window: 5 working days from its own receipt (Art. 99);
    # the certificate is valid six months (party=DEBTOR: the asset's debtor, named by the demo's build)
    p = y.new(y.end - dt.timedelta(days=75), "movable")
    day = y.step(p, "contract_appraisal", y.wd(p.seized_on, 2), f"appraisal_org={rng.choice(APPRAISERS)}")
    day = y.step(p, "record_appraisal", y.days(day, 10, 14), f"price={y.value(p)}",
                 f"valid_until={day + dt.timedelta(days=180)}")
    received = y.wd(day, 2)
    y.step(p, "record_receipt", received, "party=DEBTOR", f"received_on={received}")
    day = y.step(p, "request_reappraisal", y.wd(received, 5), "ground=party_request", "party=DEBTOR",
                 reason="Đương sự cho rằng giá thấp / the debtor finds the price low")
    y.step(p, "record_appraisal", y.days(day, 10, 14), f"price={y.value(p)}",
           f"valid_until={day + dt.timedelta(days=180)}")
    return y
