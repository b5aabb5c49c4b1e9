"""The yearly assessment of source [002]: accounts, members and teams, and whether each qualifies.

Every measure is tested on a hand-built portfolio, every criterion at its minimum on both
sides, every bad input gets a typed error naming its path; properties check that input
order never shows (to the bit), that a member's figures are those of its accounts, and
that adding an account changes only the rows that serve it.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import random
from collections.abc import Sequence
from typing import Any

import attrs
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kamlib.planning._assessment as assessment_module
from kamlib.errors import DuplicateIdError, InvalidTypeError, InvalidValueError, UnknownIdError
from kamlib.features import extract_features
from kamlib.model import (
    Account,
    Commitment,
    Interaction,
    KeyPerson,
    Money,
    NpsResponse,
    PeriodFigures,
    Portfolio,
    Quarter,
    RiskSignal,
    SatisfactionSurvey,
)
from kamlib.planning import (
    ASSESSED_MEASURES,
    ASSESSMENT_MEASURES,
    MISSING_POLICIES,
    Allocation,
    AssessmentCriteria,
    AssessmentLevel,
    AssessmentThresholds,
    Assignment,
    TeamMember,
    YearlyAssessment,
    yearly_assessment,
)
from kamlib.scoring import HealthModel, Measure, MinMax, Node
from kamlib.synthetic import synthetic_portfolio

UTC = dt.UTC
AS_OF = dt.datetime(2026, 1, 1, tzinfo=UTC)  # the assessed year: 2025
YEAR_AGO = dt.datetime(2025, 1, 1, tzinfo=UTC)
DAY = dt.timedelta(days=1)
US = dt.timedelta(microseconds=1)
AM, SM = "account_manager", "solution_manager"

# The health score is the latest satisfaction (0-100, exact for quarters of 100): the
# trend of an account is then its satisfaction now minus its satisfaction a year ago.
HEALTH = HealthModel(
    measures=(Measure("satisfaction", mapping=MinMax(0.0, 100.0)),),
    nodes=(Node("overall", ("satisfaction",)),),
    rules=(),
)
STAFF = (KeyPerson("S1", "Li", "our_staff"),)
PINNED = HealthModel().fit(
    extract_features(synthetic_portfolio(40, seed=99, as_of=AS_OF), as_of=AS_OF)
)
"""kamlib's health model pinned on another portfolio (fitted once)."""


# ------------------------------------------------------------------------------ builders
def money(x: float) -> Money:
    return Money(x, "CNY")


def figures(*rows: tuple[int, int, float, float, float]) -> list[PeriodFigures]:
    """(year, quarter, revenue, profit contribution, cost to serve) per quarter."""
    return [PeriodFigures(Quarter(y, q), money(r), money(p), money(c)) for y, q, r, p, c in rows]


def account(
    aid: str,
    *,
    start: dt.date = dt.date(2023, 1, 1),
    figs: Sequence[PeriodFigures] = (),
    nps: Sequence[int] = (),
    nps_at: dt.datetime = AS_OF - 10 * DAY,
    intent: str | None = None,
    satisfaction: Sequence[tuple[dt.datetime, float]] = (),
) -> Account:
    return Account(
        aid,
        f"Customer {aid}",
        industry="retail",
        region="east",
        size_band="large",
        cooperation_start=start,
        figures=list(figs),
        nps=[NpsResponse(nps_at, s) for s in nps],
        renewal_intent=intent,
        surveys=[SatisfactionSurvey(at, s) for at, s in satisfaction],
    )


def portfolio(*accounts: Account, commitments: Sequence[Commitment] = ()) -> Portfolio:
    return Portfolio(list(accounts), list(STAFF), commitments=list(commitments))


def member(mid: str, team: str | None = "East", role: str = AM) -> TeamMember:
    return TeamMember(mid, f"Member {mid}", role, 10, team=team)


def serve(*pairs: tuple[str, str], role: str = AM) -> Allocation:
    return Allocation([Assignment(a, m, role) for a, m in pairs])


def assess(
    p: Portfolio,
    members: Sequence[TeamMember] = (),
    allocation: Allocation | None = None,
    **kw: Any,
) -> YearlyAssessment:
    kw.setdefault("health", HEALTH)
    return yearly_assessment(p, list(members), allocation or Allocation(), as_of=AS_OF, **kw)


def one(p: Portfolio, aid: str = "A1", **kw: Any) -> Any:
    return assess(p, **kw).row("account", aid)


def closed(cid: str, aid: str, state: str) -> Commitment:
    c = Commitment.propose(cid, aid, "work", "S1", AS_OF - 30 * DAY, 1, at=YEAR_AGO)
    c = c.transition("committed", YEAR_AGO + DAY)
    if state == "broken":
        return c.transition("broken", YEAR_AGO + 2 * DAY)
    c = c.transition("delivered", YEAR_AGO + 2 * DAY)
    return c.accept(YEAR_AGO + 3 * DAY, "fine") if state == "accepted" else c


