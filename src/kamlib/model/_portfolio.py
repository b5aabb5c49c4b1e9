"""The portfolio: every record of a key-account programme, checked to fit together."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Protocol, TypeVar

import attrs
import networkx as nx

from kamlib._validators import as_tuple, each, instance_of
from kamlib.errors import (
    DanglingReferenceError,
    DuplicateIdError,
    IntegrityError,
    InvalidTypeError,
    KamlibError,
    KamlibValidationError,
    ReportingCycleError,
    UnknownIdError,
)
from kamlib.model._account import Account
from kamlib.model._commitment import Commitment
from kamlib.model._enums import RelationshipKind, Side
from kamlib.model._interaction import Interaction
from kamlib.model._opportunity import Opportunity
from kamlib.model._people import KeyPerson, Relationship

__all__ = ["Portfolio"]

T = TypeVar("T")


class _HasId(Protocol):
    @property
    def id(self) -> str: ...


R = TypeVar("R", bound=_HasId)


class _Index:
    """Look-up tables built once per portfolio (not part of equality or serde)."""

    __slots__ = (
        "accounts",
        "commitments",
        "commitments_of",
        "derived",
        "interactions",
        "interactions_of",
        "opportunities",
        "opportunities_of",
        "people",
        "people_of",
        "relationships_of",
    )

    def __init__(self, p: Portfolio) -> None:
        self.accounts: dict[str, Account] = _first_by_id(p.accounts)
        # values derived from the records by other layers (kamlib.network's coded
        # arrays), computed on first use; safe to keep because the portfolio is immutable
        self.derived: dict[str, object] = {}
        self.people: dict[str, KeyPerson] = _first_by_id(p.people)
        self.commitments: dict[str, Commitment] = _first_by_id(p.commitments)
        self.interactions: dict[str, Interaction] = _first_by_id(p.interactions)
        self.opportunities: dict[str, Opportunity] = _first_by_id(p.opportunities)
        self.people_of = _group((x.account_id, x) for x in p.people if x.account_id is not None)
        self.commitments_of = _group((x.account_id, x) for x in p.commitments)
        self.interactions_of = _group((x.account_id, x) for x in p.interactions)
        self.opportunities_of = _group((x.account_id, x) for x in p.opportunities)
        rel: dict[tuple[str, str | None], list[Relationship]] = defaultdict(list)
        for r in p.relationships:
            keys: set[str] = set()
            for pid in (r.source_id, r.target_id):
                person = self.people.get(pid)
                if person is not None and person.account_id is not None:
                    keys.add(person.account_id)
            if r.opportunity_id is not None:
                opp = self.opportunities.get(r.opportunity_id)
                if opp is not None:
                    keys.add(opp.account_id)
            for key in sorted(keys):
                rel[(key, r.opportunity_id)].append(r)
        self.relationships_of: dict[tuple[str, str | None], tuple[Relationship, ...]] = {
            k: tuple(v) for k, v in rel.items()
        }


def _first_by_id(items: Iterable[R]) -> dict[str, R]:
    out: dict[str, R] = {}
    for item in items:
        out.setdefault(item.id, item)
    return out


def _group(pairs: Iterable[tuple[str, T]]) -> dict[str, tuple[T, ...]]:
    out: dict[str, list[T]] = defaultdict(list)
    for key, item in pairs:
        out[key].append(item)
    return {k: tuple(v) for k, v in out.items()}


@attrs.frozen
class Portfolio:
    """All records of a key-account programme, checked to fit together.

    On construction every integrity rule is checked and **all** failures are
    collected and raised together as one
    [`KamlibValidationError`][kamlib.errors.KamlibValidationError] (also when there is just one),
    whose
    ``exceptions`` are [`DuplicateIdError`][kamlib.errors.DuplicateIdError],
    [`DanglingReferenceError`][kamlib.errors.DanglingReferenceError],
    [`ReportingCycleError`][kamlib.errors.ReportingCycleError] or
    [`IntegrityError`][kamlib.errors.IntegrityError], each naming its path
    (``"Portfolio.people[3].account_id"``). A record of the wrong *type* is
    reported at once by the field validator (``InvalidTypeError``), before the
    integrity checks.

    The rules:

    * ids are unique per record type; a relationship (source, target, kind,
      opportunity) appears once;
    * every referenced id exists: ``KeyPerson.account_id``,
      ``Account.executive_sponsor_id``, NPS ``person_id``, relationship ends and
      ``opportunity_id``, commitment account, owner and ``accepted_by_id``,
      interaction account and people, opportunity account and decision chain;
    * executive sponsors, commitment owners and ``Interaction.our_people`` are
      ``our_staff`` (source [004]: every key account has an executive sponsor on
      our side);
    * customer people named by an interaction (``their_people``), an opportunity
      (``decision_chain``), an NPS answer (``Account.nps[j].person_id``) or an
      acceptance (``Commitment.acceptance.accepted_by_id``) exist and belong to that
      record's account;
    * reporting lines (``reports_to``) have no cycle, in the standing network
      (``opportunity_id is None``) and within each opportunity's own relationships.

    Look-ups (`account`, `people_of`, ...) use indexes built once.
    Use `attrs.evolve` to derive a changed portfolio (it is re-checked).

    Attributes:
        accounts: `Account` records.
        people: `KeyPerson` records (customers, our staff, competitors' staff).
        relationships: `Relationship` records.
        commitments: `Commitment` records.
        interactions: `Interaction` records.
        opportunities: `Opportunity` records.

    Raises:
        KamlibValidationError: One or more integrity failures.

    Examples:
        >>> import datetime as dt
        >>> from kamlib.model import Account, KeyPerson, Relationship
        >>> acc = Account("A1", "Acme",
        ...     industry="retail", region="north",
        ...     size_band="large", cooperation_start=dt.date(2023, 1, 1),
        ...               executive_sponsor_id="U1")
        >>> people = [KeyPerson("U1", "Our VP", "our_staff"),
        ...           KeyPerson("P1", "CEO", "customer", account_id="A1"),
        ...           KeyPerson("P2", "CIO", "customer", account_id="A1")]
        >>> pf = Portfolio([acc], people, [Relationship("P2", "P1", "reports_to", 1.0)])
        >>> [p.id for p in pf.people_of("A1")], len(pf.relationships_of("A1"))
        (['P1', 'P2'], 1)
        >>> Portfolio([acc], people[1:])
        Traceback (most recent call last):
        ...
        kamlib.errors.KamlibValidationError: Portfolio: 1 integrity failure (1 sub-exception): ...
    """

    accounts: tuple[Account, ...] = attrs.field(
        default=(), converter=as_tuple, validator=each(instance_of(Account))
    )
    people: tuple[KeyPerson, ...] = attrs.field(
        default=(), converter=as_tuple, validator=each(instance_of(KeyPerson))
    )
    relationships: tuple[Relationship, ...] = attrs.field(
        default=(), converter=as_tuple, validator=each(instance_of(Relationship))
    )
    commitments: tuple[Commitment, ...] = attrs.field(
        default=(), converter=as_tuple, validator=each(instance_of(Commitment))
    )
    interactions: tuple[Interaction, ...] = attrs.field(
        default=(), converter=as_tuple, validator=each(instance_of(Interaction))
    )
    opportunities: tuple[Opportunity, ...] = attrs.field(
        default=(), converter=as_tuple, validator=each(instance_of(Opportunity))
    )
    _index: _Index = attrs.field(init=False, eq=False, repr=False, alias="_index")

    def __attrs_post_init__(self) -> None:
        index = _Index(self)
        errors = _integrity_errors(self, index)
        if errors:
            n = len(errors)
            raise KamlibValidationError(
                f"Portfolio: {n} integrity failure{'s' if n != 1 else ''}", errors
            )
        object.__setattr__(self, "_index", index)

    def _derived(self, key: str, make: Callable[[Portfolio], T]) -> T:
        """``make(self)``, computed once per portfolio and kept (the records never change).

        For other layers' derived data (kamlib.network's integer-coded arrays): the model
        does not import them, they register their own ``key``.
        """
        table = self._index.derived
        try:
            return table[key]  # type: ignore[return-value]
        except KeyError:
            value = table[key] = make(self)
            return value

    # -- look-ups by id -------------------------------------------------------------

    def account(self, id: str) -> Account:
        """The account with ``id``.

        Raises:
            UnknownIdError: No such account.

        Examples:
            >>> Portfolio().account("A9")
            Traceback (most recent call last):
            ...
            kamlib.errors.UnknownIdError: Portfolio.account.id: is not in the portfolio; got 'A9'
        """
        return _get(self._index.accounts, id, "account")

    def person(self, id: str) -> KeyPerson:
        """The person with ``id``.

        Raises:
            UnknownIdError: No such person.

        Examples:
            >>> Portfolio(people=[KeyPerson("U1", "Ann", "our_staff")]).person("U1").name
            'Ann'
        """
        return _get(self._index.people, id, "person")

    def commitment(self, id: str) -> Commitment:
        """The commitment with ``id``.

        Raises:
            UnknownIdError: No such commitment.

        Examples:
            >>> import pytest
            >>> with pytest.raises(UnknownIdError):
            ...     Portfolio().commitment("C1")
        """
        return _get(self._index.commitments, id, "commitment")

    def interaction(self, id: str) -> Interaction:
        """The interaction with ``id``.

        Raises:
            UnknownIdError: No such interaction.

        Examples:
            >>> import pytest
            >>> with pytest.raises(UnknownIdError):
            ...     Portfolio().interaction("I1")
        """
        return _get(self._index.interactions, id, "interaction")

    def opportunity(self, id: str) -> Opportunity:
        """The opportunity with ``id``.

        Raises:
            UnknownIdError: No such opportunity.

        Examples:
            >>> import pytest
            >>> with pytest.raises(UnknownIdError):
            ...     Portfolio().opportunity("O1")
        """
        return _get(self._index.opportunities, id, "opportunity")

    # -- look-ups by account --------------------------------------------------------

    def _known(self, account_id: str, method: str) -> None:
        _get(self._index.accounts, account_id, method, arg="account_id")

    def people_of(self, account_id: str) -> tuple[KeyPerson, ...]:
        """People whose ``account_id`` is ``account_id``, in portfolio order.

        Raises:
            UnknownIdError: No such account.

        Examples:
            >>> import datetime as dt
            >>> acc = Account("A1", "Acme",
            ...     industry="retail", region="north",
            ...     size_band="large", cooperation_start=dt.date(2023, 1, 1))
            >>> Portfolio([acc]).people_of("A1")
            ()
        """
        self._known(account_id, "people_of")
        return self._index.people_of.get(account_id, ())

    def commitments_of(self, account_id: str) -> tuple[Commitment, ...]:
        """Commitments made to ``account_id``, in portfolio order.

        Raises:
            UnknownIdError: No such account.

        Examples:
            >>> import datetime as dt
            >>> acc = Account("A1", "Acme",
            ...     industry="retail", region="north",
            ...     size_band="large", cooperation_start=dt.date(2023, 1, 1))
            >>> Portfolio([acc]).commitments_of("A1")
            ()
        """
        self._known(account_id, "commitments_of")
        return self._index.commitments_of.get(account_id, ())

    def interactions_of(self, account_id: str) -> tuple[Interaction, ...]:
        """Interactions with ``account_id``, in portfolio order.

        Raises:
            UnknownIdError: No such account.

        Examples:
            >>> import datetime as dt
            >>> acc = Account("A1", "Acme",
            ...     industry="retail", region="north",
            ...     size_band="large", cooperation_start=dt.date(2023, 1, 1))
            >>> Portfolio([acc]).interactions_of("A1")
            ()
        """
        self._known(account_id, "interactions_of")
        return self._index.interactions_of.get(account_id, ())

    def opportunities_of(self, account_id: str) -> tuple[Opportunity, ...]:
        """Opportunities of ``account_id``, in portfolio order.

        Raises:
            UnknownIdError: No such account.

        Examples:
            >>> import datetime as dt
            >>> acc = Account("A1", "Acme",
            ...     industry="retail", region="north",
            ...     size_band="large", cooperation_start=dt.date(2023, 1, 1))
            >>> Portfolio([acc]).opportunities_of("A1")
            ()
        """
        self._known(account_id, "opportunities_of")
        return self._index.opportunities_of.get(account_id, ())

    def relationships_of(
        self, account_id: str, opportunity_id: str | None = None
    ) -> tuple[Relationship, ...]:
        """Relationships touching an account, in portfolio order.

        With ``opportunity_id=None``: the **standing network**, i.e. relationships
        without an ``opportunity_id`` that have at least one end among
        `people_of` ``(account_id)`` (so external influence by our staff or a
        competitor's staff on a customer person is included). With an
        ``opportunity_id``: only the relationships specific to that opportunity
        (source [002]); combine both to get the opportunity's full decision network.

        Raises:
            UnknownIdError: No such account, or no such opportunity of that account.

        Examples:
            >>> import datetime as dt
            >>> acc = Account("A1", "Acme",
            ...     industry="retail", region="north",
            ...     size_band="large", cooperation_start=dt.date(2023, 1, 1))
            >>> people = [KeyPerson("U1", "Us", "our_staff"),
            ...           KeyPerson("P1", "CEO", "customer", account_id="A1")]
            >>> pf = Portfolio([acc], people, [Relationship("U1", "P1", "influences", 0.4)])
            >>> pf.relationships_of("A1")[0].source_id
            'U1'
        """
        self._known(account_id, "relationships_of")
        if opportunity_id is not None:
            if not isinstance(opportunity_id, str):
                raise InvalidTypeError(
                    "Portfolio.relationships_of.opportunity_id",
                    opportunity_id,
                    "must be a str or None",
                )
            opp = self._index.opportunities.get(opportunity_id)
            if opp is None or opp.account_id != account_id:
                raise UnknownIdError(
                    "Portfolio.relationships_of.opportunity_id",
                    opportunity_id,
                    f"is not an opportunity of account {account_id!r}",
                )
        return self._index.relationships_of.get((account_id, opportunity_id), ())


def _get(table: Mapping[str, T], id: object, what: str, arg: str = "id") -> T:
    if not isinstance(id, str):
        raise InvalidTypeError(f"Portfolio.{what}.{arg}", id, "must be a str")
    try:
        return table[id]
    except KeyError:
        raise UnknownIdError(f"Portfolio.{what}.{arg}", id, "is not in the portfolio") from None


def _duplicate_ids(name: str, items: Sequence[_HasId]) -> list[KamlibError]:
    errors: list[KamlibError] = []
    seen: set[str] = set()
    for i, item in enumerate(items):
        if item.id in seen:
            errors.append(DuplicateIdError(f"Portfolio.{name}[{i}].id", item.id, "is not unique"))
        seen.add(item.id)
    return errors


def _integrity_errors(p: Portfolio, ix: _Index) -> list[KamlibError]:
    errors: list[KamlibError] = []

    # 1. unique ids per type
    errors += _duplicate_ids("accounts", p.accounts)
    errors += _duplicate_ids("people", p.people)
    errors += _duplicate_ids("commitments", p.commitments)
    errors += _duplicate_ids("interactions", p.interactions)
    errors += _duplicate_ids("opportunities", p.opportunities)
    seen_rel: set[tuple[str, str, str, str | None]] = set()
    for i, r in enumerate(p.relationships):
        key = (r.source_id, r.target_id, r.kind.value, r.opportunity_id)
        if key in seen_rel:
            errors.append(
                DuplicateIdError(
                    f"Portfolio.relationships[{i}]",
                    key,
                    "repeats an earlier (source_id, target_id, kind, opportunity_id)",
                )
            )
        seen_rel.add(key)

    def dangling(path: str, value: str, what: str) -> None:
        errors.append(DanglingReferenceError(path, value, f"names no {what} in the portfolio"))

    def staff(path: str, pid: str, what: str) -> None:
        person = ix.people.get(pid)
        if person is None:
            dangling(path, pid, "person")
        elif person.side is not Side.OUR_STAFF:
            errors.append(
                IntegrityError(path, pid, f"{what} must be our_staff, not {person.side.value}")
            )

    def customer_of(path: str, pid: str, account_id: str) -> None:
        person = ix.people.get(pid)
        if person is None:
            dangling(path, pid, "person")
        elif person.side is Side.CUSTOMER and person.account_id != account_id:
            errors.append(
                IntegrityError(
                    path,
                    pid,
                    f"customer person of account {person.account_id!r}, not of {account_id!r}",
                )
            )

    # 2. references
    for i, a in enumerate(p.accounts):
        if a.executive_sponsor_id is not None:
            staff(
                f"Portfolio.accounts[{i}].executive_sponsor_id",
                a.executive_sponsor_id,
                "the executive sponsor",
            )
        for j, answer in enumerate(a.nps):
            if answer.person_id is not None:
                customer_of(f"Portfolio.accounts[{i}].nps[{j}].person_id", answer.person_id, a.id)
    for i, person in enumerate(p.people):
        if person.account_id is not None and person.account_id not in ix.accounts:
            dangling(f"Portfolio.people[{i}].account_id", person.account_id, "account")
    for i, r in enumerate(p.relationships):
        for end in ("source_id", "target_id"):
            pid: str = getattr(r, end)
            if pid not in ix.people:
                dangling(f"Portfolio.relationships[{i}].{end}", pid, "person")
        if r.opportunity_id is not None and r.opportunity_id not in ix.opportunities:
            dangling(
                f"Portfolio.relationships[{i}].opportunity_id", r.opportunity_id, "opportunity"
            )
    for i, c in enumerate(p.commitments):
        if c.account_id not in ix.accounts:
            dangling(f"Portfolio.commitments[{i}].account_id", c.account_id, "account")
        staff(f"Portfolio.commitments[{i}].owner_id", c.owner_id, "a commitment owner")
        if c.acceptance is not None and c.acceptance.accepted_by_id is not None:
            customer_of(
                f"Portfolio.commitments[{i}].acceptance.accepted_by_id",
                c.acceptance.accepted_by_id,
                c.account_id,
            )
    for i, it in enumerate(p.interactions):
        if it.account_id not in ix.accounts:
            dangling(f"Portfolio.interactions[{i}].account_id", it.account_id, "account")
        for j, pid in enumerate(it.our_people):
            staff(f"Portfolio.interactions[{i}].our_people[{j}]", pid, "our_people")
        for j, pid in enumerate(it.their_people):
            customer_of(f"Portfolio.interactions[{i}].their_people[{j}]", pid, it.account_id)
    for i, o in enumerate(p.opportunities):
        if o.account_id not in ix.accounts:
            dangling(f"Portfolio.opportunities[{i}].account_id", o.account_id, "account")
        for j, pid in enumerate(o.decision_chain):
            customer_of(f"Portfolio.opportunities[{i}].decision_chain[{j}]", pid, o.account_id)

    # 3. reporting lines are acyclic (standing network, then each opportunity's own)
    by_scope: dict[str | None, list[Relationship]] = defaultdict(list)
    for r in p.relationships:
        if r.kind is RelationshipKind.REPORTS_TO:
            by_scope[r.opportunity_id].append(r)
    for scope in sorted(by_scope, key=lambda s: (s is not None, s or "")):
        for cycle in _reporting_cycles(by_scope[scope]):
            where = "standing network" if scope is None else f"opportunity {scope!r}"
            errors.append(
                ReportingCycleError(
                    "Portfolio.relationships",
                    cycle,
                    f"reports_to lines form a cycle in the {where}",
                )
            )
    return errors


def _reporting_cycles(edges: Sequence[Relationship]) -> list[list[str]]:
    """One cycle (list of person ids, in reporting order) per cyclic component."""
    graph: nx.DiGraph[str] = nx.DiGraph()
    graph.add_edges_from((r.source_id, r.target_id) for r in edges)
    cycles: list[list[str]] = []
    components = [c for c in nx.strongly_connected_components(graph) if len(c) > 1]
    for comp in sorted(components, key=min):
        found = nx.find_cycle(graph.subgraph(comp), source=min(comp))
        cycles.append([str(edge[0]) for edge in found])
    return cycles
