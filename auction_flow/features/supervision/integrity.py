"""``audit verify`` beyond the chains: every table checked against the audit rows that say
what it must hold (the assets by :mod:`records`, the registers by :mod:`registers`)."""

from __future__ import annotations

from auction_flow.features.supervision.records import check_assets
from auction_flow.features.supervision.registers import check_registers

CHECKS = (check_assets, check_registers)


def check(conn, offices: dict[int, str] | None = None) -> list:
    """Every table check, in the caller's transaction (one snapshot); the problems found.
    ``offices``: the assets of these offices only, and not the registers (an office's verify)."""
    out: list = []
    if offices is not None:
        check_assets(conn, out, offices)
        return out
    for fn in CHECKS:
        fn(conn, out)
    return out
