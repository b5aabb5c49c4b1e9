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
import operator
from collections import Counter
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any, Final, NamedTuple

import attrs
import numpy as np

from kamlib._dated import (
    check_as_of,
    check_portfolio,
    not_after,
    refuse_later_account_records,
)
from kamlib._table import FeatureTable
from kamlib._validators import check_int, check_real, instance_of, optional
from kamlib.errors import FieldError, InvalidTypeError, InvalidValueError, UnknownIdError
from kamlib.features import extract_features
from kamlib.model import Money, Portfolio
from kamlib.network import RELATIONSHIP_FEATURES, FlagCode, RedFlags, portfolio_red_flags
from kamlib.operations._alerts import (
    ALERT_KEY,
    Alert,
    AlertKind,
    Severity,
    make_alert,
    sort_alerts,
)
from kamlib.operations._cadence import CadencePolicy
from kamlib.operations._cadence import _alert as cadence_alert
from kamlib.operations._cadence import _status as cadence_rows
from kamlib.operations._calendar import (
    ReviewKind,
    ReviewPolicy,
    ReviewRecord,
    ReviewSubject,
    calendar_alerts,
)
from kamlib.operations._commitments import (
    CommitmentPolicy,
    capacity_alerts,
    capacity_check,
)
from kamlib.operations._commitments import alert_list as commitment_alert_list
from kamlib.operations._complaints import ComplaintPolicies, ComplaintPolicy
from kamlib.operations._complaints import alert_list as complaint_alert_list
from kamlib.operations._demand import (
    CUSTOMISATION_LIMIT,
    LadderPolicy,
    customisation_guard,
    demand_alerts,
    rank_needs,
    value_ladder,
)
from kamlib.operations._planning import coverage_alert_list, plan_alert_list
from kamlib.operations._requalify import (
    Requalification,
    RequalificationPolicy,
    requalification_alerts,
    requalify,
)
from kamlib.planning import (
    AccountPlan,
    Allocation,
    AllocationPolicy,
    TeamMember,
    coverage_evaluation,
    plan_executions,
)
from kamlib.scoring import HealthModel, KeyAccountList, ScoreTable, ValueMatrix, WeightedPoints
from kamlib.signals import rescue_alerts, two_quarter_decline

__all__ = [
    "HEALTH_CODES",
    "REQUALIFICATION_GAP",
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
        "health_green_watch": "The light is green, to watch (watch) [000].",
        "purchase_decline": "Revenue fell at least 15% in each of the last two quarters "
        "(warning) [000].",
        "rescue": "The health score fell at least 20% from the previous review's score: "
        "start a rescue (critical) [003].",
    }
)
"""The reason codes of the health alerts of `review`, with their severity.

Examples:
    >>> from kamlib.operations import HEALTH_CODES
    >>> sorted(HEALTH_CODES)
    ['health_green_watch', 'health_red', 'health_yellow', 'purchase_decline', 'rescue']
"""

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
decision-maker is a red light of source [000]; the rest read source [002]'s network).

Examples:
    >>> from kamlib.operations import STAKEHOLDER_SEVERITY
    >>> for flag, severity in STAKEHOLDER_SEVERITY.items():
    ...     print(flag.value, severity.value)
    decision_maker_left critical
    no_decision_maker_relationship warning
    competitor_stronger warning
    single_threaded watch
    no_coach watch
    reporting_line_unknown info
"""


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

    matrix: ValueMatrix = attrs.field(factory=_default_matrix, validator=instance_of(ValueMatrix))
    identification: WeightedPoints = attrs.field(
        factory=_default_points, validator=instance_of(WeightedPoints)
    )
    health: HealthModel = attrs.field(factory=HealthModel, validator=instance_of(HealthModel))


REQUALIFICATION_GAP: Final = 0.5
"""Points between entry and exit of the default re-qualification policy.

kamlib's own choice: 5 % of the 0-10 points scale; the sources give no gap.

