"""Key-account plans (重点账户规划, source [002]) and their execution.

The 3-month review of [002] and every target's ``by`` are tested at the boundary on both
sides (exactly at it, and one microsecond either way); every kamlib choice is pinned (the
closeness measure, the target kinds, "met" with its tolerance, no "at risk", the progress
of an empty plan); bad input gets a typed error naming its path; and the answers never
depend on the order of the plan's targets or the portfolio's records.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kamlib.errors import (
    CurrencyMismatchError,
    DuplicateIdError,
    InvalidTypeError,
    InvalidValueError,
    UnknownIdError,
)
from kamlib.model import (
    Account,
    KeyPerson,
    Money,
    Opportunity,
    OpportunityStage,
    Portfolio,
    Relationship,
)
from kamlib.planning import (
    DEFAULT_PLAN_REVIEW_MONTHS,
    MAX_PLAN_REVIEW_MONTHS,
    MET_TOLERANCE,
    AccountPlan,
    NetworkTarget,
    OpportunityTarget,
    OpportunityTargetKind,
    PlanExecution,
    TargetState,
    TargetStatus,
    plan_execution,
    plan_executions,
)

UTC = dt.UTC
T0 = dt.datetime(2025, 1, 6, 9, tzinfo=UTC)  # when most plans are written
BY = dt.datetime(2025, 3, 31, 18, tzinfo=UTC)  # when most targets fall due
AS_OF = dt.datetime(2025, 2, 14, 12, tzinfo=UTC)
US = dt.timedelta(microseconds=1)
DAY = dt.timedelta(days=1)


# ------------------------------------------------------------------------------ builders
def account(account_id: str) -> Account:
    return Account(
        account_id,
        f"Customer {account_id}",
        industry="retail",
        region="east",
        size_band="large",
        cooperation_start=dt.date(2024, 1, 1),
    )


def customer(pid: str, account_id: str = "A1", **kw: Any) -> KeyPerson:
    return KeyPerson(pid, f"Person {pid}", "customer", account_id=account_id, **kw)


STAFF = (KeyPerson("U1", "Li", "our_staff"), KeyPerson("U2", "Wang", "our_staff"))
RIVAL = KeyPerson("C1", "Rival rep", "competitor_staff")
PEOPLE = (
    *STAFF,
    RIVAL,
    customer("P1", role="decision_maker"),
    customer("P2", role="influencer"),
    customer("P3"),
    customer("P4", role="user"),
    customer("Q1", "A2", role="decision_maker"),
)


def influences(source: str, target: str, strength: float) -> Relationship:
    return Relationship(source, target, "influences", strength)


def opp(
    oid: str, stage: str, amount: float = 100.0, currency: str = "CNY", account_id: str = "A1"
) -> Opportunity:
    return Opportunity(oid, account_id, f"Deal {oid}", Money(amount, currency), stage)


def portfolio(
    relationships: Sequence[Relationship] = (),
    opportunities: Sequence[Opportunity] = (),
    people: Sequence[KeyPerson] = PEOPLE,
) -> Portfolio:
    return Portfolio(
        [account("A1"), account("A2")],
        list(people),
        list(relationships),
        opportunities=list(opportunities),
    )


def plan(
    network: Sequence[NetworkTarget] = (),
    opportunity: Sequence[OpportunityTarget] = (),
    **kw: Any,
) -> AccountPlan:
    kw.setdefault("priority", 1)
    return AccountPlan(
        kw.pop("account_id", "A1"),
        kw.pop("written_at", T0),
        network_targets=network,
        opportunity_targets=opportunity,
        **kw,
    )


def cny(amount: float) -> Money:
    return Money(amount, "CNY")


def one(p: AccountPlan, pf: Portfolio, as_of: dt.datetime = AS_OF, **kw: Any) -> TargetStatus:
    (status,) = plan_execution(p, pf, as_of=as_of, **kw).targets
    return status


# ------------------------------------------------------------------------------ the records
def test_network_target_is_validated() -> None:
    assert NetworkTarget("P1", 1, BY).closeness == 1.0
    with pytest.raises(InvalidValueError, match=r"NetworkTarget\.closeness"):
        NetworkTarget("P1", 0.0, BY)
    with pytest.raises(InvalidValueError, match=r"NetworkTarget\.closeness"):
        NetworkTarget("P1", 1.01, BY)
    with pytest.raises(InvalidTypeError, match=r"NetworkTarget\.closeness"):
        NetworkTarget("P1", True, BY)
    with pytest.raises(InvalidValueError, match=r"NetworkTarget\.person_id"):
        NetworkTarget(" ", 0.5, BY)
    with pytest.raises(InvalidValueError, match=r"NetworkTarget\.by: must be timezone-aware"):
        NetworkTarget("P1", 0.5, dt.datetime(2025, 3, 31))
    with pytest.raises(InvalidTypeError, match=r"NetworkTarget\.by"):
        NetworkTarget("P1", 0.5, dt.date(2025, 3, 31))


def test_opportunity_target_kinds() -> None:
    won = OpportunityTarget.won(cny(1e6), BY)
    assert (won.kind, won.goal, won.unit) == (OpportunityTargetKind.WON_VALUE, 1e6, "CNY")
    pipe = OpportunityTarget("pipeline_value", BY, value=cny(5))
    assert pipe == OpportunityTarget.pipeline(cny(5), BY)
    stage = OpportunityTarget.reaching(("O2", "O1", "O1"), OpportunityStage.PROPOSAL, BY)
    assert stage.opportunity_ids == ("O1", "O2")
    assert stage.goal == 2.0
    assert stage.unit == "opportunities"
    assert stage.stage is OpportunityStage.PROPOSAL
    assert stage == OpportunityTarget.reaching(["O1", "O2"], "proposal", BY)
    assert OpportunityTarget.reaching(["O1"], "lead", BY).stage is OpportunityStage.LEAD


@pytest.mark.parametrize(
    ("kw", "error", "path"),
    [
        ({"kind": "won"}, InvalidValueError, "OpportunityTarget.kind"),
        ({"kind": 3}, InvalidTypeError, "OpportunityTarget.kind"),
        ({"value": None}, InvalidValueError, "OpportunityTarget.value"),
        ({"value": 100}, InvalidTypeError, "OpportunityTarget.value"),
        ({"value": cny(0)}, InvalidValueError, "OpportunityTarget.value.amount"),
        ({"value": cny(-1)}, InvalidValueError, "OpportunityTarget.value.amount"),
        ({"opportunity_ids": ["O1"]}, InvalidValueError, "OpportunityTarget.opportunity_ids"),
        ({"stage": "won"}, InvalidValueError, "OpportunityTarget.stage"),
        ({"by": dt.datetime(2025, 1, 1)}, InvalidValueError, "OpportunityTarget.by"),
        (
            {"kind": "stage_reached", "value": None, "stage": "won"},
            InvalidValueError,
            "OpportunityTarget.opportunity_ids",
        ),
        (
            {"kind": "stage_reached", "value": None, "opportunity_ids": ["O1"]},
            InvalidValueError,
            "OpportunityTarget.stage",
        ),
        (
            {"kind": "stage_reached", "opportunity_ids": ["O1"], "stage": "won"},
            InvalidValueError,
            "OpportunityTarget.value",
        ),
        (
            {"kind": "stage_reached", "value": None, "opportunity_ids": ["O1"], "stage": "lost"},
            InvalidValueError,
            "OpportunityTarget.stage",
        ),
        (
            {"kind": "stage_reached", "value": None, "opportunity_ids": "O1", "stage": "won"},
            InvalidTypeError,
            "OpportunityTarget.opportunity_ids",
        ),
        (
            {"kind": "stage_reached", "value": None, "opportunity_ids": ["O1", ""], "stage": "won"},
            InvalidValueError,
            "OpportunityTarget.opportunity_ids[1]",
        ),
    ],
)
def test_opportunity_target_refuses_bad_fields(
    kw: dict[str, Any], error: type[Exception], path: str
) -> None:
    fields: dict[str, Any] = {"kind": "won_value", "by": BY, "value": cny(10)} | kw
    with pytest.raises(error) as info:
        OpportunityTarget(**fields)
    assert str(info.value).startswith(path + ":")


def test_labels_describe_the_targets() -> None:
    assert NetworkTarget("P1", 0.75, BY).label == "closeness to P1 >= 0.75"
    assert OpportunityTarget.won(cny(1.5e6), BY).label == "won value >= 1500000 CNY"
    assert OpportunityTarget.pipeline(cny(12.5), BY).label == "pipeline value >= 12.5 CNY"
    reach = OpportunityTarget.reaching(["O2", "O1"], "won", BY)
    assert reach.label == "O1, O2 at won or later"


def test_plan_keeps_its_targets_in_canonical_order() -> None:
    n = [
        NetworkTarget("P2", 0.5, BY),
        NetworkTarget("P1", 0.6, BY + DAY),
        NetworkTarget("P1", 0.6, BY),
    ]
    o = [
        OpportunityTarget.reaching(["O1"], "won", BY),
        OpportunityTarget.pipeline(cny(5), BY),
        OpportunityTarget.won(cny(7), BY),
        OpportunityTarget.won(cny(3), BY),
    ]
    a, b = plan(n, o), plan(n[::-1], o[::-1])
    assert a == b
    assert hash(a) == hash(b)
    assert [(t.person_id, t.by) for t in a.network_targets] == [
        ("P1", BY),
        ("P1", BY + DAY),
        ("P2", BY),
    ]
    assert [t.kind.value for t in a.opportunity_targets] == [
        "pipeline_value",
        "stage_reached",
        "won_value",
        "won_value",
    ]
    assert [t.goal for t in a.opportunity_targets][-2:] == [3.0, 7.0]


def test_plan_fields_and_review_start() -> None:
    p = plan(owner_id="U1", industry_and_customer="Retail, 40 stores", priority=3)
    assert (p.priority, p.owner_id, p.last_reviewed_at, p.review_from) == (3, "U1", None, T0)
    r = p.reviewed(T0 + 10 * DAY)
    assert r.last_reviewed_at == r.review_from == T0 + 10 * DAY
    assert p.last_reviewed_at is None  # the original is unchanged
    assert plan(last_reviewed_at=T0).review_from == T0  # reviewed on the day written


@pytest.mark.parametrize(
    ("kw", "error", "path"),
    [
        ({"account_id": ""}, InvalidValueError, "AccountPlan.account_id"),
        ({"account_id": 1}, InvalidTypeError, "AccountPlan.account_id"),
        ({"written_at": dt.datetime(2025, 1, 6)}, InvalidValueError, "AccountPlan.written_at"),
        ({"written_at": dt.date(2025, 1, 6)}, InvalidTypeError, "AccountPlan.written_at"),
        ({"priority": 0}, InvalidValueError, "AccountPlan.priority"),
        ({"priority": True}, InvalidTypeError, "AccountPlan.priority"),
        ({"priority": 1.0}, InvalidTypeError, "AccountPlan.priority"),
        ({"industry_and_customer": None}, InvalidTypeError, "AccountPlan.industry_and_customer"),
        ({"owner_id": ""}, InvalidValueError, "AccountPlan.owner_id"),
        (
            {"last_reviewed_at": dt.datetime(2025, 2, 1)},
            InvalidValueError,
            "AccountPlan.last_reviewed_at",
        ),
        ({"last_reviewed_at": T0 - US}, InvalidValueError, "AccountPlan.last_reviewed_at"),
        (
            {"network": NetworkTarget("P1", 0.5, BY)},
            InvalidTypeError,
            "AccountPlan.network_targets",
        ),
        ({"network": "P1"}, InvalidTypeError, "AccountPlan.network_targets"),
        (
            {"network": [OpportunityTarget.won(cny(1), BY)]},
            InvalidTypeError,
            "AccountPlan.network_targets[0]",
        ),
        (
            {"network": [NetworkTarget("P1", 0.5, BY), NetworkTarget("P1", 0.5, BY)]},
            DuplicateIdError,
            "AccountPlan.network_targets[1]",
        ),
        (
            {"opportunity": [NetworkTarget("P1", 0.5, BY)]},
            InvalidTypeError,
            "AccountPlan.opportunity_targets[0]",
        ),
        (
            {"opportunity": [OpportunityTarget.won(cny(1), BY)] * 2},
            DuplicateIdError,
            "AccountPlan.opportunity_targets[1]",
        ),
        (
            {
                "opportunity": [
                    OpportunityTarget.won(cny(1), BY),
                    OpportunityTarget.reaching(["O1"], "won", BY),
                    OpportunityTarget.pipeline(Money(1, "USD"), BY),
                ]
            },
            CurrencyMismatchError,
            "AccountPlan.opportunity_targets[2].value.currency",
        ),
        (
            {"network": [NetworkTarget("P1", 0.5, T0 - US)]},
            InvalidValueError,
            "AccountPlan.network_targets[0].by",
        ),
        (
            {"opportunity": [OpportunityTarget.won(cny(1), T0 - US)]},
            InvalidValueError,
            "AccountPlan.opportunity_targets[0].by",
        ),
    ],
)
def test_plan_refuses_bad_fields(kw: dict[str, Any], error: type[Exception], path: str) -> None:
    with pytest.raises(error) as info:
        plan(**kw)
    assert str(info.value).startswith(path + ":")


def test_a_target_due_when_the_plan_is_written_is_accepted() -> None:
    assert plan([NetworkTarget("P1", 0.5, T0)]).network_targets[0].by == T0


# ------------------------------------------------------------------------------ network targets
def test_closeness_is_our_strongest_path_strength() -> None:
    pf = portfolio(
        [influences("U1", "P2", 0.5), influences("P2", "P1", 0.8), influences("U2", "P1", 0.3)]
    )
    s = one(plan([NetworkTarget("P1", 0.4, BY)]), pf)
    assert (s.part, s.index, s.unit, s.goal, s.current) == ("network", 0, "strength", 0.4, 0.4)
    assert (s.state, s.progress, s.gap) == (TargetState.MET, 1.0, 0.0)
    s = one(plan([NetworkTarget("P1", 0.8, BY)]), pf)
    assert (s.state, s.progress) == (TargetState.ON_TRACK, 0.5)
    assert s.gap == pytest.approx(0.4)
    assert s.time_left == BY - AS_OF


def test_the_portrait_closeness_is_not_read() -> None:
    from kamlib.model import Portrait

    people = [p for p in PEOPLE if p.id != "P1"]
    people.append(customer("P1", portrait=Portrait(10, 10, 10)))
    s = one(plan([NetworkTarget("P1", 0.1, BY)]), portfolio(people=people))
    assert (s.current, s.state) == (0.0, TargetState.ON_TRACK)


def test_paths_avoid_rivals_and_people_who_left() -> None:
    day = AS_OF.date()
    people = [p for p in PEOPLE if p.id not in ("P2", "U2")]
    people += [customer("P2", left_on=day), KeyPerson("U2", "Wang", "our_staff", left_on=day + DAY)]
    ties = [
        influences("U1", "C1", 1.0),
        influences("C1", "P1", 1.0),  # through a rival's staff: not ours
        influences("U1", "P2", 1.0),
        influences("P2", "P1", 0.9),  # P2 left on as_of's day: inactive
        influences("U2", "P1", 0.2),  # U2 leaves tomorrow: still ours today
    ]
    pf = portfolio(ties, people=people)
    s = one(plan([NetworkTarget("P1", 0.2, BY)]), pf)
    assert (s.current, s.state) == (0.2, TargetState.MET)
    # the next day U2 has left too: nobody of ours reaches P1
    later = one(plan([NetworkTarget("P1", 0.2, BY)]), pf, as_of=AS_OF + DAY)
    assert (later.current, later.state) == (0.0, TargetState.ON_TRACK)
    # a target on a person who has left scores 0 from that day
    gone = one(plan([NetworkTarget("P2", 0.5, BY)]), pf)
    assert (gone.current, gone.progress) == (0.0, 0.0)


def test_opportunity_specific_ties_are_not_the_standing_network() -> None:
    ties = [Relationship("U1", "P1", "influences", 0.9, "O1")]
    pf = portfolio(ties, [opp("O1", "proposal")])
    assert one(plan([NetworkTarget("P1", 0.1, BY)]), pf).current == 0.0


def test_met_is_decided_with_a_relative_tolerance() -> None:
    pf = portfolio([influences("U1", "P2", 0.7), influences("P2", "P1", 0.3)])
    current = 0.7 * 0.3
    goal_in = current * (1 + MET_TOLERANCE / 2)  # a hair above: still met
    goal_out = current * (1 + 4 * MET_TOLERANCE)  # clearly above: not met
    assert one(plan([NetworkTarget("P1", goal_in, BY)]), pf).state is TargetState.MET
    out = one(plan([NetworkTarget("P1", goal_out, BY)]), pf)
    assert out.state is TargetState.ON_TRACK
    assert out.progress < 1.0
    won = [opp("O1", "won", 0.1), opp("O2", "won", 0.2)]
    s = one(plan(opportunity=[OpportunityTarget.won(cny(0.3), BY)]), portfolio(opportunities=won))
    assert s.state is TargetState.MET
    assert s.progress == 1.0


# ------------------------------------------------------------------------------ the by boundary
@pytest.mark.parametrize(
    ("as_of", "state"),
    [(BY - US, TargetState.ON_TRACK), (BY, TargetState.ON_TRACK), (BY + US, TargetState.BEHIND)],
)
def test_a_target_is_behind_once_its_by_has_passed(as_of: dt.datetime, state: TargetState) -> None:
    pf = portfolio([influences("U1", "P1", 0.3)], [opp("O1", "proposal", 50)])
    p = plan(
        [NetworkTarget("P1", 0.6, BY)],
        [OpportunityTarget.pipeline(cny(100), BY), OpportunityTarget.reaching(["O1"], "won", BY)],
    )
    e = plan_execution(p, pf, as_of=as_of)
    assert [s.state for s in e.targets] == [state] * 3
    assert [s.time_left for s in e.targets] == [BY - as_of] * 3
    assert len(e.behind) == (3 if state is TargetState.BEHIND else 0)


def test_a_met_target_stays_met_after_its_by() -> None:
    pf = portfolio([influences("U1", "P1", 0.6)])
    s = one(plan([NetworkTarget("P1", 0.6, BY)]), pf, as_of=BY + 30 * DAY)
    assert s.state is TargetState.MET
    assert not s.behind
    assert s.met


def test_no_at_risk_state_ahead_of_the_date() -> None:
    """kamlib's choice: a target with no progress a microsecond before its by is on track."""
    s = one(plan([NetworkTarget("P1", 1.0, BY)]), portfolio(), as_of=BY - US)
    assert (s.state, s.progress, s.current) == (TargetState.ON_TRACK, 0.0, 0.0)


