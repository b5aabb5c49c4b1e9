"""ScoreTable: immutable through and through, and validating everything it is given."""

from __future__ import annotations

import copy
import pickle
from types import MappingProxyType
from typing import Any

import attrs
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kamlib.scoring._result as base
from kamlib import FeatureTable
from kamlib._ids import is_checked, mark_checked
from kamlib.errors import DuplicateIdError, InvalidTypeError, InvalidValueError
from kamlib.scoring import (
    Criterion,
    LinearContributions,
    ScoreTable,
    ValueMatrix,
    WeightedPoints,
    config_hash,
    default_registry,
    get_scorer,
)
from kamlib.testing import synthetic_table

ARRAYS = (
    "ids",
    "scores",
    "coverage",
    "labels",
    "margin",
    "reason_flags",
    "component_missing",
    "contributions",
)


def _kw(**over: Any) -> dict[str, Any]:
    kw: dict[str, Any] = {
        "scorer": "demo",
        "config": {"w": [1.0, {"x": 2}]},
        "ids": ["A", "B"],
        "scores": [1.0, 2.0],
        "components": ("x",),
        "contributions": [[1.0], [2.0]],
        "coverage": [1.0, 0.5],
    }
    kw.update(over)
    return kw


# ---------------------------------------------------------------------------- conversion
def test_lists_and_tuples_are_converted_with_numpy() -> None:
    s = ScoreTable(
        **_kw(
            ids=("A", "B"),
            labels=["hi", "lo"],
            classes=["hi", "lo"],
            margin=(0.5, 0.0),
            reason_codes=["r"],
            reason_flags=[[True], [False]],
            component_missing=[[False], [True]],
        )
    )
    assert s.ids.dtype == object
    assert s.scores.dtype == np.float64
    assert s.contributions.shape == (2, 1)
    assert s.labels is not None
    assert s.labels.tolist() == ["hi", "lo"]
    assert s.components == ("x",)
    assert s.classes == ("hi", "lo")
    assert s.reasons_of("A") == ("r",)
    assert s.missing_of("B") == ("x",)


def test_integer_and_numpy_string_inputs() -> None:
    s = ScoreTable(**_kw(ids=np.array(["A", "B"]), scores=np.array([1, 2], dtype=np.int32)))
    assert s.ids.dtype == object
    assert s.scores.tolist() == [1.0, 2.0]
    assert s.scores.dtype == np.float64


