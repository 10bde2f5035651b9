"""national indexes: the period's rows of some offices read through (office, business_date); alerts and complaints by office and day

Revision ID: 0015
Revises: 0012

At a country's size (issue 16: 700 offices, about 50 million audit rows) a province's report
reads its offices' rows of one year: (office, business_date) reaches exactly those, where the
business_date index alone reads the whole country's year. The alerts and complaints of a
report's period are found the same way. On PostgreSQL the indexes are built CONCURRENTLY, so a
live database keeps taking steps while they are built (minutes at that size).
"""
from alembic import op

revision = "0015"
down_revision = "0012"
branch_labels = None
depends_on = None

INDEXES = (("ix_audit_log_office_business_date", "audit_log", ["office", "business_date"]),
           ("ix_alerts_office_id_raised_on", "alerts", ["office_id", "raised_on"]),
           ("ix_complaints_office_id_received_on", "complaints", ["office_id", "received_on"]))


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        with op.get_context().autocommit_block():
            for name, table, cols in INDEXES:
                op.create_index(name, table, cols, postgresql_concurrently=True, if_not_exists=True)
    else:
        for name, table, cols in INDEXES:
            op.create_index(name, table, cols)


def downgrade() -> None:
    for name, table, _ in INDEXES:
        op.drop_index(name, table_name=table)
