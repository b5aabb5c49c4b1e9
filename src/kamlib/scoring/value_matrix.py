"""The strategic value matrix (战略价值矩阵), source rule [000], with optional A/B/C/D names.

Two axes split the portfolio into four quadrants:

- **current contribution** (当前贡献度, the x axis): by default the feature ``profit``,
  profit after cost-to-serve (source [004] judges key-account work by profit, not
  revenue; reading it as the matrix's contribution axis is kamlib's choice);
- **strategic importance** (战略重要性, the y axis): by default the weighted blend of the
  three strategic attributes of source [000] — ``strategic_fit`` (战略契合度),
  ``value_potential`` (价值潜力), ``resource_complementarity`` (资源互补性), equal weights.

An account is *high* on an axis when its value is **at or above** the cut (``value >= cut``),
so the partition is total: every account gets exactly one quadrant. Cuts are either fitted
quantiles of the population (the median by default) or absolute values.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any, ClassVar

import attrs
import numpy as np
from numpy.typing import ArrayLike, NDArray

from kamlib._table import MAGNITUDE, MAX_MAGNITUDE, FeatureTable
from kamlib._validators import (
    as_float,
    as_float_tuple,
    as_tuple,
    each,
    non_empty_str,
    one_of,
    optional,
    real,
)
from kamlib.errors import InvalidValueError, NotFittedError
from kamlib.scoring._config import scorer_config, scorer_from_config
from kamlib.scoring._kernel import (
    BLOCK_ROWS,
    LinearForm,
    blocks,
    normalised,
    observed_share,
    row_weights,
    weight_rows,
)
from kamlib.scoring._population import Need, Sample, fit_in_memory
from kamlib.scoring._protocol import require_columns
from kamlib.scoring._result import ExplainDetails, ScoreTable, fmt_value, owned_readonly

__all__ = ["ABCD_NAMES", "DEFAULT_Y_FEATURES", "QUADRANTS", "QUADRANT_POLICY", "ValueMatrix"]

FloatArray = NDArray[np.float64]

QUADRANTS: tuple[str, ...] = ("strategic", "potential", "profit", "ordinary")
"""Quadrant names in the order of source [000]'s table (high/high first, low/low last)."""

ABCD_NAMES: Mapping[str, str] = MappingProxyType(
    {"strategic": "A", "potential": "B", "profit": "C", "ordinary": "D"}
)
"""Source [002]'s A/B/C/D classes. The source does not say which letter is which quadrant;
kamlib follows the order of source [000]'s table: A = strategic (high contribution, high
strategic importance), B = potential (low, high), C = profit (high, low), D = ordinary."""

QUADRANT_POLICY: Mapping[str, str] = MappingProxyType(
    {
        "strategic": "dedicated team; annual joint strategic plan",
        "potential": "invest to develop; pilot projects to prove value",
        "profit": "optimise cost-to-serve; keep the relationship stable",
        "ordinary": "standardised service; screen for upgrade",
    }
)
"""Source rule [000]: the resource policy of each quadrant, as data."""

DEFAULT_Y_FEATURES: tuple[str, ...] = (
    "strategic_fit",
    "value_potential",
    "resource_complementarity",
)
"""The strategic attributes of source [000] that the default importance axis blends."""
_REASONS = ("high_contribution", "high_strategic", "partial_strategic")
_REASON_TEXTS = MappingProxyType(
    {
        "high_contribution": "current contribution at or above the cut",
        "high_strategic": "strategic importance at or above the cut",
        "partial_strategic": "some strategic attributes missing; blend renormalised",
    }
)
NAMINGS: tuple[str, ...] = ("quadrant", "abcd")
MISSING: tuple[str, ...] = ("raise", "renormalise")
"""Missing-data policies of the matrix (strategic attributes only): two of the vocabulary."""


def _equal_weights(self: ValueMatrix) -> tuple[float, ...]:
    return (1.0,) * len(self.y_features)


