"""The one MetaData every table is defined on, with the naming convention of constraints."""

from __future__ import annotations

from sqlalchemy import DateTime, MetaData, String

metadata = MetaData(naming_convention={
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
})

TS = DateTime(timezone=True)

# A chain of the audit log's name: "office:" and an office code (32), "admin", "legacy". Compared
# byte by byte on PostgreSQL too ("C"), so the database's order is the order audit verify merges in.
CHAIN = String(40).with_variant(String(40, collation="C"), "postgresql")
