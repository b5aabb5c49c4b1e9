"""The one exception tree of kamlib.

Every error kamlib raises derives from `KamlibError` *and* from the builtin
a caller would naturally catch (``ValueError``, ``TypeError``, ``LookupError``), so
``except ValueError`` keeps working for callers who do not know kamlib, while
``except KamlibError`` catches everything kamlib raises on purpose.

Errors about one value carry the dotted ``path`` of the field (``"Account.name"``,
``"accounts[3].figures[0].revenue.amount"``), the offending ``value`` and the
``reason``; the message always names the first two.

Examples:
    >>> from kamlib.errors import InvalidValueError, KamlibError
    >>> err = InvalidValueError("Account.name", "", "must be a non-empty string")
    >>> str(err)
    "Account.name: must be a non-empty string; got ''"
    >>> isinstance(err, KamlibError), isinstance(err, ValueError)
    (True, True)
"""

from __future__ import annotations

import builtins
import reprlib
from collections.abc import Sequence
from typing import Any, Self

__all__ = [
    "KamlibError",
    "FieldError",
    "InvalidValueError",
    "InvalidTypeError",
    "UnknownIdError",
    "CurrencyMismatchError",
    "IllegalTransitionError",
    "IntegrityError",
    "DuplicateIdError",
    "DanglingReferenceError",
    "ReportingCycleError",
    "MissingFeatureError",
    "NotFittedError",
    "UnknownScorerError",
    "KamlibValidationError",
    "KamlibWarning",
    "KamlibDeprecationWarning",
]

_REPR_LIMIT = 80
_SHOWN_CAUSES = 3
_CAUSE_LIMIT = 200


class _BoundedRepr(reprlib.Repr):
    """``reprlib`` with kamlib's limits; never recurses deeply, never fails.

    Nested containers stop at depth 3, so a list nested 100 000 deep is cheap to show;
    an int too long for ``repr`` (``sys.get_int_max_str_digits``) is described instead.
    """

    def __init__(self) -> None:
        super().__init__()
        self.maxlevel = 3
        self.maxtuple = self.maxlist = self.maxarray = 8
        self.maxdict = self.maxset = self.maxfrozenset = self.maxdeque = 6
        self.maxstring = self.maxother = _REPR_LIMIT
        self.maxlong = 40

    def repr_int(self, x: int, level: int) -> str:
        try:
            return super().repr_int(x, level)
        except ValueError:  # more digits than int -> str allows
            return f"<int of about {int(x.bit_length() * 0.30103) + 1} digits>"

    def repr_instance(self, x: object, level: int) -> str:
        try:
            text = builtins.repr(x)
        except Exception:  # a broken or too deep __repr__ must not hide the error
            return f"<{type(x).__name__} object>"
        if len(text) > self.maxother:
            text = text[: self.maxother - 3] + "..."
        return text


_REPR = _BoundedRepr()


def _short_repr(value: object) -> str:
    """Return a ``repr`` of ``value`` bounded in depth and length; it never raises.

    Examples:
        >>> from kamlib.errors import _short_repr
        >>> deep: list[object] = []
        >>> for _ in range(100_000):
        ...     deep = [deep]
        >>> _short_repr(deep)
        '[[[[...]]]]'
        >>> len(_short_repr("x" * 10_000)) <= 80
        True
    """
    try:
        text = _REPR.repr(value)
    except Exception:  # the message must always be built
        text = f"<{type(value).__name__} object>"
    if len(text) > _REPR_LIMIT:
        text = text[: _REPR_LIMIT - 3] + "..."
    return text


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


class KamlibError(Exception):
    """Root of every exception kamlib raises on purpose.

    Examples:
        >>> from kamlib.errors import KamlibError, UnknownIdError
        >>> issubclass(UnknownIdError, KamlibError)
        True
    """


