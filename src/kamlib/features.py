"""From domain objects to a [`FeatureTable`][kamlib.FeatureTable]: the object door to every kernel.

`extract_features` reads a [`Portfolio`][kamlib.model.Portfolio] once, as of a given moment,
and produces the canonical feature columns that the built-in scorers read by default. Each
feature's formula is in `FEATURES`; a value that cannot be computed (no survey yet, no
figures in the window) is *declared missing* in the table's mask, never a NaN by accident.

The scorers never see domain objects: both doors (objects here, columns through
`FeatureTable.from_columns`) reach the same vectorised kernels.

Examples:
    >>> from kamlib.features import FEATURES
    >>> FEATURES["profit"].split(":")[0]
    'Sum of (profit_contribution - cost_to_serve) over the same window'
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any, Final

import attrs
import numpy as np
from numpy.typing import NDArray

from kamlib._purchases import (
    MAX_PURCHASE_WINDOW_DAYS,
    PURCHASE_FEATURES,
    PurchaseColumns,
    purchase_features,
)
from kamlib._table import FeatureTable
from kamlib._validators import check_aware_datetime, check_flag, check_int
from kamlib.errors import CurrencyMismatchError, FieldError, InvalidTypeError, InvalidValueError
from kamlib.model import (
    Account,
    Commitment,
    CommitmentState,
    DecisionRole,
    Portfolio,
    Quarter,
    RenewalIntent,
    RiskKind,
    Side,
)

__all__ = [
    "CUSTOMER_VALUE_FEATURES",
    "FEATURES",
    "MAX_NPS_WINDOW_DAYS",
    "MAX_PERIODS",
    "MAX_PURCHASE_WINDOW_DAYS",
    "NPS_COUNT_FEATURES",
    "PURCHASE_FEATURES",
    "PurchaseColumns",
    "extract_features",
    "purchase_features",
]

MAX_PERIODS: Final = 400
"""Largest ``periods`` `extract_features` accepts: 400 quarters, a century.

