"""Settings of one database: a key and its value (``demo_day``: the day a demo database plays
to, which its reads default to)."""

from sqlalchemy import Column, String, Table, Text

from auction_flow.storage.schema.base import metadata

settings = Table(
    "settings", metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)
