"""Tests of the health model: source rules [000], the tree, missing data, properties."""

from __future__ import annotations

import json
import math
import pickle
import re
import warnings
from typing import Any

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from kamlib import FeatureTable
from kamlib.errors import (
    InvalidTypeError,
    InvalidValueError,
    MissingFeatureError,
    NotFittedError,
)
from kamlib.scoring import (
    DEFAULT_LIGHT_RULES,
    DEFAULT_MEASURES,
    DEFAULT_NODES,
    LIGHTS,
    Bands,
    Criterion,
    HealthModel,
    LightRule,
    Measure,
    MinMax,
    Node,
    Percentile,
    Piecewise,
    WeightedPoints,
    assign_lights,
    evaluate_rules,
    revenue_decline_rule,
)
from kamlib.scoring.health import POINTS_TO_HEALTH
from kamlib.signals import HysteresisBands
from kamlib.testing._check import check_scorer

SEED_COLUMNS: dict[str, float] = {
    "purchase_stability": 0.8,
    "revenue_growth": 0.05,
    "interaction_frequency": 3.0,
    "satisfaction": 80.0,
    "cooperation_breadth": 2.0,
    "risk_key_decision_maker_left": 0.0,
    "risk_budget_frozen": 0.0,
    "risk_competitor_entered": 0.0,
    "risk_late_delivery": 0.0,
    "renewal_unclear": 0.0,
}


def seed_table(rows: list[dict[str, Any]]) -> FeatureTable:
    """Rows of the default model's columns; unspecified columns take SEED_COLUMNS values."""
    ids = [f"A{i}" for i in range(len(rows))]
    cols = {k: [r.get(k, v) for r in rows] for k, v in SEED_COLUMNS.items()}
    return FeatureTable.from_columns(ids, cols)


def population() -> FeatureTable:
    rng = np.random.default_rng(7)
    n = 50
    return FeatureTable.from_columns(
        [f"P{i}" for i in range(n)],
        {
            "purchase_stability": rng.uniform(0.1, 1.0, n),
            "revenue_growth": rng.normal(0.05, 0.2, n),
            "interaction_frequency": rng.uniform(0, 8, n),
            "satisfaction": rng.uniform(40, 100, n),
            "cooperation_breadth": rng.integers(0, 6, n),
            "risk_key_decision_maker_left": np.zeros(n),
            "risk_budget_frozen": np.zeros(n),
            "risk_competitor_entered": np.zeros(n),
            "risk_late_delivery": np.zeros(n),
            "renewal_unclear": np.zeros(n),
        },
    )


FITTED = HealthModel(bands=None).fit(population())  # event rules alone: bands tested below


# ---------------------------------------------------------------------------- source rules [000]
@pytest.mark.parametrize(
    ("column", "code"),
    [
        ("risk_key_decision_maker_left", "key_decision_maker_left"),
        ("risk_budget_frozen", "budget_frozen"),
        ("risk_competitor_entered", "competitor_entered"),
    ],
)
def test_each_red_trigger_gives_red(column: str, code: str) -> None:
    st_ = FITTED.score(seed_table([{column: 1.0}, {}]))
    assert st_.labels is not None
    assert st_.labels.tolist() == ["red", "green"]
    assert st_.reasons_of("A0") == (code,)
    assert "[000]" in st_.reason_texts[code]


def test_satisfaction_below_70_is_yellow_and_70_is_not() -> None:
    st_ = FITTED.score(seed_table([{"satisfaction": 69.99}, {"satisfaction": 70.0}]))
    assert st_.labels is not None
    assert st_.labels.tolist() == ["yellow", "green"]
    assert st_.reasons_of("A0") == ("satisfaction_below_70",)
    assert st_.reasons_of("A1") == ()


def test_renewal_unclear_is_yellow() -> None:
    st_ = FITTED.score(seed_table([{"renewal_unclear": 1.0}]))
    assert st_.label_of("A0") == "yellow"
    assert st_.reasons_of("A0") == ("renewal_unclear",)


def test_single_late_delivery_is_green_watch() -> None:
    st_ = FITTED.score(seed_table([{"risk_late_delivery": 1.0}]))
    assert st_.label_of("A0") == "green_watch"
    assert st_.reasons_of("A0") == ("late_delivery",)


def test_most_severe_rule_wins_and_every_firing_rule_is_a_reason() -> None:
    row = {"risk_late_delivery": 1.0, "satisfaction": 50.0, "risk_budget_frozen": 1.0}
    st_ = FITTED.score(seed_table([row, {"risk_late_delivery": 1.0, "renewal_unclear": 1.0}]))
    assert st_.label_of("A0") == "red"
    assert set(st_.reasons_of("A0")) == {"budget_frozen", "satisfaction_below_70", "late_delivery"}
    assert st_.label_of("A1") == "yellow"
    assert st_.classes == LIGHTS == ("green", "green_watch", "yellow", "red")
    text = str(st_.explain("A0"))
    assert "budget_frozen" in text


