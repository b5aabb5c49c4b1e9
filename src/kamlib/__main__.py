"""``python -m kamlib demo``: a portfolio review on built-in synthetic data.

The only module of kamlib that prints. It builds a seeded synthetic portfolio in memory
(no files), extracts features as of a date, runs the three built-in scorers and prints
a review: quadrant counts and members, the key-account list with points and reasons,
health lights with their reasons and trend alerts, and one account explained in full.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections.abc import Sequence

import numpy as np

from kamlib import __version__
from kamlib.errors import KamlibError
from kamlib.features import extract_features
from kamlib.network import red_flags, stakeholder_graph, who_to_meet_next
from kamlib.scoring import (
    QUADRANT_POLICY,
    HealthModel,
    ScoreTable,
    ValueMatrix,
    WeightedPoints,
)
from kamlib.signals import two_quarter_decline
from kamlib.synthetic import synthetic_portfolio


def _date(text: str) -> dt.datetime:
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO date (YYYY-MM-DD): {text!r}") from None
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m kamlib", description="kamlib " + __version__)
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="portfolio review on built-in synthetic data")
    demo.add_argument("--accounts", type=int, default=200, help="number of accounts (200)")
    demo.add_argument("--seed", type=int, default=7, help="random seed (7)")
    demo.add_argument(
        "--as-of", type=_date, default=_date("2026-01-01"), help="review date (2026-01-01)"
    )
    demo.add_argument("--threshold", type=float, default=6.0, help="key-account points (6.0)")
    return parser


def _rule(title: str) -> None:
    print()
    print(title)
    print("-" * len(title))


def _members(result: ScoreTable, label: str, key: np.ndarray, k: int) -> list[str]:
    """The ``k`` members of a quadrant with the highest ``key`` (ties by id)."""
    assert result.labels is not None
    rows = np.flatnonzero(result.labels == label)
    rows = rows[np.lexsort((result.ids[rows].astype(str), -key[rows]))]
    return [str(result.ids[i]) for i in rows[:k]]


def demo(accounts: int, seed: int, as_of: dt.datetime, threshold: float) -> int:
    """Print the portfolio review; return the process exit code."""
    points = WeightedPoints(threshold=threshold)  # validates the threshold before any output
    portfolio = synthetic_portfolio(accounts, seed=seed, as_of=as_of)
    table = extract_features(portfolio, as_of=as_of)
    print(
        f"kamlib {__version__} demo: synthetic portfolio of {len(portfolio.accounts)} accounts "
        f"(seed {seed}), {len(portfolio.people)} people, as of {as_of.date().isoformat()}"
    )

    # 1. Strategic value matrix [000]
    # An account without any strategic assessment cannot be placed: the matrix refuses it
    # rather than guess, so the review lists those accounts for assessment instead.
    strategic = ("strategic_fit", "value_potential", "resource_complementarity")
    unassessed = np.logical_and.reduce([table.mask(c) for c in strategic])
    placed = table.take(np.flatnonzero(~unassessed))
    matrix = ValueMatrix(missing="renormalise").fit(placed)
    quadrants = matrix.score(placed)
    config = matrix.get_config()
    _rule("1. Strategic value matrix (source [000]); cuts = fitted medians")
    if unassessed.any():
        todo = ", ".join(str(a) for a in table.ids[unassessed][:6])
        print(f"   {int(unassessed.sum())} accounts have no strategic assessment yet: {todo} ...")
    print(f"   cuts: profit {config['x_cut']:,.0f}, strategic importance {config['y_cut']:.2f}/10")
    assert quadrants.labels is not None
    profit = placed.column("profit")
    for label in quadrants.classes:
        n = int((quadrants.labels == label).sum())
        # high-strategic quadrants ranked by strategic importance, the others by profit
        by_strategic = label in ("strategic", "potential")
        key = quadrants.scores if by_strategic else profit
        top = ", ".join(_members(quadrants, label, key, 5)) or "-"
        print(f"   {label:<10} {n:>5}  policy: {QUADRANT_POLICY[label]}")
        print(f"   {'':<10} top by {'strategic importance' if by_strategic else 'profit'}: {top}")

    # 2. Weighted points and the key-account list [002][004]
    points = points.fit(table)
    scored = points.score(table)
    kal = points.key_accounts(scored, top=25)
    _rule(
        f"2. Key-account list (weighted points, source [002]); threshold {threshold:g}/10, "
        "guardrail 5-25 [004]"
    )
    for rank, (aid, pts) in enumerate(zip(kal.ids, kal.scores, strict=True), start=1):
        explained = scored.explain(aid)
        best = sorted(explained.contributions, key=lambda c: -c[1])[:3]
        why = ", ".join(f"{name} {value:.2f}" for name, value in best)
        print(
            f"   {rank:>2}. {aid}  {pts:5.2f} points  coverage {explained.coverage:4.0%}"
            f"  (top criteria: {why})"
        )
    print(f"   guardrail: {kal.message}")

    # 3. Health and the three-colour lights [000]
    health = HealthModel().fit(table).score(table)
    assert health.labels is not None
    _rule("3. Health (source [000]) and three-colour lights")
    for light in ("red", "yellow", "green_watch", "green"):
        rows = np.flatnonzero(health.labels == light)
        print(f"   {light:<12} {rows.size:>5}")
        for i in rows[:4] if light != "green" else ():
            aid = str(health.ids[i])
            reasons = "; ".join(text for _, text in health.explain(aid).reasons)
            print(f"      {aid} health {health.scores[i]:5.1f}: {reasons}")
    alerts = two_quarter_decline(
        table.column("revenue_change_last"), table.column("revenue_change_prev")
    )
    flagged = [str(a) for a in table.ids[alerts]]
    print(f"   purchase down >=15% two quarters running [000]: {len(flagged)} accounts")
    print(f"      {', '.join(flagged[:8])}{' ...' if len(flagged) > 8 else ''}")

    # 4. One account in full
    aid = kal.ids[0] if kal.ids else str(table.ids[0])
    _rule(f"4. Account {aid} explained")
    if aid in set(quadrants.ids.tolist()):
        print(quadrants.explain(aid))
        print()
    print(scored.explain(aid))
    print()
    print(health.explain(aid))
    flags = red_flags(portfolio, account_id=aid, as_of=as_of)
    print()
    print(f"stakeholder red flags: {', '.join(flags.codes) or 'none'}")
    meet = who_to_meet_next(stakeholder_graph(portfolio, account_id=aid))
    if meet is not None:
        person = portfolio.person(str(meet.person_id))
        role = str(person.role).replace("_", "-") if person.role is not None else "contact"
        print(
            f"meet next: {person.name} ({role}, {meet.person_id}); "
            f"expected coverage gain {meet.gain:.3f}"
        )
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m kamlib``."""
    args = _parser().parse_args(argv)
    try:
        return demo(args.accounts, args.seed, args.as_of, args.threshold)
    except KamlibError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # e.g. `python -m kamlib demo | head`: stop quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
