"""Weighted-points identification (综合积分法): source [002] names it, [004] shows it.

Source [002] names the method and re-evaluates the key-account list with it **every 3
months**; it does not describe it ("此处不再重复论述"). The mechanics here are the standard
reading, kamlib's: score each candidate on weighted criteria, **0 to 10** points each, and
qualify the accounts at or above a threshold. Source [004] shows such a table (12 criteria
of 10 points, weighted) on another subject, comparing CRM vendors, and gives the rule of
thumb that a key-account list holds **5 to 25** accounts.

The model::

    points_j(x) = mapping_j(x)            (benefit criterion, 0..10)
                = 10 - mapping_j(x)       (cost criterion)
    score       = sum_j w_j * points_j    with w = weights / sum(weights)

so the score is a weighted average of points, on the same 0..10 scale, and does not change
when all weights are multiplied by one positive number.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any, ClassVar

import attrs
import numpy as np
from numpy.typing import ArrayLike, NDArray

from kamlib._table import MAX_MAGNITUDE, FeatureTable
from kamlib._validators import (
    as_float,
    as_int,
    as_tuple,
    check_int,
    each,
    instance_of,
    integer,
    non_empty_str,
    one_of,
    optional,
    real,
)
from kamlib.errors import InvalidValueError, NotFittedError
from kamlib.scoring._config import scorer_config, scorer_from_config
from kamlib.scoring._kernel import (
    BLOCK_ROWS,
    MISSING_POLICIES,
    LinearForm,
    blocks,
    normalised,
    observed_share,
    row_weights,
    usable_rows,
    weight_rows,
)
from kamlib.scoring._mappings import (
    POINTS_MAX,
    AnyMapping,
    Bands,
    MinMax,
    Percentile,
    Piecewise,
    mapping_learn,
    mapping_need,
)
from kamlib.scoring._population import Need, Sample, canonical, fit_in_memory
from kamlib.scoring._protocol import require_columns
from kamlib.scoring._result import (
    ExplainDetails,
    ScoreTable,
    config_hash,
    fmt_value,
    owned_readonly,
)

__all__ = ["DEFAULT_CRITERIA", "Criterion", "KeyAccountList", "WeightedPoints"]

FloatArray = NDArray[np.float64]
_MAPPING_TYPES = (MinMax, Percentile, Bands, Piecewise)
_DIRECTIONS = ("benefit", "cost")
MISSING: tuple[str, ...] = MISSING_POLICIES
"""Missing-data policies of weighted points: all four of the one vocabulary."""
_CLASSES = ("key", "not_key")
_REASON_TEXTS = MappingProxyType(
    {
        "qualifies": "weighted points at or above the threshold",
        "partial_data": "some criteria missing (see coverage)",
    }
)


@attrs.frozen
class Criterion:
    """One weighted criterion: a feature, its weight, its direction and its 0-10 mapping.

    Attributes:
        feature: The FeatureTable column.
        weight: Non-negative weight; only ratios between criteria matter.
        direction: ``"benefit"`` (more is better) or ``"cost"`` (less is better: the points
            are ``10 - mapping(x)``).
        mapping: `MinMax` (default: range learned by ``fit``), `Percentile`,
            `Bands` or `Piecewise`.

    Examples:
        >>> from kamlib.scoring import Bands, Criterion
        >>> c = Criterion("open_risks", 2, direction="cost", mapping=Bands([1, 3], [0, 5, 10]))
        >>> c.weight, c.direction
        (2.0, 'cost')
        >>> Criterion("nps", -1)
        Traceback (most recent call last):
        ...
        kamlib.errors.InvalidValueError: Criterion.weight: must be a real number in [0, 1e+15]; \
got -1.0
    """

    feature: str = attrs.field(validator=non_empty_str())
    weight: float = attrs.field(
        default=1.0, converter=as_float, validator=real(ge=0.0, le=MAX_MAGNITUDE)
    )
    direction: str = attrs.field(default="benefit", kw_only=True, validator=one_of(*_DIRECTIONS))
    mapping: AnyMapping = attrs.field(
        factory=MinMax, kw_only=True, validator=instance_of(*_MAPPING_TYPES)
    )


DEFAULT_CRITERIA: tuple[Criterion, ...] = tuple(
    Criterion(f)
    for f in (
        "profit",
        "revenue_growth",
        "purchase_stability",
        "interaction_frequency",
        "satisfaction",
        "nps",
        "cooperation_breadth",
        "commitment_fulfilment",
        "strategic_fit",
        "value_potential",
        "resource_complementarity",
    )
)
"""Eleven equally weighted benefit criteria with fitted min-max ranges: kamlib's own choice.