def test_missing_rule_input_does_not_fire_unless_configured() -> None:
    cols = dict(SEED_COLUMNS)
    table = FeatureTable.from_columns(
        ["A", "B"],
        {k: [v, v] for k, v in cols.items()},
        missing={"satisfaction": np.array([True, False])},
    )
    st_ = FITTED.score(table)
    assert st_.label_of("A") == "green"
    fire = LightRule("no_survey", "yellow", "satisfaction", "<", 70, "no survey", on_missing="fire")
    flags = evaluate_rules(table, [fire])
    assert flags[:, 0].tolist() == [True, False]


def test_not_equal_rule_never_fires_on_missing() -> None:
    t = FeatureTable.from_columns(["A", "B"], {"x": [None, 2.0]})
    rule = LightRule("x_not_1", "yellow", "x", "!=", 1, "x is not 1")
    assert evaluate_rules(t, [rule])[:, 0].tolist() == [False, True]


def test_users_can_extend_the_rule_set() -> None:
    rules = (*DEFAULT_LIGHT_RULES, LightRule("nps_low", "red", "nps", "<", -50, "NPS collapse"))
    model = HealthModel(measures=FITTED.measures, rules=rules)
    t = seed_table([{}]).with_columns({"nps": [-60.0]})
    st_ = model.score(t)
    assert st_.label_of("A0") == "red"
    assert "nps" in model.required_features


def test_assign_lights_shape_checked() -> None:
    with pytest.raises(InvalidValueError, match="flags"):
        assign_lights(np.zeros((2, 1), dtype=bool), DEFAULT_LIGHT_RULES)


def test_decline_rule_in_the_model() -> None:
    model = HealthModel(
        measures=FITTED.measures,
        rules=(*DEFAULT_LIGHT_RULES, revenue_decline_rule()),
        bands=None,
    )
    t = seed_table([{}, {}]).with_columns(
        {"revenue_change_last": [-0.2, -0.2], "revenue_change_prev": [-0.16, 0.1]}
    )
    st_ = model.score(t)
    assert st_.label_of("A0") == "yellow"
    assert st_.reasons_of("A0") == ("revenue_down_two_quarters",)
    assert st_.label_of("A1") == "green"
    assert "[000]" in st_.reason_texts["revenue_down_two_quarters"]


# ---------------------------------------------------------------------------- the tree
def test_default_tree_is_the_seed_three_dimensions() -> None:
    model = HealthModel()
    assert [n.name for n in model.nodes] == ["business", "relationship", "ecosystem", "overall"]
    assert model.nodes[0].children == ("purchase_stability", "revenue_growth")
    assert model.nodes[1].children == ("interaction_frequency", "satisfaction")
    assert model.nodes[2].children == ("cooperation_breadth",)
    assert model.measures == DEFAULT_MEASURES
    assert model.nodes == DEFAULT_NODES
    assert HealthModel.name == "health_model"  # the registered name is the class's
    assert model.get_config()["scorer"] == "health_model"


def test_default_model_must_be_fitted() -> None:
    with pytest.raises(NotFittedError, match="revenue_growth"):
        HealthModel().score(seed_table([{}]))


def test_weighted_mean_contributions_are_points_times_weight() -> None:
    t = seed_table([{"purchase_stability": 1.0, "satisfaction": 100.0}])
    st_ = FITTED.score(t)
    c = dict(zip(st_.components, st_.contributions[0].tolist(), strict=True))
    # purchase_stability: MinMax(0, 1) -> 10 points x 10 = 100, weight 1/2 * 1/3
    assert c["purchase_stability"] == pytest.approx(100 / 6)
    assert c["satisfaction"] == pytest.approx(100 / 6)
    assert sum(c.values()) == pytest.approx(st_.scores[0])
    dims = FITTED.node_scores(t)
    assert set(dims) == {"business", "relationship", "ecosystem", "overall"}
    mean_dims = (dims["business"] + dims["relationship"] + dims["ecosystem"]) / 3
    assert dims["overall"][0] == pytest.approx(mean_dims[0])
    assert st_.scores[0] == pytest.approx(dims["overall"][0])


def two_measure_model(aggregator: str, **node: Any) -> HealthModel:
    return HealthModel(
        measures=(Measure("a", mapping=MinMax(0, 100)), Measure("b", mapping=MinMax(0, 100))),
        nodes=(Node("overall", ("a", "b"), (1, 3), aggregator=aggregator, **node),),
        rules=(),
    )


def test_worst_of_limiting_child_carries_the_value() -> None:
    model = two_measure_model("min")
    st_ = model.score(FeatureTable.from_columns(["X", "Y"], {"a": [30, 90], "b": [60, 20]}))
    assert st_.scores.tolist() == [30.0, 20.0]
    assert st_.contributions.tolist() == [[30.0, 0.0], [0.0, 20.0]]
    assert st_.coverage.tolist() == [1.0, 1.0]


def test_veto_caps_or_zeroes_and_contributions_still_add_up() -> None:
    t = FeatureTable.from_columns(["X", "Y", "Z"], {"a": [10, 50, 10], "b": [80, 80, 2]})
    zero = two_measure_model("veto", veto_child="a", veto_floor=20, veto_cap=0)
    st_ = zero.score(t)
    assert st_.scores.tolist() == [0.0, pytest.approx(72.5), 0.0]
    assert st_.contributions[0].tolist() == [0.0, 0.0]
    cap = two_measure_model("veto", veto_child="a", veto_floor=20, veto_cap=40)
    st2 = cap.score(t)
    # X: mean 62.5 > 40 -> capped at 40; Z: mean 4 < 40 -> unchanged
    assert st2.scores.tolist() == [40.0, pytest.approx(72.5), pytest.approx(4.0)]
    np.testing.assert_allclose(st2.contributions.sum(axis=1), st2.scores)
    np.testing.assert_allclose(st2.contributions[0], np.array([2.5, 60.0]) * 40 / 62.5)


