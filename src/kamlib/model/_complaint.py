"""Complaints: one record per complaint, from receipt to resolution (3R and the red channel).

Source rules: complaints and conflicts follow **3R** [000] — *Responsive* (confirm the
problem within 2 hours, a first plan within 24 hours), *Resonant* (empathy), *Resolved*
(offer 2-3 options); a **red-channel** complaint brings senior people on site within 24
hours, without blame, and a written improvement commitment [003]; **first-responder
ownership** (首问负责制) [004]: the person who first takes a complaint owns it until it is
resolved. The record holds the times those clocks are read from; the clocks themselves
(with their overridable defaults) are in [`kamlib.operations`][kamlib.operations].
"""

from __future__ import annotations

import datetime as dt

import attrs

from kamlib._validators import (
    as_tuple,
    aware_datetime,
    check_aware_datetime,
    each,
    instance_of,
    non_empty_str,
    optional,
)
from kamlib.errors import InvalidValueError
from kamlib.model._checks import enum_or_raw, member_of, register_enum_converter, unique_items
from kamlib.model._enums import ComplaintChannel, ComplaintSeverity
from kamlib.model._fast import fast_init

__all__ = ["Complaint"]


def _to_channel(value: ComplaintChannel | str) -> ComplaintChannel:
    return enum_or_raw(ComplaintChannel, value)


register_enum_converter(_to_channel, ComplaintChannel)


def _to_severity(value: ComplaintSeverity | str) -> ComplaintSeverity:
    return enum_or_raw(ComplaintSeverity, value)


register_enum_converter(_to_severity, ComplaintSeverity)

# the recorded times, in the order a complaint normally moves through them; each must be
# at or after received_at
_TIMES = ("acknowledged_at", "first_plan_at", "options_at", "senior_on_site_at", "resolved_at")


