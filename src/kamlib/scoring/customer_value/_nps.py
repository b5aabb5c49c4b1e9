"""Net Promoter Score (NPS): source [003] measures loyalty by it; source [000] makes it a KPI.

The sources name NPS and do not define it; kamlib uses the standard definition of
Reichheld (2003), "The One Number You Need to Grow", *Harvard Business Review* 81(12):
the answers to "how likely are you to recommend us?" on 0-10 are **promoters** (9-10),
**passives** (7-8) and **detractors** (0-6), and::

    NPS = 100 * (promoters / responses) - 100 * (detractors / responses)   (in [-100, 100])

An account without a response has no NPS: it is *declared missing*, never NaN and never
a silent 0.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any, ClassVar

import attrs
import numpy as np
from numpy.typing import NDArray

from kamlib._table import FeatureTable
from kamlib._validators import (
    as_float,
    as_tuple,
    check_aware_datetime,
    check_int,
    each,
    non_empty_str,
    one_of,
    optional,
    real,
)
from kamlib.errors import InvalidTypeError, InvalidValueError
from kamlib.model import NpsCategory, NpsResponse
from kamlib.scoring._config import scorer_config, scorer_from_config
from kamlib.scoring._protocol import require_columns
from kamlib.scoring._result import ExplainDetails, ScoreTable, fmt_value, owned_readonly
from kamlib.scoring.customer_value._common import check_fill, refuse_below

__all__ = ["NPS_FILL_VALUE", "NPS_COLUMNS", "NetPromoterScore", "NpsSummary", "nps_summary"]

FloatArray = NDArray[np.float64]

NPS_COLUMNS: tuple[str, str, str] = ("nps_promoters", "nps_passives", "nps_detractors")
"""The response-count columns the NPS scorer reads by default (promoters, passives,
detractors), as [`extract_features`][kamlib.features.extract_features] writes them with
``customer_value=True``."""

NPS_FILL_VALUE = 0.0
"""The default score of an account without a response: 0, the middle of the -100..100
scale (kamlib's own choice). It comes with coverage 0 and the reason ``no_responses``."""

_MISSING = ("fill", "raise")
_REASON_TEXTS = MappingProxyType(
    {"no_responses": "no NPS response: NPS undefined (score is the fill value)"}
)


def _points(p: FloatArray | float, d: FloatArray | float, n: FloatArray | float) -> Any:
    """``(100 (p / n), -(100 (d / n)))``: the two terms whose sum is the NPS, in points.

    The share is divided first: ``p <= n`` gives ``p / n <= 1`` (a correctly rounded
    quotient never passes 1), so each term stays in [-100, 100] and so does their sum (one
    term is 0 when the other is +-100). ``(100 p) / n`` rounds twice and can pass 100 by
    one ulp.
    """
    return (p / n) * 100.0, -((d / n) * 100.0)


@attrs.frozen
class NpsSummary:
    """NPS with its response counts: for one account, or pooled over a portfolio.

    Counts are real numbers ``>= 0``: whole numbers for raw answers, fractions for
    weighted survey responses.

    Attributes:
        promoters: Answers 9-10.
        passives: Answers 7-8.
        detractors: Answers 0-6.

    Examples:
        >>> from kamlib.scoring import NpsSummary
        >>> s = NpsSummary(promoters=6, passives=2, detractors=2)
        >>> s.responses, s.nps
        (10.0, 40.0)
        >>> NpsSummary(0, 0, 0).nps is None  # no response: missing, never NaN
        True
    """

    promoters: float = attrs.field(converter=as_float, validator=real(ge=0.0))
    passives: float = attrs.field(converter=as_float, validator=real(ge=0.0))
    detractors: float = attrs.field(converter=as_float, validator=real(ge=0.0))

    @property
    def responses(self) -> float:
        """``promoters + passives + detractors``.

        Examples:
            >>> from kamlib.scoring import NpsSummary
            >>> NpsSummary(1, 2, 3).responses
            6.0
        """
        return (self.promoters + self.passives) + self.detractors

    @property
    def nps(self) -> float | None:
        """The NPS in points (-100..100), or ``None`` without a response.

        Computed as the NPS scorer computes it, so the two agree bit for bit.

        Examples:
            >>> from kamlib.scoring import NpsSummary
            >>> NpsSummary(50, 30, 20).nps  # 50 % promoters - 20 % detractors
            30.0
        """
        n = self.responses
        if n <= 0.0:
            return None
        a, b = _points(self.promoters, self.detractors, n)
        return float(a + b)


def nps_summary(
    responses: Iterable[NpsResponse],
    *,
    as_of: dt.datetime | None = None,
    window_days: int | None = None,
) -> NpsSummary:
    """Count NPS answers by category (`NpsResponse.category`), optionally in a window.

    With ``as_of``, only answers given at or before it count; with ``window_days`` as
    well, only those after ``as_of - window_days`` (the window of
    [`extract_features`][kamlib.features.extract_features]: ``as_of - window < at <= as_of``).

    Args:
        responses: `NpsResponse` answers, e.g. ``account.nps``, or every account's
            answers chained together for a portfolio NPS.
        as_of: Timezone-aware end of the window.
        window_days: Look-back in days (needs ``as_of``).

    Returns:
        The counts; ``.nps`` is ``None`` when none counts.

    Raises:
        InvalidTypeError: An item is not an `NpsResponse`, ``as_of`` not a datetime.
        InvalidValueError: ``as_of`` naive, ``window_days < 1``, or ``window_days``
            without ``as_of``.

    Examples:
        >>> import datetime as dt
        >>> from kamlib.model import NpsResponse
        >>> from kamlib.scoring import nps_summary
        >>> t = dt.datetime(2024, 6, 1, tzinfo=dt.UTC)
        >>> answers = [NpsResponse(t, s) for s in (10, 9, 8, 3)]
        >>> s = nps_summary(answers)
        >>> (s.promoters, s.passives, s.detractors, s.nps)
        (2.0, 1.0, 1.0, 25.0)
        >>> nps_summary(answers, as_of=t - dt.timedelta(days=1)).nps is None
        True
    """
    lo: dt.datetime | None = None
    if as_of is not None:
        check_aware_datetime("nps_summary.as_of", as_of)
    if window_days is not None:
        days = check_int("nps_summary.window_days", window_days, ge=1)
        if as_of is None:
            raise InvalidValueError(
                "nps_summary.window_days", window_days, "needs as_of (the end of the window)"
            )
        try:
            lo = as_of - dt.timedelta(days=days)
        except OverflowError:  # the window reaches before year 1: it holds every answer
            lo = None
    counts = {NpsCategory.PROMOTER: 0, NpsCategory.PASSIVE: 0, NpsCategory.DETRACTOR: 0}
    for i, r in enumerate(responses):
        if not isinstance(r, NpsResponse):
            raise InvalidTypeError(f"nps_summary.responses[{i}]", r, "must be an NpsResponse")
        if as_of is not None and (r.at > as_of or (lo is not None and r.at <= lo)):
            continue
        counts[r.category] += 1
    return NpsSummary(
        counts[NpsCategory.PROMOTER], counts[NpsCategory.PASSIVE], counts[NpsCategory.DETRACTOR]
    )


def _default_fill(self: NetPromoterScore) -> float | None:
    return NPS_FILL_VALUE if self.missing == "fill" else None


def _columns(value: object) -> Any:
    return as_tuple(value)  # type: ignore[arg-type]


@attrs.frozen(eq=False)
class _Contributions:
    """Lazy contributions: the promoter and detractor terms (and the fill, if any)."""

    terms: tuple[FloatArray, ...]

    def compute(self) -> FloatArray:
        return np.column_stack(self.terms).astype(np.float64, order="F")

    def take(self, rows: NDArray[np.intp]) -> _Contributions:
        return _Contributions(tuple(t[rows] for t in self.terms))


@attrs.frozen(eq=False)
class _Why:
    """Explanation details: the counts and the NPS they give."""

    scorer: NetPromoterScore
    counts: tuple[FloatArray, FloatArray, FloatArray]
    gone: NDArray[np.bool_]

    def details(
        self, row: int, score: float, label: str | None, reasons: tuple[str, ...]
    ) -> ExplainDetails:
        p, a, d = (float(c[row]) for c in self.counts)
        names = self.scorer.columns
        if bool(self.gone[row]):
            inputs: tuple[tuple[str, float | None], ...] = tuple((c, None) for c in names)
            summary = f"no NPS response: NPS undefined; filled with {fmt_value(score)}"
            return ExplainDetails(inputs=inputs, summary=summary)
        n = (p + a) + d
        summary = (
            f"{fmt_value(p)} promoters, {fmt_value(a)} passives, {fmt_value(d)} detractors of "
            f"{fmt_value(n)} responses -> NPS {score:.4g} "
            f"({100 * p / n:.4g} % promoters - {100 * d / n:.4g} % detractors)"
        )
        return ExplainDetails(inputs=tuple(zip(names, (p, a, d), strict=True)), summary=summary)

    def take(self, rows: NDArray[np.intp]) -> _Why:
        c0, c1, c2 = (c[rows] for c in self.counts)
        return _Why(self.scorer, (c0, c1, c2), self.gone[rows])


@attrs.frozen
class NetPromoterScore:
    """Net Promoter Score per account from its response counts (Reichheld 2003).

    Source [003] measures loyalty by NPS and source [000] makes it a KPI; neither defines
    it, so kamlib uses the standard definition (Reichheld 2003, *HBR*): promoters answer
    9-10, passives 7-8, detractors 0-6, and ``NPS = 100 * promoters / n - 100 * detractors /
    n`` with ``n`` the number of responses, in points from -100 to 100.

    **Input.** Three count columns (default `NPS_COLUMNS`: ``nps_promoters``,
    ``nps_passives``, ``nps_detractors``, as
    [`extract_features`][kamlib.features.extract_features] writes them with
    ``customer_value=True``). Counts are real numbers ``>= 0`` (a weighted survey gives
    fractional counts); a negative count is refused.

    **Result.** ``score`` = the NPS; contributions ``promoters`` (``100 p / n``) and
    ``detractors`` (``-100 d / n``) add up to it. No labels, no fitting (there is nothing
    to learn: `fit` returns the scorer unchanged).

    **No responses.** An account with no response (all counts 0, or a count declared
    missing) has no NPS. It is never scored NaN, and never a silent number: with
    ``missing="fill"`` (default) it is *declared missing* in the result: coverage 0, both
    components marked missing, the reason ``no_responses``, and the score ``fill_value``
    (default `NPS_FILL_VALUE`, 0: the middle of the scale) held by a third component
    ``no_responses``, so the contributions still add up. Filter on ``coverage > 0`` before
    averaging NPS values. ``missing="raise"`` refuses such an account with
    [`InvalidValueError`][kamlib.errors.InvalidValueError] naming it. A portfolio NPS pools
    the counts (`portfolio`), not the accounts' NPS values.

    Attributes:
        columns: The promoter, passive and detractor count columns.
        missing: ``"fill"`` or ``"raise"`` (accounts without a response).
        fill_value: The score of an account without a response, in [-100, 100] (default
            `NPS_FILL_VALUE` with ``missing="fill"``, ``None`` with ``"raise"``).

    Examples:
        >>> from kamlib import FeatureTable
        >>> from kamlib.scoring import NetPromoterScore
        >>> t = FeatureTable.from_columns(
        ...     ["A1", "A2", "A3"],
        ...     {"nps_promoters": [6, 1, 0], "nps_passives": [2, 1, 0],
        ...      "nps_detractors": [2, 2, 0]},
        ... )
        >>> nps = NetPromoterScore()
        >>> st = nps.score(t)
        >>> st.scores.tolist()
        [40.0, -25.0, 0.0]
        >>> st.reasons_of("A3"), float(st.coverage[2])  # declared missing, not a real 0
        (('no_responses',), 0.0)
        >>> NetPromoterScore(missing="raise").score(t)
        Traceback (most recent call last):
        ...
        kamlib.errors.InvalidValueError: nps.table: has no NPS response for this account \
(its NPS is undefined; pass missing='fill' to score it anyway); got 'A3'
        >>> nps.portfolio(t).nps  # pooled: 7 promoters, 4 detractors of 14 responses
        21.42857142857143
    """

    name: ClassVar[str] = "nps"
    config_version: ClassVar[int] = 1
    columns: tuple[str, ...] = attrs.field(
        default=NPS_COLUMNS, converter=_columns, validator=each(non_empty_str())
    )
    missing: str = attrs.field(default="fill", kw_only=True, validator=one_of(*_MISSING))
    fill_value: float | None = attrs.field(
        default=attrs.Factory(_default_fill, takes_self=True),
        kw_only=True,
        converter=as_float,
        validator=optional(real(ge=-100, le=100)),
    )

    def __attrs_post_init__(self) -> None:
        cols = self.columns
        if len(cols) != 3 or len(set(cols)) != 3:
            raise InvalidValueError(
                "NetPromoterScore.columns",
                list(cols),
                "must name 3 distinct columns: promoters, passives, detractors",
            )
        check_fill(
            "NetPromoterScore.fill_value",
            self.missing,
            self.fill_value,
            "the score of an account without a response",
        )

    # ------------------------------------------------------------------ protocol
    @property
    def is_fitted(self) -> bool:
        """Always True: the NPS learns nothing from the population.

        Examples:
            >>> from kamlib.scoring import NetPromoterScore
            >>> NetPromoterScore().is_fitted
            True
        """
        return True

    @property
    def required_features(self) -> tuple[str, ...]:
        """The three count columns.

        Examples:
            >>> from kamlib.scoring import NetPromoterScore
            >>> NetPromoterScore().required_features
            ('nps_promoters', 'nps_passives', 'nps_detractors')
        """
        return self.columns

    @property
    def components(self) -> tuple[str, ...]:
        """``("promoters", "detractors")``, plus ``"no_responses"`` with ``missing="fill"``.

        Examples:
            >>> from kamlib.scoring import NetPromoterScore
            >>> NetPromoterScore().components
            ('promoters', 'detractors', 'no_responses')
            >>> NetPromoterScore(missing="raise").components
            ('promoters', 'detractors')
        """
        base = ("promoters", "detractors")
        return (*base, "no_responses") if self.missing == "fill" else base

    def _counts(
        self, table: FeatureTable
    ) -> tuple[tuple[FloatArray, FloatArray, FloatArray], NDArray[np.bool_]]:
        """The three count columns (missing cells as 0) and the rows without a response."""
        require_columns(table, self.columns, self.name)
        cols = tuple(table.column(c) for c in self.columns)
        for c, x in zip(self.columns, cols, strict=True):
            refuse_below(table, c, x, 0.0, self.name)
        n = len(table)
        declared = np.zeros(n, dtype=np.bool_)
        if table.missing is not None:
            for c in self.columns:
                declared |= table.is_missing(c)
        p, a, d = (np.where(declared, 0.0, x) for x in cols)
        total = (p + a) + d
        gone = declared | (total <= 0.0)
        return (p, a, d), gone

    def fit(self, table: FeatureTable) -> NetPromoterScore:
        """Return the scorer unchanged (nothing to learn) after checking the columns.

        Raises:
            MissingFeatureError: A count column is missing.

        Examples:
            >>> from kamlib import FeatureTable
            >>> from kamlib.scoring import NetPromoterScore
            >>> t = FeatureTable.from_columns(["A"], {"nps_promoters": [1],
            ...     "nps_passives": [0], "nps_detractors": [0]})
            >>> nps = NetPromoterScore()
            >>> nps.fit(t) is nps
            True
        """
        require_columns(table, self.columns, self.name)
        return self

    def score(self, table: FeatureTable) -> ScoreTable:
        """The NPS of every account (see the class docstring).

        Raises:
            MissingFeatureError: A count column is missing.
            InvalidValueError: A negative count; an account without a response under
                ``missing="raise"``.

        Examples:
            >>> from kamlib import FeatureTable
            >>> from kamlib.scoring import NetPromoterScore
            >>> t = FeatureTable.from_columns(["A"], {"nps_promoters": [7],
            ...     "nps_passives": [2], "nps_detractors": [1]})
            >>> NetPromoterScore().score(t).score_of("A")
            60.0
        """
        (p, a, d), gone = self._counts(table)
        if gone.any() and self.missing == "raise":
            i = int(np.flatnonzero(gone)[0])
            raise InvalidValueError(
                f"{self.name}.table",
                table.ids[i],
                "has no NPS response for this account (its NPS is undefined; pass "
                "missing='fill' to score it anyway)",
            )
        n = (p + a) + d
        safe = np.where(gone, 1.0, n)
        with np.errstate(invalid="ignore", divide="ignore"):
            plus, minus = _points(p, d, safe)
        plus = np.where(gone, 0.0, plus)
        minus = np.where(gone, 0.0, minus)
        scores = plus + minus
        terms: tuple[FloatArray, ...] = (plus, minus)
        coverage: FloatArray = np.broadcast_to(np.float64(1.0), (len(table),))
        comp_missing: NDArray[np.bool_] | None = None
        if self.missing == "fill":
            assert self.fill_value is not None
            filled = np.where(gone, self.fill_value, 0.0)
            scores = np.where(gone, filled, scores)
            terms = (plus, minus, filled)
            coverage = np.where(gone, 0.0, 1.0)
            if gone.any():
                comp_missing = np.zeros((len(table), 3), dtype=np.bool_)
                comp_missing[:, 0] = gone
                comp_missing[:, 1] = gone
        flags = gone.reshape(-1, 1).copy()
        return ScoreTable(
            scorer=self.name,
            config=self.get_config(),
            ids=table.ids,
            scores=owned_readonly(scores),
            components=self.components,
            contributions=_Contributions(terms),
            coverage=coverage,
            reason_codes=("no_responses",),
            reason_flags=owned_readonly(flags),
            reason_texts=dict(_REASON_TEXTS),
            component_missing=owned_readonly(comp_missing),
            details=_Why(self, (p, a, d), gone),
        )

    def response_counts(self, table: FeatureTable) -> FloatArray:
        """Each account's number of responses (0 where none, or where a count is missing).

        Examples:
            >>> from kamlib import FeatureTable
            >>> from kamlib.scoring import NetPromoterScore
            >>> t = FeatureTable.from_columns(["A", "B"], {"nps_promoters": [3, 0],
            ...     "nps_passives": [1, 0], "nps_detractors": [1, 0]})
            >>> NetPromoterScore().response_counts(t).tolist()
            [5.0, 0.0]
        """
        (p, a, d), gone = self._counts(table)
        out: FloatArray = np.where(gone, 0.0, (p + a) + d)
        return out

    def portfolio(self, table: FeatureTable) -> NpsSummary:
        """The portfolio NPS: the counts pooled over every account, with the total count.

        Pooled answers, not an average of the accounts' NPS values (an account with 2
        answers weighs less than one with 200). Sums are exact (``math.fsum``), so the
        result does not depend on the row order. Accounts without a response add nothing;
        a portfolio without any has ``nps is None``.

        Examples:
            >>> from kamlib import FeatureTable
            >>> from kamlib.scoring import NetPromoterScore
            >>> t = FeatureTable.from_columns(["A", "B"], {"nps_promoters": [9, 1],
            ...     "nps_passives": [1, 0], "nps_detractors": [0, 9]})
            >>> s = NetPromoterScore().portfolio(t)
            >>> s.responses, s.nps
            (20.0, 5.0)
        """
        (p, a, d), gone = self._counts(table)
        keep = ~gone
        return NpsSummary(
            math.fsum(p[keep].tolist()), math.fsum(a[keep].tolist()), math.fsum(d[keep].tolist())
        )

    def get_config(self) -> dict[str, Any]:
        """Return the options as JSON-compatible data (the one scorer config form).

        Examples:
            >>> from kamlib.scoring import NetPromoterScore
            >>> cfg = NetPromoterScore().get_config()
            >>> cfg["scorer"], cfg["columns"], cfg["missing"], cfg["fill_value"]
            ('nps', ['nps_promoters', 'nps_passives', 'nps_detractors'], 'fill', 0.0)
        """
        return scorer_config(self)

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> NetPromoterScore:
        """Rebuild the scorer from `get_config` output, validated like user input.

        Examples:
            >>> from kamlib.scoring import NetPromoterScore
            >>> NetPromoterScore.from_config({"missing": "raise"}).fill_value is None
            True
            >>> NetPromoterScore.from_config({"missing": "raise", "fill_value": 0})
            Traceback (most recent call last):
            ...
            kamlib.errors.InvalidValueError: NetPromoterScore.fill_value: is given exactly \
when missing='fill' (the score of an account without a response); got 0.0
        """
        return scorer_from_config(cls, config)
