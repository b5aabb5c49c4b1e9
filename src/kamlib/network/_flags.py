"""Red flags of an account's stakeholder network, as reason codes."""

from __future__ import annotations

import datetime as dt
import enum
import itertools
from collections.abc import Hashable, Mapping
from typing import Any, Final

import attrs
import networkx as nx
import numpy as np

from kamlib._validators import check_real
from kamlib.errors import InvalidTypeError, InvalidValueError, UnknownIdError
from kamlib.model import Portfolio, RiskKind
from kamlib.network._coded import Coded, coded
from kamlib.network._common import (
    COACH,
    COMPETITOR_STAFF,
    CUSTOMER,
    DECISION_MAKER,
    OUR_STAFF,
    REPORTS_TO,
    canonical,
    check_attr_name,
    check_graph,
    edge_strength,
    is_active,
    node_key,
    side_of,
    strongest_from,
)
from kamlib.network._graph import stakeholder_graph
from kamlib.network._wide import FlagParts, NodeView

__all__ = [
    "DEFAULT_SINGLE_THREAD_SHARE",
    "FlagCode",
    "RedFlag",
    "RedFlags",
    "graph_red_flags",
    "red_flags",
    "portfolio_red_flags",
]

DEFAULT_SINGLE_THREAD_SHARE = 0.5
"""An account is single-threaded when one contact carries *more than* this share of
our direct tie strength into it. No source number: 0.5 reads "most of" literally."""


class FlagCode(enum.StrEnum):
    """Reason codes of the stakeholder red flags.

    Source [000] makes a key decision-maker leaving a red light; the other codes read
    source [002]'s network rules (influence decides; reporting lines are explicit;
    external influence can come from a competitor's staff).

    Examples:
        >>> FlagCode("no_coach") is FlagCode.NO_COACH
        True
    """

    NO_DECISION_MAKER_RELATIONSHIP = "no_decision_maker_relationship"
    DECISION_MAKER_LEFT = "decision_maker_left"
    NO_COACH = "no_coach"
    SINGLE_THREADED = "single_threaded"
    COMPETITOR_STRONGER = "competitor_stronger"
    REPORTING_LINE_UNKNOWN = "reporting_line_unknown"


@attrs.frozen
class RedFlag:
    """One raised flag: its code, a sentence for people, and the people concerned.

    Attributes:
        code: The `FlagCode`.
        text: Human-readable explanation.
        people: Ids of the people the flag is about (sorted; may be empty).

    Examples:
        >>> RedFlag(FlagCode.NO_COACH, "no active coach", ()).code.value
        'no_coach'
    """

    code: FlagCode
    text: str
    people: tuple[str, ...] = ()


@attrs.frozen
class RedFlags:
    """The red flags of one account (or one opportunity of it) as of a moment.

    Attributes:
        account_id: The account; ``None`` when `graph_red_flags` analysed a
            graph that names no account (``G.graph["account_id"]``).
        opportunity_id: The opportunity whose decision chain was applied, if any.
        as_of: The moment evaluated.
        flags: Raised flags, in `FlagCode` order.

    Examples:
        >>> import datetime as dt
        >>> f = RedFlags("A1", None, dt.datetime(2025, 1, 1, tzinfo=dt.UTC),
        ...              (RedFlag(FlagCode.NO_COACH, "no active coach"),))
        >>> f.codes, FlagCode.NO_COACH in f, f.get(FlagCode.SINGLE_THREADED)
        ((<FlagCode.NO_COACH: 'no_coach'>,), True, None)
    """

    account_id: str | None
    opportunity_id: str | None
    as_of: dt.datetime
    flags: tuple[RedFlag, ...]

    @property
    def codes(self) -> tuple[FlagCode, ...]:
        """The raised codes, in `FlagCode` order.

        Examples:
            >>> import datetime as dt
            >>> RedFlags("A1", None, dt.datetime(2025, 1, 1, tzinfo=dt.UTC), ()).codes
            ()
        """
        return tuple(f.code for f in self.flags)

    def __contains__(self, code: object) -> bool:
        return any(f.code == code for f in self.flags)

    def get(self, code: FlagCode | str) -> RedFlag | None:
        """The raised flag with ``code``, or ``None``.

        Examples:
            >>> import datetime as dt
            >>> flag = RedFlag(FlagCode.NO_COACH, "no active coach")
            >>> RedFlags("A1", None, dt.datetime(2025, 1, 1, tzinfo=dt.UTC), (flag,)).get(
            ...     "no_coach").text
            'no active coach'
        """
        for f in self.flags:
            if f.code == code:
                return f
        return None


