"""questions relayed to reporters, and whether a resolved hazard is really fixed

Revision ID: 0012
Revises: 0009
Create Date: 2026-12-07 10:00:00
"""

from alembic import op
import sqlalchemy as sa
import models.base


revision = '0012'
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('reporter_questions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('asked_by', sa.String(length=120), nullable=False),
    sa.Column('asked_at', models.base.UTCDateTime(), nullable=False),
    sa.Column('resolved_at', models.base.UTCDateTime(), nullable=True),
    sa.Column('answer', sa.Text(), nullable=False),
    sa.Column('answered_at', models.base.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['contact_id'], ['contacts.id'], name=op.f('fk_reporter_questions_contact_id_contacts')),
    sa.ForeignKeyConstraint(['report_id'], ['reports.id'], name=op.f('fk_reporter_questions_report_id_reports')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reporter_questions'))
    )
    with op.batch_alter_table('reporter_questions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reporter_questions_contact_id'), ['contact_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reporter_questions_report_id'), ['report_id'], unique=False)
        batch_op.create_index('ix_reporter_questions_kind_resolved', ['kind', 'resolved_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('reporter_questions', schema=None) as batch_op:
        batch_op.drop_index('ix_reporter_questions_kind_resolved')
        batch_op.drop_index(batch_op.f('ix_reporter_questions_report_id'))
        batch_op.drop_index(batch_op.f('ix_reporter_questions_contact_id'))

    op.drop_table('reporter_questions')
