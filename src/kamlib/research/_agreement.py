"""How far two or more scoring methods agree: ranks, top-k sets, classes, a bootstrap matrix.

A researcher scores one portfolio with several methods and asks whether they pick the
same key accounts. This module answers with the standard statistics, each named with its
variant and its reference:

- **rank correlations**: `spearman_rho` (rho on average ranks), `kendall_tau` (tau-b),
  `weighted_tau` (Vigna's additive hyperbolic tau_h, top-heavy), all computed by scipy;
- **top-k sets** (the key-account list of each method): `top_k`, `top_k_overlap`,
  `top_k_jaccard`, `precision_at_k`, and the top-weighted `rank_biased_overlap`
  (extrapolated RBO_ext of Webber, Moffat & Zobel, 2010);
- **classes** (quadrants, tiers, lights): `confusion_matrix`, `cohen_kappa` and
  `class_flips`, the accounts that change class;
- `agreement_matrix`: rho or tau-b between every pair of N methods, with seeded percentile
  bootstrap intervals.

**Inputs.** Each side is a [`ScoreTable`][kamlib.scoring.ScoreTable] (its ``scores``,
or its ``labels`` for the class functions) or a one-dimensional array-like (finite real
numbers; ``str`` labels for the class functions). Two ScoreTables are aligned **by
account id**, whatever their row order; they must score the same accounts, else an
[`UnknownIdError`][kamlib.errors.UnknownIdError] names the first account one of them
lacks. An array has no ids: it is read in the row order of the other side (a ScoreTable)
or by position (two arrays), and ``ids=`` names its accounts when ids are needed (the
ids of `top_k` and `class_flips`, the ``"by_id"`` tie rule) or when it must be aligned by
id with a ScoreTable. To compare two ``(ids, values)`` pairs in different orders, wrap
them with [`ScoreTable.from_scores`][kamlib.scoring.ScoreTable.from_scores].

**Direction.** A higher score ranks higher: the top-k accounts are the k highest scores.
Negate a score for which less is better (a churn risk) before comparing it.

**Tie rule at the k-th place.** Two accounts with the same score are treated alike: with
``ties="include"`` (the default) the top-k set holds every account whose score is at least
the k-th highest, so it can hold more than k accounts when several tie for the k-th place;
nothing depends on account names or row order. ``ties="by_id"`` keeps exactly k: the
accounts tied at the k-th place are taken in ascending account id (``str`` order) until k
are in. The same rule gives the prefixes of `rank_biased_overlap`.

**Undefined values are errors.** Empty input, a single account (two for a correlation),
non-finite numbers, mismatched lengths or ids, ``k`` outside ``[1, m]``, or a correlation
whose input is all ties (0 / 0) raise a [`FieldError`][kamlib.errors.FieldError] naming the
argument and the value; no function returns NaN. Inputs are never modified.

Needs scipy (the ``research`` extra: ``pip install 'kamlib[research]'``).

Examples:
    >>> import kamlib.research as research
    >>> a = [9.0, 7.0, 7.0, 4.0, 1.0]
    >>> b = [8.0, 9.0, 5.0, 5.0, 2.0]
    >>> round(research.kendall_tau(a, b), 4)
    0.6667
    >>> research.top_k(a, 2, ids=["A1", "A2", "A3", "A4", "A5"])  # A2, A3 tie for place 2
    ('A1', 'A2', 'A3')
"""

from __future__ import annotations

import math
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence, Set
from typing import Any, Final, Literal

import attrs
import numpy as np
from numpy.typing import ArrayLike, NDArray

try:
    import scipy.stats as _stats  # type: ignore[import-untyped]
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    raise ImportError(
        "kamlib.research needs scipy: install the extra with pip install 'kamlib[research]'"
    ) from exc

from kamlib._ids import check_id_list
from kamlib._validators import check_choice, check_int, check_name, check_real
from kamlib.errors import DuplicateIdError, InvalidTypeError, InvalidValueError, UnknownIdError
from kamlib.scoring._result import ScoreTable

__all__ = [
    # rank correlations
    "spearman_rho",
    "kendall_tau",
    "weighted_tau",
    # top-k sets
    "top_k",
    "top_k_overlap",
    "top_k_jaccard",
    "precision_at_k",
    "rank_biased_overlap",
    # classes
    "ClassConfusion",
    "ClassFlip",
    "confusion_matrix",
    "cohen_kappa",
    "class_flips",
    # many methods at once
    "AgreementMatrix",
    "agreement_matrix",
]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]
ObjectArray = NDArray[np.object_]
CountArray = NDArray[np.int32]

_TIES: Final = ("include", "by_id")
_STATISTICS: Final = ("spearman", "kendall")
_SCORES: Final = "must be a ScoreTable or a one-dimensional array-like of real numbers"
_LABELS: Final = "must be a ScoreTable with labels or a one-dimensional sequence of str labels"
# Replicates are drawn and evaluated in chunks of about this many (replicate, account)
# cells (1 MiB per float64 array: the working set stays in cache), a function of the
# number of accounts only.
_CHUNK_CELLS: Final = 1 << 17
# tau-b plans of several pairs are kept at once up to about this many bytes.
_PLAN_BYTES: Final = 64 << 20


# ---------------------------------------------------------------------------- inputs
def _scores_of(path: str, value: object) -> tuple[ObjectArray | None, FloatArray]:
    """The ids (``None`` for an array) and the finite float64 scores of one input."""
    if isinstance(value, ScoreTable):
        return value.ids, value.scores  # validated finite and frozen when it was built
    if value is None or isinstance(value, str | bytes | Mapping):
        raise InvalidTypeError(path, value, _SCORES)
    try:
        arr = np.asarray(value)
    except Exception:  # ragged lists, odd objects: a type problem of the input
        raise InvalidTypeError(path, value, _SCORES) from None
    if arr.dtype.kind not in "iuf":
        raise InvalidTypeError(path, value, f"{_SCORES}, not {arr.dtype}")
    if arr.ndim != 1:
        raise InvalidValueError(path, arr.shape, "must be one-dimensional: one score per account")
    x: FloatArray = arr.astype(np.float64, copy=False)  # read only, never written
    finite = np.isfinite(x)
    if not finite.all():
        i = int(np.flatnonzero(~finite)[0])
        raise InvalidValueError(f"{path}[{i}]", float(x[i]), "must be finite")
    return None, x


def _labels_of(
    path: str, value: object
) -> tuple[ObjectArray | None, ObjectArray, tuple[str, ...], bool]:
    """The ids, the ``str`` labels and the classes of one input, and whether declared.

    The classes are a ScoreTable's declared ``classes`` (in the method's order) when it
    has them, else the labels seen, sorted.
    """
    if isinstance(value, ScoreTable):
        labels = value.labels
        if labels is None:
            raise InvalidValueError(
                path, value.scorer, "has no class labels: its scorer assigns no classes"
            )
        vocab = value.classes or tuple(sorted(set(labels.tolist())))
        return value.ids, labels, vocab, bool(value.classes)
    if isinstance(value, np.ndarray):
        if value.ndim != 1:
            raise InvalidValueError(path, value.shape, "must be one-dimensional: one label each")
        seq: list[object] = value.tolist()
    elif (
        value is None or isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable)
    ):
        raise InvalidTypeError(path, value, _LABELS)
    else:
        seq = list(value)
    for i, v in enumerate(seq):
        if not isinstance(v, str):
            raise InvalidTypeError(f"{path}[{i}]", v, "must be a str class label")
    arr = np.empty(len(seq), dtype=object)
    arr[:] = seq
    return None, arr, tuple(sorted(set(arr.tolist()))), False


def _ids_param(fn: str, ids: object) -> ObjectArray | None:
    if ids is None:
        return None
    path = f"{fn}.ids"
    if isinstance(ids, str | bytes | Mapping) or not isinstance(ids, Iterable):
        raise InvalidTypeError(path, ids, "must be a sequence of str account ids")
    seq: list[object] = ids.tolist() if isinstance(ids, np.ndarray) else list(ids)
    check_id_list(path, seq)
    arr = np.empty(len(seq), dtype=object)
    arr[:] = seq
    return arr


def _positions(
    fn: str, ref: str, ref_ids: ObjectArray, name: str, ids: ObjectArray
) -> IntArray | None:
    """Rows of ``ids`` holding each of ``ref_ids`` (``None``: the same ids, in order)."""
    if ids is ref_ids or (ids.shape == ref_ids.shape and np.array_equal(ids, ref_ids)):
        return None
    index = {v: i for i, v in enumerate(ids.tolist())}
    pos = np.fromiter(
        (index.get(v, -1) for v in ref_ids.tolist()), dtype=np.intp, count=ref_ids.shape[0]
    )
    if (pos < 0).any():
        missing = ref_ids[int(np.flatnonzero(pos < 0)[0])]
        raise UnknownIdError(
            f"{fn}.{name}",
            missing,
            f"lacks an account of {ref}; both must score the same accounts",
        )
    if ids.shape[0] != ref_ids.shape[0]:  # every id of ref is in ids, and ids has more
        known = set(ref_ids.tolist())
        extra = next(v for v in ids.tolist() if v not in known)
        raise UnknownIdError(
            f"{fn}.{ref}",
            extra,
            f"lacks an account of {name}; both must score the same accounts",
        )
    return pos


