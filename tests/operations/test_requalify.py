"""Key-account re-qualification: boundaries, the streak, the dwell, the cap, the history."""

from __future__ import annotations

import datetime as dt
import itertools
import math
import random
from collections.abc import Mapping, Sequence

import attrs
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kamlib.errors import InvalidTypeError, InvalidValueError, UnknownIdError
from kamlib.operations import (
    REQUALIFICATION_CODES,
    REQUALIFICATION_REASONS,
    Alert,
    AlertKind,
    Decision,
    Requalification,
    RequalificationPolicy,
    Severity,
    requalification_alerts,
    requalify,
)
from kamlib.scoring import KeyAccountList, ScoreTable, WeightedPoints

T0 = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
P = RequalificationPolicy(entry=7.0, exit=6.0, bounds=(1, 25))


def below(x: float) -> float:
    return float(np.nextafter(x, -math.inf))


def run(
    current: Sequence[str],
    scores: ScoreTable | Mapping[str, float],
    policy: RequalificationPolicy = P,
    previous: Requalification | None = None,
    as_of: dt.datetime | None = None,
) -> Requalification:
    if as_of is None:
        as_of = T0 if previous is None else previous.next_due
    return requalify(current, scores, as_of=as_of, policy=policy, previous=previous)


def thread(
    quarters: Sequence[Mapping[str, float]],
    current: Sequence[str],
    policy: RequalificationPolicy = P,
) -> list[Requalification]:
    out: list[Requalification] = []
    prev: Requalification | None = None
    listed: Sequence[str] = current
    for scores in quarters:
        prev = run(listed, scores, policy, prev)
        listed = prev.key_accounts
        out.append(prev)
    return out


def what(r: Requalification, account_id: str) -> tuple[str, str]:
    d = r.decision_of(account_id)
    return d.action, d.code


# ------------------------------------------------------------------ source numbers, boundaries
def test_defaults_are_the_sources_and_kamlibs() -> None:
    p = RequalificationPolicy(entry=7, exit=6)
    assert p.bounds == (5, 25)  # source [004]
    assert p.bounds == WeightedPoints().list_bounds  # one home for the guardrail
    assert p.interval_months == 3  # source [002]
    assert (p.exit_quarters, p.min_dwell, p.cap_promotions) == (2, 1, True)  # kamlib's


def test_entry_exactly_promotes_a_hair_below_does_not() -> None:
    r = run([], {"A": 7.0, "B": below(7.0)})
    assert what(r, "A") == ("promote", "meets_entry")
    assert what(r, "B") == ("stay_out", "below_entry")
    assert r.key_accounts == ("A",)


def test_exit_exactly_is_not_below_exit_a_hair_below_is() -> None:
    r = run(["A", "B"], {"A": 6.0, "B": below(6.0)})
    assert what(r, "A") == ("retain", "above_exit")
    assert r.decision_of("A").below_exit_streak == 0
    assert what(r, "B") == ("retain", "below_exit_once")
    assert r.decision_of("B").below_exit_streak == 1


def test_a_key_account_between_exit_and_entry_stays() -> None:
    r = run(["A"], {"A": 6.5})
    assert what(r, "A") == ("retain", "above_exit")


def test_one_quarter_below_exit_retains_the_second_retires() -> None:
    r1, r2 = thread([{"A": 5.0}, {"A": 5.0}], ["A"])
    assert what(r1, "A") == ("retain", "below_exit_once")
    assert what(r2, "A") == ("retire", "below_exit_confirmed")
    assert r2.decision_of("A").below_exit_streak == 2
    assert r2.decision_of("A").periods_in_state == 1
    assert r2.key_accounts == ()


def test_an_interrupted_streak_starts_again() -> None:
    rs = thread([{"A": 5.0}, {"A": 6.0}, {"A": 5.0}, {"A": 5.0}], ["A"])
    assert [what(r, "A")[1] for r in rs] == [
        "below_exit_once",
        "above_exit",
        "below_exit_once",
        "below_exit_confirmed",
    ]


