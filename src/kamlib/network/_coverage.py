"""How well our staff reach the customer's key persons, and whom to meet next."""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Mapping
from types import MappingProxyType
from typing import Any

import attrs
import networkx as nx
import numpy as np

from kamlib._validators import check_real
from kamlib.errors import InvalidTypeError, UnknownIdError
from kamlib.model import DecisionRole, Portfolio
from kamlib.network._common import (
    COMPETITOR_STAFF,
    CUSTOMER,
    DEFAULT_ROLE_WEIGHTS,
    OUR_STAFF,
    canonical,
    check_attr_name,
    check_graph,
    check_role_weights,
    is_active,
    node_key,
    side_of,
    strongest_from,
)
from kamlib.network._wide import Meetings, portfolio_view

__all__ = [
    "PersonCoverage",
    "Coverage",
    "coverage",
    "portfolio_coverage",
    "MeetingSuggestion",
    "meeting_priorities",
    "who_to_meet_next",
    "portfolio_who_to_meet_next",
]


@attrs.frozen
class PersonCoverage:
    """How strongly our staff reach one key person.

    Attributes:
        person_id: The key person.
        role: Their decision role.
        role_weight: Weight of the role in the account score.
        strength: Strength of the strongest path from any of our staff (product of
            the tie strengths along it), 0 when unreached.
        path: That path, from one of our staff to the person; ``()`` when unreached.

    Examples:
        >>> PersonCoverage("P1", "decision_maker", 1.0, 0.4, ("U1", "P2", "P1")).reached
        True
    """

    person_id: Hashable
    role: str
    role_weight: float
    strength: float
    path: tuple[Hashable, ...]

    @property
    def reached(self) -> bool:
        """Whether some path from our staff reaches the person.

        Examples:
            >>> PersonCoverage("P1", "user", 0.3, 0.0, ()).reached
            False
        """
        return bool(self.path)


def _frozen_strengths(value: Mapping[Hashable, float]) -> Mapping[Hashable, float]:
    """A read-only copy of a ``node -> strength`` mapping."""
    return MappingProxyType(dict(value))


@attrs.frozen
class Coverage:
    """Coverage of an account's key persons by our staff.

    Attributes:
        score: Role-weighted mean of the people's strengths, in [0, 1]; ``None``
            when the graph has no active key person.
        people: One `PersonCoverage` per active key person, sorted by id.
        strengths: Strength of our strongest path to **every** node of the
            analysed graph (read-only; 0 when unreached, 1 for our own active
            staff). Derived from the same graph as ``people``, so it takes no part
            in equality; a hand-built ``Coverage`` may leave it empty.

    Examples:
        >>> c = Coverage(0.5, (PersonCoverage("P1", "decision_maker", 1.0, 0.5, ("U1", "P1")),),
        ...              {"U1": 1.0, "P1": 0.5, "P2": 0.0})
        >>> c.strength_of("P1"), c.strength_of("P2")
        (0.5, 0.0)
    """

    score: float | None
    people: tuple[PersonCoverage, ...]
    strengths: Mapping[Hashable, float] = attrs.field(
        factory=dict, converter=_frozen_strengths, eq=False, repr=False
    )

    def strength_of(self, person_id: Hashable) -> float:
        """Strength of our strongest path to ``person_id``.

        A key person gets their `PersonCoverage` strength; any other person
        of the analysed graph gets the strength in ``strengths`` (0.0 when our
        staff do not reach them).

        Raises:
            UnknownIdError: ``person_id`` is not a person of the analysed graph
                (nor of ``people``).
            InvalidTypeError: ``person_id`` is not hashable.

        Examples:
            >>> import networkx as nx
            >>> G = nx.DiGraph()
            >>> G.add_node("U1", side="our_staff")
            >>> G.add_node("CEO", side="customer", role="decision_maker")
            >>> G.add_node("CFO", side="customer", role="decision_maker")
            >>> G.add_edge("U1", "CEO", strength=0.7)
            >>> c = coverage(G)
            >>> c.strength_of("CEO"), c.strength_of("CFO")
            (0.7, 0.0)
            >>> c.strength_of("nobody")  # doctest: +ELLIPSIS
            Traceback (most recent call last):
            ...
            kamlib.errors.UnknownIdError: Coverage.strength_of.person_id: ... got 'nobody'
        """
        path = "Coverage.strength_of.person_id"
        for p in self.people:
            if p.person_id == person_id:
                return p.strength
        try:
            found = self.strengths.get(person_id)
        except TypeError:  # unhashable
            raise InvalidTypeError(path, person_id, "must be a hashable node id") from None
        if found is None:
            raise UnknownIdError(path, person_id, "is not a person of the analysed graph")
        return found


