"""Lossless, versioned, strict plain-data form of every kamlib model object.

`to_dict` turns a model object (an [`Account`][kamlib.model.Account], a whole
[`Portfolio`][kamlib.model.Portfolio], ...) into nested ``dict``/``list``/``str``/``int``/
``float``/``bool``/``None`` values that ``json.dumps(..., allow_nan=False)`` accepts;
`from_dict` reads them back, so ``from_dict(type(x), to_dict(x)) == x`` always.

The format:

* the top-level dict carries ``"kamlib_schema"`` (the schema version, `SCHEMA_VERSION`)
  and ``"kamlib_type"`` (the class name); nested objects carry neither;
* every ``__init__`` field appears under its name (private caches are skipped);
* ``datetime.date`` is an ISO-8601 string ``"2024-03-31"``; a timezone-aware
  ``datetime.datetime`` is an ISO-8601 string that keeps its UTC offset
  (``"2024-03-31T09:30:00+08:00"``); naive datetimes are refused;
* an enum member is its value; a tuple is a list.

`from_dict` treats its input as untrusted. Unknown keys, wrong types (``True`` where an
``int`` is expected, ``3`` where a ``str`` is expected), missing required fields, NaN or
infinite floats, malformed ISO strings, naive datetimes, unknown enum values and values the
model's own validators refuse are each reported as a [`FieldError`][kamlib.errors.FieldError]
whose ``path`` names the place from the root, e.g.
``"Portfolio.accounts[3].figures[0].revenue.amount"``. Every failure in the input is
collected: one failure is raised as itself, several as one
[`KamlibValidationError`][kamlib.errors.KamlibValidationError] holding all of them. Nothing but
kamlib's own
errors ever escapes.

The work is done by a `Converter` (a registry held as a value, in the manner of
cattrs): it builds one structure and one unstructure function per class from
``attrs.fields`` and the resolved type hints, and caches them. `to_dict` and
`from_dict` use a module-level default converter; build a fresh one to add hooks for
your own types without touching the default.

Examples:
    >>> import json
    >>> from kamlib.model import Money
    >>> from kamlib.serde import from_dict, to_dict
    >>> data = to_dict(Money(12.5, "USD"))
    >>> data["kamlib_schema"], data["kamlib_type"], data["amount"], data["currency"]
    (1, 'Money', 12.5, 'USD')
    >>> from_dict(Money, json.loads(json.dumps(data))) == Money(12.5, "USD")
    True
"""

from __future__ import annotations

import datetime as dt
import enum
import itertools
import math
import numbers
import operator
import re
import types
import typing
import zoneinfo
from collections.abc import Callable, Iterable, Mapping
from fractions import Fraction
from typing import Any, Final, TypeVar

import attrs

from kamlib.errors import (
    FieldError,
    InvalidTypeError,
    InvalidValueError,
    KamlibError,
    KamlibValidationError,
)

__all__ = [
    "SCHEMA_KEY",
    "SCHEMA_VERSION",
    "TYPE_KEY",
    "MISSING",
    "Converter",
    "default_converter",
    "to_dict",
    "from_dict",
]

T = TypeVar("T")

#: Version of the plain-data format this kamlib writes and reads.
SCHEMA_VERSION: Final = 1
#: Top-level key holding `SCHEMA_VERSION`.
SCHEMA_KEY: Final = "kamlib_schema"
#: Top-level key holding the class name of the object.
TYPE_KEY: Final = "kamlib_type"

#: A structure function: ``(data, path) -> object``; raises kamlib errors naming ``path``.
StructureFn = Callable[[Any, str], Any]
#: An unstructure function: ``object -> plain data``.
UnstructureFn = Callable[[Any], Any]


class _Missing:
    """Type of `MISSING`; pickles back to the same singleton."""

    _instance: _Missing | None = None

    def __new__(cls) -> _Missing:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "<missing>"

    def __reduce__(self) -> str:
        return "MISSING"


#: The ``value`` of the error raised for a required field that is absent.
MISSING: Final = _Missing()


