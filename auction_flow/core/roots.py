"""Roots: the hash that joins the chains of the audit log, and the anchors taken of it.

The log has one chain per office (and one for the administration, and the sealed legacy log;
see :mod:`auction_flow.core.audit`), each with its head in ``audit_heads``. A root reads every
head at one moment and records it (``audit_root_heads``: chain, position, link), with one hash
over its number, its time, every head and the previous root's hash (``audit_roots``): the roots
form a chain of their own. ``audit verify`` checks that each root's heads are rows of their
chains, that the roots follow each other, that no chain a root named is missing from a later
root, and that a row a root could not have missed is not after it in its chain.

Roots are written by the scheduler's job, by ``audit verify``, by a digest and by ``audit root``
(:func:`take`). An anchor (``anchors``) is the root (number and hash) a verify run or a digest saw:
a digest mails it, ``audit anchors`` exports the list, so it is kept outside the database.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from sqlalchemy import insert, select
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


def root_hash(prev_hash: str, seq: int, taken_at: str, heads) -> str:
    """SHA-256 over the previous root's hash, this root's number and time (UTC text) and every
    chain's head ``(chain, log_seq, log_hash)``, in chain order."""
    body = "\n".join(f"{chain}|{log_seq}|{link}" for chain, log_seq, link in sorted(heads))
    return hashlib.sha256(f"{prev_hash}|{seq}|{taken_at}|{body}".encode("utf-8")).hexdigest()


def latest(conn) -> tuple[int, str] | None:
    """The last root (seq, hash), or None before the first."""
    row = conn.execute(select(audit_roots.c.seq, audit_roots.c.hash).order_by(audit_roots.c.seq.desc())
                       .limit(1)).first()
    return (row[0], row[1]) if row else None


def _heads_of(conn, seq: int) -> list[tuple]:
    return [tuple(r) for r in conn.execute(
        select(audit_root_heads.c.chain, audit_root_heads.c.log_seq, audit_root_heads.c.log_hash)
        .where(audit_root_heads.c.root_seq == seq).order_by(audit_root_heads.c.chain))]


def write(conn, source: str, by: str | None = None, taken_at: dt.datetime | None = None,
          force: bool = False) -> tuple[int, str]:
    """Write a root over every chain's head in the caller's write transaction; return (seq, hash).

    When no chain moved since the last root, that root is returned (unless ``force``)."""
    last = latest(conn)
    prev_seq, prev_hash = last or (0, GENESIS)
    q = select(audit_heads.c.chain, audit_heads.c.log_seq, audit_heads.c.log_hash).order_by(audit_heads.c.chain)
    if conn.dialect.name == "postgresql":  # a step in flight on a chain commits before its head is read
        q = q.with_for_update(read=True)
    heads = [tuple(r) for r in conn.execute(q)]
    if last is not None and not force and _heads_of(conn, prev_seq) == heads:
        return last
    taken_at = taken_at or now_utc()
    seq = prev_seq + 1
    digest = root_hash(prev_hash, seq, audit.timestamp_text(taken_at), heads)
    conn.execute(insert(audit_roots).values(seq=seq, taken_at=taken_at, source=source, taken_by=by,
                                            prev_hash=prev_hash, hash=digest))
    if heads:
        conn.execute(insert(audit_root_heads), [{"root_seq": seq, "chain": c, "log_seq": s, "log_hash": h}
                                                for c, s, h in heads])
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
