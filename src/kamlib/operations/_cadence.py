"""Contact cadence by phase of the cooperation (source [000], 溝通節奏).

Source rule [000]: in the first phase of cooperation (0-3 months) a formal contact once a
week (email and phone); in the stable phase (3-12 months) a business review every two
weeks and an executive contact every month (e.g. a CEO lunch); in the expansion phase
(over a year) a strategic workshop every quarter.

kamlib's reading (its own choices where the source gives no rule, each documented on the
docs page *Operations: contact cadence*):

* A phase is the half-open range ``[from_month, until_month)`` of **completed** months
  since ``Account.cooperation_start``, counted as
  [`Account.months_since_start`][kamlib.model.Account.months_since_start] counts them. The
  source's ranges share their ends (0-3, 3-12); exactly 3 completed months is the stable
  phase and exactly 12 the expansion phase.
* "Formal contact" is any channel except a chat ``message``; a business review is a
  meeting, video call, visit or workshop at management or executive level; an executive
  contact is any executive-level interaction; a strategic workshop is a ``workshop``.
* "Monthly" is every 31 days and "quarterly" every 92 days: the longest month and the
  longest quarter, so that a contact on the same date every month (quarter) never flags.
* A rule's clock starts when its phase begins: an account entering a phase is not
  overdue on its first day. Exactly at the due time is not overdue.

Every rule is data (`CadenceRule`), overridable per account or per tier (`CadencePolicy`).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any, Final

import attrs

from kamlib._dated import add_months, check_as_of, check_portfolio, not_after
from kamlib._validators import (
    as_int,
    check_int,
    check_name,
    instance_of,
    integer,
    non_empty_str,
    optional,
)
from kamlib.errors import InvalidTypeError, InvalidValueError, UnknownIdError
from kamlib.model import Account, Channel, Interaction, InteractionLevel, Portfolio
from kamlib.operations._alerts import Alert, AlertKind, Severity, _utc_key, make_alert, sort_alerts

__all__ = [
    "FORMAL_CHANNELS",
    "CadenceRule",
    "DEFAULT_CADENCE",
    "CadencePolicy",
    "CadenceDue",
    "cadence_status",
    "cadence_alerts",
    "CADENCE_CODES",
]

_MAX_EVERY_DAYS: Final = 36_525  # a century, as MAX_HOURS in _common: kamlib's own bound
_DAY: Final = dt.timedelta(days=1)
_MIDNIGHT: Final = dt.time.min  # 00:00 (a constant, not a reading of the clock)

_Seen = tuple[dt.datetime, str]  # (at, interaction id) of the latest contact of a kind
_Kind = tuple[str, str]  # (channel value, level value): str keys hash in C, enum members do not


def _to_members(cls: type[Channel] | type[InteractionLevel], value: object) -> object:
    """Converter: an iterable of members or their string values becomes a frozenset.

    Anything else (``None``, a ``str``, a number, unhashable items) passes through for
    the field's validator to accept (``None``) or refuse with a path.
    """
    if value is None or isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
        return value
    lookup = cls._value2member_map_
    items = [lookup.get(v, v) if isinstance(v, str) else v for v in value]
    try:
        return frozenset(items)
    except TypeError:  # an unhashable item: the validator names it
        return tuple(items)


def _to_channels(value: object) -> Any:
    return _to_members(Channel, value)


def _to_levels(value: object) -> Any:
    return _to_members(InteractionLevel, value)


def _check_members(path: str, value: object, cls: type[Channel] | type[InteractionLevel]) -> None:
    """``None`` or a non-empty frozenset of members of ``cls``, else a typed error."""
    if value is None:
        return
    noun = cls.__name__
    allowed = ", ".join(repr(m.value) for m in cls)
    if isinstance(value, frozenset | tuple):
        for item in value:
            if isinstance(item, cls):
                continue
            if isinstance(item, str):
                raise InvalidValueError(path, item, f"must hold only {noun} values ({allowed})")
            raise InvalidTypeError(path, item, f"must hold only {noun} members ({allowed})")
    if not isinstance(value, frozenset):
        raise InvalidTypeError(path, value, f"must be None (any) or a set of {noun}")
    if not value:
        raise InvalidValueError(path, value, f"must not be empty (None means any {noun})")


def _phase_text(from_month: int, until_month: int | None) -> str:
    return f"[{from_month}, {'inf' if until_month is None else until_month})"


@attrs.frozen
class CadenceRule:
    """One contact rule: a qualifying interaction at least every ``every_days`` in a phase.

    The rule is in force for an account while its completed months since
    ``Account.cooperation_start`` ``m`` (see
    [`Account.months_since_start`][kamlib.model.Account.months_since_start]) satisfy
    ``from_month <= m < until_month``: a half-open range, so a boundary month belongs to
    the later phase (kamlib's reading of source [000]'s 0-3, 3-12 and "over a year").
    An interaction qualifies when its channel is in ``channels`` and its level in
    ``levels`` (``None``: any).

    Attributes:
        name: Stable name, unique within a rule set (the `Alert` ``subject_id``).
        every_days: Longest allowed gap in days, an int in ``[1, 36525]`` (the upper
            bound, a century, is kamlib's own).
        from_month: First completed month of the phase (``>= 0``).
        until_month: First completed month after the phase (``> from_month``), or
            ``None`` for a phase without end.
        channels: The [`Channel`][kamlib.model.Channel] values that qualify (a non-empty
            set; strings are converted), or ``None`` for any channel.
        levels: The [`InteractionLevel`][kamlib.model.InteractionLevel] values that
            qualify, or ``None`` for any level.
        description: A short sentence for people.

    Raises:
        InvalidTypeError: A field of the wrong type; a channel or level that is not one.
        InvalidValueError: ``every_days < 1``, ``from_month < 0``,
            ``until_month <= from_month``, an empty ``channels`` or ``levels``, an unknown
            channel or level name.

    Examples:
        >>> from kamlib.operations import CadenceRule
        >>> r = CadenceRule("site_visit", 30, 0, 6, channels={"visit"})
        >>> r.channels, r.phase
        (frozenset({<Channel.VISIT: 'visit'>}), '[0, 6)')
        >>> [r.in_phase(m) for m in (0, 5, 6)]
        [True, True, False]
        >>> CadenceRule("x", 7, 3, 3)
        Traceback (most recent call last):
        ...
        kamlib.errors.InvalidValueError: CadenceRule.until_month: must be greater than \
from_month (3); got 3
    """

    name: str = attrs.field(validator=non_empty_str())
    every_days: int = attrs.field(converter=as_int, validator=integer(ge=1, le=_MAX_EVERY_DAYS))
    from_month: int = attrs.field(default=0, converter=as_int, validator=integer(ge=0))
    until_month: int | None = attrs.field(
        default=None, converter=as_int, validator=optional(integer(ge=1))
    )
    channels: frozenset[Channel] | None = attrs.field(default=None, converter=_to_channels)
    levels: frozenset[InteractionLevel] | None = attrs.field(default=None, converter=_to_levels)
    description: str = attrs.field(default="", validator=instance_of(str))

    @channels.validator
    def _check_channels(self, attribute: attrs.Attribute[Any], value: object) -> None:
        _check_members("CadenceRule.channels", value, Channel)

    @levels.validator
    def _check_levels(self, attribute: attrs.Attribute[Any], value: object) -> None:
        _check_members("CadenceRule.levels", value, InteractionLevel)

    def __attrs_post_init__(self) -> None:
        if self.until_month is not None and self.until_month <= self.from_month:
            raise InvalidValueError(
                "CadenceRule.until_month",
                self.until_month,
                f"must be greater than from_month ({self.from_month})",
            )

    @property
    def phase(self) -> str:
        """The phase as text, ``"[3, 12)"`` or ``"[12, inf)"`` (completed months).

        Examples:
            >>> from kamlib.operations import DEFAULT_CADENCE
            >>> [r.phase for r in DEFAULT_CADENCE]
            ['[0, 3)', '[3, 12)', '[3, 12)', '[12, inf)']
        """
        return _phase_text(self.from_month, self.until_month)

    def in_phase(self, months: int) -> bool:
        """Whether the rule is in force after ``months`` completed months of cooperation.

        Args:
            months: Completed months, as
                [`Account.months_since_start`][kamlib.model.Account.months_since_start]
                gives them.

        Raises:
            InvalidTypeError: ``months`` is not an int.

        Examples:
            >>> from kamlib.operations import DEFAULT_CADENCE
            >>> formal = DEFAULT_CADENCE[0]
            >>> formal.in_phase(2), formal.in_phase(3)
            (True, False)
        """
        m = months if months.__class__ is int else check_int("CadenceRule.in_phase.months", months)
        return self.from_month <= m and (self.until_month is None or m < self.until_month)

    def counts(self, interaction: Interaction) -> bool:
        """Whether ``interaction`` qualifies for this rule (its channel and level match).

        The date is not looked at: `cadence_status` decides which contacts fall where.

        Raises:
            InvalidTypeError: Not an [`Interaction`][kamlib.model.Interaction].

        Examples:
            >>> import datetime as dt
            >>> from kamlib.model import Interaction
            >>> from kamlib.operations import DEFAULT_CADENCE
            >>> formal = DEFAULT_CADENCE[0]
            >>> t = dt.datetime(2025, 1, 20, tzinfo=dt.UTC)
            >>> email = Interaction("I1", "A1", t, ["U1"], [], "email", "operational", "neutral")
            >>> chat = Interaction("I2", "A1", t, ["U1"], [], "message", "operational", "neutral")
            >>> formal.counts(email), formal.counts(chat)
            (True, False)
        """
        if not isinstance(interaction, Interaction):
            raise InvalidTypeError(
                "CadenceRule.counts.interaction", interaction, "must be an Interaction"
            )
        return self._accepts(interaction.channel, interaction.level)

    def _accepts(self, channel: Channel, level: InteractionLevel) -> bool:
        channels, levels = self.channels, self.levels
        return (channels is None or channel in channels) and (levels is None or level in levels)


FORMAL_CHANNELS: Final = frozenset(c for c in Channel if c is not Channel.MESSAGE)
"""The channels of a formal contact: every channel but chat (``message``).

Source [000] gives "weekly formal contact (email + phone)"; reading every channel but
chat as formal is kamlib's own choice.

Examples:
    >>> from kamlib.operations import FORMAL_CHANNELS
    >>> sorted(c.value for c in FORMAL_CHANNELS)
    ['email', 'event', 'meeting', 'phone', 'video', 'visit', 'workshop']
"""

DEFAULT_CADENCE: Final[tuple[CadenceRule, ...]] = (
    CadenceRule(
        "formal_contact",
        7,
        0,
        3,
        channels=FORMAL_CHANNELS,
        description="Formal contact every week in months 0-3 (source [000]: email + phone; "
        "kamlib counts every channel but a chat message)",
    ),
    CadenceRule(
        "business_review",
        14,
        3,
        12,
        channels={Channel.MEETING, Channel.VIDEO, Channel.VISIT, Channel.WORKSHOP},
        levels={InteractionLevel.MANAGEMENT, InteractionLevel.EXECUTIVE},
        description="Business review every 2 weeks in months 3-12 (source [000]; kamlib "
        "reads a review as a meeting, video, visit or workshop at management level or above)",
    ),
    CadenceRule(
        "executive_contact",
        31,
        3,
        12,
        levels={InteractionLevel.EXECUTIVE},
        description="Executive contact every month in months 3-12 (source [000], e.g. a CEO "
        "lunch; kamlib reads 'monthly' as every 31 days, any channel)",
    ),
    CadenceRule(
        "strategic_workshop",
        92,
        12,
        None,
        channels={Channel.WORKSHOP},
        description="Strategic workshop every quarter after a year (source [000]; kamlib "
        "reads 'quarterly' as every 92 days)",
    ),
)
"""The cadence of source [000] (溝通節奏), as data.

| name | every | phase (completed months) | qualifies |
|---|---|---|---|
| ``formal_contact`` | 7 days | ``[0, 3)`` | any channel but ``message`` |
| ``business_review`` | 14 days | ``[3, 12)`` | meeting, video, visit, workshop; management+ |
| ``executive_contact`` | 31 days | ``[3, 12)`` | executive level, any channel |
| ``strategic_workshop`` | 92 days | ``[12, inf)`` | workshop |

The intervals (weekly, every 2 weeks, monthly, quarterly) and the phase bounds (3 and 12
months) are source [000]'s. kamlib's own readings: which channels and levels qualify
(the source names email and phone for formal contact, and no channel for the others;
"management+" is management or executive level), the half-open phases, and 31 and 92
days for a month and a quarter (the longest ones, so that a contact on the same date
every month or quarter never flags).

Examples:
    >>> from kamlib.operations import DEFAULT_CADENCE
    >>> for rule in DEFAULT_CADENCE:
    ...     print(rule.name, rule.every_days, rule.from_month, rule.until_month)
    formal_contact 7 0 3
    business_review 14 3 12
    executive_contact 31 3 12
    strategic_workshop 92 12 None
"""


def _rule_set(path: str, value: object) -> tuple[CadenceRule, ...]:
    """A sequence of rules as a tuple; non-rules and repeated names refused, naming ``path``."""
    if isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
        raise InvalidTypeError(path, value, "must be a sequence of CadenceRule")
    rules = tuple(value)
    names: set[str] = set()
    for i, rule in enumerate(rules):
        if not isinstance(rule, CadenceRule):
            raise InvalidTypeError(f"{path}[{i}]", rule, "must be a CadenceRule")
        if rule.name in names:
            raise InvalidValueError(f"{path}[{i}].name", rule.name, "is not unique in its rule set")
        names.add(rule.name)
    return rules


def _rule_map(path: str, value: object) -> Mapping[str, tuple[CadenceRule, ...]]:
    """A read-only mapping of names to rule sets, keys sorted."""
    if not isinstance(value, Mapping):
        raise InvalidTypeError(path, value, "must be a mapping of str to rule sets")
    for key in value:
        if not isinstance(key, str) or not key.strip():
            raise InvalidTypeError(path, key, "keys must be non-empty str")
    return MappingProxyType({k: _rule_set(f"{path}[{k!r}]", value[k]) for k in sorted(value)})


def _default_rules(value: object) -> tuple[CadenceRule, ...]:
    return _rule_set("CadencePolicy.default", value)


def _tier_rules(value: object) -> Mapping[str, tuple[CadenceRule, ...]]:
    return _rule_map("CadencePolicy.by_tier", value)


def _account_rules(value: object) -> Mapping[str, tuple[CadenceRule, ...]]:
    return _rule_map("CadencePolicy.by_account", value)


@attrs.frozen
class CadencePolicy:
    """Which cadence rules apply to which account: per account, else per tier, else default.

    A rule set replaces the default whole (it is not merged rule by rule), so an override
    says everything that applies; an empty set means no cadence for that account or tier.
    Rule names are unique within a set. Accounts and tiers named here that a portfolio
    does not have are simply never asked for (a policy can serve many portfolios).

    Attributes:
        default: The rules for every account without its own or its tier's
            (`DEFAULT_CADENCE`, source [000]).
        by_tier: Tier name to rule set (read-only mapping).
        by_account: Account id to rule set (read-only mapping); wins over the tier.

    Raises:
        InvalidTypeError: A rule set that is not a sequence of `CadenceRule`, a mapping
            that is not one, a key that is not a non-empty str.
        InvalidValueError: Two rules of one set with the same name.

    Examples:
        >>> from kamlib.operations import CadencePolicy, CadenceRule
        >>> weekly = CadenceRule("weekly_call", 7, channels={"phone"})
        >>> policy = CadencePolicy(by_tier={"S": [weekly]}, by_account={"A9": []})
        >>> [r.name for r in policy.rules_for("A1", tier="S")]
        ['weekly_call']
        >>> policy.rules_for("A9", tier="S"), len(policy.rules_for("A2"))
        ((), 4)
        >>> CadencePolicy(by_tier={"S": ["weekly"]})
        Traceback (most recent call last):
        ...
        kamlib.errors.InvalidTypeError: CadencePolicy.by_tier['S'][0]: must be a CadenceRule; \
got 'weekly'
    """

    default: tuple[CadenceRule, ...] = attrs.field(
        default=DEFAULT_CADENCE, converter=_default_rules
    )
    by_tier: Mapping[str, tuple[CadenceRule, ...]] = attrs.field(
        factory=dict, converter=_tier_rules, hash=False
    )
    by_account: Mapping[str, tuple[CadenceRule, ...]] = attrs.field(
        factory=dict, converter=_account_rules, hash=False
    )

    def rules_for(self, account_id: str, tier: str | None = None) -> tuple[CadenceRule, ...]:
        """The account's own rules if it has them, else its tier's, else the default.

        Args:
            account_id: The account.
            tier: The account's tier, if any; a tier without rules of its own gets the
                default.

        Raises:
            InvalidTypeError: ``account_id`` or ``tier`` is not a str.
            InvalidValueError: An empty ``account_id`` or ``tier``.

        Examples:
            >>> from kamlib.operations import CadencePolicy
            >>> [r.name for r in CadencePolicy().rules_for("A1", tier="B")][:2]
            ['formal_contact', 'business_review']
        """
        check_name("CadencePolicy.rules_for.account_id", account_id)
        if tier is not None:
            check_name("CadencePolicy.rules_for.tier", tier)
        return self._rules_for(account_id, tier)

    def _rules_for(self, account_id: str, tier: str | None) -> tuple[CadenceRule, ...]:
        own = self.by_account.get(account_id)
        if own is not None:
            return own
        if tier is not None:
            shared = self.by_tier.get(tier)
            if shared is not None:
                return shared
        return self.default


_DEFAULT_POLICY: Final = CadencePolicy()


@attrs.frozen
class CadenceDue:
    """Where one account stands with one rule in force at ``as_of``.

    The rule's clock: ``anchor`` is the later of the last qualifying contact and
    ``phase_start`` (so an account entering a phase is not overdue on its first day);
    ``due_at = anchor + every_days``; overdue when ``as_of > due_at`` (exactly at the due
    time is not overdue). These clock rules are kamlib's own (source [000] gives the
    intervals only).

    Attributes:
        account_id: The account.
        rule: The rule's name.
        every_days: The rule's interval in days.
        from_month: First completed month of the rule's phase.
        until_month: First completed month after it, or ``None``.
        months_since_start: The account's completed months of cooperation at ``as_of``.
        phase_start: When the phase began: midnight, in ``as_of``'s timezone, of the first
            day with ``from_month`` completed months.
        last_contact_at: The latest qualifying interaction at or before ``as_of`` (from
            any time, also before the phase began), or ``None``.
        last_contact_id: Its id (of several at the same instant, the greatest id).
        due_at: When the next qualifying contact is due, in ``as_of``'s timezone.
        overdue: ``as_of > due_at``.
        days_overdue: ``as_of - due_at`` in days, a float with the fraction of a day;
            ``0.0`` when not overdue.
        intervals_overdue: Whole intervals of ``every_days`` by which it is overdue
            (``0`` up to one interval late, ``1`` from one interval late, ...).

    Examples:
        >>> import datetime as dt
        >>> from kamlib.model import Account, Portfolio
        >>> from kamlib.operations import cadence_status
        >>> acc = Account("A1", "Acme", industry="x", region="y", size_band="large",
        ...               cooperation_start=dt.date(2025, 1, 15))
        >>> row, = cadence_status(Portfolio([acc]),
        ...                       as_of=dt.datetime(2025, 1, 25, tzinfo=dt.UTC))
        >>> row.rule, row.phase, row.due_at.date(), row.overdue, row.days_overdue
        ('formal_contact', '[0, 3)', datetime.date(2025, 1, 22), True, 3.0)
    """

    account_id: str
    rule: str
    every_days: int
    from_month: int
    until_month: int | None
    months_since_start: int
    phase_start: dt.datetime
    last_contact_at: dt.datetime | None
    last_contact_id: str | None
    due_at: dt.datetime
    overdue: bool
    days_overdue: float
    intervals_overdue: int

    @property
    def phase(self) -> str:
        """The rule's phase as text, ``"[3, 12)"`` or ``"[12, inf)"`` (completed months).

        Examples:
            >>> import datetime as dt
            >>> from kamlib.model import Account, Portfolio
            >>> from kamlib.operations import cadence_status
            >>> acc = Account("A1", "Acme", industry="x", region="y", size_band="large",
            ...               cooperation_start=dt.date(2024, 1, 15))
            >>> [r.phase for r in cadence_status(Portfolio([acc]),
            ...                                  as_of=dt.datetime(2025, 1, 15, tzinfo=dt.UTC))]
            ['[12, inf)']
        """
        return _phase_text(self.from_month, self.until_month)


@functools.lru_cache(maxsize=4096)  # pure; accounts often share a start date
def _phase_start(start: dt.date, months: int, tz: dt.tzinfo | None) -> dt.datetime:
    """Midnight of the first day with ``months`` completed months since ``start``.

    `add_months` clamps Jan 31 + 1 month to Feb 28, but
    [`Account.months_since_start`][kamlib.model.Account.months_since_start] completes that
    month only on Mar 1: the phase starts on the day the months are complete.
    """
    t = add_months(dt.datetime.combine(start, _MIDNIGHT, tzinfo=tz), months)
    if t.day != start.day:  # clamped to a shorter month's last day
        t = dt.datetime.combine(t.date() + _DAY, _MIDNIGHT, tzinfo=tz)
    return t


def _latest_contacts(
    interactions: tuple[Interaction, ...], as_of: dt.datetime
) -> dict[str, dict[_Kind, _Seen]]:
    """One pass: per account, per (channel, level), the latest contact (at, id).

    Refuses an interaction after ``as_of``, naming its position in the portfolio.
    """
    out: dict[str, dict[_Kind, _Seen]] = {}
    for i, x in enumerate(interactions):
        at = x.at
        if at > as_of:
            not_after(f"Portfolio.interactions[{i}].at", at, as_of)
        by_kind = out.get(x.account_id)
        if by_kind is None:
            by_kind = out[x.account_id] = {}
        key = (x.channel._value_, x.level._value_)
        seen = by_kind.get(key)
        if seen is None or at > seen[0] or (at == seen[0] and x.id > seen[1]):
            by_kind[key] = (at, x.id)
    return out


def _check_tiers(where: str, portfolio: Portfolio, tiers: object) -> Mapping[str, str]:
    if tiers is None:
        return {}
    path = f"{where}.tiers"
    if not isinstance(tiers, Mapping):
        raise InvalidTypeError(path, tiers, "must be a mapping of account id to tier name")
    out: dict[str, str] = {}
    for key, tier in tiers.items():
        if not isinstance(key, str):
            raise InvalidTypeError(path, key, "keys must be account ids (str)")
        try:
            portfolio.account(key)
        except UnknownIdError:
            raise UnknownIdError(path, key, "is not an account of the portfolio") from None
        out[key] = check_name(f"{path}[{key!r}]", tier)
    return out


def _row(
    where: str,
    account: Account,
    rule: CadenceRule,
    months: int,
    contacts: Mapping[_Kind, _Seen],
    as_of: dt.datetime,
    accepted: dict[tuple[int, str, str], bool],
) -> CadenceDue:
    """The rule's row for the account; ``accepted`` caches `CadenceRule._accepts` per run."""
    phase_start = _phase_start(account.cooperation_start, rule.from_month, as_of.tzinfo)
    last: _Seen | None = None
    rule_id = id(rule)  # the rules outlive the run: their ids are stable keys within it
    for kind, seen in contacts.items():
        ok = accepted.get((rule_id, *kind))
        if ok is None:
            channel, level = Channel(kind[0]), InteractionLevel(kind[1])
            ok = accepted[(rule_id, *kind)] = rule._accepts(channel, level)
        if ok and (last is None or seen > last):
            last = seen
    anchor = last[0] if last is not None and last[0] > phase_start else phase_start
    every = dt.timedelta(days=rule.every_days)
    try:
        due = anchor + every
    except OverflowError:
        raise InvalidValueError(
            f"{where}.as_of", as_of, f"puts the due time of {rule.name!r} past year 9999"
        ) from None
    overdue = as_of > due
    late = as_of - due if overdue else _ZERO
    return CadenceDue(  # positional, in the order of its fields (one row per account rule)
        account.id,
        rule.name,
        rule.every_days,
        rule.from_month,
        rule.until_month,
        months,
        phase_start,
        None if last is None else last[0],
        None if last is None else last[1],
        due.astimezone(as_of.tzinfo),
        overdue,
        late / _DAY,
        late // every,
    )


