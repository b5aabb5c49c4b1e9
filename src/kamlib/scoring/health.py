"""The health model: a 0-100 health score, three-colour lights and trend alerts.

Seed rule [000]: account health is reported quarterly in three dimensions: *business
health* (业务健康: purchase stability, growth), *relationship health* (关系健康: interaction
frequency with key persons, satisfaction) and *ecosystem health* (生态健康: breadth of
cooperation). :class:`HealthModel` builds a tree ``measures -> dimensions -> overall``:

* each :class:`Measure` maps one raw feature to 0-100 points (min-max with a fitted or
  fixed range, or fitted percentiles; benefit or cost direction) and has a missing-data
  policy (exclude and renormalise, neutral, penalty, require);
* each :class:`Node` aggregates its children with a swappable aggregator: weighted mean
  (default), worst-of (``"min"``) or veto (a named child below a floor caps the node);
* the three-colour light (三色灯) comes from declarative :class:`LightRule` data, seed rules
  [000] by default: red (红灯) when the key decision-maker left, the budget is frozen or a
  competitor entered; yellow (黄灯) when satisfaction is below 70 or renewal is unclear;
  green-watch (绿灯观察) on a single late delivery.

Trend alerts, hysteresis and overrides, functions of scores over time, live in
:mod:`kamlib.signals`; :func:`revenue_decline_rule` is the two-quarter decline [000] as a
light rule.

Examples:
    >>> from kamlib import FeatureTable
    >>> from kamlib.scoring import HealthModel
    >>> t = FeatureTable.from_columns(["A1", "A2"], {
    ...     "purchase_stability": [0.9, 0.5], "revenue_growth": [0.10, -0.20],
    ...     "interaction_frequency": [4.0, 1.0], "satisfaction": [85.0, 60.0],
    ...     "cooperation_breadth": [3, 1],
    ...     "risk_key_decision_maker_left": [0, 0], "risk_budget_frozen": [0, 1],
    ...     "risk_competitor_entered": [0, 0], "risk_late_delivery": [1, 0],
    ...     "renewal_unclear": [0, 0],
    ... })
    >>> st = HealthModel().fit(t).score(t)
    >>> st.labels.tolist()
    ['green_watch', 'red']
    >>> st.reasons_of("A2")
    ('budget_frozen', 'satisfaction_below_70')
    >>> bool(st.scores[0] > st.scores[1])
    True
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, ClassVar, Self

import attrs
import numpy as np
from numpy.typing import NDArray

from kamlib._table import MAGNITUDE, MAX_MAGNITUDE, FeatureTable
from kamlib._validators import (
    as_float,
    as_float_tuple,
    as_tuple,
    check_real,
    each,
    instance_of,
    non_empty_str,
    one_of,
    optional,
    real,
)
from kamlib.errors import (
    FieldError,
    InvalidTypeError,
    InvalidValueError,
    NotFittedError,
)
from kamlib.scoring._base import (
    ScoreTable,
    default_registry,
    owned_readonly,
    require_columns,
)
from kamlib.scoring._config import mapping_from_config
from kamlib.scoring._health_kernel import (
    LIGHT_ARRAY,
    LIGHTS,
    SEVERITY,
    NodePlan,
    TreePlan,
    aggregate,
    light_levels,
    rule_flags,
)
from kamlib.scoring._kernel import MISSING_POLICIES
from kamlib.scoring._kernel import normalised as normalise_weights
from kamlib.scoring._mappings import (
    POINTS_MAX,
    AnyMapping,
    Bands,
    MinMax,
    Percentile,
    Piecewise,
)

__all__ = [
    "AGGREGATORS",
    "COMPARISONS",
    "DECLINE_TOLERANCE",
    "DEFAULT_FILL_POINTS",
    "DEFAULT_LIGHT_RULES",
    "DEFAULT_MEASURES",
    "DEFAULT_NODES",
    "DIRECTIONS",
    "HEALTH_MAX",
    "LIGHTS",
    "POINTS_TO_HEALTH",
    "HealthModel",
    "LightRule",
    "Measure",
    "Node",
    "assign_lights",
    "decline_limit",
    "evaluate_rules",
    "revenue_decline_rule",
]

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]

DIRECTIONS: tuple[str, ...] = ("benefit", "cost")
HEALTH_MAX = 100.0
"""Top of the health scale: measures, nodes and the overall score run from 0 to 100."""
POINTS_TO_HEALTH = HEALTH_MAX / POINTS_MAX
"""10: a mapping's 0-10 points times this are a measure's 0-100 health points (the one place)."""
DEFAULT_FILL_POINTS = 50.0
"""Health points of a missing value under ``missing="fill"`` unless ``fill_points`` is given
(the middle of the scale: kamlib's choice, the sources give none)."""
AGGREGATORS: tuple[str, ...] = ("mean", "min", "veto")
COMPARISONS: tuple[str, ...] = ("<", "<=", ">", ">=", "==", "!=")
RULE_LIGHTS: tuple[str, ...] = ("green_watch", "yellow", "red")
ON_MISSING: tuple[str, ...] = ("skip", "fire")
CONFIG_VERSION = 1
DECLINE_TOLERANCE = 1e-12
"""Relative tolerance of the decline alerts, so that an exact 15 % (or 20 %) fall counts
despite float rounding (kamlib's choice)."""


# ---------------------------------------------------------------------------- converters
def _to_float_or_none(value: object) -> object:
    return None if value is None else as_float(value)


def _to_float_tuple(value: object) -> object:
    return None if value is None else as_float_tuple(value)


def _to_str_tuple(value: object) -> object:
    if isinstance(value, str):
        return (value,)
    return as_tuple(value)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------- measure
def _default_fill(self: Measure) -> float | None:
    return DEFAULT_FILL_POINTS if self.missing == "fill" else None


@attrs.frozen
class Measure:
    """One leaf of the health tree: a raw feature mapped to 0-100 health points.

    The ``mapping`` is one of the shared mappings (the same ones the weighted-points
    criteria use), giving 0-10 points; the measure multiplies them by
    :data:`POINTS_TO_HEALTH` (10) to reach the 0-100 health scale, then applies the
    direction (``"cost"``: ``100 - p``, more is worse). NaN stays NaN.

    * ``MinMax()`` (default): linear between the observed minimum and maximum, learned by
      :meth:`HealthModel.fit`; ``MinMax(0, 100)`` is a fixed range, never refitted. A
      constant range gives every account 50. Must clip (``clip=True``): health points
      stay in 0-100.
    * ``Percentile()``: the value's percentile among the fitted population, from 101
      fitted quantiles (0 %, 1 %, ..., 100 %), linear between them.
    * ``Bands(edges, points)`` and ``Piecewise(xs, ys)``: fixed steps or knots, their
      points given on the 0-10 scale.

    Missing values (``missing``, the one vocabulary of
    :data:`kamlib.scoring._kernel.MISSING_POLICIES`): ``"renormalise"`` (default) leaves
    the measure out for that account and renormalises its siblings' weights;
    ``"fill"`` gives it ``fill_points`` (0-100 health points, default 50);
    ``"penalty"`` gives it 0 points (the bottom of the scale); ``"raise"`` makes
    :meth:`HealthModel.score` raise :class:`~kamlib.errors.InvalidValueError` naming the
    account and the measure.

    Attributes:
        name: Component name, unique in the model (shown in contributions).
        feature: Feature column read; defaults to ``name``.
        direction: ``"benefit"`` (more is better) or ``"cost"``.
        mapping: ``MinMax``, ``Percentile``, ``Bands`` or ``Piecewise`` (default ``MinMax()``).
        missing: Missing-data policy: ``"renormalise"``, ``"fill"``, ``"penalty"``, ``"raise"``.
        fill_points: Health points (0-100) of a missing value under ``"fill"`` (default 50);
            only used by ``"fill"``.

    Examples:
        >>> from kamlib.scoring import Measure, MinMax, Percentile
        >>> Measure("satisfaction", mapping=MinMax(0, 100)).is_fitted
        True
        >>> Measure("revenue_growth", mapping=Percentile()).is_fitted
        False
        >>> Measure("nps", missing="fill").fill_points
        50.0
        >>> Measure("x", missing="penalty", fill_points=10)
        Traceback (most recent call last):
        ...
        kamlib.errors.InvalidValueError: Measure.fill_points: is only used by missing='fill'; \
got 10.0
    """

    name: str = attrs.field(validator=non_empty_str())
    feature: str = attrs.field(
        default=attrs.Factory(lambda self: self.name, takes_self=True),
        validator=non_empty_str(),
    )
    direction: str = attrs.field(default="benefit", validator=one_of(*DIRECTIONS))
    mapping: AnyMapping = attrs.field(
        factory=MinMax, validator=instance_of(MinMax, Percentile, Bands, Piecewise)
    )
    missing: str = attrs.field(default="renormalise", validator=one_of(*MISSING_POLICIES))
    fill_points: float | None = attrs.field(
        default=attrs.Factory(_default_fill, takes_self=True),
        converter=_to_float_or_none,
        validator=optional(real(ge=0.0, le=HEALTH_MAX)),
    )

    def __attrs_post_init__(self) -> None:
        cls = type(self).__name__
        if isinstance(self.mapping, MinMax) and not self.mapping.clip:
            raise InvalidValueError(
                f"{cls}.mapping",
                self.mapping,
                "must clip (MinMax(..., clip=True)): health points stay in 0-100",
            )
        if self.missing == "fill" and self.fill_points is None:
            raise InvalidValueError(
                f"{cls}.fill_points", None, "is required by missing='fill' (0-100 points)"
            )
        if self.missing != "fill" and self.fill_points is not None:
            raise InvalidValueError(
                f"{cls}.fill_points", self.fill_points, "is only used by missing='fill'"
            )

    @property
    def is_fitted(self) -> bool:
        """True when the mapping can map values (a given range or knots, or fitted ones).

        Examples:
            >>> from kamlib.scoring import Measure, MinMax
            >>> Measure("x", mapping=MinMax(0, 1)).is_fitted, Measure("x").is_fitted
            (True, False)
        """
        return self.mapping.is_fitted

    def fitted(self, observed: FloatArray) -> Measure:
        """Return the measure with what its mapping still lacks learned from ``observed``.

        Pinned means pinned: a mapping that already has its range or knots (given, or a
        fitted config loaded back) is kept as it is, and so is the measure.

        Args:
            observed: The observed (not missing) values of the measure's feature.

        Raises:
            InvalidValueError: The mapping needs fitting and no value is observed.

        Examples:
            >>> import numpy as np
            >>> from kamlib.scoring import Measure
            >>> Measure("x").fitted(np.array([3.0, 1.0, 2.0])).mapping
            MinMax(lo=1.0, hi=3.0, clip=True)
        """
        if self.is_fitted:
            return self  # pinned means pinned
        if observed.size == 0:
            raise InvalidValueError(
                f"HealthModel.measures[{self.name!r}]",
                self.feature,
                "has no observed value to fit",
            )
        mapping = self.mapping.fit(observed, f"HealthModel.measures[{self.name!r}].mapping")
        return attrs.evolve(self, mapping=mapping)

    def points(self, x: FloatArray) -> FloatArray:
        """Map raw values to 0-100 health points (direction applied; NaN stays NaN).

        ``POINTS_TO_HEALTH * mapping.points(x)``, then ``100 - p`` for ``"cost"``: element
        by element, so every account's points depend on its own value only.

        Raises:
            NotFittedError: The mapping still needs :meth:`HealthModel.fit`.

        Examples:
            >>> import numpy as np
            >>> from kamlib.scoring import Measure, MinMax
            >>> m = Measure("x", direction="cost", mapping=MinMax(0, 10))
            >>> m.points(np.array([0.0, 2.5, 20.0])).tolist()
            [100.0, 75.0, 0.0]
        """
        # A range narrower than a float's spacing makes MinMax's quotient overflow to inf,
        # which its clip turns into the top of the scale: the right answer, no warning.
        with np.errstate(over="ignore"):
            p = self.mapping.points(x)
        p = p * POINTS_TO_HEALTH
        if self.direction == "cost":
            p = HEALTH_MAX - p
        out: FloatArray = p
        return out


# ---------------------------------------------------------------------------- node
@attrs.frozen
class Node:
    """An inner node of the health tree (a dimension or the overall score).

    Aggregators (``V`` = child values, ``w`` = weights of the *available* children):

    * ``"mean"`` (default): ``sum(w * V) / sum(w)``; a child with no data is dropped and
      the remaining weights renormalised.
    * ``"min"`` (worst-of): the lowest available child. Its contribution carries the
      node's whole value; the other children contribute 0 (ties: the first child).
    * ``"veto"``: the weighted mean, but when ``veto_child`` is below ``veto_floor`` the
      node is capped at ``veto_cap`` (``0`` zeroes it). The cap scales every child's
      contribution by ``veto_cap / mean``, so contributions still add up. A missing
      veto child never vetoes.

    Weights also define the nominal shares used for ``coverage``, for every aggregator.

    Attributes:
        name: Node name, unique among nodes and measures.
        children: Names of measures or other nodes.
        weights: One non-negative weight per child; empty means equal weights.
        aggregator: ``"mean"``, ``"min"`` or ``"veto"``.
        veto_child: The child checked by ``"veto"``.
        veto_floor: Points (0-100) below which the veto fires.
        veto_cap: Points (0-100) the node is capped at when vetoed.

    Examples:
        >>> from kamlib.scoring import Node
        >>> Node("business", ("purchase_stability", "revenue_growth"), (2, 1)).weights
        (2.0, 1.0)
        >>> Node("x", ("a", "b"), aggregator="median")
        Traceback (most recent call last):
        ...
        kamlib.errors.InvalidValueError: Node.aggregator: must be one of 'mean', 'min', \
'veto'; got 'median'
    """

    name: str = attrs.field(validator=non_empty_str())
    children: tuple[str, ...] = attrs.field(
        converter=_to_str_tuple, validator=each(non_empty_str())
    )
    weights: tuple[float, ...] = attrs.field(
        default=(), converter=_to_float_tuple, validator=each(real(ge=0.0, le=MAX_MAGNITUDE))
    )
    aggregator: str = attrs.field(default="mean", validator=one_of(*AGGREGATORS))
    veto_child: str | None = attrs.field(default=None, validator=optional(non_empty_str()))
    veto_floor: float = attrs.field(
        default=0.0, converter=as_float, validator=real(ge=0.0, le=100.0)
    )
    veto_cap: float = attrs.field(default=0.0, converter=as_float, validator=real(ge=0.0, le=100.0))

    def __attrs_post_init__(self) -> None:
        if not self.children:
            raise InvalidValueError("Node.children", self.children, "must name at least one child")
        if len(set(self.children)) != len(self.children):
            raise InvalidValueError("Node.children", self.children, "must not repeat a child")
        if self.weights:
            if len(self.weights) != len(self.children):
                raise InvalidValueError(
                    "Node.weights",
                    self.weights,
                    f"must hold one weight per child ({len(self.children)})",
                )
            if sum(self.weights) <= 0.0:
                raise InvalidValueError("Node.weights", self.weights, "must not all be zero")
        if self.aggregator == "veto":
            if self.veto_child not in self.children:
                raise InvalidValueError(
                    "Node.veto_child", self.veto_child, f"must be one of {list(self.children)}"
                )
        elif self.veto_child is not None:
            raise InvalidValueError(
                "Node.veto_child", self.veto_child, "is only used by aggregator 'veto'"
            )

    @property
    def shares(self) -> tuple[float, ...]:
        """Weights normalised to sum to 1 (equal shares when no weights were given).

        Examples:
            >>> from kamlib.scoring import Node
            >>> Node("n", ("a", "b", "c", "d")).shares
            (0.25, 0.25, 0.25, 0.25)
        """
        return normalise_weights(self.weights or (1.0,) * len(self.children))


# ---------------------------------------------------------------------------- rules
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


#: Seed rules [000] of the three-colour warning (三色灯).
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
    step above it, still counts. The one threshold of :func:`revenue_decline_rule` and
    :func:`kamlib.signals.two_quarter_decline`, so both fire on the same accounts.

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
    """Return the two-quarter purchase decline alert as a :class:`LightRule`.

    Seed rule [000]: alert when the purchase amount falls 15% for two consecutive
    quarters (连续两季度下降15%); kamlib reads it as a fall of at least 15% in each of the
    two quarters, compared with a tolerance (:func:`decline_limit`) so that an exact 15%
    fall always fires. Fires exactly where :func:`kamlib.signals.two_quarter_decline`
    does. Not in :data:`DEFAULT_LIGHT_RULES` (the seed gives it no colour; yellow is
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


def evaluate_rules(table: FeatureTable, rules: Sequence[LightRule]) -> BoolArray:
    """Return the ``(n, len(rules))`` matrix of fired rules (vectorised).

    Args:
        table: Feature table holding every rule's features.
        rules: The rules, e.g. :data:`DEFAULT_LIGHT_RULES`.

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
    rules = _check_rules(rules, "rules")
    require_columns(table, [f for r in rules for f in r.feature], "evaluate_rules")
    n = len(table)
    cols = [[table.column(f) for f in r.feature] for r in rules]
    masks = [[_mask_or_none(table, f) for f in r.feature] for r in rules]
    return rule_flags(
        cols,
        masks,
        [r.comparison for r in rules],
        [r.threshold for r in rules],
        [r.on_missing == "fire" for r in rules],
        n,
    )


def assign_lights(flags: BoolArray, rules: Sequence[LightRule]) -> NDArray[np.object_]:
    """Return the light per row: the most severe fired rule (red > yellow > green_watch).

    Rows where no rule fired are ``"green"``.

    Args:
        flags: ``(n, len(rules))`` bool matrix from :func:`evaluate_rules`.
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
    rules = _check_rules(rules, "rules")
    f = np.asarray(flags)
    if f.dtype != np.bool_ or f.ndim != 2 or f.shape[1] != len(rules):
        raise InvalidValueError(
            "flags", f.shape, f"must be a bool matrix with {len(rules)} columns"
        )
    level = light_levels(f, [SEVERITY[r.light] for r in rules])
    out: NDArray[np.object_] = LIGHT_ARRAY[level]
    return out


def _mask_or_none(table: FeatureTable, name: str) -> BoolArray | None:
    if table.missing is None:
        return None
    mask = table.mask(name)
    return mask if mask.any() else None


def _check_rules(rules: object, path: str) -> tuple[LightRule, ...]:
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


# ---------------------------------------------------------------------------- defaults
#: Seed measures [000]: business (purchase stability, growth), relationship (interaction
#: frequency, satisfaction), ecosystem (cooperation breadth). The mappings are kamlib's
#: defaults: purchase stability fixed 0-1, growth by percentile, interaction frequency
#: and breadth min-max learned by ``fit``, satisfaction fixed 0-100.
DEFAULT_MEASURES: tuple[Measure, ...] = (
    Measure("purchase_stability", mapping=MinMax(0.0, 1.0)),
    Measure("revenue_growth", mapping=Percentile(n_knots=101)),
    Measure("interaction_frequency", mapping=MinMax()),
    Measure("satisfaction", mapping=MinMax(0.0, 100.0)),
    Measure("cooperation_breadth", mapping=MinMax()),
)

#: Seed tree [000]: three equally weighted dimensions (the source gives no weights).
DEFAULT_NODES: tuple[Node, ...] = (
    Node("business", ("purchase_stability", "revenue_growth")),
    Node("relationship", ("interaction_frequency", "satisfaction")),
    Node("ecosystem", ("cooperation_breadth",)),
    Node("overall", ("business", "relationship", "ecosystem")),
)


# ---------------------------------------------------------------------------- model
def _compile(measures: tuple[Measure, ...], nodes: tuple[Node, ...], root: str) -> TreePlan:
    """Validate the tree and compile it to slots (measures first, then nodes bottom-up)."""
    m_names = [m.name for m in measures]
    for i, name in enumerate(m_names):
        if name in m_names[:i]:
            raise InvalidValueError(f"HealthModel.measures[{i}].name", name, "is not unique")
    n_names = [n.name for n in nodes]
    for i, name in enumerate(n_names):
        if name in n_names[:i]:
            raise InvalidValueError(f"HealthModel.nodes[{i}].name", name, "is not unique")
        if name in m_names:
            raise InvalidValueError(
                f"HealthModel.nodes[{i}].name", name, "is also the name of a measure"
            )
    if root not in n_names:
        raise InvalidValueError("HealthModel.root", root, f"must name a node; have {n_names}")
    by_name = {n.name: n for n in nodes}
    parent: dict[str, str] = {}
    for i, node in enumerate(nodes):
        for k, child in enumerate(node.children):
            path = f"HealthModel.nodes[{i}].children[{k}]"
            if child not in by_name and child not in m_names:
                raise InvalidValueError(path, child, "names no measure or node")
            if child == root:
                raise InvalidValueError(path, child, "is the root; the root has no parent")
            if child in parent:
                raise InvalidValueError(
                    path, child, f"already has parent {parent[child]!r}; the tree needs one"
                )
            parent[child] = node.name
    slot_of = {name: j for j, name in enumerate(m_names)}
    order: list[Node] = []
    shares: dict[str, float] = {root: 1.0}
    stack: list[tuple[str, bool]] = [(root, False)]
    seen: set[str] = set()
    while stack:  # iterative post-order; single parents make cycles unreachable from root
        name, done = stack.pop()
        node = by_name[name]
        if done:
            order.append(node)
            continue
        seen.add(name)
        stack.append((name, True))
        for child, share in zip(node.children, node.shares, strict=True):
            shares[child] = shares[name] * share
            if child in by_name:
                stack.append((child, False))
    for i, node in enumerate(nodes):
        if node.name not in seen:
            raise InvalidValueError(
                f"HealthModel.nodes[{i}].name", node.name, f"is not reachable from {root!r}"
            )
    for i, m in enumerate(measures):
        if m.name not in parent:
            raise InvalidValueError(
                f"HealthModel.measures[{i}].name", m.name, "is not a child of any node"
            )
    plans: list[NodePlan] = []
    for node in order:
        slot_of[node.name] = len(m_names) + len(plans)
        plans.append(
            NodePlan(
                name=node.name,
                slot=slot_of[node.name],
                children=tuple(slot_of[c] for c in node.children),
                weights=node.weights or (1.0,) * len(node.children),
                aggregator=node.aggregator,
                veto_child=(
                    node.children.index(node.veto_child) if node.veto_child is not None else -1
                ),
                veto_floor=node.veto_floor,
                veto_cap=node.veto_cap,
            )
        )
    return TreePlan(
        n_measures=len(m_names),
        nodes=tuple(plans),
        static_weights=tuple(shares[name] for name in m_names),
    )


def _tuple_of(cls: type, path: str) -> Any:
    def check(inst: object, attr: attrs.Attribute[Any], value: object) -> None:
        p = f"HealthModel.{attr.name}"
        if not isinstance(value, tuple):
            raise InvalidTypeError(p, value, f"must be a sequence of {cls.__name__}")
        for i, item in enumerate(value):
            if not isinstance(item, cls):
                raise InvalidTypeError(f"{p}[{i}]", item, f"must be a {cls.__name__}")

    return check


@attrs.frozen
class HealthModel:
    """Health score (0-100) over a measure tree, with a three-colour light from rules.

    Seed rule [000]: three dimensions reported quarterly, business, relationship and
    ecosystem health, combined into an overall score; the three-colour warning (三色灯)
    gives red / yellow / green-watch / green. ``fit`` learns what the measures' mappings
    still lack (min-max ranges, percentile knots) and nothing else; a fitted model is
    pinned (its :meth:`get_config` holds every parameter), so an account's score depends
    only on its own row: alone, in a batch, in any order or partition, the same bits.

    The :class:`~kamlib.scoring.ScoreTable` holds the overall score, one contribution per
    measure (they add up to the score), ``coverage`` (the nominal weight share of the
    measures actually observed), the light as ``labels`` (classes ``green``,
    ``green_watch``, ``yellow``, ``red``) and every fired rule as a reason. An account with
    no observed measure (all left out under ``"renormalise"``) scores 0 with coverage 0.

    Attributes:
        measures: The leaves, default :data:`DEFAULT_MEASURES`.
        nodes: The inner nodes, default :data:`DEFAULT_NODES`.
        rules: The light rules, default :data:`DEFAULT_LIGHT_RULES`.
        root: Name of the node holding the overall score.

    Examples:
        >>> from kamlib import FeatureTable
        >>> from kamlib.scoring import HealthModel, Measure, MinMax, Node
        >>> model = HealthModel(
        ...     measures=(Measure("satisfaction", mapping=MinMax(0, 100)),
        ...               Measure("nps", mapping=MinMax(-100, 100))),
        ...     nodes=(Node("overall", ("satisfaction", "nps"), (3, 1)),),
        ...     rules=(),
        ... )
        >>> t = FeatureTable.from_columns(["A", "B"], {"satisfaction": [80, 60], "nps": [0, None]})
        >>> st = model.score(t)
        >>> st.scores.tolist(), st.coverage.tolist()
        ([72.5, 60.0], [1.0, 0.75])
        >>> st.contributions.tolist()
        [[60.0, 12.5], [60.0, 0.0]]
    """

    name: ClassVar[str] = "health"

    measures: tuple[Measure, ...] = attrs.field(
        default=DEFAULT_MEASURES, converter=as_tuple, validator=_tuple_of(Measure, "measures")
    )
    nodes: tuple[Node, ...] = attrs.field(
        default=DEFAULT_NODES, converter=as_tuple, validator=_tuple_of(Node, "nodes")
    )
    rules: tuple[LightRule, ...] = attrs.field(
        default=DEFAULT_LIGHT_RULES, converter=as_tuple, validator=_tuple_of(LightRule, "rules")
    )
    root: str = attrs.field(default="overall", validator=non_empty_str())
    _plan: TreePlan = attrs.field(init=False, eq=False, repr=False, alias="_plan")

    def __attrs_post_init__(self) -> None:
        if not self.measures:
            raise InvalidValueError("HealthModel.measures", (), "must hold at least one measure")
        _check_rules(self.rules, "HealthModel.rules")
        object.__setattr__(self, "_plan", _compile(self.measures, self.nodes, self.root))

    # ------------------------------------------------------------------ protocol
    @property
    def is_fitted(self) -> bool:
        """True when every measure's mapping has its range or knots.

        Examples:
            >>> from kamlib.scoring import HealthModel
            >>> HealthModel().is_fitted
            False
        """
        return all(m.is_fitted for m in self.measures)

    @property
    def required_features(self) -> tuple[str, ...]:
        """Columns read by :meth:`score`: measure features, then rule features.

        Examples:
            >>> from kamlib.scoring import HealthModel
            >>> HealthModel().required_features[:2]
            ('purchase_stability', 'revenue_growth')
        """
        names = [m.feature for m in self.measures] + [f for r in self.rules for f in r.feature]
        return tuple(dict.fromkeys(names))

    def fit(self, table: FeatureTable) -> Self:
        """Learn what the measures' mappings still lack from the observed values of ``table``.

        Pinned means pinned: a mapping with a given (or already fitted) range or knots is
        kept as it is. Returns a new model; ``self`` is unchanged.

        Raises:
            MissingFeatureError: A required column is absent.
            InvalidValueError: A measure to fit has no observed value.

        Examples:
            >>> from kamlib import FeatureTable
            >>> from kamlib.scoring import HealthModel, Measure, Node
            >>> m = HealthModel(measures=(Measure("x"),), nodes=(Node("overall", ("x",)),),
            ...                 rules=())
            >>> fitted = m.fit(FeatureTable.from_columns(["A", "B"], {"x": [2, 6]}))
            >>> fitted.measures[0].mapping
            MinMax(lo=2.0, hi=6.0, clip=True)
        """
        require_columns(table, self.required_features, "HealthModel")
        new: list[Measure] = []
        for m in self.measures:
            col = table.column(m.feature)
            observed = col[~table.mask(m.feature)]
            new.append(m.fitted(observed))
        return attrs.evolve(self, measures=tuple(new))

    def score(self, table: FeatureTable) -> ScoreTable:
        """Score every row with the pinned parameters (vectorised).

        Raises:
            NotFittedError: A measure still needs :meth:`fit`.
            MissingFeatureError: A required column is absent.
            InvalidValueError: A ``missing="raise"`` measure is missing for an account (the
                message names the account and the measure).

        Examples:
            >>> from kamlib import FeatureTable
            >>> from kamlib.scoring import HealthModel, Measure, Node
            >>> m = HealthModel(measures=(Measure("x", missing="raise"),),
            ...                 nodes=(Node("overall", ("x",)),), rules=())
            >>> m = m.fit(FeatureTable.from_columns(["A", "B"], {"x": [0, 10]}))
            >>> m.score(FeatureTable.from_columns(["C"], {"x": [2.5]})).scores.tolist()
            [25.0]
            >>> m.score(FeatureTable.from_columns(["C"], {"x": [None]}))
            Traceback (most recent call last):
            ...
            kamlib.errors.InvalidValueError: HealthModel.measures['x']: is missing for \
account 'C' and the measure's policy is missing='raise'; got 'C'
        """
        score, contributions, coverage, _ = self._run(table, with_nodes=False)
        flags = evaluate_rules(table, self.rules)
        missing = None
        if table.missing is not None:
            missing = np.column_stack([table.mask(m.feature) for m in self.measures])
            if not missing.any():
                missing = None
        labels = assign_lights(flags, self.rules)
        return ScoreTable(
            scorer=self.name,
            config=self.get_config(),
            ids=table.ids,
            scores=owned_readonly(score),
            components=tuple(m.name for m in self.measures),
            contributions=contributions,
            coverage=owned_readonly(coverage),
            labels=owned_readonly(labels),
            classes=LIGHTS,
            margin=None,
            reason_codes=tuple(r.code for r in self.rules),
            reason_flags=owned_readonly(flags),
            reason_texts={r.code: r.reason for r in self.rules},
            component_missing=owned_readonly(missing),
        )

    def node_scores(self, table: FeatureTable) -> dict[str, FloatArray]:
        """Return every node's 0-100 value per account, e.g. the three dimension scores.

        A dimension with no observed measure is 0 for that account.

        Examples:
            >>> from kamlib import FeatureTable
            >>> from kamlib.scoring import HealthModel, Measure, MinMax, Node
            >>> m = HealthModel(
            ...     measures=(Measure("a", mapping=MinMax(0, 10)),
            ...               Measure("b", mapping=MinMax(0, 10))),
            ...     nodes=(Node("worst", ("a", "b"), aggregator="min"),), root="worst", rules=())
            >>> m.node_scores(FeatureTable.from_columns(["X"], {"a": [3], "b": [9]}))
            {'worst': array([30.])}
        """
        _, _, _, nodes = self._run(table, with_nodes=True)
        return nodes

    def get_config(self) -> dict[str, Any]:
        """Return the whole model (options and fitted parameters) as JSON-compatible data.

        Examples:
            >>> from kamlib.scoring import HealthModel
            >>> cfg = HealthModel().get_config()
            >>> cfg["scorer"], cfg["version"], [n["name"] for n in cfg["nodes"]]
            ('health', 1, ['business', 'relationship', 'ecosystem', 'overall'])
            >>> HealthModel.from_config(cfg) == HealthModel()
            True
        """
        return {
            "scorer": self.name,
            "version": CONFIG_VERSION,
            "root": self.root,
            "measures": [_plain_measure(m) for m in self.measures],
            "nodes": [_plain(n) for n in self.nodes],
            "rules": [_plain(r) for r in self.rules],
        }

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Self:
        """Rebuild a model from :meth:`get_config` output, validating it as untrusted input.

        Raises:
            InvalidTypeError: A part has the wrong type.
            InvalidValueError: Unknown or missing keys, a wrong version or scorer name, or
                any invalid field (the path names the list entry, e.g.
                ``config.measures[1].mapping.MinMax.lo``).

        Examples:
            >>> from kamlib.scoring import HealthModel
            >>> cfg = HealthModel().get_config()
            >>> cfg["nodes"][0]["aggregator"] = "max"
            >>> HealthModel.from_config(cfg)
            Traceback (most recent call last):
            ...
            kamlib.errors.InvalidValueError: config.nodes[0].aggregator: must be one of \
'mean', 'min', 'veto'; got 'max'
        """
        data = _mapping(
            "config",
            config,
            required={"measures", "nodes", "rules"},
            optional={"scorer", "version", "root"},
        )
        if data.get("scorer", cls.name) != cls.name:
            raise InvalidValueError("config.scorer", data["scorer"], f"must be {cls.name!r}")
        if data.get("version", CONFIG_VERSION) != CONFIG_VERSION:
            raise InvalidValueError("config.version", data["version"], f"must be {CONFIG_VERSION}")
        parts: dict[str, tuple[Any, ...]] = {}
        for key, kind in (("measures", Measure), ("nodes", Node), ("rules", LightRule)):
            items = data[key]
            if isinstance(items, str | bytes | Mapping) or not isinstance(items, Sequence):
                raise InvalidTypeError(f"config.{key}", items, "must be a list")
            parts[key] = tuple(
                _build_measure(item, f"config.{key}[{i}]")
                if kind is Measure
                else _build(kind, item, f"config.{key}[{i}]")
                for i, item in enumerate(items)
            )
        try:
            return cls(root=data.get("root", "overall"), **parts)
        except FieldError as exc:
            raise _repath(exc, "HealthModel", "config") from None

    # ------------------------------------------------------------------ kernel driver
    def _run(
        self, table: FeatureTable, *, with_nodes: bool
    ) -> tuple[FloatArray, FloatArray, FloatArray, dict[str, FloatArray]]:
        require_columns(table, self.required_features, "HealthModel")
        unfitted = [m.name for m in self.measures if not m.is_fitted]
        if unfitted:
            raise NotFittedError(
                "HealthModel.measures", unfitted, "need fitted parameters; call fit() first"
            )
        n, m = len(table), len(self.measures)
        masks: list[BoolArray | None] = [None] * m
        if table.missing is not None:
            for j, ms in enumerate(self.measures):
                miss = table.mask(ms.feature)
                if miss.any():
                    masks[j] = miss
        points: list[FloatArray] = []
        avail: list[BoolArray | None] = [None] * m
        for j, ms in enumerate(self.measures):
            p = ms.points(table.column(ms.feature))
            gap = masks[j]
            if gap is not None:
                miss = gap
                if ms.missing == "raise":
                    i = int(np.flatnonzero(miss)[0])
                    raise InvalidValueError(
                        f"HealthModel.measures[{ms.name!r}]",
                        table.ids[i],
                        f"is missing for account {table.ids[i]!r} and the measure's policy "
                        "is missing='raise'",
                    )
                if ms.missing == "renormalise":
                    p = np.where(miss, 0.0, p)
                    avail[j] = ~miss
                elif ms.missing == "fill":
                    assert ms.fill_points is not None  # the measure checks it
                    p = np.where(miss, ms.fill_points, p)
                else:  # "penalty": the bottom of the scale, weights unchanged
                    p = np.where(miss, 0.0, p)
            points.append(p)
        coverage = np.ones(n, dtype=np.float64)
        score, contributions, by_slot = aggregate(points, avail, self._plan)
        node_values = {p.name: by_slot[p.slot] for p in self._plan.nodes} if with_nodes else {}
        lost = np.zeros(n, dtype=np.float64)
        for j, gap in enumerate(masks):
            if gap is not None:
                lost += gap * self._plan.static_weights[j]
        coverage -= lost
        np.clip(score, 0.0, HEALTH_MAX, out=score)
        np.clip(coverage, 0.0, 1.0, out=coverage)
        return score, contributions, coverage, node_values


# ---------------------------------------------------------------------------- config parsing
def _plain(obj: Node | LightRule) -> dict[str, Any]:
    """Return an attrs instance as JSON-ready data (tuples become lists)."""
    return {k: list(v) if isinstance(v, tuple) else v for k, v in attrs.asdict(obj).items()}


def _plain_measure(m: Measure) -> dict[str, Any]:
    """Return a measure as JSON-ready data, its mapping in the mappings' own config form."""
    return {
        "name": m.name,
        "feature": m.feature,
        "direction": m.direction,
        "mapping": m.mapping.get_config(),
        "missing": m.missing,
        "fill_points": m.fill_points,
    }


def _mapping(path: str, value: object, *, required: set[str], optional: set[str]) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise InvalidTypeError(path, value, "must be a mapping")
    keys = set(value)
    for k in sorted(keys, key=str):
        if not isinstance(k, str):
            raise InvalidTypeError(path, k, "keys must be str")
    unknown = sorted(keys - required - optional)
    if unknown:
        raise InvalidValueError(
            path, unknown[0], f"unknown key; allowed: {sorted(required | optional)}"
        )
    missing = sorted(required - keys)
    if missing:
        raise InvalidValueError(path, missing[0], "required key is missing")
    return dict(value)


def _repath(exc: FieldError, cls_name: str, prefix: str) -> FieldError:
    path = exc.path
    if path.startswith((cls_name + ".", cls_name + "[")):
        path = prefix + path[len(cls_name) :]
    else:
        path = f"{prefix}.{path}"
    return type(exc)(path, exc.value, exc.reason)


def _build(cls: type[Any], data: object, path: str) -> Any:
    fields = attrs.fields_dict(cls)
    required = {k for k, f in fields.items() if f.default is attrs.NOTHING}
    d = _mapping(path, data, required=required, optional=set(fields) - required)
    try:
        return cls(**d)
    except FieldError as exc:
        raise _repath(exc, cls.__name__, path) from None


def _build_measure(data: object, path: str) -> Measure:
    """A measure from its config; the mapping from its own ``{"kind": ...}`` form."""
    fields = attrs.fields_dict(Measure)
    d = _mapping(path, data, required={"name"}, optional=set(fields) - {"name"})
    if "mapping" in d:
        d["mapping"] = mapping_from_config(d["mapping"], f"{path}.mapping")
    try:
        return Measure(**d)
    except FieldError as exc:
        raise _repath(exc, "Measure", path) from None


if "health" not in default_registry.names():
    default_registry.register("health", HealthModel)
