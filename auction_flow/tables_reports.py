"""Tables of the reports feature (on auction_flow.schema.metadata).

The reports add no table, only an index: every figure filters the audit log by trigger and
business date (``auction_flow.services.reports``), so (trigger, business_date) reads only the
period's rows of the triggers counted.
"""

from sqlalchemy import Index

from .schema import audit_log, metadata  # noqa: F401

if not any(ix.name == "ix_audit_log_trigger_business_date" for ix in audit_log.indexes):
    Index("ix_audit_log_trigger_business_date", audit_log.c.trigger, audit_log.c.business_date)
