"""Allocating accounts to team members (客户分配, source [002]) as an optimisation.

The optimum is checked against an exhaustive search on small instances; every capacity
holds; more capacity never lowers the optimum; the input order never shows; the result's
score is `evaluate_allocation` of its allocation. Examples pin the iron triangle of
[002], the tie-break by id, the resolution, the uncovered reasons, and every bad input.
"""

from __future__ import annotations

import datetime as dt
import functools
import random
from collections.abc import Sequence
from typing import TypeVar

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kamlib.errors import DuplicateIdError, InvalidTypeError, InvalidValueError, UnknownIdError
from kamlib.model import Account, KeyPerson, Money, Opportunity, Portfolio, Relationship
from kamlib.planning import (
    IRON_TRIANGLE,
    UNCOVERED_REASONS,
    VALUE_RESOLUTION,
    Allocation,
    AllocationPolicy,
    AllocationResult,
    Assignment,
    Role,
    TeamMember,
    allocate,
    evaluate_allocation,
    relationship_strengths,
)
from kamlib.scoring import ScoreTable

AS_OF = dt.datetime(2025, 6, 30, 12, tzinfo=dt.UTC)
T = TypeVar("T")
AM = Role.ACCOUNT_MANAGER.value
SM = Role.SOLUTION_MANAGER.value
EX = Role.CUSTOMER_LEADING_EXPERT.value


# ------------------------------------------------------------------------------ builders
def account(
    aid: str, industry: str = "retail", region: str = "east", areas: Sequence[str] = ()
) -> Account:
    return Account(
        aid,
        f"Customer {aid}",
        industry=industry,
        region=region,
        size_band="large",
        cooperation_start=dt.date(2024, 1, 1),
        cooperation_areas=tuple(areas),
    )


def member(mid: str, role: str = AM, capacity: int = 5, **kw: object) -> TeamMember:
    return TeamMember(mid, f"Member {mid}", role, capacity, **kw)


def portfolio(
    accounts: Sequence[Account],
    staff: Sequence[str] = (),
    ties: Sequence[tuple[str, str, float]] = (),
    opportunities: Sequence[Opportunity] = (),
) -> Portfolio:
    """One customer person ``<account>-C`` per account; ``ties`` (staff, account, strength)."""
    people = [KeyPerson(s, s, "our_staff") for s in staff]
    people += [KeyPerson(f"{a.id}-C", "Contact", "customer", account_id=a.id) for a in accounts]
    rels = [Relationship(s, f"{a}-C", "influences", w) for s, a, w in ties]
    return Portfolio(list(accounts), people, rels, opportunities=list(opportunities))


def pairs(r: AllocationResult) -> list[tuple[str, str, str]]:
    return [(a.account_id, a.role, a.member_id) for a in r.allocation.assignments]


def opportunity(oid: str, aid: str, stage: str = "proposal") -> Opportunity:
    return Opportunity(oid, aid, "deal", Money(1e5, "CNY"), stage)


THREE = [account("A1"), account("A2"), account("A3")]


# ------------------------------------------------------------------------------ policy
def test_policy_defaults_are_kamlibs_own() -> None:
    p = AllocationPolicy()
    assert (p.coverage_value, p.industry_bonus, p.region_bonus, p.solution_bonus) == (
        100.0,
        10.0,
        10.0,
        10.0,
    )
    assert p.relationship_bonus == 30.0
    assert p.roles == (AM,)
    assert AllocationPolicy(roles=[Role.SOLUTION_MANAGER, "partner"]).roles == (SM, "partner")
    assert AllocationPolicy(coverage_value=0, relationship_bonus=1e12).coverage_value == 0.0
    assert AllocationPolicy(roles=()).roles == ()


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("coverage_value", -0.001, InvalidValueError),
        ("industry_bonus", 1e12 + 1e6, InvalidValueError),
        ("region_bonus", float("nan"), InvalidValueError),
        ("solution_bonus", "10", InvalidTypeError),
        ("relationship_bonus", True, InvalidTypeError),
        ("roles", "account_manager", InvalidTypeError),
    ],
)
def test_policy_refuses(field: str, value: object, error: type[Exception]) -> None:
    with pytest.raises(error, match=f"AllocationPolicy.{field}"):
        AllocationPolicy(**{field: value})


