"""The portfolio review (issue 11 §7, §8): one typed, immutable, order-free review.

`review` gathers every operations rule, the health lights and trend alerts and the
stakeholder red flags. These tests hold it to §7 (what it gathers, deterministic, order
of the input never shows, nothing reads the clock) and §8 (properties; bad input gets a
typed error naming the field). Portfolios are small synthetic ones (30 accounts), so
each review takes a few hundredths of a second.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import json
import pickle
import random
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kamlib.__main__ import main
from kamlib._dated import add_months
from kamlib.errors import InvalidTypeError, InvalidValueError, UnknownIdError
from kamlib.model import (
    Account,
    Commitment,
    Complaint,
    Money,
    NpsResponse,
    Portfolio,
    Purchase,
    RiskSignal,
    SatisfactionSurvey,
)
from kamlib.network import FlagCode, portfolio_red_flags
from kamlib.operations import (
    CADENCE_CODES,
    CAPACITY_CODES,
    COMMITMENT_CODES,
    COMPLAINT_CODES,
    DEFAULT_CADENCE,
    DEMAND_CODES,
    HEALTH_CODES,
    REQUALIFICATION_CODES,
    REQUALIFICATION_GAP,
    REVIEW_CODES,
    STAKEHOLDER_SEVERITY,
    AccountReview,
    Alert,
    AlertKind,
    CadencePolicy,
    CommitmentPolicy,
    ComplaintPolicy,
    OperationsPolicy,
    PortfolioReview,
    ReviewScorers,
    Severity,
    rank_needs,
    review,
    sort_alerts,
)
from kamlib.operations._review import run_review
from kamlib.planning import AccountPlan, Allocation, Assignment, OpportunityTarget, TeamMember
from kamlib.scoring import HealthModel, ValueMatrix, WeightedPoints
from kamlib.synthetic import synthetic_portfolio

UTC = dt.UTC
AS_OF = dt.datetime(2026, 1, 1, tzinfo=UTC)
H = dt.timedelta(hours=1)
D = dt.timedelta(days=1)
US = dt.timedelta(microseconds=1)
N = 30
SEEDS = (0, 1, 2)
RECORDS = (
    "accounts",
    "people",
    "relationships",
    "commitments",
    "interactions",
    "opportunities",
    "complaints",
    "purchases",
)
CODES: Mapping[AlertKind, Iterable[str]] = {
    AlertKind.HEALTH: HEALTH_CODES,
    AlertKind.COMMITMENT: COMMITMENT_CODES,
    AlertKind.CAPACITY: CAPACITY_CODES,
    AlertKind.COMPLAINT: COMPLAINT_CODES,
    AlertKind.CADENCE: CADENCE_CODES,
    AlertKind.REVIEW: REVIEW_CODES,
    AlertKind.DEMAND: DEMAND_CODES,
    AlertKind.QUALIFICATION: REQUALIFICATION_CODES,
    AlertKind.STAKEHOLDER: [c.value for c in FlagCode],
}


# ----------------------------------------------------------------------------- helpers
@functools.cache
def base(seed: int, as_of: dt.datetime = AS_OF) -> Portfolio:
    """A synthetic portfolio of `N` accounts, with three purchases each (so that the
    purchases tuple has records to shuffle too); every record at or before ``as_of``."""
    p = synthetic_portfolio(N, seed=seed, as_of=as_of)
    rnd = random.Random(seed)
    purchases = [
        Purchase(
            f"{a.id}-P{k}",
            a.id,
            as_of - rnd.randint(1, 600) * D - rnd.randint(0, 86_399) * dt.timedelta(seconds=1),
            Money(round(rnd.uniform(100, 5_000), 2), a.currency or "CNY"),
        )
        for a in p.accounts
        for k in range(3)
    ]
    return attrs.evolve(p, purchases=purchases)


def everything(p: Portfolio) -> dict[str, Any]:
    """Arguments that switch on every optional rule of the review."""
    ids = sorted(a.id for a in p.accounts)
    return {
        "key_accounts": ids[:6],
        "reviews": [],
        "customisation_costs": {i: Money(10_000_000, "CNY") for i in ids[:3]},
        "capacity": 1.0,
        "previous_health": {i: 100.0 for i in ids},
        "tiers": {ids[0]: "gold"},
    }


def shuffled(p: Portfolio, rnd: random.Random, fields: Sequence[str]) -> Portfolio:
    """``p`` with the records of ``fields`` in another order."""
    changes = {}
    for name in fields:
        items = list(getattr(p, name))
        rnd.shuffle(items)
        changes[name] = items
    return attrs.evolve(p, **changes)


def interleaved(p: Portfolio, rnd: random.Random) -> Portfolio:
    """``p`` with the interactions of the accounts interleaved at random, each account's
    own in their order (the one order the review still depends on: see
    `test_shuffling_the_interactions_changes_no_review`)."""
    queues: dict[str, list[Any]] = {}
    for i in p.interactions:
        queues.setdefault(i.account_id, []).append(i)
    labels = [aid for aid, q in queues.items() for _ in q]
    rnd.shuffle(labels)
    return attrs.evolve(p, interactions=[queues[aid].pop(0) for aid in labels])


def pinned(r: PortfolioReview) -> ReviewScorers:
    """The scorers of ``r``, fitted: rebuilt from the configs it returns."""
    c = r.configs
    return ReviewScorers(
        matrix=ValueMatrix.from_config(c[ValueMatrix.name]),
        identification=WeightedPoints.from_config(c[WeightedPoints.name]),
        health=HealthModel.from_config(c[HealthModel.name]),
    )


def reordered(value: object, rnd: random.Random) -> object:
    """A list or a dict with its items in another order; anything else as it is."""
    if isinstance(value, list):
        return rnd.sample(value, len(value))
    if isinstance(value, dict):
        return dict(rnd.sample(list(value.items()), len(value)))
    return value


def plain(r: PortfolioReview) -> dict[str, Any]:
    d = r.to_dict()
    d.pop("configs")
    return d


def configs(r: PortfolioReview) -> dict[str, dict[str, Any]]:
    return {k: dict(v) for k, v in r.configs.items()}


def without(p: Portfolio, aid: str) -> Portfolio:
    """``p`` without account ``aid`` and every record of it."""
    people = [x for x in p.people if x.account_id != aid]
    kept = {x.id for x in people}
    return attrs.evolve(
        p,
        accounts=[a for a in p.accounts if a.id != aid],
        people=people,
        relationships=[r for r in p.relationships if {r.source_id, r.target_id} <= kept],
        commitments=[c for c in p.commitments if c.account_id != aid],
        interactions=[i for i in p.interactions if i.account_id != aid],
        opportunities=[o for o in p.opportunities if o.account_id != aid],
        complaints=[c for c in p.complaints if c.account_id != aid],
        purchases=[x for x in p.purchases if x.account_id != aid],
    )


def keys(r: PortfolioReview, pick: Callable[[Alert], bool]) -> set[tuple[Any, ...]]:
    return {(a.account_id, a.code, a.subject_id) for a in r.alerts if pick(a)}


def new_account(id: str, start: dt.date, **kw: Any) -> Account:
    return Account(
        id, f"New {id}", industry="retail", region="east", size_band="large",
        cooperation_start=start, **kw,
    )  # fmt: skip


seeds = st.sampled_from(SEEDS)


# --------------------------------------------------------------------- what it gathers
def test_one_account_review_per_account_by_id() -> None:
    p = base(0)
    r = review(p, as_of=AS_OF)
    assert [x.account_id for x in r.accounts] == sorted(a.id for a in p.accounts)
    assert r.as_of == AS_OF
    assert r.requalification is None
    assert set(r.configs) == {ValueMatrix.name, WeightedPoints.name, HealthModel.name}
    run = run_review(p, as_of=AS_OF)
    assert run.review == r
    assert run.scored is not None
    assert r.key_accounts == run.scored.kal.ids
    for x in r.accounts:
        acc = p.account(x.account_id)
        assert x.name == acc.name
        assert x.key_account is (x.account_id in r.key_accounts)
        assert x.key_decision is None  # no key list given: no re-qualification
        assert (x.quadrant is None) is (acc.strategic is None)
        needs = rank_needs(acc) if acc.needs else ()
        assert x.top_need == (needs[0].need_id if needs else None)
        assert 0.0 <= x.health <= 100.0
        assert x.light in {"green", "green_watch", "yellow", "red"}
        assert x.alerts == r.alerts_of(x.account_id)
        assert x.worst == (x.alerts[0].severity if x.alerts else None)
        assert sum(x.count(s) for s in Severity) == len(x.alerts)


def test_the_review_is_immutable() -> None:
    r = review(base(0), as_of=AS_OF)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        r.alerts = ()  # type: ignore[misc]
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        r.accounts[0].alerts = ()  # type: ignore[misc]
    with pytest.raises(TypeError):
        r.configs["value_matrix"] = {}  # type: ignore[index]
    with pytest.raises(TypeError):
        r.alerts[0].evidence["x"] = 1  # type: ignore[index]


def test_an_alert_keeps_its_evidence_to_itself() -> None:
    given = {"days": 3, "people": ["P1", "P2"]}
    a = Alert("A1", "cadence", "cadence_overdue", "watch", "late", given)
    given["days"] = 99  # the caller's dict is copied, not kept
    assert a.evidence == {"days": 3, "people": ("P1", "P2")}
    with pytest.raises(TypeError):
        a.evidence["days"] = 4  # type: ignore[index]
    assert attrs.evolve(a, evidence={"days": 5}).evidence == {"days": 5}
    assert a.evidence["days"] == 3
    assert pickle.loads(pickle.dumps(a)) == a
    assert "evidence={'days': 3, 'people': ('P1', 'P2')}" in repr(a)


def test_every_health_light_is_one_alert_with_its_severity() -> None:
    r = review(base(1), as_of=AS_OF)
    severity = {"red": Severity.CRITICAL, "yellow": Severity.WARNING}
    severity["green_watch"] = Severity.WATCH
    for x in r.accounts:
        lights = [a for a in x.alerts if a.code.startswith("health_")]
        assert x.light is not None
        if x.light == "green":
            assert lights == []
            continue
        (a,) = lights
        assert (a.kind, a.code, a.severity) == (
            AlertKind.HEALTH,
            f"health_{x.light}",
            severity[x.light],
        )
        assert a.evidence["light"] == x.light
        assert a.evidence["health"] == x.health
        assert a.evidence["reasons"] == x.health_reasons
    assert {x.light for x in r.accounts} >= {"green", "yellow", "red"}


def test_purchase_decline_fires_on_15_percent_in_each_of_two_quarters() -> None:
    fired = 0
    for seed in SEEDS:
        for a in review(base(seed), as_of=AS_OF).alerts:
            if a.code == "purchase_decline":
                fired += 1
                assert (a.kind, a.severity) == (AlertKind.HEALTH, Severity.WARNING)
                assert a.evidence["change_last"] <= -0.15 * (1 - 1e-9)
                assert a.evidence["change_prev"] <= -0.15 * (1 - 1e-9)
    assert fired > 0
    # the 15 % is a default: at 99 % nothing falls that far
    policy = OperationsPolicy(decline=0.99)
    r = review(base(0), as_of=AS_OF, policy=policy)
    assert not [a for a in r.alerts if a.code == "purchase_decline"]


def test_stakeholder_alerts_are_the_network_red_flags() -> None:
    p = base(2)
    r = review(p, as_of=AS_OF)
    want = {
        (f.account_id, flag.code.value, STAKEHOLDER_SEVERITY[flag.code], flag.people)
        for f in portfolio_red_flags(p, as_of=AS_OF)
        for flag in f.flags
    }
    got = {
        (a.account_id, a.code, a.severity, a.evidence["people"])
        for a in r.alerts
        if a.kind is AlertKind.STAKEHOLDER
    }
    assert got == want
    assert got
    assert set(STAKEHOLDER_SEVERITY) == set(FlagCode)
    assert STAKEHOLDER_SEVERITY[FlagCode.DECISION_MAKER_LEFT] is Severity.CRITICAL


def test_optional_rules_are_off_by_default() -> None:
    r = review(base(0), as_of=AS_OF)
    kinds = {a.kind for a in r.alerts}
    assert not kinds & {AlertKind.REVIEW, AlertKind.DEMAND, AlertKind.CAPACITY}
    # without key_accounts no re-qualification runs: only the list's guardrail may show
    qualification = {a.code for a in r.alerts if a.kind is AlertKind.QUALIFICATION}
    assert qualification <= {"key_list_too_few", "key_list_too_many"}
    assert bool(qualification) == (r.guardrail is not None)
    assert "rescue" not in {a.code for a in r.alerts}
    assert all(a.account_id is not None for a in r.alerts if a.kind is not AlertKind.QUALIFICATION)


# A portfolio built to trigger every area: synthetic accounts plus records whose
# verdict is known, and one new account with no contact at all.
OWNER = "A00001-S0"
LATE_C = Commitment.propose(
    "T-C1", "A00001", "Data migration", OWNER, AS_OF - 3 * D, 2, at=AS_OF - 30 * D
).transition("committed", AS_OF - 29 * D)
DUE_SOON = Commitment.propose(
    "T-C2", "A00001", "Report pack", OWNER, AS_OF + 5 * D, 5, at=AS_OF - 10 * D
).transition("committed", AS_OF - 9 * D)
ACK_LATE = Complaint(
    "T-Q1", "A00001", OWNER, AS_OF - 30 * H, "Invoices wrong",
    acknowledged_at=AS_OF - 27 * H, first_plan_at=AS_OF - 20 * H,
)  # fmt: skip
UNANSWERED = Complaint("T-Q2", "A00001", OWNER, AS_OF - 3 * H, "Line stopped")
NEW = new_account("T-NEW", (AS_OF - 40 * D).date())


@functools.cache
def triggered() -> Portfolio:
    p = base(0)
    return attrs.evolve(
        p,
        accounts=[*p.accounts, NEW],
        commitments=[*p.commitments, LATE_C, DUE_SOON],
        complaints=[*p.complaints, ACK_LATE, UNANSWERED],
    )


def test_every_area_shows_up_on_a_portfolio_built_to_trigger_it() -> None:
    p = triggered()
    first = review(p, as_of=AS_OF)
    old = [x for x in first.accounts if x.account_id != NEW.id]
    low = min(old, key=lambda x: (x.points, x.account_id))
    assert low.points < 6.0 - REQUALIFICATION_GAP  # far below exit
    health = {x.account_id: x.health for x in first.accounts}
    rescued = first.accounts[0].account_id
    r = review(
        p,
        as_of=AS_OF,
        key_accounts=[*first.key_accounts, low.account_id],
        reviews=[],
        customisation_costs={"A00002": Money(10_000_000, "CNY")},
        capacity=1,
        previous_health={rescued: health[rescued] / 0.8 + 1.0},
        plans=[
            AccountPlan(
                "A00001",
                AS_OF - 200 * D,
                priority=1,
                opportunity_targets=[OpportunityTarget.pipeline(Money(1e12, "CNY"), AS_OF - D)],
            )
        ],
        members=[TeamMember(OWNER, "Owner", "account_manager", 0)],
        allocation=Allocation([Assignment("A00001", OWNER, "account_manager")]),
    )
    found = keys(r, lambda a: True)
    assert (None, "member_overloaded", OWNER) in found
    gaps = {a for a, code, _ in found if code == "role_missing"}
    assert gaps == set(r.key_accounts) - {"A00001"}  # the key accounts need their roles
    assert ("A00001", "plan_target_behind", "opportunity[0]") in found
    assert ("A00001", "plan_review_overdue", "account_plan") in found
    assert r.account("A00001").plan_progress == 0.0
    assert ("A00001", "commitment_overdue", "T-C1") in found
    assert ("A00001", "ack_late", "T-Q1") in found
    assert ("A00001", "ack_overdue", "T-Q2") in found
    assert ("T-NEW", "cadence_overdue", "formal_contact") in found
    assert (None, "over_committed", OWNER) in found
    assert (rescued, "rescue", None) in found
    codes = {(a.account_id, a.code) for a in r.alerts}
    assert ("A00002", "customisation_over_limit") in codes
    assert (low.account_id, "below_exit_once") in codes
    # every key account after the review: its plan, evaluation and yearly assessment,
    # due since the cooperation began (long ago) and never recorded
    due = {
        (a.account_id, a.evidence["kind"])
        for a in r.alerts
        if a.code == "review_overdue" and a.subject_id == a.account_id
    }
    for aid in r.key_accounts:
        for kind in ("account_plan", "customer_evaluation", "yearly_assessment"):
            assert (aid, kind) in due
    assert {a for a, _ in due} == set(r.key_accounts)
    assert {a.kind for a in r.alerts} == set(AlertKind)
    first_of = {a.code: a for a in reversed(r.alerts)}
    assert first_of["over_committed"].severity is Severity.WARNING
    assert first_of["customisation_over_limit"].severity is Severity.WARNING
    assert first_of["rescue"].severity is Severity.CRITICAL
    assert first_of["below_exit_once"].severity is Severity.WATCH
    assert first_of["review_overdue"].severity is Severity.WARNING
    assert first_of["ack_overdue"].severity is Severity.WARNING
    (late,) = [a for a in r.alerts if a.subject_id == LATE_C.id and a.code == "commitment_overdue"]
    assert (late.due, late.severity) == (LATE_C.due, Severity.CRITICAL)  # never warned
    assert (LATE_C.account_id, "warning_missing", LATE_C.id) in found
    # the account reviews say the same
    assert r.account(low.account_id).key_decision == "retain"
    assert r.account(low.account_id).key_account is True


def test_a_commitment_due_at_as_of_is_not_overdue_one_tick_later_it_is() -> None:
    p = triggered()
    on_the_day = Commitment.propose(
        "T-C3", "A00001", "Go-live", OWNER, AS_OF, 1, at=AS_OF - 9 * D
    ).transition("committed", AS_OF - 8 * D)
    p = attrs.evolve(p, commitments=[*p.commitments, on_the_day])
    overdue = ("A00001", "commitment_overdue", "T-C3")
    assert overdue not in keys(review(p, as_of=AS_OF), lambda a: True)
    assert overdue in keys(review(p, as_of=AS_OF + US), lambda a: True)


def test_review_passes_its_policy_and_tiers_to_the_rules() -> None:
    p = triggered()
    default = keys(review(p, as_of=AS_OF), lambda a: True)
    assert {("A00001", "ack_late", "T-Q1"), ("A00001", "ack_overdue", "T-Q2")} <= default
    assert ("T-NEW", "cadence_overdue", "formal_contact") in default
    policy = OperationsPolicy(
        complaints=ComplaintPolicy(ack_hours=3.5),
        cadence=CadencePolicy(by_tier={"quiet": []}),
    )
    r = review(p, as_of=AS_OF, policy=policy, tiers={"T-NEW": "quiet"})
    changed = keys(r, lambda a: True)
    assert ("A00001", "ack_late", "T-Q1") not in changed  # 3 h <= 3.5 h
    assert ("A00001", "ack_overdue", "T-Q2") not in changed  # 3 h: still running
    assert ("T-NEW", "cadence_overdue", "formal_contact") not in changed
    # what the changed policies do not govern stays
    assert {k for k in default if "ack_" not in k[1] and k[0] != "T-NEW"} <= changed


def test_capacity_counts_the_commitments_due_in_the_next_window() -> None:
    p = triggered()
    # T-C2 (5 person-days) is the owner's one open commitment due in the next 28 days
    (load,) = [a for a in review(p, as_of=AS_OF, capacity=4.9).alerts if a.subject_id == OWNER]
    assert (load.account_id, load.kind, load.code) == (None, AlertKind.CAPACITY, "over_committed")
    within = review(p, as_of=AS_OF, capacity={OWNER: 5.0, **{
        x.owner_id: 1e9 for x in p.commitments if x.owner_id != OWNER}})  # fmt: skip
    assert (None, "over_committed", OWNER) not in keys(within, lambda a: True)
    # a 4-day window ends before it is due
    short = OperationsPolicy(capacity_window_days=4)
    r4 = review(p, as_of=AS_OF, capacity=4.9, policy=short)
    assert (None, "over_committed", OWNER) not in keys(r4, lambda a: True)


def test_rescue_fires_at_exactly_20_percent_and_not_just_above() -> None:
    p = base(0)
    r = review(p, as_of=AS_OF)
    x = next(x for x in r.accounts if x.health > 1.0)
    at_limit = review(p, as_of=AS_OF, previous_health={x.account_id: x.health / 0.8})
    assert (x.account_id, "rescue", None) in keys(at_limit, lambda a: True)
    (a,) = [a for a in at_limit.alerts if a.code == "rescue"]
    assert a.evidence == {"previous": x.health / 0.8, "current": x.health}
    short = review(p, as_of=AS_OF, previous_health={x.account_id: x.health / 0.8 * (1 - 1e-9)})
    assert "rescue" not in {a.code for a in short.alerts}
    # an account without a previous score is never rescued; the 20 % is a default
    assert "rescue" not in {a.code for a in review(p, as_of=AS_OF, previous_health={}).alerts}
    policy = OperationsPolicy(rescue_drop=0.1)
    prev = {x.account_id: x.health / 0.9}
    assert "rescue" in {
        a.code for a in review(p, as_of=AS_OF, previous_health=prev, policy=policy).alerts
    }


# ----------------------------------------------------------- threading quarter to quarter
def test_previous_threads_the_requalification_from_quarter_to_quarter() -> None:
    p = base(1)
    first = review(p, as_of=AS_OF)
    low = min(first.accounts, key=lambda x: (x.points, x.account_id)).account_id
    t1, t2 = AS_OF, add_months(AS_OF, 3)
    ids = [*first.key_accounts, low]
    r1 = review(p, as_of=t1, key_accounts=ids)
    assert r1.requalification is not None
    assert r1.requalification.next_due == t2
    assert r1.account(low).key_decision == "retain"
    assert r1.key_accounts == r1.requalification.key_accounts
    assert low in r1.key_accounts
    p2 = base(1, t2)
    r2 = review(p2, as_of=t2, key_accounts=r1.key_accounts, previous=r1.requalification)
    assert r2.requalification is not None
    assert r2.account(low).key_decision == "retire"
    assert r2.account(low).key_account is False
    assert low not in r2.key_accounts
    assert (low, "retire_key_account") in {(a.account_id, a.code) for a in r2.alerts}
    # without `previous`, the same quarter is one more first evaluation: no retirement
    fresh = review(p2, as_of=t2, key_accounts=r1.key_accounts)
    assert fresh.account(low).key_decision == "retain"
    # the same evaluation passed twice would count a quarter twice
    with pytest.raises(InvalidValueError):
        review(p, as_of=t1, key_accounts=r1.key_accounts, previous=r1.requalification)


def test_the_default_requalification_is_tied_to_the_identification_threshold() -> None:
    p = base(0)
    scorers = ReviewScorers(identification=WeightedPoints(threshold=5.0))
    r = review(p, as_of=AS_OF, scorers=scorers, key_accounts=[])
    rq = r.requalification
    assert rq is not None
    assert (rq.policy.entry, rq.policy.exit) == (5.0, 5.0 - REQUALIFICATION_GAP)
    assert REQUALIFICATION_GAP == 0.5
    assert r.key_accounts == tuple(x for x in rq.key_accounts)
    promoted = {d.account_id for d in rq.decisions if d.action == "promote"}
    assert promoted == {x.account_id for x in r.accounts if x.key_account}


def test_a_key_list_outside_5_to_25_is_a_guardrail_alert_of_no_account() -> None:
    p = base(0)
    top = review(p, as_of=AS_OF).key_accounts[0]
    r = review(p, as_of=AS_OF, key_accounts=[top], scorers=ReviewScorers(
        identification=WeightedPoints(threshold=9.9)))  # fmt: skip
    (g,) = [a for a in r.alerts if a.account_id is None]
    assert (g.kind, g.code, g.severity) == (
        AlertKind.QUALIFICATION,
        "key_list_too_few",
        Severity.WARNING,
    )
    assert r.guardrail is not None
    assert "fewer than 5" in r.guardrail
    assert all(g not in x.alerts for x in r.accounts)


# ------------------------------------------------------------------------- determinism
@pytest.mark.parametrize("seed", SEEDS)
def test_two_calls_give_equal_reviews_and_plain_json(seed: int) -> None:
    p = base(seed)
    kw = everything(p)
    a = review(p, as_of=AS_OF, **kw)
    b = review(p, as_of=AS_OF, **kw)
    assert a == b
    assert a.to_dict() == b.to_dict()
    assert configs(a) == configs(b)
    text = json.dumps(a.to_dict(), allow_nan=False)
    assert json.loads(text) == a.to_dict()
    json.dumps(a.summary(), allow_nan=False)
    assert sum(sum(v.values()) for v in a.counts().values()) == len(a.alerts)


@given(seeds, st.booleans())
def test_every_alert_is_a_valid_alert_in_canonical_order(seed: int, full: bool) -> None:
    p = base(seed)
    r = review(p, as_of=AS_OF, **(everything(p) if full else {}))
    assert r.alerts == sort_alerts(r.alerts)
    ids = {a.id for a in p.accounts}
    for a in r.alerts:
        rebuilt = Alert(
            a.account_id, a.kind, a.code, a.severity, a.reason, dict(a.evidence),
            due=a.due, subject_id=a.subject_id,
        )  # fmt: skip
        assert a == rebuilt
        assert a.sort_key() == rebuilt.sort_key()
        assert a.to_dict() == rebuilt.to_dict()
        assert a.code in CODES[a.kind], (a.kind, a.code)
        assert a.account_id is None or a.account_id in ids
    for x in r.accounts:
        assert x.alerts == tuple(a for a in r.alerts if a.account_id == x.account_id)
    loose = [a for a in r.alerts if a.account_id is None]
    assert {a.kind for a in loose} <= {AlertKind.CAPACITY, AlertKind.QUALIFICATION}
    assert sum(len(x.alerts) for x in r.accounts) + len(loose) == len(r.alerts)
    assert [a.to_dict() for a in loose] == r.to_dict()["other_alerts"]


def test_health_codes_cover_every_health_alert() -> None:
    assert set(HEALTH_CODES) == {
        "health_red", "health_yellow", "health_green_watch", "purchase_decline", "rescue",
    }  # fmt: skip
    for code, text in HEALTH_CODES.items():
        assert text.endswith(("[000].", "[003].")), code


def test_health_code_texts_say_each_word_once() -> None:
    for text in HEALTH_CODES.values():
        words = text.split()
        assert all(a != b for a, b in itertools.pairwise(words)), text


# --------------------------------------------------------------------- order of records
@given(seeds, st.randoms(use_true_random=False), st.booleans())
def test_the_order_of_the_records_never_changes_the_review(
    seed: int, rnd: random.Random, full: bool
) -> None:
    p = base(seed)
    kw = everything(p) if full else {}
    want = review(p, as_of=AS_OF, **kw)
    others = [f for f in RECORDS if f != "interactions"]
    q = interleaved(shuffled(p, rnd, others), rnd)
    kw = {k: reordered(v, rnd) for k, v in kw.items()}  # the arguments' order too
    got = review(q, as_of=AS_OF, **kw)
    assert got == want
    assert plain(got) == plain(want)
    assert configs(got) == configs(want)  # the fit of every scorer is order-free too
    pins = pinned(want)
    assert review(q, as_of=AS_OF, scorers=pins, **kw) == want


def test_pinned_scorers_reproduce_the_fitted_review() -> None:
    p = base(0)
    r = review(p, as_of=AS_OF)
    pins = pinned(r)
    assert pins.matrix.is_fitted
    assert pins.identification.is_fitted
    assert pins.health.is_fitted
    again = review(p, as_of=AS_OF, scorers=pins)
    assert again == r
    assert configs(again) == configs(r)


def test_interaction_order_moves_only_the_last_bits_of_interaction_frequency() -> None:
    """What the xfail below pins: one feature column, a rounding of the sum's order."""
    from kamlib.features import extract_features

    p = base(0)
    want = extract_features(p, as_of=AS_OF).to_columns()
    for k in range(5):
        q = shuffled(p, random.Random(k), ["interactions"])
        got = extract_features(q, as_of=AS_OF).to_columns()
        for name, column in want.items():
            if name == "interaction_frequency":
                assert got[name] == pytest.approx(column, rel=1e-12)
            else:
                assert str(got[name].tolist()) == str(column.tolist()), name


