"""indirect_key_persons and influence_reach."""

from __future__ import annotations

from typing import Any

import networkx as nx
import numpy as np
import pytest
from networkx.algorithms.link_analysis.pagerank_alg import (  # type: ignore[attr-defined]
    _pagerank_python,
)

from kamlib.errors import InvalidTypeError, InvalidValueError, UnknownIdError
from kamlib.network import InfluencePath, indirect_key_persons, influence_reach


def _chain() -> nx.DiGraph[str]:
    G: nx.DiGraph[str] = nx.DiGraph()
    G.add_node("CEO", side="customer", role="decision_maker")
    G.add_node("CFO", side="customer", role="decision_maker")
    G.add_node("CTO", side="customer", role="influencer")
    G.add_node("Arch", side="customer")
    G.add_node("Dev", side="customer", role="user")
    G.add_node("U1", side="our_staff")
    G.add_edge("CTO", "CEO", kind="influences", strength=0.8)
    G.add_edge("Arch", "CTO", kind="influences", strength=0.5)
    G.add_edge("Dev", "Arch", kind="influences", strength=0.5)
    G.add_edge("Arch", "CEO", kind="influences", strength=0.3)  # weaker than via CTO (0.4)
    G.add_edge("U1", "CEO", kind="influences", strength=0.9)  # external: not indirect
    G.add_edge("CTO", "CFO", kind="reports_to", strength=1.0)  # reporting is not influence
    return G


def test_indirect_key_persons_strongest_chain_within_depth() -> None:
    found = indirect_key_persons(_chain())
    assert set(found) == {"CEO", "CFO"}
    assert found["CFO"] == ()
    assert found["CEO"] == (
        InfluencePath("CTO", "CEO", 0.8, ("CTO", "CEO")),
        InfluencePath("Arch", "CEO", 0.4, ("Arch", "CTO", "CEO")),
        InfluencePath("Dev", "CEO", 0.2, ("Dev", "Arch", "CTO", "CEO")),
    )


def test_depth_limit_changes_the_best_chain() -> None:
    found = indirect_key_persons(_chain(), max_depth=1)["CEO"]
    assert [(p.source, p.strength) for p in found] == [("CTO", 0.8), ("Arch", 0.3)]
    two = indirect_key_persons(_chain(), max_depth=2)["CEO"]
    assert [p.source for p in two] == ["CTO", "Arch", "Dev"]
    assert two[2].path == ("Dev", "Arch", "CEO")  # the 3-hop route is out of reach
    assert two[2].strength == pytest.approx(0.15)


def test_chain_shorter_than_max_depth() -> None:
    G: nx.DiGraph[str] = nx.DiGraph()
    G.add_node("CEO", role="decision_maker")
    G.add_edge("CTO", "CEO", strength=0.5)  # the search stops after round 2 of 3
    assert indirect_key_persons(G)["CEO"] == (InfluencePath("CTO", "CEO", 0.5, ("CTO", "CEO")),)


def test_min_strength_roles_and_inactive_people() -> None:
    G = _chain()
    assert [p.source for p in indirect_key_persons(G, min_strength=0.3)["CEO"]] == ["CTO", "Arch"]
    assert set(indirect_key_persons(G, roles=["influencer"])) == {"CTO"}
    G.nodes["CTO"]["active"] = False
    found = indirect_key_persons(G)["CEO"]
    assert [(p.source, p.strength) for p in found] == [("Arch", 0.3), ("Dev", 0.15)]


