"""Backtests of past scores and classes against later outcomes, and method recovery.

Two questions a researcher asks of a scoring method:

* **Did it foresee what happened?** From past scores or classes and a later outcome per
  account (churned, grew, renewed: one boolean each), `backtest_classes` gives the
  precision, recall and lift of every class (tier, quadrant or light), `backtest_scores`
  those of the top of the ranking (top decile or top-k) with a `calibration_table`.
* **Does it find what is true?** `recovery_experiment` draws portfolios with a known
  latent value ([`ground_truth_table`][kamlib.synthetic.ground_truth_table]) at a grid of
  noise levels, fits and scores each with every scorer, and reports how much of the true
  top-k each scorer's top-k holds (precision@k and Jaccard), mean and spread over seeded
  replications.

Inputs are aligned **by account id**: the outcome may come in another order (from
another system), with its own ids. Every check raises a typed error naming the field and
the value; no result holds a NaN: a ratio with an empty denominator is ``0.0``, and the
count beside it says why (kamlib's choice, the zero-division convention of
scikit-learn's ``zero_division=0``).

Examples:
    >>> from kamlib.research import backtest_classes
    >>> bt = backtest_classes(["A", "B", "C", "D"], ["red", "red", "green", "green"],
    ...                       [True, False, False, False], classes=["red", "yellow", "green"])
    >>> bt.precision.tolist(), bt.count.tolist()
    ([0.5, 0.0, 0.0], [2, 0, 2])
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any, Final

import attrs
import numpy as np
from numpy.typing import NDArray

from kamlib._ids import check_id_list
from kamlib._table import MAX_MAGNITUDE
from kamlib._validators import check_choice, check_int, check_name, check_real, unwrap_0d
from kamlib.errors import InvalidTypeError, InvalidValueError, UnknownIdError
from kamlib.research._agreement import precision_at_k, top_k_jaccard
from kamlib.scoring import (
    EmpiricalEstimate,
    HealthModel,
    Scorer,
    ScoreTable,
    ValueMatrix,
    WeightedPoints,
)
from kamlib.synthetic import ground_truth_table

__all__ = [
    "CalibrationTable",
    "ClassBacktest",
    "ScoreBacktest",
    "backtest_classes",
    "backtest_scores",
    "calibration_table",
    "DEFAULT_RECOVERY_SCORERS",
    "RecoveryResult",
    "recovery_experiment",
]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

DIRECTIONS: Final = ("high", "low")
RANK_BY: Final = ("class", "score")
METRICS: Final = ("precision", "jaccard")


def _readonly(a: NDArray[Any]) -> NDArray[Any]:
    a.flags.writeable = False
    return a


def _ratio(num: NDArray[Any], den: NDArray[Any] | float) -> FloatArray:
    """``num / den`` element-wise, ``0.0`` where ``den`` is 0 (never NaN)."""
    num_f = np.asarray(num, dtype=np.float64)
    den_f = np.broadcast_to(np.asarray(den, dtype=np.float64), num_f.shape)
    out = np.zeros(num_f.shape, dtype=np.float64)
    np.divide(num_f, den_f, out=out, where=den_f != 0)
    return out


# ---------------------------------------------------------------------------- inputs
def _ids(path: str, ids: object) -> list[str]:
    ids = unwrap_0d(ids)
    if isinstance(ids, str | bytes) or not isinstance(ids, Sequence | np.ndarray):
        raise InvalidTypeError(path, ids, "must be a sequence of account ids")
    seq: list[object] = ids.tolist() if isinstance(ids, np.ndarray) else list(ids)
    if not seq:
        raise InvalidValueError(path, seq, "must hold at least one account")
    check_id_list(path, seq)
    return seq  # type: ignore[return-value]  # checked: every item is a str


def _sequence(path: str, values: object, n: int, what: str) -> list[object] | NDArray[Any]:
    values = unwrap_0d(values)
    if isinstance(values, str | bytes) or not isinstance(values, Sequence | np.ndarray):
        raise InvalidTypeError(path, values, f"must be a sequence of {what}")
    if len(values) != n:
        raise InvalidValueError(path, len(values), f"must have length {n} (one per id)")
    return values if isinstance(values, np.ndarray) else list(values)


def _scores(path: str, scores: object, ids: list[str]) -> FloatArray:
    seq = _sequence(path, scores, len(ids), "real numbers")
    try:
        arr = np.asarray(seq)
    except Exception:  # any failure to convert is a type problem of the input
        raise InvalidTypeError(path, scores, "must be real numbers") from None
    if arr.dtype == np.bool_ or arr.dtype.kind not in "iuf":
        items = seq.tolist() if isinstance(seq, np.ndarray) else seq
        for i, v in enumerate(items):
            if isinstance(v, bool | np.bool_) or not isinstance(v, numbers.Real):
                raise InvalidTypeError(
                    f"{path}[{i}]", v, f"must be a real number (account {ids[i]!r})"
                )
        arr = np.asarray(items, dtype=np.float64)
    if arr.ndim != 1:
        raise InvalidValueError(path, arr.shape, "must be one-dimensional")
    out = arr.astype(np.float64)
    bad = ~np.isfinite(out)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise InvalidValueError(
            f"{path}[{i}]", float(out[i]), f"must be finite (account {ids[i]!r}): NaN is no score"
        )
    big = np.abs(out) > MAX_MAGNITUDE
    if big.any():
        i = int(np.flatnonzero(big)[0])
        raise InvalidValueError(
            f"{path}[{i}]",
            float(out[i]),
            f"must lie in [-{MAX_MAGNITUDE:g}, {MAX_MAGNITUDE:g}] (account {ids[i]!r})",
        )
    return out


def _labels(path: str, labels: object, ids: list[str]) -> list[str]:
    seq = _sequence(path, labels, len(ids), "class labels")
    items = seq.tolist() if isinstance(seq, np.ndarray) else seq
    for i, v in enumerate(items):
        if not isinstance(v, str) or not v:
            raise InvalidTypeError(
                f"{path}[{i}]", v, f"must be a non-empty str class label (account {ids[i]!r})"
            )
    return items  # type: ignore[return-value]  # checked above


def _outcome(path: str, outcome: object, n: int, ids: Sequence[str]) -> BoolArray:
    """Booleans (``bool``, numpy bool, or the integers/floats 0 and 1); NaN refused."""
    seq = _sequence(path, outcome, n, "booleans")
    arr = seq if isinstance(seq, np.ndarray) else np.asarray(seq, dtype=object)
    if arr.ndim != 1:
        raise InvalidValueError(path, arr.shape, "must be one-dimensional")
    if arr.dtype == np.bool_:
        return arr.astype(np.bool_, copy=True)
    out = np.zeros(n, dtype=np.bool_)
    for i, v in enumerate(arr.tolist()):
        if isinstance(v, bool | np.bool_):
            out[i] = bool(v)
        elif isinstance(v, numbers.Real) and (v == 0 or v == 1):
            out[i] = v == 1
        elif isinstance(v, numbers.Real) and math.isnan(v):
            raise InvalidValueError(
                f"{path}[{i}]", v, f"is NaN (account {ids[i]!r}): an outcome must be known"
            )
        elif v is None:
            raise InvalidValueError(
                f"{path}[{i}]", v, f"is None (account {ids[i]!r}): an outcome must be known"
            )
        elif isinstance(v, numbers.Real):  # a number of the accepted type, but not 0 or 1
            raise InvalidValueError(
                f"{path}[{i}]", v, f"must be a bool, or 0 or 1 (account {ids[i]!r})"
            )
        else:
            raise InvalidTypeError(
                f"{path}[{i}]", v, f"must be a bool, or 0 or 1 (account {ids[i]!r})"
            )
    return out


def _aligned_outcome(where: str, ids: list[str], outcome: object, outcome_ids: object) -> BoolArray:
    """The outcome of each of ``ids``, in their order (matched by id when ids are given)."""
    if outcome_ids is None:
        return _outcome(f"{where}.outcome", outcome, len(ids), ids)
    oids = _ids(f"{where}.outcome_ids", outcome_ids)
    values = _outcome(f"{where}.outcome", outcome, len(oids), oids)
    pos = {a: i for i, a in enumerate(oids)}
    for i, a in enumerate(ids):
        if a not in pos:
            raise UnknownIdError(f"{where}.ids[{i}]", a, "has no outcome (not in outcome_ids)")
    if len(oids) != len(ids):
        mine = set(ids)
        i = next(i for i, a in enumerate(oids) if a not in mine)
        raise UnknownIdError(f"{where}.outcome_ids[{i}]", oids[i], "is not among the ids")
    return values[np.fromiter((pos[a] for a in ids), dtype=np.intp, count=len(ids))]


def _ranked(ids: Sequence[str], keys: Sequence[NDArray[Any]]) -> NDArray[np.intp]:
    """Row order by ``keys`` (ascending, the first key most significant), ties by id."""
    order = np.argsort(np.asarray(ids, dtype=str), kind="stable")
    for key in reversed(keys):
        order = order[np.argsort(key[order], kind="stable")]
    return order


# ------------------------------------------------------------------- class backtest
@attrs.frozen(eq=False)
class ClassBacktest:
    """How well each past class foresaw a later outcome (from `backtest_classes`).

    For class ``c`` with ``count_c`` accounts of which ``positives_c`` had the outcome,
    out of ``n`` accounts and ``P`` positives in all:

    * ``precision_c = positives_c / count_c``: the outcome rate in the class (the share
      of the class's accounts that, say, churned);
    * ``recall_c = positives_c / P``: the share of all positives the class caught;
    * ``lift_c = precision_c / base_rate`` with ``base_rate = P / n``: above 1 the class
      concentrates the outcome.

    A class with no account (declared in ``classes`` but empty) has count 0 and
    precision, recall and lift ``0.0``; with no positive at all, every recall and lift is
    ``0.0``. Never NaN: read the counts beside the ratios. Arrays are read-only, in
    `classes` order.

    Attributes:
        classes: The classes, in the order given (or sorted).
        count: ``(C,)`` accounts per class.
        positives: ``(C,)`` accounts with the outcome per class.
        precision: ``(C,)`` outcome rate per class.
        recall: ``(C,)`` share of all positives per class.
        lift: ``(C,)`` outcome rate over the base rate.
        n: Number of accounts.
        total_positives: Accounts with the outcome.
        base_rate: ``total_positives / n``.

    Examples:
        >>> from kamlib.research import backtest_classes
        >>> bt = backtest_classes(["A", "B", "C", "D"], ["red", "red", "green", "green"],
        ...                       [True, True, False, True])
        >>> bt.classes, bt.lift.tolist()  # base rate 3/4; red 2/2 -> 4/3, green 1/2 -> 2/3
        (('green', 'red'), [0.6666666666666666, 1.3333333333333333])
    """

    classes: tuple[str, ...]
    count: IntArray
    positives: IntArray
    precision: FloatArray
    recall: FloatArray
    lift: FloatArray
    n: int
    total_positives: int
    base_rate: float

    def rows(self) -> list[tuple[str, int, int, float, float, float]]:
        """One ``(class, count, positives, precision, recall, lift)`` tuple per class.

        Examples:
            >>> from kamlib.research import backtest_classes
            >>> backtest_classes(["A", "B"], ["x", "y"], [True, False]).rows()[0]
            ('x', 1, 1, 1.0, 1.0, 2.0)
        """
        return [
            (c, int(k), int(p), float(pr), float(rc), float(lf))
            for c, k, p, pr, rc, lf in zip(
                self.classes,
                self.count,
                self.positives,
                self.precision,
                self.recall,
                self.lift,
                strict=True,
            )
        ]


def backtest_classes(
    ids: Sequence[str] | NDArray[Any],
    labels: Sequence[str] | NDArray[Any],
    outcome: Sequence[bool] | Sequence[float] | NDArray[Any],
    *,
    outcome_ids: Sequence[str] | NDArray[Any] | None = None,
    classes: Sequence[str] | None = None,
) -> ClassBacktest:
    """Precision, recall and lift of each past class against a later outcome.

    Pass a [`ScoreTable`][kamlib.scoring.ScoreTable]'s ``ids`` and ``labels`` (tiers,
    quadrants, lights) from one review and, from a later one, which accounts churned,
    grew or renewed. Each class is read as the prediction "this class has the outcome":
    see `ClassBacktest` for the formulas.

    Args:
        ids: Account ids of the past classes, unique.
        labels: The class of each account (``str``).
        outcome: The later outcome of each account: ``bool`` (or the numbers 0 and 1).
        outcome_ids: Ids of ``outcome`` when it comes in another order; the two id sets
            must be equal. ``None``: ``outcome`` follows ``ids``.
        classes: Every class to report, in order (e.g. ``LIGHTS`` with an empty one);
            a label outside them is refused. Default: the labels seen, sorted.

    Returns:
        A `ClassBacktest`.

    Raises:
        InvalidTypeError: An id, label or outcome of the wrong type.
        InvalidValueError: No account; lengths that differ; a NaN or ``None`` outcome; a
            label outside ``classes``; ``classes`` repeated.
        DuplicateIdError: An id repeats.
        UnknownIdError: An id without an outcome, or an outcome id that is not an id.

    Examples:
        >>> from kamlib.research import backtest_classes
        >>> bt = backtest_classes(
        ...     ["A1", "A2", "A3", "A4", "A5"],
        ...     ["red", "red", "yellow", "green", "green"],
        ...     [False, True, False, True, True],          # churned, in another order:
        ...     outcome_ids=["A5", "A1", "A4", "A3", "A2"],
        ...     classes=["green", "yellow", "red"],
        ... )
        >>> bt.positives.tolist(), bt.precision.tolist()
        ([0, 1, 2], [0.0, 1.0, 1.0])
        >>> bt.recall.tolist()  # of the 3 churned accounts, red held 2
        [0.0, 0.3333333333333333, 0.6666666666666666]
        >>> bt.lift.tolist()  # base rate 3/5
        [0.0, 1.6666666666666667, 1.6666666666666667]
        >>> backtest_classes(["A"], ["red"], [True], outcome_ids=["B"])
        Traceback (most recent call last):
        ...
        kamlib.errors.UnknownIdError: backtest_classes.ids[0]: has no outcome \
