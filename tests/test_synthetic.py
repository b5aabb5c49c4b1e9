"""synthetic_portfolio: deterministic, valid, and firing every source rule somewhere."""

from __future__ import annotations

import datetime as dt
import itertools

import attrs
import numpy as np
import pytest

from kamlib import Portfolio
from kamlib.errors import InvalidTypeError, InvalidValueError
from kamlib.model import CommitmentState, ComplaintSeverity, DecisionRole, RiskKind, Side
from kamlib.synthetic import _Generator, synthetic_portfolio

AS_OF = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def test_same_seed_same_portfolio_other_seed_other_portfolio() -> None:
    a = synthetic_portfolio(30, seed=5, as_of=AS_OF)
    assert a == synthetic_portfolio(30, seed=5, as_of=AS_OF)
    assert a != synthetic_portfolio(30, seed=6, as_of=AS_OF)


def test_nothing_is_dated_after_as_of() -> None:
    p = synthetic_portfolio(40, seed=1, as_of=AS_OF)
    assert all(i.at <= AS_OF for i in p.interactions)
    assert all(s.at <= AS_OF for a in p.accounts for s in a.surveys)
    assert all(f.period.end < AS_OF.date() for a in p.accounts for f in a.figures)
    assert all(t.at <= AS_OF for c in p.commitments for t in c.history)


def test_every_side_role_and_red_trigger_occurs() -> None:
    p = synthetic_portfolio(300, seed=2, as_of=AS_OF)
    assert isinstance(p, Portfolio)
    assert {person.side for person in p.people} == set(Side)
    roles = {person.role for person in p.people if person.side is Side.CUSTOMER}
    assert roles == set(DecisionRole)
    kinds = {s.kind for a in p.accounts for s in a.risk_signals}
    assert {
        RiskKind.KEY_DECISION_MAKER_LEFT,
        RiskKind.BUDGET_FROZEN,
        RiskKind.COMPETITOR_ENTERED,
        RiskKind.LATE_DELIVERY,
    } <= kinds
    assert any(r.opportunity_id is not None for r in p.relationships)
    # every key account has an executive sponsor [004]
    assert all(a.executive_sponsor_id is not None for a in p.accounts)


def test_zero_accounts() -> None:
    assert synthetic_portfolio(0, seed=0, as_of=AS_OF) == Portfolio()


@pytest.mark.parametrize(
    ("kwargs", "error", "field"),
    [
        ({"n_accounts": -1}, InvalidValueError, "n_accounts"),
        ({"n_accounts": 2.0}, InvalidTypeError, "n_accounts"),
        ({"seed": None}, InvalidTypeError, "seed"),
        ({"quarters": 0}, InvalidValueError, "quarters"),
        ({"as_of": dt.datetime(2026, 1, 1)}, InvalidValueError, "as_of"),
        ({"as_of": dt.date(2026, 1, 1)}, InvalidTypeError, "as_of"),
    ],
)
def test_bad_arguments(kwargs: dict[str, object], error: type[Exception], field: str) -> None:
    args: dict[str, object] = {"n_accounts": 2, "seed": 0, "as_of": AS_OF}
    args.update(kwargs)
    n = args.pop("n_accounts")
    with pytest.raises(error, match=field):
        synthetic_portfolio(n, **args)  # type: ignore[arg-type]


# ------------------------------------------------------------------ progress updates, complaints


ENDS = (CommitmentState.DELIVERED, CommitmentState.BROKEN)  # where execution ends


def _without_new_records(p: Portfolio) -> Portfolio:
    """``p`` without the records drawn from the second generator."""
    plain = [attrs.evolve(c, progress_updates=()) for c in p.commitments]
    return attrs.evolve(p, commitments=plain, complaints=())


def test_the_second_generator_moves_no_other_draw() -> None:
    # every other record comes from default_rng(seed) alone: another second stream (or
    # none at all, as before progress updates and complaints existed) gives the same ones
    drawn = synthetic_portfolio(40, seed=4, as_of=AS_OF)
    gen = _Generator(np.random.default_rng(4), AS_OF, "CNY", 8, np.random.default_rng(999))
    for i in range(40):
        gen.account(i)
    other = Portfolio(
        accounts=gen.accounts,
        people=gen.people,
        relationships=gen.relationships,
        commitments=gen.commitments,
        interactions=gen.interactions,
        opportunities=gen.opportunities,
        complaints=gen.complaints,
    )
    assert other != drawn
    assert _without_new_records(other) == _without_new_records(drawn)


