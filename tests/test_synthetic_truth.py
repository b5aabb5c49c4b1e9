"""Ground truth (issue 10 §4): seeded, the model's moments hold, typed errors, objects read back."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.typing import NDArray

from kamlib import FeatureTable
from kamlib.errors import InvalidTypeError, InvalidValueError
from kamlib.features import extract_features
from kamlib.model import Portfolio
from kamlib.synthetic import (
    DEFAULT_COMPLETE,
    OBJECT_MISSABLE,
    TRUTH_CRITERIA,
    GroundTruth,
    ground_truth_portfolio,
    ground_truth_table,
)

AS_OF = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def _mask(t: FeatureTable) -> NDArray[np.bool_]:
    return np.zeros(t.values.shape, dtype=np.bool_) if t.missing is None else t.missing


def _same(a: GroundTruth, b: GroundTruth) -> bool:
    return (
        np.array_equal(a.table.values, b.table.values, equal_nan=True)
        and np.array_equal(_mask(a.table), _mask(b.table))
        and np.array_equal(a.latent, b.latent)
        and np.array_equal(a.standardized, b.standardized)
        and all(
            np.array_equal(a.table.categorical[c], b.table.categorical[c])
            for c in a.table.categorical
        )
    )


# ---------------------------------------------------------------- reproducibility
def test_same_seed_same_bits_other_seed_other_draws() -> None:
    kw: dict[str, Any] = {"noise": 0.7, "correlation": 0.3, "missing": 0.2}
    a = ground_truth_table(400, seed=11, **kw)
    b = ground_truth_table(400, seed=11, **kw)
    assert _same(a, b)
    c = ground_truth_table(400, seed=12, **kw)
    assert not np.array_equal(a.latent, c.latent)
    assert not np.array_equal(_mask(a.table), _mask(c.table))


def test_tables_differing_only_in_noise_share_their_draws() -> None:
    """Common random numbers: same latent, same missing cells, same categories."""
    lo = ground_truth_table(300, seed=5, noise=0.2, missing=0.3)
    hi = ground_truth_table(300, seed=5, noise=3.0, missing=0.3)
    assert np.array_equal(lo.latent, hi.latent)
    assert np.array_equal(_mask(lo.table), _mask(hi.table))
    assert np.array_equal(lo.table.categorical["industry"], hi.table.categorical["industry"])
    assert not np.array_equal(lo.standardized, hi.standardized)


def test_without_noise_every_criterion_is_the_latent_value() -> None:
    gt = ground_truth_table(500, seed=2, noise=0.0, loadings=[2.0] * 12)
    for j in range(12):
        assert np.array_equal(gt.standardized[:, j], gt.latent)
        col = gt.table.values[:, j]
        assert np.array_equal(np.argsort(col), np.argsort(gt.latent))


@given(
    seed=st.integers(0, 2**32),
    n=st.integers(1, 40),
    noise=st.floats(0.0, 10.0),
    missing=st.floats(0.0, 0.95),
)
def test_property_reproducible_complete_and_in_range(
    seed: int, n: int, noise: float, missing: float
) -> None:
    gt = ground_truth_table(n, seed=seed, noise=noise, missing=missing)
    again = ground_truth_table(n, seed=seed, noise=noise, missing=missing)
    assert _same(gt, again)
    t = gt.table
    assert len(t) == n == gt.latent.shape[0]
    for name in DEFAULT_COMPLETE:
        assert not t.is_missing(name).any()
    ranges = {
        "purchase_stability": (0.5, 1.0),
        "satisfaction": (0.0, 100.0),
        "nps": (-100.0, 100.0),
        "cooperation_breadth": (1.0, 8.0),
        "commitment_fulfilment": (0.0, 1.0),
        "strategic_fit": (0.0, 10.0),
        "interaction_frequency": (0.0, 6.0),
    }
    for name, (lo, hi) in ranges.items():
        seen = t.column(name)[~t.is_missing(name)]
        assert ((seen >= lo) & (seen <= hi)).all(), name
    assert (t.column("profit") > 0).all()
    assert (t.column("revenue_growth")[~t.is_missing("revenue_growth")] > -0.2).all()


# ---------------------------------------------------------------- the model's moments
def test_latent_value_is_standard_normal_at_large_n() -> None:
    gt = ground_truth_table(50_000, seed=0, criteria=["a"])
    assert abs(gt.latent.mean()) < 0.02
    assert abs(gt.latent.std() - 1.0) < 0.02
    assert abs(gt.standardized[:, 0].std() - 1.0) < 0.02


@pytest.mark.parametrize("rho", [0.0, 0.4, 0.9, -0.2])
def test_error_correlation_holds_at_large_n(rho: float) -> None:
    k, noise = 5, 1.5
    gt = ground_truth_table(
        40_000, seed=3, noise=noise, correlation=rho, criteria=[f"c{j}" for j in range(5)]
    )
    sd = np.sqrt(1.0 + noise**2)
    errors = (gt.standardized * sd - gt.latent[:, None]) / noise
    sample = np.corrcoef(errors.T)
    off = ~np.eye(k, dtype=bool)
    assert np.abs(sample[off] - rho).max() < 0.03
    assert np.abs(np.corrcoef(gt.standardized.T) - gt.implied_correlation()).max() < 0.03


def test_full_correlation_matrix_holds_at_large_n() -> None:
    R = np.array([[1.0, 0.6, -0.3], [0.6, 1.0, 0.0], [-0.3, 0.0, 1.0]])
    gt = ground_truth_table(40_000, seed=8, noise=1.0, correlation=R, criteria=["x", "y", "z"])
    errors = gt.standardized * np.sqrt(2.0) - gt.latent[:, None]
    assert np.abs(np.corrcoef(errors.T) - R).max() < 0.03
    assert np.array_equal(gt.correlation, R)


def test_singular_correlation_is_allowed_and_gives_equal_errors() -> None:
    gt = ground_truth_table(1000, seed=1, noise=1.0, correlation=1.0, criteria=["a", "b", "c"])
    assert np.array_equal(gt.standardized[:, 0], gt.standardized[:, 2])


def test_implied_correlation_with_unequal_loadings() -> None:
    gt = ground_truth_table(5, seed=0, noise=2.0, correlation=0.5, loadings=[1.0, 3.0],
                            criteria=["a", "b"])  # fmt: skip
    # (1*3 + 4*0.5) / sqrt((1 + 4) * (9 + 4))
    assert gt.implied_correlation()[0, 1] == pytest.approx(5.0 / np.sqrt(65.0))


def test_missing_share_holds_at_large_n_and_complete_columns_never_miss() -> None:
    gt = ground_truth_table(20_000, seed=4, missing=0.3)
    M = gt.table.missing
    assert M is not None
    eligible = [j for j, c in enumerate(gt.criteria) if c not in DEFAULT_COMPLETE]
    assert len(eligible) == 7
    assert abs(M[:, eligible].mean() - 0.3) < 0.01
    assert not M[:, [gt.criteria.index(c) for c in DEFAULT_COMPLETE]].any()
    every = ground_truth_table(20_000, seed=4, missing=0.3, complete=())
    assert abs(every.table.missing.mean() - 0.3) < 0.01  # type: ignore[union-attr]
    assert ground_truth_table(100, seed=4, missing=0.0).table.missing is None


def test_missing_cells_keep_their_true_value_in_standardized() -> None:
    gt = ground_truth_table(2000, seed=9, missing=0.5)
    j = gt.criteria.index("satisfaction")
    gone = gt.table.is_missing("satisfaction")
    assert gone.any()
    assert np.isfinite(gt.standardized[gone, j]).all()


def test_size_bands_follow_the_documented_shares() -> None:
    gt = ground_truth_table(40_000, seed=6)
    band = gt.table.categorical["size_band"]
    shares = [float((band == b).mean()) for b in ("small", "medium", "large", "enterprise")]
    assert np.allclose(shares, [0.35, 0.30, 0.25, 0.10], atol=0.01)
    rev = gt.table.column("revenue")
    assert rev[band == "enterprise"].min() > rev[band == "small"].max()  # bands from revenue


def test_unknown_criterion_is_written_on_the_standard_scale() -> None:
    gt = ground_truth_table(50, seed=0, criteria=["profit", "my_criterion"])
    assert np.array_equal(gt.table.column("my_criterion"), gt.standardized[:, 1])
    assert gt.complete == ("profit",)


# ---------------------------------------------------------------- true top and classes
def test_true_top_is_the_highest_latent_values() -> None:
    gt = ground_truth_table(300, seed=1)
    top = gt.true_top(25)
    assert len(top) == 25
    rows = [gt.table.row_of(a) for a in top]
    assert list(gt.latent[rows]) == sorted(gt.latent[rows], reverse=True)
    assert gt.latent[rows].min() > np.delete(gt.latent, rows).max()


def test_true_classes_depend_on_the_latent_value_only() -> None:
    gt = ground_truth_table(30_000, seed=2)
    cls = gt.true_classes((0.1, 0.3, 0.6), ("A", "B", "C"))
    assert np.allclose([(cls == c).mean() for c in "ABC"], [0.1, 0.3, 0.6], atol=0.01)
    assert gt.latent[cls == "A"].min() > gt.latent[cls == "B"].max()
    sub = gt.latent[:100]
    alone = np.where(sub >= 1.2815515655446004, "A", np.where(sub >= 0.0, "B", "C"))
    three = gt.true_classes((0.1, 0.4, 0.5), ("A", "B", "C"))
    assert np.array_equal(three[:100], alone)


@pytest.mark.parametrize(
    ("shares", "labels", "error", "field"),
    [
        ((0.5, 0.6), ("a", "b"), InvalidValueError, "shares"),
        ((0.5, 0.5), ("a",), InvalidValueError, "labels"),
        ((0.5, 0.5), ("a", "a"), InvalidValueError, "labels"),
        ((1.0, 0.0), ("a", "b"), InvalidValueError, r"shares\[1\]"),
        ("ab", ("a", "b"), InvalidTypeError, "shares"),
        ((1.0,), (3,), InvalidTypeError, r"labels\[0\]"),
    ],
)
def test_true_classes_bad_arguments(
    shares: Any, labels: Any, error: type[Exception], field: str
) -> None:
    gt = ground_truth_table(10, seed=0)
    with pytest.raises(error, match=field):
        gt.true_classes(shares, labels)


@pytest.mark.parametrize(("k", "error"), [(0, InvalidValueError), (11, InvalidValueError),
                                          (2.0, InvalidTypeError)])  # fmt: skip
def test_true_top_bad_k(k: Any, error: type[Exception]) -> None:
    with pytest.raises(error, match=r"true_top\.k"):
        ground_truth_table(10, seed=0).true_top(k)


def test_a_0d_array_is_the_scalar_it_holds() -> None:
    scalar = ground_truth_table(20, seed=1, loadings=0.5, correlation=0.3)
    half: Any = np.array(0.5)  # a 0-d array, past the type checker
    zero_d = ground_truth_table(20, seed=1, loadings=half, correlation=np.array(0.3))
    assert zero_d.loadings == scalar.loadings
    assert np.array_equal(zero_d.table.values, scalar.table.values, equal_nan=True)
    one: Any = np.array(1.0)
    with pytest.raises(InvalidTypeError, match=r"true_classes\.shares"):
        scalar.true_classes(one, ("a",))


# ---------------------------------------------------------------- typed errors
R_NOT_PSD = [[1.0, 0.9, -0.9], [0.9, 1.0, 0.9], [-0.9, 0.9, 1.0]]


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"n": 0}, InvalidValueError, r"ground_truth_table\.n: .*got 0"),
        ({"n": 2.0}, InvalidTypeError, r"\.n: .*got 2\.0"),
        ({"seed": -1}, InvalidValueError, r"\.seed: .*got -1"),
        ({"seed": "1"}, InvalidTypeError, r"\.seed: .*got '1'"),
        ({"noise": -0.5}, InvalidValueError, r"\.noise: .*got -0\.5"),
        ({"noise": float("nan")}, InvalidValueError, r"\.noise: must be finite"),
        ({"noise": 1e7}, InvalidValueError, r"\.noise: .*1e\+06"),
        ({"missing": 1.0}, InvalidValueError, r"\.missing: .*\[0, 1\); got 1\.0"),
        ({"missing": -0.1}, InvalidValueError, r"\.missing: .*got -0\.1"),
        ({"correlation": 1.5}, InvalidValueError, r"\.correlation: .*got 1\.5"),
        ({"correlation": -0.2}, InvalidValueError, r"\.correlation: must be in \[-0\.0909091"),
        ({"correlation": "0.5"}, InvalidTypeError, r"\.correlation"),
        ({"correlation": np.eye(3)}, InvalidValueError, r"\.correlation: must be a \(12, 12\)"),
        ({"criteria": ["a", "b", "c"], "correlation": R_NOT_PSD}, InvalidValueError,
         r"\.correlation: must be positive semi-definite"),
        ({"criteria": ["a", "b"], "correlation": [[1.0, 0.2], [0.3, 1.0]]}, InvalidValueError,
         r"\.correlation: must be symmetric"),
        ({"criteria": ["a", "b"], "correlation": [[2.0, 0.2], [0.2, 1.0]]}, InvalidValueError,
         r"\.correlation: must have a unit diagonal"),
        ({"criteria": ["a", "a"]}, InvalidValueError, r"\.criteria: must not repeat"),
        ({"criteria": []}, InvalidValueError, r"\.criteria: must name at least one"),
        ({"criteria": "profit"}, InvalidTypeError, r"\.criteria"),
        ({"criteria": ["a", ""]}, InvalidValueError, r"\.criteria\[1\]"),
        ({"loadings": [1.0, 2.0]}, InvalidValueError, r"\.loadings: must hold 12"),
        ({"loadings": -1.0}, InvalidValueError, r"\.loadings: .*got -1\.0"),
        ({"loadings": 0.0, "noise": 0.0}, InvalidValueError, r"\.loadings: must be positive"),
        ({"complete": ["nope"]}, InvalidValueError, r"\.complete\[0\]: is not one of.*'nope'"),
        ({"criteria": np.array("a")}, InvalidTypeError, r"\.criteria: must be a sequence"),
        ({"complete": np.array("profit")}, InvalidTypeError, r"\.complete: must be a sequence"),
        ({"loadings": np.array(-1.0)}, InvalidValueError, r"\.loadings: .*got -1\.0"),
    ],
)  # fmt: skip
def test_bad_parameters_raise_typed_errors_naming_field_and_value(
    kwargs: dict[str, Any], error: type[Exception], match: str
) -> None:
    args: dict[str, Any] = {"n": 10, "seed": 0}
    args.update(kwargs)
    n = args.pop("n")
    with pytest.raises(error, match=match):
        ground_truth_table(n, **args)


# ---------------------------------------------------------------- the object variant
def test_portfolio_truth_is_the_table_with_only_object_missable_cells_missing() -> None:
    gp = ground_truth_portfolio(60, seed=3, as_of=AS_OF, noise=0.8, missing=0.3)
    done = tuple(c for c in TRUTH_CRITERIA if c not in OBJECT_MISSABLE)
    same = ground_truth_table(60, seed=3, noise=0.8, missing=0.3, complete=done)
    assert _same(gp.truth, same)
    assert isinstance(gp.portfolio, Portfolio)
    again = ground_truth_portfolio(60, seed=3, as_of=AS_OF, noise=0.8, missing=0.3)
    assert gp.portfolio == again.portfolio


def test_extracted_features_read_the_truth_back() -> None:
    gp = ground_truth_portfolio(150, seed=7, as_of=AS_OF, noise=0.6, missing=0.25)
    got = extract_features(gp.portfolio, as_of=AS_OF)
    want = gp.truth.table
    assert got.ids.tolist() == want.ids.tolist()
    tolerance = {
        "nps": 5.0 + 1e-9,
        "cooperation_breadth": 0.5 + 1e-9,
        "commitment_fulfilment": 0.1 + 1e-9,
        "interaction_frequency": 0.5 * 30.4375 / 90 + 1e-9,
    }
    for name in want.names:
        gone = want.is_missing(name)
        assert np.array_equal(got.is_missing(name), gone), name
        a, b = got.column(name)[~gone], want.column(name)[~gone]
        if name in tolerance:
            assert np.abs(a - b).max() <= tolerance[name], name
        else:
            assert np.allclose(a, b, rtol=1e-6, atol=1e-6), name
    for cat in ("industry", "region", "size_band"):
        assert np.array_equal(got.categorical[cat], want.categorical[cat])
    assert any(want.is_missing(c).any() for c in OBJECT_MISSABLE)


def test_portfolio_records_stay_before_as_of() -> None:
    gp = ground_truth_portfolio(40, seed=1, as_of=AS_OF, missing=0.2)
    p = gp.portfolio
    assert all(i.at <= AS_OF for i in p.interactions)
    assert all(s.at <= AS_OF for a in p.accounts for s in a.surveys)
    assert all(r.at <= AS_OF for a in p.accounts for r in a.nps)
    assert all(f.period.end < AS_OF.date() for a in p.accounts for f in a.figures)
    assert all(t.at <= AS_OF for c in p.commitments for t in c.history)


def test_purchases_add_up_to_each_quarter_and_follow_the_latent_value() -> None:
    gp = ground_truth_portfolio(200, seed=5, as_of=AS_OF, noise=0.5)
    p = gp.portfolio
    assert p.purchases
    assert all(x.at <= AS_OF and x.amount.amount >= 0 for x in p.purchases)
    for a in p.accounts[:40]:
        mine = p.purchases_of(a.id)
        for f in a.figures:
            q = f.period
            inside = [x for x in mine if q.start <= x.at.date() <= q.end]
            assert 1 <= len(inside) <= 5
            assert sum(round(x.amount.amount * 100) for x in inside) == round(
                f.revenue.amount * 100
            )
    j = gp.truth.criteria.index("revenue")
    per_quarter = np.array(
        [len(p.purchases_of(a.id)) / len(a.figures) for a in p.accounts], dtype=np.float64
    )
    assert np.corrcoef(per_quarter, gp.truth.standardized[:, j])[0, 1] > 0.9


def test_object_features_carry_the_latent_signal() -> None:
    gp = ground_truth_portfolio(300, seed=2, as_of=AS_OF, noise=0.3)
    t = extract_features(gp.portfolio, as_of=AS_OF)
    for name in ("profit", "satisfaction", "nps", "interaction_frequency"):
        ranks = np.argsort(np.argsort(t.column(name)))
        rho = np.corrcoef(ranks, np.argsort(np.argsort(gp.latent)))[0, 1]
        assert rho > 0.85, name
    assert gp.true_top(5) == gp.truth.true_top(5)


@pytest.mark.parametrize(
    ("kwargs", "error", "field"),
    [
        ({"as_of": dt.datetime(2026, 1, 1)}, InvalidValueError, "as_of"),
        ({"as_of": dt.date(2026, 1, 1)}, InvalidTypeError, "as_of"),
        ({"n": 0}, InvalidValueError, r"ground_truth_portfolio\.n"),
        ({"missing": 1.2}, InvalidValueError, r"ground_truth_portfolio\.missing"),
        ({"noise": -1}, InvalidValueError, r"ground_truth_portfolio\.noise"),
    ],
)
def test_portfolio_bad_arguments(
    kwargs: dict[str, Any], error: type[Exception], field: str
) -> None:
    args: dict[str, Any] = {"n": 3, "seed": 0, "as_of": AS_OF}
    args.update(kwargs)
    n = args.pop("n")
    with pytest.raises(error, match=field):
        ground_truth_portfolio(n, **args)
