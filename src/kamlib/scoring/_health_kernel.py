"""Numpy kernels of the health model: scaling, tree aggregation, rules, lights.

Pure functions on arrays, with no validation: :mod:`kamlib.scoring.health` validates
parameters and inputs once and then calls these. Every loop here runs over measures,
nodes or rules (a handful), never over accounts.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import attrs
import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
IntArray = NDArray[np.intp]

# Light classes in order of severity (index = severity level).
LIGHTS: tuple[str, ...] = ("green", "green_watch", "yellow", "red")
SEVERITY: dict[str, int] = {name: i for i, name in enumerate(LIGHTS)}

COMPARISONS = {
    "<": np.less,
    "<=": np.less_equal,
    ">": np.greater,
    ">=": np.greater_equal,
    "==": np.equal,
    "!=": np.not_equal,
}


# ---------------------------------------------------------------------------- scaling
def knots_from_quantiles(quantiles: Sequence[float]) -> tuple[FloatArray, FloatArray]:
    """Return strictly increasing knots and their points (0-100) from fitted quantiles.

    ``quantiles[i]`` is the value at probability ``i / (len - 1)``. Tied quantiles collapse
    into one knot whose points are the mean of the tied probabilities (mid-rank), so the
    mapping stays a monotone, well-defined function.
    """
    q = np.asarray(quantiles, dtype=np.float64)
    probs = np.linspace(0.0, 100.0, q.shape[0])
    xp, inverse = np.unique(q, return_inverse=True)
    counts = np.bincount(inverse)
    fp = np.bincount(inverse, weights=probs) / counts
    return xp, fp


def _unit(x: FloatArray, a: FloatArray, b: FloatArray) -> FloatArray:
    """Return ``(x - a) / (b - a)`` clipped to ``[0, 1]``, monotone in ``x``, overflow-safe.

    Halving before subtracting keeps the difference finite for any finite floats; a zero
    denominator (sub-normal spacing) becomes a step at ``b``. NaN in ``x`` stays NaN.
    """
    with np.errstate(all="ignore"):
        num = x * 0.5 - a * 0.5
        den = b * 0.5 - a * 0.5
        t = num / den
    t = np.where(den > 0.0, t, np.where(x >= b, 1.0, 0.0))
    out: FloatArray = np.clip(t, 0.0, 1.0)
    return out


def scale_points(x: FloatArray, xp: FloatArray, fp: FloatArray) -> FloatArray:
    """Map raw values to 0-100 points by piecewise-linear interpolation over knots.

    Below the first knot: 0; above the last: 100; between knots: linear; at a knot: its
    points. One knot only: 0 below, its points at, 100 above. Monotone non-decreasing
    in ``x``. NaN in ``x`` gives NaN (the caller replaces missing cells).
    """
    if xp.shape[0] == 1:
        v = xp[0]
        return np.where(x > v, 100.0, np.where(x < v, 0.0, fp[0]))
    idx = np.searchsorted(xp, x, side="right") - 1
    np.clip(idx, 0, xp.shape[0] - 2, out=idx)
    a = xp[idx]
    b = xp[idx + 1]
    t = _unit(x, a, b)
    p = fp[idx] + t * (fp[idx + 1] - fp[idx])
    p = np.where(x < xp[0], 0.0, p)
    p = np.where(x > xp[-1], 100.0, p)
    out: FloatArray = np.clip(p, 0.0, 100.0)
    return out


# ---------------------------------------------------------------------------- tree
@attrs.frozen
class NodePlan:
    """One node of the compiled tree: child slots, weights and aggregator options."""

    name: str
    slot: int
    children: tuple[int, ...]
    weights: tuple[float, ...]
    aggregator: str
    veto_child: int  # position within ``children``; -1 when unused
    veto_floor: float
    veto_cap: float


@attrs.frozen
class TreePlan:
    """The tree compiled to slots: ``0..m-1`` are measures, then nodes bottom-up."""

    n_measures: int
    nodes: tuple[NodePlan, ...]  # bottom-up: every child comes before its parent
    static_weights: tuple[float, ...]  # nominal share of each measure in the root


def aggregate(
    points: FloatArray, available: BoolArray, plan: TreePlan
) -> tuple[FloatArray, FloatArray, dict[int, FloatArray]]:
    """Aggregate measure points through the tree.

    Each node computes its value *and* the per-row coefficient of each child, so that
    ``value == sum(coef * child_value)``; multiplying coefficients down from the root gives
    each measure's effective weight, and contributions ``points * effective_weight`` add
    up to the root value.

    Args:
        points: ``(n, m)`` measure points, 0 where a measure is unavailable.
        available: ``(n, m)`` True where a measure takes part.
        plan: The compiled tree.

    Returns:
        ``(score, contributions, node_values)`` where ``node_values`` maps node slots to
        ``(n,)`` values.
    """
    n, m = points.shape
    values: list[FloatArray] = [points[:, j] for j in range(m)]
    avail: list[BoolArray] = [available[:, j] for j in range(m)]
    coefs: dict[int, FloatArray] = {}
    rows = np.arange(n)
    for node in plan.nodes:
        V = np.column_stack([values[c] for c in node.children])
        A = np.column_stack([avail[c] for c in node.children])
        ok: BoolArray = np.asarray(A.any(axis=1), dtype=np.bool_)
        if node.aggregator == "min":
            Vm = np.where(A, V, np.inf)
            k = np.argmin(Vm, axis=1)
            E = np.zeros(V.shape, dtype=np.float64)
            E[rows, k] = ok.astype(np.float64)
            val = np.where(ok, V[rows, k], 0.0)
        else:
            W = A * np.asarray(node.weights, dtype=np.float64)
            s = W.sum(axis=1)
            E = W / np.where(s > 0.0, s, 1.0)[:, None]
            val = (E * V).sum(axis=1)
            ok = np.asarray(s > 0.0)
            if node.aggregator == "veto":
                j = node.veto_child
                vetoed = A[:, j] & (V[:, j] < node.veto_floor) & (val > node.veto_cap)
                if node.veto_cap <= 0.0:
                    scale = np.where(vetoed, 0.0, 1.0)
                else:
                    safe = np.where(vetoed, val, 1.0)
                    scale = np.where(vetoed, node.veto_cap / safe, 1.0)
                E = E * scale[:, None]
                val = np.where(vetoed, node.veto_cap if node.veto_cap > 0.0 else 0.0, val)
        coefs[node.slot] = E
        values.append(val)
        avail.append(ok)
    # top-down: effective weight of every slot
    root = plan.nodes[-1].slot
    weight: dict[int, FloatArray] = {root: np.ones(n, dtype=np.float64)}
    for node in reversed(plan.nodes):
        w_node = weight[node.slot]
        E = coefs[node.slot]
        for k, c in enumerate(node.children):
            weight[c] = w_node * E[:, k]
    contributions = np.empty((n, m), dtype=np.float64)
    for j in range(m):
        contributions[:, j] = points[:, j] * weight[j]
    score = contributions.sum(axis=1)
    node_values = {node.slot: values[node.slot] for node in plan.nodes}
    node_values[root] = score
    return score, contributions, node_values


def linear_weights(plan: TreePlan) -> FloatArray | None:
    """Return constant effective weights when every node is a weighted mean, else None.

    With nothing missing such a tree is the linear score ``points @ weights``.
    """
    if any(node.aggregator != "mean" for node in plan.nodes):
        return None
    return np.asarray(plan.static_weights, dtype=np.float64)


# ---------------------------------------------------------------------------- rules
def rule_flags(
    columns: Sequence[Sequence[FloatArray]],
    masks: Sequence[Sequence[BoolArray]],
    comparisons: Sequence[str],
    thresholds: Sequence[float],
    fire_on_missing: Sequence[bool],
    n: int,
) -> BoolArray:
    """Return the ``(n, r)`` matrix of fired rules.

    A rule fires when *every* one of its input columns satisfies the comparison. A missing
    input never satisfies it (NaN compares false, and ``!=`` is masked explicitly), unless
    the rule fires on missing input, in which case a missing input counts as satisfied.
    """
    out = np.zeros((n, len(comparisons)), dtype=np.bool_)
    for r, (cols, ms, op, thr, fire) in enumerate(
        zip(columns, masks, comparisons, thresholds, fire_on_missing, strict=True)
    ):
        ufunc: Any = COMPARISONS[op]
        hit = np.ones(n, dtype=np.bool_)
        for col, miss in zip(cols, ms, strict=True):
            sat = ufunc(col, thr) & ~miss
            if fire:
                sat |= miss
            hit &= sat
        out[:, r] = hit
    return out


def light_levels(flags: BoolArray, severities: Sequence[int]) -> NDArray[np.int8]:
    """Return the most severe level among fired rules per row (0 = green)."""
    level = np.zeros(flags.shape[0], dtype=np.int8)
    for r, sev in enumerate(severities):
        np.maximum(level, np.where(flags[:, r], np.int8(sev), np.int8(0)), out=level)
    return level


LIGHT_ARRAY: NDArray[np.object_] = np.array(LIGHTS, dtype=object)