_BAD: list[tuple[str, dict[str, Any], type[Exception], str]] = [
    ("ids not str", {"ids": [1, 2]}, InvalidTypeError, r"ids\[0\]"),
    ("ids a str", {"ids": "AB"}, InvalidTypeError, r"ScoreTable\.ids"),
    ("ids empty", {"ids": ["A", ""]}, InvalidValueError, r"ids\[1\]"),
    ("ids repeat", {"ids": ["A", "A"]}, DuplicateIdError, r"ids\[1\]: is not unique; got 'A'"),
    ("ids 2-D", {"ids": np.array([["A", "B"]], dtype=object)}, InvalidValueError, "one-dim"),
    ("scores str", {"scores": ["a", "b"]}, InvalidTypeError, r"scores: .*real numbers"),
    ("scores bool", {"scores": [True, False]}, InvalidTypeError, r"scores: .*not bool"),
    ("scores ragged", {"scores": [1.0, [2.0]]}, InvalidTypeError, "scores"),
    ("scores length", {"scores": [1.0]}, InvalidValueError, r"scores: must have shape \(2,\)"),
    ("scores NaN", {"scores": [1.0, np.nan]}, InvalidValueError, r"scores\[1\].*'B'"),
    ("coverage > 1", {"coverage": [1.0, 1.5]}, InvalidValueError, r"coverage\[1\].*\[0, 1\]"),
    ("coverage < 0", {"coverage": [-0.1, 1.0]}, InvalidValueError, r"coverage\[0\]"),
    ("coverage NaN", {"coverage": [np.nan, 1.0]}, InvalidValueError, r"coverage\[0\]"),
    ("coverage length", {"coverage": [1.0]}, InvalidValueError, r"coverage: must have shape"),
    ("margin < 0", {"margin": [0.0, -1.0]}, InvalidValueError, r"margin\[1\].*>= 0"),
    ("margin inf", {"margin": [np.inf, 0.0]}, InvalidValueError, r"margin\[0\].*finite"),
    ("margin NaN", {"margin": [0.0, np.nan]}, InvalidValueError, r"margin\[1\]"),
    ("margin length", {"margin": [0.0]}, InvalidValueError, r"margin: must have shape"),
    ("contrib ragged", {"contributions": [[1.0], [2.0, 3.0]]}, InvalidTypeError, "contrib"),
    ("contrib 1-D", {"contributions": [1.0, 2.0]}, InvalidValueError, r"\(n, c\) matrix"),
    (
        "contrib columns",
        {"components": ("x", "y")},
        InvalidValueError,
        r"contributions: must have shape \(2, 2\)",
    ),
    ("contrib rows", {"contributions": [[1.0]]}, InvalidValueError, r"shape \(2, 1\)"),
    (
        "contrib inf",
        {"contributions": [[1.0], [np.inf]]},
        InvalidValueError,
        r"contributions\[1, 0\].*'B'.*'x'",
    ),
    (
        "lazy declared shape",
        {"contributions": LinearContributions(np.ones((3, 1)), np.ones(1), np.zeros(1))},
        InvalidValueError,
        r"shape \(2, 1\)",
    ),
    ("components str", {"components": "x"}, InvalidTypeError, "components"),
    ("components empty", {"components": ("",)}, InvalidValueError, r"components\[0\]"),
    (
        "components repeat",
        {"components": ("x", "x"), "contributions": [[1.0, 0.0], [2.0, 0.0]]},
        DuplicateIdError,
        r"components\[1\]",
    ),
    ("components not str", {"components": (3,)}, InvalidTypeError, r"components\[0\]"),
    ("labels numbers", {"labels": [1, 2]}, InvalidTypeError, "labels"),
    ("labels None", {"labels": [None, "a"]}, InvalidTypeError, r"labels\[0\]"),
    ("labels length", {"labels": ["a"]}, InvalidValueError, r"labels: must have shape"),
    (
        "labels outside classes",
        {"labels": ["a", "b"], "classes": ("a",)},
        InvalidValueError,
        r"labels\[1\]: must be one of the classes \['a'\] \(account 'B'\)",
    ),
    (
        "codes outside classes",
        {"labels": np.array([0, 2], dtype=np.int8), "classes": ("a", "b")},
        InvalidValueError,
        r"labels\[1\]: must be a code in \[0, 2\) into the classes \['a', 'b'\] \(account 'B'\)",
    ),
    (
        "codes negative",
        {"labels": np.array([-1, 0]), "classes": ("a",)},
        InvalidValueError,
        r"labels\[0\]: must be a code in \[0, 1\).*; got -1",
    ),
    (
        "codes without classes",
        {"labels": np.array([0, 0], dtype=np.uint8)},
        InvalidValueError,
        r"labels: integer codes need the classes they index; got 'uint8'",
    ),
    (
        "codes length",
        {"labels": np.array([0], dtype=np.int8), "classes": ("a",)},
        InvalidValueError,
        r"labels: must have shape \(2,\)",
    ),
    (
        "codes 2-D",
        {"labels": np.zeros((2, 1), dtype=np.int8), "classes": ("a",)},
        InvalidValueError,
        r"labels: must be one-dimensional",
    ),
    (
        "labels bool array",
        {"labels": np.array([True, False]), "classes": ("a", "b")},
        InvalidTypeError,
        r"labels: must be str labels or integer codes into classes, not bool",
    ),
    (
        "labels float array",
        {"labels": np.array([0.0, 1.0]), "classes": ("a", "b")},
        InvalidTypeError,
        r"labels: .*not float64",
    ),
    ("classes repeat", {"classes": ("a", "a")}, DuplicateIdError, r"classes\[1\]"),
    (
        "flags not bool",
        {"reason_codes": ("r",), "reason_flags": [[1], [0]]},
        InvalidTypeError,
        "reason_flags",
    ),
    (
        "flags shape",
        {"reason_codes": ("r",), "reason_flags": [[True, False], [False, True]]},
        InvalidValueError,
        r"reason_flags: must have shape \(2, 1\)",
    ),
    ("codes repeat", {"reason_codes": ("r", "r")}, DuplicateIdError, r"reason_codes\[1\]"),
    (
        "text for no code",
        {"reason_texts": {"q": "why"}},
        InvalidValueError,
        "reason_texts.*not in reason_codes",
    ),
    (
        "text not str",
        {"reason_codes": ("r",), "reason_texts": {"r": 3}},
        InvalidTypeError,
        r"reason_texts\['r'\]",
    ),
    ("texts not a mapping", {"reason_texts": [("r", "x")]}, InvalidTypeError, "reason_texts"),
    (
        "missing not bool",
        {"component_missing": [[1], [0]]},
        InvalidTypeError,
        "component_missing",
    ),
    (
        "missing shape",
        {"component_missing": [[True, False], [False, True]]},
        InvalidValueError,
        r"component_missing: must have shape \(2, 1\)",
    ),
    ("scorer empty", {"scorer": ""}, InvalidValueError, r"ScoreTable\.scorer"),
    ("scorer not str", {"scorer": 3}, InvalidTypeError, r"ScoreTable\.scorer"),
    ("config not a mapping", {"config": [1]}, InvalidTypeError, r"ScoreTable\.config"),
    ("config NaN", {"config": {"a": [np.nan]}}, InvalidValueError, r"config\['a'\]\[0\]"),
    ("config object", {"config": {"a": {"b": object()}}}, InvalidTypeError, r"\['a'\]\['b'\]"),
    ("config int key", {"config": {1: 2}}, InvalidTypeError, "keys must be str"),
    ("config numpy int", {"config": {"a": np.int64(1)}}, InvalidTypeError, r"config\['a'\]"),
]


