"""Key-account plans (重点账户规划, source [002]) and how well they are being executed.

Source [002]: a key-account plan is written for the key accounts in four parts —
industry & customer (行业和客户), customer priority (客户优先级), the network today and its
target (人脉资源现状和目标), and opportunities and targets (机会和目标). Its execution is the
first part of the dynamic evaluation (动态评估): industry & customer and customer priority
are reviewed and updated every **3 months**; the network and the opportunities & targets
are updated in real time and assessed every 3 months.

* `AccountPlan`: the four parts, with the network targets (`NetworkTarget`: reach this
  customer person at this closeness by then) and the opportunity targets
  (`OpportunityTarget`: win or build this much, or bring these opportunities to this
  stage, by then);
* `plan_execution`: each target measured from the portfolio as of a moment (the network
  from the stakeholder graph, the opportunities from the account's opportunities), its
  progress and state (`TargetState`: met, on track, behind), the plan's overall progress
  and its 3-month review clock, as a `PlanExecution`;
* `plan_executions`: the same for many plans, one per account, by account id.

The review of the operations layer turns a `PlanExecution` into alerts (targets behind,
a review overdue); the yearly assessment reads `PlanExecution.progress`.
"""

from __future__ import annotations

import datetime as dt
import enum
import math
from collections.abc import Hashable, Iterable, Mapping
from typing import Final, TypeVar

import attrs

from kamlib._dated import add_months, check_as_of, check_portfolio, not_after
from kamlib._validators import check_aware_datetime, check_choice, check_int, check_name, check_real
from kamlib.errors import (
    CurrencyMismatchError,
    DuplicateIdError,
    InvalidTypeError,
    InvalidValueError,
    UnknownIdError,
)
from kamlib.model import Money, Opportunity, OpportunityStage, Portfolio, Side
from kamlib.network import coverage, stakeholder_graph

__all__ = [
    "DEFAULT_PLAN_REVIEW_MONTHS",
    "MAX_PLAN_REVIEW_MONTHS",
    "MET_TOLERANCE",
    "AccountPlan",
    "NetworkTarget",
    "OpportunityTarget",
    "OpportunityTargetKind",
    "PlanExecution",
    "TargetState",
    "TargetStatus",
    "plan_execution",
    "plan_executions",
]

DEFAULT_PLAN_REVIEW_MONTHS: Final = 3
"""Months between two reviews of an account plan: source [002] (3個月評估一次).

The source reviews industry & customer and customer priority every 3 months, and assesses
the network and the opportunities & targets (updated in real time) every 3 months too, so
kamlib keeps one review clock per plan. The default of ``review_months``.

Examples:
    >>> from kamlib.planning import DEFAULT_PLAN_REVIEW_MONTHS
    >>> DEFAULT_PLAN_REVIEW_MONTHS
    3
"""

MAX_PLAN_REVIEW_MONTHS: Final = 1200
"""Longest review interval accepted: a century of months (kamlib's own bound).

Examples:
    >>> from kamlib.planning import MAX_PLAN_REVIEW_MONTHS
    >>> MAX_PLAN_REVIEW_MONTHS // 12
    100
"""

MET_TOLERANCE: Final = 1e-9
"""Relative tolerance of "met" (kamlib's own choice): a target is met when its current value
is at least ``goal * (1 - MET_TOLERANCE)``, so that a product of tie strengths or a sum of
amounts that rounds a hair below its goal still meets it.

Examples:
    >>> from kamlib.planning import MET_TOLERANCE
    >>> 0.1 + 0.2 >= 0.3 * (1 - MET_TOLERANCE)
    True
"""

_T = TypeVar("_T")

_NETWORK: Final = "network"
_OPPORTUNITY: Final = "opportunity"
_STRENGTH: Final = "strength"
_COUNT: Final = "opportunities"

_S = OpportunityStage
_STAGE_RANK: Final[Mapping[OpportunityStage, int]] = {
    _S.LEAD: 0,
    _S.QUALIFIED: 1,
    _S.PROPOSAL: 2,
    _S.NEGOTIATION: 3,
    _S.WON: 4,
}
_TARGET_STAGES: Final = tuple(s.value for s in _STAGE_RANK)


class TargetState(enum.StrEnum):
    """Where a plan target stands at ``as_of``: ``met``, ``on_track`` or ``behind``.

    kamlib flags no "at risk" ahead of the date (its own choice): a plan gives a goal and
    a date, not a path to them; `TargetStatus.gap` and `TargetStatus.time_left` are there
    for a caller who wants an early-warning rule of their own.

    Examples:
        >>> from kamlib.planning import TargetState
        >>> [s.value for s in TargetState]
        ['met', 'on_track', 'behind']
    """

    MET = "met"
    """The current value reaches the goal (whenever that happened: the records keep no
    history, so a target met after its ``by`` is met)."""
    ON_TRACK = "on_track"
    """Not met, and its ``by`` has not passed (``as_of <= by``)."""
    BEHIND = "behind"
    """Not met, and its ``by`` has passed (``as_of > by``)."""


class OpportunityTargetKind(enum.StrEnum):
    """The kinds of opportunity target (机会和目标) kamlib measures (kamlib's own set).

    Examples:
        >>> from kamlib.planning import OpportunityTargetKind
        >>> [k.value for k in OpportunityTargetKind]
        ['won_value', 'pipeline_value', 'stage_reached']
    """

    WON_VALUE = "won_value"
    """The summed size of the account's won opportunities reaches a value."""
    PIPELINE_VALUE = "pipeline_value"
    """The summed size of the account's open opportunities (neither won nor lost) reaches a
    value."""
    STAGE_REACHED = "stage_reached"
    """Named opportunities of the account reach a stage or a later one."""


_KIND_VALUES: Final = tuple(k.value for k in OpportunityTargetKind)
_MONEY_KINDS: Final = frozenset(
    {OpportunityTargetKind.WON_VALUE, OpportunityTargetKind.PIPELINE_VALUE}
)


# ------------------------------------------------------------------------------ converters
def _by(path: str, value: object) -> dt.datetime:
    return check_aware_datetime(path, value)


def _nt_person(value: object) -> str:
    return check_name("NetworkTarget.person_id", value)


