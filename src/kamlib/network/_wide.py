"""The portfolio-wide array path: every account's stakeholder analyses at once.

Private module. `NodeView` reads a portfolio's coded arrays (`kamlib.network._coded`)
as of one day and computes, for all accounts together, what the per-account networkx
path computes one graph at a time: coverage, influence reach, weighted support and
the red flags. Each number is produced by the same arithmetic in the same order as on
one account's canonical graph (strongest paths by `strongest_products`, PageRank by
`pagerank_segments`, sums added sequentially in sorted node or edge order), so the
two paths agree to the bit; ``tests/network/test_wide.py`` holds them to it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Final

import numpy as np
from numpy.typing import NDArray

from kamlib._validators import check_aware_datetime
from kamlib.errors import InvalidTypeError
from kamlib.model import DecisionRole, Portfolio, RiskKind
from kamlib.network._coded import (
    COMPETITOR_CODE,
    CUSTOMER_CODE,
    NO_ROLE,
    OUR_STAFF_CODE,
    ROLE_CODE,
    Coded,
    coded,
)
from kamlib.network._kernels import (
    pagerank_segments,
    reach_failure,
    segment_sum,
    strongest_products,
    tight_predecessors,
)
from kamlib.network._support import MeanRule

__all__ = ["NodeView"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]
BoolArray = NDArray[np.bool_]

_DM: Final = ROLE_CODE[DecisionRole.DECISION_MAKER]
_COACH: Final = ROLE_CODE[DecisionRole.COACH]
_SCALE: Final = 10.0


def portfolio_view(where: str, portfolio: object, as_of: object) -> NodeView:
    """The checked portfolio's coded networks as of ``as_of``'s day.

    Raises:
        InvalidTypeError: ``portfolio`` is not a Portfolio, ``as_of`` not a datetime.
        InvalidValueError: A naive ``as_of``.
    """
    if not isinstance(portfolio, Portfolio):
        raise InvalidTypeError(f"{where}.portfolio", portfolio, "must be a Portfolio")
    check_aware_datetime(f"{where}.as_of", as_of)
    assert isinstance(as_of, dt.datetime)
    return NodeView.of(coded(portfolio), as_of.date())


class NodeView:
    """The coded networks of a portfolio with each local node's state on ``day``."""

    @classmethod
    def of(cls, co: Coded, day: dt.date) -> NodeView:
        """The view of ``day``, kept for the next analysis of the same day.

        A nightly review runs several analyses as of one day; they share one view and
        its strongest paths from our staff (one slot: another day replaces it).
        """
        view = co.memo.get("view")
        if not (isinstance(view, NodeView) and view.day == day.toordinal()):
            view = co.memo["view"] = cls(co, day)
        return view

    def __init__(self, co: Coded, day: dt.date) -> None:
        self.co = co
        self.n_accounts = len(co.account_ids)
        self.seg = co.node_account
        person = co.node_person
        self.side = co.side[person]
        self.role = co.role[person]
        self.left_day = co.left_day[person]
        self.day = day.toordinal()
        self.active = self.left_day > self.day  # left_on unset or after the day
        self.customer = self.side == CUSTOMER_CODE
        self.ours = (self.side == OUR_STAFF_CODE) & self.active
        self.rivals = (self.side == COMPETITOR_CODE) & self.active
        # influence strength of each local edge; 0 for a reporting-only edge
        self.edge_s = np.where(co.influence, co.strength, 0.0)
        for value in vars(self).values():  # shared by the analyses of the day: read-only
            if isinstance(value, np.ndarray):
                value.flags.writeable = False
        self._our_edges: tuple[IntArray, IntArray, FloatArray] | None = None
        self._ours: FloatArray | None = None

    def traversable(self, passable: BoolArray) -> tuple[IntArray, IntArray, FloatArray]:
        """The influence ties of positive strength into ``passable`` nodes: (u, v, s)."""
        co = self.co
        ok = (self.edge_s > 0.0) & passable[co.edge_v]
        return co.edge_u[ok], co.edge_v[ok], self.edge_s[ok]

    def our_edges(self) -> tuple[IntArray, IntArray, FloatArray]:
        """The ties our paths may take: into active people who are not a competitor's."""
        if self._our_edges is None:
            self._our_edges = self.traversable(self.active & (self.side != COMPETITOR_CODE))
        return self._our_edges

    def ours_best(self) -> FloatArray:
        """Our strongest path to every node (0 unreached), shared by the day's analyses."""
        if self._ours is None:
            best = strongest_products(*self.our_edges(), self.ours)
            best.flags.writeable = False
            self._ours = best
        return self._ours

    def our_predecessors(self) -> IntArray:
        """Each node's predecessor on its canonical strongest path from us (-1: none)."""
        return tight_predecessors(self.seg.shape[0], *self.our_edges(), self.ours, self.ours_best())

    def role_weight(self, weights: Mapping[str, float]) -> FloatArray:
        """Each local node's role weight (0 without a role or a weight for it)."""
        table = np.zeros(len(ROLE_CODE) + 1)  # last slot: NO_ROLE (-1)
        for role, code in ROLE_CODE.items():
            table[code] = weights.get(role.value, 0.0)
        out: FloatArray = table[self.role]
        return out

    def strongest(self, sources: BoolArray, passable: BoolArray) -> FloatArray:
        """Strongest path strength from ``sources`` to every local node (0 unreached)."""
        return strongest_products(*self.traversable(passable), sources)

    # -- coverage ---------------------------------------------------------------------

    def coverage_strengths(self, weights: Mapping[str, float]) -> tuple[FloatArray, FloatArray]:
        """(our strongest-path strength to each node, each node's weight as a key person)."""
        w = self.role_weight(weights)
        key = self.customer & self.active & (self.role != NO_ROLE) & (w > 0.0)
        return self.ours_best(), np.where(key, w, 0.0)

    def coverage_scores(self, weights: Mapping[str, float]) -> tuple[FloatArray, BoolArray]:
        """Each account's coverage score and whether it is missing (no key person)."""
        best, w = self.coverage_strengths(weights)
        key = w > 0.0
        seg = self.seg[key]
        num = segment_sum(seg, w[key] * best[key], self.n_accounts)
        den = segment_sum(seg, w[key], self.n_accounts)
        missing = ~(den > 0.0)
        score = np.where(missing, 0.0, num / np.where(missing, 1.0, den))
        return score, missing

    # -- influence and support ----------------------------------------------------------

    def influence_weights(
        self, weights: Mapping[str, float], alpha: float, where: str
    ) -> FloatArray:
        """Influence reach of each active customer-side node in its account (0 elsewhere).

        As `influence_weights` on each account's graph: PageRank over the influence
        ties among those people, walked from the swayed to the swayer, restarting by
        role weight (uniformly when no one in the account has a positive one).
        """
        co = self.co
        inner = self.customer & self.active
        idx = np.flatnonzero(inner)
        renum = np.full(inner.shape[0], -1, dtype=np.intp)
        renum[idx] = np.arange(idx.shape[0])
        seg = self.seg[idx]
        restart = self.role_weight(weights)[idx]
        total = segment_sum(seg, restart, self.n_accounts)
        size = np.bincount(seg, minlength=self.n_accounts)
        has = total > 0.0
        p = np.where(
            has[seg],
            restart / np.where(has, total, 1.0)[seg],
            1.0 / np.maximum(size, 1)[seg],
        )
        ok = (self.edge_s > 0.0) & inner[co.edge_u] & inner[co.edge_v]
        x = pagerank_segments(
            seg,
            self.n_accounts,
            renum[co.edge_v[ok]],  # the walk goes from the swayed (v) to the swayer (u)
            renum[co.edge_u[ok]],
            self.edge_s[ok],
            p,
            alpha=alpha,
            max_iter=100,
            tol=1.0e-6,
            fail=lambda i: reach_failure(where, alpha, repr(co.account_ids[i])),
        )
        reach = np.zeros(inner.shape[0])
        reach[idx] = x
        return reach

    def weighted_support(
        self,
        reach: FloatArray,
        rule: Callable[[float, float, float], float],
    ) -> tuple[FloatArray, FloatArray, BoolArray]:
        """Reach-weighted mean support and portrait per account, and where they are missing.

        As `_weighted` on each account's graph: over its active customer-side people
        with a portrait and a positive reach, in sorted id order.
        """
        co = self.co
        person = co.node_person
        sel = np.flatnonzero(self.customer & self.active & co.has_portrait[person] & (reach > 0.0))
        values = co.portrait[person[sel]]
        if isinstance(rule, MeanRule):
            support = rule.vector(values)
        else:  # a user's rule: called person by person, as on one graph
            support = np.array([rule(c, s, p) for c, s, p in values.tolist()], dtype=np.float64)
        r = reach[sel]
        seg = self.seg[sel]
        n = self.n_accounts
        total = segment_sum(seg, r, n)
        missing = ~(total > 0.0)
        safe = np.where(missing, 1.0, total)
        mean = np.where(missing, 0.0, np.minimum(1.0, segment_sum(seg, r * support, n) / safe))
        portrait = np.zeros((n, 3))
        for j in range(3):
            part = segment_sum(seg, r * values[:, j], n) / safe
            portrait[:, j] = np.where(missing, 0.0, np.minimum(_SCALE, part))
        return mean, portrait, missing

    # -- red flags ----------------------------------------------------------------------

    def flag_parts(self, portfolio: Portfolio, as_of: dt.datetime) -> FlagParts:
        """Every quantity the six red-flag rules read, for every account."""
        return FlagParts(self, portfolio, as_of)