def test_exit_quarters_three_and_one() -> None:
    p3 = attrs.evolve(P, exit_quarters=3)
    rs = thread([{"A": 5.0}] * 3, ["A"], p3)
    assert [what(r, "A")[0] for r in rs] == ["retain", "retain", "retire"]
    assert [r.decision_of("A").below_exit_streak for r in rs] == [1, 2, 3]
    p1 = attrs.evolve(P, exit_quarters=1)
    assert what(run(["A"], {"A": 5.0}, p1), "A") == ("retire", "below_exit_confirmed")


def test_min_dwell_holds_a_promotion_and_a_retirement() -> None:
    p = attrs.evolve(P, min_dwell=2, exit_quarters=1)
    rs = thread([{"A": 8.0, "K": 5.0}, {"A": 8.0, "K": 5.0}], ["K"], p)
    # first run: every state counts as held for one evaluation, fewer than 2
    assert what(rs[0], "A") == ("stay_out", "held_by_dwell")
    assert what(rs[0], "K") == ("retain", "held_by_dwell")
    assert what(rs[1], "A") == ("promote", "meets_entry")
    assert what(rs[1], "K") == ("retire", "below_exit_confirmed")


def test_dwell_after_a_promotion_keeps_a_new_key_account() -> None:
    p = attrs.evolve(P, min_dwell=3, exit_quarters=1)
    rs = thread([{"A": 8.0}] * 3 + [{"A": 5.0}] * 3, [], p)
    # first seen off the list: it waits like any other state (admitting late is the
    # lesser harm, source [004]); then, once promoted, it stays three evaluations
    assert [what(r, "A") for r in rs] == [
        ("stay_out", "held_by_dwell"),
        ("stay_out", "held_by_dwell"),
        ("promote", "meets_entry"),
        ("retain", "held_by_dwell"),
        ("retain", "held_by_dwell"),
        ("retire", "below_exit_confirmed"),
    ]
    assert [r.decision_of("A").periods_in_state for r in rs] == [2, 3, 1, 2, 3, 1]
    assert [r.decision_of("A").below_exit_streak for r in rs] == [0, 0, 0, 1, 2, 3]


def test_exactly_the_upper_bound_after_promotions_is_fine() -> None:
    p = RequalificationPolicy(entry=7, exit=6)
    listed = [f"K{i:02d}" for i in range(20)]
    scores = dict.fromkeys(listed, 8.0) | {f"N{i}": 7.5 + i / 10 for i in range(5)}
    r = run(listed, scores, p)
    assert len(r.key_accounts) == 25
    assert r.flag is None
    assert all(d.action in ("retain", "promote") for d in r.decisions)


def test_one_over_the_upper_bound_defers_the_lowest_promotion() -> None:
    p = RequalificationPolicy(entry=7, exit=6)
    listed = [f"K{i:02d}" for i in range(20)]
    scores = dict.fromkeys(listed, 8.0) | {f"N{i}": 7.5 + i / 10 for i in range(6)}
    r = run(listed, scores, p)
    assert len(r.key_accounts) == 25
    assert what(r, "N0") == ("defer", "deferred_over_bound")  # the lowest, 7.5
    assert all(what(r, f"N{i}")[0] == "promote" for i in range(1, 6))
    assert r.flag is None


def test_a_tie_at_the_cap_is_broken_by_id() -> None:
    p = RequalificationPolicy(entry=7, exit=6, bounds=(1, 2))
    r = run(["K"], {"K": 8.0, "B": 7.5, "A": 7.5}, p)
    assert what(r, "A") == ("promote", "meets_entry")
    assert what(r, "B") == ("defer", "deferred_over_bound")


def test_the_cap_never_demotes_an_existing_key_account() -> None:
    p = RequalificationPolicy(entry=7, exit=6)
    listed = [f"K{i:02d}" for i in range(26)]
    r = run(listed, dict.fromkeys(listed, 6.5) | {"N": 9.9}, p)
    assert len(r.key_accounts) == 26
    assert what(r, "N") == ("defer", "deferred_over_bound")
    assert r.flag == "too_many"
    assert r.message == "26 key accounts: more than 25 (source [004]: keep 5 to 25)"