def _passable(H: nx.DiGraph[Any]) -> Any:
    """Our paths run through active people who are not a competitor's staff."""

    def ok(node: Hashable) -> bool:
        d = H.nodes[node]
        return is_active(d) and side_of(d) != COMPETITOR_STAFF

    return ok


def _key_people(
    H: nx.DiGraph[Any], weights: Mapping[str, float]
) -> list[tuple[Hashable, str, float]]:
    out = []
    for node, d in H.nodes(data=True):
        role = d.get("role")
        if side_of(d) == CUSTOMER and is_active(d) and isinstance(role, str):
            w = weights.get(role, 0.0)
            if w > 0.0:
                out.append((node, role, w))
    return out


def _score(
    key: list[tuple[Hashable, str, float]], strength: Mapping[Hashable, float]
) -> float | None:
    total = sum(w for _, _, w in key)
    if total <= 0.0:
        return None
    return sum(w * strength.get(node, 0.0) for node, _, w in key) / total


def _our_staff(H: nx.DiGraph[Any]) -> list[Hashable]:
    return [n for n, d in H.nodes(data=True) if side_of(d) == OUR_STAFF and is_active(d)]


def coverage(
    G: nx.DiGraph[Any],
    *,
    weight: str = "strength",
    role_weights: Mapping[str, float] = DEFAULT_ROLE_WEIGHTS,
) -> Coverage:
    """Coverage (覆盖): the strongest path from our staff to each key person.

    Source [002]: external influence, our staff swaying a key person directly or
    through the account's own people, decides the deal. For every active
    customer-side person whose ``role`` has a positive weight in ``role_weights``
    (the *key persons*), the strongest path from any active ``our_staff`` node:
    the path maximising the **product** of the tie strengths (Dijkstra in the
    (max, x) semiring; of equally strong paths, the fewest ties, then the smallest
    ids), running through active people who are not a competitor's
    staff, along ``kind == "influences"`` edges of positive strength. The account
    score is the role-weighted mean of those strengths,
    ``sum(w_role * strength) / sum(w_role)``, in [0, 1].

    Args:
        G: A stakeholder graph; see `stakeholder_graph` for the attributes.
        weight: Edge attribute with the influence strength in [0, 1].
        role_weights: Weight of each role; default `DEFAULT_ROLE_WEIGHTS`
            (no source number exists for them).

    Returns:
        A `Coverage`.

    Raises:
        InvalidTypeError: ``G`` is not a DiGraph; a parameter or a node or edge
            attribute of the wrong type (the error names node/edge and attribute).
        InvalidValueError: A ``role_weights`` key that is not a decision role,
            negative role weights, none positive; an unknown node ``side``/``role``
            or edge ``kind``; an edge strength outside [0, 1].

    Examples:
        >>> G = nx.DiGraph()
        >>> G.add_node("U1", side="our_staff")
        >>> G.add_node("CEO", side="customer", role="decision_maker")
        >>> G.add_node("CTO", side="customer", role="influencer")
        >>> G.add_edge("U1", "CTO", strength=0.5)
        >>> G.add_edge("CTO", "CEO", strength=0.8)
        >>> c = coverage(G)
        >>> [(p.person_id, p.strength) for p in c.people]
        [('CEO', 0.4), ('CTO', 0.5)]
        >>> round(c.score, 4)  # (1.0 * 0.4 + 0.6 * 0.5) / 1.6
        0.4375
    """
    where = "coverage"
    check_graph(where, G)
    weight = check_attr_name(f"{where}.weight", weight)
    weights = check_role_weights(f"{where}.role_weights", role_weights)
    H = canonical(G, where=where)
    return _coverage(H, weight, weights, where)


