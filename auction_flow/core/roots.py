"""Roots: the hash that joins the chains of the audit log, and the anchors taken of it.

The log has one chain per office (and one for the administration, and the sealed legacy log;
see :mod:`auction_flow.core.audit`), each with its head in ``audit_heads``. A root reads every
head at one moment and records it (``audit_root_heads``: chain, position, link), with one hash
over its number, its time, every head and the previous root's hash (``audit_roots``): the roots
form a chain of their own. ``audit verify`` checks that each root's heads are rows of their
chains, that the roots follow each other, that no chain a root named is missing from a later
root, and that a row a root could not have missed is not after it in its chain.

A root stores only what moved (issue 16): ``audit_root_heads`` holds, for each root, the heads of
the chains that differ from the state the roots before it left (the first root: every chain),
and a tombstone (position 0, link ``''``: :data:`GONE`) for a chain that state named and that
is gone from ``audit_heads``. Every chain's head at root k is the state after root k-1 overridden
by root k's rows (:func:`state`); the hash is over all of them, as before, so a root written when
every root stored every head (each head a row) reads the same. The roots are written one after
the other and heads only move forward, so a chain's latest row in the index (chain, log_seq,
root_seq) is its head in the last root: :func:`state` probes it per chain.

Roots are written by the scheduler's job, by ``audit verify``, by a digest and by ``audit root``
(:func:`take`). An anchor (``anchors``) is the root (number and hash) a verify run or a digest saw:
a digest mails it, ``audit anchors`` exports the list, so it is kept outside the database.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from sqlalchemy import insert, select, text
from sqlalchemy.exc import IntegrityError

from auction_flow.common.config import now_utc
from auction_flow.core import audit
from auction_flow.storage.db import reading, writing
from auction_flow.storage.schema import anchors, audit_heads, audit_root_heads, audit_roots

GENESIS = audit.GENESIS
# A step stamps its row (recorded_at) a moment before it claims its chain's head; a root taken in
# between does not include it. A row recorded more than this long before a root, and after that
# root in its chain, was not there when the root was taken: it was appended later, back-dated.
SLACK = dt.timedelta(minutes=2)
SOURCES = ("migration", "scheduler", "verify", "digest", "command")
GONE = ""  # the link of a tombstone: the chain is no longer in audit_heads (its position: 0)


def root_hash(prev_hash: str, seq: int, taken_at: str, heads) -> str:
    """SHA-256 over the previous root's hash, this root's number and time (UTC text) and every
    chain's head ``(chain, log_seq, log_hash)``, in chain order."""
    return body_hash(prev_hash, seq, taken_at, "\n".join(f"{chain}|{log_seq}|{link}"
                                                         for chain, log_seq, link in sorted(heads)))


def body_hash(prev_hash: str, seq: int, taken_at: str, body: str) -> str:
    """:func:`root_hash` of heads already written out as its body (a verify keeps each line)."""
    return hashlib.sha256(f"{prev_hash}|{seq}|{taken_at}|{body}".encode("utf-8")).hexdigest()


def latest(conn) -> tuple[int, str] | None:
    """The last root (seq, hash), or None before the first."""
    row = conn.execute(select(audit_roots.c.seq, audit_roots.c.hash).order_by(audit_roots.c.seq.desc())
                       .limit(1)).first()
    return (row[0], row[1]) if row else None


# Each chain's latest row: the highest (log_seq, root_seq) in the index, unless a tombstone came
# after it. The chains named are found by a skip scan of the same index (one probe per chain, not
# a read of every row); PostgreSQL allows the recursive name only outside the subquery, as here.
_STATE = """WITH RECURSIVE named(chain) AS (
    SELECT (SELECT chain FROM audit_root_heads ORDER BY chain LIMIT 1)
    UNION ALL
    SELECT (SELECT h.chain FROM audit_root_heads h WHERE h.chain > named.chain ORDER BY h.chain LIMIT 1)
    FROM named WHERE named.chain IS NOT NULL)
SELECT h.chain, h.log_seq, h.log_hash FROM named JOIN audit_root_heads h ON h.chain = named.chain
 AND h.root_seq = (SELECT s.root_seq FROM audit_root_heads s WHERE s.chain = named.chain
                   ORDER BY s.log_seq DESC, s.root_seq DESC LIMIT 1)
WHERE NOT EXISTS (SELECT 1 FROM audit_root_heads z WHERE z.chain = named.chain AND z.log_seq = 0
                  AND z.log_hash = '' AND z.root_seq > h.root_seq)"""
