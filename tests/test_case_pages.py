"""Case pages read as sentences in Albanian, Serbian and English: never a code, never an id.

Every report of tests/case_scenarios.py is opened in each language, with the report list
and the audit log; the text a person sees must hold no snake_case key, no "staff:1" or
"contact_point:21", and in Albanian and Serbian none of the English words the code stores.
The tables of words are also checked against the code that writes events, messages and
audit entries, so that a new kind of event cannot reach the page untranslated.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterator
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select, update

from alerts.skips import SKIP_REASONS
from handlers.i18n import msg
from locales import Catalogs
from models import (
    Attachment,
    ContactPoint,
    Municipality,
    Report,
    ReportEvent,
    RoutingRule,
    User,
)
from models.db import Database
from sinjalizo.cli import main
from tests.case_scenarios import TEACHER_LINE, every_case
from tests.conftest import PASSWORD, AuthActions
from tests.dialog import Chat, references
from tests.test_dialogs import HAZARD_BY_SMS
from web.admin_rules import _described
from web.audit_words import ACTIONS, CHANGES, KEYS
from web.case_words import CHANNELS, SKIPPED_BECAUSE, SKIPPED_MESSAGES
from web.names import Names
from web.timeline import KINDS, Entry, Kind, entry

ROOT = Path(__file__).resolve().parents[1]
CODE_FOLDERS = ("alerts", "service", "web", "bot", "sms", "handlers", "sinjalizo")
SNAKE = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")
ACTOR_IDS = re.compile(r"\b(?:staff|contact_point|user):\s*\d+")
# What the code stores in English: statuses, states, kinds, reasons, notes, answers.
ENGLISH = re.compile(
    r"\b(?:received|routed|acknowledged|resolved|closed|alerted|failed|escalated|exhausted|"
    r"reassigned|escalation|routing|confirmation|update|deadline|duplicate|referred|"
    r"reporter|girl|boy|work|unknown|telegram|sms|filed by|added by|confirmed by|not sent|"
    r"unrouted|no contact point|payload|opted out)\b")


class Visible(HTMLParser):
    """Collects the text a reader sees (and hovers over): no scripts, styles or markup."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Enter a tag; keep its title and alt, which a reader sees too."""
        if tag in ("script", "style"):
            self.hidden += 1
        self.parts.extend(v or "" for k, v in attrs if k in ("title", "alt", "placeholder"))

    def handle_endtag(self, tag: str) -> None:
        """Leave a tag."""
        if tag in ("script", "style"):
            self.hidden -= 1

    def handle_data(self, data: str) -> None:
        """Keep visible text."""
        if not self.hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    """Return a page's visible text, one space between pieces."""
    parser = Visible()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def raw_codes(text: str, language: str) -> list[str]:
    """Return what in a page's text looks like a stored code, each with the words around it."""
    patterns = (SNAKE, ACTOR_IDS) + ((ENGLISH,) if language != "en" else ())
    return [text[max(0, m.start() - 40):m.end() + 40]
            for pattern in patterns for m in pattern.finditer(text)]


def page(auth: AuthActions, path: str) -> str:
    """Return a page's visible text."""
    response = auth.client.get(path)
    assert response.status_code == 200, path
    return visible_text(response.get_data(as_text=True))


@pytest.fixture
def cases(chat: Callable[..., Chat], demo_db: Database, catalogs: Catalogs,
          teacher_phone: str, auth: AuthActions) -> dict[str, str]:
    """File every case; give the admin a name (the coordinator keeps only an e-mail)."""
    with demo_db.transaction() as session:
        session.execute(update(User).where(User.email == "admin@example.org")
                        .values(name="Arta Krasniqi"))
    return every_case(chat, demo_db, catalogs, teacher_phone)