Two windows of ``periods`` quarters are read (the current one and the one before, for
growth); beyond a century the figures are no longer one account's history.
"""

MAX_NPS_WINDOW_DAYS: Final = 36_525
"""Largest ``nps_window_days`` `extract_features` accepts: a century of days."""

FloatArray = NDArray[np.float64]

#: Every column `extract_features` produces, with its formula and source rule.
FEATURES: Mapping[str, str] = {
    "revenue": "Sum of quarterly revenue over the window of `periods` complete quarters "
    "ending at or before as_of. Missing when no quarter of the window is recorded. [001]",
    "quarters_recorded": "Number of quarters of the window with recorded figures (0..periods). "
    "revenue and profit sum only recorded quarters, so a young account with fewer quarters "
    "looks smaller: filter or normalise on this column when that matters. [001]",
    "profit": "Sum of (profit_contribution - cost_to_serve) over the same window: "
    "key accounts are measured by profit after cost-to-serve, not revenue. [004]",
    "lifetime_profit": "Sum of (profit_contribution - cost_to_serve) over every recorded "
    "complete quarter from the one holding cooperation_start to the last before as_of: the "
    "profit the customer has brought, the measure source [004] judges key-account work by "
    "(kamlib reads it as an account's contribution too; that use is kamlib's). Missing "
    "without such figures. [004]",
    "revenue_growth": "revenue(window) / revenue(previous window of the same length) - 1. "
    "Missing when the previous window has no recorded revenue or sums to <= 0. [000] growth",
    "purchase_stability": "1 / (1 + CV) where CV is the coefficient of variation "
    "(population std / mean) of the recorded quarterly revenue in the window; 1 = perfectly "
    "steady. Missing with fewer than 2 recorded quarters or a mean <= 0. [000] stability",
    "revenue_change_last": "Quarter-on-quarter change of the last complete quarter, "
    "r[-1] / r[-2] - 1. Missing unless both quarters are recorded and r[-2] > 0. [000]",
    "revenue_change_prev": "Quarter-on-quarter change of the quarter before, r[-2] / r[-3] - 1. "
    "With revenue_change_last it drives the 'down 15% two quarters running' alert. [000]",
    "satisfaction": "Score (0-100) of the latest satisfaction survey at or before as_of. [000]",
    "nps": "Net Promoter Score of the responses in the last `nps_window_days` days: "
    "100 * (share of 9-10) - 100 * (share of 0-6), in [-100, 100]. [003], [000]",
    "cooperation_breadth": "Number of cooperation areas / product lines. [000] ecosystem",
    "commitment_fulfilment": "Among the account's commitments closed at as_of (state as of "
    "as_of), (delivered + accepted) / (delivered + accepted + broken); cancelled ones do not "
    "count. Missing when none is closed. [000] promise-execute-feedback loop",
    "strategic_fit": "Strategic fit, 0-10. Missing without strategic attributes. [000]",
    "value_potential": "Value potential, 0-10. [000]",
    "resource_complementarity": "Resource complementarity, 0-10. [000]",
    "risk_key_decision_maker_left": "1 if a key_decision_maker_left signal is open at as_of, "
    "or a customer decision-maker of the account left on or before as_of's day "
    "(KeyPerson.left_on): the same fact recorded either way. [000] red light",
    "risk_budget_frozen": "1 if a budget_frozen signal is open at as_of. [000] red light",
    "risk_competitor_entered": "1 if a competitor_entered signal is open. [000] red light",
    "risk_late_delivery": "1 if a late_delivery signal is open. [000] green (watch)",
    "open_risks": "Number of risk signals (of any kind) open at as_of. [000]",
    "renewal_unclear": "1 if renewal intent is 'unclear'; missing if intent is not "
    "recorded. [000] yellow light",
    "renewal_no": "1 if renewal intent is 'no'; missing if intent is not recorded. [000]",
}

#: The NPS response counts the NPS scorer reads (``customer_value=True``).
NPS_COUNT_FEATURES: Mapping[str, str] = {
    "nps_promoters": "Number of NPS responses 9-10 in the last `nps_window_days` days "
    "(the window of `nps`). [003], standard definition (Reichheld 2003)",
    "nps_passives": "Number of NPS responses 7-8 in the same window.",
    "nps_detractors": "Number of NPS responses 0-6 in the same window; all three 0: the "
    "account has no NPS (the scorer declares it missing, never NaN).",
}

#: The columns ``extract_features(customer_value=True)`` adds: the inputs of the
#: customer-value scorers (RFM from purchases, NPS counts). CLV and Pareto/ABC read
#: ``profit`` (after cost to serve), already in `FEATURES`.
CUSTOMER_VALUE_FEATURES: Mapping[str, str] = {**PURCHASE_FEATURES, **NPS_COUNT_FEATURES}

_RISK_COLUMNS = {
    RiskKind.KEY_DECISION_MAKER_LEFT: "risk_key_decision_maker_left",
    RiskKind.BUDGET_FROZEN: "risk_budget_frozen",
    RiskKind.COMPETITOR_ENTERED: "risk_competitor_entered",
    RiskKind.LATE_DELIVERY: "risk_late_delivery",
}
_GOOD = {CommitmentState.DELIVERED, CommitmentState.ACCEPTED}


def _window(as_of: dt.date, n: int) -> list[Quarter]:
    """The ``n`` complete quarters ending at or before ``as_of``, oldest first."""
    q = Quarter.containing(as_of)
    last = q if as_of == q.end else q.previous()
    out = [last]
    for _ in range(n - 1):
        out.append(out[-1].previous())
    return out[::-1]


def _safe_ratio(num: FloatArray, den: FloatArray, ok: NDArray[np.bool_]) -> FloatArray:
    out = np.zeros_like(num)
    np.divide(num, den, out=out, where=ok)
    return out


def extract_features(
    portfolio: Portfolio,
    *,
    as_of: dt.datetime,
    periods: int | np.integer[Any] = 4,
    nps_window_days: int | np.integer[Any] = 365,
    network: bool | np.bool_ = True,
    customer_value: bool | np.bool_ = False,
    purchase_window_days: int | np.integer[Any] = 365,
    network_columns: Iterable[str] | None = None,
) -> FeatureTable:
    """Build the canonical feature table of every account in ``portfolio``, as of ``as_of``.

    Columns and formulas: `FEATURES`; plus, with ``network=True``, the relationship
    features of [`kamlib.network.relationship_features`][kamlib.network.relationship_features].
    Categorical columns:
    ``industry``, ``size_band``, ``region``. Rows follow ``portfolio.accounts``.

    Args:
        portfolio: The portfolio.
        as_of: Timezone-aware moment the features describe; nothing after it is read.
        periods: Quarters in the window, 1 to `MAX_PERIODS` (default 4: one year;
            source [000] reports health quarterly). An ``int`` or numpy integer.
        nps_window_days: Look-back of the NPS responses in days, 1 to
            `MAX_NPS_WINDOW_DAYS` (default 365).
        network: Also compute the stakeholder-network features (coverage, support,
            portrait averages, interaction recency and ``interaction_frequency``). The
            default [`HealthModel`][kamlib.scoring.HealthModel] and
            [`WeightedPoints`][kamlib.scoring.WeightedPoints] read ``interaction_frequency``: with
            ``network=False`` they raise [`MissingFeatureError`][kamlib.errors.MissingFeatureError].
        customer_value: Also compute `CUSTOMER_VALUE_FEATURES`: the RFM inputs from the
            portfolio's purchases (`purchase_features`, the same columns as the column
            door gives) and the NPS response counts. Off by default.
        purchase_window_days: Look-back of purchase frequency and monetary in days, 1 to
            `MAX_PURCHASE_WINDOW_DAYS` (default 365; read with ``customer_value=True``).
        network_columns: With ``network=True``, only these relationship features (names
            of [`RELATIONSHIP_FEATURES`][kamlib.network.RELATIONSHIP_FEATURES]; default:
            all): e.g. the ones a scorer's ``required_features`` name, so that the
            network's coverage and influence reach run only when read. Each column has
            the same bits whichever others are computed.

    Returns:
        A validated [`FeatureTable`][kamlib.FeatureTable].

    Raises:
        InvalidTypeError: ``portfolio`` is not a Portfolio, ``as_of`` not a datetime,
            ``periods`` or ``nps_window_days`` not an integer, ``network`` not a bool.
        InvalidValueError: ``as_of`` is naive; ``periods`` or ``nps_window_days`` out of
            range, or two windows of ``periods`` quarters reach before year 1.
        CurrencyMismatchError: Accounts report figures in different currencies
            (revenue and profit would not be comparable across accounts).

    Examples:
        >>> import datetime as dt
        >>> from kamlib.features import extract_features
        >>> from kamlib.synthetic import synthetic_portfolio
        >>> as_of = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
        >>> p = synthetic_portfolio(20, seed=1, as_of=as_of)
        >>> t = extract_features(p, as_of=as_of)
        >>> len(t), "profit" in t, "coverage" in t
        (20, True, True)
        >>> bool((t.column("satisfaction")[~t.is_missing("satisfaction")] <= 100).all())
        True
    """
    if not isinstance(portfolio, Portfolio):
        raise InvalidTypeError("extract_features.portfolio", portfolio, "must be a Portfolio")
    check_aware_datetime("extract_features.as_of", as_of)
    periods = check_int("extract_features.periods", periods, ge=1, le=MAX_PERIODS)
    nps_window_days = check_int(
        "extract_features.nps_window_days", nps_window_days, ge=1, le=MAX_NPS_WINDOW_DAYS
    )
    network = check_flag("extract_features.network", network)
    customer_value = check_flag("extract_features.customer_value", customer_value)
    purchase_window_days = check_int(
        "extract_features.purchase_window_days",
        purchase_window_days,
        ge=1,
        le=MAX_PURCHASE_WINDOW_DAYS,
    )
    span = max(2 * periods, 3)
    if Quarter.containing(as_of.date()).year * 4 - span < 4:  # the window needs year >= 1
        raise InvalidValueError(
            "extract_features.periods",
            periods,
            f"reaches before year 1 from as_of={as_of.date().isoformat()} (2 windows of quarters)",
        )

    accounts = portfolio.accounts
    n = len(accounts)
    first = _window(as_of.date(), span)[0]
    base = first.year * 4 + first.quarter - 1  # quarter ordinal of the first window column
    try:
        nps_from = as_of - dt.timedelta(days=nps_window_days)
    except OverflowError:  # the window reaches before year 1: it holds every response
        nps_from = dt.datetime.min.replace(tzinfo=dt.UTC)
    commitments: dict[str, list[Commitment]] = {}
    for c in portfolio.commitments:
        commitments.setdefault(c.account_id, []).append(c)
    day = as_of.date()  # a decision-maker gone by as_of's day is gone (as in kamlib.network)
    dm_left = {
        p.account_id
        for p in portfolio.people
        if p.left_on is not None  # first: most people never left, one test each
        and p.left_on <= day
        and p.side is Side.CUSTOMER
        and p.role is DecisionRole.DECISION_MAKER
    }
    failure: Exception | None = None
    try:
        read = _read_accounts(accounts, as_of, nps_from, base, span, commitments, dm_left)
    except Exception as e:  # e.g. an exact amount too large for a float
        failure = e
    if failure is not None or read.mixed_currencies:
        _check_one_currency(accounts)  # mixed currencies are reported first, by position
    if failure is not None:
        raise failure

    # Quarterly revenue/profit as (n, 2 * periods) matrices; columns oldest -> newest.
    rev = np.zeros((n, span))
    prof = np.zeros((n, span))
    seen = np.zeros((n, span), dtype=np.bool_)
    flat = np.fromiter(read.cells, dtype=np.intp, count=len(read.cells))
    rev.ravel()[flat] = np.fromiter(read.revenue, dtype=np.float64, count=len(read.revenue))
    prof.ravel()[flat] = np.fromiter(read.profit, dtype=np.float64, count=len(read.profit))
    seen.ravel()[flat] = True
    cols, miss = read.cols, read.miss
    _money_features(rev, prof, seen, periods, cols, miss)
    columns: dict[str, FloatArray] = {k: cols[k] for k in FEATURES}
    missing: dict[str, NDArray[np.bool_]] = {
        k: miss[k] if k in miss else np.zeros(n, dtype=np.bool_) for k in FEATURES
    }
    if network:
        from kamlib.network import relationship_features

        try:
            rel = relationship_features(portfolio, as_of=as_of, columns=network_columns)
        except FieldError as e:
            raise e.renamed(
                "relationship_features.columns", "extract_features.network_columns"
            ) from None
        columns.update(rel.columns)
        missing.update(rel.missing)
    if customer_value:
        bought = purchase_features(portfolio, as_of=as_of, window_days=purchase_window_days)
        for name in PURCHASE_FEATURES:
            columns[name] = bought.column(name)
            missing[name] = bought.is_missing(name)
        columns.update(_nps_counts(accounts, as_of, nps_from))
    return FeatureTable.from_columns(
        read.ids, columns, missing=missing, categorical=read.categorical
    )


@attrs.frozen
class _Read:
    """What `_read_accounts` collected: per-account columns and the window's cells."""

    ids: list[str]
    cols: dict[str, FloatArray]
    miss: dict[str, NDArray[np.bool_]]
    categorical: dict[str, list[str]]
    cells: list[int]  # flat (account, window column) positions of recorded quarters
    revenue: list[float]  # revenue of each cell
    profit: list[float]  # profit after cost-to-serve of each cell
    mixed_currencies: bool


