"""Key-person support estimated from the portrait (source [002])."""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Mapping
from typing import Any, Final, TypeAlias

import attrs
import networkx as nx
import numpy as np

from kamlib._validators import check_real
from kamlib.errors import InvalidTypeError, InvalidValueError
from kamlib.network._common import (
    CUSTOMER,
    DEFAULT_ROLE_WEIGHTS,
    canonical,
    check_attr_name,
    check_graph,
    check_role_weights,
    edge_strength,
    is_active,
    side_of,
)
from kamlib.network._kernels import ordered_sum, pagerank_one, reach_failure

__all__ = [
    "DEFAULT_PORTRAIT_WEIGHTS",
    "PORTRAIT_ATTRIBUTES",
    "SupportRule",
    "support_scores",
    "weighted_support",
]

PORTRAIT_ATTRIBUTES: Final = ("closeness", "solution_acceptance", "price_acceptance")
"""Node attributes holding the portrait, each on the 0-10 scale (source [002])."""

DEFAULT_PORTRAIT_WEIGHTS: Final[tuple[float, float, float]] = (1.0, 1.0, 1.0)
"""Weights of closeness, solution acceptance and price acceptance in support.

Source [002] names the three attributes that decide whether a person picks us but gives
no weights, so kamlib weighs them equally by default.
"""

SupportRule: TypeAlias = tuple[float, float, float] | Callable[[float, float, float], float]
"""Either three weights (closeness, solution, price) or a function of the three 0-10
values returning a support in [0, 1]."""

_SCALE: Final = 10.0


def _rule(where: str, weights: object) -> Callable[[float, float, float], float]:
    if callable(weights):
        fn: Callable[[float, float, float], float] = weights

        def checked(c: float, s: float, p: float) -> float:
            value = fn(c, s, p)
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise InvalidTypeError(
                    f"{where}.portrait_weights", value, "must return a real number"
                )
            if not (math.isfinite(value) and 0.0 <= value <= 1.0):
                raise InvalidValueError(
                    f"{where}.portrait_weights", value, "must return a value in [0, 1]"
                )
            return float(value)

        return checked
    if not isinstance(weights, tuple | list) or len(weights) != 3:
        raise InvalidTypeError(
            f"{where}.portrait_weights",
            weights,
            "must be 3 weights (closeness, solution, price) or a callable",
        )
    w = [check_real(f"{where}.portrait_weights[{i}]", x, ge=0.0) for i, x in enumerate(weights)]
    total = sum(w)
    if total <= 0.0:
        raise InvalidValueError(f"{where}.portrait_weights", weights, "needs a positive weight")
    return MeanRule(w[0], w[1], w[2], total)


@attrs.frozen
class MeanRule:
    """The default support rule: weighted mean of the portrait on 0-10, divided by 10.

    ``min(1, (w0*c + w1*s + w2*p) / (total * 10))``, for one person (a call) or for
    arrays of people at once (`vector`), with the same bits either way.
    """

    w0: float
    w1: float
    w2: float
    total: float

    def __call__(self, c: float, s: float, p: float) -> float:
        return min(1.0, (self.w0 * c + self.w1 * s + self.w2 * p) / (self.total * _SCALE))

    def vector(self, values: np.ndarray[Any, np.dtype[np.float64]]) -> np.ndarray[Any, Any]:
        """The rule on an ``(n, 3)`` array of portraits."""
        c, s, p = values[:, 0], values[:, 1], values[:, 2]
        out: np.ndarray[Any, Any] = np.minimum(
            1.0, (self.w0 * c + self.w1 * s + self.w2 * p) / (self.total * _SCALE)
        )
        return out


def _portrait(
    where: str, node: Hashable, d: Mapping[str, Any]
) -> tuple[float, float, float] | None:
    values = [d.get(a) for a in PORTRAIT_ATTRIBUTES]
    if all(v is None for v in values):
        return None
    out = []
    for name, v in zip(PORTRAIT_ATTRIBUTES, values, strict=True):
        out.append(check_real(f"{where}.G.nodes[{node!r}][{name!r}]", v, ge=0.0, le=_SCALE))
    return out[0], out[1], out[2]


