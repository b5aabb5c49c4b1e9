"""Raw value -> points mappings (0 to 10) and the parameter checks the scorers share.

Each criterion is scored **0 to 10** points (source [004]'s weighted-points example rates
its criteria, of CRM vendors, out of 10; the scale for accounts is kamlib's choice). A
mapping turns a raw feature value into such "benefit points" (more is better);
a criterion read in the *cost* direction takes ``10 - points``.

Four mappings:

- `MinMax` — linear between a low and a high value (fixed, or learned by ``fit``).
- `Percentile` — the account's percentile among the fitted population, times 10.
- `Bands` — step bands: fixed points per value band.
- `Piecewise` — piecewise-linear through given ``(x, points)`` knots.

Every mapping is immutable; ``fit`` returns a new mapping; ``get_config`` /
`mapping_from_config` give a JSON-compatible round trip.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any, ClassVar, Protocol, Self, TypeVar, cast

import attrs
import numpy as np
from numpy.typing import NDArray

from kamlib._table import MAGNITUDE
from kamlib._validators import (
    as_float,
    as_float_tuple,
    as_int,
    each,
    flag,
    integer,
    optional,
    real,
)
from kamlib.errors import InvalidValueError, NotFittedError
from kamlib.scoring._kernel import Interp
from kamlib.scoring._population import ArraySample, Need, Sample, canonical

__all__ = [
    "POINTS_MAX",
    "Bands",
    "MinMax",
    "Percentile",
    "Piecewise",
    "PointsMapping",
]

FloatArray = NDArray[np.float64]
POINTS_MAX = 10.0
"""Each criterion scores 0 to 10 points (as in source [004]'s example; kamlib's scale).

Examples:
    >>> import numpy as np
    >>> from kamlib.scoring import MinMax
    >>> from kamlib.scoring._mappings import POINTS_MAX
    >>> float(MinMax(0, 1).points(np.array([1.0]))[0]) == POINTS_MAX
    True
"""
PERCENTILE_MAX_KNOTS = 10_001
"""Upper bound of ``Percentile(n_knots=...)``: a knot every 0.01 % (the config stores them)."""


# ---------------------------------------------------------------------------- param checks
# ---------------------------------------------------------------------------- protocol
class PointsMapping(Protocol):
    """A raw value -> benefit points (0..10) mapping.

    Examples:
        >>> from kamlib.scoring import MinMax
        >>> MinMax(0, 10).kind
        'min_max'
    """

    kind: ClassVar[str]

    @property
    def is_fitted(self) -> bool:
        """True when `points` can run."""
        ...

    def fit(self, x: FloatArray, path: str) -> Self:
        """Learn from the observed (finite) values ``x``; return a new mapping."""
        ...

    def points(self, x: FloatArray) -> FloatArray:
        """Return benefit points for ``x`` (NaN stays NaN)."""
        ...

    def get_config(self) -> dict[str, Any]:
        """Return a JSON-compatible description (with ``kind``)."""
        ...


def _config_dict(m: Any) -> dict[str, Any]:
    """A mapping's config, by the one scorer-config converter (``{"kind": ..., ...}``)."""
    from kamlib.scoring._config import mapping_config  # the converter builds on this module

    return mapping_config(m)


_SAFE_GAP = 1e-290
"""Knots at least this far apart keep every slope (points per unit, <= 10 / gap) finite."""


PointsFn = Callable[[FloatArray, FloatArray], FloatArray]
"""A compiled mapping: ``fn(x, out)`` writes the points of ``x`` into ``out``, returns it."""


