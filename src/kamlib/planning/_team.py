"""The people who serve the accounts: team members, their roles, and who serves which account.

Source [002] puts the allocation of key accounts (客户分配) at company level: accounts are
covered along coverage lines by region, industry and solution (区域线/行业线/方案线) plus a
support line (支持线); a new target account with no opportunity yet is worked by the
new-customer operation iron triangle (新客户运营铁三角): the customer-leading expert
(客户引领专家), the account manager (客户经理) and the solution manager (方案经理).

These are the shared types of `kamlib.planning`: a `TeamMember` (role, capacity,
expertise, coverage line), an `Assignment` of one member to one account in one role, and
an `Allocation` (the assignments in force), each validated on construction with an error
that names the field.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Final

import attrs

from kamlib._validators import check_flag, check_int, check_name, optional
from kamlib.errors import DuplicateIdError, InvalidTypeError, InvalidValueError, UnknownIdError
from kamlib.model._checks import enum_or_raw, member_of

__all__ = [
    "IRON_TRIANGLE",
    "MAX_CAPACITY",
    "Allocation",
    "Assignment",
    "CoverageLine",
    "Role",
    "TeamMember",
]

MAX_CAPACITY: Final = 100_000
"""Largest capacity (accounts) one member may have: kamlib's own bound, far above any team.

A `TeamMember`'s ``capacity`` is an int in ``[0, MAX_CAPACITY]``; both ends are allowed.

Examples:
    >>> from kamlib.planning import MAX_CAPACITY, TeamMember
    >>> MAX_CAPACITY
    100000
    >>> TeamMember("U1", "Li", "account_manager", MAX_CAPACITY).capacity
    100000
    >>> TeamMember("U1", "Li", "account_manager", MAX_CAPACITY + 1)
    Traceback (most recent call last):
    ...
    kamlib.errors.InvalidValueError: TeamMember.capacity: must be an int in [0, 100000]; \
got 100001
"""


class Role(enum.StrEnum):
    """The roles source [002] names; a company may add its own (any non-empty name).

    Examples:
        >>> from kamlib.planning import Role
        >>> Role("account_manager") is Role.ACCOUNT_MANAGER
        True
    """

    ACCOUNT_MANAGER = "account_manager"
    """客户经理: owns the account and hatches its opportunities (source [002])."""
    SOLUTION_MANAGER = "solution_manager"
    """方案经理: places the solution (source [002])."""
    CUSTOMER_LEADING_EXPERT = "customer_leading_expert"
    """客户引领专家: works a new target account before any opportunity exists, influencing
    key persons on solutions; internal or external, a person or a team (source [002])."""


IRON_TRIANGLE: Final[tuple[str, ...]] = (
    Role.CUSTOMER_LEADING_EXPERT.value,
    Role.ACCOUNT_MANAGER.value,
    Role.SOLUTION_MANAGER.value,
)
"""The new-customer operation iron triangle of source [002]: expert, account manager and
solution manager, for a new target account with no open opportunity.

The roles' plain names (`Role` values), in this order.

Examples:
    >>> from kamlib.planning import IRON_TRIANGLE, Role
    >>> IRON_TRIANGLE
    ('customer_leading_expert', 'account_manager', 'solution_manager')
    >>> Role.ACCOUNT_MANAGER in IRON_TRIANGLE
    True
