"""Purchases: what an account bought, when, for how much (the data of RFM, source [003]).

Source [001] identifies key accounts from purchase history, frequency and amount; source
[003] screens them with RFM (recency, frequency, monetary). A `Purchase` is one such
transaction, recorded on the [`Portfolio`][kamlib.model.Portfolio].
"""

from __future__ import annotations

import datetime as dt

import attrs

from kamlib._validators import aware_datetime, instance_of, non_empty_str, optional
from kamlib.errors import InvalidValueError
from kamlib.model._fast import fast_init
from kamlib.model._money import Money

__all__ = ["Purchase"]


@fast_init
@attrs.frozen
class Purchase:
    """One purchase by an account: a sale we made to it, at a moment, for an amount.

    Source [001] identifies key accounts from purchase history, frequency and amount;
    source [003] screens them by RFM (recency, frequency, monetary). Purchases are the
    records those measures are computed from
    ([`purchase_features`][kamlib.features.purchase_features]).

    **Refunds are not purchases** (kamlib's own choice): ``amount`` must be ``>= 0``. A
    negative "purchase" would count as a purchase in the frequency and move the recency,
    which a refund does not do; record a refund by reducing the purchase it reverses
    (``attrs.evolve(p, amount=...)``), or by leaving a fully refunded purchase out. An
    amount of zero (a free sample, a fully discounted order) is a purchase.

    Attributes:
        id: Unique purchase id (unique within the portfolio).
        account_id: The account that bought.
        at: When (timezone-aware).
        amount: What it paid, `Money` with ``amount >= 0``.
        product: The product or product line bought, if recorded.
        area: The cooperation area it belongs to, if recorded (ecosystem breadth,
            source [000]; compare ``Account.cooperation_areas``).

    Raises:
        InvalidValueError: A negative amount.

    Examples:
        >>> import datetime as dt
        >>> from kamlib.model import Money
        >>> p = Purchase("S1", "A1", dt.datetime(2024, 3, 1, tzinfo=dt.UTC), Money(1200, "USD"),
        ...              product="licences")
        >>> p.amount.amount, p.product, p.area
        (1200, 'licences', None)
        >>> Purchase("S2", "A1", dt.datetime(2024, 3, 2, tzinfo=dt.UTC), Money(-50, "USD"))
        Traceback (most recent call last):
        ...
        kamlib.errors.InvalidValueError: Purchase.amount.amount: must be >= 0 (a refund is not \
a purchase: reduce the purchase it reverses); got -50
    """

    id: str = attrs.field(validator=non_empty_str())
    account_id: str = attrs.field(validator=non_empty_str())
    at: dt.datetime = attrs.field(validator=aware_datetime())
    amount: Money = attrs.field(validator=instance_of(Money))
    product: str | None = attrs.field(
        default=None, kw_only=True, validator=optional(non_empty_str())
    )
    area: str | None = attrs.field(default=None, kw_only=True, validator=optional(non_empty_str()))

    def __attrs_post_init__(self) -> None:
        if self.amount.amount < 0:
            raise InvalidValueError(
                "Purchase.amount.amount",
                self.amount.amount,
                "must be >= 0 (a refund is not a purchase: reduce the purchase it reverses)",
            )

    @property
    def currency(self) -> str:
        """The currency of the amount.

        Examples:
            >>> import datetime as dt
            >>> from kamlib.model import Money
            >>> Purchase("S1", "A1", dt.datetime(2024, 1, 1, tzinfo=dt.UTC),
            ...          Money(5, "EUR")).currency
            'EUR'
        """
        return self.amount.currency
