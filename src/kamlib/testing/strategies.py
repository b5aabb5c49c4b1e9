"""Hypothesis strategies for every kamlib model type, valid by construction.

This module needs Hypothesis: install the ``testing`` extra
(``pip install "kamlib[testing]"``). It is not imported by [`kamlib.testing`][kamlib.testing], so
the
rest of kamlib never requires Hypothesis.

Every strategy is named in the plural after what it generates (``accounts()``,
``portfolios()``), takes keyword-only options, accepts a strategy wherever a fixed value
would be too rigid (``ids=``, ``currency=``), and raises
`hypothesis.errors.InvalidArgument` on impossible options (``min_* > max_*``).
Every value generated passes the model's own validators; `portfolios` builds
referentially consistent portfolios whose reporting lines form a DAG. The strategies are
built from ``st.lists`` of records and index-pair edges, so failing examples shrink to
small, readable portfolios.

Call `register` once (e.g. in your ``conftest.py``) to make ``st.from_type`` and
``st.builds`` find these strategies for the model classes.

Examples:
    >>> from hypothesis import find, settings
    >>> from kamlib.testing.strategies import money
    >>> find(money(currency="EUR"), lambda m: m.amount >= 100, settings=settings(database=None))
    Money(amount=100.0, currency='EUR')
"""

from __future__ import annotations

import datetime as dt
import functools
import string
from collections.abc import Callable, Sequence
from typing import Any, Final, TypeVar

import attrs
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from hypothesis.strategies import SearchStrategy

from kamlib._validators import check_flag, check_int, check_real
from kamlib.errors import FieldError, _short_repr
from kamlib.model import (
    LEGAL_TRANSITIONS,
    SATISFACTION_SCALE,
    SCORE_SCALE,
    START_STATES,
    Acceptance,
    Account,
    Channel,
    Commitment,
    CommitmentState,
    Complaint,
    ComplaintChannel,
    ComplaintSeverity,
    DecisionRole,
    Interaction,
    InteractionLevel,
    KeyPerson,
    Money,
    Need,
    NeedKind,
    NpsResponse,
    Opportunity,
    OpportunityStage,
    Outcome,
    PeriodFigures,
    Portfolio,
    Portrait,
    ProgressUpdate,
    Purchase,
    Quarter,
    Relationship,
    RelationshipKind,
    RenewalIntent,
    RiskKind,
    RiskSignal,
    RiskWarning,
    SatisfactionSurvey,
    Side,
    SizeBand,
    StrategicAttributes,
    Transition,
)

__all__ = [
    "aware_datetimes",
    "currencies",
    "money",
    "quarters",
    "period_figures",
    "strategic_attributes",
    "portraits",
    "satisfaction_surveys",
    "nps_responses",
    "risk_signals",
    "needs",
    "accounts",
    "key_people",
    "relationships",
    "transitions",
    "risk_warnings",
    "acceptances",
    "progress_updates",
    "commitments",
    "interactions",
    "opportunities",
    "purchases",
    "complaints",
    "portfolios",
    "register",
]

T = TypeVar("T")

_CURRENCY_CODES: Final = ("USD", "EUR", "CNY", "GBP", "JPY", "HKD")
_ID_ALPHABET: Final = string.ascii_uppercase + string.digits
MIN_DATETIME: Final = dt.datetime(2000, 1, 1)
"""Earliest moment the strategies draw by default (naive; a zone is attached)."""
MAX_DATETIME: Final = dt.datetime(2099, 12, 31, 23, 59, 59)
"""Latest moment the strategies draw by default."""
_MIN_DATE: Final = dt.date(2000, 1, 1)
_MAX_DATE: Final = dt.date(2099, 12, 31)
MIN_QUARTER: Final = Quarter(2000, 1)
"""Earliest quarter `quarters` draws by default."""
MAX_QUARTER: Final = Quarter(2099, 4)
"""Latest quarter `quarters` draws by default."""
_FIRST_QUARTER: Final = Quarter(2015, 1)
_QUARTER_SPAN: Final = 64  # quarters from _FIRST_QUARTER the account figures may use
MAX_AMOUNT: Final = 1e12
"""Largest money amount (in magnitude) `money` draws by default."""
_LO, _HI = SCORE_SCALE

# ------------------------------------------------------------------ option checking


def _option(check: Callable[..., T], name: str, value: object, **bounds: Any) -> T:
    """Run a `kamlib._validators` check on a strategy option, Hypothesis style.

    A strategy function reports a bad option as `InvalidArgument`
    (what Hypothesis users catch), with the kamlib error as its cause.
    """
    try:
        return check(name, value, **bounds)
    except FieldError as err:
        raise InvalidArgument(f"{name}={_short_repr(value)} {err.reason}") from err


def _check_int(name: str, value: object, *, ge: int = 0) -> int:
    return _option(check_int, name, value, ge=ge)


def _check_size(lo_name: str, lo: object, hi_name: str, hi: object) -> tuple[int, int]:
    lo_v = _check_int(lo_name, lo)
    hi_v = _check_int(hi_name, hi)
    if lo_v > hi_v:
        raise InvalidArgument(f"{lo_name}={lo_v} must not exceed {hi_name}={hi_v}")
    return lo_v, hi_v


def _check_range(lo_name: str, lo: object, hi_name: str, hi: object) -> tuple[float, float]:
    lo_v = _option(check_real, lo_name, lo)
    hi_v = _option(check_real, hi_name, hi)
    if lo_v > hi_v:
        raise InvalidArgument(f"{lo_name}={lo!r} must not exceed {hi_name}={hi!r}")
    return lo_v, hi_v


def _strategy(value: T | SearchStrategy[T] | None, default: SearchStrategy[T]) -> SearchStrategy[T]:
    """A strategy option: ``None`` -> default, a strategy as is, a plain value -> just."""
    if value is None:
        return default
    if isinstance(value, SearchStrategy):
        return value
    return st.just(value)


def _currency_option(value: str | SearchStrategy[str] | None) -> SearchStrategy[str]:
    if isinstance(value, str) and not (
        len(value) == 3 and value.isascii() and value.isalpha() and value.isupper()
    ):
        raise InvalidArgument(f"currency={value!r} must be three uppercase letters, e.g. 'USD'")
    if value is not None and not isinstance(value, str | SearchStrategy):
        raise InvalidArgument(f"currency={value!r} must be a str or a strategy of str")
    return _strategy(value, currencies())


def _bool_option(name: str, value: object) -> bool:
    return _option(check_flag, name, value)


# ------------------------------------------------------------------ small building blocks


@functools.cache
def _ids() -> SearchStrategy[str]:
    return st.text(_ID_ALPHABET, min_size=1, max_size=6)


@functools.cache
def _names() -> SearchStrategy[str]:
    """Non-empty display names; any UTF-8 text with at least one non-space character."""
    return st.text(st.characters(codec="utf-8"), min_size=1, max_size=20).filter(
        lambda s: s.strip() != ""
    )


@functools.cache
def _notes() -> SearchStrategy[str]:
    return st.text(st.characters(codec="utf-8"), max_size=20)


@functools.cache
def _scores() -> SearchStrategy[float]:
    return st.floats(_LO, _HI, allow_nan=False, allow_infinity=False)


