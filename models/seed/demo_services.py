"""A demo service directory beside the demo contact points: three services per demo place."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.geo import Municipality
from models.seed.demo import DEMO_MUNICIPALITIES, DEMO_NOTE, UPDATED_BY, demo_phone
from models.services import Service

HOURS = "E hënë–e premte 08:00–16:00"
# (name, needs, the phone's item number); "{place}" is the municipality's Albanian name.
KOSOVO = (
    ("Demo: Qendra për Punë Sociale {place}",
     ["psychosocial", "financial_aid", "shelter", "disability"], 201),
    ("Demo: Qendra e Mjekësisë Familjare {place}", ["health"], 202),
    ("Demo: Ndihmë juridike falas {place}", ["legal_aid", "violence"], 203),
)
ALBANIA = (
    ("Demo: Njësia për Mbrojtjen e Fëmijëve {place}",
     ["psychosocial", "financial_aid", "shelter", "disability"], 201),
    ("Demo: Qendra shëndetësore {place}", ["health"], 202),
    ("Demo: Ndihmë juridike falas {place}", ["legal_aid", "violence"], 203),
)


def seed_demo_services(session: Session) -> str:
    """Create the demo services that are missing; return one line saying what was done."""
    added = 0
    for index, (code, prefix) in enumerate(DEMO_MUNICIPALITIES, start=1):
        muni = session.scalar(select(Municipality).where(Municipality.code == code))
        if muni is None:
            raise LookupError(f"municipality {code} is missing; seed the municipalities first")
        for name, needs, item in KOSOVO if muni.country == "XK" else ALBANIA:
            full = name.format(place=muni.name_sq)
            if session.scalar(select(Service.id).where(
                    Service.municipality_id == muni.id, Service.name == full)) is not None:
                continue
            session.add(Service(
                name=full, provider="Demo", municipality=muni, needs=needs,
                phone=demo_phone(prefix, index, item), address=f"Demo, {muni.name_sq}",
                hours=HOURS, languages=["sq", "sr"] if muni.country == "XK" else ["sq"],
                active=True, note=DEMO_NOTE, updated_by=UPDATED_BY))
            added += 1
    session.flush()
    return f"Service directory: added {added} demo services" if added \
        else "Service directory: already present"
