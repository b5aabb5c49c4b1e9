"""Who sways whom: indirect key persons and influence reach (source [002])."""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Iterable, Mapping
from typing import Any

import attrs
import networkx as nx
import numpy as np

from kamlib._validators import check_int, check_real
from kamlib.errors import InvalidTypeError, InvalidValueError
from kamlib.model import DecisionRole, Portfolio
from kamlib.network._coded import ROLE_CODE, coded
from kamlib.network._common import (
    CUSTOMER,
    DECISION_MAKER,
    canonical,
    check_attr_name,
    check_edge_attributes,
    check_graph,
    check_node,
    check_role,
    edge_strength,
    is_active,
    node_key,
    side_of,
)
from kamlib.network._kernels import ordered_sum, pagerank_one, pagerank_segments
from kamlib.network._wide import bounded_levels, portfolio_view

__all__ = [
    "InfluencePath",
    "indirect_key_persons",
    "portfolio_indirect_key_persons",
    "influence_reach",
    "portfolio_influence_reach",
]


@attrs.frozen
class InfluencePath:
    """A chain of influence ties and its combined strength.

    Attributes:
        source: First person of the chain (the one who sways).
        target: Last person (the one swayed).
        strength: Product of the edge strengths along ``path``, in [0, 1].
        path: Person ids from ``source`` to ``target``.

    Examples:
        >>> p = InfluencePath("P3", "P1", 0.4, ("P3", "P2", "P1"))
        >>> p.depth
        2
    """

    source: Hashable
    target: Hashable
    strength: float
    path: tuple[Hashable, ...]

    @property
    def depth(self) -> int:
        """Number of ties in the chain (1 = direct influence).

        Examples:
            >>> InfluencePath("P2", "P1", 0.8, ("P2", "P1")).depth
            1
        """
        return len(self.path) - 1


def _role_is(data: Mapping[str, Any], roles: frozenset[str]) -> bool:
    return data.get("role") in roles


def indirect_key_persons(
    G: nx.DiGraph[Any],
    *,
    max_depth: int | np.integer[Any] = 3,
    weight: str = "strength",
    roles: Iterable[str] = (DECISION_MAKER,),
    min_strength: float = 0.0,
) -> dict[Hashable, tuple[InfluencePath, ...]]:
    """Indirect key persons (间接关键人): who inside the account sways each decision-maker.

    Source rule [002]: influence over a key person is internal (a contact inside the
    account, an *indirect key person*) or external. This finds the internal kind:
    for every active node whose ``role`` is in ``roles``, the customer-side people
    (``side == "customer"``; a node without ``side`` counts as customer-side) who
    reach it by a chain of at most ``max_depth`` influence ties running through
    active customer-side people only. Each is reported once, with its **strongest**
    chain: the one maximising the product of the edge strengths (a chain is as
    strong as the product of its links, so it weakens with every step). Edges with
    ``kind`` other than ``"influences"`` and edges of strength 0 are not followed.

    Args:
        G: A stakeholder graph (see `stakeholder_graph`) or any ``DiGraph``
            whose edges carry ``weight``.
        max_depth: Longest chain, in ties (1 = direct influencers only).
        weight: Edge attribute holding the influence strength in [0, 1].
        roles: Roles of the people to explain (default: decision-makers).
        min_strength: Drop chains whose strength is not above this.

    Returns:
        ``{key person: (InfluencePath, ...)}`` for every key person (empty tuple when
        nobody sways them), paths sorted by strength descending, then source id.

    Raises:
        InvalidTypeError: ``G`` is not a DiGraph; a parameter or a node or edge
            attribute of the wrong type.
        InvalidValueError: ``max_depth < 1``, ``min_strength`` outside [0, 1], a
            name in ``roles`` that is not a decision role, an unknown node
            ``side``/``role`` or edge ``kind``, or an edge strength outside [0, 1].

    Examples:
        >>> G = nx.DiGraph()
        >>> G.add_node("CEO", role="decision_maker", side="customer")
        >>> G.add_edge("CTO", "CEO", strength=0.8)
        >>> G.add_edge("Architect", "CTO", strength=0.5)
        >>> [(p.source, p.strength, p.depth) for p in indirect_key_persons(G)["CEO"]]
        [('CTO', 0.8, 1), ('Architect', 0.4, 2)]
        >>> indirect_key_persons(G, max_depth=1)["CEO"][0].path
        ('CTO', 'CEO')
    """
    where = "indirect_key_persons"
    check_graph(where, G)
    depth = check_int(f"{where}.max_depth", max_depth, ge=1)
    weight = check_attr_name(f"{where}.weight", weight)
    floor = check_real(f"{where}.min_strength", min_strength, ge=0.0, le=1.0)
    if isinstance(roles, str) or not isinstance(roles, Iterable):
        raise InvalidTypeError(f"{where}.roles", roles, "must be an iterable of role names")
    wanted = frozenset(check_role(f"{where}.roles[{i}]", r) for i, r in enumerate(roles))
    H = canonical(G, where=where)
    ok = {n for n, d in H.nodes(data=True) if side_of(d) == CUSTOMER and is_active(d)}
    # incoming influence ties among active customer-side people, strongest-first order
    incoming: dict[Hashable, list[tuple[Hashable, float]]] = {n: [] for n in ok}
    for u, v, d in H.edges(data=True):
        s = edge_strength(where, u, v, d, weight)
        if s > 0.0 and u in ok and v in ok:
            incoming[v].append((u, s))
    out: dict[Hashable, tuple[InfluencePath, ...]] = {}
    for target in H.nodes:
        data = H.nodes[target]
        if not (_role_is(data, wanted) and is_active(data)):
            continue
        if target not in ok:  # an active key person who is not customer-side
            out[target] = ()
            continue
        out[target] = _bounded_strongest(target, incoming, depth, floor)
    return out


