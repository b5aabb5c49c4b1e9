"""Demand pool, customisation guard and value ladder (sources [000], [003])."""

from __future__ import annotations

import datetime as dt
import itertools
import math
from decimal import Decimal
from typing import Any

import attrs
import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from kamlib.errors import CurrencyMismatchError, InvalidTypeError, InvalidValueError, UnknownIdError
from kamlib.features import _window
from kamlib.model import Account, Money, Need, NeedKind, PeriodFigures, Portfolio, Quarter
from kamlib.operations import (
    CUSTOMISATION_LIMIT,
    CUSTOMISATION_TOLERANCE,
    DEFAULT_LADDER_AREAS,
    DEMAND_CODES,
    LADDER_STAGES,
    AlertKind,
    LadderPolicy,
    Severity,
    customisation_guard,
    customisation_over_limit,
    demand_alerts,
    demand_pool,
    rank_needs,
    value_ladder,
    value_ladders,
)
from kamlib.synthetic import AREAS
from kamlib.testing.strategies import accounts as account_strategy
from kamlib.testing.strategies import needs as need_strategy

UTC = dt.UTC
AS_OF = dt.datetime(2025, 1, 1, tzinfo=UTC)  # window 2024Q1..2024Q4


def bad(value: object) -> Any:
    """A value of the wrong type, passed on purpose."""
    return value


def account(
    id: str = "A1",
    *,
    needs: tuple[Need, ...] = (),
    profits: dict[Quarter, float] | None = None,
    areas: tuple[str, ...] = (),
    currency: str = "USD",
) -> Account:
    figures = [
        PeriodFigures(q, Money(1000, currency), Money(p, currency), Money(10, currency))
        for q, p in (profits or {}).items()
    ]
    return Account(
        id,
        id,
        industry="x",
        region="y",
        size_band="large",
        cooperation_start=dt.date(2020, 1, 1),
        needs=needs,
        figures=figures,
        cooperation_areas=areas,
    )


def year(*profits: float, y: int = 2024) -> dict[Quarter, float]:
    return {Quarter(y, q + 1): p for q, p in enumerate(profits)}


def guard(
    profits: dict[Quarter, float], cost: object, **kw: Any
) -> tuple[float | None, bool, float]:
    p = Portfolio(accounts=[account(profits=profits)])
    (c,) = customisation_guard(p, {"A1": bad(cost)}, as_of=kw.pop("as_of", AS_OF), **kw)
    return c.share, c.over, c.contribution


# ------------------------------------------------------------------ demand pool


def test_rank_by_urgency_times_value() -> None:
    a = account(
        needs=(
            Need("N1", "a", "explicit", urgency=2, value=9),  # 18
            Need("N2", "b", "latent", urgency=5, value=5),  # 25
            Need("N3", "c", "implicit", urgency=1, value=1),  # 1
        )
    )
    ranked = rank_needs(a)
    assert [(r.need_id, r.priority, r.rank) for r in ranked] == [
        ("N2", 25.0, 1),
        ("N1", 18.0, 2),
        ("N3", 1.0, 3),
    ]
    assert all(r.priority == r.urgency * r.value for r in ranked)
    assert ranked[0].kind is NeedKind.LATENT


def test_ties_higher_urgency_then_kind_then_id() -> None:
    needs = (
        Need("Z", "x", "latent", urgency=4, value=6),
        Need("Y", "x", "implicit", urgency=4, value=6),
        Need("X", "x", "explicit", urgency=3, value=8),
        Need("W", "x", "explicit", urgency=4, value=6),
        Need("V", "x", "explicit", urgency=4, value=6),
        Need("U", "x", "latent", urgency=6, value=4),
    )
    # all priority 24: urgency 6 first, then the urgency-4 ones explicit (V, W) >
    # implicit (Y) > latent (Z), then urgency 3 (X)
    assert [r.need_id for r in rank_needs(account(needs=needs))] == ["U", "V", "W", "Y", "Z", "X"]
    assert [r.need_id for r in rank_needs(account(needs=needs[::-1]))] == [
        "U",
        "V",
        "W",
        "Y",
        "Z",
        "X",
    ]


def test_no_needs_no_pool() -> None:
    assert rank_needs(account()) == ()
    assert demand_pool(Portfolio()) == ()


