"""Is the database already at this app's schema? Answered without Alembic.

Every command starts by preparing its database (``workspace.prepare_database``),
and nearly always finds it current. Asking Alembic costs ~0.25 s of imports
(its DDL modules for every dialect, PostgreSQL's catalogue among them) and a
parse of every migration script, before anything has been done. The same
answer is one ``SELECT`` on Alembic's own ``alembic_version`` table and a
read of the ``revision = '...'`` lines of the migration files.

Only a "yes" is trusted: anything else (no version table, several rows, a
migration file this reader cannot follow) sends the caller down the Alembic
path as before, which migrates, refuses a newer database, or explains.
``tests/test_schema_version.py`` checks that this reader and Alembic agree.
"""

from __future__ import annotations

import ast
import re
from functools import lru_cache
from pathlib import Path

from sqlalchemy import Engine, inspect, text

VERSIONS_DIR = Path(__file__).with_name("migrations") / "versions"
VERSION_TABLE = "alembic_version"  # Alembic's default, which migrate.py keeps
# ``revision = '0012'`` / ``down_revision = '0011'`` as script.py.mako writes them
# (an annotation, ``revision: str = ...``, is accepted too).
_ASSIGNMENT = re.compile(r"^(revision|down_revision)\s*(?::[^=\n]*)?=\s*(.+?)\s*$", re.MULTILINE)


@lru_cache(maxsize=1)
def script_revisions() -> tuple[frozenset[str], str | None] | None:
    """(every revision, the single head) from the migration files; None when they cannot be read
    plainly (a file without both lines, a merge with several parents, several heads)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in VERSIONS_DIR.glob("*.py"):
        found = dict((name, value) for name, value in _ASSIGNMENT.findall(path.read_text(encoding="utf-8")))
        try:
            revision = ast.literal_eval(found["revision"])
            down = ast.literal_eval(found["down_revision"])
        except (KeyError, ValueError, SyntaxError):
            return None
        if not isinstance(revision, str) or not (down is None or isinstance(down, str)):
            return None
        revisions.add(revision)
        if down is not None:
            parents.add(down)
    heads = revisions - parents
    if len(heads) != 1 or not parents <= revisions:
        return None
    return frozenset(revisions), heads.pop()


def stored_revisions(engine: Engine) -> tuple[str, ...]:
    """The rows of the database's version table (none: an empty or unversioned database)."""
    with engine.connect() as connection:
        if not inspect(connection).has_table(VERSION_TABLE):
            return ()
        return tuple(connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalars())


def is_current(engine: Engine) -> bool:
    """True only when the database is certainly at the head revision of this app's migrations."""
    scripts = script_revisions()
    if scripts is None:
        return False
    _revisions, head = scripts
    return stored_revisions(engine) == (head,)
