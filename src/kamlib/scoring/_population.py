"""What a scorer's fit reads of its population, asked so that pieces of the data can answer.

A fit that learns from the population (a min-max range, percentile knots, a quantile cut)
reads only a few **order statistics** of a few **quantities** (a column's observed values,
an axis computed row by row). A scorer that can be fitted on pieces says so with a
``_fit_reading()`` method returning a `Reading`: the quantities' names, what it needs of
each (`Need`), how to compute their values from any table (row by row, so a piece gives
its share), and how to learn from a `Sample` of each. Its ``fit`` runs the same reading
on the whole table (`fit_in_memory`, with an `ArraySample` of each quantity), and
[`fit_partitioned`][kamlib.scoring.fit_partitioned] answers it from pieces (with a
`RankedSample`: the exact values at the ranks needed). One learning code, two ways to
answer it, so both give the same bits.

Values are canonical (`canonical`): ``-0.0`` is read as ``0.0``, so that an order
statistic is one value whatever the order of equal values (numpy's selection would give
either zero). This is kamlib's own rule; it changes no score (``-0.0 == 0.0``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

import attrs
import numpy as np
from numpy.typing import NDArray

from kamlib._table import FeatureTable
from kamlib.scoring._kernel import lerp, quantile_positions, quantiles

__all__ = [
    "ArraySample",
    "Need",
    "RankedSample",
    "Reading",
    "Sample",
    "canonical",
    "fit_in_memory",
]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]


def canonical(values: FloatArray, missing: NDArray[np.bool_] | None = None) -> FloatArray:
    """A new array of the observed values (NaN, or ``missing``, left out), ``-0.0`` as ``0.0``.

    Examples:
        >>> import numpy as np
        >>> from kamlib.scoring._population import canonical
        >>> canonical(np.array([-0.0, np.nan, 2.0])).tolist()
        [0.0, 2.0]
    """
    keep = ~np.isnan(values) if missing is None else ~missing
    out: FloatArray = values[keep]
    out += 0.0  # -0.0 + 0.0 is 0.0: one zero
    return out


def _as_probs(value: Sequence[float]) -> tuple[float, ...]:
    return tuple(float(p) for p in value)


@attrs.frozen
class Need:
    """What a fit reads of one quantity.

    Attributes:
        probs: Quantiles read ("linear" rule, as `quantiles` in the kernel).
        extremes: Whether the minimum and maximum are read.

    Examples:
        >>> from kamlib.scoring._population import Need
        >>> Need(probs=(0.5,)).ranks(5).tolist(), Need(extremes=True).ranks(5).tolist()
        ([2, 3], [0, 4])
    """

    probs: tuple[float, ...] = attrs.field(default=(), converter=_as_probs)
    extremes: bool = False

    def ranks(self, n: int) -> IntArray:
        """The 0-based ranks whose values answer this need among ``n`` values (sorted).

        Examples:
            >>> from kamlib.scoring._population import Need
            >>> Need(probs=(0.3,), extremes=True).ranks(5).tolist()
            [0, 1, 2, 4]
        """
        if n == 0:
            return np.zeros(0, dtype=np.intp)
        parts = [np.zeros(0, dtype=np.intp)]
        if self.probs:
            below, above, _ = quantile_positions(n, self.probs)
            parts += [below, above]
        if self.extremes:
            parts.append(np.array([0, n - 1], dtype=np.intp))
        return np.unique(np.concatenate(parts))


class Sample(Protocol):
    """The population of one quantity, as a fit reads it.

    Examples:
        >>> import numpy as np
        >>> from kamlib.scoring._population import ArraySample
        >>> ArraySample(np.array([3.0, 1.0])).extremes()
        (1.0, 3.0)
    """

    @property
    def size(self) -> int:
        """Number of values."""
        ...

    def quantiles(self, probs: Sequence[float]) -> FloatArray:
        """The "linear" quantiles (those of the kernel's ``quantiles``, bit for bit)."""
        ...

    def extremes(self) -> tuple[float, float]:
        """``(minimum, maximum)``."""
        ...


@attrs.frozen
class ArraySample:
    """A quantity's values held in memory (the sample `fit_in_memory` gives).

    The sample owns ``values`` and may reorder them (a selection in place).

    Examples:
        >>> import numpy as np
        >>> from kamlib.scoring._population import ArraySample
        >>> s = ArraySample(np.array([4.0, 1.0, 3.0, 2.0]))
        >>> s.size, s.quantiles([0.5]).tolist(), s.extremes()
        (4, [2.5], (1.0, 4.0))
    """

    values: FloatArray

    @property
    def size(self) -> int:
        """Number of values.

        Examples:
            >>> import numpy as np
            >>> from kamlib.scoring._population import ArraySample
            >>> ArraySample(np.zeros(3)).size
            3
        """
        return int(self.values.shape[0])

    def quantiles(self, probs: Sequence[float]) -> FloatArray:
        """The quantiles, by the kernel's one quantile fitter.

        Examples:
            >>> import numpy as np
            >>> from kamlib.scoring._population import ArraySample
            >>> ArraySample(np.array([0.0, 10.0])).quantiles([0.25]).tolist()
            [2.5]
        """
        return quantiles(self.values, probs, overwrite=True)

    def extremes(self) -> tuple[float, float]:
        """``(minimum, maximum)``.

        Examples:
            >>> import numpy as np
            >>> from kamlib.scoring._population import ArraySample
            >>> ArraySample(np.array([2.0, -1.0])).extremes()
            (-1.0, 2.0)
        """
        return float(self.values.min()), float(self.values.max())


def _as_order(value: Mapping[int, float]) -> dict[int, float]:
    return {int(k): float(v) for k, v in value.items()}


@attrs.frozen
class RankedSample:
    """A quantity known by its size and its values at some ranks (from pieces).

    Attributes:
        n: Number of values in the whole population.
        order: Rank (0-based, ascending) -> the value at that rank.
        name: The quantity, for errors.

    Examples:
        >>> from kamlib.scoring._population import RankedSample
        >>> s = RankedSample(4, {0: 1.0, 1: 2.0, 2: 3.0, 3: 4.0}, "x")
        >>> s.quantiles([0.5]).tolist(), s.extremes()
        ([2.5], (1.0, 4.0))
    """

    n: int
    order: dict[int, float] = attrs.field(converter=_as_order)
    name: str = "quantity"

    @property
    def size(self) -> int:
        """Number of values.

        Examples:
            >>> from kamlib.scoring._population import RankedSample
            >>> RankedSample(7, {}).size
            7
        """
        return self.n

    def _at(self, ranks: IntArray) -> FloatArray:
        try:
            return np.array([self.order[int(r)] for r in ranks], dtype=np.float64)
        except KeyError as exc:  # a fit that reads what its Need did not declare: a bug
            raise AssertionError(
                f"kamlib: the fit read rank {exc.args[0]} of {self.name!r}, not declared"
            ) from None

    def quantiles(self, probs: Sequence[float]) -> FloatArray:
        """The quantiles from the known ranks (the kernel's arithmetic).

        Examples:
            >>> from kamlib.scoring._population import RankedSample
            >>> RankedSample(2, {0: 0.0, 1: 10.0}).quantiles([0.25]).tolist()
            [2.5]
        """
        below, above, t = quantile_positions(self.n, probs)
        return lerp(self._at(below), self._at(above), t)

    def extremes(self) -> tuple[float, float]:
        """``(minimum, maximum)``.

        Examples:
            >>> from kamlib.scoring._population import RankedSample
            >>> RankedSample(3, {0: -1.0, 2: 5.0}).extremes()
            (-1.0, 5.0)
        """
        lo, hi = self._at(np.array([0, self.n - 1], dtype=np.intp))
        return float(lo), float(hi)


class Reading(Protocol):
    """One stage of a scorer's fit, as questions about named quantities.

    Examples:
        >>> from kamlib.scoring import MinMax, WeightedPoints, Criterion
        >>> r = WeightedPoints([Criterion("x", 1.0, mapping=MinMax())])._fit_reading()
        >>> r.names, r.needs[0].extremes
        (("criteria[0] 'x'",), True)
    """

    @property
    def names(self) -> tuple[str, ...]:
        """The quantities, for errors and reports."""
        ...

    @property
    def needs(self) -> tuple[Need, ...]:
        """What the fit reads of each quantity."""
        ...

    def values(self, table: FeatureTable) -> list[FloatArray]:
        """Each quantity's canonical values in ``table`` (rows read one by one)."""
        ...

    def learn(self, samples: Sequence[Sample]) -> Any:
        """The scorer with this stage learned (its ``_fit_reading()`` says what is left)."""
        ...


def fit_in_memory(scorer: Any, table: FeatureTable) -> Any:
    """Fit ``scorer`` by answering each stage of its reading from ``table`` in memory.

    Examples:
        >>> from kamlib import FeatureTable
        >>> from kamlib.scoring import MinMax, WeightedPoints, Criterion
        >>> from kamlib.scoring._population import fit_in_memory
        >>> t = FeatureTable.from_columns(["A", "B"], {"x": [1.0, 3.0]})
        >>> wp = WeightedPoints([Criterion("x", 1.0, mapping=MinMax())])
        >>> fit_in_memory(wp, t).criteria[0].mapping
        MinMax(lo=1.0, hi=3.0, clip=True)
    """
    reading = scorer._fit_reading()
    while reading is not None:
        scorer = reading.learn([ArraySample(v) for v in reading.values(table)])
        reading = scorer._fit_reading()
    return scorer
