"""Channel-neutral values passed in and out of the conversation engine."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, Protocol

from handlers.i18n import Msg, Verbatim

Text = Msg | Verbatim
InboundKind = Literal["text", "location", "photo", "command", "unsupported"]


@dataclass(frozen=True)
class Inbound:
    """One message from a person, already stripped of its channel's shape."""

    channel: str  # "telegram" | "sms" | "whatsapp" | "cli"
    address: str  # Telegram chat id or E.164 phone number
    at: datetime  # when it arrived (aware UTC)
    text: str = ""
    kind: InboundKind = "text"
    location: tuple[float, float] | None = None  # (lat, lon) of a pin
    photo: str | None = None  # the channel's file id
    language_hint: str | None = None  # e.g. Telegram's language_code
    option: str | None = None  # a button's option key, when the channel has buttons


@dataclass(frozen=True)
class Option:
    """One choice offered to the person: a number on SMS, a button on Telegram."""

    key: str
    label: Text


@dataclass(frozen=True)
class Reply:
    """One message back to the person: paragraphs, then choices to pick from."""

    lines: tuple[Text, ...]
    options: tuple[Option, ...] = ()
    ask_location: bool = False  # offer a "share location" button where the channel can
    skippable: bool = False  # the step can be skipped with the skip word


PIN_METHODS = frozenset({"polygon", "nearest_seat"})  # how a shared pin was placed


@dataclass(frozen=True)
class Place:
    """A place the engine can route by: a municipality, maybe a settlement or a pin."""

    municipality_id: int
    municipality: str  # display name in the person's language
    country: str  # "XK" | "AL"
    settlement: str | None = None
    lat: float | None = None
    lon: float | None = None
    how: str = "name"  # name | alias | settlement | fuzzy | polygon | nearest_seat
    words: str = ""  # the person's own words for the place, verbatim (none for a pin)

    @property
    def location(self) -> str:
        """Say how exact the point is: pin, or a settlement's or municipality's centre."""
        if self.how in PIN_METHODS:
            return "pin"
        return "settlement" if self.settlement else "municipality"

    def label(self) -> str:
        """Return the place as a person reads it, village first when known."""
        if self.settlement and self.settlement != self.municipality:
            return f"{self.settlement}, {self.municipality}"
        return self.municipality


@dataclass(frozen=True)
class TeacherInfo:
    """What the engine knows of a registered teacher writing to it."""

    teacher_id: int
    school_id: int
    school_name: str
    municipality_id: int
    municipality: str
    country: str


@dataclass(frozen=True)
class RouteTarget:
    """Who a report goes to, by role and municipality (never a private number)."""

    role: str
    municipality: str | None  # None for national
    contact_point_ids: tuple[int, ...]
    municipality_code: str | None = None  # e.g. "XK-07", to name it in the right case


@dataclass(frozen=True)
class Routing:
    """The outcome of routing a report; `unrouted` means the national fallback took it."""

    targets: tuple[RouteTarget, ...]
    unrouted: bool = False


@dataclass(frozen=True)
class StatusView:
    """What a reporter may see of their own report."""

    reference: str
    kind: str
    category: str
    status: str
    municipality: str | None
    created_at: datetime
    updated_at: datetime
    municipality_code: str | None = None  # to name the municipality in the right case
    holder_role: str | None = None  # the role that took it up, else the first it went to
    close_reason: str | None = None  # duplicate | not_actionable | referred
    class_name: str | None = None  # a dropout flag's class, e.g. 7A
    pupil: str | None = None  # a dropout flag's pupil initials or EMIS id


@dataclass(frozen=True)
class EarlierFlag:
    """A dropout flag the same teacher filed lately for the same class and pupil."""

    reference: str
    category: str  # the situation: absence | dropout | not_enrolled | at_risk
    created_at: datetime
    reason_text: str = ""  # the teacher's words for the reason then, if any


@dataclass(frozen=True)
class NearbyReport:
    """An open hazard report close to a new one: perhaps the same danger."""

    reference: str
    distance_m: int
    created_at: datetime


@dataclass(frozen=True)
class ServiceInfo:
    """A service as a person is shown it: who gives it, how to reach it, when, in what language."""

    id: int
    name: str
    provider: str = ""
    phone: str = ""  # written for dialling, e.g. +383 44 123 456
    address: str = ""
    hours: str = ""
    languages: tuple[str, ...] = ()  # codes: sq, sr, en, tr, bs, rom
    needs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Directory:
    """The services of one municipality that meet a need, with the municipality's code."""

    municipality_code: str | None  # to name the municipality in the right case
    services: tuple[ServiceInfo, ...] = ()


@dataclass(frozen=True)
class Draft:
    """A report ready to be filed, as the engine hands it to the service layer."""

    kind: str
    category: str
    urgent: bool
    reference: str
    routing: Routing
    municipality_id: int | None = None
    school_id: int | None = None
    lat: float | None = None
    lon: float | None = None
    place_text: str = ""  # the reporter's own words for the place, verbatim
    location: str | None = None  # pin | settlement | municipality (see Place.location)
    settlement: str | None = None
    country: str | None = None  # XK | AL
    incomplete: bool = False  # filed before every question was answered
    description: str = ""
    details: dict[str, Any] = field(default_factory=dict)
    anonymous: bool = False
    callback_consent: bool = False
    photos: tuple[str, ...] = ()


