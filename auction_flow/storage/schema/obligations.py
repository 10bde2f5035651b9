"""``asset_obligations``: the side clocks of each asset (the workflow's ``obligations:``), open and closed.

One row per obligation a step opened: the asset, the obligation's name, the audit row that opened
it (``opened_seq``), the day its clock counts from, its due day and the law behind it; the audit row
that closed it (``closed_seq``) and the day the duty was done (``done_on``). Open: ``closed_seq`` is
NULL. The engine is the only writer, in the step's own transaction; each row is what the asset's
audit chain says (``audit verify`` replays it).
"""

from sqlalchemy import Column, Date, ForeignKey, Index, Integer, String, Table, Text, UniqueConstraint

from auction_flow.storage.schema.base import metadata

asset_obligations = Table(
    "asset_obligations", metadata,
    Column("id", Integer, primary_key=True),
    Column("asset_id", Integer, ForeignKey("assets.id"), nullable=False),
    Column("name", String(32), nullable=False),
    Column("opened_seq", Integer, nullable=False),  # the asset's audit row that opened it
    Column("starts_on", Date, nullable=False),  # the day its clock counts from
    Column("due", Date, nullable=False),
    Column("basis", Text, nullable=False),
    Column("regime", String(32)),
    Column("closed_seq", Integer),  # the asset's audit row that closed it (NULL: open)
    Column("done_on", Date),  # the day the duty was done, as the closing step says
    UniqueConstraint("asset_id", "name", "opened_seq"),
    Index("ix_asset_obligations_open", "closed_seq", "due"),  # the alert scan: open ones past due
)