# ------------------------------------------------------------------------------ defaults
def test_measures_are_documented_and_revenue_is_only_beside() -> None:
    assert tuple(ASSESSMENT_MEASURES) == (*ASSESSED_MEASURES, "revenue")
    assert "revenue" not in ASSESSED_MEASURES
    assert "[004]" in ASSESSMENT_MEASURES["lifetime_profit"]
    assert "[004]" in ASSESSMENT_MEASURES["revenue"]
    assert "kamlib's" in ASSESSMENT_MEASURES["renewal"]
    assert "kamlib's own definition" in ASSESSMENT_MEASURES["health_trend"]
    assert MISSING_POLICIES == ("fail", "ignore")


def test_default_criteria_set_nothing_so_every_row_qualifies() -> None:
    c = AssessmentCriteria()
    assert c.missing == "fail"
    assert all(c.for_level(level).criteria == () for level in AssessmentLevel)
    assert AssessmentThresholds().min_revenue is None
    p = synthetic_portfolio(8, seed=2, as_of=AS_OF)
    ids = [a.id for a in p.accounts]
    a = yearly_assessment(
        p,
        [member("U1"), member("U2", team=None)],
        serve((ids[0], "U1"), (ids[1], "U2")),
        as_of=AS_OF,
    )
    rows = a.accounts + a.members + a.teams
    assert len(rows) == 8 + 2 + 1
    assert all(r.qualifies and r.failed == () and r.unassessed == () for r in rows)


# ------------------------------------------------------------------------------ measures
def test_lifetime_profit_is_after_cost_to_serve_since_cooperation_start() -> None:
    figs = figures(
        (2022, 4, 100, 50, 10),  # before the quarter of cooperation_start: not counted
        (2023, 1, 100, 40, 10),  # 30
        (2024, 2, 200, 60, 5),  # 55
        (2025, 4, 300, 70, 90),  # -20: a loss counts too
        (2026, 1, 999, 999, 0),  # the quarter of as_of is not complete: not counted
    )
    r = one(portfolio(account("A1", start=dt.date(2023, 2, 15), figs=figs)))
    assert r.lifetime_profit == 65.0
    assert r.counts["lifetime_profit"] == 1
    assert r.revenue == 300.0  # the 4 quarters 2025Q1-Q4 only


def test_revenue_is_the_assessed_years_four_quarters() -> None:
    figs = figures(*((2025, q, 10.0 * q, 1, 0) for q in (1, 2, 3, 4)), (2024, 4, 1000, 1, 0))
    r = one(portfolio(account("A1", figs=figs)))
    assert r.revenue == 100.0
    assert r.lifetime_profit == 5.0


def test_no_figures_means_no_lifetime_profit_and_no_revenue_never_zero() -> None:
    r = one(portfolio(account("A1")))
    assert r.lifetime_profit is None
    assert r.revenue is None
    assert r.counts["lifetime_profit"] == 0
    assert r.counts["revenue"] == 0


def test_nps_reads_the_answers_of_the_assessed_year() -> None:
    inside = account("A1", nps=[10, 9, 7, 3])  # (2 - 1) / 4
    assert one(portfolio(inside)).nps == 25.0
    old = account("A1", nps=[10], nps_at=AS_OF - 365 * DAY)  # exactly 365 days: outside
    assert one(portfolio(old)).nps is None
    edge = account("A1", nps=[0], nps_at=AS_OF - 365 * DAY + US)
    assert one(portfolio(edge)).nps == -100.0


@pytest.mark.parametrize(("intent", "renewal"), [("yes", 1.0), ("unclear", 0.0), ("no", 0.0)])
def test_renewal_of_an_account_is_its_stated_intent(intent: str, renewal: float) -> None:
    assert one(portfolio(account("A1", intent=intent))).renewal == renewal


def test_renewal_rate_is_the_share_of_yes_among_recorded_intents() -> None:
    p = portfolio(
        account("A1", intent="yes"),
        account("A2", intent="no"),
        account("A3", intent="unclear"),
        account("A4", intent="yes"),
        account("A5"),  # no intent recorded: not in the rate
    )
    alloc = serve(*((f"A{i}", "U1") for i in range(1, 6)))
    r = assess(p, [member("U1")], alloc).row("member", "U1")
    assert r.renewal == 0.5
    assert r.counts["renewal"] == 4
    assert len(r.accounts) == 5
    assert one(p, "A5").renewal is None