def _read_accounts(
    accounts: tuple[Account, ...],
    as_of: dt.datetime,
    nps_from: dt.datetime,
    base: int,
    span: int,
    commitments: Mapping[str, list[Commitment]],
    dm_left: set[str | None],
) -> _Read:
    """Read every account once, in order, for every per-account feature.

    The objects lie scattered in memory, so each pass over them pays a cache miss per
    object: everything is read in this one pass, with no per-account function calls.
    Dense values go into preallocated Python lists (default first), sparse ones (NPS,
    fulfilment, risks) into row-index lists; each becomes a column in one numpy
    conversion, the same per-element conversion as numpy's item assignment.
    """
    n = len(accounts)
    last = base + span - 1  # ordinal of the last complete quarter before as_of
    cells: list[int] = []
    rev_cells: list[float] = []
    prof_cells: list[float] = []
    add_cell, add_rev, add_prof = cells.append, rev_cells.append, prof_cells.append
    ids: list[str] = [""] * n
    lifetime: list[float] = [0.0] * n
    no_lifetime = [True] * n
    satisfaction: list[float] = [0.0] * n
    no_satisfaction = [True] * n
    nps_rows: list[int] = []
    nps_values: list[float] = []
    breadth: list[int] = [0] * n
    fulfilment_rows: list[int] = []
    fulfilment_values: list[float] = []
    fit: list[float] = [0.0] * n
    potential: list[float] = [0.0] * n
    complementarity: list[float] = [0.0] * n
    no_strategic = [False] * n
    open_rows: list[int] = []
    open_counts: list[int] = []
    risk_rows: dict[str, list[int]] = {k: [] for k in _RISK_COLUMNS.values()}
    dm_rows = risk_rows["risk_key_decision_maker_left"]
    unclear: list[bool] = [False] * n
    renew_no: list[bool] = [False] * n
    no_renewal = [False] * n
    industry: list[str] = [""] * n
    size_band: list[str] = [""] * n
    region: list[str] = [""] * n
    currency: str | None = None
    mixed = False
    risk_columns, good_states, broken = _RISK_COLUMNS, _GOOD, CommitmentState.BROKEN
    intent_unclear, intent_no = RenewalIntent.UNCLEAR, RenewalIntent.NO
    for i, acc in enumerate(accounts):
        ids[i] = aid = acc.id
        figures = acc.figures
        if figures:
            cur = acc.currency
            if cur != currency:
                if currency is None:
                    currency = cur
                else:
                    mixed = True
            since = acc.cooperation_start  # its quarter's ordinal, as Quarter.containing
            start = since.year * 4 + (since.month - 1) // 3
            off = i * span - base
            total, recorded = 0.0, False
            for f in figures:
                period = f.period
                q = period.year * 4 + period.quarter - 1
                net = f.profit_contribution.amount - f.cost_to_serve.amount
                if base <= q <= last:
                    add_cell(q + off)
                    add_rev(f.revenue.amount)
                    add_prof(net)
                if start <= q <= last:
                    total += float(net)
                    recorded = True
            if recorded:
                lifetime[i] = total
                no_lifetime[i] = False
        surveys = acc.surveys
        if surveys:
            latest = latest_at = None
            for survey in surveys:
                at = survey.at
                if at <= as_of and (latest_at is None or at >= latest_at):
                    latest, latest_at = survey, at
            if latest is not None:
                satisfaction[i] = latest.score
                no_satisfaction[i] = False
        responses = acc.nps
        if responses:
            promoters = detractors = count = 0
            for r in responses:
                if nps_from < r.at <= as_of:
                    score = r.score
                    promoters += score >= 9
                    detractors += score <= 6
                    count += 1
            if count:
                nps_rows.append(i)
                nps_values.append(100.0 * (promoters - detractors) / count)
        breadth[i] = len(acc.cooperation_areas)
        if commitments and aid in commitments:
            good = bad = 0
            for c in commitments[aid]:
                state = None  # the state as of as_of: that of the last step at or before it
                for step in c.history:
                    if step.at > as_of:
                        break
                    state = step.to_state
                good += state in good_states
                bad += state == broken
            if good + bad:
                fulfilment_rows.append(i)
                fulfilment_values.append(good / (good + bad))
        strategic = acc.strategic
        if strategic is None:
            no_strategic[i] = True
        else:
            fit[i] = strategic.strategic_fit
            potential[i] = strategic.value_potential
            complementarity[i] = strategic.resource_complementarity
        signals = acc.risk_signals
        if signals:
            count = 0
            for signal in signals:
                if signal.is_open(as_of):
                    count += 1
                    key = risk_columns.get(signal.kind)  # type: ignore[call-overload]
                    if key is not None:
                        risk_rows[key].append(i)
            open_rows.append(i)
            open_counts.append(count)
        if aid in dm_left:
            dm_rows.append(i)
        intent = acc.renewal_intent
        if intent is None:
            no_renewal[i] = True
        else:
            unclear[i] = intent == intent_unclear
            renew_no[i] = intent == intent_no
        industry[i] = acc.industry
        size_band[i] = str(acc.size_band)
        region[i] = acc.region

    def dense(values: list[Any]) -> FloatArray:
        return np.array(values, dtype=np.float64)

    def sparse(rows: list[int], values: list[Any] | float) -> FloatArray:
        out = np.zeros(n)
        out[np.array(rows, dtype=np.intp)] = values
        return out

    def absent(rows: list[int]) -> NDArray[np.bool_]:
        out = np.ones(n, dtype=np.bool_)
        out[np.array(rows, dtype=np.intp)] = False
        return out

    no_strat = np.array(no_strategic, dtype=np.bool_)
    no_intent = np.array(no_renewal, dtype=np.bool_)
    cols = {
        "lifetime_profit": dense(lifetime),
        "satisfaction": dense(satisfaction),
        "nps": sparse(nps_rows, nps_values),
        "cooperation_breadth": dense(breadth),
        "commitment_fulfilment": sparse(fulfilment_rows, fulfilment_values),
        "strategic_fit": dense(fit),
        "value_potential": dense(potential),
        "resource_complementarity": dense(complementarity),
        **{key: sparse(rows, 1.0) for key, rows in risk_rows.items()},
        "open_risks": sparse(open_rows, open_counts),
        "renewal_unclear": dense(unclear),
        "renewal_no": dense(renew_no),
    }
    miss = {
        "lifetime_profit": np.array(no_lifetime, dtype=np.bool_),
        "satisfaction": np.array(no_satisfaction, dtype=np.bool_),
        "nps": absent(nps_rows),
        "commitment_fulfilment": absent(fulfilment_rows),
        "strategic_fit": no_strat,
        "value_potential": no_strat,
        "resource_complementarity": no_strat,
        "renewal_unclear": no_intent,
        "renewal_no": no_intent,
    }
    return _Read(
        ids=ids,
        cols=cols,
        miss=miss,
        categorical={"industry": industry, "size_band": size_band, "region": region},
        cells=cells,
        revenue=rev_cells,
        profit=prof_cells,
        mixed_currencies=mixed,
    )