@pytest.mark.parametrize(
    ("over", "error", "match"), [b[1:] for b in _BAD], ids=[b[0] for b in _BAD]
)
def test_invalid_input_raises_a_typed_error_naming_the_field(
    over: dict[str, Any], error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match):
        ScoreTable(**_kw(**over))


def test_config_cycle_is_refused() -> None:
    loop: list[Any] = [1]
    loop.append(loop)
    with pytest.raises(InvalidValueError, match=r"config\['a'\]\[1\]: contains itself"):
        ScoreTable(**_kw(config={"a": loop}))


def test_lazy_recipe_without_shape_is_checked_when_computed() -> None:
    @attrs.frozen
    class Recipe:
        out: Any

        def compute(self) -> Any:
            return self.out

        def take(self, rows: Any) -> Recipe:
            return Recipe(self.out[rows])

    wide = ScoreTable(**_kw(contributions=Recipe(np.ones((2, 2)))))  # accepted: no shape
    with pytest.raises(InvalidValueError, match=r"compute\(\) must return shape \(2, 1\)"):
        _ = wide.contributions
    bad = ScoreTable(**_kw(contributions=Recipe(np.array([[1.0], [np.nan]]))))
    with pytest.raises(InvalidValueError, match=r"contributions\[1, 0\].*'B'"):
        bad.explain("B")
    junk = ScoreTable(**_kw(contributions=Recipe([["a"], ["b"]])))
    with pytest.raises(InvalidTypeError, match="real numbers"):
        _ = junk.contributions
    good = ScoreTable(**_kw(contributions=Recipe(np.array([[1.0], [2.0]]))))
    assert good.take([1]).contributions.tolist() == [[2.0]]
    assert not good.contributions.flags.writeable


def test_linear_contributions_declares_and_checks_its_shape() -> None:
    lc = LinearContributions(np.ones((2, 3)), np.ones((2, 3)), np.zeros(3))
    assert lc.shape == (2, 3)
    with pytest.raises(InvalidValueError, match=r"LinearContributions\.X"):
        LinearContributions(np.ones(3), np.ones(3), np.zeros(3))
    with pytest.raises(InvalidValueError, match=r"LinearContributions\.offsets"):
        LinearContributions(np.ones((2, 3)), np.ones(3), np.zeros(2))


# ---------------------------------------------------------------------------- config
def test_config_is_frozen_deeply_and_hashes_like_the_plain_data() -> None:
    given_cfg: dict[str, Any] = {"w": [1.0, {"x": 2}], "name": "n", "none": None}
    plain_hash = config_hash(given_cfg)
    s = ScoreTable(**_kw(config=given_cfg))
    assert isinstance(s.config, MappingProxyType)
    assert s.config["w"] == (1.0, MappingProxyType({"x": 2}))
    assert s.config_hash == plain_hash == config_hash(s.config)
    with pytest.raises(TypeError):
        s.config["w"] = 0  # type: ignore[index]
    with pytest.raises(TypeError):
        s.config["w"][1]["x"] = 3
    with pytest.raises(TypeError):
        s.config["w"][0] = 3
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        s.config = {}  # type: ignore[misc]
    given_cfg["w"][1]["x"] = 99
    assert s.config["w"][1]["x"] == 2
    assert s.config_hash == plain_hash