def support_scores(
    G: nx.DiGraph[Any], *, portrait_weights: SupportRule = DEFAULT_PORTRAIT_WEIGHTS
) -> dict[Hashable, float]:
    """Support (支持度) of each customer-side person with a portrait, in [0, 1].

    Source rule [002]: relationship closeness (关系紧密度), solution acceptance
    (方案认可度) and price acceptance (价格接受度) decide whether a person picks us.
    Default formula: the weighted mean of the three on the 0-10 scale, divided by
    10, with `DEFAULT_PORTRAIT_WEIGHTS` (equal: the source gives no weights).
    Pass three other weights, or a callable ``f(closeness, solution, price) ->
    [0, 1]`` for another rule.

    Args:
        G: A stakeholder graph: nodes carry ``closeness``, ``solution_acceptance``
            and ``price_acceptance`` (0-10, or ``None`` when not assessed).
        portrait_weights: Three weights >= 0 (closeness, solution, price) or a callable.

    Returns:
        ``{person: support}`` for every customer-side node with a portrait.

    Raises:
        InvalidTypeError: ``G`` is not a DiGraph; ``portrait_weights`` of the wrong shape; a
            node or edge attribute of the wrong type.
        InvalidValueError: Negative weights; a portrait value outside 0-10; a
            callable returning a value outside [0, 1]; an unknown node
            ``side``/``role`` or edge ``kind``.

    Examples:
        >>> G = nx.DiGraph()
        >>> G.add_node("CEO", closeness=6, solution_acceptance=9, price_acceptance=3)
        >>> support_scores(G)
        {'CEO': 0.6}
        >>> support_scores(G, portrait_weights=(0, 1, 0))
        {'CEO': 0.9}
        >>> support_scores(G, portrait_weights=lambda c, s, p: min(c, s, p) / 10)
        {'CEO': 0.3}
    """
    where = "support_scores"
    check_graph(where, G)
    rule = _rule(where, portrait_weights)
    out: dict[Hashable, float] = {}
    for node, d in canonical(G, where=where).nodes(data=True):
        if side_of(d) != CUSTOMER:
            continue
        values = _portrait(where, node, d)
        if values is not None:
            out[node] = rule(*values)
    return out


def influence_weights(
    H: nx.DiGraph[Any],
    *,
    weight: str,
    role_weights: Mapping[str, float],
    alpha: float,
    where: str = "weighted_support",
) -> dict[Hashable, float]:
    """Influence reach among the active customer-side people, restarting by role weight.

    Same result as `influence_reach` on the subgraph of those people with
    ``personalization`` = role weights (uniform when none is positive), read straight
    from the adjacency of ``H`` (already sorted) for speed.
    """
    where = "weighted_support"
    inner = [n for n, d in H.nodes(data=True) if side_of(d) == CUSTOMER and is_active(d)]
    if not inner:
        return {}
    index = {n: i for i, n in enumerate(inner)}
    restart = np.zeros(len(inner))
    for n, i in index.items():
        role = H.nodes[n].get("role")
        if isinstance(role, str):
            restart[i] = role_weights.get(role, 0.0)
    total = ordered_sum(restart)
    p = restart / total if total > 0 else np.full(len(inner), 1.0 / len(inner))
    src: list[int] = []
    dst: list[int] = []
    strengths: list[float] = []
    adj = H.adj
    for u, i in index.items():
        for v, d in adj[u].items():
            j = index.get(v)
            if j is None:
                continue
            s = edge_strength(where, u, v, d, weight)
            if s > 0.0:
                src.append(j)  # the walk goes from the swayed (v) to the swayer (u)
                dst.append(i)
                strengths.append(s)
    label = H.graph.get("account_id")
    x = pagerank_one(
        len(inner),
        src,
        dst,
        strengths,
        p,
        alpha,
        100,
        1.0e-6,
        lambda _: reach_failure(where, alpha, "the graph" if label is None else repr(label)),
    )
    return dict(zip(inner, x.tolist(), strict=True))


