"""supervision: whole-log audit chain, audit_head, complaints, append-only audit_log on PostgreSQL

Revision ID: 0003
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

GENESIS = "0" * 64

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$
"""
PG_TRIGGERS = (
    "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
    "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()",
    "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()",
)


def _backfill(conn) -> tuple[int, str]:
    """Chain the rows written before this revision, in id order; return the new head."""
    from auction_flow.core.audit import log_hash

    log = sa.table("audit_log", sa.column("id"), sa.column("actor"), sa.column("hash"),
                   sa.column("actor_office"), sa.column("log_seq"), sa.column("log_prev_hash"),
                   sa.column("log_hash"))
    users = sa.table("users", sa.column("username"), sa.column("office_id"))
    offices = sa.table("offices", sa.column("id"), sa.column("code"))
    office_of = dict(conn.execute(sa.select(users.c.username, offices.c.code)
                                  .join(offices, offices.c.id == users.c.office_id)).all())
    seq, prev, last_id = 0, GENESIS, 0
    while True:
        batch = conn.execute(sa.select(log.c.id, log.c.actor, log.c.hash).where(log.c.id > last_id)
                             .order_by(log.c.id).limit(5000)).all()
        if not batch:
            return seq, prev
        for row in batch:
            seq += 1
            office = office_of.get(row.actor)
            prev_link, prev = prev, log_hash(prev, seq, row.hash, office)
            conn.execute(sa.update(log).where(log.c.id == row.id).values(
                actor_office=office, log_seq=seq, log_prev_hash=prev_link, log_hash=prev))
            last_id = row.id


def upgrade() -> None:
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("actor_office", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("log_seq", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("log_prev_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("log_hash", sa.String(length=64), nullable=True))
    head = op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("log_seq", sa.Integer(), nullable=False),
        sa.Column("log_hash", sa.String(length=64), nullable=False),
        sa.Column("claims", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_head")),
    )
    conn = op.get_bind()
    seq, last = _backfill(conn)
    op.bulk_insert(head, [{"id": 1, "log_seq": seq, "log_hash": last, "claims": 0}])
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index("uq_audit_log_log_seq", ["log_seq"], unique=True)

    op.create_table(
        "complaints",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("asset_id", sa.Integer(), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("level", sa.String(length=8), nullable=False),
        sa.Column("coercion", sa.Boolean(), nullable=False),
        sa.Column("complex", sa.Boolean(), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("complainant", sa.String(length=200), nullable=False),
        sa.Column("about", sa.Text(), nullable=False),
        sa.Column("asset_state", sa.String(length=32), nullable=False),
        sa.Column("after_cancellation", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("accept_due", sa.Date(), nullable=False),
        sa.Column("accept_basis", sa.Text(), nullable=False),
        sa.Column("accepted_on", sa.Date(), nullable=True),
        sa.Column("resolve_due", sa.Date(), nullable=True),
        sa.Column("resolve_basis", sa.Text(), nullable=True),
        sa.Column("resolved_on", sa.Date(), nullable=True),
        sa.Column("outcome", sa.Text(), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["asset_id"], ["assets.id"], name=op.f("fk_complaints_asset_id_assets")),
        sa.ForeignKeyConstraint(["office_id"], ["offices.id"], name=op.f("fk_complaints_office_id_offices")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaints")),
    )
    with op.batch_alter_table("complaints", schema=None) as batch_op:
        batch_op.create_index("ix_complaints_asset", ["asset_id"], unique=False)
        batch_op.create_index("ix_complaints_status", ["status"], unique=False)

    if conn.dialect.name == "postgresql":
        op.execute(PG_FUNCTION)
        for statement in PG_TRIGGERS:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log")
        op.execute("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS audit_log_append_only()")
    with op.batch_alter_table("complaints", schema=None) as batch_op:
        batch_op.drop_index("ix_complaints_status")
        batch_op.drop_index("ix_complaints_asset")
    op.drop_table("complaints")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index("uq_audit_log_log_seq")
        batch_op.drop_column("log_hash")
        batch_op.drop_column("log_prev_hash")
        batch_op.drop_column("log_seq")
        batch_op.drop_column("actor_office")
    op.drop_table("audit_head")
