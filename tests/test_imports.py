"""CSV imports: good rows land, bad rows are named by line, and the CLI reports both."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from models.db import Database
from models.imports import (
    ImportResult,
    import_contact_points,
    import_schools,
    import_teachers,
)
from models.people import ContactPoint, School, Teacher
from sinjalizo.cli import main
from tests.conftest import SHARED_GEO

SCHOOLS = """code,name,municipality
S-1,Shkolla fillore Ismet Rraci,Drenas
S-2,Shkolla fillore Gllogoc,gllogoc
S-3,Shkolla e mesme Sami Frashëri,Prishtinë
S-4,Shkolla fillore Naim Frashëri,prishtine
S-5,Osnovna škola Ferizaj,Uroševac
S-6,Osnovna škola Ferizaj 2,Урошевац
S-7,Shkolla 9-vjeçare Berat,Bashkia Berat
"""
TEACHERS = """phone,name,school_code
044 123 456,Arta Krasniqi,S-1
+383 49 123 456,Besnik Hoxha,s-2
069 123 4567,Drita Leka,S-7
"""
CONTACT_POINTS = """\
name,role,municipality,school_code,phone,telegram_chat_id,email,escalation_order,language
QPS Drenas,child_protection,Drenas,,044 111 222,12345,qps@example.org,1,sq
Policia Drenas,police_liaison,Gllogoc,,+38345111222,,,2,
Ekipi EPRBM,dropout_team,Drenas,S-1,,,eprbm@example.org,,sq
Qendra kombëtare,national,,,,-100200300,,1,en
"""


def cli(database_url: str) -> list[str]:
    """Return the command-line prefix that runs `sinjalizo import` on `database_url`."""
    return ["--database-url", database_url, "import"]


def write(tmp_path: Path, text: str, name: str = "data.csv", bom: bool = False) -> Path:
    """Write `text` as a UTF-8 CSV file (optionally with a BOM) and return its path."""
    path = tmp_path / name
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


def messages(result: ImportResult) -> list[str]:
    """Return the refused rows as the operator reads them."""
    return [str(error) for error in result.errors]


def test_schools_match_municipalities_as_people_write_them(db: Database, tmp_path: Path) -> None:
    """Names, aliases, lower case, missing accents and Cyrillic all find the municipality."""
    with db.transaction() as session:
        result = import_schools(session, write(tmp_path, SCHOOLS))
    assert (result.added, result.updated, result.errors) == (7, 0, [])
    with db.transaction() as session:
        places = {s.code: s.municipality.code for s in session.scalars(select(School))}
    assert places == {
        "S-1": "XK-07", "S-2": "XK-07", "S-3": "XK-20", "S-4": "XK-20",
        "S-5": "XK-03", "S-6": "XK-03", "S-7": "AL-01",
    }


def test_schools_upsert_by_code(db: Database, tmp_path: Path) -> None:
    """Importing again leaves rows unchanged; a new name or place updates the row."""
    path = write(tmp_path, SCHOOLS)
    with db.transaction() as session:
        import_schools(session, path)
    with db.transaction() as session:
        again = import_schools(session, path)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 7)
    changed = write(tmp_path, "code,name,municipality\nS-1,Shkolla e re,Prizren\n", "b.csv")
    with db.transaction() as session:
        result = import_schools(session, changed)
        assert (result.added, result.updated) == (0, 1)
        school = session.scalars(select(School).where(School.code == "S-1")).one()
        assert (school.name, school.municipality.name_sq) == ("Shkolla e re", "Prizren")


def test_bad_school_rows_are_named_and_good_rows_kept(db: Database, tmp_path: Path) -> None:
    """Each bad row gives its line and reason; the good rows around it are still imported."""
    text = (
        "code,name,municipality\n"
        "S-1,Shkolla A,Drenas\n"
        ",Shkolla B,Drenas\n"
        "S-3,Shkolla C,Prishtna\n"
        "S-4,,Drenas\n"
        f"{'X' * 40},Shkolla E,Drenas\n"
        "S-6,Shkolla F,Atlantis\n"
        "S-7,Shkolla G,Prizren\n"
    )
    with db.transaction() as session:
        result = import_schools(session, write(tmp_path, text))
    assert result.added == 2
    assert messages(result) == [
        "line 3: code is empty",
        'line 4: municipality "Prishtna" not found; did you mean Prishtinë?',
        "line 5: name is empty",
        "line 6: code is longer than 32 characters",
        'line 7: municipality "Atlantis" not found',
    ]
    columns = [e.column for e in result.errors]
    assert columns == ["code", "municipality", "name", "code", "municipality"]


def test_bom_header_and_blank_lines_are_accepted(db: Database, tmp_path: Path) -> None:
    """A BOM (as Excel writes it), upper-case headers and blank lines do not get in the way."""
    text = "Code,Name,Municipality\r\nS-1,Shkolla A,Drenas\r\n\r\nS-2,Shkolla B,Tiranë\r\n"
    with db.transaction() as session:
        result = import_schools(session, write(tmp_path, text, bom=True))
    assert (result.added, result.errors) == (2, [])


def test_missing_column_or_bad_encoding_refuses_the_file(db: Database, tmp_path: Path) -> None:
    """A header without a needed column, or a file that is not UTF-8, imports nothing."""
    with db.transaction() as session:
        result = import_schools(session, write(tmp_path, "code,name\nS-1,A\n"))
        assert messages(result) == ["line 1: header lacks the column(s): municipality"]
        latin1 = tmp_path / "latin1.csv"
        latin1.write_bytes("code,name,municipality\nS-1,Shkollë,Drenas\n".encode("latin-1"))
        result = import_schools(session, latin1)
        assert result.added == 0
        assert "not UTF-8" in messages(result)[0]


def test_teachers_are_keyed_by_e164_phone(db: Database, tmp_path: Path) -> None:
    """Teachers' phones in any form are stored E.164; the same phone again is the same teacher."""
    with db.transaction() as session:
        import_schools(session, write(tmp_path, SCHOOLS, "s.csv"))
        result = import_teachers(session, write(tmp_path, TEACHERS, "t.csv"))
    assert (result.added, result.errors) == (3, [])
    moved = (
        "phone,name,school_code\n"
        "+38344123456,Arta Krasniqi,S-3\n"
        "00355691234567,Drita Leka,S-7\n"
    )
    with db.transaction() as session:
        again = import_teachers(session, write(tmp_path, moved, "t2.csv"))
        assert (again.added, again.updated, again.unchanged) == (0, 1, 1)
        phones = {t.phone: t.school.code for t in session.scalars(select(Teacher))}
    assert phones == {"+38344123456": "S-3", "+38349123456": "S-2", "+355691234567": "S-7"}