_ZERO: Final = dt.timedelta(0)


def _row_key(row: CadenceDue) -> tuple[Any, ...]:
    return (row.account_id, _utc_key(row.due_at), row.rule)


def _status(
    where: str,
    portfolio: object,
    as_of: object,
    policy: object,
    tiers: object,
    *,
    ordered: bool = True,
) -> tuple[CadenceDue, ...]:
    """Every rule in force per account; by account, due time and rule if ``ordered``."""
    when = check_as_of(where, as_of)
    portfolio = check_portfolio(where, portfolio)
    if not isinstance(policy, CadencePolicy):
        raise InvalidTypeError(f"{where}.policy", policy, "must be a CadencePolicy")
    tier_of = _check_tiers(where, portfolio, tiers)
    latest = _latest_contacts(portfolio.interactions, when)
    day = when.date()
    none: dict[_Kind, _Seen] = {}
    rows: list[CadenceDue] = []
    accepted: dict[tuple[int, str, str], bool] = {}
    for account in portfolio.accounts:
        if account.cooperation_start > day:
            continue  # not yet cooperating: no rule in force
        months = account.months_since_start(day)
        contacts = latest.get(account.id, none)
        for rule in policy._rules_for(account.id, tier_of.get(account.id)):
            until = rule.until_month  # in_phase, inline: months is an int here
            if rule.from_month <= months and (until is None or months < until):
                rows.append(_row(where, account, rule, months, contacts, when, accepted))
    if ordered:
        rows.sort(key=_row_key)
    return tuple(rows)