def _bounded_strongest(
    target: Hashable,
    incoming: Mapping[Hashable, list[tuple[Hashable, float]]],
    depth: int,
    floor: float,
) -> tuple[InfluencePath, ...]:
    """Bellman-Ford in the (max, *) semiring, ``depth`` rounds, walking edges backwards.

    ``levels[k]`` holds ``node -> (strength, next person)`` for the nodes whose
    strongest chain of at most ``k`` ties to ``target`` improved in round ``k``; a
    chain is read back level by level, so its length never exceeds ``depth``.
    Strengths are <= 1, so a cycle never makes a chain stronger and strict
    improvement keeps every chain simple and every tie-break deterministic.
    """
    levels: list[dict[Hashable, tuple[float, Hashable]]] = [{target: (1.0, target)}]

    def entry(k: int, node: Hashable) -> tuple[float, Hashable, int] | None:
        for j in range(min(k, len(levels) - 1), -1, -1):  # rounds may stop early
            hit = levels[j].get(node)
            if hit is not None:
                return hit[0], hit[1], j
        return None

    frontier = [target]
    for k in range(1, depth + 1):
        level: dict[Hashable, tuple[float, Hashable]] = {}
        levels.append(level)
        for v in frontier:
            found = entry(k - 1, v)
            assert found is not None
            for u, s in incoming[v]:
                if u == target:
                    continue
                cand = found[0] * s
                cur = entry(k, u)
                if cand > (0.0 if cur is None else cur[0]):
                    level[u] = (cand, v)
        if not level:
            break
        frontier = sorted(level, key=node_key)
    paths = []
    for u in sorted({n for lv in levels[1:] for n in lv}, key=node_key):
        top = entry(depth, u)
        assert top is not None
        strength, nxt, j = top
        if strength <= floor:
            continue
        chain = [u]
        while nxt != target:
            chain.append(nxt)
            step = entry(j - 1, nxt)
            assert step is not None
            _, nxt, j = step
        chain.append(target)
        paths.append(InfluencePath(u, target, strength, tuple(chain)))
    paths.sort(key=lambda p: (-p.strength, node_key(p.source)))
    return tuple(paths)


