"""Strategies per class: resource investment, management strategy and tactics (source [002]).

Source [002] splits key accounts by two axes, potential (潜力) and contribution (贡献度),
into classes A/B/C/D, and gives each class its own resource-investment strategy
(资源投入策略), one of five kinds of management strategy (五类管理策略) and the tactics that
carry it out (落地战术). The table of the five strategies is an image the page's text lost,
so kamlib cannot reproduce it. Source [000] gives each quadrant of its strategic value
matrix a resource policy
([`QUADRANT_POLICY`][kamlib.scoring.value_matrix.QUADRANT_POLICY]), and kamlib names the
quadrants A-D with its own mapping
[`ABCD_NAMES`][kamlib.scoring.value_matrix.ABCD_NAMES] (A = strategic, B = potential,
C = profit, D = ordinary).

* `ClassStrategy`: what one class gets (resource investment, management strategy, tactics);
* `StrategyTable`: the four of them, a table a company fills in (`DEFAULT_STRATEGIES`:
  the [000] resource policies, and kamlib's own management strategies and tactics);
* `assign_strategies`: each account's strategy from the value matrix's classes, the
  accounts without a class, and the accounts whose class changed since the previous
  evaluation;
* `next_strategy_evaluation`: when the strategy & tactics evaluation is next due (source
  [002]: every 6 months).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Final

import attrs

from kamlib._dated import add_months
from kamlib._validators import check_aware_datetime, check_int, check_name, instance_of
from kamlib.errors import DuplicateIdError, InvalidTypeError, InvalidValueError, UnknownIdError
from kamlib.model import Portfolio
from kamlib.scoring import ABCD_NAMES, QUADRANT_POLICY, QUADRANTS, ScoreTable

__all__ = [
    "DEFAULT_STRATEGIES",
    "AccountStrategy",
    "ClassChange",
    "ClassStrategy",
    "StrategyResult",
    "StrategyTable",
    "assign_strategies",
    "next_strategy_evaluation",
]

_LETTER_TO_QUADRANT: Final[Mapping[str, str]] = MappingProxyType(
    {letter: quadrant for quadrant, letter in ABCD_NAMES.items()}
)
_MAX_MONTHS: Final = 1200  # a century: kamlib's bound on an evaluation interval


def _quadrant(path: str, value: object) -> str:
    """A class name (quadrant name or A-D letter) as its quadrant name, or raise at ``path``."""
    if not isinstance(value, str):
        raise InvalidTypeError(path, value, "must be a class name (str)")
    if value in ABCD_NAMES:
        return value
    quadrant = _LETTER_TO_QUADRANT.get(value)
    if quadrant is None:
        raise InvalidValueError(
            path,
            value,
            f"is not a class: one of the quadrants {list(QUADRANTS)} or the letters "
            f"{[ABCD_NAMES[q] for q in QUADRANTS]}",
        )
    return quadrant


# ------------------------------------------------------------------------ ClassStrategy
def _resource(value: object) -> str:
    return check_name("ClassStrategy.resource_investment", value)


def _management(value: object) -> str:
    return check_name("ClassStrategy.management_strategy", value)


def _tactics(value: object) -> tuple[str, ...]:
    path = "ClassStrategy.tactics"
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise InvalidTypeError(path, value, "must be a sequence of tactics (str)")
    items = tuple(value)
    for i, t in enumerate(items):
        check_name(f"{path}[{i}]", t)
    return items


def _note(value: object) -> str:
    if not isinstance(value, str):
        raise InvalidTypeError("ClassStrategy.note", value, "must be a str")
    return value


@attrs.frozen
class ClassStrategy:
    """What one class of accounts gets: resource investment, management strategy, tactics.

    Source [002] gives each of its classes A-D a resource-investment strategy
    (资源投入策略), a management strategy (one of its five, 五类管理策略) and the tactics
    that carry it out (落地战术). The wording is the company's: kamlib stores it.

    Attributes:
        resource_investment: How much, and which, resource the class gets (non-empty).
        management_strategy: The management strategy (non-empty).
        tactics: The tactics, in the company's order (each non-empty; may be empty).
        note: Where the wording comes from (free text, may be empty); the defaults say
            which part is source [000] and which is kamlib's own choice.

    Raises:
        InvalidTypeError: A field of the wrong type (``tactics`` given as one ``str``).
        InvalidValueError: An empty resource investment, management strategy or tactic.

    Examples:
        >>> from kamlib.planning import ClassStrategy
        >>> s = ClassStrategy("dedicated team", "partner", ["joint plan", "exec reviews"])
        >>> s.tactics
        ('joint plan', 'exec reviews')
        >>> ClassStrategy("dedicated team", "partner", ["joint plan", ""])
        Traceback (most recent call last):
        ...
        kamlib.errors.InvalidValueError: ClassStrategy.tactics[1]: must be a non-empty \