def _nt_closeness(value: object) -> float:
    return check_real("NetworkTarget.closeness", value, gt=0.0, le=1.0)


def _nt_by(value: object) -> dt.datetime:
    return _by("NetworkTarget.by", value)


def _ot_kind(value: object) -> OpportunityTargetKind:
    if isinstance(value, OpportunityTargetKind):
        return value
    return OpportunityTargetKind(check_choice("OpportunityTarget.kind", value, _KIND_VALUES))


def _ot_by(value: object) -> dt.datetime:
    return _by("OpportunityTarget.by", value)


def _ot_value(value: object) -> Money | None:
    if value is None:
        return None
    if not isinstance(value, Money):
        raise InvalidTypeError("OpportunityTarget.value", value, "must be Money or None")
    return value


def _ot_ids(value: object) -> tuple[str, ...]:
    path = "OpportunityTarget.opportunity_ids"
    if isinstance(value, str | Mapping) or not isinstance(value, Iterable):
        raise InvalidTypeError(path, value, "must be a collection of opportunity ids (str)")
    items = tuple(value)
    for i, v in enumerate(items):
        check_name(f"{path}[{i}]", v)
    return tuple(sorted(set(items)))  # a set of ids: sorted, so equal sets are equal


def _ot_stage(value: object) -> OpportunityStage | None:
    if value is None or (isinstance(value, OpportunityStage) and value in _STAGE_RANK):
        return value
    return OpportunityStage(check_choice("OpportunityTarget.stage", value, _TARGET_STAGES))


# ------------------------------------------------------------------------------ targets
@attrs.frozen
class NetworkTarget:
    """Reach one customer person at a closeness by a time (人脉资源现状和目标, source [002]).

    **Closeness** is kamlib's choice of measure: the strength of our strongest influence
    path to the person in the stakeholder graph, from any of our active staff (the product
    of the tie strengths along it, in [0, 1]), as [`coverage`][kamlib.network.coverage]
    computes it — a direct tie of strength 0.6 and a two-step path 1.0 x 0.6 both give 0.6.
    It is measured from the portfolio's relationships, so it moves as the network is
    updated (the source's "real time"); the 0-10 portrait score
    [`Portrait.closeness`][kamlib.model.Portrait] is a judgement recorded by hand and is
    not read here.

    Attributes:
        person_id: The customer person (a [`KeyPerson`][kamlib.model.KeyPerson] of the
            plan's account, side ``customer``).
        closeness: The path strength to reach, in ``(0, 1]``.
        by: When it should be reached (timezone-aware).

    Raises:
        InvalidTypeError: A field of the wrong type.
        InvalidValueError: An empty person id; a closeness outside ``(0, 1]``; a naive
            ``by``.

    Examples:
        >>> import datetime as dt
        >>> from kamlib.planning import NetworkTarget
        >>> NetworkTarget("P1", 0.6, dt.datetime(2025, 6, 30, tzinfo=dt.UTC)).closeness
        0.6
        >>> NetworkTarget("P1", 0, dt.datetime(2025, 6, 30, tzinfo=dt.UTC))
        Traceback (most recent call last):
        ...
        kamlib.errors.InvalidValueError: NetworkTarget.closeness: must be a real number \
in (0, 1]; got 0
    """

    person_id: str = attrs.field(converter=_nt_person)
    closeness: float = attrs.field(converter=_nt_closeness)
    by: dt.datetime = attrs.field(converter=_nt_by)

    @property
    def label(self) -> str:
        """A short description for a message, e.g. ``"closeness to P1 >= 0.6"``.

        Examples:
            >>> import datetime as dt
            >>> from kamlib.planning import NetworkTarget
            >>> NetworkTarget("P1", 0.6, dt.datetime(2025, 6, 30, tzinfo=dt.UTC)).label
            'closeness to P1 >= 0.6'
        """
        return f"closeness to {self.person_id} >= {self.closeness:g}"