def test_shuffling_the_interactions_changes_no_review() -> None:
    p = base(0)
    want = review(p, as_of=AS_OF)
    for k in range(5):
        got = review(shuffled(p, random.Random(k), ["interactions"]), as_of=AS_OF)
        assert got == want


# ------------------------------------------------------------ other accounts, pinned
@given(seeds, st.data())
def test_another_account_changes_no_account_review_with_pinned_scorers(
    seed: int, data: st.DataObject
) -> None:
    p = base(seed)
    pins = pinned(review(p, as_of=AS_OF))
    full = review(p, as_of=AS_OF, scorers=pins)
    aid = data.draw(st.sampled_from([a.id for a in p.accounts]))
    less = review(without(p, aid), as_of=AS_OF, scorers=pins)
    assert less.accounts == tuple(x for x in full.accounts if x.account_id != aid)
    # every account's alert stays; only the list-wide guardrail (account None) may move
    mine = tuple(a for a in full.alerts if a.account_id not in (aid, None))
    assert tuple(a for a in less.alerts if a.account_id is not None) == mine


def test_a_hand_built_account_changes_no_other_account_with_pinned_scorers() -> None:
    p = base(2)
    pins = pinned(review(p, as_of=AS_OF))
    full = review(p, as_of=AS_OF, scorers=pins)
    more = attrs.evolve(p, accounts=[*p.accounts, NEW])
    r = review(more, as_of=AS_OF, scorers=pins)
    assert tuple(x for x in r.accounts if x.account_id != NEW.id) == full.accounts
    others = tuple(a for a in r.alerts if a.account_id not in (NEW.id, None))
    assert others == tuple(a for a in full.alerts if a.account_id is not None)
    assert r.account(NEW.id).quadrant is None  # no strategic assessment
    assert ("T-NEW", "cadence_overdue", "formal_contact") in keys(r, lambda a: True)


