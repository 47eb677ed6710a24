"""Apply and inspect Alembic migrations without an alembic.ini on disk."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


def alembic_config(engine: Engine | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


class NewerSchemaError(RuntimeError):
    """A database whose schema revision this version of the app does not know: a newer app wrote it."""

    def __init__(self, revision: str):
        head = head_revision()
        if _older_than(revision, head):
            # Below the head yet unknown: an id a development build used and no release kept
            # (0006-0008 were renumbered before release); "upgrade the app" would not help.
            message = (f"this database has schema revision {revision}, which no release of Vigil has "
                       f"(a development build wrote it; this version knows revisions up to {head}); "
                       "give --db another database, or move this one away to start a new one")
        else:
            message = (f"this database was written by a newer Vigil (revision {revision}); upgrade the app "
                       f"(this version knows revisions up to {head}), or give --db another database")
        super().__init__(message)
        self.revision = revision


def _older_than(revision: str, head: str | None) -> bool:
    """Revision ids here are zero-padded numbers (0001, 0012): compare them as numbers."""
    return head is not None and revision.isdigit() and head.isdigit() and int(revision) < int(head)


def known_revisions() -> set[str]:
    return {script.revision for script in ScriptDirectory.from_config(alembic_config()).walk_revisions()}


def refuse_newer(revision: str | None) -> None:
    """Raise ``NewerSchemaError`` for a revision no migration here has (instead of Alembic's
    "Can't locate revision", which reads like a broken install)."""
    if revision is not None and revision not in known_revisions():
        raise NewerSchemaError(revision)


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> tuple[str | None, str | None]:
    """Bring the schema to ``revision``; returns (before, after). Idempotent."""
    before = current_revision(engine)
    refuse_newer(before)
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
    return before, current_revision(engine)


def downgrade(engine: Engine, revision: str) -> None:
    """Step the schema back (developer tool; data in dropped columns is lost)."""
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def revision(engine: Engine, message: str) -> None:
    """Autogenerate a new migration from the models (developer tool)."""
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.revision(config, message=message, autogenerate=True)