def test_commitment_fulfilment_counts_closed_commitments() -> None:
    cs = [closed("C1", "A1", "accepted"), closed("C2", "A1", "delivered")]
    cs += [closed("C3", "A1", "broken"), closed("C4", "A1", "broken")]
    p = portfolio(account("A1"), account("A2"), commitments=cs)
    assert one(p).commitment_fulfilment == 0.5
    assert one(p, "A2").commitment_fulfilment is None


def test_health_trend_is_the_score_now_minus_the_score_a_year_ago() -> None:
    surveys = [(YEAR_AGO - 5 * DAY, 25.0), (AS_OF - 5 * DAY, 75.0)]
    r = one(portfolio(account("A1", satisfaction=surveys)))
    assert r.health_trend == 50.0
    falling = [(YEAR_AGO, 75.0), (AS_OF, 50.0)]  # exactly at each moment: read
    assert one(portfolio(account("A1", satisfaction=falling))).health_trend == -25.0


def test_a_survey_just_after_the_year_ago_moment_counts_only_now() -> None:
    r = one(portfolio(account("A1", satisfaction=[(YEAR_AGO + US, 75.0)])))
    assert r.health_trend is None  # nothing observed a year ago: coverage 0


def test_no_trend_for_an_account_that_started_after_the_year_ago_moment() -> None:
    surveys = [(YEAR_AGO - 5 * DAY, 25.0), (AS_OF - 5 * DAY, 75.0)]
    on_day = account("A1", start=YEAR_AGO.date(), satisfaction=surveys)
    assert one(portfolio(on_day)).health_trend == 50.0
    later = account("A1", start=YEAR_AGO.date() + DAY, satisfaction=surveys)
    assert one(portfolio(later)).health_trend is None


def test_year_ago_is_twelve_calendar_months_back_clamped() -> None:
    leap = dt.datetime(2024, 2, 29, 12, tzinfo=UTC)
    a = yearly_assessment(Portfolio(), [], Allocation(), as_of=leap)
    assert a.year_ago == dt.datetime(2023, 2, 28, 12, tzinfo=UTC)
    assert assess(Portfolio()).year_ago == YEAR_AGO


def test_a_pinned_health_model_is_used_as_given() -> None:
    p = portfolio(account("A1", satisfaction=[(AS_OF, 75.0)]))
    assert assess(p).health is HEALTH


def test_the_default_health_model_is_fitted_on_the_features_at_as_of() -> None:
    p = synthetic_portfolio(10, seed=4, as_of=AS_OF)
    a = yearly_assessment(p, [], Allocation(), as_of=AS_OF)
    fitted = HealthModel().fit(extract_features(p, as_of=AS_OF))
    assert a.health == fitted
    pinned = yearly_assessment(p, [], Allocation(), as_of=AS_OF, health=fitted)
    assert pinned.accounts == a.accounts
    unfitted = yearly_assessment(p, [], Allocation(), as_of=AS_OF, health=HealthModel())
    assert unfitted.accounts == a.accounts


@pytest.mark.parametrize("health", [None, HealthModel()], ids=["default", "unfitted"])
def test_the_default_model_cannot_fit_a_measure_no_account_has_pin_one(
    health: HealthModel | None,
) -> None:
    p = portfolio(account("A1"))  # no figures: no revenue growth to fit
    with pytest.raises(InvalidValueError) as e:
        yearly_assessment(p, [], Allocation(), as_of=AS_OF, health=health)
    assert e.value.path == "yearly_assessment.health.measures['revenue_growth']"
    assert e.value.path.startswith("yearly_assessment.health")
    assert e.value.value == "revenue_growth"
    assert "has no observed value to fit" in e.value.reason  # the model's own reason
    assert "pass a fitted HealthModel" in e.value.reason
    assert isinstance(e.value.__cause__, InvalidValueError)  # the original is kept
    # an error, not a silently dropped trend; a pinned model assesses the same portfolio
    a = yearly_assessment(p, [], Allocation(), as_of=AS_OF, health=PINNED)
    assert a.health is PINNED


def test_a_pinned_model_is_not_refitted_on_another_portfolio() -> None:
    p = synthetic_portfolio(10, seed=4, as_of=AS_OF)
    other = synthetic_portfolio(10, seed=5, as_of=AS_OF)
    pinned = HealthModel().fit(extract_features(other, as_of=AS_OF))
    a = yearly_assessment(p, [], Allocation(), as_of=AS_OF, health=pinned)
    assert a.health is pinned
    now = pinned.score(extract_features(p, as_of=AS_OF)).scores
    before = pinned.score(extract_features(p, as_of=YEAR_AGO)).scores
    trends = {r.id: r.health_trend for r in a.accounts}
    for i, acc in enumerate(p.accounts):
        if trends[acc.id] is not None:
            assert trends[acc.id] == now[i] - before[i]


