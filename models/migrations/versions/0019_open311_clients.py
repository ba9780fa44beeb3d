"""Open311 API clients, each with a hashed key

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-01 05:00:00
"""

from alembic import op
import sqlalchemy as sa
import models.base


revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('api_clients',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('key_hash', sa.String(length=64), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', models.base.UTCDateTime(), nullable=False),
    sa.Column('revoked_at', models.base.UTCDateTime(), nullable=True),
    sa.Column('last_used_at', models.base.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'],
                            name=op.f('fk_api_clients_created_by_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_clients')),
    sa.UniqueConstraint('key_hash', name=op.f('uq_api_clients_key_hash')),
    sa.UniqueConstraint('name', name=op.f('uq_api_clients_name'))
    )


def downgrade() -> None:
    op.drop_table('api_clients')
