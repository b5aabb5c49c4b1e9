"""The portfolio review of ``kamlib.operations.review`` at 20 000 accounts.

What issue 11 asks for: ``review`` on the 20 000-account benchmark portfolio, its time,
its doubling ratio 10 000 -> 20 000 (target <= 2.2), and its time against
``relationship_features`` + ``portfolio_red_flags`` on the same portfolio (target <= 2).

The portfolio is the network benchmark's (``bench_network.build``: about 30 people per
account, ~51 relationships, ~3.5 interactions) with what the review's other rules read
added per account, drawn from a second seeded generator: 8 quarters of figures, a
strategic assessment (90 % of accounts), a satisfaction survey, 0-3 NPS answers, 0-3
commitments in
assorted states with weekly-ish progress updates and some risk warnings, and a complaint
for one account in five (one in seven of those through the red channel).

Rows (full sizes; smoke sizes in brackets, which give no verdict):

* ``review cold: vs network pair`` at 20 000 [400]: ``review`` against the pair
  ``relationship_features`` + ``portfolio_red_flags``, interleaved, best of ``k``; both
  cold (the coded network arrays cached on the portfolio are dropped before every run,
  as on a fresh portfolio). Target: <= 2.
* ``review cold: doubling``: ``review`` at 20 000 against 10 000 [400 / 200], both cold.
  Target: <= 2.2.
* ``review cold: time``: the best cold ``review`` at 20 000, for scale (absolute).

Timings: ``_timing.compare``, interleaved, best of ``k`` (3; smoke 1; ``-k`` sets it);
every run starts cold (the portfolio's cached arrays dropped) from a collected heap (see
``_clear``).
Run alone with ``python benchmarks/run.py --only operations [--smoke]``.
"""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Callable

import attrs
import numpy as np

from _timing import Row, compare, main, single
from bench_network import AS_OF, build
from kamlib.model import (
    Commitment,
    Complaint,
    Money,
    NpsResponse,
    PeriodFigures,
    Portfolio,
    Quarter,
    SatisfactionSurvey,
    StrategicAttributes,
)
from kamlib.network import portfolio_red_flags, relationship_features
from kamlib.operations import review

BENCH = "operations"
RATIO_TARGET = 2.0
DOUBLING_TARGET = 2.2
_DAY = dt.timedelta(days=1)
_HOUR = dt.timedelta(hours=1)


def _quarters(n: int) -> list[Quarter]:
    q = Quarter.containing(AS_OF.date()).previous()
    out = [q]
    for _ in range(n - 1):
        out.append(out[-1].previous())
    return out[::-1]


def _commitments(rng: np.random.Generator, aid: str, owner: str) -> list[Commitment]:
    out = []
    for k in range(int(rng.integers(0, 4))):
        t0 = AS_OF - float(rng.uniform(20, 200)) * _DAY
        c = Commitment.propose(
            f"{aid}-K{k}", aid, "deliverable", owner, t0 + 25 * _DAY, float(rng.integers(1, 20)),
            at=t0,
        )  # fmt: skip
        c = c.transition("committed", t0 + _DAY).transition("in_progress", t0 + 2 * _DAY)
        for w in range(1, int(rng.integers(0, 4)) + 1):
            if t0 + 7 * w * _DAY < AS_OF:
                c = c.report_progress(t0 + 7 * w * _DAY, "sync")
        end = rng.random()
        last = max([c.history[-1].at, *(u.at for u in c.progress_updates)])
        at = min(max(last, t0 + 20 * _DAY), AS_OF)
        if end < 0.55:
            c = c.transition("delivered", at).accept(min(at + _DAY, AS_OF), "ok")
        elif end < 0.7:
            c = c.transition("broken", max(at, min(t0 + 26 * _DAY, AS_OF)))
        elif end < 0.85:
            c = c.warn(at, at + 3 * _DAY, "supplier delay")
        out.append(c)
    return out


def _complaint(rng: np.random.Generator, aid: str, owner: str) -> Complaint:
    received = AS_OF - float(rng.uniform(1, 120)) * _DAY
    red = rng.random() < 1 / 7

    def by_as_of(t: dt.datetime) -> dt.datetime | None:
        return t if t <= AS_OF else None  # nothing is recorded after the review

    ack = by_as_of(received + float(rng.uniform(0.5, 4)) * _HOUR)
    plan = by_as_of(received + float(rng.uniform(6, 36)) * _HOUR)
    n_options = int(rng.integers(1, 5)) if plan is not None else 0
    senior = by_as_of(received + float(rng.uniform(6, 40)) * _HOUR) if red else None
    resolved = by_as_of(received + float(rng.uniform(2, 20)) * _DAY)
    return Complaint(
        f"{aid}-Q0",
        aid,
        owner,
        received,
        "service complaint",
        channel="red" if red else "standard",
        acknowledged_at=ack,
        first_plan_at=plan,
        options=tuple(f"option {j}" for j in range(n_options)),
        options_at=plan if n_options else None,
        senior_on_site_at=senior,
        improvement_commitment="written plan" if red and rng.random() < 0.8 else "",
        resolved_at=resolved,
    )