def test_without_the_cap_every_qualifying_account_is_promoted() -> None:
    p = RequalificationPolicy(entry=7, exit=6, cap_promotions=False)
    listed = [f"K{i:02d}" for i in range(25)]
    r = run(listed, dict.fromkeys(listed, 8.0) | {"N": 7.0}, p)
    assert what(r, "N") == ("promote", "meets_entry")
    assert len(r.key_accounts) == 26
    assert r.flag == "too_many"


def test_four_is_too_few_five_is_within() -> None:
    p = RequalificationPolicy(entry=7, exit=6)
    four = run([], {f"A{i}": 8.0 for i in range(4)}, p)
    five = run([], {f"A{i}": 8.0 for i in range(5)}, p)
    assert four.flag == "too_few"
    assert four.message == "4 key accounts: fewer than 5 (source [004]: keep 5 to 25)"
    assert five.flag is None
    # the lower bound is only flagged: the list is never filled with accounts below entry
    assert run([], {f"A{i}": 6.9 for i in range(9)}, p).key_accounts == ()


@pytest.mark.parametrize(
    ("n", "flag"), [(1, "too_few"), (4, "too_few"), (5, None), (26, "too_many")]
)
def test_message_is_worded_as_key_account_list(n: int, flag: str | None) -> None:
    p = RequalificationPolicy(entry=7, exit=6, cap_promotions=False)
    r = run([], {f"A{i:02d}": 8.0 for i in range(n)}, p)
    kal = KeyAccountList(r.key_accounts, (8.0,) * n, (5, 25), r.flag)
    assert r.flag == flag
    assert r.message == kal.message


def test_next_due_is_three_calendar_months_later() -> None:
    r = run([], {}, as_of=dt.datetime(2025, 11, 30, 9, tzinfo=dt.UTC))
    assert r.next_due == dt.datetime(2026, 2, 28, 9, tzinfo=dt.UTC)
    p = attrs.evolve(P, interval_months=6)
    assert run([], {}, p).next_due == dt.datetime(2025, 7, 1, tzinfo=dt.UTC)


def test_an_unscored_key_account_is_retained_and_flagged() -> None:
    _, r2, r3 = thread([{"A": 5.0, "B": 9.0}, {"B": 9.0}, {"A": 5.0, "B": 9.0}], ["A", "B"])
    d = r2.decision_of("A")
    assert (d.action, d.code, d.score, d.below_exit_streak) == ("retain", "not_scored", None, 1)
    assert r2.key_accounts == ("B", "A")  # unscored accounts come last
    # the streak neither grows nor resets while not scored
    assert what(r3, "A") == ("retire", "below_exit_confirmed")
    codes = {(a.account_id, a.code, a.severity) for a in requalification_alerts(r2)}
    assert ("A", "not_scored", Severity.WATCH) in codes


def test_key_accounts_are_ranked_by_score_then_id() -> None:
    r = run(["C", "B", "A"], {"A": 6.5, "B": 9.0, "C": 6.5, "D": 8.0})
    assert r.key_accounts == ("B", "D", "A", "C")
    assert [d.account_id for d in r.decisions] == ["A", "B", "C", "D"]


def test_current_is_the_truth_about_the_list() -> None:
    p = attrs.evolve(P, min_dwell=2)
    r1 = run(["A"], {"A": 5.0, "B": 5.0}, p)
    # the caller adds B by hand and drops A: both start one evaluation in their new state
    r2 = run(["B"], {"A": 5.0, "B": 5.0}, p, previous=r1)
    assert r2.decision_of("B").below_exit_streak == 1
    assert r2.decision_of("B").periods_in_state == 2
    assert r2.decision_of("A").periods_in_state == 2
    assert what(r2, "A") == ("stay_out", "below_entry")