@functools.cache
def _dates() -> SearchStrategy[dt.date]:
    return st.dates(_MIN_DATE, _MAX_DATE)


@functools.cache
def _utc_offsets() -> SearchStrategy[dt.tzinfo]:
    fixed = st.integers(-14 * 60, 14 * 60).map(lambda m: dt.timezone(dt.timedelta(minutes=m)))
    return st.one_of(st.just(dt.UTC), fixed)


@functools.cache
def _deltas(max_days: int) -> SearchStrategy[dt.timedelta]:
    return st.timedeltas(dt.timedelta(0), dt.timedelta(days=max_days))


@functools.cache
def _optional(strategy: SearchStrategy[T]) -> SearchStrategy[T | None]:
    return st.none() | strategy


@functools.cache
def _members(cls: type[T]) -> SearchStrategy[T]:
    return st.sampled_from(list(cls))  # type: ignore[call-overload]  # an Enum class


def _later(draw: st.DrawFn, start: dt.datetime, *, max_days: int = 400) -> dt.datetime:
    """A datetime at or after ``start`` (by at most ``max_days``), in a drawn UTC offset."""
    delta = draw(_deltas(max_days))
    return (start + delta).astimezone(draw(_utc_offsets()))


def currencies() -> SearchStrategy[str]:
    """ISO 4217 style currency codes, drawn from a few common ones (shrinks to ``"USD"``).

    Examples:
        >>> from kamlib.testing.strategies import currencies
        >>> currencies()
        sampled_from(('USD', 'EUR', 'CNY', 'GBP', 'JPY', 'HKD'))
    """
    return st.sampled_from(_CURRENCY_CODES)


def aware_datetimes(
    *, min_value: dt.datetime = MIN_DATETIME, max_value: dt.datetime = MAX_DATETIME
) -> SearchStrategy[dt.datetime]:
    """Timezone-aware datetimes with fixed UTC offsets (whole minutes, ±14 h).

    Args:
        min_value: Naive lower bound of the local wall time (default 2000-01-01).
        max_value: Naive upper bound of the local wall time (default 2099-12-31).

    Raises:
        InvalidArgument: Aware bounds, or ``min_value > max_value``.

    Examples:
        >>> from hypothesis import given, settings
        >>> from kamlib.testing.strategies import aware_datetimes
        >>> @settings(max_examples=5, database=None)
        ... @given(aware_datetimes())
        ... def check(x):
        ...     assert x.utcoffset() is not None
        ...     assert 1999 <= x.year <= 2100
        >>> check()
    """
    bounds: tuple[tuple[str, object], ...] = (("min_value", min_value), ("max_value", max_value))
    for name, v in bounds:
        if not isinstance(v, dt.datetime) or v.tzinfo is not None:
            raise InvalidArgument(f"{name}={v!r} must be a naive datetime.datetime")
    if min_value > max_value:
        raise InvalidArgument(f"min_value={min_value!r} must not exceed max_value={max_value!r}")
    return _aware(min_value, max_value)


@functools.cache
def _aware(lo: dt.datetime, hi: dt.datetime) -> SearchStrategy[dt.datetime]:
    return st.datetimes(lo, hi, timezones=_utc_offsets())


# ------------------------------------------------------------------ money and time


def money(
    *,
    currency: str | SearchStrategy[str] | None = None,
    min_amount: float = -MAX_AMOUNT,
    max_amount: float = MAX_AMOUNT,
) -> SearchStrategy[Money]:
    """[`Money`][kamlib.model.Money] amounts.

    Args:
        currency: A fixed code, a strategy of codes, or ``None`` for `currencies`.
        min_amount: Smallest amount (finite).
        max_amount: Largest amount (finite).

    Raises:
        InvalidArgument: A malformed currency code, non-finite bounds or
            ``min_amount > max_amount``.

    Examples:
        >>> from hypothesis.errors import InvalidArgument
        >>> from kamlib.testing.strategies import money
        >>> try:
        ...     money(min_amount=5, max_amount=1)
        ... except InvalidArgument as e:
        ...     print(e)
        min_amount=5 must not exceed max_amount=1
    """
    lo, hi = _check_range("min_amount", min_amount, "max_amount", max_amount)
    return st.builds(
        Money,
        st.floats(lo, hi, allow_nan=False, allow_infinity=False),
        _currency_option(currency),
    )


def quarters(
    *, min_value: Quarter = MIN_QUARTER, max_value: Quarter = MAX_QUARTER
) -> SearchStrategy[Quarter]:
    """[`Quarter`][kamlib.model.Quarter] values between two quarters (inclusive).

    Args:
        min_value: First quarter allowed; shrinks towards it.
        max_value: Last quarter allowed.

    Raises:
        InvalidArgument: Bounds that are not quarters, or ``min_value > max_value``.

    Examples:
        >>> from hypothesis import find, settings
        >>> from kamlib.model import Quarter
        >>> from kamlib.testing.strategies import quarters
        >>> find(quarters(min_value=Quarter(2024, 3)), lambda q: True,
        ...      settings=settings(database=None))
        Quarter(year=2024, quarter=3)
    """
    for name, v in (("min_value", min_value), ("max_value", max_value)):
        if not isinstance(v, Quarter):
            raise InvalidArgument(f"{name}={v!r} must be a Quarter")
    if min_value > max_value:
        raise InvalidArgument(f"min_value={min_value} must not exceed max_value={max_value}")
    first = _quarter_index(min_value)
    last = _quarter_index(max_value)
    return st.integers(first, last).map(_quarter_at)


def _quarter_index(q: Quarter) -> int:
    return q.year * 4 + q.quarter - 1


