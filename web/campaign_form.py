"""The campaign form: reading and checking it, and the preview of each text as it will arrive.

On Telegram a text arrives as written; by SMS it is shaped to GSM-7 (ë→e, ç→c) when
SMS_TRANSLITERATE is on, and may take at most two segments, as every SMS of the service.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from alerts.campaigns import campaign_text
from handlers.i18n import Msg, msg
from locales import LOCAL_ZONE
from models import Contact, Subscription
from models.campaigns import CAMPAIGN_LANGUAGES
from sms.gsm import segments, transliterate

MAX_SEGMENTS = 2
MAX_TEXT = 1000  # characters a text may have at all (Telegram takes 4096)
TITLE_NEEDED = msg("Please give the campaign a title.")
TEXT_NEEDED = msg("Please write the message in Albanian: it is sent to everyone whose "
                  "language has no text of its own.")
TOO_LONG = msg("The text in {language} takes {parts} SMS parts; please shorten it to two.")
PLACES_NEEDED = msg("Please choose at least one municipality.")
WHEN_UNCLEAR = msg("Please give a date and time, or choose to send now.")
WHEN_PAST = msg("That time has already passed; choose a later one, or send now.")
LANGUAGE_NAMES: dict[str, Msg] = {"sq": msg("Albanian"), "sr": msg("Serbian"),
                                  "en": msg("English")}


@dataclass(frozen=True)
class Preview:
    """One language's text as it arrives on Telegram and by SMS, with its SMS parts."""

    language: str
    telegram: str
    sms: str
    parts: int
    characters: int
    fallback: bool  # no text of its own: the Albanian one goes out
    subscribers: int = 0


@dataclass
class Draft:
    """What the form holds: a title, texts by language, municipalities."""

    title: str = ""
    texts: dict[str, str] = field(default_factory=dict)
    municipality_ids: list[int] = field(default_factory=list)

    @classmethod
    def from_form(cls, form: Any) -> Draft:
        """Read the form's fields, trimming what people paste."""
        texts = {code: str(form.get(f"text_{code}", "")).strip()[:MAX_TEXT]
                 for code in CAMPAIGN_LANGUAGES}
        ids = [int(v) for v in form.getlist("municipalities") if str(v).isdigit()]
        return cls(" ".join(str(form.get("title", "")).split())[:160], texts,
                   sorted(set(ids)))


def problems(draft: Draft, transliterating: bool) -> list[Msg]:
    """Return what keeps a campaign from being sent (nothing: it may be scheduled)."""
    found: list[Msg] = []
    if not draft.title:
        found.append(TITLE_NEEDED)
    if not draft.texts.get("sq"):
        found.append(TEXT_NEEDED)
    if not draft.municipality_ids:
        found.append(PLACES_NEEDED)
    for code in CAMPAIGN_LANGUAGES:
        text = draft.texts.get(code, "")
        parts = segments(transliterate(text) if transliterating else text) if text else 0
        if parts > MAX_SEGMENTS:
            found.append(msg(TOO_LONG.msgid, language=LANGUAGE_NAMES[code], parts=parts))
    return found


def previews(session: Session, draft: Draft, transliterating: bool) -> list[Preview]:
    """Return each language's text as it will arrive, with how many subscribers read it."""
    readers = subscribers_by_language(session, draft.municipality_ids)
    shown = []
    for code in CAMPAIGN_LANGUAGES:
        text = campaign_text(draft.texts, code)
        sms = transliterate(text) if transliterating else text
        shown.append(Preview(code, text, sms, segments(sms) if sms else 0, len(sms),
                             not draft.texts.get(code), readers.get(code, 0)))
    return shown


def subscribers_by_language(session: Session, municipality_ids: list[int]) -> dict[str, int]:
    """Count the subscribers of these municipalities who take messages, by language."""
    if not municipality_ids:
        return {}
    spoken = func.coalesce(Contact.language, Subscription.language)
    rows = session.execute(
        select(spoken, func.count(func.distinct(Contact.id))).select_from(Subscription)
        .join(Contact, Contact.id == Subscription.contact_id)
        .where(Subscription.municipality_id.in_(municipality_ids),
               Contact.opted_out.is_(False))
        .group_by(spoken))
    counted: dict[str, int] = {}
    for language, count in rows:
        code = language if language in CAMPAIGN_LANGUAGES else "sq"
        counted[code] = counted.get(code, 0) + int(count)
    return counted


def scheduled_for(value: str, now: datetime) -> datetime | Msg:
    """Read "now" or a local date and time (YYYY-MM-DDTHH:MM) as a UTC moment."""
    if value.strip() in ("", "now"):
        return now
    try:
        local = datetime.fromisoformat(value.strip())
    except ValueError:
        return WHEN_UNCLEAR
    at = (local.replace(tzinfo=LOCAL_ZONE) if local.tzinfo is None else local).astimezone(UTC)
    return WHEN_PAST if at < now.replace(second=0, microsecond=0) else at