def test_demand_pool_flat_by_account_then_rank() -> None:
    p = Portfolio(
        accounts=[
            account("B", needs=(Need("N1", "x", "explicit", 1, 1),)),
            account(
                "A", needs=(Need("N1", "x", "explicit", 1, 1), Need("N2", "x", "latent", 9, 9))
            ),
            account("C"),
        ]
    )
    assert [(r.account_id, r.rank, r.need_id) for r in demand_pool(p)] == [
        ("A", 1, "N2"),
        ("A", 2, "N1"),
        ("B", 1, "N1"),
    ]
    assert [r.account_id for r in demand_pool(p, accounts=["B", "B"])] == ["B"]
    assert demand_pool(p, accounts=["B", "A"]) == demand_pool(p, accounts=("A", "B"))
    assert demand_pool(p, accounts=[]) == ()


@given(st.lists(need_strategy(), max_size=8, unique_by=lambda n: n.id), st.randoms())
def test_need_order_never_changes_the_ranking(needs: list[Need], rnd: Any) -> None:
    before = rank_needs(account(needs=tuple(needs)))
    rnd.shuffle(needs)
    after = rank_needs(account(needs=tuple(needs)))
    assert after == before
    assert [r.rank for r in after] == list(range(1, len(needs) + 1))
    for a, b in itertools.pairwise(after):
        assert (a.priority, a.urgency) >= (b.priority, b.urgency)


@given(
    st.lists(account_strategy(max_figures=0), max_size=5, unique_by=lambda a: a.id), st.randoms()
)
def test_account_order_never_changes_the_pool(accs: list[Account], rnd: Any) -> None:
    accs = [attrs.evolve(a, nps=()) for a in accs]  # NPS answers name people not in a portfolio
    before = demand_pool(Portfolio(accounts=accs))
    rnd.shuffle(accs)
    assert demand_pool(Portfolio(accounts=accs)) == before
    assert [r.account_id for r in before] == sorted(r.account_id for r in before)


# ------------------------------------------------------------------ customisation guard


def test_exactly_fifteen_percent_is_not_flagged_just_above_is() -> None:
    assert guard(year(25, 25, 25, 25), 15) == (0.15, False, 100.0)
    assert guard(year(25, 25, 25, 25), Money(15, "USD"))[1] is False
    share, over, _ = guard(year(25, 25, 25, 25), 15.000001)
    assert over is True
    assert share is not None
    assert share > CUSTOMISATION_LIMIT
    # one part in 10**11 above: beyond the 1e-12 tolerance
    assert guard(year(25, 25, 25, 25), 15 * (1 + 1e-11))[1] is True


@pytest.mark.parametrize(
    ("profits", "cost"),
    [
        (year(101), 15.15),  # 0.15 * 101 == 15.149999999999999 in floats
        (year(33.3, 33.3, 33.4), 15),  # the sum is not exactly 100 in floats
        (year(0.1, 0.2), 0.045),  # 0.15 * (0.1 + 0.2) == 0.045000000000000005
        (year(7.77), 1.1655),
        (year(1234.56, 0.01), 185.1855),
        (year(0.57), 0.0855),  # naive float comparison flags these ...
        (year(0.7, 0.2), 0.135),
        (year(19.99, 66.67), 12.999),
        (year(10.1, 20.2), 4.545),
    ],
)
def test_an_exact_fifteen_percent_in_decimal_money_is_never_flagged(
    profits: dict[Quarter, float], cost: float
) -> None:
    share, over, _ = guard(profits, cost)
    assert over is False
    assert share == pytest.approx(0.15, rel=1e-12)
    # a cent more is flagged
    assert guard(profits, cost + 0.01)[1] is True


@given(st.lists(st.integers(1, 10**8), min_size=1, max_size=4))
@example([57])
@example([10100])
def test_fifteen_percent_of_any_cents_is_never_flagged_a_cent_more_is(cents: list[int]) -> None:
    total = Decimal(sum(cents)) / 100
    cost = float(total * Decimal("0.15"))  # exactly 15 %, written as a decimal amount
    profits = year(*(c / 100 for c in cents))
    assert guard(profits, cost)[1] is False
    assert guard(profits, cost + 0.01)[1] is True


def test_non_positive_contribution() -> None:
    assert guard(year(-50, 20), 1) == (None, True, -30.0)
    assert guard({}, 1) == (None, True, 0.0)
    assert guard(year(-50), 0) == (None, False, -50.0)
    assert guard({}, 0.0) == (None, False, 0.0)
    assert guard(year(100), 0) == (0.0, False, 100.0)