@attrs.frozen
class OpportunityTarget:
    """What to win or build in the account by a time (机会和目标, source [002]).

    Three kinds (kamlib's own set, `OpportunityTargetKind`); use the named constructors:

    * `OpportunityTarget.won`: the summed ``size`` of the account's **won** opportunities
      reaches ``value``;
    * `OpportunityTarget.pipeline`: the summed ``size`` of its **open** opportunities
      (neither won nor lost) reaches ``value``;
    * `OpportunityTarget.reaching`: the named opportunities reach ``stage`` or a later one
      (lead < qualified < proposal < negotiation < won; a lost opportunity reaches none).

    Attributes:
        kind: The `OpportunityTargetKind`.
        by: When it should be reached (timezone-aware).
        value: The amount to reach (``won_value``, ``pipeline_value``), ``> 0``; ``None``
            for ``stage_reached``.
        opportunity_ids: The opportunities of ``stage_reached`` (a set: sorted, duplicates
            dropped); ``()`` for the value kinds.
        stage: The stage of ``stage_reached`` (any but ``lost``); ``None`` for the value
            kinds.

    Raises:
        InvalidTypeError: A field of the wrong type.
        InvalidValueError: An unknown kind; a naive ``by``; a value kind without a
            positive ``value`` or with ids or a stage; ``stage_reached`` without ids or a
            stage, with a ``value``, or with the stage ``lost``.

    Examples:
        >>> import datetime as dt
        >>> from kamlib.model import Money
        >>> from kamlib.planning import OpportunityTarget
        >>> t = OpportunityTarget.won(Money(1e6, "CNY"), dt.datetime(2025, 12, 31, tzinfo=dt.UTC))
        >>> t.kind.value, t.goal
        ('won_value', 1000000.0)
        >>> OpportunityTarget("won_value", dt.datetime(2025, 12, 31, tzinfo=dt.UTC))
        Traceback (most recent call last):
        ...
        kamlib.errors.InvalidValueError: OpportunityTarget.value: is required for a won_value \
target; got None
    """

    kind: OpportunityTargetKind = attrs.field(converter=_ot_kind)
    by: dt.datetime = attrs.field(converter=_ot_by)
    value: Money | None = attrs.field(default=None, converter=_ot_value)
    opportunity_ids: tuple[str, ...] = attrs.field(default=(), converter=_ot_ids)
    stage: OpportunityStage | None = attrs.field(default=None, converter=_ot_stage)

    def __attrs_post_init__(self) -> None:
        kind = self.kind.value
        if self.kind in _MONEY_KINDS:
            if self.value is None:
                raise InvalidValueError(
                    "OpportunityTarget.value", None, f"is required for a {kind} target"
                )
            if not self.value.amount > 0:
                raise InvalidValueError(
                    "OpportunityTarget.value.amount", self.value.amount, "must be > 0"
                )
            if self.opportunity_ids:
                raise InvalidValueError(
                    "OpportunityTarget.opportunity_ids",
                    self.opportunity_ids,
                    f"must be empty for a {kind} target",
                )
            if self.stage is not None:
                raise InvalidValueError(
                    "OpportunityTarget.stage", self.stage.value, f"must be None for a {kind} target"
                )
            return
        if self.value is not None:
            raise InvalidValueError(
                "OpportunityTarget.value", self.value, f"must be None for a {kind} target"
            )
        if not self.opportunity_ids:
            raise InvalidValueError(
                "OpportunityTarget.opportunity_ids",
                (),
                f"needs at least one id for a {kind} target",
            )
        if self.stage is None:
            raise InvalidValueError(
                "OpportunityTarget.stage", None, f"is required for a {kind} target"
            )

    @classmethod
    def won(cls, value: Money, by: dt.datetime) -> OpportunityTarget:
        """A ``won_value`` target: the account's won opportunities sum to ``value`` by ``by``.

        Examples:
            >>> import datetime as dt
            >>> from kamlib.model import Money
            >>> from kamlib.planning import OpportunityTarget
            >>> by = dt.datetime(2025, 9, 30, tzinfo=dt.UTC)
            >>> OpportunityTarget.won(Money(5e5, "USD"), by).label
            'won value >= 500000 USD'
        """
        return cls(OpportunityTargetKind.WON_VALUE, by, value=value)

    @classmethod
    def pipeline(cls, value: Money, by: dt.datetime) -> OpportunityTarget:
        """A ``pipeline_value`` target: the open opportunities sum to ``value`` by ``by``.

        Examples:
            >>> import datetime as dt
            >>> from kamlib.model import Money
            >>> from kamlib.planning import OpportunityTarget
            >>> t = OpportunityTarget.pipeline(Money(2e6, "USD"),
            ...                                dt.datetime(2025, 9, 30, tzinfo=dt.UTC))
            >>> t.kind.value, t.value.currency
            ('pipeline_value', 'USD')
        """
        return cls(OpportunityTargetKind.PIPELINE_VALUE, by, value=value)

    @classmethod
    def reaching(
        cls, opportunity_ids: Iterable[str], stage: OpportunityStage | str, by: dt.datetime
    ) -> OpportunityTarget:
        """A ``stage_reached`` target: the named opportunities reach ``stage`` (or later).

        Examples:
            >>> import datetime as dt
            >>> from kamlib.planning import OpportunityTarget
            >>> t = OpportunityTarget.reaching(["O2", "O1", "O2"], "negotiation",
            ...                                dt.datetime(2025, 9, 30, tzinfo=dt.UTC))
            >>> t.opportunity_ids, t.goal, t.label
            (('O1', 'O2'), 2.0, 'O1, O2 at negotiation or later')
        """
        kind = OpportunityTargetKind.STAGE_REACHED
        return cls(kind, by, opportunity_ids=opportunity_ids, stage=stage)

    @property
    def goal(self) -> float:
        """The number to reach: the amount of ``value``, or the number of opportunities.

        Examples:
            >>> import datetime as dt
            >>> from kamlib.model import Money
            >>> from kamlib.planning import OpportunityTarget
            >>> OpportunityTarget.won(Money(10, "USD"), dt.datetime(2025, 1, 1, tzinfo=dt.UTC)).goal
            10.0
        """
        if self.value is not None:
            return float(self.value.amount)
        return float(len(self.opportunity_ids))

    @property
    def unit(self) -> str:
        """The unit of `goal`: the currency code, or ``"opportunities"``.

        Examples:
            >>> import datetime as dt
            >>> from kamlib.planning import OpportunityTarget
            >>> OpportunityTarget.reaching(["O1"], "won",
            ...                            dt.datetime(2025, 1, 1, tzinfo=dt.UTC)).unit
            'opportunities'
        """
        return _COUNT if self.value is None else self.value.currency

    @property
    def label(self) -> str:
        """A short description for a message.

        Examples:
            >>> import datetime as dt
            >>> from kamlib.model import Money
            >>> from kamlib.planning import OpportunityTarget
            >>> OpportunityTarget.pipeline(Money(2.5e6, "CNY"),
            ...                            dt.datetime(2025, 1, 1, tzinfo=dt.UTC)).label
            'pipeline value >= 2500000 CNY'
        """
        if self.value is not None:
            what = "won value" if self.kind is OpportunityTargetKind.WON_VALUE else "pipeline value"
            return f"{what} >= {self.value.amount:.15g} {self.value.currency}"
        assert self.stage is not None
        return f"{', '.join(self.opportunity_ids)} at {self.stage.value} or later"


def _network_key(t: NetworkTarget) -> tuple[str, dt.datetime, float]:
    return (t.person_id, t.by, t.closeness)


def _opportunity_key(
    t: OpportunityTarget,
) -> tuple[str, dt.datetime, str, float, int, tuple[str, ...]]:
    currency, amount = ("", 0.0) if t.value is None else (t.value.currency, float(t.value.amount))
    stage = -1 if t.stage is None else _STAGE_RANK[t.stage]
    return (t.kind.value, t.by, currency, amount, stage, t.opportunity_ids)


def _targets(path: str, value: object, cls: type[_T]) -> tuple[_T, ...]:
    name = cls.__name__
    if isinstance(value, str | Mapping) or not isinstance(value, Iterable):
        raise InvalidTypeError(path, value, f"must be a collection of {name}")
    items = tuple(value)
    seen: dict[object, int] = {}
    for i, t in enumerate(items):
        if not isinstance(t, cls):
            raise InvalidTypeError(f"{path}[{i}]", t, f"must be a {name}")
        if t in seen:
            raise DuplicateIdError(f"{path}[{i}]", t, f"repeats {path}[{seen[t]}]")
        seen[t] = i
    return items