def test_bad_teacher_rows(db: Database, tmp_path: Path) -> None:
    """A bad phone, an unknown school or a missing name are refused row by row."""
    text = (
        "phone,name,school_code\n"
        "12,Arta,S-1\n"
        "044 123 456,Besa,NOPE\n"
        "044 123 457,,S-1\n"
        "044 123 458,Dren,\n"
        "044 123 459,Ermal,S-1\n"
    )
    with db.transaction() as session:
        import_schools(session, write(tmp_path, SCHOOLS, "s.csv"))
        result = import_teachers(session, write(tmp_path, text))
    assert result.added == 1
    assert messages(result) == [
        'line 2: phone: "12" is not a valid phone number (read as XK or AL)',
        'line 3: school_code "NOPE" not found; import schools first',
        "line 4: name is empty",
        "line 5: school_code is empty",
    ]


def test_contact_points_upsert_by_name_role_and_place(db: Database, tmp_path: Path) -> None:
    """Contact points land with their defaults, and a second import updates the same rows."""
    with db.transaction() as session:
        import_schools(session, write(tmp_path, SCHOOLS, "s.csv"))
        result = import_contact_points(session, write(tmp_path, CONTACT_POINTS, "c.csv"))
    assert (result.added, result.errors) == (4, [])
    with db.transaction() as session:
        points = {p.name: p for p in session.scalars(select(ContactPoint))}
        police = points["Policia Drenas"]
        assert (police.phone, police.escalation_order, police.language) == ("+38345111222", 2, "sq")
        assert police.municipality is not None and police.municipality.code == "XK-07"
        team = points["Ekipi EPRBM"]
        assert team.school is not None and team.school.code == "S-1"
        national = points["Qendra kombëtare"]
        assert (national.municipality, national.telegram_chat_id) == (None, "-100200300")
        assert points["QPS Drenas"].updated_by == "sinjalizo import"
    edited = CONTACT_POINTS.replace("044 111 222", "044 111 333")
    with db.transaction() as session:
        again = import_contact_points(session, write(tmp_path, edited, "c2.csv"), updated_by="ana")
        assert (again.added, again.updated, again.unchanged) == (0, 1, 3)
        assert session.scalar(select(func.count()).select_from(ContactPoint)) == 4
        qps = session.scalars(select(ContactPoint).where(ContactPoint.name == "QPS Drenas")).one()
        assert (qps.phone, qps.updated_by) == ("+38344111333", "ana")