def _nps_counts(
    accounts: tuple[Account, ...], as_of: dt.datetime, nps_from: dt.datetime
) -> dict[str, FloatArray]:
    """Promoters, passives and detractors per account in ``nps_from < at <= as_of``."""
    n = len(accounts)
    counts = np.zeros((3, n), dtype=np.float64)
    for i, acc in enumerate(accounts):
        for r in acc.nps:
            if nps_from < r.at <= as_of:
                score = r.score
                counts[0 if score >= 9 else (1 if score >= 7 else 2), i] += 1.0
    return dict(zip(NPS_COUNT_FEATURES, counts, strict=True))


def _check_one_currency(accounts: tuple[Account, ...]) -> None:
    currency: str | None = None
    for i, acc in enumerate(accounts):
        c = acc.currency
        if c is None:
            continue
        if currency is None:
            currency = c
        elif c != currency:
            raise CurrencyMismatchError(
                f"portfolio.accounts[{i}].figures",
                c,
                f"differs from {currency} used by earlier accounts; convert before scoring",
            )


def _money_features(
    rev: FloatArray,
    prof: FloatArray,
    seen: NDArray[np.bool_],
    periods: int,
    cols: dict[str, FloatArray],
    miss: dict[str, NDArray[np.bool_]],
) -> None:
    """Vectorised revenue, profit, growth, stability and quarter-on-quarter changes."""
    cur = slice(rev.shape[1] - periods, None)
    prev = slice(rev.shape[1] - 2 * periods, rev.shape[1] - periods)
    n_cur = seen[:, cur].sum(axis=1)
    cols["quarters_recorded"] = n_cur.astype(np.float64)
    cols["revenue"] = rev[:, cur].sum(axis=1)
    cols["profit"] = prof[:, cur].sum(axis=1)
    miss["revenue"] = miss["profit"] = n_cur == 0

    prev_rev = rev[:, prev].sum(axis=1)
    ok = (seen[:, prev].sum(axis=1) > 0) & (prev_rev > 0) & (n_cur > 0)
    cols["revenue_growth"] = _safe_ratio(cols["revenue"], prev_rev, ok) - ok
    miss["revenue_growth"] = ~ok

    r, s = rev[:, cur], seen[:, cur]
    k = np.maximum(n_cur, 1)
    mean = r.sum(axis=1) / k
    var = (np.where(s, r - mean[:, None], 0.0) ** 2).sum(axis=1) / k
    ok = (n_cur >= 2) & (mean > 0)
    cv = _safe_ratio(np.sqrt(var), mean, ok)
    cols["purchase_stability"] = np.where(ok, 1.0 / (1.0 + cv), 0.0)
    miss["purchase_stability"] = ~ok

    for name, a, b in (("revenue_change_last", -1, -2), ("revenue_change_prev", -2, -3)):
        ok = seen[:, a] & seen[:, b] & (rev[:, b] > 0)
        cols[name] = _safe_ratio(rev[:, a], rev[:, b], ok) - ok
        miss[name] = ~ok
