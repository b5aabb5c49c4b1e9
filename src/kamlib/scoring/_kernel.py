"""Deterministic building blocks shared by the scorer kernels.

kamlib's promise is that a pinned score depends only on the account's own row and the
fitted parameters: alone, in a batch, in any order, on any partition, whatever is missing
elsewhere, **the same bits**. Two things break that in ordinary numpy code, and this module
avoids both:

* BLAS products (``X @ w``) round a row differently depending on where it sits in the
  batch (SIMD bodies and scalar tails, fused multiply-adds, threads). Here every weighted
  sum is a sequence of element-wise numpy multiplications and additions over the
  *columns*, which IEEE 754 rounds the same way for every row on every machine.
* A "fast path" chosen because nothing in this batch is missing computes complete rows
  with other operations than the "general path" does. Here the per-row weights of a row
  with nothing missing are computed by exactly the operations that give the constant
  weights, so both paths give the same bits, and choosing one is only a matter of speed.

Every sum over components runs left to right from ``0.0`` (`seq_sum`), never through
Python's ``sum`` (compensated from Python 3.12 on) or numpy's pairwise reductions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

import attrs
import numpy as np
from numpy.typing import NDArray

__all__ = [
    "BLOCK_ROWS",
    "MANY_CELLS",
    "MISSING_POLICIES",
    "Interp",
    "LinearForm",
    "blocks",
    "interp",
    "normalised",
    "normalised_rows",
    "observed_share",
    "usable_rows",
    "quantiles",
    "quantile_positions",
    "lerp",
    "row_weights",
    "seq_sum",
    "seq_sum_rows",
    "sum_into",
    "weight_rows",
]

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]

MISSING_POLICIES: tuple[str, ...] = ("raise", "renormalise", "fill", "penalty")
"""The one missing-data vocabulary of every scorer, measure and criterion (kamlib's own).

* ``"raise"``: refuse the account with an ``InvalidValueError`` naming it and the component;
* ``"renormalise"``: leave the component out and divide the other weights by their observed
  sum, for that account only; ``coverage`` reports the observed weight share;
* ``"fill"``: give the component ``fill_points`` points (on the scorer's scale), weights
  unchanged;
* ``"penalty"``: give the component the worst points of the scale (0), weights unchanged.

A scorer documents which of them it offers (the value matrix: ``raise``, ``renormalise``).

Examples:
    >>> from kamlib.scoring import MISSING_POLICIES
    >>> MISSING_POLICIES
    ('raise', 'renormalise', 'fill', 'penalty')
"""

BLOCK_ROWS = 65_536
"""Rows per block of a column-wise kernel: one block of a column (512 KiB) stays in cache
while it is mapped, weighted and accumulated. Blocking changes speed, never bits.

Examples:
    >>> from kamlib.scoring._kernel import BLOCK_ROWS
    >>> BLOCK_ROWS * 8 // 1024  # KiB of one float64 column block
    512
"""


def seq_sum(values: Iterable[float]) -> float:
    """Sum left to right from ``0.0``: the one summation order of kamlib's kernels.

    Examples:
        >>> from kamlib.scoring._kernel import seq_sum
        >>> seq_sum([0.1, 0.2, 0.3])
        0.6000000000000001
    """
    total = 0.0
    for v in values:
        total = total + v
    return total


def normalised(weights: Sequence[float]) -> tuple[float, ...]:
    """Return ``weights / seq_sum(weights)``: the constant weights of a complete row.

    They are bit for bit the per-row weights `row_weights` gives a row with nothing
    missing.

    Examples:
        >>> from kamlib.scoring._kernel import normalised
        >>> normalised([3.0, 1.0])
        (0.75, 0.25)
    """
    total = seq_sum(weights)
    return tuple(float(w) / total for w in weights)


def row_weights(
    weights: Sequence[float], missing: BoolArray | None, *, renormalise: bool
) -> FloatArray:
    """Return the weight of each component for each row.

    Args:
        weights: Raw non-negative weights (at least one positive).
        missing: ``(n, k)`` mask of missing components, or ``None`` (nothing missing).
        renormalise: Divide each row's observed weights by their sum (so they add up to
            1 over what was observed); otherwise keep the constant normalised weights and
            give a missing component weight 0.

    Returns:
        ``(k,)`` constant weights when ``missing`` is ``None``, else ``(n, k)``. A row with
        nothing missing gets exactly the constant weights, bit for bit; a row with no
        observed weight gets all zeros (the caller decides what that means).

    Examples:
        >>> import numpy as np
        >>> from kamlib.scoring._kernel import row_weights
        >>> row_weights([3.0, 1.0], None, renormalise=True).tolist()
        [0.75, 0.25]
        >>> M = np.array([[False, False], [False, True]])
        >>> row_weights([3.0, 1.0], M, renormalise=True).tolist()
        [[0.75, 0.25], [1.0, 0.0]]
        >>> row_weights([3.0, 1.0], M, renormalise=False).tolist()
        [[0.75, 0.25], [0.75, 0.0]]
    """
    if missing is None:
        return np.asarray(normalised(weights), dtype=np.float64)
    n, k = missing.shape
    observed = ~missing
    out = np.empty((n, k), dtype=np.float64, order="F")
    if not renormalise:
        for j, w in enumerate(normalised(weights)):
            np.multiply(observed[:, j], w, out=out[:, j])
        return out
    den = np.zeros(n, dtype=np.float64)
    for j, w in enumerate(weights):
        np.multiply(observed[:, j], float(w), out=out[:, j])
        den += out[:, j]
    empty = den == 0.0
    den[empty] = 1.0  # all weights are 0 there already
    for j in range(k):
        out[:, j] /= den
    return out


def blocks(n: int, size: int = BLOCK_ROWS) -> Iterable[slice]:
    """Yield row slices of at most ``size`` rows covering ``range(n)``.

    Examples:
        >>> from kamlib.scoring._kernel import blocks
        >>> list(blocks(5, 2))
        [slice(0, 2, None), slice(2, 4, None), slice(4, 5, None)]
    """
    for start in range(0, n, size):
        yield slice(start, min(start + size, n))


def _lerp(a: FloatArray, b: FloatArray, t: FloatArray) -> FloatArray:
    """``a + (b - a) * t``, from the nearer end (numpy's own interpolation, bit for bit)."""
    d = b - a
    out: FloatArray = np.where(t >= 0.5, b - d * (1.0 - t), a + d * t)
    return out


def quantile_positions(
    n: int, probs: Sequence[float] | FloatArray
) -> tuple[NDArray[np.intp], NDArray[np.intp], FloatArray]:
    """Where the "linear" ``probs`` quantiles of ``n`` sorted values fall.

    Returns ``(below, above, t)``: the quantile ``p`` is ``lerp(v[below], v[above], t)``
    of the sorted values ``v`` (0-based ranks), the rule of `quantiles`. Shared with the
    fit on pieces ([`fit_partitioned`][kamlib.scoring.fit_partitioned]), which finds the
    values at those ranks exactly and interpolates them with the same arithmetic.

    Examples:
        >>> from kamlib.scoring._kernel import quantile_positions
        >>> below, above, t = quantile_positions(5, [0.0, 0.3, 1.0])
        >>> below.tolist(), above.tolist(), t.tolist()
        ([0, 1, 4], [1, 2, 4], [0.0, 0.19999999999999996, 0.0])
    """
    p = np.asarray(probs, dtype=np.float64)
    h = (n - 1) * p
    lo = np.floor(h)
    t: FloatArray = h - lo
    below = np.clip(lo, 0, n - 1).astype(np.intp)
    above = np.minimum(below + 1, n - 1)
    return below, above, t


def lerp(a: FloatArray, b: FloatArray, t: FloatArray) -> FloatArray:
    """``a + (b - a) * t`` from the nearer end: how `quantiles` interpolates, bit for bit.

    Examples:
        >>> import numpy as np
        >>> from kamlib.scoring._kernel import lerp
        >>> lerp(np.array([1.0]), np.array([3.0]), np.array([0.25])).tolist()
        [1.5]
    """
    return _lerp(a, b, t)


def quantiles(
    values: FloatArray, probs: Sequence[float] | FloatArray, *, overwrite: bool = False
) -> FloatArray:
    """The ``probs`` quantiles of ``values``: the one quantile fitter of kamlib's scorers.

    The "linear" rule (Hyndman & Fan's 7th, numpy's default): the value at the virtual
    position ``(n - 1) * p`` of the sorted sample, interpolated between its neighbours.
    The result equals ``np.quantile(values, probs)`` bit for bit, but costs one selection
    instead of two: a single quantile is one ``np.partition`` at the lower neighbour and
    one minimum over the part above it; several quantiles share one multi-point partition.

    Args:
        values: A non-empty 1-d array of finite values (not modified, unless
            ``overwrite``).
        probs: Probabilities in ``[0, 1]``.
        overwrite: Partition ``values`` in place instead of a copy (for a scorer's own
            temporary: saves a copy and its fresh memory).

    Examples:
        >>> import numpy as np
        >>> from kamlib.scoring._kernel import quantiles
        >>> v = np.array([4.0, 1.0, 3.0, 2.0])
        >>> quantiles(v, [0.0, 0.5, 0.25, 1.0]).tolist()
        [1.0, 2.5, 1.75, 4.0]
        >>> bool((quantiles(v, [0.3]) == np.quantile(v, [0.3])).all())
        True
    """
    p = np.asarray(probs, dtype=np.float64)
    n = values.shape[0]
    below, above, t = quantile_positions(n, p)
    kth = int(below[0]) if p.size == 1 else np.unique(np.concatenate([below, above]))
    if overwrite:
        values.partition(kth)
        part = values
    else:
        part = np.partition(values, kth)
    if p.size == 1:
        k = int(below[0])
        a = part[below]
        b = a if k + 1 >= n else np.asarray([part[k + 1 :].min()])
    else:
        a, b = part[below], part[above]
    return _lerp(a, b, t)


def observed_share(weights: Sequence[float], missing: BoolArray) -> FloatArray:
    """Return each row's observed share of the normalised weight, in ``[0, 1]``.

    ``1 - sum of the missing components' weights``, and exactly ``1.0`` for a row with
    nothing missing (its weights may add up to ``0.9999999999999999``): a rule on the
    row alone, so coverage never depends on the batch.

    Examples:
        >>> import numpy as np
        >>> from kamlib.scoring._kernel import observed_share
        >>> M = np.array([[False, False, False], [True, False, False]])
        >>> observed_share([1.0, 1.0, 1.0], M).tolist()
        [1.0, 0.6666666666666667]
    """
    w = normalised(weights)
    lost = np.zeros(missing.shape[0], dtype=np.float64)
    for j, wj in enumerate(w):
        lost += missing[:, j] * wj
    out: FloatArray = np.clip(1.0 - lost, 0.0, 1.0)
    out[~missing.any(axis=1)] = 1.0
    return out


def usable_rows(weights: Sequence[float], missing: BoolArray) -> BoolArray:
    """Return whether each row observes at least one component of positive weight.

    The rule for a row that renormalised weights cannot score, decided on the mask and
    the raw weights (not on `observed_share`, whose ``1 - sum`` may round a row with
    only zero-weight observed components to ``1e-16`` instead of 0).

    Examples:
        >>> import numpy as np
        >>> from kamlib.scoring._kernel import usable_rows
        >>> M = np.array([[False, True], [True, False]])
        >>> usable_rows([1.0, 0.0], M).tolist()
        [True, False]
    """
    seen = np.zeros(missing.shape[0], dtype=np.bool_)
    for j, w in enumerate(weights):
        if w > 0:
            seen |= ~missing[:, j]
    return seen


_GRID_CELLS = 4096
"""Cells of `interp`'s uniform grid."""
_INTERP_ROWS = 32_768
"""Rows per block of `interp`: its temporaries stay in cache."""


def _grid(xp: FloatArray, a: int) -> tuple[float, float, NDArray[np.intp], int]:
    """Grid over ``[xp[a], xp[-1 - a]]`` for `interp`.

    Returns the origin, cells per unit, the number of knots below each cell, and the most
    knots sharing one cell (``x``'s cell is ``(x - origin) * scale``, clamped).
    """
    g0, g1 = float(xp[a]), float(xp[-1 - a])
    scale = _GRID_CELLS / (g1 - g0)
    kc = _cells(xp, g0, scale, np.empty(xp.shape[0]), np.empty(xp.shape[0], dtype=np.intp))
    np.clip(kc, 0, _GRID_CELLS - 1, out=kc)
    grid = np.arange(_GRID_CELLS)
    below = np.searchsorted(kc, grid, side="left").astype(np.intp)
    crowd = int((np.searchsorted(kc, grid, side="right") - below).max())
    return g0, scale, below, crowd


def _cells(
    x: FloatArray, g0: float, scale: float, d: FloatArray, c: NDArray[np.intp]
) -> NDArray[np.intp]:
    """``min((x - g0) * scale, cells)`` truncated to an integer, into ``c``.

    Non-decreasing in ``x``: a value's cell is at least the cell of every knot below it and
    at most the cell of every knot above it. NaN and values below the grid give some integer
    at most 0, which the caller clamps (``take(..., mode="clip")``) like the knots' cells.
    """
    np.subtract(x, g0, out=d)
    d *= scale
    np.minimum(d, float(_GRID_CELLS), out=d)
    np.copyto(c, d, casting="unsafe")
    return c


@attrs.frozen(eq=False)
class Interp:
    """A compiled piecewise-linear curve: `interp` for many blocks of values.

    Built once from the knots (`Interp.build`), then `into` maps any block of values into
    an output array; the grid and the per-segment tables are not rebuilt per block.
    """

    g0: float
    scale: float
    below: NDArray[np.intp]
    steps: tuple[int, ...]
    base: FloatArray
    slopes: FloatArray
    values: FloatArray
    upper: FloatArray

    @classmethod
    def build(cls, xp: FloatArray, fp: FloatArray) -> Interp:
        """Compile the curve through ``(xp, fp)`` (see `interp` for the conditions)."""
        nk = xp.shape[0]
        # Outer knots (a population's extremes) can stretch the range so far that the rest
        # crowd into a few cells: try spans without them, keep the least crowded.
        spans = [a for a in (0, 1, 2, 4, 8) if a == 0 or nk - 1 - 2 * a >= 1]
        g0, scale, below, crowd = min((_grid(xp, a) for a in spans), key=lambda g: g[3])
        slope = (fp[1:] - fp[:-1]) / (xp[1:] - xp[:-1])
        # indexed by j = number of knots <= x (0 .. nk): the segment's knot, slope and value
        return cls(
            g0=g0,
            scale=scale,
            below=below,
            steps=tuple(1 << b for b in reversed(range(crowd.bit_length()))),
            base=np.concatenate([xp[:1], xp]),
            slopes=np.concatenate([[0.0], slope, [0.0]]),
            values=np.concatenate([fp[:1], fp]),
            upper=np.concatenate([xp, [np.inf]]),  # xp, then +inf past the last knot
        )

    def into(self, x: FloatArray, out: FloatArray) -> FloatArray:
        """Write the curve's values at ``x`` into ``out`` (same shape); return ``out``."""
        n = x.shape[0]
        m = min(n, _INTERP_ROWS)
        d_buf, t_buf = np.empty(m), np.empty(m)
        c_buf, j_buf = np.empty(m, dtype=np.intp), np.empty(m, dtype=np.intp)
        g_buf = np.empty(m, dtype=np.bool_)
        below, upper, base, slopes, values = (
            self.below,
            self.upper,
            self.base,
            self.slopes,
            self.values,
        )
        with np.errstate(invalid="ignore"):
            for rows in blocks(n, _INTERP_ROWS):
                o = out[rows]
                k = o.shape[0]
                t, j, c, g = t_buf[:k], j_buf[:k], c_buf[:k], g_buf[:k]
                # No clip to the knots: a value below them counts 0 knots, one above all
                # of them (or at the last) counts nk; both get slope 0 at their end's value.
                xc = x[rows]
                below.take(_cells(xc, self.g0, self.scale, d_buf[:k], c), out=j, mode="clip")
                for step in self.steps:  # j += step where the knot step - 1 above j is <= x
                    upper[step - 1 :].take(j, out=t, mode="clip")
                    np.greater_equal(xc, t, out=g)
                    if step == 1:
                        j += g
                    else:
                        np.multiply(g, step, out=c)
                        j += c
                base.take(j, out=t, mode="clip")
                np.subtract(xc, t, out=o)
                slopes.take(j, out=t, mode="clip")
                o *= t
                values.take(j, out=t, mode="clip")
                o += t
        return out


def interp(x: FloatArray, xp: FloatArray, fp: FloatArray) -> FloatArray:
    """Piecewise-linear through strictly increasing ``xp``, flat outside; NaN stays NaN.

    The value of ``x`` in segment ``[xp[i], xp[i + 1]]`` is
    ``slope_i * (x - xp[i]) + fp[i]`` with ``slope_i = (fp[i + 1] - fp[i]) / (xp[i + 1] -
    xp[i])``: numpy's own formula, so the result equals ``np.interp(x, xp, fp)`` bit for
    bit wherever numpy rounds each operation (its compiled loop may fuse the multiply-add
    on some platforms; these separate element-wise operations never do). A row's value
    depends only on its own ``x``.

    It is several times faster than ``np.interp`` (a binary search per value): a uniform
    grid over the knots gives, per cell, the number of knots below it, and a branch-free
    binary search over the few knots that share the value's cell finishes the count. The
    grid depends only on the knots (its span is chosen to crowd the fewest knots into one
    cell), and the segment index is exact whatever the grid, so it changes no bit.
    `Interp` is the same curve compiled once, for many blocks.

    Args:
        x: Values, finite or NaN.
        xp: At least two strictly increasing finite knots, whose slopes are finite.
        fp: Values at the knots.

    Examples:
        >>> import numpy as np
        >>> from kamlib.scoring._kernel import interp
        >>> xp, fp = np.array([0.0, 1.0, 3.0]), np.array([0.0, 5.0, 10.0])
        >>> interp(np.array([-1.0, 0.5, 1.0, 2.0, 9.0, np.nan]), xp, fp).tolist()
        [0.0, 2.5, 5.0, 7.5, 10.0, nan]
    """
    return Interp.build(xp, fp).into(x, np.empty(x.shape[0], dtype=np.float64))


# ---------------------------------------------------------------- many weight vectors
MANY_CELLS = 32_768
"""Scores per block of `LinearForm.into`: one ``(samples, accounts)`` block of the sum
and its temporary (256 KiB each) stay in a core's L2 cache across all criteria. Blocking
changes speed, never bits: every cell gets the same operations in the same order.

Examples:
    >>> from kamlib.scoring._kernel import MANY_CELLS
    >>> MANY_CELLS * 8 // 1024  # KiB of one block of float64 scores
    256
"""


def weight_rows(path: str, weights: object, c: int) -> FloatArray:
    """Check ``weights`` as ``S`` raw weight vectors of ``c`` criteria; return a copy.

    The rule of a scorer's own weights, row by row: finite, in ``[0, 1e15]``, at least
    one positive per row (only ratios matter). Errors name the cell (``path[s, j]``) or
    the row (``path[s]``) and its value.

    Args:
        path: Where the weights come from, e.g. ``"WeightedPoints.score_many.weights"``.
        weights: ``(S, c)`` array-like of real numbers (``S`` may be 0).
        c: Number of criteria (columns).

    Returns:
        A new ``(S, c)`` float64 array; ``weights`` is never modified.

    Raises:
        InvalidTypeError: Not an array of real numbers (strings, ``None``, booleans).
        InvalidValueError: Wrong shape; a cell not finite, negative or above ``1e15``; a
            row without a positive weight.

    Examples:
        >>> from kamlib.scoring._kernel import weight_rows
        >>> weight_rows("w", [[1, 3], [0, 2]], 2).tolist()
        [[1.0, 3.0], [0.0, 2.0]]
        >>> weight_rows("w", [[1, 3], [0, 0]], 2)
        Traceback (most recent call last):
        ...
        kamlib.errors.InvalidValueError: w[1]: must hold at least one positive weight; \
got [0.0, 0.0]
        >>> weight_rows("w", [[1, -3]], 2)
        Traceback (most recent call last):
        ...
        kamlib.errors.InvalidValueError: w[0, 1]: must be a real number in [0, 1e+15]; got -3.0
    """
    from kamlib._table import MAX_MAGNITUDE
    from kamlib.errors import InvalidTypeError, InvalidValueError

    shape_rule = f"must be an (S, {c}) array: one weight vector a row, one weight a criterion"
    try:
        arr = np.asarray(weights)
    except Exception:  # ragged lists and the like: not an array of numbers
        raise InvalidTypeError(path, weights, shape_rule) from None
    if arr.dtype == np.bool_ or arr.dtype.kind not in "iuf":
        raise InvalidTypeError(path, weights, f"{shape_rule}, of real numbers")
    if arr.ndim != 2 or arr.shape[1] != c:
        raise InvalidValueError(path, arr.shape, shape_rule)
    with np.errstate(over="ignore"):
        W = np.array(arr, dtype=np.float64, order="C")  # a copy, never the caller's array
    bad = ~np.isfinite(W)
    if bad.any():
        s, j = (int(v[0]) for v in np.nonzero(bad))
        raise InvalidValueError(f"{path}[{s}, {j}]", arr[s, j].item(), "must be finite")
    bad = (W < 0) | (W > MAX_MAGNITUDE)
    if bad.any():
        s, j = (int(v[0]) for v in np.nonzero(bad))
        raise InvalidValueError(
            f"{path}[{s}, {j}]", float(W[s, j]), f"must be a real number in [0, {MAX_MAGNITUDE:g}]"
        )
    empty = ~(W > 0).any(axis=1)
    if empty.any():
        s = int(np.flatnonzero(empty)[0])
        raise InvalidValueError(
            f"{path}[{s}]", W[s].tolist(), "must hold at least one positive weight"
        )
    return W


def seq_sum_rows(W: FloatArray) -> FloatArray:
    """`seq_sum` of every row of ``(S, c)`` ``W``: left to right from ``0.0``, vectorised.

    Examples:
        >>> import numpy as np
        >>> from kamlib.scoring._kernel import seq_sum, seq_sum_rows
        >>> W = np.array([[0.1, 0.2, 0.3], [1.0, 2.0, 3.0]])
        >>> seq_sum_rows(W).tolist() == [seq_sum(row) for row in W.tolist()]
        True
    """
    total = np.zeros(W.shape[0], dtype=np.float64)
    for j in range(W.shape[1]):
        total += W[:, j]
    return total


def normalised_rows(W: FloatArray) -> FloatArray:
    """`normalised` of every row of ``(S, c)`` ``W``, bit for bit.

    Examples:
        >>> import numpy as np
        >>> from kamlib.scoring._kernel import normalised_rows
        >>> normalised_rows(np.array([[3.0, 1.0], [1.0, 1.0]])).tolist()
        [[0.75, 0.25], [0.5, 0.5]]
    """
    out: FloatArray = W / seq_sum_rows(W)[:, None]
    return out


def sum_into(
    P: Sequence[FloatArray],
    A: Sequence[FloatArray],
    C: FloatArray | None,
    out: FloatArray,
    tmp: FloatArray,
) -> FloatArray:
    """``out = P[0] * A[0]; out += P[j] * A[j] ...; out += C``: the sum of `LinearForm`.

    Operands broadcast to ``out``'s shape; every cell gets the same operations in the
    same order (element-wise multiplications and additions, criteria left to right),
    whatever the shape, so a cell's bits do not depend on where it sits: a block of
    ``(samples, accounts)`` and a gathered list of ``(sample, account)`` pairs give the
    same bits for the same pair.

    Examples:
        >>> import numpy as np
        >>> from kamlib.scoring._kernel import sum_into
        >>> P = [np.array([1.0, 2.0]), np.array([3.0, 4.0])]
        >>> A = [np.array([[0.5], [1.0]]), np.array([[0.5], [0.0]])]
        >>> sum_into(P, A, None, np.empty((2, 2)), np.empty((2, 2))).tolist()
        [[2.0, 3.0], [1.0, 2.0]]
    """
    np.multiply(P[0], A[0], out=out)
    for p, a in zip(P[1:], A[1:], strict=True):
        np.multiply(p, a, out=tmp)
        out += tmp
    if C is not None:
        out += C
    return out


@attrs.frozen(eq=False)
class LinearForm:
    """A linear scorer's own arithmetic, for many weight vectors at once.

    A weighted-points score and the value matrix's strategic-importance axis are, for raw
    weights ``w`` normalised to ``e = w / seq_sum(w)``, the sum left to right over the
    criteria of ``points_j * coef_j`` with ``coef_j = e_j * slope_j`` (or ``e_j`` itself
    for a criterion without a slope), plus, for weighted points, the intercepts
    ``seq_sum(e_j * icpt_j)`` added once per row. `into` repeats exactly these
    element-wise operations for each row of an ``(S, c)`` weight array, vectorised over
    accounts and weight vectors; a BLAS product (``W @ P.T``) would round a cell
    differently depending on where it sits, so it is never used for a score.

    Declared missing cells follow the scorer's policy, with per-row weights computed by
    the operations of `row_weights` (``renormalise``) or the constant weights with 0 at
    a missing cell; ``fill`` adds ``e_j * fill`` for a missing criterion, after the sum.

    Attributes:
        ids: Account ids, for error messages.
        points: ``c`` columns of ``(n,)`` points (missing cells already as the scorer
            reads them).
        slopes: Per criterion, the factor of ``e_j`` (``None``: ``e_j`` itself).
        icpts: Per criterion, the intercept (0 for one without); ``None``: no intercept
            step at all (the value matrix's blend).
        missing: ``(n, c)`` declared-missing cells, or ``None``.
        renormalise: Renormalise each row's weights over its observed criteria.
        fill: Points of a missing criterion (``missing="fill"``), or ``None``.
        path: The scorer's name, for error messages.
        empty_rule: How an account with no usable criterion under some weight vector is
            found: ``"coverage"`` (weighted points: observed share of the weight at most
            0, `observed_share`) or ``"weight"`` (value matrix: no observed positive
            weight).

    Examples:
        >>> import numpy as np
        >>> from kamlib.scoring._kernel import LinearForm
        >>> f = LinearForm(np.array(["A", "B"], dtype=object),
        ...                (np.array([1.0, 2.0]), np.array([4.0, 0.0])), (None, None), None)
        >>> f.many(np.array([[1.0, 1.0], [3.0, 1.0]])).tolist()
        [[2.5, 1.0], [1.75, 1.5]]
    """

    ids: NDArray[np.object_]
    points: tuple[FloatArray, ...]
    slopes: tuple[float | None, ...]
    icpts: tuple[float, ...] | None
    missing: BoolArray | None = None
    renormalise: bool = True
    fill: float | None = None
    path: str = "scorer"
    empty_rule: str = "coverage"

    @property
    def n(self) -> int:
        """Number of accounts.

        Examples:
            >>> import numpy as np
            >>> from kamlib.scoring._kernel import LinearForm
            >>> LinearForm(np.array(["A"], dtype=object), (np.array([1.0]),), (None,), None).n
            1
        """
        return int(self.ids.shape[0])

    def coefficients(self, W: FloatArray) -> tuple[FloatArray, FloatArray | None]:
        """Return ``(coef, C)`` of complete rows: ``(S, c)`` factors and ``(S,)`` intercepts.

        ``coef[s, j]`` multiplies ``points[j]``; ``C[s]`` (``None`` without intercepts)
        is added once per row. Complete rows only: a row with a missing cell has weights
        of its own.

        Examples:
            >>> import numpy as np
            >>> from kamlib.scoring._kernel import LinearForm
            >>> f = LinearForm(np.array(["A"], dtype=object), (np.array([1.0]),) * 2,
            ...                (2.0, None), (1.0, 0.0))
            >>> coef, C = f.coefficients(np.array([[1.0, 3.0]]))
            >>> coef.tolist(), C.tolist()
            ([[0.5, 0.75]], [0.25])
        """
        E = normalised_rows(W)
        coef = np.empty_like(E)
        for j, s in enumerate(self.slopes):
            coef[:, j] = E[:, j] if s is None else E[:, j] * s
        if self.icpts is None:
            return coef, None
        C = np.zeros(E.shape[0], dtype=np.float64)
        for j, b in enumerate(self.icpts):
            C = C + E[:, j] * b
        return coef, C

    def many(self, W: FloatArray) -> FloatArray:
        """Return the ``(S, n)`` scores of the rows of checked raw weights ``W``.

        Examples:
            >>> import numpy as np
            >>> from kamlib.scoring._kernel import LinearForm
            >>> f = LinearForm(np.array(["A"], dtype=object), (np.array([3.0]),), (None,), None)
            >>> f.many(np.array([[1.0], [2.0]])).tolist()
            [[3.0], [3.0]]
        """
        out = np.empty((W.shape[0], self.n), dtype=np.float64)
        self.into(W, out)
        return out

    def into(
        self, W: FloatArray, out: FloatArray, *, label: Callable[[int], str] | None = None
    ) -> FloatArray:
        """Write the scores of the rows of ``W`` into ``(S, n)`` ``out``; return ``out``.

        ``label(s)`` names row ``s`` in an error (default ``"weights[s]"``): a caller that
        builds ``W`` itself names the input the row came from.

        Raises:
            InvalidValueError: An account has no usable criterion under some row of ``W``,
                or a non-finite score (the errors `score` raises with those weights
                pinned: ``ScoreTable`` refuses a non-finite score).

        Examples:
            >>> import numpy as np
            >>> from kamlib.scoring._kernel import LinearForm
            >>> f = LinearForm(np.array(["A"], dtype=object), (np.array([3.0]),), (None,), None)
            >>> f.into(np.array([[1.0]]), np.empty((1, 1))).tolist()
            [[3.0]]
        """
        S, n = out.shape
        if S == 0 or n == 0:
            return out
        name = label or (lambda s: f"weights[{s}]")
        self._fill(W, out, name)
        if not np.isfinite(out).all():
            from kamlib.errors import InvalidValueError

            s, i = (int(v[0]) for v in np.nonzero(~np.isfinite(out)))
            raise InvalidValueError(
                f"ScoreTable.scores[{i}]",
                float(out[s, i]),
                f"must be finite; a scorer produced a non-finite value (account "
                f"{self.ids[i]!r}, under {name(s)})",
            )
        return out

    def _fill(self, W: FloatArray, out: FloatArray, name: Callable[[int], str]) -> None:
        """`into`'s arithmetic, without the check of the result."""
        S, n = out.shape
        m = max(1, min(S, MANY_CELLS // n))
        nb = min(n, MANY_CELLS)
        buf = np.empty(m * nb, dtype=np.float64)
        with np.errstate(over="ignore", invalid="ignore"):
            if self.missing is None:
                coef, C = self.coefficients(W)
                for s0 in range(0, S, m):
                    s1 = min(s0 + m, S)
                    A = [coef[s0:s1, j : j + 1] for j in range(coef.shape[1])]
                    Cb = None if C is None else C[s0:s1, None]
                    for cols in blocks(n, nb):
                        o = out[s0:s1, cols]
                        tmp = buf[: o.size].reshape(o.shape)
                        sum_into([p[cols] for p in self.points], A, Cb, o, tmp)
                return
            E = normalised_rows(W)
            for s0 in range(0, S, m):
                s1 = min(s0 + m, S)
                for cols in blocks(n, nb):
                    o = out[s0:s1, cols]
                    tmp = buf[: o.size].reshape(o.shape)
                    self._missing_block(W[s0:s1], E[s0:s1], s0, cols, o, tmp, name)

    def _row_weights(self, W: FloatArray, E: FloatArray, cols: slice) -> list[FloatArray]:
        """Per-row weights of accounts ``cols`` for rows ``W``: `row_weights`' operations."""
        assert self.missing is not None
        observed = ~self.missing[cols]
        c = W.shape[1]
        if not self.renormalise:
            return [observed[:, j] * E[:, j : j + 1] for j in range(c)]
        ow = [observed[:, j] * W[:, j : j + 1] for j in range(c)]
        den = np.zeros((W.shape[0], observed.shape[0]), dtype=np.float64)
        for o in ow:
            den += o
        den[den == 0.0] = 1.0  # all weights are 0 there already
        for o in ow:
            o /= den
        return ow

    def _missing_block(
        self,
        W: FloatArray,
        E: FloatArray,
        s0: int,
        cols: slice,
        out: FloatArray,
        tmp: FloatArray,
        name: Callable[[int], str],
    ) -> None:
        """Scores of accounts ``cols`` for rows ``W`` (from row ``s0``), some cells missing."""
        assert self.missing is not None
        e = self._row_weights(W, E, cols)
        self._check_usable(W, e, s0, cols, name)
        A = [ej if s is None else ej * s for ej, s in zip(e, self.slopes, strict=True)]
        C: FloatArray | None = None
        if self.icpts is not None:
            C = np.zeros_like(out)
            for ej, b in zip(e, self.icpts, strict=True):
                C = C + ej * b
        sum_into([p[cols] for p in self.points], A, C, out, tmp)
        if self.fill is not None:
            miss = self.missing[cols]
            for j in range(W.shape[1]):
                out += np.where(miss[:, j], E[:, j : j + 1], 0.0) * self.fill

    def _check_usable(
        self,
        W: FloatArray,
        e: list[FloatArray],
        s0: int,
        cols: slice,
        name: Callable[[int], str],
    ) -> None:
        """Raise as `score` would for an account of ``cols`` left with no usable criterion.

        ``W`` holds the block's raw weight rows, ``e`` its per-row weights. The first
        account of the block that fails under a row is named: the one `score` names with
        that row pinned (no account before it, in an earlier block, failed).
        """
        from kamlib.errors import InvalidValueError

        assert self.missing is not None
        M = self.missing[cols]
        partial = M.any(axis=1)
        if not partial.any():
            return
        seen = np.zeros(e[0].shape, dtype=np.bool_)
        if self.empty_rule == "coverage":  # weighted points: `usable_rows`, per row
            if not self.renormalise:
                return
            for j in range(W.shape[1]):
                seen |= ~M[:, j] & (W[:, j : j + 1] > 0)
            reason = "has no observed criterion for this account"
        else:  # the value matrix: no positive per-row weight
            for ej in e:
                seen |= ej > 0
            reason = "has no strategic attribute for this account"
        bad = ~seen & partial
        if bad.any():
            s, i = (int(v[0]) for v in np.nonzero(bad))
            raise InvalidValueError(
                f"{self.path}.table",
                self.ids[cols][i],
                f"{reason} under {name(s0 + s)} (no weight on its observed criteria)",
            )
