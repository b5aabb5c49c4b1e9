"""The commitment loop of source [000]: capacity, warnings, weekly sync, acceptance, fulfilment.

Every source number is tested at its boundary on both sides (exactly at the limit, and one
microsecond over), every kamlib choice is pinned, bad input gets a typed error naming its
path, and the answers never depend on the order of the records.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from typing import Any, TypedDict

import attrs
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kamlib import FeatureTable
from kamlib.errors import InvalidTypeError, InvalidValueError, UnknownIdError
from kamlib.model import (
    Acceptance,
    Account,
    Commitment,
    CommitmentState,
    KeyPerson,
    Portfolio,
    RiskWarning,
)
from kamlib.operations import (
    CAPACITY_CODES,
    COMMITMENT_CODES,
    COMMITMENT_FEATURES,
    Alert,
    AlertKind,
    CapacityLoad,
    CommitmentCheck,
    CommitmentPolicy,
    Severity,
    capacity_alerts,
    capacity_check,
    commitment_alerts,
    commitment_checks,
    commitment_features,
    sort_alerts,
)
from kamlib.scoring import HealthModel, Measure, MinMax, Node
from kamlib.testing.strategies import commitments, portfolios

UTC = dt.UTC
T0 = dt.datetime(2025, 3, 3, 9, tzinfo=UTC)
US = dt.timedelta(microseconds=1)
DAY = dt.timedelta(days=1)
HOUR = dt.timedelta(hours=1)
DUE = T0 + 30 * DAY  # the due time of most hand-built commitments


# ------------------------------------------------------------------------------ builders
def account(account_id: str) -> Account:
    return Account(
        account_id,
        f"Customer {account_id}",
        industry="manufacturing",
        region="east",
        size_band="large",
        cooperation_start=dt.date(2024, 1, 1),
    )


STAFF = (KeyPerson("U1", "Li", "our_staff"), KeyPerson("U2", "Wang", "our_staff"))


def portfolio(*records: Commitment, accounts: Sequence[str] = ("A1",)) -> Portfolio:
    return Portfolio([account(a) for a in accounts], list(STAFF), commitments=list(records))


def proposed(
    cid: str = "C1",
    *,
    due: dt.datetime = DUE,
    cap: float = 1,
    account_id: str = "A1",
    owner: str = "U1",
    at: dt.datetime = T0,
) -> Commitment:
    return Commitment.propose(cid, account_id, "Data migration", owner, due, cap, at=at)


def signed(cid: str = "C1", **kw: Any) -> Commitment:
    c = proposed(cid, **kw)
    return c.transition("committed", c.history[0].at)


def executing(cid: str = "C1", *, since: dt.datetime = T0, **kw: Any) -> Commitment:
    return signed(cid, **kw).transition("in_progress", since)


def delivered(cid: str = "C1", *, on: dt.datetime = DUE, **kw: Any) -> Commitment:
    return executing(cid, **kw).transition("delivered", on)


def accepted(
    cid: str = "C1", *, on: dt.datetime = DUE, at: dt.datetime | None = None, **kw: Any
) -> Commitment:
    feedback = kw.pop("feedback", "smooth")
    return delivered(cid, on=on, **kw).accept(on + DAY if at is None else at, feedback)


def check(c: Commitment, as_of: dt.datetime, **policy: Any) -> CommitmentCheck:
    return CommitmentCheck.of(c, as_of=as_of, policy=CommitmentPolicy(**policy))


def codes(c: Commitment, as_of: dt.datetime, **policy: Any) -> dict[str, Alert]:
    alerts = commitment_alerts(portfolio(c), as_of=as_of, policy=CommitmentPolicy(**policy))
    out = {a.code: a for a in alerts}
    assert len(out) == len(alerts)  # one commitment: each code at most once
    return out


def latest(c: Commitment) -> dt.datetime:
    """The latest time the commitment records (what as_of must not precede)."""
    times = [c.history[-1].at]
    times += [w.at for w in c.risk_warnings]
    times += [u.at for u in c.progress_updates]
    if c.acceptance is not None:
        times.append(c.acceptance.at)
    return max(times)


class Window(TypedDict):
    start: dt.datetime
    end: dt.datetime


def window(days: float = 60) -> Window:
    return {"start": T0, "end": T0 + dt.timedelta(days=days)}


# ------------------------------------------------------------------------------ policy
def test_policy_defaults_are_the_source_numbers_and_kamlibs_choices() -> None:
    p = CommitmentPolicy()
    assert p.warning_hours == 48.0  # source [000]: 提前48小时预警
    assert p.sync_days == 7.0  # source [000]: 每周同步进度
    assert p.acceptance_days == 14.0  # kamlib's own choice
    assert p.recent_days == 91.0  # kamlib's own choice: one quarter
    assert p.require_feedback is True


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("warning_hours", -1, InvalidValueError),
        ("warning_hours", math.inf, InvalidValueError),
        ("warning_hours", "48", InvalidTypeError),
        ("warning_hours", True, InvalidTypeError),
        ("sync_days", 0, InvalidValueError),
        ("sync_days", -7, InvalidValueError),
        ("acceptance_days", 36_525.5, InvalidValueError),
        ("acceptance_days", math.nan, InvalidValueError),
        ("recent_days", 0.0, InvalidValueError),
        ("recent_days", None, InvalidTypeError),
        ("require_feedback", 1, InvalidTypeError),
    ],
)
def test_policy_refuses_bad_numbers_naming_the_field(
    field: str, value: object, error: type[Exception]
) -> None:
    with pytest.raises(error) as err:
        CommitmentPolicy(**{field: value})  # type: ignore[arg-type]
    assert err.value.path == f"CommitmentPolicy.{field}"  # type: ignore[attr-defined]


def test_policy_accepts_zero_warning_hours_and_a_century_of_days() -> None:
    p = CommitmentPolicy(warning_hours=0, sync_days=36_525, recent_days=0.5)
    assert (p.warning_hours, p.sync_days, p.recent_days) == (0.0, 36_525.0, 0.5)


# ------------------------------------------------------------------- overdue and slipped
def test_overdue_starts_one_tick_after_due() -> None:
    c = signed()
    assert not check(c, DUE).overdue
    assert check(c, DUE + US).overdue
    assert c.is_overdue(DUE + US)  # the model's rule and the check agree


@pytest.mark.parametrize(
    "c",
    [
        delivered(on=DUE + DAY),
        accepted(on=DUE + DAY),
        signed().transition("broken", DUE + DAY),
        signed().transition("cancelled", DUE + DAY),
    ],
    ids=["delivered", "accepted", "broken", "cancelled"],
)
def test_delivered_or_closed_is_never_overdue(c: Commitment) -> None:
    assert not check(c, DUE + 400 * DAY).overdue


@pytest.mark.parametrize(
    "c",
    [
        signed(),
        executing(),
        signed().transition("at_risk", T0),
        delivered(on=T0 + DAY).transition("in_progress", T0 + 2 * DAY),  # rework
    ],
    ids=["committed", "in_progress", "at_risk", "rework"],
)
def test_every_signed_open_state_is_overdue_past_due(c: Commitment) -> None:
    k = check(c, DUE + US)
    assert (k.overdue, k.slipped) == (True, True)


def test_a_proposal_past_due_was_never_promised() -> None:
    # kamlib's reading: a proposal is not a promise, so it is neither overdue nor a slip
    # (the model does not let a proposal be warned either)
    k = check(proposed(), DUE + 400 * DAY)
    assert (k.overdue, k.slipped, k.warning) == (False, False, None)


def test_delivered_exactly_at_due_did_not_slip_one_tick_later_did() -> None:
    on_time = check(delivered(on=DUE), DUE + DAY)
    assert (on_time.slipped, on_time.warning, on_time.delivered_at) == (False, None, DUE)
    late = check(delivered(on=DUE + US), DUE + DAY)
    assert (late.slipped, late.warning, late.delivered_at) == (True, "missing", DUE + US)


def test_a_broken_commitment_slipped_even_before_its_due() -> None:
    k = check(signed().transition("broken", T0 + DAY), T0 + 2 * DAY)
    assert (k.slipped, k.overdue, k.broken_at, k.warning) == (True, False, T0 + DAY, "missing")


def test_a_cancelled_commitment_did_not_slip() -> None:
    k = check(signed().transition("cancelled", DUE + DAY), DUE + 2 * DAY)
    assert (k.slipped, k.warning, k.broken_at, k.delivered_at) == (False, None, None, None)


def test_not_slipped_means_no_warning_verdict_even_with_warnings() -> None:
    c = signed().warn(DUE - HOUR, DUE).transition("delivered", DUE)
    assert check(c, DUE + DAY).warning is None


# --------------------------------------------------------------- the 48 h warning [000]
def overdue_after_warning(at: dt.datetime) -> Commitment:
    """Committed, warned at ``at`` (now at_risk), still open: overdue after DUE."""
    return signed().warn(at, DUE, "supplier late")


def test_warning_exactly_48h_before_due_is_timely() -> None:
    k = check(overdue_after_warning(DUE - 48 * HOUR), DUE + DAY)
    assert (k.slipped, k.warning) == (True, "timely")


def test_warning_one_tick_under_48h_before_due_is_late() -> None:
    k = check(overdue_after_warning(DUE - 48 * HOUR + US), DUE + DAY)
    assert (k.slipped, k.warning) == (True, "late")


def test_no_warning_is_missing() -> None:
    k = check(signed(), DUE + DAY)
    assert (k.slipped, k.warning) == (True, "missing")


def test_a_warning_after_due_is_late() -> None:
    k = check(overdue_after_warning(DUE + HOUR), DUE + DAY)
    assert k.warning == "late"


def test_one_timely_warning_among_several_is_enough() -> None:
    c = signed().warn(DUE - 72 * HOUR, DUE).warn(DUE - HOUR, DUE)
    assert check(c, DUE + DAY).warning == "timely"
    c = signed().warn(DUE - 47 * HOUR, DUE).warn(DUE - HOUR, DUE)
    assert check(c, DUE + DAY).warning == "late"


def test_the_warning_deadline_is_measured_from_due_not_the_expected_impact() -> None:
    # warned 3 days ahead of an impact expected a day after due: 49 h before due is timely
    c = signed().warn(DUE - 49 * HOUR, DUE + 2 * DAY)
    assert check(c, DUE + DAY).warning == "timely"
    c = signed().warn(DUE - 47 * HOUR, DUE + 20 * DAY)  # a 21-day notice, but late for due
    assert check(c, DUE + DAY).warning == "late"


def test_warning_hours_is_a_parameter() -> None:
    c = overdue_after_warning(DUE - 24 * HOUR)
    assert check(c, DUE + DAY).warning == "late"
    assert check(c, DUE + DAY, warning_hours=24).warning == "timely"
    assert check(overdue_after_warning(DUE), DUE + DAY, warning_hours=0).warning == "timely"


def test_late_delivery_is_judged_by_its_warnings_too() -> None:
    c = signed().warn(DUE - 3 * DAY, DUE + DAY).transition("delivered", DUE + DAY)
    assert check(c, DUE + 2 * DAY).warning == "timely"
    c = signed().warn(DUE - HOUR, DUE + DAY).transition("delivered", DUE + DAY)
    assert check(c, DUE + 2 * DAY).warning == "late"


# ----------------------------------------------------------------- the weekly sync [000]
def test_sync_exactly_7_days_after_the_last_update_is_fine() -> None:
    k = check(executing(since=T0), T0 + 7 * DAY)
    assert (k.last_update_at, k.sync_overdue) == (T0, False)


def test_sync_7_days_and_one_tick_is_flagged() -> None:
    k = check(executing(since=T0), T0 + 7 * DAY + US)
    assert (k.last_update_at, k.sync_overdue) == (T0, True)


def test_a_progress_update_restarts_the_sync_clock() -> None:
    c = executing(since=T0).report_progress(T0 + 3 * DAY, "design signed off")
    assert check(c, T0 + 10 * DAY).last_update_at == T0 + 3 * DAY
    assert not check(c, T0 + 10 * DAY).sync_overdue
    assert check(c, T0 + 10 * DAY + US).sync_overdue


def test_progress_updates_in_any_order_count_by_the_latest() -> None:
    c = executing(since=T0).report_progress(T0 + 5 * DAY).report_progress(T0 + 2 * DAY)
    assert check(c, T0 + 12 * DAY).last_update_at == T0 + 5 * DAY
    assert not check(c, T0 + 12 * DAY).sync_overdue


def test_a_state_change_counts_as_an_update() -> None:
    c = executing(since=T0).transition("at_risk", T0 + 4 * DAY)
    assert check(c, T0 + 11 * DAY).last_update_at == T0 + 4 * DAY
    assert not check(c, T0 + 11 * DAY).sync_overdue
    assert check(c, T0 + 11 * DAY + US).sync_overdue


def test_a_risk_warning_counts_as_an_update() -> None:
    # already at risk: the second warning adds no state change, only the warning
    c = executing(since=T0).warn(T0, DUE).warn(T0 + 5 * DAY, DUE)
    assert c.history[-1].at == T0
    k = check(c, T0 + 12 * DAY)
    assert (k.last_update_at, k.sync_overdue) == (T0 + 5 * DAY, False)
    assert check(c, T0 + 12 * DAY + US).sync_overdue


@pytest.mark.parametrize(
    "c",
    [proposed(), signed(), delivered(on=T0 + DAY), accepted(on=T0 + DAY)],
    ids=["proposed", "committed", "delivered", "accepted"],
)
def test_only_a_commitment_in_execution_is_synced(c: Commitment) -> None:
    k = check(c, T0 + 60 * DAY)
    assert (k.last_update_at, k.sync_overdue) == (None, False)


def test_sync_days_is_a_parameter() -> None:
    c = executing(since=T0)
    assert not check(c, T0 + 14 * DAY, sync_days=14).sync_overdue
    assert check(c, T0 + 14 * DAY + US, sync_days=14).sync_overdue


# ------------------------------------------------------------ acceptance and feedback
def test_acceptance_pending_after_14_days_and_one_tick() -> None:
    c = delivered(on=T0 + DAY)
    assert not check(c, T0 + 15 * DAY).acceptance_pending
    assert check(c, T0 + 15 * DAY + US).acceptance_pending


def test_acceptance_clock_runs_from_the_latest_delivery_after_rework() -> None:
    c = delivered(on=T0 + DAY).transition("in_progress", T0 + 2 * DAY)
    c = c.transition("delivered", T0 + 10 * DAY)
    assert not check(c, T0 + 24 * DAY).acceptance_pending
    assert check(c, T0 + 24 * DAY + US).acceptance_pending
    assert check(c, T0 + 24 * DAY).delivered_at == T0 + 10 * DAY  # the latest delivery


def test_acceptance_days_is_a_parameter() -> None:
    c = delivered(on=T0)
    assert not check(c, T0 + 30 * DAY, acceptance_days=30).acceptance_pending
    assert check(c, T0 + 30 * DAY + US, acceptance_days=30).acceptance_pending


def test_accepted_is_not_pending() -> None:
    assert not check(accepted(on=T0), T0 + 100 * DAY).acceptance_pending


@pytest.mark.parametrize(("feedback", "missing"), [("", True), ("  \n", True), ("ok", False)])
def test_feedback_missing_when_blank(feedback: str, missing: bool) -> None:
    c = accepted(on=T0, feedback=feedback)
    assert check(c, T0 + 2 * DAY).feedback_missing is missing
    assert check(c, T0 + 2 * DAY, require_feedback=False).feedback_missing is False


# -------------------------------------------------------------------- recent (91 days)
def test_recent_window_is_91_days_inclusive() -> None:
    broken = signed().transition("broken", T0 + DAY)
    assert check(broken, T0 + DAY + 91 * DAY).recent
    assert not check(broken, T0 + DAY + 91 * DAY + US).recent
    assert "commitment_broken" in codes(broken, T0 + 92 * DAY)
    assert "commitment_broken" not in codes(broken, T0 + 92 * DAY + US)


def test_recent_counts_from_the_acceptance_for_feedback() -> None:
    c = accepted(on=T0, at=T0 + DAY, feedback="")
    assert "feedback_missing" in codes(c, T0 + 92 * DAY)
    assert "feedback_missing" not in codes(c, T0 + 92 * DAY + US)


def test_late_delivery_warning_alert_is_reported_while_recent() -> None:
    c = accepted(on=DUE + DAY, at=DUE + DAY)  # delivered a day late, never warned
    assert "warning_missing" in codes(c, DUE + 92 * DAY)
    assert "warning_missing" not in codes(c, DUE + 92 * DAY + US)


def test_an_open_overdue_commitment_is_reported_for_as_long_as_it_is_open() -> None:
    c = signed()
    k = check(c, DUE + 1000 * DAY)
    assert (k.recent, k.overdue) == (True, True)
    assert {"commitment_overdue", "warning_missing"} <= codes(c, DUE + 1000 * DAY).keys()


def test_recent_days_is_a_parameter() -> None:
    broken = signed().transition("broken", T0)
    assert check(broken, T0 + 31 * DAY).recent
    assert check(broken, T0 + 30 * DAY, recent_days=30).recent
    assert not check(broken, T0 + 30 * DAY + US, recent_days=30).recent


# -------------------------------------------------------------------------- the alerts
SEVERITY = {
    "commitment_broken": Severity.CRITICAL,
    "warning_missing": Severity.WARNING,
    "warning_late": Severity.WATCH,
    "sync_overdue": Severity.WATCH,
    "acceptance_pending": Severity.WATCH,
    "feedback_missing": Severity.INFO,
}


def every_code_portfolio() -> tuple[Portfolio, dt.datetime]:
    as_of = DUE + 10 * DAY
    records = [
        signed("C1"),  # overdue, never warned: critical
        signed("C2").warn(DUE - HOUR, DUE).report_progress(as_of - DAY),  # warned late
        signed("C3").transition("broken", DUE - DAY),  # broken, never warned
        executing("C4", due=as_of + 30 * DAY, since=as_of - 8 * DAY),  # no sync for 8 days
        delivered("C5", on=as_of - 15 * DAY),  # not accepted after 15 days
        accepted("C6", on=DUE, feedback=""),  # accepted on time without feedback
    ]
    return portfolio(*records), as_of


def test_every_code_has_its_documented_severity() -> None:
    p, as_of = every_code_portfolio()
    alerts = commitment_alerts(p, as_of=as_of)
    assert {a.code for a in alerts} == set(COMMITMENT_CODES)
    by = {(a.subject_id, a.code): a for a in alerts}
    assert by["C1", "commitment_overdue"].severity is Severity.CRITICAL
    assert by["C2", "commitment_overdue"].severity is Severity.WARNING
    for a in alerts:
        assert a.kind is AlertKind.COMMITMENT
        assert a.account_id == "A1"
        if a.code != "commitment_overdue":
            assert a.severity is SEVERITY[a.code], a.code
    assert sorted(by) == [
        ("C1", "commitment_overdue"),
        ("C1", "warning_missing"),
        ("C2", "commitment_overdue"),
        ("C2", "warning_late"),
        ("C3", "commitment_broken"),
        ("C3", "warning_missing"),
        ("C4", "sync_overdue"),
        ("C5", "acceptance_pending"),
        ("C6", "feedback_missing"),
    ]


def test_the_code_sentences_name_the_severities() -> None:
    for code, severity in SEVERITY.items():
        assert f"({severity.value})" in COMMITMENT_CODES[code], code
    assert "warning" in COMMITMENT_CODES["commitment_overdue"]
    assert "critical" in COMMITMENT_CODES["commitment_overdue"]
    assert "(warning)" in CAPACITY_CODES["over_committed"]
    with pytest.raises(TypeError):
        COMMITMENT_CODES["x"] = "y"  # type: ignore[index]


def test_alerts_are_in_canonical_order_with_plain_evidence() -> None:
    p, as_of = every_code_portfolio()
    alerts = commitment_alerts(p, as_of=as_of)
    assert alerts == sort_alerts(reversed(alerts))
    assert alerts[0].severity is Severity.CRITICAL
    for a in alerts:
        assert a.to_dict()["code"] == a.code  # plain, JSON-ready evidence
        assert a.evidence["owner_id"] == "U1"
        assert a.reason


def test_alert_due_times_are_the_clocks_measured_against() -> None:
    p, as_of = every_code_portfolio()
    by = {(a.subject_id, a.code): a for a in commitment_alerts(p, as_of=as_of)}
    assert by["C1", "commitment_overdue"].due == DUE
    assert by["C1", "warning_missing"].due == DUE - 48 * HOUR
    assert by["C2", "warning_late"].due == DUE - 48 * HOUR
    assert by["C4", "sync_overdue"].due == as_of - 8 * DAY + 7 * DAY
    assert by["C4", "sync_overdue"].evidence["last_update_at"] == as_of - 8 * DAY
    assert by["C3", "commitment_broken"].evidence["broken_at"] == DUE - DAY
    assert by["C1", "commitment_overdue"].evidence["warning"] == "missing"


def test_no_alert_for_a_healthy_loop() -> None:
    c = executing(due=DUE).report_progress(DUE - 3 * DAY).transition("delivered", DUE)
    c = c.accept(DUE + DAY, "good")
    assert commitment_alerts(portfolio(c), as_of=DUE + 2 * DAY) == ()


def test_require_feedback_off_silences_feedback_missing() -> None:
    c = accepted(on=DUE, feedback="")
    assert "feedback_missing" in codes(c, DUE + 2 * DAY)
    assert codes(c, DUE + 2 * DAY, require_feedback=False) == {}


def test_acceptance_pending_evidence_names_the_delivery_it_waits_on() -> None:
    c = delivered(on=T0 + DAY).transition("in_progress", T0 + 2 * DAY)
    c = c.transition("delivered", T0 + 10 * DAY)
    (a,) = commitment_alerts(portfolio(c), as_of=T0 + 30 * DAY)
    assert a.code == "acceptance_pending"
    assert a.evidence["delivered_at"] == T0 + 10 * DAY


def test_acceptance_pending_alert_is_due_when_the_clock_ran_out() -> None:
    (a,) = commitment_alerts(portfolio(delivered(on=T0 + DAY)), as_of=T0 + 30 * DAY)
    assert a.due == T0 + DAY + 14 * DAY


# --------------------------------------------------------------- fulfilment rate [000]
def test_fulfilment_rate_counts_accepted_and_delivered_by_due() -> None:
    as_of = DUE + 20 * DAY
    a1 = [
        accepted("C1", on=DUE),  # delivered exactly at due and accepted: on time
        accepted("C2", on=DUE + US),  # one tick late, accepted: due, not on time
        delivered("C3", on=DUE - DAY),  # on time, not yet accepted: due, not on time
        signed("C4").transition("broken", DUE - DAY),  # broken: due
        signed("C5").transition("cancelled", DUE - DAY),  # cancelled: excluded
        signed("C6"),  # overdue: due
        signed("C7", due=as_of + US),  # not due yet: excluded
        signed("C8").warn(DUE - 3 * DAY, DUE).transition("broken", DUE),  # warned in time
    ]
    a3 = [signed("C9", account_id="A3", due=as_of + DAY)]
    p = portfolio(*a1, *a3, accounts=("A1", "A2", "A3"))
    t = commitment_features(p, as_of=as_of)
    assert isinstance(t, FeatureTable)
    assert t.ids.tolist() == ["A1", "A2", "A3"]
    assert set(t.names) == set(COMMITMENT_FEATURES)
    assert t.column("commitments_due").tolist() == [6.0, 0.0, 0.0]
    assert t.column("fulfilment_rate")[0] == pytest.approx(1 / 6)
    assert t.is_missing("fulfilment_rate").tolist() == [False, True, True]
    assert t.column("commitments_overdue").tolist() == [1.0, 0.0, 0.0]
    # slipped without a timely warning: C2, C4, C6 (C8 was warned 3 days ahead)
    assert t.column("commitments_unwarned").tolist() == [3.0, 0.0, 0.0]
    for name in ("commitments_due", "commitments_overdue", "commitments_unwarned"):
        assert not t.is_missing(name).any()


def test_a_commitment_due_exactly_at_as_of_is_due() -> None:
    c = accepted("C1", on=DUE, at=DUE)
    t = commitment_features(portfolio(c), as_of=DUE)
    assert t.column("commitments_due").tolist() == [1.0]
    assert t.column("fulfilment_rate").tolist() == [1.0]
    t = commitment_features(portfolio(signed("C1", due=DUE + US)), as_of=DUE)
    assert t.column("commitments_due").tolist() == [0.0]
    assert t.is_missing("fulfilment_rate").tolist() == [True]


def test_all_on_time_is_a_rate_of_one_none_on_time_is_zero() -> None:
    good = [accepted(f"C{i}", on=DUE - i * DAY) for i in range(3)]
    bad = [accepted(f"D{i}", account_id="A2", on=DUE + DAY) for i in range(2)]
    t = commitment_features(portfolio(*good, *bad, accounts=("A1", "A2")), as_of=DUE + 5 * DAY)
    assert t.column("fulfilment_rate").tolist() == [1.0, 0.0]
    assert t.is_missing("fulfilment_rate").tolist() == [False, False]


def test_the_health_model_reads_the_fulfilment_rate() -> None:
    as_of = DUE + 5 * DAY
    records = [
        accepted("C1", on=DUE),
        signed("C2").transition("broken", DUE),  # A1: 1 of 2 on time
        accepted("C3", account_id="A3", on=DUE - DAY),  # A3: 1 of 1
    ]
    p = portfolio(*records, accounts=("A1", "A2", "A3"))
    loop = commitment_features(p, as_of=as_of)
    base = FeatureTable.from_columns(["A1", "A2", "A3"], {"satisfaction": [80, 80, 80]})
    table = base.with_columns(
        {"fulfilment_rate": loop.column("fulfilment_rate")},
        missing={"fulfilment_rate": loop.is_missing("fulfilment_rate")},
    )
    model = HealthModel(
        measures=(
            Measure("satisfaction", mapping=MinMax(0, 100)),
            Measure("fulfilment_rate", mapping=MinMax(0, 1)),
        ),
        nodes=(Node("overall", ("satisfaction", "fulfilment_rate"), (1, 1)),),
        rules=(),
    )
    scores = model.score(table)
    # A1: (80 + 50) / 2; A2: no rate, renormalised to satisfaction alone; A3: (80 + 100) / 2
    assert scores.scores.tolist() == pytest.approx([65.0, 80.0, 90.0])
    assert scores.coverage.tolist() == [1.0, 0.5, 1.0]


def test_the_features_doctest_joins_extract_features() -> None:
    from kamlib.features import extract_features
    from kamlib.synthetic import synthetic_portfolio

    as_of = dt.datetime(2026, 1, 1, tzinfo=UTC)
    p = synthetic_portfolio(30, seed=2, as_of=as_of)
    loop = commitment_features(p, as_of=as_of)
    assert loop.ids.tolist() == [a.id for a in p.accounts]
    rate = loop.column("fulfilment_rate")
    seen = ~loop.is_missing("fulfilment_rate")
    assert ((rate[seen] >= 0) & (rate[seen] <= 1)).all()
    table = extract_features(p, as_of=as_of).with_columns(
        {"fulfilment_rate": rate}, missing={"fulfilment_rate": loop.is_missing("fulfilment_rate")}
    )
    assert "fulfilment_rate" in table.names


# ----------------------------------------------------------------------- capacity [000]
def test_exactly_at_capacity_is_within() -> None:
    (load,) = capacity_check([signed("C1", cap=4), proposed("C2", cap=6)], capacity=10, **window())
    assert (load.required, load.over, load.tipping, load.headroom) == (10.0, False, (), 0.0)
    assert capacity_alerts([load]) == ()


def test_above_capacity_is_over_and_names_the_tipping_commitment() -> None:
    (load,) = capacity_check(
        [signed("C1", cap=4), proposed("C2", cap=6.5)], capacity=10, **window()
    )
    assert (load.required, load.over, load.tipping, load.headroom) == (10.5, True, ("C2",), -0.5)
    (a,) = capacity_alerts([load])
    assert (a.code, a.kind, a.severity) == ("over_committed", AlertKind.CAPACITY, Severity.WARNING)
    assert (a.account_id, a.subject_id) == (None, "U1")
    assert a.evidence["tipping"] == ("C2",)
    assert a.evidence["proposed"] == ("C2",)
    assert set(CAPACITY_CODES) == {"over_committed"}


def test_one_float_tick_over_capacity_is_over() -> None:
    tick_over_six = math.nextafter(math.nextafter(6, 7), 7)  # 4 + it is the float after 10
    records = [signed("C1", cap=4), proposed("C2", cap=tick_over_six)]
    (load,) = capacity_check(records, capacity=10, **window())
    assert (load.required, load.over, load.tipping) == (math.nextafter(10, 11), True, ("C2",))
    (load,) = capacity_check(records, capacity=math.nextafter(10, 11), **window())
    assert (load.over, load.tipping) == (False, ())


def test_over_agrees_with_tipping_when_the_rounded_sum_equals_capacity() -> None:
    (load,) = capacity_check(
        [signed("C1", cap=4), proposed("C2", cap=math.nextafter(6, 7))], capacity=10, **window()
    )
    assert load.tipping == ("C2",)  # the exact sum 10 + 2**-50 is above 10
    assert load.over
    assert len(capacity_alerts([load])) == 1


def test_signed_commitments_count_before_proposed_each_by_due_then_id() -> None:
    records = [
        proposed("P1", due=T0 + 2 * DAY, cap=1),
        signed("S2", due=T0 + 9 * DAY, cap=1),
        proposed("P0", due=T0 + 2 * DAY, cap=1),
        signed("S1", due=T0 + 9 * DAY, cap=1),
        executing("S0", due=T0 + 20 * DAY, cap=1),
        signed("S3", due=T0 + 3 * DAY, cap=1).warn(T0, T0 + 3 * DAY),  # at_risk: signed
    ]
    (load,) = capacity_check(records, capacity=100, **window())
    assert load.commitments == ("S3", "S1", "S2", "S0", "P0", "P1")
    assert load.proposed == ("P0", "P1")


def test_tipping_names_from_the_first_crossing_on() -> None:
    records = [
        signed("S1", due=T0 + DAY, cap=3),
        signed("S2", due=T0 + 2 * DAY, cap=3),
        signed("S3", due=T0 + 3 * DAY, cap=3),  # running sum 9 > 8: the crossing
        proposed("P1", due=T0 + DAY, cap=0),  # adds nothing, still counted after it
        proposed("P2", due=T0 + 2 * DAY, cap=1),
    ]
    (load,) = capacity_check(records, capacity=8, **window())
    assert load.commitments == ("S1", "S2", "S3", "P1", "P2")
    assert load.tipping == ("S3", "P1", "P2")
    assert load.required == 10.0


def test_signed_commitments_alone_can_be_over() -> None:
    (load,) = capacity_check([signed("S1", cap=9), proposed("P1", cap=1)], capacity=5, **window())
    assert load.tipping == ("S1", "P1")


def test_only_open_commitments_count() -> None:
    records = [
        signed("S1", due=T0 + 5 * DAY, cap=5),
        delivered("D1", due=T0 + 5 * DAY, on=T0 + DAY, cap=50),
        accepted("D2", due=T0 + 5 * DAY, on=T0 + DAY, cap=50),
        signed("B1", due=T0 + 5 * DAY, cap=50).transition("broken", T0),
        signed("X1", due=T0 + 5 * DAY, cap=50).transition("cancelled", T0),
    ]
    (load,) = capacity_check(records, capacity=5, **window())
    assert (load.commitments, load.over) == (("S1",), False)


def test_window_start_is_inclusive_end_exclusive() -> None:
    end = T0 + 28 * DAY
    records = [
        signed("S1", due=T0 - US, cap=1),
        signed("S2", due=T0, cap=1),
        signed("S3", due=end - US, cap=1),
        signed("S4", due=end, cap=1),
    ]
    (load,) = capacity_check(records, capacity=10, start=T0, end=end)
    assert load.commitments == ("S2", "S3")


def test_the_window_may_be_given_in_any_offset() -> None:
    tz = dt.timezone(dt.timedelta(hours=8))
    records = [signed("S1", due=T0, cap=1)]
    (load,) = capacity_check(records, capacity=1, start=T0.astimezone(tz), end=T0 + DAY)
    assert load.commitments == ("S1",)


def test_no_commitment_in_the_window_gives_no_load() -> None:
    assert capacity_check([signed(due=T0 - DAY)], capacity=1, **window()) == ()
    assert capacity_check([], capacity=1, **window()) == ()


def test_one_load_per_owner_sorted_by_key() -> None:
    records = [signed("C1", owner="U2", cap=3), signed("C2", owner="U1", cap=1)]
    loads = capacity_check(records, capacity={"U1": 2, "U2": 2}, **window())
    assert [(x.key, x.capacity, x.over) for x in loads] == [("U1", 2.0, False), ("U2", 2.0, True)]


def test_team_of_sums_the_owners_of_a_team() -> None:
    records = [signed("C1", owner="U1", cap=3), proposed("C2", owner="U2", cap=3)]
    (load,) = capacity_check(records, capacity=5, team_of={"U1": "T", "U2": "T"}, **window())
    assert (load.key, load.required, load.tipping) == ("T", 6.0, ("C2",))
    (load,) = capacity_check(records, capacity={"T": 6}, team_of={"U1": "T", "U2": "T"}, **window())
    assert not load.over


def test_a_portfolio_is_read_by_its_commitments() -> None:
    p = portfolio(signed("C1", cap=3), proposed("C2", owner="U2", cap=3))
    loads = capacity_check(p, capacity=3, **window())
    assert [x.key for x in loads] == ["U1", "U2"]


def test_capacity_check_leaves_its_input_alone() -> None:
    records = [proposed("C2", cap=5), signed("C1", cap=8)]
    before = list(records)
    capacity_check(records, capacity=10, **window())
    assert records == before


def test_capacity_load_properties() -> None:
    assert CapacityLoad("U1", 10.0, 10.0, ("C1",), (), ()).over is False
    assert CapacityLoad("U1", 10.0, 12.0, ("C1",), ("C1",), ()).headroom == -2.0


# ------------------------------------------------------------------ capacity bad input
def test_a_capacity_mapping_missing_a_key_is_unknown() -> None:
    with pytest.raises(UnknownIdError) as err:
        capacity_check([signed(owner="U2")], capacity={"U1": 5}, **window())
    assert err.value.path == "capacity_check.capacity"


def test_an_owner_without_a_team_is_unknown() -> None:
    with pytest.raises(UnknownIdError) as err:
        capacity_check([signed(owner="U2")], capacity=5, team_of={"U1": "T"}, **window())
    assert err.value.path == "capacity_check.team_of"


@pytest.mark.parametrize("value", [0, -1, 0.0, math.inf, math.nan])
def test_capacity_must_be_positive(value: float) -> None:
    with pytest.raises(InvalidValueError) as err:
        capacity_check([signed()], capacity=value, **window())
    assert err.value.path == "capacity_check.capacity"


@pytest.mark.parametrize("value", [0, -1])
def test_a_mapped_capacity_must_be_positive(value: float) -> None:
    with pytest.raises(InvalidValueError) as err:
        capacity_check([signed()], capacity={"U1": value}, **window())
    assert err.value.path == "capacity_check.capacity['U1']"


@pytest.mark.parametrize("value", ["10", None, True])
def test_capacity_must_be_a_number(value: object) -> None:
    with pytest.raises(InvalidTypeError) as err:
        capacity_check([signed()], capacity=value, **window())  # type: ignore[arg-type]
    assert err.value.path == "capacity_check.capacity"


def test_a_naive_window_is_refused() -> None:
    naive = dt.datetime(2025, 3, 3)
    with pytest.raises(InvalidValueError) as err:
        capacity_check([signed()], capacity=1, start=naive, end=T0 + DAY)
    assert err.value.path == "capacity_check.start"
    with pytest.raises(InvalidValueError) as err:
        capacity_check([signed()], capacity=1, start=T0, end=naive + 2 * DAY)
    assert err.value.path == "capacity_check.end"


@pytest.mark.parametrize("end", [T0, T0 - US])
def test_end_must_be_after_start(end: dt.datetime) -> None:
    with pytest.raises(InvalidValueError) as err:
        capacity_check([signed()], capacity=1, start=T0, end=end)
    assert err.value.path == "capacity_check.end"


def test_commitments_must_be_commitments() -> None:
    with pytest.raises(InvalidTypeError) as err:
        capacity_check([signed(), "C2"], capacity=1, **window())  # type: ignore[list-item]
    assert err.value.path == "capacity_check.commitments[1]"
    with pytest.raises(InvalidTypeError) as err:
        capacity_check([signed()], capacity=1, team_of=["U1"], **window())  # type: ignore[arg-type]
    assert err.value.path == "capacity_check.team_of"
    with pytest.raises(InvalidTypeError) as err:
        capacity_alerts([signed()])  # type: ignore[list-item]
    assert err.value.path == "capacity_alerts.loads[0]"


def test_commitments_that_are_not_iterable_get_a_typed_error() -> None:
    with pytest.raises(InvalidTypeError) as err:
        capacity_check(None, capacity=1, **window())  # type: ignore[arg-type]
    assert err.value.path == "capacity_check.commitments"


@pytest.mark.parametrize("team", [7, ["T"], ""])
def test_a_team_must_be_a_non_empty_string(team: object) -> None:
    with pytest.raises((InvalidTypeError, InvalidValueError)) as err:
        capacity_check(
            [signed("C1"), signed("C2", owner="U2")],
            capacity=1,
            team_of={"U1": team, "U2": "T"},  # type: ignore[dict-item]
            **window(),
        )
    assert err.value.path == "capacity_check.team_of['U1']"


def test_a_sum_beyond_the_float_range_gets_a_typed_error() -> None:
    records = [proposed("C1", cap=1e308), proposed("C2", cap=1e308)]
    with pytest.raises(InvalidValueError) as err:
        capacity_check(records, capacity=1, **window())
    assert err.value.path == "capacity_check.commitments"


# --------------------------------------------------------------- checks bad input [§8]
def future_history() -> Commitment:
    return executing(since=T0 + 5 * DAY)  # history[2] (in_progress) is at T0 + 5 days


def future_warning() -> Commitment:
    return attrs.evolve(signed(), risk_warnings=(RiskWarning(T0 + 5 * DAY, DUE),))


def future_update() -> Commitment:
    return executing().report_progress(T0 + 5 * DAY)


def future_acceptance() -> Commitment:
    c = accepted(on=T0, at=T0)
    return attrs.evolve(c, acceptance=Acceptance(T0 + 5 * DAY, "ok"))


FUTURE = [
    (future_history, "history[2].at"),
    (future_warning, "risk_warnings[0].at"),
    (future_update, "progress_updates[0].at"),
    (future_acceptance, "acceptance.at"),
]


@pytest.mark.parametrize(("make", "field"), FUTURE, ids=[f for _, f in FUTURE])
@pytest.mark.parametrize("position", [0, 1])
@pytest.mark.parametrize("run", [commitment_checks, commitment_alerts, commitment_features])
def test_a_record_after_as_of_is_refused_naming_it(
    make: Any, field: str, position: int, run: Any
) -> None:
    bad = make()
    good = signed("C0", due=T0 + DAY)
    records = [good, bad] if position else [bad, good]
    with pytest.raises(InvalidValueError) as err:
        run(portfolio(*records), as_of=T0 + 3 * DAY)
    assert err.value.path == f"Portfolio.commitments[{position}].{field}"


@pytest.mark.parametrize(("make", "field"), FUTURE, ids=[f for _, f in FUTURE])
def test_check_of_names_the_commitment_field(make: Any, field: str) -> None:
    with pytest.raises(InvalidValueError) as err:
        CommitmentCheck.of(make(), as_of=T0 + 3 * DAY)
    assert err.value.path == f"Commitment.{field}"


def test_a_record_exactly_at_as_of_is_read() -> None:
    c = future_update()
    assert CommitmentCheck.of(c, as_of=T0 + 5 * DAY).last_update_at == T0 + 5 * DAY


@pytest.mark.parametrize("run", [commitment_checks, commitment_features])
def test_naive_as_of_and_wrong_types_name_the_function(run: Any) -> None:
    name = run.__name__
    with pytest.raises(InvalidValueError) as err:
        run(portfolio(), as_of=dt.datetime(2025, 1, 1))
    assert err.value.path == f"{name}.as_of"
    with pytest.raises(InvalidTypeError) as wrong:
        run([signed()], as_of=T0)
    assert wrong.value.path == f"{name}.portfolio"
    with pytest.raises(InvalidTypeError) as wrong:
        run(portfolio(), as_of=T0, policy={"warning_hours": 48})
    assert wrong.value.path == f"{name}.policy"


def test_commitment_alerts_errors_name_commitment_alerts() -> None:
    with pytest.raises(InvalidValueError) as err:
        commitment_alerts(portfolio(), as_of=dt.datetime(2025, 1, 1))
    assert err.value.path == "commitment_alerts.as_of"
    with pytest.raises(InvalidTypeError) as wrong:
        commitment_alerts([signed()], as_of=T0)  # type: ignore[arg-type]
    assert wrong.value.path == "commitment_alerts.portfolio"


def test_commitment_alerts_policy_error_names_it() -> None:
    with pytest.raises(InvalidTypeError) as wrong:
        commitment_alerts(portfolio(), as_of=T0, policy=48)  # type: ignore[arg-type]
    assert wrong.value.path == "commitment_alerts.policy"


def test_check_of_refuses_bad_arguments() -> None:
    with pytest.raises(InvalidValueError) as err:
        CommitmentCheck.of(signed(), as_of=dt.datetime(2025, 1, 1))
    assert err.value.path == "CommitmentCheck.of.as_of"
    with pytest.raises(InvalidTypeError) as wrong:
        CommitmentCheck.of("C1", as_of=T0)  # type: ignore[arg-type]
    assert wrong.value.path == "CommitmentCheck.of.commitment"
    with pytest.raises(InvalidTypeError) as wrong:
        CommitmentCheck.of(signed(), as_of=T0, policy=7)  # type: ignore[arg-type]
    assert wrong.value.path == "CommitmentCheck.of.policy"


def test_checks_are_sorted_by_account_due_and_id() -> None:
    records = [
        signed("C3", account_id="A2", due=DUE),
        signed("C2", due=DUE),
        signed("C1", due=DUE + DAY),
        signed("C0", due=DUE),
    ]
    p = portfolio(*records, accounts=("A2", "A1"))
    got = [(k.account_id, k.commitment_id) for k in commitment_checks(p, as_of=T0)]
    assert got == [("A1", "C0"), ("A1", "C2"), ("A1", "C1"), ("A2", "C3")]


# --------------------------------------------------------------------- properties
def as_of_after(records: Iterable[Commitment], extra: dt.timedelta) -> dt.datetime:
    times = [latest(c) for c in records]
    return (max(times) if times else T0) + extra


gaps = st.timedeltas(min_value=dt.timedelta(0), max_value=dt.timedelta(days=400))
loop_portfolios = portfolios(min_accounts=1, max_accounts=3, max_updates=2)


def features_of(t: FeatureTable) -> dict[str, list[float | None]]:
    """Each column as a list, a missing value as None (a NaN never equals itself)."""
    out: dict[str, list[float | None]] = {}
    for n in t.names:
        values, missing = t.column(n).tolist(), t.is_missing(n).tolist()
        out[n] = [None if m else v for v, m in zip(values, missing, strict=True)]
    return out


@given(loop_portfolios, gaps, st.randoms(use_true_random=False))
def test_order_of_commitments_never_changes_an_answer(
    p: Portfolio, gap: dt.timedelta, rnd: Any
) -> None:
    as_of = as_of_after(p.commitments, gap)
    shuffled = list(p.commitments)
    rnd.shuffle(shuffled)
    q = attrs.evolve(p, commitments=shuffled)
    assert commitment_checks(q, as_of=as_of) == commitment_checks(p, as_of=as_of)
    assert commitment_alerts(q, as_of=as_of) == commitment_alerts(p, as_of=as_of)
    f_p = features_of(commitment_features(p, as_of=as_of))
    assert features_of(commitment_features(q, as_of=as_of)) == f_p


@given(loop_portfolios, gaps)
def test_features_agree_with_the_checks(p: Portfolio, gap: dt.timedelta) -> None:
    as_of = as_of_after(p.commitments, gap)
    t = commitment_features(p, as_of=as_of)
    checks = commitment_checks(p, as_of=as_of)
    for i, a in enumerate(p.accounts):
        mine = [k for k in checks if k.account_id == a.id]
        not_promised = (CommitmentState.CANCELLED, CommitmentState.PROPOSED)
        due = [k for k in mine if k.state not in not_promised and k.due <= as_of]
        on_time = [
            k
            for k in due
            if k.state is CommitmentState.ACCEPTED
            and k.delivered_at is not None
            and k.delivered_at <= k.due
        ]
        assert t.column("commitments_due")[i] == len(due)
        assert t.column("commitments_overdue")[i] == sum(k.overdue for k in mine)
        assert t.is_missing("fulfilment_rate")[i] == (not due)
        if due:
            assert t.column("fulfilment_rate")[i] == pytest.approx(len(on_time) / len(due))
            assert 0.0 <= t.column("fulfilment_rate")[i] <= 1.0


@given(
    commitments(max_transitions=6, max_warnings=2, max_updates=2),
    gaps,
    gaps,
)
def test_moving_as_of_forward_never_undoes_overdue(
    c: Commitment, gap: dt.timedelta, step: dt.timedelta
) -> None:
    as_of = latest(c) + gap
    early = CommitmentCheck.of(c, as_of=as_of)
    later = CommitmentCheck.of(c, as_of=as_of + step)
    assert later.overdue >= early.overdue
    assert later.slipped >= early.slipped
    assert later.sync_overdue >= early.sync_overdue
    assert later.acceptance_pending >= early.acceptance_pending
    if early.slipped:
        assert later.warning == early.warning
    assert later.overdue == c.is_overdue(as_of + step)


@given(commitments(max_transitions=6, max_warnings=2, max_updates=2), gaps)
def test_check_is_consistent(c: Commitment, gap: dt.timedelta) -> None:
    k = CommitmentCheck.of(c, as_of=latest(c) + gap)
    assert (k.warning is None) == (not k.slipped)
    assert k.overdue <= k.slipped
    assert (k.last_update_at is not None) == (
        k.state in (CommitmentState.IN_PROGRESS, CommitmentState.AT_RISK)
    )
    if k.feedback_missing:
        assert k.state is CommitmentState.ACCEPTED


def capacity_records() -> st.SearchStrategy[list[Commitment]]:
    one = commitments(
        owner_ids=st.sampled_from(["U1", "U2", "U3"]), max_transitions=3, max_warnings=1
    )
    return st.lists(one, max_size=8, unique_by=lambda c: c.id)


WIDE: Window = {
    "start": dt.datetime(2000, 1, 1, tzinfo=UTC),
    "end": dt.datetime(2100, 1, 1, tzinfo=UTC),
}


@given(
    capacity_records(),
    st.floats(0.5, 3e4),
    st.randoms(use_true_random=False),
    st.booleans(),
)
def test_capacity_is_input_order_independent_and_tipping_is_a_suffix(
    records: list[Commitment], cap: float, rnd: Any, teams: bool
) -> None:
    team_of = {"U1": "T1", "U2": "T1", "U3": "T2"} if teams else None
    loads = capacity_check(records, capacity=cap, team_of=team_of, **WIDE)
    shuffled = list(records)
    rnd.shuffle(shuffled)
    assert capacity_check(shuffled, capacity=cap, team_of=team_of, **WIDE) == loads
    assert [x.key for x in loads] == sorted(x.key for x in loads)
    for load in loads:
        n = len(load.tipping)
        assert load.tipping == load.commitments[len(load.commitments) - n :]
        assert set(load.proposed) <= set(load.commitments)
        # signed first: no proposed commitment comes before a signed one
        flags = [cid in load.proposed for cid in load.commitments]
        assert flags == sorted(flags)
        if not load.tipping:
            assert not load.over
    alerts = capacity_alerts(loads)
    assert alerts == capacity_alerts(reversed(loads))
    assert {a.subject_id for a in alerts} == {x.key for x in loads if x.over}


@given(capacity_records(), st.floats(0.5, 3e4))
def test_the_tipping_commitment_is_the_first_crossing(
    records: list[Commitment], cap: float
) -> None:
    by_id = {c.id: c for c in records}
    for load in capacity_check(records, capacity=cap, **WIDE):
        sums = np.cumsum([by_id[i].required_capacity for i in load.commitments])
        first = len(load.commitments) - len(load.tipping)
        # every commitment before the tipping one keeps the running sum within capacity
        # (compared with a tolerance: the library sums exactly, numpy does not)
        assert all(s <= cap * (1 + 1e-12) for s in sums[:first])
        if load.tipping:
            assert sums[first] >= cap * (1 - 1e-12)


@given(portfolios(min_accounts=2, max_accounts=3, max_updates=2), gaps, st.data())
def test_another_accounts_commitments_change_no_other_account(
    p: Portfolio, gap: dt.timedelta, data: st.DataObject
) -> None:
    other = data.draw(st.sampled_from([a.id for a in p.accounts]))
    without = attrs.evolve(p, commitments=[c for c in p.commitments if c.account_id != other])
    as_of = as_of_after(p.commitments, gap)

    def mine(xs: Iterable[Any]) -> list[Any]:
        return [x for x in xs if x.account_id != other]

    assert mine(commitment_checks(p, as_of=as_of)) == mine(commitment_checks(without, as_of=as_of))
    assert mine(commitment_alerts(p, as_of=as_of)) == mine(commitment_alerts(without, as_of=as_of))
    full = features_of(commitment_features(p, as_of=as_of))
    part = features_of(commitment_features(without, as_of=as_of))
    keep = [i for i, a in enumerate(p.accounts) if a.id != other]
    for name, values in full.items():
        assert [values[i] for i in keep] == [part[name][i] for i in keep], name
