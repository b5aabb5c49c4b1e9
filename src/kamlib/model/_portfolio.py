"""The portfolio: every record of a key-account programme, checked to fit together."""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Mapping, Sequence
from itertools import chain, count, groupby, repeat
from operator import attrgetter, itemgetter
from typing import Any, NamedTuple, Protocol, TypeVar

import attrs
import networkx as nx
import numpy as np
from numpy.typing import NDArray

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
from kamlib.model._complaint import Complaint
from kamlib.model._enums import RelationshipKind, Side
from kamlib.model._interaction import Interaction
from kamlib.model._opportunity import Opportunity
from kamlib.model._people import KeyPerson, Relationship
from kamlib.model._purchase import Purchase

__all__ = ["Portfolio"]

T = TypeVar("T")

_ID = attrgetter("id")
_ACCOUNT_ID = attrgetter("account_id")
# what makes a relationship unique; also the columns the checks and indexes read
_REL_KEY = attrgetter("source_id", "target_id", "kind", "opportunity_id")
_SOURCE_ID, _TARGET_ID = attrgetter("source_id"), attrgetter("target_id")
_KIND_OF, _SCOPE_OF = attrgetter("kind"), attrgetter("opportunity_id")
_SOURCE, _TARGET, _KIND, _SCOPE = (itemgetter(i) for i in range(4))
_FIRST, _SECOND = _SOURCE, _TARGET  # of a pair
RelKey = tuple[str, str, RelationshipKind, "str | None"]


class _HasId(Protocol):
    @property
    def id(self) -> str: ...


R = TypeVar("R", bound=_HasId)


class _Index:
    """Look-up tables built once per portfolio (not part of equality or serde).

    The tables by id are built with the portfolio (the integrity checks read them); the
    tables by account (`_Groups`) on the first look-up that needs them.
    """

    __slots__ = (
        "accounts",
        "addresses",
        "commitments",
        "complaints",
        "derived",
        "ends",
        "groups",
        "interactions",
        "opportunities",
        "people",
        "purchase_groups",
        "purchases",
    )

    def __init__(self, p: Portfolio) -> None:
        self.accounts: dict[str, Account] = _first_by_id(p.accounts)
        # values derived from the records by other layers (kamlib.network's coded
        # arrays), computed on first use; safe to keep because the portfolio is immutable
        self.derived: dict[str, object] = {}
        self.people: dict[str, KeyPerson] = _first_by_id(p.people)
        self.commitments: dict[str, Commitment] = _first_by_id(p.commitments)
        self.complaints: dict[str, Complaint] = _first_by_id(p.complaints)
        self.interactions: dict[str, Interaction] = _first_by_id(p.interactions)
        self.opportunities: dict[str, Opportunity] = _first_by_id(p.opportunities)
        self.purchases: dict[str, Purchase] = _first_by_id(p.purchases)
        self.groups: _Groups | None = None  # built by Portfolio._groups on first use
        # purchases by account, built on the first purchases_of: purchases can outnumber
        # every other record, so the other look-ups by account never pay for them
        self.purchase_groups: dict[str, tuple[Purchase, ...]] | None = None
        # positions in ``people`` of every relationship's source and target (-1: no such
        # person), whether it is a reporting tie, whether it is standing (no
        # opportunity): found by the integrity checks; see Portfolio._relationship_ends
        self.ends: RelationshipColumns | None = None
        self.addresses: tuple[NDArray[np.intp], NDArray[np.intp]] | None = None


class RelationshipColumns(NamedTuple):
    """What the integrity checks learn of every relationship, as read-only arrays."""

    source: NDArray[np.intp]  # position of the source in Portfolio.people (-1: none)
    target: NDArray[np.intp]
    reports: NDArray[np.bool_]  # a reports_to tie (else influences)
    standing: NDArray[np.bool_]  # no opportunity_id


class _Groups:
    """The records of each account, in portfolio order (see `Portfolio.people_of`, ...)."""

    __slots__ = (
        "commitments_of",
        "complaints_of",
        "interactions_of",
        "opportunities_of",
        "people_of",
        "relationships_of",
    )

    def __init__(self, p: Portfolio, ix: _Index) -> None:
        self.people_of = _group(p.people)
        self.commitments_of = _group(p.commitments)
        self.complaints_of = _group(p.complaints)
        self.interactions_of = _group(p.interactions)
        self.opportunities_of = _group(p.opportunities)
        self.relationships_of = _relationships_of(
            p.relationships, list(map(_REL_KEY, p.relationships)), ix.people, ix.opportunities
        )