def _network_targets(value: object) -> tuple[NetworkTarget, ...]:
    items = _targets("AccountPlan.network_targets", value, NetworkTarget)
    return tuple(sorted(items, key=_network_key))


def _opportunity_targets(value: object) -> tuple[OpportunityTarget, ...]:
    path = "AccountPlan.opportunity_targets"
    items = _targets(path, value, OpportunityTarget)
    currency: str | None = None
    for i, t in enumerate(items):
        if t.value is None:
            continue
        if currency is None:
            currency = t.value.currency
        elif t.value.currency != currency:
            raise CurrencyMismatchError(
                f"{path}[{i}].value.currency",
                t.value.currency,
                f"the plan's money targets are in {currency}: one currency per plan",
            )
    return tuple(sorted(items, key=_opportunity_key))


def _plan_account(value: object) -> str:
    return check_name("AccountPlan.account_id", value)


def _plan_written(value: object) -> dt.datetime:
    return check_aware_datetime("AccountPlan.written_at", value)


def _plan_priority(value: object) -> int:
    return check_int("AccountPlan.priority", value, ge=1)


def _plan_notes(value: object) -> str:
    if not isinstance(value, str):
        raise InvalidTypeError("AccountPlan.industry_and_customer", value, "must be a str")
    return value


def _plan_reviewed(value: object) -> dt.datetime | None:
    return None if value is None else check_aware_datetime("AccountPlan.last_reviewed_at", value)


def _plan_owner(value: object) -> str | None:
    return None if value is None else check_name("AccountPlan.owner_id", value)


# ------------------------------------------------------------------------------ the plan
@attrs.frozen
class AccountPlan:
    """A key-account plan (重点账户规划): the four parts of source [002].

    * **industry & customer** (行业和客户): ``industry_and_customer``, free notes;
    * **customer priority** (客户优先级): ``priority``, an int rank, **1 the highest**
      (kamlib's own representation: the source names the part, not its scale; equal
      numbers are equal priority, so a company may use 1-3 as levels or 1..n as a ranking);
    * **the network today and its target** (人脉资源现状和目标): ``network_targets``; the
      network today is the portfolio's stakeholder graph, which `plan_execution` reads;
    * **opportunities and targets** (机会和目标): ``opportunity_targets``; the opportunities
      are the portfolio's.

    The targets are kept in a canonical order (network by person, time, closeness;
    opportunity by kind, time, value, stage, ids), so the order they were given in never
    shows; the same target twice is refused. The money targets of one plan share one
    currency.

    Attributes:
        account_id: The account the plan is for.
        written_at: When the plan was written (timezone-aware).
        priority: Customer priority, an int ``>= 1`` (1 highest).
        industry_and_customer: Notes on the industry and the customer.
        network_targets: The `NetworkTarget` records.
        opportunity_targets: The `OpportunityTarget` records.
        last_reviewed_at: When the plan was last reviewed; ``None``: never since written
            (the review clock then starts at ``written_at``).
        owner_id: The team member who owns the plan, if any.

    Raises:
        InvalidTypeError: A field of the wrong type; a target of the wrong class.
        InvalidValueError: An empty id; a naive time; a priority below 1; a review before
            ``written_at``; a target due before ``written_at``.
        DuplicateIdError: The same target twice.
        CurrencyMismatchError: Money targets in two currencies.

    Examples:
        >>> import datetime as dt
        >>> from kamlib.model import Money
        >>> from kamlib.planning import AccountPlan, NetworkTarget, OpportunityTarget
        >>> t0 = dt.datetime(2025, 1, 6, tzinfo=dt.UTC)
        >>> june = dt.datetime(2025, 6, 30, tzinfo=dt.UTC)
        >>> plan = AccountPlan("A1", t0, priority=1,
        ...                    industry_and_customer="Retail; expanding to the north",
        ...                    network_targets=[NetworkTarget("P2", 0.5, june),
        ...                                     NetworkTarget("P1", 0.6, june)],
        ...                    opportunity_targets=[OpportunityTarget.won(Money(1e6, "CNY"), june)])
        >>> [t.person_id for t in plan.network_targets]
        ['P1', 'P2']
        >>> AccountPlan("A1", t0, priority=0)
        Traceback (most recent call last):
        ...
        kamlib.errors.InvalidValueError: AccountPlan.priority: must be an int in [1, inf); got 0
    """

    account_id: str = attrs.field(converter=_plan_account)
    written_at: dt.datetime = attrs.field(converter=_plan_written)
    priority: int = attrs.field(kw_only=True, converter=_plan_priority)
    industry_and_customer: str = attrs.field(default="", kw_only=True, converter=_plan_notes)
    network_targets: tuple[NetworkTarget, ...] = attrs.field(
        default=(), kw_only=True, converter=_network_targets
    )
    opportunity_targets: tuple[OpportunityTarget, ...] = attrs.field(
        default=(), kw_only=True, converter=_opportunity_targets
    )
    last_reviewed_at: dt.datetime | None = attrs.field(
        default=None, kw_only=True, converter=_plan_reviewed
    )
    owner_id: str | None = attrs.field(default=None, kw_only=True, converter=_plan_owner)

    def __attrs_post_init__(self) -> None:
        written = self.written_at
        if self.last_reviewed_at is not None and self.last_reviewed_at < written:
            raise InvalidValueError(
                "AccountPlan.last_reviewed_at",
                self.last_reviewed_at,
                f"is before written_at ({written.isoformat()})",
            )
        targets: tuple[tuple[str, tuple[NetworkTarget | OpportunityTarget, ...]], ...] = (
            ("network_targets", self.network_targets),
            ("opportunity_targets", self.opportunity_targets),
        )
        for name, items in targets:
            for i, t in enumerate(items):
                if t.by < written:
                    raise InvalidValueError(
                        f"AccountPlan.{name}[{i}].by",
                        t.by,
                        f"is before written_at ({written.isoformat()}): a target is set ahead",
                    )

    @property
    def review_from(self) -> dt.datetime:
        """Where the review clock starts: ``last_reviewed_at``, else ``written_at``.

        Examples:
            >>> import datetime as dt
            >>> from kamlib.planning import AccountPlan
            >>> t0 = dt.datetime(2025, 1, 6, tzinfo=dt.UTC)
            >>> AccountPlan("A1", t0, priority=2).review_from == t0
            True
        """
        return self.written_at if self.last_reviewed_at is None else self.last_reviewed_at

    def reviewed(self, at: dt.datetime) -> AccountPlan:
        """The plan reviewed at ``at``: a copy with ``last_reviewed_at = at``.

        Raises:
            InvalidValueError: A naive ``at``, or one before ``written_at``.

        Examples:
            >>> import datetime as dt
            >>> from kamlib.planning import AccountPlan
            >>> t0 = dt.datetime(2025, 1, 6, tzinfo=dt.UTC)
            >>> plan = AccountPlan("A1", t0, priority=2).reviewed(t0 + dt.timedelta(days=90))
            >>> plan.last_reviewed_at.date()
            datetime.date(2025, 4, 6)
        """
        return attrs.evolve(self, last_reviewed_at=at)


