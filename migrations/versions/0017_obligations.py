"""asset obligations: the side clocks beside the state's clock (issue 13)

One row per obligation a step opened (the workflow's ``obligations:``): the losing bidders'
deposits to refund within 3 working days of the auction, the buyer to refund after a cancellation.
Written by the engine in the step's transaction; replayed from the audit chain by ``audit verify``.

Revision ID: 0017
Revises: 0019
"""
import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "asset_obligations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("asset_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("opened_seq", sa.Integer(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("basis", sa.Text(), nullable=False),
        sa.Column("regime", sa.String(length=32), nullable=True),
        sa.Column("closed_seq", sa.Integer(), nullable=True),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(["asset_id"], ["assets.id"], name=op.f("fk_asset_obligations_asset_id_assets")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_asset_obligations")),
        sa.UniqueConstraint("asset_id", "name", "opened_seq",
                            name=op.f("uq_asset_obligations_asset_id_name_opened_seq")),
    )
    op.create_index("ix_asset_obligations_open", "asset_obligations", ["closed_seq", "due"])


def downgrade() -> None:
    op.drop_index("ix_asset_obligations_open", table_name="asset_obligations")
    op.drop_table("asset_obligations")
