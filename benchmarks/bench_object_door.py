"""The object door: extract_features on N accounts vs a bare Python loop over the same attributes.

Both sides read the same attributes of the same domain objects (quarterly figures, surveys,
strategic attributes, risk signals, renewal intent); the bare loop just sums them into
Python lists without masks, validation or vectorised post-processing. The ratio says what
the object door costs over the cheapest possible pass over the objects. Timings:
:func:`_timing.compare`, bare loop and candidate interleaved, best of ``k`` each; the
portfolio build is timed once, for scale.
"""

from __future__ import annotations

import datetime as dt
import time

import numpy as np

from _timing import Row, compare, main, single
from kamlib.features import extract_features
from kamlib.model import (
    Account,
    Money,
    PeriodFigures,
    Portfolio,
    Quarter,
    RiskSignal,
    SatisfactionSurvey,
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


def _bare_loop(p: Portfolio) -> list[tuple[float, ...]]:
    """The same attribute reads as extract_features, in the plainest Python."""
    rows = []
    for a in p.accounts:
        revenue = profit = 0.0
        for f in a.figures[-4:]:
            revenue += f.revenue.amount
            profit += f.profit_contribution.amount - f.cost_to_serve.amount
        sat = a.surveys[-1].score if a.surveys else 0.0
        s = a.strategic
        fit = s.strategic_fit if s is not None else 0.0
        risks = sum(1 for r in a.risk_signals if r.at <= AS_OF)
        rows.append((revenue, profit, sat, fit, float(risks), float(len(a.cooperation_areas))))
    return rows


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
