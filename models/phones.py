"""Phone numbers in any common Kosovo or Albanian form, stored as E.164."""

from __future__ import annotations

from functools import lru_cache

import phonenumbers

# The regions a local (no country code) number is tried in, after the caller's default.
LOCAL_REGIONS = ("XK", "AL")


def phone_country(number: str | None) -> str | None:
    """Return XK or AL for a stored E.164 number of Kosovo (+383) or Albania (+355), else None."""
    if not number or not number.startswith("+"):
        return None
    try:
        region = phonenumbers.region_code_for_number(phonenumbers.parse(number))
    except phonenumbers.NumberParseException:
        return None
    return region if region in LOCAL_REGIONS else None


# Every inbound SMS names its sender: the same numbers come again and again.
@lru_cache(maxsize=4096)
def normalize_phone(raw: str, default_region: str = "XK") -> str:
    """Return `raw` as an E.164 number, reading local forms as Kosovo or Albania.

    A local number is read in `default_region` first; when it is not a valid number
    there, the other regions are tried, so "069 123 4567" is Albanian even when the
    default is Kosovo.

    :raise ValueError: when `raw` is empty or is not a valid number in any region tried.
    """
    text = raw.strip()
    if not text:
        raise ValueError("phone number is empty")
    regions = [default_region, *(r for r in LOCAL_REGIONS if r != default_region)]
    for region in regions:
        try:
            number = phonenumbers.parse(text, region, keep_raw_input=True)
        except phonenumbers.NumberParseException as error:
            raise ValueError(f'"{raw}" is not a phone number') from error
        if phonenumbers.is_valid_number(number):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        if number.country_code_source != phonenumbers.CountryCodeSource.FROM_DEFAULT_COUNTRY:
            # The number names its own country, so no other region can make it valid.
            raise ValueError(f'"{raw}" is not a valid +{number.country_code} phone number')
    raise ValueError(f'"{raw}" is not a valid phone number (read as {" or ".join(regions)})')
