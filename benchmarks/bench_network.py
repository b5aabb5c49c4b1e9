"""Whole-portfolio stakeholder-network analysis: relationship features and red flags.

What issue 9 asks for, measured on the seeded synthetic portfolio of :func:`build`: about
30 people per account (customer decision chain, two of our staff, sometimes a
competitor), ~51 relationships and ~3.5 interactions. The analysed **pair** is
``relationship_features`` then ``portfolio_red_flags``, on all accounts at once. Both run
on integer-coded arrays derived from the records on first use and cached on the
portfolio (``kamlib.network._coded.coded``): a **cold** run clears that cache first (an
untimed ``setup`` before every run, see :func:`_timing.interleaved`), so it pays the
derivation, as the first call on a fresh portfolio does; a **warm** run reuses it.

Rows (full sizes; smoke sizes in brackets, which give no verdict):

* ``pair cold: budget`` at 20 000 accounts [400]: the best cold run of the next row
  against the issue's absolute budget of 2 s (``_timing.single`` with
  ``seconds_target``: ``ratio`` = seconds / 2 s, ``met`` = within budget). The budget
  is an absolute time, so it depends on the machine; the ratios below do not.
* ``pair cold: vs bare object loop`` and ``pair warm: vs bare object loop`` at 20 000
  [400]: against :func:`_bare_loop`, a plain Python pass reading every attribute the
  analyses read (the floor of any analysis that starts from the objects). Informative.
* ``pair cold: doubling``: 20 000 accounts against 10 000 [400 / 200], both cold,
  interleaved: ``ratio`` = time(2n) / time(n), 2 = linear. Target: <= 2.2.
* ``pair cold: 100k vs 20k`` and ``pair warm: 100k vs 20k``: 100 000 accounts
  (~8.5M records) [100] against 20 000 [400]; ``ratio`` 5 = linear. Informative. The
  cold row also carries memory: ``peak_mib``, the ``tracemalloc`` peak of one more cold
  pair at 100 000 accounts (numpy reports its buffers to tracemalloc; traced once,
  outside the timings, as tracing slows Python allocations about threefold),
  ``retained_mib`` (what stays after it: the cached arrays and the two results) and
  ``portfolio_mib``, the portfolio's own size for scale (``tracemalloc`` around building
  the 1 000-account sample below, times 100: the generator draws account by account,
  so the size grows linearly).
* ``pair cold: vs per-account networkx`` at 1 000 accounts [50]: against the path the
  arrays replaced, one networkx graph per account (``reference_features`` of
  ``tests/network/test_wide.py`` plus per-account ``red_flags``). Informative.
* ``build (fixture)``: building the 100 000-account portfolio, timed once, for scale.

Timings: :func:`_timing.compare`, candidate and baseline interleaved, best of ``k``
each: by default ``k = 3`` at 20 000 and 10 000 accounts, ``k = 2`` for the networkx
row and ``k = 1`` at 100 000 (smoke: 2, 1, 1; ``-k`` sets all). At full size cold rows
have no warm-up run (each run is cold by construction) and warm rows have their arrays
derived untimed first, plus one warm-up run at 20 000; smoke runs one warm-up each.
One portfolio of 100 000 accounts is built (garbage collector paused); the 20 000 and
10 000 ones hold its first accounts' records (the same records ``build(n)`` would
draw). The full bench takes about 6
minutes of CPU, about half of it building (11 minutes of wall time on a shared, loaded
2-core machine); smoke about 5-10 s.

Run alone with ``python benchmarks/run.py --only network [--smoke]``.
"""

from __future__ import annotations

import bisect
import datetime as dt
import gc
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from _timing import Row, compare, main, single
from kamlib.model import Account, Interaction, KeyPerson, Portfolio, Portrait, Relationship
from kamlib.network import portfolio_red_flags, red_flags, relationship_features

BENCH = "network"
AS_OF = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
PEOPLE_PER_ACCOUNT = 30
BUDGET_SECONDS = 2.0  # issue 9: both analyses on 20 000 accounts, cold
DOUBLING_TARGET = 2.2
MIB = 2**20
REPO = Path(__file__).resolve().parent.parent


