"""The attacks of issue 12 ("What got through"), each done with plain SQL as someone with write
access to the database would, on SQLite and PostgreSQL: `audit verify` must name each (exit 1).

(The forged append with an anchor is the chains' own test.)"""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import select, text

from auction_flow.common.config import today
from auction_flow.features.assets import service as svc
from auction_flow.storage import db
from auction_flow.storage.schema import offices


def walk(engine, officer="cv_an", office="HG-VT", case="1/2026") -> int:
    """An asset at auction_contracted."""
    aid = svc.seize(engine, officer, case, office, "movable", "Xe máy", on="2026-03-02")
    svc.advance(engine, aid, "agree_price", officer, on="2026-03-04", sets=["price=50000000"])
    svc.advance(engine, aid, "contract_auction", officer, on="2026-03-06",
                sets=["auction_org=ĐG Cần Thơ", "auction_date=2026-04-01"])
    return aid


def sql(engine, *statements, **params):
    with engine.begin() as conn:
        for st in statements:
            conn.execute(text(st), params)


def verify(cli):
    r = cli("audit", "verify", "--json", actor="ld_tinh")
    assert r.output.startswith("{"), r.output
    return r.exit_code, json.JSONDecoder().raw_decode(r.output)[0]  # the JSON, then the error line


def messages(data) -> str:
    return "\n".join(p["message"] for p in data["problems"])


def test_untouched_records_verify(world, cli):
    walk(world)
    code, data = verify(cli)
    assert code == 0 and data["ok"], data


def test_state_set_by_sql_then_stepped_on_is_named(world, cli):
    """UPDATE assets SET state='paid', sale_price=..., buyer='Mallory', then a normal hand_over."""
    aid = walk(world)
    sql(world, "UPDATE assets SET state='paid', sale_price=900000000, buyer='Mallory' WHERE id=:id", id=aid)
    r = cli("asset", "advance", aid, "hand_over", "--on", "2026-03-10", actor="cv_an")
    assert r.exit_code == 0, r.output
    code, data = verify(cli)
    assert code == 1 and not data["ok"]
    text_ = messages(data)
    assert f"asset {aid}, row" in text_ and "starts from state paid" in text_ and "ends in auction_contracted" in text_
    assert f"asset {aid}, column sale_price: the chain says -, the table says 900000000" in text_
    assert f"asset {aid}, column buyer: the chain says -, the table says \"Mallory\"" in text_
    r = cli("audit", "verify", actor="ld_tinh")
    assert r.exit_code == 1 and "sale_price" in r.output


def test_deadline_and_office_set_by_sql_are_named(world, cli):
    aid = walk(world)
    with db.reading(world) as conn:
        nb = conn.execute(select(offices.c.id).where(offices.c.code == "HG-NB")).scalar()
    sql(world, "UPDATE assets SET deadline='2027-01-01', office_id=:o WHERE id=:id", id=aid, o=nb)
    code, data = verify(cli)
    assert code == 1
    text_ = messages(data)
    assert f"asset {aid}, column deadline: the chain says \"2026-04-05\"" in text_ or (
        f"asset {aid}, column deadline" in text_ and '"2027-01-01"' in text_)
    assert f"asset {aid}, column office_id: the chain says \"HG-VT\", the table says \"HG-NB\"" in text_


def test_column_set_by_sql_then_overwritten_by_a_step_is_named(world, cli):
    """The price changed by SQL and then by a step: the step's own row says what it found."""
    aid = walk(world)
    sql(world, "UPDATE assets SET state='auction_failed', price=70000000 WHERE id=:id", id=aid)
    r = cli("asset", "advance", aid, "reduce_price", "--set", "price=63000000", "--on", "2026-03-10",
            actor="cv_an")
    assert r.exit_code == 0, r.output
    code, data = verify(cli)
    assert code == 1
    text_ = messages(data)
    assert "starts from state auction_failed, but the previous row ends in auction_contracted" in text_
    assert f"asset {aid}, row" in text_ and "column price: the value before the step was 70000000, " \
        "the chain says 50000000" in text_


