"""The chains per office, the roots that join them, and the anchors kept outside (issues 12 and 16).

A log written before revision 0012 (kept in tests/data/audit_0005.json) is sealed as the legacy
chain and goes on in the offices' chains; a forged append (a step INSERTed, its chain's head and
its asset UPDATEd to match) is caught against a root taken before it, and against the anchors
recorded outside when the roots after it are rewritten too."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from sqlalchemy import Boolean, Column, Date, DateTime, Integer, MetaData, String, Table, func, insert, select, update

from auction_flow.core import audit, roots
from auction_flow.features.assets import service as assets_svc
from auction_flow.features.supervision import verify as verify_mod
from auction_flow.frontends import scheduler
from auction_flow.storage import db
from auction_flow.storage.schema import (
    anchors,
    assets,
    audit_heads,
    audit_log,
    audit_root_heads,
    audit_roots,
    metadata,
    scheduler_runs,
)
from tests.supervision.test_audit_chain import every_head, history, rows_of, tamper, walk  # noqa: F401 - history: the fixture

OLD = json.loads((Path(__file__).resolve().parents[1] / "data" / "audit_0005.json").read_text(encoding="utf-8"))
OLD_HEAD = Table("audit_head", MetaData(), Column("id", Integer, primary_key=True), Column("log_seq", Integer),
                 Column("log_hash", String(64)), Column("claims", Integer))


def typed(table, row: dict) -> dict:
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


def load_0005(url: str):
    """The database as revision 0005's code left it, with its eight chained rows."""
    db.upgrade(url, "0005")
    engine = db.get_engine(url)
    old_log = Table("audit_log", MetaData(), *[Column(c.name, c.type, primary_key=c.primary_key)
                                                  for c in audit_log.c if c.name != "chain"])
    with engine.begin() as conn:
        conn.execute(OLD_HEAD.delete())
        for name in ("offices", "users", "assets", "audit_log", "audit_head"):
            table = {"audit_head": OLD_HEAD, "audit_log": old_log}.get(name, metadata.tables.get(name))
            for row in OLD["tables"][name]:
                conn.execute(insert(table).values(**typed(table, row)))
        if conn.dialect.name == "postgresql":
            for name in ("offices", "users", "assets", "audit_log"):
                conn.exec_driver_sql(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                                     f"(SELECT max(id) FROM {name}))")
    return engine


def test_the_old_log_is_sealed_as_the_legacy_chain_and_goes_on_per_office(empty_db_url):
    engine = load_0005(empty_db_url)
    db.upgrade(empty_db_url)
    with engine.connect() as conn:  # history untouched: every old row keeps its whole-log link
        kept = {r.id: (r.chain, r.log_seq, r.log_prev_hash, r.log_hash) for r in conn.execute(select(audit_log))}
        assert kept == {r["id"]: ("legacy", r["log_seq"], r["log_prev_hash"], r["log_hash"])
                        for r in OLD["tables"]["audit_log"]}
        head = OLD["tables"]["audit_head"][0]
        assert conn.execute(select(audit_heads.c.chain, audit_heads.c.log_seq, audit_heads.c.log_hash)).all() == [
            ("legacy", 8, head["log_hash"])]
        [root] = conn.execute(select(audit_roots)).all()  # the first root seals the legacy head
        assert (root.seq, root.source, root.prev_hash) == (1, "migration", audit.GENESIS)
        assert conn.execute(select(audit_root_heads.c.chain, audit_root_heads.c.log_seq)).all() == [("legacy", 8)]
    report = verify_mod.verify(engine)
    assert report.ok and (report.rows, report.chains, report.roots) == (8, 1, 1), report.as_dict()

    assets_svc.advance(engine, 1, "record_sale", "cv_an", "2026-04-01", ["sale_price=101000000", "buyer=Lê Văn Tám"])
    with engine.connect() as conn:
        new = conn.execute(select(audit_log).order_by(audit_log.c.id.desc())).mappings().first()
    assert (new["chain"], new["log_seq"], new["log_prev_hash"]) == ("office:HG-VT", 1, audit.GENESIS)
    assert new["prev_hash"] == OLD["tables"]["audit_log"][-1]["hash"]  # the asset's own chain goes on
    roots.take(engine, "command")
    report = verify_mod.verify(engine)
    assert report.ok and (report.rows, report.chains, report.roots) == (9, 2, 2), report.as_dict()

    # the sealed legacy chain cannot grow: a row appended to it, linked as before, with its head moved
    row = audit.make_row(audit.GENESIS, event="user_added", actor="admin", role="admin", business_date=dt.date.today(),
                         recorded_at=dt.datetime.now(dt.timezone.utc), changes="{}", imported=False)
    row.update(chain="legacy", actor_office=None, log_seq=9, log_prev_hash=head["log_hash"],
               log_hash=audit.log_hash(head["log_hash"], 9, row["hash"], None))
    tamper(engine, insert(audit_log).values(**row),
           update(audit_heads).where(audit_heads.c.chain == "legacy").values(log_seq=9, log_hash=row["log_hash"]))
    report = verify_mod.verify(engine)
    assert [p.key for p in report.problems] == ["audit_root_backwards"], report.as_dict()
    assert "chain legacy" in str(report.problems[0])


