"""The scorer registry: built-ins by name, explicit registrations, opt-in plug-ins."""

from __future__ import annotations

import inspect
import warnings
from collections.abc import Callable
from typing import Any

import attrs

from kamlib.errors import (
    InvalidTypeError,
    InvalidValueError,
    KamlibWarning,
    UnknownScorerError,
)
from kamlib.scoring._protocol import Scorer

__all__ = [
    "ENTRY_POINT_GROUP",
    "ScorerFactory",
    "ScorerRegistry",
    "default_registry",
    "get_scorer",
    "register_scorer",
]

ENTRY_POINT_GROUP = "kamlib.scorers"
"""The entry-point group third-party scorers declare (read only by ``load_entry_points``).

Examples:
    >>> from kamlib.scoring import ENTRY_POINT_GROUP
    >>> ENTRY_POINT_GROUP
    'kamlib.scorers'
"""


# ---------------------------------------------------------------------------- registry
ScorerFactory = Callable[..., Scorer]
"""What a registry holds per name: a callable that builds a scorer (a class, usually).

Examples:
    >>> from kamlib.scoring import WeightedPoints
    >>> from kamlib.scoring._registry import ScorerFactory
    >>> factory: ScorerFactory = WeightedPoints
    >>> factory().name
    'weighted_points'
"""