# ------------------------------------------------------------------------------ opportunity targets
def test_won_and_pipeline_values_sum_the_right_opportunities() -> None:
    opps = [
        opp("O1", "won", 300),
        opp("O2", "won", 200),
        opp("O3", "lost", 1000),
        opp("O4", "lead", 40),
        opp("O5", "negotiation", 60),
        opp("O6", "won", 999, account_id="A2"),
    ]
    pf = portfolio(opportunities=opps)
    p = plan(
        opportunity=[OpportunityTarget.won(cny(1000), BY), OpportunityTarget.pipeline(cny(50), BY)]
    )
    pipe, won = plan_execution(p, pf, as_of=AS_OF).targets
    assert (won.current, won.progress, won.unit, won.gap) == (500.0, 0.5, "CNY", 500.0)
    assert (pipe.current, pipe.state, pipe.progress) == (100.0, TargetState.MET, 1.0)


def test_stage_reached_counts_the_named_opportunities_at_the_stage_or_later() -> None:
    opps = [
        opp("O1", "lead"),
        opp("O2", "proposal"),
        opp("O3", "negotiation"),
        opp("O4", "won"),
        opp("O5", "lost"),
    ]
    pf = portfolio(opportunities=opps)
    ids = ["O1", "O2", "O3", "O4", "O5"]
    expected = {"lead": 4, "qualified": 3, "proposal": 3, "negotiation": 2, "won": 1}
    for stage, n in expected.items():
        s = one(plan(opportunity=[OpportunityTarget.reaching(ids, stage, BY)]), pf)
        assert (s.current, s.goal, s.unit) == (float(n), 5.0, "opportunities"), stage
        assert s.progress == n / 5
    s = one(plan(opportunity=[OpportunityTarget.reaching(["O3", "O4"], "negotiation", BY)]), pf)
    assert s.state is TargetState.MET


