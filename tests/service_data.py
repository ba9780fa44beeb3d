"""A small service directory for tests: a CSV as coordinators write one, and a loader."""

from __future__ import annotations

from pathlib import Path

from models.db import Database
from models.service_imports import import_services

SERVICES_CSV = "\n".join((
    "name,provider,municipality,needs,phone,address,hours,languages",
    "Qendra Labirinti,OJQ Labirinti,Gllogoc,psychosocial;violence,044 777 888,"
    '"Rr. Skënderbeu 12, Drenas",E hënë–e premte 08:00–16:00,sq;sr',
    "Ndihma Juridike Falas,Agjencia për Ndihmë Juridike Falas,drenas,legal_aid,038 200 100,"
    '"Zyra e Komunës, kati 2",E mërkurë 09:00–12:00,shqip',
    "Qendra për Punë Sociale Drenas,Komuna e Drenasit,Drenas,psychosocial;financial_aid;shelter,"
    "049 123 456,Rr. Adem Jashari,E hënë–e premte 08:00–16:00,sq",
    "Strehimorja e Grave dhe Fëmijëve,Shoqata Mbrojtja,Prishtinë,shelter;violence,"
    "+383 44 111 333,,24 orë,sq;sr;en",
    "",
))
BAD_ROWS = """\
Pa nevoja,X,Drenas,,044 777 801,,,
Vendi i panjohur,X,Atlantis,health,044 777 802,,,
Telefoni i keq,X,Drenas,health,12345,,,
Nevoja e panjohur,X,Drenas,psychology,044 777 803,,,
Pa kontakt,X,Drenas,health,,,,
Gjuha e panjohur,X,Drenas,health,044 777 804,,,klingon
"""


def load_services(db: Database, folder: Path) -> None:
    """Import the test directory (Drenas: three services, Prishtinë: one)."""
    path = folder / "services.csv"
    path.write_text(SERVICES_CSV, encoding="utf-8")
    with db.transaction() as session:
        result = import_services(session, path)
    assert result.ok and result.added == 4, result.errors
