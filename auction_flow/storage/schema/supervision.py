"""Tables of supervision and complaints.

* ``audit_head``: one row, the head of the whole-log chain; writers lock it (auction_flow.core.audit).
* ``complaints``: the complaints and denunciations register with its statutory clocks.
  Its status is received | accepted | resolved, or out_of_time (filed after the limitation
  period: registered, and no clock starts).
"""

from sqlalchemy import Boolean, Column, Date, ForeignKey, Index, Integer, String, Table, Text

from auction_flow.storage.schema.base import TS, metadata

audit_head = Table(
    "audit_head", metadata,
    Column("id", Integer, primary_key=True),  # always 1
    Column("log_seq", Integer, nullable=False),  # position of the last row (0: empty log)
    Column("log_hash", String(64), nullable=False),  # log_hash of the last row (GENESIS: empty log)
    Column("claims", Integer, nullable=False),  # bumped first in every writing transaction (the lock)
)

complaints = Table(
    "complaints", metadata,
    Column("id", Integer, primary_key=True),
    Column("asset_id", Integer, ForeignKey("assets.id"), nullable=False),
    Column("office_id", Integer, ForeignKey("offices.id"), nullable=False),
    Column("kind", String(16), nullable=False),  # complaint | denunciation
    Column("level", String(8), nullable=False),  # first | second (complaints; first for denunciations)
    Column("coercion", Boolean, nullable=False, default=False),  # about a coercive measure
    Column("complex", Boolean, nullable=False, default=False),
    Column("received_on", Date, nullable=False),
    Column("complainant", String(200), nullable=False),
    Column("about", Text, nullable=False),
    Column("asset_state", String(32), nullable=False),  # the asset's state when received
    Column("after_cancellation", Boolean, nullable=False, default=False),
    Column("status", String(16), nullable=False),  # received | accepted | resolved
    Column("accept_due", Date, nullable=False),
    Column("accept_basis", Text, nullable=False),
    Column("accepted_on", Date),
    Column("resolve_due", Date),
    Column("resolve_basis", Text),
    Column("resolved_on", Date),
    Column("outcome", Text),
    Column("created_by", String(64), nullable=False),
    Column("created_at", TS, nullable=False),
    Column("created_via", String(32)),  # the session or token it was recorded through
    Column("decided_via", String(32)),  # ... and its last acceptance or resolution
    # the limitation period (workflows/complaints.yaml `limitation:`): the step it attacks (the
    # asset's audit row), the day the complainant received the decision or learnt of the act,
    # the period that applies and its last day; a complaint received after it is out_of_time
    Column("target_seq", Integer),
    Column("target_trigger", String(32)),
    Column("decision_received_on", Date),
    Column("limitation", String(24)),  # before_measures | coercion | after_coercion | second
    Column("limitation_due", Date),
    Column("limitation_basis", Text),
    Index("ix_complaints_asset", "asset_id"),
    Index("ix_complaints_status", "status"),
)
