"""Tables of the procuracy (Viện kiểm sát) feature.

* ``procuracy_sends``: one row per decision of an asset sent to the procuracy: the asset's audit
  row of the decision (``asset_id``, ``seq``), the day it was decided, the day it was due at the
  procuracy (workflows/procuracy.yaml) and the day it was sent.
* ``procuracy_items``: the procuracy's recommendations (kiến nghị) and protests (kháng nghị)
  about an asset, with the answer clock the law sets and the office's answer.
"""

from sqlalchemy import Column, Date, ForeignKey, Index, Integer, String, Table, Text, UniqueConstraint

from auction_flow.storage.schema.base import TS, metadata

procuracy_sends = Table(
    "procuracy_sends", metadata,
    Column("id", Integer, primary_key=True),
    Column("asset_id", Integer, ForeignKey("assets.id"), nullable=False),
    Column("seq", Integer, nullable=False),  # the asset's audit row of the decision
    Column("trigger", String(32), nullable=False),
    Column("office_id", Integer, ForeignKey("offices.id"), nullable=False),
    Column("decided_on", Date, nullable=False),
    Column("send_due", Date, nullable=False),
    Column("send_basis", Text, nullable=False),
    Column("sent_on", Date, nullable=False),
    Column("reference", String(64)),  # the dispatch's number in the office's book, if any
    Column("created_by", String(64), nullable=False),
    Column("created_at", TS, nullable=False),
    Column("created_via", String(32)),
    UniqueConstraint("asset_id", "seq"),
)

procuracy_items = Table(
    "procuracy_items", metadata,
    Column("id", Integer, primary_key=True),
    Column("asset_id", Integer, ForeignKey("assets.id"), nullable=False),
    Column("office_id", Integer, ForeignKey("offices.id"), nullable=False),
    Column("kind", String(16), nullable=False),  # recommendation | protest
    Column("number", String(64), nullable=False),  # the procuracy's document number
    Column("received_on", Date, nullable=False),  # the day the office received it
    Column("about", Text, nullable=False),
    Column("target_seq", Integer),  # the asset's audit row it is about, if one
    Column("status", String(16), nullable=False),  # open | answered
    Column("answer_due", Date, nullable=False),
    Column("answer_basis", Text, nullable=False),
    Column("answered_on", Date),
    Column("answer", Text),
    Column("answered_by", String(64)),
    Column("answered_via", String(32)),
    Column("created_by", String(64), nullable=False),
    Column("created_at", TS, nullable=False),
    Column("created_via", String(32)),
    Index("ix_procuracy_items_asset", "asset_id"),
    Index("ix_procuracy_items_status", "status"),
)