def test_policy_refuses_bad_roles() -> None:
    with pytest.raises(InvalidValueError, match=r"AllocationPolicy.roles\[1\]: is listed twice"):
        AllocationPolicy(roles=[AM, Role.ACCOUNT_MANAGER])
    with pytest.raises(InvalidValueError, match=r"AllocationPolicy.roles\[0\]"):
        AllocationPolicy(roles=[""])


# ------------------------------------------------------------------------------ capacity
def test_capacity_exactly_met_covers_every_account() -> None:
    r = allocate(portfolio(THREE), [member("U1", capacity=3)], as_of=AS_OF)
    assert pairs(r) == [("A1", AM, "U1"), ("A2", AM, "U1"), ("A3", AM, "U1")]
    assert r.uncovered == ()
    assert r.score.value == 300.0
    assert [(m.member_id, m.load, m.spare, m.over) for m in r.score.loads] == [("U1", 3, 0, False)]


def test_capacity_one_short_leaves_the_lightest_account() -> None:
    w = {"A1": 1.0, "A2": 0.5, "A3": 2.0}
    r = allocate(portfolio(THREE), [member("U1", capacity=2)], as_of=AS_OF, weights=w)
    assert pairs(r) == [("A1", AM, "U1"), ("A3", AM, "U1")]
    assert [(u.account_id, u.role, u.value, u.reason) for u in r.uncovered] == [
        ("A2", AM, 50.0, "at_capacity")
    ]
    assert r.score.missing_value == 50.0
    assert r.score.value == 300.0


def test_capacity_short_with_equal_weights_covers_the_smaller_ids() -> None:
    r = allocate(portfolio(THREE), [member("U1", capacity=2)], as_of=AS_OF)
    assert [u.account_id for u in r.uncovered] == ["A3"]


def test_members_with_smaller_ids_are_used_first_on_a_tie() -> None:
    team = [member("U2", capacity=3), member("U1", capacity=3)]
    r = allocate(portfolio(THREE[:2]), team, as_of=AS_OF)
    assert pairs(r) == [("A1", AM, "U1"), ("A2", AM, "U1")]


def test_interchangeable_slots_go_in_account_order_to_members_in_id_order() -> None:
    team = [member("U2", capacity=1), member("U1", capacity=1)]
    r = allocate(portfolio(THREE[:2]), team, as_of=AS_OF)
    assert pairs(r) == [("A1", AM, "U1"), ("A2", AM, "U2")]


def test_a_weightless_account_is_still_covered_when_capacity_is_free() -> None:
    r = allocate(portfolio(THREE[:2]), [member("U1")], as_of=AS_OF, weights={"A1": 0, "A2": 1})
    assert pairs(r) == [("A1", AM, "U1"), ("A2", AM, "U1")]
    assert r.score.assignments[0].coverage == 0.0


def test_resolution_boundary() -> None:
    """Coverage values closer than VALUE_RESOLUTION are a tie (the smaller id wins)."""
    assert VALUE_RESOLUTION == 0.001
    policy = AllocationPolicy(coverage_value=1)
    team = [member("U1", capacity=1)]
    tie = allocate(portfolio(THREE[:2]), team, as_of=AS_OF, policy=policy,
                   weights={"A1": 1.0, "A2": 1.0004})  # fmt: skip
    assert [a.account_id for a in tie.allocation.assignments] == ["A1"]
    apart = allocate(portfolio(THREE[:2]), team, as_of=AS_OF, policy=policy,
                     weights={"A1": 1.0, "A2": 1.001})  # fmt: skip
    assert [a.account_id for a in apart.allocation.assignments] == ["A2"]
    assert apart.score.value == 1.001


