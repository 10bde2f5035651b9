"""``audit verify``, pass 3: each asset's chain (``prev_hash``/``hash`` from GENESIS) against
``assets.last_hash``.

The records' replay (:mod:`records`) already walks every asset (``assets`` in id order) beside its
audit rows (``(asset_id, seq)`` order); it hands each asset and its rows to :class:`AssetChains`,
so one read of the rows serves both checks. The first row that does not match is named (as the
other chain passes do): a row of no asset, a row that does not follow the asset's previous one,
the last rows cut off, a row added after the asset's head, an asset whose rows are all gone.

An office's or a province's verify also needs every row of a chosen chain about an asset to be
about an asset of that office (:func:`strangers`). Pass 1 counts the rows of each chosen chain that
are about an asset; the walk counts the rows of each chosen office's assets that are in that
office's chain. The second set is part of the first (same chain, about an asset); the counts are
equal exactly when the sets are, so the rows are looked up one by one only when they differ.
"""

from __future__ import annotations

from auction_flow.core import audit
from auction_flow.features.supervision.chains import AuditTampered
from auction_flow.storage import driver

GENESIS = audit.GENESIS


class AssetChains:
    """The state of pass 3 while the records' walk advances; ``problem``: the first found."""

    def __init__(self, offices: dict[int, str] | None = None):
        self.problem: AuditTampered | None = None
        self.assets = 0
        # an office's verify: {office id: its chain}, and the rows of its assets found in it
        self.chain_of = None if offices is None else {oid: audit.OFFICE + code for oid, code in offices.items()}
        self.in_chain: dict[str, int] = {}

    def orphan(self, row_id: int, asset_id: int) -> None:
        """A row about an asset that is not there (the walk found no asset of its id)."""
        if self.problem is None:
            self.problem = AuditTampered("audit_orphan", id=row_id, asset=asset_id)

    def asset(self, asset_id: int, last_hash: str, office_id, rows: list, at) -> None:
        """One asset and its rows in ``seq`` order; ``at``: the indexes of (id, seq, prev_hash, hash,
        chain) in a row (chain: only for an office's verify)."""
        self.assets += 1
        i_id, i_seq, i_prev, i_hash, i_chain = at
        if self.chain_of is not None:
            mine = self.chain_of.get(office_id)
            self.in_chain[mine] = self.in_chain.get(mine, 0) + sum(1 for r in rows if r[i_chain] == mine)
        if self.problem is not None:
            return
        prev, last_id, after_head = GENESIS, None, None
        at_head = last_hash == GENESIS
        for row in rows:
            if row[i_prev] != prev:
                what = "first row" if last_id is None else f"previous row {last_id}"
                self.problem = AuditTampered("audit_asset_break", asset=asset_id, id=row[i_id], seq=row[i_seq],
                                             what=what)
                return
            if at_head and after_head is None:
                after_head = row[i_id]  # a row after the one the asset points to
            prev, last_id = row[i_hash], row[i_id]
            at_head = at_head or prev == last_hash
        if last_hash != prev:
            if after_head is not None:
                self.problem = AuditTampered("audit_asset_extra", asset=asset_id, id=after_head)
            elif last_id is None:
                self.problem = AuditTampered("audit_asset_missing", asset=asset_id)
            else:
                self.problem = AuditTampered("audit_asset_tail", asset=asset_id, id=last_id)

    def strangers(self, conn, about_assets: dict[str, int] | None) -> AuditTampered | None:
        """A row of a chosen chain about an asset that is gone, or that is now of another office (an
        asset's rows go in its office's chain, and its office never changes): it would escape the
        replay of the office's assets. ``about_assets``: pass 1's count of each chosen chain's rows
        about an asset (None: pass 1 stopped early, every chain is looked up)."""
        for oid, chain in sorted(self.chain_of.items(), key=lambda o: o[1]):
            if about_assets is not None and about_assets.get(chain, 0) == self.in_chain.get(chain, 0):
                continue
            row = driver.execute(driver.cursor(conn), driver.statement(conn, "verify_strangers", _strangers_q),
                                 {"chain": chain, "office": oid}).fetchone()
            if row is not None and row[2] is None:
                return AuditTampered("audit_orphan", id=row[0], asset=row[1])
            if row is not None:
                return AuditTampered("audit_foreign_asset", id=row[0], asset=row[1], chain=chain)
        return None


def _strangers_q(dialect):
    return driver.Statement(dialect, "SELECT l.id, l.asset_id, a.office_id FROM audit_log l LEFT JOIN assets a "
                                     "ON a.id = l.asset_id WHERE l.chain = :chain AND l.asset_id IS NOT NULL "
                                     "AND (a.id IS NULL OR a.office_id <> :office) ORDER BY l.log_seq LIMIT 1")
