"""Tables of supervision and complaints.

* ``audit_heads``: one row per chain of the audit log (an office's, the administration's, the sealed
  legacy log's): its last position and link; a writer locks only its own chain's row
  (auction_flow.core.audit).
* ``audit_roots`` and ``audit_root_heads``: the roots that join the chains, each over the head of
  every chain at one moment, chained to the previous root; a root's rows are the heads that moved
  since the root before it (a tombstone, position 0 and link '', for a chain gone), the first
  root's every head (auction_flow.core.roots).
* ``anchors``: the roots a verify run or a digest saw, kept outside the audit tables for export.
* ``complaints``: the complaints and denunciations register with its statutory clocks.
  Its status is received | accepted | resolved, or out_of_time (filed after the limitation
  period: registered, and no clock starts).
"""

from sqlalchemy import Boolean, Column, Date, ForeignKey, Index, Integer, String, Table, Text

from auction_flow.storage.schema.base import CHAIN, TS, metadata


audit_heads = Table(
    "audit_heads", metadata,
    Column("chain", CHAIN, primary_key=True),
    Column("log_seq", Integer, nullable=False),  # position of the chain's last row (0: none yet)
    Column("log_hash", String(64), nullable=False),  # log_hash of that row (GENESIS: none yet)
)

audit_roots = Table(
    "audit_roots", metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),  # 1, 2, ... with no gap
    Column("taken_at", TS, nullable=False),  # when the heads were read (hashed, as UTC text)
    Column("source", String(16), nullable=False),  # migration | scheduler | verify | digest | command
    Column("taken_by", String(64)),  # the user, or none for the scheduler and the migration
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),  # over prev_hash, seq, taken_at and every chain's head
)

audit_root_heads = Table(
    "audit_root_heads", metadata,
    Column("root_seq", Integer, ForeignKey("audit_roots.seq"), primary_key=True),
    Column("chain", CHAIN, primary_key=True),
    Column("log_seq", Integer, nullable=False),
    Column("log_hash", String(64), nullable=False),
    Index("ix_audit_root_heads_chain_log_seq_root_seq", "chain", "log_seq", "root_seq"),
)

anchors = Table(
    "anchors", metadata,
    Column("id", Integer, primary_key=True),
    Column("taken_at", TS, nullable=False),
    Column("source", String(16), nullable=False),  # verify | digest | command
    Column("root_seq", Integer, nullable=False),
    Column("root_hash", String(64), nullable=False),
    Column("taken_by", String(64)),  # who ran verify, or the digest's recipient
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
    Index("ix_complaints_office_id_received_on", "office_id", "received_on"),  # a report's period (migration 0015)
)