def _cut(text: str, limit: int = 200) -> str:
    """A foreign exception's text, bounded so no message is huge."""
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _structure_items(
    fns: Iterable[StructureFn], values: Iterable[Any], path: str
) -> tuple[Any, ...]:
    """Structure ``values[i]`` with ``fns[i]``; report every failing item, not just the first."""
    out = []
    errors: list[KamlibError] = []
    # fns may be an endless repeat (variable tuples); fixed tuples check the length first
    for i, (f, x) in enumerate(zip(fns, values, strict=False)):
        try:
            out.append(f(x, f"{path}[{i}]"))
        except KamlibError as err:
            errors.append(err)
    if errors:
        _raise_all(errors, path)
    return tuple(out)


def _raise_all(errors: list[KamlibError], path: str) -> typing.NoReturn:
    """Raise one error as itself, several as one flat `KamlibValidationError`."""
    if len(errors) == 1:
        raise errors[0]
    flat: list[KamlibError] = []
    for err in errors:
        if isinstance(err, KamlibValidationError):
            flat.extend(typing.cast("tuple[KamlibError, ...]", err.exceptions))
        else:
            flat.append(err)
    raise KamlibValidationError(f"{path}: {len(flat)} invalid values", flat)


def _repath(err: FieldError, cls_name: str, path: str) -> FieldError:
    """Move a model error's ``"Class.field"`` path under the serde ``path``."""
    old = err.path
    if old == cls_name:
        new = path
    elif old.startswith((f"{cls_name}.", f"{cls_name}[")):
        new = path + old[len(cls_name) :]
    else:
        new = f"{path}.{old}" if path else old
    fresh = type(err)(new, err.value, err.reason)
    fresh.__cause__ = err
    return fresh


def _model_error(exc: Exception, cls: type, path: str, data: object) -> KamlibError:
    """Translate whatever a model constructor raised into kamlib errors under ``path``."""
    if isinstance(exc, KamlibValidationError):
        subs: list[KamlibError] = [
            _model_error(typing.cast("Exception", e), cls, path, data) for e in exc.exceptions
        ]
        message = exc.message if path == cls.__name__ else f"{path}: {exc.message}"
        return KamlibValidationError(message, subs)
    if isinstance(exc, FieldError):
        return _repath(exc, cls.__name__, path)
    err = InvalidValueError(path, data, f"is not a valid {cls.__name__}: {_cut(str(exc))}")
    err.__cause__ = exc
    return err


# --------------------------------------------------------------------------- primitives


def _s_str(v: Any, path: str) -> str:
    if type(v) is str:
        return v
    if isinstance(v, str):
        return str.__str__(v)
    raise InvalidTypeError(path, v, "must be a str")


def _is_number(v: object) -> bool:
    """A real number that is not a bool (``numpy.bool_`` is not ``numbers.Real`` anyway)."""
    return isinstance(v, numbers.Real) and not isinstance(v, bool)


def _s_int(v: Any, path: str) -> int:
    if type(v) is int:
        return v
    # numpy integers (a frame's export) are ints; bool is not.
    if type(v) is not bool and isinstance(v, numbers.Integral):
        return operator.index(v)
    raise InvalidTypeError(path, v, "must be an int")


def _s_float(v: Any, path: str) -> float:
    """A real number: a float, an int (kept exact when no float equals it) or a fraction.

    ``{"fraction": "1/3"}`` is the exact form `_u_float` writes for a
    `Fraction` that no float equals.
    """
    if type(v) is float:
        if math.isfinite(v):
            return v
        raise InvalidValueError(path, v, "must be finite")
    if type(v) is dict or isinstance(v, Mapping):
        return _s_fraction(v, path)
    if type(v) is int or _is_number(v):  # also numpy scalars such as np.float64(1.0)
        try:
            x = float(v)
        except OverflowError:
            raise InvalidValueError(path, v, "is too large for a float") from None
        if not math.isfinite(x):
            raise InvalidValueError(path, v, "must be finite")
        if x != v and isinstance(v, numbers.Integral):
            return operator.index(v)  # 2**53 + 1 stays exact
        return x
    raise InvalidTypeError(path, v, "must be a number")


_FRACTION_KEY: Final = "fraction"
_FRACTION_TEXT: Final = re.compile(r"(-?)([0-9]+)/([0-9]+)")


