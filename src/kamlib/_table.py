"""FeatureTable: the one door to every scoring kernel.

Account ids plus named float64 columns, stored as one Fortran-ordered ``(n, k)`` matrix so a
kernel can take all columns at once without a copy (``X @ w``), and an explicit missing-value
mask. A missing value is *declared* (through ``missing=`` or ``nan_is_missing=True``); a NaN or
infinity that was not declared is rejected with an error naming the column and the account.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from types import MappingProxyType
from typing import Any

import attrs
import numpy as np
from numpy.typing import NDArray

from kamlib._ids import check_id_list, mark_checked
from kamlib._validators import check_flag
from kamlib.errors import (
    DuplicateIdError,
    InvalidTypeError,
    InvalidValueError,
    MissingFeatureError,
    UnknownIdError,
)

__all__ = ["MAGNITUDE", "MAX_MAGNITUDE", "FeatureTable"]

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]

MAX_MAGNITUDE = 1e15
"""Largest absolute value a FeatureTable (or a scorer parameter) accepts.

kamlib's own choice, not a source rule: no KAM figure reaches a thousand trillion (revenue
in cents of the largest company is ~1e14), while every kernel stays far from float64
overflow with inputs this size, so no formula needs an overflow work-around. A larger
value is refused with [`InvalidValueError`][kamlib.errors.InvalidValueError] naming the cell.
"""

MAGNITUDE: Mapping[str, float] = MappingProxyType({"ge": -MAX_MAGNITUDE, "le": MAX_MAGNITUDE})
"""``check_real``/``real`` bounds of a raw-value parameter (a range end, a cut, a knot)."""


def _readonly(a: NDArray[Any]) -> NDArray[Any]:
    a.flags.writeable = False
    return a


def _nonempty_str(value: object) -> bool:
    return isinstance(value, str) and bool(value)


def _as_ids(ids: Iterable[object]) -> NDArray[np.object_]:
    """Validate ids: all ``str``, non-empty, unique. Vectorised where Python allows.

    The common case (every id a plain ``str``) costs one ``set`` of the types and one
    ``set`` of the ids; the slow scans that name the offending position run only on failure.
    """
    if isinstance(ids, np.ndarray) and ids.dtype.kind == "U":
        seq: list[object] = ids.tolist()
    else:
        if isinstance(ids, str | bytes) or not isinstance(ids, Iterable):
            raise InvalidTypeError("FeatureTable.ids", ids, "must be an iterable of str")
        seq = list(ids)
    check_id_list("FeatureTable.ids", seq)
    out = np.empty(len(seq), dtype=object)
    out[:] = seq
    return out


def _as_labels(name: object, values: object, n: int) -> NDArray[np.object_]:
    path = f"FeatureTable.categorical[{name!r}]"
    if not _nonempty_str(name):
        raise InvalidTypeError("FeatureTable.categorical", name, "names must be non-empty str")
    if isinstance(values, str) or not isinstance(values, Iterable):
        raise InvalidTypeError(path, values, "must be an iterable of str")
    seq = list(values)
    if len(seq) != n:
        raise InvalidValueError(path, len(seq), f"must have length {n} (the number of ids)")
    for i, v in enumerate(seq):
        if not isinstance(v, str):
            raise InvalidTypeError(f"{path}[{i}]", v, "must be a str")
    out = np.empty(n, dtype=object)
    out[:] = seq
    return _readonly(out)


def _as_column(name: str, values: object, n: int, out: FloatArray) -> BoolArray | None:
    """Write the column as float64 into ``out``; return the mask of ``None`` entries.

    ``None`` entries (lists, object arrays) are declared missing; ``None`` is returned
    when there are none, so the numeric fast path allocates nothing.
    """
    path = f"FeatureTable.columns[{name!r}]"
    if isinstance(values, np.ma.MaskedArray):  # a numpy mask declares missing values
        masked = np.ma.getmaskarray(values)
        if masked.shape == (n,) and values.dtype.kind in "biuf":
            out[:] = values.filled(0)
            return masked.copy() if masked.any() else None
        values = values.filled(0)
    # pandas / polars / lists all pass through numpy; object dtype means None or strings.
    try:
        arr = np.asarray(values)
    except Exception:  # any failure to convert is a type problem of the input
        raise InvalidTypeError(path, values, "must be array-like of numbers") from None
    if arr.ndim != 1:
        raise InvalidValueError(path, arr.shape, "must be one-dimensional")
    if arr.shape[0] != n:
        raise InvalidValueError(path, arr.shape[0], f"must have length {n} (the number of ids)")
    if arr.dtype == np.bool_ or arr.dtype.kind in "iuf":
        out[:] = arr  # one casting copy, straight into the table's matrix
        return None
    if arr.dtype.kind == "O":
        nones = np.zeros(n, dtype=np.bool_)
        for i, v in enumerate(arr):
            if v is None:
                out[i] = np.nan
                nones[i] = True
            elif isinstance(v, int | float | np.integer | np.floating) and not isinstance(v, bool):
                try:
                    out[i] = float(v)
                except OverflowError:
                    raise InvalidValueError(
                        f"{path}[{i}]", v, "is too large for a float64"
                    ) from None
            else:
                raise InvalidTypeError(f"{path}[{i}]", v, "must be a real number or None")
        return nones if nones.any() else None
    raise InvalidTypeError(path, str(arr.dtype), "must have a numeric dtype")


def _observed_bounds(X: FloatArray, mask: BoolArray | None) -> tuple[FloatArray, FloatArray]:
    """Return the per-column minimum and maximum of the observed cells of ``(n, k)`` ``X``.

    A column with no observed cell gets ``(inf, -inf)``. NaN propagates, so finite bounds
    prove every observed cell finite: the bounds *are* the finiteness check. A zero bound
    is ``+0.0`` (`_zero_plus`), whatever the order of the cells.
    """
    with np.errstate(invalid="ignore"):
        if mask is None:
            if X.shape[0] == 0:
                k = X.shape[1]
                return np.full(k, np.inf), np.full(k, -np.inf)
            return _zero_plus(X.min(axis=0)), _zero_plus(X.max(axis=0))
        seen = ~mask
        lo = np.min(X, axis=0, where=seen, initial=np.inf)
        hi = np.max(X, axis=0, where=seen, initial=-np.inf)
    return _zero_plus(lo), _zero_plus(hi)


def _zero_plus(a: FloatArray) -> FloatArray:
    """Return ``a`` with ``-0.0`` turned into ``+0.0`` in place (every other value kept).

    min and max are exact, but which of two equal zeros they return depends on the order
    of the reduction (SIMD lanes, row blocks); kept bounds are made a function of the
    observed values alone.
    """
    a += 0.0
    return a


def _check_bounds(
    X: FloatArray,
    mask: BoolArray | None,
    bounds: tuple[FloatArray, FloatArray],
    where: Callable[[int, int], tuple[str, str]],
) -> None:
    """Raise for the first undeclared NaN/inf or magnitude above `MAX_MAGNITUDE`."""
    lo, hi = bounds
    empty = lo > hi  # no observed cell: nothing to check
    ok = empty | ((lo >= -MAX_MAGNITUDE) & (hi <= MAX_MAGNITUDE))
    if ok.all():
        return
    j = int(np.flatnonzero(~ok)[0])
    col = X[:, j]
    observed = np.ones(col.shape[0], dtype=np.bool_) if mask is None else ~mask[:, j]
    finite = np.isfinite(col)
    bad_nonfinite = observed & ~finite
    if bad_nonfinite.any():
        i = int(np.flatnonzero(bad_nonfinite)[0])
        rule = "must be finite or declared missing"
    else:
        i = int(np.flatnonzero(observed & (np.abs(col) > MAX_MAGNITUDE))[0])
        rule = f"must be at most {MAX_MAGNITUDE:g} in magnitude"
    path, context = where(i, j)
    raise InvalidValueError(path, float(col[i]), f"{rule} ({context})")


_BLOCK_BYTES = 1 << 18
"""Float64 bytes per piece of `_copy_observed`: a piece's source, its copy and its
mask stay in a core's L2 cache while they are checked."""


