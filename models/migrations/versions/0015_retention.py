"""retention: periodic runs, questions whose person was removed, processed messages by age

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01 03:00:00
"""

from alembic import op
import sqlalchemy as sa
import models.base


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('periodic_runs',
    sa.Column('name', sa.String(length=32), nullable=False),
    sa.Column('last_run_at', models.base.UTCDateTime(), nullable=True),
    sa.Column('result', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_periodic_runs'))
    )
    with op.batch_alter_table('reporter_questions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('identity_removed', sa.Boolean(),
                                      server_default=sa.text('false'), nullable=False))
    with op.batch_alter_table('processed_inbound', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_processed_inbound_received_at'), ['received_at'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('processed_inbound', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_processed_inbound_received_at'))
    with op.batch_alter_table('reporter_questions', schema=None) as batch_op:
        batch_op.drop_column('identity_removed')
    op.drop_table('periodic_runs')