@attrs.frozen(eq=False)
class _BlendContributions:
    """Lazy ``e_j * y_j`` contributions, the terms `_blend` adds up."""

    cols: tuple[FloatArray, ...]
    E: FloatArray  # (k,) constant or (n, k) per-row weights

    def compute(self) -> FloatArray:
        """Return the ``(n, k)`` contributions."""
        n = self.cols[0].shape[0]
        out = np.empty((n, len(self.cols)), dtype=np.float64, order="F")
        for j, c in enumerate(self.cols):
            np.multiply(c, self.E[j] if self.E.ndim == 1 else self.E[:, j], out=out[:, j])
        return out

    def take(self, rows: NDArray[np.intp]) -> _BlendContributions:
        """Return the recipe for ``rows`` only."""
        E = self.E if self.E.ndim == 1 else self.E[rows]
        return _BlendContributions(tuple(c[rows] for c in self.cols), E)


def _blend(cols: tuple[FloatArray, ...], E: FloatArray) -> FloatArray:
    """``sum_j e_j * cols[j]``, left to right: the same operations for every row.

    With per-row weights ``E`` (``(n, k)``) a complete row's weights equal the constant
    ones bit for bit (`row_weights`), so it gets the same
    ``y`` whether or not another row misses an attribute.
    """
    n = cols[0].shape[0]
    y: FloatArray = np.empty(n, dtype=np.float64)
    buf = np.empty(min(n, BLOCK_ROWS), dtype=np.float64)  # one block: stays in cache
    for rows in blocks(n):
        o = y[rows]
        tmp = buf[: o.shape[0]]
        for j, c in enumerate(cols):
            e = E[j] if E.ndim == 1 else E[rows, j]
            if j == 0:
                np.multiply(c[rows], e, out=o)
            else:
                np.multiply(c[rows], e, out=tmp)
                o += tmp
    return y


@attrs.frozen(eq=False)
class _Why:
    """Explanation details: each axis against its own cut, in its own unit."""

    matrix: ValueMatrix
    table: FeatureTable
    rows: NDArray[np.intp] | None = None

    def details(
        self, row: int, score: float, label: str | None, reasons: tuple[str, ...]
    ) -> ExplainDetails:
        m = self.matrix
        r = row if self.rows is None else int(self.rows[row])
        x = float(self.table.column(m.x_feature)[r])
        inputs: list[tuple[str, float | None]] = [(m.x_feature, x)]
        for f in m.y_features:
            gone = self.table.missing is not None and bool(self.table.is_missing(f)[r])
            inputs.append((f, None if gone else float(self.table.column(f)[r])))
        assert m.x_cut is not None  # a scored matrix has its cuts
        assert m.y_cut is not None
        hx, hy = x >= m.x_cut, score >= m.y_cut
        summary = (
            f"{m.x_feature} {fmt_value(x)} {'>=' if hx else '<'} cut {fmt_value(m.x_cut)} -> "
            f"{'high' if hx else 'low'} contribution (by {fmt_value(abs(x - m.x_cut))}); "
            f"strategic importance {score:.3g} {'>=' if hy else '<'} cut {m.y_cut:.3g} -> "
            f"{'high' if hy else 'low'} importance (by {abs(score - m.y_cut):.3g})"
        )
        if label is not None:
            summary += f" -> {label}: {QUADRANT_POLICY.get(label, '')}".rstrip(": ")
        return ExplainDetails(inputs=tuple(inputs), summary=summary)

    def take(self, rows: NDArray[np.intp]) -> _Why:
        return _Why(self.matrix, self.table, rows if self.rows is None else self.rows[rows])


