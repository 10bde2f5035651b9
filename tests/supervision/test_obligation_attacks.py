"""The side clocks (asset_obligations) against their audit chain: an obligation row edited,
deleted or added with plain SQL, on SQLite and PostgreSQL, is named by `audit verify` (exit 1)."""

from __future__ import annotations

import json

from sqlalchemy import text

from auction_flow.features.assets import service as svc


def sold(engine, case="1/2026") -> int:
    """An asset sold at the auction of 2026-03-06: its losing bidders' deposits due 2026-03-11."""
    aid = svc.seize(engine, "cv_an", case, "HG-VT", "movable", "Xe máy", on="2026-02-02")
    svc.advance(engine, aid, "agree_price", "cv_an", on="2026-02-03", sets=["price=50000000"])
    svc.advance(engine, aid, "contract_auction", "cv_an", on="2026-02-04",
                sets=["auction_org=ĐG Cần Thơ", "auction_date=2026-03-06"])
    svc.advance(engine, aid, "record_sale", "cv_an", on="2026-03-06",
                sets=["sale_price=60000000", "buyer=B", "deposit=5000000"])
    return aid


def sql(engine, statement, **params):
    with engine.begin() as conn:
        conn.execute(text(statement), params)


def verify(cli):
    r = cli("audit", "verify", "--json", actor="ld_tinh")
    assert r.output.startswith("{"), r.output
    data = json.JSONDecoder().raw_decode(r.output)[0]
    return r.exit_code, "\n".join(p["message"] for p in data["problems"])


def test_obligations_as_the_engine_wrote_them_verify(world, cli):
    sold(world)
    closed = sold(world, "2/2026")
    svc.advance(world, closed, "record_refunds", "cv_an", on="2026-03-09", sets=["refunded_on=2026-03-09", "bidders=2"])
    assert verify(cli) == (0, "")


def test_a_due_day_moved_by_sql_is_named(world, cli):
    aid = sold(world)
    sql(world, "UPDATE asset_obligations SET due = :d WHERE asset_id = :id", d="2026-04-30", id=aid)
    code, said = verify(cli)
    assert code == 1
    assert (f"asset {aid}, obligation deposit_refunds (row 1), column due: the chain says \"2026-03-11\", "
            f"the table says \"2026-04-30\"") in said, said


def test_a_refund_recorded_by_sql_is_named(world, cli):
    aid = sold(world)
    sql(world, "UPDATE asset_obligations SET closed_seq = 5, done_on = :d WHERE asset_id = :id", d="2026-03-09", id=aid)
    code, said = verify(cli)
    assert code == 1 and "column closed_seq: the chain says -, the table says 5" in said, said
    assert "column done_on: the chain says -, the table says \"2026-03-09\"" in said


def test_a_deleted_obligation_is_named(world, cli):
    aid = sold(world)
    sql(world, "DELETE FROM asset_obligations WHERE asset_id = :id", id=aid)
    code, said = verify(cli)
    assert code == 1
    assert f"asset {aid}: obligation deposit_refunds opened at step 4 is in the chain but no longer in the table" \
        in said, said


def test_an_obligation_added_by_sql_is_named(world, cli):
    aid = svc.seize(world, "cv_an", "3/2026", "HG-VT", "movable", "Xe máy", on="2026-03-02")
    sql(world, "INSERT INTO asset_obligations (asset_id, name, opened_seq, starts_on, due, basis) "
               "VALUES (:id, 'refund_buyer', 1, :d, :d, 'x')", id=aid, d="2026-03-02")
    code, said = verify(cli)
    assert code == 1 and f"asset {aid}: obligation refund_buyer (row 1, step 1) is in no audit row" in said, said
