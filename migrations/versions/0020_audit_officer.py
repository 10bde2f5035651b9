"""audit officer: each audit row of an asset names the officer in charge of it after the row (issue 16)

``report summary --by officer`` grouped every row of the period by the asset's officer, so it
joined the period's rows to ``assets`` (at a country's size every asset) and then to ``users``.
The engine now writes ``audit_log.officer_id`` in the step's own INSERT: the asset's officer
after the row (for a step, the officer in charge when it was taken; for a reassignment, the new
one). It is not part of the row's hash (the hashes of the rows already written stay valid):
``audit verify`` replays each asset's chain, which names the officer on the seizure or import
and on every reassignment, and names each row whose ``officer_id`` is not the one the chain
gives.

The rows written before this revision are filled the same way, from their own chains: the
officer named by the latest row at or before each one (``changes.officer[1]``). On PostgreSQL
the append-only trigger is disabled for that one UPDATE, inside this migration's transaction.
At a country's size it rewrites every row of the log once (see docs/performance-notes.md).

Revision ID: 0020
Revises: 0014
"""
import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0014"
branch_labels = None
depends_on = None

# The rows that name an officer: canonical JSON writes the key as "officer":[ and escapes every
# quote inside a string, so the pattern can only be the key itself.
NAMED = "changes LIKE '%\"officer\":[%'"


def _backfill_sql(pg: bool) -> str:
    name = "(changes::jsonb -> 'officer' ->> 1)" if pg else "json_extract(changes, '$.officer[1]')"
    return f"""
WITH named AS (
    SELECT id, asset_id, seq, CASE WHEN {NAMED} THEN {name} END AS name
    FROM audit_log WHERE asset_id IS NOT NULL
), runs AS (
    SELECT id, asset_id, seq, name, count(name) OVER (PARTITION BY asset_id ORDER BY seq) AS run FROM named
), filled AS (
    SELECT id, first_value(name) OVER (PARTITION BY asset_id, run ORDER BY seq) AS name FROM runs
)
UPDATE audit_log SET officer_id = u.id
FROM filled JOIN users u ON u.username = filled.name
WHERE audit_log.id = filled.id"""


def upgrade() -> None:
    conn = op.get_bind()
    pg = conn.dialect.name == "postgresql"
    op.add_column("audit_log", sa.Column("officer_id", sa.Integer(), nullable=True))
    if pg:
        op.execute("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only")
    op.execute(_backfill_sql(pg))
    if pg:
        op.execute("ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only")


def downgrade() -> None:
    # as 0005: SQLite drops a column in place (a batch rebuild would drop a table others point at)
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE audit_log DROP COLUMN officer_id")
    else:
        op.drop_column("audit_log", "officer_id")
