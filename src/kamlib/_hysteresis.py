"""Hysteresis for lights and tiers: separate enter and exit thresholds, minimum dwell.

A state derived from a score (a tier, a score-based light) flaps when the score hovers at a
boundary. Hysteresis fixes it with two thresholds per boundary: to *enter* the upper state
the score must reach ``enter``; to *exit* it back down the score must fall below ``exit``
(``exit <= enter``). A score inside the gap ``[exit, enter)`` keeps the current state. A
minimum dwell adds a second guard: a state must hold ``min_dwell`` periods before it may
change.

Everything here is a pure function of ``(previous state, periods in state, new score)``:
`hysteresis_step` for one account, `hysteresis_steps` for arrays (same
answers, vectorised). States are integer positions in `HysteresisBands.labels`,
ordered from the lowest score band to the highest.

Examples:
    >>> from kamlib.signals import HysteresisBands, hysteresis_step
    >>> bands = HysteresisBands(("red", "yellow", "green"), enter=(50, 75), exit=(40, 65))
    >>> state, periods = 1, 3                       # yellow for three periods
    >>> hysteresis_step(bands, state, periods, 72)  # below 75: stays yellow
    (1, 4)
    >>> hysteresis_step(bands, state, periods, 76)  # reaches 75: enters green
    (2, 1)
    >>> hysteresis_step(bands, 2, 1, 70)            # green holds until below 65
    (2, 2)
"""

from __future__ import annotations

import math
import numbers

import attrs
import numpy as np
from numpy.typing import NDArray

from kamlib._table import MAGNITUDE
from kamlib._validators import (
    as_float_tuple,
    as_int,
    as_tuple,
    each,
    instance_of,
    non_empty_str,
    real,
)
from kamlib.errors import InvalidTypeError, InvalidValueError, UnknownIdError

__all__ = ["HysteresisBands", "hysteresis_step", "hysteresis_steps", "initial_states"]

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]


@attrs.frozen
class HysteresisBands:
    """Ordered states with an enter and an exit threshold per boundary, and a dwell.

    Boundary ``i`` lies between ``labels[i]`` and ``labels[i + 1]``. Moving *up* across it
    needs ``score >= enter[i]``; moving *down* needs ``score < exit[i]``. Rules checked on
    construction: ``exit[i] <= enter[i]`` (ordering) and ``enter[i] <= exit[i + 1]`` (the
    gaps of neighbouring boundaries do not overlap), so every score has one answer.

    Attributes:
        labels: State names from the lowest band to the highest (at least two, unique).
        enter: ``len(labels) - 1`` thresholds to enter the upper state of each boundary.
        exit: ``len(labels) - 1`` thresholds below which the upper state is left.
        min_dwell: Periods a state must hold before it may change (``>= 1``; 1 = no
            dwell guard).

    Examples:
        >>> from kamlib.signals import HysteresisBands
        >>> HysteresisBands(("low", "high"), enter=(60,), exit=(50,), min_dwell=2).min_dwell
        2
        >>> HysteresisBands(("low", "high"), enter=(50,), exit=(60,))
        Traceback (most recent call last):
        ...
        kamlib.errors.InvalidValueError: HysteresisBands.exit[0]: must be <= enter[0] (50.0); \
got 60.0
    """

    labels: tuple[str, ...] = attrs.field(converter=as_tuple, validator=each(non_empty_str()))
    enter: tuple[float, ...] = attrs.field(
        converter=as_float_tuple, validator=each(real(**MAGNITUDE))
    )
    exit: tuple[float, ...] = attrs.field(
        converter=as_float_tuple, validator=each(real(**MAGNITUDE))
    )
    min_dwell: int = attrs.field(default=1, converter=as_int, validator=instance_of(int))

    def __attrs_post_init__(self) -> None:
        k = len(self.labels)
        if k < 2:
            raise InvalidValueError("HysteresisBands.labels", self.labels, "needs >= 2 states")
        if len(set(self.labels)) != k:
            raise InvalidValueError("HysteresisBands.labels", self.labels, "must be unique")
        for name in ("enter", "exit"):
            v = getattr(self, name)
            if len(v) != k - 1:
                raise InvalidValueError(
                    f"HysteresisBands.{name}", v, f"must hold {k - 1} thresholds (one per boundary)"
                )
        for i, (en, ex) in enumerate(zip(self.enter, self.exit, strict=True)):
            if ex > en:
                raise InvalidValueError(
                    f"HysteresisBands.exit[{i}]", ex, f"must be <= enter[{i}] ({en})"
                )
            if i + 1 < k - 1 and en > self.exit[i + 1]:
                raise InvalidValueError(
                    f"HysteresisBands.enter[{i}]",
                    en,
                    f"must be <= exit[{i + 1}] ({self.exit[i + 1]}): bands would overlap",
                )
        if self.min_dwell < 1:
            raise InvalidValueError("HysteresisBands.min_dwell", self.min_dwell, "must be >= 1")

    def index(self, label: str) -> int:
        """Return the state index of ``label``.

        Raises:
            UnknownIdError: Not one of the labels.

        Examples:
            >>> from kamlib.signals import HysteresisBands
            >>> HysteresisBands(("low", "high"), enter=(60,), exit=(50,)).index("high")
            1
        """
        try:
            return self.labels.index(label)
        except ValueError:
            raise UnknownIdError("label", label, f"must be one of {list(self.labels)}") from None

    def label(self, state: int) -> str:
        """Return the label of state index ``state``.

        Examples:
            >>> from kamlib.signals import HysteresisBands
            >>> HysteresisBands(("low", "high"), enter=(60,), exit=(50,)).label(0)
            'low'
        """
        _check_state(self, state, "state")
        return self.labels[state]