def _align(
    fn: str,
    sides: Sequence[tuple[str, ObjectArray | None, int]],
    ids: object,
) -> tuple[ObjectArray | None, list[IntArray | None]]:
    """Align the inputs: the ids of the first side that has them, and each side's rows.

    ``sides`` holds ``(name, ids or None, length)`` per input. ``ids`` (the ``ids=``
    argument) names the accounts of every input that has no ids of its own.
    """
    given = _ids_param(fn, ids)
    if given is not None:
        if all(side_ids is not None for _, side_ids, _ in sides):
            raise InvalidValueError(
                f"{fn}.ids",
                ids,
                "names the accounts of array inputs; every input is a ScoreTable with ids",
            )
        sides = [(n, given if s is None else s, length) for n, s, length in sides]
        for name, side_ids, length in sides:
            if side_ids is given and length != given.shape[0]:
                raise InvalidValueError(
                    f"{fn}.{name}",
                    (length,),
                    f"must have shape ({given.shape[0]},): one value per id of ids",
                )
    with_ids = [(n, s) for n, s, _ in sides if s is not None]
    if not with_ids:
        ref_name, ref_len = sides[0][0], sides[0][2]
        for name, _, length in sides[1:]:
            if length != ref_len:
                raise InvalidValueError(
                    f"{fn}.{name}",
                    (length,),
                    f"must have shape ({ref_len},): one value per account of {ref_name}",
                )
        return None, [None] * len(sides)
    ref_name, ref_ids = with_ids[0]
    assert ref_ids is not None
    perms: list[IntArray | None] = []
    for name, side_ids, length in sides:
        if side_ids is None:
            if length != ref_ids.shape[0]:
                raise InvalidValueError(
                    f"{fn}.{name}",
                    (length,),
                    f"must have shape ({ref_ids.shape[0]},): one value per account of "
                    f"{ref_name}, in its row order",
                )
            perms.append(None)
        else:
            perms.append(_positions(fn, ref_name, ref_ids, name, side_ids))
    return ref_ids, perms


def _take(values: NDArray[Any], perm: IntArray | None) -> NDArray[Any]:
    return values if perm is None else values[perm]


def _resolve_scores(
    fn: str, sides: Sequence[tuple[str, object]], ids: object, *, at_least: int
) -> tuple[ObjectArray | None, list[FloatArray]]:
    read = [(name, *_scores_of(f"{fn}.{name}", value)) for name, value in sides]
    ref_ids, perms = _align(fn, [(n, i, v.shape[0]) for n, i, v in read], ids)
    columns = [_take(v, p) for (_, _, v), p in zip(read, perms, strict=True)]
    m = columns[0].shape[0]
    if m < at_least:
        noun = "account" if at_least == 1 else "accounts"
        raise InvalidValueError(f"{fn}.{sides[0][0]}", m, f"must score at least {at_least} {noun}")
    return ref_ids, columns


def _resolve_labels(
    fn: str, sides: Sequence[tuple[str, object]], ids: object
) -> tuple[ObjectArray | None, list[ObjectArray], list[tuple[str, ...]], list[bool]]:
    read = [(name, *_labels_of(f"{fn}.{name}", value)) for name, value in sides]
    ref_ids, perms = _align(fn, [(r[0], r[1], r[2].shape[0]) for r in read], ids)
    columns = [_take(r[2], p) for r, p in zip(read, perms, strict=True)]
    if columns[0].shape[0] == 0:
        raise InvalidValueError(f"{fn}.{sides[0][0]}", 0, "must label at least 1 account")
    return ref_ids, columns, [r[3] for r in read], [r[4] for r in read]


def _check_varies(fn: str, name: str, x: FloatArray) -> None:
    if x[0] == x.min() == x.max():
        raise InvalidValueError(
            f"{fn}.{name}",
            float(x[0]),
            "has every score tied (all equal), so a rank correlation is undefined (0 / 0)",
        )


def _statistic(result: Any) -> float:
    value = float(result.statistic)
    if not math.isfinite(value):  # pragma: no cover - the inputs were checked for this
        raise InvalidValueError("scipy.stats", value, "returned a non-finite statistic")
    return min(1.0, max(-1.0, value))


# ---------------------------------------------------------------------------- correlations
def spearman_rho(
    a: ScoreTable | ArrayLike, b: ScoreTable | ArrayLike, *, ids: Sequence[str] | None = None
) -> float:
    """Spearman's rank correlation rho, with ties given their average rank.

    Computed by `scipy.stats.spearmanr`: the Pearson correlation of the two columns of
    average ranks (tied scores share the mean of the places they span), which is the
    tie-corrected rho; not the ``1 - 6 sum d**2 / (m(m**2 - 1))`` shortcut, which is exact only
    without ties. Reference: Spearman (1904), "The proof and measurement of association
    between two things", American Journal of Psychology 15(1).

    Args:
        a: One method's scores: a ScoreTable or a one-dimensional array-like.
        b: The other method's scores, for the same accounts (see the module notes on
            alignment).
        ids: Account ids of array inputs (one per value), to align them by id with a
            ScoreTable; not needed otherwise.

    Returns:
        rho in ``[-1, 1]`` (rounding kept inside); symmetric in ``a`` and ``b``.

    Raises:
        InvalidTypeError: An input is not scores.
        InvalidValueError: Fewer than 2 accounts, a non-finite score, lengths that do not
            match, or an input whose scores all tie (rho is 0 / 0).
        UnknownIdError: Two ScoreTables that do not score the same accounts.

    Examples:
        >>> from kamlib.research import spearman_rho
        >>> spearman_rho([1.0, 2.0, 3.0, 4.0], [10.0, 30.0, 20.0, 40.0])
        0.8
        >>> round(spearman_rho([1.0, 2.0, 2.0, 3.0], [1.0, 2.0, 3.0, 4.0]), 6)  # average ranks
        0.948683
        >>> spearman_rho([5.0, 5.0, 5.0], [1.0, 2.0, 3.0])
        Traceback (most recent call last):
        ...
        kamlib.errors.InvalidValueError: spearman_rho.a: has every score tied (all equal), \
so a rank correlation is undefined (0 / 0); got 5.0
    """
    fn = "spearman_rho"
    _, (x, y) = _resolve_scores(fn, (("a", a), ("b", b)), ids, at_least=2)
    _check_varies(fn, "a", x)
    _check_varies(fn, "b", y)
    with np.errstate(all="ignore"):  # the p-value (unused) may divide by zero for m = 2
        return _statistic(_stats.spearmanr(x, y))


def kendall_tau(
    a: ScoreTable | ArrayLike, b: ScoreTable | ArrayLike, *, ids: Sequence[str] | None = None
) -> float:
    """Kendall's rank correlation tau-b, the variant corrected for ties in either ranking.

    Computed by `scipy.stats.kendalltau` with ``variant="b"``, in O(m log m) (Knight's
    merge-sort algorithm): ``tau_b = (C - D) / sqrt((P - X) (P - Y))`` with ``C``/``D`` the
    concordant/discordant pairs, ``P = m (m - 1) / 2`` all pairs, ``X``/``Y`` the pairs
    tied in ``a``/``b``. References: Kendall (1945), "The treatment of ties in ranking
    problems", Biometrika 33(3); Knight (1966), "A computer method for calculating
    Kendall's tau with ungrouped data", JASA 61(314).

    Args:
        a: One method's scores: a ScoreTable or a one-dimensional array-like.
        b: The other method's scores, for the same accounts.
        ids: Account ids of array inputs, to align them by id with a ScoreTable.

    Returns:
        tau-b in ``[-1, 1]``; symmetric in ``a`` and ``b``.

    Raises:
        InvalidTypeError: An input is not scores.
        InvalidValueError: Fewer than 2 accounts, a non-finite score, lengths that do not
            match, or an input whose scores all tie (tau-b is 0 / 0).
        UnknownIdError: Two ScoreTables that do not score the same accounts.

    Examples:
        >>> from kamlib.research import kendall_tau
        >>> kendall_tau([1.0, 2.0, 3.0, 4.0], [10.0, 30.0, 20.0, 40.0])
        0.6666666666666669
        >>> kendall_tau([1.0, 1.0, 2.0], [1.0, 2.0, 3.0])  # one tie in a: tau-b, not tau-a
        0.816496580927726
        >>> kendall_tau([1.0, 2.0], [1.0, 2.0, 3.0])
        Traceback (most recent call last):
        ...
        kamlib.errors.InvalidValueError: kendall_tau.b: must have shape (2,): one value per \
account of a; got (3,)
    """
    fn = "kendall_tau"
    _, (x, y) = _resolve_scores(fn, (("a", a), ("b", b)), ids, at_least=2)
    _check_varies(fn, "a", x)
    _check_varies(fn, "b", y)
    with np.errstate(all="ignore"):
        return _statistic(_stats.kendalltau(x, y, variant="b"))