def build(n_accounts: int, seed: int = 0) -> Portfolio:
    """A portfolio of ``n_accounts`` accounts of ~30 people, drawn from ``seed``."""
    rng = np.random.default_rng(seed)
    accounts: list[Account] = []
    people: list[KeyPerson] = []
    rels: list[Relationship] = []
    interactions: list[Interaction] = []
    start = dt.date(2022, 1, 1)
    n_customers = PEOPLE_PER_ACCOUNT - 3
    roles = (
        ["decision_maker"] * 3 + ["influencer"] * 6 + ["coach"] * 2 + ["user"] * (n_customers - 11)
    )
    for i in range(n_accounts):
        aid = f"A{i:06d}"
        accounts.append(
            Account(
                aid,
                aid,
                industry="retail",
                region="east",
                size_band="large",
                cooperation_start=start,
            )
        )
        portraits = rng.integers(0, 11, size=(n_customers, 3))
        cids = [f"{aid}-C{j:02d}" for j in range(n_customers)]
        for j, (cid, role) in enumerate(zip(cids, roles, strict=True)):
            has_portrait = rng.random() < 0.8
            left = start if (role == "decision_maker" and rng.random() < 0.03) else None
            people.append(
                KeyPerson(
                    cid,
                    cid,
                    "customer",
                    account_id=aid,
                    role=role if role != "coach" or rng.random() < 0.7 else "user",
                    portrait=Portrait(*map(float, portraits[j])) if has_portrait else None,
                    left_on=left,
                )
            )
            if j > 0 and rng.random() < 0.95:  # a reporting tree rooted at the first DM
                boss = int(rng.integers(0, j)) if j >= 3 else 0
                rels.append(Relationship(cid, cids[boss], "reports_to", 1.0))
            if j > 0 and rng.random() < 0.7:
                target = int(rng.integers(0, j))
                rels.append(
                    Relationship(cid, cids[target], "influences", float(rng.uniform(0.2, 0.9)))
                )
        staff = [f"{aid}-S{k}" for k in range(2)]
        for sid in staff:
            people.append(KeyPerson(sid, sid, "our_staff", account_id=aid))
            for target in rng.choice(n_customers, size=4, replace=False):
                rels.append(
                    Relationship(sid, cids[int(target)], "influences", float(rng.uniform(0.1, 0.9)))
                )
        if rng.random() < 0.3:
            xid = f"{aid}-X0"
            people.append(KeyPerson(xid, xid, "competitor_staff", account_id=aid))
            rels.append(Relationship(xid, cids[0], "influences", float(rng.uniform(0.3, 1.0))))
        for k in range(int(rng.integers(0, 8))):
            days = float(rng.uniform(0.5, 150))
            who = cids[int(rng.integers(0, n_customers))]
            interactions.append(
                Interaction(
                    f"{aid}-I{k}",
                    aid,
                    AS_OF - dt.timedelta(days=days),
                    [staff[0]],
                    [who],
                    "meeting",
                    "management",
                    "positive",
                )
            )
    return Portfolio(accounts, people, rels, interactions=interactions)


def _prefix(p: Portfolio, n: int) -> Portfolio:
    """The portfolio of the first ``n`` accounts of ``p`` (a :func:`build` portfolio).

    :func:`build` emits every record kind account by account, ids prefixed with the
    zero-padded account id, so each kind's records of the first ``n`` accounts are a
    prefix of its tuple.
    """
    if n >= len(p.accounts):
        return p
    stop = p.accounts[n].id

    def cut(records: tuple[Any, ...], account: Callable[[Any], str]) -> tuple[Any, ...]:
        return records[: bisect.bisect_left(records, stop, key=account)]

    return Portfolio(
        p.accounts[:n],
        cut(p.people, lambda r: r.account_id),
        cut(p.relationships, lambda r: r.source_id.partition("-")[0]),
        interactions=cut(p.interactions, lambda r: r.account_id),
    )


def _quiet_build(n_accounts: int, seed: int = 0) -> tuple[Portfolio, float]:
    """``build(n_accounts, seed)`` with the garbage collector paused; (portfolio, seconds)."""
    gc.collect()
    gc.disable()
    try:
        t0 = time.perf_counter()
        p = build(n_accounts, seed)
        seconds = time.perf_counter() - t0
    finally:
        gc.enable()
    gc.collect()  # the records settle in the oldest generation, as in a long-lived process
    return p, seconds


