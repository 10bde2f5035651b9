"""Parties on the command line and their links on the asset's chain; attachments with their limits;
one buyer counted as one party however many auctions it wins."""

from __future__ import annotations

import json

import pytest
from casefile_people import people  # noqa: F401 - the fixture
from sqlalchemy import func, select, text, update

from auction_flow.features.assets import service as assets_svc
from auction_flow.features.casefile import attachments, documents, parties
from auction_flow.features.supervision import signals as signals_mod
from auction_flow.features.supervision import verify as audit_verify
from auction_flow.storage.schema import access_log, asset_parties, audit_log, blobs

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_party_commands(world, cli):
    r = cli("party", "add", "Nguyễn Văn Đức", "--id-number", "093085001234", "--address", "Phường 5", "--json",
            actor="cv_an")
    assert r.exit_code == 0, r.output
    pid = json.loads(r.stdout)["id"]
    r = cli("party", "add", "Công ty TNHH Phát Đạt", "--id-number", "0100233488", "--kind", "enterprise", actor="cv_an")
    assert r.exit_code == 0 and r.stdout.strip().isdigit()
    company = int(r.stdout)
    r = cli("party", "add", "Người khác", "--id-number", "093085001234", actor="cv_dung")
    assert r.exit_code == 1 and f"(id {pid})" in r.stderr  # one person, one party: link that one
    for bad in (["--id-number", "12345"], ["--id-number", "003085001234"], ["--id-number", "0100233480", "--kind",
                                                                           "enterprise"]):
        r = cli("party", "add", "X", *bad, actor="cv_an")
        assert r.exit_code == 1 and r.stderr.count("\n") == 1
    assert cli("party", "add", "X", actor="cv_an").exit_code == 2  # --id-number missing
    r = cli("party", "add", "X", "--id-number", "093085001299", actor="ksv")
    assert r.exit_code == 1
    r = cli("asset", "seize", "-q", "--case", "12/2026", "--office", "HG-VT", "--kind", "movable", "--description",
            "Xe ô tô", "--on", "2026-11-02", "--debtor", pid, actor="cv_an")
    asset = int(r.stdout)
    r = cli("party", "link", company, asset, "--role", "creditor", "--on", "2026-11-03", actor="cv_an")
    assert r.exit_code == 0, r.output
    assert cli("party", "link", company, asset, "--role", "creditor", actor="cv_an").exit_code == 1
    assert cli("party", "link", company, asset, "--role", "judge", actor="cv_an").exit_code == 2
    assert cli("party", "link", company, asset, "--role", "buyer", actor="cv_dung").exit_code == 1  # not its office
    rows = json.loads(cli("asset", "parties", asset, "--json", actor="ld_binh").stdout)
    assert [(p["party_id"], p["role"]) for p in rows] == [(pid, "debtor"), (company, "creditor")]
    shown = json.loads(cli("party", "show", pid, "--json", actor="ld_tinh").stdout)
    assert shown["cases"] == ["12/2026"] and shown["assets"][0]["role"] == "debtor"
    assert cli("party", "show", pid, actor="cv_dung").exit_code == 1  # HG-NB sees no asset of it
    listed = json.loads(cli("party", "list", "--role", "creditor", "--json", actor="ld_binh").stdout)
    assert [p["id"] for p in listed] == [company]
    with world.connect() as conn:
        row = conn.execute(select(audit_log).where(audit_log.c.event == "party_linked")).mappings().one()
        denied = conn.execute(select(func.count()).select_from(access_log)).scalar()
    assert json.loads(row["changes"])["party"][1] == {"id": company, "role": "creditor", "name": "Công ty TNHH Phát Đạt"}
    assert row["asset_id"] == asset and row["seq"] == 2
    assert denied >= 3
    assert audit_verify.verify(world).ok
    r = cli("asset", "casefile", asset, "--json", actor="ld_tinh")
    case = json.loads(r.stdout)
    assert len(case["parties"]) == 2 and [d["kind"] for d in case["documents"]] == ["seizure_decision"]


