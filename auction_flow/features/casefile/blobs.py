"""The content-addressed store of the case file: bytes kept once under their SHA-256, in the
``blobs`` table, inside the caller's transaction (a paper with its step, a scan with its audit row).

A table rather than files on disk: it needs no set-up on SQLite or PostgreSQL, it commits or rolls
back with the step that wrote it (no orphan file after a refused step), and every desk of a province
reads it from the one database. The bytes are never changed by the program; ``doc verify`` hashes
them again against the hash the asset's audit chain holds.
"""

from __future__ import annotations

import hashlib

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from auction_flow.common.config import now_utc
from auction_flow.storage.schema import blobs

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def put(conn, data: bytes, media_type: str) -> str:
    """Store ``data`` (once: the same bytes are the same row); return its SHA-256."""
    key = sha256(data)
    if conn.execute(select(blobs.c.sha256).where(blobs.c.sha256 == key)).first() is None:
        stmt = upsert(conn, blobs).values(sha256=key, size=len(data), media_type=media_type, content=data,
                                          created_at=now_utc())
        conn.execute(stmt.on_conflict_do_nothing(index_elements=["sha256"]))  # stored by another at the same time
    return key


def upsert(conn, table):
    """The dialect's INSERT, which knows ON CONFLICT (both databases have it)."""
    return (postgresql if conn.dialect.name == "postgresql" else sqlite).insert(table)


def get(conn, key: str) -> bytes | None:
    """The bytes stored under ``key`` as they are now (None if the row is gone)."""
    data = conn.execute(select(blobs.c.content).where(blobs.c.sha256 == key)).scalar()
    return None if data is None else bytes(data)
