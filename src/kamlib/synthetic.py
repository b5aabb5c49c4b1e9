"""Seeded synthetic portfolios: the built-in data of the demo, the docs and the benchmarks.

Everything is drawn from ``numpy.random.default_rng(seed)`` (the progress updates and
complaints of `synthetic_portfolio` from a second generator, ``default_rng([seed, 11])``, so
that adding them moved no earlier draw): the same ``(n_accounts, seed, as_of)`` always gives
the same portfolio, on any machine. Nothing is read from files.

The data is plausible, not realistic: sizes follow the size band, a few accounts decline
two quarters running, some carry the source's red/yellow triggers (a key decision-maker who
left, a frozen budget, a competitor, satisfaction below 70, unclear renewal intent), so every
rule of the scorers has something to fire on; commitments miss some weekly syncs and some
complaints miss their 3R or red-channel clocks, so the operating rules fire too.

**Ground truth.** `ground_truth_table` and `ground_truth_portfolio` draw portfolios from a
*latent true value* per account, with controllable noise, correlation between the
criteria's errors and declared-missing cells, so that a researcher can ask how well a
scoring method recovers what is known to be true (`kamlib.research.recovery_experiment`).
The generative model is written out in the docs page "Ground truth"; every number in it is
kamlib's own choice, not a source rule.

Examples:
    >>> import datetime as dt
    >>> from kamlib.synthetic import synthetic_portfolio
    >>> p = synthetic_portfolio(3, seed=0, as_of=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    >>> [a.id for a in p.accounts]
    ['A00000', 'A00001', 'A00002']
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from statistics import NormalDist
from types import MappingProxyType
from typing import Any, Final

import attrs
import numpy as np
from numpy.typing import NDArray

from kamlib._table import FeatureTable
from kamlib._validators import (
    check_aware_datetime,
    check_int,
    check_name,
    check_real,
    unwrap_0d,
)
from kamlib.errors import InvalidTypeError, InvalidValueError
from kamlib.model import (
    Account,
    Commitment,
    Complaint,
    ComplaintChannel,
    ComplaintSeverity,
    DecisionRole,
    Interaction,
    KeyPerson,
    Money,
    NpsResponse,
    Opportunity,
    PeriodFigures,
    Portfolio,
    Portrait,
    ProgressUpdate,
    Purchase,
    Quarter,
    Relationship,
    RenewalIntent,
    RiskKind,
    RiskSignal,
    SatisfactionSurvey,
    Side,
    SizeBand,
    StrategicAttributes,
)

__all__ = [
    "synthetic_portfolio",
    # ground truth (issue 10 §4)
    "TRUTH_CRITERIA",
    "DEFAULT_COMPLETE",
    "OBJECT_MISSABLE",
    "MAX_NOISE",
    "GroundTruth",
    "GroundTruthPortfolio",
    "ground_truth_table",
    "ground_truth_portfolio",
]

INDUSTRIES = ("manufacturing", "retail", "finance", "technology", "energy", "healthcare")
REGIONS = ("east", "north", "south", "west")
AREAS = ("erp", "crm", "analytics", "cloud", "security", "training", "support", "iot")
_SIZE_REVENUE = {  # median quarterly revenue by size band
    SizeBand.SMALL: 40_000.0,
    SizeBand.MEDIUM: 150_000.0,
    SizeBand.LARGE: 600_000.0,
    SizeBand.ENTERPRISE: 2_000_000.0,
}
_BANDS = tuple(SizeBand)
_CHANNELS = ("meeting", "phone", "email", "video", "visit")
_LEVELS = ("executive", "management", "operational")
_OUTCOMES = ("positive", "neutral", "negative")
_COMPLAINTS = (
    "invoice run failed",
    "delivery arrived late",
    "support ticket unanswered",
    "data migration lost records",
    "service outage during peak hours",
    "wrong configuration shipped",
)
_OPTIONS = (
    "on-site fix",
    "service credit",
    "partial refund",
    "replacement",
    "extended support",
    "free training",
)
_SEVERITIES = tuple(ComplaintSeverity)
_PLEDGE = "written improvement commitment: root cause, fix and follow-up review"
# the second generator's key next to the seed: default_rng([seed, _EXTRA_STREAM])
_EXTRA_STREAM: Final = 11


def synthetic_portfolio(
    n_accounts: int,
    *,
    seed: int,
    as_of: dt.datetime,
    currency: str = "CNY",
    quarters: int = 8,
) -> Portfolio:
    """Draw a referentially consistent synthetic portfolio.

    The commitments carry [`ProgressUpdate`][kamlib.model.ProgressUpdate] syncs while they
    are carried out: one to seven days after work starts, then every five to seven days,
    with a gap of 8 to 21 days in 15 % of the intervals and no sync at all on 10 % of the
    commitments (source [000] asks for weekly syncs: the gaps give the sync rule something
    to find). About 20 % of the accounts have one or two
    [`Complaint`][kamlib.model.Complaint] records, received within the last 120 days and
    owned by the account's first person of our staff (first-responder ownership, source
    [004]): 15 % through the red channel; acknowledged after 0.5 to 4 hours, a first plan
    after 6 to 36 hours, 1 to 4 options offered 0 to 48 hours after the plan (source
    [000]: within 2 h, within 24 h, 2-3 options), a red one with senior people on site
    after 6 to 40 hours (source [003]: within 24 h); 80 % resolved 1 to 15 days after the
    options, a resolved red one with a written improvement commitment 80 % of the time. A
    step that would come after ``as_of`` has not happened yet (it and every later step are
    left out), so recent complaints are open. These shares and delays are kamlib's own
    choice; they come from the second generator, so every other record is the same as
    without them.

    Args:
        n_accounts: Number of accounts (>= 0).
        seed: Seed of the random generator (the only source of randomness).
        as_of: Timezone-aware moment the data leads up to; nothing is dated after it.
        currency: ISO currency of every amount.
        quarters: Complete quarters of figures per account, ending before ``as_of``.

    Returns:
        A [`Portfolio`][kamlib.model.Portfolio] with accounts, people (customer side, our staff,
        competitor staff), reporting and influence relationships, interactions,
        commitments (with progress updates), opportunities and complaints.

    Raises:
        InvalidTypeError: A non-int count or seed, a naive or non-datetime ``as_of``.
        InvalidValueError: A negative count, fewer than 1 quarter.

    Examples:
        >>> import datetime as dt
        >>> from kamlib.synthetic import synthetic_portfolio
        >>> as_of = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
        >>> p = synthetic_portfolio(5, seed=7, as_of=as_of)
        >>> len(p.accounts), p == synthetic_portfolio(5, seed=7, as_of=as_of)
        (5, True)
        >>> q = synthetic_portfolio(60, seed=3, as_of=as_of).complaints
        >>> all(c.owner_id == c.account_id + "-S0" and c.received_at <= as_of for c in q)
        True
    """
    for name, value in (("n_accounts", n_accounts), ("seed", seed), ("quarters", quarters)):
        if isinstance(value, bool) or not isinstance(value, int):
            raise InvalidTypeError(f"synthetic_portfolio.{name}", value, "must be an int")
    if n_accounts < 0:
        raise InvalidValueError("synthetic_portfolio.n_accounts", n_accounts, "must be >= 0")
    if quarters < 1:
        raise InvalidValueError("synthetic_portfolio.quarters", quarters, "must be >= 1")
    if not isinstance(as_of, dt.datetime):
        raise InvalidTypeError("synthetic_portfolio.as_of", as_of, "must be a datetime")
    if as_of.tzinfo is None or as_of.utcoffset() is None:
        raise InvalidValueError("synthetic_portfolio.as_of", as_of, "must be timezone-aware")
    rng = np.random.default_rng(seed)
    extra = np.random.default_rng([seed, _EXTRA_STREAM])
    gen = _Generator(rng, as_of, currency, quarters, extra)
    for i in range(n_accounts):
        gen.account(i)
    return Portfolio(
        accounts=gen.accounts,
        people=gen.people,
        relationships=gen.relationships,
        commitments=gen.commitments,
        interactions=gen.interactions,
        opportunities=gen.opportunities,
        complaints=gen.complaints,
    )


class _Records:
    """The record lists and the ``nq`` quarters up to ``last`` that both writers share."""

    def __init__(
        self, rng: np.random.Generator, as_of: dt.datetime, cur: str, last: Quarter, nq: int
    ) -> None:
        self.rng = rng
        self.as_of = as_of
        self.cur = cur
        qs = [last]
        for _ in range(nq - 1):
            qs.append(qs[-1].previous())
        self.quarters = qs[::-1]
        self.accounts: list[Account] = []
        self.people: list[KeyPerson] = []
        self.relationships: list[Relationship] = []
        self.commitments: list[Commitment] = []
        self.interactions: list[Interaction] = []


class _Generator(_Records):
    """Accumulates the records of one synthetic portfolio (private, not thread-safe)."""

    def __init__(
        self,
        rng: np.random.Generator,
        as_of: dt.datetime,
        cur: str,
        nq: int,
        extra: np.random.Generator,
    ) -> None:
        super().__init__(rng, as_of, cur, Quarter.containing(as_of.date()).previous(), nq)
        self.opportunities: list[Opportunity] = []
        self.complaints: list[Complaint] = []
        # the progress updates and complaints: a generator of their own, so that every
        # draw of ``rng`` (and every record drawn before they existed) stays the same
        self.extra = extra

    def _at(self, max_days: float) -> dt.datetime:
        """A moment within ``max_days`` before as_of."""
        return self.as_of - dt.timedelta(days=float(self.rng.uniform(0.5, max_days)))

    def _chance(self, p: float) -> bool:
        return bool(self.rng.random() < p)

    def account(self, i: int) -> None:
        rng = self.rng
        aid = f"A{i:05d}"
        band = _BANDS[int(rng.choice(4, p=[0.35, 0.3, 0.25, 0.1]))]
        start = self.as_of.date() - dt.timedelta(days=int(rng.integers(30, 2500)))
        customers, ours = self._people(aid)
        figures = self._figures(band)
        strategic = None
        if not self._chance(0.05):
            s = np.round(rng.uniform(0, 10, 3), 1)
            strategic = StrategicAttributes(float(s[0]), float(s[1]), float(s[2]))
        n_areas = int(rng.integers(1, 6))
        areas = tuple(sorted(rng.choice(AREAS, n_areas, replace=False).tolist()))
        surveys = tuple(
            sorted(
                (
                    SatisfactionSurvey(
                        self._at(360), float(np.clip(np.round(rng.normal(78, 12)), 0, 100))
                    )
                    for _ in range(int(rng.integers(0, 4)))
                ),
                key=lambda s: s.at,
            )
        )
        nps = tuple(
            NpsResponse(self._at(300), int(np.clip(np.round(rng.normal(7.5, 2.0)), 0, 10)), None)
            for _ in range(int(rng.integers(0, 6)))
        )
        intent_draw = rng.random()
        intent = (
            RenewalIntent.YES
            if intent_draw < 0.7
            else RenewalIntent.UNCLEAR
            if intent_draw < 0.9
            else RenewalIntent.NO
            if intent_draw < 0.95
            else None
        )
        risks = []
        for kind, p in (
            (RiskKind.KEY_DECISION_MAKER_LEFT, 0.03),
            (RiskKind.BUDGET_FROZEN, 0.03),
            (RiskKind.COMPETITOR_ENTERED, 0.05),
            (RiskKind.LATE_DELIVERY, 0.1),
        ):
            if self._chance(p):
                risks.append(RiskSignal(kind, self._at(80)))
        self.accounts.append(
            Account(
                id=aid,
                name=f"Account {i}",
                industry=INDUSTRIES[int(rng.integers(len(INDUSTRIES)))],
                region=REGIONS[int(rng.integers(len(REGIONS)))],
                size_band=band,
                cooperation_start=start,
                figures=figures,
                strategic=strategic,
                cooperation_areas=areas,
                surveys=surveys,
                nps=nps,
                renewal_intent=intent,
                executive_sponsor_id=ours[0],
                risk_signals=tuple(risks),
            )
        )
        self._interactions(aid, customers, ours)
        self._commitments(aid, ours[0])
        self._complaints(aid, customers, ours[0])
        if self._chance(0.3):
            chain = tuple(customers[: int(rng.integers(1, len(customers) + 1))])
            size = float(np.round(_SIZE_REVENUE[band] * rng.uniform(0.2, 2.0), 2))
            stage = ("lead", "qualified", "proposal", "negotiation")[int(rng.integers(4))]
            oid = f"{aid}-O1"
            self.opportunities.append(
                Opportunity(oid, aid, f"Deal {aid}", Money(size, self.cur), stage, chain)
            )
            if len(chain) >= 2:  # the project gives a contact new influence (source [002])
                self.relationships.append(
                    Relationship(chain[-1], chain[0], "influences", 0.7, opportunity_id=oid)
                )

    def _figures(self, band: SizeBand) -> tuple[PeriodFigures, ...]:
        rng = self.rng
        base = _SIZE_REVENUE[band] * float(rng.lognormal(0.0, 0.5))
        trend = float(rng.normal(0.01, 0.04))
        noise = rng.normal(1.0, 0.08, len(self.quarters)).clip(0.5, 1.5)
        rev = base * (1 + trend) ** np.arange(len(self.quarters)) * noise
        if self._chance(0.08) and len(rev) >= 3:  # decline two quarters running
            rev[-2] = rev[-3] * rng.uniform(0.6, 0.84)
            rev[-1] = rev[-2] * rng.uniform(0.6, 0.84)
        margin = float(rng.uniform(0.15, 0.35))
        serve = float(rng.uniform(0.03, 0.12))
        out = []
        for q, r in zip(self.quarters, np.round(rev, 2), strict=True):
            out.append(
                PeriodFigures(
                    q,
                    Money(float(r), self.cur),
                    Money(round(float(r) * margin, 2), self.cur),
                    Money(round(float(r) * serve, 2), self.cur),
                )
            )
        return tuple(out)

    def _portrait(self) -> Portrait:
        v = np.round(self.rng.uniform(0, 10, 3), 1)
        return Portrait(float(v[0]), float(v[1]), float(v[2]))

    def _people(self, aid: str) -> tuple[list[str], list[str]]:
        rng = self.rng
        roles = [DecisionRole.DECISION_MAKER] * int(rng.integers(1, 3))
        roles += [DecisionRole.INFLUENCER] * int(rng.integers(1, 3))
        roles += [DecisionRole.USER] * int(rng.integers(1, 4))
        if self._chance(0.6):
            roles.append(DecisionRole.COACH)
        customers: list[str] = []
        for j, role in enumerate(roles):
            pid = f"{aid}-C{j}"
            left = None
            if role is DecisionRole.DECISION_MAKER and self._chance(0.03):
                left = self.as_of.date() - dt.timedelta(days=int(rng.integers(1, 60)))
            self.people.append(
                KeyPerson(
                    id=pid,
                    name=f"Customer {aid}/{j}",
                    side=Side.CUSTOMER,
                    account_id=aid,
                    title=str(role).replace("_", " "),
                    role=role,
                    portrait=self._portrait(),
                    left_on=left,
                )
            )
            customers.append(pid)
        ours = [f"{aid}-S{j}" for j in range(int(rng.integers(1, 3)))]
        for pid in ours:
            self.people.append(KeyPerson(pid, f"Staff {pid}", Side.OUR_STAFF, account_id=aid))
        dms = [c for c, r in zip(customers, roles, strict=True) if r is DecisionRole.DECISION_MAKER]
        for c, r in zip(customers, roles, strict=True):
            if r is not DecisionRole.DECISION_MAKER and not self._chance(0.1):
                boss = dms[int(rng.integers(len(dms)))]
                self.relationships.append(Relationship(c, boss, "reports_to", 1.0))
            if r is DecisionRole.INFLUENCER:
                dm = dms[int(rng.integers(len(dms)))]
                strength = float(np.round(rng.uniform(0.3, 0.9), 2))
                self.relationships.append(Relationship(c, dm, "influences", strength))
        for pid in ours:
            k = int(rng.integers(1, len(customers) + 1))
            for c in rng.choice(customers, k, replace=False).tolist():
                strength = float(np.round(rng.uniform(0.1, 0.9), 2))
                self.relationships.append(Relationship(pid, c, "influences", strength))
        if self._chance(0.15):
            comp = f"{aid}-X0"
            self.people.append(
                KeyPerson(comp, f"Competitor {aid}", Side.COMPETITOR_STAFF, account_id=aid)
            )
            strength = float(np.round(rng.uniform(0.4, 1.0), 2))
            self.relationships.append(Relationship(comp, dms[0], "influences", strength))
        return customers, ours

    def _interactions(self, aid: str, customers: list[str], ours: list[str]) -> None:
        rng = self.rng
        for k in range(int(rng.integers(0, 9))):
            theirs = rng.choice(customers, int(rng.integers(1, 3)), replace=False).tolist()
            self.interactions.append(
                Interaction(
                    id=f"{aid}-I{k}",
                    account_id=aid,
                    at=self._at(150),
                    our_people=(ours[int(rng.integers(len(ours)))],),
                    their_people=tuple(theirs),
                    channel=_CHANNELS[int(rng.integers(len(_CHANNELS)))],
                    level=_LEVELS[int(rng.integers(len(_LEVELS)))],
                    outcome=_OUTCOMES[int(rng.choice(3, p=[0.5, 0.35, 0.15]))],
                )
            )

    def _commitments(self, aid: str, owner: str) -> None:
        rng = self.rng
        day = dt.timedelta(days=1)
        for k in range(int(rng.integers(0, 4))):
            t0 = self._at(200)
            t0 = min(t0, self.as_of - 30 * day)
            c = Commitment.propose(
                f"{aid}-K{k}",
                aid,
                f"Deliverable {k} for {aid}",
                owner,
                due=t0 + 25 * day,
                required_capacity=float(rng.integers(1, 30)),
                at=t0,
            )
            c = c.transition("committed", t0 + day).transition("in_progress", t0 + 2 * day)
            end = rng.random()
            until = self.as_of  # still being carried out (in progress or at risk)
            if end < 0.6:
                c = c.transition("delivered", t0 + 20 * day).accept(t0 + 22 * day, "ok")
                until = t0 + 20 * day
            elif end < 0.75:
                c = c.transition("broken", t0 + 26 * day)
                until = t0 + 26 * day
            elif end < 0.9:
                c = c.warn(t0 + 10 * day, t0 + 15 * day, "supplier delay")
            self.commitments.append(self._synced(c, t0 + 2 * day, until))

    def _synced(self, c: Commitment, start: dt.datetime, until: dt.datetime) -> Commitment:
        """``c`` with weekly-ish progress syncs from ``start`` up to ``until`` (extra draws)."""
        x = self.extra
        if x.random() < 0.1:  # never synced
            return c
        day = dt.timedelta(days=1)
        at = start + float(x.uniform(1, 7)) * day
        updates: list[ProgressUpdate] = []
        while at <= until:
            updates.append(ProgressUpdate(at, f"progress sync {len(updates) + 1}"))
            gap = x.uniform(8, 21) if x.random() < 0.15 else x.uniform(5, 7)
            at += float(gap) * day
        return attrs.evolve(c, progress_updates=updates) if updates else c

    def _by_now(self, at: dt.datetime | None) -> dt.datetime | None:
        """``at`` if it has happened by as_of, else ``None`` (not yet)."""
        return at if at is not None and at <= self.as_of else None

    def _complaints(self, aid: str, customers: list[str], owner: str) -> None:
        """One or two complaints on about 20 % of the accounts (extra draws)."""
        x = self.extra
        if x.random() >= 0.2:
            return
        hour = dt.timedelta(hours=1)
        for k in range(int(x.integers(1, 3))):
            red = bool(x.random() < 0.15)
            if red:
                severity = _SEVERITIES[int(x.integers(2, 4))]  # high or critical
            else:
                severity = _SEVERITIES[int(x.choice(3, p=[0.35, 0.45, 0.2]))]
            received = self.as_of - float(x.uniform(0.5, 120)) * 24 * hour
            person = customers[int(x.integers(len(customers)))] if x.random() < 0.8 else None
            # each step comes after the one before (acknowledged by 4 h, a plan from 6 h,
            # options after the plan, resolution after the options)
            acknowledged = received + float(x.uniform(0.5, 4)) * hour
            plan = received + float(x.uniform(6, 36)) * hour
            options = tuple(x.choice(_OPTIONS, int(x.integers(1, 5)), replace=False).tolist())
            options_at = plan + float(x.uniform(0, 48)) * hour
            senior = received + float(x.uniform(6, 40)) * hour if red else None
            resolved: dt.datetime | None = options_at + float(x.uniform(1, 15)) * 24 * hour
            if x.random() >= 0.8:  # never resolved: open however long ago it came
                resolved = None
            pledge = red and bool(x.random() < 0.8)
            summary = _COMPLAINTS[int(x.integers(len(_COMPLAINTS)))]
            by_now = self._by_now
            solved = by_now(resolved)
            offered = by_now(options_at)
            self.complaints.append(
                Complaint(
                    id=f"{aid}-Q{k}",
                    account_id=aid,
                    owner_id=owner,
                    received_at=received,
                    summary=summary,
                    channel=ComplaintChannel.RED if red else ComplaintChannel.STANDARD,
                    severity=severity,
                    acknowledged_at=by_now(acknowledged),
                    first_plan_at=by_now(plan),
                    options=options if offered else (),
                    options_at=offered,
                    senior_on_site_at=by_now(senior),
                    improvement_commitment=_PLEDGE if pledge and solved else "",
                    resolved_at=solved,
                    person_id=person,
                )
            )


# ---------------------------------------------------------------------- ground truth
# Issue 10 §4: portfolios drawn from a latent true value per account. The generative model
# (docs/research/ground-truth.md) is kamlib's own choice throughout; the sources give none.

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]

_HALF_PI: Final = math.pi / 2
# Standard-normal quantiles 0.35, 0.65 and 0.90 (the size-band shares of
# `synthetic_portfolio`: 35% small, 30% medium, 25% large, 10% enterprise), written out so
# that no platform's log or erf can move a band edge.
_BAND_EDGES: Final = (-0.38532046640756773, 0.38532046640756773, 1.2815515655446004)
_BAND_SHARES: Final = (0.35, 0.65, 0.90)

TRUTH_CRITERIA: Mapping[str, str] = MappingProxyType(
    {
        "profit": "100_000 * h(0.75 s): money after cost-to-serve, positive, right-skewed",
        "revenue": "500_000 * h(0.75 s): money; its value also sets the size band",
        "revenue_growth": "0.2 * (h(0.75 s) - 1): a growth rate above -0.2",
        "purchase_stability": "0.5 + 0.5 u: in (0.5, 1)",
        "interaction_frequency": "6 u: interactions per month, in (0, 6)",
        "satisfaction": "100 u: in (0, 100)",
        "nps": "200 u - 100: in (-100, 100)",
        "cooperation_breadth": "1 + 7 u: in (1, 8), continuous in the table",
        "commitment_fulfilment": "u: in (0, 1)",
        "strategic_fit": "10 u: in (0, 10)",
        "value_potential": "10 u: in (0, 10)",
        "resource_complementarity": "10 u: in (0, 10)",
    }
)
"""The default criteria of the ground truth and the unit each is written in.

