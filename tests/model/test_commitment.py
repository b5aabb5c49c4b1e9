from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kamlib.errors import IllegalTransitionError, InvalidTypeError, InvalidValueError
from kamlib.model import (
    LEGAL_TRANSITIONS,
    START_STATES,
    TERMINAL_STATES,
    Acceptance,
    Commitment,
    CommitmentState,
    RiskWarning,
    Transition,
)

S = CommitmentState
T0 = dt.datetime(2024, 3, 1, 9, tzinfo=dt.UTC)
H = dt.timedelta(hours=1)
ALL_PAIRS = list(itertools.product(S, S))
ILLEGAL_PAIRS = [(a, b) for a, b in ALL_PAIRS if b not in LEGAL_TRANSITIONS[a]]
LEGAL_PAIRS = [(a, b) for a, b in ALL_PAIRS if b in LEGAL_TRANSITIONS[a]]


def proposed() -> Commitment:
    return Commitment.propose("C1", "A1", "Migrate data", "U1", T0 + 720 * H, 10, at=T0)


def path_to(state: CommitmentState) -> list[CommitmentState]:
    """Shortest legal path from proposed to ``state`` (BFS over the table)."""
    frontier: list[list[CommitmentState]] = [[S.PROPOSED]]
    while frontier:
        path = frontier.pop(0)
        if path[-1] is state:
            return path
        frontier += [[*path, n] for n in sorted(LEGAL_TRANSITIONS[path[-1]]) if n not in path]
    raise AssertionError(state)


def build(states: list[CommitmentState]) -> Commitment:
    history = [Transition(s, T0 + i * H) for i, s in enumerate(states)]
    acceptance = Acceptance(T0 + len(states) * H, "ok") if states[-1] is S.ACCEPTED else None
    return Commitment("C1", "A1", "x", "U1", T0, 1, history, acceptance=acceptance)


def test_table_covers_every_state_and_is_read_only() -> None:
    assert set(LEGAL_TRANSITIONS) == set(S)
    assert {S.ACCEPTED, S.BROKEN, S.CANCELLED} == TERMINAL_STATES
    assert {S.PROPOSED, S.COMMITTED} == START_STATES
    with pytest.raises(TypeError):
        LEGAL_TRANSITIONS[S.ACCEPTED] = frozenset({S.PROPOSED})  # type: ignore[index]


def test_every_state_reachable() -> None:
    for state in S:
        assert build(path_to(state)).state is state


@pytest.mark.parametrize(("frm", "to"), ILLEGAL_PAIRS, ids=[f"{a}->{b}" for a, b in ILLEGAL_PAIRS])
def test_every_illegal_transition_rejected(frm: CommitmentState, to: CommitmentState) -> None:
    c = build(path_to(frm))
    at = c.history[-1].at + H
    step: Callable[[], Commitment] = (
        (lambda: c.accept(at, "fine")) if to is S.ACCEPTED else (lambda: c.transition(to, at))
    )
    with pytest.raises(IllegalTransitionError) as info:
        step()
    assert f"{frm.value} -> {to.value}" in str(info.value)
    # ...and the same step in a history given to the constructor is rejected too
    with pytest.raises(IllegalTransitionError, match=f"{frm.value} -> {to.value}"):
        build([*path_to(frm), to])


@pytest.mark.parametrize(("frm", "to"), LEGAL_PAIRS, ids=[f"{a}->{b}" for a, b in LEGAL_PAIRS])
def test_every_legal_transition_accepted(frm: CommitmentState, to: CommitmentState) -> None:
    c = build(path_to(frm))
    at = c.history[-1].at + H
    moved = c.accept(at, "fine") if to is S.ACCEPTED else c.transition(to, at)
    assert moved.state is to
    assert c.state is frm  # the original is unchanged


@given(st.lists(st.sampled_from(list(S)), min_size=1, max_size=8))
def test_history_valid_iff_all_steps_legal(states: list[CommitmentState]) -> None:
    legal = states[0] in START_STATES and all(
        b in LEGAL_TRANSITIONS[a] for a, b in itertools.pairwise(states)
    )
    if legal:
        assert build(states).state is states[-1]
    else:
        with pytest.raises(IllegalTransitionError):
            build(states)


def test_transition_to_accepted_requires_accept() -> None:
    c = build(path_to(S.DELIVERED))
    with pytest.raises(IllegalTransitionError, match=r"use Commitment\.accept"):
        c.transition("accepted", T0 + 100 * H)


def test_history_must_not_be_empty() -> None:
    with pytest.raises(InvalidValueError, match=r"Commitment\.history"):
        Commitment("C1", "A1", "x", "U1", T0, 1, [])


