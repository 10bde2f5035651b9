"""report rollup: the reports' histograms kept per business day, office and officer (issue 16)

A country's yearly report read every audit row of the year and sorted them for medians (~35-41 s
at a country's size). ``report rollup`` (and the scheduler, hourly) now folds the rows written
since its last fold into ``report_days``: per (day, office, officer) the days spent in each state
left and the counted triggers with each handover's delay; ``report_marks`` keeps, per chain of
the log, the last position folded. A report on PostgreSQL sums the rollup of its period and
reads the rows past the marks (see auction_flow.features.reports.rollup).

Both tables start empty: until the first fold, reports read the log as before, and the first
fold reads the whole log once. SQLite (one office) keeps reading the log; the tables exist
there too, unused, so both dialects have the same schema.

Revision ID: 0021
Revises: 0017
"""
import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0017"
branch_labels = None
depends_on = None

CHAIN = sa.String(40).with_variant(sa.String(40, collation="C"), "postgresql")


def upgrade() -> None:
    op.create_table(
        "report_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("office", sa.String(32)),
        sa.Column("officer_id", sa.Integer()),
        sa.Column("part", sa.String(8), nullable=False),
        sa.Column("sub", sa.String(64), nullable=False),
        sa.Column("value", sa.Integer()),
        sa.Column("n", sa.Integer(), nullable=False),
    )
    op.create_index("ix_report_days_day_office", "report_days", ["day", "office"])
    op.create_index("ix_report_days_office_day", "report_days", ["office", "day"])
    op.create_table(
        "report_marks",
        sa.Column("chain", CHAIN, nullable=False),
        sa.Column("log_seq", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("chain", name="pk_report_marks"),
    )


def downgrade() -> None:
    op.drop_table("report_marks")
    op.drop_index("ix_report_days_office_day", table_name="report_days")
    op.drop_index("ix_report_days_day_office", table_name="report_days")
    op.drop_table("report_days")