# ----------------------------------------------------------------- as_of moving forward
later = st.floats(min_value=0.0, max_value=120.0, allow_nan=False)


@st.composite
def open_complaints(draw: st.DrawFn) -> list[Complaint]:
    """Open complaints received in the last 40 hours, some acknowledged, none resolved."""
    out = []
    for k in range(draw(st.integers(0, 3))):
        received = AS_OF - draw(st.integers(0, 40 * 3600)) * dt.timedelta(seconds=1)
        ack = draw(st.none() | st.integers(0, 40 * 3600))
        at = None if ack is None else min(AS_OF, received + ack * dt.timedelta(seconds=1))
        out.append(Complaint(f"T-Q{k}", "A00003", "A00003-S0", received, "x", acknowledged_at=at))
    return out


RULES = {r.name: r for r in DEFAULT_CADENCE}


@given(seeds, later, later, open_complaints())
def test_moving_as_of_forward_never_undoes_an_overdue(
    seed: int, d1: float, d2: float, complaints: list[Complaint]
) -> None:
    p = base(seed)
    p = attrs.evolve(p, complaints=[*p.complaints, *complaints])
    t1 = AS_OF + min(d1, d2) * D
    t2 = AS_OF + max(d1, d2) * D
    r1 = review(p, as_of=t1)
    r2 = review(p, as_of=t2)
    now = keys(r2, lambda a: True)
    overdue = keys(
        r1,
        lambda a: (
            a.code == "commitment_overdue"
            or (a.kind is AlertKind.COMPLAINT and a.code.endswith("_overdue"))
        ),
    )
    assert overdue <= now
    for aid, code, rule in keys(r1, lambda a: a.code == "cadence_overdue"):
        r = RULES[rule]
        months = p.account(aid).months_since_start(t2.date())
        if r.from_month <= months and (r.until_month is None or months < r.until_month):
            assert (aid, code, rule) in now  # still in the same phase: still overdue


