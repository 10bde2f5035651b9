"""asset facts: what earlier steps kept for later checks (issue 13)

The workflow's ``keep:`` stores a step's field among the asset's facts (JSON by field name): the
winner's deposit (forfeited on default), the handover day notified (coercion only after it), the
day a party received a notice (windows counted from receipt). ``forget:`` clears them.

Revision ID: 0014
Revises: 0015
"""
import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("assets", sa.Column("facts", sa.Text(), nullable=True))


def downgrade() -> None:
    # as 0005: SQLite drops a column in place (a batch rebuild would drop a table others point at)
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE assets DROP COLUMN facts")
    else:
        op.drop_column("assets", "facts")
