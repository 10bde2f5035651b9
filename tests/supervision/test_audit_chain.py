"""Tamper evidence: `audit verify` names the first row that was changed, deleted, inserted or
reordered directly in the database; the PostgreSQL trigger refuses UPDATE and DELETE."""

from __future__ import annotations

import json
import threading

import pytest
from sqlalchemy import func, insert, select, text, update

from auction_flow.core import audit
from auction_flow.features.assets import service as svc
from auction_flow.storage import db
from auction_flow.storage.schema import assets, audit_heads, audit_log, audit_root_heads, audit_roots


def walk(engine, officer="cv_an", office="HG-VT", case="1/2026", steps=True) -> int:
    aid = svc.seize(engine, officer, case, office, "movable", "Xe máy", on="2026-03-02")
    if steps:
        svc.advance(engine, aid, "agree_price", officer, on="2026-03-04", sets=["price=50000000"])
        svc.advance(engine, aid, "contract_auction", officer, on="2026-03-06",
                    sets=["auction_org=ĐG Cần Thơ", "auction_date=2026-04-01"])
    return aid


@pytest.fixture
def history(world):
    a1 = walk(world, case="1/2026")
    a2 = walk(world, "cv_dung", "HG-NB", case="2/2026")
    a3 = walk(world, case="3/2026")
    return world, (a1, a2, a3)


def rows_of(engine, asset_id):
    with db.reading(engine) as conn:
        return conn.execute(select(audit_log.c.id, audit_log.c.seq).where(audit_log.c.asset_id == asset_id)
                            .order_by(audit_log.c.seq)).all()


APPEND_ONLY = ("audit_log", "audit_roots", "audit_root_heads", "anchors")


def tamper(engine, *statements):
    """Run statements as someone with direct access to the database (the triggers switched off on PG)."""
    with engine.begin() as conn:
        pg = conn.dialect.name == "postgresql"
        if pg:
            for table in APPEND_ONLY:
                conn.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER USER"))
        for st in statements:
            conn.execute(text(st) if isinstance(st, str) else st)
        if pg:
            for table in APPEND_ONLY:
                conn.execute(text(f"ALTER TABLE {table} ENABLE TRIGGER USER"))


def verify(cli):
    return cli("audit", "verify", actor="ld_tinh")


def every_head(root_heads, seqs) -> dict[int, list[tuple]]:
    """{root: every chain's head (chain, log_seq, log_hash)} as a forger who knows the code replays
    them: a root stores the heads that moved, a tombstone (0, '') for a chain gone."""
    state, out = {}, {}
    for seq in seqs:
        for h in root_heads:
            if h["root_seq"] == seq:
                if (h["log_seq"], h["log_hash"]) == (0, ""):
                    state.pop(h["chain"], None)
                else:
                    state[h["chain"]] = (h["log_seq"], h["log_hash"])
        out[seq] = [(c, s, link) for c, (s, link) in state.items()]
    return out


def test_intact_log_verifies(history, cli):
    r = verify(cli)
    assert r.exit_code == 0, r.output
    assert "intact" in r.output
    data = json.loads(cli("audit", "verify", "--json", actor="ksv").output)
    # the anchor to write down is printed with its value (once said with a column header's words)
    assert f"anchor now: {data['anchor']}" in cli("audit", "verify", actor="ksv").output
    engine = history[0]
    with db.reading(engine) as conn:
        total = conn.execute(select(func.count()).select_from(audit_log)).scalar()
        chains = {}
        for chain, seq in conn.execute(select(audit_log.c.chain, audit_log.c.log_seq).order_by(audit_log.c.id)):
            chains.setdefault(chain, []).append(seq)
    assert data["ok"] and data["rows"] == total and data["assets"] == 3 and data["chains"] == len(chains)
    assert {"office:HG-VT", "office:HG-NB"} <= set(chains)  # each office its own chain
    assert all(seqs == list(range(1, len(seqs) + 1)) for seqs in chains.values())


def test_changed_row_is_named(history, cli):
    engine, (a1, a2, a3) = history
    target = rows_of(engine, a2)[1].id
    tamper(engine, update(audit_log).where(audit_log.c.id == target).values(actor="cv_an"))
    r = verify(cli)
    assert r.exit_code == 1
    assert f"row {target} was changed" in r.output
    assert r.output.count("tampered") == 1 or "asset" in r.output