def _coverage(
    H: nx.DiGraph[Any], weight: str, weights: Mapping[str, float], where: str
) -> Coverage:
    """Coverage of a canonical graph (no parameter checks)."""
    key = _key_people(H, weights)
    strength, paths = strongest_from(
        H, _our_staff(H), weight=weight, passable=_passable(H), where=where
    )
    people = tuple(
        PersonCoverage(
            node,
            role,
            w,
            strength.get(node, 0.0),
            tuple(paths[node]) if node in paths else (),
        )
        for node, role, w in sorted(key, key=lambda k: node_key(k[0]))
    )
    return Coverage(_score(key, strength), people, {n: strength.get(n, 0.0) for n in H})


@attrs.frozen
class MeetingSuggestion:
    """What raising our tie with one person to ``target_strength`` would do.

    Attributes:
        person_id: The customer-side person to meet.
        current_strength: Our best path strength to them now.
        target_strength: The strength of a direct tie we would build.
        coverage_before: Account coverage score now.
        coverage_after: Account coverage score with that tie.

    Examples:
        >>> m = MeetingSuggestion("P1", 0.2, 0.8, 0.3, 0.55)
        >>> round(m.gain, 2)
        0.25
    """

    person_id: Hashable
    current_strength: float
    target_strength: float
    coverage_before: float
    coverage_after: float

    @property
    def gain(self) -> float:
        """Expected rise of the coverage score, ``coverage_after - coverage_before``.

        Examples:
            >>> MeetingSuggestion("P1", 0.8, 0.8, 0.5, 0.5).gain
            0.0
        """
        return self.coverage_after - self.coverage_before


def meeting_priorities(
    G: nx.DiGraph[Any],
    *,
    target: float = 0.8,
    weight: str = "strength",
    role_weights: Mapping[str, float] = DEFAULT_ROLE_WEIGHTS,
) -> tuple[MeetingSuggestion, ...]:
    """Rank the customer-side people by how much meeting them would raise coverage.

    For each active customer-side person ``c`` (with or without a role: meeting an
    indirect key person can reach a decision-maker through them), imagine a direct
    tie from our staff to ``c`` of strength ``target`` (relationship improvement).
    Every key person ``x`` then gets ``max(current strength, target * s(c -> x))``
    where ``s(c -> x)`` is the strongest path from ``c`` (1 for ``x = c``), and the
    coverage score of `coverage` is recomputed. The gain is the rise of the
    score. No source number gives ``target``; 0.8 (a strong, trusted tie) is the
    documented default.

    Args:
        G: A stakeholder graph.
        target: Strength of the tie a meeting programme would build, in (0, 1].
        weight: Edge attribute with the influence strength.
        role_weights: As in `coverage`.

    Returns:
        One `MeetingSuggestion` per candidate, by gain descending, then by
        person id (a deterministic tie-break). Empty when the graph has no key
        person or no active customer-side person.

    Raises:
        InvalidTypeError: ``G`` is not a DiGraph; a parameter or a node or edge
            attribute of the wrong type.
        InvalidValueError: ``target`` outside (0, 1]; bad role weights; an
            unknown node ``side``/``role`` or edge ``kind``.

    Examples:
        >>> G = nx.DiGraph()
        >>> G.add_node("U1", side="our_staff")
        >>> G.add_node("CEO", side="customer", role="decision_maker")
        >>> G.add_node("CTO", side="customer", role="influencer")
        >>> G.add_edge("U1", "CTO", strength=0.5)
        >>> G.add_edge("CTO", "CEO", strength=0.8)
        >>> [(m.person_id, round(m.gain, 4)) for m in meeting_priorities(G)]
        [('CTO', 0.2625), ('CEO', 0.25)]
    """
    where = "meeting_priorities"
    check_graph(where, G)
    t = check_real(f"{where}.target", target, gt=0.0, le=1.0)
    weight = check_attr_name(f"{where}.weight", weight)
    weights = check_role_weights(f"{where}.role_weights", role_weights)
    H = canonical(G, where=where)
    return _priorities(H, t, weight, weights, where)