``s`` is the criterion on its standard scale (mean 0, variance 1, see `ground_truth_table`),
``u = 1/2 + s / (2 sqrt(pi/2 + s^2))`` a sigmoid of it in (0, 1) (close to the normal
CDF) and ``h(x) = x + sqrt(1 + x^2)`` (``= exp(asinh x)``) a positive, skewed scale. Every
transform is increasing, so it keeps the criterion's ranks; it puts the value in the unit
and range of the canonical feature of that name, which the built-in scorers read. A
criterion name outside this mapping is written as ``s`` itself. Only ``+ - * /`` and
``sqrt`` are used (IEEE correctly rounded), so the bits do not depend on the platform.
Kamlib's own choice: the sources give no distribution of any feature.

Examples:
    >>> from kamlib.synthetic import TRUTH_CRITERIA
    >>> len(TRUTH_CRITERIA), TRUTH_CRITERIA["satisfaction"]
    (12, '100 u: in (0, 100)')
"""

DEFAULT_COMPLETE: tuple[str, ...] = (
    "profit",
    "revenue",
    "strategic_fit",
    "value_potential",
    "resource_complementarity",
)
"""Criteria that `ground_truth_table` never declares missing unless told otherwise.

The money columns and the strategic assessment: the value matrix refuses an account
without its contribution or without every strategic attribute, and empirical estimation
learns its benchmarks from revenue, so with these complete every built-in scorer runs at
any missing share. Kamlib's choice (a KAM team is assumed to assess every candidate); pass
``complete=()`` to let every criterion miss.
"""

OBJECT_MISSABLE: tuple[str, ...] = (
    "revenue_growth",
    "satisfaction",
    "nps",
    "commitment_fulfilment",
)
"""The criteria `ground_truth_portfolio` can leave missing: those whose records can be absent.