def _curve_fn(xp: FloatArray, fp: FloatArray) -> PointsFn:
    """Piecewise-linear through strictly increasing ``xp``, flat outside; NaN stays NaN.

    `Interp` (``np.interp``'s formula, bit for bit, found faster) where no slope can
    overflow (a choice fixed by the knots, never by the data); between knots closer than
    `_SAFE_GAP` the segment fraction ``(x - a) / (b - a)``, clipped to [0, 1], is used
    instead, so points stay finite. Compiled once per call of ``points``, or once per
    score for a blocked kernel.
    """
    if float(np.diff(xp).min()) >= _SAFE_GAP:
        return Interp.build(xp, fp).into

    def fraction(x: FloatArray, out: FloatArray) -> FloatArray:
        i = np.clip(np.searchsorted(xp, x, side="right") - 1, 0, xp.size - 2)
        a, b = xp[i], xp[i + 1]
        with np.errstate(over="ignore", invalid="ignore"):
            t = np.clip((x - a) / (b - a), 0.0, 1.0)
        np.add(fp[i], t * (fp[i + 1] - fp[i]), out=out)
        return out

    return fraction


def _constant_fn(x: FloatArray, out: FloatArray) -> FloatArray:
    """Every account the middle of the scale (a constant population); NaN stays NaN."""
    out[...] = POINTS_MAX / 2
    out[np.isnan(x)] = np.nan
    return out


def _fresh(fn: PointsFn, x: FloatArray) -> FloatArray:
    return fn(x, np.empty(np.shape(x), dtype=np.float64))


def points_fn(mapping: AnyMapping) -> PointsFn:
    """The compiled form of ``mapping.points``: the same bits, written into ``out``.

    `Percentile` and `Piecewise` build their curve once here; the others call ``points``.
    """
    if isinstance(mapping, Percentile | Piecewise):
        return mapping.compiled()

    def generic(x: FloatArray, out: FloatArray) -> FloatArray:
        np.copyto(out, mapping.points(x))
        return out

    return generic


def _nonempty(sample: Sample, path: str) -> Sample:
    if sample.size == 0:
        raise InvalidValueError(path, "all missing", "cannot be fitted: no observed value")
    return sample