class FlagParts:
    """Per-node and per-account facts behind `graph_flags`, computed on arrays."""

    def __init__(self, view: NodeView, portfolio: Portfolio, as_of: dt.datetime) -> None:
        co = view.co
        n = view.n_accounts
        seg = view.seg
        active = view.active
        dm = view.customer & (view.role == _DM)
        self.active_dm = dm & active
        self.left = dm & (view.left_day <= view.day)
        self.our_s = view.ours_best()
        self.their_s = view.strongest(view.rivals, active & (view.side != OUR_STAFF_CODE))
        self.any_active_dm = np.bincount(seg[self.active_dm], minlength=n) > 0
        self.unreached = self.active_dm & (self.our_s <= 0.0)
        self.beaten = self.active_dm & (self.their_s > self.our_s)
        coach = view.customer & (view.role == _COACH) & active
        self.has_coach = np.bincount(seg[coach], minlength=n) > 0
        rep = co.reports
        touched = np.zeros(seg.shape[0], dtype=np.bool_)
        touched[co.edge_u[rep]] = True
        touched[co.edge_v[rep]] = True
        self.lone = self.active_dm & ~touched
        # single-threaded: our direct tie strength into each active customer contact,
        # added in edge order (by our staff member's id), then per account in id order
        direct = (
            view.ours[co.edge_u]
            & view.customer[co.edge_v]
            & active[co.edge_v]
            & (view.edge_s > 0.0)
        )
        n_nodes = seg.shape[0]
        self.into = segment_sum(co.edge_v[direct], view.edge_s[direct], n_nodes)
        has_into = self.into > 0.0  # every tie counted has a positive strength
        self.total_into = segment_sum(seg[has_into], self.into[has_into], n)
        top_value = np.zeros(n)
        np.maximum.at(top_value, seg[has_into], self.into[has_into])
        is_top = has_into & (self.into == top_value[seg])
        self.top = np.full(n, n_nodes, dtype=np.intp)
        idx = np.flatnonzero(is_top)
        np.minimum.at(self.top, seg[idx], idx)  # the smallest id among equal shares
        self.signal = np.zeros(n, dtype=np.bool_)
        for i in co.risky:
            acc = portfolio.accounts[i]
            self.signal[i] = any(
                s.kind == RiskKind.KEY_DECISION_MAKER_LEFT for s in acc.open_risks(as_of)
            )


