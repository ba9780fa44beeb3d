"""Referrals by keyword: a focal point refers a report, a service answers the referral.

A focal point writes `REFERO R-7K3M9Q 12 the family needs counselling` (Serbian `UPUTI`,
English `REFER`): the service is named by its number in the directory or by its name, and
the rest is a note for the service. `REFERO R-7K3M9Q` alone lists the services of the
report's municipality. A service answers from its own phone: `PRANOHET R-7K3M9Q`,
`REFUZOHET R-7K3M9Q no places until May`, `KRYER R-7K3M9Q` (Serbian `PRIHVAĆENO`,
`ODBIJENO`, `ZAVRŠENO`; English `ACCEPTED`, `DECLINED`, `COMPLETED`). None of these words is
a word of the focal actions (OK, PROCES, ZGJIDHUR, MBYLL), so the two never collide.
"""

from __future__ import annotations

from handlers.flow import Context
from handlers.keywords import REFERENCE
from handlers.types import AnswerReferral, Refer
from routing.text import fold

REFER_WORDS = frozenset({"refero", "referoj", "referim", "uputi", "uputiti", "refer"})
ANSWER_WORDS: dict[str, str] = {
    "pranohet": "accepted", "pranuam": "accepted", "pranojme": "accepted",
    "prihvaceno": "accepted", "prihvatamo": "accepted", "accepted": "accepted",
    "accept": "accepted",
    "refuzohet": "declined", "refuzuam": "declined", "refuzojme": "declined",
    "odbijeno": "declined", "odbijamo": "declined", "declined": "declined",
    "decline": "declined",
    "kryer": "done", "kryhet": "done", "perfunduar": "done", "perfundoi": "done",
    "zavrseno": "done", "obavljeno": "done", "completed": "done", "complete": "done",
}
MAX_TEXT = 1000  # a longer message is an ordinary message, not a keyword
MAX_WORDS = 500  # what is kept of a note or a reason


def read_referral(text: str) -> Refer | AnswerReferral | None:
    """Read a referral keyword with its reference; None when the text is not one."""
    found = REFERENCE.search(text[:MAX_TEXT])
    if found is None or len(text) > MAX_TEXT:
        return None
    head = fold(text[:found.start()])
    reference = f"R-{found.group(1).upper()}"
    rest = " ".join(text[found.end():].split())[:MAX_WORDS]
    if head in REFER_WORDS:
        return Refer(reference, rest)
    if head in ANSWER_WORDS:
        return AnswerReferral(reference, ANSWER_WORDS[head], rest)
    return None


def referral_action(ctx: Context) -> Refer | AnswerReferral | None:
    """Return a referral keyword from someone who may use it: a focal point, or a service."""
    inbound = ctx.inbound
    if inbound.kind != "text" or inbound.option is not None:
        return None
    action = read_referral(inbound.text)
    if isinstance(action, Refer) and ctx.world.is_contact_point(inbound.channel,
                                                                inbound.address):
        return action
    if isinstance(action, AnswerReferral) and ctx.world.is_service(inbound.channel,
                                                                   inbound.address):
        return action
    return None
