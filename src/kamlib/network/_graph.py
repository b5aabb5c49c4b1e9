"""Build the stakeholder graph of a portfolio, an account or one opportunity."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import networkx as nx

from kamlib.errors import InvalidTypeError, InvalidValueError, ReportingCycleError, UnknownIdError
from kamlib.model import KeyPerson, Portfolio, Relationship, RelationshipKind
from kamlib.network._common import INFLUENCES, REPORTS_TO

__all__ = ["stakeholder_graph", "merge_decision_chain"]


def _day(path: str, as_of: object) -> dt.date | None:
    """``as_of`` as a calendar day (a datetime must be timezone-aware)."""
    if as_of is None:
        return None
    if isinstance(as_of, dt.datetime):
        if as_of.tzinfo is None or as_of.utcoffset() is None:
            raise InvalidValueError(path, as_of, "must be timezone-aware")
        return as_of.date()
    if isinstance(as_of, dt.date):
        return as_of
    raise InvalidTypeError(path, as_of, "must be a datetime.date or datetime.datetime")


def merge_decision_chain(
    standing: Iterable[Relationship], specific: Iterable[Relationship]
) -> list[Relationship]:
    """Overlay an opportunity's own relationships on the standing network.

    Source rule [002]: a project can re-route reporting and give a contact new
    influence over a key person. The exact rule:

    * an opportunity ``influences`` tie ``(s, t)`` **replaces** the standing
      ``influences`` tie ``(s, t)`` (its strength wins, also when lower or 0);
      other standing influence ties stay;
    * an opportunity ``reports_to`` tie from ``s`` **re-routes** ``s``'s reporting
      line: every standing ``reports_to`` tie out of ``s`` is dropped, and all of the
      opportunity's ``reports_to`` ties out of ``s`` are used instead.

    Args:
        standing: Relationships of the standing network (no ``opportunity_id``).
        specific: Relationships of one opportunity.

    Returns:
        The merged list: surviving standing ties in their order, then the
        opportunity's ties in theirs.

    Raises:
        InvalidTypeError: An argument is not an iterable, or an item is not a
            [`Relationship`][kamlib.model.Relationship].

    Examples:
        >>> from kamlib.model import Relationship
        >>> standing = [Relationship("P2", "P1", "reports_to", 1.0),
        ...             Relationship("P3", "P1", "influences", 0.2)]
        >>> project = [Relationship("P2", "P4", "reports_to", 1.0, "O1"),
        ...            Relationship("P3", "P1", "influences", 0.9, "O1")]
        >>> [(r.source_id, r.target_id, r.kind.value, r.strength)
        ...  for r in merge_decision_chain(standing, project)]
        [('P2', 'P4', 'reports_to', 1.0), ('P3', 'P1', 'influences', 0.9)]
    """
    standing = _relationships("merge_decision_chain.standing", standing)
    specific = _relationships("merge_decision_chain.specific", specific)
    rerouted = {r.source_id for r in specific if r.kind is RelationshipKind.REPORTS_TO}
    replaced = {
        (r.source_id, r.target_id) for r in specific if r.kind is RelationshipKind.INFLUENCES
    }
    kept = [
        r
        for r in standing
        if not (
            (r.kind is RelationshipKind.REPORTS_TO and r.source_id in rerouted)
            or (r.kind is RelationshipKind.INFLUENCES and (r.source_id, r.target_id) in replaced)
        )
    ]
    return kept + specific


def _relationships(path: str, value: object) -> list[Relationship]:
    """``value`` as a list, each item checked to be a `Relationship`."""
    if isinstance(value, Relationship) or not isinstance(value, Iterable):
        raise InvalidTypeError(path, value, "must be an iterable of Relationship")
    out = list(value)
    for i, r in enumerate(out):
        if not isinstance(r, Relationship):
            raise InvalidTypeError(f"{path}[{i}]", r, "must be a Relationship")
    return out


def stakeholder_graph(
    portfolio: Portfolio,
    *,
    account_id: str | None = None,
    opportunity_id: str | None = None,
    as_of: dt.date | dt.datetime | None = None,
) -> nx.DiGraph[str]:
    """The stakeholder network (人脉关系) as a directed graph.

    Source [000] names the roles in the decision chain (决策者 decision-maker,
    使用者 user, 影响者 influencer); source [002] the portrait (关系紧密度 closeness,
    方案认可度 solution acceptance, 价格接受度 price acceptance) and the two kinds of
    tie, 汇报关系 reporting and 影响力关系 influence, where influence comes from inside
    the account or from our or a competitor's staff.

    **Nodes** are person ids with the attributes ``name``, ``side`` (``"customer"``,
    ``"our_staff"``, ``"competitor_staff"``), ``role`` (``"decision_maker"``,
    ``"user"``, ``"influencer"``, ``"coach"`` or ``None``), ``account_id``,
    ``closeness``, ``solution_acceptance``, ``price_acceptance`` (0-10, or ``None``
    without a portrait), ``left_on`` and ``active`` (``False`` once ``left_on`` is on
    or before ``as_of``; without ``as_of``: whether ``left_on`` is unset), and
    ``in_decision_chain`` (the person is in the opportunity's ``decision_chain``;
    always ``False`` without ``opportunity_id``).

    **Edges** point from ``source_id`` to ``target_id`` of the relationship:

    * an influence edge ``u -> v`` means **u can sway v**;
    * a reporting edge ``u -> v`` means **u reports to v** (subordinate -> manager).

    A graph holds one edge per ordered pair, with the attributes ``kind``
    (``"influences"`` or ``"reports_to"``), ``strength`` (of that kind, in [0, 1]),
    ``reports_to`` (``True`` when ``u`` reports to ``v``), ``reporting_strength``
    (strength of the reporting tie, or ``None``) and ``opportunity_id`` (the
    opportunity the influence or, for a pure reporting edge, the reporting tie
    comes from; ``None`` for the standing network). When ``u`` both reports to and
    can sway ``v`` the edge has ``kind="influences"`` with the influence strength
    and ``reports_to=True``. The analyses walk influence edges only
    (``kind == "influences"``): a reporting line is not counted as influence
    unless an influence tie is recorded too.

    **Graph attributes** ``G.graph["account_id"]`` and
    ``G.graph["opportunity_id"]`` name the scope (``None`` when not restricted);
    `graph_red_flags` labels its result with them.

    **Scope.** With ``account_id``: the people of the account plus everyone at the
    other end of a relationship touching it (e.g. our staff without an account).
    With neither id: the whole portfolio (every person, every standing tie), one
    graph over many accounts. With ``opportunity_id`` the graph is that of the
    opportunity's account (inferred when ``account_id`` is omitted) with the
    opportunity's own relationships merged in by `merge_decision_chain`
    (source [002]): its influence ties replace standing ones of the same
    ``(source, target)``, and its reporting ties re-route the reporting line of
    their source person.

    Nodes and edges are inserted in sorted id order, so the result does not depend
    on the order of the records in the portfolio.

    Args:
        portfolio: The portfolio.
        account_id: Restrict to one account.
        opportunity_id: Apply this opportunity's decision chain.
        as_of: Day (or timezone-aware datetime) for the ``active`` flag.

    Returns:
        A new ``nx.DiGraph`` (the caller may modify it).

    Raises:
        InvalidTypeError: ``portfolio`` is not a Portfolio, an id is not a str.
        UnknownIdError: Unknown account or opportunity, or an opportunity of another
            account.
        ReportingCycleError: The merged reporting lines form a cycle; ``value`` is
            the list of people in it.

    Examples:
        >>> import datetime as dt
        >>> from kamlib.model import Account, KeyPerson, Portfolio, Relationship
        >>> acc = Account("A1", "Acme",
        ...     industry="retail", region="north",
        ...     size_band="large", cooperation_start=dt.date(2023, 1, 1))
        >>> people = [KeyPerson("U1", "Our rep", "our_staff"),
        ...           KeyPerson("P1", "CEO", "customer", account_id="A1",
        ...                     role="decision_maker"),
        ...           KeyPerson("P2", "CTO", "customer", account_id="A1", role="influencer")]
        >>> ties = [Relationship("P2", "P1", "reports_to", 1.0),
        ...         Relationship("P2", "P1", "influences", 0.8),
        ...         Relationship("U1", "P2", "influences", 0.5)]
        >>> G = stakeholder_graph(Portfolio([acc], people, ties), account_id="A1")
        >>> sorted(G.nodes), G.nodes["P1"]["role"]
        (['P1', 'P2', 'U1'], 'decision_maker')
        >>> e = G.edges["P2", "P1"]
        >>> e["kind"], e["strength"], e["reports_to"]
        ('influences', 0.8, True)
    """
    if not isinstance(portfolio, Portfolio):
        raise InvalidTypeError("stakeholder_graph.portfolio", portfolio, "must be a Portfolio")
    day = _day("stakeholder_graph.as_of", as_of)
    for name, value in (("account_id", account_id), ("opportunity_id", opportunity_id)):
        if value is not None and not isinstance(value, str):
            raise InvalidTypeError(f"stakeholder_graph.{name}", value, "must be a str or None")
    chain: frozenset[str] = frozenset()
    if opportunity_id is not None:
        try:
            opp = portfolio.opportunity(opportunity_id)
        except UnknownIdError:
            raise UnknownIdError(
                "stakeholder_graph.opportunity_id", opportunity_id, "is not in the portfolio"
            ) from None
        if account_id is None:
            account_id = opp.account_id
        elif opp.account_id != account_id:
            raise UnknownIdError(
                "stakeholder_graph.opportunity_id",
                opportunity_id,
                f"is an opportunity of account {opp.account_id!r}, not of {account_id!r}",
            )
        chain = frozenset(opp.decision_chain)

    if account_id is None:
        people: Iterable[KeyPerson] = portfolio.people
        rels: list[Relationship] = [r for r in portfolio.relationships if r.opportunity_id is None]
    else:
        try:
            people = portfolio.people_of(account_id)
        except UnknownIdError:
            raise UnknownIdError(
                "stakeholder_graph.account_id", account_id, "is not in the portfolio"
            ) from None
        rels = list(portfolio.relationships_of(account_id))
        if opportunity_id is not None:
            rels = merge_decision_chain(
                rels, portfolio.relationships_of(account_id, opportunity_id)
            )
    return _build(portfolio, people, rels, day, chain, account_id, opportunity_id)


def _node_attrs(p: KeyPerson, day: dt.date | None, chain: frozenset[str]) -> dict[str, Any]:
    portrait = p.portrait
    return {
        "name": p.name,
        "side": p.side.value,
        "role": None if p.role is None else p.role.value,
        "account_id": p.account_id,
        "closeness": None if portrait is None else float(portrait.closeness),
        "solution_acceptance": None if portrait is None else float(portrait.solution_acceptance),
        "price_acceptance": None if portrait is None else float(portrait.price_acceptance),
        "left_on": p.left_on,
        "active": p.left_on is None or (day is not None and day < p.left_on),
        "in_decision_chain": p.id in chain,
    }


def _build(
    portfolio: Portfolio,
    people: Iterable[KeyPerson],
    rels: list[Relationship],
    day: dt.date | None,
    chain: frozenset[str],
    account_id: str | None,
    opportunity_id: str | None,
) -> nx.DiGraph[str]:
    persons = {p.id: p for p in people}
    for r in rels:
        for pid in (r.source_id, r.target_id):
            if pid not in persons:
                persons[pid] = portfolio.person(pid)
    influence: dict[tuple[str, str], Relationship] = {}
    reporting: dict[tuple[str, str], Relationship] = {}
    for r in rels:
        table = influence if r.kind is RelationshipKind.INFLUENCES else reporting
        table[(r.source_id, r.target_id)] = r
    G: nx.DiGraph[str] = nx.DiGraph(account_id=account_id, opportunity_id=opportunity_id)
    G.add_nodes_from((pid, _node_attrs(persons[pid], day, chain)) for pid in sorted(persons))
    edges = []
    for pair in sorted(influence.keys() | reporting.keys()):
        inf = influence.get(pair)
        rep = reporting.get(pair)
        main = inf if inf is not None else rep
        assert main is not None
        edges.append(
            (
                pair[0],
                pair[1],
                {
                    "kind": INFLUENCES if inf is not None else REPORTS_TO,
                    "strength": float(main.strength),
                    "reports_to": rep is not None,
                    "reporting_strength": None if rep is None else float(rep.strength),
                    "opportunity_id": main.opportunity_id,
                },
            )
        )
    G.add_edges_from(edges)
    if opportunity_id is not None:  # the portfolio already checked each scope alone
        _check_reporting(G, opportunity_id)
    return G


def _check_reporting(G: nx.DiGraph[str], opportunity_id: str) -> None:
    """Raise `ReportingCycleError` for the first reporting cycle (by smallest id).

    Only merged graphs need the check: [`Portfolio`][kamlib.model.Portfolio] already
    rejects cycles within the standing network and within each opportunity's own
    ties, but an opportunity's re-routed line can close a loop with standing ones.
    """
    R: nx.DiGraph[str] = nx.DiGraph()
    R.add_edges_from((u, v) for u, v, d in G.edges(data=True) if d["reports_to"])
    cyclic = [c for c in nx.strongly_connected_components(R) if len(c) > 1]
    if not cyclic:
        return
    comp = min(cyclic, key=min)
    found = nx.find_cycle(R.subgraph(comp), source=min(comp))
    people = [str(edge[0]) for edge in found]
    raise ReportingCycleError(
        "stakeholder_graph.relationships",
        people,
        f"reports_to lines form a cycle in the network of opportunity {opportunity_id!r}",
    )
