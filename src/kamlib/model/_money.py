"""Money and per-quarter account figures.

kamlib never converts currencies: combining amounts of two currencies raises
[`CurrencyMismatchError`][kamlib.errors.CurrencyMismatchError].
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable

import attrs

from kamlib._validators import instance_of, real
from kamlib.errors import CurrencyMismatchError, InvalidTypeError, InvalidValueError
from kamlib.model._checks import check_currency, currency_code, exact_real
from kamlib.model._fast import fast_init
from kamlib.model._time import Quarter

__all__ = ["Money", "PeriodFigures"]


@fast_init
@attrs.frozen
class Money:
    """An amount in one currency. Negative amounts are allowed (a loss is money too).

    Supports ``+``, ``-``, unary ``-``, multiplication by a real number and ordering
    comparisons; every operation between two amounts requires the same currency.

    Attributes:
        amount: A finite real number.
        currency: ISO 4217 code, three uppercase letters (``"USD"``, ``"CNY"``).

    Examples:
        >>> a = Money(100, "USD")
        >>> a + Money(50.5, "USD")
        Money(amount=150.5, currency='USD')
        >>> 2 * a > a
        True
        >>> a + Money(1, "CNY")
        Traceback (most recent call last):
        ...
        kamlib.errors.CurrencyMismatchError: Money.__add__: cannot combine USD with CNY; got 'CNY'
    """

    amount: float = attrs.field(converter=exact_real, validator=real())
    currency: str = attrs.field(validator=currency_code())

    def _same(self, other: Money, op: str) -> None:
        if other.currency != self.currency:
            raise CurrencyMismatchError(
                f"Money.{op}",
                other.currency,
                f"cannot combine {self.currency} with {other.currency}",
            )

    def __add__(self, other: Money) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        self._same(other, "__add__")
        return Money(float(self.amount) + float(other.amount), self.currency)

    def __sub__(self, other: Money) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        self._same(other, "__sub__")
        return Money(float(self.amount) - float(other.amount), self.currency)

    def __neg__(self) -> Money:
        return Money(-float(self.amount), self.currency)

    def __mul__(self, factor: float) -> Money:
        f: object = factor
        if isinstance(f, bool) or not isinstance(f, numbers.Real):
            return NotImplemented
        try:
            x = float(f)
        except OverflowError:  # an int beyond the float range, e.g. 10**400
            raise InvalidValueError("Money.__mul__.factor", f, "is too large for a float") from None
        return Money(float(self.amount) * x, self.currency)

    __rmul__ = __mul__

    def __lt__(self, other: Money) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        self._same(other, "__lt__")
        return self.amount < other.amount

    def __le__(self, other: Money) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        self._same(other, "__le__")
        return self.amount <= other.amount

    def __gt__(self, other: Money) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        self._same(other, "__gt__")
        return self.amount > other.amount

    def __ge__(self, other: Money) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        self._same(other, "__ge__")
        return self.amount >= other.amount

    @classmethod
    def zero(cls, currency: str) -> Money:
        """Return zero in ``currency``.

        Examples:
            >>> Money.zero("EUR")
            Money(amount=0.0, currency='EUR')
        """
        return cls(0.0, currency)

    @classmethod
    def total(cls, items: Iterable[Money], currency: str | None = None) -> Money:
        """Sum amounts of one currency.

        Args:
            items: The amounts to add up.
            currency: The expected currency. Required when ``items`` may be empty
                (the sum of nothing is zero *in some currency*); when given, every item
                must be in it.

        Returns:
            The sum as `Money`.

        Raises:
            CurrencyMismatchError: Items of different currencies, or not in ``currency``.
            InvalidValueError: ``items`` is empty and ``currency`` is not given.
            InvalidTypeError: An item is not `Money`.

        Examples:
            >>> Money.total([Money(1, "USD"), Money(2, "USD")])
            Money(amount=3.0, currency='USD')
            >>> Money.total([], currency="USD")
            Money(amount=0.0, currency='USD')
        """
        given: object = items
        if isinstance(given, str | bytes) or not isinstance(given, Iterable):
            raise InvalidTypeError("Money.total.items", items, "must be an iterable of Money")
        if currency is not None:
            check_currency("Money.total.currency", currency)
        total_amount = 0.0
        cur = currency
        for i, item in enumerate(given):
            if not isinstance(item, Money):
                raise InvalidTypeError(f"Money.total.items[{i}]", item, "must be Money")
            if cur is None:
                cur = item.currency
            elif item.currency != cur:
                raise CurrencyMismatchError(
                    f"Money.total.items[{i}].currency",
                    item.currency,
                    f"cannot combine {cur} with {item.currency}",
                )
            total_amount += float(item.amount)
        if cur is None:
            raise InvalidValueError("Money.total.currency", None, "is required when items is empty")
        return cls(total_amount, cur)


@fast_init
@attrs.frozen
class PeriodFigures:
    """What one account brought in one quarter; all three amounts in one currency.

    Source [004] judges key-account work by the *profit* a customer brings, knowing the
    cost to serve, not by revenue; kamlib reads the same measure as an account's value
    (its own reading of the source). ``profit_contribution`` is the gross contribution
    (revenue minus the cost of the goods/services sold) **before** the cost of serving the
    account;
    `net_profit` subtracts ``cost_to_serve`` and is the figure to rank by.

    Attributes:
        period: The quarter.
        revenue: Sales to the account in the quarter.
        profit_contribution: Gross contribution before cost-to-serve (may be negative).
        cost_to_serve: Cost of serving the account (sales, support, customisation).

    Raises:
        CurrencyMismatchError: The three amounts are not in one currency.

    Examples:
        >>> f = PeriodFigures(
        ...     Quarter(2024, 1), Money(1000, "USD"), Money(300, "USD"), Money(120, "USD")
        ... )
        >>> f.net_profit
        Money(amount=180.0, currency='USD')
    """

    period: Quarter = attrs.field(validator=instance_of(Quarter))
    revenue: Money = attrs.field(validator=instance_of(Money))
    profit_contribution: Money = attrs.field(validator=instance_of(Money))
    cost_to_serve: Money = attrs.field(validator=instance_of(Money))

    def __attrs_post_init__(self) -> None:
        cur = self.revenue.currency
        for name in ("profit_contribution", "cost_to_serve"):
            other: Money = getattr(self, name)
            if other.currency != cur:
                raise CurrencyMismatchError(
                    f"PeriodFigures.{name}.currency",
                    other.currency,
                    f"must match revenue currency {cur}",
                )

    @property
    def currency(self) -> str:
        """The one currency of the figures.

        Examples:
            >>> m = Money(1, "CNY")
            >>> PeriodFigures(Quarter(2024, 1), m, m, m).currency
            'CNY'
        """
        return self.revenue.currency

    @property
    def net_profit(self) -> Money:
        """Profit after cost-to-serve: ``profit_contribution - cost_to_serve`` (source [004]).

        Examples:
            >>> f = PeriodFigures(
            ...     Quarter(2024, 1), Money(500, "EUR"), Money(50, "EUR"), Money(80, "EUR")
            ... )
            >>> f.net_profit.amount
            -30.0
        """
        return self.profit_contribution - self.cost_to_serve