def test_changed_date_with_recomputed_row_hash_is_named(history, cli):
    """Someone who knows the hashing recomputes the row's own hash: the chains still break."""
    engine, (a1, _a2, _a3) = history
    row_id = rows_of(engine, a1)[1].id
    with db.reading(engine) as conn:
        row = dict(conn.execute(select(audit_log).where(audit_log.c.id == row_id)).mappings().one())
    import datetime as dt
    row["business_date"] = dt.date(2026, 3, 3)
    new_hash = audit.row_hash(row["prev_hash"], row)
    tamper(engine, update(audit_log).where(audit_log.c.id == row_id)
           .values(business_date=row["business_date"], hash=new_hash))
    r = verify(cli)
    assert r.exit_code == 1
    assert f"row {row_id} (position" in r.output and "was changed" in r.output


def test_deleted_row_is_named(history, cli):
    engine, (a1, a2, a3) = history
    rows = rows_of(engine, a1)
    tamper(engine, f"DELETE FROM audit_log WHERE id = {rows[1].id}")
    r = verify(cli)
    assert r.exit_code == 1
    assert f"before row {rows[1].id + 1} were deleted" in r.output
    assert f"asset {a1}, row {rows[2].id}" in r.output  # the asset's chain breaks at the next row


def test_deleted_asset_chain_shows(history, cli):
    """Deleting an asset with its whole chain leaves the per-asset chains intact; its office's chain breaks."""
    engine, (a1, a2, a3) = history
    rows = rows_of(engine, a2)
    tamper(engine, f"DELETE FROM audit_log WHERE asset_id = {a2}", f"DELETE FROM documents WHERE asset_id = {a2}",
           f"DELETE FROM assets WHERE id = {a2}")  # (the papers its steps issued go with it)
    r = verify(cli)
    assert r.exit_code == 1
    assert "were deleted" in r.output and "office:HG-NB" in r.output
    assert f"row {rows[0].id}" not in r.output


def test_deleted_chain_with_its_head_shows_against_a_root(history, cli):
    """Every row of an office's chain and its head deleted: the last root still names the chain."""
    engine, (a1, a2, a3) = history
    assert verify(cli).exit_code == 0  # takes a root over every chain
    tamper(engine, "DELETE FROM audit_log WHERE chain = 'office:HG-NB'",
           "DELETE FROM audit_heads WHERE chain = 'office:HG-NB'")
    r = verify(cli)
    assert r.exit_code == 1 and "chain office:HG-NB has no rows, but root" in r.output, r.output


def test_a_chain_dropped_from_the_roots_shows(history, cli):
    engine = history[0]
    assert verify(cli).exit_code == 0
    svc.seize(engine, "cv_an", "9/2026", "HG-VT", "movable", "x", on="2026-03-09")
    assert verify(cli).exit_code == 0  # a second root
    with db.reading(engine) as conn:
        last = conn.execute(select(func.max(audit_roots.c.seq))).scalar()
    with db.reading(engine) as conn:  # a root stores the heads that moved: HG-VT's, not HG-NB's
        stored = set(conn.execute(select(audit_root_heads.c.chain).where(audit_root_heads.c.root_seq == last))
                     .scalars())
    assert "office:HG-VT" in stored and "office:HG-NB" not in stored
    tamper(engine, delete_root_head(last, "office:HG-VT"))
    r = verify(cli)
    assert r.exit_code == 1 and f"root {last} was changed" in r.output, r.output


def delete_root_head(root, chain):
    return audit_root_heads.delete().where(audit_root_heads.c.root_seq == root, audit_root_heads.c.chain == chain)


def test_deleted_last_row_is_named(history, cli):
    engine, (a1, a2, a3) = history
    last = rows_of(engine, a3)[-1].id
    tamper(engine, f"DELETE FROM audit_log WHERE id = {last}")
    r = verify(cli)
    assert r.exit_code == 1
    assert f"rows after row {last - 1}" in r.output
    assert f"asset {a3}: its last audit rows were deleted (after row {last - 1})" in r.output