def _quarter_at(index: int) -> Quarter:
    return Quarter(index // 4, index % 4 + 1)


def period_figures(
    *,
    currency: str | SearchStrategy[str] | None = None,
    periods: SearchStrategy[Quarter] | None = None,
) -> SearchStrategy[PeriodFigures]:
    """[`PeriodFigures`][kamlib.model.PeriodFigures]: revenue, cost-to-serve >= 0, one currency.

    Args:
        currency: A fixed code, a strategy of codes, or ``None`` for `currencies`.
            One code is drawn per record and used for all three amounts.
        periods: Strategy of quarters (default `quarters`).

    Examples:
        >>> from hypothesis import given, settings
        >>> from kamlib.testing.strategies import period_figures
        >>> @settings(max_examples=5, database=None)
        ... @given(period_figures(currency="CNY"))
        ... def check(x):
        ...     assert x.currency == "CNY"
        ...     assert x.revenue.amount >= 0
        >>> check()
    """
    cur = _currency_option(currency)
    per = _strategy(periods, quarters())
    return st.builds(_figures_in, per, cur, *_FIGURE_AMOUNTS)


_FIGURE_AMOUNTS: Final = (
    st.floats(0, MAX_AMOUNT),
    st.floats(-MAX_AMOUNT, MAX_AMOUNT),
    st.floats(0, MAX_AMOUNT),
)


def _figures_in(
    period: Quarter, currency: str, revenue: float, profit: float, cost: float
) -> PeriodFigures:
    return PeriodFigures(
        period, Money(revenue, currency), Money(profit, currency), Money(cost, currency)
    )


# ------------------------------------------------------------------ account records


def strategic_attributes() -> SearchStrategy[StrategicAttributes]:
    """[`StrategicAttributes`][kamlib.model.StrategicAttributes], each score on ``SCORE_SCALE``.

    Examples:
        >>> from hypothesis import given, settings
        >>> from kamlib.testing.strategies import strategic_attributes
        >>> @settings(max_examples=5, database=None)
        ... @given(strategic_attributes())
        ... def check(x):
        ...     assert 0 <= x.strategic_fit <= 10
        >>> check()
    """
    return st.builds(StrategicAttributes, _scores(), _scores(), _scores())


def portraits() -> SearchStrategy[Portrait]:
    """[`Portrait`][kamlib.model.Portrait] key-person portraits on ``SCORE_SCALE``.

    Examples:
        >>> from hypothesis import given, settings
        >>> from kamlib.testing.strategies import portraits
        >>> @settings(max_examples=5, database=None)
        ... @given(portraits())
        ... def check(x):
        ...     assert 0 <= x.closeness <= 10
        >>> check()
    """
    return st.builds(Portrait, _scores(), _scores(), _scores())


def satisfaction_surveys(
    *, min_score: float = SATISFACTION_SCALE[0], max_score: float = SATISFACTION_SCALE[1]
) -> SearchStrategy[SatisfactionSurvey]:
    """[`SatisfactionSurvey`][kamlib.model.SatisfactionSurvey] results.

    Args:
        min_score: Lowest score, within ``SATISFACTION_SCALE`` (0 to 100).
        max_score: Highest score, within ``SATISFACTION_SCALE``.

    Raises:
        InvalidArgument: Scores outside the scale or ``min_score > max_score``.

    Examples:
        >>> from hypothesis import given, settings
        >>> from kamlib.testing.strategies import satisfaction_surveys
        >>> @settings(max_examples=5, database=None)
        ... @given(satisfaction_surveys(max_score=69))
        ... def check(x):
        ...     assert x.score <= 69
        >>> check()
    """
    lo, hi = _check_range("min_score", min_score, "max_score", max_score)
    if lo < SATISFACTION_SCALE[0] or hi > SATISFACTION_SCALE[1]:
        raise InvalidArgument(
            f"min_score={min_score!r}, max_score={max_score!r} must lie in {SATISFACTION_SCALE}"
        )
    return st.builds(SatisfactionSurvey, aware_datetimes(), st.floats(lo, hi))


def nps_responses(
    *, person_ids: SearchStrategy[str | None] | None = None
) -> SearchStrategy[NpsResponse]:
    """[`NpsResponse`][kamlib.model.NpsResponse] answers (score 0 to 10).

    Args:
        person_ids: Strategy of the answering person's id or ``None`` (default: an id
            or ``None``).

    Examples:
        >>> from hypothesis import given, settings
        >>> from kamlib.testing.strategies import nps_responses
        >>> @settings(max_examples=5, database=None)
        ... @given(nps_responses())
        ... def check(x):
        ...     assert 0 <= x.score <= 10
        >>> check()
    """
    pids = _strategy(person_ids, st.none() | _ids())
    return st.builds(NpsResponse, aware_datetimes(), st.integers(0, 10), pids)


def risk_signals(*, kinds: SearchStrategy[str] | None = None) -> SearchStrategy[RiskSignal]:
    """[`RiskSignal`][kamlib.model.RiskSignal] records, open or resolved (``resolved_at >= at``).

    Args:
        kinds: Strategy of kinds (default: a [`RiskKind`][kamlib.model.RiskKind] value or
            another non-empty string, since the set of kinds is open).

    Examples:
        >>> from hypothesis import given, settings
        >>> from kamlib.testing.strategies import risk_signals
        >>> @settings(max_examples=5, database=None)
        ... @given(risk_signals())
        ... def check(x):
        ...     assert x.resolved_at is None or x.resolved_at >= x.at
        >>> check()
    """
    kind = _strategy(kinds, st.one_of(st.sampled_from([k.value for k in RiskKind]), _names()))
    return _risk_signals(kind)


@st.composite
def _risk_signals(draw: st.DrawFn, kinds: SearchStrategy[str]) -> RiskSignal:
    at = draw(aware_datetimes())
    resolved = draw(st.booleans())
    return RiskSignal(draw(kinds), at, draw(_notes()), _later(draw, at) if resolved else None)


def needs(*, ids: SearchStrategy[str] | None = None) -> SearchStrategy[Need]:
    """[`Need`][kamlib.model.Need] records of the demand pool.

    Args:
        ids: Strategy of need ids (default: short uppercase ids).

    Examples:
        >>> from hypothesis import given, settings
        >>> from kamlib.testing.strategies import needs
        >>> @settings(max_examples=5, database=None)
        ... @given(needs())
        ... def check(x):
        ...     assert 0 <= x.priority <= 100
        >>> check()
    """
    return st.builds(
        Need,
        _strategy(ids, _ids()),
        _names(),
        st.sampled_from(list(NeedKind)),
        _scores(),
        _scores(),
    )


def accounts(
    *,
    ids: SearchStrategy[str] | None = None,
    currency: str | SearchStrategy[str] | None = None,
    min_figures: int = 0,
    max_figures: int = 8,
    max_items: int = 3,
    executive_sponsor_ids: SearchStrategy[str | None] | None = None,
) -> SearchStrategy[Account]:
    """[`Account`][kamlib.model.Account] records with figures, surveys, NPS, risks and needs.

    Args:
        ids: Strategy of account ids (default: short uppercase ids).
        currency: A fixed code, a strategy of codes, or ``None`` for `currencies`;
            one code is drawn per account and used for all its figures.
        min_figures: Fewest quarters of figures (distinct quarters).
        max_figures: Most quarters of figures, at most 64.
        max_items: Most cooperation areas, surveys, NPS answers, risk signals and needs
            (each list separately).
        executive_sponsor_ids: Strategy of the sponsor id or ``None`` (default ``None``).

    Raises:
        InvalidArgument: ``min_figures > max_figures``, negative sizes or
            ``max_figures > 64``.

    Examples:
        >>> from hypothesis import given, settings
        >>> from kamlib.testing.strategies import accounts
        >>> @settings(max_examples=5, database=None)
        ... @given(accounts(currency="EUR", min_figures=2, max_figures=3))
        ... def check(x):
        ...     assert 2 <= len(x.figures) <= 3
        ...     assert x.currency == "EUR"
        >>> check()
    """
    lo, hi = _check_size("min_figures", min_figures, "max_figures", max_figures)
    if hi > _QUARTER_SPAN:
        raise InvalidArgument(f"max_figures={hi} must be <= {_QUARTER_SPAN}")
    n = _check_int("max_items", max_items)
    figures = st.lists(
        st.tuples(st.integers(0, _QUARTER_SPAN - 1), _amounts()),
        min_size=lo,
        max_size=hi,
        unique_by=lambda t: t[0],
    )
    no_sponsor: SearchStrategy[str | None] = st.none()
    fields = st.fixed_dictionaries(
        {
            "id": _strategy(ids, _ids()),
            "name": _names(),
            "industry": _names(),
            "region": _names(),
            "size_band": _members(SizeBand),
            "cooperation_start": _dates(),
            "strategic": _optional(strategic_attributes()),
            "cooperation_areas": st.lists(_names(), max_size=n, unique=True),
            "surveys": st.lists(satisfaction_surveys(), max_size=n),
            "nps": st.lists(nps_responses(), max_size=n),
            "renewal_intent": _optional(_members(RenewalIntent)),
            "executive_sponsor_id": _strategy(executive_sponsor_ids, no_sponsor),
            "risk_signals": st.lists(risk_signals(), max_size=n),
            "needs": st.lists(needs(), max_size=n, unique_by=lambda x: x.id),
        }
    )
    return _accounts(_currency_option(currency), figures, fields)


@functools.cache
def _amounts() -> SearchStrategy[tuple[float, float, float]]:
    return st.tuples(*_FIGURE_AMOUNTS)


@st.composite
def _accounts(
    draw: st.DrawFn,
    currency: SearchStrategy[str],
    figures: SearchStrategy[list[tuple[int, tuple[float, float, float]]]],
    fields: SearchStrategy[dict[str, Any]],
) -> Account:
    cur = draw(currency)
    base = _quarter_index(_FIRST_QUARTER)
    drawn = [_figures_in(_quarter_at(base + k), cur, *amounts) for k, amounts in draw(figures)]
    return Account(figures=drawn, **draw(fields))


# ------------------------------------------------------------------ people


def key_people(
    *,
    ids: SearchStrategy[str] | None = None,
    sides: SearchStrategy[Side] | None = None,
    account_ids: SearchStrategy[str] | None = None,
) -> SearchStrategy[KeyPerson]:
    """[`KeyPerson`][kamlib.model.KeyPerson] records; customers always carry an ``account_id``.

    Args:
        ids: Strategy of person ids (default: short uppercase ids).
        sides: Strategy of [`Side`][kamlib.model.Side] (default: any side).
        account_ids: Strategy of account ids for customers (and, sometimes, for a
            competitor's staff).

    Examples:
        >>> from hypothesis import given, settings
        >>> from hypothesis import strategies as st
        >>> from kamlib.model import Side
        >>> from kamlib.testing.strategies import key_people
        >>> @settings(max_examples=5, database=None)
        ... @given(key_people(sides=st.just(Side.CUSTOMER), account_ids=st.just("A1")))
        ... def check(x):
        ...     assert x.account_id == "A1"
        >>> check()
    """
    accounts_st = _strategy(account_ids, _ids())
    return _key_people(
        _strategy(ids, _ids()),
        _strategy(sides, _members(Side)),
        accounts_st,
        st.none() | accounts_st,
    )


@functools.cache
def _person_fields(side: Side) -> SearchStrategy[dict[str, Any]]:
    """Every KeyPerson field but ``id``, ``side`` and ``account_id``."""
    fields: dict[str, SearchStrategy[Any]] = {
        "name": _names(),
        "title": _notes(),
        "department": _notes(),
        "portrait": _optional(portraits()),
        "left_on": _optional(_dates()),
    }
    if side is Side.CUSTOMER:
        fields["role"] = _optional(_members(DecisionRole))
    return st.fixed_dictionaries(fields)


@st.composite
def _key_people(
    draw: st.DrawFn,
    ids: SearchStrategy[str],
    sides: SearchStrategy[Side],
    account_ids: SearchStrategy[str],
    optional_account_ids: SearchStrategy[str | None],
) -> KeyPerson:
    side = draw(sides)
    account_id = draw(account_ids if side is Side.CUSTOMER else optional_account_ids)
    return KeyPerson(id=draw(ids), side=side, account_id=account_id, **draw(_person_fields(side)))


def relationships(
    *,
    person_ids: SearchStrategy[str] | None = None,
    kinds: SearchStrategy[RelationshipKind] | None = None,
    opportunity_ids: SearchStrategy[str | None] | None = None,
) -> SearchStrategy[Relationship]:
    """Single [`Relationship`][kamlib.model.Relationship] ties (source and target differ).

    For consistent networks use `portfolios`, which draws ties as index pairs.

    Args:
        person_ids: Strategy of person ids for both ends; must be able to produce two
            different ids.
        kinds: Strategy of [`RelationshipKind`][kamlib.model.RelationshipKind].
        opportunity_ids: Strategy of an opportunity id or ``None`` (default: ``None`` or
            an id).

    Examples:
        >>> from hypothesis import given, settings
        >>> from kamlib.testing.strategies import relationships
        >>> @settings(max_examples=5, database=None)
        ... @given(relationships())
        ... def check(x):
        ...     assert x.source_id != x.target_id
        >>> check()
    """
    return _relationships(
        _strategy(person_ids, _ids()),
        _strategy(kinds, _members(RelationshipKind)),
        _strategy(opportunity_ids, _optional(_ids())),
    )


@functools.cache
def _unit() -> SearchStrategy[float]:
    return st.floats(0.0, 1.0)


@st.composite
def _relationships(
    draw: st.DrawFn,
    person_ids: SearchStrategy[str],
    kinds: SearchStrategy[RelationshipKind],
    opportunity_ids: SearchStrategy[str | None],
) -> Relationship:
    source = draw(person_ids)
    target = draw(person_ids.filter(lambda t: t != source))
    return Relationship(source, target, draw(kinds), draw(_unit()), draw(opportunity_ids))


# ------------------------------------------------------------------ commitments


def transitions() -> SearchStrategy[Transition]:
    """Single [`Transition`][kamlib.model.Transition] steps (any state; not a valid history).

    Examples:
        >>> from hypothesis import given, settings
        >>> from kamlib.testing.strategies import transitions
        >>> @settings(max_examples=5, database=None)
        ... @given(transitions())
        ... def check(x):
        ...     assert x.at.tzinfo is not None
        >>> check()
    """
    return st.builds(Transition, _members(CommitmentState), aware_datetimes(), _notes())


def risk_warnings() -> SearchStrategy[RiskWarning]:
    """[`RiskWarning`][kamlib.model.RiskWarning] records (early or late warnings).

    Examples:
        >>> from hypothesis import given, settings
        >>> from kamlib.testing.strategies import risk_warnings
        >>> @settings(max_examples=5, database=None)
        ... @given(risk_warnings())
        ... def check(x):
        ...     assert x.gives_notice() == (x.lead_time.total_seconds() >= 48 * 3600)
        >>> check()
    """
    return st.builds(RiskWarning, aware_datetimes(), aware_datetimes(), _notes())


def acceptances(
    *, accepted_by_ids: SearchStrategy[str | None] | None = None
) -> SearchStrategy[Acceptance]:
    """[`Acceptance`][kamlib.model.Acceptance] records.

    Args:
        accepted_by_ids: Strategy of the accepting person's id or ``None``.

    Examples:
        >>> from hypothesis import given, settings
        >>> from kamlib.testing.strategies import acceptances
        >>> @settings(max_examples=5, database=None)
        ... @given(acceptances())
        ... def check(x):
        ...     assert isinstance(x.feedback, str)
        >>> check()
    """
    return st.builds(
        Acceptance,
        aware_datetimes(),
        _notes(),
        _strategy(accepted_by_ids, _optional(_ids())),
    )


def progress_updates(
    *, at: SearchStrategy[dt.datetime] | None = None
) -> SearchStrategy[ProgressUpdate]:
    """[`ProgressUpdate`][kamlib.model.ProgressUpdate] syncs with the customer.

    For updates that fit a commitment's history use ``commitments(max_updates=...)``.

    Args:
        at: Strategy of the sync times (default `aware_datetimes`).

    Examples:
        >>> from hypothesis import given, settings
        >>> from kamlib.testing.strategies import progress_updates
        >>> @settings(max_examples=5, database=None)
        ... @given(progress_updates())
        ... def check(x):
        ...     assert x.at.tzinfo is not None
        ...     assert isinstance(x.note, str)
        >>> check()
    """
    return st.builds(ProgressUpdate, _strategy(at, aware_datetimes()), _notes())


def commitments(
    *,
    ids: SearchStrategy[str] | None = None,
    account_ids: SearchStrategy[str] | None = None,
    owner_ids: SearchStrategy[str] | None = None,
    max_transitions: int = 6,
    max_warnings: int = 2,
    max_updates: int = 0,
) -> SearchStrategy[Commitment]:
    """[`Commitment`][kamlib.model.Commitment] records with legal, time-ordered histories.

    The history is a path through ``LEGAL_TRANSITIONS``: a start state from
    ``START_STATES``, then up to ``max_transitions - 1`` moves, each choosing one of the
    legal next states (stopping at a terminal state). An ``accepted`` commitment gets an
    [`Acceptance`][kamlib.model.Acceptance]. Times never go backwards.

    Progress updates ([`ProgressUpdate`][kamlib.model.ProgressUpdate]) are each drawn at
    or after the first transition (by up to 120 days, in a drawn UTC offset), each
    independently, so they come in any order: the model does not require them sorted.

    Args:
        ids: Strategy of commitment ids.
        account_ids: Strategy of account ids.
        owner_ids: Strategy of owner (our staff) ids.
        max_transitions: Longest history, at least 1.
        max_warnings: Most risk warnings.
        max_updates: Most progress updates. 0 by default, which draws nothing more, so
            that suites written before progress updates existed draw what they always
            drew.

    Raises:
        InvalidArgument: ``max_transitions < 1``, ``max_warnings < 0`` or
            ``max_updates < 0``.

    Examples:
        >>> from hypothesis import given, settings
        >>> from kamlib.testing.strategies import commitments
        >>> @settings(max_examples=5, database=None)
        ... @given(commitments(max_transitions=4, max_updates=2))
        ... def check(x):
        ...     assert 1 <= len(x.history) <= 4
        ...     assert (x.acceptance is not None) == (x.state.value == "accepted")
        ...     assert all(u.at >= x.history[0].at for u in x.progress_updates)
        >>> check()
    """
    n = _check_int("max_transitions", max_transitions, ge=1)
    w = _check_int("max_warnings", max_warnings)
    u = _check_int("max_updates", max_updates)
    fields = st.fixed_dictionaries(
        {
            "id": _strategy(ids, _ids()),
            "account_id": _strategy(account_ids, _ids()),
            "promise": _names(),
            "owner_id": _strategy(owner_ids, _ids()),
            "due": aware_datetimes(),
            "required_capacity": st.floats(0.0, 1e4),
            "risk_warnings": st.lists(risk_warnings(), max_size=w),
        }
    )
    steps = st.tuples(
        st.sampled_from(_START_ORDER),
        st.lists(
            st.tuples(st.integers(0, 4), _deltas(60), _utc_offsets(), _notes()), max_size=n - 1
        ),
        aware_datetimes(max_value=dt.datetime(2090, 1, 1)),
        _notes(),
    )
    # with no updates asked for, nothing is drawn (``st.just`` makes no choice), so every
    # other part of the commitment is drawn from the same choices as before
    updates: SearchStrategy[list[_Update]] = (
        st.lists(st.tuples(_deltas(120), _utc_offsets(), _notes()), max_size=u)
        if u
        else st.just([])
    )
    return st.builds(_commitment_from, fields, steps, acceptances(), updates)


_S = CommitmentState
# The happy path first: with every choice shrunk to 0 a history runs
# committed -> in_progress -> delivered -> accepted, so failing examples shrink to short,
# ordinary lifecycles rather than to loops through at_risk.
_HAPPY: Final = [
    _S.COMMITTED,
    _S.PROPOSED,
    _S.IN_PROGRESS,
    _S.DELIVERED,
    _S.ACCEPTED,
    _S.AT_RISK,
    _S.BROKEN,
    _S.CANCELLED,
]
_START_ORDER: Final = sorted(START_STATES, key=_HAPPY.index)
_NEXT: Final = {
    state: sorted(targets, key=_HAPPY.index) for state, targets in LEGAL_TRANSITIONS.items()
}

_Steps = tuple[CommitmentState, list[tuple[int, dt.timedelta, dt.tzinfo, str]], dt.datetime, str]
_Update = tuple[dt.timedelta, dt.tzinfo, str]


def _commitment_from(
    fields: dict[str, Any], steps: _Steps, acceptance: Acceptance, updates: list[_Update]
) -> Commitment:
    """Walk ``LEGAL_TRANSITIONS`` from the drawn start, one drawn choice per step."""
    start, moves, at, note = steps
    history = [Transition(start, at, note)]
    for choice, delta, tz, step_note in moves:
        options = _NEXT[history[-1].to_state]
        if not options:
            break
        at = (at + delta).astimezone(tz)
        history.append(Transition(options[choice % len(options)], at, step_note))
    accepted = None
    if history[-1].to_state is CommitmentState.ACCEPTED:
        accepted = attrs.evolve(acceptance, at=at)
    began = history[0].at
    synced = [ProgressUpdate((began + d).astimezone(tz), text) for d, tz, text in updates]
    return Commitment(history=history, acceptance=accepted, progress_updates=synced, **fields)


# ------------------------------------------------------------------ interactions, deals


def interactions(
    *,
    ids: SearchStrategy[str] | None = None,
    account_ids: SearchStrategy[str] | None = None,
    our_people: SearchStrategy[str] | None = None,
    their_people: SearchStrategy[str] | None = None,
    max_people: int = 3,
) -> SearchStrategy[Interaction]:
    """[`Interaction`][kamlib.model.Interaction] records with at least one participant.

    Args:
        ids: Strategy of interaction ids.
        account_ids: Strategy of account ids.
        our_people: Strategy of our staff ids (distinct ids are drawn from it).
        their_people: Strategy of the account's people ids.
        max_people: Most participants on each side, at least 1.

    Raises:
        InvalidArgument: ``max_people < 1``.

    Examples:
        >>> from hypothesis import given, settings
        >>> from kamlib.testing.strategies import interactions
        >>> @settings(max_examples=5, database=None)
        ... @given(interactions())
        ... def check(x):
        ...     assert x.our_people or x.their_people
        >>> check()
    """
    m = _check_int("max_people", max_people, ge=1)
    ours = st.lists(_strategy(our_people, _ids()), max_size=m, unique=True)
    theirs = _strategy(their_people, _ids())
    return _interactions(
        _interaction_fields(_strategy(ids, _ids()), _strategy(account_ids, _ids())),
        ours,
        st.lists(theirs, max_size=m, unique=True),
        st.lists(theirs, min_size=1, max_size=m, unique=True),
    )


def _interaction_fields(
    ids: SearchStrategy[str], account_ids: SearchStrategy[str]
) -> SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {
            "id": ids,
            "account_id": account_ids,
            "at": aware_datetimes(),
            "channel": _members(Channel),
            "level": _members(InteractionLevel),
            "outcome": _members(Outcome),
            "note": _notes(),
        }
    )