def _s_fraction(v: Mapping[Any, Any], path: str) -> float:
    text = v.get(_FRACTION_KEY) if len(v) == 1 else None
    if type(text) is not str:
        raise InvalidTypeError(path, v, 'must be a number or {"fraction": "<p>/<q>"}')
    m = _FRACTION_TEXT.fullmatch(text)
    if m is None:
        raise InvalidValueError(path, v, 'must hold a fraction "<p>/<q>", e.g. "1/3"')
    try:
        num, den = int(m.group(2)), int(m.group(3))
    except ValueError:  # more digits than int() reads
        raise InvalidValueError(path, v, "has too many digits") from None
    if den == 0:
        raise InvalidValueError(path, v, "has a zero denominator")
    out = Fraction(-num if m.group(1) else num, den)
    try:
        float(out)
    except OverflowError:
        raise InvalidValueError(path, v, "is too large for a float") from None
    return out  # type: ignore[return-value]  # a Fraction is a real number


def _s_bool(v: Any, path: str) -> bool:
    if type(v) is bool:
        return v
    raise InvalidTypeError(path, v, "must be a bool")


def _s_none(v: Any, path: str) -> None:
    if v is None:
        return None
    raise InvalidTypeError(path, v, "must be null")


def _s_date(v: Any, path: str) -> dt.date:
    if type(v) is not str:
        raise InvalidTypeError(path, v, "must be an ISO-8601 date string")
    try:
        return dt.date.fromisoformat(v)
    except ValueError:
        raise InvalidValueError(path, v, "must be an ISO-8601 date, e.g. '2024-03-31'") from None


def _zone(key: str, v: str, path: str) -> zoneinfo.ZoneInfo:
    if not _ZONE_KEY.fullmatch(key) or ".." in key:
        raise InvalidValueError(path, v, f"names a malformed time zone {key!r}")
    try:
        return zoneinfo.ZoneInfo(key)
    except Exception:  # ZoneInfoNotFoundError (a KeyError), ValueError, OSError
        raise InvalidValueError(path, v, f"names an unknown time zone {key!r}") from None


def _s_datetime(v: Any, path: str) -> dt.datetime:
    if type(v) is not str:
        raise InvalidTypeError(path, v, "must be an ISO-8601 datetime string")
    text, zone = v, None
    if v.endswith("]") and "[" in v:
        text, _, key = v[:-1].partition("[")
        zone = _zone(key, v, path)
    try:
        out = dt.datetime.fromisoformat(text)
    except ValueError:
        raise InvalidValueError(
            path, v, "must be an ISO-8601 datetime, e.g. '2024-03-31T09:30:00+08:00'"
        ) from None
    if out.tzinfo is None or out.utcoffset() is None:
        raise InvalidValueError(path, v, "must be timezone-aware (give a UTC offset)")
    if zone is None:
        return out
    # Put the wall time back into its zone; the offset tells which of two equal wall
    # times (a DST fold) or which side of a DST gap was meant.
    wall = out.replace(tzinfo=None)
    for fold in (0, 1):
        zoned = wall.replace(tzinfo=zone, fold=fold)
        if zoned.utcoffset() == out.utcoffset():
            return zoned
    raise InvalidValueError(path, v, f"has an offset that {zone.key} never uses at that time")


def _identity(v: Any) -> Any:
    return v


def _u_str(v: Any) -> str:
    return v if type(v) is str else str.__str__(v)


def _u_int(v: Any) -> int:
    return v if type(v) is int else int(v)


def _u_float(v: Any) -> Any:
    """A float as is; any other real as the float equal to it, else exactly.

    An int no float equals (``2**53 + 1``, ``10**20 + 1``) stays an int; such a
    `Fraction` becomes ``{"fraction": "<p>/<q>"}`` (the model refuses
    fractions too long for ``str``).
    """
    if type(v) is float:
        return v
    x = float(v)
    if x == v:
        return x
    if isinstance(v, numbers.Integral):
        return operator.index(v)
    if isinstance(v, numbers.Rational):
        num, den = int(v.numerator), int(v.denominator)
        sign = "-" if num < 0 else ""
        return {_FRACTION_KEY: f"{sign}{abs(num)}/{den}"}
    return x


def _u_iso(v: Any) -> str:
    return typing.cast("str", v.isoformat())