def test_a_changed_legacy_row_is_named_and_the_upgrade_goes_both_ways(empty_db_url):
    engine = load_0005(empty_db_url)
    db.upgrade(empty_db_url)
    assets_svc.advance(engine, 1, "record_sale", "cv_an", "2026-04-01", ["sale_price=101000000", "buyer=Lê Văn Tám"])
    assert db.downgrade(empty_db_url, "0016") == "0016"  # the office chains' rows join the whole log again
    with engine.connect() as conn:
        seqs = [s for (s,) in conn.execute(select(audit_log.c.log_seq).order_by(audit_log.c.id))]
        assert seqs == list(range(1, 10))
    assert db.upgrade(empty_db_url) == db.SCHEMA_HEAD
    report = verify_mod.verify(engine)
    assert report.ok and (report.rows, report.chains) == (9, 1), report.as_dict()
    tamper(engine, update(audit_log).where(audit_log.c.id == 4).values(reason="sửa"))
    report = verify_mod.verify(engine)
    assert report.problems[0].key == "audit_changed" and report.problems[0].params["id"] == 4


def forge_append(engine, asset_id: int, recorded_at: dt.datetime):
    """Issue 12's forged append: a step INSERTed for the asset, chained on the asset and on its
    office's chain as the code would, its chain's head and the asset UPDATEd to match."""
    with db.reading(engine) as conn:
        asset = conn.execute(select(assets).where(assets.c.id == asset_id)).mappings().one()
        head = conn.execute(select(audit_heads).where(audit_heads.c.chain == "office:HG-VT")).mappings().one()
    row = audit.make_row(asset["last_hash"], asset_id=asset_id, seq=asset["version"] + 1, event="transition",
                         trigger="record_sale", from_state=asset["state"], to_state="sold", actor="cv_an",
                         role="officer", office="HG-VT", business_date=recorded_at.date(), recorded_at=recorded_at,
                         reason=None, changes='{"buyer":[null,"Mallory"],"sale_price":[null,900000000]}',
                         imported=False)
    row.update(actor_office="HG-VT", officer_id=asset["officer_id"], chain="office:HG-VT", log_seq=head["log_seq"] + 1,
               log_prev_hash=head["log_hash"],
               log_hash=audit.link("office:HG-VT", head["log_hash"], head["log_seq"] + 1, row["hash"], "HG-VT"))
    tamper(engine, insert(audit_log).values(**row),
           update(audit_heads).where(audit_heads.c.chain == "office:HG-VT").values(log_seq=row["log_seq"],
                                                                                   log_hash=row["log_hash"]),
           update(assets).where(assets.c.id == asset_id).values(state="sold", buyer="Mallory", sale_price=900000000,
                                                                version=row["seq"], last_hash=row["hash"]))
    return row


def rewrite_roots(engine, taken_at: dt.datetime):
    """The forger goes on: every root moved back before the forged row and its hash recomputed."""
    with db.reading(engine) as conn:
        old = conn.execute(select(audit_roots).order_by(audit_roots.c.seq)).mappings().all()
        heads = conn.execute(select(audit_root_heads)).mappings().all()
    statements, prev = [], audit.GENESIS
    full = every_head(heads, [root["seq"] for root in old])
    for i, root in enumerate(old):
        at = taken_at + dt.timedelta(seconds=i)
        mine = full[root["seq"]]
        prev_, prev = prev, roots.root_hash(prev, root["seq"], audit.timestamp_text(at), mine)
        statements.append(update(audit_roots).where(audit_roots.c.seq == root["seq"])
                          .values(taken_at=at, prev_hash=prev_, hash=prev))
    tamper(engine, *statements)


