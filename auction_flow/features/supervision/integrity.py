"""``audit verify`` beyond the chains: every table checked against the audit rows that say
what it must hold (the assets by :mod:`records`, the registers by :mod:`registers`)."""

from __future__ import annotations

from auction_flow.features.supervision.records import check_assets
from auction_flow.features.supervision.registers import check_registers


def check(conn, offices: dict[int, str] | None = None, chains=None) -> list:
    """Every table check, in the caller's transaction (one snapshot); the problems found.
    ``offices``: the assets of these offices only, and not the registers (an office's verify).
    ``chains``: the assets' chains checked in the same walk as their records (verify's pass 3)."""
    out: list = []
    check_assets(conn, out, offices, chains)
    if offices is None:
        check_registers(conn, out)
    return out
