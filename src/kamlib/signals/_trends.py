"""Trend alerts: pure vectorised functions of figures and scores over time.

* `two_quarter_decline`: purchases down 15% in each of two consecutive quarters
  (连续两季度下降15%) [000], from the two quarter-on-quarter changes;
* `quarterly_decline_alerts`: the same rule from a matrix of quarterly revenue;
* `rescue_alerts`: health score down 20% from the previous period, start a rescue
  (挽回) [003].

kamlib reads "down 15%" as a fall of *at least* 15% in each quarter, and compares with a
relative tolerance of [`DECLINE_TOLERANCE`][kamlib.scoring.health.DECLINE_TOLERANCE] (1e-12), so a
fall
of exactly 15% in decimal money always fires although its float quotient may land a
rounding step above ``-0.15``. NaN means "unknown" and never fires.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from kamlib._validators import check_int, check_real
from kamlib.errors import InvalidTypeError, InvalidValueError
from kamlib.scoring.health import DECLINE_TOLERANCE, decline_limit
from kamlib.scoring.health._lights import rescue_fired

__all__ = ["quarterly_decline_alerts", "rescue_alerts", "two_quarter_decline"]

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]


def _fraction(path: str, value: object) -> float:
    return check_real(path, value, gt=0.0, lt=1.0)


def _as_floats(path: str, values: object, ndim: int) -> FloatArray:
    try:
        arr = np.asarray(values)
    except Exception:
        raise InvalidTypeError(path, values, "must be array-like of numbers") from None
    if arr.dtype == np.bool_ or arr.dtype.kind not in "iuf":
        raise InvalidTypeError(path, str(arr.dtype), "must hold real numbers")
    if arr.ndim != ndim:
        raise InvalidValueError(path, arr.shape, f"must be {ndim}-dimensional")
    out: FloatArray = arr.astype(np.float64)
    return out


def two_quarter_decline(
    change_last: object, change_prev: object, *, drop: float = 0.15
) -> BoolArray:
    """Flag accounts whose purchases fell at least ``drop`` in each of two quarters.

    Source rule [000]: an automatic alert when the purchase amount falls 15% for two
    consecutive quarters (连续两季度下降15%). Inputs are the quarter-on-quarter changes
    (``revenue_change_last``, ``revenue_change_prev``: ``-0.15`` is a 15% fall); the alert
    fires where both are at or below [`decline_limit`][kamlib.scoring.health.decline_limit], i.e.
    ``-drop`` with a relative tolerance of 1e-12, so an exact 15% fall in money always
    fires. NaN (unknown change) never fires. Fires exactly where
    [`revenue_decline_rule`][kamlib.scoring.revenue_decline_rule] does.

    Args:
        change_last: ``(n,)`` change of the last quarter.
        change_prev: ``(n,)`` change of the quarter before.
        drop: Minimum fall per quarter, a fraction in ``(0, 1)``; default 0.15 [000].

    Returns:
        ``(n,)`` bool array.

    Raises:
        InvalidTypeError: Non-numeric input.
        InvalidValueError: Shapes differ, or ``drop`` is outside ``(0, 1)``.

    Examples:
        >>> from kamlib.signals import two_quarter_decline
        >>> two_quarter_decline([-0.15, -0.20, -0.30], [-0.16, -0.10, float("nan")]).tolist()
        [True, False, False]
        >>> change = (113.90 - 134.00) / 134.00  # exactly 15% in money: -0.14999999999999997
        >>> two_quarter_decline([change], [change]).tolist()
        [True]
    """
    limit = decline_limit(_fraction("drop", drop))
    last = _as_floats("change_last", change_last, 1)
    prev = _as_floats("change_prev", change_prev, 1)
    if last.shape != prev.shape:
        raise InvalidValueError("change_prev", prev.shape, f"must match change_last {last.shape}")
    out: BoolArray = (last <= limit) & (prev <= limit)
    return out


def quarterly_decline_alerts(
    revenue: object, *, drop: float = 0.15, quarters: int | np.integer[Any] = 2
) -> BoolArray:
    """Flag accounts whose quarterly revenue fell ``drop`` in each of the last ``quarters``.

    Source rule [000] (连续两季度下降15%) from a ``(n, q)`` matrix of quarterly revenue,
    oldest quarter first. Quarter ``t`` counts as a fall when
    ``r[t] <= (1 - drop) * r[t-1]`` (with a relative tolerance of 1e-12, so an exact 15%
    fall fires) and ``r[t-1] > 0`` (no fall from zero or less). NaN (unknown revenue)
    never fires.

    Args:
        revenue: ``(n, q)`` revenue per quarter, ``q >= quarters + 1``.
        drop: Minimum fall per quarter, default 0.15 [000].
        quarters: Number of consecutive falls required, default 2 [000].

    Returns:
        ``(n,)`` bool array.

    Raises:
        InvalidValueError: Too few quarters, infinite values, bad ``drop``/``quarters``.

    Examples:
        >>> from kamlib.signals import quarterly_decline_alerts
        >>> quarterly_decline_alerts([[100, 85, 72.25], [100, 80, 90], [0, 0, 0]]).tolist()
        [True, False, False]
    """
    d = _fraction("drop", drop)
    quarters = check_int("quarters", quarters, ge=1)
    r = _as_floats("revenue", revenue, 2)
    if r.shape[1] < quarters + 1:
        raise InvalidValueError(
            "revenue", r.shape, f"needs at least {quarters + 1} quarters (columns)"
        )
    if np.isinf(r).any():
        raise InvalidValueError("revenue", "inf", "must be finite (NaN means unknown)")
    hit = np.ones(r.shape[0], dtype=np.bool_)
    for k in range(1, quarters + 1):
        cur = r[:, -k]
        prev = r[:, -k - 1]
        limit = (1.0 - d) * prev
        hit &= (prev > 0.0) & (cur <= limit + DECLINE_TOLERANCE * np.abs(limit))
    return hit


def rescue_alerts(
    previous_scores: object, current_scores: object, *, drop: float = 0.20
) -> BoolArray:
    """Flag accounts whose health score fell at least ``drop`` from the previous score.

    Source rule [003]: a bank's health index starts a rescue (挽回) when the score drops 20%.
    Fires where ``previous > 0`` and ``current <= (1 - drop) * previous`` (with a relative
    tolerance of 1e-12). A previous score of 0 cannot fall further and never fires (no
    division, no warning); NaN (no previous score, e.g. a new account) never fires.

    Args:
        previous_scores: ``(n,)`` scores of the previous period.
        current_scores: ``(n,)`` scores of this period.
        drop: Minimum relative fall, default 0.20 [003].

    Returns:
        ``(n,)`` bool array.

    Raises:
        InvalidValueError: Shapes differ, infinite scores, ``drop`` outside ``(0, 1)``.

    Examples:
        >>> from kamlib.signals import rescue_alerts
        >>> rescue_alerts([80, 80, 0, 50], [64, 65, 0, 10]).tolist()
        [True, False, False, True]
    """
    d = _fraction("drop", drop)
    prev = _as_floats("previous_scores", previous_scores, 1)
    cur = _as_floats("current_scores", current_scores, 1)
    if prev.shape != cur.shape:
        raise InvalidValueError(
            "current_scores", cur.shape, f"must match previous_scores {prev.shape}"
        )
    for path, arr in (("previous_scores", prev), ("current_scores", cur)):
        if np.isinf(arr).any():
            i = int(np.flatnonzero(np.isinf(arr))[0])
            raise InvalidValueError(f"{path}[{i}]", float(arr[i]), "must be finite or NaN")
    return rescue_fired(prev, cur, d)