# ---------------------------------------------------------------------------- MinMax
@attrs.frozen
class MinMax:
    """Linear points ``10 * (x - lo) / (hi - lo)``, clipped to [0, 10] by default.

    With ``lo`` and ``hi`` given, the range is pinned and ``fit`` keeps it. Without them,
    ``fit`` learns the observed minimum and maximum; the learned range is part of the
    configuration, so a pinned config scores without re-fitting, and a fitted mapping is
    never re-learned (pinned means pinned: to re-learn, fit a mapping without a range). A
    constant population (``lo == hi``) gives every account 5 points.

    Attributes:
        lo: Value that gets 0 points (``None``: learn it); at most ``1e15`` in magnitude.
        hi: Value that gets 10 points (``None``: learn it); ``hi >= lo``.
        clip: Clip points to [0, 10] for values outside ``[lo, hi]`` (default True). With
            ``clip=False`` a value beyond the range gets points beyond [0, 10].

    Examples:
        >>> import numpy as np
        >>> from kamlib.scoring import MinMax
        >>> MinMax(0, 200).points(np.array([50.0, 250.0])).tolist()
        [2.5, 10.0]
        >>> MinMax().fit(np.array([1.0, 3.0]), "x").get_config()
        {'kind': 'min_max', 'lo': 1.0, 'hi': 3.0, 'clip': True}
        >>> MinMax(5, 1)
        Traceback (most recent call last):
        ...
        kamlib.errors.InvalidValueError: MinMax.hi: must be >= lo (5.0); got 1.0
    """

    kind: ClassVar[str] = "min_max"
    lo: float | None = attrs.field(
        default=None, converter=as_float, validator=optional(real(**MAGNITUDE))
    )
    hi: float | None = attrs.field(
        default=None, converter=as_float, validator=optional(real(**MAGNITUDE))
    )
    clip: bool = attrs.field(default=True, kw_only=True, validator=flag())

    def __attrs_post_init__(self) -> None:
        if (self.lo is None) != (self.hi is None):
            raise InvalidValueError(
                "MinMax.lo", self.lo, "and hi must be given together or not at all"
            )
        if self.lo is not None and self.hi is not None and self.hi < self.lo:
            raise InvalidValueError("MinMax.hi", self.hi, f"must be >= lo ({self.lo})")

    @property
    def is_fitted(self) -> bool:
        """True when the range is known.

        Examples:
            >>> import numpy as np
            >>> from kamlib.scoring import MinMax
            >>> MinMax().is_fitted, MinMax().fit(np.array([1.0, 3.0]), "x").is_fitted
            (False, True)
            >>> MinMax(0, 10).is_fitted
            True
        """
        return self.lo is not None

    def fit(self, x: FloatArray, path: str) -> MinMax:
        """Learn the observed range if it is unset; a known range is kept as it is.

        Missing values (NaN) are ignored; ``path`` names the data in the error.

        Raises:
            InvalidValueError: The range is unset and no value of ``x`` is observed.

        Examples:
            >>> import numpy as np
            >>> from kamlib.scoring import MinMax
            >>> MinMax().fit(np.array([3.0, np.nan, 1.0]), "x")
            MinMax(lo=1.0, hi=3.0, clip=True)
            >>> fixed = MinMax(0, 10)
            >>> fixed.fit(np.array([50.0]), "x") is fixed  # a given range is kept
            True
            >>> MinMax().fit(np.array([np.nan]), "x")
            Traceback (most recent call last):
            ...
            kamlib.errors.InvalidValueError: x: cannot be fitted: no observed value; \
got 'all missing'
        """
        if self.is_fitted:
            return self
        return self.learn(ArraySample(canonical(x)), path)

    def need(self) -> Need:
        """What `learn` reads of the population: its minimum and maximum.

        Examples:
            >>> from kamlib.scoring import MinMax
            >>> MinMax().need().extremes
            True
        """
        return Need(extremes=True)

    def learn(self, sample: Sample, path: str) -> MinMax:
        """Learn the range from a sample of the observed values (see `fit`).

        `fit` learns from the values in memory; a fit on pieces
        ([`fit_partitioned`][kamlib.scoring.fit_partitioned]) from the exact extremes of
        the pieces' values. Both read the sample the same way.

        Raises:
            InvalidValueError: The range is unset and the sample is empty.

        Examples:
            >>> import numpy as np
            >>> from kamlib.scoring import MinMax
            >>> from kamlib.scoring._population import RankedSample
            >>> MinMax().learn(RankedSample(3, {0: 1.0, 2: 9.0}), "x")
            MinMax(lo=1.0, hi=9.0, clip=True)
        """
        if self.is_fitted:
            return self
        lo, hi = _nonempty(sample, path).extremes()
        return MinMax(lo, hi, clip=self.clip)

    def linear(self) -> tuple[float, float]:
        """Return ``(slope, intercept)`` of the unclipped points ``slope * x + intercept``.

        A constant range (``lo == hi``) gives ``(0, 5)``: every account 5 points.

        Raises:
            NotFittedError: The range is not known yet.

        Examples:
            >>> from kamlib.scoring import MinMax
            >>> MinMax(100, 200).linear()  # 10 * (x - 100) / 100
            (0.1, -10.0)
            >>> MinMax(7, 7).linear()
            (0.0, 5.0)
        """
        if self.lo is None or self.hi is None:
            raise NotFittedError("MinMax.lo", None, "is not fitted; call fit() first")
        if self.hi == self.lo:
            return 0.0, POINTS_MAX / 2
        slope = POINTS_MAX / (self.hi - self.lo)
        return slope, -slope * self.lo

    def points(self, x: FloatArray) -> FloatArray:
        """Return the benefit points of ``x`` (NaN stays NaN).

        Raises:
            NotFittedError: The range is not known yet.

        Examples:
            >>> import numpy as np
            >>> from kamlib.scoring import MinMax
            >>> MinMax(0, 200).points(np.array([50.0, 250.0, np.nan])).tolist()
            [2.5, 10.0, nan]
            >>> MinMax(0, 200, clip=False).points(np.array([250.0])).tolist()
            [12.5]
            >>> MinMax().points(np.array([1.0]))
            Traceback (most recent call last):
            ...
            kamlib.errors.NotFittedError: MinMax.lo: is not fitted; call fit() first; got None
        """
        if self.lo is None or self.hi is None:
            raise NotFittedError("MinMax.lo", None, "is not fitted; call fit() first")
        if self.hi == self.lo:
            return np.where(np.isnan(x), np.nan, POINTS_MAX / 2)
        # (x - lo) / (hi - lo) stays exact for tiny ranges where the slope is huge.
        p: FloatArray = np.subtract(x, self.lo)
        with np.errstate(over="ignore"):  # a sub-normal range: inf, then clipped to 10
            p /= self.hi - self.lo
            p *= POINTS_MAX
        if self.clip:  # np.clip's bits (NaN stays NaN), without its Python wrapper
            np.maximum(p, 0.0, out=p)
            np.minimum(p, POINTS_MAX, out=p)
        return p

    def get_config(self) -> dict[str, Any]:
        """Return a JSON-compatible description.

        Examples:
            >>> from kamlib.scoring import MinMax, mapping_from_config
            >>> MinMax(0, 200).get_config()
            {'kind': 'min_max', 'lo': 0.0, 'hi': 200.0, 'clip': True}
            >>> mapping_from_config(MinMax(0, 200).get_config()) == MinMax(0, 200)
            True
        """
        return _config_dict(self)