def influence_reach(
    G: nx.DiGraph[Any],
    *,
    weight: str = "strength",
    alpha: float = 0.85,
    personalization: Mapping[Any, float] | None = None,
    max_iter: int | np.integer[Any] = 100,
    tol: float = 1.0e-6,
) -> dict[Hashable, float]:
    """Influence centrality: PageRank over influence ties, walked from swayed to swayer.

    Source [002] calls influence ties implicit and decisive. A person's *reach* is
    the PageRank of the graph of influence ties **reversed** (``v -> u`` for every
    ``u`` sways ``v``), weighted by ``weight``: a random walk that, at each step,
    moves from a person to one of the people who sway them, with probability
    proportional to the tie's strength, and with probability ``1 - alpha`` restarts
    at a person drawn from ``personalization``. A person scores high when they sway
    people who themselves carry weight (a decision-maker, or someone who sways
    one); with ``personalization`` concentrated on decision-makers, reach is the
    share of "decision weight" that flows to each person. People nobody sways are
    dangling nodes: their walk restarts from ``personalization``, as in
    ``nx.pagerank``.

    Only ``kind == "influences"`` edges (or edges without ``kind``) with positive
    strength count. The computation is a sparse power iteration in numpy (the same
    fixed point as ``nx.pagerank(G.reverse(), weight=weight, ...)``, which needs
    scipy, not a kamlib dependency); it converges when the summed change falls
    below ``len(G) * tol``.

    Args:
        G: A directed graph.
        weight: Edge attribute with the influence strength in [0, 1].
        alpha: Damping factor in [0, 1).
        personalization: Restart weights by node (>= 0, summing to > 0); nodes not
            listed get 0. ``None``: uniform.
        max_iter: Iteration limit.
        tol: Convergence tolerance, > 0.

    Returns:
        ``{node: reach}``, summing to 1 (empty dict for an empty graph).

    Raises:
        InvalidTypeError: ``G`` is not a DiGraph; a parameter or an edge
            attribute of the wrong type.
        InvalidValueError: ``alpha`` outside [0, 1), bad weights, an unknown edge
            ``kind``, no convergence within ``max_iter``.
        UnknownIdError: ``personalization`` names a node not in ``G``.

    Examples:
        >>> G = nx.DiGraph()
        >>> G.add_edge("CTO", "CEO", strength=0.8)
        >>> G.add_edge("Architect", "CTO", strength=0.5)
        >>> r = influence_reach(G, personalization={"CEO": 1.0})
        >>> sorted(r, key=r.get, reverse=True)
        ['CEO', 'CTO', 'Architect']
        >>> round(sum(r.values()), 6)
        1.0
    """
    where = "influence_reach"
    check_graph(where, G)
    weight = check_attr_name(f"{where}.weight", weight)
    a = check_real(f"{where}.alpha", alpha, ge=0.0, lt=1.0)
    iters = check_int(f"{where}.max_iter", max_iter, ge=1)
    eps = check_real(f"{where}.tol", tol, gt=0.0)
    check_edge_attributes(where, G)  # the only attributes read here besides ``weight``
    nodes = sorted(G.nodes, key=node_key)
    n = len(nodes)
    if n == 0:
        return {}
    index = {node: i for i, node in enumerate(nodes)}
    if personalization is None:
        p = np.full(n, 1.0 / n)
    else:
        if not isinstance(personalization, Mapping):
            raise InvalidTypeError(
                f"{where}.personalization", personalization, "must be a mapping or None"
            )
        p = np.zeros(n)
        for node, w in personalization.items():
            check_node(f"{where}.personalization", G, node)
            p[index[node]] = check_real(f"{where}.personalization[{node!r}]", w, ge=0.0)
        total = ordered_sum(p)
        if not total > 0:
            raise InvalidValueError(
                f"{where}.personalization", dict(personalization), "needs a positive weight"
            )
        p /= total
    src: list[int] = []  # the walk moves src -> dst (from the swayed to the swayer)
    dst: list[int] = []
    strengths: list[float] = []
    for u, v, d in G.edges(data=True):
        s = edge_strength(where, u, v, d, weight)
        if s > 0.0:
            src.append(index[v])
            dst.append(index[u])
            strengths.append(s)
    return dict(
        zip(nodes, pagerank_one(n, src, dst, strengths, p, a, iters, eps).tolist(), strict=True)
    )


