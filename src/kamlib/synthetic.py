"""Seeded synthetic portfolios: the built-in data of the demo, the docs and the benchmarks.

Everything is drawn from ``numpy.random.default_rng(seed)``: the same ``(n_accounts, seed,
as_of)`` always gives the same portfolio, on any machine. Nothing is read from files.

The data is plausible, not realistic: sizes follow the size band, a few accounts decline
two quarters running, some carry the source's red/yellow triggers (a key decision-maker who
left, a frozen budget, a competitor, satisfaction below 70, unclear renewal intent), so every
rule of the scorers has something to fire on.

Examples:
    >>> import datetime as dt
    >>> from kamlib.synthetic import synthetic_portfolio
    >>> p = synthetic_portfolio(3, seed=0, as_of=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    >>> [a.id for a in p.accounts]
    ['A00000', 'A00001', 'A00002']
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from kamlib.errors import InvalidTypeError, InvalidValueError
from kamlib.model import (
    Account,
    Commitment,
    DecisionRole,
    Interaction,
    KeyPerson,
    Money,
    NpsResponse,
    Opportunity,
    PeriodFigures,
    Portfolio,
    Portrait,
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

__all__ = ["synthetic_portfolio"]

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


def synthetic_portfolio(
    n_accounts: int,
    *,
    seed: int,
    as_of: dt.datetime,
    currency: str = "CNY",
    quarters: int = 8,
) -> Portfolio:
    """Draw a referentially consistent synthetic portfolio.

    Args:
        n_accounts: Number of accounts (>= 0).
        seed: Seed of the random generator (the only source of randomness).
        as_of: Timezone-aware moment the data leads up to; nothing is dated after it.
        currency: ISO currency of every amount.
        quarters: Complete quarters of figures per account, ending before ``as_of``.

    Returns:
        A [`Portfolio`][kamlib.model.Portfolio] with accounts, people (customer side, our staff,
        competitor staff), reporting and influence relationships, interactions,
        commitments and opportunities.

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
    gen = _Generator(rng, as_of, currency, quarters)
    for i in range(n_accounts):
        gen.account(i)
    return Portfolio(
        accounts=gen.accounts,
        people=gen.people,
        relationships=gen.relationships,
        commitments=gen.commitments,
        interactions=gen.interactions,
        opportunities=gen.opportunities,
    )


class _Generator:
    """Accumulates the records of one synthetic portfolio (private, not thread-safe)."""

    def __init__(self, rng: np.random.Generator, as_of: dt.datetime, cur: str, nq: int) -> None:
        self.rng = rng
        self.as_of = as_of
        self.cur = cur
        last = Quarter.containing(as_of.date()).previous()
        qs = [last]
        for _ in range(nq - 1):
            qs.append(qs[-1].previous())
        self.quarters = qs[::-1]
        self.accounts: list[Account] = []
        self.people: list[KeyPerson] = []
        self.relationships: list[Relationship] = []
        self.commitments: list[Commitment] = []
        self.interactions: list[Interaction] = []
        self.opportunities: list[Opportunity] = []

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
            if end < 0.6:
                c = c.transition("delivered", t0 + 20 * day).accept(t0 + 22 * day, "ok")
            elif end < 0.75:
                c = c.transition("broken", t0 + 26 * day)
            elif end < 0.9:
                c = c.warn(t0 + 10 * day, t0 + 15 * day, "supplier delay")
            self.commitments.append(c)
