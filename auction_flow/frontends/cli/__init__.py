"""The command line: a thin click tree over the features' services (``cli.py`` runs it)."""

from auction_flow.frontends.cli.app import main

__all__ = ["main"]
