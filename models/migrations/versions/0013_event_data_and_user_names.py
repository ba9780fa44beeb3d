"""structured data on report events, dashboard users' names

Revision ID: 0013
Revises: 0009
Create Date: 2026-12-07 10:00:00

Events written before this revision keep only their English note; the report page reads
those notes as they were written (web/event_notes.py), so nothing needs converting here.
"""

from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('report_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('data', sa.JSON(), nullable=True))
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name', sa.String(length=120), server_default='',
                                      nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('name')
    with op.batch_alter_table('report_events', schema=None) as batch_op:
        batch_op.drop_column('data')
