"""How robust a linear scorer's verdicts are to its weights, and to the batch it is fitted on.

Five questions about a [`WeightedPoints`][kamlib.scoring.WeightedPoints] list or a
[`ValueMatrix`][kamlib.scoring.ValueMatrix] (both linear in their weights):

* **One weight at a time** (`perturb_weights`): move one criterion's share of the weight
  by ``±delta`` (the others rescaled proportionally, `with_share`); which accounts change
  rank, top-``k`` membership or class?
* **All weights at once** (`smaa`): Stochastic Multicriteria Acceptability Analysis
  (Lahdelma, Hokkanen & Salminen 1998) over the weight simplex; how likely is each
  account to be a key account (top ``k``), to hold each rank, to fall in each class?
* **How far a weight can move** (`stability_intervals`): the exact range of one share
  over which the top-``k`` set, or the classes, stay the same: crossing points of lines,
  computed analytically.
* **Does the batch matter** (`rank_reversals`): add a dominated account, remove one,
  duplicate one, re-fit, re-score; which of the other accounts move?

The weights are the only thing that varies (the rank reversals aside): fitted parameters
(ranges, percentiles, cuts, the threshold) stay as the scorer holds them, so fit first.
Scores always come from the scorer's own arithmetic
([`WeightedPoints.score_many`][kamlib.scoring.WeightedPoints.score_many]), so a verdict
here is the verdict `score` gives with those weights pinned, to the bit. Ranks are by
score, descending, ties broken by account id ascending: the order of
[`WeightedPoints.key_accounts`][kamlib.scoring.WeightedPoints.key_accounts].
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import attrs
import numpy as np
from numpy.typing import NDArray

from kamlib._table import MAX_MAGNITUDE, FeatureTable
from kamlib._validators import check_int, check_name, check_real, check_real_tuple, unwrap_0d
from kamlib.errors import (
    DuplicateIdError,
    InvalidTypeError,
    InvalidValueError,
    MissingFeatureError,
    UnknownIdError,
)
from kamlib.scoring import ScoreTable, ValueMatrix, WeightedPoints
from kamlib.scoring._kernel import LinearForm, normalised, seq_sum, sum_into

__all__ = [
    "with_share",
    "WeightShift",
    "perturb_weights",
    "SMAAResult",
    "smaa",
    "StabilityInterval",
    "stability_intervals",
    "RankReversal",
    "rank_reversals",
]

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
IntArray = NDArray[np.intp]

DRAW_BLOCK = 4096
"""Weight samples drawn per call of the generator: sample ``s``'s weights depend on the
seed, ``alpha`` and ``s`` only, never on the chunk size."""
CHUNK_CELLS = 1 << 19
"""Default scores per chunk of `smaa`: ``chunk = CHUNK_CELLS // n`` samples (at least 1,
at most `DRAW_BLOCK`), so one chunk's scores take 4 MiB whatever the table's size."""
_PROBE_MIN = 64
"""Extra accounts in `smaa`'s probe set, beyond four times the ranks it tallies."""


def _readonly(a: NDArray[Any]) -> NDArray[Any]:
    a.flags.writeable = False
    return a


# ---------------------------------------------------------------- the renormalisation rule
def with_share(weights: Sequence[float], index: int, share: float) -> tuple[float, ...]:
    """Give criterion ``index`` the share ``share`` of the weight; rescale the others.

    kamlib's renormalisation rule for every one-weight analysis here (`perturb_weights`,
    `stability_intervals`): the weights are first normalised to shares ``s`` summing to 1;
    criterion ``index`` gets ``share`` and every other share is multiplied by the same
    factor ``(1 - share) / (1 - s[index])``, so the others keep their ratios and all the
    shares still sum to 1. Holding the other *raw* weights fixed and changing this one
    is the same path (the share is ``w / (w + rest)``). When the others all have share 0
    (``s[index] == 1``) they split ``1 - share`` equally: kamlib's choice, the one
    direction that favours none of them.

    Bounds: ``share`` must lie in ``[0, 1]``; a caller moving a share by ``delta`` cuts
    the move at the bound (`perturb_weights` reports the move it applied).

    Args:
        weights: Raw non-negative weights (at least one positive), in criteria order.
        index: The criterion whose share is set.
        share: Its new share, in ``[0, 1]``.

    Returns:
        The new shares, one per criterion (a valid set of raw weights).

    Raises:
        InvalidValueError: A negative, non-finite or all-zero weight; ``index`` out of
            range; ``share`` outside ``[0, 1]``, or not 1 for a single criterion (it
            always holds the whole weight).

    Examples:
        >>> from kamlib.research import with_share
        >>> with_share([2.0, 1.0, 1.0], 0, 0.75)  # others keep their 1 : 1 ratio
        (0.75, 0.125, 0.125)
        >>> with_share([1.0, 0.0, 0.0], 0, 0.5)  # others at 0 split the rest equally
        (0.5, 0.25, 0.25)
        >>> with_share([1.0, 1.0], 1, 1.5)
        Traceback (most recent call last):
        ...
        kamlib.errors.InvalidValueError: with_share.share: must be a real number in \
[0, 1]; got 1.5
    """
    w = _raw_weights("with_share.weights", weights)
    j = check_int("with_share.index", index, ge=0, le=len(w) - 1)
    t = check_real("with_share.share", share, ge=0.0, le=1.0)
    return _with_share(normalised(w), j, t)


def _raw_weights(path: str, weights: object) -> tuple[float, ...]:
    w = check_real_tuple(path, weights, ge=0.0, le=MAX_MAGNITUDE)
    if not w:
        raise InvalidValueError(path, list(w), "must hold at least one weight")
    if not any(x > 0 for x in w):
        raise InvalidValueError(path, list(w), "must hold at least one positive weight")
    return w


def _with_share(shares: Sequence[float], j: int, t: float) -> tuple[float, ...]:
    """`with_share` on checked shares."""
    c = len(shares)
    if c == 1:
        if t != 1.0:
            raise InvalidValueError(
                "with_share.share", t, "must be 1: a single criterion holds the whole weight"
            )
        return (1.0,)
    rest = (_others(shares, j) * (1.0 - t)).tolist()
    return tuple(t if i == j else float(x) for i, x in enumerate(rest))


def _others(shares: Sequence[float], j: int) -> FloatArray:
    """The direction the other shares move in: ``s_l / sum_{l != j} s_l``, 0 at ``j``.

    Equal (``1 / (c - 1)``) when the others are all 0.
    """
    c = len(shares)
    rest = seq_sum(x for i, x in enumerate(shares) if i != j)
    if rest > 0:
        rho = np.array([0.0 if i == j else x / rest for i, x in enumerate(shares)])
    else:
        rho = np.array([0.0 if i == j else 1.0 / (c - 1) for i in range(c)])
    return rho