_STATE_OF = """SELECT h.log_seq, h.log_hash, h.root_seq FROM audit_root_heads h WHERE h.chain = :chain
ORDER BY h.log_seq DESC, h.root_seq DESC LIMIT 1"""
_GONE_AFTER = """SELECT 1 FROM audit_root_heads z WHERE z.chain = :chain AND z.log_seq = 0 AND z.log_hash = ''
AND z.root_seq > :root LIMIT 1"""


def state(conn, chains=None) -> dict[str, tuple[int, str]]:
    """Every chain's head in the last root, {chain: (log_seq, log_hash)}, without the chains a
    tombstone says are gone; ``chains``: only these (one probe each)."""
    if chains is None:
        rows = conn.execute(text(_STATE)).all()
    else:
        rows = []
        for chain in chains:
            row = conn.execute(text(_STATE_OF), {"chain": chain}).first()
            if row is not None and (row[1] == GONE or conn.execute(
                    text(_GONE_AFTER), {"chain": chain, "root": row[2]}).first() is None):
                rows.append((chain, row[0], row[1]))
    return {c: (s, h) for c, s, h in rows if h != GONE}


def moved(before: dict, heads: dict) -> list[dict]:
    """The rows a root stores: the heads that differ from ``before``, a tombstone for each chain gone."""
    out = [{"chain": c, "log_seq": s, "log_hash": h} for c, (s, h) in heads.items() if before.get(c) != (s, h)]
    return out + [{"chain": c, "log_seq": 0, "log_hash": GONE} for c in before if c not in heads]


def write(conn, source: str, by: str | None = None, taken_at: dt.datetime | None = None,
          force: bool = False) -> tuple[int, str]:
    """Write a root over every chain's head in the caller's write transaction, storing the heads
    that moved (:func:`moved`); return (seq, hash).

    When no chain moved since the last root, that root is returned (unless ``force``: then a root
    with no rows of its own)."""
    last = latest(conn)
    prev_seq, prev_hash = last or (0, GENESIS)
    q = select(audit_heads.c.chain, audit_heads.c.log_seq, audit_heads.c.log_hash).order_by(audit_heads.c.chain)
    if conn.dialect.name == "postgresql":  # a step in flight on a chain commits before its head is read
        q = q.with_for_update(read=True)
    heads = {c: (s, h) for c, s, h in conn.execute(q)}
    before = state(conn) if last is not None else {}
    if last is not None and not force and before == heads:
        return last
    taken_at = taken_at or now_utc()
    seq = prev_seq + 1
    digest = root_hash(prev_hash, seq, audit.timestamp_text(taken_at), [(c, s, h) for c, (s, h) in heads.items()])
    conn.execute(insert(audit_roots).values(seq=seq, taken_at=taken_at, source=source, taken_by=by,
                                            prev_hash=prev_hash, hash=digest))
    if rows := moved(before, heads):
        conn.execute(insert(audit_root_heads), [{"root_seq": seq, **r} for r in rows])
    return seq, digest


def take(engine, source: str, by: str | None = None, force: bool = False) -> tuple[int, str]:
    """Write a root in a transaction of its own (two writers at once: the later one retries)."""
    for attempt in range(5):
        try:
            with writing(engine) as conn:
                return write(conn, source, by, force=force)
        except IntegrityError:  # another root took the same number first
            if attempt == 4:
                raise
    raise AssertionError("unreachable")


def record_anchor(engine, source: str, root: tuple[int, str], by: str | None = None) -> dict:
    """Keep the root a verify run or a digest saw in ``anchors``; return it as a dict."""
    row = {"taken_at": now_utc(), "source": source, "root_seq": root[0], "root_hash": root[1], "taken_by": by}
    with writing(engine) as conn:
        row["id"] = conn.execute(insert(anchors).values(**row)).inserted_primary_key[0]
    return row


def anchor_text(root: tuple[int, str] | None) -> str | None:
    """``ROOT:HASH`` as verify prints it and ``--anchor`` reads it."""
    return f"{root[0]}:{root[1]}" if root else None


def list_anchors(engine, limit: int | None = None) -> list[dict]:
    with reading(engine) as conn:
        q = select(anchors).order_by(anchors.c.id)
        if limit:
            q = q.order_by(None).order_by(anchors.c.id.desc()).limit(limit)
        rows = [dict(r) for r in conn.execute(q).mappings()]
    return sorted(rows, key=lambda r: r["id"])
