"""A party id typed by hand is checked against the actor's scope (``parties.resolve``): an officer may
not link, and so come to see, a party of another office by guessing its id, whether by ``party link``,
``asset seize --debtor/--creditor`` or ``asset advance --buyer``; the refusal is one line naming the id,
exit 1, an access_log row, and nothing written. The same person may be a party in two offices: an
officer links a party registered by another office by its full identity number (``--id-number``,
``--debtor-id-number``, ``--creditor-id-number``, ``--buyer-id-number``), never by a part of it."""

from __future__ import annotations

import json

import pytest
from casefile_people import DUC as NUMBER
from casefile_people import duc, nb_asset  # noqa: F401 - the fixtures
from sqlalchemy import func, select

from auction_flow.common.errors import PermissionDenied
from auction_flow.features.assets import service as assets_svc
from auction_flow.features.casefile import parties
from auction_flow.storage.schema import access_log, asset_parties, assets, audit_log


def counts(engine) -> dict:
    with engine.connect() as conn:
        return {t.name: conn.execute(select(func.count()).select_from(t)).scalar()
                for t in (access_log, asset_parties, assets, audit_log)}


def refused_once(r, before: dict, after: dict, party: int):
    """Exit 1, one line naming the party's id, one access_log row (and its audit row), nothing else."""
    assert r.exit_code == 1, r.output
    assert r.stderr.count("\n") == 1 and f"party {party}:" in r.stderr and "full identity number" in r.stderr
    assert after == {**before, "access_log": before["access_log"] + 1, "audit_log": before["audit_log"] + 1}


def test_a_typed_id_of_another_offices_party_is_refused_everywhere(world, cli, duc, nb_asset):
    before = counts(world)
    r = cli("party", "link", duc, nb_asset, "--role", "debtor", actor="cv_dung")
    refused_once(r, before, counts(world), duc)
    before = counts(world)
    r = cli("asset", "seize", "-q", "--case", "41/2026", "--office", "HG-NB", "--kind", "movable",
            "--description", "Xe tải", "--on", "2026-11-02", "--creditor", duc, actor="cv_dung")
    refused_once(r, before, counts(world), duc)
    before = counts(world)
    r = cli("asset", "advance", nb_asset, "record_sale", "--set", "sale_price=100000000", "--buyer", duc,
            actor="cv_dung")
    refused_once(r, before, counts(world), duc)
    with world.connect() as conn:
        logged = conn.execute(select(access_log).order_by(access_log.c.id.desc()).limit(3)).mappings().all()
    assert {(x["actor"], x["action"], x["office"]) for x in logged} == {("cv_dung", "party_link", "HG-VT")}
    assert all(f"party {duc}" in x["reason"] for x in logged)
    # the party stays out of sight: nothing was linked
    assert cli("party", "show", duc, actor="cv_dung").exit_code == 1
    # in Vietnamese too, one line naming the id
    r = cli("--lang", "vi", "party", "link", duc, nb_asset, "--role", "debtor", actor="cv_dung")
    assert r.exit_code == 1 and r.stderr.count("\n") == 1 and f"đương sự số {duc}:" in r.stderr
    # the officers who may see it link it by id as before
    assert cli("party", "link", duc, nb_asset, "--role", "debtor", actor="ld_tinh").exit_code == 0


def test_the_service_refuses_before_anything_is_written(world, duc, nb_asset):
    before = counts(world)
    with pytest.raises(PermissionDenied) as caught:
        assets_svc.seize(world, "cv_dung", "42/2026", "HG-NB", "movable", "Ghe", debtors=[duc])
    assert caught.value.key == "cf.party_link_denied" and caught.value.params["party"] == duc
    with pytest.raises(PermissionDenied):
        parties.link(world, "cv_dung", duc, nb_asset, "debtor")
    after = counts(world)
    assert after["assets"] == before["assets"] and after["asset_parties"] == before["asset_parties"]
    assert after["access_log"] == before["access_log"] + 2


def test_linking_a_party_of_another_office_by_its_full_identity_number(world, cli, duc, nb_asset):
    # a part of the number, or the number given as an id, links nothing
    before = counts(world)
    r = cli("party", "link", "--id-number", NUMBER[:8], nb_asset, "--role", "debtor", actor="cv_dung")
    assert r.exit_code == 1 and r.stderr.count("\n") == 1 and NUMBER[:8] in r.stderr
    r = cli("party", "link", NUMBER, nb_asset, "--role", "debtor", actor="cv_dung")  # an id, not a number
    assert r.exit_code != 0
    assert counts(world)["asset_parties"] == before["asset_parties"]
    # malformed: the number and an id both, or no asset
    assert cli("party", "link", "--id-number", NUMBER, duc, nb_asset, "--role", "debtor", actor="cv_dung").exit_code == 2
    assert cli("party", "link", nb_asset, "--role", "debtor", actor="cv_dung").exit_code == 2
    # the full number, exactly (as written on the card, spaces aside)
    r = cli("party", "link", "--id-number", "0930 8500 1234", nb_asset, "--role", "debtor", "--json", actor="cv_dung")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["party_id"] == duc
    shown = json.loads(cli("party", "show", duc, "--json", actor="cv_dung").stdout)  # now visible to HG-NB
    assert shown["id_number"] == NUMBER and [a["asset_id"] for a in shown["assets"]] == [nb_asset]
    with world.connect() as conn:
        row = conn.execute(select(audit_log).where(audit_log.c.event == "party_linked")).mappings().one()
    assert row["actor"] == "cv_dung" and json.loads(row["changes"])["party"][1]["id"] == duc


def test_a_seizure_and_a_sale_name_another_offices_party_by_its_number(world, cli, duc):
    bank = parties.add(world, "cv_an", "Ngân hàng TMCP Đầu tư và Phát triển", "0100233488", "enterprise")["id"]
    r = cli("asset", "seize", "-q", "--case", "43/2026", "--office", "HG-NB", "--kind", "movable",
            "--description", "Xe tải Hino", "--on", "2026-11-02", "--debtor-id-number", NUMBER,
            "--creditor-id-number", "0100233488", actor="cv_dung")
    assert r.exit_code == 0, r.output
    asset = int(r.stdout)
    assert [(p["party_id"], p["role"]) for p in parties.asset_parties_view(world, "cv_dung", asset)] == \
        [(duc, "debtor"), (bank, "creditor")]
    before = counts(world)
    r = cli("asset", "seize", "-q", "--case", "44/2026", "--office", "HG-NB", "--kind", "movable",
            "--description", "Xe con", "--on", "2026-11-02", "--debtor-id-number", NUMBER[:-1], actor="cv_dung")
    assert r.exit_code == 1 and r.stderr.count("\n") == 1 and NUMBER[:-1] in r.stderr
    assert counts(world) == before
    r = cli("asset", "advance", asset, "record_sale", "--buyer", duc, "--buyer-id-number", NUMBER, actor="cv_dung")
    assert r.exit_code == 2


def test_a_second_registration_says_how_to_link_the_party_by_its_number(world, cli, duc):
    r = cli("party", "add", "Người khác", "--id-number", NUMBER, actor="cv_dung")
    assert r.exit_code == 1 and r.stderr.count("\n") == 1
    assert f"(id {duc})" in r.stderr and f"party link --id-number {NUMBER}" in r.stderr
    r = cli("--lang", "vi", "party", "add", "Người khác", "--id-number", NUMBER, actor="cv_dung")
    assert f"(số {duc})" in r.stderr and f"--id-number {NUMBER}" in r.stderr and "số giấy tờ" in r.stderr
