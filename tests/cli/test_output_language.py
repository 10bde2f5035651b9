"""The last texts that were English only now follow the reader's language: a complaint's line,
the detail lines of `audit signals`, the chart line of `report stages`, and the two fallback
error lines. Vietnamese for --lang vi (or AUCTION_FLOW_LANG=vi), English exactly as before
otherwise; codes, usernames, numbers and dates are the same in both."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from conftest import Cli, lines
from conftest import one_line as _one

from auction_flow.common.render import money
from auction_flow.features.assets import service as svc
from auction_flow.features.complaints import service as comp


@pytest.fixture
def asset(world):
    return svc.seize(world, "cv_an", "1/2025", "HG-VT", "real_estate", "Nhà đất", on="2025-11-03")


def _clocks(cli, cid) -> dict:
    [c] = [x for x in json.loads(cli("complaint", "list", "--json", actor="ksv").output) if x["id"] == cid]
    return c


# --- complaints -------------------------------------------------------------------------------

def test_complaint_lines_in_both_languages(world, asset, cli):
    add = ["complaint", "add", "--asset", asset, "--kind", "complaint", "--received", "2026-02-12",
           "--by", "Trần Văn B", "--about", "Giá khởi điểm quá thấp", "--coercion"]
    english = _one(cli(*add, actor="cv_an"))
    first = json.loads(cli("complaint", "list", "--json", actor="ksv").output)[0]["id"]
    clock = _clocks(cli, first)["accept_clock"]
    assert english == (f"complaint {first} (complaint, first, coercion) on asset {asset}: received; "
                       f"accept by 2026-02-26 [{clock}]")
    vietnamese = _one(cli("--lang", "vi", *add, actor="cv_an"))
    second = first + 1
    vi_clock = {"overdue": "quá hạn", "running": "đang chạy"}[clock]  # labels in Vietnamese (issue 15)
    assert vietnamese == (f"khiếu nại số {second} (khiếu nại, lần đầu, cưỡng chế) về tài sản {asset}: đã nhận; "
                          f"hạn thụ lý 2026-02-26 [{vi_clock}]")

    accepted = _one(cli("complaint", "accept", first, "--on", "2026-02-23", "--complex", actor="ld_binh"))
    clock = _clocks(cli, first)["resolve_clock"]
    assert accepted == (f"complaint {first} (complaint, first, coercion, complex) on asset {asset}: accepted; "
                        f"accept by 2026-02-26 [met]; resolve by 2026-04-24 [{clock}]")
    accepted = _one(cli("complaint", "accept", second, "--on", "2026-02-23", "--complex", "--lang", "vi",
                        actor="ld_binh"))
    vi_clock = {"overdue": "quá hạn", "running": "đang chạy"}[clock]
    assert accepted == (f"khiếu nại số {second} (khiếu nại, lần đầu, cưỡng chế, phức tạp) về tài sản {asset}: "
                        f"đã thụ lý; hạn thụ lý 2026-02-26 [đúng hạn]; hạn giải quyết 2026-04-24 [{vi_clock}]")

    resolved = _one(cli("complaint", "resolve", first, "--on", "2026-03-20", "--outcome", "Không có căn cứ",
                        actor="ld_binh"))
    assert resolved == (f"complaint {first} (complaint, first, coercion, complex) on asset {asset}: resolved; "
                        f"accept by 2026-02-26 [met]; resolve by 2026-04-24 [met]")


def test_a_denunciation_reads_as_to_cao(world, asset, cli, monkeypatch):
    add = ["complaint", "add", "--asset", asset, "--kind", "denunciation", "--received", "2026-02-12",
           "--by", "Lê C", "--about", "Thông đồng dìm giá"]
    monkeypatch.setenv("AUCTION_FLOW_LANG", "vi")  # the language may come from the environment
    line = _one(cli(*add, actor="cv_an"))
    assert line.startswith("tố cáo số 1 (tố cáo, lần đầu) về tài sản ")
    assert "accept by" not in line and "hạn thụ lý 2026-02-26 [" in line
    assert _one(cli("--lang", "en", *add, actor="cv_an")).startswith("complaint 2 (denunciation, first) on asset ")


# --- audit signals ----------------------------------------------------------------------------

def _signal_walk(engine) -> str:
    """One branch asset: priced by a province supervisor (outside its office), four price cuts, a
    sale at 65.6 % of the appraisal, then handed over while a complaint is open."""
    day = dt.date(2026, 2, 2)

    def step(trigger, *sets, who="cv_an", days=2):
        nonlocal day
        day += dt.timedelta(days=days)
        svc.advance(engine, aid, trigger, who, on=day, sets=list(sets))

    aid = svc.seize(engine, "cv_an", "9/2026", "HG-VT", "movable", "Xe", on=day)
    price = 100_000_000
    step("agree_price", f"price={price}", who="ld_tinh")
    for _ in range(4):
        step("contract_auction", "auction_org=ĐG", f"auction_date={day + dt.timedelta(days=20)}")
        step("record_auction_failed", days=20)
        price = price * 9 // 10 + 1
        step("reduce_price", f"price={price}")
    step("contract_auction", "auction_org=ĐG", f"auction_date={day + dt.timedelta(days=20)}")
    step("record_sale", f"sale_price={price}", "buyer=Phạm Thị Mai", f"deposit={price // 10}", days=20)
    step("record_payment")
    c = comp.add(engine, "cv_an", aid, "complaint", day, "Nguyễn Văn C", "giao tài sản")
    comp.accept(engine, "ld_binh", c["id"], on=day + dt.timedelta(days=1))
    step("hand_over", days=5)
    return aid


TRIGGERS_VI = {"agree_price": "Thỏa thuận được giá", "record_sale": "Ghi nhận trúng đấu giá",
               "hand_over": "Giao tài sản", "reduce_price": "Giảm giá tài sản"}


def _expected(data: dict, lang: str) -> list[str]:
    """What signals_text should print, written out independently for each language."""
    vi = lang == "vi"
    out = [("ngưỡng" if vi else "thresholds") + ": "
           + ", ".join(f"{k}={v}" for k, v in data["thresholds"].items())]
    names = {"backdated": "ghi nhận lùi ngày", "outside_office": "thao tác ngoài đơn vị",
             "low_sale": "bán thấp xa giá thẩm định", "price_reductions": "giảm giá nhiều lần",
             "handover_open_complaint": "giao tài sản khi đang có khiếu nại"}
    for s in data["signals"]:
        subject = s["subject"]
        if vi and subject.startswith("asset "):
            subject = "tài sản " + subject[len("asset "):]
        value = ", ".join(map(str, s["value"])) if isinstance(s["value"], list) else str(s["value"])
        name = names[s["signal"]] if vi else s["signal"]
        who = s["evidence"][0]
        sentence = {
            "outside_office": (f"{who['actor']} thuộc {who['actor_office']} ghi một bước trên tài sản của "
                               f"{s['office']}, ngoài đơn vị mình") if vi else
                              (f"{who['actor']} of {who['actor_office']} recorded a step on an asset of "
                               f"{s['office']}, outside its own office"),
            "low_sale": (f"{subject} ({s['office']}) bán bằng {value}% giá thẩm định (ngưỡng {s['threshold']}%)"
                         if vi else f"{subject} ({s['office']}) sold at {value}% of its appraised price "
                                    f"(threshold {s['threshold']}%)"),
            "price_reductions": (f"{subject} ({s['office']}): bị giảm giá {value} lần (ngưỡng {s['threshold']})"
                                 if vi else f"{subject} ({s['office']}): its price was cut {value} times "
                                            f"(threshold {s['threshold']})"),
            "handover_open_complaint": (f"{subject} ({s['office']}) được giao khi khiếu nại số {value} chưa giải "
                                        f"quyết xong" if vi else f"{subject} ({s['office']}) was handed over "
                                                                 f"while complaint {value} was open"),
        }[s["signal"]]
        out += ["", f"[{name}] {sentence}"]
        if s["signal"] == "low_sale":
            sold, appraised = money(s["sale_price"]), money(s["appraised_price"])
            out.append(f"  giá bán {sold}, giá thẩm định {appraised}" if vi
                       else f"  sold {sold} against appraised {appraised}")
        for c in s.get("complaints", []):
            noun = {"complaint": "khiếu nại", "denunciation": "tố cáo"}[c["kind"]]
            out.append(f"  {noun} số {c['id']} chưa giải quyết xong, nhận ngày {c['received_on']}, "
                       f"người gửi {c['by']}" if vi
                       else f"  open {c['kind']} #{c['id']} received {c['received_on']} from {c['by']}")
        for e in s["evidence"]:
            at = dt.datetime.fromisoformat(e["recorded_at"]).strftime("%Y-%m-%d %H:%M")
            office = e["actor_office"] or "-"
            trigger = TRIGGERS_VI.get(e["trigger"], e["trigger"])
            out.append(f"  dòng {e['id']}: tài sản {e['asset']} {trigger} ngày {e['business_date']}, "
                       f"người thực hiện {e['actor']} ({office}), ghi lúc {at}" if vi
                       else f"  row {e['id']}: asset {e['asset']} {e['trigger']} on {e['business_date']} by "
                            f"{e['actor']} ({office}), recorded {at}")
    return out


def test_signal_details_in_both_languages(world, cli):
    aid = _signal_walk(world)
    args = ["audit", "signals", "--threshold", "backdated_days=100000"]
    data = json.loads(cli(*args, "--json", actor="ld_tinh").output)
    assert {s["signal"] for s in data["signals"]} == {"outside_office", "low_sale", "price_reductions",
                                                       "handover_open_complaint"}
    english = lines(cli(*args, actor="ld_tinh"))
    assert english == _expected(data, "en")
    assert f"[low_sale] asset {aid} (HG-VT) sold at 65.6% of its appraised price (threshold 70%)" in english
    assert "  sold 65.610.001 ₫ against appraised 100.000.000 ₫" in english
    vietnamese = lines(cli("--lang", "vi", *args, actor="ld_tinh"))
    assert vietnamese == _expected(data, "vi")
    assert f"[bán thấp xa giá thẩm định] tài sản {aid} (HG-VT) bán bằng 65.6% giá thẩm định (ngưỡng 70%)" in vietnamese
    assert "  giá bán 65.610.001 ₫, giá thẩm định 100.000.000 ₫" in vietnamese
    assert "[thao tác ngoài đơn vị] ld_tinh thuộc HG ghi một bước trên tài sản của HG-VT, ngoài đơn vị mình" in vietnamese
    assert any(x.startswith("  khiếu nại số 1 chưa giải quyết xong, nhận ngày ") and
               x.endswith(", người gửi Nguyễn Văn C") for x in vietnamese)
    for word in ("threshold", "office ", "sold ", "appraised", "open ", "received ", "row ", "recorded "):
        assert not [x for x in vietnamese if word in x], word


def test_no_signals(world, cli):
    assert lines(cli("--lang", "vi", "audit", "signals", actor="ksv"))[1:] == ["không có dấu hiệu nào"]
    assert lines(cli("audit", "signals", actor="ksv"))[1:] == ["no signals"]


# --- report stages --chart --------------------------------------------------------------------

def test_the_chart_line_of_report_stages(world, cli, tmp_path):
    aid = svc.seize(world, "cv_an", "3/2025", "HG-VT", "movable", "Xe ô tô", on="2024-11-04")
    svc.advance(world, aid, "agree_price", "cv_an", "2024-11-15", ["price=100000000"])
    chart = tmp_path / "giai-doan.svg"
    english = lines(cli("report", "stages", "--year", "2025", "--chart", chart, actor="ld_tinh"))
    assert english[0] == "Days in each stage (median) (2024-10-01 .. 2025-09-30)"
    assert english[-1] == f"chart: {chart}"
    vietnamese = lines(cli("report", "stages", "--year", "2025", "--chart", chart, "--lang", "vi",
                           actor="ld_tinh"))
    assert vietnamese[0] == "Số ngày ở mỗi giai đoạn (trung vị) (2024-10-01 .. 2025-09-30)"
    assert vietnamese[-1] == f"biểu đồ: {chart}"
    assert english[1:-1] != [] and len(vietnamese) == len(english)
    assert b"<svg" in chart.read_bytes()


# --- the fallback error lines -----------------------------------------------------------------

def _error(url, *args, env_lang=None, monkeypatch=None) -> str:
    if env_lang:
        monkeypatch.setenv("AUCTION_FLOW_LANG", env_lang)
    r = Cli(url)(*args, actor="admin")
    assert r.exit_code == 1, r.output
    [line] = r.stderr.splitlines()
    return line


def test_the_database_could_not_be_used(tmp_path, monkeypatch):
    url = str(tmp_path)  # a folder where the database file should be: SQLite cannot open it
    english = _error(url, "office", "list")
    assert english == ("error: the database could not be used: (sqlite3.OperationalError) "
                       "unable to open database file")
    vietnamese = _error(url, "--lang", "vi", "office", "list")
    assert vietnamese == ("error: không dùng được cơ sở dữ liệu: (sqlite3.OperationalError) "
                          "unable to open database file")
    assert _error(url, "office", "list", env_lang="vi", monkeypatch=monkeypatch) == vietnamese
    assert _error(url, "office", "list", "--lang", "en") == english


def test_a_file_that_is_not_a_database_is_named_as_such(tmp_path, monkeypatch):
    """A corrupt or foreign file is the database's problem, not an internal error of ours."""
    bogus = tmp_path / "not-a-database.db"
    bogus.write_bytes(b"this is not an SQLite database, only some bytes\n" * 64)
    english = _error(str(bogus), "asset", "list")
    assert english == "error: the database could not be used: (sqlite3.DatabaseError) file is not a database"
    vietnamese = _error(str(bogus), "asset", "list", "--lang", "vi")
    assert vietnamese == "error: không dùng được cơ sở dữ liệu: (sqlite3.DatabaseError) file is not a database"
    assert _error(str(bogus), "asset", "list", env_lang="vi", monkeypatch=monkeypatch) == vietnamese


