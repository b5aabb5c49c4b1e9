"""The object door: extract_features on N accounts vs a bare Python loop over the same attributes.

Both sides read the same attributes of the same domain objects (every quarterly figure, for
the two windows and the lifetime profit; surveys; NPS responses; cooperation areas;
commitment histories; strategic attributes; risk signals; people; renewal intent; the
categorical labels); the bare loop just sums them into Python lists without masks,
validation or vectorised post-processing (see :func:`_bare_loop`). The ratio says what
the object door costs over the cheapest possible pass over the objects. Timings:
:func:`_timing.compare`, bare loop and candidate interleaved, best of ``k`` each; the
portfolio build is timed once, for scale.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Sequence

import numpy as np

from _timing import Row, compare, main, single
from kamlib.features import extract_features
from kamlib.model import (
    Account,
    Commitment,
    CommitmentState,
    DecisionRole,
    Money,
    PeriodFigures,
    Portfolio,
    Quarter,
    RiskSignal,
    SatisfactionSurvey,
    Side,
    StrategicAttributes,
)
from kamlib.scoring import Criterion, WeightedPoints

AS_OF = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def _portfolio(n: int, seed: int = 0) -> Portfolio:
    """Accounts only (no people): the object door's per-account work, at scale."""
    rng = np.random.default_rng(seed)
    quarters = [Quarter(2024, 1)]
    for _ in range(7):
        quarters.append(quarters[-1].next())
    rev = rng.lognormal(12, 0.6, (n, 8)).round(2)
    strat = rng.uniform(0, 10, (n, 3)).round(1)
    sat = rng.normal(78, 10, n).clip(0, 100).round()
    accounts = []
    for i in range(n):
        figs = tuple(
            PeriodFigures(
                q,
                Money(float(r), "CNY"),
                Money(float(r) * 0.3, "CNY"),
                Money(float(r) * 0.1, "CNY"),
            )
            for q, r in zip(quarters, rev[i], strict=True)
        )
        risks = (RiskSignal("late_delivery", AS_OF - dt.timedelta(days=3)),) if i % 10 == 0 else ()
        accounts.append(
            Account(
                id=f"A{i}",
                name=f"Account {i}",
                industry="retail",
                region="east",
                size_band="large",
                cooperation_start=dt.date(2020, 1, 1),
                figures=figs,
                strategic=StrategicAttributes(*map(float, strat[i])),
                cooperation_areas=("erp", "crm"),
                surveys=(SatisfactionSurvey(AS_OF - dt.timedelta(days=30), float(sat[i])),),
                renewal_intent="yes",
                risk_signals=risks,
            )
        )
    return Portfolio(accounts=tuple(accounts))