@pytest.mark.parametrize("start", [s for s in S if s not in START_STATES])
def test_history_must_start_proposed_or_committed(start: CommitmentState) -> None:
    with pytest.raises(IllegalTransitionError, match=r"history\[0\]"):
        Commitment("C1", "A1", "x", "U1", T0, 1, [Transition(start, T0)])


def test_history_times_non_decreasing() -> None:
    history = [Transition("proposed", T0), Transition("committed", T0 - H)]
    with pytest.raises(InvalidValueError, match=r"Commitment\.history\[1\]\.at"):
        Commitment("C1", "A1", "x", "U1", T0, 1, history)
    with pytest.raises(InvalidValueError, match=r"Commitment\.transition\.at"):
        proposed().transition("committed", T0 - H)
    assert proposed().transition("committed", T0).state is S.COMMITTED  # same instant is fine


ACC = Acceptance(T0, "")


def test_acceptance_iff_accepted() -> None:
    with pytest.raises(InvalidValueError, match=r"Commitment\.acceptance.*required"):
        Commitment("C1", "A1", "x", "U1", T0, 1, [Transition(s, T0) for s in path_to(S.ACCEPTED)])
    with pytest.raises(InvalidValueError, match=r"Commitment\.acceptance.*must be None"):
        Commitment("C1", "A1", "x", "U1", T0, 1, [Transition("proposed", T0)], acceptance=ACC)


def test_full_loop_seed_000() -> None:
    """Commit, execute, warn 48 h ahead, deliver, customer acceptance with feedback."""
    c = proposed().transition("committed", T0 + H, "scope fixed")
    c = c.transition("in_progress", T0 + 2 * H)
    c = c.warn(T0 + 10 * H, T0 + 58 * H, "vendor delay")
    assert c.state is S.AT_RISK
    assert c.risk_warnings[0].gives_notice()  # exactly 48 h
    c = c.warn(T0 + 20 * H, T0 + 30 * H)  # already at risk: only the warning is added
    assert c.state is S.AT_RISK
    assert len(c.risk_warnings) == 2
    assert not c.risk_warnings[1].gives_notice()
    c = c.transition("in_progress", T0 + 40 * H).transition("delivered", T0 + 60 * H)
    c = c.accept(T0 + 70 * H, "good; add training next time", accepted_by_id="P1")
    assert c.state is S.ACCEPTED
    assert c.is_closed
    assert c.acceptance == Acceptance(T0 + 70 * H, "good; add training next time", "P1")
    assert [t.to_state.value for t in c.history] == [
        "proposed",
        "committed",
        "in_progress",
        "at_risk",
        "in_progress",
        "delivered",
        "accepted",
    ]


@pytest.mark.parametrize("state", [S.PROPOSED, S.DELIVERED, *sorted(TERMINAL_STATES)])
def test_warn_only_while_executing(state: CommitmentState) -> None:
    c = build(path_to(state))
    with pytest.raises(IllegalTransitionError, match=f"{state.value} -> at_risk"):
        c.warn(T0 + 100 * H, T0 + 200 * H)


def test_warning_lead_time_default_48h_is_a_parameter() -> None:
    w = RiskWarning(T0, T0 + 47 * H)
    assert not w.gives_notice()
    assert w.gives_notice(min_hours=24)
    assert RiskWarning(T0, T0 - H).lead_time == -H
    with pytest.raises(InvalidValueError, match="min_hours"):
        w.gives_notice(min_hours=-1)
    with pytest.raises(InvalidTypeError, match="min_hours"):
        w.gives_notice(min_hours="48")  # type: ignore[arg-type]


def test_is_overdue() -> None:
    c = build(path_to(S.IN_PROGRESS))
    assert not c.is_overdue(T0)
    assert c.is_overdue(T0 + H)
    assert not build(path_to(S.DELIVERED)).is_overdue(T0 + 100 * H)
    assert not build(path_to(S.PROPOSED)).is_overdue(T0 + 100 * H)  # never promised


def test_required_capacity_non_negative_seed_000() -> None:
    with pytest.raises(InvalidValueError, match=r"Commitment\.required_capacity"):
        Commitment.propose("C1", "A1", "x", "U1", T0, -1, at=T0)


def test_string_states_and_unknown_state() -> None:
    assert proposed().transition("committed", T0).state is S.COMMITTED
    with pytest.raises(InvalidValueError, match="must be one of"):
        proposed().transition("done", T0)


def test_frozen() -> None:
    c = proposed()
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        c.history = ()  # type: ignore[misc]