No figures in the previous window (growth), no survey, no NPS response, no closed
commitment. The other features are always computable from the records it writes.
"""

MAX_NOISE: Final = 1e6
"""Largest ``noise`` accepted: beyond it the criteria hold no signal a float can carry."""

_MAX_LOADING: Final = 1e6


def _sigmoid(s: FloatArray) -> FloatArray:
    """``1/2 + s / (2 sqrt(pi/2 + s^2))``: increasing, in (0, 1), slope of the normal CDF at 0."""
    out: FloatArray = 0.5 + 0.5 * (s / np.sqrt(_HALF_PI + s * s))
    return out


def _skew(x: FloatArray) -> FloatArray:
    """``x + sqrt(1 + x^2)`` (``exp(asinh x)``): increasing, positive, right-skewed."""
    out: FloatArray = x + np.sqrt(1.0 + x * x)
    return out


def _in_unit(name: str, s: FloatArray) -> FloatArray:
    """Criterion ``name`` written in its feature's unit (`TRUTH_CRITERIA`), or ``s`` itself."""
    if name == "profit":
        return 100_000.0 * _skew(0.75 * s)
    if name == "revenue":
        return 500_000.0 * _skew(0.75 * s)
    if name == "revenue_growth":
        return 0.2 * (_skew(0.75 * s) - 1.0)
    if name not in TRUTH_CRITERIA:
        return s.copy()
    u = _sigmoid(s)
    lo, width = {
        "purchase_stability": (0.5, 0.5),
        "interaction_frequency": (0.0, 6.0),
        "satisfaction": (0.0, 100.0),
        "nps": (-100.0, 200.0),
        "cooperation_breadth": (1.0, 7.0),
        "commitment_fulfilment": (0.0, 1.0),
    }.get(name, (0.0, 10.0))
    return lo + width * u


