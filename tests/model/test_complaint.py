"""Complaint and ProgressUpdate: the records, their checks and their place on the Portfolio."""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
import pytest

from kamlib.errors import (
    DanglingReferenceError,
    DuplicateIdError,
    IllegalTransitionError,
    IntegrityError,
    InvalidTypeError,
    InvalidValueError,
    KamlibError,
    KamlibValidationError,
    UnknownIdError,
)
from kamlib.model import (
    Account,
    Commitment,
    CommitmentState,
    Complaint,
    ComplaintChannel,
    ComplaintSeverity,
    KeyPerson,
    Portfolio,
    ProgressUpdate,
)

T0 = dt.datetime(2025, 3, 3, 9, tzinfo=dt.UTC)
H = dt.timedelta(hours=1)
TICK = dt.timedelta(microseconds=1)
UTC8 = dt.timezone(dt.timedelta(hours=8))
TIMES = ("acknowledged_at", "first_plan_at", "options_at", "senior_on_site_at", "resolved_at")


def complaint(cid: str = "Q1", aid: str = "A1", owner: str = "U1", **kw: Any) -> Complaint:
    return Complaint(cid, aid, owner, T0, "Invoice run failed", **kw)


def _with_time(name: str, at: dt.datetime) -> Complaint:
    """A complaint with one recorded time set (options_at comes with an option)."""
    fields: dict[str, Any] = {name: at}
    if name == "options_at":
        fields["options"] = ("refund",)
    return complaint(**fields)


# ------------------------------------------------------------------ the Complaint record


def test_fields_and_defaults() -> None:
    q = complaint()
    assert (q.id, q.account_id, q.owner_id, q.received_at, q.summary) == (
        "Q1",
        "A1",
        "U1",
        T0,
        "Invoice run failed",
    )
    assert q.channel is ComplaintChannel.STANDARD
    assert q.severity is ComplaintSeverity.MEDIUM
    assert q.options == ()
    assert q.improvement_commitment == ""
    for name in (*TIMES, "person_id"):
        assert getattr(q, name) is None


def test_enums_are_read_from_their_values() -> None:
    q = complaint(channel="red", severity="critical")
    assert (q.channel, q.severity) == (ComplaintChannel.RED, ComplaintSeverity.CRITICAL)
    assert [s.value for s in ComplaintSeverity] == ["low", "medium", "high", "critical"]


@pytest.mark.parametrize("name", TIMES)
def test_every_time_may_equal_received_at(name: str) -> None:
    assert getattr(_with_time(name, T0), name) == T0


@pytest.mark.parametrize("name", TIMES)
def test_every_time_one_tick_before_received_at_is_refused(name: str) -> None:
    with pytest.raises(InvalidValueError) as info:
        _with_time(name, T0 - TICK)
    assert info.value.path == f"Complaint.{name}"
    assert info.value.value == T0 - TICK
    assert "must not be before received_at" in info.value.reason


@pytest.mark.parametrize("name", TIMES)
def test_times_compare_as_instants_across_offsets(name: str) -> None:
    same = T0.astimezone(UTC8)  # 17:00 at +08:00 is 09:00 UTC
    assert getattr(_with_time(name, same), name) == T0
    with pytest.raises(InvalidValueError) as info:
        _with_time(name, same - TICK)
    assert info.value.path == f"Complaint.{name}"


def test_options_without_options_at_is_refused() -> None:
    with pytest.raises(InvalidValueError) as info:
        complaint(options=("refund", "credit note"))
    assert (info.value.path, info.value.value) == ("Complaint.options_at", None)


def test_options_at_without_options_is_refused() -> None:
    with pytest.raises(InvalidValueError) as info:
        complaint(options_at=T0 + H)
    assert (info.value.path, info.value.value) == ("Complaint.options_at", T0 + H)


