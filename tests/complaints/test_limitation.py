"""The complaint limitation period (thời hiệu khiếu nại, workflows/complaints.yaml `limitation:`):
counted from the day the complainant received the decision, by the step attacked; a complaint
filed after it is registered out of time and starts no clock. Golden dates across Tết 2026
(days off 2026-02-16..20)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from auction_flow.common.errors import InvalidInput, NotFound, TriggerNotAllowed
from auction_flow.features.alerts import scan as scanner
from auction_flow.features.assets import service as svc
from auction_flow.features.complaints import service as comp

D = dt.date.fromisoformat


@pytest.fixture
def asset(world):
    aid = svc.seize(world, "cv_an", "9/2026", "HG-VT", "movable", "Ô tô", on="2026-01-05")  # step 1: seize
    svc.advance(world, aid, "agree_price", "cv_an", on="2026-01-06", sets=["price=100000000"])  # step 2
    return aid


@pytest.mark.parametrize("level,step,received_decision,due,which", [
    ("first", 2, "2026-01-20", "2026-02-23", "after_coercion"),  # 30 days -> Thu 19 Feb (Tết) -> Mon 23
    ("first", 1, "2026-01-06", "2026-02-05", "coercion"),        # the seizure itself: 30 days
    ("first", None, "2026-03-02", "2026-03-17", "before_measures"),  # no step named: 15 days
    ("second", 2, "2026-01-30", "2026-02-23", "second"),         # 15 days -> Sat 14 -> Tết -> Mon 23
])
def test_limitation_golden_dates(world, asset, level, step, received_decision, due, which):
    c = comp.add(world, "cv_an", asset, "complaint", received_decision, "B", "x", level, step=step,
                 decision_received=received_decision)
    assert (c["limitation"], c["limitation_due"], c["status"], c["in_time"]) == (which, D(due), "received", True)
    assert "140" in c["limitation_basis"]


def test_filed_on_the_last_day_is_in_time_the_day_after_is_out_of_time(world, asset, cli):
    on_time = comp.add(world, "cv_an", asset, "complaint", "2026-02-23", "B", "x", step=2,
                       decision_received="2026-01-20")
    assert on_time["status"] == "received" and on_time["step_trigger"] == "agree_price"
    r = cli("complaint", "add", "--asset", asset, "--kind", "complaint", "--received", "2026-02-24", "--by", "C",
            "--about", "giá", "--step", "2", "--decision-received", "2026-01-20", "--json", actor="cv_an")
    assert r.exit_code == 0, r.output
    late = json.loads(r.output)
    assert (late["status"], late["in_time"], late["limitation_due"]) == ("out_of_time", False, "2026-02-23")
    assert late["resolve_due"] is None
    # it is registered, but never accepted: no resolution clock starts; the refusal names the period
    r = cli("complaint", "accept", late["id"], "--on", "2026-02-25", actor="ld_binh")
    assert r.exit_code == 1 and "2026-02-23" in r.output and "140" in r.output
    with pytest.raises(TriggerNotAllowed, match="out of time"):
        comp.accept(world, "ld_binh", late["id"], on="2026-02-25")
    # and no alert is raised on its clocks, however late it gets
    scanner.scan(world, D("2026-04-30"))
    alerts = json.loads(cli("alerts", "list", "--json", "--rule", "complaint", "--now", "2026-04-30",
                            actor="ld_tinh").output)
    assert {a["asset_id"] for a in alerts} == {asset}  # the one in time, never accepted
    listed = json.loads(cli("complaint", "list", "--status", "out_of_time", "--json", actor="ksv").output)
    assert [x["id"] for x in listed] == [late["id"]]


def test_days_of_objective_obstacle_do_not_count(world, asset, cli):
    r = cli("complaint", "add", "--asset", asset, "--kind", "complaint", "--received", "2026-02-27", "--by", "B",
            "--about", "x", "--step", "2", "--decision-received", "2026-01-20", "--obstacle-days", "10", "--json",
            actor="cv_an")
    c = json.loads(r.output)
    # 30 + 10 days -> Sun 1 March -> Mon 2: in time (without the obstacle it ended on 23 February)
    assert (c["limitation_due"], c["status"]) == ("2026-03-02", "received")
    assert "10 days of objective obstacle" in c["limitation_basis"] and "10 ngày trở ngại" in c["limitation_basis"]
    with pytest.raises(InvalidInput, match="0 to 3660"):
        comp.add(world, "cv_an", asset, "complaint", "2026-02-27", "B", "x", step=2, decision_received="2026-01-20",
                 obstacle_days=-1)


def test_the_2026_regime_cites_law_106_and_says_it_is_unconfirmed(world, asset):
    c = comp.add(world, "cv_an", asset, "complaint", "2026-07-10", "B", "x", step=2, decision_received="2026-07-01")
    assert c["limitation_due"] == D("2026-07-31") and "106/2025" in c["limitation_basis"]
    from auction_flow.core import complaint_clocks as rules_mod

    entries = [e for e, _basis, _why in rules_mod.rules().unconfirmed()]
    assert "limitation.after_coercion.later" in entries and "acceptance.complaint" in entries


def test_refusals_name_what_is_wrong(world, asset, cli):
    with pytest.raises(NotFound, match="no step 9"):
        comp.add(world, "cv_an", asset, "complaint", "2026-02-02", "B", "x", step=9, decision_received="2026-01-20")
    with pytest.raises(InvalidInput, match="--decision-received"):
        comp.add(world, "cv_an", asset, "complaint", "2026-02-02", "B", "x", step=2)
    with pytest.raises(InvalidInput, match="after the complaint itself"):
        comp.add(world, "cv_an", asset, "complaint", "2026-02-02", "B", "x", step=2, decision_received="2026-02-03")
    with pytest.raises(InvalidInput, match="before step 2 .agree_price. was decided on 2026-01-06"):
        comp.add(world, "cv_an", asset, "complaint", "2026-02-02", "B", "x", step=2, decision_received="2026-01-05")
    r = cli("complaint", "add", "--asset", asset, "--kind", "complaint", "--received", "2026-02-02", "--by", "B",
            "--about", "x", "--step", "2", actor="cv_an")
    assert r.exit_code == 1 and "--decision-received" in r.output


def test_the_limitation_is_audited(world, asset, cli):
    comp.add(world, "cv_an", asset, "complaint", "2026-03-30", "B", "x", step=2, decision_received="2026-01-20")
    rows = json.loads(cli("audit", "log", "--office", "HG-VT", "--json", actor="ld_binh").output)
    [row] = [r for r in rows if r["event"] == "complaint_received"]
    assert row["changes"]["status"] == [None, "out_of_time"] and row["changes"]["step"] == [None, 2]
    assert row["changes"]["limitation_due"] == [None, "2026-02-23"]
    assert cli("audit", "verify", actor="ld_tinh").exit_code == 0