def _priorities(
    H: nx.DiGraph[Any], t: float, weight: str, weights: Mapping[str, float], where: str
) -> tuple[MeetingSuggestion, ...]:
    key = _key_people(H, weights)
    if not key:
        return ()
    passable = _passable(H)
    now, _ = strongest_from(H, _our_staff(H), weight=weight, passable=passable, where=where)
    before = _score(key, now)
    assert before is not None
    out = []
    for node, d in H.nodes(data=True):
        if side_of(d) != CUSTOMER or not is_active(d):
            continue
        current = now.get(node, 0.0)
        after = before
        if t > current:
            reach, _ = strongest_from(H, [node], weight=weight, passable=passable, where=where)
            improved = {x: max(now.get(x, 0.0), t * reach.get(x, 0.0)) for x, _, _ in key}
            after = max(before, _score(key, improved) or 0.0)
        out.append(MeetingSuggestion(node, current, t, before, after))
    out.sort(key=lambda m: (-m.gain, node_key(m.person_id)))
    return tuple(out)


def who_to_meet_next(
    G: nx.DiGraph[Any],
    *,
    target: float = 0.8,
    weight: str = "strength",
    role_weights: Mapping[str, float] = DEFAULT_ROLE_WEIGHTS,
) -> MeetingSuggestion | None:
    """The one customer-side person whose better relationship would raise coverage most.

    The first of `meeting_priorities` (largest gain, ties broken by smallest
    person id), or ``None`` when no meeting would raise coverage.

    Args:
        G: A stakeholder graph.
        target: Strength of the tie to build, in (0, 1].
        weight: Edge attribute with the influence strength.
        role_weights: As in `coverage`.

    Returns:
        A `MeetingSuggestion` with a positive gain, or ``None``.

    Raises:
        InvalidTypeError: ``G`` is not a DiGraph; a parameter or a node or edge
            attribute of the wrong type.
        InvalidValueError: ``target`` outside (0, 1]; bad role weights; an
            unknown node ``side``/``role`` or edge ``kind``.

    Examples:
        >>> G = nx.DiGraph()
        >>> G.add_node("U1", side="our_staff")
        >>> G.add_node("CEO", side="customer", role="decision_maker")
        >>> G.add_edge("U1", "CEO", strength=0.9)
        >>> who_to_meet_next(G) is None  # already above the 0.8 target
        True
        >>> who_to_meet_next(G, target=1.0).person_id
        'CEO'
    """
    where = "who_to_meet_next"
    check_graph(where, G)
    t = check_real(f"{where}.target", target, gt=0.0, le=1.0)
    weight = check_attr_name(f"{where}.weight", weight)
    weights = check_role_weights(f"{where}.role_weights", role_weights)
    ranked = _priorities(canonical(G, where=where), t, weight, weights, where)
    if ranked and ranked[0].gain > 0.0:
        return ranked[0]
    return None


# -- every account at once ------------------------------------------------------------


def portfolio_coverage(
    portfolio: Portfolio,
    *,
    as_of: dt.datetime,
    role_weights: Mapping[str, float] = DEFAULT_ROLE_WEIGHTS,
) -> tuple[Coverage, ...]:
    """`coverage` of every account's standing stakeholder graph, in portfolio order.

    Equal, account by account, to ``coverage(stakeholder_graph(portfolio,
    account_id=a.id, as_of=as_of), role_weights=role_weights)``, paths and
    ``strengths`` included, but computed for all accounts at once on the portfolio's
    integer-coded arrays (one max-product Bellman-Ford over every account's graph):
    about as fast for 10 000 accounts as the per-graph form is for a few hundred.
    Source [002]: external influence, our staff swaying a key person directly or
    through the account's own people, decides the deal.

    Args:
        portfolio: The portfolio.
        as_of: Timezone-aware moment; a person whose ``left_on`` is on or before its
            day is inactive.
        role_weights: Weight of each role; default `DEFAULT_ROLE_WEIGHTS`.

    Returns:
        One `Coverage` per account.

    Raises:
        InvalidTypeError: ``portfolio`` is not a Portfolio; a parameter of the wrong
            type.
        InvalidValueError: Naive ``as_of``; bad role weights.

    Examples:
        >>> import datetime as dt
        >>> from kamlib.synthetic import synthetic_portfolio
        >>> as_of = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
        >>> pf = synthetic_portfolio(3, seed=1, as_of=as_of)
        >>> everyone = portfolio_coverage(pf, as_of=as_of)
        >>> from kamlib.network import stakeholder_graph
        >>> one = coverage(stakeholder_graph(pf, account_id=pf.accounts[1].id, as_of=as_of))
        >>> everyone[1] == one
        True
    """
    where = "portfolio_coverage"
    weights = check_role_weights(f"{where}.role_weights", role_weights)
    view = portfolio_view(where, portfolio, as_of)
    co = view.co
    best, w = view.coverage_strengths(weights)  # w: the key persons' weights, else 0
    pred = view.our_predecessors()
    score, missing = view.coverage_scores(weights)
    key = w > 0.0
    ids = co.person_ids
    person = co.node_person.tolist()
    names = [ids[p] for p in person]
    roles = [r.value for r in DecisionRole]
    role = view.role.tolist()
    strength = best.tolist()
    before = pred.tolist()
    weight = w.tolist()
    is_key = key.tolist()
    start = co.account_start.tolist()
    out = []
    for i in range(len(co.account_ids)):
        people = []
        for node in range(start[i], start[i + 1]):
            if not is_key[node]:
                continue
            path: tuple[str, ...] = ()
            if strength[node] > 0.0:
                chain = [node]
                while before[chain[-1]] >= 0:
                    chain.append(before[chain[-1]])
                path = tuple(names[x] for x in reversed(chain))
            people.append(
                PersonCoverage(names[node], roles[role[node]], weight[node], strength[node], path)
            )
        everyone = {names[x]: strength[x] for x in range(start[i], start[i + 1])}
        out.append(Coverage(None if missing[i] else float(score[i]), tuple(people), everyone))
    return tuple(out)


