"""The yearly assessment (评估和考核, source [002]): do teams, members and accounts qualify?

Source [002] puts a yearly assessment at company level: once a year the company assesses
its sales teams, its salespeople and its accounts, to judge whether each qualifies.
Source [004] says what to judge key-account work by: the customer's **lifetime value —
the profit the customer brings** (终生价值, 客户带来的利润), after the **cost to serve**,
not revenue (paying by revenue drives short-term selling). Source [000] adds NPS and the
renewal rate to the KPIs. So `yearly_assessment` reports, per account, per member and
per team, the lifetime profit after cost-to-serve, NPS, renewal, commitment fulfilment,
the health trend over the year and plan execution, with **revenue beside them, never
instead of them**, and says which rows meet the `AssessmentCriteria` a company sets.

The sources give no thresholds: by default no criterion is set and every row qualifies
(kamlib's own choice); every definition below that the sources do not give is kamlib's
own and is marked so in `ASSESSMENT_MEASURES`.
"""

from __future__ import annotations

import datetime as dt
import enum
import math
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Final, Literal

import attrs
import numpy as np
from numpy.typing import NDArray

from kamlib._dated import (
    add_months,
    check_as_of,
    check_portfolio,
    not_after,
    refuse_later_account_records,
)
from kamlib._table import MAX_MAGNITUDE, FeatureTable
from kamlib._validators import check_real, instance_of, one_of
from kamlib.errors import InvalidTypeError, InvalidValueError, UnknownIdError
from kamlib.features import extract_features
from kamlib.model import Portfolio
from kamlib.planning._team import Allocation, TeamMember, check_allocation, check_members
from kamlib.scoring import HealthModel

__all__ = [
    "ASSESSED_MEASURES",
    "ASSESSMENT_MEASURES",
    "MISSING_POLICIES",
    "AssessmentCriteria",
    "AssessmentLevel",
    "AssessmentRow",
    "AssessmentThresholds",
    "YearlyAssessment",
    "yearly_assessment",
]

_WHERE: Final = "yearly_assessment"

ASSESSMENT_MEASURES: Final[Mapping[str, str]] = MappingProxyType(
    {
        "lifetime_profit": "The `lifetime_profit` feature of extract_features: the sum of "
        "(profit_contribution - cost_to_serve) over every recorded complete quarter from the "
        "one holding cooperation_start to the last before as_of, the profit the customer has "
        "brought after the cost to serve [004]. Summed over a member's or team's accounts.",
        "nps": "The `nps` feature: the Net Promoter Score of the answers in the 365 days up "
        "to as_of (the assessed year), in [-100, 100] [000], [003]. Missing without an answer "
        "in the year. A member's or team's NPS is the mean over its accounts that have one, "
        "each account weighing the same (kamlib's own choice).",
        "renewal": "1 when the account's recorded renewal intent is 'yes', 0 when it is "
        "'unclear' or 'no'; missing when none is recorded. Over a member's or team's accounts "
        "the mean is the renewal rate: the share of the accounts with intent 'yes' among "
        "those with a recorded intent. Source [000] names the renewal rate as a KPI; reading "
        "it from the stated intent is kamlib's (the portfolio records intents, not renewals).",
        "commitment_fulfilment": "The `commitment_fulfilment` feature: among the account's "
        "commitments closed at as_of, (delivered + accepted) / (delivered + accepted + "
        "broken) [000]. Missing when none is closed. Mean over accounts (kamlib's own choice).",
        "health_trend": "The health score at as_of minus the score one year earlier (as_of "
        "moved back 12 calendar months), both by the same pinned health model, on the "
        "feature tables at the two moments; in [-100, 100]. Missing when either score "
        "observed no measure (coverage 0) or the cooperation started after the earlier "
        "moment. kamlib's own definition of the trend; mean over accounts.",
        "plan_progress": "The plan-execution progress in [0, 1] the caller gives per account "
        "(e.g. PlanExecution.progress); missing for an account not given. Source [002] "
        "reviews account-plan execution; the mean over accounts is kamlib's own choice.",
        "revenue": "The `revenue` feature over the 4 complete quarters ending at or before "
        "as_of (the assessed year). Shown beside the measures, never instead of them, and "
        "never a criterion unless a company sets one: source [004] warns that paying by "
        "revenue drives short-term selling. Summed over a member's or team's accounts.",
    }
)
"""Every measure of the assessment, in column order, with its definition and source.

A read-only mapping measure name -> definition; the order is the column order of
`YearlyAssessment.table` and of `AssessmentRow.values`.

Examples:
    >>> from kamlib.planning import ASSESSMENT_MEASURES
    >>> list(ASSESSMENT_MEASURES)
    ['lifetime_profit', 'nps', 'renewal', 'commitment_fulfilment', 'health_trend', \
'plan_progress', 'revenue']
    >>> "[004]" in ASSESSMENT_MEASURES["lifetime_profit"]
    True
"""

