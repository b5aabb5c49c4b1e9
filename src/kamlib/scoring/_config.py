"""One config form for every scorer, written and read by one converter.

A scorer's configuration is plain, JSON-compatible data::

    {"scorer": "<registered name>", "version": <int>, "<field>": <value>, ...}

with one key per ``__init__`` field of the scorer's attrs class (nested attrs objects as
dicts, tuples as lists; a points mapping carries its ``"kind"``). It is produced and read
by the same [`Converter`][kamlib.serde.Converter] machinery as the domain model, so untrusted
configs get the same treatment as untrusted records: every problem is reported, each
with a path that starts at the scorer class, exactly as the constructor names it
(``WeightedPoints.criteria[0].mapping.hi``), never a bare builtin exception.

`load_scorer` rebuilds the right scorer from a config alone, through the registry.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final, TypeVar, cast

from kamlib.errors import InvalidTypeError, InvalidValueError, KamlibError
from kamlib.scoring._mappings import AnyMapping, Bands, MinMax, Percentile, Piecewise
from kamlib.serde import Converter

__all__ = [
    "CONFIG_KEYS",
    "scorer_config",
    "scorer_from_config",
    "load_scorer",
    "mapping_config",
    "mapping_from_config",
]

S = TypeVar("S")

CONFIG_KEYS: Final = ("scorer", "version")
"""The header keys of every scorer config.

Examples:
    >>> from kamlib.scoring import MinMax, WeightedPoints, Criterion
    >>> from kamlib.scoring._config import CONFIG_KEYS
    >>> config = WeightedPoints([Criterion("x", mapping=MinMax(0, 1))]).get_config()
    >>> [k for k in config if k in CONFIG_KEYS]
    ['scorer', 'version']