def test_config_dict_is_a_fresh_plain_copy() -> None:
    s = ScoreTable(**_kw())
    d = s.config_dict()
    assert d == {"w": [1.0, {"x": 2}]}
    assert type(d["w"]) is list
    assert type(d["w"][1]) is dict
    d["w"][1]["x"] = 5
    assert s.config_dict() == {"w": [1.0, {"x": 2}]}
    assert config_hash(d) != s.config_hash


def test_subclass_values_are_written_as_json_writes_them() -> None:
    from enum import IntEnum

    class Level(IntEnum):
        HIGH = 3

    plain = {"f": 0.5, "i": 3}
    s = ScoreTable(**_kw(config={"f": np.float64(0.5), "i": Level.HIGH}))
    assert type(s.config["f"]) is float
    assert type(s.config["i"]) is int
    assert s.config_hash == config_hash(plain)


def test_reason_texts_are_read_only() -> None:
    texts = {"r": "rule"}
    s = ScoreTable(**_kw(reason_codes=("r",), reason_texts=texts))
    with pytest.raises(TypeError):
        s.reason_texts["r"] = "other"  # type: ignore[index]
    texts["r"] = "changed"
    assert s.reason_texts["r"] == "rule"


@pytest.mark.parametrize("name", sorted(default_registry.names()))
def test_builtin_scorers_rebuild_from_the_frozen_config(name: str) -> None:
    scorer = get_scorer(name)
    table = synthetic_table(list(scorer.required_features), seed=4)
    fitted = scorer.fit(table)
    result = fitted.score(table)
    assert result.config_hash == config_hash(fitted.get_config())
    for cfg in (result.config, result.config_dict()):
        again = type(fitted).from_config(cfg)
        assert config_hash(again.get_config()) == result.config_hash


# ---------------------------------------------------------------------------- arrays
def test_a_read_only_view_of_writeable_memory_is_copied() -> None:
    mine = np.array([1.0, 2.0])
    view = mine.view()
    view.flags.writeable = False
    s = ScoreTable(**_kw(scores=view))
    mine[0] = 7.0
    assert s.scores.tolist() == [1.0, 2.0]
    assert mine.flags.writeable  # the caller's array is never frozen


def test_a_broadcast_constant_stays_constant_size() -> None:
    ones = np.broadcast_to(np.float64(1.0), (1000,))
    ids = [f"A{i}" for i in range(1000)]
    s = ScoreTable.from_scores(ids, np.zeros(1000), scorer="d", coverage=ones)
    assert s.coverage.strides == (0,)
    assert s.coverage.base is not ones.base  # its own constant, not the caller's
    with pytest.raises(ValueError, match="read-only"):
        s.coverage[0] = 0.0


def test_pickle_keeps_everything_read_only() -> None:
    s = ScoreTable(
        **_kw(labels=["a", "b"], classes=("a", "b"), reason_codes=("r",), reason_texts={"r": "t"})
    )
    s.row_of("A")  # build the id index: it is a cache, not pickled
    back = pickle.loads(pickle.dumps(s))
    assert back.config_hash == s.config_hash
    assert isinstance(back.config, MappingProxyType)
    assert isinstance(back.reason_texts, MappingProxyType)
    assert back.explain("B") == s.explain("B")
    for name in ARRAYS:
        arr = getattr(back, name)
        assert arr is None or not arr.flags.writeable, name


def test_take_of_checked_ids_and_evolve_still_validate() -> None:
    s = ScoreTable(**_kw())
    part = s.take([1])
    assert part.ids.tolist() == ["B"]
    assert part.config is not s.config
    assert part.config == s.config
    assert part.config_hash == s.config_hash
    with pytest.raises(InvalidValueError, match="coverage"):
        attrs.evolve(s, coverage=[2.0, 0.0])


def test_scoring_a_table_keeps_its_checked_ids_without_copying() -> None:
    t = FeatureTable.from_columns(["A", "B"], {"x": [1.0, 3.0]})
    s1 = get_scorer("value_matrix", x_feature="x", y_features=["x"]).fit(t).score(t)
    assert s1.ids is t.ids


