"""The three-colour light (三色灯): declarative rules, their kernel and the light per account.

Source rules [000]: red (红灯) when the key decision-maker left, the budget is frozen or a
competitor entered; yellow (黄灯) when satisfaction is below 70 or renewal is unclear;
green-watch (绿灯观察) on a single late delivery. `LightRule` is plain data;
`evaluate_rules` fires them column by column and `assign_lights` takes the
most severe fired rule per account.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from typing import Any

import attrs
import numpy as np
from numpy.typing import NDArray

from kamlib._hysteresis import HysteresisBands
from kamlib._table import MAGNITUDE, FeatureTable
from kamlib._validators import as_float, as_tuple, check_real, each, non_empty_str, one_of, real
from kamlib.errors import InvalidTypeError, InvalidValueError
from kamlib.scoring._protocol import require_columns

__all__ = [
    "COMPARISONS",
    "DECLINE_TOLERANCE",
    "DEFAULT_HEALTH_BANDS",
    "DEFAULT_LIGHT_RULES",
    "LIGHTS",
    "ON_MISSING",
    "RESCUE_CODE",
    "RULE_LIGHTS",
    "LightRule",
    "assign_lights",
    "band_codes",
    "light_levels",
    "check_rules",
    "decline_limit",
    "evaluate_rules",
    "rescue_fired",
    "revenue_decline_rule",
]

BoolArray = NDArray[np.bool_]

LIGHTS: tuple[str, ...] = ("green", "green_watch", "yellow", "red")
"""Light classes in order of severity (index = severity level)."""
SEVERITY: dict[str, int] = {name: i for i, name in enumerate(LIGHTS)}
RULE_LIGHTS: tuple[str, ...] = ("green_watch", "yellow", "red")
COMPARISONS: tuple[str, ...] = ("<", "<=", ">", ">=", "==", "!=")
ON_MISSING: tuple[str, ...] = ("skip", "fire")
DECLINE_TOLERANCE = 1e-12
"""Relative tolerance of the decline alerts, so that an exact 15 % (or 20 %) fall counts
despite float rounding (kamlib's choice)."""

_UFUNCS: dict[str, Any] = {
    "<": np.less,
    "<=": np.less_equal,
    ">": np.greater,
    ">=": np.greater_equal,
    "==": np.equal,
    "!=": np.not_equal,
}
_LIGHT_ARRAY: NDArray[np.object_] = np.array(LIGHTS, dtype=object)


def _to_str_tuple(value: object) -> object:
    if isinstance(value, str):
        return (value,)
    return as_tuple(value)  # type: ignore[arg-type]


@attrs.frozen
class LightRule:
    """A declarative three-colour light rule: ``feature <comparison> threshold -> light``.

    With several features the rule fires when *all* of them satisfy the comparison (e.g.
    two consecutive quarterly declines). A missing input does not satisfy the comparison
    (``on_missing="skip"``, default), so a rule never fires on missing data; with
    ``on_missing="fire"`` a missing input counts as satisfied (e.g. "no survey -> yellow").

    Attributes:
        code: Reason code, unique in a rule set (e.g. ``"budget_frozen"``).
        light: ``"red"``, ``"yellow"`` or ``"green_watch"``.
        feature: Feature column, or several (all must satisfy).
        comparison: One of ``<``, ``<=``, ``>``, ``>=``, ``==``, ``!=``.
        threshold: Finite number compared against.
        reason: Human text shown in explanations.
        on_missing: ``"skip"`` or ``"fire"``.

    Examples:
        >>> from kamlib.scoring import LightRule
        >>> LightRule("low_nps", "yellow", "nps", "<", 0, "NPS below zero").feature
        ('nps',)
        >>> LightRule("x", "blue", "nps", "<", 0, "text")
        Traceback (most recent call last):
        ...
        kamlib.errors.InvalidValueError: LightRule.light: must be one of 'green_watch', \
'yellow', 'red'; got 'blue'
    """

    code: str = attrs.field(validator=non_empty_str())
    light: str = attrs.field(validator=one_of(*RULE_LIGHTS))
    feature: tuple[str, ...] = attrs.field(converter=_to_str_tuple, validator=each(non_empty_str()))
    comparison: str = attrs.field(validator=one_of(*COMPARISONS))
    threshold: float = attrs.field(converter=as_float, validator=real(**MAGNITUDE))
    reason: str = attrs.field(validator=non_empty_str())
    on_missing: str = attrs.field(default="skip", validator=one_of(*ON_MISSING))

    def __attrs_post_init__(self) -> None:
        if not self.feature:
            raise InvalidValueError("LightRule.feature", self.feature, "must name a feature")


#: Source rules [000] of the three-colour warning (三色灯).
DEFAULT_LIGHT_RULES: tuple[LightRule, ...] = (
    LightRule(
        "key_decision_maker_left",
        "red",
        "risk_key_decision_maker_left",
        "==",
        1,
        "Red: the key decision-maker left (关键决策人离职) [000]",
    ),
    LightRule(
        "budget_frozen",
        "red",
        "risk_budget_frozen",
        "==",
        1,
        "Red: the account's budget is frozen (预算冻结) [000]",
    ),
    LightRule(
        "competitor_entered",
        "red",
        "risk_competitor_entered",
        "==",
        1,
        "Red: a competitor entered the account (竞争对手介入) [000]",
    ),
    LightRule(
        "satisfaction_below_70",
        "yellow",
        "satisfaction",
        "<",
        70,
        "Yellow: satisfaction survey below 70 (满意度低于70) [000]",
    ),
    LightRule(
        "renewal_unclear",
        "yellow",
        "renewal_unclear",
        "==",
        1,
        "Yellow: renewal intent unclear (续约意向不明) [000]",
    ),
    LightRule(
        "late_delivery",
        "green_watch",
        "risk_late_delivery",
        "==",
        1,
        "Green (watch): a single late delivery, ordinary fluctuation (偶发延迟交付) [000]",
    ),
)


def decline_limit(drop: float) -> float:
    """Return the change at or below which a quarter counts as a fall of at least ``drop``.

    ``-drop * (1 - DECLINE_TOLERANCE)``: a change of exactly ``-drop``, or one a rounding
    step above it, still counts. The one threshold of `revenue_decline_rule` and
    [`kamlib.signals.two_quarter_decline`][kamlib.signals.two_quarter_decline], so both fire on the
    same accounts.

    Examples:
        A fall of exactly 15% in money is not exactly ``-0.15`` in floats:

        >>> from kamlib.scoring.health import decline_limit
        >>> change = (113.90 - 134.00) / 134.00
        >>> change, change <= -0.15, change <= decline_limit(0.15)
        (-0.14999999999999997, False, True)
    """
    return -float(drop) * (1.0 - DECLINE_TOLERANCE)


def revenue_decline_rule(
    *,
    drop: float = 0.15,
    light: str = "yellow",
    code: str = "revenue_down_two_quarters",
    features: tuple[str, str] = ("revenue_change_last", "revenue_change_prev"),
) -> LightRule:
    """Return the two-quarter purchase decline alert as a `LightRule`.

    Source rule [000]: alert when the purchase amount falls 15% for two consecutive
    quarters (连续两季度下降15%); kamlib reads it as a fall of at least 15% in each of the
    two quarters, compared with a tolerance (`decline_limit`) so that an exact 15%
    fall always fires. Fires exactly where
    [`kamlib.signals.two_quarter_decline`][kamlib.signals.two_quarter_decline]
    does. Not in `DEFAULT_LIGHT_RULES` (the source gives it no colour; yellow is
    kamlib's default); add it with ``rules=(*DEFAULT_LIGHT_RULES, revenue_decline_rule())``.

    Args:
        drop: Minimum fall per quarter, a fraction in ``(0, 1)``.
        light: Light the alert raises.
        code: Reason code.
        features: The two quarter-on-quarter change columns.

    Raises:
        InvalidValueError: ``drop`` outside ``(0, 1)``, or a bad light or code.

    Examples:
        >>> from kamlib.scoring import revenue_decline_rule
        >>> r = revenue_decline_rule()
        >>> r.comparison, r.threshold, r.feature
        ('<=', -0.14999999999985, ('revenue_change_last', 'revenue_change_prev'))
    """
    d = check_real("drop", drop, gt=0.0, lt=1.0)
    return LightRule(
        code,
        light,
        features,
        "<=",
        decline_limit(d),
        f"Purchases down at least {d:.0%} in each of two consecutive quarters "
        "(连续两季度下降) [000]",
    )


# ---------------------------------------------------------------------------- kernels
def _rule_flags(
    columns: Sequence[Sequence[NDArray[np.float64]]],
    masks: Sequence[Sequence[BoolArray | None]],
    comparisons: Sequence[str],
    thresholds: Sequence[float],
    fire_on_missing: Sequence[bool],
    n: int,
) -> BoolArray:
    """Return the Fortran-ordered ``(n, r)`` matrix of fired rules.

    A rule fires when *every* one of its input columns satisfies the comparison. A missing
    input never satisfies it (NaN compares false, and ``!=`` is masked explicitly), unless
    the rule fires on missing input, in which case a missing input counts as satisfied.
    A mask of ``None`` means nothing is missing in that column.
    """
    out = np.empty((n, len(comparisons)), dtype=np.bool_, order="F")
    widest = max((len(cols) for cols in columns), default=0)
    sat = np.empty(n if widest > 1 else 0, dtype=np.bool_)  # only rules on several features
    for r, (cols, ms, op, thr, fire) in enumerate(
        zip(columns, masks, comparisons, thresholds, fire_on_missing, strict=True)
    ):
        ufunc = _UFUNCS[op]
        hit = out[:, r]
        for k, (col, miss) in enumerate(zip(cols, ms, strict=True)):
            dst = hit if k == 0 else sat  # written in place: no temporary per rule
            ufunc(col, thr, out=dst)
            if miss is not None:
                if fire:
                    dst |= miss
                else:
                    np.greater(dst, miss, out=dst)  # sat and not missing
            if k:
                hit &= sat
    return out


def _light_levels(flags: BoolArray, severities: Sequence[int]) -> NDArray[np.int8]:
    """Return the most severe level among fired rules per row (0 = green)."""
    n = flags.shape[0]
    level = np.zeros(n, dtype=np.int8)
    tmp = np.empty(n, dtype=np.int8)
    for r, sev in enumerate(severities):
        col = np.ascontiguousarray(flags[:, r]).view(np.int8)
        np.multiply(col, np.int8(sev), out=tmp)
        np.maximum(level, tmp, out=level)
    return level


def _mask_or_none(table: FeatureTable, name: str) -> BoolArray | None:
    if table.missing is None:
        return None
    mask = table.is_missing(name)
    return mask if mask.any() else None


def check_rules(rules: object, path: str) -> tuple[LightRule, ...]:
    """Return ``rules`` as a tuple of `LightRule` with unique codes, or raise.

    Raises:
        InvalidTypeError: Not a sequence of ``LightRule`` (the path names the entry).
        InvalidValueError: A repeated code.
    """
    if isinstance(rules, str | bytes) or not isinstance(rules, Iterable):
        raise InvalidTypeError(path, rules, "must be a sequence of LightRule")
    out = tuple(rules)
    for i, r in enumerate(out):
        if not isinstance(r, LightRule):
            raise InvalidTypeError(f"{path}[{i}]", r, "must be a LightRule")
    codes = [r.code for r in out]
    for i, c in enumerate(codes):
        if c in codes[:i]:
            raise InvalidValueError(f"{path}[{i}].code", c, "must be unique in the rule set")
    return out


def evaluate_rules(table: FeatureTable, rules: Sequence[LightRule]) -> BoolArray:
    """Return the ``(n, len(rules))`` matrix of fired rules (vectorised).

    Args:
        table: Feature table holding every rule's features.
        rules: The rules, e.g. `DEFAULT_LIGHT_RULES`.

    Raises:
        MissingFeatureError: A rule's feature is not a column.

    Examples:
        >>> from kamlib import FeatureTable
        >>> from kamlib.scoring import LightRule, evaluate_rules
        >>> t = FeatureTable.from_columns(["A", "B", "C"], {"satisfaction": [65, 80, None]})
        >>> rule = LightRule("sat", "yellow", "satisfaction", "<", 70, "low satisfaction")
        >>> evaluate_rules(t, [rule])[:, 0].tolist()
        [True, False, False]
    """
    rules = check_rules(rules, "rules")
    require_columns(table, [f for r in rules for f in r.feature], "evaluate_rules")
    n = len(table)
    cols = [[table.column(f) for f in r.feature] for r in rules]
    masks = [[_mask_or_none(table, f) for f in r.feature] for r in rules]
    return _rule_flags(
        cols,
        masks,
        [r.comparison for r in rules],
        [r.threshold for r in rules],
        [r.on_missing == "fire" for r in rules],
        n,
    )


def light_levels(flags: BoolArray, rules: Sequence[LightRule]) -> NDArray[np.int8]:
    """Return the light per row as its index into `LIGHTS` (0 green ... 3 red).

    The most severe fired rule decides, as in `assign_lights`, which names them.

    Args:
        flags: ``(n, len(rules))`` bool matrix from `evaluate_rules`.
        rules: The same rules, in the same order.

    Raises:
        InvalidValueError: ``flags`` has the wrong shape or dtype.

    Examples:
        >>> import numpy as np
        >>> from kamlib.scoring import DEFAULT_LIGHT_RULES, LIGHTS, light_levels
        >>> flags = np.zeros((2, len(DEFAULT_LIGHT_RULES)), dtype=bool)
        >>> flags[1, 5] = flags[1, 3] = True  # late delivery and low satisfaction
        >>> [LIGHTS[i] for i in light_levels(flags, DEFAULT_LIGHT_RULES)]
        ['green', 'yellow']
    """
    rules = check_rules(rules, "rules")
    f = np.asarray(flags)
    if f.dtype != np.bool_ or f.ndim != 2 or f.shape[1] != len(rules):
        raise InvalidValueError(
            "flags", f.shape, f"must be a bool matrix with {len(rules)} columns"
        )
    return _light_levels(f, [SEVERITY[r.light] for r in rules])


def assign_lights(flags: BoolArray, rules: Sequence[LightRule]) -> NDArray[np.object_]:
    """Return the light per row: the most severe fired rule (red > yellow > green_watch).

    Rows where no rule fired are ``"green"``.

    Args:
        flags: ``(n, len(rules))`` bool matrix from `evaluate_rules`.
        rules: The same rules, in the same order.

    Raises:
        InvalidValueError: ``flags`` has the wrong shape or dtype.

    Examples:
        >>> import numpy as np
        >>> from kamlib.scoring import DEFAULT_LIGHT_RULES, assign_lights
        >>> flags = np.zeros((2, len(DEFAULT_LIGHT_RULES)), dtype=bool)
        >>> flags[1, 5] = flags[1, 3] = True  # late delivery and low satisfaction
        >>> assign_lights(flags, DEFAULT_LIGHT_RULES).tolist()
        ['green', 'yellow']
    """
    out: NDArray[np.object_] = _LIGHT_ARRAY[light_levels(flags, rules)]
    return out


# ---------------------------------------------------------------------------- score bands
DEFAULT_HEALTH_BANDS = HysteresisBands(
    ("red", "yellow", "green"), enter=(30.0, 45.0), exit=(25.0, 40.0)
)
"""kamlib's default score bands of the light (the sources give none; kamlib's own choice).

A first score below 30 is red, below 45 yellow, else green. Health scores are relative to
the fitted population (min-max ranges, percentiles), so a typical account scores about 50:
the bands flag roughly the weakest quarter of a portfolio yellow and its tail red, on top
of the source's event rules. With the previous period's
result (``HealthModel.score(table, previous=...)``) the bands hold against small moves: a
red account turns yellow at 30, a yellow one turns red only below 25; yellow turns green
at 45, green turns yellow only below 40.
"""


def check_bands(bands: HysteresisBands, path: str) -> None:
    """Refuse bands whose labels are not lights ordered from the worst band up.

    Raises:
        InvalidValueError: A label that is not one of `LIGHTS`, or labels that do not
            get strictly less severe from the lowest band to the highest.
    """
    for i, label in enumerate(bands.labels):
        if label not in SEVERITY:
            raise InvalidValueError(f"{path}.labels[{i}]", label, f"must be one of {list(LIGHTS)}")
    sev = [SEVERITY[label] for label in bands.labels]
    if any(b >= a for a, b in itertools.pairwise(sev)):
        raise InvalidValueError(
            f"{path}.labels",
            bands.labels,
            "must run from the most severe light (lowest scores) to the least severe",
        )


def band_codes(bands: HysteresisBands) -> tuple[str, ...]:
    """Reason codes of the bands below the top one: ``score_band_<light>``.

    Examples:
        >>> from kamlib.scoring.health import DEFAULT_HEALTH_BANDS, band_codes
        >>> band_codes(DEFAULT_HEALTH_BANDS)
        ('score_band_red', 'score_band_yellow')
    """
    return tuple(f"score_band_{label}" for label in bands.labels[:-1])


def band_texts(bands: HysteresisBands) -> dict[str, str]:
    """The reason text of each band code (what score enters the band above, and leaves it).

    Examples:
        >>> from kamlib.scoring.health import DEFAULT_HEALTH_BANDS
        >>> from kamlib.scoring.health._lights import band_texts
        >>> band_texts(DEFAULT_HEALTH_BANDS)["score_band_red"][:44]
        'Red: health score in the red band (below 30 '
    """
    out = {}
    for i, label in enumerate(bands.labels[:-1]):
        out[f"score_band_{label}"] = (
            f"{label.replace('_', ' ').capitalize()}: health score in the {label} band "
            f"(below {bands.enter[i]:g} on a first score; {bands.labels[i + 1]} again from "
            f"{bands.enter[i]:g}; kamlib's score bands, the sources give none)"
        )
    return out


RESCUE_CODE = "rescue"
"""Reason code of the rescue alert in `HealthModel` results (``rescue_drop``)."""


def rescue_fired(
    previous: NDArray[np.float64], current: NDArray[np.float64], drop: float
) -> BoolArray:
    """Source rule [003]'s rescue: ``current <= (1 - drop) * previous`` and ``previous > 0``.

    With the relative tolerance `DECLINE_TOLERANCE`, so an exact 20 % fall fires; NaN (no
    previous score) never fires. The one formula behind
    [`rescue_alerts`][kamlib.signals.rescue_alerts] and the model's ``rescue_drop``;
    inputs are checked by their callers.

    Examples:
        >>> import numpy as np
        >>> from kamlib.scoring.health._lights import rescue_fired
        >>> rescue_fired(np.array([80.0, 80.0, 0.0]), np.array([64.0, 65.0, 0.0]), 0.2).tolist()
        [True, False, False]
    """
    out: BoolArray = current <= previous * ((1.0 - drop) * (1.0 + DECLINE_TOLERANCE))
    out &= previous > 0.0
    return out
