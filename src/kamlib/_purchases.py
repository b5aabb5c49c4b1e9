"""Purchases as columns, and the RFM inputs computed from them: both doors, one kernel.

[`PurchaseColumns`][kamlib.features.PurchaseColumns] holds validated transaction columns
(account ids, times as integer microseconds since 1970-01-01 UTC, amounts), built from
plain arrays (the column door) or from a [`Portfolio`][kamlib.model.Portfolio]'s
purchases (the object door). [`purchase_features`][kamlib.features.purchase_features]
computes recency, frequency and monetary columns from them with one numpy kernel, so both
doors give the same table, bit for bit.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import numbers
import operator
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final

import attrs
import numpy as np
from numpy.typing import NDArray

from kamlib._table import MAX_MAGNITUDE, FeatureTable
from kamlib._validators import check_aware_datetime, check_int
from kamlib.errors import (
    CurrencyMismatchError,
    DuplicateIdError,
    InvalidTypeError,
    InvalidValueError,
    UnknownIdError,
)
from kamlib.model import Portfolio
from kamlib.model._checks import check_currency

__all__ = [
    "MAX_PURCHASE_WINDOW_DAYS",
    "PURCHASE_FEATURES",
    "PurchaseColumns",
    "purchase_features",
]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

MAX_PURCHASE_WINDOW_DAYS: Final = 36_525
"""Largest ``window_days`` `purchase_features` accepts: a century of days."""

_EPOCH: Final = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_ACCOUNT_ID: Final = operator.attrgetter("account_id")
_US: Final = dt.timedelta(microseconds=1)
_US_PER_DAY: Final = 86_400_000_000

#: Every column `purchase_features` produces, with its formula.
PURCHASE_FEATURES: Mapping[str, str] = {
    "purchase_recency_days": "Days from the account's last purchase at or before as_of to "
    "as_of (elapsed time / 86,400 s, a fraction of a day kept). Missing when the account "
    "has no purchase at or before as_of. The R of RFM. [003]",
    "purchase_frequency": "Number of purchases in the window as_of - window_days < at <= "
    "as_of. The F of RFM. [001], [003]",
    "purchase_total": "Sum of the amounts of the purchases in the window (0 without one). "
    "The M of RFM with monetary='total'. [001], [003]",
    "purchase_mean": "purchase_total / purchase_frequency, the mean amount per purchase. "
    "Missing when the window holds no purchase. The M of RFM with monetary='mean'.",
}


def _readonly(a: NDArray[Any]) -> NDArray[Any]:
    a.flags.writeable = False
    return a


def _micros(path: str, value: object) -> int:
    """An aware datetime as exact integer microseconds since 1970-01-01 UTC."""
    if not isinstance(value, dt.datetime):
        if isinstance(value, np.datetime64):
            raise InvalidValueError(
                path,
                value,
                "must be timezone-aware: a numpy datetime64 carries no time zone (pass "
                "aware datetimes, e.g. a pandas Series with a tz)",
            )
        raise InvalidTypeError(path, value, "must be a timezone-aware datetime.datetime")
    check_aware_datetime(path, value)
    return (value - _EPOCH) // _US


@attrs.frozen(eq=False)
class PurchaseColumns:
    """Validated purchase (transaction) columns: the column door to the RFM features.

    Build one with `from_columns` (plain arrays: account ids, times, amounts) or
    `from_portfolio` (a portfolio's [`Purchase`][kamlib.model.Purchase] records); both
    validate the same rules, and [`purchase_features`][kamlib.features.purchase_features]
    reads either the same way. The raw constructor ``PurchaseColumns(ids, times,
    amounts)`` (times as integer microseconds) checks the same rules too and keeps
    read-only copies. The arrays are read-only.

    Attributes:
        account_ids: ``(n,)`` object array of account ids.
        times: ``(n,)`` int64 microseconds since 1970-01-01 UTC (a time zone is only how
            a moment is written; the moment is kept to the microsecond).
        amounts: ``(n,)`` float64 amounts, finite, ``>= 0``.
        currency: The one currency of the amounts, or ``None`` when not stated.

    Examples:
        >>> import datetime as dt
        >>> from kamlib.features import PurchaseColumns
        >>> t = dt.datetime(2024, 3, 1, tzinfo=dt.UTC)
        >>> cols = PurchaseColumns.from_columns(["A1", "A1"], [t, t], [120.0, 80.0])
        >>> len(cols), cols.amounts.tolist()
        (2, [120.0, 80.0])
        >>> import numpy as np
        >>> PurchaseColumns(np.array(["A1", "A2"], dtype=object), np.array([0]),
        ...                 np.array([1.0, 2.0]))
        Traceback (most recent call last):
        ...
        kamlib.errors.InvalidValueError: PurchaseColumns.times: must hold one value per \
account id (2); got 1
    """

    account_ids: NDArray[np.object_]
    times: IntArray
    amounts: FloatArray
    currency: str | None = None
    # each purchase's account as a code into the distinct ids (first-seen order): found
    # by the one pass that validates the ids, so the features look up each id only once
    _codes: NDArray[np.intp] | None = attrs.field(default=None, repr=False, alias="_codes")
    _names: tuple[str, ...] = attrs.field(default=(), repr=False, alias="_names")

    def __attrs_post_init__(self) -> None:
        if self._codes is None:  # the raw constructor: validate like `from_columns`
            ids, names, codes = _ids(self.account_ids)
            n = ids.shape[0]
            micros = _raw_micros(self.times, n)
            values = _amounts(self.amounts, n)
            if self.currency is not None:
                check_currency("PurchaseColumns.currency", self.currency)
            object.__setattr__(self, "account_ids", _readonly(ids))
            object.__setattr__(self, "times", _readonly(micros))
            object.__setattr__(self, "amounts", _readonly(values))
            object.__setattr__(self, "_codes", codes)
            object.__setattr__(self, "_names", names)

    @classmethod
    def _checked(
        cls,
        ids: NDArray[np.object_],
        micros: IntArray,
        values: FloatArray,
        currency: str | None,
        names: tuple[str, ...],
        codes: NDArray[np.intp],
    ) -> PurchaseColumns:
        """Columns already validated (and owned): made read-only, with their id codes."""
        return cls(
            _readonly(ids),
            _readonly(micros),
            _readonly(values),
            currency,
            _codes=codes,
            _names=names,
        )

    def _coded(self) -> tuple[tuple[str, ...], NDArray[np.intp]]:
        """The distinct account ids and each purchase's code into them."""
        assert self._codes is not None  # set by __attrs_post_init__
        return self._names, self._codes

    def __len__(self) -> int:
        return int(self.amounts.shape[0])

    @classmethod
    def from_columns(
        cls,
        account_ids: Iterable[str],
        times: Iterable[dt.datetime],
        amounts: Iterable[float] | NDArray[Any],
        *,
        currency: str | None = None,
    ) -> PurchaseColumns:
        """Validate transaction columns (lists, numpy arrays, pandas or polars columns).

        **Refunds are rejected** (kamlib's own choice, as for
        [`Purchase`][kamlib.model.Purchase]): an amount must be ``>= 0``. A refund is not
        a purchase (it would count in the frequency and move the recency); net it into the
        purchase it reverses before passing the columns.

        Args:
            account_ids: One non-empty ``str`` per purchase.
            times: One timezone-aware ``datetime`` per purchase (pandas ``Timestamp``
                with a tz too). A naive one, or a numpy ``datetime64`` (which carries no
                time zone), is refused.
            amounts: One finite real number ``>= 0`` per purchase, at most ``1e15``.
            currency: The amounts' currency (an ISO 4217 code), if you want it checked
                against a portfolio's.

        Returns:
            The validated columns; the inputs are copied, never changed.

        Raises:
            InvalidTypeError: An id that is not a ``str``, a time that is not a datetime,
                amounts that are not numbers.
            InvalidValueError: Columns of different lengths; an empty id; a naive time; an
                amount that is NaN, infinite, too large or negative; a malformed currency.

        Examples:
            >>> import datetime as dt
            >>> from kamlib.features import PurchaseColumns
            >>> t = dt.datetime(2024, 3, 1, tzinfo=dt.UTC)
            >>> PurchaseColumns.from_columns(["A1"], [t], [-20.0])
            Traceback (most recent call last):
            ...
            kamlib.errors.InvalidValueError: PurchaseColumns.amounts[0]: must be >= 0 \
(a refund is not a purchase: net it into the purchase it reverses); got -20.0
            >>> PurchaseColumns.from_columns(["A1", "A2"], [t], [1.0, 2.0])
            Traceback (most recent call last):
            ...
            kamlib.errors.InvalidValueError: PurchaseColumns.times: must hold one value \
per account id (2); got 1
        """
        ids, names, codes = _ids(account_ids)
        n = ids.shape[0]
        given_times = _sequence("PurchaseColumns.times", times)
        if len(given_times) != n:
            raise InvalidValueError(
                "PurchaseColumns.times",
                len(given_times),
                f"must hold one value per account id ({n})",
            )
        micros = _all_micros(given_times)
        values = _amounts(amounts, n)
        if currency is not None:
            check_currency("PurchaseColumns.currency", currency)
        return cls._checked(ids, micros, values, currency, names, codes)

    @classmethod
    def from_portfolio(cls, portfolio: Portfolio) -> PurchaseColumns:
        """The columns of a portfolio's purchases, in portfolio order (the object door).

        Raises:
            InvalidTypeError: ``portfolio`` is not a Portfolio.
            CurrencyMismatchError: Purchases in more than one currency (kamlib never
                converts; monetary sums would mix units).

        Examples:
            >>> import datetime as dt
            >>> from kamlib.model import Account, Money, Portfolio, Purchase
            >>> from kamlib.features import PurchaseColumns
            >>> acc = Account("A1", "Acme", industry="x", region="y", size_band="large",
            ...               cooperation_start=dt.date(2023, 1, 1))
            >>> t = dt.datetime(2024, 3, 1, tzinfo=dt.UTC)
            >>> pf = Portfolio([acc], purchases=[Purchase("S1", "A1", t, Money(9, "EUR"))])
            >>> cols = PurchaseColumns.from_portfolio(pf)
            >>> cols.account_ids.tolist(), cols.currency
            (['A1'], 'EUR')
        """
        if not isinstance(portfolio, Portfolio):
            raise InvalidTypeError(
                "PurchaseColumns.from_portfolio.portfolio", portfolio, "must be a Portfolio"
            )
        buys = portfolio.purchases
        n = len(buys)
        currency: str | None = None
        for i, p in enumerate(buys):
            cur = p.amount.currency
            if currency is None:
                currency = cur
            elif cur != currency:
                raise CurrencyMismatchError(
                    f"Portfolio.purchases[{i}].amount.currency",
                    cur,
                    f"differs from {currency} used by earlier purchases; convert before "
                    "computing monetary features",
                )
        ids = np.empty(n, dtype=object)
        ids[:] = list(map(_ACCOUNT_ID, buys))
        micros = np.fromiter(((p.at - _EPOCH) // _US for p in buys), dtype=np.int64, count=n)
        try:
            values = np.fromiter((p.amount.amount for p in buys), dtype=np.float64, count=n)
        except OverflowError:  # an exact amount beyond the float range: inf, item by item
            values = np.array([_float_or_inf(p.amount.amount) for p in buys], dtype=np.float64)
        if n and not (np.isfinite(values).all() and np.abs(values).max() <= MAX_MAGNITUDE):
            i = int(np.flatnonzero(~(np.isfinite(values) & (np.abs(values) <= MAX_MAGNITUDE)))[0])
            raise InvalidValueError(
                f"Portfolio.purchases[{i}].amount.amount",
                buys[i].amount.amount,
                "must be at most 1e15 to be summed as a feature",
            )
        names, codes = _code(ids.tolist())  # the portfolio validated its ids and times
        return cls._checked(ids, micros, values, currency, names, codes)


def _float_or_inf(value: Any) -> float:
    """``float(value)``, or ``inf`` for a number beyond the float range."""
    try:
        return float(value)
    except OverflowError:
        return float("inf")


_MIN_US: Final = (dt.datetime.min.replace(tzinfo=dt.UTC) - _EPOCH) // _US
_MAX_US: Final = (dt.datetime.max.replace(tzinfo=dt.UTC) - _EPOCH) // _US


def _raw_micros(times: object, n: int) -> IntArray:
    """Times given to the raw constructor: integer microseconds, one per id, in range."""
    path = "PurchaseColumns.times"
    arr = np.asarray(times) if hasattr(times, "__array__") else None
    if arr is None or arr.ndim != 1 or arr.dtype.kind not in "iu":
        raise InvalidTypeError(
            path,
            times,
            "must be a 1-d integer array of microseconds since 1970-01-01 UTC (or use "
            "PurchaseColumns.from_columns with datetimes)",
        )
    if arr.shape[0] != n:
        raise InvalidValueError(path, arr.shape[0], f"must hold one value per account id ({n})")
    bad = (arr < _MIN_US) | (arr > _MAX_US)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise InvalidValueError(
            f"{path}[{i}]", int(arr[i]), "must be a moment in years 1 to 9999 (in microseconds)"
        )
    return np.array(arr, dtype=np.int64)


def _sequence(path: str, values: object) -> Sequence[Any]:
    if isinstance(values, str | bytes | Mapping) or not isinstance(values, Iterable):
        raise InvalidTypeError(path, values, "must be a sequence")
    if isinstance(values, np.ndarray):
        return values.tolist() if values.dtype.kind == "O" else list(values)
    return list(values)


def _code(ids: Sequence[Any]) -> tuple[tuple[Any, ...], NDArray[np.intp]]:
    """The distinct ids (first-seen order) and each item's code into them."""
    table: dict[Any, int] = {}
    add = table.setdefault
    codes = np.fromiter((add(v, len(table)) for v in ids), np.intp, len(ids))
    return tuple(table), _readonly(codes)


def _ids(
    account_ids: object,
) -> tuple[NDArray[np.object_], tuple[str, ...], NDArray[np.intp]]:
    """Validated ids as an object array, with their distinct values and codes.

    The per-item checks run on the distinct ids only (an id repeats across purchases).
    """
    path = "PurchaseColumns.account_ids"
    given = _sequence(path, account_ids)
    names: tuple[Any, ...] = ()
    codes = np.zeros(0, dtype=np.intp)
    with contextlib.suppress(TypeError):  # an unhashable item (not a str): walked below
        names, codes = _code(given)
    if len(codes) != len(given) or not all(
        isinstance(v, str) and v and not v.isspace() for v in names
    ):
        for i, v in enumerate(given):
            if not isinstance(v, str):
                raise InvalidTypeError(f"{path}[{i}]", v, "must be a str")
            if not v or v.isspace():
                raise InvalidValueError(f"{path}[{i}]", v, "must be a non-empty str")
    out = np.empty(len(given), dtype=object)
    out[:] = given
    return out, names, codes


def _all_micros(times: Sequence[Any]) -> IntArray:
    """Every time as integer microseconds since the epoch; a bad one is named by index.

    The common case costs one subtraction per item: an aware datetime minus the aware
    epoch. A naive datetime cannot be subtracted from an aware one (``TypeError``), so any
    failure sends the column to the walk that names the item.
    """
    n = len(times)
    epoch, us = _EPOCH, _US
    try:
        if set(map(type, times)) <= {dt.datetime}:
            return np.fromiter(((t - epoch) // us for t in times), np.int64, n)
    except TypeError:
        pass
    return np.fromiter(
        (_micros(f"PurchaseColumns.times[{i}]", t) for i, t in enumerate(times)), np.int64, n
    )


def _amounts(amounts: object, n: int) -> FloatArray:
    """Validated amounts as a fresh float64 array; a bad one is named by index.

    A numeric array (numpy, or a pandas/polars column that converts to one) is taken in
    one conversion; other sequences are checked item by item (a ``str`` or ``bool`` is
    never an amount, however numpy would read it).
    """
    path = "PurchaseColumns.amounts"
    arr: NDArray[Any] | None = None
    if not isinstance(amounts, list | tuple) and hasattr(amounts, "__array__"):
        arr = np.asarray(amounts)
        if arr.ndim != 1 or arr.dtype.kind not in "fiu":
            arr = None
    if arr is not None:
        given: Sequence[Any] | NDArray[Any] = arr
        out = np.array(arr, dtype=np.float64)
    else:
        given = _sequence(path, amounts)
        if not set(map(type, given)) <= {float, int}:
            for i, v in enumerate(given):
                if isinstance(v, bool) or not isinstance(v, numbers.Real):
                    raise InvalidTypeError(f"{path}[{i}]", v, "must be a real number")
        try:
            out = np.array(given, dtype=np.float64)
        except OverflowError:  # an int beyond the float range
            out = np.array([float(v) if abs(v) < 1e300 else np.inf for v in given])
    if len(given) != n:
        raise InvalidValueError(path, len(given), f"must hold one value per account id ({n})")
    out = out.reshape(n)
    bad = ~np.isfinite(out)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise InvalidValueError(
            f"{path}[{i}]", given[i], "must be finite (a NaN is never a purchase)"
        )
    neg = out < 0.0
    if neg.any():
        i = int(np.flatnonzero(neg)[0])
        raise InvalidValueError(
            f"{path}[{i}]",
            given[i],
            "must be >= 0 (a refund is not a purchase: net it into the purchase it reverses)",
        )
    big = out > MAX_MAGNITUDE
    if big.any():
        i = int(np.flatnonzero(big)[0])
        raise InvalidValueError(f"{path}[{i}]", given[i], "must be at most 1e15")
    return out


def purchase_features(
    purchases: PurchaseColumns | Portfolio,
    *,
    as_of: dt.datetime,
    window_days: int | np.integer[Any] = 365,
    accounts: Iterable[str] | None = None,
) -> FeatureTable:
    """Recency, frequency and monetary columns (`PURCHASE_FEATURES`) as of ``as_of``.

    The object door (a [`Portfolio`][kamlib.model.Portfolio]) and the column door
    ([`PurchaseColumns`][kamlib.features.PurchaseColumns]) run the same kernel and give
    the same table, bit for bit. Purchases after ``as_of`` are not read. Sums run over the
    purchases in a fixed order (by account, time, amount), so the result does not depend
    on the order the purchases are given in.

    Args:
        purchases: A portfolio (its purchases; rows default to its accounts, in order) or
            `PurchaseColumns` (rows default to the accounts that bought, sorted).
        as_of: Timezone-aware moment the features describe.
        window_days: Look-back of frequency and monetary, 1 to
            `MAX_PURCHASE_WINDOW_DAYS` (default 365: a year).
        accounts: The rows, in order (unique ids). Every account with a purchase must be
            among them; an account without one gets frequency 0, total 0 and missing
            recency and mean.

    Returns:
        A validated [`FeatureTable`][kamlib.FeatureTable] with the columns of
        `PURCHASE_FEATURES`.

    Raises:
        InvalidTypeError: ``purchases`` of another type; ``as_of`` not a datetime;
            ``window_days`` not an integer.
        InvalidValueError: ``as_of`` naive; ``window_days`` out of range.
        UnknownIdError: A purchase of an account not in ``accounts``.
        CurrencyMismatchError: A portfolio's purchases in several currencies.

    Examples:
        >>> import datetime as dt
        >>> from kamlib.features import PurchaseColumns, purchase_features
        >>> t = dt.datetime(2024, 6, 30, tzinfo=dt.UTC)
        >>> day = dt.timedelta(days=1)
        >>> cols = PurchaseColumns.from_columns(
        ...     ["A1", "A1", "A2", "A1"], [t - 10 * day, t - 400 * day, t - 2 * day, t + day],
        ...     [100.0, 50.0, 30.0, 999.0],
        ... )
        >>> ft = purchase_features(cols, as_of=t, accounts=["A1", "A2", "A3"])
        >>> ft.column("purchase_recency_days").tolist()[:2]  # the one after as_of: unread
        [10.0, 2.0]
        >>> ft.column("purchase_frequency").tolist(), ft.column("purchase_total").tolist()
        ([1.0, 1.0, 0.0], [100.0, 30.0, 0.0])
        >>> ft.is_missing("purchase_recency_days").tolist()  # A3 never bought
        [False, False, True]
    """
    check_aware_datetime("purchase_features.as_of", as_of)
    days = check_int(
        "purchase_features.window_days", window_days, ge=1, le=MAX_PURCHASE_WINDOW_DAYS
    )
    if isinstance(purchases, Portfolio):
        if accounts is None:
            accounts = [a.id for a in purchases.accounts]
        cols = PurchaseColumns.from_portfolio(purchases)
    elif isinstance(purchases, PurchaseColumns):
        cols = purchases
        if accounts is None:
            accounts = sorted(cols._coded()[0])
    else:
        raise InvalidTypeError(
            "purchase_features.purchases", purchases, "must be a Portfolio or PurchaseColumns"
        )
    rows = list(_sequence("purchase_features.accounts", accounts))
    n = len(rows)
    where: dict[str, int] = {}
    for k, a in enumerate(rows):
        if not isinstance(a, str) or not a or a.isspace():
            raise InvalidTypeError(f"purchase_features.accounts[{k}]", a, "must be a non-empty str")
        if where.setdefault(a, k) != k:
            raise DuplicateIdError(f"purchase_features.accounts[{k}]", a, "is not unique")
    names, codes = cols._coded()  # the distinct ids of the purchases, looked up once each
    row_of = np.fromiter(map(where.get, names, [-1] * len(names)), np.intp, len(names))
    if (row_of < 0).any():
        k = int(np.flatnonzero(row_of < 0)[0])
        raise UnknownIdError(
            "purchase_features.accounts",
            names[k],
            "has purchases but is not among the accounts",
        )
    at = row_of[codes]
    now = (as_of - _EPOCH) // _US
    start = now - days * _US_PER_DAY
    columns, missing = _kernel(at, cols.times, cols.amounts, n, now, start)
    return FeatureTable.from_columns(rows, columns, missing=missing)


def _kernel(
    row: NDArray[np.intp], t: IntArray, amount: FloatArray, n: int, now: int, start: int
) -> tuple[dict[str, FloatArray], dict[str, NDArray[np.bool_]]]:
    """The RFM columns of ``n`` accounts from purchases ``(row, t, amount)``.

    The amounts of the window are summed in one canonical order (by account, then by
    amount; equal amounts are interchangeable), so every sum adds the same numbers in the
    same order whatever order the purchases came in. The latest time and the count do not
    depend on the order at all.
    """
    seen = t <= now
    row, t, amount = row[seen], t[seen], amount[seen]
    last = np.full(n, np.iinfo(np.int64).min, dtype=np.int64)
    np.maximum.at(last, row, t)
    bought = last > np.iinfo(np.int64).min
    recency = np.zeros(n, dtype=np.float64)
    recency[bought] = (now - last[bought]).astype(np.float64) / float(_US_PER_DAY)
    inside = t > start
    row, amount = row[inside], amount[inside]
    by_amount = np.argsort(amount)
    order = by_amount[np.argsort(row[by_amount], kind="stable")]
    row, amount = row[order], amount[order]
    count = np.bincount(row, minlength=n).astype(np.float64)
    # bincount adds the weights in array order, here the canonical one: the same bits
    total = np.bincount(row, weights=amount, minlength=n).astype(np.float64)
    some = count > 0
    mean = np.zeros(n, dtype=np.float64)
    mean[some] = total[some] / count[some]
    columns = {
        "purchase_recency_days": recency,
        "purchase_frequency": count,
        "purchase_total": total,
        "purchase_mean": mean,
    }
    missing = {"purchase_recency_days": ~bought, "purchase_mean": ~some}
    return columns, missing
