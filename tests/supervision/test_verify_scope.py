"""`audit verify --office` / `--province` (issue 16): only the chosen offices' chains, row by row
against every root, the roots whole, the offices' assets replayed; what was not checked is said;
a supervisor or procurator verifies only the offices in their scope (a refusal goes to access_log)."""

from __future__ import annotations

import json

from sqlalchemy import select, update

from auction_flow.storage import db
from auction_flow.storage.schema import access_log, assets, audit_heads, audit_log, offices
from tests.supervision.test_audit_chain import history, rows_of, tamper  # noqa: F401 - history: the fixture


def scoped(cli, actor, *args):
    """The command's result and its JSON (a broken log's JSON is followed by the error line)."""
    r = cli("audit", "verify", *args, "--json", actor=actor)
    text = r.output.lstrip()
    return r, (json.JSONDecoder().raw_decode(text)[0] if text.startswith("{") else None)


def test_an_intact_office_says_its_head_is_the_last_roots_and_what_was_left_out(history, cli):
    engine, (a1, a2, a3) = history
    r, data = scoped(cli, "ld_binh", "--office", "HG-VT")
    assert r.exit_code == 0, r.output
    with db.reading(engine) as conn:
        heads = dict(conn.execute(select(audit_heads.c.chain, audit_heads.c.log_seq)).all())
    [vt] = data["scope"]
    assert vt["chain"] == "office:HG-VT" and vt["head"] == heads["office:HG-VT"] and vt["same"]
    assert vt["root_pos"] == vt["head"] and vt["root"] == data["roots"]
    assert data["rows"] == heads["office:HG-VT"] and data["chains"] == 1 and data["assets"] == 2  # a1, a3
    others = {c: s for c, s in heads.items() if c != "office:HG-VT"}
    assert data["not_checked"]["chains"] == len(others) and data["not_checked"]["rows"] == sum(others.values())
    assert {"access_log", "procuracy_sends", "procuracy_items"} <= set(data["not_checked"]["registers"])
    assert data["anchor"] is None  # no anchor recorded
    text = cli("audit", "verify", "--office", "HG-VT", actor="ld_binh").output
    assert "the chosen chains are intact" in text and "(the same head: nothing was dropped)" in text
    assert f"not checked: {len(others)} other chains ({sum(others.values())} rows)" in text
    vi = cli("--lang", "vi", "audit", "verify", "--office", "HG-VT", actor="ld_binh").output
    assert "không kiểm:" in vi


def test_a_province_reads_its_own_chain_and_its_branches(history, cli):
    r, data = scoped(cli, "ld_tinh", "--province", "HG")
    assert r.exit_code == 0, r.output
    assert [c["chain"] for c in data["scope"]] == ["office:HG", "office:HG-NB", "office:HG-VT"]
    assert data["assets"] == 3 and all(c["same"] for c in data["scope"])
    assert data["scope_of"] == {"province": "HG"}


def test_a_tampered_row_is_found_in_its_office_and_is_outside_another_offices_verify(history, cli):
    engine, (a1, a2, a3) = history
    target = rows_of(engine, a1)[1].id  # a row of HG-VT's chain
    tamper(engine, update(audit_log).where(audit_log.c.id == target).values(reason="rewritten"))
    r, data = scoped(cli, "ld_tinh", "--office", "HG-VT")
    assert r.exit_code == 1
    assert any(p["key"] == "audit_changed" and p["id"] == target for p in data["problems"])
    text = cli("audit", "verify", "--office", "HG-VT", actor="ld_tinh").output
    assert f"row {target} was changed" in text
    r, data = scoped(cli, "ld_tinh", "--office", "HG-NB")  # not in HG-NB's chain: outside this verify
    assert r.exit_code == 0 and data["ok"]
    with db.reading(engine) as conn:
        vt = conn.execute(select(audit_heads.c.log_seq).where(audit_heads.c.chain == "office:HG-VT")).scalar()
    assert vt <= data["not_checked"]["rows"] and data["not_checked"]["chains"] >= 2
    assert "not checked:" in cli("audit", "verify", "--office", "HG-NB", actor="ld_tinh").output
    assert cli("audit", "verify", actor="ld_tinh").exit_code == 1  # the whole log finds it too


def test_a_chain_cut_back_with_its_head_is_caught_by_the_root(history, cli):
    """The last rows of the office's chain deleted and its head moved back to match: the root
    taken before names the lost position."""
    engine, (a1, a2, a3) = history
    cli("audit", "root", actor="ld_tinh")
    with db.reading(engine) as conn:
        pos, = conn.execute(select(audit_heads.c.log_seq).where(audit_heads.c.chain == "office:HG-NB")).one()
        prev = conn.execute(select(audit_log.c.log_prev_hash).where(audit_log.c.chain == "office:HG-NB",
                                                                    audit_log.c.log_seq == pos)).scalar()
    tamper(engine, f"DELETE FROM audit_log WHERE chain = 'office:HG-NB' AND log_seq = {pos}",
           update(audit_heads).where(audit_heads.c.chain == "office:HG-NB").values(log_seq=pos - 1, log_hash=prev))
    r, data = scoped(cli, "ksv", "--office", "HG-NB")
    assert r.exit_code == 1
    assert {p["key"] for p in data["problems"]} & {"audit_root_beyond", "audit_root_backwards"}