def test_zero_capacity_member_serves_nothing() -> None:
    r = allocate(portfolio(THREE[:1]), [member("U1", capacity=0)], as_of=AS_OF)
    assert r.allocation.assignments == ()
    assert [u.reason for u in r.uncovered] == ["no_capacity"]


# ------------------------------------------------------------------------------ iron triangle
def test_new_target_without_an_open_opportunity_gets_the_iron_triangle() -> None:
    team = [member("E1", EX), member("U1", AM), member("S1", SM)]
    p = portfolio([account("A1"), account("A2")], opportunities=[opportunity("O1", "A1", "won")])
    r = allocate(p, team, as_of=AS_OF, new_targets=["A1"])
    assert set(IRON_TRIANGLE) == {EX, AM, SM}
    assert pairs(r) == [("A1", AM, "U1"), ("A1", EX, "E1"), ("A1", SM, "S1"), ("A2", AM, "U1")]


def test_new_target_with_an_open_opportunity_gets_the_policy_roles_only() -> None:
    team = [member("E1", EX), member("U1", AM), member("S1", SM)]
    p = portfolio([account("A1")], opportunities=[opportunity("O1", "A1", "proposal")])
    r = allocate(p, team, as_of=AS_OF, new_targets=["A1"])
    assert pairs(r) == [("A1", AM, "U1")]


def test_iron_triangle_adds_to_the_policy_roles() -> None:
    team = [member("E1", EX), member("U1", AM), member("S1", SM), member("P1", "partner")]
    policy = AllocationPolicy(roles=["partner", AM])
    r = allocate(portfolio([account("A1")]), team, as_of=AS_OF, policy=policy, new_targets=["A1"])
    assert [x[1] for x in pairs(r)] == [AM, EX, "partner", SM]


def test_iron_triangle_without_an_expert_reports_the_missing_role() -> None:
    team = [member("U1", AM), member("S1", SM)]
    r = allocate(portfolio([account("A1")]), team, as_of=AS_OF, new_targets=["A1"])
    assert [(u.account_id, u.role, u.reason) for u in r.uncovered] == [("A1", EX, "no_member")]


# ------------------------------------------------------------------------------ preferences
def test_relationships_pull_an_account_to_the_member_who_holds_them() -> None:
    team = [member("U1", capacity=1), member("U2", capacity=1)]
    p = portfolio(THREE[:2], staff=["U1", "U2"], ties=[("U2", "A1", 0.5)])
    r = allocate(p, team, as_of=AS_OF)
    assert pairs(r) == [("A1", AM, "U2"), ("A2", AM, "U1")]
    (v, _) = r.score.assignments
    assert (v.strength, v.relationship, v.value) == (0.5, 15.0, 115.0)
    assert r.score.relationship == 15.0


def test_expertise_matches_each_add_their_bonus() -> None:
    a = account("A1", industry="energy", region="north", areas=["cloud", "erp"])
    team = [
        member("U1", capacity=1, industries=["energy"]),
        member("U2", capacity=1, regions=["north"], solutions=["erp", "cloud"]),
    ]
    r = allocate(portfolio([a]), team, as_of=AS_OF)
    (v,) = r.score.assignments
    assert (v.member_id, v.industry, v.region, v.solution, v.expertise) == (
        "U2",
        False,
        True,
        True,
        20.0,
    )  # the solution bonus counts once, however many areas match
    assert r.score.value == 120.0


def test_bonus_worth_more_than_coverage_can_move_coverage() -> None:
    """A policy whose bonus outweighs coverage prefers a matched light account."""
    accts = [account("A1", industry="energy"), account("A2")]
    team = [member("U1", capacity=1, industries=["energy"])]
    policy = AllocationPolicy(coverage_value=1, industry_bonus=5)
    r = allocate(portfolio(accts), team, as_of=AS_OF, policy=policy, weights={"A1": 1, "A2": 4})
    assert pairs(r) == [("A1", AM, "U1")]
    assert r.score.value == 6.0