def use_the_dashboard(auth: AuthActions, db: Database, cases: dict[str, str]) -> None:
    """Filter the list, act on a report and look at a photo, so that the log holds each."""
    with db.session() as session:
        drenas = session.scalars(select(Municipality.id).where(
            Municipality.name_sq == "Drenas")).one()
        target = session.scalars(select(ContactPoint.id).where(
            ContactPoint.name.like("%Drenas%"), ContactPoint.role == "public_services")).one()
        photo = session.scalars(select(Attachment.id).join(Report).where(
            Report.reference == cases["hazard"])).one()
    auth.client.get(f"/reports?kind=hazard&category=open_pit&status=acknowledged&urgent=no"
                    f"&municipality={drenas}&from=2026-01-01&to=2026-12-31&unrouted=1"
                    f"&overdue=1")
    reference = cases["unrouted"]
    auth.post(f"/reports/{reference}/status", {"status": "in_progress", "note": "Po shkojmë."})
    auth.post(f"/reports/{reference}/reassign", {"contact_point": str(target),
                                                  "note": "Është në Drenas."})
    auth.client.get(f"/reports/{cases['hazard']}/attachments/{photo}")
    auth.client.get(f"/audit/?action=status&reference={reference}")
    auth.client.get("/stats?from=2026-01-01&to=2026-06-30")


def test_every_page_in_every_language_is_words(auth: AuthActions, demo_db: Database,
                                               cases: dict[str, str]) -> None:
    """Each case page, the list and the audit log show no code in sq, sr or en."""
    auth.login()
    use_the_dashboard(auth, demo_db, cases)
    for language in ("sq", "sr", "en"):
        auth.client.get(f"/language/{language}?next=/reports")
        paths = [*(f"/reports/{r}" for r in cases.values()), "/reports", "/audit/"]
        for path in paths:
            text = page(auth, path)
            assert raw_codes(text, language) == [], (language, path, text)


def test_timeline_names_people_and_says_what_happened(auth: AuthActions,
                                                      cases: dict[str, str]) -> None:
    """Each line is a sentence: who did what, by name and role, never an id or a number."""
    auth.login()
    text = page(auth, f"/reports/{cases['passed_on']}")
    for said in ("Raportuesi e dërgoi raportin me SMS",
                 "Sinjalizo ua dërgoi raportin përgjegjësve:",
                 "Arta Krasniqi (administrator) e kaloi raportin te Demo: Prizren public "
                 "services (shërbimet publike komunale, Prizren) “Është në Prizren, jo në "
                 "Drenas.”",
                 "Arta Krasniqi (administrator) e mbylli raportin si të dyfishtë"):
        assert said in text, said
    assert "+38349500002" not in text  # an anonymous reporter is never shown
    text = page(auth, f"/reports/{cases['hazard']}")
    assert "Një raportues tjetër raportoi të njëjtin rrezik me SMS dhe iu bashkua" in text
    assert "(shërbimet publike komunale, Drenas) e mori përsipër raportin" in text
    auth.client.get("/language/sr?next=/reports")
    text = page(auth, f"/reports/{cases['child']}")
    for said in ("Prijavilac podnosi prijavu SMS porukom",
                 "Označena kao hitna", "Sinjalizo prosleđuje prijavu dalje: nije preuzeta "
                 "na vreme", "(Centar za socijalni rad, Priština) preuzima prijavu",
                 "Sinjalizo više nema kome da prosledi prijavu"):
        assert said in text, said
    # Agreed to be called back: an admin sees the consent; the number is for those holding it.
    assert "+38349500003" not in text
    text = page(auth, f"/reports/{cases['dropout']}")
    assert "Nastavnik podnosi prijavu SMS porukom" in text
    assert "(opštinski koordinator, Glogovac) zatvara prijavu i upućuje slučaj" in text


