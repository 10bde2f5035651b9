"""Moving live assets to a newer version of their workflow: each asset audited on its own chain,
all checked before any moves, the running deadline kept, the next steps under the new version."""

from __future__ import annotations

import json
import shutil

import pytest
import yaml
from sqlalchemy import select

from auction_flow.common.config import workflows_dir
from auction_flow.common.errors import InvalidInput, PermissionDenied
from auction_flow.core import amend
from auction_flow.features.admin import workflows as wfsvc
from auction_flow.features.assets import service as svc
from auction_flow.storage.schema import access_log, assets, audit_log

SHIPPED = workflows_dir()


def _v2_without_appraising() -> dict:
    """Version 2 of the default workflow, in which the price is always agreed (no appraisal state)."""
    doc = yaml.safe_load((SHIPPED / "asset_auction.yaml").read_text(encoding="utf-8"))
    doc["version"] = 2
    del doc["states"]["appraising"]
    gone = ("contract_appraisal", "record_appraisal", "request_reappraisal", "record_receipt")
    for name in gone:
        del doc["triggers"][name]
    for trig in doc["triggers"].values():
        trig["from"] = [s for s in trig["from"] if s != "appraising"]
        trig["checks"] = [c for c in trig.get("checks") or ()  # none naming a trigger taken out
                          if not any(str(o).split()[0] in gone for o in c.get("otherwise") or ())]
    return doc


@pytest.fixture
def folder(tmp_path, monkeypatch):
    """A workflows folder holding version 1; ``publish()`` makes version 2 the current one and
    keeps version 1 as asset_auction.v1.yaml for the assets still on it."""
    d = tmp_path / "workflows"
    d.mkdir()
    shutil.copy(SHIPPED / "asset_auction.v1.yaml", d / "asset_auction.yaml")  # version 1 as the current one
    shutil.copy(SHIPPED / "complaints.yaml", d / "complaints.yaml")
    monkeypatch.setenv("AUCTION_FLOW_WORKFLOWS", str(d))

    def publish():
        (d / "asset_auction.yaml").rename(d / "asset_auction.v1.yaml")
        (d / "asset_auction.yaml").write_text(yaml.safe_dump(_v2_without_appraising(), allow_unicode=True,
                                                             sort_keys=False), encoding="utf-8")
    return publish


def row(engine, aid) -> dict:
    with engine.connect() as conn:
        return dict(conn.execute(select(assets).where(assets.c.id == aid)).mappings().one())


def test_assets_move_only_when_every_one_can_and_keep_their_clock(world, folder, cli):
    seized = svc.seize(world, "cv_an", "1/2026", "HG-VT", "movable", "Xe", on="2026-03-02")
    appraising = svc.seize(world, "cv_an", "2/2026", "HG-VT", "movable", "Xe", on="2026-03-02")
    svc.advance(world, appraising, "contract_appraisal", "cv_an", "2026-03-03", ["appraisal_org=TĐG"])
    other_branch = svc.seize(world, "cv_dung", "3/2026", "HG-NB", "movable", "Xe", on="2026-03-02")
    folder()
    before = {a: row(world, a) for a in (seized, appraising, other_branch)}

    # the asset in "appraising" has no place in v2: nothing moves, and it is named
    with pytest.raises(InvalidInput) as info:
        wfsvc.migrate(world, "ld_tinh", 2, all_assets=True, reason="Quy trình mới", on="2026-03-05")
    assert f"asset {appraising} is in state appraising, which asset_auction v2 does not have" in str(info.value)
    assert "1 asset(s) cannot move" in str(info.value)
    assert {a: row(world, a) for a in before} == before

    svc.advance(world, appraising, "record_appraisal", "cv_an", "2026-03-04", ["price=90000000"])
    # a branch supervisor moves its own branch's assets only
    res = wfsvc.migrate(world, "ld_binh", 2, all_assets=True, reason="Quy trình mới", on="2026-03-05")
    assert res["moved"] == [seized, appraising]
    assert row(world, other_branch)["workflow_version"] == 1
    for aid in (seized, appraising):
        now, then = row(world, aid), before[aid]
        assert now["workflow_version"] == 2 and now["version"] == then["version"] + (1 if aid == seized else 2)
        if aid == seized:  # state and running deadline untouched
            assert (now["state"], now["deadline"], now["deadline_basis"]) == \
                (then["state"], then["deadline"], then["deadline_basis"])
    with world.connect() as conn:
        last = conn.execute(select(audit_log).where(audit_log.c.asset_id == seized)
                            .order_by(audit_log.c.seq.desc())).mappings().first()
    assert (last["event"], last["actor"], last["reason"]) == ("workflow_migrated", "ld_binh", "Quy trình mới")
    assert json.loads(last["changes"]) == {"workflow_version": [1, 2]}

    # from now on the asset follows v2: there is no appraisal to contract
    with pytest.raises(InvalidInput, match="unknown trigger|contract_appraisal"):
        svc.advance(world, seized, "contract_appraisal", "cv_an", "2026-03-06", ["appraisal_org=TĐG"])
    svc.advance(world, seized, "agree_price", "cv_an", "2026-03-06", ["price=50000000"])
    assert svc.seize(world, "cv_an", "4/2026", "HG-VT", "movable", "Xe", on="2026-03-06") and \
        row(world, seized + 3)["workflow_version"] == 2
    # the asset left behind is still served by v1, and the record verifies
    svc.advance(world, other_branch, "contract_appraisal", "cv_dung", "2026-03-06", ["appraisal_org=TĐG"])
    assert cli("audit", "verify", actor="ksv").exit_code == 0


