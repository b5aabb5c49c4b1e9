"""Whole-portfolio stakeholder-network analysis: relationship features and red flags.

A seeded synthetic portfolio of ``n`` accounts with about 30 people each (customer
decision chain, two of our staff, sometimes a competitor) is analysed at ``n`` and
``2n`` accounts: one row per analysis, the ``2n`` run as candidate and the ``n`` run as
its baseline, interleaved (:func:`_timing.compare`), so ``ratio`` is the doubling ratio
time(2n) / time(n) (2 = linear). Full size: 10 000 and 20 000 accounts, best of ``k = 2``
each by default and no warm-up (a full-size run takes 10-40 s; the whole network bench
about 5 minutes);
smoke: 200 and 400 accounts.

Run alone with ``python benchmarks/run.py --only network [--smoke]``.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from _timing import Row, compare, main
from kamlib.model import Account, Interaction, KeyPerson, Portfolio, Portrait, Relationship
from kamlib.network import portfolio_red_flags, relationship_features

AS_OF = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
PEOPLE_PER_ACCOUNT = 30


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


def run(smoke: bool, k: int | None = None) -> list[Row]:
    """Time the whole-portfolio analyses at n and 2n accounts, interleaved."""
    n = 200 if smoke else 10_000
    k = k or 2
    cases = (
        ("relationship_features", lambda p: relationship_features(p, as_of=AS_OF)),
        ("portfolio_red_flags", lambda p: portfolio_red_flags(p, as_of=AS_OF)),
    )
    small, large = build(n, seed=n), build(2 * n, seed=2 * n)
    return [
        compare(
            "network",
            f"{name}: doubling",
            2 * n,
            lambda fn=fn: fn(large),
            lambda fn=fn: fn(small),
            baseline_name=f"{name} at n={n}",
            k=k,
            warmup=1 if smoke else 0,  # a full-size run is warm enough on its own
            note=f"time(2n)/time(n), 2.0 = linear; {PEOPLE_PER_ACCOUNT} people per account",
        )
        for name, fn in cases
    ]


if __name__ == "__main__":
    raise SystemExit(main(run))
