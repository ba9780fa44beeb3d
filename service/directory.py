"""The service directory read back: a municipality's services, and a service named in words."""

from __future__ import annotations

import phonenumbers
from sqlalchemy import select
from sqlalchemy.orm import Session

from handlers.types import Directory, ServiceInfo
from models import Municipality
from models.services import Service
from routing.text import fold


def active_services(session: Session, municipality_id: int | None) -> list[Service]:
    """Return a municipality's active services by name (none for a report without one)."""
    if municipality_id is None:
        return []
    services = session.scalars(select(Service).where(
        Service.municipality_id == municipality_id, Service.active))
    return sorted(services, key=lambda s: (fold(s.name), s.id))


def dialled(phone: str | None) -> str:
    """Return an E.164 number as people dial it from abroad: +383 44 123 456."""
    if not phone:
        return ""
    try:
        number = phonenumbers.parse(phone, None)
    except phonenumbers.NumberParseException:
        return phone
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def directory(session: Session, municipality_id: int, need: str | None,
              language: str) -> Directory:
    """Return the services of a municipality for a need (None: all), those speaking the
    person's language first."""
    code = session.scalar(select(Municipality.code).where(Municipality.id == municipality_id))
    found = [s for s in active_services(session, municipality_id)
             if need is None or need in (s.needs or ())]
    found.sort(key=lambda s: language not in (s.languages or ()))  # stable: names stay sorted
    return Directory(code, tuple(ServiceInfo(
        s.id, s.name, s.provider, dialled(s.phone), s.address, s.hours,
        tuple(s.languages or ()), tuple(s.needs or ())) for s in found))


def pick_service(services: list[Service],
                 words: str) -> tuple[Service | list[Service] | None, str]:
    """Find the service the words begin with (its number, or its name), and the note after.

    The number is the service's number in the directory (`#12`). A name may be shortened to
    its first words, or to one word only one name holds; several names holding it are
    returned as a list, to ask which.
    """
    said = words.split()
    if not said:
        return None, ""
    first = said[0].lstrip("#").rstrip(".,:;)")
    if first.isdigit():
        chosen = next((s for s in services if s.id == int(first)), None)
        return chosen, " ".join(said[1:])
    folded = [fold(word) for word in said]
    several: list[Service] = []
    for size in range(min(len(said), 8), 0, -1):
        head = " ".join(folded[:size])
        if size == 1 and len(head) < 4:
            break  # "te", "e": too short to name a service by
        found = [s for s in services if _holds(fold(s.name), head)]
        if len(found) == 1:
            return found[0], " ".join(said[size:])
        several = several or found
    return (several or None), ""


def _holds(name: str, phrase: str) -> bool:
    """Tell whether a folded name holds a folded phrase as whole words."""
    return f" {phrase} " in f" {name} "
