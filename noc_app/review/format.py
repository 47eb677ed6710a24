"""The bundle file format: one SQLite file, plain tables, a manifest and a content checksum.

Why SQLite: a reviewer gets one file that any SQLite tool can open, with
tables named after what they hold. Why plain tables of its own, not the app's
schema: a bundle must stay readable by later versions of the app whatever
migrations do to the live schema, so it has its own small, versioned format.

Layout (``FORMAT_VERSION`` 1):

* ``manifest(key, value)``: ``format_version``, ``app_version``, ``created_at``,
  ``incident_id``, ``window_start``, ``window_end``, ``source`` (the backend,
  never a URL: it may hold a password) and ``content_sha256``;
* row tables (timestamps as ISO 8601 UTC text, lists and dicts as JSON):
  ``incident`` (one row: every header column, roles, customers, participants),
  ``timeline``, ``notifications``, ``escalation_pages``, ``follow_ups``,
  ``status_page``, ``changes``, ``kb_articles``, the topology as it was
  (``components``, ``dependencies`` with their ``redundancy_groups``, ``checks``, ``customers``,
  ``customer_components``, ``tiers``, ``people``, ``maintenance``), the check
  state at the window start (``initial_states``) and every confirmed
  ``transitions`` row of the window;
* ``series``: raw samples, one row per check, as little-endian column arrays
  (epoch seconds, status code, latency, HTTP status) plus the error texts;
  ``rollups``: minute/hour rollups the same way. Columns, not a row per sample:
  a 6-hour incident has hundreds of thousands of samples, and as arrays they
  are small, load at memory speed and hash in milliseconds.

The checksum is SHA-256 over the content, not the file: every table except
the manifest, in name order, its rows in rowid order by their values (see
``content_sha256``). So the manifest can live in the same file, and a copy
made with SQLite's own tools (``.backup``, ``VACUUM``) still verifies.
"""

from __future__ import annotations

import hashlib
import sqlite3

FORMAT_VERSION = 1
MAGIC = b"SQLite format 3\x00"
APPLICATION_ID = 0x5647_4E43  # "VGNC" in the SQLite header: a bundle says what it is


class BundleError(ValueError):
    """A bundle that cannot be used; the message is the one line to print."""


SCHEMA = """
CREATE TABLE manifest (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE incident (id INTEGER PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE timeline (id INTEGER PRIMARY KEY, at TEXT NOT NULL, author TEXT, kind TEXT,
                       summary TEXT, data TEXT);
CREATE TABLE notifications (id INTEGER PRIMARY KEY, sent_at TEXT, audience TEXT, channel TEXT,
                            recipient TEXT, customer_id TEXT, template_id TEXT, template_kind TEXT,
                            subject TEXT,
                            body TEXT, ok INTEGER, error TEXT);
CREATE TABLE escalation_pages (id INTEGER PRIMARY KEY, policy_id TEXT, level INTEGER,
                               person_id TEXT, paged_at TEXT, acknowledged_at TEXT);
CREATE TABLE follow_ups (id INTEGER PRIMARY KEY, description TEXT, owner_id TEXT, due_at TEXT,
                         done_at TEXT);
CREATE TABLE status_page (id INTEGER PRIMARY KEY, service_group TEXT, state TEXT, message TEXT,
                          at TEXT, incident_id INTEGER, author TEXT, incident_status TEXT,
                          components TEXT, title TEXT);
CREATE TABLE changes (id TEXT PRIMARY KEY, summary TEXT, at TEXT, author TEXT, source TEXT,
                      components TEXT);
CREATE TABLE kb_articles (id TEXT PRIMARY KEY, title TEXT, symptoms TEXT, solution TEXT,
                          script TEXT, components TEXT);
CREATE TABLE components (id TEXT PRIMARY KEY, name TEXT, group_name TEXT, team_id TEXT, kind TEXT,
                         criticality TEXT, description TEXT, neighbourhood INTEGER);
CREATE TABLE dependencies (component_id TEXT, depends_on_id TEXT, group_position INTEGER);
CREATE TABLE redundancy_groups (component_id TEXT, position INTEGER, need INTEGER, name TEXT,
                                PRIMARY KEY (component_id, position));
CREATE TABLE checks (key TEXT PRIMARY KEY, component_id TEXT, kind TEXT, target TEXT,
                     interval_s REAL);
CREATE TABLE customers (id TEXT PRIMARY KEY, name TEXT, tier TEXT, timezone TEXT,
                        business_start TEXT, business_end TEXT, business_days TEXT,
                        account_manager TEXT, partner INTEGER);
CREATE TABLE customer_components (customer_id TEXT, component_id TEXT, criticality TEXT);
CREATE TABLE tiers (name TEXT PRIMARY KEY, weight REAL);
CREATE TABLE people (id TEXT PRIMARY KEY, name TEXT, team_id TEXT);
CREATE TABLE maintenance (id TEXT PRIMARY KEY, starts_at TEXT, ends_at TEXT, reason TEXT,
                          components TEXT);
CREATE TABLE initial_states (check_key TEXT PRIMARY KEY, status TEXT, since TEXT, reason TEXT);
CREATE TABLE transitions (id INTEGER PRIMARY KEY, check_key TEXT, component_id TEXT, at TEXT,
                          from_status TEXT, to_status TEXT, reason TEXT, flapping INTEGER);
CREATE TABLE series (check_key TEXT PRIMARY KEY, n INTEGER, at BLOB, status BLOB, latency BLOB,
                     http BLOB, errors TEXT);
CREATE TABLE rollups (check_key TEXT, resolution INTEGER, n INTEGER, bucket BLOB, count BLOB,
                      failures BLOB, latency_min BLOB, latency_avg BLOB, latency_p95 BLOB,
                      latency_max BLOB, PRIMARY KEY (check_key, resolution));
"""

#: Every table but the manifest: what the checksum covers, in this order.
CONTENT_TABLES = tuple(sorted(
    line.split()[2] for line in SCHEMA.splitlines()
    if line.startswith("CREATE TABLE") and line.split()[2] != "manifest"))

#: Status codes in the sample arrays.
STATUS_CODES = {"OK": 0, "DEGRADED": 1, "DOWN": 2, "UNKNOWN": 3, "MAINTENANCE": 4}
STATUS_NAMES = {code: name for name, code in STATUS_CODES.items()}


#: Tables holding column arrays: their blobs are hashed as raw bytes (a repr would be 4x the size).
BLOB_TABLES = frozenset({"series", "rollups"})


def content_sha256(conn: sqlite3.Connection) -> str:
    """SHA-256 over every content table's rows, as SQLite holds them.

    A row table is hashed as the ``repr`` of its rows (exact for text, integers,
    floats and NULL), a table at a time; the array tables value by value, blobs as
    their bytes.
    """
    digest = hashlib.sha256()
    for table in CONTENT_TABLES:
        digest.update(f"\x1e{table}\x1f".encode())
        cursor = conn.execute(f"SELECT * FROM {table} ORDER BY rowid")  # noqa: S608 - fixed names
        if table not in BLOB_TABLES:
            digest.update(repr(cursor.fetchall()).encode())
            continue
        for row in cursor:
            for value in row:
                if isinstance(value, bytes):
                    digest.update(b"B%d:" % len(value))
                    digest.update(value)
                else:
                    digest.update(repr(value).encode())
                digest.update(b"\x1f")
            digest.update(b"\x1e")
    return digest.hexdigest()