def _block_rows(k: int) -> int:
    """Rows per row block of `_copy_observed` for a ``k``-column matrix (at least 1)."""
    return max(1, _BLOCK_BYTES // (8 * max(k, 1)))


def _column_major(a: NDArray[Any]) -> bool:
    """Whether the cells of a column of 2-D ``a`` are closer in memory than those of a row."""
    return abs(a.strides[0]) < abs(a.strides[1])


def _copy_observed(
    arr: NDArray[Any], given: BoolArray | None, nan_is_missing: bool
) -> tuple[FloatArray, BoolArray | None, tuple[FloatArray, FloatArray]]:
    """Copy numeric ``(n, k)`` ``arr`` into a new Fortran float64 matrix, with mask and bounds.

    One pass over memory, piece by piece, each piece about `_BLOCK_BYTES` of the
    copy: the piece is cast and copied, its missing cells (``given``, and its NaN with
    ``nan_is_missing``) are copied into a new Fortran mask and set to NaN, and its
    per-column min and max over the observed cells are taken while it is in cache (NaN
    when an observed cell is NaN); the piece results are then reduced. A column-major
    source (with its mask) is read in column segments, so the copy streams like one
    ``memcpy``; any other in row blocks of `_block_rows` rows, each transposed in
    cache (numpy's whole-matrix copy of a C-ordered source re-reads it once per column).

    Returns exactly what the unblocked ``X = np.array(arr, dtype=float64, order="F")``,
    ``mask = given | isnan(X)`` (``None`` when no cell is True), ``X[mask] = nan`` and
    `_observed_bounds` give: min and max are exact and a zero bound is ``+0.0``, so
    the pieces change no bit. ``arr`` and ``given`` are only read.
    """
    n, k = arr.shape
    X = np.empty((n, k), dtype=np.float64, order="F")
    M = np.zeros((n, k), dtype=np.bool_, order="F") if given is not None or nan_is_missing else None
    if _column_major(arr) and (given is None or _column_major(given)):
        step = max(1, _BLOCK_BYTES // 8)
        cols = [slice(j, j + 1) for j in range(k)]
    else:
        step = _block_rows(k)
        cols = [slice(None)]
    nblocks = -(-n // step)
    lo = np.empty((nblocks, k), dtype=np.float64)
    hi = np.empty((nblocks, k), dtype=np.float64)
    any_missing = False
    with np.errstate(invalid="ignore"):
        for c in cols:
            for q in range(nblocks):
                rows = slice(q * step, (q + 1) * step)
                d = X[rows, c]
                lo_q, hi_q = lo[q, c], hi[q, c]
                np.copyto(d, arr[rows, c], casting="unsafe")
                m = None if M is None else M[rows, c]
                if m is not None:
                    if given is not None:
                        np.copyto(m, given[rows, c])
                    if nan_is_missing:
                        np.logical_or(m, np.isnan(d), out=m)
                    if not m.any():
                        m = None
                if m is None:  # NaN propagates: an undeclared one makes the bounds NaN
                    np.minimum.reduce(d, axis=0, out=lo_q)
                    np.maximum.reduce(d, axis=0, out=hi_q)
                    continue
                any_missing = True
                # Missing cells get NaN, which fmin/fmax skip; an undeclared NaN (one
                # outside m) is put back into its column's bounds by hand.
                undeclared = None if nan_is_missing else np.greater(np.isnan(d), m).any(axis=0)
                if given is not None:  # with nan_is_missing alone, they hold NaN already
                    np.copyto(d, np.nan, where=m)
                np.fmin.reduce(d, axis=0, out=lo_q, initial=np.inf)
                np.fmax.reduce(d, axis=0, out=hi_q, initial=-np.inf)
                if undeclared is not None:
                    lo_q[undeclared] = np.nan
                    hi_q[undeclared] = np.nan
        bounds = (
            _zero_plus(lo.min(axis=0, initial=np.inf)),
            _zero_plus(hi.max(axis=0, initial=-np.inf)),
        )
    return X, (M if any_missing else None), bounds


def row_positions(rows: object, n: int, path: str = "rows") -> NDArray[np.intp]:
    """Validate row selectors: integer positions in ``[-n, n)`` or a boolean mask of length n.

    Used by every ``take``; floats, strings and masks of the wrong length are refused
    instead of being cast to surprising positions.
    """
    try:
        arr = np.asarray(rows)
    except Exception:  # any failure to convert is a type problem of the input
        raise InvalidTypeError(path, rows, "must be integer positions or a boolean mask") from None
    if arr.dtype == np.bool_:
        if arr.shape != (n,):
            raise InvalidValueError(path, arr.shape, f"a boolean mask must have shape ({n},)")
        return np.flatnonzero(arr)
    if arr.dtype.kind not in "iu" and (arr.size or arr.ndim != 1):
        raise InvalidTypeError(path, rows, "must be integer positions or a boolean mask")
    if arr.ndim != 1:
        raise InvalidValueError(path, arr.shape, "must be one-dimensional")
    if arr.size == 0:
        return np.empty(0, dtype=np.intp)
    if arr.min() < -n or arr.max() >= n:
        raise InvalidValueError(path, rows, f"must index a table of {n} rows")
    return arr.astype(np.intp)


def row_of_id(owner: Any, account_id: object, where: str) -> int:
    """Row of ``account_id`` in ``owner.ids``, through a lazily built, cached index.

    Shared by `FeatureTable` and [`ScoreTable`][kamlib.scoring.ScoreTable], which both
    keep the index in a private ``_row_index`` field.
    """
    try:
        return _row_index(owner)[account_id]
    except (KeyError, TypeError):
        raise UnknownIdError("account_id", account_id, f"is not in {where}") from None


def rows_of_ids(owner: Any, ids: Sequence[str]) -> NDArray[np.intp]:
    """Row of each of ``ids`` in ``owner.ids`` (-1 where absent), through the same index.

    Examples:
        >>> from kamlib import FeatureTable
        >>> from kamlib._table import rows_of_ids
        >>> t = FeatureTable.from_columns(["A", "B"], {"x": [1, 2]})
        >>> rows_of_ids(t, ["B", "Z", "A"]).tolist()
        [1, -1, 0]
    """
    index = _row_index(owner)
    return np.fromiter((index.get(a, -1) for a in ids), dtype=np.intp, count=len(ids))


def _row_index(owner: Any) -> dict[object, int]:
    """``owner``'s id -> row index, built on first use and kept in ``owner._row_index``."""
    index: dict[object, int] | None = owner._row_index
    if index is None:
        index = {v: i for i, v in enumerate(owner.ids)}
        object.__setattr__(owner, "_row_index", index)
    return index


@attrs.frozen(eq=False, repr=False)
class FeatureTable:
    """Account ids and named float64 feature columns with an explicit missing mask.

    Build one with `from_columns` (any array-like: numpy, lists, pandas or polars
    columns) or from domain objects with
    [`kamlib.features.extract_features`][kamlib.features.extract_features]. The
    constructor is for kamlib's own use: it trusts its arguments.

    Attributes:
        ids: Account ids, unique, as a read-only object array.
        names: Column names, in column order.
        values: ``(n, k)`` float64 matrix, Fortran-ordered and read-only. Missing cells hold NaN.
        missing: ``(n, k)`` bool mask, True where a value is missing; ``None`` when nothing is.
        categorical: Name to ``(n,)`` read-only object array of str labels (e.g. industry,
            size band), for rule-based scorers; never mixed into ``values``.

    Examples:
        >>> from kamlib import FeatureTable
        >>> t = FeatureTable.from_columns(["A1", "A2"], {"revenue": [10.0, 20.0], "nps": [5, 9]})
        >>> len(t), t.names
        (2, ('revenue', 'nps'))
        >>> t.column("nps")
        array([5., 9.])
    """

    ids: NDArray[np.object_]
    names: tuple[str, ...]
    values: FloatArray
    missing: BoolArray | None = None
    categorical: Mapping[str, NDArray[np.object_]] = attrs.field(factory=dict)
    _index: dict[str, int] = attrs.field(init=False, factory=dict, alias="_index")
    _row_index: dict[str, int] | None = attrs.field(init=False, default=None, alias="_row_index")
    _bounds: tuple[FloatArray, FloatArray] | None = attrs.field(
        init=False, default=None, alias="_bounds"
    )

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_index", {n: j for j, n in enumerate(self.names)})

    def bounds(self, names: Sequence[str] | None = None) -> tuple[FloatArray, FloatArray]:
        """Return the per-column minimum and maximum of the observed values.

        Computed once, when the table is validated (the same pass proves every observed
        value finite), and kept on the table, so a scorer's range test costs nothing. A
        column with no observed value has ``(inf, -inf)``.

        Args:
            names: Columns to report, in that order (default: all, in table order).

        Examples:
            >>> from kamlib import FeatureTable
            >>> t = FeatureTable.from_columns(["A", "B"], {"x": [3.0, None], "y": [1, 2]})
            >>> lo, hi = t.bounds()
            >>> lo.tolist(), hi.tolist()
            ([3.0, 1.0], [3.0, 2.0])
            >>> t.bounds(["y"])[1].tolist()
            [2.0]
        """
        if self._bounds is None:
            object.__setattr__(self, "_bounds", _observed_bounds(self.values, self.missing))
        assert self._bounds is not None
        lo, hi = self._bounds
        if names is None:
            return lo.copy(), hi.copy()
        idx = [self._col(n) for n in names]
        return lo[idx], hi[idx]

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_columns(
        cls,
        ids: Iterable[str],
        columns: Mapping[str, object],
        *,
        missing: Mapping[str, object] | None = None,
        nan_is_missing: bool = False,
        categorical: Mapping[str, Iterable[str]] | None = None,
    ) -> FeatureTable:
        """Validate array-like columns and build a table.

        Args:
            ids: One unique, non-empty string id per row.
            columns: Column name to values (numpy array, list, pandas/polars Series...).
                ``None`` entries in a list are missing values.
            missing: Optional column name to boolean mask (True = missing).
            nan_is_missing: Treat NaN in the input as missing instead of rejecting it
                (use this for pandas ``NA``/``NaN`` that really mean "not known").
            categorical: Optional column name to string labels (one per row).

        Returns:
            A validated, read-only table. The inputs are copied, never mutated.

        Raises:
            InvalidTypeError: An id is not a string, a column is not numeric.
            InvalidValueError: Lengths differ; a value is NaN or infinite without being
                declared missing.
            DuplicateIdError: Two rows share an id.

        Examples:
            >>> from kamlib import FeatureTable
            >>> t = FeatureTable.from_columns(
            ...     ["A1", "A2"], {"nps": [7.0, None]}
            ... )
            >>> t.is_missing("nps")
            array([False,  True])
            >>> FeatureTable.from_columns(["A1"], {"nps": [float("nan")]})
            Traceback (most recent call last):
            ...
            kamlib.errors.InvalidValueError: FeatureTable.columns['nps'][0]: must be finite \
or declared missing (account 'A1'); got nan
        """
        nan_is_missing = check_flag("FeatureTable.from_columns.nan_is_missing", nan_is_missing)
        id_arr = _as_ids(ids)
        n = id_arr.shape[0]
        if not isinstance(columns, Mapping):
            raise InvalidTypeError("FeatureTable.columns", columns, "must be a mapping")
        names = tuple(columns)
        for name in names:
            if not _nonempty_str(name):
                raise InvalidTypeError("FeatureTable.columns", name, "names must be non-empty str")
        for arg, given_map in (("missing", missing), ("categorical", categorical)):
            if given_map is not None and not isinstance(given_map, Mapping):
                raise InvalidTypeError(
                    f"FeatureTable.{arg}", given_map, "must be a mapping of column name to values"
                )
        masks = dict(missing or {})
        unknown = sorted(set(masks) - set(names))
        if unknown:
            raise MissingFeatureError("FeatureTable.missing", unknown[0], "names no column")
        values = np.empty((n, len(names)), dtype=np.float64, order="F")
        mask: BoolArray | None = None  # allocated at the first missing cell
        for j, name in enumerate(names):
            col = values[:, j]
            declared = _as_column(name, columns[name], n, col)
            if name in masks:
                given = np.asarray(masks[name])
                if given.shape != (n,) or given.dtype != np.bool_:
                    raise InvalidValueError(
                        f"FeatureTable.missing[{name!r}]",
                        given.shape,
                        f"must be a bool array of length {n}",
                    )
                declared = given if declared is None else declared | given
            if nan_is_missing:
                nan = np.isnan(col)
                declared = nan if declared is None else declared | nan
            if declared is None or not declared.any():
                continue
            col[declared] = np.nan  # declared cells may hold anything; normalise them
            if mask is None:
                mask = np.zeros((n, len(names)), dtype=np.bool_, order="F")
            mask[:, j] = declared
        bounds = _observed_bounds(values, mask)
        _check_bounds(
            values,
            mask,
            bounds,
            lambda i, j: (f"FeatureTable.columns[{names[j]!r}][{i}]", f"account {id_arr[i]!r}"),
        )
        cats = {k: _as_labels(k, v, n) for k, v in (categorical or {}).items()}
        clash = sorted(set(cats) & set(names))
        if clash:
            raise InvalidValueError(
                "FeatureTable.categorical", clash[0], "is also a numeric column"
            )
        table = cls(
            ids=_readonly(id_arr),
            names=names,
            values=_readonly(values),
            missing=None if mask is None else _readonly(mask),
            categorical=cats,
        )
        mark_checked(table.ids)  # validated by _as_ids: a ScoreTable need not check them again
        object.__setattr__(table, "_bounds", bounds)
        return table

    # ------------------------------------------------------------------ access
    def __len__(self) -> int:
        return int(self.values.shape[0])

    def __repr__(self) -> str:
        n_missing = 0 if self.missing is None else int(self.missing.sum())
        return f"FeatureTable(n={len(self)}, names={list(self.names)!r}, missing={n_missing})"

    def __contains__(self, name: object) -> bool:
        return name in self._index

    def _col(self, name: str) -> int:
        if not isinstance(name, str):
            raise InvalidTypeError("FeatureTable.columns", name, "a column name must be a str")
        try:
            return self._index[name]
        except KeyError:
            raise MissingFeatureError(
                "FeatureTable.columns", name, f"is not a column; have {list(self.names)}"
            ) from None

    def column(self, name: str) -> FloatArray:
        """Return one column as a read-only view (NaN where missing).

        Raises:
            MissingFeatureError: No such column.

        Examples:
            >>> from kamlib import FeatureTable
            >>> FeatureTable.from_columns(["A"], {"x": [1]}).column("x")
            array([1.])
        """
        return self.values[:, self._col(name)]

    def is_missing(self, name: str) -> BoolArray:
        """Return whether each account's value of one column is missing (True = missing).

        Examples:
            >>> from kamlib import FeatureTable
            >>> FeatureTable.from_columns(["A", "B"], {"x": [1, None]}).is_missing("x")
            array([False,  True])
        """
        j = self._col(name)
        if self.missing is None:
            return np.zeros(len(self), dtype=np.bool_)
        return self.missing[:, j]

    def observed(self, columns: str | Sequence[str]) -> FeatureTable:
        """Return the accounts whose given columns are all observed (none missing).

        Raises:
            MissingFeatureError: A column is not in the table.

        Examples:
            The value matrix needs a strategic assessment; keep the accounts that have one:

            >>> from kamlib import FeatureTable
            >>> t = FeatureTable.from_columns(
            ...     ["A", "B", "C"], {"fit": [7, None, 3], "nps": [None, 10, 20]})
            >>> t.observed("fit").ids.tolist()
            ['A', 'C']
            >>> t.observed(["fit", "nps"]).ids.tolist()
            ['C']
        """
        given: object = columns  # checked like untrusted input
        if isinstance(given, str):
            names = [given]
        elif isinstance(given, Iterable) and not isinstance(given, Mapping):
            names = list(given)
        else:
            raise InvalidTypeError(
                "FeatureTable.observed.columns", columns, "must be a column name or a list of them"
            )
        gone = np.zeros(len(self), dtype=np.bool_)
        for name in names:
            gone |= self.is_missing(name)
        return self.take(~gone)

    def category(self, name: str) -> NDArray[np.object_]:
        """Return one categorical column (read-only object array of str).

        Raises:
            MissingFeatureError: No such categorical column.

        Examples:
            >>> from kamlib import FeatureTable
            >>> t = FeatureTable.from_columns(["A"], {}, categorical={"industry": ["retail"]})
            >>> t.category("industry").tolist()
            ['retail']
        """
        if not isinstance(name, str):
            raise InvalidTypeError("FeatureTable.categorical", name, "a column name must be a str")
        try:
            return self.categorical[name]
        except KeyError:
            raise MissingFeatureError(
                "FeatureTable.categorical",
                name,
                f"is not a categorical column; have {sorted(self.categorical)}",
            ) from None

    def matrix(self, names: Sequence[str]) -> tuple[FloatArray, BoolArray | None]:
        """Return the ``(n, len(names))`` values and mask for ``names``, in that order.

        When ``names`` are all the table's columns in order, the stored matrix is returned
        without a copy; otherwise the columns are gathered into a new Fortran-ordered matrix.

        Examples:
            >>> from kamlib import FeatureTable
            >>> t = FeatureTable.from_columns(["A"], {"x": [1], "y": [2]})
            >>> X, mask = t.matrix(["y", "x"])
            >>> X.tolist(), mask is None
            ([[2.0, 1.0]], True)
        """
        idx = [self._col(n) for n in names]
        if idx == list(range(len(self.names))):
            return self.values, self.missing
        X = np.asfortranarray(self.values[:, idx])
        if self.missing is None:
            return X, None
        M = np.asfortranarray(self.missing[:, idx])
        return X, (M if M.any() else None)

    def row_of(self, account_id: str) -> int:
        """Return the row position of ``account_id``.

        Raises:
            UnknownIdError: The id is not in the table.

        Examples:
            >>> from kamlib import FeatureTable
            >>> FeatureTable.from_columns(["A", "B"], {"x": [1, 2]}).row_of("B")
            1
        """
        return row_of_id(self, account_id, "the table")

    # ------------------------------------------------------------------ derivation
    def take(
        self, rows: Sequence[int] | NDArray[np.integer[Any]] | NDArray[np.bool_]
    ) -> FeatureTable:
        """Return the rows at positions ``rows``, or where a boolean mask is True.

        For partitions, permutations and filters.

        Raises:
            InvalidTypeError: ``rows`` are not integers or a boolean mask.
            InvalidValueError: A position out of range; a mask of the wrong length.
            DuplicateIdError: A position repeats (an account would appear twice).

        Examples:
            >>> from kamlib import FeatureTable
            >>> t = FeatureTable.from_columns(["A", "B"], {"x": [1, 2]})
            >>> t.take([1]).ids.tolist()
            ['B']
            >>> t.take(t.column("x") > 1).ids.tolist()
            ['B']
        """
        idx = row_positions(rows, len(self))
        ids = self.ids[idx]
        if len(set(ids.tolist())) != len(ids):
            raise DuplicateIdError("rows", rows, "would repeat an account")
        mark_checked(_readonly(ids), self.ids)  # distinct rows of checked ids are checked
        miss = None if self.missing is None else np.asfortranarray(self.missing[idx])
        return FeatureTable(
            ids=_readonly(ids),
            names=self.names,
            values=_readonly(np.asfortranarray(self.values[idx])),
            missing=_readonly(miss) if miss is not None and miss.any() else None,
            categorical={k: _readonly(v[idx]) for k, v in self.categorical.items()},
        )

    def select(self, names: Sequence[str]) -> FeatureTable:
        """Return a table with only ``names``, in that order.

        Examples:
            >>> from kamlib import FeatureTable
            >>> FeatureTable.from_columns(["A"], {"x": [1], "y": [2]}).select(["y"]).names
            ('y',)
        """
        if isinstance(names, str) or not isinstance(names, Sequence):
            raise InvalidTypeError("names", names, "must be a list of column names")
        if len(set(names)) != len(names):
            raise InvalidValueError("names", list(names), "must not repeat a column")
        X, M = self.matrix(list(names))
        return FeatureTable(
            ids=self.ids,
            names=tuple(names),
            values=_readonly(np.array(X, order="F")),
            missing=None if M is None else _readonly(np.array(M, order="F")),
            categorical=self.categorical,
        )

    def with_columns(
        self, columns: Mapping[str, object], *, missing: Mapping[str, object] | None = None
    ) -> FeatureTable:
        """Return a table with ``columns`` added or replaced (validated like ``from_columns``).

        Examples:
            >>> from kamlib import FeatureTable
            >>> t = FeatureTable.from_columns(["A"], {"x": [1]}).with_columns({"y": [3]})
            >>> t.names
            ('x', 'y')
        """
        extra = FeatureTable.from_columns(self.ids.tolist(), columns, missing=missing)
        keep = [n for n in self.names if n not in extra.names]
        cols: dict[str, object] = {n: self.column(n) for n in keep}
        masks: dict[str, object] = {n: self.is_missing(n) for n in keep}
        cols.update({n: extra.column(n) for n in extra.names})
        masks.update({n: extra.is_missing(n) for n in extra.names})
        return FeatureTable.from_columns(
            self.ids.tolist(),
            cols,
            missing=masks,
            categorical={k: v.tolist() for k, v in self.categorical.items()},
        )

    def with_values(
        self, values: object, *, missing: object | None = None, nan_is_missing: bool = False
    ) -> FeatureTable:
        """Return the same accounts and columns with fresh numbers (validated, copied).

        The nightly re-score of a CRM: ids and column names were validated when the table
        was built and are reused; only the ``(n, k)`` matrix is checked (shape, numeric
        dtype, finite unless declared missing, at most `MAX_MAGNITUDE` in magnitude).
        Costs one pass over memory: the matrix is copied in cache-sized row blocks (C- or
        F-ordered, any numeric dtype), each block checked and its per-column bounds taken
        while it is in cache.

        Args:
            values: ``(n, k)`` array-like of numbers, columns in `names` order.
            missing: Optional ``(n, k)`` bool mask, True where a value is missing.
            nan_is_missing: Treat NaN as missing instead of rejecting it.

        Raises:
            InvalidTypeError: Non-numeric values or mask.
            InvalidValueError: Wrong shape; an undeclared NaN or infinity (named by column
                and account).

        Examples:
            >>> from kamlib import FeatureTable
            >>> t = FeatureTable.from_columns(["A", "B"], {"x": [1, 2], "y": [3, 4]})
            >>> t.with_values([[10, 30], [20, 40]]).column("y")
            array([30., 40.])
            >>> t.with_values([[1, 2]])
            Traceback (most recent call last):
            ...
            kamlib.errors.InvalidValueError: FeatureTable.values: must have shape (2, 2); got (1, 2)
        """
        try:
            arr = np.asarray(values)
        except Exception:  # any failure to convert is a type problem of the input
            raise InvalidTypeError("FeatureTable.values", values, "must be array-like") from None
        if arr.dtype != np.bool_ and arr.dtype.kind not in "iuf":
            raise InvalidTypeError("FeatureTable.values", str(arr.dtype), "must be numeric")
        shape = self.values.shape
        if arr.shape != shape:
            raise InvalidValueError("FeatureTable.values", arr.shape, f"must have shape {shape}")
        given: BoolArray | None = None
        if missing is not None:
            m = np.asarray(missing)
            if m.shape != shape or m.dtype != np.bool_:
                raise InvalidValueError(
                    "FeatureTable.missing", m.shape, f"must be a bool array of shape {shape}"
                )
            given = m
        nan_is_missing = check_flag("FeatureTable.with_values.nan_is_missing", nan_is_missing)
        X, mask, bounds = _copy_observed(arr, given, nan_is_missing)
        names, ids = self.names, self.ids
        _check_bounds(
            X,
            mask,
            bounds,
            lambda i, j: (
                f"FeatureTable.values[{i}, {j}]",
                f"column {names[j]!r}, account {ids[i]!r}",
            ),
        )
        table = FeatureTable(
            ids=self.ids,
            names=self.names,
            values=_readonly(X),
            missing=None if mask is None else _readonly(mask),
            categorical=self.categorical,
        )
        object.__setattr__(table, "_bounds", bounds)
        return table

    @classmethod
    def concat(cls, tables: Sequence[FeatureTable]) -> FeatureTable:
        """Stack tables with the same column names (ids must stay unique).

        Examples:
            >>> from kamlib import FeatureTable
            >>> a = FeatureTable.from_columns(["A"], {"x": [1]})
            >>> b = FeatureTable.from_columns(["B"], {"x": [2]})
            >>> FeatureTable.concat([a, b]).column("x")
            array([1., 2.])
        """
        if isinstance(tables, FeatureTable) or not isinstance(tables, Sequence):
            raise InvalidTypeError("tables", tables, "must be a list of FeatureTable")
        if not tables:
            raise InvalidValueError("tables", tables, "must hold at least one table")
        for i, t in enumerate(tables):
            if not isinstance(t, FeatureTable):
                raise InvalidTypeError(f"tables[{i}]", t, "must be a FeatureTable")
        names = tables[0].names
        cat_names = sorted(tables[0].categorical)
        for i, t in enumerate(tables):
            if t.names != names:
                raise InvalidValueError(f"tables[{i}].names", t.names, f"must equal {names}")
            if sorted(t.categorical) != cat_names:
                raise InvalidValueError(
                    f"tables[{i}].categorical", sorted(t.categorical), f"must equal {cat_names}"
                )
        ids = np.concatenate([t.ids for t in tables])
        if len(set(ids.tolist())) != len(ids):
            raise DuplicateIdError("tables", "ids", "repeat an account across tables")
        mark_checked(_readonly(ids), *(t.ids for t in tables))  # unique rows of checked ids
        values = np.asfortranarray(np.concatenate([t.values for t in tables]))
        masks = [
            t.missing if t.missing is not None else np.zeros(t.values.shape, dtype=np.bool_)
            for t in tables
        ]
        mask = np.asfortranarray(np.concatenate(masks))
        return cls(
            ids=_readonly(ids),
            names=names,
            values=_readonly(values),
            missing=_readonly(mask) if mask.any() else None,
            categorical={
                k: _readonly(np.concatenate([t.categorical[k] for t in tables])) for k in cat_names
            },
        )

    def to_columns(self) -> dict[str, FloatArray]:
        """Return ``{name: column}`` copies (NaN where missing), e.g. to build a DataFrame.

        Examples:
            >>> from kamlib import FeatureTable
            >>> FeatureTable.from_columns(["A"], {"x": [1]}).to_columns()
            {'x': array([1.])}
        """
        return {n: self.values[:, j].copy() for j, n in enumerate(self.names)}