def test_missing_veto_child_never_vetoes() -> None:
    model = two_measure_model("veto", veto_child="a", veto_floor=20, veto_cap=0)
    st_ = model.score(FeatureTable.from_columns(["X"], {"a": [None], "b": [80]}))
    assert st_.scores.tolist() == [80.0]
    assert st_.coverage.tolist() == [0.75]


# ---------------------------------------------------------------------------- missing data
def policy_model(policy: str, points: float | None = None) -> HealthModel:
    fill: dict[str, Any] = {} if points is None else {"fill_points": points}
    return HealthModel(
        measures=(
            Measure("a", mapping=MinMax(0, 100), missing=policy, **fill),
            Measure("b", mapping=MinMax(0, 100)),
        ),
        nodes=(Node("overall", ("a", "b")),),
        rules=(),
    )


def missing_a() -> FeatureTable:
    return FeatureTable.from_columns(["X", "Y"], {"a": [None, 40], "b": [80, 60]})


@pytest.mark.parametrize(
    ("policy", "points", "expected"),
    [
        ("renormalise", None, 80.0),  # renormalised onto b
        ("fill", None, 65.0),  # (50 + 80) / 2
        ("penalty", None, 40.0),  # (0 + 80) / 2
        ("fill", 70.0, 75.0),
        ("fill", 0.0, 40.0),  # fill with 0 is the penalty
    ],
)
def test_missing_policies(policy: str, points: float | None, expected: float) -> None:
    st_ = policy_model(policy, points).score(missing_a())
    assert st_.score_of("X") == pytest.approx(expected)
    assert st_.score_of("Y") == pytest.approx(50.0)
    assert st_.coverage.tolist() == [0.5, 1.0]
    np.testing.assert_allclose(st_.contributions.sum(axis=1), st_.scores)


def test_raise_policy_names_account_and_measure() -> None:
    with pytest.raises(
        InvalidValueError, match=r"measures\['a'\].*account 'X'.*missing='raise'"
    ) as info:
        policy_model("raise").score(missing_a())
    assert info.value.value == "X"


def test_missing_vocabulary_is_the_kernels() -> None:
    from kamlib.scoring._kernel import MISSING_POLICIES

    for policy in MISSING_POLICIES:
        assert Measure("x", missing=policy).missing == policy
    assert Measure("x").missing == "renormalise"
    assert Measure("x", missing="fill").fill_points == 50.0
    assert Measure("x", missing="penalty").fill_points is None


def test_nothing_observed_scores_zero_with_zero_coverage() -> None:
    st_ = policy_model("renormalise").score(
        FeatureTable.from_columns(["X"], {"a": [None], "b": [None]})
    )
    assert st_.scores.tolist() == [0.0]
    assert st_.coverage.tolist() == [0.0]


# ---------------------------------------------------------------------------- fit
def test_fit_learns_ranges_and_percentiles_and_keeps_fixed() -> None:
    t = population()
    m = FITTED.measures
    assert m[0] == DEFAULT_MEASURES[0]  # fixed 0..1 untouched
    assert m[3] == DEFAULT_MEASURES[3]  # satisfaction fixed 0..100 untouched
    assert m[0].mapping == MinMax(0, 1)
    assert m[3].mapping == MinMax(0, 100)
    growth, freq = m[1].mapping, m[2].mapping
    assert isinstance(freq, MinMax)
    assert freq.lo == float(t.column("interaction_frequency").min())
    assert freq.hi == float(t.column("interaction_frequency").max())
    assert isinstance(growth, Percentile)
    assert growth.knots is not None
    assert len(growth.knots) == 101  # today's 101 quantiles
    assert growth.knots[0] == float(t.column("revenue_growth").min())


def test_fit_learns_only_unset_mappings() -> None:
    """Pinned means pinned: a given range or knots survive fit, even on other data."""
    pinned = HealthModel(
        measures=(
            Measure("a", mapping=MinMax(0, 10)),
            Measure("b", mapping=Percentile([0.0, 1.0, 2.0])),
            Measure("c", mapping=Bands([5], [0, 10])),
            Measure("d", mapping=Piecewise([0, 10], [0, 10])),
            Measure("e"),
        ),
        nodes=(Node("o", ("a", "b", "c", "d", "e")),),
        root="o",
        rules=(),
    )
    t = FeatureTable.from_columns(["X", "Y"], {k: [100.0, 200.0] for k in "abcde"})
    fitted = pinned.fit(t)
    assert fitted.measures[:4] == pinned.measures[:4]
    assert fitted.measures[4].mapping == MinMax(100.0, 200.0)
    assert fitted.fit(FeatureTable.from_columns(["Z"], {k: [-5.0] for k in "abcde"})) == fitted