def test_the_window_is_the_features_window() -> None:
    profits = {Quarter(2023, 4): 1000.0, **year(10, 20, 30, 40), Quarter(2025, 1): 1000.0}
    p = Portfolio(accounts=[account(profits=profits)])
    (c,) = customisation_guard(p, {"A1": 10}, as_of=AS_OF)
    assert c.window == ("2024Q1", "2024Q2", "2024Q3", "2024Q4")
    assert c.contribution == 100.0
    assert c.quarters == 4
    # as_of on the last day of a quarter: that quarter is complete
    end = dt.datetime(2024, 12, 31, 8, tzinfo=UTC)
    (c,) = customisation_guard(p, {"A1": 10}, as_of=end, periods=2)
    assert c.window == ("2024Q3", "2024Q4")
    assert c.window == tuple(str(q) for q in _window(end.date(), 2))
    (c,) = customisation_guard(p, {"A1": 10}, as_of=end - dt.timedelta(days=1), periods=2)
    assert c.window == ("2024Q2", "2024Q3")
    assert c.contribution == 50.0


def test_missing_quarters_add_nothing() -> None:
    p = Portfolio(accounts=[account(profits={Quarter(2024, 2): 80.0})])
    (c,) = customisation_guard(p, {"A1": 12}, as_of=AS_OF)
    assert (c.quarters, c.contribution, c.over) == (1, 80.0, False)


def test_checks_are_by_account_id_and_only_for_given_costs() -> None:
    p = Portfolio(
        accounts=[account("B", profits=year(10)), account("A", profits=year(10)), account("C")]
    )
    checks = customisation_guard(p, {"B": 2, "A": 1}, as_of=AS_OF)
    assert [(c.account_id, c.over) for c in checks] == [("A", False), ("B", True)]
    assert checks[0].currency == "USD"
    assert customisation_guard(p, {}, as_of=AS_OF) == ()


def test_limit_is_a_parameter() -> None:
    assert guard(year(100), 20, limit=0.2)[1] is False
    assert guard(year(100), 20.01, limit=0.2)[1] is True
    assert guard(year(100), 0.01, limit=0)[1] is True


def test_account_without_figures_takes_the_money_currency() -> None:
    p = Portfolio(accounts=[account()])
    (c,) = customisation_guard(p, {"A1": Money(5, "EUR")}, as_of=AS_OF)
    assert (c.currency, c.over, c.share) == ("EUR", True, None)
    (c,) = customisation_guard(p, {"A1": 5}, as_of=AS_OF)
    assert c.currency is None


def test_demand_alerts() -> None:
    p = Portfolio(
        accounts=[
            account("A", profits=year(100)),
            account("B", profits=year(100)),
            account("C", profits=year(-5)),
        ]
    )
    checks = customisation_guard(p, {"A": 15, "B": 30, "C": 1}, as_of=AS_OF)
    alerts = demand_alerts(checks)
    assert [(a.account_id, a.code, a.severity, a.kind) for a in alerts] == [
        ("B", "customisation_over_limit", Severity.WARNING, AlertKind.DEMAND),
        ("C", "customisation_over_limit", Severity.WARNING, AlertKind.DEMAND),
    ]
    assert dict(alerts[0].evidence) == {
        "contribution": 100.0,
        "cost": 30.0,
        "currency": "USD",
        "limit": 0.15,
        "quarters": 1,
        "share": 0.3,
        "window": ("2024Q1", "2024Q2", "2024Q3", "2024Q4"),
    }
    assert alerts[1].evidence["share"] is None
    assert "nothing to pay for it" in alerts[1].reason
    assert {a.code for a in alerts} <= set(DEMAND_CODES)
    assert demand_alerts(checks[::-1]) == alerts
    with pytest.raises(TypeError):
        DEMAND_CODES["x"] = "y"  # type: ignore[index]


# ------------------------------------------------------------------ column door


def _rule(cost: float, contribution: float, limit: float) -> bool:
    if contribution > 0:
        return cost > contribution * (limit * (1 + CUSTOMISATION_TOLERANCE))
    return cost > 0


FINITE = st.floats(-1e12, 1e12, allow_nan=False)
COST = st.floats(0, 1e12, allow_nan=False)


@given(st.lists(st.tuples(COST, FINITE), max_size=20), st.floats(0, 2))
@example([(15.15, 101.0), (15.0, 100.0), (0.0, 0.0), (1.0, -1.0)], 0.15)
def test_column_door_is_the_rule(pairs: list[tuple[float, float]], limit: float) -> None:
    cost = np.array([c for c, _ in pairs], dtype=np.float64)
    contribution = np.array([p for _, p in pairs], dtype=np.float64)
    out = customisation_over_limit(cost, contribution, limit=limit)
    assert out.dtype == np.bool_
    assert out.shape == cost.shape
    assert out.tolist() == [_rule(c, p, limit) for c, p in pairs]


