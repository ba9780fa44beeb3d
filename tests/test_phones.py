"""Phone numbers in Kosovo and Albanian forms come out as E.164, or are refused clearly."""

from __future__ import annotations

import re

import pytest

from models.phones import normalize_phone


@pytest.mark.parametrize(
    ("raw", "region", "expected"),
    [
        ("044 123 456", "XK", "+38344123456"),
        ("044123456", "XK", "+38344123456"),
        ("044-123-456", "XK", "+38344123456"),
        ("(049) 123 456", "XK", "+38349123456"),
        ("+383 44 123 456", "XK", "+38344123456"),
        ("+383 44 123 456", "AL", "+38344123456"),
        ("00383 44 123 456", "XK", "+38344123456"),
        ("0038344123456", "AL", "+38344123456"),
        ("038 200 100", "XK", "+38338200100"),
        ("069 123 4567", "AL", "+355691234567"),
        # An Albanian mobile in local form is not valid in Kosovo, so it is read as Albanian.
        ("069 123 4567", "XK", "+355691234567"),
        ("068 234 5678", "XK", "+355682345678"),
        # A Kosovo mobile in local form is not valid in Albania, so it is read as Kosovar.
        ("044 123 456", "AL", "+38344123456"),
        ("+355 69 123 4567", "XK", "+355691234567"),
        ("00355691234567", "XK", "+355691234567"),
        ("  +38344123456  ", "XK", "+38344123456"),
    ],
)
def test_normalizes_common_forms(raw: str, region: str, expected: str) -> None:
    """Each common way of writing a number gives the same E.164 string."""
    assert normalize_phone(raw, region) == expected


def test_ambiguous_local_number_follows_the_default_region() -> None:
    """A local form valid in both countries is read in the default region."""
    assert normalize_phone("038 123 456", "XK") == "+38338123456"
    assert normalize_phone("038 123 456", "AL") == "+35538123456"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("abc", "not a phone number"),
        ("123", "not a valid phone number"),
        ("044 123", "not a valid phone number"),
        ("+383 69 123 4567", "not a valid +383 phone number"),
        ("+355 44 123 456", "not a valid +355 phone number"),
    ],
)
def test_refuses_invalid_numbers_with_a_clear_message(raw: str, message: str) -> None:
    """Invalid input raises ValueError that says what was wrong."""
    with pytest.raises(ValueError, match=re.escape(message)):
        normalize_phone(raw)


def test_result_is_stable() -> None:
    """Normalising an E.164 number again returns it unchanged."""
    once = normalize_phone("069 123 4567")
    assert normalize_phone(once) == once
