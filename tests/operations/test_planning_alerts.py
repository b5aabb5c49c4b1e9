"""The plan alerts of the review: targets behind, reviews overdue, plans missing."""

from __future__ import annotations

import datetime as dt
import random

import numpy as np
import pytest

from kamlib.errors import DuplicateIdError, InvalidTypeError, InvalidValueError, UnknownIdError
from kamlib.features import extract_features
from kamlib.model import Account, Money, Opportunity, Portfolio
from kamlib.operations import (
    COVERAGE_SEVERITY,
    PLAN_CODES,
    Alert,
    AlertKind,
    Severity,
    coverage_alerts,
    plan_alerts,
    review,
)
from kamlib.planning import (
    COVERAGE_CODES,
    AccountPlan,
    Allocation,
    Assignment,
    OpportunityTarget,
    TeamMember,
    coverage_evaluation,
    plan_executions,
)
from kamlib.synthetic import synthetic_portfolio

T0 = dt.datetime(2025, 1, 10, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)


def _account(aid: str) -> Account:
    return Account(
        aid, aid, industry="x", region="y", size_band="large", cooperation_start=dt.date(2024, 1, 1)
    )


def _portfolio() -> Portfolio:
    return Portfolio(
        [_account("A1"), _account("A2")],
        opportunities=[Opportunity("O1", "A1", "ERP", Money(500.0, "CNY"), "proposal")],
    )


def _plan(aid: str, goal: float, by: dt.datetime) -> AccountPlan:
    return AccountPlan(
        aid,
        T0,
        priority=1,
        opportunity_targets=[OpportunityTarget.pipeline(Money(goal, "CNY"), by)],
    )


def _codes(alerts: tuple[Alert, ...]) -> list[tuple[str | None, str]]:
    return [(a.account_id, a.code) for a in alerts]


def test_a_target_is_behind_one_tick_after_its_date_not_at_it() -> None:
    by = T0 + 30 * DAY
    plans = [_plan("A1", 1_000.0, by)]
    at = plan_alerts(plan_executions(plans, _portfolio(), as_of=by))
    assert ("A1", "plan_target_behind") not in _codes(at)
    (late,) = plan_alerts(plan_executions(plans, _portfolio(), as_of=by + dt.timedelta(0, 0, 1)))
    assert (late.code, late.severity, late.due, late.subject_id) == (
        "plan_target_behind",
        Severity.WARNING,
        by,
        "opportunity[0]",
    )
    ev = late.evidence
    assert (ev["goal"], ev["current"], ev["gap"], ev["unit"]) == (1_000.0, 500.0, 500.0, "CNY")


def test_a_met_target_raises_nothing() -> None:
    plans = [_plan("A1", 500.0, T0 + DAY)]
    assert plan_alerts(plan_executions(plans, _portfolio(), as_of=T0 + 2 * DAY)) == ()


def test_the_review_of_the_plan_is_overdue_after_3_months_not_at_them() -> None:
    plans = [_plan("A1", 1.0, T0 + DAY)]
    due = dt.datetime(2025, 4, 10, tzinfo=dt.UTC)  # written 10 Jan, 3 calendar months
    assert plan_alerts(plan_executions(plans, _portfolio(), as_of=due)) == ()
    (overdue,) = plan_alerts(plan_executions(plans, _portfolio(), as_of=due + DAY))
    assert (overdue.code, overdue.due, overdue.severity) == (
        "plan_review_overdue",
        due,
        Severity.WARNING,
    )


def test_key_accounts_without_a_plan_and_plans_without_targets() -> None:
    runs = plan_executions([AccountPlan("A1", T0, priority=2)], _portfolio(), as_of=T0)
    alerts = plan_alerts(runs, key_accounts=["A2", "A1"])
    assert sorted(_codes(alerts)) == [("A1", "plan_without_targets"), ("A2", "plan_missing")]
    assert {a.kind for a in alerts} == {AlertKind.PLAN}
    assert {a.code for a in alerts} <= set(PLAN_CODES)
    assert plan_alerts(runs) == tuple(a for a in alerts if a.code != "plan_missing")


def test_plan_alerts_do_not_depend_on_the_order_of_the_plans() -> None:
    plans = [_plan("A1", 1_000.0, T0 + DAY), AccountPlan("A2", T0, priority=1)]
    runs = plan_executions(plans, _portfolio(), as_of=T0 + 200 * DAY)
    shuffled = list(runs)
    random.Random(3).shuffle(shuffled)
    assert plan_alerts(shuffled) == plan_alerts(runs)


