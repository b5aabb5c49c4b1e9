"""Array kernels of the network analyses: strongest paths and PageRank over many graphs.

Private module. Both kernels take a *block-diagonal* graph: the nodes of many small
graphs side by side, each node tagged with its graph (its *segment*), edges only inside
a segment. Every per-segment result is computed from that segment's numbers alone, in
an order fixed by the segment's own nodes and edges, so a graph analysed alone and the
same graph analysed among thousands give the same bits (kamlib's "same answer
anywhere"):

* maxima are exact, whatever their order;
* every sum is a sequential sum in node or edge order (``np.bincount`` with weights
  adds its inputs one by one, in the order given), never numpy's pairwise
  ``sum``, whose rounding depends on where a value sits in the array.

The per-graph networkx API (`strongest_from`, `influence_reach`) calls these same
kernels, or an algorithm that gives their bits (the max-product Dijkstra, held to it by
tests), so the portfolio-wide array path and the one-graph path agree exactly.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import NDArray

from kamlib.errors import InvalidValueError, KamlibError

__all__ = [
    "segment_sum",
    "ordered_sum",
    "strongest_products",
    "tight_predecessors",
    "pagerank_segments",
    "pagerank_one",
    "reach_failure",
]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]
BoolArray = NDArray[np.bool_]


def segment_sum(seg: IntArray, values: FloatArray, n_seg: int) -> FloatArray:
    """Per-segment sums, each added sequentially in array order (``np.bincount``)."""
    return np.asarray(np.bincount(seg, weights=values, minlength=n_seg), dtype=np.float64)


def ordered_sum(values: FloatArray) -> float:
    """The sum of ``values`` added one by one in order: `segment_sum` of one segment."""
    return float(segment_sum(np.zeros(values.shape[0], dtype=np.intp), values, 1)[0])


def strongest_products(
    eu: IntArray, ev: IntArray, es: FloatArray, sources: BoolArray
) -> FloatArray:
    """Strongest path strength from any source to every node: max over paths of the product.

    ``eu -> ev`` are the traversable edges with strengths ``es`` in (0, 1] (the caller
    drops edges of strength 0 and edges into nodes a path may not enter). One value
    per entry of ``sources``: sources get 1.0, unreached nodes 0.0. Bellman-Ford in
    the (max, x) semiring, relaxing only the edges out of nodes improved in the
    previous round, until nothing improves.

    The result is the exact maximum, over every walk, of the product of its strengths
    multiplied left to right from the source: each value held is such a product, and
    at the fixed point no edge improves its head (a product by ``s <= 1`` never grows,
    and rounding is monotone). It depends neither on the order of the edges nor on the
    other segments, and equals the max-product Dijkstra of `strongest_from` to the bit.
    """
    best = np.where(sources, 1.0, 0.0)
    changed = sources.copy()
    while True:
        live = changed[eu]
        if not live.any():
            return best
        u = eu[live]
        v = ev[live]
        cand = best[u] * es[live]
        before = best.copy()
        np.maximum.at(best, v, cand)
        changed = best > before


def tight_predecessors(
    n: int,
    eu: IntArray,
    ev: IntArray,
    es: FloatArray,
    sources: BoolArray,
    best: FloatArray,
) -> IntArray:
    """The predecessor of every reached node on its canonical strongest path (-1: none).

    The rule of `kamlib.network._common._tight_paths`: over the *tight* ties
    (``best[u] * s == best[v]``), the fewest ties from a source, then the smallest
    predecessor. Node numbers must follow sorted ids within each segment, so the
    smallest number is the smallest id.
    """
    tight = (best[eu] > 0.0) & (best[eu] * es == best[ev]) & ~sources[ev]
    tu, tv = eu[tight], ev[tight]
    hop = np.where(sources, 0, -1)
    frontier = sources
    rounds = 0
    while True:
        rounds += 1
        sel = frontier[tu] & (hop[tv] < 0)
        if not sel.any():
            break
        frontier = np.zeros(n, dtype=np.bool_)
        frontier[tv[sel]] = True
        hop[frontier] = rounds
    ok = (hop[tu] >= 0) & (hop[tu] == hop[tv] - 1)
    pred = np.full(n, n, dtype=np.intp)
    np.minimum.at(pred, tv[ok], tu[ok])
    pred[pred == n] = -1
    return pred


def pagerank_segments(
    seg: IntArray,
    n_seg: int,
    src: IntArray,
    dst: IntArray,
    w: FloatArray,
    p: FloatArray,
    *,
    alpha: float,
    max_iter: int,
    tol: float,
    fail: Callable[[int], KamlibError] | None = None,
) -> FloatArray:
    """Weighted PageRank of every segment, each with its own stopping rule.

    The walk moves ``src -> dst`` along edge ``k`` with probability ``w[k]`` over the
    summed weight out of ``src``; a node with no way out (dangling) restarts from ``p``,
    as does every step with probability ``1 - alpha``. ``p`` sums to 1 within each
    segment. A segment starts uniform and stops at the first iteration whose summed
    change is below ``(its node count) * tol``; its result is that iterate divided by
    its sum. Every segment has at least one node.

    Raises:
        KamlibError: A segment has not converged after ``max_iter`` iterations:
            ``fail(first such segment)``, by default an ``InvalidValueError`` naming
            ``influence_reach.max_iter``.
    """
    n = seg.shape[0]
    if n == 0:
        return np.empty(0)
    size = np.bincount(seg, minlength=n_seg).astype(np.float64)
    out_w = np.bincount(src, weights=w, minlength=n)
    share = w / np.where(out_w > 0.0, out_w, 1.0)[src]
    x: FloatArray = 1.0 / size[seg]
    limit = size * tol
    result = np.empty(n)
    alive = size > 0  # segments still iterating
    # The working set: every node of a segment not yet compacted away, renumbered
    # 0..m-1. A finished segment may stay in it for a while (its result is already
    # stored and `alive` is False); it is dropped once finished nodes make up a
    # quarter of the set, which saves work and changes no result.
    node_of = np.arange(n)  # working position -> original node
    seg_l, src_l, dst_l, share_l, p_l = seg, src, dst, share, p
    dang = np.flatnonzero(out_w == 0.0)  # dangling nodes, working numbering
    finished = 0  # nodes of finished segments still in the working set
    for _ in range(max_iter):
        m = node_of.shape[0]
        contrib = x[src_l]
        contrib *= share_l
        flow = segment_sum(dst_l, contrib, m)  # float also without edges
        flow *= alpha
        lost = segment_sum(seg_l[dang], x[dang], n_seg)
        x_new = (alpha * lost + (1.0 - alpha))[seg_l]
        x_new *= p_l
        x_new += flow  # = alpha * flow + restart * p, the same bits in either order
        diff = x_new - x
        np.abs(diff, out=diff)
        err = segment_sum(seg_l, diff, n_seg)
        done = alive & (err < limit)
        if done.any():
            alive &= ~done
            total = segment_sum(seg_l, x_new, n_seg)
            fin = done[seg_l]
            result[node_of[fin]] = x_new[fin] / total[seg_l[fin]]
            finished += int(fin.sum())
            if finished == m:
                return result
            if finished * 4 >= m:
                keep = alive[seg_l]
                renum = np.cumsum(keep) - 1
                ekeep = keep[src_l]  # edges never cross segments
                src_l = renum[src_l[ekeep]]
                dst_l = renum[dst_l[ekeep]]
                share_l = share_l[ekeep]
                seg_l = seg_l[keep]
                p_l = p_l[keep]
                dang = renum[dang[keep[dang]]]
                node_of = node_of[keep]
                x_new = x_new[keep]
                finished = 0
        x = x_new
    if fail is not None:
        raise fail(int(np.flatnonzero(alive)[0]))
    raise InvalidValueError(
        "influence_reach.max_iter",
        max_iter,
        f"power iteration did not converge to tol={tol}; raise max_iter or tol, or lower alpha",
    )


def reach_failure(where: str, alpha: float, label: str) -> KamlibError:
    """The error of an account whose influence reach (100 iterations) did not converge."""
    return InvalidValueError(
        f"{where}.alpha",
        alpha,
        f"the influence reach of {label} did not converge in 100 iterations; lower alpha",
    )


def pagerank_one(
    n: int,
    src: list[int],
    dst: list[int],
    w: list[float],
    p: np.ndarray[Any, np.dtype[np.float64]],
    alpha: float,
    max_iter: int,
    tol: float,
    fail: Callable[[int], KamlibError] | None = None,
) -> np.ndarray[Any, np.dtype[np.float64]]:
    """Weighted PageRank of one graph on an edge list: `pagerank_segments`, one segment.

    The same kernel serves the portfolio-wide array path, so one account's reach is the
    same alone and among all accounts, to the bit.
    """
    return pagerank_segments(
        np.zeros(n, dtype=np.intp),
        1,
        np.asarray(src, dtype=np.intp),
        np.asarray(dst, dtype=np.intp),
        np.asarray(w, dtype=np.float64),
        p,
        alpha=alpha,
        max_iter=max_iter,
        tol=tol,
        fail=fail,
    )