def cadence_status(
    portfolio: Portfolio,
    *,
    as_of: dt.datetime,
    policy: CadencePolicy = CadencePolicy(),
    tiers: Mapping[str, str] | None = None,
) -> tuple[CadenceDue, ...]:
    """Every account's contact rules in force at ``as_of``: last contact, next due, overdue.

    One `CadenceDue` per (account, rule in force for the account's phase), sorted by
    account id, then due time, then rule name, so the order of the input records never
    shows. An account whose ``cooperation_start`` is after ``as_of``'s date has no rule in
    force (no rows, not an error). Interactions are read in one pass over
    ``portfolio.interactions``.

    Args:
        portfolio: The records; its interactions are the contacts.
        as_of: Timezone-aware time of the review; phases are counted on its date and
            start at midnight in its timezone.
        policy: Which rules apply (default: `DEFAULT_CADENCE` for every account).
        tiers: Account id to tier name, for `CadencePolicy.by_tier` (accounts not named
            have no tier; a tier without rules of its own gets the default).

    Returns:
        The rows, sorted.

    Raises:
        InvalidTypeError: A ``portfolio``, ``policy`` or ``tiers`` of the wrong type.
        InvalidValueError: A naive ``as_of``; an interaction after ``as_of`` (the path
            names ``Portfolio.interactions[i].at``); an empty tier name.
        UnknownIdError: ``tiers`` names an account not in the portfolio.

    Examples:
        >>> import datetime as dt
        >>> from kamlib.model import Account, Interaction, KeyPerson, Portfolio
        >>> from kamlib.operations import cadence_status
        >>> acc = Account("A1", "Acme", industry="x", region="y", size_band="large",
        ...               cooperation_start=dt.date(2025, 1, 15))
        >>> call = Interaction("I1", "A1", dt.datetime(2025, 4, 20, tzinfo=dt.UTC), ["U1"], [],
        ...                    "video", "executive", "positive")
        >>> pf = Portfolio([acc], [KeyPerson("U1", "Ann", "our_staff")], interactions=[call])
        >>> rows = cadence_status(pf, as_of=dt.datetime(2025, 5, 6, tzinfo=dt.UTC))
        >>> [(r.rule, r.due_at.date().isoformat(), r.overdue) for r in rows]
        [('business_review', '2025-05-04', True), ('executive_contact', '2025-05-21', False)]
    """
    return _status("cadence_status", portfolio, as_of, policy, tiers)


