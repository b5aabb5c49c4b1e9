"""The Scorer protocol: what every scorer provides, no subclassing required.

Data flows one way: ``FeatureTable -> scorer.fit -> fitted scorer -> scorer.score -> ScoreTable``.
``fit`` learns the parameters that are still unset and returns a *new* scorer holding them;
``score`` applies fixed parameters row by row, so an account gets the same result alone,
in any batch, in any order, or on any partition.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Protocol, Self, runtime_checkable

import numpy as np
from numpy.typing import NDArray

from kamlib._table import FeatureTable
from kamlib.errors import (
    FieldError,
    InvalidTypeError,
    InvalidValueError,
    MissingFeatureError,
    NotFittedError,
)
from kamlib.scoring._result import ScoreTable

__all__ = ["Scorer", "pinned_config", "require_columns"]

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]


# ---------------------------------------------------------------------------- protocol
@runtime_checkable
class Scorer(Protocol):
    """What every scorer provides; no subclassing required (duck typing).

    A scorer is an immutable object. ``fit`` returns a new scorer holding the learned,
    JSON-compatible parameters; ``score`` never learns anything. ``get_config`` returns the
    whole configuration (options and fitted parameters) as plain data, and
    ``type(s).from_config(s.get_config())`` rebuilds an equal scorer, so a CRM can pin it.

    Examples:
        >>> from kamlib.scoring import Scorer, ValueMatrix
        >>> isinstance(ValueMatrix(), Scorer)
        True
    """

    @property
    def name(self) -> str:
        """The registry name of the method, e.g. ``"value_matrix"``.

        Examples:
            Shown on the built-in [`ValueMatrix`][kamlib.scoring.ValueMatrix]:

            >>> from kamlib.scoring import ValueMatrix, get_scorer
            >>> ValueMatrix().name
            'value_matrix'
            >>> type(get_scorer(ValueMatrix().name)).__name__
            'ValueMatrix'
        """
        ...

    @property
    def is_fitted(self) -> bool:
        """True when ``score`` can run (fitted, or needs no fitting).

        Examples:
            Shown on the built-in [`ValueMatrix`][kamlib.scoring.ValueMatrix] (median cuts learned
            by ``fit``; pinned cuts need no fitting):

            >>> from kamlib import FeatureTable
            >>> from kamlib.scoring import ValueMatrix
            >>> t = FeatureTable.from_columns(["A", "B"], {"x": [1.0, 3.0]})
            >>> vm = ValueMatrix("x", ["x"])
            >>> vm.is_fitted, vm.fit(t).is_fitted
            (False, True)
            >>> ValueMatrix("x", ["x"], x_cut=2.0, y_cut=2.0).is_fitted
            True
        """
        ...

    @property
    def required_features(self) -> tuple[str, ...]:
        """Feature columns ``score`` reads.

        Examples:
            Shown on the built-in [`ValueMatrix`][kamlib.scoring.ValueMatrix] (its contribution
            column, then its strategic-importance columns):

            >>> from kamlib.scoring import ValueMatrix
            >>> ValueMatrix("profit", ["strategic_fit", "value_potential"]).required_features
            ('profit', 'strategic_fit', 'value_potential')
        """
        ...

    def fit(self, table: FeatureTable) -> Self:
        """Learn population parameters from ``table``; return a new, fitted scorer.

        Examples:
            Shown on the built-in [`ValueMatrix`][kamlib.scoring.ValueMatrix], which learns the
            median cuts; the unfitted scorer is left unchanged:

            >>> from kamlib import FeatureTable
            >>> from kamlib.scoring import ValueMatrix
            >>> t = FeatureTable.from_columns(["A", "B"], {"x": [1.0, 3.0]})
            >>> vm = ValueMatrix("x", ["x"])
            >>> fitted = vm.fit(t)
            >>> fitted.x_cut, vm.x_cut
            (2.0, None)
        """
        ...

    def score(self, table: FeatureTable) -> ScoreTable:
        """Score every row of ``table`` with fixed parameters.

        Examples:
            Shown on the built-in [`ValueMatrix`][kamlib.scoring.ValueMatrix] with pinned cuts; an
            account scores the same alone as in the batch:

            >>> from kamlib import FeatureTable
            >>> from kamlib.scoring import ValueMatrix
            >>> t = FeatureTable.from_columns(["A", "B"], {"x": [1.0, 3.0]})
            >>> vm = ValueMatrix("x", ["x"], x_cut=2.0, y_cut=2.0)
            >>> vm.score(t).labels.tolist()
            ['ordinary', 'strategic']
            >>> vm.score(t.take([1])).label_of("B")
            'strategic'
        """
        ...

    def get_config(self) -> dict[str, Any]:
        """Return options and fitted parameters as JSON-compatible plain data.

        Examples:
            Shown on the built-in [`ValueMatrix`][kamlib.scoring.ValueMatrix]; the fitted cuts are
            part of the configuration:

            >>> import json
            >>> from kamlib import FeatureTable
            >>> from kamlib.scoring import ValueMatrix
            >>> t = FeatureTable.from_columns(["A", "B"], {"x": [1.0, 3.0]})
            >>> cfg = ValueMatrix("x", ["x"]).fit(t).get_config()
            >>> cfg["scorer"], cfg["x_cut"], cfg["y_cut"]
            ('value_matrix', 2.0, 2.0)
            >>> json.loads(json.dumps(cfg)) == cfg
            True
        """
        ...

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Self:
        """Rebuild a scorer from `get_config` output (validated like user input).

        Examples:
            Shown on the built-in [`ValueMatrix`][kamlib.scoring.ValueMatrix]: the round trip
            rebuilds an equal, still fitted scorer:

            >>> from kamlib import FeatureTable
            >>> from kamlib.scoring import ValueMatrix
            >>> t = FeatureTable.from_columns(["A", "B"], {"x": [1.0, 3.0]})
            >>> vm = ValueMatrix("x", ["x"]).fit(t)
            >>> again = ValueMatrix.from_config(vm.get_config())
            >>> again == vm, again.is_fitted
            (True, True)
        """
        ...


def require_columns(table: object, names: Iterable[str], scorer: str) -> None:
    """Check that ``table`` is a FeatureTable holding every column in ``names``.

    Raises:
        InvalidTypeError: ``table`` is not a [`FeatureTable`][kamlib.FeatureTable].
        MissingFeatureError: A column is missing; the message names it and the scorer.

    Examples:
        >>> from kamlib import FeatureTable
        >>> from kamlib.scoring import require_columns
        >>> require_columns(FeatureTable.from_columns(["A"], {"x": [1]}), ["y"], "demo")
        Traceback (most recent call last):
        ...
        kamlib.errors.MissingFeatureError: demo.table: needs column 'y'; table has ['x']; got 'y'
    """
    if not isinstance(table, FeatureTable):
        raise InvalidTypeError(f"{scorer}.table", table, "must be a kamlib.FeatureTable")
    for name in names:
        if name not in table:
            raise MissingFeatureError(
                f"{scorer}.table", name, f"needs column {name!r}; table has {list(table.names)}"
            )


def pinned_config(scorer: Scorer, where: str, fit_first: str) -> dict[str, Any]:
    """The config to ship to workers: ``scorer`` must be fitted and rebuild from it.

    The one check of the scale-out adapters (`kamlib.dask`, `kamlib.spark`), made on the
    caller's side before any task: workers rebuild the scorer with
    ``type(scorer).from_config``, so a config that does not rebuild to itself would score
    with other parameters there.

    Args:
        scorer: The scorer to ship.
        where: The path errors start with (``"dask.score"``).
        fit_first: How to fit it, for the error (``"kamlib.dask.fit"``).

    Raises:
        NotFittedError: The scorer is not fitted.
        InvalidValueError: ``from_config(get_config())`` fails or gives another config.

    Examples:
        >>> from kamlib.scoring import ValueMatrix
        >>> from kamlib.scoring._protocol import pinned_config
        >>> pinned_config(ValueMatrix(x_cut=1.0, y_cut=2.0), "demo", "fit")["x_cut"]
        1.0
        >>> pinned_config(ValueMatrix(), "demo", "scorer.fit")
        Traceback (most recent call last):
        ...
        kamlib.errors.NotFittedError: demo.scorer: is not fitted: fit it first (scorer.fit), \
then score with the fitted, pinned scorer; got 'ValueMatrix'
    """
    cls = type(scorer)
    if not scorer.is_fitted:
        raise NotFittedError(
            f"{where}.scorer",
            cls.__name__,
            f"is not fitted: fit it first ({fit_first}), then score with the fitted, pinned scorer",
        )
    config = scorer.get_config()
    try:
        again = cls.from_config(config).get_config()
    except FieldError as err:
        raise InvalidValueError(
            f"{where}.scorer", cls.__name__, f"cannot be rebuilt from its get_config(): {err}"
        ) from None
    if again != config:
        raise InvalidValueError(
            f"{where}.scorer",
            cls.__name__,
            "does not rebuild from its get_config() to the same config; the workers would "
            "score with other parameters",
        )
    return config
