"""Hysteresis: enter/exit thresholds per boundary, minimum dwell, scalar == vectorised."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from kamlib.errors import InvalidTypeError, InvalidValueError, UnknownIdError
from kamlib.signals import HysteresisBands, hysteresis_step, hysteresis_steps, initial_states

LIGHT_BANDS = HysteresisBands(("red", "yellow", "green"), enter=(50, 75), exit=(40, 65))


def test_examples_at_each_boundary() -> None:
    # yellow -> green needs 75; green -> yellow needs < 65
    assert hysteresis_step(LIGHT_BANDS, 1, 1, 74.9) == (1, 2)
    assert hysteresis_step(LIGHT_BANDS, 1, 1, 75.0) == (2, 1)
    assert hysteresis_step(LIGHT_BANDS, 2, 1, 65.0) == (2, 2)
    assert hysteresis_step(LIGHT_BANDS, 2, 1, 64.9) == (1, 1)
    # big jumps cross several boundaries at once
    assert hysteresis_step(LIGHT_BANDS, 2, 3, 10.0) == (0, 1)
    assert hysteresis_step(LIGHT_BANDS, 0, 3, 99.0) == (2, 1)
    # from red a score of 60 (inside yellow's enter zone) enters yellow
    assert hysteresis_step(LIGHT_BANDS, 0, 1, 60.0) == (1, 1)


def test_no_flapping_on_a_boundary() -> None:
    scores = [74, 76, 70, 76, 66, 74, 64, 70, 74]
    state, periods = 1, 1
    states = []
    for x in scores:
        state, periods = hysteresis_step(LIGHT_BANDS, state, periods, x)
        states.append(LIGHT_BANDS.label(state))
    # without hysteresis at a single cut of 70 the light would flip 7 times
    assert states == [
        "yellow",
        "green",
        "green",
        "green",
        "green",
        "green",
        "yellow",
        "yellow",
        "yellow",
    ]


def test_dwell_blocks_early_changes() -> None:
    bands = HysteresisBands(("low", "high"), enter=(60,), exit=(50,), min_dwell=3)
    assert hysteresis_step(bands, 0, 1, 90) == (0, 2)
    assert hysteresis_step(bands, 0, 2, 90) == (0, 3)
    assert hysteresis_step(bands, 0, 3, 90) == (1, 1)


def test_initial_states_use_enter_thresholds() -> None:
    s, p = initial_states(LIGHT_BANDS, [0.0, 49.9, 50.0, 74.9, 75.0])
    assert s.tolist() == [0, 0, 1, 1, 2]
    assert p.tolist() == [1] * 5


def test_labels_and_index() -> None:
    assert LIGHT_BANDS.index("green") == 2
    assert LIGHT_BANDS.label(0) == "red"
    with pytest.raises(UnknownIdError, match="'blue'"):
        LIGHT_BANDS.index("blue")
    with pytest.raises(InvalidValueError, match=r"state.*3"):
        LIGHT_BANDS.label(3)


# ---------------------------------------------------------------------------- bad input
@pytest.mark.parametrize(
    ("kwargs", "error", "pattern"),
    [
        ({"enter": (50, 75), "exit": (55, 65)}, InvalidValueError, r"exit\[0\].*55"),
        ({"enter": (50, 75), "exit": (40, 45)}, InvalidValueError, r"enter\[0\].*overlap.*50"),
        ({"enter": (50,), "exit": (40,)}, InvalidValueError, r"HysteresisBands.enter.*2"),
        ({"enter": (50, math.nan), "exit": (40, 65)}, InvalidValueError, r"enter\[1\].*nan"),
        ({"enter": (50, "x"), "exit": (40, 65)}, InvalidTypeError, r"enter\[1\].*'x'"),
        ({"min_dwell": 0}, InvalidValueError, r"min_dwell.*0"),
        ({"min_dwell": 1.5}, InvalidTypeError, r"min_dwell.*1.5"),
        ({"labels": ("a", "a", "b")}, InvalidValueError, r"labels.*unique"),
        ({"labels": ("a",), "enter": (), "exit": ()}, InvalidValueError, r"labels.*2 states"),
    ],
)
def test_bad_bands(kwargs: dict[str, object], error: type[Exception], pattern: str) -> None:
    args: dict[str, object] = {
        "labels": ("red", "yellow", "green"),
        "enter": (50, 75),
        "exit": (40, 65),
    }
    args.update(kwargs)
    with pytest.raises(error, match=pattern):
        HysteresisBands(**args)  # type: ignore[arg-type]


def test_bad_step_inputs() -> None:
    with pytest.raises(InvalidValueError, match=r"score.*nan"):
        hysteresis_step(LIGHT_BANDS, 0, 1, math.nan)
    with pytest.raises(InvalidValueError, match=r"state.*5"):
        hysteresis_step(LIGHT_BANDS, 5, 1, 1.0)
    with pytest.raises(InvalidTypeError, match=r"state.*True"):
        hysteresis_step(LIGHT_BANDS, True, 1, 1.0)
    with pytest.raises(InvalidValueError, match=r"periods.*0"):
        hysteresis_step(LIGHT_BANDS, 0, 0, 1.0)
    with pytest.raises(InvalidValueError, match=r"scores\[1\].*inf"):
        hysteresis_steps(LIGHT_BANDS, [0, 0], [1, 1], [1.0, math.inf])
    with pytest.raises(InvalidValueError, match=r"states\[0\].*-1"):
        hysteresis_steps(LIGHT_BANDS, [-1], [1], [1.0])
    with pytest.raises(InvalidValueError, match=r"periods\[0\].*0"):
        hysteresis_steps(LIGHT_BANDS, [0], [0], [1.0])
    with pytest.raises(InvalidTypeError, match=r"states.*float"):
        hysteresis_steps(LIGHT_BANDS, [0.5], [1], [1.0])
    with pytest.raises(InvalidValueError, match="must match"):
        hysteresis_steps(LIGHT_BANDS, [0, 1], [1], [1.0])


# ---------------------------------------------------------------------------- properties
@st.composite
def bands(draw: st.DrawFn) -> HysteresisBands:
    k = draw(st.integers(2, 5))
    cuts = sorted(draw(st.lists(st.floats(0, 100), min_size=2 * (k - 1), max_size=2 * (k - 1))))
    exits = tuple(cuts[0::2])
    enters = tuple(cuts[1::2])
    return HysteresisBands(
        tuple(f"s{i}" for i in range(k)),
        enter=enters,
        exit=exits,
        min_dwell=draw(st.integers(1, 4)),
    )


scores = st.floats(-10, 110, allow_nan=False)


@given(bands(), st.data())
def test_score_inside_a_gap_never_flips(b: HysteresisBands, data: st.DataObject) -> None:
    i = data.draw(st.integers(0, len(b.enter) - 1))
    lo, hi = b.exit[i], b.enter[i]
    if not lo < hi:
        return
    state = data.draw(st.sampled_from([i, i + 1]))
    periods = data.draw(st.integers(1, 10))
    for _ in range(data.draw(st.integers(1, 10))):
        x = data.draw(st.floats(lo, hi, exclude_max=True))
        new_state, periods = hysteresis_step(b, state, periods, x)
        assert new_state == state


@given(bands(), st.integers(0, 4), st.lists(scores, min_size=1, max_size=30))
def test_state_never_changes_before_the_dwell(
    b: HysteresisBands, start: int, xs: list[float]
) -> None:
    state, periods = min(start, len(b.labels) - 1), 1
    for x in xs:
        new_state, new_periods = hysteresis_step(b, state, periods, x)
        if new_state != state:
            assert periods >= b.min_dwell
            assert new_periods == 1
        else:
            assert new_periods == periods + 1
        state, periods = new_state, new_periods


@given(
    bands(),
    st.lists(st.tuples(st.integers(0, 4), st.integers(1, 6), scores), min_size=1, max_size=40),
)
@example(
    b=HysteresisBands(("a", "b", "c"), enter=(50, 50), exit=(50, 50)),
    rows=[(0, 1, 50.0), (2, 1, 49.9), (1, 1, 50.0)],
)
def test_scalar_equals_vectorised(b: HysteresisBands, rows: list[tuple[int, int, float]]) -> None:
    k = len(b.labels)
    states = [min(s, k - 1) for s, _, _ in rows]
    periods = [p for _, p, _ in rows]
    xs = [x for _, _, x in rows]
    vs, vp = hysteresis_steps(b, states, periods, xs)
    scalar = [hysteresis_step(b, s, p, x) for s, p, x in zip(states, periods, xs, strict=True)]
    assert vs.tolist() == [s for s, _ in scalar]
    assert vp.tolist() == [p for _, p in scalar]


@given(bands(), st.lists(scores, min_size=1, max_size=20))
def test_states_agree_with_plain_thresholds_outside_every_gap(
    b: HysteresisBands, xs: list[float]
) -> None:
    """Far from every gap the state is the plain band of the score (after the dwell)."""
    no_dwell = HysteresisBands(b.labels, b.enter, b.exit, 1)
    s0, p0 = initial_states(no_dwell, xs)
    edges = np.asarray(b.enter)
    in_gap = np.zeros(len(xs), dtype=bool)
    for lo, hi in zip(b.exit, b.enter, strict=True):
        in_gap |= (np.asarray(xs) >= lo) & (np.asarray(xs) < hi)
    plain = np.searchsorted(edges, xs, side="right")
    s1, _ = hysteresis_steps(no_dwell, np.zeros(len(xs), dtype=np.int64), p0, xs)
    assert (s1[~in_gap] == plain[~in_gap]).all()
    assert (s0 == s1).all()


def test_numpy_integer_dwell_is_accepted() -> None:
    b = HysteresisBands(("a", "b"), (1,), (0,), min_dwell=np.int64(2))
    assert b.min_dwell == 2
    assert type(b.min_dwell) is int
    with pytest.raises(InvalidTypeError):
        HysteresisBands(("a", "b"), (1,), (0,), min_dwell=True)


def test_empty_batches_and_argument_names() -> None:
    """Review #19: [] was 'states must hold integers; got float64'; None blamed 'states'."""
    b = HysteresisBands(("r", "y", "g"), (50, 75), (40, 65))
    s, p = hysteresis_steps(b, [], [], [])
    assert (s.tolist(), p.tolist()) == ([], [])
    assert s.dtype == p.dtype == np.dtype(np.int64)
    s, p = initial_states(b, [])
    assert (s.tolist(), p.tolist()) == ([], [])
    for bad in (None, "abc", [[1.0]], [True]):
        with pytest.raises((InvalidTypeError, InvalidValueError), match=r"^scores"):
            initial_states(b, bad)
    with pytest.raises(InvalidValueError, match=r"^scores"):
        hysteresis_steps(b, [0], [1], [[50.0]])
