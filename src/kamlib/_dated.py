"""Small shared checks of the dated rules: ``as_of``, events not after it, clocks, months.

Every operations and planning function is a pure function of its records and ``as_of``:
nothing reads the clock. A record dated after ``as_of`` is refused rather than silently
read or dropped: a review describes what has happened by ``as_of``, and a record from the
future means the caller passed the wrong ``as_of`` or the wrong records.
"""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Final

from kamlib._validators import check_aware_datetime, check_real
from kamlib.errors import InvalidTypeError, InvalidValueError
from kamlib.model import Portfolio

__all__ = [
    "MAX_HOURS",
    "add_months",
    "check_as_of",
    "check_hours",
    "check_portfolio",
    "not_after",
    "refuse_later_account_records",
]

MAX_HOURS: Final = 24.0 * 36_525
"""Largest clock in hours a rule accepts: a century."""


def check_as_of(where: str, as_of: object) -> dt.datetime:
    """``as_of`` checked to be a timezone-aware datetime, the error naming ``where``.

    Examples:
        >>> import datetime as dt
        >>> from kamlib._dated import check_as_of
        >>> check_as_of("review", dt.datetime(2025, 1, 1, tzinfo=dt.UTC)).year
        2025
        >>> check_as_of("review", dt.datetime(2025, 1, 1))
        Traceback (most recent call last):
        ...
        kamlib.errors.InvalidValueError: review.as_of: must be timezone-aware; \
got datetime.datetime(2025, 1, 1, 0, 0)
    """
    return check_aware_datetime(f"{where}.as_of", as_of)


def check_portfolio(where: str, portfolio: object) -> Portfolio:
    """``portfolio`` checked to be a [`Portfolio`][kamlib.model.Portfolio], naming ``where``.

    Examples:
        >>> from kamlib._dated import check_portfolio
        >>> check_portfolio("review", [])
        Traceback (most recent call last):
        ...
        kamlib.errors.InvalidTypeError: review.portfolio: must be a Portfolio; got []
    """
    if not isinstance(portfolio, Portfolio):
        raise InvalidTypeError(f"{where}.portfolio", portfolio, "must be a Portfolio")
    return portfolio


def not_after(path: str, at: dt.datetime, as_of: dt.datetime) -> None:
    """Raise if the record time ``at`` (at field ``path``) is after ``as_of``.

    Raises:
        InvalidValueError: ``at > as_of``, naming ``path``.

    Examples:
        >>> import datetime as dt
        >>> from kamlib._dated import not_after
        >>> t = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
        >>> not_after("Complaint.received_at", t, t)
        >>> not_after("Complaint.received_at", t + dt.timedelta(seconds=1), t)
        Traceback (most recent call last):
        ...
        kamlib.errors.InvalidValueError: Complaint.received_at: is after as_of \
(2025-01-01T00:00:00+00:00): a review reads only what happened by as_of; got ...
    """
    if at > as_of:
        raise InvalidValueError(
            path,
            at,
            f"is after as_of ({as_of.isoformat()}): a review reads only what happened by as_of",
        )


def check_hours(path: str, value: object, *, positive: bool = False) -> dt.timedelta:
    """A clock given in hours (a real number, ``>= 0`` or ``> 0``), as a timedelta.

    Raises:
        InvalidTypeError: Not a real number.
        InvalidValueError: Negative (or zero with ``positive``), not finite, over a century.

    Examples:
        >>> from kamlib._dated import check_hours
        >>> check_hours("ack_hours", 2)
        datetime.timedelta(seconds=7200)
    """
    if positive:
        hours = check_real(path, value, gt=0.0, le=MAX_HOURS)
    else:
        hours = check_real(path, value, ge=0.0, le=MAX_HOURS)
    return dt.timedelta(hours=hours)


def add_months(t: dt.datetime, months: int) -> dt.datetime:
    """``t`` moved by whole calendar months, the day clamped to the month's last day.

    Jan 31 + 1 month is Feb 28 (or 29); the time of day and the offset are kept. Used
    for "every 3 months" rules: the next review is due on the same day-of-month.

    Examples:
        >>> import datetime as dt
        >>> from kamlib._dated import add_months
        >>> add_months(dt.datetime(2025, 1, 31, 9, tzinfo=dt.UTC), 1).date()
        datetime.date(2025, 2, 28)
        >>> add_months(dt.datetime(2025, 11, 15, tzinfo=dt.UTC), 3).date()
        datetime.date(2026, 2, 15)
    """
    index = t.year * 12 + (t.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    if not 1 <= year <= 9999:
        raise InvalidValueError("add_months.months", months, f"moves {t.isoformat()} out of range")
    day = min(t.day, calendar.monthrange(year, month)[1])
    return t.replace(year=year, month=month, day=day)


def refuse_later_account_records(portfolio: Portfolio, as_of: dt.datetime) -> None:
    """Refuse an account's survey, NPS answer or risk signal dated after ``as_of``.

    These are the dated records
    [`extract_features`][kamlib.features.extract_features] skips silently when they lie
    after its ``as_of`` (a feature table describes a moment); a review or an assessment
    describes what has happened, so a record from its future is an error. The path names
    the record by its position: ``Portfolio.accounts[i].surveys[j].at``.

    Raises:
        InvalidValueError: The first such record, in the portfolio's order.

    Examples:
        >>> import datetime as dt
        >>> from kamlib._dated import refuse_later_account_records
        >>> from kamlib.model import Account, Portfolio, SatisfactionSurvey
        >>> t = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
        >>> acc = Account("A1", "Acme", industry="x", region="y", size_band="large",
        ...               cooperation_start=dt.date(2024, 1, 1),
        ...               surveys=[SatisfactionSurvey(t, 80.0)])
        >>> refuse_later_account_records(Portfolio([acc]), t)
        >>> refuse_later_account_records(Portfolio([acc]), t - dt.timedelta(days=1))
        Traceback (most recent call last):
        ...
        kamlib.errors.InvalidValueError: Portfolio.accounts[0].surveys[0].at: is after as_of \
(2024-12-31T00:00:00+00:00): a review reads only what happened by as_of; got ...
    """
    for i, a in enumerate(portfolio.accounts):
        for j, survey in enumerate(a.surveys):
            if survey.at > as_of:
                not_after(f"Portfolio.accounts[{i}].surveys[{j}].at", survey.at, as_of)
        for j, answer in enumerate(a.nps):
            if answer.at > as_of:
                not_after(f"Portfolio.accounts[{i}].nps[{j}].at", answer.at, as_of)
        for j, sig in enumerate(a.risk_signals):
            path = f"Portfolio.accounts[{i}].risk_signals[{j}]"
            not_after(f"{path}.at", sig.at, as_of)
            if sig.resolved_at is not None:
                not_after(f"{path}.resolved_at", sig.resolved_at, as_of)
