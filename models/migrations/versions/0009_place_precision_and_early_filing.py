"""place precision, country, incomplete reports, conversations that file on expiry

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 17:30:00
"""

from alembic import op
import sqlalchemy as sa
import models.base


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('location', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('settlement', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('country', sa.String(length=2), nullable=True))
        batch_op.add_column(sa.Column('incomplete', sa.Boolean(), server_default=sa.text('false'),
                                      nullable=False))
    with op.batch_alter_table('conversation_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('expires_at', models.base.UTCDateTime(), nullable=True))
        batch_op.create_index(batch_op.f('ix_conversation_sessions_expires_at'), ['expires_at'],
                              unique=False)
    # Reports filed before this revision: a point was a pin when the report says so, else
    # a matched village's centre; the country is the municipality's.
    op.execute("""
        UPDATE reports SET location = CASE
            WHEN latitude IS NOT NULL AND json_extract(details, '$.located_by') = 'pin' THEN 'pin'
            WHEN latitude IS NOT NULL THEN 'settlement'
            WHEN municipality_id IS NOT NULL AND kind <> 'dropout' THEN 'municipality'
            ELSE NULL END
    """ if op.get_bind().dialect.name == "sqlite" else """
        UPDATE reports SET location = CASE
            WHEN latitude IS NOT NULL AND details::jsonb ->> 'located_by' = 'pin' THEN 'pin'
            WHEN latitude IS NOT NULL THEN 'settlement'
            WHEN municipality_id IS NOT NULL AND kind <> 'dropout' THEN 'municipality'
            ELSE NULL END
    """)
    op.execute("""
        UPDATE reports SET country = (SELECT municipalities.country FROM municipalities
                                      WHERE municipalities.id = reports.municipality_id)
        WHERE municipality_id IS NOT NULL
    """)


def downgrade() -> None:
    with op.batch_alter_table('conversation_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_conversation_sessions_expires_at'))
        batch_op.drop_column('expires_at')
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_column('incomplete')
        batch_op.drop_column('country')
        batch_op.drop_column('settlement')
        batch_op.drop_column('location')