@pytest.mark.parametrize("bad", [None, "A1", [object()]])
def test_plan_alerts_refuse_what_is_not_a_plan_execution(bad: object) -> None:
    with pytest.raises(InvalidTypeError, match=r"plan_alerts\.executions"):
        plan_alerts(bad)  # type: ignore[arg-type]


def test_the_review_shows_the_plans_and_their_progress() -> None:
    as_of = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    p = synthetic_portfolio(30, seed=3, as_of=as_of)
    first = review(p, as_of=as_of)
    planned = first.key_accounts[0]
    plans = [AccountPlan(planned, as_of - 10 * DAY, priority=1)]
    r = review(p, as_of=as_of, plans=plans)
    plan_codes = {(a.account_id, a.code) for a in r.alerts if a.kind is AlertKind.PLAN}
    assert (planned, "plan_without_targets") in plan_codes
    missing = {a for a, c in plan_codes if c == "plan_missing"}
    assert missing == set(r.key_accounts) - {planned}
    assert r.account(planned).plan_progress == 0.0
    assert all(x.plan_progress is None for x in r.accounts if x.account_id != planned)
    assert review(p, as_of=as_of).account(planned).plan_progress is None


def test_the_review_refuses_a_plan_of_an_unknown_account_even_without_accounts() -> None:
    with pytest.raises(UnknownIdError, match="account_id"):
        review(Portfolio([]), as_of=T0, plans=[AccountPlan("A9", T0, priority=1)])


# ------------------------------------------------------------------------------ coverage
TEAM = [
    TeamMember("U1", "Li", "account_manager", 1, industries=["x"]),
    TeamMember("U2", "Wu", "account_manager", 3, industries=["other"], regions=["other"]),
    TeamMember("S1", "Ma", "solution_manager", 2),
]


def test_coverage_alerts_name_each_finding_with_its_severity() -> None:
    now = Allocation(
        [Assignment("A1", "U1", "account_manager"), Assignment("A2", "U1", "account_manager")]
    )
    last = T0 - 200 * DAY
    e = coverage_evaluation(_portfolio(), TEAM, now, as_of=T0, last_evaluated=last, optimise=False)
    alerts = coverage_alerts(e)
    found = {(a.account_id, a.code, a.subject_id): a for a in alerts}
    over = found[(None, "member_overloaded", "U1")]
    assert (over.severity, over.evidence["excess"]) == (Severity.WARNING, 1)
    assert (None, "member_idle", "U2") in found
    assert (None, "member_idle", "S1") in found
    overdue = found[(None, "coverage_evaluation_overdue", "sales_coverage")]
    assert overdue.due == dt.datetime(2024, 12, 24, tzinfo=dt.UTC)  # 6 months after 24 Jun
    assert {a.code for a in alerts} <= set(COVERAGE_CODES) == set(COVERAGE_SEVERITY)
    assert {a.kind for a in alerts} == {AlertKind.COVERAGE}


def test_a_missing_account_manager_is_critical() -> None:
    e = coverage_evaluation(_portfolio(), TEAM, Allocation(), as_of=T0, optimise=False)
    gaps = [a for a in coverage_alerts(e) if a.code == "role_missing"]
    assert [(a.account_id, a.severity) for a in gaps] == [
        ("A1", Severity.CRITICAL),
        ("A2", Severity.CRITICAL),
    ]


def test_the_optimum_gain_is_an_alert_only_when_it_was_computed() -> None:
    now = Allocation([Assignment("A1", "U2", "account_manager")])
    run = coverage_evaluation(_portfolio(), TEAM, now, as_of=T0)
    assert run.net_gain is not None
    assert run.net_gain > 0
    assert "reallocation_gain" in {a.code for a in coverage_alerts(run)}
    quick = coverage_evaluation(_portfolio(), TEAM, now, as_of=T0, optimise=False)
    assert "reallocation_gain" not in {a.code for a in coverage_alerts(quick)}


def test_coverage_alerts_refuse_what_is_not_an_evaluation() -> None:
    with pytest.raises(InvalidTypeError, match=r"coverage_alerts\.evaluation"):
        coverage_alerts(None)  # type: ignore[arg-type]


