"""The immutable domain model of key-account management.

Every type is a frozen, slotted `attrs` class validated on construction; errors
name the ``"Class.field"`` path and the offending value (see [`kamlib.errors`][kamlib.errors]).
Derive changed objects with `attrs.evolve` or the named updates
(`Commitment.transition`, ...). Datetimes must be timezone-aware.

Fields typed with a ``StrEnum`` accept the member's string value; tuple fields accept
any iterable (a list) and store a tuple.

Examples:
    >>> import datetime as dt
    >>> from kamlib.model import Account, Money, PeriodFigures, Quarter
    >>> acc = Account(
    ...     "A1", "Acme",
    ...     industry="manufacturing", region="east",
    ...     size_band="large", cooperation_start=dt.date(2023, 1, 1),
    ...     figures=[PeriodFigures(Quarter(2024, 1), Money(1000, "USD"),
    ...                            Money(300, "USD"), Money(100, "USD"))],
    ... )
    >>> acc.figures[0].net_profit
    Money(amount=200.0, currency='USD')
"""

from __future__ import annotations

from kamlib.model._account import (
    SATISFACTION_SCALE,
    SCORE_SCALE,
    Account,
    Need,
    NpsResponse,
    RiskSignal,
    SatisfactionSurvey,
    StrategicAttributes,
)
from kamlib.model._commitment import (
    LEGAL_TRANSITIONS,
    START_STATES,
    TERMINAL_STATES,
    Acceptance,
    Commitment,
    ProgressUpdate,
    RiskWarning,
    Transition,
)
from kamlib.model._complaint import Complaint
from kamlib.model._enums import (
    Channel,
    CommitmentState,
    ComplaintChannel,
    ComplaintSeverity,
    DecisionRole,
    InteractionLevel,
    NeedKind,
    NpsCategory,
    OpportunityStage,
    Outcome,
    RelationshipKind,
    RenewalIntent,
    RiskKind,
    Side,
    SizeBand,
)
from kamlib.model._interaction import Interaction
from kamlib.model._money import Money, PeriodFigures
from kamlib.model._opportunity import Opportunity
from kamlib.model._people import KeyPerson, Portrait, Relationship
from kamlib.model._portfolio import Portfolio
from kamlib.model._purchase import Purchase
from kamlib.model._time import Quarter

__all__ = [
    # scales
    "SCORE_SCALE",
    "SATISFACTION_SCALE",
    # money and time
    "Money",
    "Quarter",
    "PeriodFigures",
    # account
    "SizeBand",
    "RenewalIntent",
    "StrategicAttributes",
    "SatisfactionSurvey",
    "NpsCategory",
    "NpsResponse",
    "RiskKind",
    "RiskSignal",
    "NeedKind",
    "Need",
    "Account",
    # people
    "DecisionRole",
    "Side",
    "Portrait",
    "KeyPerson",
    "RelationshipKind",
    "Relationship",
    # commitments
    "CommitmentState",
    "LEGAL_TRANSITIONS",
    "START_STATES",
    "TERMINAL_STATES",
    "Transition",
    "RiskWarning",
    "ProgressUpdate",
    "Acceptance",
    "Commitment",
    # complaints (3R, the red channel)
    "ComplaintChannel",
    "ComplaintSeverity",
    "Complaint",
    # interactions and opportunities
    "Channel",
    "InteractionLevel",
    "Outcome",
    "Interaction",
    "OpportunityStage",
    "Opportunity",
    # purchases (the data of RFM)
    "Purchase",
    # the whole
    "Portfolio",
]