def portfolio_who_to_meet_next(
    portfolio: Portfolio,
    *,
    as_of: dt.datetime,
    target: float = 0.8,
    role_weights: Mapping[str, float] = DEFAULT_ROLE_WEIGHTS,
) -> tuple[MeetingSuggestion | None, ...]:
    """`who_to_meet_next` in every account's standing stakeholder graph, in portfolio order.

    Equal, account by account, to ``who_to_meet_next(stakeholder_graph(portfolio,
    account_id=a.id, as_of=as_of), target=target, role_weights=role_weights)``:
    the same person, and the same coverage before and after to the bit, computed on
    the portfolio's integer-coded arrays. Each candidate's strongest paths are one
    more Bellman-Ford run over a copy of its account's graph; the copies of many
    candidates run together, in chunks that bound the memory.

    Args:
        portfolio: The portfolio.
        as_of: Timezone-aware moment; a person whose ``left_on`` is on or before its
            day is inactive.
        target: Strength of the tie a meeting programme would build, in (0, 1]; no
            source gives a number, 0.8 is kamlib's default (see `meeting_priorities`).
        role_weights: As in `coverage`.

    Returns:
        One `MeetingSuggestion` (positive gain) or ``None`` per account.

    Raises:
        InvalidTypeError: ``portfolio`` is not a Portfolio; a parameter of the wrong
            type.
        InvalidValueError: Naive ``as_of``; ``target`` outside (0, 1]; bad role
            weights.

    Examples:
        >>> import datetime as dt
        >>> from kamlib.synthetic import synthetic_portfolio
        >>> from kamlib.network import stakeholder_graph
        >>> as_of = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
        >>> pf = synthetic_portfolio(3, seed=1, as_of=as_of)
        >>> nexts = portfolio_who_to_meet_next(pf, as_of=as_of)
        >>> graphs = [stakeholder_graph(pf, account_id=a.id, as_of=as_of) for a in pf.accounts]
        >>> list(nexts) == [who_to_meet_next(G) for G in graphs]
        True
    """
    where = "portfolio_who_to_meet_next"
    t = check_real(f"{where}.target", target, gt=0.0, le=1.0)
    weights = check_role_weights(f"{where}.role_weights", role_weights)
    view = portfolio_view(where, portfolio, as_of)
    co = view.co
    m = Meetings(view, weights, t)
    ids = co.person_ids
    out: list[MeetingSuggestion | None] = []
    gain = m.gain
    start = co.account_start.tolist()
    for i in range(len(co.account_ids)):
        lo, hi = start[i], start[i + 1]
        block = gain[lo:hi]  # 0 for a person who is no candidate
        top = float(block.max()) if hi > lo else 0.0
        if not top > 0.0:
            out.append(None)
            continue
        node = lo + int(np.flatnonzero(block == top)[0])  # the smallest id among equals
        out.append(
            MeetingSuggestion(
                ids[int(co.node_person[node])],
                float(m.now[node]),
                t,
                float(m.before[i]),
                float(m.after[node]),
            )
        )
    return tuple(out)