# ------------------------------------------------------------------------------ results
@attrs.frozen
class TargetStatus:
    """One target of a plan measured at ``as_of``.

    Attributes:
        part: ``"network"`` or ``"opportunity"``.
        index: Position of the target in the plan's ``network_targets`` or
            ``opportunity_targets`` (the plan keeps them in canonical order).
        target: The `NetworkTarget` or `OpportunityTarget`.
        goal: The number to reach (closeness, amount, or number of opportunities).
        current: The number measured at ``as_of``, ``>= 0``.
        unit: ``"strength"``, the currency code, or ``"opportunities"``.
        progress: ``current / goal`` capped at 1, and 1 exactly when met; in ``[0, 1]``.
        state: The `TargetState`.
        time_left: ``by - as_of``: negative once ``by`` has passed.

    Examples:
        >>> import datetime as dt
        >>> from kamlib.planning import NetworkTarget, TargetStatus
        >>> by = dt.datetime(2025, 6, 30, tzinfo=dt.UTC)
        >>> s = TargetStatus("network", 0, NetworkTarget("P1", 0.8, by), 0.8, 0.2,
        ...                  "strength", 0.25, "behind", dt.timedelta(days=-1))
        >>> s.by == by, round(s.gap, 2), s.behind
        (True, 0.6, True)
    """

    part: str
    index: int
    target: NetworkTarget | OpportunityTarget
    goal: float
    current: float
    unit: str
    progress: float
    state: TargetState = attrs.field(converter=TargetState)
    time_left: dt.timedelta

    @property
    def by(self) -> dt.datetime:
        """When the target should be reached.

        Examples:
            >>> import datetime as dt
            >>> from kamlib.planning import NetworkTarget, TargetStatus
            >>> by = dt.datetime(2025, 6, 30, tzinfo=dt.UTC)
            >>> TargetStatus("network", 0, NetworkTarget("P1", 0.8, by), 0.8, 0.8,
            ...              "strength", 1.0, "met", dt.timedelta(0)).by.date()
            datetime.date(2025, 6, 30)
        """
        return self.target.by

    @property
    def gap(self) -> float:
        """How much is missing: ``goal - current``, ``0.0`` when met.

        Examples:
            >>> import datetime as dt
            >>> from kamlib.planning import NetworkTarget, TargetStatus
            >>> by = dt.datetime(2025, 6, 30, tzinfo=dt.UTC)
            >>> TargetStatus("network", 0, NetworkTarget("P1", 0.5, by), 0.5, 0.9,
            ...              "strength", 1.0, "met", dt.timedelta(0)).gap
            0.0
        """
        return 0.0 if self.state is TargetState.MET else self.goal - self.current

    @property
    def met(self) -> bool:
        """Whether the state is ``met``.

        Examples:
            >>> import datetime as dt
            >>> from kamlib.planning import NetworkTarget, TargetStatus
            >>> by = dt.datetime(2025, 6, 30, tzinfo=dt.UTC)
            >>> TargetStatus("network", 0, NetworkTarget("P1", 0.5, by), 0.5, 0.5,
            ...              "strength", 1.0, "met", dt.timedelta(0)).met
            True
        """
        return self.state is TargetState.MET

    @property
    def behind(self) -> bool:
        """Whether the state is ``behind`` (not met and ``by`` has passed).

        Examples:
            >>> import datetime as dt
            >>> from kamlib.planning import NetworkTarget, TargetStatus
            >>> by = dt.datetime(2025, 6, 30, tzinfo=dt.UTC)
            >>> TargetStatus("network", 0, NetworkTarget("P1", 0.5, by), 0.5, 0.1,
            ...              "strength", 0.2, "on_track", dt.timedelta(days=3)).behind
            False
        """
        return self.state is TargetState.BEHIND

    @property
    def label(self) -> str:
        """The target's label, e.g. ``"closeness to P1 >= 0.6"``.

        Examples:
            >>> import datetime as dt
            >>> from kamlib.planning import NetworkTarget, TargetStatus
            >>> by = dt.datetime(2025, 6, 30, tzinfo=dt.UTC)
            >>> TargetStatus("network", 0, NetworkTarget("P1", 0.6, by), 0.6, 0.1,
            ...              "strength", 0.2, "on_track", dt.timedelta(days=3)).label
            'closeness to P1 >= 0.6'
        """
        return self.target.label