def test_options_with_options_at_are_kept_as_a_tuple() -> None:
    q = complaint(options=["refund", "credit note"], options_at=T0 + H)
    assert q.options == ("refund", "credit note")


def test_a_repeated_option_is_refused() -> None:
    with pytest.raises(InvalidValueError) as info:
        complaint(options=("refund", "credit note", "refund"), options_at=T0)
    assert (info.value.path, info.value.value) == ("Complaint.options[2]", "refund")


@pytest.mark.parametrize(
    ("kwargs", "error", "path"),
    [
        ({"id": ""}, InvalidValueError, "Complaint.id"),
        ({"account_id": 3}, InvalidTypeError, "Complaint.account_id"),
        ({"owner_id": " "}, InvalidValueError, "Complaint.owner_id"),
        ({"summary": ""}, InvalidValueError, "Complaint.summary"),
        ({"received_at": dt.datetime(2025, 3, 3, 9)}, InvalidValueError, "Complaint.received_at"),
        ({"received_at": dt.date(2025, 3, 3)}, InvalidTypeError, "Complaint.received_at"),
        ({"channel": "purple"}, InvalidValueError, "Complaint.channel"),
        ({"severity": 3}, InvalidTypeError, "Complaint.severity"),
        ({"options": ("",), "options_at": T0}, InvalidValueError, "Complaint.options[0]"),
        ({"options": "refund", "options_at": T0}, InvalidTypeError, "Complaint.options"),
        ({"improvement_commitment": None}, InvalidTypeError, "Complaint.improvement_commitment"),
        ({"person_id": ""}, InvalidValueError, "Complaint.person_id"),
    ],
)
def test_bad_fields_are_typed_errors_naming_the_field(
    kwargs: dict[str, Any], error: type[Exception], path: str
) -> None:
    fields: dict[str, Any] = {
        "id": "Q1",
        "account_id": "A1",
        "owner_id": "U1",
        "received_at": T0,
        "summary": "x",
        **kwargs,
    }
    with pytest.raises(error) as info:
        Complaint(**fields)
    assert getattr(info.value, "path", None) == path


@pytest.mark.parametrize("name", TIMES)
def test_naive_times_are_refused(name: str) -> None:
    naive = dt.datetime(2025, 3, 4, 9)
    with pytest.raises(InvalidValueError) as info:
        _with_time(name, naive)
    assert info.value.path == f"Complaint.{name}"
    assert "timezone-aware" in info.value.reason


def test_is_open_boundaries() -> None:
    q = complaint(resolved_at=T0 + 48 * H)
    assert not q.is_open(T0 - TICK)  # not yet received
    assert q.is_open(T0)  # received at that very moment
    assert q.is_open(T0 + 48 * H - TICK)
    assert not q.is_open(T0 + 48 * H)  # resolved at that very moment
    assert not q.is_open(T0 + 100 * H)
    unresolved = complaint()
    assert unresolved.is_open(T0 + 10_000 * H)
    assert not unresolved.is_open(T0 - TICK)


def test_is_open_reads_as_of_as_an_instant() -> None:
    q = complaint(resolved_at=T0 + H)
    assert q.is_open((T0 + H - TICK).astimezone(UTC8))
    assert not q.is_open((T0 + H).astimezone(UTC8))


@pytest.mark.parametrize("bad", [dt.datetime(2025, 3, 3, 9), dt.date(2025, 3, 3), "2025"])
def test_is_open_refuses_a_bad_as_of(bad: object) -> None:
    with pytest.raises(KamlibError) as info:
        complaint().is_open(bad)  # type: ignore[arg-type]
    assert isinstance(info.value, InvalidValueError | InvalidTypeError)
    assert info.value.path == "Complaint.is_open.as_of"


def test_is_red() -> None:
    assert complaint(channel=ComplaintChannel.RED).is_red
    assert not complaint().is_red
    assert not complaint(channel="standard").is_red