def test_range_checks_take_one_pass_and_keep_the_exact_edges() -> None:
    edges = ScoreTable(**_kw(coverage=[-0.0, 1.0], margin=[-0.0, float(np.finfo(np.float64).max)]))
    assert edges.coverage.tolist() == [0.0, 1.0]
    tiny = float(np.nextafter(0.0, 1.0))  # the smallest subnormal is in range
    assert ScoreTable(**_kw(coverage=[tiny, 1.0], margin=[tiny, 0.0])).margin is not None
    with pytest.raises(InvalidValueError, match=r"coverage\[1\]"):
        ScoreTable(**_kw(coverage=[1.0, float(np.nextafter(1.0, 2.0))]))
    with pytest.raises(InvalidValueError, match=r"coverage\[0\]"):
        ScoreTable(**_kw(coverage=[-tiny, 1.0]))
    with pytest.raises(InvalidValueError, match=r"margin\[1\]"):
        ScoreTable(**_kw(margin=[0.0, -np.inf]))
    ones = np.broadcast_to(np.float64(1.0), (2,))
    assert ScoreTable(**_kw(coverage=ones, margin=ones)).coverage.strides == (0,)
    with pytest.raises(InvalidValueError, match=r"margin\[0\]"):
        ScoreTable(**_kw(margin=np.broadcast_to(np.float64(np.nan), (2,))))


