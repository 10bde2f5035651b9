"""The demo: a whole province on an empty database, a reporting year of assets pushed through
the real engine under a simulated clock, then what a supervisor would look at first."""

from __future__ import annotations

import datetime as dt
import random
import shlex
import time
from pathlib import Path

from auction_flow.common.config import db_url, default_db_path, simulated_now
from auction_flow.common.render import table
from auction_flow.common.words import message, term
from auction_flow.core.calendar import WorkCalendar
from auction_flow.core.workflow import procuracy_section
from auction_flow.core.reading_day import record_demo_day
from auction_flow.demo import data as demo_data
from auction_flow.features.admin import service as admin
from auction_flow.features.alerts import service as alerts
from auction_flow.features.assets import service as assets_svc
from auction_flow.features.casefile import parties as casefile_parties
from auction_flow.features.complaints import service as complaints
from auction_flow.features.identity import local
from auction_flow.features.identity import service as identity
from auction_flow.features.procuracy import service as procuracy
from auction_flow.features.reports import service as reports
from auction_flow.features.supervision import service as audit
from auction_flow.features.supervision.signals import sentence as signal_sentence
from auction_flow.storage import db


LABELLED = (("rule", "rule"), ("level", "level"), ("state", "state"))


def _fresh_url(explicit: str | None) -> str:
    if explicit:
        return db_url(explicit)
    path = default_db_path().with_name("demo.db")
    path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    return f"sqlite:///{path}"


# Every demo user's password, printed by the demo (a demo province is no place for secrets).
PASSWORD = "demo-HauGiang-2020"
SIGNED_IN = "ld_tinh"  # the provincial supervisor, signed in by the demo so that its hints work


def build(url: str, seed: int = 2020, year: int = 2020) -> dict:
    """Create the province and play the year; return what was built."""
    rng = random.Random(seed)
    plan = demo_data.build(year, rng, WorkCalendar())
    hashed = identity.hash_password(PASSWORD)  # one hash for all: they share the printed password anyway
    with simulated_now(plan.start - dt.timedelta(days=1)):
        admin.init(url, "admin", "Quản trị hệ thống", password_hash=hashed)
        eng = db.open_db(url)
        admin.add_office(eng, "admin", *demo_data.PROVINCE)
        for code, name in demo_data.BRANCHES:
            admin.add_office(eng, "admin", code, name, demo_data.PROVINCE[0])
        for username, role, office, name in plan.users:
            admin.add_user(eng, "admin", username, role, office, name, email=f"{username}@thads.demo",
                           password_hash=hashed)

    steps = 0
    people = demo_data.People(random.Random(seed + 1), year)  # its own stream: the year's plan is unchanged
    registered: dict[str, tuple[int, str, str]] = {}  # name -> (party id, identity number, office)

    def party(name: str, kind: str, officer: str, office: str):
        """The party of ``name`` as the step names it: by id when ``office`` registered it, else by its
        full identity number (how an officer links a party another office registered)."""
        # one party per name in the demo (the frequent buyer is one enterprise, winning again and again)
        if name not in registered:
            number = people.citizen_id() if kind == "person" else people.enterprise_code()
            address = people.address() if kind == "person" else None
            registered[name] = (casefile_parties.add(eng, officer, name, number, kind, address)["id"], number, office)
        pid, number, held_by = registered[name]
        return pid if held_by == office else casefile_parties.ByNumber(number)

    cal, decisions = WorkCalendar(), procuracy_section.rules().decisions

    def to_procuracy(p, asset_id: int, seq: int, trigger: str, on: dt.date, sends: list):
        """The decision goes to the procuracy the next working day, or late (5), or never."""
        if trigger in decisions and p.procuracy != "unsent":
            sends.append((cal.add_working_days(on, 5 if p.procuracy == "late" else 1), asset_id, seq, p.officer))

    sends: list[tuple[dt.date, int, int, str]] = []
    for p in plan.plans:
        with simulated_now(p.seized_on):
            debtor_name = people.name()
            debtor = party(debtor_name, "person", p.officer, p.office)
            creditor = party(*people.creditor(), p.officer, p.office)
            asset_id = assets_svc.seize(eng, p.officer, p.case, p.office, p.kind, p.description, on=p.seized_on,
                                        debtors=[debtor], creditors=[creditor])
        seqs = {"seize": 1}  # the asset's audit rows by trigger (the last of each)
        to_procuracy(p, asset_id, 1, "seize", p.seized_on, sends)
        complaint_id = item_id = None
        for trig, on, sets, actor, reason, lag in p.steps:
            with simulated_now(on + dt.timedelta(days=lag)):
                if trig == "complaint_add" and len(sets) > 3:  # names the step and the day it was received
                    kind, by, about, step, received = sets
                    complaint_id = complaints.add(eng, actor, asset_id, kind, on, by, about,
                                                  step=seqs[step.split("=", 1)[1]],
                                                  decision_received=received.split("=", 1)[1])["id"]
                elif trig == "procuracy_recommend":
                    number, about = sets
                    item_id = procuracy.register(eng, actor, "recommendation", asset_id, number, on, about)["id"]
                elif trig == "procuracy_answer":
                    procuracy.answer(eng, actor, item_id, on, "Đã đôn đốc giao tài sản / handover ordered")
                elif trig == "complaint_add":
                    kind, by, about = sets
                    complaint_id = complaints.add(eng, actor, asset_id, kind, on, by, about)["id"]
                elif trig == "complaint_accept":
                    complaints.accept(eng, actor, complaint_id, on)
                elif trig == "complaint_resolve":
                    complaints.resolve(eng, actor, complaint_id, on, "Giữ nguyên quyết định / upheld")
                else:
                    buyer = None
                    if trig == "record_sale":
                        name = next(v for v in sets if v.startswith("buyer="))[len("buyer="):]
                        kind = "enterprise" if name.startswith("Công ty") else "person"
                        buyer = party(name, kind, p.officer, p.office)
                        sets = tuple(v for v in sets if not v.startswith("buyer="))
                    sets = tuple(v.replace("=DEBTOR", f"={registered[debtor_name][0]}") for v in sets)  # the party a step names
                    assets_svc.advance(eng, asset_id, trig, actor, on, sets, reason, buyer=buyer)
                    steps += 1
                    seqs[trig] = max(seqs.values()) + 1
                    to_procuracy(p, asset_id, seqs[trig], trig, on, sends)
    for day, asset_id, seq, officer in sorted(sends):  # the offices' dispatch books, day by day
        if day <= plan.end:
            with simulated_now(day):
                procuracy.send(eng, officer, asset_id, seq, day)
    record_demo_day(eng, plan.end)  # reads on this database default to the demo's day
    return {"url": url, "engine": eng, "assets": len(plan.plans), "steps": steps, "as_of": plan.end,
            "start": plan.start}