def test_no_opportunities_give_zero() -> None:
    s = one(plan(opportunity=[OpportunityTarget.won(cny(10), BY)]), portfolio())
    assert (s.current, s.progress, s.state) == (0.0, 0.0, TargetState.ON_TRACK)


def test_a_currency_only_matters_for_the_opportunities_summed() -> None:
    opps = [opp("O1", "lost", 5, "USD"), opp("O2", "won", 5)]
    s = one(plan(opportunity=[OpportunityTarget.won(cny(10), BY)]), portfolio(opportunities=opps))
    assert s.current == 5.0
    opps = [opp("O1", "won", 5, "USD"), opp("O2", "proposal", 5)]
    pf = portfolio(opportunities=opps)
    assert one(plan(opportunity=[OpportunityTarget.pipeline(cny(10), BY)]), pf).current == 5.0
    with pytest.raises(CurrencyMismatchError) as info:
        plan_execution(plan(opportunity=[OpportunityTarget.won(cny(10), BY)]), pf, as_of=AS_OF)
    assert str(info.value).startswith(
        "plan_execution.plan.opportunity_targets[0].value.currency: cannot be compared with "
        "opportunity 'O1' of the account, in USD"
    )


# ------------------------------------------------------------------------------ progress
def test_progress_is_the_mean_of_the_targets() -> None:
    pf = portfolio([influences("U1", "P1", 0.3)], [opp("O1", "won", 250)])
    p = plan(
        [NetworkTarget("P1", 0.6, BY), NetworkTarget("P2", 0.5, BY)],
        [OpportunityTarget.won(cny(100), BY), OpportunityTarget.won(cny(1000), BY)],
    )
    e = plan_execution(p, pf, as_of=AS_OF)
    assert [s.progress for s in e.targets] == [0.5, 0.0, 1.0, 0.25]
    assert e.progress == pytest.approx(1.75 / 4)
    assert [s.part for s in e.network] == ["network"] * 2
    assert [s.part for s in e.opportunities] == ["opportunity"] * 2
    assert (e.met_count, e.empty) == (1, False)


