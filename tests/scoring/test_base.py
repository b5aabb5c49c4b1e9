"""ScoreTable, explanations, config_hash and the scorer registry (with entry points)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from kamlib.errors import (
    InvalidTypeError,
    InvalidValueError,
    KamlibWarning,
    UnknownIdError,
    UnknownScorerError,
)
from kamlib.scoring import (
    LinearContributions,
    ScorerRegistry,
    ScoreTable,
    ValueMatrix,
    config_hash,
    default_registry,
)


def _st(lazy: bool = False) -> ScoreTable:
    X = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    w = np.array([0.5, 0.25])
    contrib: Any = LinearContributions(X, w, np.zeros(2)) if lazy else X * w
    return ScoreTable(
        scorer="demo",
        config={"a": 1},
        ids=np.array(["A", "B", "C"], dtype=object),
        scores=X @ w,
        components=("x", "y"),
        contributions=contrib,
        coverage=np.ones(3),
        labels=np.array(["hi", "lo", "hi"], dtype=object),
        classes=("hi", "lo"),
        margin=np.array([0.1, 0.2, 0.3]),
        reason_codes=("r1",),
        reason_flags=np.array([[True], [False], [True]]),
        reason_texts={"r1": "rule one"},
    )


@pytest.mark.parametrize("lazy", [False, True])
def test_explain_and_accessors(lazy: bool) -> None:
    st = _st(lazy)
    e = st.explain("B")
    assert e.score == pytest.approx(2.5)
    assert e.contributions == (("x", 1.5), ("y", 1.0))
    assert e.label == "lo"
    assert e.margin == pytest.approx(0.2)
    assert e.reasons == ()
    assert st.reasons_of("C") == ("r1",)
    assert st.explain("A").reasons == (("r1", "rule one"),)
    assert st.label_of("A") == "hi"
    assert "B - demo score 2.5 -> lo" in str(e)
    assert st.config_hash == config_hash({"a": 1})


def test_unknown_id() -> None:
    st = _st()
    with pytest.raises(UnknownIdError, match="'Z'"):
        st.explain("Z")
    with pytest.raises(UnknownIdError):
        st.score_of("Z")


@pytest.mark.parametrize("lazy", [False, True])
def test_take_keeps_rows_aligned(lazy: bool) -> None:
    st = _st(lazy).take([2, 0])
    assert st.ids.tolist() == ["C", "A"]
    assert st.contributions.sum(axis=1).tolist() == st.scores.tolist()
    assert st.reasons_of("C") == ("r1",)
    assert st.labels is not None
    assert st.labels.tolist() == ["hi", "hi"]


def test_to_columns() -> None:
    cols = _st().to_columns()
    assert list(cols) == [
        "id",
        "score",
        "label",
        "coverage",
        "margin",
        "contrib:x",
        "contrib:y",
        "reason:r1",
    ]
    assert cols["contrib:y"].tolist() == [0.5, 1.0, 1.5]


def test_scoretable_refuses_non_finite_and_bad_shapes() -> None:
    with pytest.raises(InvalidValueError, match="non-finite"):
        ScoreTable(
            scorer="d",
            config={},
            ids=np.array(["A"], dtype=object),
            scores=np.array([np.nan]),
            components=(),
            contributions=np.zeros((1, 0)),
            coverage=np.ones(1),
        )
    with pytest.raises(InvalidValueError, match="scores"):
        ScoreTable(
            scorer="d",
            config={},
            ids=np.array(["A"], dtype=object),
            scores=np.zeros(2),
            components=(),
            contributions=np.zeros((1, 0)),
            coverage=np.ones(1),
        )


def test_config_hash_stable_and_strict() -> None:
    assert config_hash({"a": [1, 2], "b": None}) == config_hash({"b": None, "a": [1, 2]})
    assert config_hash({"a": 1}) != config_hash({"a": 2})
    with pytest.raises(InvalidValueError):
        config_hash({"a": float("nan")})
    with pytest.raises(InvalidValueError):
        config_hash({"a": object()})


def test_registry_register_get_replace_unknown() -> None:
    reg = ScorerRegistry()
    reg.register("vm", ValueMatrix)
    assert reg.names() == ("vm",)
    assert isinstance(reg.get("vm", naming="abcd"), ValueMatrix)
    with pytest.raises(InvalidValueError, match="already registered"):
        reg.register("vm", ValueMatrix)
    reg.register("vm", lambda **kw: ValueMatrix(quantile=0.25, **kw), replace=True)
    got = reg.get("vm")
    assert isinstance(got, ValueMatrix)
    assert got.quantile == 0.25
    with pytest.raises(UnknownScorerError, match="'nope'"):
        reg.get("nope")
    with pytest.raises(InvalidValueError):
        reg.register("", ValueMatrix)
    with pytest.raises(InvalidTypeError):
        reg.register("x", 3)  # type: ignore[arg-type]


def test_default_registry_holds_builtins() -> None:
    names = default_registry.names()
    assert names[0] == "empirical_estimate"
    assert {"value_matrix", "weighted_points", "empirical_estimate"} <= set(names)


class _FakeEP:
    def __init__(self, name: str, target: Any) -> None:
        self.name = name
        self._target = target

    def load(self) -> Any:
        if isinstance(self._target, Exception):
            raise self._target
        return self._target


def test_load_entry_points_empty_group(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.metadata

    monkeypatch.setattr(importlib.metadata, "entry_points", lambda group: [])
    assert ScorerRegistry().load_entry_points("kamlib.no_such_group") == ()


def test_load_entry_points_warns_on_bad_plugins(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.metadata

    eps = [
        _FakeEP("good", ValueMatrix),
        _FakeEP("broken", ImportError("no module")),
        _FakeEP("notcallable", 3),
        _FakeEP("taken", ValueMatrix),
    ]
    monkeypatch.setattr(importlib.metadata, "entry_points", lambda group: eps)
    reg = ScorerRegistry()
    reg.register("taken", ValueMatrix)
    with pytest.warns(KamlibWarning) as record:
        added = reg.load_entry_points()
    assert added == ("good",)
    text = " ".join(str(w.message) for w in record)
    assert "broken" in text
    assert "notcallable" in text
    assert "taken" in text
    assert reg.names() == ("good", "taken")


# ---------------------------------------------------------------- missing components (#8)
def _gappy_st() -> ScoreTable:
    return ScoreTable(
        scorer="demo",
        config={},
        ids=np.array(["A", "B"], dtype=object),
        scores=np.array([3.0, 2.0]),
        components=("x", "y"),
        contributions=np.array([[1.0, 2.0], [2.0, 0.0]]),
        coverage=np.array([1.0, 0.5]),
        component_missing=np.array([[False, False], [False, True]]),
    )


def test_explanation_names_missing_components() -> None:
    st = _gappy_st()
    assert st.missing_of("A") == ()
    assert st.missing_of("B") == ("y",)
    e = st.explain("B")
    assert e.missing == ("y",)
    lines = str(e).splitlines()
    assert lines[2].split() == ["y", "missing"]  # not a bare 0
    assert _st().explain("A").missing == ()  # no matrix: nothing missing


def test_filled_missing_component_is_marked() -> None:
    from kamlib.scoring import Explanation

    e = Explanation("A", "d", 5.0, None, (("x", 5.0),), 0.0, None, (), "0" * 16, ("x",))
    assert str(e).splitlines()[1].split() == ["x", "5", "(missing,", "filled)"]


def test_component_missing_follows_take_and_to_columns() -> None:
    st = _gappy_st()
    sub = st.take([1, 0])
    assert sub.component_missing is not None
    assert sub.component_missing.tolist() == [[False, True], [False, False]]
    assert sub.missing_of("B") == ("y",)
    cols = st.to_columns()
    assert cols["missing:y"].tolist() == [False, True]
    assert cols["missing:x"].tolist() == [False, False]
    assert "missing:x" not in _st().to_columns()


def test_component_missing_shape_checked() -> None:
    with pytest.raises(InvalidValueError, match="component_missing"):
        ScoreTable(
            scorer="d",
            config={},
            ids=np.array(["A"], dtype=object),
            scores=np.ones(1),
            components=("x",),
            contributions=np.ones((1, 1)),
            coverage=np.ones(1),
            component_missing=np.zeros((1, 2), dtype=np.bool_),
        )


# ---------------------------------------------------------------- bad input (#10)
def test_registry_wraps_a_bad_option_only() -> None:
    with pytest.raises(InvalidTypeError, match=r"'value_matrix'.*'bogus'"):
        default_registry.get("value_matrix", bogus=1)
    with pytest.raises(InvalidTypeError, match="health_model"):
        default_registry.get("health_model", bogus=1)

    def broken(**options: Any) -> Any:
        raise TypeError("a bug inside the factory")

    reg = ScorerRegistry()
    reg.register("broken", broken)
    with pytest.raises(TypeError, match="a bug inside") as info:
        reg.get("broken", anything=1)  # binds fine: the factory's own error is not masked
    assert not isinstance(info.value, InvalidTypeError)


_GARBAGE: list[object] = [None, "abc", 5, [1, 2], {"a": 1}, {1: 2}, {"scorer": None}]


@pytest.mark.parametrize("name", default_registry.names())
@pytest.mark.parametrize("garbage", _GARBAGE, ids=repr)
def test_every_scorer_refuses_garbage_with_a_kamlib_error(name: str, garbage: object) -> None:
    from kamlib.errors import KamlibError
    from kamlib.testing._check import synthetic_table

    scorer: Any = default_registry.get(name)
    fitted: Any = scorer.fit(synthetic_table(scorer.required_features, n=16))
    with pytest.raises(KamlibError):
        scorer.fit(garbage)
    with pytest.raises(KamlibError):
        fitted.score(garbage)
    with pytest.raises(KamlibError):
        type(scorer).from_config(garbage)


# ---------------------------------------------------------------- read-only arrays (#16)
_ARRAYS = ("ids", "scores", "coverage", "labels", "margin", "reason_flags", "contributions")


def _assert_read_only(st: ScoreTable) -> None:
    for name in (*_ARRAYS, "component_missing"):
        arr = getattr(st, name)
        if arr is None:
            continue
        assert not arr.flags.writeable, name
        with pytest.raises(ValueError, match="read-only"):
            arr[0] = arr[0]


def test_scoretable_arrays_are_read_only_and_do_not_alias_the_caller() -> None:
    scores = np.array([1.0, 2.0])
    mine = np.array([[True], [False]])
    st = ScoreTable(
        scorer="d",
        config={},
        ids=np.array(["A", "B"], dtype=object),
        scores=scores,
        components=("x",),
        contributions=scores.reshape(2, 1),
        coverage=np.ones(2),
        labels=np.array(["a", "b"], dtype=object),
        classes=("a", "b"),
        margin=np.zeros(2),
        reason_codes=("r",),
        reason_flags=mine,
        component_missing=np.zeros((2, 1), dtype=np.bool_),
    )
    _assert_read_only(st)
    _assert_read_only(st.take([1, 0]))
    _assert_read_only(_st(lazy=True))
    scores[0] = 99.0  # the caller's arrays stay writeable and are not aliased
    mine[0, 0] = False
    assert st.scores.tolist() == [1.0, 2.0]
    assert st.reasons_of("A") == ("r",)


@pytest.mark.parametrize("gappy", [False, True])
@pytest.mark.parametrize("name", default_registry.names())
def test_builtin_results_are_read_only(name: str, gappy: bool) -> None:
    from kamlib import FeatureTable
    from kamlib.testing._check import synthetic_table

    options: dict[str, Any] = {"missing": "renormalise"} if name == "value_matrix" else {}
    scorer: Any = default_registry.get(name, **options)
    t = synthetic_table(scorer.required_features, n=8)
    if gappy and scorer.required_features and name != "empirical_estimate":
        f = scorer.required_features[-1]
        cols = {n: t.column(n) for n in t.names}
        cats = {k: v.tolist() for k, v in t.categorical.items()}
        miss = {f: np.arange(8) == 3}
        t = FeatureTable.from_columns(t.ids.tolist(), cols, missing=miss, categorical=cats)
    _assert_read_only(scorer.fit(t).score(t))