def test_plan_progress_comes_from_the_mapping() -> None:
    p = portfolio(account("A1"), account("A2"), account("A3"))
    alloc = serve(("A1", "U1"), ("A2", "U1"), ("A3", "U1"))
    a = assess(p, [member("U1")], alloc, plan_progress={"A1": 0.25, "A2": 1})
    assert a.row("account", "A1").plan_progress == 0.25
    assert a.row("account", "A3").plan_progress is None
    r = a.row("member", "U1")
    assert r.plan_progress == 0.625
    assert r.counts["plan_progress"] == 2


# ------------------------------------------------------------------------------ aggregates
def team_portfolio() -> tuple[Portfolio, list[TeamMember], Allocation]:
    p = portfolio(
        account("A1", figs=figures((2025, 1, 100, 30, 10)), nps=[10], intent="yes"),
        account("A2", figs=figures((2025, 2, 50, 20, 5)), nps=[0], intent="no"),
        account("A3", figs=figures((2025, 3, 10, 5, 1))),
        account("A4", nps=[10, 0]),
    )
    members = [
        member("U1"),
        member("U2"),
        member("U3", role=SM),
        member("U4", team="West"),
        member("U5", team=None),
    ]
    alloc = Allocation(
        [
            Assignment("A1", "U1", AM),
            Assignment("A2", "U1", AM),
            Assignment("A3", "U2", AM),
            Assignment("A1", "U3", SM),  # A1 also served by U3: once in the team
            Assignment("A4", "U5", AM),
        ]
    )
    return p, members, alloc


def test_member_rows_sum_profit_and_revenue_and_average_the_rest() -> None:
    p, members, alloc = team_portfolio()
    r = assess(p, members, alloc).row("member", "U1")
    assert r.accounts == ("A1", "A2")
    assert r.members == ("U1",)
    assert r.lifetime_profit == 35.0
    assert r.revenue == 150.0
    assert r.nps == 0.0
    assert r.counts["nps"] == 2
    assert r.renewal == 0.5
    assert r.commitment_fulfilment is None
    assert r.counts["commitment_fulfilment"] == 0


def test_team_rows_count_each_account_once() -> None:
    p, members, alloc = team_portfolio()
    a = assess(p, members, alloc)
    east = a.row("team", "East")
    assert east.members == ("U1", "U2", "U3")
    assert east.accounts == ("A1", "A2", "A3")
    assert east.lifetime_profit == 20.0 + 15.0 + 4.0
    assert east.revenue == 160.0
    west = a.row("team", "West")
    assert west.accounts == ()
    assert west.lifetime_profit is None
    assert all(v is None for v in west.values)
    assert set(west.counts.values()) == {0}
    assert [t.id for t in a.teams] == ["East", "West"]  # U5 has no team: in no team row


def test_account_rows_name_the_members_serving_them() -> None:
    p, members, alloc = team_portfolio()
    a = assess(p, members, alloc)
    assert a.row("account", "A1").members == ("U1", "U3")
    assert a.row("account", "A4").members == ("U5",)
    assert [r.id for r in a.accounts] == ["A1", "A2", "A3", "A4"]
    assert [r.id for r in a.members] == ["U1", "U2", "U3", "U4", "U5"]


def test_a_member_with_no_account_has_every_aggregate_missing() -> None:
    p, members, alloc = team_portfolio()
    r = assess(p, members, alloc).row("member", "U4")
    assert r.accounts == ()
    assert all(v is None for v in r.values)
    assert r.qualifies  # no criterion set


def test_table_declares_missing_values() -> None:
    p, members, alloc = team_portfolio()
    t = assess(p, members, alloc).table(AssessmentLevel.MEMBER)
    assert t.ids.tolist() == ["U1", "U2", "U3", "U4", "U5"]
    assert t.names == (*ASSESSMENT_MEASURES, "accounts")
    assert t.column("accounts").tolist() == [2.0, 1.0, 1.0, 0.0, 1.0]
    assert t.is_missing("lifetime_profit").tolist() == [False, False, False, True, True]
    assert t.column("lifetime_profit")[0] == 35.0


def test_rows_and_row_look_ups() -> None:
    p, members, alloc = team_portfolio()
    a = assess(p, members, alloc)
    assert a.rows("team") is a.teams
    assert a.rows(AssessmentLevel.ACCOUNT) is a.accounts
    assert a.qualified("team") == ("East", "West")
    with pytest.raises(UnknownIdError, match=r"YearlyAssessment\.row\.row_id"):
        a.row("member", "A1")
    with pytest.raises(InvalidValueError, match=r"YearlyAssessment\.rows\.level"):
        a.rows("salesperson")
    with pytest.raises(InvalidTypeError, match=r"YearlyAssessment\.rows\.level"):
        a.rows(3)  # type: ignore[arg-type]  # the wrong type on purpose
    with pytest.raises(InvalidValueError, match=r"AssessmentRow\.value\.measure"):
        a.accounts[0].value("profit")
    assert a.accounts[0].value("revenue") == 100.0