class FieldError(KamlibError):
    """An error about one value at one field path.

    Args:
        path: Dotted path of the field, e.g. ``"Account.figures[2].revenue"``.
        value: The offending value.
        reason: What is wrong, phrased to follow the path ("must be finite").

    Attributes:
        path: As given.
        value: As given.
        reason: As given.

    Examples:
        >>> from kamlib.errors import InvalidTypeError
        >>> e = InvalidTypeError("KeyPerson.name", 3, "must be a str")
        >>> (e.path, e.value, e.reason)
        ('KeyPerson.name', 3, 'must be a str')
    """

    def __init__(self, path: str, value: object, reason: str) -> None:
        self.path = path
        self.value = value
        self.reason = reason
        super().__init__(f"{path}: {reason}; got {_short_repr(value)}")

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.path, self.value, self.reason))

    def at(self, prefix: str) -> Self:
        """Return the same error with ``prefix`` put in front of its path.

        Used when a nested object's error surfaces through its container.

        Args:
            prefix: Path of the container, e.g. ``"accounts[3]"``.

        Returns:
            A new error of the same class.

        Examples:
            >>> from kamlib.errors import InvalidValueError
            >>> InvalidValueError("name", "", "must not be empty").at("accounts[3]").path
            'accounts[3].name'
        """
        path = f"{prefix}{self.path}" if self.path.startswith("[") else f"{prefix}.{self.path}"
        return type(self)(path, self.value, self.reason)

    def renamed(self, old: str, new: str) -> Self:
        """Return the same error with the head ``old`` of its path replaced by ``new``.

        Used when a function reports the error of a function it called under its own
        name (and its own parameter's). A path that does not start with ``old`` (at a
        dot or bracket boundary) is kept.

        Args:
            old: The head to replace, e.g. ``"plan_executions.plans"``.
            new: Its replacement, e.g. ``"review.plans"``.

        Returns:
            A new error of the same class.

        Examples:
            >>> from kamlib.errors import InvalidValueError
            >>> e = InvalidValueError("plan_executions.plans[1].written_at", 1, "is late")
            >>> e.renamed("plan_executions.plans", "review.plans").path
            'review.plans[1].written_at'
            >>> e.renamed("plan_executions.plan", "review.plans").path
            'plan_executions.plans[1].written_at'
        """
        path = self.path
        if path == old or path.startswith((f"{old}.", f"{old}[")):
            path = new + path[len(old) :]
        return type(self)(path, self.value, self.reason)


class InvalidValueError(FieldError, ValueError):
    """A value of the right type that breaks a rule (range, finiteness, format).

    Examples:
        >>> from kamlib.errors import InvalidValueError
        >>> raise InvalidValueError("Portrait.closeness", 1.5, "must be in [0, 1]")
        Traceback (most recent call last):
        ...
        kamlib.errors.InvalidValueError: Portrait.closeness: must be in [0, 1]; got 1.5
    """


class InvalidTypeError(FieldError, TypeError):
    """A value of the wrong type.

    Examples:
        >>> from kamlib.errors import InvalidTypeError
        >>> isinstance(InvalidTypeError("Account.id", None, "must be a str"), TypeError)
        True
    """


class UnknownIdError(FieldError, LookupError):
    """An id that names nothing known (an account, a person, a column, a scorer).

    Examples:
        >>> from kamlib.errors import UnknownIdError
        >>> isinstance(UnknownIdError("account_id", "A9", "is not in the portfolio"), LookupError)
        True
    """


class CurrencyMismatchError(FieldError, ValueError):
    """Two amounts of different currencies were combined.

    kamlib never converts currencies silently; convert before combining.

    Examples:
        >>> from kamlib.errors import CurrencyMismatchError
        >>> str(CurrencyMismatchError("Money.__add__", "USD", "cannot combine with CNY"))
        "Money.__add__: cannot combine with CNY; got 'USD'"
    """


class IllegalTransitionError(FieldError, ValueError):
    """A state-machine transition that the machine does not allow.

    Examples:
        >>> from kamlib.errors import IllegalTransitionError
        >>> isinstance(IllegalTransitionError("Commitment.state", "accepted", "x"), ValueError)
        True
    """


class IntegrityError(FieldError, ValueError):
    """A portfolio whose records do not fit together.

    Examples:
        >>> from kamlib.errors import IntegrityError, DuplicateIdError
        >>> issubclass(DuplicateIdError, IntegrityError)
        True
    """


class DuplicateIdError(IntegrityError):
    """Two records of one type share an id.

    Examples:
        >>> from kamlib.errors import DuplicateIdError
        >>> str(DuplicateIdError("Portfolio.accounts[1].id", "A1", "is not unique"))
        "Portfolio.accounts[1].id: is not unique; got 'A1'"
    """


