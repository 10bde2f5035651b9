"""Tables of the alerts feature (on auction_flow.schema.metadata)."""

from .schema import metadata  # noqa: F401