def _bare_loop(p: Portfolio) -> dict[str, Sequence[object]]:
    """The same attribute reads as ``extract_features(network=False)``, in the plainest Python.

    Everything extract_features reads, read the same way, no fewer: each figure's period
    and amounts (the two windows of 4 quarters, and the lifetime profit since the quarter
    of cooperation_start), the latest survey at or before as_of, the NPS responses in the
    last 365 days, the cooperation areas, every commitment's state as of as_of (walking its
    history), the strategic attributes, the risk signals open at as_of, the set of accounts
    whose customer decision-maker left (from people), the renewal intent, the id and the
    industry / size_band / region labels. Scalars are summed or appended into flat Python
    lists, one per output, as extract_features fills its columns; no masks, no validation,
    no numpy.
    """
    as_of = AS_OF
    nps_from = as_of - dt.timedelta(days=365)
    day = as_of.date()
    q = Quarter.containing(day)
    last = q.year * 4 + q.quarter - 1 - (day != q.end)  # the last complete quarter
    first = last - 7  # two windows of 4 quarters
    by_account: dict[str, list[Commitment]] = {}
    for c in p.commitments:
        by_account.setdefault(c.account_id, []).append(c)
    gone = {
        person.account_id
        for person in p.people
        if person.side is Side.CUSTOMER
        and person.role is DecisionRole.DECISION_MAKER
        and person.left_on is not None
        and person.left_on <= day
    }
    ids: list[str] = []
    quarters: list[int] = []
    revenue: list[float] = []
    profit: list[float] = []
    lifetime: list[float] = []
    satisfaction: list[float | None] = []
    promoters: list[int] = []
    detractors: list[int] = []
    responses: list[int] = []
    breadth: list[int] = []
    good: list[int] = []
    bad: list[int] = []
    fit: list[float | None] = []
    potential: list[float | None] = []
    complementarity: list[float | None] = []
    risks: list[int] = []
    risk_kinds: list[str] = []
    dm_left: list[bool] = []
    renewal: list[object] = []
    industry: list[str] = []
    size_band: list[str] = []
    region: list[str] = []
    for a in p.accounts:
        ids.append(a.id)
        start = a.cooperation_start.year * 4 + (a.cooperation_start.month - 1) // 3
        life = 0.0
        for f in a.figures:
            fq = f.period.year * 4 + f.period.quarter - 1
            net = f.profit_contribution.amount - f.cost_to_serve.amount
            if first <= fq <= last:
                quarters.append(fq)
                revenue.append(f.revenue.amount)
                profit.append(net)
            if start <= fq <= last:
                life += net
        lifetime.append(life)
        latest = None
        for s in a.surveys:
            if s.at <= as_of and (latest is None or s.at >= latest.at):
                latest = s
        satisfaction.append(None if latest is None else latest.score)
        n_pro = n_det = n_all = 0
        for r in a.nps:
            if nps_from < r.at <= as_of:
                n_all += 1
                n_pro += r.score >= 9
                n_det += r.score <= 6
        promoters.append(n_pro)
        detractors.append(n_det)
        responses.append(n_all)
        breadth.append(len(a.cooperation_areas))
        n_good = n_bad = 0
        for c in by_account.get(a.id, ()):
            state = None
            for step in c.history:
                if step.at > as_of:
                    break
                state = step.to_state
            n_good += state is CommitmentState.DELIVERED or state is CommitmentState.ACCEPTED
            n_bad += state is CommitmentState.BROKEN
        good.append(n_good)
        bad.append(n_bad)
        st = a.strategic
        fit.append(None if st is None else st.strategic_fit)
        potential.append(None if st is None else st.value_potential)
        complementarity.append(None if st is None else st.resource_complementarity)
        n_open = 0
        for sig in a.risk_signals:
            if sig.at <= as_of and (sig.resolved_at is None or as_of < sig.resolved_at):
                n_open += 1
                risk_kinds.append(sig.kind)
        risks.append(n_open)
        dm_left.append(a.id in gone)
        renewal.append(a.renewal_intent)
        industry.append(a.industry)
        size_band.append(str(a.size_band))
        region.append(a.region)
    return {
        "ids": ids,
        "quarters": quarters,
        "revenue": revenue,
        "profit": profit,
        "lifetime": lifetime,
        "satisfaction": satisfaction,
        "promoters": promoters,
        "detractors": detractors,
        "responses": responses,
        "breadth": breadth,
        "good": good,
        "bad": bad,
        "fit": fit,
        "potential": potential,
        "complementarity": complementarity,
        "risks": risks,
        "risk_kinds": risk_kinds,
        "dm_left": dm_left,
        "renewal": renewal,
        "industry": industry,
        "size_band": size_band,
        "region": region,
    }


def run(smoke: bool, k: int | None = None) -> list[Row]:
    """Measure extract_features (objects -> FeatureTable) against the bare loop."""
    n = 2_000 if smoke else 100_000
    k = k or (2 if smoke else 5)
    t0 = time.perf_counter()
    p = _portfolio(n)
    build = time.perf_counter() - t0
    criteria = [Criterion(f) for f in ("revenue", "profit", "satisfaction", "strategic_fit")]
    points = WeightedPoints(criteria).fit(extract_features(p, as_of=AS_OF, network=False))
    bare = "bare Python loop over the same attributes"
    return [
        single(
            "object_door",
            "build portfolio (validated objects)",
            n,
            build,
            note="construction + validation of every object, for scale (timed once)",
        ),
        compare(
            "object_door",
            "extract_features vs bare attribute loop",
            n,
            lambda: extract_features(p, as_of=AS_OF, network=False),
            lambda: _bare_loop(p),
            baseline_name=bare,
            k=k,
            note="ratio = extract_features / plain loop over the same attributes",
        ),
        compare(
            "object_door",
            "extract_features + weighted points score vs bare loop",
            n,
            lambda: points.score(extract_features(p, as_of=AS_OF, network=False)),
            lambda: _bare_loop(p),
            baseline_name=bare,
            k=k,
            note="the whole object door: objects -> FeatureTable -> pinned kernel",
        ),
    ]


if __name__ == "__main__":
    raise SystemExit(main(run))
