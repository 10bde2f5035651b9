"""case file: parties, the papers each step issues, attachments, their bytes, and Vietnamese search

Tables: blobs (content-addressed bytes), parties, asset_parties, documents, document_counters,
document_templates, attachments.

Search, diacritics and case ignored, indexed:
* SQLite: two FTS5 tables (asset_fts over each asset's case number and description, party_fts over
  each party's name and identity number) with the unicode61 tokenizer removing diacritics
  (``remove_diacritics 2``: also letters with two marks, as Vietnamese has) and the letter đ/Đ,
  which has no decomposition, turned into d/D by the triggers that keep them. Any connection
  (sqlite3 included) keeps them right: the triggers use only SQLite's own functions.
* PostgreSQL: the extensions unaccent and pg_trgm, an IMMUTABLE ``af_fold(text)`` =
  lower(unaccent(text)) (unaccent maps đ to d), and trigram GIN indexes over af_fold of the case
  number, the case number with the description, and the party's name with its identity number. CREATE EXTENSION needs the database's owner
  (both are trusted extensions from PostgreSQL 13) or a superuser: run `auction-flow db upgrade`
  as the owner role, or have a superuser create the two extensions first.

Revision ID: 0009
Revises: 0005
"""
import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0006"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def _d(column: str) -> str:  # đ/Đ have no decomposition: the tokenizer cannot fold them itself
    return f"replace(replace({column}, 'đ', 'd'), 'Đ', 'D')"


SQLITE_UP = [
    "CREATE VIRTUAL TABLE asset_fts USING fts5(case_number, description, tokenize = 'unicode61 remove_diacritics 2')",
    "CREATE VIRTUAL TABLE party_fts USING fts5(name, id_number, tokenize = 'unicode61 remove_diacritics 2')",
    f"INSERT INTO asset_fts(rowid, case_number, description) SELECT id, {_d('case_number')}, {_d('description')} "
    "FROM assets",
    f"""CREATE TRIGGER asset_fts_insert AFTER INSERT ON assets BEGIN
        INSERT INTO asset_fts(rowid, case_number, description)
        VALUES (new.id, {_d('new.case_number')}, {_d('new.description')}); END""",
    f"""CREATE TRIGGER asset_fts_update AFTER UPDATE OF case_number, description ON assets BEGIN
        UPDATE asset_fts SET case_number = {_d('new.case_number')}, description = {_d('new.description')}
        WHERE rowid = new.id; END""",
    "CREATE TRIGGER asset_fts_delete AFTER DELETE ON assets BEGIN DELETE FROM asset_fts WHERE rowid = old.id; END",
    f"""CREATE TRIGGER party_fts_insert AFTER INSERT ON parties BEGIN
        INSERT INTO party_fts(rowid, name, id_number) VALUES (new.id, {_d('new.name')}, new.id_number); END""",
    f"""CREATE TRIGGER party_fts_update AFTER UPDATE OF name, id_number ON parties BEGIN
        UPDATE party_fts SET name = {_d('new.name')}, id_number = new.id_number WHERE rowid = new.id; END""",
    "CREATE TRIGGER party_fts_delete AFTER DELETE ON parties BEGIN DELETE FROM party_fts WHERE rowid = old.id; END",
]
SQLITE_DOWN = ["DROP TRIGGER IF EXISTS " + t for t in (
    "asset_fts_insert", "asset_fts_update", "asset_fts_delete", "party_fts_insert", "party_fts_update",
    "party_fts_delete")] + ["DROP TABLE IF EXISTS asset_fts", "DROP TABLE IF EXISTS party_fts"]

# index name -> (table, the text indexed); the search (auction_flow.features.casefile.search) uses the
# same expressions, so that the planner can use these indexes
PG_INDEXES = {"ix_search_assets_case_number": ("assets", "case_number"),
              "ix_search_assets_text": ("assets", "case_number || ' ' || description"),
              "ix_search_parties_text": ("parties", "name || ' ' || id_number")}


def _pg_up(conn):
    op.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema = dict(conn.execute(sa.text("SELECT e.extname, n.nspname FROM pg_extension e "
                                       "JOIN pg_namespace n ON n.oid = e.extnamespace "
                                       "WHERE e.extname IN ('unaccent', 'pg_trgm')")).all())
    un, trgm = schema["unaccent"], schema["pg_trgm"]
    # unaccent() is STABLE (its dictionary could change); an index needs an IMMUTABLE function, so the
    # dictionary is named explicitly here, the usual way to index unaccented text.
    op.execute(f'CREATE OR REPLACE FUNCTION af_fold(text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE '
               f'STRICT AS $$ SELECT lower("{un}".unaccent(\'"{un}".unaccent\'::regdictionary, $1)) $$')
    for name, (table, column) in PG_INDEXES.items():
        op.execute(f'CREATE INDEX {name} ON {table} USING gin (af_fold({column}) "{trgm}".gin_trgm_ops)')


