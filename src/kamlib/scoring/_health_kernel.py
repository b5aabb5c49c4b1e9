"""Numpy kernels of the health model: tree aggregation, rules, lights.

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

from kamlib.scoring._kernel import normalised

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


Coef = FloatArray | float


def aggregate(
    points: Sequence[FloatArray], available: Sequence[BoolArray | None], plan: TreePlan
) -> tuple[FloatArray, FloatArray, dict[int, FloatArray]]:
    """Aggregate measure points through the tree, column by column.

    Each node computes its value *and* the per-row coefficient of each child, so that
    ``value == sum(coef * child_value)``; multiplying coefficients down from the root gives
    each measure's effective weight, and contributions ``points * effective_weight`` add
    up to the root value. Coefficients stay scalars while nothing is missing below a mean
    node, so the common case costs a few passes per column.

    Args:
        points: ``m`` columns of measure points, 0 where a measure is unavailable.
        available: ``m`` masks (True = the measure takes part), ``None`` = all rows.
        plan: The compiled tree.

    Returns:
        ``(score, contributions, node_values)``: ``(n,)`` root values, ``(n, m)``
        Fortran-ordered contributions, and node slot to ``(n,)`` values.
    """
    n = points[0].shape[0]
    m = len(points)
    values: list[FloatArray] = list(points)
    avail: list[BoolArray | None] = list(available)
    coefs: dict[int, list[Coef]] = {}
    for node in plan.nodes:
        V = [values[c] for c in node.children]
        A = [avail[c] for c in node.children]
        E: list[Coef]
        ok: BoolArray | None
        if node.aggregator == "min":
            Vm = [v if a is None else np.where(a, v, np.inf) for v, a in zip(V, A, strict=True)]
            best = Vm[0].copy()
            for v in Vm[1:]:
                np.minimum(best, v, out=best)
            ok = None
            if all(a is not None for a in A):
                ok = np.zeros(n, dtype=np.bool_)
                for a in A:
                    assert a is not None
                    ok |= a
            taken = np.zeros(n, dtype=np.bool_) if ok is None else ~ok
            E = []
            for v in Vm:
                hit = (v == best) & ~taken
                taken |= hit
                E.append(hit.astype(np.float64))
            val = best if ok is None else np.where(ok, best, 0.0)
        else:
            w = node.weights
            # The constant and the per-row coefficients come from the same operations
            # (a left-to-right sum from 0.0, then w / sum), so a row with nothing missing
            # gets the same bits whether or not another row of the batch misses a value.
            if all(a is None for a in A):
                E = list(normalised(w))
                ok = None
            else:
                Wk = [float(wk) if a is None else a * float(wk) for wk, a in zip(w, A, strict=True)]
                s = np.zeros(n, dtype=np.float64)
                for wk_arr in Wk:
                    s += wk_arr
                ok = s > 0.0
                safe = np.where(ok, s, 1.0)
                E = [np.asarray(wk_arr / safe, dtype=np.float64) for wk_arr in Wk]
            val = np.zeros(n, dtype=np.float64)
            for e, v in zip(E, V, strict=True):
                val += e * v
            if node.aggregator == "veto":
                j = node.veto_child
                cap = node.veto_cap
                vetoed = (V[j] < node.veto_floor) & (val > cap)
                a_j = A[j]
                if a_j is not None:
                    vetoed &= a_j
                if vetoed.any():
                    safe = np.where(vetoed, val, 1.0)
                    scale = np.where(vetoed, cap / safe, 1.0)
                    E = [e * scale for e in E]
                    val = np.where(vetoed, cap, val)
        coefs[node.slot] = E
        values.append(val)
        avail.append(ok)
    # top-down: effective weight of every slot
    root = plan.nodes[-1].slot
    weight: dict[int, Coef] = {root: 1.0}
    for node in reversed(plan.nodes):
        w_node = weight[node.slot]
        for c, e in zip(node.children, coefs[node.slot], strict=True):
            weight[c] = w_node * e
    contributions = np.empty((n, m), dtype=np.float64, order="F")
    score = np.zeros(n, dtype=np.float64)
    for j in range(m):
        np.multiply(points[j], weight[j], out=contributions[:, j])
        score += contributions[:, j]
    node_values = {node.slot: values[node.slot] for node in plan.nodes}
    node_values[root] = score
    return score, contributions, node_values


# ---------------------------------------------------------------------------- rules
def rule_flags(
    columns: Sequence[Sequence[FloatArray]],
    masks: Sequence[Sequence[BoolArray | None]],
    comparisons: Sequence[str],
    thresholds: Sequence[float],
    fire_on_missing: Sequence[bool],
    n: int,
) -> BoolArray:
    """Return the Fortran-ordered ``(n, r)`` matrix of fired rules.

    A rule fires when *every* one of its input columns satisfies the comparison. A missing
    input never satisfies it (NaN compares false, and ``!=`` is masked explicitly), unless
    the rule fires on missing input, in which case a missing input counts as satisfied.
    A mask of ``None`` means nothing is missing in that column.
    """
    out = np.zeros((n, len(comparisons)), dtype=np.bool_, order="F")
    for r, (cols, ms, op, thr, fire) in enumerate(
        zip(columns, masks, comparisons, thresholds, fire_on_missing, strict=True)
    ):
        ufunc: Any = COMPARISONS[op]
        hit = out[:, r]
        for k, (col, miss) in enumerate(zip(cols, ms, strict=True)):
            sat = ufunc(col, thr)
            if miss is not None:
                sat = (sat | miss) if fire else (sat & ~miss)
            if k == 0:
                hit[...] = sat
            else:
                hit &= sat
    return out


def light_levels(flags: BoolArray, severities: Sequence[int]) -> NDArray[np.int8]:
    """Return the most severe level among fired rules per row (0 = green)."""
    level = np.zeros(flags.shape[0], dtype=np.int8)
    for r, sev in enumerate(severities):
        col = np.ascontiguousarray(flags[:, r]).view(np.int8)
        np.maximum(level, col * np.int8(sev), out=level)
    return level


LIGHT_ARRAY: NDArray[np.object_] = np.array(LIGHTS, dtype=object)
