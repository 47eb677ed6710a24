"""post-mortem record and key moments

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 21:48:57.127381

What a post-mortem needs besides root cause and follow-ups: six free-text
fields on the incident header, two more written for the affected customers
(existing incidents get empty text), and the
timeline events starred as key moments for the report, kept beside the
append-only timeline rather than in it. See ``noc_app/postmortem/record.py``.
"""
from alembic import op
import sqlalchemy as sa
import noc_app.storage.base

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('incident_key_moments',
    sa.Column('incident_id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('marked_by', sa.String(length=200), nullable=False),
    sa.Column('marked_at', noc_app.storage.base.UtcDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['timeline_events.id'], name=op.f('fk_incident_key_moments_event_id_timeline_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['incident_id'], ['incidents.id'], name=op.f('fk_incident_key_moments_incident_id_incidents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('incident_id', 'event_id', name=op.f('pk_incident_key_moments'))
    )
    with op.batch_alter_table('incidents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('summary', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('triggered_by', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('went_well', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('went_wrong', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('got_lucky', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('lessons_learned', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('customer_summary', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('customer_prevention', sa.Text(), server_default='', nullable=False))



def downgrade() -> None:
    with op.batch_alter_table('incidents', schema=None) as batch_op:
        batch_op.drop_column('customer_prevention')
        batch_op.drop_column('customer_summary')
        batch_op.drop_column('lessons_learned')
        batch_op.drop_column('got_lucky')
        batch_op.drop_column('went_wrong')
        batch_op.drop_column('went_well')
        batch_op.drop_column('triggered_by')
        batch_op.drop_column('summary')

    op.drop_table('incident_key_moments')
