"""assets (office_id, id): one office's assets in id order, without walking the country's

``audit verify --office`` replays an office's assets page by page (its assets by id, their audit
rows by (asset, seq)); the index on (office_id, state) gives them in no useful order, so
PostgreSQL walked the primary key of every asset and dropped the other offices': an office is a
637th of a country's assets. Measured at a province's full density (docs/performance-notes.md,
"Stop 26: verify of a province at full density") and with this index (Stop 26's coordinator note).

Revision ID: 0031
Revises: 0029
"""
from alembic import op

revision = "0031"
down_revision = "0029"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_assets_office_id_id", "assets", ["office_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_assets_office_id_id", table_name="assets")
