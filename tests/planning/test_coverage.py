"""The sales-coverage evaluation of source [002]: loads, gaps, mismatches, continuity, rhythm.

Every boundary is tested on both sides (exactly at capacity, one over; exactly half of
capacity, one under; exactly 6 months after the last evaluation, a microsecond either
side), every kamlib choice is pinned, bad input gets a typed error naming its path, and
the answer never depends on the order of the records.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kamlib.errors import (
    DuplicateIdError,
    InvalidTypeError,
    InvalidValueError,
    UnknownIdError,
)
from kamlib.model import Account, KeyPerson, Money, Opportunity, Portfolio, Relationship
from kamlib.planning import (
    COVERAGE_CODES,
    EXPERTISE_DIMENSIONS,
    IRON_TRIANGLE,
    Allocation,
    AllocationPolicy,
    Assignment,
    CoverageEvaluation,
    CoverageLine,
    CoverageSchedule,
    Role,
    TeamMember,
    allocate,
    coverage_evaluation,
    evaluate_allocation,
)

UTC = dt.UTC
T0 = dt.datetime(2025, 3, 1, 9, tzinfo=UTC)
AS_OF = dt.datetime(2025, 6, 1, tzinfo=UTC)
US = dt.timedelta(microseconds=1)
AM = Role.ACCOUNT_MANAGER.value
SM = Role.SOLUTION_MANAGER.value
CLE = Role.CUSTOMER_LEADING_EXPERT.value


# ------------------------------------------------------------------------------ builders
def account(
    account_id: str,
    industry: str = "retail",
    region: str = "east",
    areas: Sequence[str] = (),
) -> Account:
    return Account(
        account_id,
        f"Customer {account_id}",
        industry=industry,
        region=region,
        size_band="large",
        cooperation_start=dt.date(2024, 1, 1),
        cooperation_areas=list(areas),
    )


def accounts(*ids: str) -> list[Account]:
    return [account(a) for a in ids]


def am(member_id: str, capacity: int = 5, **kw: object) -> TeamMember:
    return TeamMember(member_id, f"Name {member_id}", AM, capacity, **kw)


def assign(*pairs: tuple[str, str], role: str = AM) -> Allocation:
    return Allocation([Assignment(a, m, role) for a, m in pairs])


def evaluate(
    portfolio: Portfolio,
    members: Sequence[TeamMember],
    allocation: Allocation,
    **kw: object,
) -> CoverageEvaluation:
    return coverage_evaluation(portfolio, members, allocation, as_of=AS_OF, **kw)  # type: ignore[arg-type]


# ------------------------------------------------------------------------------ loads
def test_a_member_exactly_at_capacity_is_not_overloaded() -> None:
    p = Portfolio(accounts("A1", "A2"))
    e = evaluate(p, [am("U1", 2)], assign(("A1", "U1"), ("A2", "U1")))
    assert e.overloaded == ()
    assert e.feasible
    assert e.idle == ()
    assert [(x.member_id, x.load, x.capacity, x.over) for x in e.current.loads] == [
        ("U1", 2, 2, False)
    ]


def test_a_member_one_over_capacity_is_overloaded_by_one() -> None:
    p = Portfolio(accounts("A1", "A2", "A3"))
    e = evaluate(p, [am("U1", 2, team="east")], assign(("A1", "U1"), ("A2", "U1"), ("A3", "U1")))
    (o,) = e.overloaded
    assert (o.member_id, o.role, o.team, o.capacity, o.load, o.excess) == (
        "U1",
        AM,
        "east",
        2,
        3,
        1,
    )
    assert not e.feasible
    assert e.current.overloaded == ("U1",)


def test_idle_members_unassigned_and_under_half_capacity() -> None:
    p = Portfolio(accounts("A1", "A2", "A3"))
    members = [am("U1", 4), am("U2", 4), am("U3", 4), am("U4", 0)]
    # U1: 1 of 4 (under half: idle); U2: 2 of 4 (exactly half: not idle); U3: none (idle);
    # U4: no capacity (never idle).
    e = evaluate(p, members, assign(("A1", "U1"), ("A2", "U2"), ("A3", "U2")))
    assert [(x.member_id, x.load, x.spare, x.unassigned) for x in e.idle] == [
        ("U1", 1, 3, False),
        ("U3", 0, 4, True),
    ]
    assert e.idle[0].utilisation == 0.25


def test_idle_below_zero_means_only_members_with_no_account() -> None:
    p = Portfolio(accounts("A1"))
    e = evaluate(p, [am("U1", 4), am("U2", 4)], assign(("A1", "U1")), idle_below=0)
    assert [x.member_id for x in e.idle] == ["U2"]
    e = evaluate(p, [am("U1", 4), am("U2", 4)], assign(("A1", "U1")), idle_below=1)
    assert [x.member_id for x in e.idle] == ["U1", "U2"]


def test_idle_threshold_boundary_exact() -> None:
    # 0.3 x 10 = 3: a load of 3 is not below it, a load of 2 is (exact arithmetic).
    p = Portfolio(accounts(*(f"A{i}" for i in range(5))))
    pairs = [(f"A{i}", "U1") for i in range(3)] + [(f"A{i}", "U2") for i in range(3, 5)]
    e = evaluate(p, [am("U1", 10), am("U2", 10)], assign(*pairs), idle_below=0.3)
    assert [x.member_id for x in e.idle] == ["U2"]


def test_teams_sum_their_members() -> None:
    p = Portfolio(accounts("A1", "A2", "A3"))
    members = [am("U2", 1, team="east"), am("U1", 1, team="east"), am("U3", 2), am("U4", 3)]
    e = evaluate(p, members, assign(("A1", "U1"), ("A2", "U1"), ("A3", "U3")))
    (t,) = e.teams
    assert (t.team, t.members, t.capacity, t.load, t.spare) == ("east", ("U1", "U2"), 2, 2, 0)
    assert (t.overloaded, t.idle) == (("U1",), ("U2",))


# ------------------------------------------------------------------------------ gaps
def test_an_account_with_no_account_manager_is_missing_one() -> None:
    p = Portfolio(accounts("A1", "A2"))
    e = evaluate(p, [am("U1", 1)], assign(("A1", "U1")))
    (g,) = e.gaps
    assert (g.account_id, g.missing, g.required, g.iron_triangle) == ("A2", (AM,), (AM,), False)
    assert g.reasons == ("at_capacity",)
    assert g.value == 100.0


def test_a_new_target_without_an_opportunity_misses_the_expert() -> None:
    p = Portfolio(accounts("A1"))
    members = [am("U1"), TeamMember("S1", "Sol", SM, 3)]
    now = Allocation([Assignment("A1", "U1", AM), Assignment("A1", "S1", SM)])
    (g,) = evaluate(p, members, now, new_targets=["A1"]).gaps
    assert g.missing == (CLE,)
    assert g.reasons == ("no_member",)
    assert g.required == tuple(sorted(IRON_TRIANGLE))
    assert g.iron_triangle
    # Not a new target: the account manager is enough.
    assert evaluate(p, members, now).gaps == ()


def test_a_new_target_with_an_open_opportunity_needs_only_the_policy_roles() -> None:
    def with_opportunity(stage: str) -> Portfolio:
        o = Opportunity("O1", "A1", "ERP", Money(1e5, "CNY"), stage)
        return Portfolio(accounts("A1"), opportunities=[o])

    now = assign(("A1", "U1"))
    assert evaluate(with_opportunity("proposal"), [am("U1")], now, new_targets=["A1"]).gaps == ()
    # A won (closed) opportunity is no open one: the iron triangle is needed.
    (g,) = evaluate(with_opportunity("won"), [am("U1")], now, new_targets=["A1"]).gaps
    assert g.missing == (CLE, SM)
    assert g.iron_triangle


def test_policy_roles_are_required_of_every_account() -> None:
    p = Portfolio(accounts("A1", "A2"))
    policy = AllocationPolicy(roles=[AM, SM])
    members = [am("U1"), TeamMember("S1", "Sol", SM, 0)]
    e = evaluate(p, members, assign(("A1", "U1"), ("A2", "U1")), policy=policy)
    assert [(g.account_id, g.missing, g.reasons) for g in e.gaps] == [
        ("A1", (SM,), ("no_capacity",)),
        ("A2", (SM,), ("no_capacity",)),
    ]


def test_a_role_the_account_does_not_need_is_no_gap_but_counts_in_the_load() -> None:
    p = Portfolio(accounts("A1"))
    members = [am("U1"), TeamMember("S1", "Sol", SM, 1)]
    now = Allocation([Assignment("A1", "U1", AM), Assignment("A1", "S1", SM)])
    e = evaluate(p, members, now)
    assert e.gaps == ()
    assert e.current.extra == (Assignment("A1", "S1", SM),)
    assert [(x.member_id, x.load) for x in e.current.loads] == [("S1", 1), ("U1", 1)]
    # The optimum drops the unneeded assignment: a move to nobody.
    assert [(m.account_id, m.role, m.from_member, m.to_member) for m in e.moves] == [
        ("A1", SM, "S1", None)
    ]


# ------------------------------------------------------------------------------ mismatches
def test_a_member_matching_no_dimension_is_a_mismatch() -> None:
    p = Portfolio([account("A1", "energy", "west", ["erp"])])
    u1 = am("U1", industries=["retail"], regions=["east"], solutions=["crm"])
    (x,) = evaluate(p, [u1], assign(("A1", "U1"))).mismatches
    assert (x.account_id, x.role, x.member_id, x.reason) == ("A1", AM, "U1", "no_match")
    assert (x.matched, x.missed) == ((), EXPERTISE_DIMENSIONS)


def test_a_member_with_no_declared_expertise_is_not_judged() -> None:
    p = Portfolio(accounts("A1"))
    assert evaluate(p, [am("U1")], assign(("A1", "U1"))).mismatches == ()
    (x,) = evaluate(p, [am("U1", industries=["x"])], assign(("A1", "U1"))).mismatches
    assert x.reason == "no_match"


@pytest.mark.parametrize(
    ("member", "expected"),
    [
        # one dimension matches, no line: no mismatch
        (am("U1", industries=["energy"]), None),
        (am("U1", solutions=["erp", "crm"]), None),
        # on the region line, matching the industry but not the region: off its line
        (am("U1", industries=["energy"], line="region"), ("off_line", ("industry",))),
        # on the region line and in the region: fine
        (am("U1", regions=["west"], line="region"), None),
        # on the solution line, matching the industry only: off its line
        (am("U1", industries=["energy"], line="solution"), ("off_line", ("industry",))),
        # the support line is judged on the three dimensions only
        (am("U1", industries=["energy"], line="support"), None),
        (am("U1", regions=["north"], line="support"), ("no_match", ())),
        (am("U1", line="support"), None),  # declares no expertise: not judged
    ],
)
def test_mismatch_by_dimension_and_line(
    member: TeamMember, expected: tuple[str, tuple[str, ...]] | None
) -> None:
    p = Portfolio([account("A1", "energy", "west", ["erp"])])
    found = evaluate(p, [member], assign(("A1", "U1"))).mismatches
    if expected is None:
        assert found == ()
    else:
        (x,) = found
        assert (x.reason, x.matched) == expected
        assert x.line == member.line


def test_mismatches_sorted_by_account_and_role() -> None:
    p = Portfolio([account("A2", "energy"), account("A1", "energy")])
    members = [am("U1", industries=["x"]), TeamMember("S1", "Sol", SM, 5, regions=["x"])]
    now = Allocation(
        [
            Assignment("A2", "U1", AM),
            Assignment("A1", "S1", SM),
            Assignment("A1", "U1", AM),
        ]
    )
    found = evaluate(p, members, now, policy=AllocationPolicy(roles=[AM, SM])).mismatches
    assert [(x.account_id, x.role) for x in found] == [("A1", AM), ("A1", SM), ("A2", AM)]


# ------------------------------------------------------------------------------ optimum
def staffed(strength: float = 0.8) -> tuple[Portfolio, list[KeyPerson]]:
    people = [
        KeyPerson("U1", "Li", "our_staff"),
        KeyPerson("U2", "Wu", "our_staff"),
        KeyPerson("P1", "CEO", "customer", account_id="A1"),
    ]
    ties = [Relationship("U1", "P1", "influences", strength)]
    return Portfolio(accounts("A1"), people, ties), people


def test_continuity_cost_of_moving_an_account_away_from_its_relationships() -> None:
    p, _ = staffed(0.8)
    # U1 holds the relationship but has no capacity left: the optimum must move A1 to U2.
    members = [am("U1", 0), am("U2", 1)]
    e = evaluate(p, members, assign(("A1", "U1")), continuity_price=50)
    (m,) = e.moves
    assert (m.account_id, m.role, m.from_member, m.to_member) == ("A1", AM, "U1", "U2")
    assert m.strength_lost == 0.8
    assert m.continuity_cost == 40.0
    assert (m.gain, m.net_gain) == (-24.0, -64.0)
    assert e.strength_lost == 0.8
    assert e.continuity_cost == 40.0
    # Current: 100 + 30 x 0.8 = 124 (infeasible); optimum: 100. The gain is negative.
    assert (e.current.value, e.optimal_score.value) == (124.0, 100.0)  # type: ignore[union-attr]
    assert e.gain == -24.0
    assert e.net_gain == -64.0


def test_continuity_price_defaults_to_the_relationship_bonus() -> None:
    p, _ = staffed(0.5)
    members = [am("U1", 0), am("U2", 1)]
    e = evaluate(p, members, assign(("A1", "U1")))
    assert e.continuity_cost == 15.0  # 30 x 0.5
    e = evaluate(p, members, assign(("A1", "U1")), policy=AllocationPolicy(relationship_bonus=10))
    assert e.continuity_cost == 5.0


def test_a_move_away_from_a_member_without_relationships_costs_nothing() -> None:
    p, _ = staffed(0.8)
    # U2 is currently on A1; U1 (with the relationship) is the better choice.
    e = evaluate(p, [am("U1", 1), am("U2", 1)], assign(("A1", "U2")))
    (m,) = e.moves
    assert (m.from_member, m.to_member, m.strength_lost, m.continuity_cost) == (
        "U2",
        "U1",
        0.0,
        0.0,
    )
    assert e.gain == m.gain == 24.0
    assert e.net_gain == m.net_gain == 24.0


def test_the_same_person_staying_in_another_role_keeps_the_relationship() -> None:
    p, _ = staffed(0.8)
    # U1 serves A1 both as account manager and (as U1s) as solution manager.
    u1s = TeamMember("U1s", "Li", SM, 1, person_id="U1")
    members = [am("U1", 0), am("U2", 1), u1s]
    now = Allocation([Assignment("A1", "U1", AM), Assignment("A1", "U1s", SM)])
    e = evaluate(p, members, now, policy=AllocationPolicy(roles=[AM, SM]))
    assert e.optimal is not None
    assert e.optimal.member_of("A1", SM) == "U1s"
    (m,) = e.moves
    assert (m.from_member, m.to_member, m.strength_lost) == ("U1", "U2", 0.0)


def test_an_open_slot_filled_by_the_optimum_is_a_move_from_nobody() -> None:
    p = Portfolio(accounts("A1", "A2"))
    e = evaluate(p, [am("U1", 2)], assign(("A1", "U1")))
    (m,) = e.moves
    assert (m.account_id, m.from_member, m.to_member, m.strength_lost) == ("A2", None, "U1", 0.0)
    assert e.gain == 100.0


def test_the_optimum_is_the_one_allocate_finds() -> None:
    p, _ = staffed(0.8)
    members = [am("U1", 1), am("U2", 1)]
    e = evaluate(p, members, assign(("A1", "U2")))
    r = allocate(p, members, as_of=AS_OF)
    assert e.optimal == r.allocation
    assert e.optimal_score == r.score
    assert e.current == evaluate_allocation(assign(("A1", "U2")), p, members, as_of=AS_OF)


def test_weights_reach_the_objective() -> None:
    p = Portfolio(accounts("A1", "A2"))
    e = evaluate(p, [am("U1", 1)], assign(("A1", "U1")), weights={"A1": 1, "A2": 3})
    assert [(m.account_id, m.from_member, m.to_member) for m in e.moves] == [
        ("A1", "U1", None),
        ("A2", None, "U1"),
    ]
    assert e.gain == 200.0  # covering A2 (300) instead of A1 (100)


def test_optimise_false_leaves_the_optimum_out() -> None:
    p = Portfolio(accounts("A1", "A2"))
    e = evaluate(p, [am("U1", 1)], assign(("A1", "U1"), ("A2", "U1")), optimise=False)
    assert (e.optimal, e.optimal_score, e.gain, e.continuity_cost, e.net_gain) == (
        None,
        None,
        None,
        None,
        None,
    )
    assert (e.moves, e.strength_lost) == ((), 0.0)
    assert [o.member_id for o in e.overloaded] == ["U1"]


def test_an_empty_team_and_portfolio() -> None:
    e = evaluate(Portfolio(), [], Allocation())
    assert (e.overloaded, e.idle, e.teams, e.gaps, e.mismatches, e.moves) == ((),) * 6
    assert (e.gain, e.continuity_cost, e.net_gain) == (0.0, 0.0, 0.0)


# ------------------------------------------------------------------------------ rhythm
def test_the_six_month_boundary_both_sides() -> None:
    def at(as_of: dt.datetime) -> CoverageSchedule:
        e = coverage_evaluation(Portfolio(), [], Allocation(), as_of=as_of, last_evaluated=T0)
        return e.schedule

    due = dt.datetime(2025, 9, 1, 9, tzinfo=UTC)
    before, exactly, after = at(due - US), at(due), at(due + US)
    assert before.next_due == exactly.next_due == after.next_due == due
    assert (before.due, before.overdue) == (False, False)
    assert (exactly.due, exactly.overdue) == (True, False)
    assert (after.due, after.overdue, after.overdue_by) == (True, True, US)
    assert exactly.overdue_by == dt.timedelta(0)


def test_the_schedule_of_an_evaluation() -> None:
    e = coverage_evaluation(
        Portfolio(),
        [],
        Allocation(),
        as_of=dt.datetime(2025, 9, 1, 9, tzinfo=UTC) + US,
        last_evaluated=T0,
    )
    s = e.schedule
    assert (s.last_evaluated, s.every_months, s.due, s.overdue) == (T0, 6, True, True)
    assert s.as_of == e.as_of


def test_the_interval_is_a_parameter_and_months_clamp() -> None:
    last = dt.datetime(2025, 8, 31, tzinfo=UTC)
    s = CoverageSchedule.at(dt.datetime(2025, 9, 1, tzinfo=UTC), last_evaluated=last)
    assert s.next_due == dt.datetime(2026, 2, 28, tzinfo=UTC)
    s = CoverageSchedule.at(last, last_evaluated=last, every_months=3)
    assert s.next_due == dt.datetime(2025, 11, 30, tzinfo=UTC)
    assert (s.due, s.overdue) == (False, False)


def test_never_evaluated_is_due_not_overdue() -> None:
    s = evaluate(Portfolio(), [], Allocation()).schedule
    assert (s.last_evaluated, s.next_due, s.due, s.overdue) == (None, None, True, False)
    assert s.overdue_by == dt.timedelta(0)


def test_the_offset_of_the_last_evaluation_is_kept() -> None:
    tz = dt.timezone(dt.timedelta(hours=8))
    last = dt.datetime(2025, 3, 1, 9, tzinfo=tz)
    s = CoverageSchedule.at(dt.datetime(2025, 9, 1, 1, tzinfo=UTC), last_evaluated=last)
    assert s.next_due == dt.datetime(2025, 9, 1, 9, tzinfo=tz)
    assert (s.due, s.overdue) == (True, False)  # 01:00 UTC is exactly 09:00 +08:00


# ------------------------------------------------------------------------------ errors
def test_an_unknown_member_is_named() -> None:
    p = Portfolio(accounts("A1", "A2"))
    with pytest.raises(UnknownIdError) as e:
        evaluate(p, [am("U1")], assign(("A1", "U1"), ("A2", "U9")))
    assert e.value.path == "coverage_evaluation.allocation.assignments[1].member_id"
    assert e.value.value == "U9"


def test_an_unknown_account_is_named() -> None:
    with pytest.raises(UnknownIdError) as e:
        evaluate(Portfolio(accounts("A1")), [am("U1")], assign(("A9", "U1")))
    assert e.value.path == "coverage_evaluation.allocation.assignments[0].account_id"


def test_an_assignment_in_another_role_than_its_members() -> None:
    with pytest.raises(InvalidValueError) as e:
        evaluate(Portfolio(accounts("A1")), [am("U1")], assign(("A1", "U1"), role=SM))
    assert e.value.path == "coverage_evaluation.allocation.assignments[0].role"


@pytest.mark.parametrize(
    ("kw", "error", "path"),
    [
        ({"as_of": dt.datetime(2025, 1, 1)}, InvalidValueError, "coverage_evaluation.as_of"),
        ({"portfolio": []}, InvalidTypeError, "coverage_evaluation.portfolio"),
        ({"members": "U1"}, InvalidTypeError, "coverage_evaluation.members"),
        ({"members": [am("U1"), am("U1")]}, DuplicateIdError, "coverage_evaluation.members[1].id"),
        ({"allocation": [("A1", "U1")]}, InvalidTypeError, "coverage_evaluation.allocation"),
        ({"policy": {}}, InvalidTypeError, "coverage_evaluation.policy"),
        ({"new_targets": "A1"}, InvalidTypeError, "coverage_evaluation.new_targets"),
        ({"new_targets": ["A9"]}, UnknownIdError, "coverage_evaluation.new_targets[0]"),
        ({"new_targets": ["A1", "A1"]}, DuplicateIdError, "coverage_evaluation.new_targets[1]"),
        ({"new_targets": [1]}, InvalidTypeError, "coverage_evaluation.new_targets[0]"),
        ({"weights": {"A1": -1}}, InvalidValueError, "coverage_evaluation.weights['A1']"),
        ({"weights": {"A9": 1}}, UnknownIdError, "coverage_evaluation.weights"),
        ({"weights": [1]}, InvalidTypeError, "coverage_evaluation.weights"),
        ({"last_evaluated": AS_OF + US}, InvalidValueError, "coverage_evaluation.last_evaluated"),
        (
            {"last_evaluated": dt.datetime(2025, 1, 1)},
            InvalidValueError,
            "coverage_evaluation.last_evaluated",
        ),
        ({"last_evaluated": "2025-01-01"}, InvalidTypeError, "coverage_evaluation.last_evaluated"),
        ({"every_months": 0}, InvalidValueError, "coverage_evaluation.every_months"),
        ({"every_months": 1201}, InvalidValueError, "coverage_evaluation.every_months"),
        ({"every_months": 6.0}, InvalidTypeError, "coverage_evaluation.every_months"),
        ({"idle_below": 1.5}, InvalidValueError, "coverage_evaluation.idle_below"),
        ({"idle_below": -0.1}, InvalidValueError, "coverage_evaluation.idle_below"),
        ({"idle_below": float("nan")}, InvalidValueError, "coverage_evaluation.idle_below"),
        ({"continuity_price": -1}, InvalidValueError, "coverage_evaluation.continuity_price"),
        ({"continuity_price": "1"}, InvalidTypeError, "coverage_evaluation.continuity_price"),
        ({"optimise": 1}, InvalidTypeError, "coverage_evaluation.optimise"),
    ],
)
def test_bad_input_is_named(kw: dict[str, object], error: type[Exception], path: str) -> None:
    args: dict[str, object] = {
        "portfolio": Portfolio(accounts("A1")),
        "members": [am("U1")],
        "allocation": assign(("A1", "U1")),
        "as_of": AS_OF,
    }
    args.update(kw)
    with pytest.raises(error) as e:
        coverage_evaluation(**args)  # type: ignore[arg-type]
    assert e.value.path == path  # type: ignore[attr-defined]


def test_a_due_time_past_year_9999_is_named() -> None:
    last = dt.datetime(9999, 10, 1, tzinfo=UTC)
    with pytest.raises(InvalidValueError) as e:
        CoverageSchedule.at(last, last_evaluated=last)
    assert e.value.path == "CoverageSchedule.at.last_evaluated"


def test_the_inputs_are_not_mutated() -> None:
    members = [am("U2", 1), am("U1", 0)]
    targets = ["A1"]
    p = Portfolio(accounts("A1"))
    now = assign(("A1", "U1"))
    before = (list(members), list(targets), now)
    evaluate(p, members, now, new_targets=targets)
    assert (members, targets, now) == before


def test_the_codes_name_the_alert_fields() -> None:
    assert {"member_overloaded", "role_missing", "coverage_evaluation_overdue"} <= set(
        COVERAGE_CODES
    )
    for text in COVERAGE_CODES.values():
        assert "CoverageEvaluation." in text
    assert CoverageLine.REGION.value in EXPERTISE_DIMENSIONS


# ------------------------------------------------------------------------------ properties
INDUSTRIES = ("retail", "energy")
REGIONS = ("east", "west")
AREAS = ("erp", "crm")


@st.composite
def scenarios(
    draw: st.DrawFn, feasible: bool = False
) -> tuple[Portfolio, list[TeamMember], Allocation, list[str]]:
    n_accounts = draw(st.integers(1, 4))
    accs = [
        account(
            f"A{i}",
            draw(st.sampled_from(INDUSTRIES)),
            draw(st.sampled_from(REGIONS)),
            draw(st.lists(st.sampled_from(AREAS), unique=True, max_size=2)),
        )
        for i in range(n_accounts)
    ]
    n_members = draw(st.integers(1, 4))
    roles = draw(st.lists(st.sampled_from((AM, SM)), min_size=n_members, max_size=n_members))
    members = [
        TeamMember(
            f"U{j}",
            f"Member {j}",
            roles[j],
            draw(st.integers(0, 3)),
            industries=draw(st.lists(st.sampled_from(INDUSTRIES), unique=True, max_size=1)),
            regions=draw(st.lists(st.sampled_from(REGIONS), unique=True, max_size=1)),
            solutions=draw(st.lists(st.sampled_from(AREAS), unique=True, max_size=1)),
            line=draw(st.sampled_from([None, *CoverageLine])),
        )
        for j in range(n_members)
    ]
    people = [KeyPerson(f"U{j}", f"Staff {j}", "our_staff") for j in range(n_members)]
    people += [
        KeyPerson(f"P{i}", f"Contact {i}", "customer", account_id=f"A{i}")
        for i in range(n_accounts)
    ]
    ties = [
        Relationship(f"U{j}", f"P{i}", "influences", s)
        for j in range(n_members)
        for i in range(n_accounts)
        if (s := draw(st.sampled_from((0.0, 0.0, 0.3, 0.9)))) > 0
    ]
    load = dict.fromkeys((m.id for m in members), 0)
    chosen = []
    for a in accs:
        for role in (AM, SM):
            options = [m for m in members if m.role == role]
            if feasible:
                options = [m for m in options if load[m.id] < m.capacity]
            pick = draw(st.sampled_from([None, *options]))
            if pick is not None:
                load[pick.id] += 1
                chosen.append(Assignment(a.id, pick.id, role))
    targets = draw(st.lists(st.sampled_from([a.id for a in accs]), unique=True, max_size=2))
    return Portfolio(accs, people, ties), members, Allocation(chosen), targets


@given(scenarios(feasible=True), st.sampled_from([(AM,), (AM, SM)]))
def test_the_optimum_never_loses_against_a_feasible_allocation(
    scenario: tuple[Portfolio, list[TeamMember], Allocation, list[str]],
    roles: tuple[str, ...],
) -> None:
    p, members, now, targets = scenario
    e = evaluate(p, members, now, new_targets=targets, policy=AllocationPolicy(roles=roles))
    assert e.feasible
    assert e.gain is not None
    assert e.gain >= 0
    assert e.continuity_cost is not None
    assert e.net_gain == round(e.gain - e.continuity_cost, 3)
    # The moves' own gains and costs add up to the totals, exactly at the resolution.
    assert round(sum(m.gain for m in e.moves), 3) == e.gain
    assert round(sum(m.continuity_cost for m in e.moves), 3) == e.continuity_cost
    assert all(m.continuity_cost == 0 for m in e.moves if m.strength_lost == 0)


@given(scenarios(), st.randoms(use_true_random=False))
def test_the_answer_does_not_depend_on_input_order(
    scenario: tuple[Portfolio, list[TeamMember], Allocation, list[str]], rnd: random.Random
) -> None:
    p, members, now, targets = scenario

    def shuffled(xs: Sequence[object]) -> list[object]:
        out = list(xs)
        rnd.shuffle(out)
        return out

    q = Portfolio(
        shuffled(p.accounts),
        shuffled(p.people),
        shuffled(p.relationships),
    )
    again = Allocation(shuffled(now.assignments))
    first = evaluate(p, members, now, new_targets=targets)
    second = evaluate(q, shuffled(members), again, new_targets=shuffled(targets))  # type: ignore[arg-type]
    assert first == second


@given(scenarios())
def test_the_optimum_evaluated_gains_nothing_and_moves_nothing(
    scenario: tuple[Portfolio, list[TeamMember], Allocation, list[str]],
) -> None:
    p, members, now, targets = scenario
    first = evaluate(p, members, now, new_targets=targets)
    assert first.optimal is not None
    best = evaluate(p, members, first.optimal, new_targets=targets)
    assert (best.gain, best.moves, best.continuity_cost, best.net_gain) == (0.0, (), 0.0, 0.0)
    assert best.optimal == first.optimal
    assert best.feasible
    assert best.current == first.optimal_score