# ------------------------------------------------------------------------- bad input
def _review(**kw: Any) -> PortfolioReview:
    args: dict[str, Any] = {"as_of": AS_OF}
    args.update(kw)
    portfolio = args.pop("portfolio", base(0))
    return review(portfolio, **args)


@pytest.mark.parametrize(
    ("kw", "error", "path"),
    [
        ({"as_of": dt.datetime(2026, 1, 1)}, InvalidValueError, "review.as_of"),
        ({"as_of": "2026-01-01"}, InvalidTypeError, "review.as_of"),
        ({"portfolio": [1]}, InvalidTypeError, "review.portfolio"),
        ({"scorers": ValueMatrix()}, InvalidTypeError, "review.scorers"),
        ({"policy": CommitmentPolicy()}, InvalidTypeError, "review.policy"),
        ({"key_accounts": ["NOPE"]}, UnknownIdError, "review.key_accounts"),
        ({"key_accounts": "A00001"}, InvalidTypeError, "review.key_accounts"),
        ({"key_accounts": 7}, InvalidTypeError, "review.key_accounts"),
        ({"key_accounts": ["A00001", 7]}, InvalidTypeError, "review.key_accounts"),
        ({"tiers": {"NOPE": "gold"}}, UnknownIdError, "review.tiers"),
        ({"customisation_costs": [1.0]}, InvalidTypeError, "review.customisation_costs"),
        ({"capacity": 0}, InvalidValueError, "capacity_check.capacity"),
        ({"capacity": -1.0}, InvalidValueError, "capacity_check.capacity"),
        ({"capacity": "lots"}, InvalidTypeError, "capacity_check.capacity"),
        ({"reviews": "x"}, InvalidTypeError, "review_calendar.records"),
        ({"reviews": [1]}, InvalidTypeError, "review_calendar.records[0]"),
    ],
)
def test_bad_arguments_get_a_typed_error_naming_them(
    kw: dict[str, Any], error: type[Exception], path: str
) -> None:
    with pytest.raises(error) as err:
        _review(**kw)
    assert getattr(err.value, "path", None) == path