def test_every_mapping_scales_points_by_ten() -> None:
    x = np.array([0.0, 2.5, 5.0, 10.0, np.nan])
    for mapping in (MinMax(0, 10), Percentile([0.0, 5.0, 10.0]), Bands([5], [2, 8])):
        m = Measure("x", mapping=mapping)
        np.testing.assert_array_equal(m.points(x), mapping.points(x) * POINTS_TO_HEALTH)
    pw = Measure("x", direction="cost", mapping=Piecewise([0, 10], [0, 10]))
    assert pw.points(x).tolist()[:4] == [100.0, 75.0, 50.0, 0.0]
    assert math.isnan(pw.points(x)[4])
    assert POINTS_TO_HEALTH == 10.0


def test_percentile_points_are_ranks() -> None:
    model = HealthModel(
        measures=(Measure("x", mapping=Percentile()),),
        nodes=(Node("o", ("x",)),),
        root="o",
        rules=(),
    )
    t = FeatureTable.from_columns([f"A{i}" for i in range(5)], {"x": [1, 2, 3, 4, 5]})
    st_ = model.fit(t).score(t)
    assert st_.scores.tolist() == pytest.approx([0.0, 25.0, 50.0, 75.0, 100.0])
    # a constant population gives every account the middle of the scale (the mappings' rule)
    ties = FeatureTable.from_columns(["A", "B"], {"x": [3, 3]})
    fitted = model.fit(ties)
    probe = FeatureTable.from_columns(["C", "D", "E"], {"x": [2, 3, 4]})
    assert fitted.score(probe).scores.tolist() == [50.0, 50.0, 50.0]


def test_fit_without_observations_is_an_error() -> None:
    model = HealthModel(measures=(Measure("x"),), nodes=(Node("o", ("x",)),), root="o", rules=())
    with pytest.raises(InvalidValueError, match="no observed value"):
        model.fit(FeatureTable.from_columns(["A"], {"x": [None]}))


def test_score_refuses_missing_columns_and_non_tables() -> None:
    with pytest.raises(MissingFeatureError, match="revenue_growth"):
        FITTED.score(seed_table([{}]).select(["purchase_stability"]))
    with pytest.raises(InvalidTypeError):
        FITTED.score({"a": [1]})  # type: ignore[arg-type]


def test_conformance_kit() -> None:
    check_scorer(HealthModel())
    check_scorer(FITTED, population())


def test_config_round_trip_and_pickle() -> None:
    cfg = FITTED.get_config()
    again = HealthModel.from_config(json.loads(json.dumps(cfg)))
    assert again == FITTED
    assert pickle.loads(pickle.dumps(FITTED)) == FITTED
    t = population()
    np.testing.assert_array_equal(again.score(t).scores, FITTED.score(t).scores)


# ---------------------------------------------------------------------------- bad input
def test_unknown_aggregator() -> None:
    with pytest.raises(InvalidValueError, match=r"Node.aggregator.*'max'"):
        Node("x", ("a",), aggregator="max")


def test_negative_weight() -> None:
    with pytest.raises(InvalidValueError, match=r"Node.weights\[1\].*-1"):
        Node("x", ("a", "b"), (1, -1))


def test_nan_weight_and_threshold() -> None:
    with pytest.raises(InvalidValueError, match=r"Node.weights\[0\].*nan"):
        Node("x", ("a",), (math.nan,))
    with pytest.raises(InvalidValueError, match=r"LightRule.threshold.*nan"):
        LightRule("c", "red", "x", "<", math.nan, "text")


def test_bad_rule_fields() -> None:
    with pytest.raises(InvalidValueError, match=r"LightRule.comparison.*'=>'"):
        LightRule("c", "red", "x", "=>", 1, "text")
    with pytest.raises(InvalidValueError, match=r"LightRule.light.*'green'"):
        LightRule("c", "green", "x", "<", 1, "text")
    with pytest.raises(InvalidValueError, match=r"HealthModel.rules\[1\].code.*'dup'"):
        HealthModel(
            measures=FITTED.measures,
            rules=(
                LightRule("dup", "red", "x", "<", 1, "t"),
                LightRule("dup", "red", "y", "<", 1, "t"),
            ),
        )


@pytest.mark.parametrize(
    ("kwargs", "pattern"),
    [
        ({"direction": "up"}, r"Measure.direction.*'up'"),
        ({"missing": "drop"}, r"Measure.missing.*'drop'"),
        ({"missing": "exclude"}, r"Measure.missing.*'raise', 'renormalise'.*'exclude'"),
        ({"missing": "neutral"}, r"Measure.missing.*'neutral'"),
        ({"missing": "require"}, r"Measure.missing.*'require'"),
        ({"missing": "fill", "fill_points": 120}, r"Measure.fill_points.*120"),
        ({"missing": "fill", "fill_points": math.nan}, r"Measure.fill_points.*nan"),
        ({"missing": "fill", "fill_points": None}, r"Measure.fill_points.*required"),
        ({"fill_points": 10}, r"Measure.fill_points.*only used by missing='fill'"),
        ({"missing": "penalty", "fill_points": 0}, r"Measure.fill_points.*only used"),
        ({"mapping": MinMax(0, 1, clip=False)}, r"Measure.mapping.*must clip"),
    ],
)
def test_bad_measures(kwargs: dict[str, Any], pattern: str) -> None:
    with pytest.raises(InvalidValueError, match=pattern):
        Measure("x", **kwargs)


