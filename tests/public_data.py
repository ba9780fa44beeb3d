"""Reports for the public-page tests: public hazards beside what must never be published.

Every reporter here leaves distinctive traces (a phone, a Telegram chat id, a name and a phone
number typed into the description), listed in SECRETS: no public response may contain any.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from models import Attachment, Contact, Municipality, Report, ReportRoute
from models.db import Database

NOW = datetime.now(UTC).replace(microsecond=0)
PHONE = "+38349777123"
CHAT_ID = "918273645"
NAME = "Besnik Zymberaj"
TYPED_PHONE = "049 555 861"
PRIVATE_WORDS = f"Pusa e hapur, më thirrni {NAME} {TYPED_PHONE}"
CHILD_WORDS = "Fëmija Ardit Qorraj rreh çdo natë"
DROPOUT_PUPIL = "QZ"
PRIVATE_FILE = "private-file-id-771"
PUBLIC_FILE = "public-file-id-552"
APPROVED = "Pusetë pa kapak pranë shkollës, rrezik për fëmijët."
SECRETS = (PHONE, PHONE[1:], CHAT_ID, NAME, TYPED_PHONE, "Zymberaj", "Qorraj", PRIVATE_FILE,
           PUBLIC_FILE, "Rruga e Dëshmorëve 14")


@dataclass(frozen=True)
class Seeded:
    """The references of what was stored, and the published photo's id."""

    approved: str  # open, Drenas, approved text and one published photo
    plain: str  # open, Prizren, nothing approved
    resolved: str  # resolved a week ago, Drenas
    stale: str  # resolved two months ago: no longer public
    duplicate: str  # closed as a duplicate: not public
    simulated: str
    child: str
    dropout: str
    public_photo: int
    private_photo: int


def seed_public(db: Database) -> Seeded:
    """Store the hazards, child and dropout reports the public tests look at."""
    with db.transaction() as session:
        places = {m.name_sq: m for m in session.scalars(select(Municipality).where(
            Municipality.name_sq.in_(("Drenas", "Prizren"))))}
        phone = Contact(channel="sms", address=PHONE, language="sq")
        telegram = Contact(channel="telegram", address=CHAT_ID, language="sq")
        session.add_all([phone, telegram])
        session.flush()

        def report(reference: str, *, kind: str = "hazard", category: str = "open_pit",
                   place: str = "Drenas", status: str = "routed", days: int = 1,
                   **fields: Any) -> Report:
            made = Report(
                reference=reference, kind=kind, category=category, status=status,
                municipality_id=places[place].id, channel="sms", language="sq",
                reporter_contact_id=(phone if days % 2 else telegram).id,
                place_text="Rruga e Dëshmorëve 14",
                settlement="Komoran" if place == "Drenas" else None,
                latitude=42.6254321 if place == "Drenas" else 42.2139876,
                longitude=20.8934567 if place == "Drenas" else 20.7397123, location="pin",
                created_at=NOW - timedelta(days=days), updated_at=NOW - timedelta(days=days),
                **{"description": PRIVATE_WORDS, **fields})
            session.add(made)
            return made

        approved = report("PUB0001", public_description=APPROVED, public_approved_at=NOW,
                          me_too=2, confirmations=1)
        plain = report("PUB0002", place="Prizren", category="stray_dogs", days=2)
        report("PUB0003", status="resolved", days=9, resolved_at=NOW - timedelta(days=7))
        report("PUB0004", status="resolved", days=90, resolved_at=NOW - timedelta(days=60),
               public_description=APPROVED)
        report("PUB0005", status="closed", close_reason="duplicate", days=3,
               resolved_at=NOW - timedelta(days=1))
        report("PUB0006", simulated=True)
        child = report("PUB0007", kind="child_at_risk", category="violence",
                       public_description=CHILD_WORDS, description=CHILD_WORDS)
        report("PUB0008", kind="dropout", category="dropout",
               public_description=DROPOUT_PUPIL, details={"pupil": DROPOUT_PUPIL})
        session.flush()
        public = Attachment(report_id=approved.id, channel="telegram", file_id=PUBLIC_FILE,
                            public=True)
        private = Attachment(report_id=plain.id, channel="telegram", file_id=PRIVATE_FILE)
        hidden = Attachment(report_id=child.id, channel="telegram", file_id="child-photo",
                            public=True)
        session.add_all([public, private, hidden])
        # Routed as the bot routes hazards, so each municipality's focal point holds its own.
        session.add_all([ReportRoute(report_id=r.id, role="public_services")
                         for r in (approved, plain)])
        session.flush()
        return Seeded("PUB0001", "PUB0002", "PUB0003", "PUB0004", "PUB0005", "PUB0006",
                      "PUB0007", "PUB0008", public.id, private.id)