@given(
    st.lists(
        account_strategy(currency="USD", max_figures=12, max_items=0),
        max_size=6,
        unique_by=lambda a: a.id,
    ),
    st.data(),
)
def test_object_door_and_column_door_agree_bit_for_bit(accs: list[Account], data: Any) -> None:
    as_of = data.draw(st.sampled_from([AS_OF, dt.datetime(2018, 6, 30, 23, tzinfo=UTC)]))
    costs = {
        a.id: data.draw(st.one_of(COST, st.just(0.0), COST.map(lambda x: Money(x, "USD"))))
        for a in accs
    }
    checks = customisation_guard(Portfolio(accounts=accs), costs, as_of=as_of)
    assert [c.account_id for c in checks] == sorted(costs)
    window = {(q.year, q.quarter) for q in _window(as_of.date(), 4)}
    for c in checks:
        acc = next(a for a in accs if a.id == c.account_id)
        expected = math.fsum(
            float(f.profit_contribution.amount)
            for f in acc.figures
            if (f.period.year, f.period.quarter) in window
        )
        assert c.contribution == expected
    cost = np.array([c.cost for c in checks], dtype=np.float64)
    contribution = np.array([c.contribution for c in checks], dtype=np.float64)
    assert [c.over for c in checks] == customisation_over_limit(cost, contribution).tolist()
    for c in checks:
        assert (c.share is None) == (c.contribution <= 0)
        one = customisation_over_limit(np.array([c.cost]), np.array([c.contribution]))
        assert bool(one[0]) is c.over


@given(
    st.lists(
        account_strategy(currency="USD", max_figures=6, max_items=0),
        min_size=1,
        max_size=5,
        unique_by=lambda a: a.id,
    ),
    st.randoms(),
)
def test_order_of_accounts_and_costs_never_changes_the_guard(accs: list[Account], rnd: Any) -> None:
    costs = {a.id: float(i) for i, a in enumerate(accs)}
    before = customisation_guard(Portfolio(accounts=accs), costs, as_of=AS_OF)
    items = list(costs.items())
    rnd.shuffle(items)
    rnd.shuffle(accs)
    assert customisation_guard(Portfolio(accounts=accs), dict(items), as_of=AS_OF) == before


def test_column_door_shapes() -> None:
    assert customisation_over_limit(15.0, 100.0).tolist() is False
    assert customisation_over_limit(np.array([[1, 20]]), np.array([[100, 100]])).tolist() == [
        [False, True]
    ]
    assert customisation_over_limit([], []).tolist() == []


@pytest.mark.parametrize(
    ("cost", "contribution", "limit", "error", "path"),
    [
        (["a"], [1.0], 0.15, InvalidTypeError, "customisation_over_limit.cost"),
        ([True], [1.0], 0.15, InvalidTypeError, "customisation_over_limit.cost"),
        ([1.0], [None], 0.15, InvalidTypeError, "customisation_over_limit.contribution"),
        ([1.0, math.nan], [1.0, 1.0], 0.15, InvalidValueError, "customisation_over_limit.cost[1]"),
        ([1.0], [math.inf], 0.15, InvalidValueError, "customisation_over_limit.contribution[0]"),
        ([1.0, -1.0], [1.0, 1.0], 0.15, InvalidValueError, "customisation_over_limit.cost[1]"),
        ([1.0], [1.0, 2.0], 0.15, InvalidValueError, "customisation_over_limit.contribution"),
        ([1.0], [1.0], -0.1, InvalidValueError, "customisation_over_limit.limit"),
        ([1.0], [1.0], "0.15", InvalidTypeError, "customisation_over_limit.limit"),
        (
            [[1.0, 2.0], [3.0, -4.0]],
            [[1.0] * 2] * 2,
            0.15,
            InvalidValueError,
            "customisation_over_limit.cost[1, 1]",
        ),
    ],
)
def test_column_door_bad_input(
    cost: object, contribution: object, limit: object, error: type[Exception], path: str
) -> None:
    with pytest.raises(error) as err:
        customisation_over_limit(bad(cost), bad(contribution), limit=bad(limit))
    assert err.value.path == path  # type: ignore[attr-defined]