def with_operations(p: Portfolio, seed: int = 1) -> Portfolio:
    """``p`` with the records the review's other rules read, drawn from ``seed``."""
    rng = np.random.default_rng(seed)
    quarters = _quarters(8)
    staff = {person.account_id: person.id for person in reversed(p.people)
             if person.side.value == "our_staff"}  # fmt: skip
    accounts = []
    commitments: list[Commitment] = []
    complaints: list[Complaint] = []
    for a in p.accounts:
        level = float(rng.uniform(2e5, 2e6))
        figures = tuple(
            PeriodFigures(
                q,
                Money(round(level * float(rng.uniform(0.8, 1.2))), "CNY"),
                Money(round(level * 0.3), "CNY"),
                Money(round(level * 0.1), "CNY"),
            )
            for q in quarters
        )
        strategic = (
            StrategicAttributes(*(float(x) for x in rng.integers(0, 11, 3)))
            if rng.random() < 0.9
            else None
        )
        survey = (SatisfactionSurvey(AS_OF - 30 * _DAY, float(rng.integers(40, 100))),)
        nps = tuple(
            NpsResponse(AS_OF - float(rng.uniform(1, 300)) * _DAY, int(rng.integers(0, 11)))
            for _ in range(int(rng.integers(0, 4)))
        )
        accounts.append(
            attrs.evolve(a, figures=figures, strategic=strategic, surveys=survey, nps=nps)
        )
        owner = staff[a.id]
        commitments += _commitments(rng, a.id, owner)
        if rng.random() < 0.2:
            complaints.append(_complaint(rng, a.id, owner))
    return attrs.evolve(p, accounts=accounts, commitments=commitments, complaints=complaints)


def _portfolio(n: int) -> Portfolio:
    gc.collect()
    gc.disable()
    try:
        p = with_operations(build(n))
    finally:
        gc.enable()
    gc.collect()
    return p


def _clear(*portfolios: Portfolio) -> Callable[[], None]:
    def clear() -> None:
        for p in portfolios:
            p._index.derived.clear()
        # Each run starts from a collected heap. A review leaves ~300 000 tracked objects
        # (alerts, account rows) that survive into the oldest generation; CPython runs a
        # full collection (~3 million portfolio objects, ~1 s) once the survivors since the
        # last one pass a quarter of the heap, i.e. during every fourth run or so, whatever
        # that run does. Charging it to the run that crosses the line was noise (best-of-3
        # figures of the same call differed by 1.4x between rows); each run still pays the
        # young-generation collections its own allocations cause.
        gc.collect()

    return clear


def _pair(p: Portfolio) -> object:
    return relationship_features(p, as_of=AS_OF), portfolio_red_flags(p, as_of=AS_OF)


def run(smoke: bool, k: int | None = None) -> list[Row]:
    """Review against the network pair, the doubling, and the review's time."""
    n = 400 if smoke else 20_000
    half = n // 2
    k = k or (1 if smoke else 3)
    verdict = not smoke
    at_n, at_half = _portfolio(n), _portfolio(half)
    vs_pair = compare(
        BENCH,
        "review cold: vs network pair",
        n,
        lambda: review(at_n, as_of=AS_OF),
        lambda: _pair(at_n),
        baseline_name="relationship_features + portfolio_red_flags, cold",
        k=k,
        setup=_clear(at_n),
        target=RATIO_TARGET,
        verdict=verdict,
        note="issue 11: review within 2x the network pair on the same portfolio",
    )
    doubling = compare(
        BENCH,
        "review cold: doubling",
        n,
        lambda: review(at_n, as_of=AS_OF),
        lambda: review(at_half, as_of=AS_OF),
        baseline_name=f"review cold at n={half}",
        k=k,
        setup=_clear(at_n, at_half),
        target=DOUBLING_TARGET,
        verdict=verdict,
        note="time(2n)/time(n), 2.0 = linear; both cold",
    )
    records = len(at_n.commitments) + len(at_n.complaints) + len(at_n.interactions)
    time = single(
        BENCH,
        "review cold: time",
        n,
        vs_pair["seconds"],
        runs=vs_pair["runs"],
        note=f"best cold review of the first row, for scale; {records} commitments, "
        f"complaints and interactions; {len(review(at_n, as_of=AS_OF).alerts)} alerts",
    )
    return [vs_pair, doubling, time]


if __name__ == "__main__":
    raise SystemExit(main(run))