CADENCE_CODES: Final[Mapping[str, str]] = MappingProxyType(
    {
        "cadence_overdue": "A contact rule in force for the account's phase of cooperation "
        "has had no qualifying interaction within its interval (source [000]).",
    }
)
"""Every reason code `cadence_alerts` emits, with one sentence.

``cadence_overdue`` gets severity ``watch``, and ``warning`` once the rule is overdue by a
whole further interval or more (no qualifying contact for two intervals): kamlib's own
choice.

Examples:
    >>> from kamlib.operations import CADENCE_CODES
    >>> sorted(CADENCE_CODES)
    ['cadence_overdue']
"""


def _alert(row: CadenceDue) -> Alert:
    last = "none" if row.last_contact_at is None else row.last_contact_at.isoformat()
    severity = Severity.WARNING if row.intervals_overdue >= 1 else Severity.WATCH
    phase = _phase_text(row.from_month, row.until_month)
    return make_alert(
        row.account_id,
        AlertKind.CADENCE,
        "cadence_overdue",
        severity,
        f"{row.rule} is {row.days_overdue:.1f} days overdue (every {row.every_days} days "
        f"in months {phase}; last qualifying contact: {last})",
        {
            "rule": row.rule,
            "every_days": row.every_days,
            "phase": phase,
            "months_since_start": row.months_since_start,
            "phase_start": row.phase_start,
            "last_contact_at": row.last_contact_at,
            "last_contact_id": row.last_contact_id,
            "days_overdue": row.days_overdue,
            "intervals_overdue": row.intervals_overdue,
        },
        due=row.due_at,
        subject_id=row.rule,
    )


