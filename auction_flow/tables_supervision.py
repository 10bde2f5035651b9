"""Tables of the supervision feature (on auction_flow.schema.metadata)."""

from .schema import metadata  # noqa: F401