def weighted_tau(
    a: ScoreTable | ArrayLike, b: ScoreTable | ArrayLike, *, ids: Sequence[str] | None = None
) -> float:
    """Vigna's weighted Kendall tau: disagreements among the top accounts weigh more.

    Computed by `scipy.stats.weightedtau` with its defaults, the **additive hyperbolic**
    tau_h: the accounts are ranked by decreasing score (``a`` first, ``b`` breaking its
    ties), each place ``r = 0, 1, ...`` weighs ``1 / (r + 1)`` (the hyperbolic weigher),
    an exchange of two accounts weighs the **sum** of their two weights, and the result is
    the average of this index and the one ranked by ``b`` first (``rank=True``), so it is
    symmetric. Ties are handled as in tau-b. A swap between places 1 and 2 costs far more
    than one between places 901 and 902: the index for comparing key-account lists.
    Reference: Vigna (2015), "A weighted correlation index for rankings with ties",
    Proceedings of WWW 2015.

    Args:
        a: One method's scores: a ScoreTable or a one-dimensional array-like.
        b: The other method's scores, for the same accounts.
        ids: Account ids of array inputs, to align them by id with a ScoreTable.

    Returns:
        tau_h in ``[-1, 1]``; symmetric in ``a`` and ``b`` (to rounding).

    Raises:
        InvalidTypeError: An input is not scores.
        InvalidValueError: Fewer than 2 accounts, a non-finite score, lengths that do not
            match, or an input whose scores all tie.
        UnknownIdError: Two ScoreTables that do not score the same accounts.

    Examples:
        >>> from kamlib.research import kendall_tau, weighted_tau
        >>> top_swapped = [4.0, 5.0, 3.0, 2.0, 1.0]     # places 1 and 2 exchanged
        >>> bottom_swapped = [5.0, 4.0, 3.0, 1.0, 2.0]  # places 4 and 5 exchanged
        >>> truth = [5.0, 4.0, 3.0, 2.0, 1.0]
        >>> kendall_tau(top_swapped, truth) == kendall_tau(bottom_swapped, truth)
        True
        >>> weighted_tau(top_swapped, truth) < weighted_tau(bottom_swapped, truth)
        True
    """
    fn = "weighted_tau"
    _, (x, y) = _resolve_scores(fn, (("a", a), ("b", b)), ids, at_least=2)
    _check_varies(fn, "a", x)
    _check_varies(fn, "b", y)
    with np.errstate(all="ignore"):
        return _statistic(_stats.weightedtau(x, y))


# ---------------------------------------------------------------------------- top-k sets
def _check_ties(fn: str, ties: object, ids: ObjectArray | None) -> str:
    rule = check_choice(f"{fn}.ties", ties, _TIES)
    if rule == "by_id" and ids is None:
        raise InvalidValueError(
            f"{fn}.ties",
            rule,
            "needs account ids to break ties: pass ScoreTables, or ids= with arrays",
        )
    return rule


def _top_mask(x: FloatArray, ids: ObjectArray | None, k: int, ties: str) -> NDArray[np.bool_]:
    """The top-k accounts of ``x`` under the tie rule, as a mask (``1 <= k <= m``)."""
    m = x.shape[0]
    kth = float(np.partition(x, m - k)[m - k])  # the k-th highest score
    if ties == "include":
        return x >= kth
    assert ids is not None
    mask = x > kth
    need = k - int(np.count_nonzero(mask))
    tied = np.flatnonzero(x == kth).tolist()
    chosen = sorted(tied, key=lambda i: ids[i])[:need]
    mask[chosen] = True
    return mask


def _k(fn: str, k: object, m: int) -> int:
    return check_int(f"{fn}.k", k, ge=1, le=m)


def top_k(
    scores: ScoreTable | ArrayLike,
    k: int,
    *,
    ids: Sequence[str] | None = None,
    ties: Literal["include", "by_id"] = "include",
) -> tuple[str, ...]:
    """The top-k accounts of one method: its key-account list of size k.

    Tie rule (module notes): ``ties="include"`` (default) returns every account whose score
    is at least the k-th highest, so accounts tied for the k-th place are all in and the
    list may be longer than ``k``; ``ties="by_id"`` returns exactly ``k``, taking the
    accounts tied at the k-th place in ascending id order.

    Args:
        scores: A ScoreTable, or an array-like with ``ids``.
        k: The list size, in ``[1, m]``.
        ids: Account ids of an array input.
        ties: ``"include"`` or ``"by_id"``.

    Returns:
        The account ids, by decreasing score; equal scores in ascending id order.

    Raises:
        InvalidTypeError: Not scores; ``k`` not an int; ``ties`` not a str.
        InvalidValueError: No accounts, non-finite scores, ``k`` outside ``[1, m]``, an
            unknown ``ties`` rule, or an array without ``ids``.

    Examples:
        >>> from kamlib.research import top_k
        >>> from kamlib.scoring import ScoreTable
        >>> st = ScoreTable.from_scores(["A", "B", "C", "D"], [3.0, 9.0, 5.0, 5.0], scorer="m")
        >>> top_k(st, 2)  # C and D tie for place 2: both are in
        ('B', 'C', 'D')
        >>> top_k(st, 2, ties="by_id")
        ('B', 'C')
        >>> top_k([1.0, 2.0], 1)
        Traceback (most recent call last):
        ...
        kamlib.errors.InvalidValueError: top_k.ids: must be given to name the accounts \
of an array; got None
    """
    fn = "top_k"
    ref_ids, (x,) = _resolve_scores(fn, (("scores", scores),), ids, at_least=1)
    if ref_ids is None:
        raise InvalidValueError(f"{fn}.ids", None, "must be given to name the accounts of an array")
    kk = _k(fn, k, x.shape[0])
    rule = _check_ties(fn, ties, ref_ids)
    rows = np.flatnonzero(_top_mask(x, ref_ids, kk, rule)).tolist()
    rows.sort(key=lambda i: (-x[i], ref_ids[i]))
    return tuple(str(ref_ids[i]) for i in rows)


def _two_tops(
    fn: str,
    names: tuple[str, str],
    a: object,
    b: object,
    k: object,
    ids: object,
    ties: object,
) -> tuple[NDArray[np.bool_], NDArray[np.bool_]]:
    ref_ids, (x, y) = _resolve_scores(fn, ((names[0], a), (names[1], b)), ids, at_least=1)
    kk = _k(fn, k, x.shape[0])
    rule = _check_ties(fn, ties, ref_ids)
    return _top_mask(x, ref_ids, kk, rule), _top_mask(y, ref_ids, kk, rule)


def top_k_overlap(
    a: ScoreTable | ArrayLike,
    b: ScoreTable | ArrayLike,
    k: int,
    *,
    ids: Sequence[str] | None = None,
    ties: Literal["include", "by_id"] = "include",
) -> float:
    """Share of the top-k accounts that two methods have in common.

    ``len(A & B) / min(len(A), len(B))`` for the two top-k sets ``A`` and ``B`` (`top_k`, same tie
    rule); without ties at the k-th place both sets hold ``k`` accounts and this is the
    usual ``len(A & B) / k`` of top-k list comparison (Fagin, Kumar & Sivakumar, 2003,
    "Comparing top k lists", SIAM J. Discrete Mathematics 17(1)). Dividing by the smaller
    set (the overlap coefficient) keeps the value in ``[0, 1]`` when ``ties="include"``
    lets a set grow past ``k``.

    Args:
        a: One method's scores.
        b: The other method's scores, for the same accounts.
        k: The list size, in ``[1, m]``.
        ids: Account ids of array inputs.
        ties: ``"include"`` (default) or ``"by_id"``.

    Returns:
        The overlap in ``[0, 1]``; symmetric.

    Raises:
        InvalidTypeError: An input is not scores, or ``k`` is not an int.
        InvalidValueError: No accounts, a non-finite score, mismatched lengths, ``k``
            outside ``[1, m]``, or ``ties="by_id"`` without ids.
        UnknownIdError: Two ScoreTables that do not score the same accounts.

    Examples:
        >>> from kamlib.research import top_k_overlap
        >>> top_k_overlap([9.0, 8.0, 7.0, 1.0], [9.0, 1.0, 8.0, 7.0], 2)  # {0, 1} vs {0, 2}
        0.5
        >>> top_k_overlap([1.0, 2.0], [2.0, 1.0], 3)
        Traceback (most recent call last):
        ...
        kamlib.errors.InvalidValueError: top_k_overlap.k: must be an int in [1, 2]; got 3
    """
    ta, tb = _two_tops("top_k_overlap", ("a", "b"), a, b, k, ids, ties)
    both = int(np.count_nonzero(ta & tb))
    return both / min(int(np.count_nonzero(ta)), int(np.count_nonzero(tb)))


def top_k_jaccard(
    a: ScoreTable | ArrayLike,
    b: ScoreTable | ArrayLike,
    k: int,
    *,
    ids: Sequence[str] | None = None,
    ties: Literal["include", "by_id"] = "include",
) -> float:
    """Jaccard index of the two methods' top-k sets: ``len(A & B) / len(A | B)``.

    The sets are `top_k`'s, with the same tie rule. Reference: Jaccard (1912), "The
    distribution of the flora in the alpine zone", New Phytologist 11(2).

    Args:
        a: One method's scores.
        b: The other method's scores, for the same accounts.
        k: The list size, in ``[1, m]``.
        ids: Account ids of array inputs.
        ties: ``"include"`` (default) or ``"by_id"``.

    Returns:
        The index in ``[0, 1]`` (1: the same key accounts); symmetric.

    Raises:
        InvalidTypeError: An input is not scores, or ``k`` is not an int.
        InvalidValueError: No accounts, a non-finite score, mismatched lengths, ``k``
            outside ``[1, m]``, or ``ties="by_id"`` without ids.
        UnknownIdError: Two ScoreTables that do not score the same accounts.

    Examples:
        >>> from kamlib.research import top_k_jaccard
        >>> top_k_jaccard([9.0, 8.0, 7.0, 1.0], [9.0, 1.0, 8.0, 7.0], 2)  # 1 shared of 3
        0.3333333333333333
    """
    ta, tb = _two_tops("top_k_jaccard", ("a", "b"), a, b, k, ids, ties)
    return int(np.count_nonzero(ta & tb)) / int(np.count_nonzero(ta | tb))


