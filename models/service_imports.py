"""CSV import of the service directory: `name,provider,municipality,needs,phone,address,hours,
languages` (an `email` column may follow), one service a row, refused rows named.

A service is the same service when its name (case and diacritics aside) and municipality are:
importing a file again updates those rows and adds the others. An import never reactivates a
service deactivated in the dashboard.
"""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.geo import Municipality
from models.imports import (
    ImportResult,
    MunicipalityIndex,
    Outcome,
    Progress,
    RowProblem,
    _phone,
    _run,
    _set,
    _text,
)
from models.services import NEEDS, SERVICE_LANGUAGES, Service
from routing.text import fold

SERVICE_COLUMNS = ("name", "provider", "municipality", "needs", "phone", "address", "hours",
                   "languages")
# Language names people write in the languages column, beside the codes.
LANGUAGE_NAMES = {
    "shqip": "sq", "albanian": "sq", "albanski": "sq", "shqipe": "sq",
    "serbisht": "sr", "serbian": "sr", "srpski": "sr",
    "anglisht": "en", "english": "en", "engleski": "en",
    "turqisht": "tr", "turkish": "tr", "turski": "tr",
    "boshnjakisht": "bs", "bosnian": "bs", "bosanski": "bs",
    "romisht": "rom", "romani": "rom", "romski": "rom",
}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
_SEPARATORS = re.compile(r"[;,/]")


def service_key(name: str, municipality_id: int) -> tuple[str, int]:
    """Return what makes a service the same service: its folded name and its municipality."""
    return " ".join(fold(name).split()), municipality_id


def read_needs(cell: str) -> list[str]:
    """Return the needs of a `;`-separated cell as slugs, or refuse the row naming the unknown."""
    needs: list[str] = []
    for written in (part.strip() for part in cell.split(";")):
        if not written:
            continue
        slug = fold(written).replace("-", " ").replace(" ", "_")
        if slug not in NEEDS:
            raise RowProblem("needs", f'need "{written}" is not one of: {", ".join(NEEDS)}')
        needs.append(slug)
    if not needs:
        raise RowProblem("needs", "needs is empty: name at least one, e.g. psychosocial")
    return list(dict.fromkeys(needs))


def read_languages(cell: str) -> list[str]:
    """Return the languages of a cell (codes or names, `;`-separated) as codes; may be empty."""
    codes: list[str] = []
    for written in (part.strip() for part in _SEPARATORS.split(cell)):
        if not written:
            continue
        code = LANGUAGE_NAMES.get(fold(written), fold(written))
        if code not in SERVICE_LANGUAGES:
            raise RowProblem("languages", f'language "{written}" is not one of: '
                             f'{", ".join(SERVICE_LANGUAGES)}')
        codes.append(code)
    return list(dict.fromkeys(codes))


def service_fields(row: dict[str, str], muni: Municipality) -> dict[str, object]:
    """Validate a service row (its municipality already found) and return its values."""
    phone = _phone(row, "phone", muni.country) if row.get("phone", "").strip() else None
    email = _text(row, "email", 254, required=False) or None
    if email is not None and not _EMAIL.match(email):
        raise RowProblem("email", f'email "{email}" is not an e-mail address')
    address = " ".join(_text(row, "address", 200, required=False).split())
    if phone is None and not address:
        raise RowProblem("phone", "no phone and no address: nobody could reach the service")
    values: dict[str, object] = {
        "provider": " ".join(_text(row, "provider", 160, required=False).split()),
        "needs": read_needs(row.get("needs", "")), "phone": phone, "address": address,
        "hours": " ".join(_text(row, "hours", 120, required=False).split()),
        "languages": read_languages(row.get("languages", "")),
    }
    if "email" in row:  # a file without the column leaves the e-mail set in the dashboard
        values["email"] = email
    return values


def import_services(session: Session, path: str | Path, progress: Progress | None = None,
                    updated_by: str = "sinjalizo import") -> ImportResult:
    """Add or update services, keyed by name and municipality, from a CSV file."""
    index = MunicipalityIndex.load(session)
    services = {service_key(s.name, s.municipality_id): s
                for s in session.scalars(select(Service))}

    def handle(row: dict[str, str]) -> Outcome:
        """Validate one service row and upsert it."""
        name = " ".join(_text(row, "name", 160).split())
        muni = index.find(_text(row, "municipality", 80))
        values = {"name": name, **service_fields(row, muni)}
        key = service_key(name, muni.id)
        service = services.get(key)
        if service is None:
            services[key] = Service(municipality=muni, updated_by=updated_by, active=True,
                                    **values)
            session.add(services[key])
            return "added"
        if not _set(service, values):
            return "unchanged"
        service.updated_by = updated_by
        return "updated"

    result = _run(path, SERVICE_COLUMNS, handle, progress)
    session.flush()
    return result
