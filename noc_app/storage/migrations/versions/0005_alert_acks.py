"""alert acknowledgements shared through the database

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 12:50:00.000000

One row per acknowledged problem (check + the ``at`` of the transition that
opened it), so an ack made on one workstation silences the others and
survives a restart. See ``AlertAck`` and ``noc_app/live/acks.py``.
"""
from alembic import op
import sqlalchemy as sa
import noc_app.storage.base

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('alert_acks',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('check_key', sa.String(length=120), nullable=False),
    sa.Column('problem_at', noc_app.storage.base.UtcDateTime(), nullable=False),
    sa.Column('acked_by', sa.String(length=100), nullable=False),
    sa.Column('acked_at', noc_app.storage.base.UtcDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['check_key'], ['checks.key'], name=op.f('fk_alert_acks_check_key_checks'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_alert_acks')),
    sa.UniqueConstraint('check_key', 'problem_at', name=op.f('uq_alert_acks_check_key'))
    )
    with op.batch_alter_table('alert_acks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_alert_acks_acked_at'), ['acked_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('alert_acks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_alert_acks_acked_at'))

    op.drop_table('alert_acks')
