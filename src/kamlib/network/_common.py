"""Shared pieces of the network analyses: vocabulary, parameter checks, strongest paths.

Private module; the public names are re-exported by `kamlib.network`.
"""

from __future__ import annotations

import datetime as dt
import heapq
import itertools
from collections.abc import Callable, Hashable, Iterable, Mapping
from types import MappingProxyType
from typing import Any, Final

import networkx as nx

from kamlib._validators import check_choice, check_flag, check_name, check_real
from kamlib.errors import FieldError, InvalidTypeError, InvalidValueError, UnknownIdError
from kamlib.model import DecisionRole, RelationshipKind, Side

__all__ = [
    "DEFAULT_ROLE_WEIGHTS",
    "INFLUENCES",
    "REPORTS_TO",
    "CUSTOMER",
    "OUR_STAFF",
    "COMPETITOR_STAFF",
    "DECISION_MAKER",
    "COACH",
    "Graph",
]

Graph = nx.DiGraph  # runtime alias, used in isinstance checks

INFLUENCES: Final = "influences"
REPORTS_TO: Final = "reports_to"
CUSTOMER: Final = "customer"
OUR_STAFF: Final = "our_staff"
COMPETITOR_STAFF: Final = "competitor_staff"
DECISION_MAKER: Final = "decision_maker"
INFLUENCER: Final = "influencer"
USER: Final = "user"
COACH: Final = "coach"

ROLES: Final = tuple(r.value for r in DecisionRole)
SIDES: Final = tuple(s.value for s in Side)
KINDS: Final = tuple(k.value for k in (RelationshipKind.INFLUENCES, RelationshipKind.REPORTS_TO))
_ROLE_SET: Final = frozenset(ROLES)
_SIDE_SET: Final = frozenset(SIDES)
_KIND_SET: Final = frozenset(KINDS)


def _one_of(names: tuple[str, ...]) -> str:
    return "must be one of " + ", ".join(repr(n) for n in names)


DEFAULT_ROLE_WEIGHTS: Final[Mapping[str, float]] = MappingProxyType(
    {DECISION_MAKER: 1.0, INFLUENCER: 0.6, COACH: 0.6, USER: 0.3}
)
"""Default weight of each decision role in coverage, support and interaction frequency.

No source gives numbers: source [000] only says the decision-maker (决策者) decides on ROI
and strategy, the influencer (影响者) judges feasibility and the user (使用者) usability.
kamlib ranks them decision-maker 1.0 > influencer 0.6 = coach 0.6 > user 0.3 as a
documented default; pass ``role_weights=`` to change it. Its keys must be
[`DecisionRole`][kamlib.model.DecisionRole] values (a typo raises ``InvalidValueError``); a
person without a role, or with a role missing from the mapping, weighs 0.
"""


# -- parameter checks --------------------------------------------------------------


def check_graph(where: str, G: object) -> nx.DiGraph[Any]:
    """Require a directed simple graph (``nx.DiGraph``, not a multigraph)."""
    if not isinstance(G, nx.DiGraph) or G.is_multigraph():
        raise InvalidTypeError(
            f"{where}.G", type(G).__name__, "must be a networkx.DiGraph (not a multigraph)"
        )
    return G


def check_attr_name(path: str, value: object) -> str:
    """An edge-attribute name (a non-empty ``str``)."""
    return check_name(path, value)


def check_role(path: str, value: object) -> str:
    """A decision-role name: one of the [`DecisionRole`][kamlib.model.DecisionRole] values."""
    if value.__class__ is str and value in _ROLE_SET:
        return str(value)
    return str(check_choice(path, value, ROLES))


def check_role_weights(path: str, value: object) -> Mapping[str, float]:
    """A mapping ``role -> weight >= 0`` with at least one positive weight.

    Every key must be a [`DecisionRole`][kamlib.model.DecisionRole] value, so a typo
    (``"decison_maker"``) raises instead of silently weighing nobody.
    """
    if not isinstance(value, Mapping):
        raise InvalidTypeError(path, value, "must be a mapping of role name to weight")
    out: dict[str, float] = {}
    for key, w in value.items():
        role = check_role(f"{path}[{key!r}]", key)
        out[role] = check_real(f"{path}[{key!r}]", w, ge=0.0)
    if not any(w > 0 for w in out.values()):
        raise InvalidValueError(path, dict(value), "needs at least one positive weight")
    return MappingProxyType(out)


def check_node(path: str, G: nx.DiGraph[Any], node: object) -> None:
    """Raise `UnknownIdError` when ``node`` is not in ``G``."""
    try:
        known = node in G
    except TypeError:  # unhashable
        raise InvalidTypeError(path, node, "must be a hashable node id") from None
    if not known:
        raise UnknownIdError(path, node, "is not a node of the graph")


