"""One chassis for every scorer: attrs fields, one config form, load_scorer, one registry."""

from __future__ import annotations

import json
from typing import Any

import attrs
import numpy as np
import pytest

from kamlib import FeatureTable
from kamlib.errors import (
    InvalidTypeError,
    InvalidValueError,
    KamlibValidationError,
    UnknownScorerError,
)
from kamlib.scoring import (
    Bands,
    Criterion,
    EmpiricalEstimate,
    HealthModel,
    MinMax,
    Percentile,
    Piecewise,
    ScorerRegistry,
    ValueMatrix,
    WeightedPoints,
    default_registry,
    load_scorer,
    mapping_from_config,
)
from kamlib.scoring._kernel import MISSING_POLICIES
from kamlib.testing import synthetic_table

_BUILTINS = (EmpiricalEstimate, HealthModel, ValueMatrix, WeightedPoints)
_ALL = _BUILTINS
_PARTS = (Criterion, MinMax, Percentile, Bands, Piecewise)


@pytest.mark.parametrize("cls", [*_BUILTINS, *_PARTS], ids=lambda c: c.__name__)
def test_parameters_are_attrs_fields_with_a_generated_init(cls: type) -> None:
    assert attrs.has(cls)
    assert not hasattr(cls, "__attrs_init__"), "a hand-written __init__ calls __attrs_init__"


@pytest.mark.parametrize("cls", _ALL, ids=lambda c: c.__name__)
def test_every_builtin_is_registered_under_its_class_name(cls: Any) -> None:
    factory: Any = default_registry.factory(cls.name)
    assert factory is cls
    assert isinstance(factory.config_version, int)


def _fitted(cls: Any) -> Any:
    s = cls()
    return s.fit(synthetic_table(s.required_features, 40, seed=5))


@pytest.mark.parametrize("cls", _ALL, ids=lambda c: c.__name__)
def test_load_scorer_rebuilds_every_builtin_from_its_config_alone(cls: Any) -> None:
    for scorer in (cls(), _fitted(cls)):
        cfg = scorer.get_config()
        assert cfg["scorer"] == cls.name
        assert cfg["version"] == cls.config_version
        through_json = json.loads(json.dumps(cfg, allow_nan=False))
        assert load_scorer(through_json) == scorer
        assert cls.from_config(through_json) == scorer
        assert load_scorer(through_json).get_config() == cfg


def test_one_error_path_style_from_the_class_name() -> None:
    cfg = WeightedPoints(threshold=6.0).get_config()
    cfg["criteria"][2]["weight"] = -1
    with pytest.raises(InvalidValueError, match=r"^WeightedPoints\.criteria\[2\]\.weight: "):
        load_scorer(cfg)
    with pytest.raises(InvalidValueError, match=r"^Criterion\.weight: "):
        Criterion("c2", -1)  # the same rule, named from the class that was built
    with pytest.raises(InvalidValueError, match=r"^WeightedPoints\.threshold: "):
        WeightedPoints(threshold=11)
    with pytest.raises(InvalidValueError, match=r"^WeightedPoints\.threshold: "):
        load_scorer({**WeightedPoints().get_config(), "threshold": 11})


def test_every_problem_of_a_config_is_reported_at_once() -> None:
    """Structural problems (types, unknown keys) are collected; then the scorer validates."""
    cfg = ValueMatrix().get_config()
    cfg.update(quantile="half", naming=3, surprise=1)
    with pytest.raises(KamlibValidationError) as info:
        load_scorer(cfg)
    paths = sorted(getattr(e, "path", "") for e in info.value.exceptions)
    assert paths == ["ValueMatrix.naming", "ValueMatrix.quantile", "ValueMatrix.surprise"]


@pytest.mark.parametrize(
    ("config", "error", "match"),
    [
        ([1, 2], InvalidTypeError, "config: must be a mapping"),
        ({}, InvalidValueError, r"config\.scorer: must name the scorer"),
        ({"scorer": 3}, InvalidValueError, r"config\.scorer"),
        ({"scorer": "astrology"}, UnknownScorerError, "astrology"),
        ({"scorer": "value_matrix", "version": 2}, InvalidValueError, r"ValueMatrix\.version"),
        ({"scorer": "value_matrix", "version": True}, InvalidValueError, r"ValueMatrix\.version"),
    ],
)
def test_load_scorer_refuses_bad_configs_with_typed_errors(
    config: object, error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match):
        load_scorer(config)


def test_from_config_refuses_another_scorers_config() -> None:
    with pytest.raises(InvalidValueError, match=r"ValueMatrix\.scorer: must be 'value_matrix'"):
        ValueMatrix.from_config(WeightedPoints().get_config())


def test_load_scorer_uses_the_given_registry() -> None:
    reg = ScorerRegistry()
    reg.register("vm", ValueMatrix)
    with pytest.raises(UnknownScorerError):
        load_scorer(WeightedPoints().get_config(), registry=reg)