def test_times_lists_every_recorded_time_received_at_first() -> None:
    assert complaint().times() == (("received_at", T0),)
    full = complaint(
        acknowledged_at=T0 + H,
        first_plan_at=T0 + 6 * H,
        options=("a", "b"),
        options_at=T0 + 20 * H,
        senior_on_site_at=T0 + 10 * H,
        resolved_at=T0 + 72 * H,
    )
    assert full.times() == (
        ("received_at", T0),
        ("acknowledged_at", T0 + H),
        ("first_plan_at", T0 + 6 * H),
        ("options_at", T0 + 20 * H),
        ("senior_on_site_at", T0 + 10 * H),
        ("resolved_at", T0 + 72 * H),
    )
    # the field order, whatever order the times happened in
    odd = complaint(resolved_at=T0 + H, acknowledged_at=T0 + 5 * H)
    assert [name for name, _ in odd.times()] == ["received_at", "acknowledged_at", "resolved_at"]


def test_frozen_and_evolve_revalidates() -> None:
    q = complaint()
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        q.owner_id = "U2"  # type: ignore[misc]
    assert attrs.evolve(q, resolved_at=T0 + H).resolved_at == T0 + H
    with pytest.raises(InvalidValueError) as info:
        attrs.evolve(q, received_at=T0 + H, resolved_at=T0)
    assert info.value.path == "Complaint.resolved_at"


def test_fast_init_matches_attrs_init() -> None:
    init: Any = Complaint.__init__
    slow = init.__kamlib_attrs_init__  # the fused fast path sits in front of attrs' own
    kw: dict[str, Any] = {"channel": "red", "options": ("a",), "options_at": T0 + H}
    fast, ref = complaint(**kw), object.__new__(Complaint)
    slow(ref, "Q1", "A1", "U1", T0, "Invoice run failed", **kw)
    assert fast == ref


# ------------------------------------------------------------------ ProgressUpdate


def proposed() -> Commitment:
    return Commitment.propose("C1", "A1", "Migrate data", "U1", T0 + 720 * H, 10, at=T0)


def test_progress_update_fields() -> None:
    u = ProgressUpdate(T0, "design signed off")
    assert (u.at, u.note) == (T0, "design signed off")
    assert ProgressUpdate(T0).note == ""


@pytest.mark.parametrize(
    ("args", "error", "path"),
    [
        ((dt.datetime(2025, 3, 3, 9),), InvalidValueError, "ProgressUpdate.at"),
        ((dt.date(2025, 3, 3),), InvalidTypeError, "ProgressUpdate.at"),
        ((T0, 3), InvalidTypeError, "ProgressUpdate.note"),
    ],
)
def test_bad_progress_updates(args: tuple[Any, ...], error: type[Exception], path: str) -> None:
    with pytest.raises(error) as info:
        ProgressUpdate(*args)
    assert getattr(info.value, "path", None) == path


def test_a_commitment_has_no_update_by_default() -> None:
    assert proposed().progress_updates == ()


def test_an_update_at_the_first_transition_is_kept_one_tick_before_is_refused() -> None:
    c = proposed()
    kept = attrs.evolve(c, progress_updates=[ProgressUpdate(T0)])
    assert kept.progress_updates == (ProgressUpdate(T0),)
    with pytest.raises(InvalidValueError) as info:
        attrs.evolve(
            c,
            progress_updates=[ProgressUpdate(T0 + H), ProgressUpdate(T0 - TICK)],
        )
    assert (info.value.path, info.value.value) == ("Commitment.progress_updates[1].at", T0 - TICK)


def test_updates_are_compared_with_the_first_transition_as_instants() -> None:
    c = proposed()
    same = T0.astimezone(UTC8)
    assert attrs.evolve(c, progress_updates=[ProgressUpdate(same)]).progress_updates[0].at == T0
    with pytest.raises(InvalidValueError) as info:
        attrs.evolve(c, progress_updates=[ProgressUpdate(same - TICK)])
    assert info.value.path == "Commitment.progress_updates[0].at"