def _check_as_of(where: str, as_of: object) -> dt.datetime:
    if not isinstance(as_of, dt.datetime):
        raise InvalidTypeError(f"{where}.as_of", as_of, "must be a datetime.datetime")
    if as_of.tzinfo is None or as_of.utcoffset() is None:
        raise InvalidValueError(f"{where}.as_of", as_of, "must be timezone-aware")
    return as_of


def _left_day(value: object) -> dt.date | None:
    """The ``left_on`` node attribute as a calendar day (a datetime gives its date)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return None


def _is_reporting(d: Mapping[str, Any]) -> bool:
    return bool(d.get("reports_to", False)) or d.get("kind") == REPORTS_TO


def graph_flags(
    H: nx.DiGraph[Any],
    *,
    day: dt.date,
    signal_left: bool,
    share: float,
    weight: str = "strength",
    where: str = "red_flags",
) -> tuple[RedFlag, ...]:
    """The flags of one account's canonical stakeholder graph (no parameter checks)."""
    nodes = H.nodes
    dms = [
        n for n, d in nodes(data=True) if side_of(d) == CUSTOMER and d.get("role") == DECISION_MAKER
    ]
    active_dms = [n for n in dms if is_active(nodes[n])]
    ours = [n for n, d in nodes(data=True) if side_of(d) == OUR_STAFF and is_active(d)]
    rivals = [n for n, d in nodes(data=True) if side_of(d) == COMPETITOR_STAFF and is_active(d)]

    def not_side(side: str) -> Any:
        return lambda n: is_active(nodes[n]) and side_of(nodes[n]) != side

    our_s, _ = strongest_from(
        H, ours, weight=weight, passable=not_side(COMPETITOR_STAFF), where=where
    )
    their_s, _ = strongest_from(H, rivals, weight=weight, passable=not_side(OUR_STAFF), where=where)
    flags: list[RedFlag] = []

    # 1. no relationship (no path from our staff) with a decision-maker
    unreached = [n for n in active_dms if our_s.get(n, 0.0) <= 0.0]
    if not active_dms:
        flags.append(_NO_DECISION_MAKER)
    elif unreached:
        flags.append(_unreached_flag(tuple(str(n) for n in unreached)))

    # 2. a decision-maker left (source [000] red light)
    left = [n for n in dms if (gone := _left_day(nodes[n].get("left_on"))) and gone <= day]
    if left or signal_left:
        flags.append(_left_flag(tuple(str(n) for n in left), signal_left))

    # 3. no coach (internal champion)
    if not any(
        side_of(d) == CUSTOMER and d.get("role") == COACH and is_active(d)
        for _, d in nodes(data=True)
    ):
        flags.append(_NO_COACH)

    # 4. single-threaded: one contact carries most of our direct tie strength
    into: dict[Hashable, float] = {}
    for u, v, d in H.edges(data=True):
        if u in ours and side_of(nodes[v]) == CUSTOMER and is_active(nodes[v]):
            s = edge_strength(where, u, v, d, weight)
            if s > 0.0:
                into[v] = into.get(v, 0.0) + s
    total = sum(into[n] for n in sorted(into, key=node_key))  # the array path's order
    if total > 0.0:
        top = min(into, key=lambda n: (-into[n], node_key(n)))
        top_share = into[top] / total
        if top_share > share:
            flags.append(_single_flag(top_share, str(top)))

    # 5. a competitor's staff sway a decision-maker more strongly than we do
    beaten = [n for n in active_dms if their_s.get(n, 0.0) > our_s.get(n, 0.0)]
    if beaten:
        flags.append(_beaten_flag([(str(n), their_s[n], our_s.get(n, 0.0)) for n in beaten]))

    # 6. a decision-maker outside every known reporting line
    lone = [
        n
        for n in active_dms
        if not any(_is_reporting(d) for _, _, d in H.out_edges(n, data=True))
        and not any(_is_reporting(d) for _, _, d in H.in_edges(n, data=True))
    ]
    if lone:
        flags.append(_lone_flag(tuple(str(n) for n in lone)))
    return tuple(flags)