Examples:
    >>> from kamlib.operations import REQUALIFICATION_GAP, RequalificationPolicy
    >>> from kamlib.scoring import WeightedPoints
    >>> scorer = WeightedPoints(threshold=6.0)
    >>> p = RequalificationPolicy.from_scorer(scorer, gap=REQUALIFICATION_GAP)
    >>> p.entry, p.exit
    (6.0, 5.5)
"""


def _is(*cls: type) -> Any:
    return instance_of(*cls)


def _window_days(value: object) -> int:
    return check_int("OperationsPolicy.capacity_window_days", value, ge=1, le=36_525)


def _share(path: str, value: object) -> float:
    return check_real(path, value, gt=0.0, lt=1.0)


def _limit(value: object) -> float:
    return check_real("OperationsPolicy.customisation_limit", value, gt=0.0)


def _decline(value: object) -> float:
    return _share("OperationsPolicy.decline", value)


def _rescue(value: object) -> float:
    return _share("OperationsPolicy.rescue_drop", value)


@attrs.frozen
class OperationsPolicy:
    """The policies of every operations rule a review applies, each with its defaults.

    Attributes:
        commitments: [`CommitmentPolicy`][kamlib.operations.CommitmentPolicy].
        complaints: [`ComplaintPolicy`][kamlib.operations.ComplaintPolicy] or
            [`ComplaintPolicies`][kamlib.operations.ComplaintPolicies] (per severity).
        cadence: [`CadencePolicy`][kamlib.operations.CadencePolicy].
        calendar: [`ReviewPolicy`][kamlib.operations.ReviewPolicy].
        requalification: A
            [`RequalificationPolicy`][kamlib.operations.RequalificationPolicy], or ``None``
            for the identification scorer's threshold as entry and `REQUALIFICATION_GAP`
            points below it as exit (`RequalificationPolicy.from_scorer`).
        ladder: [`LadderPolicy`][kamlib.operations.LadderPolicy] of the value ladder.
        customisation_limit: Share of the profit contribution customisation may cost
            (source [003]: 0.15).
        capacity_window_days: Days ahead of ``as_of`` whose due commitments count against
            the capacity (kamlib's own choice, 28: four weeks).
        decline: The quarterly purchase fall of the two-quarter alert (source [000]: 0.15).
        rescue_drop: The fall of the health score that starts a rescue (source [003]:
            0.20).
        allocation: [`AllocationPolicy`][kamlib.planning.AllocationPolicy] of the
            coverage alerts (the roles every account needs).

    Raises:
        InvalidTypeError: A policy of the wrong type.
        InvalidValueError: A share outside ``(0, 1)``, a limit ``<= 0``, a window
            outside 1 to 36525 days.

    Examples:
        >>> from kamlib.operations import OperationsPolicy
        >>> OperationsPolicy().decline, OperationsPolicy().rescue_drop
        (0.15, 0.2)
        >>> OperationsPolicy(decline=1.5)
        Traceback (most recent call last):
        ...
        kamlib.errors.InvalidValueError: OperationsPolicy.decline: must be a real number \
in (0, 1); got 1.5
    """

    commitments: CommitmentPolicy = attrs.field(
        factory=CommitmentPolicy, validator=_is(CommitmentPolicy)
    )
    complaints: ComplaintPolicy | ComplaintPolicies = attrs.field(
        factory=ComplaintPolicy, validator=_is(ComplaintPolicy, ComplaintPolicies)
    )
    cadence: CadencePolicy = attrs.field(factory=CadencePolicy, validator=_is(CadencePolicy))
    calendar: ReviewPolicy = attrs.field(factory=ReviewPolicy, validator=_is(ReviewPolicy))
    requalification: RequalificationPolicy | None = attrs.field(
        default=None, validator=optional(_is(RequalificationPolicy))
    )
    ladder: LadderPolicy = attrs.field(factory=LadderPolicy, validator=_is(LadderPolicy))
    customisation_limit: float = attrs.field(default=CUSTOMISATION_LIMIT, converter=_limit)
    capacity_window_days: int = attrs.field(default=28, converter=_window_days)
    decline: float = attrs.field(default=0.15, converter=_decline)
    rescue_drop: float = attrs.field(default=0.20, converter=_rescue)
    allocation: AllocationPolicy = attrs.field(
        factory=AllocationPolicy, validator=_is(AllocationPolicy)
    )


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
        key_decision: The re-qualification action of this review (``"promote"``,
            ``"retain"``, ``"retire"``, ``"stay_out"``, ``"defer"``), or ``None`` when
            the review was not given the current key-account list.
        ladder_stage: Its value-ladder stage (``"basic"``, ``"value_added"``,
            ``"ecosystem"``) or ``None`` when no cooperation area maps to one.
        top_need: The id of the first need of its demand pool, if it has needs.
        plan_progress: The progress of its key-account plan in ``[0, 1]``
            ([`PlanExecution.progress`][kamlib.planning.PlanExecution]), or ``None``
            without a plan (or when the review was given no plans).

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
    key_decision: str | None = None
    ladder_stage: str | None = None
    top_need: str | None = None
    plan_progress: float | None = None

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
        requalification: The re-qualification of this review (pass it as ``previous`` to
            the next one), or ``None`` without a current key-account list.

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
    requalification: Requalification | None = None

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
                    "key_decision": r.key_decision,
                    "ladder_stage": r.ladder_stage,
                    "top_need": r.top_need,
                    "alerts": [a.to_dict() for a in r.alerts],
                }
                for r in self.accounts
            ],
            "other_alerts": [a.to_dict() for a in self.alerts if a.account_id is None],
            "configs": {k: dict(v) for k, v in self.configs.items()},
        }


# --------------------------------------------------------------------------- running
class _Scored:
    """The scorers' results on the portfolio's feature table, rows by account id.

    The value matrix places only the accounts it can: its x feature observed and its y
    features observed as its ``missing`` policy needs (any of them under
    ``"renormalise"``, all otherwise). The others get no quadrant; with none placeable
    the matrix is not run at all. The table must hold at least one account.
    """

    def __init__(self, table: FeatureTable, scorers: ReviewScorers) -> None:
        self.table = table
        ids = table.ids
        matrix = scorers.matrix
        y_seen = [~table.is_missing(c) for c in matrix.y_features if c in table]
        if not y_seen or matrix.x_feature not in table:
            placeable = np.zeros(len(table), dtype=np.bool_)
        else:
            combine = np.logical_or if matrix.missing == "renormalise" else np.logical_and
            placeable = combine.reduce(y_seen) & ~table.is_missing(matrix.x_feature)
        placed = table.take(np.flatnonzero(placeable))
        self.placed = placed
        self.unassessed = frozenset(str(a) for a in ids[~placeable])
        configs: dict[str, Mapping[str, Any]] = {}
        if len(placed):
            matrix = matrix if matrix.is_fitted else matrix.fit(placed)
            self.quadrants: ScoreTable | None = matrix.score(placed)
            configs[matrix.name] = MappingProxyType(matrix.get_config())
        else:
            self.quadrants = None
        points = scorers.identification
        points = points if points.is_fitted else points.fit(table)
        health = scorers.health
        health = health if health.is_fitted else health.fit(table)
        self.points: ScoreTable = points.score(table)
        self.kal: KeyAccountList = points.key_accounts(self.points)
        self.health: ScoreTable = health.score(table)
        configs[points.name] = MappingProxyType(points.get_config())
        configs[health.name] = MappingProxyType(health.get_config())
        self.identification = points
        self.configs = configs
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
    key_accounts: Iterable[str] | None = None,
    previous: Requalification | None = None,
    reviews: Iterable[ReviewRecord] | None = None,
    tiers: Mapping[str, str] | None = None,
    customisation_costs: Mapping[str, Money | float] | None = None,
    capacity: float | Mapping[str, float] | None = None,
    team_of: Mapping[str, str] | None = None,
    previous_health: Mapping[str, float] | None = None,
    plans: Iterable[AccountPlan] | None = None,
    members: Iterable[TeamMember] | None = None,
    allocation: Allocation | None = None,
    coverage_evaluated: dt.datetime | None = None,
) -> PortfolioReview:
    """Review a portfolio as of ``as_of``: every account's standing and every alert.

    Runs the three scorers of ``scorers`` (fitting unfitted ones on this portfolio) on
    [`extract_features`][kamlib.features.extract_features], then every rule, each raising
    [`Alert`][kamlib.operations.Alert] records:

    * health: the three-colour light of the health model, the two-quarter purchase
      decline [000] and, with ``previous_health``, the rescue alert [003]
      (`HEALTH_CODES`);
    * the commitment loop [000] (`COMMITMENT_CODES`), and with ``capacity`` the
      over-commitment check of the next ``capacity_window_days`` (`CAPACITY_CODES`);
    * complaints: 3R [000] and the red channel [003] (`COMPLAINT_CODES`);
    * contact cadence by phase [000] (`CADENCE_CODES`), rules per ``tiers``;
    * with ``key_accounts``, the re-qualification of the list [002], [004]
      (`REQUALIFICATION_CODES`): the review's key list is then the re-qualified one;
      without, the list is the identification scorer's, and a list outside the 5-25
      guardrail [004] raises the same ``key_list_too_few`` / ``key_list_too_many`` alert;
    * with ``reviews``, the review calendar [002] (`REVIEW_CODES`): the recorded reviews,
      and for every key account its account plan, customer evaluation and yearly
      assessment, due since the cooperation began;
    * with ``customisation_costs``, the customisation guard [003] (`DEMAND_CODES`);
    * stakeholder red flags of the network ([`FlagCode`][kamlib.network.FlagCode], with
      `STAKEHOLDER_SEVERITY`);
    * with ``plans``, the execution of the key-account plans [002] (`PLAN_CODES`): targets
      behind, plan reviews overdue, plans without targets, key accounts without a plan;
    * with ``members`` and ``allocation``, the coverage of the accounts by the team [002]
      ([`COVERAGE_CODES`][kamlib.planning.COVERAGE_CODES], `COVERAGE_SEVERITY`):
      overloaded and idle members, accounts missing a role, expertise mismatches, an
      overdue coverage evaluation.

    Every account also gets its value-ladder stage and the first need of its demand pool.
    The review is deterministic given its inputs and independent of the order of the
    records; with pinned scorers each account's alerts depend on that account's records
    only (the re-qualification's 25-account cap excepted, which compares accounts).

    Args:
        portfolio: The portfolio.
        as_of: Timezone-aware moment; every record must be dated at or before it.
        scorers: The scorers (default `ReviewScorers`).
        policy: The rules' numbers (default `OperationsPolicy`).
        key_accounts: The key-account list before this review; ``None``: the list is the
            identification scorer's qualifying accounts, and no re-qualification runs.
        previous: The previous review's `PortfolioReview.requalification` (dwell and
            below-exit streaks carry over).
        reviews: The review log ([`ReviewRecord`][kamlib.operations.ReviewRecord]);
            ``None`` skips the calendar.
        tiers: Account id -> tier for the cadence rules of ``policy.cadence.by_tier``.
        customisation_costs: Customisation cost per account over the last four quarters;
            ``None`` skips the guard.
        capacity: Person-days per owner (or team, with ``team_of``) for the commitments
            due in the next ``policy.capacity_window_days``; ``None`` skips the check.
        team_of: Owner id -> team for the capacity check.
        previous_health: The health scores of the previous review, by account id, for the
            rescue alert (source [003]); ``None`` skips it.
        plans: The key-account plans ([`AccountPlan`][kamlib.planning.AccountPlan], one
            per account), measured by
            [`plan_executions`][kamlib.planning.plan_executions] with the calendar's
            account-plan interval (``policy.calendar``; source [002]: 3 months);
            ``None`` skips the plan alerts.
        members: The team ([`TeamMember`][kamlib.planning.TeamMember]) serving the
            accounts, for the coverage alerts; give it with ``allocation``.
        allocation: Who serves which account
            ([`Allocation`][kamlib.planning.Allocation]); with ``members``, the review
            runs [`coverage_evaluation`][kamlib.planning.coverage_evaluation] (without the
            optimum: the review stays linear; call it yourself for the gain) with
            ``policy.allocation`` and the calendar's sales-coverage interval (source
            [002]: 6 months): the key accounts after this review need the policy's
            roles (source [002] allocates the key accounts); every assignment counts in
            its member's load.
        coverage_evaluated: When the coverage was last evaluated (the 6-monthly clock);
            ``None``: never, so it is due but not overdue.

    Returns:
        A `PortfolioReview`.

    Raises:
        InvalidTypeError: Arguments of the wrong type.
        InvalidValueError: A naive ``as_of``; a record dated after it (naming the field).
        UnknownIdError: An id in ``key_accounts``, ``tiers`` or ``customisation_costs``
            that names no account.

    An unfitted scorer is fitted on this portfolio; where no account has a value of one
    of its criteria (no strategic assessment anywhere, no recent figures) it cannot be,
    and its ``fit`` raises [`InvalidValueError`][kamlib.errors.InvalidValueError] naming
    the criterion: pass scorers fitted on another period (`PortfolioReview.configs`).
    Accounts the value matrix cannot place (no strategic assessment, no profit in the
    window) get no quadrant; an empty portfolio gives an empty review.

    Examples:
        >>> import datetime as dt
        >>> from kamlib.operations import review
        >>> from kamlib.synthetic import synthetic_portfolio
        >>> as_of = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
        >>> p = synthetic_portfolio(60, seed=3, as_of=as_of)
        >>> r = review(p, as_of=as_of)
        >>> sorted(r.counts())
        ['cadence', 'commitment', 'complaint', 'health', 'stakeholder']
        >>> q2 = review(p, as_of=as_of, key_accounts=r.key_accounts)
        >>> q2.requalification is not None, q2.account(r.key_accounts[0]).key_decision
        (True, 'retain')
    """
    return run_review(
        portfolio,
        as_of=as_of,
        scorers=scorers,
        policy=policy,
        key_accounts=key_accounts,
        previous=previous,
        reviews=reviews,
        tiers=tiers,
        customisation_costs=customisation_costs,
        capacity=capacity,
        team_of=team_of,
        previous_health=previous_health,
        plans=plans,
        members=members,
        allocation=allocation,
        coverage_evaluated=coverage_evaluated,
    ).review


class ReviewRun(NamedTuple):
    """What `run_review` computed: the review and the intermediate results it read.

    ``scored`` is ``None`` for a portfolio without accounts (no scorer ran).
    """

    scored: _Scored | None
    flags: tuple[RedFlags, ...]
    review: PortfolioReview


def _known_ids(where: str, portfolio: Portfolio, ids: Iterable[object]) -> None:
    for aid in ids:
        if not isinstance(aid, str):
            raise InvalidTypeError(where, aid, "must be an account id (a str)")
        try:
            portfolio.account(aid)  # the portfolio's own index by id
        except UnknownIdError:
            raise UnknownIdError(where, aid, "names no account in the portfolio") from None


def run_review(
    portfolio: Portfolio,
    *,
    as_of: dt.datetime,
    scorers: ReviewScorers | None = None,
    policy: OperationsPolicy | None = None,
    key_accounts: Iterable[str] | None = None,
    previous: Requalification | None = None,
    reviews: Iterable[ReviewRecord] | None = None,
    tiers: Mapping[str, str] | None = None,
    customisation_costs: Mapping[str, Money | float] | None = None,
    capacity: float | Mapping[str, float] | None = None,
    team_of: Mapping[str, str] | None = None,
    previous_health: Mapping[str, float] | None = None,
    plans: Iterable[AccountPlan] | None = None,
    members: Iterable[TeamMember] | None = None,
    allocation: Allocation | None = None,
    coverage_evaluated: dt.datetime | None = None,
) -> ReviewRun:
    """`review` with its intermediate results kept (the demo shows them too)."""
    where = "review"
    portfolio = check_portfolio(where, portfolio)
    as_of = check_as_of(where, as_of)
    scorers = ReviewScorers() if scorers is None else scorers
    if not isinstance(scorers, ReviewScorers):
        raise InvalidTypeError(f"{where}.scorers", scorers, "must be a ReviewScorers")
    policy = OperationsPolicy() if policy is None else policy
    if not isinstance(policy, OperationsPolicy):
        raise InvalidTypeError(f"{where}.policy", policy, "must be an OperationsPolicy")
    current: tuple[str, ...] | None = None
    if key_accounts is not None:
        if isinstance(key_accounts, str) or not isinstance(key_accounts, Iterable):
            raise InvalidTypeError(
                f"{where}.key_accounts", key_accounts, "must be an iterable of account ids"
            )
        current = tuple(key_accounts)
        _known_ids(f"{where}.key_accounts", portfolio, current)
    if previous is not None and current is None:
        raise InvalidValueError(
            f"{where}.previous", "Requalification", "needs key_accounts, the list it led to"
        )

    previous_health = _check_previous_health(where, previous_health)
    _check_dated_records(portfolio, as_of)
    # each area's alerts unsorted where there are many: the review sorts all of them once
    alerts = commitment_alert_list(where, portfolio, as_of, policy.commitments)
    alerts += complaint_alert_list(where, portfolio, as_of, policy.complaints)
    rows = cadence_rows(where, portfolio, as_of, policy.cadence, tiers, ordered=False)
    alerts += [cadence_alert(row) for row in rows if row.overdue]
    runs = None  # the plans are measured (and checked) even on a portfolio without accounts
    if plans is not None:
        try:
            runs = plan_executions(
                plans,
                portfolio,
                as_of=as_of,
                review_months=policy.calendar.months_of(ReviewKind.ACCOUNT_PLAN),
            )
        except FieldError as e:
            raise e.renamed("plan_executions.plans", f"{where}.plans") from None
    team = _team(where, members, allocation, coverage_evaluated)
    if not portfolio.accounts:
        if team is not None:
            alerts += _coverage_alerts(where, portfolio, as_of, policy, team, ())
        return _empty_review(where, portfolio, as_of, policy, reviews, capacity, team_of, alerts)
    table = extract_features(portfolio, as_of=as_of, network_columns=_network_columns(scorers))
    s = _Scored(table, scorers)
    alerts += _health_alerts(s, policy, previous_health)
    flags = portfolio_red_flags(portfolio, as_of=as_of)
    alerts += _stakeholder_alerts(flags)
    requal = None
    listed: tuple[str, ...] = tuple(s.kal.ids)
    guardrail = None if s.kal.within_bounds else s.kal.message
    if current is None and guardrail is not None:
        lo, hi = s.kal.bounds
        code = f"key_list_{s.kal.flag}"  # the codes re-qualification raises for its list
        alerts.append(
            make_alert(
                None,
                AlertKind.QUALIFICATION,
                code,
                Severity.WARNING,
                guardrail,
                {"key_accounts": s.kal.qualifying, "low": lo, "high": hi},
            )
        )
    if current is not None:
        rq_policy = policy.requalification or RequalificationPolicy.from_scorer(
            s.identification, gap=REQUALIFICATION_GAP
        )
        requal = requalify(current, s.points, as_of=as_of, policy=rq_policy, previous=previous)
        alerts += requalification_alerts(requal)
        listed = requal.key_accounts
        guardrail = None if requal.flag is None else requal.message
    if team is not None:  # the key accounts after this review need their roles
        alerts += _coverage_alerts(where, portfolio, as_of, policy, team, listed)
    progress: dict[str, float] = {}
    if runs is not None:
        progress = {e.account_id: e.progress for e in runs}
        alerts += plan_alert_list(runs, listed)
    if reviews is not None:
        alerts += calendar_alerts(
            reviews,
            as_of=as_of,
            subjects=_expected_reviews(portfolio, listed, as_of),
            policy=policy.calendar,
        )
    if customisation_costs is not None:
        if not isinstance(customisation_costs, Mapping):
            raise InvalidTypeError(
                f"{where}.customisation_costs",
                customisation_costs,
                "must be a mapping account id -> cost",
            )
        checks = customisation_guard(
            portfolio, customisation_costs, as_of=as_of, limit=policy.customisation_limit
        )
        alerts += demand_alerts(checks)
    if capacity is not None:
        window = dt.timedelta(days=policy.capacity_window_days)
        loads = capacity_check(
            portfolio, capacity=capacity, start=as_of, end=as_of + window, team_of=team_of
        )
        alerts += capacity_alerts(loads)
    result = _assemble(portfolio, as_of, s, alerts, listed, guardrail, requal, policy, progress)
    return ReviewRun(s, flags, result)


class _Team(NamedTuple):
    members: Iterable[TeamMember]
    allocation: Allocation
    evaluated: dt.datetime | None


def _team(
    where: str,
    members: Iterable[TeamMember] | None,
    allocation: Allocation | None,
    evaluated: dt.datetime | None,
) -> _Team | None:
    """The team the coverage alerts read, or ``None`` without one (given together)."""
    if members is None and allocation is None:
        if evaluated is not None:
            raise InvalidValueError(
                f"{where}.coverage_evaluated", evaluated, "needs members and allocation"
            )
        return None
    if members is None or allocation is None:
        missing = "members" if members is None else "allocation"
        raise InvalidValueError(f"{where}.{missing}", None, "is needed with the other")
    return _Team(members, allocation, evaluated)


def _coverage_alerts(
    where: str,
    portfolio: Portfolio,
    as_of: dt.datetime,
    policy: OperationsPolicy,
    team: _Team,
    key_accounts: Iterable[str],
) -> list[Alert]:
    """The coverage alerts: the key accounts need the roles; every assignment is load."""
    try:
        found = coverage_evaluation(
            portfolio,
            team.members,
            team.allocation,
            as_of=as_of,
            policy=policy.allocation,
            accounts=tuple(key_accounts),
            last_evaluated=team.evaluated,
            every_months=policy.calendar.months_of(ReviewKind.SALES_COVERAGE),
            optimise=False,
        )
    except FieldError as e:
        e = e.renamed("coverage_evaluation.last_evaluated", f"{where}.coverage_evaluated")
        raise e.renamed("coverage_evaluation", where) from None
    return coverage_alert_list(found)


def _network_columns(scorers: ReviewScorers) -> tuple[str, ...]:
    """The relationship features the scorers read: the only ones the review computes.

    The stakeholder network's coverage and influence reach cost more than the rest of the
    features together; the default scorers read only ``interaction_frequency``. A
    column's bits do not depend on which others are computed.
    """
    read = {
        *scorers.matrix.required_features,
        *scorers.identification.required_features,
        *scorers.health.required_features,
    }
    return tuple(name for name in RELATIONSHIP_FEATURES if name in read)


def _check_previous_health(where: str, value: object) -> Mapping[str, float] | None:
    """``previous_health`` as a mapping of account id to a finite score, or ``None``."""
    if value is None:
        return None
    path = f"{where}.previous_health"
    if not isinstance(value, Mapping):
        raise InvalidTypeError(path, value, "must be a mapping of account id to health score")
    out = {}
    for key, score in value.items():
        if not isinstance(key, str):
            raise InvalidTypeError(path, key, "keys must be account ids (str)")
        out[key] = check_real(f"{path}[{key!r}]", score)
    return out


def _check_dated_records(portfolio: Portfolio, as_of: dt.datetime) -> None:
    """Refuse the dated account records and purchases after ``as_of``, naming the field.

    Commitments, complaints and interactions are checked by their own rules; these are
    the records [`extract_features`][kamlib.features.extract_features] would skip silently
    (a feature table describes a moment, so it reads what came before it; a review
    describes what has happened, so a record from its future is an error).
    """
    refuse_later_account_records(portfolio, as_of)
    for i, b in enumerate(portfolio.purchases):
        if b.at > as_of:
            not_after(f"Portfolio.purchases[{i}].at", b.at, as_of)


def _empty_review(
    where: str,
    portfolio: Portfolio,
    as_of: dt.datetime,
    policy: OperationsPolicy,
    reviews: Iterable[ReviewRecord] | None,
    capacity: float | Mapping[str, float] | None,
    team_of: Mapping[str, str] | None,
    alerts: list[Alert],
) -> ReviewRun:
    """A portfolio without accounts: no scorer runs; the team-level rules still do."""
    if reviews is not None:
        alerts += calendar_alerts(reviews, as_of=as_of, policy=policy.calendar)
    if capacity is not None:
        window = dt.timedelta(days=policy.capacity_window_days)
        loads = capacity_check(
            portfolio, capacity=capacity, start=as_of, end=as_of + window, team_of=team_of
        )
        alerts += capacity_alerts(loads)
    empty = PortfolioReview(
        as_of=as_of,
        accounts=(),
        alerts=sort_alerts(alerts),
        key_accounts=(),
        guardrail=None,
        configs=MappingProxyType({}),
    )
    return ReviewRun(None, (), empty)


_ACCOUNT_REVIEWS: Final = (
    ReviewKind.ACCOUNT_PLAN,
    ReviewKind.CUSTOMER_EVALUATION,
    ReviewKind.YEARLY_ASSESSMENT,
)


def _expected_reviews(
    portfolio: Portfolio, listed: Iterable[str], as_of: dt.datetime
) -> list[ReviewSubject]:
    """The reviews every key account needs: plan, evaluation, yearly assessment [002].

    Each is due from the day the cooperation began (kamlib's reading: the sources give no
    start).
    """
    out = []
    for aid in sorted(listed):
        start = portfolio.account(aid).cooperation_start
        since = dt.datetime(start.year, start.month, start.day, tzinfo=as_of.tzinfo)
        since = min(since, as_of)
        out += [ReviewSubject(kind, aid, since, account_id=aid) for kind in _ACCOUNT_REVIEWS]
    return out


def _labels(t: ScoreTable) -> list[str | None]:
    labels = t.labels
    if labels is None:
        return [None] * len(t)
    return [str(x) for x in labels.tolist()]


_ACCOUNT_ID: Final = operator.attrgetter("account_id")


def _assemble(
    portfolio: Portfolio,
    as_of: dt.datetime,
    s: _Scored,
    alerts: list[Alert],
    listed: tuple[str, ...],
    guardrail: str | None,
    requal: Requalification | None,
    policy: OperationsPolicy,
    progress: Mapping[str, float],
) -> PortfolioReview:
    alerts.sort(key=ALERT_KEY)  # the rules made them: no need to check their type
    ordered = tuple(alerts)
    by_account: dict[str | None, list[Alert]] = {}
    mine = by_account.get
    for a in ordered:  # each account's alerts keep the canonical order
        aid = a.account_id
        own = mine(aid)
        if own is None:
            by_account[aid] = [a]
        else:
            own.append(a)
    key = frozenset(listed)
    h, pts, q = s.health, s.points, s.quadrants
    # every table's rows follow portfolio.accounts (the matrix's: the assessed ones)
    quadrant = {} if q is None else dict(zip(q.ids.tolist(), _labels(q), strict=True))
    lights = _labels(h)
    health = h.scores.tolist()
    points = pts.scores.tolist()
    rows = []
    stages: dict[tuple[str, ...], str | None] = {}  # accounts share their sets of areas
    reasons, none = s.reasons, ()
    for i, acc in enumerate(portfolio.accounts):
        aid = acc.id
        decision = None if requal is None else requal.decision_of(aid)
        needs = rank_needs(acc) if acc.needs else ()
        areas = acc.cooperation_areas
        if areas not in stages:
            stages[areas] = value_ladder(acc, policy=policy.ladder).stage
        own = mine(aid)
        rows.append(
            AccountReview(  # positional, in the order of its fields (one row per account)
                aid,
                acc.name,
                quadrant.get(aid),
                aid in key,
                points[i],
                health[i],
                lights[i],
                reasons[i],
                none if own is None else tuple(own),
                None if decision is None else decision.action,
                stages[areas],
                needs[0].need_id if needs else None,
                progress.get(aid),
            )
        )
    rows.sort(key=_ACCOUNT_ID)
    return PortfolioReview(
        as_of=as_of,
        accounts=tuple(rows),
        alerts=ordered,
        key_accounts=listed,
        guardrail=guardrail,
        configs=MappingProxyType(dict(s.configs)),
        requalification=requal,
    )
