"""Empirical estimation (经验推算法): named by source [002], mechanics kamlib's.

Source [002] names empirical estimation beside weighted points for judging key accounts
every 3 months, without describing it ("此处不再重复论述"). kamlib reads it the standard way,
its own choice: estimate an account's value from experience-based benchmarks such as the
typical spend of its industry and size. kamlib's model::

    value = benchmark[industry, size_band] * share + sum_j coefficient_j * adjustment_j

``benchmark`` is data: a table of (industry, size band) -> typical spend, given by the user
(experience) or learned by ``fit`` as the median of a feature within each segment.
``share`` is the attainable share of that spend. Adjustments are optional linear terms on
feature columns (money per unit), for rules such as "add half of the growth in revenue".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from types import MappingProxyType
from typing import Any, ClassVar

import attrs
import numpy as np
from numpy.typing import NDArray

from kamlib._table import MAGNITUDE, MAX_MAGNITUDE, FeatureTable
from kamlib._validators import (
    as_float,
    check_name,
    check_real,
    non_empty_str,
    one_of,
    optional,
    real,
)
from kamlib.errors import InvalidTypeError, InvalidValueError, NotFittedError, UnknownIdError
from kamlib.scoring._config import scorer_config, scorer_from_config
from kamlib.scoring._protocol import require_columns
from kamlib.scoring._result import ScoreTable, owned_readonly

__all__ = ["EmpiricalEstimate"]

FloatArray = NDArray[np.float64]
Segment = tuple[str, str, float]
_REASON_TEXTS = MappingProxyType(
    {"fallback_benchmark": "no benchmark for the segment; default_spend used"}
)


def _segments(path: str, value: object) -> tuple[Segment, ...]:
    """Validate benchmarks given as a mapping or as ``(industry, size_band, spend)`` rows."""
    rows: list[object]
    if isinstance(value, Mapping):
        rows = []
        for key, spend in value.items():
            if not isinstance(key, tuple) or len(key) != 2:
                raise InvalidTypeError(path, key, "keys must be (industry, size_band) pairs")
            rows.append((key[0], key[1], spend))
    elif isinstance(value, str) or not isinstance(value, Iterable):
        raise InvalidTypeError(path, value, "must be a mapping or a list of rows")
    else:
        rows = list(value)
    out: dict[tuple[str, str], float] = {}
    for i, row in enumerate(rows):
        p = f"{path}[{i}]"
        if isinstance(row, str) or not isinstance(row, Sequence) or len(row) != 3:
            raise InvalidTypeError(p, row, "must be an (industry, size_band, spend) row")
        ind = check_name(f"{p}.industry", row[0])
        size = check_name(f"{p}.size_band", row[1])
        spend = check_real(f"{p}.spend", row[2], ge=0.0, le=MAX_MAGNITUDE)
        if (ind, size) in out:
            raise InvalidValueError(p, (ind, size), "repeats a segment")
        out[(ind, size)] = spend
    return tuple((i, s, v) for (i, s), v in sorted(out.items()))


def _benchmarks(value: object) -> tuple[Segment, ...] | None:
    return None if value is None else _segments("EmpiricalEstimate.benchmarks", value)


def _adjustments(value: object) -> tuple[tuple[str, float], ...]:
    """Validate ``{feature: coefficient}`` or ``(feature, coefficient)`` rows."""
    path = "EmpiricalEstimate.adjustments"
    rows: object = list(value.items()) if isinstance(value, Mapping) else value
    if isinstance(rows, str) or not isinstance(rows, Iterable):
        raise InvalidTypeError(path, value, "must map feature -> coefficient")
    adj: list[tuple[str, float]] = []
    for i, row in enumerate(rows):
        p = f"{path}[{i}]"
        if isinstance(row, str) or not isinstance(row, Sequence) or len(row) != 2:
            raise InvalidTypeError(p, row, "must be a (feature, coefficient) pair")
        adj.append(
            (
                check_name(f"{p}.feature", row[0]),
                check_real(f"{p}.coefficient", row[1], **MAGNITUDE),
            )
        )
    feats = [f for f, _ in adj]
    if len(set(feats)) != len(feats):
        raise InvalidValueError(path, feats, "repeat a feature")
    return tuple(adj)


@attrs.frozen
class EmpiricalEstimate:
    """Empirical estimation (经验推算法, named by source [002]): value from segment benchmarks.

    The mechanics are the standard reading, kamlib's own: the source names the method only.

    ``value = benchmark[industry, size_band] * share + sum_j coefficient_j * x_j``, with the
    segment read from the FeatureTable's categorical columns ``industry`` and
    ``size_band``. The score is in money units; contributions are ``benchmark`` (the first
    term) and one ``adjust:<feature>`` per adjustment; they add up to the score exactly.
    No labels: combine it with a threshold or a ranking of your own.

    **Benchmarks.** Given as data (``{(industry, size_band): spend}`` or rows
    ``(industry, size_band, spend)``), they are fixed and ``fit`` keeps them. Without
    them, ``fit`` learns each segment's ``statistic`` (median by default) of
    ``benchmark_feature`` (default ``revenue``) over the accounts observed in it.

    **Unknown segments.** ``default_spend=None`` (default) refuses an account whose segment
    has no benchmark with [`UnknownIdError`][kamlib.errors.UnknownIdError]; a number is used instead
    and fires the reason ``fallback_benchmark``.

    **Missing values.** Adjustment features must be observed: a declared-missing value is
    refused with [`InvalidValueError`][kamlib.errors.InvalidValueError] naming the account.

    The work is vectorised: one pass to code the segments, then a loop over the *unique*
    segments only (never over accounts).

    Attributes:
        benchmarks: Segment benchmarks (non-negative spend), or ``None`` to learn them.
        share: Attainable share of the benchmark, in [0, 1]; default 1.0 (the sources give
            no number: the default estimates the whole benchmark spend).
        adjustments: ``{feature: coefficient}`` linear terms added to the value.
        default_spend: Benchmark for segments without one, or ``None`` to refuse them.
        benchmark_feature: Column ``fit`` learns from.
        statistic: ``"median"`` or ``"mean"``.
        industry: Name of the categorical industry column.
        size_band: Name of the categorical size-band column.

    Examples:
        >>> from kamlib import FeatureTable
        >>> from kamlib.scoring import EmpiricalEstimate
        >>> t = FeatureTable.from_columns(
        ...     ["A1", "A2", "A3"],
        ...     {"revenue_growth": [0.1, 0.0, -0.2]},
        ...     categorical={
        ...         "industry": ["retail", "retail", "energy"],
        ...         "size_band": ["large", "small", "large"],
        ...     },
        ... )
        >>> est = EmpiricalEstimate(
        ...     {("retail", "large"): 1000.0, ("retail", "small"): 200.0},
        ...     share=0.5,
        ...     default_spend=400.0,
        ... )
        >>> st = est.score(t)
        >>> st.scores.tolist()
        [500.0, 100.0, 200.0]
        >>> st.reasons_of("A3")
        ('fallback_benchmark',)
        >>> EmpiricalEstimate({("retail", "large"): 1000.0}).score(t)
        Traceback (most recent call last):
        ...
        kamlib.errors.UnknownIdError: empirical_estimate.benchmarks: has no benchmark for \
