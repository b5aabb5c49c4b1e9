"""The demand pool, the customisation guard and the value ladder (sources [000], [003]).

* **Demand pool** (需求池管理, source [000]): the customer's needs (explicit, implicit,
  latent: 显性/隐性/潜在需求) ranked by urgency and value (按"紧急度、价值量"排序).
  `rank_needs` and `demand_pool`.
* **Customisation guard** (source [003]): customisation pays best when its cost stays
  within **15 %** of the profit the customer contributes (定制化成本控制在客户贡献利润的15%以内).
  `customisation_guard` (objects) and `customisation_over_limit` (columns), one rule.
* **Value ladder** (价值升级的"阶梯模型", source [000]): from product trade to a shared
  ecosystem in three steps, basic (stable delivery, e.g. a 99.9 % SLA), value-added (free
  training, regular data-analysis reports), ecosystem (industry salons, joint R&D).
  `value_ladder` and `value_ladders`.
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Final

import attrs
import numpy as np
from numpy.typing import ArrayLike, NDArray

from kamlib._dated import check_as_of, check_portfolio
from kamlib._validators import check_int, check_name, check_real, unwrap_0d
from kamlib.errors import CurrencyMismatchError, InvalidTypeError, InvalidValueError, UnknownIdError
from kamlib.features import MAX_PERIODS, _window
from kamlib.model import Account, Money, NeedKind, Portfolio, Quarter
from kamlib.operations._alerts import Alert, AlertKind, Severity, sort_alerts
from kamlib.scoring.health import DECLINE_TOLERANCE

__all__ = [
    "CUSTOMISATION_LIMIT",
    "CUSTOMISATION_TOLERANCE",
    "DEFAULT_LADDER_AREAS",
    "DEMAND_CODES",
    "LADDER_STAGES",
    "CustomisationCheck",
    "LadderPolicy",
    "LadderStage",
    "RankedNeed",
    "customisation_guard",
    "customisation_over_limit",
    "demand_alerts",
    "demand_pool",
    "rank_needs",
    "value_ladder",
    "value_ladders",
]

BoolArray = NDArray[np.bool_]

# ------------------------------------------------------------------ demand pool


@attrs.frozen
class RankedNeed:
    """One need of the demand pool with its priority and its rank within the account.

    Attributes:
        account_id: The account whose need it is.
        need_id: The [`Need`][kamlib.model.Need]'s id.
        kind: Its [`NeedKind`][kamlib.model.NeedKind].
        urgency: Its urgency, as a float.
        value: Its value, as a float.
        priority: ``urgency * value``, the model's
            [`Need.priority`][kamlib.model.Need.priority].
        rank: 1 for the first need of the account, 2 for the next, ...

    Examples:
        >>> import datetime as dt
        >>> from kamlib.model import Account, Need
        >>> from kamlib.operations import rank_needs
        >>> a = Account("A1", "Acme", industry="x", region="y", size_band="large",
        ...             cooperation_start=dt.date(2024, 1, 1),
        ...             needs=[Need("N1", "SSO", "explicit", urgency=8, value=5)])
        >>> rank_needs(a)[0]
        RankedNeed(account_id='A1', need_id='N1', kind=<NeedKind.EXPLICIT: 'explicit'>, \
urgency=8.0, value=5.0, priority=40.0, rank=1)
    """

    account_id: str
    need_id: str
    kind: NeedKind
    urgency: float
    value: float
    priority: float
    rank: int


def _ranked(account: Account) -> tuple[RankedNeed, ...]:
    needs = account.needs_by_priority()  # the one rank of the demand pool, in the model
    return tuple(
        RankedNeed(account.id, n.id, n.kind, float(n.urgency), float(n.value), n.priority, i)
        for i, n in enumerate(needs, 1)
    )


def rank_needs(account: Account) -> tuple[RankedNeed, ...]:
    """The account's demand pool, ranked by urgency and value (source [000]).

    Source [000] ranks the pool by urgency and value (按"紧急度、价值量"排序) without saying
    how the two combine. **kamlib's own choice**: by their product, ``urgency * value``
    ([`Need.priority`][kamlib.model.Need.priority]), highest first; ties go to the
    higher urgency, then to the kind, explicit before implicit before latent (what the
    contract names first), then to the need id. So the order never depends on the order
    the needs were recorded in.

    Args:
        account: The [`Account`][kamlib.model.Account].

    Returns:
        `RankedNeed` lines, rank 1 first (empty when the account has no needs).

    Raises:
        InvalidTypeError: ``account`` is not an Account.

    Examples:
        >>> import datetime as dt
        >>> from kamlib.model import Account, Need
        >>> from kamlib.operations import rank_needs
        >>> needs = [Need("N1", "reports", "latent", urgency=4, value=6),
        ...          Need("N2", "SSO", "explicit", urgency=6, value=4),
        ...          Need("N3", "multi-currency", "implicit", urgency=6, value=4),
        ...          Need("N4", "AI help desk", "latent", urgency=9, value=9)]
        >>> a = Account("A1", "Acme", industry="x", region="y", size_band="large",
        ...             cooperation_start=dt.date(2024, 1, 1), needs=needs)
        >>> [(r.rank, r.need_id, r.priority) for r in rank_needs(a)]
        [(1, 'N4', 81.0), (2, 'N2', 24.0), (3, 'N3', 24.0), (4, 'N1', 24.0)]
    """
    if not isinstance(account, Account):
        raise InvalidTypeError("rank_needs.account", account, "must be an Account")
    return _ranked(account)


def _account_ids(where: str, portfolio: Portfolio, accounts: object) -> list[str]:
    """The requested account ids, checked and sorted; every account when ``None``."""
    if accounts is None:
        return sorted(a.id for a in portfolio.accounts)
    if isinstance(accounts, str | bytes | Mapping) or not isinstance(accounts, Iterable):
        raise InvalidTypeError(where, accounts, "must be an iterable of account ids (str)")
    ids: set[str] = set()
    for i, account_id in enumerate(accounts):
        path = f"{where}[{i}]"
        check_name(path, account_id)
        try:
            portfolio.account(account_id)
        except UnknownIdError:
            raise UnknownIdError(path, account_id, "is not an account of the portfolio") from None
        ids.add(account_id)
    return sorted(ids)


def demand_pool(
    portfolio: Portfolio, *, accounts: Iterable[str] | None = None
) -> tuple[RankedNeed, ...]:
    """The demand pools of many accounts, flat: by account id, then rank (see `rank_needs`).

    Args:
        portfolio: The [`Portfolio`][kamlib.model.Portfolio].
        accounts: Account ids to include (any order; an id given twice counts once), or
            ``None`` for every account.

    Returns:
        `RankedNeed` lines ordered by account id, then rank.

    Raises:
        InvalidTypeError: ``portfolio`` is not a Portfolio; ``accounts`` not an iterable
            of str (``demand_pool.accounts[i]``).
        UnknownIdError: An id that is not an account of the portfolio
            (``demand_pool.accounts[i]``).

    Examples:
        >>> import datetime as dt
        >>> from kamlib.model import Account, Need, Portfolio
        >>> from kamlib.operations import demand_pool
        >>> def account(id, *needs):
        ...     return Account(id, id, industry="x", region="y", size_band="large",
        ...                    cooperation_start=dt.date(2024, 1, 1), needs=needs)
        >>> p = Portfolio(accounts=[account("B", Need("N1", "SLA", "explicit", 5, 5)),
        ...                         account("A", Need("N1", "BI", "latent", 2, 3),
        ...                                 Need("N2", "SSO", "explicit", 9, 1))])
        >>> [(r.account_id, r.rank, r.need_id) for r in demand_pool(p)]
        [('A', 1, 'N2'), ('A', 2, 'N1'), ('B', 1, 'N1')]
        >>> demand_pool(p, accounts=["Z"])
        Traceback (most recent call last):
        ...
        kamlib.errors.UnknownIdError: demand_pool.accounts[0]: is not an account of the \
