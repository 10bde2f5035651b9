"""report org units: a period other than a reporting year by organisation reads kept units (issue 16)

``report_org_units`` keeps, per grouping ('a' the auction organisation, 'p' the appraisal
organisation), day ('d' YYYYMMDD), ten-day span ('s' YYYYMMD) and month ('m' YYYYMM) of the rows'
business date and per office, the folded rows' entries (organisation, part, value) -> count packed
as two int64 arrays (auction_flow.features.reports.kept_org_periods), as ``report_officer_units``
does by officer; ``report_org_codes`` numbers the organisations, and only grows. The next fold
fills them from the rows already folded (the marks stay); until then such reports read the log.

Revision ID: 0034
Revises: 0033
"""
import sqlalchemy as sa
from alembic import op

revision = "0034"
down_revision = "0033"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "report_org_codes",
        sa.Column("org", sa.String(200), nullable=False),
        sa.Column("code", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("org", name="pk_report_org_codes"),
        sa.UniqueConstraint("code", name="uq_report_org_codes_code"),
    )
    op.create_table(
        "report_org_units",
        sa.Column("grouping", sa.String(1), nullable=False),
        sa.Column("kind", sa.String(1), nullable=False),
        sa.Column("unit", sa.Integer(), nullable=False),
        sa.Column("office", sa.String(32), nullable=False),
        sa.Column("keys", sa.LargeBinary(), nullable=False),
        sa.Column("counts", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("grouping", "kind", "unit", "office", name="pk_report_org_units"),
    )


def downgrade() -> None:
    op.drop_table("report_org_units")
    op.drop_table("report_org_codes")
