"""The health tree: inner nodes, their compiled plan and the column-wise aggregation kernel.

`Node` is the validated, user-facing description; `compile_tree` checks the
whole tree once and turns it into slots (`TreePlan`); `aggregate` is the pure
numpy kernel, with no validation. Every loop here runs over measures or nodes (a handful),
never over accounts.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import attrs
import numpy as np
from numpy.typing import NDArray

from kamlib._table import MAX_MAGNITUDE
from kamlib._validators import (
    as_float,
    as_float_tuple,
    as_tuple,
    each,
    non_empty_str,
    one_of,
    optional,
    real,
)
from kamlib.errors import InvalidValueError
from kamlib.scoring._kernel import BLOCK_ROWS, blocks, normalised, seq_sum

__all__ = [
    "AGGREGATORS",
    "DEFAULT_NODES",
    "Node",
    "NodePlan",
    "TreeContributions",
    "TreePlan",
    "aggregate",
    "compile_tree",
    "tree_weights",
    "weighted_sum_into",
]

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]

AGGREGATORS: tuple[str, ...] = ("mean", "min", "veto")


def _to_str_tuple(value: object) -> object:
    if isinstance(value, str):
        return (value,)
    return as_tuple(value)  # type: ignore[arg-type]


@attrs.frozen
class Node:
    """An inner node of the health tree (a dimension or the overall score).

    Aggregators (``V`` = child values, ``w`` = weights of the *available* children):

    * ``"mean"`` (default): ``sum(w * V) / sum(w)``; a child with no data is dropped and
      the remaining weights renormalised.
    * ``"min"`` (worst-of): the lowest available child. Its contribution carries the
      node's whole value; the other children contribute 0 (ties: the first child).
    * ``"veto"``: the weighted mean, but when ``veto_child`` is below ``veto_floor`` the
      node is capped at ``veto_cap`` (``0`` zeroes it). The cap scales every child's
      contribution by ``veto_cap / mean``, so contributions still add up. A missing
      veto child never vetoes.

    Weights also define the nominal shares used for ``coverage``, for every aggregator.

    Attributes:
        name: Node name, unique among nodes and measures.
        children: Names of measures or other nodes.
        weights: One non-negative weight per child; empty means equal weights.
        aggregator: ``"mean"``, ``"min"`` or ``"veto"``.
        veto_child: The child checked by ``"veto"``.
        veto_floor: Points (0-100) below which the veto fires.
        veto_cap: Points (0-100) the node is capped at when vetoed.

    Examples:
        >>> from kamlib.scoring import Node
        >>> Node("business", ("purchase_stability", "revenue_growth"), (2, 1)).weights
        (2.0, 1.0)
        >>> Node("x", ("a", "b"), aggregator="median")
        Traceback (most recent call last):
        ...
        kamlib.errors.InvalidValueError: Node.aggregator: must be one of 'mean', 'min', \