def test_a_retired_account_needs_the_full_entry_score_to_come_back() -> None:
    rs = thread([{"A": 5.0}, {"A": 5.0}, {"A": 6.9}, {"A": 7.0}], ["A"])
    assert [what(r, "A")[0] for r in rs] == ["retain", "retire", "stay_out", "promote"]


def test_a_multi_quarter_scenario_threading_previous() -> None:
    p = RequalificationPolicy(entry=7.0, exit=6.0, bounds=(2, 3))
    quarters = [
        {"A": 8.0, "B": 6.5, "C": 7.2, "D": 4.0},  # A, B on; C promoted; D out
        {"A": 8.0, "B": 5.9, "C": 6.1, "D": 7.5, "E": 7.6},  # B once; E, D over the cap
        {"A": 7.9, "B": 5.0, "C": 6.0, "D": 7.5, "E": 7.6},  # B retired; E promoted
        {"A": 7.9, "C": 5.0, "D": 7.5, "E": 5.0},  # C, E once; B not scored (now out)
        {"A": 7.9, "C": 6.0, "D": 7.5, "E": 5.0},  # C recovers; E retired; D promoted
    ]
    rs = thread(quarters, ["A", "B"], p)
    assert [r.key_accounts for r in rs] == [
        ("A", "C", "B"),
        ("A", "C", "B"),
        ("A", "E", "C"),
        ("A", "C", "E"),
        ("A", "D", "C"),
    ]
    assert what(rs[1], "D") == ("defer", "deferred_over_bound")
    assert what(rs[1], "E") == ("defer", "deferred_over_bound")
    assert what(rs[2], "D") == ("defer", "deferred_over_bound")  # E scores higher
    assert what(rs[2], "B") == ("retire", "below_exit_confirmed")
    assert [r.decision_of("A").periods_in_state for r in rs] == [2, 3, 4, 5, 6]
    assert [r.decision_of("D").periods_in_state for r in rs] == [2, 3, 4, 5, 1]
    assert what(rs[4], "E") == ("retire", "below_exit_confirmed")
    assert what(rs[4], "C") == ("retain", "above_exit")
    with pytest.raises(UnknownIdError):
        rs[3].decision_of("B")  # neither listed nor scored: no decision
    assert [r.as_of.date() for r in rs] == [
        dt.date(2025, 1, 1),
        dt.date(2025, 4, 1),
        dt.date(2025, 7, 1),
        dt.date(2025, 10, 1),
        dt.date(2026, 1, 1),
    ]


def test_a_score_table_and_a_mapping_give_the_same_result() -> None:
    table = ScoreTable.from_scores(["B", "A", "C"], [7.0, 5.0, 9.0], scorer="demo")
    assert run(["A"], table) == run(["A"], {"A": 5.0, "B": 7.0, "C": 9.0})


def test_from_scorer_uses_the_threshold_as_entry() -> None:
    wp = WeightedPoints(threshold=6.0, list_bounds=(3, 10), review_every_months=6)
    p = RequalificationPolicy.from_scorer(wp, gap=0.5, exit_quarters=3)
    assert (p.entry, p.exit, p.bounds, p.interval_months, p.exit_quarters) == (
        6.0,
        5.5,
        (3, 10),
        6,
        3,
    )
    assert RequalificationPolicy.from_scorer(wp, gap=0).exit == 6.0  # no hysteresis


def test_equal_entry_and_exit_is_allowed() -> None:
    p = RequalificationPolicy(entry=7, exit=7)
    assert p.bands.enter == p.bands.exit == (7.0,)


def test_inputs_are_not_mutated() -> None:
    current = ["B", "A"]
    scores = {"A": 5.0, "B": 9.0, "C": 8.0}
    run(current, scores)
    assert current == ["B", "A"]
    assert scores == {"A": 5.0, "B": 9.0, "C": 8.0}


