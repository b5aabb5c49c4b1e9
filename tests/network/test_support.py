"""support_scores and weighted_support (source [002] portrait)."""

from __future__ import annotations

import networkx as nx
import pytest

from kamlib.errors import InvalidTypeError, InvalidValueError
from kamlib.network import influence_reach, support_scores, weighted_support


def _graph() -> nx.DiGraph[str]:
    G: nx.DiGraph[str] = nx.DiGraph()
    G.add_node(
        "CEO",
        side="customer",
        role="decision_maker",
        closeness=4,
        solution_acceptance=6,
        price_acceptance=2,
    )
    G.add_node(
        "CTO",
        side="customer",
        role="influencer",
        closeness=10,
        solution_acceptance=10,
        price_acceptance=7,
    )
    G.add_node("Dev", side="customer", role="user")  # no portrait
    G.add_node("U1", side="our_staff", closeness=10, solution_acceptance=10, price_acceptance=10)
    G.add_edge("CTO", "CEO", kind="influences", strength=0.9)
    return G


def test_default_is_equal_weighted_mean_over_ten() -> None:
    s = support_scores(_graph())
    assert s == {"CEO": pytest.approx(0.4), "CTO": pytest.approx(0.9)}  # our staff skipped


def test_weights_and_callable() -> None:
    assert support_scores(_graph(), portrait_weights=(1, 0, 0))["CEO"] == pytest.approx(0.4)
    as_list = support_scores(_graph(), portrait_weights=[0, 0, 2])  # type: ignore[arg-type]
    assert as_list["CTO"] == pytest.approx(0.7)
    got = support_scores(_graph(), portrait_weights=lambda c, s, p: 1.0 if p >= 5 else 0.0)
    assert got == {"CEO": 0.0, "CTO": 1.0}


def test_support_errors() -> None:
    G = _graph()
    with pytest.raises(
        InvalidValueError,
        match=r"support_scores\.portrait_weights: must return a value in \[0, 1\]; got 2",
    ):
        support_scores(G, portrait_weights=lambda c, s, p: 2)
    with pytest.raises(
        InvalidTypeError, match=r"support_scores\.portrait_weights: must return a real number"
    ):
        support_scores(G, portrait_weights=lambda c, s, p: "x")  # type: ignore[arg-type, return-value]
    with pytest.raises(
        InvalidTypeError, match=r"support_scores\.portrait_weights: must be 3 weights"
    ):
        support_scores(G, portrait_weights=(1, 1))  # type: ignore[arg-type]
    with pytest.raises(
        InvalidValueError,
        match=r"support_scores\.portrait_weights\[1\]: must be a real number in \[0, inf\); got -1",
    ):
        support_scores(G, portrait_weights=(1, -1, 1))
    with pytest.raises(
        InvalidValueError, match=r"support_scores\.portrait_weights: needs a positive weight"
    ):
        support_scores(G, portrait_weights=(0, 0, 0))
    G.nodes["CEO"]["price_acceptance"] = 11
    with pytest.raises(
        InvalidValueError,
        match=r"nodes\['CEO'\]\['price_acceptance'\]: must be a real number in \[0, 10\]; got 11",
    ):
        support_scores(G)


def test_weighted_support_uses_role_restart_and_influence() -> None:
    G = _graph()
    reach = influence_reach(
        G.subgraph(["CEO", "CTO", "Dev"]),
        personalization={"CEO": 1.0, "CTO": 0.6, "Dev": 0.3},
    )
    expected = (reach["CEO"] * 0.4 + reach["CTO"] * 0.9) / (reach["CEO"] + reach["CTO"])
    assert weighted_support(G) == pytest.approx(expected)
    # the CTO sways the CEO, so the CTO weighs more than its role alone would give
    assert reach["CTO"] > reach["CEO"] * 0.6
    # restart at the CEO only: x_ceo = 0.15 + 0.85 * x_cto (the CTO is dangling),
    # x_cto = 0.85 * x_ceo, so x_ceo = 0.15 / (1 - 0.85**2)
    x_ceo = 0.15 / (1 - 0.85**2)
    x_cto = 0.85 * x_ceo
    assert weighted_support(G, role_weights={"decision_maker": 1.0}) == pytest.approx(
        (x_ceo * 0.4 + x_cto * 0.9) / (x_ceo + x_cto)
    )


def test_weighted_support_missing_and_errors() -> None:
    G: nx.DiGraph[str] = nx.DiGraph()
    G.add_node("CEO", side="customer", role="decision_maker")
    assert weighted_support(G) is None
    with pytest.raises(
        InvalidValueError, match=r"weighted_support\.alpha: must be a real number in \[0, 1\)"
    ):
        weighted_support(_graph(), alpha=1.0)
    inactive = _graph()
    inactive.nodes["CTO"]["active"] = False
    assert weighted_support(inactive) == pytest.approx(0.4)
