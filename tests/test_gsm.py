"""GSM-7 shaping and SMS packing: transliteration, segment counts, line-boundary splits."""

from __future__ import annotations

import pytest

from service.render import RenderedReply
from sms.gsm import CODEC, is_gsm7, segments, transliterate, units
from sms.render import sms_messages, sms_text


@pytest.mark.parametrize(("raw", "shaped"), [
    ("Rrënojë ose ndërtesë e braktisur", "Rrenoje ose ndertese e braktisur"),
    ("Ç'kemi, çka", "C'kemi, cka"),
    ("Uroševac, Čačak, Ćuprija, Žabljak", "Urosevac, Cacak, Cuprija, Zabljak"),
    ("Đakovica đak", "Djakovica djak"),
    ("\u201cPo\u201d \u2014 ja\u2026 \u2018jo\u2019", "\"Po\" - ja... 'jo'"),
    ("Qen 🐕 endacakë ❤️", "Qen  endacake "),
    ("Ärger über Söhne é", "Ärger über Söhne é"),  # already GSM-7: kept as written
])
def test_transliterate(raw: str, shaped: str) -> None:
    """Albanian and Serbian letters and typography become GSM-7; emoji vanish."""
    assert transliterate(raw) == shaped
    assert is_gsm7(transliterate(raw))


def test_the_alphabet_is_the_codecs() -> None:
    """Up to U+2FFF a character is GSM-7 exactly when gsm0338 encodes it, at its septet cost."""
    for code in range(0x3000):
        char = chr(code)
        try:
            encoded = char.encode(CODEC)
        except UnicodeEncodeError:
            assert not is_gsm7(char), repr(char)
            continue
        assert is_gsm7(char) and units(char) == [len(encoded)], repr(char)


def test_segments_count_septets_and_ucs2() -> None:
    """160/153 septets for GSM-7 (extension characters count 2), 70/67 for UCS-2."""
    assert segments("a" * 160) == 1 and segments("a" * 161) == 2
    assert segments("a" * 306) == 2 and segments("a" * 307) == 3
    assert segments("€" * 80) == 1 and segments("€" * 81) == 2  # € is ESC + e: 2 septets
    assert segments("ë" * 70) == 1 and segments("ë" * 71) == 2
    assert segments("ë" * 134) == 2 and segments("ë" * 135) == 3


def test_options_are_numbered_and_compact() -> None:
    """Options are numbered from 1 and blank lines disappear."""
    reply = RenderedReply(("Çfarë ju shqetëson?", ""), (("violence", "Dhunë ose abuzim"),
                                                      ("other", "Tjetër")))
    assert sms_text(reply) == "Çfarë ju shqetëson?\n1) Dhunë ose abuzim\n2) Tjetër"
    assert sms_messages([reply]) == ["Cfare ju shqeteson?\n1) Dhune ose abuzim\n2) Tjeter"]


def test_packing_splits_at_lines_and_keeps_one_segment() -> None:
    """Several replies share one SMS while they fit; beyond, a new SMS starts at a line."""
    short = RenderedReply(("Mirë se vini.",))
    long = RenderedReply(tuple(f"Rreshti {n}: " + "fjale " * 10 for n in range(5)))
    messages = sms_messages([short, long])
    assert len(messages) > 1
    assert all(segments(m) == 1 and is_gsm7(m) for m in messages)
    assert "\n".join(messages).split("\n") == [
        "Mire se vini.", *(line.strip() for line in long.lines)]


def test_an_overlong_line_is_cut_at_a_word_with_dots() -> None:
    """A user's long description echoed back never makes an SMS of more than two segments."""
    words = "fjalë " * 400
    [message] = sms_messages([RenderedReply(("Përshkrimi:", words))])
    assert segments(message) == 2 and message.endswith("fjale...")
    untouched = sms_messages([RenderedReply(("x " * 500,))], transliterate_text=False)
    assert all(segments(m) <= 2 for m in untouched)


def test_without_transliteration_text_stays_as_written() -> None:
    """SMS_TRANSLITERATE off keeps the diacritics (and UCS-2 segments)."""
    [message] = sms_messages([RenderedReply(("Rrënojë",))], transliterate_text=False)
    assert message == "Rrënojë" and not is_gsm7(message)