Source [004] shows the weighted-points method with 12 criteria of 0-10 points, but on CRM
vendors, not accounts; the sources list no key-account criteria. These are kamlib's
canonical features covering value, relationship [000] and strategy [000]. Value is
**profit after cost-to-serve, not revenue** (source [004] judges key-account work by the
profit a customer brings, and says paying by revenue drives short-term selling), so
revenue is not a default criterion: a loss-making account never outranks an otherwise
equal profitable one, however large its revenue. Add ``Criterion("revenue")`` yourself if
you want it."""


def _ints(value: object) -> object:
    t: object = as_tuple(value)  # type: ignore[arg-type]
    return tuple(as_int(v) for v in t) if isinstance(t, tuple) else t


def _len_ids(self: KeyAccountList) -> int:
    return len(self.ids)


@attrs.frozen
class KeyAccountList:
    """The ranked key-account list and the source [004] size guardrail.

    Source rule [004]: keep the list short, **5 to 25** key accounts as a rule of thumb. A list
    outside the bounds is *flagged*, never refused: the decision stays with the user.

    The guardrail judges the number of accounts that **qualify** (score at or above the
    threshold), before any ``top`` cut: showing the top 25 of 145 qualifying accounts is
    still a list of 145 candidates, and is flagged ``too_many``.

    Attributes:
        ids: Listed account ids, best first (ties broken by id, ascending).
        scores: Their scores, in the same order.
        bounds: The ``(low, high)`` guardrail used.
        flag: ``None`` when ``qualifying`` is inside the bounds, ``"too_few"`` or
            ``"too_many"`` otherwise.
        qualifying: How many accounts qualify before the ``top`` cut (default: the list
            length). Without a threshold nothing qualifies by score and the ``top``
            selection is the list, so this is the list length.

    Examples:
        >>> from kamlib.scoring import KeyAccountList
        >>> kal = KeyAccountList(("A", "B"), (9.0, 8.0), (5, 25), "too_few")
        >>> kal.within_bounds, len(kal), kal.qualifying
        (False, 2, 2)
        >>> kal.message
        '2 key accounts: fewer than 5 (source [004]: keep 5 to 25)'
        >>> KeyAccountList(("A",), (9.0,), (5, 25), "too_few").message[:26]
        '1 key account: fewer than '
        >>> top2 = KeyAccountList(("A", "B"), (9.0, 8.0), (5, 25), "too_many", qualifying=145)
        >>> head, tail = top2.message.split(" - ")
        >>> head
        '145 accounts qualify; showing the top 2'
        >>> tail
        'too many: more than 25 (source [004]: keep 5 to 25)'
    """

    ids: tuple[str, ...]
    scores: tuple[float, ...]
    bounds: tuple[int, int]
    flag: str | None
    qualifying: int = attrs.field(default=attrs.Factory(_len_ids, takes_self=True))

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def within_bounds(self) -> bool:
        """True when the number of qualifying accounts is inside ``bounds``.

        Examples:
            >>> from kamlib.scoring import KeyAccountList
            >>> KeyAccountList(("A", "B"), (9.0, 8.0), (1, 5), None).within_bounds
            True
            >>> KeyAccountList(("A", "B"), (9.0, 8.0), (5, 25), "too_few").within_bounds
            False
        """
        return self.flag is None

    @property
    def truncated(self) -> bool:
        """True when ``top`` cut the list shorter than the qualifying accounts.

        Examples:
            >>> from kamlib.scoring import KeyAccountList
            >>> KeyAccountList(("A", "B"), (9.0, 8.0), (1, 5), None).truncated
            False
            >>> KeyAccountList(("A", "B"), (9.0, 8.0), (1, 5), None, qualifying=4).truncated
            True
        """
        return self.qualifying > len(self.ids)

    @property
    def message(self) -> str:
        """A readable statement of the guardrail verdict (on the qualifying count).

        Examples:
            >>> from kamlib.scoring import KeyAccountList
            >>> KeyAccountList(("A", "B"), (9.0, 8.0), (1, 5), None).message
            '2 key accounts: within (source [004]: keep 1 to 5)'
            >>> KeyAccountList(("A",), (9.0,), (1, 5), None, qualifying=3).message
            '3 accounts qualify; showing the top 1 - within (source [004]: keep 1 to 5)'
        """
        lo, hi = self.bounds
        rule = f"(source [004]: keep {lo} to {hi})"
        if self.truncated:
            q = self.qualifying
            head = f"{q} account{'s' if q != 1 else ''} qualif{'y' if q != 1 else 'ies'}; "
            head += f"showing the top {len(self)}"
            if self.flag == "too_few":
                return f"{head} - too few: fewer than {lo} {rule}"
            if self.flag == "too_many":
                return f"{head} - too many: more than {hi} {rule}"
            return f"{head} - within {rule}"
        head = f"{len(self)} key account{'s' if len(self) != 1 else ''}"
        if self.flag == "too_few":
            return f"{head}: fewer than {lo} {rule}"
        if self.flag == "too_many":
            return f"{head}: more than {hi} {rule}"
        return f"{head}: within {rule}"


# Folding ``10 * (x - lo) / (hi - lo)`` into ``s * x + b`` loses about ``eps * |b|`` points
# to cancellation; beyond this intercept (error ~1e-11 points) the criterion is mapped
# unfolded. The choice depends on the fitted range only, never on the batch.
_FOLD_MAX_INTERCEPT = 1e5


@attrs.frozen
class _Term:
    """How one criterion turns its column into weighted points (fixed by the parameters).

    ``affine``: points ``slope * x + icpt`` (a folded MinMax, ``x`` clipped to
    ``[lo, hi]`` first when the mapping clips); otherwise ``mapping.points`` (with
    ``10 - p`` for a cost criterion).
    """

    affine: bool
    slope: float
    icpt: float
    lo: float
    hi: float
    clip: bool
    mapping: AnyMapping
    cost: bool

    def needs_clip(self, lo: float, hi: float) -> bool:
        """Whether a column observed within ``[lo, hi]`` must be clipped at all.

        Clipping is the identity on values inside the range, so skipping it when the
        table's kept bounds are inside gives the same bits: speed, not a second path.
        """
        return self.clip and not (lo >= self.lo and hi <= self.hi)

    def weighted(
        self, x: FloatArray, e: FloatArray | float, clip: bool, out: FloatArray
    ) -> FloatArray:
        """Write ``e * points(x)`` into ``out``: ``e * slope * x`` if affine, else mapped."""
        if self.affine:
            a = e * self.slope
            if clip:
                np.clip(x, self.lo, self.hi, out=out)
                out *= a
            else:
                np.multiply(x, a, out=out)
            return out
        p = self.mapping.points(x)
        if self.cost:
            p = POINTS_MAX - p
        np.multiply(p, e, out=out)
        return out

    def offset(self, e: FloatArray | float) -> FloatArray | float:
        """The constant part ``e * icpt`` of an affine term (0 for a mapped one)."""
        return e * self.icpt if self.affine else 0.0


def _terms(criteria: tuple[Criterion, ...]) -> tuple[_Term, ...]:
    out = []
    for c in criteria:
        m = c.mapping
        cost = c.direction == "cost"
        if isinstance(m, MinMax):
            s, b = m.linear()  # a sub-normal range gives slope inf, intercept nan
            if math.isfinite(s) and abs(b) <= _FOLD_MAX_INTERCEPT:
                if cost:
                    s, b = -s, POINTS_MAX - b
                lo = m.lo if m.lo is not None else -np.inf
                hi = m.hi if m.hi is not None else np.inf
                out.append(_Term(True, s, b, lo, hi, m.clip, m, cost))
                continue
        out.append(_Term(False, 0.0, 0.0, -np.inf, np.inf, False, m, cost))
    return tuple(out)


def _column(E: FloatArray, j: int, rows: slice | NDArray[np.intp]) -> FloatArray | float:
    """Column ``j`` of the weights for ``rows``: a scalar for constant weights."""
    return float(E[j]) if E.ndim == 1 else E[rows, j]


def _kernel(
    X: FloatArray, E: FloatArray, terms: tuple[_Term, ...], clip: tuple[bool, ...]
) -> FloatArray:
    """Score ``sum_j e_j * points_j(x_j)`` row by row, columns left to right, in blocks.

    The same operations for every row whatever the batch; ``E`` is ``(k,)`` (constant)
    or ``(n, k)`` (per row, with complete rows equal to the constant bit for bit).
    """
    n = X.shape[0]
    out = np.empty(n, dtype=np.float64)
    buf = np.empty(min(n, BLOCK_ROWS), dtype=np.float64)
    if E.ndim == 1 and all(t.affine and not c for t, c in zip(terms, clip, strict=True)):
        # Constant weights, folded terms, no clip: the loop below with its per-column
        # factors e * slope and the summed intercepts computed once (the same bits).
        es = [float(E[j]) for j in range(len(terms))]
        factors = [ej * tj.slope for ej, tj in zip(es, terms, strict=True)]
        const = 0.0
        for ej, tj in zip(es, terms, strict=True):
            const = const + float(tj.offset(ej))
        cols = [X[:, j] for j in range(len(terms))]
        for rows in blocks(n):
            o = out[rows]
            tmp = buf[: o.shape[0]]
            np.multiply(cols[0][rows], factors[0], out=o)
            for col, a in zip(cols[1:], factors[1:], strict=True):
                np.multiply(col[rows], a, out=tmp)
                o += tmp
            o += const
        return out
    for rows in blocks(n):
        o = out[rows]
        tmp = buf[: o.shape[0]]
        c: FloatArray | float = 0.0
        for j, t in enumerate(terms):
            e = _column(E, j, rows)
            if j == 0:
                t.weighted(X[rows, j], e, clip[j], o)
            else:
                o += t.weighted(X[rows, j], e, clip[j], tmp)
            c = c + t.offset(e)
        o += c
    return out


@attrs.frozen(eq=False)
class _Contributions:
    """Lazy ``(n, k)`` contributions: ``e_j * points_j``, the terms the kernel adds up."""

    X: FloatArray
    E: FloatArray
    terms: tuple[_Term, ...]
    clip: tuple[bool, ...]
    fill: FloatArray | None = None  # (n, k) points of filled-in missing cells, weighted

    def compute(self) -> FloatArray:
        n, k = self.X.shape
        out = np.empty((n, k), dtype=np.float64, order="F")
        every = slice(None)
        for j, t in enumerate(self.terms):
            e = _column(self.E, j, every)
            t.weighted(self.X[:, j], e, self.clip[j], out[:, j])
            out[:, j] += t.offset(e)
        if self.fill is not None:
            out += self.fill
        return out

    def take(self, rows: NDArray[np.intp]) -> _Contributions:
        E = self.E if self.E.ndim == 1 else self.E[rows]
        fill = None if self.fill is None else self.fill[rows]
        return _Contributions(self.X[rows], E, self.terms, self.clip, fill)


@attrs.frozen(eq=False)
class _Why:
    """Explanation details: each criterion's raw value and points, and the threshold test."""

    scorer: WeightedPoints
    table: FeatureTable
    rows: NDArray[np.intp] | None = None

    def details(
        self, row: int, score: float, label: str | None, reasons: tuple[str, ...]
    ) -> ExplainDetails:
        r = row if self.rows is None else int(self.rows[row])
        inputs: list[tuple[str, float | None]] = []
        seen: list[tuple[str, float, float]] = []  # (criterion, raw value, points)
        for c in self.scorer.criteria:
            gone = self.table.missing is not None and bool(self.table.is_missing(c.feature)[r])
            x = None if gone else float(self.table.column(c.feature)[r])
            inputs.append((c.feature, x))
            if x is not None:
                with np.errstate(over="ignore", invalid="ignore"):
                    p = float(c.mapping.points(np.array([x]))[0])
                seen.append((c.feature, x, POINTS_MAX - p if c.direction == "cost" else p))
        points = [(name, p) for name, _, p in seen]
        best = sorted(seen, key=lambda t: -t[2])[:3]
        summary = f"weighted points {score:.3g} of 10"
        thr = self.scorer.threshold
        if thr is not None:
            key = score >= thr
            summary += (
                f" {'>=' if key else '<'} threshold {thr:g} -> "
                f"{'a key account' if key else 'not a key account'}"
            )
        if best:
            summary += "; highest points: " + ", ".join(
                f"{name} {fmt_value(x)} -> {p:.3g}" for name, x, p in best
            )
        return ExplainDetails(inputs=tuple(inputs), points=tuple(points), summary=summary)

    def take(self, rows: NDArray[np.intp]) -> _Why:
        return _Why(self.scorer, self.table, rows if self.rows is None else self.rows[rows])


