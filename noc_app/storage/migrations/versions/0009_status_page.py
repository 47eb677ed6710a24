"""status page: public components and Statuspage fields on updates

Revision ID: 0009
Revises: 0005
Create Date: 2026-12-01 21:47:32.698645

The public status page: ``status_page_settings`` (the topology's
``[status_page]``), ``status_page_components`` and their internal members
(``[[status_page.component]]``), so desktops without the file offer the
right public components; and on ``status_page_entries`` the Statuspage
incident status, the public components affected and the public incident
name. Old rows keep NULL there (readers fall back to ``service_group``).
"""
from alembic import op
import sqlalchemy as sa
import noc_app.storage.base

revision = '0009'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('status_page_components',
    sa.Column('id', sa.String(length=100), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('retired_at', noc_app.storage.base.UtcDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_status_page_components'))
    )
    op.create_table('status_page_settings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('url', sa.String(length=500), nullable=True),
    sa.Column('time_zone', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_status_page_settings'))
    )
    op.create_table('status_page_members',
    sa.Column('public_id', sa.String(length=100), nullable=False),
    sa.Column('component_id', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['component_id'], ['components.id'], name=op.f('fk_status_page_members_component_id_components'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['public_id'], ['status_page_components.id'], name=op.f('fk_status_page_members_public_id_status_page_components'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('public_id', 'component_id', name=op.f('pk_status_page_members'))
    )
    with op.batch_alter_table('status_page_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('incident_status', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('components', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('title', sa.String(length=300), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('status_page_entries', schema=None) as batch_op:
        batch_op.drop_column('title')
        batch_op.drop_column('components')
        batch_op.drop_column('incident_status')

    op.drop_table('status_page_members')
    op.drop_table('status_page_settings')
    op.drop_table('status_page_components')
