"""Monetisation routing (货币化产出, source [002]): the full deal process or the fast track.

Source [002]: an opportunity found while operating an account goes one of two ways. A big
one enters the full deal process (大单打单过程管理, the sales-process management TAS+) to
win it; a small one takes the fast track (小单快速通道): quote, order and sign directly, to
save time and cost. The source gives no threshold for "big" or "small".

* `RoutingPolicy`: the criteria, each a default a company changes: size (a
  [`Money`][kamlib.model.Money] threshold), complexity (the people in the opportunity's
  decision chain) and the stages that are routed;
* `route`: one opportunity's `Route` (track and reasons);
* `route_opportunities`: the routes of a portfolio's open opportunities, by id.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Final

import attrs

from kamlib._validators import check_int
from kamlib.errors import (
    CurrencyMismatchError,
    DuplicateIdError,
    InvalidTypeError,
    InvalidValueError,
)
from kamlib.model import Money, Opportunity, OpportunityStage, Portfolio
from kamlib.model._checks import enum_or_raw

__all__ = [
    "DEFAULT_SIZE_THRESHOLD",
    "ROUTE_CODES",
    "Route",
    "RouteReason",
    "Routing",
    "RoutingPolicy",
    "Track",
    "route",
    "route_opportunities",
]

_CLOSED: Final = frozenset({OpportunityStage.WON, OpportunityStage.LOST})
_OPEN_STAGES: Final = tuple(s for s in OpportunityStage if s not in _CLOSED)
_MAX_CHAIN: Final = 100_000  # kamlib's bound on a decision-chain threshold


class Track(enum.StrEnum):
    """Where an opportunity goes (source [002], 货币化产出).

    Examples:
        >>> from kamlib.planning import Track
        >>> [t.value for t in Track]
        ['full', 'fast']
    """

    FULL = "full"
    """大单打单过程管理: the full deal process (TAS+), for a big opportunity."""
    FAST = "fast"
    """小单快速通道: the fast track (quote, order, sign directly), for a small one."""


ROUTE_CODES: Final[Mapping[str, str]] = MappingProxyType(
    {
        "large_deal": "size at or above the size threshold (full process).",
        "complex_decision": "decision chain of at least the complexity threshold's number of "
        "people (full process).",
        "small_deal": "size below the size threshold (fast track).",
        "simple_decision": "decision chain of fewer people than the complexity threshold "
        "(fast track).",
        "no_criteria": "the policy enables no criterion: every opportunity takes the fast track.",
    }
)
"""Every reason code a `Route` can carry, with its meaning (a read-only mapping).

A full route lists every criterion that sent it to the full process; a fast route lists
every criterion it passed below (or ``no_criteria``).

Examples:
    >>> from kamlib.planning import ROUTE_CODES
    >>> list(ROUTE_CODES)
    ['large_deal', 'complex_decision', 'small_deal', 'simple_decision', 'no_criteria']
    >>> ROUTE_CODES["no_criteria"]
    'the policy enables no criterion: every opportunity takes the fast track.'
"""

DEFAULT_SIZE_THRESHOLD: Final = Money(1_000_000, "CNY")
"""The default size threshold, 1,000,000 CNY: **kamlib's own choice** (source [002] names
big and small opportunities and gives no threshold; CNY is the currency of the synthetic
portfolios). Set `RoutingPolicy.size_threshold` in your own currency.

Examples:
    >>> from kamlib.planning import DEFAULT_SIZE_THRESHOLD
    >>> DEFAULT_SIZE_THRESHOLD.amount, DEFAULT_SIZE_THRESHOLD.currency
    (1000000, 'CNY')
