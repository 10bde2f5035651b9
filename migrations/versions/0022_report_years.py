"""report years: the reports' answers kept per reporting year, each histogram packed in one row (issue 16)

``report rollup`` (and the scheduler, hourly) folds the audit rows written since its last fold
into ``report_years``: per reporting year, office (and officer, and the whole country) and part,
one row holding the whole histogram (days per state left, the counted triggers with each
handover's delay, the assets priced, the sales); ``report_sales`` keeps each folded sale not
cancelled with the prices it was counted with; ``report_marks`` the last position folded per
chain. (Revision 0021 was a per-day rollup, removed: this is a new revision, not that one; it follows
0023, the sessions' marks, which landed first.)

All three start empty: until the first fold the reports read the log as before. SQLite keeps
nothing (its reports read the log); the tables exist there too so both have the same schema.

Revision ID: 0022
Revises: 0023
"""
import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0023"
branch_labels = None
depends_on = None

CHAIN = sa.String(40).with_variant(sa.String(40, collation="C"), "postgresql")


def upgrade() -> None:
    op.create_table(
        "report_years",
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("grain", sa.String(1), nullable=False),
        sa.Column("office", sa.String(32), nullable=False),
        sa.Column("officer", sa.Integer(), nullable=False),
        sa.Column("part", sa.String(8), nullable=False),
        sa.Column("sub", sa.String(64), nullable=False),
        sa.Column("packed", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("year", "grain", "office", "officer", "part", "sub", name="pk_report_years"),
    )
    op.create_table(
        "report_sales",
        sa.Column("sale_id", sa.BigInteger(), nullable=False),
        sa.Column("asset_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("office", sa.String(32), nullable=False),
        sa.Column("officer", sa.Integer(), nullable=False),
        sa.Column("realised", sa.BigInteger()),
        sa.Column("appraised", sa.BigInteger()),
        sa.PrimaryKeyConstraint("sale_id", name="pk_report_sales"),
    )
    op.create_index("ix_report_sales_asset", "report_sales", ["asset_id"])
    op.create_table(
        "report_marks",
        sa.Column("chain", CHAIN, nullable=False),
        sa.Column("log_seq", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("chain", name="pk_report_marks"),
    )


def downgrade() -> None:
    op.drop_table("report_marks")
    op.drop_index("ix_report_sales_asset", table_name="report_sales")
    op.drop_table("report_sales")
    op.drop_table("report_years")