def test_inserted_row_is_named(history, cli):
    """A forged step for asset 1, chained correctly on the asset AND on the whole log."""
    engine, (a1, a2, a3) = history
    with db.reading(engine) as conn:
        last_hash = conn.execute(select(assets.c.last_hash).where(assets.c.id == a1)).scalar()
        head = conn.execute(select(audit_heads).where(audit_heads.c.chain == "office:HG-VT")).first()
        seq = conn.execute(select(func.max(audit_log.c.seq)).where(audit_log.c.asset_id == a1)).scalar()
    import datetime as dt
    row = audit.make_row(last_hash, asset_id=a1, seq=seq + 1, event="transition", trigger="record_sale",
                         from_state="auction_contracted", to_state="sold", actor="cv_an", role="officer",
                         office="HG-VT", business_date=dt.date(2026, 4, 1),
                         recorded_at=dt.datetime(2026, 4, 1, 3, tzinfo=dt.timezone.utc), reason=None,
                         changes="{}", imported=False)
    row.update(actor_office="HG-VT", chain="office:HG-VT", log_seq=head.log_seq + 1, log_prev_hash=head.log_hash,
               log_hash=audit.link("office:HG-VT", head.log_hash, head.log_seq + 1, row["hash"], "HG-VT"))
    tamper(engine, insert(audit_log).values(**row))
    with db.reading(engine) as conn:
        new_id = conn.execute(select(func.max(audit_log.c.id))).scalar()
    r = verify(cli)
    assert r.exit_code == 1
    assert f"row {new_id} was inserted" in r.output
    assert f"asset {a1}: row {new_id} was inserted after the asset's last row" in r.output


def test_naively_inserted_row_is_named(history, cli):
    engine, (a1, a2, a3) = history
    tamper(engine, "INSERT INTO audit_log (id, asset_id, seq, event, actor, role, business_date, recorded_at, "
                   "changes, imported, prev_hash, hash, chain) VALUES (9999, NULL, NULL, 'user_added', 'ghost', "
                   "'admin', '2026-03-01', '2026-03-01 00:00:00', '{}', false, 'x', 'y', 'admin')")
    r = verify(cli)
    assert r.exit_code == 1
    assert "row 9999 was inserted" in r.output


def test_reordered_rows_are_named(history, cli):
    """Two rows of a chain swap places: the one now first no longer links where it stands."""
    engine, (a1, a2, a3) = history
    x, y = rows_of(engine, a3)[0].id, rows_of(engine, a3)[1].id
    with db.reading(engine) as conn:
        px, py = (conn.execute(select(audit_log.c.log_seq).where(audit_log.c.id == i)).scalar() for i in (x, y))
    tamper(engine, f"UPDATE audit_log SET log_seq = -1 WHERE id = {x}", f"UPDATE audit_log SET log_seq = {px} WHERE id = {y}",
           f"UPDATE audit_log SET log_seq = {py} WHERE id = {x}")
    r = verify(cli)
    assert r.exit_code == 1
    assert f"row {y} (position {px} of chain office:HG-VT) was changed" in r.output, r.output


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_postgres_trigger_refuses_update_and_delete(history):
    engine = history[0]
    from sqlalchemy.exc import DBAPIError

    for statement in ("UPDATE audit_log SET reason = 'x' WHERE id = 1", "DELETE FROM audit_log WHERE id = 1",
                      "TRUNCATE audit_log CASCADE"):
        with pytest.raises(DBAPIError, match="append-only"):
            with engine.begin() as conn:
                conn.execute(text(statement))
    with engine.begin() as conn:  # appending still works
        audit.append(conn, audit.GENESIS, asset_id=None, seq=None, event="note", actor="admin", role="admin",
                     business_date=db_today(), recorded_at=now(), changes="{}", imported=False)


def db_today():
    from auction_flow.common.config import today
    return today()


def now():
    from auction_flow.common.config import now_utc
    return now_utc()