def run(explicit_url: str | None = None, seed: int = 2020, lang: str = "en", year: int = 2020) -> str:
    started = time.perf_counter()
    url = _fresh_url(explicit_url)
    built = build(url, seed, year)
    eng, as_of = built["engine"], built["as_of"]
    vi = lang == "vi"
    lines = [(f"Tỉnh demo: {built['assets']} tài sản, {built['steps']} bước qua engine, "
              f"năm báo cáo {built['start']}..{as_of}") if vi else
             (f"Demo province: {built['assets']} assets, {built['steps']} steps through the engine, "
              f"reporting year {built['start']}..{as_of}")]
    lines += supervisor_view(eng, as_of, vi)
    # the supervisor signs in (on the real clock) into the config folder in force, as `login` does
    signed = identity.sign_in(eng, SIGNED_IN, PASSWORD, channel="cli", client="auction-flow demo")
    local.remember(url, signed.username, signed.token, signed.session_id, signed.expires_at)
    lines += ["", ("Cơ sở dữ liệu demo: " if vi else "Demo database: ") + url,
              (f"Mật khẩu của mọi người dùng demo: {PASSWORD}; {SIGNED_IN} đã đăng nhập sẵn trên máy này" if vi else
               f"Every demo user's password: {PASSWORD}; {SIGNED_IN} is signed in on this machine")]
    lines += go_on(hints(eng, url, as_of, lang), as_of, lang)
    lines += [f"({time.perf_counter() - started:.1f} s)"]
    return "\n".join(lines)


def _db_arg(url: str) -> str:
    """The database as a person types it: a SQLite file's path, else the URL."""
    path = db.sqlite_file(url)
    return str(path) if path is not None else url


def hints(eng, url: str, as_of: dt.date, lang: str = "en") -> list[str]:
    """The commands the demo suggests, one a line, each to be pasted as printed: the database
    first, then the demo's own users (its supervisor is signed in; anyone else signs in with the
    printed password). A test runs every line the demo prints here, as printed."""
    first = alerts.list_alerts(eng, SIGNED_IN, on=as_of)[:1]
    asset_id = first[0]["asset_id"] if first else 1
    lg = ["--lang", "vi"] if lang == "vi" else []
    commands = [
        ["export", f"AUCTION_FLOW_DB={_db_arg(url)}"],
        ["auction-flow", *lg, "--as", SIGNED_IN, "alerts", "list"],
        ["auction-flow", *lg, "--as", SIGNED_IN, "asset", "list", "--overdue"],
        ["auction-flow", *lg, "--as", SIGNED_IN, "asset", "show", str(asset_id)],
        ["auction-flow", *lg, "--as", SIGNED_IN, "asset", "history", str(asset_id)],
        ["auction-flow", *lg, "--as", SIGNED_IN, "report", "summary", "--year", str(as_of.year), "--by", "officer"],
        ["auction-flow", *lg, "--as", SIGNED_IN, "audit", "signals"],
        ["auction-flow", *lg, "login", "ksv_hau"],
        ["auction-flow", *lg, "--as", "ksv_hau", "audit", "verify"],
    ]
    return [shlex.join(c) for c in commands]


