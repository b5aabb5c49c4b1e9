"""What a scorer returns: the immutable ScoreTable, explanations, lazy contributions.

Every column of a result is validated when the ScoreTable is built and frozen afterwards;
``config_hash`` ties a result to the exact configuration that produced it.
"""

from __future__ import annotations

import hashlib
import json
import math
import operator
import types
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol, TypeVar, cast

import attrs
import numpy as np
from numpy.typing import ArrayLike, NDArray

from kamlib._ids import check_id_list, is_checked, is_sealed, mark_checked
from kamlib._table import row_of_id, row_positions
from kamlib._validators import non_empty_str
from kamlib.errors import (
    DuplicateIdError,
    InvalidTypeError,
    InvalidValueError,
    KamlibError,
)

__all__ = [
    "ExplainDetails",
    "ExplainRecipe",
    "Explanation",
    "LazyContributions",
    "LinearContributions",
    "ScoreTable",
    "concat_checked",
    "config_hash",
    "owned_readonly",
]

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]


def _json_default(value: object) -> Any:
    """Let ``json`` read a frozen configuration: any mapping as the dict it reads as."""
    if type(value) is types.MappingProxyType or isinstance(value, Mapping):  # fast: exact type
        return dict(value)
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def config_hash(config: Mapping[str, Any]) -> str:
    """Return a stable 16-hex-digit hash of a JSON-compatible configuration.

    Stable across processes and machines (canonical JSON, SHA-256), unlike ``hash()``.
    A frozen configuration (`ScoreTable.config`: read-only mappings, tuples for
    lists) hashes exactly like the plain data it was made from.

    Raises:
        InvalidValueError: The configuration holds NaN/inf or non-JSON values.

    Examples:
        >>> from types import MappingProxyType
        >>> from kamlib.scoring import config_hash
        >>> config_hash({"b": 1, "a": [0.5]}) == config_hash({"a": [0.5], "b": 1})
        True
        >>> config_hash(MappingProxyType({"a": (0.5,)})) == config_hash({"a": [0.5]})
        True
        >>> len(config_hash({}))
        16
    """
    try:
        text = json.dumps(
            config,
            sort_keys=True,
            separators=(",", ":"),
            allow_nan=False,
            default=_json_default,
        )
    except (TypeError, ValueError) as exc:
        raise InvalidValueError("config", config, f"must be JSON-compatible ({exc})") from None
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


# ---------------------------------------------------------------------------- contributions
class LazyContributions(Protocol):
    """A recipe that computes the ``(n, c)`` contribution matrix on first use.

    Lets a kernel return scores at the speed of one matrix-vector product and pay for
    per-component contributions only when they are read. Must be picklable. ``compute``
    returns a fresh array that the `ScoreTable` then owns (it marks it read-only).

    A recipe may also expose a ``shape`` attribute, ``(n, c)``; a `ScoreTable`
    then checks it against its rows and components when it is built. Without one, the
    shape (and finiteness) is checked on the first read of the contributions.

    Examples:
        `LinearContributions` is the built-in recipe; a `ScoreTable` accepts
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
            Shown on the built-in `LinearContributions`:

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
            Shown on the built-in `LinearContributions`:

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
    The arrays are held as given (no copy): pass arrays nobody writes afterwards.

    Attributes:
        X: ``(n, k)`` values.
        weights: ``(k,)`` or ``(n, k)`` weights.
        offsets: ``(k,)`` constant per component.

    Raises:
        InvalidValueError: The shapes do not fit together (checked when built).

    Examples:
        >>> import numpy as np
        >>> from kamlib.scoring import LinearContributions
        >>> c = LinearContributions(np.array([[1.0, 2.0]]), np.array([0.5, 0.25]), np.zeros(2))
        >>> c.compute().tolist()
        [[0.5, 0.5]]
        >>> LinearContributions(np.ones((1, 2)), np.ones(3), np.zeros(2))
        Traceback (most recent call last):
        ...
        kamlib.errors.InvalidValueError: LinearContributions.weights: must have shape (2,) \
or (1, 2) to fit X (1, 2); got (3,)
    """

    X: FloatArray
    weights: FloatArray
    offsets: FloatArray

    def __attrs_post_init__(self) -> None:
        shape = np.shape(self.X)
        if len(shape) != 2:
            raise InvalidValueError("LinearContributions.X", shape, "must be an (n, k) matrix")
        n, k = shape
        if np.shape(self.weights) not in ((k,), (n, k)):
            raise InvalidValueError(
                "LinearContributions.weights",
                np.shape(self.weights),
                f"must have shape ({k},) or ({n}, {k}) to fit X {shape}",
            )
        if np.shape(self.offsets) != (k,):
            raise InvalidValueError(
                "LinearContributions.offsets", np.shape(self.offsets), f"must have shape ({k},)"
            )

    @property
    def shape(self) -> tuple[int, int]:
        """``(n, k)``, the shape `compute` returns (that of ``X``).

        Examples:
            >>> import numpy as np
            >>> from kamlib.scoring import LinearContributions
            >>> LinearContributions(np.ones((3, 2)), np.ones(2), np.zeros(2)).shape
            (3, 2)
        """
        n, k = np.shape(self.X)
        return (n, k)

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
        w = self.weights[rows] if np.ndim(self.weights) == 2 else self.weights
        return LinearContributions(self.X[rows], w, self.offsets)


# ---------------------------------------------------------------------------- explanations
@attrs.frozen
class ExplainDetails:
    """What a scorer adds to an explanation beyond contributions: the why.

    Attributes:
        inputs: ``(feature, raw value)`` per component; ``None`` where it was missing.
        points: ``(component, points)``: what each raw value became before weighting.
        nodes: ``(node, value)`` of a tree model's inner nodes (e.g. health dimensions).
        evidence: ``(reason code, evidence)`` for fired reasons, e.g.
            ``("satisfaction_below_70", "satisfaction 65 < 70")``.
        summary: One paragraph a KAM reader understands, e.g. ``"profit 82,000 >= cut
            76,416 -> high contribution; ..."``.

    Examples:
        >>> from kamlib.scoring import ExplainDetails
        >>> ExplainDetails(summary="score 7 >= threshold 6 -> key account").summary
        'score 7 >= threshold 6 -> key account'
    """

    inputs: tuple[tuple[str, float | None], ...] = ()
    points: tuple[tuple[str, float], ...] = ()
    nodes: tuple[tuple[str, float], ...] = ()
    evidence: tuple[tuple[str, str], ...] = ()
    summary: str = ""


class ExplainRecipe(Protocol):
    """Builds one row's `ExplainDetails` on demand (a scorer's own knowledge of why).

    A [`ScoreTable`][kamlib.scoring.ScoreTable] given one (``details=``) calls it from
    `ScoreTable.explain`; it must be picklable and follow `ScoreTable.take` through
    ``take``.

    Examples:
        The built-in scorers attach one; a third-party scorer may leave it out:

        >>> from kamlib import FeatureTable
        >>> from kamlib.scoring import Criterion, WeightedPoints
        >>> t = FeatureTable.from_columns(["A"], {"x": [1.0]})
        >>> st = WeightedPoints([Criterion("x")]).fit(t).score(t)
        >>> st.explain("A").inputs
        (('x', 1.0),)
    """

    def details(
        self, row: int, score: float, label: str | None, reasons: tuple[str, ...]
    ) -> ExplainDetails:
        """Return the details of row ``row`` (its score, label and fired reason codes given).

        Examples:
            >>> from kamlib import FeatureTable
            >>> from kamlib.scoring import Criterion, WeightedPoints
            >>> t = FeatureTable.from_columns(["A"], {"x": [1.0]})
            >>> st = WeightedPoints([Criterion("x")]).fit(t).score(t)
            >>> st.details.details(0, 5.0, None, ()).points
            (('x', 5.0),)
        """
        ...

    def take(self, rows: NDArray[np.intp]) -> ExplainRecipe:
        """Return the recipe restricted to ``rows``.

        Examples:
            >>> import numpy as np
            >>> from kamlib import FeatureTable
            >>> from kamlib.scoring import Criterion, WeightedPoints
            >>> t = FeatureTable.from_columns(["A", "B"], {"x": [1.0, 3.0]})
            >>> st = WeightedPoints([Criterion("x")]).fit(t).score(t)
            >>> st.details.take(np.array([1])).details(0, 10.0, None, ()).inputs
            (('x', 3.0),)
        """
        ...