def _readonly(a: NDArray[Any]) -> NDArray[Any]:
    a.flags.writeable = False
    return a


def _class_cuts(path: str, shares: object, labels: object) -> tuple[list[float], list[str]]:
    """Validate tier shares and labels; return the latent cuts, best tier first."""
    shares, labels = unwrap_0d(shares), unwrap_0d(labels)
    if isinstance(shares, str) or not isinstance(shares, Sequence | np.ndarray):
        raise InvalidTypeError(f"{path}.shares", shares, "must be a sequence of shares")
    vals = [check_real(f"{path}.shares[{i}]", v, gt=0.0, le=1.0) for i, v in enumerate(shares)]
    if not vals:
        raise InvalidValueError(f"{path}.shares", shares, "must hold at least one share")
    if abs(math.fsum(vals) - 1.0) > 1e-9:
        raise InvalidValueError(f"{path}.shares", vals, "must sum to 1")
    if isinstance(labels, str) or not isinstance(labels, Sequence):
        raise InvalidTypeError(f"{path}.labels", labels, "must be a sequence of str")
    names = [check_name(f"{path}.labels[{i}]", v) for i, v in enumerate(labels)]
    if len(names) != len(vals):
        raise InvalidValueError(f"{path}.labels", names, f"must hold {len(vals)} labels")
    if len(set(names)) != len(names):
        raise InvalidValueError(f"{path}.labels", names, "must not repeat a label")
    normal = NormalDist()
    cuts, acc = [], 0.0
    for v in vals[:-1]:
        acc += v
        cuts.append(normal.inv_cdf(min(max(1.0 - acc, 1e-300), 1.0 - 1e-16)))
    return cuts, names


