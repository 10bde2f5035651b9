"""Search that suits Vietnamese, on both databases: diacritics, đ and case ignored, ranked, scoped to
the user's offices, through the index."""

from __future__ import annotations

import json
import unicodedata

import pytest
from casefile_people import people  # noqa: F401 - the fixture

from auction_flow.common.errors import InvalidInput
from auction_flow.features.assets import service as assets_svc
from auction_flow.features.casefile import parties, search


@pytest.fixture
def book(world, people):  # noqa: F811
    e = world
    an = parties.add(e, "cv_an", "Nguyễn Văn An", "093080000001")
    anh = parties.add(e, "cv_an", "Nguyễn Văn Anh", "093080000002")
    khang = parties.add(e, "cv_an", "Trần Nguyễn Văn An Khang", "093080000003")
    dung = parties.add(e, "cv_dung", "ĐẶNG THỊ ÁNH", "093185000004")
    ids = {
        "an": assets_svc.seize(e, "cv_an", "12/2026/QĐ-CCTHADS", "HG-VT", "real_estate", "Nhà và đất 120 m², phường Vị Tân",
                          on="2026-11-02", debtors=[an["id"]], creditors=[people["bank"]["id"]]),
        "anh": assets_svc.seize(e, "cv_an", "112/2026/QĐ-CCTHADS", "HG-VT", "movable", "Xe ô tô Toyota Vios",
                           on="2026-11-02", debtors=[anh["id"]]),
        "khang": assets_svc.seize(e, "cv_an", "13/2026", "HG-VT", "movable", "Máy cày Kubota", on="2026-11-02",
                             debtors=[khang["id"]]),
        "nb": assets_svc.seize(e, "cv_dung", "5/2026", "HG-NB", "movable", "Ghe composite Đồng Tháp", on="2026-11-02",
                          debtors=[dung["id"]]),
    }
    return ids


def ids_of(rows):
    return [r["id"] for r in rows]


def test_with_and_without_diacritics_the_exact_name_ranks_first(world, book):
    for query in ["nguyen van an", "Nguyễn Văn An", "NGUYEN VAN AN", "nguyễn văn an",
                  unicodedata.normalize("NFD", "Nguyễn Văn An")]:
        rows = search.search(world, "ld_binh", q=query)
        assert set(ids_of(rows)) == {book["an"], book["anh"], book["khang"]}, query  # "an" also starts "Anh"
        assert rows[0]["id"] == book["an"] and rows[0]["rank"] == 1, query


def test_d_with_stroke_folds_to_d(world, book):
    assert ids_of(search.search(world, "ld_tinh", party="dang thi anh")) == [book["nb"]]
    assert ids_of(search.search(world, "ld_tinh", q="dong thap")) == [book["nb"]]
    assert ids_of(search.search(world, "ld_tinh", q="Đồng Tháp")) == [book["nb"]]


def test_case_party_and_text_criteria(world, book, people):  # noqa: F811
    e = world
    assert ids_of(search.search(e, "ld_binh", case="12/2026")) == [book["an"]]  # not 112/2026
    assert set(ids_of(search.search(e, "ld_binh", case="QĐ"))) == {book["an"], book["anh"]}
    assert ids_of(search.search(e, "ld_binh", party="dau tu phat trien")) == [book["an"]]
    assert ids_of(search.search(e, "ld_binh", party="0100233488")) == [book["an"]]
    assert ids_of(search.search(e, "ld_binh", q="vi tan")) == [book["an"]]
    assert ids_of(search.search(e, "ld_binh", q="toyota")) == [book["anh"]]
    assert ids_of(search.search(e, "ld_binh", q="nguyen van", case="13/2026")) == [book["khang"]]
    assert search.search(e, "ld_binh", q="nguyen", state="sold") == []
    with pytest.raises(InvalidInput, match="no letters or digits"):
        search.search(e, "ld_binh", q="%%")


