"""chains: the audit log in independent chains per office joined by roots; anchors (no national lock)

The rows already written keep their whole-log links untouched (anchors taken of them stay
valid): they become the sealed chain ``legacy``, whose head is the old ``audit_head`` row, and
the first root records that head. New rows go in their office's chain (or ``admin``).

Revision ID: 0012
Revises: 0016
"""
import datetime as dt
import hashlib

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0016"
branch_labels = None
depends_on = None

GENESIS = "0" * 64
LEGACY = "legacy"
CHAIN = sa.String(40).with_variant(sa.String(40, collation="C"), "postgresql")

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$
"""
APPEND_ONLY = ("audit_roots", "audit_root_heads", "anchors")


def _root_hash(prev_hash: str, seq: int, taken_at: str, heads) -> str:
    # auction_flow.core.roots.root_hash as of this revision (kept here: a migration does not change)
    body = "\n".join(f"{chain}|{log_seq}|{link}" for chain, log_seq, link in sorted(heads))
    return hashlib.sha256(f"{prev_hash}|{seq}|{taken_at}|{body}".encode("utf-8")).hexdigest()


def upgrade() -> None:
    conn = op.get_bind()
    pg = conn.dialect.name == "postgresql"
    # every row so far is in the legacy chain: a column with a default costs no rewrite of the table
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("chain", CHAIN, nullable=False, server_default=LEGACY))
        batch_op.drop_index("uq_audit_log_log_seq")
        batch_op.create_index("uq_audit_log_chain_log_seq", ["chain", "log_seq"], unique=True)
    if pg:  # from now on every writer names the chain
        op.execute("ALTER TABLE audit_log ALTER COLUMN chain DROP DEFAULT")
    heads = op.create_table(
        "audit_heads",
        sa.Column("chain", CHAIN, nullable=False),
        sa.Column("log_seq", sa.Integer(), nullable=False),
        sa.Column("log_hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("chain", name=op.f("pk_audit_heads")),
    )
    roots = op.create_table(
        "audit_roots",
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("taken_by", sa.String(length=64), nullable=True),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_audit_roots")),
    )
    root_heads = op.create_table(
        "audit_root_heads",
        sa.Column("root_seq", sa.Integer(), nullable=False),
        sa.Column("chain", CHAIN, nullable=False),
        sa.Column("log_seq", sa.Integer(), nullable=False),
        sa.Column("log_hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["root_seq"], ["audit_roots.seq"], name=op.f("fk_audit_root_heads_root_seq_audit_roots")),
        sa.PrimaryKeyConstraint("root_seq", "chain", name=op.f("pk_audit_root_heads")),
    )
    with op.batch_alter_table("audit_root_heads", schema=None) as batch_op:
        batch_op.create_index("ix_audit_root_heads_chain_log_seq_root_seq", ["chain", "log_seq", "root_seq"],
                              unique=False)
    op.create_table(
        "anchors",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("root_seq", sa.Integer(), nullable=False),
        sa.Column("root_hash", sa.String(length=64), nullable=False),
        sa.Column("taken_by", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_anchors")),
    )
    # seal the legacy log: its head becomes the legacy chain's, and the first root records it
    old = sa.table("audit_head", sa.column("id"), sa.column("log_seq"), sa.column("log_hash"))
    head = conn.execute(sa.select(old.c.log_seq, old.c.log_hash).where(old.c.id == 1)).first()
    if head is not None and head.log_seq > 0:
        taken_at = dt.datetime.now(dt.timezone.utc)
        text = taken_at.replace(tzinfo=None).isoformat(timespec="microseconds")
        op.bulk_insert(heads, [{"chain": LEGACY, "log_seq": head.log_seq, "log_hash": head.log_hash}])
        op.bulk_insert(roots, [{"seq": 1, "taken_at": taken_at, "source": "migration", "taken_by": None,
                                "prev_hash": GENESIS,
                                "hash": _root_hash(GENESIS, 1, text, [(LEGACY, head.log_seq, head.log_hash)])}])
        op.bulk_insert(root_heads, [{"root_seq": 1, "chain": LEGACY, "log_seq": head.log_seq,
                                     "log_hash": head.log_hash}])
    op.drop_table("audit_head")
    if pg:
        op.execute(PG_FUNCTION)
        for table in APPEND_ONLY:
            op.execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                       "FOR EACH ROW EXECUTE FUNCTION append_only()")
            op.execute(f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                       "FOR EACH STATEMENT EXECUTE FUNCTION append_only()")


def _relink(conn, start_seq: int, start_link: str) -> tuple[int, str]:
    """Downgrade: the rows of the per-office chains join the whole log after the legacy rows, in id
    order, linked as revision 0003 links (the old code knows no other chain)."""
    from auction_flow.core.audit import log_hash

    log = sa.table("audit_log", sa.column("id"), sa.column("hash"), sa.column("actor_office"),
                   sa.column("chain"), sa.column("log_seq"), sa.column("log_prev_hash"), sa.column("log_hash"))
    seq, prev, last_id = start_seq, start_link, 0
    while True:
        batch = conn.execute(sa.select(log.c.id, log.c.hash, log.c.actor_office)
                             .where(log.c.chain != LEGACY, log.c.id > last_id).order_by(log.c.id).limit(5000)).all()
        if not batch:
            return seq, prev
        for row in batch:
            seq += 1
            prev_link, prev = prev, log_hash(prev, seq, row.hash, row.actor_office)
            conn.execute(sa.update(log).where(log.c.id == row.id).values(
                chain=LEGACY, log_seq=-seq, log_prev_hash=prev_link, log_hash=prev))
            last_id = row.id


def downgrade() -> None:
    conn = op.get_bind()
    pg = conn.dialect.name == "postgresql"
    if pg:
        for table in APPEND_ONLY:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        op.execute("DROP FUNCTION IF EXISTS append_only()")
        op.execute("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only")
    heads = sa.table("audit_heads", sa.column("chain"), sa.column("log_seq"), sa.column("log_hash"))
    legacy = conn.execute(sa.select(heads.c.log_seq, heads.c.log_hash).where(heads.c.chain == LEGACY)).first()
    seq, link = _relink(conn, *(tuple(legacy) if legacy else (0, GENESIS)))
    conn.execute(sa.text("UPDATE audit_log SET log_seq = -log_seq WHERE log_seq < 0"))
    if pg:
        op.execute("ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only")
    head = op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("log_seq", sa.Integer(), nullable=False),
        sa.Column("log_hash", sa.String(length=64), nullable=False),
        sa.Column("claims", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_head")),
    )
    op.bulk_insert(head, [{"id": 1, "log_seq": seq, "log_hash": link, "claims": 0}])
    op.drop_table("anchors")
    with op.batch_alter_table("audit_root_heads", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_root_heads_chain_log_seq_root_seq")
    op.drop_table("audit_root_heads")
    op.drop_table("audit_roots")
    op.drop_table("audit_heads")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index("uq_audit_log_chain_log_seq")
        batch_op.create_index("uq_audit_log_log_seq", ["log_seq"], unique=True)
        batch_op.drop_column("chain")
