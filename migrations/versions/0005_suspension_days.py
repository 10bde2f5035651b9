"""suspension days: a resumed asset keeps the day it entered its state and counts its suspended days

While suspended, clocks stop. The deadline already came back with its remaining days; the
windows that count from the day the asset entered its state (the re-appraisal window, the
longest extension) must also leave out the days spent suspended, so the state's entry day is
kept across a suspension and the days suspended are counted beside it.

Revision ID: 0005
Revises: 0004
"""
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # plain ADD COLUMN on both databases: no table rebuild, whatever the assets table holds
    op.add_column("assets", sa.Column("resume_entered_on", sa.Date(), nullable=True))
    op.add_column("assets", sa.Column("suspended_days", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    # SQLite 3.35+ drops a column in place; a batch rebuild of assets would have to drop the table
    # that audit_log and alerts point at, which the foreign keys refuse
    for column in ("suspended_days", "resume_entered_on"):
        if op.get_bind().dialect.name == "sqlite":
            op.execute(f"ALTER TABLE assets DROP COLUMN {column}")
        else:
            op.drop_column("assets", column)