# ---------------------------------------------------------------------------------- alerts
def test_alerts_codes_severities_and_evidence() -> None:
    p = RequalificationPolicy(entry=7, exit=6, bounds=(1, 3))
    r1 = run(["K1", "K2", "K3"], {"K1": 5.0, "K2": 8.0, "K3": 8.0, "N": 9.0}, p)
    r2 = run(r1.key_accounts, {"K1": 5.0, "K2": 8.0, "N": 9.0, "M": 7.5}, p, previous=r1)
    a1 = requalification_alerts(r1)
    a2 = requalification_alerts(r2)
    assert [(a.account_id, a.code, a.severity.value) for a in a1] == [
        ("K1", "below_exit_once", "watch"),
        ("N", "promotion_deferred", "info"),
    ]
    assert [(a.account_id, a.code, a.severity.value) for a in a2] == [
        ("K1", "retire_key_account", "warning"),
        ("K3", "not_scored", "watch"),
        ("M", "promotion_deferred", "info"),
        ("N", "promote_key_account", "info"),
    ]
    for r, alerts in ((r1, a1), (r2, a2)):
        for a in alerts:
            assert isinstance(a, Alert)
            assert a.kind is AlertKind.QUALIFICATION
            assert a.code in REQUALIFICATION_CODES
            assert a.account_id is not None
            assert a.reason == r.decision_of(a.account_id).reason
    retire = a2[0]
    assert retire.evidence["below_exit_streak"] == 2
    assert retire.evidence["score"] == 5.0
    assert retire.evidence["next_due"] == r2.next_due
    assert retire.to_dict()["evidence"]["next_due"] == "2025-07-01T00:00:00+00:00"


def test_guardrail_alerts() -> None:
    few = run([], {"A": 8.0}, RequalificationPolicy(entry=7, exit=6))
    (alert,) = requalification_alerts(few)[:1]
    assert (alert.account_id, alert.code, alert.severity) == (
        None,
        "key_list_too_few",
        Severity.WARNING,
    )
    assert alert.reason == few.message
    assert dict(alert.evidence) == {
        "high": 25,
        "key_accounts": 1,
        "low": 5,
        "next_due": few.next_due,
    }
    p = RequalificationPolicy(entry=7, exit=6, cap_promotions=False)
    many = run([], {f"A{i:02d}": 8.0 for i in range(26)}, p)
    codes = [(a.account_id, a.code) for a in requalification_alerts(many)]
    assert codes[0] == (None, "key_list_too_many")


def test_alerts_for_dwell_holds() -> None:
    p = attrs.evolve(P, min_dwell=2, exit_quarters=1)
    r = run(["K"], {"K": 5.0, "N": 9.0}, p)
    got = {(a.account_id, a.code, a.severity) for a in requalification_alerts(r)}
    assert got == {("K", "retirement_held", Severity.WATCH), ("N", "promotion_held", Severity.INFO)}


def test_every_reason_code_has_a_sentence_and_every_alert_code_a_severity() -> None:
    from kamlib.operations._requalify import _ACTIONS_OF, _ALERT_OF, _SEVERITY

    assert set(REQUALIFICATION_REASONS) == set(_ACTIONS_OF)
    assert set(REQUALIFICATION_CODES) == set(_SEVERITY)
    assert {c for _, c in _ALERT_OF} <= set(REQUALIFICATION_REASONS)
    assert set(_ALERT_OF.values()) | {"key_list_too_few", "key_list_too_many"} == set(
        REQUALIFICATION_CODES
    )


def test_routine_decisions_raise_no_alert() -> None:
    p = RequalificationPolicy(entry=7, exit=6, bounds=(1, 25))
    assert requalification_alerts(run(["A"], {"A": 6.5, "B": 3.0}, p)) == ()


# ------------------------------------------------------------------------------ properties
IDS = st.sampled_from([f"A{i}" for i in range(12)])
SCORES = st.floats(0.0, 10.0, allow_nan=False)
score_maps = st.dictionaries(IDS, SCORES, max_size=12)
policies = st.builds(
    lambda entry, gap, q, dwell, lo, hi, cap: RequalificationPolicy(
        entry,
        entry - gap,
        exit_quarters=q,
        min_dwell=dwell,
        bounds=(lo, lo + hi),
        cap_promotions=cap,
    ),
    SCORES,
    st.floats(0.0, 3.0),
    st.integers(1, 3),
    st.integers(1, 3),
    st.integers(0, 4),
    st.integers(0, 6),
    st.booleans(),
)