def portfolio_indirect_key_persons(
    portfolio: Portfolio,
    *,
    as_of: dt.datetime,
    max_depth: int | np.integer[Any] = 3,
    roles: Iterable[str] = (DECISION_MAKER,),
    min_strength: float = 0.0,
) -> tuple[dict[str, tuple[InfluencePath, ...]], ...]:
    """`indirect_key_persons` of every account's standing stakeholder graph, in order.

    Equal, account by account, to ``indirect_key_persons(stakeholder_graph(portfolio,
    account_id=a.id, as_of=as_of), max_depth=..., roles=..., min_strength=...)``:
    the same people, chains and strengths to the bit (source rule [002]: the indirect
    key person, 间接关键人, sways a key person from inside the account). The chains
    towards every key person of every account grow together on the portfolio's
    integer-coded arrays, one round per tie of depth.

    Args:
        portfolio: The portfolio.
        as_of: Timezone-aware moment; a person whose ``left_on`` is on or before its
            day is inactive.
        max_depth: Longest chain, in ties (1 = direct influencers only).
        roles: Roles of the people to explain (default: decision-makers).
        min_strength: Drop chains whose strength is not above this.

    Returns:
        One ``{key person id: (InfluencePath, ...)}`` per account.

    Raises:
        InvalidTypeError: ``portfolio`` is not a Portfolio; a parameter of the wrong
            type.
        InvalidValueError: Naive ``as_of``; ``max_depth < 1``; ``min_strength``
            outside [0, 1]; a name in ``roles`` that is not a decision role.

    Examples:
        >>> import datetime as dt
        >>> from kamlib.synthetic import synthetic_portfolio
        >>> from kamlib.network import stakeholder_graph
        >>> as_of = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
        >>> pf = synthetic_portfolio(3, seed=1, as_of=as_of)
        >>> every = portfolio_indirect_key_persons(pf, as_of=as_of)
        >>> graphs = [stakeholder_graph(pf, account_id=a.id, as_of=as_of) for a in pf.accounts]
        >>> list(every) == [indirect_key_persons(G) for G in graphs]
        True
    """
    where = "portfolio_indirect_key_persons"
    depth = check_int(f"{where}.max_depth", max_depth, ge=1)
    floor = check_real(f"{where}.min_strength", min_strength, ge=0.0, le=1.0)
    if isinstance(roles, str) or not isinstance(roles, Iterable):
        raise InvalidTypeError(f"{where}.roles", roles, "must be an iterable of role names")
    wanted = frozenset(check_role(f"{where}.roles[{i}]", r) for i, r in enumerate(roles))
    view = portfolio_view(where, portfolio, as_of)  # the arrays only once all is checked
    co = view.co
    codes = frozenset(ROLE_CODE[DecisionRole(r)] for r in wanted)
    targets, offset, levels = bounded_levels(view, codes, depth)
    names = co.person_ids
    person = co.node_person.tolist()
    start = co.account_start.tolist()
    seg = view.seg.tolist()
    # every round's improvements, by instance node: (round, value, next instance node)
    history: dict[int, list[tuple[int, float, int]]] = {}
    for k, (nodes, values, nexts) in enumerate(levels, start=1):
        for x, val, nxt in zip(nodes.tolist(), values.tolist(), nexts.tolist(), strict=True):
            history.setdefault(x, []).append((k, val, nxt))
    out: list[dict[str, tuple[InfluencePath, ...]]] = [{} for _ in co.account_ids]
    active_key = view.active & np.isin(view.role, sorted(codes))
    for node in np.flatnonzero(active_key & ~view.customer).tolist():
        out[seg[node]][names[person[node]]] = ()  # a key person who is not customer-side
    width = np.diff(co.account_start).tolist()
    for target, base in zip(targets.tolist(), offset.tolist(), strict=True):
        acc = seg[target]
        shift = start[acc] - base  # instance node + shift = local node
        tname = names[person[target]]
        home = target - shift
        paths = []
        for x in range(base, base + width[acc]):
            seen = history.get(x)
            if seen is None:
                continue
            j, strength, nxt = seen[-1]
            if strength <= floor:
                continue
            chain = [names[person[x + shift]]]
            while nxt != home:
                chain.append(names[person[nxt + shift]])
                j, _, nxt = _latest(history[nxt], j - 1)
            chain.append(tname)
            paths.append(InfluencePath(chain[0], tname, strength, tuple(chain)))
        paths.sort(key=lambda p: (-p.strength, node_key(p.source)))
        out[acc][tname] = tuple(paths)
    return tuple(_in_graph_order(d) for d in out)


