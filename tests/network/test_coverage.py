"""coverage, meeting_priorities and who_to_meet_next."""

from __future__ import annotations

import networkx as nx
import pytest

from kamlib.errors import InvalidTypeError, InvalidValueError, UnknownIdError
from kamlib.network import (
    DEFAULT_ROLE_WEIGHTS,
    Coverage,
    MeetingSuggestion,
    PersonCoverage,
    coverage,
    meeting_priorities,
    who_to_meet_next,
)


def _account() -> nx.DiGraph[str]:
    G: nx.DiGraph[str] = nx.DiGraph()
    G.add_node("U1", side="our_staff")
    G.add_node("U2", side="our_staff", active=False)
    G.add_node("X1", side="competitor_staff")
    G.add_node("CEO", side="customer", role="decision_maker")
    G.add_node("CFO", side="customer", role="decision_maker")
    G.add_node("CTO", side="customer", role="influencer")
    G.add_node("Dev", side="customer", role="user")
    G.add_node("Old", side="customer", role="decision_maker", active=False)
    G.add_edge("U1", "CTO", kind="influences", strength=0.5)
    G.add_edge("CTO", "CEO", kind="influences", strength=0.8)
    G.add_edge("U1", "X1", kind="influences", strength=1.0)  # no path through a rival
    G.add_edge("X1", "CFO", kind="influences", strength=1.0)
    G.add_edge("U2", "CFO", kind="influences", strength=1.0)  # U2 has left
    G.add_edge("U1", "Dev", kind="reports_to", strength=1.0)  # reporting is not influence
    return G


def test_strongest_path_is_the_product_of_strengths() -> None:
    cov = coverage(_account())
    by = {p.person_id: p for p in cov.people}
    assert list(by) == ["CEO", "CFO", "CTO", "Dev"]  # sorted; inactive 'Old' left out
    assert by["CEO"].strength == pytest.approx(0.4)
    assert by["CEO"].path == ("U1", "CTO", "CEO")
    assert by["CFO"].strength == 0.0
    assert not by["CFO"].reached
    assert by["CFO"].path == ()
    assert by["Dev"].strength == 0.0
    assert by["CTO"].role_weight == DEFAULT_ROLE_WEIGHTS["influencer"]
    expected = (1.0 * 0.4 + 1.0 * 0.0 + 0.6 * 0.5 + 0.3 * 0.0) / (1.0 + 1.0 + 0.6 + 0.3)
    assert cov.score == pytest.approx(expected)


def test_best_of_several_paths_and_sources() -> None:
    G = _account()
    G.add_edge("U1", "CEO", kind="influences", strength=0.3)  # weaker than 0.4 via CTO
    assert coverage(G).strength_of("CEO") == pytest.approx(0.4)
    G.add_node("U3", side="our_staff")
    G.add_edge("U3", "CEO", kind="influences", strength=0.7)
    c = coverage(G)
    assert c.strength_of("CEO") == pytest.approx(0.7)
    assert c.people[0].path == ("U3", "CEO")


def test_role_weights_parameter() -> None:
    c = coverage(_account(), role_weights={"decision_maker": 1.0})
    assert [p.person_id for p in c.people] == ["CEO", "CFO"]
    assert c.score == pytest.approx(0.2)


def test_no_key_person_gives_no_score() -> None:
    G: nx.DiGraph[str] = nx.DiGraph()
    G.add_node("U1", side="our_staff")
    c = coverage(G)
    assert c.score is None
    assert c.people == ()


def test_coverage_errors() -> None:
    G = _account()
    with pytest.raises(
        InvalidValueError,
        match=r"coverage\.role_weights\['user'\]: must be a real number in \[0, inf\); got -1",
    ):
        coverage(G, role_weights={"decision_maker": 1.0, "user": -1})
    with pytest.raises(
        InvalidValueError, match=r"coverage\.role_weights: needs at least one positive weight"
    ):
        coverage(G, role_weights={"user": 0.0})
    with pytest.raises(InvalidTypeError, match=r"coverage\.role_weights: must be a mapping"):
        coverage(G, role_weights=[1.0])  # type: ignore[arg-type]
    with pytest.raises(InvalidValueError, match=r"coverage\.weight: must be a non-empty str"):
        coverage(G, weight="")
    with pytest.raises(InvalidTypeError, match=r"coverage\.G: must be a networkx.DiGraph"):
        coverage({})  # type: ignore[arg-type]


