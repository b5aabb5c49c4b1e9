"""The sales-coverage evaluation of source [002]: is the allocation the best one, every 6 months.

Source [002] (动态评估, dynamic evaluation, part 3, 销售覆盖评估): evaluate the team that
sells to the accounts and each salesperson, to see whether the allocation of accounts is
the best one; this can be done every **6 months**.

`coverage_evaluation` reads the allocation in force (an
[`Allocation`][kamlib.planning.Allocation]) and reports, each as a tuple of small typed
records sorted by id:

* the load of every member and team against capacity: the **overloaded** members (load
  above capacity, by how much) and the **idle** ones (no account, or well under capacity);
* the accounts **missing a role** (every account needs the policy's roles; a new target
  account with no open opportunity needs the whole iron triangle, source [002]);
* the **expertise mismatches** (a member who matches none of the account's industry,
  region and solutions, or not the dimension of the member's own coverage line);
* what the **optimal allocation** (`allocate` on the same inputs) would gain, the
  **moves** it makes, the **relationship continuity** those moves cost, and the net gain;
* the **6-month rhythm**: when the next evaluation is due, and whether it is due or
  overdue at ``as_of``.

Every number the source does not give (the idle threshold, the continuity price, what
counts as a mismatch) is kamlib's own choice and a parameter.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping
from fractions import Fraction
from types import MappingProxyType
from typing import Final

import attrs

from kamlib._dated import add_months, check_as_of, check_portfolio, not_after
from kamlib._validators import check_aware_datetime, check_flag, check_int, check_real
from kamlib.errors import FieldError, InvalidTypeError, InvalidValueError
from kamlib.model import Account, Portfolio
from kamlib.planning._allocation import (
    _SCALE,
    MAX_POLICY_VALUE,
    AllocationPolicy,
    AllocationScore,
    _matches,
    _units,
    allocate,
    check_assigned_accounts,
    evaluate_allocation,
    iron_triangle_targets,
    relationship_strengths,
    required_roles,
)
from kamlib.planning._team import (
    Allocation,
    CoverageLine,
    TeamMember,
    check_allocation,
    check_members,
)
from kamlib.scoring import ScoreTable

__all__ = [
    "COVERAGE_CODES",
    "EXPERTISE_DIMENSIONS",
    "MAX_EVALUATION_MONTHS",
    "CoverageEvaluation",
    "CoverageMove",
    "CoverageSchedule",
    "ExpertiseMismatch",
    "IdleMember",
    "OverloadedMember",
    "RoleGap",
    "TeamLoad",
    "coverage_evaluation",
]

EXPERTISE_DIMENSIONS: Final[tuple[str, ...]] = ("industry", "region", "solution")
"""The three dimensions on which a member's expertise meets an account, in report order.

``industry``: ``Account.industry`` in ``TeamMember.industries``; ``region``:
``Account.region`` in ``TeamMember.regions``; ``solution``: one of
``Account.cooperation_areas`` in ``TeamMember.solutions``. They are the region, industry
and solution coverage lines of source [002]'s allocation (区域线/行业线/方案线).

Examples:
    >>> from kamlib.planning import EXPERTISE_DIMENSIONS
    >>> EXPERTISE_DIMENSIONS
    ('industry', 'region', 'solution')