def _portfolio() -> Portfolio:
    return Portfolio(accounts=[account("A1", profits=year(100))])


@pytest.mark.parametrize(
    ("call", "error", "path"),
    [
        (
            lambda: customisation_guard(_portfolio(), {"A9": 1}, as_of=AS_OF),
            UnknownIdError,
            "customisation_guard.costs['A9']",
        ),
        (
            lambda: customisation_guard(_portfolio(), {"A1": Money(1, "EUR")}, as_of=AS_OF),
            CurrencyMismatchError,
            "customisation_guard.costs['A1'].currency",
        ),
        (
            lambda: customisation_guard(_portfolio(), {"A1": -1}, as_of=AS_OF),
            InvalidValueError,
            "customisation_guard.costs['A1']",
        ),
        (
            lambda: customisation_guard(_portfolio(), {"A1": Money(-1, "USD")}, as_of=AS_OF),
            InvalidValueError,
            "customisation_guard.costs['A1'].amount",
        ),
        (
            lambda: customisation_guard(_portfolio(), {"A1": math.nan}, as_of=AS_OF),
            InvalidValueError,
            "customisation_guard.costs['A1']",
        ),
        (
            lambda: customisation_guard(_portfolio(), bad({"A1": "1"}), as_of=AS_OF),
            InvalidTypeError,
            "customisation_guard.costs['A1']",
        ),
        (
            lambda: customisation_guard(_portfolio(), {"A1": True}, as_of=AS_OF),
            InvalidTypeError,
            "customisation_guard.costs['A1']",
        ),
        (
            lambda: customisation_guard(_portfolio(), bad({1: 1}), as_of=AS_OF),
            InvalidTypeError,
            "customisation_guard.costs",
        ),
        (
            lambda: customisation_guard(_portfolio(), bad([("A1", 1)]), as_of=AS_OF),
            InvalidTypeError,
            "customisation_guard.costs",
        ),
        (
            lambda: customisation_guard(bad(None), {}, as_of=AS_OF),
            InvalidTypeError,
            "customisation_guard.portfolio",
        ),
        (
            lambda: customisation_guard(_portfolio(), {}, as_of=dt.datetime(2025, 1, 1)),
            InvalidValueError,
            "customisation_guard.as_of",
        ),
        (
            lambda: customisation_guard(_portfolio(), {}, as_of=AS_OF, periods=0),
            InvalidValueError,
            "customisation_guard.periods",
        ),
        (
            lambda: customisation_guard(_portfolio(), {}, as_of=AS_OF, periods=bad(2.0)),
            InvalidTypeError,
            "customisation_guard.periods",
        ),
        (
            lambda: customisation_guard(_portfolio(), {}, as_of=dt.datetime(1, 6, 1, tzinfo=UTC)),
            InvalidValueError,
            "customisation_guard.periods",
        ),
        (
            lambda: customisation_guard(_portfolio(), {}, as_of=AS_OF, limit=-0.1),
            InvalidValueError,
            "customisation_guard.limit",
        ),
        (lambda: rank_needs(bad(None)), InvalidTypeError, "rank_needs.account"),
        (lambda: demand_pool(bad(None)), InvalidTypeError, "demand_pool.portfolio"),
        (
            lambda: demand_pool(_portfolio(), accounts="A1"),
            InvalidTypeError,
            "demand_pool.accounts",
        ),
        (
            lambda: demand_pool(_portfolio(), accounts=["A1", "A9"]),
            UnknownIdError,
            "demand_pool.accounts[1]",
        ),
        (
            lambda: demand_pool(_portfolio(), accounts=bad([1])),
            InvalidTypeError,
            "demand_pool.accounts[0]",
        ),
        (lambda: demand_alerts(bad(None)), InvalidTypeError, "demand_alerts.checks"),
        (lambda: demand_alerts(bad([None])), InvalidTypeError, "demand_alerts.checks[0]"),
        (lambda: value_ladder(bad(None)), InvalidTypeError, "value_ladder.account"),
        (lambda: value_ladder(account(), policy=bad({})), InvalidTypeError, "value_ladder.policy"),
        (lambda: value_ladders(bad(None)), InvalidTypeError, "value_ladders.portfolio"),
        (
            lambda: value_ladders(_portfolio(), policy=bad(None)),
            InvalidTypeError,
            "value_ladders.policy",
        ),
        (lambda: LadderPolicy(["erp"]), InvalidTypeError, "LadderPolicy.areas"),
        (lambda: LadderPolicy({"": "basic"}), InvalidValueError, "LadderPolicy.areas"),
        (lambda: LadderPolicy({1: "basic"}), InvalidTypeError, "LadderPolicy.areas"),
        (lambda: LadderPolicy({"erp": "premium"}), InvalidValueError, "LadderPolicy.areas['erp']"),
        (lambda: LadderPolicy({"erp": 1}), InvalidTypeError, "LadderPolicy.areas['erp']"),
        (
            lambda: LadderPolicy({"Joint RD": "ecosystem", "joint-rd": "basic"}),
            InvalidValueError,
            "LadderPolicy.areas['joint-rd']",
        ),
        (lambda: LadderPolicy().stage_of(bad(3)), InvalidTypeError, "LadderPolicy.stage_of.area"),
    ],
)
def test_bad_input_names_its_path(call: Any, error: type[Exception], path: str) -> None:
    with pytest.raises(error) as err:
        call()
    assert err.value.path == path  # type: ignore[attr-defined]


