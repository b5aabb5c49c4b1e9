"""Typos in a user-supplied graph or in role names raise, naming the node, edge or key."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings

from kamlib.errors import InvalidTypeError, InvalidValueError
from kamlib.model import Portfolio
from kamlib.network import (
    coverage,
    graph_red_flags,
    indirect_key_persons,
    influence_reach,
    meeting_priorities,
    relationship_features,
    stakeholder_graph,
    support_scores,
    weighted_support,
    who_to_meet_next,
)
from kamlib.synthetic import synthetic_portfolio
from kamlib.testing.strategies import portfolios

AS_OF = dt.datetime(2025, 6, 30, tzinfo=dt.UTC)

Analysis = Callable[["nx.DiGraph[Any]"], object]

#: every public analysis that reads the node attributes of a user's graph
NODE_READERS: dict[str, Analysis] = {
    "coverage": coverage,
    "meeting_priorities": meeting_priorities,
    "who_to_meet_next": who_to_meet_next,
    "indirect_key_persons": indirect_key_persons,
    "support_scores": support_scores,
    "weighted_support": weighted_support,
    "graph_red_flags": lambda G: graph_red_flags(G, as_of=AS_OF),
}
#: ... and every one that reads its edges
EDGE_READERS: dict[str, Analysis] = {**NODE_READERS, "influence_reach": influence_reach}


def _graph() -> nx.DiGraph[str]:
    G: nx.DiGraph[str] = nx.DiGraph()
    G.add_node("U1", side="our_staff")
    G.add_node("CEO", side="customer", role="decision_maker", active=True)
    G.add_node("CTO", role="influencer")
    G.add_edge("U1", "CTO", kind="influences", strength=0.5)
    G.add_edge("CTO", "CEO", kind="influences", strength=0.8, reports_to=True)
    return G


@pytest.mark.parametrize("name", sorted(EDGE_READERS))
def test_a_valid_user_graph_passes(name: str) -> None:
    G = _graph()
    G.nodes["CEO"]["active"] = np.True_  # numpy booleans are booleans
    G.nodes["CEO"]["left_on"] = dt.date(2030, 1, 1)
    EDGE_READERS[name](G)


@pytest.mark.parametrize("name", sorted(NODE_READERS))
@pytest.mark.parametrize(
    ("attr", "value", "error", "reason"),
    [
        ("side", "alien", InvalidValueError, "must be one of 'customer', 'our_staff'"),
        ("side", None, InvalidTypeError, "must be a str"),
        ("role", "decision-maker", InvalidValueError, "must be None or one of 'decision_maker'"),
        ("role", "decison_maker", InvalidValueError, "'influencer', 'coach'"),
        ("role", 5, InvalidTypeError, "must be None or a str"),
        ("role", ["decision_maker"], InvalidTypeError, "must be None or a str"),
        ("active", "no", InvalidTypeError, "must be a bool"),
        ("active", 0, InvalidTypeError, "must be a bool"),
        ("active", None, InvalidTypeError, "must be a bool"),
        ("left_on", "2024-01-01", InvalidTypeError, "must be None or a datetime.date"),
    ],
)
def test_bad_node_attribute_names_the_node_and_attribute(
    name: str, attr: str, value: object, error: type[Exception], reason: str
) -> None:
    G = _graph()
    G.nodes["CEO"][attr] = value
    with pytest.raises(error) as info:
        NODE_READERS[name](G)
    text = str(info.value)
    assert text.startswith(f"{name}.G.nodes['CEO']['{attr}']: "), text
    assert reason in text
    assert text.endswith(f"got {value!r}"), text


@pytest.mark.parametrize("name", sorted(EDGE_READERS))
@pytest.mark.parametrize(
    ("attr", "value", "error", "reason"),
    [
        ("kind", "bogus", InvalidValueError, "must be one of 'influences', 'reports_to'"),
        ("kind", "influence", InvalidValueError, "must be one of 'influences', 'reports_to'"),
        ("kind", None, InvalidTypeError, "must be a str"),
        ("reports_to", "yes", InvalidTypeError, "must be a bool"),
    ],
)
def test_bad_edge_attribute_names_the_edge(
    name: str, attr: str, value: object, error: type[Exception], reason: str
) -> None:
    G = _graph()
    G.edges["CTO", "CEO"][attr] = value
    with pytest.raises(error) as info:
        EDGE_READERS[name](G)
    text = str(info.value)
    assert text.startswith(f"{name}.G.edges['CTO', 'CEO']['{attr}']: "), text
    assert reason in text


def test_an_unreachable_bogus_edge_is_still_found() -> None:
    # Dijkstra never walks an edge out of a node nobody reaches; validation does
    G = _graph()
    G.add_edge("Island", "CEO", kind="bogus", strength=0.5)
    with pytest.raises(InvalidValueError, match=r"coverage\.G\.edges\['Island', 'CEO'\]"):
        coverage(G)


ROLE_WEIGHT_USERS: dict[str, Callable[[dict[str, float]], object]] = {
    "coverage": lambda w: coverage(_graph(), role_weights=w),
    "meeting_priorities": lambda w: meeting_priorities(_graph(), role_weights=w),
    "who_to_meet_next": lambda w: who_to_meet_next(_graph(), role_weights=w),
    "weighted_support": lambda w: weighted_support(_graph(), role_weights=w),
    "relationship_features": lambda w: relationship_features(
        Portfolio(), as_of=AS_OF, role_weights=w
    ),
}


@pytest.mark.parametrize("name", sorted(ROLE_WEIGHT_USERS))
def test_role_weight_typo_names_the_key_and_the_allowed_roles(name: str) -> None:
    with pytest.raises(InvalidValueError) as info:
        ROLE_WEIGHT_USERS[name]({"decison_maker": 1.0})
    text = str(info.value)
    assert text.startswith(f"{name}.role_weights['decison_maker']: "), text
    assert "must be one of 'decision_maker', 'user', 'influencer', 'coach'" in text
    assert text.endswith("got 'decison_maker'")


def test_partial_role_weights_are_still_fine() -> None:
    c = coverage(_graph(), role_weights={"decision_maker": 1.0})
    assert c.score == pytest.approx(0.4)


def test_indirect_key_persons_roles_are_checked() -> None:
    with pytest.raises(
        InvalidValueError,
        match=r"indirect_key_persons\.roles\[0\]: must be one of 'decision_maker'.*got 'ceo'",
    ):
        indirect_key_persons(_graph(), roles=["ceo"])
    with pytest.raises(InvalidTypeError, match=r"indirect_key_persons\.roles\[1\]"):
        indirect_key_persons(_graph(), roles=["user", 3])  # type: ignore[list-item]
    assert set(indirect_key_persons(_graph(), roles=["influencer"])) == {"CTO"}


@settings(max_examples=40, deadline=None)
@given(portfolios(max_accounts=3, max_people_per_account=5))
def test_stakeholder_graph_output_always_validates(pf: Portfolio) -> None:
    for acc in pf.accounts:
        G = stakeholder_graph(pf, account_id=acc.id, as_of=AS_OF)
        for fn in EDGE_READERS.values():  # no error: valid by construction
            fn(G)
        for opp in pf.opportunities_of(acc.id):
            coverage(stakeholder_graph(pf, opportunity_id=opp.id))


def test_synthetic_account_graphs_validate() -> None:
    pf = synthetic_portfolio(5, seed=2, as_of=AS_OF)
    for acc in pf.accounts:
        graph_red_flags(stakeholder_graph(pf, account_id=acc.id, as_of=AS_OF), as_of=AS_OF)