@pytest.mark.parametrize(
    ("kwargs", "pattern"),
    [
        ({"mapping": "minmax"}, r"Measure.mapping.*'minmax'"),
        ({"mapping": {"kind": "min_max"}}, r"Measure.mapping"),
        ({"scaling": "fixed"}, r"scaling"),  # the old fields are gone
        ({"low": 0, "high": 1}, r"low"),
        ({"missing_points": 50}, r"missing_points"),
    ],
)
def test_measure_fields_are_typed(kwargs: dict[str, Any], pattern: str) -> None:
    with pytest.raises((InvalidTypeError, TypeError), match=pattern):
        Measure("x", **kwargs)


def test_bad_trees() -> None:
    a, b = Measure("a", mapping=MinMax(0, 1)), Measure("b", mapping=MinMax(0, 1))
    with pytest.raises(InvalidValueError, match=r"children\[1\].*'c'"):
        HealthModel(measures=(a, b), nodes=(Node("o", ("a", "c")),), root="o", rules=())
    with pytest.raises(InvalidValueError, match="already has parent"):
        HealthModel(
            measures=(a, b),
            nodes=(Node("o", ("a", "b", "n")), Node("n", ("a",))),
            root="o",
            rules=(),
        )
    with pytest.raises(InvalidValueError, match=r"measures\[1\].name.*'b'"):
        HealthModel(measures=(a, b), nodes=(Node("o", ("a",)),), root="o", rules=())
    with pytest.raises(InvalidValueError, match=r"HealthModel.root.*'top'"):
        HealthModel(measures=(a,), nodes=(Node("o", ("a",)),), root="top", rules=())
    with pytest.raises(InvalidValueError, match="not reachable"):
        HealthModel(
            measures=(a, b),
            nodes=(Node("o", ("a",)), Node("p", ("b", "q")), Node("q", ("p",))),
            root="o",
            rules=(),
        )
    with pytest.raises(InvalidValueError, match="is not unique"):
        HealthModel(measures=(a, a), nodes=(Node("o", ("a",)),), root="o", rules=())
    with pytest.raises(InvalidTypeError, match=r"HealthModel.measures\[0\]"):
        HealthModel(measures=("a",), nodes=(Node("o", ("a",)),), root="o", rules=())


def test_veto_needs_a_child() -> None:
    with pytest.raises(InvalidValueError, match=r"Node.veto_child.*'z'"):
        Node("n", ("a", "b"), aggregator="veto", veto_child="z")
    with pytest.raises(InvalidValueError, match=r"Node.veto_child.*only used"):
        Node("n", ("a", "b"), veto_child="a")


def test_from_config_validates_untrusted_input() -> None:
    cfg = FITTED.get_config()
    with pytest.raises(InvalidTypeError, match="HealthModel"):
        HealthModel.from_config([])  # type: ignore[arg-type]
    with pytest.raises(InvalidValueError, match=r"HealthModel\.version.*3"):
        HealthModel.from_config({**cfg, "version": 3})
    with pytest.raises(InvalidValueError, match=r"HealthModel\.extra: is not a field"):
        HealthModel.from_config({**cfg, "extra": 1})
    with pytest.raises(InvalidValueError, match=r"HealthModel\.scorer.*'other'"):
        HealthModel.from_config({**cfg, "scorer": "other"})
    bad = json.loads(json.dumps(cfg))
    bad["measures"][0]["mapping"]["lo"] = "zero"
    with pytest.raises(InvalidTypeError, match=r"HealthModel\.measures\[0\].mapping.*lo.*'zero'"):
        HealthModel.from_config(bad)
    bad = json.loads(json.dumps(cfg))
    bad["measures"][1]["mapping"] = {"kind": "cubic"}
    with pytest.raises(
        InvalidValueError, match=r"HealthModel\.measures\[1\].mapping.kind.*'cubic'"
    ):
        HealthModel.from_config(bad)
    bad = json.loads(json.dumps(cfg))
    bad["measures"][1]["missing"] = "exclude"  # the old vocabulary is refused
    with pytest.raises(InvalidValueError, match=r"HealthModel\.measures\[1\].missing.*'exclude'"):
        HealthModel.from_config(bad)
    bad = json.loads(json.dumps(cfg))
    del bad["rules"][0]["threshold"]
    with pytest.raises(InvalidValueError, match=r"HealthModel\.rules\[0\]\.threshold: is required"):
        HealthModel.from_config(bad)
    bad = json.loads(json.dumps(cfg))
    bad["nodes"][3]["children"] = ["business", "nowhere"]
    with pytest.raises(InvalidValueError, match=r"children\[1\].*'nowhere'"):
        HealthModel.from_config(bad)
    with pytest.raises(InvalidTypeError, match=r"HealthModel\.rules"):
        HealthModel.from_config({**cfg, "rules": "x"})


def test_decline_rule_bad_input() -> None:
    with pytest.raises(InvalidValueError, match="drop"):
        revenue_decline_rule(drop=-0.1)
    with pytest.raises(InvalidTypeError, match="drop"):
        revenue_decline_rule(drop="15%")  # type: ignore[arg-type]