def test_progress_updates_are_weekly_syncs_with_some_gaps() -> None:
    p = synthetic_portfolio(300, seed=2, as_of=AS_OF)
    week = dt.timedelta(days=7)
    gaps: list[dt.timedelta] = []
    never = 0
    for c in p.commitments:
        started = next(t.at for t in c.history if t.to_state is CommitmentState.IN_PROGRESS)
        times = [u.at for u in c.progress_updates]
        assert times == sorted(times)
        assert all(started <= at <= AS_OF for at in times)
        ends = [t.at for t in c.history if t.to_state in ENDS]
        assert all(at <= end for at in times for end in ends)  # none after execution ended
        never += not times
        gaps += [b - a for a, b in itertools.pairwise(times)]
    assert all(dt.timedelta(days=5) <= g <= dt.timedelta(days=21) for g in gaps)
    late = sum(g > week for g in gaps)
    assert 0.05 < late / len(gaps) < 0.3  # 15 % of the intervals
    assert 0.03 < never / len(p.commitments) < 0.2  # 10 % never synced


def test_complaints_follow_the_documented_shares_and_clocks() -> None:
    p = synthetic_portfolio(1000, seed=2, as_of=AS_OF)
    qs = p.complaints
    accounts = {q.account_id for q in qs}
    assert 0.15 < len(accounts) / len(p.accounts) < 0.25  # about 20 %
    assert all(1 <= len(p.complaints_of(a)) <= 2 for a in accounts)
    assert 0.1 < sum(q.is_red for q in qs) / len(qs) < 0.25  # 15 % (20 % in this sample)
    assert {q.severity for q in qs} == set(ComplaintSeverity)
    assert {q.severity for q in qs if q.is_red} <= {
        ComplaintSeverity.HIGH,
        ComplaintSeverity.CRITICAL,
    }
    hour = dt.timedelta(hours=1)
    for q in qs:
        assert q.id.startswith(f"{q.account_id}-Q")
        assert q.owner_id == f"{q.account_id}-S0"  # the account's first person of our staff
        assert q.person_id is None or p.person(q.person_id).account_id == q.account_id
        assert all(at <= AS_OF for _, at in q.times())
        assert q.received_at >= AS_OF - 120 * 24 * hour
        if q.acknowledged_at is not None:
            assert 0.5 * hour <= q.acknowledged_at - q.received_at <= 4 * hour
        if q.first_plan_at is not None:
            assert 6 * hour <= q.first_plan_at - q.received_at <= 36 * hour
        assert (q.options_at is None) == (q.options == ())
        assert q.options == () or 1 <= len(q.options) <= 4
        if q.senior_on_site_at is not None:
            assert q.is_red
            assert 6 * hour <= q.senior_on_site_at - q.received_at <= 40 * hour
        if q.improvement_commitment:
            assert q.is_red
            assert q.resolved_at is not None
    late_ack = [q.acknowledged_at - q.received_at > 2 * hour for q in qs if q.acknowledged_at]
    assert any(late_ack)  # the 3R clocks have something to find
    assert not all(late_ack)
    assert {len(q.options) for q in qs} >= {1, 2, 3, 4}
    assert any(q.is_open(AS_OF) for q in qs)
    assert any(not q.is_open(AS_OF) for q in qs)
    red_solved = [q for q in qs if q.is_red and q.resolved_at is not None]
    assert sum(bool(q.improvement_commitment) for q in red_solved) > len(red_solved) / 2


def test_new_records_keep_the_zone_of_as_of() -> None:
    as_of = dt.datetime(2026, 1, 1, 8, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    p = synthetic_portfolio(60, seed=3, as_of=as_of)
    assert p.complaints
    assert all(q.received_at.utcoffset() == dt.timedelta(hours=8) for q in p.complaints)
    assert all(at <= as_of for q in p.complaints for _, at in q.times())
    assert all(u.at <= as_of for c in p.commitments for u in c.progress_updates)
