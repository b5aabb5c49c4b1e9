"""Pluggable scorers: the Scorer protocol, results, the registry and the built-in methods.

Built-ins: `ValueMatrix` (strategic value matrix), `WeightedPoints`
(weighted-points identification), `EmpiricalEstimate` (empirical estimation),
`HealthModel` (health score and three-colour lights) and the customer-value scorers
`RFM`, `CustomerLifetimeValue`, `ParetoABC` and `NetPromoterScore` (see
[`kamlib.scoring.customer_value`][kamlib.scoring.customer_value]).

Examples:
    >>> from kamlib.scoring import get_scorer
    >>> "empirical_estimate" in kamlib.scoring.default_registry.names()
    True
    >>> type(get_scorer("rfm")).__name__
    'RFM'
"""

from __future__ import annotations

from kamlib.scoring._chunks import score_chunked, score_chunks
from kamlib.scoring._config import (
    load_scorer,
    mapping_from_config,
    scorer_config,
    scorer_from_config,
)
from kamlib.scoring._kernel import MISSING_POLICIES
from kamlib.scoring._mappings import Bands, MinMax, Percentile, Piecewise
from kamlib.scoring._partitioned import GATHER_LIMIT, MAX_PASSES, PieceSummary, fit_partitioned
from kamlib.scoring._protocol import Scorer, require_columns
from kamlib.scoring._registry import (
    ENTRY_POINT_GROUP,
    ScorerRegistry,
    default_registry,
    get_scorer,
    register_scorer,
)
from kamlib.scoring._result import (
    ExplainDetails,
    ExplainRecipe,
    Explanation,
    LazyContributions,
    LinearContributions,
    ScoreTable,
    config_hash,
)
from kamlib.scoring.customer_value import (
    ABC_CLASSES,
    CLV_TIERS,
    DEFAULT_RFM_SEGMENTS,
    DEFAULT_TIER_QUANTILES,
    NPS_COLUMNS,
    NPS_FILL_VALUE,
    RFM,
    RFM_FEATURES,
    TOP_SHARE,
    Concentration,
    CustomerLifetimeValue,
    NetPromoterScore,
    NpsSummary,
    ParetoABC,
    RfmSegment,
    margin_multiple,
    nps_summary,
)
from kamlib.scoring.empirical import EmpiricalEstimate
from kamlib.scoring.health import (
    DEFAULT_LIGHT_RULES,
    DEFAULT_MEASURES,
    DEFAULT_NODES,
    LIGHTS,
    HealthModel,
    LightRule,
    Measure,
    Node,
    assign_lights,
    evaluate_rules,
    light_levels,
    revenue_decline_rule,
)
from kamlib.scoring.value_matrix import ABCD_NAMES, QUADRANT_POLICY, QUADRANTS, ValueMatrix
from kamlib.scoring.weighted_points import (
    DEFAULT_CRITERIA,
    Criterion,
    KeyAccountList,
    WeightedPoints,
)

__all__ = [
    "ENTRY_POINT_GROUP",
    "ExplainDetails",
    "ExplainRecipe",
    "Explanation",
    "LazyContributions",
    "LinearContributions",
    "ScoreTable",
    "Scorer",
    "score_chunked",
    "score_chunks",
    "fit_partitioned",
    "PieceSummary",
    "GATHER_LIMIT",
    "MAX_PASSES",
    "ScorerRegistry",
    "config_hash",
    "default_registry",
    "get_scorer",
    "load_scorer",
    "register_scorer",
    "scorer_config",
    "scorer_from_config",
    "MISSING_POLICIES",
    "require_columns",
    # value matrix, weighted points, empirical estimate
    "ABCD_NAMES",
    "QUADRANTS",
    "QUADRANT_POLICY",
    "ValueMatrix",
    "Bands",
    "MinMax",
    "Percentile",
    "Piecewise",
    "mapping_from_config",
    "EmpiricalEstimate",
    "DEFAULT_CRITERIA",
    "Criterion",
    "KeyAccountList",
    "WeightedPoints",
    # health model
    "DEFAULT_LIGHT_RULES",
    "DEFAULT_MEASURES",
    "DEFAULT_NODES",
    "LIGHTS",
    "HealthModel",
    "LightRule",
    "Measure",
    "Node",
    "assign_lights",
    "light_levels",
    "evaluate_rules",
    "revenue_decline_rule",
    # customer value (issue 10)
    "NPS_COLUMNS",
    "NPS_FILL_VALUE",
    "NetPromoterScore",
    "NpsSummary",
    "nps_summary",
    "DEFAULT_RFM_SEGMENTS",
    "RFM",
    "RFM_FEATURES",
    "RfmSegment",
    "TOP_SHARE",
    "CLV_TIERS",
    "CustomerLifetimeValue",
    "DEFAULT_TIER_QUANTILES",
    "margin_multiple",
    "ABC_CLASSES",
    "Concentration",
    "ParetoABC",
]

# Every built-in, registered in this one place under its class's ``name``.
for _builtin in (
    EmpiricalEstimate,
    CustomerLifetimeValue,
    HealthModel,
    NetPromoterScore,
    ParetoABC,
    RFM,
    ValueMatrix,
    WeightedPoints,
):
    default_registry.register(_builtin.name, _builtin, replace=True)