ASSESSED_MEASURES: Final[tuple[str, ...]] = (
    "lifetime_profit",
    "nps",
    "renewal",
    "commitment_fulfilment",
    "health_trend",
    "plan_progress",
)
"""The measures the assessment judges by (every measure but ``revenue``, which is shown beside).

Examples:
    >>> from kamlib.planning import ASSESSED_MEASURES, ASSESSMENT_MEASURES
    >>> "revenue" in ASSESSED_MEASURES
    False
    >>> [m for m in ASSESSMENT_MEASURES if m not in ASSESSED_MEASURES]
    ['revenue']
"""

_SUMMED: Final = frozenset({"lifetime_profit", "revenue"})
_MEASURES: Final[tuple[str, ...]] = tuple(ASSESSMENT_MEASURES)

MISSING_POLICIES: Final[tuple[str, ...]] = ("fail", "ignore")
"""What a set criterion does with a missing value: ``"fail"`` (the row does not qualify)
or ``"ignore"`` (the criterion does not count); either way it is listed as unassessed.

The values `AssessmentCriteria.missing` accepts (default ``"fail"``).

Examples:
    >>> from kamlib.planning import MISSING_POLICIES, AssessmentCriteria
    >>> MISSING_POLICIES
    ('fail', 'ignore')
    >>> AssessmentCriteria(missing="ignore").missing
    'ignore'
"""


class AssessmentLevel(enum.StrEnum):
    """The three things source [002] assesses each year: accounts, salespeople and teams.

    Examples:
        >>> from kamlib.planning import AssessmentLevel
        >>> [level.value for level in AssessmentLevel]
        ['account', 'member', 'team']
    """

    ACCOUNT = "account"
    """客户: one account of the portfolio."""
    MEMBER = "member"
    """销售人员: one team member, over the accounts it serves in the allocation."""
    TEAM = "team"
    """销售团队: one team, over its members' accounts (each account once)."""


# ------------------------------------------------------------------------------ criteria
def _minimum(path: str, value: object, lo: float, hi: float) -> float | None:
    return None if value is None else check_real(path, value, ge=lo, le=hi)


def _min_lifetime_profit(value: object) -> float | None:
    return _minimum(
        "AssessmentThresholds.min_lifetime_profit", value, -MAX_MAGNITUDE, MAX_MAGNITUDE
    )


def _min_nps(value: object) -> float | None:
    return _minimum("AssessmentThresholds.min_nps", value, -100.0, 100.0)


def _min_renewal(value: object) -> float | None:
    return _minimum("AssessmentThresholds.min_renewal", value, 0.0, 1.0)


def _min_commitment_fulfilment(value: object) -> float | None:
    return _minimum("AssessmentThresholds.min_commitment_fulfilment", value, 0.0, 1.0)


def _min_health_trend(value: object) -> float | None:
    return _minimum("AssessmentThresholds.min_health_trend", value, -100.0, 100.0)


def _min_plan_progress(value: object) -> float | None:
    return _minimum("AssessmentThresholds.min_plan_progress", value, 0.0, 1.0)


def _min_revenue(value: object) -> float | None:
    return _minimum("AssessmentThresholds.min_revenue", value, -MAX_MAGNITUDE, MAX_MAGNITUDE)


