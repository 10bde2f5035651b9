"""report officer units: a period other than a reporting year by officer reads kept units (issue 16)

``report_officer_units`` keeps, per day ('d' YYYYMMDD), ten-day span ('s' YYYYMMD) and month ('m'
YYYYMM) of the rows' business date and per office, the folded rows' entries (officer, part, value)
-> count packed as two int64 arrays (auction_flow.features.reports.kept_officer); ``report_codes``
names the codes of its keys (a state left, a counted trigger), and only grows. The next fold fills
them from the rows already folded (the marks stay); until then such reports read the log.

Revision ID: 0029
Revises: 0032
"""
import sqlalchemy as sa
from alembic import op

revision = "0029"
down_revision = "0032"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "report_codes",
        sa.Column("name", sa.String(80), nullable=False),
        sa.Column("code", sa.SmallInteger(), nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_report_codes"),
        sa.UniqueConstraint("code", name="uq_report_codes_code"),
    )
    op.create_table(
        "report_officer_units",
        sa.Column("kind", sa.String(1), nullable=False),
        sa.Column("unit", sa.Integer(), nullable=False),
        sa.Column("office", sa.String(32), nullable=False),
        sa.Column("keys", sa.LargeBinary(), nullable=False),
        sa.Column("counts", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("kind", "unit", "office", name="pk_report_officer_units"),
    )


def downgrade() -> None:
    op.drop_table("report_officer_units")
    op.drop_table("report_codes")