def test_previous_needs_the_key_list_it_led_to() -> None:
    p = base(0)
    r = review(p, as_of=AS_OF, key_accounts=[])
    with pytest.raises(InvalidValueError) as err:
        review(p, as_of=add_months(AS_OF, 3), previous=r.requalification)
    assert err.value.path == "review.previous"


def test_unknown_ids_in_customisation_costs_are_named() -> None:
    with pytest.raises(UnknownIdError) as err:
        _review(customisation_costs={"NOPE": 1.0})
    assert err.value.path == "customisation_guard.costs['NOPE']"


LATER = AS_OF + US


@pytest.mark.parametrize(
    ("change", "path"),
    [
        (
            lambda p: {
                "complaints": [Complaint("T-Q", "A00001", OWNER, LATER, "x"), *p.complaints]
            },
            "Portfolio.complaints[0].received_at",
        ),
        (
            lambda p: {
                "complaints": [
                    *p.complaints,
                    Complaint("T-Q", "A00001", OWNER, AS_OF, "x", first_plan_at=LATER),
                ]
            },
            f"Portfolio.complaints[{len(base(0).complaints)}].first_plan_at",
        ),
        (
            lambda p: {
                "interactions": [
                    attrs.evolve(p.interactions[0], id="T-I", at=LATER),
                    *p.interactions,
                ]
            },
            "Portfolio.interactions[0].at",
        ),
        (
            lambda p: {"commitments": [*p.commitments, LATE_C.transition("in_progress", LATER)]},
            f"Portfolio.commitments[{len(base(0).commitments)}].history[2].at",
        ),
    ],
)
def test_a_record_after_as_of_is_refused_naming_it(
    change: Callable[[Portfolio], dict[str, Any]], path: str
) -> None:
    p = base(0)
    with pytest.raises(InvalidValueError) as err:
        review(attrs.evolve(p, **change(p)), as_of=AS_OF)
    assert err.value.path == path
    # exactly at as_of is read
    review(p, as_of=AS_OF)