def test_version_and_hash_set_by_sql_are_named(world, cli):
    aid = walk(world)
    sql(world, "UPDATE assets SET version=9 WHERE id=:id", id=aid)
    code, data = verify(cli)
    assert code == 1 and f"asset {aid}, column version: the chain says 3, the table says 9" in messages(data)


# --- who may do what: users, offices, the calendar ------------------------------------------

def test_role_changed_by_sql_then_used_is_named(world, cli):
    """UPDATE users SET role='supervisor': the promoted officer releases an asset; verify names it."""
    aid = walk(world)
    sql(world, "UPDATE users SET role='supervisor' WHERE username='cv_an'")
    r = cli("asset", "advance", aid, "release", "--reason", "giải tỏa", "--on", "2026-03-10", actor="cv_an")
    assert r.exit_code == 0, r.output
    code, data = verify(cli)
    assert code == 1
    assert 'users cv_an, column role: the chain says "officer", the table says "supervisor"' in messages(data)


def test_role_and_parent_changed_through_the_commands_verify(world, cli):
    r = cli("user", "change", "cv_an", "--role", "supervisor", actor="admin")
    assert r.exit_code == 0, r.output
    assert cli("user", "change", "cv_ba", "--office", "HG-NB", actor="admin").exit_code == 0
    r = cli("office", "move", "HG-NB", "--parent", "HG-VT", actor="admin")
    assert r.exit_code == 0, r.output
    assert cli("office", "move", "HG", "--parent", "HG-NB", actor="admin").exit_code == 1  # a cycle
    assert cli("user", "change", "cv_an", "--role", "supervisor", actor="admin").exit_code == 1  # nothing new
    assert cli("user", "change", "cv_an", "--role", "officer", actor="ld_tinh").exit_code == 1  # not an admin
    code, data = verify(cli)
    assert code == 0, data
    with db.reading(world) as conn:
        events = [e for (e,) in conn.execute(text("SELECT event FROM audit_log WHERE event IN "
                                                  "('user_changed', 'office_moved') ORDER BY id"))]
    assert events == ["user_changed", "user_changed", "office_moved"]


def test_office_moved_by_sql_is_named(world, cli):
    with db.reading(world) as conn:
        vt = conn.execute(select(offices.c.id).where(offices.c.code == "HG-VT")).scalar()
    sql(world, "UPDATE offices SET parent_id=:p WHERE code='HG-NB'", p=vt)
    code, data = verify(cli)
    assert code == 1
    assert 'offices HG-NB, column parent: the chain says "HG", the table says "HG-VT"' in messages(data)


def test_user_inserted_or_deleted_by_sql_is_named(world, cli):
    sql(world, "INSERT INTO users (username, name, role, office_id, active, created_at, must_change_password) "
               "SELECT 'mallory', 'M', 'supervisor', office_id, active, created_at, must_change_password "
               "FROM users WHERE username='cv_an'",
        "UPDATE users SET active=false WHERE username='ld_binh'")
    code, data = verify(cli)
    assert code == 1
    text_ = messages(data)
    assert "users mallory is in no audit row" in text_
    assert "users ld_binh, column active: the chain says true, the table says false" in text_


def test_calendar_day_added_or_deleted_by_sql_is_named(world, cli):
    assert cli("holiday", "add", "2026-09-03", "Nghỉ bù", actor="admin").exit_code == 0
    assert verify(cli)[0] == 0
    sql(world, "DELETE FROM calendar_days WHERE day='2026-09-03'",
        "INSERT INTO calendar_days (day, kind, name, created_by, created_at) "
        "VALUES ('2026-12-24', 'holiday', 'x', 'admin', CURRENT_TIMESTAMP)")
    code, data = verify(cli)
    assert code == 1
    text_ = messages(data)
    assert "calendar_days 2026-09-03 is in the chain but no longer in the table" in text_
    assert "calendar_days 2026-12-24 is in no audit row" in text_