@st.composite
def _interactions(
    draw: st.DrawFn,
    fields: SearchStrategy[dict[str, Any]],
    ours: SearchStrategy[list[str]],
    theirs: SearchStrategy[list[str]],
    theirs_non_empty: SearchStrategy[list[str]],
) -> Interaction:
    our = draw(ours)
    their = draw(theirs if our else theirs_non_empty)
    return Interaction(our_people=our, their_people=their, **draw(fields))


def opportunities(
    *,
    ids: SearchStrategy[str] | None = None,
    account_ids: SearchStrategy[str] | None = None,
    currency: str | SearchStrategy[str] | None = None,
    decision_chain: SearchStrategy[list[str]] | None = None,
) -> SearchStrategy[Opportunity]:
    """[`Opportunity`][kamlib.model.Opportunity] records (size ``>= 0``).

    Args:
        ids: Strategy of opportunity ids.
        account_ids: Strategy of account ids.
        currency: A fixed code, a strategy of codes, or ``None`` for `currencies`.
        decision_chain: Strategy of lists of *distinct* person ids (default: up to 3 ids).

    Examples:
        >>> from hypothesis import given, settings
        >>> from kamlib.testing.strategies import opportunities
        >>> @settings(max_examples=5, database=None)
        ... @given(opportunities(currency="USD"))
        ... def check(x):
        ...     assert x.size.currency == "USD"
        ...     assert x.size.amount >= 0
        >>> check()
    """
    chain = _strategy(decision_chain, st.lists(_ids(), max_size=3, unique=True))
    return st.builds(
        Opportunity,
        _strategy(ids, _ids()),
        _strategy(account_ids, _ids()),
        _names(),
        money(currency=currency, min_amount=0),
        _members(OpportunityStage),
        chain,
    )


