"""No sequence of messages crashes the engine or leaves a conversation stuck."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from handlers.engine import advance
from handlers.flow import State
from handlers.types import Inbound, Subscribe, Unsubscribe
from locales import Catalogs
from tests.static_world import TEACHER_PHONE, StaticWorld

CATALOGS = Catalogs.load()
START = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
WORDS = ["1", "2", "3", "9", "0", "po", "jo", "PO", "Jo", "anulo", "ANULO", "ndihme", "ndihmë",
         "status", "status R-7K3M9Q", "gjuha", "gjuha sr", "2", "prapa", "menu", "/start",
         "Drenas", "gllogoc", "Arllat", "Dobroshevc", "xyz", "7A", "AK", "12", "BRAKTISJE 7A AK 12",
         "braktisje", "MUNGESE 8B", "kalo", "dergo", "ndrysho", "", "   ", "🙂🙂", "x" * 5000,
         "Ёжик", "<script>alert(1)</script>", "R-", "-1", "99999999999", "sherbime",
         "SHERBIME psikolog", "usluge", "psikolog", "strehim", "REFERO R-7K3M9Q 1",
         "PRANOHET R-7K3M9Q", "ABONOHU", "CK", "ck"]

# Effects whose answer depends on what is stored: the service replies when it carries them out
# (CK: whether there was anything to stop).
ANSWERED_BY_SERVICE = (Subscribe, Unsubscribe)

messages = st.one_of(
    st.tuples(st.just("text"), st.sampled_from(WORDS)),
    st.tuples(st.just("text"), st.text(max_size=60)),
    st.tuples(st.just("location"), st.tuples(st.floats(-90, 90), st.floats(-180, 180))),
    st.tuples(st.just("photo"), st.just("FILE")),
    st.tuples(st.just("option"), st.sampled_from(["yes", "no", "send", "change", "1", "none",
                                                  "skip", "hazard", "violence", "bogus"])),
    st.tuples(st.just("sticker"), st.just("")),
    st.tuples(st.just("wait"), st.integers(1, 120)),
)


def inbound(kind: str, value: object, address: str, at: datetime) -> Inbound:
    """Build one channel-neutral message of the drawn kind."""
    if kind == "location":
        assert isinstance(value, tuple)
        return Inbound("telegram", address, at, kind="location", location=value)
    if kind == "photo":
        return Inbound("telegram", address, at, kind="photo", photo="FILE")
    if kind == "option":
        return Inbound("telegram", address, at, option=str(value))
    if kind == "sticker":
        return Inbound("telegram", address, at, kind="unsupported")
    return Inbound("sms", address, at, str(value))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(messages, max_size=25), st.sampled_from(["+38344999001", TEACHER_PHONE]))
def test_no_sequence_crashes_or_sticks(script: list[tuple[str, object]], address: str) -> None:
    """Every message gets a reply; the state stays JSON; CANCEL then 1 always starts a report."""
    failures = Failures()
    logging.getLogger("handlers.engine").addHandler(failures)
    try:
        run_script(script, address)
    finally:
        logging.getLogger("handlers.engine").removeHandler(failures)
    assert not failures.records, "the engine hit its safety net"


def run_script(script: list[tuple[str, object]], address: str) -> None:
    """Play the messages, checking each turn, then check the way out still works."""
    world, state, at = StaticWorld(), State(), START
    for kind, value in script:
        if kind == "wait":
            assert isinstance(value, int)
            at += timedelta(minutes=value)
            continue
        at += timedelta(seconds=20)
        outcome = advance(state, inbound(kind, value, address, at), world, CATALOGS)
        answered = outcome.replies or any(isinstance(e, ANSWERED_BY_SERVICE)
                                          for e in outcome.effects)
        assert answered, f"no reply to {kind} {value!r}"
        for reply in outcome.replies:
            for line in reply.lines:
                assert CATALOGS(line, outcome.state.language)
        state = State.from_json(json.loads(json.dumps(outcome.state.to_json())), "sq")
    at += timedelta(seconds=20)
    state = advance(state, Inbound("sms", address, at, "anulo"), world, CATALOGS).state
    at += timedelta(seconds=20)
    state = advance(state, Inbound("sms", address, at, "1"), world, CATALOGS).state
    assert (state.flow, state.step) == ("hazard", "category")


class Failures(logging.Handler):
    """Collects the engine's error records."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        """Keep the record."""
        self.records.append(record)


def test_a_broken_state_costs_one_message_not_the_conversation() -> None:
    """A summary whose answers were lost gets an apology and the menu, never an exception."""
    state = State(flow="hazard", step="confirm", known=True,
                  answers={"category": "dump", "place": {"bogus": 1}, "description": "x",
                           "photo": []})
    outcome = advance(state, Inbound("sms", "+38344999001", START, "po"), StaticWorld(),
                      CATALOGS)
    assert outcome.state.flow is None and outcome.state.step == "menu"
    assert not outcome.effects
    assert "nothing was sent" in CATALOGS(outcome.replies[0].lines[0], "en")


def test_a_state_from_an_older_version_is_forgiven() -> None:
    """A step name that no longer exists moves on to the next question."""
    state = State(flow="hazard", step="no-such-step", answers={"category": 42}, known=True)
    outcome = advance(state, Inbound("sms", "+38344999001", START, "hello"), StaticWorld(),
                      CATALOGS)
    assert outcome.state.step == "place"
