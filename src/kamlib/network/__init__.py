"""Stakeholder network: who decides, who influences them, and how well we reach them.

Sources [000] and [002]: the decision chain has decision-makers (决策者), users (使用者)
and influencers (影响者); a key person's portrait is relationship closeness (关系紧密度),
solution acceptance (方案认可度) and price acceptance (价格接受度); people are tied by
reporting (汇报关系) and influence (影响力关系), and influence over a key person may come
through an indirect key person (间接关键人) inside the account or from outside (our staff,
a competitor's staff). One opportunity's decision chain may differ from the standing
network.

`stakeholder_graph` turns a [`Portfolio`][kamlib.model.Portfolio] into an
``nx.DiGraph`` (influence edge ``u -> v``: *u sways v*; reporting edge ``u -> v``: *u
reports to v*). The analyses follow networkx conventions: the graph comes first, the
edge attribute is a parameter (``weight="strength"``), and bad input raises a kamlib
error naming the cause. The strength of a chain of ties is the **product** of their
strengths.

Examples:
    >>> import networkx as nx
    >>> from kamlib.network import coverage, who_to_meet_next
    >>> G = nx.DiGraph()
    >>> G.add_node("U1", side="our_staff")
    >>> G.add_node("CEO", side="customer", role="decision_maker")
    >>> G.add_node("CTO", side="customer", role="influencer")
    >>> G.add_edge("U1", "CTO", kind="influences", strength=0.5)
    >>> G.add_edge("CTO", "CEO", kind="influences", strength=0.8)
    >>> coverage(G).strength_of("CEO")
    0.4
    >>> who_to_meet_next(G).person_id
    'CTO'
"""

from __future__ import annotations

from kamlib.network._common import DEFAULT_ROLE_WEIGHTS
from kamlib.network._coverage import (
    Coverage,
    MeetingSuggestion,
    PersonCoverage,
    coverage,
    meeting_priorities,
    portfolio_coverage,
    portfolio_who_to_meet_next,
    who_to_meet_next,
)
from kamlib.network._features import (
    RELATIONSHIP_FEATURES,
    RelationshipFeatures,
    relationship_features,
)
from kamlib.network._flags import (
    DEFAULT_SINGLE_THREAD_SHARE,
    FlagCode,
    RedFlag,
    RedFlags,
    graph_red_flags,
    portfolio_red_flags,
    red_flags,
)
from kamlib.network._graph import merge_decision_chain, stakeholder_graph
from kamlib.network._influence import (
    InfluencePath,
    indirect_key_persons,
    influence_reach,
    portfolio_indirect_key_persons,
    portfolio_influence_reach,
)
from kamlib.network._support import (
    DEFAULT_PORTRAIT_WEIGHTS,
    PORTRAIT_ATTRIBUTES,
    SupportRule,
    support_scores,
    weighted_support,
)

__all__ = [
    # building the graph
    "stakeholder_graph",
    "merge_decision_chain",
    # influence
    "InfluencePath",
    "indirect_key_persons",
    "portfolio_indirect_key_persons",
    "influence_reach",
    "portfolio_influence_reach",
    # coverage and next meeting
    "DEFAULT_ROLE_WEIGHTS",
    "PersonCoverage",
    "Coverage",
    "coverage",
    "portfolio_coverage",
    "MeetingSuggestion",
    "meeting_priorities",
    "who_to_meet_next",
    "portfolio_who_to_meet_next",
    # support
    "PORTRAIT_ATTRIBUTES",
    "DEFAULT_PORTRAIT_WEIGHTS",
    "SupportRule",
    "support_scores",
    "weighted_support",
    # red flags
    "DEFAULT_SINGLE_THREAD_SHARE",
    "FlagCode",
    "RedFlag",
    "RedFlags",
    "graph_red_flags",
    "red_flags",
    "portfolio_red_flags",
    # features
    "RELATIONSHIP_FEATURES",
    "RelationshipFeatures",
    "relationship_features",
]
