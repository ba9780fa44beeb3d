"""The rule table and the choice of contact points, as pure functions."""

from __future__ import annotations

import pytest

from routing.rules import (
    DEFAULT_RULES,
    ROLES,
    Candidate,
    Rule,
    choose_contact_points,
    roles_for,
)

DRENAS, BERAT = 7, 39
SCHOOL, OTHER_SCHOOL = 100, 101


@pytest.mark.parametrize(("kind", "category", "urgent", "roles"), [
    ("child_at_risk", "neglect", False, ("child_protection",)),
    ("child_at_risk", "neglect", True, ("child_protection", "police_liaison")),
    ("child_at_risk", "sexual_abuse", False, ("child_protection", "police_liaison")),
    ("child_at_risk", "trafficking", False, ("child_protection", "police_liaison")),
    ("child_at_risk", "trafficking", True, ("child_protection", "police_liaison")),
    ("dropout", "absence", False, ("dropout_team",)),
    ("hazard", "dump", False, ("public_services",)),
    ("hazard", "school_area", False, ("public_services", "school")),
    ("weather", "rain", False, ()),
])
def test_default_rules(kind: str, category: str, urgent: bool, roles: tuple[str, ...]) -> None:
    """Each built-in rule sends its kind of report to the roles in DESIGN.md."""
    assert roles_for(kind, category, urgent, DRENAS) == roles


def test_default_roles_are_known() -> None:
    """The built-in table only names roles from ROLES."""
    assert {role for rule in DEFAULT_RULES for role in rule.roles} <= set(ROLES)


def test_data_rules_override_defaults() -> None:
    """A matching data rule replaces the defaults; the most specific data rule wins."""
    rules = [
        Rule("hazard", None, None, None, ("public_services", "coordinator")),
        Rule("hazard", "stray_dogs", None, None, ("public_services", "education")),
        Rule("hazard", "stray_dogs", None, DRENAS, ("coordinator",)),
    ]
    assert roles_for("hazard", "dump", False, DRENAS, rules) == ("public_services", "coordinator")
    assert roles_for("hazard", "stray_dogs", False, BERAT, rules) == ("public_services",
                                                                     "education")
    assert roles_for("hazard", "stray_dogs", False, DRENAS, rules) == ("coordinator",)
    assert roles_for("child_at_risk", "neglect", False, DRENAS, rules) == ("child_protection",)


def test_municipal_rule_beats_category_rule() -> None:
    """A rule for this municipality beats a general rule for this category."""
    rules = [Rule("child_at_risk", "labour", None, None, ("child_protection", "education")),
             Rule("child_at_risk", None, None, BERAT, ("coordinator",))]
    assert roles_for("child_at_risk", "labour", False, BERAT, rules) == ("coordinator",)
    assert roles_for("child_at_risk", "labour", False, DRENAS, rules) == ("child_protection",
                                                                         "education")


def test_urgency_rule() -> None:
    """A data rule for urgent reports only leaves the others to the defaults."""
    rules = [Rule("hazard", None, True, None, ("public_services", "national"))]
    assert roles_for("hazard", "water", True, DRENAS, rules) == ("public_services", "national")
    assert roles_for("hazard", "water", False, DRENAS, rules) == ("public_services",)


def cp(id: int, role: str, municipality: int | None = DRENAS, school: int | None = None,
       order: int = 1, active: bool = True) -> Candidate:
    """Return a contact point candidate."""
    return Candidate(id, role, municipality, school, order, active)


def test_contact_points_in_escalation_order() -> None:
    """Each role's holders come in escalation order; only the first rank is alerted now."""
    points = [cp(3, "child_protection", order=2), cp(1, "child_protection", order=1),
              cp(2, "police_liaison"), cp(4, "child_protection", BERAT),
              cp(5, "child_protection", order=3, active=False)]
    choice = choose_contact_points(("child_protection", "police_liaison"), DRENAS, None, points)
    assert not choice.unrouted
    assert [(t.role, t.municipality_id, t.contact_point_ids, t.alert_now)
            for t in choice.targets] == [("child_protection", DRENAS, (1, 3), (1,)),
                                         ("police_liaison", DRENAS, (2,), (2,))]