def test_an_internal_error_says_so_in_the_readers_language(world, db_url, monkeypatch):
    from auction_flow.features.assets import service as svc_assets

    def broken(*args, **kwargs):
        raise KeyError("boom")

    monkeypatch.setattr(svc_assets, "list_assets", broken)
    english = _error(db_url, "--as", "cv_an", "asset", "list")
    assert english == "error: internal error (KeyError: 'boom'); set AUCTION_FLOW_DEBUG=1 for details"
    vietnamese = _error(db_url, "--as", "cv_an", "--lang", "vi", "asset", "list")
    assert vietnamese == "error: lỗi nội bộ (KeyError: 'boom'); đặt AUCTION_FLOW_DEBUG=1 để xem chi tiết"


def test_refusals_follow_the_language_of_the_environment(tmp_path, monkeypatch):
    """An AuctionFlowError in the same handler: AUCTION_FLOW_LANG counts when --lang is not given."""
    url = str(tmp_path / "empty.db")
    (tmp_path / "empty.db").touch()  # an empty file: a database without the schema
    english = _error(url, "asset", "list")
    assert english.startswith("error: the database sqlite:///") and "has no auction-flow schema yet" in english
    vietnamese = _error(url, "asset", "list", env_lang="vi", monkeypatch=monkeypatch)
    assert vietnamese.startswith("error: cơ sở dữ liệu sqlite:///") and "chưa có lược đồ auction-flow" in vietnamese
    assert _error(url, "--lang", "en", "asset", "list") == english


def test_help_does_not_load_the_messages():
    import subprocess
    import sys

    code = ("import sys; from cli import main; from click.testing import CliRunner; "
            "r = CliRunner().invoke(main, ['--help']); assert r.exit_code == 0; "
            "print(sorted(m for m in ('auction_flow.i18n', 'auction_flow.config', 'sqlalchemy') "
            "if m in sys.modules))")
    import pathlib

    root = pathlib.Path(__file__).resolve().parents[2]
    out = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr
