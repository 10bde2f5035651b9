"""alerts: alerts, digests, scheduler leases and runs

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("asset_id", sa.Integer(), nullable=False),
        sa.Column("rule", sa.String(length=32), nullable=False),
        sa.Column("level", sa.String(length=32), nullable=False),
        sa.Column("state", sa.String(length=32), nullable=False),
        sa.Column("entered_on", sa.Date(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("basis", sa.Text(), nullable=True),
        sa.Column("regime", sa.String(length=32), nullable=True),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("officer_id", sa.Integer(), nullable=True),
        sa.Column("factors", sa.Text(), nullable=True),
        sa.Column("raised_on", sa.Date(), nullable=False),
        sa.Column("raised_at", TS, nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("snoozed_until", sa.Date(), nullable=True),
        sa.Column("handled_by", sa.String(length=64), nullable=True),
        sa.Column("handled_reason", sa.Text(), nullable=True),
        sa.Column("handled_at", TS, nullable=True),
        sa.Column("resolved_on", sa.Date(), nullable=True),
        sa.Column("resolution", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(["asset_id"], ["assets.id"], name=op.f("fk_alerts_asset_id_assets")),
        sa.ForeignKeyConstraint(["office_id"], ["offices.id"], name=op.f("fk_alerts_office_id_offices")),
        sa.ForeignKeyConstraint(["officer_id"], ["users.id"], name=op.f("fk_alerts_officer_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alerts")),
        sa.UniqueConstraint("asset_id", "rule", "state", "entered_on", "deadline", "level",
                            name=op.f("uq_alerts_asset_id_rule_state_entered_on_deadline_level")),
    )
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.create_index("ix_alerts_status_office", ["status", "office_id"], unique=False)
        batch_op.create_index("ix_alerts_asset_id", ["asset_id"], unique=False)
    op.create_table(
        "alert_digests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recipient", sa.String(length=64), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("email", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("alert_count", sa.Integer(), nullable=False),
        sa.Column("max_alert_id", sa.Integer(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("sent_at", TS, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_digests")),
        sa.UniqueConstraint("recipient", "day", name=op.f("uq_alert_digests_recipient_day")),
    )
    op.create_table(
        "scheduler_leases",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("holder", sa.String(length=128), nullable=True),
        sa.Column("expires_at", TS, nullable=True),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_scheduler_leases")),
    )
    op.create_table(
        "scheduler_runs",
        sa.Column("job", sa.String(length=64), nullable=False),
        sa.Column("started_at", TS, nullable=True),
        sa.Column("finished_at", TS, nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column("holder", sa.String(length=128), nullable=True),
        sa.PrimaryKeyConstraint("job", name=op.f("pk_scheduler_runs")),
    )
    op.create_table(
        "scheduler_history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("job", sa.String(length=64), nullable=False),
        sa.Column("started_at", TS, nullable=False),
        sa.Column("finished_at", TS, nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column("holder", sa.String(length=128), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scheduler_history")),
    )


def downgrade() -> None:
    # APScheduler's own job table lives in the same database once a scheduler has run.
    op.execute("DROP TABLE IF EXISTS apscheduler_jobs")
    op.drop_table("scheduler_history")
    op.drop_table("scheduler_runs")
    op.drop_table("scheduler_leases")
    op.drop_table("alert_digests")
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.drop_index("ix_alerts_asset_id")
        batch_op.drop_index("ix_alerts_status_office")
    op.drop_table("alerts")