string; got ''
    """

    resource_investment: str = attrs.field(converter=_resource)
    management_strategy: str = attrs.field(converter=_management)
    tactics: tuple[str, ...] = attrs.field(default=(), converter=_tactics)
    note: str = attrs.field(default="", converter=_note, kw_only=True)


# ------------------------------------------------------------------------ StrategyTable
@attrs.frozen
class StrategyTable:
    """The strategy of each class: one `ClassStrategy` per value-matrix quadrant.

    The four fields are the quadrants of source [000]'s strategic value matrix; each is
    also source [002]'s class of the same letter under kamlib's mapping
    [`ABCD_NAMES`][kamlib.scoring.value_matrix.ABCD_NAMES] (A = ``strategic``, B = ``potential``,
    C = ``profit``, D = ``ordinary``: kamlib's own mapping; the source does not say which
    letter is which quadrant). Build one from a mapping keyed by quadrant names, by
    letters or by both with `of`; look a class up by either name with `strategy_of` or
    ``table[name]``. Every class must have a strategy, so every placed account gets one.

    Attributes:
        strategic: Class A: high contribution, high strategic importance.
        potential: Class B: low contribution, high strategic importance.
        profit: Class C: high contribution, low strategic importance.
        ordinary: Class D: low contribution, low strategic importance.

    Raises:
        InvalidTypeError: A field that is not a `ClassStrategy`.

    Examples:
        >>> from kamlib.planning import DEFAULT_STRATEGIES, ClassStrategy
        >>> DEFAULT_STRATEGIES["A"] is DEFAULT_STRATEGIES.strategic
        True
        >>> mine = DEFAULT_STRATEGIES.replace("D", ClassStrategy("web portal", "self-service"))
        >>> mine.strategy_of("ordinary").resource_investment
        'web portal'
    """

    strategic: ClassStrategy = attrs.field(validator=instance_of(ClassStrategy))
    potential: ClassStrategy = attrs.field(validator=instance_of(ClassStrategy))
    profit: ClassStrategy = attrs.field(validator=instance_of(ClassStrategy))
    ordinary: ClassStrategy = attrs.field(validator=instance_of(ClassStrategy))

    @classmethod
    def of(cls, strategies: Mapping[str, ClassStrategy]) -> StrategyTable:
        """A table from a mapping class name -> `ClassStrategy`.

        A class may be named by its quadrant (``"strategic"``, ``"potential"``,
        ``"profit"``, ``"ordinary"``) or by its letter (``"A"`` to ``"D"``, kamlib's
        mapping [`ABCD_NAMES`][kamlib.scoring.value_matrix.ABCD_NAMES]), exactly so spelled;
        each class once, all four given.

        Raises:
            InvalidTypeError: Not a mapping; a key that is not a ``str``; a value that is
                not a `ClassStrategy`.
            InvalidValueError: A key that names no class; a class missing.
            DuplicateIdError: One class given twice (by its quadrant and its letter).

        Examples:
            >>> from kamlib.planning import ClassStrategy, StrategyTable
            >>> s = ClassStrategy("some resource", "some strategy")
            >>> t = StrategyTable.of({"A": s, "potential": s, "C": s, "ordinary": s})
            >>> t.profit is s
            True
            >>> StrategyTable.of({"A": s, "B": s, "C": s, "E": s})
            Traceback (most recent call last):
            ...
            kamlib.errors.InvalidValueError: StrategyTable.strategies['E']: is not a class: \
