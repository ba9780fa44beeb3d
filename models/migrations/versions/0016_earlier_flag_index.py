"""index of reports by reporter and pupil, for a teacher's earlier flag of the same pupil

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-01 03:00:00

Each flag a teacher sends first looks for their earlier flag of the same pupil; without this
index that reads every report the teacher sent in the last two weeks. The expression is the
one service/world.py queries with (models/sql.py, folded_detail), written for each backend.
"""

from alembic import op


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

PUPIL = {
    "sqlite": "upper(replace(json_extract(details, '$.pupil'), ' ', ''))",
    "postgresql": "upper(replace(details ->> 'pupil', ' ', ''))",
}


def upgrade() -> None:
    pupil = PUPIL[op.get_bind().dialect.name]
    op.execute(f"CREATE INDEX ix_reports_reporter_pupil ON reports (reporter_contact_id, {pupil})")


def downgrade() -> None:
    op.execute("DROP INDEX ix_reports_reporter_pupil")