def _first_by_id(items: Sequence[R]) -> dict[str, R]:
    """Records by id; of records sharing an id the first keeps it (a duplicate is an error)."""
    out: dict[str, R] = dict(zip(map(_ID, items), items, strict=True))
    if len(out) != len(items):  # a repeated id: the later record must not win
        out = {}
        for item in items:
            out.setdefault(item.id, item)
    return out


def _group(items: Sequence[Any]) -> dict[str, tuple[Any, ...]]:
    """Records by ``account_id`` (``None`` left out), in portfolio order.

    Runs of one account (the usual layout) are taken whole: no per-record Python work.
    """
    out: dict[str, list[Any]] = {}
    for key, run in groupby(items, _ACCOUNT_ID):
        if key is None:
            continue
        got = out.get(key)
        if got is None:
            out[key] = list(run)
        else:
            got.extend(run)
    return {k: tuple(v) for k, v in out.items()}


def _relationships_of(
    relationships: Sequence[Relationship],
    keys: Sequence[RelKey],
    people: Mapping[str, KeyPerson],
    opportunities: Mapping[str, Opportunity],
) -> dict[tuple[str, str | None], tuple[Relationship, ...]]:
    """Relationships by (account, opportunity), in portfolio order.

    A relationship is filed under the account of each end and of its opportunity; a tie
    between two accounts is under both.
    """
    account_of = {pid: person.account_id for pid, person in people.items()}.get
    ends = zip(
        map(account_of, map(_SOURCE, keys)),
        map(account_of, map(_TARGET, keys)),
        map(_SCOPE, keys),
        strict=True,
    )
    out: dict[tuple[str, str | None], list[Relationship]] = {}
    for (a, b, scope), run in groupby(zip(ends, relationships, strict=True), _FIRST):
        if scope is None and a == b:  # the usual tie: inside one account's standing network
            if a is not None:
                got = out.get((a, None))
                if got is None:
                    out[(a, None)] = list(map(_SECOND, run))
                else:
                    got.extend(map(_SECOND, run))
            continue
        accounts = {x for x in (a, b) if x is not None}
        if scope is not None:
            opp = opportunities.get(scope)
            if opp is not None:
                accounts.add(opp.account_id)
        ordered = sorted(accounts)
        for _, r in run:
            for account_id in ordered:
                out.setdefault((account_id, scope), []).append(r)
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
      interaction account and people, opportunity account and decision chain,
      purchase account, complaint account, owner and ``person_id``;
    * executive sponsors, commitment owners, complaint owners and
      ``Interaction.our_people`` are ``our_staff`` (source [004]: every key account has
      an executive sponsor on our side; a complaint's first responder owns it);
    * customer people named by an interaction (``their_people``), an opportunity
      (``decision_chain``), an NPS answer (``Account.nps[j].person_id``), an
      acceptance (``Commitment.acceptance.accepted_by_id``) or a complaint
      (``Complaint.person_id``) exist and belong to that record's account;
    * reporting lines (``reports_to``) have no cycle, in the standing network
      (``opportunity_id is None``) and within each opportunity's own relationships.

    Look-ups (`account`, `people_of`, ...) use indexes built once: by id with the
    portfolio, by account on the first look-up by account.
    Use `attrs.evolve` to derive a changed portfolio (it is re-checked).

    Attributes:
        accounts: `Account` records.
        people: `KeyPerson` records (customers, our staff, competitors' staff).
        relationships: `Relationship` records.
        commitments: `Commitment` records.
        interactions: `Interaction` records.
        opportunities: `Opportunity` records.
        purchases: [`Purchase`][kamlib.model.Purchase] records (what each account bought;
            the data of RFM, source [003]).
        complaints: [`Complaint`][kamlib.model.Complaint] records (3R and the red
            channel, sources [000], [003]).

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
    purchases: tuple[Purchase, ...] = attrs.field(
        default=(), converter=as_tuple, validator=each(instance_of(Purchase))
    )
    complaints: tuple[Complaint, ...] = attrs.field(
        default=(), converter=as_tuple, validator=each(instance_of(Complaint))
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

    def _groups(self) -> _Groups:
        """The tables by account, built on the first look-up that needs them, then kept."""
        index = self._index
        groups = index.groups
        if groups is None:  # two threads may both build it: equal tables, either is kept
            groups = index.groups = _Groups(self, index)
        return groups

    def _relationship_ends(self) -> RelationshipColumns:
        """Each relationship's ends (positions in `people`) and kind, as read-only arrays.

        Found once by the integrity checks (which look every end up anyway), so the
        network layer codes its graphs without a second look-up per end.
        """
        ends = self._index.ends
        assert ends is not None  # set by __attrs_post_init__
        return ends

    def _people_positions(self, ids: list[str]) -> NDArray[np.intp]:
        """Positions in `people` of the people with these ids (-1: no such person)."""
        return _positions(self._index, self.people, list(map(self._index.people.get, ids)))

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

    def complaint(self, id: str) -> Complaint:
        """The complaint with ``id``.

        Raises:
            UnknownIdError: No such complaint.

        Examples:
            >>> import pytest
            >>> with pytest.raises(UnknownIdError):
            ...     Portfolio().complaint("Q1")
        """
        return _get(self._index.complaints, id, "complaint")

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

    def purchase(self, id: str) -> Purchase:
        """The purchase with ``id``.

        Raises:
            UnknownIdError: No such purchase.

        Examples:
            >>> import pytest
            >>> with pytest.raises(UnknownIdError):
            ...     Portfolio().purchase("S1")
        """
        return _get(self._index.purchases, id, "purchase")

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
        return self._groups().people_of.get(account_id, ())

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
        return self._groups().commitments_of.get(account_id, ())

    def complaints_of(self, account_id: str) -> tuple[Complaint, ...]:
        """Complaints of ``account_id``, in portfolio order.

        Raises:
            UnknownIdError: No such account.

        Examples:
            >>> import datetime as dt
            >>> acc = Account("A1", "Acme",
            ...     industry="retail", region="north",
            ...     size_band="large", cooperation_start=dt.date(2023, 1, 1))
            >>> Portfolio([acc]).complaints_of("A1")
            ()
        """
        self._known(account_id, "complaints_of")
        return self._groups().complaints_of.get(account_id, ())

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
        return self._groups().interactions_of.get(account_id, ())

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
        return self._groups().opportunities_of.get(account_id, ())

    def purchases_of(self, account_id: str) -> tuple[Purchase, ...]:
        """Purchases by ``account_id``, in portfolio order (not sorted by time).

        Raises:
            UnknownIdError: No such account.

        Examples:
            >>> import datetime as dt
            >>> from kamlib.model import Money, Purchase
            >>> acc = Account("A1", "Acme",
            ...     industry="retail", region="north",
            ...     size_band="large", cooperation_start=dt.date(2023, 1, 1))
            >>> t = dt.datetime(2024, 3, 1, tzinfo=dt.UTC)
            >>> pf = Portfolio([acc], purchases=[Purchase("S1", "A1", t, Money(90, "USD"))])
            >>> [s.id for s in pf.purchases_of("A1")]
            ['S1']
        """
        self._known(account_id, "purchases_of")
        index = self._index
        groups = index.purchase_groups
        if groups is None:  # two threads may both build it: equal tables, either is kept
            groups = index.purchase_groups = _group(self.purchases)
        return groups.get(account_id, ())

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
        return self._groups().relationships_of.get((account_id, opportunity_id), ())


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


def _duplicate_relationships(relationships: Sequence[Relationship]) -> list[KamlibError]:
    errors: list[KamlibError] = []
    seen_rel: set[tuple[str, str, str, str | None]] = set()
    for i, r in enumerate(relationships):
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
    return errors


def _integrity_errors(p: Portfolio, ix: _Index) -> list[KamlibError]:
    """Every integrity failure of ``p``, in a fixed order (rule by rule, record by record).

    Each rule first runs a whole-collection test (set operations, one pass in C) or a
    record loop that builds no path; only where that finds a problem does the walk
    that names each failure run, so the list is the same as a walk over everything.
    """
    errors: list[KamlibError] = []
    people, accounts, opportunities = ix.people, ix.accounts, ix.opportunities
    # the relationship columns, read once (a tuple per record would cost more: every
    # new container is tracked by the garbage collector, whose passes walk everything)
    rels = p.relationships
    m = len(rels)
    sources = list(map(_SOURCE_ID, rels))
    targets = list(map(_TARGET_ID, rels))
    kinds = list(map(_KIND_OF, rels))
    scope_of = list(map(_SCOPE_OF, rels))
    src_found = list(map(people.get, sources))
    dst_found = list(map(people.get, targets))
    src_pos = _positions(ix, p.people, src_found)
    dst_pos = _positions(ix, p.people, dst_found)
    is_report = np.fromiter(
        map(operator.is_, kinds, repeat(RelationshipKind.REPORTS_TO)), np.bool_, m
    )
    standing = np.fromiter(map(operator.is_, scope_of, repeat(None)), np.bool_, m)
    for column in (src_pos, dst_pos, is_report, standing):
        column.flags.writeable = False
    ix.ends = RelationshipColumns(src_pos, dst_pos, is_report, standing)

    # 1. unique ids per type (an index shorter than its records means a repeated id)
    for name, records, index in (
        ("accounts", p.accounts, accounts),
        ("people", p.people, people),
        ("commitments", p.commitments, ix.commitments),
        ("interactions", p.interactions, ix.interactions),
        ("opportunities", p.opportunities, opportunities),
        ("purchases", p.purchases, ix.purchases),
        ("complaints", p.complaints, ix.complaints),
    ):
        if len(index) != len(records):
            errors += _duplicate_ids(name, records)
    if _maybe_repeated(src_pos, dst_pos, is_report, scope_of, standing):
        errors += _duplicate_relationships(p.relationships)

    def dangling(path: str, value: str, what: str) -> None:
        errors.append(DanglingReferenceError(path, value, f"names no {what} in the portfolio"))

    def not_staff(pid: str) -> bool:
        person = people.get(pid)
        return person is None or person.side is not Side.OUR_STAFF

    def staff(path: str, pid: str, what: str) -> None:
        person = people.get(pid)
        if person is None:
            dangling(path, pid, "person")
        elif person.side is not Side.OUR_STAFF:
            errors.append(
                IntegrityError(path, pid, f"{what} must be our_staff, not {person.side.value}")
            )

    def not_customer_of(pid: str, account_id: str) -> bool:
        person = people.get(pid)
        return person is None or (person.side is Side.CUSTOMER and person.account_id != account_id)

    def customer_of(path: str, pid: str, account_id: str) -> None:
        person = people.get(pid)
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
        sponsor = a.executive_sponsor_id
        if sponsor is not None and not_staff(sponsor):
            staff(f"Portfolio.accounts[{i}].executive_sponsor_id", sponsor, "the executive sponsor")
        for j, answer in enumerate(a.nps):
            pid = answer.person_id
            if pid is not None and not_customer_of(pid, a.id):
                customer_of(f"Portfolio.accounts[{i}].nps[{j}].person_id", pid, a.id)
    named = set(map(_ACCOUNT_ID, p.people))
    named.discard(None)
    if not named.issubset(accounts):
        for i, person in enumerate(p.people):
            if person.account_id is not None and person.account_id not in accounts:
                dangling(f"Portfolio.people[{i}].account_id", person.account_id, "account")
    scopes = set(scope_of)
    scopes.discard(None)
    if (src_pos < 0).any() or (dst_pos < 0).any() or not scopes.issubset(opportunities):
        for i, r in enumerate(p.relationships):
            for end in ("source_id", "target_id"):
                pid = getattr(r, end)
                if pid not in people:
                    dangling(f"Portfolio.relationships[{i}].{end}", pid, "person")
            if r.opportunity_id is not None and r.opportunity_id not in opportunities:
                dangling(
                    f"Portfolio.relationships[{i}].opportunity_id", r.opportunity_id, "opportunity"
                )
    for i, c in enumerate(p.commitments):
        if c.account_id not in accounts:
            dangling(f"Portfolio.commitments[{i}].account_id", c.account_id, "account")
        if not_staff(c.owner_id):
            staff(f"Portfolio.commitments[{i}].owner_id", c.owner_id, "a commitment owner")
        if c.acceptance is not None and c.acceptance.accepted_by_id is not None:
            pid = c.acceptance.accepted_by_id
            if not_customer_of(pid, c.account_id):
                customer_of(
                    f"Portfolio.commitments[{i}].acceptance.accepted_by_id", pid, c.account_id
                )
    for i, it in enumerate(p.interactions):
        if it.account_id not in accounts:
            dangling(f"Portfolio.interactions[{i}].account_id", it.account_id, "account")
        for j, pid in enumerate(it.our_people):
            if not_staff(pid):
                staff(f"Portfolio.interactions[{i}].our_people[{j}]", pid, "our_people")
        for j, pid in enumerate(it.their_people):
            if not_customer_of(pid, it.account_id):
                customer_of(f"Portfolio.interactions[{i}].their_people[{j}]", pid, it.account_id)
    for i, o in enumerate(p.opportunities):
        if o.account_id not in accounts:
            dangling(f"Portfolio.opportunities[{i}].account_id", o.account_id, "account")
        for j, pid in enumerate(o.decision_chain):
            if not_customer_of(pid, o.account_id):
                customer_of(f"Portfolio.opportunities[{i}].decision_chain[{j}]", pid, o.account_id)
    bought = set(map(_ACCOUNT_ID, p.purchases))
    if not bought.issubset(accounts):  # one set test; the walk only when one is dangling
        for i, s in enumerate(p.purchases):
            if s.account_id not in accounts:
                dangling(f"Portfolio.purchases[{i}].account_id", s.account_id, "account")

    for i, q in enumerate(p.complaints):
        if q.account_id not in accounts:
            dangling(f"Portfolio.complaints[{i}].account_id", q.account_id, "account")
        if not_staff(q.owner_id):
            staff(f"Portfolio.complaints[{i}].owner_id", q.owner_id, "a complaint owner")
        if q.person_id is not None and not_customer_of(q.person_id, q.account_id):
            customer_of(f"Portfolio.complaints[{i}].person_id", q.person_id, q.account_id)

    # 3. reporting lines are acyclic (standing network, then each opportunity's own)
    by_scope: dict[str | None, NDArray[np.intp]] = {}
    if not (is_report & ~standing).any():  # all reporting lines in the standing network
        if is_report.any():
            by_scope[None] = np.flatnonzero(is_report)
    else:
        grouped: dict[str | None, list[int]] = {}
        for i in np.flatnonzero(is_report).tolist():
            grouped.setdefault(scope_of[i], []).append(i)
        by_scope = {k: np.asarray(v, dtype=np.intp) for k, v in grouped.items()}
    for scope in sorted(by_scope, key=lambda s: (s is not None, s or "")):
        at = by_scope[scope]
        src, dst = src_pos[at], dst_pos[at]
        if (src >= 0).all() and (dst >= 0).all():  # every end a person: coded already
            if _acyclic_codes(src, dst, len(p.people)):
                continue
        elif _acyclic([sources[i] for i in at.tolist()], [targets[i] for i in at.tolist()]):
            continue
        edges = at.tolist()
        scope_sources = [sources[i] for i in edges]
        scope_targets = [targets[i] for i in edges]
        for cycle in _reporting_cycles(zip(scope_sources, scope_targets, strict=True)):
            where = "standing network" if scope is None else f"opportunity {scope!r}"
            errors.append(
                ReportingCycleError(
                    "Portfolio.relationships",
                    cycle,
                    f"reports_to lines form a cycle in the {where}",
                )
            )
    return errors


def _acyclic(sources: Sequence[str], targets: Sequence[str]) -> bool:
    """Whether the edges ``sources[i] -> targets[i]`` form no cycle (Kahn's algorithm).

    Node ids are coded as integers and the out-edges laid out by source (CSR); one pass
    takes every node whose in-edges have all been taken. A node left over lies on, or
    behind, a cycle. Linear in nodes + edges.
    """
    code = dict(zip(dict.fromkeys(chain(sources, targets)), count()))
    m = len(sources)
    if m == 0:
        return True
    src = np.fromiter(map(code.__getitem__, sources), np.intp, m)
    dst = np.fromiter(map(code.__getitem__, targets), np.intp, m)
    return _acyclic_codes(src, dst, len(code))


def _acyclic_codes(src: NDArray[np.intp], dst: NDArray[np.intp], n: int) -> bool:
    """`_acyclic` on edges whose ends are integer codes in ``range(n)``.

    Peels the nodes with no edge left coming in, all of them at once, round by round
    (in numpy); a deep chain that needs more than 64 rounds finishes in the one-node
    loop of Kahn's algorithm.
    """
    if src.shape[0] == 0:
        return True
    in_degree = np.bincount(dst, minlength=n)
    live = np.ones(src.shape[0], dtype=np.bool_)
    gone = np.zeros(n, dtype=np.bool_)
    for _ in range(64):
        free = (in_degree == 0) & ~gone
        if not free.any():
            return bool(gone.all())
        gone |= free
        leaving = live & free[src]
        in_degree -= np.bincount(dst[leaving], minlength=n)
        live &= ~leaving
        if not live.any():
            return True
    keep = np.flatnonzero(live)
    return _kahn(src[keep], dst[keep], n)


def _kahn(src: NDArray[np.intp], dst: NDArray[np.intp], n: int) -> bool:
    """Kahn's algorithm, one node at a time (codes in ``range(n)``)."""
    in_degree = np.bincount(dst, minlength=n)
    ready: list[int] = np.flatnonzero(in_degree == 0).tolist()
    remaining: list[int] = in_degree.tolist()
    out_degree = np.bincount(src, minlength=n)
    by_source: list[int] = dst[np.argsort(src, kind="stable")].tolist()
    starts: list[int] = np.concatenate(([0], np.cumsum(out_degree))).tolist()
    for u in ready:  # ``ready`` grows while it is read
        for v in by_source[starts[u] : starts[u + 1]]:
            left = remaining[v] - 1
            remaining[v] = left
            if not left:
                ready.append(v)
    return len(ready) == n


def _maybe_repeated(
    src: NDArray[np.intp],
    dst: NDArray[np.intp],
    is_report: NDArray[np.bool_],
    scope_of: list[str | None],
    standing: NDArray[np.bool_],
) -> bool:
    """Whether two relationships may share (source, target, kind, opportunity).

    Conservative: a missing end (position -1) counts as equal to any other missing
    one, so a ``True`` only sends the check to the exact record-by-record walk.
    """
    if src.shape[0] < 2:
        return False
    scope = np.zeros(src.shape[0], dtype=np.intp)
    if not standing.all():
        codes: dict[str | None, int] = {None: 0}
        scope = np.fromiter(
            (codes.setdefault(x, len(codes)) for x in scope_of), np.intp, len(scope_of)
        )
    order = np.lexsort((scope, is_report, dst, src))
    same = np.ones(src.shape[0] - 1, dtype=np.bool_)
    for col in (src, dst, is_report, scope):
        ranked = col[order]
        same &= ranked[1:] == ranked[:-1]
    return bool(same.any())


def _positions(ix: _Index, records: Sequence[object], found: list[Any]) -> NDArray[np.intp]:
    """The position in ``records`` of each object in ``found`` (``None``: -1).

    By object identity, in numpy: the records' addresses sorted once per portfolio
    (kept in ``ix``), each looked-up object found by binary search (the first position
    when one object repeats).
    """
    if not len(records):
        return np.full(len(found), -1, dtype=np.intp)
    if ix.addresses is None:
        addr = np.fromiter(map(id, records), np.intp, len(records))
        order = np.argsort(addr, kind="stable")
        ix.addresses = (order, addr[order])
    order, known = ix.addresses
    want = np.fromiter(map(id, found), np.intp, len(found))
    at = np.minimum(np.searchsorted(known, want), len(records) - 1)
    out: NDArray[np.intp] = np.where(known[at] == want, order[at], -1)
    return out


def _reporting_cycles(edges: Iterable[tuple[str, str]]) -> list[list[str]]:
    """One cycle (list of person ids, in reporting order) per cyclic component.

    The error path only (after `_acyclic` has found a cycle): networkx's components,
    sorted by their smallest id, and one ``find_cycle`` from that id each.
    """
    graph: nx.DiGraph[str] = nx.DiGraph()
    graph.add_edges_from(edges)
    cycles: list[list[str]] = []
    components = [c for c in nx.strongly_connected_components(graph) if len(c) > 1]
    for comp in sorted(components, key=min):
        found = nx.find_cycle(graph.subgraph(comp), source=min(comp))
        cycles.append([str(edge[0]) for edge in found])
    return cycles
