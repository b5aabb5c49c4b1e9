"""kamlib.research agreement: the wrappers against scipy, the bootstrap matrix against a loop.

Rank correlations on ``n`` accounts (full: 100 000; smoke: 5 000) scored by two weighted-
points scorers on one FeatureTable of 0-10 integer criteria, so both score columns hold
many ties (as KAM points do); the two ScoreTables share the table's ids:

- (a) ``kendall_tau(a, b)`` on the two ScoreTables vs ``scipy.stats.kendalltau(a.scores,
  b.scores)`` on the same columns; target <= 1.2 (the checks, the id alignment and the
  tie check cost at most a fifth of scipy's own O(m log m) work);
- informative: ``kendall_tau`` with ``b`` in another row order (aligned by id: one dict of
  ``n`` ids); on bare arrays; ``spearman_rho`` vs ``scipy.stats.spearmanr``;
  ``weighted_tau`` vs ``scipy.stats.weightedtau``; ``rank_biased_overlap`` and
  ``top_k_jaccard`` (k = 25, the upper end of a key-account list) vs ``kendalltau``.

The matrix at a realistic size (full: 5 methods x 2 000 accounts, 1 000 resamples; smoke:
3 x 200, 50), a portfolio of a few thousand accounts compared under a handful of methods:

- (b) ``agreement_matrix(..., statistic="kendall")`` vs the plain way: the same number of
  resamples drawn with numpy, one ``scipy.stats.kendalltau`` per resample and pair, and
  ``np.quantile`` for the intervals; informative (no target was set), the ratio says how
  much the chunked merge-plan evaluation saves;
- (b) the same with ``statistic="spearman"`` vs one ``scipy.stats.spearmanr`` per resample
  and pair.

The loop baselines take several seconds each, so the matrix rows run ``k = 2`` without
a warm-up pair at full size. Timings: :func:`_timing.compare`, baseline and candidate
interleaved, best of ``k`` each.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import scipy.stats as ss  # type: ignore[import-untyped]

from _timing import Row, compare, main
from kamlib import FeatureTable
from kamlib.research import (
    agreement_matrix,
    kendall_tau,
    rank_biased_overlap,
    spearman_rho,
    top_k_jaccard,
    weighted_tau,
)
from kamlib.scoring import Criterion, ScoreTable, WeightedPoints

BENCH = "agreement"
CRITERIA = ("strategic_fit", "value_potential", "relationship", "share_of_wallet")


def _two_scorers(n: int, rng: np.random.Generator) -> tuple[ScoreTable, ScoreTable]:
    """Two weighted-points results on one table of 0-10 integer criteria (many ties)."""
    cols = {c: rng.integers(0, 11, n).astype(np.float64) for c in CRITERIA}
    table = FeatureTable.from_columns([f"A{i}" for i in range(n)], cols)
    a = WeightedPoints([Criterion(c, w) for c, w in zip(CRITERIA, (3, 2, 1, 1), strict=True)])
    b = WeightedPoints([Criterion(c, w) for c, w in zip(CRITERIA, (1, 1, 2, 3), strict=True)])
    return a.fit(table).score(table), b.fit(table).score(table)


def _loop(
    f: Callable[..., Any], cols: Sequence[np.ndarray[Any, Any]], n_boot: int, seed: int
) -> np.ndarray[Any, Any]:
    """The plain bootstrap: resample, one scipy call per resample and pair, quantiles."""
    n, m = len(cols), cols[0].shape[0]
    idx = np.random.default_rng(seed).integers(0, m, size=(n_boot, m))
    reps = np.empty((n_boot, n, n))
    for b, row in enumerate(idx):
        for i in range(n):
            for j in range(i + 1, n):
                reps[b, i, j] = f(cols[i][row], cols[j][row]).statistic
    return np.quantile(reps, [0.025, 0.975], axis=0)


def run(smoke: bool, k: int | None = None) -> list[Row]:
    """Time the agreement statistics (full: 100k accounts, 5 x 2 000 matrix; smoke: small)."""
    n = 5_000 if smoke else 100_000
    k = k or (2 if smoke else 7)
    k_slow = k if smoke else 3  # weightedtau takes about half a second at 100k
    verdict = not smoke
    rng = np.random.default_rng(0)
    a, b = _two_scorers(n, rng)
    assert a.ids is b.ids  # one FeatureTable: the ids are shared, as in a real comparison
    b_other = b.take(rng.permutation(n))
    x, y = a.scores, b.scores
    base_name = "scipy.stats.kendalltau(a.scores, b.scores)"

    def kendall() -> Any:
        return ss.kendalltau(x, y)

    def row(case: str, cand: Any, base: Any = kendall, name: str = base_name, **kw: Any) -> Row:
        """One comparison; by default against scipy's kendalltau, best of ``k``."""
        kw.setdefault("k", k)
        return compare(BENCH, case, n, cand, base, baseline_name=name, verdict=verdict, **kw)

    rows = [
        row(
            "(a) kendall_tau(ScoreTable, ScoreTable), tied scores",
            lambda: kendall_tau(a, b),
            target=1.2,
            note="tau-b by scipy; checks, id alignment (shared ids) and tie check on top",
        ),
        row(
            "kendall_tau: b in another row order (aligned by id)",
            lambda: kendall_tau(a, b_other),
            note="informative: one dict of n ids and a gather",
        ),
        row(
            "kendall_tau: bare arrays",
            lambda: kendall_tau(x, y),
            note="informative: finiteness and tie checks only",
        ),
        row(
            "spearman_rho(ScoreTable, ScoreTable)",
            lambda: spearman_rho(a, b),
            lambda: ss.spearmanr(x, y),
            "scipy.stats.spearmanr(a.scores, b.scores)",
            note="informative",
        ),
        row(
            "weighted_tau(ScoreTable, ScoreTable)",
            lambda: weighted_tau(a, b),
            lambda: ss.weightedtau(x, y),
            "scipy.stats.weightedtau(a.scores, b.scores)",
            k=k_slow,
            note="informative: additive hyperbolic tau_h, rank=True",
        ),
        row(
            "rank_biased_overlap(a, b), p = 0.9, every account",
            lambda: rank_biased_overlap(a, b),
            note="informative: RBO_ext, ties as Webber et al. (one sort per side)",
        ),
        row(
            "top_k_jaccard(a, b, 25)",
            lambda: top_k_jaccard(a, b, 25),
            note="informative: one partition per side",
        ),
    ]

    methods, m, n_boot = (3, 200, 50) if smoke else (5, 2_000, 1_000)
    base = rng.normal(size=m)
    cols = [np.round(base + rng.normal(scale=0.3 * (i + 1), size=m), 1) for i in range(methods)]
    named = {f"method{i}": c for i, c in enumerate(cols)}
    k_matrix = k if smoke else 2
    warmup = 1 if smoke else 0
    for stat, f in (("kendall", ss.kendalltau), ("spearman", ss.spearmanr)):
        pairs = methods * (methods - 1) // 2
        rows.append(
            compare(
                BENCH,
                f"(b) agreement_matrix {stat}: {methods} methods, {n_boot} resamples",
                m,
                lambda stat=stat: agreement_matrix(named, statistic=stat, n_boot=n_boot, seed=1),
                lambda f=f: _loop(f, cols, n_boot, 1),
                baseline_name=f"scipy.stats.{f.__name__} per resample and pair "
                f"({pairs} x {n_boot} calls) + np.quantile",
                k=k_matrix,
                warmup=warmup,
                verdict=verdict,
                note="informative: percentile intervals; chunked, vectorised resamples",
            )
        )
    return rows


if __name__ == "__main__":
    raise SystemExit(main(run))
