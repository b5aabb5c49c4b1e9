from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kamlib.errors import InvalidTypeError, InvalidValueError
from kamlib.model import Quarter

quarters = st.builds(Quarter, st.integers(2, 9998), st.integers(1, 4))


def test_start_end_each_quarter() -> None:
    assert [(str(Quarter(2024, q).start), str(Quarter(2024, q).end)) for q in (1, 2, 3, 4)] == [
        ("2024-01-01", "2024-03-31"),
        ("2024-04-01", "2024-06-30"),
        ("2024-07-01", "2024-09-30"),
        ("2024-10-01", "2024-12-31"),
    ]


def test_ordering() -> None:
    qs = [Quarter(2024, 2), Quarter(2023, 4), Quarter(2024, 1)]
    assert [str(q) for q in sorted(qs)] == ["2023Q4", "2024Q1", "2024Q2"]


@given(quarters)
def test_next_previous_inverse(q: Quarter) -> None:
    assert q.next().previous() == q
    assert q.previous() < q < q.next()
    assert q.next().start == q.end + dt.timedelta(days=1)


@given(quarters)
def test_str_parse_round_trip(q: Quarter) -> None:
    assert Quarter.parse(str(q)) == q


@given(st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)))
def test_containing(day: dt.date) -> None:
    q = Quarter.containing(day)
    assert q.start <= day <= q.end
    assert q.contains(day)


def test_containing_datetime_uses_its_date() -> None:
    t = dt.datetime(2024, 3, 31, 23, 0, tzinfo=dt.UTC)
    assert Quarter.containing(t) == Quarter(2024, 1)


@pytest.mark.parametrize("text", ["2024q1", "2024Q5", "24Q1", "2024-Q1", "", "0000Q1"])
def test_parse_rejects(text: str) -> None:
    with pytest.raises(InvalidValueError, match=r"Quarter\.parse\.text"):
        Quarter.parse(text)


def test_parse_rejects_non_str() -> None:
    with pytest.raises(InvalidTypeError):
        Quarter.parse(2024)  # type: ignore[arg-type]


def test_bounds_of_calendar() -> None:
    with pytest.raises(InvalidValueError, match=r"Quarter\.year"):
        Quarter(9999, 4).next()
    with pytest.raises(InvalidValueError, match=r"Quarter\.year"):
        Quarter(1, 1).previous()


def test_containing_rejects_non_date() -> None:
    with pytest.raises(InvalidTypeError, match=r"Quarter\.containing\.day"):
        Quarter.containing("2024-01-01")  # type: ignore[arg-type]