def test_who_may_migrate_and_what_is_refused(world, folder):
    aid = svc.seize(world, "cv_an", "1/2026", "HG-VT", "movable", "Xe", on="2026-03-02")
    with pytest.raises(InvalidInput, match="only to a newer version"):
        amend.migrate_workflow(world, aid, "ld_binh", 1, "x")  # v1 is all there is
    folder()
    with pytest.raises(PermissionDenied):
        wfsvc.migrate(world, "cv_an", 2, asset_ids=[aid], reason="x")
    with pytest.raises(PermissionDenied):
        wfsvc.migrate(world, "cv_an", 2, all_assets=True, reason="x")
    with pytest.raises(PermissionDenied):  # another branch's supervisor
        wfsvc.migrate(world, "ld_binh", 2, asset_ids=[svc.seize(world, "cv_dung", "2", "HG-NB", "movable", "x",
                                                                on="2026-03-02")], reason="x")
    with world.connect() as conn:
        assert conn.execute(select(access_log.c.action)).scalars().all().count("migrate_workflow") == 3
    with pytest.raises(InvalidInput, match="reason"):
        wfsvc.migrate(world, "ld_binh", 2, asset_ids=[aid], reason=" ")
    with pytest.raises(InvalidInput, match="--asset ID"):
        wfsvc.migrate(world, "ld_binh", 2, reason="x")
    res = wfsvc.migrate(world, "ld_binh", 2, asset_ids=[aid], reason="x", dry_run=True)
    assert res["assets"] == [aid] and res["moved"] == [] and row(world, aid)["workflow_version"] == 1
    assert wfsvc.migrate(world, "ld_binh", 2, asset_ids=[aid], reason="x")["moved"] == [aid]
    with pytest.raises(InvalidInput, match="only to a newer version"):
        wfsvc.migrate(world, "ld_binh", 2, asset_ids=[aid], reason="x")
    with pytest.raises(InvalidInput, match="'contract_appraisal'"):  # v2 has no appraisal step
        svc.advance(world, aid, "contract_appraisal", "cv_an", "2026-03-03", ["appraisal_org=TĐG"])


def test_from_the_command_line(world, folder, cli):
    a = svc.seize(world, "cv_an", "1/2026", "HG-VT", "movable", "Xe", on="2026-03-02")
    b = svc.seize(world, "cv_an", "2/2026", "HG-VT", "movable", "Xe", on="2026-03-02")
    svc.advance(world, b, "contract_appraisal", "cv_an", "2026-03-03", ["appraisal_org=TĐG"])
    folder()
    args = ("workflow", "migrate", "--to", "2", "--all", "--reason", "Quy trình mới", "--on", "2026-03-05")
    r = cli(*args, actor="ld_tinh")
    assert r.exit_code == 1
    assert r.output.splitlines() == [
        "error: 1 asset(s) cannot move to asset_auction v2; nothing was changed:",
        f"  asset {b} is in state appraising, which asset_auction v2 does not have: it cannot move"]
    r = cli("--lang", "vi", *args, "--asset", a, actor="ld_tinh")
    assert r.exit_code == 1 and r.output.startswith("error: 1 tài sản không chuyển được sang asset_auction v2")
    r = cli("workflow", "migrate", "--to", "2", "--asset", a, "--reason", "Quy trình mới", "--dry-run",
            actor="ld_tinh")
    assert r.exit_code == 0 and r.output.strip() == \
        f"1 asset(s) would move to asset_auction v2: {a} (--dry-run: nothing changed)"
    assert row(world, a)["workflow_version"] == 1
    r = cli("--lang", "vi", "workflow", "migrate", "--to", "2", "--asset", a, "--reason", "Quy trình mới",
            actor="ld_tinh")
    assert r.exit_code == 0 and r.output.strip() == f"đã chuyển 1 tài sản sang asset_auction v2: {a}"
    r = cli("workflow", "migrate", "--to", "2", "--asset", a, "--reason", "again", actor="ld_tinh")
    assert r.exit_code == 1 and r.output.strip() == \
        f"error: 1 asset(s) cannot move to asset_auction v2; nothing was changed:\n" \
        f"  asset {a} follows asset_auction v2; it moves only to a newer version (not v2)"
    r = cli("workflow", "migrate", "--to", "3", "--all", "--reason", "x", actor="ld_tinh")
    assert r.exit_code == 1 and r.output.count("\n") == 1 and "asset_auction" in r.output and "3" in r.output
    history = cli("asset", "show", a, "--json", actor="ksv")
    assert json.loads(history.output)["workflow"] == "asset_auction v2"


def test_a_date_one_asset_cannot_take_refuses_the_whole_batch(world, folder):
    """The business date is checked for every asset before any moves: a day before one asset's
    last step must not leave the assets before it moved and the rest behind."""
    early = svc.seize(world, "cv_an", "1/2026", "HG-VT", "movable", "Xe", on="2026-03-02")
    late = svc.seize(world, "cv_an", "2/2026", "HG-VT", "movable", "Xe", on="2026-03-02")
    svc.advance(world, late, "agree_price", "cv_an", "2026-03-10", ["price=50000000"])
    folder()
    with pytest.raises(InvalidInput) as info:
        wfsvc.migrate(world, "ld_binh", 2, all_assets=True, reason="Quy trình mới", on="2026-03-05")
    assert "1 asset(s) cannot move" in str(info.value) and str(late) in str(info.value)
    assert [row(world, a)["workflow_version"] for a in (early, late)] == [1, 1]