def _latest(entries: list[tuple[int, float, int]], level: int) -> tuple[int, float, int]:
    """The last of a node's improvements made by round ``level``."""
    for entry in reversed(entries):
        if entry[0] <= level:
            return entry
    raise AssertionError("a chain's next person improved in an earlier round")


def _in_graph_order(
    found: dict[str, tuple[InfluencePath, ...]],
) -> dict[str, tuple[InfluencePath, ...]]:
    """Key persons in sorted id order, as `indirect_key_persons` lists them."""
    return {k: found[k] for k in sorted(found, key=node_key)}


def portfolio_influence_reach(
    portfolio: Portfolio,
    *,
    alpha: float = 0.85,
    max_iter: int | np.integer[Any] = 100,
    tol: float = 1.0e-6,
) -> tuple[dict[str, float], ...]:
    """`influence_reach` of every account's standing stakeholder graph, in portfolio order.

    Equal, account by account, to ``influence_reach(stakeholder_graph(portfolio,
    account_id=a.id), alpha=alpha, max_iter=max_iter, tol=tol)`` (uniform restart), to
    the bit: one batched power iteration over every account's graph on the
    portfolio's integer-coded arrays, each account stopping by its own rule. Reach
    reads no activity, so it takes no ``as_of``. Source [002]: influence ties are
    implicit and decisive.

    Args:
        portfolio: The portfolio.
        alpha: Damping factor in [0, 1).
        max_iter: Iteration limit of each account.
        tol: Convergence tolerance, > 0.

    Returns:
        One ``{person id: reach}`` per account, summing to 1 (empty for an account
        without people).

    Raises:
        InvalidTypeError: ``portfolio`` is not a Portfolio; a parameter of the wrong
            type.
        InvalidValueError: ``alpha`` outside [0, 1); an account that does not
            converge within ``max_iter`` (named in the message).

    Examples:
        >>> import datetime as dt
        >>> from kamlib.synthetic import synthetic_portfolio
        >>> from kamlib.network import stakeholder_graph
        >>> pf = synthetic_portfolio(3, seed=1, as_of=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
        >>> every = portfolio_influence_reach(pf)
        >>> every == tuple(influence_reach(stakeholder_graph(pf, account_id=a.id))
        ...                for a in pf.accounts)
        True
    """
    where = "portfolio_influence_reach"
    a = check_real(f"{where}.alpha", alpha, ge=0.0, lt=1.0)
    iters = check_int(f"{where}.max_iter", max_iter, ge=1)
    eps = check_real(f"{where}.tol", tol, gt=0.0)
    if not isinstance(portfolio, Portfolio):
        raise InvalidTypeError(f"{where}.portfolio", portfolio, "must be a Portfolio")
    co = coded(portfolio)
    seg = co.node_account
    n_acc = len(co.account_ids)
    size = np.bincount(seg, minlength=n_acc)
    strength = np.where(co.influence, co.strength, 0.0)
    ok = strength > 0.0
    x = pagerank_segments(
        seg,
        n_acc,
        co.edge_v[ok],  # the walk goes from the swayed (v) to the swayer (u)
        co.edge_u[ok],
        strength[ok],
        1.0 / np.maximum(size, 1)[seg],
        alpha=a,
        max_iter=iters,
        tol=eps,
        fail=lambda i: InvalidValueError(
            f"{where}.max_iter",
            max_iter,
            f"the power iteration of account {co.account_ids[i]!r} did not converge to "
            f"tol={tol}; raise max_iter or tol, or lower alpha",
        ),
    ).tolist()
    names = co.person_ids
    person = co.node_person.tolist()
    start = co.account_start.tolist()
    return tuple(
        {names[person[j]]: x[j] for j in range(start[i], start[i + 1])} for i in range(n_acc)
    )
