"""Filing a hazard sent through Open311: placed, routed and alerted exactly as the bot does.

The place comes from the point (the same boundaries and seats as a Telegram pin) or from the
address (the same matcher as a typed place); the report is drafted by the conversations'
own `make_draft` and stored by `store_report`, with channel "open311", no reporter to write
back to (updates go to nobody), and an "open311" event naming the client on its timeline.
The submitter's name, e-mail and phone are never stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import IntegrityError

from handlers.filing import make_draft
from handlers.flow import Context, Translator
from handlers.types import Draft, Inbound, Place, Routing
from models import ApiClient, ReportEvent
from models.db import Database
from service.filing import store_report
from service.open311_clients import client_for_key
from service.places import PlaceIndex
from service.world import DbWorld

CHANNEL = "open311"


@dataclass(frozen=True)
class Submission:
    """A request as the web layer checked it: the key, what, where, and in whose words."""

    api_key: str
    category: str
    at: datetime
    lat: float | None = None
    lon: float | None = None
    address: str = ""
    description: str = ""
    media_url: str = ""
    language: str = "sq"


@dataclass(frozen=True)
class Filed:
    """What came of a submission: the reference, or why nothing was filed."""

    reference: str | None = None
    routing: Routing | None = None  # who it went to
    refused: str | None = None  # bad_key | no_place | ambiguous_place
    candidates: tuple[str, ...] = ()  # the places an ambiguous address may name


def file_submission(db: Database, places: PlaceIndex, translate: Translator,
                    submission: Submission) -> Filed:
    """Check the key, place and route the hazard, and store it with its alerts."""
    for attempt in range(2):
        try:
            with db.transaction() as session:
                client = client_for_key(session, submission.api_key, submission.at)
                if client is None:
                    return Filed(refused="bad_key")
                world = DbWorld(session, places)
                found = locate(world, submission)
                if not isinstance(found, Place):
                    return found
                draft = _store(world, translate, client, submission, found)
                return Filed(draft.reference, draft.routing)
        except IntegrityError:
            if attempt:  # a second clash of random references: let it be a server error
                raise
    raise AssertionError("unreachable")


def locate(world: DbWorld, submission: Submission) -> Place | Filed:
    """Return the place of the point or of the address, or why there is none."""
    if submission.lat is not None and submission.lon is not None:
        pinned = world.locate(submission.lat, submission.lon, submission.language)
        return pinned if pinned is not None else Filed(refused="no_place")
    matches = world.match_place(submission.address, submission.language)
    if not matches:
        return Filed(refused="no_place")
    if len(matches) > 1:
        return Filed(refused="ambiguous_place",
                     candidates=tuple(m.label() for m in matches[:5]))
    best = matches[0]
    return Place(best.municipality_id, best.municipality, best.country, best.settlement,
                 best.lat, best.lon, best.how, submission.address[:200])


def _store(world: DbWorld, translate: Translator, client: ApiClient, submission: Submission,
           place: Place) -> Draft:
    """Draft the hazard as the bot's flow does, store it, and note the client."""
    inbound = Inbound(channel=CHANNEL, address=f"client:{client.id}", at=submission.at)
    ctx = Context(inbound, world, translate, submission.language, submission.at)
    draft = make_draft(ctx, kind="hazard", category=submission.category, place=place,
                       description=submission.description, anonymous=True)
    report_id = store_report(world.session, draft, None, CHANNEL, submission.language,
                             submission.at, places=world.places, points=world.points)
    data: dict[str, object] = {"client": client.name, "client_id": client.id}
    if submission.media_url:
        data["media_url"] = submission.media_url
    world.session.add(ReportEvent(
        report_id=report_id, at=submission.at, actor="system", kind="open311",
        note=f"sent through Open311 by {client.name}", data=data))
    return draft
