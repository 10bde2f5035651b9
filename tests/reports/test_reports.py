"""The summary and stages reports, checked against figures computed by hand on a small
province built through the engine (services.assets.seize/advance with past dates).

Reporting year 2025 = 2024-10-01 .. 2025-09-30. HG-VT (officer cv_an):
  A1  seized 2024-09-02 (before the year), sold 2024-10-01 for 110M (appraised 100M), paid
      2024-10-15 under law2014 (30 days: due 2024-11-14), handed over 2024-11-20: 6 days late.
  A2  paid 2025-02-20 under decree2024 (60 days: due 2025-04-21), handed over 2025-04-25: 4 late.
  A3  paid 2025-02-20 (decree2024), handed over 2025-04-01: on time (it would be late under 30 days).
  A4  law2014, paid 2024-11-11 (due 2024-12-11), handed over 2024-12-01: on time.
  A5  sold 2024-11-07 (120M), cancelled 2024-11-20, auctioned again and sold 2024-12-23 (125M).
  A6  sold 2024-11-07 (120M), paid 2024-11-15, cancelled 2024-11-25.
  A7  auction failed 2024-11-07.
  A9  seized 2025-06-02 only.
  (Every auction day is within the window of the contract: 7 working days to 30 days.)
  A10 law2014, sold 2024-10-10, paid 2024-10-15, handover extended (60 days: due 2024-12-16), handed over
      2024-12-02: on time because of the extension (the deadline in force at handover).
HG-NB (officer cv_dung): A8 sold 2025-04-07 for 90M (appraised 80M), not paid.

By hand, HG-VT: seized 8 (A2..A7, A9, A10), priced 7, auctioned 9 (8 sales + 1 failure), sold 8,
cancelled 2 -> "2 of 8, 25.0%"; handed over 5, on time 3, late 2, median delay 5, worst 6;
realised 110+220+150+100+125+100 = 805M against 750M appraised (107.3%); days in `paid`:
36, 64, 40, 20, 10 (A6 until cancelled), 48 -> median 38.
HG-NB: seized 1, priced 1, auctioned 1, sold 1, "0 of 1, 0.0%", realised 90M / 80M (112.5%).
Total: "2 of 9, 22.2%", realised 895M / 830M (107.8%).
"""

from __future__ import annotations

import csv
import io
import json
import shutil

import pytest
from conftest import BACKENDS, Cli, _pg_url, drop_pg, fresh_pg

from auction_flow.features.admin import service as admin
from auction_flow.features.assets import service as svc
from auction_flow.features.reports import service as reports

M = 1_000_000
ORG_VT = "Công ty Đấu giá Hợp danh Cần Thơ"
ORG_NB = "Trung tâm Dịch vụ đấu giá tài sản tỉnh Hậu Giang"


def _walk(engine, seized_on, steps, office="HG-VT", officer="cv_an"):
    aid = svc.seize(engine, officer, "12/2025/QĐ-CCTHADS", office, "movable", "Xe ô tô Toyota Vios", on=seized_on)
    for trig, on, *rest in steps:
        sets = rest[0] if rest else {}
        actor = "ld_binh" if trig in ("cancel_result", "extend_handover") else officer
        reason = "Hủy kết quả / lý do" if trig in ("cancel_result", "extend_handover") else None
        svc.advance(engine, aid, trig, actor, on, [f"{k}={v}" for k, v in sets.items()], reason)
    return aid