@attrs.frozen(eq=False, repr=False)
class GroundTruth:
    """A feature table drawn from a latent true value per account, with that value.

    Made by `ground_truth_table` (see it for the model). Every array is read-only.

    Attributes:
        table: The observed [`FeatureTable`][kamlib.FeatureTable]: one column per criterion
            (in its unit, `TRUTH_CRITERIA`), declared-missing cells, and the categorical
            columns ``industry``, ``region``, ``size_band``.
        latent: ``(n,)`` true value ``v`` of each account (standard normal), in row order.
        standardized: ``(n, k)`` criteria on their standard scale ``s`` (before the unit
            transform), complete: the truth knows the values the table declares missing.
        criteria: The criterion names, in column order.
        loadings: ``lambda_j`` of each criterion.
        noise: ``sigma``, the noise scale.
        correlation: ``(k, k)`` correlation matrix ``R`` of the criteria's errors.
        missing: The probability that an eligible cell is declared missing.
        complete: The criteria never declared missing.
        seed: The seed it was drawn from.

    Examples:
        >>> from kamlib.synthetic import ground_truth_table
        >>> gt = ground_truth_table(200, seed=1, noise=0.5)
        >>> len(gt), gt.table.names[:2], gt.standardized.shape
        (200, ('profit', 'revenue'), (200, 12))
        >>> gt.true_top(3) == tuple(gt.ids[np.argsort(-gt.latent)[:3]])
        True
    """

    table: FeatureTable
    latent: FloatArray
    standardized: FloatArray
    criteria: tuple[str, ...]
    loadings: tuple[float, ...]
    noise: float
    correlation: FloatArray
    missing: float
    complete: tuple[str, ...]
    seed: int

    def __len__(self) -> int:
        return int(self.latent.shape[0])

    def __repr__(self) -> str:
        return (
            f"GroundTruth(n={len(self)}, criteria={len(self.criteria)}, noise={self.noise:g}, "
            f"missing={self.missing:g}, seed={self.seed})"
        )

    @property
    def ids(self) -> NDArray[np.object_]:
        """Account ids, in row order (the table's, read-only).

        Examples:
            >>> from kamlib.synthetic import ground_truth_table
            >>> ground_truth_table(2, seed=0).ids.tolist()
            ['A00000', 'A00001']
        """
        return self.table.ids

    def true_top(self, k: int) -> tuple[str, ...]:
        """The ``k`` accounts of highest latent value, best first (ties by id, ascending).

        Args:
            k: How many, 1 to ``len(self)``.

        Raises:
            InvalidTypeError: ``k`` is not an int.
            InvalidValueError: ``k`` outside ``[1, n]``.

        Examples:
            >>> from kamlib.synthetic import ground_truth_table
            >>> gt = ground_truth_table(50, seed=3)
            >>> top = gt.true_top(5)
            >>> len(top), gt.latent[gt.table.row_of(top[0])] == gt.latent.max()
            (5, np.True_)
        """
        k = check_int("GroundTruth.true_top.k", k, ge=1, le=len(self))
        perm = np.argsort(self.ids.astype(str), kind="stable")
        order = perm[np.argsort(-self.latent[perm], kind="stable")]
        return tuple(self.ids[order[:k]].tolist())

    def true_classes(self, shares: Sequence[float], labels: Sequence[str]) -> NDArray[np.object_]:
        """Each account's true class, by cuts of the latent value's distribution.

        Class ``m`` holds the accounts whose latent value lies between the standard-normal
        quantiles ``1 - (shares[0] + ... + shares[m])`` and ``1 - (shares[0] + ... +
        shares[m-1])``: an account's class depends on its own latent value only, and class
        sizes follow ``shares`` in expectation (not exactly). Best class first.

        Args:
            shares: Expected share of each class, positive, summing to 1.
            labels: One label per class, unique.

        Returns:
            A read-only ``(n,)`` object array of labels, in row order.

        Raises:
            InvalidTypeError: Shares or labels of the wrong type.
            InvalidValueError: A share outside (0, 1], shares not summing to 1, labels
                repeated or not one per share.

        Examples:
            >>> from kamlib.synthetic import ground_truth_table
            >>> gt = ground_truth_table(4000, seed=0)
            >>> cls = gt.true_classes((0.1, 0.9), ("key", "other"))
            >>> 0.08 < float((cls == "key").mean()) < 0.12
            True
            >>> gt.true_classes((0.5, 0.6), ("a", "b"))
            Traceback (most recent call last):
            ...
            kamlib.errors.InvalidValueError: GroundTruth.true_classes.shares: must sum to 1; \
got [0.5, 0.6]
        """
        cuts, names = _class_cuts("GroundTruth.true_classes", shares, labels)
        idx = np.zeros(len(self), dtype=np.intp)
        for c in cuts:
            idx += self.latent < c
        out = np.empty(len(self), dtype=object)
        out[:] = [names[i] for i in idx.tolist()]
        return _readonly(out)

    def implied_correlation(self) -> FloatArray:
        """The correlation of the standardized criteria that the model implies.

        ``corr(s_j, s_l) = (lambda_j lambda_l + sigma^2 R_jl) / sqrt((lambda_j^2 +
        sigma^2) (lambda_l^2 + sigma^2))``; the sample correlation of `standardized`
        approaches it as ``n`` grows.

        Examples:
            >>> from kamlib.synthetic import ground_truth_table
            >>> gt = ground_truth_table(10, seed=0, noise=1.0, criteria=["a", "b"])
            >>> gt.implied_correlation().tolist()  # (1 + 0) / (1 + 1)
            [[1.0, 0.5], [0.5, 1.0]]
        """
        lam = np.asarray(self.loadings, dtype=np.float64)
        var2 = self.noise * self.noise
        cov = np.outer(lam, lam) + var2 * self.correlation
        sd = np.sqrt(lam * lam + var2)
        out: FloatArray = cov / np.outer(sd, sd)
        np.fill_diagonal(out, 1.0)
        return out


def _names(path: str, value: object) -> tuple[str, ...]:
    value = unwrap_0d(value)
    if isinstance(value, str) or not isinstance(value, Sequence | np.ndarray):
        raise InvalidTypeError(path, value, "must be a sequence of column names")
    names = tuple(check_name(f"{path}[{i}]", v) for i, v in enumerate(value))
    if len(set(names)) != len(names):
        raise InvalidValueError(path, list(names), "must not repeat a name")
    return names


def _loadings(path: str, value: object, k: int, noise: float) -> tuple[float, ...]:
    value = unwrap_0d(value)
    if isinstance(value, Sequence | np.ndarray) and not isinstance(value, str):
        lam = tuple(
            check_real(f"{path}[{i}]", v, ge=0.0, le=_MAX_LOADING) for i, v in enumerate(value)
        )
        if len(lam) != k:
            raise InvalidValueError(path, list(lam), f"must hold {k} loadings (one per criterion)")
    else:
        lam = (check_real(path, value, ge=0.0, le=_MAX_LOADING),) * k
    if noise == 0.0 and any(v == 0.0 for v in lam):
        raise InvalidValueError(
            path, list(lam), "must be positive where noise is 0 (a criterion needs some variance)"
        )
    return lam


def _correlation(path: str, value: object, k: int) -> tuple[float | None, FloatArray]:
    """Validate ``value``: an equicorrelation (scalar) or a ``(k, k)`` matrix.

    Returns ``(rho, R)``: ``rho`` is ``None`` for a full matrix.
    """
    value = unwrap_0d(value)
    if isinstance(value, Sequence | np.ndarray) and not isinstance(value, str):
        try:
            R = np.array(value, dtype=np.float64)
        except (TypeError, ValueError):
            raise InvalidTypeError(path, value, "must be a real number or a matrix") from None
        if R.shape != (k, k):
            raise InvalidValueError(path, R.shape, f"must be a ({k}, {k}) matrix")
        if not np.isfinite(R).all():
            raise InvalidValueError(path, value, "must be finite")
        if np.abs(R - R.T).max() > 1e-12:
            raise InvalidValueError(path, value, "must be symmetric")
        if np.abs(np.diag(R) - 1.0).max() > 1e-12:
            raise InvalidValueError(path, np.diag(R).tolist(), "must have a unit diagonal")
        if np.abs(R).max() > 1.0:
            raise InvalidValueError(path, float(np.abs(R).max()), "must hold entries in [-1, 1]")
        low = float(np.linalg.eigvalsh(R).min())
        if low < -1e-10:
            raise InvalidValueError(
                path, low, "must be positive semi-definite (its smallest eigenvalue is negative)"
            )
        return None, _readonly(R)
    lo = -1.0 if k == 1 else -1.0 / (k - 1)
    rho = check_real(path, value, ge=-1.0, le=1.0)
    if rho < lo:
        raise InvalidValueError(
            path,
            value,
            f"must be in [{lo:g}, 1]: below, an equicorrelation of {k} criteria is not "
            "positive semi-definite",
        )
    R = np.full((k, k), rho)
    np.fill_diagonal(R, 1.0)
    return rho, _readonly(R)


def _errors(E: FloatArray, rho: float | None, R: FloatArray) -> FloatArray:
    """Unit-variance errors with correlation ``R`` from independent normals ``E`` ``(n, k)``.

    Equicorrelation ``rho``: ``x_j = sqrt(1 - rho) (E_j + c S)`` with ``S = sum_l E_l`` and
    ``c = (sqrt(1 + k t) - 1) / k``, ``t = rho / (1 - rho)``; ``rho = 1`` gives
    ``S / sqrt(k)`` in every column. Element-wise, left to right: the same bits anywhere.
    A full matrix uses ``R = Q diag(w) Q^T`` (``numpy.linalg.eigh``) and ``x = E (Q
    sqrt(w))^T``, summed column by column.
    """
    n, k = E.shape
    if rho is None:
        w, Q = np.linalg.eigh(R)
        L = Q * np.sqrt(np.clip(w, 0.0, None))
        out = np.zeros((n, k))
        for j in range(k):
            for m in range(k):
                out[:, j] += L[j, m] * E[:, m]
        return out
    if k == 1 or rho == 0.0:
        return E.copy()
    S = E[:, 0].copy()
    for j in range(1, k):
        S += E[:, j]
    if rho == 1.0:
        same: FloatArray = np.repeat((S / math.sqrt(k))[:, None], k, axis=1)
        return same
    t = rho / (1.0 - rho)
    c = (math.sqrt(max(0.0, 1.0 + k * t)) - 1.0) / k
    mixed: FloatArray = E + c * S[:, None]
    mixed *= math.sqrt(1.0 - rho)
    return mixed


