"""Reliability catalogue: huge numbers given to scoring parameters raise typed errors.

``10**400`` (no float holds it), ``1e308`` and ``2e15`` (beyond ``MAX_MAGNITUDE``) used to
escape as a bare ``OverflowError`` from 31 places, or to overflow silently later. Every
one is now an ``InvalidValueError`` naming the parameter, from the constructor and from a
config alike.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from kamlib.errors import InvalidValueError
from kamlib.scoring import (
    Bands,
    Criterion,
    EmpiricalEstimate,
    HealthModel,
    LightRule,
    Measure,
    MinMax,
    Node,
    Percentile,
    Piecewise,
    ValueMatrix,
    WeightedPoints,
    load_scorer,
)
from kamlib.signals import HysteresisBands, Override

HUGE = (10**400, 1e308, 2e15)
_NOW = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)

CASES: list[tuple[str, Callable[[Any], object]]] = [
    ("Criterion.weight", lambda v: Criterion("x", v)),
    ("MinMax.lo", lambda v: MinMax(-v, 0)),
    ("MinMax.hi", lambda v: MinMax(0, v)),
    ("Percentile.knots[1]", lambda v: Percentile([0, v])),
    ("Bands.edges[1]", lambda v: Bands([0, v], [0, 5, 10])),
    ("Piecewise.xs[1]", lambda v: Piecewise([0, v], [0, 10])),
    ("WeightedPoints.threshold", lambda v: WeightedPoints(threshold=v)),
    ("ValueMatrix.y_weights[0]", lambda v: ValueMatrix(y_weights=[v, 1, 1])),
    ("ValueMatrix.x_cut", lambda v: ValueMatrix(x_cut=v, y_cut=1.0)),
    ("ValueMatrix.y_cut", lambda v: ValueMatrix(x_cut=1.0, y_cut=v)),
    ("EmpiricalEstimate.benchmarks[0].spend", lambda v: EmpiricalEstimate([("a", "b", v)])),
    ("EmpiricalEstimate.adjustments[0]", lambda v: EmpiricalEstimate(adjustments={"x": v})),
    ("EmpiricalEstimate.default_spend", lambda v: EmpiricalEstimate(default_spend=v)),
    ("EmpiricalEstimate.share", lambda v: EmpiricalEstimate(share=v)),
    ("Node.weights[0]", lambda v: Node("n", ("a", "b"), (v, 1))),
    ("Node.veto_floor", lambda v: Node("n", ("a", "b"), aggregator="veto", veto_floor=v)),
    ("LightRule.threshold", lambda v: LightRule("c", "red", "x", "<", v, "text")),
    ("HysteresisBands.enter[0]", lambda v: HysteresisBands(("a", "b"), enter=(v,), exit=(0,))),
    ("HysteresisBands.exit[0]", lambda v: HysteresisBands(("a", "b"), enter=(0,), exit=(-v,))),
    ("Override.value", lambda v: Override("A", v, "me", "why", None, _NOW)),
]  # fmt: skip


@pytest.mark.parametrize("value", HUGE, ids=["10**400", "1e308", "2e15"])
@pytest.mark.parametrize(("path", "build"), CASES, ids=[c[0] for c in CASES])
def test_a_huge_number_is_a_typed_error_naming_the_parameter(
    path: str, build: Callable[[Any], object], value: Any
) -> None:
    with pytest.raises(InvalidValueError) as info:
        build(value)
    assert str(info.value).startswith(path.split("[")[0]), str(info.value)


@pytest.mark.parametrize("value", [10**400, 1e308])
def test_measures_refuse_huge_ranges(value: Any) -> None:
    """A measure's range lives in its shared mapping, which names itself."""
    with pytest.raises(InvalidValueError, match=r"^MinMax\.hi: "):
        Measure("x", mapping=MinMax(0, value))
    cfg = HealthModel().get_config()
    cfg["measures"][0]["mapping"] = {"kind": "min_max", "lo": 0, "hi": value, "clip": True}
    with pytest.raises(InvalidValueError, match=r"measures\[0\]\.mapping\.hi"):
        HealthModel.from_config(cfg)


@pytest.mark.parametrize("value", [10**400, 1e308])
def test_configs_with_huge_numbers_are_refused_like_constructors(value: Any) -> None:
    cfg = WeightedPoints().get_config()
    cfg["criteria"][0]["weight"] = value
    with pytest.raises(InvalidValueError, match=r"WeightedPoints\.criteria\[0\]\.weight"):
        load_scorer(cfg)
    vm = ValueMatrix().get_config()
    vm["x_cut"], vm["y_cut"] = value, 0.0
    with pytest.raises(InvalidValueError, match=r"ValueMatrix\.x_cut"):
        load_scorer(vm)
