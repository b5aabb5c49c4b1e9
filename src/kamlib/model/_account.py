"""The key account and what is recorded about it.

Source [000] defines a key account by strategic fit, value potential and resource
complementarity; sources [001]/[003] add classification (industry, size, region),
satisfaction and NPS; source [004] judges key-account work by profit after
cost-to-serve (kamlib also reads it as an account's value, its own reading).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, Final

import attrs

from kamlib._validators import (
    as_tuple,
    aware_datetime,
    check_aware_datetime,
    each,
    instance_of,
    integer,
    non_empty_str,
    optional,
    real,
)
from kamlib.errors import CurrencyMismatchError, InvalidTypeError, InvalidValueError
from kamlib.model._checks import (
    check_date,
    enum_or_raw,
    exact_int,
    exact_real,
    member_of,
    plain_date,
    register_enum_converter,
    unique_items,
)
from kamlib.model._enums import NeedKind, NpsCategory, RenewalIntent, RiskKind, SizeBand
from kamlib.model._fast import fast_init
from kamlib.model._money import PeriodFigures
from kamlib.model._time import Quarter

__all__ = [
    "SCORE_SCALE",
    "StrategicAttributes",
    "SatisfactionSurvey",
    "NpsResponse",
    "RiskSignal",
    "Need",
    "Account",
]

SCORE_SCALE: Final[tuple[float, float]] = (0.0, 10.0)
"""Inclusive ``(low, high)`` scale of every judgement score in the model.