def _u_datetime(v: dt.datetime) -> str:
    text = v.isoformat()
    tz = v.tzinfo
    if isinstance(tz, zoneinfo.ZoneInfo) and tz.key is not None:
        # A fixed offset alone would lose the zone, and with it equality at DST folds
        # and gaps ("problem times" never compare equal across zones).
        return f"{text}[{tz.key}]"
    return text


_ZONE_KEY: Final = re.compile(r"[A-Za-z0-9_+-]+(?:/[A-Za-z0-9_+-]+)*")

_PRIMITIVES: dict[object, tuple[StructureFn, UnstructureFn]] = {
    str: (_s_str, _u_str),
    int: (_s_int, _u_int),
    float: (_s_float, _u_float),
    bool: (_s_bool, bool),
    type(None): (_s_none, _identity),
    None: (_s_none, _identity),
    dt.date: (_s_date, _u_iso),
    dt.datetime: (_s_datetime, _u_datetime),
}


_FAST: Final = frozenset({str, int, bool})


def _describe(tp: object) -> str:
    return getattr(tp, "__name__", None) or repr(tp)


def _runtime_check(tp: object) -> Callable[[Any], bool]:
    """Return a predicate telling whether a value belongs to the union arm ``tp``."""
    if tp is None or tp is type(None):
        return lambda v: v is None
    if tp is dt.date:
        return lambda v: isinstance(v, dt.date) and not isinstance(v, dt.datetime)
    if tp is int:
        return lambda v: isinstance(v, int) and not isinstance(v, bool)
    if typing.get_origin(tp) is tuple:
        return lambda v: isinstance(v, tuple)
    if typing.get_origin(tp) is typing.Literal:
        values = typing.get_args(tp)
        return lambda v: v in values
    if isinstance(tp, type):
        return lambda v: isinstance(v, tp)
    return lambda v: False