def _traced_build(n_accounts: int, seed: int = 0) -> tuple[Portfolio, float]:
    """``build`` under tracemalloc: (portfolio, MiB it holds once built)."""
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        p = build(n_accounts, seed)
        gc.collect()
        held = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    return p, held / MIB


def _pair(p: Portfolio) -> tuple[object, object]:
    """The analysed pair: relationship features, then red flags, of every account."""
    return relationship_features(p, as_of=AS_OF), portfolio_red_flags(p, as_of=AS_OF)


def _clear(*portfolios: Portfolio) -> Callable[[], None]:
    """A ``setup`` that drops the cached coded arrays: the next pair derives them again."""

    def clear() -> None:
        for p in portfolios:
            p._index.derived.clear()

    return clear


def _warm(p: Portfolio) -> None:
    """Derive (or keep) the cached coded arrays of ``p``."""
    from kamlib.network._coded import coded

    coded(p)


def _bare_loop(p: Portfolio) -> list[list[object]]:
    """Every attribute the analyses read, into flat Python lists: the objects' floor.

    One plain pass per record kind, as the coded arrays are derived: accounts' id and
    risk signals; people's id, account, side, role, ``left_on`` and portrait (its three
    scores); relationships' source, target, kind, strength and opportunity (standing
    ties only count); interactions' account, time and every one of their people. Each
    value is appended to a list of its own; no codes, no lookups, no numpy.
    """
    cols: list[list[object]] = [[] for _ in range(17)]
    a_id, a_risk, p_id, p_acc, p_side, p_role, p_left, p_close, p_sol, p_price = cols[:10]
    r_src, r_tgt, r_kind, r_str, r_opp, i_acc, i_at = cols[10:]
    their: list[object] = []
    for a in p.accounts:
        a_id.append(a.id)
        a_risk.append(a.risk_signals)
    for person in p.people:
        p_id.append(person.id)
        p_acc.append(person.account_id)
        p_side.append(person.side)
        p_role.append(person.role)
        p_left.append(person.left_on)
        portrait = person.portrait
        if portrait is not None:
            p_close.append(portrait.closeness)
            p_sol.append(portrait.solution_acceptance)
            p_price.append(portrait.price_acceptance)
    for r in p.relationships:
        r_src.append(r.source_id)
        r_tgt.append(r.target_id)
        r_kind.append(r.kind)
        r_str.append(r.strength)
        r_opp.append(r.opportunity_id)
    for it in p.interactions:
        i_acc.append(it.account_id)
        i_at.append(it.at)
        for pid in it.their_people:
            their.append(pid)
    cols.append(their)
    return cols


def _per_account_networkx() -> tuple[Callable[[Portfolio], object], str]:
    """The replaced path: (function of a portfolio, its name for the row)."""
    if str(REPO) not in sys.path:
        sys.path.append(str(REPO))  # tests/ is a namespace package at the repository root
    from tests.network.test_wide import reference_features

    def old(p: Portfolio) -> object:
        features = reference_features(p, as_of=AS_OF)
        flags = tuple(red_flags(p, account_id=a.id, as_of=AS_OF) for a in p.accounts)
        return features, flags

    return old, "tests/network/test_wide.py reference_features + red_flags, per account"


