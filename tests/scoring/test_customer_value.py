"""The customer-value scorers on the chassis: registry, conformance kit, bitwise invariance.

Every new scorer and its variants runs every check of ``kamlib.testing`` (one test per
scorer x check), on the synthetic tables (seeds 0-2) and on gappy tables with 20 % of the
cells declared missing, built as ``tests/test_common.py`` builds them.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import attrs
import numpy as np
import pytest

from kamlib import FeatureTable
from kamlib.errors import InvalidValueError
from kamlib.features import CUSTOMER_VALUE_FEATURES, extract_features
from kamlib.model import Money, Portfolio, Purchase
from kamlib.scoring import (
    RFM,
    CustomerLifetimeValue,
    NetPromoterScore,
    ParetoABC,
    Scorer,
    ScoreTable,
    config_hash,
    default_registry,
    get_scorer,
    load_scorer,
)
from kamlib.synthetic import synthetic_portfolio
from kamlib.testing import (
    ScorerCheck,
    assert_scores_equal,
    check_scorer,
    parametrize_with_checks,
    synthetic_table,
)

NEW: dict[str, Any] = {
    "rfm": RFM,
    "lifetime_value": CustomerLifetimeValue,
    "pareto_abc": ParetoABC,
    "nps": NetPromoterScore,
}

# Options that make each scorer accept declared-missing values (the defaults do), and the
# columns it never accepts missing (none). These are the entries tests/test_common.py's
# _GAPPY needs for the new built-ins.
GAPPY: dict[str, tuple[dict[str, Any], tuple[str, ...]]] = {
    "rfm": ({}, ()),
    "nps": ({}, ()),
    "lifetime_value": ({}, ()),
    "pareto_abc": ({}, ()),
}


def _gappy_table(scorer: Scorer, protect: tuple[str, ...], seed: int) -> FeatureTable:
    """The synthetic table with 20 % of its float cells declared missing (test_common's)."""
    t = synthetic_table(scorer.required_features, seed=seed)
    rng = np.random.default_rng(seed)
    miss = {n: rng.random(len(t)) < 0.2 for n in t.names if n not in protect}
    req = [f for f in scorer.required_features if f in miss]
    if req:
        none_seen = np.logical_and.reduce([miss[f] for f in req])
        miss[req[0]] &= ~none_seen
    cols = {n: t.column(n) for n in t.names}
    cats = {k: v.tolist() for k, v in t.categorical.items()}
    return FeatureTable.from_columns(t.ids.tolist(), cols, missing=miss, categorical=cats)


def _cases() -> dict[str, Scorer | tuple[Scorer, FeatureTable]]:
    cases: dict[str, Scorer | tuple[Scorer, FeatureTable]] = {
        "RFM": RFM(),
        "RFM_mean_raise": RFM("mean", missing="raise"),
        "RFM_3bins_weighted": RFM(bins=3, weights=(3.0, 2.0, 1.0)),
        "RFM_pinned": RFM(
            bins=2, recency_cuts=[5.0], frequency_cuts=[5.0], monetary_cuts=[5.0], top_cut=5.0
        ),
        "CLV": CustomerLifetimeValue(),
        "CLV_horizon": CustomerLifetimeValue(retention=0.9, discount=0.12, horizon=7),
        "CLV_pinned": CustomerLifetimeValue(tier_cuts=[1e6, 3e5, 5e4]),
        "ParetoABC": ParetoABC(),
        "ParetoABC_pinned": ParetoABC(a_cut=2e5, b_cut=5e4),
        "NPS": NetPromoterScore(),
        "NPS_raise": NetPromoterScore(missing="raise"),
        "NPS_fill": NetPromoterScore(fill_value=-5.0),
        "CLV_raise": CustomerLifetimeValue(missing="raise"),
        "ParetoABC_raise": ParetoABC(missing="raise"),
    }
    for name, (options, protect) in GAPPY.items():
        scorer = get_scorer(name, **options)
        for seed in (0, 1):
            cases[f"{type(scorer).__name__}_gappy{seed}"] = (
                scorer,
                _gappy_table(scorer, protect, seed),
            )
    return cases


CASES = _cases()


def test_every_new_scorer_is_registered_by_name() -> None:
    for name, cls in NEW.items():
        assert name in default_registry.names()
        assert type(get_scorer(name)) is cls
        assert get_scorer(name).name == name


def test_gappy_cases_are_gappy() -> None:
    for name, case in CASES.items():
        if "_gappy" in name:
            assert isinstance(case, tuple)
            assert case[1].missing is not None
            assert case[1].missing.mean() > 0.1


@parametrize_with_checks(CASES)
def test_conforms(scorer: Scorer, check: ScorerCheck) -> None:
    check(scorer)


@pytest.mark.parametrize("name", sorted(NEW))
@pytest.mark.parametrize("seed", [1, 2])
def test_conforms_on_other_data(name: str, seed: int) -> None:
    check_scorer(get_scorer(name), seed=seed)


# ------------------------------------------------------------------ bitwise, explicitly


def _realistic(n: int = 300, seed: int = 4) -> FeatureTable:
    rng = np.random.default_rng(seed)
    ids = [f"K{i:04d}" for i in range(n)]
    recency = rng.exponential(40.0, n)
    gone = rng.random(n) < 0.1  # never bought: recency and mean missing
    freq = np.where(gone, 0.0, rng.integers(1, 30, n).astype(float))
    total = np.where(gone, 0.0, rng.lognormal(9.0, 1.2, n))
    cols = {
        "purchase_recency_days": recency,
        "purchase_frequency": freq,
        "purchase_total": total,
        "purchase_mean": np.where(gone, 0.0, total / np.maximum(freq, 1.0)),
        "profit": rng.normal(5e4, 8e4, n),
        "nps_promoters": rng.integers(0, 6, n).astype(float),
        "nps_passives": rng.integers(0, 4, n).astype(float),
        "nps_detractors": rng.integers(0, 4, n).astype(float),
    }
    missing = {"purchase_recency_days": gone, "purchase_mean": gone}
    return FeatureTable.from_columns(ids, cols, missing=missing)


FITTERS: list[Any] = [
    RFM(),
    RFM("mean"),
    CustomerLifetimeValue(horizon=5),
    ParetoABC(),
    NetPromoterScore(),
]


@pytest.mark.parametrize("scorer", FITTERS, ids=lambda s: type(s).__name__)
def test_alone_batch_shuffled_and_partitioned_are_bit_for_bit(scorer: Any) -> None:
    t = _realistic()
    fitted = scorer.fit(t)
    batch = fitted.score(t)
    perm = np.random.default_rng(11).permutation(len(t))
    shuffled = fitted.score(t.take(perm))
    assert_scores_equal(shuffled, batch.take(perm))
    for i in (0, 1, 17, len(t) - 1):
        alone = fitted.score(t.take([i]))
        assert np.array_equal(alone.scores, batch.scores[[i]])
        assert np.array_equal(alone.contributions, batch.contributions[[i]])
        if batch.labels is not None:
            assert alone.labels is not None
            assert alone.labels.tolist() == batch.labels[[i]].tolist()
    halves = [fitted.score(t.take(np.arange(0, 150))), fitted.score(t.take(np.arange(150, 300)))]
    assert np.array_equal(np.concatenate([h.scores for h in halves]), batch.scores)
    # fitting on the shuffled population learns the same parameters
    assert scorer.fit(t.take(perm)).get_config() == fitted.get_config()


@pytest.mark.parametrize("scorer", FITTERS, ids=lambda s: type(s).__name__)
def test_fitted_configs_round_trip_and_pin_the_results(scorer: Any) -> None:
    t = _realistic()
    fitted = scorer.fit(t)
    cfg = json.loads(json.dumps(fitted.get_config(), allow_nan=False))
    again = load_scorer(cfg)
    assert again == fitted
    assert again.is_fitted
    got: ScoreTable = again.score(t)
    assert got.config_hash == config_hash(cfg)
    assert_scores_equal(got, fitted.score(t))
    # a nightly fit on other data keeps every pinned parameter
    other = _realistic(seed=9)
    assert again.fit(other).get_config() == cfg


def test_empty_tables_are_refused_by_fit_and_fine_for_pinned_scorers() -> None:
    t = _realistic().take(np.arange(0))
    learners: list[Any] = [RFM(), CustomerLifetimeValue(), ParetoABC()]
    for s in learners:
        with pytest.raises(InvalidValueError):
            s.fit(t)
    fitted = [s.fit(_realistic()) for s in FITTERS]
    for s in fitted:
        assert len(s.score(t)) == 0


# ------------------------------------------------------------------ the object door, end to end


def _portfolio_with_purchases() -> tuple[Portfolio, dt.datetime]:
    as_of = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    pf = synthetic_portfolio(60, seed=3, as_of=as_of)
    rng = np.random.default_rng(3)
    buys = []
    for a in pf.accounts[:-5]:  # the last five never buy
        for k in range(int(rng.integers(1, 12))):
            at = as_of - dt.timedelta(minutes=int(rng.integers(1, 2 * 365 * 24 * 60)))
            amount = Money(round(float(rng.lognormal(8, 1)), 2), a.currency or "CNY")
            buys.append(Purchase(f"{a.id}.S{k}", a.id, at, amount))
    return attrs.evolve(pf, purchases=buys), as_of


@pytest.mark.parametrize("name", sorted(NEW))
def test_every_new_scorer_scores_the_object_door_table_and_conforms_on_it(name: str) -> None:
    pf, as_of = _portfolio_with_purchases()
    t = extract_features(pf, as_of=as_of, customer_value=True)
    assert set(CUSTOMER_VALUE_FEATURES) <= set(t.names)
    assert t.is_missing("purchase_recency_days")[-5:].all()  # never bought: declared missing
    scorer = get_scorer(name)
    fitted = scorer.fit(t)
    st_ = fitted.score(t)
    assert np.isfinite(st_.scores).all()
    assert st_.ids.tolist() == [a.id for a in pf.accounts]
    check_scorer(scorer, t)