@attrs.frozen
class ValueMatrix:
    """Strategic value matrix: four quadrants from contribution and strategic importance.

    Source rule [000] (战略价值矩阵): *strategic* (high contribution, high importance),
    *potential* (low, high), *profit* (high, low), *ordinary* (low, low); each quadrant has a
    resource policy (`QUADRANT_POLICY`). Source [002] makes classes A/B/C/D from its own
    axes (potential, contribution) and does not say which letter is which quadrant:
    ``naming="abcd"`` uses kamlib's mapping `ABCD_NAMES`, its own choice.

    **Axes.** ``x`` = the ``x_feature`` column (default ``profit``; kamlib's reading of
    source [004]'s profit measure).
    ``y`` = ``sum_j w_j * y_features[j]`` with ``w`` = ``y_weights`` normalised to sum 1
    (default: equal weights over the three strategic attributes of [000], so ``y`` is on
    their 0..10 scale).

    **Cuts.** With ``quantile`` set (default 0.5, the median), `fit` learns each cut
    that is still unset as that quantile of its axis over the population (numpy's "linear"
    quantile, from one partition). **Pinned means pinned:** a cut you give (``x_cut=``,
    ``y_cut=``, or a fitted config loaded back) is never re-learned, so a nightly job that
    calls ``fit`` keeps pinned tiers; to re-learn, fit a scorer without the cut. With
    ``quantile=None`` the cuts are absolute values and must both be given.

    **Boundary rule.** ``value >= cut`` is *high*: an account exactly on a cut goes up.
    Both axes are compared exactly, with no tolerance: ``y`` is computed by the same
    operations for every account (a left-to-right blend), so an account gets the same
    bits, and the same quadrant, alone and in any batch.

    **Result.** ``score`` = the strategic-importance coordinate ``y``; its contributions
    are ``w_j * y_features[j]`` and add up to it (summed left to right, exactly).
    ``label`` = the quadrant. ``margin`` = ``|y - y_cut|``, the score's distance to its own
    cut in its own unit (importance points), like every scorer's margin; the contribution
    axis's distance, in money, is in the explanation (`ScoreTable.explain`: "profit 82,000 >=
    cut 76,416 -> high contribution (by 5,584)"). A single distance over both axes would
    mix money with points (kamlib's choice). Reasons: ``high_contribution``,
    ``high_strategic``, ``partial_strategic``.

    **Missing values.** A missing contribution value is always refused
    ([`InvalidValueError`][kamlib.errors.InvalidValueError] naming the account). Missing strategic
    attributes: ``missing="raise"`` (default) refuses them; ``missing="renormalise"`` blends
    the observed attributes with their weights renormalised, reports the observed weight
    share as ``coverage`` and fires ``partial_strategic``; an account with no strategic
    attribute at all is still refused.

    Attributes:
        x_feature: Column of the contribution axis.
        y_features: Columns blended into the strategic-importance axis.
        y_weights: Non-negative weights of ``y_features`` (at least one positive); default
            equal. Only their ratios matter.
        quantile: Quantile for fitted cuts in (0, 1), or ``None`` for absolute cuts.
        x_cut: Cut on the contribution axis (fitted value to pin, or absolute).
        y_cut: Cut on the strategic-importance axis.
        naming: ``"quadrant"`` (strategic/potential/profit/ordinary) or ``"abcd"``.
        missing: ``"raise"`` or ``"renormalise"`` (strategic attributes only).

    Examples:
        >>> from kamlib import FeatureTable
        >>> from kamlib.scoring import ValueMatrix
        >>> t = FeatureTable.from_columns(
        ...     ["A1", "A2", "A3", "A4"],
        ...     {
        ...         "profit": [900.0, 100.0, 800.0, 50.0],
        ...         "strategic_fit": [9, 8, 2, 1],
        ...         "value_potential": [8, 9, 3, 2],
        ...         "resource_complementarity": [7, 7, 1, 3],
        ...     },
        ... )
        >>> vm = ValueMatrix().fit(t)  # median cuts
        >>> vm.x_cut, vm.y_cut
        (450.0, 5.0)
        >>> st = vm.score(t)
        >>> st.labels.tolist()
        ['strategic', 'potential', 'profit', 'ordinary']
        >>> st.score_of("A1")  # strategic importance = (9 + 8 + 7) / 3
        8.0
        >>> st.reasons_of("A3")
        ('high_contribution',)
        >>> ValueMatrix(naming="abcd").fit(t).score(t).labels.tolist()
        ['A', 'B', 'C', 'D']

        Pinned cuts make a fitted scorer without ``fit``:

        >>> ValueMatrix(x_cut=850.0, y_cut=5.0).score(t).label_of("A3")
        'ordinary'
        >>> ValueMatrix(quantile=1.5)
        Traceback (most recent call last):
        ...
        kamlib.errors.InvalidValueError: ValueMatrix.quantile: must be a real number \
in (0, 1); got 1.5
    """

    name: ClassVar[str] = "value_matrix"
    config_version: ClassVar[int] = 1
    x_feature: str = attrs.field(default="profit", validator=non_empty_str())
    y_features: tuple[str, ...] = attrs.field(
        default=DEFAULT_Y_FEATURES, converter=as_tuple, validator=each(non_empty_str())
    )
    y_weights: tuple[float, ...] = attrs.field(
        default=attrs.Factory(_equal_weights, takes_self=True),
        converter=as_float_tuple,
        validator=each(real(ge=0.0, le=MAX_MAGNITUDE)),
    )
    quantile: float | None = attrs.field(
        default=0.5, kw_only=True, converter=as_float, validator=optional(real(gt=0, lt=1))
    )
    x_cut: float | None = attrs.field(
        default=None, kw_only=True, converter=as_float, validator=optional(real(**MAGNITUDE))
    )
    y_cut: float | None = attrs.field(
        default=None, kw_only=True, converter=as_float, validator=optional(real(**MAGNITUDE))
    )
    naming: str = attrs.field(default="quadrant", kw_only=True, validator=one_of(*NAMINGS))
    missing: str = attrs.field(default="raise", kw_only=True, validator=one_of(*MISSING))

    def __attrs_post_init__(self) -> None:
        yf, yw = self.y_features, self.y_weights
        if not yf:
            raise InvalidValueError("ValueMatrix.y_features", yf, "must name at least one column")
        if len(set(yf)) != len(yf):
            raise InvalidValueError("ValueMatrix.y_features", yf, "must not repeat a column")
        if len(yw) != len(yf):
            raise InvalidValueError(
                "ValueMatrix.y_weights", yw, f"must hold {len(yf)} weights (one per feature)"
            )
        if not any(w > 0 for w in yw):
            raise InvalidValueError("ValueMatrix.y_weights", yw, "must hold a positive weight")
        if self.quantile is None and (self.x_cut is None or self.y_cut is None):
            raise InvalidValueError(
                "ValueMatrix.quantile", None, "is None (absolute cuts): give both x_cut and y_cut"
            )

    # ------------------------------------------------------------------ protocol
    @property
    def is_fitted(self) -> bool:
        """True when both cuts are known (fitted, pinned or absolute).

        Examples:
            >>> from kamlib import FeatureTable
            >>> from kamlib.scoring import ValueMatrix
            >>> t = FeatureTable.from_columns(["A", "B"], {"x": [1.0, 3.0]})
            >>> ValueMatrix("x", ["x"]).is_fitted, ValueMatrix("x", ["x"]).fit(t).is_fitted
            (False, True)
            >>> ValueMatrix(quantile=None, x_cut=100.0, y_cut=5.0).is_fitted  # absolute cuts
            True
        """
        return self.x_cut is not None and self.y_cut is not None

    @property
    def required_features(self) -> tuple[str, ...]:
        """The contribution column and the strategic-importance columns.

        Examples:
            >>> from kamlib.scoring import ValueMatrix
            >>> ValueMatrix().required_features
            ('profit', 'strategic_fit', 'value_potential', 'resource_complementarity')
        """
        return (self.x_feature, *self.y_features)

    @property
    def classes(self) -> tuple[str, ...]:
        """Labels in quadrant order (strategic, potential, profit, ordinary) or A..D.

        Examples:
            >>> from kamlib.scoring import ValueMatrix
            >>> ValueMatrix().classes
            ('strategic', 'potential', 'profit', 'ordinary')
            >>> ValueMatrix(naming="abcd").classes
            ('A', 'B', 'C', 'D')
        """
        if self.naming == "abcd":
            return tuple(ABCD_NAMES[q] for q in QUADRANTS)
        return QUADRANTS

    @property
    def shares(self) -> tuple[float, ...]:
        """Each strategic attribute's share of ``y_weights``, summing to 1 (what the blend uses).

        Examples:
            >>> from kamlib.scoring import ValueMatrix
            >>> ValueMatrix(y_weights=[2, 1, 1]).shares
            (0.5, 0.25, 0.25)
        """
        return normalised(self.y_weights)

    def policy(self, label: str) -> str:
        """Return the source [000] resource policy of a quadrant or A/B/C/D label.

        Raises:
            InvalidTypeError: ``label`` is not a str.
            UnknownIdError: Not a label of this matrix.

        Examples:
            >>> from kamlib.scoring import ValueMatrix
            >>> ValueMatrix(naming="abcd").policy("B")
            'invest to develop; pilot projects to prove value'
        """
        from kamlib.errors import InvalidTypeError, UnknownIdError

        if not isinstance(label, str):
            raise InvalidTypeError("label", label, "must be a str (a quadrant or A/B/C/D label)")
        if label in QUADRANT_POLICY:
            return QUADRANT_POLICY[label]
        for quadrant, letter in ABCD_NAMES.items():
            if letter == label:
                return QUADRANT_POLICY[quadrant]
        raise UnknownIdError("label", label, f"is not a quadrant; known: {list(self.classes)}")

    def _checked_columns(
        self, table: FeatureTable
    ) -> tuple[tuple[FloatArray, ...], NDArray[np.bool_] | None]:
        """The ``y`` columns and their missing cells (``None``: none), checked.

        The checks `_axes` and `_linear_form` share, in this order: the required columns;
        no missing ``x``; no missing ``y`` under ``missing="raise"``.
        """
        require_columns(table, self.required_features, self.name)
        cols = tuple(table.column(f) for f in self.y_features)
        if table.missing is not None and table.is_missing(self.x_feature).any():
            i = int(np.flatnonzero(table.is_missing(self.x_feature))[0])
            raise InvalidValueError(
                f"{self.name}.table[{self.x_feature!r}]",
                table.ids[i],
                "is missing for this account; the contribution axis has no missing-value rule",
            )
        my: NDArray[np.bool_] | None = None
        if table.missing is not None:
            my = np.column_stack([table.is_missing(f) for f in self.y_features])
            if not my.any():
                my = None
        if my is not None and self.missing == "raise":
            i, j = (int(v[0]) for v in np.nonzero(my))
            raise InvalidValueError(
                f"{self.name}.table[{self.y_features[j]!r}]",
                table.ids[i],
                "is missing for this account (pass missing='renormalise' to blend the rest)",
            )
        return cols, my

    def _axes(
        self, table: FeatureTable
    ) -> tuple[
        FloatArray,
        FloatArray,
        FloatArray,
        _BlendContributions,
        NDArray[np.bool_] | None,
    ]:
        """Return ``x``, ``y``, coverage, the contributions of ``y`` and its missing cells."""
        cols, my = self._checked_columns(table)
        n = len(table)
        x = table.column(self.x_feature)
        if my is None:
            E = row_weights(self.y_weights, None, renormalise=True)
            one = np.broadcast_to(np.float64(1.0), (n,))  # nothing missing: a constant
            return x, _blend(cols, E), one, _BlendContributions(cols, E), None
        E = row_weights(self.y_weights, my, renormalise=True)
        partial = my.any(axis=1)
        none_seen = partial & ~(E > 0).any(axis=1)
        if none_seen.any():
            i = int(np.flatnonzero(none_seen)[0])
            raise InvalidValueError(
                f"{self.name}.table", table.ids[i], "has no strategic attribute for this account"
            )
        filled = tuple(np.where(my[:, j], 0.0, c) for j, c in enumerate(cols))
        cov = observed_share(self.y_weights, my)
        return x, _blend(filled, E), cov, _BlendContributions(filled, E), my

    def score_many(self, table: FeatureTable, weights: ArrayLike) -> FloatArray:
        """The strategic-importance axis of every account under each of ``S`` weight vectors.

        Row ``s`` is, **bit for bit**, ``score(table).scores`` (the ``y`` axis) of this
        matrix with ``y_weights`` pinned to ``weights[s]``: the same normalisation, the same
        blend over ``y_features`` left to right, the same missing-data policy; element-wise
        operations vectorised over weight vectors and accounts, never a BLAS product
        (see [`WeightedPoints.score_many`][kamlib.scoring.WeightedPoints.score_many]).
        The cuts play no part in the axis, so they need not be known; the contribution
        axis does not depend on the weights.

        Args:
            table: The accounts, as for `score`.
            weights: ``(S, len(y_features))`` raw weights, one row per weight vector; each
                row finite, in ``[0, 1e15]``, with a positive weight.

        Returns:
            A new ``(S, n)`` float64 array.

        Raises:
            MissingFeatureError: A required column is missing.
            InvalidTypeError: ``weights`` is not an array of real numbers.
            InvalidValueError: ``weights`` has the wrong shape or a bad weight (named by
                cell or row); a value is missing against the policy, or an account keeps
                no observed strategic attribute with a positive weight under some row.

        Examples:
            >>> import numpy as np
            >>> from kamlib import FeatureTable
            >>> from kamlib.scoring import ValueMatrix
            >>> t = FeatureTable.from_columns(["A", "B"], {"p": [1.0, 2.0],
            ...                               "s": [9.0, 1.0], "u": [1.0, 5.0]})
            >>> vm = ValueMatrix("p", ["s", "u"], x_cut=1.5, y_cut=5.0)
            >>> y = vm.score_many(t, [[1.0, 1.0], [1.0, 3.0]])
            >>> y.tolist()
            [[5.0, 3.0], [3.0, 4.0]]
            >>> np.array_equal(y[1], ValueMatrix("p", ["s", "u"], [1.0, 3.0],
            ...                x_cut=1.5, y_cut=5.0).score(t).scores)
            True
        """
        W = weight_rows(f"{type(self).__name__}.score_many.weights", weights, len(self.y_features))
        return self._linear_form(table).many(W)

    def _linear_form(self, table: FeatureTable) -> LinearForm:
        """The blend of `_axes` on ``table`` for any raw weights (see `score_many`).

        The same checks as `_axes` (`_checked_columns`).
        """
        cols, my = self._checked_columns(table)
        if my is not None:
            cols = tuple(np.where(my[:, j], 0.0, c) for j, c in enumerate(cols))
        return LinearForm(
            ids=table.ids,
            points=cols,
            slopes=(None,) * len(cols),
            icpts=None,
            missing=my,
            renormalise=True,
            path=self.name,
            empty_rule="weight",
        )

    def fit(self, table: FeatureTable) -> ValueMatrix:
        """Learn the quantile cuts of both axes; with absolute cuts return ``self``.

        Raises:
            MissingFeatureError: A required column is missing.
            InvalidValueError: A value is missing against the policy; the table is empty.

        Examples:
            >>> from kamlib import FeatureTable
            >>> from kamlib.scoring import ValueMatrix
            >>> t = FeatureTable.from_columns(["A", "B", "C"], {"p": [1, 2, 3], "s": [0, 5, 10]})
            >>> ValueMatrix("p", ["s"], quantile=0.25).fit(t).get_config()["x_cut"]
            1.5
        """
        require_columns(table, self.required_features, self.name)
        fitted: ValueMatrix = fit_in_memory(self, table)
        return fitted

    def _fit_reading(self) -> _CutsReading | None:
        """What `fit` reads: the quantile of each axis whose cut is unset (None: pinned)."""
        if self.quantile is None or self.is_fitted:
            return None  # pinned means pinned: a cut the user gave is never re-learned
        return _CutsReading(self)

    def score(self, table: FeatureTable) -> ScoreTable:
        """Place every account in a quadrant (see the class docstring for the result).

        Raises:
            NotFittedError: Cuts are not known yet.
            MissingFeatureError: A required column is missing.
            InvalidValueError: A value is missing against the policy.

        Examples:
            >>> from kamlib import FeatureTable
            >>> from kamlib.scoring import ValueMatrix
            >>> t = FeatureTable.from_columns(["A"], {"p": [5.0], "s": [5.0]})
            >>> ValueMatrix("p", ["s"], quantile=None, x_cut=5, y_cut=5).score(t).labels
            array(['strategic'], dtype=object)
        """
        if self.x_cut is None or self.y_cut is None:
            raise NotFittedError(
                f"{self.name}.x_cut", None, "is not fitted; call fit() or pass x_cut and y_cut"
            )
        x, y, cov, contrib, missing = self._axes(table)
        n = x.shape[0]
        flags = np.empty((n, 3), dtype=np.bool_, order="F")
        np.less(cov, 1.0, out=flags[:, 2])
        code = np.empty(n, dtype=np.uint8)  # 0 strategic, 1 potential, 2 profit, 3 ordinary
        margin = np.empty(n, dtype=np.float64)
        m = min(n, BLOCK_ROWS)
        low_buf = np.empty(m, dtype=np.uint8)
        for rows in blocks(n):  # row by row in cache-sized blocks: speed, never bits
            k = rows.stop - rows.start
            hx = np.greater_equal(x[rows], self.x_cut, out=flags[rows, 0])
            hy = np.greater_equal(y[rows], self.y_cut, out=flags[rows, 1])
            c, low = code[rows], low_buf[:k]
            np.logical_not(hx, out=c.view(np.bool_))
            np.logical_not(hy, out=low.view(np.bool_))
            low <<= 1
            c |= low
            mg = margin[rows]
            np.subtract(y[rows], self.y_cut, out=mg)
            np.abs(mg, out=mg)
        return ScoreTable(
            scorer=self.name,
            config=self.get_config(),
            ids=table.ids,
            scores=owned_readonly(y),
            components=self.y_features,
            contributions=contrib,
            coverage=owned_readonly(cov),
            labels=owned_readonly(code),  # codes into classes, decoded on first read
            classes=self.classes,
            margin=owned_readonly(margin),
            reason_codes=_REASONS,
            reason_flags=owned_readonly(flags),
            reason_texts=dict(_REASON_TEXTS),
            component_missing=owned_readonly(missing),
            details=_Why(self, table),
        )

    def get_config(self) -> dict[str, Any]:
        """Return options and cuts as JSON-compatible data (the one scorer config form).

        Examples:
            >>> from kamlib.scoring import ValueMatrix
            >>> cfg = ValueMatrix(x_cut=1.0, y_cut=2.0).get_config()
            >>> cfg["scorer"], cfg["version"], cfg["y_weights"]
            ('value_matrix', 1, [1.0, 1.0, 1.0])
            >>> ValueMatrix.from_config(cfg) == ValueMatrix(x_cut=1.0, y_cut=2.0)
            True
        """
        return scorer_config(self)

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> ValueMatrix:
        """Rebuild a matrix from `get_config` output, validated like user input.

        Raises:
            InvalidValueError: Unknown keys, another scorer's config, bad values (NaN...).
            InvalidTypeError: Values of the wrong type.

        Examples:
            >>> from kamlib.scoring import ValueMatrix
            >>> ValueMatrix.from_config({"x_cut": float("nan"), "y_cut": 1.0})
            Traceback (most recent call last):
            ...
            kamlib.errors.InvalidValueError: ValueMatrix.x_cut: must be finite; got nan
        """
        return scorer_from_config(cls, config)