def test_bad_records_are_refused_by_the_records_themselves() -> None:
    with pytest.raises(InvalidValueError) as err:
        Complaint("Q", "A1", "U1", AS_OF, "x", acknowledged_at=AS_OF - US)
    assert err.value.path == "Complaint.acknowledged_at"
    with pytest.raises(InvalidValueError) as err:
        Complaint("Q", "A1", "U1", dt.datetime(2026, 1, 1), "x")
    assert err.value.path == "Complaint.received_at"


@pytest.mark.parametrize(
    ("kw", "error", "path"),
    [
        ({"decline": 1.5}, InvalidValueError, "OperationsPolicy.decline"),
        ({"decline": 0}, InvalidValueError, "OperationsPolicy.decline"),
        ({"decline": True}, InvalidTypeError, "OperationsPolicy.decline"),
        ({"rescue_drop": 1.0}, InvalidValueError, "OperationsPolicy.rescue_drop"),
        ({"rescue_drop": float("nan")}, InvalidValueError, "OperationsPolicy.rescue_drop"),
        ({"customisation_limit": 0.0}, InvalidValueError, "OperationsPolicy.customisation_limit"),
        ({"customisation_limit": "15%"}, InvalidTypeError, "OperationsPolicy.customisation_limit"),
        ({"capacity_window_days": 0}, InvalidValueError, "OperationsPolicy.capacity_window_days"),
        ({"capacity_window_days": 2.5}, InvalidTypeError, "OperationsPolicy.capacity_window_days"),
        (
            {"capacity_window_days": 36_526},
            InvalidValueError,
            "OperationsPolicy.capacity_window_days",
        ),
    ],
)
def test_operations_policy_numbers_are_checked(
    kw: dict[str, Any], error: type[Exception], path: str
) -> None:
    with pytest.raises(error) as err:
        OperationsPolicy(**kw)
    assert getattr(err.value, "path", None) == path