def purchases(
    *,
    ids: SearchStrategy[str] | None = None,
    account_ids: SearchStrategy[str] | None = None,
    currency: str | SearchStrategy[str] | None = None,
    max_amount: float = MAX_AMOUNT,
    at: SearchStrategy[dt.datetime] | None = None,
) -> SearchStrategy[Purchase]:
    """[`Purchase`][kamlib.model.Purchase] records (amount ``>= 0``: a refund is no purchase).

    Args:
        ids: Strategy of purchase ids.
        account_ids: Strategy of account ids.
        currency: A fixed code, a strategy of codes, or ``None`` for `currencies`.
        max_amount: Largest amount (finite, ``>= 0``).
        at: Strategy of the purchase times (default `aware_datetimes`).

    Raises:
        InvalidArgument: A malformed currency code or a negative or non-finite
            ``max_amount``.

    Examples:
        >>> from hypothesis import given, settings
        >>> from kamlib.testing.strategies import purchases
        >>> @settings(max_examples=5, database=None)
        ... @given(purchases(currency="CNY", max_amount=1e6))
        ... def check(x):
        ...     assert x.amount.currency == "CNY"
        ...     assert 0 <= x.amount.amount <= 1e6
        >>> check()
    """
    hi = _option(check_real, "max_amount", max_amount, ge=0)
    return st.builds(
        Purchase,
        _strategy(ids, _ids()),
        _strategy(account_ids, _ids()),
        _strategy(at, aware_datetimes()),
        money(currency=currency, min_amount=0, max_amount=hi),
        product=_optional(_ids()),
        area=_optional(_ids()),
    )


