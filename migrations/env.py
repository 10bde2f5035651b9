"""Alembic environment: the URL comes from auction_flow (config.attributes['url'])."""

from alembic import context

from auction_flow.storage.db import get_engine
from auction_flow.storage.schema import metadata, unmodelled

config = context.config


def run_migrations_online() -> None:
    url = config.attributes.get("url") or config.get_main_option("sqlalchemy.url")
    engine = get_engine(url)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=metadata,
                          render_as_batch=connection.dialect.name == "sqlite",
                          # the search objects (FTS5 tables, trigram indexes) are kept by migration 0009 alone
                          include_name=lambda name, type_, parents: not unmodelled(name))
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


if context.is_offline_mode():
    raise SystemExit("offline migrations are not supported; run `auction-flow db upgrade`")
run_migrations_online()
