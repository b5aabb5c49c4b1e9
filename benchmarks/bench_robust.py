"""kamlib.research robustness: SMAA at size, score_many against a loop, peers' weighted sums.

SMAA (full: 10 000 accounts x 10 000 weight samples, 10 criteria; smoke: 2 000 x 1 000),
weighted points with fitted min-max ranges on uniform random criteria, ``k = 25``:

- (a) ``smaa(wp, table, k=25, ranks=0)`` (key-account probabilities only) vs the bare
  product ``A @ P.T`` on the same chunks (``A``: the chunk's per-criterion factors, ``P``:
  the points; what any SMAA of a weighted sum must at least compute, with BLAS, without
  a verdict); informative ratio. Its best run also makes the row
- (a) budget: target 1 s (issue 10; absolute, machine-bound: ``_timing.single`` with
  ``seconds_target``), and
- (a) memory: the ``tracemalloc`` peak of one more run (numpy reports its buffers),
  traced once outside the timings, against 1 GiB (``ratio`` = peak / 1 GiB, ``met`` =
  within it; ``peak_mib`` holds the figure).
- informative: with the first 25 rank acceptabilities (``smaa``'s default ``ranks = k``);
  with the BLAS filter switched off (the exact kernel scores every pair: what the filter
  saves).

score_many (full and smoke: 1 000 accounts x 10 criteria; full S = 1 000, smoke 50):

- (b) ``wp.score_many(table, W)`` vs ``[pinned.score(table) for pinned in ...]``, one
  scorer per weight vector pinned outside the timing: the per-call cost it removes
  (``note``: ms per ``score`` call); informative, as is
- ``score_many`` vs the bare ``W @ P.T`` (the cost of the same bits as ``score``).

Weighted sum + rank against peers, on the same ``n x c`` matrix of uniform criteria (every
fourth one a cost), full 10 000 x 10 and 1 000 000 x 12 (smoke 2 000 x 10, 20 000 x 12):
kamlib ``wp.fit(table)`` + ``score`` + ``key_accounts(top=n)`` (min-max ranges learned,
the ranked list with the id tie rule; the FeatureTable is built outside the timing) vs

- ``pymcdm.methods.WSM(minmax_normalization)(X, w, types)`` + ``pymcdm.helpers.rankdata``,
  as called by default (input validation on), and with ``validation=False``;
- scikit-criteria ``mkdm`` + ``mkpipe(NegateMinimize(), MinMaxScaler(target="matrix"),
  WeightedSumModel()).evaluate`` (its ranking included).

All informative (ratios, no targets); a peer that is not installed is skipped. The same
rankings are checked for equality in ``tests/research/test_robust.py`` (10k x 10), and every
peer row counts, untimed, the accounts the peer ranks at another place
(``rank_differences``; issue 10 keeps it at zero, 1M x 12 included). The 1M pymcdm row
with validation takes about 20 s a run, so it runs ``k = 1`` without a warm-up.

Informative, at 10 000 accounts: ``perturb_weights`` (two shifts per criterion) vs as
many pinned ``score`` calls; ``stability_intervals(k=25)`` vs the brute force it
replaces at a coarse grid, one ``score_many`` of 100 shares per criterion.

Timings: :func:`_timing.compare`, baseline and candidate interleaved, best of ``k``
each (full: 5, the peer rows at 1M: 2; smoke: 2). Run alone with
``python benchmarks/run.py --only robust [--smoke]``.
"""

from __future__ import annotations

import importlib.util
import time
import tracemalloc
from typing import Any

import attrs
import numpy as np

import kamlib.research._robust as robust
from _timing import Row, compare, main, single
from kamlib import FeatureTable
from kamlib.research import perturb_weights, smaa, stability_intervals, with_share
from kamlib.scoring import Criterion, WeightedPoints

BENCH = "robust"
SMAA_SECONDS = 1.0
SMAA_PEAK_MIB = 1024.0
MIB = 2**20


def _table(n: int, c: int, seed: int) -> tuple[FeatureTable, np.ndarray[Any, Any], list[bool]]:
    rng = np.random.default_rng(seed)
    X = rng.uniform(0.0, 100.0, (n, c))
    names = [f"c{j}" for j in range(c)]
    table = FeatureTable.from_columns(
        [f"A{i:07d}" for i in range(n)], {f: X[:, j] for j, f in enumerate(names)}
    )
    return table, X, [j % 4 == 3 for j in range(c)]


