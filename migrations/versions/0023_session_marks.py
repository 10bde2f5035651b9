"""session marks: the session purge reads each chain of the audit log once (no daily scan of the log)

The purge of old sign-in sessions keeps every session an audit row names (``via`` =
``session:<id>``). It found them by reading every audit row at each run: at a country's size a
read of the whole log every day. Now it reads only the rows written since its last run, per chain
through (chain, log_seq), up to each chain's committed head; ``session_marks`` keeps how far it has
read each chain, and ``sessions.audit_named`` the sessions those rows named. Both start empty
(false): the first purge reads the log once.

Revision ID: 0023
Revises: 0017
"""
import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0017"
branch_labels = None
depends_on = None

CHAIN = sa.String(40).with_variant(sa.String(40, collation="C"), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("sessions") as batch:
        batch.add_column(sa.Column("audit_named", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_table(
        "session_marks",
        sa.Column("chain", CHAIN, nullable=False),
        sa.Column("log_seq", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("chain", name=op.f("pk_session_marks")),
    )


def downgrade() -> None:
    op.drop_table("session_marks")
    with op.batch_alter_table("sessions") as batch:
        batch.drop_column("audit_named")