def _draw_truth(
    rng: np.random.Generator,
    n: int,
    seed: int,
    noise: float,
    rho: float | None,
    R: FloatArray,
    missing: float,
    criteria: tuple[str, ...],
    loadings: tuple[float, ...],
    complete: tuple[str, ...],
) -> GroundTruth:
    """Draw one ground truth; the draws come in a fixed order (see ground_truth_table)."""
    k = len(criteria)
    v = rng.standard_normal(n)
    E = rng.standard_normal((n, k))
    U = rng.random((n, k))
    industry = rng.integers(len(INDUSTRIES), size=n)
    region = rng.integers(len(REGIONS), size=n)
    band_u = rng.random(n)
    e = _errors(E, rho, R)
    S = np.empty((n, k), dtype=np.float64)
    for j, lam in enumerate(loadings):
        z = lam * v + noise * e[:, j]
        S[:, j] = z / math.sqrt(lam * lam + noise * noise)
    can_miss = np.array([c not in complete for c in criteria])
    M = (missing > U) & can_miss[None, :]  # each eligible cell with probability `missing`
    cols: dict[str, object] = {}
    masks: dict[str, object] = {}
    for j, name in enumerate(criteria):
        col = _in_unit(name, S[:, j])
        col[M[:, j]] = np.nan
        cols[name] = col
        masks[name] = M[:, j]
    if "revenue" in criteria:
        band = np.searchsorted(np.array(_BAND_EDGES), S[:, criteria.index("revenue")])
    else:
        band = np.searchsorted(np.array(_BAND_SHARES), band_u)
    ids = [f"A{i:05d}" for i in range(n)]
    table = FeatureTable.from_columns(
        ids,
        cols,
        missing=masks,
        categorical={
            "industry": [INDUSTRIES[i] for i in industry.tolist()],
            "region": [REGIONS[i] for i in region.tolist()],
            "size_band": [_BANDS[i].value for i in band.tolist()],
        },
    )
    return GroundTruth(
        table=table,
        latent=_readonly(v),
        standardized=_readonly(S),
        criteria=criteria,
        loadings=loadings,
        noise=noise,
        correlation=R,
        missing=missing,
        complete=complete,
        seed=seed,
    )


def _truth_params(
    path: str,
    n: object,
    seed: object,
    noise: object,
    correlation: object,
    missing: object,
    criteria: object,
    loadings: object,
    complete: object,
) -> tuple[Any, ...]:
    n_ = check_int(f"{path}.n", n, ge=1)
    seed_ = check_int(f"{path}.seed", seed, ge=0)
    noise_ = check_real(f"{path}.noise", noise, ge=0.0, le=MAX_NOISE)
    missing_ = check_real(f"{path}.missing", missing, ge=0.0, lt=1.0)
    crit = tuple(TRUTH_CRITERIA) if criteria is None else _names(f"{path}.criteria", criteria)
    if not crit:
        raise InvalidValueError(f"{path}.criteria", [], "must name at least one criterion")
    lam = _loadings(f"{path}.loadings", loadings, len(crit), noise_)
    rho, R = _correlation(f"{path}.correlation", correlation, len(crit))
    if complete is None:
        done = tuple(c for c in DEFAULT_COMPLETE if c in crit)
    else:
        done = _names(f"{path}.complete", complete)
        for i, c in enumerate(done):
            if c not in crit:
                raise InvalidValueError(f"{path}.complete[{i}]", c, "is not one of the criteria")
    return n_, seed_, noise_, rho, R, missing_, crit, lam, done


def ground_truth_table(
    n: int,
    *,
    seed: int,
    noise: float = 1.0,
    correlation: float | Sequence[Sequence[float]] | NDArray[np.float64] = 0.0,
    missing: float = 0.0,
    criteria: Sequence[str] | None = None,
    loadings: float | Sequence[float] = 1.0,
    complete: Sequence[str] | None = None,
) -> GroundTruth:
    """Draw a feature table from a latent true value per account (kamlib's model).

    For account ``i`` and criterion ``j`` (``k`` criteria):

    * latent value ``v_i ~ N(0, 1)``, independent across accounts;
    * errors ``e_i ~ N(0, R)``, a ``k``-vector with unit variances and correlation ``R``
      (``correlation``: one number ``rho`` for every pair, or a full matrix);
    * criterion ``z_ij = lambda_j v_i + sigma e_ij`` (``lambda`` = ``loadings``,
      ``sigma`` = ``noise``), standardized to ``s_ij = z_ij / sqrt(lambda_j^2 +
      sigma^2)`` (mean 0, variance 1) and written in its feature's unit by an
      increasing transform (`TRUTH_CRITERIA`);
    * each cell of a criterion not in ``complete`` is declared missing with probability
      ``missing``, independently of everything (missing completely at random);
    * categorical columns: ``industry`` and ``region`` uniform, independent of ``v``;
      ``size_band`` from the revenue criterion's ``s`` at the standard-normal quantiles
      0.35 / 0.65 / 0.90 (35% small, 30% medium, 25% large, 10% enterprise, as
      `synthetic_portfolio`), or drawn with those shares when revenue is not a criterion.

    With ``noise=0`` every criterion is an increasing function of ``v``: any sensible
    method recovers the truth exactly. The correlation is that of the *errors*: correlated
    errors (a halo effect) do not average out across criteria, so they make the truth
    harder to recover at the same noise.

    **Reproducible.** Every draw comes from ``numpy.random.default_rng(seed)``, in a fixed
    order: ``v`` (``n``), the independent normals behind ``e`` (``(n, k)``), the missing
    uniforms (``(n, k)``), industry, region, the band uniforms. So the same seed gives the
    same bits, and tables that differ only in ``noise``, ``correlation``, ``loadings`` or
    ``missing`` share their draws (common random numbers: a recovery curve over noise
    levels compares like with like). After the draws only ``+ - * /`` and ``sqrt`` are used,
    correctly rounded everywhere; a full correlation matrix is factored with
    ``numpy.linalg.eigh``, whose last bits may depend on the LAPACK build.

    Args:
        n: Number of accounts, at least 1.
        seed: Seed of the random generator, a non-negative int.
        noise: ``sigma``, in ``[0, MAX_NOISE]``; default 1 (as much noise as signal).
        correlation: Error correlation: a number in ``[-1/(k-1), 1]`` (the range where an
            equicorrelation matrix is positive semi-definite), or a symmetric ``(k, k)``
            positive semi-definite matrix with a unit diagonal. Default 0.
        missing: Probability that an eligible cell is declared missing, in ``[0, 1)``.
        criteria: Criterion (column) names; default the keys of `TRUTH_CRITERIA`, the
            canonical features the built-in scorers read.
        loadings: ``lambda``: one non-negative number for every criterion, or one per
            criterion (at most 1e6); must be positive where ``noise`` is 0.
        complete: Criteria never declared missing; default those of `DEFAULT_COMPLETE`
            that are criteria. Each must be a criterion.

    Returns:
        A `GroundTruth`: the table, the latent values, the standardized criteria.

    Raises:
        InvalidTypeError: A parameter of the wrong type (the message names it).
        InvalidValueError: ``n < 1``, a negative seed, ``noise < 0``, ``missing`` outside
            ``[0, 1)``, a correlation outside its range or not positive semi-definite,
            loadings of the wrong length or sign, an unknown ``complete`` name.

    Examples:
        >>> import numpy as np
        >>> from kamlib.synthetic import ground_truth_table
        >>> a = ground_truth_table(300, seed=7, noise=0.5, correlation=0.3, missing=0.1)
        >>> b = ground_truth_table(300, seed=7, noise=0.5, correlation=0.3, missing=0.1)
        >>> np.array_equal(a.table.values, b.table.values, equal_nan=True)
        True
        >>> sorted(a.table.categorical)
        ['industry', 'region', 'size_band']
        >>> bool(a.table.is_missing("satisfaction").any()), bool(a.table.is_missing("profit").any())
        (True, False)
        >>> ground_truth_table(10, seed=0, correlation=-0.5)
        Traceback (most recent call last):
        ...
        kamlib.errors.InvalidValueError: ground_truth_table.correlation: must be in \
[-0.0909091, 1]: below, an equicorrelation of 12 criteria is not positive semi-definite; \
got -0.5
        >>> ground_truth_table(10, seed=0, noise=-1)
        Traceback (most recent call last):
        ...
        kamlib.errors.InvalidValueError: ground_truth_table.noise: must be a real number \
in [0, 1e+06]; got -1
    """
    path = "ground_truth_table"
    params = _truth_params(path, n, seed, noise, correlation, missing, criteria, loadings, complete)
    n_, seed_, noise_, rho, R, missing_, crit, lam, done = params
    return _draw_truth(
        np.random.default_rng(seed_), n_, seed_, noise_, rho, R, missing_, crit, lam, done
    )