@attrs.define
class ScorerRegistry:
    """Scorers by name: built-ins, explicit registrations, and opt-in plug-ins.

    Registries are values: tests build fresh ones; `default_registry` is the
    module-level instance behind `get_scorer` and `register_scorer`.
    Third-party scorers declared in the ``kamlib.scorers`` entry-point group are loaded
    only by `load_entry_points` (kamlib never scans installed packages by itself).

    Examples:
        >>> from kamlib.scoring import ScorerRegistry, ValueMatrix
        >>> reg = ScorerRegistry()
        >>> reg.register("vm", ValueMatrix)
        >>> type(reg.get("vm")).__name__
        'ValueMatrix'
        >>> reg.get("nope")
        Traceback (most recent call last):
        ...
        kamlib.errors.UnknownScorerError: name: is not a registered scorer; known: ['vm']; \
got 'nope'
    """

    _factories: dict[str, ScorerFactory] = attrs.field(factory=dict, alias="_factories")

    def register(self, name: str, factory: ScorerFactory, *, replace: bool = False) -> None:
        """Register ``factory`` (a scorer class or a function returning a scorer) as ``name``.

        Raises:
            InvalidValueError: ``name`` is taken and ``replace`` is False, or is empty.
            InvalidTypeError: ``factory`` is not callable.

        Examples:
            >>> from kamlib.scoring import ScorerRegistry, ValueMatrix, WeightedPoints
            >>> reg = ScorerRegistry()
            >>> reg.register("matrix", ValueMatrix)
            >>> reg.register("matrix", WeightedPoints)
            Traceback (most recent call last):
            ...
            kamlib.errors.InvalidValueError: name: is already registered \
(pass replace=True); got 'matrix'
            >>> reg.register("matrix", WeightedPoints, replace=True)
            >>> reg.get("matrix").name
            'weighted_points'
        """
        given: object = name  # typed for callers; at run time it can be anything
        if not isinstance(given, str) or not given:
            raise InvalidValueError("name", given, "must be a non-empty str")
        if not callable(factory):
            raise InvalidTypeError("factory", factory, "must be callable")
        if name in self._factories and not replace:
            raise InvalidValueError("name", name, "is already registered (pass replace=True)")
        self._factories[name] = factory

    def names(self) -> tuple[str, ...]:
        """Return the registered names, sorted.

        Examples:
            >>> from kamlib.scoring import ScorerRegistry, ValueMatrix, WeightedPoints
            >>> reg = ScorerRegistry()
            >>> reg.register("wp", WeightedPoints)
            >>> reg.register("vm", ValueMatrix)
            >>> reg.names()
            ('vm', 'wp')
        """
        return tuple(sorted(self._factories))

    def factory(self, name: str, *, path: str = "name") -> ScorerFactory:
        """Return what is registered as ``name`` (a scorer class or a function).

        Raises:
            UnknownScorerError: No such name (``path`` names where it came from).

        Examples:
            >>> from kamlib.scoring import default_registry
            >>> default_registry.factory("value_matrix").__name__
            'ValueMatrix'
        """
        try:
            return self._factories[name]
        except (KeyError, TypeError):
            raise UnknownScorerError(
                path, name, f"is not a registered scorer; known: {list(self.names())}"
            ) from None

    def get(self, name: str, **options: Any) -> Scorer:
        """Instantiate the scorer registered as ``name`` with ``options``.

        Raises:
            UnknownScorerError: No such name.
            InvalidTypeError: ``options`` do not fit the factory's signature (an unknown or
                missing option); the message names the scorer and the options.

        Examples:
            >>> from kamlib.scoring import get_scorer
            >>> get_scorer("value_matrix", bogus=1)
            Traceback (most recent call last):
            ...
            kamlib.errors.InvalidTypeError: options: are not accepted by scorer \
'value_matrix' (got an unexpected keyword argument 'bogus'); got ['bogus']
        """
        factory = self.factory(name)
        # Check the options against the signature *before* the call, so that only a
        # mismatch of the call itself is reported as a bad option; a TypeError raised
        # inside the factory (its own validation or a bug) propagates unchanged.
        try:
            signature = inspect.signature(factory)
        except (TypeError, ValueError):  # no introspectable signature: just call it
            signature = None
        if signature is not None:
            try:
                signature.bind(**options)
            except TypeError as exc:
                raise InvalidTypeError(
                    "options",
                    sorted(options),
                    f"are not accepted by scorer {name!r} ({exc})",
                ) from None
        return factory(**options)

    def load_entry_points(self, group: str = ENTRY_POINT_GROUP) -> tuple[str, ...]:
        """Discover and register third-party scorers from an entry-point group.

        A plug-in that fails to load, is not callable, or reuses a taken name is skipped
        with a [`KamlibWarning`][kamlib.errors.KamlibWarning]; it never breaks the caller.

        Returns:
            The names registered by this call.

        Examples:
            A group no installed package declares registers nothing and leaves the
            registry as it was:

            >>> from kamlib.scoring import ScorerRegistry, ValueMatrix
            >>> reg = ScorerRegistry()
            >>> reg.register("vm", ValueMatrix)
            >>> reg.load_entry_points("kamlib.no_such_group")
            ()
            >>> reg.names()
            ('vm',)
        """
        from importlib.metadata import entry_points

        added: list[str] = []
        for ep in entry_points(group=group):
            try:
                factory = ep.load()
            except Exception as exc:  # a broken plug-in must not break kamlib
                warnings.warn(
                    f"kamlib scorer plug-in {ep.name!r} failed to load: {exc!r}",
                    KamlibWarning,
                    stacklevel=2,
                )
                continue
            if ep.name in self._factories or not callable(factory):
                why = "name already registered" if callable(factory) else "not callable"
                warnings.warn(
                    f"kamlib scorer plug-in {ep.name!r} skipped: {why}", KamlibWarning, stacklevel=2
                )
                continue
            self._factories[ep.name] = factory
            added.append(ep.name)
        return tuple(added)


default_registry = ScorerRegistry()
"""The registry of built-in scorers by name (`get_scorer` and `register_scorer` use it).

Examples:
    >>> from kamlib.scoring import default_registry
    >>> "weighted_points" in default_registry.names()
    True
"""


def register_scorer(name: str, factory: ScorerFactory, *, replace: bool = False) -> None:
    """Register a scorer in the default registry (see `ScorerRegistry.register`).

    Examples:
        >>> from kamlib.scoring import register_scorer, get_scorer, ValueMatrix
        >>> register_scorer("my_matrix", ValueMatrix, replace=True)
        >>> get_scorer("my_matrix").name
        'value_matrix'
    """
    default_registry.register(name, factory, replace=replace)


def get_scorer(name: str, **options: Any) -> Scorer:
    """Instantiate a scorer from the default registry by name.

    Examples:
        >>> from kamlib.scoring import get_scorer
        >>> get_scorer("value_matrix").name
        'value_matrix'
    """
    return default_registry.get(name, **options)