@attrs.frozen
class _CutsReading:
    """The fit of `ValueMatrix`, as questions: the quantile of each axis to learn."""

    scorer: ValueMatrix

    @property
    def _axes_to_learn(self) -> tuple[int, ...]:
        return tuple(j for j, c in enumerate((self.scorer.x_cut, self.scorer.y_cut)) if c is None)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(("x", "y")[j] for j in self._axes_to_learn)

    @property
    def needs(self) -> tuple[Need, ...]:
        q = self.scorer.quantile
        assert q is not None  # a reading exists only for quantile cuts
        return tuple(Need(probs=(q,)) for _ in self._axes_to_learn)

    def values(self, table: FeatureTable) -> list[FloatArray]:
        require_columns(table, self.scorer.required_features, self.scorer.name)
        if len(table) == 0:
            return [np.zeros(0) for _ in self._axes_to_learn]
        x, y, _, _, _ = self.scorer._axes(table)  # every row has both axes (no NaN)
        y += 0.0  # y is this fit's own blend: made canonical in place, no copy
        axes = (x + 0.0, y)  # -0.0 + 0.0 is 0.0 (see kamlib.scoring._population)
        return [axes[j] for j in self._axes_to_learn]

    def learn(self, samples: Sequence[Sample]) -> ValueMatrix:
        vm = self.scorer
        q = vm.quantile
        assert q is not None
        if samples[0].size == 0:
            raise InvalidValueError(f"{vm.name}.fit.table", 0, "must hold at least one row")
        cuts = [vm.x_cut, vm.y_cut]
        for j, sample in zip(self._axes_to_learn, samples, strict=True):
            cuts[j] = float(sample.quantiles([q])[0])
        return attrs.evolve(vm, x_cut=cuts[0], y_cut=cuts[1])