def weighted_support(
    G: nx.DiGraph[Any],
    *,
    portrait_weights: SupportRule = DEFAULT_PORTRAIT_WEIGHTS,
    role_weights: Mapping[str, float] = DEFAULT_ROLE_WEIGHTS,
    alpha: float = 0.85,
    weight: str = "strength",
) -> float | None:
    """Influence-weighted support of an account or opportunity, in [0, 1].

    The mean of `support_scores` over the active customer-side people with a
    portrait, each weighted by their **influence reach** inside the account:
    `influence_reach` over the influence ties among the active customer-side
    people, restarting at each person in proportion to their role weight
    (`DEFAULT_ROLE_WEIGHTS`; uniformly when nobody has a weighted role). A
    decision-maker thus weighs by role, and someone without a formal role weighs
    by the key persons they sway (an indirect key person, source [002]). For an
    opportunity pass its graph (``stakeholder_graph(..., opportunity_id=...)``).

    Args:
        G: A stakeholder graph.
        portrait_weights: Portrait rule, as in `support_scores`.
        role_weights: Restart weight of each role.
        alpha: Damping factor of the influence reach, in [0, 1).
        weight: Edge attribute with the influence strength.

    Returns:
        The weighted support, or ``None`` when no active customer-side person has a
        portrait.

    Raises:
        InvalidTypeError: ``G`` is not a DiGraph; a parameter or a node or edge
            attribute of the wrong type.
        InvalidValueError: Bad weights (a ``role_weights`` key must be a decision
            role), ``alpha`` outside [0, 1); an unknown node ``side``/``role`` or
            edge ``kind``.

    Examples:
        >>> G = nx.DiGraph()
        >>> G.add_node("CEO", role="decision_maker", closeness=8, solution_acceptance=8,
        ...            price_acceptance=8)
        >>> G.add_node("Clerk", role="user", closeness=2, solution_acceptance=2,
        ...            price_acceptance=2)
        >>> s = weighted_support(G)  # restart weights 1.0 vs 0.3, no influence ties
        >>> round(s, 4) == round((1.0 * 0.8 + 0.3 * 0.2) / 1.3, 4)
        True
    """
    where = "weighted_support"
    check_graph(where, G)
    rule = _rule(where, portrait_weights)
    weights_by_role = check_role_weights(f"{where}.role_weights", role_weights)
    a = check_real(f"{where}.alpha", alpha, ge=0.0, lt=1.0)
    weight = check_attr_name(f"{where}.weight", weight)
    H = canonical(G, where=where)
    reach = influence_weights(H, weight=weight, role_weights=weights_by_role, alpha=a)
    return _weighted(H, reach, rule, where)[0]


def _weighted(
    H: nx.DiGraph[Any],
    reach: Mapping[Hashable, float],
    rule: Callable[[float, float, float], float],
    where: str,
) -> tuple[float | None, tuple[float, float, float] | None]:
    """Reach-weighted mean support and mean portrait (0-10) of the portrait holders."""
    total = acc = c = s = p = 0.0
    for node, r in reach.items():
        values = _portrait(where, node, H.nodes[node])
        if values is None or r <= 0.0:
            continue
        total += r
        acc += r * rule(*values)
        c += r * values[0]
        s += r * values[1]
        p += r * values[2]
    if total <= 0.0:
        return None, None
    # a weighted mean lies within the range of its values; clip the rounding error
    # (ten weighted 10s can sum to 10.000000000000002)
    return min(1.0, acc / total), (
        min(_SCALE, c / total),
        min(_SCALE, s / total),
        min(_SCALE, p / total),
    )