@fast_init
@attrs.frozen
class Complaint:
    """A customer complaint and the times it was handled, owned by one person throughout.

    Source rules: 3R [000] (acknowledge within 2 h, a first plan within 24 h, offer 2-3
    options); the red channel [003] (senior people on site within 24 h, a written
    improvement commitment); first-responder ownership [004] (首问负责制): ``owner_id``
    is the one person on our staff who takes the complaint at receipt and owns it until
    it is resolved. The record has no way to hand a complaint over: a complaint has one
    owner for its whole life (kamlib's reading of 首问负责制). Whether each clock was
    met is computed by [`kamlib.operations`][kamlib.operations], with every default
    overridable; the record only holds what happened.

    Attributes:
        id: Unique complaint id.
        account_id: The complaining account.
        owner_id: The first responder on our staff, who owns it to resolution.
        received_at: When we received it (timezone-aware).
        summary: What the customer complains about.
        channel: [`ComplaintChannel`][kamlib.model.ComplaintChannel]: ``standard`` or
            ``red`` (the red channel of source [003]).
        severity: [`ComplaintSeverity`][kamlib.model.ComplaintSeverity].
        acknowledged_at: When the problem was confirmed to the customer (3R responsive).
        first_plan_at: When a first plan was given (3R responsive).
        options: The options offered to the customer (3R resolved: 2-3), distinct.
        options_at: When the options were offered; required exactly when ``options`` is
            not empty.
        senior_on_site_at: When senior people were on site (red channel).
        improvement_commitment: The written improvement commitment (red channel, source
            [003]), empty until given.
        resolved_at: When it was resolved.
        person_id: The customer person who complained, if known.

    Raises:
        InvalidValueError: A recorded time before ``received_at``; options without
            ``options_at`` or ``options_at`` without options; a repeated option.

    Examples:
        >>> import datetime as dt
        >>> t = dt.datetime(2025, 3, 3, 9, tzinfo=dt.UTC)
        >>> c = Complaint("Q1", "A1", "U1", t, "Invoice run failed", channel="red",
        ...               acknowledged_at=t + dt.timedelta(hours=1))
        >>> c.channel, c.is_open(t + dt.timedelta(days=1))
        (<ComplaintChannel.RED: 'red'>, True)
        >>> Complaint("Q2", "A1", "U1", t, "x", acknowledged_at=t - dt.timedelta(hours=1))
        Traceback (most recent call last):
        ...
        kamlib.errors.InvalidValueError: Complaint.acknowledged_at: must not be before \
received_at (2025-03-03T09:00:00+00:00); got ...
    """

    id: str = attrs.field(validator=non_empty_str())
    account_id: str = attrs.field(validator=non_empty_str())
    owner_id: str = attrs.field(validator=non_empty_str())
    received_at: dt.datetime = attrs.field(validator=aware_datetime())
    summary: str = attrs.field(validator=non_empty_str())
    channel: ComplaintChannel = attrs.field(
        default=ComplaintChannel.STANDARD,
        converter=_to_channel,
        validator=member_of(ComplaintChannel),
    )
    severity: ComplaintSeverity = attrs.field(
        default=ComplaintSeverity.MEDIUM,
        converter=_to_severity,
        validator=member_of(ComplaintSeverity),
    )
    acknowledged_at: dt.datetime | None = attrs.field(
        default=None, validator=optional(aware_datetime())
    )
    first_plan_at: dt.datetime | None = attrs.field(
        default=None, validator=optional(aware_datetime())
    )
    options: tuple[str, ...] = attrs.field(
        default=(), converter=as_tuple, validator=[each(non_empty_str()), unique_items()]
    )
    options_at: dt.datetime | None = attrs.field(default=None, validator=optional(aware_datetime()))
    senior_on_site_at: dt.datetime | None = attrs.field(
        default=None, validator=optional(aware_datetime())
    )
    improvement_commitment: str = attrs.field(default="", validator=instance_of(str))
    resolved_at: dt.datetime | None = attrs.field(
        default=None, validator=optional(aware_datetime())
    )
    person_id: str | None = attrs.field(default=None, validator=optional(non_empty_str()))

    def __attrs_post_init__(self) -> None:
        received = self.received_at
        for name in _TIMES:
            at = getattr(self, name)
            if at is not None and at < received:
                raise InvalidValueError(
                    f"Complaint.{name}",
                    at,
                    f"must not be before received_at ({received.isoformat()})",
                )
        if self.options and self.options_at is None:
            raise InvalidValueError(
                "Complaint.options_at", None, "is required when options were offered"
            )
        if not self.options and self.options_at is not None:
            raise InvalidValueError(
                "Complaint.options_at", self.options_at, "must be None when no option is recorded"
            )

    @property
    def is_red(self) -> bool:
        """Whether it came through the red channel (source [003]).

        Examples:
            >>> import datetime as dt
            >>> t = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
            >>> Complaint("Q", "A", "U", t, "x", channel="red").is_red
            True
        """
        return self.channel is ComplaintChannel.RED

    def is_open(self, as_of: dt.datetime) -> bool:
        """Whether it was received by ``as_of`` and not resolved by then.

        Examples:
            >>> import datetime as dt
            >>> t = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
            >>> c = Complaint("Q", "A", "U", t, "x", resolved_at=t + dt.timedelta(days=2))
            >>> c.is_open(t), c.is_open(t + dt.timedelta(days=2))
            (True, False)
        """
        check_aware_datetime("Complaint.is_open.as_of", as_of)
        return self.received_at <= as_of and (self.resolved_at is None or as_of < self.resolved_at)

    def times(self) -> tuple[tuple[str, dt.datetime], ...]:
        """Every recorded time as ``(field, time)``, ``received_at`` first.

        Examples:
            >>> import datetime as dt
            >>> t = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
            >>> [f for f, _ in Complaint("Q", "A", "U", t, "x", resolved_at=t).times()]
            ['received_at', 'resolved_at']
        """
        out = [("received_at", self.received_at)]
        out += [(name, at) for name in _TIMES if (at := getattr(self, name)) is not None]
        return tuple(out)
