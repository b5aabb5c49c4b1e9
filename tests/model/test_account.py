from __future__ import annotations

import datetime as dt

import attrs
import pytest

from kamlib.errors import CurrencyMismatchError, InvalidTypeError, InvalidValueError
from kamlib.model import (
    SCORE_SCALE,
    Account,
    Money,
    Need,
    NeedKind,
    NpsCategory,
    NpsResponse,
    PeriodFigures,
    Quarter,
    RenewalIntent,
    RiskKind,
    RiskSignal,
    SatisfactionSurvey,
    SizeBand,
    StrategicAttributes,
)

T0 = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)


def fig(year: int, q: int, revenue: float = 100, currency: str = "USD") -> PeriodFigures:
    return PeriodFigures(
        Quarter(year, q),
        Money(revenue, currency),
        Money(revenue * 0.3, currency),
        Money(revenue * 0.1, currency),
    )


def account(**kw: object) -> Account:
    base: dict[str, object] = {
        "id": "A1",
        "name": "Acme",
        "industry": "manufacturing",
        "region": "east",
        "size_band": SizeBand.LARGE,
        "cooperation_start": dt.date(2023, 1, 15),
    }
    base.update(kw)
    return Account(**base)  # type: ignore[arg-type]


# -- source [000]: strategic attributes on a declared scale ---------------------------


def test_score_scale_is_0_to_10_seed_004() -> None:
    assert SCORE_SCALE == (0.0, 10.0)


def test_strategic_attributes_seed_000_bounds() -> None:
    lo, hi = SCORE_SCALE
    s = StrategicAttributes(lo, hi, 5)
    assert (s.strategic_fit, s.value_potential, s.resource_complementarity) == (0, 10, 5)
    with pytest.raises(InvalidValueError, match="value_potential"):
        StrategicAttributes(1, hi + 0.1, 1)
    with pytest.raises(InvalidValueError, match="resource_complementarity"):
        StrategicAttributes(1, 1, -0.1)


# -- satisfaction and NPS ---------------------------------------------------------


def test_satisfaction_on_0_100_scale_seed_000_yellow_below_70() -> None:
    assert SatisfactionSurvey(T0, 69.5).score < 70
    assert SatisfactionSurvey(T0, 100).score == 100
    with pytest.raises(InvalidValueError, match=r"SatisfactionSurvey\.score"):
        SatisfactionSurvey(T0, 100.5)


@pytest.mark.parametrize(
    ("score", "category"),
    [
        (0, NpsCategory.DETRACTOR),
        (6, NpsCategory.DETRACTOR),
        (7, NpsCategory.PASSIVE),
        (8, NpsCategory.PASSIVE),
        (9, NpsCategory.PROMOTER),
        (10, NpsCategory.PROMOTER),
    ],
)
def test_nps_category_seed_003(score: int, category: NpsCategory) -> None:
    assert NpsResponse(T0, score, person_id="P1").category is category


def test_nps_score_must_be_int() -> None:
    with pytest.raises(InvalidTypeError, match=r"NpsResponse\.score"):
        NpsResponse(T0, 9.0)  # type: ignore[arg-type]


# -- risk signals (source [000] three-colour warning) ---------------------------------


@pytest.mark.parametrize("kind", list(RiskKind))
def test_known_risk_kinds_convert_to_members(kind: RiskKind) -> None:
    signal = RiskSignal(kind.value, T0)
    assert signal.kind is kind
    assert signal == RiskSignal(kind, T0)


def test_open_set_of_risk_kinds() -> None:
    s = RiskSignal("regulator_audit", T0, note="new rules")
    assert s.kind == "regulator_audit"
    assert not isinstance(s.kind, RiskKind)


def test_risk_signal_open_window() -> None:
    s = RiskSignal(RiskKind.KEY_DECISION_MAKER_LEFT, T0, resolved_at=T0 + 3 * DAY)
    assert not s.is_open(T0 - DAY)
    assert s.is_open(T0)
    assert s.is_open(T0 + 2 * DAY)
    assert not s.is_open(T0 + 3 * DAY)
    assert RiskSignal("budget_frozen", T0).is_open(T0 + 1000 * DAY)


def test_risk_resolved_before_raised_rejected() -> None:
    with pytest.raises(InvalidValueError, match=r"RiskSignal\.resolved_at"):
        RiskSignal("budget_frozen", T0, resolved_at=T0 - DAY)


def test_risk_is_open_needs_aware_as_of() -> None:
    with pytest.raises(InvalidValueError, match="as_of"):
        RiskSignal("budget_frozen", T0).is_open(dt.datetime(2024, 1, 2))


# -- needs (source [000] demand pool) ----------------------------------------------------


def test_need_priority_is_urgency_times_value_seed_000() -> None:
    n = Need("N1", "faster support", NeedKind.IMPLICIT, urgency=7, value=3)
    assert n.priority == 21.0
    assert n.kind is NeedKind.IMPLICIT