"""

MAX_EVALUATION_MONTHS: Final = 1200
"""Longest interval between two coverage evaluations accepted: a century (kamlib's bound).

Examples:
    >>> from kamlib.planning import MAX_EVALUATION_MONTHS
    >>> MAX_EVALUATION_MONTHS
    1200
"""

COVERAGE_CODES: Final[Mapping[str, str]] = MappingProxyType(
    {
        "member_overloaded": "A member serves more accounts than their capacity "
        "(`CoverageEvaluation.overloaded`; suggested severity: warning).",
        "role_missing": "An account lacks a role it needs: one of the policy's roles, or a "
        "member of the iron triangle for a new target with no open opportunity "
        "(`CoverageEvaluation.gaps`; suggested severity: warning, critical for a missing "
        "account manager).",
        "coverage_evaluation_overdue": "The 6-monthly sales-coverage evaluation (source "
        "[002]) is past its due time (`CoverageEvaluation.schedule`; suggested severity: "
        "warning).",
        "member_idle": "A member with capacity serves no account, or well under capacity "
        "(`CoverageEvaluation.idle`; suggested severity: info).",
        "expertise_mismatch": "A member serves an account they match on no expertise "
        "dimension, or off their own coverage line (`CoverageEvaluation.mismatches`; "
        "suggested severity: watch).",
        "reallocation_gain": "The optimal allocation would gain more than the continuity "
        "its moves cost (`CoverageEvaluation.net_gain > 0`; suggested severity: info).",
    }
)
"""The findings of a coverage evaluation an operations review can raise, with where each
is read and the severity kamlib suggests (kamlib's own choice; the source gives none).

Examples:
    >>> from kamlib.planning import COVERAGE_CODES
    >>> sorted(COVERAGE_CODES)[:3]
    ['coverage_evaluation_overdue', 'expertise_mismatch', 'member_idle']
"""


# ------------------------------------------------------------------------------- records
@attrs.frozen
class OverloadedMember:
    """A member who serves more than their capacity under the current allocation.

    Attributes:
        member_id: The [`TeamMember`][kamlib.planning.TeamMember].
        role: The member's role.
        team: The member's team, or ``None``.
        capacity: How many accounts the member can serve (``TeamMember.capacity``).
        load: How many (account, role) assignments the member holds.
        excess: ``load - capacity``, above 0.

    Examples:
        >>> from kamlib.planning import OverloadedMember
        >>> OverloadedMember("U1", "account_manager", None, 3, 5, 2).excess
        2
    """

    member_id: str
    role: str
    team: str | None
    capacity: int
    load: int
    excess: int


@attrs.frozen
class IdleMember:
    """A member with capacity who serves no account, or well under capacity.

    Attributes:
        member_id: The [`TeamMember`][kamlib.planning.TeamMember].
        role: The member's role.
        team: The member's team, or ``None``.
        capacity: How many accounts the member can serve, above 0.
        load: How many (account, role) assignments the member holds.
        spare: ``capacity - load``, above 0.

    Examples:
        >>> from kamlib.planning import IdleMember
        >>> m = IdleMember("U2", "account_manager", "east", 4, 0, 4)
        >>> m.unassigned, m.utilisation
        (True, 0.0)
    """

    member_id: str
    role: str
    team: str | None
    capacity: int
    load: int
    spare: int

    @property
    def unassigned(self) -> bool:
        """Whether the member serves no account at all.

        Examples:
            >>> from kamlib.planning import IdleMember
            >>> IdleMember("U2", "account_manager", None, 4, 1, 3).unassigned
            False
        """
        return self.load == 0

    @property
    def utilisation(self) -> float:
        """``load / capacity``, in ``[0, 1)``.

        Examples:
            >>> from kamlib.planning import IdleMember
            >>> IdleMember("U2", "account_manager", None, 4, 1, 3).utilisation
            0.25
        """
        return self.load / self.capacity


@attrs.frozen
class TeamLoad:
    """A team's load: its members' loads and capacities summed (source [002]: the team).

    Attributes:
        team: The team name (``TeamMember.team``).
        members: Its member ids, sorted.
        capacity: Sum of the members' capacities.
        load: Sum of the members' loads.
        overloaded: Its members above capacity, sorted.
        idle: Its idle members, sorted.

    Examples:
        >>> from kamlib.planning import TeamLoad
        >>> t = TeamLoad("east", ("U1", "U2"), 10, 7, ("U2",), ())
        >>> t.spare
        3
    """

    team: str
    members: tuple[str, ...]
    capacity: int
    load: int
    overloaded: tuple[str, ...]
    idle: tuple[str, ...]

    @property
    def spare(self) -> int:
        """Capacity minus load (negative when the team as a whole is over).

        Examples:
            >>> from kamlib.planning import TeamLoad
            >>> TeamLoad("east", ("U1",), 2, 3, ("U1",), ()).spare
            -1
        """
        return self.capacity - self.load


@attrs.frozen
class RoleGap:
    """An account that lacks roles it needs under the current allocation.

    Attributes:
        account_id: The account.
        missing: The roles it needs and nobody serves, sorted.
        reasons: Why each missing role is open (a code of
            [`UNCOVERED_REASONS`][kamlib.planning.UNCOVERED_REASONS]), one per ``missing``.
        required: Every role it needs, sorted.
        iron_triangle: Whether it is a new target with no open opportunity, so it needs
            the whole iron triangle of source [002] (expert, account manager, solution
            manager).
        value: The coverage value the open slots lose in the objective.

    Examples:
        >>> from kamlib.planning import RoleGap
        >>> g = RoleGap("A1", ("account_manager",), ("at_capacity",), ("account_manager",),
        ...             False, 100.0)
        >>> g.missing, g.reasons
        (('account_manager',), ('at_capacity',))
    """

    account_id: str
    missing: tuple[str, ...]
    reasons: tuple[str, ...]
    required: tuple[str, ...]
    iron_triangle: bool
    value: float


@attrs.frozen
class ExpertiseMismatch:
    """An assignment whose member brings no matching expertise to the account.

    Attributes:
        account_id: The account.
        role: The role served.
        member_id: The member.
        line: The member's [`CoverageLine`][kamlib.planning.CoverageLine], or ``None``.
        matched: The `EXPERTISE_DIMENSIONS` on which the member matches the account.
        missed: The other dimensions (where the member's expertise does not include the
            account's industry, region or any of its cooperation areas).
        reason: ``"no_match"`` when the member matches no dimension; ``"off_line"`` when
            the member matches some, but not the dimension of their own coverage line.

    Examples:
        >>> from kamlib.planning import ExpertiseMismatch
        >>> ExpertiseMismatch("A1", "account_manager", "U1", None, (),
        ...                   ("industry", "region", "solution"), "no_match").reason
        'no_match'
    """

    account_id: str
    role: str
    member_id: str
    line: CoverageLine | None
    matched: tuple[str, ...]
    missed: tuple[str, ...]
    reason: str


@attrs.frozen
class CoverageMove:
    """One change the optimal allocation makes to an (account, role) slot.

    Attributes:
        account_id: The account.
        role: The role.
        from_member: Who serves it now, or ``None`` (an open slot the optimum fills).
        to_member: Who would serve it, or ``None`` (a slot the optimum leaves open, or an
            assignment in a role the account does not need, which the optimum drops).
        gain: What the slot is worth under the optimum minus what it is worth now (an
            open slot, or one the account does not need, is worth 0). The gains of all
            moves add up to `CoverageEvaluation.gain`.
        strength_lost: The relationship strength ``from_member`` holds with the account
            and takes away: ``0`` when the same person still serves the account in
            another role under the optimum, or when there is no ``from_member``.
        continuity_cost: ``continuity_price * strength_lost``, in objective units
            (rounded to [`VALUE_RESOLUTION`][kamlib.planning.VALUE_RESOLUTION]).

    Examples:
        >>> from kamlib.planning import CoverageMove
        >>> m = CoverageMove("A1", "account_manager", "U1", "U2", 10.0, 0.8, 24.0)
        >>> m.from_member, m.to_member, m.continuity_cost, m.net_gain
        ('U1', 'U2', 24.0, -14.0)
    """

    account_id: str
    role: str
    from_member: str | None
    to_member: str | None
    gain: float
    strength_lost: float
    continuity_cost: float

    @property
    def net_gain(self) -> float:
        """``gain - continuity_cost`` (rounded to the objective's resolution).

        Moves depend on each other through capacities: a move worth making alone may need
        another to be feasible.

        Examples:
            >>> from kamlib.planning import CoverageMove
            >>> CoverageMove("A2", "account_manager", None, "U1", 100.0, 0.0, 0.0).net_gain
            100.0
        """
        return (_units(self.gain) - _units(self.continuity_cost)) / _SCALE


@attrs.frozen
class CoverageSchedule:
    """The 6-month rhythm of the sales-coverage evaluation (source [002]) at ``as_of``.

    Attributes:
        as_of: The moment described.
        last_evaluated: The previous evaluation, or ``None`` if there was none.
        every_months: The interval in calendar months (source [002]: 6).
        next_due: ``add_months(last_evaluated, every_months)``: the same day of the month
            (clamped to the month's end: Aug 31 + 6 months is Feb 28), the same time of
            day and offset; ``None`` if never evaluated.
        due: Whether an evaluation is due at ``as_of``: ``as_of >= next_due``, or never
            evaluated.
        overdue: Whether it is past due: ``as_of > next_due``. Exactly at the due time it
            is due, not overdue; never evaluated is due, not overdue (there is no clock to
            be late on: pass the day the team started as ``last_evaluated`` to start one).

    Examples:
        >>> import datetime as dt
        >>> from kamlib.planning import CoverageSchedule
        >>> s = CoverageSchedule.at(dt.datetime(2025, 9, 1, tzinfo=dt.UTC),
        ...                         last_evaluated=dt.datetime(2025, 3, 1, tzinfo=dt.UTC))
        >>> s.next_due.date(), s.due, s.overdue
        (datetime.date(2025, 9, 1), True, False)
    """

    as_of: dt.datetime
    last_evaluated: dt.datetime | None
    every_months: int
    next_due: dt.datetime | None
    due: bool
    overdue: bool

    @property
    def overdue_by(self) -> dt.timedelta:
        """How long past due at ``as_of`` (zero when not overdue).

        Examples:
            >>> import datetime as dt
            >>> from kamlib.planning import CoverageSchedule
            >>> CoverageSchedule.at(dt.datetime(2025, 9, 3, tzinfo=dt.UTC),
            ...                     last_evaluated=dt.datetime(2025, 3, 1, tzinfo=dt.UTC)
            ...                     ).overdue_by
            datetime.timedelta(days=2)
        """
        if self.next_due is None or not self.overdue:
            return dt.timedelta(0)
        return self.as_of - self.next_due

    @classmethod
    def at(
        cls,
        as_of: dt.datetime,
        *,
        last_evaluated: dt.datetime | None = None,
        every_months: int = 6,
        where: str = "CoverageSchedule.at",
    ) -> CoverageSchedule:
        """The schedule at ``as_of`` after an evaluation at ``last_evaluated``.

        Args:
            as_of: Timezone-aware moment.
            last_evaluated: The previous evaluation (at or before ``as_of``), or ``None``.
            every_months: Months between evaluations (source [002]: 6), in
                ``[1, MAX_EVALUATION_MONTHS]``.
            where: The name errors start their path with.

        Raises:
            InvalidTypeError: A datetime that is not one, months that are not an int.
            InvalidValueError: A naive datetime, ``last_evaluated`` after ``as_of``, months
                out of range, a due time past year 9999.

        Examples:
            >>> import datetime as dt
            >>> from kamlib.planning import CoverageSchedule
            >>> s = CoverageSchedule.at(dt.datetime(2025, 9, 2, tzinfo=dt.UTC),
            ...                         last_evaluated=dt.datetime(2025, 3, 1, tzinfo=dt.UTC))
            >>> s.overdue
            True
            >>> CoverageSchedule.at(dt.datetime(2025, 9, 2, tzinfo=dt.UTC)).due
            True
        """
        when = check_as_of(where, as_of)
        months = check_int(f"{where}.every_months", every_months, ge=1, le=MAX_EVALUATION_MONTHS)
        if last_evaluated is None:
            return cls(when, None, months, None, True, False)
        last = check_aware_datetime(f"{where}.last_evaluated", last_evaluated)
        not_after(f"{where}.last_evaluated", last, when)
        try:
            due = add_months(last, months)
        except FieldError:
            raise InvalidValueError(
                f"{where}.last_evaluated", last, f"plus {months} months is past year 9999"
            ) from None
        return cls(when, last, months, due, when >= due, when > due)


@attrs.frozen
class CoverageEvaluation:
    """The sales-coverage evaluation of an allocation (source [002]), as of a moment.

    Every tuple is sorted by id (members by member id, accounts by account id, then role),
    so the order of the input records never shows.

    Attributes:
        as_of: The moment evaluated (pass it as the next ``last_evaluated``).
        current: The objective of the current allocation, broken down
            ([`AllocationScore`][kamlib.planning.AllocationScore] of
            [`evaluate_allocation`][kamlib.planning.evaluate_allocation]; its ``loads``
            hold every member's load against capacity).
        overloaded: The `OverloadedMember`s (load above capacity), by member id.
        idle: The `IdleMember`s (capacity, and no account or a load below ``idle_below``
            of capacity), by member id.
        teams: Every named team's `TeamLoad`, by team.
        gaps: The accounts missing a role (`RoleGap`), by account id.
        mismatches: The `ExpertiseMismatch` assignments, by account, role.
        optimal: The allocation [`allocate`][kamlib.planning.allocate] finds on the same
            inputs, or ``None`` when not asked for (``optimise=False``).
        optimal_score: Its objective (same breakdown), or ``None``.
        gain: ``optimal_score.value - current.value``, or ``None``. Never negative when
            the current allocation is feasible; it may be when it overloads a member.
        moves: The `CoverageMove`s: the slots whose member the optimum changes, by
            account, role.
        strength_lost: Sum of the moves' ``strength_lost`` (relationship strength,
            unpriced).
        continuity_cost: Sum of the moves' ``continuity_cost``, or ``None``.
        net_gain: ``gain - continuity_cost``, or ``None``: reallocating is worth it when
            positive.
        schedule: The `CoverageSchedule` (next due, due, overdue).

    Examples:
        >>> import datetime as dt
        >>> from kamlib.model import Account, Portfolio
        >>> from kamlib.planning import (Allocation, Assignment, TeamMember,
        ...                              coverage_evaluation)
        >>> acc = Account("A1", "Acme", industry="retail", region="east", size_band="large",
        ...               cooperation_start=dt.date(2024, 1, 1))
        >>> u1 = TeamMember("U1", "Li", "account_manager", 1, industries=["retail"])
        >>> e = coverage_evaluation(Portfolio([acc]), [u1],
        ...                         Allocation([Assignment("A1", "U1", "account_manager")]),
        ...                         as_of=dt.datetime(2025, 1, 1, tzinfo=dt.UTC))
        >>> e.overloaded, e.gaps, e.moves, e.gain, e.feasible
        ((), (), (), 0.0, True)
    """

    as_of: dt.datetime
    current: AllocationScore
    overloaded: tuple[OverloadedMember, ...]
    idle: tuple[IdleMember, ...]
    teams: tuple[TeamLoad, ...]
    gaps: tuple[RoleGap, ...]
    mismatches: tuple[ExpertiseMismatch, ...]
    optimal: Allocation | None
    optimal_score: AllocationScore | None
    gain: float | None
    moves: tuple[CoverageMove, ...]
    strength_lost: float
    continuity_cost: float | None
    net_gain: float | None
    schedule: CoverageSchedule

    @property
    def feasible(self) -> bool:
        """Whether the current allocation keeps every capacity (no member overloaded).

        Examples:
            >>> import datetime as dt
            >>> from kamlib.model import Portfolio
            >>> from kamlib.planning import Allocation, coverage_evaluation
            >>> coverage_evaluation(Portfolio(), [], Allocation(),
            ...                     as_of=dt.datetime(2025, 1, 1, tzinfo=dt.UTC)).feasible
            True
        """
        return not self.overloaded


# ------------------------------------------------------------------------------- helpers
def _share(path: str, value: object) -> Fraction:
    return Fraction(check_real(path, value, ge=0.0, le=1.0))


def _scope(where: str, accounts: object) -> tuple[str, ...]:
    """``accounts`` as a tuple of ids (their checks are `evaluate_allocation`'s)."""
    if isinstance(accounts, str | bytes | Mapping) or not isinstance(accounts, Iterable):
        raise InvalidTypeError(f"{where}.accounts", accounts, "must be a collection of ids")
    return tuple(accounts)


def _fit(member: TeamMember, account: Account) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The expertise dimensions on which ``member`` matches ``account``, and the others."""
    pairs = tuple(zip(EXPERTISE_DIMENSIONS, _matches(member, account), strict=True))
    return tuple(d for d, hit in pairs if hit), tuple(d for d, hit in pairs if not hit)


_LINES: Final = frozenset({CoverageLine.REGION, CoverageLine.INDUSTRY, CoverageLine.SOLUTION})


def _members(
    team: Mapping[str, TeamMember], score: AllocationScore, idle_below: Fraction
) -> tuple[tuple[OverloadedMember, ...], tuple[IdleMember, ...], tuple[TeamLoad, ...]]:
    """The overloaded and idle members (by id) and the loads of the named teams."""
    over: list[OverloadedMember] = []
    idle: list[IdleMember] = []
    by_team: dict[str, list[tuple[str, int, int]]] = {}
    for x in score.loads:  # by member id
        m = team[x.member_id]
        if x.load > x.capacity:
            over.append(OverloadedMember(m.id, m.role, m.team, x.capacity, x.load, -x.spare))
        elif x.capacity > 0 and (x.load == 0 or x.load < idle_below * x.capacity):
            idle.append(IdleMember(m.id, m.role, m.team, x.capacity, x.load, x.spare))
        if m.team is not None:
            by_team.setdefault(m.team, []).append((m.id, x.capacity, x.load))
    over_ids = {x.member_id for x in over}
    idle_ids = {x.member_id for x in idle}
    teams = tuple(
        TeamLoad(
            name,
            tuple(i for i, _, _ in rows),
            sum(c for _, c, _ in rows),
            sum(n for _, _, n in rows),
            tuple(i for i, _, _ in rows if i in over_ids),
            tuple(i for i, _, _ in rows if i in idle_ids),
        )
        for name, rows in sorted(by_team.items())
    )
    return tuple(over), tuple(idle), teams


def _gaps(
    score: AllocationScore, roles: tuple[str, ...], triangle: frozenset[str]
) -> tuple[RoleGap, ...]:
    """The open required slots of ``score``, one `RoleGap` per account."""
    by_account: dict[str, list[tuple[str, str, float]]] = {}
    for u in score.missing:  # by account, role
        by_account.setdefault(u.account_id, []).append((u.role, u.reason, u.value))
    out = []
    for account_id, rows in sorted(by_account.items()):
        out.append(
            RoleGap(
                account_id,
                tuple(r for r, _, _ in rows),
                tuple(why for _, why, _ in rows),
                required_roles(roles, account_id in triangle),
                account_id in triangle,
                sum(_units(v) for _, _, v in rows) / _SCALE,
            )
        )
    return tuple(out)


def _mismatches(
    allocation: Allocation, team: Mapping[str, TeamMember], accounts: Mapping[str, Account]
) -> tuple[ExpertiseMismatch, ...]:
    out = []
    for a in allocation.assignments:  # by account, role, member
        m = team[a.member_id]
        if not (m.industries or m.regions or m.solutions):
            continue  # declares no expertise: nothing to mismatch (kamlib's own reading)
        matched, missed = _fit(m, accounts[a.account_id])
        if not matched:
            reason = "no_match"
        elif m.line in _LINES and m.line.value in missed:
            reason = "off_line"
        else:
            continue
        out.append(ExpertiseMismatch(a.account_id, a.role, m.id, m.line, matched, missed, reason))
    return tuple(out)


def _moves(
    current: Allocation,
    optimal: Allocation,
    scores: tuple[AllocationScore, AllocationScore],
    team: Mapping[str, TeamMember],
    strengths: Mapping[tuple[str, str], float],
    price: float,
) -> tuple[CoverageMove, ...]:
    """The slots whose member differs, each with the relationship strength it takes away.

    A person's strength with an account is lost once, on the first of their moves (by
    role) off the account, and only when the person serves the account in no role under
    the optimum.
    """
    now = {(a.account_id, a.role): a.member_id for a in current.assignments}
    then = {(a.account_id, a.role): a.member_id for a in optimal.assignments}
    staying: dict[str, set[str]] = {}
    for a in optimal.assignments:
        staying.setdefault(a.account_id, set()).add(team[a.member_id].person_id)
    worth_now = {(v.account_id, v.role): _units(v.value) for v in scores[0].assignments}
    worth_then = {(v.account_id, v.role): _units(v.value) for v in scores[1].assignments}
    charged: set[tuple[str, str]] = set()
    out = []
    for key in sorted(now.keys() | then.keys()):
        before, after = now.get(key), then.get(key)
        if before == after:
            continue
        account_id, role = key
        lost = 0.0
        if before is not None:
            person = team[before].person_id
            if person not in staying.get(account_id, ()) and (account_id, person) not in charged:
                charged.add((account_id, person))
                lost = float(strengths.get((before, account_id), 0.0))
        gain = (worth_then.get(key, 0) - worth_now.get(key, 0)) / _SCALE
        cost = _units(price * lost) / _SCALE
        out.append(CoverageMove(account_id, role, before, after, gain, lost, cost))
    return tuple(out)


# ------------------------------------------------------------------------------- public
def coverage_evaluation(
    portfolio: Portfolio,
    members: Iterable[TeamMember],
    allocation: Allocation,
    *,
    as_of: dt.datetime,
    weights: Mapping[str, float] | ScoreTable | None = None,
    policy: AllocationPolicy = AllocationPolicy(),  # noqa: B008  (frozen: safe to share)
    new_targets: Iterable[str] = (),
    accounts: Iterable[str] | None = None,
    last_evaluated: dt.datetime | None = None,
    every_months: int = 6,
    idle_below: float = 0.5,
    continuity_price: float | None = None,
    optimise: bool = True,
) -> CoverageEvaluation:
    """Evaluate the allocation in force: loads, gaps, mismatches, and what the optimum gains.

    Source [002]'s sales-coverage evaluation (销售覆盖评估): evaluate the team and each
    salesperson, is this allocation of accounts the best one; every 6 months.

    * **Load**: a member's load is the number of (account, role) assignments they hold.
      Overloaded when the load is **above** capacity (exactly at capacity is not). Idle
      (kamlib's own choice) when the member has capacity and no account, or a load
      **below** ``idle_below`` of capacity (default 0.5: exactly half is not idle). A
      member with capacity 0 is never idle.
    * **Gaps**: every account of the portfolio needs each of ``policy.roles``; a new
      target (``new_targets``) with no open opportunity needs the whole
      [`IRON_TRIANGLE`][kamlib.planning.IRON_TRIANGLE] too (source [002]). The open
      slots are those of [`evaluate_allocation`][kamlib.planning.evaluate_allocation],
      with its reason for each.
    * **Mismatches** (kamlib's own choice): an assignment whose member matches the
      account on none of `EXPERTISE_DIMENSIONS` (``no_match``), or matches some but not
      the dimension of the member's own region, industry or solution coverage line
      (``off_line``). A support-line member, or one with no line, is judged on the three
      dimensions only. Expertise a member does not declare never matches; a member who
      declares none at all is not judged (there is nothing to mismatch).
    * **The optimum**: [`allocate`][kamlib.planning.allocate] on the same portfolio,
      members, weights, policy and new targets; both allocations are scored by
      ``evaluate_allocation`` and ``gain`` is the difference. The optimum ignores
      continuity except through the policy's ``relationship_bonus``; the continuity cost
      of its moves is reported beside the gain, and ``net_gain`` subtracts it.
    * **Continuity** (kamlib's own choice): a move takes away the relationship strength
      ([`relationship_strengths`][kamlib.planning.relationship_strengths]) its current
      member holds with the account, unless the same person (``person_id``) still serves
      the account in another role under the optimum; it costs ``continuity_price`` per
      unit of strength. The default price is the policy's ``relationship_bonus``: a
      handover loses once what the relationship earns in the objective.
    * **Rhythm**: the `CoverageSchedule` from ``last_evaluated`` (source [002]: every 6
      months).

    Args:
        portfolio: The [`Portfolio`][kamlib.model.Portfolio].
        members: The [`TeamMember`][kamlib.planning.TeamMember]s, any order.
        allocation: The [`Allocation`][kamlib.planning.Allocation] in force.
        as_of: Timezone-aware moment of the evaluation.
        weights: Account weights, as ``allocate`` takes them (``None``: 1 each).
        policy: The [`AllocationPolicy`][kamlib.planning.AllocationPolicy] (objective
            and required roles).
        new_targets: Ids of new target accounts (one with no open opportunity needs the
            iron triangle).
        accounts: The accounts that need the policy's roles (default: every account of
            the portfolio; e.g. the key-account list, the accounts source [002]
            allocates). Assignments to other accounts still count in the members' loads
            (as ``extra``), need no role, and are not moved by the optimum.
        last_evaluated: The previous coverage evaluation, or ``None``.
        every_months: Months between evaluations (source [002]: 6).
        idle_below: A member whose load is below this share of capacity is idle, in
            ``[0, 1]`` (kamlib's own choice: 0.5; ``0``: only a member with no account).
        continuity_price: Objective units per unit of relationship strength a move takes
            away, ``>= 0``; ``None``: the policy's ``relationship_bonus``.
        optimise: Whether to run ``allocate`` (``False``: the optimum, gain, moves and
            continuity cost are ``None`` or empty; loads, gaps, mismatches and the
            schedule are still reported).

    Returns:
        The `CoverageEvaluation`.

    Raises:
        InvalidTypeError: A portfolio, allocation, member, policy, id or flag of the wrong
            type.
        InvalidValueError: A naive ``as_of``; ``last_evaluated`` after it; a share, price
            or interval out of range; an assignment in a role not its member's; a negative
            weight.
        UnknownIdError: An assignment naming an unknown member
            (``coverage_evaluation.allocation.assignments[i].member_id``) or account
            (``....account_id``); an unknown new target or weight id; an account without
            a weight.
        DuplicateIdError: Two members with one id; a new target listed twice.

    Examples:
        >>> import datetime as dt
        >>> from kamlib.model import Account, Portfolio
        >>> from kamlib.planning import (Allocation, Assignment, TeamMember,
        ...                              coverage_evaluation)
        >>> accs = [Account(i, i, industry="retail", region="east", size_band="large",
        ...                 cooperation_start=dt.date(2024, 1, 1)) for i in ("A1", "A2")]
        >>> team = [TeamMember("U1", "Li", "account_manager", 1, industries=["retail"]),
        ...         TeamMember("U2", "Wu", "account_manager", 2, industries=["retail"])]
        >>> now = Allocation([Assignment("A1", "U1", "account_manager"),
        ...                   Assignment("A2", "U1", "account_manager")])
        >>> e = coverage_evaluation(Portfolio(accs), team, now,
        ...                         as_of=dt.datetime(2025, 9, 1, tzinfo=dt.UTC),
        ...                         last_evaluated=dt.datetime(2025, 3, 1, tzinfo=dt.UTC))
        >>> [(m.member_id, m.excess) for m in e.overloaded], [m.member_id for m in e.idle]
        ([('U1', 1)], ['U2'])
        >>> [(m.account_id, m.from_member, m.to_member) for m in e.moves], e.gain
        ([('A2', 'U1', 'U2')], 0.0)
        >>> e.schedule.due, e.schedule.overdue
        (True, False)
    """
    where = "coverage_evaluation"
    when = check_as_of(where, as_of)
    pf = check_portfolio(where, portfolio)
    team = check_members(where, members)
    current = check_allocation(where, allocation, team)
    by_id = {a.id: a for a in pf.accounts}
    check_assigned_accounts(where, current, by_id)
    if not isinstance(policy, AllocationPolicy):
        raise InvalidTypeError(f"{where}.policy", policy, "must be an AllocationPolicy")
    idle_share = _share(f"{where}.idle_below", idle_below)
    if continuity_price is None:
        price = policy.relationship_bonus
    else:
        price = check_real(
            f"{where}.continuity_price", continuity_price, ge=0.0, le=MAX_POLICY_VALUE
        )
    run = check_flag(f"{where}.optimise", optimise)
    schedule = CoverageSchedule.at(
        when, last_evaluated=last_evaluated, every_months=every_months, where=where
    )
    if isinstance(new_targets, str | bytes | Mapping) or not isinstance(new_targets, Iterable):
        raise InvalidTypeError(
            f"{where}.new_targets", new_targets, "must be a collection of account ids"
        )
    targets = tuple(new_targets)
    people = tuple(team.values())
    scope = None if accounts is None else _scope(where, accounts)
    try:
        now = evaluate_allocation(
            current,
            pf,
            people,
            as_of=when,
            weights=weights,
            policy=policy,
            accounts=scope,
            new_targets=targets,
        )
    except FieldError as e:
        raise e.renamed("evaluate_allocation", where) from None
    triangle = iron_triangle_targets(pf, targets)
    over, idle, teams = _members(team, now, idle_share)
    gaps = _gaps(now, policy.roles, triangle)
    mismatches = _mismatches(current, team, by_id)
    best: Allocation | None = None
    best_score: AllocationScore | None = None
    moves: tuple[CoverageMove, ...] = ()
    gain = cost = None
    if run:
        free = people
        if scope is not None:  # the members' loads outside the scope stay theirs
            inside = set(scope)
            held = Counter(x.member_id for x in current.assignments if x.account_id not in inside)
            free = tuple(attrs.evolve(m, capacity=max(0, m.capacity - held[m.id])) for m in people)
        best = allocate(
            pf,
            free,
            as_of=when,
            weights=weights,
            policy=policy,
            accounts=scope,
            new_targets=targets,
        ).allocation
        if scope is not None:  # the assignments outside the scope stay as they are
            kept = [x for x in current.assignments if x.account_id not in inside]
            best = Allocation([*best.assignments, *kept])
        best_score = evaluate_allocation(
            best,
            pf,
            people,
            as_of=when,
            weights=weights,
            policy=policy,
            accounts=scope,
            new_targets=targets,
        )
        strengths = relationship_strengths(pf, people, as_of=when)
        moves = _moves(current, best, (now, best_score), team, strengths, price)
        gain = _units(best_score.value) - _units(now.value)
        cost = sum(_units(m.continuity_cost) for m in moves)
    return CoverageEvaluation(
        as_of=when,
        current=now,
        overloaded=over,
        idle=idle,
        teams=teams,
        gaps=gaps,
        mismatches=mismatches,
        optimal=best,
        optimal_score=best_score,
        gain=None if gain is None else gain / _SCALE,
        moves=moves,
        strength_lost=float(sum(m.strength_lost for m in moves)),
        continuity_cost=None if cost is None else cost / _SCALE,
        net_gain=None if gain is None or cost is None else (gain - cost) / _SCALE,
        schedule=schedule,
    )
