"""Relationship-health features of every account, ready to merge into a FeatureTable."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any, Final

import attrs
import numpy as np
from numpy.typing import NDArray

from kamlib._validators import check_aware_datetime, check_int, check_real
from kamlib.errors import InvalidTypeError, InvalidValueError, UnknownIdError
from kamlib.model import Portfolio
from kamlib.network._coded import ROLE_CODE, Coded, coded, micros
from kamlib.network._common import DEFAULT_ROLE_WEIGHTS, check_role_weights
from kamlib.network._kernels import segment_sum
from kamlib.network._support import DEFAULT_PORTRAIT_WEIGHTS, SupportRule, _rule
from kamlib.network._wide import NodeView

__all__ = ["RELATIONSHIP_FEATURES", "RelationshipFeatures", "relationship_features"]

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]

_DAYS_PER_MONTH: Final = 365.25 / 12
_MAX_WINDOW_DAYS: Final = 36_525  # a century, as extract_features' nps_window_days

RELATIONSHIP_FEATURES: Final[Mapping[str, str]] = MappingProxyType(
    {
        "coverage": "Role-weighted coverage of the active key persons by our staff "
        "(kamlib.network.coverage), 0-1. Missing without an active key person. [002]",
        "support": "Influence-weighted support from the portraits "
        "(kamlib.network.weighted_support), 0-1. Missing when nobody has a portrait. [002]",
        "portrait_closeness": "Influence-weighted mean relationship closeness (关系紧密度), "
        "0-10, same weights as support. Missing as support. [002]",
        "portrait_solution": "Influence-weighted mean solution acceptance (方案认可度), 0-10. "
        "[002]",
        "portrait_price": "Influence-weighted mean price acceptance (价格接受度), 0-10. [002]",
        "interaction_recency_days": "Days from the latest interaction at or before as_of "
        "that involved a key person, to as_of. Missing without one. [000] cadence",
        "interaction_frequency": "Role-weighted interactions per month over the last "
        "`window_days` days: each interaction counts the largest role weight among its "
        "customer participants; divided by window_days / (365.25 / 12). Never missing "
        "(0 without interactions). [000] relationship health",
    }
)
"""Every column of `relationship_features`, with its formula and source rule."""


@attrs.frozen(eq=False)
class RelationshipFeatures:
    """Network feature columns aligned with a portfolio's accounts.

    Merge into a feature table with ``columns.update(rf.columns)`` and
    ``missing.update(rf.missing)``; cells that are missing hold ``0.0`` and are
    ``True`` in ``missing``.

    Attributes:
        ids: Account ids, in portfolio order.
        columns: Column name -> float64 array (read-only), one value per account.
        missing: Column name -> bool array (read-only), ``True`` where missing.

    Examples:
        >>> import numpy as np
        >>> rf = RelationshipFeatures(("A1",), {"coverage": np.array([0.5])},
        ...                           {"coverage": np.array([False])})
        >>> rf.value("A1", "coverage")
        0.5
    """

    ids: tuple[str, ...]
    columns: Mapping[str, FloatArray]
    missing: Mapping[str, BoolArray]

    def value(self, account_id: str, column: str) -> float | None:
        """One cell, ``None`` when missing.

        Raises:
            UnknownIdError: Unknown account or column.

        Examples:
            >>> import numpy as np
            >>> rf = RelationshipFeatures(("A1",), {"support": np.array([0.0])},
            ...                           {"support": np.array([True])})
            >>> rf.value("A1", "support") is None
            True
        """
        if column not in self.columns:
            raise UnknownIdError("RelationshipFeatures.value.column", column, "is not a column")
        try:
            i = self.ids.index(account_id)
        except ValueError:
            raise UnknownIdError(
                "RelationshipFeatures.value.account_id", account_id, "is not an account here"
            ) from None
        if self.missing[column][i]:
            return None
        return float(self.columns[column][i])


def relationship_features(
    portfolio: Portfolio,
    *,
    as_of: dt.datetime,
    role_weights: Mapping[str, float] = DEFAULT_ROLE_WEIGHTS,
    portrait_weights: SupportRule = DEFAULT_PORTRAIT_WEIGHTS,
    window_days: int | np.integer[Any] = 90,
    alpha: float = 0.85,
    columns: Iterable[str] | None = None,
) -> RelationshipFeatures:
    """Relationship-health features (关系健康) of every account, as of ``as_of``.

    Source [000] measures relationship health by interaction frequency with key
    persons; source [002] adds the network and the portraits. Columns and formulas:
    `RELATIONSHIP_FEATURES`. Rows follow ``portfolio.accounts``.

    **All accounts at once.** The columns are computed for every account together
    on the portfolio's integer-coded arrays (derived once and kept on the portfolio):
    one max-product Bellman-Ford for coverage, one batched PageRank with each
    account's own stopping rule for the reach, sequential sums in sorted node order.
    Each row equals what the per-account graph (`stakeholder_graph` with
    ``account_id``, active as of ``as_of``) gives `coverage` and `weighted_support`,
    to the bit, so any slice of accounts (a Dask or Spark partition) gives the same
    rows.

    Args:
        portfolio: The portfolio.
        as_of: Timezone-aware moment; nothing after it is read.
        role_weights: Weight of each role (coverage, support, frequency).
        portrait_weights: Support rule, as in `support_scores`.
        window_days: Look-back of the interaction frequency in days, 1 to 36 525
            (a century).
        alpha: Damping factor of the influence reach, in [0, 1).
        columns: The columns to compute, names of `RELATIONSHIP_FEATURES` (default: all).
            Each column is computed by the same code whichever others are asked for, so
            its bits never depend on the choice; the network's coverage and influence
            reach (the costly part) run only for the columns that read them.

    Returns:
        A `RelationshipFeatures` (with the columns asked for, in the order of
        `RELATIONSHIP_FEATURES`).

    Raises:
        InvalidTypeError: Wrong argument types.
        InvalidValueError: Naive ``as_of``, bad weights (a ``role_weights`` key
            must be a decision role) or window; a name in ``columns`` that is not a
            relationship feature; an account's influence reach that
            does not converge in 100 iterations (``alpha`` close to 1), naming
            ``relationship_features.alpha`` and the account.

    Examples:
        >>> import datetime as dt
        >>> from kamlib.synthetic import synthetic_portfolio
        >>> as_of = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
        >>> rf = relationship_features(synthetic_portfolio(4, seed=3, as_of=as_of), as_of=as_of)
        >>> len(rf.ids), sorted(rf.columns) == sorted(RELATIONSHIP_FEATURES)
        (4, True)
        >>> bool(((rf.columns["coverage"] >= 0) & (rf.columns["coverage"] <= 1)).all())
        True
        >>> p = synthetic_portfolio(4, seed=3, as_of=as_of)
        >>> only = relationship_features(p, as_of=as_of, columns=["interaction_frequency"])
        >>> list(only.columns), bool((only.columns["interaction_frequency"]
        ...                          == rf.columns["interaction_frequency"]).all())
        (['interaction_frequency'], True)
    """
    where = "relationship_features"
    if not isinstance(portfolio, Portfolio):
        raise InvalidTypeError(f"{where}.portfolio", portfolio, "must be a Portfolio")
    check_aware_datetime(f"{where}.as_of", as_of)
    weights = check_role_weights(f"{where}.role_weights", role_weights)
    rule = _rule(where, portrait_weights)
    window = check_int(f"{where}.window_days", window_days, ge=1, le=_MAX_WINDOW_DAYS)
    a = check_real(f"{where}.alpha", alpha, ge=0.0, lt=1.0)
    wanted = _wanted(f"{where}.columns", columns)

    try:
        since = as_of - dt.timedelta(days=window)
    except OverflowError:  # the window reaches before year 1: it holds every interaction
        since = dt.datetime.min.replace(tzinfo=dt.UTC)
    co = coded(portfolio)
    cols: dict[str, FloatArray] = {}
    miss: dict[str, BoolArray] = {}
    if wanted & _GRAPH_COLUMNS:
        net = NodeView.of(co, as_of.date())
        if "coverage" in wanted:
            cols["coverage"], miss["coverage"] = net.coverage_scores(weights)
        if wanted & _SUPPORT_COLUMNS:
            reach = net.influence_weights(weights, a, where)
            support, portrait, none = net.weighted_support(reach, rule)
            cols["support"] = support
            cols["portrait_closeness"] = portrait[:, 0].copy()
            cols["portrait_solution"] = portrait[:, 1].copy()
            cols["portrait_price"] = portrait[:, 2].copy()
            for k in _SUPPORT_COLUMNS:
                miss[k] = none.copy()
    if wanted & _INTERACTION_COLUMNS:
        recency, no_recent, count = _interaction_columns(co, weights, as_of, since)
        cols["interaction_recency_days"] = recency
        miss["interaction_recency_days"] = no_recent
        cols["interaction_frequency"] = count / (window / _DAYS_PER_MONTH)
        miss["interaction_frequency"] = np.zeros(len(co.account_ids), dtype=np.bool_)
    cols = {k: cols[k] for k in RELATIONSHIP_FEATURES if k in wanted}
    miss = {k: miss[k] for k in RELATIONSHIP_FEATURES if k in wanted}
    for arr in (*cols.values(), *miss.values()):
        arr.flags.writeable = False
    return RelationshipFeatures(co.account_ids, MappingProxyType(cols), MappingProxyType(miss))


_SUPPORT_COLUMNS: Final = frozenset(
    {"support", "portrait_closeness", "portrait_solution", "portrait_price"}
)
_GRAPH_COLUMNS: Final = _SUPPORT_COLUMNS | {"coverage"}
_INTERACTION_COLUMNS: Final = frozenset({"interaction_recency_days", "interaction_frequency"})


def _wanted(path: str, columns: object) -> frozenset[str]:
    """The names asked for (all by default), each a relationship feature."""
    if columns is None:
        return frozenset(RELATIONSHIP_FEATURES)
    if isinstance(columns, str | bytes | Mapping) or not isinstance(columns, Iterable):
        raise InvalidTypeError(path, columns, "must be a collection of column names")
    out = set()
    for i, name in enumerate(columns):
        if not isinstance(name, str):
            raise InvalidTypeError(f"{path}[{i}]", name, "must be a column name (str)")
        if name not in RELATIONSHIP_FEATURES:
            raise InvalidValueError(
                f"{path}[{i}]", name, f"is not one of {', '.join(RELATIONSHIP_FEATURES)}"
            )
        out.add(name)
    return frozenset(out)


def _interaction_columns(
    co: Coded, weights: Mapping[str, float], as_of: dt.datetime, since: dt.datetime
) -> tuple[FloatArray, BoolArray, FloatArray]:
    """Recency (days), its missing mask, and the role-weighted count in the window.

    Per account, over its interactions at or before ``as_of`` in portfolio order: the
    latest one with a customer participant who holds a decision role, and the sum of
    each interaction's largest role weight among its customer participants over those
    after ``since``, added one by one in ascending order of weight: the same interactions
    in any order give the same bits (a sum in portfolio order would round differently).
    """
    n = len(co.account_ids)
    at = co.interaction_at
    seen = at <= micros(as_of)
    acc = co.interaction_account
    bits = co.interaction_roles
    w = np.zeros(bits.shape[0])
    for role, code in ROLE_CODE.items():
        rw = weights.get(role.value, 0.0)
        w = np.where((bits >> code) & 1 == 1, np.maximum(w, rw), w)
    counted = seen & (at > micros(since))
    seg, vals = acc[counted], w[counted]
    order = np.lexsort((vals, seg))  # by account, then weight: a canonical order
    count = segment_sum(seg[order], vals[order], n)
    keyed = seen & (bits != 0)
    latest = np.full(n, np.iinfo(np.int64).min)
    np.maximum.at(latest, acc[keyed], at[keyed])
    none = latest == np.iinfo(np.int64).min
    recency = np.zeros(n)
    now = micros(as_of)
    for i in np.flatnonzero(~none).tolist():
        # as timedelta.total_seconds() does: exact microseconds, one rounding
        recency[i] = (now - int(latest[i])) / 10**6 / 86_400.0
    return recency, none, count