# ------------------------------------------------------------------ complaints


def complaints(
    *,
    ids: SearchStrategy[str] | None = None,
    account_ids: SearchStrategy[str] | None = None,
    owner_ids: SearchStrategy[str] | None = None,
    person_ids: SearchStrategy[str | None] | None = None,
    received_at: SearchStrategy[dt.datetime] | None = None,
    max_options: int = 3,
) -> SearchStrategy[Complaint]:
    """[`Complaint`][kamlib.model.Complaint] records, open or resolved, red or standard.

    Every recorded time (``acknowledged_at``, ``first_plan_at``, ``options_at``,
    ``senior_on_site_at``, ``resolved_at``) is ``None`` or at or after ``received_at`` (by
    up to 30 days, in a drawn UTC offset), each drawn independently: the model asks no
    order among them, so neither do the strategies (a complaint may be resolved before it
    was acknowledged). ``options_at`` is drawn exactly when options are. Every channel
    and severity is drawn; each shrinks towards a standard, low-severity complaint with
    nothing recorded after its receipt.

    Args:
        ids: Strategy of complaint ids.
        account_ids: Strategy of account ids.
        owner_ids: Strategy of owner (our staff) ids.
        person_ids: Strategy of the complaining customer's id or ``None`` (default: an
            id or ``None``).
        received_at: Strategy of the receipt times (default `aware_datetimes`).
        max_options: Most options offered (distinct).

    Raises:
        InvalidArgument: ``max_options < 0``.

    Examples:
        >>> from hypothesis import given, settings
        >>> from kamlib.testing.strategies import complaints
        >>> @settings(max_examples=5, database=None)
        ... @given(complaints(max_options=2))
        ... def check(x):
        ...     assert all(at >= x.received_at for _, at in x.times())
        ...     assert (x.options_at is None) == (not x.options) and len(x.options) <= 2
        >>> check()
    """
    m = _check_int("max_options", max_options)
    fields = st.fixed_dictionaries(
        {
            "id": _strategy(ids, _ids()),
            "account_id": _strategy(account_ids, _ids()),
            "owner_id": _strategy(owner_ids, _ids()),
            "summary": _names(),
            "channel": _members(ComplaintChannel),
            "severity": _members(ComplaintSeverity),
            "improvement_commitment": _notes(),
            "person_id": _strategy(person_ids, _optional(_ids())),
        }
    )
    return _complaints(
        fields,
        _strategy(received_at, aware_datetimes()),
        st.lists(_names(), max_size=m, unique=True),
    )


# the recorded times of a Complaint other than received_at (options_at goes with options)
_COMPLAINT_TIMES: Final = ("acknowledged_at", "first_plan_at", "senior_on_site_at", "resolved_at")


@st.composite
def _complaints(
    draw: st.DrawFn,
    fields: SearchStrategy[dict[str, Any]],
    received_at: SearchStrategy[dt.datetime],
    options: SearchStrategy[list[str]],
) -> Complaint:
    received = draw(received_at)
    times: dict[str, Any] = {
        name: _later(draw, received, max_days=30) if draw(st.booleans()) else None
        for name in _COMPLAINT_TIMES
    }
    offered = draw(options)
    offered_at = _later(draw, received, max_days=30) if offered else None
    return Complaint(
        received_at=received, options=offered, options_at=offered_at, **times, **draw(fields)
    )