class Converter:
    """Turns model objects into plain data and back; holds its hooks and caches.

    A converter is a value, not a global: `to_dict` and `from_dict` use
    `default_converter`, and you can build your own (for example in a test, or to
    give one of your own types a custom form with `register_hooks`) without touching
    the default. Per-class functions are built once from ``attrs.fields`` and
    ``typing.get_type_hints`` and cached.

    Args:
        schema_version: The version written under `SCHEMA_KEY` and required on read.

    Examples:
        >>> from kamlib.model import Money
        >>> from kamlib.serde import Converter
        >>> conv = Converter()
        >>> conv.from_dict(Money, conv.to_dict(Money(3.0, "EUR")))
        Money(amount=3.0, currency='EUR')
    """

    def __init__(self, *, schema_version: int = SCHEMA_VERSION) -> None:
        self.schema_version = schema_version
        self._structure: dict[object, StructureFn] = {}
        self._unstructure: dict[object, UnstructureFn] = {}
        self._building: set[object] = set()

    def __repr__(self) -> str:
        return f"Converter(schema_version={self.schema_version})"

    # ----------------------------------------------------------------- public API

    def register_hooks(
        self, tp: type[T], *, structure: StructureFn, unstructure: UnstructureFn
    ) -> None:
        """Give ``tp`` a custom plain-data form in this converter.

        Args:
            tp: The type the hooks handle (wherever it appears in a field's type hint).
            structure: ``(data, path) -> tp`` instance; should raise kamlib errors
                naming ``path``; any other exception is wrapped in
                [`InvalidValueError`][kamlib.errors.InvalidValueError] at ``path``.
            unstructure: ``tp`` instance -> JSON-compatible plain data.

        Examples:
            >>> import datetime as dt
            >>> from kamlib.serde import Converter
            >>> conv = Converter()
            >>> conv.register_hooks(
            ...     dt.timedelta,
            ...     structure=lambda v, path: dt.timedelta(seconds=v),
            ...     unstructure=lambda td: td.total_seconds(),
            ... )
            >>> conv.unstructure(dt.timedelta(minutes=2), dt.timedelta)
            120.0
        """

        def guarded(v: Any, path: str) -> Any:
            try:
                return structure(v, path)
            except KamlibError:
                raise
            except Exception as exc:
                reason = f"is not a valid {_describe(tp)}: {_cut(str(exc))}"
                raise InvalidValueError(path, v, reason) from exc

        self._structure[tp] = guarded
        self._unstructure[tp] = unstructure

    def to_dict(self, obj: object) -> dict[str, object]:
        """Return the plain-data form of a model object, with the schema header.

        Args:
            obj: An instance of an attrs model class.

        Returns:
            A JSON-compatible dict with `SCHEMA_KEY` and `TYPE_KEY` first.

        Raises:
            InvalidTypeError: ``obj`` is not an instance of an attrs class, or a field's
                type hint is outside the vocabulary the converter knows.

        Examples:
            >>> from kamlib.model import Money
            >>> from kamlib.serde import Converter
            >>> Converter(schema_version=7).to_dict(Money(1.0, "USD"))["kamlib_schema"]
            7
        """
        cls = type(obj)
        if not attrs.has(cls):
            raise InvalidTypeError("to_dict", obj, "must be a kamlib model object (an attrs class)")
        body = self.unstructure(obj, cls)
        return {SCHEMA_KEY: self.schema_version, TYPE_KEY: cls.__name__, **body}

    def from_dict(self, cls: type[T], data: object) -> T:
        """Build a ``cls`` from its plain-data form, checking everything.

        Args:
            cls: The model class to build.
            data: Untrusted plain data, as produced by `to_dict` (possibly after a
                trip through JSON).

        Returns:
            A new ``cls`` instance equal to the one that was serialised.

        Raises:
            FieldError: Exactly one problem; ``path`` names it from the root, which is
                ``cls.__name__`` (e.g. ``"Account.figures[0].revenue.amount"``).
            KamlibValidationError: Several problems; each one is in ``exceptions``.

        Examples:
            >>> from kamlib.model import Money
            >>> from kamlib.serde import Converter
            >>> Converter().from_dict(Money, {"kamlib_schema": 2, "kamlib_type": "Money"})
            Traceback (most recent call last):
            ...
            kamlib.errors.InvalidValueError: Money.kamlib_schema: must be 1 ...; got 2
        """
        given: object = cls  # typed for callers; at run time it can be anything
        if not isinstance(given, type) or not attrs.has(given):
            raise InvalidTypeError("from_dict.cls", cls, "must be a kamlib model class")
        root = cls.__name__
        if type(data) is not dict and not isinstance(data, Mapping):
            raise InvalidTypeError(root, data, f"must be a dict holding a {root}")
        errors: list[KamlibError] = []
        version = data.get(SCHEMA_KEY, MISSING)
        if type(version) is not int or version != self.schema_version:
            errors.append(
                InvalidValueError(
                    _join(root, SCHEMA_KEY),
                    version,
                    f"must be {self.schema_version} (the schema version this converter reads)",
                )
            )
        type_name = data.get(TYPE_KEY, MISSING)
        if type_name != root:
            errors.append(InvalidValueError(_join(root, TYPE_KEY), type_name, f"must be {root!r}"))
        if errors:
            # Wrong version or wrong type: reading the body would only add noise.
            _raise_all(errors, root)
        body = {k: v for k, v in data.items() if k != SCHEMA_KEY and k != TYPE_KEY}
        return typing.cast("T", self.structure(body, cls, root))

    def unstructure(self, obj: object, tp: object) -> Any:
        """Return the plain-data form of ``obj`` seen as type ``tp`` (no schema header).

        Args:
            obj: The value.
            tp: Its type hint, e.g. ``Account`` or ``tuple[Money, ...]``.

        Returns:
            JSON-compatible plain data.

        Examples:
            >>> import datetime as dt
            >>> from kamlib.serde import default_converter
            >>> default_converter.unstructure((dt.date(2024, 3, 31),), tuple[dt.date, ...])
            ['2024-03-31']
        """
        return self._unstructure_fn(tp)(obj)

    def structure(self, data: object, tp: object, path: str = "") -> Any:
        """Build a value of type ``tp`` from plain data (no schema header expected).

        Args:
            data: Untrusted plain data.
            tp: The type hint to build, e.g. ``Money`` or ``tuple[Quarter, ...]``.
            path: Path of ``data`` used in error messages.

        Returns:
            The built value.

        Raises:
            FieldError: One problem, named by its path.
            KamlibValidationError: Several problems.

        Examples:
            >>> from kamlib.serde import default_converter
            >>> default_converter.structure([1, 2.5], tuple[float, ...], "xs")
            (1.0, 2.5)
            >>> default_converter.structure([1, True], tuple[float, ...], "xs")
            Traceback (most recent call last):
            ...
            kamlib.errors.InvalidTypeError: xs[1]: must be a number; got True
        """
        return self._structure_fn(tp)(data, path)

    # ----------------------------------------------------------------- builders

    def _structure_fn(self, tp: object) -> StructureFn:
        fn = self._structure.get(tp)
        if fn is None:
            if tp in self._building:  # a recursive type: look it up lazily
                return lambda v, path: self._structure[tp](v, path)
            self._building.add(tp)
            try:
                fn = self._build_structure(tp)
            finally:
                self._building.discard(tp)
            self._structure[tp] = fn
        return fn

    def _unstructure_fn(self, tp: object) -> UnstructureFn:
        fn = self._unstructure.get(tp)
        if fn is None:
            key = ("u", tp)
            if key in self._building:
                return lambda v: self._unstructure[tp](v)
            self._building.add(key)
            try:
                fn = self._build_unstructure(tp)
            finally:
                self._building.discard(key)
            self._unstructure[tp] = fn
        return fn

    @staticmethod
    def _unsupported(tp: object) -> InvalidTypeError:
        return InvalidTypeError("Converter", tp, "is not a type the plain-data form supports")

    def _build_structure(self, tp: object) -> StructureFn:
        if tp in _PRIMITIVES:
            return _PRIMITIVES[tp][0]
        origin = typing.get_origin(tp)
        args = typing.get_args(tp)
        if origin is tuple:
            return self._structure_tuple(args)
        if origin in (types.UnionType, typing.Union):
            return self._structure_union(args)
        if origin is typing.Literal:
            allowed = args

            def s_literal(v: Any, path: str) -> Any:
                for a in allowed:
                    if type(v) is type(a) and v == a:
                        return a
                raise InvalidValueError(path, v, f"must be one of {list(allowed)!r}")

            return s_literal
        if isinstance(tp, type) and issubclass(tp, enum.Enum):
            return self._structure_enum(tp)
        if isinstance(tp, type) and attrs.has(tp):
            return self._structure_attrs(tp)
        raise self._unsupported(tp)

    def _build_unstructure(self, tp: object) -> UnstructureFn:
        if tp in _PRIMITIVES:
            return _PRIMITIVES[tp][1]
        origin = typing.get_origin(tp)
        args = typing.get_args(tp)
        if origin is tuple:
            if len(args) == 2 and args[1] is Ellipsis:
                item = self._unstructure_fn(args[0])
                if item is _identity:
                    return list
                return lambda v: [item(x) for x in v]
            fns = [self._unstructure_fn(a) for a in args]
            return lambda v: [f(x) for f, x in zip(fns, v, strict=True)]
        if origin in (types.UnionType, typing.Union):
            return self._unstructure_union(args)
        if origin is typing.Literal:
            return _identity
        if isinstance(tp, type) and issubclass(tp, enum.Enum):
            return lambda v: v.value
        if isinstance(tp, type) and attrs.has(tp):
            return self._unstructure_attrs(tp)
        raise self._unsupported(tp)

    def _structure_tuple(self, args: tuple[Any, ...]) -> StructureFn:
        if len(args) == 2 and args[1] is Ellipsis:
            item = self._structure_fn(args[0])

            def s_var_tuple(v: Any, path: str) -> tuple[Any, ...]:
                if not isinstance(v, list | tuple):
                    raise InvalidTypeError(path, v, "must be a list")
                return _structure_items(itertools.repeat(item), v, path)

            return s_var_tuple
        if not args or args == ((),):  # tuple[()]
            fns: list[StructureFn] = []
        else:
            fns = [self._structure_fn(a) for a in args]
        n = len(fns)

        def s_fixed_tuple(v: Any, path: str) -> tuple[Any, ...]:
            if not isinstance(v, list | tuple):
                raise InvalidTypeError(path, v, f"must be a list of {n} items")
            if len(v) != n:
                raise InvalidValueError(path, v, f"must have exactly {n} items")
            return _structure_items(fns, v, path)

        return s_fixed_tuple

    def _structure_union(self, args: tuple[Any, ...]) -> StructureFn:
        has_none = any(a is type(None) for a in args)
        arms = [a for a in args if a is not type(None)]
        if len(arms) == 1:
            inner = self._structure_fn(arms[0])
            if has_none:
                return lambda v, path: None if v is None else inner(v, path)
            return inner
        fns = [self._structure_fn(a) for a in arms]
        names = " or ".join(_describe(a) for a in arms) + (" or null" if has_none else "")

        def s_union(v: Any, path: str) -> Any:
            if v is None and has_none:
                return None
            first: KamlibError | None = None
            for f in fns:
                try:
                    return f(v, path)
                except KamlibError as err:
                    first = first or err
            if isinstance(first, FieldError) and first.path != path:
                raise first  # a nested problem inside the arm that fitted best
            raise InvalidTypeError(path, v, f"must be {names}")

        return s_union

    def _unstructure_union(self, args: tuple[Any, ...]) -> UnstructureFn:
        has_none = any(a is type(None) for a in args)
        arms = [a for a in args if a is not type(None)]
        if len(arms) == 1:
            inner = self._unstructure_fn(arms[0])
            if has_none:
                return lambda v: None if v is None else inner(v)
            return inner
        # datetime before date (a datetime *is* a date), enums before str.
        arms.sort(key=lambda a: 0 if a is dt.datetime or isinstance(a, type(enum.Enum)) else 1)
        pairs = [(_runtime_check(a), self._unstructure_fn(a)) for a in arms]

        def u_union(v: Any) -> Any:
            if v is None:
                return None
            for check, f in pairs:
                if check(v):
                    return f(v)
            raise InvalidTypeError("Converter", v, "matches no arm of the declared union")

        return u_union

    @staticmethod
    def _structure_enum(tp: type[enum.Enum]) -> StructureFn:
        members = tp._value2member_map_
        allowed = ", ".join(repr(m.value) for m in tp)
        value_type = str if issubclass(tp, str) else None

        def s_enum(v: Any, path: str) -> enum.Enum:
            if value_type is not None and not isinstance(v, str):
                raise InvalidTypeError(path, v, f"must be a str, one of {allowed}")
            if isinstance(v, bool | list | dict):
                raise InvalidTypeError(path, v, f"must be one of {allowed}")
            member = members.get(v)
            if member is None:
                raise InvalidValueError(path, v, f"must be one of {allowed}")
            return member

        return s_enum

    @staticmethod
    def _fields(cls: type) -> list[tuple[attrs.Attribute[Any], Any]]:
        try:
            hints = typing.get_type_hints(cls)
        except Exception as exc:
            raise InvalidTypeError(
                "Converter", cls, f"has type hints that cannot be resolved: {exc}"
            ) from exc
        out = []
        for a in attrs.fields(cls):
            if not a.init:
                continue
            if a.name not in hints:
                raise InvalidTypeError("Converter", cls, f"field {a.name!r} has no type hint")
            out.append((a, hints[a.name]))
        return out

    def _fast_type(self, hint: object) -> tuple[type | None, bool]:
        """``(t, nullable)`` when a value of exact type ``t`` (or ``None``) needs no work.

        Only ``str``, ``int`` and ``bool`` (optionally ``| None``) qualify, and only while
        their structure function is the built-in one (which returns such a value as it
        is); a hook registered for them switches the shortcut off.
        """
        nullable = False
        arm = hint
        if typing.get_origin(hint) in (types.UnionType, typing.Union):
            args = typing.get_args(hint)
            arms = [a for a in args if a is not type(None)]
            if len(arms) != 1 or len(args) != 2:
                return None, False
            arm, nullable = arms[0], True
        if arm in _FAST and self._structure_fn(arm) is _PRIMITIVES[arm][0]:
            return arm, nullable
        return None, False

    def _structure_attrs(self, cls: type) -> StructureFn:
        name = cls.__name__
        specs: list[tuple[str, str, StructureFn, bool, type | None, bool]] = []
        for a, hint in self._fields(cls):
            key = a.alias or a.name
            required = a.default is attrs.NOTHING
            fast, nullable = self._fast_type(hint)
            specs.append((key, "." + key, self._structure_fn(hint), required, fast, nullable))
        known = frozenset(spec[0] for spec in specs)

        def s_attrs(v: Any, path: str) -> Any:
            # The happy path is hot (one call per record): no ABC checks, one dict look-up
            # per field, plain str/int/bool values taken as they are without a call, and
            # the error list only exists once something failed.
            if type(v) is not dict and not isinstance(v, Mapping):
                raise InvalidTypeError(path, v, f"must be a dict holding a {name}")
            errors: list[KamlibError] | None = None
            kwargs: dict[str, Any] = {}
            for key, suffix, fn, required, fast, nullable in specs:
                x = v.get(key, MISSING)
                if x is MISSING:
                    if required:
                        errors = errors or []
                        errors.append(
                            InvalidValueError(path + suffix, MISSING, f"is required by {name}")
                        )
                    continue
                if type(x) is fast or (x is None and nullable):
                    kwargs[key] = x
                    continue
                try:
                    kwargs[key] = fn(x, path + suffix)
                except KamlibError as err:
                    errors = errors or []
                    errors.append(err)
            if not known.issuperset(v):
                for key in v:
                    if key not in known:
                        label = f"{path}.{key}" if isinstance(key, str) else f"{path}[{key!r}]"
                        errors = errors or []
                        errors.append(InvalidValueError(label, v[key], f"is not a field of {name}"))
            if errors:
                _raise_all(errors, path)
            try:
                return cls(**kwargs)
            except Exception as exc:
                raise _model_error(exc, cls, path, v) from exc

        return s_attrs

    def _unstructure_attrs(self, cls: type) -> UnstructureFn:
        specs = [
            (a.name, a.alias or a.name, self._unstructure_fn(hint)) for a, hint in self._fields(cls)
        ]

        def u_attrs(obj: Any) -> dict[str, Any]:
            return {key: fn(getattr(obj, attr)) for attr, key, fn in specs}

        return u_attrs