def cadence_alerts(
    portfolio: Portfolio,
    *,
    as_of: dt.datetime,
    policy: CadencePolicy = CadencePolicy(),
    tiers: Mapping[str, str] | None = None,
) -> tuple[Alert, ...]:
    """One `Alert` per overdue rule of `cadence_status`, in the canonical alert order.

    Kind ``cadence``, code ``cadence_overdue`` (see `CADENCE_CODES`), ``subject_id`` the
    rule's name, ``due`` its due time. Severity ``watch``; ``warning`` when overdue by a
    whole further interval or more (``intervals_overdue >= 1``), kamlib's own choice.
    Evidence: ``rule``, ``every_days``, ``phase``, ``months_since_start``,
    ``phase_start``, ``last_contact_at``, ``last_contact_id``, ``days_overdue``,
    ``intervals_overdue``.

    Args:
        portfolio: The records.
        as_of: Timezone-aware time of the review.
        policy: Which rules apply (see `CadencePolicy`).
        tiers: Account id to tier name.

    Returns:
        The alerts, through `sort_alerts`.

    Raises:
        InvalidTypeError: As `cadence_status` (paths name ``cadence_alerts``).
        InvalidValueError: As `cadence_status`.
        UnknownIdError: As `cadence_status`.

    Examples:
        >>> import datetime as dt
        >>> from kamlib.model import Account, Portfolio
        >>> from kamlib.operations import cadence_alerts
        >>> acc = Account("A1", "Acme", industry="x", region="y", size_band="large",
        ...               cooperation_start=dt.date(2025, 1, 15))
        >>> pf = Portfolio([acc])
        >>> [(a.subject_id, a.severity.value) for a in cadence_alerts(
        ...     pf, as_of=dt.datetime(2025, 1, 25, tzinfo=dt.UTC))]
        [('formal_contact', 'watch')]
        >>> [(a.subject_id, a.severity.value) for a in cadence_alerts(
        ...     pf, as_of=dt.datetime(2025, 1, 29, tzinfo=dt.UTC))]
        [('formal_contact', 'warning')]
    """
    rows = _status("cadence_alerts", portfolio, as_of, policy, tiers)
    return sort_alerts(_alert(row) for row in rows if row.overdue)