# ---------------------------------------------------------------------------- Percentile
@attrs.frozen
class Percentile:
    """Points = 10 x the value's percentile in the fitted population.

    ``fit`` stores ``n_knots`` population quantiles (0 %, 1 %, ..., 100 % by default);
    points interpolate linearly between them, so a value at the median gets 5 points, one
    at or below the minimum 0, one at or above the maximum 10. Tied quantiles share the
    mean of their points.

    Attributes:
        knots: Pinned quantile values (non-decreasing), or ``None`` to learn them.
        n_knots: Number of quantiles to learn, 2 to 10 001 (a knot every 0.01 %); with
            pinned knots it is their number.

    Examples:
        >>> import numpy as np
        >>> from kamlib.scoring import Percentile
        >>> p = Percentile(n_knots=3).fit(np.array([0.0, 1.0, 2.0, 3.0, 4.0]), "x")
        >>> p.knots
        (0.0, 2.0, 4.0)
        >>> p.points(np.array([2.0, 3.0, 9.0])).tolist()
        [5.0, 7.5, 10.0]
    """

    kind: ClassVar[str] = "percentile"
    knots: tuple[float, ...] | None = attrs.field(
        default=None, converter=as_float_tuple, validator=optional(each(real(**MAGNITUDE)))
    )
    n_knots: int = attrs.field(
        default=101,
        kw_only=True,
        converter=as_int,
        validator=integer(ge=2, le=PERCENTILE_MAX_KNOTS),
    )

    def __attrs_post_init__(self) -> None:
        k = self.knots
        if k is None:
            return
        if len(k) < 2:
            raise InvalidValueError("Percentile.knots", k, "must hold at least 2 values")
        if any(b < a for a, b in itertools.pairwise(k)):
            raise InvalidValueError("Percentile.knots", k, "must be sorted (non-decreasing)")
        object.__setattr__(self, "n_knots", len(k))  # derived from the pinned knots

    @property
    def is_fitted(self) -> bool:
        """True when the knots are known.

        Examples:
            >>> from kamlib.scoring import Percentile
            >>> Percentile().is_fitted, Percentile([0.0, 5.0, 10.0]).is_fitted
            (False, True)
        """
        return self.knots is not None

    def fit(self, x: FloatArray, path: str) -> Percentile:
        """Learn ``n_knots`` quantiles of the observed values, if the knots are unset.

        Pinned means pinned: knots you gave (or fitted ones loaded back) are kept.
        Missing values (NaN) are ignored; ``path`` names the data in the error.

        Raises:
            InvalidValueError: The knots are unset and no value of ``x`` is observed.

        Examples:
            >>> import numpy as np
            >>> from kamlib.scoring import Percentile
            >>> Percentile(n_knots=5).fit(np.array([4.0, 0.0, np.nan, 8.0]), "x").knots
            (0.0, 2.0, 4.0, 6.0, 8.0)
        """
        if self.is_fitted:
            return self
        return self.learn(ArraySample(canonical(x)), path)

    def need(self) -> Need:
        """What `learn` reads of the population: the ``n_knots`` quantiles.

        Examples:
            >>> from kamlib.scoring import Percentile
            >>> Percentile(n_knots=3).need().probs
            (0.0, 0.5, 1.0)
        """
        return Need(probs=tuple(np.linspace(0.0, 1.0, self.n_knots).tolist()))

    def learn(self, sample: Sample, path: str) -> Percentile:
        """Learn the knots from a sample of the observed values (see `fit`).

        Raises:
            InvalidValueError: The knots are unset and the sample is empty.

        Examples:
            >>> from kamlib.scoring import Percentile
            >>> from kamlib.scoring._population import RankedSample
            >>> Percentile(n_knots=2).learn(RankedSample(5, {0: 0.0, 1: 2.0, 4: 8.0}), "x").knots
            (0.0, 8.0)
        """
        if self.is_fitted:
            return self
        q = _nonempty(sample, path).quantiles(self.need().probs)
        return Percentile(tuple(float(v) for v in np.maximum.accumulate(q)), n_knots=self.n_knots)

    def points(self, x: FloatArray) -> FloatArray:
        """Return the benefit points of ``x`` (NaN stays NaN).

        Raises:
            NotFittedError: The knots are not known yet.

        Examples:
            Tied knots share the mean of their points (here ``0`` and ``5`` give ``2.5``):

            >>> import numpy as np
            >>> from kamlib.scoring import Percentile
            >>> Percentile([0.0, 0.0, 4.0]).points(np.array([0.0, 2.0, 4.0])).tolist()
            [2.5, 6.25, 10.0]
        """
        return _fresh(self.compiled(), x)

    def compiled(self) -> PointsFn:
        """Return `points` compiled once: ``fn(x, out)`` (for blocked kernels).

        Raises:
            NotFittedError: The knots are not known yet.

        Examples:
            >>> import numpy as np
            >>> from kamlib.scoring import Percentile
            >>> fn = Percentile([0.0, 1.0, 2.0]).compiled()
            >>> fn(np.array([0.5, 2.0]), np.empty(2)).tolist()
            [2.5, 10.0]
        """
        if self.knots is None:
            raise NotFittedError("Percentile.knots", None, "is not fitted; call fit() first")
        k = np.asarray(self.knots)
        pts = np.linspace(0.0, POINTS_MAX, k.size)
        uniq, inv = np.unique(k, return_inverse=True)
        mean_pts = np.bincount(inv, weights=pts) / np.bincount(inv)
        if uniq.size == 1:
            return _constant_fn
        return _curve_fn(uniq, mean_pts)

    def get_config(self) -> dict[str, Any]:
        """Return a JSON-compatible description.

        Examples:
            >>> import numpy as np
            >>> from kamlib.scoring import Percentile
            >>> Percentile(n_knots=3).get_config()
            {'kind': 'percentile', 'knots': None, 'n_knots': 3}
            >>> Percentile(n_knots=3).fit(np.array([0.0, 1.0, 2.0]), "x").get_config()["knots"]
            [0.0, 1.0, 2.0]
        """
        return _config_dict(self)