def _replicate(start: IntArray, width: IntArray, blocks: IntArray) -> tuple[IntArray, IntArray]:
    """Copies of blocks laid end to end: copy ``k`` is block ``blocks[k]``.

    Block ``b`` holds the positions ``start[b] .. start[b] + width[b] - 1``. Returns
    the position each copied slot comes from, and where each copy begins.
    """
    sizes = width[blocks]
    offset = np.cumsum(sizes) - sizes
    within = np.arange(int(sizes.sum())) - np.repeat(offset, sizes)
    return np.repeat(start[blocks], sizes) + within, offset


def _copies(
    co: Coded, accounts: IntArray, eu: IntArray, ev: IntArray, es: FloatArray
) -> tuple[IntArray, IntArray, IntArray, IntArray, FloatArray]:
    """One copy of each listed account's graph, with the ties ``eu -> ev`` among its nodes.

    Returns ``(node, offset, u, v, s)``: the local node each copy node stands for,
    where each copy begins, and the ties renumbered into the copies. The ties must be
    sorted by account, as the coded edges are.
    """
    width = np.diff(co.account_start)
    node, offset = _replicate(co.account_start, width, accounts)
    edge_start = np.searchsorted(co.node_account[eu], np.arange(len(co.account_ids) + 1))
    ewidth = np.diff(edge_start)
    enode, _ = _replicate(edge_start, ewidth, accounts)
    shift = np.repeat(offset - co.account_start[accounts], ewidth[accounts])
    return node, offset, eu[enode] + shift, ev[enode] + shift, es[enode]


