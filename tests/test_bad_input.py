"""Wrong answers at every step of every flow get the question again, never a dead end."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.dialog import Chat, references
from tests.test_dialogs import (
    AGE,
    CHILD_WHAT,
    CHILD_WHERE,
    CLASS,
    CONCERN,
    CONTACT,
    DANGER,
    DAYS,
    HAZARD_KIND,
    HAZARD_WHAT,
    HAZARD_WHERE,
    PUPIL,
    REASON,
    SEND,
    SEX,
    SITUATION,
)

BAD = ["", "   ", "\U0001f642\U0001f642\U0001f642", "x" * 5000, "/sticker", "/location 0 0",
       "\u0000\u202e"]
NOT_A_CHOICE = ["99", "0", "-1", "blah blah", "<script>alert(1)</script>"]
FLOWS = {
    "hazard": ("1", [(HAZARD_KIND, "1", True), (HAZARD_WHERE, "Drenas", False),
                     (HAZARD_WHAT, "Gropë e thellë", False), (SEND, "po", True)]),
    "child_at_risk": ("2", [(DANGER, "jo", True), (CONCERN, "1", True),
                            (CHILD_WHERE, "Prizren", False), (AGE, "1", True), (SEX, "3", True),
                            (CHILD_WHAT, "Një fëmijë punon natën", False),
                            (CONTACT, "1", True), (SEND, "po", True)]),
    "dropout": ("3", [(SITUATION, "2", True), (CLASS, "7A", False), (PUPIL, "AK", False),
                      # The reason also takes the teacher's own words, so only BAD is bad.
                      (DAYS, "10", False), (REASON, "6", False), (SEND, "po", True)]),
}


@pytest.mark.parametrize("flow", list(FLOWS))
def test_wrong_answers_at_every_step(flow: str, chat: Callable[..., Chat],
                                     teacher_phone: str) -> None:
    """Each bad message is answered with the same question; the good answer then moves on."""
    person = chat("sms", teacher_phone)
    entry, steps = FLOWS[flow]
    person.send("menu")
    person.send(entry)
    for question, good, is_choice in steps:
        # "0" is no option, but as the child's age it is a baby's: the age question takes it.
        wrong = [w for w in NOT_A_CHOICE if question != AGE or w != "0"]
        bad_inputs = BAD + (wrong if is_choice else [])
        for bad in bad_inputs:
            reply = person.send(bad)
            assert person.expects(reply, question, "sq"), f"{bad[:20]!r} at {question!r}: {reply}"
        person.send(good)
    assert len(references(person)) == 1