@st.composite
def histories(draw: st.DrawFn) -> tuple[RequalificationPolicy, Requalification | None]:
    """A policy and zero to three evaluations threaded on it."""
    policy = draw(policies)
    prev: Requalification | None = None
    listed = draw(st.lists(IDS, unique=True, max_size=8))
    for _ in range(draw(st.integers(0, 3))):
        prev = run(listed, draw(score_maps), policy, prev)
        listed = list(prev.key_accounts)
    return policy, prev


@given(histories(), st.lists(IDS, unique=True, max_size=8), score_maps, st.randoms())
def test_input_order_never_changes_the_result(
    hist: tuple[RequalificationPolicy, Requalification | None],
    current: list[str],
    scores: dict[str, float],
    rnd: random.Random,
) -> None:
    policy, prev = hist
    shuffled = list(current)
    items = list(scores.items())
    rnd.shuffle(shuffled)
    rnd.shuffle(items)
    a = run(current, scores, policy, prev)
    b = run(shuffled, dict(items), policy, prev)
    assert a == b
    table = ScoreTable.from_scores([k for k, _ in items], [v for _, v in items], scorer="x")
    assert run(shuffled, table, policy, prev) == a


@given(histories(), st.lists(IDS, unique=True, max_size=8), score_maps, SCORES)
def test_an_unrelated_account_below_entry_changes_no_other_decision(
    hist: tuple[RequalificationPolicy, Requalification | None],
    current: list[str],
    scores: dict[str, float],
    extra: float,
) -> None:
    policy, prev = hist
    base = run(current, scores, policy, prev)
    low = min(extra, below(policy.entry))
    more = run(current, {**scores, "Z-new": low}, policy, prev)
    assert more.decision_of("Z-new").action == "stay_out"
    assert tuple(d for d in more.decisions if d.account_id != "Z-new") == base.decisions
    assert more.key_accounts == base.key_accounts


@given(histories(), st.lists(IDS, unique=True, max_size=8), score_maps, SCORES, st.booleans())
def test_without_the_cap_a_decision_depends_only_on_its_own_inputs(
    hist: tuple[RequalificationPolicy, Requalification | None],
    current: list[str],
    scores: dict[str, float],
    extra: float,
    listed: bool,
) -> None:
    policy, prev = hist
    policy = attrs.evolve(policy, cap_promotions=False)
    base = run(current, scores, policy, prev)
    more = run([*current, "Z-new"] if listed else current, {**scores, "Z-new": extra}, policy, prev)
    assert tuple(d for d in more.decisions if d.account_id != "Z-new") == base.decisions


@given(histories(), st.lists(IDS, unique=True, max_size=8), score_maps)
def test_the_cap_only_defers_promotions(
    hist: tuple[RequalificationPolicy, Requalification | None],
    current: list[str],
    scores: dict[str, float],
) -> None:
    policy, prev = hist
    capped = run(current, scores, attrs.evolve(policy, cap_promotions=True), prev)
    free = run(current, scores, attrs.evolve(policy, cap_promotions=False), prev)
    for c, f in zip(capped.decisions, free.decisions, strict=True):
        assert c.account_id == f.account_id
        assert c == f or (f.action, c.action) == ("promote", "defer")
    retained = sum(d.action == "retain" for d in capped.decisions)
    assert len(capped.key_accounts) <= max(retained, policy.bounds[1])
    # deferred accounts never outscore promoted ones
    promoted = [d.score for d in capped.decisions if d.action == "promote"]
    deferred = [d.score for d in capped.decisions if d.action == "defer"]
    if promoted and deferred:
        assert min(p for p in promoted if p is not None) >= max(
            x for x in deferred if x is not None
        )


