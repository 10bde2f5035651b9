"""access_log index: a user's refusals of one kind since a moment, without reading the whole log

The identity-number guard counts a user's misses in its window on every lookup that reaches
outside the user's scope (``actor = ? AND action = 'number_miss' AND at > ?``), and an officer's
list of refusals reads the officer's own rows. ``access_log`` had only its primary key, so each
of these read the whole table: every refusal the country has ever had, on every lookup. An index
on (actor, action, at) reaches the user's rows of that action in the window directly.

Revision ID: 0028
Revises: 0027
"""
from alembic import op

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_access_log_actor_action_at", "access_log", ["actor", "action", "at"])


def downgrade() -> None:
    op.drop_index("ix_access_log_actor_action_at", table_name="access_log")
