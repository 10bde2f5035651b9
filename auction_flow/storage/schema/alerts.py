"""Tables of the alerts feature and the scheduler.

``alerts``: one row per (asset, rule, stage entry, level). A stage entry is one clock: the
state the asset was in, the day it entered it and the deadline that clock set (an extension or
a restart after suspension is a new clock). The UNIQUE constraint on those columns is what
makes a scan exactly-once, however many scanners run and however often.
``alert_digests``: one email digest per recipient per day, recorded before it is sent.
``scheduler_leases`` / ``scheduler_runs``: the scan lock on SQLite and the last run of each job.
"""

from sqlalchemy import Column, Date, ForeignKey, Index, Integer, String, Table, Text, UniqueConstraint

from auction_flow.storage.schema.base import TS, metadata

alerts = Table(
    "alerts", metadata,
    Column("id", Integer, primary_key=True),
    Column("asset_id", Integer, ForeignKey("assets.id"), nullable=False),
    Column("rule", String(32), nullable=False),  # handover | complaint_risk | stalled
    Column("level", String(32), nullable=False),
    Column("state", String(32), nullable=False),  # the state the alert is about
    Column("entered_on", Date, nullable=False),  # the day the asset entered it (or the cancellation)
    Column("deadline", Date, nullable=False),
    Column("basis", Text),  # the legal basis of the deadline
    Column("regime", String(32)),
    Column("office_id", Integer, ForeignKey("offices.id"), nullable=False),
    Column("officer_id", Integer, ForeignKey("users.id")),
    Column("factors", Text),  # JSON list (complaint_risk)
    Column("raised_on", Date, nullable=False),  # business date of the scan that raised it
    Column("raised_at", TS, nullable=False),
    Column("status", String(16), nullable=False),  # open | acknowledged | snoozed | resolved
    Column("snoozed_until", Date),
    Column("handled_by", String(64)),
    Column("handled_reason", Text),
    Column("handled_at", TS),
    Column("handled_via", String(32)),  # the session or token of the handling ("session:12")
    Column("resolved_on", Date),
    Column("resolution", String(32)),  # moved_on | superseded | window_closed
    UniqueConstraint("asset_id", "rule", "state", "entered_on", "deadline", "level"),
    Index("ix_alerts_status_office", "status", "office_id"),
    Index("ix_alerts_asset_id", "asset_id"),
    Index("ix_alerts_office_id_raised_on", "office_id", "raised_on"),  # a report's period (migration 0015)
)

# The complaint-risk rule's open set (migration 0019): the cancellations whose risk window the
# scan has not closed yet, so that a scan reads what is open, not every cancellation ever made.
# A scan adds the cancellations written since its mark (``scan_marks``: the audit ids it has read
# up to, kept two scans behind so a step still committing is read by the next one) and removes
# those whose window it closed.
complaint_risk_open = Table(
    "complaint_risk_open", metadata,
    Column("asset_id", Integer, ForeignKey("assets.id"), primary_key=True),
    Column("seq", Integer, primary_key=True),  # the cancellation's audit row (asset_id, seq)
    Column("trigger", String(64), nullable=False),  # the row's trigger (each workflow names its own)
    Column("business_date", Date, nullable=False),  # its day: the risk alerts' entered_on
)

scan_marks = Table(
    "scan_marks", metadata,
    Column("name", String(64), primary_key=True),
    Column("low", Integer, nullable=False),  # the next scan reads the audit rows with id > low
    Column("high", Integer, nullable=False),  # the newest audit id when the last scan started
)

alert_digests = Table(
    "alert_digests", metadata,
    Column("id", Integer, primary_key=True),
    Column("recipient", String(64), nullable=False),
    Column("day", Date, nullable=False),
    Column("email", String(200), nullable=False),
    Column("status", String(16), nullable=False),  # sending | sent | failed
    Column("alert_count", Integer, nullable=False),
    Column("max_alert_id", Integer, nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("last_error", Text),
    Column("created_at", TS, nullable=False),
    Column("sent_at", TS),
    UniqueConstraint("recipient", "day"),
)

scheduler_leases = Table(
    "scheduler_leases", metadata,
    Column("name", String(64), primary_key=True),
    Column("holder", String(128)),
    Column("expires_at", TS),
)

scheduler_runs = Table(
    "scheduler_runs", metadata,
    Column("job", String(64), primary_key=True),
    Column("started_at", TS),
    Column("finished_at", TS),
    Column("outcome", String(16)),  # ok | failed | skipped
    Column("detail", Text),
    Column("holder", String(128)),
)

scheduler_history = Table(  # every run, kept: shows that two schedulers never scanned at once
    "scheduler_history", metadata,
    Column("id", Integer, primary_key=True),
    Column("job", String(64), nullable=False),
    Column("started_at", TS, nullable=False),
    Column("finished_at", TS, nullable=False),
    Column("outcome", String(16), nullable=False),
    Column("detail", Text),
    Column("holder", String(128)),
)
