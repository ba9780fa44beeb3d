"""The sections of the six-monthly report, in the reader's language, shared by every format.

A section is a titled table: translated headers, rows of words and numbers, and whether a
bar chart shows its last column by its first. The page, the printable HTML, the XLSX and
the CSV all write the same sections, so they cannot disagree.

Another part of the service adds a section with one small function, listed in EXTRA:
`def referrals(session, period, words) -> Section | None`, counting within
`period.scope.where()` the reports received from `period.start` to `period.end`, its
labels through `words`; None leaves the section out.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from babel.dates import format_date
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from handlers.categories import AGE_BANDS, DROPOUT_REASONS, KINDS, SEXES, category_label
from handlers.choices import Choice
from handlers.i18n import Msg, Verbatim, msg
from handlers.needs import need_label
from handlers.place_answers import COUNTRY_NAMES
from locales import Catalogs
from models import Report
from models.names import by_albanian_name, display_name
from models.services import NEEDS, REFERRAL_STATES, Referral
from service.fixed_share import confirmed_fixed
from service.report_queries import local_midnight
from service.statistics import NOT_KNOWN, Durations, PeriodStats, Scope

Cell = str | int | float | None
TOP = 15  # the longest bar chart; the tables list every row
NOT_KNOWN_LABEL = msg("Not known")


@dataclass(frozen=True)
class Section:
    """One table of the report: a slug (never shown), title, headers, rows, and a chart."""

    key: str
    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    chart: bool = False  # bars of the last column by the first, the first TOP rows
    note: str = ""

    def bars(self, top: int = TOP) -> tuple[tuple[str, int | float], ...]:
        """Return the chart's bars: the first `top` rows' labels and last numbers."""
        return tuple((str(row[0]), row[-1]) for row in self.rows[:top]
                     if isinstance(row[-1], int | float))


@dataclass(frozen=True)
class Period:
    """What the report covers: received from `start` to `end` (local days), within `scope`."""

    start: date
    end: date
    scope: Scope


@dataclass(frozen=True)
class Words:
    """Labels in one language: messages, kinds, categories, places, months, breakdowns."""

    catalogs: Catalogs
    language: str

    def __call__(self, label: Msg | Verbatim) -> str:
        """Translate a message."""
        return self.catalogs(label, self.language)

    def kind(self, kind: str) -> str:
        """Return a kind of report in words ("" means all kinds)."""
        if not kind:
            return self(msg("All kinds"))
        return self(KINDS[kind]) if kind in KINDS else kind

    def month(self, key: str) -> str:
        """Return a "YYYY-MM" month as the reader writes it ("janar 2025")."""
        return format_date(date.fromisoformat(f"{key}-01"), "LLLL yyyy",
                           locale=self.catalogs.locale(self.language))

    def municipality(self, name: str) -> str:
        """Return a municipality, counted by its Albanian name, as the reader knows it."""
        if not name:
            return self(msg("No municipality"))
        forms = by_albanian_name(name)
        return display_name(forms.code, self.language, name) if forms else name

    def choice(self, choices: tuple[Choice, ...], key: str) -> str:
        """Return a breakdown value's label; "unknown" and anything unlisted are not known."""
        found = next((c.label for c in choices if c.key == key and key != NOT_KNOWN), None)
        return self(found) if found is not None else self(NOT_KNOWN_LABEL)


SectionMaker = Callable[[Session, Period, Words], Section | None]


def sections(session: Session, stats: PeriodStats, period: Period, words: Words,
             scope_label: str) -> tuple[Section, ...]:
    """Return every section of the report, the built-in ones then the added ones."""
    built = (_about(stats, words, scope_label), _summary(stats, words),
             _response_times(stats, words), _deadlines(stats, words), *_breakdowns(stats, words))
    added = (make(session, period, words) for make in EXTRA)
    return (*built, *(section for section in added if section is not None))