def fmt_value(x: float) -> str:
    """A number as a KAM reader writes it: thousands separated when large, else 4 digits.

    Examples:
        >>> from kamlib.scoring._result import fmt_value
        >>> fmt_value(82012.4), fmt_value(4.93333), fmt_value(-1500000.0)
        ('82,012', '4.933', '-1,500,000')
    """
    if math.isfinite(x) and abs(x) >= 1_000:
        return f"{x:,.0f}"
    return f"{x:.4g}"


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
        inputs: ``(feature, raw value)`` per component (``None``: missing), when the scorer
            says (`ExplainDetails`).
        points: ``(component, points)`` before weighting, when the scorer says.
        nodes: ``(node, value)`` of a tree model's inner nodes.
        evidence: ``(reason code, evidence)`` of the fired reasons, e.g. the value that
            broke a threshold.
        summary: One paragraph that says why, in KAM terms (``str()`` starts with it).

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
    inputs: tuple[tuple[str, float | None], ...] = attrs.field(default=(), kw_only=True)
    points: tuple[tuple[str, float], ...] = attrs.field(default=(), kw_only=True)
    nodes: tuple[tuple[str, float], ...] = attrs.field(default=(), kw_only=True)
    evidence: tuple[tuple[str, str], ...] = attrs.field(default=(), kw_only=True)
    summary: str = attrs.field(default="", kw_only=True)

    def __str__(self) -> str:
        head = f"{self.account_id} - {self.scorer} score {self.score:.4g}"
        if self.label is not None:
            head += f" -> {self.label}"
            if self.margin is not None:
                head += f" (margin {self.margin:.3g})"
        head += f" (coverage {self.coverage:.0%})"
        lines = [head]
        if self.summary:
            lines.append(f"  why: {self.summary}")
        raw = dict(self.inputs)
        pts = dict(self.points)
        if raw or pts:
            lines.append(f"  {'component':<26} {'input':>12} {'points':>8} {'contribution':>13}")
        for name, value in self.contributions:
            if raw or pts:
                x = raw.get(name)
                shown = (
                    "missing"
                    if name in self.missing or (name in raw and x is None)
                    else ("" if x is None else fmt_value(x))
                )
                p = pts.get(name)
                ptxt = "" if p is None else f"{p:.4g}"
                tail = " (missing, filled)" if name in self.missing and value != 0 else ""
                lines.append(f"  {name:<26} {shown:>12} {ptxt:>8} {value:>13.4g}{tail}")
            elif name not in self.missing:
                lines.append(f"  {name:<30} {value:.4g}")
            elif value == 0:
                lines.append(f"  {name:<30} missing")
            else:
                lines.append(f"  {name:<30} {value:.4g} (missing, filled)")
        lines += [f"  node {name:<25} {value:.4g}" for name, value in self.nodes]
        proof = dict(self.evidence)
        for code, text in self.reasons:
            extra = f" [{proof[code]}]" if code in proof else ""
            lines.append(f"  reason {code}: {text}{extra}")
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


# ---------------------------------------------------------------------------- result checks
# Everything a ScoreTable is given passes through these converters (one per kind of field)
# and then the cross-field checks of ScoreTable.__attrs_post_init__. Value checks are
# vectorised: a reduction (sum, min, max) per column, and a per-row scan only to name the
# first offending row once a check has failed. Two checks are per Python object: the ids
# (one ``set``, skipped for an array already checked where it was made, see ``_as_ids``)
# and labels given as ``str`` (one ``set``; integer codes cost a min and a max).


def _check_details(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and not (
        callable(getattr(value, "details", None)) and callable(getattr(value, "take", None))
    ):
        raise InvalidTypeError(
            "ScoreTable.details", value, "must be an ExplainRecipe (details() and take())"
        )


def _own(a: NDArray[Any]) -> NDArray[Any]:
    """Return ``a`` when sealed, else a read-only private copy (never flips a caller's array).

    A broadcast constant (every stride 0, e.g. ``np.broadcast_to(1.0, (n,))``) is copied
    as one value and broadcast again, so it stays O(1) in memory.
    """
    if is_sealed(a):
        return a
    if a.size > 1 and not any(a.strides):
        one = np.array(a[(0,) * a.ndim], dtype=a.dtype)
        one.flags.writeable = False
        return np.broadcast_to(one, a.shape)
    return _ro(a.copy())


def _as_array(path: str, value: object, what: str) -> NDArray[Any]:
    if isinstance(value, np.ndarray):
        return value
    if isinstance(value, str | bytes | Mapping):
        raise InvalidTypeError(path, value, f"must be array-like of {what}")
    try:
        return np.asarray(value)
    except Exception:  # any failure to convert (ragged lists, odd objects) is a type problem
        raise InvalidTypeError(path, value, f"must be array-like of {what}") from None


def _check_ndim(path: str, arr: NDArray[Any], ndim: int) -> None:
    # An empty list stands for zero rows of a matrix too (ScoreTable gives it its columns).
    if arr.ndim != ndim and not (ndim == 2 and arr.shape == (0,)):
        what = "one-dimensional" if ndim == 1 else "an (n, c) matrix"
        raise InvalidValueError(path, arr.shape, f"must be {what}")


def _as_floats(path: str, value: object, ndim: int) -> FloatArray:
    """Real numbers as a read-only float64 array (ints are cast; bools and strings refused)."""
    arr = _as_array(path, value, "real numbers")
    if arr.dtype != np.float64:
        if arr.dtype.kind not in "iuf":
            raise InvalidTypeError(
                path, value, f"must be array-like of real numbers, not {arr.dtype}"
            )
        arr = _ro(arr.astype(np.float64))
    _check_ndim(path, arr, ndim)
    return _own(arr)


def _as_bools(path: str, value: object) -> BoolArray:
    """A read-only bool matrix (an empty array of another numeric dtype is cast)."""
    arr = _as_array(path, value, "bool")
    if arr.dtype != np.bool_:
        if arr.size or arr.dtype.kind not in "biuf":
            raise InvalidTypeError(path, value, f"must be array-like of bool, not {arr.dtype}")
        arr = _ro(arr.astype(np.bool_))
    _check_ndim(path, arr, 2)
    return _own(arr)


def _as_objects(path: str, value: object) -> NDArray[np.object_]:
    """Strings as a read-only one-dimensional object array (element types checked later).

    A sequence is taken element by element, as given (numpy's fixed-width ``str`` dtype
    would drop trailing NUL characters).
    """
    if isinstance(value, np.ndarray):
        arr = value
        if arr.dtype.kind == "U" or (arr.dtype != np.object_ and not arr.size):
            arr = _ro(arr.astype(object))
        elif arr.dtype != np.object_:
            raise InvalidTypeError(path, value, f"must be array-like of str, not {arr.dtype}")
    elif isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
        raise InvalidTypeError(path, value, "must be an array or a sequence of str")
    else:
        arr = _ro(np.fromiter(value, dtype=object))
    _check_ndim(path, arr, 1)
    return _own(arr)


def _as_ids(value: Iterable[str] | NDArray[Any]) -> NDArray[np.object_]:
    """Ids: non-empty ``str``, unique, as a sealed object array.

    An array marked checked (`kamlib._ids.mark_checked`: a
    FeatureTable's ids, the
    ids of an earlier ScoreTable or of its ``take``) is kept as it is, with no per-id
    work; anything else is validated by `_validate_ids` and then marked.
    """
    if is_checked(value):
        return value  # type: ignore[return-value]
    return mark_checked(_validate_ids(value))


def _validate_ids(value: Iterable[str] | NDArray[Any]) -> NDArray[np.object_]:
    """Check every id; return them as a sealed object array.

    Costs one C-level pass for the element types and one ``set`` for uniqueness; the
    scans that name the offending position run only after a check has failed.
    """
    path = "ScoreTable.ids"
    arr: NDArray[np.object_] | None = None
    if isinstance(value, np.ndarray):
        arr = _as_objects(path, value)
        seq: list[object] = arr.tolist()
    elif isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
        raise InvalidTypeError(path, value, "must be an array or a sequence of str")
    else:
        seq = list(value)
    check_id_list(path, seq)
    if arr is None:  # every element is a str: the assignment cannot broadcast
        arr = np.empty(len(seq), dtype=object)
        arr[:] = seq
        _ro(arr)
    return arr


def _as_labels(value: object) -> NDArray[Any]:
    """Labels: a sealed integer array of codes into ``classes``, or a sealed object array.

    An integer numpy array is taken as codes (checked against ``classes`` later, in one
    vectorised pass); anything else as ``str`` labels (element types checked later).
    """
    path = "ScoreTable.labels"
    if isinstance(value, np.ndarray) and value.dtype.kind in "iu":
        _check_ndim(path, value, 1)
        return _own(value)
    if isinstance(value, np.ndarray) and value.size and value.dtype.kind not in "OU":
        raise InvalidTypeError(
            path, value, f"must be str labels or integer codes into classes, not {value.dtype}"
        )
    return _as_objects(path, value)


def _as_names(path: str, value: object) -> tuple[str, ...]:
    """Unique non-empty strings as a tuple (components, classes, reason codes)."""
    if isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
        raise InvalidTypeError(path, value, "must be a sequence of str")
    out = tuple(value)
    seen: set[str] = set()
    for i, v in enumerate(out):
        if not isinstance(v, str):
            raise InvalidTypeError(f"{path}[{i}]", v, "must be a non-empty str")
        if not v:
            raise InvalidValueError(f"{path}[{i}]", v, "must be a non-empty str")
        if v in seen:
            raise DuplicateIdError(f"{path}[{i}]", v, "is not unique")
        seen.add(v)
    return out


def _freeze(path: str, value: object, open_: set[int]) -> Any:
    """Deep-copy JSON-compatible data into read-only form.

    Mappings become read-only views of fresh dicts, lists and tuples become tuples, and
    str/int/float subclasses the plain value ``json`` writes for them. ``open_`` holds the
    containers being copied (to refuse cycles).
    """
    kind = type(value)
    if value is None or kind is str or kind is bool or kind is int:
        return value
    if isinstance(value, float):
        x = float(value)
        if not math.isfinite(x):
            raise InvalidValueError(path, value, "must be finite (JSON has no NaN or infinity)")
        return x
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, int):  # not bool: bool has no subclasses and was handled above
        return int.__int__(value)
    if not isinstance(value, Mapping | list | tuple):
        raise InvalidTypeError(
            path, value, "must be JSON-compatible (str, int, float, bool, None, list, mapping)"
        )
    if id(value) in open_:
        raise InvalidValueError(
            path, f"<{kind.__name__} cycle>", "contains itself (JSON has no cycles)"
        )
    open_.add(id(value))
    try:
        if isinstance(value, Mapping):
            out: dict[str, Any] = {}
            for key, item in value.items():
                if not isinstance(key, str):
                    raise InvalidTypeError(path, key, "keys must be str")
                out[str.__str__(key)] = _freeze(f"{path}[{key!r}]", item, open_)
            return types.MappingProxyType(out)
        return tuple(_freeze(f"{path}[{i}]", item, open_) for i, item in enumerate(value))
    finally:
        open_.discard(id(value))


