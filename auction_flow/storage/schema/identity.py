"""Tables of identity: sign-in sessions, bearer tokens for scripts, and the sign-in throttle.

* ``sessions``: one row per sign-in (command line, web desk or API). The secret token is held by
  the client only; the row keeps its SHA-256 (``token_hash``), its absolute expiry and its last use.
* ``api_tokens``: bearer tokens for scripts (``AUCTION_FLOW_TOKEN``), stored the same way.
* ``sign_in_throttle``: failed sign-ins per typed username (known or not, so that the lockout
  does not tell which names exist), the lockout and how many lockouts in a row (the delay grows).

The password hash and the must-change flag are columns of ``users`` (``storage.schema.core``).
"""

from sqlalchemy import Boolean, Column, ForeignKey, Index, Integer, String, Table, false

from auction_flow.storage.schema.base import CHAIN, TS, metadata

sessions = Table(
    "sessions", metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),  # SHA-256 hex of the token
    Column("channel", String(8), nullable=False),  # cli | web | api
    Column("client", String(200)),  # who asked: user@host for the command line, address and agent for the web
    Column("created_at", TS, nullable=False),
    Column("expires_at", TS, nullable=False),  # absolute lifetime
    Column("last_used_at", TS, nullable=False),
    Column("ended_at", TS),
    Column("ended_reason", String(32)),  # signed_out | deactivated | password_changed | password_reset | replaced
    # an audit row names this session (via = "session:<id>"): kept by the purge whatever its age
    # (auction_flow.features.identity.purge, which sets it from the rows it has read)
    Column("audit_named", Boolean, nullable=False, default=False, server_default=false()),
    Index("ix_sessions_user_id", "user_id"),
)

# how far the session purge has read each chain of the audit log for the sessions its rows name
session_marks = Table(
    "session_marks", metadata,
    Column("chain", CHAIN, primary_key=True),
    Column("log_seq", Integer, nullable=False),
)

api_tokens = Table(
    "api_tokens", metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("name", String(100), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_by", String(64), nullable=False),
    Column("created_at", TS, nullable=False),
    Column("expires_at", TS, nullable=False),  # every token expires
    Column("last_used_at", TS),
    Column("revoked_at", TS),
    Column("revoked_by", String(64)),
    Index("ix_api_tokens_user_id", "user_id"),
)

sign_in_throttle = Table(
    "sign_in_throttle", metadata,
    Column("username", String(64), primary_key=True),  # as typed (cut to 64 characters)
    Column("failures", Integer, nullable=False),  # failures in the current window
    Column("window_started_at", TS),  # the first failure of the window (15 minutes)
    Column("locked_until", TS),
    Column("lockouts", Integer, nullable=False),  # lockouts since the last successful sign-in
    Column("updated_at", TS, nullable=False),
)