# ---------------------------------------------------------------------------- Bands
@attrs.frozen
class Bands:
    """Step bands: ``points[i]`` for values in ``[edges[i-1], edges[i])``.

    Boundary rule: a value equal to an edge falls in the band *above* it. ``points`` has
    one more entry than ``edges`` (below the first edge, between edges, from the last edge).

    Attributes:
        edges: Band edges, strictly increasing.
        points: Points of each band, each in [0, 10].

    Examples:
        >>> import numpy as np
        >>> from kamlib.scoring import Bands
        >>> b = Bands(edges=[100, 500], points=[0, 5, 10])
        >>> b.points(np.array([99.0, 100.0, 499.0, 500.0])).tolist()
        [0.0, 5.0, 5.0, 10.0]
        >>> Bands(edges=[500, 100], points=[0, 5, 10])
        Traceback (most recent call last):
        ...
        kamlib.errors.InvalidValueError: Bands.edges: must be strictly increasing; \
got (500.0, 100.0)
    """

    kind: ClassVar[str] = "bands"
    edges: tuple[float, ...] = attrs.field(
        converter=as_float_tuple, validator=each(real(**MAGNITUDE))
    )
    band_points: tuple[float, ...] = attrs.field(
        alias="points", converter=as_float_tuple, validator=each(real(ge=0.0, le=POINTS_MAX))
    )

    def __attrs_post_init__(self) -> None:
        e, p = self.edges, self.band_points
        if not e:
            raise InvalidValueError("Bands.edges", e, "must hold at least one edge")
        if any(b <= a for a, b in itertools.pairwise(e)):
            raise InvalidValueError("Bands.edges", e, "must be strictly increasing")
        if len(p) != len(e) + 1:
            raise InvalidValueError("Bands.points", p, f"must hold len(edges) + 1 = {len(e) + 1}")

    @property
    def is_fitted(self) -> bool:
        """Always True: bands are fixed.

        Examples:
            >>> from kamlib.scoring import Bands
            >>> Bands([100], [0, 10]).is_fitted
            True
        """
        return True

    def fit(self, x: FloatArray, path: str) -> Bands:
        """Return ``self`` (nothing to learn).

        Examples:
            >>> import numpy as np
            >>> from kamlib.scoring import Bands
            >>> b = Bands([100], [0, 10])
            >>> b.fit(np.array([1.0, 1000.0]), "x") is b
            True
        """
        return self

    def points(self, x: FloatArray) -> FloatArray:
        """Return the benefit points of ``x`` (NaN stays NaN).

        Examples:
            A value on an edge falls in the band above it:

            >>> import numpy as np
            >>> from kamlib.scoring import Bands
            >>> Bands([100, 500], [0, 5, 10]).points(np.array([100.0, 1e9, np.nan])).tolist()
            [5.0, 10.0, nan]
        """
        idx = np.searchsorted(np.asarray(self.edges), x, side="right")
        out: FloatArray = np.asarray(self.band_points)[idx]
        out[np.isnan(x)] = np.nan
        return out

    def get_config(self) -> dict[str, Any]:
        """Return a JSON-compatible description.

        Examples:
            >>> from kamlib.scoring import Bands
            >>> Bands([100, 500], [0, 5, 10]).get_config()
            {'kind': 'bands', 'edges': [100.0, 500.0], 'points': [0.0, 5.0, 10.0]}
        """
        return _config_dict(self)


