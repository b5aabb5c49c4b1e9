"""kamlib: Key Account Management as a typed, tested Python library.

Immutable domain types for a key-account portfolio, pluggable scorers (strategic value
matrix, weighted-points identification, health model) and stakeholder-network analyses.
The core does no I/O: dates (``as_of``) and random seeds are always parameters.

Subpackages: [`kamlib.model`][kamlib.model] (every domain type), [`kamlib.serde`][kamlib.serde]
(plain data),
`kamlib.features` (objects to columns), `kamlib.scoring` (scorers),
`kamlib.network` (stakeholder graphs), [`kamlib.testing`][kamlib.testing] (strategies and the
scorer conformance kit), [`kamlib.errors`][kamlib.errors] (the exception tree).

Examples:
    >>> import kamlib
    >>> kamlib.__version__
    '0.1.0'
    >>> from kamlib import Account, KamlibError
    >>> try:
    ...     Account("", "Acme",
    ...     industry="retail", region="east", size_band="large", cooperation_start=None)
    ... except KamlibError as err:
    ...     print(type(err).__name__, err.path)
    InvalidValueError Account.id
"""

from __future__ import annotations

from kamlib._table import FeatureTable
from kamlib.errors import KamlibError, KamlibValidationError
from kamlib.model import (
    Account,
    Commitment,
    CommitmentState,
    DecisionRole,
    Interaction,
    KeyPerson,
    Money,
    Opportunity,
    PeriodFigures,
    Portfolio,
    Portrait,
    Quarter,
    Relationship,
    RelationshipKind,
    RenewalIntent,
    RiskKind,
    RiskSignal,
    Side,
    StrategicAttributes,
)
from kamlib.scoring import (
    HealthModel,
    Scorer,
    ScoreTable,
    ValueMatrix,
    WeightedPoints,
)

__version__ = "0.1.0"

__all__ = [
    # domain model
    "Account",
    "KeyPerson",
    "Portrait",
    "Relationship",
    "Commitment",
    "Interaction",
    "Opportunity",
    "Portfolio",
    "Money",
    "Quarter",
    "PeriodFigures",
    "StrategicAttributes",
    "RiskSignal",
    "CommitmentState",
    "DecisionRole",
    "RelationshipKind",
    "RenewalIntent",
    "RiskKind",
    "Side",
    # scoring
    "FeatureTable",
    "Scorer",
    "ScoreTable",
    "ValueMatrix",
    "WeightedPoints",
    "HealthModel",
    # errors
    "KamlibError",
    "KamlibValidationError",
    "__version__",
]
