"""report org years: the reports by auction and appraisal organisation kept per reporting year (issue 16)

``report rollup`` folds the audit rows into ``report_org_years`` too: per reporting year, grouping
('a' the auction organisation, 'p' the appraisal organisation), office ('*' the country),
organisation (the asset's, '-' none) and part, one row holding the whole histogram.
``report_org_assets`` keeps, per asset folded, the organisations its folded rows are counted under:
when an asset's organisation changes (always a step or a correction, with its audit row), the fold
moves them. ``report_sales`` gets an index by (year, office). Both start empty: the first fold fills them; until then the reports read the log.

Revision ID: 0024
Revises: 0022
"""
import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "report_org_years",
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(1), nullable=False),
        sa.Column("office", sa.String(32), nullable=False),
        sa.Column("org", sa.String(200), nullable=False),
        sa.Column("part", sa.String(8), nullable=False),
        sa.Column("sub", sa.String(64), nullable=False),
        sa.Column("packed", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("year", "kind", "office", "org", "part", "sub", name="pk_report_org_years"),
    )
    op.create_table(
        "report_org_assets",
        sa.Column("asset_id", sa.Integer(), nullable=False),
        sa.Column("auction_org", sa.String(200), nullable=False),
        sa.Column("appraisal_org", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("asset_id", name="pk_report_org_assets"),
    )
    # a report by organisation reads the kept sales of its year and scope (not every year's)
    op.create_index("ix_report_sales_year_office", "report_sales", ["year", "office"])
    # a fold that began before this revision: its rows are folded with no organisations kept, so
    # the next fold starts again (the kept answers are rebuilt from the log, as a first fold does)
    op.execute("DELETE FROM report_marks")
    op.execute("DELETE FROM report_sales")
    op.execute("DELETE FROM report_years")


def downgrade() -> None:
    op.drop_index("ix_report_sales_year_office", table_name="report_sales")
    op.drop_table("report_org_assets")
    op.drop_table("report_org_years")