def _id_collection(value: object) -> list[str] | None:
    """``value`` as a list of account ids when it is a set or a non-empty sequence of str."""
    if isinstance(value, Set):
        items = [v for v in value if isinstance(v, str)]
        return sorted(items) if len(items) == len(value) else None
    if isinstance(value, list | tuple) and value and all(isinstance(v, str) for v in value):
        return list(value)
    return None


def _truth_mask(fn: str, truth: list[str], ref_ids: ObjectArray | None) -> NDArray[np.bool_]:
    """The accounts named by ``truth``, as a mask over ``ref_ids``."""
    path = f"{fn}.truth"
    if ref_ids is None:
        raise InvalidTypeError(
            path,
            truth,
            "must be real numbers (scores); ids need predicted as a ScoreTable or ids= to match",
        )
    if not truth:
        raise InvalidValueError(path, [], "must name at least one account")
    check_id_list(path, list[object](truth))
    row = {a: i for i, a in enumerate(ref_ids.tolist())}
    mask = np.zeros(ref_ids.shape[0], dtype=np.bool_)
    for i, a in enumerate(truth):
        if a not in row:
            raise UnknownIdError(f"{path}[{i}]", a, "is not an account of predicted")
        mask[row[a]] = True
    return mask


def precision_at_k(
    predicted: ScoreTable | ArrayLike,
    truth: ScoreTable | ArrayLike | Set[str] | Sequence[str],
    k: int,
    *,
    ids: Sequence[str] | None = None,
    ties: Literal["include", "by_id"] = "include",
) -> float:
    """Precision at k: the share of ``predicted``'s top k that are in ``truth``'s top k.

    ``truth`` is taken as the ground truth (e.g. a later outcome, or a reference method);
    both sets are `top_k`'s with the same tie rule, and the value is ``len(P & T) / len(P)``.
    Without ties at the k-th place ``len(P) = k``, the usual definition (Manning, Raghavan &
    Schütze, 2008, "Introduction to Information Retrieval", ch. 8).

    ``truth`` may also be the true top list itself, as account ids: a set, or a non-empty
    list or tuple of ``str`` (e.g.
    [`GroundTruth.true_top(k)`][kamlib.synthetic.GroundTruth.true_top]).
    ``T`` is then that set as given, of any size; every id must be one of ``predicted``'s
    accounts (a ScoreTable, or an array with ``ids``).

    Args:
        predicted: The method under test.
        truth: The reference scores, for the same accounts; or the true top accounts' ids.
        k: The list size, in ``[1, m]``.
        ids: Account ids of array inputs.
        ties: ``"include"`` (default) or ``"by_id"``.

    Returns:
        The precision in ``[0, 1]``.

    Raises:
        InvalidTypeError: An input is not scores, or ``k`` is not an int.
        InvalidValueError: No accounts, a non-finite score, mismatched lengths, ``k``
            outside ``[1, m]``, or ``ties="by_id"`` without ids.
        UnknownIdError: Two ScoreTables that do not score the same accounts; a truth id
            that is not one of ``predicted``'s accounts.
        DuplicateIdError: A truth id given twice.

    Examples:
        >>> from kamlib.research import precision_at_k
        >>> precision_at_k([9.0, 8.0, 7.0, 1.0], [9.0, 1.0, 8.0, 7.0], 2)
        0.5
        >>> precision_at_k([9.0, 8.0, 8.0, 1.0], [9.0, 8.0, 1.0, 7.0], 2)  # 2 of 3 listed
        0.6666666666666666
        >>> precision_at_k([9.0, 8.0, 7.0, 1.0], {"A", "C"}, 2, ids=["A", "B", "C", "D"])
        0.5
    """
    fn = "precision_at_k"
    named = _id_collection(truth)
    if named is None:
        tp, tt = _two_tops(fn, ("predicted", "truth"), predicted, truth, k, ids, ties)
    else:
        ref_ids, (x,) = _resolve_scores(fn, (("predicted", predicted),), ids, at_least=1)
        kk = _k(fn, k, x.shape[0])
        tt = _truth_mask(fn, named, ref_ids)
        tp = _top_mask(x, ref_ids, kk, _check_ties(fn, ties, ref_ids))
    return int(np.count_nonzero(tp & tt)) / int(np.count_nonzero(tp))


def _first_places(x: FloatArray, ids: ObjectArray | None, ties: str) -> IntArray:
    """Each account's first place (0-based) in the ranking by decreasing score.

    ``"include"``: the number of accounts with a strictly higher score, so tied accounts
    share the first place of their group. ``"by_id"``: a strict ranking, ties in
    ascending id order.
    """
    m = x.shape[0]
    if ties == "include":  # m minus the end of the account's tie group in ascending order
        order = np.argsort(x, kind="stable")
        xs = x[order]
        last = np.r_[xs[1:] != xs[:-1], True]
        ends = np.flatnonzero(last) + 1
        group = np.cumsum(np.r_[True, last[:-1]]) - 1
        places = np.empty(m, dtype=np.intp)
        places[order] = m - ends[group]
        return places
    assert ids is not None
    order = np.argsort(-x, kind="stable")
    xs = x[order]
    tied = np.flatnonzero(xs[1:] == xs[:-1])
    if tied.size:  # reorder each run of equal scores by id
        starts = np.flatnonzero(np.r_[True, xs[1:] != xs[:-1]])
        bounds = np.r_[starts, m]
        for s, e in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True):
            if e - s > 1:
                run = order[s:e].tolist()
                run.sort(key=lambda i: ids[i])
                order[s:e] = run
    out = np.empty(m, dtype=np.intp)
    out[order] = np.arange(m)
    return out


def rank_biased_overlap(
    a: ScoreTable | ArrayLike,
    b: ScoreTable | ArrayLike,
    *,
    p: float = 0.9,
    depth: int | None = None,
    ids: Sequence[str] | None = None,
    ties: Literal["include", "by_id"] = "include",
) -> float:
    """Rank-biased overlap: top-weighted agreement of the two rankings, in ``[0, 1]``.

    The **extrapolated** variant RBO_ext of Webber, Moffat & Zobel (2010, "A similarity
    measure for indefinite rankings", ACM TOIS 28(4), eq. 32 for lists of equal length),
    evaluated to ``depth`` ``k`` (default: every account)::

        RBO_ext = (1 - p) / p * sum(A_d * p**d for d in 1..k) + A_k * p**k

    where ``A_d`` is the agreement of the two depth-``d`` prefixes. A reader goes one place
    deeper with probability ``p``: with the default ``p = 0.9`` the first 10 places carry
    about 86 % of the weight, the scale of a key-account list. At ``depth = m`` both
    prefixes hold every account, ``A_m = 1``, and RBO_ext is then the exact RBO of the two
    complete rankings.

    **Ties** (``ties="include"``, the default) are treated as Webber et al. do, the
    variant Corsi & Urbano (2024, "The treatment of ties in rank-biased overlap", SIGIR)
    call RBO^w: an account is in every prefix from the first place of its tie group on
    (the prefix of depth ``d`` is `top_k` with ``k = d``), and ``A_d = 2 X_d / (|S_d| +
    |T_d|)`` with ``X_d`` the accounts both prefixes hold. Without ties, ``A_d = X_d / d``.
    ``ties="by_id"`` breaks ties by account id first, so every prefix holds exactly ``d``.

    Args:
        a: One method's scores.
        b: The other method's scores, for the same accounts.
        p: Persistence, in ``(0, 1)``; smaller is more top-heavy.
        depth: Evaluation depth ``k`` in ``[1, m]``; ``None``: ``m``.
        ids: Account ids of array inputs.
        ties: ``"include"`` (default) or ``"by_id"``.

    Returns:
        RBO_ext in ``[0, 1]`` (1: identical rankings; rounding kept inside); symmetric.

    Raises:
        InvalidTypeError: An input is not scores; ``p`` not a real or ``depth`` not an int.
        InvalidValueError: No accounts, a non-finite score, mismatched lengths, ``p``
            outside ``(0, 1)``, ``depth`` outside ``[1, m]``, or ``ties="by_id"`` without
            ids.
        UnknownIdError: Two ScoreTables that do not score the same accounts.

    Examples:
        >>> from kamlib.research import rank_biased_overlap
        >>> same = [4.0, 3.0, 2.0, 1.0]
        >>> rank_biased_overlap(same, same)
        1.0
        >>> rank_biased_overlap(same, [3.0, 4.0, 2.0, 1.0], p=0.5)  # top two swapped
        0.5
        >>> round(rank_biased_overlap(same, [4.0, 3.0, 1.0, 2.0], p=0.5), 4)  # bottom two
        0.9583
        >>> round(rank_biased_overlap(same, [4.0, 3.0, 3.0, 3.0], p=0.5), 4)  # 3 tie at place 2
        0.8988
    """
    fn = "rank_biased_overlap"
    ref_ids, (x, y) = _resolve_scores(fn, (("a", a), ("b", b)), ids, at_least=1)
    m = x.shape[0]
    pp = check_real(f"{fn}.p", p, gt=0, lt=1)
    k = m if depth is None else check_int(f"{fn}.depth", depth, ge=1, le=m)
    rule = _check_ties(fn, ties, ref_ids)
    fa, fb = _first_places(x, ref_ids, rule), _first_places(y, ref_ids, rule)
    joint = np.maximum(fa, fb)
    # An account is in the prefix of depth d from its first place on (first place < d).
    # The sum runs to depth n: beyond it p**d is below the smallest normal float, and
    # those terms (together under 1e-300) would only cost subnormal arithmetic.
    n = min(k, max(1, int(math.log(sys.float_info.min) / math.log(pp))))
    size_a = np.cumsum(np.bincount(fa[fa < n], minlength=n))
    size_b = np.cumsum(np.bincount(fb[fb < n], minlength=n))
    overlap = np.cumsum(np.bincount(joint[joint < n], minlength=n))
    agree = 2.0 * overlap / (size_a + size_b)
    weights = pp ** np.arange(0, n, dtype=np.float64)  # p**(d-1): no (1 - p) / p to overflow
    if n == k:
        last = float(agree[-1])
    else:
        both = int(np.count_nonzero(joint < k))
        last = 2.0 * both / (int(np.count_nonzero(fa < k)) + int(np.count_nonzero(fb < k)))
    value = (1.0 - pp) * float(agree @ weights) + last * pp**k
    return min(1.0, max(0.0, value))