def test_needs_by_priority_ranks_demand_pool() -> None:
    a = account(
        needs=[
            Need("N1", "a", "explicit", 2, 9),  # 18
            Need("N2", "b", "latent", 5, 5),  # 25
            Need("N3", "c", "implicit", 9, 2),  # 18
        ]
    )
    # N1 and N3 tie on priority: the more urgent first, whatever the recorded order
    assert [n.id for n in a.needs_by_priority()] == ["N2", "N3", "N1"]
    again = account(needs=list(reversed(a.needs)))
    assert again.needs_by_priority() == a.needs_by_priority()


def test_need_ids_unique_in_account() -> None:
    with pytest.raises(InvalidValueError, match=r"Account.needs\[1\].id"):
        account(needs=[Need("N1", "a", "explicit", 1, 1), Need("N1", "b", "explicit", 1, 1)])


# -- account ---------------------------------------------------------------------------


def test_account_defaults_and_conversions() -> None:
    a = account(size_band="medium", renewal_intent="unclear", cooperation_areas=["erp", "bi"])
    assert a.size_band is SizeBand.MEDIUM
    assert a.renewal_intent is RenewalIntent.UNCLEAR
    assert a.cooperation_areas == ("erp", "bi")
    assert a.figures == ()
    assert a.strategic is None
    assert a.executive_sponsor_id is None
    assert a.currency is None


def test_figures_stored_sorted_by_period() -> None:
    a = account(figures=[fig(2024, 3), fig(2023, 4), fig(2024, 1)])
    assert [str(f.period) for f in a.figures] == ["2023Q4", "2024Q1", "2024Q3"]
    assert a == account(figures=(fig(2023, 4), fig(2024, 1), fig(2024, 3)))


def test_figures_periods_unique() -> None:
    with pytest.raises(InvalidValueError, match=r"Account.figures\[1\].period"):
        account(figures=[fig(2024, 1, 100), fig(2024, 1, 200)])


def test_figures_one_currency() -> None:
    with pytest.raises(CurrencyMismatchError, match=r"Account.figures\[1\].currency"):
        account(figures=[fig(2024, 1), fig(2024, 2, currency="EUR")])


def test_figures_for_and_latest() -> None:
    a = account(figures=[fig(2024, q, 100 * q) for q in (1, 2, 3, 4)])
    got = a.figures_for(Quarter(2024, 2))
    assert got is not None
    assert got.revenue == Money(200, "USD")
    assert a.figures_for(Quarter(2022, 1)) is None
    assert [f.period.quarter for f in a.latest_figures(2)] == [3, 4]
    assert len(a.latest_figures()) == 4
    assert len(a.latest_figures(10)) == 4
    assert a.currency == "USD"
    with pytest.raises(InvalidValueError, match=r"latest_figures\.n"):
        a.latest_figures(0)


def test_cooperation_areas_unique_non_empty() -> None:
    with pytest.raises(InvalidValueError, match=r"Account.cooperation_areas\[1\]"):
        account(cooperation_areas=["erp", "erp"])
    with pytest.raises(InvalidValueError, match=r"Account.cooperation_areas\[0\]"):
        account(cooperation_areas=[" "])


@pytest.mark.parametrize(
    ("as_of", "months"),
    [
        (dt.date(2023, 1, 15), 0),
        (dt.date(2023, 2, 14), 0),
        (dt.date(2023, 2, 15), 1),
        (dt.date(2023, 4, 15), 3),
        (dt.date(2024, 1, 14), 11),
        (dt.date(2024, 1, 15), 12),
    ],
)
def test_months_since_start_cadence_phases_seed_000(as_of: dt.date, months: int) -> None:
    assert account().months_since_start(as_of) == months


def test_months_since_start_before_start_rejected() -> None:
    with pytest.raises(InvalidValueError, match="cooperation_start"):
        account().months_since_start(dt.date(2022, 12, 31))
    with pytest.raises(InvalidTypeError, match="as_of"):
        account().months_since_start(dt.datetime(2024, 1, 1, tzinfo=dt.UTC))


def test_open_risks() -> None:
    a = account(
        risk_signals=[
            RiskSignal("budget_frozen", T0, resolved_at=T0 + DAY),
            RiskSignal("competitor_entered", T0 + DAY),
        ]
    )
    assert [s.kind for s in a.open_risks(T0 + 2 * DAY)] == [RiskKind.COMPETITOR_ENTERED]
    assert [s.kind for s in a.open_risks(T0)] == [RiskKind.BUDGET_FROZEN]


def test_account_is_frozen_and_evolves() -> None:
    a = account()
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        a.name = "x"  # type: ignore[misc]
    b = attrs.evolve(a, renewal_intent="no")
    assert b.renewal_intent is RenewalIntent.NO
    assert a.renewal_intent is None


def test_executive_sponsor_field_seed_004() -> None:
    assert account(executive_sponsor_id="U1").executive_sponsor_id == "U1"