def test_a_forged_append_is_caught_against_a_root_and_an_anchor_taken_before(history, cli, tmp_path):
    engine, (a1, _a2, _a3) = history
    first = cli("audit", "verify", "--json", actor="ksv")
    assert first.exit_code == 0 and json.loads(first.output)["anchor"]
    # the whole forgery of issue 12, dated before the anchor
    row = forge_append(engine, a1, dt.datetime(2026, 4, 1, 3, tzinfo=dt.timezone.utc))
    with db.reading(engine) as conn:
        new_id = conn.execute(select(func.max(audit_log.c.id))).scalar()
        assert new_id == rows_of(engine, a1)[-1].id
    r = cli("audit", "verify", actor="ksv")
    assert r.exit_code == 1 and f"row {new_id} (position {row['log_seq']} of chain office:HG-VT)" in r.output
    assert "appended later, back-dated" in r.output, r.output
    # ... and the roots rewritten to hide it: only the anchors kept outside the audit tables show it
    rewrite_roots(engine, dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc))
    assert verify_mod.verify(engine).ok
    r = cli("audit", "verify", "--since-last", actor="ksv")
    assert r.exit_code == 1 and "root 1 has hash" in r.output and "not the anchor" in r.output, r.output
    exported = tmp_path / "anchors.json"
    assert cli("audit", "anchors", "--json", "--output", str(exported), actor="ksv").exit_code == 0
    kept = json.loads(exported.read_text(encoding="utf-8"))[0]["anchor"]
    r = cli("audit", "verify", "--anchor", kept, actor="ksv")
    assert r.exit_code == 1 and "not the anchor" in r.output


def test_a_step_after_the_root_is_not_taken_for_a_forgery(history, cli):
    engine, (a1, _a2, _a3) = history
    assert cli("audit", "root", actor="ld_tinh").exit_code == 0
    assets_svc.advance(engine, a1, "suspend", "cv_an", "2026-03-09", ["kind=postpone"])
    r = cli("audit", "verify", "--since-last", actor="ld_tinh")
    assert r.exit_code == 0 and "checked against 1 recorded anchor(s)" in r.output, r.output


def test_audit_root_and_anchors_for_a_procurator(history, cli, tmp_path):
    r = cli("audit", "root", "--json", actor="ksv")
    assert r.exit_code == 0, r.output
    root = json.loads(r.output)
    assert root["anchor"] == f"{root['root']}:{root['hash']}"
    r = cli("audit", "anchors", actor="ksv")
    assert r.exit_code == 0 and root["anchor"] in r.output and "command" in r.output and "ksv" in r.output
    out = tmp_path / "anchors.txt"
    r = cli("audit", "anchors", "--output", str(out), actor="ksv")
    assert r.exit_code == 0 and root["anchor"] in out.read_text(encoding="utf-8")
    r = cli("audit", "verify", "--json", actor="ksv")
    data = json.loads(r.output)
    assert data["ok"] and data["anchor"].split(":")[0] == str(root["root"])  # nothing moved: the same root
    with db.reading(history[0]) as conn:
        assert [tuple(r) for r in conn.execute(select(anchors.c.source, anchors.c.taken_by).order_by(anchors.c.id))] \
            == [("command", "ksv"), ("verify", "ksv")]
    for command in (["root"], ["anchors"]):  # refused (and the refusals are chained: the heads move)
        r = cli("audit", *command, actor="cv_an")
        assert r.exit_code == 1 and "may not verify the audit log" in r.output


def test_the_scheduler_takes_a_root(history, db_url):
    engine = history[0]
    scheduler.root_job(db_url)
    with db.reading(engine) as conn:
        assert conn.execute(select(audit_roots.c.source)).scalars().all() == ["scheduler"]
        run = conn.execute(select(scheduler_runs).where(scheduler_runs.c.job == "root")).mappings().one()
        chains = conn.execute(select(func.count()).select_from(audit_root_heads)).scalar()
        assert chains == conn.execute(select(func.count()).select_from(audit_heads)).scalar() >= 3
    assert run["outcome"] == "ok" and run["detail"].startswith("root 1: ")
    walk(engine, case="4/2026", steps=False)
    scheduler.root_job(db_url)
    assert verify_mod.verify(engine).ok