"""

_MAPPINGS: Final[dict[str, type[AnyMapping]]] = {
    m.kind: m for m in (MinMax, Percentile, Bands, Piecewise)
}

converter: Final = Converter()
"""The converter of scorer configs (a value of its own: hooks here never touch serde's)."""


def _unstructure_mapping(m: AnyMapping) -> dict[str, Any]:
    body: dict[str, Any] = converter.unstructure(m, type(m))
    return {"kind": m.kind, **body}


def _structure_mapping(v: Any, path: str) -> AnyMapping:
    if not isinstance(v, Mapping):
        raise InvalidTypeError(path, v, "must be a mapping with a 'kind'")
    kind = v.get("kind")
    cls = _MAPPINGS.get(kind) if isinstance(kind, str) else None
    if cls is None:
        options = ", ".join(repr(k) for k in _MAPPINGS)
        raise InvalidValueError(f"{path}.kind", kind, f"must be one of {options}")
    body = {k: x for k, x in v.items() if k != "kind"}
    return cast("AnyMapping", converter.structure(body, cls, path))


converter.register_hooks(
    cast("type[AnyMapping]", AnyMapping),
    structure=_structure_mapping,
    unstructure=_unstructure_mapping,
)


def mapping_from_config(config: object, path: str = "mapping") -> AnyMapping:
    """Rebuild a points mapping from its config (``{"kind": ..., ...}``), validated.

    Args:
        config: A mapping's `get_config` output, possibly after a trip through JSON.
        path: Where the config sits, for error messages.

    Returns:
        The mapping.

    Raises:
        InvalidValueError: Unknown ``kind``, unknown keys or bad values.
        InvalidTypeError: Values of the wrong type.

    Examples:
        >>> from kamlib.scoring import Bands, mapping_from_config
        >>> b = Bands([1.0], [0.0, 10.0])
        >>> mapping_from_config(b.get_config()) == b
        True
        >>> mapping_from_config({"kind": "cubic"})
        Traceback (most recent call last):
        ...
        kamlib.errors.InvalidValueError: mapping.kind: must be one of \
'min_max', 'percentile', 'bands', 'piecewise'; got 'cubic'
    """
    return _structure_mapping(config, path)


def mapping_config(m: AnyMapping) -> dict[str, Any]:
    """Return a points mapping's config: ``{"kind": ..., <field>: ...}``.

    Examples:
        >>> from kamlib.scoring import MinMax
        >>> from kamlib.scoring._config import mapping_config
        >>> mapping_config(MinMax(0, 10))
        {'kind': 'min_max', 'lo': 0.0, 'hi': 10.0, 'clip': True}
    """
    return _unstructure_mapping(m)


def scorer_config(scorer: Any) -> dict[str, Any]:
    """Return ``{"scorer": name, "version": N, <field>: ...}`` for an attrs scorer.

    The ``get_config`` of every built-in, and of any scorer written on the chassis: an
    attrs class whose ``__init__`` fields are its parameters (attrs classes, tuples,
    ``str``/``int``/``float``/``bool``/``None`` and points mappings nest), with ``name``
    and ``config_version`` class variables.

    Args:
        scorer: An instance of such a class.

    Returns:
        JSON-compatible plain data holding every parameter (fitted ones included).

    Examples:
        >>> from kamlib.scoring import ValueMatrix
        >>> from kamlib.scoring import scorer_config
        >>> cfg = scorer_config(ValueMatrix(x_cut=1.0, y_cut=2.0))
        >>> cfg["scorer"], cfg["version"], cfg["x_cut"]
        ('value_matrix', 1, 1.0)
    """
    cls = type(scorer)
    body: dict[str, Any] = converter.unstructure(scorer, cls)
    return {"scorer": cls.name, "version": cls.config_version, **body}


def scorer_from_config(cls: type[S], config: object) -> S:
    """Build a ``cls`` scorer from its config, treating the config as untrusted input.

    ``"scorer"`` and ``"version"`` may be left out; when present they must be the class's
    own. Every other key must be a field of the class; every problem is reported (one as
    itself, several in one [`KamlibValidationError`][kamlib.errors.KamlibValidationError]), with
    paths
    starting at the class name.

    Args:
        cls: The scorer class.
        config: Plain data as written by `scorer_config`.

    Returns:
        The scorer.

    Raises:
        InvalidTypeError: ``config`` is not a mapping, or a value has the wrong type.
        InvalidValueError: Another scorer's config, another version, unknown keys, or a
            value the scorer refuses.

    Examples:
        >>> from kamlib.scoring import ValueMatrix
        >>> from kamlib.scoring import scorer_from_config
        >>> scorer_from_config(ValueMatrix, {"x_cut": 1, "y_cut": 2}).x_cut
        1.0
        >>> scorer_from_config(ValueMatrix, {"scorer": "health_model"})
        Traceback (most recent call last):
        ...
        kamlib.errors.InvalidValueError: ValueMatrix.scorer: must be 'value_matrix'; \
got 'health_model'
    """
    root = cls.__name__
    if not isinstance(config, Mapping):
        raise InvalidTypeError(root, config, f"must be a mapping (a {root} config)")
    name: str = cast("Any", cls).name
    version: int = cast("Any", cls).config_version
    if config.get("scorer", name) != name:
        raise InvalidValueError(f"{root}.scorer", config["scorer"], f"must be {name!r}")
    given = config.get("version", version)
    if type(given) is not int or given != version:
        raise InvalidValueError(
            f"{root}.version", given, f"must be {version} (the config version this kamlib reads)"
        )
    body = {k: v for k, v in config.items() if k not in CONFIG_KEYS}
    return cast("S", converter.structure(body, cls, root))


def load_scorer(config: object, *, registry: Any = None) -> Any:
    """Rebuild the right scorer from a config alone (``config["scorer"]`` names it).

    Args:
        config: A scorer config, e.g. from ``scorer.get_config()`` stored as JSON.
        registry: The [`ScorerRegistry`][kamlib.scoring.ScorerRegistry] to look the name up in
            (default: `default_registry`).

    Returns:
        The scorer, equal to the one whose config it was.

    Raises:
        InvalidTypeError: ``config`` is not a mapping.
        InvalidValueError: ``config`` has no ``"scorer"`` name, or a bad value.
        UnknownScorerError: No scorer is registered under that name.

    Examples:
        >>> from kamlib.scoring import WeightedPoints, load_scorer
        >>> wp = WeightedPoints(threshold=6.0)
        >>> load_scorer(wp.get_config()) == wp
        True
        >>> load_scorer({"scorer": "astrology"})
        Traceback (most recent call last):
        ...
        kamlib.errors.UnknownScorerError: config.scorer: is not a registered scorer; ...
    """
    if registry is None:
        from kamlib.scoring._registry import default_registry

        registry = default_registry
    if not isinstance(config, Mapping):
        raise InvalidTypeError("config", config, "must be a mapping (a scorer config)")
    name = config.get("scorer")
    if not isinstance(name, str) or not name:
        raise InvalidValueError("config.scorer", name, "must name the scorer (a non-empty str)")
    factory = registry.factory(name, path="config.scorer")
    target = factory if hasattr(factory, "from_config") else type(factory())
    try:
        return target.from_config(config)
    except KamlibError:
        raise
    except Exception as exc:  # a third-party from_config that fails in its own way
        raise InvalidValueError(
            "config", name, f"could not be loaded by {target.__name__}.from_config: {exc}"
        ) from exc