@attrs.frozen
class AssessmentThresholds:
    """The minimum a row must reach on each measure to qualify; ``None``: no criterion.

    A value **at** the minimum qualifies; below it fails. The sources give no numbers, so
    every field defaults to ``None`` (kamlib's own choice: kamlib sets no bar of its own,
    and with no criterion every row qualifies). The thresholds of a member or a team apply
    to its aggregates: a **sum** for lifetime profit and revenue, a **mean** over accounts
    for the others (`ASSESSMENT_MEASURES`).

    Revenue is never a criterion unless a company sets ``min_revenue`` itself: source
    [004] warns that judging key-account work by revenue drives short-term selling.

    Attributes:
        min_lifetime_profit: Lifetime profit after cost-to-serve (money, same currency as
            the figures), at most 1e15 in magnitude.
        min_nps: NPS, in [-100, 100].
        min_renewal: Renewal (rate), in [0, 1].
        min_commitment_fulfilment: Commitment fulfilment, in [0, 1].
        min_health_trend: Health trend (points of the 0-100 score), in [-100, 100].
        min_plan_progress: Plan-execution progress, in [0, 1].
        min_revenue: Revenue over the year: only if a company explicitly wants it.

    Raises:
        InvalidTypeError: A threshold that is not a real number (or ``None``).
        InvalidValueError: A threshold outside its range, or not finite.

    Examples:
        >>> from kamlib.planning import AssessmentThresholds
        >>> t = AssessmentThresholds(min_nps=30, min_renewal=0.8)
        >>> t.criteria
        (('nps', 30.0), ('renewal', 0.8))
        >>> AssessmentThresholds(min_renewal=80)
        Traceback (most recent call last):
        ...
        kamlib.errors.InvalidValueError: AssessmentThresholds.min_renewal: must be a real \
number in [0, 1]; got 80
    """

    min_lifetime_profit: float | None = attrs.field(default=None, converter=_min_lifetime_profit)
    min_nps: float | None = attrs.field(default=None, converter=_min_nps)
    min_renewal: float | None = attrs.field(default=None, converter=_min_renewal)
    min_commitment_fulfilment: float | None = attrs.field(
        default=None, converter=_min_commitment_fulfilment
    )
    min_health_trend: float | None = attrs.field(default=None, converter=_min_health_trend)
    min_plan_progress: float | None = attrs.field(default=None, converter=_min_plan_progress)
    min_revenue: float | None = attrs.field(default=None, converter=_min_revenue)

    @property
    def criteria(self) -> tuple[tuple[str, float], ...]:
        """The criteria set, as (measure, minimum) pairs in the order of `ASSESSMENT_MEASURES`.

        Examples:
            >>> from kamlib.planning import AssessmentThresholds
            >>> AssessmentThresholds().criteria
            ()
        """
        minima = (
            self.min_lifetime_profit,
            self.min_nps,
            self.min_renewal,
            self.min_commitment_fulfilment,
            self.min_health_trend,
            self.min_plan_progress,
            self.min_revenue,
        )
        return tuple((n, m) for n, m in zip(_MEASURES, minima, strict=True) if m is not None)


def _thresholds() -> AssessmentThresholds:
    return AssessmentThresholds()


@attrs.frozen
class AssessmentCriteria:
    """What a company requires of accounts, members and teams: one set of thresholds each.

    One set per level, because a member's or team's lifetime profit is a sum over its
    accounts and needs its own bar; the means (NPS, renewal, ...) may share one. The
    defaults set no criterion (kamlib's own choice: the sources give no numbers), so every
    row qualifies until a company sets its bars.

    Attributes:
        account: The `AssessmentThresholds` of an account.
        member: Those of a member (over the accounts it serves).
        team: Those of a team (over its members' accounts).
        missing: What a set criterion does when the row has no value of its measure (no
            NPS answer in the year, no closed commitment...): ``"fail"`` (default, kamlib's
            own choice: what was not measured is not shown to qualify) or ``"ignore"`` (the
            criterion does not count). Either way the row lists it in ``unassessed``.

    Raises:
        InvalidTypeError: A level that is not an `AssessmentThresholds`.
        InvalidValueError: ``missing`` not one of `MISSING_POLICIES`.

    Examples:
        >>> from kamlib.planning import AssessmentCriteria, AssessmentThresholds
        >>> c = AssessmentCriteria(member=AssessmentThresholds(min_nps=20))
        >>> c.for_level("member").criteria, c.for_level("team").criteria, c.missing
        ((('nps', 20.0),), (), 'fail')
        >>> AssessmentCriteria(team={"min_nps": 20})
        Traceback (most recent call last):
        ...
        kamlib.errors.InvalidTypeError: AssessmentCriteria.team: must be \
AssessmentThresholds; got {'min_nps': 20}
    """

    account: AssessmentThresholds = attrs.field(
        factory=_thresholds, validator=instance_of(AssessmentThresholds)
    )
    member: AssessmentThresholds = attrs.field(
        factory=_thresholds, validator=instance_of(AssessmentThresholds)
    )
    team: AssessmentThresholds = attrs.field(
        factory=_thresholds, validator=instance_of(AssessmentThresholds)
    )
    missing: Literal["fail", "ignore"] = attrs.field(
        default="fail", validator=one_of(*MISSING_POLICIES)
    )

    def for_level(self, level: AssessmentLevel | str) -> AssessmentThresholds:
        """The thresholds of one `AssessmentLevel` (or its value).

        Raises:
            InvalidValueError: Not a level.

        Examples:
            >>> from kamlib.planning import AssessmentCriteria
            >>> AssessmentCriteria().for_level("account").criteria
            ()
        """
        level = _level("AssessmentCriteria.for_level.level", level)
        if level is AssessmentLevel.ACCOUNT:
            return self.account
        return self.member if level is AssessmentLevel.MEMBER else self.team


def _level(path: str, value: object) -> AssessmentLevel:
    if isinstance(value, AssessmentLevel):
        return value
    if not isinstance(value, str):
        raise InvalidTypeError(path, value, "must be an AssessmentLevel or its value")
    try:
        return AssessmentLevel(value)
    except ValueError:
        raise InvalidValueError(
            path, value, f"must be one of {[v.value for v in AssessmentLevel]}"
        ) from None


