"""Scoring kernels against the bare numpy operation they cannot beat.

Weighted points on an ``n x 12`` FeatureTable, default criteria mapping (``MinMax`` with
the range learned by one ``fit`` outside the timing, clip on), so every timed call is a
pinned score; ``w`` is the scorer's normalised weights (``WeightedPoints.shares``):

- (a) ``wp.score(table)`` vs bare ``X @ w`` on the table's own matrix; target <= 1.5;
- (b) fresh numbers for known accounts, ``wp.score(table.with_values(X_new))``, for a
  C-ordered and an F-ordered ``X_new``, each vs bare ``X_new @ w`` on that same array;
  target <= 3 each;
- informative: ``clip=False``, ``with_values`` alone, ``from_columns`` (+ score).
- floors (informative, no kamlib code): what the rules of §1 leave possible at all, in
  plain numpy. ``floor (a)``: the deterministic weighted sum itself, ``x_j * w_j`` added
  column by column in cache-sized blocks (12 multiplies and 11 adds per row, the fewest
  element-wise operations that give a row the same bits anywhere); ``floor (b)``: a fresh
  owned copy of an F-ordered ``X_new`` (the table may not keep the caller's array; the
  same-layout copy is a plain stream) followed by that sum; ``floor (c)``: the two
  selections a value-matrix fit needs (one quantile per axis), and a whole fit + score
  done as plainly as numpy allows (two selections, one blend, codes and margins).

Value matrix on ``n`` accounts (the default four columns):

- (c) ``fit`` + ``score`` vs one ``np.partition`` of the contribution axis (the
  ``x_feature`` column, profit); target <= 3; and the pinned ``score`` alone.

Timings: :func:`_timing.compare`, baseline and candidate interleaved, best of ``k`` each.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from _timing import Row, compare, main
from kamlib import FeatureTable
from kamlib.scoring import Criterion, MinMax, ValueMatrix, WeightedPoints

BENCH = "scoring"
K_FEATURES = 12


def _seq_blocked(X: np.ndarray[Any, Any], w: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    """The floor of a deterministic weighted sum: columns left to right, in blocks."""
    n, k = X.shape
    out = np.empty(n)
    block = 65_536
    buf = np.empty(min(n, block))
    cols = [X[:, j] for j in range(k)]
    for start in range(0, n, block):
        stop = min(start + block, n)
        o, t = out[start:stop], buf[: stop - start]
        np.multiply(cols[0][start:stop], w[0], out=o)
        for j in range(1, k):
            np.multiply(cols[j][start:stop], w[j], out=t)
            o += t
    return out


def _vm_floor(x: np.ndarray[Any, Any], cols: list[np.ndarray[Any, Any]]) -> Any:
    """The floor of a value-matrix fit + score: the median cut of each axis (one
    selection each, the blend partitioned in place), then quadrant codes and margins,
    in cache-sized blocks; plain numpy, no checks, no result object."""
    n = x.shape[0]
    block = 65_536

    def median(v: np.ndarray[Any, Any], inplace: bool) -> float:
        k = (n - 1) // 2
        part = v if inplace else np.partition(v, k)
        if inplace:
            part.partition(k)
        a, b = float(part[k]), float(part[k + 1 :].min()) if k + 1 < n else float(part[k])
        return b - (b - a) * 0.5

    w = 1.0 / len(cols)
    y = np.empty(n)
    t = np.empty(min(n, block))
    for start in range(0, n, block):
        stop = min(start + block, n)
        o, tt = y[start:stop], t[: stop - start]
        np.multiply(cols[0][start:stop], w, out=o)
        for c in cols[1:]:
            np.multiply(c[start:stop], w, out=tt)
            o += tt
    xc, yc = median(x, False), median(y.copy(), True)
    code = np.empty(n, dtype=np.uint8)
    margin = np.empty(n)
    low = np.empty(min(n, block), dtype=np.bool_)
    for start in range(0, n, block):
        stop = min(start + block, n)
        c, lo, mg, dd = code[start:stop], low[: stop - start], margin[start:stop], t[: stop - start]
        np.less(x[start:stop], xc, out=c.view(np.bool_))
        np.less(y[start:stop], yc, out=lo)
        c |= lo.view(np.uint8) << 1
        np.subtract(x[start:stop], xc, out=mg)
        np.subtract(y[start:stop], yc, out=dd)
        np.abs(mg, out=mg)
        np.abs(dd, out=dd)
        np.minimum(mg, dd, out=mg)
    return y, code, margin


def run(smoke: bool, k: int | None = None) -> list[Row]:
    """Time the weighted-points and value-matrix kernels (full: 1M rows; smoke: 10k)."""
    n = 10_000 if smoke else 1_000_000
    k = k or (2 if smoke else 7)
    k_slow = k if smoke else max(2, k // 2)  # from_columns validates 1M string ids
    verdict = not smoke
    rng = np.random.default_rng(0)
    names = [f"c{j}" for j in range(K_FEATURES)]
    X = rng.uniform(0.0, 100.0, (n, K_FEATURES))
    cols = {name: X[:, j] for j, name in enumerate(names)}
    ids = [f"A{i}" for i in range(n)]
    table = FeatureTable.from_columns(ids, cols)
    # Default mapping (MinMax, range learned, clip on); fitted once, outside every timing.
    wp = WeightedPoints([Criterion(name, 1.0 + j) for j, name in enumerate(names)]).fit(table)
    wp_noclip = WeightedPoints(
        [Criterion(name, 1.0 + j, mapping=MinMax(clip=False)) for j, name in enumerate(names)]
    ).fit(table)
    w = np.asarray(wp.shares, dtype=np.float64)
    Xt = table.values  # the matrix the scorer reads
    X_c = np.ascontiguousarray(rng.uniform(0.0, 100.0, (n, K_FEATURES)))
    X_f = np.asfortranarray(rng.uniform(0.0, 100.0, (n, K_FEATURES)))
    order = "F" if Xt.flags.f_contiguous else "C"

    def row(case: str, cand: Any, base: Any, base_name: str, **kw: Any) -> Row:
        return compare(BENCH, case, n, cand, base, baseline_name=base_name, verdict=verdict, **kw)

    bare = f"X @ w (table.values, {order}-ordered)"
    rows = [
        row(
            "(a) weighted_points pinned: score(table)",
            lambda: wp.score(table),
            lambda: Xt @ w,
            bare,
            k=k,
            target=1.5,
            note="default MinMax (learned range, clip on), fitted outside the timing",
        ),
        row(
            "floor (a): blocked column-wise x_j * w_j sum, plain numpy",
            lambda: _seq_blocked(Xt, w),
            lambda: Xt @ w,
            bare,
            k=k,
            note="informative: the least any deterministic element-wise kernel does",
        ),
        row(
            "weighted_points pinned, clip=False: score(table)",
            lambda: wp_noclip.score(table),
            lambda: Xt @ w,
            bare,
            k=k,
            note="informative: MinMax(clip=False), no range test",
        ),
    ]
    for label, Xn in (("C", X_c), ("F", X_f)):
        rows.append(
            row(
                f"(b) weighted_points pinned: with_values({label}) + score",
                lambda Xn=Xn: wp.score(table.with_values(Xn)),
                lambda Xn=Xn: Xn @ w,
                f"X_new @ w (the same {label}-ordered X_new)",
                k=k,
                target=3.0,
                note="fresh numbers for validated accounts: one checked copy + pinned score",
            )
        )
        if label == "F":  # a C-ordered source needs a transpose on top: no plain floor
            rows.append(
                row(
                    "floor (b): fresh F-ordered copy of X_new(F) + floor (a)",
                    lambda Xn=Xn: _seq_blocked(np.array(Xn, dtype=np.float64, order="F"), w),
                    lambda Xn=Xn: Xn @ w,
                    "X_new @ w (the same F-ordered X_new)",
                    k=k,
                    note="informative: an owned copy is the least a validated table keeps",
                )
            )
        rows.append(
            row(
                f"weighted_points: with_values({label}) only",
                lambda Xn=Xn: table.with_values(Xn),
                lambda Xn=Xn: Xn @ w,
                f"X_new @ w (the same {label}-ordered X_new)",
                k=k,
                note="informative: numeric validation alone (copy + finiteness pass)",
            )
        )
    rows += [
        row(
            "weighted_points pinned: from_columns + score",
            lambda: wp.score(FeatureTable.from_columns(ids, cols)),
            lambda: Xt @ w,
            bare,
            k=k_slow,
            note="informative: incl. validating n new string ids",
        ),
        row(
            "weighted_points: from_columns only",
            lambda: FeatureTable.from_columns(ids, cols),
            lambda: Xt @ w,
            bare,
            k=k_slow,
            note="informative: validation alone (ids list -> object array, NaN checks)",
        ),
    ]

    vm = ValueMatrix()
    vm_cols = {
        "profit": rng.normal(1e5, 3e4, n),
        "strategic_fit": rng.uniform(0, 10, n),
        "value_potential": rng.uniform(0, 10, n),
        "resource_complementarity": rng.uniform(0, 10, n),
    }
    vm_table = FeatureTable.from_columns(ids, {f: vm_cols[f] for f in vm.required_features})
    fitted = vm.fit(vm_table)  # for the pinned row only, outside the timing
    x = vm_table.column(vm.x_feature)
    y_axis = fitted.score(vm_table).scores.copy()  # the strategic-importance axis
    part = f"np.partition({vm.x_feature}, n // 2)"
    rows += [
        row(
            "(c) value_matrix: fit + score",
            lambda: vm.fit(vm_table).score(vm_table),
            lambda: np.partition(x, n // 2),
            part,
            k=k,
            target=3.0,
            note="default ValueMatrix; two quantile cuts learned, then scored",
        ),
        row(
            "floor (c): the two selections of a fit, plain numpy",
            lambda: (np.partition(x, n // 2), np.partition(y_axis, n // 2)),
            lambda: np.partition(x, n // 2),
            part,
            k=k,
            note="informative: one quantile per axis, nothing else",
        ),
        row(
            "floor (c): fit + score in plain numpy, no checks",
            lambda: _vm_floor(x, [vm_cols[f] for f in vm.y_features]),
            lambda: np.partition(x, n // 2),
            part,
            k=k,
            note="informative: two selections, one blend, codes and margins",
        ),
        row(
            "value_matrix: score (pinned cuts)",
            lambda: fitted.score(vm_table),
            lambda: np.partition(x, n // 2),
            part,
            k=k,
            note="informative: cuts fitted once outside the timing",
        ),
    ]
    return rows


if __name__ == "__main__":
    raise SystemExit(main(run))
