"""The database refuses to rewrite the timeline: triggers against UPDATE and DELETE.

Shared by the migrations that create the table and by any that rebuild it
(SQLite's batch mode copies a table and drops the original, and its
triggers with it).
"""

from __future__ import annotations


def forbid_timeline_rewrites(op) -> None:
    for statement in append_only_statements(op.get_bind().dialect.name):
        op.execute(statement)


def append_only_statements(dialect: str) -> list[str]:
    """The triggers (and PostgreSQL's function) that refuse UPDATE and DELETE on the timeline.

    Also run on a new database, which gets its schema without the migrations (``fresh_schema.py``).
    """
    # The timeline is evidence: the database itself refuses UPDATE and DELETE,
    # whatever client or bug tries it.
    if dialect == "postgresql":
        return [
            "CREATE FUNCTION noc_timeline_append_only() RETURNS trigger AS $$ "
            "BEGIN RAISE EXCEPTION 'timeline events are append-only'; END; $$ LANGUAGE plpgsql",
            "CREATE TRIGGER timeline_events_append_only BEFORE UPDATE OR DELETE "
            "ON timeline_events FOR EACH ROW EXECUTE FUNCTION noc_timeline_append_only()",
        ]
    return [
        f"CREATE TRIGGER timeline_events_no_{action.lower()} BEFORE {action} "
        "ON timeline_events BEGIN "
        "SELECT RAISE(ABORT, 'timeline events are append-only'); END"
        for action in ("UPDATE", "DELETE")
    ]


def allow_timeline_rewrites(op) -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS timeline_events_append_only ON timeline_events")
        op.execute("DROP FUNCTION IF EXISTS noc_timeline_append_only()")
    else:
        op.execute("DROP TRIGGER IF EXISTS timeline_events_no_update")
        op.execute("DROP TRIGGER IF EXISTS timeline_events_no_delete")
