"""The import runs the workflow definition's ``checks:`` on every imported step, as the engine does:
the same message (rule, basis, what the law allows instead), one line naming the row and the column,
nothing written when a file is refused; history is held to the rule of its day (the regime, the
``since:`` of a rule, the payment clock of the day of the sale). The deposit (record_sale) and the
costs / creditor_declined (return_to_debtor) columns."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from test_import import asset_row, audit_rows, dump, write

from auction_flow.common.errors import TriggerNotAllowed
from auction_flow.features.assets import service as svc

HEADER = ("case_number,office,kind,description,officer,state,seized_on,priced_on,price,auction_contracted_on,"
          "auction_org,auction_date,auction_failed_on,sold_on,sale_price,buyer,deposit,paid_on,cancelled_on,"
          "cancel_ground,returned_on,costs,creditor_declined")
PRICE = 100_000_000


def sale(n, state="paid", seized="2025-01-06", sold="2025-03-03", deposit="10000000", paid="2025-03-20",
         cancelled="", ground=""):
    """A movable asset priced 100,000,000, its auction contracted 20 days before ``sold`` (inside the
    auction day's window), sold for 120,000,000 on ``sold`` (its auction day)."""
    contracted = (dt.date.fromisoformat(sold) - dt.timedelta(days=20)).isoformat()
    return (f"{n}/2025,HG-VT,movable,Xe {n},cv_an,{state},{seized},{seized[:8]}20,{PRICE},{contracted},"
            f"Công ty ĐG,{sold},,{sold},120000000,Nguyễn Văn Tám,{deposit},{paid},{cancelled},{ground},,,")


def returned(n, costs, declined="yes"):
    return (f"{n}/2025,HG-VT,movable,Máy {n},cv_an,returned_to_debtor,2025-01-06,2025-01-20,{PRICE},2025-02-10,"
            f"Công ty ĐG,2025-03-03,2025-03-03,,,,,,,,2025-03-10,{costs},{declined}")


def engine_why(world, trigger_steps, refused) -> str:
    """The engine's own refusal of the last step (its ``why``, in English), walked on a fresh asset."""
    aid = svc.seize(world, "cv_an", "E/2025", "HG-VT", "movable", f"Engine {len(trigger_steps)}",
                    on=trigger_steps[0][1])
    for trig, on, sets in trigger_steps[1:]:
        svc.advance(world, aid, trig, "ld_binh" if trig == "cancel_result" else "cv_an", on,
                    [f"{k}={v}" for k, v in sets.items()], reason="x" if trig == "cancel_result" else None)
    trig, on, sets = refused
    with pytest.raises(TriggerNotAllowed) as exc:
        svc.advance(world, aid, trig, "ld_tinh" if trig == "cancel_result" else "cv_an", on,
                    [f"{k}={v}" for k, v in sets.items()], reason="x" if trig == "cancel_result" else None)
    return exc.value.params["why"].render("en")


SOLD = [("seize", "2025-01-06", {}), ("agree_price", "2025-01-20", {"price": PRICE}),
        ("contract_auction", "2025-02-07", {"auction_org": "Công ty ĐG", "auction_date": "2025-03-03"})]
SALE = {"sale_price": 120_000_000, "buyer": "Nguyễn Văn Tám", "deposit": 10_000_000}
CASES = {
    "deposit outside 5-20% of the price": (
        sale(2, deposit="1000000"), "deposit", "record_sale",
        SOLD + [], ("record_sale", "2025-03-03", {**SALE, "deposit": 1_000_000})),
    "paid after the payment deadline": (
        sale(2, paid="2025-04-03"), "paid_on", "record_payment",
        SOLD + [("record_sale", "2025-03-03", SALE)], ("record_payment", "2025-04-03", {})),
    # a cancellation's grounds: version 3's each need a document the import has no column for; a
    # ground of version 2 (buyer_default, collusion...) is history, imported as recorded
    # (tests/imports/test_import.py)
    "returned with costs below 90% of the price": (
        returned(2, "50000000"), "costs", "return_to_debtor",
        SOLD + [("record_auction_failed", "2025-03-03", {})],
        ("return_to_debtor", "2025-03-10", {"costs": 50_000_000, "creditor_declined": "yes"})),
}


@pytest.mark.parametrize("case", list(CASES))
def test_each_check_refuses_the_row_with_the_engines_message_and_nothing_is_written(world, tmp_path, cli, case):
    row, column, trigger, walk, refused = CASES[case]
    path = write(tmp_path, [HEADER, sale(1), row, sale(3)])
    before = dump(world)
    r = cli("--lang", "en", "import", "assets", path, actor="ld_tinh")
    assert r.exit_code == 1, r.output
    lines = r.output.splitlines()
    assert lines[0] == f"error: {path}: 1 bad row(s); nothing was imported:"
    assert dump(world) == before
    [line] = lines[1:]
    why = engine_why(world, walk, refused)
    assert line == f"  line 3, column {column}: {trigger!r} refused: {why}", (line, why)
    assert "instead" in why or "after it the law allows" in why or case.startswith("deposit")


def test_the_refusal_reads_in_vietnamese_too(world, tmp_path, cli):
    path = write(tmp_path, [HEADER, sale(1, deposit="1000000")])
    r = cli("--lang", "vi", "import", "assets", path, actor="ld_tinh")
    assert r.exit_code == 1
    assert "dòng 2, cột deposit: 'record_sale' bị từ chối: deposit 1000000 phải từ 5% đến 20%" in r.output, r.output


@pytest.mark.parametrize("sold,paid,good", [
    ("2019-03-01", "2019-03-18", True),   # Decree 62/2015 as issued: 15 days -> Sat 16 -> Mon 18
    ("2019-03-01", "2019-03-19", False),
    ("2021-03-01", "2021-03-31", True),   # as amended by Decree 33/2020 (from 2020-05-01): 30 days
    ("2021-03-01", "2021-04-01", False),
])
def test_the_payment_check_reads_the_clock_of_the_day_of_the_sale(world, tmp_path, cli, sold, paid, good):
    row = sale(1, seized=sold[:5] + "01-06", sold=sold, paid=paid)
    r = cli("--lang", "en", "import", "assets", write(tmp_path, [HEADER, row]), actor="ld_tinh")
    assert (r.exit_code == 0) == good, r.output
    if not good:
        assert "column paid_on: 'record_payment' refused: the deadline" in r.output and "record_default" in r.output


def test_a_rule_applies_from_the_day_its_law_came_into_force(world, tmp_path, cli):
    """The 5-20% deposit is the Property Auction Law 2016's (in force 2017-07-01, `since:`): a sale of
    2016 with a 1% deposit (the 1-15% of its day) is history as it was; the same in 2018 is refused."""
    old = sale(1, seized="2016-01-06", sold="2016-03-03", deposit="1000000", paid="2016-03-10")
    new = sale(2, seized="2018-01-06", sold="2018-03-03", deposit="1000000", paid="2018-03-10")
    r = cli("--lang", "en", "import", "assets", write(tmp_path, [HEADER, old, new]), actor="ld_tinh")
    assert r.exit_code == 1 and "1 bad row(s)" in r.output and "line 3, column deposit" in r.output, r.output
    r = cli("import", "assets", write(tmp_path, [HEADER, old]), "--json", actor="ld_tinh")
    assert r.exit_code == 0, r.output
    aid = json.loads(r.output)["ids"][0]
    assert json.loads(asset_row(world, aid)["facts"]) == {"deposit": 1_000_000}  # kept, as record_sale keeps it


def test_a_returned_asset_imports_with_its_costs_and_the_creditors_refusal(world, tmp_path, cli):
    bad = returned(2, "95000000", declined="no")
    r = cli("--lang", "en", "import", "assets", write(tmp_path, [HEADER, bad]), actor="ld_tinh")
    assert r.exit_code == 1 and "line 2, column creditor_declined: unknown value 'no' (one of: yes)" in r.output
    r = cli("import", "assets", write(tmp_path, [HEADER, returned(1, "95000000")]), "--json", actor="ld_tinh")
    assert r.exit_code == 0, r.output
    aid = json.loads(r.output)["ids"][0]
    row = asset_row(world, aid)
    assert (row["state"], row["deadline"]) == ("returned_to_debtor", None)
    last = audit_rows(world, aid)[-1]
    assert last["trigger"] == "return_to_debtor" and last["imported"]
    assert (last["changes"]["costs"], last["changes"]["creditor_declined"]) == ([None, 95_000_000], [None, "yes"])
    assert cli("audit", "verify", actor="admin").exit_code == 0
