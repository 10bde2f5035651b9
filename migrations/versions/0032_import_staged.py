"""import_staged: a file checked on the web desk's import page, kept for its import

The web desk's *check* wrote nothing and kept nothing, and a browser clears a file input after each
answer: to import a file just checked, the user had to find and choose it again (and could choose
another). The checked bytes are now kept, under a random token the page holds (only its SHA-256
stored), for the user who checked them, for an hour at most.

Revision ID: 0032
Revises: 0028
"""
import sqlalchemy as sa
from alembic import op

revision = "0032"
down_revision = "0028"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "import_staged",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("file_name", sa.String(255), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("staged_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_import_staged"),
        sa.UniqueConstraint("token_hash", name="uq_import_staged_token_hash"),
    )
    op.create_index("ix_import_staged_username", "import_staged", ["username"])


def downgrade() -> None:
    op.drop_index("ix_import_staged_username", table_name="import_staged")
    op.drop_table("import_staged")
