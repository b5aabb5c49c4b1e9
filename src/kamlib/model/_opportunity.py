"""Sales opportunities within an account (source [002]: decision chain per opportunity)."""

from __future__ import annotations

import attrs

from kamlib._validators import as_tuple, each, instance_of, non_empty_str
from kamlib.errors import InvalidValueError
from kamlib.model._checks import enum_or_raw, member_of, register_enum_converter, unique_items
from kamlib.model._enums import OpportunityStage
from kamlib.model._fast import fast_init
from kamlib.model._money import Money

__all__ = ["Opportunity"]

_CLOSED = frozenset({OpportunityStage.WON, OpportunityStage.LOST})


def _to_stage(value: OpportunityStage | str) -> OpportunityStage:
    return enum_or_raw(OpportunityStage, value)


register_enum_converter(_to_stage, OpportunityStage)


@fast_init
@attrs.frozen
class Opportunity:
    """A deal being pursued with an account.

    Source rule [002]: the decision chain of one opportunity may differ from the
    account's standing network (relationships carrying this ``opportunity_id``);
    big opportunities go through the full deal process, small ones a fast track
    (the thresholds are those of [`RoutingPolicy`][kamlib.planning.RoutingPolicy]).

    Attributes:
        id: Unique opportunity id.
        account_id: The account.
        name: Display name.
        size: Expected deal value, ``amount >= 0``.
        stage: `OpportunityStage`.
        decision_chain: Distinct person ids involved in the decision, in order.

    Raises:
        InvalidValueError: A negative size.

    Examples:
        >>> from kamlib.model import Money
        >>> o = Opportunity("O1", "A1", "ERP rollout", Money(2e6, "CNY"), "proposal", ["P1", "P2"])
        >>> o.stage, o.is_open
        (<OpportunityStage.PROPOSAL: 'proposal'>, True)
    """

    id: str = attrs.field(validator=non_empty_str())
    account_id: str = attrs.field(validator=non_empty_str())
    name: str = attrs.field(validator=non_empty_str())
    size: Money = attrs.field(validator=instance_of(Money))
    stage: OpportunityStage = attrs.field(
        converter=_to_stage, validator=member_of(OpportunityStage)
    )
    decision_chain: tuple[str, ...] = attrs.field(
        default=(), converter=as_tuple, validator=[each(non_empty_str()), unique_items()]
    )

    def __attrs_post_init__(self) -> None:
        if self.size.amount < 0:
            raise InvalidValueError("Opportunity.size.amount", self.size.amount, "must be >= 0")

    @property
    def is_open(self) -> bool:
        """Whether the stage is neither won nor lost.

        Examples:
            >>> from kamlib.model import Money
            >>> Opportunity("O", "A", "x", Money(1, "USD"), "won").is_open
            False
        """
        return self.stage not in _CLOSED
