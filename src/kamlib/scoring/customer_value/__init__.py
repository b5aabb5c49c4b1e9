"""Customer-value scorers: NPS, RFM, CLV tiers and Pareto/ABC, each a Scorer on the chassis.

Source [003] identifies key accounts by the value customers bring: an **RFM** screen
(recency, frequency, monetary) that picks a top 5 %, **CLV** (customer lifetime value) with
S/A/B/C tiers, the **80/20** rule, and **NPS** for loyalty; source [004] judges key-account
work by the **lifetime profit** a customer brings, knowing the **cost to serve**. Each
method is its own module (one algorithm family per module); they share the row-wise
helpers of ``_common`` (tier codes, column checks).

Examples:
    >>> from kamlib.scoring.customer_value import NetPromoterScore
    >>> NetPromoterScore().name
    'nps'
"""

from __future__ import annotations

from kamlib.scoring.customer_value._clv import (
    CLV_TIERS,
    DEFAULT_TIER_QUANTILES,
    MAX_HORIZON,
    CustomerLifetimeValue,
    margin_multiple,
)
from kamlib.scoring.customer_value._nps import (
    NPS_COLUMNS,
    NPS_FILL_VALUE,
    NetPromoterScore,
    NpsSummary,
    nps_summary,
)
from kamlib.scoring.customer_value._pareto import ABC_CLASSES, Concentration, ParetoABC
from kamlib.scoring.customer_value._rfm import (
    DEFAULT_RFM_SEGMENTS,
    MAX_BINS,
    RFM,
    RFM_FEATURES,
    TOP_SHARE,
    RfmSegment,
)

__all__ = [
    "ABC_CLASSES",
    "Concentration",
    "ParetoABC",
    "CLV_TIERS",
    "DEFAULT_TIER_QUANTILES",
    "MAX_HORIZON",
    "CustomerLifetimeValue",
    "margin_multiple",
    "DEFAULT_RFM_SEGMENTS",
    "MAX_BINS",
    "RFM",
    "RFM_FEATURES",
    "TOP_SHARE",
    "RfmSegment",
    "NPS_COLUMNS",
    "NPS_FILL_VALUE",
    "NetPromoterScore",
    "NpsSummary",
    "nps_summary",
]