def _sale(price, contract_on, auction_on, sale_price, org=ORG_VT):
    return [("agree_price", contract_on, {"price": price}),
            ("contract_auction", contract_on, {"auction_org": org, "auction_date": auction_on}),
            ("record_sale", auction_on, {"sale_price": sale_price, "buyer": "Lê Văn Tám",
                                          "deposit": sale_price // 10})]


def seed(engine):
    w = _walk
    w(engine, "2024-09-02", _sale(100 * M, "2024-09-06", "2024-10-01", 110 * M)
      + [("record_payment", "2024-10-15"), ("hand_over", "2024-11-20")])                       # A1
    w(engine, "2025-01-06", _sale(200 * M, "2025-01-10", "2025-02-10", 220 * M)
      + [("record_payment", "2025-02-20"), ("hand_over", "2025-04-25")])                       # A2
    w(engine, "2025-01-06", _sale(150 * M, "2025-01-10", "2025-02-10", 150 * M)
      + [("record_payment", "2025-02-20"), ("hand_over", "2025-04-01")])                       # A3
    w(engine, "2024-10-01", _sale(100 * M, "2024-10-08", "2024-11-07", 100 * M)
      + [("record_payment", "2024-11-11"), ("hand_over", "2024-12-01")])                       # A4
    w(engine, "2024-10-01", _sale(100 * M, "2024-10-08", "2024-11-07", 120 * M)
      + [("cancel_result", "2024-11-20", {"ground": "winner_violation", "document_no": "15/KL", "document_on": "2024-11-19", "issued_by": "CQĐT"}), ("reauction", "2024-11-21"),
         ("contract_auction", "2024-11-22", {"auction_org": ORG_VT, "auction_date": "2024-12-23"}),
         ("record_sale", "2024-12-23", {"sale_price": 125 * M, "buyer": "Trần Thị Hoa", "deposit": 12 * M})])     # A5
    w(engine, "2024-10-01", _sale(100 * M, "2024-10-08", "2024-11-07", 120 * M)
      + [("record_payment", "2024-11-15"), ("cancel_result", "2024-11-25", {"ground": "winner_violation", "document_no": "15/KL", "document_on": "2024-11-19", "issued_by": "CQĐT"})])  # A6
    w(engine, "2024-10-01", [("agree_price", "2024-10-03", {"price": 100 * M}),
                             ("contract_auction", "2024-10-08", {"auction_org": ORG_VT,
                                                                 "auction_date": "2024-11-07"}),
                             ("record_auction_failed", "2024-11-07")])                          # A7
    w(engine, "2025-03-03", _sale(80 * M, "2025-03-07", "2025-04-07", 90 * M, ORG_NB),
      office="HG-NB", officer="cv_dung")                                                          # A8
    w(engine, "2025-06-02", [])                                                                   # A9
    w(engine, "2024-10-01", _sale(100 * M, "2024-10-01", "2024-10-10", 100 * M)
      + [("record_payment", "2024-10-15"), ("extend_handover", "2024-11-01"),
         ("hand_over", "2024-12-02")])                                                            # A10


@pytest.fixture(scope="module", params=BACKENDS)
def province(request, tmp_path_factory, sqlite_template):
    """One seeded database per backend, shared by the read-only tests of this module."""
    from auction_flow.storage import db

    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("reports") / "province.db"
        shutil.copy(sqlite_template, path)
        url, name = f"sqlite:///{path}", None
    else:
        pg = request.getfixturevalue("pg_admin")
        name = fresh_pg(pg, request.getfixturevalue("pg_template"))
        url = _pg_url(name)
    engine = db.open_db(url)
    admin.init(url, "admin")
    admin.add_office(engine, "admin", "HG", "Cục THADS tỉnh Hậu Giang")
    admin.add_office(engine, "admin", "HG-VT", "Chi cục THADS TP Vị Thanh", "HG")
    admin.add_office(engine, "admin", "HG-NB", "Chi cục THADS TX Ngã Bảy", "HG")
    for username, role, office in [("cv_an", "officer", "HG-VT"), ("cv_dung", "officer", "HG-NB"),
                                   ("ld_binh", "supervisor", "HG-VT"), ("ld_tinh", "supervisor", "HG")]:
        admin.add_user(engine, "admin", username, role, office)
    seed(engine)
    yield url
    if name is None:
        db.get_engine(url).dispose()
    else:
        drop_pg(request.getfixturevalue("pg_admin"), name)


def _summary(url, actor="ld_tinh", **kw):
    from auction_flow.storage import db

    return reports.summary(db.open_db(url), actor, year=kw.pop("year", 2025), **kw)


def test_summary_figures_by_office_match_hand_computed_values(province):
    data = _summary(province)
    assert str(data["from"]) == "2024-10-01" and str(data["to"]) == "2025-09-30"
    g = {row["key"]: row for row in data["groups"]}
    assert set(g) == {"HG-NB", "HG-VT"}
    vt, nb, total = g["HG-VT"], g["HG-NB"], data["total"]
    assert (vt["seized"], vt["priced"], vt["auctioned"], vt["sold"], vt["cancelled"]) == (8, 7, 9, 8, 2)
    assert vt["cancellation_rate"] == "2 of 8, 25.0%" and vt["cancellations_recorded"] == 2
    assert (vt["handed_over"], vt["handed_over_on_time"], vt["handed_over_late"]) == (5, 3, 2)
    assert (vt["delay_median_days"], vt["delay_worst_days"]) == (5, 6)
    assert (vt["realised"], vt["appraised"], vt["realised_pct"]) == (805 * M, 750 * M, 107.3)
    assert vt["stage_median_days"]["paid"] == 38
    assert vt["stage_median_days"]["auction_cancelled"] == 1  # A5: cancelled 11-20, re-auctioned 11-21
    assert (nb["seized"], nb["priced"], nb["auctioned"], nb["sold"], nb["cancelled"]) == (1, 1, 1, 1, 0)
    assert nb["cancellation_rate"] == "0 of 1, 0.0%"
    assert nb["handed_over"] == 0 and nb["delay_median_days"] is None
    assert (nb["realised"], nb["appraised"], nb["realised_pct"]) == (90 * M, 80 * M, 112.5)
    assert nb["stage_median_days"]["seized"] == 4  # 2025-03-03 -> agree_price 2025-03-07
    assert total["cancellation_rate"] == "2 of 9, 22.2%"
    assert (total["seized"], total["sold"], total["handed_over_late"]) == (9, 9, 2)
    assert (total["realised"], total["appraised"], total["realised_pct"]) == (895 * M, 830 * M, 107.8)
    for k in ("alerts_raised", "complaints_received", "complaints_resolved_on_time"):
        assert total[k] in (0, None)  # nothing raised in this data set; None when the table is absent
    assert set(data["available"]) == {"alerts", "complaints"}


def test_late_handover_under_each_regime_uses_the_deadline_in_force(province):
    # Only A1's year-2024 quarter: law2014, 30 days -> 6 days late; A10 was extended -> on time.
    q4 = _summary(province, year=None, start="2024-10-01", end="2024-12-31")["total"]
    assert (q4["handed_over"], q4["handed_over_on_time"], q4["handed_over_late"]) == (3, 2, 1)
    assert q4["delay_worst_days"] == 6
    # 2025: decree2024, 60 days: A2 late by 4, A3 on time after 40 days.
    h1 = _summary(province, year=None, start="2025-01-01", end="2025-06-30")["total"]
    assert (h1["handed_over"], h1["handed_over_on_time"], h1["handed_over_late"]) == (2, 1, 1)
    assert (h1["delay_median_days"], h1["delay_worst_days"]) == (4, 4)


def test_a_branch_supervisor_sees_only_its_branch(province):
    data = _summary(province, actor="ld_binh")
    assert [g["key"] for g in data["groups"]] == ["HG-VT"]
    assert data["total"]["cancellation_rate"] == "2 of 8, 25.0%"
    data = _summary(province, actor="cv_dung")
    assert [g["key"] for g in data["groups"]] == ["HG-NB"]


def test_by_officer_and_by_auction_organisation(province):
    by_officer = {g["key"]: g for g in _summary(province, by="officer")["groups"]}
    assert set(by_officer) == {"cv_an", "cv_dung"} and by_officer["cv_an"]["sold"] == 8
    by_org = {g["key"]: g for g in _summary(province, by="auction-org")["groups"]}
    assert by_org[ORG_NB]["sold"] == 1 and by_org[ORG_VT]["cancellation_rate"] == "2 of 8, 25.0%"
    assert by_org["-"]["seized"] == 1  # A9 has no auction organisation yet
    by_appraiser = _summary(province, by="appraisal-org")["groups"]
    assert [g["key"] for g in by_appraiser] == ["-"]


def test_cli_formats_json_csv_xlsx_with_vietnamese(province, tmp_path):
    cli = Cli(province)
    r = cli("report", "summary", "--year", "2025", "--json", actor="ld_tinh")
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["total"]["cancellation_rate"] == "2 of 9, 22.2%"
    r = cli("report", "summary", "--year", "2025", "--format", "csv", "--lang", "vi", actor="ld_tinh")
    rows = list(csv.reader(io.StringIO(r.output)))
    assert rows[0][0] == "Đơn vị" and rows[0][6] == "Tỷ lệ hủy"
    assert rows[-1][0] == "TỔNG" and rows[-1][6] == "2 trên 9, 22,2%"
    out = tmp_path / "bao-cao.xlsx"
    r = cli("report", "summary", "--year", "2025", "--by", "auction-org", "--format", "xlsx",
            "--output", str(out), "--lang", "vi", actor="ld_tinh")
    assert r.exit_code == 0, r.output
    from openpyxl import load_workbook

    ws = load_workbook(out).worksheets[0]
    values = [[c.value for c in row] for row in ws.iter_rows()]
    assert values[0][0] == "Báo cáo tổng hợp từ 2024-10-01 đến 2025-09-30"
    assert values[2][0] == "Tổ chức đấu giá"
    names = [row[0] for row in values[3:]]
    assert ORG_VT in names and ORG_NB in names and names[-1] == "TỔNG"
    assert values[-1][13] == 895 * M
    r = cli("report", "summary", "--year", "2025", "--format", "xlsx", actor="ld_tinh")
    assert r.exit_code == 2 and "--output" in r.output  # a malformed command line
    r = cli("report", "summary", "--year", "2025", actor="ld_tinh")
    assert "2 of 8, 25.0%" in r.output and "805.000.000 ₫" in r.output


@pytest.mark.parametrize("ext", ["svg", "png"])
def test_stages_chart_is_written(province, tmp_path, ext):
    cli = Cli(province)
    chart = tmp_path / f"stages.{ext}"
    r = cli("report", "stages", "--year", "2025", "--chart", str(chart), actor="ld_tinh")
    assert r.exit_code == 0, r.output
    assert chart.stat().st_size > 1000
    head = chart.read_bytes()[:200]
    assert (b"<svg" in chart.read_bytes()) if ext == "svg" else head.startswith(b"\x89PNG")
    r = cli("report", "stages", "--year", "2025", "--json", actor="ld_tinh")
    rows = json.loads(r.output)["rows"]
    paid = [x for x in rows if x["office"] == "HG-VT" and x["stage"] == "paid"][0]
    assert (paid["median_days"], paid["count"], paid["worst_days"]) == (38, 6, 64)


def test_period_options_are_checked(province):
    cli = Cli(province)
    r = cli("report", "summary", "--from", "2025-01-01", actor="ld_tinh")
    assert r.exit_code == 1 and "--to" in r.output
    r = cli("report", "summary", "--from", "2025-02-01", "--to", "2025-01-01", actor="ld_tinh")
    assert r.exit_code == 1
    r = cli("report", "stages", "--year", "2025", "--chart", "x.pdf", actor="ld_tinh")
    assert r.exit_code == 2 and ".svg" in r.output


def test_cancellation_rate_counts_the_periods_sales_later_cancelled(province):
    # 2024-11-15 .. 12-31: one sale (A5's second, not cancelled); two cancellations recorded
    # (A5's and A6's first sales, made on 2024-11-07, before the period)
    t = _summary(province, year=None, start="2024-11-15", end="2024-12-31")["total"]
    assert (t["sold"], t["cancelled"], t["cancellation_rate"], t["cancellations_recorded"]) == (
        1, 0, "0 of 1, 0.0%", 2)
    # 2024-11-01 .. 11-10: the three sales of 2024-11-07, two of them cancelled later
    t = _summary(province, year=None, start="2024-11-01", end="2024-11-10")["total"]
    assert (t["sold"], t["cancellation_rate"], t["cancellations_recorded"]) == (3, "2 of 3, 66.7%", 0)
    assert t["realised"] == 100 * M  # only A4's sale stood
