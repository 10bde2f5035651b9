"""The database schema as SQLAlchemy Core tables (Alembic migrations create them).

The engine writes one UPDATE guarded by the version the row was read with and one INSERT of
the audit row, in one transaction, through auction_flow.storage.driver (the columns' types below still
convert every value it sends and reads).
"""

from __future__ import annotations

from sqlalchemy import (
                        BigInteger,
                        Boolean,
                        Column,
                        Date,
                        ForeignKey,
                        Index,
                        Integer,
                        String,
                        Table,
                        Text,
                        UniqueConstraint,
                        false,
)

from auction_flow.storage.schema.base import CHAIN, TS, metadata

offices = Table(
    "offices", metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(32), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("parent_id", Integer, ForeignKey("offices.id")),
    Column("created_at", TS, nullable=False),
)

users = Table(
    "users", metadata,
    Column("id", Integer, primary_key=True),
    Column("username", String(64), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("role", String(16), nullable=False),  # officer | supervisor | procurator | admin
    Column("office_id", Integer, ForeignKey("offices.id")),
    Column("email", String(200)),
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", TS, nullable=False),
    # identity (auction_flow.features.identity): an argon2id hash (PHC string), never the password;
    # a user with no hash cannot sign in until an administrator sets one
    Column("password_hash", String(255)),
    Column("must_change_password", Boolean, nullable=False, server_default=false()),
    Column("password_changed_at", TS),
)

assets = Table(
    "assets", metadata,
    Column("id", Integer, primary_key=True),
    Column("case_number", String(64), nullable=False),
    Column("description", Text, nullable=False),
    Column("kind", String(16), nullable=False),  # movable | real_estate
    Column("office_id", Integer, ForeignKey("offices.id"), nullable=False),
    Column("officer_id", Integer, ForeignKey("users.id")),
    Column("workflow", String(64), nullable=False),
    Column("workflow_version", Integer, nullable=False),
    # state and everything below it is written only by auction_flow.engine
    Column("state", String(32), nullable=False),
    Column("state_entered_on", Date, nullable=False),
    Column("last_event_on", Date, nullable=False),
    Column("deadline", Date),
    Column("deadline_basis", Text),
    Column("deadline_regime", String(32)),
    Column("clock_extended", Boolean, nullable=False, default=False),
    Column("appraised_price", BigInteger),  # whole VND
    Column("price", BigInteger),  # current starting price, whole VND
    Column("sale_price", BigInteger),
    Column("buyer", String(200)),
    Column("appraisal_org", String(200)),
    Column("auction_org", String(200)),
    Column("auction_date", Date),
    Column("sold_by", String(64)),
    Column("reduction_count", Integer, nullable=False, default=0),
    Column("reappraisal_count", Integer, nullable=False, default=0),
    Column("cancellation_count", Integer, nullable=False, default=0),
    Column("resume_state", String(32)),
    Column("resume_remaining", Integer),
    Column("resume_unit", String(16)),
    Column("resume_basis", Text),
    Column("resume_regime", String(32)),
    Column("resume_entered_on", Date),  # while suspended: the day the asset entered the state it left
    # days spent suspended since the asset entered its state: not counted by the windows that run
    # from that day (the clocks stop while suspended)
    Column("suspended_days", Integer, nullable=False, default=0, server_default="0"),
    # facts earlier steps kept for later checks (the workflow's ``keep:``), JSON by field name:
    # the winner's deposit, the notified handover day, the day a party received a notice
    Column("facts", Text),
    Column("version", Integer, nullable=False),
    Column("last_hash", String(64), nullable=False),
    Column("created_at", TS, nullable=False),
    Index("ix_assets_state_deadline", "state", "deadline"),
    Index("ix_assets_office_state", "office_id", "state"),
    Index("ix_assets_office_id_id", "office_id", "id"),  # one office's assets in id order (audit verify --office)
    Index("ix_assets_deadline", "deadline"),
)

audit_log = Table(
    "audit_log", metadata,
    Column("id", Integer, primary_key=True),
    Column("asset_id", Integer, ForeignKey("assets.id")),
    Column("seq", Integer),  # the asset's version after this row; one row per step
    Column("event", String(32), nullable=False),  # asset_created | transition | office_added | ...
    Column("trigger", String(64)),
    Column("from_state", String(32)),
    Column("to_state", String(32)),
    Column("actor", String(64), nullable=False),
    Column("role", String(16), nullable=False),
    Column("office", String(32)),
    Column("business_date", Date, nullable=False),
    Column("recorded_at", TS, nullable=False),
    Column("reason", Text),
    Column("changes", Text, nullable=False),  # canonical JSON {field: [before, after]}
    Column("imported", Boolean, nullable=False, default=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    # the chains of the log (see auction_flow.core.audit): the actor's office when the row was
    # written, the chain the row is in, its position in that chain, and the links covering it
    Column("actor_office", String(32)),
    Column("chain", CHAIN, nullable=False),
    Column("log_seq", Integer),
    Column("log_prev_hash", String(64)),
    Column("log_hash", String(64)),
    # the session or token the row came through ("session:12", "token:3"), never the secret;
    # covered by the row's hash when present (auction_flow.core.audit)
    Column("via", String(32)),
    # the asset's officer after this row (migration 0020): not hashed, but derived from the chain
    # (the seizure or import names the officer, each reassignment the next one), which audit
    # verify replays and compares; reports group by it without joining the period's rows to assets
    Column("officer_id", Integer),
    UniqueConstraint("asset_id", "seq"),
    Index("ix_audit_log_actor", "actor"),
    Index("ix_audit_log_business_date", "business_date"),
    Index("ix_audit_log_trigger", "trigger"),
    Index("uq_audit_log_chain_log_seq", "chain", "log_seq", unique=True),
    # every report figure filters by trigger and business date (auction_flow.features.reports)
    Index("ix_audit_log_trigger_business_date", "trigger", "business_date"),
    # a province's report reads its offices' rows of the period (migration 0015)
    Index("ix_audit_log_office_business_date", "office", "business_date"),
)

calendar_days = Table(
    "calendar_days", metadata,
    Column("day", Date, primary_key=True),
    Column("kind", String(16), nullable=False),  # holiday | workday
    Column("name", String(200), nullable=False),
    Column("created_by", String(64), nullable=False),
    Column("created_at", TS, nullable=False),
)

# One row (id 1): a random text that database triggers on calendar_days replace on every change
# (migration 0025), so a process keeps the calendar it built until the stamp it was built for changes
# (auction_flow.core.calendar.kept).
calendar_stamp = Table(
    "calendar_stamp", metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("stamp", String(36), nullable=False),
)

access_log = Table(
    "access_log", metadata,
    Column("id", Integer, primary_key=True),
    Column("at", TS, nullable=False),
    Column("actor", String(64), nullable=False),
    Column("role", String(16)),
    Column("action", String(64), nullable=False),
    Column("asset_id", Integer),
    Column("office", String(32)),
    Column("reason", Text, nullable=False),
    Column("via", String(32)),  # the session or token the refused request came through
    # a user's refusals of one kind in a window: the identity-number guard's count (migration 0028)
    Index("ix_access_log_actor_action_at", "actor", "action", "at"),
)
