"""WhatsApp: when a contact last wrote, and contact points' WhatsApp numbers

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-01 05:00:00

`contacts.last_inbound_at` opens WhatsApp's 24-hour window in which free text may be sent;
outside it only approved templates go. `contact_points.whatsapp` is the E.164 number a
focal point is alerted at on WhatsApp.
"""

from alembic import op
import sqlalchemy as sa

from models.base import UTCDateTime


revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("contacts") as batch:
        batch.add_column(sa.Column("last_inbound_at", UTCDateTime(), nullable=True))
    with op.batch_alter_table("contact_points") as batch:
        batch.add_column(sa.Column("whatsapp", sa.String(length=20), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("contact_points") as batch:
        batch.drop_column("whatsapp")
    with op.batch_alter_table("contacts") as batch:
        batch.drop_column("last_inbound_at")