'veto'; got 'median'
    """

    name: str = attrs.field(validator=non_empty_str())
    children: tuple[str, ...] = attrs.field(
        converter=_to_str_tuple, validator=each(non_empty_str())
    )
    weights: tuple[float, ...] = attrs.field(
        default=(), converter=as_float_tuple, validator=each(real(ge=0.0, le=MAX_MAGNITUDE))
    )
    aggregator: str = attrs.field(default="mean", validator=one_of(*AGGREGATORS))
    veto_child: str | None = attrs.field(default=None, validator=optional(non_empty_str()))
    veto_floor: float = attrs.field(
        default=0.0, converter=as_float, validator=real(ge=0.0, le=100.0)
    )
    veto_cap: float = attrs.field(default=0.0, converter=as_float, validator=real(ge=0.0, le=100.0))

    def __attrs_post_init__(self) -> None:
        if not self.children:
            raise InvalidValueError("Node.children", self.children, "must name at least one child")
        if len(set(self.children)) != len(self.children):
            raise InvalidValueError("Node.children", self.children, "must not repeat a child")
        if self.weights:
            if len(self.weights) != len(self.children):
                raise InvalidValueError(
                    "Node.weights",
                    self.weights,
                    f"must hold one weight per child ({len(self.children)})",
                )
            if seq_sum(self.weights) <= 0.0:
                raise InvalidValueError("Node.weights", self.weights, "must not all be zero")
        if self.aggregator == "veto":
            if self.veto_child not in self.children:
                raise InvalidValueError(
                    "Node.veto_child", self.veto_child, f"must be one of {list(self.children)}"
                )
        elif self.veto_child is not None:
            raise InvalidValueError(
                "Node.veto_child", self.veto_child, "is only used by aggregator 'veto'"
            )

    @property
    def shares(self) -> tuple[float, ...]:
        """Weights normalised to sum to 1 (equal shares when no weights were given).

        Examples:
            >>> from kamlib.scoring import Node
            >>> Node("n", ("a", "b", "c", "d")).shares
            (0.25, 0.25, 0.25, 0.25)
        """
        return normalised(self.weights or (1.0,) * len(self.children))


#: Source tree [000]: three equally weighted dimensions (the source gives no weights).
DEFAULT_NODES: tuple[Node, ...] = (
    Node("business", ("purchase_stability", "revenue_growth")),
    Node("relationship", ("interaction_frequency", "satisfaction")),
    Node("ecosystem", ("cooperation_breadth",)),
    Node("overall", ("business", "relationship", "ecosystem")),
)


# ---------------------------------------------------------------------------- plan
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


def compile_tree(measures: Sequence[str], nodes: Sequence[Node], root: str) -> TreePlan:
    """Validate the tree and compile it to slots (measures first, then nodes bottom-up).

    Args:
        measures: The measure names, in the model's order.
        nodes: The inner nodes.
        root: Name of the node holding the overall score.

    Raises:
        InvalidValueError: Duplicate names, an unknown child, a child with two parents, an
            unreachable node, a measure in no node, or a root that is no node (the path
            names the ``HealthModel`` field).
    """
    m_names = list(measures)
    for i, name in enumerate(m_names):
        if name in m_names[:i]:
            raise InvalidValueError(f"HealthModel.measures[{i}].name", name, "is not unique")
    n_names = [n.name for n in nodes]
    for i, name in enumerate(n_names):
        if name in n_names[:i]:
            raise InvalidValueError(f"HealthModel.nodes[{i}].name", name, "is not unique")
        if name in m_names:
            raise InvalidValueError(
                f"HealthModel.nodes[{i}].name", name, "is also the name of a measure"
            )
    if root not in n_names:
        raise InvalidValueError("HealthModel.root", root, f"must name a node; have {n_names}")
    by_name = {n.name: n for n in nodes}
    parent: dict[str, str] = {}
    for i, node in enumerate(nodes):
        for k, child in enumerate(node.children):
            path = f"HealthModel.nodes[{i}].children[{k}]"
            if child not in by_name and child not in m_names:
                raise InvalidValueError(path, child, "names no measure or node")
            if child == root:
                raise InvalidValueError(path, child, "is the root; the root has no parent")
            if child in parent:
                raise InvalidValueError(
                    path, child, f"already has parent {parent[child]!r}; the tree needs one"
                )
            parent[child] = node.name
    slot_of = {name: j for j, name in enumerate(m_names)}
    order: list[Node] = []
    shares: dict[str, float] = {root: 1.0}
    stack: list[tuple[str, bool]] = [(root, False)]
    seen: set[str] = set()
    while stack:  # iterative post-order; single parents make cycles unreachable from root
        name, done = stack.pop()
        node = by_name[name]
        if done:
            order.append(node)
            continue
        seen.add(name)
        stack.append((name, True))
        for child, share in zip(node.children, node.shares, strict=True):
            shares[child] = shares[name] * share
            if child in by_name:
                stack.append((child, False))
    for i, node in enumerate(nodes):
        if node.name not in seen:
            raise InvalidValueError(
                f"HealthModel.nodes[{i}].name", node.name, f"is not reachable from {root!r}"
            )
    for i, name in enumerate(m_names):
        if name not in parent:
            raise InvalidValueError(
                f"HealthModel.measures[{i}].name", name, "is not a child of any node"
            )
    plans: list[NodePlan] = []
    for node in order:
        slot_of[node.name] = len(m_names) + len(plans)
        plans.append(
            NodePlan(
                name=node.name,
                slot=slot_of[node.name],
                children=tuple(slot_of[c] for c in node.children),
                weights=node.weights or (1.0,) * len(node.children),
                aggregator=node.aggregator,
                veto_child=(
                    node.children.index(node.veto_child) if node.veto_child is not None else -1
                ),
                veto_floor=node.veto_floor,
                veto_cap=node.veto_cap,
            )
        )
    return TreePlan(
        n_measures=len(m_names),
        nodes=tuple(plans),
        static_weights=tuple(shares[name] for name in m_names),
    )


# ---------------------------------------------------------------------------- kernel
Coef = FloatArray | float


@attrs.frozen(eq=False)
class TreeContributions:
    """Lazy ``(n, m)`` contributions ``points_j * weight_j``, the terms of the score.

    ``weight_j`` is each measure's effective weight (a scalar while nothing is missing
    below it, else one per row). Computed on first read, by the same element-wise products
    that `aggregate` adds up for the score, so they add up to it in its order.
    """

    points: tuple[FloatArray, ...]
    weights: tuple[Coef, ...]

    @property
    def shape(self) -> tuple[int, int]:
        """``(n, m)``: rows and measures."""
        return (self.points[0].shape[0], len(self.points))

    def compute(self) -> FloatArray:
        """Return the ``(n, m)`` Fortran-ordered contributions."""
        n, m = self.shape
        out = np.empty((n, m), dtype=np.float64, order="F")
        for j in range(m):
            np.multiply(self.points[j], self.weights[j], out=out[:, j])
        return out

    def take(self, rows: NDArray[np.intp]) -> TreeContributions:
        """Return the recipe for ``rows`` only."""
        return TreeContributions(
            tuple(p[rows] for p in self.points),
            tuple(w if isinstance(w, float) else w[rows] for w in self.weights),
        )


BlockFn = Callable[[slice, FloatArray], FloatArray]
"""Returns one measure's points for a block of rows, written into the given scratch block
(or a view of points kept elsewhere, which is then only read)."""


def weighted_sum_into(
    makers: Sequence[BlockFn],
    weights: Sequence[Coef],
    n: int,
    clip: tuple[float, float] | None = None,
) -> FloatArray:
    """``sum_j points_j * weight_j`` from ``0.0``, left to right, in cache-sized blocks.

    Each block of measure ``j``'s points comes from ``makers[j]``, so a measure can be
    mapped and added up while its block is in cache, without an ``(n, m)`` matrix of
    points in memory; ``clip`` clips each block of the sum to ``[lo, hi]`` there too
    (``np.clip``'s bits). A row's score is the same bits whatever the blocks.
    """
    score = np.zeros(n, dtype=np.float64)
    m = min(n, BLOCK_ROWS)
    pbuf, tmp_buf = np.empty(m, dtype=np.float64), np.empty(m, dtype=np.float64)
    for rows in blocks(n):
        o = score[rows]
        k = o.shape[0]
        tmp = tmp_buf[:k]
        for make, w in zip(makers, weights, strict=True):
            pb = make(rows, pbuf[:k])
            np.multiply(pb, w if isinstance(w, float) else w[rows], out=tmp)
            o += tmp
        if clip is not None:
            np.maximum(o, clip[0], out=o)
            np.minimum(o, clip[1], out=o)
    return score


def _weighted_sum(points: Sequence[FloatArray], weights: Sequence[Coef]) -> FloatArray:
    """``sum_j points_j * weight_j`` of points already computed (see `weighted_sum_into`)."""

    def kept(p: FloatArray) -> BlockFn:
        return lambda rows, _scratch: p[rows]

    return weighted_sum_into([kept(p) for p in points], weights, points[0].shape[0])


_UNREAD: FloatArray = np.empty(0)
"""Stands for the value of a mean node that no parent reads (never computed)."""


def aggregate(
    points: Sequence[FloatArray],
    available: Sequence[BoolArray | None],
    plan: TreePlan,
    *,
    with_nodes: bool = True,
) -> tuple[FloatArray, TreeContributions, dict[int, FloatArray]]:
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
        with_nodes: Return every node's value. Without it, a weighted-mean node's value
            is computed only where a ``min`` or ``veto`` parent reads it: the score comes
            from the contributions, so it is the same bits either way.

    Returns:
        ``(score, contributions, node_values)``: ``(n,)`` root values, the lazy ``(n, m)``
        contributions (`TreeContributions`), and node slot to ``(n,)`` values (only the
        computed ones without ``with_nodes``).
    """
    effective, values = _walk(points, available, plan, points[0].shape[0], with_nodes)
    contributions = TreeContributions(tuple(points), effective)
    score = _weighted_sum(points, effective)
    root = plan.nodes[-1].slot
    node_values = {nd.slot: values[nd.slot] for nd in plan.nodes if values[nd.slot] is not _UNREAD}
    node_values[root] = score
    return score, contributions, node_values


def tree_weights(
    available: Sequence[BoolArray | None], plan: TreePlan, n: int
) -> tuple[Coef, ...] | None:
    """Each measure's effective weight when it depends on availability alone, else ``None``.

    A tree of weighted means weighs its measures by their availability only (a ``min`` or
    ``veto`` node also reads the values): then a blocked kernel can add up the score while
    each block of points is in cache. The weights are those `aggregate` uses, bit for bit.
    """
    if any(nd.aggregator != "mean" for nd in plan.nodes):
        return None
    return _walk(None, available, plan, n, with_nodes=False)[0]


def _walk(
    points: Sequence[FloatArray] | None,
    available: Sequence[BoolArray | None],
    plan: TreePlan,
    n: int,
    with_nodes: bool,
) -> tuple[tuple[Coef, ...], list[FloatArray]]:
    """Walk the tree bottom-up: each measure's effective weight, and every slot's value.

    ``points`` may be ``None`` only for a tree of means without ``with_nodes``, where no
    node value is read.
    """
    m = len(available)
    values: list[FloatArray] = list(points) if points is not None else [_UNREAD] * m
    avail: list[BoolArray | None] = list(available)
    coefs: dict[int, list[Coef]] = {}
    read_by_parent = {c for nd in plan.nodes if nd.aggregator != "mean" for c in nd.children}
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
            if with_nodes or node.aggregator == "veto" or node.slot in read_by_parent:
                val = np.zeros(n, dtype=np.float64)
                for e, v in zip(E, V, strict=True):
                    val += e * v
            else:  # nobody reads this mean: the score comes from the contributions
                val = _UNREAD
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
    effective = tuple(
        float(weight[j]) if isinstance(weight[j], float | int) else weight[j] for j in range(m)
    )
    return effective, values