"""


class CoverageLine(enum.StrEnum):
    """The coverage lines of source [002]'s allocation (客户分配).

    Examples:
        >>> from kamlib.planning import CoverageLine
        >>> [c.value for c in CoverageLine]
        ['region', 'industry', 'solution', 'support']
    """

    REGION = "region"
    """区域线: accounts covered by region."""
    INDUSTRY = "industry"
    """行业线: accounts covered by industry."""
    SOLUTION = "solution"
    """方案线: accounts covered by solution."""
    SUPPORT = "support"
    """支持线: the support line behind the others."""


def _role(value: object) -> str:
    """A role as its plain name: a `Role` member's value, or a company's own name."""
    if isinstance(value, Role):
        return value.value
    return check_name("TeamMember.role", value)


def _name_set(path: str, value: object) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise InvalidTypeError(path, value, "must be a collection of names (str)")
    items = tuple(value)
    for i, v in enumerate(items):
        check_name(f"{path}[{i}]", v)
    return tuple(sorted(set(items)))  # a set of names: sorted, so equal sets are equal


def _industries(value: object) -> tuple[str, ...]:
    return _name_set("TeamMember.industries", value)


def _regions(value: object) -> tuple[str, ...]:
    return _name_set("TeamMember.regions", value)


def _solutions(value: object) -> tuple[str, ...]:
    return _name_set("TeamMember.solutions", value)


def _capacity(value: object) -> int:
    return check_int("TeamMember.capacity", value, ge=0, le=MAX_CAPACITY)


def _line(value: object) -> CoverageLine | None:
    return None if value is None else enum_or_raw(CoverageLine, value)


def _member_id(value: object) -> str:
    return check_name("TeamMember.id", value)


def _member_name(value: object) -> str:
    return check_name("TeamMember.name", value)


def _team(value: object) -> str | None:
    return None if value is None else check_name("TeamMember.team", value)


def _person(value: object) -> str:
    return check_name("TeamMember.person_id", value)


def _external(value: object) -> bool:
    return check_flag("TeamMember.external", value)


@attrs.frozen
class TeamMember:
    """One of our people (or an external expert) who can serve accounts in one role.

    A member's ``id`` is, where the person is in the portfolio, the id of the
    [`KeyPerson`][kamlib.model.KeyPerson] on our side (``our_staff``): the stakeholder
    graph's relationships from that person to an account's people are the member's
    existing relationships with the account. Someone who serves in two roles is two
    members (two ids sharing ``person_id``).

    Attributes:
        id: Unique member id.
        name: Display name.
        role: A `Role` value or a company's own role name.
        capacity: How many accounts the member can serve in this role (``0``: none now);
            at most `MAX_CAPACITY` (kamlib's bound).
        team: The team the member belongs to, if any.
        industries: Industries the member knows (matched against ``Account.industry``).
        regions: Regions the member covers (matched against ``Account.region``).
        solutions: Solutions the member knows (matched against
            ``Account.cooperation_areas``).
        line: The member's `CoverageLine`, if any.
        person_id: The portfolio person whose relationships are the member's (default:
            ``id``).
        external: Whether the member is external (source [002]: the customer-leading
            expert may be).

    Raises:
        InvalidTypeError: A field of the wrong type.
        InvalidValueError: An empty id, name or role; a capacity below 0 or above
            `MAX_CAPACITY`; an unknown coverage line.

    Examples:
        >>> from kamlib.planning import TeamMember
        >>> m = TeamMember("U1", "Li Na", "account_manager", 8, team="East",
        ...                industries=["retail", "retail"], regions=["east"])
        >>> m.role, m.industries, m.person_id
        ('account_manager', ('retail',), 'U1')
        >>> TeamMember("U2", "Wu", "account_manager", -1)
        Traceback (most recent call last):
        ...
        kamlib.errors.InvalidValueError: TeamMember.capacity: must be an int in \
