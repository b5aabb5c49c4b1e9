"""Calendar quarters: the reporting period of key-account figures and health.

Source rule [000]: the health model is reported quarterly; source [002] re-evaluates
accounts every 3 months.
"""

from __future__ import annotations

import datetime as dt
import re

import attrs

from kamlib._validators import integer
from kamlib.errors import InvalidTypeError, InvalidValueError
from kamlib.model._checks import check_date, exact_int
from kamlib.model._fast import fast_init

__all__ = ["Quarter"]

_QUARTER_TEXT = re.compile(r"([0-9]{4})Q([1-4])")  # ASCII digits only, as str() writes


@fast_init
@attrs.frozen(order=True)
class Quarter:
    """One calendar quarter, e.g. ``2024Q1`` (January to March 2024).

    Quarters order chronologically and print as ``"2024Q1"``.

    Attributes:
        year: Calendar year, 1 to 9999.
        quarter: Quarter of the year, 1 to 4.

    Examples:
        >>> q = Quarter(2024, 1)
        >>> str(q), q.start, q.end
        ('2024Q1', datetime.date(2024, 1, 1), datetime.date(2024, 3, 31))
        >>> Quarter(2023, 4) < q < q.next()
        True
    """

    year: int = attrs.field(converter=exact_int, validator=integer(ge=1, le=9999))
    quarter: int = attrs.field(converter=exact_int, validator=integer(ge=1, le=4))

    def __str__(self) -> str:
        return f"{self.year:04d}Q{self.quarter}"

    @property
    def start(self) -> dt.date:
        """First day of the quarter.

        Examples:
            >>> Quarter(2024, 3).start
            datetime.date(2024, 7, 1)
        """
        return dt.date(self.year, 3 * (self.quarter - 1) + 1, 1)

    @property
    def end(self) -> dt.date:
        """Last day of the quarter.

        Examples:
            >>> Quarter(2024, 4).end
            datetime.date(2024, 12, 31)
        """
        if self.quarter == 4:
            return dt.date(self.year, 12, 31)
        return dt.date(self.year, 3 * self.quarter + 1, 1) - dt.timedelta(days=1)

    def next(self) -> Quarter:
        """Return the quarter after this one.

        Raises:
            InvalidValueError: After 9999Q4.

        Examples:
            >>> Quarter(2024, 4).next()
            Quarter(year=2025, quarter=1)
        """
        if self.quarter == 4:
            return Quarter(self.year + 1, 1)
        return Quarter(self.year, self.quarter + 1)

    def previous(self) -> Quarter:
        """Return the quarter before this one.

        Raises:
            InvalidValueError: Before 0001Q1.

        Examples:
            >>> Quarter(2024, 1).previous()
            Quarter(year=2023, quarter=4)
        """
        if self.quarter == 1:
            return Quarter(self.year - 1, 4)
        return Quarter(self.year, self.quarter - 1)

    def contains(self, day: dt.date) -> bool:
        """Whether ``day`` (a date, or the date of a datetime) falls in this quarter.

        Examples:
            >>> import datetime as dt
            >>> Quarter(2024, 2).contains(dt.date(2024, 6, 30))
            True
        """
        return Quarter.containing(day) == self

    @classmethod
    def containing(cls, day: dt.date) -> Quarter:
        """Return the quarter that contains ``day`` (a datetime counts by its own date).

        Raises:
            InvalidTypeError: ``day`` is not a date.

        Examples:
            >>> import datetime as dt
            >>> Quarter.containing(dt.date(2024, 5, 17))
            Quarter(year=2024, quarter=2)
        """
        if isinstance(day, dt.datetime):
            day = day.date()
        day = check_date("Quarter.containing.day", day)
        return cls(day.year, (day.month - 1) // 3 + 1)

    @classmethod
    def parse(cls, text: str) -> Quarter:
        """Parse the ``str()`` form, e.g. ``"2024Q1"``.

        Raises:
            InvalidTypeError: ``text`` is not a str.
            InvalidValueError: ``text`` is not of the form ``YYYYQn``.

        Examples:
            >>> Quarter.parse("2024Q3")
            Quarter(year=2024, quarter=3)
            >>> Quarter.parse(str(Quarter(1999, 2))) == Quarter(1999, 2)
            True
        """
        if not isinstance(text, str):
            raise InvalidTypeError("Quarter.parse.text", text, "must be a str")
        match = _QUARTER_TEXT.fullmatch(text)
        if match is None or int(match.group(1)) == 0:
            raise InvalidValueError(
                "Quarter.parse.text", text, "must look like 'YYYYQn', e.g. '2024Q1'"
            )
        return cls(int(match.group(1)), int(match.group(2)))
