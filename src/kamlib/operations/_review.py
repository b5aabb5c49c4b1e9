"""One portfolio review: every account's standing and every alert, in one typed value.

`review` runs the scorers and every operations rule on a portfolio as of a moment and
gathers the results: per account its value-matrix quadrant, key-account status, health
score and light with reasons, and every alert (health lights and trend alerts,
commitments, complaints, cadence, reviews, re-qualification, stakeholder red flags), each
a typed [`Alert`][kamlib.operations.Alert] with account, kind, severity, reason code,
evidence and due time. The review is immutable and deterministic given its inputs; the
order of the input records never changes it; nothing reads the clock.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any, Final, NamedTuple

import attrs
import numpy as np

from kamlib._table import FeatureTable
from kamlib.errors import InvalidTypeError, UnknownIdError
from kamlib.features import extract_features
from kamlib.model import Portfolio
from kamlib.network import FlagCode, RedFlags, portfolio_red_flags
from kamlib.operations._alerts import Alert, AlertKind, Severity, make_alert, sort_alerts
from kamlib.operations._commitments import (
    CommitmentPolicy,
    capacity_alerts,
    capacity_check,
    commitment_alerts,
)
from kamlib.operations._common import check_as_of
from kamlib.scoring import HealthModel, ScoreTable, ValueMatrix, WeightedPoints
from kamlib.signals import rescue_alerts, two_quarter_decline

__all__ = [
    "HEALTH_CODES",
    "STAKEHOLDER_SEVERITY",
    "AccountReview",
    "OperationsPolicy",
    "PortfolioReview",
    "ReviewScorers",
    "review",
]

_STRATEGIC: Final = ("strategic_fit", "value_potential", "resource_complementarity")

HEALTH_CODES: Mapping[str, str] = MappingProxyType(
    {
        "health_red": "The health model's three-colour light is red (critical): a red "
        "rule fired or the score is in the red band [000].",
        "health_yellow": "The light is yellow (warning) [000].",
        "health_green_watch": "The light is green (watch) (watch) [000].",
        "purchase_decline": "Revenue fell at least 15% in each of the last two quarters "
        "(warning) [000].",
        "rescue": "The health score fell at least 20% from the previous review's score: "
        "start a rescue (critical) [003].",
    }
)
"""The reason codes of the health alerts of `review`, with their severity."""

_LIGHT_SEVERITY: Final = {
    "red": Severity.CRITICAL,
    "yellow": Severity.WARNING,
    "green_watch": Severity.WATCH,
}

STAKEHOLDER_SEVERITY: Mapping[FlagCode, Severity] = MappingProxyType(
    {
        FlagCode.DECISION_MAKER_LEFT: Severity.CRITICAL,
        FlagCode.NO_DECISION_MAKER_RELATIONSHIP: Severity.WARNING,
        FlagCode.COMPETITOR_STRONGER: Severity.WARNING,
        FlagCode.SINGLE_THREADED: Severity.WATCH,
        FlagCode.NO_COACH: Severity.WATCH,
        FlagCode.REPORTING_LINE_UNKNOWN: Severity.INFO,
    }
)
"""The severity of each stakeholder red flag as an alert (kamlib's own choice: a departed
decision-maker is a red light of source [000]; the rest read source [002]'s network)."""


def _default_matrix() -> ValueMatrix:
    return ValueMatrix(missing="renormalise")


def _default_points() -> WeightedPoints:
    return WeightedPoints(threshold=6.0)


@attrs.frozen
class ReviewScorers:
    """The three scorers a review runs; unfitted ones are fitted on the reviewed portfolio.

    A fitted (pinned) scorer is used as given: its cuts, ranges and thresholds stay. An
    unfitted one is fitted on the portfolio under review (the value matrix on the accounts
    that have a strategic assessment), so its scores are relative to that population:
    adding an account can move them. Pin the scorers (fit once, keep the configs the review
    returns) when each account's alerts must not depend on the other accounts.

    Attributes:
        matrix: The strategic value matrix (default: kamlib's defaults with
            ``missing="renormalise"``).
        identification: The key-account identification scorer (default
            [`WeightedPoints`][kamlib.scoring.WeightedPoints] with threshold 6.0, kamlib's
            choice; it must have a threshold).
        health: The health model (default [`HealthModel`][kamlib.scoring.HealthModel]).

    Examples:
        >>> from kamlib.operations import ReviewScorers
        >>> ReviewScorers().identification.threshold
        6.0
    """

    matrix: ValueMatrix = attrs.field(
        factory=_default_matrix, validator=attrs.validators.instance_of(ValueMatrix)
    )
    identification: WeightedPoints = attrs.field(
        factory=_default_points, validator=attrs.validators.instance_of(WeightedPoints)
    )
    health: HealthModel = attrs.field(
        factory=HealthModel, validator=attrs.validators.instance_of(HealthModel)
    )


@attrs.frozen
class OperationsPolicy:
    """The policies of every operations rule a review applies, each with its defaults.

    Attributes:
        commitments: [`CommitmentPolicy`][kamlib.operations.CommitmentPolicy].
        capacity_window_days: Days ahead of ``as_of`` whose due commitments count against
            the capacity (kamlib's own choice, 28: four weeks).
        decline: The quarterly purchase fall of the two-quarter alert (source [000]: 0.15).
        rescue_drop: The fall of the health score that starts a rescue (source [003]:
            0.20).

    Examples:
        >>> from kamlib.operations import OperationsPolicy
        >>> OperationsPolicy().decline, OperationsPolicy().rescue_drop
        (0.15, 0.2)
    """

    commitments: CommitmentPolicy = attrs.field(
        factory=CommitmentPolicy, validator=attrs.validators.instance_of(CommitmentPolicy)
    )
    capacity_window_days: int = attrs.field(default=28)
    decline: float = attrs.field(default=0.15)
    rescue_drop: float = attrs.field(default=0.20)


@attrs.frozen
class AccountReview:
    """One account in the review: where it stands and what asks for attention.

    Attributes:
        account_id: The account.
        name: Its name.
        quadrant: Its value-matrix quadrant, or ``None`` without a strategic assessment.
        key_account: Whether it is on the key-account list after this review.
        points: Its identification score.
        health: Its health score (0-100).
        light: Its three-colour light.
        health_reasons: The reason codes of its light.
        alerts: Its alerts, in canonical order (`sort_alerts`).

    Examples:
        >>> from kamlib.operations import AccountReview, Alert
        >>> a = Alert("A1", "cadence", "cadence_overdue", "watch", "late")
        >>> r = AccountReview("A1", "Acme", "strategic", True, 7.5, 80.0, "green", (), (a,))
        >>> r.worst.value, r.count("watch")
        ('watch', 1)
    """

    account_id: str
    name: str
    quadrant: str | None
    key_account: bool
    points: float
    health: float
    light: str | None
    health_reasons: tuple[str, ...]
    alerts: tuple[Alert, ...]

    @property
    def worst(self) -> Severity | None:
        """The most severe of its alerts, or ``None`` without any.

        Examples:
            >>> from kamlib.operations import AccountReview
            >>> AccountReview("A1", "Acme", None, False, 1.0, 50.0, "green", (), ()).worst is None
            True
        """
        return self.alerts[0].severity if self.alerts else None

    def count(self, severity: Severity | str) -> int:
        """How many of its alerts have ``severity``.

        Examples:
            >>> from kamlib.operations import AccountReview
            >>> AccountReview("A1", "Acme", None, False, 1.0, 50.0, "green", (), ()).count(
            ...     "critical")
            0
        """
        level = Severity(severity)
        return sum(a.severity is level for a in self.alerts)


@attrs.frozen
class PortfolioReview:
    """The review of a portfolio as of a moment: accounts, alerts, key list, configs.

    Attributes:
        as_of: The moment reviewed.
        accounts: One `AccountReview` per account, by account id.
        alerts: Every alert (accounts' and those about owners or teams), canonical order.
        key_accounts: The key-account list after this review, best first.
        guardrail: The source [004] 5-25 message when the list is outside the bounds,
            else ``None``.
        configs: The configurations of the scorers as used (fitted), by scorer name: pin
            them to review the next quarter against the same cuts.

    Examples:
        >>> import datetime as dt
        >>> from kamlib.operations import review
        >>> from kamlib.synthetic import synthetic_portfolio
        >>> as_of = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
        >>> r = review(synthetic_portfolio(40, seed=3, as_of=as_of), as_of=as_of)
        >>> len(r.accounts), r.alerts == tuple(sorted(r.alerts, key=lambda a: a.sort_key()))
        (40, True)
    """

    as_of: dt.datetime
    accounts: tuple[AccountReview, ...]
    alerts: tuple[Alert, ...]
    key_accounts: tuple[str, ...]
    guardrail: str | None
    configs: Mapping[str, Mapping[str, Any]] = attrs.field(eq=False)

    def account(self, account_id: str) -> AccountReview:
        """The review of one account.

        Raises:
            UnknownIdError: The account is not in the review.

        Examples:
            >>> import datetime as dt
            >>> from kamlib.operations import review
            >>> from kamlib.synthetic import synthetic_portfolio
            >>> as_of = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
            >>> review(synthetic_portfolio(5, seed=3, as_of=as_of), as_of=as_of).account(
            ...     "A00002").account_id
            'A00002'
        """
        for r in self.accounts:
            if r.account_id == account_id:
                return r
        raise UnknownIdError("PortfolioReview.account.account_id", account_id, "is not reviewed")

    def alerts_of(self, account_id: str) -> tuple[Alert, ...]:
        """The alerts of one account (canonical order).

        Raises:
            UnknownIdError: The account is not in the review.

        Examples:
            >>> import datetime as dt
            >>> from kamlib.operations import review
            >>> from kamlib.synthetic import synthetic_portfolio
            >>> as_of = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
            >>> r = review(synthetic_portfolio(5, seed=3, as_of=as_of), as_of=as_of)
            >>> all(a.account_id == "A00001" for a in r.alerts_of("A00001"))
            True
        """
        return self.account(account_id).alerts

    def counts(self) -> dict[str, dict[str, int]]:
        """Alert counts by kind and severity: ``{kind: {severity: n}}``, only non-zero.

        Examples:
            >>> import datetime as dt
            >>> from kamlib.operations import review
            >>> from kamlib.synthetic import synthetic_portfolio
            >>> as_of = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
            >>> r = review(synthetic_portfolio(40, seed=3, as_of=as_of), as_of=as_of)
            >>> sum(sum(v.values()) for v in r.counts().values()) == len(r.alerts)
            True
        """
        c = Counter((a.kind.value, a.severity.value) for a in self.alerts)
        out: dict[str, dict[str, int]] = {}
        for kind in AlertKind:
            row = {s.value: c[(kind.value, s.value)] for s in reversed(Severity)}
            row = {s: n for s, n in row.items() if n}
            if row:
                out[kind.value] = row
        return out

    def summary(self) -> dict[str, Any]:
        """JSON-ready summary: counts, the key list, the guardrail, the worst accounts.

        Examples:
            >>> import datetime as dt
            >>> from kamlib.operations import review
            >>> from kamlib.synthetic import synthetic_portfolio
            >>> as_of = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
            >>> s = review(synthetic_portfolio(40, seed=3, as_of=as_of), as_of=as_of).summary()
            >>> sorted(s)
            ['accounts', 'alerts', 'as_of', 'by_kind', 'by_severity', 'guardrail', \
'key_accounts', 'worst']
        """
        by_severity = Counter(a.severity.value for a in self.alerts)
        ranked = sorted(
            (r for r in self.accounts if r.alerts),
            key=lambda r: (
                -r.alerts[0].severity.rank,
                -sum(a.severity is r.alerts[0].severity for a in r.alerts),
                r.account_id,
            ),
        )
        return {
            "as_of": self.as_of.isoformat(),
            "accounts": len(self.accounts),
            "alerts": len(self.alerts),
            "by_severity": {s.value: by_severity[s.value] for s in reversed(Severity)},
            "by_kind": self.counts(),
            "key_accounts": list(self.key_accounts),
            "guardrail": self.guardrail,
            "worst": [
                {
                    "account_id": r.account_id,
                    "name": r.name,
                    "light": r.light,
                    "key_account": r.key_account,
                    "alerts": len(r.alerts),
                    "top": r.alerts[0].to_dict(),
                }
                for r in ranked[:10]
            ],
        }

    def to_dict(self) -> dict[str, Any]:
        """The whole review as plain JSON-ready data.

        Examples:
            >>> import datetime as dt, json
            >>> from kamlib.operations import review
            >>> from kamlib.synthetic import synthetic_portfolio
            >>> as_of = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
            >>> d = review(synthetic_portfolio(5, seed=3, as_of=as_of), as_of=as_of).to_dict()
            >>> len(json.dumps(d)) > 0
            True
        """
        return {
            "as_of": self.as_of.isoformat(),
            "key_accounts": list(self.key_accounts),
            "guardrail": self.guardrail,
            "accounts": [
                {
                    "account_id": r.account_id,
                    "name": r.name,
                    "quadrant": r.quadrant,
                    "key_account": r.key_account,
                    "points": r.points,
                    "health": r.health,
                    "light": r.light,
                    "health_reasons": list(r.health_reasons),
                    "alerts": [a.to_dict() for a in r.alerts],
                }
                for r in self.accounts
            ],
            "other_alerts": [a.to_dict() for a in self.alerts if a.account_id is None],
            "configs": {k: dict(v) for k, v in self.configs.items()},
        }


# --------------------------------------------------------------------------- running
class _Scored:
    """The scorers' results on the portfolio's feature table, rows by account id."""

    def __init__(self, table: FeatureTable, scorers: ReviewScorers) -> None:
        self.table = table
        ids = table.ids
        unassessed = np.logical_and.reduce([table.is_missing(c) for c in _STRATEGIC])
        placed = table.take(np.flatnonzero(~unassessed))
        matrix = scorers.matrix if scorers.matrix.is_fitted else scorers.matrix.fit(placed)
        points = scorers.identification
        points = points if points.is_fitted else points.fit(table)
        health = scorers.health if scorers.health.is_fitted else scorers.health.fit(table)
        self.placed = placed
        self.quadrants: ScoreTable = matrix.score(placed)
        self.points: ScoreTable = points.score(table)
        self.kal = points.key_accounts(self.points)
        self.health: ScoreTable = health.score(table)
        self.unassessed = frozenset(str(a) for a in ids[unassessed])
        self.configs = {s.name: MappingProxyType(s.get_config()) for s in (matrix, points, health)}
        self.reasons = _reasons_by_row(self.health)


def _reasons_by_row(h: ScoreTable) -> list[tuple[str, ...]]:
    """`ScoreTable.reasons_of` of every row at once."""
    out: list[tuple[str, ...]] = [()] * len(h)
    if h.reason_flags is None:
        return out
    codes = h.reason_codes
    rows, cols = np.nonzero(h.reason_flags)
    grouped: dict[int, list[str]] = {}
    for r, c in zip(rows.tolist(), cols.tolist(), strict=True):
        grouped.setdefault(r, []).append(codes[c])
    for r, names in grouped.items():
        out[r] = tuple(names)
    return out


def _health_alerts(
    s: _Scored, policy: OperationsPolicy, previous_health: Mapping[str, float] | None
) -> list[Alert]:
    h, t = s.health, s.table
    ids = [str(a) for a in h.ids]
    labels = h.labels
    out = []
    texts_of = h.reason_texts
    for i, aid in enumerate(ids):
        light = None if labels is None else str(labels[i])
        severity = _LIGHT_SEVERITY.get(light or "")
        if severity is None:
            continue
        reasons = s.reasons[i]
        texts = [texts_of.get(code, code) for code in reasons]
        out.append(
            make_alert(
                aid,
                AlertKind.HEALTH,
                f"health_{light}",
                severity,
                "; ".join(texts) or f"Health light {light}",
                {"light": light, "health": float(h.scores[i]), "reasons": reasons},
            )
        )
    falls = two_quarter_decline(
        t.column("revenue_change_last"), t.column("revenue_change_prev"), drop=policy.decline
    )
    for i in np.flatnonzero(falls).tolist():
        out.append(
            make_alert(
                ids[i],
                AlertKind.HEALTH,
                "purchase_decline",
                Severity.WARNING,
                f"Revenue fell at least {policy.decline:.0%} in each of the last two quarters",
                {
                    "change_last": float(t.column("revenue_change_last")[i]),
                    "change_prev": float(t.column("revenue_change_prev")[i]),
                },
            )
        )
    if previous_health is not None:
        prev = np.array([float(previous_health.get(a, np.nan)) for a in ids])
        fired = rescue_alerts(prev, h.scores, drop=policy.rescue_drop)
        for i in np.flatnonzero(fired).tolist():
            out.append(
                make_alert(
                    ids[i],
                    AlertKind.HEALTH,
                    "rescue",
                    Severity.CRITICAL,
                    f"Health fell at least {policy.rescue_drop:.0%} since the last review: "
                    "start a rescue",
                    {"previous": float(prev[i]), "current": float(h.scores[i])},
                )
            )
    return out


def _stakeholder_alerts(flags: Iterable[RedFlags]) -> list[Alert]:
    out = []
    for f in flags:
        if f.account_id is None:
            continue
        for flag in f.flags:
            out.append(
                make_alert(
                    f.account_id,
                    AlertKind.STAKEHOLDER,
                    flag.code.value,
                    STAKEHOLDER_SEVERITY[flag.code],
                    flag.text,
                    {"people": flag.people},
                )
            )
    return out


def review(
    portfolio: Portfolio,
    *,
    as_of: dt.datetime,
    scorers: ReviewScorers | None = None,
    policy: OperationsPolicy | None = None,
    capacity: float | Mapping[str, float] | None = None,
    team_of: Mapping[str, str] | None = None,
    previous_health: Mapping[str, float] | None = None,
) -> PortfolioReview:
    """Review a portfolio as of ``as_of``: every account's standing and every alert.

    Runs the three scorers of ``scorers`` (fitting unfitted ones on this portfolio) on
    [`extract_features`][kamlib.features.extract_features], then every rule: health lights
    and trend alerts, the commitment loop (and the capacity check when ``capacity`` is
    given), stakeholder red flags. Each alert is an [`Alert`][kamlib.operations.Alert];
    the review holds them all in canonical order and per account.

    Args:
        portfolio: The portfolio.
        as_of: Timezone-aware moment; every record must be dated at or before it.
        scorers: The scorers (default `ReviewScorers`).
        policy: The rules' numbers (default `OperationsPolicy`).
        capacity: Person-days per owner (or team, with ``team_of``) for the commitments
            due in the next ``policy.capacity_window_days``; ``None`` skips the check.
        team_of: Owner id -> team for the capacity check.
        previous_health: The health scores of the previous review, by account id, for the
            rescue alert (source [003]); ``None`` skips it.

    Returns:
        A `PortfolioReview`.

    Raises:
        InvalidTypeError: Arguments of the wrong type.
        InvalidValueError: A naive ``as_of``; a record dated after it (naming the field).

    Examples:
        >>> import datetime as dt
        >>> from kamlib.operations import review
        >>> from kamlib.synthetic import synthetic_portfolio
        >>> as_of = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
        >>> r = review(synthetic_portfolio(40, seed=3, as_of=as_of), as_of=as_of)
        >>> {a.kind.value for a in r.alerts} <= {k.value for k in __import__(
        ...     "kamlib.operations", fromlist=["AlertKind"]).AlertKind}
        True
    """
    return run_review(
        portfolio,
        as_of=as_of,
        scorers=scorers,
        policy=policy,
        capacity=capacity,
        team_of=team_of,
        previous_health=previous_health,
    ).review


class ReviewRun(NamedTuple):
    """What `run_review` computed: the review and the intermediate results it read."""

    scored: _Scored
    flags: tuple[RedFlags, ...]
    review: PortfolioReview


def run_review(
    portfolio: Portfolio,
    *,
    as_of: dt.datetime,
    scorers: ReviewScorers | None = None,
    policy: OperationsPolicy | None = None,
    capacity: float | Mapping[str, float] | None = None,
    team_of: Mapping[str, str] | None = None,
    previous_health: Mapping[str, float] | None = None,
) -> ReviewRun:
    """`review` with its intermediate results kept (the demo shows them too)."""
    where = "review"
    if not isinstance(portfolio, Portfolio):
        raise InvalidTypeError(f"{where}.portfolio", portfolio, "must be a Portfolio")
    as_of = check_as_of(where, as_of)
    scorers = ReviewScorers() if scorers is None else scorers
    if not isinstance(scorers, ReviewScorers):
        raise InvalidTypeError(f"{where}.scorers", scorers, "must be a ReviewScorers")
    policy = OperationsPolicy() if policy is None else policy
    if not isinstance(policy, OperationsPolicy):
        raise InvalidTypeError(f"{where}.policy", policy, "must be an OperationsPolicy")

    alerts = list(commitment_alerts(portfolio, as_of=as_of, policy=policy.commitments))
    table = extract_features(portfolio, as_of=as_of)
    s = _Scored(table, scorers)
    alerts += _health_alerts(s, policy, previous_health)
    flags = portfolio_red_flags(portfolio, as_of=as_of)
    alerts += _stakeholder_alerts(flags)
    if capacity is not None:
        window = dt.timedelta(days=policy.capacity_window_days)
        loads = capacity_check(
            portfolio, capacity=capacity, start=as_of, end=as_of + window, team_of=team_of
        )
        alerts += capacity_alerts(loads)
    return ReviewRun(s, flags, _assemble(portfolio, as_of, s, alerts))


def _labels(t: ScoreTable) -> list[str | None]:
    labels = t.labels
    if labels is None:
        return [None] * len(t)
    return [str(x) for x in labels.tolist()]


def _assemble(
    portfolio: Portfolio, as_of: dt.datetime, s: _Scored, alerts: list[Alert]
) -> PortfolioReview:
    ordered = sort_alerts(alerts)
    by_account: dict[str | None, list[Alert]] = {}
    for a in ordered:
        by_account.setdefault(a.account_id, []).append(a)
    key = frozenset(s.kal.ids)
    h, pts, q = s.health, s.points, s.quadrants
    # every table's rows follow portfolio.accounts (the matrix's: the assessed ones)
    quadrant = dict(zip(q.ids.tolist(), _labels(q), strict=True))
    lights = _labels(h)
    health = h.scores.tolist()
    points = pts.scores.tolist()
    rows = []
    for i, acc in enumerate(portfolio.accounts):
        aid = acc.id
        rows.append(
            AccountReview(
                account_id=aid,
                name=acc.name,
                quadrant=quadrant.get(aid),
                key_account=aid in key,
                points=points[i],
                health=health[i],
                light=lights[i],
                health_reasons=s.reasons[i],
                alerts=tuple(by_account.get(aid, ())),
            )
        )
    rows.sort(key=lambda r: r.account_id)
    return PortfolioReview(
        as_of=as_of,
        accounts=tuple(rows),
        alerts=ordered,
        key_accounts=tuple(s.kal.ids),
        guardrail=None if s.kal.within_bounds else s.kal.message,
        configs=MappingProxyType(dict(s.configs)),
    )
