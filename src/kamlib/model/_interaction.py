"""Contacts between our people and the account's people (source [000] cadence)."""

from __future__ import annotations

import datetime as dt

import attrs

from kamlib._validators import as_tuple, aware_datetime, each, instance_of, non_empty_str
from kamlib.errors import InvalidValueError
from kamlib.model._checks import enum_or_raw, member_of, register_enum_converter, unique_items
from kamlib.model._enums import Channel, InteractionLevel, Outcome
from kamlib.model._fast import fast_init

__all__ = ["Interaction"]


def _to_channel(value: Channel | str) -> Channel:
    return enum_or_raw(Channel, value)


register_enum_converter(_to_channel, Channel)


def _to_level(value: InteractionLevel | str) -> InteractionLevel:
    return enum_or_raw(InteractionLevel, value)


register_enum_converter(_to_level, InteractionLevel)


def _to_outcome(value: Outcome | str) -> Outcome:
    return enum_or_raw(Outcome, value)


register_enum_converter(_to_outcome, Outcome)


@fast_init
@attrs.frozen
class Interaction:
    """One contact with an account: a meeting, call, visit, workshop...

    Source rule [000] (cadence): weekly formal contact in months 0-3, a business review
    every 2 weeks and monthly executive contact to month 12, a quarterly strategic
    workshop after a year. Interactions are the record those rules are checked on;
    relationship health counts interactions with key persons.

    Attributes:
        id: Unique interaction id.
        account_id: The account.
        at: When it happened (timezone-aware).
        our_people: Ids of our staff who took part (distinct).
        their_people: Ids of the account's people who took part (distinct).
        channel: `Channel`.
        level: `InteractionLevel`.
        outcome: `Outcome`.
        note: Free text.

    Raises:
        InvalidValueError: Both people tuples empty, or a duplicate id in one.

    Examples:
        >>> import datetime as dt
        >>> i = Interaction("I1", "A1", dt.datetime(2024, 3, 4, 10, tzinfo=dt.UTC),
        ...                 ["U1"], ["P1", "P2"], "visit", "executive", "positive")
        >>> i.their_people, i.level
        (('P1', 'P2'), <InteractionLevel.EXECUTIVE: 'executive'>)
    """

    id: str = attrs.field(validator=non_empty_str())
    account_id: str = attrs.field(validator=non_empty_str())
    at: dt.datetime = attrs.field(validator=aware_datetime())
    our_people: tuple[str, ...] = attrs.field(
        converter=as_tuple, validator=[each(non_empty_str()), unique_items()]
    )
    their_people: tuple[str, ...] = attrs.field(
        converter=as_tuple, validator=[each(non_empty_str()), unique_items()]
    )
    channel: Channel = attrs.field(converter=_to_channel, validator=member_of(Channel))
    level: InteractionLevel = attrs.field(
        converter=_to_level, validator=member_of(InteractionLevel)
    )
    outcome: Outcome = attrs.field(converter=_to_outcome, validator=member_of(Outcome))
    note: str = attrs.field(default="", validator=instance_of(str))

    def __attrs_post_init__(self) -> None:
        if not self.our_people and not self.their_people:
            raise InvalidValueError(
                "Interaction.their_people", (), "an interaction needs at least one person"
            )