# --- refusals, complaints, alerts -----------------------------------------------------------

def test_refusal_deleted_or_altered_is_named(world, cli):
    aid = walk(world)
    r = cli("asset", "advance", aid, "release", "--reason", "x", "--on", "2026-03-10", actor="cv_dung")
    assert r.exit_code == 1
    r = cli("asset", "advance", aid, "release", "--reason", "y", "--on", "2026-03-10", actor="cv_an")
    assert r.exit_code == 1
    assert verify(cli)[0] == 0
    with db.reading(world) as conn:
        first, second = [i for (i,) in conn.execute(text("SELECT id FROM access_log ORDER BY id"))]
    sql(world, "DELETE FROM access_log WHERE id=:i", i=first)
    sql(world, "UPDATE access_log SET actor='ld_binh' WHERE id=:i", i=second)
    code, data = verify(cli)
    assert code == 1
    text_ = messages(data)
    assert f"access_log {first} is in the chain but no longer in the table" in text_
    assert f'access_log {second}, column actor: the chain says "cv_an", the table says "ld_binh"' in text_


def test_complaint_deleted_or_altered_is_named(world, cli):
    aid = walk(world)
    ids = []
    for by in ("Trần Văn B", "Lê Thị C"):
        r = cli("complaint", "add", "--asset", aid, "--kind", "complaint", "--received", "2026-03-09",
                "--by", by, "--about", "Giá thấp", "--json", actor="cv_an")
        assert r.exit_code == 0, r.output
        ids.append(json.loads(r.output)["id"])
    assert cli("complaint", "accept", ids[1], "--on", "2026-03-10", actor="ld_binh").exit_code == 0
    assert verify(cli)[0] == 0
    sql(world, "DELETE FROM complaints WHERE id=:i", i=ids[0])
    sql(world, "UPDATE complaints SET status='resolved', resolved_on='2026-03-11' WHERE id=:i", i=ids[1])
    code, data = verify(cli)
    assert code == 1
    text_ = messages(data)
    assert f"complaints {ids[0]} is in the chain but no longer in the table" in text_
    assert f'complaints {ids[1]}, column status: the chain says "accepted", the table says "resolved"' in text_


def test_procuracy_rows_deleted_inserted_or_altered_are_named(world, cli):
    """A send, a recommendation and a protest and its answer: each row carried on its chained audit
    row, so a row deleted, forged or edited by SQL is named both ways."""
    aid = walk(world)  # step 1 is the seizure, a decision sent to the procuracy
    other = walk(world, case="2/2026")
    r = cli("procuracy", "send", aid, 1, "--on", "2026-03-04", "--reference", "11/CV", "--json", actor="cv_an")
    assert r.exit_code == 0, r.output
    assert cli("procuracy", "send", other, 1, "--on", "2026-03-04", actor="cv_an").exit_code == 0
    ids = []
    for kind, number in (("recommend", "02/KN-VKS"), ("protest", "05/QĐ-VKS")):
        r = cli("procuracy", kind, "--asset", aid, "--number", number, "--received", "2026-03-09",
                "--about", "Chậm gửi quyết định", "--json", actor="ksv")
        assert r.exit_code == 0, r.output
        ids.append(json.loads(r.output)["id"])
    r = cli("procuracy", "answer", ids[1], "--on", "2026-03-12", "--text", "Đã thu hồi", actor="ld_binh")
    assert r.exit_code == 0, r.output
    code, data = verify(cli)
    assert code == 0 and data["ok"], data
    with db.reading(world) as conn:
        office = conn.execute(select(offices.c.id).where(offices.c.code == "HG-VT")).scalar()
    sql(world, "UPDATE procuracy_sends SET sent_on='2026-03-03' WHERE asset_id=:a", a=aid)  # sent in time, on paper
    sql(world, "DELETE FROM procuracy_sends WHERE asset_id=:a", a=other)
    sql(world, "INSERT INTO procuracy_sends (asset_id, seq, trigger, office_id, decided_on, send_due, send_basis,"
               " sent_on, created_by, created_at) VALUES (:a, 2, 'agree_price', :o, '2026-03-04', '2026-03-09',"
               " 'x', '2026-03-05', 'cv_an', '2026-03-05 08:00:00')", a=aid, o=office)
    sql(world, "DELETE FROM procuracy_items WHERE id=:i", i=ids[0])
    sql(world, "UPDATE procuracy_items SET answer='Không vi phạm', answered_on='2026-03-10' WHERE id=:i", i=ids[1])
    code, data = verify(cli)
    assert code == 1
    text_ = messages(data)
    assert (f'procuracy_sends (asset {aid}, step 1), column sent_on: the chain says "2026-03-04", '
            f'the table says "2026-03-03"') in text_
    assert f"procuracy_sends (asset {other}, step 1) is in the chain but no longer in the table" in text_
    assert f"procuracy_sends (asset {aid}, step 2) is in no audit row" in text_
    assert f"procuracy_items {ids[0]} is in the chain but no longer in the table" in text_
    assert f'procuracy_items {ids[1]}, column answer: the chain says "Đã thu hồi", the table says' in text_
    assert f'procuracy_items {ids[1]}, column answered_on: the chain says "2026-03-12"' in text_