# -- reading node and edge attributes ----------------------------------------------


def check_graph_attributes(where: str, G: nx.DiGraph[Any]) -> None:
    """Check the node and edge attributes the analyses read, once, on a user's graph.

    Node ``side`` (a [`Side`][kamlib.model.Side] value; absent = customer),
    ``role`` (``None`` or a [`DecisionRole`][kamlib.model.DecisionRole] value), ``active``
    (a bool; absent = active) and ``left_on`` (``None`` or a date); edge ``kind``
    (``"influences"`` or ``"reports_to"``; absent = influences) and ``reports_to``
    (a bool). Edge strengths are checked where they are read (`edge_strength`).

    Raises:
        InvalidTypeError: An attribute of the wrong type, naming node or edge.
        InvalidValueError: An unknown side, role or kind, naming node or edge.
    """
    for node, d in G.nodes(data=True):
        if not d:
            continue
        side = d.get("side", CUSTOMER)
        if side.__class__ is not str or side not in _SIDE_SET:  # fast path: plain str
            _check_name(f"{where}.G.nodes[{node!r}]['side']", side, SIDES, _SIDE_SET, False)
        role = d.get("role")
        if role is not None and (role.__class__ is not str or role not in _ROLE_SET):
            _check_name(f"{where}.G.nodes[{node!r}]['role']", role, ROLES, _ROLE_SET, True)
        active = d.get("active", True)
        if active.__class__ is not bool:
            check_flag(f"{where}.G.nodes[{node!r}]['active']", active)
        left = d.get("left_on")
        if left is not None and not isinstance(left, dt.date):
            raise InvalidTypeError(
                f"{where}.G.nodes[{node!r}]['left_on']", left, "must be None or a datetime.date"
            )
    check_edge_attributes(where, G)


def check_edge_attributes(where: str, G: nx.DiGraph[Any]) -> None:
    """The edge half of `check_graph_attributes` (``kind`` and ``reports_to``)."""
    for u, v, d in G.edges(data=True):
        kind = d.get("kind", INFLUENCES)
        if kind.__class__ is not str or kind not in _KIND_SET:
            check_choice(f"{where}.G.edges[{u!r}, {v!r}]['kind']", kind, KINDS)
        rep = d.get("reports_to", False)
        if rep.__class__ is not bool:
            check_flag(f"{where}.G.edges[{u!r}, {v!r}]['reports_to']", rep)


def _check_name(
    path: str, value: object, names: tuple[str, ...], known: frozenset[str], optional: bool
) -> None:
    """Raise unless ``value`` is one of ``names`` (or ``None`` when ``optional``)."""
    if value is None and optional:
        return
    if value.__class__ is str and value in known:
        return
    try:
        check_choice(path, value, names)
    except FieldError as err:
        if not optional:
            raise
        reason = err.reason.replace("must be ", "must be None or ", 1)
        raise type(err)(err.path, err.value, reason) from None


def side_of(data: Mapping[str, Any]) -> str:
    """The ``side`` node attribute; a node without one counts as customer-side."""
    return str(data.get("side", CUSTOMER))


def is_active(data: Mapping[str, Any]) -> bool:
    """The ``active`` node attribute; a node without one counts as active."""
    return bool(data.get("active", True))


def is_influence(data: Mapping[str, Any]) -> bool:
    """Whether an edge is an influence tie (an edge without ``kind`` counts as one)."""
    return bool(data.get("kind", INFLUENCES) == INFLUENCES)


def edge_strength(
    where: str, u: Hashable, v: Hashable, data: Mapping[str, Any], weight: str
) -> float:
    """The influence strength of an edge in ``[0, 1]``; 0 for a non-influence edge.

    Raises:
        InvalidTypeError: The attribute is not a real number (a ``str``, a ``bool``).
        InvalidValueError: The attribute is missing, not finite or outside [0, 1].
    """
    if not is_influence(data):
        return 0.0
    if weight not in data:
        raise InvalidValueError(
            f"{where}.G.edges[{u!r}, {v!r}]", dict(data), f"has no {weight!r} attribute"
        )
    s = data[weight]
    if s.__class__ is float and 0.0 <= s <= 1.0:
        return float(s)
    return check_real(f"{where}.G.edges[{u!r}, {v!r}][{weight!r}]", s, ge=0.0, le=1.0)


