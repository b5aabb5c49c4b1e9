"""Key persons and the relationships between them (sources [000], [002])."""

from __future__ import annotations

import datetime as dt

import attrs

from kamlib._validators import instance_of, non_empty_str, optional, real
from kamlib.errors import InvalidValueError
from kamlib.model._account import SCORE_SCALE
from kamlib.model._checks import (
    check_date,
    enum_or_raw,
    exact_real,
    member_of,
    plain_date,
    register_enum_converter,
)
from kamlib.model._enums import DecisionRole, RelationshipKind, Side
from kamlib.model._fast import fast_init

__all__ = ["Portrait", "KeyPerson", "Relationship"]

_LO, _HI = SCORE_SCALE


@fast_init
@attrs.frozen
class Portrait:
    """Key-person portrait (关键人画像), each attribute on `SCORE_SCALE`.

    Source rule [002]: three attributes decide whether a person picks us:
    **relationship closeness** (关系紧密度), **solution acceptance** (方案认可度) and
    **price acceptance** (价格接受度).

    Attributes:
        closeness: How close our relationship with the person is.
        solution_acceptance: How much the person accepts our solution.
        price_acceptance: How much the person accepts our price.

    Examples:
        >>> Portrait(closeness=7, solution_acceptance=8, price_acceptance=4).closeness
        7
    """

    closeness: float = attrs.field(converter=exact_real, validator=real(ge=_LO, le=_HI))
    solution_acceptance: float = attrs.field(converter=exact_real, validator=real(ge=_LO, le=_HI))
    price_acceptance: float = attrs.field(converter=exact_real, validator=real(ge=_LO, le=_HI))


def _to_side(value: Side | str) -> Side:
    return enum_or_raw(Side, value)


register_enum_converter(_to_side, Side)


def _to_role(value: DecisionRole | str | None) -> DecisionRole | None:
    return None if value is None else enum_or_raw(DecisionRole, value)


register_enum_converter(_to_role, DecisionRole, optional=True)


@fast_init
@attrs.frozen
class KeyPerson:
    """A person who matters to an account: a customer contact, our staff or a rival's.

    Source rule [000]: customer people play a role in the decision chain
    (`DecisionRole`); source [002]: influence can come from inside the account
    or from outside (our staff, a competitor's staff), hence `Side`.

    Attributes:
        id: Unique person id.
        name: Display name.
        side: `Side`.
        account_id: The account a customer person works at (required when
            ``side`` is ``customer``; optional otherwise, e.g. the account a
            competitor's salesperson covers).
        title: Job title.
        department: Department.
        role: `DecisionRole` in the account's decision chain, if known.
        portrait: `Portrait`, if assessed.
        left_on: Date the person left the role (inactive from that day on).

    Raises:
        InvalidValueError: A customer person without ``account_id``.

    Examples:
        >>> import datetime as dt
        >>> p = KeyPerson("P1", "Wang Li", "customer", account_id="A1",
        ...               role="decision_maker", left_on=dt.date(2024, 6, 1))
        >>> p.role, p.is_active(dt.date(2024, 5, 31)), p.is_active(dt.date(2024, 6, 1))
        (<DecisionRole.DECISION_MAKER: 'decision_maker'>, True, False)
    """

    id: str = attrs.field(validator=non_empty_str())
    name: str = attrs.field(validator=non_empty_str())
    side: Side = attrs.field(converter=_to_side, validator=member_of(Side))
    account_id: str | None = attrs.field(default=None, validator=optional(non_empty_str()))
    title: str = attrs.field(default="", validator=instance_of(str))
    department: str = attrs.field(default="", validator=instance_of(str))
    role: DecisionRole | None = attrs.field(
        default=None, converter=_to_role, validator=optional(member_of(DecisionRole))
    )
    portrait: Portrait | None = attrs.field(default=None, validator=optional(instance_of(Portrait)))
    left_on: dt.date | None = attrs.field(default=None, validator=optional(plain_date()))

    def __attrs_post_init__(self) -> None:
        if self.side is Side.CUSTOMER and self.account_id is None:
            raise InvalidValueError(
                "KeyPerson.account_id", None, "is required for a customer person"
            )

    def is_active(self, as_of: dt.date) -> bool:
        """Whether the person is still in role on ``as_of`` (before ``left_on``).

        Examples:
            >>> import datetime as dt
            >>> KeyPerson("P", "P", "our_staff").is_active(dt.date(2030, 1, 1))
            True
        """
        day = check_date("KeyPerson.is_active.as_of", as_of)
        return self.left_on is None or day < self.left_on


def _to_rel_kind(value: RelationshipKind | str) -> RelationshipKind:
    return enum_or_raw(RelationshipKind, value)


register_enum_converter(_to_rel_kind, RelationshipKind)


@fast_init
@attrs.frozen
class Relationship:
    """A directed tie between two people (source [002]).

    ``reports_to``: **source reports to target** (汇报关系). ``influences``: **source
    can sway target** (影响力关系), from inside the account or from outside.
    A relationship with an ``opportunity_id`` belongs to that opportunity's decision
    chain only (source [002]: a project can re-route reporting and give a contact new
    influence); without one it is part of the standing network.

    Attributes:
        source_id: Person id at the tail.
        target_id: Person id at the head; differs from ``source_id``.
        kind: `RelationshipKind`.
        strength: In ``[0, 1]``.
        opportunity_id: The opportunity this tie is specific to, if any.

    Raises:
        InvalidValueError: A self-loop.

    Examples:
        >>> r = Relationship("P2", "P1", "reports_to", 1.0)
        >>> r.kind is RelationshipKind.REPORTS_TO
        True
    """

    source_id: str = attrs.field(validator=non_empty_str())
    target_id: str = attrs.field(validator=non_empty_str())
    kind: RelationshipKind = attrs.field(
        converter=_to_rel_kind, validator=member_of(RelationshipKind)
    )
    strength: float = attrs.field(converter=exact_real, validator=real(ge=0.0, le=1.0))
    opportunity_id: str | None = attrs.field(default=None, validator=optional(non_empty_str()))

    def __attrs_post_init__(self) -> None:
        if self.source_id == self.target_id:
            raise InvalidValueError(
                "Relationship.target_id",
                self.target_id,
                "must differ from source_id (no self-loops)",
            )