def test_weights_from_a_score_table() -> None:
    table = ScoreTable.from_scores(["A1", "A2", "A3"], [10.0, 30.0, 20.0], scorer="points")
    r = allocate(portfolio(THREE), [member("U1", capacity=1)], as_of=AS_OF, weights=table)
    assert pairs(r) == [("A2", AM, "U1")]
    assert r.score.value == 3000.0


def test_accounts_limits_what_is_covered() -> None:
    r = allocate(portfolio(THREE), [member("U1")], as_of=AS_OF, accounts=["A3", "A1"],
                 weights={"A1": 1.0, "A3": 2.0})  # fmt: skip
    assert [a.account_id for a in r.allocation.assignments] == ["A1", "A3"]


# ------------------------------------------------------------------------------ strengths
def test_relationship_strengths_take_the_strongest_standing_tie() -> None:
    accts = [account("A1"), account("A2")]
    people = [
        KeyPerson("U1", "Li", "our_staff"),
        KeyPerson("P1", "CEO", "customer", account_id="A1"),
        KeyPerson("P2", "CIO", "customer", account_id="A1"),
        KeyPerson("P3", "Gone", "customer", account_id="A2", left_on=AS_OF.date()),
        KeyPerson("P4", "Stays", "customer", account_id="A2",
                  left_on=AS_OF.date() + dt.timedelta(days=1)),
    ]  # fmt: skip
    rels = [
        Relationship("U1", "P1", "influences", 0.4),
        Relationship("P2", "U1", "influences", 0.7),  # the other direction counts
        Relationship("U1", "P3", "influences", 0.9),  # left on as_of's day: not counted
        Relationship("U1", "P4", "influences", 0.2),  # leaves the day after: counted
        Relationship("U1", "P4", "influences", 1.0, "O1"),  # one deal's tie: not counted
        Relationship("U1", "P2", "influences", 0.0),
    ]
    p = Portfolio(accts, people, rels, opportunities=[opportunity("O1", "A2")])
    team = [member("U1"), member("U1-SM", SM, person_id="U1"), member("X9")]
    s = relationship_strengths(p, team, as_of=AS_OF)
    assert dict(s) == {("U1", "A1"): 0.7, ("U1", "A2"): 0.2, ("U1-SM", "A1"): 0.7,
                       ("U1-SM", "A2"): 0.2}  # fmt: skip
    with pytest.raises(TypeError):
        s[("U1", "A1")] = 1.0  # type: ignore[index]  # read-only on purpose


def test_relationship_strengths_errors() -> None:
    p = portfolio(THREE)
    with pytest.raises(InvalidTypeError, match=r"relationship_strengths.portfolio"):
        relationship_strengths([], [], as_of=AS_OF)  # type: ignore[arg-type]  # bad input
    with pytest.raises(InvalidValueError, match=r"relationship_strengths.as_of"):
        relationship_strengths(p, [], as_of=dt.datetime(2025, 1, 1))
    with pytest.raises(DuplicateIdError, match=r"relationship_strengths.members\[1\].id"):
        relationship_strengths(p, [member("U1"), member("U1")], as_of=AS_OF)


# ------------------------------------------------------------------------------ evaluate
def test_evaluate_scores_a_given_allocation() -> None:
    p = portfolio(THREE, staff=["U1"], ties=[("U1", "A2", 1.0)])
    team = [member("U1", capacity=1, regions=["east"]), member("U2", capacity=5), member("S1", SM)]
    today = Allocation([
        Assignment("A1", "U1", AM),
        Assignment("A2", "U1", AM),
        Assignment("A2", "S1", SM),  # not a required slot: extra
    ])  # fmt: skip
    s = evaluate_allocation(today, p, team, as_of=AS_OF)
    assert (s.value, s.coverage, s.expertise, s.relationship) == (250.0, 200.0, 20.0, 30.0)
    assert [(u.account_id, u.reason) for u in s.missing] == [("A3", "not_assigned")]
    assert s.extra == (Assignment("A2", "S1", SM),)
    assert (s.feasible, s.overloaded) == (False, ("U1",))
    assert [(m.member_id, m.load, m.capacity) for m in s.loads] == [
        ("S1", 1, 5),
        ("U1", 2, 1),
        ("U2", 0, 5),
    ]