# ------------------------------------------------------------------------------ criteria
CRITERION_PORTFOLIO = portfolio(
    account(
        "A1",
        figs=figures((2025, 4, 100, 30, 10)),
        nps=[10, 10, 7, 0],
        intent="yes",
        satisfaction=[(YEAR_AGO, 50.0), (AS_OF, 75.0)],
    ),
    account(
        "A2",
        figs=figures((2025, 4, 60, 20, 5)),
        nps=[10, 0],
        intent="no",
        satisfaction=[(YEAR_AGO, 75.0), (AS_OF, 50.0)],
    ),
    commitments=[
        closed("C1", "A1", "accepted"),
        closed("C2", "A1", "broken"),
        closed("C3", "A2", "accepted"),
        closed("C4", "A2", "delivered"),
        closed("C5", "A2", "broken"),
    ],
)
CRITERION_PROGRESS = {"A1": 0.75, "A2": 0.25}
VALUES = {  # of account A2, and of member U1 and team East (who serve A1 and A2)
    "account": {
        "lifetime_profit": 15.0,
        "nps": 0.0,
        "renewal": 0.0,
        "commitment_fulfilment": 2 / 3,
        "health_trend": -25.0,
        "plan_progress": 0.25,
        "revenue": 60.0,
    },
    "member": {
        "lifetime_profit": 35.0,
        "nps": 12.5,
        "renewal": 0.5,
        "commitment_fulfilment": (0.5 + 2 / 3) / 2,
        "health_trend": 0.0,
        "plan_progress": 0.5,
        "revenue": 160.0,
    },
}
VALUES["team"] = VALUES["member"]
ROW = {"account": "A2", "member": "U1", "team": "East"}


def judged(level: str, **minima: float) -> Any:
    t = AssessmentThresholds(**{f"min_{k}": v for k, v in minima.items()})
    levels: dict[str, Any] = {level: t}
    criteria = AssessmentCriteria(**levels)
    a = assess(
        CRITERION_PORTFOLIO,
        [member("U1")],
        serve(("A1", "U1"), ("A2", "U1")),
        criteria=criteria,
        plan_progress=CRITERION_PROGRESS,
    )
    return a.row(level, ROW[level])


def test_the_criterion_portfolio_has_the_expected_values() -> None:
    for level in ("account", "member", "team"):
        assert dict(zip(ASSESSMENT_MEASURES, judged(level).values, strict=True)) == VALUES[level]


@pytest.mark.parametrize("level", ["account", "member", "team"])
@pytest.mark.parametrize("measure", list(ASSESSMENT_MEASURES))
def test_each_criterion_at_its_minimum_qualifies_and_just_above_fails(
    level: str, measure: str
) -> None:
    at = VALUES[level][measure]
    r = judged(level, **{measure: at})
    assert r.qualifies
    assert r.failed == ()
    assert r.unassessed == ()
    r = judged(level, **{measure: math.nextafter(at, math.inf)})
    assert not r.qualifies
    assert r.failed == (measure,)
    assert r.unassessed == ()


def test_criteria_apply_to_their_own_level_only() -> None:
    t = AssessmentThresholds(min_nps=30)
    criteria = AssessmentCriteria(member=t)
    a = assess(CRITERION_PORTFOLIO, [member("U1")], serve(("A1", "U1")), criteria=criteria)
    assert not a.row("member", "U1").qualifies  # 25 < 30
    assert a.row("account", "A1").qualifies
    assert a.row("team", "East").qualifies


def test_failed_criteria_are_listed_in_column_order() -> None:
    r = judged("account", revenue=61, nps=1, lifetime_profit=16, renewal=0)
    assert r.failed == ("lifetime_profit", "nps", "revenue")


def test_a_criterion_on_a_missing_value_fails_by_default_and_is_unassessed() -> None:
    p = portfolio(account("A1", nps=[10, 0]))  # NPS 0, no renewal intent, no plan progress
    t = AssessmentThresholds(min_nps=0, min_renewal=0.5, min_plan_progress=0.1)
    r = one(p, criteria=AssessmentCriteria(account=t))
    assert not r.qualifies
    assert r.failed == ()
    assert r.unassessed == ("renewal", "plan_progress")
    r = one(p, criteria=AssessmentCriteria(account=t, missing="ignore"))
    assert r.qualifies
    assert r.unassessed == ("renewal", "plan_progress")
    t = AssessmentThresholds(min_nps=50, min_renewal=0.5)
    r = one(p, criteria=AssessmentCriteria(account=t, missing="ignore"))
    assert not r.qualifies
    assert r.failed == ("nps",)