def test_the_review_shows_the_coverage_of_the_team() -> None:
    keys = review(_scored(), as_of=T0).key_accounts
    assert len(keys) > 1
    now = Allocation([Assignment(keys[0], "U1", "account_manager")])
    r = review(_scored(), as_of=T0, members=TEAM, allocation=now)
    codes = {(a.account_id, a.code) for a in r.alerts if a.kind is AlertKind.COVERAGE}
    assert (keys[1], "role_missing") in codes
    assert (keys[0], "role_missing") not in codes
    assert all(a.code != "reallocation_gain" for a in r.alerts)  # no optimum in the review
    assert review(_scored(), as_of=T0).counts().get("coverage") is None


@pytest.mark.parametrize(
    ("kwargs", "path"),
    [
        ({"members": TEAM}, "review.allocation"),
        ({"allocation": Allocation()}, "review.members"),
        ({"coverage_evaluated": T0}, "review.coverage_evaluated"),
    ],
)
def test_the_review_needs_members_and_allocation_together(
    kwargs: dict[str, object], path: str
) -> None:
    with pytest.raises(InvalidValueError, match=path.replace(".", r"\.")):
        review(_scored(), as_of=T0, **kwargs)  # type: ignore[arg-type]


def _scored() -> Portfolio:
    """A portfolio the review's default scorers can fit (figures, assessments)."""
    return synthetic_portfolio(12, seed=3, as_of=T0)


@pytest.mark.parametrize(
    ("bad", "error", "path"),
    [
        ("A1", InvalidTypeError, r"plan_alerts\.key_accounts"),
        ([1], InvalidTypeError, r"plan_alerts\.key_accounts\[0\]"),
        (["A1", " "], InvalidValueError, r"plan_alerts\.key_accounts\[1\]"),
    ],
)
def test_plan_alerts_check_the_key_accounts(bad: object, error: type[Exception], path: str) -> None:
    runs = plan_executions([AccountPlan("A1", T0, priority=1)], _portfolio(), as_of=T0)
    with pytest.raises(error, match=path):
        plan_alerts(runs, key_accounts=bad)  # type: ignore[arg-type]


def test_plan_alerts_refuse_two_executions_of_one_plan() -> None:
    (run,) = plan_executions([AccountPlan("A1", T0, priority=1)], _portfolio(), as_of=T0)
    with pytest.raises(DuplicateIdError, match=r"plan_alerts\.executions"):
        plan_alerts([run, run])


def test_only_the_key_accounts_need_their_roles_in_the_review() -> None:
    p = _scored()
    r = review(p, as_of=T0, members=TEAM, allocation=Allocation())
    missing = {a.account_id for a in r.alerts if a.code == "role_missing"}
    assert missing == set(r.key_accounts)
    assert len(missing) < len(p.accounts)


def test_the_review_names_its_own_parameters_in_planning_errors() -> None:
    with pytest.raises(InvalidValueError, match=r"^review\.coverage_evaluated"):
        review(_scored(), as_of=T0, members=TEAM, allocation=Allocation(),
               coverage_evaluated=T0.replace(tzinfo=None))  # fmt: skip
    late = AccountPlan("A00001", T0 + DAY, priority=1)
    with pytest.raises(InvalidValueError, match=r"^review\.plans\[0\]\.written_at"):
        review(_scored(), as_of=T0, plans=[late])


def test_the_review_computes_the_network_columns_its_scorers_read() -> None:
    from kamlib.operations import ReviewScorers
    from kamlib.operations._review import run_review
    from kamlib.scoring import HealthModel, Measure, MinMax, Node

    p = _scored()
    default = run_review(p, as_of=T0)
    assert default.scored is not None
    assert "coverage" not in default.scored.table  # the default scorers do not read it
    assert "interaction_frequency" in default.scored.table
    health = HealthModel(
        measures=(Measure("coverage", mapping=MinMax(0, 1)),),
        nodes=(Node("overall", ("coverage",), (1,)),),
        rules=(),
    )
    run = run_review(p, as_of=T0, scorers=ReviewScorers(health=health))
    assert run.scored is not None
    assert "coverage" in run.scored.table
    full = extract_features(p, as_of=T0)
    assert np.array_equal(
        run.scored.table.column("coverage"), full.column("coverage"), equal_nan=True
    )