# ---------------------------------------------------------------------------- Piecewise
@attrs.frozen
class Piecewise:
    """Piecewise-linear points through the knots ``(xs[i], ys[i])``, flat outside them.

    Attributes:
        xs: Knot positions, strictly increasing (at least 2).
        ys: Points at the knots, each in [0, 10].

    Examples:
        >>> import numpy as np
        >>> from kamlib.scoring import Piecewise
        >>> Piecewise(xs=[0, 70, 100], ys=[0, 6, 10]).points(np.array([35.0, 85.0, 120.0]))
        array([ 3.,  8., 10.])
    """

    kind: ClassVar[str] = "piecewise"
    xs: tuple[float, ...] = attrs.field(converter=as_float_tuple, validator=each(real(**MAGNITUDE)))
    ys: tuple[float, ...] = attrs.field(
        converter=as_float_tuple, validator=each(real(ge=0.0, le=POINTS_MAX))
    )

    def __attrs_post_init__(self) -> None:
        x, y = self.xs, self.ys
        if len(x) < 2:
            raise InvalidValueError("Piecewise.xs", x, "must hold at least 2 knots")
        if any(b <= a for a, b in itertools.pairwise(x)):
            raise InvalidValueError("Piecewise.xs", x, "must be strictly increasing")
        if len(y) != len(x):
            raise InvalidValueError("Piecewise.ys", y, f"must hold len(xs) = {len(x)} values")

    @property
    def is_fitted(self) -> bool:
        """Always True: knots are fixed.

        Examples:
            >>> from kamlib.scoring import Piecewise
            >>> Piecewise([0, 100], [0, 10]).is_fitted
            True
        """
        return True

    def fit(self, x: FloatArray, path: str) -> Piecewise:
        """Return ``self`` (nothing to learn).

        Examples:
            >>> import numpy as np
            >>> from kamlib.scoring import Piecewise
            >>> pw = Piecewise([0, 100], [0, 10])
            >>> pw.fit(np.array([1.0, 1000.0]), "x") is pw
            True
        """
        return self

    def points(self, x: FloatArray) -> FloatArray:
        """Return the benefit points of ``x`` (NaN stays NaN).

        Examples:
            Linear between knots, flat outside them:

            >>> import numpy as np
            >>> from kamlib.scoring import Piecewise
            >>> Piecewise([0, 100], [2, 10]).points(np.array([-5.0, 50.0, 200.0, np.nan])).tolist()
            [2.0, 6.0, 10.0, nan]
        """
        return _fresh(self.compiled(), x)

    def compiled(self) -> PointsFn:
        """Return `points` compiled once: ``fn(x, out)`` (for blocked kernels).

        Examples:
            >>> import numpy as np
            >>> from kamlib.scoring import Piecewise
            >>> Piecewise([0, 100], [2, 10]).compiled()(np.array([50.0]), np.empty(1)).tolist()
            [6.0]
        """
        return _curve_fn(np.asarray(self.xs), np.asarray(self.ys))

    def get_config(self) -> dict[str, Any]:
        """Return a JSON-compatible description.

        Examples:
            >>> from kamlib.scoring import Piecewise
            >>> Piecewise([0, 100], [2, 10]).get_config()
            {'kind': 'piecewise', 'xs': [0.0, 100.0], 'ys': [2.0, 10.0]}
        """
        return _config_dict(self)