portfolio; got 'Z'
    """
    check_portfolio("demand_pool", portfolio)
    out: list[RankedNeed] = []
    for account_id in _account_ids("demand_pool.accounts", portfolio, accounts):
        out.extend(_ranked(portfolio.account(account_id)))
    return tuple(out)


# ------------------------------------------------------------------ customisation guard

CUSTOMISATION_LIMIT: Final = 0.15
"""Source [003]: customisation cost within 15 % of the customer's profit contribution.

Examples:
    >>> from kamlib.operations import CUSTOMISATION_LIMIT, customisation_over_limit
    >>> CUSTOMISATION_LIMIT
    0.15
    >>> customisation_over_limit([15, 16], [100, 100]).tolist()
    [False, True]
"""

CUSTOMISATION_TOLERANCE: Final = DECLINE_TOLERANCE
"""Relative tolerance of the 15 % comparison (kamlib's own choice, 1e-12).

The same as ``kamlib.scoring.health.DECLINE_TOLERANCE``: a cost
of exactly 15 % in decimal money (15.15 of 101, whose ``0.15 * 101`` is
``15.149999999999999`` in floats) is never flagged by float rounding; a cost above the
limit by more than one part in 10**12 is.

Examples:
    >>> from kamlib.operations import CUSTOMISATION_TOLERANCE, customisation_over_limit
    >>> CUSTOMISATION_TOLERANCE
    1e-12
    >>> 15.15 > 0.15 * 101
    True
    >>> customisation_over_limit([15.15], [101]).tolist()
    [False]
"""


def _column(path: str, value: object) -> NDArray[np.float64]:
    try:
        arr = np.asarray(value)
    except (TypeError, ValueError):
        raise InvalidTypeError(path, value, "must be an array of real numbers") from None
    if arr.dtype.kind not in "iuf":
        raise InvalidTypeError(path, value, "must be an array of real numbers (int or float)")
    out = arr.astype(np.float64)
    bad = ~np.isfinite(out)
    if bad.any():
        index = np.argwhere(bad)[0]
        at = "" if out.ndim == 0 else "[" + ", ".join(str(int(i)) for i in index) + "]"
        raise InvalidValueError(f"{path}{at}", out[tuple(index)].item(), "must be finite")
    return out


def customisation_over_limit(
    cost: ArrayLike, contribution: ArrayLike, *, limit: float = CUSTOMISATION_LIMIT
) -> BoolArray:
    """Column door of the customisation guard: which costs exceed ``limit`` of the contribution.

    Source rule [003]: customisation cost should stay within 15 % of the customer's profit
    contribution (the default ``limit``). ``cost > limit * contribution`` is over,
    compared with the relative tolerance `CUSTOMISATION_TOLERANCE` so that a cost of
    exactly 15 % is never flagged (strictly above is; **kamlib's own reading** of
    "within"). A contribution ``<= 0`` with a positive cost is over: there is no profit to
    pay for it (kamlib's own choice); a zero cost is never over. The one kernel behind
    `customisation_guard`, so both doors give the same bits.

    Args:
        cost: Customisation costs, real numbers ``>= 0``, any shape.
        contribution: Profit contributions, the same shape (may be ``<= 0``).
        limit: The share of the contribution the cost may reach, ``>= 0``.

    Returns:
        A boolean array of the shape of ``cost``.

    Raises:
        InvalidTypeError: Not numbers (strings, objects, booleans); ``limit`` not a real.
        InvalidValueError: A non-finite value, a negative cost or limit, shapes that differ.

    Examples:
        >>> from kamlib.operations import customisation_over_limit
        >>> customisation_over_limit([15, 15.000001, 15.15, 1, 0], [100, 100, 101, 0, -5]).tolist()
        [False, True, False, True, False]
    """
    c = _column("customisation_over_limit.cost", cost)
    p = _column("customisation_over_limit.contribution", contribution)
    share = check_real("customisation_over_limit.limit", limit, ge=0.0)
    if c.shape != p.shape:
        raise InvalidValueError(
            "customisation_over_limit.contribution",
            p.shape,
            f"must have the shape of cost {c.shape}",
        )
    negative = c < 0.0
    if negative.any():
        index = np.argwhere(negative)[0]
        at = "" if c.ndim == 0 else "[" + ", ".join(str(int(i)) for i in index) + "]"
        raise InvalidValueError(
            f"customisation_over_limit.cost{at}", c[tuple(index)].item(), "must be >= 0"
        )
    bound = p * (share * (1.0 + CUSTOMISATION_TOLERANCE))
    over: BoolArray = np.where(p > 0.0, c > bound, c > 0.0)
    return over


@attrs.frozen
class CustomisationCheck:
    """The customisation guard's verdict on one account (see `customisation_guard`).

    Attributes:
        account_id: The account.
        cost: The customisation cost passed in, as a float.
        currency: The account's currency (or the cost's, for an account without
            figures; ``None`` for a plain number and no figures).
        contribution: Sum of ``profit_contribution`` over the recorded quarters of the
            window (0.0 when none is recorded).
        quarters: How many quarters of the window have figures (0 to ``len(window)``).
        window: The quarters summed, oldest first, as ``"2025Q1"`` labels.
        share: ``cost / contribution``; ``None`` when the contribution is ``<= 0``.
        limit: The limit applied (source [003]: 0.15).
        over: Whether the cost is above the limit (`customisation_over_limit`).

    Examples:
        >>> import datetime as dt
        >>> from kamlib.model import Account, Money, PeriodFigures, Portfolio, Quarter
        >>> from kamlib.operations import customisation_guard
        >>> m = lambda x: Money(x, "USD")
        >>> a = Account("A1", "Acme", industry="x", region="y", size_band="large",
        ...             cooperation_start=dt.date(2024, 1, 1),
        ...             figures=[PeriodFigures(Quarter(2024, 4), m(400), m(100), m(10))])
        >>> (c,) = customisation_guard(Portfolio(accounts=[a]), {"A1": m(15)},
        ...                            as_of=dt.datetime(2025, 1, 1, tzinfo=dt.UTC))
        >>> c.share, c.over, c.window
        (0.15, False, ('2024Q1', '2024Q2', '2024Q3', '2024Q4'))
    """

    account_id: str
    cost: float
    currency: str | None
    contribution: float
    quarters: int
    window: tuple[str, ...]
    share: float | None
    limit: float
    over: bool


def _window_of(where: str, as_of: dt.datetime, periods: int) -> list[Quarter]:
    """The features' window (`kamlib.features`), refused when it reaches before year 1."""
    day = as_of.date()
    q = Quarter.containing(day)
    last = q.year * 4 + q.quarter - 1 - (0 if day == q.end else 1)  # 0001Q1 is 4
    if last - (periods - 1) < 4:
        raise InvalidValueError(
            f"{where}.periods",
            periods,
            f"reaches before year 1 from as_of={day.isoformat()}",
        )
    return _window(day, periods)


def _cost(path: str, value: object, currency: str | None) -> tuple[float, str | None]:
    value = unwrap_0d(value)
    if isinstance(value, Money):
        if currency is not None and value.currency != currency:
            raise CurrencyMismatchError(
                f"{path}.currency",
                value.currency,
                f"must match the account's currency {currency}",
            )
        return check_real(f"{path}.amount", value.amount, ge=0.0), value.currency
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise InvalidTypeError(path, value, "must be Money or a real number >= 0")
    return check_real(path, value, ge=0.0), currency


def customisation_guard(
    portfolio: Portfolio,
    costs: Mapping[str, Money | float],
    *,
    as_of: dt.datetime,
    periods: int = 4,
    limit: float = CUSTOMISATION_LIMIT,
) -> tuple[CustomisationCheck, ...]:
    """Flag customisation costs above 15 % of the account's profit contribution (source [003]).

    Source rule [003] (a Harvard Business School case it cites): customisation pays best
    when its cost stays within 15 % of the profit the customer contributes
    (定制化成本控制在客户贡献利润的15%以内). The cost is not in the model; pass it per account.
    What kamlib chose, where the source is silent:

    * the **contribution** is the sum of
      [`PeriodFigures.profit_contribution`][kamlib.model.PeriodFigures] (gross, before
      cost-to-serve, which may already hold customisation) over the ``periods`` complete
      quarters ending at or before ``as_of``'s date, the same window as
      [`extract_features`][kamlib.features.extract_features]; default 4 quarters, one
      year. A quarter without figures adds nothing (see ``quarters``);
    * **within** means at most: exactly 15 % is not flagged, above is, compared with a
      tolerance (`customisation_over_limit`, the one kernel);
    * a contribution ``<= 0`` with a positive cost is over, ``share`` is ``None``.

    Args:
        portfolio: The [`Portfolio`][kamlib.model.Portfolio].
        costs: Account id to its customisation cost: [`Money`][kamlib.model.Money] in the
            account's currency, or a real number in it; ``>= 0``.
        as_of: Timezone-aware moment of the check.
        periods: Quarters in the window, 1 to
            ``kamlib.features.MAX_PERIODS`` (default 4).
        limit: The share the cost may reach, ``>= 0`` (source [003]: 0.15).

    Returns:
        One `CustomisationCheck` per account in ``costs``, by account id.

    Raises:
        InvalidTypeError: ``portfolio`` not a Portfolio, ``costs`` not a mapping, a key
            not a str, a cost neither Money nor a real number, ``periods`` not an int.
        UnknownIdError: A key that is not an account (``customisation_guard.costs['A9']``).
        CurrencyMismatchError: A Money cost in another currency than the account's figures.
        InvalidValueError: A negative or non-finite cost, ``periods`` out of range or
            reaching before year 1, a negative ``limit``, a naive ``as_of``.

    Examples:
        >>> import datetime as dt
        >>> from kamlib.model import Account, Money, PeriodFigures, Portfolio, Quarter
        >>> from kamlib.operations import customisation_guard
        >>> m = lambda x: Money(x, "EUR")
        >>> a = Account("A1", "Acme", industry="x", region="y", size_band="large",
        ...             cooperation_start=dt.date(2024, 1, 1),
        ...             figures=[PeriodFigures(Quarter(2024, q), m(300), m(25), m(5))
        ...                      for q in (1, 2, 3, 4)])
        >>> p = Portfolio(accounts=[a])
        >>> as_of = dt.datetime(2025, 2, 1, tzinfo=dt.UTC)
        >>> [(c.cost, c.contribution, c.over) for c in
        ...  customisation_guard(p, {"A1": 15}, as_of=as_of)
        ...  + customisation_guard(p, {"A1": 15.01}, as_of=as_of)]
        [(15.0, 100.0, False), (15.01, 100.0, True)]
        >>> customisation_guard(p, {"A1": Money(10, "USD")}, as_of=as_of)
        Traceback (most recent call last):
        ...
        kamlib.errors.CurrencyMismatchError: customisation_guard.costs['A1'].currency: must \
match the account's currency EUR; got 'USD'
    """
    where = "customisation_guard"
    check_portfolio(where, portfolio)
    if not isinstance(costs, Mapping):
        raise InvalidTypeError(f"{where}.costs", costs, "must be a mapping of account id to cost")
    when = check_as_of(where, as_of)
    n = check_int(f"{where}.periods", periods, ge=1, le=MAX_PERIODS)
    share_limit = check_real(f"{where}.limit", limit, ge=0.0)
    window = _window_of(where, when, n)
    in_window = {(q.year, q.quarter) for q in window}
    labels = tuple(str(q) for q in window)
    keys = list(costs)
    for key in keys:
        if not isinstance(key, str):
            raise InvalidTypeError(f"{where}.costs", key, "keys must be account ids (str)")
    rows: list[tuple[str, float, str | None, float, int]] = []
    for key in sorted(keys):
        path = f"{where}.costs[{key!r}]"
        try:
            account = portfolio.account(key)
        except UnknownIdError:
            raise UnknownIdError(path, key, "is not an account of the portfolio") from None
        cost, currency = _cost(path, costs[key], account.currency)
        amounts = [
            float(f.profit_contribution.amount)
            for f in account.figures
            if (f.period.year, f.period.quarter) in in_window
        ]
        rows.append((key, cost, currency, math.fsum(amounts), len(amounts)))
    cost_col = np.array([r[1] for r in rows], dtype=np.float64)
    contribution_col = np.array([r[3] for r in rows], dtype=np.float64)
    over = customisation_over_limit(cost_col, contribution_col, limit=share_limit)
    return tuple(
        CustomisationCheck(
            key,
            cost,
            currency,
            contribution,
            quarters,
            labels,
            cost / contribution if contribution > 0.0 else None,
            share_limit,
            bool(flag),
        )
        for (key, cost, currency, contribution, quarters), flag in zip(rows, over, strict=True)
    )


DEMAND_CODES: Final[Mapping[str, str]] = MappingProxyType(
    {
        "customisation_over_limit": "The customisation cost is above the limit (source [003]: "
        "15 %) of the account's profit contribution.",
    }
)
"""Every reason code `demand_alerts` emits, with one sentence each.

Severity (kamlib's own choice): ``customisation_over_limit`` is ``warning``.

Examples:
    >>> from kamlib.operations import DEMAND_CODES
    >>> list(DEMAND_CODES)
    ['customisation_over_limit']
"""


def _money_text(x: float, currency: str | None) -> str:
    return f"{x:,.2f}" if currency is None else f"{x:,.2f} {currency}"


def _guard_reason(c: CustomisationCheck) -> str:
    cost = _money_text(c.cost, c.currency)
    contribution = _money_text(c.contribution, c.currency)
    span = f"{c.window[0]}-{c.window[-1]}" if len(c.window) > 1 else c.window[0]
    limit = f"{c.limit * 100:g} %"
    if c.share is None:
        return (
            f"Customisation cost {cost} against a profit contribution of {contribution} "
            f"over {span}: nothing to pay for it (limit {limit})"
        )
    return (
        f"Customisation cost {cost} is {c.share * 100:.1f} % of the profit contribution "
        f"{contribution} over {span} (limit {limit})"
    )


def demand_alerts(checks: Iterable[CustomisationCheck]) -> tuple[Alert, ...]:
    """Alerts for the customisation checks that are over the limit, kind ``demand``.

    Code (`DEMAND_CODES`): ``customisation_over_limit``, severity ``warning`` (kamlib's
    own choice), one per account over the limit; evidence ``cost``, ``contribution``,
    ``share`` (``None`` for a contribution ``<= 0``), ``limit``, ``currency``,
    ``quarters`` and ``window``.

    Args:
        checks: `CustomisationCheck` results of `customisation_guard`.

    Returns:
        The alerts, through [`sort_alerts`][kamlib.operations.sort_alerts].

    Raises:
        InvalidTypeError: ``checks`` not an iterable of CustomisationCheck
            (``demand_alerts.checks[i]``).

    Examples:
        >>> import datetime as dt
        >>> from kamlib.model import Account, Money, PeriodFigures, Portfolio, Quarter
        >>> from kamlib.operations import customisation_guard, demand_alerts
        >>> m = lambda x: Money(x, "USD")
        >>> a = Account("A1", "Acme", industry="x", region="y", size_band="large",
        ...             cooperation_start=dt.date(2024, 1, 1),
        ...             figures=[PeriodFigures(Quarter(2024, 4), m(900), m(200), m(20))])
        >>> checks = customisation_guard(Portfolio(accounts=[a]), {"A1": m(40)},
        ...                              as_of=dt.datetime(2025, 1, 1, tzinfo=dt.UTC))
        >>> (alert,) = demand_alerts(checks)
        >>> alert.code, alert.severity.value, alert.evidence["share"]
        ('customisation_over_limit', 'warning', 0.2)
        >>> alert.reason
        'Customisation cost 40.00 USD is 20.0 % of the profit contribution 200.00 USD over \
2024Q1-2024Q4 (limit 15 %)'
    """
    if isinstance(checks, str | bytes | Mapping) or not isinstance(checks, Iterable):
        raise InvalidTypeError(
            "demand_alerts.checks", checks, "must be an iterable of CustomisationCheck"
        )
    alerts = []
    for i, c in enumerate(checks):
        if not isinstance(c, CustomisationCheck):
            raise InvalidTypeError(f"demand_alerts.checks[{i}]", c, "must be a CustomisationCheck")
        if not c.over:
            continue
        alerts.append(
            Alert(
                c.account_id,
                AlertKind.DEMAND,
                "customisation_over_limit",
                Severity.WARNING,
                _guard_reason(c),
                {
                    "cost": c.cost,
                    "contribution": c.contribution,
                    "share": c.share,
                    "limit": c.limit,
                    "currency": c.currency,
                    "quarters": c.quarters,
                    "window": c.window,
                },
            )
        )
    return sort_alerts(alerts)


# ------------------------------------------------------------------ value ladder

LADDER_STAGES: Final[tuple[str, ...]] = ("basic", "value_added", "ecosystem")
"""The three steps of source [000]'s value ladder (基础层, 增值层, 生态层), lowest first.

Examples:
    >>> from kamlib.operations import LADDER_STAGES
    >>> LADDER_STAGES
    ('basic', 'value_added', 'ecosystem')
    >>> LADDER_STAGES.index("ecosystem") > LADDER_STAGES.index("value_added")
    True
"""

_STAGE_RANK: Final = {s: i for i, s in enumerate(LADDER_STAGES)}


def _area_key(name: str) -> str:
    """An area name as the policy matches it: trimmed, case-folded, spaces and dashes as ``_``."""
    return "_".join(name.strip().casefold().replace("-", " ").split())


DEFAULT_LADDER_AREAS: Final[Mapping[str, str]] = MappingProxyType(
    {
        **dict.fromkeys(
            ("erp", "crm", "cloud", "security", "support", "iot", "delivery", "sla", "maintenance"),
            "basic",
        ),
        **dict.fromkeys(("training", "analytics", "reports", "consulting"), "value_added"),
        **dict.fromkeys(
            ("joint_rd", "co_development", "industry_salon", "joint_lab", "ecosystem"), "ecosystem"
        ),
    }
)
"""Cooperation-area name to ladder stage: **kamlib's own choice**, read-only.

Built on source [000]'s examples (basic: stable delivery under an SLA; value-added: free
training, regular data-analysis reports; ecosystem: industry salons, joint R&D, a joint
lab) and on the area names of ``kamlib.synthetic`` (``erp``, ``crm``,
``cloud``, ``security``, ``support``, ``iot`` are products delivered: basic;
``training`` and ``analytics`` are value-added).

Examples:
    >>> from kamlib.operations import DEFAULT_LADDER_AREAS
    >>> [DEFAULT_LADDER_AREAS[area] for area in ("sla", "training", "joint_rd")]
    ['basic', 'value_added', 'ecosystem']
"""


def _to_areas(value: object) -> Mapping[str, str]:
    """Converter: a mapping of area names to stages, keys normalised, stages checked."""
    if not isinstance(value, Mapping):
        raise InvalidTypeError("LadderPolicy.areas", value, "must be a mapping of area to stage")
    out: dict[str, str] = {}
    for name in sorted(value, key=repr):
        check_name("LadderPolicy.areas", name)
        stage = value[name]
        path = f"LadderPolicy.areas[{name!r}]"
        if not isinstance(stage, str):
            raise InvalidTypeError(path, stage, f"must be a stage, one of {LADDER_STAGES}")
        if stage not in _STAGE_RANK:
            raise InvalidValueError(
                path, stage, f"must be one of {', '.join(map(repr, LADDER_STAGES))}"
            )
        key = _area_key(name)
        if out.get(key, stage) != stage:
            raise InvalidValueError(
                path, stage, f"conflicts with {out[key]!r} for the same area {key!r}"
            )
        out[key] = str(stage)
    return MappingProxyType(dict(sorted(out.items())))


@attrs.frozen
class LadderPolicy:
    """Which value-ladder stage each cooperation area stands for.

    Area names are matched trimmed, case-folded, with spaces and dashes read as ``_``
    (``"Joint RD"`` is ``joint_rd``): kamlib's own choice, so a CRM's spelling need not be
    exact. To extend the default, pass ``{**DEFAULT_LADDER_AREAS, "bi": "value_added"}``.

    Attributes:
        areas: Area name to one of `LADDER_STAGES`; default `DEFAULT_LADDER_AREAS`.
            Stored read-only, keys normalised and sorted.

    Raises:
        InvalidTypeError: Not a mapping; a name or stage not a str.
        InvalidValueError: An empty name, an unknown stage, two spellings of one area
            given different stages.

    Examples:
        >>> from kamlib.operations import LadderPolicy
        >>> LadderPolicy({"Joint Lab": "ecosystem"}).areas
        mappingproxy({'joint_lab': 'ecosystem'})
        >>> LadderPolicy({"erp": "premium"})
        Traceback (most recent call last):
        ...
        kamlib.errors.InvalidValueError: LadderPolicy.areas['erp']: must be one of 'basic', \
'value_added', 'ecosystem'; got 'premium'
    """

    areas: Mapping[str, str] = attrs.field(
        default=DEFAULT_LADDER_AREAS, converter=_to_areas, hash=False
    )

    def stage_of(self, area: str) -> str | None:
        """The stage ``area`` stands for, or ``None`` when the policy does not know it.

        Raises:
            InvalidTypeError: ``area`` is not a str.
            InvalidValueError: ``area`` is empty.

        Examples:
            >>> from kamlib.operations import LadderPolicy
            >>> LadderPolicy().stage_of("Training"), LadderPolicy().stage_of("golf")
            ('value_added', None)
        """
        check_name("LadderPolicy.stage_of.area", area)
        return self.areas.get(_area_key(area))


@attrs.frozen
class LadderStage:
    """Where an account stands on source [000]'s value ladder, with the evidence.

    Attributes:
        account_id: The account.
        stage: The highest of `LADDER_STAGES` one of its areas stands for, or ``None``
            when no area is known to the policy.
        evidence: The account's areas that place it at ``stage``, sorted.
        reached: Every stage at least one area stands for, lowest first.
        unmapped: The account's areas the policy does not know, sorted.

    Examples:
        >>> import datetime as dt
        >>> from kamlib.model import Account
        >>> from kamlib.operations import value_ladder
        >>> a = Account("A1", "Acme", industry="x", region="y", size_band="large",
        ...             cooperation_start=dt.date(2024, 1, 1),
        ...             cooperation_areas=["erp", "training", "analytics", "golf"])
        >>> value_ladder(a)
        LadderStage(account_id='A1', stage='value_added', evidence=('analytics', 'training'), \
reached=('basic', 'value_added'), unmapped=('golf',))
    """

    account_id: str
    stage: str | None
    evidence: tuple[str, ...]
    reached: tuple[str, ...]
    unmapped: tuple[str, ...]


def _ladder(account: Account, policy: LadderPolicy) -> LadderStage:
    by_stage: dict[str, list[str]] = {}
    unmapped: list[str] = []
    for area in account.cooperation_areas:
        stage = policy.areas.get(_area_key(area))
        if stage is None:
            unmapped.append(area)
        else:
            by_stage.setdefault(stage, []).append(area)
    reached = tuple(s for s in LADDER_STAGES if s in by_stage)
    top = reached[-1] if reached else None
    evidence = tuple(sorted(by_stage[top])) if top is not None else ()
    return LadderStage(account.id, top, evidence, reached, tuple(sorted(unmapped)))


def value_ladder(account: Account, *, policy: LadderPolicy = LadderPolicy()) -> LadderStage:
    """The value-ladder stage of one account, from the areas the cooperation includes.

    Source rule [000] (价值升级的"阶梯模型"): from product trade to a shared ecosystem in
    three steps, basic (基础层: stable delivery, e.g. a 99.9 % SLA), value-added (增值层:
    free training, regular data-analysis reports), ecosystem (生态层: industry salons,
    joint R&D). **kamlib's own choices**: the stage is read from
    [`Account.cooperation_areas`][kamlib.model.Account] through the `LadderPolicy`; the
    account stands at the highest stage any of its areas reaches (the lower steps are not
    required to be present; ``reached`` shows which are); areas the policy does not know
    are listed in ``unmapped``, never guessed.

    Args:
        account: The [`Account`][kamlib.model.Account].
        policy: The `LadderPolicy` (default `DEFAULT_LADDER_AREAS`).

    Returns:
        A `LadderStage`.

    Raises:
        InvalidTypeError: ``account`` not an Account, ``policy`` not a LadderPolicy.

    Examples:
        >>> import datetime as dt
        >>> from kamlib.model import Account
        >>> from kamlib.operations import value_ladder
        >>> a = Account("A1", "Acme", industry="x", region="y", size_band="large",
        ...             cooperation_start=dt.date(2024, 1, 1),
        ...             cooperation_areas=["erp", "joint_rd", "industry salon"])
        >>> s = value_ladder(a)
        >>> s.stage, s.evidence, s.reached
        ('ecosystem', ('industry salon', 'joint_rd'), ('basic', 'ecosystem'))
    """
    if not isinstance(account, Account):
        raise InvalidTypeError("value_ladder.account", account, "must be an Account")
    if not isinstance(policy, LadderPolicy):
        raise InvalidTypeError("value_ladder.policy", policy, "must be a LadderPolicy")
    return _ladder(account, policy)


def value_ladders(
    portfolio: Portfolio, *, policy: LadderPolicy = LadderPolicy()
) -> tuple[LadderStage, ...]:
    """`value_ladder` of every account of the portfolio, by account id.

    Args:
        portfolio: The [`Portfolio`][kamlib.model.Portfolio].
        policy: The `LadderPolicy`.

    Returns:
        One `LadderStage` per account, ordered by account id.

    Raises:
        InvalidTypeError: ``portfolio`` not a Portfolio, ``policy`` not a LadderPolicy.

    Examples:
        >>> import datetime as dt
        >>> from kamlib.model import Account, Portfolio
        >>> from kamlib.operations import value_ladders
        >>> def account(id, *areas):
        ...     return Account(id, id, industry="x", region="y", size_band="large",
        ...                    cooperation_start=dt.date(2024, 1, 1), cooperation_areas=areas)
        >>> p = Portfolio(accounts=[account("B", "crm"), account("A", "golf")])
        >>> [(s.account_id, s.stage) for s in value_ladders(p)]
        [('A', None), ('B', 'basic')]
    """
    check_portfolio("value_ladders", portfolio)
    if not isinstance(policy, LadderPolicy):
        raise InvalidTypeError("value_ladders.policy", policy, "must be a LadderPolicy")
    return tuple(_ladder(a, policy) for a in sorted(portfolio.accounts, key=lambda a: a.id))