(not in outcome_ids); got 'A'
    """
    where = "backtest_classes"
    id_list = _ids(f"{where}.ids", ids)
    labs = _labels(f"{where}.labels", labels, id_list)
    hit = _aligned_outcome(where, id_list, outcome, outcome_ids)
    if classes is None:
        names = tuple(sorted(set(labs)))
    else:
        if isinstance(classes, str) or not isinstance(classes, Sequence | np.ndarray):
            raise InvalidTypeError(f"{where}.classes", classes, "must be a sequence of str")
        names = tuple(check_name(f"{where}.classes[{i}]", c) for i, c in enumerate(classes))
        if len(set(names)) != len(names):
            raise InvalidValueError(f"{where}.classes", list(names), "must not repeat a class")
    pos = {c: j for j, c in enumerate(names)}
    code = np.empty(len(labs), dtype=np.intp)
    for i, lab in enumerate(labs):
        if lab not in pos:
            raise InvalidValueError(
                f"{where}.labels[{i}]", lab, f"is not one of the classes {list(names)}"
            )
        code[i] = pos[lab]
    count = np.bincount(code, minlength=len(names)).astype(np.int64)
    positives = np.bincount(code, weights=hit, minlength=len(names)).astype(np.int64)
    n, total = len(labs), int(hit.sum())
    base = total / n
    precision = _ratio(positives, count)
    return ClassBacktest(
        classes=names,
        count=_readonly(count),
        positives=_readonly(positives),
        precision=_readonly(precision),
        recall=_readonly(_ratio(positives, float(total))),
        lift=_readonly(_ratio(precision, base)),
        n=n,
        total_positives=total,
        base_rate=base,
    )


# ------------------------------------------------------------------ calibration
@attrs.frozen(eq=False)
class CalibrationTable:
    """Score bins with the observed outcome rate (from `calibration_table`).

    Bin ``b`` holds the scores in ``[edges[b], edges[b+1])``, the last bin
    ``[edges[-2], edges[-1]]`` (numpy.histogram's rule). A bin without accounts has
    count 0 and rate and mean score ``0.0`` (never NaN). Arrays are read-only.

    Attributes:
        edges: ``(B + 1,)`` increasing bin edges.
        count: ``(B,)`` accounts per bin.
        positives: ``(B,)`` accounts with the outcome per bin.
        rate: ``(B,)`` observed outcome rate ``positives / count``.
        mean_score: ``(B,)`` mean score of the bin's accounts.

    Examples:
        >>> from kamlib.research import calibration_table
        >>> cal = calibration_table(["A", "B", "C"], [0.1, 0.2, 0.9], [False, True, True], bins=2)
        >>> cal.edges.tolist(), cal.count.tolist(), cal.rate.tolist()
        ([0.1, 0.5, 0.9], [2, 1], [0.5, 1.0])
    """

    edges: FloatArray
    count: IntArray
    positives: IntArray
    rate: FloatArray
    mean_score: FloatArray

    def rows(self) -> list[tuple[float, float, int, int, float, float]]:
        """One ``(low, high, count, positives, rate, mean_score)`` tuple per bin.

        Examples:
            >>> from kamlib.research import calibration_table
            >>> calibration_table(["A", "B"], [0.0, 1.0], [False, True], bins=2).rows()[1]
            (0.5, 1.0, 1, 1, 1.0, 1.0)
        """
        return [
            (float(lo), float(hi), int(k), int(p), float(r), float(m))
            for lo, hi, k, p, r, m in zip(
                self.edges[:-1],
                self.edges[1:],
                self.count,
                self.positives,
                self.rate,
                self.mean_score,
                strict=True,
            )
        ]


def _edges(path: str, bins: object, scores: FloatArray, ids: list[str]) -> FloatArray:
    bins = unwrap_0d(bins)
    if isinstance(bins, int | np.integer) and not isinstance(bins, bool):
        b = check_int(path, bins, ge=1, le=10_000)
        try:
            edges: FloatArray = np.histogram_bin_edges(scores, bins=b)
        except ValueError:  # numpy: bins finer than the floats at that range
            lo, hi = float(scores.min()), float(scores.max())
            raise InvalidValueError(
                path, b, f"is too many bins for the score range [{lo!r}, {hi!r}]"
            ) from None
        return edges
    if isinstance(bins, str) or not isinstance(bins, Sequence | np.ndarray):
        raise InvalidTypeError(path, bins, "must be a number of bins or a sequence of edges")
    edges = np.array([check_real(f"{path}[{i}]", e) for i, e in enumerate(bins)], dtype=np.float64)
    if edges.shape[0] < 2:
        raise InvalidValueError(path, edges.tolist(), "must hold at least two edges")
    if (np.diff(edges) <= 0).any():
        raise InvalidValueError(path, edges.tolist(), "must be strictly increasing")
    outside = (scores < edges[0]) | (scores > edges[-1])
    if outside.any():
        i = int(np.flatnonzero(outside)[0])
        raise InvalidValueError(
            f"{path}",
            float(scores[i]),
            f"must cover every score: account {ids[i]!r} lies outside "
            f"[{edges[0]:g}, {edges[-1]:g}]",
        )
    return edges


def _calibration(scores: FloatArray, hit: BoolArray, edges: FloatArray) -> CalibrationTable:
    nb = edges.shape[0] - 1
    b = np.searchsorted(edges, scores, side="right") - 1
    b = np.clip(b, 0, nb - 1)  # the top edge belongs to the last bin
    count = np.bincount(b, minlength=nb).astype(np.int64)
    positives = np.bincount(b, weights=hit, minlength=nb).astype(np.int64)
    total = np.zeros(nb, dtype=np.float64)
    np.add.at(total, b, scores)
    return CalibrationTable(
        edges=_readonly(edges.copy()),
        count=_readonly(count),
        positives=_readonly(positives),
        rate=_readonly(_ratio(positives, count)),
        mean_score=_readonly(_ratio(total, count)),
    )


def calibration_table(
    ids: Sequence[str] | NDArray[Any],
    scores: Sequence[float] | NDArray[Any],
    outcome: Sequence[bool] | Sequence[float] | NDArray[Any],
    *,
    outcome_ids: Sequence[str] | NDArray[Any] | None = None,
    bins: int | Sequence[float] = 10,
) -> CalibrationTable:
    """Bin past scores and report the later outcome rate and the count of every bin.

    **Binning rule** (kamlib's choice): an int ``bins`` makes that many bins of equal
    width from the lowest to the highest score (``numpy.histogram_bin_edges``; a
    constant score gets the range ``score +- 0.5``); each bin is closed on the left and
    open on the right, the last closed on both sides. Equal width keeps the bins on the
    score's own scale, so a well-calibrated probability shows a rate close to the bin's
    mean score. Pass edges (e.g. ``numpy.linspace(0, 1, 11)``, or quantiles you chose) for
    bins that do not depend on the scores; every score must then lie within them.

    Args:
        ids: Account ids, unique.
        scores: Past scores, finite (a NaN is refused, naming the account).
        outcome: The later outcome of each account (``bool``, or 0 and 1).
        outcome_ids: Ids of ``outcome`` when in another order (see `backtest_classes`).
        bins: Number of equal-width bins (1 to 10 000, default 10) or the edges.

    Returns:
        A `CalibrationTable`.

    Raises:
        InvalidTypeError: An id, score or outcome of the wrong type; ``bins`` neither.
        InvalidValueError: No account; lengths that differ; a NaN score or outcome;
            edges not increasing or not covering every score.
        DuplicateIdError: An id repeats.
        UnknownIdError: Id sets that differ.

    Examples:
        >>> import numpy as np
        >>> from kamlib.research import calibration_table
        >>> cal = calibration_table(
        ...     ["A", "B", "C", "D"], [0.05, 0.15, 0.85, 0.95], [False, False, True, False],
        ...     bins=np.linspace(0, 1, 3),
        ... )
        >>> cal.count.tolist(), cal.rate.tolist(), cal.mean_score.tolist()
        ([2, 2], [0.0, 0.5], [0.1, 0.9])
        >>> calibration_table(["A"], [float("nan")], [True])
        Traceback (most recent call last):
        ...
        kamlib.errors.InvalidValueError: calibration_table.scores[0]: must be finite \
(account 'A'): NaN is no score; got nan
    """
    where = "calibration_table"
    id_list = _ids(f"{where}.ids", ids)
    s = _scores(f"{where}.scores", scores, id_list)
    hit = _aligned_outcome(where, id_list, outcome, outcome_ids)
    return _calibration(s, hit, _edges(f"{where}.bins", bins, s, id_list))


# ------------------------------------------------------------------- score backtest
@attrs.frozen(eq=False)
class ScoreBacktest:
    """How well the top of a past ranking foresaw a later outcome (from `backtest_scores`).

    The *selected* accounts are the top ``k`` of the ranking (highest scores first with
    ``direction="high"``, lowest with ``"low"``; a tie across the cut broken by id).
    ``precision = hits / k`` (the outcome rate among them), ``recall = hits /
    total_positives``, ``lift = precision / base_rate``: the top-decile lift by default.
    ``0.0`` where a denominator is 0 (no positive at all), never NaN.

    Attributes:
        selected: Ids of the selected accounts, best first.
        k: Their number.
        hits: Selected accounts with the outcome.
        precision: ``hits / k``.
        recall: ``hits / total_positives``.
        lift: ``precision / base_rate``.
        n: Number of accounts.
        total_positives: Accounts with the outcome.
        base_rate: ``total_positives / n``.
        direction: ``"high"`` or ``"low"``: which end of the scores was selected.
        calibration: The `CalibrationTable` of the scores.

    Examples:
        >>> from kamlib.research import backtest_scores
        >>> bt = backtest_scores(["A", "B", "C", "D"], [4.0, 3.0, 2.0, 1.0],
        ...                      [True, False, False, False], k=1)
        >>> bt.selected, bt.precision, bt.lift  # base rate 1/4
        (('A',), 1.0, 4.0)
    """

    selected: tuple[str, ...]
    k: int
    hits: int
    precision: float
    recall: float
    lift: float
    n: int
    total_positives: int
    base_rate: float
    direction: str
    calibration: CalibrationTable


def backtest_scores(
    ids: Sequence[str] | NDArray[Any],
    scores: Sequence[float] | NDArray[Any],
    outcome: Sequence[bool] | Sequence[float] | NDArray[Any],
    *,
    outcome_ids: Sequence[str] | NDArray[Any] | None = None,
    k: int | None = None,
    top_share: float | None = None,
    direction: str = "high",
    bins: int | Sequence[float] = 10,
) -> ScoreBacktest:
    """Precision, recall and lift of the top of past scores, with a calibration table.

    The top is ``k`` accounts, or ``ceil(top_share * n)`` (at least 1); by default the
    top decile (``top_share=0.1``). ``direction`` says which end predicts the outcome: a
    value score predicts *growth* at the high end (``"high"``), a health score predicts
    *churn* at the low end (``"low"``). See `ScoreBacktest` and `calibration_table`.

    Args:
        ids: Account ids, unique.
        scores: Past scores, finite.
        outcome: The later outcome of each account (``bool``, or 0 and 1).
        outcome_ids: Ids of ``outcome`` when in another order (see `backtest_classes`).
        k: Size of the top, 1 to ``n``; not with ``top_share``.
        top_share: Share of accounts in the top, in (0, 1]; default 0.1 when ``k`` is
            not given.
        direction: ``"high"`` (default) or ``"low"``.
        bins: The calibration bins (see `calibration_table`).

    Returns:
        A `ScoreBacktest`.

    Raises:
        InvalidTypeError: An id, score, outcome or parameter of the wrong type.
        InvalidValueError: No account; lengths that differ; a NaN score or outcome;
            ``k`` outside ``[1, n]``; ``top_share`` outside (0, 1]; both ``k`` and
            ``top_share``; an unknown direction.
        DuplicateIdError: An id repeats.
        UnknownIdError: Id sets that differ.

    Examples:
        >>> from kamlib.research import backtest_scores
        >>> ids = [f"A{i}" for i in range(10)]
        >>> health = [90, 85, 80, 75, 70, 65, 60, 55, 50, 45]
        >>> churned = [False] * 7 + [True, False, True]
        >>> bt = backtest_scores(ids, health, churned, direction="low", top_share=0.2)
        >>> bt.selected, bt.precision, bt.recall, bt.lift  # base rate 2/10
        (('A9', 'A8'), 0.5, 0.5, 2.5)
        >>> backtest_scores(ids, health, churned, k=1, top_share=0.5)
        Traceback (most recent call last):
        ...
        kamlib.errors.InvalidValueError: backtest_scores.top_share: is not used with k= \
(give one of the two); got 0.5
    """
    where = "backtest_scores"
    id_list = _ids(f"{where}.ids", ids)
    s = _scores(f"{where}.scores", scores, id_list)
    hit = _aligned_outcome(where, id_list, outcome, outcome_ids)
    direction = check_choice(f"{where}.direction", direction, DIRECTIONS)
    n = len(id_list)
    if k is not None and top_share is not None:
        raise InvalidValueError(
            f"{where}.top_share", top_share, "is not used with k= (give one of the two)"
        )
    if k is not None:
        size = check_int(f"{where}.k", k, ge=1, le=n)
    else:
        share = 0.1 if top_share is None else top_share
        share = check_real(f"{where}.top_share", share, gt=0.0, le=1.0)
        size = max(1, math.ceil(round(share * n, 9)))
    edges = _edges(f"{where}.bins", bins, s, id_list)
    order = _ranked(id_list, [-s if direction == "high" else s])[:size]
    hits = int(hit[order].sum())
    total = int(hit.sum())
    base = total / n
    precision = hits / size
    return ScoreBacktest(
        selected=tuple(id_list[i] for i in order.tolist()),
        k=size,
        hits=hits,
        precision=precision,
        recall=hits / total if total else 0.0,
        lift=precision / base if base else 0.0,
        n=n,
        total_positives=total,
        base_rate=base,
        direction=direction,
        calibration=_calibration(s, hit, edges),
    )


# --------------------------------------------------------------- method recovery
DEFAULT_RECOVERY_SCORERS: Mapping[str, Scorer] = MappingProxyType(
    {
        "value_matrix": ValueMatrix(missing="renormalise"),
        "weighted_points": WeightedPoints(),
        "empirical_estimate": EmpiricalEstimate(),
        "health_model": HealthModel(rules=()),
    }
)
"""The built-in methods `recovery_experiment` compares by default, unfitted.

The three identification methods of source [002]/[000] (value matrix, weighted points,
empirical estimation) with their default parameters, and the health model's score. Two
departures, kamlib's: the value matrix renormalises over observed strategic attributes
(``missing="renormalise"``) so that it runs on tables with missing cells, and the health
model has no light rules (the ground truth has no risk columns; rules change the light,
not the score).
"""


def _recovery_ranking(st: ScoreTable, rank_by: str) -> ScoreTable:
    """``st`` as the scores whose descending order is its recovery ranking.

    ``"score"``: ``st`` itself. ``"class"`` with labels: a score of minus the position in
    the order class (in the order of ``st.classes``), then score (highest first), then id,
    so that `top_k` with ``ties="by_id"`` takes the first ``k`` of that order.
    """
    if rank_by == "score" or st.labels is None or not st.classes:
        return st
    ids = st.ids.tolist()
    pos = {c: j for j, c in enumerate(st.classes)}
    cls = np.fromiter((pos[c] for c in st.labels.tolist()), dtype=np.intp, count=len(ids))
    order = _ranked(ids, [cls, -np.asarray(st.scores)])
    key = np.empty(len(ids), dtype=np.float64)
    key[order] = -np.arange(len(ids), dtype=np.float64)
    return ScoreTable.from_scores(ids, key, scorer=st.scorer)


@attrs.frozen(eq=False)
class RecoveryResult:
    """How well each scorer recovered the true top-k, per noise level and replication.

    Made by `recovery_experiment`. ``precision[s, l, r]`` is the share of the true top-k
    in scorer ``s``'s top-k on replication ``r`` at noise ``noise[l]``; ``jaccard`` the
    size of their intersection over their union (``p / (2 - p)`` for two sets of ``k``).
    A random top-k has expected precision ``k / n`` (`chance`). Arrays are read-only.

    Attributes:
        scorers: Scorer names, in the order compared.
        noise: The noise levels.
        n: Accounts per table.
        k: Size of the top.
        seed: The experiment's seed.
        rank_by: ``"class"`` or ``"score"`` (see `recovery_experiment`).
        precision: ``(S, L, R)`` precision@k.
        jaccard: ``(S, L, R)`` Jaccard index.

    Examples:
        >>> from kamlib.research import recovery_experiment
        >>> res = recovery_experiment([0.0, 2.0], n=200, k=20, replications=3, seed=1,
        ...                           scorers={"wp": kamlib.scoring.WeightedPoints()})
        >>> res.precision.shape, res.mean()[0, 0]  # no noise: the truth itself
        ((1, 2, 3), np.float64(1.0))
    """

    scorers: tuple[str, ...]
    noise: tuple[float, ...]
    n: int
    k: int
    seed: int
    rank_by: str
    precision: FloatArray
    jaccard: FloatArray

    @property
    def replications(self) -> int:
        """Replications per noise level.

        Examples:
            >>> from kamlib.research import recovery_experiment
            >>> recovery_experiment([1.0], n=50, k=5, replications=2, seed=0,
            ...     scorers={"wp": kamlib.scoring.WeightedPoints()}).replications
            2
        """
        return int(self.precision.shape[2])

    @property
    def chance(self) -> float:
        """``k / n``: the expected precision of a top-k drawn at random.

        Examples:
            >>> from kamlib.research import recovery_experiment
            >>> recovery_experiment([1.0], n=50, k=5, replications=2, seed=0,
            ...     scorers={"wp": kamlib.scoring.WeightedPoints()}).chance
            0.1
        """
        return self.k / self.n

    def _metric(self, metric: str) -> FloatArray:
        check_choice("RecoveryResult.metric", metric, METRICS)
        return self.precision if metric == "precision" else self.jaccard

    def mean(self, metric: str = "precision") -> FloatArray:
        """``(S, L)`` mean of ``metric`` (``"precision"`` or ``"jaccard"``) over replications.

        Examples:
            >>> from kamlib.research import recovery_experiment
            >>> res = recovery_experiment([0.0], n=50, k=5, replications=2, seed=0,
            ...     scorers={"wp": kamlib.scoring.WeightedPoints()})
            >>> res.mean("jaccard").tolist()
            [[1.0]]
        """
        out: FloatArray = self._metric(metric).mean(axis=2)
        return out

    def spread(self, metric: str = "precision") -> FloatArray:
        """``(S, L)`` sample standard deviation (``ddof=1``) of ``metric`` over replications.

        Examples:
            >>> from kamlib.research import recovery_experiment
            >>> res = recovery_experiment([0.0], n=50, k=5, replications=2, seed=0,
            ...     scorers={"wp": kamlib.scoring.WeightedPoints()})
            >>> res.spread().tolist()
            [[0.0]]
        """
        out: FloatArray = self._metric(metric).std(axis=2, ddof=1)
        return out

    def rows(self) -> list[tuple[str, float, float, float, float, float]]:
        """``(scorer, noise, precision mean, spread, jaccard mean, spread)`` per cell.

        Examples:
            >>> from kamlib.research import recovery_experiment
            >>> res = recovery_experiment([0.0], n=50, k=5, replications=2, seed=0,
            ...     scorers={"wp": kamlib.scoring.WeightedPoints()})
            >>> res.rows()
            [('wp', 0.0, 1.0, 0.0, 1.0, 0.0)]
        """
        pm, ps = self.mean("precision"), self.spread("precision")
        jm, js = self.mean("jaccard"), self.spread("jaccard")
        return [
            (name, sigma, float(pm[a, b]), float(ps[a, b]), float(jm[a, b]), float(js[a, b]))
            for a, name in enumerate(self.scorers)
            for b, sigma in enumerate(self.noise)
        ]


def _scorer_map(path: str, scorers: object) -> dict[str, Scorer]:
    if scorers is None:
        return dict(DEFAULT_RECOVERY_SCORERS)
    if isinstance(scorers, Mapping):
        items = list(scorers.items())
    elif isinstance(scorers, Sequence) and not isinstance(scorers, str):
        items = []
        for i, s in enumerate(scorers):
            if not isinstance(s, Scorer):
                raise InvalidTypeError(f"{path}[{i}]", s, "must be a Scorer")
            items.append((s.name, s))
        names = [a for a, _ in items]
        dup = sorted({a for a in names if names.count(a) > 1})
        if dup:
            raise InvalidValueError(
                path, dup[0], "names two scorers: pass a mapping {name: scorer} instead"
            )
    else:
        raise InvalidTypeError(path, scorers, "must be a mapping name -> Scorer or a sequence")
    if not items:
        raise InvalidValueError(path, scorers, "must hold at least one scorer")
    out: dict[str, Scorer] = {}
    for name, s in items:
        check_name(f"{path}.name", name)
        if not isinstance(s, Scorer):
            raise InvalidTypeError(f"{path}[{name!r}]", s, "must be a Scorer")
        out[name] = s
    return out


def recovery_experiment(
    noise: Sequence[float],
    *,
    seed: int,
    n: int = 500,
    k: int = 25,
    replications: int = 20,
    scorers: Mapping[str, Scorer] | Sequence[Scorer] | None = None,
    correlation: float | Sequence[Sequence[float]] | NDArray[np.float64] = 0.0,
    missing: float = 0.0,
    loadings: float | Sequence[float] = 1.0,
    criteria: Sequence[str] | None = None,
    complete: Sequence[str] | None = None,
    rank_by: str = "class",
) -> RecoveryResult:
    """Measure how well each scorer recovers the true top-k as the noise grows.

    For every replication ``r`` and noise level ``sigma``: draw ``ground_truth_table(n,
    seed=s_r, noise=sigma, ...)``, fit each scorer on the table and score it, and compare
    the scorer's top ``k`` with the ``k`` accounts of highest latent value
    ([`GroundTruth.true_top`][kamlib.synthetic.GroundTruth.true_top]): precision@k and
    Jaccard (see `RecoveryResult`).

    **Seeds.** ``s_r`` is word ``r`` of ``numpy.random.SeedSequence(seed).generate_state(
    replications)``; every noise level of a replication uses the same ``s_r``, so the
    tables share their latent values and standard errors and differ only in the noise
    scale (common random numbers): the curve over noise is smooth at few replications,
    and adding replications keeps the earlier ones.

    **Ranking** (kamlib's choice). ``rank_by="class"`` (default) orders a scorer's accounts
    by class first when its result has labels, in the order of its ``classes`` (every
    built-in lists its best class first: the value matrix's ``strategic`` quadrant, a key
    account, a green light), then by score, highest first; ``"score"`` by score alone.
    Ties are broken by id. Precision and Jaccard are then the public
    [`precision_at_k`][kamlib.research.precision_at_k] and
    [`top_k_jaccard`][kamlib.research.top_k_jaccard] with ``ties="by_id"`` between that
    ranking and the latent values (whose top ``k``, ties by id, is ``true_top(k)``).
    The value matrix's score is its strategic-importance axis
    alone, so ranking it by score alone ignores its contribution axis.

    The defaults (n = 500, k = 25) read source [004]'s rule of thumb, a key-account list
    of at most 25, against a portfolio twenty times that size.

    Args:
        noise: The noise levels (``sigma`` of `ground_truth_table`), at least one.
        seed: Seed of the experiment, a non-negative int.
        n: Accounts per table, at least 2.
        k: Size of the top, 1 to ``n - 1``.
        replications: Tables per noise level, at least 2 (for a spread).
        scorers: ``{name: scorer}`` or scorers (named by their ``name``), unfitted or
            fitted (``fit`` learns what is still unset); default
            `DEFAULT_RECOVERY_SCORERS`.
        correlation: As in `ground_truth_table`.
        missing: As in `ground_truth_table`.
        loadings: As in `ground_truth_table`.
        criteria: As in `ground_truth_table`; must hold every column the scorers read.
        complete: As in `ground_truth_table`: by default
            [`DEFAULT_COMPLETE`][kamlib.synthetic.DEFAULT_COMPLETE], which every default
            scorer needs; with ``complete=()`` the value matrix refuses an account missing
            its profit or every strategic attribute.
        rank_by: ``"class"`` or ``"score"``.

    Returns:
        A `RecoveryResult`.

    Raises:
        InvalidTypeError: A parameter of the wrong type, a scorer that is not a Scorer.
        InvalidValueError: An empty or invalid noise grid, ``k`` outside ``[1, n-1]``,
            fewer than 2 replications, two scorers of one name, and everything
            `ground_truth_table` refuses.
        MissingFeatureError: A scorer reads a column the criteria do not hold.

    Examples:
        >>> from kamlib.research import recovery_experiment
        >>> res = recovery_experiment([0.0, 1.0, 3.0], n=300, k=15, replications=4, seed=3)
        >>> res.scorers
        ('value_matrix', 'weighted_points', 'empirical_estimate', 'health_model')
        >>> p = res.mean()[1]  # weighted points
        >>> bool(p[0] == 1.0 and p[0] > p[1] > p[2])
        True
    """
    where = "recovery_experiment"
    levels: object = unwrap_0d(noise)
    if isinstance(levels, str) or not isinstance(levels, Sequence | np.ndarray):
        raise InvalidTypeError(f"{where}.noise", levels, "must be a sequence of noise levels")
    grid = tuple(check_real(f"{where}.noise[{i}]", s, ge=0.0) for i, s in enumerate(levels))
    if not grid:
        raise InvalidValueError(f"{where}.noise", [], "must hold at least one noise level")
    seed_ = check_int(f"{where}.seed", seed, ge=0)
    n_ = check_int(f"{where}.n", n, ge=2)
    k_ = check_int(f"{where}.k", k, ge=1, le=n_ - 1)
    reps = check_int(f"{where}.replications", replications, ge=2, le=100_000)
    rank = check_choice(f"{where}.rank_by", rank_by, RANK_BY)
    methods = _scorer_map(f"{where}.scorers", scorers)
    seeds = np.random.SeedSequence(seed_).generate_state(reps).tolist()
    prec = np.empty((len(methods), len(grid), reps), dtype=np.float64)
    jacc = np.empty_like(prec)
    for r, s_r in enumerate(seeds):
        for b, sigma in enumerate(grid):
            gt = ground_truth_table(
                n_,
                seed=int(s_r),
                noise=sigma,
                correlation=correlation,
                missing=missing,
                criteria=criteria,
                loadings=loadings,
                complete=complete,
            )
            truth = ScoreTable.from_scores(gt.ids, gt.latent, scorer="latent")
            for a, scorer in enumerate(methods.values()):
                found = _recovery_ranking(scorer.fit(gt.table).score(gt.table), rank)
                prec[a, b, r] = precision_at_k(found, truth, k_, ties="by_id")
                jacc[a, b, r] = top_k_jaccard(found, truth, k_, ties="by_id")
    return RecoveryResult(
        scorers=tuple(methods),
        noise=grid,
        n=n_,
        k=k_,
        seed=seed_,
        rank_by=rank,
        precision=_readonly(prec),
        jaccard=_readonly(jacc),
    )
