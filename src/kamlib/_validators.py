"""attrs validators that raise kamlib's typed errors with the field path.

Each public factory returns a small frozen callable with a readable ``repr``
(the pattern of ``attrs.validators.instance_of``). The path in the error is
``"<Class>.<field>"``; containers prefix it with :meth:`FieldError.at`.
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
from collections.abc import Callable, Iterable
from typing import Any

import attrs

from kamlib.errors import InvalidTypeError, InvalidValueError

__all__ = [
    "as_tuple",
    "aware_datetime",
    "each",
    "field_path",
    "instance_of",
    "non_empty_str",
    "optional",
    "real",
]

Validator = Callable[[Any, "attrs.Attribute[Any]", Any], None]


def field_path(instance: object, attribute: attrs.Attribute[Any]) -> str:
    """Return ``"<Class>.<field>"`` for error messages."""
    return f"{type(instance).__name__}.{attribute.name}"


def _type_names(types: tuple[type, ...]) -> str:
    return " or ".join(t.__name__ for t in types)


@attrs.frozen(repr=False)
class _InstanceOf:
    types: tuple[type, ...]

    def __call__(self, inst: object, attr: attrs.Attribute[Any], value: object) -> None:
        # bool is an int subclass; a True where a number is meant is a bug upstream.
        is_bool = isinstance(value, bool) and bool not in self.types
        if is_bool or not isinstance(value, self.types):
            raise InvalidTypeError(
                field_path(inst, attr), value, f"must be {_type_names(self.types)}"
            )

    def __repr__(self) -> str:
        return f"<instance_of validator for {_type_names(self.types)}>"


def instance_of(*types: type) -> Validator:
    """Require an instance of one of ``types`` (``bool`` never passes for ``int``)."""
    return _InstanceOf(types)


@attrs.frozen(repr=False)
class _NonEmptyStr:
    def __call__(self, inst: object, attr: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, str):
            raise InvalidTypeError(field_path(inst, attr), value, "must be a str")
        if not value.strip():
            raise InvalidValueError(field_path(inst, attr), value, "must be a non-empty string")

    def __repr__(self) -> str:
        return "<non_empty_str validator>"


def non_empty_str() -> Validator:
    """Require a ``str`` with at least one non-space character."""
    return _NonEmptyStr()


@attrs.frozen(repr=False)
class _Real:
    ge: float | None
    le: float | None
    gt: float | None

    def _bounds(self) -> str:
        lo = (
            f"[{self.ge}"
            if self.ge is not None
            else (f"({self.gt}" if self.gt is not None else "(-inf")
        )
        hi = f"{self.le}]" if self.le is not None else "inf)"
        return f"{lo}, {hi}"

    def __call__(self, inst: object, attr: attrs.Attribute[Any], value: object) -> None:
        # Fast path for the common exact types; bool is excluded by the exact type test.
        kind = type(value)
        if kind is float or kind is int:
            try:
                x = float(value)  # type: ignore[arg-type]
            except OverflowError:
                raise InvalidValueError(
                    field_path(inst, attr), value, "is too large for a float"
                ) from None
        elif isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise InvalidTypeError(field_path(inst, attr), value, "must be a real number")
        else:
            try:
                x = float(value)
            except OverflowError:
                raise InvalidValueError(
                    field_path(inst, attr), value, "is too large for a float"
                ) from None
        if not math.isfinite(x):
            raise InvalidValueError(field_path(inst, attr), value, "must be finite")
        if (
            (self.ge is not None and x < self.ge)
            or (self.le is not None and x > self.le)
            or (self.gt is not None and x <= self.gt)
        ):
            raise InvalidValueError(field_path(inst, attr), value, f"must be in {self._bounds()}")

    def __repr__(self) -> str:
        return f"<real validator in {self._bounds()}>"


def real(*, ge: float | None = None, le: float | None = None, gt: float | None = None) -> Validator:
    """Require a finite real number (not ``bool``), optionally bounded.

    Args:
        ge: Inclusive lower bound.
        le: Inclusive upper bound.
        gt: Exclusive lower bound.
    """
    return _Real(ge, le, gt)


@attrs.frozen(repr=False)
class _AwareDatetime:
    def __call__(self, inst: object, attr: attrs.Attribute[Any], value: object) -> None:
        path = field_path(inst, attr)
        if not isinstance(value, dt.datetime):
            raise InvalidTypeError(path, value, "must be a datetime.datetime")
        if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
            raise InvalidValueError(path, value, "must be timezone-aware")

    def __repr__(self) -> str:
        return "<aware_datetime validator>"


def aware_datetime() -> Validator:
    """Require a timezone-aware :class:`datetime.datetime`."""
    return _AwareDatetime()


@attrs.frozen(repr=False)
class _Optional:
    inner: Validator

    def __call__(self, inst: object, attr: attrs.Attribute[Any], value: object) -> None:
        if value is not None:
            self.inner(inst, attr, value)

    def __repr__(self) -> str:
        return f"<optional {self.inner!r}>"


def optional(inner: Validator) -> Validator:
    """Allow ``None``; otherwise apply ``inner``."""
    return _Optional(inner)


@attrs.frozen(repr=False)
class _Each:
    inner: Validator

    def __call__(self, inst: object, attr: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, tuple):
            raise InvalidTypeError(field_path(inst, attr), value, "must be a tuple")
        for i, item in enumerate(value):
            try:
                self.inner(inst, attr, item)
            except (InvalidTypeError, InvalidValueError) as exc:
                raise type(exc)(f"{field_path(inst, attr)}[{i}]", item, exc.reason) from None

    def __repr__(self) -> str:
        return f"<each {self.inner!r}>"


def each(inner: Validator) -> Validator:
    """Require a tuple whose every item passes ``inner``; the error names the index."""
    return _Each(inner)


def as_tuple(value: Iterable[Any]) -> tuple[Any, ...]:
    """Converter: lists and other iterables become tuples; a ``str`` is refused.

    A string is iterable, but ``tuple("abc")`` is never what a caller meant; it is
    passed through unchanged so the field's validator reports it as a wrong type.
    """
    if isinstance(value, tuple):
        return value
    if isinstance(value, str | bytes | dict) or not isinstance(value, Iterable):
        return value  # type: ignore[return-value]  # the validator rejects it with a path
    return tuple(value)
