"""The conformance kit itself: it catches what it promises to catch, and reports it all.

Each broken scorer below differs from a conforming one by one ulp somewhere (the kind of
difference an rtol of 1e-9 let through): the bitwise checks must name it.
"""

from __future__ import annotations

import pickle
import subprocess
import sys
from collections.abc import Mapping
from typing import Any, ClassVar, Self

import attrs
import numpy as np
import pytest

from kamlib import FeatureTable
from kamlib.errors import InvalidTypeError, InvalidValueError, KamlibError, NotFittedError
from kamlib.scoring import Scorer, ScoreTable, ValueMatrix, require_columns
from kamlib.testing import (
    CHECKS,
    ConformanceError,
    ScorerCheck,
    assert_scores_close,
    assert_scores_equal,
    check_scorer,
    parametrize_with_checks,
    run_check,
    synthetic_table,
)

FloatArray = np.ndarray[Any, np.dtype[np.float64]]


@attrs.frozen
class Centred:
    """``satisfaction - centre + nps / 10``; missing values count 0 (coverage says so)."""

    name: ClassVar[str] = "centred"
    centre: float | None = None

    @property
    def is_fitted(self) -> bool:
        return self.centre is not None

    @property
    def required_features(self) -> tuple[str, ...]:
        return ("satisfaction", "nps")

    def fit(self, table: FeatureTable) -> Self:
        if self.centre is not None:  # pinned means pinned
            return self
        return attrs.evolve(self, centre=self._learn(table))

    def _learn(self, table: FeatureTable) -> float:
        require_columns(table, self.required_features, self.name)
        sat = table.column("satisfaction")[~table.is_missing("satisfaction")]
        if not sat.size:
            raise InvalidValueError("centred.fit", 0, "needs an observed satisfaction")
        return float(np.median(sat))

    def _bump(self, scores: FloatArray, table: FeatureTable) -> FloatArray:
        return scores  # the broken variants below move some scores by one ulp

    def score(self, table: FeatureTable) -> ScoreTable:
        if self.centre is None:
            raise NotFittedError("centred.centre", None, "call fit() first")
        require_columns(table, self.required_features, self.name)
        X, M = table.matrix(list(self.required_features))
        seen = np.ones(X.shape, dtype=np.bool_) if M is None else ~M
        a = np.where(seen[:, 0], X[:, 0] - self.centre, 0.0)
        b = np.where(seen[:, 1], X[:, 1] / 10.0, 0.0)
        return ScoreTable(
            scorer=self.name,
            config=self.get_config(),
            ids=table.ids,
            scores=self._bump(a + b, table),
            components=("satisfaction", "nps"),
            contributions=np.column_stack([a, b]),
            coverage=seen.mean(axis=1),
            component_missing=None if M is None else M.copy(),
        )

    def get_config(self) -> dict[str, Any]:
        return {"centre": self.centre}

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Self:
        return cls(centre=config.get("centre"))


def _ulp_up(x: FloatArray) -> FloatArray:
    out: FloatArray = np.nextafter(x, np.inf)
    return out


@attrs.frozen
class BatchSizeDependent(Centred):
    def _bump(self, scores: FloatArray, table: FeatureTable) -> FloatArray:
        return _ulp_up(scores) if len(table) > 1 else scores


@attrs.frozen
class PositionDependent(Centred):
    def _bump(self, scores: FloatArray, table: FeatureTable) -> FloatArray:
        return np.where(np.arange(len(table)) % 2 == 1, _ulp_up(scores), scores)


@attrs.frozen
class MissingElsewhereDependent(Centred):
    def _bump(self, scores: FloatArray, table: FeatureTable) -> FloatArray:
        return scores if table.missing is None else _ulp_up(scores)


_NOISE = np.random.default_rng()


@attrs.frozen
class Nondeterministic(Centred):
    def _bump(self, scores: FloatArray, table: FeatureTable) -> FloatArray:
        return np.where(_NOISE.random(len(scores)) < 0.5, _ulp_up(scores), scores)


@attrs.frozen
class OverwritesPins(Centred):
    def fit(self, table: FeatureTable) -> Self:
        return attrs.evolve(self, centre=self._learn(table))  # ignores a pinned centre


@attrs.frozen
class NotAdditive(Centred):
    def score(self, table: FeatureTable) -> ScoreTable:
        st = super().score(table)
        return attrs.evolve(st, contributions=st.contributions * 2)


