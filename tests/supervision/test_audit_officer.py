"""The officer in charge on each audit row (migration 0020, issue 16), on SQLite and PostgreSQL.

The engine writes it in the step's own INSERT (seizure, step, reassignment, correction, import);
migration 0020 fills the rows written before it from their chains; ``audit verify`` names a row
whose officer is not the one its chain gives; ``report summary --by officer`` counts each step
for the officer in charge when it was taken."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import inspect, text

from auction_flow.features.assets import service as svc
from auction_flow.features.reports import service as reports
from auction_flow.storage import db

APPEND_ONLY = "audit_log"
EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "import-example.csv"


def _walk(engine) -> int:
    """An asset seized by cv_an, priced, reassigned to cv_ba, then taken to auction by cv_ba."""
    aid = svc.seize(engine, "cv_an", "7/2026", "HG-VT", "movable", "Xe máy", on="2026-03-02")
    svc.advance(engine, aid, "agree_price", "cv_an", on="2026-03-04", sets=["price=50000000"])
    svc.reassign(engine, aid, "ld_binh", "cv_ba", "cv_an nghỉ phép", on="2026-03-05")
    svc.advance(engine, aid, "contract_auction", "cv_ba", on="2026-03-06",
                sets=["auction_org=ĐG Cần Thơ", "auction_date=2026-04-01"])
    svc.correct(engine, aid, "cv_ba", ["description=Xe máy Honda"], "ghi sai", on="2026-03-07")
    return aid


def _officers(engine, aid) -> list[tuple]:
    with engine.connect() as conn:
        return conn.execute(text("SELECT a.seq, a.trigger, u.username FROM audit_log a LEFT JOIN users u "
                                 "ON u.id = a.officer_id WHERE a.asset_id = :a ORDER BY a.seq"), {"a": aid}).all()


EXPECTED = [(1, "seize", "cv_an"), (2, "agree_price", "cv_an"), (3, "reassign", "cv_ba"),
            (4, "contract_auction", "cv_ba"), (5, "correct", "cv_ba")]


def test_the_engine_writes_the_officer_in_charge_on_each_row(world):
    aid = _walk(world)
    assert _officers(world, aid) == EXPECTED
    with world.connect() as conn:  # rows about no asset name no officer
        assert conn.execute(text("SELECT count(*) FROM audit_log WHERE asset_id IS NULL "
                                 "AND officer_id IS NOT NULL")).scalar() == 0


def test_the_migration_fills_the_rows_from_their_chains_both_ways(world, db_url, cli):
    aid = _walk(world)
    imported = cli("import", "assets", str(EXAMPLE), "--json", actor="ld_tinh")
    assert imported.exit_code == 0, imported.output
    with world.connect() as conn:
        before = conn.execute(text("SELECT id, officer_id FROM audit_log ORDER BY id")).all()
    assert sum(1 for _, o in before if o is not None) > len(EXPECTED) + 6  # the import's rows name theirs
    with world.connect() as conn:  # the imported sales' side clocks: 0017 (after 0020) drops them on the way down
        duties = [dict(r) for r in conn.execute(text("SELECT * FROM asset_obligations ORDER BY id")).mappings()]
    assert duties
    assert db.downgrade(db_url, "0014") == "0014"
    with world.connect() as conn:
        assert "officer_id" not in {c["name"] for c in inspect(conn).get_columns("audit_log")}
    assert db.upgrade(db_url) == db.SCHEMA_HEAD
    engine = db.open_db(db_url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT id, officer_id FROM audit_log ORDER BY id")).all() == before
    assert _officers(engine, aid) == EXPECTED
    with engine.begin() as conn:  # put back as a restore would: verify then checks every table again
        conn.execute(text("INSERT INTO asset_obligations (id, asset_id, name, opened_seq, starts_on, due, basis, "
                          "regime, closed_seq, done_on) VALUES (:id, :asset_id, :name, :opened_seq, :starts_on, "
                          ":due, :basis, :regime, :closed_seq, :done_on)"), duties)
    r = cli("audit", "verify", actor="ld_tinh")
    assert r.exit_code == 0, r.output


def _tamper(engine, statement: str, **params):
    with engine.begin() as conn:
        pg = conn.dialect.name == "postgresql"
        if pg:
            conn.execute(text(f"ALTER TABLE {APPEND_ONLY} DISABLE TRIGGER USER"))
        conn.execute(text(statement), params)
        if pg:
            conn.execute(text(f"ALTER TABLE {APPEND_ONLY} ENABLE TRIGGER USER"))


def test_verify_names_a_row_whose_officer_was_changed(world, cli):
    """Someone moves a step to another officer's name (to move it in the report by officer)."""
    aid = _walk(world)
    _tamper(world, "UPDATE audit_log SET officer_id = (SELECT id FROM users WHERE username = 'cv_dung') "
                   "WHERE asset_id = :a AND seq = 2", a=aid)
    r = cli("audit", "verify", "--json", actor="ld_tinh")
    assert r.exit_code == 1
    data = json.JSONDecoder().raw_decode(r.output)[0]
    found = [p["message"] for p in data["problems"]]
    assert any(f"asset {aid}, row" in m and "(step 2) names the officer in charge \"cv_dung\", the chain says "
               "\"cv_an\"" in m for m in found), found
    r = cli("audit", "verify", actor="ld_tinh")
    assert r.exit_code == 1 and "cv_dung" in r.output


def test_report_by_officer_counts_each_step_for_the_officer_in_charge_then(world):
    """cv_an priced the asset before it went to cv_ba, who contracted the auction: the pricing is
    cv_an's, the days in 'priced' (left under cv_ba) are cv_ba's; the asset's officer now is cv_ba."""
    _walk(world)
    groups = {g["key"]: g for g in reports.summary(world, "ld_tinh", start="2026-01-01", end="2026-12-31",
                                                   by="officer")["groups"]}
    assert groups["cv_an"]["seized"] == 1 and groups["cv_an"]["priced"] == 1
    assert "cv_ba" not in groups or groups["cv_ba"]["seized"] == 0
    assert groups["cv_ba"]["stage_median_days"] == {"priced": 2}
    assert groups["cv_an"]["stage_median_days"] == {"seized": 2}


def test_a_writer_that_does_not_name_the_officer_gets_the_assets(world, cli):
    """audit.insert fills officer_id from the asset (as the transaction sees it) for an asset's row
    whose writer did not give it, so a new kind of row cannot leave verify a row to name."""
    import datetime as dt

    from sqlalchemy import update

    from auction_flow.common.config import now_utc
    from auction_flow.core import audit
    from auction_flow.core.engine import load_asset
    from auction_flow.storage.schema import assets

    aid = _walk(world)
    with db.writing(world) as conn:
        asset = load_asset(conn, aid)
        row = audit.make_row(asset["last_hash"], asset_id=aid, seq=asset["version"] + 1, event="note",
                             trigger="note", from_state=asset["state"], to_state=asset["state"], actor="cv_ba",
                             role="officer", office="HG-VT", business_date=dt.date(2026, 3, 8), recorded_at=now_utc(),
                             reason="ghi chú", changes="{}", imported=False)
        conn.execute(update(assets).where(assets.c.id == aid).values(version=row["seq"], last_hash=row["hash"]))
        assert "officer_id" not in row
        audit.insert(conn, row)
    assert _officers(world, aid)[-1] == (6, "note", "cv_ba")
    r = cli("audit", "verify", actor="ld_tinh")
    assert r.exit_code == 0, r.output