# -- the flags' sentences, shared by the per-graph and the array path ---------------------

_NO_DECISION_MAKER: Final = RedFlag(
    FlagCode.NO_DECISION_MAKER_RELATIONSHIP,
    "no active decision-maker is recorded, so none is reached",
)
_NO_COACH: Final = RedFlag(FlagCode.NO_COACH, "no active coach (internal champion)")


def _unreached_flag(people: tuple[str, ...]) -> RedFlag:
    return RedFlag(
        FlagCode.NO_DECISION_MAKER_RELATIONSHIP,
        f"no path from our staff reaches decision-maker(s) {', '.join(people)}",
        people,
    )


def _left_flag(gone: tuple[str, ...], signal: bool) -> RedFlag:
    parts = []
    if gone:
        parts.append(f"decision-maker(s) {', '.join(gone)} left")
    if signal:
        parts.append("an open key_decision_maker_left risk signal")
    return RedFlag(
        FlagCode.DECISION_MAKER_LEFT, " and ".join(parts) + " (source [000]: red light)", gone
    )


def _single_flag(top_share: float, name: str) -> RedFlag:
    return RedFlag(
        FlagCode.SINGLE_THREADED,
        f"{top_share:.0%} of our direct tie strength runs through {name}",
        (name,),
    )


def _beaten_flag(rows: list[tuple[str, float, float]]) -> RedFlag:
    """``rows``: (decision-maker, their strength, ours)."""
    detail = "; ".join(f"{n}: {theirs:.2f} vs ours {ours:.2f}" for n, theirs, ours in rows)
    return RedFlag(
        FlagCode.COMPETITOR_STRONGER,
        f"a competitor sways decision-maker(s) more strongly than we do ({detail})",
        tuple(n for n, _, _ in rows),
    )


def _lone_flag(people: tuple[str, ...]) -> RedFlag:
    return RedFlag(
        FlagCode.REPORTING_LINE_UNKNOWN,
        f"no reporting line is known for decision-maker(s) {', '.join(people)}",
        people,
    )