def test_a_teachers_flag_reads_as_the_teacher_wrote_it(auth: AuthActions,
                                                       cases: dict[str, str]) -> None:
    """Class, initials, days absent and the reason in one line, in each language."""
    auth.login()
    words = TEACHER_LINE.split(" ", 4)[4]
    expected = {"sq": "Klasa 7A, nxënësi A.K., 12 ditë mungesë",
                "sr": "Odeljenje 7A, učenik A.K., 12 dana odsustva",
                "en": "Class 7A, pupil A.K., 12 days absent"}
    for language, start in expected.items():
        auth.client.get(f"/language/{language}?next=/reports")
        text = page(auth, f"/reports/{cases['dropout']}")
        assert start in text and words in text, (language, text)


def test_old_events_read_like_new_ones(auth: AuthActions, cases: dict[str, str]) -> None:
    """Events from before their data was kept are said in words too; gone people politely."""
    auth.login()
    auth.client.get("/language/en?next=/reports")
    text = page(auth, f"/reports/{cases['old']}")
    for said in ("The reporter filed the report on Telegram",
                 "Sinjalizo found nobody responsible for this place and sent the report to the "
                 "national office: Zyra (national child-protection office)",
                 "Sinjalizo found nobody to send the report to",
                 "Its Telegram chat has blocked the bot",
                 "Another reporter reported the same hazard on Telegram and joined",
                 "Sinjalizo passed the report on: the alert could not be delivered",
                 "A dashboard user who no longer exists marked the report as resolved",
                 "A contact point that no longer exists closed the report as a duplicate",
                 "passed the report to Demo: Drenas public services (municipal public "
                 "services) “Më afër tyre.”"):
        assert said in text, said


def test_a_named_focal_point_is_named_on_the_timeline(auth: AuthActions, demo_db: Database,
                                                      database_url: str,
                                                      chat: Callable[..., Chat]) -> None:
    """`user add --name` gives the person a name; the page says it with their role and place."""
    account = ["--database-url", database_url, "user", "add", "--email",
               "focal.drenas@example.org", "--password", PASSWORD, "--role", "focal",
               "--municipality", "Drenas", "--roles", "public_services,child_protection"]
    named = CliRunner().invoke(main, [*account, "--name", "  Drita   Berisha "])
    again = CliRunner().invoke(main, account)  # an update that does not mention the name
    assert (named.exit_code, again.exit_code) == (0, 0), named.output + again.output
    person = chat("sms", "+38349500009")
    person.replay(HAZARD_BY_SMS)
    [reference] = references(person)
    auth.login("focal.drenas@example.org")
    auth.post(f"/reports/{reference}/status", {"status": "acknowledged", "note": ""})
    text = page(auth, f"/reports/{reference}")
    assert "Drita Berisha (pikë fokale, Drenas) e mori përsipër raportin" in text
    auth.client.get("/language/sr?next=/reports")
    text = page(auth, f"/reports/{reference}")
    assert "Drita Berisha (fokalna osoba, Glogovac) preuzima prijavu" in text


def project_nodes() -> Iterator[ast.AST]:
    """Yield every node of the project's own code."""
    for folder in CODE_FOLDERS:
        for path in sorted((ROOT / folder).rglob("*.py")):
            yield from ast.walk(ast.parse(path.read_text()))


def project_calls() -> Iterator[ast.Call]:
    """Yield every call in the project's own code."""
    return (node for node in project_nodes() if isinstance(node, ast.Call))


def keyword_values(call: ast.Call, keyword: str) -> set[str]:
    """Return the string constants a call passes as `keyword`."""
    return {kw.value.value for kw in call.keywords if kw.arg == keyword
            and isinstance(kw.value, ast.Constant) and isinstance(kw.value.value, str)}


def dict_values(node: ast.AST, key: str, beside: str | None = None) -> set[str]:
    """Return the constant of `key` in a dict literal (one that also has `beside`)."""
    if not isinstance(node, ast.Dict):
        return set()
    pairs = {k.value: v for k, v in zip(node.keys, node.values, strict=True)
             if isinstance(k, ast.Constant)}
    value = pairs.get(key)
    if beside is not None and beside not in pairs:
        return set()
    return {value.value} if isinstance(value, ast.Constant) and isinstance(
        value.value, str) else set()