def _about(stats: PeriodStats, words: Words, scope_label: str) -> Section:
    """Return what the report covers."""
    header = (words(msg("Item")), words(msg("Value")))
    return Section("period", words(msg("This report")), header, (
        (words(msg("From")), stats.start.isoformat()), (words(msg("To")), stats.end.isoformat()),
        (words(msg("Scope")), scope_label)))


def _summary(stats: PeriodStats, words: Words) -> Section:
    """Return the headline counts; "overdue now" only for a period that reaches today."""
    rows: list[tuple[Cell, ...]] = [
        (words(msg("Reports")), stats.total), (words(msg("Urgent")), stats.urgent),
        (words(msg("Unrouted")), stats.unrouted), (words(msg("Escalated")), stats.escalated),
        (words(msg("Taken up after the deadline")), stats.late)]
    if stats.overdue is not None:
        rows.append((words(msg("Overdue now")), stats.overdue))
    else:
        rows.append((words(msg("Never taken up")), stats.missed))
    return Section("summary", words(msg("Summary")),
                   (words(msg("Figure")), words(msg("Reports"))), tuple(rows))


def _hours(value: float | None) -> float | None:
    """Return hours as the report shows them, to a tenth."""
    return None if value is None else round(value, 1)


def _step(took: Durations) -> tuple[Cell, ...]:
    """Return a step's count, median and 90th percentile."""
    return took.count, _hours(took.median), _hours(took.p90)


def _response_times(stats: PeriodStats, words: Words) -> Section:
    """Return the times to take-up and to resolution, per kind and for all."""
    header = (msg("Kind"), msg("Reports"), msg("Taken up"), msg("Median hours to take-up"),
              msg("90th percentile, hours to take-up"), msg("Resolved"),
              msg("Median hours to resolve"), msg("90th percentile, hours to resolve"))
    rows = tuple((words.kind(t.kind), t.reports, *_step(t.take_up), *_step(t.resolve))
                 for t in stats.times)
    return Section("response_times", words(msg("Response times")),
                   tuple(words(label) for label in header), rows,
                   note=words(msg("Durations are counted to the minute below an hour, to the "
                                  "tenth of an hour below a day and to the hour beyond.")))


def _deadlines(stats: PeriodStats, words: Words) -> Section:
    """Return, per kind, how many were taken up before their escalation deadline."""
    missed = msg("Overdue now") if stats.current else msg("Never taken up")
    header = (msg("Kind"), msg("Taken up within the deadline"),
              msg("Taken up after the deadline"), missed,
              msg("Share within the deadline (%)"))
    rows = tuple((words.kind(t.kind), t.in_time, t.late, t.missed, t.share)
                 for t in stats.times)
    return Section("deadlines", words(msg("Taken up within the deadline")),
                   tuple(words(label) for label in header), rows,
                   note=words(msg("The deadlines are those of escalation: a report not taken "
                                  "up in time goes to the next contact point.")))


def _counts(key: str, title: Msg, column: Msg, rows: tuple[tuple[Cell, ...], ...],
            words: Words, chart: bool = True) -> Section:
    """Return a breakdown: one label column and the reports."""
    return Section(key, words(title), (words(column), words(msg("Reports"))), rows, chart)