def upgrade() -> None:
    op.create_table(
        "blobs",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_blobs")),
    )
    op.create_table(
        "parties",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("id_number", sa.String(length=20), nullable=False),
        sa.Column("address", sa.Text(), nullable=True),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.ForeignKeyConstraint(["office_id"], ["offices.id"], name=op.f("fk_parties_office_id_offices")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_parties")),
        sa.UniqueConstraint("id_number", name=op.f("uq_parties_id_number")),
    )
    op.create_table(
        "asset_parties",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("asset_id", sa.Integer(), nullable=False),
        sa.Column("party_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("linked_on", sa.Date(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.ForeignKeyConstraint(["asset_id"], ["assets.id"], name=op.f("fk_asset_parties_asset_id_assets")),
        sa.ForeignKeyConstraint(["party_id"], ["parties.id"], name=op.f("fk_asset_parties_party_id_parties")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_asset_parties")),
        sa.UniqueConstraint("asset_id", "party_id", "role", name=op.f("uq_asset_parties_asset_id_party_id_role")),
    )
    op.create_index("ix_asset_parties_party_id", "asset_parties", ["party_id"])
    op.create_table(
        "documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("asset_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("trigger", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("series", sa.String(length=8), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("serial", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=64), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("template_sha256", sa.String(length=64), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.ForeignKeyConstraint(["asset_id"], ["assets.id"], name=op.f("fk_documents_asset_id_assets")),
        sa.ForeignKeyConstraint(["office_id"], ["offices.id"], name=op.f("fk_documents_office_id_offices")),
        sa.ForeignKeyConstraint(["sha256"], ["blobs.sha256"], name=op.f("fk_documents_sha256_blobs")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_documents")),
        sa.UniqueConstraint("asset_id", "seq", name=op.f("uq_documents_asset_id_seq")),
        sa.UniqueConstraint("office_id", "series", "year", "serial",
                            name=op.f("uq_documents_office_id_series_year_serial")),
    )
    op.create_table(
        "document_counters",
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("series", sa.String(length=8), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["office_id"], ["offices.id"], name=op.f("fk_document_counters_office_id_offices")),
        sa.PrimaryKeyConstraint("office_id", "series", "year", name=op.f("pk_document_counters")),
    )
    op.create_table(
        "document_templates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("set_by", sa.String(length=64), nullable=False),
        sa.Column("set_at", TS, nullable=False),
        sa.ForeignKeyConstraint(["sha256"], ["blobs.sha256"], name=op.f("fk_document_templates_sha256_blobs")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_templates")),
    )
    op.create_index("ix_document_templates_kind", "document_templates", ["kind"])
    op.create_table(
        "attachments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("asset_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("attached_on", sa.Date(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.ForeignKeyConstraint(["asset_id"], ["assets.id"], name=op.f("fk_attachments_asset_id_assets")),
        sa.ForeignKeyConstraint(["sha256"], ["blobs.sha256"], name=op.f("fk_attachments_sha256_blobs")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attachments")),
    )
    op.create_index("ix_attachments_asset_id", "attachments", ["asset_id"])
    conn = op.get_bind()
    if conn.dialect.name == "sqlite":
        for statement in SQLITE_UP:
            op.execute(statement)
    elif conn.dialect.name == "postgresql":
        _pg_up(conn)


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "sqlite":
        for statement in SQLITE_DOWN:
            op.execute(statement)
    elif conn.dialect.name == "postgresql":
        for name in PG_INDEXES:
            op.execute(f"DROP INDEX IF EXISTS {name}")
        op.execute("DROP FUNCTION IF EXISTS af_fold(text)")  # the extensions stay: others may use them
    op.drop_index("ix_attachments_asset_id", table_name="attachments")
    op.drop_table("attachments")
    op.drop_index("ix_document_templates_kind", table_name="document_templates")
    op.drop_table("document_templates")
    op.drop_table("document_counters")
    op.drop_table("documents")
    op.drop_index("ix_asset_parties_party_id", table_name="asset_parties")
    op.drop_table("asset_parties")
    op.drop_table("parties")
    op.drop_table("blobs")
