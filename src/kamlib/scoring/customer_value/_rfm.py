"""RFM (recency, frequency, monetary): source [003]'s screen that picks a top 5 %.

Source [001] identifies key accounts from purchase history, frequency and amount; source
[003] names an RFM screen that picks a **top 5 %**. The sources give no bins, cuts, tie rule
or segments: those are kamlib's own choices, all parameters.

The model (per account, as of the date its features were computed)::

    R = 1 + #{cuts_R c : recency <= c}       (fewer days since the last purchase is better)
    F = 1 + #{cuts_F c : frequency >= c}
    M = 1 + #{cuts_M c : monetary >= c}
    score = w_R * R + w_F * F + w_M * M      (left to right)

Each axis has ``bins - 1`` non-decreasing cuts, so each bin score is in ``1..bins``
(``bins`` best). **Tie rule:** a value exactly on a cut goes to the better bin, on every
axis. The (R, F, M) cell names a segment through a segment table that must be a partition
of the cells; the top screen flags an account whose score is at or above ``top_cut``.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any, ClassVar

import attrs
import numpy as np
from numpy.typing import NDArray

from kamlib._table import MAGNITUDE, MAX_MAGNITUDE, FeatureTable
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
from kamlib.errors import InvalidTypeError, InvalidValueError, NotFittedError
from kamlib.scoring._config import scorer_config, scorer_from_config
from kamlib.scoring._population import Need, Sample, canonical, fit_in_memory
from kamlib.scoring._protocol import require_columns
from kamlib.scoring._result import ExplainDetails, ScoreTable, fmt_value, owned_readonly
from kamlib.scoring.customer_value._common import optional_floats, refuse_below, sequence

__all__ = [
    "DEFAULT_RFM_SEGMENTS",
    "MAX_BINS",
    "RFM",
    "RFM_FEATURES",
    "TOP_SHARE",
    "RfmSegment",
]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]

TOP_SHARE = 0.05
"""Source [003]: an RFM screen picks the **top 5 %** of customers; the default ``top_share``."""

RFM_FEATURES: Mapping[str, str] = MappingProxyType(
    {
        "recency": "purchase_recency_days",
        "frequency": "purchase_frequency",
        "total": "purchase_total",
        "mean": "purchase_mean",
    }
)
"""The columns RFM reads: recency, frequency and monetary (``monetary="total"`` or
``"mean"``), as [`purchase_features`][kamlib.features.purchase_features] writes them."""

MAX_BINS = 10
"""Most bins per axis (``10 ** 3`` cells; kamlib's bound)."""

_MISSING = ("raise", "penalty")
_REASON_TEXTS = MappingProxyType(
    {
        "top": "RFM score at or above the top-share cut (source [003]: top 5 %)",
        "partial_data": "an RFM input is missing; it got the worst bin (missing='penalty')",
    }
)


def _pair(value: object) -> Any:
    t: object = as_tuple(value)  # type: ignore[arg-type]
    return tuple(as_int(v) for v in t) if isinstance(t, tuple) else t


@attrs.frozen(repr=False)
class _Range:
    """attrs validator: an inclusive ``(low, high)`` pair of bin scores, ``1 <= low <= high``."""

    def __call__(self, inst: object, attr: attrs.Attribute[Any], value: object) -> None:
        path = f"{type(inst).__name__}.{attr.name}"
        if not isinstance(value, tuple) or len(value) != 2:
            raise InvalidTypeError(path, value, "must be a (low, high) pair of bin scores")
        for v in value:
            integer(ge=1, le=MAX_BINS)(inst, attr, v)
        if value[0] > value[1]:
            raise InvalidValueError(path, list(value), "must have low <= high")

    def __repr__(self) -> str:
        return "<bin range validator>"


def _range() -> Any:
    return attrs.field(converter=_pair, validator=_Range())


@attrs.frozen
class RfmSegment:
    """One row of an RFM segment table: a named box of (R, F, M) bin scores.

    Each range is inclusive, ``(low, high)`` in ``1..bins``. A segment may take several
    rows (the union of their boxes); the rows of a table must together put every cell in
    exactly one named segment (checked by [`RFM`][kamlib.scoring.RFM]).

    Attributes:
        name: The segment, e.g. ``"champions"``.
        recency: Range of R scores.
        frequency: Range of F scores.
        monetary: Range of M scores.

    Examples:
        >>> from kamlib.scoring import RfmSegment
        >>> s = RfmSegment("champions", (4, 5), (4, 5), (4, 5))
        >>> s.contains(5, 4, 4), s.contains(3, 5, 5)
        (True, False)
        >>> RfmSegment("x", (3, 2), (1, 5), (1, 5))
        Traceback (most recent call last):
        ...
        kamlib.errors.InvalidValueError: RfmSegment.recency: must have low <= high; got [3, 2]
    """

    name: str = attrs.field(validator=non_empty_str())
    recency: tuple[int, int] = _range()
    frequency: tuple[int, int] = _range()
    monetary: tuple[int, int] = _range()

    def contains(self, r: int, f: int, m: int) -> bool:
        """Whether the cell ``(r, f, m)`` lies in this row's box.

        Examples:
            >>> from kamlib.scoring import RfmSegment
            >>> RfmSegment("lost", (1, 2), (1, 2), (1, 5)).contains(2, 1, 5)
            True
        """
        return (
            self.recency[0] <= r <= self.recency[1]
            and self.frequency[0] <= f <= self.frequency[1]
            and self.monetary[0] <= m <= self.monetary[1]
        )


DEFAULT_RFM_SEGMENTS: tuple[RfmSegment, ...] = (
    RfmSegment("champions", (4, 5), (4, 5), (4, 5)),
    RfmSegment("loyal", (4, 5), (4, 5), (1, 3)),
    RfmSegment("loyal", (3, 3), (4, 5), (1, 5)),
    RfmSegment("at_risk", (1, 2), (4, 5), (1, 5)),
    RfmSegment("promising", (4, 5), (3, 3), (1, 5)),
    RfmSegment("needs_attention", (3, 3), (3, 3), (1, 5)),
    RfmSegment("about_to_sleep", (1, 2), (3, 3), (1, 5)),
    RfmSegment("new", (4, 5), (1, 2), (1, 5)),
    RfmSegment("hibernating", (3, 3), (1, 2), (1, 5)),
    RfmSegment("lost", (1, 2), (1, 2), (1, 5)),
)
"""Nine segments over 5 bins, kamlib's own choice (the sources name no RFM segments).

Recency and frequency split the cells into a 3 x 3 grid (bins 4-5 high, 3 middle, 1-2
low): **champions** (recent, frequent and big spenders, M 4-5) and **loyal** (recent and
frequent with M 1-3, or frequent with R 3), **at_risk** (frequent buyers gone quiet),
**promising**, **needs_attention**, **about_to_sleep**, **new** (recent, few purchases),
**hibernating**, **lost**. Monetary only splits champions from loyal; it always counts in
the score and so in the top screen."""


def _default_segments(self: RFM) -> tuple[RfmSegment, ...]:
    return DEFAULT_RFM_SEGMENTS if self.bins == 5 else ()


def _cell(r: int, f: int, m: int) -> str:
    return f"R{r}F{f}M{m}"


def segment_lookup(
    segments: tuple[RfmSegment, ...], bins: int
) -> tuple[tuple[str, ...], NDArray[np.uint16]]:
    """The segment names (in first-row order) and a ``(bins, bins, bins)`` code cube.

    Raises:
        InvalidValueError: A row's range exceeds ``bins``; a cell is in no named segment,
            or in more than one (the error names the cells).
    """
    names = tuple(dict.fromkeys(s.name for s in segments))
    code = {n: k for k, n in enumerate(names)}
    for i, s in enumerate(segments):
        for axis in ("recency", "frequency", "monetary"):
            hi = getattr(s, axis)[1]
            if hi > bins:
                raise InvalidValueError(
                    f"RFM.segments[{i}].{axis}", list(getattr(s, axis)), f"must lie in 1..{bins}"
                )
    owners: dict[tuple[int, int, int], set[str]] = {}
    for s in segments:
        for cell in itertools.product(
            range(s.recency[0], s.recency[1] + 1),
            range(s.frequency[0], s.frequency[1] + 1),
            range(s.monetary[0], s.monetary[1] + 1),
        ):
            owners.setdefault(cell, set()).add(s.name)
    scores = range(1, bins + 1)
    cells: list[tuple[int, int, int]] = list(itertools.product(scores, scores, scores))
    uncovered = [_cell(*c) for c in cells if c not in owners]
    if uncovered:
        raise InvalidValueError(
            "RFM.segments",
            uncovered,
            f"leave {len(uncovered)} of {len(cells)} cells in no segment: every R x F x M "
            "cell must be in exactly one named segment",
        )
    doubled = [f"{_cell(*c)} in {sorted(owners[c])}" for c in cells if len(owners[c]) > 1]
    if doubled:
        raise InvalidValueError(
            "RFM.segments",
            doubled,
            f"put {len(doubled)} cells in more than one segment: every R x F x M cell must "
            "be in exactly one named segment",
        )
    cube = np.empty((bins, bins, bins), dtype=np.uint16)
    for c in cells:
        (owner,) = owners[c]
        cube[c[0] - 1, c[1] - 1, c[2] - 1] = code[owner]
    return names, cube


@attrs.frozen(eq=False)
class _Contributions:
    """Lazy ``w_j * bin_j`` contributions, the terms the score adds up."""

    bins: tuple[FloatArray, FloatArray, FloatArray]
    weights: tuple[float, float, float]

    def compute(self) -> FloatArray:
        out = np.empty((self.bins[0].shape[0], 3), dtype=np.float64, order="F")
        for j in range(3):
            np.multiply(self.bins[j], self.weights[j], out=out[:, j])
        return out

    def take(self, rows: IntArray) -> _Contributions:
        r, f, m = (b[rows] for b in self.bins)
        return _Contributions((r, f, m), self.weights)


@attrs.frozen(eq=False)
class _Why:
    """Explanation details: each axis's value against its cuts, the cell and the screen."""

    scorer: RFM
    values: tuple[FloatArray, FloatArray, FloatArray]
    bins: tuple[FloatArray, FloatArray, FloatArray]
    gone: NDArray[np.bool_]  # (n, 3)

    def details(
        self, row: int, score: float, label: str | None, reasons: tuple[str, ...]
    ) -> ExplainDetails:
        s = self.scorer
        feats = s.required_features
        inputs: list[tuple[str, float | None]] = []
        parts: list[str] = []
        for j, letter in enumerate("RFM"):
            b = int(self.bins[j][row])
            if bool(self.gone[row, j]):
                inputs.append((feats[j], None))
                parts.append(f"{feats[j]} missing -> {letter}{b} (worst)")
            else:
                x = float(self.values[j][row])
                inputs.append((feats[j], x))
                parts.append(f"{feats[j]} {fmt_value(x)} -> {letter}{b}")
        r, f, m = (int(b[row]) for b in self.bins)
        summary = "; ".join(parts) + f"; cell {_cell(r, f, m)}"
        if label is not None:
            summary += f" -> {label}"
        assert s.top_cut is not None
        mark = ">=" if score >= s.top_cut else "<"
        summary += f"; score {score:.4g} {mark} top cut {s.top_cut:.4g}"
        points = tuple(zip(("recency", "frequency", "monetary"), (r, f, m), strict=True))
        return ExplainDetails(
            inputs=tuple(inputs),
            points=tuple((k, float(v)) for k, v in points),
            summary=summary,
        )

    def take(self, rows: IntArray) -> _Why:
        v0, v1, v2 = (v[rows] for v in self.values)
        b0, b1, b2 = (b[rows] for b in self.bins)
        return _Why(self.scorer, (v0, v1, v2), (b0, b1, b2), self.gone[rows])


_CUTS = sequence(None, descending=False, lo=-MAX_MAGNITUDE, hi=MAX_MAGNITUDE)


@attrs.frozen
class RFM:
    """RFM screen (recency, frequency, monetary): source [003]'s top-5 % screen, binned.

    Source [001] identifies key accounts from purchase history, frequency and amount;
    source [003] names an RFM screen that picks a **top 5 %** (``top_share``, default
    `TOP_SHARE`). Everything else is kamlib's own choice, a parameter: the bins, the
    quantile cuts, the tie rule, the weights and the segment table.

    **Inputs** (`RFM_FEATURES`, from
    [`purchase_features`][kamlib.features.purchase_features] as of a date):
    ``purchase_recency_days`` (days since the last purchase), ``purchase_frequency``
    (purchases in the window) and, by ``monetary``, ``purchase_total`` (the amount bought in
    the window) or ``purchase_mean`` (per purchase). Values must be ``>= 0``.

    **Bins and cuts.** Each axis has ``bins - 1`` non-decreasing cuts. ``fit`` learns the
    cuts still unset as the quantiles ``j / bins`` (``j = 1 .. bins - 1``, numpy's "linear"
    rule) of the observed values; cuts you give (``recency_cuts=`` ...) are pinned and
    never re-learned. ``R = 1 + #{c : recency <= c}``, ``F = 1 + #{c : frequency >= c}``,
    ``M = 1 + #{c : monetary >= c}``: ``bins`` is best on every axis. **Tie rule:** a
    value exactly on a cut goes to the better bin (so with many equal values, cuts
    coincide and some bins stay empty; with all values equal every account gets the best
    bin).

    **Score** ``= w_R R + w_F F + w_M M`` (``weights``, default equal), summed left to
    right; its contributions are the three weighted bins. **Top screen:** ``fit`` learns
    ``top_cut`` (unless pinned) as the ``1 - top_share`` quantile of the population's
    scores; the reason ``top`` fires where ``score >= top_cut``. Scores are few distinct
    values, so ties at the cut can let more than ``top_share`` of the accounts through:
    kamlib keeps every tied account rather than break the tie by anything but the inputs.

    **Segments.** A table of `RfmSegment` rows (default `DEFAULT_RFM_SEGMENTS` with 5
    bins, none otherwise) validated to be a partition: every (R, F, M) cell in exactly one
    named segment, or an [`InvalidValueError`][kamlib.errors.InvalidValueError] naming the
    uncovered or doubly covered cells. The label is the account's segment; without
    segments, no labels.

    **Missing values.** ``missing="penalty"`` (default) gives a declared-missing input the
    worst bin (1; an account that never bought has no recency), coverage is the observed
    share of the weights and ``partial_data`` fires; ``missing="raise"`` refuses it.

    Attributes:
        monetary: ``"total"`` or ``"mean"``: which monetary column.
        bins: Bins per axis, 2 to `MAX_BINS` (default 5, quintiles).
        weights: Non-negative weights of R, F and M (default equal), with
            ``bins * sum(weights) <= 1e15`` so that every score (and a top cut) is in range.
        recency_cuts: ``bins - 1`` non-decreasing cuts on recency (days), or ``None``.
        frequency_cuts: Cuts on frequency, or ``None``.
        monetary_cuts: Cuts on monetary, or ``None``.
        top_share: Share of accounts the top screen targets, in (0, 1) (default 0.05, [003]).
        top_cut: The score at or above which the screen fires, or ``None`` (learned).
        segments: The segment table (rows of `RfmSegment`).
        missing: ``"penalty"`` or ``"raise"``.

    Examples:
        >>> from kamlib import FeatureTable
        >>> from kamlib.scoring import RFM
        >>> t = FeatureTable.from_columns(
        ...     ["A1", "A2", "A3", "A4"],
        ...     {"purchase_recency_days": [3.0, 40.0, 200.0, 10.0],
        ...      "purchase_frequency": [12, 5, 1, 5],
        ...      "purchase_total": [90_000.0, 20_000.0, 500.0, 60_000.0]},
        ... )
        >>> rfm = RFM(bins=2).fit(t)  # median cuts
        >>> rfm.recency_cuts, rfm.frequency_cuts, rfm.monetary_cuts
        ((25.0,), (5.0,), (40000.0,))
        >>> st = rfm.score(t)
        >>> st.scores.tolist()  # R + F + M, each 1 or 2
        [6.0, 4.0, 3.0, 6.0]
        >>> rfm.top_cut, st.reasons_of("A1")
        (6.0, ('top',))
        >>> RFM().fit(t).score(t).labels.tolist()  # 5 bins: the default segments
        ['champions', 'at_risk', 'lost', 'champions']
    """

    name: ClassVar[str] = "rfm"
    config_version: ClassVar[int] = 1
    monetary: str = attrs.field(default="total", validator=one_of("total", "mean"))
    bins: int = attrs.field(
        default=5, kw_only=True, converter=as_int, validator=integer(ge=2, le=MAX_BINS)
    )
    weights: tuple[float, ...] = attrs.field(
        default=(1.0, 1.0, 1.0),
        kw_only=True,
        converter=optional_floats,
        validator=sequence(3, descending=None, lo=0.0, hi=MAX_MAGNITUDE, optional=False),
    )
    recency_cuts: tuple[float, ...] | None = attrs.field(
        default=None, kw_only=True, converter=optional_floats, validator=_CUTS
    )
    frequency_cuts: tuple[float, ...] | None = attrs.field(
        default=None, kw_only=True, converter=optional_floats, validator=_CUTS
    )
    monetary_cuts: tuple[float, ...] | None = attrs.field(
        default=None, kw_only=True, converter=optional_floats, validator=_CUTS
    )
    top_share: float = attrs.field(
        default=TOP_SHARE, kw_only=True, converter=as_float, validator=real(gt=0, lt=1)
    )
    top_cut: float | None = attrs.field(
        default=None, kw_only=True, converter=as_float, validator=optional(real(**MAGNITUDE))
    )
    segments: tuple[RfmSegment, ...] = attrs.field(
        default=attrs.Factory(_default_segments, takes_self=True),
        kw_only=True,
        converter=as_tuple,
        validator=each(instance_of(RfmSegment)),
    )
    missing: str = attrs.field(default="penalty", kw_only=True, validator=one_of(*_MISSING))
    _lookup: tuple[tuple[str, ...], NDArray[np.uint16]] | None = attrs.field(
        init=False, eq=False, repr=False, default=None
    )

    def __attrs_post_init__(self) -> None:
        if not any(x > 0 for x in self.weights):
            raise InvalidValueError(
                "RFM.weights", list(self.weights), "must hold a positive weight"
            )
        top = self.bins * ((self.weights[0] + self.weights[1]) + self.weights[2])
        if top > MAX_MAGNITUDE:  # the best score must fit a top_cut, learned or pinned
            raise InvalidValueError(
                "RFM.weights",
                list(self.weights),
                f"must keep the best score, bins x sum(weights) = {top:g}, at most 1e15",
            )
        for axis in ("recency", "frequency", "monetary"):
            c = getattr(self, f"{axis}_cuts")
            if c is not None and len(c) != self.bins - 1:
                raise InvalidValueError(
                    f"RFM.{axis}_cuts", list(c), f"must hold bins - 1 = {self.bins - 1} cuts"
                )
        if self.segments:
            object.__setattr__(self, "_lookup", segment_lookup(self.segments, self.bins))

    # ------------------------------------------------------------------ protocol
    @property
    def is_fitted(self) -> bool:
        """True when the cuts of all three axes and the top cut are known.

        Examples:
            >>> from kamlib.scoring import RFM
            >>> RFM().is_fitted
            False
            >>> RFM(bins=2, recency_cuts=[30], frequency_cuts=[4], monetary_cuts=[1e4],
            ...     top_cut=6).is_fitted
            True
        """
        return (
            self.recency_cuts is not None
            and self.frequency_cuts is not None
            and self.monetary_cuts is not None
            and self.top_cut is not None
        )

    @property
    def required_features(self) -> tuple[str, ...]:
        """Recency, frequency and the monetary column chosen by ``monetary``.

        Examples:
            >>> from kamlib.scoring import RFM
            >>> RFM("mean").required_features
            ('purchase_recency_days', 'purchase_frequency', 'purchase_mean')
        """
        return (
            RFM_FEATURES["recency"],
            RFM_FEATURES["frequency"],
            RFM_FEATURES[self.monetary],
        )

    @property
    def classes(self) -> tuple[str, ...]:
        """The segment names, in the order of their first row (``()`` without segments).

        Examples:
            >>> from kamlib.scoring import RFM
            >>> RFM().classes[:3]
            ('champions', 'loyal', 'at_risk')
            >>> RFM(bins=3).classes
            ()
        """
        return () if self._lookup is None else self._lookup[0]

    def segment_of(self, r: int, f: int, m: int) -> str | None:
        """The segment of the cell ``(r, f, m)``; ``None`` without segments.

        Raises:
            InvalidValueError: A bin score outside ``1..bins``.

        Examples:
            >>> from kamlib.scoring import RFM
            >>> RFM().segment_of(5, 5, 5), RFM().segment_of(1, 5, 1)
            ('champions', 'at_risk')
        """
        for axis, v in (("r", r), ("f", f), ("m", m)):
            check_int(f"RFM.segment_of.{axis}", v, ge=1, le=self.bins)
        if self._lookup is None:
            return None
        names, cube = self._lookup
        return names[int(cube[r - 1, f - 1, m - 1])]

    def _inputs(
        self, table: FeatureTable
    ) -> tuple[tuple[FloatArray, FloatArray, FloatArray], NDArray[np.bool_] | None]:
        """The three input columns and their ``(n, 3)`` declared-missing mask (or None)."""
        feats = self.required_features
        require_columns(table, feats, self.name)
        x0, x1, x2 = (table.column(f) for f in feats)
        for f, x in zip(feats, (x0, x1, x2), strict=True):
            refuse_below(table, f, x, 0.0, self.name)
        gone: NDArray[np.bool_] | None = None
        if table.missing is not None:
            gone = np.column_stack([table.is_missing(f) for f in feats])
            if not gone.any():
                gone = None
        if gone is not None and self.missing == "raise":
            i, j = (int(v[0]) for v in np.nonzero(gone))
            raise InvalidValueError(
                f"{self.name}.table[{feats[j]!r}]",
                table.ids[i],
                "is missing for this account (pass missing='penalty' to give it the worst bin)",
            )
        return (x0, x1, x2), gone

    def _bins(
        self,
        xs: tuple[FloatArray, FloatArray, FloatArray],
        gone: NDArray[np.bool_] | None,
        cuts: tuple[tuple[float, ...], tuple[float, ...], tuple[float, ...]],
    ) -> tuple[FloatArray, FloatArray, FloatArray]:
        """Bin scores ``1..bins`` of each axis (the tie rule: on a cut is the better bin)."""
        k = self.bins - 1
        out: list[FloatArray] = []
        for j, (x, c) in enumerate(zip(xs, cuts, strict=True)):
            c_arr = np.asarray(c, dtype=np.float64)
            if j == 0:  # recency: 1 + #{c >= x}, from the cuts at or above the value
                at_or_above = k - np.searchsorted(c_arr, x, side="left")
                b = (1 + at_or_above).astype(np.float64)
            else:  # 1 + #{c <= x}
                b = (1 + np.searchsorted(c_arr, x, side="right")).astype(np.float64)
            if gone is not None:
                b[gone[:, j]] = 1.0  # the worst bin (missing='penalty')
            out.append(b)
        return out[0], out[1], out[2]

    def _score(self, bins: tuple[FloatArray, FloatArray, FloatArray]) -> FloatArray:
        w = self.weights
        s: FloatArray = bins[0] * w[0]
        s = s + bins[1] * w[1]
        s = s + bins[2] * w[2]
        return s

    def fit(self, table: FeatureTable) -> RFM:
        """Learn the cuts still unset (quantiles ``j / bins``) and the top cut.

        Raises:
            MissingFeatureError: A required column is missing.
            InvalidValueError: An empty table; a negative input; an axis to learn has no
                observed value; a missing value under ``missing="raise"``.

        Examples:
            >>> from kamlib import FeatureTable
            >>> from kamlib.scoring import RFM
            >>> t = FeatureTable.from_columns(["A", "B", "C"],
            ...     {"purchase_recency_days": [1, 2, 3], "purchase_frequency": [1, 2, 3],
            ...      "purchase_total": [1, 2, 3]})
            >>> RFM(bins=2, frequency_cuts=[10]).fit(t).frequency_cuts  # pinned
            (10.0,)
        """
        if self.is_fitted:
            self._inputs(table)  # the columns are checked all the same
            return self  # pinned means pinned
        fitted: RFM = fit_in_memory(self, table)
        return fitted

    def _fit_reading(self) -> _CutsReading | _TopReading | None:
        """What `fit` reads: first the axes' cuts still unset, then the top cut's score."""
        if self.is_fitted:
            return None
        if any(getattr(self, f"{a}_cuts") is None for a in _AXES):
            return _CutsReading(self)
        return _TopReading(self)

    def score(self, table: FeatureTable) -> ScoreTable:
        """Bin, score, segment and screen every account (see the class docstring).

        Raises:
            NotFittedError: Cuts or the top cut are not known yet.
            MissingFeatureError: A required column is missing.
            InvalidValueError: A negative input; a missing value under ``missing="raise"``.

        Examples:
            >>> from kamlib import FeatureTable
            >>> from kamlib.scoring import RFM
            >>> rfm = RFM(bins=2, recency_cuts=[30], frequency_cuts=[4],
            ...           monetary_cuts=[1e4], top_cut=6)
            >>> t = FeatureTable.from_columns(["A"], {"purchase_recency_days": [30.0],
            ...     "purchase_frequency": [4], "purchase_total": [9_999.0]})
            >>> rfm.score(t).explain("A").summary  # 30 days is on the cut: the better bin
            'purchase_recency_days 30 -> R2; purchase_frequency 4 -> F2; purchase_total \
9,999 -> M1; cell R2F2M1; score 5 < top cut 6'
        """
        if not self.is_fitted:
            raise NotFittedError(
                f"{self.name}.top_cut", None, "is not fitted; call fit() or pin every cut"
            )
        assert self.recency_cuts is not None
        assert self.frequency_cuts is not None
        assert self.monetary_cuts is not None
        assert self.top_cut is not None
        xs, gone = self._inputs(table)
        cuts = (self.recency_cuts, self.frequency_cuts, self.monetary_cuts)
        bins = self._bins(xs, gone, cuts)
        scores = self._score(bins)
        n = len(table)
        flags = np.empty((n, 2), dtype=np.bool_, order="F")
        np.greater_equal(scores, self.top_cut, out=flags[:, 0])
        labels: NDArray[np.uint16] | None = None
        if self._lookup is not None:
            _, cube = self._lookup
            idx = [b.astype(np.intp) - 1 for b in bins]
            labels = cube[idx[0], idx[1], idx[2]]
        coverage: FloatArray
        if gone is None:
            flags[:, 1] = False
            coverage = np.broadcast_to(np.float64(1.0), (n,))
        else:
            flags[:, 1] = gone.any(axis=1)
            w = self.weights
            total = (w[0] + w[1]) + w[2]
            lost = np.zeros(n, dtype=np.float64)
            for j in range(3):
                lost += gone[:, j] * (w[j] / total)
            coverage = np.where(flags[:, 1], np.clip(1.0 - lost, 0.0, 1.0), 1.0)
        return ScoreTable(
            scorer=self.name,
            config=self.get_config(),
            ids=table.ids,
            scores=owned_readonly(scores),
            components=("recency", "frequency", "monetary"),
            contributions=_Contributions(bins, (self.weights[0], self.weights[1], self.weights[2])),
            coverage=coverage,
            labels=owned_readonly(labels),
            classes=self.classes,
            reason_codes=("top", "partial_data"),
            reason_flags=owned_readonly(flags),
            reason_texts=dict(_REASON_TEXTS),
            component_missing=None if gone is None else owned_readonly(gone),
            details=_Why(
                self, xs, bins, np.zeros((n, 3), dtype=np.bool_) if gone is None else gone
            ),
        )

    def get_config(self) -> dict[str, Any]:
        """Return options, cuts and segments as JSON-compatible data.

        Examples:
            >>> from kamlib.scoring import RFM
            >>> cfg = RFM().get_config()
            >>> cfg["scorer"], cfg["bins"], cfg["top_share"], len(cfg["segments"])
            ('rfm', 5, 0.05, 10)
        """
        return scorer_config(self)

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> RFM:
        """Rebuild the scorer from `get_config` output, validated like user input.

        Examples:
            >>> from kamlib.scoring import RFM
            >>> cfg = RFM().get_config()
            >>> del cfg["segments"][0]  # champions gone: its 8 cells uncovered
            >>> RFM.from_config(cfg)
            Traceback (most recent call last):
            ...
            kamlib.errors.InvalidValueError: RFM.segments: leave 8 of 125 cells in no \
segment: every R x F x M cell must be in exactly one named segment; got ['R4F4M4', ...]
        """
        return scorer_from_config(cls, config)


_AXES = ("recency", "frequency", "monetary")


def _no_rows(rfm: RFM, rows: Sample) -> None:
    if rows.size == 0:
        raise InvalidValueError(f"{rfm.name}.fit.table", 0, "must hold at least one row")


@attrs.frozen
class _CutsReading:
    """The first stage of `RFM`'s fit: the rows, and each unset axis's ``j / bins`` quantiles."""

    scorer: RFM

    @property
    def _todo(self) -> tuple[int, ...]:
        return tuple(j for j, a in enumerate(_AXES) if getattr(self.scorer, f"{a}_cuts") is None)

    @property
    def names(self) -> tuple[str, ...]:
        return ("rows", *(self.scorer.required_features[j] for j in self._todo))

    @property
    def needs(self) -> tuple[Need, ...]:
        probs = tuple(j / self.scorer.bins for j in range(1, self.scorer.bins))
        return (Need(), *(Need(probs=probs) for _ in self._todo))

    def values(self, table: FeatureTable) -> list[FloatArray]:
        xs, gone = self.scorer._inputs(table)
        axes = [canonical(xs[j], None if gone is None else gone[:, j]) for j in self._todo]
        return [np.zeros(len(table)), *axes]

    def learn(self, samples: Sequence[Sample]) -> RFM:
        rfm = self.scorer
        _no_rows(rfm, samples[0])
        probs = self.needs[1].probs if self._todo else ()
        cuts: dict[str, tuple[float, ...]] = {}
        for j, sample in zip(self._todo, samples[1:], strict=True):
            if sample.size == 0:
                raise InvalidValueError(
                    f"{rfm.name}.fit[{rfm.required_features[j]!r}]",
                    "all missing",
                    "cannot learn cuts: no observed value",
                )
            cuts[f"{_AXES[j]}_cuts"] = tuple(float(v) for v in sample.quantiles(probs))
        return attrs.evolve(
            rfm,
            recency_cuts=cuts.get("recency_cuts", rfm.recency_cuts),
            frequency_cuts=cuts.get("frequency_cuts", rfm.frequency_cuts),
            monetary_cuts=cuts.get("monetary_cuts", rfm.monetary_cuts),
        )


@attrs.frozen
class _TopReading:
    """The second stage of `RFM`'s fit: the ``1 - top_share`` quantile of the RFM score."""

    scorer: RFM
    names: tuple[str, ...] = ("rfm score",)

    @property
    def needs(self) -> tuple[Need, ...]:
        return (Need(probs=(1.0 - self.scorer.top_share,)),)

    def values(self, table: FeatureTable) -> list[FloatArray]:
        rfm = self.scorer
        xs, gone = rfm._inputs(table)
        r, f, m = rfm.recency_cuts, rfm.frequency_cuts, rfm.monetary_cuts
        assert r is not None
        assert f is not None
        assert m is not None  # this stage comes once every cut is known
        return [canonical(rfm._score(rfm._bins(xs, gone, (r, f, m))))]

    def learn(self, samples: Sequence[Sample]) -> RFM:
        _no_rows(self.scorer, samples[0])
        top = float(samples[0].quantiles(self.needs[0].probs)[0])
        return attrs.evolve(self.scorer, top_cut=top)
