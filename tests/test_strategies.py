"""kamlib.testing.strategies: valid by construction, options honoured, bad options refused."""

from __future__ import annotations

import datetime as dt
import itertools
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import networkx as nx
import pytest
from hypothesis import HealthCheck, find, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from kamlib.model import (
    LEGAL_TRANSITIONS,
    START_STATES,
    Acceptance,
    Account,
    Commitment,
    CommitmentState,
    Complaint,
    Interaction,
    KeyPerson,
    Money,
    Need,
    NpsResponse,
    Opportunity,
    PeriodFigures,
    Portfolio,
    Portrait,
    ProgressUpdate,
    Quarter,
    Relationship,
    RelationshipKind,
    RiskSignal,
    RiskWarning,
    SatisfactionSurvey,
    Side,
    StrategicAttributes,
    Transition,
)
from kamlib.testing import strategies as ks

ALL: list[tuple[Callable[[], st.SearchStrategy[Any]], type]] = [
    (ks.money, Money),
    (ks.quarters, Quarter),
    (ks.period_figures, PeriodFigures),
    (ks.strategic_attributes, StrategicAttributes),
    (ks.portraits, Portrait),
    (ks.satisfaction_surveys, SatisfactionSurvey),
    (ks.nps_responses, NpsResponse),
    (ks.risk_signals, RiskSignal),
    (ks.needs, Need),
    (ks.accounts, Account),
    (ks.key_people, KeyPerson),
    (ks.relationships, Relationship),
    (ks.transitions, Transition),
    (ks.risk_warnings, RiskWarning),
    (ks.acceptances, Acceptance),
    (ks.progress_updates, ProgressUpdate),
    (ks.commitments, Commitment),
    (ks.interactions, Interaction),
    (ks.opportunities, Opportunity),
    (ks.complaints, Complaint),
    (ks.portfolios, Portfolio),
]
QUIET = settings(database=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize(("factory", "cls"), ALL, ids=lambda x: getattr(x, "__name__", "?"))
@given(data=st.data())
def test_each_strategy_draws_its_type(
    factory: Callable[[], st.SearchStrategy[Any]], cls: type, data: st.DataObject
) -> None:
    assert isinstance(data.draw(factory()), cls)


def test_public_names() -> None:
    for factory, _ in ALL:
        assert factory.__name__ in ks.__all__
    assert "register" in ks.__all__


# ------------------------------------------------------------------ options honoured


@given(ks.money(currency="EUR", min_amount=-5, max_amount=5))
def test_money_options(m: Money) -> None:
    assert m.currency == "EUR"
    assert -5 <= m.amount <= 5


@given(ks.money(currency=st.sampled_from(["CNY", "JPY"])))
def test_money_currency_strategy(m: Money) -> None:
    assert m.currency in {"CNY", "JPY"}


@given(ks.quarters(min_value=Quarter(2020, 2), max_value=Quarter(2021, 1)))
def test_quarters_bounds(q: Quarter) -> None:
    assert Quarter(2020, 2) <= q <= Quarter(2021, 1)


@given(ks.aware_datetimes(min_value=dt.datetime(2024, 1, 1), max_value=dt.datetime(2024, 2, 1)))
def test_aware_datetimes(d: dt.datetime) -> None:
    assert d.utcoffset() is not None
    assert dt.datetime(2024, 1, 1) <= d.replace(tzinfo=None) <= dt.datetime(2024, 2, 1)


@given(ks.satisfaction_surveys(min_score=20, max_score=30))
def test_survey_bounds(s: SatisfactionSurvey) -> None:
    assert 20 <= s.score <= 30


@given(ks.accounts(currency="CNY", min_figures=2, max_figures=3, max_items=1))
def test_account_options(a: Account) -> None:
    assert 2 <= len(a.figures) <= 3
    assert a.currency == "CNY"
    for items in (a.surveys, a.nps, a.risk_signals, a.needs, a.cooperation_areas):
        assert len(items) <= 1


@given(ks.accounts(ids=st.just("ACME"), executive_sponsor_ids=st.just("U7")))
def test_account_strategy_valued_options(a: Account) -> None:
    assert (a.id, a.executive_sponsor_id) == ("ACME", "U7")


@given(ks.key_people(sides=st.just(Side.CUSTOMER), account_ids=st.just("A1")))
def test_customers_have_an_account(p: KeyPerson) -> None:
    assert p.side is Side.CUSTOMER
    assert p.account_id == "A1"


@given(ks.relationships(person_ids=st.sampled_from(["P1", "P2"])))
def test_relationships_never_self_loop(r: Relationship) -> None:
    assert {r.source_id, r.target_id} == {"P1", "P2"}


@given(ks.risk_signals())
def test_risk_signals_resolve_after_they_start(s: RiskSignal) -> None:
    assert s.resolved_at is None or s.resolved_at >= s.at


@given(ks.commitments(max_transitions=4, max_warnings=0))
def test_commitment_histories_are_legal_paths(c: Commitment) -> None:
    states = [t.to_state for t in c.history]
    assert 1 <= len(states) <= 4
    assert states[0] in START_STATES
    for a, b in itertools.pairwise(states):
        assert b in LEGAL_TRANSITIONS[a]
    times = [t.at for t in c.history]
    assert times == sorted(times)
    assert c.risk_warnings == ()
    assert (c.acceptance is not None) == (c.state is CommitmentState.ACCEPTED)


_SEEN_STATES: set[CommitmentState] = set()


@settings(max_examples=400)
@given(ks.commitments())
def _collect_states(c: Commitment) -> None:
    _SEEN_STATES.update(t.to_state for t in c.history)


def test_commitments_reach_every_state() -> None:
    _collect_states()
    assert set(CommitmentState) == _SEEN_STATES


@given(ks.progress_updates(at=st.just(dt.datetime(2024, 1, 1, tzinfo=dt.UTC))))
def test_progress_update_options(u: ProgressUpdate) -> None:
    assert u.at == dt.datetime(2024, 1, 1, tzinfo=dt.UTC)


@given(
    ks.complaints(
        ids=st.just("Q1"),
        account_ids=st.just("A1"),
        owner_ids=st.just("U1"),
        person_ids=st.just("P1"),
        received_at=st.just(dt.datetime(2024, 1, 1, tzinfo=dt.UTC)),
        max_options=0,
    )
)
def test_complaint_options(q: Complaint) -> None:
    assert (q.id, q.account_id, q.owner_id, q.person_id) == ("Q1", "A1", "U1", "P1")
    assert q.received_at == dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    assert q.options == ()
    assert q.options_at is None


def test_minimal_complaint_records_only_its_receipt() -> None:
    q = find(ks.complaints(), lambda q: True, settings=QUIET)
    assert q.times() == (("received_at", q.received_at),)
    assert (q.channel.value, q.severity.value, q.options) == ("standard", "low", ())


def test_minimal_commitment_is_just_committed() -> None:
    c = find(ks.commitments(max_warnings=0), lambda c: True, settings=QUIET)
    assert [t.to_state.value for t in c.history] == ["committed"]


@given(ks.interactions(max_people=2))
def test_interactions_have_someone(i: Interaction) -> None:
    assert 1 <= len(i.our_people) + len(i.their_people) <= 4
    assert len(i.our_people) <= 2
    assert len(i.their_people) <= 2


@given(ks.opportunities(currency="GBP", decision_chain=st.just(["P1", "P2"])))
def test_opportunity_options(o: Opportunity) -> None:
    assert o.size.currency == "GBP"
    assert o.size.amount >= 0
    assert o.decision_chain == ("P1", "P2")


# ------------------------------------------------------------------ portfolios


def _reporting_graph(pf: Portfolio) -> nx.DiGraph[str]:
    g: nx.DiGraph[str] = nx.DiGraph()
    g.add_edges_from(
        (r.source_id, r.target_id)
        for r in pf.relationships
        if r.kind is RelationshipKind.REPORTS_TO
    )
    return g


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(ks.portfolios(min_accounts=1, max_accounts=3, max_people_per_account=4, max_staff=2))
def test_portfolio_options_and_consistency(pf: Portfolio) -> None:
    assert 1 <= len(pf.accounts) <= 3
    staff = [p for p in pf.people if p.side is Side.OUR_STAFF]
    assert len(staff) <= 2
    for a in pf.accounts:
        assert len(pf.people_of(a.id)) <= 4
        assert len(pf.commitments_of(a.id)) <= 2
        assert len(pf.interactions_of(a.id)) <= 2
        assert len(pf.opportunities_of(a.id)) <= 2
    assert nx.is_directed_acyclic_graph(_reporting_graph(pf))
    # Re-building re-runs every integrity check: the portfolio was valid by construction.
    assert (
        Portfolio(
            pf.accounts,
            pf.people,
            pf.relationships,
            pf.commitments,
            pf.interactions,
            pf.opportunities,
        )
        == pf
    )


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(ks.portfolios(with_commitments=False, with_interactions=False, with_opportunities=False))
def test_portfolio_flags(pf: Portfolio) -> None:
    assert pf.commitments == ()
    assert pf.interactions == ()
    assert pf.opportunities == ()


def _named_respondents(pf: Portfolio) -> list[tuple[str, str]]:
    """(account id, person id) of every NPS answer and acceptance that names a person."""
    named = [(a.id, n.person_id) for a in pf.accounts for n in a.nps if n.person_id]
    named += [
        (c.account_id, c.acceptance.accepted_by_id)
        for c in pf.commitments
        if c.acceptance is not None and c.acceptance.accepted_by_id
    ]
    return named


def _own(pf: Portfolio, account_id: str, pid: str) -> bool:
    return any(p.id == pid and p.account_id == account_id for p in pf.people)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(ks.portfolios())
def test_portfolio_nps_and_acceptances_name_the_accounts_own_people(pf: Portfolio) -> None:
    # Before the fix these ids were random strings: dangling references that the
    # portfolio's integrity check did not see (coverage: "respondent" in _SHAPES).
    for account_id, pid in _named_respondents(pf):
        assert _own(pf, account_id, pid)


@given(ks.portfolios(max_accounts=0))
def test_empty_portfolios(pf: Portfolio) -> None:
    assert pf.accounts == ()


@settings(max_examples=300)
@given(ks.portfolios())
def _collect_shapes(pf: Portfolio) -> None:
    kinds = {r.kind for r in pf.relationships}
    external = {
        r.source_id for r in pf.relationships if not r.source_id.split(".")[-1].startswith("P")
    }
    _SHAPES.update(
        {
            "reporting": RelationshipKind.REPORTS_TO in kinds,
            "influence": RelationshipKind.INFLUENCES in kinds,
            "external influence": bool(external),
            "commitment": bool(pf.commitments),
            "interaction": bool(pf.interactions),
            "opportunity": bool(pf.opportunities),
            "sponsor": any(a.executive_sponsor_id for a in pf.accounts),
            "several accounts": len(pf.accounts) > 1,
            "respondent": bool(_named_respondents(pf)),
        }.items()
    )


_SHAPES: set[tuple[str, bool]] = set()


def test_portfolios_cover_every_kind_of_record() -> None:
    _collect_shapes()
    assert {name for name, present in _SHAPES if present} == {
        "reporting",
        "influence",
        "external influence",
        "commitment",
        "interaction",
        "opportunity",
        "sponsor",
        "several accounts",
        "respondent",
    }


# ------------------------------------------------------------------ bad options

BAD_OPTIONS: list[Callable[[], object]] = [
    lambda: ks.money(min_amount=2, max_amount=1),
    lambda: ks.money(min_amount=float("nan")),
    lambda: ks.money(max_amount=float("inf")),
    lambda: ks.money(currency="usd"),
    lambda: ks.money(currency="EURO"),
    lambda: ks.money(currency=3),  # type: ignore[arg-type]
    lambda: ks.quarters(min_value=Quarter(2024, 2), max_value=Quarter(2024, 1)),
    lambda: ks.quarters(min_value="2024Q1"),  # type: ignore[arg-type]
    lambda: ks.aware_datetimes(min_value=dt.datetime(2024, 1, 1, tzinfo=dt.UTC)),
    lambda: ks.aware_datetimes(
        min_value=dt.datetime(2025, 1, 1), max_value=dt.datetime(2024, 1, 1)
    ),
    lambda: ks.satisfaction_surveys(min_score=-1),
    lambda: ks.satisfaction_surveys(max_score=101),
    lambda: ks.satisfaction_surveys(min_score=50, max_score=40),
    lambda: ks.accounts(min_figures=3, max_figures=2),
    lambda: ks.accounts(max_figures=65),
    lambda: ks.accounts(min_figures=-1),
    lambda: ks.accounts(max_items=-1),
    lambda: ks.accounts(max_figures=True),
    lambda: ks.commitments(max_transitions=0),
    lambda: ks.commitments(max_warnings=-1),
    lambda: ks.commitments(max_updates=-1),
    lambda: ks.commitments(max_updates=True),
    lambda: ks.complaints(max_options=-1),
    lambda: ks.complaints(max_options=2.0),  # type: ignore[arg-type]
    lambda: ks.interactions(max_people=0),
    lambda: ks.portfolios(min_accounts=3, max_accounts=2),
    lambda: ks.portfolios(max_people_per_account=-1),
    lambda: ks.portfolios(max_staff=1.5),  # type: ignore[arg-type]
    lambda: ks.portfolios(max_figures=100),
    lambda: ks.portfolios(max_items=-1),
    lambda: ks.portfolios(with_commitments=1),  # type: ignore[arg-type]
    lambda: ks.portfolios(with_complaints="yes"),  # type: ignore[arg-type]
    lambda: ks.portfolios(max_updates=-1),
]


@pytest.mark.parametrize("make", BAD_OPTIONS)
def test_impossible_options_raise_invalid_argument(make: Callable[[], object]) -> None:
    with pytest.raises(InvalidArgument):
        make()


# ------------------------------------------------------------------ st.from_type


def test_register_makes_from_type_work() -> None:
    ks.register()
    ks.register()  # idempotent

    @QUIET
    @given(st.data())
    def check(data: st.DataObject) -> None:
        for _, cls in ALL:
            assert isinstance(data.draw(st.from_type(cls)), cls)

    check()


def test_testing_package_does_not_import_hypothesis() -> None:
    code = (
        "import sys, kamlib.testing; "
        "assert 'kamlib.testing.strategies' not in sys.modules; "
        "assert 'hypothesis' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
