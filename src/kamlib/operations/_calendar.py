"""The review calendar of source [002]'s dynamic evaluation: what is due, soon due, overdue.

Source [002] (动态评估, dynamic evaluation) evaluates an account's operation in four parts,
each on its own clock, and adds a yearly assessment:

* account-plan execution (账户规划执行评估): industry & customer and customer priority
  reviewed every **3 months**; the network and the opportunities & targets updated in real
  time and assessed every 3 months;
* customer evaluation (客户评估): identification re-run every **3 months** to judge whether
  each key account still qualifies;
* sales-coverage evaluation (销售覆盖评估) of the team and each salesperson every
  **6 months**;
* strategy & tactics evaluation (策略战术评估) every **6 months**;
* the yearly assessment (评估和考核, 每年一度) of sales teams, salespeople and accounts.

`review_calendar` reads the last review of every (kind, subject) and says when the next
one is due; `calendar_alerts` turns the due and overdue ones into alerts. The clock is
calendar months (`add_months`: Jan 31 + 3 months is Apr 30), a subject never
reviewed starts its clock at the `ReviewSubject.since` the caller gives.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any, Final

import attrs

from kamlib._dated import add_months, check_as_of, not_after
from kamlib._validators import (
    as_int,
    aware_datetime,
    instance_of,
    integer,
    non_empty_str,
    one_of,
    optional,
)
from kamlib.errors import FieldError, InvalidTypeError, InvalidValueError
from kamlib.operations._alerts import Alert, AlertKind, Severity, make_alert, sort_alerts

__all__ = [
    "DEFAULT_REVIEW_MONTHS",
    "MAX_DUE_SOON_DAYS",
    "MAX_REVIEW_MONTHS",
    "REVIEW_CODES",
    "ReviewDue",
    "ReviewKind",
    "ReviewPolicy",
    "ReviewRecord",
    "ReviewStatus",
    "ReviewSubject",
    "calendar_alerts",
    "review_calendar",
]


class ReviewKind(enum.StrEnum):
    """The five reviews of source [002]'s dynamic evaluation, in calendar order.

    The order of the members is the order `review_calendar` reports them in.

    Examples:
        >>> from kamlib.operations import ReviewKind
        >>> [k.value for k in ReviewKind]
        ['account_plan', 'customer_evaluation', 'sales_coverage', 'strategy_tactics', \
'yearly_assessment']
        >>> ReviewKind("sales_coverage").rank
        2
    """

    ACCOUNT_PLAN = "account_plan"
    """Account-plan execution (账户规划执行评估): every 3 months (source [002])."""
    CUSTOMER_EVALUATION = "customer_evaluation"
    """Customer evaluation (客户评估), does the key account still qualify: every 3 months."""
    SALES_COVERAGE = "sales_coverage"
    """Sales coverage (销售覆盖评估) of the team and each salesperson: every 6 months."""
    STRATEGY_TACTICS = "strategy_tactics"
    """Strategy & tactics (策略战术评估): every 6 months (source [002])."""
    YEARLY_ASSESSMENT = "yearly_assessment"
    """Yearly assessment (评估和考核) of teams, salespeople and accounts (source [002])."""

    @property
    def rank(self) -> int:
        """Position in the calendar order, ``account_plan`` (0) ... ``yearly_assessment`` (4).

        Examples:
            >>> from kamlib.operations import ReviewKind
            >>> ReviewKind.ACCOUNT_PLAN.rank
            0
        """
        return _KIND_RANK[self]


_KIND_RANK: Final = {k: i for i, k in enumerate(ReviewKind)}
_KIND_VALUES: Final = tuple(k.value for k in ReviewKind)
_LABEL: Final = {
    ReviewKind.ACCOUNT_PLAN: "Account-plan review",
    ReviewKind.CUSTOMER_EVALUATION: "Customer evaluation",
    ReviewKind.SALES_COVERAGE: "Sales-coverage review",
    ReviewKind.STRATEGY_TACTICS: "Strategy & tactics review",
    ReviewKind.YEARLY_ASSESSMENT: "Yearly assessment",
}

DEFAULT_REVIEW_MONTHS: Final[Mapping[ReviewKind, int]] = MappingProxyType(
    {
        ReviewKind.ACCOUNT_PLAN: 3,
        ReviewKind.CUSTOMER_EVALUATION: 3,
        ReviewKind.SALES_COVERAGE: 6,
        ReviewKind.STRATEGY_TACTICS: 6,
        ReviewKind.YEARLY_ASSESSMENT: 12,
    }
)
"""Months between two reviews of each kind, source [002]; read-only (override in `ReviewPolicy`).