def test_operations_policy_defaults_are_the_sources() -> None:
    p = OperationsPolicy()
    assert (p.decline, p.rescue_drop, p.customisation_limit) == (0.15, 0.20, 0.15)
    assert p.capacity_window_days == 28
    assert p.requalification is None
    assert OperationsPolicy(capacity_window_days=36_525).capacity_window_days == 36_525


@pytest.mark.parametrize(
    ("make", "path"),
    [
        (lambda: OperationsPolicy(commitments="x"), "OperationsPolicy.commitments"),  # type: ignore[arg-type]
        (lambda: OperationsPolicy(requalification=3), "OperationsPolicy.requalification"),  # type: ignore[arg-type]
        (lambda: ReviewScorers(matrix="x"), "ReviewScorers.matrix"),  # type: ignore[arg-type]
        (lambda: ReviewScorers(health=None), "ReviewScorers.health"),  # type: ignore[arg-type]
    ],
)
def test_policies_and_scorers_of_the_wrong_type_are_typed_errors(
    make: Callable[[], object], path: str
) -> None:
    with pytest.raises(InvalidTypeError) as err:
        make()
    assert err.value.path == path


@pytest.mark.parametrize(
    ("value", "error", "path"),
    [
        ([50.0], InvalidTypeError, "review.previous_health"),
        ({"A00001": "high"}, InvalidTypeError, "review.previous_health['A00001']"),
        ({"A00001": float("inf")}, InvalidValueError, "review.previous_health['A00001']"),
    ],
)
def test_bad_previous_health_is_named(value: object, error: type[Exception], path: str) -> None:
    with pytest.raises(error) as err:
        _review(previous_health=value)
    assert getattr(err.value, "path", None) == path


