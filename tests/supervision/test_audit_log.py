"""Reading the record: `audit log` with its filters and formats, and `asset history` as a timeline."""

from __future__ import annotations

import csv
import io
import json

from auction_flow.features.assets import service as svc


def build(world):
    a = svc.seize(world, "cv_an", "1/2026", "HG-VT", "movable", "Xe", on="2026-03-02")
    svc.advance(world, a, "agree_price", "cv_an", on="2026-03-10", sets=["price=50000000"])  # due 03-09: late
    svc.advance(world, a, "contract_auction", "cv_ba", on="2026-03-12",
                sets=["auction_org=ĐG", "auction_date=2026-04-01"])
    svc.advance(world, a, "record_sale", "cv_an", on="2026-04-01", sets=["sale_price=50000000", "buyer=B", "deposit=5000000"])
    b = svc.seize(world, "cv_dung", "2/2026", "HG-NB", "movable", "Ghe", on="2026-03-05")
    return a, b


def test_history_timeline(world, cli):
    a, _ = build(world)
    r = cli("asset", "history", a, "--on", "2026-04-20", "--json", actor="ld_binh")
    assert r.exit_code == 0, r.output
    stages = json.loads(r.output)["stages"]
    assert [(s["state"], s["entered_on"], s["left_on"], s["days"], s["deadline"], s["outcome"], s["late_days"])
            for s in stages] == [
        ("seized", "2026-03-02", "2026-03-10", 8, "2026-03-09", "missed", 1),
        ("priced", "2026-03-10", "2026-03-12", 2, "2026-03-20", "met", 0),
        ("auction_contracted", "2026-03-12", "2026-04-01", 20, "2026-04-13", "met", 0),
        ("sold", "2026-04-01", None, 19, "2026-05-04", "running", 0),  # 30 days -> 1 May (holiday) -> Mon 4
    ]
    text = cli("asset", "history", a, "--on", "2026-05-10", actor="ksv").output
    assert "missed by 1 d" in text and "overdue by 6 d" in text
    r = cli("asset", "history", a, actor="cv_dung")  # another branch
    assert r.exit_code == 1
    assert json.loads(cli("audit", "denied", "--json", actor="admin").output)[0]["actor"] == "cv_dung"


def test_audit_log_filters_and_scope(world, cli):
    a, b = build(world)

    def log(*args, actor="ld_tinh"):
        r = cli("audit", "log", *args, "--json", actor=actor)
        assert r.exit_code == 0, r.output
        return json.loads(r.output)

    assert [r["trigger"] for r in log("--asset", a)] == ["seize", "agree_price", "contract_auction", "record_sale"]
    assert [r["trigger"] for r in log("--actor", "cv_ba")] == ["contract_auction"]
    assert {r["asset"] for r in log("--office", "HG-NB") if r["asset"]} == {b}
    assert {r["office"] for r in log("--office", "HG-NB")} == {"HG-NB"}
    assert [r["trigger"] for r in log("--asset", a, "--from", "2026-03-10", "--to", "2026-03-12")] == [
        "agree_price", "contract_auction"]
    assert [r["asset"] for r in log("--trigger", "seize")] == [a, b]
    row = log("--trigger", "agree_price")[0]
    assert row["changes"]["price"] == [None, 50000000] and row["actor_office"] == "HG-VT"
    # scope: an officer reads its own office only; the administrator also reads office/user changes
    assert {r["office"] for r in log(actor="cv_dung")} == {"HG-NB"}
    assert any(r["office"] is None for r in log(actor="admin"))  # the first administrator, created with no office
    assert not any(r["office"] is None for r in log(actor="ksv"))
    # csv and table
    out = cli("audit", "log", "--asset", a, "--format", "csv", actor="ksv").output
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["trigger"] for r in rows][:2] == ["seize", "agree_price"]
    assert json.loads(rows[1]["changes"])["price"] == [None, 50000000]
    table = cli("audit", "log", "--asset", a, actor="ksv").output
    assert "agree_price" in table and "cv_ba" in table
    assert cli("audit", "log", "--from", "2026-05-01", "--to", "2026-04-01", actor="ksv").exit_code == 1
    r = cli("audit", "log", "--asset", a, actor="cv_dung")  # another branch's asset: refused and logged
    assert r.exit_code == 1 and "HG-VT" in r.output
    assert json.loads(cli("audit", "denied", "--json", actor="admin").output)[-1]["action"] == "audit log"
