"""``audit verify``: check every chain of the audit log and the roots that join them, streaming.

Three passes, each a keyset-paginated scan that holds one page of rows at a time:

1. the chains of the log, the roots' heads and ``audit_heads`` (:func:`chains.check_log`);
2. the roots, root to root (:func:`chains.check_roots`), with the anchors given;
3. each asset's chain in ``(asset_id, seq)`` order (the unique index): ``prev_hash`` against
   the asset's previous row, the first against GENESIS, the last against ``assets.last_hash``
   (merged with a scan of ``assets`` in id order).

The first row that does not match is named, with what happened to it (changed, deleted,
inserted or reordered). docs/integrity.md says what each check guarantees and what it cannot.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from auction_flow.common.errors import InvalidInput
from auction_flow.core import audit
from auction_flow.features.supervision import chains
from auction_flow.features.supervision import integrity
from auction_flow.features.supervision.chains import AuditTampered
from auction_flow.storage import driver

__all__ = ["AuditTampered", "Report", "parse_anchor", "verify"]


@dataclass
class Report:
    rows: int = 0
    assets: int = 0
    chains: int = 0
    roots: int = 0
    root: tuple[int, str] | None = None  # the last root: the anchor to record outside
    anchors: int = 0  # anchors given and found in place
    problems: list[AuditTampered] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def head(self) -> int:
        return self.root[0] if self.root else 0

    def as_dict(self) -> dict:
        return {"ok": self.ok, "rows": self.rows, "assets": self.assets, "chains": self.chains, "roots": self.roots,
                "anchor": f"{self.root[0]}:{self.root[1]}" if self.ok and self.root else None,
                "anchors_checked": self.anchors,
                "problems": [{"key": p.key, **{k: v for k, v in p.params.items()}, "message": str(p)}
                             for p in self.problems]}


def parse_anchor(text: str) -> tuple[int, str]:
    """``POSITION:HASH`` as ``verify`` prints it (the hash may be shortened to 16 hex digits)."""
    pos, sep, link = str(text).strip().partition(":")
    link = link.strip().lower()
    if not (sep and pos.strip().isascii() and pos.strip().isdigit() and int(pos) > 0 and 16 <= len(link) <= 64
            and all(c in "0123456789abcdef" for c in link)):
        raise InvalidInput("bad_anchor", value=text)
    return int(pos), link


def _asset_rows_q(dialect, first: bool):
    where = "" if first else "AND (asset_id, seq) > (:asset, :seq) "
    return driver.Statement(dialect, "SELECT id, asset_id, seq, prev_hash, hash FROM audit_log "
                                     f"WHERE asset_id IS NOT NULL {where}ORDER BY asset_id, seq LIMIT :limit")


def _assets_q(dialect, first: bool):
    where = "" if first else "WHERE id > :asset "
    return driver.Statement(dialect, f"SELECT id, last_hash FROM assets {where}ORDER BY id LIMIT :limit")


def _asset_chains(conn, report: Report) -> AuditTampered | None:
    rows = chains.stream(conn, "verify_asset_rows", _asset_rows_q, lambda r: {"asset": r[1], "seq": r[2]})
    heads = chains.stream(conn, "verify_assets", _assets_q, lambda r: {"asset": r[0]})
    current = next(heads, None)
    row = next(rows, None)
    genesis = audit.GENESIS
    while current is not None or row is not None:
        if row is not None and (current is None or row[1] < current[0]):
            return AuditTampered("audit_orphan", id=row[0], asset=row[1])
        report.assets += 1
        asset_id, last_hash = current
        prev, last_id, after_head = genesis, None, None
        at_head = last_hash == genesis
        while row is not None and row[1] == asset_id:
            if row[3] != prev:
                what = "first row" if last_id is None else f"previous row {last_id}"
                return AuditTampered("audit_asset_break", asset=asset_id, id=row[0], seq=row[2], what=what)
            if at_head and after_head is None:
                after_head = row[0]  # a row after the one the asset points to
            prev, last_id = row[4], row[0]
            at_head = at_head or prev == last_hash
            row = next(rows, None)
        if last_hash != prev:
            if after_head is not None:
                return AuditTampered("audit_asset_extra", asset=asset_id, id=after_head)
            if last_id is None:
                return AuditTampered("audit_asset_missing", asset=asset_id)
            return AuditTampered("audit_asset_tail", asset=asset_id, id=last_id)
        current = next(heads, None)
    return None


def verify(engine, anchors: dict[int, str] | None = None) -> Report:
    """Check every chain; the report lists the first problem of each pass (none: intact).

    ``anchors``: {root number: root hash (or its first 16+ hex digits)} recorded outside the
    database by an earlier verify or a digest. Someone who can write to the database can rewrite
    every row, head and root consistently; they cannot change what was written down elsewhere."""
    report = Report()
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            # one snapshot for every page of every pass, whatever is written meanwhile
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():  # on SQLite (WAL) a read transaction is one snapshot already
            for check in (chains.check_log, lambda c, r: chains.check_roots(c, r, anchors or {}), _asset_chains):
                problem = check(conn, report)
                if problem is not None:
                    report.problems.append(problem)
            report.problems.extend(integrity.check(conn))  # the tables against their chains
    return report
