"""Roles and scope, enforced in the engine: every role against every trigger and office.

The expectations are written out here (who reaches which office), not derived from authz.
Every refusal lands in access_log and never in the asset or its audit chain.
"""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from auction_flow.common.errors import PermissionDenied, TriggerNotAllowed
from auction_flow.core import engine as eng
from auction_flow.core import workflow
from auction_flow.features.assets import service as svc
from auction_flow.storage import db
from auction_flow.storage.schema import access_log, assets, audit_log

OFFICES = ("HG", "HG-VT", "HG-NB")
# username -> (role, offices where it may act)
PEOPLE = {
    "cv_an": ("officer", {"HG-VT"}),
    "cv_dung": ("officer", {"HG-NB"}),
    "ld_binh": ("supervisor", {"HG-VT"}),
    "ld_tinh": ("supervisor", {"HG", "HG-VT", "HG-NB"}),
    "ksv": ("procurator", set()),
    "admin": ("admin", set()),
}
READS = {"cv_an": {"HG-VT"}, "cv_dung": {"HG-NB"}, "ld_binh": {"HG-VT"}, "ld_tinh": set(OFFICES),
         "ksv": set(OFFICES), "admin": set(OFFICES)}


def counts(engine, asset_id):
    with db.reading(engine) as conn:
        a = conn.execute(select(assets.c.version, assets.c.last_hash, assets.c.state)
                         .where(assets.c.id == asset_id)).one()
        n_audit = conn.execute(select(func.count()).select_from(audit_log)
                               .where(audit_log.c.asset_id == asset_id)).scalar()
        n_denied = conn.execute(select(func.count()).select_from(access_log)).scalar()
    return tuple(a), n_audit, n_denied


@pytest.fixture
def released(world):
    """One asset per office, released (a final state: no trigger may fire any more)."""
    out = {}
    for office in OFFICES:
        aid = svc.seize(world, "ld_tinh", f"{office}/1", office, "movable", "Tài sản", on="2026-03-02")
        svc.advance(world, aid, "release", "ld_tinh", on="2026-03-03", reason="giải tỏa")
        out[office] = aid
    return out


def test_every_role_against_every_trigger_and_office(world, released):
    wf = workflow.get()
    for office, aid in released.items():
        before = counts(world, aid)
        denials = 0
        for username, (role, reach) in PEOPLE.items():
            for trigger in wf.triggers.values():
                permitted = role in trigger.roles and office in reach
                with pytest.raises((PermissionDenied, TriggerNotAllowed)) as info:
                    svc.advance(world, aid, trigger.name, username, on="2026-03-04")
                if permitted:
                    assert info.type is TriggerNotAllowed, (username, trigger.name, office, str(info.value))
                else:
                    assert info.type is PermissionDenied, (username, trigger.name, office, str(info.value))
                    denials += 1
        after = counts(world, aid)
        assert after[0] == before[0] and after[1] == before[1]  # asset and its audit chain untouched
        assert after[2] == before[2] + denials  # one access_log row per refusal


def test_seizure_role_and_office(world):
    for username, (role, reach) in PEOPLE.items():
        for office in OFFICES:
            permitted = role in ("officer", "supervisor") and office in reach
            if permitted:
                assert svc.seize(world, username, f"{username}/{office}", office, "movable", "x", on="2026-03-02")
            else:
                with pytest.raises(PermissionDenied):
                    svc.seize(world, username, f"{username}/{office}", office, "movable", "x", on="2026-03-02")


def test_reads_are_scoped(world, released, cli):
    for username, offices in READS.items():
        for office, aid in released.items():
            r = cli("asset", "show", aid, "--json", actor=username)
            assert (r.exit_code == 0) == (office in offices), (username, office, r.output)
        listed = {a["office"] for a in json.loads(cli("asset", "list", "--json", actor=username).output)}
        assert listed == offices


def test_denial_is_logged_with_who_what_where_why(world, cli):
    aid = svc.seize(world, "cv_an", "1/2026", "HG-VT", "movable", "Xe máy", on="2026-03-02")
    before = counts(world, aid)
    r = cli("asset", "advance", aid, "agree_price", "--set", "price=1000000", "--on", "2026-03-03",
            actor="cv_dung")
    assert r.exit_code == 1 and "HG-NB" in r.output and "HG-VT" in r.output
    assert counts(world, aid)[:2] == before[:2]
    rows = json.loads(cli("audit", "denied", "--json", actor="ld_tinh").output)
    assert [(d["actor"], d["action"], d["asset"], d["office"]) for d in rows] == [
        ("cv_dung", "agree_price", aid, "HG-VT")]
    assert "may not agree_price" in rows[0]["reason"]
    # the refused officer sees its own refusal; the branch supervisor of HG-VT sees it; HG-NB's officer
    # reads nothing of HG-VT's other refusals
    assert len(json.loads(cli("audit", "denied", "--json", actor="cv_dung").output)) == 1
    assert len(json.loads(cli("audit", "denied", "--json", actor="ld_binh").output)) == 1
    assert json.loads(cli("audit", "denied", "--json", actor="cv_an").output) == []
    assert cli("audit", "verify", actor="ld_tinh").exit_code == 0