def test_updates_must_be_progress_updates() -> None:
    with pytest.raises(InvalidTypeError) as info:
        attrs.evolve(proposed(), progress_updates=[T0])
    assert info.value.path == "Commitment.progress_updates[0]"


def test_report_progress_appends_and_keeps_the_state() -> None:
    c = proposed().transition("committed", T0 + H).transition("in_progress", T0 + 2 * H)
    c = c.report_progress(T0 + 7 * 24 * H, "week 1").report_progress(T0 + 14 * 24 * H)
    assert c.state is CommitmentState.IN_PROGRESS
    assert c.progress_updates == (
        ProgressUpdate(T0 + 7 * 24 * H, "week 1"),
        ProgressUpdate(T0 + 14 * 24 * H),
    )


@pytest.mark.parametrize("state", ["proposed", "committed", "in_progress", "at_risk", "delivered"])
def test_report_progress_in_every_open_state(state: str) -> None:
    steps = {
        "proposed": [],
        "committed": ["committed"],
        "in_progress": ["committed", "in_progress"],
        "at_risk": ["committed", "in_progress", "at_risk"],
        "delivered": ["committed", "in_progress", "delivered"],
    }[state]
    c = proposed()
    for k, step in enumerate(steps, start=1):
        c = c.transition(step, T0 + k * H)
    assert c.report_progress(T0 + 10 * H).state.value == state


@pytest.mark.parametrize("state", ["accepted", "broken", "cancelled"])
def test_report_progress_on_a_terminal_commitment_is_refused(state: str) -> None:
    c = proposed().transition("committed", T0 + H).transition("in_progress", T0 + 2 * H)
    c = c.report_progress(T0 + 3 * H)
    if state == "accepted":
        c = c.transition("delivered", T0 + 4 * H).accept(T0 + 5 * H, "ok")
    else:
        c = c.transition(state, T0 + 4 * H)
    with pytest.raises(IllegalTransitionError) as info:
        c.report_progress(T0 + 6 * H)
    assert (info.value.path, info.value.value) == ("Commitment.progress_updates[1]", state)
    assert len(c.progress_updates) == 1  # the input is unchanged


def test_report_progress_before_the_commitment_began_is_refused() -> None:
    with pytest.raises(InvalidValueError) as info:
        proposed().report_progress(T0 - TICK)
    assert info.value.path == "Commitment.progress_updates[0].at"


def test_report_progress_refuses_a_naive_time() -> None:
    with pytest.raises(InvalidValueError) as info:
        proposed().report_progress(dt.datetime(2025, 3, 4))
    assert info.value.path == "ProgressUpdate.at"


# ------------------------------------------------------------------ on the portfolio


def _acc(aid: str) -> Account:
    return Account(
        aid,
        f"Acct {aid}",
        industry="retail",
        region="north",
        size_band="large",
        cooperation_start=dt.date(2023, 1, 1),
    )


PEOPLE = [
    KeyPerson("U1", "Staff U1", "our_staff"),
    KeyPerson("U2", "Staff U2", "our_staff"),
    KeyPerson("P1", "CIO", "customer", account_id="A1"),
    KeyPerson("R1", "CFO", "customer", account_id="A2"),
    KeyPerson("X1", "Rival", "competitor_staff"),
]


def portfolio(*complaints: Complaint) -> Portfolio:
    return Portfolio([_acc("A1"), _acc("A2"), _acc("A3")], PEOPLE, complaints=complaints)


def failures(*complaints: Complaint) -> list[tuple[type, str | None, object]]:
    with pytest.raises(KamlibValidationError) as info:
        portfolio(*complaints)
    return [
        (type(e), getattr(e, "path", None), getattr(e, "value", None))
        for e in info.value.exceptions
    ]