# ---------------------------------------------------------------- the scorer under study
@attrs.frozen(eq=False)
class _Subject:
    """A linear scorer on a table: its arithmetic, weights, classes and id order."""

    scorer: WeightedPoints | ValueMatrix
    form: LinearForm
    criteria: tuple[str, ...]
    raw: tuple[float, ...]
    classes: tuple[str, ...]
    cut: float | None  # the threshold of weighted points, the y cut of the matrix
    x_high: BoolArray | None  # the matrix's contribution axis at or above its cut
    id_rank: IntArray  # each account's position in ascending id order

    @property
    def n(self) -> int:
        return self.form.n

    def codes(self, scores: FloatArray) -> NDArray[np.int8]:
        """Class codes into `classes` (the scorers' own rule: ``score >= cut`` is high)."""
        assert self.cut is not None
        high = scores >= self.cut
        if self.x_high is None:  # weighted points: 0 key, 1 not_key
            return np.where(high, np.int8(0), np.int8(1))
        code = (~self.x_high).astype(np.int8)  # quadrant order: strategic, potential, ...
        code |= (~high).astype(np.int8) << 1
        return code

    def order(self, scores: FloatArray) -> IntArray:
        """Rows best first: score descending, ties by id ascending."""
        out: IntArray = np.lexsort((self.id_rank, -scores))
        return out

    def scores(self, weights: Sequence[float] | FloatArray, under: str) -> FloatArray:
        """Scores with the raw ``weights`` pinned (``score``'s bits).

        ``under`` names the weights in an error, in the caller's terms (``"the scorer's
        own weights"``, ``"the shift of 'x' by +0.05"``).
        """
        W = np.asarray([weights], dtype=np.float64)
        out: FloatArray = self.form.into(W, np.empty((1, self.n)), label=lambda _: under)[0]
        return out


def _check_inputs(
    where: str, scorer: object, table: object
) -> tuple[WeightedPoints | ValueMatrix, FeatureTable]:
    """A linear scorer and a table of at least two accounts, or the typed error."""
    if not isinstance(scorer, WeightedPoints | ValueMatrix):
        raise InvalidTypeError(
            f"{where}.scorer",
            scorer,
            "must be a WeightedPoints or a ValueMatrix (a scorer linear in its weights)",
        )
    if not isinstance(table, FeatureTable):
        raise InvalidTypeError(f"{where}.table", table, "must be a kamlib.FeatureTable")
    if len(table) < 2:
        raise InvalidValueError(
            f"{where}.table", len(table), "must hold at least 2 accounts to rank them"
        )
    return scorer, table


def _id_rank(ids: NDArray[np.object_]) -> IntArray:
    """Each row's position in ascending id order (the tie rule of every ranking here)."""
    out = np.empty(ids.shape[0], dtype=np.intp)
    out[np.argsort(ids, kind="stable")] = np.arange(ids.shape[0])
    return out


def _subject(where: str, scorer: object, table: object) -> _Subject:
    scorer, table = _check_inputs(where, scorer, table)
    form = scorer._linear_form(table)
    classes: tuple[str, ...] = ()
    cut: float | None = None
    x_high: BoolArray | None = None
    if isinstance(scorer, WeightedPoints):
        criteria = scorer.required_features
        raw = tuple(c.weight for c in scorer.criteria)
        if scorer.threshold is not None:
            classes, cut = scorer.classes, scorer.threshold
    else:
        criteria, raw = scorer.y_features, scorer.y_weights
        if scorer.x_cut is not None and scorer.y_cut is not None:
            classes, cut = scorer.classes, scorer.y_cut
            x_high = np.asarray(table.column(scorer.x_feature) >= scorer.x_cut)
    for p in form.points:
        if not np.isfinite(p).all():
            i = int(np.flatnonzero(~np.isfinite(p))[0])
            raise InvalidValueError(
                f"{where}.table", table.ids[i], "gives non-finite points for this account"
            )
    return _Subject(scorer, form, criteria, raw, classes, cut, x_high, _id_rank(table.ids))


def _check_k(where: str, k: object, n: int) -> int | None:
    return None if k is None else check_int(f"{where}.k", k, ge=1, le=n)


def _ids(subject: _Subject, rows: NDArray[Any], ranks: IntArray | None = None) -> tuple[str, ...]:
    """Account ids of ``rows`` (a mask or positions), best first by ``ranks`` if given."""
    pos = np.flatnonzero(rows) if rows.dtype == np.bool_ else np.asarray(rows)
    if ranks is not None:
        pos = pos[np.argsort(ranks[pos], kind="stable")]
    return tuple(subject.form.ids[pos].tolist())


def _top(subject: _Subject, scores: FloatArray, k: int) -> BoolArray:
    return _top_of(subject.order(scores), k)


def _top_of(order: IntArray, k: int) -> BoolArray:
    """The first ``k`` of ``order`` as a mask over the rows."""
    top = np.zeros(order.shape[0], dtype=np.bool_)
    top[order[:k]] = True
    return top


def _rank_of(order: IntArray) -> IntArray:
    """Each row's 0-based rank, from the rows best first."""
    r = np.empty(order.shape[0], dtype=np.intp)
    r[order] = np.arange(order.shape[0])
    return r


# ---------------------------------------------------------------- one weight at a time
@attrs.frozen
class WeightShift:
    """What moving one criterion's share of the weight changes (see `perturb_weights`).

    Attributes:
        criterion: The criterion's feature.
        index: Its position among the scorer's criteria.
        delta: The requested move of its share (signed).
        applied: The move applied: ``delta`` cut at the bounds 0 and 1 of a share (0 when
            the share already sits at the bound, or for a single criterion).
        shares: The shares scored (the pinned raw weights), by `with_share`.
        rank_changed: Accounts whose rank changed, best (before the move) first.
        entered: Accounts that entered the top ``k`` (empty without ``k``).
        left: Accounts that left the top ``k``.
        class_changed: Accounts whose class changed (empty for a scorer without classes).

    Examples:
        >>> from kamlib.research import WeightShift
        >>> s = WeightShift("nps", 1, 0.1, 0.1, (0.4, 0.6), ("A", "B"), ("B",), ("C",), ())
        >>> s.entered, s.left
        (('B',), ('C',))
    """

    criterion: str
    index: int
    delta: float
    applied: float
    shares: tuple[float, ...]
    rank_changed: tuple[str, ...]
    entered: tuple[str, ...]
    left: tuple[str, ...]
    class_changed: tuple[str, ...]


