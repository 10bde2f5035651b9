"""calendar stamp: a value every change to calendar_days replaces, so a step need not read the calendar

The engine read the whole of ``calendar_days`` on every step to build its working calendar.
``calendar_stamp`` holds one row whose ``stamp`` database triggers on ``calendar_days`` replace
with a new random text on every INSERT, UPDATE and DELETE (and TRUNCATE on PostgreSQL), whoever
makes the change: the administrator's commands, an import, SQL typed by hand. The step reads the
stamp in the same statement as its asset and builds the calendar again only when the stamp is one
it has not built it for (auction_flow.core.calendar). A random text rather than a counter: a
database copied, restored or made again from a template carries the stamp with the days, and two
databases never share one for different days.

A later migration that rebuilds ``calendar_days`` on SQLite (batch mode copies the table) drops
its triggers there: it must create them again (``_sqlite_triggers`` below).

Revision ID: 0025
Revises: 0024
"""
import sqlalchemy as sa
from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION calendar_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE calendar_stamp SET stamp = gen_random_uuid()::text;
    RETURN NULL;
END
$$
"""
SQLITE_NEW = "lower(hex(randomblob(16)))"
OPS = ("insert", "update", "delete")


def _sqlite_triggers() -> None:
    for o in OPS:
        op.execute(f"CREATE TRIGGER calendar_days_{o}_stamp AFTER {o.upper()} ON calendar_days FOR EACH ROW "
                   f"BEGIN UPDATE calendar_stamp SET stamp = {SQLITE_NEW}; END")


def upgrade() -> None:
    op.create_table(
        "calendar_stamp",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("stamp", sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_stamp")),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("INSERT INTO calendar_stamp (id, stamp) VALUES (1, gen_random_uuid()::text)")
        op.execute(PG_FUNCTION)
        op.execute("CREATE TRIGGER calendar_days_stamp AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON calendar_days "
                   "FOR EACH STATEMENT EXECUTE FUNCTION calendar_changed()")
    else:
        op.execute(f"INSERT INTO calendar_stamp (id, stamp) VALUES (1, {SQLITE_NEW})")
        _sqlite_triggers()


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS calendar_days_stamp ON calendar_days")
        op.execute("DROP FUNCTION IF EXISTS calendar_changed()")
    else:
        for o in OPS:
            op.execute(f"DROP TRIGGER IF EXISTS calendar_days_{o}_stamp")
    op.drop_table("calendar_stamp")