def test_uncovered_reasons() -> None:
    assert set(UNCOVERED_REASONS) == {"no_member", "no_capacity", "at_capacity", "not_assigned"}
    team = [member("U1", capacity=1), member("S1", SM, capacity=0)]
    policy = AllocationPolicy(roles=[AM, SM, "partner"])
    r = allocate(portfolio(THREE[:2]), team, as_of=AS_OF, policy=policy)
    assert [(u.account_id, u.role, u.reason) for u in r.uncovered] == [
        ("A1", "partner", "no_member"),
        ("A1", SM, "no_capacity"),
        ("A2", AM, "at_capacity"),
        ("A2", "partner", "no_member"),
        ("A2", SM, "no_capacity"),
    ]
    assert r.uncovered == r.score.missing


def test_evaluate_errors() -> None:
    p = portfolio(THREE)
    team = [member("U1")]
    with pytest.raises(InvalidTypeError, match=r"evaluate_allocation.allocation"):
        evaluate_allocation([], p, team, as_of=AS_OF)  # type: ignore[arg-type]  # bad input
    with pytest.raises(
        UnknownIdError, match=r"evaluate_allocation.allocation.assignments\[0\].member_id"
    ):
        evaluate_allocation(Allocation([Assignment("A1", "U9", AM)]), p, team, as_of=AS_OF)
    with pytest.raises(InvalidValueError, match=r"assignments\[0\].role"):
        evaluate_allocation(Allocation([Assignment("A1", "U1", SM)]), p, team, as_of=AS_OF)
    with pytest.raises(UnknownIdError, match=r"assignments\[0\].account_id"):
        evaluate_allocation(Allocation([Assignment("A9", "U1", AM)]), p, team, as_of=AS_OF)


# ------------------------------------------------------------------------------ errors
@pytest.mark.parametrize(
    ("kwargs", "error", "path"),
    [
        ({"weights": {"A1": -1.0, "A2": 1, "A3": 1}}, InvalidValueError,
         r"allocate.weights\['A1'\]"),
        ({"weights": {"A1": 1.0, "A2": 1}}, UnknownIdError, "allocate.weights: has no weight"),
        ({"weights": {"A1": 1, "A2": 1, "A3": 1, "A9": 1}}, UnknownIdError, "allocate.weights"),
        ({"weights": {1: 1.0}}, InvalidTypeError, "allocate.weights"),
        ({"weights": [1.0]}, InvalidTypeError, "allocate.weights"),
        ({"weights": {"A1": "1", "A2": 1, "A3": 1}}, InvalidTypeError, r"allocate.weights\['A1'\]"),
        ({"accounts": ["A1", "A9"]}, UnknownIdError, r"allocate.accounts\[1\]"),
        ({"accounts": ["A1", "A1"]}, DuplicateIdError, r"allocate.accounts\[1\]"),
        ({"accounts": "A1"}, InvalidTypeError, "allocate.accounts"),
        ({"accounts": [1]}, InvalidTypeError, r"allocate.accounts\[0\]"),
        ({"new_targets": ["A9"]}, UnknownIdError, r"allocate.new_targets\[0\]"),
        ({"new_targets": ["A2"], "accounts": ["A1"], "weights": None}, UnknownIdError,
         r"allocate.new_targets\[0\]: is not among the accounts to cover"),
        ({"policy": None}, InvalidTypeError, "allocate.policy"),
        ({"as_of": dt.datetime(2025, 1, 1)}, InvalidValueError, "allocate.as_of"),
    ],
)  # fmt: skip
def test_allocate_refuses(kwargs: dict[str, object], error: type[Exception], path: str) -> None:
    args: dict[str, object] = {"as_of": AS_OF, **kwargs}
    with pytest.raises(error, match=path):
        allocate(portfolio(THREE), [member("U1")], **args)  # type: ignore[arg-type]  # bad input


