"""EmpiricalEstimate: source rule [002] (benchmark spend of industry x size band)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kamlib import FeatureTable
from kamlib.errors import (
    InvalidTypeError,
    InvalidValueError,
    MissingFeatureError,
    NotFittedError,
    UnknownIdError,
)
from kamlib.scoring import EmpiricalEstimate
from kamlib.testing._check import check_scorer

BENCH = {("retail", "large"): 1000.0, ("retail", "small"): 100.0, ("energy", "large"): 5000.0}


def _t(ind: list[str], size: list[str], **cols: list[float | None]) -> FeatureTable:
    ids = [f"A{i}" for i in range(len(ind))]
    return FeatureTable.from_columns(ids, cols, categorical={"industry": ind, "size_band": size})


def test_benchmark_times_share_plus_adjustments() -> None:
    t = _t(["retail", "energy", "retail"], ["large", "large", "small"], nps=[10.0, 0.0, -20.0])
    est = EmpiricalEstimate(BENCH, share=0.2, adjustments={"nps": 1.5})
    st_ = est.score(t)
    assert st_.scores.tolist() == [215.0, 1000.0, -10.0]
    assert st_.components == ("benchmark", "adjust:nps")
    assert st_.explain("A2").contributions == (("benchmark", 20.0), ("adjust:nps", -30.0))
    assert est.is_fitted
    assert est.required_features == ("nps",)


def test_unknown_segment_policy() -> None:
    t = _t(["retail", "mining"], ["large", "small"])
    with pytest.raises(UnknownIdError, match=r"'A1'.*\('mining', 'small'\)"):
        EmpiricalEstimate(BENCH).score(t)
    st_ = EmpiricalEstimate(BENCH, default_spend=50.0).score(t)
    assert st_.scores.tolist() == [1000.0, 50.0]
    assert st_.reasons_of("A1") == ("fallback_benchmark",)
    assert st_.reasons_of("A0") == ()


def test_fit_learns_segment_medians_and_keeps_given_benchmarks() -> None:
    t = _t(
        ["it", "it", "it", "it"],
        ["s", "s", "s", "l"],
        revenue=[1.0, 5.0, None, 8.0],
    )
    fitted = EmpiricalEstimate().fit(t)
    assert fitted.benchmarks == (("it", "l", 8.0), ("it", "s", 3.0))
    other = _t(["it"], ["s"], revenue=[100.0])
    assert fitted.fit(other) == fitted  # pinned means pinned: fitted benchmarks are kept
    assert EmpiricalEstimate.from_config(fitted.get_config()).fit(other) == fitted
    mean = EmpiricalEstimate(statistic="mean", benchmark_feature="revenue").fit(t)
    assert mean.benchmarks == (("it", "l", 8.0), ("it", "s", 3.0))
    given_ = EmpiricalEstimate(BENCH)
    assert given_.fit(t) == given_
    with pytest.raises(InvalidValueError, match="no observed value"):
        EmpiricalEstimate().fit(_t(["it"], ["s"], revenue=[None]))


def test_unfitted_missing_columns_and_missing_values() -> None:
    t = _t(["retail"], ["large"], nps=[None])
    with pytest.raises(NotFittedError, match="benchmarks"):
        EmpiricalEstimate().score(t)
    with pytest.raises(InvalidValueError, match=r"'nps'.*'A0'"):
        EmpiricalEstimate(BENCH, adjustments={"nps": 1.0}).score(t)
    with pytest.raises(MissingFeatureError, match="'growth'"):
        EmpiricalEstimate(BENCH, adjustments={"growth": 1.0}).score(t)
    no_cat = FeatureTable.from_columns(["A"], {"x": [1.0]})
    with pytest.raises(MissingFeatureError, match="industry"):
        EmpiricalEstimate(BENCH).score(no_cat)


def test_custom_categorical_names() -> None:
    t = FeatureTable.from_columns(["A"], {}, categorical={"sector": ["retail"], "band": ["small"]})
    est = EmpiricalEstimate(BENCH, industry="sector", size_band="band")
    assert est.score(t).scores.tolist() == [100.0]


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"benchmarks": {("a", "b"): -1.0}}, InvalidValueError, r"spend.*got -1"),
        ({"benchmarks": {("a", "b"): float("nan")}}, InvalidValueError, r"spend.*nan"),
        ({"benchmarks": {"a": 1.0}}, InvalidTypeError, r"pairs"),
        ({"benchmarks": [("a", "b")]}, InvalidTypeError, r"benchmarks\[0\]"),
        ({"benchmarks": [("a", "b", 1), ("a", "b", 2)]}, InvalidValueError, "repeats"),
        ({"benchmarks": "abc"}, InvalidTypeError, "mapping or a list"),
        ({"share": 1.5}, InvalidValueError, r"share.*\[0, 1\].*1.5"),
        ({"adjustments": {"x": float("inf")}}, InvalidValueError, r"coefficient"),
        ({"adjustments": [("x", 1), ("x", 2)]}, InvalidValueError, "repeat"),
        ({"adjustments": [("x",)]}, InvalidTypeError, "pair"),
        ({"default_spend": -5}, InvalidValueError, "default_spend"),
        ({"statistic": "mode"}, InvalidValueError, r"statistic.*'mode'"),
        ({"industry": ""}, InvalidValueError, "industry"),
    ],
)
def test_bad_parameters(kwargs: dict[str, object], error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        EmpiricalEstimate(**kwargs)  # type: ignore[arg-type]


def test_config_round_trip_and_untrusted() -> None:
    est = EmpiricalEstimate(BENCH, share=0.3, adjustments={"nps": 2.0}, default_spend=10.0)
    cfg = json.loads(json.dumps(est.get_config()))
    assert EmpiricalEstimate.from_config(cfg) == est
    with pytest.raises(InvalidValueError, match="is not a field of"):
        EmpiricalEstimate.from_config({**cfg, "x": 1})
    with pytest.raises(InvalidValueError, match="scorer"):
        EmpiricalEstimate.from_config({**cfg, "scorer": "value_matrix"})


@pytest.mark.parametrize(
    "est",
    [
        EmpiricalEstimate(),
        EmpiricalEstimate(share=0.25, adjustments={"revenue_growth": 1e4}, default_spend=1.0),
        EmpiricalEstimate(statistic="mean", adjustments={"nps": 3.0}),
    ],
    ids=["default", "adjusted", "mean"],
)
def test_conformance(est: EmpiricalEstimate) -> None:
    check_scorer(est)


segments = st.tuples(st.sampled_from(["retail", "energy"]), st.sampled_from(["large", "small"]))


@given(st.lists(segments, min_size=1, max_size=40), st.floats(0, 1))
def test_vectorised_equals_per_account_rule(segs: list[tuple[str, str]], share: float) -> None:
    t = _t([s[0] for s in segs], [s[1] for s in segs])
    st_ = EmpiricalEstimate(BENCH, share=share, default_spend=7.0).score(t)
    expected = [BENCH.get(s, 7.0) * share for s in segs]
    np.testing.assert_allclose(st_.scores, expected, rtol=1e-12)
    np.testing.assert_allclose(st_.contributions.sum(axis=1), st_.scores, rtol=1e-9)
