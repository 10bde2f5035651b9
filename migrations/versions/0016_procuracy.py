"""procuracy: decisions sent to the procuracy, its recommendations and protests; complaint limitation

Complaints gain the step they attack (the asset's audit row), the day the complainant received
the decision, the limitation period that applies and its last day (a complaint received after
it is registered out_of_time and starts no clock). Two new tables: ``procuracy_sends`` (the
decisions sent to the Viện kiểm sát, within the days of workflows/procuracy.yaml) and
``procuracy_items`` (its recommendations and protests with their answer clocks).

Revision ID: 0016
Revises: 0011
"""
import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0011"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)
COMPLAINT_COLUMNS = (
    ("target_seq", sa.Integer()), ("target_trigger", sa.String(length=32)), ("decision_received_on", sa.Date()),
    ("limitation", sa.String(length=24)), ("limitation_due", sa.Date()), ("limitation_basis", sa.Text()),
)


def upgrade() -> None:
    # plain ADD COLUMN on both databases (nullable): no table rebuild of complaints
    for name, type_ in COMPLAINT_COLUMNS:
        op.add_column("complaints", sa.Column(name, type_, nullable=True))
    op.create_table(
        "procuracy_sends",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("asset_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("trigger", sa.String(length=32), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("send_due", sa.Date(), nullable=False),
        sa.Column("send_basis", sa.Text(), nullable=False),
        sa.Column("sent_on", sa.Date(), nullable=False),
        sa.Column("reference", sa.String(length=64), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("created_via", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(["asset_id"], ["assets.id"], name=op.f("fk_procuracy_sends_asset_id_assets")),
        sa.ForeignKeyConstraint(["office_id"], ["offices.id"], name=op.f("fk_procuracy_sends_office_id_offices")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_procuracy_sends")),
        sa.UniqueConstraint("asset_id", "seq", name=op.f("uq_procuracy_sends_asset_id_seq")),
    )
    op.create_table(
        "procuracy_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("asset_id", sa.Integer(), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("number", sa.String(length=64), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("about", sa.Text(), nullable=False),
        sa.Column("target_seq", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("answer_due", sa.Date(), nullable=False),
        sa.Column("answer_basis", sa.Text(), nullable=False),
        sa.Column("answered_on", sa.Date(), nullable=True),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("answered_by", sa.String(length=64), nullable=True),
        sa.Column("answered_via", sa.String(length=32), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("created_via", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(["asset_id"], ["assets.id"], name=op.f("fk_procuracy_items_asset_id_assets")),
        sa.ForeignKeyConstraint(["office_id"], ["offices.id"], name=op.f("fk_procuracy_items_office_id_offices")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_procuracy_items")),
    )
    op.create_index("ix_procuracy_items_asset", "procuracy_items", ["asset_id"])
    op.create_index("ix_procuracy_items_status", "procuracy_items", ["status"])


def downgrade() -> None:
    op.drop_index("ix_procuracy_items_status", table_name="procuracy_items")
    op.drop_index("ix_procuracy_items_asset", table_name="procuracy_items")
    op.drop_table("procuracy_items")
    op.drop_table("procuracy_sends")
    for name, _type in reversed(COMPLAINT_COLUMNS):
        if op.get_bind().dialect.name == "sqlite":  # in place (3.35+): no rebuild of complaints
            op.execute(f"ALTER TABLE complaints DROP COLUMN {name}")
        else:
            op.drop_column("complaints", name)