@given(
    st.lists(st.floats(0.0, 10.0), min_size=1, max_size=12).filter(
        lambda xs: not any(a < 6.0 and b < 6.0 for a, b in itertools.pairwise(xs))
    ),
    st.integers(1, 3),
)
def test_a_noisy_single_quarter_never_retires_a_key_account(xs: list[float], dwell: int) -> None:
    p = RequalificationPolicy(entry=7.0, exit=6.0, exit_quarters=2, min_dwell=dwell)
    rs = thread([{"A": x} for x in xs], ["A"], p)
    assert all(r.decision_of("A").action == "retain" for r in rs)
    assert all(r.key_accounts == ("A",) for r in rs)


# ------------------------------------------------------------------------------- bad input
def test_an_id_listed_twice() -> None:
    with pytest.raises(InvalidValueError) as err:
        run(["A", "B", "A"], {})
    assert err.value.path == "requalify.current[2]"


@pytest.mark.parametrize(
    ("current", "error", "path"),
    [
        ("AB", InvalidTypeError, "requalify.current"),
        (5, InvalidTypeError, "requalify.current"),
        ({"A": 1.0}, InvalidTypeError, "requalify.current"),
        (["A", 5], InvalidTypeError, "requalify.current[1]"),
        (["A", " "], InvalidValueError, "requalify.current[1]"),
    ],
)
def test_bad_current(current: object, error: type[Exception], path: str) -> None:
    with pytest.raises(error) as err:
        requalify(current, {}, as_of=T0, policy=P)  # type: ignore[arg-type]
    assert err.value.path == path  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("scores", "error", "path"),
    [
        ([("A", 1.0)], InvalidTypeError, "requalify.scores"),
        ({"A": float("nan")}, InvalidValueError, "requalify.scores['A']"),
        ({"A": math.inf}, InvalidValueError, "requalify.scores['A']"),
        ({"A": "7"}, InvalidTypeError, "requalify.scores['A']"),
        ({"A": True}, InvalidTypeError, "requalify.scores['A']"),
        ({5: 1.0}, InvalidTypeError, "requalify.scores key"),
    ],
)
def test_bad_scores(scores: object, error: type[Exception], path: str) -> None:
    with pytest.raises(error) as err:
        requalify([], scores, as_of=T0, policy=P)  # type: ignore[arg-type]
    assert err.value.path == path  # type: ignore[attr-defined]


def test_previous_later_or_equal_or_wrong_type() -> None:
    r = run(["A"], {"A": 8.0})
    for when in (T0 - dt.timedelta(seconds=1), T0):
        with pytest.raises(InvalidValueError) as err:
            run(["A"], {"A": 8.0}, previous=r, as_of=when)
        assert err.value.path == "requalify.previous.as_of"
    with pytest.raises(InvalidTypeError) as terr:
        run(["A"], {"A": 8.0}, previous="last quarter", as_of=T0)  # type: ignore[arg-type]
    assert terr.value.path == "requalify.previous"


def test_bad_as_of_and_policy() -> None:
    with pytest.raises(InvalidValueError) as err:
        requalify([], {}, as_of=dt.datetime(2025, 1, 1), policy=P)
    assert err.value.path == "requalify.as_of"
    with pytest.raises(InvalidTypeError) as terr:
        requalify([], {}, as_of=T0, policy={"entry": 7})  # type: ignore[arg-type]
    assert terr.value.path == "requalify.policy"