def test_attachments_are_checked_stored_and_chained(world, cli, tmp_path, monkeypatch):
    e = world
    asset = assets_svc.seize(e, "cv_an", "1/2026", "HG-VT", "movable", "Xe ô tô", on="2026-11-02")
    scan = tmp_path / "qd-ke-bien.pdf"
    scan.write_bytes(PDF)
    r = cli("asset", "attach", asset, scan, "--kind", "signed_decision", "--json", actor="cv_an")
    assert r.exit_code == 0, r.output
    made = json.loads(r.stdout)
    with e.connect() as conn:
        row = conn.execute(select(audit_log).where(audit_log.c.event == "attachment_added")).mappings().one()
        version = conn.execute(text("SELECT version FROM assets WHERE id = :a"), {"a": asset}).scalar()
        stored = conn.execute(select(func.count()).select_from(blobs)).scalar()
    assert json.loads(row["changes"])["attachment"][1]["sha256"] == made["sha256"]
    back = tmp_path / "back.pdf"
    assert cli("asset", "attachment-get", made["id"], "--output", back, actor="ld_binh").exit_code == 0
    assert back.read_bytes() == PDF
    refused = {"fake.pdf": PNG, "scan.exe": PDF, "photo.png": PDF, "empty.jpg": b"", "notes.txt": b"hello"}
    for name, data in refused.items():
        (tmp_path / name).write_bytes(data)
        r = cli("asset", "attach", asset, tmp_path / name, "--kind", "photo", actor="cv_an")
        assert r.exit_code == 1 and name in r.stderr and r.stderr.count("\n") == 1, (name, r.output)
    monkeypatch.setenv("AUCTION_FLOW_ATTACH_MAX_MB", "0.00001")
    r = cli("asset", "attach", asset, scan, "--kind", "receipt", actor="cv_an")
    assert r.exit_code == 1 and "limit" in r.stderr
    monkeypatch.delenv("AUCTION_FLOW_ATTACH_MAX_MB")
    assert cli("asset", "attach", asset, scan, "--kind", "receipt", actor="ksv").exit_code == 1
    assert cli("asset", "attach", asset, tmp_path / "missing.pdf", "--kind", "photo", actor="cv_an").exit_code == 2
    with e.connect() as conn:  # nothing refused changed anything
        assert conn.execute(text("SELECT version FROM assets WHERE id = :a"), {"a": asset}).scalar() == version
        assert conn.execute(select(func.count()).select_from(blobs)).scalar() == stored
    assert [a["filename"] for a in attachments.list_attachments(e, "ld_binh", asset)] == ["qd-ke-bien.pdf"]
    assert documents.verify(e, "ld_binh", asset_id=asset)
    with e.begin() as conn:
        conn.execute(update(blobs).where(blobs.c.sha256 == made["sha256"]).values(content=PDF + b"x"))
    r = cli("doc", "verify", "--asset", asset, actor="ld_binh")
    assert r.exit_code == 1 and "qd-ke-bien.pdf" in r.stderr


def test_one_buyer_winning_many_auctions_is_one_party(world, people):  # noqa: F811
    e = world
    same_name = parties.add(e, "cv_an", people["buyer"]["name"], "093190000222")  # a namesake, another person

    def sold(n, buyer):
        a = assets_svc.seize(e, "cv_an", f"{n}/2026", "HG-VT", "movable", f"Tài sản {n}", on="2026-11-02")
        assets_svc.advance(e, a, "agree_price", "cv_an", "2026-11-03", ["price=100000000"])
        assets_svc.advance(e, a, "contract_auction", "cv_an", "2026-11-04", ["auction_org=Công ty Đấu giá",
                                                                        "auction_date=2026-11-20"])
        assets_svc.advance(e, a, "record_sale", "cv_an", "2026-11-20", ["sale_price=100000000", "deposit=10000000"], buyer=buyer)
        return a

    wins = [sold(n, people["buyer"]["id"]) for n in range(3)]
    sold(9, same_name["id"])
    with e.connect() as conn:
        found = [s for s in signals_mod.scan(conn, None, None, None, signals_mod.thresholds())
                 if s["signal"] == "buyer_wins"]
        links = conn.execute(select(asset_parties.c.asset_id).where(asset_parties.c.role == "buyer",
                                                                    asset_parties.c.party_id == people["buyer"]["id"]))
        assert sorted(r.asset_id for r in links) == wins
    assert len(found) == 1 and found[0]["value"] == 3  # not 4: the namesake is another party
    assert f"(party {people['buyer']['id']})" in found[0]["subject"]
    with pytest.raises(Exception, match="buyer"):
        assets_svc.advance(e, wins[0], "record_payment", "cv_an", "2026-11-21", buyer=people["buyer"]["id"])