def _future_purchase(p: Portfolio) -> dict[str, Any]:
    return {"purchases": [Purchase("T-S", "A00001", LATER, Money(5, "CNY")), *p.purchases]}


def _account_with(p: Portfolio, **kw: Any) -> dict[str, Any]:
    a = p.accounts[0]
    more: dict[str, Any] = {k: (*getattr(a, k), v) for k, v in kw.items()}
    changed = attrs.evolve(a, **more)
    return {"accounts": [changed, *p.accounts[1:]]}


@pytest.mark.parametrize(
    ("change", "path"),
    [
        (_future_purchase, "Portfolio.purchases[0].at"),
        (
            lambda p: _account_with(p, surveys=SatisfactionSurvey(LATER, 10.0)),
            f"Portfolio.accounts[0].surveys[{len(base(0).accounts[0].surveys)}].at",
        ),
        (
            lambda p: _account_with(p, nps=NpsResponse(LATER, 0)),
            f"Portfolio.accounts[0].nps[{len(base(0).accounts[0].nps)}].at",
        ),
        (
            lambda p: _account_with(p, risk_signals=RiskSignal("budget_frozen", LATER)),
            f"Portfolio.accounts[0].risk_signals[{len(base(0).accounts[0].risk_signals)}].at",
        ),
    ],
)
def test_account_records_after_as_of_are_refused(
    change: Callable[[Portfolio], dict[str, Any]], path: str
) -> None:
    p = base(0)
    with pytest.raises(InvalidValueError) as err:
        review(attrs.evolve(p, **change(p)), as_of=AS_OF)
    assert err.value.path == path


@pytest.mark.parametrize("case", ["none_assessed", "a_year_later"])
def test_an_unfitted_scorer_without_any_observation_is_a_typed_error(case: str) -> None:
    # no account has a strategic assessment (or, a year on, any recent figure): the
    # identification scorer cannot learn a range for that criterion; pin it instead
    p = base(0)
    as_of = AS_OF
    if case == "none_assessed":
        p = attrs.evolve(p, accounts=[attrs.evolve(a, strategic=None) for a in p.accounts])
    else:
        as_of = add_months(AS_OF, 24)
    with pytest.raises(InvalidValueError) as err:
        review(p, as_of=as_of)
    assert err.value.path.startswith("weighted_points.fit[")
    pins = pinned(review(base(0), as_of=AS_OF))
    r = review(p, as_of=as_of, scorers=pins)  # pinned scorers review it
    assert len(r.accounts) == len(p.accounts)
    assert all(x.quadrant is None for x in r.accounts)  # nothing to place either way


@pytest.mark.parametrize("case", ["no_figures", "empty"])
def test_a_portfolio_the_matrix_cannot_place_is_still_reviewed(case: str) -> None:
    p = base(0)
    as_of = AS_OF
    if case == "no_figures":
        p = attrs.evolve(p, accounts=[attrs.evolve(p.accounts[0], figures=()), *p.accounts[1:]])
    elif case == "none_assessed":
        p = attrs.evolve(p, accounts=[attrs.evolve(a, strategic=None) for a in p.accounts])
    elif case == "empty":
        p = Portfolio()
    else:
        as_of = add_months(AS_OF, 24)
    r = review(p, as_of=as_of)
    unplaced = {x.account_id for x in r.accounts if x.quadrant is None}
    assert len(r.accounts) == len(p.accounts)
    assert case == "empty" or unplaced


# ---------------------------------------------------------------------------- the demo
def test_the_demo_prints_the_review_as_section_5(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--accounts", "20", "--seed", "3", "--json"]) == 0
    inbox = json.loads(capsys.readouterr().out)["inbox"]
    want = review(synthetic_portfolio(20, seed=3, as_of=AS_OF), as_of=AS_OF).summary()
    assert inbox == json.loads(json.dumps(want))
    assert main(["demo", "--accounts", "20", "--seed", "3"]) == 0
    text = capsys.readouterr().out
    section = text[text.index("5. Alerts inbox (kamlib.operations.review)") :]
    assert f"{want['alerts']} alerts on 20 accounts" in section
    for kind in want["by_kind"]:
        assert f"  {kind} " in section
    if want["worst"]:
        top = want["worst"][0]
        assert f"[{top['top']['severity']}] {top['top']['code']}" in section


def test_account_review_examples_hold() -> None:
    a = Alert("A1", "cadence", "cadence_overdue", "watch", "late")
    b = Alert("A1", "complaint", "ack_overdue", "critical", "late")
    r = AccountReview("A1", "Acme", None, False, 1.0, 50.0, "green", (), (b, a))
    assert r.worst is Severity.CRITICAL
    assert (r.count("watch"), r.count(Severity.CRITICAL), r.count("info")) == (1, 1, 0)
    with pytest.raises(ValueError, match="urgent"):
        r.count("urgent")
    with pytest.raises(UnknownIdError) as err:
        review(base(0), as_of=AS_OF).account("NOPE")
    assert err.value.path == "PortfolioReview.account.account_id"