def test_portfolio_holds_complaints_with_lookups() -> None:
    qs = [
        complaint("Q1", "A1", person_id="P1"),
        complaint("Q2", "A2", "U2", person_id="R1"),
        complaint("Q3", "A1", "U2", channel="red"),
    ]
    pf = portfolio(*qs)
    assert pf.complaints == tuple(qs)
    assert pf.complaint("Q2") is qs[1]
    assert [q.id for q in pf.complaints_of("A1")] == ["Q1", "Q3"]  # portfolio order
    assert pf.complaints_of("A3") == ()
    with pytest.raises(UnknownIdError) as info:
        pf.complaint("Q9")
    assert info.value.path == "Portfolio.complaint.id"
    with pytest.raises(UnknownIdError) as info:
        pf.complaints_of("A9")
    assert info.value.path == "Portfolio.complaints_of.account_id"


def test_the_default_is_no_complaint_and_old_positional_calls_still_work() -> None:
    pf = Portfolio([_acc("A1")], [], [], [], [], [], [])
    assert pf.complaints == ()
    assert pf.complaints_of("A1") == ()


def test_a_dangling_account_is_named_by_its_position() -> None:
    assert failures(complaint("Q1"), complaint("Q2", "A9")) == [
        (DanglingReferenceError, "Portfolio.complaints[1].account_id", "A9"),
    ]


@pytest.mark.parametrize("owner", ["P1", "X1"])
def test_an_owner_not_on_our_staff_is_refused(owner: str) -> None:
    found = failures(complaint("Q1"), complaint("Q2", owner=owner))
    assert found == [(IntegrityError, "Portfolio.complaints[1].owner_id", owner)]


def test_an_unknown_owner_is_dangling() -> None:
    assert failures(complaint("Q1", owner="U9")) == [
        (DanglingReferenceError, "Portfolio.complaints[0].owner_id", "U9"),
    ]


def test_a_person_of_another_account_is_refused() -> None:
    found = failures(complaint("Q1", person_id="P1"), complaint("Q2", "A1", person_id="R1"))
    assert found == [(IntegrityError, "Portfolio.complaints[1].person_id", "R1")]


def test_an_unknown_person_is_dangling() -> None:
    assert failures(complaint("Q1", person_id="P9")) == [
        (DanglingReferenceError, "Portfolio.complaints[0].person_id", "P9"),
    ]


def test_a_person_who_is_not_a_customer_is_allowed() -> None:
    # as for the other records: only a customer of *another* account is refused
    assert portfolio(complaint("Q1", person_id="X1")).complaint("Q1").person_id == "X1"


def test_duplicate_complaint_ids_are_named_by_the_repeat() -> None:
    found = failures(complaint("Q1"), complaint("Q2", "A2"), complaint("Q1", "A3"))
    assert found == [(DuplicateIdError, "Portfolio.complaints[2].id", "Q1")]


def test_every_complaint_failure_is_reported_together() -> None:
    found = failures(
        complaint("Q1", "A9"),
        complaint("Q1", owner="P1", person_id="R1"),
    )
    assert found == [
        (DuplicateIdError, "Portfolio.complaints[1].id", "Q1"),
        (DanglingReferenceError, "Portfolio.complaints[0].account_id", "A9"),
        (IntegrityError, "Portfolio.complaints[1].owner_id", "P1"),
        (IntegrityError, "Portfolio.complaints[1].person_id", "R1"),
    ]


def test_a_record_of_the_wrong_type_is_refused_at_once() -> None:
    with pytest.raises(InvalidTypeError) as info:
        Portfolio([_acc("A1")], complaints=[_acc("A2")])
    assert info.value.path == "Portfolio.complaints[0]"


def test_evolve_rechecks_complaints() -> None:
    pf = portfolio(complaint("Q1", "A2"))
    with pytest.raises(KamlibValidationError):
        attrs.evolve(pf, accounts=[_acc("A1")])