@pytest.mark.parametrize(
    ("field", "lo", "hi"),
    [
        ("nps", -100.0, 100.0),
        ("renewal", 0.0, 1.0),
        ("commitment_fulfilment", 0.0, 1.0),
        ("health_trend", -100.0, 100.0),
        ("plan_progress", 0.0, 1.0),
        ("lifetime_profit", -1e15, 1e15),
        ("revenue", -1e15, 1e15),
    ],
)
def test_thresholds_accept_their_range_and_refuse_beyond(field: str, lo: float, hi: float) -> None:
    name = f"min_{field}"
    assert getattr(AssessmentThresholds(**{name: lo}), name) == lo
    assert getattr(AssessmentThresholds(**{name: hi}), name) == hi
    for bad in (math.nextafter(lo, -math.inf), math.nextafter(hi, math.inf), math.nan):
        with pytest.raises(InvalidValueError, match=rf"AssessmentThresholds\.{name}"):
            AssessmentThresholds(**{name: bad})
    for wrong in ("30", True, [1]):
        with pytest.raises(InvalidTypeError, match=rf"AssessmentThresholds\.{name}"):
            AssessmentThresholds(**{name: wrong})


def test_criteria_refuse_a_level_of_the_wrong_type_and_an_unknown_missing_policy() -> None:
    for level in ("account", "member", "team"):
        wrong: dict[str, Any] = {level: {"min_nps": 1}}
        with pytest.raises(InvalidTypeError, match=rf"AssessmentCriteria\.{level}"):
            AssessmentCriteria(**wrong)
    with pytest.raises(InvalidValueError, match=r"AssessmentCriteria\.missing"):
        AssessmentCriteria(missing="pass")  # type: ignore[arg-type]  # on purpose
    with pytest.raises(InvalidValueError, match=r"AssessmentCriteria\.for_level\.level"):
        AssessmentCriteria().for_level("company")


# ------------------------------------------------------------------------------ bad input
def test_bad_arguments_get_typed_errors_naming_the_field() -> None:
    p, members, alloc = team_portfolio()
    with pytest.raises(InvalidValueError, match=r"yearly_assessment\.as_of"):
        yearly_assessment(p, members, alloc, as_of=dt.datetime(2026, 1, 1))
    with pytest.raises(InvalidTypeError, match=r"yearly_assessment\.portfolio"):
        yearly_assessment([], members, alloc, as_of=AS_OF)  # type: ignore[arg-type]
    with pytest.raises(InvalidTypeError, match=r"yearly_assessment\.members\[1\]"):
        yearly_assessment(p, [members[0], "U2"], alloc, as_of=AS_OF)  # type: ignore[list-item]
    with pytest.raises(DuplicateIdError, match=r"yearly_assessment\.members\[1\]\.id"):
        yearly_assessment(p, [members[0], members[0]], Allocation(), as_of=AS_OF)
    with pytest.raises(InvalidTypeError, match=r"yearly_assessment\.allocation"):
        yearly_assessment(p, members, [], as_of=AS_OF)  # type: ignore[arg-type]
    with pytest.raises(InvalidTypeError, match=r"yearly_assessment\.criteria"):
        assess(p, members, alloc, criteria=AssessmentThresholds())
    with pytest.raises(InvalidTypeError, match=r"yearly_assessment\.health"):
        assess(p, members, alloc, health="health_model")


def test_an_assignment_must_name_a_known_member_and_account() -> None:
    p, members, _ = team_portfolio()
    with pytest.raises(UnknownIdError, match=r"assignments\[0\]\.member_id"):
        assess(p, members, serve(("A1", "U9")))
    with pytest.raises(UnknownIdError, match=r"yearly_assessment\.allocation\.assignments\[1\]"):
        assess(p, members, serve(("A1", "U1"), ("A9", "U1")))
    with pytest.raises(InvalidValueError, match=r"assignments\[0\]\.role"):
        assess(p, members, serve(("A1", "U3")))  # U3 is a solution manager


def test_plan_progress_is_checked() -> None:
    p, members, alloc = team_portfolio()
    with pytest.raises(UnknownIdError, match=r"yearly_assessment\.plan_progress\['A9'\]"):
        assess(p, members, alloc, plan_progress={"A1": 0.5, "A9": 0.5})
    for bad in (-0.01, 1.01, math.inf, math.nan):
        with pytest.raises(InvalidValueError, match=r"yearly_assessment\.plan_progress\['A1'\]"):
            assess(p, members, alloc, plan_progress={"A1": bad})
    for wrong in ("0.5", True, None):
        with pytest.raises(InvalidTypeError, match=r"yearly_assessment\.plan_progress\['A1'\]"):
            assess(p, members, alloc, plan_progress={"A1": wrong})
    with pytest.raises(InvalidTypeError, match=r"yearly_assessment\.plan_progress"):
        assess(p, members, alloc, plan_progress=[("A1", 0.5)])
    with pytest.raises(InvalidTypeError, match=r"yearly_assessment\.plan_progress"):
        assess(p, members, alloc, plan_progress={1: 0.5})
    a = assess(p, members, alloc, plan_progress={"A1": 0, "A2": 1.0})  # both ends accepted
    assert a.row("member", "U1").plan_progress == 0.5


