"""Health measures: one raw feature mapped to 0-100 health points by the one mapping system.

A `Measure` holds one of the shared mappings of
`kamlib.scoring._mappings`
([`MinMax`][kamlib.scoring.MinMax], [`Percentile`][kamlib.scoring.Percentile],
[`Bands`][kamlib.scoring.Bands], [`Piecewise`][kamlib.scoring.Piecewise]), which give 0-10 points;
the health scale is 0-100, and `POINTS_TO_HEALTH` (10) is the one place where one
becomes the other.
"""

from __future__ import annotations

import math

import attrs
import numpy as np
from numpy.typing import NDArray

from kamlib._validators import as_float, instance_of, non_empty_str, one_of, optional, real
from kamlib.errors import InvalidValueError
from kamlib.scoring._kernel import MISSING_POLICIES
from kamlib.scoring._mappings import (
    POINTS_MAX,
    AnyMapping,
    Bands,
    MinMax,
    Percentile,
    Piecewise,
    PointsFn,
    mapping_learn,
    points_fn,
)
from kamlib.scoring._population import ArraySample, Sample, canonical

__all__ = [
    "DEFAULT_FILL_POINTS",
    "DEFAULT_MEASURES",
    "DIRECTIONS",
    "HEALTH_MAX",
    "POINTS_TO_HEALTH",
    "Measure",
]

FloatArray = NDArray[np.float64]

DIRECTIONS: tuple[str, ...] = ("benefit", "cost")
HEALTH_MAX = 100.0
"""Top of the health scale: measures, nodes and the overall score run from 0 to 100."""
POINTS_TO_HEALTH = HEALTH_MAX / POINTS_MAX
"""10: a mapping's 0-10 points times this are a measure's 0-100 health points (the one place)."""
DEFAULT_FILL_POINTS = 50.0
"""Health points of a missing value under ``missing="fill"`` unless ``fill_points`` is given
(the middle of the scale: kamlib's choice, the sources give none)."""


def _default_fill(self: Measure) -> float | None:
    return DEFAULT_FILL_POINTS if self.missing == "fill" else None