#: The converter `to_dict` and `from_dict` use.
default_converter: Final = Converter()


def to_dict(obj: object) -> dict[str, object]:
    """Return the JSON-compatible plain-data form of a model object.

    Uses `default_converter`; see `Converter.to_dict`.

    Args:
        obj: Any kamlib model object, e.g. an ``Account`` or a whole ``Portfolio``.

    Returns:
        A dict with ``"kamlib_schema"``, ``"kamlib_type"`` and one key per field.

    Examples:
        >>> import datetime as dt
        >>> from kamlib.model import Quarter
        >>> from kamlib.serde import to_dict
        >>> to_dict(Quarter(2024, 1))
        {'kamlib_schema': 1, 'kamlib_type': 'Quarter', 'year': 2024, 'quarter': 1}
    """
    return default_converter.to_dict(obj)


def from_dict(cls: type[T], data: object) -> T:
    """Build a ``cls`` from untrusted plain data, reporting every problem with its path.

    Uses `default_converter`; see `Converter.from_dict`.

    Args:
        cls: The model class, e.g. ``Portfolio``.
        data: Plain data as written by `to_dict` (possibly via JSON).

    Returns:
        The rebuilt object; ``from_dict(type(x), to_dict(x)) == x``.

    Raises:
        FieldError: One problem, e.g. ``InvalidTypeError`` at ``"Quarter.year"``.
        KamlibValidationError: Several problems, all of them in ``exceptions``.

    Examples:
        >>> from kamlib.model import Quarter
        >>> from kamlib.serde import from_dict
        >>> from_dict(Quarter, {"kamlib_schema": 1, "kamlib_type": "Quarter",
        ...                     "year": 2024, "quarter": 2})
        Quarter(year=2024, quarter=2)
        >>> from_dict(Quarter, {"kamlib_schema": 1, "kamlib_type": "Quarter",
        ...                     "year": "2024", "quarter": 2})
        Traceback (most recent call last):
        ...
        kamlib.errors.InvalidTypeError: Quarter.year: must be an int; got '2024'
    """
    return default_converter.from_dict(cls, data)
