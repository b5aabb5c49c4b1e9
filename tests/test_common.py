"""Every built-in scorer in the default registry passes the conformance kit.

New built-ins are covered automatically: the test iterates over the registry names and
constructs each with its defaults.
"""

from __future__ import annotations

import pytest

from kamlib.scoring import default_registry
from kamlib.testing._check import CHECKS, check_scorer

NAMES = default_registry.names()


def test_registry_is_not_empty() -> None:
    assert {"empirical_estimate", "value_matrix", "weighted_points"} <= set(NAMES)
    assert len(CHECKS) >= 12


@pytest.mark.parametrize("name", NAMES)
def test_builtin_scorer_conforms(name: str) -> None:
    scorer = default_registry.get(name)
    assert scorer.name
    check_scorer(scorer)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("seed", [1, 2])
def test_builtin_scorer_conforms_on_other_data(name: str, seed: int) -> None:
    check_scorer(default_registry.get(name), seed=seed)


def test_check_scorer_reports_the_failed_check() -> None:
    from kamlib.scoring import ValueMatrix

    with pytest.raises(AssertionError, match=r"check_scorer\[arguments\]"):
        check_scorer(ValueMatrix(), skip=["no_such_check"])


# --8<-- [start:custom]
from collections.abc import Mapping  # noqa: E402
from typing import Any, ClassVar  # noqa: E402

import attrs  # noqa: E402
import numpy as np  # noqa: E402

from kamlib import FeatureTable  # noqa: E402
from kamlib.errors import InvalidValueError, NotFittedError  # noqa: E402
from kamlib.scoring import ScoreTable, require_columns  # noqa: E402


@attrs.frozen
class ProfitPerRevenue:
    """Margin score: ``profit / revenue`` relative to a fitted population median."""

    name: ClassVar[str] = "profit_per_revenue"
    median: float | None = None  # the learned parameter; pass it to pin it

    @property
    def is_fitted(self) -> bool:
        return self.median is not None

    @property
    def required_features(self) -> tuple[str, ...]:
        return ("profit", "revenue")

    def _margin(self, table: FeatureTable) -> np.ndarray[Any, np.dtype[np.float64]]:
        require_columns(table, self.required_features, self.name)
        X, M = table.matrix(list(self.required_features))
        if M is not None:  # policy: refuse missing values with a typed error
            raise InvalidValueError(f"{self.name}.table", "missing", "must be complete")
        if (X[:, 1] <= 0).any():
            raise InvalidValueError(f"{self.name}.table", "revenue", "must be positive")
        out: np.ndarray[Any, np.dtype[np.float64]] = X[:, 0] / X[:, 1]
        return out

    def fit(self, table: FeatureTable) -> ProfitPerRevenue:
        return attrs.evolve(self, median=float(np.median(self._margin(table))))

    def score(self, table: FeatureTable) -> ScoreTable:
        if self.median is None:
            raise NotFittedError(f"{self.name}.median", None, "call fit() first")
        m = self._margin(table)
        return ScoreTable(
            scorer=self.name,
            config=self.get_config(),
            ids=table.ids,
            scores=m - self.median,
            components=("margin", "median"),
            contributions=np.column_stack([m, np.full(m.shape, -self.median)]),
            coverage=np.ones(len(table)),
        )

    def get_config(self) -> dict[str, Any]:
        return {"median": self.median}

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> ProfitPerRevenue:
        median = config.get("median")
        if median is not None and not isinstance(median, int | float):
            raise InvalidValueError("ProfitPerRevenue.median", median, "must be a number")
        return cls(median=None if median is None else float(median))


def test_custom_scorer_passes_the_kit() -> None:
    from kamlib.scoring import ScorerRegistry
    from kamlib.testing._check import synthetic_table

    # revenue is positive in the synthetic table; profit may be negative
    check_scorer(ProfitPerRevenue())
    check_scorer(ProfitPerRevenue(median=0.1), synthetic_table(["profit", "revenue"], seed=3))
    reg = ScorerRegistry()
    reg.register("profit_per_revenue", ProfitPerRevenue)
    assert reg.get("profit_per_revenue").name == "profit_per_revenue"


# --8<-- [end:custom]


@attrs.frozen
class _NotAdditive(ProfitPerRevenue):
    def score(self, table: FeatureTable) -> ScoreTable:
        st = super().score(table)
        return attrs.evolve(st, contributions=st.contributions * 2)


@attrs.frozen
class _OrderDependent(ProfitPerRevenue):
    def score(self, table: FeatureTable) -> ScoreTable:
        st = super().score(table)
        bumped = st.scores + np.arange(len(table)) * 1e-3
        return ScoreTable(
            scorer=self.name,
            config=self.get_config(),
            ids=table.ids,
            scores=bumped,
            components=("all",),
            contributions=bumped[:, None],
            coverage=np.ones(len(table)),
        )


@pytest.mark.parametrize(
    ("scorer", "check"),
    [(_NotAdditive(), "contributions_add_up"), (_OrderDependent(), "permutation_invariance")],
)
def test_check_scorer_catches_broken_scorers(scorer: ProfitPerRevenue, check: str) -> None:
    with pytest.raises(AssertionError, match=rf"check_scorer\[{check}\]"):
        check_scorer(scorer)


# ---------------------------------------------------------------- gappy data (review #4)
# Built-ins configured to accept missing values, and the columns each one never accepts
# missing (ValueMatrix has no missing-value rule for the contribution axis).
_GAPPY: dict[str, tuple[dict[str, Any], tuple[str, ...]]] = {
    "value_matrix": ({"missing": "renormalise"}, ("profit",)),
    "weighted_points": ({"threshold": 4.0}, ()),
    "health": ({}, ()),
    "empirical_estimate": ({}, ()),
}


def _gappy_table(scorer: Any, protect: tuple[str, ...], seed: int) -> FeatureTable:
    """The synthetic table with 20 % of its float cells declared missing.

    Every row keeps at least one observed required feature (a row with none is refused by
    design, which is not what this test is about).
    """
    from kamlib.testing._check import synthetic_table

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


def test_every_builtin_is_covered_by_the_gappy_test() -> None:
    assert set(NAMES) == set(_GAPPY)


@pytest.mark.parametrize("name", sorted(_GAPPY))
@pytest.mark.parametrize("seed", [0, 1])
def test_builtin_conforms_with_declared_missing_values(name: str, seed: int) -> None:
    options, protect = _GAPPY[name]
    scorer = default_registry.get(name, **options)
    table = _gappy_table(scorer, protect, seed)
    assert table.missing is not None
    assert table.missing.mean() > 0.1
    check_scorer(scorer, table, seed=seed)


def test_single_equals_batch_catches_a_threshold_tie() -> None:
    """The reviewer's account: exact score 4.0 = threshold, alone and with an out-of-range row."""
    from kamlib.scoring import Criterion, MinMax, WeightedPoints

    crit = [
        Criterion("c0", 7, mapping=MinMax(2, 7)),
        Criterion("c1", 6, mapping=MinMax(2, 6)),
        Criterion("c2", 9, mapping=MinMax(0, 5)),
    ]
    t = FeatureTable.from_columns(
        ["A", "B", "C"], {"c0": [7.0, 3.0, 4.0], "c1": [2.0, 5.0, 6.0], "c2": [1.0, 2.0, 3.0]}
    )
    check_scorer(WeightedPoints(crit, threshold=4.0), t)
