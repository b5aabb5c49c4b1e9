"""Allocating accounts to team members (客户分配, source [002]) as a min-cost flow.

Source [002] puts the allocation of key accounts at company level, along coverage lines
(region, industry, solution, plus a support line), and has a new target account with no
opportunity yet worked by the new-customer operation iron triangle: customer-leading
expert, account manager and solution manager. The source gives no rule for *who* serves
*which* account; the objective below is kamlib's own:

* every account needs one member in each role of `AllocationPolicy.roles` (an *(account,
  role) slot*); a new target account with no open opportunity needs the whole
  `IRON_TRIANGLE` on top (source [002]);
* covering a slot is worth ``coverage_value x weight`` (the account's weight: 1, or its
  identification / value-matrix score), plus a flat bonus for each expertise match of the
  member (industry, region, solution) and a bonus per unit of the member's existing
  relationship strength with the account (`relationship_strengths`);
* a member serves only slots of its own role, and at most ``capacity`` of them.

`allocate` maximises the total value exactly (integers, networkx's network simplex on a
reduced graph); `evaluate_allocation` scores any allocation, e.g. today's, by the same
objective.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Container, Iterable, Mapping
from types import MappingProxyType
from typing import Final

import attrs
import networkx as nx

from kamlib._dated import check_as_of, check_portfolio
from kamlib._validators import check_name, check_real
from kamlib.errors import DuplicateIdError, InvalidTypeError, InvalidValueError, UnknownIdError
from kamlib.model import Account, Portfolio, Side
from kamlib.planning._team import (
    IRON_TRIANGLE,
    Allocation,
    Assignment,
    Role,
    TeamMember,
    check_allocation,
    check_members,
)
from kamlib.scoring import ScoreTable

__all__ = [
    "MAX_POLICY_VALUE",
    "UNCOVERED_REASONS",
    "VALUE_RESOLUTION",
    "AllocationPolicy",
    "AllocationResult",
    "AllocationScore",
    "AssignmentValue",
    "MemberLoad",
    "UncoveredSlot",
    "allocate",
    "evaluate_allocation",
    "relationship_strengths",
]

VALUE_RESOLUTION: Final = 0.001
"""The resolution of the objective: every value (a slot's coverage value, a bonus) is
rounded to a multiple of 0.001 before it is optimised and reported, so the solver works on
exact integers (kamlib's own choice). Two values closer than that are a tie.

Examples:
    >>> from kamlib.planning import VALUE_RESOLUTION
    >>> VALUE_RESOLUTION
    0.001
"""

_SCALE: Final = 1000  # 1 / VALUE_RESOLUTION: value units per unit of value

MAX_POLICY_VALUE: Final = 1e12
"""Largest value, bonus or account weight accepted (kamlib's own bound).

Examples:
    >>> from kamlib.planning import MAX_POLICY_VALUE, AllocationPolicy
    >>> AllocationPolicy(coverage_value=MAX_POLICY_VALUE).coverage_value == MAX_POLICY_VALUE
    True
"""

UNCOVERED_REASONS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "no_member": "No team member has the role.",
        "no_capacity": "Members have the role, but every one of them has capacity 0.",
        "at_capacity": "Every member of the role is at (or over) capacity.",
        "not_assigned": "A member of the role has spare capacity, but nobody is assigned "
        "(only in evaluate_allocation of a given allocation: allocate never leaves one).",
    }
)
"""Why an (account, role) slot is not covered: each `UncoveredSlot.reason`, its meaning.

Examples:
    >>> from kamlib.planning import UNCOVERED_REASONS
    >>> sorted(UNCOVERED_REASONS)
    ['at_capacity', 'no_capacity', 'no_member', 'not_assigned']
"""


# ------------------------------------------------------------------------------ policy
def _value(path: str, value: object) -> float:
    return check_real(path, value, ge=0.0, le=MAX_POLICY_VALUE)


def _coverage_value(value: object) -> float:
    return _value("AllocationPolicy.coverage_value", value)


def _industry_bonus(value: object) -> float:
    return _value("AllocationPolicy.industry_bonus", value)


def _region_bonus(value: object) -> float:
    return _value("AllocationPolicy.region_bonus", value)


def _solution_bonus(value: object) -> float:
    return _value("AllocationPolicy.solution_bonus", value)


def _relationship_bonus(value: object) -> float:
    return _value("AllocationPolicy.relationship_bonus", value)


def _roles(value: object) -> tuple[str, ...]:
    path = "AllocationPolicy.roles"
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise InvalidTypeError(path, value, "must be a collection of role names")
    out: list[str] = []
    for i, r in enumerate(value):
        name = check_name(f"{path}[{i}]", r.value if isinstance(r, Role) else r)
        if name in out:
            raise InvalidValueError(f"{path}[{i}]", name, "is listed twice")
        out.append(name)
    return tuple(out)


@attrs.frozen
class AllocationPolicy:
    """The numbers of the allocation objective; every one is kamlib's own choice.

    Source [002] names the allocation (客户分配) and its coverage lines but gives no rule
    or number for choosing who serves which account. The value of an allocation is the
    sum, over the (account, role) slots it covers, of::

        coverage_value * weight(account)
        + industry_bonus  if account.industry in member.industries
        + region_bonus    if account.region in member.regions
        + solution_bonus  if member.solutions and account.cooperation_areas share one
        + relationship_bonus * strength(member, account)

    The account's weight scales the coverage value only; the bonuses are flat per slot
    (kamlib's own choice: they decide *who* serves an account, the weight decides *which*
    accounts are served first when capacity is short; it also lets `allocate` pool
    accounts of one profile, see the docs page). With the defaults, covering an account of
    weight 1 (100) is worth more than every bonus together (30 + 30).

    Attributes:
        coverage_value: Value of covering a slot, per unit of account weight (100).
        industry_bonus: Bonus when the member knows the account's industry (10).
        region_bonus: Bonus when the member covers the account's region (10).
        solution_bonus: Bonus when one of the member's solutions is among the account's
            cooperation areas (10; once per slot, however many match).
        relationship_bonus: Bonus per unit of the member's existing relationship strength
            with the account, a strength in ``[0, 1]`` (30).
        roles: The roles every account needs (default: an account manager). Each is a
            `Role` or a company's own role name; a new target account without an open
            opportunity gets the `IRON_TRIANGLE` roles on top (source [002]).

    Raises:
        InvalidTypeError: A value that is not a real number; roles that are not names.
        InvalidValueError: A value below 0 or above `MAX_POLICY_VALUE`; a role listed twice.

    Examples:
        >>> from kamlib.planning import AllocationPolicy
        >>> p = AllocationPolicy()
        >>> p.coverage_value, p.industry_bonus, p.relationship_bonus, p.roles
        (100.0, 10.0, 30.0, ('account_manager',))
        >>> AllocationPolicy(region_bonus=-1)
        Traceback (most recent call last):
        ...
        kamlib.errors.InvalidValueError: AllocationPolicy.region_bonus: must be a real number \
in [0, 1e+12]; got -1
    """

    coverage_value: float = attrs.field(default=100.0, converter=_coverage_value)
    industry_bonus: float = attrs.field(default=10.0, converter=_industry_bonus)
    region_bonus: float = attrs.field(default=10.0, converter=_region_bonus)
    solution_bonus: float = attrs.field(default=10.0, converter=_solution_bonus)
    relationship_bonus: float = attrs.field(default=30.0, converter=_relationship_bonus)
    roles: tuple[str, ...] = attrs.field(default=(Role.ACCOUNT_MANAGER.value,), converter=_roles)


def _check_policy(where: str, policy: object) -> AllocationPolicy:
    if not isinstance(policy, AllocationPolicy):
        raise InvalidTypeError(f"{where}.policy", policy, "must be an AllocationPolicy")
    return policy


# ------------------------------------------------------------------------------ results
@attrs.frozen
class AssignmentValue:
    """What one assignment in a required slot is worth, broken down.

    Attributes:
        account_id: The account.
        role: The role served.
        member_id: The member serving it.
        coverage: ``coverage_value x weight`` of the account.
        industry: Whether the member knows the account's industry.
        region: Whether the member covers the account's region.
        solution: Whether one of the member's solutions is among the account's
            cooperation areas.
        expertise: The bonus of those matches.
        strength: The member's relationship strength with the account (0: none).
        relationship: ``relationship_bonus x strength``.

    Examples:
        >>> from kamlib.planning import AssignmentValue
        >>> v = AssignmentValue("A1", "account_manager", "U1", 100.0, True, False, False,
        ...                     10.0, 0.5, 15.0)
        >>> v.value
        125.0
    """

    account_id: str
    role: str
    member_id: str
    coverage: float
    industry: bool
    region: bool
    solution: bool
    expertise: float
    strength: float
    relationship: float

    @property
    def value(self) -> float:
        """Coverage value plus both bonuses (rounded to `VALUE_RESOLUTION`).

        Examples:
            >>> from kamlib.planning import AssignmentValue
            >>> AssignmentValue("A1", "r", "U1", 1.0, False, False, False, 0.0, 0.0, 0.0).value
            1.0
        """
        return _to_value(_units(self.coverage) + _units(self.expertise) + _units(self.relationship))


@attrs.frozen
class UncoveredSlot:
    """An (account, role) slot nobody covers, what it would be worth, and why.

    Attributes:
        account_id: The account.
        role: The role missing.
        value: The slot's coverage value (``coverage_value x weight``), lost.
        reason: A code of `UNCOVERED_REASONS`.

    Examples:
        >>> from kamlib.planning import UncoveredSlot
        >>> UncoveredSlot("A1", "solution_manager", 100.0, "no_member").reason
        'no_member'
    """

    account_id: str
    role: str
    value: float
    reason: str


@attrs.frozen
class MemberLoad:
    """One member's load (assignments held) against its capacity.

    Attributes:
        member_id: The member.
        role: Its role.
        capacity: How many slots it can serve.
        load: How many assignments it holds in the allocation (in any slot, required or not).

    Examples:
        >>> from kamlib.planning import MemberLoad
        >>> m = MemberLoad("U1", "account_manager", 2, 3)
        >>> m.over, m.spare
        (True, -1)
    """

    member_id: str
    role: str
    capacity: int
    load: int

    @property
    def over(self) -> bool:
        """Whether the load is above the capacity (equal is within).

        Examples:
            >>> from kamlib.planning import MemberLoad
            >>> MemberLoad("U1", "account_manager", 2, 2).over
            False
        """
        return self.load > self.capacity

    @property
    def spare(self) -> int:
        """Capacity minus load (negative when over).

        Examples:
            >>> from kamlib.planning import MemberLoad
            >>> MemberLoad("U1", "account_manager", 5, 2).spare
            3
        """
        return self.capacity - self.load


@attrs.frozen
class AllocationScore:
    """The objective value of an allocation, broken down (see `AllocationPolicy`).

    Attributes:
        value: The objective: ``coverage + expertise + relationship``.
        coverage: Sum of the coverage values of the covered slots.
        expertise: Sum of the expertise bonuses.
        relationship: Sum of the relationship bonuses.
        missing_value: Sum of the coverage values of the slots nobody covers.
        assignments: One `AssignmentValue` per covered required slot, by account, role.
        missing: One `UncoveredSlot` per required slot nobody covers, by account, role.
        extra: Assignments outside the required slots (a role the account does not need,
            or an account not among those scored): worth nothing, but counted in loads.
        loads: One `MemberLoad` per member, by member id.

    Examples:
        >>> from kamlib.planning import AllocationScore, MemberLoad
        >>> s = AllocationScore(0.0, 0.0, 0.0, 0.0, 0.0, (), (), (),
        ...                     (MemberLoad("U1", "account_manager", 1, 2),))
        >>> s.feasible, s.overloaded
        (False, ('U1',))
    """

    value: float
    coverage: float
    expertise: float
    relationship: float
    missing_value: float
    assignments: tuple[AssignmentValue, ...]
    missing: tuple[UncoveredSlot, ...]
    extra: tuple[Assignment, ...]
    loads: tuple[MemberLoad, ...]

    @property
    def feasible(self) -> bool:
        """Whether no member is over capacity.

        Examples:
            >>> from kamlib.planning import AllocationScore
            >>> AllocationScore(0.0, 0.0, 0.0, 0.0, 0.0, (), (), (), ()).feasible
            True
        """
        return not any(m.over for m in self.loads)

    @property
    def overloaded(self) -> tuple[str, ...]:
        """The ids of the members over capacity, sorted.

        Examples:
            >>> from kamlib.planning import AllocationScore
            >>> AllocationScore(0.0, 0.0, 0.0, 0.0, 0.0, (), (), (), ()).overloaded
            ()
        """
        return tuple(m.member_id for m in self.loads if m.over)


@attrs.frozen
class AllocationResult:
    """What `allocate` returns: the allocation, its score, and the slots left uncovered.

    Attributes:
        allocation: The optimal [`Allocation`][kamlib.planning.Allocation].
        score: Its `AllocationScore` (equal to `evaluate_allocation` of ``allocation``).
        uncovered: The slots nobody could cover, with the reason (``score.missing``).

    Examples:
        >>> import datetime as dt
        >>> from kamlib.model import Account, Portfolio
        >>> from kamlib.planning import TeamMember, allocate
        >>> p = Portfolio([Account("A1", "Acme", industry="retail", region="east",
        ...                        size_band="large", cooperation_start=dt.date(2024, 1, 1))])
        >>> r = allocate(p, [TeamMember("U1", "Li", "account_manager", 0)],
        ...              as_of=dt.datetime(2025, 1, 1, tzinfo=dt.UTC))
        >>> [(u.account_id, u.role, u.reason) for u in r.uncovered]
        [('A1', 'account_manager', 'no_capacity')]
    """

    allocation: Allocation
    score: AllocationScore
    uncovered: tuple[UncoveredSlot, ...]


# ------------------------------------------------------------------------------ units
def _units(x: float) -> int:
    """A value in integer units of `VALUE_RESOLUTION`."""
    return round(x * _SCALE)


def _to_value(units: int) -> float:
    return units / _SCALE


@attrs.frozen
class _Units:
    """The policy's numbers in integer units."""

    coverage: float  # per unit of weight: rounded per slot, after the weight
    industry: int
    region: int
    solution: int
    relationship: float  # per unit of strength: rounded per pair, after the strength


def _policy_units(policy: AllocationPolicy) -> _Units:
    return _Units(
        policy.coverage_value,
        _units(policy.industry_bonus),
        _units(policy.region_bonus),
        _units(policy.solution_bonus),
        policy.relationship_bonus,
    )


# ------------------------------------------------------------------------------ checks
def _id_list(path: str, value: object, known: Mapping[str, Account]) -> list[str]:
    if isinstance(value, str | Mapping) or not isinstance(value, Iterable):
        raise InvalidTypeError(path, value, "must be a collection of account ids")
    seen: set[str] = set()
    out: list[str] = []
    for i, a in enumerate(value):
        if not isinstance(a, str):
            raise InvalidTypeError(f"{path}[{i}]", a, "must be an account id (str)")
        if a not in known:
            raise UnknownIdError(f"{path}[{i}]", a, "names no account of the portfolio")
        if a in seen:
            raise DuplicateIdError(f"{path}[{i}]", a, "is listed twice")
        seen.add(a)
        out.append(a)
    return sorted(out)


def _check_weights(
    where: str, weights: object, known: Mapping[str, Account], accounts: list[str]
) -> dict[str, float]:
    path = f"{where}.weights"
    if weights is None:
        return dict.fromkeys(accounts, 1.0)
    given: dict[str, float] = {}
    if isinstance(weights, ScoreTable):
        for k, (a, s) in enumerate(zip(weights.ids.tolist(), weights.scores.tolist(), strict=True)):
            if a not in known:
                raise UnknownIdError(f"{path}.ids[{k}]", a, "names no account of the portfolio")
            given[a] = check_real(f"{path}.scores[{k}]", s, ge=0.0, le=MAX_POLICY_VALUE)
    elif isinstance(weights, Mapping):
        for a, w in weights.items():
            if not isinstance(a, str):
                raise InvalidTypeError(path, a, "must be keyed by account id (str)")
            if a not in known:
                raise UnknownIdError(path, a, "names no account of the portfolio")
            given[a] = check_real(f"{path}[{a!r}]", w, ge=0.0, le=MAX_POLICY_VALUE)
    else:
        raise InvalidTypeError(
            path, weights, "must be a mapping account id -> weight, a ScoreTable or None"
        )
    for a in accounts:
        if a not in given:
            raise UnknownIdError(path, a, "has no weight for this account to cover")
    return {a: given[a] for a in accounts}


@attrs.frozen
class _Problem:
    """The checked input: required slots (sorted), members, values per slot and pair."""

    members: dict[str, TeamMember]
    known: frozenset[str]  # every account id of the portfolio
    accounts: dict[str, Account]  # the accounts scored, by id (sorted)
    slots: list[tuple[str, str]]  # (account id, role), sorted
    cover: dict[str, int]  # account id -> coverage units
    strengths: Mapping[tuple[str, str], float]
    units: _Units
    policy: AllocationPolicy


def _strengths(
    where: str, portfolio: Portfolio, members: Mapping[str, TeamMember], as_of: dt.datetime
) -> dict[tuple[str, str], float]:
    day = as_of.date()
    account_of: dict[str, str] = {}
    staff: set[str] = set()  # our people in role at as_of: only their ties are a member's
    for p in portfolio.people:
        if p.left_on is not None and p.left_on <= day:
            continue
        if p.side is Side.CUSTOMER:
            assert p.account_id is not None  # a customer person has one (model rule)
            account_of[p.id] = p.account_id
        elif p.side is Side.OUR_STAFF:
            staff.add(p.id)
    by_person: dict[str, list[str]] = {}
    for m in members.values():
        if m.person_id in staff:
            by_person.setdefault(m.person_id, []).append(m.id)
    best: dict[tuple[str, str], float] = {}  # (person id, account id) -> max strength
    for r in portfolio.relationships:
        if r.opportunity_id is not None or r.strength <= 0:
            continue
        for ours, theirs in ((r.source_id, r.target_id), (r.target_id, r.source_id)):
            if ours in by_person and theirs in account_of:
                key = (ours, account_of[theirs])
                if r.strength > best.get(key, 0.0):
                    best[key] = r.strength
    out: dict[tuple[str, str], float] = {}
    for (person, account), s in best.items():
        for mid in by_person[person]:
            out[(mid, account)] = s
    return dict(sorted(out.items()))


def _problem(
    where: str,
    portfolio: object,
    members: object,
    as_of: object,
    weights: object,
    policy: object,
    accounts: object,
    new_targets: object,
) -> _Problem:
    pf = check_portfolio(where, portfolio)
    team = check_members(where, members)
    moment = check_as_of(where, as_of)
    pol = _check_policy(where, policy)
    known = {a.id: a for a in pf.accounts}
    ids = sorted(known) if accounts is None else _id_list(f"{where}.accounts", accounts, known)
    targets = _id_list(f"{where}.new_targets", new_targets, known)
    in_scope = set(ids)
    for i, t in enumerate(targets):
        if t not in in_scope:
            raise UnknownIdError(
                f"{where}.new_targets[{i}]", t, "is not among the accounts to cover"
            )
    w = _check_weights(where, weights, known, ids)
    triangle = iron_triangle_targets(pf, targets)
    slots: list[tuple[str, str]] = []
    for a in ids:
        slots.extend((a, r) for r in required_roles(pol.roles, a in triangle))
    units = _policy_units(pol)
    return _Problem(
        members=team,
        known=frozenset(known),
        accounts={a: known[a] for a in ids},
        slots=slots,
        cover={a: _units(units.coverage * w[a]) for a in ids},
        strengths=_strengths(where, pf, team, moment),
        units=units,
        policy=pol,
    )


def iron_triangle_targets(portfolio: Portfolio, targets: Iterable[str]) -> frozenset[str]:
    """The new targets without an open opportunity: those the iron triangle serves [002]."""
    return frozenset(
        t for t in targets if not any(o.is_open for o in portfolio.opportunities_of(t))
    )


def required_roles(roles: Iterable[str], triangle: bool) -> tuple[str, ...]:
    """The roles an account needs, sorted: ``roles``, plus `IRON_TRIANGLE` if ``triangle``."""
    needs = set(roles)
    if triangle:
        needs.update(IRON_TRIANGLE)
    return tuple(sorted(needs))


# ------------------------------------------------------------------------------ values
def _matches(m: TeamMember, a: Account) -> tuple[bool, bool, bool]:
    return (
        a.industry in m.industries,
        a.region in m.regions,
        not set(m.solutions).isdisjoint(a.cooperation_areas),
    )


def _expertise_units(u: _Units, match: tuple[bool, bool, bool]) -> int:
    return u.industry * match[0] + u.region * match[1] + u.solution * match[2]


def _relationship_units(u: _Units, strength: float) -> int:
    return _units(u.relationship * strength)


def _reason(role: str, loads: Mapping[str, list[MemberLoad]]) -> str:
    of_role = loads.get(role, [])
    if not of_role:
        return "no_member"
    if all(m.capacity == 0 for m in of_role):
        return "no_capacity"
    if all(m.load >= m.capacity for m in of_role):
        return "at_capacity"
    return "not_assigned"


def _score(pr: _Problem, allocation: Allocation) -> AllocationScore:
    u = pr.units
    by_slot = {(a.account_id, a.role): a for a in allocation.assignments}
    required = set(pr.slots)
    values: list[AssignmentValue] = []
    unit_sums = [0, 0, 0]
    open_slots: list[tuple[str, str]] = []
    for a, r in pr.slots:
        got = by_slot.get((a, r))
        if got is None:
            open_slots.append((a, r))
            continue
        m = pr.members[got.member_id]
        match = _matches(m, pr.accounts[a])
        strength = pr.strengths.get((m.id, a), 0.0)
        cu, eu, ru = pr.cover[a], _expertise_units(u, match), _relationship_units(u, strength)
        unit_sums[0] += cu
        unit_sums[1] += eu
        unit_sums[2] += ru
        values.append(
            AssignmentValue(
                a, r, m.id, _to_value(cu), *match, _to_value(eu), strength, _to_value(ru)
            )
        )
    count: dict[str, int] = {}
    for x in allocation.assignments:
        count[x.member_id] = count.get(x.member_id, 0) + 1
    loads = tuple(
        MemberLoad(m.id, m.role, m.capacity, count.get(m.id, 0)) for m in pr.members.values()
    )
    by_role: dict[str, list[MemberLoad]] = {}
    for ml in loads:
        by_role.setdefault(ml.role, []).append(ml)
    missing = tuple(
        UncoveredSlot(a, r, _to_value(pr.cover[a]), _reason(r, by_role)) for a, r in open_slots
    )
    extra = tuple(x for x in allocation.assignments if (x.account_id, x.role) not in required)
    return AllocationScore(
        value=_to_value(sum(unit_sums)),
        coverage=_to_value(unit_sums[0]),
        expertise=_to_value(unit_sums[1]),
        relationship=_to_value(unit_sums[2]),
        missing_value=_to_value(sum(pr.cover[a] for a, _ in open_slots)),
        assignments=tuple(values),
        missing=missing,
        extra=extra,
        loads=loads,
    )


# ------------------------------------------------------------------------------ public
def relationship_strengths(
    portfolio: Portfolio, members: Iterable[TeamMember], *, as_of: dt.datetime
) -> Mapping[tuple[str, str], float]:
    """Each member's existing relationship strength with each account, from the portfolio.

    The strength of member ``m`` with account ``a`` is the **largest** ``strength`` of the
    portfolio's standing relationships (no ``opportunity_id``) between ``m.person_id`` and a
    customer person of ``a`` active at ``as_of`` (``left_on`` after its day), in either
    direction and of either kind (kamlib's own choice: the strongest tie is the member's
    hold on the account, a number in ``[0, 1]`` however many contacts there are; a tie
    specific to one opportunity belongs to that deal's decision chain, source [002], not
    to the member's standing relationship). Only a member whose ``person_id`` is one of
    our people (``Side.OUR_STAFF``) still in role at ``as_of`` has relationships: a tie
    between two customer people, or of our person who has left, is nobody's hold. Members
    sharing a ``person_id`` share its strengths; a member whose person is not in the
    portfolio has none.

    Args:
        portfolio: The [`Portfolio`][kamlib.model.Portfolio].
        members: The `TeamMember` records (unique ids).
        as_of: Timezone-aware moment; a person (ours or the customer's) who left on or
            before its day is not counted.

    Returns:
        A read-only mapping ``(member id, account id) -> strength`` holding only the
        pairs with a strength above 0, sorted.

    Raises:
        InvalidTypeError: Not a portfolio; not a collection of `TeamMember`.
        DuplicateIdError: Two members with one id.
        InvalidValueError: A naive ``as_of``.

    Examples:
        >>> import datetime as dt
        >>> from kamlib.model import Account, KeyPerson, Portfolio, Relationship
        >>> from kamlib.planning import TeamMember, relationship_strengths
        >>> acc = Account("A1", "Acme", industry="retail", region="east", size_band="large",
        ...               cooperation_start=dt.date(2024, 1, 1))
        >>> people = [KeyPerson("U1", "Li", "our_staff"),
        ...           KeyPerson("P1", "CEO", "customer", account_id="A1"),
        ...           KeyPerson("P2", "CIO", "customer", account_id="A1")]
        >>> ties = [Relationship("U1", "P1", "influences", 0.4),
        ...         Relationship("P2", "U1", "influences", 0.7)]
        >>> p = Portfolio([acc], people, ties)
        >>> dict(relationship_strengths(p, [TeamMember("U1", "Li", "account_manager", 5)],
        ...                             as_of=dt.datetime(2025, 1, 1, tzinfo=dt.UTC)))
        {('U1', 'A1'): 0.7}
    """
    where = "relationship_strengths"
    pf = check_portfolio(where, portfolio)
    team = check_members(where, members)
    moment = check_as_of(where, as_of)
    return MappingProxyType(_strengths(where, pf, team, moment))


def evaluate_allocation(
    allocation: Allocation,
    portfolio: Portfolio,
    members: Iterable[TeamMember],
    *,
    as_of: dt.datetime,
    weights: Mapping[str, float] | ScoreTable | None = None,
    policy: AllocationPolicy = AllocationPolicy(),  # frozen: safe to share
    accounts: Iterable[str] | None = None,
    new_targets: Iterable[str] = (),
) -> AllocationScore:
    """The objective value of a given allocation (e.g. today's), broken down.

    The same objective `allocate` maximises (see `AllocationPolicy`): the required slots
    are those of ``accounts`` (default: every account of the portfolio) under
    ``policy.roles``, plus the `IRON_TRIANGLE` roles for each of ``new_targets`` without
    an open opportunity. An assignment in a required slot earns its value; one outside
    them (a role the account does not need) is listed in ``extra`` and earns nothing; a
    required slot nobody covers is in ``missing`` with its coverage value and the reason.
    Loads count every assignment, so an infeasible allocation is scored too (``feasible``
    is false, ``overloaded`` names the members). So
    ``evaluate_allocation(allocate(...).allocation, ...) == allocate(...).score``.

    Args:
        allocation: The [`Allocation`][kamlib.planning.Allocation] to score.
        portfolio: The [`Portfolio`][kamlib.model.Portfolio].
        members: The `TeamMember` records (unique ids).
        as_of: Timezone-aware moment (for the relationships, see `relationship_strengths`).
        weights: Account id -> weight ``>= 0``, a
            [`ScoreTable`][kamlib.scoring.ScoreTable] (its scores), or ``None`` (1 each).
        policy: The `AllocationPolicy`.
        accounts: The account ids to score (default: all of the portfolio).
        new_targets: Ids of new target accounts (among ``accounts``).

    Returns:
        The `AllocationScore`.

    Raises:
        InvalidTypeError: An argument of the wrong type.
        UnknownIdError: An assignment naming an unknown member or account; an unknown
            account id in ``accounts``, ``new_targets`` or ``weights``; an account to
            score without a weight; a new target not among ``accounts``.
        DuplicateIdError: Two members with one id; an id listed twice.
        InvalidValueError: An assignment whose role is not its member's; a negative
            weight; a naive ``as_of``.

    Examples:
        >>> import datetime as dt
        >>> from kamlib.model import Account, Portfolio
        >>> from kamlib.planning import Allocation, Assignment, TeamMember, evaluate_allocation
        >>> p = Portfolio([Account(a, a, industry="retail", region="east", size_band="large",
        ...                        cooperation_start=dt.date(2024, 1, 1)) for a in ("A1", "A2")])
        >>> team = [TeamMember("U1", "Li", "account_manager", 1, industries=["retail"])]
        >>> s = evaluate_allocation(Allocation([Assignment("A1", "U1", "account_manager")]),
        ...                         p, team, as_of=dt.datetime(2025, 1, 1, tzinfo=dt.UTC))
        >>> s.value, s.coverage, s.expertise, s.missing_value
        (110.0, 100.0, 10.0, 100.0)
        >>> [(u.account_id, u.reason) for u in s.missing]
        [('A2', 'at_capacity')]
    """
    where = "evaluate_allocation"
    pr = _problem(where, portfolio, members, as_of, weights, policy, accounts, new_targets)
    alloc = check_allocation(where, allocation, pr.members)
    check_assigned_accounts(where, alloc, pr.known)
    return _score(pr, alloc)


def check_assigned_accounts(where: str, allocation: Allocation, known: Container[str]) -> None:
    """Refuse an assignment to an account not in ``known`` (the portfolio's ids).

    The index in the path is the position in the allocation's sorted assignments.
    """
    for i, x in enumerate(allocation.assignments):
        if x.account_id not in known:
            raise UnknownIdError(
                f"{where}.allocation.assignments[{i}].account_id",
                x.account_id,
                "names no account of the portfolio",
            )


def allocate(
    portfolio: Portfolio,
    members: Iterable[TeamMember],
    *,
    as_of: dt.datetime,
    weights: Mapping[str, float] | ScoreTable | None = None,
    policy: AllocationPolicy = AllocationPolicy(),  # frozen: safe to share
    accounts: Iterable[str] | None = None,
    new_targets: Iterable[str] = (),
) -> AllocationResult:
    """The allocation of accounts to members of largest value, respecting every capacity.

    Source [002]: allocating key accounts (客户分配) is a company-level step; a new target
    account with no opportunity yet is worked by the new-customer iron triangle. The
    required slots are those of ``accounts`` under ``policy.roles``, plus the
    `IRON_TRIANGLE` roles (customer-leading expert, account manager, solution manager)
    for each of ``new_targets`` with no open opportunity. A member serves only slots of
    its own role, at most ``capacity`` of them. The value to maximise is the one of
    `AllocationPolicy` (and of `evaluate_allocation`).

    It is solved exactly, as a min-cost flow (networkx's network simplex, integer costs
    in units of `VALUE_RESOLUTION`), one flow per role, on a reduced graph: a slot reaches
    every member of its role through one pool node (coverage value only), the members
    with an expertise match through shared *match nodes* (one per industry, region,
    solution and combination of them, carrying that bonus), and a member it has a
    relationship with through a direct edge (its full value). Edges grow with slots plus
    members, not with their product.

    Ties are broken by id, exactly: among the allocations of largest value, `allocate`
    returns one that maximises ``sum over covered slots of (n x (A - i) - j)``, with
    ``i`` the rank of the slot's account among the ``A`` accounts to cover (by id), ``j``
    the rank of its member among the ``n`` members of the role with capacity (by id): it
    covers the accounts with the smaller ids first, then uses the members with the
    smaller ids. Slots the flow leaves interchangeable (through one pool or match node)
    go in account-id order to the members in member-id order. Whatever tie remains is
    settled by the solver on a graph built in id order: the order of the members, the
    accounts or the portfolio's records never changes the result.

    Args:
        portfolio: The [`Portfolio`][kamlib.model.Portfolio].
        members: The `TeamMember` records (unique ids).
        as_of: Timezone-aware moment (for the relationships, see `relationship_strengths`).
        weights: Account id -> weight ``>= 0`` (e.g. identification points), a
            [`ScoreTable`][kamlib.scoring.ScoreTable] whose scores are used, or ``None``
            (1 each). Every account to cover needs one.
        policy: The `AllocationPolicy`.
        accounts: The account ids to cover (default: all of the portfolio).
        new_targets: Ids of new target accounts (among ``accounts``).

    Returns:
        The `AllocationResult`: the allocation, its score (the value broken down), and
        each slot left uncovered with its reason (`UNCOVERED_REASONS`).

    Raises:
        InvalidTypeError: An argument of the wrong type.
        UnknownIdError: An unknown account id in ``accounts``, ``new_targets`` or
            ``weights``; an account to cover without a weight; a new target not among
            ``accounts``.
        DuplicateIdError: Two members with one id; an id listed twice.
        InvalidValueError: A negative weight; a naive ``as_of``.

    Examples:
        >>> import datetime as dt
        >>> from kamlib.model import Account, Portfolio
        >>> from kamlib.planning import TeamMember, allocate
        >>> def account(a, industry):
        ...     return Account(a, a, industry=industry, region="east", size_band="large",
        ...                    cooperation_start=dt.date(2024, 1, 1))
        >>> p = Portfolio([account("A1", "retail"), account("A2", "energy")])
        >>> team = [TeamMember("U1", "Li", "account_manager", 1, industries=["energy"]),
        ...         TeamMember("U2", "Wu", "account_manager", 1, industries=["retail"])]
        >>> r = allocate(p, team, as_of=dt.datetime(2025, 1, 1, tzinfo=dt.UTC))
        >>> [(a.account_id, a.member_id) for a in r.allocation.assignments]
        [('A1', 'U2'), ('A2', 'U1')]
        >>> r.score.value, r.score.expertise, r.uncovered
        (220.0, 20.0, ())
    """
    pr = _problem("allocate", portfolio, members, as_of, weights, policy, accounts, new_targets)
    chosen: list[Assignment] = []
    for flow in _flows(pr):
        _, solved = nx.network_simplex(flow.graph)
        chosen += _decompose(solved, pr, flow)
    allocation = Allocation(chosen)
    score = _score(pr, allocation)
    return AllocationResult(allocation, score, score.missing)


def _flow_graphs(
    portfolio: Portfolio,
    members: Iterable[TeamMember],
    *,
    as_of: dt.datetime,
    weights: Mapping[str, float] | ScoreTable | None = None,
    policy: AllocationPolicy = AllocationPolicy(),  # frozen: safe to share
    accounts: Iterable[str] | None = None,
    new_targets: Iterable[str] = (),
) -> list[nx.MultiDiGraph[int]]:
    """The flow graphs `allocate` solves, one per role (for the benchmark's baseline)."""
    pr = _problem("allocate", portfolio, members, as_of, weights, policy, accounts, new_targets)
    return [flow.graph for flow in _flows(pr)]


def _flows(pr: _Problem) -> list[_Flow]:
    """One flow problem per role that has a member with capacity, by role."""
    by_role: dict[str, list[int]] = {}
    for k, (_, r) in enumerate(pr.slots):
        by_role.setdefault(r, []).append(k)
    rank = {a: i for i, a in enumerate(pr.accounts)}
    out: list[_Flow] = []
    for role in sorted(by_role):
        team = [m for m in pr.members.values() if m.role == role and m.capacity > 0]
        if team:
            out.append(_role_flow(pr, role, by_role[role], team, rank))
    return out


# ------------------------------------------------------------------------------ the flow
_Pattern = tuple[str | None, str | None, str | None]  # (industry, region, solution)


def _cell_patterns(
    u: _Units, a: Account, existing: Mapping[_Pattern, object]
) -> list[tuple[_Pattern, int]]:
    """The match nodes an account's profile reaches, with their bonus units, sorted."""
    inds: list[str | None] = [None] + ([a.industry] if u.industry > 0 else [])
    regs: list[str | None] = [None] + ([a.region] if u.region > 0 else [])
    sols: list[str | None] = [None] + (sorted(set(a.cooperation_areas)) if u.solution > 0 else [])
    out: list[tuple[_Pattern, int]] = []
    for key in itertools.product(inds, regs, sols):
        if key != (None, None, None) and key in existing:
            bonus = (
                u.industry * (key[0] is not None)
                + u.region * (key[1] is not None)
                + u.solution * (key[2] is not None)
            )
            out.append((key, bonus))
    return out


def _member_patterns(u: _Units, m: TeamMember) -> Iterable[_Pattern]:
    inds: list[str | None] = [None, *(m.industries if u.industry > 0 else ())]
    regs: list[str | None] = [None, *(m.regions if u.region > 0 else ())]
    sols: list[str | None] = [None, *(m.solutions if u.solution > 0 else ())]
    for key in itertools.product(inds, regs, sols):
        if key != (None, None, None):
            yield key


@attrs.frozen
class _Flow:
    """One role's flow graph and what turns its flow back into assignments."""

    graph: nx.MultiDiGraph[int]
    role: str
    team: list[TeamMember]
    member0: int  # node of team[0]; the sink is 0, the pool 1
    supply: dict[int, list[int]]  # cell or pool -> the slots merged into it
    own: list[tuple[int, int]]  # (slot, node) of the slots that are nodes
    claims: list[tuple[int, int, int, int]]  # (cell, member node, edge key, slot) of ties
    patterns: dict[_Pattern, int]  # match node of each match


def _role_flow(
    pr: _Problem,
    role: str,
    slot_ids: list[int],
    team: list[TeamMember],
    rank: Mapping[str, int],
) -> _Flow:
    """The flow graph of one role's slots (``team``: the role's members with capacity).

    The flow graph (node ids in creation order, so in id order):

    * ``T`` (the sink), the role's pool (to every member), the members (each to ``T``
      with its capacity and a cost of its rank), and the match nodes (to the members
      with that match);
    * one *cell* per account profile (industry, region, cooperation areas) that reaches a
      match node, with edges to the pool and to those match nodes (their bonus);
    * a slot that is covered in every optimum (see `_decided`) with at most one
      relationship is not a node: it is one unit of supply at its cell (or at the pool),
      and its relationship, if any, one capacity-1 edge from there to the member (the
      relationship and expertise bonus). Other slots are nodes of their own (supply 1),
      with edges to their cell or the pool (their coverage value, if they may stay
      uncovered), to the members they have a relationship with, and to ``T`` (uncovered).
    """
    u = pr.units
    n_members = len(team)
    n_accounts = len(rank)
    big = len(slot_ids) * n_members * n_accounts + 1  # lexicographic: value, then ties
    capacity = sum(m.capacity for m in team)
    kept, open_ids = _decided(pr, slot_ids, team, capacity)

    reach: dict[_Pattern, list[int]] = {}  # match node -> members (positions) it reaches
    for j, m in enumerate(team):
        for key in _member_patterns(u, m):
            reach.setdefault(key, []).append(j)
    position = {m.id: j for j, m in enumerate(team)}
    ties: dict[str, list[tuple[int, int]]] = {}  # account -> [(member position, units)]
    for (mid, a), strength in pr.strengths.items():
        at = position.get(mid)
        ru = _relationship_units(u, strength)
        if at is not None and a in pr.accounts and ru > 0:
            ties.setdefault(a, []).append((at, ru))

    sink, pool, member0 = 0, 1, 2
    G: nx.MultiDiGraph[int] = nx.MultiDiGraph()
    G.add_node(sink, demand=len(kept))
    G.add_node(pool, demand=0)
    for j in range(n_members):
        G.add_node(member0 + j, demand=0)
    next_id = member0 + n_members
    pattern_node: dict[_Pattern, int] = {}
    cell_node: dict[tuple[str, str, tuple[str, ...]], int] = {}
    supply: dict[int, list[int]] = {pool: []}  # cell or pool -> the slots merged into it
    own: list[tuple[int, int]] = []  # (slot, node) of the slots that are nodes
    claims: list[tuple[int, int, int, int]] = []  # (u, member node, key, slot) of ties
    for k in kept:
        a = pr.slots[k][0]
        account = pr.accounts[a]
        profile = (account.industry, account.region, tuple(sorted(set(account.cooperation_areas))))
        cell = cell_node.get(profile)
        if cell is None:
            patterns = _cell_patterns(u, account, reach)
            cell = pool
            if patterns:
                cell = next_id
                next_id += 1
                G.add_node(cell, demand=0)
                G.add_edge(cell, pool, weight=0)
                for key, bonus in patterns:
                    node = pattern_node.get(key)
                    if node is None:
                        node = pattern_node[key] = next_id
                        next_id += 1
                    G.add_edge(cell, node, weight=-big * bonus)
                supply[cell] = []
            cell_node[profile] = cell
        pairs = ties.get(a, [])
        expertise = [_expertise_units(u, _matches(team[j], account)) for j, _ in pairs]
        if k not in open_ids and len(pairs) <= 1:
            supply[cell].append(k)
            G.nodes[cell]["demand"] -= 1
            for (j, ru), eu in zip(pairs, expertise, strict=True):
                edge = G.add_edge(cell, member0 + j, capacity=1, weight=-big * (eu + ru))
                claims.append((cell, member0 + j, edge, k))
            continue
        node = next_id
        next_id += 1
        G.add_node(node, demand=-1)
        own.append((k, node))
        base = 0
        if k in open_ids:  # may stay uncovered: its value is earned on the way in
            base = big * pr.cover[a] + n_members * (n_accounts - rank[a])
            G.add_edge(node, sink, weight=0)
        G.add_edge(node, cell, weight=-base)
        for (j, ru), eu in zip(pairs, expertise, strict=True):
            G.add_edge(node, member0 + j, weight=-(base + big * (eu + ru)))
    for j, m in enumerate(team):
        G.add_edge(pool, member0 + j, weight=0)
        G.add_edge(member0 + j, sink, capacity=m.capacity, weight=j)
    for key in sorted(pattern_node, key=_pattern_order):
        for j in reach[key]:
            G.add_edge(pattern_node[key], member0 + j, weight=0)

    return _Flow(G, role, team, member0, supply, own, claims, pattern_node)


def _decided(
    pr: _Problem, slot_ids: list[int], team: list[TeamMember], capacity: int
) -> tuple[list[int], set[int]]:
    """The slots worth a place in the flow, and those of them that may stay uncovered.

    An exact reduction. With capacity for ``C`` of the role's slots, the optimum covers
    ``C`` of them (covering always gains). Let ``b`` be the ``C``-th largest coverage value
    and ``b'`` the next one, and ``B`` the largest bonus one slot can get: a slot worth more
    than ``b + B`` is covered in every optimum (else swapping it for a covered slot worth
    at most ``b`` would gain), one worth less than ``b' - B`` in none. Only the slots in
    between may be left uncovered.
    """
    n = len(slot_ids)
    if capacity >= n:
        return slot_ids, set()
    u = pr.units
    ranked = sorted((pr.cover[pr.slots[k][0]] for k in slot_ids), reverse=True)
    strongest = max(
        (s for (m, _), s in pr.strengths.items() if pr.members[m].role == team[0].role),
        default=0.0,
    )
    bonus = u.industry + u.region + u.solution + _relationship_units(u, strongest)
    hi, lo = ranked[capacity - 1] + bonus, ranked[capacity] - bonus
    kept = [k for k in slot_ids if pr.cover[pr.slots[k][0]] >= lo]
    if len(kept) <= capacity:
        return kept, set()
    return kept, {k for k in kept if pr.cover[pr.slots[k][0]] <= hi}


def _pattern_order(key: _Pattern) -> tuple[tuple[bool, str], ...]:
    return tuple((k is not None, k or "") for k in key)


def _decompose(
    flow: Mapping[int, Mapping[int, Mapping[int, int]]], pr: _Problem, problem: _Flow
) -> list[Assignment]:
    """The flow as assignments: interchangeable slots in id order to members in id order.

    A unit on a slot's relationship edge is that slot's. The other slots at a cell, the
    pool or a match node are interchangeable (each path there is worth the same to each
    of them): they leave in slot order (slots are in account-id order) along the out-edges
    in node order (members in member-id order).
    """
    team, role, member0, supply = problem.team, problem.role, problem.member0, problem.supply
    own, claims, pattern_node = problem.own, problem.claims, problem.patterns
    n_members = len(team)
    out: list[Assignment] = []

    def assign(k: int, v: int) -> None:
        out.append(Assignment(pr.slots[k][0], team[v - member0].id, role))

    claimed: set[int] = set()
    for u_, v, key, k in claims:
        if flow[u_][v][key] > 0:
            assign(k, v)
            claimed.add(k)
    arrivals: dict[int, list[int]] = {
        n: [k for k in ks if k not in claimed] for n, ks in supply.items()
    }
    for k, node in own:
        for v, edges in flow[node].items():
            if sum(edges.values()) <= 0 or v == 0:
                continue
            if member0 <= v < member0 + n_members:
                assign(k, v)
            else:
                arrivals.setdefault(v, []).append(k)
    claim_edges = {(u_, v, key) for u_, v, key, _ in claims}
    cells = sorted(n for n in supply if n != 1)
    for node in [*cells, 1, *sorted(pattern_node.values())]:
        slots = sorted(arrivals.get(node, ()))
        pos = 0
        for v in sorted(flow.get(node, {})):
            for key, f in sorted(flow[node][v].items()):
                if (node, v, key) in claim_edges:
                    continue
                for _ in range(f):
                    if member0 <= v < member0 + n_members:
                        assign(slots[pos], v)
                    else:
                        arrivals.setdefault(v, []).append(slots[pos])
                    pos += 1
    return out
