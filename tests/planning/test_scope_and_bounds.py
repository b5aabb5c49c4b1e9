"""Coverage on a scope of accounts, and the bounds a review of the planning code found open."""

from __future__ import annotations

import datetime as dt

import pytest

from kamlib.errors import InvalidValueError
from kamlib.model import Account, KeyPerson, Money, Opportunity, Portfolio, Relationship
from kamlib.planning import (
    AccountPlan,
    Allocation,
    Assignment,
    OpportunityTarget,
    TeamMember,
    allocate,
    coverage_evaluation,
    plan_execution,
    relationship_strengths,
)

T = dt.datetime(2025, 6, 1, tzinfo=dt.UTC)
AM = "account_manager"


def _account(aid: str) -> Account:
    return Account(
        aid, aid, industry="retail", region="east", size_band="large",
        cooperation_start=dt.date(2024, 1, 1),
    )  # fmt: skip


def _portfolio(*ids: str, people: list[KeyPerson] | None = None,
               relationships: list[Relationship] | None = None) -> Portfolio:  # fmt: skip
    return Portfolio([_account(a) for a in ids], people or [], relationships=relationships or [])


# ------------------------------------------------------------------------ coverage scope
def test_only_the_scoped_accounts_need_a_role_but_every_assignment_is_load() -> None:
    p = _portfolio("A1", "A2", "A3")
    team = [TeamMember("U1", "Li", AM, 2)]
    now = Allocation([Assignment("A3", "U1", AM)])  # serves a non-key account
    e = coverage_evaluation(p, team, now, as_of=T, accounts=["A1"], optimise=False)
    assert [g.account_id for g in e.gaps] == ["A1"]  # A2 is not in scope: needs nothing
    everywhere = coverage_evaluation(p, team, now, as_of=T, optimise=False)
    assert [g.account_id for g in everywhere.gaps] == ["A1", "A2"]
    (load,) = e.current.loads
    assert load.load == 1  # the assignment outside the scope still counts


def test_the_optimum_on_a_scope_keeps_the_outside_load_and_moves_nothing_outside() -> None:
    p = _portfolio("A1", "A2", "A3")
    team = [TeamMember("U1", "Li", AM, 2), TeamMember("U2", "Wu", AM, 1)]
    now = Allocation([Assignment("A3", "U1", AM), Assignment("A2", "U2", AM)])
    e = coverage_evaluation(p, team, now, as_of=T, accounts=["A1", "A2"])
    assert e.optimal is not None
    assert e.optimal.member_of("A3", AM) == "U1"  # outside the scope: as it was
    assert e.optimal_score is not None
    assert e.optimal_score.feasible  # U1 keeps A3 and takes one more, within its 2
    assert all(m.account_id != "A3" for m in e.moves)
    assert e.gain is not None
    assert e.gain > 0  # A1 gets covered


# ------------------------------------------------------------------------------ bounds
@pytest.mark.parametrize("weight", [1e307, float("inf")])
def test_a_weight_beyond_the_policy_bound_is_named(weight: float) -> None:
    p = _portfolio("A1", "A2")
    team = [TeamMember("U1", "Li", AM, 2)]
    with pytest.raises(InvalidValueError, match=r"allocate\.weights\['A1'\]"):
        allocate(p, team, as_of=T, weights={"A1": weight, "A2": 1.0})


def test_opportunities_summing_beyond_floats_name_the_target() -> None:
    big = [Opportunity(f"O{i}", "A1", "deal", Money(1e308, "CNY"), "proposal") for i in (1, 2)]
    p = Portfolio([_account("A1")], opportunities=big)
    plan = AccountPlan(
        "A1", T, priority=1,
        opportunity_targets=[OpportunityTarget.pipeline(Money(1.0, "CNY"), T)],
    )  # fmt: skip
    with pytest.raises(InvalidValueError, match=r"plan\.opportunity_targets\[0\]\.value"):
        plan_execution(plan, p, as_of=T)


def test_a_review_months_error_names_review_months_even_with_targets() -> None:
    late = dt.datetime(9999, 11, 1, tzinfo=dt.UTC)
    plan = AccountPlan(
        "A1", late, priority=1,
        opportunity_targets=[OpportunityTarget.pipeline(Money(1.0, "CNY"), late)],
    )  # fmt: skip
    with pytest.raises(InvalidValueError, match=r"^plan_execution\.review_months"):
        plan_execution(plan, _portfolio("A1"), as_of=late)


# ------------------------------------------------------------------ whose relationships
def test_only_our_people_in_role_hold_relationships() -> None:
    people = [
        KeyPerson("C1", "CEO", "customer", account_id="A1"),
        KeyPerson("C2", "CFO", "customer", account_id="A1"),
        KeyPerson("S1", "Li", "our_staff"),
        KeyPerson("S2", "Wu", "our_staff", left_on=dt.date(2024, 12, 31)),
    ]
    ties = [
        Relationship("C1", "C2", "reports_to", 0.9),
        Relationship("S1", "C1", "influences", 0.6),
        Relationship("S2", "C2", "influences", 0.8),
    ]
    p = _portfolio("A1", people=people, relationships=ties)
    team = [
        TeamMember("S1", "Li", AM, 1),
        TeamMember("S2", "Wu", AM, 1),  # left before as_of: no hold any more
        TeamMember("C1", "CEO as member", AM, 1),  # a customer person is nobody's hold
    ]
    assert dict(relationship_strengths(p, team, as_of=T)) == {("S1", "A1"): 0.6}


def test_a_member_without_declared_expertise_is_never_a_mismatch() -> None:
    p = _portfolio("A1", "A2")
    team = [TeamMember("U1", "Li", AM, 1), TeamMember("U2", "Wu", AM, 1, industries=["x"])]
    now = Allocation([Assignment("A1", "U1", AM), Assignment("A2", "U2", AM)])
    e = coverage_evaluation(p, team, now, as_of=T, optimise=False)
    assert [(m.account_id, m.member_id, m.reason) for m in e.mismatches] == [
        ("A2", "U2", "no_match")
    ]
