"""compact check_rollups: WITHOUT ROWID on SQLite, smallint resolution, epoch/float4 columns

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 11:40:00.000000

Minute rollups are most of the stored history (43 M rows per 1,000 checks),
so their row shape is worth a migration; every existing row is kept:

* resolution 'minute' | 'hour' becomes its width in seconds, 60 | 3600;
* SQLite: the table is rebuilt WITHOUT ROWID (each row stored once, in the
  primary-key b-tree, not in the table plus a PK index holding the key
  columns again), bucket_start becomes epoch seconds in a REAL column
  (4-6 bytes instead of 26 of ISO text) and the latencies REAL;
* PostgreSQL: the latencies become real (float4); one ALTER TABLE, so the
  table is rewritten once.

See ``CheckRollup`` and ``UtcEpochDateTime`` / ``RollupResolution`` in
``noc_app/storage/base.py``.
"""
from alembic import op
import sqlalchemy as sa
import noc_app.storage.base

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

LATENCIES = ('latency_min', 'latency_avg', 'latency_p95', 'latency_max')
TO_SECONDS = "CASE resolution WHEN 'minute' THEN 60 WHEN 'hour' THEN 3600 END"
TO_NAME = "CASE resolution WHEN 60 THEN 'minute' WHEN 3600 THEN 'hour' END"


def _sqlite_rebuild(bucket_type, resolution_type, latency_type, with_rowid: bool,
                    select_resolution: str, select_bucket: str) -> None:
    """Copy check_rollups into a table of the given shape, then swap the two.

    By hand rather than batch mode: batch mode would CAST the old values,
    but 'minute' must become 60, not CAST('minute' AS SMALLINT) = 0.
    """
    op.create_table('_check_rollups_new',
    sa.Column('check_key', sa.String(length=120), nullable=False),
    sa.Column('resolution', resolution_type, nullable=False),
    sa.Column('bucket_start', bucket_type, nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    *(sa.Column(name, latency_type, nullable=True) for name in LATENCIES),
    sa.ForeignKeyConstraint(['check_key'], ['checks.key'], name=op.f('fk_check_rollups_check_key_checks'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('check_key', 'resolution', 'bucket_start', name=op.f('pk_check_rollups')),
    sqlite_with_rowid=with_rowid,
    )
    rest = ', '.join(('count', 'failures') + LATENCIES)
    # In key order, so a WITHOUT ROWID table is filled by appends (dense pages).
    op.execute(f"INSERT INTO _check_rollups_new (check_key, resolution, bucket_start, {rest}) "
               f"SELECT check_key, {select_resolution}, {select_bucket}, {rest} FROM check_rollups "
               f"ORDER BY check_key, 2, 3")
    op.drop_table('check_rollups')
    op.rename_table('_check_rollups_new', 'check_rollups')


def upgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        # UtcDateTime stored 'YYYY-MM-DD HH:MM:SS.ffffff' (UTC): whole
        # seconds from strftime, plus the fraction as written.
        _sqlite_rebuild(sa.Float(), sa.SmallInteger(), sa.REAL(), False, TO_SECONDS,
                        "CAST(strftime('%s', bucket_start) AS INTEGER) + CAST(substr(bucket_start, 20) AS REAL)")
        return
    latencies = ', '.join(f'ALTER COLUMN {name} TYPE real' for name in LATENCIES)
    op.execute(f'ALTER TABLE check_rollups ALTER COLUMN resolution TYPE smallint USING {TO_SECONDS}, '
               f'{latencies}')


def downgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        # Bucket starts are whole minutes: whole seconds are enough on the way back.
        _sqlite_rebuild(noc_app.storage.base.UtcDateTime(), sa.String(length=6), sa.Float(), True, TO_NAME,
                        "strftime('%Y-%m-%d %H:%M:%S', bucket_start, 'unixepoch') || '.000000'")
        return
    latencies = ', '.join(f'ALTER COLUMN {name} TYPE double precision' for name in LATENCIES)
    op.execute(f'ALTER TABLE check_rollups ALTER COLUMN resolution TYPE varchar(6) USING {TO_NAME}, '
               f'{latencies}')
