"""An imported history opens the side clocks its steps open (the losing bidders' deposits after an
auction, the buyer's money after a paid sale is cancelled), exactly as the engine does, and the import's
side columns record them done (``refunds_on``/``bidders``, ``buyer_refunded_on``/``buyer_refunded_amount``):
a step of the history, by its date, leaving the state and its clock alone. Left empty, the clock stays
open and the alert scan raises it once overdue; a side column that cannot be true refuses the file."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from sqlalchemy import select
from test_import import audit_rows, asset_row, dump, duties, steps_of, write

from auction_flow.common.config import workflows_dir
from auction_flow.features.alerts import service as alerts
from auction_flow.features.assets import service as svc
from auction_flow.features.supervision.verify import verify
from auction_flow.storage.schema import alerts as alerts_t

HEADER = ("case_number,office,kind,description,officer,state,seized_on,priced_on,price,auction_contracted_on,"
          "auction_org,auction_date,auction_failed_on,sold_on,sale_price,buyer,deposit,paid_on,cancelled_on,"
          "cancel_ground,cancel_reason,refunds_on,bidders,buyer_refunded_on,buyer_refunded_amount")


def row(n, state="paid", failed="", sold="2025-03-03", paid="2025-03-20", cancelled="", refunds="", bidders="",
        refunded="", amount="", priced="2025-01-20", contracted="2025-02-10"):
    """A movable asset priced 100,000,000, its auction on 2025-03-03 (sold for 120,000,000 unless it failed)."""
    sale = f"{sold},120000000,Nguyễn Văn Tám,10000000" if sold else ",,,"
    return (f"{n}/2025,HG-VT,movable,Xe {n},cv_an,{state},2025-01-06,{priced},{100_000_000 if priced else ''},"
            f"{contracted},{'Công ty ĐG' if contracted else ''},{'2025-03-03' if contracted else ''},{failed},{sale},"
            f"{paid},{cancelled},{'buyer_default' if cancelled else ''},,{refunds},{bidders},{refunded},{amount}")


def imported(cli, tmp_path, *rows) -> list[int]:
    r = cli("import", "assets", write(tmp_path, [HEADER, *rows]), "--json", actor="ld_tinh")
    assert r.exit_code == 0, r.output
    first, last = json.loads(r.output)["ids"]
    return list(range(first, last + 1))


def test_the_deposits_refunded_are_a_step_of_the_history_as_the_engine_records_them(world, tmp_path, cli):
    aid = svc.seize(world, "cv_an", "1/2025", "HG-VT", "movable", "Xe 1 (engine)", on="2025-01-06")
    for trig, on, sets in [("agree_price", "2025-01-20", ["price=100000000"]),
                           ("contract_auction", "2025-02-10", ["auction_org=Công ty ĐG", "auction_date=2025-03-03"]),
                           ("record_sale", "2025-03-03", ["sale_price=120000000", "buyer=Nguyễn Văn Tám",
                                                          "deposit=10000000"]),
                           ("record_refunds", "2025-03-04", ["refunded_on=2025-03-04", "bidders=3"]),
                           ("record_payment", "2025-03-20", [])]:
        svc.advance(world, aid, trig, "cv_an", on, sets)
    # the import has one date for the refunds: the step's and the day they were made
    new, open_ = imported(cli, tmp_path, row(1, refunds="2025-03-04", bidders="3"), row(2))
    a, b = audit_rows(world, aid), audit_rows(world, new)
    assert [x["trigger"] for x in b] == ["seize", "agree_price", "contract_auction", "record_sale", "record_refunds",
                                         "record_payment"]
    assert b[4]["from_state"] == b[4]["to_state"] == "sold" and b[4]["business_date"] == dt.date(2025, 3, 4)
    assert [steps_of(x) for x in a[1:]] == [steps_of(x) for x in b[1:]]
    assert steps_of(b[4])["obligation.deposit_refunds"] == [{"opened_seq": 4, "due": "2025-03-06"},
                                                             {"done_on": "2025-03-04"}]
    assert duties(world, new) == [("deposit_refunds", 4, dt.date(2025, 3, 3), dt.date(2025, 3, 6), 5,
                                   dt.date(2025, 3, 4))]
    # the refunds step left the state's clock alone: the asset is as the engine left its twin
    walked, got = asset_row(world, aid), asset_row(world, new)
    for col in ("state", "state_entered_on", "deadline", "deadline_basis", "version", "last_event_on"):
        assert got[col] == walked[col], col
    # the other sale's refunds were not recorded: open, and raised once overdue (and not the first's)
    assert duties(world, open_) == [("deposit_refunds", 4, dt.date(2025, 3, 3), dt.date(2025, 3, 6), None, None)]
    alerts.scan(world, on=dt.date(2025, 3, 10))
    with world.connect() as conn:
        raised = {(r.asset_id, r.rule) for r in conn.execute(select(alerts_t.c.asset_id, alerts_t.c.rule))}
    assert (open_, "obligation") in raised and (new, "obligation") not in raised
    assert verify(world).ok
    # asset show lists the open side clock; the closed one is gone from it
    shown = json.loads(cli("asset", "show", str(open_), "--json", actor="cv_an").output)
    assert [o["name"] for o in shown["obligations"]] == ["deposit_refunds"]
    assert json.loads(cli("asset", "show", str(new), "--json", actor="cv_an").output)["obligations"] == []


def test_a_cancelled_paid_sale_opens_the_buyers_refund_and_its_columns_close_it(world, tmp_path, cli):
    done, owed, unpaid = imported(
        cli, tmp_path,
        row(1, state="auction_cancelled", cancelled="2025-04-01", refunds="2025-03-05", bidders="0",
            refunded="2025-04-08", amount="120000000"),
        row(2, state="auction_cancelled", cancelled="2025-04-01", refunds="2025-03-05", bidders="0"),
        row(3, state="auction_cancelled", paid="", cancelled="2025-04-01", refunds="2025-03-05", bidders="0"))
    assert [x["trigger"] for x in audit_rows(world, done)][-3:] == ["record_payment", "cancel_result", "refund_buyer"]
    assert [d[0] for d in duties(world, done)] == ["deposit_refunds", "buyer_refund"]
    assert duties(world, done)[1][4:] == (8, dt.date(2025, 4, 8))
    assert duties(world, owed)[1] == ("buyer_refund", 7, dt.date(2025, 4, 1), dt.date(2025, 4, 11), None, None)
    assert [d[0] for d in duties(world, unpaid)] == ["deposit_refunds"]  # no payment: no money to give back
    assert asset_row(world, done)["state"] == "auction_cancelled" and verify(world).ok


BAD = {
    "refunds without an auction": (row(1, state="priced", contracted="", sold="", paid="", refunds="2025-03-05",
                                       bidders="2"), "refunds_on", "nothing for 'record_refunds' to close"),
    "refunds before the sale": (row(1, refunds="2025-03-01", bidders="2"), "refunds_on",
                                "impossible date order: 2025-03-01 is before sold_on 2025-03-03"),
    "bidders without the date": (row(1, bidders="2"), "bidders", "given without the step's date refunds_on"),
    "the date without bidders": (row(1, refunds="2025-03-05"), "bidders",
                                 "missing value (required when refunds_on is given)"),
    "refunds in the future": (row(1, refunds="2099-03-05", bidders="2"), "refunds_on", "in the future"),
    "a buyer refunded who never paid": (row(1, state="auction_cancelled", paid="", cancelled="2025-04-01",
                                            refunded="2025-04-08", amount="1"), "buyer_refunded_on",
                                        "needs paid_on + cancelled_on"),
    "an amount without its date": (row(1, amount="5"), "buyer_refunded_amount",
                                   "given without the step's date buyer_refunded_on"),
}


@pytest.mark.parametrize("kind", list(BAD))
def test_a_side_column_that_cannot_be_true_refuses_the_file(world, tmp_path, cli, kind):
    bad, column, reason = BAD[kind]
    path = write(tmp_path, [HEADER, row(9), bad])
    before = dump(world)
    r = cli("import", "assets", path, actor="ld_tinh")
    assert r.exit_code == 1
    assert f"line 3, column {column}: " in r.output and reason in r.output, r.output
    assert dump(world) == before


def test_a_workflow_version_without_the_side_step_refuses_its_column_in_one_line(world, tmp_path, cli, monkeypatch):
    # an office whose current definition is version 2 (no record_refunds): the column is refused, no traceback
    folder = tmp_path / "workflows"
    folder.mkdir()
    shipped = Path(workflows_dir())
    shutil.copy(shipped / "asset_auction.v2.yaml", folder / "asset_auction.yaml")
    shutil.copy(shipped / "asset_auction.v1.yaml", folder / "asset_auction.v1.yaml")
    shutil.copy(shipped / "complaints.yaml", folder / "complaints.yaml")
    monkeypatch.setenv("AUCTION_FLOW_WORKFLOWS", str(folder))
    path = write(tmp_path, [HEADER, row(1, refunds="2025-03-05", bidders="2")])
    before = dump(world)
    r = cli("import", "assets", path, actor="ld_tinh")
    assert r.exit_code == 1 and "Traceback" not in r.output
    assert ("line 2, column refunds_on: version 2 of the workflow has no 'record_refunds' step with these fields"
            in r.output), r.output
    assert dump(world) == before