def test_scoped_to_the_users_offices(world, book):
    e = world
    assert search.search(e, "cv_an", q="dang thi anh") == []  # HG-NB's asset: not cv_an's
    assert ids_of(search.search(e, "cv_dung", q="dang")) == [book["nb"]]
    assert book["an"] not in ids_of(search.search(e, "cv_dung", q="nguyen van an"))
    assert set(ids_of(search.search(e, "ld_tinh", q="nguyen"))) == {book["an"], book["anh"], book["khang"]}
    assert set(ids_of(search.search(e, "admin", q="nguyen"))) == {book["an"], book["anh"], book["khang"]}


def test_asset_list_search_contract(world, book, cli):
    r = cli("asset", "list", "--q", "nguyen van an", "--json", actor="ld_binh")
    assert r.exit_code == 0, r.output
    rows = json.loads(r.stdout)
    assert rows[0]["id"] == book["an"] and rows[0]["case_number"] == "12/2026/QĐ-CCTHADS"
    assert {"id", "case_number", "description", "state", "rank", "parties"} <= set(rows[0])
    assert any(p["name"] == "Nguyễn Văn An" and p["role"] == "debtor" for p in rows[0]["parties"])
    r = cli("asset", "list", "--case", "12/2026", actor="ld_binh", )
    assert r.exit_code == 0 and "12/2026/QĐ-CCTHADS" in r.stdout and "112/2026" not in r.stdout
    r = cli("asset", "list", "--party", "---", actor="ld_binh")
    assert r.exit_code == 1 and r.stderr.count("\n") == 1


def test_the_search_goes_through_the_index(world, book):
    """The plan of the query uses the full-text table (SQLite) or the trigram indexes (PostgreSQL)."""
    from sqlalchemy import text

    with world.connect() as conn:
        if conn.dialect.name == "sqlite":
            plan = " ".join(r[-1] for r in conn.execute(text(
                "EXPLAIN QUERY PLAN SELECT rowid FROM asset_fts WHERE asset_fts MATCH 'nguyen*'")))
            assert "VIRTUAL TABLE INDEX" in plan
        else:
            conn.execute(text("SET enable_seqscan = off"))
            plan = " ".join(r[0] for r in conn.execute(text(
                "EXPLAIN SELECT id FROM parties WHERE af_fold(name || ' ' || id_number) ~ '\\mnguyen'")))
            assert "ix_search_parties_text" in plan
            plan = " ".join(r[0] for r in conn.execute(text(
                "EXPLAIN SELECT id FROM assets WHERE af_fold(case_number || ' ' || description) ~ '\\mtoyota'")))
            assert "ix_search_assets_text" in plan


def test_migration_0009_indexes_the_assets_already_there(empty_db_url):
    """A database with assets, upgraded: its assets are found by the new search at once."""
    import datetime as dt

    from sqlalchemy import insert

    from auction_flow.common.config import now_utc
    from auction_flow.core.audit import GENESIS
    from auction_flow.storage import db
    from auction_flow.storage.schema import assets, offices, users

    url = empty_db_url
    db.upgrade(url, "0005")
    stamp = now_utc()
    with db.get_engine(url).begin() as conn:
        conn.execute(insert(offices).values(id=1, code="HG-VT", name="Chi cục", created_at=stamp))
        conn.execute(insert(users).values(id=1, username="admin", name="admin", role="admin", active=True,
                                          created_at=stamp))
        conn.execute(insert(assets).values(
            id=7, case_number="44/2025/QĐ-CCTHADS", description="Đất ở 300 m², thị trấn Một Ngàn", kind="real_estate",
            office_id=1, workflow="asset_auction", workflow_version=1, state="seized",
            state_entered_on=dt.date(2025, 1, 2), last_event_on=dt.date(2025, 1, 2), clock_extended=False,
            reduction_count=0, reappraisal_count=0, cancellation_count=0, version=1, last_hash=GENESIS,
            created_at=stamp))
    db.upgrade(url)
    engine = db.open_db(url)
    assert [r["id"] for r in search.search(engine, "admin", q="mot ngan")] == [7]
    assert [r["id"] for r in search.search(engine, "admin", case="44/2025/qd")] == [7]
