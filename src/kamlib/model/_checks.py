"""Private validators and converters shared by the model classes.

They complement `kamlib._validators` with the checks only the model needs
(plain dates, enum members, ISO currency codes, uniqueness).
Every error names the ``"Class.field"`` path and the offending value.
"""

from __future__ import annotations

import datetime as dt
import enum
import numbers
import operator
import re
from collections.abc import Callable
from fractions import Fraction
from typing import Any, TypeVar

import attrs
import numpy as np

from kamlib._validators import field_path
from kamlib.errors import InvalidTypeError, InvalidValueError

E = TypeVar("E", bound=enum.StrEnum)
Validator = Callable[[Any, "attrs.Attribute[Any]", Any], None]

_CURRENCY = re.compile(r"[A-Z]{3}")


def enum_or_raw(cls: type[E], value: object) -> E:
    """Turn a known string into the member of ``cls``; pass anything else through.

    Whatever is passed through is rejected with a path by `member_of`.
    """
    if isinstance(value, cls):
        return value
    if isinstance(value, str):
        try:
            return cls(value)
        except ValueError:
            pass
    return value  # type: ignore[return-value]  # the validator rejects it with a path


@attrs.frozen(repr=False)
class _MemberOf:
    cls: type[enum.StrEnum]

    def __call__(self, inst: object, attr: attrs.Attribute[Any], value: object) -> None:
        path = field_path(inst, attr)
        if isinstance(value, self.cls):
            return
        allowed = ", ".join(repr(m.value) for m in self.cls)
        if isinstance(value, str):
            raise InvalidValueError(path, value, f"must be one of {allowed}")
        raise InvalidTypeError(path, value, f"must be a {self.cls.__name__} (one of {allowed})")

    def __repr__(self) -> str:
        return f"<member_of validator for {self.cls.__name__}>"


def member_of(cls: type[enum.StrEnum]) -> Validator:
    """Require a member of the ``StrEnum`` ``cls``."""
    return _MemberOf(cls)


def exact_int(value: int) -> int:
    """Converter: a numpy (or other ``numbers.Integral``) integer becomes a plain ``int``.

    ``bool`` and ``numpy.bool_`` are not integers here; they and every other value pass
    through unchanged so `kamlib._validators.integer` rejects them
    with a path.
    Normalising keeps equality, hashing and the plain-data form ([`kamlib.serde`][kamlib.serde])
    exact.
    """
    given: object = value  # typed as int for callers; at run time it can be anything
    if type(given) is int or isinstance(given, bool) or not isinstance(given, numbers.Integral):
        return value  # the validator rejects what is not an int
    return operator.index(given)


def exact_real(value: float) -> float:
    """Converter: a numpy number becomes the Python number of exactly the same value.

    ``numpy`` integers become ``int``; ``numpy`` floats become ``float`` (or, for a
    ``longdouble`` that no ``float`` equals, the exact `fractions.Fraction`).
    Plain ``int``, ``float`` and ``Fraction`` values are kept as given, so nothing is
    rounded; [`kamlib.serde`][kamlib.serde] writes each of them back exactly. Anything else passes
    through for the field's validator to reject with a path.
    """
    given: object = value  # typed as float for callers; at run time it can be anything
    kind = type(given)
    if kind is float or kind is int or not isinstance(given, np.generic):
        return value
    if isinstance(given, np.integer):
        return operator.index(given)  # an int is a real
    if isinstance(given, np.floating):
        x = float(given)
        if x == given or not np.isfinite(given):
            return x  # the validator refuses a non-finite value
        return Fraction(*given.as_integer_ratio())  # type: ignore[return-value]
    return value


@attrs.frozen(repr=False)
class _PlainDate:
    def __call__(self, inst: object, attr: attrs.Attribute[Any], value: object) -> None:
        if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
            raise InvalidTypeError(
                field_path(inst, attr), value, "must be a datetime.date (not a datetime)"
            )

    def __repr__(self) -> str:
        return "<plain_date validator>"


def plain_date() -> Validator:
    """Require a `datetime.date` that is not a `datetime.datetime`."""
    return _PlainDate()


def check_currency(path: str, value: object) -> str:
    """Check an ISO 4217 style code (three uppercase ASCII letters) and return it."""
    if not isinstance(value, str):
        raise InvalidTypeError(path, value, "must be a str")
    if not _CURRENCY.fullmatch(value):
        raise InvalidValueError(
            path, value, "must be an ISO 4217 code of 3 uppercase letters, e.g. 'USD'"
        )
    return value


_CHECKED_CODES: set[str] = set()
"""Currency codes already checked: at most 26 ** 3 valid ones, so a set lookup replaces the
regex (and the error path it needs) for every ``Money`` after the first of its currency."""


@attrs.frozen(repr=False)
class _Currency:
    def __call__(self, inst: object, attr: attrs.Attribute[Any], value: object) -> None:
        if value.__class__ is str and value in _CHECKED_CODES:
            return
        _CHECKED_CODES.add(check_currency(field_path(inst, attr), value))

    def __repr__(self) -> str:
        return "<currency_code validator>"


def currency_code() -> Validator:
    """Require an ISO 4217 style code: exactly three uppercase ASCII letters."""
    return _Currency()


@attrs.frozen(repr=False)
class _UniqueItems:
    def __call__(self, inst: object, attr: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, tuple):
            return  # the type validator reports it
        seen: set[object] = set()
        for i, item in enumerate(value):
            if item in seen:
                raise InvalidValueError(
                    f"{field_path(inst, attr)}[{i}]", item, "is a duplicate; items must be unique"
                )
            seen.add(item)

    def __repr__(self) -> str:
        return "<unique_items validator>"


def unique_items() -> Validator:
    """Require the items of a tuple of hashable values to be pairwise distinct."""
    return _UniqueItems()


def check_date(path: str, value: object) -> dt.date:
    """Check a method argument is a plain date (a datetime is refused) and return it."""
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise InvalidTypeError(path, value, "must be a datetime.date (not a datetime)")
    return value