Account plan and customer evaluation every 3 months, sales coverage and strategy &
tactics every 6 months (可以3个月/6个月评估一次), the yearly assessment every 12 (每年一度).

Examples:
    >>> from kamlib.operations import DEFAULT_REVIEW_MONTHS
    >>> {kind.value: months for kind, months in DEFAULT_REVIEW_MONTHS.items()}
    {'account_plan': 3, 'customer_evaluation': 3, 'sales_coverage': 6, 'strategy_tactics': 6,
     'yearly_assessment': 12}
    >>> DEFAULT_REVIEW_MONTHS["account_plan"] = 1
    Traceback (most recent call last):
    ...
    TypeError: 'mappingproxy' object does not support item assignment
"""

MAX_REVIEW_MONTHS: Final = 1200
"""Longest review interval `ReviewPolicy` accepts: a century of months (kamlib's own bound).

Examples:
    >>> from kamlib.operations import MAX_REVIEW_MONTHS, ReviewPolicy
    >>> ReviewPolicy(months={"account_plan": MAX_REVIEW_MONTHS}).months_of("account_plan")
    1200
    >>> ReviewPolicy(months={"account_plan": MAX_REVIEW_MONTHS + 1})
    Traceback (most recent call last):
    ...
    kamlib.errors.InvalidValueError: ReviewPolicy.months['account_plan']: must be an int
    in [1, 1200]; got 1201
"""

MAX_DUE_SOON_DAYS: Final = 36_525
"""Largest ``due_soon_days`` `ReviewPolicy` accepts: a century of days (kamlib's own bound).

Examples:
    >>> from kamlib.operations import MAX_DUE_SOON_DAYS, ReviewPolicy
    >>> ReviewPolicy(due_soon_days=MAX_DUE_SOON_DAYS).due_soon_days
    36525
    >>> ReviewPolicy(due_soon_days=MAX_DUE_SOON_DAYS + 1)
    Traceback (most recent call last):
    ...
    kamlib.errors.InvalidValueError: ReviewPolicy.due_soon_days: must be an int in [0, 36525];
    got 36526
"""


class ReviewStatus(enum.StrEnum):
    """Where a review stands at ``as_of``: ``overdue``, ``due_soon`` or ``scheduled``.

    Examples:
        >>> from kamlib.operations import ReviewStatus
        >>> ReviewStatus("due_soon") is ReviewStatus.DUE_SOON
        True
    """

    OVERDUE = "overdue"
    """``as_of`` is after the due time."""
    DUE_SOON = "due_soon"
    """Due within `ReviewPolicy.due_soon_days` (or exactly now)."""
    SCHEDULED = "scheduled"
    """Due later than that."""


def _to_kind(value: object) -> object:
    """Converter: a known kind name becomes its `ReviewKind`; the rest is left to the validator."""
    if isinstance(value, str) and not isinstance(value, ReviewKind) and value in _KIND_VALUES:
        return ReviewKind(value)
    return value


@attrs.frozen
class ReviewRecord:
    """One review that took place: which kind, of whom, when, and for which account.

    Attributes:
        kind: The `ReviewKind` (or its string value).
        subject_id: What was reviewed: an account id, a team id or a salesperson id.
        at: When the review took place (timezone-aware).
        account_id: The account the review concerns, or ``None`` for a review of a team
            or a salesperson as a whole. For an account review it is usually the same as
            ``subject_id``.
        note: Free text.

    Raises:
        InvalidTypeError: A field of the wrong type.
        InvalidValueError: An unknown kind, an empty id, a naive ``at``.

    Examples:
        >>> import datetime as dt
        >>> from kamlib.operations import ReviewRecord
        >>> r = ReviewRecord("account_plan", "A1", dt.datetime(2025, 1, 31, tzinfo=dt.UTC), "A1")
        >>> r.kind
        <ReviewKind.ACCOUNT_PLAN: 'account_plan'>
        >>> ReviewRecord("weekly", "A1", dt.datetime(2025, 1, 31, tzinfo=dt.UTC))
        Traceback (most recent call last):
        ...
        kamlib.errors.InvalidValueError: ReviewRecord.kind: must be one of 'account_plan', \
'customer_evaluation', 'sales_coverage', 'strategy_tactics', 'yearly_assessment'; got 'weekly'
    """

    kind: ReviewKind = attrs.field(converter=_to_kind, validator=one_of(*_KIND_VALUES))
    subject_id: str = attrs.field(validator=non_empty_str())
    at: dt.datetime = attrs.field(validator=aware_datetime())
    account_id: str | None = attrs.field(default=None, validator=optional(non_empty_str()))
    note: str = attrs.field(default="", validator=instance_of(str))


@attrs.frozen
class ReviewSubject:
    """A subject that needs a kind of review from ``since`` on, reviewed or not.

    List the subjects so that one never reviewed still shows up: its clock starts at
    ``since`` (e.g. the day the account became a key account, or the team was formed).

    Attributes:
        kind: The `ReviewKind` (or its string value).
        subject_id: The account, team or salesperson to be reviewed.
        since: From when the review is needed (timezone-aware).
        account_id: The account it concerns, or ``None`` for a team or salesperson.

    Raises:
        InvalidTypeError: A field of the wrong type.
        InvalidValueError: An unknown kind, an empty id, a naive ``since``.

    Examples:
        >>> import datetime as dt
        >>> from kamlib.operations import ReviewSubject
        >>> s = ReviewSubject("sales_coverage", "team-east", dt.datetime(2025, 1, 1, tzinfo=dt.UTC))
        >>> s.kind, s.account_id
        (<ReviewKind.SALES_COVERAGE: 'sales_coverage'>, None)
    """

    kind: ReviewKind = attrs.field(converter=_to_kind, validator=one_of(*_KIND_VALUES))
    subject_id: str = attrs.field(validator=non_empty_str())
    since: dt.datetime = attrs.field(validator=aware_datetime())
    account_id: str | None = attrs.field(default=None, validator=optional(non_empty_str()))


def _to_months(value: object) -> Mapping[ReviewKind, int]:
    """Converter: a (partial) mapping of kinds to months, completed from the defaults."""
    if not isinstance(value, Mapping):
        raise InvalidTypeError("ReviewPolicy.months", value, "must be a mapping of kind to months")
    out = dict(DEFAULT_REVIEW_MONTHS)
    for key in sorted(value, key=repr):
        if not isinstance(key, str):
            raise InvalidTypeError("ReviewPolicy.months", key, "keys must be review kinds (str)")
        if key not in _KIND_VALUES:
            raise InvalidValueError(
                "ReviewPolicy.months",
                key,
                f"keys must be one of {', '.join(map(repr, _KIND_VALUES))}",
            )
        kind = ReviewKind(key)
        months = as_int(value[key])
        if isinstance(months, bool) or not isinstance(months, int):
            raise InvalidTypeError(
                f"ReviewPolicy.months[{kind.value!r}]", value[key], "must be an int"
            )
        if not 1 <= months <= MAX_REVIEW_MONTHS:
            raise InvalidValueError(
                f"ReviewPolicy.months[{kind.value!r}]",
                value[key],
                f"must be an int in [1, {MAX_REVIEW_MONTHS}]",
            )
        out[kind] = months
    return MappingProxyType({k: out[k] for k in ReviewKind})


@attrs.frozen
class ReviewPolicy:
    """How often each review is due, and how early a coming one is reported.

    Attributes:
        months: Months between two reviews of each kind; default `DEFAULT_REVIEW_MONTHS`
            (source [002]: 3, 3, 6, 6 and 12). A partial mapping overrides only the kinds
            it names; the others keep the source's value. Each an int in
            ``[1, MAX_REVIEW_MONTHS]``. Stored read-only, in `ReviewKind` order.
        due_soon_days: A review due within this many days of ``as_of`` (or due exactly
            at ``as_of``) is ``due_soon``; default 14, **kamlib's own choice** (the source
            gives no warning period). An int in ``[0, MAX_DUE_SOON_DAYS]``.

    Raises:
        InvalidTypeError: ``months`` not a mapping, a key not a str, a value not an int;
            ``due_soon_days`` not an int.
        InvalidValueError: An unknown kind, months or days out of range.

    Examples:
        >>> from kamlib.operations import ReviewPolicy
        >>> p = ReviewPolicy(months={"sales_coverage": 4})
        >>> p.months["sales_coverage"], p.months["account_plan"], p.due_soon_days
        (4, 3, 14)
        >>> ReviewPolicy(months={"account_plan": 0})
        Traceback (most recent call last):
        ...
        kamlib.errors.InvalidValueError: ReviewPolicy.months['account_plan']: must be an int \
in [1, 1200]; got 0
    """

    months: Mapping[ReviewKind, int] = attrs.field(
        default=DEFAULT_REVIEW_MONTHS, converter=_to_months, hash=False
    )
    due_soon_days: int = attrs.field(
        default=14, converter=as_int, validator=integer(ge=0, le=MAX_DUE_SOON_DAYS)
    )

    def months_of(self, kind: ReviewKind | str) -> int:
        """Months between two reviews of ``kind``.

        Raises:
            InvalidTypeError: ``kind`` is not a str.
            InvalidValueError: ``kind`` is not a review kind.

        Examples:
            >>> from kamlib.operations import ReviewPolicy
            >>> ReviewPolicy().months_of("yearly_assessment")
            12
        """
        checked = _to_kind(kind)
        if not isinstance(checked, ReviewKind):
            if not isinstance(kind, str):
                raise InvalidTypeError("ReviewPolicy.months_of.kind", kind, "must be a str")
            raise InvalidValueError(
                "ReviewPolicy.months_of.kind",
                kind,
                f"must be one of {', '.join(map(repr, _KIND_VALUES))}",
            )
        return self.months[checked]


@attrs.frozen
class ReviewDue:
    """One line of the review calendar: when a (kind, subject) is next due, and its status.

    Attributes:
        kind: The `ReviewKind`.
        subject_id: The account, team or salesperson.
        account_id: The account it concerns, or ``None`` for a team or salesperson.
        months: The interval applied (from the `ReviewPolicy`).
        last_at: The latest review at or before ``as_of``, or ``None`` if never reviewed.
        since: The clock start given by a `ReviewSubject` (the earliest, if listed
            twice), or ``None`` if the subject was not listed.
        due_at: ``add_months(last_at or since, months)``.
        status: `ReviewStatus` at ``as_of``.
        as_of: The moment the calendar describes.

    Examples:
        >>> import datetime as dt
        >>> from kamlib.operations import ReviewRecord, review_calendar
        >>> t = dt.datetime(2025, 1, 31, tzinfo=dt.UTC)
        >>> (due,) = review_calendar([ReviewRecord("account_plan", "A1", t, "A1")],
        ...                          as_of=dt.datetime(2025, 4, 20, tzinfo=dt.UTC))
        >>> due.due_at.date(), due.status
        (datetime.date(2025, 4, 30), <ReviewStatus.DUE_SOON: 'due_soon'>)
        >>> due.overdue_by
        datetime.timedelta(0)
    """

    kind: ReviewKind
    subject_id: str
    account_id: str | None
    months: int
    last_at: dt.datetime | None
    since: dt.datetime | None
    due_at: dt.datetime
    status: ReviewStatus
    as_of: dt.datetime

    @property
    def overdue_by(self) -> dt.timedelta:
        """How long past due at ``as_of`` (zero when not overdue).

        Examples:
            >>> import datetime as dt
            >>> from kamlib.operations import ReviewSubject, review_calendar
            >>> s = ReviewSubject("yearly_assessment", "team-east",
            ...                   dt.datetime(2024, 1, 1, tzinfo=dt.UTC))
            >>> review_calendar([], subjects=[s],
            ...                 as_of=dt.datetime(2025, 1, 3, tzinfo=dt.UTC))[0].overdue_by
            datetime.timedelta(days=2)
        """
        return max(self.as_of - self.due_at, dt.timedelta(0))


def _time_key(t: dt.datetime) -> tuple[dt.datetime, dt.timedelta, str]:
    """Instant first, then offset and zone name: equal instants in two zones never tie."""
    return (t, t.utcoffset() or dt.timedelta(0), repr(t.tzinfo))


@attrs.define
class _Slot:
    """What is known of one (kind, subject) while the records and subjects are read.

    Paths are kept as ``(list name, index)`` and written out only for an error.
    """

    account_id: str | None
    account_at: tuple[str, int]
    last: dt.datetime | None = None
    last_at: tuple[str, int] = ("records", -1)
    since: dt.datetime | None = None
    since_at: tuple[str, int] = ("subjects", -1)


def _path(at: tuple[str, int], field: str) -> str:
    return f"review_calendar.{at[0]}[{at[1]}].{field}"


def _items(where: str, values: object, cls: type[Any]) -> tuple[Any, ...]:
    if isinstance(values, str | bytes | Mapping) or not isinstance(values, Iterable):
        raise InvalidTypeError(where, values, f"must be an iterable of {cls.__name__}")
    items = tuple(values)
    for i, item in enumerate(items):
        if item.__class__ is not cls and not isinstance(item, cls):
            raise InvalidTypeError(f"{where}[{i}]", item, f"must be a {cls.__name__}")
    return items


def _slot(
    slots: dict[tuple[ReviewKind, str], _Slot],
    kind: ReviewKind,
    subject_id: str,
    account_id: str | None,
    at: tuple[str, int],
) -> _Slot:
    slot = slots.get((kind, subject_id))
    if slot is None:
        slot = slots[(kind, subject_id)] = _Slot(account_id, at)
    elif slot.account_id != account_id:
        raise InvalidValueError(
            _path(at, "account_id"),
            account_id,
            f"differs from {slot.account_id!r} given at {_path(slot.account_at, 'account_id')} "
            f"for the same {kind.value} review of {subject_id!r}: a subject concerns one account",
        )
    return slot


def review_calendar(
    records: Iterable[ReviewRecord],
    *,
    as_of: dt.datetime,
    subjects: Iterable[ReviewSubject] = (),
    policy: ReviewPolicy = ReviewPolicy(),
) -> tuple[ReviewDue, ...]:
    """When each review of source [002]'s dynamic evaluation is next due, as of ``as_of``.

    One `ReviewDue` per (kind, subject) found in ``records`` or ``subjects``:

    * ``last_at`` is the latest record of that kind and subject (every record must be at
      or before ``as_of``);
    * ``due_at = add_months(last_at or since, months)``: calendar months, the day clamped
      to the month's end (Jan 31 + 3 months is Apr 30); the record's own time zone is
      kept. A review done before ``since`` still counts as the last one;
    * ``status`` is ``overdue`` when ``as_of > due_at``, ``due_soon`` when
      ``due_at - as_of <= due_soon_days`` (a review due exactly at ``as_of`` is due soon,
      not overdue), else ``scheduled``.

    Choices that are kamlib's own: a subject listed twice keeps its **earliest**
    ``since`` (the most demanding clock; the answer never depends on the order of the
    list); all records and subjects of one (kind, subject) must name the same
    ``account_id``; of two records at the same instant in different zones the one with
    the larger offset (then zone name) is the last, so input order never shows.

    Args:
        records: The reviews that took place (`ReviewRecord`), any order.
        as_of: Timezone-aware moment the calendar describes.
        subjects: `ReviewSubject` entries: who needs which review from when, so that one
            never reviewed appears too.
        policy: The `ReviewPolicy` (intervals, due-soon window).

    Returns:
        `ReviewDue` lines ordered by kind (`ReviewKind` order), then subject id.

    Raises:
        InvalidTypeError: ``records`` or ``subjects`` not an iterable of the record type,
            ``policy`` not a `ReviewPolicy`, ``as_of`` not a datetime.
        InvalidValueError: A naive ``as_of``; a record after ``as_of``
            (``review_calendar.records[i].at``) or a subject's ``since`` after it
            (``review_calendar.subjects[j].since``); two account ids for one (kind,
            subject); a due time past year 9999.

    Examples:
        >>> import datetime as dt
        >>> from kamlib.operations import ReviewRecord, ReviewSubject, review_calendar
        >>> def at(*ymd):
        ...     return dt.datetime(*ymd, tzinfo=dt.UTC)
        >>> records = [ReviewRecord("account_plan", "A1", at(2025, 1, 10), "A1"),
        ...            ReviewRecord("account_plan", "A1", at(2024, 10, 2), "A1")]
        >>> team = ReviewSubject("sales_coverage", "team-east", at(2024, 9, 1))
        >>> for d in review_calendar(records, subjects=[team],
        ...                          as_of=at(2025, 4, 1)):
        ...     print(d.kind.value, d.subject_id, d.due_at.date(), d.status.value)
        account_plan A1 2025-04-10 due_soon
        sales_coverage team-east 2025-03-01 overdue
    """
    when = check_as_of("review_calendar", as_of)
    items: tuple[ReviewRecord, ...] = _items("review_calendar.records", records, ReviewRecord)
    listed: tuple[ReviewSubject, ...] = _items("review_calendar.subjects", subjects, ReviewSubject)
    if not isinstance(policy, ReviewPolicy):
        raise InvalidTypeError("review_calendar.policy", policy, "must be a ReviewPolicy")
    slots: dict[tuple[ReviewKind, str], _Slot] = {}
    for i, r in enumerate(items):
        t = r.at
        if t > when:
            not_after(f"review_calendar.records[{i}].at", t, when)
        slot = _slot(slots, r.kind, r.subject_id, r.account_id, ("records", i))
        last = slot.last
        if last is None or t > last or (t == last and _time_key(t) > _time_key(last)):
            slot.last, slot.last_at = t, ("records", i)
    for j, s in enumerate(listed):
        t = s.since
        if t > when:
            not_after(f"review_calendar.subjects[{j}].since", t, when)
        slot = _slot(slots, s.kind, s.subject_id, s.account_id, ("subjects", j))
        since = slot.since
        if since is None or t < since or (t == since and _time_key(t) < _time_key(since)):
            slot.since, slot.since_at = t, ("subjects", j)
    soon = dt.timedelta(days=policy.due_soon_days)
    out = []
    for (kind, subject_id), slot in sorted(slots.items(), key=lambda kv: (kv[0][0].rank, kv[0][1])):
        months = policy.months[kind]
        start = slot.last if slot.last is not None else slot.since
        assert start is not None  # every slot holds a record or a subject
        try:
            due = add_months(start, months)
        except FieldError:
            where = (
                _path(slot.last_at, "at")
                if slot.last is not None
                else _path(slot.since_at, "since")
            )
            raise InvalidValueError(
                where, start, f"plus {months} months is past year 9999"
            ) from None
        if when > due:
            status = ReviewStatus.OVERDUE
        elif due - when <= soon:
            status = ReviewStatus.DUE_SOON
        else:
            status = ReviewStatus.SCHEDULED
        out.append(
            ReviewDue(
                kind, subject_id, slot.account_id, months, slot.last, slot.since, due, status, when
            )
        )
    return tuple(out)


REVIEW_CODES: Final[Mapping[str, str]] = MappingProxyType(
    {
        "review_overdue": "A dynamic-evaluation review (source [002]) is past its due time.",
        "review_due_soon": "A dynamic-evaluation review (source [002]) falls due within the "
        "due-soon window.",
    }
)
"""Every reason code `calendar_alerts` emits, with one sentence each.

Severities (kamlib's own choice): ``review_overdue`` is ``warning``,
``review_due_soon`` is ``info``.

Examples:
    >>> from kamlib.operations import REVIEW_CODES
    >>> sorted(REVIEW_CODES)
    ['review_due_soon', 'review_overdue']
"""

_SEVERITY: Final = {
    ReviewStatus.OVERDUE: ("review_overdue", Severity.WARNING),
    ReviewStatus.DUE_SOON: ("review_due_soon", Severity.INFO),
}


def _reason(d: ReviewDue) -> str:
    label = _LABEL[d.kind]
    state = "is overdue" if d.status is ReviewStatus.OVERDUE else "is due soon"
    last = "never reviewed" if d.last_at is None else f"last on {d.last_at.date().isoformat()}"
    return (
        f"{label} of {d.subject_id} {state}: due {d.due_at.date().isoformat()} "
        f"(every {d.months} months; {last})"
    )


def calendar_alerts(
    records: Iterable[ReviewRecord],
    *,
    as_of: dt.datetime,
    subjects: Iterable[ReviewSubject] = (),
    policy: ReviewPolicy = ReviewPolicy(),
) -> tuple[Alert, ...]:
    """Alerts for the overdue and soon-due reviews of `review_calendar`, kind ``review``.

    Codes (`REVIEW_CODES`): ``review_overdue`` (severity ``warning``) and
    ``review_due_soon`` (``info``); the severities are kamlib's own choice. Each alert
    names the account (``None`` for a team or salesperson review), the subject id, the
    due time, and as evidence the kind, the months, ``last_at``, ``since`` and the status.
    Scheduled reviews raise nothing.

    Args:
        records: As for `review_calendar`.
        as_of: As for `review_calendar`.
        subjects: As for `review_calendar`.
        policy: As for `review_calendar`.

    Returns:
        The alerts, through [`sort_alerts`][kamlib.operations.sort_alerts].

    Raises:
        InvalidTypeError: As `review_calendar`.
        InvalidValueError: As `review_calendar`.

    Examples:
        >>> import datetime as dt
        >>> from kamlib.operations import ReviewRecord, calendar_alerts
        >>> t = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
        >>> r = ReviewRecord("customer_evaluation", "A1", t, "A1")
        >>> (a,) = calendar_alerts([r], as_of=dt.datetime(2025, 4, 2, tzinfo=dt.UTC))
        >>> a.code, a.severity.value, a.account_id, a.evidence["months"]
        ('review_overdue', 'warning', 'A1', 3)
        >>> a.reason
        'Customer evaluation of A1 is overdue: due 2025-04-01 (every 3 months; last on 2025-01-01)'
    """
    dues = review_calendar(records, as_of=as_of, subjects=subjects, policy=policy)
    alerts = []
    for d in dues:
        found = _SEVERITY.get(d.status)
        if found is None:
            continue
        code, severity = found
        alerts.append(
            make_alert(
                d.account_id,
                AlertKind.REVIEW,
                code,
                severity,
                _reason(d),
                {
                    "kind": d.kind.value,
                    "months": d.months,
                    "last_at": d.last_at,
                    "since": d.since,
                    "status": d.status.value,
                },
                due=d.due_at,
                subject_id=d.subject_id,
            )
        )
    return sort_alerts(alerts)