def graph_red_flags(
    G: nx.DiGraph[Any],
    *,
    as_of: dt.datetime,
    decision_maker_left: bool = False,
    single_thread_share: float = DEFAULT_SINGLE_THREAD_SHARE,
    weight: str = "strength",
) -> RedFlags:
    """The red flags of one account's stakeholder graph, any ``nx.DiGraph``.

    The graph-first form of `red_flags`: pass a graph from
    `stakeholder_graph` or your own, with the node attributes ``side``,
    ``role``, ``active`` and ``left_on`` and the edge attributes ``kind`` and
    ``weight`` documented there (a node without ``side`` is customer-side, one
    without ``active`` is active, an edge without ``kind`` is an influence tie).
    The one account fact a graph does not hold, an open
    ``key_decision_maker_left`` risk signal, is passed as
    ``decision_maker_left``. The six codes and their rules are those of
    `red_flags`; a node is a decision-maker when it is customer-side with
    ``role == "decision_maker"``, and it *left* when its ``left_on`` is on or
    before ``as_of`` (source [000]: a key decision-maker leaving is a red light).
    ``active`` is read as given, so set it to match ``left_on``.

    The result is labelled with ``G.graph["account_id"]`` and
    ``G.graph["opportunity_id"]`` (set by `stakeholder_graph`; ``None`` when
    absent). Tie-breaks follow sorted node ids, not insertion order.

    Args:
        G: The stakeholder graph of one account (or one opportunity).
        as_of: Timezone-aware moment; ``left_on`` on or before its date counts.
        decision_maker_left: Whether a ``key_decision_maker_left`` risk signal is
            open for the account at ``as_of``.
        single_thread_share: Threshold in [0, 1); default
            `DEFAULT_SINGLE_THREAD_SHARE`.
        weight: Edge attribute with the influence strength in [0, 1].

    Returns:
        A `RedFlags`.

    Raises:
        InvalidTypeError: ``G`` is not a DiGraph; a parameter, graph label, or node
            or edge attribute of the wrong type (``active`` must be a bool,
            ``left_on`` a date or ``None``).
        InvalidValueError: Naive ``as_of``; threshold outside [0, 1); an unknown
            node ``side``/``role`` or edge ``kind``; an edge strength missing or
            outside [0, 1].

    Examples:
        >>> import datetime as dt
        >>> import networkx as nx
        >>> G = nx.DiGraph(account_id="A1")
        >>> G.add_node("U1", side="our_staff")
        >>> G.add_node("CEO", side="customer", role="decision_maker")
        >>> G.add_node("CTO", side="customer", role="influencer")
        >>> G.add_edge("U1", "CTO", kind="influences", strength=0.5)
        >>> G.add_edge("CTO", "CEO", kind="influences", strength=0.8, reports_to=True)
        >>> as_of = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
        >>> flags = graph_red_flags(G, as_of=as_of)
        >>> flags.account_id, [c.value for c in flags.codes]
        ('A1', ['no_coach', 'single_threaded'])
        >>> flags.get("single_threaded").text
        '100% of our direct tie strength runs through CTO'
        >>> graph_red_flags(G, as_of=as_of, decision_maker_left=True).codes[0].value
        'decision_maker_left'
    """
    where = "graph_red_flags"
    check_graph(where, G)
    moment = _check_as_of(where, as_of)
    if not isinstance(decision_maker_left, bool):
        raise InvalidTypeError(
            f"{where}.decision_maker_left", decision_maker_left, "must be a bool"
        )
    share = check_real(f"{where}.single_thread_share", single_thread_share, ge=0.0, lt=1.0)
    weight = check_attr_name(f"{where}.weight", weight)
    labels = []
    for key in ("account_id", "opportunity_id"):
        label = G.graph.get(key)
        if label is not None and not isinstance(label, str):
            raise InvalidTypeError(f"{where}.G.graph[{key!r}]", label, "must be a str or None")
        labels.append(label)
    H = canonical(G, where=where)
    flags = graph_flags(
        H,
        day=moment.date(),
        signal_left=decision_maker_left,
        share=share,
        weight=weight,
        where=where,
    )
    return RedFlags(labels[0], labels[1], moment, flags)