# ------------------------------------------------------------------------------ results
def _row_level(value: object) -> AssessmentLevel:
    return _level("AssessmentRow.level", value)


def _readonly_counts(value: Mapping[str, int]) -> Mapping[str, int]:
    return MappingProxyType(dict(value))


@attrs.frozen
class AssessmentRow:
    """One assessed account, member or team: its measures and whether it qualifies.

    Built by `yearly_assessment`. A measure with no value is ``None`` (declared missing,
    never NaN); its count says how many of the row's accounts have a value.

    Attributes:
        level: The `AssessmentLevel`.
        id: The account id, member id or team name.
        accounts: The accounts the row covers, sorted (an account row: its own id).
        members: The members the row covers, sorted (an account row: those serving it in
            the allocation; a member row: its own id; a team row: its members).
        lifetime_profit: Lifetime profit after cost-to-serve (sum over the accounts).
        nps: NPS (mean over the accounts that have one).
        renewal: Renewal: 1/0 for an account, the renewal rate over accounts.
        commitment_fulfilment: Commitment fulfilment (mean).
        health_trend: Health trend over the year (mean).
        plan_progress: Plan-execution progress (mean).
        revenue: Revenue over the year (sum), shown beside, never instead of, the rest.
        counts: Measure name -> number of the row's accounts with a value of it.
        qualifies: Whether the row meets every criterion of its level (a row with no
            criterion set qualifies).
        failed: The measures whose value is below their minimum, in column order.
        unassessed: The measures with a criterion set but no value, in column order.

    Examples:
        >>> from kamlib.planning import ASSESSMENT_MEASURES, AssessmentRow
        >>> row = AssessmentRow("member", "U1", ("A1",), ("U1",), 10.0, None, 1.0, None,
        ...                     None, None, 50.0, dict.fromkeys(ASSESSMENT_MEASURES, 0),
        ...                     True, (), ())
        >>> row.value("renewal"), row.level
        (1.0, <AssessmentLevel.MEMBER: 'member'>)
    """

    level: AssessmentLevel = attrs.field(converter=_row_level)
    id: str
    accounts: tuple[str, ...]
    members: tuple[str, ...]
    lifetime_profit: float | None
    nps: float | None
    renewal: float | None
    commitment_fulfilment: float | None
    health_trend: float | None
    plan_progress: float | None
    revenue: float | None
    counts: Mapping[str, int] = attrs.field(converter=_readonly_counts)
    qualifies: bool
    failed: tuple[str, ...]
    unassessed: tuple[str, ...]

    def value(self, measure: str) -> float | None:
        """The row's value of one measure of `ASSESSMENT_MEASURES` (``None``: missing).

        Raises:
            InvalidValueError: Not a measure.

        Examples:
            >>> from kamlib.planning import ASSESSMENT_MEASURES, AssessmentRow
            >>> row = AssessmentRow("account", "A1", ("A1",), (), None, 30.0, None, None,
            ...                     None, None, None, dict.fromkeys(ASSESSMENT_MEASURES, 0),
            ...                     True, (), ())
            >>> row.value("nps")
            30.0
        """
        if measure not in ASSESSMENT_MEASURES:
            raise InvalidValueError(
                "AssessmentRow.value.measure", measure, f"must be one of {list(_MEASURES)}"
            )
        return dict(zip(_MEASURES, self.values, strict=True))[measure]

    @property
    def values(self) -> tuple[float | None, ...]:
        """The row's values in the order of `ASSESSMENT_MEASURES` (``None``: missing).

        Examples:
            >>> from kamlib.planning import ASSESSMENT_MEASURES, AssessmentRow
            >>> row = AssessmentRow("account", "A1", ("A1",), (), None, 30.0, None, None,
            ...                     None, None, None, dict.fromkeys(ASSESSMENT_MEASURES, 0),
            ...                     True, (), ())
            >>> row.values
            (None, 30.0, None, None, None, None, None)
        """
        return (
            self.lifetime_profit,
            self.nps,
            self.renewal,
            self.commitment_fulfilment,
            self.health_trend,
            self.plan_progress,
            self.revenue,
        )