AnyMapping = MinMax | Percentile | Bands | Piecewise


# ---------------------------------------------------------------------------- fit readings
_M = TypeVar("_M", bound=PointsMapping)


def mapping_need(m: PointsMapping) -> Need:
    """What fitting ``m`` reads of its values (nothing, for a mapping that does not learn).

    Examples:
        >>> from kamlib.scoring import Bands, MinMax, Percentile
        >>> from kamlib.scoring._mappings import mapping_need
        >>> mapping_need(MinMax()).extremes, mapping_need(Percentile(n_knots=2)).probs
        (True, (0.0, 1.0))
        >>> mapping_need(Bands([1.0], [0, 10]))
        Need(probs=(), extremes=False)
    """
    return m.need() if isinstance(m, MinMax | Percentile) else Need()


def mapping_learn(m: _M, sample: Sample, path: str) -> _M:
    """``m`` fitted from ``sample`` (a mapping that does not learn is returned as it is).

    Examples:
        >>> import numpy as np
        >>> from kamlib.scoring import MinMax
        >>> from kamlib.scoring._mappings import mapping_learn
        >>> from kamlib.scoring._population import ArraySample
        >>> mapping_learn(MinMax(), ArraySample(np.array([2.0, 4.0])), "x")
        MinMax(lo=2.0, hi=4.0, clip=True)
    """
    if isinstance(m, MinMax | Percentile):
        return cast("_M", m.learn(sample, path))
    return m