def _sold(world, seller):
    aid = svc.seize(world, "cv_an", "9/2026", "HG-VT", "movable", "Ô tô", on="2026-03-02")
    svc.advance(world, aid, "agree_price", "cv_an", on="2026-03-03", sets=["price=100000000"])
    svc.advance(world, aid, "contract_auction", "cv_an", on="2026-03-04",
                sets=["auction_org=ĐG", "auction_date=2026-03-20"])
    svc.advance(world, aid, "record_sale", seller, on="2026-03-20", sets=["sale_price=100000000", "buyer=B", "deposit=10000000"])
    return aid


def test_separation_of_duties(world):
    aid = _sold(world, "ld_binh")
    before = counts(world, aid)
    with pytest.raises(PermissionDenied, match="cannot also approve its cancellation"):
        svc.advance(world, aid, "cancel_result", "ld_binh", on="2026-03-21", sets=["ground=winner_violation", "document_no=15/KL-CSĐT", "document_on=2024-01-02", "issued_by=Cơ quan Cảnh sát điều tra"], reason="x")
    after = counts(world, aid)
    assert after[:2] == before[:2] and after[2] == before[2] + 1
    res = svc.advance(world, aid, "cancel_result", "ld_tinh", on="2026-03-21", sets=["ground=winner_violation", "document_no=15/KL-CSĐT", "document_on=2024-01-02", "issued_by=Cơ quan Cảnh sát điều tra"],
                      reason="thông đồng")
    assert res.to_state == "auction_cancelled"


def test_supervisor_of_the_province_acts_on_branch_assets(world):
    aid = _sold(world, "cv_an")
    res = svc.advance(world, aid, "cancel_result", "ld_binh", on="2026-03-21", sets=["ground=agreement", "document_no=3/TT", "document_on=2026-03-20", "issued_by=các bên"],
                      reason="thỏa thuận")
    assert res.to_state == "auction_cancelled"
    assert svc.advance(world, aid, "reauction", "ld_tinh", on="2026-03-22").to_state == "priced"
    with pytest.raises(PermissionDenied):
        svc.advance(world, aid, "contract_auction", "cv_dung", on="2026-03-23",
                    sets=["auction_org=ĐG", "auction_date=2026-04-20"])
    with pytest.raises(PermissionDenied):
        eng.fire(world, aid, "contract_auction", "admin", on="2026-03-23",
                 fields={"auction_org": "ĐG", "auction_date": "2026-04-20"})


def test_reassignment_is_a_supervisors_decision_and_corrections_are_audited(world, cli):
    from auction_flow.common.errors import InvalidInput

    aid = svc.seize(world, "cv_an", "5/2026", "HG-VT", "movable", "Xe máy Hona", on="2026-03-02")
    r = cli("asset", "reassign", aid, "--to", "cv_ba", "--reason", "nghỉ phép", actor="cv_an")
    assert r.exit_code == 1 and "supervisor" in r.output
    with pytest.raises(InvalidInput):  # not an officer of the asset's office
        svc_amend().reassign(world, aid, "ld_binh", "cv_dung", "x")
    r = cli("asset", "reassign", aid, "--to", "cv_ba", "--reason", "nghỉ phép", "--json", actor="ld_binh")
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["changes"] == {"officer": ["cv_an", "cv_ba"]}
    assert json.loads(cli("asset", "show", aid, "--json", actor="cv_ba").output)["officer"] == "cv_ba"
    with pytest.raises(PermissionDenied):  # another branch's officer
        svc_amend().correct(world, aid, "cv_dung", ["description=Xe máy Honda"], "sai chính tả")
    with pytest.raises(InvalidInput, match="through a trigger"):
        svc_amend().correct(world, aid, "cv_ba", ["price=1"], "x")
    r = cli("asset", "correct", aid, "--set", "description=Xe máy Honda", "--reason", "sai chính tả", actor="cv_ba")
    assert r.exit_code == 0, r.output
    svc.advance(world, aid, "agree_price", "cv_ba", on="2026-03-04", sets=["price=1000000"])  # version moved on
    log = json.loads(cli("audit", "log", "--asset", aid, "--json", actor="ksv").output)
    assert [(x["event"], x["seq"]) for x in log] == [("asset_created", 1), ("reassigned", 2), ("corrected", 3),
                                                     ("transition", 4)]
    assert log[2]["changes"] == {"description": ["Xe máy Hona", "Xe máy Honda"]} and log[2]["reason"] == "sai chính tả"
    denied = {(d["actor"], d["action"]) for d in json.loads(cli("audit", "denied", "--json", actor="admin").output)}
    assert denied == {("cv_an", "reassign"), ("cv_dung", "correct")}
    assert cli("audit", "verify", actor="ld_tinh").exit_code == 0


def svc_amend():
    from auction_flow.features.assets import service as amend

    return amend
