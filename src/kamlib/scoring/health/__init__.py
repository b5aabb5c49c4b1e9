"""The health model: a 0-100 health score and the three-colour light (三色灯).

Source rule [000]: account health is reported quarterly in three dimensions: *business
health* (业务健康: purchase stability, growth), *relationship health* (关系健康: interaction
frequency with key persons, satisfaction) and *ecosystem health* (生态健康: breadth of
cooperation). `HealthModel` builds a tree ``measures -> dimensions -> overall``:

* each `Measure` maps one raw feature to 0-100 points through one of the shared
  mappings ([`MinMax`][kamlib.scoring.MinMax], [`Percentile`][kamlib.scoring.Percentile],
  [`Bands`][kamlib.scoring.Bands], [`Piecewise`][kamlib.scoring.Piecewise]: 0-10 points, times
  10), benefit or cost direction, with a missing-data policy of the one vocabulary
  (``"renormalise"``, ``"fill"``, ``"penalty"``, ``"raise"``);
* each `Node` aggregates its children with a swappable aggregator: weighted mean
  (default), worst-of (``"min"``) or veto (a named child below a floor caps the node);
* the three-colour light comes from declarative `LightRule` data, source rules
  [000] by default: red (红灯) when the key decision-maker left, the budget is frozen or a
  competitor entered; yellow (黄灯) when satisfaction is below 70 or renewal is unclear;
  green-watch (绿灯观察) on a single late delivery.

Modules: ``_measures`` (measures), ``_tree`` (nodes, the compiled tree, aggregation),
``_lights`` (light rules and lights), ``_model`` (the scorer). Signals over time (trend
alerts, hysteresis, overrides) live in [`kamlib.signals`][kamlib.signals].

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
    ('budget_frozen', 'satisfaction_below_70', 'score_band_red')
    >>> bool(st.scores[0] > st.scores[1])
    True
"""

from __future__ import annotations

from kamlib.scoring.health._lights import (
    COMPARISONS,
    DECLINE_TOLERANCE,
    DEFAULT_HEALTH_BANDS,
    DEFAULT_LIGHT_RULES,
    LIGHTS,
    LightRule,
    assign_lights,
    band_codes,
    decline_limit,
    evaluate_rules,
    light_levels,
    revenue_decline_rule,
)
from kamlib.scoring.health._measures import (
    DEFAULT_FILL_POINTS,
    DEFAULT_MEASURES,
    DIRECTIONS,
    HEALTH_MAX,
    POINTS_TO_HEALTH,
    Measure,
)
from kamlib.scoring.health._model import HealthModel
from kamlib.scoring.health._tree import AGGREGATORS, DEFAULT_NODES, Node

__all__ = [
    "AGGREGATORS",
    "COMPARISONS",
    "DECLINE_TOLERANCE",
    "DEFAULT_FILL_POINTS",
    "DEFAULT_HEALTH_BANDS",
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
    "band_codes",
    "light_levels",
    "decline_limit",
    "evaluate_rules",
    "revenue_decline_rule",
]