def red_flags(
    portfolio: Portfolio,
    *,
    account_id: str,
    as_of: dt.datetime,
    opportunity_id: str | None = None,
    single_thread_share: float = DEFAULT_SINGLE_THREAD_SHARE,
) -> RedFlags:
    """The red flags of an account's stakeholder network as of ``as_of``.

    The portfolio convenience form of `graph_red_flags`: the result equals
    ``graph_red_flags(stakeholder_graph(portfolio, account_id=account_id,
    opportunity_id=opportunity_id, as_of=as_of), as_of=as_of,
    decision_maker_left=<a key_decision_maker_left risk signal of the account is
    open at as_of>)``. Paths are strongest paths as in `coverage`;
    decision-makers are customer-side people with role ``decision_maker``.

    * ``no_decision_maker_relationship``: an active decision-maker has no path from
      our staff, or no active decision-maker is recorded;
    * ``decision_maker_left``: a ``key_decision_maker_left`` risk signal is open at
      ``as_of``, and/or a decision-maker's ``left_on`` is on or before it (source
      [000]: a red light);
    * ``no_coach``: no active customer-side ``coach`` (internal champion);
    * ``single_threaded``: one customer contact receives more than
      ``single_thread_share`` of the summed strength of our staff's direct ties
      into the account;
    * ``competitor_stronger``: a competitor's staff reach an active decision-maker
      by a stronger path than ours (their paths avoid our staff, ours theirs);
    * ``reporting_line_unknown``: an active decision-maker has no reporting edge,
      in or out (source [002]: 汇报关系).

    Args:
        portfolio: The portfolio.
        account_id: The account.
        as_of: Timezone-aware moment.
        opportunity_id: Apply this opportunity's decision chain (source [002]).
        single_thread_share: Threshold in [0, 1); default
            `DEFAULT_SINGLE_THREAD_SHARE`.

    Returns:
        A `RedFlags`.

    Raises:
        InvalidTypeError: Wrong argument types.
        InvalidValueError: Naive ``as_of``; threshold outside [0, 1).
        UnknownIdError: Unknown account or opportunity.
        ReportingCycleError: The merged reporting lines form a cycle.

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
        >>> pf = Portfolio([acc], people, [Relationship("U1", "P2", "influences", 0.5)])
        >>> flags = red_flags(pf, account_id="A1", as_of=dt.datetime(2025, 1, 1, tzinfo=dt.UTC))
        >>> [c.value for c in flags.codes]  # doctest: +NORMALIZE_WHITESPACE
        ['no_decision_maker_relationship', 'no_coach', 'single_threaded',
         'reporting_line_unknown']
        >>> flags.get("no_decision_maker_relationship").people
        ('P1',)
    """
    where = "red_flags"
    moment = _check_as_of(where, as_of)
    share = check_real(f"{where}.single_thread_share", single_thread_share, ge=0.0, lt=1.0)
    if not isinstance(portfolio, Portfolio):
        raise InvalidTypeError(f"{where}.portfolio", portfolio, "must be a Portfolio")
    if not isinstance(account_id, str):
        raise InvalidTypeError(f"{where}.account_id", account_id, "must be a str")
    try:
        G = stakeholder_graph(
            portfolio, account_id=account_id, opportunity_id=opportunity_id, as_of=moment
        )
    except UnknownIdError as e:  # name this function in the path, not the helper
        raise UnknownIdError(
            e.path.replace("stakeholder_graph", where, 1), e.value, e.reason
        ) from None
    return _account_flags(portfolio, G, account_id, opportunity_id, moment, share)


def _account_flags(
    portfolio: Portfolio,
    G: nx.DiGraph[str],
    account_id: str,
    opportunity_id: str | None,
    as_of: dt.datetime,
    share: float,
) -> RedFlags:
    signal = any(
        s.kind == RiskKind.KEY_DECISION_MAKER_LEFT
        for s in portfolio.account(account_id).open_risks(as_of)
    )
    # stakeholder_graph's output is canonical and valid by construction: this is
    # graph_red_flags without the parameter checks and the canonical copy
    flags = graph_flags(G, day=as_of.date(), signal_left=signal, share=share)
    return RedFlags(account_id, opportunity_id, as_of, flags)


def portfolio_red_flags(
    portfolio: Portfolio,
    *,
    as_of: dt.datetime,
    single_thread_share: float = DEFAULT_SINGLE_THREAD_SHARE,
) -> tuple[RedFlags, ...]:
    """`red_flags` of every account (standing network), in portfolio order.

    Equal, account by account, to `red_flags` (the same flags, texts and people),
    but computed for all accounts at once on the portfolio's integer-coded arrays,
    without building a graph per account (see `relationship_features`).

    Args:
        portfolio: The portfolio.
        as_of: Timezone-aware moment.
        single_thread_share: As in `red_flags`.

    Returns:
        One `RedFlags` per account.

    Raises:
        InvalidTypeError: Wrong argument types.
        InvalidValueError: Naive ``as_of``; threshold outside [0, 1).

    Examples:
        >>> import datetime as dt
        >>> from kamlib.synthetic import synthetic_portfolio
        >>> as_of = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
        >>> flags = portfolio_red_flags(synthetic_portfolio(3, seed=1, as_of=as_of), as_of=as_of)
        >>> [f.account_id for f in flags]
        ['A00000', 'A00001', 'A00002']
    """
    where = "portfolio_red_flags"
    if not isinstance(portfolio, Portfolio):
        raise InvalidTypeError(f"{where}.portfolio", portfolio, "must be a Portfolio")
    moment = _check_as_of(where, as_of)
    share = check_real(f"{where}.single_thread_share", single_thread_share, ge=0.0, lt=1.0)
    co = coded(portfolio)
    parts = NodeView.of(co, moment.date()).flag_parts(portfolio, moment)
    return tuple(_wide_flags(co, parts, share, moment))