def test_an_assets_record_is_replayed_for_its_office_only(history, cli):
    engine, (a1, a2, a3) = history
    tamper(engine, update(assets).where(assets.c.id == a1).values(price=1))
    r, data = scoped(cli, "ld_binh", "--office", "HG-VT")
    assert r.exit_code == 1
    assert any(p["key"] == "record_mismatch" and p["asset"] == a1 and p["column"] == "price"
               for p in data["problems"])
    assert scoped(cli, "ld_tinh", "--office", "HG-NB")[0].exit_code == 0


def test_an_asset_moved_to_another_office_by_sql_is_found_from_both_sides(history, cli):
    engine, (a1, a2, a3) = history
    with db.reading(engine) as conn:
        nb = conn.execute(select(offices.c.id).where(offices.c.code == "HG-NB")).scalar()
    tamper(engine, update(assets).where(assets.c.id == a1).values(office_id=nb))
    r, data = scoped(cli, "ld_tinh", "--office", "HG-VT")  # its rows stay in HG-VT's chain
    assert r.exit_code == 1
    assert any(p["key"] == "audit_foreign_asset" and p["asset"] == a1 for p in data["problems"])
    r, data = scoped(cli, "ld_tinh", "--office", "HG-NB")  # replayed there: the chain says HG-VT
    assert r.exit_code == 1
    assert any(p["key"] == "record_mismatch" and p["asset"] == a1 and p["column"] == "office_id"
               for p in data["problems"]), data["problems"]


def test_out_of_scope_offices_are_refused_naming_those_allowed_and_logged(history, cli):
    engine = history[0]
    r = cli("audit", "verify", "--office", "HG-NB", actor="ld_binh")
    assert r.exit_code == 1
    assert "ld_binh may not verify the audit log of HG-NB" in r.output and "they may verify: HG-VT" in r.output
    r = cli("audit", "verify", "--province", "HG", actor="ld_binh")
    assert r.exit_code == 1 and "of HG (outside their scope)" in r.output
    with db.reading(engine) as conn:
        refused = conn.execute(select(access_log.c.actor, access_log.c.action, access_log.c.office)
                               .order_by(access_log.c.id)).all()
    assert refused[-2:] == [("ld_binh", "audit_verify", "HG-NB"), ("ld_binh", "audit_verify", "HG")]
    assert cli("audit", "verify", "--office", "HG-NB", actor="ksv").exit_code == 0  # the procurator of HG
    assert cli("audit", "verify", "--office", "HG-VT", actor="cv_an").exit_code == 1  # officers never
    assert cli("audit", "verify", actor="ld_tinh").exit_code == 0  # the refusals are chained and intact


def test_bad_scopes_are_one_line_errors(history, cli):
    r = cli("audit", "verify", "--office", "HG-VT", "--province", "HG", actor="ld_tinh")
    assert r.exit_code == 2 and "give --office or --province, not both" in r.output
    r = cli("audit", "verify", "--province", "HG-VT", actor="ld_tinh")
    assert r.exit_code == 1 and "HG-VT is not a province (it is under HG)" in r.output
    assert "--office HG-VT" in r.output
    r = cli("audit", "verify", "--office", "XX", actor="ld_tinh")
    assert r.exit_code == 1 and "no office 'XX'" in r.output
    assert "Traceback" not in r.output


def test_the_web_desk_and_the_api_verify_one_office(history, db_url):
    import re
    import warnings

    from auction_flow.frontends.web.app import create_app
    from tests.conftest import PASSWORD

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient
    with TestClient(create_app(db_url), base_url="http://127.0.0.1") as client:
        form = client.get("/login")
        csrf = re.search(r'name="csrftoken" value="([^"]+)"', form.text).group(1)
        client.post("/login", data={"username": "ld_binh", "password": PASSWORD, "csrftoken": csrf})
        assert 'id="chain-scope"' in client.get("/supervision").text
        page = client.get("/supervision/chain?office=HG-VT")
        assert page.status_code == 200 and "chain-scope-lines" in page.text
        assert "office:HG-VT" in page.text and "office:HG-NB" not in page.text
        assert client.get("/supervision/chain?office=HG-NB").status_code == 403
        r = client.post("/api/token", data={"username": "ld_tinh", "password": PASSWORD})
        auth = {"Authorization": f"Bearer {r.json()['token']}"}
        data = client.get("/api/audit/verify?province=HG", headers=auth).json()
        assert data["ok"] and [c["office"] for c in data["scope"]] == ["HG", "HG-NB", "HG-VT"]


def test_an_asset_moved_is_found_even_when_the_chain_pass_stopped_early(history, cli):
    """Pass 1 counts each chosen chain's rows about an asset, so that they are looked up one by one
    only when the office's assets do not hold them all. A pass 1 that stopped at a changed row did
    not count them all: here it stops after as many rows as the office's assets still hold (a1
    moved away, a3 left), and the look-up must still be made."""
    engine, (a1, a2, a3) = history
    with db.reading(engine) as conn:
        nb = conn.execute(select(offices.c.id).where(offices.c.code == "HG-NB")).scalar()
        about = conn.execute(select(audit_log.c.id).where(audit_log.c.chain == "office:HG-VT",
                                                          audit_log.c.asset_id.is_not(None))
                             .order_by(audit_log.c.log_seq)).scalars().all()
    target = about[len(rows_of(engine, a3))]
    tamper(engine, update(audit_log).where(audit_log.c.id == target).values(reason="rewritten"),
           update(assets).where(assets.c.id == a1).values(office_id=nb))
    r, data = scoped(cli, "ld_tinh", "--office", "HG-VT")
    assert r.exit_code == 1
    keys = {p["key"] for p in data["problems"]}
    assert "audit_changed" in keys and "audit_foreign_asset" in keys, data["problems"]