@pytest.mark.parametrize(
    ("row", "error"),
    [
        ("A,boss,Drenas,,044 111 222,,,1,sq", 'role "boss" is not one of'),
        ("A,coordinator,Drenas,,044 111 222,,,1,de", 'language "de" is not one of: sq, sr, en'),
        ("A,coordinator,Drenas,,,,not-an-email,1,sq", 'email "not-an-email" is not an e-mail'),
        ("A,coordinator,Drenas,,044 111 222,,,0,sq", 'escalation_order "0" is not 1, 2, 3'),
        ("A,coordinator,Drenas,,044 111 222,,,two,sq", 'escalation_order "two"'),
        ("A,national,Drenas,,044 111 222,,,1,sq", "municipality must be empty for the national"),
        ("A,coordinator,,,044 111 222,,,1,sq", "municipality is empty"),
        ("A,coordinator,Prishtna,,044 111 222,,,1,sq", "did you mean Prishtinë?"),
        ("A,school,Prizren,S-1,044 111 222,,,1,sq", 'school_code "S-1" is not in Prizren'),
        ("A,coordinator,Drenas,,,,,1,sq", "no phone, telegram_chat_id, whatsapp or email"),
        ("A,coordinator,Drenas,,,@me,,1,sq", 'telegram_chat_id "@me" is not a number'),
        ("A,coordinator,Drenas,,044 1,,,1,sq", 'phone: "044 1" is not a valid'),
        (",coordinator,Drenas,,044 111 222,,,1,sq", "name is empty"),
    ],
)
def test_bad_contact_point_rows(db: Database, tmp_path: Path, row: str, error: str) -> None:
    """Each kind of bad contact-point row is refused with a reason; the good row still lands."""
    header = CONTACT_POINTS.splitlines()[0]
    good = "Good,coordinator,Drenas,,044 111 222,,,1,sq"
    with db.transaction() as session:
        import_schools(session, write(tmp_path, SCHOOLS, "s.csv"))
        result = import_contact_points(session, write(tmp_path, f"{header}\n{row}\n{good}\n"))
    assert result.added == 1
    assert len(result.errors) == 1
    assert result.errors[0].line == 2
    assert error in str(result.errors[0])


def test_contact_points_file_may_leave_out_optional_columns(db: Database, tmp_path: Path) -> None:
    """Only name, role and municipality are required columns."""
    text = "name,role,municipality,email\nZyra,education,Tiranë,arsimi@example.org\n"
    with db.transaction() as session:
        result = import_contact_points(session, write(tmp_path, text))
    assert (result.added, result.errors) == (1, [])