class Meetings:
    """Who to meet next in every account, on arrays (see `who_to_meet_next`)."""

    #: Instance edges per chunk of the candidates' strongest-path runs: bounds memory
    #: (about 60 bytes an edge); kamlib's own tuning number, it does not change results.
    CHUNK_EDGES: Final = 2_000_000

    def __init__(self, view: NodeView, weights: Mapping[str, float], target: float) -> None:
        co = view.co
        n = view.n_accounts
        seg = view.seg
        best, w = view.coverage_strengths(weights)
        key = w > 0.0
        self.before, self.no_key = view.coverage_scores(weights)
        self.now = best
        eu, ev, es = view.our_edges()
        width = np.diff(co.account_start)
        ewidth = np.diff(np.searchsorted(seg[eu], np.arange(n + 1)))
        candidate = view.customer & view.active & ~self.no_key[seg]
        before_of = self.before[seg]
        after_of = before_of.copy()
        trial = np.flatnonzero(candidate & (target > best))
        total_w = segment_sum(seg[key], w[key], n)
        cost = ewidth[seg[trial]] + width[seg[trial]]
        start = 0
        while start < trial.shape[0]:
            stop = start + 1
            budget = cost[start]
            while stop < trial.shape[0] and budget + cost[stop] <= self.CHUNK_EDGES:
                budget += cost[stop]
                stop += 1
            chunk = trial[start:stop]
            start = stop
            acc = seg[chunk]
            node, offset, iu, iv, s = _copies(co, acc, eu, ev, es)
            inst = np.repeat(np.arange(chunk.shape[0]), width[acc])
            sources = np.zeros(node.shape[0], dtype=np.bool_)
            sources[offset + (chunk - co.account_start[acc])] = True
            reach = strongest_products(iu, iv, s, sources)
            kx = key[node]
            improved = np.maximum(best[node[kx]], target * reach[kx])
            score = segment_sum(inst[kx], w[node[kx]] * improved, chunk.shape[0])
            score = score / total_w[acc]
            after_of[chunk] = np.maximum(self.before[acc], score)
        self.after = after_of
        self.gain = np.where(candidate, after_of - before_of, 0.0)


def bounded_levels(
    view: NodeView, wanted: frozenset[int], depth: int
) -> tuple[IntArray, IntArray, list[tuple[IntArray, FloatArray, IntArray]]]:
    """`_bounded_strongest` for every key person of every account, on arrays.

    One *instance* per active customer-side person whose role code is in ``wanted``:
    a copy of its account's graph in which the chains towards it are grown backwards,
    round by round, over the influence ties among active customer-side people. Round
    ``k`` offers each person ``u`` the candidates ``value(v) * s(u -> v)`` from the
    people ``v`` improved in round ``k - 1``; ``u`` takes the largest if it beats what
    it holds, and of equal largest the smallest ``v``: exactly what the per-graph loop
    keeps when it walks its frontier in id order and replaces only on a strict
    improvement.

    Returns:
        ``(targets, offset, levels)``: the local node of each instance's key person,
        the first instance node of each instance, and per round the
        ``(instance nodes, values, next instance nodes)`` that improved in it.
    """
    co = view.co
    ok = view.customer & view.active
    targets = np.flatnonzero(ok & np.isin(view.role, sorted(wanted)))
    acc = view.seg[targets]
    eu, ev, es = view.traversable(ok)
    inner = ok[eu]  # ties among active customer-side people, at both ends
    node, offset, iu, iv, s = _copies(co, acc, eu[inner], ev[inner], es[inner])
    n = node.shape[0]
    target_at = offset + (targets - co.account_start[acc])
    is_target = np.zeros(n, dtype=np.bool_)
    is_target[target_at] = True
    keep = ~is_target[iu]  # a chain never passes through its own key person
    iu, iv, s = iu[keep], iv[keep], s[keep]
    value = np.zeros(n)
    value[target_at] = 1.0
    frontier = is_target
    levels: list[tuple[IntArray, FloatArray, IntArray]] = []
    for _ in range(depth):
        live = frontier[iv]
        if not live.any():
            break
        u, v = iu[live], iv[live]
        cand = value[v] * s[live]
        top = np.zeros(n)
        np.maximum.at(top, u, cand)
        first = np.full(n, n, dtype=np.intp)
        hit = cand == top[u]
        np.minimum.at(first, u[hit], v[hit])
        improved = top > value
        nodes = np.flatnonzero(improved)
        if nodes.shape[0] == 0:
            break
        levels.append((nodes, top[nodes], first[nodes]))
        value[nodes] = top[nodes]
        frontier = improved
    return targets, offset, levels