@attrs.frozen
class Measure:
    """One leaf of the health tree: a raw feature mapped to 0-100 health points.

    The ``mapping`` is one of the shared mappings (the same ones the weighted-points
    criteria use), giving 0-10 points; the measure multiplies them by
    `POINTS_TO_HEALTH` (10) to reach the 0-100 health scale, then applies the
    direction (``"cost"``: ``100 - p``, more is worse). NaN stays NaN.

    * ``MinMax()`` (default): linear between the observed minimum and maximum, learned by
      `HealthModel.fit`; ``MinMax(0, 100)`` is a fixed range, never refitted. A
      constant range gives every account 50. Must clip (``clip=True``): health points
      stay in 0-100.
    * ``Percentile()``: the value's percentile among the fitted population, from 101
      fitted quantiles (0 %, 1 %, ..., 100 %), linear between them.
    * ``Bands(edges, points)`` and ``Piecewise(xs, ys)``: fixed steps or knots, their
      points given on the 0-10 scale.

    Missing values (``missing``, the one vocabulary of
    `kamlib.scoring._kernel.MISSING_POLICIES`):
    ``"renormalise"`` (default) leaves
    the measure out for that account and renormalises its siblings' weights;
    ``"fill"`` gives it ``fill_points`` (0-100 health points, default 50);
    ``"penalty"`` gives it 0 points (the bottom of the scale); ``"raise"`` makes
    `HealthModel.score` raise [`InvalidValueError`][kamlib.errors.InvalidValueError] naming the
    account and the measure.

    Attributes:
        name: Component name, unique in the model (shown in contributions).
        feature: Feature column read; defaults to ``name``.
        direction: ``"benefit"`` (more is better) or ``"cost"``.
        mapping: ``MinMax``, ``Percentile``, ``Bands`` or ``Piecewise`` (default ``MinMax()``).
        missing: Missing-data policy: ``"renormalise"``, ``"fill"``, ``"penalty"``, ``"raise"``.
        fill_points: Health points (0-100) of a missing value under ``"fill"`` (default 50);
            only used by ``"fill"``.

    Examples:
        >>> from kamlib.scoring import Measure, MinMax, Percentile
        >>> Measure("satisfaction", mapping=MinMax(0, 100)).is_fitted
        True
        >>> Measure("revenue_growth", mapping=Percentile()).is_fitted
        False
        >>> Measure("nps", missing="fill").fill_points
        50.0
        >>> Measure("x", missing="penalty", fill_points=10)
        Traceback (most recent call last):
        ...
        kamlib.errors.InvalidValueError: Measure.fill_points: is only used by missing='fill'; \
got 10.0
    """

    name: str = attrs.field(validator=non_empty_str())
    feature: str = attrs.field(
        default=attrs.Factory(lambda self: self.name, takes_self=True),
        validator=non_empty_str(),
    )
    direction: str = attrs.field(default="benefit", validator=one_of(*DIRECTIONS))
    mapping: AnyMapping = attrs.field(
        factory=MinMax, validator=instance_of(MinMax, Percentile, Bands, Piecewise)
    )
    missing: str = attrs.field(default="renormalise", validator=one_of(*MISSING_POLICIES))
    fill_points: float | None = attrs.field(
        default=attrs.Factory(_default_fill, takes_self=True),
        converter=as_float,
        validator=optional(real(ge=0.0, le=HEALTH_MAX)),
    )

    def __attrs_post_init__(self) -> None:
        cls = type(self).__name__
        if isinstance(self.mapping, MinMax) and not self.mapping.clip:
            raise InvalidValueError(
                f"{cls}.mapping",
                self.mapping,
                "must clip (MinMax(..., clip=True)): health points stay in 0-100",
            )
        if self.missing == "fill" and self.fill_points is None:
            raise InvalidValueError(
                f"{cls}.fill_points", None, "is required by missing='fill' (0-100 points)"
            )
        if self.missing != "fill" and self.fill_points is not None:
            raise InvalidValueError(
                f"{cls}.fill_points", self.fill_points, "is only used by missing='fill'"
            )

    @property
    def is_fitted(self) -> bool:
        """True when the mapping can map values (a given range or knots, or fitted ones).

        Examples:
            >>> from kamlib.scoring import Measure, MinMax
            >>> Measure("x", mapping=MinMax(0, 1)).is_fitted, Measure("x").is_fitted
            (True, False)
        """
        return self.mapping.is_fitted

    def fitted(self, observed: FloatArray) -> Measure:
        """Return the measure with what its mapping still lacks learned from ``observed``.

        Pinned means pinned: a mapping that already has its range or knots (given, or a
        fitted config loaded back) is kept as it is, and so is the measure.

        Args:
            observed: The observed (not missing) values of the measure's feature.

        Raises:
            InvalidValueError: The mapping needs fitting and no value is observed.

        Examples:
            >>> import numpy as np
            >>> from kamlib.scoring import Measure
            >>> Measure("x").fitted(np.array([3.0, 1.0, 2.0])).mapping
            MinMax(lo=1.0, hi=3.0, clip=True)
        """
        if self.is_fitted:
            return self  # pinned means pinned
        return self._learned(ArraySample(canonical(observed)))

    def _learned(self, sample: Sample) -> Measure:
        """`fitted` from a sample of the observed values (in memory, or from pieces)."""
        if self.is_fitted:
            return self
        if sample.size == 0:
            raise InvalidValueError(
                f"HealthModel.measures[{self.name!r}]",
                self.feature,
                "has no observed value to fit",
            )
        path = f"HealthModel.measures[{self.name!r}].mapping"
        return attrs.evolve(self, mapping=mapping_learn(self.mapping, sample, path))

    def points(self, x: FloatArray, *, inside: bool = False) -> FloatArray:
        """Map raw values to 0-100 health points (direction applied; NaN stays NaN).

        ``POINTS_TO_HEALTH * mapping.points(x)``, then ``100 - p`` for ``"cost"``: element
        by element, so every account's points depend on its own value only. A `MinMax`
        with a range wider than a float's spacing is folded into two operations,
        ``(clip(x, lo, hi) - lo) * s`` with ``s = 100 / (hi - lo)`` rounded down until
        ``(hi - lo) * s <= 100``, so ``hi`` gets at most 100 points (kamlib's arithmetic;
        it equals ``10 * MinMax.points`` up to rounding).

        Args:
            x: Raw values of the measure's feature.
            inside: The caller knows every value lies in the mapping's range (a
                FeatureTable's kept bounds tell): the clip, then the identity, is skipped,
                which changes no bit.

        Raises:
            NotFittedError: The mapping still needs `HealthModel.fit`.

        Examples:
            >>> import numpy as np
            >>> from kamlib.scoring import Measure, MinMax
            >>> m = Measure("x", direction="cost", mapping=MinMax(0, 10))
            >>> m.points(np.array([0.0, 2.5, 20.0])).tolist()
            [100.0, 75.0, 0.0]
        """
        return self.compiled(inside=inside)(x, np.empty(np.shape(x), dtype=np.float64))

    def compiled(self, *, inside: bool = False) -> PointsFn:
        """Return `points` compiled once: ``fn(x, out)`` (for blocked kernels).

        Raises:
            NotFittedError: The mapping still needs `HealthModel.fit`.

        Examples:
            >>> import numpy as np
            >>> from kamlib.scoring import Measure, MinMax
            >>> fn = Measure("x", mapping=MinMax(0, 10)).compiled(inside=True)
            >>> fn(np.array([2.5]), np.empty(1)).tolist()
            [25.0]
        """
        m = self.mapping
        cost = self.direction == "cost"
        fold = _health_fold(m) if isinstance(m, MinMax) else None
        if fold is not None:
            lo, hi, scale = fold

            def folded(x: FloatArray, out: FloatArray) -> FloatArray:
                if inside:
                    np.subtract(x, lo, out=out)
                else:  # clip the value to the range first (NaN stays NaN)
                    np.maximum(x, lo, out=out)
                    np.minimum(out, hi, out=out)
                    out -= lo
                out *= scale
                if cost:
                    np.subtract(HEALTH_MAX, out, out=out)
                return out

            return folded
        inner = points_fn(m)

        def mapped(x: FloatArray, out: FloatArray) -> FloatArray:
            # A range narrower than a float's spacing makes MinMax's quotient overflow to
            # inf, which its clip turns into the top of the scale: the right answer.
            with np.errstate(over="ignore"):
                inner(x, out)
            out *= POINTS_TO_HEALTH
            if cost:
                np.subtract(HEALTH_MAX, out, out=out)
            return out

        return mapped

    def inside(self, lo: float, hi: float) -> bool:
        """Whether values observed within ``[lo, hi]`` need no clip (see `points`).

        Examples:
            >>> from kamlib.scoring import Measure, MinMax
            >>> m = Measure("x", mapping=MinMax(0, 10))
            >>> m.inside(1.0, 9.0), m.inside(-1.0, 9.0)
            (True, False)
        """
        m = self.mapping
        return (
            isinstance(m, MinMax)
            and m.lo is not None
            and m.hi is not None
            and lo >= m.lo
            and hi <= m.hi
        )