account 'A2' (pass default_spend= for a fallback); got ('retail', 'small')
    """

    name: ClassVar[str] = "empirical_estimate"
    config_version: ClassVar[int] = 1
    benchmarks: tuple[Segment, ...] | None = attrs.field(default=None, converter=_benchmarks)
    share: float = attrs.field(
        default=1.0, kw_only=True, converter=as_float, validator=real(ge=0.0, le=1.0)
    )
    adjustments: tuple[tuple[str, float], ...] = attrs.field(
        default=(), kw_only=True, converter=_adjustments
    )
    default_spend: float | None = attrs.field(
        default=None,
        kw_only=True,
        converter=as_float,
        validator=optional(real(ge=0.0, le=MAX_MAGNITUDE)),
    )
    benchmark_feature: str = attrs.field(default="revenue", kw_only=True, validator=non_empty_str())
    statistic: str = attrs.field(default="median", kw_only=True, validator=one_of("median", "mean"))
    industry: str = attrs.field(default="industry", kw_only=True, validator=non_empty_str())
    size_band: str = attrs.field(default="size_band", kw_only=True, validator=non_empty_str())

    # ------------------------------------------------------------------ protocol
    @property
    def is_fitted(self) -> bool:
        """True when benchmarks are known (given or learned).

        Examples:
            >>> from kamlib.scoring import EmpiricalEstimate
            >>> EmpiricalEstimate().is_fitted  # benchmarks to learn with fit
            False
            >>> EmpiricalEstimate({("retail", "large"): 1000.0}).is_fitted
            True
        """
        return self.benchmarks is not None

    @property
    def required_features(self) -> tuple[str, ...]:
        """The adjustment features (the segment comes from categorical columns).

        Examples:
            >>> from kamlib.scoring import EmpiricalEstimate
            >>> EmpiricalEstimate(adjustments={"revenue_growth": 0.5}).required_features
            ('revenue_growth',)
            >>> EmpiricalEstimate().required_features
            ()
        """
        return tuple(f for f, _ in self.adjustments)

    def _codes(self, table: FeatureTable) -> tuple[list[tuple[str, str]], NDArray[np.intp]]:
        """Return the unique ``(industry, size_band)`` segments and each row's segment."""
        ind = table.category(self.industry)
        size = table.category(self.size_band)
        iu, ii = np.unique(ind, return_inverse=True)
        su, si = np.unique(size, return_inverse=True)
        code = ii.astype(np.intp) * max(len(su), 1) + si.astype(np.intp)
        uc, inv = np.unique(code, return_inverse=True)
        segs = [(str(iu[c // len(su)]), str(su[c % len(su)])) for c in uc.tolist()]
        return segs, inv.astype(np.intp).reshape(-1)

    def fit(self, table: FeatureTable) -> EmpiricalEstimate:
        """Learn segment benchmarks from ``benchmark_feature``, if none are set.

        Pinned means pinned: benchmarks you gave (or fitted ones loaded back from a
        config) are kept; to re-learn, fit an estimate built without benchmarks.

        Segments with no observed value get no benchmark (then ``default_spend`` applies).

        Raises:
            MissingFeatureError: A needed column is missing.
            InvalidValueError: No segment has an observed value.

        Examples:
            >>> from kamlib import FeatureTable
            >>> from kamlib.scoring import EmpiricalEstimate
            >>> t = FeatureTable.from_columns(
            ...     ["A", "B", "C"], {"revenue": [10.0, 30.0, 7.0]},
            ...     categorical={"industry": ["it"] * 3, "size_band": ["s", "s", "l"]},
            ... )
            >>> EmpiricalEstimate().fit(t).benchmarks
            (('it', 'l', 7.0), ('it', 's', 20.0))
        """
        require_columns(table, self.required_features, self.name)
        if self.benchmarks is not None:
            return self
        require_columns(table, [self.benchmark_feature], self.name)
        segs, inv = self._codes(table)
        x = table.column(self.benchmark_feature)
        seen = ~table.is_missing(self.benchmark_feature)
        stat = np.median if self.statistic == "median" else np.mean
        rows: list[Segment] = []
        for u, (ind, size) in enumerate(segs):
            vals = x[(inv == u) & seen]
            if vals.size:
                rows.append((ind, size, max(float(stat(vals)), 0.0)))
        if not rows:
            raise InvalidValueError(
                f"{self.name}.fit.table", self.benchmark_feature, "has no observed value to learn"
            )
        return attrs.evolve(self, benchmarks=tuple(rows))

    def score(self, table: FeatureTable) -> ScoreTable:
        """Estimate every account's value (see the class docstring).

        Raises:
            NotFittedError: No benchmarks yet.
            MissingFeatureError: A categorical or adjustment column is missing.
            UnknownIdError: A segment has no benchmark and ``default_spend`` is ``None``.
            InvalidValueError: An adjustment value is missing.

        Examples:
            >>> from kamlib import FeatureTable
            >>> from kamlib.scoring import EmpiricalEstimate
            >>> t = FeatureTable.from_columns(
            ...     ["A"], {"nps": [40.0]},
            ...     categorical={"industry": ["it"], "size_band": ["s"]},
            ... )
            >>> st = EmpiricalEstimate([("it", "s", 100.0)], adjustments={"nps": 0.5}).score(t)
            >>> st.explain("A").contributions
            (('benchmark', 100.0), ('adjust:nps', 20.0))
        """
        if self.benchmarks is None:
            raise NotFittedError(
                f"{self.name}.benchmarks", None, "are not known; call fit() or pass benchmarks"
            )
        require_columns(table, self.required_features, self.name)
        n = len(table)
        segs, inv = self._codes(table)
        lookup = {(i, s): v for i, s, v in self.benchmarks}
        spend_u = np.empty(len(segs))
        fallback_u = np.zeros(len(segs), dtype=np.bool_)
        for u, seg in enumerate(segs):
            if seg in lookup:
                spend_u[u] = lookup[seg]
            else:
                spend_u[u] = 0.0 if self.default_spend is None else self.default_spend
                fallback_u[u] = True
        if self.default_spend is None and fallback_u.any():
            row = int(np.flatnonzero(fallback_u[inv])[0])  # first such account, table order
            raise UnknownIdError(
                f"{self.name}.benchmarks",
                segs[int(inv[row])],
                f"has no benchmark for account {table.ids[row]!r} "
                "(pass default_spend= for a fallback)",
            )
        base = spend_u[inv] * self.share if n else np.zeros(0)
        parts = [base]
        if self.adjustments:
            X, M = table.matrix(list(self.required_features))
            if M is not None:
                i, j = (int(v[0]) for v in np.nonzero(M))
                raise InvalidValueError(
                    f"{self.name}.table[{self.required_features[j]!r}]",
                    table.ids[i],
                    "is missing for this account; adjustments need observed values",
                )
            coef = np.asarray([c for _, c in self.adjustments])
            parts.extend((X * coef).T)
        contrib = np.column_stack(parts) if n else np.zeros((0, len(parts)))
        scores = contrib.sum(axis=1)
        return ScoreTable(
            scorer=self.name,
            config=self.get_config(),
            ids=table.ids,
            scores=owned_readonly(scores),
            components=("benchmark", *(f"adjust:{f}" for f, _ in self.adjustments)),
            contributions=owned_readonly(contrib),
            coverage=owned_readonly(np.ones(n)),
            reason_codes=("fallback_benchmark",),
            reason_flags=(fallback_u[inv] if n else np.zeros(0, dtype=np.bool_)).reshape(n, 1),
            reason_texts=dict(_REASON_TEXTS),
        )

    def get_config(self) -> dict[str, Any]:
        """Return benchmarks and options as JSON-compatible data (the one config form).

        Examples:
            >>> from kamlib.scoring import EmpiricalEstimate
            >>> EmpiricalEstimate({("it", "s"): 5.0}).get_config()["benchmarks"]
            [['it', 's', 5.0]]
        """
        return scorer_config(self)

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> EmpiricalEstimate:
        """Rebuild an estimator from `get_config` output, validated like user input.

        Raises:
            InvalidValueError: Unknown keys, another scorer's config, bad values (NaN...).
            InvalidTypeError: Values of the wrong type.

        Examples:
            >>> from kamlib.scoring import EmpiricalEstimate
            >>> EmpiricalEstimate.from_config({"benchmarks": [["it", "s", -1]]})
            Traceback (most recent call last):
            ...
            kamlib.errors.InvalidValueError: EmpiricalEstimate.benchmarks[0].spend: \
must be a real number in [0, 1e+15]; got -1.0
        """
        return scorer_from_config(cls, config)