def test_indirect_key_persons_errors() -> None:
    G = _chain()
    with pytest.raises(
        InvalidValueError,
        match=r"indirect_key_persons\.max_depth: must be an int in \[1, inf\); got 0",
    ):
        indirect_key_persons(G, max_depth=0)
    with pytest.raises(InvalidTypeError, match=r"indirect_key_persons\.max_depth: must be an int"):
        indirect_key_persons(G, max_depth=2.0)  # type: ignore[arg-type]
    with pytest.raises(InvalidTypeError, match=r"indirect_key_persons\.G"):
        indirect_key_persons(nx.Graph())  # type: ignore[arg-type]
    with pytest.raises(InvalidTypeError, match=r"indirect_key_persons\.G"):
        indirect_key_persons(nx.MultiDiGraph())
    with pytest.raises(InvalidTypeError, match=r"indirect_key_persons\.roles"):
        indirect_key_persons(G, roles="decision_maker")
    with pytest.raises(InvalidValueError, match=r"has no 'weight' attribute"):
        indirect_key_persons(G, weight="weight")
    G.edges["CTO", "CEO"]["strength"] = 1.5
    with pytest.raises(
        InvalidValueError,
        match=r"edges\['CTO', 'CEO'\]\['strength'\]: must be a real number in \[0, 1\]; got 1.5",
    ):
        indirect_key_persons(G)


def _reference(G: nx.DiGraph[Any], **kw: Any) -> dict[Any, float]:
    """networkx's own pure-Python PageRank of the reversed influence graph."""
    R: nx.DiGraph[Any] = nx.DiGraph()
    R.add_nodes_from(G)
    R.add_weighted_edges_from(
        (v, u, d["strength"])
        for u, v, d in G.edges(data=True)
        if d.get("kind", "influences") == "influences" and d["strength"] > 0
    )
    return dict(_pagerank_python(R, weight="weight", tol=1e-12, max_iter=1000, **kw))


@pytest.mark.parametrize("personalization", [None, {"CEO": 1.0}, {"CEO": 1.0, "Dev": 0.3}])
def test_influence_reach_matches_networkx(personalization: dict[str, float] | None) -> None:
    G = _chain()
    got = influence_reach(G, personalization=personalization, tol=1e-12, max_iter=1000)
    want = _reference(G, personalization=personalization)
    assert set(got) == set(want)
    for node in got:
        assert got[node] == pytest.approx(want[node], abs=1e-9)
    assert sum(got.values()) == pytest.approx(1.0)


def test_influence_reach_flows_from_the_swayed_to_the_swayer() -> None:
    G = _chain()
    G.add_node("Bystander", side="customer")
    reach = influence_reach(G, personalization={"CEO": 1.0, "CFO": 1.0})
    # Arch sways both the CEO and the CTO, Dev only Arch: Arch > Dev > 0
    assert reach["Arch"] > reach["Dev"] > 0
    assert reach["U1"] > 0  # our staff sways the CEO directly
    assert reach["Bystander"] == 0.0  # sways nobody and is not a restart point


def test_influence_reach_edge_cases_and_errors() -> None:
    assert influence_reach(nx.DiGraph()) == {}
    lone: nx.DiGraph[str] = nx.DiGraph()
    lone.add_nodes_from(["a", "b"])
    assert influence_reach(lone) == {"a": 0.5, "b": 0.5}
    G = _chain()
    with pytest.raises(
        InvalidValueError, match=r"influence_reach\.alpha: must be a real number in \[0, 1\); got 1"
    ):
        influence_reach(G, alpha=1)
    with pytest.raises(
        UnknownIdError,
        match=r"influence_reach\.personalization: is not a node of the graph; got 'Nobody'",
    ):
        influence_reach(G, personalization={"Nobody": 1.0})
    with pytest.raises(InvalidValueError, match="needs a positive weight"):
        influence_reach(G, personalization={"CEO": 0.0})
    with pytest.raises(
        InvalidValueError,
        match=r"influence_reach\.personalization\['CEO'\]: must be a real number in \[0, inf\)",
    ):
        influence_reach(G, personalization={"CEO": -1.0})
    with pytest.raises(
        InvalidValueError, match=r"influence_reach\.tol: must be a real number in \(0, inf\)"
    ):
        influence_reach(G, tol=0.0)
    with pytest.raises(
        InvalidValueError, match=r"influence_reach\.max_iter: power iteration did not converge"
    ):
        influence_reach(G, max_iter=1, tol=1e-15)


def test_influence_reach_is_finite_and_positive_for_every_node() -> None:
    reach = influence_reach(_chain())
    values = np.array(list(reach.values()))
    assert np.isfinite(values).all()
    assert (values > 0).all()
