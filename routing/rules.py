"""Report -> roles -> contact points: the rule table and the choice of who is alerted."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

ROLES = ("child_protection", "police_liaison", "dropout_team", "education", "public_services",
         "school", "coordinator", "national")
# Roles held by a school's people rather than the municipality's.
SCHOOL_ROLES = frozenset({"dropout_team", "school"})


@dataclass(frozen=True)
class Rule:
    """Route reports of `kind` to `roles`; a None field matches anything."""

    kind: str
    category: str | None
    urgent: bool | None
    municipality_id: int | None
    roles: tuple[str, ...]

    def matches(self, kind: str, category: str, urgent: bool, municipality_id: int | None) -> bool:
        """Tell whether the rule applies to a report."""
        return (self.kind == kind
                and self.category in (None, category)
                and self.urgent in (None, urgent)
                and self.municipality_id in (None, municipality_id))

    def specificity(self) -> tuple[bool, bool, bool]:
        """Rank rules: municipality-specific first, then category-specific, then urgency."""
        return (self.municipality_id is not None, self.category is not None,
                self.urgent is not None)


_BOTH = ("child_protection", "police_liaison")
DEFAULT_RULES: tuple[Rule, ...] = (
    Rule("child_at_risk", None, None, None, ("child_protection",)),
    Rule("child_at_risk", None, True, None, _BOTH),
    Rule("child_at_risk", "sexual_abuse", None, None, _BOTH),
    Rule("child_at_risk", "trafficking", None, None, _BOTH),
    # choose_contact_points falls back to the education directorate when a school has no team.
    Rule("dropout", None, None, None, ("dropout_team",)),
    Rule("hazard", None, None, None, ("public_services",)),
    Rule("hazard", "school_area", None, None, ("public_services", "school")),
)


@dataclass(frozen=True)
class Candidate:
    """A contact point as routing sees it: no names or addresses, only who holds what."""

    id: int
    role: str
    municipality_id: int | None
    school_id: int | None = None
    escalation_order: int = 1
    active: bool = True
    country: str | None = None  # a national point's country; None: both, or municipal


@dataclass(frozen=True)
class Target:
    """The contact points holding one role, in escalation order; `alert_now` go first."""

    role: str
    municipality_id: int | None  # None for national
    contact_point_ids: tuple[int, ...]
    alert_now: tuple[int, ...]


@dataclass(frozen=True)
class Choice:
    """Who a report goes to; `unrouted` means the national fallback took it."""

    targets: tuple[Target, ...]
    unrouted: bool = False
    missing: tuple[str, ...] = ()  # roles nobody holds, for the dashboard to show


def roles_for(kind: str, category: str, urgent: bool, municipality_id: int | None,
              rules: Iterable[Rule] = ()) -> tuple[str, ...]:
    """Return the roles of the most specific matching rule, data rules before the defaults."""
    for table in (tuple(rules), DEFAULT_RULES):
        matching = [r for r in table if r.matches(kind, category, urgent, municipality_id)]
        if matching:
            # max() keeps the first of equally specific rules, so table order breaks ties.
            return max(matching, key=Rule.specificity).roles
    return ()


def national_for(country: str | None, candidates: Iterable[Candidate]) -> list[Candidate]:
    """Return the national contact points that take a report of `country` (None: not known).

    A known country's report goes to that country's national points; where it has none, to
    the points serving both countries (no country set); where there are none either, to
    every national point, so that someone is still alerted. A report of unknown country goes
    to every national point: each country's office sees it and can pass it on.
    """
    national = [c for c in candidates if c.role == "national" and c.municipality_id is None]
    if country is None:
        return national
    own = [c for c in national if c.country == country]
    shared = [c for c in national if c.country is None]
    return own or shared or national


def choose_contact_points(roles: Sequence[str], municipality_id: int | None, school_id: int | None,
                          contact_points: Iterable[Candidate],
                          country: str | None = None) -> Choice:
    """Pick each role's active contact points in escalation order, else the national fallback.

    `country` is the report's (its municipality's when known): it chooses the national points.
    """
    active = [c for c in contact_points if c.active]
    targets: list[Target] = []
    missing: list[str] = []
    if municipality_id is not None:
        for role in dict.fromkeys(roles):
            target = _target(role, municipality_id, school_id, active, country)
            if target is None:
                missing.append(role)
            elif target.role not in {t.role for t in targets}:
                targets.append(target)
    if targets:
        return Choice(tuple(targets), False, tuple(missing))
    return Choice(_national_targets(country, active), True, tuple(missing))


def _national_targets(country: str | None, active: Sequence[Candidate]) -> tuple[Target, ...]:
    """Return the national fallback: one target, or one per country when the country is unknown.

    Each target's first contact point is alerted, so a report of unknown country reaches the
    first national point of each country (and of those serving both).
    """
    chosen = national_for(country, active)
    groups = [chosen] if country is not None else \
        [[c for c in chosen if c.country == key] for key in dict.fromkeys(
            c.country for c in sorted(chosen, key=lambda c: (c.escalation_order, c.id)))]
    return tuple(_ordered("national", None, group) for group in groups if group) or \
        (_ordered("national", None, []),)


def _target(role: str, municipality_id: int, school_id: int | None,
            active: Sequence[Candidate], country: str | None = None) -> Target | None:
    """Return the holders of `role` for this municipality and school, or its fallback."""
    if role == "national":  # a rule may name the national office beside local roles
        national = national_for(country, active)
        return _ordered(role, None, national) if national else None
    holders = [c for c in active if c.role == role]
    own_school = [c for c in holders if school_id is not None and c.school_id == school_id]
    municipal = [c for c in holders
                 if c.municipality_id == municipality_id and c.school_id is None]
    chosen = own_school if role == "school" else own_school + municipal
    if chosen:
        return _ordered(role, municipality_id, chosen)
    if role == "dropout_team":
        return _target("education", municipality_id, None, active)
    return None


def _ordered(role: str, municipality_id: int | None, chosen: Sequence[Candidate]) -> Target:
    """Sort holders, the school's own first, by escalation order; mark the first rank."""
    def rank(c: Candidate) -> tuple[bool, int]:
        return (c.school_id is None, c.escalation_order)

    ranked = sorted(chosen, key=lambda c: (*rank(c), c.id))
    first = rank(ranked[0]) if ranked else None
    return Target(role, municipality_id, tuple(c.id for c in ranked),
                  tuple(c.id for c in ranked if rank(c) == first))
