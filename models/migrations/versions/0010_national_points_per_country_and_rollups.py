"""national contact points per country, monthly roll-ups for the statistics

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 10:00:00

The roll-up tables start empty: `models.migrate.upgrade` fills them after the last revision
(models.tallies.catch_up), with the code that keeps them current afterwards.
"""

from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('contact_points', schema=None) as batch_op:
        batch_op.add_column(sa.Column('country', sa.String(length=2), nullable=True))
    # A national contact point's country, where its phone tells it; the rest serve both.
    op.execute("""
        UPDATE contact_points SET country = CASE
            WHEN phone LIKE '+383%' THEN 'XK' WHEN phone LIKE '+355%' THEN 'AL' END
        WHERE municipality_id IS NULL
    """)
    # Dropouts were filed without a country, and a report moved across the border kept its.
    op.execute("""
        UPDATE reports SET country = (SELECT municipalities.country FROM municipalities
                                      WHERE municipalities.id = reports.municipality_id)
        WHERE municipality_id IS NOT NULL
    """)
    op.create_table(
        'report_tallies',
        sa.Column('report_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('month', sa.Integer(), nullable=False),
        sa.Column('municipality_id', sa.Integer(), nullable=False),
        sa.Column('country', sa.String(length=2), nullable=False),
        sa.Column('kind', sa.String(length=24), nullable=False),
        sa.Column('category', sa.String(length=32), nullable=False),
        sa.Column('urgent', sa.Boolean(), nullable=False),
        sa.Column('unrouted', sa.Boolean(), nullable=False),
        sa.Column('escalated', sa.Boolean(), nullable=False),
        sa.Column('sex', sa.String(length=16), nullable=False),
        sa.Column('age_band', sa.String(length=16), nullable=False),
        sa.Column('school_id', sa.Integer(), nullable=False),
        sa.Column('reason', sa.String(length=32), nullable=False),
        sa.Column('to_take_up', sa.Integer(), nullable=True),
        sa.Column('to_resolve', sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint('report_id', name=op.f('pk_report_tallies')),
    )
    op.create_table(
        'report_rollups',
        sa.Column('month', sa.Integer(), nullable=False),
        sa.Column('municipality_id', sa.Integer(), nullable=False),
        sa.Column('country', sa.String(length=2), nullable=False),
        sa.Column('kind', sa.String(length=24), nullable=False),
        sa.Column('dimension', sa.String(length=16), nullable=False),
        sa.Column('value', sa.String(length=32), nullable=False),
        sa.Column('reports', sa.Integer(), nullable=False),
        sa.Column('urgent', sa.Integer(), nullable=False),
        sa.Column('unrouted', sa.Integer(), nullable=False),
        sa.Column('escalated', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('month', 'municipality_id', 'country', 'kind', 'dimension',
                                'value', name=op.f('pk_report_rollups')),
    )
    op.create_table(
        'duration_rollups',
        sa.Column('month', sa.Integer(), nullable=False),
        sa.Column('country', sa.String(length=2), nullable=False),
        sa.Column('kind', sa.String(length=24), nullable=False),
        sa.Column('urgent', sa.Boolean(), nullable=False),
        sa.Column('step', sa.String(length=8), nullable=False),
        sa.Column('minutes', sa.Integer(), nullable=False),
        sa.Column('reports', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('month', 'country', 'kind', 'urgent', 'step', 'minutes',
                                name=op.f('pk_duration_rollups')),
    )


def downgrade() -> None:
    op.drop_table('duration_rollups')
    op.drop_table('report_rollups')
    op.drop_table('report_tallies')
    with op.batch_alter_table('contact_points', schema=None) as batch_op:
        batch_op.drop_column('country')
