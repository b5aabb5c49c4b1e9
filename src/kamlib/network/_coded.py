"""A portfolio's stakeholder networks as integer-coded arrays, all accounts side by side.

Private module. `coded(portfolio)` derives, once per portfolio (the portfolio is
immutable, so the result is kept on it), what the portfolio-wide analyses read:

* **people**: side, decision role, ``left_on`` day and portrait, by person;
* **local nodes**: for every account, the nodes of its standing stakeholder graph
  (`stakeholder_graph` with ``account_id``): its own people plus everyone at the
  other end of a relationship touching it, in sorted id order. A person in several
  accounts' graphs (one of our staff covering many accounts) has one local node in
  each, so the graphs are disjoint blocks: a block-diagonal graph;
* **local edges**: one per ordered pair of local nodes, as in `stakeholder_graph`
  (influence strength when an influence tie exists, else the reporting strength;
  whether a reporting tie exists), in sorted ``(source, target)`` order within each
  account: the order in which networkx visits the edges of the canonical graph;
* **interactions**: account, time in microseconds, and which decision roles their
  customer participants hold (a bit mask), in portfolio order.

These orders are the orders the per-account networkx path adds numbers in, which is
what lets the array path give the same bits.
"""

from __future__ import annotations

import datetime as dt
import itertools
import operator
from collections.abc import Mapping, Sequence
from operator import attrgetter
from typing import Any, Final

import attrs
import numpy as np
from numpy.typing import NDArray

from kamlib.model import DecisionRole, Portfolio, Side

__all__ = ["Coded", "coded", "micros", "ROLE_CODE", "SIDE_CODE"]

IntArray = NDArray[np.intp]
FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]

SIDE_CODE: Final = {s: i for i, s in enumerate(Side)}
ROLE_CODE: Final = {r: i for i, r in enumerate(DecisionRole)}
CUSTOMER_CODE: Final = SIDE_CODE[Side.CUSTOMER]
OUR_STAFF_CODE: Final = SIDE_CODE[Side.OUR_STAFF]
COMPETITOR_CODE: Final = SIDE_CODE[Side.COMPETITOR_STAFF]
NO_ROLE: Final = -1
NEVER_LEFT: Final = dt.date.max.toordinal() + 1  # the ``left_on`` day of someone who stays

_ROLE_OR_NONE: Final[dict[DecisionRole | None, int]] = {None: NO_ROLE}
for _role, _code in ROLE_CODE.items():
    _ROLE_OR_NONE[_role] = _code
_EPOCH: Final = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_MICRO: Final = dt.timedelta(microseconds=1)
_KEY: Final = "kamlib.network.coded"
_PERSON: Final = attrgetter("id", "side", "role", "left_on", "portrait", "account_id")
_PORTRAIT: Final = attrgetter("closeness", "solution_acceptance", "price_acceptance")


def micros(moment: dt.datetime) -> int:
    """A timezone-aware moment as whole microseconds since 1970 UTC (exact)."""
    return (moment - _EPOCH) // _MICRO


@attrs.frozen(eq=False)
class Coded:
    """The integer-coded stakeholder networks of a portfolio (read-only arrays)."""

    account_ids: tuple[str, ...]
    person_ids: tuple[str, ...]
    # by person
    side: IntArray
    role: IntArray  # NO_ROLE when unset
    left_day: IntArray  # date ordinal of left_on, NEVER_LEFT when unset
    portrait: FloatArray  # (people, 3); 0 without a portrait
    has_portrait: BoolArray
    # by local node: the account's graph it belongs to and the person it is
    node_account: IntArray
    node_person: IntArray
    account_start: IntArray  # (accounts + 1,) node offsets of each account's block
    # by local edge, sorted by (account, source id, target id)
    edge_u: IntArray
    edge_v: IntArray
    influence: BoolArray  # an influence tie (else only a reporting one)
    strength: FloatArray  # the influence strength, else the reporting strength
    reports: BoolArray  # a reporting tie from u to v exists
    # by interaction, in portfolio order
    interaction_account: IntArray
    interaction_at: NDArray[np.int64]  # microseconds since 1970 UTC
    interaction_roles: IntArray  # bit r set: a customer participant holds role code r
    # accounts with a risk signal, for the key-decision-maker-left check
    risky: tuple[int, ...]
    # the last day's node view (kamlib.network._wide.NodeView.of), so analyses of one
    # day share their strongest paths; a cache, not part of the data
    memo: dict[str, object] = attrs.field(factory=dict)