def _health_fold(m: MinMax) -> tuple[float, float, float] | None:
    """``(lo, hi, s)``: ``(x - lo) * s`` are the health points of ``x`` in ``[lo, hi]``.

    Rounded down until ``(hi - lo) * s <= 100``: every value in the range then gets points
    in ``[0, 100]`` (rounding is monotone). ``None`` for an unfitted or constant range, or
    one so narrow that ``100 / (hi - lo)`` overflows (those keep `MinMax.points`).
    """
    if m.lo is None or m.hi is None or not m.hi > m.lo:
        return None
    width = m.hi - m.lo
    s = HEALTH_MAX / width
    if not math.isfinite(s):
        return None
    while width * s > HEALTH_MAX:
        s = math.nextafter(s, 0.0)
    return m.lo, m.hi, s


#: Source measures [000]: business (purchase stability, growth), relationship (interaction
#: frequency, satisfaction), ecosystem (cooperation breadth). The mappings are kamlib's
#: defaults: purchase stability fixed 0-1, growth by percentile, interaction frequency
#: and breadth min-max learned by ``fit``, satisfaction fixed 0-100.
DEFAULT_MEASURES: tuple[Measure, ...] = (
    Measure("purchase_stability", mapping=MinMax(0.0, 1.0)),
    Measure("revenue_growth", mapping=Percentile(n_knots=101)),
    Measure("interaction_frequency", mapping=MinMax()),
    Measure("satisfaction", mapping=MinMax(0.0, 100.0)),
    Measure("cooperation_breadth", mapping=MinMax()),
)
