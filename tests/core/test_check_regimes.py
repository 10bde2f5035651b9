"""A check may be written once per regime (``regime:``), each citing its own law: the regime in
force on the step's day chooses which applies, so a step under Law 106/2025 never reads an
article number of the 2008/2014 law."""

from __future__ import annotations

import shutil

import pytest
import yaml
from assetwalk import PRICE, asset_row, step, walk

from auction_flow.common.config import workflows_dir
from auction_flow.common.errors import InvalidInput, TriggerNotAllowed, WorkflowDefinitionError
from auction_flow.core.workflow.loader import load

SHIPPED = workflows_dir()


def _split_deposit_check(doc: dict, regimes=("law2014", "law2025")) -> dict:
    """The deposit check of record_sale written once per regime, each with a basis of its own."""
    check = doc["triggers"]["record_sale"]["checks"][0]
    assert check["field"] == "deposit"
    doc["triggers"]["record_sale"]["checks"] = [
        {**check, "regime": r, "basis": f"BASIS-{r}"} for r in regimes]
    return doc


@pytest.fixture
def folder(tmp_path, monkeypatch):
    d = tmp_path / "workflows"
    shutil.copytree(SHIPPED, d)
    doc = yaml.safe_load((d / "asset_auction.yaml").read_text(encoding="utf-8"))
    doc["version"] = 99
    (d / "asset_auction.yaml").write_text(yaml.safe_dump(_split_deposit_check(doc), allow_unicode=True,
                                                         sort_keys=False), encoding="utf-8")
    monkeypatch.setenv("AUCTION_FLOW_WORKFLOWS", str(d))
    return d


@pytest.mark.parametrize("start, cited, not_cited", [("2020-03-02", "BASIS-law2014", "BASIS-law2025"),
                                                     ("2026-07-06", "BASIS-law2025", "BASIS-law2014")])
def test_the_regime_of_the_step_day_chooses_the_check_and_its_basis(world, folder, start, cited, not_cited):
    aid = walk(world, "auction_contracted", start)
    sale_day = str(asset_row(world, aid)["auction_date"])
    with pytest.raises((InvalidInput, TriggerNotAllowed)) as info:
        step(world, aid, "record_sale", sale_day, sale_price=PRICE, buyer="B", deposit=PRICE // 100)
    assert cited in str(info.value) and not_cited not in str(info.value)


def test_a_check_under_a_regime_the_workflow_lacks_is_refused(tmp_path):
    doc = yaml.safe_load((SHIPPED / "asset_auction.yaml").read_text(encoding="utf-8"))
    _split_deposit_check(doc, regimes=("law2014", "law2099"))
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(WorkflowDefinitionError) as info:
        load(str(path))
    assert "triggers.record_sale.checks[1].regime" in str(info.value) and "law2099" in str(info.value)