def perturb_weights(
    scorer: WeightedPoints | ValueMatrix,
    table: FeatureTable,
    *,
    delta: float = 0.05,
    k: int | None = None,
) -> tuple[WeightShift, ...]:
    """Move each criterion's share of the weight by ``-delta`` and ``+delta``, one at a time.

    For criterion ``j`` with share ``s_j`` the share becomes ``s_j ± delta``, cut at 0 and 1
    (``applied`` says how far it moved), and the other shares are rescaled proportionally
    so that they keep their ratios and all shares sum to 1 (`with_share`: kamlib's rule;
    the same as moving the raw weight with the others held fixed). Each shifted set of
    shares is scored with the scorer's own arithmetic (`score_many`); the fitted
    parameters (ranges, threshold, cuts) stay as they are. Compared with the scorer's own
    scores: the accounts whose rank (score descending, ties by id) changes, those that
    enter or leave the top ``k``, and those whose class changes (the threshold of weighted
    points; the quadrant of a value matrix, with its cuts held).

    A shifted set of shares is refused where `score` would refuse it pinned, and the
    refusal stops the analysis: a non-finite score, or, under ``missing="renormalise"``,
    an account observed only on criteria the shift leaves at weight 0 (a share moved to
    1 leaves the others at 0). The `InvalidValueError` names the account and the shift
    (criterion, signed ``delta`` and the shares scored).

    Args:
        scorer: A fitted [`WeightedPoints`][kamlib.scoring.WeightedPoints] or
            [`ValueMatrix`][kamlib.scoring.ValueMatrix] (its ``y_weights``).
        table: At least two accounts.
        delta: The move of a share, in ``(0, 1]`` (0.05 = five percentage points).
        k: Size of the top list to follow, in ``[1, n]``; ``None`` follows none.

    Returns:
        Two [`WeightShift`][kamlib.research.WeightShift] per criterion, ``-delta`` then
        ``+delta``, in criteria order.

    Raises:
        InvalidTypeError: Not a linear scorer, or not a FeatureTable.
        InvalidValueError: Fewer than 2 accounts; ``delta`` or ``k`` out of range; what
            `score` refuses with the scorer's weights or a shift's (missing values against
            the policy, a non-finite score), the shift named.
        NotFittedError: The scorer needs ``fit``.

    Examples:
        >>> from kamlib import FeatureTable
        >>> from kamlib.research import perturb_weights
        >>> from kamlib.scoring import Criterion, MinMax, WeightedPoints
        >>> t = FeatureTable.from_columns(
        ...     ["A", "B", "C"], {"x": [9.0, 6.0, 1.0], "y": [1.0, 5.0, 9.0]})
        >>> wp = WeightedPoints([Criterion("x", mapping=MinMax(0, 10)),
        ...                      Criterion("y", mapping=MinMax(0, 10))])
        >>> shifts = perturb_weights(wp, t, delta=0.2, k=1)
        >>> [(s.criterion, round(s.applied, 2), s.entered, s.left) for s in shifts]
        [('x', -0.2, ('C',), ('B',)), ('x', 0.2, ('A',), ('B',)), \
('y', -0.2, ('A',), ('B',)), ('y', 0.2, ('C',), ('B',))]
    """
    subject = _subject("perturb_weights", scorer, table)
    delta = check_real("perturb_weights.delta", delta, gt=0.0, le=1.0)
    k = _check_k("perturb_weights", k, subject.n)
    base = subject.scores(subject.raw, _OWN)
    base_order = subject.order(base)
    base_rank = _rank_of(base_order)
    base_top = _top_of(base_order, k) if k is not None else None
    base_codes = subject.codes(base) if subject.classes else None
    shares = normalised(subject.raw)
    out: list[WeightShift] = []
    for j, name in enumerate(subject.criteria):
        for sign in (-1.0, 1.0):
            target = 1.0 if len(shares) == 1 else min(1.0, max(0.0, shares[j] + sign * delta))
            new = _with_share(shares, j, target)
            scores = subject.scores(
                new, f"the shift of {name!r} by {sign * delta:+g} (shares {list(new)})"
            )
            order = subject.order(scores)
            rank = _rank_of(order)
            entered: tuple[str, ...] = ()
            left: tuple[str, ...] = ()
            class_changed: tuple[str, ...] = ()
            if base_top is not None and k is not None:
                top = _top_of(order, k)
                entered = _ids(subject, top & ~base_top, rank)
                left = _ids(subject, base_top & ~top, base_rank)
            if base_codes is not None:
                class_changed = _ids(subject, subject.codes(scores) != base_codes, base_rank)
            out.append(
                WeightShift(
                    criterion=name,
                    index=j,
                    delta=sign * delta,
                    applied=target - shares[j],
                    shares=new,
                    rank_changed=_ids(subject, rank != base_rank, base_rank),
                    entered=entered,
                    left=left,
                    class_changed=class_changed,
                )
            )
    return tuple(out)


# ---------------------------------------------------------------- SMAA
@attrs.frozen(eq=False)
class SMAAResult:
    """Acceptability indices of every account over sampled weights (see `smaa`).

    All arrays are read-only, one row per account in table order.

    Attributes:
        ids: Account ids, as in the table.
        samples: Weight vectors drawn.
        seed: The generator's seed.
        alpha: The Dirichlet concentration of each criterion.
        k: The key-account list size, or ``None``.
        key_probability: ``(n,)`` share of the samples in which the account is in the top
            ``k`` (SMAA-2's ``k``-best rank acceptability), or ``None`` without ``k``.
        rank_acceptability: ``(n, ranks)``: column ``r`` is the share of samples in which
            the account holds rank ``r + 1`` (``b_i^r``); with all ranks, each row sums to 1.
        classes: The scorer's classes (``()`` without a threshold or cuts).
        class_acceptability: ``(n, len(classes))`` share of samples in each class (rows
            sum to 1), or ``None``.

    Examples:
        >>> import numpy as np
        >>> from kamlib.research import SMAAResult
        >>> r = SMAAResult(np.array(["A", "B"], dtype=object), 10, 0, (1.0,), 1,
        ...                np.array([0.7, 0.3]), np.array([[0.7], [0.3]]), (), None)
        >>> float(r.key_probability.sum())
        1.0
    """

    ids: NDArray[np.object_]
    samples: int
    seed: int
    alpha: tuple[float, ...]
    k: int | None
    key_probability: FloatArray | None
    rank_acceptability: FloatArray
    classes: tuple[str, ...]
    class_acceptability: FloatArray | None


_OWN = "the scorer's own weights"
"""How an error names the scorer's weights as given."""


def _sample(s: int, w: FloatArray) -> str:
    """How an error names `smaa`'s sample ``s`` (0-based, the draw order of the seed)."""
    return f"smaa sample {s} (drawn weights {w.tolist()})"


def _filter_pays(depth: int, n: int) -> bool:
    """Whether `smaa` filters with a BLAS product: when few of the ranks need settling."""
    return 4 * depth + _PROBE_MIN <= n


def _alpha(alpha: object, c: int) -> tuple[float, ...]:
    alpha = unwrap_0d(alpha)  # a 0-d array is the one number it holds
    if isinstance(alpha, Sequence | np.ndarray) and not isinstance(alpha, str):
        a = check_real_tuple("smaa.alpha", alpha, gt=0.0, le=1e6)
        if len(a) != c:
            raise InvalidValueError(
                "smaa.alpha", len(a), f"must hold {c} concentrations (one per criterion)"
            )
        return a
    return (check_real("smaa.alpha", alpha, gt=0.0, le=1e6),) * c


@attrs.frozen(eq=False)
class _Chunk:
    """One chunk of `smaa`'s samples, scored."""

    G: FloatArray  # (m, n) scores: the BLAS product's if approx, else the exact kernel's
    coef: FloatArray  # (m, c) factors of the points (`LinearForm.coefficients`)
    C: FloatArray | None  # (m,) intercepts, or None
    delta: FloatArray  # (m,) bound on |G - exact| per sample (0 when exact)
    approx: bool


_FLUSH = 1 << 20
"""Rank cells `_Tally` collects before it adds them to its counters in one pass."""


