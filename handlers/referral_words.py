"""A service answers a referral by keyword, from its own phone.

A focal point refers a report with `REFERO R-7K3M9Q 12 the family needs counselling`
(Serbian `UPUTI`, English `REFER`), a focal action read by handlers/focal.py: the service
is named by its number in the directory or by its name, and the rest is a note for the
service; `REFERO R-7K3M9Q` alone lists the services of the report's municipality. The
service answers: `PRANOHET R-7K3M9Q`,
`REFUZOHET R-7K3M9Q no places until May`, `KRYER R-7K3M9Q` (Serbian `PRIHVAĆENO`,
`ODBIJENO`, `ZAVRŠENO`; English `ACCEPTED`, `DECLINED`, `COMPLETED`). None of these words is
a word of the focal actions (OK, PROCES, ZGJIDHUR, MBYLL), so the two never collide.
"""

from __future__ import annotations

from handlers.flow import Context
from handlers.keywords import REFERENCE
from handlers.types import AnswerReferral
from routing.text import fold

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


def read_referral(text: str) -> AnswerReferral | None:
    """Read a service's answer to a referral, with its reference; None when not one."""
    found = REFERENCE.search(text[:MAX_TEXT])
    if found is None or len(text) > MAX_TEXT:
        return None
    head = fold(text[:found.start()])
    reference = f"R-{found.group(1).upper()}"
    rest = " ".join(text[found.end():].split())[:MAX_WORDS]
    if head in ANSWER_WORDS:
        return AnswerReferral(reference, ANSWER_WORDS[head], rest)
    return None


def referral_action(ctx: Context) -> AnswerReferral | None:
    """Return a service's answer to a referral, when a service wrote it."""
    inbound = ctx.inbound
    if inbound.kind != "text" or inbound.option is not None:
        return None
    action = read_referral(inbound.text)
    if action is not None and ctx.world.is_service(inbound.channel, inbound.address):
        return action
    return None