@attrs.frozen
class PlanExecution:
    """How one account plan is being executed at ``as_of`` (账户规划执行评估, source [002]).

    What the review needs for its alerts: `behind` (each with its ``by``, ``goal``,
    ``current`` and ``gap``), `review_due_at` and `review_overdue`; what the yearly
    assessment reads: ``progress``.

    Attributes:
        account_id: The plan's account.
        as_of: The moment measured.
        priority: The plan's customer priority (1 highest).
        owner_id: The plan's owner, if any.
        targets: One `TargetStatus` per target: the network targets, then the opportunity
            targets, each in the plan's canonical order.
        progress: The mean of the targets' progress, in ``[0, 1]`` (each target weighs the
            same; kamlib's own choice). A plan without targets has progress ``0.0``
            (kamlib's own choice: nothing planned is nothing achieved, so an account cannot
            score full marks by setting no targets); see `empty`.
        last_reviewed_at: The plan's last review, or ``None`` (never since written).
        review_due_at: When the next review is due: ``review_months`` calendar months after
            the last review, or after ``written_at`` when never reviewed.
        review_months: The review interval used (source [002]: 3).

    Examples:
        >>> import datetime as dt
        >>> from kamlib.planning import PlanExecution
        >>> t = dt.datetime(2025, 4, 6, tzinfo=dt.UTC)
        >>> e = PlanExecution("A1", t, 1, None, (), 0.0, None, t, 3)
        >>> e.empty, e.review_due, e.review_overdue
        (True, True, False)
    """

    account_id: str
    as_of: dt.datetime
    priority: int
    owner_id: str | None
    targets: tuple[TargetStatus, ...]
    progress: float
    last_reviewed_at: dt.datetime | None
    review_due_at: dt.datetime
    review_months: int

    @property
    def empty(self) -> bool:
        """Whether the plan has no target at all.

        Examples:
            >>> import datetime as dt
            >>> from kamlib.planning import PlanExecution
            >>> t = dt.datetime(2025, 4, 6, tzinfo=dt.UTC)
            >>> PlanExecution("A1", t, 1, None, (), 0.0, None, t, 3).empty
            True
        """
        return not self.targets

    @property
    def network(self) -> tuple[TargetStatus, ...]:
        """The statuses of the network targets.

        Examples:
            >>> import datetime as dt
            >>> from kamlib.planning import PlanExecution
            >>> t = dt.datetime(2025, 4, 6, tzinfo=dt.UTC)
            >>> PlanExecution("A1", t, 1, None, (), 0.0, None, t, 3).network
            ()
        """
        return tuple(s for s in self.targets if s.part == _NETWORK)

    @property
    def opportunities(self) -> tuple[TargetStatus, ...]:
        """The statuses of the opportunity targets.

        Examples:
            >>> import datetime as dt
            >>> from kamlib.planning import PlanExecution
            >>> t = dt.datetime(2025, 4, 6, tzinfo=dt.UTC)
            >>> PlanExecution("A1", t, 1, None, (), 0.0, None, t, 3).opportunities
            ()
        """
        return tuple(s for s in self.targets if s.part == _OPPORTUNITY)

    @property
    def behind(self) -> tuple[TargetStatus, ...]:
        """The targets behind (not met, ``by`` passed), earliest ``by`` first.

        Ties by part (network first) and index.

        Examples:
            >>> import datetime as dt
            >>> from kamlib.planning import PlanExecution
            >>> t = dt.datetime(2025, 4, 6, tzinfo=dt.UTC)
            >>> PlanExecution("A1", t, 1, None, (), 0.0, None, t, 3).behind
            ()
        """
        late = [s for s in self.targets if s.state is TargetState.BEHIND]
        return tuple(sorted(late, key=lambda s: (s.by, s.part != _NETWORK, s.index)))

    @property
    def met_count(self) -> int:
        """How many targets are met.

        Examples:
            >>> import datetime as dt
            >>> from kamlib.planning import PlanExecution
            >>> t = dt.datetime(2025, 4, 6, tzinfo=dt.UTC)
            >>> PlanExecution("A1", t, 1, None, (), 0.0, None, t, 3).met_count
            0
        """
        return sum(s.state is TargetState.MET for s in self.targets)

    @property
    def review_due(self) -> bool:
        """Whether the review is due: ``as_of >= review_due_at`` (exactly at it: due).

        Examples:
            >>> import datetime as dt
            >>> from kamlib.planning import PlanExecution
            >>> t = dt.datetime(2025, 4, 6, tzinfo=dt.UTC)
            >>> PlanExecution("A1", t, 1, None, (), 0.0, None, t + dt.timedelta(1), 3).review_due
            False
        """
        return self.as_of >= self.review_due_at

    @property
    def review_overdue(self) -> bool:
        """Whether the review is overdue: ``as_of > review_due_at`` (exactly at it: not).

        Examples:
            >>> import datetime as dt
            >>> from kamlib.planning import PlanExecution
            >>> t = dt.datetime(2025, 4, 6, tzinfo=dt.UTC)
            >>> e = PlanExecution("A1", t, 1, None, (), 0.0, None, t - dt.timedelta(1), 3)
            >>> e.review_overdue
            True
        """
        return self.as_of > self.review_due_at

    @property
    def review_overdue_by(self) -> dt.timedelta:
        """How long past due the review is at ``as_of`` (zero when not overdue).

        Examples:
            >>> import datetime as dt
            >>> from kamlib.planning import PlanExecution
            >>> t = dt.datetime(2025, 4, 6, tzinfo=dt.UTC)
            >>> e = PlanExecution("A1", t, 1, None, (), 0.0, None, t - dt.timedelta(2), 3)
            >>> e.review_overdue_by.days
            2
        """
        return max(self.as_of - self.review_due_at, dt.timedelta(0))


# ------------------------------------------------------------------------------ execution
def _review_months(path: str, value: object) -> int:
    return check_int(path, value, ge=1, le=MAX_PLAN_REVIEW_MONTHS)


def _state(met: bool, as_of: dt.datetime, by: dt.datetime) -> TargetState:
    if met:
        return TargetState.MET
    return TargetState.BEHIND if as_of > by else TargetState.ON_TRACK


def _status(
    part: str,
    index: int,
    target: NetworkTarget | OpportunityTarget,
    goal: float,
    current: float,
    unit: str,
    as_of: dt.datetime,
) -> TargetStatus:
    met = current >= goal * (1.0 - MET_TOLERANCE)
    progress = 1.0 if met else min(max(current / goal, 0.0), 1.0)
    return TargetStatus(
        part,
        index,
        target,
        goal,
        current,
        unit,
        progress,
        _state(met, as_of, target.by),
        target.by - as_of,
    )


def _strengths(
    portfolio: Portfolio, account_id: str, as_of: dt.datetime
) -> Mapping[Hashable, float]:
    """Our strongest path strength to every person of the account's graph at ``as_of``."""
    G = stakeholder_graph(portfolio, account_id=account_id, as_of=as_of)
    return coverage(G).strengths


def _check_person(path: str, portfolio: Portfolio, account_id: str, person_id: str) -> None:
    try:
        p = portfolio.person(person_id)
    except UnknownIdError:
        raise UnknownIdError(path, person_id, "is not a person of the portfolio") from None
    if p.side is not Side.CUSTOMER or p.account_id != account_id:
        where = f"side {p.side.value}" if p.side is not Side.CUSTOMER else f"of {p.account_id!r}"
        raise UnknownIdError(
            path, person_id, f"is not a customer person of account {account_id!r} ({where})"
        )