@attrs.frozen(eq=False, repr=False)
class GroundTruthPortfolio:
    """A portfolio of domain objects built from a `GroundTruth`, with its latent values.

    Made by `ground_truth_portfolio`. ``truth.table`` holds the *design* features the
    records were written from; ``kamlib.features.extract_features(portfolio, as_of=as_of)``
    reads them back (equal up to cent rounding, or quantised where the records are
    counts: see `ground_truth_portfolio`).

    Attributes:
        portfolio: The [`Portfolio`][kamlib.model.Portfolio].
        truth: The ground truth the records come from (accounts in the same order).
        as_of: The moment the records lead up to.

    Examples:
        >>> import datetime as dt
        >>> from kamlib.synthetic import ground_truth_portfolio
        >>> as_of = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
        >>> gp = ground_truth_portfolio(5, seed=2, as_of=as_of)
        >>> [a.id for a in gp.portfolio.accounts] == gp.truth.ids.tolist()
        True
        >>> gp.latent.shape
        (5,)
    """

    portfolio: Portfolio
    truth: GroundTruth
    as_of: dt.datetime

    def __repr__(self) -> str:
        return f"GroundTruthPortfolio(n={len(self.truth)}, as_of={self.as_of.isoformat()})"

    @property
    def latent(self) -> FloatArray:
        """The latent true value of each account, in portfolio order (read-only).

        Examples:
            >>> import datetime as dt
            >>> from kamlib.synthetic import ground_truth_portfolio
            >>> as_of = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
            >>> gp = ground_truth_portfolio(3, seed=0, as_of=as_of)
            >>> gp.latent is gp.truth.latent
            True
        """
        return self.truth.latent

    def true_top(self, k: int) -> tuple[str, ...]:
        """The ``k`` accounts of highest latent value (`GroundTruth.true_top`).

        Examples:
            >>> import datetime as dt
            >>> from kamlib.synthetic import ground_truth_portfolio
            >>> as_of = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
            >>> gp = ground_truth_portfolio(10, seed=0, as_of=as_of)
            >>> gp.true_top(2) == gp.truth.true_top(2)
            True
        """
        return self.truth.true_top(k)


_NPS_RESPONSES: Final = 10
_COMMITMENTS: Final = 5
_WINDOW_QUARTERS: Final = 4
_FREQUENCY_DAYS: Final = 90  # relationship_features' default window
_DAYS_PER_MONTH: Final = 365.25 / 12
_SERVE_SHARE: Final = 0.05  # cost-to-serve, a share of revenue
_MAX_EXTRA_PURCHASES: Final = 4  # a quarter's revenue comes in 1 to 5 purchases


def ground_truth_portfolio(
    n: int,
    *,
    seed: int,
    as_of: dt.datetime,
    noise: float = 1.0,
    correlation: float | Sequence[Sequence[float]] | NDArray[np.float64] = 0.0,
    missing: float = 0.0,
    loadings: float | Sequence[float] = 1.0,
    currency: str = "CNY",
) -> GroundTruthPortfolio:
    """Draw a portfolio of domain objects whose features carry a latent true value.

    First the same draws as ``ground_truth_table(n, seed=seed, noise=noise,
    correlation=correlation, missing=missing, loadings=loadings, complete=...)`` with the
    default criteria, where only `OBJECT_MISSABLE` can be missing: ``truth`` is that
    table, the same bits. Then, from the same generator, the records that make
    [`extract_features`][kamlib.features.extract_features] (default ``periods=4``,
    ``network=True``) read the table's values back:

    * **figures**: eight quarters ending with the last complete one; the last four sum to
      ``revenue``, alternate ``revenue/4 * (1 +- c)`` with ``c = 1/purchase_stability - 1``
      (so their coefficient of variation is ``c``), and each nets ``profit/4`` after a
      cost-to-serve of 5% of revenue; the four before sum to ``revenue / (1 +
      revenue_growth)`` (none when growth is missing). Amounts are rounded to cents.
    * **satisfaction**: one survey with that score (none when missing).
    * **nps**: 10 responses whose NPS is ``nps`` rounded to a multiple of 10 (none when
      missing).
    * **cooperation_breadth**: ``round(value)`` areas, 1 to 8.
    * **commitment_fulfilment**: 5 closed commitments, ``round(5 * value)`` of them
      delivered and accepted, the rest broken (none when missing).
    * **interaction_frequency**: ``round(value * 90 / (365.25 / 12))`` interactions with
      the account's decision-maker in the last 90 days.
    * **strategic attributes**, industry, region and size band as in the table.
    * **purchases** ([`Purchase`][kamlib.model.Purchase]): each quarter's revenue split into
      ``1 + round(4 u)`` purchases (``u`` the sigmoid of the revenue criterion's ``s``, see
      `TRUTH_CRITERIA`), so both the amounts and the frequency follow the latent value;
      each purchase is dated uniformly within its quarter (never after ``as_of``), the
      amounts are a random (Dirichlet) split of the quarter's revenue in cents, adding up
      to it exactly.

    Each account has one customer decision-maker and one person of our staff (its
    executive sponsor). The quantised features differ from the table by at most half a
    step (NPS 5 points, breadth 0.5, fulfilment 0.1, frequency about 0.17 per month).

    Args:
        n: Number of accounts, at least 1.
        seed: Seed of the random generator, a non-negative int.
        as_of: Timezone-aware moment the records lead up to; nothing is dated after it.
        noise: As in `ground_truth_table`.
        correlation: As in `ground_truth_table`.
        missing: Probability that a cell of `OBJECT_MISSABLE` is missing, in ``[0, 1)``.
        loadings: As in `ground_truth_table`.
        currency: ISO currency of every amount.

    Returns:
        A `GroundTruthPortfolio`.

    Raises:
        InvalidTypeError: A parameter of the wrong type; a naive or non-datetime ``as_of``.
        InvalidValueError: As `ground_truth_table`.

    Examples:
        >>> import datetime as dt
        >>> from kamlib.features import extract_features
        >>> from kamlib.synthetic import ground_truth_portfolio
        >>> as_of = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
        >>> gp = ground_truth_portfolio(30, seed=4, as_of=as_of, noise=0.5)
        >>> t = extract_features(gp.portfolio, as_of=as_of)
        >>> bool(np.allclose(t.column("profit"), gp.truth.table.column("profit"), rtol=1e-6))
        True
        >>> t.column("satisfaction")[0] == gp.truth.table.column("satisfaction")[0]
        np.True_
        >>> first = gp.portfolio.accounts[0]
        >>> bought = sum(p.amount.amount for p in gp.portfolio.purchases_of(first.id))
        >>> round(bought, 2) == round(sum(f.revenue.amount for f in first.figures), 2)
        True
    """
    path = "ground_truth_portfolio"
    check_aware_datetime(f"{path}.as_of", as_of)
    crit = tuple(TRUTH_CRITERIA)
    done = tuple(c for c in crit if c not in OBJECT_MISSABLE)
    params = _truth_params(path, n, seed, noise, correlation, missing, crit, loadings, done)
    n_, seed_, noise_, rho, R, missing_, crit, lam, done = params
    rng = np.random.default_rng(seed_)
    truth = _draw_truth(rng, n_, seed_, noise_, rho, R, missing_, crit, lam, done)
    gen = _TruthWriter(rng, as_of, currency)
    for i in range(n_):
        gen.account(truth, i)
    portfolio = Portfolio(
        accounts=gen.accounts,
        people=gen.people,
        relationships=gen.relationships,
        commitments=gen.commitments,
        interactions=gen.interactions,
        purchases=gen.purchases,
    )
    return GroundTruthPortfolio(portfolio=portfolio, truth=truth, as_of=as_of)