def test_an_empty_plan_has_progress_zero() -> None:
    e = plan_execution(plan(), portfolio(), as_of=AS_OF)
    assert (e.progress, e.empty, e.targets, e.behind, e.met_count) == (0.0, True, (), (), 0)


def test_behind_lists_the_earliest_first_with_what_an_alert_needs() -> None:
    pf = portfolio([influences("U1", "P1", 0.3)])
    early, late = BY - 20 * DAY, BY
    p = plan(
        [NetworkTarget("P1", 0.6, late), NetworkTarget("P2", 0.5, early)],
        [OpportunityTarget.won(cny(100), early)],
        owner_id="U1",
        priority=2,
    )
    e = plan_execution(p, pf, as_of=BY + DAY)
    assert [(s.part, s.label, s.by) for s in e.behind] == [
        ("network", "closeness to P2 >= 0.5", early),
        ("opportunity", "won value >= 100 CNY", early),
        ("network", "closeness to P1 >= 0.6", late),
    ]
    assert [s.gap for s in e.behind] == [0.5, 100.0, 0.3]
    assert (e.account_id, e.owner_id, e.priority, e.as_of) == ("A1", "U1", 2, BY + DAY)


# ------------------------------------------------------------------------------ the review clock
@pytest.mark.parametrize(
    ("offset", "due", "overdue"),
    [(-US, False, False), (dt.timedelta(0), True, False), (US, True, True)],
)
def test_the_3_month_review_at_its_boundary(offset: dt.timedelta, due: bool, overdue: bool) -> None:
    """Source [002]: every 3 months. Exactly at the due time: due, not yet overdue."""
    due_at = dt.datetime(2025, 4, 6, 9, tzinfo=UTC)  # T0 + 3 calendar months
    e = plan_execution(plan(), portfolio(), as_of=due_at + offset)
    assert (e.review_due_at, e.review_months, e.last_reviewed_at) == (due_at, 3, None)
    assert (e.review_due, e.review_overdue) == (due, overdue)
    assert e.review_overdue_by == (offset if overdue else dt.timedelta(0))