@dataclass(frozen=True)
class FileReport:
    """Effect: store this report, its routing and its alerts in one transaction."""

    draft: Draft


@dataclass(frozen=True)
class SetLanguage:
    """Effect: remember the person's language for every later message."""

    language: str


@dataclass(frozen=True)
class ChangeStatus:
    """Effect: a focal point takes a status action of the focal action table on a report."""

    reference: str
    action: str  # the action's key: take_up | in_progress | resolve | close
    note: str = ""
    reason: str | None = None  # why it is closed: duplicate | not_actionable | referred


@dataclass(frozen=True)
class AskReporter:
    """Effect: a focal point asks the reporter of a report a question, relayed by the service."""

    reference: str
    question: str  # empty when none was written after the reference


@dataclass(frozen=True)
class AnswerQuestion:
    """Effect: a reporter answers the question asked about a report (or whether it is fixed).

    `verdict` is what the words say to "is it fixed?" (True fixed, False still there, None
    unclear); the service uses it when the question waiting was that one.
    """

    reference: str
    text: str
    verdict: bool | None = None


@dataclass(frozen=True)
class JoinReport:
    """Effect: add the person to an open report as a confirmation; they hear its updates."""

    reference: str
    done: Reply  # sent when they were added (or had been already)
    gone: Reply  # sent when the report was closed in the meantime


@dataclass(frozen=True)
class AddToReport:
    """Effect: add what the reporter said after filing to their report; its holders are told.

    `changes` sets report fields (category, description, anonymous, callback_consent,
    incomplete) and, under "details", keys of the report's details.
    """

    reference: str
    changes: dict[str, Any]
    done: Reply | None = None  # sent once added (None: the flow's own reply says enough)
    gone: Reply | None = None  # sent when the report is not theirs or no longer exists


@dataclass(frozen=True)
class Refer:
    """Effect: a focal point refers a report to a service named by its number or its name.

    With no service named, the focal point is shown the services of the report's municipality.
    """

    reference: str
    service: str  # the words after the reference: "12 note…" or "Qendra Labirinti note…"


@dataclass(frozen=True)
class AnswerReferral:
    """Effect: a service says it accepted, declined (with a reason) or finished a referral."""

    reference: str
    outcome: str  # accepted | declined | done
    reason: str = ""




class World(Protocol):
    """Read-only facts the engine may consult; the service layer implements it over the DB."""

    def match_place(self, text: str, language: str, country: str | None = None) -> list[Place]:
        """Return places matching typed text, best first (empty when none).

        With the reporter's `country` (XK | AL) known, its places come first and a misspelt
        name is never matched across the border.
        """
        ...

    def reporter_country(self, channel: str, address: str) -> str | None:
        """Return the reporter's country: a phone's prefix, else where they last reported."""
        ...

    def locate(self, lat: float, lon: float, language: str) -> Place | None:
        """Return the municipality containing a pin, or the nearest seat; None if far away."""
        ...

    def teacher(self, channel: str, address: str) -> TeacherInfo | None:
        """Return the registered teacher writing from this address, if any."""
        ...

    def report_status(self, reference: str, channel: str, address: str) -> StatusView | None:
        """Return the status of a report filed from this address; None if not theirs."""
        ...

    def my_reports(self, channel: str, address: str, limit: int = 5) -> list[StatusView]:
        """Return the newest reports filed from this address."""
        ...

    def route(self, kind: str, category: str, urgent: bool, municipality_id: int | None,
              school_id: int | None, language: str, country: str | None = None) -> Routing:
        """Route a report by (kind, category, municipality[, school]) to contact points.

        `country` is the report's when its place is not known: it picks the national office.
        """
        ...

    def new_reference(self) -> str:
        """Return a fresh random reference such as R-7K3M9Q."""
        ...

    def open_hazards_near(self, category: str, lat: float, lon: float,
                          now: datetime) -> list[NearbyReport]:
        """Return open pinned hazards of this category within 100 m from the last 30 days."""
        ...

    def is_contact_point(self, channel: str, address: str) -> bool:
        """Tell whether this address belongs to an active contact point (a focal point)."""
        ...

    def earlier_flag(self, channel: str, address: str, school_id: int, class_name: str,
                     pupil: str, now: datetime) -> EarlierFlag | None:
        """Return this address's latest flag of the pupil in 14 days not closed as a duplicate."""
        ...

    def services(self, municipality_id: int, need: str | None, language: str) -> Directory:
        """Return the active services of a municipality meeting a need (None: any need).

        Those that speak the person's language come first, then by name.
        """
        ...

    def last_place(self, channel: str, address: str, language: str) -> Place | None:
        """Return the municipality of the last report filed from this address, if any."""
        ...

    def is_service(self, channel: str, address: str) -> bool:
        """Tell whether this address is an active service's phone (it answers referrals)."""
        ...


@dataclass(frozen=True)
class Subscribe:
    """Effect: the person receives the awareness messages of a municipality, in their language.

    The service answers with `subscribed_reply` (handlers/subscribe.py), saying whether the
    subscription is new, since only it knows.
    """

    municipality_id: int


@dataclass(frozen=True)
class Unsubscribe:
    """Effect: the person receives no more awareness messages (CK), for every municipality."""


Effect = (FileReport | SetLanguage | ChangeStatus | JoinReport | AddToReport | AskReporter
          | AnswerQuestion | Refer | AnswerReferral | Subscribe | Unsubscribe)
