"""`import assets`, the write: the rows the import builds itself are the audit module's rows,
and a write that fails half-way leaves the database as it was."""

from __future__ import annotations

import gc
import json

import pytest
from sqlalchemy import select

from auction_flow.common.config import today
from auction_flow.core import audit, workflow
from auction_flow.core import bulk
from auction_flow.core import engine as eng
from auction_flow.features.imports import check as importer
from auction_flow.features.supervision.verify import verify
from auction_flow.storage.schema import assets, audit_log, metadata

HEADER = ("case_number,office,kind,description,officer,state,seized_on,appraisal_contracted_on,appraisal_org,"
          "priced_on,price,auction_contracted_on,auction_org,auction_date,auction_failed_on,sold_on,sale_price,"
          "buyer,paid_on,cancelled_on,cancel_ground,cancel_reason,handed_over_on,closed_on,deposit,returned_on,costs,"
          "creditor_declined")
# One asset in each importable state, with the optional steps and fields given in some of them.
EVERY_STATE = [
    "1/2025,HG-VT,movable,Xe máy 1,cv_an,seized,2025-01-06,,,,,,,,,,,,,,,,,,,,,",
    "2/2025,HG-VT,động sản,Xe máy 2,cv_an,appraising,06/01/2025,08/01/2025,Công ty TĐG,,,,,,,,,,,,,,,,,,,",
    "3/2025,HG-NB,real_estate,Nhà 3,cv_dung,priced,2025-01-06,,,2025-01-20,\"1,250,000,000\",,,,,,,,,,,,,,,,,",
    "4/2025,HG-VT,movable,Xe 4,cv_an,auction_contracted,2025-01-06,2025-01-07,Công ty TĐG,2025-01-20,900000000,"
    "2025-02-10,Công ty ĐG,2025-03-03,,,,,,,,,,,,,,",
    "5/2025,HG-VT,movable,Xe 5,cv_an,auction_failed,2025-01-06,,,2025-01-20,900.000.000,2025-02-10,Công ty ĐG,"
    "2025-03-03,2025-03-03,,,,,,,,,,,,,",
    "6/2025,HG-VT,movable,Xe 6,cv_an,sold,2025-01-06,,,2025-01-20,900000000,2025-02-10,Công ty ĐG,2025-03-03,,"
    "2025-03-03,950000000,Nguyễn Văn Tám,,,,,,,95000000,,,",
    "7/2025,HG-VT,movable,Xe 7,cv_an,paid,2025-01-06,,,2025-01-20,900000000,2025-02-10,Công ty ĐG,2025-03-03,,"
    "2025-03-03,950000000,Nguyễn Văn Tám,2025-03-20,,,,,,95000000,,,",
    "8/2025,HG-VT,movable,Xe 8,cv_an,auction_cancelled,2025-01-06,,,2025-01-20,900000000,2025-02-10,Công ty ĐG,"
    "2025-03-03,,2025-03-03,950000000,Nguyễn Văn Tám,2025-03-20,2025-04-02,collusion,\"Thông đồng, dìm giá\",,,"
    "95000000,,,",
    "9/2025,HG-VT,movable,Xe 9,cv_an,auction_cancelled,2025-01-06,,,2025-01-20,900000000,2025-02-10,Công ty ĐG,"
    "2025-03-03,,2025-03-03,950000000,Nguyễn Văn Tám,,2025-04-02,procedural_breach,,,,95000000,,,",
    "10/2025,HG-VT,movable,Xe 10,cv_an,handed_over,2025-01-06,,,2025-01-20,900000000,2025-02-10,Công ty ĐG,"
    "2025-03-03,,2025-03-03,950000000,Nguyễn Văn Tám,2025-03-20,,,,2025-04-10,,95000000,,,",
    "11/2025,HG-VT,movable,Xe 11,cv_an,closed,2025-01-06,,,2025-01-20,900000000,2025-02-10,Công ty ĐG,"
    "2025-03-03,,2025-03-03,950000000,Nguyễn Văn Tám,2025-03-20,,,,2025-04-10,2025-05-02,95000000,,,",
    "12/2025,HG-VT,movable,Xe 12,cv_an,returned_to_debtor,2025-01-06,,,2025-01-20,900000000,2025-02-10,Công ty ĐG,"
    "2025-03-03,2025-03-03,,,,,,,,,,,2025-03-10,850000000,yes",
]


def dump(engine) -> dict:
    with engine.connect() as conn:
        return {t.name: sorted(map(repr, conn.execute(select(t)).all())) for t in metadata.sorted_tables}


def write(tmp_path, lines) -> str:
    path = tmp_path / "assets.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def test_every_imported_row_is_the_row_audit_make_row_builds(world, tmp_path, cli):
    r = cli("import", "assets", write(tmp_path, [HEADER] + EVERY_STATE), "--json", actor="ld_tinh")
    assert r.exit_code == 0, r.output
    res = json.loads(r.output)
    assert res["rows"] == len(EVERY_STATE) and len(res["by_state"]) == 11
    with world.connect() as conn:
        heads = dict(conn.execute(select(assets.c.id, assets.c.last_hash)).all())
        rows = conn.execute(select(audit_log).where(audit_log.c.asset_id.is_not(None))
                            .order_by(audit_log.c.asset_id, audit_log.c.seq)).mappings().all()
    last: dict[int, dict] = {}
    for row in rows:
        prev = last[row["asset_id"]]["hash"] if row["asset_id"] in last else audit.GENESIS
        made = audit.make_row(prev, **{k: row[k] for k in audit.HASHED}, via=row["via"])
        assert (row["prev_hash"], row["hash"]) == (made["prev_hash"], made["hash"]), (row["asset_id"], row["seq"])
        assert row["changes"] == audit.changes_json({k: tuple(v) for k, v in json.loads(row["changes"]).items()})
        last[row["asset_id"]] = row
    assert {a: r["hash"] for a, r in last.items()} == heads
    cancelled = [r for r in rows if r["trigger"] == "cancel_result"]
    assert [json.loads(r["changes"])["ground"] for r in cancelled] == [[None, "collusion"], [None, "procedural_breach"]]
    assert [r["reason"] for r in cancelled] == ["Thông đồng, dìm giá", "imported"]
    assert verify(world).ok


def test_a_write_that_fails_half_way_leaves_the_database_unchanged(world, tmp_path):
    lines = [HEADER] + EVERY_STATE
    wf = workflow.get()
    with world.connect() as conn:
        records = importer.check(conn, "\n".join(lines) + "\n", wf, today()).records
        actor = eng.load_actor(conn, "ld_tinh")
    assert len(records) == len(EVERY_STATE)
    records[-1]["office_id"] = 999_999  # no such office: the last asset's INSERT fails, after the others
    before = dump(world)
    with pytest.raises(Exception, match="(?i)foreign key"):
        bulk.import_assets(world, records, actor, wf)
    assert dump(world) == before
    assert gc.isenabled()  # the import pauses the collector and gives it back, also on failure
    records[-1]["office_id"] = records[0]["office_id"]
    ids = bulk.import_assets(world, records, actor, wf)
    assert len(ids) == len(EVERY_STATE) and gc.isenabled()
    assert verify(world).ok


def test_checking_a_refused_file_gives_the_collector_back(world, tmp_path, cli):
    path = write(tmp_path, [HEADER, EVERY_STATE[0], EVERY_STATE[1].replace("động sản", "boat")])
    r = cli("import", "assets", path, actor="ld_tinh")
    assert r.exit_code == 1 and "line 3, column kind: unknown kind 'boat'" in r.output
    assert gc.isenabled()