def test_the_review_clock_restarts_at_the_last_review() -> None:
    reviewed = dt.datetime(2025, 1, 31, 10, tzinfo=UTC)
    p = plan(last_reviewed_at=reviewed)
    e = plan_execution(p, portfolio(), as_of=reviewed)
    assert e.review_due_at == dt.datetime(2025, 4, 30, 10, tzinfo=UTC)  # the day clamped
    assert e.last_reviewed_at == reviewed
    assert not e.review_due


def test_review_months_is_a_parameter() -> None:
    assert DEFAULT_PLAN_REVIEW_MONTHS == 3
    e = plan_execution(plan(), portfolio(), as_of=AS_OF, review_months=1)
    assert e.review_due_at == dt.datetime(2025, 2, 6, 9, tzinfo=UTC)
    assert e.review_overdue
    assert e.review_months == 1
    e = plan_execution(plan(), portfolio(), as_of=AS_OF, review_months=MAX_PLAN_REVIEW_MONTHS)
    assert e.review_due_at.year == 2125


@pytest.mark.parametrize(
    ("months", "error"),
    [
        (0, InvalidValueError),
        (MAX_PLAN_REVIEW_MONTHS + 1, InvalidValueError),
        (True, InvalidTypeError),
        (3.0, InvalidTypeError),
    ],
)
def test_bad_review_months(months: object, error: type[Exception]) -> None:
    with pytest.raises(error, match=r"^plan_execution\.review_months:"):
        plan_execution(plan(), portfolio(), as_of=AS_OF, review_months=months)  # type: ignore[arg-type]  # the wrong type on purpose
    with pytest.raises(error, match=r"^plan_executions\.review_months:"):
        plan_executions([plan()], portfolio(), as_of=AS_OF, review_months=months)  # type: ignore[arg-type]  # the wrong type on purpose