@pytest.mark.parametrize(
    "mapping",
    [
        MinMax(),
        MinMax(-3, 7, clip=False),
        Percentile(n_knots=5),
        Percentile([1, 2, 2]),
        Bands([1, 2], [0, 5, 10]),
        Piecewise([0, 1], [2, 3]),
    ],
)
def test_mappings_round_trip_with_their_kind(mapping: Any) -> None:
    cfg = mapping.get_config()
    assert cfg["kind"] == mapping.kind
    assert mapping_from_config(json.loads(json.dumps(cfg))) == mapping


def test_percentile_n_knots_follows_pinned_knots() -> None:
    assert Percentile([1.0, 2.0, 3.0]).n_knots == 3
    assert Percentile([1.0, 2.0, 3.0], n_knots=99) == Percentile([1.0, 2.0, 3.0])


# ---------------------------------------------------------------- one missing vocabulary
def _gappy() -> FeatureTable:
    return FeatureTable.from_columns(
        ["A", "B"], {"x": [2.0, 4.0], "y": [None, 6.0]}, categorical=None
    )


def _wp(missing: str, **kw: Any) -> WeightedPoints:
    crit = [Criterion("x", 3, mapping=MinMax(0, 10)), Criterion("y", 1, mapping=MinMax(0, 10))]
    return WeightedPoints(crit, missing=missing, **kw)


def test_weighted_points_speaks_the_whole_vocabulary() -> None:
    t = _gappy()
    assert set(MISSING_POLICIES) == {"raise", "renormalise", "fill", "penalty"}
    with pytest.raises(InvalidValueError, match="'A'"):
        _wp("raise").score(t)
    assert _wp("renormalise").score(t).scores.tolist() == [2.0, 4.5]
    assert _wp("penalty").score(t).scores.tolist() == [0.75 * 2, 4.5]
    filled = _wp("fill", fill_points=8.0).score(t)
    assert filled.scores.tolist() == [0.75 * 2 + 0.25 * 8, 4.5]
    assert filled.contributions.tolist() == [[1.5, 2.0], [3.0, 1.5]]
    assert filled.coverage.tolist() == [0.75, 1.0]


@pytest.mark.parametrize(
    ("missing", "fill"), [("fill", None), ("renormalise", 5.0), ("penalty", 0.0)]
)
def test_fill_points_go_with_fill_only(missing: str, fill: float | None) -> None:
    with pytest.raises(InvalidValueError, match="fill_points"):
        _wp(missing, fill_points=fill)


def test_old_policy_names_are_refused() -> None:
    with pytest.raises(InvalidValueError, match="'zero'"):
        _wp("zero")
    with pytest.raises(InvalidValueError, match="'exclude'"):
        ValueMatrix(missing="exclude")


def test_filled_rows_leave_complete_rows_bitwise_alone() -> None:
    wp = WeightedPoints(
        [Criterion(f"c{j}", j + 0.3, mapping=MinMax(0, 1)) for j in range(5)],
        missing="fill",
        fill_points=3.3,
    )
    rng = np.random.default_rng(2)
    X = rng.random((30, 5))
    ids = [f"A{i}" for i in range(30)]
    t = FeatureTable.from_columns(ids, {f"c{j}": X[:, j] for j in range(5)})
    M = np.zeros((30, 5), dtype=bool)
    M[7, 2] = M[11, 0] = True
    gappy = t.with_values(X, missing=M)
    rest = [i for i in range(30) if i not in (7, 11)]
    assert np.array_equal(wp.score(gappy).scores[rest], wp.score(t).scores[rest])
    assert np.array_equal(wp.score(gappy).contributions[rest], wp.score(t).contributions[rest])


def test_key_accounts_refuses_a_result_scored_with_another_configuration() -> None:
    t = FeatureTable.from_columns(["A", "B"], {"x": [1.0, 9.0]})
    low = WeightedPoints([Criterion("x", mapping=MinMax(0, 10))], threshold=5.0)
    high = WeightedPoints([Criterion("x", mapping=MinMax(0, 10))], threshold=9.5)
    assert low.key_accounts(low.score(t)).ids == ("B",)
    with pytest.raises(InvalidValueError, match=r"result\.config_hash"):
        high.key_accounts(low.score(t))
    with pytest.raises(InvalidValueError, match=r"must be a weighted_points ScoreTable"):
        low.key_accounts(ValueMatrix("x", ["x"], x_cut=0.0, y_cut=0.0).score(t))


def test_mappings_stay_finite_between_sub_normal_knots() -> None:
    """np.interp's slope (points per unit) overflows between knots ~1e-320 apart."""
    x = np.array([-1.0, 0.0, 2.5e-320, 1.0, np.nan])
    pw = Piecewise([0, 5e-320], [0, 10]).points(x)
    assert pw[:4].tolist() == [0.0, 0.0, 5.0, 10.0]
    assert np.isnan(pw[4])
    pc = Percentile([0.0, 5e-320, 1.0]).points(x[:4])
    assert np.isfinite(pc).all()
    assert (np.diff(pc) >= 0).all()
    assert MinMax(0, 5e-324).points(np.array([-1.0, 0.0, 1.0])).tolist() == [0.0, 0.0, 10.0]
