"""reports import: an index of the audit log by trigger and business date, for the reports

Revision ID: 0004
Revises: 0003
"""
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_audit_log_trigger_business_date", "audit_log", ["trigger", "business_date"])


def downgrade() -> None:
    op.drop_index("ix_audit_log_trigger_business_date", table_name="audit_log")