def _money_current(
    path: str, target: OpportunityTarget, opportunities: Iterable[Opportunity]
) -> float:
    assert target.value is not None
    currency = target.value.currency
    won = target.kind is OpportunityTargetKind.WON_VALUE
    amounts = []
    for o in opportunities:
        counted = o.stage is _S.WON if won else o.is_open
        if not counted:
            continue
        if o.size.currency != currency:
            raise CurrencyMismatchError(
                path,
                currency,
                f"cannot be compared with opportunity {o.id!r} of the account, in "
                f"{o.size.currency}",
            )
        amounts.append(float(o.size.amount))
    try:
        return math.fsum(amounts)  # exactly rounded: the order of the records never shows
    except OverflowError:
        raise InvalidValueError(
            path.removesuffix(".currency"),
            target.value.amount,
            "cannot be measured: the opportunities it sums exceed the float range",
        ) from None


def _stage_current(
    path: str,
    target: OpportunityTarget,
    account_id: str,
    by_id: Mapping[str, Opportunity],
) -> float:
    assert target.stage is not None
    needed = _STAGE_RANK[target.stage]
    reached = 0
    for j, oid in enumerate(target.opportunity_ids):
        o = by_id.get(oid)
        if o is None:
            raise UnknownIdError(
                f"{path}.opportunity_ids[{j}]",
                oid,
                f"is not an opportunity of account {account_id!r}",
            )
        rank = _STAGE_RANK.get(o.stage)  # lost: None, reaches no stage
        reached += rank is not None and rank >= needed
    return float(reached)


def _execute(
    plan: AccountPlan,
    portfolio: Portfolio,
    as_of: dt.datetime,
    months: int,
    path: str,
    where: str,
) -> PlanExecution:
    """Measure ``plan`` (its errors name ``path``; a ``review_months`` error names ``where``)."""
    not_after(f"{path}.written_at", plan.written_at, as_of)
    if plan.last_reviewed_at is not None:
        not_after(f"{path}.last_reviewed_at", plan.last_reviewed_at, as_of)
    account_id = plan.account_id
    try:
        portfolio.account(account_id)
    except UnknownIdError:
        raise UnknownIdError(
            f"{path}.account_id", account_id, "is not an account of the portfolio"
        ) from None
    statuses: list[TargetStatus] = []
    if plan.network_targets:
        for i, nt in enumerate(plan.network_targets):
            _check_person(
                f"{path}.network_targets[{i}].person_id", portfolio, account_id, nt.person_id
            )
        strengths = _strengths(portfolio, account_id, as_of)
        for i, nt in enumerate(plan.network_targets):
            current = strengths.get(nt.person_id, 0.0)
            statuses.append(_status(_NETWORK, i, nt, nt.closeness, current, _STRENGTH, as_of))
    if plan.opportunity_targets:
        opps = sorted(portfolio.opportunities_of(account_id), key=lambda o: o.id)
        by_id = {o.id: o for o in opps}
        for i, ot in enumerate(plan.opportunity_targets):
            target_path = f"{path}.opportunity_targets[{i}]"
            if ot.kind is OpportunityTargetKind.STAGE_REACHED:
                current = _stage_current(target_path, ot, account_id, by_id)
            else:
                current = _money_current(f"{target_path}.value.currency", ot, opps)
            statuses.append(_status(_OPPORTUNITY, i, ot, ot.goal, current, ot.unit, as_of))
    progress = math.fsum(s.progress for s in statuses) / len(statuses) if statuses else 0.0
    start = plan.review_from
    try:
        due_at = add_months(start, months)
    except InvalidValueError:
        raise InvalidValueError(
            f"{where}.review_months",
            months,
            f"moves the review from {start.isoformat()} out of the calendar",
        ) from None
    return PlanExecution(
        account_id=account_id,
        as_of=as_of,
        priority=plan.priority,
        owner_id=plan.owner_id,
        targets=tuple(statuses),
        progress=min(max(progress, 0.0), 1.0),
        last_reviewed_at=plan.last_reviewed_at,
        review_due_at=due_at,
        review_months=months,
    )


