"""Monetisation routing (source [002]): the full deal process or the fast track.

The source gives no threshold, so every default is kamlib's own and pinned here; each
threshold is tested at its boundary on both sides (exactly at the size threshold an
opportunity is big and goes to the full process), bad input gets a typed error naming
its path, raising a threshold never moves an opportunity from fast to full, and the order
of the opportunities never shows.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import kamlib.planning._routing as routing_module
from kamlib.errors import (
    CurrencyMismatchError,
    DuplicateIdError,
    InvalidTypeError,
    InvalidValueError,
)
from kamlib.model import Account, KeyPerson, Money, Opportunity, OpportunityStage, Portfolio
from kamlib.planning import (
    DEFAULT_SIZE_THRESHOLD,
    ROUTE_CODES,
    Route,
    RouteReason,
    Routing,
    RoutingPolicy,
    Track,
    route,
    route_opportunities,
)
from kamlib.synthetic import synthetic_portfolio
from kamlib.testing.strategies import opportunities

OPEN = ("lead", "qualified", "proposal", "negotiation")
PEOPLE = ("P1", "P2", "P3", "P4", "P5", "P6")


def opp(
    oid: str = "O1",
    amount: float = 10_000,
    *,
    stage: str = "proposal",
    chain: int = 1,
    currency: str = "CNY",
    account_id: str = "A1",
) -> Opportunity:
    return Opportunity(
        oid, account_id, f"Deal {oid}", Money(amount, currency), stage, PEOPLE[:chain]
    )


def portfolio(*records: Opportunity) -> Portfolio:
    account = Account(
        "A1",
        "Acme",
        industry="retail",
        region="east",
        size_band="large",
        cooperation_start=dt.date(2024, 1, 1),
    )
    people = [KeyPerson(p, f"Person {p}", "customer", account_id="A1") for p in PEOPLE]
    return Portfolio([account], people, opportunities=list(records))


# ------------------------------------------------------------------------------ defaults
def test_defaults_are_kamlibs_own_choices() -> None:
    p = RoutingPolicy()
    assert p.size_threshold == Money(1_000_000, "CNY") == DEFAULT_SIZE_THRESHOLD
    assert p.chain_threshold == 4
    assert [s.value for s in p.stages] == list(OPEN)  # every open stage is routed
    assert set(ROUTE_CODES) == {
        "large_deal",
        "complex_decision",
        "small_deal",
        "simple_decision",
        "no_criteria",
    }


def test_route_codes_is_a_final_read_only_mapping() -> None:
    assert routing_module.__annotations__["ROUTE_CODES"].startswith("Final[")
    with pytest.raises(TypeError):
        ROUTE_CODES["new"] = "x"  # type: ignore[index]  # read-only: the assignment must fail


def test_track_values() -> None:
    assert Track("full") is Track.FULL
    assert Track("fast") is Track.FAST


# ------------------------------------------------------------------------------ boundaries
def test_exactly_at_the_size_threshold_goes_to_the_full_process() -> None:
    r = route(opp(amount=1_000_000))
    assert r.track is Track.FULL
    assert r.codes == ("large_deal",)  # a full route lists only what sent it there


def test_just_below_the_size_threshold_takes_the_fast_track() -> None:
    below = math.nextafter(1_000_000.0, 0.0)
    assert route(opp(amount=below)).track is Track.FAST
    assert route(opp(amount=999_999.99)).codes == ("small_deal", "simple_decision")
    assert route(opp(amount=999_999)).track is Track.FAST  # an int amount


def test_just_above_the_size_threshold_goes_to_the_full_process() -> None:
    assert route(opp(amount=math.nextafter(1_000_000.0, math.inf))).track is Track.FULL
    assert route(opp(amount=1_000_000.01)).track is Track.FULL


@pytest.mark.parametrize(("people", "track"), [(3, Track.FAST), (4, Track.FULL), (5, Track.FULL)])
def test_the_decision_chain_threshold_both_sides(people: int, track: Track) -> None:
    r = route(opp(amount=10, chain=people))
    assert r.track is track
    code = "complex_decision" if track is Track.FULL else "simple_decision"
    assert code in r.codes


def test_an_empty_decision_chain_counts_as_no_one() -> None:
    r = route(opp(chain=0))
    assert r.track is Track.FAST
    assert r.reasons[1].text == "decision chain of 0 people < threshold 4"


def test_a_zero_threshold_sends_everything_to_the_full_process() -> None:
    zero = RoutingPolicy(size_threshold=Money(0, "CNY"), chain_threshold=0)
    r = route(opp(amount=0, chain=0), policy=zero)
    assert r.track is Track.FULL
    assert r.codes == ("large_deal", "complex_decision")


def test_full_lists_every_criterion_that_sent_it_there() -> None:
    r = route(opp(amount=2_000_000, chain=5))
    assert r == Route(
        "O1",
        "A1",
        Track.FULL,
        (
            RouteReason("large_deal", "size 2,000,000 CNY >= threshold 1,000,000 CNY"),
            RouteReason("complex_decision", "decision chain of 5 people >= threshold 4"),
        ),
    )
    # one criterion is enough; only the ones that fired are listed
    assert route(opp(amount=10, chain=4)).codes == ("complex_decision",)
    assert route(opp(amount=2_000_000, chain=1)).codes == ("large_deal",)


def test_fast_says_why() -> None:
    r = route(opp(amount=80_000.5, chain=1))
    assert r.track is Track.FAST
    assert [x.text for x in r.reasons] == [
        "size 80,000.5 CNY < threshold 1,000,000 CNY",
        "decision chain of 1 person < threshold 4",
    ]


def test_disabled_criteria() -> None:
    no_size = RoutingPolicy(size_threshold=None)
    assert route(opp(amount=1e9, chain=1), policy=no_size).track is Track.FAST
    assert route(opp(amount=1e9, chain=1, currency="USD"), policy=no_size).codes == (
        "simple_decision",
    )
    no_chain = RoutingPolicy(chain_threshold=None)
    assert route(opp(amount=10, chain=6), policy=no_chain).codes == ("small_deal",)
    none = RoutingPolicy(size_threshold=None, chain_threshold=None)
    r = route(opp(amount=1e9, chain=6), policy=none)
    assert r.track is Track.FAST
    assert r.codes == ("no_criteria",)


def test_a_threshold_in_another_currency() -> None:
    eur = RoutingPolicy(size_threshold=Money(50_000, "EUR"))
    assert route(opp(amount=50_000, currency="EUR"), policy=eur).track is Track.FULL
    assert route(opp(amount=49_999.99, currency="EUR"), policy=eur).track is Track.FAST


# ------------------------------------------------------------------------------ stages
@pytest.mark.parametrize("stage", ["won", "lost"])
def test_a_closed_opportunity_is_not_routed(stage: str) -> None:
    with pytest.raises(InvalidValueError, match="is closed") as e:
        route(opp(stage=stage))
    assert e.value.path == "route.opportunity.stage"
    assert e.value.value == stage


def test_an_open_stage_the_policy_does_not_route() -> None:
    later = RoutingPolicy(stages=["proposal", "negotiation"])
    assert route(opp(stage="negotiation"), policy=later).track is Track.FAST
    with pytest.raises(InvalidValueError, match="is not routed by the policy") as e:
        route(opp(stage="lead"), policy=later)
    assert e.value.path == "route.opportunity.stage"


def test_stages_are_kept_in_stage_order_without_repeats() -> None:
    p = RoutingPolicy(stages=[OpportunityStage.PROPOSAL, "lead", "proposal"])
    assert p.stages == (OpportunityStage.LEAD, OpportunityStage.PROPOSAL)
    assert p == RoutingPolicy(stages=("lead", "proposal"))


# ------------------------------------------------------------------------------ bad input
@pytest.mark.parametrize(
    ("kwargs", "error", "path"),
    [
        ({"size_threshold": 1_000_000}, InvalidTypeError, "RoutingPolicy.size_threshold"),
        ({"size_threshold": "1e6 CNY"}, InvalidTypeError, "RoutingPolicy.size_threshold"),
        (
            {"size_threshold": Money(-0.01, "CNY")},
            InvalidValueError,
            "RoutingPolicy.size_threshold.amount",
        ),
        ({"chain_threshold": -1}, InvalidValueError, "RoutingPolicy.chain_threshold"),
        ({"chain_threshold": 100_001}, InvalidValueError, "RoutingPolicy.chain_threshold"),
        ({"chain_threshold": 4.0}, InvalidTypeError, "RoutingPolicy.chain_threshold"),
        ({"chain_threshold": True}, InvalidTypeError, "RoutingPolicy.chain_threshold"),
        ({"chain_threshold": "4"}, InvalidTypeError, "RoutingPolicy.chain_threshold"),
        ({"stages": "lead"}, InvalidTypeError, "RoutingPolicy.stages"),
        ({"stages": 3}, InvalidTypeError, "RoutingPolicy.stages"),
        ({"stages": {"lead": 1}}, InvalidTypeError, "RoutingPolicy.stages"),
        ({"stages": []}, InvalidValueError, "RoutingPolicy.stages"),
        ({"stages": ["lead", "won"]}, InvalidValueError, "RoutingPolicy.stages[1]"),
        ({"stages": ["lost"]}, InvalidValueError, "RoutingPolicy.stages[0]"),
        ({"stages": ["pitch"]}, InvalidValueError, "RoutingPolicy.stages[0]"),
        ({"stages": [1]}, InvalidTypeError, "RoutingPolicy.stages[0]"),
    ],
)
def test_bad_policy_names_the_field(
    kwargs: dict[str, Any], error: type[Exception], path: str
) -> None:
    with pytest.raises(error) as e:
        RoutingPolicy(**kwargs)
    assert e.value.path == path  # type: ignore[attr-defined]  # a kamlib FieldError


def test_zero_and_the_largest_thresholds_are_accepted() -> None:
    p = RoutingPolicy(size_threshold=Money(0, "CNY"), chain_threshold=0)
    assert p.chain_threshold == 0
    assert RoutingPolicy(chain_threshold=100_000).chain_threshold == 100_000


def test_a_currency_mismatch_is_a_typed_error_naming_the_field() -> None:
    with pytest.raises(CurrencyMismatchError) as e:
        route(opp(currency="USD"))
    assert e.value.path == "route.opportunity.size.currency"
    assert e.value.value == "USD"
    assert isinstance(e.value, ValueError)


def test_route_bad_arguments() -> None:
    with pytest.raises(InvalidTypeError) as e:
        route("O1")  # type: ignore[arg-type]  # the point of the test
    assert e.value.path == "route.opportunity"
    with pytest.raises(InvalidTypeError) as e:
        route(opp(), policy={"size_threshold": 5})  # type: ignore[arg-type]  # the point
    assert e.value.path == "route.policy"


# ------------------------------------------------------------------------------ portfolio
def test_route_opportunities_of_a_portfolio() -> None:
    p = portfolio(
        opp("O3", 3_000_000, chain=2),
        opp("O1", 20_000, chain=1),
        opp("O2", 5_000_000, stage="won"),
        opp("O4", 1_000, stage="lost"),
        opp("O5", 1_000, chain=6, stage="lead"),
    )
    r = route_opportunities(p)
    assert [x.opportunity_id for x in r.routes] == ["O1", "O3", "O5"]  # won/lost skipped
    assert r.full == ("O3", "O5")
    assert r.fast == ("O1",)
    assert r.held == ()
    assert all(x.account_id == "A1" for x in r.routes)
    assert r.routes[1] == route(p.opportunities[0])


def test_open_opportunities_at_a_stage_not_routed_are_held_not_dropped() -> None:
    p = portfolio(opp("O2", stage="lead"), opp("O1", stage="qualified"), opp("O3"))
    r = route_opportunities(p, policy=RoutingPolicy(stages=["proposal"]))
    assert [x.opportunity_id for x in r.routes] == ["O3"]
    assert r.held == ("O1", "O2")


def test_route_opportunities_takes_an_iterable() -> None:
    records = [opp("O2"), opp("O1", 2e6)]
    assert route_opportunities(records) == route_opportunities(iter(records))
    assert route_opportunities(()) == Routing(())


def test_a_synthetic_portfolio_routes_every_open_opportunity() -> None:
    p = synthetic_portfolio(60, seed=3, as_of=dt.datetime(2025, 6, 30, tzinfo=dt.UTC))
    r = route_opportunities(p)
    assert {x.opportunity_id for x in r.routes} == {o.id for o in p.opportunities if o.is_open}
    assert r.full
    assert r.fast  # the default thresholds split the synthetic deals


@pytest.mark.parametrize(
    ("given_", "error", "path"),
    [
        ("O1", InvalidTypeError, "route_opportunities.portfolio"),
        ({"O1": None}, InvalidTypeError, "route_opportunities.portfolio"),
        (5, InvalidTypeError, "route_opportunities.portfolio"),
        ([opp("O1"), "O2"], InvalidTypeError, "route_opportunities.opportunities[1]"),
        ([opp("O1"), opp("O1", 7)], DuplicateIdError, "route_opportunities.opportunities[1].id"),
        (
            [opp("O1"), opp("O2", currency="USD")],
            CurrencyMismatchError,
            "route_opportunities.opportunities[1].size.currency",
        ),
    ],
)
def test_route_opportunities_bad_input(given_: Any, error: type[Exception], path: str) -> None:
    with pytest.raises(error) as e:
        route_opportunities(given_)
    assert e.value.path == path  # type: ignore[attr-defined]  # a kamlib FieldError


def test_route_opportunities_bad_policy() -> None:
    with pytest.raises(InvalidTypeError) as e:
        route_opportunities([], policy=RoutingPolicy)  # type: ignore[arg-type]  # the point
    assert e.value.path == "route_opportunities.policy"


def test_a_closed_opportunity_in_another_currency_is_not_an_error() -> None:
    r = route_opportunities([opp("O1"), opp("O2", currency="USD", stage="won")])
    assert [x.opportunity_id for x in r.routes] == ["O1"]


# ------------------------------------------------------------------------------ properties
_amounts = st.floats(0, 1e13, allow_nan=False, allow_infinity=False)
_opps = opportunities(currency="CNY")


@given(_opps.filter(lambda o: o.is_open), _amounts, _amounts)
@example(opp(amount=1_000_000), 1_000_000.0, 1_000_000.0)
@example(opp(amount=1_000_000), 999_999.0, 1_000_000.0)
@example(opp(amount=1_000_000), 1_000_000.0, 1_000_001.0)
def test_raising_the_size_threshold_never_moves_fast_to_full(
    o: Opportunity, a: float, b: float
) -> None:
    lo, hi = sorted((a, b))
    low = route(o, policy=RoutingPolicy(size_threshold=Money(lo, "CNY")))
    high = route(o, policy=RoutingPolicy(size_threshold=Money(hi, "CNY")))
    if low.track is Track.FAST:
        assert high.track is Track.FAST


@given(_opps.filter(lambda o: o.is_open), st.integers(0, 8), st.integers(0, 8))
def test_raising_the_chain_threshold_never_moves_fast_to_full(
    o: Opportunity, a: int, b: int
) -> None:
    lo, hi = sorted((a, b))
    low = route(o, policy=RoutingPolicy(chain_threshold=lo))
    high = route(o, policy=RoutingPolicy(chain_threshold=hi))
    if low.track is Track.FAST:
        assert high.track is Track.FAST


@given(_opps.filter(lambda o: o.is_open), _amounts, st.integers(0, 5))
def test_full_exactly_when_a_criterion_is_at_or_above_its_threshold(
    o: Opportunity, t: float, k: int
) -> None:
    r = route(o, policy=RoutingPolicy(size_threshold=Money(t, "CNY"), chain_threshold=k))
    big = o.size.amount >= t
    complex_ = len(o.decision_chain) >= k
    assert (r.track is Track.FULL) == (big or complex_)
    assert ("large_deal" in r.codes) == big
    assert ("complex_decision" in r.codes) == complex_
    assert ("small_deal" in r.codes) == (not big and not complex_)
    assert r == route(o, policy=RoutingPolicy(size_threshold=Money(t, "CNY"), chain_threshold=k))


@given(st.lists(_opps, unique_by=lambda o: o.id, max_size=12), st.randoms(use_true_random=False))
def test_the_order_of_the_opportunities_never_shows(records: list[Opportunity], rnd: Any) -> None:
    shuffled = list(records)
    rnd.shuffle(shuffled)
    a = route_opportunities(records)
    assert a == route_opportunities(shuffled)
    ids = [x.opportunity_id for x in a.routes]
    assert ids == sorted(ids)
    assert set(ids) == {o.id for o in records if o.is_open}


@given(st.permutations(range(5)))
def test_the_order_of_a_portfolios_opportunities_never_shows(order: list[int]) -> None:
    records = [
        opp("O1", 10),
        opp("O2", 2e6),
        opp("O3", stage="lead", chain=5),
        opp("O4", stage="won"),
        opp("O5", stage="qualified"),
    ]
    policy = RoutingPolicy(stages=["qualified", "proposal"])
    base = route_opportunities(portfolio(*records), policy=policy)
    assert route_opportunities(portfolio(*(records[i] for i in order)), policy=policy) == base
    assert base.held == ("O3",)


# ------------------------------------------------------------------------------ amounts
@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (1e308, "1e+308 CNY"),  # not the 309 digits of its binary expansion
        (1e16, "1e+16 CNY"),  # the short form from 1e16 up
        (1.5e20, "1.5e+20 CNY"),
        (10**20, "1e+20 CNY"),
        (9_999_999_999_999_998.0, "9,999,999,999,999,998 CNY"),  # just below: every digit
        (2_000_000, "2,000,000 CNY"),
        (1_234_567.25, "1,234,567.25 CNY"),
    ],
)
def test_a_reason_writes_the_amount_in_a_short_form(amount: float, text: str) -> None:
    r = route(opp(amount=amount))
    assert r.reasons[0].text == f"size {text} >= threshold 1,000,000 CNY"


def test_a_huge_threshold_is_written_short_too() -> None:
    r = route(opp(amount=5), policy=RoutingPolicy(size_threshold=Money(1e300, "CNY")))
    assert r.reasons[0].text == "size 5 CNY < threshold 1e+300 CNY"


@given(st.floats(0, 1e308, allow_nan=False, allow_infinity=False))
def test_an_amount_text_is_short_and_reads_back_exactly(amount: float) -> None:
    text = route(opp(amount=amount)).reasons[0].text
    shown = text.split(" ")[1]
    assert len(shown) <= 30
    assert float(shown.replace(",", "")) == amount
