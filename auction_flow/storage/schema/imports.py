"""A file checked on the web desk's import page, kept until it is imported or an hour has passed.

``import_staged``: the bytes of a CSV file that passed *check*, so that *import* can write it
without the user choosing the file again (a browser clears a file input after each answer). The
page holds a random token for it; the row keeps only the token's SHA-256, the user who checked it,
the file's name and its SHA-256 (what is imported is what was checked).
"""

from sqlalchemy import Column, Index, Integer, LargeBinary, String, Table

from auction_flow.storage.schema.base import TS, metadata

import_staged = Table(
    "import_staged", metadata,
    Column("id", Integer, primary_key=True),
    Column("token_hash", String(64), nullable=False, unique=True),  # SHA-256 hex of the page's token
    Column("username", String(64), nullable=False),  # who checked it: only they may import it
    Column("file_name", String(255), nullable=False),
    Column("sha256", String(64), nullable=False),  # of ``content``
    Column("content", LargeBinary, nullable=False),
    Column("staged_at", TS, nullable=False),
    Index("ix_import_staged_username", "username"),
)
