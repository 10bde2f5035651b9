"""Issue 13: cancelling a sale (cancel_result, version 3) on the law's grounds only (Property
Auction Law 2016 Art. 72, to which Art. 102 refers), each resting on a document whose number, date
(not after the step's day) and issuer are recorded; a buyer who does not pay is not a ground
(record_default is its procedure) and a buyer who paid is protected (Art. 103)."""

from __future__ import annotations

import pytest
from assetwalk import asset_row, audit_rows, step, walk

from auction_flow.common.errors import InvalidInput, TriggerNotAllowed
from auction_flow.core import workflow as workflow_mod

GROUNDS = ("agreement", "court_void", "winner_violation", "sanction_decision")
COURT = {"document_no": "15/2026/QĐ-TA", "issued_by": "Tòa án nhân dân tỉnh Hậu Giang"}


def test_the_grounds_are_the_laws_each_with_its_article():
    trig = workflow_mod.get().triggers["cancel_result"]
    ground = next(f for f in trig.fields if f.name == "ground")
    assert ground.choices == GROUNDS
    by_ground = {c.spec["when"]["ground"][0]: c for c in trig.checks}
    assert set(by_ground) == set(GROUNDS)
    assert "Art. 72(1)" in by_ground["agreement"].source.basis
    assert "Art. 72(2)" in by_ground["court_void"].source.basis and "Art. 102" in by_ground["court_void"].source.basis
    assert "9(5)(b)" in by_ground["winner_violation"].source.basis
    assert all(c.kind == "not_after" and c.spec["field"] == "document_on" for c in trig.checks)
    assert {f.name for f in trig.fields} == {"ground", "document_no", "document_on", "issued_by"}


def test_a_buyer_who_does_not_pay_is_not_a_ground(world):
    aid = walk(world, "sold", "2026-03-02")  # sold 2026-04-01
    before = asset_row(world, aid)
    with pytest.raises(InvalidInput) as info:
        step(world, aid, "cancel_result", "2026-04-05", actor="ld_binh", reason="không nộp tiền",
             ground="buyer_default", document_on="2026-04-05", **COURT)
    assert all(g in str(info.value) for g in GROUNDS), str(info.value)
    assert asset_row(world, aid) == before


@pytest.mark.parametrize("ground,article", [("agreement", "Art. 72(1)"), ("court_void", "Art. 72(2)"),
                                            ("winner_violation", "9(5)(b)"), ("sanction_decision", "Art. 72")])
def test_the_document_may_not_be_dated_after_the_step_and_each_ground_names_its_article(world, ground, article):
    aid = walk(world, "paid", "2026-03-02")  # paid 2026-04-11: the buyer is protected but for the law's grounds
    before = asset_row(world, aid)
    with pytest.raises(TriggerNotAllowed) as info:
        step(world, aid, "cancel_result", "2026-04-20", actor="ld_binh", reason="căn cứ", ground=ground,
             document_on="2026-04-21", **COURT)
    en, vi = str(info.value), info.value.render("vi")
    assert "document_on 2026-04-21 is after the day of the step, 2026-04-20" in en and article in en, en
    assert "Điều 72" in vi or "Điều 9" in vi, vi
    assert asset_row(world, aid) == before
    step(world, aid, "cancel_result", "2026-04-20", actor="ld_binh", reason="căn cứ", ground=ground,
         document_on="2026-04-20", **COURT)
    assert asset_row(world, aid)["state"] == "auction_cancelled"
    changes = audit_rows(world, aid)[-1]["changes"]
    assert changes["ground"] == [None, ground] and changes["document_no"] == [None, "15/2026/QĐ-TA"]
    assert changes["document_on"] == [None, "2026-04-20"]
    assert changes["issued_by"] == [None, "Tòa án nhân dân tỉnh Hậu Giang"]


def test_the_document_is_required(world):
    aid = walk(world, "sold", "2026-03-02")
    for missing in ("document_no", "document_on", "issued_by"):
        fields = {"ground": "court_void", "document_on": "2026-04-02", **COURT}
        fields.pop(missing)
        with pytest.raises(InvalidInput, match=missing):
            step(world, aid, "cancel_result", "2026-04-05", actor="ld_binh", reason="x", **fields)
    assert asset_row(world, aid)["state"] == "sold"


def test_version_2_keeps_its_grounds():
    wf = workflow_mod.get("asset_auction", 2)
    ground = next(f for f in wf.triggers["cancel_result"].fields if f.name == "ground")
    assert "buyer_default" in ground.choices and "collusion" in ground.choices
