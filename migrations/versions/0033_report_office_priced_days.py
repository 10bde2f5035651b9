"""report officer units: the offices' own priced entries, so a period by office reads kept edge days (issue 16)

A report by office of a period other than a reporting year reads its edge days (those no kept month
or ten-day span covers) from the kept officer units' days summed per office
(auction_flow.features.reports.kept_days) instead of the log. Priced is not a sum over officers (an
asset priced by two officers of an office counts once), so the units now keep the office's own
entries too (code 255, officer -1: an asset priced in the office on a day, by the day it was last
priced there before). The units kept before lack them: this revision empties them, and the next fold
fills them again from the rows already folded (the marks stay). Until then a period by officer reads
the log and a period by office reads its edge days live, as before 0029.

Revision ID: 0033
Revises: 0031
"""
from alembic import op

revision = "0033"
down_revision = "0031"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("DELETE FROM report_officer_units")


def downgrade() -> None:
    op.execute("DELETE FROM report_officer_units")  # the entries of code 255 are not read before 0033
