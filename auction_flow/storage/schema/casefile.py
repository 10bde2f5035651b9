"""Tables of the case file: parties and their roles on assets, the papers the steps issue, scans
attached to assets, and the content-addressed store that holds the bytes of both.

* ``blobs``: content-addressed bytes, keyed by their SHA-256 (a paper, a scan, a replaced template).
  A table rather than files: it needs no set-up on either database, it is written in the step's
  own transaction (a refused step leaves no orphan file), and a province on PostgreSQL serves every
  desk from one place.
* ``parties`` / ``asset_parties``: debtors, creditors, buyers and bidders, linked to assets in roles.
* ``documents`` / ``document_counters``: the papers and their numbering, one count per office,
  series (QĐ, TB, BB, HĐ) and year, drawn inside the step's transaction.
* ``document_templates``: templates an administrator set in place of the shipped ones.
* ``attachments``: scans attached to an asset.

The search over assets and parties is not modelled here: on SQLite it is two FTS5 tables kept by
triggers, on PostgreSQL trigram indexes over ``af_fold(...)`` (migration 0009); :data:`UNMODELLED`
names those objects for the schema comparison.
"""

from sqlalchemy import (
                        BigInteger,
                        Column,
                        Date,
                        ForeignKey,
                        Index,
                        Integer,
                        LargeBinary,
                        String,
                        Table,
                        Text,
                        UniqueConstraint,
)

from auction_flow.storage.schema.base import TS, metadata

blobs = Table(
    "blobs", metadata,
    Column("sha256", String(64), primary_key=True),
    Column("size", BigInteger, nullable=False),
    Column("media_type", String(100), nullable=False),
    Column("content", LargeBinary, nullable=False),
    Column("created_at", TS, nullable=False),
)

parties = Table(
    "parties", metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(16), nullable=False),  # person | enterprise
    Column("name", String(200), nullable=False),
    Column("id_number", String(20), nullable=False, unique=True),  # citizen ID (12 digits) or enterprise code
    Column("address", Text),
    Column("office_id", Integer, ForeignKey("offices.id"), nullable=False),  # the office that registered it
    Column("created_by", String(64), nullable=False),
    Column("created_at", TS, nullable=False),
)

asset_parties = Table(
    "asset_parties", metadata,
    Column("id", Integer, primary_key=True),
    Column("asset_id", Integer, ForeignKey("assets.id"), nullable=False),
    Column("party_id", Integer, ForeignKey("parties.id"), nullable=False),
    Column("role", String(16), nullable=False),  # debtor | creditor | buyer | bidder
    Column("linked_on", Date, nullable=False),
    Column("created_by", String(64), nullable=False),
    Column("created_at", TS, nullable=False),
    UniqueConstraint("asset_id", "party_id", "role"),
    Index("ix_asset_parties_party_id", "party_id"),
)

documents = Table(
    "documents", metadata,
    Column("id", Integer, primary_key=True),
    Column("asset_id", Integer, ForeignKey("assets.id"), nullable=False),
    Column("seq", Integer, nullable=False),  # the asset's version after the step (its audit row's seq)
    Column("trigger", String(64), nullable=False),
    Column("kind", String(64), nullable=False),
    Column("office_id", Integer, ForeignKey("offices.id"), nullable=False),
    Column("series", String(8), nullable=False),
    Column("year", Integer, nullable=False),
    Column("serial", Integer, nullable=False),
    Column("number", String(64), nullable=False),  # as printed: 15/QĐ-CCTHADS
    Column("issued_on", Date, nullable=False),
    Column("sha256", String(64), ForeignKey("blobs.sha256"), nullable=False),
    Column("template_sha256", String(64), nullable=False),
    Column("created_by", String(64), nullable=False),
    Column("created_at", TS, nullable=False),
    UniqueConstraint("office_id", "series", "year", "serial"),
    UniqueConstraint("asset_id", "seq"),
)

document_counters = Table(
    "document_counters", metadata,
    Column("office_id", Integer, ForeignKey("offices.id"), primary_key=True),
    Column("series", String(8), primary_key=True),
    Column("year", Integer, primary_key=True),
    Column("last", Integer, nullable=False),
)

document_templates = Table(
    "document_templates", metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(64), nullable=False),
    Column("sha256", String(64), ForeignKey("blobs.sha256"), nullable=False),
    Column("set_by", String(64), nullable=False),
    Column("set_at", TS, nullable=False),
    Index("ix_document_templates_kind", "kind"),
)

attachments = Table(
    "attachments", metadata,
    Column("id", Integer, primary_key=True),
    Column("asset_id", Integer, ForeignKey("assets.id"), nullable=False),
    Column("seq", Integer, nullable=False),  # the asset's version after the attachment (its audit row)
    Column("kind", String(32), nullable=False),  # signed_decision | receipt | photo | other
    Column("filename", String(255), nullable=False),
    Column("media_type", String(100), nullable=False),
    Column("size", BigInteger, nullable=False),
    Column("sha256", String(64), ForeignKey("blobs.sha256"), nullable=False),
    Column("attached_on", Date, nullable=False),
    Column("created_by", String(64), nullable=False),
    Column("created_at", TS, nullable=False),
    Index("ix_attachments_asset_id", "asset_id"),
)

# Search objects the migration creates outside these tables (FTS5 tables and their shadow tables on
# SQLite; trigram indexes on PostgreSQL): the schema comparison leaves names starting so alone.
UNMODELLED = ("asset_fts", "party_fts", "ix_search_")
# Functions the migration creates on PostgreSQL (the search's folding): the owner role owns them too.
FUNCTIONS = ("af_fold(text)",)


def unmodelled(name: str | None) -> bool:
    return bool(name) and name.startswith(UNMODELLED)
