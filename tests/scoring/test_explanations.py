"""Explanations that say why (issue 8): raw inputs, points, node scores, evidence."""

from __future__ import annotations

import pickle
import re

import numpy as np

from kamlib import FeatureTable
from kamlib.scoring import (
    Criterion,
    HealthModel,
    Measure,
    MinMax,
    Node,
    ValueMatrix,
    WeightedPoints,
)
from kamlib.scoring.health import DEFAULT_LIGHT_RULES


def test_value_matrix_reads_each_axis_against_its_own_cut_in_its_own_unit() -> None:
    t = FeatureTable.from_columns(
        ["A", "B"],
        {"profit": [82_000.0, 50_000.0], "s": [8.6, 2.0]},
    )
    vm = ValueMatrix("profit", ["s"], quantile=None, x_cut=76_416.0, y_cut=4.93)
    e = vm.score(t).explain("A")
    assert e.summary.startswith(
        "profit 82,000 >= cut 76,416 -> high contribution (by 5,584); "
        "strategic importance 8.6 >= cut 4.93 -> high importance (by 3.67) -> strategic"
    )
    assert e.inputs == (("profit", 82_000.0), ("s", 8.6))
    low = vm.score(t).explain("B").summary
    assert "profit 50,000 < cut 76,416 -> low contribution" in low
    assert "-> ordinary" in low


def test_weighted_points_show_raw_values_and_points_and_the_threshold() -> None:
    t = FeatureTable.from_columns(["A", "B"], {"x": [1.0, 3.0], "y": [10.0, 0.0]})
    wp = WeightedPoints([Criterion("x"), Criterion("y", direction="cost")], threshold=5.0)
    res = wp.fit(t).score(t)
    e = res.explain("B")
    assert e.inputs == (("x", 3.0), ("y", 0.0))
    assert e.points == (("x", 10.0), ("y", 10.0))  # cost: the lowest y gets 10
    assert "10 of 10 >= threshold 5 -> a key account" in e.summary
    text = str(e)
    assert re.search(r"^  x +3 +10 +5$", text, re.M)


def test_health_explanation_has_dimensions_and_the_evidence_of_each_fired_rule() -> None:
    model = HealthModel(
        measures=(
            Measure("satisfaction", mapping=MinMax(0, 100)),
            Measure("stability", mapping=MinMax(0, 1)),
        ),
        nodes=(
            Node("relationship", ("satisfaction",)),
            Node("business", ("stability",)),
            Node("overall", ("relationship", "business")),
        ),
        rules=tuple(r for r in DEFAULT_LIGHT_RULES if r.code == "satisfaction_below_70"),
    )
    t = FeatureTable.from_columns(["A"], {"satisfaction": [65.0], "stability": [0.9]})
    e = model.score(t).explain("A")
    assert e.nodes == (("relationship", 65.0), ("business", 90.0))
    assert dict(e.evidence)["satisfaction_below_70"] == "satisfaction = 65 (< 70)"
    assert e.label == "yellow"
    assert "satisfaction survey below 70" in e.summary
    assert "[satisfaction = 65 (< 70)]" in e.summary
    # evidence only for what fired: no band code here (77.5 is green)
    assert [c for c, _ in e.evidence] == ["satisfaction_below_70"]
    assert "node relationship" in str(e)


def test_details_follow_take_and_pickle() -> None:
    rng = np.random.default_rng(0)
    t = FeatureTable.from_columns([f"A{i}" for i in range(6)], {"x": rng.uniform(0, 9, 6)})
    res = WeightedPoints([Criterion("x")], threshold=5.0).fit(t).score(t)
    sub = res.take([4, 1])
    assert sub.explain("A4") == res.explain("A4")
    assert pickle.loads(pickle.dumps(res)).explain("A1") == res.explain("A1")


def test_value_matrix_margin_stays_in_the_scores_unit() -> None:
    """Issue 8: min(|profit - cut|, |importance - cut|) mixed money with points."""
    t = FeatureTable.from_columns(["A"], {"profit": [76_417.0], "s": [8.6]})
    vm = ValueMatrix("profit", ["s"], quantile=None, x_cut=76_416.0, y_cut=4.93)
    res = vm.score(t)
    assert res.margin is not None
    assert res.margin.tolist() == [abs(8.6 - 4.93)]  # not 1.0 money
    assert "(by 1)" in res.explain("A").summary  # the money distance, in money