def test_allocate_refuses_bad_members_and_portfolio() -> None:
    with pytest.raises(DuplicateIdError, match=r"allocate.members\[1\].id"):
        allocate(portfolio(THREE), [member("U1"), member("U1", SM)], as_of=AS_OF)
    with pytest.raises(InvalidTypeError, match=r"allocate.members\[0\]"):
        allocate(portfolio(THREE), ["U1"], as_of=AS_OF)  # type: ignore[list-item]  # bad input
    with pytest.raises(InvalidTypeError, match=r"allocate.portfolio"):
        allocate(None, [], as_of=AS_OF)  # type: ignore[arg-type]  # bad input
    with pytest.raises(InvalidValueError, match=r"TeamMember.capacity"):
        member("U1", capacity=-1)


def test_score_table_weights_are_checked() -> None:
    unknown = ScoreTable.from_scores(["A1", "A9"], [1.0, 1.0], scorer="points")
    with pytest.raises(UnknownIdError, match=r"allocate.weights.ids\[1\]"):
        allocate(portfolio(THREE), [member("U1")], as_of=AS_OF, weights=unknown)
    negative = ScoreTable.from_scores(["A1", "A2", "A3"], [1.0, -2.0, 1.0], scorer="points")
    with pytest.raises(InvalidValueError, match=r"allocate.weights.scores\[1\]"):
        allocate(portfolio(THREE), [member("U1")], as_of=AS_OF, weights=negative)


def test_inputs_are_not_mutated() -> None:
    w = {"A1": 1.0, "A2": 2.0, "A3": 3.0}
    team = [member("U2", capacity=1), member("U1", capacity=1)]
    allocate(portfolio(THREE), team, as_of=AS_OF, weights=w)
    assert w == {"A1": 1.0, "A2": 2.0, "A3": 3.0}
    assert [m.id for m in team] == ["U2", "U1"]


# ------------------------------------------------------------------------------ properties
INDUSTRIES = ("i1", "i2")
REGIONS = ("r1", "r2")
SOLUTIONS = ("s1", "s2", "s3")
VALUES = st.sampled_from([0.0, 0.5, 1.0, 2.5, 10.0, 30.0, 100.0])


@attrs.frozen
class Instance:
    portfolio: Portfolio
    members: tuple[TeamMember, ...]
    weights: dict[str, float] | None
    policy: AllocationPolicy
    new_targets: tuple[str, ...]

    def run(self, **kw: object) -> AllocationResult:
        args: dict[str, object] = {
            "as_of": AS_OF,
            "weights": self.weights,
            "policy": self.policy,
            "new_targets": self.new_targets,
            **kw,
        }
        return allocate(self.portfolio, self.members, **args)  # type: ignore[arg-type]


