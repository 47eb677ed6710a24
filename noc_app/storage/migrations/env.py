"""Alembic environment: runs against the connection handed over by ``migrate.py``."""

from __future__ import annotations

from alembic import context

from noc_app.storage.models import Base

config = context.config
target_metadata = Base.metadata


def _render_item(type_, obj, autogen_context):
    # Render our UtcDateTime as itself so migrations keep the UTC contract.
    if type_ == "type" and obj.__class__.__module__ == "noc_app.storage.base":
        autogen_context.imports.add("import noc_app.storage.base")
        return f"noc_app.storage.base.{obj.__class__.__name__}()"
    return False


def run_migrations_online() -> None:
    connection = config.attributes["connection"]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        render_item=_render_item,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("offline migrations are not supported; run: python main.py db upgrade")
run_migrations_online()