# ---------------------------------------------------------------------------- checked ids
def _no_per_id_work(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(value: object) -> Any:
        raise AssertionError("the ids were checked one by one")

    monkeypatch.setattr(base, "_validate_ids", refuse)


def test_ids_checked_where_they_are_made_are_not_checked_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    t = FeatureTable.from_columns(["A", "B", "C"], {"x": [1.0, 3.0, 5.0], "y": [2.0, 4.0, 6.0]})
    u = FeatureTable.from_columns(["D"], {"x": [7.0], "y": [8.0]})
    derived = {
        "from_columns": t,
        "take": t.take([2, 0]),
        "take mask": t.take(t.column("x") > 1),
        "concat": FeatureTable.concat([t, u]),
        "select": t.select(["y"]),
        "with_values": t.with_values(t.values * 2),
    }
    _no_per_id_work(monkeypatch)
    for how, table in derived.items():
        assert is_checked(table.ids), how
        s = ScoreTable.from_scores(table.ids, np.zeros(len(table)), scorer="m")
        assert s.ids is table.ids, how
        assert is_checked(s.take([0]).ids), how
    vm = ValueMatrix("x", ["y"], quantile=None, x_cut=2.0, y_cut=2.0).score(t)
    assert vm.ids is t.ids
    assert vm.take(vm.scores > 3).ids.tolist() == ["B", "C"]
    wp = WeightedPoints([Criterion("x")], threshold=5.0).fit(t).score(t)
    assert wp.ids is t.ids
    for unmarked in (t.ids.copy(), t.ids.tolist(), np.array(["A", "B", "C"])):
        with pytest.raises(AssertionError, match="one by one"):
            ScoreTable.from_scores(unmarked, np.zeros(3), scorer="m")


def test_ids_nobody_checked_are_still_fully_checked() -> None:
    dup = np.array(["A", "B", "A"], dtype=object)
    with pytest.raises(DuplicateIdError, match=r"ScoreTable\.ids\[2\]: is not unique"):
        ScoreTable.from_scores(dup, np.zeros(3), scorer="m")  # writeable
    dup.flags.writeable = False
    with pytest.raises(DuplicateIdError, match=r"ScoreTable\.ids\[2\]"):
        ScoreTable.from_scores(dup, np.zeros(3), scorer="m")  # read-only, never validated
    assert not is_checked(dup)
    # The FeatureTable constructor trusts its arguments: rows of ids it was given directly
    # are not marked, so a ScoreTable still refuses them.
    bad = np.array(["A", ""], dtype=object)
    bad.flags.writeable = False
    raw = FeatureTable(ids=bad, names=("x",), values=np.zeros((2, 1)))
    assert not is_checked(raw.take([0, 1]).ids)
    with pytest.raises(InvalidValueError, match=r"ScoreTable\.ids\[1\]: must be a non-empty"):
        ScoreTable.from_scores(raw.take([0, 1]).ids, np.zeros(2), scorer="m")
    with pytest.raises(DuplicateIdError, match="repeat an account across tables"):
        FeatureTable.concat([FeatureTable.from_columns(["A"], {"x": [1]})] * 2)


def test_only_sealed_ids_can_be_marked_and_a_mark_needs_sealed_ids() -> None:
    ids = np.array(["A", "B"], dtype=object)
    assert not is_checked(mark_checked(ids))  # writeable: left unmarked
    view = ids.view()
    view.flags.writeable = False
    assert not is_checked(mark_checked(view))  # writeable through ``ids``
    ids.flags.writeable = False
    assert is_checked(mark_checked(ids))
    ids.flags.writeable = True  # made writeable again: no longer counts as checked
    assert not is_checked(ids)
    ids[1] = "A"
    with pytest.raises(DuplicateIdError):
        ScoreTable.from_scores(ids, np.zeros(2), scorer="m")


def test_a_score_table_marks_the_ids_it_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    s = ScoreTable(**_kw())
    assert is_checked(s.ids)
    _no_per_id_work(monkeypatch)
    assert ScoreTable(**_kw(ids=s.ids)).ids is s.ids
    assert is_checked(s.take([1, 0]).ids)


# ---------------------------------------------------------------------------- label codes
_CLASSES = ("high", "mid", "low")


@pytest.mark.parametrize("dtype", [np.int8, np.uint8, np.int32, np.intp])
def test_labels_as_codes_behave_like_str_labels(dtype: Any) -> None:
    codes = np.array([2, 0], dtype=dtype)
    coded = ScoreTable(**_kw(labels=codes, classes=_CLASSES, margin=[0.5, 0.25]))
    plain = ScoreTable(**_kw(labels=["low", "high"], classes=_CLASSES, margin=[0.5, 0.25]))
    for account in ("A", "B"):
        assert coded.label_of(account) == plain.label_of(account)
        assert coded.explain(account) == plain.explain(account)
        assert type(coded.label_of(account)) is str
    assert coded._label_cache is None  # nothing decoded yet: label_of/explain read one code
    part = coded.take([1])
    assert part._labels is not None
    assert part._labels.dtype == dtype
    assert part._label_cache is None
    assert part.label_of("B") == "high"
    assert repr(coded.to_columns()) == repr(plain.to_columns())
    cols = coded.to_columns()
    assert cols["label"].flags.writeable
    assert cols["label"].dtype == object
    assert coded._label_cache is None  # to_columns makes its own copy
    labels = coded.labels
    assert labels is not None
    assert labels.tolist() == ["low", "high"]
    assert coded.labels is labels  # decoded once, kept
    assert not labels.flags.writeable
    codes[0] = 1  # the caller's writeable array was copied
    assert coded.label_of("A") == "low"


def test_empty_codes_need_no_classes() -> None:
    s = ScoreTable.from_scores([], [], scorer="m", labels=np.array([], dtype=np.int8))
    assert s.labels is not None
    assert s.labels.tolist() == []


def test_labels_as_codes_pickle_without_the_decoded_cache() -> None:
    s = ScoreTable(**_kw(labels=np.array([1, 0], dtype=np.int8), classes=("a", "b")))
    assert s.labels is not None
    state = s.__getstate__()
    assert state["_label_cache"] is None
    assert state["_labels"].dtype == np.int8
    back = pickle.loads(pickle.dumps(s))
    assert back._label_cache is None
    assert back.labels is not None
    assert back.labels.tolist() == ["b", "a"]
    assert back._labels is not None
    assert not back._labels.flags.writeable
    assert back.explain("A") == s.explain("A")


def test_a_pickle_from_before_codes_still_loads() -> None:
    s = ScoreTable(**_kw(labels=["a", "b"], classes=("a", "b")))
    state = s.__getstate__()
    state["labels"] = state.pop("_labels")
    del state["_label_cache"]
    old = ScoreTable.__new__(ScoreTable)
    old.__setstate__(state)
    assert old.labels is not None
    assert old.labels.tolist() == ["a", "b"]
    assert old.label_of("B") == "b"


def test_builtin_scorers_pass_codes_and_decode_on_read() -> None:
    t = FeatureTable.from_columns(["A", "B", "C"], {"x": [1.0, 3.0, 5.0], "y": [6.0, 4.0, 1.0]})
    vm = ValueMatrix("x", ["y"], quantile=None, x_cut=2.0, y_cut=3.0).score(t)
    wp = WeightedPoints([Criterion("x")], threshold=5.0).fit(t).score(t)
    for s in (vm, wp):
        assert s._labels is not None, s.scorer
        assert s._labels.dtype.kind in "iu", s.scorer
        assert s._label_cache is None, s.scorer
    assert vm.labels is not None
    assert vm.labels.tolist() == ["potential", "strategic", "profit"]
    assert wp.labels is not None
    assert wp.labels.tolist() == ["not_key", "key", "key"]


# ---------------------------------------------------------------------------- from_scores
def test_from_scores_defaults() -> None:
    s = ScoreTable.from_scores(["A", "B"], [0.5, 1.5], scorer="third_party")
    assert s.components == ("score",)
    assert s.contributions.tolist() == [[0.5], [1.5]]
    assert s.coverage.tolist() == [1.0, 1.0]
    assert s.config_dict() == {"scorer": "third_party"}
    assert s.labels is None
    assert s.margin is None
    assert s.reason_codes == ()
    assert s.explain("B").contributions == (("score", 1.5),)


def test_from_scores_options() -> None:
    s = ScoreTable.from_scores(
        ["A", "B"],
        [0.5, 1.5],
        scorer="m",
        config={"cut": 1.0},
        labels=["lo", "hi"],
        classes=("hi", "lo"),
        coverage=[1.0, 0.5],
        components=("a", "b"),
        contributions=[[0.25, 0.25], [1.0, 0.5]],
        margin=[0.5, 0.5],
    )
    assert s.config_dict() == {"cut": 1.0}
    assert s.label_of("B") == "hi"
    assert s.explain("B").contributions == (("a", 1.0), ("b", 0.5))
    one = ScoreTable.from_scores(["A"], [2.0], scorer="m", components=["total"])
    assert one.explain("A").contributions == (("total", 2.0),)


def test_from_scores_needs_components_and_contributions_together() -> None:
    with pytest.raises(InvalidValueError, match="contributions: must be given"):
        ScoreTable.from_scores(["A"], [1.0], scorer="m", components=("a", "b"))
    with pytest.raises(InvalidValueError, match="components: must name"):
        ScoreTable.from_scores(["A"], [1.0], scorer="m", contributions=[[1.0]])
    with pytest.raises(InvalidValueError, match="scores: must have shape"):
        ScoreTable.from_scores(["A", "B"], [1.0], scorer="m")
    with pytest.raises(InvalidTypeError, match="scores"):
        ScoreTable.from_scores(["A"], "1", scorer="m")


# ---------------------------------------------------------------------------- properties
_json = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=4),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3)
    ),
    max_leaves=8,
)
_floats = st.floats(-1e6, 1e6, allow_nan=False)