"""


def _size_threshold(value: object) -> Money | None:
    path = "RoutingPolicy.size_threshold"
    if value is None:
        return None
    if not isinstance(value, Money):
        raise InvalidTypeError(path, value, "must be a Money amount or None")
    if value.amount < 0:
        raise InvalidValueError(f"{path}.amount", value.amount, "must be >= 0")
    return value


def _chain_threshold(value: object) -> int | None:
    if value is None:
        return None
    return check_int("RoutingPolicy.chain_threshold", value, ge=0, le=_MAX_CHAIN)


def _stages(value: object) -> tuple[OpportunityStage, ...]:
    path = "RoutingPolicy.stages"
    if isinstance(value, str | Mapping) or not isinstance(value, Iterable):
        raise InvalidTypeError(path, value, "must be a collection of OpportunityStage")
    items = tuple(value)
    seen: set[OpportunityStage] = set()
    for i, v in enumerate(items):
        stage: object = enum_or_raw(OpportunityStage, v)
        if not isinstance(stage, OpportunityStage):
            if isinstance(v, str):
                raise InvalidValueError(
                    f"{path}[{i}]",
                    v,
                    f"is not a stage: one of {[s.value for s in OpportunityStage]}",
                )
            raise InvalidTypeError(f"{path}[{i}]", v, "must be an OpportunityStage")
        if stage in _CLOSED:
            raise InvalidValueError(
                f"{path}[{i}]", v, "is a closed stage: a won or lost opportunity is not routed"
            )
        seen.add(stage)
    if not seen:
        raise InvalidValueError(path, items, "must hold at least one open stage")
    return tuple(s for s in _OPEN_STAGES if s in seen)  # the enum's order: equal sets are equal


@attrs.frozen
class RoutingPolicy:
    """The criteria that send an opportunity to the full deal process or the fast track.

    Source [002] sends a big opportunity to the full deal process (大单打单过程管理, TAS+)
    and a small one to the fast track (小单快速通道), and gives no threshold: every
    number here is **kamlib's own choice**, a default to change.

    An open opportunity at a routed stage goes to the **full** process when **any**
    enabled criterion says so, and to the **fast** track otherwise:

    - **size**: ``opportunity.size >= size_threshold`` (at the threshold is big: it goes
      to the full process);
    - **complexity** (kamlib's proxy, the source names none): the number of people in
      ``opportunity.decision_chain`` ``>= chain_threshold``.

    ``None`` disables a criterion. ``stages`` are the stages that are routed; an
    opportunity at another open stage is held back (`Routing.held`), and a won or lost
    one is closed and never routed.

    Attributes:
        size_threshold: A [`Money`][kamlib.model.Money] amount ``>= 0``, or ``None``
            (default `DEFAULT_SIZE_THRESHOLD`, 1,000,000 CNY, kamlib's own choice). An
            opportunity in another currency is an error: kamlib never converts.
        chain_threshold: People in the decision chain from which a deal counts as complex,
            an int ``>= 0``, or ``None`` (default 4, kamlib's own choice: more people than
            the three roles of a decision chain in source [000], decision-maker, user and
            influencer, suggests a committee).
        stages: The open stages routed (default all four: lead, qualified, proposal,
            negotiation, kamlib's own choice); given in any order, kept in the stage order.

    Raises:
        InvalidTypeError: A threshold of the wrong type; stages not a collection of
            stages.
        InvalidValueError: A negative threshold; an unknown or closed stage; no stage.

    Examples:
        >>> from kamlib.model import Money
        >>> from kamlib.planning import RoutingPolicy
        >>> p = RoutingPolicy(size_threshold=Money(50_000, "EUR"), stages=["proposal", "lead"])
        >>> p.chain_threshold, [s.value for s in p.stages]
        (4, ['lead', 'proposal'])
        >>> RoutingPolicy(chain_threshold=-1)
        Traceback (most recent call last):
        ...
        kamlib.errors.InvalidValueError: RoutingPolicy.chain_threshold: must be an int in \
[0, 100000]; got -1
        >>> RoutingPolicy(stages=["won"])
        Traceback (most recent call last):
        ...
        kamlib.errors.InvalidValueError: RoutingPolicy.stages[0]: is a closed stage: a won \
or lost opportunity is not routed; got 'won'
    """

    size_threshold: Money | None = attrs.field(
        default=DEFAULT_SIZE_THRESHOLD, converter=_size_threshold
    )
    chain_threshold: int | None = attrs.field(default=4, converter=_chain_threshold)
    stages: tuple[OpportunityStage, ...] = attrs.field(
        default=(
            OpportunityStage.LEAD,
            OpportunityStage.QUALIFIED,
            OpportunityStage.PROPOSAL,
            OpportunityStage.NEGOTIATION,
        ),
        converter=_stages,
    )


@attrs.frozen
class RouteReason:
    """One reason for a route: a code of `ROUTE_CODES` and the text with the numbers.

    Attributes:
        code: The reason code.
        text: What was compared, e.g. ``"size 2,000,000 CNY >= threshold 1,000,000 CNY"``.

    Examples:
        >>> from kamlib.planning import RouteReason
        >>> RouteReason("small_deal", "size 10 CNY < threshold 1,000,000 CNY").code
        'small_deal'
    """

    code: str
    text: str


@attrs.frozen
class Route:
    """Where one opportunity goes, and why.

    Attributes:
        opportunity_id: The opportunity.
        account_id: Its account.
        track: `Track.FULL` or `Track.FAST`.
        reasons: For a full route, every criterion that sent it there (size first, then
            complexity); for a fast route, every criterion it stayed below (or
            ``no_criteria``). Codes are in `ROUTE_CODES`.

    Examples:
        >>> from kamlib.model import Money, Opportunity
        >>> from kamlib.planning import route
        >>> r = route(Opportunity("O1", "A1", "Renewal", Money(80_000, "CNY"), "proposal", ["P1"]))
        >>> r.track.value, r.codes
        ('fast', ('small_deal', 'simple_decision'))
    """

    opportunity_id: str
    account_id: str
    track: Track
    reasons: tuple[RouteReason, ...]

    @property
    def codes(self) -> tuple[str, ...]:
        """The reason codes, in order.

        Examples:
            >>> from kamlib.model import Money, Opportunity
            >>> from kamlib.planning import route
            >>> big = Opportunity("O1", "A1", "ERP", Money(2e6, "CNY"), "proposal", ["P1"])
            >>> route(big).codes
            ('large_deal',)
        """
        return tuple(r.code for r in self.reasons)


_SHORT_FROM: Final = 1e16  # from here on a float's digits are binary noise: write 1e+308


def _amount(m: Money) -> str:
    """An amount for a reason's text: ``1,000,000 CNY``; ``1e+308 CNY`` from 1e16 up.

    Below 1e16 in magnitude, the digits with thousands separators (an integral amount
    without ``.0``); from 1e16, the float's shortest repr (``1e+308``, ``1.5e+16``) rather
    than the hundreds of digits of its binary expansion. Neither form rounds a float.

    Examples:
        >>> from kamlib.model import Money
        >>> from kamlib.planning._routing import _amount
        >>> _amount(Money(1_000_000, "CNY")), _amount(Money(2.5, "EUR"))
        ('1,000,000 CNY', '2.5 EUR')
        >>> _amount(Money(1e308, "CNY")), _amount(Money(-1.5e16, "CNY"))
        ('1e+308 CNY', '-1.5e+16 CNY')
    """
    a = float(m.amount)
    if abs(a) >= _SHORT_FROM:
        return f"{a!r} {m.currency}"
    text = f"{int(a):,}" if a.is_integer() else f"{a:,}"  # shortest form: never rounded
    return f"{text} {m.currency}"


def _people(n: int) -> str:
    return f"{n} {'person' if n == 1 else 'people'}"


def _check_policy(where: str, policy: object) -> RoutingPolicy:
    if not isinstance(policy, RoutingPolicy):
        raise InvalidTypeError(f"{where}.policy", policy, "must be a RoutingPolicy")
    return policy


def _route(o: Opportunity, policy: RoutingPolicy, path: str) -> Route:
    """The route of an opportunity at a routed stage (``path``: where it came from)."""
    full: list[RouteReason] = []
    fast: list[RouteReason] = []
    t = policy.size_threshold
    if t is not None:
        if o.size.currency != t.currency:
            raise CurrencyMismatchError(
                f"{path}.size.currency",
                o.size.currency,
                f"cannot be compared with the size threshold in {t.currency} (kamlib never "
                "converts currencies: set RoutingPolicy.size_threshold in this currency)",
            )
        if o.size.amount >= t.amount:
            full.append(
                RouteReason("large_deal", f"size {_amount(o.size)} >= threshold {_amount(t)}")
            )
        else:
            fast.append(
                RouteReason("small_deal", f"size {_amount(o.size)} < threshold {_amount(t)}")
            )
    k = policy.chain_threshold
    if k is not None:
        n = len(o.decision_chain)
        if n >= k:
            full.append(
                RouteReason("complex_decision", f"decision chain of {_people(n)} >= threshold {k}")
            )
        else:
            fast.append(
                RouteReason("simple_decision", f"decision chain of {_people(n)} < threshold {k}")
            )
    if full:
        return Route(o.id, o.account_id, Track.FULL, tuple(full))
    if not fast:
        fast.append(RouteReason("no_criteria", "no criterion enabled: the fast track"))
    return Route(o.id, o.account_id, Track.FAST, tuple(fast))


def route(opportunity: Opportunity, *, policy: RoutingPolicy | None = None) -> Route:
    """Route one opportunity to the full deal process or the fast track (source [002]).

    Source [002] (货币化产出): a big opportunity found in operation enters the full deal
    process (大单打单过程管理, TAS+) to win it; a small one takes the fast track
    (小单快速通道: quote, order and sign directly) to save time and cost. It goes to the
    full process when any criterion of ``policy`` says so (size at or above the
    threshold; a decision chain of at least the complexity threshold's number of people),
    and to the fast track otherwise. The answer depends on the opportunity and the policy
    only.

    Args:
        opportunity: The [`Opportunity`][kamlib.model.Opportunity].
        policy: The `RoutingPolicy` (default ``RoutingPolicy()``: every threshold
            kamlib's own choice).

    Returns:
        The `Route`.

    Raises:
        InvalidTypeError: Not an Opportunity; a policy that is not a RoutingPolicy.
        InvalidValueError: A won or lost opportunity (closed: not routed), or one at an
            open stage the policy does not route (path ``route.opportunity.stage``).
        CurrencyMismatchError: Its size is in another currency than the size threshold
            (path ``route.opportunity.size.currency``).

    Examples:
        >>> from kamlib.model import Money, Opportunity
        >>> from kamlib.planning import RoutingPolicy, route
        >>> erp = Opportunity("O1", "A1", "ERP rollout", Money(1_000_000, "CNY"), "proposal",
        ...                   ["P1", "P2", "P3", "P4"])
        >>> r = route(erp)  # exactly at the size threshold: big
        >>> r.track.value, [x.text for x in r.reasons]
        ('full', ['size 1,000,000 CNY >= threshold 1,000,000 CNY', \
'decision chain of 4 people >= threshold 4'])
        >>> route(erp, policy=RoutingPolicy(size_threshold=Money(5e6, "CNY"),
        ...                                 chain_threshold=None)).track.value
        'fast'
        >>> route(Opportunity("O2", "A1", "Spares", Money(900, "USD"), "lead"))
        Traceback (most recent call last):
        ...
        kamlib.errors.CurrencyMismatchError: route.opportunity.size.currency: cannot be \
compared with the size threshold in CNY (kamlib never converts currencies: set \
RoutingPolicy.size_threshold in this currency); got 'USD'
    """
    where = "route"
    p = RoutingPolicy() if policy is None else _check_policy(where, policy)
    if not isinstance(opportunity, Opportunity):
        raise InvalidTypeError(f"{where}.opportunity", opportunity, "must be an Opportunity")
    path = f"{where}.opportunity"
    if opportunity.stage not in p.stages:
        raise InvalidValueError(
            f"{path}.stage", opportunity.stage.value, _not_routed(opportunity, p)
        )
    return _route(opportunity, p, path)


def _not_routed(o: Opportunity, p: RoutingPolicy) -> str:
    if o.stage in _CLOSED:
        return "is closed: a won or lost opportunity is not routed"
    return f"is not routed by the policy (stages {[s.value for s in p.stages]})"


@attrs.frozen
class Routing:
    """What `route_opportunities` returns: the routes, and the open opportunities held back.

    Attributes:
        routes: One `Route` per open opportunity at a routed stage, by opportunity id.
        held: The open opportunities at a stage the policy does not route, by id.

    Examples:
        >>> from kamlib.model import Money, Opportunity
        >>> from kamlib.planning import RoutingPolicy, route_opportunities
        >>> opps = [Opportunity("O2", "A1", "ERP", Money(3e6, "CNY"), "proposal"),
        ...         Opportunity("O1", "A1", "Spares", Money(9e3, "CNY"), "lead")]
        >>> r = route_opportunities(opps, policy=RoutingPolicy(stages=["proposal"]))
        >>> [x.opportunity_id for x in r.routes], r.held
        (['O2'], ('O1',))
    """

    routes: tuple[Route, ...]
    held: tuple[str, ...] = ()

    @property
    def full(self) -> tuple[str, ...]:
        """The opportunities routed to the full deal process, by id.

        Examples:
            >>> from kamlib.planning import Routing
            >>> Routing(()).full
            ()
        """
        return tuple(r.opportunity_id for r in self.routes if r.track is Track.FULL)

    @property
    def fast(self) -> tuple[str, ...]:
        """The opportunities routed to the fast track, by id.

        Examples:
            >>> from kamlib.planning import Routing
            >>> Routing(()).fast
            ()
        """
        return tuple(r.opportunity_id for r in self.routes if r.track is Track.FAST)


def route_opportunities(
    portfolio: Portfolio | Iterable[Opportunity], *, policy: RoutingPolicy | None = None
) -> Routing:
    """Route every open opportunity of a portfolio (source [002]), sorted by id.

    Each open opportunity at a stage the policy routes gets its `Route` (as `route`
    gives it). Won and lost opportunities are closed and skipped; open ones at another
    stage are listed in `Routing.held`, not dropped. The order of the opportunities never
    shows: they are read by id.

    Args:
        portfolio: A [`Portfolio`][kamlib.model.Portfolio] (its opportunities) or any
            iterable of [`Opportunity`][kamlib.model.Opportunity] with unique ids.
        policy: The `RoutingPolicy` (default ``RoutingPolicy()``).

    Returns:
        A `Routing`.

    Raises:
        InvalidTypeError: Not a Portfolio or opportunities; a record that is not an
            Opportunity; a policy that is not a RoutingPolicy.
        DuplicateIdError: Two opportunities with one id (an iterable).
        CurrencyMismatchError: A routed opportunity's size is in another currency than
            the size threshold (path ``route_opportunities.opportunities[i].size.currency``,
            ``i`` its position in the input).

    Examples:
        >>> import datetime as dt
        >>> from kamlib.planning import route_opportunities
        >>> from kamlib.synthetic import synthetic_portfolio
        >>> p = synthetic_portfolio(40, seed=7, as_of=dt.datetime(2025, 6, 30, tzinfo=dt.UTC))
        >>> r = route_opportunities(p)
        >>> len(r.routes) == sum(o.is_open for o in p.opportunities), r.held
        (True, ())
        >>> [x.opportunity_id for x in r.routes] == sorted(x.opportunity_id for x in r.routes)
        True
    """
    where = "route_opportunities"
    p = RoutingPolicy() if policy is None else _check_policy(where, policy)
    if isinstance(portfolio, Portfolio):
        records: tuple[object, ...] = portfolio.opportunities
    elif isinstance(portfolio, str | Mapping) or not isinstance(portfolio, Iterable):
        raise InvalidTypeError(
            f"{where}.portfolio", portfolio, "must be a Portfolio or an iterable of Opportunity"
        )
    else:
        records = tuple(portfolio)
    by_id: dict[str, tuple[int, Opportunity]] = {}
    for i, o in enumerate(records):
        if not isinstance(o, Opportunity):
            raise InvalidTypeError(f"{where}.opportunities[{i}]", o, "must be an Opportunity")
        if o.id in by_id:
            raise DuplicateIdError(f"{where}.opportunities[{i}].id", o.id, "is not unique")
        by_id[o.id] = (i, o)
    routes = []
    held = []
    for oid in sorted(by_id):
        i, o = by_id[oid]
        if o.stage in _CLOSED:
            continue
        if o.stage not in p.stages:
            held.append(oid)
            continue
        routes.append(_route(o, p, f"{where}.opportunities[{i}]"))
    return Routing(tuple(routes), tuple(held))
