"""The ``via`` column joins the audit row's hash only when present: a log written before it
existed (by the code of revision 0005, kept in tests/data/audit_0005.json) still verifies after
the upgrade, new rows chain onto it, and a changed ``via`` is caught like any changed column."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from sqlalchemy import Boolean, Date, DateTime, insert, select, update

from auction_flow.common.context import acting_via
from auction_flow.core import audit
from auction_flow.features.admin import service as admin
from auction_flow.features.assets import service as assets
from auction_flow.features.supervision import verify as verify_mod
from auction_flow.storage import db
from auction_flow.storage.schema import audit_log, metadata, users

OLD = json.loads((Path(__file__).resolve().parents[1] / "data" / "audit_0005.json").read_text(encoding="utf-8"))


def sa_table(name):
    """audit_head as revision 0005 had it (the code's schema has audit_heads since 0012)."""
    from sqlalchemy import Column, Integer, MetaData, String, Table

    return Table(name, MetaData(), Column("id", Integer, primary_key=True), Column("log_seq", Integer),
                 Column("log_hash", String(64)), Column("claims", Integer))


def _typed(table, row: dict) -> dict:
    out = {}
    for key, value in row.items():
        kind = table.c[key].type
        if value is not None and isinstance(kind, DateTime):
            value = dt.datetime.fromisoformat(value)
        elif value is not None and isinstance(kind, Date):
            value = dt.date.fromisoformat(value)
        elif value is not None and isinstance(kind, Boolean):
            value = bool(value)
        out[key] = value
    return out


def _load_old_log(url: str):
    assert OLD["revision"] == "0005"
    db.upgrade(url, "0005")
    engine = db.get_engine(url)
    with engine.begin() as conn:
        conn.execute(sa_table("audit_head").delete())
        for name in ("offices", "users", "assets", "audit_log", "audit_head"):
            table = metadata.tables.get(name) if name != "audit_head" else sa_table("audit_head")
            for row in OLD["tables"][name]:
                conn.execute(insert(table).values(**_typed(table, row)))
        if conn.dialect.name == "postgresql":
            for name in ("offices", "users", "assets", "audit_log"):
                conn.exec_driver_sql(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                                     f"(SELECT max(id) FROM {name}))")
    return engine


def test_a_log_written_before_via_verifies_after_the_upgrade_and_goes_on(empty_db_url):
    engine = _load_old_log(empty_db_url)
    db.upgrade(empty_db_url)
    report = verify_mod.verify(engine)
    assert report.ok and report.rows == len(OLD["tables"]["audit_log"]) == 8, report.as_dict()
    with engine.connect() as conn:
        migrated = conn.execute(select(users.c.username, users.c.password_hash, users.c.must_change_password)).all()
        assert {tuple(r) for r in migrated} == {("admin", None, False), ("cv_an", None, False),
                                                ("ld_binh", None, False)}
        assert conn.execute(select(audit_log.c.via).where(audit_log.c.via.is_not(None))).all() == []
    with acting_via("session:41"):  # new rows, through a session, chain onto the old ones (workflow v1)
        assets.advance(engine, 1, "record_sale", "cv_an", "2026-04-01", ["sale_price=101000000", "buyer=Lê Văn Tám"])
        admin.add_office(engine, "admin", "HG-NB", "Chi cục THADS TX Ngã Bảy", "HG")
    report = verify_mod.verify(engine)
    assert report.ok and report.rows == 10, report.as_dict()
    with engine.begin() as conn:
        last = conn.execute(select(audit_log).order_by(audit_log.c.id.desc())).mappings().first()
        assert last["via"] == "session:41" and audit.row_hash(last["prev_hash"], dict(last)) == last["hash"]
        assert audit.row_hash(last["prev_hash"], {**last, "via": None}) != last["hash"]
        if conn.dialect.name == "postgresql":  # someone with the owner's rights: the append-only trigger off
            conn.exec_driver_sql("ALTER TABLE audit_log DISABLE TRIGGER USER")
        conn.execute(update(audit_log).where(audit_log.c.id == last["id"]).values(via="session:7"))
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("ALTER TABLE audit_log ENABLE TRIGGER USER")
    report = verify_mod.verify(engine)
    assert not report.ok and report.problems[0].key == "audit_changed"
    assert report.problems[0].params["id"] == last["id"]


def test_a_row_without_via_hashes_as_it_always_did():
    fields = dict(asset_id=None, seq=None, event="office_added", trigger=None, from_state=None, to_state=None,
                  actor="admin", role="admin", office="HG", business_date=dt.date(2026, 3, 2),
                  recorded_at=dt.datetime(2026, 3, 2, 3, 0, tzinfo=dt.timezone.utc), reason=None,
                  changes='{"code":[null,"HG"]}', imported=False)
    # the hash of this row as the code of revision 0005 computed it
    assert audit.make_row(audit.GENESIS, **fields)["hash"] == \
        "b2f8dcbd0f1a6a46908c3c52cc6710b0322c4b742a29ddc8c05a97dd44c7834a"
