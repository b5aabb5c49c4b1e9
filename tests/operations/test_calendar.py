"""The review calendar of source [002]'s dynamic evaluation: due, due soon, overdue."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kamlib.errors import InvalidTypeError, InvalidValueError
from kamlib.operations import (
    DEFAULT_REVIEW_MONTHS,
    REVIEW_CODES,
    AlertKind,
    ReviewDue,
    ReviewKind,
    ReviewPolicy,
    ReviewRecord,
    ReviewStatus,
    ReviewSubject,
    Severity,
    calendar_alerts,
    review_calendar,
)
from kamlib.testing.strategies import aware_datetimes

UTC = dt.UTC
US = dt.timedelta(microseconds=1)


def at(*ymd: int) -> dt.datetime:
    return dt.datetime(*ymd, tzinfo=UTC)  # type: ignore[misc, arg-type]


def rec(kind: str, subject: str, when: dt.datetime, account: str | None = None) -> ReviewRecord:
    return ReviewRecord(kind, subject, when, account)


def bad(value: object) -> Any:
    """A value of the wrong type, passed on purpose."""
    return value


def one(records: list[ReviewRecord], as_of: dt.datetime, **kw: Any) -> ReviewDue:
    (due,) = review_calendar(records, as_of=as_of, **kw)
    return due


# ------------------------------------------------------------------ source numbers


def test_default_months_are_the_source_values() -> None:
    assert dict(DEFAULT_REVIEW_MONTHS) == {
        ReviewKind.ACCOUNT_PLAN: 3,
        ReviewKind.CUSTOMER_EVALUATION: 3,
        ReviewKind.SALES_COVERAGE: 6,
        ReviewKind.STRATEGY_TACTICS: 6,
        ReviewKind.YEARLY_ASSESSMENT: 12,
    }
    with pytest.raises(TypeError):
        DEFAULT_REVIEW_MONTHS[ReviewKind.ACCOUNT_PLAN] = 4  # type: ignore[index]
    assert ReviewPolicy().months == DEFAULT_REVIEW_MONTHS
    assert ReviewPolicy().due_soon_days == 14


@pytest.mark.parametrize(
    ("kind", "due"),
    [
        ("account_plan", at(2025, 4, 15, 9)),
        ("customer_evaluation", at(2025, 4, 15, 9)),
        ("sales_coverage", at(2025, 7, 15, 9)),
        ("strategy_tactics", at(2025, 7, 15, 9)),
        ("yearly_assessment", at(2026, 1, 15, 9)),
    ],
)
def test_due_exactly_is_not_overdue_one_microsecond_later_is(kind: str, due: dt.datetime) -> None:
    records = [rec(kind, "A1", at(2025, 1, 15, 9), "A1")]
    on_time = one(records, due)
    assert on_time.due_at == due
    assert on_time.status is ReviewStatus.DUE_SOON
    assert on_time.overdue_by == dt.timedelta(0)
    late = one(records, due + US)
    assert late.status is ReviewStatus.OVERDUE
    assert late.overdue_by == US


def test_calendar_months_clamp_the_day() -> None:
    d = one([rec("account_plan", "A1", at(2025, 1, 31, 10))], at(2025, 3, 1))
    assert d.due_at == at(2025, 4, 30, 10)
    d = one([rec("account_plan", "A1", at(2023, 11, 30))], at(2024, 1, 1))
    assert d.due_at == at(2024, 2, 29)  # leap year
    d = one([rec("sales_coverage", "T1", at(2024, 8, 31))], at(2024, 9, 1))
    assert d.due_at == at(2025, 2, 28)


def test_the_records_own_time_zone_is_kept() -> None:
    east = dt.timezone(dt.timedelta(hours=8))
    d = one([rec("account_plan", "A1", dt.datetime(2025, 1, 31, 23, tzinfo=east))], at(2025, 2, 1))
    assert d.due_at == dt.datetime(2025, 4, 30, 23, tzinfo=east)


def test_due_soon_window_boundary() -> None:
    records = [rec("account_plan", "A1", at(2025, 1, 1))]  # due 2025-04-01
    assert one(records, at(2025, 3, 18)).status is ReviewStatus.DUE_SOON  # exactly 14 days
    assert one(records, at(2025, 3, 18) - US).status is ReviewStatus.SCHEDULED
    zero = ReviewPolicy(due_soon_days=0)
    assert one(records, at(2025, 4, 1), policy=zero).status is ReviewStatus.DUE_SOON
    assert one(records, at(2025, 4, 1) - US, policy=zero).status is ReviewStatus.SCHEDULED


def test_latest_record_wins_and_never_reviewed_starts_at_since() -> None:
    records = [
        rec("account_plan", "A1", at(2025, 2, 1), "A1"),
        rec("account_plan", "A1", at(2024, 11, 1), "A1"),
    ]
    subject = ReviewSubject("customer_evaluation", "A2", at(2024, 12, 10), "A2")
    dues = review_calendar(records, subjects=[subject], as_of=at(2025, 3, 15))
    assert [(d.kind, d.subject_id, d.last_at, d.due_at, d.status) for d in dues] == [
        (ReviewKind.ACCOUNT_PLAN, "A1", at(2025, 2, 1), at(2025, 5, 1), ReviewStatus.SCHEDULED),
        (ReviewKind.CUSTOMER_EVALUATION, "A2", None, at(2025, 3, 10), ReviewStatus.OVERDUE),
    ]
    assert dues[1].since == at(2024, 12, 10)
    assert dues[0].since is None


def test_a_review_before_since_still_counts() -> None:
    subject = ReviewSubject("account_plan", "A1", at(2025, 1, 1), "A1")
    d = one([rec("account_plan", "A1", at(2024, 12, 1), "A1")], at(2025, 2, 1), subjects=[subject])
    assert d.last_at == at(2024, 12, 1)
    assert d.due_at == at(2025, 3, 1)


def test_subject_listed_twice_keeps_the_earliest_since() -> None:
    a = ReviewSubject("yearly_assessment", "S1", at(2024, 3, 1))
    b = ReviewSubject("yearly_assessment", "S1", at(2024, 1, 1))
    for subjects in ([a, b], [b, a]):
        d = one([], at(2024, 6, 1), subjects=subjects)
        assert d.since == at(2024, 1, 1)
        assert d.due_at == at(2025, 1, 1)


def test_equal_instants_in_two_zones_do_not_depend_on_order() -> None:
    minus5 = dt.timezone(dt.timedelta(hours=-5))
    a = rec("account_plan", "A1", dt.datetime(2025, 1, 31, 23, tzinfo=minus5))
    b = rec("account_plan", "A1", at(2025, 2, 1, 4))
    assert a.at == b.at
    first = one([a, b], at(2025, 3, 1))
    assert first == one([b, a], at(2025, 3, 1))


def test_order_by_kind_then_subject() -> None:
    records = [
        rec("yearly_assessment", "A1", at(2025, 1, 1)),
        rec("account_plan", "B", at(2025, 1, 1)),
        rec("sales_coverage", "T1", at(2025, 1, 1)),
        rec("account_plan", "A", at(2025, 1, 1)),
    ]
    dues = review_calendar(records, as_of=at(2025, 2, 1))
    assert [(d.kind.value, d.subject_id) for d in dues] == [
        ("account_plan", "A"),
        ("account_plan", "B"),
        ("sales_coverage", "T1"),
        ("yearly_assessment", "A1"),
    ]


def test_policy_overrides_one_kind_only() -> None:
    p = ReviewPolicy(months={ReviewKind.SALES_COVERAGE: 4, "yearly_assessment": 24})
    assert p.months[ReviewKind.SALES_COVERAGE] == 4
    assert p.months[ReviewKind.YEARLY_ASSESSMENT] == 24
    assert p.months[ReviewKind.ACCOUNT_PLAN] == 3
    assert p.months_of("account_plan") == 3
    d = one([rec("sales_coverage", "T1", at(2025, 1, 1))], at(2025, 2, 1), policy=p)
    assert d.due_at == at(2025, 5, 1)
    assert d.months == 4
    assert ReviewPolicy(months={}) == ReviewPolicy()


def test_empty_inputs_give_an_empty_calendar() -> None:
    assert review_calendar([], as_of=at(2025, 1, 1)) == ()
    assert calendar_alerts([], as_of=at(2025, 1, 1)) == ()


# ------------------------------------------------------------------ alerts


def test_alerts_codes_severity_and_evidence() -> None:
    records = [
        rec("account_plan", "A1", at(2024, 12, 1), "A1"),  # due 2025-03-01: overdue
        rec("customer_evaluation", "A2", at(2025, 1, 10), "A2"),  # due 04-10: due soon
        rec("strategy_tactics", "A3", at(2025, 3, 1), "A3"),  # scheduled: no alert
    ]
    team = ReviewSubject("sales_coverage", "team-east", at(2024, 6, 1))  # due 12-01: overdue
    alerts = calendar_alerts(records, subjects=[team], as_of=at(2025, 4, 1))
    assert [(a.code, a.severity, a.account_id, a.subject_id) for a in alerts] == [
        ("review_overdue", Severity.WARNING, None, "team-east"),
        ("review_overdue", Severity.WARNING, "A1", "A1"),
        ("review_due_soon", Severity.INFO, "A2", "A2"),
    ]
    assert {a.code for a in alerts} <= set(REVIEW_CODES)
    assert all(a.kind is AlertKind.REVIEW for a in alerts)
    team_alert = alerts[0]
    assert team_alert.due == at(2024, 12, 1)
    assert dict(team_alert.evidence) == {
        "kind": "sales_coverage",
        "months": 6,
        "last_at": None,
        "since": at(2024, 6, 1),
        "status": "overdue",
    }
    assert "never reviewed" in team_alert.reason
    assert alerts[1].evidence["last_at"] == at(2024, 12, 1)


def test_review_codes_are_read_only_sentences() -> None:
    assert set(REVIEW_CODES) == {"review_overdue", "review_due_soon"}
    assert all(len(v) > 0 for v in REVIEW_CODES.values())
    with pytest.raises(TypeError):
        REVIEW_CODES["x"] = "y"  # type: ignore[index]


# ------------------------------------------------------------------ properties

KINDS = st.sampled_from(list(ReviewKind))
SUBJECTS = st.sampled_from(["A1", "A2", "T1"])
WHEN = aware_datetimes(min_value=dt.datetime(2020, 1, 1), max_value=dt.datetime(2024, 12, 31))
AS_OF = at(2025, 1, 1)


def _records() -> st.SearchStrategy[list[ReviewRecord]]:
    # the account id is a function of the subject, so (kind, subject) never conflicts
    return st.lists(
        st.builds(
            lambda k, s, t: ReviewRecord(k, s, t, None if s == "T1" else s), KINDS, SUBJECTS, WHEN
        ),
        max_size=12,
    )


def _subjects() -> st.SearchStrategy[list[ReviewSubject]]:
    return st.lists(
        st.builds(
            lambda k, s, t: ReviewSubject(k, s, t, None if s == "T1" else s), KINDS, SUBJECTS, WHEN
        ),
        max_size=6,
    )


@given(_records(), _subjects(), st.randoms(use_true_random=False))
def test_input_order_never_changes_the_calendar(
    records: list[ReviewRecord], subjects: list[ReviewSubject], rnd: Any
) -> None:
    before = review_calendar(records, subjects=subjects, as_of=AS_OF)
    rnd.shuffle(records)
    rnd.shuffle(subjects)
    assert review_calendar(records, subjects=subjects, as_of=AS_OF) == before
    assert calendar_alerts(records, subjects=subjects, as_of=AS_OF) == calendar_alerts(
        records[::-1], subjects=subjects[::-1], as_of=AS_OF
    )


@given(_records(), _subjects(), st.timedeltas(dt.timedelta(0), dt.timedelta(days=800)))
def test_moving_as_of_forward_never_un_overdues(
    records: list[ReviewRecord], subjects: list[ReviewSubject], step: dt.timedelta
) -> None:
    early = {
        (d.kind, d.subject_id): d for d in review_calendar(records, subjects=subjects, as_of=AS_OF)
    }
    later = review_calendar(records, subjects=subjects, as_of=AS_OF + step)
    assert len(later) == len(early)
    for d in later:
        e = early[(d.kind, d.subject_id)]
        assert d.due_at == e.due_at  # unchanged records: the same due time
        if e.status is ReviewStatus.OVERDUE:
            assert d.status is ReviewStatus.OVERDUE
        assert d.overdue_by >= e.overdue_by


@given(_records(), _subjects())
def test_status_matches_its_definition(
    records: list[ReviewRecord], subjects: list[ReviewSubject]
) -> None:
    dues = review_calendar(records, subjects=subjects, as_of=AS_OF)
    keys = {(r.kind, r.subject_id) for r in records} | {(s.kind, s.subject_id) for s in subjects}
    assert {(d.kind, d.subject_id) for d in dues} == keys
    for d in dues:
        assert d.last_at is not None or d.since is not None
        assert d.due_at > (d.last_at or d.since)  # type: ignore[operator]
        if d.due_at < AS_OF:
            assert d.status is ReviewStatus.OVERDUE
        elif d.due_at - AS_OF <= dt.timedelta(days=14):
            assert d.status is ReviewStatus.DUE_SOON
        else:
            assert d.status is ReviewStatus.SCHEDULED


# ------------------------------------------------------------------ bad input


def test_a_record_after_as_of_is_refused_by_path() -> None:
    records = [rec("account_plan", "A1", at(2025, 1, 1)), rec("account_plan", "A1", at(2025, 3, 2))]
    with pytest.raises(InvalidValueError) as err:
        review_calendar(records, as_of=at(2025, 3, 1))
    assert err.value.path == "review_calendar.records[1].at"


def test_a_subject_since_after_as_of_is_refused_by_path() -> None:
    s = ReviewSubject("account_plan", "A1", at(2025, 3, 2))
    with pytest.raises(InvalidValueError) as err:
        review_calendar([], subjects=[s], as_of=at(2025, 3, 1))
    assert err.value.path == "review_calendar.subjects[0].since"


def test_two_account_ids_for_one_subject_are_refused() -> None:
    records = [rec("account_plan", "S1", at(2025, 1, 1), "A1")]
    subject = ReviewSubject("account_plan", "S1", at(2024, 1, 1), "A2")
    with pytest.raises(InvalidValueError) as err:
        review_calendar(records, subjects=[subject], as_of=at(2025, 3, 1))
    assert err.value.path == "review_calendar.subjects[0].account_id"
    with pytest.raises(InvalidValueError) as err:
        review_calendar([*records, rec("account_plan", "S1", at(2025, 2, 1))], as_of=at(2025, 3, 1))
    assert err.value.path == "review_calendar.records[1].account_id"


def test_a_due_time_past_year_9999_is_refused_by_path() -> None:
    last = dt.datetime(9999, 11, 1, tzinfo=UTC)
    with pytest.raises(InvalidValueError) as err:
        review_calendar([rec("account_plan", "A1", last)], as_of=last)
    assert err.value.path == "review_calendar.records[0].at"
    subject = ReviewSubject("yearly_assessment", "T1", dt.datetime(9999, 6, 1, tzinfo=UTC))
    with pytest.raises(InvalidValueError) as err:
        review_calendar([], subjects=[subject], as_of=last)
    assert err.value.path == "review_calendar.subjects[0].since"


@pytest.mark.parametrize(
    ("call", "error", "path"),
    [
        (
            lambda: review_calendar([], as_of=dt.datetime(2025, 1, 1)),
            InvalidValueError,
            "review_calendar.as_of",
        ),
        (
            lambda: review_calendar([], as_of=bad("2025-01-01")),
            InvalidTypeError,
            "review_calendar.as_of",
        ),
        (
            lambda: review_calendar(bad("abc"), as_of=AS_OF),
            InvalidTypeError,
            "review_calendar.records",
        ),
        (
            lambda: review_calendar(bad([None]), as_of=AS_OF),
            InvalidTypeError,
            "review_calendar.records[0]",
        ),
        (
            lambda: review_calendar([], subjects=bad([1]), as_of=AS_OF),
            InvalidTypeError,
            "review_calendar.subjects[0]",
        ),
        (
            lambda: review_calendar([], as_of=AS_OF, policy=bad({})),
            InvalidTypeError,
            "review_calendar.policy",
        ),
        (
            lambda: calendar_alerts(bad([None]), as_of=AS_OF),
            InvalidTypeError,
            "review_calendar.records[0]",
        ),
        (lambda: ReviewRecord("weekly", "A1", AS_OF), InvalidValueError, "ReviewRecord.kind"),
        (lambda: ReviewRecord(bad(3), "A1", AS_OF), InvalidTypeError, "ReviewRecord.kind"),
        (
            lambda: ReviewRecord("account_plan", "", AS_OF),
            InvalidValueError,
            "ReviewRecord.subject_id",
        ),
        (
            lambda: ReviewRecord("account_plan", "A1", dt.datetime(2025, 1, 1)),
            InvalidValueError,
            "ReviewRecord.at",
        ),
        (
            lambda: ReviewRecord("account_plan", "A1", AS_OF, ""),
            InvalidValueError,
            "ReviewRecord.account_id",
        ),
        (
            lambda: ReviewRecord("account_plan", "A1", AS_OF, note=bad(None)),
            InvalidTypeError,
            "ReviewRecord.note",
        ),
        (
            lambda: ReviewSubject("account_plan", "A1", bad(dt.date(2025, 1, 1))),
            InvalidTypeError,
            "ReviewSubject.since",
        ),
        (lambda: ReviewPolicy(months=[3]), InvalidTypeError, "ReviewPolicy.months"),
        (lambda: ReviewPolicy(months={"weekly": 3}), InvalidValueError, "ReviewPolicy.months"),
        (lambda: ReviewPolicy(months={1: 3}), InvalidTypeError, "ReviewPolicy.months"),
        (
            lambda: ReviewPolicy(months={"account_plan": 2.0}),
            InvalidTypeError,
            "ReviewPolicy.months['account_plan']",
        ),
        (
            lambda: ReviewPolicy(months={"account_plan": True}),
            InvalidTypeError,
            "ReviewPolicy.months['account_plan']",
        ),
        (
            lambda: ReviewPolicy(months={"account_plan": 1201}),
            InvalidValueError,
            "ReviewPolicy.months['account_plan']",
        ),
        (lambda: ReviewPolicy(due_soon_days=-1), InvalidValueError, "ReviewPolicy.due_soon_days"),
        (lambda: ReviewPolicy(due_soon_days=1.5), InvalidTypeError, "ReviewPolicy.due_soon_days"),
        (
            lambda: ReviewPolicy().months_of("weekly"),
            InvalidValueError,
            "ReviewPolicy.months_of.kind",
        ),
        (
            lambda: ReviewPolicy().months_of(bad(None)),
            InvalidTypeError,
            "ReviewPolicy.months_of.kind",
        ),
    ],
)
def test_bad_input_names_its_path(call: Any, error: type[Exception], path: str) -> None:
    with pytest.raises(error) as err:
        call()
    assert err.value.path == path  # type: ignore[attr-defined]


def test_inputs_are_not_mutated() -> None:
    records = [rec("account_plan", "A1", at(2025, 1, 1))]
    months = {"account_plan": 2}
    review_calendar(records, as_of=AS_OF.replace(year=2025, month=2))
    ReviewPolicy(months=months)
    assert months == {"account_plan": 2}
    assert records == [rec("account_plan", "A1", at(2025, 1, 1))]
