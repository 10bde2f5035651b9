"""report spans: the reports' answers kept per ten-day span too, so a period with ragged edges reads them (issue 16)

``report_spans`` is ``report_months`` per ten-day span of a month (``span`` is YYYYMMD: D 1 the
days 1-10, 2 the 11th-20th, 3 the 21st to the month's end), at the grain of an office ('o') and of
the whole country (office '*'): the days in each state left, the counted triggers with each
handover's delay, the sales, and per office the assets priced on each day of the span by the DAY
each was last priced in the office before (YYYYMMDD, 0 none). A report for ``--from/--to`` adds
and takes away kept months and spans, and reads at most a few edge days live.

The kept months' priced entries are keyed by that day now too (they were keyed by the previous
month, which cannot tell a period starting mid-month): so this revision empties ``report_months``,
and the next fold fills both tables from the rows already folded (the marks stay, nothing is
folded twice); until then the reports of periods other than a reporting year read the log as
before. Downgrading empties ``report_months`` too (0026's fold then fills it again, by month).

Revision ID: 0027
Revises: 0026
"""
import sqlalchemy as sa
from alembic import op

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "report_spans",
        sa.Column("span", sa.Integer(), nullable=False),
        sa.Column("grain", sa.String(1), nullable=False),
        sa.Column("office", sa.String(32), nullable=False),
        sa.Column("officer", sa.Integer(), nullable=False),
        sa.Column("part", sa.String(8), nullable=False),
        sa.Column("sub", sa.String(64), nullable=False),
        sa.Column("packed", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("span", "grain", "office", "officer", "part", "sub", name="pk_report_spans"),
    )
    op.execute("DELETE FROM report_months")


def downgrade() -> None:
    op.drop_table("report_spans")
    op.execute("DELETE FROM report_months")