class DanglingReferenceError(IntegrityError, LookupError):
    """A record refers to an id that does not exist.

    Examples:
        >>> from kamlib.errors import DanglingReferenceError
        >>> isinstance(DanglingReferenceError("x", "P9", "no such person"), LookupError)
        True
    """


class ReportingCycleError(IntegrityError):
    """Reporting lines that form a cycle; ``value`` is the list of people in it.

    Examples:
        >>> from kamlib.errors import ReportingCycleError
        >>> e = ReportingCycleError("Portfolio.relationships", ["P1", "P2"], "reporting cycle")
        >>> e.value
        ['P1', 'P2']
    """


class MissingFeatureError(FieldError, LookupError):
    """A scorer asked for a feature column the table does not have.

    Examples:
        >>> from kamlib.errors import MissingFeatureError
        >>> isinstance(MissingFeatureError("FeatureTable.columns", "nps", "missing"), KeyError)
        False
    """


class NotFittedError(FieldError, ValueError):
    """A scorer that needs fitted parameters was used before ``fit``.

    Examples:
        >>> from kamlib.errors import NotFittedError
        >>> isinstance(NotFittedError("ValueMatrix.cuts", None, "call fit() first"), ValueError)
        True
    """


class UnknownScorerError(FieldError, LookupError):
    """No scorer is registered under the requested name.

    Examples:
        >>> from kamlib.errors import UnknownScorerError
        >>> isinstance(UnknownScorerError("name", "nope", "unknown"), LookupError)
        True
    """


class KamlibValidationError(ExceptionGroup[KamlibError], KamlibError):
    """Every failure found while validating many records, reported at once.

    ``exceptions`` holds one `KamlibError` per failure, each naming its path.

    Examples:
        >>> from kamlib.errors import InvalidValueError, KamlibValidationError
        >>> group = KamlibValidationError(
        ...     "2 invalid records",
        ...     [InvalidValueError("a", 1, "bad"), InvalidValueError("b", 2, "bad")],
        ... )
        >>> [e.path for e in group.exceptions if isinstance(e, InvalidValueError)]
        ['a', 'b']
        >>> isinstance(group, KamlibError)
        True
    """

    def __new__(cls, message: str, exceptions: Sequence[KamlibError]) -> Self:
        """Create the group; ``exceptions`` must all be `KamlibError`."""
        return super().__new__(cls, message, exceptions)

    def __str__(self) -> str:
        """The message followed by the first three failures (and how many more).

        Examples:
            >>> from kamlib.errors import InvalidValueError, KamlibValidationError
            >>> errs = [InvalidValueError(f"x[{i}]", i, "bad") for i in range(5)]
            >>> print(KamlibValidationError("5 invalid values", errs))
            5 invalid values (5 sub-exceptions): x[0]: bad; got 0 | x[1]: bad; got 1 | \
x[2]: bad; got 2 | ... and 2 more
        """
        head = super().__str__()
        subs = self.exceptions
        shown = [_cut(str(e), _CAUSE_LIMIT) for e in subs[:_SHOWN_CAUSES]]
        if len(subs) > _SHOWN_CAUSES:
            shown.append(f"... and {len(subs) - _SHOWN_CAUSES} more")
        return f"{head}: " + " | ".join(shown)

    def derive(self, excs: Sequence[KamlibError]) -> KamlibValidationError:  # type: ignore[override]
        """Build the same group around a subset (used by ``split`` and ``subgroup``).

        Examples:
            >>> from kamlib.errors import InvalidValueError, KamlibValidationError
            >>> g = KamlibValidationError("2 bad", [InvalidValueError("a", 1, "bad")] * 2)
            >>> g.derive(g.exceptions[:1]).message
            '2 bad'
        """
        return KamlibValidationError(self.message, excs)


class KamlibWarning(UserWarning):
    """Warnings kamlib emits (e.g. a broken third-party scorer plug-in).

    Examples:
        >>> from kamlib.errors import KamlibWarning
        >>> issubclass(KamlibWarning, UserWarning)
        True
    """


class KamlibDeprecationWarning(FutureWarning):
    """A kamlib API that will change; shown to end users by default.

    Examples:
        >>> from kamlib.errors import KamlibDeprecationWarning
        >>> issubclass(KamlibDeprecationWarning, FutureWarning)
        True
    """