def test_concurrent_writers_never_share_a_predecessor(world, cli):
    """Two threads seize assets at once: every row gets its own position and the chain verifies."""
    errors = []

    def work(officer, office):
        try:
            for i in range(6):
                svc.seize(world, officer, f"{officer}/{i}", office, "movable", "Tài sản", on="2026-03-02")
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=work, args=a) for a in (("cv_an", "HG-VT"), ("cv_dung", "HG-NB"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    with db.reading(world) as conn:
        prev = [tuple(p) for p in conn.execute(select(audit_log.c.chain, audit_log.c.log_prev_hash))]
        heads = sum(conn.execute(select(audit_heads.c.log_seq)).scalars())
        total = conn.execute(select(func.count()).select_from(audit_log)).scalar()
    assert len(prev) == len(set(prev)) and heads == total
    assert verify(cli).exit_code == 0


def test_migration_chains_rows_written_before_it(empty_db_url):
    """Rows written at revision 0002 (no whole-log chain yet) are chained by the upgrade."""
    import datetime as dt

    from auction_flow.storage.schema import offices, users

    db.upgrade(empty_db_url, "0002")
    engine = db.get_engine(empty_db_url)
    with engine.begin() as conn:
        conn.execute(insert(offices).values(id=1, code="HG", name="Cục", created_at=now()))
        conn.execute(insert(users).values(username="admin", name="a", role="admin", active=True, created_at=now()))
        for i in range(3):
            row = audit.make_row(audit.GENESIS, event="user_added", actor="admin", role="admin",
                                 business_date=dt.date(2026, 1, 5), recorded_at=now(), changes=f'{{"n":{i}}}',
                                 imported=False)
            conn.execute(text("INSERT INTO audit_log (event, actor, role, business_date, recorded_at, changes, "
                              "imported, prev_hash, hash) VALUES (:event, :actor, :role, :business_date, "
                              ":recorded_at, :changes, :imported, :prev_hash, :hash)"), row)
    db.upgrade(empty_db_url)
    from auction_flow.features.supervision import verify as verify_mod
    report = verify_mod.verify(engine)
    assert report.ok and report.rows == 3 and report.chains == 1 and report.roots == 1  # the sealed legacy log
    assert db.downgrade(empty_db_url, "0002") == "0002"
    assert db.upgrade(empty_db_url) == db.SCHEMA_HEAD


def test_deleted_head_is_named(history, cli):
    engine = history[0]
    tamper(engine, "DELETE FROM audit_heads WHERE chain = 'office:HG-NB'")
    r = verify(cli)
    assert r.exit_code == 1 and "the head of chain office:HG-NB (audit_heads) was deleted" in r.output, r.output


def test_verify_while_writers_write_sees_one_consistent_snapshot(world, monkeypatch):
    """Small pages force many queries per pass; rows committed meanwhile must not look tampered."""
    from auction_flow.features.supervision import chains
    from auction_flow.features.supervision import verify as verify_mod

    monkeypatch.setattr(chains, "PAGE", 2)
    for i in range(4):
        walk(world, case=f"pre/{i}", steps=False)
    stop, errors = threading.Event(), []

    def writer():
        i = 0
        while not stop.is_set() and i < 40:
            try:
                svc.seize(world, "cv_dung", f"w/{i}", "HG-NB", "movable", "x", on="2026-03-02")
            except Exception as exc:  # noqa: BLE001
                errors.append(exc)
                return
            i += 1

    t = threading.Thread(target=writer)
    t.start()
    reports = []
    try:
        for _ in range(6):
            reports.append(verify_mod.verify(world))
    finally:
        stop.set()
        t.join()
    assert not errors
    assert all(r.ok for r in reports), [str(p) for r in reports for p in r.problems]
    assert verify_mod.verify(world).ok


def _forge_everything(engine, row_id, **changes):
    """The perfect forger: change one row, then recompute every hash after it, the assets' heads,
    the chains' heads and every root, as someone with write access to the database and this code could."""
    from auction_flow.core import roots

    with db.reading(engine) as conn:
        rows = [dict(r) for r in conn.execute(select(audit_log).order_by(audit_log.c.chain, audit_log.c.log_seq)).mappings()]
        old_roots = [dict(r) for r in conn.execute(select(audit_roots).order_by(audit_roots.c.seq)).mappings()]
        root_heads = [dict(r) for r in conn.execute(select(audit_root_heads)).mappings()]
    rows.sort(key=lambda r: r["id"])  # the asset chains in their order
    statements, per_asset, links, new_link = [], {}, {}, {}
    for row in rows:
        if row["id"] == row_id:
            row.update(changes)
        if row["asset_id"] is not None:
            row["prev_hash"] = per_asset.get(row["asset_id"], audit.GENESIS)
        row["hash"] = audit.row_hash_sorted(row["prev_hash"], [row[k] for k in sorted(audit.HASHED)])
        if row["asset_id"] is not None:
            per_asset[row["asset_id"]] = row["hash"]
    for row in sorted(rows, key=lambda r: (r["chain"], r["log_seq"])):
        row["log_prev_hash"] = links.get(row["chain"], audit.GENESIS)
        row["log_hash"] = links[row["chain"]] = audit.link(row["chain"], row["log_prev_hash"], row["log_seq"],
                                                           row["hash"], row["actor_office"])
        new_link[row["chain"], row["log_seq"]] = row["log_hash"]
        statements.append(update(audit_log).where(audit_log.c.id == row["id"]).values(
            **changes if row["id"] == row_id else {}, prev_hash=row["prev_hash"], hash=row["hash"],
            log_prev_hash=row["log_prev_hash"], log_hash=row["log_hash"]))
    statements += [update(assets).where(assets.c.id == a).values(last_hash=h) for a, h in per_asset.items()]
    statements += [update(audit_heads).where(audit_heads.c.chain == c).values(log_hash=h) for c, h in links.items()]
    prev = audit.GENESIS
    statements += [update(audit_root_heads).where(audit_root_heads.c.root_seq == h["root_seq"],
                                                  audit_root_heads.c.chain == h["chain"])
                   .values(log_hash=new_link.get((h["chain"], h["log_seq"]), h["log_hash"])) for h in root_heads]
    for h in root_heads:
        h["log_hash"] = new_link.get((h["chain"], h["log_seq"]), h["log_hash"])
    full = every_head(root_heads, [root["seq"] for root in old_roots])
    for root in old_roots:
        heads = full[root["seq"]]
        prev_, prev = prev, roots.root_hash(prev, root["seq"], audit.timestamp_text(root["taken_at"]), heads)
        statements.append(update(audit_roots).where(audit_roots.c.seq == root["seq"]).values(prev_hash=prev_, hash=prev))
    tamper(engine, *statements)


def test_an_anchor_written_down_outside_catches_a_rewrite_the_chains_cannot(history, cli):
    engine, (a1, a2, a3) = history
    first = json.loads(cli("audit", "verify", "--json", actor="ksv").output)
    anchor = first["anchor"]
    assert first["ok"] and anchor == f"{first['roots']}:" + anchor.split(":")[1] and len(anchor.split(":")[1]) == 64
    svc.advance(engine, a1, "suspend", "cv_an", on="2026-03-09", sets=["kind=postpone"])  # the log goes on
    r = cli("audit", "verify", "--anchor", anchor, actor="ksv")
    assert r.exit_code == 0 and "1 anchor(s) recorded outside still in place" in r.output, r.output
    # who sold, rewritten at the source, every hash after it recomputed: the chains agree again
    target = rows_of(engine, a2)[1].id
    _forge_everything(engine, target, actor="cv_an")
    assert verify(cli).exit_code == 0
    r = cli("audit", "verify", "--anchor", anchor, actor="ksv")
    assert r.exit_code == 1 and f"root {anchor.split(':')[0]} has hash" in r.output, r.output
    short = anchor[:anchor.index(":") + 17]  # the first 16 hex digits, easier to copy by hand
    r = cli("audit", "verify", "--anchor", short, actor="ksv")
    assert r.exit_code == 1 and "rewritten" in r.output


def test_an_anchor_beyond_the_log_means_rows_were_cut(history, cli):
    engine = history[0]
    data = json.loads(cli("audit", "verify", "--json", actor="ksv").output)
    pos, link = data["anchor"].split(":")
    r = cli("audit", "verify", "--anchor", f"{int(pos) + 5}:{link}", actor="ksv")
    assert r.exit_code == 1 and f"the last root is {int(pos) + 0}" in r.output, r.output


@pytest.mark.parametrize("bad", ["12", "x:abcdefabcdefabcdef", "3:xyz", "3:abc", "0:abcdefabcdefabcdef", ":"])
def test_a_malformed_anchor_is_refused_in_one_line(history, cli, bad):
    r = cli("audit", "verify", "--anchor", bad, actor="ksv")
    assert r.exit_code == 1
    assert r.output.strip().splitlines() == [f"error: --anchor must be ROOT:HASH (hex, at least 16 characters, "
                                             f"as verify prints it), not {bad!r}"]
