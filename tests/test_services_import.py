"""The service directory's CSV import: good rows land, bad rows are named, a re-import updates."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import select

from models import Municipality
from models.db import Database
from models.service_imports import import_services
from models.services import Service
from sinjalizo.cli import main
from tests.service_data import BAD_ROWS, SERVICES_CSV


def write(folder: Path, text: str) -> Path:
    """Write a CSV file and return its path."""
    path = folder / "services.csv"
    path.write_text(text, encoding="utf-8")
    return path


def services(db: Database) -> dict[str, Service]:
    """Return every service by name."""
    with db.session() as session:
        return {s.name: s for s in session.scalars(select(Service))}


def test_good_rows_are_stored_as_people_wrote_them(db: Database, tmp_path: Path) -> None:
    """Municipalities by any name, needs and languages as slugs or words, phones in E.164."""
    with db.transaction() as session:
        result = import_services(session, write(tmp_path, SERVICES_CSV))
    assert (result.added, result.errors) == (4, [])
    found = services(db)
    labirinti = found["Qendra Labirinti"]
    with db.session() as session:
        drenas = session.scalars(select(Municipality).where(
            Municipality.name_sq == "Drenas")).one()
    assert labirinti.municipality_id == drenas.id  # written "Gllogoc"
    assert labirinti.needs == ["psychosocial", "violence"]
    assert labirinti.languages == ["sq", "sr"] and labirinti.phone == "+38344777888"
    assert labirinti.address == "Rr. Skënderbeu 12, Drenas" and labirinti.active
    legal = found["Ndihma Juridike Falas"]
    assert legal.municipality_id == drenas.id and legal.languages == ["sq"]  # "shqip"
    assert legal.phone == "+38338200100"


def test_bad_rows_are_refused_one_by_one(db: Database, tmp_path: Path) -> None:
    """Each bad row is named by its line and why; the good rows around them are kept."""
    text = SERVICES_CSV + BAD_ROWS
    with db.transaction() as session:
        result = import_services(session, write(tmp_path, text))
    assert result.added == 4
    refused = [str(e) for e in result.errors]
    assert refused == [
        "line 6: needs is empty: name at least one, e.g. psychosocial",
        'line 7: municipality "Atlantis" not found',
        'line 8: phone: "12345" is not a valid phone number (read as XK or AL)',
        'line 9: need "psychology" is not one of: psychosocial, health, education, '
        "legal_aid, shelter, financial_aid, disability, violence",
        "line 10: no phone and no address: nobody could reach the service",
        'line 11: language "klingon" is not one of: sq, sr, en, tr, bs, rom',
    ]
    assert len(services(db)) == 4


def test_reimport_updates_by_name_and_municipality(db: Database, tmp_path: Path) -> None:
    """The same file again changes nothing; a changed row updates its service, case aside."""
    with db.transaction() as session:
        import_services(session, write(tmp_path, SERVICES_CSV))
    with db.transaction() as session:
        again = import_services(session, write(tmp_path, SERVICES_CSV))
    assert (again.added, again.updated, again.unchanged) == (0, 0, 4)
    changed = SERVICES_CSV.replace("Qendra Labirinti,OJQ Labirinti,Gllogoc,psychosocial;violence",
                                   "QENDRA LABIRINTI,OJQ Labirinti,Drenas,psychosocial")
    with db.transaction() as session:
        result = import_services(session, write(tmp_path, changed))
    assert (result.added, result.updated, result.unchanged) == (0, 1, 3)
    found = services(db)
    assert len(found) == 4 and found["QENDRA LABIRINTI"].needs == ["psychosocial"]


def test_reimport_never_reactivates_a_service(db: Database, tmp_path: Path) -> None:
    """A service deactivated in the dashboard stays so when the file is imported again."""
    with db.transaction() as session:
        import_services(session, write(tmp_path, SERVICES_CSV))
        session.scalars(select(Service).where(Service.name == "Qendra Labirinti")).one()\
            .active = False
    with db.transaction() as session:
        import_services(session, write(tmp_path, SERVICES_CSV))
    assert not services(db)["Qendra Labirinti"].active


def test_cli_imports_services(database_url: str, db: Database, tmp_path: Path) -> None:
    """`sinjalizo import services FILE` prints refused rows and a summary, exit 1 on errors."""
    runner = CliRunner()
    good = runner.invoke(main, ["--database-url", database_url, "import", "services",
                                str(write(tmp_path, SERVICES_CSV))])
    assert good.exit_code == 0, good.output
    assert "services.csv: 4 added, 0 updated, 0 unchanged, 0 rows refused." in good.stdout
    bad = runner.invoke(main, ["--database-url", database_url, "import", "services",
                               str(write(tmp_path, SERVICES_CSV + BAD_ROWS))])
    assert bad.exit_code == 1
    assert 'line 7: municipality "Atlantis" not found' in bad.stderr
    assert "0 added, 0 updated, 4 unchanged, 6 rows refused" in bad.stdout


def test_seed_demo_adds_a_demo_directory_once(database_url: str, db: Database) -> None:
    """`sinjalizo seed --demo` adds three demo services in each demo place, and only once."""
    runner = CliRunner()
    first = runner.invoke(main, ["--database-url", database_url, "seed", "--demo"])
    assert first.exit_code == 0, first.output
    assert "Service directory: added 15 demo services" in first.output
    again = runner.invoke(main, ["--database-url", database_url, "seed", "--demo"])
    assert "Service directory: already present" in again.output
    found = services(db)
    assert len(found) == 15 and all(s.phone and s.needs for s in found.values())