def test_inputs_are_not_mutated() -> None:
    costs = {"A1": Money(15, "USD")}
    areas = {"Joint RD": "ecosystem"}
    customisation_guard(_portfolio(), costs, as_of=AS_OF)
    LadderPolicy(areas)
    assert costs == {"A1": Money(15, "USD")}
    assert areas == {"Joint RD": "ecosystem"}


# ------------------------------------------------------------------ value ladder


def test_default_ladder_covers_the_synthetic_areas_and_the_source_examples() -> None:
    assert LADDER_STAGES == ("basic", "value_added", "ecosystem")
    assert set(AREAS) <= set(DEFAULT_LADDER_AREAS)
    assert DEFAULT_LADDER_AREAS["sla"] == "basic"
    assert DEFAULT_LADDER_AREAS["training"] == "value_added"
    assert DEFAULT_LADDER_AREAS["reports"] == "value_added"
    assert DEFAULT_LADDER_AREAS["joint_rd"] == "ecosystem"
    assert DEFAULT_LADDER_AREAS["industry_salon"] == "ecosystem"
    assert set(DEFAULT_LADDER_AREAS.values()) == set(LADDER_STAGES)
    assert LadderPolicy().areas == DEFAULT_LADDER_AREAS
    with pytest.raises(TypeError):
        DEFAULT_LADDER_AREAS["x"] = "basic"  # type: ignore[index]


def test_highest_stage_with_evidence_and_unmapped() -> None:
    s = value_ladder(account(areas=("erp", "cloud", "golf")))
    assert (s.stage, s.evidence, s.reached, s.unmapped) == (
        "basic",
        ("cloud", "erp"),
        ("basic",),
        ("golf",),
    )
    s = value_ladder(account(areas=("Joint-RD", "Training", "crm")))
    assert s.stage == "ecosystem"
    assert s.evidence == ("Joint-RD",)
    assert s.reached == LADDER_STAGES
    s = value_ladder(account(areas=("Industry-Salon",)))
    assert (s.stage, s.reached) == ("ecosystem", ("ecosystem",))  # lower steps not required
    s = value_ladder(account(areas=("golf", "chess")))
    assert (s.stage, s.evidence, s.reached, s.unmapped) == (None, (), (), ("chess", "golf"))
    assert value_ladder(account()).stage is None


def test_custom_policy() -> None:
    policy = LadderPolicy({**DEFAULT_LADDER_AREAS, "BI": "value_added"})
    assert value_ladder(account(areas=("bi", "erp")), policy=policy).stage == "value_added"
    assert value_ladder(account(areas=("bi",))).stage is None
    assert LadderPolicy({"erp": "basic", "ERP": "basic"}).areas == {"erp": "basic"}


def test_value_ladders_by_account_id() -> None:
    p = Portfolio(accounts=[account("B", areas=("training",)), account("A", areas=("erp",))])
    assert [(s.account_id, s.stage) for s in value_ladders(p)] == [
        ("A", "basic"),
        ("B", "value_added"),
    ]


@given(st.lists(st.sampled_from([*AREAS, "joint_rd", "golf", "Chess"]), unique=True), st.randoms())
def test_area_order_never_changes_the_stage(areas: list[str], rnd: Any) -> None:
    before = value_ladder(account(areas=tuple(areas)))
    rnd.shuffle(areas)
    assert value_ladder(account(areas=tuple(areas))) == before
    assert set(before.evidence) | set(before.unmapped) <= set(areas)