# ------------------------------------------------------------------ portfolios


@attrs.frozen
class _RawBlock:
    """One account of a portfolio as drawn: references are still indices.

    Indices are taken modulo the number of people actually available, so every draw
    resolves to valid ids and shrinking an index towards 0 keeps the block valid.
    """

    account: Account
    sponsor: int | None
    people: list[dict[str, Any]]
    reporting: list[tuple[int, int, float]]
    influence: list[tuple[int, int, float]]
    external: list[tuple[int, int, float]]
    commitments: list[tuple[int, Commitment]]
    interactions: list[tuple[list[int], list[int], dict[str, Any]]]
    opportunities: list[tuple[list[int], Opportunity]]
    purchases: list[Purchase]
    complaints: list[tuple[int, int | None, Complaint]]


def portfolios(
    *,
    min_accounts: int = 0,
    max_accounts: int = 4,
    max_people_per_account: int = 5,
    max_staff: int = 3,
    max_competitors: int = 1,
    max_figures: int = 4,
    max_items: int = 1,
    max_records_per_account: int = 2,
    with_commitments: bool = True,
    with_interactions: bool = True,
    with_opportunities: bool = True,
    with_purchases: bool = False,
    with_complaints: bool = False,
    max_updates: int = 0,
) -> SearchStrategy[Portfolio]:
    """Whole [`Portfolio`][kamlib.model.Portfolio] objects, referentially consistent.

    Built so that it shrinks well: a list of our staff, a list of competitors' staff and
    a list of per-account blocks. Each block holds the account, its customer people as a
    list, and every reference as an *index* into a list drawn earlier: reporting lines
    as index pairs oriented from the higher index to the lower one (person ``i`` reports
    to person ``j < i``, so the reporting graph is a DAG by construction), influence
    ties as distinct ordered index pairs among the account's people and from our or a
    competitor's staff, commitment owners and interaction participants as indices into
    our staff, decision chains as indices into the account's people, a complaint's owner
    as an index into our staff and its person as ``None`` or an index into the account's
    people. Every portfolio passes the model's integrity checks.

    Ids are positional: ``"U<k>"`` (our staff), ``"X<k>"`` (competitors' staff),
    ``"<account id>.P<k>"`` (customers) and ``"<account id>.C<k>"``, ``.I<k>``,
    ``.O<k>``, ``.S<k>``, ``.Q<k>`` for commitments, interactions, opportunities,
    purchases and complaints.

    Args:
        min_accounts: Fewest accounts.
        max_accounts: Most accounts.
        max_people_per_account: Most customer people per account.
        max_staff: Most people on our staff (commitments, sponsors and our side of
            interactions need at least one).
        max_competitors: Most people on competitors' staff.
        max_figures: Most quarters of figures per account.
        max_items: Most surveys, NPS answers, risk signals, needs and cooperation areas
            per account (each list separately; see `accounts`).
        max_records_per_account: Most commitments, interactions, opportunities,
            purchases and complaints per account (each separately).
        with_commitments: Whether to draw commitments.
        with_interactions: Whether to draw interactions.
        with_opportunities: Whether to draw opportunities.
        with_purchases: Whether to draw purchases (`Purchase`, ids ``"<account
            id>.S<k>"``, in the account's currency when it has figures). Off by default,
            so that suites written before purchases existed draw what they always drew.
        with_complaints: Whether to draw complaints (`complaints`, ids ``"<account
            id>.Q<k>"``, owned by one of our staff, ``person_id`` ``None`` or one of the
            account's people; none when there is no staff). Off by default, as
            ``with_purchases``.
        max_updates: Most progress updates per commitment (see `commitments`); 0 by
            default, so that earlier suites draw what they always drew.

    Raises:
        InvalidArgument: ``min_accounts > max_accounts``, a negative size, or a
            non-bool ``with_*`` flag.

    Examples:
        >>> from hypothesis import given, settings
        >>> from kamlib.testing.strategies import portfolios
        >>> @settings(max_examples=5, database=None)
        ... @given(portfolios(min_accounts=2, max_accounts=3))
        ... def check(pf):
        ...     assert 2 <= len({a.id for a in pf.accounts}) == len(pf.accounts) <= 3
        >>> check()
        >>> @settings(max_examples=5, database=None)
        ... @given(portfolios(min_accounts=1, with_complaints=True, max_updates=2))
        ... def check_complaints(pf):
        ...     for q in pf.complaints:
        ...         assert pf.person(q.owner_id).side.value == "our_staff"
        ...         assert q.id.startswith(q.account_id + ".Q")
        >>> check_complaints()
    """
    lo, hi = _check_size("min_accounts", min_accounts, "max_accounts", max_accounts)
    n_people = _check_int("max_people_per_account", max_people_per_account)
    n_staff = _check_int("max_staff", max_staff)
    n_comp = _check_int("max_competitors", max_competitors)
    n_fig = _check_int("max_figures", max_figures)
    if n_fig > _QUARTER_SPAN:
        raise InvalidArgument(f"max_figures={n_fig} must be <= {_QUARTER_SPAN}")
    n_items = _check_int("max_items", max_items)
    n_rec = _check_int("max_records_per_account", max_records_per_account)
    with_c = _bool_option("with_commitments", with_commitments)
    with_i = _bool_option("with_interactions", with_interactions)
    with_o = _bool_option("with_opportunities", with_opportunities)
    with_p = _bool_option("with_purchases", with_purchases)
    with_q = _bool_option("with_complaints", with_complaints)
    n_upd = _check_int("max_updates", max_updates)

    index = st.integers(0, max(n_people, n_staff + n_comp, 1) - 1)
    edges = st.lists(st.tuples(index, index, _unit()), max_size=n_people)
    nothing: SearchStrategy[list[Any]] = st.just([])
    small = st.lists(index, max_size=3)
    placeholder = st.just("_")
    block = st.builds(
        _RawBlock,
        account=accounts(max_figures=n_fig, max_items=n_items),
        sponsor=_optional(index),
        people=st.lists(_person_fields(Side.CUSTOMER), max_size=n_people),
        reporting=edges,
        influence=edges,
        external=edges,
        commitments=st.lists(
            st.tuples(
                index,
                commitments(
                    ids=placeholder,
                    account_ids=placeholder,
                    owner_ids=placeholder,
                    max_transitions=5,
                    max_warnings=1,
                    max_updates=n_upd,
                ),
            ),
            max_size=n_rec,
        )
        if with_c
        else nothing,
        interactions=st.lists(
            st.tuples(small, small, _interaction_fields(placeholder, placeholder)),
            max_size=n_rec,
        )
        if with_i
        else nothing,
        opportunities=st.lists(
            st.tuples(
                small,
                opportunities(ids=placeholder, account_ids=placeholder, decision_chain=nothing),
            ),
            max_size=n_rec,
        )
        if with_o
        else nothing,
        purchases=st.lists(purchases(ids=placeholder, account_ids=placeholder), max_size=n_rec)
        if with_p
        else nothing,
        complaints=st.lists(
            st.tuples(
                index,
                _optional(index),
                complaints(
                    ids=placeholder,
                    account_ids=placeholder,
                    owner_ids=placeholder,
                    person_ids=st.none(),
                ),
            ),
            max_size=n_rec,
        )
        if with_q
        else nothing,
    )
    return st.builds(
        _assemble,
        st.lists(_person_fields(Side.OUR_STAFF), max_size=n_staff),
        st.lists(st.tuples(_person_fields(Side.COMPETITOR_STAFF)), max_size=n_comp),
        st.lists(block, min_size=lo, max_size=hi, unique_by=lambda b: b.account.id),
    )


