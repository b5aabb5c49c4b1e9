"""What the customer-value scorers share: reading their columns, tier codes, cut checks.

Every helper works row by row with element-wise numpy operations (one comparison or one
arithmetic operation per cell), so a row's result depends only on that row and the fixed
parameters: the same bits alone, in any batch and in any order.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import attrs
import numpy as np
from numpy.typing import NDArray

from kamlib._table import FeatureTable
from kamlib._validators import as_float_tuple, check_real_tuple, field_path
from kamlib.errors import InvalidValueError
from kamlib.scoring._protocol import require_columns

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]


def missing_of(table: FeatureTable, name: str) -> BoolArray | None:
    """The declared-missing mask of column ``name``, or ``None`` when nothing is missing."""
    if table.missing is None:
        return None
    m = table.is_missing(name)
    return m if m.any() else None


def refuse_missing(table: FeatureTable, name: str, scorer: str, why: str) -> None:
    """Raise naming the first account whose ``name`` value is declared missing."""
    m = missing_of(table, name)
    if m is not None:
        i = int(np.flatnonzero(m)[0])
        raise InvalidValueError(
            f"{scorer}.table[{name!r}]", table.ids[i], f"is missing for this account; {why}"
        )


def refuse_below(table: FeatureTable, name: str, col: FloatArray, lo: float, scorer: str) -> None:
    """Raise naming the first account whose (observed) ``name`` value is below ``lo``.

    Declared-missing cells hold NaN, which compares false: they are never refused here.
    """
    bad = col < lo
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise InvalidValueError(
            f"{scorer}.table[{name!r}]",
            table.ids[i],
            f"is {float(col[i])!r} for this account; must be >= {lo:g}",
        )


def zero_fill(self: Any) -> float | None:
    """The default ``fill_value``: 0 with ``missing="fill"``, ``None`` otherwise."""
    return 0.0 if self.missing == "fill" else None


def check_fill(path: str, missing: str, fill_value: float | None, what: str) -> None:
    """Raise unless ``fill_value`` is given exactly when ``missing="fill"``.

    ``what`` says what the fill stands for, e.g. ``"the margin of an account without one"``.
    """
    if (missing == "fill") != (fill_value is not None):
        raise InvalidValueError(path, fill_value, f"is given exactly when missing='fill' ({what})")


def filled_column(
    table: FeatureTable, name: str, scorer: str, missing: str, fill_value: float | None
) -> tuple[FloatArray, BoolArray | None]:
    """Column ``name`` with its declared-missing cells set to ``fill_value``, and the mask.

    With ``missing="raise"`` a declared-missing cell is refused, naming the account.

    Raises:
        MissingFeatureError: The column is not in the table.
        InvalidValueError: A missing cell under ``missing="raise"``.
    """
    require_columns(table, (name,), scorer)
    if missing == "raise":
        refuse_missing(table, name, scorer, "pass missing='fill' to score it anyway")
    gone = missing_of(table, name)
    col = table.column(name)
    if gone is not None:
        assert fill_value is not None  # "raise" refused the missing cells above
        col = np.where(gone, fill_value, col)
    return col, gone


def tier_codes(x: FloatArray, cuts: Sequence[float]) -> tuple[NDArray[np.uint8], FloatArray]:
    """Codes of the tiers cut by non-increasing ``cuts``, and each row's distance to a cut.

    Code 0 when ``x >= cuts[0]``, 1 when ``cuts[0] > x >= cuts[1]``, ..., ``len(cuts)``
    below the last: the number of cuts above the value. A value exactly on a cut goes to
    the better tier (``>=``). The margin is ``min_j |x - cuts[j]|``, in ``x``'s own unit.
    """
    n = x.shape[0]
    code = np.zeros(n, dtype=np.uint8)
    margin = np.full(n, np.inf, dtype=np.float64)
    below = np.empty(n, dtype=np.bool_)
    gap = np.empty(n, dtype=np.float64)
    for c in cuts:
        np.less(x, c, out=below)
        code += below
        np.subtract(x, c, out=gap)
        np.abs(gap, out=gap)
        np.minimum(margin, gap, out=margin)
    return code, margin


@attrs.frozen(repr=False)
class _Sequence:
    """attrs validator: a tuple of finite numbers, of a given length, in one direction."""

    size: int | None
    descending: bool | None
    strict: bool
    lo: float | None
    hi: float | None
    optional: bool

    def __call__(self, inst: object, attr: attrs.Attribute[Any], value: object) -> None:
        if value is None and self.optional:
            return
        check_sequence(
            field_path(inst, attr),
            value,
            self.size,
            descending=self.descending,
            strict=self.strict,
            lo=self.lo,
            hi=self.hi,
        )

    def __repr__(self) -> str:
        return f"<sequence validator of {self.size} values>"


def check_sequence(
    path: str,
    values: object,
    size: int | None,
    *,
    descending: bool | None,
    strict: bool = False,
    lo: float | None = None,
    hi: float | None = None,
) -> tuple[float, ...]:
    """Check length, bounds and order of a sequence of real numbers; return it as floats.

    ``descending=None`` checks no order.

    Raises:
        InvalidTypeError: Not a sequence of real numbers.
        InvalidValueError: Another length, a value out of bounds or not finite, or out of
            order.
    """
    out = check_real_tuple(path, values, ge=lo, le=hi)
    if size is not None and len(out) != size:
        raise InvalidValueError(path, list(out), f"must hold exactly {size} values")
    for i in range(1 if descending is not None else len(out), len(out)):
        a, b = out[i - 1], out[i]
        wrong = (b > a or (strict and b == a)) if descending else (b < a or (strict and b == a))
        if wrong:
            if strict:
                order = "strictly decreasing" if descending else "strictly increasing"
            else:
                order = "non-increasing" if descending else "non-decreasing"
            raise InvalidValueError(path, list(out), f"must be {order}")
    return out


def sequence(
    size: int | None,
    *,
    descending: bool | None,
    strict: bool = False,
    lo: float | None = None,
    hi: float | None = None,
    optional: bool = True,
) -> Any:
    """An attrs validator of (optional) ordered numbers (see `check_sequence`)."""
    return _Sequence(size, descending, strict, lo, hi, optional)


def optional_floats(value: object) -> Any:
    """Converter: ``None`` stays, an iterable of numbers becomes a tuple of floats."""
    return None if value is None else as_float_tuple(value)