# ---------------------------------------------------------------------------- properties
AGGREGATORS = ["mean", "min", "veto"]
values = st.floats(-1e6, 1e6, allow_nan=False)


@st.composite
def scored_cases(draw: st.DrawFn) -> tuple[HealthModel, FeatureTable]:
    """A 3-measure, 2-level model with random scalings/policies and a table with gaps."""
    n = draw(st.integers(1, 12))
    measures = []
    for name in ("a", "b", "c"):
        kind = draw(st.sampled_from(["minmax", "percentile", "fixed", "bands", "piecewise"]))
        lo = draw(st.floats(-100, 100))
        hi = lo + draw(st.floats(0.5, 100))
        mapping: MinMax | Percentile | Bands | Piecewise
        if kind == "minmax":
            mapping = MinMax()
        elif kind == "percentile":
            mapping = Percentile()
        elif kind == "fixed":
            mapping = MinMax(lo, hi)
        elif kind == "bands":
            mapping = Bands([lo, hi], [0, draw(st.floats(0, 10)), 10])
        else:
            mapping = Piecewise([lo, hi], [draw(st.floats(0, 5)), draw(st.floats(5, 10))])
        policy = draw(st.sampled_from(["renormalise", "fill", "penalty"]))
        fill: dict[str, Any] = {"fill_points": draw(st.floats(0, 100))} if policy == "fill" else {}
        measures.append(
            Measure(
                name,
                mapping=mapping,
                direction=draw(st.sampled_from(["benefit", "cost"])),
                missing=policy,
                **fill,
            )
        )
    agg = draw(st.sampled_from(AGGREGATORS))
    inner = Node(
        "inner",
        ("a", "b"),
        draw(st.tuples(st.floats(0.1, 5), st.floats(0.1, 5))),
        aggregator=agg,
        veto_child="a" if agg == "veto" else None,
        veto_floor=draw(st.floats(0, 100)),
        veto_cap=draw(st.floats(0, 100)),
    )
    root = Node("overall", ("inner", "c"), draw(st.tuples(st.floats(0.1, 5), st.floats(0.1, 5))))
    model = HealthModel(measures=tuple(measures), nodes=(inner, root), rules=())
    cols = {k: draw(st.lists(values, min_size=n, max_size=n)) for k in "abc"}
    miss = {k: np.array(draw(st.lists(st.booleans(), min_size=n, max_size=n))) for k in "abc"}
    # fit on the observed values of a separate, gap-free sample
    fit_cols = {k: draw(st.lists(values, min_size=1, max_size=8)) for k in "abc"}
    m = min(len(v) for v in fit_cols.values())
    fit_table = FeatureTable.from_columns(
        [f"F{i}" for i in range(m)], {k: v[:m] for k, v in fit_cols.items()}
    )
    table = FeatureTable.from_columns([f"A{i}" for i in range(n)], cols, missing=miss)
    return model.fit(fit_table), table


@given(scored_cases())
def test_bounds_additivity_coverage(case: tuple[HealthModel, FeatureTable]) -> None:
    model, table = case
    st_ = model.score(table)
    assert ((st_.scores >= 0.0) & (st_.scores <= 100.0)).all()
    np.testing.assert_allclose(st_.contributions.sum(axis=1), st_.scores, rtol=1e-9, atol=1e-9)
    assert ((st_.coverage >= 0.0) & (st_.coverage <= 1.0)).all()
    assert np.isfinite(st_.contributions).all()


@given(scored_cases(), st.randoms(use_true_random=False))
def test_permutation_and_partition_invariance(
    case: tuple[HealthModel, FeatureTable], rnd: Any
) -> None:
    model, table = case
    whole = model.score(table)
    perm = list(range(len(table)))
    rnd.shuffle(perm)
    np.testing.assert_allclose(model.score(table.take(perm)).scores, whole.scores[perm], rtol=1e-12)
    cut = rnd.randint(0, len(table))
    parts = [p for p in (list(range(cut)), list(range(cut, len(table)))) if p]
    stacked = np.concatenate([model.score(table.take(p)).scores for p in parts])
    np.testing.assert_allclose(stacked, whole.scores, rtol=1e-12, atol=1e-12)


@given(scored_cases(), st.sampled_from("abc"), st.floats(0, 1e6))
@example(
    case=(
        two_measure_model("veto", veto_child="a", veto_floor=50, veto_cap=10),
        FeatureTable.from_columns(["X"], {"a": [49.0], "b": [100.0]}),
    ),
    column="a",
    bump=2.0,
)
def test_monotone_in_benefit_measures(
    case: tuple[HealthModel, FeatureTable], column: str, bump: float
) -> None:
    model, table = case
    if column not in table:
        column = table.names[0]
    meas = next(m for m in model.measures if m.feature == column)
    before = model.score(table).scores
    raised = table.with_columns(
        {column: table.column(column) + bump}, missing={column: table.is_missing(column).copy()}
    )
    after = model.score(raised).scores
    tol = 1e-9
    if meas.direction == "benefit":
        assert (after >= before - tol).all()
    else:
        assert (after <= before + tol).all()