def plan_execution(
    plan: AccountPlan,
    portfolio: Portfolio,
    *,
    as_of: dt.datetime,
    review_months: int = DEFAULT_PLAN_REVIEW_MONTHS,
) -> PlanExecution:
    """How a key-account plan is being executed at ``as_of`` (source [002]).

    Each target is measured from ``portfolio``, read as the state of the account at
    ``as_of`` (relationships and opportunities carry no dates; a person who left on or
    before ``as_of``'s day is inactive):

    * a `NetworkTarget`: our strongest influence-path strength to the person in the
      account's [`stakeholder_graph`][kamlib.network.stakeholder_graph] as of ``as_of``,
      from any of our active staff, through active people who are not a competitor's
      staff ([`coverage`][kamlib.network.coverage]); a person who has left scores 0;
    * an `OpportunityTarget`: the summed size of the account's won (or open)
      opportunities, or the number of the named opportunities at the stage or later.

    A target is **met** when the current value reaches its goal (within `MET_TOLERANCE`),
    **behind** when not met and ``as_of > by``, else **on track** (exactly at ``by``: on
    track). Its progress is ``current / goal``, capped at 1; the plan's progress is the
    mean over its targets (0 for a plan without targets).

    The review (source [002]: every 3 months) is due ``review_months`` calendar months
    after the last review, or after ``written_at`` if never reviewed
    (calendar months, the day clamped to the month's end: Jan 31 + 3 months is Apr 30); exactly at
    that time it is due and not overdue, a moment later overdue.

    Args:
        plan: The `AccountPlan`.
        portfolio: The [`Portfolio`][kamlib.model.Portfolio] holding the account.
        as_of: The moment measured (timezone-aware).
        review_months: Months between reviews, in ``[1, MAX_PLAN_REVIEW_MONTHS]``
            (source [002]: `DEFAULT_PLAN_REVIEW_MONTHS`, 3).

    Returns:
        A `PlanExecution`.

    Raises:
        InvalidTypeError: ``plan`` is not an `AccountPlan`, ``portfolio`` not a Portfolio,
            ``as_of`` not a datetime, ``review_months`` not an int.
        InvalidValueError: A naive ``as_of``; a plan written or reviewed after ``as_of``
            (``plan_execution.plan.written_at`` / ``.last_reviewed_at``); ``review_months``
            out of range.
        UnknownIdError: The account is not in the portfolio
            (``plan_execution.plan.account_id``); a network target's person is not a
            customer person of the account (``plan_execution.plan.network_targets[i].person_id``);
            a named opportunity is not one of the account's
            (``plan_execution.plan.opportunity_targets[i].opportunity_ids[j]``).
        CurrencyMismatchError: A money target in another currency than an opportunity it
            sums (``plan_execution.plan.opportunity_targets[i].value.currency``).

    Examples:
        >>> import datetime as dt
        >>> from kamlib.model import (Account, KeyPerson, Money, Opportunity, Portfolio,
        ...                           Relationship)
        >>> from kamlib.planning import (AccountPlan, NetworkTarget, OpportunityTarget,
        ...                              plan_execution)
        >>> acc = Account("A1", "Acme", industry="retail", region="east", size_band="large",
        ...               cooperation_start=dt.date(2024, 1, 1))
        >>> people = [KeyPerson("U1", "Li", "our_staff"),
        ...           KeyPerson("P1", "CEO", "customer", account_id="A1", role="decision_maker")]
        >>> opps = [Opportunity("O1", "A1", "ERP", Money(4e5, "CNY"), "won")]
        >>> p = Portfolio([acc], people, [Relationship("U1", "P1", "influences", 0.3)],
        ...               opportunities=opps)
        >>> t0, by = dt.datetime(2025, 1, 6, tzinfo=dt.UTC), dt.datetime(2025, 3, 31, tzinfo=dt.UTC)
        >>> plan = AccountPlan("A1", t0, priority=1,
        ...                    network_targets=[NetworkTarget("P1", 0.6, by)],
        ...                    opportunity_targets=[OpportunityTarget.won(Money(4e5, "CNY"), by)])
        >>> e = plan_execution(plan, p, as_of=dt.datetime(2025, 4, 7, tzinfo=dt.UTC))
        >>> [(s.label, s.current, s.state.value) for s in e.targets]
        [('closeness to P1 >= 0.6', 0.3, 'behind'), ('won value >= 400000 CNY', 400000.0, 'met')]
        >>> e.progress, e.review_due_at.date(), e.review_overdue
        (0.75, datetime.date(2025, 4, 6), True)
    """
    where = "plan_execution"
    as_of = check_as_of(where, as_of)
    portfolio = check_portfolio(where, portfolio)
    months = _review_months(f"{where}.review_months", review_months)
    if not isinstance(plan, AccountPlan):
        raise InvalidTypeError(f"{where}.plan", plan, "must be an AccountPlan")
    return _execute(plan, portfolio, as_of, months, f"{where}.plan", where)


def plan_executions(
    plans: Iterable[AccountPlan],
    portfolio: Portfolio,
    *,
    as_of: dt.datetime,
    review_months: int = DEFAULT_PLAN_REVIEW_MONTHS,
) -> tuple[PlanExecution, ...]:
    """`plan_execution` for many plans, one per account, sorted by account id.

    Args:
        plans: The `AccountPlan` records, at most one per account.
        portfolio: The [`Portfolio`][kamlib.model.Portfolio].
        as_of: The moment measured (timezone-aware).
        review_months: As in `plan_execution` (source [002]: 3).

    Returns:
        One `PlanExecution` per plan, by account id.

    Raises:
        InvalidTypeError: ``plans`` is not a collection of `AccountPlan`.
        DuplicateIdError: Two plans for one account
            (``plan_executions.plans[i].account_id``).
        InvalidValueError, UnknownIdError, CurrencyMismatchError: As `plan_execution`,
            the path naming the plan (``plan_executions.plans[i]...``).

    Examples:
        >>> import datetime as dt
        >>> from kamlib.model import Account, Portfolio
        >>> from kamlib.planning import AccountPlan, plan_executions
        >>> accs = [Account(a, a, industry="retail", region="east", size_band="large",
        ...                 cooperation_start=dt.date(2024, 1, 1)) for a in ("A1", "A2")]
        >>> t0 = dt.datetime(2025, 1, 31, tzinfo=dt.UTC)
        >>> plans = [AccountPlan("A2", t0, priority=2), AccountPlan("A1", t0, priority=1)]
        >>> [(e.account_id, e.review_due_at.date()) for e in
        ...  plan_executions(plans, Portfolio(accs), as_of=t0)]
        [('A1', datetime.date(2025, 4, 30)), ('A2', datetime.date(2025, 4, 30))]
        >>> plan_executions(plans + [AccountPlan("A1", t0, priority=3)], Portfolio(accs), as_of=t0)
        Traceback (most recent call last):
        ...
        kamlib.errors.DuplicateIdError: plan_executions.plans[2].account_id: has a plan \
already (plans[1]): one plan per account; got 'A1'
    """
    where = "plan_executions"
    as_of = check_as_of(where, as_of)
    portfolio = check_portfolio(where, portfolio)
    months = _review_months(f"{where}.review_months", review_months)
    given: object = plans
    if isinstance(given, AccountPlan | str | Mapping) or not isinstance(given, Iterable):
        raise InvalidTypeError(f"{where}.plans", plans, "must be a collection of AccountPlan")
    items = tuple(given)
    seen: dict[str, int] = {}
    for i, plan in enumerate(items):
        if not isinstance(plan, AccountPlan):
            raise InvalidTypeError(f"{where}.plans[{i}]", plan, "must be an AccountPlan")
        if plan.account_id in seen:
            raise DuplicateIdError(
                f"{where}.plans[{i}].account_id",
                plan.account_id,
                f"has a plan already (plans[{seen[plan.account_id]}]): one plan per account",
            )
        seen[plan.account_id] = i
    out = [
        _execute(p, portfolio, as_of, months, f"{where}.plans[{i}]", where)
        for i, p in enumerate(items)
    ]
    return tuple(sorted(out, key=lambda e: e.account_id))