@attrs.define
class _Tally:
    """`smaa`'s counters and the fixed parts of its chunk kernel."""

    subject: _Subject
    k: int | None
    ranks: int
    approx: bool  # a BLAS product filters the candidates, the exact kernel decides
    PT: FloatArray  # (c, n) points, one row per criterion
    PT1: FloatArray  # PT with a row of ones (the intercepts' column) when there are any
    bound_row: FloatArray  # largest |points| per row of PT1
    probe: IntArray | None  # accounts whose approximate scores bound the threshold
    top: IntArray = attrs.field(init=False)
    rank: IntArray = attrs.field(init=False)
    high: IntArray = attrs.field(init=False)
    pending: list[IntArray] = attrs.field(init=False, factory=list)
    pending_size: int = attrs.field(init=False, default=0)

    def __attrs_post_init__(self) -> None:
        n = self.subject.n
        self.top = np.zeros(n, dtype=np.intp)
        self.rank = np.zeros((n, self.ranks), dtype=np.intp)
        self.high = np.zeros(n, dtype=np.intp)

    @property
    def depth(self) -> int:
        """How many leading ranks each sample must settle exactly."""
        return max(self.k or 0, self.ranks)

    def add(self, W: FloatArray, buf: FloatArray, first: int) -> None:
        """Tally the samples ``W`` (raw weights, ``(m, c)``), numbered from ``first``.

        ``buf`` holds ``(m, n)`` scores.
        """
        form = self.subject.form
        m, n = W.shape[0], form.n
        G = buf[: m * n].reshape(m, n)
        coef, C = form.coefficients(W)
        approx = self.approx
        if approx:
            # G = coef @ P.T + C in one product. Both it and the exact kernel are within
            # gamma_{c+1} * (sum_j |coef_sj P_ij| + |C_s|) of the real sum (Higham,
            # "Accuracy and Stability of Numerical Algorithms", 2nd ed., 2002, sec. 3.1:
            # any order of summation, with or without fused multiply-adds); delta bounds
            # their difference with a margin of 4, and its last term covers underflow.
            A = coef if C is None else np.column_stack([coef, C])
            with np.errstate(over="ignore", invalid="ignore"):
                np.matmul(A, self.PT1, out=G)
                bound = np.abs(A) @ self.bound_row
                delta: FloatArray = bound * (8.0 * (A.shape[1] + 1) * 2.0**-53) + 1e-300
            # An overflow leaves no bound to filter with: score the chunk exactly (which
            # refuses a non-finite score, as `score` does).
            approx = bool(np.isfinite(delta).all() and np.isfinite(G).all())
        if not approx:
            form.into(W, G, label=lambda s: _sample(first + s, W[s]))
            delta = np.zeros(m)
        chunk = _Chunk(G, coef, C, delta, approx)
        if self.depth:
            self._ranks(chunk)
        if self.subject.cut is not None:
            self._classes(chunk)

    def _exact(self, rows: IntArray, cols: IntArray, chunk: _Chunk) -> FloatArray:
        """The exact kernel's scores of ``(sample, account)`` pairs (the bits of `score`)."""
        G = chunk.G
        if not chunk.approx:
            out: FloatArray = G.reshape(-1)[rows * G.shape[1] + cols]
            return out
        points = self.PT[:, cols]
        factors = chunk.coef[rows].T
        vals = np.empty(rows.size, dtype=np.float64)
        sum_into(
            list(points),
            list(factors),
            None if chunk.C is None else chunk.C[rows],
            vals,
            np.empty(rows.size, dtype=np.float64),
        )
        return vals

    def _ranks(self, chunk: _Chunk) -> None:
        """Settle the leading ``depth`` ranks of every sample exactly.

        A sample's ``d``-th exact score ``T`` and its ``d``-th approximate one ``t`` differ
        by at most ``delta``; so does each account's pair of scores. The ``d``-th
        approximate score of the probe is at most ``t``, so every account whose exact
        score is at least ``T`` has an approximate one at least ``sub - 2 * delta``: the
        candidates hold every account that ranks ``d`` or better, and its ties.
        """
        G, delta = chunk.G, chunk.delta
        m, n = G.shape
        d = self.depth
        probe = G if self.probe is None else G[:, self.probe]
        sub = np.partition(probe, probe.shape[1] - d, axis=1)[:, probe.shape[1] - d]
        flat = np.flatnonzero((sub - 2.0 * delta)[:, None] <= G)
        rows, cols = np.divmod(flat, n)  # rows ascending: flatnonzero is row-major
        vals = self._exact(rows, cols, chunk)
        order = np.lexsort((self.subject.id_rank[cols], -vals, rows))
        rows, cols = rows[order], cols[order]
        pos = np.arange(rows.size) - np.searchsorted(rows, np.arange(m))[rows]
        keep = pos < d
        cell = cols[keep] * d + pos[keep]  # (account, rank) of the leading d ranks
        self.pending.append(cell)
        self.pending_size += cell.size
        if self.pending_size >= _FLUSH:
            self.flush()

    def flush(self) -> None:
        """Add the collected rank cells to the counters."""
        if not self.pending:
            return
        n, d = self.subject.n, self.depth
        counts = np.bincount(np.concatenate(self.pending), minlength=n * d).reshape(n, d)
        self.pending.clear()
        self.pending_size = 0
        if self.k is not None:
            self.top += counts[:, : self.k].sum(axis=1)
        if self.ranks:
            self.rank += counts[:, : self.ranks]

    def _classes(self, chunk: _Chunk) -> None:
        """Count the samples in which each account's score is at or above the cut."""
        cut = self.subject.cut
        assert cut is not None
        G, delta = chunk.G, chunk.delta
        self.high += np.count_nonzero((cut + delta)[:, None] <= G, axis=0)
        if not chunk.approx:
            return
        band = np.flatnonzero(np.abs(G - cut) < delta[:, None])  # too close to call
        rows, cols = np.divmod(band, G.shape[1])
        vals = self._exact(rows, cols, chunk)
        self.high += np.bincount(cols[vals >= cut], minlength=G.shape[1])