@attrs.frozen
class RefusesOutOfRange(Centred):
    """Refuses satisfaction outside 0..100 with a typed error (a legitimate policy)."""

    def score(self, table: FeatureTable) -> ScoreTable:
        sat = table.column("satisfaction")[~table.is_missing("satisfaction")]
        if ((sat < 0) | (sat > 100)).any():
            raise InvalidValueError("centred.satisfaction", sat.max(), "must lie in [0, 100]")
        return super().score(table)


def _failures(scorer: Any) -> dict[str, str]:
    with pytest.raises(ConformanceError) as info:
        check_scorer(scorer)
    return info.value.failures


def test_a_conforming_scorer_passes_every_check() -> None:
    check_scorer(Centred())
    check_scorer(Centred(centre=50.0))
    check_scorer(RefusesOutOfRange())  # out-of-range kit rows are dropped, not failures


@pytest.mark.parametrize(
    ("scorer", "expected"),
    [
        (BatchSizeDependent(), {"check_single_equals_batch", "check_partition_invariance"}),
        (
            PositionDependent(),
            {
                "check_permutation_invariance",
                "check_partition_invariance",
                "check_single_equals_batch",
                "check_identical_accounts",
            },
        ),
        (MissingElsewhereDependent(), {"check_missing_elsewhere", "check_non_finite_input"}),
        (Nondeterministic(), {"check_determinism"}),
        (OverwritesPins(centre=50.0), {"check_fit_keeps_pinned"}),
        (NotAdditive(), {"check_contributions_add_up"}),
    ],
    ids=lambda v: type(v).__name__ if not isinstance(v, set) else "",
)
def test_one_ulp_is_caught_by_the_right_checks(scorer: Any, expected: set[str]) -> None:
    failures = _failures(scorer)
    assert expected <= set(failures), failures


def test_the_detail_names_the_account_the_field_and_the_ulps() -> None:
    detail = _failures(BatchSizeDependent())["check_single_equals_batch"]
    assert "scores differ in 1 of 1 rows" in detail
    assert "(1 ulp apart)" in detail


def test_every_failed_check_is_reported_in_one_assertion_error() -> None:
    with pytest.raises(AssertionError) as info:
        check_scorer(PositionDependent())
    err = info.value
    assert isinstance(err, ConformanceError)
    assert isinstance(err, KamlibError)
    text = str(err)
    assert text.startswith(f"PositionDependent failed {len(err.failures)} of {len(CHECKS)}")
    for name in err.failures:
        assert f"check_scorer[{name}] failed: " in text
    again = pickle.loads(pickle.dumps(err))
    assert again.failures == err.failures
    assert str(again) == text


def test_an_unpinned_scorer_may_relearn_but_not_a_pinned_one() -> None:
    check_scorer(OverwritesPins())  # nothing pinned: relearning on other data is fine
    detail = _failures(OverwritesPins(centre=50.0))["check_fit_keeps_pinned"]
    assert "'centre' from 50.0" in detail


def test_expected_failures_are_not_reported_but_must_fail() -> None:
    known = {name: "known: one ulp per batch" for name in _failures(BatchSizeDependent())}
    check_scorer(BatchSizeDependent(), expected_failed_checks=known)
    with pytest.raises(ConformanceError, match=r"expected to fail \(fixed\?\) but passed"):
        check_scorer(Centred(), expected_failed_checks={"check_determinism": "fixed?"})


def test_skip_takes_names_or_reasons_with_or_without_the_prefix() -> None:
    failing = sorted(_failures(BatchSizeDependent()))
    check_scorer(BatchSizeDependent(), skip=[n.removeprefix("check_") for n in failing])
    check_scorer(BatchSizeDependent(), skip=dict.fromkeys(failing, "batch kernel"))
    with pytest.raises(InvalidValueError, match=r"check_scorer\.skip"):
        check_scorer(Centred(), skip=["no_such_check"])
    with pytest.raises(InvalidValueError, match="non-empty reason"):
        check_scorer(Centred(), skip={"check_determinism": " "})
    with pytest.raises(InvalidTypeError, match="mapping"):
        check_scorer(Centred(), expected_failed_checks=["check_determinism"])  # type: ignore[arg-type]


def test_setup_failures_stop_the_run() -> None:
    with pytest.raises(ConformanceError, match=r"check_scorer\[fit\] failed: fit\(\) raised"):
        check_scorer(Centred(), FeatureTable.from_columns(["a"], {"x": [1.0]}))


def test_run_check_runs_one_named_check() -> None:
    run_check(PositionDependent(), "check_determinism")
    run_check(PositionDependent(), "determinism")
    with pytest.raises(ConformanceError) as info:
        run_check(PositionDependent(), "check_permutation_invariance")
    assert list(info.value.failures) == ["check_permutation_invariance"]
    assert str(info.value).startswith("check_scorer[check_permutation_invariance] failed: ")
    with pytest.raises(InvalidValueError, match="must name a check"):
        run_check(Centred(), "no_such_check")