def _pick(ids: Sequence[str], indices: Sequence[int]) -> list[str]:
    """Distinct ids chosen by index (modulo ``len(ids)``), in first-seen order."""
    if not ids:
        return []
    return list(dict.fromkeys(ids[i % len(ids)] for i in indices))


def _respondent(pids: Sequence[str], drawn: str | None) -> str | None:
    """Replace a drawn person id by one of the account's people (``None`` stays ``None``)."""
    if drawn is None or not pids:
        return None
    return pids[len(drawn) % len(pids)]


def _ties(
    sources: Sequence[str],
    targets: Sequence[str],
    raw: Sequence[tuple[int, int, float]],
    kind: RelationshipKind,
    *,
    downward: bool = False,
) -> list[Relationship]:
    """Distinct ties from index pairs; ``downward`` orients ``i -> j`` with ``i > j``."""
    out: dict[tuple[str, str], Relationship] = {}
    if not sources or not targets:
        return []
    for a, b, strength in raw:
        i, j = a % len(sources), b % len(targets)
        if downward:
            i, j = max(i, j), min(i, j)
        src, dst = sources[i], targets[j]
        if src != dst and (src, dst) not in out:
            out[(src, dst)] = Relationship(src, dst, kind, strength)
    return list(out.values())


def _assemble(
    staff_fields: list[dict[str, Any]],
    rival_fields: list[tuple[dict[str, Any]]],
    blocks: list[_RawBlock],
) -> Portfolio:
    staff = [KeyPerson(id=f"U{k}", side=Side.OUR_STAFF, **f) for k, f in enumerate(staff_fields)]
    rivals = [
        KeyPerson(id=f"X{k}", side=Side.COMPETITOR_STAFF, **f)
        for k, (f,) in enumerate(rival_fields)
    ]
    staff_ids = [p.id for p in staff]
    external_ids = staff_ids + [p.id for p in rivals]
    accounts_out: list[Account] = []
    people: list[KeyPerson] = [*staff, *rivals]
    rels: list[Relationship] = []
    commits: list[Commitment] = []
    talks: list[Interaction] = []
    deals: list[Opportunity] = []
    bought: list[Purchase] = []
    raised: list[Complaint] = []
    for b in blocks:
        aid = b.account.id
        account = b.account
        if b.sponsor is not None and staff_ids:
            account = attrs.evolve(account, executive_sponsor_id=_pick(staff_ids, [b.sponsor])[0])
        mine = [
            KeyPerson(id=f"{aid}.P{k}", side=Side.CUSTOMER, account_id=aid, **f)
            for k, f in enumerate(b.people)
        ]
        pids = [p.id for p in mine]
        if account.nps:
            # NPS answers name one of the account's own people (or nobody).
            answers = [
                attrs.evolve(n, person_id=_respondent(pids, n.person_id)) for n in account.nps
            ]
            account = attrs.evolve(account, nps=answers)
        accounts_out.append(account)
        people += mine
        rels += _ties(pids, pids, b.reporting, RelationshipKind.REPORTS_TO, downward=True)
        rels += _ties(pids, pids, b.influence, RelationshipKind.INFLUENCES)
        rels += _ties(external_ids, pids, b.external, RelationshipKind.INFLUENCES)
        if staff_ids:
            commits += [
                attrs.evolve(
                    c,
                    id=f"{aid}.C{k}",
                    account_id=aid,
                    owner_id=_pick(staff_ids, [owner])[0],
                    acceptance=None
                    if c.acceptance is None
                    else attrs.evolve(
                        c.acceptance,
                        accepted_by_id=_respondent(pids, c.acceptance.accepted_by_id),
                    ),
                )
                for k, (owner, c) in enumerate(b.commitments)
            ]
        for k, (ours, theirs, fields) in enumerate(b.interactions):
            our, their = _pick(staff_ids, ours), _pick(pids, theirs)
            if not our and not their:
                if not (staff_ids or pids):
                    continue
                our, their = ([staff_ids[0]], []) if staff_ids else ([], [pids[0]])
            fields = {**fields, "id": f"{aid}.I{k}", "account_id": aid}
            talks.append(Interaction(our_people=our, their_people=their, **fields))
        deals += [
            attrs.evolve(
                o,
                id=f"{aid}.O{k}",
                account_id=aid,
                size=Money(o.size.amount, account.currency or o.size.currency),
                decision_chain=_pick(pids, chain),
            )
            for k, (chain, o) in enumerate(b.opportunities)
        ]
        bought += [
            attrs.evolve(
                s,
                id=f"{aid}.S{k}",
                account_id=aid,
                amount=Money(s.amount.amount, account.currency or s.amount.currency),
            )
            for k, s in enumerate(b.purchases)
        ]
        if staff_ids:
            raised += [
                attrs.evolve(
                    q,
                    id=f"{aid}.Q{k}",
                    account_id=aid,
                    owner_id=_pick(staff_ids, [owner])[0],
                    person_id=None if person is None or not pids else pids[person % len(pids)],
                )
                for k, (owner, person, q) in enumerate(b.complaints)
            ]
    return Portfolio(accounts_out, people, rels, commits, talks, deals, bought, raised)


# ------------------------------------------------------------------ st.from_type


def _registry() -> dict[type, Callable[[], SearchStrategy[Any]]]:
    return {
        Money: money,
        Quarter: quarters,
        PeriodFigures: period_figures,
        StrategicAttributes: strategic_attributes,
        Portrait: portraits,
        SatisfactionSurvey: satisfaction_surveys,
        NpsResponse: nps_responses,
        RiskSignal: risk_signals,
        Need: needs,
        Account: accounts,
        KeyPerson: key_people,
        Relationship: relationships,
        Transition: transitions,
        RiskWarning: risk_warnings,
        Acceptance: acceptances,
        ProgressUpdate: progress_updates,
        Commitment: commitments,
        Interaction: interactions,
        Opportunity: opportunities,
        Purchase: purchases,
        Complaint: complaints,
        Portfolio: portfolios,
    }


def register() -> None:
    """Register a default strategy for every model class with ``st.register_type_strategy``.

    Afterwards ``st.from_type(Account)`` (and ``st.builds`` with model-typed arguments)
    draws from `accounts` and so on. Calling it again is harmless.

    Examples:
        >>> from hypothesis import given, settings, strategies as st
        >>> from kamlib.model import Quarter
        >>> from kamlib.testing.strategies import register
        >>> register()
        >>> register()  # idempotent
        >>> @settings(max_examples=5, database=None)
        ... @given(st.from_type(Quarter))
        ... def check(q):
        ...     assert 2000 <= q.year <= 2099
        >>> check()
    """
    for cls, factory in _registry().items():
        st.register_type_strategy(cls, factory())