def smaa(
    scorer: WeightedPoints | ValueMatrix,
    table: FeatureTable,
    *,
    k: int | None = None,
    samples: int = 10_000,
    seed: int = 0,
    alpha: float | Sequence[float] = 1.0,
    ranks: int | None = None,
    chunk: int | None = None,
) -> SMAAResult:
    """SMAA over the weight simplex: key-account, rank and class acceptability per account.

    Stochastic Multicriteria Acceptability Analysis (Lahdelma, Hokkanen & Salminen 1998;
    SMAA-2: Lahdelma & Salminen 2001) asks, when the weights are not known, how much of
    the space of possible weights makes each account hold each rank. Here the weights are
    drawn from a Dirichlet distribution over the simplex (``alpha = 1``: uniform, "no
    preference information"; ``alpha = c * shares`` centres the draws on the scorer's own
    weights, more tightly as ``c`` grows), seeded through
    ``np.random.default_rng(seed)``; each drawn vector is pinned as the scorer's raw
    weights and scored with its own arithmetic, fitted parameters held. Per account:

    * ``key_probability``: the share of samples in which it is in the top ``k`` (score
      descending, ties by id: the order of ``key_accounts``), SMAA-2's ``k``-best rank
      acceptability ``a_i^k = sum_{r <= k} b_i^r``;
    * ``rank_acceptability``: the rank acceptability indices ``b_i^r``, the share of
      samples in which it holds rank ``r``, for the first ``ranks`` ranks;
    * ``class_acceptability``: the share of samples in each class (the threshold of
      weighted points; the quadrant of a value matrix with its cuts held).

    **Chunks.** Samples are scored ``chunk`` at a time (default ``CHUNK_CELLS // n``:
    4 MiB of scores per chunk), so memory stays ``O(chunk * n + n * ranks)`` whatever
    ``samples``. Weights are drawn in blocks of `DRAW_BLOCK` samples (a chunk never spans
    two), so the draws, and every count, depend on the seed and never on ``chunk``: the
    same seed gives the same answer with any chunk size.

    **Exact at speed.** For a complete table and few ranks to settle, a BLAS product
    ``coef @ P.T`` first gives every score to within a proven error bound, which sets a
    lower bound on each sample's ``k``-th score; only the accounts within twice the bound
    of it (and of the cut) are scored again with the exact kernel, which decides. So the
    counts are those of the exact scores, to the bit, at about the cost of the product
    (kamlib's own design). Otherwise (missing values, many ranks) the exact kernel scores
    every pair; so does a chunk whose product overflows (no bound to filter with).

    **Refusals.** Each drawn vector is refused where `score` would refuse it pinned, and
    the refusal stops the analysis: a non-finite score, or, under
    ``missing="renormalise"``, an account whose observed criteria all draw weight 0 (a
    small ``alpha`` draws exact zeros). The `InvalidValueError` names the account and the
    sample, by its number (0-based, in the seed's draw order) and its drawn weights.

    Args:
        scorer: A fitted [`WeightedPoints`][kamlib.scoring.WeightedPoints] or
            [`ValueMatrix`][kamlib.scoring.ValueMatrix] (its ``y_weights``).
        table: At least two accounts.
        k: The key-account list size, in ``[1, n]``, or ``None``.
        samples: Weight vectors to draw (at least 1).
        seed: Seed of the generator (a non-negative int).
        alpha: Dirichlet concentration: one positive number for every criterion (a 0-d
            array counts as one), or one per criterion.
        ranks: How many leading ranks to tally, in ``[0, n]``; default ``k`` (or 0
            without ``k``). ``ranks=len(table)`` gives the full matrix (``n * n``
            counts, and every sample fully sorted: for small tables).
        chunk: Samples per chunk (at least 1; at most `DRAW_BLOCK` are used). Changes
            memory and speed, never the result.

    Returns:
        The [`SMAAResult`][kamlib.research.SMAAResult].

    Raises:
        InvalidTypeError: Not a linear scorer, or not a FeatureTable; a parameter of the
            wrong type.
        InvalidValueError: Fewer than 2 accounts; ``k``, ``samples``, ``seed``, ``alpha``
            (or its length), ``ranks`` or ``chunk`` out of range; nothing to estimate
            (no ``k``, no ranks and no classes); what `score` refuses with a drawn
            vector pinned, the sample named.
        NotFittedError: The scorer needs ``fit``.

    Examples:
        >>> from kamlib import FeatureTable
        >>> from kamlib.research import smaa
        >>> from kamlib.scoring import Criterion, MinMax, WeightedPoints
        >>> t = FeatureTable.from_columns(
        ...     ["A", "B", "C"], {"x": [9.0, 6.0, 1.0], "y": [1.0, 5.0, 9.0]})
        >>> wp = WeightedPoints([Criterion("x", mapping=MinMax(0, 10)),
        ...                      Criterion("y", mapping=MinMax(0, 10))])
        >>> r = smaa(wp, t, k=1, samples=2000, seed=1, ranks=3)
        >>> r.key_probability.round(2).tolist()  # exactly: 3/7, 4/7 - 4/9, 4/9
        [0.42, 0.12, 0.45]
        >>> r.rank_acceptability.sum(axis=1).tolist()
        [1.0, 1.0, 1.0]
    """
    subject = _subject("smaa", scorer, table)
    n, c = subject.n, len(subject.raw)
    k = _check_k("smaa", k, n)
    samples = check_int("smaa.samples", samples, ge=1)
    seed = check_int("smaa.seed", seed, ge=0)
    a = _alpha(alpha, c)
    R = (k or 0) if ranks is None else check_int("smaa.ranks", ranks, ge=0, le=n)
    if chunk is not None:
        chunk = check_int("smaa.chunk", chunk, ge=1)
    if k is None and R == 0 and subject.cut is None:
        raise InvalidValueError(
            "smaa.k", None, "nothing to estimate: give k or ranks (the scorer has no classes)"
        )
    m = min(DRAW_BLOCK, samples, chunk or max(1, CHUNK_CELLS // n))
    depth = max(k or 0, R)
    approx = subject.form.missing is None and _filter_pays(depth, n)
    P = np.column_stack(subject.form.points)
    probe: IntArray | None = None
    size = 4 * depth + _PROBE_MIN
    if approx and depth and size < n:
        # The accounts best under the mean weights: their d-th score bounds a sample's
        # threshold from below (any d accounts do; these do it tightly). Speed only: a
        # score that overflows there leaves the probe to every account.
        try:
            probe = np.sort(subject.order(subject.scores(a, "alpha"))[:size])
        except InvalidValueError:
            probe = None
    PT = np.ascontiguousarray(P.T)
    PT1 = PT if subject.form.icpts is None else np.vstack([PT, np.ones((1, n))])
    tally = _Tally(
        subject=subject,
        k=k,
        ranks=R,
        approx=approx,
        PT=PT,
        PT1=PT1,
        bound_row=np.abs(PT1).max(axis=1),
        probe=probe,
    )
    rng = np.random.default_rng(seed)
    buf = np.empty(m * n, dtype=np.float64)
    alpha_arr = np.asarray(a)
    for start in range(0, samples, DRAW_BLOCK):
        block = rng.dirichlet(alpha_arr, size=min(DRAW_BLOCK, samples - start))
        for s0 in range(0, block.shape[0], m):
            tally.add(block[s0 : s0 + m], buf, start + s0)
    tally.flush()
    key = None if k is None else _readonly(tally.top / samples)
    classes_acc = None
    if subject.cut is not None:
        hi = tally.high / samples
        lo = (samples - tally.high) / samples
        if subject.x_high is None:  # key, not_key
            classes_acc = np.column_stack([hi, lo])
        else:  # strategic, potential, profit, ordinary
            xh = subject.x_high
            zero = np.zeros(n)
            classes_acc = np.column_stack(
                [
                    np.where(xh, hi, zero),
                    np.where(xh, zero, hi),
                    np.where(xh, lo, zero),
                    np.where(xh, zero, lo),
                ]
            )
        classes_acc = _readonly(classes_acc)
    return SMAAResult(
        ids=subject.form.ids,
        samples=samples,
        seed=seed,
        alpha=a,
        k=k,
        key_probability=key,
        rank_acceptability=_readonly(tally.rank / samples),
        classes=subject.classes,
        class_acceptability=classes_acc,
    )


# ---------------------------------------------------------------- stability intervals
@attrs.frozen
class StabilityInterval:
    """The range of one criterion's share that keeps a verdict (see `stability_intervals`).

    Attributes:
        criterion: The criterion's feature.
        index: Its position among the scorer's criteria.
        of: ``"top_k"`` (the top-``k`` set) or ``"class"`` (every account's class).
        share: The criterion's current share of the weight.
        lo: The lowest share, in ``[0, share]``, down to which the verdict holds.
        hi: The highest share, in ``[share, 1]``, up to which it holds. The verdict is
            the current one on the open interval ``(lo, hi)`` and at ``share``; at an end
            below 1 (above 0) two accounts tie or one sits on the cut, and the scorer's
            tie rule decides.
        weight_lo: ``lo`` as the criterion's raw weight, the other raw weights held fixed
            (``None`` when they are all 0).
        weight_hi: ``hi`` likewise (``inf`` for a share of 1).
        at_lo: The accounts that change at ``lo``: ``(leaving, entering)`` the top ``k``,
            or ``(account,)`` changing class; ``()`` when ``lo`` is 0 and nothing changes.
        at_hi: Likewise at ``hi``.

    Examples:
        >>> from kamlib.research import StabilityInterval
        >>> s = StabilityInterval("x", 0, "top_k", 0.5, 0.4, 0.6, 0.667, 1.5, ("A", "B"),
        ...                       ("A", "C"))
        >>> s.hi - s.lo
        0.19999999999999996
    """

    criterion: str
    index: int
    of: str
    share: float
    lo: float
    hi: float
    weight_lo: float | None
    weight_hi: float | None
    at_lo: tuple[str, ...]
    at_hi: tuple[str, ...]


def _points_matrix(where: str, subject: _Subject) -> FloatArray:
    """``Q[i, j]``: account ``i``'s points on criterion ``j``, so ``score = sum_j e_j Q_ij``."""
    form = subject.form
    cols = []
    for p, s, b in zip(
        form.points, form.slopes, form.icpts or (0.0,) * len(form.points), strict=True
    ):
        with np.errstate(over="ignore", invalid="ignore"):  # checked below
            cols.append(p if s is None else p * s + b)
    Q = np.column_stack(cols)
    if not np.isfinite(Q).all():
        i, j = (int(v[0]) for v in np.nonzero(~np.isfinite(Q)))
        raise InvalidValueError(
            f"{where}.table[{subject.criteria[j]!r}]",
            form.ids[i],
            f"gives this account non-finite points ({float(Q[i, j])}): its score overflows "
            "when the criterion holds the whole weight, the end of every interval",
        )
    if form.missing is not None:
        if form.renormalise:
            i, j = (int(v[0]) for v in np.nonzero(form.missing))
            raise InvalidValueError(
                f"{where}.table[{subject.criteria[j]!r}]",
                form.ids[i],
                "is missing, and renormalised weights give this account a path of its own: "
                "stability intervals need complete rows (or missing='penalty' / 'fill')",
            )
        Q[form.missing] = 0.0 if form.fill is None else form.fill
    return Q


def _line_bounds(
    d0: FloatArray, slope: FloatArray, t0: float, tol: float
) -> tuple[float, int, float, int]:
    """Nearest zero crossings of ``d0 + slope * (t - t0)`` (``d0 >= 0``) above and below.

    Returns ``(hi, arg_hi, lo, arg_lo)``: ``hi`` in ``[t0, 1]``, ``lo`` in ``[0, t0]``,
    with the position of the line that crosses there (-1 when none does inside). Within
    ``tol`` (the rounding of the floats that hold the lines) ``d0`` is 0, a tie, and a
    slope is 0: two lines that are one line in exact arithmetic never cross.
    """
    d0 = np.where(d0 <= tol, 0.0, d0)
    hi, arg_hi, lo, arg_lo = 1.0, -1, 0.0, -1
    down = slope < -tol
    if down.any():
        t = np.full(d0.shape, np.inf)
        np.divide(d0, -slope, out=t, where=down)
        t += t0
        i = int(np.argmin(t))
        if t[i] <= 1.0:
            hi, arg_hi = float(t[i]), i
    up = slope > tol
    if up.any():
        t = np.full(d0.shape, np.inf)
        np.divide(d0, slope, out=t, where=up)
        t = t0 - t
        i = int(np.argmax(t))
        if t[i] >= 0.0:
            lo, arg_lo = float(t[i]), i
    return hi, arg_hi, lo, arg_lo


def stability_intervals(
    scorer: WeightedPoints | ValueMatrix,
    table: FeatureTable,
    *,
    k: int | None = None,
) -> tuple[StabilityInterval, ...]:
    """The exact range of each criterion's share that keeps the top ``k``, or the classes.

    Moving criterion ``j``'s share to ``t`` by kamlib's rule (`with_share`: the other
    shares rescaled proportionally, equivalently the other raw weights held fixed), every
    account's score is a line in ``t``::

        score_i(t) = R_i + t * (Q_ij - R_i),   R_i = sum_{l != j} rho_l * Q_il

    with ``Q_ij`` its points on criterion ``j`` and ``rho`` the others' shares rescaled to
    sum 1. The top-``k`` set changes exactly where the line of a member crosses the line
    of a non-member; a class (threshold of weighted points, ``y`` cut of a value matrix)
    where a line crosses the cut. Both are found analytically from the crossing points
    (``O(k * (n - k))`` pairs for the top ``k``), not by a grid; the only error is the
    rounding of the floats that hold the lines (about ``1e-15``). Fitted parameters stay
    fixed (a value matrix's cuts included: a median re-fitted on the new axis would move).

    Args:
        scorer: A fitted [`WeightedPoints`][kamlib.scoring.WeightedPoints] or
            [`ValueMatrix`][kamlib.scoring.ValueMatrix].
        table: At least two accounts; complete rows unless missing values get constant
            weights (``missing="penalty"`` or ``"fill"``).
        k: The top-``k`` set to keep, in ``[1, n]``; ``None`` keeps the classes (the
            scorer must have them).

    Returns:
        One [`StabilityInterval`][kamlib.research.StabilityInterval] per criterion. A
        single criterion holds the whole weight: its interval is ``[1, 1]``.

    Raises:
        InvalidTypeError: Not a linear scorer, or not a FeatureTable.
        InvalidValueError: Fewer than 2 accounts; ``k`` out of range, or ``None`` for a
            scorer without classes; a missing value under renormalised weights; what
            `score` refuses.
        NotFittedError: The scorer needs ``fit``.

    Examples:
        >>> from kamlib import FeatureTable
        >>> from kamlib.research import stability_intervals
        >>> from kamlib.scoring import Criterion, MinMax, WeightedPoints
        >>> t = FeatureTable.from_columns(
        ...     ["A", "B", "C"], {"x": [9.0, 6.0, 1.0], "y": [1.0, 5.0, 9.0]})
        >>> wp = WeightedPoints([Criterion("x", mapping=MinMax(0, 10)),
        ...                      Criterion("y", mapping=MinMax(0, 10), weight=1.5)])
        >>> x, y = stability_intervals(wp, t, k=1)  # C leads while x's share < 4/9
        >>> x.share, x.lo, round(x.hi, 6), x.at_hi  # there C leaves, B enters
        (0.4, 0.0, 0.444444, ('C', 'B'))
        >>> round(x.weight_hi, 6)  # x's raw weight there, y's held at 1.5
        1.2
    """
    subject = _subject("stability_intervals", scorer, table)
    n = subject.n
    k = _check_k("stability_intervals", k, n)
    if k is None and subject.cut is None:
        raise InvalidValueError(
            "stability_intervals.k",
            None,
            "must be given: the scorer has no classes (set a threshold, or give the cuts)",
        )
    base = subject.scores(subject.raw, _OWN)
    Q = _points_matrix("stability_intervals", subject)
    shares = normalised(subject.raw)
    c = len(shares)
    of = "top_k" if k is not None else "class"
    member = _top(subject, base, k) if k is not None else None
    high = base >= subject.cut if subject.cut is not None else None
    ids = subject.form.ids
    # rounding of the floats that hold the lines: a few ulps of the largest points
    tol = 16.0 * (c + 1) * float(np.finfo(np.float64).eps) * max(1.0, float(np.abs(Q).max()))
    out: list[StabilityInterval] = []
    for j, name in enumerate(subject.criteria):
        t0 = shares[j]
        if c == 1:
            out.append(StabilityInterval(name, j, of, 1.0, 1.0, 1.0, None, None, (), ()))
            continue
        rho = _others(shares, j)
        R = np.zeros(n)
        for col in range(c):
            if col != j:
                R += rho[col] * Q[:, col]
        b = Q[:, j] - R
        f0 = R + t0 * b
        if member is not None:
            hi, at_hi, lo, at_lo = _pair_bounds(f0, b, t0, member, ids, tol)
        else:
            assert high is not None
            assert subject.cut is not None
            g0 = np.where(high, f0 - subject.cut, subject.cut - f0)
            slope = np.where(high, b, -b)
            hi, ihi, lo, ilo = _line_bounds(g0, slope, t0, tol)
            at_hi = () if ihi < 0 else (str(ids[ihi]),)
            at_lo = () if ilo < 0 else (str(ids[ilo]),)
        rest = seq_sum(w for i, w in enumerate(subject.raw) if i != j)
        w_lo = w_hi = None
        if rest > 0:
            w_lo = lo * rest / (1.0 - lo) if lo < 1.0 else float("inf")
            w_hi = hi * rest / (1.0 - hi) if hi < 1.0 else float("inf")
        out.append(StabilityInterval(name, j, of, t0, lo, hi, w_lo, w_hi, at_lo, at_hi))
    return tuple(out)


def _pair_bounds(
    f0: FloatArray,
    b: FloatArray,
    t0: float,
    member: BoolArray,
    ids: NDArray[np.object_],
    tol: float,
) -> tuple[float, tuple[str, ...], float, tuple[str, ...]]:
    """Nearest crossing of a member's line below a non-member's, above and below ``t0``.

    Loops over the smaller side, vectorised over the other: ``O(k * (n - k))`` time,
    ``O(n)`` memory.
    """
    inside, outside = np.flatnonzero(member), np.flatnonzero(~member)
    hi, lo = 1.0, 0.0
    at_hi: tuple[str, ...] = ()
    at_lo: tuple[str, ...] = ()
    if outside.size == 0:
        return hi, at_hi, lo, at_lo
    loop_inside = inside.size <= outside.size
    for a in inside if loop_inside else outside:
        other = outside if loop_inside else inside
        if loop_inside:
            d0, slope = f0[a] - f0[other], b[a] - b[other]
        else:
            d0, slope = f0[other] - f0[a], b[other] - b[a]
        h, ih, lo_, il = _line_bounds(d0, slope, t0, tol)
        if ih >= 0 and h < hi:
            hi = h
            pair = (a, other[ih]) if loop_inside else (other[ih], a)
            at_hi = (str(ids[pair[0]]), str(ids[pair[1]]))
        if il >= 0 and lo_ > lo:
            lo = lo_
            pair = (a, other[il]) if loop_inside else (other[il], a)
            at_lo = (str(ids[pair[0]]), str(ids[pair[1]]))
    return hi, at_hi, lo, at_lo


# ---------------------------------------------------------------- rank reversals
@attrs.frozen
class RankReversal:
    """What one edit of the batch changed for the other accounts (see `rank_reversals`).

    Attributes:
        edit: ``"add_dominated"``, ``"remove"`` or ``"duplicate"``.
        account: The account added (the dominated one), removed, or duplicated (the
            original; its copy has the id given as ``duplicate_id``).
        params_changed: Whether re-fitting on the edited batch changed the scorer's
            parameters (never for pinned ones).
        moved: Accounts (of those in both batches) whose rank among those accounts
            changed: the rank reversals.
        score_changed: Accounts whose score changed (any bit).
        entered: Accounts that entered the top ``k`` of the edited batch.
        left: Accounts that left it.
        class_changed: Accounts whose class changed.

    Examples:
        >>> from kamlib.research import RankReversal
        >>> RankReversal("remove", "C", False, (), (), (), (), ()).moved
        ()
    """

    edit: str
    account: str
    params_changed: bool
    moved: tuple[str, ...]
    score_changed: tuple[str, ...]
    entered: tuple[str, ...]
    left: tuple[str, ...]
    class_changed: tuple[str, ...]


def _one_row(
    table: FeatureTable, new_id: str, values: dict[str, float | None], row: int
) -> FeatureTable:
    """A one-account table with ``table``'s columns (and ``row``'s categorical labels)."""
    return FeatureTable.from_columns(
        [new_id],
        {name: [values[name]] for name in table.names},
        categorical={k: [str(v[row])] for k, v in table.categorical.items()},
    )


def _dominated_row(
    scorer: WeightedPoints | ValueMatrix,
    table: FeatureTable,
    new_id: str,
    given: dict[str, float],
) -> FeatureTable:
    """The worst observed value of every column; one range worse on the first criterion."""
    cost: set[str] = set()
    if isinstance(scorer, WeightedPoints):
        cost = {c.feature for c in scorer.criteria if c.direction == "cost"}
    first = scorer.required_features[0]
    lo, hi = table.bounds()
    values: dict[str, float | None] = {}
    for name, a, b in zip(table.names, lo.tolist(), hi.tolist(), strict=True):
        if a > b:  # no observed value in this column
            values[name] = None
            continue
        worst = b if name in cost else a
        if name == first:
            step = max(b - a, 1.0)
            worst = worst + step if name in cost else worst - step
        values[name] = min(MAX_MAGNITUDE, max(-MAX_MAGNITUDE, worst))
    values.update(given)
    return _one_row(table, new_id, values, 0)


def rank_reversals(
    scorer: WeightedPoints | ValueMatrix,
    table: FeatureTable,
    *,
    k: int | None = None,
    remove: str | None = None,
    duplicate: str | None = None,
    dominated: dict[str, float] | None = None,
    dominated_id: str = "__dominated__",
    duplicate_id: str = "__duplicate__",
) -> tuple[RankReversal, ...]:
    """Edit the batch three ways, re-fit, re-score: which of the other accounts moved?

    The classic rank-reversal tests of multi-criteria methods (Belton & Gear 1983; Wang &
    Triantaphyllou 2008): a verdict about two accounts should not depend on a third. Each
    edit is fitted and scored afresh with ``scorer.fit(edited).score(edited)``:

    * ``add_dominated``: add an account dominated by every other: the worst observed
      value on every column, and on the scorer's first criterion one observed range
      worse still (below the minimum; above the maximum for a cost criterion), or the
      values given as ``dominated``. Stretching one range changes the criteria's min-max
      scales by different factors: the textbook way a dominated account reverses ranks
      (kamlib's choice of the account; stretching every range by its own width would
      change every scale by the same factor, and no rank);
    * ``remove``: remove ``remove`` (default: the last-ranked account);
    * ``duplicate``: add a copy of ``duplicate`` (default: the first-ranked account).

    Compared on the accounts in both batches: the rank among them (score descending, ties
    by id), the score's bits, top-``k`` membership and class. A parameter learned from
    the batch makes reversals possible: a min-max range fitted on the table (the dominated
    account stretches it, and the criteria's scales change by different factors), the
    knots of a percentile mapping, a value matrix's median cuts. **Pinned parameters move
    nothing**: ``fit`` never re-learns them, so every other account keeps its score to the
    bit (`score` depends on an account's own row only).

    Args:
        scorer: A [`WeightedPoints`][kamlib.scoring.WeightedPoints] or
            [`ValueMatrix`][kamlib.scoring.ValueMatrix], fitted or not: what it learns,
            it learns again on each batch; what is pinned stays.
        table: At least two accounts.
        k: The top-``k`` list to follow, in ``[1, n]``, or ``None``.
        remove: The account to remove (default: the last-ranked).
        duplicate: The account to duplicate (default: the first-ranked).
        dominated: Values of the dominated account for some columns (the rest as above).
        dominated_id: Id of the dominated account (must be new).
        duplicate_id: Id of the copy (must be new).

    Returns:
        Three [`RankReversal`][kamlib.research.RankReversal]: added, removed, duplicated.

    Raises:
        InvalidTypeError: Not a linear scorer, or not a FeatureTable; an id (``remove``,
            ``duplicate``, ``dominated_id``, ``duplicate_id``) not a str; ``dominated``
            not a mapping.
        InvalidValueError: Fewer than 2 accounts; ``k`` out of range; what ``fit`` or
            `score` refuses.
        UnknownIdError: ``remove`` or ``duplicate`` is not in the table (under its own
            path, ``rank_reversals.remove`` or ``rank_reversals.duplicate``).
        MissingFeatureError: ``dominated`` names a column the table does not have.
        DuplicateIdError: ``dominated_id`` or ``duplicate_id`` is already in the table.

    Examples:
        >>> from kamlib import FeatureTable
        >>> from kamlib.research import rank_reversals
        >>> from kamlib.scoring import Criterion, MinMax, WeightedPoints
        >>> t = FeatureTable.from_columns(
        ...     ["A", "B", "C"], {"x": [10.0, 6.0, 0.0], "y": [0.0, 5.0, 10.0]})
        >>> fitted = WeightedPoints([Criterion("x"), Criterion("y")])  # ranges from the table
        >>> [(r.edit, r.moved) for r in rank_reversals(fitted, t)]
        [('add_dominated', ('B', 'A', 'C')), ('remove', ('B', 'A')), ('duplicate', ())]
        >>> pinned = WeightedPoints([Criterion("x", mapping=MinMax(0, 10)),
        ...                          Criterion("y", mapping=MinMax(0, 10))])
        >>> [(r.edit, r.moved, r.score_changed) for r in rank_reversals(pinned, t)]
        [('add_dominated', (), ()), ('remove', (), ()), ('duplicate', (), ())]
    """
    scorer, table = _check_inputs("rank_reversals", scorer, table)
    n = len(table)
    k = _check_k("rank_reversals", k, n)
    for arg, chosen in (("remove", remove), ("duplicate", duplicate)):
        if chosen is not None and not isinstance(chosen, str):
            raise InvalidTypeError(
                f"rank_reversals.{arg}", chosen, "must be an account id (a str) or None"
            )
    if dominated is not None and not isinstance(dominated, Mapping):
        raise InvalidTypeError(
            "rank_reversals.dominated",
            dominated,
            "must be a mapping of column name to value, or None",
        )
    for arg, new_id in (("dominated_id", dominated_id), ("duplicate_id", duplicate_id)):
        check_name(f"rank_reversals.{arg}", new_id)
        if new_id in set(table.ids.tolist()):
            raise DuplicateIdError(f"rank_reversals.{arg}", new_id, "is already in the table")
    given: dict[str, float] = {}
    for name, value in (dominated or {}).items():
        if name not in table:
            raise MissingFeatureError(
                "rank_reversals.dominated", name, f"is not a column; have {list(table.names)}"
            )
        given[name] = check_real(f"rank_reversals.dominated[{name!r}]", value)
    fitted = scorer.fit(table)
    base = fitted.score(table)
    order = _by_rank(base)
    remove_id = str(base.ids[order[-1]]) if remove is None else remove
    dup_id = str(base.ids[order[0]]) if duplicate is None else duplicate
    r_row = _row_of(table, "rank_reversals.remove", remove_id)
    d_row = _row_of(table, "rank_reversals.duplicate", dup_id)
    dup_values: dict[str, float | None] = {
        name: (None if table.is_missing(name)[d_row] else float(table.column(name)[d_row]))
        for name in table.names
    }
    edits = (
        (
            "add_dominated",
            dominated_id,
            FeatureTable.concat([table, _dominated_row(scorer, table, dominated_id, given)]),
        ),
        ("remove", remove_id, table.take(np.arange(n) != r_row)),
        (
            "duplicate",
            dup_id,
            FeatureTable.concat([table, _one_row(table, duplicate_id, dup_values, d_row)]),
        ),
    )
    config = fitted.get_config()
    out = []
    for edit, account, edited in edits:
        refit = scorer.fit(edited)
        out.append(
            _compare(edit, account, base, refit.score(edited), k, refit.get_config() != config)
        )
    return tuple(out)


def _row_of(table: FeatureTable, path: str, account: str) -> int:
    """``account``'s row, or `UnknownIdError` under ``path`` (the argument that named it)."""
    try:
        return table.row_of(account)
    except UnknownIdError:
        raise UnknownIdError(path, account, "is not an account of the table") from None


def _by_rank(result: ScoreTable) -> IntArray:
    """Rows of ``result`` best first: score descending, ties by id ascending."""
    out: IntArray = np.lexsort((_id_rank(result.ids), -result.scores))
    return out


def _compare(
    edit: str, account: str, base: ScoreTable, new: ScoreTable, k: int | None, changed: bool
) -> RankReversal:
    """Compare ``new`` with ``base`` on the accounts they share."""
    new_index = {str(v): i for i, v in enumerate(new.ids.tolist())}
    common = [i for i, v in enumerate(base.ids.tolist()) if str(v) in new_index]
    b_rows = np.asarray(common, dtype=np.intp)
    n_rows = np.asarray([new_index[str(base.ids[i])] for i in common], dtype=np.intp)
    ids = [str(base.ids[i]) for i in common]

    def ranks(result: ScoreTable, rows: IntArray) -> IntArray:
        return _rank_of(np.lexsort((_id_rank(result.ids[rows]), -result.scores[rows])))

    rb, rn = ranks(base, b_rows), ranks(new, n_rows)

    def named(mask: BoolArray) -> tuple[str, ...]:
        pos = np.flatnonzero(mask)
        return tuple(ids[i] for i in pos[np.argsort(rb[pos], kind="stable")])

    bits_b = base.scores[b_rows].view(np.int64)
    bits_n = new.scores[n_rows].view(np.int64)
    entered: tuple[str, ...] = ()
    left: tuple[str, ...] = ()
    class_changed: tuple[str, ...] = ()
    if k is not None:
        in_b = np.zeros(len(base.ids), dtype=np.bool_)
        in_b[_by_rank(base)[:k]] = True
        in_n = np.zeros(len(new.ids), dtype=np.bool_)
        in_n[_by_rank(new)[:k]] = True
        entered = named(in_n[n_rows] & ~in_b[b_rows])
        left = named(in_b[b_rows] & ~in_n[n_rows])
    if base.labels is not None and new.labels is not None:
        class_changed = named(base.labels[b_rows] != new.labels[n_rows])
    return RankReversal(
        edit=edit,
        account=account,
        params_changed=changed,
        moved=named(rb != rn),
        score_changed=named(bits_b != bits_n),
        entered=entered,
        left=left,
        class_changed=class_changed,
    )
