"""``audit verify``: check every chain of the audit log, streaming.

Two passes, each a keyset-paginated scan that holds one page of rows at a time:

1. the whole log in ``id`` order: every row's hash against its content, and its
   ``log_seq``/``log_prev_hash``/``log_hash`` against the row before it; the last row
   against ``audit_head``;
2. each asset's chain in ``(asset_id, seq)`` order (the unique index): ``prev_hash`` against
   the asset's previous row, the first against GENESIS, the last against ``assets.last_hash``
   (merged with a scan of ``assets`` in id order).

The first row that does not match is named, with what happened to it (changed, deleted,
inserted or reordered).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from sqlalchemy import select, tuple_

from auction_flow.common.errors import AuctionFlowError, InvalidInput
from auction_flow.core import audit
from auction_flow.storage.schema import assets, audit_head, audit_log

PAGE = 5000

class AuditTampered(AuctionFlowError):
    """``audit verify`` found a row that does not match its chain."""


@dataclass
class Report:
    rows: int = 0
    assets: int = 0
    head: int = 0
    head_hash: str | None = None  # the whole-log link at the head: the anchor to record outside
    anchors: int = 0  # anchors given and found in place
    problems: list[AuditTampered] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict:
        return {"ok": self.ok, "rows": self.rows, "assets": self.assets, "head": self.head,
                "anchor": f"{self.head}:{self.head_hash}" if self.head_hash and self.head else None, "anchors_checked": self.anchors,
                "problems": [{"key": p.key, **{k: v for k, v in p.params.items()}, "message": str(p)}
                             for p in self.problems]}


_N = len(audit.HASHED)
_COLS = [audit_log.c[name] for name in sorted(audit.HASHED)] + [
    audit_log.c.id, audit_log.c.prev_hash, audit_log.c.hash, audit_log.c.actor_office,
    audit_log.c.log_seq, audit_log.c.log_prev_hash, audit_log.c.log_hash, audit_log.c.via]
_ID, _PREV, _HASH, _AOFF, _LSEQ, _LPREV, _LHASH, _VIA = range(_N, _N + 8)


def _pages(conn, query, key_cols, key_of):
    """Yield rows of ``query`` in ``key_cols`` order, one page at a time (keyset pagination)."""
    last = None
    while True:
        q = query
        if last is not None:
            if len(key_cols) == 1:
                q = q.where(key_cols[0] > last[0])
            else:
                q = q.where(tuple_(*key_cols) > tuple_(*last))
        page = conn.execute(q.order_by(*key_cols).limit(PAGE)).all()
        if not page:
            return
        yield from page
        last = key_of(page[-1])
        del page


def _position_holder(conn, pos: int):
    return conn.execute(select(audit_log.c.id).where(audit_log.c.log_seq == pos)).scalar()


def parse_anchor(text: str) -> tuple[int, str]:
    """``POSITION:HASH`` as ``verify`` prints it (the hash may be shortened to 16 hex digits)."""
    pos, sep, link = str(text).strip().partition(":")
    link = link.strip().lower()
    if not (sep and pos.strip().isascii() and pos.strip().isdigit() and int(pos) > 0 and 16 <= len(link) <= 64
            and all(c in "0123456789abcdef" for c in link)):
        raise InvalidInput("bad_anchor", value=text)
    return int(pos), link


def _whole_log(conn, report: Report, anchors: dict[int, str]) -> AuditTampered | None:
    head = conn.execute(select(audit_head.c.log_seq, audit_head.c.log_hash).where(audit_head.c.id == 1)).first()
    report.head = head.log_seq if head else 0
    prev_seq, prev_link, prev_id = 0, audit.GENESIS, None
    for values in _pages(conn, select(*_COLS), [audit_log.c.id], lambda r: (r[_ID],)):
        report.rows += 1
        row = {"id": values[_ID], "hash": values[_HASH], "log_prev_hash": values[_LPREV],
               "log_hash": values[_LHASH]}
        expected, seq = prev_seq + 1, values[_LSEQ]
        own_ok = audit.row_hash_sorted(values[_PREV], values[:_N], via=values[_VIA]) == row["hash"]
        link_ok = seq is not None and row["log_prev_hash"] is not None and row["log_hash"] == audit.log_hash(
            row["log_prev_hash"], seq, row["hash"], values[_AOFF])
        if not own_ok or not link_ok:
            # a row that does not match itself: changed where it stands, or not in the chain at all
            if seq == expected:
                return AuditTampered("audit_changed" if not own_ok else "audit_link_changed", id=row["id"], pos=seq)
            return AuditTampered("audit_inserted", id=row["id"], expected=expected)
        if seq > expected:
            holder = _position_holder(conn, expected)
            if holder is None:
                return AuditTampered("audit_deleted", id=row["id"], first=expected, last=seq - 1)
            return AuditTampered("audit_reordered", id=row["id"], pos=seq, expected=expected,
                                 where=f"; position {expected} is row {holder}")
        if seq < expected:
            return AuditTampered("audit_reordered", id=row["id"], pos=seq, expected=expected, where="")
        if row["log_prev_hash"] != prev_link:
            # right position, self-consistent, wrong predecessor: the row before was forged in its place
            return AuditTampered("audit_inserted", id=prev_id if prev_id is not None else row["id"],
                                 expected=prev_seq)
        if seq in anchors:  # recorded outside the database: a rewritten log cannot match it
            if not row["log_hash"].startswith(anchors[seq]):
                return AuditTampered("audit_anchor", pos=seq, found=row["log_hash"][:len(anchors[seq])],
                                     anchor=anchors[seq])
            report.anchors += 1
        prev_seq, prev_link, prev_id = seq, row["log_hash"], row["id"]
    beyond = [pos for pos in anchors if pos > prev_seq]
    if beyond:
        return AuditTampered("audit_anchor_beyond", pos=min(beyond), head=prev_seq)
    if head is None:
        return AuditTampered("audit_head_missing", id=prev_id or 0)
    if head.log_seq != prev_seq or head.log_hash != prev_link:
        if head.log_seq > prev_seq:
            return AuditTampered("audit_tail_deleted", id=prev_id or 0, pos=prev_seq, head=head.log_seq)
        extra = _position_holder(conn, head.log_seq + 1) if head.log_seq < prev_seq else prev_id
        return AuditTampered("audit_inserted", id=extra, expected=head.log_seq)
    report.head_hash = head.log_hash
    return None


_ACOLS = [audit_log.c.id, audit_log.c.asset_id, audit_log.c.seq, audit_log.c.prev_hash, audit_log.c.hash]


def _asset_chains(conn, report: Report) -> AuditTampered | None:
    rows = (r._mapping for r in _pages(conn, select(*_ACOLS).where(audit_log.c.asset_id.is_not(None)),
                                       [audit_log.c.asset_id, audit_log.c.seq], lambda r: (r[1], r[2])))
    heads = (r._mapping for r in _pages(conn, select(assets.c.id, assets.c.last_hash), [assets.c.id],
                                        lambda r: (r[0],)))
    current = next(heads, None)
    row = next(rows, None)
    while current is not None or row is not None:
        if row is not None and (current is None or row["asset_id"] < current["id"]):
            return AuditTampered("audit_orphan", id=row["id"], asset=row["asset_id"])
        report.assets += 1
        asset_id, prev, last_id, after_head = current["id"], audit.GENESIS, None, None
        at_head = current["last_hash"] == audit.GENESIS
        while row is not None and row["asset_id"] == asset_id:
            if row["prev_hash"] != prev:
                what = "first row" if last_id is None else f"previous row {last_id}"
                return AuditTampered("audit_asset_break", asset=asset_id, id=row["id"], seq=row["seq"], what=what)
            if at_head and after_head is None:
                after_head = row["id"]  # a row after the one the asset points to
            prev, last_id = row["hash"], row["id"]
            at_head = at_head or prev == current["last_hash"]
            row = next(rows, None)
        if current["last_hash"] != prev:
            if after_head is not None:
                return AuditTampered("audit_asset_extra", asset=asset_id, id=after_head)
            if last_id is None:
                return AuditTampered("audit_asset_missing", asset=asset_id)
            return AuditTampered("audit_asset_tail", asset=asset_id, id=last_id)
        current = next(heads, None)
    return None


def verify(engine, anchors: dict[int, str] | None = None) -> Report:
    """Check every chain; the report lists the first problem of each pass (none: intact).

    ``anchors``: {position: whole-log link (or its first 16+ hex digits)} recorded outside the
    database from an earlier verify. Someone who can write to the database can rewrite every
    row and the head consistently; they cannot change what was written down elsewhere."""
    report = Report()
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            # one snapshot for every page of both passes, whatever is written meanwhile
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():  # on SQLite (WAL) a read transaction is one snapshot already
            for check in (functools.partial(_whole_log, anchors=anchors or {}), _asset_chains):
                problem = check(conn, report)
                if problem is not None:
                    report.problems.append(problem)
    return report