def _as_config(value: Mapping[str, Any]) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise InvalidTypeError("ScoreTable.config", value, "must be a mapping")
    frozen: Mapping[str, Any] = _freeze("ScoreTable.config", value, set())
    return frozen


def _thaw(value: Any) -> Any:
    """Plain, fresh, mutable JSON data from a frozen configuration (dicts and lists)."""
    if isinstance(value, Mapping):
        return {k: _thaw(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [_thaw(v) for v in value]
    return value


# One named converter per field: attrs (and mypy) read the accepted input types from them.
def _conv_ids(value: Iterable[str] | ArrayLike) -> NDArray[np.object_]:
    return _as_ids(value)  # type: ignore[arg-type]


def _conv_scores(value: ArrayLike) -> FloatArray:
    return _as_floats("ScoreTable.scores", value, 1)


def _conv_coverage(value: ArrayLike) -> FloatArray:
    return _as_floats("ScoreTable.coverage", value, 1)


def _conv_margin(value: ArrayLike | None) -> FloatArray | None:
    return None if value is None else _as_floats("ScoreTable.margin", value, 1)


def _conv_labels(value: Iterable[str] | ArrayLike | None) -> NDArray[Any] | None:
    return None if value is None else _as_labels(value)


def _conv_reason_flags(value: ArrayLike | None) -> BoolArray | None:
    return None if value is None else _as_bools("ScoreTable.reason_flags", value)


def _conv_component_missing(value: ArrayLike | None) -> BoolArray | None:
    return None if value is None else _as_bools("ScoreTable.component_missing", value)


def _conv_contributions(
    value: ArrayLike | LazyContributions,
) -> FloatArray | LazyContributions:
    if not isinstance(value, np.ndarray) and all(
        callable(getattr(value, m, None)) for m in ("compute", "take")
    ):
        return cast("LazyContributions", value)
    return _as_floats("ScoreTable.contributions", value, 2)


def _conv_components(value: Iterable[str]) -> tuple[str, ...]:
    return _as_names("ScoreTable.components", value)


def _conv_classes(value: Iterable[str]) -> tuple[str, ...]:
    return _as_names("ScoreTable.classes", value)


def _conv_reason_codes(value: Iterable[str]) -> tuple[str, ...]:
    return _as_names("ScoreTable.reason_codes", value)


def _conv_reason_texts(value: Mapping[str, str]) -> Mapping[str, str]:
    if not isinstance(value, Mapping):
        raise InvalidTypeError("ScoreTable.reason_texts", value, "must be a mapping")
    out: dict[str, str] = {}
    for code, text in value.items():
        if not isinstance(code, str):
            raise InvalidTypeError("ScoreTable.reason_texts", code, "keys must be str")
        if not isinstance(text, str):
            raise InvalidTypeError(f"ScoreTable.reason_texts[{code!r}]", text, "must be a str")
        out[code] = text
    return types.MappingProxyType(out)


def _distinct(a: FloatArray) -> FloatArray:
    """``a``, or its one value when it is a broadcast constant (every stride 0)."""
    if a.size > 1 and not any(a.strides):
        return np.asarray(a[(0,) * a.ndim]).reshape(1)
    return a


def _all_finite(a: FloatArray) -> bool:
    """True when no entry is NaN or infinite, in one allocation-free pass.

    A finite sum proves every entry finite; only an overflowing sum takes the exact check.
    """
    a = _distinct(a)
    with np.errstate(over="ignore", invalid="ignore"):
        total = float(a.sum())
    return math.isfinite(total) or bool(np.isfinite(a).all())


_FLOAT_MAX = float(np.finfo(np.float64).max)


def _within(a: FloatArray, hi: float) -> bool:
    """True when every entry is in ``[0, hi]`` (``0 <= hi`` finite; NaN never is).

    One pass: the bit patterns of non-negative doubles, read as ``uint64``, are ordered
    like the doubles, and every negative double, NaN and infinity reads above those of
    ``[+0.0, hi]``; so a ``uint64`` maximum at most ``hi``'s bits proves the range. Any
    other maximum (also ``-0.0``, which is in range) takes the exact min and max.
    """
    a = _distinct(a)
    if a.size == 0:
        return True
    if a.view(np.uint64).max() <= np.float64(hi).view(np.uint64):
        return True
    return bool(a.min() >= 0.0) and bool(a.max() <= hi)


def _declared(recipe: object) -> tuple[int, ...] | None:
    """The ``shape`` a lazy recipe declares, if it declares one."""
    shape = getattr(recipe, "shape", None)
    if shape is None:
        return None
    try:
        return tuple(operator.index(s) for s in shape)
    except TypeError:
        raise InvalidTypeError(
            "ScoreTable.contributions.shape", shape, "must be a tuple of ints"
        ) from None


def _rows(a: _A, idx: NDArray[np.intp]) -> _A:
    """Read-only ``a[idx]`` (a fresh array nobody else holds); ``None`` passes."""
    if a is None:
        return a
    out: _A = _ro(a[idx])  # type: ignore[assignment]
    return out


# ---------------------------------------------------------------------------- stacked parts
# ScoreTable.concat keeps a lazy part lazy: the stacked recipes below compute (or explain)
# each part on its own, on first use, and follow ``take`` by mapping rows to parts.


def _starts(lengths: tuple[int, ...]) -> NDArray[np.intp]:
    """The first stacked row of each part: ``(0, l0, l0 + l1, ...)``, one more than parts."""
    out = np.zeros(len(lengths) + 1, dtype=np.intp)
    np.cumsum(lengths, out=out[1:])
    return out


def _group_rows(
    lengths: tuple[int, ...], idx: NDArray[np.intp]
) -> tuple[list[tuple[int, NDArray[np.intp]]], NDArray[np.intp] | None]:
    """Split stacked rows ``idx`` by part.

    Returns ``(part, local rows)`` per part that holds some of ``idx`` (parts in order,
    each part's rows in the order of ``idx``), and the order that turns the rows so
    grouped back into the order of ``idx`` (``None`` when they already are in it).
    """
    starts = _starts(lengths)
    part = np.searchsorted(starts, idx, side="right") - 1
    by = np.argsort(part, kind="stable")
    grouped = part[by]
    cuts = np.flatnonzero(np.diff(grouped)) + 1
    groups: list[tuple[int, NDArray[np.intp]]] = []
    for sel in np.split(by, cuts) if idx.size else []:
        p = int(part[sel[0]])
        groups.append((p, (idx[sel] - starts[p]).astype(np.intp)))
    if bool((by == np.arange(by.size)).all()):
        return groups, None
    order = np.empty(by.size, dtype=np.intp)
    order[by] = np.arange(by.size, dtype=np.intp)
    return groups, order


@attrs.frozen(eq=False)
class _StackedContributions:
    """Lazy contributions of stacked results: the parts' own, computed on first read.

    ``parts`` are dense matrices or lazy recipes; ``lengths`` their rows. ``order`` (when
    given) says which stacked row each row of the result is; `take` keeps only the parts
    (and the rows of each) that it needs, so no part is computed for rows not asked for.
    """

    parts: tuple[FloatArray | LazyContributions, ...]
    lengths: tuple[int, ...]
    width: int
    order: NDArray[np.intp] | None = None

    @property
    def shape(self) -> tuple[int, int]:
        """``(n, c)``: rows and components."""
        n = sum(self.lengths) if self.order is None else int(self.order.shape[0])
        return (n, self.width)

    def compute(self) -> FloatArray:
        """Return the ``(n, c)`` contributions: each part's, stacked (then reordered)."""
        out = np.empty((sum(self.lengths), self.width), dtype=np.float64, order="F")
        start = 0
        for i, (part, length) in enumerate(zip(self.parts, self.lengths, strict=True)):
            try:
                block = np.asarray(
                    part if isinstance(part, np.ndarray) else part.compute(), dtype=np.float64
                )
            except (TypeError, ValueError):  # not real numbers, or ragged
                raise InvalidTypeError(
                    f"ScoreTable.contributions.parts[{i}]",
                    part,
                    "compute() must return real numbers",
                ) from None
            if block.shape != (length, self.width):
                raise InvalidValueError(
                    f"ScoreTable.contributions.parts[{i}]",
                    block.shape,
                    f"must have shape {(length, self.width)}: its part's rows and components",
                )
            out[start : start + length] = block
            start += length
        if self.order is None:
            return out
        taken: FloatArray = np.asfortranarray(out[self.order])
        return taken

    def take(self, rows: NDArray[np.intp]) -> LazyContributions:
        """Return the recipe for ``rows`` only (one part's own recipe when it holds them all)."""
        idx = np.asarray(rows, dtype=np.intp)
        if self.order is not None:
            idx = self.order[idx]
        groups, order = _group_rows(self.lengths, idx)
        if order is None and len(groups) == 1:
            whole = self.parts[groups[0][0]]
            if not isinstance(whole, np.ndarray):
                return whole.take(groups[0][1])
        parts = tuple(
            _ro(part[local]) if isinstance(part, np.ndarray) else part.take(local)
            for part, local in ((self.parts[p], local) for p, local in groups)
        )
        return _StackedContributions(
            parts, tuple(int(local.shape[0]) for _, local in groups), self.width, order
        )


@attrs.frozen(eq=False)
class _StackedDetails:
    """The explanation details of stacked results: each row asks its own part.

    ``parts`` are the parts' recipes (``None``: that part has none, so its rows get empty
    details); ``rows`` (when given) says which stacked row each row of the result is.
    """

    parts: tuple[ExplainRecipe | None, ...]
    lengths: tuple[int, ...]
    rows: NDArray[np.intp] | None = None
    _offsets: NDArray[np.intp] = attrs.field(init=False, repr=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_offsets", _starts(self.lengths))

    def details(
        self, row: int, score: float, label: str | None, reasons: tuple[str, ...]
    ) -> ExplainDetails:
        """Return the details of row ``row``, from the part that holds it."""
        r = row if self.rows is None else int(self.rows[row])
        p = int(np.searchsorted(self._offsets, r, side="right")) - 1
        part = self.parts[p]
        if part is None:
            return ExplainDetails()
        return part.details(r - int(self._offsets[p]), score, label, reasons)

    def take(self, rows: NDArray[np.intp]) -> _StackedDetails:
        """Return the recipe restricted to ``rows`` (an index; no part is touched)."""
        idx = np.asarray(rows, dtype=np.intp)
        return _StackedDetails(
            self.parts, self.lengths, idx if self.rows is None else self.rows[idx]
        )


def _flat_contributions(
    tables: Sequence[ScoreTable],
) -> tuple[tuple[FloatArray | LazyContributions, ...], tuple[int, ...]]:
    """Every table's contributions, a stacked recipe's parts spliced in (no nesting)."""
    parts: list[FloatArray | LazyContributions] = []
    lengths: list[int] = []
    for t in tables:
        c = t._contributions
        if isinstance(c, _StackedContributions) and c.order is None:
            parts.extend(c.parts)
            lengths.extend(c.lengths)
        else:
            parts.append(c)
            lengths.append(len(t))
    return tuple(parts), tuple(lengths)


def _flat_details(
    tables: Sequence[ScoreTable],
) -> tuple[tuple[ExplainRecipe | None, ...], tuple[int, ...]]:
    """Every table's explanation recipe, a stacked recipe's parts spliced in."""
    parts: list[ExplainRecipe | None] = []
    lengths: list[int] = []
    for t in tables:
        d = t.details
        if isinstance(d, _StackedDetails) and d.rows is None:
            parts.extend(d.parts)
            lengths.extend(d.lengths)
        else:
            parts.append(d)
            lengths.append(len(t))
    return tuple(parts), tuple(lengths)


def _stack_1d(parts: Sequence[NDArray[Any]]) -> NDArray[Any]:
    """The parts end to end, read-only; parts that are all one broadcast constant stay one.

    (A scorer's constant column, e.g. coverage ``1.0`` with nothing missing, is a
    stride-0 view; it stays O(1) in memory when every part holds the same bits.)
    """
    n = sum(int(p.shape[0]) for p in parts)
    held = [p for p in parts if p.size]
    if (
        n > 1
        and all(not any(p.strides) for p in held)
        and len({p.dtype for p in held}) == 1
        and len({p[:1].tobytes() for p in held}) == 1
    ):
        one = np.array(held[0][0])
        one.flags.writeable = False
        return np.broadcast_to(one, (n,))
    return _ro(np.concatenate(parts))


def _stack_flags(
    parts: Sequence[BoolArray | None], lengths: Sequence[int], width: int
) -> BoolArray | None:
    """Bool matrices end to end; ``None`` (nothing flagged) is zeros there; all ``None``: None."""
    if all(p is None for p in parts):
        return None
    blocks = [
        np.zeros((n, width), dtype=np.bool_) if p is None else p
        for p, n in zip(parts, lengths, strict=True)
    ]
    out: BoolArray = _ro(np.asfortranarray(np.concatenate(blocks)))
    return out


def _check_parts(tables: object) -> tuple[ScoreTable, ...]:
    """The tables to stack, checked to come from one scorer and configuration."""
    if isinstance(tables, ScoreTable | str | bytes | Mapping) or not isinstance(tables, Iterable):
        raise InvalidTypeError("tables", tables, "must be a sequence of ScoreTable")
    parts = tuple(tables)
    if not parts:
        raise InvalidValueError("tables", [], "must hold at least one ScoreTable")
    for i, t in enumerate(parts):
        if not isinstance(t, ScoreTable):
            raise InvalidTypeError(f"tables[{i}]", t, "must be a ScoreTable")
    first = parts[0]
    for i, t in enumerate(parts[1:], start=1):
        for name in ("scorer", "config_hash", "components", "classes", "reason_codes"):
            want, got = getattr(first, name), getattr(t, name)
            if got != want:
                raise InvalidValueError(
                    f"tables[{i}].{name}",
                    got,
                    f"must equal the first table's {want!r} (results of one scorer and "
                    "configuration stack)",
                )
        if dict(t.reason_texts) != dict(first.reason_texts):
            raise InvalidValueError(
                f"tables[{i}].reason_texts",
                dict(t.reason_texts),
                f"must equal the first table's {dict(first.reason_texts)!r}",
            )
        for name in ("_labels", "margin"):
            if (getattr(t, name) is None) != (getattr(first, name) is None):
                given = "given" if getattr(first, name) is not None else "None"
                raise InvalidValueError(
                    f"tables[{i}].{name.lstrip('_')}",
                    None if getattr(t, name) is None else "given",
                    f"must be given in every table or in none (the first table's is {given})",
                )
    return parts


def _first_repeat(parts: Sequence[ScoreTable]) -> tuple[str, str]:
    """The path and value of the first id that repeats across ``parts``."""
    seen: set[str] = set()
    for i, t in enumerate(parts):
        for j, v in enumerate(t.ids.tolist()):
            if v in seen:
                return f"tables[{i}].ids[{j}]", v
            seen.add(v)
    raise AssertionError("no id repeats")  # pragma: no cover - called after a failed check


def concat_checked(tables: Iterable[ScoreTable], ids: NDArray[np.object_]) -> ScoreTable:
    """`ScoreTable.concat` for parts whose ids, end to end, are ``ids`` (known unique).

    For kamlib's own callers that already hold the stacked ids, checked (chunked scoring:
    the ids of the table it cut into chunks), so the ids are not gathered and checked
    again. Every other check of `ScoreTable.concat` runs.
    """
    return _stack(_check_parts(tables), ids)


def _stack(parts: tuple[ScoreTable, ...], ids: NDArray[np.object_]) -> ScoreTable:
    """Stack parts checked by `_check_parts` under the stacked ``ids``."""
    first = parts[0]
    lengths = tuple(len(t) for t in parts)
    if int(ids.shape[0]) != sum(lengths):
        raise InvalidValueError("ids", int(ids.shape[0]), f"must hold {sum(lengths)} ids")
    if len(parts) == 1:
        contrib: FloatArray | LazyContributions = first._contributions
    elif all(isinstance(t._contributions, np.ndarray) for t in parts):
        contrib = _ro(
            np.asfortranarray(np.concatenate([cast("FloatArray", t._contributions) for t in parts]))
        )
    else:
        c_parts, c_lengths = _flat_contributions(parts)
        contrib = _StackedContributions(c_parts, c_lengths, len(first.components))
    labels: NDArray[Any] | None = None
    if first._labels is not None:
        raw = [cast("NDArray[Any]", t._labels) for t in parts]
        if all(a.dtype.kind in "iu" for a in raw):
            labels = _stack_1d(raw)  # codes stay codes: no str per row
        else:
            labels = _ro(np.concatenate([cast("NDArray[Any]", t.labels) for t in parts]))
    details: ExplainRecipe | None = None
    if any(t.details is not None for t in parts):
        if len(parts) == 1:
            details = first.details
        else:
            d_parts, d_lengths = _flat_details(parts)
            details = _StackedDetails(d_parts, d_lengths)
    margins = [t.margin for t in parts]
    return ScoreTable(
        scorer=first.scorer,
        config=first.config,
        ids=ids,
        scores=_stack_1d([t.scores for t in parts]),
        components=first.components,
        contributions=contrib,
        coverage=_stack_1d([t.coverage for t in parts]),
        labels=labels,
        classes=first.classes,
        margin=None if first.margin is None else _stack_1d(cast("list[FloatArray]", margins)),
        reason_codes=first.reason_codes,
        reason_flags=_stack_flags(
            [t.reason_flags for t in parts], lengths, len(first.reason_codes)
        ),
        reason_texts=first.reason_texts,
        component_missing=_stack_flags(
            [t.component_missing for t in parts], lengths, len(first.components)
        ),
        details=details,
    )


@attrs.frozen(eq=False, repr=False)
class ScoreTable:
    """What a scorer returns: scores, labels, contributions, coverage, reasons, margins.

    Everything is a column (one entry per account, aligned with ``ids``), so a million-row
    result costs no Python object per row. Per-row views: `explain`,
    `reasons_of`. A third-party scorer that has only ids and scores can use
    `from_scores`. The results of pieces of a table (chunks, partitions) stack back into
    one with `concat`.

    **Immutable through and through.** The arrays (``ids``, ``scores``, ``coverage``,
    ``labels``, ``margin``, ``reason_flags``, ``component_missing``, the contributions)
    are read-only: writing raises numpy's ``ValueError``. ``config`` is a deep, read-only
    copy (mappings are `types.MappingProxyType` views, lists are tuples; assigning
    raises ``TypeError``), so `config_hash` always describes the result;
    `config_dict` returns a plain, mutable copy. ``reason_texts`` is a read-only
    mapping too. Nothing the caller passes is aliased: an array that someone could still
    write (writeable, or a view of writeable memory) is copied first, never frozen in
    place; lists and dicts are copied. A pickled table unpickles read-only as well.

    **Validated at construction.** Any array-like (numpy arrays, lists, tuples, pandas
    columns) is accepted for the columns and converted with numpy; a value that does not
    convert raises [`InvalidTypeError`][kamlib.errors.InvalidTypeError]. Then, with ``n =
    len(ids)``:

    - ``ids``: non-empty ``str``, unique ([`DuplicateIdError`][kamlib.errors.DuplicateIdError]);
    - ``scores``, ``coverage``, ``labels``, ``margin``: shape ``(n,)``;
      ``reason_flags``: bool ``(n, len(reason_codes))``; ``component_missing`` and dense
      contributions: ``(n, len(components))`` (a lazy recipe: its ``shape`` if it has one,
      else when first computed);
    - scores, contributions and margins finite, margins ``>= 0``, coverage in ``[0, 1]``;
    - labels ``str`` and, when ``classes`` are given, one of them; or, as a scorer's fast
      path, integer codes into ``classes`` (an integer numpy array, ``0 <= code <
      len(classes)``), turned into ``str`` labels only when `labels` is first read;
    - ``scorer`` a non-empty ``str``; ``components``, ``classes`` and ``reason_codes``
      unique non-empty ``str``; ``reason_texts`` keyed by reason codes;
    - ``config`` JSON-compatible: ``str`` keys; ``str``, ``int``, ``float`` (finite),
      ``bool``, ``None``, lists/tuples and mappings of them.

    Errors are [`InvalidTypeError`][kamlib.errors.InvalidTypeError],
    [`InvalidValueError`][kamlib.errors.InvalidValueError] or
    [`DuplicateIdError`][kamlib.errors.DuplicateIdError] naming the field (and the row and account
    where there is one) and the value. The checks are vectorised, one reduction per
    column. Only two cost a pass over Python objects: the ids (their types and one
    ``set``), skipped for an ids array already checked where it was made (a
    FeatureTable's ``ids``, an earlier ScoreTable's, the rows kept by `take`), and
    labels given as ``str`` (one ``set``; integer codes cost one min and one max).

    Attributes:
        scorer: Name of the method.
        config: The configuration used (options and fitted parameters), deep-frozen.
        ids: Account ids.
        scores: ``(n,)`` scores.
        components: Names of the components whose contributions add up to the score.
        contributions: ``(n, c)`` matrix, or a `LazyContributions` recipe.
        coverage: ``(n,)`` share of weight observed, in ``[0, 1]``.
        labels: ``(n,)`` class labels (read-only object array of ``str``), or ``None`` if
            the method has no classes. Accepted as ``str`` or as integer codes into
            ``classes``; codes are kept as given and decoded on first read (cached).
        classes: The possible labels, in the method's order.
        margin: ``(n,)`` distance to the nearest class boundary, or ``None``.
        reason_codes: Codes of the rules that can fire.
        reason_flags: ``(n, len(reason_codes))`` bool matrix, True where a rule fired.
        reason_texts: Human text per code (read-only mapping).
        component_missing: ``(n, c)`` bool matrix, True where a component's input was
            missing for that account, or ``None`` when nothing was missing.
        config_hash: `config_hash` of ``config``, computed once.

    Examples:
        >>> import numpy as np
        >>> from kamlib.scoring import ScoreTable
        >>> st = ScoreTable(
        ...     scorer="demo", config={"w": [1.0]}, ids=["A", "B"],
        ...     scores=[1.0, 2.0], components=("x",),
        ...     contributions=[[1.0], [2.0]], coverage=np.ones(2),
        ... )
        >>> st.score_of("B")
        2.0
        >>> st.explain("B").contributions
        (('x', 2.0),)
        >>> st.config["w"]
        (1.0,)
        >>> st.config["w"] = [2.0]
        Traceback (most recent call last):
        ...
        TypeError: 'mappingproxy' object does not support item assignment
        >>> st.scores[0] = 5.0
        Traceback (most recent call last):
        ...
        ValueError: assignment destination is read-only
        >>> coded = ScoreTable(
        ...     scorer="demo", config={}, ids=["A", "B"], scores=[1.0, 2.0],
        ...     components=(), contributions=np.zeros((2, 0)), coverage=[1.0, 1.0],
        ...     labels=np.array([1, 0], dtype=np.int8), classes=("high", "low"),
        ... )
        >>> coded.label_of("A"), coded.labels.tolist()
        ('low', ['low', 'high'])
        >>> ScoreTable(
        ...     scorer="demo", config={}, ids=["A", "A"], scores=[1.0, 2.0],
        ...     components=(), contributions=np.zeros((2, 0)), coverage=[1.0, 1.0],
        ... )
        Traceback (most recent call last):
        ...
        kamlib.errors.DuplicateIdError: ScoreTable.ids[1]: is not unique; got 'A'
    """

    scorer: str = attrs.field(validator=non_empty_str())
    config: Mapping[str, Any] = attrs.field(converter=_as_config)
    ids: NDArray[np.object_] = attrs.field(converter=_conv_ids)
    scores: FloatArray = attrs.field(converter=_conv_scores)
    components: tuple[str, ...] = attrs.field(converter=_conv_components)
    _contributions: FloatArray | LazyContributions = attrs.field(
        alias="contributions", converter=_conv_contributions
    )
    coverage: FloatArray = attrs.field(converter=_conv_coverage)
    _labels: NDArray[Any] | None = attrs.field(default=None, alias="labels", converter=_conv_labels)
    classes: tuple[str, ...] = attrs.field(default=(), converter=_conv_classes)
    margin: FloatArray | None = attrs.field(default=None, converter=_conv_margin)
    reason_codes: tuple[str, ...] = attrs.field(default=(), converter=_conv_reason_codes)
    reason_flags: BoolArray | None = attrs.field(default=None, converter=_conv_reason_flags)
    reason_texts: Mapping[str, str] = attrs.field(factory=dict, converter=_conv_reason_texts)
    component_missing: BoolArray | None = attrs.field(
        default=None, converter=_conv_component_missing
    )
    details: ExplainRecipe | None = attrs.field(default=None, validator=_check_details)
    config_hash: str = attrs.field(init=False)
    _row_index: dict[str, int] | None = attrs.field(init=False, default=None)
    _label_cache: NDArray[np.object_] | None = attrs.field(init=False, default=None)

    def __attrs_post_init__(self) -> None:
        n = self.ids.shape[0]
        c = len(self.components)
        for name, width in (
            ("_contributions", c),
            ("reason_flags", len(self.reason_codes)),
            ("component_missing", c),
        ):
            arr = getattr(self, name)
            if isinstance(arr, np.ndarray) and arr.shape == (0,):  # ``[]``: zero rows
                object.__setattr__(self, name, _ro(np.empty((0, width), dtype=arr.dtype)))
        for name in ("scores", "coverage", "_labels", "margin"):
            arr = getattr(self, name)
            if arr is not None and arr.shape != (n,):
                raise InvalidValueError(
                    f"ScoreTable.{name.lstrip('_')}",
                    arr.shape,
                    f"must have shape ({n},), one per id",
                )
        for name, shape, cols in (
            ("reason_flags", (n, len(self.reason_codes)), "len(reason_codes)"),
            ("component_missing", (n, c), "len(components)"),
        ):
            arr = getattr(self, name)
            if arr is not None and arr.shape != shape:
                raise InvalidValueError(
                    f"ScoreTable.{name}", arr.shape, f"must have shape {shape}: (n, {cols})"
                )
        contrib = self._contributions
        declared = np.shape(contrib) if isinstance(contrib, np.ndarray) else _declared(contrib)
        if declared is not None and tuple(declared) != (n, c):
            raise InvalidValueError(
                "ScoreTable.contributions",
                tuple(declared),
                f"must have shape {(n, c)}: (n, len(components)) for components "
                f"{list(self.components)}",
            )
        if not _all_finite(self.scores):
            self._raise_row("scores", ~np.isfinite(self.scores), "must be finite; a scorer "
                            "produced a non-finite value")  # fmt: skip
        if not _within(self.coverage, 1.0):
            bad = ~((self.coverage >= 0.0) & (self.coverage <= 1.0))
            self._raise_row("coverage", bad, "must be in [0, 1]")
        m = self.margin
        if m is not None and not _within(m, _FLOAT_MAX):
            self._raise_row("margin", ~(np.isfinite(m) & (m >= 0.0)), "must be finite and >= 0")
        if isinstance(contrib, np.ndarray):
            self._check_contributions(contrib)
        labels = self._labels
        if labels is not None:
            if labels.dtype == np.object_:
                self._check_labels(labels)
            else:
                self._check_label_codes(labels)
        unknown = sorted(set(self.reason_texts) - set(self.reason_codes))
        if unknown:
            raise InvalidValueError(
                "ScoreTable.reason_texts",
                unknown[0],
                f"has a text for a code not in reason_codes {list(self.reason_codes)}",
            )
        object.__setattr__(self, "config_hash", config_hash(self.config))

    def _raise_row(self, name: str, bad: BoolArray, reason: str) -> None:
        i = int(np.flatnonzero(bad)[0])
        value = getattr(self, name)[i]
        raise InvalidValueError(
            f"ScoreTable.{name}[{i}]", float(value), f"{reason} (account {self.ids[i]!r})"
        )

    def _check_contributions(self, contrib: FloatArray) -> None:
        if not _all_finite(contrib):
            i, j = (int(v[0]) for v in np.nonzero(~np.isfinite(contrib)))
            raise InvalidValueError(
                f"ScoreTable.contributions[{i}, {j}]",
                float(contrib[i, j]),
                f"must be finite (account {self.ids[i]!r}, component {self.components[j]!r})",
            )

    def _check_labels(self, labels: NDArray[np.object_]) -> None:
        try:
            seen = set(labels.tolist())
        except TypeError:  # an unhashable entry: not a str
            seen = {None}
        allowed = set(self.classes)
        if all(isinstance(v, str) for v in seen) and (not allowed or seen <= allowed):
            return
        for i, v in enumerate(labels.tolist()):
            if not isinstance(v, str):
                raise InvalidTypeError(
                    f"ScoreTable.labels[{i}]", v, f"must be a str (account {self.ids[i]!r})"
                )
            if allowed and v not in allowed:
                raise InvalidValueError(
                    f"ScoreTable.labels[{i}]",
                    v,
                    f"must be one of the classes {list(self.classes)} (account {self.ids[i]!r})",
                )

    def _check_label_codes(self, codes: NDArray[np.integer[Any]]) -> None:
        k = len(self.classes)
        if not codes.size:
            return
        if not k:
            raise InvalidValueError(
                "ScoreTable.labels", str(codes.dtype), "integer codes need the classes they index"
            )
        if codes.min() >= 0 and codes.max() < k:
            return
        i = int(np.flatnonzero((codes < 0) | (codes >= k))[0])
        raise InvalidValueError(
            f"ScoreTable.labels[{i}]",
            int(codes[i]),
            f"must be a code in [0, {k}) into the classes {list(self.classes)} "
            f"(account {self.ids[i]!r})",
        )

    def _decode_labels(self, codes: NDArray[np.integer[Any]]) -> NDArray[np.object_]:
        """A fresh object array of the classes at ``codes`` (one C-level gather)."""
        classes = np.empty(len(self.classes), dtype=object)
        classes[:] = self.classes
        out: NDArray[np.object_] = classes[codes]
        return out

    @property
    def labels(self) -> NDArray[np.object_] | None:
        """``(n,)`` class labels as a read-only object array of ``str``; ``None`` without.

        A scorer that passed integer codes into `classes` pays for the ``n`` Python
        references only here, on the first read; the array is then kept.

        Examples:
            >>> import numpy as np
            >>> from kamlib.scoring import ScoreTable
            >>> st = ScoreTable.from_scores(
            ...     ["A", "B"], [0.25, 0.75], scorer="m",
            ...     labels=np.array([1, 0], dtype=np.intp), classes=("high", "low"),
            ... )
            >>> st.labels
            array(['low', 'high'], dtype=object)
            >>> st.labels is st.labels, st.labels.flags.writeable
            (True, False)
        """
        labels = self._labels
        if labels is None or labels.dtype == np.object_:
            return labels
        cache = self._label_cache
        if cache is None:
            cache = _ro(self._decode_labels(labels))
            object.__setattr__(self, "_label_cache", cache)
        return cache

    def _label_at(self, i: int) -> str | None:
        """The label of row ``i`` without decoding the whole column."""
        labels = self._labels
        if labels is None:
            return None
        if labels.dtype == np.object_:
            return str(labels[i])
        return self.classes[int(labels[i])]

    def __getstate__(self) -> dict[str, Any]:
        state = {a.name: getattr(self, a.name) for a in attrs.fields(type(self))}
        state["config"] = _thaw(self.config)  # a mappingproxy does not pickle
        state["reason_texts"] = dict(self.reason_texts)
        state["_row_index"] = None  # a cache: rebuilt on the first lookup
        state["_label_cache"] = None  # a cache of decoded codes: rebuilt on the first read
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        state = dict(state)
        if "labels" in state:  # pickled before labels could be codes
            state["_labels"] = state.pop("labels")
        state.setdefault("_label_cache", None)
        for name, value in state.items():
            if isinstance(value, np.ndarray):  # unpickled arrays are fresh and writeable
                value.flags.writeable = False
            object.__setattr__(self, name, value)
        object.__setattr__(self, "config", _as_config(state["config"]))
        object.__setattr__(self, "reason_texts", _conv_reason_texts(state["reason_texts"]))

    def __len__(self) -> int:
        return int(self.ids.shape[0])

    def __repr__(self) -> str:
        return (
            f"ScoreTable(scorer={self.scorer!r}, n={len(self)}, "
            f"components={list(self.components)!r}, config_hash={self.config_hash!r})"
        )

    @classmethod
    def from_scores(
        cls,
        ids: Iterable[str] | ArrayLike,
        scores: ArrayLike,
        *,
        scorer: str,
        config: Mapping[str, Any] | None = None,
        labels: Iterable[str] | ArrayLike | None = None,
        classes: Iterable[str] = (),
        coverage: ArrayLike | None = None,
        components: Iterable[str] | None = None,
        contributions: ArrayLike | LazyContributions | None = None,
        margin: ArrayLike | None = None,
    ) -> ScoreTable:
        """Build a result from ids and scores alone, with sensible defaults for the rest.

        For a third-party scorer that has no per-component breakdown:

        - ``components`` and ``contributions`` both omitted: one component, ``"score"``,
          whose contribution is the score itself (so contributions add up and
          `explain` works). A single component name without ``contributions``
          names that one column; several names need their ``contributions``, and
          ``contributions`` need their ``components``;
        - ``coverage`` omitted: ``1.0`` for every account (nothing missing);
        - ``config`` omitted: ``{"scorer": scorer}``; a given mapping is used as it is;
        - no reasons, nothing missing.

        Everything is validated as in the constructor.

        Args:
            ids: One unique, non-empty string id per account.
            scores: One finite score per account.
            scorer: Name of the method.
            config: The configuration used (JSON-compatible).
            labels: Optional class label per account: ``str``, or integer codes into
                ``classes`` (an integer numpy array; decoded on first read).
            classes: The possible labels, in the method's order.
            coverage: Optional share of weight observed per account, in ``[0, 1]``.
            components: Names of the contribution columns.
            contributions: ``(n, len(components))`` matrix or a lazy recipe.
            margin: Optional distance to the nearest class boundary, ``>= 0``.

        Returns:
            A validated, read-only ScoreTable.

        Raises:
            InvalidTypeError: An argument is not of a convertible type.
            InvalidValueError: Shapes or values break a rule (see `ScoreTable`), or
                ``components`` and ``contributions`` do not come together.
            DuplicateIdError: Two accounts share an id.

        Examples:
            >>> from kamlib.scoring import ScoreTable
            >>> st = ScoreTable.from_scores(["A", "B"], [0.25, 0.75], scorer="churn_model")
            >>> st.components, st.contributions.tolist(), st.coverage.tolist()
            (('score',), [[0.25], [0.75]], [1.0, 1.0])
            >>> st.config_dict()
            {'scorer': 'churn_model'}
            >>> print(st.explain("B"))
            B - churn_model score 0.75 (coverage 100%)
              score                          0.75
            config ...
            >>> ranked = ScoreTable.from_scores(
            ...     ["A", "B"], [0.25, 0.75], scorer="churn_model",
            ...     labels=["low", "high"], classes=("high", "low"), margin=[0.25, 0.25],
            ... )
            >>> ranked.label_of("B")
            'high'
            >>> ScoreTable.from_scores(["A"], [1.0], scorer="m", labels=["mid"],
            ...                        classes=("high", "low"))
            Traceback (most recent call last):
            ...
            kamlib.errors.InvalidValueError: ScoreTable.labels[0]: must be one of the \
classes ['high', 'low'] (account 'A'); got 'mid'
        """
        score_arr = _conv_scores(scores)
        names = None if components is None else _conv_components(components)
        if contributions is None:
            if names is not None and len(names) != 1:
                raise InvalidValueError(
                    "ScoreTable.contributions",
                    None,
                    f"must be given for the components {list(names)}",
                )
            names = names or ("score",)
            contributions = score_arr[:, None]  # a read-only view: no copy
        elif names is None:
            raise InvalidValueError(
                "ScoreTable.components", None, "must name the columns of the contributions"
            )
        return cls(
            scorer=scorer,
            config={"scorer": scorer} if config is None else config,
            ids=ids,
            scores=score_arr,
            components=names,
            contributions=contributions,
            coverage=np.ones(score_arr.shape[0]) if coverage is None else coverage,
            labels=labels,
            classes=classes,
            margin=margin,
        )

    def config_dict(self) -> dict[str, Any]:
        """Return the configuration as plain, fresh, mutable JSON data (dicts and lists).

        `config` is read-only; this is the copy to edit, serialise or hand to a
        scorer's ``from_config``. Editing it changes nothing in the table.

        Examples:
            >>> import json
            >>> from kamlib import FeatureTable
            >>> from kamlib.scoring import ValueMatrix, config_hash
            >>> t = FeatureTable.from_columns(["A", "B"], {"x": [1.0, 3.0]})
            >>> st = ValueMatrix("x", ["x"]).fit(t).score(t)
            >>> cfg = st.config_dict()
            >>> cfg["y_features"], type(st.config["y_features"]).__name__
            (['x'], 'tuple')
            >>> config_hash(cfg) == st.config_hash
            True
            >>> cfg["x_cut"] = 99.0
            >>> st.config["x_cut"]
            2.0
            >>> json.loads(json.dumps(cfg)) == cfg
            True
        """
        out: dict[str, Any] = _thaw(self.config)
        return out

    @property
    def contributions(self) -> FloatArray:
        """``(n, c)`` per-component contributions; each row adds up to its score.

        Computed on first access when the scorer returned a lazy recipe, then checked
        (shape ``(n, len(components))``, finite) and kept, read-only.

        Raises:
            InvalidTypeError: A lazy recipe returned something that is not real numbers.
            InvalidValueError: A lazy recipe returned the wrong shape or a non-finite value.

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
        try:
            arr = np.asarray(c.compute(), dtype=np.float64)
        except KamlibError:  # the recipe's own typed error (e.g. a stacked part's) says more
            raise
        except (TypeError, ValueError):  # not real numbers, or ragged
            raise InvalidTypeError(
                "ScoreTable.contributions", c, "compute() must return real numbers"
            ) from None
        want = (len(self), len(self.components))
        if arr.shape != want:
            raise InvalidValueError(
                "ScoreTable.contributions",
                arr.shape,
                f"compute() must return shape {want}: (n, len(components))",
            )
        self._check_contributions(arr)
        arr = _ro(arr)  # compute() returns a fresh array: the table now owns it
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
        return self._label_at(self.row_of(account_id))

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
            >>> e.inputs, e.points
            ((('x', 3.0),), (('x', 10.0),))
            >>> e.summary
            'weighted points 10 of 10 >= threshold 5 -> a key account; highest points: x 3 -> 10'
            >>> print(e)  # doctest: +ELLIPSIS
            B - weighted_points score 10 -> key (margin 5) (coverage 100%)
              why: weighted points 10 of 10 >= threshold 5 -> a key account; ...
              component                         input   points  contribution
              x                                     3       10            10
              reason qualifies: weighted points at or above the threshold
            config ...
        """
        i = self.row_of(account_id)
        contrib = self.contributions[i]
        codes = self.reasons_of(account_id)
        score, label = float(self.scores[i]), self._label_at(i)
        more = (
            ExplainDetails()
            if self.details is None
            else self.details.details(i, score, label, codes)
        )
        return Explanation(
            inputs=more.inputs,
            points=more.points,
            nodes=more.nodes,
            evidence=tuple((c, e) for c, e in more.evidence if c in codes),
            summary=more.summary,
            account_id=account_id,
            scorer=self.scorer,
            score=score,
            label=label,
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

        The new table shares the (immutable) configuration, hash and reason texts, and
        holds read-only copies of the selected rows. Its ids are distinct rows of checked
        ids, so they are not checked again; labels given as codes are taken as codes.

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
        contrib: FloatArray | LazyContributions = (
            _rows(c, idx) if isinstance(c, np.ndarray) else c.take(idx)
        )
        ids = mark_checked(_rows(self.ids, idx), self.ids)  # distinct rows of checked ids
        return ScoreTable(
            scorer=self.scorer,
            config=self.config,
            ids=ids,
            scores=_rows(self.scores, idx),
            components=self.components,
            contributions=contrib,
            coverage=_rows(self.coverage, idx),
            labels=_rows(self._labels, idx),  # codes stay codes
            classes=self.classes,
            margin=_rows(self.margin, idx),
            reason_codes=self.reason_codes,
            reason_flags=_rows(self.reason_flags, idx),
            reason_texts=self.reason_texts,
            component_missing=_rows(self.component_missing, idx),
            details=None if self.details is None else self.details.take(idx),
        )

    @classmethod
    def concat(cls, tables: Iterable[ScoreTable]) -> ScoreTable:
        """Stack results of one scorer and configuration, in the given order.

        The results of scoring the pieces of a table (chunks, partitions) become the
        result of the whole: every column is stacked, so a row keeps its bits. The parts
        must share ``scorer``, `config_hash`, ``components``, ``classes``,
        ``reason_codes`` and ``reason_texts``; ids must stay unique across them.

        - labels given as integer codes in every part stay codes (no ``str`` per row);
        - ``margin`` and ``labels`` must be given in every part or in none (a mix is an
          error: a scorer that gives them gives them for every row);
        - ``reason_flags`` and ``component_missing`` of ``None`` (nothing flagged,
          nothing missing) count as ``False`` there when another part has them; ``None``
          when no part has them;
        - dense contributions are stacked; lazy ones stay lazy: a stacked recipe computes
          each part's own recipe on first read, and `take` asks only the parts it needs
          (nothing is materialised to stack); explanation details follow the same way.

        Every array of the result is read-only, and its ids count as checked (as those of
        a scorer's result), so `take` and later stacking do no per-id work again.

        Args:
            tables: The parts (a sequence, or any iterable such as
                [`score_chunks`][kamlib.scoring.score_chunks]), at least one.

        Returns:
            One validated, read-only ScoreTable (a single part is returned as it is).

        Raises:
            InvalidTypeError: ``tables`` is not a sequence of ScoreTable (the path names
                the offending part, e.g. ``tables[2]``).
            InvalidValueError: No part; a part of another scorer or configuration, e.g.
                ``tables[2].config_hash``; ``labels`` or ``margin`` in some parts only.
            DuplicateIdError: An id repeats across parts (the path names the repeat).

        Examples:
            >>> import numpy as np
            >>> from kamlib import FeatureTable
            >>> from kamlib.scoring import Criterion, ScoreTable, WeightedPoints
            >>> t = FeatureTable.from_columns(["A", "B", "C"], {"x": [1.0, 3.0, 2.0]})
            >>> wp = WeightedPoints([Criterion("x")], threshold=5.0).fit(t)
            >>> parts = [wp.score(t.take([0, 1])), wp.score(t.take([2]))]
            >>> st = ScoreTable.concat(parts)
            >>> st.ids.tolist(), st.labels.tolist()
            (['A', 'B', 'C'], ['not_key', 'key', 'key'])
            >>> np.array_equal(st.contributions, wp.score(t).contributions)
            True
            >>> st.explain("C").inputs
            (('x', 2.0),)
            >>> ScoreTable.concat([parts[0], parts[0]])
            Traceback (most recent call last):
            ...
            kamlib.errors.DuplicateIdError: tables[1].ids[0]: repeats an id of an earlier \
table; got 'A'
            >>> other = WeightedPoints([Criterion("x")], threshold=6.0).fit(t).score(t)
            >>> ScoreTable.concat([parts[0], other])  # doctest: +ELLIPSIS
            Traceback (most recent call last):
            ...
            kamlib.errors.InvalidValueError: tables[1].config_hash: must equal the first \
table's ...
        """
        parts = _check_parts(tables)
        if len(parts) == 1:
            return parts[0]  # immutable: stacking one part changes nothing
        ids = np.concatenate([t.ids for t in parts])
        if len(set(ids.tolist())) != ids.shape[0]:
            path, value = _first_repeat(parts)
            raise DuplicateIdError(path, value, "repeats an id of an earlier table")
        mark_checked(_ro(ids), *(t.ids for t in parts))  # unique rows of checked ids
        return _stack(parts, ids)

    def to_columns(self) -> dict[str, NDArray[Any]]:
        """Return plain columns, ready for ``pandas.DataFrame(...)``.

        Keys: ``id``, ``score``, ``label``, ``coverage``, ``margin``, one
        ``contrib:<component>`` per component, one ``reason:<code>`` per rule and, when
        some input was missing, one bool ``missing:<component>`` per component. Every
        column is a fresh, writeable copy; for the configuration see `config_dict`.

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
        labels = self._labels
        if labels is not None:
            out["label"] = (
                labels.copy() if labels.dtype == np.object_ else self._decode_labels(labels)
            )
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
