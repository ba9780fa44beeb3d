"""Who holds a report, named in a sentence by role and municipality, never by person.

These phrases name a recipient: "Sent to …", "entrusted to …", "passed to …". Albanian
translates them in the nominative ("punonjësi social i Qendrës për Punë Sociale në
Drenas", after "te" or "nga"), Serbian in the dative ("socijalnom radniku Centra za
socijalni rad u Glogovcu", after "prosleđena je" or "poverena je"): a sentence that uses
them must be built so that its Serbian takes the dative.
"""

from __future__ import annotations

from handlers.i18n import Msg, PlaceName, msg

# In Kosovo each municipality has a Centre for Social Work; in Albania child protection
# sits with the municipality itself (its child-protection unit).
CHILD_PROTECTION_ALBANIA = msg("the child-protection worker of the municipality of {municipality}")
RECIPIENTS: dict[str, Msg] = {
    "child_protection": msg("the social worker at the Centre for Social Work in {municipality}"),
    "police_liaison": msg("the police liaison officer in {municipality}"),
    "dropout_team": msg("the dropout prevention team at the school"),
    "education": msg("the education directorate of the municipality of {municipality}"),
    "public_services": msg("the public services of the municipality of {municipality}"),
    "school": msg("the contact person at the school"),
    "coordinator": msg("the coordinator of the municipality of {municipality}"),
    "national": msg("the national office for child protection"),
}
IN_CHARGE = msg("the office in charge")


def recipient(role: str, code: str | None, name: str | None = None) -> Msg:
    """Name a role in a municipality (given by code, or only by name) as a recipient."""
    phrase = RECIPIENTS.get(role, IN_CHARGE)
    if role == "child_protection" and (code or "").startswith("AL"):
        phrase = CHILD_PROTECTION_ALBANIA
    if "{municipality}" not in phrase.msgid:
        return phrase
    if not code and not name:
        return IN_CHARGE
    return msg(phrase.msgid, municipality=PlaceName(code, name or ""))
