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

from kamlib._validators import as_tuple, bind, field_path
from kamlib.errors import InvalidTypeError, InvalidValueError

E = TypeVar("E", bound=enum.StrEnum)
Validator = Callable[[Any, "attrs.Attribute[Any]", Any], None]

_CURRENCY = re.compile(r"[A-Z]{3}")

KEEPS: dict[Callable[..., Any], frozenset[type]] = {}
"""Converter -> the classes it returns unchanged (`kamlib.model._fast` skips the call)."""

LOOKUPS: dict[Callable[..., Any], dict[str, Any]] = {}
"""Converter -> what it turns an exact ``str`` into (a ``str`` not in it stays itself)."""

LISTS: set[Callable[..., Any]] = set()
"""Converters that turn a ``list`` into ``tuple(list)``."""


def enum_or_raw(cls: type[E], value: object) -> E:
    """Turn a known string into the member of ``cls``; pass anything else through.

    Whatever is passed through is rejected with a path by `member_of`. A member or an
    exact ``str`` (the common cases) costs a class test and at most one dict look-up.
    """
    kind = value.__class__
    if kind is cls:
        return value  # type: ignore[return-value]  # kind is cls
    if kind is str:
        return cls._value2member_map_.get(value, value)  # type: ignore[arg-type, return-value]
    if isinstance(value, cls):
        return value
    if isinstance(value, str):
        try:
            return cls(value)
        except ValueError:
            pass
    return value  # type: ignore[return-value]  # the validator rejects it with a path


def register_enum_converter(
    converter: Callable[..., Any], cls: type[enum.StrEnum], *, optional: bool = False
) -> None:
    """Tell `kamlib.model._fast` that ``converter`` is `enum_or_raw` for ``cls``.

    With ``optional``, ``None`` also stays ``None``.
    """
    KEEPS[converter] = frozenset((cls, type(None)) if optional else (cls,))
    LOOKUPS[converter] = dict(cls._value2member_map_)


@attrs.frozen(repr=False)
class _MemberOf:
    cls: type[enum.StrEnum]

    def __call__(self, inst: object, attr: attrs.Attribute[Any], value: object) -> None:
        if value.__class__ is self.cls or isinstance(value, self.cls):
            return
        path = field_path(inst, attr)
        allowed = ", ".join(repr(m.value) for m in self.cls)
        if isinstance(value, str):
            raise InvalidValueError(path, value, f"must be one of {allowed}")
        raise InvalidTypeError(path, value, f"must be a {self.cls.__name__} (one of {allowed})")

    def __repr__(self) -> str:
        return f"<member_of validator for {self.cls.__name__}>"

    @property
    def exact_types(self) -> frozenset[type]:
        """Every member passes (see `kamlib._validators.optional`)."""
        return frozenset((self.cls,))

    def fast_test(self, var: str, ns: dict[str, Any]) -> str:
        """Inline acceptance test (see `kamlib.model._fast`): a member."""
        return f"{var}.__class__ is {bind(ns, self.cls)}"


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
    if given.__class__ is int or isinstance(given, bool) or not isinstance(given, numbers.Integral):
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
    kind = given.__class__
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
        if value.__class__ is dt.date:
            return
        if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
            raise InvalidTypeError(
                field_path(inst, attr), value, "must be a datetime.date (not a datetime)"
            )

    def __repr__(self) -> str:
        return "<plain_date validator>"

    @property
    def exact_types(self) -> frozenset[type]:
        """Every exact ``datetime.date`` passes (see `kamlib._validators.optional`)."""
        return frozenset((dt.date,))

    def fast_test(self, var: str, ns: dict[str, Any]) -> str:
        """Inline acceptance test (see `kamlib.model._fast`): exactly a ``datetime.date``."""
        return f"{var}.__class__ is {bind(ns, dt.date)}"


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

    def fast_test(self, var: str, ns: dict[str, Any]) -> str:
        """Inline acceptance test (see `kamlib.model._fast`): a code already checked."""
        return f"{var}.__class__ is str and {var} in {bind(ns, _CHECKED_CODES)}"


def currency_code() -> Validator:
    """Require an ISO 4217 style code: exactly three uppercase ASCII letters."""
    return _Currency()


@attrs.frozen(repr=False)
class _UniqueItems:
    def __call__(self, inst: object, attr: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, tuple):
            return  # the type validator reports it
        if len(value) < 2:
            return
        try:
            if len(set(value)) == len(value):
                return
        except TypeError:  # an unhashable item: the walk below raises where it is
            pass
        seen: set[object] = set()
        for i, item in enumerate(value):
            if item in seen:
                raise InvalidValueError(
                    f"{field_path(inst, attr)}[{i}]", item, "is a duplicate; items must be unique"
                )
            seen.add(item)

    def __repr__(self) -> str:
        return "<unique_items validator>"

    def fast_test(self, var: str, ns: dict[str, Any]) -> str:
        """Inline acceptance test (see `kamlib.model._fast`): a tuple of distinct strs."""
        return f"{var}.__class__ is tuple and (len({var}) < 2 or {bind(ns, _distinct_strs)}({var}))"


def _distinct_strs(values: tuple[Any, ...]) -> bool:
    """True when the items are plain ``str`` and pairwise distinct (never raises)."""
    return set(map(type, values)) == {str} and len(set(values)) == len(values)


def unique_items() -> Validator:
    """Require the items of a tuple of hashable values to be pairwise distinct."""
    return _UniqueItems()


def check_date(path: str, value: object) -> dt.date:
    """Check a method argument is a plain date (a datetime is refused) and return it."""
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise InvalidTypeError(path, value, "must be a datetime.date (not a datetime)")
    return value


KEEPS[exact_int] = frozenset((int,))
KEEPS[exact_real] = frozenset((int, float))
KEEPS[as_tuple] = frozenset((tuple,))
LISTS.add(as_tuple)
