"""outbox lanes (alerts first) and sending limits shared by every process

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-14 10:00:00

Existing rows get their lane from their purpose, as new rows do (models/messaging.py).
"""

from alembic import op
import sqlalchemy as sa


revision = '0014'
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('priority', sa.SmallInteger(), server_default='1',
                                      nullable=False))
        batch_op.drop_index('ix_outbox_status_due')
        batch_op.create_index('ix_outbox_claim', ['status', 'priority', 'due_at'], unique=False)
    op.execute("UPDATE outbox_messages SET priority = CASE "
               "WHEN purpose IN ('alert', 'escalation') THEN 0 "
               "WHEN purpose IN ('fixed_check', 'bulk') THEN 2 ELSE 1 END")
    op.create_table('rate_buckets',
    sa.Column('key', sa.String(length=160), nullable=False),
    sa.Column('interval', sa.Float(), nullable=False),
    sa.Column('tolerance', sa.Float(), nullable=False),
    sa.Column('tat', sa.Float(), nullable=False),
    sa.Column('paused_until', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_rate_buckets'))
    )


def downgrade() -> None:
    op.drop_table('rate_buckets')
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_claim')
        batch_op.create_index('ix_outbox_status_due', ['status', 'due_at'], unique=False)
        batch_op.drop_column('priority')