# ---------------------------------------------------------------------------- classes
def _square(n: int, values: NDArray[np.int64]) -> NDArray[np.int64]:
    out: NDArray[np.int64] = values.reshape(n, -1)
    out.flags.writeable = False
    return out


def _one_system(fn: str, va: Sequence[str], vb: Sequence[str], declared: Sequence[bool]) -> None:
    """Refuse two declared class systems that differ (kappa and flips compare one system).

    Labels given as arrays declare nothing, so only two ScoreTables can be refused; two
    systems that share names (CLV tiers ``S/A/B/C`` vs ABC classes ``A/B/C``) are refused.
    """
    if all(declared) and set(va) != set(vb):
        raise InvalidValueError(
            f"{fn}.b",
            list(vb),
            f"declares other classes than a {list(va)}; {fn} compares one class system "
            "with itself (use confusion_matrix to compare two systems)",
        )


def _codes(labels: ObjectArray, vocab: Sequence[str]) -> IntArray:
    index = {c: i for i, c in enumerate(vocab)}
    return np.fromiter((index[v] for v in labels.tolist()), dtype=np.intp, count=labels.shape[0])


@attrs.frozen(eq=False)
class ClassConfusion:
    r"""How the accounts of one class under method A spread over the classes of method B.

    Attributes:
        a_classes: A's classes, the rows (its declared classes in their order, or the
            labels seen, sorted).
        b_classes: B's classes, the columns.
        counts: ``(len(a_classes), len(b_classes))`` read-only int64 matrix: accounts with
            class ``a_classes[i]`` under A and ``b_classes[j]`` under B.

    Examples:
        >>> from kamlib.research import confusion_matrix
        >>> cm = confusion_matrix(["key", "key", "other"], ["key", "other", "other"])
        >>> cm.counts.tolist()
        [[1, 1], [0, 1]]
        >>> print(cm)
        A \ B  key  other
        key      1      1
        other    0      1
    """

    a_classes: tuple[str, ...]
    b_classes: tuple[str, ...]
    counts: NDArray[np.int64]

    @property
    def n(self) -> int:
        """The number of accounts compared.

        Examples:
            >>> from kamlib.research import confusion_matrix
            >>> confusion_matrix(["x", "y"], ["x", "x"]).n
            2
        """
        return int(self.counts.sum())

    def count(self, a_class: str, b_class: str) -> int:
        """Accounts in class ``a_class`` under A and ``b_class`` under B.

        Raises:
            UnknownIdError: A class that is not one of the method's classes.

        Examples:
            >>> from kamlib.research import confusion_matrix
            >>> confusion_matrix(["x", "y", "y"], ["y", "y", "y"]).count("y", "y")
            2
            >>> confusion_matrix(["x"], ["x"]).count("x", "z")
            Traceback (most recent call last):
            ...
            kamlib.errors.UnknownIdError: ClassConfusion.count.b_class: is not a class \
of B ['x']; got 'z'
        """
        for name, value, classes, who in (
            ("a_class", a_class, self.a_classes, "A"),
            ("b_class", b_class, self.b_classes, "B"),
        ):
            if value not in classes:
                raise UnknownIdError(
                    f"ClassConfusion.count.{name}",
                    value,
                    f"is not a class of {who} {list(classes)}",
                )
        return int(self.counts[self.a_classes.index(a_class), self.b_classes.index(b_class)])

    @property
    def observed_agreement(self) -> float:
        """Share of accounts whose class has the same name under both methods.

        Examples:
            >>> from kamlib.research import confusion_matrix
            >>> confusion_matrix(["x", "y", "y", "x"], ["x", "y", "x", "x"]).observed_agreement
            0.75
        """
        same = sum(
            int(self.counts[i, self.b_classes.index(c)])
            for i, c in enumerate(self.a_classes)
            if c in self.b_classes
        )
        return same / self.n

    def __str__(self) -> str:
        head = ["A \\ B", *self.b_classes]
        rows = [
            [c, *(str(int(v)) for v in row)]
            for c, row in zip(self.a_classes, self.counts, strict=True)
        ]
        widths = [max(len(r[j]) for r in [head, *rows]) for j in range(len(head))]
        lines = []
        for r in [head, *rows]:
            cells = [
                r[0].ljust(widths[0]),
                *(v.rjust(w) for v, w in zip(r[1:], widths[1:], strict=True)),
            ]
            lines.append("  ".join(cells).rstrip())
        return "\n".join(lines)


def confusion_matrix(
    a: ScoreTable | Sequence[str] | NDArray[Any],
    b: ScoreTable | Sequence[str] | NDArray[Any],
    *,
    ids: Sequence[str] | None = None,
) -> ClassConfusion:
    """The confusion matrix of two methods' classes (quadrants, tiers, lights).

    The two methods may use different class systems (a value-matrix quadrant against a
    key-account flag): the rows are A's classes, the columns B's.

    Args:
        a: A ScoreTable with labels, or one ``str`` label per account.
        b: The other method's labels, for the same accounts.
        ids: Account ids of array inputs, to align them by id with a ScoreTable.

    Returns:
        A `ClassConfusion`.

    Raises:
        InvalidTypeError: An input is not labels (a label that is not a ``str``).
        InvalidValueError: No accounts, mismatched lengths, or a ScoreTable without labels.
        UnknownIdError: Two ScoreTables that do not score the same accounts.

    Examples:
        >>> from kamlib.research import confusion_matrix
        >>> cm = confusion_matrix(["red", "green", "green"], ["green", "green", "green"])
        >>> cm.a_classes, cm.b_classes, cm.counts.tolist()
        (('green', 'red'), ('green',), [[2], [1]])
    """
    fn = "confusion_matrix"
    _, (la, lb), (va, vb), _ = _resolve_labels(fn, (("a", a), ("b", b)), ids)
    ca, cb = _codes(la, va), _codes(lb, vb)
    counts = np.bincount(ca * len(vb) + cb, minlength=len(va) * len(vb)).astype(np.int64)
    return ClassConfusion(va, vb, _square(len(va), counts))


def cohen_kappa(
    a: ScoreTable | Sequence[str] | NDArray[Any],
    b: ScoreTable | Sequence[str] | NDArray[Any],
    *,
    ids: Sequence[str] | None = None,
) -> float:
    """Cohen's kappa: agreement of two methods' classes beyond what chance would give.

    ``kappa = (p_o - p_e) / (1 - p_e)`` with ``p_o`` the share of accounts given the same class
    and ``p_e = sum_c p_A(c) p_B(c)`` the agreement expected from the two methods' class
    shares alone; unweighted (every disagreement counts the same), over the union of the
    two methods' classes. Computed in exact integer arithmetic, then divided once.
    Reference: Cohen (1960), "A coefficient of agreement for nominal scales", Educational
    and Psychological Measurement 20(1).

    Args:
        a: A ScoreTable with labels, or one ``str`` label per account.
        b: The other method's labels, for the same accounts, in the same class system.
        ids: Account ids of array inputs, to align them by id with a ScoreTable.

    Returns:
        kappa in ``[-1, 1]``: 1 for identical classes, 0 for chance-level agreement.

    Raises:
        InvalidTypeError: An input is not labels.
        InvalidValueError: No accounts, mismatched lengths, a ScoreTable without labels,
            two ScoreTables whose declared ``classes`` differ as sets (two class
            systems, even when they share names: compare them with `confusion_matrix`),
            or every account in one and
            the same class under both methods (``p_e = 1``: kappa is 0 / 0).
        UnknownIdError: Two ScoreTables that do not score the same accounts.

    Examples:
        >>> from kamlib.research import cohen_kappa
        >>> cohen_kappa(["key", "key", "other", "other"], ["key", "other", "other", "other"])
        0.5
        >>> cohen_kappa(["S", "A", "B"], ["S", "A", "B"])
        1.0
        >>> cohen_kappa(["key", "key"], ["key", "key"])
        Traceback (most recent call last):
        ...
        kamlib.errors.InvalidValueError: cohen_kappa.a: puts every account in one class, \
as b does, so kappa is undefined (p_e = 1, 0 / 0); got 'key'
    """
    fn = "cohen_kappa"
    _, (la, lb), (va, vb), declared = _resolve_labels(fn, (("a", a), ("b", b)), ids)
    _one_system(fn, va, vb, declared)
    union = sorted(set(va) | set(vb))
    u = len(union)
    ca, cb = _codes(la, union), _codes(lb, union)
    counts = np.bincount(ca * u + cb, minlength=u * u).reshape(u, u)
    m = la.shape[0]
    same = int(np.trace(counts))
    chance = sum(
        int(r) * int(c) for r, c in zip(counts.sum(axis=1), counts.sum(axis=0), strict=True)
    )
    if chance == m * m:
        raise InvalidValueError(
            f"{fn}.a",
            str(la[0]),
            "puts every account in one class, as b does, so kappa is undefined (p_e = 1, 0 / 0)",
        )
    kappa: float = (m * same - chance) / (m * m - chance)
    return kappa