def test_a_review_beyond_the_calendar_names_review_months() -> None:
    late = dt.datetime(9999, 6, 1, tzinfo=UTC)
    with pytest.raises(InvalidValueError, match=r"^plan_execution\.review_months: moves"):
        plan_execution(plan(written_at=late), portfolio(), as_of=late, review_months=12)


# ------------------------------------------------------------------------------ bad input
def test_plan_execution_refuses_bad_arguments() -> None:
    with pytest.raises(InvalidValueError, match=r"^plan_execution\.as_of: must be timezone-aware"):
        plan_execution(plan(), portfolio(), as_of=dt.datetime(2025, 2, 1))
    with pytest.raises(InvalidTypeError, match=r"^plan_execution\.as_of"):
        plan_execution(plan(), portfolio(), as_of=dt.date(2025, 2, 1))  # type: ignore[arg-type]  # the wrong type on purpose
    with pytest.raises(InvalidTypeError, match=r"^plan_execution\.portfolio"):
        plan_execution(plan(), [], as_of=AS_OF)  # type: ignore[arg-type]  # the wrong type on purpose
    with pytest.raises(InvalidTypeError, match=r"^plan_execution\.plan: must be an AccountPlan"):
        plan_execution("A1", portfolio(), as_of=AS_OF)  # type: ignore[arg-type]  # the wrong type on purpose


def test_a_plan_from_after_as_of_is_refused() -> None:
    plan_execution(plan(), portfolio(), as_of=T0)  # written exactly at as_of: read
    with pytest.raises(
        InvalidValueError, match=r"^plan_execution\.plan\.written_at: is after as_of"
    ):
        plan_execution(plan(), portfolio(), as_of=T0 - US)
    p = plan(last_reviewed_at=AS_OF)
    plan_execution(p, portfolio(), as_of=AS_OF)
    with pytest.raises(
        InvalidValueError, match=r"^plan_execution\.plan\.last_reviewed_at: is after"
    ):
        plan_execution(p, portfolio(), as_of=AS_OF - US)


def test_unknown_account() -> None:
    with pytest.raises(UnknownIdError) as info:
        plan_execution(plan(account_id="A9"), portfolio(), as_of=AS_OF)
    assert str(info.value) == (
        "plan_execution.plan.account_id: is not an account of the portfolio; got 'A9'"
    )