def _check_state(bands: HysteresisBands, state: object, path: str) -> int:
    if isinstance(state, bool) or not isinstance(state, numbers.Integral):
        raise InvalidTypeError(path, state, "must be an int state index")
    s = int(state)
    if not 0 <= s < len(bands.labels):
        raise InvalidValueError(path, s, f"must be in [0, {len(bands.labels) - 1}]")
    return s


def hysteresis_step(
    bands: HysteresisBands, state: int, periods: int, score: float
) -> tuple[int, int]:
    """Return ``(new_state, periods_in_new_state)`` for one account (pure).

    The length-1 case of `hysteresis_steps`: the same rule, the same code.

    The target state moves up while ``score >= enter`` of the boundary above, and down
    while ``score < exit`` of the boundary below (several boundaries at once for a big
    jump). The state changes only when the target differs *and* the current state has
    held at least ``min_dwell`` periods; then the period count restarts at 1, otherwise
    it grows by 1.

    Args:
        bands: The bands.
        state: Current state index.
        periods: Periods the current state has held (``>= 1``).
        score: The new score (finite).

    Raises:
        InvalidTypeError: Non-integer state or periods, non-real score.
        InvalidValueError: State out of range, ``periods < 1``, non-finite score.

    Examples:
        >>> from kamlib.signals import HysteresisBands, hysteresis_step
        >>> b = HysteresisBands(("low", "mid", "high"), enter=(40, 70), exit=(30, 60),
        ...                     min_dwell=2)
        >>> hysteresis_step(b, 0, 1, 90)  # must hold two periods first
        (0, 2)
        >>> hysteresis_step(b, 0, 2, 90)  # jumps straight to high
        (2, 1)
    """
    s = _check_state(bands, state, "state")
    per: object = periods
    if isinstance(per, bool) or not isinstance(per, numbers.Integral):
        raise InvalidTypeError("periods", per, "must be an int")
    d = int(per)
    if d < 1:
        raise InvalidValueError("periods", d, "must be >= 1")
    sc: object = score
    if isinstance(sc, bool) or not isinstance(sc, numbers.Real):
        raise InvalidTypeError("score", sc, "must be a real number")
    x = float(sc)
    if not math.isfinite(x):
        raise InvalidValueError("score", score, "must be finite")
    # the length-1 case of the vectorised rule: one formula, not two
    states, held = hysteresis_steps(bands, [s], [d], [x])
    return int(states[0]), int(held[0])


def _int_array(path: str, values: object) -> IntArray:
    try:
        arr = np.asarray(values)
    except Exception:
        raise InvalidTypeError(path, values, "must be array-like of int") from None
    if arr.ndim == 1 and arr.size == 0:  # [] is float64 to numpy: an empty batch is fine
        return np.zeros(0, dtype=np.int64)
    if arr.dtype == np.bool_ or arr.dtype.kind not in "iu":
        raise InvalidTypeError(path, str(arr.dtype), "must hold integers")
    if arr.ndim != 1:
        raise InvalidValueError(path, arr.shape, "must be one-dimensional")
    out: IntArray = arr.astype(np.int64)
    return out