@attrs.frozen
class ClassFlip:
    """One account whose class differs between two methods.

    Attributes:
        account_id: The account.
        a_class: Its class under method A.
        b_class: Its class under method B.

    Examples:
        >>> from kamlib.research import ClassFlip
        >>> f = ClassFlip("A7", "key", "not_key")
        >>> f.account_id, f.a_class, f.b_class
        ('A7', 'key', 'not_key')
    """

    account_id: str
    a_class: str
    b_class: str


def class_flips(
    a: ScoreTable | Sequence[str] | NDArray[Any],
    b: ScoreTable | Sequence[str] | NDArray[Any],
    *,
    ids: Sequence[str] | None = None,
) -> tuple[ClassFlip, ...]:
    """The accounts whose class changes from method A to method B, by account id.

    A class "changes" when its name differs (``"key"`` vs ``"not_key"``); compare two
    methods of one class system.

    Args:
        a: A ScoreTable with labels, or one ``str`` label per account (with ``ids``).
        b: The other method's labels, for the same accounts.
        ids: Account ids of array inputs; needed when neither input is a ScoreTable.

    Returns:
        One `ClassFlip` per account that changes class, in ascending account id.

    Raises:
        InvalidTypeError: An input is not labels.
        InvalidValueError: No accounts, mismatched lengths, a ScoreTable without labels,
            two ScoreTables whose declared ``classes`` differ as sets (two class systems:
            compare them with `confusion_matrix`), or arrays without ``ids``.
        UnknownIdError: Two ScoreTables that do not score the same accounts.

    Examples:
        >>> from kamlib.research import class_flips
        >>> class_flips(["key", "key", "other"], ["key", "other", "key"], ids=["A3", "A1", "A2"])
        (ClassFlip(account_id='A1', a_class='key', b_class='other'), \
ClassFlip(account_id='A2', a_class='other', b_class='key'))
    """
    fn = "class_flips"
    ref_ids, (la, lb), (va, vb), declared = _resolve_labels(fn, (("a", a), ("b", b)), ids)
    _one_system(fn, va, vb, declared)
    if ref_ids is None:
        raise InvalidValueError(f"{fn}.ids", None, "must be given to name the accounts of arrays")
    rows = np.flatnonzero(la != lb).tolist()
    flips = [ClassFlip(str(ref_ids[i]), str(la[i]), str(lb[i])) for i in rows]
    flips.sort(key=lambda f: f.account_id)
    return tuple(flips)