@given(
    st.lists(st.floats(0, 100), min_size=1, max_size=10),
    st.lists(st.booleans(), min_size=10, max_size=10),
)
def test_lights_rank_by_severity(sat: list[float], late: list[bool]) -> None:
    n = len(sat)
    t = seed_table(
        [
            {"satisfaction": s, "risk_late_delivery": float(x)}
            for s, x in zip(sat, late, strict=False)
        ]
    )
    labels = FITTED.score(t).labels
    assert labels is not None
    for i in range(n):
        want = "yellow" if sat[i] < 70 else ("green_watch" if late[i] else "green")
        assert labels[i] == want


finite = st.floats(min_value=-1e15, max_value=1e15)  # MAX_MAGNITUDE: what tables accept


@given(
    st.lists(finite, min_size=2, max_size=6),
    st.lists(finite, min_size=1, max_size=20),
    st.sampled_from(["minmax", "percentile"]),
)
@example(knots=[0.0, 5e-324], xs=[5e-324, 0.0, 1e-320], scaling="minmax")
@example(knots=[0.0, 5e-324], xs=[-1e15, 0.0, 1e15], scaling="minmax")  # quotient overflows
@example(knots=[-1e15, 1e15], xs=[1e15, -1e15, 0.0], scaling="percentile")
@example(knots=[2.76e14, -1e15], xs=[0.0], scaling="minmax")
def test_points_bounded_and_monotone_for_any_finite_floats(
    knots: list[float], xs: list[float], scaling: str
) -> None:
    """The widest accepted ranges and sub-normal gaps give bounded, monotone points."""
    arr = np.array(knots)
    mapping = MinMax() if scaling == "minmax" else Percentile()
    measure = Measure("x", mapping=mapping).fitted(arr)
    x = np.sort(np.array(xs))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        p = measure.points(x)
    assert ((p >= 0.0) & (p <= 100.0)).all()
    assert (np.diff(p) >= -1e-9).all()


def test_explanation_says_which_measures_are_missing() -> None:
    model = HealthModel(
        measures=(
            Measure("satisfaction", mapping=MinMax(0, 100)),
            Measure("nps", mapping=MinMax(-100, 100)),
            Measure("breadth", mapping=MinMax(0, 10), missing="fill"),
        ),
        nodes=(Node("overall", ("satisfaction", "nps", "breadth")),),
        rules=(),
    )
    t = FeatureTable.from_columns(
        ["A", "B"], {"satisfaction": [80, 0], "nps": [None, 0], "breadth": [None, 0]}
    )
    res = model.score(t)
    e = res.explain("A")
    assert e.missing == ("nps", "breadth")
    text = str(e)
    assert re.search(r"^  nps +missing ", text, re.M)  # renormalised: no bare 0
    assert "(missing, filled)" in text  # fill: filled with points
    assert res.explain("B").missing == ()
    assert re.search(r"^  satisfaction +0 ", str(res.explain("B")), re.M)  # a real zero


def test_node_weights_stop_at_max_magnitude() -> None:
    assert Node("n", ("a", "b"), (1e15, 1e15)).shares == (0.5, 0.5)
    with pytest.raises(InvalidValueError, match=r"Node\.weights\[0\].*1e\+15"):
        Node("n", ("a", "b"), (1e308, 1e308))
    with pytest.raises(InvalidValueError, match=r"Node\.weights\[1\].*too large"):
        Node("n", ("a", "b"), (1, 10**400))


def test_percentile_points_between_sub_normal_knots_are_finite() -> None:
    """np.interp's slope overflowed between knots ~1e-310 apart and gave inf."""
    m = Measure("x", mapping=Percentile()).fitted(np.array([0.0, 1e-310]))
    p = m.points(np.array([0.0, 5e-313, 1e-310]))
    assert np.isfinite(p).all()
    assert (np.diff(p) >= 0).all()


@pytest.mark.parametrize("holes", [False, True])
def test_blocked_kernel_keeps_the_bits_of_the_tree_walk(holes: bool) -> None:
    """A tree of means is scored block by block with no (n, m) matrix of points: the
    whole-column walk (node_scores) gives the same bits; the lazy contributions add up
    to the score left to right from 0.0, survive take and pickle."""
    rng = np.random.default_rng(5)
    n = 70_000  # more than one block of the blocked sum
    cols = {
        "purchase_stability": rng.uniform(-0.1, 1.1, n),  # outside MinMax(0, 1): clipped
        "revenue_growth": rng.lognormal(0, 1, n),
        "interaction_frequency": rng.uniform(0, 8, n),
        "satisfaction": rng.uniform(30, 100, n),
        "cooperation_breadth": rng.integers(0, 8, n).astype(float),
    }
    missing = {"revenue_growth": rng.random(n) < 0.2} if holes else None
    t = FeatureTable.from_columns([f"A{i}" for i in range(n)], cols, missing=missing)
    model = HealthModel(rules=()).fit(t)
    res = model.score(t)
    assert np.array_equal(model.node_scores(t)["overall"], res.scores)
    C = res.contributions
    assert C.shape == (n, 5)
    total = np.zeros(n)
    for j in range(C.shape[1]):
        total += C[:, j]
    assert np.array_equal(np.clip(total, 0.0, 100.0), res.scores)
    rows = np.array([n - 1, 3, 65_537])
    assert np.array_equal(res.take(rows).contributions, C[rows])
    assert np.array_equal(pickle.loads(pickle.dumps(res)).contributions, C)