@attrs.frozen
class YearlyAssessment:
    """The result of `yearly_assessment`: one row per account, member and team.

    Attributes:
        as_of: The moment assessed.
        year_ago: ``as_of`` moved back 12 calendar months: the start of the health trend.
        criteria: The `AssessmentCriteria` applied.
        health: The pinned [`HealthModel`][kamlib.scoring.HealthModel] that scored both
            moments (pass it back to assess another year with the same model); with an
            empty portfolio nothing is scored and it is the model as given.
        accounts: The account rows, by id.
        members: The member rows, by id.
        teams: The team rows, by name (members with no team are in no team row).

    Examples:
        >>> import datetime as dt
        >>> from kamlib.planning import Allocation, yearly_assessment
        >>> from kamlib.synthetic import synthetic_portfolio
        >>> as_of = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
        >>> a = yearly_assessment(synthetic_portfolio(3, seed=1, as_of=as_of), [],
        ...                       Allocation(), as_of=as_of)
        >>> len(a.accounts), a.members, a.year_ago.year
        (3, (), 2025)
    """

    as_of: dt.datetime
    year_ago: dt.datetime
    criteria: AssessmentCriteria
    health: HealthModel
    accounts: tuple[AssessmentRow, ...]
    members: tuple[AssessmentRow, ...]
    teams: tuple[AssessmentRow, ...]

    def rows(self, level: AssessmentLevel | str) -> tuple[AssessmentRow, ...]:
        """The rows of one level, by id.

        Examples:
            >>> import datetime as dt
            >>> from kamlib.model import Portfolio
            >>> from kamlib.planning import Allocation, yearly_assessment
            >>> as_of = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
            >>> yearly_assessment(Portfolio(), [], Allocation(), as_of=as_of).rows("team")
            ()
        """
        level = _level("YearlyAssessment.rows.level", level)
        return {
            AssessmentLevel.ACCOUNT: self.accounts,
            AssessmentLevel.MEMBER: self.members,
            AssessmentLevel.TEAM: self.teams,
        }[level]

    def row(self, level: AssessmentLevel | str, row_id: str) -> AssessmentRow:
        """The row of one account, member or team.

        Raises:
            UnknownIdError: No such row at that level.

        Examples:
            >>> import datetime as dt
            >>> from kamlib.model import Portfolio
            >>> from kamlib.planning import Allocation, yearly_assessment
            >>> as_of = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
            >>> yearly_assessment(Portfolio(), [], Allocation(), as_of=as_of).row("team", "x")
            Traceback (most recent call last):
            ...
            kamlib.errors.UnknownIdError: YearlyAssessment.row.row_id: names no team row; \
got 'x'
        """
        level = _level("YearlyAssessment.row.level", level)
        for r in self.rows(level):
            if r.id == row_id:
                return r
        raise UnknownIdError("YearlyAssessment.row.row_id", row_id, f"names no {level} row")

    def qualified(self, level: AssessmentLevel | str) -> tuple[str, ...]:
        """The ids of the rows of one level that qualify, sorted.

        Examples:
            >>> import datetime as dt
            >>> from kamlib.model import Portfolio
            >>> from kamlib.planning import Allocation, yearly_assessment
            >>> as_of = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
            >>> yearly_assessment(Portfolio(), [], Allocation(), as_of=as_of).qualified("member")
            ()
        """
        return tuple(r.id for r in self.rows(level) if r.qualifies)

    def table(self, level: AssessmentLevel | str) -> FeatureTable:
        """The rows of one level as a [`FeatureTable`][kamlib.FeatureTable].

        Columns: the measures of `ASSESSMENT_MEASURES` (missing values declared missing,
        never NaN by accident), then ``accounts`` (the number of accounts of the row).

        Examples:
            >>> import datetime as dt
            >>> from kamlib.planning import Allocation, yearly_assessment
            >>> from kamlib.synthetic import synthetic_portfolio
            >>> as_of = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
            >>> a = yearly_assessment(synthetic_portfolio(3, seed=1, as_of=as_of), [],
            ...                       Allocation(), as_of=as_of)
            >>> t = a.table("account")
            >>> t.names[:3], t.column("accounts").tolist()
            (('lifetime_profit', 'nps', 'renewal'), [1.0, 1.0, 1.0])
        """
        rows = self.rows(level)
        columns: dict[str, object] = {
            m: [r.values[j] for r in rows] for j, m in enumerate(_MEASURES)
        }
        columns["accounts"] = [len(r.accounts) for r in rows]
        return FeatureTable.from_columns([r.id for r in rows], columns)