def test_a_record_after_as_of_is_refused_naming_it() -> None:
    later = AS_OF + US
    cases = [
        (portfolio(account("A1", satisfaction=[(later, 50.0)])), r"accounts\[0\]\.surveys\[0\]"),
        (portfolio(account("A1", nps=[5], nps_at=later)), r"accounts\[0\]\.nps\[0\]\.at"),
        (
            portfolio(
                account("A1"),
                commitments=[
                    Commitment.propose("C1", "A1", "x", "S1", later, 1, at=AS_OF).transition(
                        "committed", later
                    )
                ],
            ),
            r"commitments\[0\]\.history\[1\]\.at",
        ),
        (
            attrs.evolve(
                portfolio(account("A1")),
                interactions=[
                    Interaction("I1", "A1", later, ["S1"], [], "visit", "operational", "positive")
                ],
            ),
            r"interactions\[0\]\.at",
        ),
        (
            portfolio(
                attrs.evolve(account("A1"), risk_signals=[RiskSignal("budget_frozen", later)])
            ),
            r"accounts\[0\]\.risk_signals\[0\]\.at",
        ),
    ]
    for p, path in cases:
        with pytest.raises(InvalidValueError, match=path):
            assess(p)
    assess(portfolio(account("A1", satisfaction=[(AS_OF, 50.0)], nps=[5], nps_at=AS_OF)))


def test_an_empty_portfolio_gives_empty_rows() -> None:
    a = yearly_assessment(Portfolio(), [member("U1")], Allocation(), as_of=AS_OF)
    assert a.accounts == ()
    assert a.teams[0].accounts == ()
    assert a.members[0].accounts == ()


# ------------------------------------------------------------------------------ properties
def _shuffled(seq: Sequence[Any], rng: random.Random) -> list[Any]:
    out = list(seq)
    rng.shuffle(out)
    return out


@functools.cache
def synthetic(n: int, seed: int) -> Portfolio:
    """A small synthetic portfolio, drawn once per (n, seed): the properties stay fast."""
    return synthetic_portfolio(n, seed=seed, as_of=AS_OF)


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[Portfolio, list[TeamMember], Allocation, dict[str, float]]:
    """A small synthetic portfolio, members in two roles and teams, and an allocation."""
    p = synthetic(draw(st.integers(1, 5)), draw(st.integers(0, 3)))
    k = draw(st.integers(1, 4))
    members = [
        TeamMember(
            f"U{i}",
            f"M{i}",
            draw(st.sampled_from([AM, SM])),
            10,
            team=draw(st.sampled_from([None, "East", "West"])),
        )
        for i in range(k)
    ]
    assignments = []
    for acc in p.accounts:
        for role in (AM, SM):
            who = [m.id for m in members if m.role == role]
            pick = draw(st.sampled_from([None, *who]))
            if pick is not None:
                assignments.append(Assignment(acc.id, pick, role))
    progress = {acc.id: draw(st.floats(0, 1)) for acc in p.accounts if draw(st.booleans())}
    return p, members, Allocation(assignments), progress


@given(scenarios(), st.integers(0, 2**32))
def test_input_order_never_shows(
    scenario: tuple[Portfolio, list[TeamMember], Allocation, dict[str, float]],
    seed: int,
) -> None:
    rng = random.Random(seed)
    p, members, alloc, progress = scenario
    a = yearly_assessment(p, members, alloc, as_of=AS_OF, plan_progress=progress)
    q = attrs.evolve(
        p,
        accounts=_shuffled(p.accounts, rng),
        people=_shuffled(p.people, rng),
        commitments=_shuffled(p.commitments, rng),
        interactions=_shuffled(p.interactions, rng),
        relationships=_shuffled(p.relationships, rng),
    )
    b = yearly_assessment(
        q,
        _shuffled(members, rng),
        Allocation(_shuffled(alloc.assignments, rng)),
        as_of=AS_OF,
        plan_progress=dict(_shuffled(list(progress.items()), rng)),
    )
    assert a == b
    for level in AssessmentLevel:
        ta, tb = a.table(level), b.table(level)
        assert np.array_equal(ta.values, tb.values, equal_nan=True)


