"""auction-flow: the life of every seized asset, from seizure to handover.

Data flows one way: ``workflows/*.yaml`` -> :mod:`auction_flow.workflow` (load and
validate once) -> :mod:`auction_flow.engine` (the only code that changes an asset's
state) -> :mod:`auction_flow.services` (plain functions) -> ``cli.py``.
"""

__version__ = "0.1.0"