@st.composite
def instances(draw: st.DrawFn, max_accounts: int = 3, max_members: int = 4) -> Instance:
    n = draw(st.integers(1, max_accounts))
    accts = [
        account(
            f"A{i}",
            draw(st.sampled_from(INDUSTRIES)),
            draw(st.sampled_from(REGIONS)),
            draw(st.lists(st.sampled_from(SOLUTIONS), max_size=2, unique=True)),
        )
        for i in range(n)
    ]
    roles = draw(st.sampled_from([(AM,), (AM, SM)]))
    targets = tuple(draw(st.lists(st.sampled_from([a.id for a in accts]), max_size=1, unique=True)))
    possible = [*roles, *(IRON_TRIANGLE if targets else ())]
    members = [
        member(
            f"U{j}",
            draw(st.sampled_from(possible)),
            draw(st.integers(0, 3)),
            industries=draw(st.lists(st.sampled_from(INDUSTRIES), max_size=2, unique=True)),
            regions=draw(st.lists(st.sampled_from(REGIONS), max_size=1, unique=True)),
            solutions=draw(st.lists(st.sampled_from(SOLUTIONS), max_size=2, unique=True)),
        )
        for j in range(draw(st.integers(1, max_members)))
    ]
    people = [KeyPerson(m.id, m.id, "our_staff") for m in members]
    people += [KeyPerson(f"{a.id}-C{k}", "c", "customer", account_id=a.id,
                         left_on=draw(st.sampled_from([None, AS_OF.date()])))
               for a in accts for k in range(2)]  # fmt: skip
    rels = []
    for m in members:
        for a in accts:
            for k in range(2):
                if draw(st.booleans()) and draw(st.booleans()):
                    w = draw(st.sampled_from([0.1, 0.25, 0.5, 0.8, 1.0]))
                    pair = (m.id, f"{a.id}-C{k}")
                    src, dst = pair if draw(st.booleans()) else pair[::-1]
                    rels.append(Relationship(src, dst, "influences", w))
    opps = [opportunity(f"O{t}", t, draw(st.sampled_from(["proposal", "won"]))) for t in targets
            if draw(st.booleans())]  # fmt: skip
    weights = draw(st.none() | st.fixed_dictionaries(
        {a.id: st.sampled_from([0.0, 0.3, 1.0, 1.0, 2.0, 5.0]) for a in accts}))  # fmt: skip
    policy = AllocationPolicy(
        coverage_value=draw(st.sampled_from([1.0, 10.0, 100.0])),
        industry_bonus=draw(VALUES),
        region_bonus=draw(VALUES),
        solution_bonus=draw(VALUES),
        relationship_bonus=draw(VALUES),
        roles=roles,
    )
    p = Portfolio(accts, people, rels, opportunities=opps)
    return Instance(p, tuple(members), weights, policy, targets)


def _units(x: float) -> int:
    return round(x / VALUE_RESOLUTION)


def brute_force(inst: Instance) -> int:
    """The optimum (in value units) by exhaustive search over every feasible allocation.

    The slots come from scoring the empty allocation; each (slot, member) value from
    scoring that one assignment alone (the objective is a sum over assignments).
    """
    kw = {"as_of": AS_OF, "weights": inst.weights, "policy": inst.policy,
          "new_targets": inst.new_targets}  # fmt: skip
    slots = [(u.account_id, u.role) for u in
             evaluate_allocation(Allocation(), inst.portfolio, inst.members, **kw).missing]  # type: ignore[arg-type]  # fmt: skip
    members = sorted(inst.members, key=lambda m: m.id)
    value: dict[tuple[int, int], int] = {}
    for s, (a, r) in enumerate(slots):
        for j, m in enumerate(members):
            if m.role == r and m.capacity > 0:
                one = Allocation([Assignment(a, m.id, r)])
                score = evaluate_allocation(one, inst.portfolio, inst.members, **kw)  # type: ignore[arg-type]
                value[(s, j)] = _units(score.value)

    @functools.cache
    def best(s: int, left: tuple[int, ...]) -> int:
        if s == len(slots):
            return 0
        out = best(s + 1, left)  # leave the slot uncovered
        for j in range(len(members)):
            if (s, j) in value and left[j] > 0:
                rest = (*left[:j], left[j] - 1, *left[j + 1 :])
                out = max(out, value[(s, j)] + best(s + 1, rest))
        return out

    return best(0, tuple(m.capacity for m in members))


@given(instances())
def test_optimum_equals_exhaustive_search(inst: Instance) -> None:
    r = inst.run()
    assert _units(r.score.value) == brute_force(inst)


@given(instances())
def test_capacities_hold_and_roles_match(inst: Instance) -> None:
    r = inst.run()
    team = {m.id: m for m in inst.members}
    assert r.score.feasible
    for load in r.score.loads:
        assert load.load <= team[load.member_id].capacity
    for a in r.allocation.assignments:
        assert team[a.member_id].role == a.role
    for u in r.uncovered:
        assert u.reason in {"no_member", "no_capacity", "at_capacity"}  # never not_assigned