def canonical(G: nx.DiGraph[Any], *, where: str) -> nx.DiGraph[Any]:
    """A checked copy of ``G`` with nodes and edges inserted in sorted order.

    networkx algorithms visit nodes and neighbours in insertion order; analysing this
    copy makes every tie-break (equal strengths) independent of how ``G`` was built.
    The attributes are checked first (`check_graph_attributes`), so every
    public analysis validates a user's graph once per call.
    """
    check_graph_attributes(where, G)
    H: nx.DiGraph[Any] = nx.DiGraph()
    H.graph.update(G.graph)
    H.add_nodes_from(sorted(G.nodes(data=True), key=lambda nd: _key(nd[0])))
    H.add_edges_from(sorted(G.edges(data=True), key=lambda e: (_key(e[0]), _key(e[1]))))
    return H


def _key(node: Hashable) -> tuple[str, str]:
    """Sort key for node ids of any (mixed) type: by type name, then text."""
    return (type(node).__name__, str(node))


def node_key(node: Hashable) -> tuple[str, str]:
    """Public-in-package alias of the deterministic node sort key."""
    return _key(node)


# -- strongest paths ----------------------------------------------------------------


def strongest_from(
    G: nx.DiGraph[Any],
    sources: Iterable[Hashable],
    *,
    weight: str,
    passable: Callable[[Hashable], bool],
    where: str,
) -> tuple[dict[Hashable, float], dict[Hashable, list[Hashable]]]:
    """Strongest influence path from any of ``sources`` to every reachable node.

    The strength of a path is the **product** of its edge strengths, multiplied left to
    right from the source; the strongest path maximises it. Edges of strength 0 and
    non-influence edges are not traversable, and only nodes for which
    ``passable(node)`` holds are entered. Sources themselves get strength 1; a node is
    reached when some path gives it a positive strength.

    The search is Dijkstra in the (max, x) semiring: a product by a strength
    ``s <= 1`` never grows, and floating-point rounding is monotone, so the node
    settled first holds the exact maximum over all paths. That maximum is the value
    the portfolio-wide array path computes by Bellman-Ford
    (`kamlib.network._kernels.strongest_products`), bit for bit.

    Returns:
        ``(strength, path)`` dicts keyed by reached node.
    """
    strength: dict[Hashable, float] = {}
    heap: list[tuple[float, int, Hashable]] = []
    count = itertools.count()
    for s in sources:
        if s in G and s not in strength:
            strength[s] = 1.0
            heapq.heappush(heap, (-1.0, next(count), s))
    origin = frozenset(strength)
    settled: set[Hashable] = set()
    adj = G.adj

    def step(u: Hashable, v: Hashable, d: Mapping[str, Any]) -> float:
        """The strength of tie ``u -> v`` if a path may take it, else 0."""
        s = edge_strength(where, u, v, d, weight)  # checked on every edge walked
        return s if s > 0.0 and passable(v) else 0.0

    while heap:
        neg, _, u = heapq.heappop(heap)
        if u in settled:
            continue
        settled.add(u)
        here = -neg
        for v, d in adj[u].items():
            s = step(u, v, d)
            if s == 0.0 or v in settled:
                continue
            cand = here * s
            if cand > strength.get(v, 0.0):
                strength[v] = cand
                heapq.heappush(heap, (-cand, next(count), v))
    return strength, _tight_paths(G, origin, strength, step)


def _tight_paths(
    G: nx.DiGraph[Any],
    origin: frozenset[Hashable],
    strength: Mapping[Hashable, float],
    step: Callable[[Hashable, Hashable, Mapping[str, Any]], float],
) -> dict[Hashable, list[Hashable]]:
    """One strongest path to every reached node, chosen by a rule the array path shares.

    A tie ``u -> v`` is *tight* when ``strength[u] * s == strength[v]``: a strongest
    path to ``u`` extended by it is a strongest path to ``v``. Among the paths of
    tight ties from a source, take the fewest ties; among those, the one whose people
    read backwards from ``v`` have the smallest ids (`node_key`). So a tie between
    equally strong paths is broken by the graph's content alone, never by the order of
    a search (`kamlib.network._kernels.tight_predecessors` does the same on arrays).
    """
    hop = dict.fromkeys(origin, 0)
    frontier = sorted(origin, key=node_key)
    rounds = 0
    while frontier:
        rounds += 1
        reached = []
        for u in frontier:
            for v, d in G.adj[u].items():
                if v not in hop and v in strength and strength[u] * step(u, v, d) == strength[v]:
                    hop[v] = rounds
                    reached.append(v)
        frontier = reached
    pred: dict[Hashable, Hashable] = {}
    for v, h in hop.items():
        if h:
            pred[v] = min(
                (
                    u
                    for u, d in G.pred[v].items()
                    if hop.get(u) == h - 1 and strength[u] * step(u, v, d) == strength[v]
                ),
                key=node_key,
            )
    paths: dict[Hashable, list[Hashable]] = {}
    for node in strength:
        chain = [node]
        while chain[-1] in pred:
            chain.append(pred[chain[-1]])
        chain.reverse()
        paths[node] = chain
    return paths