def _scorer(table: FeatureTable, cost: list[bool], weights: np.ndarray[Any, Any]) -> WeightedPoints:
    return WeightedPoints(
        [
            Criterion(f, float(weights[j]), direction="cost" if cost[j] else "benefit")
            for j, f in enumerate(table.names)
        ]
    )


def _pinned(wp: WeightedPoints, w: np.ndarray[Any, Any]) -> WeightedPoints:
    crit = [attrs.evolve(c, weight=float(x)) for c, x in zip(wp.criteria, w, strict=True)]
    return attrs.evolve(wp, criteria=crit)


def _bare_chunks(wp: WeightedPoints, table: FeatureTable, samples: int, seed: int) -> Any:
    """The bare product of SMAA: ``A @ P.T`` per chunk, on the same draws and chunks."""
    form = wp._linear_form(table)
    n, c = len(table), len(wp.criteria)
    PT = np.ascontiguousarray(np.column_stack(form.points).T)
    m = min(robust.DRAW_BLOCK, samples, max(1, robust.CHUNK_CELLS // n))
    rng = np.random.default_rng(seed)
    W = np.concatenate(
        [
            rng.dirichlet(np.ones(c), size=min(robust.DRAW_BLOCK, samples - s))
            for s in range(0, samples, robust.DRAW_BLOCK)
        ]
    )
    coefs = [form.coefficients(W[s : s + m])[0] for s in range(0, samples, m)]
    out = np.empty((m, n))

    def bare() -> None:
        for A in coefs:
            np.matmul(A, PT, out=out[: A.shape[0]])

    return bare


def _no_filter(fn: Any) -> Any:
    def run() -> Any:
        saved = robust._filter_pays
        robust._filter_pays = lambda depth, n: False
        try:
            return fn()
        finally:
            robust._filter_pays = saved

    return run


def _smaa_rows(smoke: bool, k: int, verdict: bool) -> list[Row]:
    n, samples, c = (2_000, 1_000, 10) if smoke else (10_000, 10_000, 10)
    table, _, cost = _table(n, c, seed=0)
    wp = _scorer(table, cost, 1.0 + np.arange(c)).fit(table)
    bare = _bare_chunks(wp, table, samples, seed=0)
    size = f"{n} x {samples}"
    base_name = "bare A @ P.T on the same chunks (BLAS, no verdict)"

    def key_only() -> Any:
        return smaa(wp, table, k=25, samples=samples, seed=0, ranks=0)

    def key_and_ranks() -> Any:
        return smaa(wp, table, k=25, samples=samples, seed=0)

    main_row = compare(
        BENCH,
        f"(a) smaa {size}: key-account probabilities (k=25)",
        n,
        key_only,
        bare,
        baseline_name=base_name,
        k=k,
        note=f"{c} criteria, fitted min-max; chunks of {robust.CHUNK_CELLS // n} samples",
    )
    budget = single(
        BENCH,
        f"(a) smaa {size}: budget",
        n,
        main_row["seconds"],
        runs=main_row["runs"],
        seconds_target=SMAA_SECONDS,
        verdict=verdict,
        note="best run of the row above; issue 10 target 1 s (absolute: machine-bound)",
    )
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        t0 = time.perf_counter()
        key_only()
        traced = time.perf_counter() - t0
        peak = (tracemalloc.get_traced_memory()[1] - before) / MIB
    finally:
        tracemalloc.stop()
    memory = single(
        BENCH,
        f"(a) smaa {size}: peak memory",
        n,
        traced,
        note=f"tracemalloc peak {peak:.1f} MiB of one run (traced, so slower: seconds "
        f"is that run's); target {SMAA_PEAK_MIB:g} MiB",
    )
    memory.update(
        baseline=f"budget {SMAA_PEAK_MIB:g} MiB peak (not measured)",
        ratio=peak / SMAA_PEAK_MIB,
        target=1.0,
        met=(peak <= SMAA_PEAK_MIB) if verdict else None,
        peak_mib=peak,
    )
    main_row["peak_mib"] = peak
    ranks_row = compare(
        BENCH,
        f"smaa {size}: + first 25 rank acceptabilities",
        n,
        key_and_ranks,
        bare,
        baseline_name=base_name,
        k=k,
        note="informative: smaa's default ranks=k",
    )
    exact_row = compare(
        BENCH,
        f"smaa {size}: exact kernel on every pair (no BLAS filter)",
        n,
        _no_filter(key_only),
        bare,
        baseline_name=base_name,
        k=max(1, min(k, 2)),
        note="informative: what the proven-bound filter saves (the same counts)",
    )
    return [main_row, budget, memory, ranks_row, exact_row]


def _score_many_rows(smoke: bool, k: int) -> list[Row]:
    n, c = 1_000, 10
    S = 50 if smoke else 1_000
    table, _, cost = _table(n, c, seed=1)
    wp = _scorer(table, cost, 1.0 + np.arange(c)).fit(table)
    W = np.random.default_rng(2).dirichlet(np.ones(c), S)
    pinned = [_pinned(wp, w) for w in W]  # outside the timing
    form = wp._linear_form(table)
    PT = np.ascontiguousarray(np.column_stack(form.points).T)
    loop = compare(
        BENCH,
        f"(b) score_many S={S} vs a loop of score",
        n,
        lambda: wp.score_many(table, W),
        lambda: [p.score(table) for p in pinned],
        baseline_name=f"{S} pinned scorers' score(table)",
        k=k,
        note=f"{c} criteria; rows equal score's to the bit",
    )
    per_call_ms = loop["baseline_seconds"] / S * 1e3
    loop["note"] += (
        f"; score: {per_call_ms:.3f} ms a call, score_many: "
        f"{loop['seconds'] / S * 1e3:.4f} ms a weight vector ({1 / loop['ratio']:.0f}x)"
    )
    bare = compare(
        BENCH,
        f"score_many S={S} vs bare W @ P.T",
        n,
        lambda: wp.score_many(table, W),
        lambda: form.coefficients(W)[0] @ PT,
        baseline_name="bare A @ P.T (BLAS: not the same bits)",
        k=k,
        note="informative: the cost of a fixed-order element-wise sum",
    )
    return [loop, bare]


def _peer_rows(smoke: bool, k: int) -> list[Row]:
    sizes = ((2_000, 10), (20_000, 12)) if smoke else ((10_000, 10), (1_000_000, 12))
    wsm: Any = None
    rankdata: Any = None
    pipe: Any = None
    mkdm: Any = None
    if importlib.util.find_spec("pymcdm") is not None:
        from pymcdm import helpers, normalizations  # type: ignore[import-untyped]
        from pymcdm.methods import WSM  # type: ignore[import-untyped]

        wsm, rankdata = WSM(normalizations.minmax_normalization), helpers.rankdata
    if importlib.util.find_spec("skcriteria") is not None:
        import skcriteria  # type: ignore[import-untyped]
        from skcriteria.agg.simple import WeightedSumModel  # type: ignore[import-untyped]
        from skcriteria.pipelines import mkpipe  # type: ignore[import-untyped]
        from skcriteria.preprocessing.invert_objectives import (  # type: ignore[import-untyped]
            NegateMinimize,
        )
        from skcriteria.preprocessing.scalers import MinMaxScaler  # type: ignore[import-untyped]

        pipe = mkpipe(NegateMinimize(), MinMaxScaler(target="matrix"), WeightedSumModel())
        mkdm = skcriteria.mkdm
    rows: list[Row] = []
    for n, c in sizes:
        start = len(rows)
        rank_differences: dict[str, int] = {}
        table, X, cost = _table(n, c, seed=3)
        w = np.random.default_rng(4).uniform(0.5, 3.0, c)
        wp = _scorer(table, cost, w)

        def ours(wp: WeightedPoints = wp, table: FeatureTable = table, n: int = n) -> Any:
            fitted = wp.fit(table)
            return fitted.key_accounts(fitted.score(table), top=n)

        big = n >= 1_000_000
        kk = 2 if big else k
        size = f"{n} x {c}"
        ours_name = "kamlib fit + score + key_accounts(top=n)"
        if wsm is not None:
            types = np.array([-1 if x else 1 for x in cost])
            share = w / w.sum()
            for validation in (True, False):

                def theirs(
                    X: Any = X, share: Any = share, types: Any = types, v: bool = validation
                ) -> Any:
                    return rankdata(wsm(X, share, types, validation=v), reverse=True)

                label = "default (validation on)" if validation else "validation=False"
                if not validation:  # untimed: the two rankings, account by account
                    rank_differences["pymcdm"] = _differences(ours(), table, theirs())
                rows.append(
                    compare(
                        BENCH,
                        f"weighted sum + rank {size}: vs pymcdm WSM, {label}",
                        n,
                        ours,
                        theirs,
                        baseline_name=f"pymcdm WSM(minmax) + rankdata, {label}",
                        k=1 if (big and validation) else kk,
                        warmup=0 if (big and validation) else 1,
                        note=f"candidate: {ours_name}",
                    )
                )
        if pipe is not None:
            objectives = [min if x else max for x in cost]

            def sk(X: Any = X, w: Any = w, objectives: Any = objectives) -> Any:
                return pipe.evaluate(mkdm(X, objectives, weights=w)).rank_

            rank_differences["scikit-criteria"] = _differences(ours(), table, sk())
            rows.append(
                compare(
                    BENCH,
                    f"weighted sum + rank {size}: vs scikit-criteria",
                    n,
                    ours,
                    sk,
                    baseline_name="skcriteria mkdm + NegateMinimize, MinMaxScaler, WSM",
                    k=kk,
                    note=f"candidate: {ours_name}",
                )
            )
        for row in rows[start:]:  # issue 10: zero rank differences at both sizes
            peer = "pymcdm" if "pymcdm" in row["case"] else "scikit-criteria"
            row["rank_differences"] = rank_differences[peer]
            row["note"] += f"; accounts ranked differently from {peer}: {rank_differences[peer]}"
    return rows


def _differences(ours: Any, table: FeatureTable, theirs: Any) -> int:
    """How many accounts the peer ranks at another place than kamlib's ranked list does."""
    place = {account: i + 1 for i, account in enumerate(ours.ids)}
    mine = np.array([place[account] for account in table.ids.tolist()])
    return int(np.count_nonzero(mine != np.asarray(theirs, dtype=np.float64)))


def _analysis_rows(smoke: bool, k: int) -> list[Row]:
    n, c = (1_000, 6) if smoke else (10_000, 10)
    table, _, cost = _table(n, c, seed=5)
    wp = _scorer(table, cost, 1.0 + np.arange(c)).fit(table)
    shares = wp.shares
    shifted = [
        _pinned(wp, np.array(with_share(shares, j, min(1.0, max(0.0, shares[j] + d)))))
        for j in range(c)
        for d in (-0.05, 0.05)
    ]
    raw = [cr.weight for cr in wp.criteria]
    grids = [
        np.array([with_share(raw, j, t) for t in np.linspace(0.0, 1.0, 100)]) for j in range(c)
    ]
    return [
        compare(
            BENCH,
            f"perturb_weights {n} x {c} (k=25)",
            n,
            lambda: perturb_weights(wp, table, delta=0.05, k=25),
            lambda: [p.score(table) for p in shifted],
            baseline_name=f"{2 * c} pinned score(table) calls (no comparison)",
            k=k,
            note="informative: both shifts of every criterion, ranks and top-25 compared",
        ),
        compare(
            BENCH,
            f"stability_intervals {n} x {c} (k=25)",
            n,
            lambda: stability_intervals(wp, table, k=25),
            lambda: [wp.score_many(table, g) for g in grids],
            baseline_name="score_many of 100 shares per criterion (a coarse grid, no verdict)",
            k=k,
            note="informative: exact crossing points vs the scoring a grid search needs",
        ),
    ]


def run(smoke: bool, k: int | None = None) -> list[Row]:
    """Time SMAA, score_many, the peers' weighted sums and the weight analyses."""
    k = k or (2 if smoke else 5)
    verdict = not smoke
    return [
        *_smaa_rows(smoke, k, verdict),
        *_score_many_rows(smoke, k),
        *_peer_rows(smoke, k),
        *_analysis_rows(smoke, k),
    ]


if __name__ == "__main__":
    raise SystemExit(main(run))