@given(instances())
def test_score_is_evaluate_of_the_allocation(inst: Instance) -> None:
    r = inst.run()
    again = evaluate_allocation(r.allocation, inst.portfolio, inst.members, as_of=AS_OF,
                                weights=inst.weights, policy=inst.policy,
                                new_targets=inst.new_targets)  # fmt: skip
    assert again == r.score
    assert r.uncovered == r.score.missing
    parts = _units(r.score.coverage) + _units(r.score.expertise) + _units(r.score.relationship)
    assert parts == _units(r.score.value)


@given(instances(), st.data())
def test_more_capacity_never_lowers_the_optimum(inst: Instance, data: st.DataObject) -> None:
    j = data.draw(st.integers(0, len(inst.members) - 1))
    extra = data.draw(st.integers(1, 2))
    grown = list(inst.members)
    grown[j] = attrs.evolve(grown[j], capacity=grown[j].capacity + extra)
    before = inst.run().score.value
    after = attrs.evolve(inst, members=tuple(grown)).run().score.value
    assert after >= before


@given(instances(max_accounts=8, max_members=5), st.randoms(use_true_random=False))
def test_input_order_never_shows(inst: Instance, rnd: random.Random) -> None:
    p = inst.portfolio

    def shuffled(items: Sequence[T]) -> list[T]:
        out = list(items)
        rnd.shuffle(out)
        return out

    q = Portfolio(shuffled(p.accounts), shuffled(p.people), shuffled(p.relationships),
                  opportunities=shuffled(p.opportunities))  # fmt: skip
    weights = None if inst.weights is None else dict(shuffled(list(inst.weights.items())))
    other = Instance(q, tuple(shuffled(inst.members)), weights, inst.policy,
                     tuple(shuffled(inst.new_targets)))  # fmt: skip
    accounts = shuffled([a.id for a in p.accounts])
    assert other.run(accounts=accounts) == inst.run()


@given(instances(max_accounts=4, max_members=3))
def test_strengths_are_those_the_score_reads(inst: Instance) -> None:
    r = inst.run()
    s = relationship_strengths(inst.portfolio, inst.members, as_of=AS_OF)
    assert all(0 < v <= 1 for v in s.values())
    assert list(s) == sorted(s)
    for v in r.score.assignments:
        assert v.strength == s.get((v.member_id, v.account_id), 0.0)


def plain_flow(inst: Instance) -> int:
    """The optimum (in value units) of the unreduced flow: an edge per slot and member."""
    import networkx as nx

    kw = {"as_of": AS_OF, "weights": inst.weights, "policy": inst.policy,
          "new_targets": inst.new_targets}  # fmt: skip
    empty = evaluate_allocation(Allocation(), inst.portfolio, inst.members, **kw)  # type: ignore[arg-type]
    G: nx.DiGraph[object] = nx.DiGraph()
    G.add_node("T", demand=len(empty.missing))
    for u in empty.missing:
        slot = (u.account_id, u.role)
        G.add_node(slot, demand=-1)
        G.add_edge(slot, "T", weight=0)
        for m in inst.members:
            if m.role == u.role and m.capacity > 0:
                one = Allocation([Assignment(u.account_id, m.id, u.role)])
                value = evaluate_allocation(one, inst.portfolio, inst.members, **kw).value  # type: ignore[arg-type]
                G.add_edge(slot, m.id, weight=-_units(value))
    for m in inst.members:
        if m.capacity > 0:
            G.add_edge(m.id, "T", capacity=m.capacity, weight=0)
    cost, _ = nx.network_simplex(G)
    return -int(cost)


@given(instances(max_accounts=10, max_members=5))
def test_optimum_equals_the_unreduced_flow(inst: Instance) -> None:
    """Larger instances than the exhaustive search: the reduced graph loses nothing."""
    assert _units(inst.run().score.value) == plain_flow(inst)