class _TruthWriter(_Records):
    """Writes the records of a `GroundTruthPortfolio`, account by account (private)."""

    def __init__(self, rng: np.random.Generator, as_of: dt.datetime, cur: str) -> None:
        q = Quarter.containing(as_of.date())
        last = q if as_of.date() == q.end else q.previous()  # extract_features' window rule
        super().__init__(rng, as_of, cur, last, 2 * _WINDOW_QUARTERS)
        self.purchases: list[Purchase] = []

    def _at(self, lo: float, hi: float) -> dt.datetime:
        return self.as_of - dt.timedelta(days=float(self.rng.uniform(lo, hi)))

    def _money(self, x: float) -> Money:
        return Money(round(x, 2), self.cur)

    def _purchases(self, aid: str, figures: list[PeriodFigures], u: float) -> None:
        """Split each quarter's revenue into ``1 + round(4 u)`` purchases dated in it."""
        rng = self.rng
        count = 1 + round(_MAX_EXTRA_PURCHASES * u)
        for f in sorted(figures, key=lambda f: (f.period.year, f.period.quarter)):
            q = f.period
            cents = round(f.revenue.amount * 100)
            parts = np.floor(rng.dirichlet(np.ones(count)) * cents).astype(np.int64)
            parts[-1] = cents - int(parts[:-1].sum())  # the parts add up to the revenue
            days = (q.end - q.start).days + 1
            first = dt.datetime(q.start.year, q.start.month, q.start.day, tzinfo=self.as_of.tzinfo)
            moments = sorted(float(d) for d in rng.uniform(0.0, days, count))
            for m, (c, d) in enumerate(zip(parts.tolist(), moments, strict=True)):
                at = min(first + dt.timedelta(days=d), self.as_of)
                self.purchases.append(
                    Purchase(
                        f"{aid}-P{q.year}{q.quarter}-{m}",
                        aid,
                        at,
                        Money(c / 100, self.cur),
                        area=None,
                    )
                )

    def account(self, truth: GroundTruth, i: int) -> None:
        rng = self.rng
        table = truth.table
        aid = str(table.ids[i])

        def value(name: str) -> float | None:
            return None if table.is_missing(name)[i] else float(table.column(name)[i])

        revenue, profit = value("revenue"), value("profit")
        stability, growth = value("purchase_stability"), value("revenue_growth")
        assert revenue is not None  # complete: not in OBJECT_MISSABLE
        assert profit is not None
        assert stability is not None
        figures = []
        c = 1.0 / stability - 1.0
        for j, q in enumerate(self.quarters[_WINDOW_QUARTERS:]):
            r = revenue / _WINDOW_QUARTERS * (1.0 + (c if j in (0, 3) else -c))
            serve = _SERVE_SHARE * r
            figures.append(
                PeriodFigures(
                    q,
                    self._money(r),
                    self._money(profit / _WINDOW_QUARTERS + serve),
                    self._money(serve),
                )
            )
        if growth is not None:
            before = revenue / (1.0 + growth) / _WINDOW_QUARTERS
            net = profit / revenue * before
            for q in self.quarters[:_WINDOW_QUARTERS]:
                serve = _SERVE_SHARE * before
                figures.append(
                    PeriodFigures(
                        q, self._money(before), self._money(net + serve), self._money(serve)
                    )
                )
        u = float(_sigmoid(truth.standardized[i : i + 1, truth.criteria.index("revenue")])[0])
        self._purchases(aid, figures, u)
        dm, staff = f"{aid}-C0", f"{aid}-S0"
        self.people.append(
            KeyPerson(
                dm,
                f"Customer {aid}",
                Side.CUSTOMER,
                account_id=aid,
                title="decision maker",
                role=DecisionRole.DECISION_MAKER,
                portrait=Portrait(*(float(x) for x in np.round(rng.uniform(0, 10, 3), 1))),
            )
        )
        self.people.append(KeyPerson(staff, f"Staff {aid}", Side.OUR_STAFF, account_id=aid))
        self.relationships.append(Relationship(staff, dm, "influences", 0.5))
        sat = value("satisfaction")
        surveys = () if sat is None else (SatisfactionSurvey(self._at(1, 300), sat),)
        nps_value = value("nps")
        responses: list[NpsResponse] = []
        if nps_value is not None:
            net_count = round(nps_value / (100 / _NPS_RESPONSES))
            for r_i in range(_NPS_RESPONSES):
                if r_i < abs(net_count):
                    score = int(rng.integers(9, 11)) if net_count > 0 else int(rng.integers(0, 7))
                else:
                    score = int(rng.integers(7, 9))
                responses.append(NpsResponse(self._at(1, 300), score, None))
        breadth = value("cooperation_breadth")
        assert breadth is not None
        areas = rng.choice(AREAS, min(len(AREAS), max(1, round(breadth))), replace=False)
        fit = [value(f) for f in ("strategic_fit", "value_potential", "resource_complementarity")]
        assert None not in fit
        strategic = StrategicAttributes(*(float(x) for x in fit if x is not None))
        self.accounts.append(
            Account(
                id=aid,
                name=f"Account {aid}",
                industry=str(table.categorical["industry"][i]),
                region=str(table.categorical["region"][i]),
                size_band=str(table.categorical["size_band"][i]),
                cooperation_start=self.quarters[0].start
                - dt.timedelta(days=int(rng.integers(1, 1500))),
                figures=figures,
                strategic=strategic,
                cooperation_areas=tuple(sorted(areas.tolist())),
                surveys=surveys,
                nps=tuple(responses),
                renewal_intent=RenewalIntent.YES,
                executive_sponsor_id=staff,
            )
        )
        freq = value("interaction_frequency")
        assert freq is not None
        for m in range(round(freq * _FREQUENCY_DAYS / _DAYS_PER_MONTH)):
            self.interactions.append(
                Interaction(
                    id=f"{aid}-I{m}",
                    account_id=aid,
                    at=self._at(0.5, _FREQUENCY_DAYS - 0.5),
                    our_people=(staff,),
                    their_people=(dm,),
                    channel=_CHANNELS[int(rng.integers(len(_CHANNELS)))],
                    level=_LEVELS[int(rng.integers(len(_LEVELS)))],
                    outcome=_OUTCOMES[int(rng.integers(len(_OUTCOMES)))],
                )
            )
        fulfil = value("commitment_fulfilment")
        if fulfil is not None:
            good = round(fulfil * _COMMITMENTS)
            day = dt.timedelta(days=1)
            for m in range(_COMMITMENTS):
                t0 = self._at(40, 300)
                com = Commitment.propose(
                    f"{aid}-K{m}", aid, f"Deliverable {m} for {aid}", staff,
                    due=t0 + 25 * day, required_capacity=float(rng.integers(1, 30)), at=t0,
                )  # fmt: skip
                com = com.transition("committed", t0 + day).transition("in_progress", t0 + 2 * day)
                if m < good:
                    com = com.transition("delivered", t0 + 20 * day).accept(t0 + 22 * day, "ok")
                else:
                    com = com.transition("broken", t0 + 26 * day)
                self.commitments.append(com)
