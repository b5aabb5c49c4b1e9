"""extract_features after the speed work: bit for bit the tables of the original code.

``_reference`` below is a frozen copy of `kamlib.features.extract_features` (and its
helpers) as it stood before it was optimised (issue 9 §3, commit f10b448). Every
portfolio here goes through both; the tables must agree exactly: ids, column names and
order, every value (``np.array_equal`` with ``equal_nan``), every missing mask, the
categorical labels and the cached bounds. Bad inputs must raise the same error type with
the same message. Do not "fix" the reference: it is the specification of the bits.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from fractions import Fraction
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from numpy.typing import NDArray

from kamlib import FeatureTable
from kamlib._validators import check_aware_datetime, check_flag, check_int
from kamlib.errors import CurrencyMismatchError, InvalidTypeError, InvalidValueError
from kamlib.features import FEATURES, MAX_NPS_WINDOW_DAYS, MAX_PERIODS, extract_features
from kamlib.model import (
    Account,
    Commitment,
    CommitmentState,
    DecisionRole,
    KeyPerson,
    Money,
    NpsResponse,
    PeriodFigures,
    Portfolio,
    Quarter,
    RenewalIntent,
    RiskKind,
    RiskSignal,
    SatisfactionSurvey,
    Side,
    StrategicAttributes,
)
from kamlib.synthetic import synthetic_portfolio
from kamlib.testing import strategies as ks

UTC = dt.UTC
DAY = dt.timedelta(days=1)
FloatArray = NDArray[np.float64]

# --------------------------------------------------------------- frozen reference (f10b448)
_RISK_COLUMNS = {
    RiskKind.KEY_DECISION_MAKER_LEFT: "risk_key_decision_maker_left",
    RiskKind.BUDGET_FROZEN: "risk_budget_frozen",
    RiskKind.COMPETITOR_ENTERED: "risk_competitor_entered",
    RiskKind.LATE_DELIVERY: "risk_late_delivery",
}
_GOOD = {CommitmentState.DELIVERED, CommitmentState.ACCEPTED}


def _window(as_of: dt.date, n: int) -> list[Quarter]:
    q = Quarter.containing(as_of)
    last = q if as_of == q.end else q.previous()
    out = [last]
    for _ in range(n - 1):
        out.append(out[-1].previous())
    return out[::-1]


def _state_at(c: Commitment, as_of: dt.datetime) -> CommitmentState | None:
    state = None
    for step in c.history:
        if step.at > as_of:
            break
        state = step.to_state
    return state


def _safe_ratio(num: FloatArray, den: FloatArray, ok: NDArray[np.bool_]) -> FloatArray:
    out = np.zeros_like(num)
    np.divide(num, den, out=out, where=ok)
    return out


def _reference(
    portfolio: Portfolio,
    *,
    as_of: dt.datetime,
    periods: int | np.integer[Any] = 4,
    nps_window_days: int | np.integer[Any] = 365,
    network: bool | np.bool_ = True,
) -> FeatureTable:
    if not isinstance(portfolio, Portfolio):
        raise InvalidTypeError("extract_features.portfolio", portfolio, "must be a Portfolio")
    check_aware_datetime("extract_features.as_of", as_of)
    periods = check_int("extract_features.periods", periods, ge=1, le=MAX_PERIODS)
    nps_window_days = check_int(
        "extract_features.nps_window_days", nps_window_days, ge=1, le=MAX_NPS_WINDOW_DAYS
    )
    network = check_flag("extract_features.network", network)
    span = max(2 * periods, 3)
    if Quarter.containing(as_of.date()).year * 4 - span < 4:
        raise InvalidValueError(
            "extract_features.periods",
            periods,
            f"reaches before year 1 from as_of={as_of.date().isoformat()} (2 windows of quarters)",
        )

    accounts = portfolio.accounts
    n = len(accounts)
    _check_one_currency(accounts)

    first = _window(as_of.date(), span)[0]
    base = first.year * 4 + first.quarter - 1
    cells: list[int] = []
    rev_cells: list[float] = []
    prof_cells: list[float] = []
    columns: dict[str, FloatArray] = {}
    missing: dict[str, NDArray[np.bool_]] = {}
    cols = {k: np.zeros(n) for k in FEATURES}
    miss = {k: np.zeros(n, dtype=np.bool_) for k in FEATURES}
    try:
        nps_from = as_of - dt.timedelta(days=nps_window_days)
    except OverflowError:
        nps_from = dt.datetime.min.replace(tzinfo=dt.UTC)
    commitments: dict[str, list[Commitment]] = {}
    for c in portfolio.commitments:
        commitments.setdefault(c.account_id, []).append(c)
    day = as_of.date()
    dm_left = {
        p.account_id
        for p in portfolio.people
        if p.side is Side.CUSTOMER
        and p.role is DecisionRole.DECISION_MAKER
        and p.left_on is not None
        and p.left_on <= day
    }

    last = base + span - 1
    for i, acc in enumerate(accounts):
        since = Quarter.containing(acc.cooperation_start)
        start = since.year * 4 + since.quarter - 1
        lifetime, recorded = 0.0, False
        for f in acc.figures:
            q = f.period.year * 4 + f.period.quarter - 1
            j = q - base
            net = f.profit_contribution.amount - f.cost_to_serve.amount
            if 0 <= j < span:
                cells.append(i * span + j)
                rev_cells.append(f.revenue.amount)
                prof_cells.append(net)
            if start <= q <= last:
                lifetime += float(net)
                recorded = True
        cols["lifetime_profit"][i] = lifetime
        miss["lifetime_profit"][i] = not recorded
        latest = None
        for survey in acc.surveys:
            if survey.at <= as_of and (latest is None or survey.at >= latest.at):
                latest = survey
        if latest is not None:
            cols["satisfaction"][i] = latest.score
        else:
            miss["satisfaction"][i] = True
        scores = [r.score for r in acc.nps if nps_from < r.at <= as_of] if acc.nps else None
        if scores:
            promoters = sum(s >= 9 for s in scores)
            detractors = sum(s <= 6 for s in scores)
            cols["nps"][i] = 100.0 * (promoters - detractors) / len(scores)
        else:
            miss["nps"][i] = True
        cols["cooperation_breadth"][i] = len(acc.cooperation_areas)
        good = bad = 0
        for c in commitments.get(acc.id, ()):
            state = _state_at(c, as_of)
            good += state in _GOOD
            bad += state == CommitmentState.BROKEN
        if good + bad:
            cols["commitment_fulfilment"][i] = good / (good + bad)
        else:
            miss["commitment_fulfilment"][i] = True
        if acc.strategic is None:
            for k in ("strategic_fit", "value_potential", "resource_complementarity"):
                miss[k][i] = True
        else:
            cols["strategic_fit"][i] = acc.strategic.strategic_fit
            cols["value_potential"][i] = acc.strategic.value_potential
            cols["resource_complementarity"][i] = acc.strategic.resource_complementarity
        open_risks = acc.open_risks(as_of) if acc.risk_signals else ()
        cols["open_risks"][i] = len(open_risks)
        for signal in open_risks:
            key = _RISK_COLUMNS.get(signal.kind)  # type: ignore[call-overload]
            if key is not None:
                cols[key][i] = 1.0
        if acc.id in dm_left:
            cols["risk_key_decision_maker_left"][i] = 1.0
        if acc.renewal_intent is None:
            miss["renewal_unclear"][i] = miss["renewal_no"][i] = True
        else:
            cols["renewal_unclear"][i] = acc.renewal_intent == RenewalIntent.UNCLEAR
            cols["renewal_no"][i] = acc.renewal_intent == RenewalIntent.NO

    rev = np.zeros((n, span))
    prof = np.zeros((n, span))
    seen = np.zeros((n, span), dtype=np.bool_)
    flat = np.asarray(cells, dtype=np.intp)
    rev.ravel()[flat] = rev_cells
    prof.ravel()[flat] = prof_cells
    seen.ravel()[flat] = True
    _money_features(rev, prof, seen, periods, cols, miss)
    columns.update(cols)
    missing.update(miss)
    if network:
        from kamlib.network import relationship_features

        rel = relationship_features(portfolio, as_of=as_of)
        columns.update(rel.columns)
        missing.update(rel.missing)
    return FeatureTable.from_columns(
        [a.id for a in accounts],
        columns,
        missing=missing,
        categorical={
            "industry": [a.industry for a in accounts],
            "size_band": [str(a.size_band) for a in accounts],
            "region": [a.region for a in accounts],
        },
    )


def _check_one_currency(accounts: tuple[Account, ...]) -> None:
    currency: str | None = None
    for i, acc in enumerate(accounts):
        c = acc.currency
        if c is None:
            continue
        if currency is None:
            currency = c
        elif c != currency:
            raise CurrencyMismatchError(
                f"portfolio.accounts[{i}].figures",
                c,
                f"differs from {currency} used by earlier accounts; convert before scoring",
            )


def _money_features(
    rev: FloatArray,
    prof: FloatArray,
    seen: NDArray[np.bool_],
    periods: int,
    cols: dict[str, FloatArray],
    miss: dict[str, NDArray[np.bool_]],
) -> None:
    cur = slice(rev.shape[1] - periods, None)
    prev = slice(rev.shape[1] - 2 * periods, rev.shape[1] - periods)
    n_cur = seen[:, cur].sum(axis=1)
    cols["quarters_recorded"] = n_cur.astype(np.float64)
    cols["revenue"] = rev[:, cur].sum(axis=1)
    cols["profit"] = prof[:, cur].sum(axis=1)
    miss["revenue"] = miss["profit"] = n_cur == 0

    prev_rev = rev[:, prev].sum(axis=1)
    ok = (seen[:, prev].sum(axis=1) > 0) & (prev_rev > 0) & (n_cur > 0)
    cols["revenue_growth"] = _safe_ratio(cols["revenue"], prev_rev, ok) - ok
    miss["revenue_growth"] = ~ok

    r, s = rev[:, cur], seen[:, cur]
    k = np.maximum(n_cur, 1)
    mean = r.sum(axis=1) / k
    var = (np.where(s, r - mean[:, None], 0.0) ** 2).sum(axis=1) / k
    ok = (n_cur >= 2) & (mean > 0)
    cv = _safe_ratio(np.sqrt(var), mean, ok)
    cols["purchase_stability"] = np.where(ok, 1.0 / (1.0 + cv), 0.0)
    miss["purchase_stability"] = ~ok

    for name, a, b in (("revenue_change_last", -1, -2), ("revenue_change_prev", -2, -3)):
        ok = seen[:, a] & seen[:, b] & (rev[:, b] > 0)
        cols[name] = _safe_ratio(rev[:, a], rev[:, b], ok) - ok
        miss[name] = ~ok


# ------------------------------------------------------------------------ comparison
def _assert_same_table(got: FeatureTable, want: FeatureTable) -> None:
    assert got.ids.tolist() == want.ids.tolist()
    assert list(map(type, got.ids)) == list(map(type, want.ids))
    assert got.names == want.names
    assert got.values.dtype == want.values.dtype == np.float64
    assert got.values.shape == want.values.shape
    for j, name in enumerate(want.names):
        assert np.array_equal(got.values[:, j], want.values[:, j], equal_nan=True), name
        assert np.array_equal(got.is_missing(name), want.is_missing(name)), name
        # the same bits, not only equal numbers (0.0 vs -0.0, NaN payloads)
        assert got.values[:, j].tobytes() == want.values[:, j].tobytes(), name
    assert (got.missing is None) == (want.missing is None)
    if want.missing is not None:
        assert got.missing is not None
        assert np.array_equal(got.missing, want.missing)
    assert list(got.categorical) == list(want.categorical)
    for k, labels in want.categorical.items():
        assert got.categorical[k].tolist() == labels.tolist(), k
        assert list(map(type, got.categorical[k])) == list(map(type, labels)), k  # str, not enum
    for g, w in zip(got.bounds(), want.bounds(), strict=True):
        assert np.array_equal(g, w, equal_nan=True)


def _both(p: Portfolio, **kw: Any) -> None:
    kw.setdefault("network", False)
    _assert_same_table(extract_features(p, **kw), _reference(p, **kw))


# ---------------------------------------------------------------------- portfolios
def _figures(q: Quarter, amounts: list[object], cur: str = "USD") -> list[PeriodFigures]:
    out = []
    for a in amounts:
        r = Money(a, cur)  # type: ignore[arg-type]
        out.append(PeriodFigures(q, r, Money(a * 0.3, cur), Money(a * 0.1, cur)))  # type: ignore[operator]
        q = q.next()
    return out


def _edge_portfolio(as_of: dt.datetime) -> Portfolio:
    """Accounts that hit every branch of the loop, with exact-typed amounts."""
    base: dict[str, Any] = {
        "industry": "retail",
        "region": "east",
        "size_band": "large",
        "cooperation_start": dt.date(2022, 5, 17),
    }
    t = as_of
    accounts = [
        Account("E0", "empty", **base),
        Account(  # int and Fraction amounts, figures before the start and after as_of
            "E1",
            "mixed",
            **{**base, "size_band": "small", "region": "west"},
            figures=[
                PeriodFigures(Quarter(2019, 1), Money(10, "USD"), Money(3, "USD"), Money(1, "USD")),
                PeriodFigures(
                    Quarter(2024, 3),
                    Money(Fraction(1, 3), "USD"),  # type: ignore[arg-type]  # exact amounts are allowed
                    Money(Fraction(1, 7), "USD"),  # type: ignore[arg-type]  # exact amounts are allowed
                    Money(Fraction(1, 11), "USD"),  # type: ignore[arg-type]  # exact amounts are allowed
                ),
                PeriodFigures(Quarter(2024, 4), Money(7, "USD"), Money(5, "USD"), Money(9, "USD")),
                *_figures(Quarter(2025, 1), [np.float64(0.1), 0.2, 1e-7, 5e6, 3.0, 4.0]),
            ],
            surveys=[  # a tie at the same moment: the later record wins
                SatisfactionSurvey(t - 9 * DAY, 40.0),
                SatisfactionSurvey(t - 2 * DAY, 61.0),
                SatisfactionSurvey(t - 2 * DAY, 62.0),
                SatisfactionSurvey(t + DAY, 99.0),
            ],
            nps=[
                NpsResponse(t - 365 * DAY, 10),  # on the window's edge: out
                NpsResponse(t - 364 * DAY, 0),
                NpsResponse(t, 9),  # at as_of: in
                NpsResponse(t + DAY, 0),
                NpsResponse(t - DAY, 7),
            ],
            renewal_intent="unclear",
            strategic=StrategicAttributes(1.5, 0, 10),
            cooperation_areas=["a", "b", "c"],
            risk_signals=[
                RiskSignal("budget_frozen", t - 5 * DAY),
                RiskSignal("competitor_entered", t - 50 * DAY, resolved_at=t - DAY),
                RiskSignal("late_delivery", t - 50 * DAY, resolved_at=t),  # resolved at as_of
                RiskSignal("pricing_dispute", t - 5 * DAY),
                RiskSignal("key_decision_maker_left", t + DAY),  # later
                RiskSignal("key_decision_maker_left", t),
            ],
        ),
        Account(  # a loss, a zero quarter, a gap, renewal "no", only future nps
            "E2",
            "loss",
            **{**base, "cooperation_start": dt.date(2025, 3, 31)},
            figures=[
                *_figures(Quarter(2024, 1), [100.0, 0.0]),
                PeriodFigures(
                    Quarter(2025, 2), Money(50.0, "USD"), Money(-20.0, "USD"), Money(80.0, "USD")
                ),
                *_figures(Quarter(2025, 4), [120.0, 80.0]),
            ],
            nps=[NpsResponse(t + DAY, 10)],
            surveys=[SatisfactionSurvey(t + DAY, 10.0)],
            renewal_intent="no",
        ),
        Account(
            "E3",
            "steady",
            **base,
            figures=_figures(Quarter(2023, 1), [200.0] * 12),
            renewal_intent="yes",
            nps=[NpsResponse(t - k * DAY, k % 11) for k in range(30)],
            risk_signals=[RiskSignal("late_delivery", t - DAY)],
        ),
    ]
    t0 = t - 60 * DAY

    def promise(cid: str, account: str) -> Commitment:
        return Commitment.propose(cid, account, "x", "U1", t0 + 20 * DAY, 1, at=t0).transition(
            "committed", t0 + DAY
        )

    commitments = [
        promise("K1", "E1").transition("delivered", t0 + 10 * DAY),
        promise("K2", "E1").transition("broken", t0 + 30 * DAY),
        promise("K3", "E1").transition("delivered", t0 + DAY).accept(t + DAY, "later"),
        promise("K4", "E1").transition("delivered", t0 + DAY).accept(t, "at as_of"),
        promise("K5", "E3").transition("cancelled", t0 + 2 * DAY),
        promise("K6", "E3").transition("broken", t + DAY),  # after as_of: still committed
        promise("K7", "E2"),
        Commitment.propose("K8", "E0", "x", "U1", t + 9 * DAY, 1, at=t + DAY),  # not yet
    ]

    def person(pid: str, account: str | None, **kw: Any) -> KeyPerson:
        return KeyPerson(pid, pid, kw.pop("side", "customer"), account_id=account, **kw)

    people = [
        KeyPerson("U1", "Owner", "our_staff"),
        person("P1", "E2", role="decision_maker", left_on=t.date()),
        person("P2", "E3", role="decision_maker", left_on=t.date() + DAY),
        person("P3", "E0", role="user", left_on=t.date() - DAY),
        person("P4", "E0", role="decision_maker"),
    ]
    return Portfolio(accounts=accounts, people=people, commitments=commitments)


AS_OFS = [
    dt.datetime(2026, 1, 1, tzinfo=UTC),
    dt.datetime(2025, 12, 31, 23, 30, tzinfo=UTC),  # on a quarter's last day
    dt.datetime(2025, 8, 14, 6, tzinfo=dt.timezone(dt.timedelta(hours=8))),
]


@pytest.mark.parametrize("seed", [0, 1, 7])
@pytest.mark.parametrize("as_of", AS_OFS)
def test_synthetic_portfolios_bit_for_bit(seed: int, as_of: dt.datetime) -> None:
    p = synthetic_portfolio(150, seed=seed, as_of=as_of, quarters=10)
    for periods, days in ((4, 365), (1, 1), (2, 90), (5, MAX_NPS_WINDOW_DAYS)):
        _both(p, as_of=as_of, periods=periods, nps_window_days=days)
    later = as_of + 400 * DAY  # everything recorded is in the past, the window half empty
    _both(p, as_of=later)


@pytest.mark.parametrize("as_of", AS_OFS)
@pytest.mark.parametrize("periods", [1, 2, 3, 4, 7])
def test_edge_portfolio_bit_for_bit(as_of: dt.datetime, periods: int) -> None:
    p = _edge_portfolio(dt.datetime(2026, 1, 1, tzinfo=UTC))
    for days in (1, 30, 364, 365, 366, MAX_NPS_WINDOW_DAYS):
        _both(p, as_of=as_of, periods=periods, nps_window_days=days)
    _both(p, as_of=as_of, periods=np.int64(periods), nps_window_days=np.int32(30))


def test_window_reaching_before_year_one_of_the_nps_responses() -> None:
    as_of = dt.datetime(60, 6, 1, tzinfo=UTC)  # as_of - a century overflows
    p = synthetic_portfolio(40, seed=2, as_of=as_of, quarters=6)
    _both(p, as_of=as_of, periods=3, nps_window_days=MAX_NPS_WINDOW_DAYS)


def test_with_the_network_features() -> None:
    as_of = AS_OFS[0]
    p = synthetic_portfolio(40, seed=5, as_of=as_of)
    _both(p, as_of=as_of, network=True)
    _both(p, as_of=as_of, network=np.True_)


def test_empty_portfolio_bit_for_bit() -> None:
    _both(Portfolio(), as_of=AS_OFS[0])
    _both(Portfolio(), as_of=AS_OFS[0], network=True)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    p=ks.portfolios(max_accounts=5, max_figures=6, max_records_per_account=3),
    as_of=st.datetimes(
        min_value=dt.datetime(2000, 1, 1),
        max_value=dt.datetime(2040, 1, 1),
        timezones=st.just(UTC),
    ),
    periods=st.integers(1, 6),
    days=st.sampled_from([1, 7, 90, 365, 3650]),
)
def test_drawn_portfolios_bit_for_bit(
    p: Portfolio, as_of: dt.datetime, periods: int, days: int
) -> None:
    kw: dict[str, Any] = {
        "as_of": as_of,
        "periods": periods,
        "nps_window_days": days,
        "network": False,
    }
    try:
        want = _reference(p, **kw)
    except CurrencyMismatchError:
        _raises_the_same(lambda f: f(p, **kw))
        return
    _assert_same_table(extract_features(p, **kw), want)


def _raises_the_same(call: Callable[[Callable[..., FeatureTable]], object]) -> None:
    with pytest.raises(Exception) as want:  # noqa: PT011  (whatever the reference raises)
        call(_reference)
    with pytest.raises(type(want.value)) as got:
        call(extract_features)
    assert type(got.value) is type(want.value)
    assert str(got.value) == str(want.value)
    assert getattr(got.value, "path", None) == getattr(want.value, "path", None)


_GOOD_AS_OF = AS_OFS[0]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"as_of": dt.datetime(2025, 1, 1)},
        {"as_of": "2025-01-01"},
        {"as_of": dt.date(2025, 1, 1)},
        {"periods": 0},
        {"periods": MAX_PERIODS + 1},
        {"periods": 2.0},
        {"periods": True},
        {"nps_window_days": 0},
        {"nps_window_days": MAX_NPS_WINDOW_DAYS + 1},
        {"nps_window_days": True},
        {"network": 1},
        {"network": None},
        {"as_of": dt.datetime(20, 1, 1, tzinfo=UTC), "periods": 40},  # before year 1
    ],
)
def test_bad_arguments_raise_the_same_errors(kwargs: dict[str, Any]) -> None:
    args: dict[str, Any] = {"as_of": _GOOD_AS_OF, "network": False}
    args.update(kwargs)
    p = synthetic_portfolio(3, seed=0, as_of=_GOOD_AS_OF)
    _raises_the_same(lambda f: f(p, **args))


def test_not_a_portfolio_raises_the_same_error() -> None:
    _raises_the_same(lambda f: f([], as_of=_GOOD_AS_OF))
    _raises_the_same(lambda f: f(None, as_of=_GOOD_AS_OF, network=False))


def test_mixed_currencies_raise_the_same_error() -> None:
    base: dict[str, Any] = {
        "industry": "retail",
        "region": "east",
        "size_band": "large",
        "cooperation_start": dt.date(2020, 1, 1),
    }
    accounts = (
        Account("A0", "a", **base),
        Account("A1", "b", **base, figures=_figures(Quarter(2024, 1), [1.0], "USD")),
        Account("A2", "c", **base),
        Account("A3", "d", **base, figures=_figures(Quarter(2024, 1), [1.0], "CNY")),
    )
    _raises_the_same(lambda f: f(Portfolio(accounts=accounts), as_of=_GOOD_AS_OF, network=False))


def test_an_exact_profit_too_large_for_a_float_fails_the_same_way() -> None:
    """A net profit of two exact amounts can overflow a float; currencies are checked first."""
    base: dict[str, Any] = {
        "industry": "retail",
        "region": "east",
        "size_band": "large",
        "cooperation_start": dt.date(2020, 1, 1),
    }
    huge = Fraction(15 * 10**307)  # a float-sized amount; twice it is not
    figures = [
        PeriodFigures(
            Quarter(2025, 2),
            Money(1.0, "USD"),
            Money(huge, "USD"),  # type: ignore[arg-type]  # exact amounts are allowed
            Money(-huge, "USD"),  # type: ignore[arg-type]
        )
    ]
    big = Account("A0", "a", **base, figures=figures)
    other = Account("A1", "b", **base, figures=_figures(Quarter(2024, 1), [1.0], "CNY"))
    for accounts, error in (((big,), OverflowError), ((big, other), CurrencyMismatchError)):
        p = Portfolio(accounts=accounts)

        def call(f: Callable[..., FeatureTable], p: Portfolio = p) -> object:
            return f(p, as_of=_GOOD_AS_OF, network=False)

        with pytest.raises(error):
            call(_reference)
        _raises_the_same(call)
