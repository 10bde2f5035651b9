"""The demo province end to end, on an empty SQLite file and an empty PostgreSQL database."""

from __future__ import annotations

import shlex

from sqlalchemy import func, select

from auction_flow.storage import db
from auction_flow.storage.schema import alerts, asset_obligations, assets, audit_log


def test_demo_builds_the_province_through_the_engine(empty_db_url, tmp_path):
    from click.testing import CliRunner

    from cli import main

    result = CliRunner().invoke(main, ["--db", empty_db_url, "demo", "--lang", "en"], catch_exceptions=False)
    assert result.exit_code == 0, result.output + result.stderr
    out = result.output
    assert "5 of 45, 11.1%" in out  # the year resembles domain.md's
    for signal in ("backdated", "outside_office", "low_sale", "buyer_wins", "officer_cancellations",
                   "price_reductions", "handover_open_complaint"):
        assert signal in out, signal
    assert "Open alerts on 2020-09-30" in out and "escalated" in out
    # the procuracy's recommendations (one answered late, one still open) and a complaint out of time
    assert "recommendation 12/KN-VKS" in out and "open [overdue]" in out
    assert "answered [missed]" in out and "out of time (Luật THADS Điều 140" in out
    assert "Demo database:" in out

    engine = db.open_db(empty_db_url)
    with engine.connect() as conn:
        sales = conn.execute(select(func.count()).where(audit_log.c.trigger == "record_sale")).scalar()
        cancels = conn.execute(select(func.count()).where(audit_log.c.trigger == "cancel_result")).scalar()
        defaults = conn.execute(select(func.count()).where(audit_log.c.trigger == "record_default")).scalar()
        coerced = conn.execute(select(func.count()).where(audit_log.c.trigger == "order_coercion")).scalar()
        offices = conn.execute(select(func.count(func.distinct(assets.c.office_id)))).scalar()
        versions = conn.execute(select(func.sum(assets.c.version))).scalar()
        asset_rows = conn.execute(select(func.count()).where(audit_log.c.asset_id.is_not(None))).scalar()
    assert (sales, cancels, defaults, offices) == (45, 4, 1, 8)  # a default is a failed sale: 5 of 45
    assert coerced == 1  # one forced handover
    with engine.connect() as conn:  # every auction's losing bidders refunded in time but one: its alert
        open_refunds = conn.execute(select(func.count()).where(asset_obligations.c.closed_seq.is_(None))).scalar()
        late = conn.execute(select(alerts.c.level).where(alerts.c.rule == "obligation",
                                                        alerts.c.status != "resolved")).scalars().all()
    assert open_refunds == 1 and late == ["escalated"]
    with engine.connect() as conn:  # the two buyers who had paid got their money back in time
        buyers = conn.execute(select(asset_obligations.c.due, asset_obligations.c.done_on)
                              .where(asset_obligations.c.name == "buyer_refund")).all()
    assert len(buyers) == 2 and all(done <= due for due, done in buyers)
    assert versions == asset_rows  # every step went through the engine: one audit row per version

    # its hints work as printed: the supervisor is signed in, the others sign in with the printed password
    [password] = [ln.split(": ", 1)[1].split(";")[0] for ln in out.splitlines()
                  if ln.startswith("Every demo user's password: ")]
    [hint] = [ln.strip() for ln in out.splitlines() if ln.strip().endswith("asset list --overdue")]
    [database] = [ln.strip().split("=", 1)[1] for ln in out.splitlines() if "export AUCTION_FLOW_DB=" in ln]
    overdue = CliRunner(env={"AUCTION_FLOW_DB": shlex.split("x=" + database)[0][2:]}).invoke(main, shlex.split(hint)[1:])
    assert overdue.exit_code == 0 and overdue.output.strip(), overdue.output
    refused = CliRunner().invoke(main, ["--db", empty_db_url, "--as", "ksv_hau", "audit", "verify"])
    assert refused.exit_code == 1 and "not signed in as ksv_hau: run auction-flow login ksv_hau" in refused.stderr
    login = CliRunner().invoke(main, ["--db", empty_db_url, "login", "ksv_hau", "--password-stdin"],
                               input=password + "\n")
    assert login.exit_code == 0, login.output
    verify = CliRunner().invoke(main, ["--db", empty_db_url, "--as", "ksv_hau", "audit", "verify"])
    assert verify.exit_code == 0, verify.output + verify.stderr

    again = CliRunner().invoke(main, ["--db", empty_db_url, "demo"])
    assert again.exit_code == 1 and "already has users" in again.stderr
