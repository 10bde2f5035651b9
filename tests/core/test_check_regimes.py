"""A check may be written once per regime (``regime:``), each citing its own law: the regime in
force on the step's day chooses which applies, so a step under Law 106/2025 never reads an
article number of the 2008/2014 law."""

from __future__ import annotations

import datetime as dt
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


# The shipped workflow: a check written with its 2026 basis beside the 2014 one (``law2025:``).

@pytest.mark.parametrize("start, cited, not_cited", [("2024-03-04", "62/2015", "152/2026"),
                                                     ("2026-07-06", "152/2026", "62/2015")])
def test_a_late_payment_cites_the_law_of_the_step_day(world, start, cited, not_cited):
    aid = walk(world, "sold", start)
    late = str(asset_row(world, aid)["deadline"] + dt.timedelta(days=1))
    with pytest.raises((InvalidInput, TriggerNotAllowed)) as info:
        step(world, aid, "record_payment", late)
    assert cited in str(info.value) and not_cited not in str(info.value)
    assert "record_default" in str(info.value)


@pytest.mark.parametrize("start, cited, not_cited", [("2024-03-04", "Điều 101 khoản 5", "106/2025"),
                                                     ("2026-07-06", "106/2025", "Điều 101 khoản 5")])
def test_the_redemption_cutoff_cites_the_law_of_the_step_day(world, start, cited, not_cited):
    aid = walk(world, "auction_contracted", start)
    auction = asset_row(world, aid)["auction_date"]
    with pytest.raises((InvalidInput, TriggerNotAllowed)) as info:
        step(world, aid, "redeem", str(auction))
    assert cited in str(info.value) and not_cited not in str(info.value)


def test_no_2026_check_of_the_shipped_workflow_cites_the_2014_law_alone():
    """Every check whose basis cites the enforcement law of 2008/2014 (Luật THADS Điều N) or Decree
    62/2015 has a 2026 entry of its own, or is written for the earlier regimes only."""
    from auction_flow.core import workflow as workflow_mod

    wf = workflow_mod.get()
    in_force = [r.id for r in wf.regimes]
    for t in wf.triggers.values():
        for n, c in enumerate(t.checks):
            if c.when_regime and "law2025" not in c.when_regime:
                continue
            basis = c.source_on(in_force).basis
            assert "Luật THADS Điều" not in basis and "62/2015" not in basis, f"{t.name}.checks[{n}]: {basis}"
    # and every state's clock and every window a trigger sets, for a clock starting under the 2026 law
    from auction_flow.core.receipts import in_force as window_in_force

    day = dt.date(2026, 7, 1)
    for st in wf.states.values():
        rule = wf.clock_rule(st.name, day)
        assert rule is None or ("Luật THADS Điều" not in rule.basis and "62/2015" not in rule.basis), st.name
    for t in wf.triggers.values():
        for key, spec in t.params.items():
            if isinstance(spec, dict) and "basis" in spec and "days" in spec:
                basis = window_in_force(spec, wf, day)["basis"]
                assert "Luật THADS Điều" not in basis and "62/2015" not in basis, f"{t.name}.{key}: {basis}"


def test_sources_list_each_2026_entry_of_a_check():
    from auction_flow.core import workflow as workflow_mod
    from auction_flow.features.admin import workflows as wfsvc

    entries = {e["entry"]: e for e in wfsvc.sources(workflow_mod.get())}
    pay = [k for k in entries if k.startswith("triggers.record_payment.checks[")]
    assert len(pay) == 2 and entries[[k for k in pay if k.endswith(".law2025")][0]]["confirmed"] is False


def test_a_2026_entry_without_why_is_refused(tmp_path):
    doc = yaml.safe_load((SHIPPED / "asset_auction.yaml").read_text(encoding="utf-8"))
    doc["triggers"]["record_payment"]["checks"][0]["law2025"] = {"basis": "X", "confirmed": False}
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(WorkflowDefinitionError) as info:
        load(str(path))
    assert "triggers.record_payment.checks[0].law2025.why" in str(info.value)