def run(smoke: bool, k: int | None = None) -> list[Row]:
    """The pair cold and warm at n, the doubling, 100 000 accounts, memory, old path."""
    n, big, sample = (400, 100, 50) if smoke else (20_000, 100_000, 1_000)
    half = n // 2
    k_n, k_big, k_old = (k, k, k) if k else (2, 1, 1) if smoke else (3, 1, 2)
    cold_warmup = 1 if smoke else 0  # a full-size cold run is cold by construction
    verdict = not smoke

    whole, build_seconds = _quiet_build(max(n, big))
    at_big, at_n, at_half = _prefix(whole, big), _prefix(whole, n), _prefix(whole, half)
    small, portfolio_mib_sample = _traced_build(sample, seed=1)
    portfolio_mib = portfolio_mib_sample * big / sample
    small.people_of(small.accounts[0].id)  # the per-account look-up tables, untimed

    def pair_at(p: Portfolio) -> Callable[[], object]:
        return lambda: _pair(p)

    cold_n = compare(
        BENCH,
        "pair cold: vs bare object loop",
        n,
        pair_at(at_n),
        lambda: _bare_loop(at_n),
        baseline_name="bare loop over the attributes the analyses read",
        k=k_n,
        warmup=cold_warmup,
        setup=_clear(at_n),
        note="cold: the coded arrays are derived in every run",
    )
    budget = single(
        BENCH,
        "pair cold: budget",
        n,
        cold_n["seconds"],
        runs=cold_n["runs"],
        seconds_target=BUDGET_SECONDS,
        verdict=verdict,
        warmup=cold_warmup,
        note=f"best cold run of 'pair cold: vs bare object loop'; issue 9 budget "
        f"{BUDGET_SECONDS:g} s for both analyses at 20 000 accounts (absolute: machine-bound)",
    )
    _warm(at_n)
    warm_n = compare(
        BENCH,
        "pair warm: vs bare object loop",
        n,
        pair_at(at_n),
        lambda: _bare_loop(at_n),
        baseline_name="bare loop over the attributes the analyses read",
        k=k_n,
        note="warm: the coded arrays cached on the portfolio",
    )
    doubling = compare(
        BENCH,
        "pair cold: doubling",
        n,
        pair_at(at_n),
        pair_at(at_half),
        baseline_name=f"pair cold at n={half}",
        k=k_n,
        warmup=cold_warmup,
        setup=_clear(at_n, at_half),
        target=DOUBLING_TARGET,
        verdict=verdict,
        note="time(2n)/time(n), 2.0 = linear; both cold",
    )

    # memory: one traced cold pair at the big size, outside every timing
    _clear(at_big)()
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        kept = _pair(at_big)
        current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    del kept
    peak_mib, retained_mib = (peak - before) / MIB, (current - before) / MIB

    cold_big = compare(
        BENCH,
        "pair cold: 100k vs 20k",
        big,
        pair_at(at_big),
        pair_at(at_n),
        baseline_name=f"pair cold at n={n}",
        k=k_big,
        warmup=cold_warmup,
        setup=_clear(at_big, at_n),
        note=f"time({big})/time({n}), {big / n:g} = linear; both cold. Memory (tracemalloc, "
        f"one cold pair at {big}): peak {peak_mib:.0f} MiB, retained {retained_mib:.0f} MiB "
        f"(cached arrays + results); the portfolio itself ~{portfolio_mib:.0f} MiB "
        f"({sample}-account build x {big / sample:g})",
    )
    cold_big.update(peak_mib=peak_mib, retained_mib=retained_mib, portfolio_mib=portfolio_mib)
    _warm(at_big)
    _warm(at_n)
    warm_big = compare(
        BENCH,
        "pair warm: 100k vs 20k",
        big,
        pair_at(at_big),
        pair_at(at_n),
        baseline_name=f"pair warm at n={n}",
        k=k_big,
        warmup=1 if smoke else 0,  # both caches were just derived
        note=f"time({big})/time({n}), {big / n:g} = linear; both warm",
    )

    old, old_name = _per_account_networkx()
    vs_old = compare(
        BENCH,
        "pair cold: vs per-account networkx",
        sample,
        pair_at(small),
        lambda: old(small),
        baseline_name=old_name,
        k=k_old,
        warmup=cold_warmup,
        setup=_clear(small),
        note="the path the coded arrays replaced: one networkx graph per account",
    )
    fixture = single(
        BENCH,
        "build (fixture)",
        max(n, big),
        build_seconds,
        note=f"build({max(n, big)}) with the garbage collector paused, timed once, for scale; "
        f"{len(whole.people) + len(whole.relationships) + len(whole.interactions)} "
        f"people, relationships and interactions",
    )
    return [budget, cold_n, warm_n, doubling, cold_big, warm_big, vs_old, fixture]


if __name__ == "__main__":
    raise SystemExit(main(run))
