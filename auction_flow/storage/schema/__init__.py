"""Every table of the database, on one MetaData (Alembic migrations create them).

The tables live in modules by area (``core``: offices, users, assets, the audit log, the
calendar and the access log; ``alerts``: alerts, digests and the scheduler's tables;
``supervision``: the whole-log head and the complaints register; ``identity``: sessions, bearer
tokens and the sign-in throttle; ``imports``: a file checked on the web desk until it is imported; ``obligations``: each asset's side clocks; ``casefile``: parties, papers, attachments and their bytes; ``procuracy``: decisions sent to the
procuracy, its recommendations and protests; ``reports``: the reports' kept yearly answers).
Import them from here.
"""

from auction_flow.storage.schema.alerts import (
           alert_digests,
           alerts,
           complaint_risk_open,
           scan_marks,
           scheduler_history,
           scheduler_leases,
           scheduler_runs,
)
from auction_flow.storage.schema.base import TS, metadata
from auction_flow.storage.schema.casefile import FUNCTIONS as SEARCH_FUNCTIONS
from auction_flow.storage.schema.casefile import (
           asset_parties,
           attachments,
           blobs,
           document_counters,
           document_templates,
           documents,
           parties,
           unmodelled,
)
from auction_flow.storage.schema.core import (
           access_log,
           assets,
           audit_log,
           calendar_days,
           calendar_stamp,
           offices,
           users,
)
from auction_flow.storage.schema.imports import import_staged
from auction_flow.storage.schema.identity import api_tokens, session_marks, sessions, sign_in_throttle
from auction_flow.storage.schema.obligations import asset_obligations
from auction_flow.storage.schema.procuracy import procuracy_items, procuracy_sends
from auction_flow.storage.schema.reports import (report_codes, report_marks, report_months, report_officer_units,
                                                report_org_assets, report_org_codes, report_org_units,
                                                report_org_years, report_sales, report_spans,
                                                report_years)
from auction_flow.storage.schema.settings import settings
from auction_flow.storage.schema.supervision import anchors, audit_heads, audit_root_heads, audit_roots, complaints

__all__ = ["TS", "metadata", "offices", "users", "assets", "audit_log", "calendar_days", "calendar_stamp", "access_log", "alerts",
           "alert_digests", "complaint_risk_open",
           "scan_marks", "scheduler_leases", "scheduler_runs", "scheduler_history", "audit_heads", "audit_roots",
           "audit_root_heads", "anchors", "complaints",
           "sessions", "session_marks", "api_tokens", "sign_in_throttle",
           "blobs", "parties", "asset_parties", "documents", "document_counters", "document_templates", "attachments",
           "unmodelled", "SEARCH_FUNCTIONS", "settings", "procuracy_sends", "procuracy_items", "asset_obligations",
           "import_staged", "report_years", "report_months", "report_spans", "report_sales", "report_marks", "report_org_years", "report_org_assets",
           "report_officer_units", "report_codes", "report_org_units", "report_org_codes"]
