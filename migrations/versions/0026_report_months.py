"""report months: the reports' answers kept per calendar month too, so periods other than a reporting year read them (issue 16)

``report_months`` is ``report_years`` per calendar month of the rows' business date (``month`` is
YYYYMM), at the grain of an office ('o') and of the whole country (office '*'): the days in each
state left, the counted triggers with each handover's delay, the sales (cancelled, and not
cancelled with the prices ``report_sales`` keeps), and per office the assets priced in the month
by the month each was last priced in the office before (so a period of several months counts an
asset once). The same fold (same marks, same lock, same transaction) fills it.

It starts empty. On a database folded before this revision, the next fold first fills it from the
rows already folded (their stages, triggers and pricings from the log, their sales from ``report_sales`` and
the folded sale rows), so the marks are kept and nothing is folded twice; until then the reports of
such periods read the log as before.

Revision ID: 0026
Revises: 0025
"""
import sqlalchemy as sa
from alembic import op

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "report_months",
        sa.Column("month", sa.Integer(), nullable=False),
        sa.Column("grain", sa.String(1), nullable=False),
        sa.Column("office", sa.String(32), nullable=False),
        sa.Column("officer", sa.Integer(), nullable=False),
        sa.Column("part", sa.String(8), nullable=False),
        sa.Column("sub", sa.String(64), nullable=False),
        sa.Column("packed", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("month", "grain", "office", "officer", "part", "sub", name="pk_report_months"),
    )


def downgrade() -> None:
    op.drop_table("report_months")