def test_five_thousand_rows_with_progress(db: Database, tmp_path: Path) -> None:
    """A long file imports in one pass, reports progress per row and keeps bad rows apart."""
    places = ["Drenas", "gllogoc", "Prishtine", "Uroševac", "Tiranë", "Berat", "Prizren"]
    lines = ["code,name,municipality"]
    for n in range(5000):
        place = "Nowhere" if n % 1000 == 999 else places[n % len(places)]
        lines.append(f"L-{n:04d},Shkolla {n},{place}")
    seen: list[tuple[int, int]] = []
    with db.transaction() as session:
        result = import_schools(
            session, write(tmp_path, "\n".join(lines)), progress=lambda d, t: seen.append((d, t))
        )
    assert (result.added, len(result.errors)) == (4995, 5)
    assert result.errors[0].line == 1001
    assert len(seen) == 5000 and seen[-1] == (5000, 5000)
    with db.transaction() as session:
        assert session.scalar(select(func.count()).select_from(School)) == 4995


def test_cli_imports_and_exits_zero(database_url: str, db: Database, tmp_path: Path) -> None:
    """`sinjalizo import schools|teachers|contact-points FILE` prints a summary and exits 0."""
    runner = CliRunner()
    for command, text in [
        ("schools", SCHOOLS), ("teachers", TEACHERS), ("contact-points", CONTACT_POINTS)
    ]:
        path = write(tmp_path, text, f"{command}.csv")
        result = runner.invoke(main, ["--database-url", database_url, "import", command, str(path)])
        assert result.exit_code == 0, result.output
        assert f"{command}.csv:" in result.output
        assert "0 rows refused" in result.output
    with db.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Teacher)) == 3


def test_cli_prints_bad_rows_and_exits_non_zero(
    database_url: str, db: Database, tmp_path: Path
) -> None:
    """Refused rows go to stderr; the good rows are kept and the exit code is 1."""
    path = write(tmp_path, "code,name,municipality\nS-1,A,Drenas\nS-2,B,Prishtna\n")
    result = CliRunner().invoke(main, [*cli(database_url), "schools", str(path)])
    assert result.exit_code == 1
    assert 'line 3: municipality "Prishtna" not found; did you mean Prishtinë?' in result.stderr
    assert "1 added, 0 updated, 0 unchanged, 1 row refused" in result.stdout
    with db.transaction() as session:
        assert session.scalar(select(School.code)) == "S-1"


def test_cli_long_file_shows_a_progress_bar(
    database_url: str, db: Database, tmp_path: Path
) -> None:
    """A long file draws a progress bar on stderr and still prints the summary on stdout."""
    lines = ["code,name,municipality", *(f"P-{n},Shkolla {n},Drenas" for n in range(1200))]
    path = write(tmp_path, "\n".join(lines))
    result = CliRunner().invoke(main, [*cli(database_url), "schools", str(path)])
    assert result.exit_code == 0, result.output
    assert "Importing schools" in result.stderr
    assert "1200 added" in result.stdout


def test_cli_refuses_a_missing_file(database_url: str) -> None:
    """A path that does not exist is a usage error, not a crash."""
    result = CliRunner().invoke(
        main, ["--database-url", database_url, "import", "teachers", "/nonexistent.csv"]
    )
    assert result.exit_code == 2
    assert "does not exist" in result.output


def test_cli_on_unmigrated_database(tmp_path: Path) -> None:
    """Without tables the command asks the operator to migrate first."""
    path = write(tmp_path, SCHOOLS)
    url = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    result = CliRunner().invoke(main, ["--database-url", url, "import", "schools", str(path)])
    assert result.exit_code == 1
    assert "run `sinjalizo db upgrade` first" in result.output


def test_cli_imports_geo(database_url: str, db: Database) -> None:
    """`sinjalizo import geo FILE` hands the file to the geo importer and prints its summary."""
    pytest.importorskip("models.geo_import")
    path = SHARED_GEO / "geoBoundaries-XKX-ADM2.geojson"
    if not path.exists():
        pytest.skip("the shared Kosovo boundaries are not at hand")
    result = CliRunner().invoke(main, ["--database-url", database_url, "import", "geo", str(path)])
    assert result.exit_code == 0, result.output
    assert path.name in result.output