def test_checks_are_named_and_described() -> None:
    names = [c.name for c in CHECKS]
    assert len(set(names)) == len(names)
    assert all(n.startswith("check_") for n in names)
    assert {"check_missing_elsewhere", "check_identical_accounts", "check_fit_keeps_pinned"} <= set(
        names
    )
    assert all(c.summary.endswith(".") for c in CHECKS)


def test_non_finite_input_demands_invalid_value_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """A table that refuses NaN with another (even typed) error class fails the check."""
    original = FeatureTable.from_columns

    def wrong_error(cls: type[FeatureTable], *args: Any, **kwargs: Any) -> FeatureTable:
        try:
            return original(*args, **kwargs)
        except InvalidValueError as exc:
            if "finite" not in exc.reason:
                raise
            raise InvalidTypeError(exc.path, exc.value, exc.reason) from None

    monkeypatch.setattr(FeatureTable, "from_columns", classmethod(wrong_error))
    with pytest.raises(ConformanceError, match="raised InvalidTypeError, not InvalidValueError"):
        run_check(Centred(), "check_non_finite_input")


# ---------------------------------------------------------------- parametrize_with_checks
def test_parametrize_ids_and_expected_failures() -> None:
    table = synthetic_table(["satisfaction", "nps"], seed=4)
    mark = parametrize_with_checks(
        [Centred(), (Centred(centre=1.0), table), BatchSizeDependent()],
        expected_failed_checks=lambda s: (
            {"check_single_equals_batch": "one ulp per batch"}
            if isinstance(s, BatchSizeDependent)
            else {}
        ),
        seed=3,
    )
    assert mark.args[0] == ("scorer", "check")
    params = mark.args[1]
    assert len(params) == 3 * len(CHECKS)
    ids = [p.id for p in params]
    assert ids[0] == "Centred-check_protocol_shape"
    assert f"Centred_2-{CHECKS[0].name}" in ids
    assert "BatchSizeDependent-check_permutation_invariance" in ids
    marked = {p.id: p.marks for p in params if p.marks}
    assert list(marked) == ["BatchSizeDependent-check_single_equals_batch"]
    (xfail,) = marked["BatchSizeDependent-check_single_equals_batch"]
    assert xfail.name == "xfail"
    assert xfail.kwargs == {"strict": True, "reason": "one ulp per batch"}
    bound = next(p.values[1] for p in params if p.id == "Centred_2-check_determinism")
    assert isinstance(bound, ScorerCheck)
    assert bound.table is table
    assert bound.seed == 3


def test_parametrize_takes_labels_and_refuses_unknown_checks() -> None:
    mark = parametrize_with_checks({"pinned": Centred(centre=2.0)})
    assert mark.args[1][0].id == "pinned-check_protocol_shape"
    with pytest.raises(InvalidValueError, match="must name a check"):
        parametrize_with_checks([Centred()], expected_failed_checks=lambda s: {"nope": "x"})


_OWN: dict[str, Scorer | tuple[Scorer, FeatureTable]] = {
    "Centred": Centred(),
    "Centred_pinned": Centred(centre=50.0),
    "ValueMatrix": ValueMatrix(),
}


@parametrize_with_checks(_OWN)
def test_the_decorator_runs_each_check(scorer: Any, check: ScorerCheck) -> None:
    check(scorer)


def test_kamlib_testing_imports_without_pytest() -> None:
    code = (
        "import sys; sys.modules['pytest'] = None\n"
        "import kamlib.testing as kt\n"
        "from kamlib.scoring import ValueMatrix\n"
        "kt.check_scorer(ValueMatrix())\n"
        "assert 'hypothesis' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


# ---------------------------------------------------------------- assert helpers
def test_assert_scores_equal_is_bitwise_and_order_free() -> None:
    t = synthetic_table(["satisfaction", "nps"], n=9, seed=2)
    s = Centred().fit(t)
    whole = s.score(t)
    assert_scores_equal(s.score(t.take([8, 0, 4])), whole.take([0, 4, 8]))
    off = BatchSizeDependent(centre=s.centre).score(t)
    assert_scores_close(off, whole)  # one ulp is within any tolerance...
    with pytest.raises(AssertionError, match=r"scores differ in 9 of 9 rows.*1 ulp apart"):
        assert_scores_equal(off, whole)  # ...but not the same bits
