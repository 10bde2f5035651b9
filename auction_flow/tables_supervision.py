"""Tables of the supervision feature (on auction_flow.schema.metadata).

* ``audit_log`` gains the whole-log chain: ``log_seq`` (position in the whole log, unique),
  ``log_prev_hash``/``log_hash``, and ``actor_office`` (the actor's office when the row was
  written, covered by ``log_hash``).
* ``audit_head``: one row, the head of the whole-log chain; writers lock it (auction_flow.audit).
* ``complaints``: the complaints and denunciations register with its statutory clocks.
"""

from sqlalchemy import Boolean, Column, Date, ForeignKey, Index, Integer, String, Table, Text

from .schema import TS, audit_log, metadata

for _col in (Column("actor_office", String(32)),
             Column("log_seq", Integer),
             Column("log_prev_hash", String(64)),
             Column("log_hash", String(64))):
    if _col.name not in audit_log.c:
        audit_log.append_column(_col)
if not any(ix.name == "uq_audit_log_log_seq" for ix in audit_log.indexes):
    Index("uq_audit_log_log_seq", audit_log.c.log_seq, unique=True)

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
    Index("ix_complaints_asset", "asset_id"),
    Index("ix_complaints_status", "status"),
)
