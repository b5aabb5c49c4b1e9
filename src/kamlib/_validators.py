"""The one home of kamlib's value checks: plain functions and the attrs validators built on them.

Two forms of every rule, one implementation:

* **function form** ``check_*(path, value, ...)`` for plain function parameters: returns
  the normalised value (a ``float``, an ``int``, a ``bool``, ...) or raises
  [`InvalidTypeError`][kamlib.errors.InvalidTypeError] (wrong type) /
  [`InvalidValueError`][kamlib.errors.InvalidValueError] (right type, wrong value) naming ``path``
  and the value;
* **attrs validator** factories (``real()``, ``integer()``, ``one_of()``, ...) that call
  the function form with the path ``"<Class>.<field>"``. Each returns a small frozen
  callable with a readable ``repr`` (the pattern of ``attrs.validators.instance_of``).

Bounds are written one way in every message: ``must be a real number in [0, inf)``,
``must be an int in [1, 10]``.

Examples:
    >>> from kamlib._validators import check_real
    >>> check_real("HealthModel.decay", 0.5, ge=0, le=1)
    0.5
    >>> check_real("HealthModel.decay", 2, ge=0, le=1)
    Traceback (most recent call last):
    ...
    kamlib.errors.InvalidValueError: HealthModel.decay: must be a real number in [0, 1]; got 2
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
import operator
from collections.abc import Callable, Iterable, Mapping, Set
from typing import Any, Final

import attrs
import numpy as np

from kamlib.errors import FieldError, InvalidTypeError, InvalidValueError

__all__ = [
    "Validator",
    "as_float",
    "as_float_tuple",
    "as_int",
    "as_tuple",
    "aware_datetime",
    "check_aware_datetime",
    "check_choice",
    "check_flag",
    "check_int",
    "check_name",
    "check_real",
    "check_real_tuple",
    "each",
    "field_path",
    "flag",
    "instance_of",
    "integer",
    "non_empty_str",
    "one_of",
    "optional",
    "real",
    "unwrap_0d",
]

Validator = Callable[[Any, "attrs.Attribute[Any]", Any], None]
"""What attrs calls: ``validator(instance, attribute, value)``."""


def unwrap_0d(value: object) -> object:
    """A 0-d numpy array as the scalar it holds (``np.array(3)`` reads as ``3``); else ``value``.

    For arguments that take a number or a sequence: a 0-d array is neither to the
    sequence checks (iterating it raises a bare ``TypeError``), so it is read as its one
    value before them.

    Examples:
        >>> import numpy as np
        >>> unwrap_0d(np.array(2.5)), unwrap_0d([1, 2])
        (2.5, [1, 2])
    """
    if isinstance(value, np.ndarray) and value.ndim == 0:
        return value.item()
    return value


def field_path(instance: object, attribute: attrs.Attribute[Any]) -> str:
    """Return ``"<Class>.<field>"``, the path attrs validators put in their errors.

    Args:
        instance: The object being built.
        attribute: The attrs field being checked.

    Returns:
        The dotted path.

    Examples:
        >>> import attrs
        >>> from kamlib._validators import field_path
        >>> @attrs.frozen
        ... class Box:
        ...     x: int
        >>> field_path(Box(1), attrs.fields(Box).x)
        'Box.x'
    """
    return f"{type(instance).__name__}.{attribute.alias or attribute.name}"  # the init name


# ------------------------------------------------------------------ bound text


def _num(x: float) -> str:
    """A bound as written in messages: ``0`` not ``0.0``, ``0.5``, ``1e+12``."""
    if isinstance(x, int):
        return str(x)
    return f"{x:g}"


def _interval(
    ge: float | None = None,
    le: float | None = None,
    gt: float | None = None,
    lt: float | None = None,
) -> str:
    """``[0, inf)``-style text of the bounds (the tighter of ``ge``/``gt`` is shown)."""
    if ge is not None and (gt is None or ge > gt):
        lo = f"[{_num(ge)}"
    elif gt is not None:
        lo = f"({_num(gt)}"
    else:
        lo = "(-inf"
    if le is not None and (lt is None or le < lt):
        hi = f"{_num(le)}]"
    elif lt is not None:
        hi = f"{_num(lt)})"
    else:
        hi = "inf)"
    return f"{lo}, {hi}"


def _noun(noun: str, bounded: bool, interval: str) -> str:
    return f"must be {noun} in {interval}" if bounded else f"must be {noun}"


# ------------------------------------------------------------------ function form


def check_real(
    path: str,
    value: object,
    *,
    ge: float | None = None,
    le: float | None = None,
    gt: float | None = None,
    lt: float | None = None,
) -> float:
    """Return ``value`` as a finite ``float`` within the bounds, or raise naming ``path``.

    Any `numbers.Real` is accepted (``int``, ``float``, `fractions.Fraction`,
    numpy integers and floats); ``bool`` never is. A fraction whose numerator or
    denominator has more than about 4200 digits is refused: Python cannot write it out.

    Args:
        path: Where the value comes from, e.g. ``"influence_reach.alpha"``.
        value: The value to check.
        ge: Inclusive lower bound.
        le: Inclusive upper bound.
        gt: Exclusive lower bound.
        lt: Exclusive upper bound.

    Returns:
        ``float(value)``.

    Raises:
        InvalidTypeError: Not a real number (a ``str``, ``None``, a ``bool``, ...).
        InvalidValueError: Too large for a float (``10**400``), not finite, or out of bounds.

    Examples:
        >>> from fractions import Fraction
        >>> import numpy as np
        >>> from kamlib._validators import check_real
        >>> check_real("x", Fraction(1, 4)), check_real("x", np.float32(0.5), gt=0)
        (0.25, 0.5)
        >>> check_real("x", 10**400)
        Traceback (most recent call last):
        ...
        kamlib.errors.InvalidValueError: x: is too large for a float; got 1000000000...
        >>> check_real("x", True)
        Traceback (most recent call last):
        ...
        kamlib.errors.InvalidTypeError: x: must be a real number; got True
        >>> check_real("x", 1.0, lt=1)
        Traceback (most recent call last):
        ...
        kamlib.errors.InvalidValueError: x: must be a real number in (-inf, 1); got 1.0
    """
    kind = type(value)
    if kind is float:
        x: float = value  # type: ignore[assignment]
    elif kind is bool or not isinstance(value, numbers.Real):
        bounded = ge is not None or le is not None or gt is not None or lt is not None
        raise InvalidTypeError(
            path, value, _noun("a real number", bounded, _interval(ge, le, gt, lt))
        )
    else:
        try:
            x = float(value)
        except OverflowError:  # 10**400, Fraction(10**400, 3)
            raise InvalidValueError(path, value, "is too large for a float") from None
        if isinstance(value, numbers.Rational) and _too_long(value):
            raise InvalidValueError(path, value, _TOO_LONG)
    if not math.isfinite(x):
        raise InvalidValueError(path, value, "must be finite")
    if (
        (ge is not None and x < ge)
        or (le is not None and x > le)
        or (gt is not None and x <= gt)
        or (lt is not None and x >= lt)
    ):
        raise InvalidValueError(
            path, value, f"must be a real number in {_interval(ge, le, gt, lt)}"
        )
    return x


_MAX_RATIONAL_BITS: Final = 14_000  # ~4200 decimal digits, under Python's int <-> str limit
_TOO_LONG: Final = "has a numerator or denominator too long to write exactly (over 4200 digits)"


_FLOAT_SIZED: Final = 1 << 1000  # ints below this in size convert to float without overflow


def _too_long(value: numbers.Rational) -> bool:
    """A fraction whose terms ``str()`` cannot write (``sys.get_int_max_str_digits``)."""
    num, den = int(value.numerator), int(value.denominator)
    return max(abs(num), den).bit_length() > _MAX_RATIONAL_BITS


def check_int(path: str, value: object, *, ge: int | None = None, le: int | None = None) -> int:
    """Return ``value`` as a plain ``int`` within ``[ge, le]``, or raise naming ``path``.

    Any `numbers.Integral` is accepted (``int``, numpy integers); ``bool`` and
    ``numpy.bool_`` never are, nor is a float with an integral value (``2.0``).

    Args:
        path: Where the value comes from, e.g. ``"indirect_key_persons.max_depth"``.
        value: The value to check.
        ge: Inclusive lower bound.
        le: Inclusive upper bound.

    Returns:
        ``operator.index(value)``, a plain ``int``.

    Raises:
        InvalidTypeError: Not an integer.
        InvalidValueError: Out of bounds.

    Examples:
        >>> import numpy as np
        >>> from kamlib._validators import check_int
        >>> check_int("n", np.int64(2), ge=1)
        2
        >>> check_int("n", 0, ge=1)
        Traceback (most recent call last):
        ...
        kamlib.errors.InvalidValueError: n: must be an int in [1, inf); got 0
        >>> check_int("n", 2.0)
        Traceback (most recent call last):
        ...
        kamlib.errors.InvalidTypeError: n: must be an int; got 2.0
    """
    if type(value) is int:
        n: int = value
    elif isinstance(value, bool) or not isinstance(value, numbers.Integral):
        bounded = ge is not None or le is not None
        raise InvalidTypeError(path, value, _noun("an int", bounded, _interval(ge, le)))
    else:
        n = operator.index(value)
    if (ge is not None and n < ge) or (le is not None and n > le):
        raise InvalidValueError(path, value, f"must be an int in {_interval(ge, le)}")
    return n


def _options_text(options: tuple[str, ...]) -> str:
    return ", ".join(repr(o) for o in options)


def check_choice(path: str, value: object, options: Iterable[str]) -> str:
    """Return ``value`` if it is one of the strings ``options``, or raise naming ``path``.

    Args:
        path: Where the value comes from, e.g. ``"Measure.scaling"``.
        value: The value to check.
        options: The allowed strings.

    Returns:
        ``value`` unchanged (a ``str`` or a ``StrEnum`` member equal to an option).

    Raises:
        InvalidTypeError: Not a ``str``.
        InvalidValueError: A ``str`` that is not one of ``options``.

    Examples:
        >>> from kamlib._validators import check_choice
        >>> check_choice("X.mode", "b", ("a", "b"))
        'b'
        >>> check_choice("X.mode", "c", ("a", "b"))
        Traceback (most recent call last):
        ...
        kamlib.errors.InvalidValueError: X.mode: must be one of 'a', 'b'; got 'c'
        >>> check_choice("X.mode", 1, ("a", "b"))
        Traceback (most recent call last):
        ...
        kamlib.errors.InvalidTypeError: X.mode: must be a str, one of 'a', 'b'; got 1
    """
    opts = tuple(options)
    if not isinstance(value, str):
        raise InvalidTypeError(path, value, f"must be a str, one of {_options_text(opts)}")
    if value not in opts:
        raise InvalidValueError(path, value, f"must be one of {_options_text(opts)}")
    return value


def check_name(path: str, value: object) -> str:
    """Return ``value`` if it is a ``str`` with a non-space character, or raise naming ``path``.

    Used for ids, names and feature-column names.

    Args:
        path: Where the value comes from, e.g. ``"Account.id"``.
        value: The value to check.

    Returns:
        ``value`` unchanged.

    Raises:
        InvalidTypeError: Not a ``str``.
        InvalidValueError: An empty or blank ``str``.

    Examples:
        >>> from kamlib._validators import check_name
        >>> check_name("Account.id", "A1")
        'A1'
        >>> check_name("Account.id", " ")
        Traceback (most recent call last):
        ...
        kamlib.errors.InvalidValueError: Account.id: must be a non-empty string; got ' '
        >>> check_name("Account.id", 7)
        Traceback (most recent call last):
        ...
        kamlib.errors.InvalidTypeError: Account.id: must be a str; got 7
    """
    if not isinstance(value, str):
        raise InvalidTypeError(path, value, "must be a str")
    if not value.strip():
        raise InvalidValueError(path, value, "must be a non-empty string")
    return value


def check_flag(path: str, value: object) -> bool:
    """Return ``value`` as a ``bool`` if it is a ``bool`` or ``numpy.bool_``, or raise.

    ``"no"``, ``0`` and ``1`` are refused: a flag given as anything else is a bug upstream.

    Args:
        path: Where the value comes from, e.g. ``"extract_features.network"``.
        value: The value to check.

    Returns:
        ``bool(value)``.

    Raises:
        InvalidTypeError: Not a bool.

    Examples:
        >>> import numpy as np
        >>> from kamlib._validators import check_flag
        >>> check_flag("f", np.bool_(True))
        True
        >>> check_flag("f", "no")
        Traceback (most recent call last):
        ...
        kamlib.errors.InvalidTypeError: f: must be a bool; got 'no'
    """
    if value is True or value is False:
        return value
    if isinstance(value, np.bool_):
        return bool(value)
    raise InvalidTypeError(path, value, "must be a bool")


def check_real_tuple(
    path: str,
    values: object,
    *,
    ge: float | None = None,
    le: float | None = None,
    gt: float | None = None,
    lt: float | None = None,
) -> tuple[float, ...]:
    """Return ``values`` as a tuple of checked floats; item errors name ``path[i]``.

    Any ordered iterable (list, tuple, 1-d numpy array, generator) is accepted; a
    ``str``, ``bytes``, mapping or set is refused.

    Args:
        path: Where the values come from, e.g. ``"support_scores.portrait_weights"``.
        values: The values.
        ge: Inclusive lower bound of every item.
        le: Inclusive upper bound of every item.
        gt: Exclusive lower bound of every item.
        lt: Exclusive upper bound of every item.

    Returns:
        A tuple of floats, as `check_real` returns them.

    Raises:
        InvalidTypeError: ``values`` is not a sequence, or an item is not a real number.
        InvalidValueError: An item is out of bounds or not finite.

    Examples:
        >>> from kamlib._validators import check_real_tuple
        >>> check_real_tuple("w", [1, 2.5], ge=0)
        (1.0, 2.5)
        >>> check_real_tuple("w", [1, -2], ge=0)
        Traceback (most recent call last):
        ...
        kamlib.errors.InvalidValueError: w[1]: must be a real number in [0, inf); got -2
        >>> check_real_tuple("w", "12")
        Traceback (most recent call last):
        ...
        kamlib.errors.InvalidTypeError: w: must be a sequence of real numbers; got '12'
    """
    if isinstance(values, str | bytes | bytearray | Mapping | Set) or not isinstance(
        values, Iterable
    ):
        raise InvalidTypeError(path, values, "must be a sequence of real numbers")
    return tuple(
        check_real(f"{path}[{i}]", v, ge=ge, le=le, gt=gt, lt=lt) for i, v in enumerate(values)
    )


def check_aware_datetime(path: str, value: object) -> dt.datetime:
    """Return ``value`` if it is a timezone-aware `datetime.datetime`, or raise.

    Args:
        path: Where the value comes from, e.g. ``"extract_features.as_of"``.
        value: The value to check.

    Returns:
        ``value`` unchanged.

    Raises:
        InvalidTypeError: Not a datetime.
        InvalidValueError: A naive datetime.

    Examples:
        >>> import datetime as dt
        >>> from kamlib._validators import check_aware_datetime
        >>> check_aware_datetime("at", dt.datetime(2024, 1, 1, tzinfo=dt.UTC)).year
        2024
        >>> check_aware_datetime("at", dt.datetime(2024, 1, 1))
        Traceback (most recent call last):
        ...
        kamlib.errors.InvalidValueError: at: must be timezone-aware; got datetime.datetime(...
    """
    if not isinstance(value, dt.datetime):
        raise InvalidTypeError(path, value, "must be a datetime.datetime")
    if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
        raise InvalidValueError(path, value, "must be timezone-aware")
    return value


# ------------------------------------------------------------------ attrs validators
#
# Each validator class may offer ``fast_test(var, ns)``: a Python expression over the
# variable ``var`` that is true only for values it certainly accepts (never for one it
# refuses), for the fused ``__init__`` of kamlib.model's hot records; the objects the
# expression names are put into the namespace ``ns`` under fresh names (`bind`).


def bind(ns: dict[str, Any], obj: object) -> str:
    """Put ``obj`` into the code namespace ``ns`` under a fresh name; return the name."""
    name = f"_g{len(ns)}"
    ns[name] = obj
    return name


def _bounds_test(
    var: str,
    ns: dict[str, Any],
    ge: float | None,
    le: float | None,
    gt: float | None,
    lt: float | None,
) -> str:
    """``var >= ge and var <= le ...`` for the bounds given (``True`` for none)."""
    parts = [
        f"{var} {op} {bind(ns, bound)}"
        for op, bound in ((">=", ge), ("<=", le), (">", gt), ("<", lt))
        if bound is not None
    ]
    return " and ".join(parts) or "True"


def _type_names(types: tuple[type, ...]) -> str:
    return " or ".join(t.__name__ for t in types)


@attrs.frozen(repr=False)
class _InstanceOf:
    types: tuple[type, ...]

    def __call__(self, inst: object, attr: attrs.Attribute[Any], value: object) -> None:
        if value.__class__ in self.types:  # the common case: exactly a listed class
            return
        # bool is an int subclass; a True where a number is meant is a bug upstream.
        is_bool = isinstance(value, bool) and bool not in self.types
        if is_bool or not isinstance(value, self.types):
            raise InvalidTypeError(
                field_path(inst, attr), value, f"must be {_type_names(self.types)}"
            )

    def __repr__(self) -> str:
        return f"<instance_of validator for {_type_names(self.types)}>"

    def fast_test(self, var: str, ns: dict[str, Any]) -> str:
        """Inline acceptance test (see `bind`): exactly a listed class."""
        return f"{var}.__class__ in {bind(ns, frozenset(self.types))}"

    def accepts_all(self, values: tuple[Any, ...]) -> bool:
        """True when every item is exactly of a listed class (so passes); False: look closer."""
        return set(map(type, values)).issubset(self.types)

    @property
    def exact_types(self) -> frozenset[type]:
        """Classes every instance of which passes (a subclass may still pass, or not)."""
        return frozenset(self.types)


def instance_of(*types: type) -> Validator:
    """Require an instance of one of ``types`` (``bool`` never passes for ``int``).

    Args:
        *types: The accepted classes.

    Returns:
        An attrs validator raising [`InvalidTypeError`][kamlib.errors.InvalidTypeError].

    Examples:
        >>> import attrs
        >>> from kamlib._validators import instance_of
        >>> @attrs.frozen
        ... class Box:
        ...     x: int = attrs.field(validator=instance_of(int))
        >>> Box(True)
        Traceback (most recent call last):
        ...
        kamlib.errors.InvalidTypeError: Box.x: must be int; got True
        >>> instance_of(int, str)
        <instance_of validator for int or str>
    """
    return _InstanceOf(types)


@attrs.frozen(repr=False)
class _NonEmptyStr:
    def __call__(self, inst: object, attr: attrs.Attribute[Any], value: object) -> None:
        if value.__class__ is not str or not value or value[0].isspace():
            check_name(field_path(inst, attr), value)

    def __repr__(self) -> str:
        return "<non_empty_str validator>"

    def fast_test(self, var: str, ns: dict[str, Any]) -> str:
        """Inline acceptance test (see `bind`): the fast test of ``__call__``."""
        return f"{var}.__class__ is str and {var} != '' and not {var}[0].isspace()"

    def accepts_all(self, values: tuple[Any, ...]) -> bool:
        """True when every item passes the fast test of ``__call__``; False: look closer."""
        for value in values:
            if value.__class__ is not str or not value or value[0].isspace():
                return False
        return True


def non_empty_str() -> Validator:
    """Require a ``str`` with at least one non-space character (see `check_name`).

    Returns:
        An attrs validator.

    Examples:
        >>> import attrs
        >>> from kamlib._validators import non_empty_str
        >>> @attrs.frozen
        ... class Box:
        ...     name: str = attrs.field(validator=non_empty_str())
        >>> Box("")
        Traceback (most recent call last):
        ...
        kamlib.errors.InvalidValueError: Box.name: must be a non-empty string; got ''
    """
    return _NonEmptyStr()


@attrs.frozen(repr=False)
class _Real:
    ge: float | None
    le: float | None
    gt: float | None
    lt: float | None

    def __call__(self, inst: object, attr: attrs.Attribute[Any], value: object) -> None:
        # Fast acceptance of a plain float or a float-sized int inside the bounds (model
        # construction is hot); anything else, and every refusal, is check_real's verdict.
        kind = value.__class__
        if (kind is float and -math.inf < value < math.inf) or (  # type: ignore[operator]
            kind is int and -_FLOAT_SIZED < value < _FLOAT_SIZED  # type: ignore[operator]
        ):
            x: float = value  # type: ignore[assignment]
            ge, le, gt, lt = self.ge, self.le, self.gt, self.lt
            if (
                (ge is None or x >= ge)
                and (le is None or x <= le)
                and (gt is None or x > gt)
                and (lt is None or x < lt)
            ):
                return
        check_real(field_path(inst, attr), value, ge=self.ge, le=self.le, gt=self.gt, lt=self.lt)

    def __repr__(self) -> str:
        return f"<real validator in {_interval(self.ge, self.le, self.gt, self.lt)}>"

    def fast_test(self, var: str, ns: dict[str, Any]) -> str:
        """Inline acceptance test (see `bind`): the fast acceptance of ``__call__``."""
        bounds = _bounds_test(var, ns, self.ge, self.le, self.gt, self.lt)
        inf, big = bind(ns, math.inf), bind(ns, _FLOAT_SIZED)
        return (
            f"(({var}.__class__ is float and -{inf} < {var} < {inf})"
            f" or ({var}.__class__ is int and -{big} < {var} < {big}))"
            f" and {bounds}"
        )


def real(
    *,
    ge: float | None = None,
    le: float | None = None,
    gt: float | None = None,
    lt: float | None = None,
) -> Validator:
    """Require a finite real number (not ``bool``), optionally bounded (see `check_real`).

    The value is checked, not converted: a field that should hold a ``float`` adds a
    converter.

    Args:
        ge: Inclusive lower bound.
        le: Inclusive upper bound.
        gt: Exclusive lower bound.
        lt: Exclusive upper bound.

    Returns:
        An attrs validator.

    Examples:
        >>> import attrs
        >>> from kamlib._validators import real
        >>> @attrs.frozen
        ... class Box:
        ...     x: float = attrs.field(validator=real(ge=0))
        >>> Box(-1)
        Traceback (most recent call last):
        ...
        kamlib.errors.InvalidValueError: Box.x: must be a real number in [0, inf); got -1
        >>> real(gt=0, lt=1)
        <real validator in (0, 1)>
    """
    return _Real(ge, le, gt, lt)


@attrs.frozen(repr=False)
class _Integer:
    ge: int | None
    le: int | None

    def __call__(self, inst: object, attr: attrs.Attribute[Any], value: object) -> None:
        if value.__class__ is int:  # fast acceptance; every refusal is check_int's verdict
            ge, le = self.ge, self.le
            if (ge is None or value >= ge) and (le is None or value <= le):
                return
        check_int(field_path(inst, attr), value, ge=self.ge, le=self.le)

    def __repr__(self) -> str:
        return f"<integer validator in {_interval(self.ge, self.le)}>"

    def fast_test(self, var: str, ns: dict[str, Any]) -> str:
        """Inline acceptance test (see `bind`): a plain ``int`` within the bounds."""
        bounds = _bounds_test(var, ns, self.ge, self.le, None, None)
        return f"{var}.__class__ is int and {bounds}"


def integer(*, ge: int | None = None, le: int | None = None) -> Validator:
    """Require an integer (not ``bool``) in ``[ge, le]`` (see `check_int`).

    Args:
        ge: Inclusive lower bound.
        le: Inclusive upper bound.

    Returns:
        An attrs validator.

    Examples:
        >>> import attrs
        >>> from kamlib._validators import integer
        >>> @attrs.frozen
        ... class Box:
        ...     n: int = attrs.field(validator=integer(ge=0, le=10))
        >>> Box(11)
        Traceback (most recent call last):
        ...
        kamlib.errors.InvalidValueError: Box.n: must be an int in [0, 10]; got 11
        >>> integer(ge=1)
        <integer validator in [1, inf)>
    """
    return _Integer(ge, le)


@attrs.frozen(repr=False)
class _OneOf:
    options: tuple[str, ...]

    def __call__(self, inst: object, attr: attrs.Attribute[Any], value: object) -> None:
        if value.__class__ is not str or value not in self.options:
            check_choice(field_path(inst, attr), value, self.options)

    def __repr__(self) -> str:
        return f"<one_of validator for {_options_text(self.options)}>"

    def fast_test(self, var: str, ns: dict[str, Any]) -> str:
        """Inline acceptance test (see `bind`): a plain ``str`` among the options."""
        return f"{var}.__class__ is str and {var} in {bind(ns, frozenset(self.options))}"


def one_of(*options: str) -> Validator:
    """Require one of the strings ``options`` (see `check_choice`).

    Args:
        *options: The allowed strings.

    Returns:
        An attrs validator.

    Examples:
        >>> import attrs
        >>> from kamlib._validators import one_of
        >>> @attrs.frozen
        ... class Box:
        ...     mode: str = attrs.field(validator=one_of("fixed", "minmax"))
        >>> Box("zscore")
        Traceback (most recent call last):
        ...
        kamlib.errors.InvalidValueError: Box.mode: must be one of 'fixed', 'minmax'; got 'zscore'
        >>> one_of("a", "b")
        <one_of validator for 'a', 'b'>
    """
    return _OneOf(tuple(options))


@attrs.frozen(repr=False)
class _Flag:
    def __call__(self, inst: object, attr: attrs.Attribute[Any], value: object) -> None:
        if value is not True and value is not False:
            check_flag(field_path(inst, attr), value)

    def __repr__(self) -> str:
        return "<flag validator>"

    def fast_test(self, var: str, ns: dict[str, Any]) -> str:
        """Inline acceptance test (see `bind`): ``True`` or ``False``."""
        return f"{var} is True or {var} is False"


def flag() -> Validator:
    """Require a ``bool`` or ``numpy.bool_`` (see `check_flag`).

    Returns:
        An attrs validator.

    Examples:
        >>> import attrs
        >>> from kamlib._validators import flag
        >>> @attrs.frozen
        ... class Box:
        ...     on: bool = attrs.field(validator=flag())
        >>> Box(1)
        Traceback (most recent call last):
        ...
        kamlib.errors.InvalidTypeError: Box.on: must be a bool; got 1
    """
    return _Flag()


@attrs.frozen(repr=False)
class _AwareDatetime:
    def __call__(self, inst: object, attr: attrs.Attribute[Any], value: object) -> None:
        # A fixed-offset ``datetime.timezone`` always has an offset: no call needed.
        if value.__class__ is dt.datetime and value.tzinfo.__class__ is dt.timezone:
            return
        check_aware_datetime(field_path(inst, attr), value)

    def __repr__(self) -> str:
        return "<aware_datetime validator>"

    def fast_test(self, var: str, ns: dict[str, Any]) -> str:
        """Inline acceptance test (see `bind`): a datetime with a fixed-offset timezone."""
        return (
            f"{var}.__class__ is {bind(ns, dt.datetime)}"
            f" and {var}.tzinfo.__class__ is {bind(ns, dt.timezone)}"
        )


def aware_datetime() -> Validator:
    """Require a timezone-aware `datetime.datetime` (see `check_aware_datetime`).

    Returns:
        An attrs validator.

    Examples:
        >>> import attrs, datetime as dt
        >>> from kamlib._validators import aware_datetime
        >>> @attrs.frozen
        ... class Box:
        ...     at: dt.datetime = attrs.field(validator=aware_datetime())
        >>> Box(dt.date(2024, 1, 1))
        Traceback (most recent call last):
        ...
        kamlib.errors.InvalidTypeError: Box.at: must be a datetime.datetime; got ...
    """
    return _AwareDatetime()


@attrs.frozen(repr=False)
class _Optional:
    inner: Validator
    # classes of which the inner validator accepts every instance (see ``exact_types``)
    _exact: frozenset[type] = attrs.field(init=False, eq=False)

    @_exact.default
    def _exact_default(self) -> frozenset[type]:
        return frozenset(getattr(self.inner, "exact_types", ()))

    def __call__(self, inst: object, attr: attrs.Attribute[Any], value: object) -> None:
        if value is not None and value.__class__ not in self._exact:
            self.inner(inst, attr, value)

    def __repr__(self) -> str:
        return f"<optional {self.inner!r}>"

    def fast_test(self, var: str, ns: dict[str, Any]) -> str | None:
        """Inline acceptance test (see `bind`): ``None``, or the inner validator's test."""
        method = getattr(self.inner, "fast_test", None)
        inner = None if method is None else method(var, ns)
        return None if inner is None else f"{var} is None or ({inner})"


def optional(inner: Validator) -> Validator:
    """Allow ``None``; otherwise apply ``inner``.

    Args:
        inner: The validator for a value that is not ``None``.

    Returns:
        An attrs validator.

    Examples:
        >>> from kamlib._validators import optional, real
        >>> optional(real(ge=0))
        <optional <real validator in [0, inf)>>
    """
    return _Optional(inner)


@attrs.frozen(repr=False)
class _Each:
    inner: Validator
    # the inner validator's whole-tuple fast test, if it has one (see ``accepts_all``)
    _batch: Callable[[tuple[Any, ...]], bool] | None = attrs.field(init=False, eq=False)

    @_batch.default
    def _batch_default(self) -> Callable[[tuple[Any, ...]], bool] | None:
        return getattr(self.inner, "accepts_all", None)

    def __call__(self, inst: object, attr: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, tuple):
            raise InvalidTypeError(field_path(inst, attr), value, "must be a tuple")
        if not value or (self._batch is not None and self._batch(value)):
            return  # every item passes; the walk below names the first one that does not
        for i, item in enumerate(value):
            try:
                self.inner(inst, attr, item)
            except FieldError as exc:
                path = field_path(inst, attr)
                # keep a deeper path (a nested container) below the item index
                rest = exc.path[len(path) :] if exc.path.startswith(path) else ""
                raise type(exc)(f"{path}[{i}]{rest}", exc.value, exc.reason) from None

    def __repr__(self) -> str:
        return f"<each {self.inner!r}>"

    def fast_test(self, var: str, ns: dict[str, Any]) -> str | None:
        """Inline acceptance test (see `bind`): a tuple the inner ``accepts_all``."""
        if self._batch is None:
            return None
        return f"{var}.__class__ is tuple and ({var} == () or {bind(ns, self._batch)}({var}))"


def each(inner: Validator) -> Validator:
    """Require a tuple whose every item passes ``inner``; the error names the index.

    Args:
        inner: The validator of one item.

    Returns:
        An attrs validator.

    Examples:
        >>> import attrs
        >>> from kamlib._validators import each, real
        >>> @attrs.frozen
        ... class Box:
        ...     xs: tuple[float, ...] = attrs.field(validator=each(real(ge=0)))
        >>> Box((1.0, -1.0))
        Traceback (most recent call last):
        ...
        kamlib.errors.InvalidValueError: Box.xs[1]: must be a real number in [0, inf); got -1.0
    """
    return _Each(inner)


def as_tuple(value: Iterable[Any]) -> tuple[Any, ...]:
    """Converter: lists and other iterables become tuples; a ``str`` is refused.

    A string is iterable, but ``tuple("abc")`` is never what a caller meant; it is
    passed through unchanged so the field's validator reports it as a wrong type.

    Args:
        value: The field's value as given.

    Returns:
        A tuple (or ``value`` unchanged for the validator to reject).

    Examples:
        >>> from kamlib._validators import as_tuple
        >>> as_tuple([1, 2]), as_tuple("ab")
        ((1, 2), 'ab')
    """
    kind = value.__class__
    if kind is tuple:
        return value  # type: ignore[return-value]  # kind is tuple
    if kind is list:
        return tuple(value)
    if isinstance(value, tuple):
        return value
    if isinstance(value, str | bytes | dict) or not isinstance(value, Iterable):
        return value  # type: ignore[return-value]  # the validator rejects it with a path
    return tuple(value)


# -- lenient converters: normalise what is valid, pass the rest to the validator ----------


def _float_or_same(value: object) -> object:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return value
    try:
        return float(value)
    except (OverflowError, ValueError):
        return value  # the validator names the field: "is too large for a float"


def as_float(value: object) -> Any:
    """Converter: a real number becomes a ``float``; anything else passes unchanged.

    A value that cannot be a float (``"3"``, ``True``, ``10**400``) is left for the field's
    validator, which reports it with the field path instead of a bare ``OverflowError``.

    Args:
        value: The field's value as given.

    Returns:
        ``float(value)`` for a real number, else ``value``.

    Examples:
        >>> import numpy as np
        >>> from kamlib._validators import as_float
        >>> as_float(np.int64(3)), as_float("3"), as_float(None)
        (3.0, '3', None)
    """
    return _float_or_same(value)


def as_float_tuple(value: object) -> Any:
    """Converter: an iterable of numbers becomes a tuple of floats (see `as_float`).

    Args:
        value: The field's value as given.

    Returns:
        A tuple, or ``value`` unchanged (a ``str``, a mapping, ``None``) for the validator.

    Examples:
        >>> from kamlib._validators import as_float_tuple
        >>> as_float_tuple([1, 2.5]), as_float_tuple(None)
        ((1.0, 2.5), None)
    """
    if isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
        return value
    return tuple(_float_or_same(v) for v in value)


def as_int(value: object) -> Any:
    """Converter: an integer (numpy's too, never ``bool``) becomes an ``int``.

    Args:
        value: The field's value as given.

    Returns:
        ``int(value)`` for an integer, else ``value`` for the validator.

    Examples:
        >>> import numpy as np
        >>> from kamlib._validators import as_int
        >>> as_int(np.int64(3)), as_int(True), as_int(2.0)
        (3, True, 2.0)
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        return value
    return int(value)