def callee(call: ast.Call) -> str:
    """Return the name a call is made by: `ReportEvent(…)`, `record_event(…)`, `x.event(…)`."""
    return str(getattr(call.func, "id", "") or getattr(call.func, "attr", ""))


def test_every_event_kind_the_code_writes_is_said() -> None:
    """Each kind of event written anywhere (a ReportEvent, a helper named *event*, a bulk row
    with an actor) has its sentence on the timeline."""
    written: set[str] = set()
    for node in project_nodes():
        written |= dict_values(node, "kind", beside="actor")
        if isinstance(node, ast.Call) and "event" in callee(node).lower():
            written |= keyword_values(node, "kind")
    assert {"status", "escalation", "message_skipped", "reassigned"} <= written
    assert written - set(KINDS) == set()


def test_every_message_held_back_is_said() -> None:
    """Each outbox purpose and each reason for holding one back has its words."""
    purposes: set[str] = set()
    for node in project_nodes():
        purposes |= dict_values(node, "purpose")
        if isinstance(node, ast.Call):
            purposes |= keyword_values(node, "purpose")
    assert {"alert", "escalation", "reporter_update", "report_update"} <= purposes
    assert purposes - set(SKIPPED_MESSAGES) == set()
    assert set(SKIP_REASONS) == set(SKIPPED_BECAUSE)


def test_every_audit_entry_is_said() -> None:
    """Each action, change and detail the code records in the audit log has its words."""
    actions, changes, keys = set(), set(), set()
    for call in project_calls():
        if getattr(call.func, "id", "") != "record" or len(call.args) < 3:
            continue
        if isinstance(call.args[2], ast.Constant):
            actions.add(call.args[2].value)
        changes |= keyword_values(call, "change")
        keys |= {kw.arg for kw in call.keywords if kw.arg is not None}
    keys |= set(_described(RoutingRule(kind="hazard", roles="school")))
    assert {"view", "status", "admin"} <= actions and "import" in changes
    assert (actions - set(ACTIONS), changes - set(CHANGES), keys - set(KEYS)) == (
        set(), set(), set())


def test_every_channel_is_said() -> None:
    """Every channel a report may come by is named in words."""
    with open(ROOT / "handlers" / "types.py") as source:
        said = re.search(r'channel: str  # (.*)', source.read())
    assert said is not None
    assert set(re.findall(r'"([a-z]+)"', said.group(1))) <= set(CHANNELS)


# Every shape of event the code writes, by kind: (to_status, data).
SHAPES: dict[str, list[tuple[str | None, dict[str, object]]]] = {
    "status": [
        ("received", {"channel": "sms", "urgent": True, "incomplete": True}),
        ("routed", {"routes": [{"role": "child_protection", "point": 1, "name": "Besa"}],
                    "unrouted": False}),
        ("routed", {"routes": [{"role": "national", "point": 2, "name": "Zyra"}],
                    "unrouted": True}),
        ("routed", {"routes": [], "unrouted": True}),
        *((status, {}) for status in ("acknowledged", "in_progress", "resolved", "closed")),
        *(("closed", {"reason": reason, "text": "Shënim."})
          for reason in ("duplicate", "not_actionable", "referred")),
    ],
    "update": [(None, {"fields": ["category", "details.age_band", "incomplete"]}),
               (None, {"fields": ["incomplete"]})],
    "routing": [(None, {"routes": [{"role": "police_liaison", "name": "Besa"}],
                        "why": "category"})],
    "escalation": [
        *((None, {"role": "school", "why": why, "from": {"name": "A"}, "to": {"name": "B"}})
          for why in ("deadline", "failed", "deactivated")),
        (None, {"role": "school", "why": "deadline", "from": {"name": "A"},
                "exhausted": True}),
    ],
    "confirmation": [(None, {"channel": "telegram"})],
    "message_skipped": [
        (None, {"purpose": purpose, "why": why, "channel": "telegram", "status": "closed",
                "escalated": True})
        for purpose in SKIPPED_MESSAGES for why in SKIP_REASONS],
    "reassigned": [(None, {"to": {"role": "school", "point": 3, "name": "Besa"},
                           "text": "Shënim."})],
    **{f"referral_{state}": [
        (None, {"referral": 1, "service": "Qendra Labirinti", "need": "psychosocial",
                "text": "Familja ka nevojë për këshillim."}),
        (None, {"referral": 1, "service": "Qendra Labirinti", "need": None})]
       for state in ("sent", "accepted", "declined", "done", "revoked")},
    **{kind: [(None, {"text": "Para shkollës."}), (None, {})]
       for kind in ("question", "answer", "fixed_confirmed", "not_fixed")},
    "fixed_check": [(None, {"asked": 2})],
    "fixed_unasked": [(None, {"asked": 0})],
    "open311": [(None, {"client": "Komuna ime", "client_id": 1,
                        "media_url": "https://example.org/foto.jpg"}),
                (None, {"client": "Komuna ime", "client_id": 1})],
    "identity_removed": [
        (None, {"why": why, "reporter": reporter, "followers": followers})
        for why in ("retention", "request") for reporter in (True, False)
        for followers in (0, 2)],
    "published": [(None, {"text": "Pusetë pa kapak pranë shkollës."})],
    "unpublished": [(None, {})],
    "photo_published": [(None, {"attachment": 4})],
    "photo_withdrawn": [(None, {"attachment": 4})],
}