def test_meeting_priorities_simulates_a_direct_tie() -> None:
    ranked = meeting_priorities(_account())
    first = ranked[0]
    # meeting the unreached CFO lifts it from 0 to 0.8: +0.8 / 2.9
    assert first.person_id == "CFO"
    assert first.gain == pytest.approx(0.8 / 2.9)
    assert (first.current_strength, first.target_strength) == (0.0, 0.8)
    by = {m.person_id: m for m in ranked}
    # meeting the CTO lifts the CTO to 0.8 and the CEO to 0.8 * 0.8
    assert by["CTO"].coverage_after == pytest.approx((0.64 + 0.6 * 0.8) / 2.9)
    assert "Old" not in by  # inactive people are not candidates
    assert "X1" not in by
    assert "U1" not in by


def test_tie_break_by_id_and_nothing_to_gain() -> None:
    G: nx.DiGraph[str] = nx.DiGraph()
    for name in ("B", "A", "C"):
        G.add_node(name, side="customer", role="decision_maker")
    ranked = meeting_priorities(G)
    assert [m.person_id for m in ranked] == ["A", "B", "C"]
    assert who_to_meet_next(G) == MeetingSuggestion("A", 0.0, 0.8, 0.0, 0.8 / 3)
    G.add_node("U1", side="our_staff")
    for name in ("A", "B", "C"):
        G.add_edge("U1", name, strength=1.0)
    assert who_to_meet_next(G) is None
    assert all(m.gain == 0.0 for m in meeting_priorities(G))


def test_meeting_errors() -> None:
    G = _account()
    with pytest.raises(
        InvalidValueError,
        match=r"meeting_priorities\.target: must be a real number in \(0, 1\]; got 0",
    ):
        meeting_priorities(G, target=0)
    with pytest.raises(
        InvalidValueError,
        match=r"who_to_meet_next\.target: must be a real number in \(0, 1\]; got 1.2",
    ):
        who_to_meet_next(G, target=1.2)
    with pytest.raises(InvalidTypeError, match=r"who_to_meet_next\.target: must be a real number"):
        who_to_meet_next(G, target="high")  # type: ignore[arg-type]
    assert meeting_priorities(nx.DiGraph()) == ()


def test_strength_of_raises_for_a_person_not_in_the_graph() -> None:
    G = _account()
    G.add_node("Aide", side="customer")  # no role: reached, but not a key person
    G.add_edge("U1", "Aide", kind="influences", strength=0.7)
    c = coverage(G)
    assert c.strength_of("CEO") == pytest.approx(0.4)
    assert c.strength_of("CFO") == 0.0  # a key person we do not reach
    assert c.strength_of("Old") == 0.0  # in the graph, inactive: never reached
    assert c.strength_of("X1") == 0.0  # a rival is not walked through
    assert c.strength_of("Aide") == pytest.approx(0.7)  # reached, just not scored
    assert c.strength_of("U1") == 1.0  # our own staff: the empty path
    assert "Aide" not in {p.person_id for p in c.people}
    with pytest.raises(
        UnknownIdError,
        match=r"Coverage\.strength_of\.person_id: is not a person of the analysed graph; "
        r"got 'nobody'",
    ):
        c.strength_of("nobody")
    with pytest.raises(InvalidTypeError, match=r"Coverage\.strength_of\.person_id"):
        c.strength_of(["CEO"])  # type: ignore[arg-type]
    # a hand-built Coverage knows the people it lists
    hand = Coverage(0.5, (PersonCoverage("P1", "decision_maker", 1.0, 0.5, ("U1", "P1")),))
    assert hand.strength_of("P1") == 0.5
    with pytest.raises(UnknownIdError):
        hand.strength_of("P9")