[0, 100000]; got -1
    """

    id: str = attrs.field(converter=_member_id)
    name: str = attrs.field(converter=_member_name)
    role: str = attrs.field(converter=_role)
    capacity: int = attrs.field(converter=_capacity)
    team: str | None = attrs.field(default=None, converter=_team)
    industries: tuple[str, ...] = attrs.field(default=(), converter=_industries)
    regions: tuple[str, ...] = attrs.field(default=(), converter=_regions)
    solutions: tuple[str, ...] = attrs.field(default=(), converter=_solutions)
    line: CoverageLine | None = attrs.field(
        default=None, converter=_line, validator=optional(member_of(CoverageLine))
    )
    person_id: str = attrs.field(
        default=attrs.Factory(lambda self: self.id, takes_self=True), converter=_person
    )
    external: bool = attrs.field(default=False, converter=_external)


def _plain_role(value: object) -> object:
    return value.value if isinstance(value, Role) else value


def _assigned_account(value: object) -> str:
    return check_name("Assignment.account_id", value)


def _assigned_member(value: object) -> str:
    return check_name("Assignment.member_id", value)


def _assigned_role(value: object) -> str:
    return check_name("Assignment.role", _plain_role(value))


@attrs.frozen
class Assignment:
    """One member serving one account in one role.

    Attributes:
        account_id: The account.
        member_id: The `TeamMember`.
        role: The role served (a `Role` value or a company's own role name).

    Raises:
        InvalidTypeError: A field that is not a str.
        InvalidValueError: An empty field.

    Examples:
        >>> from kamlib.planning import Assignment
        >>> Assignment("A1", "U1", "account_manager").role
        'account_manager'
    """

    account_id: str = attrs.field(converter=_assigned_account)
    member_id: str = attrs.field(converter=_assigned_member)
    role: str = attrs.field(converter=_assigned_role)


def _sorted_assignments(value: object) -> tuple[Assignment, ...]:
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise InvalidTypeError(
            "Allocation.assignments", value, "must be a collection of Assignment"
        )
    items = tuple(value)
    seen: dict[tuple[str, str], str] = {}
    for i, a in enumerate(items):
        if not isinstance(a, Assignment):
            raise InvalidTypeError(f"Allocation.assignments[{i}]", a, "must be an Assignment")
        key = (a.account_id, a.role)
        if key in seen:
            raise DuplicateIdError(
                f"Allocation.assignments[{i}]",
                f"{a.account_id}/{a.role}",
                f"gives the account a second {a.role} (already {seen[key]})",
            )
        seen[key] = a.member_id
    return tuple(sorted(items, key=lambda a: (a.account_id, a.role, a.member_id)))


@attrs.frozen
class Allocation:
    """Who serves which account: at most one member per (account, role).

    The assignments are kept sorted by account, role and member, so the order they were
    given in never shows.

    Attributes:
        assignments: The `Assignment` records.

    Raises:
        InvalidTypeError: Not a collection of `Assignment`.
        DuplicateIdError: Two members in the same role on one account.

    Examples:
        >>> from kamlib.planning import Allocation, Assignment
        >>> a = Allocation([Assignment("A2", "U1", "account_manager"),
        ...                 Assignment("A1", "U1", "account_manager")])
        >>> a.accounts_of("U1"), a.member_of("A1", "account_manager"), a.load("U1")
        (('A1', 'A2'), 'U1', 2)
    """

    assignments: tuple[Assignment, ...] = attrs.field(default=(), converter=_sorted_assignments)

    def accounts_of(self, member_id: str) -> tuple[str, ...]:
        """The accounts ``member_id`` serves (in any role), sorted.

        Raises:
            InvalidTypeError: ``member_id`` is not a ``str``.

        Examples:
            >>> from kamlib.planning import Allocation
            >>> Allocation().accounts_of("U1")
            ()
            >>> Allocation().accounts_of(1)
            Traceback (most recent call last):
            ...
            kamlib.errors.InvalidTypeError: Allocation.accounts_of.member_id: must be a str; \
got 1
        """
        _check_id("Allocation.accounts_of.member_id", member_id)
        return tuple(sorted({a.account_id for a in self.assignments if a.member_id == member_id}))

    def members_of(self, account_id: str) -> Mapping[str, str]:
        """Role -> member id on ``account_id``, a read-only mapping sorted by role.

        Raises:
            InvalidTypeError: ``account_id`` is not a ``str``.

        Examples:
            >>> from kamlib.planning import Allocation, Assignment
            >>> m = Allocation([Assignment("A1", "U1", "account_manager")]).members_of("A1")
            >>> dict(m)
            {'account_manager': 'U1'}
            >>> m["account_manager"] = "U2"
            Traceback (most recent call last):
            ...
            TypeError: 'mappingproxy' object does not support item assignment
        """
        _check_id("Allocation.members_of.account_id", account_id)
        return MappingProxyType(
            {a.role: a.member_id for a in self.assignments if a.account_id == account_id}
        )

    def member_of(self, account_id: str, role: str | Role) -> str | None:
        """The member serving ``account_id`` in ``role``, or ``None``.

        Raises:
            InvalidTypeError: ``account_id`` is not a ``str``; ``role`` is neither a `Role`
                nor a ``str`` (``1`` is not looked up as ``"1"``).

        Examples:
            >>> from kamlib.planning import Allocation, Assignment, Role
            >>> a = Allocation([Assignment("A1", "U1", "account_manager")])
            >>> a.member_of("A1", Role.ACCOUNT_MANAGER), a.member_of("A1", "solution_manager")
            ('U1', None)
            >>> a.member_of("A1", 1)
            Traceback (most recent call last):
            ...
            kamlib.errors.InvalidTypeError: Allocation.member_of.role: must be a Role or a \
role name (str); got 1
        """
        _check_id("Allocation.member_of.account_id", account_id)
        if not isinstance(role, str):  # a Role is a str
            raise InvalidTypeError(
                "Allocation.member_of.role", role, "must be a Role or a role name (str)"
            )
        return self.members_of(account_id).get(_plain_str(role))

    def load(self, member_id: str) -> int:
        """How many (account, role) assignments ``member_id`` holds.

        Raises:
            InvalidTypeError: ``member_id`` is not a ``str``.

        Examples:
            >>> from kamlib.planning import Allocation
            >>> Allocation().load("U1")
            0
        """
        _check_id("Allocation.load.member_id", member_id)
        return sum(a.member_id == member_id for a in self.assignments)


def _check_id(path: str, value: object) -> None:
    """Refuse a lookup id that is not a ``str`` (it could never match, and hides a bug)."""
    if not isinstance(value, str):
        raise InvalidTypeError(path, value, "must be a str")


def _plain_str(role: str) -> str:
    """A role name as a plain ``str`` (a `Role` member's value)."""
    return role.value if isinstance(role, Role) else role


def check_members(where: str, members: object) -> dict[str, TeamMember]:
    """``members`` checked: a collection of `TeamMember` with unique ids, by id (sorted).

    Raises:
        InvalidTypeError: Not a collection of `TeamMember`.
        DuplicateIdError: Two members with one id.

    Examples:
        >>> from kamlib.planning import TeamMember
        >>> from kamlib.planning._team import check_members
        >>> list(check_members("allocate", [TeamMember("U2", "Wu", "account_manager", 1),
        ...                                 TeamMember("U1", "Li", "account_manager", 1)]))
        ['U1', 'U2']
    """
    path = f"{where}.members"
    if isinstance(members, str | Mapping) or not isinstance(members, Iterable):
        raise InvalidTypeError(path, members, "must be a collection of TeamMember")
    out: dict[str, TeamMember] = {}
    for i, m in enumerate(members):
        if not isinstance(m, TeamMember):
            raise InvalidTypeError(f"{path}[{i}]", m, "must be a TeamMember")
        if m.id in out:
            raise DuplicateIdError(f"{path}[{i}].id", m.id, "is not unique")
        out[m.id] = m
    return dict(sorted(out.items()))


def unknown_member(path: str, member_id: str) -> UnknownIdError:
    """The error for an id that names no member (for ``raise``)."""
    return UnknownIdError(path, member_id, "names no team member")


def check_allocation(
    where: str, allocation: object, members: Mapping[str, TeamMember]
) -> Allocation:
    """``allocation`` checked to be an `Allocation` whose members all exist.

    An error's ``assignments[i]`` is the position ``i`` in the Allocation's own
    ``assignments``, which are sorted by account, role and member, **not** the position in
    the list the Allocation was built from.

    Raises:
        InvalidTypeError: Not an `Allocation`.
        UnknownIdError: An assignment names a member not in ``members``.
        InvalidValueError: An assignment's role is not its member's role.

    Examples:
        >>> from kamlib.planning import Allocation, Assignment, TeamMember
        >>> from kamlib.planning._team import check_allocation, check_members
        >>> team = check_members("allocate", [TeamMember("U1", "Li", "account_manager", 2)])
        >>> check_allocation("allocate", Allocation([Assignment("A2", "U9", "account_manager"),
        ...                                          Assignment("A1", "U1", "account_manager")]),
        ...                  team)
        Traceback (most recent call last):
        ...
        kamlib.errors.UnknownIdError: allocate.allocation.assignments[1].member_id: names no \
team member; got 'U9'
    """
    if not isinstance(allocation, Allocation):
        raise InvalidTypeError(f"{where}.allocation", allocation, "must be an Allocation")
    for i, a in enumerate(allocation.assignments):
        m = members.get(a.member_id)
        path = f"{where}.allocation.assignments[{i}]"
        if m is None:
            raise unknown_member(f"{path}.member_id", a.member_id)
        if m.role != a.role:
            raise InvalidValueError(
                f"{path}.role", a.role, f"is not the role of member {m.id!r} ({m.role})"
            )
    return allocation