@pytest.mark.parametrize(
    ("kwargs", "error", "path"),
    [
        ({"entry": math.inf, "exit": 6}, InvalidValueError, "RequalificationPolicy.entry"),
        ({"entry": 7, "exit": math.nan}, InvalidValueError, "RequalificationPolicy.exit"),
        ({"entry": "7", "exit": 6}, InvalidTypeError, "RequalificationPolicy.entry"),
        ({"entry": 6, "exit": 7}, InvalidValueError, "RequalificationPolicy.exit"),
        (
            {"entry": 7, "exit": 6, "exit_quarters": 0},
            InvalidValueError,
            "RequalificationPolicy.exit_quarters",
        ),
        (
            {"entry": 7, "exit": 6, "min_dwell": 0},
            InvalidValueError,
            "RequalificationPolicy.min_dwell",
        ),
        (
            {"entry": 7, "exit": 6, "min_dwell": 1.0},
            InvalidTypeError,
            "RequalificationPolicy.min_dwell",
        ),
        (
            {"entry": 7, "exit": 6, "bounds": (25, 5)},
            InvalidValueError,
            "RequalificationPolicy.bounds",
        ),
        (
            {"entry": 7, "exit": 6, "bounds": (1, 2, 3)},
            InvalidValueError,
            "RequalificationPolicy.bounds",
        ),
        (
            {"entry": 7, "exit": 6, "bounds": (-1, 2)},
            InvalidValueError,
            "RequalificationPolicy.bounds[0]",
        ),
        (
            {"entry": 7, "exit": 6, "cap_promotions": "yes"},
            InvalidTypeError,
            "RequalificationPolicy.cap_promotions",
        ),
        (
            {"entry": 7, "exit": 6, "interval_months": 0},
            InvalidValueError,
            "RequalificationPolicy.interval_months",
        ),
    ],
)
def test_bad_policy(kwargs: dict[str, object], error: type[Exception], path: str) -> None:
    with pytest.raises(error) as err:
        RequalificationPolicy(**kwargs)  # type: ignore[arg-type]
    assert err.value.path == path  # type: ignore[attr-defined]


def test_bad_from_scorer() -> None:
    where = "RequalificationPolicy.from_scorer"
    with pytest.raises(InvalidTypeError) as terr:
        RequalificationPolicy.from_scorer("wp", gap=1)  # type: ignore[arg-type]
    assert terr.value.path == f"{where}.scorer"
    with pytest.raises(InvalidValueError) as err:
        RequalificationPolicy.from_scorer(WeightedPoints(), gap=1)
    assert err.value.path == f"{where}.scorer.threshold"
    with pytest.raises(InvalidValueError) as err:
        RequalificationPolicy.from_scorer(WeightedPoints(threshold=5), gap=-1)
    assert err.value.path == f"{where}.gap"


def test_bad_records() -> None:
    with pytest.raises(InvalidValueError) as err:
        Decision("A", "stay_out", "meets_entry", 8.0, 1, 0, "why")
    assert err.value.path == "Decision.code"
    with pytest.raises(InvalidValueError) as err:
        Decision("A", "demote", "meets_entry", 8.0, 1, 0, "why")
    assert err.value.path == "Decision.action"
    with pytest.raises(InvalidValueError) as err:
        Decision("A", "promote", "meets_entry", 8.0, 0, 0, "why")
    assert err.value.path == "Decision.periods_in_state"
    d = Decision("B", "promote", "meets_entry", 8.0, 1, 0, "why")
    e = Decision("A", "promote", "meets_entry", 8.0, 1, 0, "why")
    with pytest.raises(InvalidValueError) as err:
        Requalification(T0, P, (d, e))
    assert err.value.path == "Requalification.decisions[1]"
    with pytest.raises(InvalidValueError) as err:
        Requalification(T0, P, (e, e))
    assert err.value.path == "Requalification.decisions[1]"
    with pytest.raises(InvalidTypeError) as terr:
        requalification_alerts("r")  # type: ignore[arg-type]
    assert terr.value.path == "requalification_alerts.result"
    with pytest.raises(UnknownIdError) as uerr:
        run([], {"A": 1.0}).decision_of("B")
    assert uerr.value.path == "Requalification.decision_of.account_id"


def test_a_reason_sentence_never_shows_a_false_tie() -> None:
    r = run(["A"], {"A": below(6.0), "B": below(7.0)})
    assert "5.999999999999999 < exit 6.0" in r.decision_of("A").reason
    assert "6.999999999999999 < entry 7.0" in r.decision_of("B").reason