# ---------------------------------------------------------------------------- bootstrap
def _resample_indices(seed: int, m: int, n_boot: int) -> Iterator[tuple[int, IntArray]]:
    """The bootstrap resamples, chunk by chunk: ``(first replicate, (c, m) row indices)``.

    Every resample draws ``m`` accounts with replacement from one
    ``np.random.default_rng(seed)``, in chunks whose size depends on ``m`` only, so a seed
    gives the same resamples to every pair of methods and on every machine.
    """
    rng = np.random.default_rng(seed)
    chunk = max(1, _CHUNK_CELLS // m)
    for start in range(0, n_boot, chunk):
        c = min(chunk, n_boot - start)
        yield start, rng.integers(0, m, size=(c, m))


def _resample_counts(seed: int, m: int, n_boot: int) -> Iterator[tuple[int, CountArray]]:
    """The same resamples as ``(first replicate, (c, m) times each account was drawn)``."""
    for start, idx in _resample_indices(seed, m, n_boot):
        c = idx.shape[0]
        flat = (idx + (np.arange(c) * m)[:, None]).ravel()
        counts = np.bincount(flat, minlength=c * m).reshape(c, m).astype(np.int32)
        yield start, counts


@attrs.frozen
class _RankPlan:
    """One method's tie groups, for the average ranks of any resample of its accounts."""

    order: IntArray  # accounts by increasing score
    starts: IntArray  # first position of each tie group in ``order``
    group: IntArray  # each account's tie group (in account order)


def _rank_plan(x: FloatArray) -> _RankPlan:
    order = np.argsort(x, kind="stable")
    xs = x[order]
    new = np.r_[True, xs[1:] != xs[:-1]]
    group = np.empty(x.shape[0], dtype=np.intp)
    group[order] = np.cumsum(new) - 1
    return _RankPlan(order, np.flatnonzero(new), group)


def _group_weights(counts: CountArray, order: IntArray, starts: IntArray) -> CountArray:
    """Per resample, the number of drawn accounts in each group (``starts`` in ``order``)."""
    w = counts[:, order]
    if starts.shape[0] == order.shape[0]:  # no ties: every group is one account
        return w
    out: CountArray = np.add.reduceat(w, starts, axis=1)
    return out


def _centred_ranks(plan: _RankPlan, counts: CountArray, out: FloatArray) -> NDArray[np.bool_]:
    """Write into ``out`` each account's average rank minus ``(m + 1) / 2``, per resample.

    An account drawn ``w`` times contributes ``w`` tied copies: its rank is the number of
    drawn accounts in lower groups plus ``(W_g + 1) / 2`` for its group's ``W_g``. Returns,
    per resample, whether the drawn scores vary (at least two groups drawn).
    """
    m = counts.shape[1]
    wg = _group_weights(counts, plan.order, plan.starts).astype(np.float64)
    avg = np.cumsum(wg, axis=1)
    avg -= wg
    avg += (wg + 1.0) * 0.5 - (m + 1) * 0.5
    np.take(avg, plan.group, axis=1, out=out)
    varies: NDArray[np.bool_] = np.count_nonzero(wg, axis=1) >= 2
    return varies


def _spearman_replicates(
    columns: Sequence[FloatArray], seed: int, n_boot: int
) -> tuple[FloatArray, NDArray[np.bool_]]:
    """Spearman rho of every pair in every resample: ``(n_boot, N, N)`` values and defined flags.

    Per chunk of resamples, one batched product gives every pair's weighted covariance of
    centred ranks: ``G = (R * w) @ R.T`` (``R``: methods x accounts), and ``rho_ij =
    G_ij / sqrt(G_ii G_jj)``, Pearson's r of the drawn accounts' average ranks.
    """
    n = len(columns)
    m = columns[0].shape[0]
    plans = [_rank_plan(x) for x in columns]
    values = np.empty((n_boot, n, n))
    defined = np.empty((n_boot, n, n), dtype=np.bool_)
    eye = np.eye(n, dtype=np.bool_)
    for start, counts in _resample_counts(seed, m, n_boot):
        c = counts.shape[0]
        ranks = np.empty((c, n, m))
        varies = np.empty((c, n), dtype=np.bool_)
        for s, plan in enumerate(plans):
            varies[:, s] = _centred_ranks(plan, counts, ranks[:, s, :])
        gram = np.matmul(ranks * counts[:, None, :], ranks.transpose(0, 2, 1))
        var = np.diagonal(gram, axis1=1, axis2=2)
        ok = varies[:, :, None] & varies[:, None, :]
        with np.errstate(divide="ignore", invalid="ignore"):
            rho = gram / np.sqrt(var[:, :, None] * var[:, None, :])
        rho = np.clip(np.where(ok, rho, 0.0), -1.0, 1.0)
        rho[:, eye] = 1.0
        values[start : start + c] = rho
        defined[start : start + c] = ok
    return values, defined


@attrs.frozen
class _KendallPlan:
    """A pair's merge-sort levels, for the discordant pairs of any weighting of accounts."""

    order: IntArray  # accounts by (a, then b) increasing
    x_starts: IntArray  # tie groups of a, in ``order``
    xy_starts: IntArray  # joint tie groups, in ``order``
    y_order: IntArray  # positions of ``order`` by b increasing
    y_starts: IntArray  # tie groups of b, in ``y_order``
    levels: tuple[tuple[IntArray, IntArray, IntArray, IntArray], ...]

    @property
    def nbytes(self) -> int:
        arrays = [self.order, self.x_starts, self.xy_starts, self.y_order, self.y_starts]
        return sum(a.nbytes for a in arrays) + sum(a.nbytes for lv in self.levels for a in lv)


def _kendall_plan(x: FloatArray, y: FloatArray) -> _KendallPlan:
    """Precompute the bottom-up merge sort of ``y``'s dense ranks in ``(x, y)`` order.

    At a level of half-size ``h``, positions split into blocks of ``2h``: a left and a
    right half. For each right element that has any, ``pos`` and ``end`` bound, in the
    left half sorted by rank, the left elements of higher rank: a discordant pair each
    (``x`` lower, ``y`` higher). Which pairs these are does not depend on the weights, so
    one plan serves every resample. Each level keeps about ``2 m`` positions.
    """
    m = x.shape[0]
    order = np.lexsort((y, x))
    xs, ys = x[order], y[order]
    ry = np.unique(ys, return_inverse=True)[1].astype(np.intp).reshape(m)
    u = int(ry.max()) + 1
    x_new = np.r_[True, xs[1:] != xs[:-1]]
    xy_new = x_new | np.r_[True, ys[1:] != ys[:-1]]
    y_order = np.argsort(ry, kind="stable")
    ry_sorted = ry[y_order]
    y_new = np.r_[True, ry_sorted[1:] != ry_sorted[:-1]]
    q = np.arange(m)
    levels = []
    h = 1
    while h < m:
        block = q // (2 * h)
        right = (q // h) % 2 == 1
        left_pos, right_pos = np.flatnonzero(~right), np.flatnonzero(right)
        key = block[left_pos] * u + ry[left_pos]
        s = np.argsort(key, kind="stable")
        left_sorted, keys = left_pos[s], key[s]
        rb = block[right_pos]
        pos = np.searchsorted(keys, rb * u + ry[right_pos], side="right")
        end = np.searchsorted(keys, (rb + 1) * u, side="left")
        some = end > pos
        levels.append((left_sorted, right_pos[some], pos[some], end[some]))
        h *= 2
    return _KendallPlan(
        order,
        np.flatnonzero(x_new),
        np.flatnonzero(xy_new),
        y_order,
        np.flatnonzero(y_new),
        tuple(levels),
    )


def _pairs_tied(w: CountArray, starts: IntArray) -> FloatArray:
    """Pairs of drawn accounts within one group, per resample (``w`` in group order)."""
    g = (w if starts.shape[0] == w.shape[1] else np.add.reduceat(w, starts, axis=1)).astype(
        np.float64
    )
    tied: FloatArray = (g * (g - 1.0)).sum(axis=1) * 0.5
    return tied


def _kendall_replicates(
    plan: _KendallPlan, counts: CountArray
) -> tuple[FloatArray, NDArray[np.bool_]]:
    """tau-b of each resample (rows of ``counts``), as scipy computes it on the drawn accounts.

    Pairs of drawn accounts: ``P = m (m - 1) / 2``; ``X``, ``Y``, ``J`` those tied in
    ``a``, in ``b``, in both (an account drawn twice ties with itself); ``D`` the
    discordant ones, summed level by level of the plan. ``C - D = P - X - Y + J - 2 D`` and
    ``tau_b = (C - D) / sqrt(P - X) / sqrt(P - Y)``. Counts stay integers (exact).
    """
    c, m = counts.shape
    w = counts[:, plan.order]
    dis = np.zeros(c)
    below = np.zeros((c, m + 1), dtype=w.dtype)  # below[:, k]: the first k left weights
    for left, right, pos, end in plan.levels:
        np.cumsum(w[:, left], axis=1, out=below[:, 1 : left.shape[0] + 1])
        higher = below[:, end]
        higher -= below[:, pos]
        dis += np.einsum("ij,ij->i", w[:, right], higher, dtype=np.float64)
    tot = m * (m - 1) / 2.0
    xtie = _pairs_tied(w, plan.x_starts)
    ytie = _pairs_tied(w[:, plan.y_order], plan.y_starts)
    ntie = _pairs_tied(w, plan.xy_starts)
    defined = (tot - xtie > 0) & (tot - ytie > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        tau = (tot - xtie - ytie + ntie - 2.0 * dis) / np.sqrt(tot - xtie) / np.sqrt(tot - ytie)
    return np.clip(np.where(defined, tau, 0.0), -1.0, 1.0), defined


def _kendall_all_replicates(
    columns: Sequence[FloatArray], seed: int, n_boot: int
) -> tuple[FloatArray, NDArray[np.bool_]]:
    """tau-b of every pair in every resample: ``(n_boot, N, N)`` values and defined flags.

    Pairs are planned in batches whose plans fit in ``_PLAN_BYTES``; the resamples are
    drawn again for each batch (the same ones: the same seed), so at the usual sizes they
    are drawn once.
    """
    n = len(columns)
    m = columns[0].shape[0]
    values = np.empty((n_boot, n, n))
    defined = np.empty((n_boot, n, n), dtype=np.bool_)
    plans = [_rank_plan(x) for x in columns]
    pairs = [(i, j) for i in range(n) for j in range(i + 1, n)]
    first = True
    while pairs:
        batch: list[tuple[int, int, _KendallPlan]] = []
        used = 0
        while pairs and (not batch or used < _PLAN_BYTES):
            i, j = pairs.pop(0)
            plan = _kendall_plan(columns[i], columns[j])
            batch.append((i, j, plan))
            used += plan.nbytes
        for start, counts in _resample_counts(seed, m, n_boot):
            stop = start + counts.shape[0]
            if first:
                for i, rp in enumerate(plans):
                    drawn = _group_weights(counts, rp.order, rp.starts)
                    defined[start:stop, i, i] = np.count_nonzero(drawn, axis=1) >= 2
                    values[start:stop, i, i] = 1.0
            for i, j, plan in batch:
                tau, ok = _kendall_replicates(plan, counts)
                values[start:stop, i, j] = values[start:stop, j, i] = tau
                defined[start:stop, i, j] = defined[start:stop, j, i] = ok
        first = False
    return values, defined


def _bootstrap(
    statistic: str, columns: Sequence[FloatArray], seed: int, n_boot: int
) -> tuple[FloatArray, NDArray[np.bool_]]:
    if statistic == "spearman":
        return _spearman_replicates(columns, seed, n_boot)
    return _kendall_all_replicates(columns, seed, n_boot)


# ---------------------------------------------------------------------------- the matrix
def _frozen(a: NDArray[Any]) -> NDArray[Any]:
    a.flags.writeable = False
    return a


@attrs.frozen(eq=False)
class AgreementMatrix:
    """Rank agreement between every pair of N methods, with bootstrap intervals.

    Built by `agreement_matrix`. Entry ``[i, j]`` compares ``names[i]`` with
    ``names[j]``; the matrices are symmetric with 1 on the diagonal.

    Attributes:
        names: The methods, in the order given.
        statistic: ``"spearman"`` (rho, `spearman_rho`) or ``"kendall"`` (tau-b,
            `kendall_tau`).
        values: ``(N, N)`` read-only point estimates, computed by scipy on all accounts.
        low: ``(N, N)`` lower ends of the percentile intervals (``None`` when
            ``n_boot == 0``).
        high: ``(N, N)`` upper ends, likewise.
        defined: ``(N, N)`` resamples in which the statistic was defined (the others drew
            accounts whose scores all tie under one method, and are left out of the
            interval); ``None`` when ``n_boot == 0``.
        n_accounts: The number of accounts compared.
        n_boot: The number of bootstrap resamples.
        level: The confidence level of the intervals, e.g. ``0.95``.
        seed: The seed of the resamples.

    Examples:
        >>> from kamlib.research import agreement_matrix
        >>> am = agreement_matrix(
        ...     {"wp": [9.0, 7.0, 7.0, 4.0, 1.0], "vm": [8.0, 9.0, 5.0, 5.0, 2.0]},
        ...     n_boot=0,
        ... )
        >>> am.names, round(am.value("wp", "vm"), 4)
        (('wp', 'vm'), 0.6667)
    """

    names: tuple[str, ...]
    statistic: str
    values: FloatArray
    low: FloatArray | None
    high: FloatArray | None
    defined: NDArray[np.int64] | None
    n_accounts: int
    n_boot: int
    level: float
    seed: int

    def _index(self, path: str, name: object) -> int:
        try:
            return self.names.index(name)
        except ValueError:
            raise UnknownIdError(
                path, name, f"is not a method of this matrix {list(self.names)}"
            ) from None

    def value(self, a: str, b: str) -> float:
        """The statistic between methods ``a`` and ``b``.

        Raises:
            UnknownIdError: A name that is not one of `names`.

        Examples:
            >>> from kamlib.research import agreement_matrix
            >>> am = agreement_matrix({"x": [1.0, 2.0, 3.0], "y": [3.0, 2.0, 1.0]}, n_boot=0)
            >>> am.value("x", "y"), am.value("y", "y")
            (-1.0, 1.0)
        """
        i = self._index("AgreementMatrix.value.a", a)
        j = self._index("AgreementMatrix.value.b", b)
        return float(self.values[i, j])

    def interval(self, a: str, b: str) -> tuple[float, float]:
        """The percentile bootstrap interval ``(low, high)`` between ``a`` and ``b``.

        Raises:
            UnknownIdError: A name that is not one of `names`.
            InvalidValueError: The matrix was built with ``n_boot=0``.

        Examples:
            >>> from kamlib.research import agreement_matrix
            >>> am = agreement_matrix(
            ...     {"x": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0], "y": [2.0, 1.0, 4.0, 3.0, 6.0, 5.0]},
            ...     n_boot=200, seed=1,
            ... )
            >>> low, high = am.interval("x", "y")
            >>> low <= am.value("x", "y") <= high
            True
        """
        i = self._index("AgreementMatrix.interval.a", a)
        j = self._index("AgreementMatrix.interval.b", b)
        if self.low is None or self.high is None:
            raise InvalidValueError(
                "AgreementMatrix.interval", self.n_boot, "needs a matrix built with n_boot >= 1"
            )
        return float(self.low[i, j]), float(self.high[i, j])

    def to_rows(self) -> list[dict[str, Any]]:
        """One plain dict per pair of methods (``i < j``), ready for ``pandas.DataFrame``.

        Keys: ``a``, ``b``, ``value``, and with bootstrap ``low``, ``high``, ``defined``.

        Examples:
            >>> from kamlib.research import agreement_matrix
            >>> am = agreement_matrix({"x": [1.0, 2.0, 3.0], "y": [1.0, 3.0, 2.0]}, n_boot=0)
            >>> am.to_rows()
            [{'a': 'x', 'b': 'y', 'value': 0.3333333333333334}]
        """
        rows: list[dict[str, Any]] = []
        n = len(self.names)
        for i in range(n):
            for j in range(i + 1, n):
                row: dict[str, Any] = {
                    "a": self.names[i],
                    "b": self.names[j],
                    "value": float(self.values[i, j]),
                }
                if self.low is not None and self.high is not None and self.defined is not None:
                    row["low"] = float(self.low[i, j])
                    row["high"] = float(self.high[i, j])
                    row["defined"] = int(self.defined[i, j])
                rows.append(row)
        return rows

    def __str__(self) -> str:
        what = "Spearman rho" if self.statistic == "spearman" else "Kendall tau-b"
        head = f"{what} over {self.n_accounts} accounts"
        if self.n_boot:
            head += (
                f"; {self.level:.0%} percentile bootstrap intervals, "
                f"{self.n_boot} resamples, seed {self.seed}"
            )
        width = max(len(n) for n in self.names)
        lines = [head]
        for r in self.to_rows():
            text = f"  {r['a'].ljust(width)}  {r['b'].ljust(width)}  {r['value']:+.3f}"
            if "low" in r:
                text += f"  [{r['low']:+.3f}, {r['high']:+.3f}]"
            lines.append(text)
        return "\n".join(lines)


def _methods(fn: str, scores: object) -> list[tuple[str, object]]:
    path = f"{fn}.scores"
    if isinstance(scores, Mapping):
        out = [(check_name(f"{path}[{k!r}]", k), v) for k, v in scores.items()]
    elif isinstance(scores, str | bytes) or not isinstance(scores, Iterable):
        raise InvalidTypeError(
            path, scores, "must be a mapping {name: scores} or a list of ScoreTables"
        )
    else:
        out = []
        seen: set[str] = set()
        for i, st in enumerate(scores):
            if not isinstance(st, ScoreTable):
                raise InvalidTypeError(
                    f"{path}[{i}]",
                    st,
                    "must be a ScoreTable (pass a mapping {name: scores} to name arrays)",
                )
            if st.scorer in seen:
                raise DuplicateIdError(
                    f"{path}[{i}]",
                    st.scorer,
                    "repeats a scorer name; pass a mapping {name: table} to name them apart",
                )
            seen.add(st.scorer)
            out.append((st.scorer, st))
    if len(out) < 2:
        raise InvalidValueError(path, len(out), "must hold at least 2 methods to compare")
    return out


def agreement_matrix(
    scores: Mapping[str, ScoreTable | ArrayLike] | Sequence[ScoreTable],
    *,
    statistic: Literal["spearman", "kendall"] = "kendall",
    n_boot: int = 1000,
    level: float = 0.95,
    seed: int = 0,
    ids: Sequence[str] | None = None,
) -> AgreementMatrix:
    """Rank agreement between every pair of N methods on one set of accounts.

    The point estimates are scipy's (`kendall_tau`: tau-b, or `spearman_rho`: rho on average
    ranks). The intervals are **percentile** bootstrap intervals (Efron, 1979, "Bootstrap
    methods: another look at the jackknife", Annals of Statistics 7(1); Efron &
    Tibshirani, 1993, ch. 13): ``n_boot`` resamples of the ``m`` accounts drawn with
    replacement, the same resamples for every pair; each resample's statistic is the one
    scipy gives on the drawn accounts (an account drawn twice ties with itself), and the
    interval holds the ``(1 - level) / 2`` and ``(1 + level) / 2`` quantiles of those
    values (numpy's default, linear interpolation). A resample whose drawn scores all tie
    under one of the pair leaves the statistic undefined; it is left out, and `defined`
    counts the others.

    The resamples are drawn from ``np.random.default_rng(seed)``: the same seed and
    inputs give the same intervals. They are evaluated in chunks, vectorised over the
    resamples: rho from each method's tie groups in O(m) per resample; tau-b by a merge sort
    of each pair planned once, O(m log m) per resample; so no call per resample is made.

    Args:
        scores: ``{name: ScoreTable or array-like}``, or a list of ScoreTables (named by
            their ``scorer``); at least 2, all scoring the same accounts (aligned by id).
        statistic: ``"kendall"`` (tau-b, default) or ``"spearman"`` (rho).
        n_boot: Number of resamples, ``>= 0`` (0: point estimates only).
        level: Confidence level, in ``(0, 1)``.
        seed: Seed of the resamples, ``>= 0``.
        ids: Account ids of array inputs.

    Returns:
        An `AgreementMatrix`.

    Raises:
        InvalidTypeError: ``scores`` is not a mapping or a list of ScoreTables; a value is
            not scores; a parameter of the wrong type.
        InvalidValueError: Fewer than 2 methods or 2 accounts, a non-finite score,
            mismatched lengths, a method whose scores all tie, a parameter out of range,
            or a pair with no resample in which it is defined.
        DuplicateIdError: Two ScoreTables with the same scorer name in a list.
        UnknownIdError: ScoreTables that do not score the same accounts.

    Examples:
        >>> from kamlib.research import agreement_matrix
        >>> am = agreement_matrix(
        ...     {
        ...         "points": [9.0, 7.0, 7.0, 4.0, 1.0, 3.0],
        ...         "matrix": [8.0, 9.0, 5.0, 5.0, 2.0, 1.0],
        ...         "health": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
        ...     },
        ...     n_boot=500, seed=7,
        ... )
        >>> print(am)
        Kendall tau-b over 6 accounts; 95% percentile bootstrap intervals, 500 resamples, seed 7
          points  matrix  +0.643  [-0.091, +1.000]
          points  health  -0.828  [-1.000, -0.333]
          matrix  health  -0.828  [-1.000, -0.333]
        >>> round(am.value("points", "matrix"), 4), am.n_boot
        (0.6429, 500)
        >>> low, high = am.interval("points", "health")
        >>> -1.0 <= low <= am.value("points", "health") <= high <= 1.0
        True
    """
    fn = "agreement_matrix"
    named = _methods(fn, scores)
    methods = [(f"scores[{name!r}]", value) for name, value in named]
    stat = check_choice(f"{fn}.statistic", statistic, _STATISTICS)
    boots = check_int(f"{fn}.n_boot", n_boot, ge=0)
    lvl = check_real(f"{fn}.level", level, gt=0, lt=1)
    sd = check_int(f"{fn}.seed", seed, ge=0)
    _, columns = _resolve_scores(fn, methods, ids, at_least=2)
    names = tuple(name for name, _ in named)
    for (path, _), x in zip(methods, columns, strict=True):
        _check_varies(fn, path, x)
    n = len(columns)
    values = np.eye(n)
    point = kendall_tau if stat == "kendall" else spearman_rho
    for i in range(n):
        for j in range(i + 1, n):
            values[i, j] = values[j, i] = point(columns[i], columns[j])
    low = high = defined = None
    if boots:
        reps, ok = _bootstrap(stat, columns, sd, boots)
        low, high = np.empty((n, n)), np.empty((n, n))
        defined = ok.sum(axis=0).astype(np.int64)
        q = ((1.0 - lvl) / 2.0, (1.0 + lvl) / 2.0)
        for i in range(n):
            for j in range(i, n):
                got = reps[ok[:, i, j], i, j]
                if got.size == 0:
                    raise InvalidValueError(
                        f"{fn}.scores",
                        [names[i], names[j]],
                        "have no resample in which the statistic is defined; compare more accounts",
                    )
                lo, hi = np.quantile(got, q)
                low[i, j] = low[j, i] = lo
                high[i, j] = high[j, i] = hi
        low, high, defined = _frozen(low), _frozen(high), _frozen(defined)
    return AgreementMatrix(
        names=names,
        statistic=stat,
        values=_frozen(values),
        low=low,
        high=high,
        defined=defined,
        n_accounts=columns[0].shape[0],
        n_boot=boots,
        level=lvl,
        seed=sd,
    )
