"""What the command line prints for people comes in the language asked for (--lang or
AUCTION_FLOW_LANG): Vietnamese for vi, otherwise English exactly as before. State and trigger
names, usernames, codes, dates and numbers stay as they are in both; JSON does not change."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from conftest import Cli, lines
from conftest import one_line as _one

from auction_flow.common.config import today
from auction_flow.core import workflow as workflow_mod


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_init_and_upgrade(empty_db_url, lang):
    cli = Cli(empty_db_url)
    init = _one(cli("--lang", lang, "init", "--admin", "admin", "--password-stdin"))
    upgraded = _one(cli("--lang", lang, "db", "upgrade"))
    rev = upgraded.rsplit(" ", 1)[1]
    if lang == "vi":
        assert init.startswith("đã khởi tạo ") and init.endswith(" với quản trị viên admin")
        assert upgraded == f"lược đồ cơ sở dữ liệu ở phiên bản {rev}"
    else:
        assert init.startswith("initialised ") and init.endswith(" with administrator admin")
        assert upgraded == f"schema at revision {rev}"


def test_set_up_lines_in_vietnamese(world, cli):
    assert _one(cli("--lang", "vi", "office", "add", "HG-LM", "Chi cục THADS Long Mỹ", "--parent", "HG",
                    actor="admin")) == "đã thêm đơn vị HG-LM"
    assert _one(cli("user", "add", "cv_em", "--role", "officer", "--office", "HG-LM", "--lang", "vi",
                    "--password-stdin", actor="admin")) == "đã thêm người dùng cv_em (officer)"
    assert _one(cli("--lang", "vi", "holiday", "add", "2026-12-31", "Nghỉ bù", actor="admin")) == \
        "đã ghi nhận 2026-12-31 là ngày nghỉ"
    assert _one(cli("--lang", "vi", "holiday", "workday", "2027-01-09", "Làm bù", actor="admin")) == \
        "đã ghi nhận 2027-01-09 là ngày làm việc (làm bù)"
    valid = _one(cli("--lang", "vi", "workflow", "validate"))
    wf = workflow_mod.get()  # the counts follow the shipped definition
    assert valid.endswith(f": hợp lệ (asset_auction v{wf.version}, {len(wf.states)} trạng thái, "
                          f"{len(wf.triggers)} thao tác, chế độ pháp lý law2014, decree2024, law2025)")
    offices = lines(cli("--lang", "vi", "office", "list"))
    assert offices[0].split() == ["MÃ", "TÊN", "ĐƠN", "VỊ", "CẤP", "TRÊN"]
    assert any(l.startswith("HG-LM ") for l in offices)
    days = lines(cli("--lang", "vi", "holiday", "list", "--year", "2027"))
    assert days[0].split() == ["NGÀY", "THỨ", "LOẠI", "TÊN", "NGÀY"]
    assert [l.split()[:3] for l in days if l.startswith("2027-01-09")] == [["2027-01-09", "T7", "làm"]]
    shown = cli("--lang", "vi", "workflow", "show").output
    assert "THAO TÁC" in shown and "trạng thái cuối" in shown and "TRIGGER" not in shown


def test_set_up_lines_in_english_are_unchanged(world, cli):
    assert _one(cli("office", "add", "HG-LM", "Chi cục THADS Long Mỹ", "--parent", "HG", actor="admin")) == \
        "office HG-LM added"
    assert _one(cli("user", "add", "cv_em", "--role", "officer", "--office", "HG-LM", "--password-stdin",
                    actor="admin")) == \
        "user cv_em (officer) added"
    assert _one(cli("holiday", "add", "2026-12-31", "Nghỉ bù", actor="admin")) == "2026-12-31 recorded as a day off"
    assert _one(cli("--lang", "en", "holiday", "workday", "2027-01-09", "Làm bù", actor="admin")) == \
        "2027-01-09 recorded as a working day"
    wf = workflow_mod.get()
    assert _one(cli("workflow", "validate")).endswith(
        f": valid (asset_auction v{wf.version}, {len(wf.states)} states, {len(wf.triggers)} triggers, "
        "regimes law2014, decree2024, law2025)")
    assert lines(cli("office", "list"))[0].split() == ["CODE", "NAME", "PARENT"]
    days = lines(cli("holiday", "list", "--year", "2027"))
    assert days[0].split() == ["DATE", "DAY", "KIND", "NAME"]
    assert [l.split()[:3] for l in days if l.startswith("2027-01-09")] == [["2027-01-09", "Sat", "workday"]]
    shown = cli("workflow", "show").output
    assert "TRIGGER" in shown and "final" in shown


def _seize(cli) -> str:
    return _one(cli("asset", "seize", "-q", "--case", "1/2025/QĐ-CCTHADS", "--office", "HG-VT", "--kind", "movable",
                    "--description", "Xe máy", "--on", "2025-03-03", actor="cv_an"))


def test_asset_and_alert_lines_in_vietnamese(world, cli):
    aid = _seize(cli)
    assert _one(cli("--lang", "vi", "alerts", "scan", "--now", "2025-03-20")) == \
        "quét cảnh báo ngày 2025-03-20: phát sinh 1, đã đóng 0, được thay thế 0, mở lại 0"
    [alert] = json.loads(cli("alerts", "list", "--json", actor="cv_an").output)
    assert _one(cli("--lang", "vi", "alerts", "ack", alert["id"], "--reason", "đang liên hệ", actor="cv_an")) == \
        f"đã xác nhận cảnh báo {alert['id']}"
    until = today() + dt.timedelta(days=3)
    assert _one(cli("--lang", "vi", "alerts", "snooze", alert["id"], "--until", until, "--reason", "chờ",
                    actor="ld_binh")) == f"đã tạm hoãn cảnh báo {alert['id']} đến ngày {until}"
    alert = json.loads(cli("alerts", "show", alert["id"], "--json", actor="cv_an").output)
    shown = lines(cli("--lang", "vi", "alerts", "show", alert["id"], actor="cv_an"))
    assert shown[:4] == [f"cảnh báo {alert['id']}: quá thời hạn giai đoạn/quá hạn [tạm hoãn]",
                         f"tài sản {aid} (1/2025/QĐ-CCTHADS, Xe máy) đơn vị HG-VT, chấp hành viên cv_an",
                         f"trạng thái Đã kê biên từ ngày 2025-03-03; hạn {alert['deadline']} "
                         f"(trễ {alert['days_late']} ngày)",
                         f"căn cứ pháp lý: {alert['basis']} [{alert['regime']}]"]
    assert f"tạm hoãn đến ngày {until}" in shown and "người xử lý ld_binh: chờ" in shown
    assert shown[-1].endswith(f" tạm hoãn đến ngày {until}, người thực hiện ld_binh: chờ")
    assert lines(cli("--lang", "vi", "alerts", "list", actor="cv_an"))[0].split()[:3] == ["SỐ", "MỨC", "LOẠI"]
    assert _one(cli("--lang", "vi", "asset", "advance", aid, "agree_price", "--set", "price=850000000",
                    "--on", "2025-03-05", actor="cv_an")) == \
        f"tài sản {aid}: Đã kê biên -> Đã xác định giá ngày 2025-03-05, hạn 2025-03-17"
    assert _one(cli("--lang", "vi", "asset", "reassign", aid, "--to", "cv_ba", "--reason", "nghỉ phép",
                    actor="ld_binh")) == f"tài sản {aid}: chấp hành viên cv_an -> cv_ba"
    assert _one(cli("--lang", "vi", "asset", "correct", aid, "--set", "description=Xe máy Honda", "--reason",
                    "sai tên", actor="cv_ba")) == f"đã sửa tài sản {aid}: description: 'Xe máy' -> 'Xe máy Honda'"
    assert lines(cli("--lang", "vi", "asset", "list", actor="ld_binh"))[0].split()[:3] == ["SỐ", "VỤ", "VIỆC"]
    assert _one(cli("--lang", "vi", "scheduler", "status")) == "chưa có tác vụ nào (bộ lập lịch chưa từng chạy)"


def test_asset_and_alert_lines_in_english_are_unchanged(world, cli):
    aid = _seize(cli)
    assert _one(cli("alerts", "scan", "--now", "2025-03-20")) == \
        "scan of 2025-03-20: raised 1, resolved 0, superseded 0, reopened 0"
    [alert] = json.loads(cli("alerts", "list", "--json", actor="cv_an").output)
    assert _one(cli("alerts", "ack", alert["id"], "--reason", "calling the buyer", actor="cv_an")) == \
        f"alert {alert['id']} acknowledged"
    until = today() + dt.timedelta(days=3)
    assert _one(cli("alerts", "snooze", alert["id"], "--until", until, "--reason", "wait", actor="ld_binh")) == \
        f"alert {alert['id']} snoozed until {until}"
    alert = json.loads(cli("alerts", "show", alert["id"], "--json", actor="cv_an").output)
    shown = lines(cli("alerts", "show", alert["id"], actor="cv_an"))
    assert shown[:4] == [f"alert {alert['id']}: stalled/overdue [snoozed]",
                         f"asset {aid} (1/2025/QĐ-CCTHADS, Xe máy) office HG-VT, officer cv_an",
                         f"state seized entered 2025-03-03; deadline {alert['deadline']} "
                         f"({alert['days_late']} days late)",
                         f"legal basis: {alert['basis']} [{alert['regime']}]"]
    assert f"snoozed until {until}" in shown and "handled by ld_binh: wait" in shown
    assert shown[-1].endswith(f" snoozed until {until} by ld_binh: wait")
    assert lines(cli("alerts", "list", actor="cv_an"))[0].split()[:3] == ["ID", "LEVEL", "RULE"]
    assert _one(cli("asset", "advance", aid, "agree_price", "--set", "price=850000000", "--on", "2025-03-05",
                    actor="cv_an")) == f"asset {aid}: seized -> priced on 2025-03-05, deadline 2025-03-17"
    assert _one(cli("asset", "reassign", aid, "--to", "cv_ba", "--reason", "leave", actor="ld_binh")) == \
        f"asset {aid}: officer cv_an -> cv_ba"
    assert _one(cli("asset", "correct", aid, "--set", "description=Xe máy Honda", "--reason", "typo",
                    actor="cv_ba")) == f"asset {aid} corrected: description: 'Xe máy' -> 'Xe máy Honda'"
    assert lines(cli("asset", "list", actor="ld_binh"))[0].split()[:2] == ["ID", "CASE"]
    assert _one(cli("scheduler", "status")) == "no jobs (never started)"


def test_the_language_may_come_from_the_environment_and_json_does_not_change(world, cli, monkeypatch):
    aid = _seize(cli)
    english = json.loads(cli("asset", "advance", aid, "agree_price", "--set", "price=850000000",
                             "--on", "2025-03-05", "--json", actor="cv_an").output)
    monkeypatch.setenv("AUCTION_FLOW_LANG", "vi")
    assert _one(cli("alerts", "scan", "--now", "2025-03-06")).startswith("quét cảnh báo ngày 2025-03-06: ")
    vietnamese = json.loads(cli("asset", "advance", aid, "contract_auction", "--set", "auction_org=Công ty ĐG",
                                "--set", "auction_date=2025-04-09", "--on", "2025-03-10", "--json",
                                actor="cv_an").output)
    assert set(english) == set(vietnamese) and vietnamese["to_state"] == "auction_contracted"
    assert _one(cli("--lang", "en", "alerts", "scan", "--now", "2025-03-11")).startswith("scan of 2025-03-11: ")