# ------------------------------------------------------------------------------ the assessment
def yearly_assessment(
    portfolio: Portfolio,
    members: Iterable[TeamMember],
    allocation: Allocation,
    *,
    as_of: dt.datetime,
    criteria: AssessmentCriteria | None = None,
    health: HealthModel | None = None,
    plan_progress: Mapping[str, float] | None = None,
) -> YearlyAssessment:
    """Assess every account, member and team for the year up to ``as_of`` (source [002]).

    Per account, from [`extract_features`][kamlib.features.extract_features] at ``as_of``
    (definitions in `ASSESSMENT_MEASURES`): lifetime profit after cost-to-serve (the
    measure source [004] judges key-account work by), NPS, renewal, commitment
    fulfilment, the health trend over the year, plan progress, and revenue beside them.
    Per member, over the accounts it serves in ``allocation`` (in any role); per team,
    over its members' accounts, each account once: lifetime profit and revenue summed,
    the others averaged over the accounts that have a value, each account weighing the
    same. Sums and means are correctly rounded (`math.fsum` over the accounts in id
    order), so the same accounts give the same bits in any input order. An aggregate over
    no value is ``None``.

    Every row is then judged by the thresholds of its level in ``criteria``.

    Args:
        portfolio: The portfolio; every account is assessed.
        members: The [`TeamMember`][kamlib.planning.TeamMember] records (ids unique);
            ``team`` groups them into teams.
        allocation: The [`Allocation`][kamlib.planning.Allocation] in force: who serves
            which account.
        as_of: The timezone-aware moment assessed; no record after it may be present.
        criteria: The `AssessmentCriteria` (default: none set, every row qualifies:
            kamlib's own choice, the sources give no numbers).
        health: The health model of the trend. Default: kamlib's
            [`HealthModel`][kamlib.scoring.HealthModel] **fitted on this portfolio's
            features at** ``as_of`` (so adding an account can move every trend a little:
            pin a model to compare years or portfolios). A fitted (pinned) model is used as
            given, never refitted; an unfitted one is fitted the same way as the default.
            The same model scores both moments.
        plan_progress: Account id -> plan-execution progress in [0, 1] (e.g. from
            ``PlanExecution.progress``); accounts not in it have no plan progress.

    Returns:
        A `YearlyAssessment`.

    Raises:
        InvalidTypeError: ``portfolio`` not a Portfolio; ``members`` not a collection of
            TeamMember; ``allocation`` not an Allocation; ``criteria`` not an
            AssessmentCriteria; ``health`` not a HealthModel; ``plan_progress`` not a
            mapping, or a progress not a real number.
        InvalidValueError: ``as_of`` naive, or so early that the year before it (and its
            feature windows) reaches before year 1 (path ``yearly_assessment.as_of``); a
            progress outside [0, 1]; a record dated after ``as_of`` (a survey, NPS answer,
            risk signal, commitment step or interaction); an assignment's role not its
            member's role; the default (or an unfitted) health model cannot be fitted on
            the portfolio (a measure no account has, e.g. ``revenue_growth`` without
            figures: path ``yearly_assessment.health.measures[...]``, pass a fitted model).
        DuplicateIdError: Two members with one id.
        UnknownIdError: An assignment naming an unknown member or account; a
            ``plan_progress`` key naming no account.

    Examples:
        >>> import datetime as dt
        >>> from kamlib.planning import (Allocation, AssessmentCriteria,
        ...     AssessmentThresholds, Assignment, TeamMember, yearly_assessment)
        >>> from kamlib.synthetic import synthetic_portfolio
        >>> as_of = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
        >>> p = synthetic_portfolio(4, seed=3, as_of=as_of)
        >>> ids = [a.id for a in p.accounts]
        >>> team = [TeamMember("U1", "Li", "account_manager", 5, team="East"),
        ...         TeamMember("U2", "Wu", "account_manager", 5, team="East")]
        >>> alloc = Allocation([Assignment(ids[0], "U1", "account_manager"),
        ...                     Assignment(ids[1], "U1", "account_manager"),
        ...                     Assignment(ids[2], "U2", "account_manager")])
        >>> a = yearly_assessment(p, team, alloc, as_of=as_of,
        ...                       plan_progress={ids[0]: 0.5, ids[1]: 1.0})
        >>> u1 = a.row("member", "U1")
        >>> u1.accounts == tuple(sorted(ids[:2])), u1.plan_progress, u1.counts["plan_progress"]
        (True, 0.75, 2)
        >>> a.row("team", "East").accounts == tuple(sorted(ids[:3]))
        True
        >>> strict = AssessmentCriteria(member=AssessmentThresholds(min_plan_progress=0.8))
        >>> a = yearly_assessment(p, team, alloc, as_of=as_of, criteria=strict,
        ...                       plan_progress={ids[0]: 0.5, ids[1]: 1.0}, health=a.health)
        >>> [(r.id, r.qualifies, r.failed, r.unassessed) for r in a.members]
        [('U1', False, ('plan_progress',), ()), ('U2', False, (), ('plan_progress',))]
    """
    portfolio = check_portfolio(_WHERE, portfolio)
    as_of = check_as_of(_WHERE, as_of)
    by_id = check_members(_WHERE, members)
    allocation = check_allocation(_WHERE, allocation, by_id)
    if criteria is None:
        criteria = AssessmentCriteria()
    elif not isinstance(criteria, AssessmentCriteria):
        raise InvalidTypeError(f"{_WHERE}.criteria", criteria, "must be an AssessmentCriteria")
    if health is not None and not isinstance(health, HealthModel):
        raise InvalidTypeError(f"{_WHERE}.health", health, "must be a HealthModel")
    account_ids = {a.id for a in portfolio.accounts}
    for i, asg in enumerate(allocation.assignments):
        if asg.account_id not in account_ids:
            raise UnknownIdError(
                f"{_WHERE}.allocation.assignments[{i}].account_id",
                asg.account_id,
                "names no account of the portfolio",
            )
    progress = _check_progress(plan_progress, account_ids)
    _check_dated(portfolio, as_of)

    try:
        year_ago = add_months(as_of, -12)
    except InvalidValueError:
        raise InvalidValueError(
            f"{_WHERE}.as_of", as_of, "is too early: a year before as_of is before year 1"
        ) from None
    model = HealthModel() if health is None else health
    values = _account_values(portfolio, as_of, year_ago, model, progress)
    if values.model is not None:
        model = values.model

    served: dict[str, set[str]] = {}  # account -> members
    serves: dict[str, set[str]] = {m: set() for m in by_id}  # member -> accounts
    for asg in allocation.assignments:
        served.setdefault(asg.account_id, set()).add(asg.member_id)
        serves[asg.member_id].add(asg.account_id)

    def judge(
        level: AssessmentLevel, row_id: str, accounts: Iterable[str], who: Iterable[str]
    ) -> AssessmentRow:
        return _row(level, row_id, tuple(sorted(accounts)), tuple(sorted(who)), values, criteria)

    account_rows = tuple(
        judge(AssessmentLevel.ACCOUNT, a, (a,), served.get(a, ())) for a in sorted(account_ids)
    )
    member_rows = tuple(
        judge(AssessmentLevel.MEMBER, m, serves[m], (m,))
        for m in by_id  # by_id is sorted
    )
    teams: dict[str, list[str]] = {}
    for m in by_id.values():
        if m.team is not None:
            teams.setdefault(m.team, []).append(m.id)
    team_rows = tuple(
        judge(
            AssessmentLevel.TEAM,
            name,
            set().union(*(serves[m] for m in teams[name])),
            teams[name],
        )
        for name in sorted(teams)
    )
    return YearlyAssessment(
        as_of=as_of,
        year_ago=year_ago,
        criteria=criteria,
        health=model,
        accounts=account_rows,
        members=member_rows,
        teams=team_rows,
    )


