"""redundancy groups in the dependency model

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 21:53:03.182121

A component's dependency edges may belong to one of its redundancy groups
(``component_dependencies.group_position``); the group's ``need`` and its
``[[redundancy]]`` name live in ``component_redundancy_groups``. Existing
edges get NULL: they stay plain hard dependencies, as before.
"""
from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('component_redundancy_groups',
    sa.Column('component_id', sa.String(length=100), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('need', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=True),
    sa.ForeignKeyConstraint(['component_id'], ['components.id'], name=op.f('fk_component_redundancy_groups_component_id_components'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('component_id', 'position', name=op.f('pk_component_redundancy_groups'))
    )
    with op.batch_alter_table('component_dependencies', schema=None) as batch_op:
        batch_op.add_column(sa.Column('group_position', sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('component_dependencies', schema=None) as batch_op:
        batch_op.drop_column('group_position')

    op.drop_table('component_redundancy_groups')