@st.composite
def _inputs(draw: st.DrawFn) -> dict[str, Any]:
    """Valid constructor arguments, as the caller's own mutable lists, arrays and dicts."""
    ids = draw(st.lists(st.text(min_size=1, max_size=4), unique=True, max_size=6))
    n = len(ids)
    comps = draw(st.lists(st.text(min_size=1, max_size=3), unique=True, max_size=3))
    codes = draw(st.lists(st.text(min_size=1, max_size=3), unique=True, max_size=2))
    classes = draw(st.lists(st.text(min_size=1, max_size=3), unique=True, max_size=3))
    as_array = draw(st.booleans())
    with_labels, with_flags, with_missing, as_codes = (draw(st.booleans()) for _ in range(4))
    label = st.sampled_from(classes) if classes else st.text(min_size=1)

    def column(elements: st.SearchStrategy[Any], width: int | None = None) -> Any:
        if width is None:
            values: Any = draw(st.lists(elements, min_size=n, max_size=n))
        else:
            values = [draw(st.lists(elements, min_size=width, max_size=width)) for _ in ids]
        if not as_array:
            return values
        return np.array(values, dtype=object if elements is label else None)

    kw: dict[str, Any] = {
        "scorer": draw(st.text("abcxyz_.", min_size=1, max_size=5)),
        "config": draw(st.dictionaries(st.text(max_size=3), _json, max_size=4)),
        "ids": np.array(ids, dtype=object) if as_array else list(ids),
        "scores": column(_floats),
        "components": comps,
        "contributions": column(_floats, len(comps)),
        "coverage": column(st.floats(0.0, 1.0)),
        "classes": classes,
        "reason_codes": codes,
        "reason_texts": {c: draw(st.text(max_size=3)) for c in codes},
    }
    if classes and with_labels and as_codes:
        dtype = draw(st.sampled_from([np.int8, np.uint8, np.intp]))
        picks = draw(st.lists(st.integers(0, len(classes) - 1), min_size=n, max_size=n))
        kw["labels"] = np.array(picks, dtype=dtype)
        kw["margin"] = column(st.floats(0.0, 1e6))
    elif classes and with_labels:
        kw["labels"] = column(label)
        kw["margin"] = column(st.floats(0.0, 1e6))
    if codes and with_flags:
        kw["reason_flags"] = np.array(column(st.booleans(), len(codes)), dtype=bool).reshape(
            n, len(codes)
        )
    if comps and with_missing:
        kw["component_missing"] = np.array(column(st.booleans(), len(comps)), dtype=bool).reshape(
            n, len(comps)
        )
    return kw