@pytest.mark.parametrize(
    ("person", "reason"),
    [
        ("P9", "is not a person of the portfolio"),
        ("U1", "is not a customer person of account 'A1' (side our_staff)"),
        ("C1", "is not a customer person of account 'A1' (side competitor_staff)"),
        ("Q1", "is not a customer person of account 'A1' (of 'A2')"),
    ],
)
def test_a_network_target_must_be_a_customer_person_of_the_account(
    person: str, reason: str
) -> None:
    p = plan([NetworkTarget("P1", 0.5, BY), NetworkTarget(person, 0.5, BY)])
    i = [t.person_id for t in p.network_targets].index(person)
    with pytest.raises(UnknownIdError) as info:
        plan_execution(p, portfolio(), as_of=AS_OF)
    assert str(info.value) == (
        f"plan_execution.plan.network_targets[{i}].person_id: {reason}; got {person!r}"
    )


@pytest.mark.parametrize("oid", ["O9", "O2"])
def test_a_named_opportunity_must_be_one_of_the_account(oid: str) -> None:
    pf = portfolio(opportunities=[opp("O1", "won"), opp("O2", "won", account_id="A2")])
    p = plan(opportunity=[OpportunityTarget.reaching(["O1", oid], "won", BY)])
    with pytest.raises(UnknownIdError) as info:
        plan_execution(p, pf, as_of=AS_OF)
    assert str(info.value) == (
        "plan_execution.plan.opportunity_targets[0].opportunity_ids[1]: "
        f"is not an opportunity of account 'A1'; got {oid!r}"
    )


# ------------------------------------------------------------------------------ many plans
def test_plan_executions_are_sorted_by_account() -> None:
    pf = portfolio([influences("U1", "Q1", 0.5)])
    plans = [plan([NetworkTarget("Q1", 0.5, BY)], account_id="A2"), plan(account_id="A1")]
    out = plan_executions(plans, pf, as_of=AS_OF)
    assert [e.account_id for e in out] == ["A1", "A2"]
    assert out[1].targets[0].state is TargetState.MET
    assert out == plan_executions(plans[::-1], pf, as_of=AS_OF)
    assert out[0] == plan_execution(plans[1], pf, as_of=AS_OF)
    assert plan_executions([], pf, as_of=AS_OF) == ()
    assert plan_executions(iter(plans), pf, as_of=AS_OF) == out


def test_an_account_in_two_plans_is_refused() -> None:
    plans = [plan(), plan(account_id="A2"), plan(priority=2)]
    with pytest.raises(DuplicateIdError) as info:
        plan_executions(plans, portfolio(), as_of=AS_OF)
    assert str(info.value) == (
        "plan_executions.plans[2].account_id: has a plan already (plans[0]): one plan per "
        "account; got 'A1'"
    )


def test_plan_executions_name_the_plan_in_errors() -> None:
    plans = [plan(), plan(account_id="A9")]
    with pytest.raises(UnknownIdError, match=r"^plan_executions\.plans\[1\]\.account_id:"):
        plan_executions(plans, portfolio(), as_of=AS_OF)
    late = [plan(), plan(account_id="A2", written_at=AS_OF + US)]
    with pytest.raises(InvalidValueError, match=r"^plan_executions\.plans\[1\]\.written_at:"):
        plan_executions(late, portfolio(), as_of=AS_OF)
    bad = [plan([NetworkTarget("P1", 0.5, BY)], account_id="A2")]
    with pytest.raises(
        UnknownIdError, match=r"^plan_executions\.plans\[0\]\.network_targets\[0\]\.person_id:"
    ):
        plan_executions(bad, portfolio(), as_of=AS_OF)
    with pytest.raises(
        InvalidTypeError, match=r"^plan_executions\.plans\[1\]: must be an AccountPlan"
    ):
        plan_executions([plan(), "A2"], portfolio(), as_of=AS_OF)  # type: ignore[list-item]  # the wrong type on purpose
    for wrong in (plan(), "A1", {"A1": plan()}, 3):
        with pytest.raises(InvalidTypeError, match=r"^plan_executions\.plans:"):
            plan_executions(wrong, portfolio(), as_of=AS_OF)  # type: ignore[arg-type]  # the wrong type on purpose
    with pytest.raises(InvalidValueError, match=r"^plan_executions\.as_of"):
        plan_executions([], portfolio(), as_of=dt.datetime(2025, 1, 1))
    with pytest.raises(InvalidTypeError, match=r"^plan_executions\.portfolio"):
        plan_executions([], None, as_of=AS_OF)  # type: ignore[arg-type]  # the wrong type on purpose


def test_the_result_is_immutable() -> None:
    e = plan_execution(plan([NetworkTarget("P1", 0.5, BY)]), portfolio(), as_of=AS_OF)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        e.progress = 1.0  # type: ignore[misc]  # frozen on purpose
    assert isinstance(e.targets, tuple)
    assert isinstance(e, PlanExecution)


