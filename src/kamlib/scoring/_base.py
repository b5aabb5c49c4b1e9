"""The Scorer protocol, the ScoreTable result, explanations and the scorer registry.

Data flows one way: ``FeatureTable -> scorer.fit -> fitted scorer -> scorer.score -> ScoreTable``.
``fit`` learns population parameters (quantile cuts, min-max ranges, medians) and returns a
*new* scorer holding them; ``score`` applies fixed parameters row by row, so an account gets
the same result alone, in any batch, in any order, or on any partition.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Protocol, Self, TypeVar, runtime_checkable

import attrs
import numpy as np
from numpy.typing import NDArray

from kamlib._table import FeatureTable, row_of_id, row_positions
from kamlib.errors import (
    DuplicateIdError,
    InvalidTypeError,
    InvalidValueError,
    KamlibWarning,
    MissingFeatureError,
    UnknownScorerError,
)

__all__ = [
    "ENTRY_POINT_GROUP",
    "Explanation",
    "LazyContributions",
    "LinearContributions",
    "ScoreTable",
    "Scorer",
    "ScorerRegistry",
    "config_hash",
    "default_registry",
    "get_scorer",
    "register_scorer",
    "require_columns",
]

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
ENTRY_POINT_GROUP = "kamlib.scorers"


# ---------------------------------------------------------------------------- protocol
@runtime_checkable
class Scorer(Protocol):
    """What every scorer provides; no subclassing required (duck typing).

    A scorer is an immutable object. ``fit`` returns a new scorer holding the learned,
    JSON-compatible parameters; ``score`` never learns anything. ``get_config`` returns the
    whole configuration (options and fitted parameters) as plain data, and
    ``type(s).from_config(s.get_config())`` rebuilds an equal scorer, so a CRM can pin it.

    Examples:
        >>> from kamlib.scoring import Scorer, ValueMatrix
        >>> isinstance(ValueMatrix(), Scorer)
        True
    """

    @property
    def name(self) -> str:
        """The registry name of the method, e.g. ``"value_matrix"``.

        Examples:
            Shown on the built-in :class:`~kamlib.scoring.ValueMatrix`:

            >>> from kamlib.scoring import ValueMatrix, get_scorer
            >>> ValueMatrix().name
            'value_matrix'
            >>> type(get_scorer(ValueMatrix().name)).__name__
            'ValueMatrix'
        """
        ...

    @property
    def is_fitted(self) -> bool:
        """True when ``score`` can run (fitted, or needs no fitting).

        Examples:
            Shown on the built-in :class:`~kamlib.scoring.ValueMatrix` (median cuts learned
            by ``fit``; pinned cuts need no fitting):

            >>> from kamlib import FeatureTable
            >>> from kamlib.scoring import ValueMatrix
            >>> t = FeatureTable.from_columns(["A", "B"], {"x": [1.0, 3.0]})
            >>> vm = ValueMatrix("x", ["x"])
            >>> vm.is_fitted, vm.fit(t).is_fitted
            (False, True)
            >>> ValueMatrix("x", ["x"], x_cut=2.0, y_cut=2.0).is_fitted
            True
        """
        ...

    @property
    def required_features(self) -> tuple[str, ...]:
        """Feature columns ``score`` reads.

        Examples:
            Shown on the built-in :class:`~kamlib.scoring.ValueMatrix` (its contribution
            column, then its strategic-importance columns):

            >>> from kamlib.scoring import ValueMatrix
            >>> ValueMatrix("profit", ["strategic_fit", "value_potential"]).required_features
            ('profit', 'strategic_fit', 'value_potential')
        """
        ...

    def fit(self, table: FeatureTable) -> Self:
        """Learn population parameters from ``table``; return a new, fitted scorer.

        Examples:
            Shown on the built-in :class:`~kamlib.scoring.ValueMatrix`, which learns the
            median cuts; the unfitted scorer is left unchanged:

            >>> from kamlib import FeatureTable
            >>> from kamlib.scoring import ValueMatrix
            >>> t = FeatureTable.from_columns(["A", "B"], {"x": [1.0, 3.0]})
            >>> vm = ValueMatrix("x", ["x"])
            >>> fitted = vm.fit(t)
            >>> fitted.x_cut, vm.x_cut
            (2.0, None)
        """
        ...

    def score(self, table: FeatureTable) -> ScoreTable:
        """Score every row of ``table`` with fixed parameters.

        Examples:
            Shown on the built-in :class:`~kamlib.scoring.ValueMatrix` with pinned cuts; an
            account scores the same alone as in the batch:

            >>> from kamlib import FeatureTable
            >>> from kamlib.scoring import ValueMatrix
            >>> t = FeatureTable.from_columns(["A", "B"], {"x": [1.0, 3.0]})
            >>> vm = ValueMatrix("x", ["x"], x_cut=2.0, y_cut=2.0)
            >>> vm.score(t).labels.tolist()
            ['ordinary', 'strategic']
            >>> vm.score(t.take([1])).label_of("B")
            'strategic'
        """
        ...

    def get_config(self) -> dict[str, Any]:
        """Return options and fitted parameters as JSON-compatible plain data.

        Examples:
            Shown on the built-in :class:`~kamlib.scoring.ValueMatrix`; the fitted cuts are
            part of the configuration:

            >>> import json
            >>> from kamlib import FeatureTable
            >>> from kamlib.scoring import ValueMatrix
            >>> t = FeatureTable.from_columns(["A", "B"], {"x": [1.0, 3.0]})
            >>> cfg = ValueMatrix("x", ["x"]).fit(t).get_config()
            >>> cfg["scorer"], cfg["x_cut"], cfg["y_cut"]
            ('value_matrix', 2.0, 2.0)
            >>> json.loads(json.dumps(cfg)) == cfg
            True
        """
        ...

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Self:
        """Rebuild a scorer from :meth:`get_config` output (validated like user input).

        Examples:
            Shown on the built-in :class:`~kamlib.scoring.ValueMatrix`: the round trip
            rebuilds an equal, still fitted scorer:

            >>> from kamlib import FeatureTable
            >>> from kamlib.scoring import ValueMatrix
            >>> t = FeatureTable.from_columns(["A", "B"], {"x": [1.0, 3.0]})
            >>> vm = ValueMatrix("x", ["x"]).fit(t)
            >>> again = ValueMatrix.from_config(vm.get_config())
            >>> again == vm, again.is_fitted
            (True, True)
        """
        ...


def config_hash(config: Mapping[str, Any]) -> str:
    """Return a stable 16-hex-digit hash of a JSON-compatible configuration.

    Stable across processes and machines (canonical JSON, SHA-256), unlike ``hash()``.

    Raises:
        InvalidValueError: The configuration holds NaN/inf or non-JSON values.

    Examples:
        >>> from kamlib.scoring import config_hash
        >>> config_hash({"b": 1, "a": [0.5]}) == config_hash({"a": [0.5], "b": 1})
        True
        >>> len(config_hash({}))
        16
    """
    try:
        text = json.dumps(config, sort_keys=True, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise InvalidValueError("config", config, f"must be JSON-compatible ({exc})") from None
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def require_columns(table: object, names: Iterable[str], scorer: str) -> None:
    """Check that ``table`` is a FeatureTable holding every column in ``names``.

    Raises:
        InvalidTypeError: ``table`` is not a :class:`~kamlib.FeatureTable`.
        MissingFeatureError: A column is missing; the message names it and the scorer.

    Examples:
        >>> from kamlib import FeatureTable
        >>> from kamlib.scoring import require_columns
        >>> require_columns(FeatureTable.from_columns(["A"], {"x": [1]}), ["y"], "demo")
        Traceback (most recent call last):
        ...
        kamlib.errors.MissingFeatureError: demo.table: needs column 'y'; table has ['x']; got 'y'
    """
    if not isinstance(table, FeatureTable):
        raise InvalidTypeError(f"{scorer}.table", table, "must be a kamlib.FeatureTable")
    for name in names:
        if name not in table:
            raise MissingFeatureError(
                f"{scorer}.table", name, f"needs column {name!r}; table has {list(table.names)}"
            )


# ---------------------------------------------------------------------------- contributions
class LazyContributions(Protocol):
    """A recipe that computes the ``(n, c)`` contribution matrix on first use.

    Lets a kernel return scores at the speed of one matrix-vector product and pay for
    per-component contributions only when they are read. Must be picklable.

    Examples:
        :class:`LinearContributions` is the built-in recipe; a :class:`ScoreTable` accepts
        it in place of a matrix and computes it on first read:

        >>> import numpy as np
        >>> from kamlib.scoring import LinearContributions, ScoreTable
        >>> lazy = LinearContributions(np.array([[1.0], [3.0]]), np.array([2.0]), np.zeros(1))
        >>> st = ScoreTable(
        ...     scorer="demo", config={}, ids=np.array(["A", "B"], dtype=object),
        ...     scores=np.array([2.0, 6.0]), components=("x",), contributions=lazy,
        ...     coverage=np.ones(2),
        ... )
        >>> st.contributions.tolist()
        [[2.0], [6.0]]
    """

    def compute(self) -> FloatArray:
        """Return the ``(n, c)`` contributions.

        Examples:
            Shown on the built-in :class:`LinearContributions`:

            >>> import numpy as np
            >>> from kamlib.scoring import LinearContributions
            >>> lazy = LinearContributions(np.array([[1.0, 2.0]]), np.ones(2), np.zeros(2))
            >>> lazy.compute().shape
            (1, 2)
        """
        ...

    def take(self, rows: NDArray[np.intp]) -> LazyContributions:
        """Return the recipe restricted to ``rows``.

        Examples:
            Shown on the built-in :class:`LinearContributions`:

            >>> import numpy as np
            >>> from kamlib.scoring import LinearContributions
            >>> lazy = LinearContributions(np.array([[1.0], [3.0]]), np.ones(1), np.zeros(1))
            >>> lazy.take(np.array([1])).compute().tolist()
            [[3.0]]
        """
        ...


@attrs.frozen(eq=False)
class LinearContributions:
    """Contributions ``X * weights + offsets`` of a linear score ``X @ weights + offsets.sum()``.

    Missing cells (NaN in ``X``) contribute ``0``; the scorer is responsible for having
    renormalised ``weights`` per row if it needs to (then pass the per-row weight matrix).

    Attributes:
        X: ``(n, k)`` values.
        weights: ``(k,)`` or ``(n, k)`` weights.
        offsets: ``(k,)`` constant per component.

    Examples:
        >>> import numpy as np
        >>> from kamlib.scoring import LinearContributions
        >>> c = LinearContributions(np.array([[1.0, 2.0]]), np.array([0.5, 0.25]), np.zeros(2))
        >>> c.compute().tolist()
        [[0.5, 0.5]]
    """

    X: FloatArray
    weights: FloatArray
    offsets: FloatArray

    def compute(self) -> FloatArray:
        """Return ``(n, k)`` contributions.

        A missing value (NaN) contributes ``0``; the offsets are added as they are.

        Examples:
            >>> import numpy as np
            >>> from kamlib.scoring import LinearContributions
            >>> X = np.array([[2.0, np.nan]])
            >>> LinearContributions(X, np.array([0.5, 0.5]), np.array([1.0, 0.0])).compute()
            array([[2., 0.]])
        """
        out: FloatArray = np.nan_to_num(self.X * self.weights, nan=0.0) + self.offsets
        return out

    def take(self, rows: NDArray[np.intp]) -> LinearContributions:
        """Return the recipe for ``rows`` only.

        Per-row weights (an ``(n, k)`` matrix) are restricted along with ``X``.

        Examples:
            >>> import numpy as np
            >>> from kamlib.scoring import LinearContributions
            >>> X = np.array([[1.0, 1.0], [1.0, 1.0]])
            >>> W = np.array([[1.0, 0.0], [0.25, 0.75]])  # renormalised per row
            >>> LinearContributions(X, W, np.zeros(2)).take(np.array([1])).compute().tolist()
            [[0.25, 0.75]]
        """
        w = self.weights[rows] if self.weights.ndim == 2 else self.weights
        return LinearContributions(self.X[rows], w, self.offsets)


# ---------------------------------------------------------------------------- results
@attrs.frozen
class Explanation:
    """A readable breakdown of one account's score.

    Attributes:
        account_id: The account.
        scorer: Name of the method.
        score: The score.
        label: The class, if the method has classes.
        contributions: ``(component, contribution)`` pairs; they add up to ``score``.
        coverage: Share of the weight that was actually observed (1.0 = nothing missing).
        margin: Distance to the nearest class boundary (``None`` without classes).
        reasons: ``(code, text)`` for every rule that fired.
        config_hash: Hash of the configuration used.
        missing: Components whose input value was missing for this account (declared
            missing in the FeatureTable); printed as ``missing`` rather than a bare ``0``
            (or ``(missing, filled)`` when the method filled a value in).

    Examples:
        >>> from kamlib.scoring import Explanation
        >>> e = Explanation("A1", "demo", 3.0, None, (("x", 3.0), ("y", 0.0)), 0.5, None, (),
        ...                 "0" * 16, missing=("y",))
        >>> print(e)
        A1 - demo score 3 (coverage 50%)
          x                              3
          y                              missing
        config 0000000000000000
    """

    account_id: str
    scorer: str
    score: float
    label: str | None
    contributions: tuple[tuple[str, float], ...]
    coverage: float
    margin: float | None
    reasons: tuple[tuple[str, str], ...]
    config_hash: str
    missing: tuple[str, ...] = ()

    def __str__(self) -> str:
        head = f"{self.account_id} - {self.scorer} score {self.score:.4g}"
        if self.label is not None:
            head += f" -> {self.label}"
            if self.margin is not None:
                head += f" (margin {self.margin:.3g})"
        head += f" (coverage {self.coverage:.0%})"
        lines = [head]
        for name, value in self.contributions:
            if name not in self.missing:
                lines.append(f"  {name:<30} {value:.4g}")
            elif value == 0:
                lines.append(f"  {name:<30} missing")
            else:
                lines.append(f"  {name:<30} {value:.4g} (missing, filled)")
        lines += [f"  reason {code}: {text}" for code, text in self.reasons]
        lines.append(f"config {self.config_hash}")
        return "\n".join(lines)


def _nonempty_str(value: object) -> bool:
    return isinstance(value, str) and bool(value)


def _ro(a: NDArray[Any]) -> NDArray[Any]:
    """Mark an array the caller just created (and nobody else holds) read-only."""
    a.flags.writeable = False
    return a


_A = TypeVar("_A", bound="NDArray[Any] | None")


def owned_readonly(a: _A) -> _A:
    """Mark a scorer's freshly computed array read-only in place (no copy); ``None`` passes.

    For scorer code only, on arrays nobody else holds: ScoreTable then keeps them as they
    are instead of copying them.
    """
    if a is not None:
        a.flags.writeable = False
    return a


def _frozen(a: NDArray[Any]) -> NDArray[Any]:
    """Return ``a`` if read-only, else a read-only copy (never flips a caller's array)."""
    if not a.flags.writeable:
        return a
    out = a.copy()
    out.flags.writeable = False
    return out


@attrs.frozen(eq=False, repr=False)
class ScoreTable:
    """What a scorer returns: scores, labels, contributions, coverage, reasons, margins.

    Everything is a column (one entry per account, aligned with ``ids``), so a million-row
    result costs no Python object per row. Per-row views: :meth:`explain`,
    :meth:`reasons_of`.

    A ScoreTable is immutable, arrays included: ``ids``, ``scores``, ``coverage``,
    ``labels``, ``margin``, ``reason_flags``, ``component_missing`` and the contributions
    are read-only (writing raises numpy's ``ValueError``). An array given writeable is
    copied first, so the caller's own array is never frozen or aliased.

    Attributes:
        scorer: Name of the method.
        config: The configuration used (options and fitted parameters), plain data.
        ids: Account ids.
        scores: ``(n,)`` scores.
        components: Names of the components whose contributions add up to the score.
        contributions: ``(n, c)`` matrix, or a :class:`LazyContributions` recipe.
        coverage: ``(n,)`` share of weight observed, in ``[0, 1]``.
        labels: ``(n,)`` class labels, or ``None`` if the method has no classes.
        classes: The possible labels, in the method's order.
        margin: ``(n,)`` distance to the nearest class boundary, or ``None``.
        reason_codes: Codes of the rules that can fire.
        reason_flags: ``(n, len(reason_codes))`` bool matrix, True where a rule fired.
        reason_texts: Human text per code.
        component_missing: ``(n, c)`` bool matrix, True where a component's input was
            missing for that account, or ``None`` when nothing was missing.

    Examples:
        >>> import numpy as np
        >>> from kamlib.scoring import ScoreTable
        >>> st = ScoreTable(
        ...     scorer="demo", config={}, ids=np.array(["A", "B"], dtype=object),
        ...     scores=np.array([1.0, 2.0]), components=("x",),
        ...     contributions=np.array([[1.0], [2.0]]), coverage=np.ones(2),
        ... )
        >>> st.score_of("B")
        2.0
        >>> st.explain("B").contributions
        (('x', 2.0),)
    """

    scorer: str
    config: Mapping[str, Any]
    ids: NDArray[np.object_]
    scores: FloatArray
    components: tuple[str, ...]
    _contributions: FloatArray | LazyContributions = attrs.field(alias="contributions")
    coverage: FloatArray
    labels: NDArray[np.object_] | None = None
    classes: tuple[str, ...] = ()
    margin: FloatArray | None = None
    reason_codes: tuple[str, ...] = ()
    reason_flags: BoolArray | None = None
    reason_texts: Mapping[str, str] = attrs.field(factory=dict)
    component_missing: BoolArray | None = None
    config_hash: str = attrs.field(init=False)
    _row_index: dict[str, int] | None = attrs.field(init=False, default=None)

    def __attrs_post_init__(self) -> None:
        for name in ("ids", "scores", "coverage", "labels", "margin", "reason_flags",
                     "component_missing"):  # fmt: skip
            arr = getattr(self, name)
            if isinstance(arr, np.ndarray):
                object.__setattr__(self, name, _frozen(arr))
        if isinstance(self._contributions, np.ndarray):
            object.__setattr__(self, "_contributions", _frozen(self._contributions))
        n = self.ids.shape[0]
        if self.scores.shape != (n,):
            raise InvalidValueError("ScoreTable.scores", self.scores.shape, f"must be ({n},)")
        if not np.isfinite(self.scores).all():
            i = int(np.flatnonzero(~np.isfinite(self.scores))[0])
            raise InvalidValueError(
                f"ScoreTable.scores[{i}]", float(self.scores[i]), "a scorer produced a non-finite"
            )
        for name, arr in (("labels", self.labels), ("margin", self.margin)):
            if arr is not None and arr.shape != (n,):
                raise InvalidValueError(f"ScoreTable.{name}", arr.shape, f"must be ({n},)")
        if self.reason_flags is not None and self.reason_flags.shape != (n, len(self.reason_codes)):
            raise InvalidValueError(
                "ScoreTable.reason_flags", self.reason_flags.shape, "must be (n, len(reason_codes))"
            )
        cm = self.component_missing
        if cm is not None and (cm.dtype != np.bool_ or cm.shape != (n, len(self.components))):
            raise InvalidValueError(
                "ScoreTable.component_missing",
                (cm.dtype.name, cm.shape),
                "must be a bool (n, len(components)) matrix",
            )
        object.__setattr__(self, "config_hash", config_hash(self.config))

    def __len__(self) -> int:
        return int(self.ids.shape[0])

    def __repr__(self) -> str:
        return (
            f"ScoreTable(scorer={self.scorer!r}, n={len(self)}, "
            f"components={list(self.components)!r}, config_hash={self.config_hash!r})"
        )

    @property
    def contributions(self) -> FloatArray:
        """``(n, c)`` per-component contributions; each row adds up to its score.

        Computed on first access when the scorer returned a lazy recipe, then kept.

        Examples:
            >>> from kamlib import FeatureTable
            >>> from kamlib.scoring import Criterion, WeightedPoints
            >>> t = FeatureTable.from_columns(["A", "B"], {"x": [1.0, 3.0], "y": [4.0, 2.0]})
            >>> st = WeightedPoints([Criterion("x", 3), Criterion("y", 1)]).fit(t).score(t)
            >>> st.contributions.tolist()
            [[0.0, 2.5], [7.5, 0.0]]
            >>> st.contributions.sum(axis=1).tolist() == st.scores.tolist()
            True
        """
        c = self._contributions
        if isinstance(c, np.ndarray):
            return c
        arr = _ro(np.asarray(c.compute(), dtype=np.float64))
        object.__setattr__(self, "_contributions", arr)
        return arr

    def row_of(self, account_id: str) -> int:
        """Return the row of ``account_id``.

        Raises:
            UnknownIdError: Not in this result.

        Examples:
            >>> from kamlib import FeatureTable
            >>> from kamlib.scoring import Criterion, WeightedPoints
            >>> t = FeatureTable.from_columns(["A", "B"], {"x": [1.0, 3.0]})
            >>> st = WeightedPoints([Criterion("x")], threshold=5.0).fit(t).score(t)
            >>> st.row_of("B")
            1
            >>> st.row_of("Z")
            Traceback (most recent call last):
            ...
            kamlib.errors.UnknownIdError: account_id: is not in this result; got 'Z'
        """
        return row_of_id(self, account_id, "this result")

    def score_of(self, account_id: str) -> float:
        """Return the score of one account.

        Raises:
            UnknownIdError: Not in this result.

        Examples:
            >>> from kamlib import FeatureTable
            >>> from kamlib.scoring import Criterion, WeightedPoints
            >>> t = FeatureTable.from_columns(["A", "B"], {"x": [1.0, 3.0]})
            >>> st = WeightedPoints([Criterion("x")], threshold=5.0).fit(t).score(t)
            >>> st.score_of("A"), st.score_of("B")
            (0.0, 10.0)
        """
        return float(self.scores[self.row_of(account_id)])

    def label_of(self, account_id: str) -> str | None:
        """Return the label of one account (``None`` if the method has no classes).

        Raises:
            UnknownIdError: Not in this result.

        Examples:
            >>> from kamlib import FeatureTable
            >>> from kamlib.scoring import Criterion, WeightedPoints
            >>> t = FeatureTable.from_columns(["A", "B"], {"x": [1.0, 3.0]})
            >>> st = WeightedPoints([Criterion("x")], threshold=5.0).fit(t).score(t)
            >>> st.label_of("A"), st.label_of("B")
            ('not_key', 'key')
            >>> print(WeightedPoints([Criterion("x")]).fit(t).score(t).label_of("B"))
            None
        """
        if self.labels is None:
            return None
        return str(self.labels[self.row_of(account_id)])

    def reasons_of(self, account_id: str) -> tuple[str, ...]:
        """Return the codes of the rules that fired for one account.

        Raises:
            UnknownIdError: Not in this result.

        Examples:
            >>> from kamlib import FeatureTable
            >>> from kamlib.scoring import Criterion, WeightedPoints
            >>> t = FeatureTable.from_columns(["A", "B"], {"x": [1.0, 3.0]})
            >>> st = WeightedPoints([Criterion("x")], threshold=5.0).fit(t).score(t)
            >>> st.reasons_of("B"), st.reasons_of("A")
            (('qualifies',), ())
        """
        if self.reason_flags is None:
            return ()
        row = self.reason_flags[self.row_of(account_id)]
        return tuple(c for c, f in zip(self.reason_codes, row, strict=True) if f)

    def explain(self, account_id: str) -> Explanation:
        """Return a readable breakdown of one account's score.

        Raises:
            UnknownIdError: Not in this result.

        Examples:
            >>> from kamlib import FeatureTable
            >>> from kamlib.scoring import Criterion, WeightedPoints
            >>> t = FeatureTable.from_columns(["A", "B"], {"x": [1.0, 3.0]})
            >>> st = WeightedPoints([Criterion("x")], threshold=5.0).fit(t).score(t)
            >>> e = st.explain("B")
            >>> e.score, e.label, e.contributions, e.reasons[0][0]
            (10.0, 'key', (('x', 10.0),), 'qualifies')
            >>> print(e)
            B - weighted_points score 10 -> key (margin 5) (coverage 100%)
              x                              10
              reason qualifies: weighted points at or above the threshold
            config ...
        """
        i = self.row_of(account_id)
        contrib = self.contributions[i]
        codes = self.reasons_of(account_id)
        return Explanation(
            account_id=account_id,
            scorer=self.scorer,
            score=float(self.scores[i]),
            label=None if self.labels is None else str(self.labels[i]),
            contributions=tuple(
                (name, float(v)) for name, v in zip(self.components, contrib, strict=True)
            ),
            coverage=float(self.coverage[i]),
            margin=None if self.margin is None else float(self.margin[i]),
            reasons=tuple((c, self.reason_texts.get(c, c)) for c in codes),
            config_hash=self.config_hash,
            missing=self.missing_of(account_id),
        )

    def missing_of(self, account_id: str) -> tuple[str, ...]:
        """Return the components whose input was missing for one account.

        Raises:
            UnknownIdError: Not in this result.

        Examples:
            >>> import numpy as np
            >>> from kamlib.scoring import ScoreTable
            >>> st = ScoreTable(
            ...     scorer="demo", config={}, ids=np.array(["A"], dtype=object),
            ...     scores=np.array([1.0]), components=("x", "y"),
            ...     contributions=np.array([[1.0, 0.0]]), coverage=np.array([0.5]),
            ...     component_missing=np.array([[False, True]]),
            ... )
            >>> st.missing_of("A")
            ('y',)
        """
        i = self.row_of(account_id)
        if self.component_missing is None:
            return ()
        row = self.component_missing[i]
        return tuple(c for c, f in zip(self.components, row, strict=True) if f)

    def take(
        self, rows: Sequence[int] | NDArray[np.integer[Any]] | NDArray[np.bool_]
    ) -> ScoreTable:
        """Return the result restricted to ``rows`` (positions or a boolean mask).

        Raises:
            InvalidTypeError: ``rows`` are not integers or a boolean mask.
            InvalidValueError: A position out of range; a mask of the wrong length.
            DuplicateIdError: A position repeats.

        Examples:
            >>> from kamlib import FeatureTable
            >>> from kamlib.scoring import Criterion, WeightedPoints
            >>> t = FeatureTable.from_columns(["A", "B"], {"x": [1.0, 3.0]})
            >>> st = WeightedPoints([Criterion("x")], threshold=5.0).fit(t).score(t)
            >>> st.take([1]).ids.tolist(), st.take([1]).scores.tolist()
            (['B'], [10.0])
            >>> st.take(st.scores > 5).label_of("B")
            'key'
            >>> st.take([1, 1])
            Traceback (most recent call last):
            ...
            kamlib.errors.DuplicateIdError: rows: would repeat an account; got [1, 1]
        """
        idx = row_positions(rows, len(self))
        if np.unique(idx % max(len(self), 1)).size != idx.size:
            raise DuplicateIdError("rows", rows, "would repeat an account")
        c = self._contributions
        cm = self.component_missing
        contrib: FloatArray | LazyContributions = (
            c[idx] if isinstance(c, np.ndarray) else c.take(idx)
        )
        return ScoreTable(
            scorer=self.scorer,
            config=self.config,
            ids=self.ids[idx],
            scores=self.scores[idx],
            components=self.components,
            contributions=contrib,
            coverage=self.coverage[idx],
            labels=None if self.labels is None else self.labels[idx],
            classes=self.classes,
            margin=None if self.margin is None else self.margin[idx],
            reason_codes=self.reason_codes,
            reason_flags=None if self.reason_flags is None else self.reason_flags[idx],
            reason_texts=self.reason_texts,
            component_missing=None if cm is None else cm[idx],
        )

    def to_columns(self) -> dict[str, NDArray[Any]]:
        """Return plain columns, ready for ``pandas.DataFrame(...)``.

        Keys: ``id``, ``score``, ``label``, ``coverage``, ``margin``, one
        ``contrib:<component>`` per component, one ``reason:<code>`` per rule and, when
        some input was missing, one bool ``missing:<component>`` per component.

        Examples:
            >>> from kamlib import FeatureTable
            >>> from kamlib.scoring import Criterion, WeightedPoints
            >>> t = FeatureTable.from_columns(["A", "B"], {"x": [1.0, 3.0]})
            >>> st = WeightedPoints([Criterion("x")], threshold=5.0).fit(t).score(t)
            >>> cols = st.to_columns()
            >>> list(cols)
            ['id', 'score', 'label', 'coverage', 'margin', 'contrib:x', 'reason:qualifies', \
'reason:partial_data']
            >>> cols["label"].tolist(), cols["reason:qualifies"].tolist()
            (['not_key', 'key'], [False, True])
        """
        out: dict[str, NDArray[Any]] = {"id": self.ids.copy(), "score": self.scores.copy()}
        if self.labels is not None:
            out["label"] = self.labels.copy()
        out["coverage"] = self.coverage.copy()
        if self.margin is not None:
            out["margin"] = self.margin.copy()
        contrib = self.contributions
        for j, name in enumerate(self.components):
            out[f"contrib:{name}"] = contrib[:, j].copy()
        if self.reason_flags is not None:
            for j, code in enumerate(self.reason_codes):
                out[f"reason:{code}"] = self.reason_flags[:, j].copy()
        if self.component_missing is not None:
            for j, name in enumerate(self.components):
                out[f"missing:{name}"] = self.component_missing[:, j].copy()
        return out


# ---------------------------------------------------------------------------- registry
ScorerFactory = Callable[..., Scorer]


@attrs.define
class ScorerRegistry:
    """Scorers by name: built-ins, explicit registrations, and opt-in plug-ins.

    Registries are values: tests build fresh ones; :data:`default_registry` is the
    module-level instance behind :func:`get_scorer` and :func:`register_scorer`.
    Third-party scorers declared in the ``kamlib.scorers`` entry-point group are loaded
    only by :meth:`load_entry_points` (kamlib never scans installed packages by itself).

    Examples:
        >>> from kamlib.scoring import ScorerRegistry, ValueMatrix
        >>> reg = ScorerRegistry()
        >>> reg.register("vm", ValueMatrix)
        >>> type(reg.get("vm")).__name__
        'ValueMatrix'
        >>> reg.get("nope")
        Traceback (most recent call last):
        ...
        kamlib.errors.UnknownScorerError: name: is not a registered scorer; known: ['vm']; \
got 'nope'
    """

    _factories: dict[str, ScorerFactory] = attrs.field(factory=dict, alias="_factories")

    def register(self, name: str, factory: ScorerFactory, *, replace: bool = False) -> None:
        """Register ``factory`` (a scorer class or a function returning a scorer) as ``name``.

        Raises:
            InvalidValueError: ``name`` is taken and ``replace`` is False, or is empty.
            InvalidTypeError: ``factory`` is not callable.

        Examples:
            >>> from kamlib.scoring import ScorerRegistry, ValueMatrix, WeightedPoints
            >>> reg = ScorerRegistry()
            >>> reg.register("matrix", ValueMatrix)
            >>> reg.register("matrix", WeightedPoints)
            Traceback (most recent call last):
            ...
            kamlib.errors.InvalidValueError: name: is already registered \
(pass replace=True); got 'matrix'
            >>> reg.register("matrix", WeightedPoints, replace=True)
            >>> reg.get("matrix").name
            'weighted_points'
        """
        if not _nonempty_str(name):
            raise InvalidValueError("name", name, "must be a non-empty str")
        if not callable(factory):
            raise InvalidTypeError("factory", factory, "must be callable")
        if name in self._factories and not replace:
            raise InvalidValueError("name", name, "is already registered (pass replace=True)")
        self._factories[name] = factory

    def names(self) -> tuple[str, ...]:
        """Return the registered names, sorted.

        Examples:
            >>> from kamlib.scoring import ScorerRegistry, ValueMatrix, WeightedPoints
            >>> reg = ScorerRegistry()
            >>> reg.register("wp", WeightedPoints)
            >>> reg.register("vm", ValueMatrix)
            >>> reg.names()
            ('vm', 'wp')
        """
        return tuple(sorted(self._factories))

    def get(self, name: str, **options: Any) -> Scorer:
        """Instantiate the scorer registered as ``name`` with ``options``.

        Raises:
            UnknownScorerError: No such name.
            InvalidTypeError: ``options`` do not fit the factory's signature (an unknown or
                missing option); the message names the scorer and the options.

        Examples:
            >>> from kamlib.scoring import get_scorer
            >>> get_scorer("value_matrix", bogus=1)
            Traceback (most recent call last):
            ...
            kamlib.errors.InvalidTypeError: options: are not accepted by scorer \
'value_matrix' (got an unexpected keyword argument 'bogus'); got ['bogus']
        """
        try:
            factory = self._factories[name]
        except (KeyError, TypeError):
            raise UnknownScorerError(
                "name", name, f"is not a registered scorer; known: {list(self.names())}"
            ) from None
        # Check the options against the signature *before* the call, so that only a
        # mismatch of the call itself is reported as a bad option; a TypeError raised
        # inside the factory (its own validation or a bug) propagates unchanged.
        try:
            signature = inspect.signature(factory)
        except (TypeError, ValueError):  # no introspectable signature: just call it
            signature = None
        if signature is not None:
            try:
                signature.bind(**options)
            except TypeError as exc:
                raise InvalidTypeError(
                    "options",
                    sorted(options),
                    f"are not accepted by scorer {name!r} ({exc})",
                ) from None
        return factory(**options)

    def load_entry_points(self, group: str = ENTRY_POINT_GROUP) -> tuple[str, ...]:
        """Discover and register third-party scorers from an entry-point group.

        A plug-in that fails to load, is not callable, or reuses a taken name is skipped
        with a :class:`~kamlib.errors.KamlibWarning`; it never breaks the caller.

        Returns:
            The names registered by this call.

        Examples:
            A group no installed package declares registers nothing and leaves the
            registry as it was:

            >>> from kamlib.scoring import ScorerRegistry, ValueMatrix
            >>> reg = ScorerRegistry()
            >>> reg.register("vm", ValueMatrix)
            >>> reg.load_entry_points("kamlib.no_such_group")
            ()
            >>> reg.names()
            ('vm',)
        """
        from importlib.metadata import entry_points

        added: list[str] = []
        for ep in entry_points(group=group):
            try:
                factory = ep.load()
            except Exception as exc:  # a broken plug-in must not break kamlib
                warnings.warn(
                    f"kamlib scorer plug-in {ep.name!r} failed to load: {exc!r}",
                    KamlibWarning,
                    stacklevel=2,
                )
                continue
            if ep.name in self._factories or not callable(factory):
                why = "name already registered" if callable(factory) else "not callable"
                warnings.warn(
                    f"kamlib scorer plug-in {ep.name!r} skipped: {why}", KamlibWarning, stacklevel=2
                )
                continue
            self._factories[ep.name] = factory
            added.append(ep.name)
        return tuple(added)


default_registry = ScorerRegistry()


def register_scorer(name: str, factory: ScorerFactory, *, replace: bool = False) -> None:
    """Register a scorer in the default registry (see :meth:`ScorerRegistry.register`).

    Examples:
        >>> from kamlib.scoring import register_scorer, get_scorer, ValueMatrix
        >>> register_scorer("my_matrix", ValueMatrix, replace=True)
        >>> get_scorer("my_matrix").name
        'value_matrix'
    """
    default_registry.register(name, factory, replace=replace)


def get_scorer(name: str, **options: Any) -> Scorer:
    """Instantiate a scorer from the default registry by name.

    Examples:
        >>> from kamlib.scoring import get_scorer
        >>> get_scorer("value_matrix").name
        'value_matrix'
    """
    return default_registry.get(name, **options)