def _present(values: list[Any]) -> tuple[BoolArray, list[Any]]:
    """Where the values are not ``None`` (a mask), and those values in order."""
    mask = np.fromiter(map(operator.is_not, values, itertools.repeat(None)), np.bool_, len(values))
    return mask, list(itertools.compress(values, mask.tolist()))


def _unique(keys: NDArray[np.int64]) -> NDArray[np.int64]:
    """Sorted distinct values (a sort and a mask: faster here than ``np.unique``)."""
    out = np.sort(keys)
    if out.shape[0]:
        out = out[np.concatenate(([True], out[1:] != out[:-1]))]
    return out


def coded(portfolio: Portfolio) -> Coded:
    """The coded arrays of ``portfolio``, derived on first use and kept on it."""
    return portfolio._derived(_KEY, _derive)


def _column(records: Sequence[object], name: str) -> list[Any]:
    """One attribute of every record, in order (``map`` with ``attrgetter``).

    No container is kept per record: every surviving container is tracked by the
    garbage collector, whose passes walk the whole portfolio.
    """
    return list(map(attrgetter(name), records))


def _codes(table: Mapping[Any, int], values: list[Any]) -> IntArray:
    return np.fromiter(map(table.__getitem__, values), np.intp, len(values))


def _derive(portfolio: Portfolio) -> Coded:
    accounts = portfolio.accounts
    people = portfolio.people
    account_ids = tuple(_column(accounts, "id"))
    account_index: dict[str | None, int] = dict(
        zip(account_ids, range(len(account_ids)), strict=True)
    )
    n_people = len(people)
    n_accounts = len(accounts)
    # the people's columns in one pass over the objects (each is a cache miss away)
    flat_people = list(itertools.chain.from_iterable(map(_PERSON, people)))
    person_ids = tuple(flat_people[0::6])
    side = _codes(SIDE_CODE, flat_people[1::6])
    role = _codes(_ROLE_OR_NONE, flat_people[2::6])
    left_day = np.full(n_people, NEVER_LEFT, dtype=np.intp)
    gone_at, gone = _present(flat_people[3::6])
    left_day[gone_at] = np.fromiter(map(dt.date.toordinal, gone), np.intp, len(gone))
    portrait = np.zeros((n_people, 3))
    has_portrait, shown = _present(flat_people[4::6])
    flat = itertools.chain.from_iterable(map(_PORTRAIT, shown))
    portrait[has_portrait] = np.fromiter(flat, np.float64, 3 * len(shown)).reshape(-1, 3)
    account_index[None] = -1
    home = _codes(account_index, flat_people[5::6])
    del flat_people
    del account_index[None]
    # rank of each person in sorted id order: local nodes are sorted by id
    rank = np.arange(n_people)
    if not all(map(operator.lt, person_ids, person_ids[1:])):  # not already in id order
        rank[sorted(range(n_people), key=person_ids.__getitem__)] = np.arange(n_people)

    # standing relationships, each placed in the graph of every account it touches;
    # the model's integrity checks already found where each end is among the people
    rels = portfolio.relationships
    ends = portfolio._relationship_ends()
    standing = np.asarray(ends.standing)
    rs, rt = ends.source[standing], ends.target[standing]
    r_inf = ~ends.reports[standing]
    r_strength = np.fromiter(map(attrgetter("strength"), rels), np.float64, len(rels))[standing]
    a_s, a_t = home[rs], home[rt]
    first = a_s >= 0
    second = (a_t >= 0) & (a_t != a_s)
    inst_rel = np.concatenate([np.flatnonzero(first), np.flatnonzero(second)])
    inst_acc = np.concatenate([a_s[first], a_t[second]])

    # local nodes: (account, person) pairs, keyed by account then id rank: the
    # account's own people, and the ends of its ties who belong elsewhere (or nowhere)
    own = np.flatnonzero(home >= 0)
    end_s, end_t = rs[inst_rel], rt[inst_rel]
    away_s = home[end_s] != inst_acc
    away_t = home[end_t] != inst_acc
    node_keys = _unique(
        np.concatenate(
            [
                home[own] * n_people + rank[own],
                inst_acc[away_s] * n_people + rank[end_s[away_s]],
                inst_acc[away_t] * n_people + rank[end_t[away_t]],
            ]
        )
    )
    node_account = node_keys // n_people if n_people else node_keys
    by_rank = np.empty(n_people, dtype=np.intp)
    by_rank[rank] = np.arange(n_people)
    node_person = by_rank[node_keys % n_people] if n_people else node_keys
    account_start = np.searchsorted(node_account, np.arange(n_accounts + 1))

    # local edges: merge the influence and the reporting tie of each ordered pair
    # an end in its own account is that person's node there; only the others are searched
    own_node = np.full(n_people, -1, dtype=np.intp)
    own_node[own] = np.searchsorted(node_keys, home[own] * n_people + rank[own])
    u = own_node[end_s]
    u[away_s] = np.searchsorted(node_keys, inst_acc[away_s] * n_people + rank[end_s[away_s]])
    v = own_node[end_t]
    v[away_t] = np.searchsorted(node_keys, inst_acc[away_t] * n_people + rank[end_t[away_t]])
    n_nodes = node_keys.shape[0]
    key = u * n_nodes + v
    pair = _unique(key)
    inverse = np.searchsorted(pair, key)
    n_edges = pair.shape[0]
    is_inf = r_inf[inst_rel]
    influence = np.zeros(n_edges, dtype=np.bool_)
    influence[inverse[is_inf]] = True
    reports = np.zeros(n_edges, dtype=np.bool_)
    reports[inverse[~is_inf]] = True
    strength = np.zeros(n_edges)
    strength[inverse[~is_inf]] = r_strength[inst_rel[~is_inf]]
    strength[inverse[is_inf]] = r_strength[inst_rel[is_inf]]  # influence wins the pair
    edge_u = pair // n_nodes if n_nodes else pair
    edge_v = pair % n_nodes if n_nodes else pair

    interactions = portfolio.interactions
    n_int = len(interactions)
    interaction_account = _codes(account_index, _column(interactions, "account_id"))
    interaction_at = np.fromiter(map(micros, _column(interactions, "at")), np.int64, n_int)
    # the decision roles of each interaction's customer participants, as bits
    role_bit = np.where((side == CUSTOMER_CODE) & (role != NO_ROLE), 1 << np.maximum(role, 0), 0)
    their = _column(interactions, "their_people")
    sizes = np.fromiter(map(len, their), np.intp, n_int)
    who = portfolio._people_positions(list(itertools.chain.from_iterable(their)))
    roles_mask = np.zeros(n_int, dtype=np.intp)
    np.bitwise_or.at(roles_mask, np.repeat(np.arange(n_int), sizes), role_bit[who])
    risky = tuple(i for i, a in enumerate(accounts) if a.risk_signals)
    out = Coded(
        account_ids,
        person_ids,
        side,
        role,
        left_day,
        portrait,
        has_portrait,
        node_account,
        node_person,
        account_start,
        edge_u,
        edge_v,
        influence,
        strength,
        reports,
        interaction_account,
        interaction_at,
        roles_mask,
        risky,
    )
    for field in attrs.fields(Coded):
        value = getattr(out, field.name)
        if isinstance(value, np.ndarray):
            value.flags.writeable = False
    return out
