"""publication: staff-approved public descriptions and photos, and visitors' "me too"

Revision ID: 0018
Revises: 0016
Create Date: 2026-12-01 05:00:00

A hazard is shown on the public page (/hazards) with its description only once staff have
written or approved the text to publish (people write names and phone numbers into
descriptions), and with a photo only once staff have published that photo.
"""

from alembic import op
import sqlalchemy as sa
import models.base


revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('public_description', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('public_approved_at', models.base.UTCDateTime(),
                                      nullable=True))
        batch_op.add_column(sa.Column('public_approved_by', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('me_too', sa.Integer(), server_default='0',
                                      nullable=False))
        batch_op.create_foreign_key(batch_op.f('fk_reports_public_approved_by_users'),
                                    'users', ['public_approved_by'], ['id'])
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('public', sa.Boolean(), server_default=sa.text('false'),
                                      nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.drop_column('public')
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_reports_public_approved_by_users'),
                                 type_='foreignkey')
        batch_op.drop_column('me_too')
        batch_op.drop_column('public_approved_by')
        batch_op.drop_column('public_approved_at')
        batch_op.drop_column('public_description')