one of the quadrants ['strategic', 'potential', 'profit', 'ordinary'] or the letters \
['A', 'B', 'C', 'D']; got 'E'
        """
        path = "StrategyTable.strategies"
        if not isinstance(strategies, Mapping):
            raise InvalidTypeError(path, strategies, "must be a mapping class name -> strategy")
        given: dict[str, tuple[str, ClassStrategy]] = {}
        # checked in a canonical order, so the error named never depends on the mapping's order
        for key, value in sorted(strategies.items(), key=lambda kv: repr(kv[0])):
            quadrant = _quadrant(f"{path}[{key!r}]", key)
            if not isinstance(value, ClassStrategy):
                raise InvalidTypeError(f"{path}[{key!r}]", value, "must be a ClassStrategy")
            if quadrant in given:
                raise DuplicateIdError(
                    f"{path}[{key!r}]",
                    key,
                    f"names class {quadrant} ({ABCD_NAMES[quadrant]}) a second time "
                    f"(also given as {given[quadrant][0]!r})",
                )
            given[quadrant] = (key, value)
        missing = [q for q in QUADRANTS if q not in given]
        if missing:
            raise InvalidValueError(
                path,
                sorted(map(str, strategies)),
                f"has no strategy for {missing} (every class needs one)",
            )
        return cls(**{q: given[q][1] for q in QUADRANTS})

    def strategy_of(self, name: str) -> ClassStrategy:
        """The strategy of one class, named by its quadrant or its letter.

        Raises:
            InvalidTypeError: ``name`` is not a ``str``.
            InvalidValueError: ``name`` names no class.

        Examples:
            >>> from kamlib.planning import DEFAULT_STRATEGIES
            >>> DEFAULT_STRATEGIES.strategy_of("B").resource_investment
            'invest to develop; pilot projects to prove value'
        """
        quadrant = _quadrant("StrategyTable.strategy_of.name", name)
        strategy: ClassStrategy = getattr(self, quadrant)
        return strategy

    def __getitem__(self, name: str) -> ClassStrategy:
        return self.strategy_of(name)

    def replace(self, name: str, strategy: ClassStrategy) -> StrategyTable:
        """A copy of the table with class ``name`` (quadrant or letter) given ``strategy``.

        Raises:
            InvalidTypeError: ``name`` is not a ``str``; ``strategy`` not a `ClassStrategy`.
            InvalidValueError: ``name`` names no class.

        Examples:
            >>> from kamlib.planning import DEFAULT_STRATEGIES, ClassStrategy
            >>> t = DEFAULT_STRATEGIES.replace("C", ClassStrategy("lean team", "harvest"))
            >>> t.profit.management_strategy, DEFAULT_STRATEGIES.profit.management_strategy
            ('harvest', 'maintain')
        """
        quadrant = _quadrant("StrategyTable.replace.name", name)
        if not isinstance(strategy, ClassStrategy):
            raise InvalidTypeError(
                "StrategyTable.replace.strategy", strategy, "must be a ClassStrategy"
            )
        return attrs.evolve(self, **{quadrant: strategy})

    def as_dict(self, *, letters: bool = False) -> Mapping[str, ClassStrategy]:
        """The table as a read-only mapping, keyed by quadrant (or by letter), A to D.

        Examples:
            >>> from kamlib.planning import DEFAULT_STRATEGIES
            >>> list(DEFAULT_STRATEGIES.as_dict()), list(DEFAULT_STRATEGIES.as_dict(letters=True))
            (['strategic', 'potential', 'profit', 'ordinary'], ['A', 'B', 'C', 'D'])
        """
        return MappingProxyType(
            {(ABCD_NAMES[q] if letters else q): getattr(self, q) for q in QUADRANTS}
        )


DEFAULT_STRATEGIES: Final = StrategyTable(
    strategic=ClassStrategy(
        QUADRANT_POLICY["strategic"],
        "partner",
        (
            "a dedicated account team with an executive sponsor",
            "an annual joint strategic plan with the customer",
            "a key-account plan (重点账户规划) kept up to date",
            "executive-level business reviews",
        ),
        note=(
            "resource investment: source [000] (QUADRANT_POLICY); management strategy and "
            "tactics: kamlib's own choice (source [002]'s five management strategies are in "
            "an image the text lost)"
        ),
    ),
    potential=ClassStrategy(
        QUADRANT_POLICY["potential"],
        "develop",
        (
            "a pilot project to prove value",
            "map the decision chain and reach the decision-maker",
            "plant the solution early with a customer-leading expert",
        ),
        note=(
            "resource investment: source [000] (QUADRANT_POLICY); management strategy and "
            "tactics: kamlib's own choice (source [002]'s five management strategies are in "
            "an image the text lost)"
        ),
    ),
    profit=ClassStrategy(
        QUADRANT_POLICY["profit"],
        "maintain",
        (
            "a key-account plan (重点账户规划) kept up to date",
            "standardise delivery to lower the cost to serve",
            "protect renewal and watch for competitor entry",
            "small opportunities through the fast track",
        ),
        note=(
            "resource investment: source [000] (QUADRANT_POLICY); management strategy and "
            "tactics: kamlib's own choice (source [002]'s five management strategies are in "
            "an image the text lost)"
        ),
    ),
    ordinary=ClassStrategy(
        QUADRANT_POLICY["ordinary"],
        "standardise",
        (
            "standard service packages",
            "remote and self-service channels",
            "re-screen for upgrade at each evaluation",
        ),
        note=(
            "resource investment: source [000] (QUADRANT_POLICY); management strategy and "
            "tactics: kamlib's own choice (source [002]'s five management strategies are in "
            "an image the text lost)"
        ),
    ),
)
"""kamlib's default `StrategyTable`.