def _names_by_account(co: Coded, mask: Any) -> tuple[dict[int, tuple[str, ...]], Any]:
    """The ids of the people at the local nodes where ``mask`` holds, by account.

    One tuple per account that has any, in id order (local nodes are numbered by
    account, then id); also the nodes themselves, in that order.
    """
    idx = np.flatnonzero(mask)
    if idx.shape[0] == 0:
        return {}, idx
    acc = co.node_account[idx]
    ids = co.person_ids
    names = [ids[k] for k in co.node_person[idx].tolist()]
    cut = [0, *(np.flatnonzero(acc[1:] != acc[:-1]) + 1).tolist(), idx.shape[0]]
    groups = (tuple(names[a:b]) for a, b in itertools.pairwise(cut))
    return dict(zip(acc[cut[:-1]].tolist(), groups, strict=True)), idx


def _wide_flags(co: Coded, f: FlagParts, share: float, as_of: dt.datetime) -> list[RedFlags]:
    """`graph_flags` of every account from the array facts: the same flags, same texts.

    The per-person flags are grouped by account first; accounts without any flag
    (most of a healthy portfolio) get their empty `RedFlags` without the rule walk.
    """
    n = len(co.account_ids)
    unreached, _ = _names_by_account(co, f.unreached)
    left, _ = _names_by_account(co, f.left)
    lone, _ = _names_by_account(co, f.lone)
    beaten_names, at = _names_by_account(co, f.beaten)
    theirs, ours = f.their_s[at].tolist(), f.our_s[at].tolist()
    beaten: dict[int, list[tuple[str, float, float]]] = {}
    k = 0
    for i, names in beaten_names.items():
        m = k + len(names)
        beaten[i] = list(zip(names, theirs[k:m], ours[k:m], strict=True))
        k = m
    # single-threaded: the largest share of our direct tie strength, where there is any
    has_into = f.total_into > 0.0
    top_share = np.zeros(n)
    top_share[has_into] = f.into[f.top[has_into]] / f.total_into[has_into]
    single = has_into & (top_share > share)
    flagged = ~f.any_active_dm | ~f.has_coach | single | f.signal
    for by_account in (unreached, left, lone, beaten):
        flagged[list(by_account)] = True
    ids, person, top = co.person_ids, co.node_person, f.top
    any_dm, coach, signal = f.any_active_dm.tolist(), f.has_coach.tolist(), f.signal.tolist()
    is_single, shares, raised = single.tolist(), top_share.tolist(), flagged.tolist()
    out = []
    for i, account_id in enumerate(co.account_ids):
        flags: list[RedFlag] = []
        if raised[i]:
            if not any_dm[i]:
                flags.append(_NO_DECISION_MAKER)
            elif i in unreached:
                flags.append(_unreached_flag(unreached[i]))
            if i in left or signal[i]:
                flags.append(_left_flag(left.get(i, ()), signal[i]))
            if not coach[i]:
                flags.append(_NO_COACH)
            if is_single[i]:
                flags.append(_single_flag(shares[i], ids[int(person[top[i]])]))
            if i in beaten:
                flags.append(_beaten_flag(beaten[i]))
            if i in lone:
                flags.append(_lone_flag(lone[i]))
        out.append(RedFlags(account_id, None, as_of, tuple(flags)))
    return out