def _breakdowns(stats: PeriodStats, words: Words) -> tuple[Section, ...]:
    """Return the counts by month, kind, category, place, child and dropout."""
    def ordered(choices: tuple[Choice, ...], counts: tuple[tuple[str, int], ...]
                ) -> tuple[tuple[Cell, ...], ...]:
        """Label a breakdown's values in the order the questions offer them."""
        rank = {c.key: index for index, c in enumerate(choices)}
        keyed = sorted(counts, key=lambda row: rank.get(row[0], len(rank)))
        return tuple((words.choice(choices, key), count) for key, count in keyed)

    countries = tuple((words(COUNTRY_NAMES[c]) if c in COUNTRY_NAMES else
                       words(NOT_KNOWN_LABEL), n) for c, n in stats.by_country)
    return (
        _counts("by_month", msg("Reports by month"), msg("Month"),
                tuple((words.month(m), n) for m, n in stats.by_month), words),
        _counts("by_kind", msg("Reports by kind"), msg("Kind"),
                tuple((words.kind(k), n) for k, n in stats.by_kind), words),
        Section("by_category", words(msg("Reports by category")),
                (words(msg("Kind")), words(msg("Category")), words(msg("Reports"))),
                tuple((words.kind(k), words.catalogs(category_label(k, c), words.language), n)
                      for k, c, n in stats.by_category)),
        _counts("by_municipality", msg("Reports by municipality"), msg("Municipality"),
                tuple((words.municipality(m), n) for m, n in stats.by_municipality), words),
        _counts("by_country", msg("Reports by country"), msg("Country"), countries, words),
        _counts("by_sex", msg("Children at risk by sex"), msg("Sex"),
                ordered(SEXES, stats.by_sex), words),
        _counts("by_age_band", msg("Children at risk by age"), msg("Age"),
                ordered(AGE_BANDS, stats.by_age_band), words),
        _counts("by_school", msg("School dropouts by school"), msg("School"),
                tuple((s or words(msg("No school")), n) for s, n in stats.by_school), words),
        _counts("by_reason", msg("School dropouts by reason"), msg("Reason"),
                ordered(DROPOUT_REASONS, stats.by_reason), words),
    )


def _received(period: Period) -> tuple[ColumnElement[bool], ...]:
    """Return the conditions on Report for the reports the period counts."""
    return (period.scope.where(), Report.simulated.is_(False),
            Report.created_at >= local_midnight(period.start),
            Report.created_at < local_midnight(period.end + timedelta(days=1)))


def referrals_by_need(session: Session, period: Period, words: Words) -> Section | None:
    """Count the period's referrals to services by need and outcome; None when there are none."""
    counted = session.execute(
        select(Referral.need, Referral.state, func.count())
        .join(Report, Report.id == Referral.report_id).where(*_received(period))
        .group_by(Referral.need, Referral.state)).all()
    table: dict[str, dict[str, int]] = {}
    for need, state, count in counted:
        table.setdefault(need or "", {})[state] = int(count)
    order = [*NEEDS, *sorted(k for k in table if k and k not in NEEDS)]
    rows: tuple[tuple[Cell, ...], ...] = tuple((words(need_label(need)),
                  *(table[need].get(state, 0) for state in REFERRAL_STATES),
                  sum(table[need].values())) for need in order if need in table)
    if "" in table:
        rows = (*rows, (words(msg("Need not said")),
                        *(table[""].get(state, 0) for state in REFERRAL_STATES),
                        sum(table[""].values())))
    if not rows:
        return None
    header = (words(msg("Help needed")),
              *(words(REFERRAL_STATE_HEADERS[state]) for state in REFERRAL_STATES),
              words(msg("Referrals")))
    return Section("referrals", words(msg("Referrals to services by need and outcome")),
                   header, rows, chart=True)


def fixed_share(session: Session, period: Period, words: Words) -> Section:
    """Say how resolved hazards fared when their reporters were asked a week later."""
    share = confirmed_fixed(session, period.start, period.end, period.scope.where())
    percent = round(100 * share.share, 1) if share.share is not None else None
    rows: tuple[tuple[Cell, ...], ...] = (
        (words(msg("Resolved hazards whose reporters were asked")), share.asked),
        (words(msg("Answered")), share.answered),
        (words(msg("Confirmed fixed")), share.confirmed),
        (words(msg("Said still not fixed (reopened)")), share.not_fixed),
        (words(msg("Share confirmed fixed, of those answered (%)")), percent))
    return Section("fixed", words(msg("Is the hazard really fixed?")),
                   (words(msg("Hazards")), words(msg("Number"))), rows)


# The column headers of a referral's outcomes.
REFERRAL_STATE_HEADERS: dict[str, Msg] = {
    "sent": msg("Waiting for the service"), "accepted": msg("Accepted"),
    "declined": msg("Declined"), "done": msg("Done"), "revoked": msg("Revoked"),
}
# Sections other parts of the service add, after the built-in ones.
EXTRA: tuple[SectionMaker, ...] = (referrals_by_need, fixed_share)
