"""The served countries, and which of them a phone number belongs to."""

from __future__ import annotations

import phonenumbers

SERVED = frozenset({"XK", "AL"})  # Kosovo, Albania


def country_of_phone(address: str) -> str | None:
    """Return XK or AL for a Kosovo (+383) or Albanian (+355) number by its prefix, else None.

    Telegram chat ids carry no country and give None, as do numbers of any other country.
    """
    number = address.strip().removeprefix("whatsapp:")
    if not number.startswith("+"):
        return None
    try:
        parsed = phonenumbers.parse(number)
    except phonenumbers.NumberParseException:
        return None
    region = phonenumbers.region_code_for_country_code(parsed.country_code or 0)
    return region if region in SERVED else None
