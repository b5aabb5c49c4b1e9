"""Closed vocabularies of the domain model, as `enum.StrEnum`.

A ``StrEnum`` member *is* its string value, so ``SizeBand.LARGE == "large"`` and the
plain-data form of a member is its value. Every model field typed with one of these
enums also accepts the plain string and converts it to the member.
"""

from __future__ import annotations

import enum

__all__ = [
    "SizeBand",
    "RenewalIntent",
    "RiskKind",
    "NeedKind",
    "NpsCategory",
    "DecisionRole",
    "Side",
    "RelationshipKind",
    "CommitmentState",
    "Channel",
    "InteractionLevel",
    "Outcome",
    "OpportunityStage",
    "ComplaintChannel",
    "ComplaintSeverity",
]


class SizeBand(enum.StrEnum):
    """Size class of a customer organisation (classify by size, source [001]).

    Examples:
        >>> SizeBand("large") is SizeBand.LARGE
        True
    """

    SMALL = "small"
    MEDIUM = "medium"
    LARGE = "large"
    ENTERPRISE = "enterprise"


class RenewalIntent(enum.StrEnum):
    """What the customer has said about renewing (续约意向).

    Source rule [000]: an *unclear* renewal intent is a yellow light.

    Examples:
        >>> RenewalIntent.UNCLEAR == "unclear"
        True
    """

    YES = "yes"
    UNCLEAR = "unclear"
    NO = "no"


class RiskKind(enum.StrEnum):
    """Known kinds of risk signal; the set of kinds is open (any non-empty string).

    Source rule [000] (three-colour warning): *red* for a key decision-maker leaving,
    a budget freeze or a competitor entering; *green (watch)* for ordinary service
    fluctuation such as a single late delivery. The colour mapping itself lives in
    the operations layer; this enum only names the kinds.

    Examples:
        >>> RiskKind.BUDGET_FROZEN.value
        'budget_frozen'
    """

    KEY_DECISION_MAKER_LEFT = "key_decision_maker_left"
    BUDGET_FROZEN = "budget_frozen"
    COMPETITOR_ENTERED = "competitor_entered"
    LATE_DELIVERY = "late_delivery"


class NeedKind(enum.StrEnum):
    """How a customer need is known (source [000]: 显性/隐性/潜在需求).

    *explicit*: written in the contract; *implicit*: derivable from the customer's
    situation; *latent*: anticipated from industry trends.

    Examples:
        >>> [k.value for k in NeedKind]
        ['explicit', 'implicit', 'latent']
    """

    EXPLICIT = "explicit"
    IMPLICIT = "implicit"
    LATENT = "latent"


class NpsCategory(enum.StrEnum):
    """Net Promoter category of one answer (source [003]: NPS measures loyalty).

    Examples:
        >>> NpsCategory.PROMOTER == "promoter"
        True
    """

    PROMOTER = "promoter"
    PASSIVE = "passive"
    DETRACTOR = "detractor"


class DecisionRole(enum.StrEnum):
    """Role of a customer person in the decision chain.

    Source rule [000]: decision-maker (决策者), user (使用者), influencer (影响者).
    ``coach`` (a champion who guides us inside the account) is the extra role used
    by the network red flags.

    Examples:
        >>> DecisionRole("decision_maker") is DecisionRole.DECISION_MAKER
        True
    """

    DECISION_MAKER = "decision_maker"
    USER = "user"
    INFLUENCER = "influencer"
    COACH = "coach"


class Side(enum.StrEnum):
    """Whose person this is (source [002]: internal vs. external influence).

    Examples:
        >>> Side.OUR_STAFF.value
        'our_staff'
    """

    CUSTOMER = "customer"
    OUR_STAFF = "our_staff"
    COMPETITOR_STAFF = "competitor_staff"


class RelationshipKind(enum.StrEnum):
    """The two relationship kinds of source [002].

    ``reports_to`` (汇报关系): the source reports to the target (explicit hierarchy).
    ``influences`` (影响力关系): the source can sway the target (implicit, decisive).

    Examples:
        >>> RelationshipKind.REPORTS_TO == "reports_to"
        True
    """

    REPORTS_TO = "reports_to"
    INFLUENCES = "influences"


class CommitmentState(enum.StrEnum):
    """States of a commitment in the commit-execute-feedback loop (source [000]).

    See [`kamlib.model.LEGAL_TRANSITIONS`][kamlib.model.LEGAL_TRANSITIONS] for the allowed moves;
    ``accepted``,
    ``broken`` and ``cancelled`` are terminal.

    Examples:
        >>> CommitmentState("at_risk") is CommitmentState.AT_RISK
        True
    """

    PROPOSED = "proposed"
    COMMITTED = "committed"
    IN_PROGRESS = "in_progress"
    AT_RISK = "at_risk"
    DELIVERED = "delivered"
    ACCEPTED = "accepted"
    BROKEN = "broken"
    CANCELLED = "cancelled"


class Channel(enum.StrEnum):
    """Channel of an interaction.

    Examples:
        >>> Channel.VISIT.value
        'visit'
    """

    MEETING = "meeting"
    PHONE = "phone"
    EMAIL = "email"
    VIDEO = "video"
    VISIT = "visit"
    EVENT = "event"
    WORKSHOP = "workshop"
    MESSAGE = "message"


class InteractionLevel(enum.StrEnum):
    """Seniority of an interaction (source [000]: executive contact monthly after 3 months).

    Examples:
        >>> InteractionLevel("executive") is InteractionLevel.EXECUTIVE
        True
    """

    EXECUTIVE = "executive"
    MANAGEMENT = "management"
    OPERATIONAL = "operational"


class Outcome(enum.StrEnum):
    """How an interaction went.

    Examples:
        >>> Outcome.NEGATIVE == "negative"
        True
    """

    POSITIVE = "positive"
    NEUTRAL = "neutral"
    NEGATIVE = "negative"


class OpportunityStage(enum.StrEnum):
    """Sales stage of an opportunity; ``won`` and ``lost`` are closed.

    Examples:
        >>> OpportunityStage.NEGOTIATION.value
        'negotiation'
    """

    LEAD = "lead"
    QUALIFIED = "qualified"
    PROPOSAL = "proposal"
    NEGOTIATION = "negotiation"
    WON = "won"
    LOST = "lost"


class ComplaintChannel(enum.StrEnum):
    """How a complaint reached us: the ordinary way or the red channel (source [003]).

    A red-channel complaint brings senior people on site within 24 hours, without blame,
    and a written improvement commitment (source [003]).

    Examples:
        >>> ComplaintChannel("red") is ComplaintChannel.RED
        True
    """

    STANDARD = "standard"
    RED = "red"


class ComplaintSeverity(enum.StrEnum):
    """How serious a complaint is, mildest first (kamlib's own scale; the sources give none).

    Examples:
        >>> [s.value for s in ComplaintSeverity]
        ['low', 'medium', 'high', 'critical']
    """

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"