@given(scenarios())
def test_a_members_figures_are_those_of_its_accounts(
    scenario: tuple[Portfolio, list[TeamMember], Allocation, dict[str, float]],
) -> None:
    p, members, alloc, progress = scenario
    a = yearly_assessment(p, members, alloc, as_of=AS_OF, plan_progress=progress, health=PINNED)
    by_account = {r.id: r for r in a.accounts}
    for row in (*a.members, *a.teams):
        for measure in ASSESSMENT_MEASURES:
            seen = [v for x in row.accounts if (v := by_account[x].value(measure)) is not None]
            assert row.counts[measure] == len(seen)
            if not seen:
                assert row.value(measure) is None
            elif measure in ("lifetime_profit", "revenue"):
                assert row.value(measure) == math.fsum(seen)
            else:
                assert row.value(measure) == math.fsum(seen) / len(seen)
    for row in a.members:
        assert row.accounts == alloc.accounts_of(row.id)


NEW = Account(
    "Z-new",
    "Newcomer",
    industry="retail",
    region="east",
    size_band="large",
    cooperation_start=dt.date(2023, 1, 1),
    figures=figures((2025, 1, 100, 30, 10)),
    nps=[NpsResponse(AS_OF - DAY, 9)],
    renewal_intent="yes",
)


@given(scenarios(), st.data())
def test_adding_an_account_served_by_one_member_changes_no_other_members_row(
    scenario: tuple[Portfolio, list[TeamMember], Allocation, dict[str, float]],
    data: st.DataObject,
) -> None:
    p, members, alloc, progress = scenario
    pinned = PINNED
    before = yearly_assessment(
        p, members, alloc, as_of=AS_OF, plan_progress=progress, health=pinned
    )
    x = data.draw(st.sampled_from(members))
    grown = attrs.evolve(p, accounts=(*p.accounts, NEW))
    more = Allocation((*alloc.assignments, Assignment(NEW.id, x.id, x.role)))
    after = yearly_assessment(
        grown, members, more, as_of=AS_OF, plan_progress=progress, health=pinned
    )
    for old, new in zip(before.members, after.members, strict=True):
        if old.id != x.id:
            assert old == new
        else:
            assert new.accounts == tuple(sorted((*old.accounts, NEW.id)))
    assert after.accounts[: len(before.accounts)] == before.accounts  # "Z-new" sorts last
    for old, new in zip(before.teams, after.teams, strict=True):
        if old.id != x.team:
            assert old == new


# ------------------------------------------------------------------------------ constants
def test_assessment_measures_is_a_final_read_only_mapping() -> None:
    assert assessment_module.__annotations__["ASSESSMENT_MEASURES"].startswith("Final[")
    with pytest.raises(TypeError):
        ASSESSMENT_MEASURES["x"] = "y"  # type: ignore[index]  # read-only: must fail
    assert MISSING_POLICIES == ("fail", "ignore")


# ------------------------------------------------------------------------------ near year 1
@pytest.mark.parametrize(
    "as_of",
    [
        dt.datetime(1, 6, 1, tzinfo=UTC),
        dt.datetime(1, 1, 1, tzinfo=UTC),
        dt.datetime(1, 12, 31, 23, 59, 59, 999_999, tzinfo=UTC),
    ],
)
def test_a_year_before_as_of_before_year_1_names_as_of(as_of: dt.datetime) -> None:
    for p in (Portfolio(), portfolio(account("A1", start=dt.date(1, 1, 1)))):
        with pytest.raises(InvalidValueError) as e:
            yearly_assessment(p, [], Allocation(), as_of=as_of, health=HEALTH)
        assert e.value.path == "yearly_assessment.as_of"
        assert e.value.value == as_of
        assert "a year before as_of is before year 1" in e.value.reason


@pytest.mark.parametrize(
    ("as_of", "ok"),
    [
        (dt.datetime(2, 1, 1, tzinfo=UTC), False),
        (dt.datetime(3, 12, 31, 23, 59, 59, 999_999, tzinfo=UTC), False),
        (dt.datetime(4, 1, 1, tzinfo=UTC), True),  # the features a year ago start in year 1
    ],
)
def test_feature_windows_before_year_1_name_as_of(as_of: dt.datetime, ok: bool) -> None:
    p = portfolio(account("A1", start=dt.date(1, 1, 1)))
    if ok:
        a = yearly_assessment(p, [], Allocation(), as_of=as_of, health=HEALTH)
        assert a.year_ago == dt.datetime(3, 1, 1, tzinfo=UTC)
        return
    with pytest.raises(InvalidValueError) as e:
        yearly_assessment(p, [], Allocation(), as_of=as_of, health=HEALTH)
    assert e.value.path == "yearly_assessment.as_of"
    assert e.value.value == as_of


def test_an_empty_portfolio_is_assessed_from_year_2() -> None:
    a = yearly_assessment(Portfolio(), [], Allocation(), as_of=dt.datetime(2, 1, 1, tzinfo=UTC))
    assert a.year_ago == dt.datetime(1, 1, 1, tzinfo=UTC)
    assert a.accounts == ()