def test_equal_first_rank_is_alerted_together() -> None:
    """Two primaries are both alerted at once."""
    points = [cp(1, "public_services"), cp(2, "public_services"), cp(3, "public_services", order=2)]
    (target,) = choose_contact_points(("public_services",), DRENAS, None, points).targets
    assert target.alert_now == (1, 2)
    assert target.contact_point_ids == (1, 2, 3)


def test_missing_role_is_reported_but_others_route() -> None:
    """A role nobody holds is listed as missing; the report still goes to the others."""
    choice = choose_contact_points(("child_protection", "police_liaison"), DRENAS, None,
                                   [cp(1, "child_protection")])
    assert not choice.unrouted
    assert [t.role for t in choice.targets] == ["child_protection"]
    assert choice.missing == ("police_liaison",)


def test_dropout_goes_to_the_schools_team_first() -> None:
    """The school's own dropout team comes first, then the municipal one."""
    points = [cp(1, "dropout_team", school=SCHOOL, order=2), cp(2, "dropout_team"),
              cp(3, "dropout_team", school=OTHER_SCHOOL), cp(4, "education")]
    (target,) = choose_contact_points(("dropout_team",), DRENAS, SCHOOL, points).targets
    assert (target.role, target.contact_point_ids, target.alert_now) == ("dropout_team",
                                                                        (1, 2), (1,))


def test_dropout_without_team_falls_back_to_education() -> None:
    """A school without a dropout team hands the flag to the education directorate."""
    points = [cp(3, "dropout_team", school=OTHER_SCHOOL), cp(4, "education"),
              cp(5, "education", BERAT)]
    (target,) = choose_contact_points(("dropout_team",), DRENAS, SCHOOL, points).targets
    assert (target.role, target.municipality_id, target.contact_point_ids) == ("education",
                                                                              DRENAS, (4,))


def test_school_area_hazard_alerts_the_school_when_known() -> None:
    """The school role means that school's contact point, and nothing without a school."""
    points = [cp(1, "public_services"), cp(2, "school", school=SCHOOL),
              cp(3, "school", school=OTHER_SCHOOL)]
    roles = roles_for("hazard", "school_area", False, DRENAS)
    with_school = choose_contact_points(roles, DRENAS, SCHOOL, points)
    assert [(t.role, t.contact_point_ids) for t in with_school.targets] == [
        ("public_services", (1,)), ("school", (2,))]
    without = choose_contact_points(roles, DRENAS, None, points)
    assert [(t.role, t.contact_point_ids) for t in without.targets] == [("public_services", (1,))]


def test_no_contact_point_goes_national_and_unrouted() -> None:
    """When nobody holds any role, the national contact points take it, marked unrouted."""
    points = [cp(9, "national", None, order=2), cp(8, "national", None),
              cp(7, "national", DRENAS), cp(1, "public_services", BERAT)]
    choice = choose_contact_points(("public_services",), DRENAS, None, points)
    assert choice.unrouted
    assert [(t.role, t.municipality_id, t.contact_point_ids, t.alert_now)
            for t in choice.targets] == [("national", None, (8, 9), (8,))]


def test_no_municipality_goes_national() -> None:
    """A report without a municipality is never dropped: the national fallback takes it."""
    choice = choose_contact_points(("public_services",), None, None,
                                   [cp(1, "public_services"), cp(8, "national", None)])
    assert choice.unrouted
    assert choice.targets[0].contact_point_ids == (8,)


def test_no_national_contact_point_still_names_the_fallback() -> None:
    """Even with no national contact point the outcome says national and unrouted."""
    choice = choose_contact_points((), DRENAS, None, [])
    assert choice.unrouted
    assert [(t.role, t.contact_point_ids) for t in choice.targets] == [("national", ())]
