"""Complaints and conflicts (issue 11 §2): 3R [000], the red channel [003], one owner [004]."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kamlib.errors import InvalidTypeError, InvalidValueError
from kamlib.model import Account, Complaint, ComplaintSeverity, KeyPerson, Portfolio
from kamlib.operations import (
    CLOCK_NAMES,
    CLOCK_STATES,
    COMPLAINT_CODES,
    Alert,
    AlertKind,
    ClockCheck,
    ComplaintCheck,
    ComplaintPolicies,
    ComplaintPolicy,
    Severity,
    complaint_alerts,
    complaint_check,
    complaint_checks,
)
from kamlib.testing.strategies import portfolios

UTC = dt.UTC
CST = dt.timezone(dt.timedelta(hours=8))
T0 = dt.datetime(2025, 3, 3, 9, tzinfo=UTC)
H = dt.timedelta(hours=1)
US = dt.timedelta(microseconds=1)
STAFF = (KeyPerson("U1", "Ann", "our_staff"), KeyPerson("U2", "Bo", "our_staff"))


def account(id: str) -> Account:
    return Account(
        id, f"Acme {id}", industry="x", region="y", size_band="large",
        cooperation_start=dt.date(2024, 1, 1),
    )  # fmt: skip


ACCOUNTS = (account("A1"), account("A2"))


def complaint(id: str = "Q1", **kw: Any) -> Complaint:
    fields: dict[str, Any] = {
        "account_id": "A1",
        "owner_id": "U1",
        "received_at": T0,
        "summary": "Invoice run failed",
    }
    fields.update(kw)
    return Complaint(id, **fields)


def with_options(n: int, at: dt.datetime = T0 + H, **kw: Any) -> Complaint:
    return complaint(options=[f"option {i}" for i in range(n)], options_at=at, **kw)


def pf(complaints: Sequence[Complaint]) -> Portfolio:
    return Portfolio(ACCOUNTS, STAFF, complaints=complaints)


def clock(c: Complaint, name: str, as_of: dt.datetime, **kw: Any) -> ClockCheck:
    found = complaint_check(c, as_of=as_of, **kw).clock(name)
    assert found is not None
    return found


def codes(c: Complaint, as_of: dt.datetime, **kw: Any) -> list[tuple[str, str]]:
    return [(a.code, a.severity.value) for a in complaint_alerts(pf([c]), as_of=as_of, **kw)]


# --------------------------------------------------------------- 3R responsive [000]


def test_acknowledged_exactly_at_2_hours_is_met_one_tick_later_is_late() -> None:
    on_time = clock(complaint(acknowledged_at=T0 + 2 * H), "acknowledge", T0 + 3 * H)
    assert (on_time.state, on_time.due_at, on_time.met_at) == ("met", T0 + 2 * H, T0 + 2 * H)
    assert on_time.code is None
    assert on_time.late_by is None
    late = clock(complaint(acknowledged_at=T0 + 2 * H + US), "acknowledge", T0 + 3 * H)
    assert (late.state, late.code, late.late_by) == ("late", "ack_late", US)


def test_not_acknowledged_runs_until_2_hours_and_is_overdue_one_tick_later() -> None:
    q = complaint()
    running = clock(q, "acknowledge", T0 + 2 * H)
    assert (running.state, running.code, running.late_by) == ("running", None, None)
    overdue = clock(q, "acknowledge", T0 + 2 * H + US)
    assert (overdue.state, overdue.code, overdue.late_by) == ("overdue", "ack_overdue", US)


def test_first_plan_exactly_at_24_hours_is_met_one_tick_later_is_late() -> None:
    as_of = T0 + 30 * H
    assert clock(complaint(first_plan_at=T0 + 24 * H), "first_plan", as_of).state == "met"
    late = clock(complaint(first_plan_at=T0 + 24 * H + US), "first_plan", as_of)
    assert (late.state, late.code, late.hours_late) == ("late", "plan_late", US / H)


def test_no_first_plan_runs_until_24_hours_and_is_overdue_one_tick_later() -> None:
    q = complaint(acknowledged_at=T0)
    assert clock(q, "first_plan", T0 + 24 * H).state == "running"
    overdue = clock(q, "first_plan", T0 + 24 * H + US)
    assert (overdue.state, overdue.code) == ("overdue", "plan_overdue")


def test_clocks_run_from_received_at_in_any_offset() -> None:
    received = T0.astimezone(CST)
    q = complaint(received_at=received, acknowledged_at=(T0 + 2 * H).astimezone(CST))
    chk = complaint_check(q, as_of=T0 + 2 * H)
    assert [(c.name, c.state) for c in chk.clocks] == [
        ("acknowledge", "met"),
        ("first_plan", "running"),
        ("options", "running"),
    ]


def test_resolution_stands_in_for_acknowledgement_and_first_plan() -> None:
    quick = complaint(resolved_at=T0 + H)
    ack, plan = clock(quick, "acknowledge", T0 + 48 * H), clock(quick, "first_plan", T0 + 48 * H)
    assert (ack.state, ack.met_at, plan.state, plan.met_at) == ("met", T0 + H, "met", T0 + H)
    slow = complaint(resolved_at=T0 + 3 * H)
    assert clock(slow, "acknowledge", T0 + 48 * H).state == "late"
    # a recorded time later than the resolution: the resolution counts
    odd = complaint(acknowledged_at=T0 + 5 * H, resolved_at=T0 + H)
    assert clock(odd, "acknowledge", T0 + 48 * H).met_at == T0 + H


# ------------------------------------------------------------------ 3R options [000]


@pytest.mark.parametrize(
    ("n", "state", "code"),
    [
        (1, "breached", "options_too_few"),
        (2, "met", None),
        (3, "met", None),
        (4, "breached", "options_too_many"),
    ],
)
def test_two_to_three_options(n: int, state: str, code: str | None) -> None:
    c = clock(with_options(n), "options", T0 + 2 * H)
    assert (c.state, c.code, c.due_at, c.met_at) == (state, code, None, T0 + H)


def test_no_option_is_running_while_open_and_too_few_once_resolved() -> None:
    assert clock(complaint(), "options", T0 + 1000 * H).state == "running"
    resolved = clock(complaint(resolved_at=T0 + H), "options", T0 + H)
    assert (resolved.state, resolved.code, resolved.met_at) == (
        "breached",
        "options_too_few",
        None,
    )


def test_option_counts_follow_the_policy() -> None:
    one = ComplaintPolicy(min_options=1, max_options=1)
    assert clock(with_options(1), "options", T0 + H, policy=one).state == "met"
    assert clock(with_options(2), "options", T0 + H, policy=one).code == "options_too_many"


# --------------------------------------------------------------- red channel [003]


def test_senior_on_site_exactly_at_24_hours_is_met_one_tick_later_is_late() -> None:
    as_of = T0 + 48 * H
    met = clock(complaint(channel="red", senior_on_site_at=T0 + 24 * H), "senior_on_site", as_of)
    assert (met.state, met.due_at) == ("met", T0 + 24 * H)
    late = clock(
        complaint(channel="red", senior_on_site_at=T0 + 24 * H + US), "senior_on_site", as_of
    )
    assert (late.state, late.code) == ("late", "senior_on_site_late")


def test_no_senior_on_site_runs_until_24_hours_then_overdue_even_if_resolved() -> None:
    q = complaint(channel="red")
    assert clock(q, "senior_on_site", T0 + 24 * H).state == "running"
    assert clock(q, "senior_on_site", T0 + 24 * H + US).code == "senior_on_site_overdue"
    resolved = complaint(channel="red", resolved_at=T0 + H)
    assert clock(resolved, "senior_on_site", T0 + 24 * H + US).state == "overdue"


def test_standard_channel_has_no_red_channel_rules() -> None:
    chk = complaint_check(complaint(), as_of=T0)
    assert [c.name for c in chk.clocks] == ["acknowledge", "first_plan", "options"]
    assert chk.clock("senior_on_site") is None
    assert chk.clock("improvement_commitment") is None


def test_improvement_commitment_is_checked_at_resolution_only() -> None:
    open_red = complaint(channel="red")
    assert clock(open_red, "improvement_commitment", T0 + 500 * H).state == "running"
    resolved = complaint(channel="red", resolved_at=T0 + H)
    missing = clock(resolved, "improvement_commitment", T0 + H)
    assert (missing.state, missing.code) == ("breached", "improvement_commitment_missing")
    blank = complaint(channel="red", resolved_at=T0 + H, improvement_commitment="  ")
    assert clock(blank, "improvement_commitment", T0 + H).state == "breached"
    given_ = complaint(channel="red", resolved_at=T0 + H, improvement_commitment="No repeat")
    assert clock(given_, "improvement_commitment", T0 + H).state == "met"
    early = complaint(channel="red", improvement_commitment="No repeat")
    assert clock(early, "improvement_commitment", T0 + H).state == "met"


def test_improvement_commitment_can_be_switched_off() -> None:
    policy = ComplaintPolicy(require_improvement_commitment=False)
    chk = complaint_check(complaint(channel="red", resolved_at=T0), as_of=T0, policy=policy)
    assert chk.clock("improvement_commitment") is None
    assert chk.clock("senior_on_site") is not None


def test_red_channel_hours_are_overridable() -> None:
    policy = ComplaintPolicy(senior_on_site_hours=4)
    q = complaint(channel="red", senior_on_site_at=T0 + 5 * H)
    assert clock(q, "senior_on_site", T0 + 5 * H, policy=policy).state == "late"


# ---------------------------------------------------------------------- overrides


def test_one_policy_applies_to_every_severity() -> None:
    policy = ComplaintPolicy(ack_hours=4, plan_hours=48)
    for severity in ComplaintSeverity:
        q = complaint(severity=severity, acknowledged_at=T0 + 4 * H, first_plan_at=T0 + 48 * H)
        chk = complaint_check(q, as_of=T0 + 48 * H, policy=policy)
        assert chk.breaches == ()


def test_per_severity_policy_with_a_default_for_the_rest() -> None:
    policies = ComplaintPolicies(
        by_severity={
            ComplaintSeverity.CRITICAL: ComplaintPolicy(ack_hours=1),
            "low": ComplaintPolicy(ack_hours=8),
        }
    )
    ack = T0 + 1.5 * H
    as_of = T0 + 3 * H
    assert clock(complaint(severity="critical", acknowledged_at=ack), "acknowledge", as_of,
                 policy=policies).state == "late"  # fmt: skip
    assert clock(complaint(severity="medium", acknowledged_at=ack), "acknowledge", as_of,
                 policy=policies).state == "met"  # fmt: skip
    assert clock(complaint(severity="low"), "acknowledge", as_of, policy=policies).state == (
        "running"
    )
    assert clock(complaint(severity="medium"), "acknowledge", as_of, policy=policies).state == (
        "overdue"
    )
    assert policies.for_severity("critical").ack_hours == 1.0
    assert list(policies.by_severity) == [ComplaintSeverity.LOW, ComplaintSeverity.CRITICAL]


def test_policies_default_can_be_changed() -> None:
    policies = ComplaintPolicies(default=ComplaintPolicy(plan_hours=12))
    q = complaint(acknowledged_at=T0, first_plan_at=T0 + 13 * H)
    assert clock(q, "first_plan", T0 + 13 * H, policy=policies).state == "late"


def test_policy_defaults_are_the_source_numbers() -> None:
    p = ComplaintPolicy()
    assert (p.ack_hours, p.plan_hours, p.min_options, p.max_options) == (2, 24, 2, 3)
    assert (p.senior_on_site_hours, p.require_improvement_commitment) == (24, True)


# ------------------------------------------------------------------------- alerts


@pytest.mark.parametrize(
    ("fields", "as_of", "expected"),
    [
        ({"acknowledged_at": T0 + 3 * H}, T0 + 3 * H, [("ack_late", "watch")]),
        ({"acknowledged_at": T0 + 3 * H, "severity": "high"}, T0 + 3 * H,
         [("ack_late", "warning")]),
        ({"acknowledged_at": T0 + 3 * H, "channel": "red"}, T0 + 3 * H, [("ack_late", "critical")]),
        ({}, T0 + 3 * H, [("ack_overdue", "warning")]),
        ({"severity": "critical"}, T0 + 3 * H, [("ack_overdue", "critical")]),
        ({"acknowledged_at": T0, "first_plan_at": T0 + 25 * H}, T0 + 25 * H,
         [("plan_late", "watch")]),
        ({"acknowledged_at": T0}, T0 + 25 * H, [("plan_overdue", "warning")]),
        ({"acknowledged_at": T0, "severity": "low"}, T0 + 25 * H, [("plan_overdue", "warning")]),
        ({"resolved_at": T0}, T0, [("options_too_few", "warning")]),
        ({"resolved_at": T0, "severity": "high"}, T0, [("options_too_few", "critical")]),
        ({"channel": "red", "acknowledged_at": T0, "first_plan_at": T0}, T0 + 25 * H,
         [("senior_on_site_overdue", "critical")]),
        ({"channel": "red", "acknowledged_at": T0, "first_plan_at": T0,
          "senior_on_site_at": T0 + 25 * H}, T0 + 25 * H, [("senior_on_site_late", "critical")]),
        ({"channel": "red", "senior_on_site_at": T0, "resolved_at": T0,
          "options": ["a", "b"], "options_at": T0}, T0,
         [("improvement_commitment_missing", "critical")]),
    ],
)  # fmt: skip
def test_alert_codes_and_severities(
    fields: dict[str, Any], as_of: dt.datetime, expected: list[tuple[str, str]]
) -> None:
    assert codes(complaint(**fields), as_of) == expected


@pytest.mark.parametrize("extra", [{}, {"channel": "red", "senior_on_site_at": T0},
                                   {"severity": "critical"}])  # fmt: skip
def test_too_many_options_is_always_watch(extra: dict[str, Any]) -> None:
    q = with_options(4, at=T0, acknowledged_at=T0, first_plan_at=T0, **extra)
    assert codes(q, T0 + H) == [("options_too_many", "watch")]


def test_alert_carries_the_owner_account_due_and_evidence() -> None:
    q = complaint("Q7", account_id="A2", owner_id="U2", severity="high", channel="red")
    alerts = complaint_alerts(pf([q]), as_of=T0 + 30 * H)
    assert [a.code for a in alerts] == ["ack_overdue", "plan_overdue", "senior_on_site_overdue"]
    a = alerts[0]
    assert (a.account_id, a.kind, a.subject_id, a.due) == (
        "A2",
        AlertKind.COMPLAINT,
        "Q7",
        T0 + 2 * H,
    )
    assert dict(a.evidence) == {
        "rule": "acknowledge",
        "state": "overdue",
        "channel": "red",
        "complaint_severity": "high",
        "owner_id": "U2",
        "received_at": T0,
        "due_at": T0 + 2 * H,
        "met_at": None,
        "hours_late": 28.0,
        "open": True,
    }
    assert a.reason == "Red-channel complaint Q7 is not acknowledged, 28.0 h past its 2 h limit"


def test_options_alert_evidence_has_the_count_and_bounds() -> None:
    (a,) = complaint_alerts(pf([with_options(1, at=T0, acknowledged_at=T0)]), as_of=T0 + H)
    assert (a.code, a.due) == ("options_too_few", None)
    assert (a.evidence["options_offered"], a.evidence["min_options"]) == (1, 2)
    assert a.evidence["max_options"] == 3
    assert a.evidence["met_at"] == T0
    assert a.reason == "Complaint Q1 was offered 1 option(s), fewer than 2"


def test_one_tick_late_reads_as_under_a_tenth_of_an_hour() -> None:
    (a,) = complaint_alerts(pf([complaint(acknowledged_at=T0 + 2 * H + US)]), as_of=T0 + 3 * H)
    assert a.reason == "Complaint Q1 was acknowledged under 0.1 h after its 2 h limit"
    assert a.evidence["hours_late"] == US / H


def test_no_alert_when_every_rule_is_met_or_running() -> None:
    q = with_options(2, at=T0 + H, acknowledged_at=T0 + H, first_plan_at=T0 + 2 * H,
                     resolved_at=T0 + 3 * H)  # fmt: skip
    assert complaint_alerts(pf([q]), as_of=T0 + 100 * H) == ()
    assert complaint_alerts(pf([complaint()]), as_of=T0 + H) == ()


def test_every_code_has_a_sentence_and_a_severity() -> None:
    assert set(COMPLAINT_CODES) == {
        "ack_late", "ack_overdue", "plan_late", "plan_overdue", "options_too_few",
        "options_too_many", "senior_on_site_late", "senior_on_site_overdue",
        "improvement_commitment_missing",
    }  # fmt: skip
    assert all(text.endswith(".") for text in COMPLAINT_CODES.values())


def test_checks_are_sorted_by_account_received_and_id() -> None:
    qs = [
        complaint("Q3", account_id="A2"),
        complaint("Q2", received_at=T0 + H),
        complaint("Q9"),
        complaint("Q1", received_at=(T0 + H).astimezone(CST)),
    ]
    got = [(c.account_id, c.complaint_id) for c in complaint_checks(pf(qs), as_of=T0 + 2 * H)]
    assert got == [("A1", "Q9"), ("A1", "Q1"), ("A1", "Q2"), ("A2", "Q3")]


def test_check_exposes_the_one_owner_and_open_state() -> None:
    q = complaint(owner_id="U2", resolved_at=T0 + H)
    chk = complaint_check(q, as_of=T0 + H)
    assert (chk.owner_id, chk.open, chk.resolved_at, chk.received_at) == ("U2", False, T0 + H, T0)
    assert complaint_check(attrs.evolve(q, resolved_at=None), as_of=T0).open


# --------------------------------------------------------------------- properties


_OFFSETS = st.one_of(
    st.sampled_from([0, 2, 24]).map(lambda h: h * H),
    st.sampled_from([2, 24]).map(lambda h: h * H + US),
    st.integers(0, 72 * 3600 * 10**6).map(lambda us: us * US),
)


@st.composite
def complaint_fields(draw: st.DrawFn) -> dict[str, Any]:
    tz = draw(st.sampled_from([UTC, CST]))
    received = (T0 + draw(st.integers(0, 48)) * H).astimezone(tz)

    def maybe() -> dt.datetime | None:
        return draw(st.none() | _OFFSETS.map(lambda d: received + d))

    n = draw(st.integers(0, 5))
    return {
        "account_id": draw(st.sampled_from(["A1", "A2"])),
        "owner_id": draw(st.sampled_from(["U1", "U2"])),
        "received_at": received,
        "channel": draw(st.sampled_from(["standard", "red"])),
        "severity": draw(st.sampled_from(list(ComplaintSeverity))),
        "acknowledged_at": maybe(),
        "first_plan_at": maybe(),
        "options": [f"option {i}" for i in range(n)],
        "options_at": received + draw(_OFFSETS) if n else None,
        "senior_on_site_at": maybe(),
        "improvement_commitment": draw(st.sampled_from(["", "We will fix the run"])),
        "resolved_at": maybe(),
    }


def build(fields: Sequence[dict[str, Any]], prefix: str = "Q") -> list[Complaint]:
    return [Complaint(f"{prefix}{i}", summary="x", **f) for i, f in enumerate(fields)]


def latest(complaints: Sequence[Complaint]) -> dt.datetime:
    return max((at for c in complaints for _, at in c.times()), default=T0)


POLICIES = st.sampled_from(
    [
        ComplaintPolicy(),
        ComplaintPolicies(by_severity={"critical": ComplaintPolicy(ack_hours=1, plan_hours=4)}),
    ]
)


@given(
    st.lists(complaint_fields(), max_size=8),
    st.randoms(use_true_random=False),
    _OFFSETS,
    POLICIES,
)
def test_the_order_of_the_complaints_never_changes_the_result(
    fields: list[dict[str, Any]], rnd: Any, extra: dt.timedelta, policy: Any
) -> None:
    qs = build(fields)
    as_of = latest(qs) + extra
    shuffled = list(qs)
    rnd.shuffle(shuffled)
    assert complaint_checks(pf(shuffled), as_of=as_of, policy=policy) == complaint_checks(
        pf(qs), as_of=as_of, policy=policy
    )
    assert complaint_alerts(pf(shuffled), as_of=as_of, policy=policy) == complaint_alerts(
        pf(qs), as_of=as_of, policy=policy
    )


@given(st.lists(complaint_fields(), max_size=8), _OFFSETS, _OFFSETS, POLICIES)
def test_moving_as_of_forward_only_settles_running_clocks(
    fields: list[dict[str, Any]], extra: dt.timedelta, later: dt.timedelta, policy: Any
) -> None:
    qs = build(fields)
    as_of = latest(qs) + extra
    before = complaint_checks(pf(qs), as_of=as_of, policy=policy)
    after = complaint_checks(pf(qs), as_of=as_of + later, policy=policy)
    assert [c.complaint_id for c in before] == [c.complaint_id for c in after]
    for b, a in zip(before, after, strict=True):
        for cb, ca in zip(b.clocks, a.clocks, strict=True):
            assert cb.name == ca.name
            if cb.state == "running":
                continue
            assert ca.state == cb.state  # overdue never turns back into running or met
            if cb.state != "overdue":
                assert ca == cb


@given(
    st.lists(complaint_fields(), max_size=6),
    complaint_fields(),
    st.integers(0, 6),
    _OFFSETS,
)
def test_another_accounts_complaint_changes_no_other_check(
    fields: list[dict[str, Any]], other: dict[str, Any], at: int, extra: dt.timedelta
) -> None:
    qs = build([{**f, "account_id": "A1"} for f in fields])
    intruder = build([{**other, "account_id": "A2"}], prefix="Z")[0]
    with_other = [*qs[:at], intruder, *qs[at:]]
    as_of = max(latest(qs), latest([intruder])) + extra
    mine = complaint_checks(pf(qs), as_of=as_of)
    assert (
        tuple(c for c in complaint_checks(pf(with_other), as_of=as_of) if c.account_id == "A1")
        == mine
    )
    alerts = complaint_alerts(pf(with_other), as_of=as_of)
    assert tuple(a for a in alerts if a.account_id == "A1") == complaint_alerts(pf(qs), as_of=as_of)


@given(st.lists(complaint_fields(), max_size=8), _OFFSETS)
def test_every_check_is_consistent_with_its_record(
    fields: list[dict[str, Any]], extra: dt.timedelta
) -> None:
    qs = build(fields)
    as_of = latest(qs) + extra
    by_id = {q.id: q for q in qs}
    checks = complaint_checks(pf(qs), as_of=as_of)
    assert len(checks) == len(qs)
    alerts = complaint_alerts(pf(qs), as_of=as_of)
    emitted = {(a.subject_id, a.code) for a in alerts}
    for a in alerts:  # the fast construction equals the validated one
        again = Alert(a.account_id, a.kind, a.code, a.severity, a.reason, dict(a.evidence),
                      due=a.due, subject_id=a.subject_id)  # fmt: skip
        assert again == a
        assert again.sort_key() == a.sort_key()
        assert (a.account_id, a.subject_id) == (by_id[a.subject_id or ""].account_id, a.subject_id)
    assert emitted == {(c.complaint_id, b.code) for c in checks for b in c.breaches}
    for chk in checks:
        q = by_id[chk.complaint_id]
        assert (chk.account_id, chk.owner_id, chk.open) == (
            q.account_id, q.owner_id, q.resolved_at is None,
        )  # fmt: skip
        names = [c.name for c in chk.clocks]
        assert names == sorted(names, key=CLOCK_NAMES.index)
        assert ("senior_on_site" in names) is q.is_red
        for c in chk.clocks:
            assert c.state in CLOCK_STATES
            assert (c.code is not None) is c.is_breach
            if c.due_at is not None and c.met_at is None:
                assert (c.state == "overdue") is (as_of > c.due_at)


@given(portfolios(min_accounts=1, with_complaints=True), st.randoms(use_true_random=False))
def test_drawn_portfolios_give_sorted_checks_whatever_the_order(pf_: Portfolio, rnd: Any) -> None:
    as_of = latest(pf_.complaints)
    checks = complaint_checks(pf_, as_of=as_of)
    keys = [(c.account_id, c.received_at, c.complaint_id) for c in checks]
    assert keys == sorted(keys)
    shuffled = list(pf_.complaints)
    rnd.shuffle(shuffled)
    other = attrs.evolve(pf_, complaints=shuffled)
    assert complaint_checks(other, as_of=as_of) == checks
    assert complaint_alerts(other, as_of=as_of) == complaint_alerts(pf_, as_of=as_of)


# ---------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    "field", ["acknowledged_at", "first_plan_at", "options_at", "senior_on_site_at", "resolved_at"]
)
def test_a_recorded_time_after_as_of_is_refused_naming_the_complaint(field: str) -> None:
    late = T0 + 3 * H
    extra: dict[str, Any] = {field: late}
    if field == "options_at":
        extra["options"] = ["a", "b"]
    qs = [complaint("Q0", acknowledged_at=T0), complaint("Q1", **extra)]
    for fn in (complaint_checks, complaint_alerts):
        with pytest.raises(InvalidValueError) as err:
            fn(pf(qs), as_of=T0 + 2 * H)
        assert err.value.path == f"Portfolio.complaints[1].{field}"
        assert err.value.value == late
    with pytest.raises(InvalidValueError) as one:
        complaint_check(qs[1], as_of=T0 + 2 * H)
    assert one.value.path == f"complaint_check.complaint.{field}"


def test_a_complaint_received_after_as_of_is_refused() -> None:
    with pytest.raises(InvalidValueError) as err:
        complaint_checks(pf([complaint(received_at=T0 + US)]), as_of=T0)
    assert err.value.path == "Portfolio.complaints[0].received_at"


def test_exactly_at_as_of_is_accepted() -> None:
    q = complaint(acknowledged_at=T0 + H, resolved_at=T0 + H)
    assert complaint_checks(pf([q]), as_of=T0 + H)[0].open is False


@pytest.mark.parametrize("fn", [complaint_checks, complaint_alerts])
def test_naive_or_untyped_as_of(fn: Any) -> None:
    with pytest.raises(InvalidValueError) as err:
        fn(pf([]), as_of=dt.datetime(2025, 3, 3))
    assert err.value.path == f"{fn.__name__}.as_of"
    with pytest.raises(InvalidTypeError) as err2:
        fn(pf([]), as_of=dt.date(2025, 3, 3))
    assert err2.value.path == f"{fn.__name__}.as_of"


def test_naive_as_of_of_one_complaint() -> None:
    with pytest.raises(InvalidValueError) as err:
        complaint_check(complaint(), as_of=dt.datetime(2025, 3, 3))
    assert err.value.path == "complaint_check.as_of"


def test_wrong_argument_types_are_named() -> None:
    with pytest.raises(InvalidTypeError) as err:
        complaint_checks([complaint()], as_of=T0)  # type: ignore[arg-type]
    assert err.value.path == "complaint_checks.portfolio"
    with pytest.raises(InvalidTypeError) as err:
        complaint_alerts(pf([]), as_of=T0, policy={"ack_hours": 2})  # type: ignore[arg-type]
    assert err.value.path == "complaint_alerts.policy"
    with pytest.raises(InvalidTypeError) as err:
        complaint_check("Q1", as_of=T0)  # type: ignore[arg-type]
    assert err.value.path == "complaint_check.complaint"


def test_the_model_refuses_naive_times_and_acknowledgement_before_receipt() -> None:
    with pytest.raises(InvalidValueError) as err:
        complaint(received_at=dt.datetime(2025, 3, 3))
    assert err.value.path == "Complaint.received_at"
    with pytest.raises(InvalidValueError) as err:
        complaint(acknowledged_at=T0 - US)
    assert err.value.path == "Complaint.acknowledged_at"


@pytest.mark.parametrize(
    ("kw", "error", "path"),
    [
        ({"ack_hours": 0}, InvalidValueError, "ComplaintPolicy.ack_hours"),
        ({"ack_hours": -1}, InvalidValueError, "ComplaintPolicy.ack_hours"),
        ({"ack_hours": "2"}, InvalidTypeError, "ComplaintPolicy.ack_hours"),
        ({"plan_hours": float("inf")}, InvalidValueError, "ComplaintPolicy.plan_hours"),
        ({"plan_hours": float("nan")}, InvalidValueError, "ComplaintPolicy.plan_hours"),
        ({"senior_on_site_hours": 0.0}, InvalidValueError, "ComplaintPolicy.senior_on_site_hours"),
        ({"senior_on_site_hours": 1e7}, InvalidValueError,
         "ComplaintPolicy.senior_on_site_hours"),
        ({"min_options": 0}, InvalidValueError, "ComplaintPolicy.min_options"),
        ({"min_options": 2.0}, InvalidTypeError, "ComplaintPolicy.min_options"),
        ({"max_options": 1}, InvalidValueError, "ComplaintPolicy.max_options"),
        ({"min_options": 4}, InvalidValueError, "ComplaintPolicy.max_options"),
        ({"require_improvement_commitment": 1}, InvalidTypeError,
         "ComplaintPolicy.require_improvement_commitment"),
    ],
)  # fmt: skip
def test_bad_policy_values(kw: dict[str, Any], error: type[Exception], path: str) -> None:
    with pytest.raises(error) as err:
        ComplaintPolicy(**kw)
    assert err.value.path == path  # type: ignore[attr-defined]


def test_bad_policies() -> None:
    with pytest.raises(InvalidValueError) as err:
        ComplaintPolicies(by_severity={"urgent": ComplaintPolicy()})
    assert err.value.path == "ComplaintPolicies.by_severity"
    with pytest.raises(InvalidTypeError) as err2:
        ComplaintPolicies(by_severity={3: ComplaintPolicy()})  # type: ignore[dict-item]
    assert err2.value.path == "ComplaintPolicies.by_severity"
    with pytest.raises(InvalidTypeError) as err2:
        ComplaintPolicies(by_severity={"high": 2})  # type: ignore[dict-item]
    assert err2.value.path == "ComplaintPolicies.by_severity['high']"
    with pytest.raises(InvalidTypeError) as err2:
        ComplaintPolicies(by_severity=[ComplaintPolicy()])  # type: ignore[arg-type]
    assert err2.value.path == "ComplaintPolicies.by_severity"
    with pytest.raises(InvalidTypeError) as err2:
        ComplaintPolicies(default=None)  # type: ignore[arg-type]
    assert err2.value.path == "ComplaintPolicies.default"
    with pytest.raises(InvalidValueError) as err:
        ComplaintPolicies().for_severity("urgent")
    assert err.value.path == "ComplaintPolicies.for_severity"


def test_policies_are_frozen_and_the_table_read_only() -> None:
    table = {"high": ComplaintPolicy(ack_hours=1)}
    policies = ComplaintPolicies(by_severity=table)
    table["low"] = ComplaintPolicy()
    assert list(policies.by_severity) == [ComplaintSeverity.HIGH]
    with pytest.raises(TypeError):
        policies.by_severity[ComplaintSeverity.LOW] = ComplaintPolicy()  # type: ignore[index]
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        ComplaintPolicy().ack_hours = 3  # type: ignore[misc]
    assert policies == ComplaintPolicies(by_severity={"high": ComplaintPolicy(ack_hours=1)})


def test_bad_result_records_and_clock_names() -> None:
    with pytest.raises(InvalidValueError) as err:
        ClockCheck("ack", "met")
    assert err.value.path == "ClockCheck.name"
    with pytest.raises(InvalidValueError) as err:
        ClockCheck("acknowledge", "done")
    assert err.value.path == "ClockCheck.state"
    chk = complaint_check(complaint(), as_of=T0)
    assert isinstance(chk, ComplaintCheck)
    with pytest.raises(InvalidValueError) as err:
        chk.clock("ack")
    assert err.value.path == "ComplaintCheck.clock.name"


def test_severity_order_of_alerts_is_canonical() -> None:
    qs = [
        complaint("Q1", severity="low"),
        complaint("Q2", channel="red"),
        with_options(4, at=T0, id="Q3", acknowledged_at=T0, first_plan_at=T0),
    ]
    alerts = complaint_alerts(pf(qs), as_of=T0 + 3 * H)
    assert [a.severity for a in alerts] == sorted(
        (a.severity for a in alerts), key=lambda s: -s.rank
    )
    assert alerts[0].severity is Severity.CRITICAL
    assert alerts[-1].code == "options_too_many"