@attrs.frozen
class _Values:
    """Each account's value of each measure (``None``: missing), and the model used."""

    by_account: dict[str, tuple[float | None, ...]]  # in the order of _MEASURES
    model: HealthModel | None  # the model as used (fitted), None when nothing was scored


def _account_values(
    portfolio: Portfolio,
    as_of: dt.datetime,
    year_ago: dt.datetime,
    model: HealthModel,
    progress: Mapping[str, float],
) -> _Values:
    if not portfolio.accounts:
        return _Values({}, None)
    now = _features(portfolio, as_of, as_of)
    before = _features(portfolio, year_ago, as_of)
    if not model.is_fitted:
        model = _fit(model, now)
    n = len(now)
    scored = model.score(FeatureTable.concat([_positional(now, "now"), _positional(before, "ago")]))
    trend = scored.scores[:n] - scored.scores[n:]  # a row's score is its own: one batch
    coverage_now, coverage_before = scored.coverage[:n], scored.coverage[n:]
    started = np.array(
        [a.cooperation_start > year_ago.date() for a in portfolio.accounts], dtype=np.bool_
    )
    no_trend = (coverage_now == 0) | (coverage_before == 0) | started
    unclear, no = now.column("renewal_unclear"), now.column("renewal_no")
    renewal = 1.0 - unclear - no  # 1 for 'yes', 0 for 'unclear' or 'no'
    columns: dict[str, tuple[NDArray[np.float64], NDArray[np.bool_]]] = {
        "lifetime_profit": (now.column("lifetime_profit"), now.is_missing("lifetime_profit")),
        "nps": (now.column("nps"), now.is_missing("nps")),
        "renewal": (renewal, now.is_missing("renewal_no")),
        "commitment_fulfilment": (
            now.column("commitment_fulfilment"),
            now.is_missing("commitment_fulfilment"),
        ),
        "health_trend": (trend, no_trend),
        "revenue": (now.column("revenue"), now.is_missing("revenue")),
    }
    lists = {
        name: [None if m else float(v) for v, m in zip(col, miss, strict=True)]
        for name, (col, miss) in columns.items()
    }
    ids = now.ids.tolist()
    by_account: dict[str, tuple[float | None, ...]] = {}
    for i, aid in enumerate(ids):
        by_account[aid] = tuple(
            progress.get(aid) if name == "plan_progress" else lists[name][i] for name in _MEASURES
        )
    return _Values(by_account, model)