def go_on(commands: list[str], as_of: dt.date, lang: str = "en") -> list[str]:
    """The demo's "go on from here" block: a heading, then the commands indented by two spaces."""
    return ["", message("guide.go_on", lang, day=as_of)] + [f"  {c}" for c in commands] + [""]


def supervisor_view(eng, as_of: dt.date, vi: bool) -> list[str]:
    """What the provincial supervisor sees first: open alerts, the year's figures, the signals."""

    def H(en: str, vi_text: str) -> str:
        return vi_text if vi else en

    with simulated_now(as_of):
        alerts.scan(eng, as_of)
        open_alerts = alerts.list_alerts(eng, "ld_tinh", on=as_of)
        if vi:  # a person reads labels; the codes stay in --json
            open_alerts = [{**a, **{k: term(kind, a[k], "vi") for k, kind in LABELLED}} for a in open_alerts]
        summary = reports.summary(eng, "ld_tinh", year=as_of.year, by="office")
        found = audit.signals(eng, "ld_tinh", start=dt.date(as_of.year - 1, 10, 1), end=as_of)["signals"]
        pk = procuracy.list_all(eng, "ld_tinh", as_of)
        late_complaints = complaints.list_complaints(eng, "ld_tinh", status="out_of_time", on=as_of)
    lines = ["", (f"Cảnh báo đang mở ngày {as_of} ({len(open_alerts)}), khẩn cấp nhất trước:" if vi else
                  f"Open alerts on {as_of} ({len(open_alerts)}), most urgent first:"),
             table(open_alerts[:12], [("id", "ID"), ("rule", H("RULE", "QUY TẮC")), ("level", H("LEVEL", "MỨC")), ("asset_id", H("ASSET", "TÀI SẢN")),
                                      ("office", H("OFFICE", "ĐƠN VỊ")), ("officer", H("OFFICER", "CHV")), ("state", H("STATE", "TRẠNG THÁI")),
                                      ("deadline", H("DEADLINE", "THỜI HẠN")), ("days_late", H("DAYS LATE", "SỐ NGÀY TRỄ"))]) or "-"]
    if len(open_alerts) > 12:
        lines.append(message("guide.more_alerts", "vi" if vi else "en", n=len(open_alerts) - 12))
    t = summary["total"]
    head = "Số liệu năm báo cáo" if vi else "The reporting year"
    lines += ["", f"{head} {summary['from']}..{summary['to']}:",
              table(summary["groups"] + [t], [
                  ("key", H("OFFICE", "ĐƠN VỊ")), ("seized", H("SEIZED", "KÊ BIÊN")), ("sold", H("SOLD", "ĐÃ BÁN")), ("cancelled", H("CANCELLED", "BỊ HỦY")),
                  ("cancellation_rate", H("RATE", "TỶ LỆ")), ("handed_over_on_time", H("ON TIME", "GIAO ĐÚNG HẠN")), ("handed_over_late", H("LATE", "GIAO TRỄ")),
                  ("delay_worst_days", H("WORST DELAY", "TRỄ NHIỀU NHẤT")), ("alerts_raised", H("ALERTS", "CẢNH BÁO")),
                  ("realised_pct", H("% OF APPRAISED", "% GIÁ THẨM ĐỊNH"))])]
    lg = "vi" if vi else "en"
    unsent = [d for d in pk["decisions"] if d["clock"] == "overdue"]
    late = [d for d in pk["decisions"] if d["clock"] == "missed"]
    lines += ["", message("pk.demo_heading", lg, items=len(pk["items"]), late=len(late), unsent=len(unsent))]
    lines += [f"  {message('pk.demo_item', lg, kind=term('procuracy_kind', i['kind'], lg), number=i['number'], asset=i['asset'], office=i['office'], received=i['received_on'], due=i['answer_due'], status=term('procuracy_status', i['status'], lg), clock=term('clock', i['clock'], lg))}"
              for i in pk["items"]]
    lines += [f"  {message('pk.demo_complaint', lg, id=c['id'], asset=c['asset'], office=c['office'], received=c['received_on'], due=c['limitation_due'], basis=c['limitation_basis'])}"
              for c in late_complaints]
    lines += ["", (f"Dấu hiệu cần kiểm tra ({len(found)}):" if vi else f"Inspection signals ({len(found)}):")]
    lines += [f"  {signal_sentence(s, 'vi' if vi else 'en')}" for s in found] or ["-"]
    return lines