# ---------------------------------------------------------------------------- score bands
BANDED = HealthModel().fit(population())


def test_lights_agree_with_scores_under_the_default_bands() -> None:
    """kamlib's default bands (red < 30 <= yellow < 45 <= green): no green account scores
    below 45 and no account without an event is red above 30; the reason says which."""
    t = population()
    res = BANDED.score(t)
    assert res.labels is not None
    green = res.labels == "green"
    assert (res.scores[green] >= 45.0).all()
    assert res.reason_flags is not None
    banded_red = res.reason_flags[:, res.reason_codes.index("score_band_red")]
    assert np.array_equal(banded_red, res.scores < 30.0)
    for i in np.flatnonzero(res.labels == "red")[:20]:
        reasons = res.reasons_of(str(res.ids[i]))
        assert "score_band_red" in reasons or set(reasons) & {
            "key_decision_maker_left",
            "budget_frozen",
            "competitor_entered",
        }
    assert "kamlib's score bands" in res.reason_texts["score_band_yellow"]


def test_the_most_severe_of_event_and_band_wins() -> None:
    low = {"satisfaction": 0.0, "purchase_stability": 0.0, "interaction_frequency": 0.0}
    t = seed_table([{**low}, {"risk_budget_frozen": 1.0}, {}])
    res = BANDED.score(t)
    assert res.labels is not None
    assert res.label_of("A0") == "red"
    assert "score_band_red" in res.reasons_of("A0")
    assert res.label_of("A1") == "red"  # event red, whatever the score
    assert "budget_frozen" in res.reasons_of("A1")


def test_bands_hold_with_the_previous_result_and_rescue_fires() -> None:
    model = HealthModel(
        measures=(Measure("x", mapping=MinMax(0, 100)),),
        nodes=(Node("overall", ("x",)),),
        rules=(),
        rescue_drop=0.2,
    )
    before = model.score(FeatureTable.from_columns(["A", "B", "C"], {"x": [32, 44, 90]}))
    assert before.labels is not None
    assert before.labels.tolist() == ["yellow", "yellow", "green"]
    now = FeatureTable.from_columns(["C", "A", "B", "D"], {"x": [41, 27, 44, 28]})
    first = model.score(now)
    held = model.score(now, previous=before)
    assert first.labels is not None
    assert held.labels is not None
    # without history 41 and 44 are yellow, 27 and 28 red; with it C stays green (40 to
    # leave), A stays yellow (25 to turn red), B stays yellow, D (new) is red
    assert first.labels.tolist() == ["yellow", "red", "yellow", "red"]
    assert held.labels.tolist() == ["red", "yellow", "yellow", "red"]
    assert held.reasons_of("C") == ("rescue",)  # 90 -> 41 is a fall of 54% [003]
    assert "[003]" in held.reason_texts["rescue"]
    assert np.array_equal(held.scores, first.scores)  # lights move, scores never do
    with pytest.raises(InvalidValueError, match="previous"):
        model.score(now, previous=WeightedPoints([Criterion("x")]).fit(now).score(now))


def test_bands_are_validated_and_versioned() -> None:
    with pytest.raises(InvalidValueError, match=r"HealthModel\.bands\.labels\[0\]"):
        HealthModel(bands=HysteresisBands(("bad", "green"), enter=(50,), exit=(40,)))
    with pytest.raises(InvalidValueError, match="most severe"):
        HealthModel(bands=HysteresisBands(("green", "red"), enter=(50,), exit=(40,)))
    with pytest.raises(InvalidValueError, match="score band"):
        HealthModel(rules=(LightRule("score_band_red", "red", "satisfaction", "<", 10, "x"),))
    cfg = BANDED.get_config()
    assert cfg["version"] == 2
    assert HealthModel.from_config(cfg) == BANDED
    old = {k: v for k, v in cfg.items() if k not in ("bands", "rescue_drop", "rescue_light")}
    old["version"] = 1  # a pinned config from before the bands: scores as it did then
    assert HealthModel.from_config(old).bands is None


def test_band_and_rescue_parameters_refuse_bad_input_with_their_field() -> None:
    with pytest.raises(InvalidValueError, match=r"HealthModel\.rescue_drop.*1\.5"):
        HealthModel(rescue_drop=1.5)
    with pytest.raises(InvalidValueError, match=r"HealthModel\.rescue_light.*'purple'"):
        HealthModel(rescue_light="purple")
    with pytest.raises(InvalidTypeError, match=r"HealthModel\.bands"):
        HealthModel(bands=(40, 60))  # type: ignore[arg-type]
    t = FeatureTable.from_columns(["A"], {"x": [50.0]})
    m = HealthModel(measures=(Measure("x", mapping=MinMax(0, 100)),),
                    nodes=(Node("overall", ("x",)),), rules=())  # fmt: skip
    with pytest.raises(InvalidTypeError, match=r"HealthModel\.score\.previous"):
        m.score(t, previous={"A": 40.0})  # type: ignore[arg-type]
    with pytest.raises(InvalidValueError, match=r"HealthModel\.score\.previous.*score bands"):
        m.score(t, previous=HealthModel(measures=m.measures, nodes=m.nodes, rules=(),
                                        bands=None).score(t))  # fmt: skip