def test_alert_deleted_or_its_handling_forged_is_named(world, cli):
    for n, case in enumerate(("5/2026", "6/2026")):
        svc.seize(world, "cv_an", case, "HG-VT", "movable", f"Xe {n}", on=today() - dt.timedelta(days=12 + n))
    assert cli("alerts", "scan", actor="cv_an").exit_code == 0
    with db.reading(world) as conn:
        first, second = [i for (i,) in conn.execute(text("SELECT id FROM alerts ORDER BY id"))]
    assert cli("alerts", "ack", first, "--reason", "đang làm", actor="cv_an").exit_code == 0
    assert verify(cli)[0] == 0
    sql(world, "UPDATE alerts SET handled_by='ld_binh' WHERE id=:i", i=first)
    sql(world, "DELETE FROM alerts WHERE id=:i", i=second)
    code, data = verify(cli)
    assert code == 1
    text_ = messages(data)
    assert f'alerts {first}, column handled_by: the chain says "cv_an", the table says "ld_binh"' in text_
    assert "1 alert(s) deleted" in text_


def test_alert_status_set_by_sql_is_named(world, cli):
    """An alert nobody handled resolved by SQL, one superseded by nothing, an acknowledged one reopened."""
    for n, case in enumerate(("7/2026", "8/2026", "9/2026")):
        svc.seize(world, "cv_an", case, "HG-VT", "movable", f"Xe {n}", on=today() - dt.timedelta(days=12 + n))
    assert cli("alerts", "scan", actor="cv_an").exit_code == 0
    with db.reading(world) as conn:
        a, b, c = [i for (i,) in conn.execute(text("SELECT id FROM alerts ORDER BY id"))]
    assert cli("alerts", "ack", c, "--reason", "đang làm", actor="cv_an").exit_code == 0
    assert verify(cli)[0] == 0
    sql(world, "UPDATE alerts SET status='resolved' WHERE id=:i", i=a)
    sql(world, "UPDATE alerts SET status='resolved', resolution='superseded' WHERE id=:i", i=b)
    sql(world, "UPDATE alerts SET status='open' WHERE id=:i", i=c)
    code, data = verify(cli)
    assert code == 1
    text_ = messages(data)
    assert f"alert {a} is resolved, which the program does not leave it in" in text_
    assert f"alert {b} is resolved (superseded)" in text_
    assert f"alert {c} is open, which the program does not leave it in (its last handling in the chain: " \
        "alert_acknowledged)" in text_