def _features(portfolio: Portfolio, at: dt.datetime, as_of: dt.datetime) -> FeatureTable:
    """The features at ``at``; windows reaching before year 1 name ``yearly_assessment.as_of``."""
    try:
        return extract_features(portfolio, as_of=at)
    except InvalidValueError as e:
        if e.path != "extract_features.periods":
            raise
        raise InvalidValueError(
            f"{_WHERE}.as_of",
            as_of,
            "is too early: the features of the year before as_of reach before year 1",
        ) from None


def _fit(model: HealthModel, features: FeatureTable) -> HealthModel:
    """``model`` fitted on ``features``; a failure names ``yearly_assessment.health``.

    A measure no account observes (a plain portfolio with no figures has no
    ``revenue_growth``) cannot be fitted: the error keeps the model's reason and path and
    says to pass a fitted model, rather than silently dropping the trend.
    """
    try:
        return model.fit(features)
    except InvalidValueError as e:
        head = "HealthModel"
        inner = e.path[len(head) :] if e.path.startswith(head) else f"[{e.path!r}]"
        raise InvalidValueError(
            f"{_WHERE}.health{inner}",
            e.value,
            f"{e.reason}: the health model cannot be fitted on this portfolio's features at "
            "as_of (pass a fitted HealthModel as health, e.g. one fitted on a wider "
            "portfolio, or one without this measure)",
        ) from e


def _positional(table: FeatureTable, tag: str) -> FeatureTable:
    """``table`` with its rows named by position (``"now:0"``...), to stack two moments."""
    ids = np.empty(len(table), dtype=object)
    ids[:] = [f"{tag}:{i}" for i in range(len(table))]
    ids.flags.writeable = False
    return FeatureTable(
        ids=ids,
        names=table.names,
        values=table.values,
        missing=table.missing,
        categorical=table.categorical,
    )


def _row(
    level: AssessmentLevel,
    row_id: str,
    accounts: tuple[str, ...],
    members: tuple[str, ...],
    values: _Values,
    criteria: AssessmentCriteria,
) -> AssessmentRow:
    """Aggregate the accounts' values (in id order) and judge the row by its thresholds."""
    agg: dict[str, float | None] = {}
    counts: dict[str, int] = {}
    for j, name in enumerate(_MEASURES):
        seen = [v for a in accounts if (v := values.by_account[a][j]) is not None]
        counts[name] = len(seen)
        if not seen:
            agg[name] = None
        elif name in _SUMMED:
            agg[name] = math.fsum(seen)
        else:
            agg[name] = math.fsum(seen) / len(seen)
    failed: list[str] = []
    unassessed: list[str] = []
    for name, minimum in criteria.for_level(level).criteria:
        value = agg[name]
        if value is None:
            unassessed.append(name)
        elif value < minimum:
            failed.append(name)
    qualifies = not failed and (criteria.missing == "ignore" or not unassessed)
    return AssessmentRow(
        level=level,
        id=row_id,
        accounts=accounts,
        members=members,
        lifetime_profit=agg["lifetime_profit"],
        nps=agg["nps"],
        renewal=agg["renewal"],
        commitment_fulfilment=agg["commitment_fulfilment"],
        health_trend=agg["health_trend"],
        plan_progress=agg["plan_progress"],
        revenue=agg["revenue"],
        counts=counts,
        qualifies=qualifies,
        failed=tuple(failed),
        unassessed=tuple(unassessed),
    )


def _check_progress(value: object, accounts: set[str]) -> dict[str, float]:
    """``plan_progress`` checked: account id (of the portfolio) -> progress in [0, 1]."""
    path = f"{_WHERE}.plan_progress"
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise InvalidTypeError(path, value, "must be a mapping of account id to progress")
    out: dict[str, float] = {}
    for key in sorted(value, key=repr):  # the first bad key is the same in any order
        if not isinstance(key, str):
            raise InvalidTypeError(path, key, "keys must be account ids (str)")
        if key not in accounts:
            raise UnknownIdError(f"{path}[{key!r}]", key, "names no account of the portfolio")
        out[key] = check_real(f"{path}[{key!r}]", value[key], ge=0.0, le=1.0)
    return out


def _check_dated(portfolio: Portfolio, as_of: dt.datetime) -> None:
    """Refuse a dated record the assessment reads that lies after ``as_of``."""
    refuse_later_account_records(portfolio, as_of)
    for i, c in enumerate(portfolio.commitments):
        last = c.history[-1].at  # the history runs forward in time: the last step is latest
        if last > as_of:
            for j, step in enumerate(c.history):
                not_after(f"Portfolio.commitments[{i}].history[{j}].at", step.at, as_of)
    for i, x in enumerate(portfolio.interactions):
        if x.at > as_of:
            not_after(f"Portfolio.interactions[{i}].at", x.at, as_of)