@attrs.frozen
class WeightedPoints:
    """Weighted-points identification (综合积分法): weighted 0-10 points per criterion.

    Source [002] names the method and re-runs it every 3 months; the mechanics are the
    standard reading (kamlib's): each criterion gives 0 to 10 points, the weighted total
    decides, accounts at or above a threshold qualify. Source [004]'s example of the method
    scores CRM vendors on 12 criteria of 10 points.

    **Score** = ``sum_j w_j * points_j`` with the weights normalised to sum 1
    (`weights`), so it is on the 0..10 scale (with clipping mappings) and invariant to
    the weight scale. Contributions ``w_j * points_j`` add up to it (up to rounding: the
    kernel adds folded terms in another order).

    **Threshold.** The sources give no number, so the default is ``None``: no verdict, no
    labels. With a threshold, labels are ``"key"`` (score ``>= threshold``: ties at the
    threshold qualify) or ``"not_key"``, and ``margin`` = ``|score - threshold|``.

    **Same bits anywhere.** An account's score depends only on its own row and the
    parameters: the kernel adds the weighted points of the criteria left to right, with
    element-wise operations only (no BLAS product, whose rounding depends on where a row
    sits in the batch), and the weights of a row with nothing missing are the constant
    weights bit for bit. So the score is the same alone, in any batch, in any order, on any
    partition and whatever is missing in other rows, and the threshold is compared
    exactly: ``score >= threshold`` qualifies, with no tolerance.

    **Missing values** (declared in the FeatureTable), the one vocabulary of
    `MISSING_POLICIES`: ``missing="renormalise"``
    (default)
    leaves the criterion out and renormalises the weights over the observed ones for that
    account, reporting the observed weight share as ``coverage`` (an account with no
    observed criterion of positive weight is refused, decided on its missing cells and
    the weights, not on the rounded ``coverage``); ``"penalty"`` gives the missing
    criterion 0 points (the worst, whatever its direction) and ``"fill"`` gives it
    ``fill_points``, both with the weights unchanged; ``"raise"`` refuses the account.
    These rules are kamlib's own choice: the sources say nothing about missing data.

    **Speed.** A `MinMax` criterion whose range is not far from zero is folded into
    one multiply per value (``e * slope * x``, the intercepts summed once per row); the
    clip to the range (``MinMax.clip``, on by default) is skipped for a column whose
    observed minimum and maximum, kept on the FeatureTable since validation, lie inside
    the range: clipping would not change a bit there. Contributions are computed lazily.

    **Cadence.** ``review_every_months`` (default 3, source [002]) is metadata for the review
    process: kamlib reads no clock; re-fit and re-score on that schedule.

    Attributes:
        criteria: The criteria (default `DEFAULT_CRITERIA`); features must be unique;
            weights non-negative with at least one positive.
        threshold: Qualification threshold in points, or ``None`` for no verdict.
        missing: ``"renormalise"``, ``"penalty"``, ``"fill"`` or ``"raise"``.
        fill_points: Points (0 to 10) of a missing criterion, with ``missing="fill"`` only.
        list_bounds: Guardrail ``(low, high)`` on the key-account list length, default
            ``(5, 25)`` (source [004]).
        review_every_months: Review cadence metadata (source [002]: 3).

    Examples:
        >>> from kamlib import FeatureTable
        >>> from kamlib.scoring import Criterion, MinMax, WeightedPoints
        >>> t = FeatureTable.from_columns(
        ...     ["A1", "A2", "A3"],
        ...     {"profit": [100.0, 300.0, 500.0], "open_risks": [0, 2, 4]},
        ... )
        >>> wp = WeightedPoints(
        ...     [
        ...         Criterion("profit", 3),  # min-max range learned by fit
        ...         Criterion("open_risks", 1, direction="cost", mapping=MinMax(0, 4)),
        ...     ],
        ...     threshold=6.0,
        ... ).fit(t)
        >>> wp.shares
        (0.75, 0.25)
        >>> st = wp.score(t)
        >>> st.scores.tolist()  # A2: 0.75 * 5 + 0.25 * 5
        [2.5, 5.0, 7.5]
        >>> st.labels.tolist()
        ['not_key', 'not_key', 'key']
        >>> st.explain("A3").contributions
        (('profit', 7.5), ('open_risks', 0.0))
        >>> wp.key_accounts(st).ids, wp.key_accounts(st).flag
        (('A3',), 'too_few')
    """

    name: ClassVar[str] = "weighted_points"
    config_version: ClassVar[int] = 1
    criteria: tuple[Criterion, ...] = attrs.field(
        default=DEFAULT_CRITERIA, converter=as_tuple, validator=each(instance_of(Criterion))
    )
    threshold: float | None = attrs.field(
        default=None,
        kw_only=True,
        converter=as_float,
        validator=optional(real(ge=0.0, le=POINTS_MAX)),
    )
    missing: str = attrs.field(default="renormalise", kw_only=True, validator=one_of(*MISSING))
    fill_points: float | None = attrs.field(
        default=None,
        kw_only=True,
        converter=as_float,
        validator=optional(real(ge=0.0, le=POINTS_MAX)),
    )
    list_bounds: tuple[int, int] = attrs.field(
        default=(5, 25), kw_only=True, converter=_ints, validator=each(integer(ge=0))
    )
    review_every_months: int = attrs.field(
        default=3, kw_only=True, converter=as_int, validator=integer(ge=1)
    )

    def __attrs_post_init__(self) -> None:
        crit = self.criteria
        if not crit:
            raise InvalidValueError("WeightedPoints.criteria", crit, "must hold at least one")
        feats = [c.feature for c in crit]
        dup = sorted({f for f in feats if feats.count(f) > 1})
        if dup:
            raise InvalidValueError("WeightedPoints.criteria", dup[0], "names a feature twice")
        if not any(c.weight > 0 for c in crit):
            raise InvalidValueError(
                "WeightedPoints.criteria.weight",
                [c.weight for c in crit],
                "must hold at least one positive weight",
            )
        if (self.missing == "fill") != (self.fill_points is not None):
            raise InvalidValueError(
                "WeightedPoints.fill_points",
                self.fill_points,
                "is given exactly when missing='fill' (the points a missing criterion gets)",
            )
        bounds: tuple[int, ...] = self.list_bounds
        if len(bounds) != 2 or bounds[0] > bounds[1]:
            raise InvalidValueError(
                "WeightedPoints.list_bounds", bounds, "must be a pair (low, high) with low <= high"
            )

    # ------------------------------------------------------------------ protocol
    @property
    def is_fitted(self) -> bool:
        """True when every criterion's mapping is fitted (or fixed).

        Examples:
            >>> from kamlib import FeatureTable
            >>> from kamlib.scoring import Bands, Criterion, WeightedPoints
            >>> t = FeatureTable.from_columns(["A", "B"], {"x": [1.0, 3.0]})
            >>> wp = WeightedPoints([Criterion("x")])  # MinMax range still to learn
            >>> wp.is_fitted, wp.fit(t).is_fitted
            (False, True)
            >>> WeightedPoints([Criterion("x", mapping=Bands([2.0], [0.0, 10.0]))]).is_fitted
            True
        """
        return all(c.mapping.is_fitted for c in self.criteria)

    @property
    def required_features(self) -> tuple[str, ...]:
        """The criteria's features, in order.

        Examples:
            >>> from kamlib.scoring import Criterion, WeightedPoints
            >>> WeightedPoints([Criterion("profit", 3), Criterion("nps")]).required_features
            ('profit', 'nps')
        """
        return tuple(c.feature for c in self.criteria)

    @property
    def shares(self) -> tuple[float, ...]:
        """Each criterion's share of the total weight, summing to 1 (what the score uses).

        ``Criterion.weight`` is the raw weight you give; only ratios matter.

        Examples:
            >>> from kamlib.scoring import Criterion, WeightedPoints
            >>> WeightedPoints([Criterion("profit", 3), Criterion("nps", 1)]).shares
            (0.75, 0.25)
        """
        return normalised([c.weight for c in self.criteria])

    @property
    def classes(self) -> tuple[str, ...]:
        """``("key", "not_key")`` with a threshold, else ``()``.

        Examples:
            >>> from kamlib.scoring import Criterion, WeightedPoints
            >>> WeightedPoints([Criterion("x")], threshold=6.0).classes
            ('key', 'not_key')
            >>> WeightedPoints([Criterion("x")]).classes
            ()
        """
        return _CLASSES if self.threshold is not None else ()

    def fit(self, table: FeatureTable) -> WeightedPoints:
        """Learn the ranges/percentiles of the criteria that learn from data.

        Raises:
            MissingFeatureError: A criterion's column is missing.
            InvalidValueError: A learning criterion has no observed value.

        Examples:
            >>> from kamlib import FeatureTable
            >>> from kamlib.scoring import Criterion, WeightedPoints
            >>> t = FeatureTable.from_columns(["A", "B"], {"x": [2.0, 6.0]})
            >>> WeightedPoints([Criterion("x")]).fit(t).criteria[0].mapping.hi
            6.0
        """
        require_columns(table, self.required_features, self.name)
        fitted: WeightedPoints = fit_in_memory(self, table)
        return fitted

    def _fit_reading(self) -> _CriteriaReading | None:
        """What `fit` reads: each learning criterion's observed values (None: all pinned)."""
        todo = tuple(i for i, c in enumerate(self.criteria) if not c.mapping.is_fitted)
        return _CriteriaReading(self, todo) if todo else None

    def score(self, table: FeatureTable) -> ScoreTable:
        """Score every account (see the class docstring).

        Raises:
            NotFittedError: A criterion's mapping needs ``fit``.
            MissingFeatureError: A criterion's column is missing.
            InvalidValueError: A value is missing against the ``missing`` policy.

        Examples:
            >>> from kamlib import FeatureTable
            >>> from kamlib.scoring import Criterion, WeightedPoints
            >>> t = FeatureTable.from_columns(["A"], {"x": [1.0]})
            >>> WeightedPoints([Criterion("x")]).score(t)
            Traceback (most recent call last):
            ...
            kamlib.errors.NotFittedError: WeightedPoints.criteria[0].mapping: is not fitted; \
call fit() or pin the range; got 'x'
        """
        X, M, terms, clip = self._checked_matrix(table)
        n = X.shape[0]
        raw = [c.weight for c in self.criteria]
        component_missing: NDArray[np.bool_] | None = None
        fill: FloatArray | None = None
        coverage: FloatArray
        partial: NDArray[np.bool_]
        if M is None:
            E = row_weights(raw, None, renormalise=True)
            # Constant columns as read-only broadcast views: no n-sized writes.
            coverage = np.broadcast_to(np.float64(1.0), (n,))
            partial = np.broadcast_to(np.False_, (n,))
        else:
            renorm = self.missing == "renormalise"
            E = row_weights(raw, M, renormalise=renorm)
            X = np.where(M, 0.0, X)  # weight 0 there; any finite value gives 0 points
            if self.fill_points is not None:  # "fill": missing cells' points at their weight
                fill = np.where(M, row_weights(raw, None, renormalise=True), 0.0)
                fill *= self.fill_points
            component_missing = M
            coverage = observed_share(raw, M)
            partial = np.asarray(M.any(axis=1))
            if renorm and not (usable := usable_rows(raw, M)).all():
                i = int(np.flatnonzero(~usable)[0])
                raise InvalidValueError(
                    f"{self.name}.table",
                    table.ids[i],
                    "has no observed criterion for this account",
                )
        with np.errstate(over="ignore", invalid="ignore"):
            scores = _kernel(X, E, terms, clip)
        if fill is not None:  # 0.0 added to every complete row: their bits are unchanged
            for j in range(fill.shape[1]):
                scores += fill[:, j]
        contrib = _Contributions(X, E, terms, clip, fill)
        labels = margin = None
        flags: list[NDArray[np.bool_]] = [partial]
        codes: tuple[str, ...] = ("partial_data",)
        if self.threshold is not None:
            key = scores >= self.threshold
            labels = np.where(key, np.int8(0), np.int8(1))  # codes into ("key", "not_key")
            margin = np.abs(scores - self.threshold)
            flags.insert(0, key)
            codes = ("qualifies", "partial_data")
        return ScoreTable(
            scorer=self.name,
            config=self.get_config(),
            ids=table.ids,
            scores=owned_readonly(scores),
            components=self.required_features,
            contributions=contrib,
            coverage=owned_readonly(coverage),
            labels=owned_readonly(labels),
            classes=self.classes,
            margin=owned_readonly(margin),
            reason_codes=codes,
            reason_flags=owned_readonly(
                flags[0].reshape(n, 1) if len(flags) == 1 else np.column_stack(flags)
            ),
            reason_texts={c: _REASON_TEXTS[c] for c in codes},
            component_missing=owned_readonly(component_missing),
            details=_Why(self, table),
        )

    def score_many(self, table: FeatureTable, weights: ArrayLike) -> FloatArray:
        """Score every account under each of ``S`` weight vectors at once.

        Row ``s`` of the result is, **bit for bit**, ``score(table).scores`` of this scorer
        with its criteria's raw weights pinned to ``weights[s]`` (everything else kept):
        the same normalisation (``w / seq_sum(w)``), the same per-criterion factors, the
        same sum over the criteria left to right, the same missing-data policy. It is
        not a BLAS product ``W @ P.T``, whose rounding of a cell depends on where it sits
        in the batch: the sum runs over the criteria in a fixed order, each step one
        element-wise operation vectorised over weight vectors and accounts, in
        cache-sized blocks. What it saves is the per-call cost of ``score`` (checks, the
        result object, its explanations), which dominates when many weight vectors score
        a few thousand accounts: the weight analyses of ``kamlib.research`` (one-at-a-time
        perturbation, SMAA).

        Args:
            table: The accounts, as for `score`.
            weights: ``(S, c)`` raw weights, one row per weight vector, one column per
                criterion in `criteria` order; each row finite, in ``[0, 1e15]``, with a
                positive weight (only ratios matter, as for ``Criterion.weight``).

        Returns:
            A new ``(S, n)`` float64 array of scores (``S * n * 8`` bytes: chunk ``S``
            yourself for very large batches).

        Raises:
            NotFittedError: A criterion's mapping needs ``fit``.
            MissingFeatureError: A criterion's column is missing.
            InvalidTypeError: ``weights`` is not an array of real numbers.
            InvalidValueError: ``weights`` has the wrong shape, a negative, non-finite or
                too large weight, or a row without a positive weight (named by cell or
                row); a value is missing against the ``missing`` policy, or an account
                keeps no observed weight under some row (named, with the row).

        Examples:
            >>> import attrs
            >>> import numpy as np
            >>> from kamlib import FeatureTable
            >>> from kamlib.scoring import Criterion, MinMax, WeightedPoints
            >>> t = FeatureTable.from_columns(["A", "B"], {"x": [0.0, 10.0], "y": [10.0, 5.0]})
            >>> wp = WeightedPoints([Criterion("x", mapping=MinMax(0, 10)),
            ...                      Criterion("y", mapping=MinMax(0, 10))])
            >>> W = np.array([[1.0, 1.0], [3.0, 1.0]])
            >>> wp.score_many(t, W).tolist()
            [[5.0, 7.5], [2.5, 8.75]]
            >>> pinned = attrs.evolve(wp, criteria=[attrs.evolve(c, weight=w)
            ...                                     for c, w in zip(wp.criteria, W[1])])
            >>> np.array_equal(wp.score_many(t, W)[1], pinned.score(t).scores)
            True
            >>> wp.score_many(t, [[1.0, -1.0]])
            Traceback (most recent call last):
            ...
            kamlib.errors.InvalidValueError: WeightedPoints.score_many.weights[0, 1]: \
must be a real number in [0, 1e+15]; got -1.0
        """
        W = weight_rows(f"{type(self).__name__}.score_many.weights", weights, len(self.criteria))
        return self._linear_form(table).many(W)

    def _checked_matrix(
        self, table: FeatureTable
    ) -> tuple[FloatArray, NDArray[np.bool_] | None, tuple[_Term, ...], tuple[bool, ...]]:
        """The criteria's columns, missing cells, folded terms and clip flags, checked.

        The checks `score` and `_linear_form` share, in this order: every mapping fitted;
        the required columns; no missing cell under ``missing="raise"``.
        """
        for i, c in enumerate(self.criteria):
            if not c.mapping.is_fitted:
                raise NotFittedError(
                    f"WeightedPoints.criteria[{i}].mapping",
                    c.feature,
                    "is not fitted; call fit() or pin the range",
                )
        require_columns(table, self.required_features, self.name)
        names = list(self.required_features)
        X, M = table.matrix(names)
        terms = _terms(self.criteria)
        lo, hi = table.bounds(names)
        clip = tuple(
            t.needs_clip(float(a), float(b)) for t, a, b in zip(terms, lo, hi, strict=True)
        )
        if M is not None and self.missing == "raise":
            i, j = (int(v[0]) for v in np.nonzero(M))
            raise InvalidValueError(
                f"{self.name}.table[{self.required_features[j]!r}]",
                table.ids[i],
                "is missing for this account (missing='raise')",
            )
        return X, M, terms, clip

    def _linear_form(self, table: FeatureTable) -> LinearForm:
        """The arithmetic of `score` on ``table`` for any raw weights (see `score_many`).

        The same checks as `score`, in the same order; the points columns are what the
        kernel multiplies by each criterion's weight (clipped where `score` clips,
        missing cells as `score` reads them).
        """
        X, M, terms, clip = self._checked_matrix(table)
        if M is not None:
            X = np.where(M, 0.0, X)  # as score reads them: weight 0 there
        points: list[FloatArray] = []
        with np.errstate(over="ignore", invalid="ignore"):
            for j, t in enumerate(terms):
                x = X[:, j]
                if t.affine:
                    points.append(np.clip(x, t.lo, t.hi) if clip[j] else x)
                else:
                    p = t.mapping.points(x)
                    points.append(POINTS_MAX - p if t.cost else p)
        return LinearForm(
            ids=table.ids,
            points=tuple(points),
            slopes=tuple(t.slope if t.affine else None for t in terms),
            icpts=tuple(t.icpt if t.affine else 0.0 for t in terms),
            missing=M,
            renormalise=self.missing == "renormalise",
            fill=self.fill_points,
            path=self.name,
            empty_rule="coverage",
        )

    def key_accounts(
        self, result: ScoreTable, *, top: int | np.integer[Any] | None = None
    ) -> KeyAccountList:
        """Return the ranked key-account list with the source [004] 5-25 guardrail.

        Qualifying accounts are those with ``score >= threshold`` (ties at the threshold all
        qualify, with the tie rule of the class docstring); with ``top``, at most the
        ``top`` best of them (or of all accounts when there is no threshold). Ranking:
        score descending, ties broken by account id ascending, so the list is
        deterministic. The guardrail judges the number of *qualifying* accounts, before
        the ``top`` cut (``KeyAccountList.qualifying``): fewer or more than
        ``list_bounds`` is flagged (``too_few``/``too_many``), not refused.

        Args:
            result: A ScoreTable produced by this scorer.
            top: Optional maximum list length.

        Raises:
            InvalidValueError: ``result`` comes from another scorer, or from this one with
                another configuration (its ``config_hash`` differs: a list judged against
                a threshold it was not scored with would be wrong); neither a threshold
                nor ``top`` is set; ``top`` is negative.

        Examples:
            >>> import numpy as np
            >>> from kamlib import FeatureTable
            >>> from kamlib.scoring import Criterion, MinMax, WeightedPoints
            >>> ids = [f"A{i:02d}" for i in range(30)]
            >>> t = FeatureTable.from_columns(ids, {"x": np.arange(30.0)})
            >>> wp = WeightedPoints([Criterion("x", mapping=MinMax(0, 29))], threshold=5.0)
            >>> kal = wp.key_accounts(wp.score(t))
            >>> len(kal), kal.ids[:2], kal.flag
            (15, ('A29', 'A28'), None)
            >>> kal3 = wp.key_accounts(wp.score(t), top=3)
            >>> kal3.ids, kal3.qualifying, kal3.flag
            (('A29', 'A28', 'A27'), 15, None)
        """
        res: object = result
        if not isinstance(res, ScoreTable) or res.scorer != self.name:
            raise InvalidValueError(
                "result", getattr(res, "scorer", res), f"must be a {self.name} ScoreTable"
            )
        mine = config_hash(self.get_config())
        if res.config_hash != mine:
            raise InvalidValueError(
                "result.config_hash",
                res.config_hash,
                f"must be this scorer's ({mine}): the result was scored with another "
                "configuration (other criteria, ranges or threshold)",
            )
        if top is not None:
            top = check_int("top", top, ge=0)
        if self.threshold is None and top is None:
            raise InvalidValueError(
                "WeightedPoints.threshold", None, "is not set: pass threshold= or top="
            )
        by_id = np.argsort(result.ids, kind="stable")
        order = by_id[np.argsort(-result.scores[by_id], kind="stable")]
        if self.threshold is not None:
            order = order[result.scores[order] >= self.threshold]
        qualifying = int(order.size)  # the guardrail judges these, before the top cut
        if top is not None:
            order = order[:top]
            if self.threshold is None:
                qualifying = int(order.size)  # no threshold: the top selection is the list
        lo, hi = self.list_bounds
        flag = "too_few" if qualifying < lo else ("too_many" if qualifying > hi else None)
        return KeyAccountList(
            ids=tuple(str(v) for v in result.ids[order]),
            scores=tuple(float(v) for v in result.scores[order]),
            bounds=self.list_bounds,
            flag=flag,
            qualifying=qualifying,
        )

    def get_config(self) -> dict[str, Any]:
        """Return criteria, fitted ranges and options as JSON-compatible data.

        The one config form of every scorer: ``{"scorer", "version", <field>: ...}``.

        Examples:
            >>> from kamlib.scoring import WeightedPoints
            >>> cfg = WeightedPoints().get_config()
            >>> cfg["scorer"], cfg["version"], len(cfg["criteria"]), cfg["list_bounds"]
            ('weighted_points', 1, 11, [5, 25])
        """
        return scorer_config(self)

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> WeightedPoints:
        """Rebuild a scorer from `get_config` output, validated like user input.

        Raises:
            InvalidValueError: Unknown keys, another scorer's config, bad values (NaN...).
            InvalidTypeError: Values of the wrong type.

        Examples:
            >>> from kamlib.scoring import WeightedPoints
            >>> cfg = WeightedPoints(threshold=6).get_config()
            >>> WeightedPoints.from_config(cfg).threshold
            6.0
            >>> cfg["criteria"][0]["mapping"] = {"kind": "min_max", "lo": 0, "hi": float("nan")}
            >>> WeightedPoints.from_config(cfg)
            Traceback (most recent call last):
            ...
            kamlib.errors.InvalidValueError: WeightedPoints.criteria[0].mapping.hi: \
must be finite; got nan
        """
        return scorer_from_config(cls, config)


@attrs.frozen
class _CriteriaReading:
    """The fit of `WeightedPoints`, as questions: one quantity per learning criterion."""

    scorer: WeightedPoints
    todo: tuple[int, ...]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(f"criteria[{i}] {self.scorer.criteria[i].feature!r}" for i in self.todo)

    @property
    def needs(self) -> tuple[Need, ...]:
        return tuple(mapping_need(self.scorer.criteria[i].mapping) for i in self.todo)

    def values(self, table: FeatureTable) -> list[FloatArray]:
        require_columns(table, self.scorer.required_features, self.scorer.name)
        crit = self.scorer.criteria
        return [canonical(table.column(crit[i].feature)) for i in self.todo]

    def learn(self, samples: Sequence[Sample]) -> WeightedPoints:
        crit = list(self.scorer.criteria)
        for i, sample in zip(self.todo, samples, strict=True):
            c = crit[i]
            path = f"{self.scorer.name}.fit[{c.feature!r}]"
            crit[i] = attrs.evolve(c, mapping=mapping_learn(c.mapping, sample, path))
        return attrs.evolve(self.scorer, criteria=tuple(crit))