def _snapshot(s: ScoreTable) -> Any:
    names = (s.scorer, s.components, s.classes, s.reason_codes, dict(s.reason_texts))
    return (s.config_hash, s.config_dict(), names, repr(s.to_columns()))


def _mutate(value: Any) -> None:
    """Change every mutable thing the caller passed, in place, as deep as it goes."""
    if isinstance(value, np.ndarray):
        if value.flags.writeable and value.size:
            value[...] = "Z" if value.dtype == object else 0
    elif isinstance(value, list):
        for i, item in enumerate(value):
            if isinstance(item, list | dict | np.ndarray):
                _mutate(item)
            else:
                value[i] = "Z" if isinstance(item, str) else 12345
        value.append("extra")
    elif isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, list | dict):
                _mutate(item)
            else:
                value[key] = "changed"
        value["added"] = 1


def _assert_immutable(s: ScoreTable) -> None:
    for name in ARRAYS:
        arr = getattr(s, name)
        if arr is not None:
            assert not arr.flags.writeable, name
            with pytest.raises(ValueError, match="read-only"):
                arr[...] = arr
    with pytest.raises(TypeError):
        s.config["new"] = 1  # type: ignore[index]
    with pytest.raises(TypeError):
        s.reason_texts["new"] = "x"  # type: ignore[index]
    for nested in _containers(s.config):
        with pytest.raises(TypeError):
            nested[0 if isinstance(nested, tuple) else "new"] = 1


def _containers(value: Any) -> list[Any]:
    found: list[Any] = []
    items = value.values() if isinstance(value, MappingProxyType) else value
    for item in items:
        if isinstance(item, MappingProxyType | tuple):
            found.append(item)
            found.extend(_containers(item))
    return found


@given(_inputs())
def test_a_score_table_is_immutable(kw: dict[str, Any]) -> None:
    _assert_immutable(ScoreTable(**kw))


@given(_inputs())
def test_the_callers_inputs_are_not_aliased(kw: dict[str, Any]) -> None:
    plain = copy.deepcopy(kw["config"])
    s = ScoreTable(**kw)
    before = _snapshot(s)
    assert s.config_hash == config_hash(plain)
    for value in kw.values():
        _mutate(value)
    assert _snapshot(s) == before


@given(_inputs(), st.data())
def test_take_preserves_immutability_and_configuration(
    kw: dict[str, Any], data: st.DataObject
) -> None:
    s = ScoreTable(**kw)
    n = len(s)
    rows = data.draw(st.lists(st.integers(0, max(n - 1, 0)), unique=True, max_size=n))
    part = s.take(rows)
    assert part.config_hash == s.config_hash
    assert part.config_dict() == s.config_dict()
    assert part.ids.tolist() == [s.ids[i] for i in rows]
    _assert_immutable(part)
    for value in kw.values():
        _mutate(value)
    assert part.config_hash == s.config_hash


@given(_inputs())
def test_pickling_round_trips_immutably(kw: dict[str, Any]) -> None:
    s = ScoreTable(**kw)
    back = pickle.loads(pickle.dumps(s))
    assert _snapshot(back) == _snapshot(s)
    _assert_immutable(back)


def test_assert_immutable_catches_a_writeable_array() -> None:
    s = ScoreTable(**_kw())
    object.__setattr__(s, "scores", np.ones(2))  # what the helper must notice
    with pytest.raises(AssertionError, match="scores"):
        _assert_immutable(s)