def said_in(catalogs: Catalogs, language: str, entry: Entry) -> str:
    """Return one timeline entry as the page shows it in a language."""
    lines = [catalogs(entry.sentence, language), *(catalogs(x, language) for x in entry.lines)]
    return " · ".join(lines)


@pytest.mark.parametrize("language", ["sq", "sr", "en"])
def test_every_kind_of_event_is_a_sentence_naming_who(catalogs: Catalogs,
                                                      language: str) -> None:
    """Each kind, in each shape its data takes, reads as a sentence with its doer in it."""
    assert set(SHAPES) == set(KINDS)
    names = Names(language, {}, {})
    for kind, shapes in SHAPES.items():
        for to_status, data in [*shapes, (None, {})]:
            event = ReportEvent(kind=kind, actor="system", to_status=to_status, data=data,
                                at=datetime(2026, 3, 2), note="")
            text = said_in(catalogs, language, entry(event, names))
            assert "Sinjalizo" in text and "{" not in text, (kind, data, text)
            assert raw_codes(text, language) == [], (kind, data, text)


def test_an_unknown_kind_is_said_in_general_never_raw(catalogs: Catalogs) -> None:
    """A kind with no entry yet shows a general sentence and its English note, not its name."""
    event = ReportEvent(kind="mediation_sent", actor="reporter", data={"service": "QPS"},
                        at=datetime(2026, 3, 2), note="referred to QPS")
    said = entry(event, Names("sr", {}, {}))
    assert catalogs(said.sentence, "sr") == "prijavilac menja prijavu"  # capitalised on the page
    assert said.as_written == "referred to QPS"


def test_a_new_kind_needs_one_line(catalogs: Catalogs, monkeypatch: pytest.MonkeyPatch) -> None:
    """A kind with plain facts is said from its sentence alone: names, values and the note."""
    monkeypatch.setitem(KINDS, "mediation_sent", Kind(msg("{who} referred the child to "
                                                         "{service}, with {point}: {need}"),
                                                     words={"need": {"health": msg("health")}}))
    event = ReportEvent(kind="mediation_sent", actor="system", at=datetime(2026, 3, 2),
                        data={"service": "Qendra Sociale", "text": "Nesër në 10.",
                              "point": {"point": 7, "name": "Besa", "role": "school"},
                              "need": "health"})
    said = entry(event, Names("en", {}, {}))
    assert said_in(catalogs, "en", said) == ("Sinjalizo referred the child to Qendra Sociale, "
                                             "with Besa (school): health · “Nesër në 10.”")