The resource investment of each class is source [000]'s resource policy of its quadrant
([`QUADRANT_POLICY`][kamlib.scoring.value_matrix.QUADRANT_POLICY]): strategic (A) a
dedicated team and an annual joint strategic plan; potential (B) invest to develop,
pilot projects to prove value; profit (C) optimise cost-to-serve, keep stable; ordinary
(D) standardised service, screen for upgrade. The management strategies (partner,
develop, maintain, standardise) and the tactics are **kamlib's own choice**: source
[002] gives five management strategies and their tactics in a table that is an image the
page's text lost, so kamlib names one per class of its own and does not claim to
reproduce the five. The key-account plan is a tactic of classes A and C: source [002]
writes such plans "for key accounts, e.g. class C and class A" (比如C類和A類客戶), read
through kamlib's letter mapping. A company replaces any of it with `StrategyTable.replace` or builds
its own with `StrategyTable.of`.

Examples:
    >>> from kamlib.planning import DEFAULT_STRATEGIES
    >>> [s.management_strategy for s in DEFAULT_STRATEGIES.as_dict().values()]
    ['partner', 'develop', 'maintain', 'standardise']
"""


# ------------------------------------------------------------------------ results
@attrs.frozen
class AccountStrategy:
    """One account's class and the strategy that goes with it.

    Attributes:
        account_id: The account.
        quadrant: Its class as a quadrant name (``strategic``, ``potential``, ``profit``,
            ``ordinary``).
        letter: The same class as a letter A-D (kamlib's mapping
            [`ABCD_NAMES`][kamlib.scoring.value_matrix.ABCD_NAMES]).
        strategy: The class's `ClassStrategy` from the table used.

    Examples:
        >>> from kamlib.planning import assign_strategies
        >>> (a,) = assign_strategies({"A1": "B"}).accounts
        >>> a.account_id, a.quadrant, a.letter, a.strategy.management_strategy
        ('A1', 'potential', 'B', 'develop')
    """

    account_id: str
    quadrant: str
    letter: str
    strategy: ClassStrategy


@attrs.frozen
class ClassChange:
    """An account whose class changed since the previous evaluation.

    ``None`` on either side means no class there: ``from_class is None`` for an account
    new to this evaluation or unplaced in the previous one; ``to_class is None`` for an
    account unplaced now, or classified before and absent now.

    Attributes:
        account_id: The account.
        from_class: Its previous class (quadrant name), or ``None``.
        to_class: Its class now (quadrant name), or ``None``.

    Examples:
        >>> from kamlib.planning import assign_strategies
        >>> (c,) = assign_strategies({"A1": "A"}, previous={"A1": "potential"}).changes
        >>> c.from_class, c.to_class, c.from_letter, c.to_letter
        ('potential', 'strategic', 'B', 'A')
    """

    account_id: str
    from_class: str | None
    to_class: str | None

    @property
    def from_letter(self) -> str | None:
        """The previous class as a letter A-D, or ``None``.

        Examples:
            >>> from kamlib.planning import ClassChange
            >>> print(ClassChange("A1", None, "profit").from_letter)
            None
        """
        return None if self.from_class is None else ABCD_NAMES[self.from_class]

    @property
    def to_letter(self) -> str | None:
        """The class now as a letter A-D, or ``None``.

        Examples:
            >>> from kamlib.planning import ClassChange
            >>> ClassChange("A1", None, "profit").to_letter
            'C'
        """
        return None if self.to_class is None else ABCD_NAMES[self.to_class]


def _strategy_index(self: StrategyResult) -> Mapping[str, AccountStrategy]:
    return MappingProxyType({a.account_id: a for a in self.accounts})


@attrs.frozen
class StrategyResult:
    """What `assign_strategies` returns: strategies, unplaced accounts, class changes.

    Attributes:
        accounts: One `AccountStrategy` per account with a class, by account id.
        unplaced: The accounts without a class (no strategy), by id.
        changes: The accounts whose class differs from the previous evaluation's, by
            account id (empty when no previous evaluation was given).
        compared: Whether a previous evaluation was given.

    Examples:
        >>> from kamlib.planning import assign_strategies
        >>> r = assign_strategies({"A2": "D", "A1": None})
        >>> [a.account_id for a in r.accounts], r.unplaced
        (['A2'], ('A1',))
    """

    accounts: tuple[AccountStrategy, ...]
    unplaced: tuple[str, ...]
    changes: tuple[ClassChange, ...] = ()
    compared: bool = False
    _index: Mapping[str, AccountStrategy] = attrs.field(
        init=False,
        eq=False,
        repr=False,
        default=attrs.Factory(_strategy_index, takes_self=True),
    )

    def strategy_of(self, account_id: str) -> ClassStrategy | None:
        """The strategy of one account; ``None`` when it is unplaced.

        Raises:
            UnknownIdError: Neither placed nor unplaced in this result.

        Examples:
            >>> from kamlib.planning import assign_strategies
            >>> r = assign_strategies({"A1": "strategic", "A2": None})
            >>> r.strategy_of("A1").management_strategy, r.strategy_of("A2")
            ('partner', None)
        """
        return self._row(account_id, "StrategyResult.strategy_of.account_id").strategy

    def class_of(self, account_id: str) -> str | None:
        """The class (quadrant name) of one account; ``None`` when it is unplaced.

        Raises:
            UnknownIdError: Neither placed nor unplaced in this result.

        Examples:
            >>> from kamlib.planning import assign_strategies
            >>> assign_strategies({"A1": "C"}).class_of("A1")
            'profit'
        """
        return self._row(account_id, "StrategyResult.class_of.account_id").quadrant

    def _row(self, account_id: str, path: str) -> _Unplaced | AccountStrategy:
        row = self._index.get(account_id)
        if row is not None:
            return row
        if account_id in self.unplaced:
            return _UNPLACED
        raise UnknownIdError(path, account_id, "is not an account of this result")

    def by_class(self) -> Mapping[str, tuple[str, ...]]:
        """The account ids of each class (quadrant name, A to D), each sorted.

        Examples:
            >>> from kamlib.planning import assign_strategies
            >>> r = assign_strategies({"A3": "A", "A1": "A", "A2": "D"})
            >>> dict(r.by_class())
            {'strategic': ('A1', 'A3'), 'potential': (), 'profit': (), 'ordinary': ('A2',)}
        """
        groups: dict[str, list[str]] = {q: [] for q in QUADRANTS}
        for a in self.accounts:  # sorted by id already
            groups[a.quadrant].append(a.account_id)
        return MappingProxyType({q: tuple(ids) for q, ids in groups.items()})


@attrs.frozen
class _Unplaced:
    quadrant: None = None
    strategy: None = None


_UNPLACED: Final = _Unplaced()


# ------------------------------------------------------------------------ assign
def _classes(path: str, results: object) -> dict[str, str | None]:
    """Account id -> quadrant name (``None``: unplaced) from a ScoreTable or a mapping."""
    out: dict[str, str | None] = {}
    if isinstance(results, ScoreTable):
        labels = results.labels
        if labels is None:
            raise InvalidValueError(
                f"{path}.labels",
                None,
                f"are missing: the {results.scorer!r} result has no classes (give the value "
                "matrix's result, ValueMatrix.score)",
            )
        ids = results.ids.tolist()
        for i in sorted(range(len(ids)), key=ids.__getitem__):
            out[ids[i]] = _quadrant(f"{path}.labels[{i}]", labels[i])
        return out
    if not isinstance(results, Mapping):
        raise InvalidTypeError(
            path, results, "must be a ScoreTable or a mapping account id -> class name"
        )
    keys = list(results)
    # checked in a canonical order, so the error named never depends on the mapping's order:
    # the non-str key with the smallest repr first, then the str keys sorted
    not_str = [key for key in keys if not isinstance(key, str)]
    if not_str:
        bad = min(not_str, key=repr)
        check_name(f"{path}[{bad!r}]", bad)
    for key in sorted(keys):
        check_name(f"{path}[{key!r}]", key)
    for key in sorted(keys):
        value = results[key]
        out[key] = None if value is None else _quadrant(f"{path}[{key!r}]", value)
    return out


def _account_ids(path: str, accounts: object) -> set[str]:
    if isinstance(accounts, Portfolio):
        return {a.id for a in accounts.accounts}
    if isinstance(accounts, str | Mapping) or not isinstance(accounts, Iterable):
        raise InvalidTypeError(path, accounts, "must be a Portfolio or a collection of account ids")
    items = list(accounts)
    for i, a in enumerate(items):
        check_name(f"{path}[{i}]", a)
    return set(items)


def assign_strategies(
    results: ScoreTable | Mapping[str, str | None],
    *,
    table: StrategyTable = DEFAULT_STRATEGIES,
    previous: ScoreTable | Mapping[str, str | None] | None = None,
    accounts: Portfolio | Iterable[str] | None = None,
) -> StrategyResult:
    """Each account's strategy from its class, and the accounts whose class changed.

    Source [002]: each class A-D gets its own resource-investment strategy, management
    strategy and tactics; the strategy & tactics evaluation (策略战术评估) re-reads them
    every 6 months (`next_strategy_evaluation`). The classes come from the value matrix:
    a [`ScoreTable`][kamlib.scoring.ScoreTable] from
    [`ValueMatrix.score`][kamlib.scoring.ValueMatrix.score] (either naming: quadrant names
    or, with ``naming="abcd"``, letters), or a plain mapping account id -> class name
    (quadrant or letter; ``None`` for an account without a class).

    An account without a class is **unplaced**: it gets no strategy and is listed in
    `StrategyResult.unplaced`, never silently dropped. With ``accounts`` (a
    [`Portfolio`][kamlib.model.Portfolio] or ids), every one of them missing from
    ``results`` is unplaced too, and a result for an account not among them is an error.

    With ``previous`` (the last evaluation's classes, the same forms), an account whose
    class differs is a `ClassChange`: from its previous class (``None`` if it had none
    or was not there) to its class now (``None`` if it has none now or is not there).
    An account with no class on both sides has not changed.

    Everything is sorted by account id: the order of the input never shows.

    Args:
        results: The classes now.
        table: The `StrategyTable` (default `DEFAULT_STRATEGIES`).
        previous: The previous evaluation's classes, or ``None`` (no changes computed).
        accounts: The accounts that should have a class, or ``None`` (those in ``results``).

    Returns:
        A `StrategyResult`.

    Raises:
        InvalidTypeError: ``results`` or ``previous`` neither a ScoreTable nor a mapping;
            an account id or a class name that is not a ``str``; ``table`` not a
            `StrategyTable`; ``accounts`` not a Portfolio or ids.
        InvalidValueError: A class name that names no class (path
            ``assign_strategies.results.labels[i]`` or ``assign_strategies.results['A1']``);
            a ScoreTable without labels; an empty account id.
        UnknownIdError: A result for an account not in ``accounts``.

    Examples:
        >>> from kamlib import FeatureTable
        >>> from kamlib.planning import assign_strategies
        >>> from kamlib.scoring import ValueMatrix
        >>> t = FeatureTable.from_columns(
        ...     ["A1", "A2", "A3", "A4"],
        ...     {"profit": [900.0, 100.0, 800.0, 50.0], "strategic_fit": [9, 8, 2, 1],
        ...      "value_potential": [8, 9, 3, 2], "resource_complementarity": [7, 7, 1, 3]})
        >>> r = assign_strategies(ValueMatrix().fit(t).score(t),
        ...                       previous={"A1": "A", "A2": "D", "A3": "C"},
        ...                       accounts=["A1", "A2", "A3", "A4", "A5"])
        >>> [(a.account_id, a.letter, a.strategy.management_strategy) for a in r.accounts]
        [('A1', 'A', 'partner'), ('A2', 'B', 'develop'), ('A3', 'C', 'maintain'), \
('A4', 'D', 'standardise')]
        >>> r.unplaced
        ('A5',)
        >>> [(c.account_id, c.from_letter, c.to_letter) for c in r.changes]
        [('A2', 'D', 'B'), ('A4', None, 'D')]
    """
    where = "assign_strategies"
    if not isinstance(table, StrategyTable):
        raise InvalidTypeError(f"{where}.table", table, "must be a StrategyTable")
    now = _classes(f"{where}.results", results)
    before = None if previous is None else _classes(f"{where}.previous", previous)
    if accounts is not None:
        known = _account_ids(f"{where}.accounts", accounts)
        for account_id in now:  # sorted
            if account_id not in known:
                raise UnknownIdError(
                    f"{where}.results", account_id, "is not one of the accounts given"
                )
        for account_id in known - now.keys():
            now[account_id] = None
    placed = []
    unplaced = []
    for account_id in sorted(now):
        quadrant = now[account_id]
        if quadrant is None:
            unplaced.append(account_id)
        else:
            placed.append(
                AccountStrategy(
                    account_id, quadrant, ABCD_NAMES[quadrant], getattr(table, quadrant)
                )
            )
    changes = []
    if before is not None:
        for account_id in sorted(now.keys() | before.keys()):
            was, is_ = before.get(account_id), now.get(account_id)
            if was != is_:
                changes.append(ClassChange(account_id, was, is_))
    return StrategyResult(tuple(placed), tuple(unplaced), tuple(changes), before is not None)


# ------------------------------------------------------------------------ cadence
def next_strategy_evaluation(last: dt.datetime, *, months: int = 6) -> dt.datetime:
    """When the next strategy & tactics evaluation is due, from the last one.

    Source [002] (动态评估, dynamic evaluation, part 4): the resource-investment
    strategy, the management strategies and the tactics are evaluated — are they being
    carried out, do they need changing — every 6 months (策略戰術評估可以6個月評估一次). The
    next one is due ``months`` calendar months after ``last``, on the same day of the
    month (clamped to the month's last day: Aug 31 + 6 months is Feb 28 or 29), at the
    same time of day.

    Args:
        last: When the last evaluation took place (timezone-aware).
        months: The interval in whole months, 1 to 1200 (source [002]: 6).

    Raises:
        InvalidTypeError: ``last`` not a datetime; ``months`` not an int.
        InvalidValueError: ``last`` naive; ``months`` out of range; ``last`` so late that
            the next evaluation would be after year 9999 (path
            ``next_strategy_evaluation.last``).

    Examples:
        >>> import datetime as dt
        >>> from kamlib.planning import next_strategy_evaluation
        >>> next_strategy_evaluation(dt.datetime(2025, 8, 31, 9, tzinfo=dt.UTC))
        datetime.datetime(2026, 2, 28, 9, 0, tzinfo=datetime.timezone.utc)
        >>> next_strategy_evaluation(dt.datetime(2025, 1, 15, tzinfo=dt.UTC), months=3).date()
        datetime.date(2025, 4, 15)
        >>> next_strategy_evaluation(dt.datetime(9999, 10, 1, tzinfo=dt.UTC))
        Traceback (most recent call last):
        ...
        kamlib.errors.InvalidValueError: next_strategy_evaluation.last: is too late: the \
evaluation 6 months after it would fall after year 9999; got datetime.datetime(9999, 10, 1, ...)
    """
    t = check_aware_datetime("next_strategy_evaluation.last", last)
    n = check_int("next_strategy_evaluation.months", months, ge=1, le=_MAX_MONTHS)
    try:
        return add_months(t, n)
    except InvalidValueError:
        raise InvalidValueError(
            "next_strategy_evaluation.last",
            last,
            f"is too late: the evaluation {n} months after it would fall after year 9999",
        ) from None