# ------------------------------------------------------------------------------ properties
CUSTOMERS = ("P1", "P2", "P3", "P4")
SOURCES = ("U1", "U2", "C1", *CUSTOMERS)
STRENGTHS = st.sampled_from([0.0, 0.2, 0.3, 0.5, 0.7, 0.8, 1.0])
STAGES = st.sampled_from([s.value for s in OpportunityStage])
DAYS = st.integers(min_value=0, max_value=200)


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[Portfolio, AccountPlan, dt.datetime]:
    pairs = [(s, t) for s in SOURCES for t in CUSTOMERS if s != t]
    chosen = draw(st.lists(st.sampled_from(pairs), unique=True, max_size=8))
    ties = [influences(s, t, draw(STRENGTHS)) for s, t in chosen]
    left = draw(st.dictionaries(st.sampled_from(("U1", "U2", *CUSTOMERS)), DAYS, max_size=3))
    people = [
        attrs.evolve(p, left_on=(T0 + left[p.id] * DAY).date()) if p.id in left else p
        for p in PEOPLE
    ]
    n_opps = draw(st.integers(0, 4))
    opps = [
        opp(f"O{i}", draw(STAGES), draw(st.sampled_from([0.0, 50.0, 100.0, 250.0])))
        for i in range(n_opps)
    ]
    by = st.builds(lambda d: T0 + d * DAY, DAYS)
    network = draw(
        st.lists(
            st.builds(NetworkTarget, st.sampled_from(CUSTOMERS), STRENGTHS.filter(bool), by),
            unique=True,
            max_size=4,
        )
    )
    money = st.builds(
        lambda k, a, b: OpportunityTarget(k, b, value=cny(a)),
        st.sampled_from(["won_value", "pipeline_value"]),
        st.sampled_from([50.0, 100.0, 300.0]),
        by,
    )
    targets = [money]
    if opps:
        ids = st.lists(st.sampled_from([o.id for o in opps]), min_size=1, max_size=3)
        stages = st.sampled_from([s.value for s in OpportunityStage if s.value != "lost"])
        targets.append(st.builds(OpportunityTarget.reaching, ids, stages, by))
    opportunity = draw(st.lists(st.one_of(targets), unique=True, max_size=4))
    reviewed = draw(st.none() | DAYS.map(lambda d: T0 + d * DAY))
    p = plan(network, opportunity, last_reviewed_at=reviewed)
    as_of = (
        max(T0, reviewed or T0)
        + draw(DAYS) * DAY
        + draw(st.integers(0, 86_399)) * dt.timedelta(seconds=1)
    )
    return portfolio(ties, opps, people), p, as_of


@given(scenarios(), st.randoms(use_true_random=False))
def test_order_of_targets_and_records_never_shows(
    scenario: tuple[Portfolio, AccountPlan, dt.datetime], rnd: Any
) -> None:
    pf, p, as_of = scenario
    expected = plan_execution(p, pf, as_of=as_of)

    def shuffled(items: Sequence[Any]) -> list[Any]:
        out = list(items)
        rnd.shuffle(out)
        return out

    q = AccountPlan(
        p.account_id,
        p.written_at,
        priority=p.priority,
        network_targets=shuffled(p.network_targets),
        opportunity_targets=shuffled(p.opportunity_targets),
        last_reviewed_at=p.last_reviewed_at,
    )
    qf = Portfolio(
        shuffled(pf.accounts),
        shuffled(pf.people),
        shuffled(pf.relationships),
        opportunities=shuffled(pf.opportunities),
    )
    assert plan_execution(q, qf, as_of=as_of) == expected


@given(scenarios(), st.integers(0, 400), st.integers(0, 10**6))
def test_moving_as_of_forward_never_brings_a_behind_target_back(
    scenario: tuple[Portfolio, AccountPlan, dt.datetime], days: int, micros: int
) -> None:
    pf, p, as_of = scenario
    later = as_of + days * DAY + micros * US
    before = plan_execution(p, pf, as_of=as_of)
    after = plan_execution(p, pf, as_of=later)
    for b, a in zip(before.targets, after.targets, strict=True):
        assert b.target == a.target
        if b.state is TargetState.BEHIND:
            assert a.state is TargetState.BEHIND
        if a.state is TargetState.MET:  # nothing is gained by waiting alone
            assert b.state is TargetState.MET
    assert after.review_due_at == before.review_due_at
    assert after.review_overdue >= before.review_overdue


@given(scenarios())
def test_progress_stays_in_the_unit_interval(
    scenario: tuple[Portfolio, AccountPlan, dt.datetime],
) -> None:
    pf, p, as_of = scenario
    e = plan_execution(p, pf, as_of=as_of)
    assert 0.0 <= e.progress <= 1.0
    assert len(e.targets) == len(p.network_targets) + len(p.opportunity_targets)
    for s in e.targets:
        assert 0.0 <= s.progress <= 1.0
        assert (s.progress == 1.0) == (s.state is TargetState.MET)
        assert s.current >= 0.0
        assert s.gap >= 0.0
        assert (s.state is TargetState.BEHIND) == (not s.met and as_of > s.by)
    if e.targets:
        assert e.progress == pytest.approx(sum(s.progress for s in e.targets) / len(e.targets))
    else:
        assert e.progress == 0.0