def _score_array(scores: object) -> FloatArray:
    try:
        x = np.asarray(scores)
    except Exception:
        raise InvalidTypeError("scores", scores, "must be array-like of numbers") from None
    if x.ndim == 1 and x.size == 0:
        return np.zeros(0, dtype=np.float64)
    if x.dtype == np.bool_ or x.dtype.kind not in "iuf":
        shown = scores if x.ndim == 0 else str(x.dtype)  # never echo a whole array
        raise InvalidTypeError("scores", shown, "must be array-like of real numbers")
    if x.ndim != 1:
        raise InvalidValueError("scores", x.shape, "must be one-dimensional")
    out: FloatArray = x.astype(np.float64)
    return out


def hysteresis_steps(
    bands: HysteresisBands, states: object, periods: object, scores: object
) -> tuple[IntArray, IntArray]:
    """Vectorised `hysteresis_step`: arrays in, ``(new_states, new_periods)`` out.

    Same answer as the scalar function for every element. With ``U`` = number of
    ``enter`` thresholds reached and ``D`` = number of ``exit`` thresholds not broken, the
    target is ``clip(state, U, D)``.

    Args:
        bands: The bands.
        states: ``(n,)`` current state indices.
        periods: ``(n,)`` periods each state has held (``>= 1``).
        scores: ``(n,)`` new scores (finite).

    Raises:
        InvalidTypeError: Non-integer states or periods, non-numeric scores (empty
            sequences are fine: an empty batch gives empty results).
        InvalidValueError: Shapes differ, a state out of range, a period below 1, a
            non-finite score (the message names the first bad position).

    Examples:
        >>> import numpy as np
        >>> from kamlib.signals import HysteresisBands, hysteresis_steps
        >>> b = HysteresisBands(("red", "yellow", "green"), enter=(50, 75), exit=(40, 65))
        >>> s, p = hysteresis_steps(b, [1, 1, 2, 0], [3, 3, 1, 5], [72.0, 76.0, 70.0, 45.0])
        >>> s.tolist(), p.tolist()
        ([1, 2, 2, 0], [4, 1, 2, 6])
    """
    st = _int_array("states", states)
    pe = _int_array("periods", periods)
    x = _score_array(scores)
    if not st.shape == pe.shape == x.shape:
        raise InvalidValueError(
            "scores", (st.shape, pe.shape, x.shape), "states, periods and scores must match"
        )
    k = len(bands.labels)
    bad = (st < 0) | (st >= k)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise InvalidValueError(f"states[{i}]", int(st[i]), f"must be in [0, {k - 1}]")
    if (pe < 1).any():
        i = int(np.flatnonzero(pe < 1)[0])
        raise InvalidValueError(f"periods[{i}]", int(pe[i]), "must be >= 1")
    if not np.isfinite(x).all():
        i = int(np.flatnonzero(~np.isfinite(x))[0])
        raise InvalidValueError(f"scores[{i}]", float(x[i]), "must be finite")
    # U = number of enter thresholds <= x, D = number of exit thresholds <= x; a few
    # thresholds, so counting comparisons beats a binary search per score.
    target = st.copy()
    up = np.zeros(x.shape, dtype=np.int64)
    down = np.zeros(x.shape, dtype=np.int64)
    for en, ex in zip(bands.enter, bands.exit, strict=True):
        up += x >= en
        down += x >= ex
    np.maximum(target, up, out=target)
    np.minimum(target, down, out=target)
    change = target != st
    if bands.min_dwell > 1:
        change &= pe >= bands.min_dwell
    new_states = np.where(change, target, st)
    new_periods = np.where(change, 1, pe + 1)
    return new_states, new_periods


def initial_states(bands: HysteresisBands, scores: object) -> tuple[IntArray, IntArray]:
    """Return first-period states (``enter`` thresholds only) and period counts of 1.

    With no history an account starts in the highest state whose ``enter`` threshold its
    score reaches: entering a better band always takes the full ``enter`` score.

    Examples:
        >>> from kamlib.signals import HysteresisBands, initial_states
        >>> b = HysteresisBands(("red", "yellow", "green"), enter=(50, 75), exit=(40, 65))
        >>> s, p = initial_states(b, [10.0, 60.0, 80.0])
        >>> s.tolist(), p.tolist()
        ([0, 1, 2], [1, 1, 1])
    """
    x = _score_array(scores)  # checked here, so errors name the ``scores`` argument
    zeros = np.zeros(x.shape, dtype=np.int64)
    # From the lowest state with no dwell guard, one step reaches exactly ``U``.
    probe = attrs.evolve(bands, min_dwell=1)
    states, _ = hysteresis_steps(probe, zeros, np.ones(x.shape, dtype=np.int64), x)
    return states, np.ones(states.shape, dtype=np.int64)