Used by `StrategicAttributes`, `Need` (urgency, value) and
[`Portrait`][kamlib.model.Portrait]. 0-10 is kamlib's choice; source [004]'s
weighted-points example rates its criteria (of CRM vendors) out of 10.
"""

_LO, _HI = SCORE_SCALE
SATISFACTION_SCALE: Final[tuple[float, float]] = (0.0, 100.0)
"""Inclusive scale of `SatisfactionSurvey.score` (source [000]: yellow below 70)."""


def _score() -> Any:
    return attrs.field(converter=exact_real, validator=real(ge=_LO, le=_HI))


@fast_init
@attrs.frozen
class StrategicAttributes:
    """The three dimensions that make an account *key*, each on `SCORE_SCALE`.

    Source rule [000] (大客户的界定): not only purchase volume, but **strategic fit**
    (战略契合度), **value potential** (价值潜力) and **resource complementarity**
    (资源互补性).

    Attributes:
        strategic_fit: Fit with our long-term goals.
        value_potential: Room for future growth.
        resource_complementarity: Ecosystem value for both sides.

    Examples:
        >>> s = StrategicAttributes(8, 6.5, 4)
        >>> s.value_potential
        6.5
        >>> StrategicAttributes(11, 0, 0)
        Traceback (most recent call last):
        ...
        kamlib.errors.InvalidValueError: StrategicAttributes.strategic_fit: must be a real ...
    """

    strategic_fit: float = _score()
    value_potential: float = _score()
    resource_complementarity: float = _score()


@fast_init
@attrs.frozen
class SatisfactionSurvey:
    """One customer-satisfaction survey result, ``score`` on 0-100.

    Source rule [000]: a satisfaction score below 70 is a yellow light (the threshold
    is a parameter of the warning rules, not of this record).

    Attributes:
        at: When the survey was answered (timezone-aware).
        score: Satisfaction on `SATISFACTION_SCALE` (0 to 100).

    Examples:
        >>> import datetime as dt
        >>> SatisfactionSurvey(dt.datetime(2024, 3, 1, tzinfo=dt.UTC), 68).score
        68
    """

    at: dt.datetime = attrs.field(validator=aware_datetime())
    score: float = attrs.field(
        converter=exact_real, validator=real(ge=SATISFACTION_SCALE[0], le=SATISFACTION_SCALE[1])
    )


@fast_init
@attrs.frozen
class NpsResponse:
    """One Net Promoter Score answer, an integer 0-10 (source [003]; KPI in source [000]).

    Attributes:
        at: When it was answered (timezone-aware).
        score: 0 to 10, "how likely are you to recommend us".
        person_id: The customer person who answered, if known.

    Examples:
        >>> import datetime as dt
        >>> r = NpsResponse(dt.datetime(2024, 3, 1, tzinfo=dt.UTC), 9)
        >>> r.category
        <NpsCategory.PROMOTER: 'promoter'>
    """

    at: dt.datetime = attrs.field(validator=aware_datetime())
    score: int = attrs.field(converter=exact_int, validator=integer(ge=0, le=10))
    person_id: str | None = attrs.field(default=None, validator=optional(non_empty_str()))

    @property
    def category(self) -> NpsCategory:
        """Standard NPS category: 9-10 promoter, 7-8 passive, 0-6 detractor.

        Examples:
            >>> import datetime as dt
            >>> t = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
            >>> [NpsResponse(t, s).category.value for s in (6, 7, 10)]
            ['detractor', 'passive', 'promoter']
        """
        if self.score >= 9:
            return NpsCategory.PROMOTER
        if self.score >= 7:
            return NpsCategory.PASSIVE
        return NpsCategory.DETRACTOR


def _to_risk_kind(value: str) -> str:
    """Converter: a known kind becomes its `RiskKind` member; others stay."""
    return enum_or_raw(RiskKind, value)


register_enum_converter(_to_risk_kind, RiskKind)


@fast_init
@attrs.frozen
class RiskSignal:
    """Something observed that threatens the account, open until resolved.

    ``kind`` is an open set: the `RiskKind` members (converted from their
    string values, so equality and round trips stay exact) or any other non-empty
    string a caller uses.

    Attributes:
        kind: A `RiskKind` or any non-empty string.
        at: When the signal was observed (timezone-aware).
        note: Free text.
        resolved_at: When it was resolved; not before ``at``.

    Raises:
        InvalidValueError: ``resolved_at`` is before ``at``.

    Examples:
        >>> import datetime as dt
        >>> t = dt.datetime(2024, 3, 1, tzinfo=dt.UTC)
        >>> s = RiskSignal("budget_frozen", t)
        >>> s.kind is RiskKind.BUDGET_FROZEN
        True
        >>> s.is_open(t + dt.timedelta(days=1))
        True
        >>> RiskSignal("new_cfo", t).kind
        'new_cfo'
    """

    kind: str = attrs.field(converter=_to_risk_kind, validator=non_empty_str())
    at: dt.datetime = attrs.field(validator=aware_datetime())
    note: str = attrs.field(default="", validator=instance_of(str))
    resolved_at: dt.datetime | None = attrs.field(
        default=None, validator=optional(aware_datetime())
    )

    def __attrs_post_init__(self) -> None:
        if self.resolved_at is not None and self.resolved_at < self.at:
            raise InvalidValueError(
                "RiskSignal.resolved_at", self.resolved_at, f"must not be before at={self.at}"
            )

    def is_open(self, as_of: dt.datetime) -> bool:
        """Whether the signal was raised by ``as_of`` and not yet resolved then.

        Args:
            as_of: A timezone-aware datetime.

        Examples:
            >>> import datetime as dt
            >>> t = dt.datetime(2024, 3, 1, tzinfo=dt.UTC)
            >>> s = RiskSignal("late_delivery", t, resolved_at=t + dt.timedelta(days=2))
            >>> s.is_open(t), s.is_open(t + dt.timedelta(days=2))
            (True, False)
        """
        check_aware_datetime("RiskSignal.is_open.as_of", as_of)
        return self.at <= as_of and (self.resolved_at is None or as_of < self.resolved_at)


def _to_need_kind(value: NeedKind | str) -> NeedKind:
    return enum_or_raw(NeedKind, value)


register_enum_converter(_to_need_kind, NeedKind)


@fast_init
@attrs.frozen
class Need:
    """One customer need in the account's demand pool (需求池).

    Source rule [000]: needs are explicit, implicit or latent, and the demand pool is
    ranked by urgency and value (按紧急度、价值量排序). The source does not say how the two
    combine; kamlib ranks by their product, **urgency * value** (`priority`), its own
    choice.

    Attributes:
        id: Unique within the account.
        description: What is needed.
        kind: `NeedKind` (or its string value).
        urgency: On `SCORE_SCALE`.
        value: On `SCORE_SCALE`.

    Examples:
        >>> Need("N1", "SSO integration", "explicit", urgency=8, value=5).priority
        40.0
    """

    id: str = attrs.field(validator=non_empty_str())
    description: str = attrs.field(validator=non_empty_str())
    kind: NeedKind = attrs.field(converter=_to_need_kind, validator=member_of(NeedKind))
    urgency: float = _score()
    value: float = _score()

    @property
    def priority(self) -> float:
        """``urgency * value``, 0 to ``SCORE_SCALE[1] ** 2``.

        Source [000] ranks the demand pool by urgency and value; combining them as the
        product is kamlib's own choice.

        Examples:
            >>> Need("N", "x", "latent", 2, 3).priority
            6.0
        """
        return float(self.urgency) * float(self.value)


_KIND_RANK = {NeedKind.EXPLICIT: 0, NeedKind.IMPLICIT: 1, NeedKind.LATENT: 2}


def _need_rank(n: Need) -> tuple[float, float, int, str]:
    """Sort key of the demand pool: priority, urgency (both descending), kind, id."""
    return (-n.priority, -float(n.urgency), _KIND_RANK[n.kind], n.id)


def _to_size_band(value: SizeBand | str) -> SizeBand:
    return enum_or_raw(SizeBand, value)


register_enum_converter(_to_size_band, SizeBand)


def _to_renewal_intent(value: RenewalIntent | str | None) -> RenewalIntent | None:
    return None if value is None else enum_or_raw(RenewalIntent, value)


register_enum_converter(_to_renewal_intent, RenewalIntent, optional=True)


def _sorted_figures(value: Iterable[PeriodFigures]) -> tuple[PeriodFigures, ...]:
    """Converter: a tuple of figures sorted by period (unsortable input passes through)."""
    items: object = as_tuple(value)
    if not isinstance(items, tuple) or not all(isinstance(f, PeriodFigures) for f in items):
        return items  # type: ignore[return-value]  # the validator rejects it with a path
    if len(items) < 2:
        return items
    if all(f.period.__class__ is Quarter for f in items):
        # (year, quarter) orders exactly as Quarter's generated comparisons, without them
        return tuple(sorted(items, key=_period_key))
    return tuple(sorted(items, key=lambda f: f.period))


def _period_key(f: PeriodFigures) -> tuple[int, int]:
    """Sort key of figures: their quarter as a plain tuple."""
    q = f.period
    return (q.year, q.quarter)


@fast_init
@attrs.frozen
class Account:
    """A (key) account: who the customer is and what is recorded about it.

    ``figures`` are **stored sorted by period** whatever the input order; periods
    must be unique and all figures in one currency. Read-only helpers give quick
    access to the data; scoring lives in `kamlib.scoring`.

    Attributes:
        id: Unique account id.
        name: Display name.
        industry: Industry class (source [001]).
        region: Region class (source [001]).
        size_band: `SizeBand` (source [001]).
        cooperation_start: First day of cooperation; drives the contact cadence
            (source [000]: weekly in months 0-3, fortnightly reviews to month 12,
            quarterly workshops after).
        figures: Quarterly `PeriodFigures`.
        strategic: `StrategicAttributes` (source [000]) if assessed.
        cooperation_areas: Distinct non-empty names of the areas we cooperate in
            (ecosystem health, source [000]).
        surveys: `SatisfactionSurvey` results.
        nps: `NpsResponse` answers.
        renewal_intent: Latest stated `RenewalIntent`, if any.
        executive_sponsor_id: Id of the person on our staff who sponsors the
            account (source [004]: every key account has an executive sponsor).
        risk_signals: `RiskSignal` records.
        needs: `Need` records, ids unique within the account.

    Raises:
        InvalidValueError: Duplicate periods, duplicate need ids, duplicate areas.
        CurrencyMismatchError: Figures in more than one currency.

    Examples:
        >>> import datetime as dt
        >>> from kamlib.model import Money, PeriodFigures, Quarter
        >>> usd = lambda x: Money(x, "USD")
        >>> acc = Account(
        ...     "A1", "Acme",
        ...     industry="manufacturing", region="east",
        ...     size_band="large", cooperation_start=dt.date(2023, 1, 15),
        ...     figures=[
        ...         PeriodFigures(Quarter(2024, 2), usd(900), usd(250), usd(50)),
        ...         PeriodFigures(Quarter(2024, 1), usd(1000), usd(300), usd(60)),
        ...     ],
        ... )
        >>> [str(f.period) for f in acc.figures]
        ['2024Q1', '2024Q2']
        >>> acc.size_band
        <SizeBand.LARGE: 'large'>
        >>> acc.months_since_start(dt.date(2024, 1, 15))
        12
    """

    id: str = attrs.field(validator=non_empty_str())
    name: str = attrs.field(validator=non_empty_str())
    industry: str = attrs.field(kw_only=True, validator=non_empty_str())
    region: str = attrs.field(kw_only=True, validator=non_empty_str())
    size_band: SizeBand = attrs.field(
        kw_only=True, converter=_to_size_band, validator=member_of(SizeBand)
    )
    cooperation_start: dt.date = attrs.field(kw_only=True, validator=plain_date())
    figures: tuple[PeriodFigures, ...] = attrs.field(
        kw_only=True,
        default=(),
        converter=_sorted_figures,
        validator=each(instance_of(PeriodFigures)),
    )
    strategic: StrategicAttributes | None = attrs.field(
        kw_only=True, default=None, validator=optional(instance_of(StrategicAttributes))
    )
    cooperation_areas: tuple[str, ...] = attrs.field(
        kw_only=True,
        default=(),
        converter=as_tuple,
        validator=[each(non_empty_str()), unique_items()],
    )
    surveys: tuple[SatisfactionSurvey, ...] = attrs.field(
        kw_only=True,
        default=(),
        converter=as_tuple,
        validator=each(instance_of(SatisfactionSurvey)),
    )
    nps: tuple[NpsResponse, ...] = attrs.field(
        kw_only=True, default=(), converter=as_tuple, validator=each(instance_of(NpsResponse))
    )
    renewal_intent: RenewalIntent | None = attrs.field(
        kw_only=True,
        default=None,
        converter=_to_renewal_intent,
        validator=optional(member_of(RenewalIntent)),
    )
    executive_sponsor_id: str | None = attrs.field(
        kw_only=True, default=None, validator=optional(non_empty_str())
    )
    risk_signals: tuple[RiskSignal, ...] = attrs.field(
        kw_only=True, default=(), converter=as_tuple, validator=each(instance_of(RiskSignal))
    )
    needs: tuple[Need, ...] = attrs.field(
        kw_only=True, default=(), converter=as_tuple, validator=each(instance_of(Need))
    )

    def __attrs_post_init__(self) -> None:
        for i in range(1, len(self.figures)):
            if self.figures[i].period == self.figures[i - 1].period:
                raise InvalidValueError(
                    f"Account.figures[{i}].period",
                    str(self.figures[i].period),
                    "is a duplicate; one PeriodFigures per quarter",
                )
        if self.figures:
            cur = self.figures[0].currency
            for i, f in enumerate(self.figures):
                if f.currency != cur:
                    raise CurrencyMismatchError(
                        f"Account.figures[{i}].currency",
                        f.currency,
                        f"must match the account's currency {cur}",
                    )
        seen: set[str] = set()
        for i, need in enumerate(self.needs):
            if need.id in seen:
                raise InvalidValueError(f"Account.needs[{i}].id", need.id, "is not unique")
            seen.add(need.id)

    @property
    def currency(self) -> str | None:
        """Currency of the figures, or ``None`` when there are none.

        Examples:
            >>> import datetime as dt
            >>> Account("A", "A",
            ...     industry="x", region="y",
            ...     size_band="small", cooperation_start=dt.date(2024, 1, 1)).currency is None
            True
        """
        return self.figures[0].currency if self.figures else None

    def figures_for(self, quarter: Quarter) -> PeriodFigures | None:
        """The figures of ``quarter``, or ``None`` when not recorded.

        Examples:
            >>> import datetime as dt
            >>> from kamlib.model import Money, PeriodFigures, Quarter
            >>> m = Money(1, "USD")
            >>> a = Account("A", "A",
            ...     industry="x", region="y",
            ...     size_band="small", cooperation_start=dt.date(2024, 1, 1),
            ...             figures=[PeriodFigures(Quarter(2024, 1), m, m, m)])
            >>> a.figures_for(Quarter(2024, 1)).revenue.amount, a.figures_for(Quarter(2024, 2))
            (1, None)
        """
        if not isinstance(quarter, Quarter):
            raise InvalidTypeError("Account.figures_for.quarter", quarter, "must be a Quarter")
        for f in self.figures:
            if f.period == quarter:
                return f
        return None

    def latest_figures(self, n: int = 4) -> tuple[PeriodFigures, ...]:
        """The last ``n`` recorded quarters, oldest first (fewer if fewer are recorded).

        Args:
            n: How many, at least 1 (default 4, one year).

        Examples:
            >>> import datetime as dt
            >>> from kamlib.model import Money, PeriodFigures, Quarter
            >>> m = Money(1, "USD")
            >>> figs = [PeriodFigures(Quarter(2024, q), m, m, m) for q in (1, 2, 3)]
            >>> a = Account("A", "A",
            ...     industry="x", region="y",
            ...     size_band="small", cooperation_start=dt.date(2024, 1, 1), figures=figs)
            >>> [str(f.period) for f in a.latest_figures(2)]
            ['2024Q2', '2024Q3']
        """
        if isinstance(n, bool) or not isinstance(n, int):
            raise InvalidTypeError("Account.latest_figures.n", n, "must be an int")
        if n < 1:
            raise InvalidValueError("Account.latest_figures.n", n, "must be >= 1")
        return self.figures[-n:]

    def open_risks(self, as_of: dt.datetime) -> tuple[RiskSignal, ...]:
        """Risk signals open at ``as_of`` (see `RiskSignal.is_open`).

        Examples:
            >>> import datetime as dt
            >>> t = dt.datetime(2024, 5, 1, tzinfo=dt.UTC)
            >>> a = Account("A", "A",
            ...     industry="x", region="y",
            ...     size_band="small", cooperation_start=dt.date(2024, 1, 1),
            ...             risk_signals=[RiskSignal("competitor_entered", t)])
            >>> len(a.open_risks(t)), len(a.open_risks(t - dt.timedelta(days=1)))
            (1, 0)
        """
        check_aware_datetime("Account.open_risks.as_of", as_of)
        return tuple(s for s in self.risk_signals if s.is_open(as_of))

    def months_since_start(self, as_of: dt.date) -> int:
        """Whole months of cooperation completed on ``as_of``.

        A month is complete on the same day-of-month as ``cooperation_start``
        (Jan 15 → Feb 15 is one month). Drives the cadence phases of source [000].

        Raises:
            InvalidValueError: ``as_of`` is before ``cooperation_start``.

        Examples:
            >>> import datetime as dt
            >>> a = Account("A", "A",
            ...     industry="x", region="y",
            ...     size_band="small", cooperation_start=dt.date(2024, 1, 15))
            >>> [a.months_since_start(dt.date(2024, 4, d)) for d in (14, 15)]
            [2, 3]
        """
        day = check_date("Account.months_since_start.as_of", as_of)
        start = self.cooperation_start
        if day < start:
            raise InvalidValueError(
                "Account.months_since_start.as_of",
                day,
                f"must not be before cooperation_start={start.isoformat()}",
            )
        months = (day.year - start.year) * 12 + (day.month - start.month)
        if day.day < start.day:
            months -= 1
        return months

    def needs_by_priority(self) -> tuple[Need, ...]:
        """The demand pool ranked by urgency and value (source [000]), highest first.

        The rank of [`rank_needs`][kamlib.operations.rank_needs]: by ``priority``
        (urgency * value, kamlib's own combination), ties by higher urgency, then explicit
        before implicit before latent, then need id, so the order never depends on the
        order the needs were recorded in.

        Examples:
            >>> import datetime as dt
            >>> needs = [Need("N1", "a", "explicit", 2, 2), Need("N2", "b", "latent", 9, 9)]
            >>> a = Account("A", "A",
            ...     industry="x", region="y",
            ...     size_band="small", cooperation_start=dt.date(2024, 1, 1), needs=needs)
            >>> [n.id for n in a.needs_by_priority()]
            ['N2', 'N1']
        """
        return tuple(sorted(self.needs, key=_need_rank))
